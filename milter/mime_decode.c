/*
 * mime_decode.c - transfer decoding and charset conversion for the MIME
 * module (see mime_int.h).
 *
 * dt_mime_base64() and dt_mime_qp() undo the content transfer encodings,
 * tolerating stray characters, missing padding and truncation.
 * dt_mime_to_utf8() turns the decoded bytes of a text part into clean
 * UTF-8: UTF-8 and US-ASCII are validated in place, ISO-8859-1 and
 * Windows-1252 are mapped by table, everything else goes through iconv(3)
 * with a replacement strategy (an invalid byte becomes U+FFFD and the
 * conversion resumes after it). An unknown charset is read as UTF-8 when
 * the bytes are valid UTF-8, else as Windows-1252.
 *
 * dt_mime_words() decodes the RFC 2047 encoded words of a header value
 * itself, so the length of what they decode to is known: a "=00" or a
 * base64 zero byte is dropped like any NUL, never the end of the text.
 *
 * Nothing here fails: bad input is replaced and counted, and an allocation
 * failure is left sticky in the output buffer for the caller to notice.
 */
#include "mime_int.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "dealtemp/utf8.h"

/* Value + 1 of each base64 character; 0 for characters outside the alphabet. */
static const unsigned char b64[256] = {
    ['A'] = 1,  ['B'] = 2,  ['C'] = 3,  ['D'] = 4,  ['E'] = 5,  ['F'] = 6,  ['G'] = 7,  ['H'] = 8,
    ['I'] = 9,  ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16,
    ['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24,
    ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30, ['e'] = 31, ['f'] = 32,
    ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36, ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40,
    ['o'] = 41, ['p'] = 42, ['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48,
    ['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56,
    ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64,
};

void dt_mime_base64(struct dt_buf *out, const char *s, size_t n, bool *truncated)
{
    const unsigned char *p = (const unsigned char *)s;
    uint32_t acc = 0;
    unsigned q = 0; /* sextets in acc */
    bool padded = false;

    *truncated = false;
    if (!dt_buf_reserve(out, n / 4 * 3 + 3))
        return;
    unsigned char *o = (unsigned char *)out->data + out->len;
    for (size_t i = 0; i < n; i++) {
        unsigned v = b64[p[i]];
        if (v == 0) {
            if (p[i] == '=') {
                /* Padding ends a group early; data may follow (concatenated encodings). */
                if (q == 2) {
                    *o++ = (unsigned char)(acc >> 4);
                } else if (q == 3) {
                    *o++ = (unsigned char)(acc >> 10);
                    *o++ = (unsigned char)(acc >> 2);
                }
                acc = 0;
                q = 0;
                padded = true;
            }
            continue;
        }
        acc = (acc << 6) | (v - 1);
        padded = false;
        if (++q == 4) {
            *o++ = (unsigned char)(acc >> 16);
            *o++ = (unsigned char)(acc >> 8);
            *o++ = (unsigned char)acc;
            acc = 0;
            q = 0;
        }
    }
    /* A group cut short without padding: the data was truncated. Keep its whole bytes. */
    if (q == 2) {
        *o++ = (unsigned char)(acc >> 4);
    } else if (q == 3) {
        *o++ = (unsigned char)(acc >> 10);
        *o++ = (unsigned char)(acc >> 2);
    }
    if (q != 0 && !padded)
        *truncated = true;
    out->len = (size_t)((char *)o - out->data);
    out->data[out->len] = '\0';
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

void dt_mime_qp(struct dt_buf *out, const char *s, size_t n)
{
    size_t i = 0;

    if (!dt_buf_reserve(out, n))
        return;
    while (i < n) {
        const char *eq = memchr(s + i, '=', n - i);
        size_t run = eq ? (size_t)(eq - (s + i)) : n - i;
        dt_buf_append(out, s + i, run);
        i += run;
        if (i >= n)
            break;
        /* s[i] == '=' */
        if (i + 2 < n && hexval((unsigned char)s[i + 1]) >= 0 &&
            hexval((unsigned char)s[i + 2]) >= 0) {
            dt_buf_putc(out, (char)(hexval((unsigned char)s[i + 1]) * 16 +
                                    hexval((unsigned char)s[i + 2])));
            i += 3;
            continue;
        }
        /* Soft line break: '=', optional transport padding, line end (or end of data). */
        size_t j = i + 1;
        while (j < n && (s[j] == ' ' || s[j] == '\t'))
            j++;
        if (j < n && s[j] == '\r')
            j++;
        if (j >= n || s[j] == '\n') {
            i = j < n ? j + 1 : n;
            continue;
        }
        dt_buf_putc(out, '='); /* not an escape: keep it literally */
        i++;
    }
}

/*
 * Windows-1252 0x80..0x9F; 0 marks the five undefined positions. 0xA0..0xFF
 * are the same as in ISO-8859-1 and Unicode.
 */
static const uint16_t cp1252_c1[32] = {
    0x20ac, 0,      0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017d, 0,      0,      0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
    0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0,      0x017e, 0x0178,
};

unsigned dt_mime_cp1252(struct dt_buf *out, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned bad = 0;
    size_t i = 0;

    if (!dt_buf_reserve(out, n + n / 2))
        return 0;
    while (i < n) {
        unsigned char c = p[i];
        if (c >= 0x20 && c < 0x7f) {
            size_t j = i + 1;
            while (j < n && p[j] >= 0x20 && p[j] < 0x7f)
                j++;
            dt_buf_append(out, s + i, j - i);
            i = j;
            continue;
        }
        i++;
        if (c == '\r') {
            dt_buf_putc(out, '\n');
            if (i < n && p[i] == '\n')
                i++;
        } else if (c == '\n' || c == '\t') {
            dt_buf_putc(out, (char)c);
        } else if (c >= 0xa0) {
            dt_buf_put_utf8(out, c);
        } else if (c >= 0x80) {
            uint32_t cp = cp1252_c1[c - 0x80];
            if (cp == 0)
                bad++;
            dt_buf_put_utf8(out, cp ? cp : DT_UTF8_REPLACEMENT);
        }
        /* other C0 controls, NUL and DEL are dropped, as dt_utf8_clean does */
    }
    return bad;
}

/* Length of s[0..n) without an incomplete UTF-8 sequence at its very end. */
static size_t utf8_complete_len(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t k = 1; k <= 3 && k <= n; k++) {
        unsigned char c = p[n - k];
        if ((c & 0xc0) == 0x80)
            continue; /* continuation byte: look further back */
        size_t want = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
        return want > k ? n - k : n;
    }
    return n;
}

enum cs_kind { CS_UTF8, CS_ASCII, CS_CP1252, CS_ICONV, CS_BAD };

static bool isalnum_ascii(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Lower-case cs into name and say how it is handled. */
static enum cs_kind classify(const char *cs, char *name, size_t size)
{
    size_t n = 0;
    for (const char *c = cs; *c != '\0'; c++) {
        unsigned char ch = (unsigned char)*c;
        /* Charset names are short tokens; anything else is not worth handing to iconv. */
        if (n + 1 >= size || !(isalnum_ascii(ch) || strchr("-_.:+", ch) != NULL))
            return CS_BAD;
        name[n++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
    }
    name[n] = '\0';
    static const char *const ascii[] = {"",          "us-ascii", "ascii",   "ansi_x3.4-1968",
                                        "iso646-us", "us",       "default", NULL};
    static const char *const latin1[] = {
        "iso-8859-1",   "iso8859-1", "iso_8859-1", "latin1",  "l1", "cp819",
        "windows-1252", "cp1252",    "x-cp1252",   "cp-1252", NULL};
    if (strcmp(name, "utf-8") == 0 || strcmp(name, "utf8") == 0)
        return CS_UTF8;
    for (size_t i = 0; ascii[i] != NULL; i++)
        if (strcmp(name, ascii[i]) == 0)
            return CS_ASCII;
    for (size_t i = 0; latin1[i] != NULL; i++)
        if (strcmp(name, latin1[i]) == 0)
            return CS_CP1252;
    return CS_ICONV;
}

/* Clean UTF-8 input; a truncated part loses its incomplete last character silently. */
static void from_utf8(struct dt_buf *out, const char *s, size_t n, bool truncated,
                      struct dt_conv *res)
{
    if (truncated)
        n = utf8_complete_len(s, n);
    res->invalid += (unsigned)dt_utf8_clean(out, s, n);
}

/* Bytes of unknown or doubtful encoding: UTF-8 if they are valid as such, else Windows-1252. */
static void guess(struct dt_buf *out, const char *s, size_t n, bool truncated, struct dt_conv *res)
{
    size_t m = truncated ? utf8_complete_len(s, n) : n;
    if (dt_utf8_valid(s, m)) {
        res->read_as = "UTF-8";
        from_utf8(out, s, m, false, res);
    } else {
        res->read_as = "Windows-1252";
        res->invalid += dt_mime_cp1252(out, s, n);
    }
}

/*
 * Run iconv over s[0..n) into tmp (UTF-8). An invalid byte becomes U+FFFD
 * and conversion resumes after it, so hostile input never stops it.
 */
static void run_iconv(iconv_t cd, struct dt_buf *tmp, const char *s, size_t n, bool truncated,
                      struct dt_conv *res)
{
    char *in = (char *)s; /* iconv's prototype lacks const; the input is not written */
    size_t inleft = n;
    bool flushing = false;

    for (;;) {
        if (!dt_buf_reserve(tmp, inleft * 2 + 16))
            return;
        char *o = tmp->data + tmp->len;
        size_t oleft = tmp->cap - tmp->len - 1;
        size_t r =
            flushing ? iconv(cd, NULL, NULL, &o, &oleft) : iconv(cd, &in, &inleft, &o, &oleft);
        int e = errno;
        tmp->len = (size_t)(o - tmp->data);
        tmp->data[tmp->len] = '\0';
        if (r != (size_t)-1) {
            if (flushing)
                return;
            flushing = true; /* emit any shift sequence a stateful charset still owes */
            continue;
        }
        if (e == E2BIG)
            continue;
        if (e == EILSEQ && inleft > 0) {
            dt_buf_put_utf8(tmp, DT_UTF8_REPLACEMENT);
            res->invalid++;
            in++;
            inleft--;
            continue;
        }
        /* EINVAL: an incomplete character at the end of the input. */
        if (!truncated && inleft > 0) {
            dt_buf_put_utf8(tmp, DT_UTF8_REPLACEMENT);
            res->invalid++;
        }
        if (flushing)
            return;
        inleft = 0;
        flushing = true;
    }
}

void dt_mime_to_utf8(struct dt_buf *out, const char *cs, const char *s, size_t n, bool truncated,
                     struct dt_conv *res)
{
    char name[48];

    memset(res, 0, sizeof(*res));
    enum cs_kind kind = classify(cs, name, sizeof(name));
    if (kind != CS_ICONV && memchr(s, '\0', n) != NULL)
        res->nul = true;
    switch (kind) {
    case CS_UTF8:
        from_utf8(out, s, n, truncated, res);
        return;
    case CS_CP1252:
        res->invalid += dt_mime_cp1252(out, s, n);
        return;
    case CS_ASCII: {
        /* Pure ASCII is the common case; 8-bit bytes mean the sender lied about the charset. */
        const unsigned char *p = (const unsigned char *)s;
        size_t i = 0;
        while (i < n && p[i] < 0x80)
            i++;
        if (i < n) {
            /* Undeclared UTF-8 is common and harmless; only a guess of Windows-1252 is odd. */
            guess(out, s, n, truncated, res);
            res->eight_bit = strcmp(res->read_as, "UTF-8") != 0;
        } else {
            res->invalid += (unsigned)dt_utf8_clean(out, s, n);
        }
        return;
    }
    case CS_BAD:
        res->unknown = true;
        guess(out, s, n, truncated, res);
        return;
    case CS_ICONV:
        break;
    }

    iconv_t cd = iconv_open("UTF-8", name);
    if (cd == (iconv_t)-1) {
        res->unknown = true;
        if (memchr(s, '\0', n) != NULL)
            res->nul = true;
        guess(out, s, n, truncated, res);
        return;
    }
    struct dt_buf tmp = DT_BUF_INIT;
    run_iconv(cd, &tmp, s, n, truncated, res);
    iconv_close(cd);
    if (dt_buf_failed(&tmp)) {
        out->failed = true;
    } else if (tmp.len > 0) {
        /* Only the NULs the sender really wrote (not those of UTF-16 code units) count. */
        if (memchr(tmp.data, '\0', tmp.len) != NULL)
            res->nul = true;
        res->invalid += (unsigned)dt_utf8_clean(out, tmp.data, tmp.len);
    }
    dt_buf_free(&tmp);
}

/* ---- RFC 2047 encoded words ---------------------------------------------- */

#define WORD_CHARSET_MAX 40 /* longer "charsets" are not encoded words */

struct word {
    char charset[WORD_CHARSET_MAX + 1]; /* without an RFC 2231 "*language" */
    char enc;                           /* 'Q' or 'B' */
    const char *text;
    size_t text_len;
    size_t end; /* offset just past "?=" */
};

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/*
 * The encoded word "=?charset?enc?text?=" at v[p..n), v[p] = '=' and
 * v[p+1] = '?'. Neither the charset nor the text holds white space or a
 * '?', so a failed attempt reads at most up to the third '?' after p: the
 * attempts of a whole value stay linear.
 */
static bool word_at(const char *v, size_t n, size_t p, struct word *w)
{
    size_t i = p + 2, cs = 0;
    bool lang = false;

    while (i < n && v[i] != '?') {
        unsigned char c = (unsigned char)v[i];
        if (c <= ' ' || c >= 0x7f || cs >= WORD_CHARSET_MAX)
            return false;
        lang |= c == '*';
        if (!lang)
            w->charset[cs++] = (char)c;
        i++;
    }
    w->charset[cs] = '\0';
    if (cs == 0 || i + 2 >= n || v[i + 2] != '?')
        return false;
    w->enc = (char)(v[i + 1] & ~0x20);
    if (w->enc != 'Q' && w->enc != 'B')
        return false;
    i += 3;
    size_t t = i;
    while (i < n && v[i] != '?' && !is_space(v[i]))
        i++;
    if (i + 1 >= n || v[i] != '?' || v[i + 1] != '=')
        return false;
    w->text = v + t;
    w->text_len = i - t;
    w->end = i + 2;
    return true;
}

/* RFC 2047 4.2: "Q" is quoted-printable with '_' for a space and no soft breaks. */
static void word_q(struct dt_buf *out, const char *s, size_t n)
{
    if (!dt_buf_reserve(out, n))
        return;
    for (size_t i = 0; i < n; i++) {
        int hi, lo;
        if (s[i] == '_') {
            out->data[out->len++] = ' ';
        } else if (s[i] == '=' && i + 2 < n && (hi = hexval((unsigned char)s[i + 1])) >= 0 &&
                   (lo = hexval((unsigned char)s[i + 2])) >= 0) {
            out->data[out->len++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out->data[out->len++] = s[i];
        }
    }
    out->data[out->len] = '\0';
}

/* Text that is not encoded: UTF-8 when it is valid UTF-8, else Windows-1252. */
static void plain_text(struct dt_buf *out, const char *s, size_t n)
{
    if (dt_utf8_valid(s, n))
        dt_buf_append(out, s, n);
    else
        dt_mime_cp1252(out, s, n);
}

/* Convert the decoded bytes of a run of words in one charset; fold the findings into res. */
static void flush_run(struct dt_buf *out, struct dt_buf *run, const char *charset,
                      struct dt_conv *res)
{
    struct dt_conv c;

    if (run->len == 0)
        return;
    dt_mime_to_utf8(out, charset, run->data, run->len, false, &c);
    res->invalid += c.invalid;
    res->nul |= c.nul;
    res->unknown |= c.unknown;
    if (dt_buf_failed(run))
        out->failed = true;
    dt_buf_reset(run);
}

/*
 * The next "=?" in v[from..n), or n. memchr, not memmem: AddressSanitizer's
 * memmem checks the whole remaining range on every call, which made this
 * loop quadratic under the sanitizer (memchr checks only what it read).
 */
static size_t next_word_start(const char *v, size_t from, size_t n)
{
    while (from < n) {
        const char *q = memchr(v + from, '=', n - from);
        if (q == NULL)
            return n;
        size_t p = (size_t)(q - v);
        if (p + 1 < n && v[p + 1] == '?')
            return p;
        from = p + 1;
    }
    return n;
}

void dt_mime_words(struct dt_buf *out, const char *v, size_t n, struct dt_conv *res)
{
    struct dt_buf run = DT_BUF_INIT; /* decoded bytes of adjacent words in run_cs */
    char run_cs[WORD_CHARSET_MAX + 1] = "";
    size_t i = 0;       /* v[..i) is done */
    bool after = false; /* v[i] directly follows an encoded word */
    struct word w;

    memset(res, 0, sizeof(*res));
    while (i < n) {
        size_t p = next_word_start(v, i, n);
        while (p < n && !word_at(v, n, p, &w))
            p = next_word_start(v, p + 1, n);
        /* RFC 2047 6.2: white space between two encoded words is not text. */
        bool gap_is_space = p < n && after;
        for (size_t k = i; k < p && gap_is_space; k++)
            gap_is_space = is_space(v[k]);
        if (!gap_is_space && p > i) {
            flush_run(out, &run, run_cs, res);
            plain_text(out, v + i, p - i);
        }
        if (p == n)
            break;
        if (strcasecmp(w.charset, run_cs) != 0) {
            flush_run(out, &run, run_cs, res);
            memcpy(run_cs, w.charset, sizeof(run_cs));
        }
        /* Runs are converted whole: a character split over two words survives. */
        if (w.enc == 'Q') {
            word_q(&run, w.text, w.text_len);
        } else {
            bool truncated;
            dt_mime_base64(&run, w.text, w.text_len, &truncated);
        }
        i = w.end;
        after = true;
    }
    flush_run(out, &run, run_cs, res);
    dt_buf_free(&run);
}
