/*
 * fuzz_html.c - an HTML body, as a hostile sender writes it, turned into
 * the text that is scored (dt_html_to_text, html.h): unclosed tags and
 * comments, stray '<', entities of every form, quote containers nested
 * without end. The input is taken as the UTF-8 mime.c hands over (it may
 * be anything: mime.c's converter is fuzzed through fuzz_analyze).
 *
 * Contracts checked besides memory safety and time (libFuzzer's -timeout;
 * html.c promises linear time): the output is valid UTF-8 (invalid input
 * becomes U+FFFD) with no NUL byte in it.
 */
#include <string.h>

#include "dealtemp/html.h"
#include "dealtemp/utf8.h"
#include "fuzz.h"

int dt_fuzz_html_init(const char *top)
{
    (void)top;
    return 0;
}

int dt_fuzz_html(const uint8_t *data, size_t size)
{
    struct dt_buf out = DT_BUF_INIT;
    dt_html_to_text((const char *)data, size, &out);
    if (!dt_buf_failed(&out) && out.data != NULL) {
        DT_FUZZ_ASSERT(memchr(out.data, '\0', out.len) == NULL, "NUL in the text");
        DT_FUZZ_ASSERT(dt_utf8_valid(out.data, out.len), "the text is not UTF-8");
    }
    dt_buf_free(&out);
    return 0;
}

DT_FUZZ_ENTRY(html)
