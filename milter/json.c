/*
 * json.c - JSON string literals (see json.h).
 *
 * Public: dt_json_string(). Never fails; allocation failures are sticky in
 * the buffer (buf.h). Output is always valid UTF-8 JSON, whatever the
 * input bytes were, so a hostile subject cannot break a consumer's parser.
 */
#include "dealtemp/json.h"

#include <string.h>

#include "dealtemp/utf8.h"

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
