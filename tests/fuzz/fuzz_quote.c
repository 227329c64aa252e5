/*
 * fuzz_quote.c - a message's text, as a hostile sender writes it, through
 * quote stripping (dt_quote_strip, quote.h): attributions in ten
 * languages, forwarded blocks, header blocks, signatures, '>' lines.
 *
 * Contracts checked besides memory safety (quote.h): the output is kept
 * input lines joined by LF - never longer than the input, no final LF, no
 * leading or trailing blank line - and what out held before stays as it
 * was.
 */
#include <string.h>

#include "dealtemp/quote.h"
#include "fuzz.h"

int dt_fuzz_quote_init(const char *top)
{
    (void)top;
    return 0;
}

int dt_fuzz_quote(const uint8_t *data, size_t size)
{
    static const char before[] = "kept>";
    struct dt_buf out = DT_BUF_INIT;
    struct dt_quote_info info;

    dt_buf_puts(&out, before);
    dt_quote_strip(size > 0 ? (const char *)data : NULL, size, &out, &info);
    if (!dt_buf_failed(&out)) {
        size_t pre = sizeof(before) - 1;
        DT_FUZZ_ASSERT(out.len >= pre && memcmp(out.data, before, pre) == 0,
                       "what out held before was changed");
        const char *s = out.data + pre;
        size_t n = out.len - pre;
        DT_FUZZ_ASSERT(n <= size, "the own words are longer than the text");
        if (n > 0) {
            DT_FUZZ_ASSERT(s[n - 1] != '\n', "the own words end in LF");
            DT_FUZZ_ASSERT(s[0] != '\n', "the own words start with a blank line");
        }
    }
    dt_buf_free(&out);
    return 0;
}

DT_FUZZ_ENTRY(quote)
