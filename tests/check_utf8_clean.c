/*
 * check_utf8_clean.c - the one rule for text a person reads (utf8.h):
 * which code points are hidden (a table), what dt_utf8_clean_line and
 * dt_utf8_clean_lines make of U+202E, U+2066..U+2069, U+200E/U+200F, C0
 * and C1 controls, ESC sequences, CR, invalid bytes, joiners and emoji (a
 * table), the cut with "…", HTML escaping; random bytes through both,
 * with the output checked code point by code point; JSON's \u escapes of
 * the same characters; and the threads table row, explain and stats that
 * print them (nothing hidden reaches the output, the columns stay put).
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dealtemp/analyze.h"
#include "dealtemp/json.h"
#include "dealtemp/report.h"
#include "dealtemp/utf8.h"
#include "testutil.h"

#define RLO "\xe2\x80\xae"       /* U+202E RIGHT-TO-LEFT OVERRIDE */
#define LRI "\xe2\x81\xa6"       /* U+2066 */
#define PDI "\xe2\x81\xa9"       /* U+2069 */
#define LRM "\xe2\x80\x8e"       /* U+200E */
#define RLM "\xe2\x80\x8f"       /* U+200F */
#define CSI1 "\xc2\x9b"          /* U+009B, the C1 control sequence introducer */
#define ZWJ "\xe2\x80\x8d"       /* U+200D: joins emoji, not hidden */
#define TAG_A "\xf3\xa0\x81\x81" /* U+E0041 TAG LATIN CAPITAL LETTER A */

START_TEST(hidden_table)
{
    static const struct {
        uint32_t cp;
        bool hidden;
    } rows[] = {
        {0x202e, true},  {0x202a, true},  {0x202d, true},  {0x2066, true},  {0x2069, true},
        {0x200e, true},  {0x200f, true},  {0x061c, true},  {0x200b, true},  {0x2060, true},
        {0xfeff, true},  {0x00ad, true},  {0xe0041, true}, {0xe007f, true}, {0x206f, true},
        {0x200c, false}, {0x200d, false}, {'a', false},    {0xe9, false},   {0x1f680, false},
        {0xa0, false},   {0x2028, false}, {0x2065, false}, {0x202f, false}, {0xe0080, false},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        ck_assert_msg(dt_unicode_is_hidden(rows[i].cp) == rows[i].hidden, "U+%04X: %d",
                      (unsigned)rows[i].cp, !rows[i].hidden);
}
END_TEST

START_TEST(clean_line_table)
{
    static const struct {
        const char *in;
        size_t max_cp;
        bool html;
        const char *out;
    } rows[] = {
        {"invoice" RLO "gpj.exe", 100, false, "invoicegpj.exe"},
        {"a" LRI "b" PDI "c", 100, false, "abc"},
        {"x" LRM "y" RLM "z", 100, false, "xyz"},
        {"\x1b[31mRED\x1b[0m deal", 100, false, "[31mRED [0m deal"},
        {"ring\x07 back\x01\x7f", 100, false, "ring back"},
        {"csi" CSI1 "2J", 100, false, "csi 2J"},
        {"raw\x9b"
         "byte",
         100, false,
         "raw\xef\xbf\xbd"
         "byte"},
        {"two\r\nlines\rover", 100, false, "two lines over"},
        {"  tabs\tand\xc2\xa0nbsp  ", 100, false, "tabs and nbsp"},
        {"dev \xf0\x9f\x91\xa9" ZWJ "\xf0\x9f\x92\xbb", 100, false,
         "dev \xf0\x9f\x91\xa9" ZWJ "\xf0\x9f\x92\xbb"},
        {"tag" TAG_A "ged", 100, false, "tagged"},
        {"caf\xc3\xa9 au lait", 4, false, "caf\xc3\xa9\xe2\x80\xa6"},
        {"<b>&'\"", 100, true, "&lt;b&gt;&amp;&#39;&quot;"},
        {"<b>", 100, false, "<b>"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct dt_buf b = DT_BUF_INIT;
        ck_assert(dt_utf8_clean_line(&b, rows[i].in, rows[i].max_cp, rows[i].html));
        ck_assert_msg(strcmp(b.data, rows[i].out) == 0, "row %zu: '%s', want '%s'", i, b.data,
                      rows[i].out);
        dt_buf_free(&b);
    }
    /* Nothing printable left: false, and nothing appended. */
    struct dt_buf b = DT_BUF_INIT;
    ck_assert(!dt_utf8_clean_line(&b, RLO LRM " \x1b\t" PDI, 100, false));
    ck_assert_uint_eq(b.len, 0);
    dt_buf_free(&b);
}
END_TEST

START_TEST(clean_lines_keeps_lines)
{
    static const char in[] =
        "line one" RLO "\r\n\tindented  twice\rover\x1b[2J\n" LRI "x" PDI "\x01\xc2\x85"
        "end";
    struct dt_buf b = DT_BUF_INIT;
    dt_utf8_clean_lines(&b, in, sizeof(in) - 1);
    ck_assert_str_eq(b.data, "line one\n\tindented  twice over [2J\nx  end");
    dt_buf_free(&b);
}
END_TEST

/* What may never appear in a cleaned output: controls but LF and TAB, C1, hidden, bad UTF-8. */
static void assert_displayable(const char *s, size_t n, bool lines, int round)
{
    ck_assert_msg(dt_utf8_valid(s, n), "round %d: invalid UTF-8", round);
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        i += dt_utf8_decode(s + i, n - i, &cp);
        bool allowed_ctl = lines && (cp == '\n' || cp == '\t');
        ck_assert_msg(allowed_ctl || (cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp < 0xa0)),
                      "round %d: control U+%04X left", round, (unsigned)cp);
        ck_assert_msg(!dt_unicode_is_hidden(cp), "round %d: hidden U+%04X left", round,
                      (unsigned)cp);
    }
}

START_TEST(random_bytes_come_out_displayable)
{
    static const char *const bits[] = {RLO,  LRI,   PDI,        LRM,        RLM,
                                       CSI1, TAG_A, ZWJ,        "\x1b[",    "\r",
                                       "\n", "\t",  "\xe2\x80", "\xf3\xa0", "\xc2"};
    unsigned long long x = 0x9e3779b97f4a7c15ULL;
    char in[512];
    for (int round = 0; round < 2000; round++) {
        size_t n = 0;
        while (n < sizeof(in) - 8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if (x % 4 == 0) {
                const char *b = bits[(x >> 8) % (sizeof(bits) / sizeof(bits[0]))];
                memcpy(in + n, b, strlen(b));
                n += strlen(b);
            } else {
                in[n++] = (char)(x >> 20);
            }
            if ((x >> 32) % 64 == 0)
                break;
        }
        in[n] = '\0';
        struct dt_buf line = DT_BUF_INIT, lines = DT_BUF_INIT, json = DT_BUF_INIT;
        dt_utf8_clean_line(&line, in, 80, round % 2);
        assert_displayable(line.data ? line.data : "", line.len, false, round);
        dt_utf8_clean_lines(&lines, in, n);
        assert_displayable(lines.data ? lines.data : "", lines.len, true, round);
        dt_json_string(&json, in);
        assert_displayable(json.data, json.len, false, round);
        dt_buf_free(&line);
        dt_buf_free(&lines);
        dt_buf_free(&json);
    }
}
END_TEST

START_TEST(json_escapes_hidden_exactly)
{
    struct dt_buf b = DT_BUF_INIT;
    dt_json_string(&b, "a" RLO "b" LRM CSI1 TAG_A "\xe2\x80\xa8"
                       "\xc3\xa9" ZWJ);
    ck_assert_str_eq(b.data, "\"a\\u202eb\\u200e\\u009b\\udb40\\udc41\\u2028\xc3\xa9" ZWJ "\"");
    dt_buf_free(&b);
}
END_TEST

/* ---- the outputs that print store and message text ---- */

START_TEST(threads_row_clean_and_aligned)
{
    struct dt_deal d, plain;
    memset(&d, 0, sizeof(d));
    snprintf(d.id, sizeof(d.id), "%s", "0123456789ab");
    d.owner = "ann" RLO "@corp.example";
    d.counterpart = "\x1b[2Jsarah" LRI "@x.example" PDI;
    d.subject = "Re: " RLO "gpj.exe\x1b]0;owned\x07 " LRM "deal" RLM;
    plain = d;
    plain.owner = "ann@corp.example";
    plain.counterpart = "[2Jsarah@x.example";
    plain.subject = "Re: gpj.exe ]0;owned deal";
    struct dt_buf row = DT_BUF_INIT, want = DT_BUF_INIT;
    dt_report_deal_row(&d, &row);
    dt_report_deal_row(&plain, &want);
    ck_assert_str_eq(row.data, want.data); /* the same row, cell for cell */
    ck_assert_lacks(row.data, "\x1b");
    ck_assert_lacks(row.data, "\xe2\x80\xae");
    /* A long subject is cut with "…" within its 60 characters. */
    char longs[200];
    memset(longs, 'x', sizeof(longs) - 1);
    longs[sizeof(longs) - 1] = '\0';
    d.subject = longs;
    dt_buf_reset(&row);
    dt_report_deal_row(&d, &row);
    ck_assert_contains(row.data, "xxx\xe2\x80\xa6\n");
    dt_buf_free(&row);
    dt_buf_free(&want);
}
END_TEST

START_TEST(explain_prints_no_hidden_character)
{
    struct dt_config *cfg = dt_test_config("tests/data/conf/analyze.conf");
    static const char msg[] = "From: Ann <ann@corp.example>\n"
                              "To: bob@customer.example\n"
                              "Subject: hi\n"
                              "Content-Type: text/plain; charset=\"x-\x1b[31mred\"\n"
                              "\n"
                              "AMAZING" RLO " deal" LRI "!!!" PDI " so " LRM "excited" RLM "\n";
    struct dt_facts f;
    struct dt_error err;
    ck_assert_msg(dt_analyze(cfg, msg, sizeof(msg) - 1, NULL,
                             DT_ANALYZE_SCORE_ALL | DT_ANALYZE_KEEP_TEXT, &f, &err) == 0,
                  "%s", err.msg);
    struct dt_buf out = DT_BUF_INIT;
    dt_report_explain(&f, cfg, "evil\x1b[2J" RLO ".eml", &out);
    dt_facts_clear(&f);
    ck_assert(!dt_buf_failed(&out));
    assert_displayable(out.data, out.len, true, 0);
    ck_assert_contains(out.data, "[[AMAZING]]");
    ck_assert_contains(out.data, "evil [2J.eml: ");
    dt_buf_free(&out);
    dt_config_unref(cfg);
}
END_TEST

static Suite *utf8_clean_suite(void)
{
    Suite *s = suite_create("utf8_clean");
    TCase *tc = tcase_create("rule");
    tcase_add_test(tc, hidden_table);
    tcase_add_test(tc, clean_line_table);
    tcase_add_test(tc, clean_lines_keeps_lines);
    tcase_add_test(tc, random_bytes_come_out_displayable);
    tcase_add_test(tc, json_escapes_hidden_exactly);
    suite_add_tcase(s, tc);
    tc = tcase_create("outputs");
    tcase_add_test(tc, threads_row_clean_and_aligned);
    tcase_add_test(tc, explain_prints_no_hidden_character);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_test_run(utf8_clean_suite());
}
