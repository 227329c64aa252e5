/*
 * check_report.c - what `dealtemp explain` shows (report.c): each hit with
 * the intensifier or negator it was scored under, and whether the milter
 * would add the euphoria header and, if not, why - for every direction,
 * on the real .eml fixtures and lexicons; and the `dealtemp threads` table
 * heading in each profile.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dealtemp/analyze.h"
#include "dealtemp/report.h"
#include "testutil.h"

static struct dt_config *cfg, *cfg_reps;
static struct dt_buf out = DT_BUF_INIT;

static void setup(void)
{
    cfg = dt_test_config("tests/data/conf/analyze.conf");
    cfg_reps = dt_test_config("tests/data/conf/analyze-reps.conf");
}

static void teardown(void)
{
    dt_config_unref(cfg);
    dt_config_unref(cfg_reps);
    dt_buf_free(&out);
}

/* Explain raw (a message) as `dealtemp explain` does: no envelope unless given. */
static const char *explain_mem(const struct dt_config *c, const char *raw, size_t len,
                               const struct dt_envelope *env)
{
    struct dt_facts f;
    struct dt_error err;
    ck_assert_msg(
        dt_analyze(c, raw, len, env, DT_ANALYZE_SCORE_ALL | DT_ANALYZE_KEEP_TEXT, &f, &err) == 0,
        "%s", err.msg);
    dt_buf_reset(&out);
    dt_report_explain(&f, c, "m.eml", &out);
    dt_facts_clear(&f);
    ck_assert(!dt_buf_failed(&out));
    return out.data;
}

static const char *explain(const struct dt_config *c, const char *path)
{
    size_t len;
    char *raw = dt_test_slurp(path, &len);
    const char *text = explain_mem(c, raw, len, NULL);
    free(raw);
    return text;
}

/* The second line of the explanation: the milter's verdict. */
static const char *verdict(const char *text)
{
    static char line[512];
    const char *nl = strchr(text, '\n');
    ck_assert_ptr_nonnull(nl);
    snprintf(line, sizeof(line), "%.*s", (int)strcspn(nl + 1, "\n"), nl + 1);
    return line;
}

START_TEST(hits_show_their_modifiers)
{
    const char *t = explain(cfg, "tests/data/analyze-negation-en.eml");
    /* negated: weight 0 and the negator */
    ck_assert_contains(t, "\n  excited                  excitement   0 (negated by 'not')\n");
    /* nothing modified it: the weight alone */
    ck_assert_contains(t, "\n  great                    hype         0.40\n");

    t = explain(cfg, "tests/data/analyze-euphoric-en.eml");
    /* intensified: the weight before, the factor and the word, the weight after */
    ck_assert_contains(t,
                       "\n  incredible               hype         1.50 x1.5 (Absolutely) = 2.25\n");
    ck_assert_contains(t, "\n  !!!                      excl         1.50\n");
    ck_assert_contains(t, "[[AMAZING]]");
    ck_assert_contains(t, "\nscore = 1 - exp(");

    const char *msg = "From: ann@corp.example\r\nTo: bob@customer.example\r\nSubject: x\r\n\r\n"
                      "We are really very excited. It is slightly great. We are not excited.\r\n";
    t = explain_mem(cfg, msg, strlen(msg), NULL);
    ck_assert_contains(t,
                       "excited                  excitement   1.20 x1.56 (really very) = 1.87\n");
    ck_assert_contains(t, "great                    hype         0.40 x0.5 (slightly) = 0.20\n");
    ck_assert_contains(t, "excited                  excitement   0 (negated by 'not')\n");
}
END_TEST

START_TEST(outbound_gets_the_header)
{
    ck_assert_str_eq(verdict(explain(cfg, "tests/data/analyze-euphoric-en.eml")),
                     "milter: adds X-Deal-Euphoria: 0.99 euphoric (en; hype=3 excitement=2 "
                     "pressure=2 excl=3 caps=1 emoji=2)");
    ck_assert_str_eq(verdict(explain(cfg, "tests/data/analyze-negation-en.eml")),
                     "milter: adds X-Deal-Euphoria: 0.11 calm (en; hype=1)");
    ck_assert_lacks(out.data, "judged from From");
}
END_TEST

START_TEST(no_header_and_why)
{
    ck_assert_str_eq(verdict(explain(cfg, "tests/data/analyze-inbound.eml")),
                     "milter: no X-Deal-Euphoria header: inbound mail, from an external sender (a "
                     "customer's reply in a known deal thread gets the thread headers instead)");
    ck_assert_contains(out.data, "(judged from From, To and Cc; in flight the envelope's sender "
                                 "and recipients count too)\n");
    ck_assert_str_eq(verdict(explain(cfg, "tests/data/analyze-internal.eml")),
                     "milter: no X-Deal-Euphoria header: no external recipient (internal mail)");
    ck_assert_str_eq(verdict(explain(cfg, "tests/data/analyze-list.eml")),
                     "milter: no X-Deal-Euphoria header: list mail (List-Id header)");
    ck_assert_lacks(out.data, "judged from From"); /* the headers alone decide */
    ck_assert_str_eq(verdict(explain(cfg, "tests/data/analyze-autoreply.eml")),
                     "milter: no X-Deal-Euphoria header: automatic mail (Auto-Submitted header)");
    /* only zed is a rep */
    ck_assert_str_eq(verdict(explain(cfg_reps, "tests/data/analyze-euphoric-en.eml")),
                     "milter: no X-Deal-Euphoria header: the sender is internal but not one of "
                     "the reps");

    const char *msg = "From: ann@elsewhere.example\r\nTo: bob@customer.example\r\n"
                      "Subject: hello\r\n\r\nAMAZING!!!\r\n";
    ck_assert_str_eq(verdict(explain_mem(cfg, msg, strlen(msg), NULL)),
                     "milter: no X-Deal-Euphoria header: no internal sender or recipient (not in "
                     "internal_domains)");
    const char *rcpts[] = {"bob@customer.example"};
    struct dt_envelope bounce = {"", rcpts, 1};
    ck_assert_str_eq(verdict(explain_mem(cfg, msg, strlen(msg), &bounce)),
                     "milter: no X-Deal-Euphoria header: a bounce (null envelope sender)");
}
END_TEST

START_TEST(header_prefix_is_the_configured_one)
{
    struct dt_config *c = dt_test_config("tests/data/conf/full.conf"); /* X-Temp- */
    const char *msg = "From: ann@corp.example\r\nTo: bob@customer.example\r\nSubject: x\r\n\r\n"
                      "Hallo Bob, het voorstel is geweldig!\r\n";
    ck_assert_msg(strncmp(verdict(explain_mem(c, msg, strlen(msg), NULL)),
                          "milter: adds X-Temp-Euphoria: ", 30) == 0,
                  "%s", out.data);
    dt_config_unref(c);
}
END_TEST

/* `dealtemp threads`: the other side's column is CUSTOMER, or CANDIDATE for recruiters. */
START_TEST(threads_heading_names_the_other_side)
{
    struct dt_buf sales = DT_BUF_INIT, recruiting = DT_BUF_INIT, row = DT_BUF_INIT;
    dt_report_deal_heading(DT_PROFILE_SALES, &sales);
    dt_report_deal_heading(DT_PROFILE_RECRUITING, &recruiting);
    dt_report_deal_row(NULL, &row);
    ck_assert_str_eq(row.data, sales.data); /* the header line as it always was */
    ck_assert_msg(strncmp(sales.data, "THREAD       STATE        CUSTOMER     REP ", 43) == 0, "%s",
                  sales.data);
    ck_assert_msg(strncmp(recruiting.data, "THREAD       STATE        CANDIDATE    REP ", 43) == 0,
                  "%s", recruiting.data);
    ck_assert_uint_eq(sales.len, recruiting.len); /* the columns stay where they were */
    ck_assert_lacks(recruiting.data, "CUSTOMER");
    dt_buf_free(&sales);
    dt_buf_free(&recruiting);
    dt_buf_free(&row);
}
END_TEST

static Suite *report_suite(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("explain");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, hits_show_their_modifiers);
    tcase_add_test(tc, outbound_gets_the_header);
    tcase_add_test(tc, no_header_and_why);
    tcase_add_test(tc, header_prefix_is_the_configured_one);
    tcase_add_test(tc, threads_heading_names_the_other_side);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_test_run(report_suite());
}
