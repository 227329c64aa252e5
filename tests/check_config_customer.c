/*
 * check_config_customer.c - the customer.* keys (tone.h): their defaults
 * agree with tone.c and cooling.c, every key set, and each kind of bad
 * value refused with its one-line message naming file and line.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "dealtemp/config.h"
#include "dealtemp/cooling.h"
#include "dealtemp/tone.h"
#include "testutil.h"

#define DAY 86400L

static char dir[64], path[128];

static void setup(void)
{
    dt_test_mkdtemp(dir, sizeof(dir), "config-customer");
    snprintf(path, sizeof(path), "%s/c.conf", dir);
}

static void teardown(void)
{
    dt_test_rm_rf(dir);
}

/* A configuration of internal_domains and the customer group body given. */
static void write_conf(const char *customer)
{
    char buf[2048];
    snprintf(buf, sizeof(buf), "internal_domains = [ \"corp.example\" ];\ncustomer = {\n%s\n};\n",
             customer);
    dt_test_write_file(path, buf, strlen(buf));
}

static void refused(const char *customer, const char *want_after_path)
{
    char want[512];
    write_conf(customer);
    snprintf(want, sizeof(want), "%s:%s", path, want_after_path);
    dt_test_config_error(path, want);
}

START_TEST(defaults_agree_with_the_modules)
{
    struct dt_config *cfg = dt_test_config("tests/data/conf/minimal.conf");
    struct dt_tone_params tp;
    struct dt_cooling_params cp;
    dt_tone_defaults(&tp);
    dt_cooling_defaults(&cp);
    ck_assert(cfg->customer_tone);
    ck_assert_double_eq(cfg->tone.hesitant, tp.hesitant);
    ck_assert_double_eq(cfg->tone.engaged, tp.engaged);
    ck_assert_double_eq(cfg->tone.enthusiastic, tp.enthusiastic);
    ck_assert_int_eq(cfg->tone.joined_after, 7 * DAY);
    ck_assert_int_eq(cfg->cooling.carried_window, cp.carried_window);
    ck_assert_int_eq(cfg->cooling.carried_window, 2 * DAY);
    ck_assert_uint_eq(cfg->n_freemail, 29);
    bool gmail = false, ziggo = false;
    for (size_t i = 0; i < cfg->n_freemail; i++) {
        gmail |= strcmp(cfg->freemail[i], "gmail.com") == 0;
        ziggo |= strcmp(cfg->freemail[i], "ziggo.nl") == 0;
    }
    ck_assert(gmail && ziggo);
    dt_config_unref(cfg);
}
END_TEST

START_TEST(every_key_set)
{
    write_conf("    tone = false;\n    hesitant = 1.5;\n    engaged = 0.8;\n"
               "    enthusiastic = 0.5;\n    carried_window = \"36h\";\n"
               "    joined_after = \"2w\";\n"
               "    freemail_domains = [ \"@Mail.Example\", \"kpnmail.nl\" ];");
    struct dt_config *cfg = dt_test_config(path);
    ck_assert(!cfg->customer_tone);
    ck_assert_double_eq(cfg->tone.hesitant, 1.5);
    ck_assert_double_eq(cfg->tone.engaged, 0.8);
    ck_assert_double_eq(cfg->tone.enthusiastic, 0.5);
    ck_assert_int_eq(cfg->cooling.carried_window, 36 * 3600L);
    ck_assert_int_eq(cfg->tone.joined_after, 14 * DAY);
    ck_assert_uint_eq(cfg->n_freemail, 2);
    ck_assert_str_eq(cfg->freemail[0], "mail.example"); /* lower-cased, '@' dropped */
    ck_assert_str_eq(cfg->freemail[1], "kpnmail.nl");
    ck_assert_ptr_null(cfg->freemail[2]);
    dt_config_unref(cfg);
}
END_TEST

START_TEST(bad_values)
{
    refused("    hesitant = 0;", "3: customer.hesitant: must be greater than 0 and at most 100");
    refused("    engaged = -1.0;", "3: customer.engaged: must be greater than 0 and at most 100");
    refused("    enthusiastic = 1.0;",
            "3: customer.enthusiastic: must be greater than 0 and less than 1");
    refused("    enthusiastic = \"high\";", "3: customer.enthusiastic: expected a number");
    refused("    tone = 1;", "3: customer.tone: expected true or false");
    refused("    carried_window = \"2x\";",
            "3: customer.carried_window: '2x' is not a duration (90s, 45m, 36h, 3d, 2w or a "
            "whole number of seconds)");
    refused("    joined_after = 0;",
            "3: customer.joined_after: must be greater than 0 and at most 3650d");
    refused("    freemail_domains = [ \"not a domain\" ];",
            "3: customer.freemail_domains: 'not a domain' is not a domain name");
    refused("    freemail_domain = [ \"gmail.com\" ];",
            "3: unknown key 'customer.freemail_domain' (did you mean "
            "'customer.freemail_domains'?)");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("config_customer");
    TCase *tc = tcase_create("customer");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, defaults_agree_with_the_modules);
    tcase_add_test(tc, every_key_set);
    tcase_add_test(tc, bad_values);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_test_run(suite());
}
