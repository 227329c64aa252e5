/*
 * check_deals_customer.c - the customer's side through the deals seam:
 * replies with their stored tone and the people each message names, in a
 * real store (SQLite, and PostgreSQL in the "-pg" TCase), read back as the
 * deal's customer_tone, customer_trend, evidence kinds and people, and the
 * states hesitant and carried-away that `dealtemp threads` and the digest
 * show.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "dealtemp/deals.h"
#include "dealtemp/thread.h"
#include "pgtest.h"
#include "store_helpers.h"
#include "testutil.h"

#define DAY 86400L
#define HOUR 3600L
#define T0 ((time_t)1793000000) /* 2026-10-26, a Monday */
#define ANN "ann@corp.example"
#define BOB "bob@customer.example"

static char dir[64];
static struct dt_config *cfg;
static struct dt_store *st;

static void setup(void)
{
    dt_test_seam_open("deals-customer", dir, sizeof(dir), &cfg, &st);
}

static void pg_setup(void)
{
    dt_test_seam_open_pg("deals-customer", dir, sizeof(dir), &cfg, &st);
}

static void teardown(void)
{
    dt_test_seam_close(dir, cfg, st);
}

/* One message of the thread rooted at root, with its score, tone and people. */
static void put(const char *id, const char *root, time_t at, bool outbound, double score,
                double hesitation, double engagement, unsigned kinds, const char *people)
{
    struct dt_test_tone tone = {hesitation, engagement, kinds, people};
    dt_test_put_tone(st, id, root, at, outbound, score, ANN, BOB, &tone);
}

#define BOB_P "bob@customer.example\tBob Jansen\n"
#define JAN_P "j.devries@customer.example\tJ. de Vries\n"
#define HES DT_KINDS_BIT(DT_KIND_HESITATION)
#define NEXT DT_KINDS_BIT(DT_KIND_NEXTSTEP)

/* What one deal said, copied out of the callback. */
struct seen {
    size_t n;
    enum dt_thread_state state;
    size_t replies;
    enum dt_tone tone;
    enum dt_trend trend;
    unsigned kinds;
    size_t n_people;
    char people[4][64], names[4][64];
    time_t first[4];
    bool later[4];
    time_t trigger_at;
};

static int grab(const struct dt_deal *d, void *arg)
{
    struct seen *s = arg;
    s->n++;
    s->state = d->state;
    s->replies = d->n_replies;
    s->tone = d->customer_tone;
    s->trend = d->customer_trend;
    s->kinds = d->customer_kinds;
    s->n_people = d->n_people;
    s->trigger_at = d->trigger_at;
    for (size_t i = 0; i < d->n_people && i < 4; i++) {
        snprintf(s->people[i], 64, "%s", d->people[i].address);
        snprintf(s->names[i], 64, "%s", d->people[i].name ? d->people[i].name : "(null)");
        s->first[i] = d->people[i].first_at;
        s->later[i] = d->people[i].joined_later;
    }
    return 0;
}

static struct seen deal_as_of(time_t as_of)
{
    struct seen s;
    memset(&s, 0, sizeof(s));
    struct dt_deals_query q = {NULL, -1, as_of};
    struct dt_error err;
    ck_assert_msg(dt_deals_each(st, cfg, &q, grab, &s, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(s.n, 1);
    return s;
}

START_TEST(hesitant_reply_to_enthusiasm)
{
    put("h1", "h1", T0, true, 0.9, 0, 0, 0, BOB_P);
    /* "we need to discuss this internally; next step after the budget round" */
    put("h2", "h1", T0 + 5 * HOUR, false, 0.05, 1.8, 0.4, HES | NEXT, BOB_P);
    struct seen s = deal_as_of(T0 + 6 * HOUR);
    ck_assert_int_eq(s.state, DT_STATE_HESITANT);
    ck_assert_int_eq(s.trigger_at, T0);
    ck_assert_uint_eq(s.replies, 1);
    ck_assert_int_eq(s.tone, DT_TONE_HESITANT);
    ck_assert_int_eq(s.trend, DT_TREND_STEADY);
    ck_assert_uint_eq(s.kinds, HES | NEXT);
    ck_assert_uint_eq(s.n_people, 1);
    ck_assert_str_eq(s.names[0], "Bob Jansen");
    /* before the reply: waiting for it */
    ck_assert_int_eq(deal_as_of(T0 + HOUR).state, DT_STATE_WAITING);
    /* the same weights under a higher customer.hesitant: engaged is not reached either */
    cfg->tone.hesitant = 2.0;
    s = deal_as_of(T0 + 6 * HOUR);
    ck_assert_int_eq(s.tone, DT_TONE_NEUTRAL);
    ck_assert_int_eq(s.state, DT_STATE_WARM);
}
END_TEST

START_TEST(carried_away_until_a_second_person_appears)
{
    put("c1", "c1", T0, true, 0.95, 0, 0, 0, BOB_P);
    put("c2", "c1", T0 + 3 * HOUR, false, 0.7, 0, 0, DT_KINDS_BIT(DT_KIND_HYPE), BOB_P);
    struct seen s = deal_as_of(T0 + 4 * HOUR);
    ck_assert_int_eq(s.state, DT_STATE_CARRIED);
    ck_assert_int_eq(s.tone, DT_TONE_ENTHUSIASTIC);
    ck_assert_int_eq(s.trigger_at, T0);
    /* the rep answers both Bob and a colleague of his: two people now */
    put("c3", "c1", T0 + 8 * DAY, true, 0.1, 0, 0, 0, BOB_P JAN_P);
    s = deal_as_of(T0 + 8 * DAY + HOUR);
    ck_assert_int_eq(s.state, DT_STATE_WAITING);
    ck_assert_uint_eq(s.n_people, 2);
    ck_assert_str_eq(s.people[0], "bob@customer.example");
    ck_assert_str_eq(s.people[1], "j.devries@customer.example");
    ck_assert_str_eq(s.names[1], "J. de Vries");
    ck_assert_int_eq(s.first[0], T0);
    ck_assert_int_eq(s.first[1], T0 + 8 * DAY);
    ck_assert(!s.later[0]);
    ck_assert(s.later[1]); /* 8 days after the thread began: joined later */
    /* as of before c3, one person and carried away still */
    ck_assert_int_eq(deal_as_of(T0 + 5 * HOUR).state, DT_STATE_CARRIED);
}
END_TEST

START_TEST(joined_later_is_measured_from_the_threads_start)
{
    put("j1", "j1", T0, true, 0.1, 0, 0, 0, BOB_P);
    put("j2", "j1", T0 + 7 * DAY - 1, false, 0.1, 0, 1.2, NEXT, BOB_P JAN_P);
    struct seen s = deal_as_of(T0 + 8 * DAY);
    ck_assert_uint_eq(s.n_people, 2);
    ck_assert(!s.later[1]); /* a second short of customer.joined_after */
    ck_assert_int_eq(s.tone, DT_TONE_ENGAGED);
    ck_assert_int_eq(s.state, DT_STATE_WARM);
    cfg->tone.joined_after = 6 * DAY;
    s = deal_as_of(T0 + 8 * DAY);
    ck_assert(s.later[1]);
}
END_TEST

START_TEST(trend_over_the_replies)
{
    put("t1", "t1", T0, true, 0.1, 0, 0, 0, BOB_P);
    put("t2", "t1", T0 + HOUR, false, 0.1, 0, 0, 0, BOB_P);           /* neutral */
    put("t3", "t1", T0 + DAY, true, 0.1, 0, 0, 0, BOB_P);
    put("t4", "t1", T0 + DAY + HOUR, false, 0.1, 0, 1.5, NEXT, BOB_P); /* engaged */
    struct seen s = deal_as_of(T0 + 2 * DAY);
    ck_assert_uint_eq(s.replies, 2);
    ck_assert_int_eq(s.tone, DT_TONE_ENGAGED);
    ck_assert_int_eq(s.trend, DT_TREND_WARMING);
    put("t5", "t1", T0 + 2 * DAY + HOUR, true, 0.1, 0, 0, 0, BOB_P);
    put("t6", "t1", T0 + 3 * DAY, false, 0.1, 2.5, 0, HES, BOB_P); /* hesitant */
    s = deal_as_of(T0 + 4 * DAY);
    ck_assert_int_eq(s.tone, DT_TONE_HESITANT);
    ck_assert_int_eq(s.trend, DT_TREND_COOLING);
    ck_assert_int_eq(s.state, DT_STATE_WARM); /* a hesitant answer to a calm mail: no state */
    /* people: Bob once, however many messages name him */
    ck_assert_uint_eq(s.n_people, 1);
}
END_TEST

static void customer_tests(TCase *tc)
{
    tcase_add_test(tc, hesitant_reply_to_enthusiasm);
    tcase_add_test(tc, carried_away_until_a_second_person_appears);
    tcase_add_test(tc, joined_later_is_measured_from_the_threads_start);
    tcase_add_test(tc, trend_over_the_replies);
}

static Suite *suite(void)
{
    Suite *s = suite_create("deals_customer");
    dt_test_add_both(s, "customer", 60, customer_tests, setup, teardown, pg_setup, teardown);
    return s;
}

int main(void)
{
    return dt_test_run(suite());
}
