/*
 * utf8.c - UTF-8 decoding, cleaning and simple case mapping (see utf8.h).
 *
 * The decoder follows the Unicode "maximal subpart" rule in its simplest
 * form: any byte that does not start a complete, shortest-form, non-surrogate
 * sequence decodes as U+FFFD and consumes exactly one byte. Hostile input
 * therefore always makes progress and never reads past n.
 *
 * Public: decoding and encoding, dt_utf8_clean() (message text for
 * scoring), dt_utf8_clean_line() and dt_utf8_clean_lines() (text a person
 * reads: the one place where what may not reach a terminal or a digest is
 * decided, dt_unicode_is_hidden()), case mapping and letter classes.
 */
#include "dealtemp/utf8.h"

#include <string.h>

size_t dt_utf8_decode(const char *str, size_t n, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned char c = s[0];

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    uint32_t v, min;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        v = c & 0x1f;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        v = c & 0x0f;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        v = c & 0x07;
        min = 0x10000;
    } else {
        *cp = DT_UTF8_REPLACEMENT;
        return 1;
    }
    if (n < len) {
        *cp = DT_UTF8_REPLACEMENT;
        return 1;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *cp = DT_UTF8_REPLACEMENT;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
        *cp = DT_UTF8_REPLACEMENT;
        return 1;
    }
    *cp = v;
    return len;
}

size_t dt_utf8_encode(uint32_t cp, char out[4])
{
    unsigned char *o = (unsigned char *)out;
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        cp = DT_UTF8_REPLACEMENT;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xc0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xe0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (unsigned char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (unsigned char)(0xf0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (unsigned char)(0x80 | (cp & 0x3f));
    return 4;
}

void dt_buf_put_utf8(struct dt_buf *b, uint32_t cp)
{
    char tmp[4];
    dt_buf_append(b, tmp, dt_utf8_encode(cp, tmp));
}

size_t dt_utf8_clean(struct dt_buf *b, const char *src, size_t n)
{
    size_t bad = 0, i = 0;

    if (!dt_buf_reserve(b, n))
        return 0;
    while (i < n) {
        unsigned char c = (unsigned char)src[i];
        /* Fast path: a run of printable ASCII is copied as is. */
        if (c >= 0x20 && c < 0x7f) {
            size_t j = i + 1;
            while (j < n && (unsigned char)src[j] >= 0x20 && (unsigned char)src[j] < 0x7f)
                j++;
            dt_buf_append(b, src + i, j - i);
            i = j;
            continue;
        }
        if (c == '\r') {
            dt_buf_putc(b, '\n');
            i += (i + 1 < n && src[i + 1] == '\n') ? 2 : 1;
            continue;
        }
        if (c == '\n' || c == '\t') {
            dt_buf_putc(b, (char)c);
            i++;
            continue;
        }
        if (c < 0x80) { /* NUL, other C0 controls, DEL: dropped */
            i++;
            continue;
        }
        uint32_t cp;
        size_t len = dt_utf8_decode(src + i, n - i, &cp);
        if (cp == DT_UTF8_REPLACEMENT && len == 1) {
            bad++;
            dt_buf_put_utf8(b, DT_UTF8_REPLACEMENT);
        } else if (cp >= 0x80 && cp < 0xa0) {
            /* C1 controls: dropped like C0 */
        } else {
            dt_buf_append(b, src + i, len);
        }
        i += len;
    }
    return bad;
}

bool dt_unicode_is_hidden(uint32_t cp)
{
    /* Bidi controls: they reorder what follows them. */
    if (cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
        (cp >= 0x2066 && cp <= 0x2069))
        return true;
    /* Invisible format characters: they hide text or split a word. */
    return cp == 0x00ad || cp == 0x180e || cp == 0x200b || (cp >= 0x2060 && cp <= 0x2064) ||
           (cp >= 0x206a && cp <= 0x206f) || cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb) ||
           (cp >= 0xe0000 && cp <= 0xe007f);
}

/* What a control or separator shows as: a space (the rest of the rule is in clean()). */
static bool shows_as_space(uint32_t cp)
{
    return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp == 0xa0 || cp == 0x2028 ||
           cp == 0x2029;
}

static void put_escaped(struct dt_buf *b, uint32_t cp, bool html)
{
    if (html && cp == '&')
        dt_buf_puts(b, "&amp;");
    else if (html && cp == '<')
        dt_buf_puts(b, "&lt;");
    else if (html && cp == '>')
        dt_buf_puts(b, "&gt;");
    else if (html && cp == '"')
        dt_buf_puts(b, "&quot;");
    else if (html && cp == '\'')
        dt_buf_puts(b, "&#39;");
    else
        dt_buf_put_utf8(b, cp);
}

bool dt_utf8_clean_line(struct dt_buf *b, const char *s, size_t max_cp, bool html)
{
    size_t n = strlen(s), i = 0, count = 0;
    bool pending_space = false;
    while (i < n) {
        uint32_t cp;
        i += dt_utf8_decode(s + i, n - i, &cp);
        if (dt_unicode_is_hidden(cp))
            continue;
        if (shows_as_space(cp) || cp == ' ') {
            pending_space = count > 0;
            continue;
        }
        if (count >= max_cp) {
            dt_buf_puts(b, "\xe2\x80\xa6");
            return true;
        }
        if (pending_space) {
            dt_buf_putc(b, ' ');
            count++;
            pending_space = false;
        }
        count++;
        put_escaped(b, cp, html);
    }
    return count > 0;
}

void dt_utf8_clean_lines(struct dt_buf *b, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        /* Fast path: a run of printable ASCII, LF or TAB is copied as is. */
        if ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t') {
            size_t j = i + 1;
            while (j < n && (((unsigned char)s[j] >= 0x20 && (unsigned char)s[j] < 0x7f) ||
                             s[j] == '\n' || s[j] == '\t'))
                j++;
            dt_buf_append(b, s + i, j - i);
            i = j;
            continue;
        }
        if (c == '\r' && i + 1 < n && s[i + 1] == '\n') {
            i++; /* the LF follows */
            continue;
        }
        uint32_t cp;
        i += dt_utf8_decode(s + i, n - i, &cp);
        if (dt_unicode_is_hidden(cp))
            continue;
        if (shows_as_space(cp))
            cp = ' ';
        dt_buf_put_utf8(b, cp);
    }
}

bool dt_utf8_valid(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t len = dt_utf8_decode(s + i, n - i, &cp);
        if (cp == DT_UTF8_REPLACEMENT && len == 1)
            return false;
        i += len;
    }
    return true;
}

char *dt_ascii_lower_str(char *s)
{
    for (char *p = s; p != NULL && *p; p++)
        *p = (char)dt_ascii_lower((unsigned char)*p);
    return s;
}

size_t dt_utf8_prefix_ci(const char *s, size_t n, const char *word, size_t wn)
{
    size_t i = 0, j = 0;

    if (wn == 0)
        return 0;
    while (j < wn) {
        if (i >= n)
            return 0;
        unsigned char a = (unsigned char)s[i], b = (unsigned char)word[j];
        if (a < 0x80 && b < 0x80) { /* the common case: no decoding */
            if (dt_ascii_lower(a) != dt_ascii_lower(b))
                return 0;
            i++;
            j++;
            continue;
        }
        uint32_t ca, cb;
        i += dt_utf8_decode(s + i, n - i, &ca);
        j += dt_utf8_decode(word + j, wn - j, &cb);
        if (dt_unicode_lower(ca) != dt_unicode_lower(cb))
            return 0;
    }
    return i;
}

uint32_t dt_unicode_lower(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    if ((cp >= 0xc0 && cp <= 0xde && cp != 0xd7))
        return cp + 32;
    if (cp >= 0x100 && cp <= 0x17f) {
        /* Latin Extended-A alternates upper/lower, with two shifted stretches. */
        if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e))
            return (cp & 1) ? cp + 1 : cp;
        if (cp == 0x178)
            return 0xff;
        if (cp == 0x130 || cp == 0x131 || cp == 0x138 || cp == 0x149 || cp == 0x17f)
            return cp == 0x130 ? 'i' : cp;
        return (cp & 1) ? cp : cp + 1;
    }
    if (cp >= 0x391 && cp <= 0x3ab && cp != 0x3a2)
        return cp + 32;
    if (cp >= 0x410 && cp <= 0x42f)
        return cp + 32;
    if (cp >= 0x400 && cp <= 0x40f)
        return cp + 80;
    if (cp == 0x1e9e)
        return 0xdf; /* capital sharp s: "GROẞARTIG" is "großartig" */
    return cp;
}

uint32_t dt_unicode_upper(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') ? cp - 32 : cp;
    if (cp >= 0xe0 && cp <= 0xfe && cp != 0xf7)
        return cp - 32;
    if (cp == 0xff)
        return 0x178;
    if (cp >= 0x100 && cp <= 0x17f) {
        if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e))
            return (cp & 1) ? cp : cp - 1;
        if (cp == 0x130 || cp == 0x131 || cp == 0x138 || cp == 0x149 || cp == 0x17f)
            return cp;
        return (cp & 1) ? cp - 1 : cp;
    }
    if (cp >= 0x3b1 && cp <= 0x3cb && cp != 0x3c2)
        return cp - 32;
    if (cp >= 0x430 && cp <= 0x44f)
        return cp - 32;
    if (cp >= 0x450 && cp <= 0x45f)
        return cp - 80;
    return cp;
}

bool dt_unicode_is_letter(uint32_t cp)
{
    if (cp < 0x80)
        return (cp | 32) >= 'a' && (cp | 32) <= 'z';
    if (cp < 0xc0)
        return cp == 0xaa || cp == 0xb5 || cp == 0xba;
    if (cp <= 0x24f)
        return cp != 0xd7 && cp != 0xf7;
    if (cp >= 0x370 && cp <= 0x3ff)
        return true; /* Greek */
    if (cp >= 0x400 && cp <= 0x52f)
        return true; /* Cyrillic */
    if (cp >= 0x1e00 && cp <= 0x1eff)
        return true; /* Latin Extended Additional */
    /* Other scripts: treat as letters so their words are counted, not split. */
    if (cp >= 0x530 && cp < 0x2000)
        return true;
    if (cp >= 0x3040 && cp <= 0x9fff)
        return true;
    if (cp >= 0xac00 && cp <= 0xd7a3)
        return true;
    return false;
}

bool dt_unicode_is_upper(uint32_t cp) { return dt_unicode_is_letter(cp) && dt_unicode_lower(cp) != cp; }

bool dt_unicode_is_emoji(uint32_t cp)
{
    return (cp >= 0x1f000 && cp <= 0x1faff) || (cp >= 0x2600 && cp <= 0x27bf) ||
           cp == 0x2b50 || cp == 0x2b55 || cp == 0x2b06 || cp == 0x2705 || cp == 0x2728 ||
           cp == 0x203c || cp == 0x2049 || cp == 0x2122 || cp == 0x2139 ||
           (cp >= 0x2190 && cp <= 0x21ff && cp >= 0x2194 && cp <= 0x21aa);
}
