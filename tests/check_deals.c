/*
 * check_deals.c - the deals seam: messages in a real store, the real
 * configuration, and the states, latencies and usual reply times that
 * `dealtemp threads`, the digest and the milter's reply header see. Every
 * case runs against a SQLite file and (the "-pg" TCase, when make check
 * started a server) a PostgreSQL database.
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dealtemp/bizcal.h"
#include "dealtemp/deals.h"
#include "pgtest.h"
#include "store_helpers.h"
#include "testutil.h"

#define DAY 86400L
#define HOUR 3600L
#define T0 ((time_t)1793000000) /* 2026-10-26, a Monday */

static char dir[64];
static struct dt_config *cfg;
static struct dt_store *st;

static void setup(void)
{
    dt_test_seam_open("deals", dir, sizeof(dir), &cfg, &st);
}

static void pg_setup(void)
{
    dt_test_seam_open_pg("deals", dir, sizeof(dir), &cfg, &st);
}

static void teardown(void)
{
    dt_test_seam_close(dir, cfg, st);
}

/* One message of the thread rooted at `root` (a message id), to or from bob. */
#define OUT(id, root, at, lvl, rep)                                                                \
    dt_test_put(st, id, root, at, true, lvl, rep, "bob@customer.example")
#define IN(id, root, at, rep)                                                                      \
    dt_test_put(st, id, root, at, false, DT_LEVEL_CALM, rep, "bob@customer.example")

/* Collect deals into a small table for assertions. */
struct seen_deal {
    char subject[64], owner[64];
    enum dt_thread_state state;
    long latencies[8], rep_latencies[8];
    size_t n_lat, n_rep;
    long usual, silent;
    time_t trigger_at;
    char phrases[64];
};

struct seen {
    size_t n;
    struct seen_deal d[16];
};

static int collect(const struct dt_deal *d, void *arg)
{
    struct seen *s = arg;
    ck_assert_uint_lt(s->n, 16);
    struct seen_deal *x = &s->d[s->n++];
    snprintf(x->subject, sizeof(x->subject), "%s", d->subject ? d->subject : "");
    snprintf(x->owner, sizeof(x->owner), "%s", d->owner ? d->owner : "");
    snprintf(x->phrases, sizeof(x->phrases), "%s", d->trigger_phrases ? d->trigger_phrases : "");
    x->state = d->state;
    x->n_lat = d->n_latencies < 8 ? d->n_latencies : 8;
    x->n_rep = d->n_rep_latencies < 8 ? d->n_rep_latencies : 8;
    memcpy(x->latencies, d->latencies_s, x->n_lat * sizeof(long));
    memcpy(x->rep_latencies, d->rep_latencies_s, x->n_rep * sizeof(long));
    x->usual = d->cooling.usual_s;
    x->silent = d->cooling.silent_calendar_s;
    x->trigger_at = d->trigger_at;
    return 0;
}

static struct seen deals_as_of(time_t as_of, const char *rep, int state)
{
    struct seen s;
    memset(&s, 0, sizeof(s));
    struct dt_deals_query q = {rep, state, as_of};
    struct dt_error err;
    ck_assert_msg(dt_deals_each(st, cfg, &q, collect, &s, &err) == 0, "%s", err.msg);
    return s;
}

static enum dt_thread_state only_state(time_t as_of)
{
    struct seen s = deals_as_of(as_of, NULL, -1);
    ck_assert_uint_eq(s.n, 1);
    return s.d[0].state;
}

START_TEST(silence_after_enthusiasm_cools_then_stalls)
{
    OUT("e1@corp", "e1@corp", T0, DT_LEVEL_EUPHORIC, "ann@corp.example");
    /* no history: usual = default_reply 2d, threshold max(2 x 2d, 3d) = 4d */
    ck_assert_int_eq(only_state(T0 + 4 * DAY - 1), DT_STATE_WAITING);
    ck_assert_int_eq(only_state(T0 + 4 * DAY), DT_STATE_COOLING);
    ck_assert_int_eq(only_state(T0 + 7 * DAY - 1), DT_STATE_COOLING);
    ck_assert_int_eq(only_state(T0 + 7 * DAY), DT_STATE_STALLED);
    struct seen s = deals_as_of(T0 + 7 * DAY, NULL, -1);
    ck_assert_int_eq(s.d[0].silent, 7 * DAY);
    ck_assert_int_eq(s.d[0].trigger_at, T0);
    ck_assert_str_eq(s.d[0].phrases, "amazing, can't wait");
    ck_assert_str_eq(s.d[0].owner, "ann@corp.example");
    /* before the message existed, there is no deal at all */
    ck_assert_uint_eq(deals_as_of(T0 - 1, NULL, -1).n, 0);
}
END_TEST

START_TEST(silence_after_a_calm_message_is_not_cooling)
{
    OUT("c1@corp", "c1@corp", T0, DT_LEVEL_CALM, "ann@corp.example");
    ck_assert_int_eq(only_state(T0 + 30 * DAY), DT_STATE_WAITING);
}
END_TEST

START_TEST(latencies_both_ways_and_warm_reply)
{
    IN("b1@cust", "b1@cust", T0, "ann@corp.example");
    ck_assert_int_eq(only_state(T0 + HOUR), DT_STATE_OPEN);
    OUT("a1@corp", "b1@cust", T0 + 2 * HOUR, DT_LEVEL_EUPHORIC, "ann@corp.example");
    IN("b2@cust", "b1@cust", T0 + DAY, "ann@corp.example");
    struct seen s = deals_as_of(T0 + 10 * DAY, NULL, -1);
    ck_assert_uint_eq(s.n, 1);
    ck_assert_int_eq(s.d[0].state, DT_STATE_WARM);
    ck_assert_uint_eq(s.d[0].n_lat, 1);
    ck_assert_int_eq(s.d[0].latencies[0], DAY - 2 * HOUR);
    ck_assert_uint_eq(s.d[0].n_rep, 1);
    ck_assert_int_eq(s.d[0].rep_latencies[0], 2 * HOUR);
}
END_TEST

START_TEST(slow_reply_to_enthusiasm_is_slowed_until_the_rep_writes)
{
    /* usual 1d from the first exchange; the reply to the euphoric mail takes 3d */
    OUT("a1@corp", "a1@corp", T0, DT_LEVEL_CALM, "ann@corp.example");
    IN("b1@cust", "a1@corp", T0 + DAY, "ann@corp.example");
    OUT("a2@corp", "a1@corp", T0 + 2 * DAY, DT_LEVEL_EUPHORIC, "ann@corp.example");
    IN("b2@cust", "a1@corp", T0 + 5 * DAY, "ann@corp.example");
    ck_assert_int_eq(only_state(T0 + 5 * DAY + HOUR), DT_STATE_SLOWED);
    OUT("a3@corp", "a1@corp", T0 + 6 * DAY, DT_LEVEL_CALM, "ann@corp.example");
    ck_assert_int_eq(only_state(T0 + 6 * DAY + HOUR), DT_STATE_WAITING);
}
END_TEST

START_TEST(usual_comes_from_the_customers_other_threads)
{
    /* bob answers in 1h in another thread, so a silent euphoric thread cools at
     * max(2 x 1h, min_wait 3d) = 3d instead of the default 4d */
    OUT("x1@corp", "x1@corp", T0, DT_LEVEL_CALM, "ann@corp.example");
    IN("y1@cust", "x1@corp", T0 + HOUR, "ann@corp.example");
    OUT("e1@corp", "e1@corp", T0 + DAY, DT_LEVEL_EUPHORIC, "ann@corp.example");
    struct seen s = deals_as_of(T0 + 4 * DAY, NULL, DT_STATE_COOLING);
    ck_assert_uint_eq(s.n, 1);
    ck_assert_str_eq(s.d[0].subject, "e1@corp");
    ck_assert_int_eq(s.d[0].usual, HOUR);
    ck_assert_uint_eq(deals_as_of(T0 + 4 * DAY - 1, NULL, DT_STATE_COOLING).n, 0);
}
END_TEST

START_TEST(owner_is_the_latest_outbound_rep_and_filters_apply)
{
    OUT("a1@corp", "a1@corp", T0, DT_LEVEL_EUPHORIC, "ann@corp.example");
    OUT("a2@corp", "a1@corp", T0 + HOUR, DT_LEVEL_CALM, "bram@corp.example");
    OUT("c1@corp", "c1@corp", T0, DT_LEVEL_CALM, "ann@corp.example");
    struct seen s = deals_as_of(T0 + DAY, "bram@corp.example", -1);
    ck_assert_uint_eq(s.n, 1);
    ck_assert_str_eq(s.d[0].subject, "a1@corp");
    ck_assert_uint_eq(deals_as_of(T0 + DAY, "ann@corp.example", -1).n, 1);
    ck_assert_uint_eq(deals_as_of(T0 + DAY, "nobody@corp.example", -1).n, 0);
    /* the latest outbound (bram's) is calm: silence is not cooling */
    ck_assert_uint_eq(deals_as_of(T0 + 5 * DAY, NULL, DT_STATE_COOLING).n, 0);
}
END_TEST

START_TEST(same_second_reply_follows_its_outbound)
{
    /* the reply is stored first but carries the same second as the outbound */
    IN("b1@cust", "a1@corp", T0, "ann@corp.example");
    OUT("a1@corp", "a1@corp", T0, DT_LEVEL_EUPHORIC, "ann@corp.example");
    struct seen s = deals_as_of(T0 + HOUR, NULL, -1);
    ck_assert_uint_eq(s.n, 1);
    ck_assert_uint_eq(s.d[0].n_lat, 1);
    ck_assert_int_eq(s.d[0].latencies[0], 0);
    ck_assert_int_eq(s.d[0].state, DT_STATE_WARM);
}
END_TEST

START_TEST(reply_info_for_the_header)
{
    struct dt_reply_info r;
    struct dt_error err;
    dt_hash th = dt_msgid_hash("a1@corp");
    OUT("a1@corp", "a1@corp", T0, DT_LEVEL_CALM, "ann@corp.example");
    IN("b1@cust", "a1@corp", T0 + 2 * HOUR, "ann@corp.example");
    /* first reply: no history anywhere -> default_reply 2d, not slow */
    ck_assert_int_eq(dt_deals_reply(st, cfg, th, "bob@customer.example", T0 + 2 * HOUR, &r, &err),
                     0);
    ck_assert(r.c.answered);
    ck_assert_int_eq(r.c.reply_s, 2 * HOUR);
    ck_assert_int_eq(r.c.usual_s, 2 * DAY);
    ck_assert_int_eq(r.c.usual_source, DT_USUAL_DEFAULT);
    ck_assert(!r.c.reply_slow);
    /* second exchange: usual 2h from the first; 4h is 2 x usual -> slow */
    OUT("a2@corp", "a1@corp", T0 + DAY, DT_LEVEL_EUPHORIC, "ann@corp.example");
    IN("b2@cust", "a1@corp", T0 + DAY + 4 * HOUR, "ann@corp.example");
    ck_assert_int_eq(
        dt_deals_reply(st, cfg, th, "bob@customer.example", T0 + DAY + 4 * HOUR, &r, &err), 0);
    ck_assert_int_eq(r.c.reply_s, 4 * HOUR);
    ck_assert_int_eq(r.c.usual_s, 2 * HOUR);
    ck_assert(r.c.reply_slow);
    /* a follow-up after the customer already answered is not a reply to the rep */
    IN("b3@cust", "a1@corp", T0 + 2 * DAY, "ann@corp.example");
    ck_assert_int_eq(dt_deals_reply(st, cfg, th, "bob@customer.example", T0 + 2 * DAY, &r, &err),
                     0);
    ck_assert(!r.c.answered);
    /* a new thread with no history of its own takes the other thread's usual */
    OUT("n1@corp", "n1@corp", T0 + 3 * DAY, DT_LEVEL_CALM, "ann@corp.example");
    IN("m1@cust", "n1@corp", T0 + 3 * DAY + HOUR, "ann@corp.example");
    ck_assert_int_eq(dt_deals_reply(st, cfg, dt_msgid_hash("n1@corp"), "bob@customer.example",
                                    T0 + 3 * DAY + HOUR, &r, &err),
                     0);
    ck_assert(r.c.answered);
    ck_assert_int_eq(r.c.usual_s, 3 * HOUR); /* median of 2h and 4h */
    ck_assert_int_eq(r.c.usual_source, DT_USUAL_CUSTOMER);
}
END_TEST

/* ---- the milter's verdict and the listing's agree on every reply ---- */

static unsigned long long rng_state;
static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((rng_state >> 33) % n);
}

/* The listing's view of one thread as of a moment. */
struct one_thread {
    dt_hash key;
    bool found;
    struct dt_cooling c;
};

static int find_thread(const struct dt_deal *d, void *arg)
{
    struct one_thread *o = arg;
    if (d->thread == o->key) {
        o->found = true;
        o->c = d->cooling;
    }
    return 0;
}

/* A random gap: minutes to days, weighted towards office-like hours. */
static long gap(void)
{
    switch (rnd(4)) {
    case 0:
        return 60 + (long)rnd(3 * 3600);
    case 1:
        return 3600 + (long)rnd(20 * 3600);
    case 2:
        return DAY + (long)rnd(3 * DAY);
    default:
        return 4 * DAY + (long)rnd(6 * DAY);
    }
}

/*
 * The usual reads the customer's latest cooling.usual_threads threads only:
 * bob took 10 days in his two oldest threads and an hour in the two after.
 * With a window of three the fifth thread's reply (a day) is slow against
 * an hour; with all four in the window the usual is ~5 days and it is not.
 * The milter's path and the listing's say the same either way.
 */
START_TEST(usual_reads_the_latest_threads_only)
{
    static const long took[] = {10 * DAY, 10 * DAY, HOUR, HOUR};
    char root[32], reply[32];
    for (size_t i = 0; i < 4; i++) {
        snprintf(root, sizeof(root), "old%zu@corp", i);
        snprintf(reply, sizeof(reply), "old%zu@cust", i);
        OUT(root, root, T0 + (time_t)i * 12 * DAY, DT_LEVEL_CALM, "ann@corp.example");
        IN(reply, root, T0 + (time_t)i * 12 * DAY + took[i], "ann@corp.example");
    }
    time_t sent = T0 + 50 * DAY, at = sent + DAY;
    OUT("new@corp", "new@corp", sent, DT_LEVEL_EUPHORIC, "ann@corp.example");
    IN("new@cust", "new@corp", at, "ann@corp.example");

    static const struct {
        int window;
        long usual;
        bool slow;
    } cases[] = {{3, HOUR, true}, {50, (HOUR + 10 * DAY) / 2, false}, {1, 2 * DAY, false}};
    for (size_t k = 0; k < sizeof(cases) / sizeof(*cases); k++) {
        cfg->cooling.usual_threads = cases[k].window;
        struct dt_reply_info r;
        struct dt_error err;
        ck_assert_int_eq(dt_deals_reply(st, cfg, dt_msgid_hash("new@corp"), "bob@customer.example",
                                        at, &r, &err),
                         0);
        ck_assert(r.c.answered);
        ck_assert_int_eq(r.c.reply_s, DAY);
        ck_assert_int_eq(r.c.usual_s, cases[k].usual);
        /* A window of one holds the reply's own thread: no other history, the default. */
        ck_assert_int_eq(r.c.usual_source,
                         cases[k].window == 1 ? DT_USUAL_DEFAULT : DT_USUAL_CUSTOMER);
        ck_assert_int_eq(r.c.reply_slow, cases[k].slow);
        struct one_thread o = {dt_msgid_hash("new@corp"), false, {0}};
        struct dt_deals_query q = {NULL, -1, at};
        ck_assert_int_eq(dt_deals_each(st, cfg, &q, find_thread, &o, &err), 0);
        ck_assert(o.found);
        ck_assert_int_eq(o.c.usual_s, r.c.usual_s);
        ck_assert_int_eq(o.c.usual_source, r.c.usual_source);
        ck_assert_int_eq(o.c.reply_slow, r.c.reply_slow);
    }
}
END_TEST

/*
 * A reply in a thread older than the window: its own latency is not among
 * the usual's, so nothing is left out of them (an equal latency of another
 * thread stays). T opened first, then A (answered in 5 days) and B (in an
 * hour); T's rep writes again on day 35 and bob answers 5 days later.
 * Window of two: A and B, usual (5d + 1h) / 2.
 */
START_TEST(reply_in_a_thread_older_than_the_window)
{
    cfg->cooling.usual_threads = 2;
    OUT("t@corp", "t@corp", T0, DT_LEVEL_CALM, "ann@corp.example");
    OUT("a@corp", "a@corp", T0 + DAY, DT_LEVEL_CALM, "ann@corp.example");
    OUT("b@corp", "b@corp", T0 + 2 * DAY, DT_LEVEL_CALM, "ann@corp.example");
    IN("b@cust", "b@corp", T0 + 2 * DAY + HOUR, "ann@corp.example");
    IN("a@cust", "a@corp", T0 + 6 * DAY, "ann@corp.example");
    OUT("t2@corp", "t@corp", T0 + 35 * DAY, DT_LEVEL_EUPHORIC, "ann@corp.example");
    time_t at = T0 + 40 * DAY;
    IN("t@cust", "t@corp", at, "ann@corp.example");
    struct dt_reply_info r;
    struct dt_error err;
    ck_assert_int_eq(
        dt_deals_reply(st, cfg, dt_msgid_hash("t@corp"), "bob@customer.example", at, &r, &err), 0);
    ck_assert_int_eq(r.c.reply_s, 5 * DAY);
    ck_assert_int_eq(r.c.usual_s, (5 * DAY + HOUR) / 2);
    ck_assert_int_eq(r.c.usual_source, DT_USUAL_CUSTOMER);
    struct one_thread o = {dt_msgid_hash("t@corp"), false, {0}};
    struct dt_deals_query q = {NULL, -1, at};
    ck_assert_int_eq(dt_deals_each(st, cfg, &q, find_thread, &o, &err), 0);
    ck_assert(o.found);
    ck_assert_int_eq(o.c.usual_s, r.c.usual_s);
}
END_TEST

/*
 * Random timelines for three customers, several threads each, in a DST
 * week of the zone; after every customer reply is stored, the milter's
 * path (dt_deals_reply) and the listing's (dt_deals_each as of the reply)
 * must say the same of it: latency, usual, where it came from, slow.
 */
START_TEST(milter_and_listing_agree_on_every_reply)
{
    static const struct {
        const char *zone;
        int y, mo, d; /* a day in a week with a DST change (or any, for zones without) */
    } weeks[] = {{"Europe/Amsterdam", 2026, 3, 26},
                 {"Europe/Amsterdam", 2026, 10, 22},
                 {"America/New_York", 2026, 3, 5},
                 {"America/New_York", 2026, 10, 29},
                 {"Asia/Kolkata", 2026, 6, 1},
                 {"Australia/Sydney", 2026, 4, 2},
                 {"UTC", 2026, 11, 2}};
    const struct dt_business_hours saved = cfg->hours;
    size_t compared = 0;
    for (size_t w = 0; w < sizeof(weeks) / sizeof(*weeks); w++) {
        struct dt_tz *tz;
        struct dt_error err;
        ck_assert_msg(dt_tz_load(weeks[w].zone, NULL, &tz, &err) == 0, "%s", err.msg);
        cfg->hours.tz = tz;
        for (int business = 0; business < 2; business++) {
            rng_state = 0x9e3779b97f4a7c15ULL ^ (w * 2 + (size_t)business);
            /* Every other week a window of two of each customer's four threads. */
            cfg->cooling.usual_threads = w % 2 ? 2 : 50;
            cfg->cooling.business = business;
            cfg->cooling.hours = &cfg->hours;
            /* A fresh store per run. */
            char tag[64];
            snprintf(tag, sizeof(tag), "agree-%zu-%d", w, business);
            struct dt_store *s2 = dt_test_seam_fresh(dir, tag);
            time_t t = dt_test_utc(weeks[w].y, weeks[w].mo, weeks[w].d, 6, 0, 0);
            /* Interleave 12 threads: each step picks one and adds its next message. */
            enum { THREADS = 12, STEPS = 90 };
            int n_msgs[THREADS] = {0};
            bool last_out[THREADS] = {false};
            for (int step = 0; step < STEPS; step++) {
                int th = (int)rnd(THREADS);
                char root[64], id[64], cp[64];
                snprintf(root, sizeof(root), "w%zu-b%d-t%d@corp", w, business, th);
                snprintf(id, sizeof(id), "w%zu-b%d-t%d-m%d@x", w, business, th, n_msgs[th]);
                snprintf(cp, sizeof(cp), "c%d@customer.example", th % 3);
                t += gap() / 4 + (long)rnd(7200);
                /* The rep opens; after that, either side, more often alternating. */
                bool out = n_msgs[th] == 0 || (rnd(4) == 0 ? last_out[th] : !last_out[th]);
                const char *msg_id = n_msgs[th] == 0 ? root : id;
                double score = rnd(3) == 0 ? 0.9 : 0.1 * rnd(6);
                dt_test_put_scored(s2, msg_id, root, t, out, score, "ann@corp.example", cp);
                bool reply = !out && last_out[th];
                n_msgs[th]++;
                last_out[th] = out;
                if (!reply)
                    continue;
                struct dt_reply_info r;
                ck_assert_int_eq(dt_deals_reply(s2, cfg, dt_msgid_hash(root), cp, t, &r, &err), 0);
                ck_assert_msg(r.c.answered, "%s: a reply right after the rep's mail", id);
                struct one_thread o = {dt_msgid_hash(root), false, {0}};
                struct dt_deals_query q = {NULL, -1, t};
                ck_assert_int_eq(dt_deals_each(s2, cfg, &q, find_thread, &o, &err), 0);
                ck_assert(o.found);
                ck_assert_msg(
                    o.c.answered && o.c.reply_s == r.c.reply_s && o.c.usual_s == r.c.usual_s &&
                        o.c.usual_source == r.c.usual_source && o.c.reply_slow == r.c.reply_slow &&
                        o.c.reply_calendar_s == r.c.reply_calendar_s &&
                        o.c.usual_business_s == r.c.usual_business_s,
                    "%s %s clock, %s: milter says %ld s usual %ld s (%s) %s; listing "
                    "%ld s usual %ld s (%s) %s",
                    weeks[w].zone, business ? "business" : "calendar", id, r.c.reply_s, r.c.usual_s,
                    dt_usual_source_name(r.c.usual_source), r.c.reply_slow ? "slow" : "normal",
                    o.c.reply_s, o.c.usual_s, dt_usual_source_name(o.c.usual_source),
                    o.c.reply_slow ? "slow" : "normal");
                compared++;
            }
            dt_store_close(s2);
        }
        cfg->hours = saved;
        dt_tz_free(tz);
    }
    /* Enough replies to mean something, of every kind of usual. */
    ck_assert_uint_gt(compared, 200);
}
END_TEST

static void deal_tests(TCase *tc)
{
    tcase_add_test(tc, silence_after_enthusiasm_cools_then_stalls);
    tcase_add_test(tc, silence_after_a_calm_message_is_not_cooling);
    tcase_add_test(tc, latencies_both_ways_and_warm_reply);
    tcase_add_test(tc, slow_reply_to_enthusiasm_is_slowed_until_the_rep_writes);
    tcase_add_test(tc, usual_comes_from_the_customers_other_threads);
    tcase_add_test(tc, owner_is_the_latest_outbound_rep_and_filters_apply);
    tcase_add_test(tc, same_second_reply_follows_its_outbound);
    tcase_add_test(tc, reply_info_for_the_header);
    tcase_add_test(tc, usual_reads_the_latest_threads_only);
    tcase_add_test(tc, reply_in_a_thread_older_than_the_window);
    tcase_add_test(tc, milter_and_listing_agree_on_every_reply);
}

int main(void)
{
    Suite *s = suite_create("deals");
    dt_test_add_both(s, "deals", 60, deal_tests, setup, teardown, pg_setup, teardown);
    return dt_test_run(s);
}
