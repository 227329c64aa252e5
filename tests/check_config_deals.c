/*
 * check_config_deals.c - the deal-thread keys of the configuration:
 * store_subjects, retention_days, thread_window_days, business_hours.*
 * and cooling.*. Their defaults (and that the sample documents them), every
 * key set, every kind of bad value with its exact one-line message, the
 * forms of durations, times of day and time zone names.
 *
 * Runs from the top of the tree: fixtures are under tests/data/conf/.
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dealtemp/bizcal.h"
#include "dealtemp/config.h"
#include "dealtemp/cooling.h"

#include "../milter/config_int.h"
#include "testutil.h"

#define CONF "tests/data/conf/"
#define DAY 86400L

/* What every configuration without deal keys must hold. */
static void assert_deal_defaults(const struct dt_config *cfg)
{
    ck_assert(cfg->store_subjects);
    ck_assert_int_eq(cfg->retention_days, 365);
    ck_assert_int_eq(cfg->thread_window_days, 30);
    ck_assert_uint_eq(cfg->hours.days, DT_WEEKDAYS);
    ck_assert_int_eq(cfg->hours.start_min, 9 * 60);
    ck_assert_int_eq(cfg->hours.end_min, 17 * 60);
    ck_assert_str_eq(cfg->timezone, "UTC");
    ck_assert_ptr_nonnull(cfg->tz);
    ck_assert_ptr_eq(cfg->hours.tz, cfg->tz);
    ck_assert_int_eq(dt_tz_offset(cfg->tz, 1784116800), 0);
    ck_assert_double_eq(cfg->cooling.factor, 2.0);
    ck_assert_int_eq(cfg->cooling.min_wait, 3 * DAY);
    ck_assert_int_eq(cfg->cooling.stall_after, 7 * DAY);
    ck_assert_int_eq(cfg->cooling.default_reply, 2 * DAY);
    ck_assert(!cfg->cooling.business);
    ck_assert_int_eq(cfg->cooling.trigger, DT_LEVEL_EUPHORIC);
    ck_assert_int_eq(cfg->cooling.usual_threads, 20);
    ck_assert_ptr_eq(cfg->cooling.hours, &cfg->hours);
}

START_TEST(minimal_takes_the_deal_defaults)
{
    struct dt_config *cfg = dt_test_config(CONF "minimal.conf");
    assert_deal_defaults(cfg);
    /* The loader and the cooling module agree on what "default" means. */
    struct dt_cooling_params p;
    dt_cooling_defaults(&p);
    ck_assert_double_eq(cfg->cooling.factor, p.factor);
    ck_assert_int_eq(cfg->cooling.min_wait, p.min_wait);
    ck_assert_int_eq(cfg->cooling.stall_after, p.stall_after);
    ck_assert_int_eq(cfg->cooling.default_reply, p.default_reply);
    ck_assert_int_eq(cfg->cooling.business, p.business);
    ck_assert_int_eq(cfg->cooling.trigger, p.trigger);
    ck_assert_int_eq(cfg->cooling.usual_threads, p.usual_threads);
    dt_config_unref(cfg);
}
END_TEST

/* The sample leaves every deal key commented out: it loads to the defaults. */
START_TEST(sample_conf_takes_the_deal_defaults)
{
    struct dt_config *cfg = dt_test_config("conf/dealtemp.conf");
    assert_deal_defaults(cfg);
    dt_config_unref(cfg);
}
END_TEST

START_TEST(full_sets_every_deal_key)
{
    struct dt_config *cfg = dt_test_config(CONF "full.conf");
    ck_assert(!cfg->store_subjects);
    ck_assert_int_eq(cfg->retention_days, 90);
    ck_assert_int_eq(cfg->thread_window_days, 14);
    ck_assert_uint_eq(cfg->hours.days, 0x7eu); /* "Mon", "TUE" .. "sat" */
    ck_assert_int_eq(cfg->hours.start_min, 8 * 60 + 30);
    ck_assert_int_eq(cfg->hours.end_min, 18 * 60 + 15);
    ck_assert_str_eq(cfg->timezone, "Europe/Amsterdam");
    ck_assert_ptr_eq(cfg->hours.tz, cfg->tz);
    ck_assert_int_eq(dt_tz_offset(cfg->tz, 1768478400), 3600); /* 2026-01-15: CET */
    ck_assert_int_eq(dt_tz_offset(cfg->tz, 1784116800), 7200); /* 2026-07-15: CEST */
    ck_assert_double_eq(cfg->cooling.factor, 3);
    ck_assert_int_eq(cfg->cooling.min_wait, 36 * 3600);
    ck_assert_int_eq(cfg->cooling.stall_after, 14 * DAY);
    ck_assert_int_eq(cfg->cooling.default_reply, 5400);
    ck_assert(cfg->cooling.business); /* "Business": any case */
    ck_assert_int_eq(cfg->cooling.trigger, DT_LEVEL_WARM);
    ck_assert_int_eq(cfg->cooling.usual_threads, 12);
    ck_assert_ptr_eq(cfg->cooling.hours, &cfg->hours);
    dt_config_unref(cfg);
}
END_TEST

START_TEST(seconds_and_a_whole_day)
{
    struct dt_config *cfg = dt_test_config(CONF "deals-seconds.conf");
    ck_assert_uint_eq(cfg->hours.days, 1u); /* Sunday only */
    ck_assert_int_eq(cfg->hours.start_min, 0);
    ck_assert_int_eq(cfg->hours.end_min, 24 * 60);
    ck_assert_int_eq(dt_tz_offset(cfg->tz, 1768478400), -5 * 3600);
    ck_assert_int_eq(cfg->cooling.min_wait, 60);
    ck_assert_int_eq(cfg->cooling.stall_after, 60); /* "60": digits are seconds too */
    ck_assert_int_eq(cfg->cooling.default_reply, 1);
    ck_assert(!cfg->cooling.business);
    ck_assert_int_eq(cfg->cooling.trigger, DT_LEVEL_EUPHORIC);
    /* 00:00-24:00 on Sunday 2026-01-04 in New York: the whole day is worked. */
    ck_assert_int_eq(dt_business_seconds(&cfg->hours, 1767398400, 1767657600), DAY);
    dt_config_unref(cfg);
}
END_TEST

START_TEST(bad_durations)
{
    dt_test_config_error(
        CONF "deals-bad-duration.conf",
        CONF "deals-bad-duration.conf:3: cooling.min_wait: '3x' is not a duration (90s, "
             "45m, 36h, 3d, 2w or a whole number of seconds)");
    dt_test_config_error(
        CONF "deals-zero-duration.conf",
        CONF "deals-zero-duration.conf:3: cooling.default_reply: must be greater than 0 "
             "and at most 3650d");
    dt_test_config_error(
        CONF "deals-zero-seconds.conf",
        CONF "deals-zero-seconds.conf:4: cooling.stall_after: must be greater than 0 and "
             "at most 3650d");
    dt_test_config_error(CONF "deals-long-duration.conf", CONF
                         "deals-long-duration.conf:3: cooling.stall_after: must be greater than 0 "
                         "and at most 3650d");
    dt_test_config_error(CONF "deals-float-duration.conf", CONF
                         "deals-float-duration.conf:3: cooling.min_wait: expected a duration (90s, "
                         "45m, 36h, 3d, 2w or a whole number of seconds)");
}
END_TEST

START_TEST(stall_after_must_not_precede_min_wait)
{
    dt_test_config_error(CONF "deals-stall-before-min.conf", CONF
                         "deals-stall-before-min.conf:4: cooling.stall_after: must be at least "
                         "cooling.min_wait (5d)");
    /* Only min_wait set, beyond the default stall_after: min_wait is the culprit. */
    dt_test_config_error(CONF "deals-min-after-stall.conf",
                         CONF "deals-min-after-stall.conf:3: cooling.min_wait: must be at most "
                              "cooling.stall_after (7d)");
}
END_TEST

START_TEST(bad_days)
{
    /* The element's own line, not the list's. */
    dt_test_config_error(CONF "deals-bad-day.conf", CONF
                         "deals-bad-day.conf:4: business_hours.days: 'funday' is not a day (mon, "
                         "tue, wed, thu, fri, sat, sun)");
    dt_test_config_error(CONF "deals-duplicate-day.conf", CONF
                         "deals-duplicate-day.conf:3: business_hours.days: 'MON' is listed twice");
    dt_test_config_error(CONF "deals-no-days.conf", CONF
                         "deals-no-days.conf:3: business_hours.days: must list at least one day");
    dt_test_config_error(CONF "deals-bad-days-type.conf", CONF
                         "deals-bad-days-type.conf:3: business_hours.days: expected a list of days "
                         "([\"mon\", \"tue\", ...])");
}
END_TEST

START_TEST(bad_times)
{
    dt_test_config_error(
        CONF "deals-bad-time.conf",
        CONF "deals-bad-time.conf:3: business_hours.start: '25:00' is not a time of day "
             "(HH:MM, 00:00 to 24:00)");
    dt_test_config_error(CONF "deals-end-before-start.conf", CONF
                         "deals-end-before-start.conf:4: business_hours.end: must be later than "
                         "business_hours.start (09:00)");
    /* Only start set, at the default end: start is the culprit. */
    dt_test_config_error(CONF "deals-start-after-end.conf", CONF
                         "deals-start-after-end.conf:3: business_hours.start: must be earlier than "
                         "business_hours.end (17:00)");
}
END_TEST

START_TEST(bad_timezones)
{
    /* bizcal's own reason (the zone and the file tried) behind file, line and key. */
    struct dt_tz *tz = NULL;
    struct dt_error tzerr = {{0}};
    char want[1024];
    ck_assert_int_eq(dt_tz_load("Mars/Olympus_Mons", NULL, &tz, &tzerr), -1);
    ck_assert_ptr_null(tz);
    ck_assert_ptr_nonnull(strstr(tzerr.msg, "Mars/Olympus_Mons"));
    snprintf(want, sizeof(want), CONF "deals-unknown-tz.conf:3: business_hours.timezone: %s",
             tzerr.msg);
    dt_test_config_error(CONF "deals-unknown-tz.conf", want);

    dt_test_config_error(CONF "deals-bad-tz-name.conf", CONF
                         "deals-bad-tz-name.conf:3: business_hours.timezone: '../../etc/passwd' is "
                         "not a time zone name (such as UTC or Europe/Amsterdam)");
}
END_TEST

START_TEST(bad_enums_numbers_and_bools)
{
    dt_test_config_error(CONF "deals-bad-clock.conf", CONF
                         "deals-bad-clock.conf:3: cooling.clock: 'lunar' is not one of calendar, "
                         "business");
    dt_test_config_error(CONF "deals-bad-trigger.conf", CONF
                         "deals-bad-trigger.conf:3: cooling.trigger: 'calm' is not one of warm, "
                         "euphoric");
    dt_test_config_error(CONF "deals-bad-factor.conf",
                         CONF "deals-bad-factor.conf:3: cooling.factor: must be between 1 and 100");
    dt_test_config_error(CONF "deals-bad-usual-threads.conf",
                         CONF "deals-bad-usual-threads.conf:3: cooling.usual_threads: must be "
                              "between 1 and 100000");
    dt_test_config_error(CONF "deals-bad-retention.conf", CONF
                         "deals-bad-retention.conf:2: retention_days: must be between 1 and 36500");
    dt_test_config_error(CONF "deals-bad-window.conf", CONF
                         "deals-bad-window.conf:2: thread_window_days: must be between 1 and 365");
    dt_test_config_error(CONF "deals-bad-subjects.conf",
                         CONF "deals-bad-subjects.conf:2: store_subjects: expected true or false");
}
END_TEST

START_TEST(duration_forms)
{
    static const struct {
        const char *text;
        long secs;
    } good[] = {
        {"90s", 90},      {"45m", 45 * 60},      {"36h", 36 * 3600},      {"3d", 3 * DAY},
        {"2w", 14 * DAY}, {"3D", 3 * DAY},       {"5400", 5400},          {"1", 1},
        {"007m", 7 * 60}, {"3650d", 3650 * DAY}, {"521w", 521 * 7 * DAY},
    };
    static const char *const malformed[] = {
        "",    "d",    "3x",  "3 d", " 3d",  "3d ",  "-3d",
        "+3d", "3.5d", "3dd", "1e3", "0x10", "3d2h", "3ms",
    };
    static const char *const out_of_range[] = {
        "0", "0s", "0w", "3651d", "522w", "315360001", "99999999999999999999999999s",
    };
    char why[256];
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        long secs = -1;
        ck_assert_msg(dt_config_duration(good[i].text, &secs, why, sizeof(why)) == 0, "%s: %s",
                      good[i].text, why);
        ck_assert_int_eq(secs, good[i].secs);
    }
    for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
        char want[256];
        long secs = -1;
        ck_assert_msg(dt_config_duration(malformed[i], &secs, why, sizeof(why)) == -1, "took '%s'",
                      malformed[i]);
        ck_assert_int_eq(secs, -1);
        snprintf(want, sizeof(want),
                 "'%s' is not a duration (90s, 45m, 36h, 3d, 2w or a whole number of seconds)",
                 malformed[i]);
        ck_assert_str_eq(why, want);
    }
    for (size_t i = 0; i < sizeof(out_of_range) / sizeof(out_of_range[0]); i++) {
        long secs = -1;
        ck_assert_msg(dt_config_duration(out_of_range[i], &secs, why, sizeof(why)) == -1,
                      "took '%s'", out_of_range[i]);
        ck_assert_str_eq(why, "must be greater than 0 and at most 3650d");
    }
}
END_TEST

START_TEST(durations_shown_in_their_largest_unit)
{
    static const struct {
        long secs;
        const char *text;
    } cases[] = {
        {259200, "3d"},  {1209600, "14d"}, {8 * DAY, "8d"}, {5400, "90m"},
        {129600, "36h"}, {90, "90s"},      {1, "1s"},       {0, "0s"},
    };
    char buf[32];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        dt_config_show_duration(&cases[i].secs, buf, sizeof(buf));
        ck_assert_str_eq(buf, cases[i].text);
    }
}
END_TEST

START_TEST(time_of_day_forms)
{
    static const struct {
        const char *text;
        int min;
    } good[] = {
        {"9:00", 540}, {"09:00", 540}, {"00:00", 0}, {"0:00", 0}, {"23:59", 1439}, {"24:00", 1440},
    };
    static const char *const bad[] = {
        "25:00", "24:01", "9",     "9:0",   "09:60", "009:00", "9:00 ",
        " 9:00", "",      "-1:00", "ab:cd", "09.00", "9:000",  ":30",
    };
    char why[256], buf[16];
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        int min = -1;
        ck_assert_msg(dt_config_time_of_day(good[i].text, &min, why, sizeof(why)) == 0, "%s: %s",
                      good[i].text, why);
        ck_assert_int_eq(min, good[i].min);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char want[256];
        int min = -1;
        ck_assert_msg(dt_config_time_of_day(bad[i], &min, why, sizeof(why)) == -1, "took '%s'",
                      bad[i]);
        ck_assert_int_eq(min, -1);
        snprintf(want, sizeof(want), "'%s' is not a time of day (HH:MM, 00:00 to 24:00)", bad[i]);
        ck_assert_str_eq(why, want);
    }
    int min = 9 * 60 + 5;
    dt_config_show_time(&min, buf, sizeof(buf));
    ck_assert_str_eq(buf, "09:05");
}
END_TEST

/* Run the zone name check on a copy of in. */
static int check_zone(const char *in)
{
    char *v = strdup(in), why[256] = "";
    ck_assert_ptr_nonnull(v);
    int rc = dt_config_check_timezone(&v, why, sizeof(why));
    if (rc == 0)
        ck_assert_str_eq(v, in); /* names are case-sensitive: left alone */
    else
        ck_assert_ptr_nonnull(strstr(why, "is not a time zone name"));
    free(v);
    return rc;
}

START_TEST(timezone_names)
{
    static const char *const good[] = {
        "UTC",       "Europe/Amsterdam",       "America/Argentina/Buenos_Aires",
        "Etc/GMT+5", "America/Port-au-Prince", "EST5EDT",
    };
    static const char *const bad[] = {
        "",
        "/etc/passwd",
        "../x",
        "Europe/..",
        "Europe//Amsterdam",
        "Europe/",
        "/UTC",
        "Europe/Amster dam",
        "a\nb",
        "Europe/Amsterdam\\x",
        "Europe/.",
        "Europe/Am.sterdam",
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        ck_assert_msg(check_zone(good[i]) == 0, "refused '%s'", good[i]);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(check_zone(bad[i]) == -1, "took '%s'", bad[i]);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("config_deals");
    TCase *tc = tcase_create("deals");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, minimal_takes_the_deal_defaults);
    tcase_add_test(tc, sample_conf_takes_the_deal_defaults);
    tcase_add_test(tc, full_sets_every_deal_key);
    tcase_add_test(tc, seconds_and_a_whole_day);
    tcase_add_test(tc, bad_durations);
    tcase_add_test(tc, stall_after_must_not_precede_min_wait);
    tcase_add_test(tc, bad_days);
    tcase_add_test(tc, bad_times);
    tcase_add_test(tc, bad_timezones);
    tcase_add_test(tc, bad_enums_numbers_and_bools);
    tcase_add_test(tc, duration_forms);
    tcase_add_test(tc, durations_shown_in_their_largest_unit);
    tcase_add_test(tc, time_of_day_forms);
    tcase_add_test(tc, timezone_names);
    suite_add_tcase(s, tc);
    return dt_test_run(s);
}
