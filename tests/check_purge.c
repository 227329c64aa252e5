/*
 * check_purge.c - the retention policy (purge.h): the cutoff arithmetic,
 * and what a purge of a real SQLite store keeps and forgets at the edge.
 */
#include <check.h>
#include <stdint.h>

#include "dealtemp/purge.h"
#include "store_helpers.h"
#include "testutil.h"

#define NOW ((time_t)1795000000)
#define DAY 86400L

START_TEST(cutoff_is_calendar_days_before_now)
{
    struct dt_config *cfg = dt_test_config("tests/data/conf/analyze.conf");
    ck_assert_int_eq(cfg->retention_days, 365); /* the default */
    ck_assert_int_eq(dt_retention_cutoff(cfg, NOW), NOW - 365 * DAY);
    cfg->retention_days = 1;
    ck_assert_int_eq(dt_retention_cutoff(cfg, NOW), NOW - DAY);
    /* The largest value the configuration accepts stays in the past, never wraps. */
    cfg->retention_days = 36500;
    ck_assert_int_eq((int64_t)dt_retention_cutoff(cfg, NOW), (int64_t)NOW - 36500LL * DAY);
    ck_assert(dt_retention_cutoff(cfg, NOW) < NOW);
    dt_config_unref(cfg);
}
END_TEST

START_TEST(purge_keeps_the_edge_and_forgets_what_is_older)
{
    char dir[128];
    struct dt_config *cfg;
    struct dt_store *st;
    dt_test_seam_open("purge", dir, sizeof(dir), &cfg, &st);
    cfg->retention_days = 10;
    time_t cut = NOW - 10 * DAY;
    /* Thread a: entirely too old. Thread b: one old message, one exactly at the cutoff. */
    dt_test_put(st, "a1@x", "a1@x", cut - 5 * DAY, true, DT_LEVEL_EUPHORIC, "ann@corp.example",
                "c@cust.example");
    dt_test_put(st, "a2@x", "a1@x", cut - 1, false, DT_LEVEL_CALM, "ann@corp.example",
                "c@cust.example");
    dt_test_put(st, "b1@x", "b1@x", cut - 1, true, DT_LEVEL_CALM, "ann@corp.example",
                "d@cust.example");
    dt_test_put(st, "b2@x", "b1@x", cut, false, DT_LEVEL_CALM, "ann@corp.example",
                "d@cust.example");
    size_t deleted = 0;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_purge_expired(st, cfg, NOW, &deleted, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(deleted, 3);
    struct dt_store_counts c;
    ck_assert_int_eq(dt_store_count(st, &c, &err), 0);
    ck_assert_uint_eq(c.outbound, 0);
    ck_assert_uint_eq(c.inbound, 1);
    ck_assert_uint_eq(c.threads, 1); /* the empty thread went with its messages */
    /* Again: nothing more to forget. */
    ck_assert_int_eq(dt_purge_expired(st, cfg, NOW, &deleted, &err), 0);
    ck_assert_uint_eq(deleted, 0);
    dt_test_seam_close(dir, cfg, st);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("purge");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, cutoff_is_calendar_days_before_now);
    tcase_add_test(tc, purge_keeps_the_edge_and_forgets_what_is_older);
    suite_add_tcase(s, tc);
    return dt_test_run(s);
}
