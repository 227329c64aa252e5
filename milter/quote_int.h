/*
 * quote_int.h - internals shared by quote.c (the walk over the lines: what
 * is kept, what is cut, what is counted) and quote_words.c (the marker
 * words of every language and the checks that match a line against them).
 * Not a public contract: only those two files include it.
 *
 * Every check reads one line, or two where it says so, and never more
 * than a bounded prefix or the line itself: dt_quote_strip stays linear.
 */
#ifndef DEALTEMP_QUOTE_INT_H
#define DEALTEMP_QUOTE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* One input line: s[0..len) without the LF and without one stray CR. */
struct line {
    const char *s;
    size_t len;
    const char *next; /* first byte of the following line (or the end) */
};

static inline struct line line_at(const char *p, const char *end)
{
    struct line l;
    const char *nl = memchr(p, '\n', (size_t)(end - p));

    l.s = p;
    l.len = (size_t)((nl ? nl : end) - p);
    l.next = nl ? nl + 1 : end;
    if (l.len > 0 && p[l.len - 1] == '\r')
        l.len--;
    return l;
}

/*
 * Like line_at, but gives up (returns false) if the line is longer than
 * max bytes: used where only a short line can match, so a megabyte line
 * is never read twice.
 */
static inline bool short_line_at(const char *p, const char *end, size_t max, struct line *l)
{
    size_t avail = (size_t)(end - p);
    size_t scan = avail < max + 2 ? avail : max + 2; /* room for "\r\n" */
    const char *nl = memchr(p, '\n', scan);

    if (nl == NULL && scan < avail)
        return false;
    l->s = p;
    l->len = (size_t)((nl ? nl : end) - p);
    l->next = nl ? nl + 1 : end;
    if (l->len > 0 && p[l->len - 1] == '\r')
        l->len--;
    return l->len <= max;
}

static inline bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static inline bool is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_space((unsigned char)s[i]))
            return false;
    return true;
}

/* Length of a no-break space (U+00A0, U+202F) at s, else 0. */
static inline size_t nbsp_len(const char *s, size_t n)
{
    if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)
        return 2;
    if (n >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
        (unsigned char)s[2] == 0xAF)
        return 3;
    return 0;
}

/* Skip spaces, tabs and no-break spaces (French puts one before ':'). */
static inline size_t skip_space(const char *s, size_t n, size_t i)
{
    for (;;) {
        if (i < n && is_space((unsigned char)s[i])) {
            i++;
            continue;
        }
        size_t k = i < n ? nbsp_len(s + i, n - i) : 0;
        if (k == 0)
            return i;
        i += k;
    }
}

/* Length of s[0..n) without trailing spaces and no-break spaces. */
static inline size_t trim_end(const char *s, size_t n)
{
    for (;;) {
        if (n > 0 && is_space((unsigned char)s[n - 1]))
            n--;
        else if (n >= 2 && nbsp_len(s + n - 2, 2) == 2)
            n -= 2;
        else if (n >= 3 && nbsp_len(s + n - 3, 3) == 3)
            n -= 3;
        else
            return n;
    }
}

/*
 * Which markers a line can be, judged by its first byte: most prose lines
 * start with a byte no marker starts with and skip every check. Lines that
 * start with white space may be indented markers and get them all.
 */
enum {
    M_SIG = 1,    /* "-- " */
    M_FWD = 2,    /* forward separators, dashed or Apple's */
    M_HDR = 4,    /* Outlook header block */
    M_RULE = 8,   /* underscore rule above a header block */
    M_TRAIL = 16, /* device trailer */
    M_ATTR = 32,  /* reply attribution */
    M_ALL = 63,
};

/* The M_* bits of each first byte, beside the words in quote_words.c. */
extern const unsigned char dt_quote_first_byte[256];

static inline unsigned line_mask(const struct line *l)
{
    return l->len > 0 ? dt_quote_first_byte[(unsigned char)l->s[0]] : 0;
}

/* Phone and app trailers that end the own text ("Sent from my iPhone"). */
bool dt_quote_is_trailer(const struct line *l);

/* "-----Original Message-----" and the like, or Apple's "Begin forwarded message:". */
bool dt_quote_is_forward_separator(const struct line *l);

enum hdr { HDR_NONE, HDR_FROM, HDR_OTHER };

/* Which header of an Outlook-style block the line starts with, if any. */
enum hdr dt_quote_header_kind(const struct line *l);

struct attribution {
    const char *next; /* first byte after the attribution */
    size_t lines;     /* 1, or 2 when wrapped */
    bool evidence;    /* a clock time or an address on either line */
};

/*
 * A reply attribution starting at l, on one line or wrapped over two
 * (reads the next line at most once, and only a short one). Fills *a.
 */
bool dt_quote_attribution_at(const struct line *l, const char *end, struct attribution *a);

#endif
