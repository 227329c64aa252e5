/*
 * json.c - JSON string literals (see json.h).
 *
 * Public: dt_json_string(). Never fails; allocation failures are sticky in
 * the buffer (buf.h). Output is always valid UTF-8 JSON, whatever the
 * input bytes were, so a hostile subject cannot break a consumer's parser;
 * and it is safe on a terminal: controls (C0, DEL, C1), U+2028/U+2029 and
 * the characters dt_unicode_is_hidden() names (U+202E and the other bidi
 * controls) are written as \u escapes, so the value is exact but never
 * reorders or rewrites what a person sees.
 */
#include "dealtemp/json.h"

#include <string.h>

#include "dealtemp/utf8.h"

/* \uXXXX, a surrogate pair beyond the BMP. */
static void escape(struct dt_buf *b, uint32_t cp)
{
    if (cp < 0x10000) {
        dt_buf_printf(b, "\\u%04x", (unsigned)cp);
        return;
    }
    cp -= 0x10000;
    dt_buf_printf(b, "\\u%04x\\u%04x", (unsigned)(0xd800 + (cp >> 10)),
                  (unsigned)(0xdc00 + (cp & 0x3ff)));
}

void dt_json_string(struct dt_buf *b, const char *s)
{
    if (s == NULL) {
        dt_buf_puts(b, "null");
        return;
    }
    size_t n = strlen(s), i = 0;
    dt_buf_putc(b, '"');
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            uint32_t cp;
            size_t len = dt_utf8_decode(s + i, n - i, &cp);
            if (cp == DT_UTF8_REPLACEMENT && len == 1)
                dt_buf_put_utf8(b, DT_UTF8_REPLACEMENT);
            else if ((cp >= 0x80 && cp < 0xa0) || cp == 0x2028 || cp == 0x2029 ||
                     dt_unicode_is_hidden(cp))
                escape(b, cp); /* kept exactly, but never raw on a terminal */
            else
                dt_buf_append(b, s + i, len);
            i += len;
            continue;
        }
        switch (c) {
        case '"':
            dt_buf_puts(b, "\\\"");
            break;
        case '\\':
            dt_buf_puts(b, "\\\\");
            break;
        case '\n':
            dt_buf_puts(b, "\\n");
            break;
        case '\t':
            dt_buf_puts(b, "\\t");
            break;
        case '\r':
            dt_buf_puts(b, "\\r");
            break;
        default:
            if (c < 0x20 || c == 0x7f)
                dt_buf_printf(b, "\\u%04x", c);
            else
                dt_buf_putc(b, (char)c);
        }
        i++;
    }
    dt_buf_putc(b, '"');
}
