/*
 * utf8.h - the small amount of Unicode dealtemp needs.
 *
 * Decoding never fails: an invalid or truncated sequence decodes as
 * U+FFFD and consumes one byte, so hostile input always makes progress.
 * Case folding covers ASCII, Latin-1, Latin Extended-A, Greek and
 * Cyrillic: enough for the European languages the lexicons are written in.
 */
#ifndef DEALTEMP_UTF8_H
#define DEALTEMP_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dealtemp/buf.h"

#define DT_UTF8_REPLACEMENT 0xFFFDu

/* Decode one code point from s (n > 0 bytes available); returns bytes used (1..4). */
size_t dt_utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Encode cp into out; returns bytes written (1..4). Invalid cp -> U+FFFD. */
size_t dt_utf8_encode(uint32_t cp, char out[4]);
/* Append cp, UTF-8 encoded, to b. */
void dt_buf_put_utf8(struct dt_buf *b, uint32_t cp);

/*
 * Append src to b as valid UTF-8 text: invalid sequences become U+FFFD,
 * NUL and control characters other than TAB and LF are dropped, CR LF and
 * lone CR become LF. Returns the number of invalid sequences replaced.
 */
size_t dt_utf8_clean(struct dt_buf *b, const char *src, size_t n);

/*
 * Text a person reads - a terminal, a digest, a note - goes through one of
 * the two functions below, and what they leave out is one rule: control
 * characters (C0, DEL, C1: an ESC sequence recolours or rewrites a
 * terminal, a CR overprints a line) and the characters dt_unicode_is_hidden
 * names, which reorder or hide text (U+202E shows "gpj.exe" as "exe.jpg").
 * The text comes from mail and from the store, written by whoever sent the
 * mail: a subject, a display name, a phrase, a file name in a maildir.
 */

/*
 * Bidirectional controls (U+061C, U+200E, U+200F, U+202A..U+202E,
 * U+2066..U+2069) and invisible format characters (U+00AD, U+180E,
 * U+200B, U+2060..U+2064, U+206A..U+206F, U+FEFF, U+FFF9..U+FFFB, the
 * tags U+E0000..U+E007F). The joiners U+200C and U+200D are not hidden:
 * emoji and several scripts need them.
 */
bool dt_unicode_is_hidden(uint32_t cp);

/*
 * Append s as one clean line: valid UTF-8 (invalid bytes become U+FFFD),
 * no control or hidden characters (controls, line breaks, NBSP and
 * U+2028/U+2029 become spaces; hidden ones are left out), white space
 * collapsed and trimmed, at most max_cp characters (then "…"),
 * HTML-escaped (& < > " ') when html. Returns false if nothing printable
 * was left (b then holds nothing new).
 */
bool dt_utf8_clean_line(struct dt_buf *b, const char *s, size_t max_cp, bool html);

/*
 * Append s[0..n) as clean lines, by the same rule: LF and TAB stay, CR LF
 * becomes LF, every other control character (a lone CR, ESC) becomes a
 * space, hidden characters are left out; nothing is collapsed or cut.
 * For whole outputs and multi-line text (explain's marked words).
 */
void dt_utf8_clean_lines(struct dt_buf *b, const char *s, size_t n);

/* True if s[0..n) is valid UTF-8 (no overlongs, no surrogates). */
bool dt_utf8_valid(const char *s, size_t n);

/* ASCII case folding only: A-Z become a-z, every other byte stays (protocol
 * tokens, addresses, domains and config words are compared this way). */
static inline unsigned char dt_ascii_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}
/* Fold s in place (NULL is fine); returns s. */
char *dt_ascii_lower_str(char *s);

uint32_t dt_unicode_lower(uint32_t cp);
uint32_t dt_unicode_upper(uint32_t cp);
/*
 * Does s[0..n) start with word[0..wn) in any case? Both sides are folded
 * character by character with dt_unicode_lower (ASCII, Latin, Greek,
 * Cyrillic), so "ПЕРЕСЫЛАЕМОЕ" matches "пересылаемое". Returns the bytes
 * of s matched (not always wn), or 0 if it does not start with word; an
 * empty word never matches. Reads at most n bytes of s.
 */
size_t dt_utf8_prefix_ci(const char *s, size_t n, const char *word, size_t wn);
/*
 * Can text starting with byte a and text starting with byte b be equal
 * under dt_unicode_lower? false is certain; true means "compare them".
 * Lets a caller that tries many words skip most of them on one byte.
 */
static inline bool dt_utf8_may_fold_equal(unsigned char a, unsigned char b)
{
    if (a < 0x80 && b < 0x80)
        return dt_ascii_lower(a) == dt_ascii_lower(b);
    if (a < 0x80 || b < 0x80)
        return (a < 0x80 ? b : a) == 0xc4; /* only U+0130 'İ' (C4 B0) folds into ASCII */
    return true;
}
/* Letters: ASCII, Latin-1/Extended, Greek, Cyrillic and general alphabetic ranges. */
bool dt_unicode_is_letter(uint32_t cp);
bool dt_unicode_is_upper(uint32_t cp);
/* Pictographic emoji and dingbats (U+1F000..U+1FAFF, U+2600..U+27BF, U+2B50, ...). */
bool dt_unicode_is_emoji(uint32_t cp);

#endif
