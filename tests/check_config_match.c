/*
 * check_config_match.c - who is internal and who is a rep (config_match.c):
 * domains on label boundaries, exact addresses and @domain entries, case
 * and angle brackets, and every insider when no reps are listed.
 */
#include <check.h>
#include <stddef.h>

#include "dealtemp/config.h"
#include "testutil.h"

#define CONF "tests/data/conf/"

START_TEST(is_internal)
{
    struct dt_config *cfg = dt_test_config(CONF "full.conf"); /* corp.example, other-corp.example */
    ck_assert(dt_config_is_internal(cfg, "ann@corp.example"));
    ck_assert(dt_config_is_internal(cfg, "ANN@CORP.Example"));
    ck_assert(dt_config_is_internal(cfg, "x@eu.corp.example"));
    ck_assert(dt_config_is_internal(cfg, "x@a.b.other-corp.example"));
    ck_assert(dt_config_is_internal(cfg, "<ann@corp.example>"));
    ck_assert(!dt_config_is_internal(cfg, "x@notcorp.example")); /* not on a label boundary */
    ck_assert(!dt_config_is_internal(cfg, "x@corp.example.evil"));
    ck_assert(!dt_config_is_internal(cfg, "x@example"));
    ck_assert(!dt_config_is_internal(cfg, "corp.example")); /* no '@' */
    ck_assert(!dt_config_is_internal(cfg, "x@"));
    ck_assert(!dt_config_is_internal(cfg, ""));
    ck_assert(!dt_config_is_internal(cfg, NULL));
    dt_config_unref(cfg);
}
END_TEST

START_TEST(is_rep_with_reps)
{
    struct dt_config *cfg = dt_test_config(CONF "lexicons-min.conf");
    /* reps = [ "ann@corp.example", "@sales.corp.example" ] */
    ck_assert(dt_config_is_rep(cfg, "ann@corp.example"));
    ck_assert(dt_config_is_rep(cfg, "Ann@Corp.EXAMPLE"));
    ck_assert(dt_config_is_rep(cfg, "<ann@corp.example>"));
    ck_assert(dt_config_is_rep(cfg, "bob@sales.corp.example"));
    ck_assert(dt_config_is_rep(cfg, "bob@eu.sales.corp.example"));
    ck_assert(!dt_config_is_rep(cfg, "bob@corp.example")); /* internal, not sales */
    ck_assert(!dt_config_is_rep(cfg, "bob@sales2.corp.example"));
    ck_assert(!dt_config_is_rep(cfg, "xann@corp.example"));
    ck_assert(!dt_config_is_rep(cfg, "ann@eu.corp.example")); /* an address is exact */
    ck_assert(!dt_config_is_rep(cfg, "ann@elsewhere.example"));
    ck_assert(!dt_config_is_rep(cfg, "ann"));
    ck_assert(!dt_config_is_rep(cfg, NULL));
    dt_config_unref(cfg);
}
END_TEST

START_TEST(is_rep_without_reps)
{
    struct dt_config *cfg = dt_test_config(CONF "int64-ok.conf"); /* no reps: every insider */
    ck_assert(dt_config_is_rep(cfg, "anyone@corp.example"));
    ck_assert(dt_config_is_rep(cfg, "anyone@dept.corp.example"));
    ck_assert(!dt_config_is_rep(cfg, "anyone@customer.example"));
    ck_assert(!dt_config_is_rep(cfg, "anyone"));
    dt_config_unref(cfg);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("config_match");
    TCase *tc = tcase_create("match");
    tcase_add_test(tc, is_internal);
    tcase_add_test(tc, is_rep_with_reps);
    tcase_add_test(tc, is_rep_without_reps);
    suite_add_tcase(s, tc);
    return dt_test_run(s);
}
