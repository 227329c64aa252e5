/*
 * check_outcomes.c - reply outcomes by euphoria level (outcomes.h): the
 * rule at the window's edges, the Wilson interval against published
 * values, outcomes read from a real store (SQLite, and PostgreSQL in the
 * "-pg" TCase) for timelines with known answers - several outbound mails
 * in a row, pending mail, both clocks, per rep and per month, a rep's
 * report holding only that rep - the plain statement and the JSON.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
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
    } rows[] = {{0, 10, 0.0000, 0.2775},   {5, 10, 0.2366, 0.7634},
                {10, 10, 0.7225, 1.0000},  {41, 100, 0.3187, 0.5080},
                {15, 16, 0.7167, 0.9889},  {312, 1120, 0.2531, 0.3055}};
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
    ck_assert_int_eq(ca->median_s, 3 * HOUR);  /* 2 h, 3 h, 7 d */
    ck_assert_int_eq(ca->p75_s, W);            /* nearest rank: ceil(0.75 x 3) = 3rd */
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
    ck_assert_contains(j, "\"calm\":{\"messages\":3,\"answered\":3,\"pending\":0,\"reply_rate\":1.0000,"
                          "\"ci95\":[0.4385,1.0000],\"median_latency_s\":10800,\"p75_latency_s\":604800");
    ck_assert_contains(j, "\"warm\":{\"messages\":0,\"answered\":0,\"pending\":0,\"reply_rate\":null,"
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
}
END_TEST

static void store_tests(TCase *tc)
{
    tcase_add_test(tc, timelines_with_known_answers);
    tcase_add_test(tc, a_reps_report_holds_only_that_rep);
    tcase_add_test(tc, json_shape);
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
