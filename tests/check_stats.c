/*
 * check_stats.c - `dealtemp stats` (stats.h) over a real SQLite store:
 * levels follow the configured thresholds, not what was stored; every rep
 * is counted however many there are; the histogram's fine bins near the
 * top; suggested thresholds are values the configuration accepts, each
 * with the share it really flags, and with the reply rates above and
 * below it as if it were in force (a store of known timelines).
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dealtemp/stats.h"
#include "store_helpers.h"
#include "testutil.h"

#define T0 ((time_t)1790000000)

static char dir[128];
static struct dt_config *cfg;
static struct dt_store *st;

static void setup(void)
{
    dt_test_seam_open("stats", dir, sizeof(dir), &cfg, &st);
}

static void teardown(void)
{
    dt_test_seam_close(dir, cfg, st);
}

/* One outbound message with this score from rep, in a thread of its own. */
static void out(int i, double score, const char *rep)
{
    char id[64];
    snprintf(id, sizeof(id), "m%d@corp.example", i);
    dt_test_put_scored(st, id, id, T0 + i, true, score, rep, "c@customer.example");
}

static char *render(void)
{
    struct dt_stats s;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_stats_collect(st, cfg, &s, &err) == 0, "%s", err.msg);
    struct dt_buf b = DT_BUF_INIT;
    dt_stats_render(&s, cfg, &b);
    dt_stats_free(&s);
    ck_assert(!dt_buf_failed(&b));
    size_t n;
    return dt_buf_steal(&b, &n);
}

START_TEST(levels_follow_the_configured_thresholds)
{
    const double scores[] = {0.1, 0.34, 0.35, 0.5, 0.59, 0.6, 0.9, 0.999};
    for (size_t i = 0; i < sizeof(scores) / sizeof(*scores); i++)
        out((int)i, scores[i], "ann@corp.example");
    dt_test_put_scored(st, "in@c", "m0@corp.example", T0 + 100, false, 0, "ann@corp.example",
                       "c@customer.example");

    struct dt_stats s;
    struct dt_error err = {{0}};
    ck_assert_int_eq(dt_stats_collect(st, cfg, &s, &err), 0);
    ck_assert_uint_eq(s.n, 8);
    ck_assert_uint_eq(s.counts.inbound, 1);
    ck_assert_uint_eq(s.level[DT_LEVEL_CALM], 2);
    ck_assert_uint_eq(s.level[DT_LEVEL_WARM], 3);
    ck_assert_uint_eq(s.level[DT_LEVEL_EUPHORIC], 3);
    for (size_t i = 1; i < s.n; i++)
        ck_assert(s.scores[i - 1] <= s.scores[i]);
    dt_stats_free(&s);

    /* The admin raises both thresholds: the same stored scores regroup. */
    cfg->euphoria.warm = 0.5;
    cfg->euphoria.euphoric = 0.95;
    ck_assert_int_eq(dt_stats_collect(st, cfg, &s, &err), 0);
    ck_assert_uint_eq(s.level[DT_LEVEL_CALM], 3);
    ck_assert_uint_eq(s.level[DT_LEVEL_WARM], 4);
    ck_assert_uint_eq(s.level[DT_LEVEL_EUPHORIC], 1);
    ck_assert_uint_eq(s.rep[1].level[DT_LEVEL_EUPHORIC], 1);
    dt_stats_free(&s);
    char *text = render();
    ck_assert_contains(text, "levels (euphoria.warm = 0.500, euphoria.euphoric = 0.950)");
    ck_assert_contains(text, "  euphoric         1   12.5%");
    free(text);
}
END_TEST

START_TEST(every_rep_is_counted)
{
    /* More reps than the old fixed table of 1,024 held. */
    struct dt_error err = {{0}};
    ck_assert_int_eq(dt_store_begin(st, &err), 0);
    char rep[64];
    for (int i = 0; i < 1100; i++) {
        snprintf(rep, sizeof(rep), "rep%04d@corp.example", i);
        out(2 * i, 0.9, rep);
        out(2 * i + 1, 0.1, rep);
    }
    ck_assert_int_eq(dt_store_commit(st, &err), 0);
    char *text = render();
    ck_assert_contains(
        text, "  rep0000@corp.example                  2        1        0         1 (50.0%)");
    ck_assert_contains(
        text, "  rep1099@corp.example                  2        1        0         1 (50.0%)");
    /* Sorted by address. */
    ck_assert(strstr(text, "rep0999@") < strstr(text, "rep1000@"));
    free(text);
}
END_TEST

START_TEST(histogram_is_fine_near_the_top)
{
    ck_assert_uint_eq(dt_stats_bin(0.0), 0);
    ck_assert_uint_eq(dt_stats_bin(0.099), 0);
    ck_assert_uint_eq(dt_stats_bin(0.1), 1);
    ck_assert_uint_eq(dt_stats_bin(0.899), 8);
    ck_assert_uint_eq(dt_stats_bin(0.9), 9);
    ck_assert_uint_eq(dt_stats_bin(0.949), 9);
    ck_assert_uint_eq(dt_stats_bin(0.95), 10);
    ck_assert_uint_eq(dt_stats_bin(0.979), 10);
    ck_assert_uint_eq(dt_stats_bin(0.98), 11);
    ck_assert_uint_eq(dt_stats_bin(0.99), 12);
    ck_assert_uint_eq(dt_stats_bin(1.0), 12);
    out(1, 0.991, "a@corp.example");
    out(2, 0.985, "a@corp.example");
    out(3, 0.96, "a@corp.example");
    char *text = render();
    ck_assert_contains(text, "  0.99-1.00        1 #");
    ck_assert_contains(text, "  0.98-0.99        1 #");
    ck_assert_contains(text, "  0.95-0.98        1 #");
    ck_assert_contains(text, "  0.90-0.95        0 \n");
    free(text);
}
END_TEST

START_TEST(threshold_quantiles)
{
    double v[1000], flagged;
    for (int i = 0; i < 1000; i++)
        v[i] = (i + 1) / 1000.0; /* 0.001 .. 1.000 */
    ck_assert_double_eq_tol(dt_stats_threshold(v, 1000, 0.05, 0.001, 0.999, &flagged), 0.951, 1e-9);
    ck_assert_double_eq_tol(flagged, 0.05, 1e-9);
    ck_assert_double_eq_tol(dt_stats_threshold(v, 1000, 0.20, 0.001, 0.999, &flagged), 0.801, 1e-9);
    ck_assert_double_eq_tol(flagged, 0.20, 1e-9);
    /* Clamped into what the caller accepts; the share it flags then is said. */
    ck_assert_double_eq_tol(dt_stats_threshold(v, 1000, 0.20, 0.001, 0.7, &flagged), 0.7, 1e-9);
    ck_assert_double_eq_tol(flagged, 0.301, 1e-9);

    /* Saturated scores: never 1.000, which the configuration refuses. */
    double sat[10];
    for (int i = 0; i < 10; i++)
        sat[i] = i < 8 ? 0.2 : 1.0;
    ck_assert_double_eq_tol(dt_stats_threshold(sat, 10, 0.05, 0.001, 0.999, &flagged), 0.999, 1e-9);
    ck_assert_double_eq_tol(flagged, 0.2, 1e-9); /* ties: 20 %, more than the 5 % asked */
    ck_assert_double_eq_tol(dt_stats_threshold(sat, 0, 0.05, 0.001, 0.999, &flagged), 0.999, 1e-9);
    ck_assert_double_eq_tol(flagged, 0.0, 1e-9);
}
END_TEST

START_TEST(suggestions_are_accepted_values)
{
    /* Typical saturation: most euphoric mail scores 1.000. */
    for (int i = 0; i < 40; i++)
        out(i, i < 30 ? 0.05 + i / 100.0 : 1.0, "a@corp.example");
    char *text = render();
    ck_assert_lacks(text, "= 1.000");
    ck_assert_lacks(text, "= 0.000");
    ck_assert_contains(text, "  euphoria.euphoric = 0.999; flags  25.0% (asked  5%)");
    ck_assert_contains(text, "  euphoria.warm     = ");
    /* Each suggested line, written into a configuration, must load. */
    char conf[PATH_MAX];
    snprintf(conf, sizeof(conf), "%s/suggested.conf", dir);
    for (const char *p = strstr(text, "  euphoria."); p != NULL; p = strstr(p + 1, "  euphoria.")) {
        double v;
        char key[32];
        ck_assert_int_eq(sscanf(p, " euphoria.%31[a-z] = %lf;", key, &v), 2);
        FILE *f = fopen(conf, "w");
        ck_assert_ptr_nonnull(f);
        fprintf(f, "database = \"%s/x.db\";\ninternal_domains = [\"corp.example\"];\n", dir);
        fprintf(f, "euphoria = { %s = %.3f; };\n", key, v);
        fclose(f);
        struct dt_config *c2 = NULL;
        struct dt_error err = {{0}};
        ck_assert_msg(dt_config_load(conf, dt_test_exe(), &c2, &err) == 0, "%s = %.3f: %s", key, v,
                      err.msg);
        dt_config_unref(c2);
    }
    free(text);
}
END_TEST

/*
 * Twenty mails scoring 0.500, 0.525, ... 0.975, an hour apart, each in a
 * thread of its own: those under 0.85 answered a day later, the rest never;
 * one more (0.550) a day before as_of: pending. The suggestions are then
 * 0.975, 0.950 and 0.900 (5, 10 and 20 % of 21 mails).
 */
START_TEST(evidence_beside_each_threshold)
{
    char id[64], reply[64];
    for (int i = 0; i < 20; i++) {
        out(i, (500 + 25 * i) / 1000.0, "ann@corp.example");
        snprintf(id, sizeof(id), "m%d@corp.example", i);
        snprintf(reply, sizeof(reply), "r%d@customer.example", i);
        if (i < 14)
            dt_test_put_scored(st, reply, id, T0 + i + 86400, false, 0, "ann@corp.example",
                               "c@customer.example");
    }
    time_t as_of = T0 + 30 * 86400;
    dt_test_put_scored(st, "young@corp.example", "young@corp.example", as_of - 86400, true, 0.55,
                       "ann@corp.example", "c@customer.example");
    struct dt_stats s;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_stats_collect(st, cfg, &s, &err) == 0, "%s", err.msg);
    ck_assert_msg(dt_stats_collect_outcomes(st, cfg, as_of, &s, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(s.n_judged, 21);
    struct dt_buf b = DT_BUF_INIT;
    dt_stats_render(&s, cfg, &b);
    dt_stats_free(&s);
    const char *t = b.data;
    ck_assert_contains(t, "answered within 7 days (report.window), 95 % intervals,\n"
                          "  as of 2026-10-21T14:13:20Z; 1 of 21 outbound mails is younger: "
                          "pending, left out\n");
    /* in force now (0.600): 10 of 16 is 62.5 %, rounded to 63, never floored to 62 */
    ck_assert_contains(t, "  euphoria.euphoric = 0.600 (in force now)\n"
                          "      euphoric:      10 of 16 answered, 63 % (39-82 %)\n"
                          "      calm and warm: 4 of 4 answered, 100 % (51-100 %); the intervals "
                          "overlap\n");
    ck_assert_contains(t, "euphoria.euphoric = 0.975; flags   4.8% (asked  5%)\n"
                          "      euphoric:      0 of 1 answered, 0 % (0-79 %)\n"
                          "      calm and warm: 14 of 19 answered, 74 % (51-88 %); the intervals "
                          "overlap\n");
    ck_assert_contains(t, "euphoria.euphoric = 0.950; flags   9.5% (asked 10%)\n"
                          "      euphoric:      0 of 2 answered, 0 % (0-66 %)\n"
                          "      calm and warm: 14 of 18 answered, 78 % (55-91 %); the intervals "
                          "overlap\n");
    ck_assert_contains(t,
                       "euphoria.euphoric = 0.900; flags  19.0% (asked 20%)\n"
                       "      euphoric:      0 of 4 answered, 0 % (0-49 %)\n"
                       "      calm and warm: 14 of 16 answered, 88 % (64-97 %); the intervals do "
                       "not overlap\n");
    dt_buf_free(&b);

    /* without dt_stats_collect_outcomes: the suggestions alone, as before */
    char *plain = render();
    ck_assert_lacks(plain, "calm and warm:");
    ck_assert_contains(plain, "euphoria.euphoric = 0.900; flags  19.0% (asked 20%)\n");
    free(plain);
}
END_TEST

/* A store with nothing in it yet (the command right after the first import). */
START_TEST(empty_store)
{
    char *text = render();
    ck_assert_contains(text, "store: 0 outbound, 0 inbound messages in 0 threads\n");
    ck_assert_contains(text, "  (no outbound messages yet)\n");
    free(text);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stats");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, levels_follow_the_configured_thresholds);
    tcase_add_test(tc, every_rep_is_counted);
    tcase_add_test(tc, histogram_is_fine_near_the_top);
    tcase_add_test(tc, threshold_quantiles);
    tcase_add_test(tc, suggestions_are_accepted_values);
    tcase_add_test(tc, empty_store);
    tcase_add_test(tc, evidence_beside_each_threshold);
    suite_add_tcase(s, tc);
    return dt_test_run(s);
}
