/*
 * check_outcomes.c - reply outcomes by euphoria level (outcomes.h): the
 * rule at the window's edges, the Wilson interval against published
 * values, outcomes read from a real store (SQLite, and PostgreSQL in the
 * "-pg" TCase) for timelines with known answers - several outbound mails
 * in a row, pending mail, both clocks, per rep and per month, a rep's
 * report holding only that rep - the plain statement and the JSON; each
 * rep's levels per month, a manager's list of reps, and the judged
 * messages re-grouped under other thresholds against reading the store
 * again (the two paths must agree, on the stories and on random threads).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dealtemp/outcomes.h"
#include "pgtest.h"
#include "store_helpers.h"
#include "testutil.h"

#define DAY 86400L
#define HOUR 3600L
#define W (7 * DAY)
#define T0 ((time_t)1793000000) /* Mon 26 Oct 2026 07:33:20 UTC */

START_TEST(rule_at_the_edges)
{
    time_t as_of = T0 + 30 * DAY;
    ck_assert_int_eq(dt_outcome_of(T0, T0 + W, W, as_of), DT_OUTCOME_ANSWERED);
    ck_assert_int_eq(dt_outcome_of(T0, T0 + W + 1, W, as_of), DT_OUTCOME_UNANSWERED);
    ck_assert_int_eq(dt_outcome_of(T0, T0 + W - 1, W, as_of), DT_OUTCOME_ANSWERED);
    ck_assert_int_eq(dt_outcome_of(T0, T0, W, as_of), DT_OUTCOME_ANSWERED); /* same second */
    ck_assert_int_eq(dt_outcome_of(T0, 0, W, as_of), DT_OUTCOME_UNANSWERED);
    /* younger than the window: pending, answered or not */
    ck_assert_int_eq(dt_outcome_of(T0, T0 + HOUR, W, T0 + W - 1), DT_OUTCOME_PENDING);
    ck_assert_int_eq(dt_outcome_of(T0, 0, W, T0 + W - 1), DT_OUTCOME_PENDING);
    ck_assert_int_eq(dt_outcome_of(T0, 0, W, T0 + W), DT_OUTCOME_UNANSWERED);
    ck_assert_int_eq(dt_outcome_of(T0, T0 + W, W, T0 + W), DT_OUTCOME_ANSWERED);
}
END_TEST

START_TEST(wilson_against_published_values)
{
    static const struct {
        size_t k, n;
        double lo, hi;
    } rows[] = {{0, 10, 0.0000, 0.2775},   {5, 10, 0.2366, 0.7634},  {10, 10, 0.7225, 1.0000},
                {41, 100, 0.3187, 0.5080}, {15, 16, 0.7167, 0.9889}, {312, 1120, 0.2531, 0.3055}};
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        double lo, hi;
        dt_wilson(rows[i].k, rows[i].n, &lo, &hi);
        ck_assert_msg(fabs(lo - rows[i].lo) < 5e-5 && fabs(hi - rows[i].hi) < 5e-5,
                      "%zu/%zu: [%.4f, %.4f]", rows[i].k, rows[i].n, lo, hi);
    }
    double lo, hi;
    dt_wilson(0, 0, &lo, &hi);
    ck_assert(lo == 0 && hi == 1);
}
END_TEST

/* ---- from a store ---- */

static char dir[64];
static struct dt_config *cfg;
static struct dt_store *st;

static void setup(void)
{
    dt_test_seam_open("outcomes", dir, sizeof(dir), &cfg, &st);
}

static void pg_setup(void)
{
    dt_test_seam_open_pg("outcomes", dir, sizeof(dir), &cfg, &st);
}

static void teardown(void)
{
    dt_test_seam_close(dir, cfg, st);
}

#define ANN "ann@corp.example"
#define BRAM "bram@corp.example"
#define OUT(id, root, at, score, rep, cp) dt_test_put_scored(st, id, root, at, true, score, rep, cp)
#define IN(id, root, at, rep, cp) dt_test_put_scored(st, id, root, at, false, 0, rep, cp)

/*
 * ann: a1 euphoric answered after 3 days (3 working days of 8 h: Mon to Thu);
 *      b1, b2 calm in a row, one reply 2 h after b2 (both answered);
 *      c1 euphoric, its reply 1 s past the window (unanswered);
 *      d1 euphoric at as_of - W + 1 (pending);
 * bram: e1 calm answered exactly at the window; f1 euphoric in November.
 */
static time_t stories(void)
{
    OUT("a1", "a1", T0, 0.9, ANN, "x@cust.example");
    IN("a2", "a1", T0 + 3 * DAY, ANN, "x@cust.example");
    OUT("b1", "b1", T0 + HOUR, 0.1, ANN, "y@cust.example");
    OUT("b2", "b1", T0 + 2 * HOUR, 0.1, ANN, "y@cust.example");
    IN("b3", "b1", T0 + 4 * HOUR, ANN, "y@cust.example");
    OUT("c1", "c1", T0 + DAY, 0.95, ANN, "z@cust.example");
    IN("c2", "c1", T0 + DAY + W + 1, ANN, "z@cust.example");
    OUT("e1", "e1", T0 + 2 * DAY, 0.2, BRAM, "v@cust.example");
    IN("e2", "e1", T0 + 2 * DAY + W, BRAM, "v@cust.example");
    time_t as_of = T0 + 30 * DAY;
    OUT("d1", "d1", as_of - W + 1, 0.9, ANN, "w@cust.example");
    OUT("f1", "f1", T0 + 10 * DAY, 0.9, BRAM, "u@cust.example");
    return as_of;
}

static const struct dt_outcome_group *find(const struct dt_outcome_group *g, size_t n,
                                           const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(g[i].key, key) == 0)
            return &g[i];
    ck_abort_msg("no group %s", key);
    return NULL;
}

START_TEST(timelines_with_known_answers)
{
    time_t as_of = stories();
    struct dt_outcomes o;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_outcomes_collect(st, cfg, as_of, NULL, &o, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(o.window_s, W);
    const struct dt_outcome_cell *eu = &o.team.level[DT_LEVEL_EUPHORIC],
                                 *ca = &o.team.level[DT_LEVEL_CALM];
    /* euphoric: a1 answered, c1 unanswered, d1 pending, f1 unanswered */
    ck_assert_uint_eq(eu->messages, 4);
    ck_assert_uint_eq(eu->answered, 1);
    ck_assert_uint_eq(eu->pending, 1);
    ck_assert_double_eq_tol(eu->reply_rate, 1.0 / 3, 1e-9);
    ck_assert_int_eq(eu->median_s, 3 * DAY);
    /* Mon 07:33:20 -> Thu 07:33:20 UTC: three working days of 8 h */
    ck_assert_int_eq(eu->median_business_s, 3 * 8 * HOUR);
    /* calm: b1 and b2 answered by one reply (after 3 h and 2 h), e1 at the window's edge */
    ck_assert_uint_eq(ca->messages, 3);
    ck_assert_uint_eq(ca->answered, 3);
    ck_assert_uint_eq(ca->pending, 0);
    ck_assert_double_eq(ca->reply_rate, 1.0);
    ck_assert_uint_eq(ca->n_lat, 3);
    ck_assert_int_eq(ca->median_s, 3 * HOUR); /* 2 h, 3 h, 7 d */
    ck_assert_int_eq(ca->p75_s, W);           /* nearest rank: ceil(0.75 x 3) = 3rd */
    ck_assert_uint_eq(o.team.level[DT_LEVEL_WARM].messages, 0);
    ck_assert_int_eq(o.team.level[DT_LEVEL_WARM].median_s, -1);
    /* per rep and per month */
    ck_assert_uint_eq(o.n_reps, 2);
    ck_assert_str_eq(o.reps[0].key, ANN);
    ck_assert_uint_eq(find(o.reps, o.n_reps, ANN)->level[DT_LEVEL_EUPHORIC].messages, 3);
    ck_assert_uint_eq(find(o.reps, o.n_reps, BRAM)->level[DT_LEVEL_CALM].answered, 1);
    ck_assert_uint_eq(o.n_months, 2);
    ck_assert_str_eq(o.months[0].key, "2026-10");
    ck_assert_str_eq(o.months[1].key, "2026-11");
    ck_assert_uint_eq(find(o.months, o.n_months, "2026-11")->level[DT_LEVEL_EUPHORIC].messages, 2);
    dt_outcomes_free(&o);

    /* thresholds re-group history: with euphoric at 0.92 only c1 is euphoric */
    cfg->euphoria.euphoric = 0.92;
    ck_assert_msg(dt_outcomes_collect(st, cfg, as_of, NULL, &o, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(o.team.level[DT_LEVEL_EUPHORIC].messages, 1);
    ck_assert_uint_eq(o.team.level[DT_LEVEL_WARM].messages, 3);
    dt_outcomes_free(&o);
}
END_TEST

START_TEST(a_reps_report_holds_only_that_rep)
{
    time_t as_of = stories();
    struct dt_outcomes o;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_outcomes_collect(st, cfg, as_of, BRAM, &o, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(o.n_reps, 1);
    ck_assert_str_eq(o.reps[0].key, BRAM);
    ck_assert_uint_eq(o.team.level[DT_LEVEL_EUPHORIC].messages, 1);
    ck_assert_uint_eq(o.team.level[DT_LEVEL_CALM].messages, 1);
    struct dt_buf b = DT_BUF_INIT;
    dt_outcomes_json(&o, "en", &b);
    ck_assert_ptr_null(strstr(b.data, ANN));
    ck_assert_ptr_null(strstr(b.data, "cust.example")); /* never a customer's address */
    dt_buf_free(&b);
    dt_outcomes_free(&o);
    /* as of before anything: empty, not an error */
    ck_assert_msg(dt_outcomes_collect(st, cfg, T0 - 1, NULL, &o, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(o.n_reps + o.n_months, 0);
    dt_outcomes_free(&o);
}
END_TEST

/* Every rep's month rows add up to the month's counts, whatever order months were met in. */
static void month_rows_add_up(const struct dt_outcomes *o)
{
    for (size_t m = 0; m < o->n_months; m++)
        for (int l = 0; l < DT_LEVEL_COUNT; l++) {
            size_t sum = 0;
            for (size_t i = 0; i < o->n_reps; i++) {
                ck_assert_uint_eq(o->reps[i].n_month_levels, o->n_months);
                sum += o->reps[i].month_levels[m][l];
            }
            ck_assert_uint_eq(sum, o->months[m].level[l].messages);
        }
}

START_TEST(each_reps_levels_per_month)
{
    time_t as_of = stories();
    struct dt_outcomes o;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_outcomes_collect(st, cfg, as_of, NULL, &o, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(o.n_months, 2); /* 2026-10, 2026-11 */
    const struct dt_outcome_group *ann = find(o.reps, o.n_reps, ANN),
                                  *bram = find(o.reps, o.n_reps, BRAM);
    /* ann: October a1, c1 euphoric, b1, b2 calm; November d1 euphoric */
    ck_assert_uint_eq(ann->month_levels[0][DT_LEVEL_EUPHORIC], 2);
    ck_assert_uint_eq(ann->month_levels[0][DT_LEVEL_CALM], 2);
    ck_assert_uint_eq(ann->month_levels[0][DT_LEVEL_WARM], 0);
    ck_assert_uint_eq(ann->month_levels[1][DT_LEVEL_EUPHORIC], 1);
    ck_assert_uint_eq(ann->month_levels[1][DT_LEVEL_CALM], 0);
    /* bram: October e1 calm; November f1 euphoric */
    ck_assert_uint_eq(bram->month_levels[0][DT_LEVEL_CALM], 1);
    ck_assert_uint_eq(bram->month_levels[0][DT_LEVEL_EUPHORIC], 0);
    ck_assert_uint_eq(bram->month_levels[1][DT_LEVEL_EUPHORIC], 1);
    month_rows_add_up(&o);
    ck_assert_ptr_null(o.team.month_levels);
    ck_assert_ptr_null(o.months[0].month_levels);
    dt_outcomes_free(&o);
}
END_TEST

START_TEST(a_managers_reps)
{
    time_t as_of = stories();
    struct dt_outcomes o, one;
    struct dt_error err = {{0}};
    char *domain[] = {"@corp.example"}, *bram[] = {"Bram@Corp.Example"},
         *none[] = {"@other.example"};
    /* a domain holds both reps: the team as a whole */
    ck_assert_msg(dt_outcomes_collect_for(st, cfg, as_of, domain, 1, &o, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(o.n_reps, 2);
    ck_assert_uint_eq(o.team.level[DT_LEVEL_EUPHORIC].messages, 4);
    dt_outcomes_free(&o);
    /* one address (any case): as --rep */
    ck_assert_msg(dt_outcomes_collect_for(st, cfg, as_of, bram, 1, &o, &err) == 0, "%s", err.msg);
    ck_assert_msg(dt_outcomes_collect(st, cfg, as_of, BRAM, &one, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(o.n_reps, 1);
    ck_assert_str_eq(o.reps[0].key, BRAM);
    for (int l = 0; l < DT_LEVEL_COUNT; l++) {
        ck_assert_uint_eq(o.team.level[l].messages, one.team.level[l].messages);
        ck_assert_uint_eq(o.team.level[l].answered, one.team.level[l].answered);
        ck_assert_uint_eq(o.team.level[l].pending, one.team.level[l].pending);
    }
    month_rows_add_up(&o);
    dt_outcomes_free(&o);
    dt_outcomes_free(&one);
    /* nobody on the list wrote: empty, not an error */
    ck_assert_msg(dt_outcomes_collect_for(st, cfg, as_of, none, 1, &o, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(o.n_reps + o.n_months, 0);
    dt_outcomes_free(&o);
}
END_TEST

/* The euphoric cell, and calm and warm together, as collect fills them under euphoric = t. */
static void regrouped_equals_reread(const struct dt_judged *j, size_t n, double t, time_t as_of)
{
    struct dt_outcome_cell eu, rest;
    struct dt_euphoria_params p = cfg->euphoria;
    p.euphoric = t;
    dt_outcomes_split(j, n, &p, &eu, &rest);
    double saved = cfg->euphoria.euphoric;
    cfg->euphoria.euphoric = t;
    struct dt_outcomes o;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_outcomes_collect(st, cfg, as_of, NULL, &o, &err) == 0, "%s", err.msg);
    cfg->euphoria.euphoric = saved;
    const struct dt_outcome_cell *e = &o.team.level[DT_LEVEL_EUPHORIC],
                                 *c = &o.team.level[DT_LEVEL_CALM],
                                 *w = &o.team.level[DT_LEVEL_WARM];
    ck_assert_msg(eu.messages == e->messages && eu.answered == e->answered &&
                      eu.pending == e->pending,
                  "t=%.3f: split %zu/%zu/%zu, collect %zu/%zu/%zu", t, eu.messages, eu.answered,
                  eu.pending, e->messages, e->answered, e->pending);
    ck_assert_double_eq_tol(eu.reply_rate, e->reply_rate, 1e-12);
    ck_assert_double_eq_tol(eu.ci_lo, e->ci_lo, 1e-12);
    ck_assert_double_eq_tol(eu.ci_hi, e->ci_hi, 1e-12);
    ck_assert_uint_eq(rest.messages, c->messages + w->messages);
    ck_assert_uint_eq(rest.answered, c->answered + w->answered);
    ck_assert_uint_eq(rest.pending, c->pending + w->pending);
    ck_assert_ptr_null(eu.lat);
    ck_assert_int_eq(eu.median_s, -1);
    dt_outcomes_free(&o);
}

START_TEST(judged_once_regrouped_as_if_reread)
{
    time_t as_of = stories();
    struct dt_judged *j;
    size_t n;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_outcomes_judged(st, cfg, as_of, &j, &n, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(n, 7); /* every outbound message, pending d1 too */
    size_t pending = 0, answered = 0;
    for (size_t i = 0; i < n; i++) {
        pending += j[i].outcome == DT_OUTCOME_PENDING;
        answered += j[i].outcome == DT_OUTCOME_ANSWERED;
    }
    ck_assert_uint_eq(pending, 1);
    ck_assert_uint_eq(answered, 4); /* a1, b1, b2, e1 */
    static const double thresholds[] = {0.05, 0.15, 0.5, 0.9, 0.92, 0.95, 0.96};
    for (size_t k = 0; k < sizeof(thresholds) / sizeof(*thresholds); k++)
        regrouped_equals_reread(j, n, thresholds[k], as_of);
    free(j);
    /* random threads: several outbound mails in a row, replies late and early, pending ones */
    unsigned seed = 12;
    time_t t = T0;
    char id[32], root[32];
    for (int th = 0; th < 40; th++) {
        snprintf(root, sizeof(root), "r%d", th);
        int msgs = 1 + (int)(rand_r(&seed) % 6);
        time_t at = t + (time_t)(rand_r(&seed) % (20 * DAY));
        for (int m = 0; m < msgs; m++) {
            snprintf(id, sizeof(id), m == 0 ? "r%d" : "r%d-%d", th, m);
            bool out = m == 0 || rand_r(&seed) % 2;
            double score = (double)(rand_r(&seed) % 1000) / 1000.0;
            dt_test_put_scored(st, id, root, at, out, out ? score : 0, th % 3 ? ANN : BRAM,
                               "r@cust.example");
            at += (time_t)(rand_r(&seed) % (5 * DAY));
        }
    }
    as_of = T0 + 24 * DAY;
    ck_assert_msg(dt_outcomes_judged(st, cfg, as_of, &j, &n, &err) == 0, "%s", err.msg);
    for (double th = 0.05; th < 1; th += 0.1)
        regrouped_equals_reread(j, n, th, as_of);
    free(j);
}
END_TEST

START_TEST(json_shape)
{
    time_t as_of = stories();
    struct dt_outcomes o;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_outcomes_collect(st, cfg, as_of, NULL, &o, &err) == 0, "%s", err.msg);
    struct dt_buf b = DT_BUF_INIT;
    dt_outcomes_json(&o, "en", &b);
    const char *j = b.data;
    ck_assert_contains(j, "{\"window_s\":604800,\"as_of\":\"2026-11-25T07:33:20Z\",\"by_level\":{");
    ck_assert_contains(
        j, "\"calm\":{\"messages\":3,\"answered\":3,\"pending\":0,\"reply_rate\":1.0000,"
           "\"ci95\":[0.4385,1.0000],\"median_latency_s\":10800,\"p75_latency_s\":604800");
    ck_assert_contains(j,
                       "\"warm\":{\"messages\":0,\"answered\":0,\"pending\":0,\"reply_rate\":null,"
                       "\"ci95\":null,\"median_latency_s\":null");
    ck_assert_contains(j, ",\"by_rep\":{\"ann@corp.example\":{\"by_level\":{\"calm\":");
    ck_assert_contains(j, ",\"by_month\":{\"2026-10\":{\"by_level\":");
    ck_assert_contains(j, ",\"statement\":\"Too few mails to compare yet: 3 euphoric and 3 calm "
                          "mails have had their 7 days to be answered.\"}\n");
    ck_assert_ptr_null(strstr(j, "cust.example"));
    dt_buf_free(&b);
    dt_outcomes_free(&o);
}
END_TEST

/* A group built by hand for the statement. */
static struct dt_outcome_group group(size_t ne, size_t ae, size_t nc, size_t ac)
{
    struct dt_outcome_group g;
    memset(&g, 0, sizeof(g));
    struct dt_outcome_cell *e = &g.level[DT_LEVEL_EUPHORIC], *c = &g.level[DT_LEVEL_CALM];
    e->messages = ne;
    e->answered = ae;
    e->reply_rate = (double)ae / (double)ne;
    dt_wilson(ae, ne, &e->ci_lo, &e->ci_hi);
    c->messages = nc;
    c->answered = ac;
    c->reply_rate = (double)ac / (double)nc;
    dt_wilson(ac, nc, &c->ci_lo, &c->ci_hi);
    return g;
}

START_TEST(statement)
{
    struct dt_buf b = DT_BUF_INIT;
    struct dt_outcome_group g = group(312, 128, 1120, 762);
    dt_outcomes_statement(&g, W, "en", &b);
    ck_assert_str_eq(b.data, "Euphoric mails were answered 41 % of the time, calm ones 68 % "
                             "(intervals do not overlap; 312 and 1,120 mails).");
    dt_buf_free(&b);
    g = group(20, 9, 25, 13); /* 45 % and 52 %: the intervals overlap */
    dt_outcomes_statement(&g, W, "en", &b);
    ck_assert_str_eq(b.data, "Euphoric mails were answered 45 % of the time, calm ones 52 % "
                             "(intervals overlap, so the difference may be chance; 20 and 25 "
                             "mails).");
    dt_buf_free(&b);
    g = group(312, 128, 1120, 762);
    dt_outcomes_statement(&g, W, "nl", &b);
    ck_assert_contains(b.data, "41 % van de gevallen antwoord, rustige in 68 %");
    ck_assert_contains(b.data, "312 en 1.120 mails");
    dt_buf_free(&b);
    g = group(9, 1, 1120, 762); /* fewer than 10 euphoric */
    dt_outcomes_statement(&g, 3 * DAY, "en", &b);
    ck_assert_str_eq(b.data, "Too few mails to compare yet: 9 euphoric and 1,120 calm mails have "
                             "had their 3 days to be answered.");
    dt_buf_free(&b);
    char num[32];
    dt_outcomes_number(1234567, "de", num, sizeof(num));
    ck_assert_str_eq(num, "1.234.567");
    dt_outcomes_number(1120, "fr", num, sizeof(num));
    ck_assert_str_eq(num, "1\xe2\x80\xaf"
                          "120");
    dt_outcomes_number(999, "xx", num, sizeof(num));
    ck_assert_str_eq(num, "999");
}
END_TEST

static void store_tests(TCase *tc)
{
    tcase_add_test(tc, timelines_with_known_answers);
    tcase_add_test(tc, a_reps_report_holds_only_that_rep);
    tcase_add_test(tc, json_shape);
    tcase_add_test(tc, each_reps_levels_per_month);
    tcase_add_test(tc, a_managers_reps);
    tcase_add_test(tc, judged_once_regrouped_as_if_reread);
}

static Suite *suite(void)
{
    Suite *s = suite_create("outcomes");
    TCase *tc = tcase_create("pure");
    tcase_add_test(tc, rule_at_the_edges);
    tcase_add_test(tc, wilson_against_published_values);
    tcase_add_test(tc, statement);
    suite_add_tcase(s, tc);
    dt_test_add_both(s, "store", 60, store_tests, setup, teardown, pg_setup, teardown);
    return s;
}

int main(void)
{
    return dt_test_run(suite());
}
