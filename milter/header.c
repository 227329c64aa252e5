/*
 * header.c - sanitise and fold a header field value (see header.h).
 *
 * Public: dt_header_value(). Never fails; on allocation failure the output
 * buffer is marked failed (buf.h) and the caller adds no header.
 *
 * Two passes: first the value is cleaned into words (control characters
 * and white space separate words, invalid UTF-8 becomes '?', the whole is
 * cut at max_len bytes), then the words are laid out on lines, breaking
 * before a word that would take a line past 78 bytes. A value is capped
 * well under 998 bytes, so even a line of one unbreakable word stays legal.
 */
#include "dealtemp/header.h"

#include <string.h>

#include "dealtemp/utf8.h"

#define FOLD_AT 78
#define HARD_MAX 900

void dt_header_value(const char *value, size_t name_len, size_t max_len, struct dt_buf *out)
{
    struct dt_buf clean = DT_BUF_INIT;
    size_t n = strlen(value), i = 0;
    bool cut = false;

    if (max_len > HARD_MAX || max_len < 8)
        max_len = HARD_MAX;
    /* Pass 1: one space between words, no controls, valid UTF-8, bounded. */
    while (i < n) {
        uint32_t cp;
        size_t len = dt_utf8_decode(value + i, n - i, &cp);
        bool space = cp <= 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0);
        if (clean.len + len > max_len - 3) {
            cut = true;
            break;
        }
        if (space) {
            if (clean.len > 0 && clean.data[clean.len - 1] != ' ')
                dt_buf_putc(&clean, ' ');
        } else if (cp == DT_UTF8_REPLACEMENT && len == 1) {
            dt_buf_putc(&clean, '?');
        } else {
            dt_buf_append(&clean, value + i, len);
        }
        i += len;
    }
    while (clean.len > 0 && clean.data[clean.len - 1] == ' ')
        clean.data[--clean.len] = '\0';
    if (cut)
        dt_buf_puts(&clean, "...");
    if (dt_buf_failed(&clean)) {
        out->failed = true;
        dt_buf_free(&clean);
        return;
    }

    /* Pass 2: fold before a word that would overflow the line. */
    size_t col = name_len + 2; /* "Name: " */
    const char *p = clean.data ? clean.data : "";
    const char *end = p + clean.len;
    bool first = true;
    while (p < end) {
        const char *sp = memchr(p, ' ', (size_t)(end - p));
        size_t wlen = sp ? (size_t)(sp - p) : (size_t)(end - p);
        if (!first) {
            if (col + 1 + wlen > FOLD_AT) {
                dt_buf_append(out, "\n\t", 2);
                col = 1;
            } else {
                dt_buf_putc(out, ' ');
                col++;
            }
        }
        dt_buf_append(out, p, wlen);
        col += wlen;
        first = false;
        p += wlen + (sp ? 1 : 0);
    }
    dt_buf_free(&clean);
}
