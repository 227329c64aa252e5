/*
 * check_config_match.c - who is internal and who is a rep (config_match.c):
 * domains on label boundaries, exact addresses and @domain entries, case
 * and angle brackets, and every insider when no reps are listed; how
 * closely an entry matches, and so which digest language an address gets.
 */
#include <check.h>
#include <stddef.h>
#include <string.h>

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

START_TEST(match_ranks_address_over_domains)
{
    const char *a = "jan@eu.corp.example";
    size_t exact = dt_address_match("jan@eu.corp.example", a),
           sub = dt_address_match("@eu.corp.example", a), dom = dt_address_match("@corp.example", a);
    ck_assert_uint_gt(dom, 0);
    ck_assert_uint_gt(sub, dom);   /* the closer domain */
    ck_assert_uint_gt(exact, sub); /* the address itself beats any domain */
    /* case, angle brackets */
    ck_assert_uint_eq(dt_address_match("JAN@EU.corp.example", "<jan@eu.CORP.example>"), exact);
    /* no match: other address, other domain, not on a label boundary, nothing to match */
    ck_assert_uint_eq(dt_address_match("jan@corp.example", a), 0);
    ck_assert_uint_eq(dt_address_match("@us.corp.example", a), 0);
    ck_assert_uint_eq(dt_address_match("@u.corp.example", a), 0);
    ck_assert_uint_eq(dt_address_match("@corp.example", "jan@notcorp.example"), 0);
    ck_assert_uint_eq(dt_address_match("@corp.example", "corp.example"), 0);
    ck_assert_uint_eq(dt_address_match("@corp.example", NULL), 0);
    ck_assert_uint_eq(dt_address_match(NULL, a), 0);
    /* a domain longer than DNS allows still ranks under an address */
    char longdom[300] = "x@", entry[300] = "@";
    for (int i = 0; i < 63; i++) {
        strcat(longdom, "abc.");
        strcat(entry, "abc.");
    }
    strcat(longdom, "example");
    strcat(entry, "example");
    ck_assert_uint_lt(dt_address_match(entry, longdom), dt_address_match(longdom, longdom));
}
END_TEST

/*
 * digest-full.conf: language "nl"; de = [jan@corp.example, @eu.corp.example],
 * fr = [@other-corp.example], en = [chief@other-corp.example].
 */
START_TEST(digest_language_for_an_address)
{
    struct dt_config *cfg = dt_test_config(CONF "digest-full.conf");
    ck_assert_str_eq(dt_config_digest_language_for(cfg, "jan@corp.example"), "de");
    ck_assert_str_eq(dt_config_digest_language_for(cfg, "<JAN@corp.example>"), "de");
    ck_assert_str_eq(dt_config_digest_language_for(cfg, "piet@eu.corp.example"), "de");
    ck_assert_str_eq(dt_config_digest_language_for(cfg, "piet@x.eu.corp.example"), "de");
    ck_assert_str_eq(dt_config_digest_language_for(cfg, "marie@other-corp.example"), "fr");
    /* an address beats its domain, whatever the order in the file */
    ck_assert_str_eq(dt_config_digest_language_for(cfg, "chief@other-corp.example"), "en");
    /* nobody listed: digest.language */
    ck_assert_str_eq(dt_config_digest_language_for(cfg, "ann@corp.example"), "nl");
    ck_assert_str_eq(dt_config_digest_language_for(cfg, "jan@us.corp.example"), "nl");
    ck_assert_str_eq(dt_config_digest_language_for(cfg, "not an address"), "nl");
    ck_assert_str_eq(dt_config_digest_language_for(cfg, NULL), "nl");
    dt_config_unref(cfg);

    /* nothing configured: English */
    cfg = dt_test_config(CONF "minimal.conf");
    ck_assert_str_eq(dt_config_digest_language_for(cfg, "jan@corp.example"), "en");
    dt_config_unref(cfg);
    ck_assert_str_eq(dt_config_digest_language_for(NULL, "jan@corp.example"), "en");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("config_match");
    TCase *tc = tcase_create("match");
    tcase_add_test(tc, is_internal);
    tcase_add_test(tc, is_rep_with_reps);
    tcase_add_test(tc, is_rep_without_reps);
    tcase_add_test(tc, match_ranks_address_over_domains);
    tcase_add_test(tc, digest_language_for_an_address);
    suite_add_tcase(s, tc);
    return dt_test_run(s);
}
