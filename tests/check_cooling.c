/*
 * check_cooling.c - thread states as a table of timelines, each boundary
 * at +-1 s; latencies (customer and rep, calendar and business); the
 * median; state names; the business clock across a weekend and a DST
 * change (Europe/Amsterdam from /usr/share/zoneinfo).
 */
#include <check.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dealtemp/cooling.h"
#include "testutil.h"

#define H 3600L
#define D 86400L
#define T0 ((time_t)1767603600) /* Monday 2026-01-05 09:00 UTC */
#define NONE ((size_t)-1)
#define ANY (-12345L)

#define OUT(t, lvl)                                                                                \
    {                                                                                              \
        T0 + (t), true, DT_LEVEL_##lvl, 0.5, DT_TONE_NEUTRAL                                       \
    }
#define IN(t)                                                                                      \
    {                                                                                              \
        T0 + (t), false, DT_LEVEL_CALM, 0.0, DT_TONE_NEUTRAL                                       \
    }

enum params { P_DEFAULT, P_TRIGGER_WARM, P_FACTOR_15, P_NULL };

struct row {
    const char *name;
    struct dt_tl_event ev[8];
    size_t n;
    long other; /* other_usual_s */
    enum params p;
    long now; /* seconds after T0 */
    enum dt_thread_state want;
    size_t trigger; /* expected trigger index */
    long usual;     /* expected usual_s, or ANY */
    long silent;    /* expected silent_s, or ANY */
    long reply;     /* expected reply_s, or ANY */
};

/* Defaults: factor 2, min_wait 3 d, stall_after 7 d, default_reply 2 d: threshold 4 d. */
/* clang-format off */
static const struct row rows[] = {
    {"euphoric, silent threshold-1", {OUT(0, EUPHORIC)}, 1, 0, P_DEFAULT, 4 * D - 1,
        DT_STATE_WAITING, 0, 2 * D, 4 * D - 1, 0},
    {"euphoric, silent threshold", {OUT(0, EUPHORIC)}, 1, 0, P_DEFAULT, 4 * D, DT_STATE_COOLING, 0,
        2 * D, 4 * D, 0},
    {"euphoric, silent stall-1", {OUT(0, EUPHORIC)}, 1, 0, P_DEFAULT, 7 * D - 1, DT_STATE_COOLING,
        0, 2 * D, ANY, 0},
    {"euphoric, silent stall", {OUT(0, EUPHORIC)}, 1, 0, P_DEFAULT, 7 * D, DT_STATE_STALLED, 0,
        2 * D, 7 * D, 0},
    {"euphoric, a month later", {OUT(0, EUPHORIC)}, 1, 0, P_DEFAULT, 30 * D, DT_STATE_STALLED, 0,
        ANY, ANY, 0},
    {"euphoric, just sent", {OUT(0, EUPHORIC)}, 1, 0, P_DEFAULT, 0, DT_STATE_WAITING, 0, ANY, 0, 0},
    {"calm, 10 days silence", {OUT(0, CALM)}, 1, 0, P_DEFAULT, 10 * D, DT_STATE_WAITING, NONE, ANY,
        10 * D, 0},
    {"calm, at threshold", {OUT(0, CALM)}, 1, 0, P_DEFAULT, 4 * D, DT_STATE_WAITING, NONE, ANY, ANY,
        0},
    {"warm below trigger euphoric", {OUT(0, WARM)}, 1, 0, P_DEFAULT, 8 * D, DT_STATE_WAITING, NONE,
        ANY, ANY, 0},
    {"warm, trigger warm, threshold-1", {OUT(0, WARM)}, 1, 0, P_TRIGGER_WARM, 4 * D - 1,
        DT_STATE_WAITING, 0, ANY, ANY, 0},
    {"warm, trigger warm, threshold", {OUT(0, WARM)}, 1, 0, P_TRIGGER_WARM, 4 * D, DT_STATE_COOLING,
        0, ANY, ANY, 0},
    {"warm, trigger warm, stall", {OUT(0, WARM)}, 1, 0, P_TRIGGER_WARM, 7 * D, DT_STATE_STALLED, 0,
        ANY, ANY, 0},
    {"euphoric is above trigger warm", {OUT(0, EUPHORIC)}, 1, 0, P_TRIGGER_WARM, 4 * D,
        DT_STATE_COOLING, 0, ANY, ANY, 0},
    {"calm below trigger warm", {OUT(0, CALM)}, 1, 0, P_TRIGGER_WARM, 8 * D, DT_STATE_WAITING, NONE,
        ANY, ANY, 0},
    /* Replies, judged against factor x usual (default usual 2 d). */
    {"reply at factor x usual - 1", {OUT(0, EUPHORIC), IN(4 * D - 1)}, 2, 0, P_DEFAULT, 10 * D,
        DT_STATE_WARM, NONE, 2 * D, 0, 4 * D - 1},
    {"reply at factor x usual", {OUT(0, EUPHORIC), IN(4 * D)}, 2, 0, P_DEFAULT, 10 * D,
        DT_STATE_SLOWED, 0, 2 * D, 0, 4 * D},
    {"slow reply to a calm message", {OUT(0, CALM), IN(20 * D)}, 2, 0, P_DEFAULT, 21 * D,
        DT_STATE_WARM, NONE, ANY, 0, 20 * D},
    {"slowed until the rep writes", {OUT(0, EUPHORIC), IN(5 * D), OUT(6 * D, CALM)}, 3, 0,
        P_DEFAULT, 6 * D - 1, DT_STATE_SLOWED, 0, ANY, ANY, 5 * D},
    {"slowed cleared by the next outbound", {OUT(0, EUPHORIC), IN(5 * D), OUT(6 * D, CALM)}, 3, 0,
        P_DEFAULT, 6 * D, DT_STATE_WAITING, NONE, ANY, 0, 0},
    {"slowed cleared by a euphoric outbound", {OUT(0, EUPHORIC), IN(5 * D), OUT(6 * D, EUPHORIC)},
        3, 0, P_DEFAULT, 6 * D + 1, DT_STATE_WAITING, 2, 5 * D, 1, 0},
    {"follow-up by the customer keeps slowed", {OUT(0, EUPHORIC), IN(5 * D), IN(6 * D)}, 3, 0,
        P_DEFAULT, 7 * D, DT_STATE_SLOWED, 0, ANY, 0, 5 * D},
    {"the first reply counts, not the follow-up", {OUT(0, EUPHORIC), IN(1 * D), IN(6 * D)}, 3, 0,
        P_DEFAULT, 7 * D, DT_STATE_WARM, NONE, ANY, 0, 1 * D},
    /* Where the usual comes from. */
    {"usual from history, threshold-1", {OUT(0, CALM), IN(3 * D), OUT(4 * D, EUPHORIC)}, 3, 0,
        P_DEFAULT, 10 * D - 1, DT_STATE_WAITING, 2, 3 * D, ANY, 0},
    {"usual from history, threshold", {OUT(0, CALM), IN(3 * D), OUT(4 * D, EUPHORIC)}, 3, 0,
        P_DEFAULT, 10 * D, DT_STATE_COOLING, 2, 3 * D, 6 * D, 0},
    {"history beats other_usual", {OUT(0, CALM), IN(3 * D), OUT(4 * D, EUPHORIC)}, 3, 1 * D,
        P_DEFAULT, 10 * D, DT_STATE_COOLING, 2, 3 * D, ANY, 0},
    {"median of three latencies", {OUT(0, CALM), IN(1 * D), OUT(2 * D, CALM), IN(4 * D),
        OUT(5 * D, CALM), IN(9 * D), OUT(10 * D, EUPHORIC)}, 7, 0, P_DEFAULT, 14 * D,
        DT_STATE_COOLING, 6, 2 * D, ANY, 0},
    {"median of three, threshold-1", {OUT(0, CALM), IN(1 * D), OUT(2 * D, CALM), IN(4 * D),
        OUT(5 * D, CALM), IN(9 * D), OUT(10 * D, EUPHORIC)}, 7, 0, P_DEFAULT, 14 * D - 1,
        DT_STATE_WAITING, 6, 2 * D, ANY, 0},
    /* 2 d and 4 d: usual 3 d (the lower middle would make it 2 d and cool at 4 d). */
    {"median of two is their mean", {OUT(0, CALM), IN(2 * D), OUT(3 * D, CALM), IN(7 * D),
        OUT(8 * D, EUPHORIC)}, 5, 0, P_DEFAULT, 8 * D + 6 * D, DT_STATE_COOLING, 4, 3 * D, ANY, 0},
    {"median of two, threshold-1", {OUT(0, CALM), IN(2 * D), OUT(3 * D, CALM), IN(7 * D),
        OUT(8 * D, EUPHORIC)}, 5, 0, P_DEFAULT, 8 * D + 6 * D - 1, DT_STATE_WAITING, 4, 3 * D,
        ANY, 0},
    {"other_usual without history, threshold-1", {OUT(0, EUPHORIC)}, 1, 3 * D, P_DEFAULT, 6 * D - 1,
        DT_STATE_WAITING, 0, 3 * D, ANY, 0},
    {"other_usual without history, threshold", {OUT(0, EUPHORIC)}, 1, 3 * D, P_DEFAULT, 6 * D,
        DT_STATE_COOLING, 0, 3 * D, ANY, 0},
    {"other_usual 0 means default", {OUT(0, EUPHORIC)}, 1, 0, P_DEFAULT, 4 * D, DT_STATE_COOLING, 0,
        2 * D, ANY, 0},
    {"negative other_usual means default", {OUT(0, EUPHORIC)}, 1, -5, P_DEFAULT, 4 * D,
        DT_STATE_COOLING, 0, 2 * D, ANY, 0},
    {"other_usual judges a first reply", {OUT(0, EUPHORIC), IN(2 * H)}, 2, 1 * H, P_DEFAULT, 1 * D,
        DT_STATE_SLOWED, 0, 1 * H, 0, 2 * H},
    {"min_wait dominates a short usual, -1", {OUT(0, CALM), IN(1 * H), OUT(1 * D, EUPHORIC)}, 3, 0,
        P_DEFAULT, 4 * D - 1, DT_STATE_WAITING, 2, 1 * H, ANY, 0},
    {"min_wait dominates a short usual", {OUT(0, CALM), IN(1 * H), OUT(1 * D, EUPHORIC)}, 3, 0,
        P_DEFAULT, 4 * D, DT_STATE_COOLING, 2, 1 * H, 3 * D, 0},
    {"stall_after before threshold (slow customer)", {OUT(0, CALM), IN(5 * D),
        OUT(6 * D, EUPHORIC)}, 3, 0, P_DEFAULT, 13 * D - 1, DT_STATE_WAITING, 2, 5 * D, ANY, 0},
    {"stall_after before threshold, at stall", {OUT(0, CALM), IN(5 * D), OUT(6 * D, EUPHORIC)}, 3,
        0, P_DEFAULT, 13 * D, DT_STATE_STALLED, 2, 5 * D, ANY, 0},
    {"slowed against the usual before the reply, -1", {OUT(0, CALM), IN(1 * D),
        OUT(2 * D, EUPHORIC), IN(4 * D - 1)}, 4, 0, P_DEFAULT, 5 * D, DT_STATE_WARM, NONE, 1 * D,
        0, 2 * D - 1},
    {"slowed against the usual before the reply", {OUT(0, CALM), IN(1 * D), OUT(2 * D, EUPHORIC),
        IN(4 * D)}, 4, 0, P_DEFAULT, 5 * D, DT_STATE_SLOWED, 2, 1 * D, 0, 2 * D},
    {"instant reply is never slow", {OUT(0, CALM), IN(0), OUT(1 * D, EUPHORIC), IN(1 * D)}, 4, 0,
        P_DEFAULT, 2 * D, DT_STATE_WARM, NONE, 0, 0, 0},
    {"one second against a usual of 0", {OUT(0, CALM), IN(0), OUT(1 * D, EUPHORIC), IN(1 * D + 1)},
        4, 0, P_DEFAULT, 2 * D, DT_STATE_SLOWED, 2, 0, 0, 1},
    /* Several outbound messages in a row: the latest decides and starts the clock. */
    {"euphoric then calm follow-up", {OUT(0, EUPHORIC), OUT(1 * D, CALM)}, 2, 0, P_DEFAULT, 10 * D,
        DT_STATE_WAITING, NONE, ANY, 9 * D, 0},
    {"calm then euphoric, threshold-1", {OUT(0, CALM), OUT(1 * D, EUPHORIC)}, 2, 0, P_DEFAULT, 5 * D
        - 1, DT_STATE_WAITING, 1, ANY, 4 * D - 1, 0},
    {"calm then euphoric, threshold", {OUT(0, CALM), OUT(1 * D, EUPHORIC)}, 2, 0, P_DEFAULT, 5 * D,
        DT_STATE_COOLING, 1, ANY, 4 * D, 0},
    {"two euphoric, stall from the latest -1", {OUT(0, EUPHORIC), OUT(1 * D, EUPHORIC)}, 2, 0,
        P_DEFAULT, 8 * D - 1, DT_STATE_COOLING, 1, ANY, ANY, 0},
    {"two euphoric, stall from the latest", {OUT(0, EUPHORIC), OUT(1 * D, EUPHORIC)}, 2, 0,
        P_DEFAULT, 8 * D, DT_STATE_STALLED, 1, ANY, ANY, 0},
    {"reply measured from the latest outbound", {OUT(0, EUPHORIC), OUT(3 * D, EUPHORIC), IN(5 * D)},
        3, 0, P_DEFAULT, 6 * D, DT_STATE_WARM, NONE, ANY, 0, 2 * D},
    /* The customer wrote first. */
    {"customer first", {IN(0)}, 1, 0, P_DEFAULT, 5 * D, DT_STATE_OPEN, NONE, 2 * D, 0, 0},
    {"customer first, twice", {IN(0), IN(1 * D)}, 2, 0, P_DEFAULT, 5 * D, DT_STATE_OPEN, NONE, ANY,
        0, 0},
    {"empty timeline", {IN(0)}, 0, 0, P_DEFAULT, 5 * D, DT_STATE_OPEN, NONE, 2 * D, 0, 0},
    {"customer first, rep answers calmly", {IN(0), OUT(1 * D, CALM)}, 2, 0, P_DEFAULT, 9 * D,
        DT_STATE_WAITING, NONE, ANY, 8 * D, 0},
    {"customer first, rep euphoric, reply", {IN(0), OUT(1 * D, EUPHORIC), IN(2 * D)}, 3, 0,
        P_DEFAULT, 3 * D, DT_STATE_WARM, NONE, 2 * D, 0, 1 * D},
    /* Events after now are ignored. */
    {"future reply ignored", {OUT(0, EUPHORIC), IN(5 * D)}, 2, 0, P_DEFAULT, 4 * D,
        DT_STATE_COOLING, 0, ANY, 4 * D, 0},
    {"future reply ignored, 1 s before it", {OUT(0, EUPHORIC), IN(5 * D)}, 2, 0, P_DEFAULT,
        5 * D - 1, DT_STATE_COOLING, 0, ANY, ANY, 0},
    {"reply counted at its second", {OUT(0, EUPHORIC), IN(5 * D)}, 2, 0, P_DEFAULT, 5 * D,
        DT_STATE_SLOWED, 0, ANY, 0, 5 * D},
    {"timeline not started yet", {OUT(0, EUPHORIC), IN(1 * D)}, 2, 0, P_DEFAULT, -1, DT_STATE_OPEN,
        NONE, ANY, 0, 0},
    {"future message only: nothing yet", {IN(0), OUT(1 * D, EUPHORIC)}, 2, 0, P_DEFAULT, 1 * D - 1,
        DT_STATE_OPEN, NONE, ANY, 0, 0},
    /* A non-integral factor: threshold = ceil(1.5 x usual), min_wait 0 here. */
    {"factor 1.5, -1", {OUT(0, CALM), IN(3 * D + 1), OUT(4 * D, EUPHORIC)}, 3, 0, P_FACTOR_15, 4 * D
        + 388801, DT_STATE_WAITING, 2, 3 * D + 1, ANY, 0},
    {"factor 1.5", {OUT(0, CALM), IN(3 * D + 1), OUT(4 * D, EUPHORIC)}, 3, 0, P_FACTOR_15, 4 * D +
        388802, DT_STATE_COOLING, 2, 3 * D + 1, ANY, 0},
    /* NULL params are the defaults. */
    {"NULL params, threshold-1", {OUT(0, EUPHORIC)}, 1, 0, P_NULL, 4 * D - 1, DT_STATE_WAITING, 0, 2
        * D, ANY, 0},
    {"NULL params, threshold", {OUT(0, EUPHORIC)}, 1, 0, P_NULL, 4 * D, DT_STATE_COOLING, 0, 2 * D,
        ANY, 0},
};
/* clang-format on */

static void params_for(enum params which, struct dt_cooling_params *p)
{
    dt_cooling_defaults(p);
    if (which == P_TRIGGER_WARM)
        p->trigger = DT_LEVEL_WARM;
    if (which == P_FACTOR_15) {
        p->factor = 1.5;
        p->min_wait = 0;
    }
}

START_TEST(timeline_table)
{
    const struct row *r = &rows[_i];
    struct dt_cooling_params p;
    struct dt_cooling c;
    params_for(r->p, &p);
    memset(&c, 0x5a, sizeof(c)); /* everything must be written */
    struct dt_usual_hint hint = {1, r->other, r->other};
    dt_cooling_evaluate(r->ev, r->n, r->other > 0 ? &hint : NULL, r->p == P_NULL ? NULL : &p,
                        T0 + r->now, &c);
    ck_assert_msg(c.state == r->want, "%s: state %s, want %s", r->name, dt_state_name(c.state),
                  dt_state_name(r->want));
    ck_assert_msg(c.trigger == r->trigger, "%s: trigger %zu, want %zu", r->name, c.trigger,
                  r->trigger);
    if (r->usual != ANY)
        ck_assert_msg(c.usual_s == r->usual, "%s: usual %ld, want %ld", r->name, c.usual_s,
                      r->usual);
    if (r->silent != ANY)
        ck_assert_msg(c.silent_s == r->silent, "%s: silent %ld, want %ld", r->name, c.silent_s,
                      r->silent);
    if (r->reply != ANY)
        ck_assert_msg(c.reply_s == r->reply, "%s: reply %ld, want %ld", r->name, c.reply_s,
                      r->reply);
    /* Calendar clock: both silences agree; the threshold follows its definition. */
    ck_assert_int_eq(c.silent_s, c.silent_calendar_s);
    long scaled = (long)(p.factor * (double)c.usual_s + 0.999999);
    ck_assert_int_eq(c.threshold_s, scaled > p.min_wait ? scaled : p.min_wait);
}
END_TEST

/* ---- the business clock (Europe/Amsterdam, Monday to Friday 09:00-17:00) ---- */

struct business {
    struct dt_tz *tz;
    struct dt_business_hours bh;
    struct dt_cooling_params p;
};

static void business_setup(struct business *b)
{
    struct dt_error err;
    ck_assert_msg(dt_tz_load("Europe/Amsterdam", NULL, &b->tz, &err) == 0, "%s", err.msg);
    b->bh = (struct dt_business_hours){DT_WEEKDAYS, 540, 1020, b->tz};
    dt_cooling_defaults(&b->p);
    b->p.business = true;
    b->p.hours = &b->bh;
}

static enum dt_thread_state state_at(const struct dt_tl_event *ev, size_t n,
                                     const struct dt_cooling_params *p, time_t now,
                                     struct dt_cooling *c)
{
    dt_cooling_evaluate(ev, n, NULL, p, now, c);
    return c->state;
}

START_TEST(business_friday_evening)
{
    struct business b;
    struct dt_cooling c;
    business_setup(&b);
    /* Euphoric on Friday 2026-01-16 at 18:00 CET; silent until Tuesday 18:00. */
    const struct dt_tl_event ev[] = {
        {dt_test_utc(2026, 1, 16, 17, 0, 0), true, DT_LEVEL_EUPHORIC, 0.9, DT_TONE_NEUTRAL}};
    time_t tue = dt_test_utc(2026, 1, 20, 17, 0, 0);
    struct dt_cooling_params cal;
    dt_cooling_defaults(&cal);
    ck_assert_int_eq(state_at(ev, 1, &cal, tue, &c), DT_STATE_COOLING); /* 4 calendar days */
    ck_assert_int_eq(state_at(ev, 1, &b.p, tue, &c), DT_STATE_WAITING); /* 2 working days */
    ck_assert_int_eq(c.silent_s, 16 * H);
    ck_assert_int_eq(c.silent_calendar_s, 4 * D);
    /* Usual 2 working days (16 h), threshold 4 working days (32 h), min_wait 3 (24 h). */
    ck_assert_int_eq(c.usual_s, 16 * H);
    ck_assert_int_eq(c.threshold_s, 32 * H);
    /* Cooling when Thursday's work ends, 17:00 CET = 16:00 UTC. */
    ck_assert_int_eq(state_at(ev, 1, &b.p, dt_test_utc(2026, 1, 22, 15, 59, 59), &c),
                     DT_STATE_WAITING);
    ck_assert_int_eq(state_at(ev, 1, &b.p, dt_test_utc(2026, 1, 22, 16, 0, 0), &c),
                     DT_STATE_COOLING);
    /* Stalled after 7 calendar days, whatever the business clock says. */
    ck_assert_int_eq(state_at(ev, 1, &b.p, dt_test_utc(2026, 1, 23, 16, 59, 59), &c),
                     DT_STATE_COOLING);
    ck_assert_int_eq(state_at(ev, 1, &b.p, dt_test_utc(2026, 1, 23, 17, 0, 0), &c),
                     DT_STATE_STALLED);
    ck_assert_int_eq(c.silent_calendar_s, 7 * D);
    ck_assert_int_eq(c.silent_s, 40 * H);
    /* A weekend reply takes 0 business seconds: warm, not slowed. */
    const struct dt_tl_event wk[] = {
        {dt_test_utc(2026, 1, 16, 17, 0, 0), true, DT_LEVEL_EUPHORIC, 0.9, DT_TONE_NEUTRAL},
        {dt_test_utc(2026, 1, 17, 9, 0, 0), false, DT_LEVEL_CALM, 0, DT_TONE_NEUTRAL}};
    ck_assert_int_eq(state_at(wk, 2, &b.p, dt_test_utc(2026, 1, 19, 9, 0, 0), &c), DT_STATE_WARM);
    ck_assert_int_eq(c.reply_s, 0);
    /* business without hours: the calendar clock. */
    b.p.hours = NULL;
    ck_assert_int_eq(state_at(ev, 1, &b.p, tue, &c), DT_STATE_COOLING);
    ck_assert_int_eq(c.threshold_s, 4 * D);
    dt_tz_free(b.tz);
}
END_TEST

START_TEST(business_across_dst)
{
    struct business b;
    struct dt_cooling c;
    business_setup(&b);
    /* Euphoric Friday 2026-03-27 17:00 CET; clocks go forward on Sunday. */
    const struct dt_tl_event ev[] = {
        {dt_test_utc(2026, 3, 27, 16, 0, 0), true, DT_LEVEL_EUPHORIC, 0.9, DT_TONE_NEUTRAL}};
    /* 32 working hours: Monday to Thursday, the end of Thursday at 17:00 CEST = 15:00 UTC. */
    ck_assert_int_eq(state_at(ev, 1, &b.p, dt_test_utc(2026, 4, 2, 14, 59, 59), &c),
                     DT_STATE_WAITING);
    ck_assert_int_eq(c.silent_s, 32 * H - 1);
    ck_assert_int_eq(state_at(ev, 1, &b.p, dt_test_utc(2026, 4, 2, 15, 0, 0), &c),
                     DT_STATE_COOLING);
    ck_assert_int_eq(c.silent_calendar_s, 6 * D - H);
    /* 7 calendar days = 168 real hours, Friday 18:00 CEST. */
    ck_assert_int_eq(state_at(ev, 1, &b.p, dt_test_utc(2026, 4, 3, 15, 59, 59), &c),
                     DT_STATE_COOLING);
    ck_assert_int_eq(state_at(ev, 1, &b.p, dt_test_utc(2026, 4, 3, 16, 0, 0), &c),
                     DT_STATE_STALLED);
    /* Autumn: euphoric Friday 2026-10-23 17:00 CEST; Thursday 17:00 CET = 16:00 UTC. */
    const struct dt_tl_event au[] = {
        {dt_test_utc(2026, 10, 23, 15, 0, 0), true, DT_LEVEL_EUPHORIC, 0.9, DT_TONE_NEUTRAL}};
    ck_assert_int_eq(state_at(au, 1, &b.p, dt_test_utc(2026, 10, 29, 15, 59, 59), &c),
                     DT_STATE_WAITING);
    ck_assert_int_eq(state_at(au, 1, &b.p, dt_test_utc(2026, 10, 29, 16, 0, 0), &c),
                     DT_STATE_COOLING);
    dt_tz_free(b.tz);
}
END_TEST

START_TEST(business_slowed)
{
    struct business b;
    struct dt_cooling c;
    business_setup(&b);
    /* History: answered in 4 working hours. Then euphoric on Tuesday 09:00 CET. */
    struct dt_tl_event ev[] = {
        {dt_test_utc(2026, 1, 5, 8, 0, 0), true, DT_LEVEL_CALM, 0.1, DT_TONE_NEUTRAL},
        {dt_test_utc(2026, 1, 5, 12, 0, 0), false, DT_LEVEL_CALM, 0, DT_TONE_NEUTRAL},
        {dt_test_utc(2026, 1, 6, 8, 0, 0), true, DT_LEVEL_EUPHORIC, 0.9, DT_TONE_NEUTRAL},
        {dt_test_utc(2026, 1, 6, 15, 59, 59), false, DT_LEVEL_CALM, 0, DT_TONE_NEUTRAL}};
    ck_assert_int_eq(state_at(ev, 4, &b.p, dt_test_utc(2026, 1, 8, 0, 0, 0), &c), DT_STATE_WARM);
    ck_assert_int_eq(c.usual_s, 4 * H);
    ck_assert_int_eq(c.reply_s, 8 * H - 1);
    ev[3].at += 1; /* Tuesday 17:00 CET: 8 working hours = 2 x usual */
    ck_assert_int_eq(state_at(ev, 4, &b.p, dt_test_utc(2026, 1, 8, 0, 0, 0), &c), DT_STATE_SLOWED);
    ck_assert_int_eq(c.reply_s, 8 * H);
    ev[3].at =
        dt_test_utc(2026, 1, 7, 7, 59, 59); /* Wednesday before work: still 8 working hours */
    ck_assert_int_eq(state_at(ev, 4, &b.p, dt_test_utc(2026, 1, 8, 0, 0, 0), &c), DT_STATE_SLOWED);
    ck_assert_int_eq(c.reply_s, 8 * H);
    /* On the calendar that reply took 24 h: 6 x a usual of 4 h. */
    struct dt_cooling_params cal;
    dt_cooling_defaults(&cal);
    ck_assert_int_eq(state_at(ev, 4, &cal, dt_test_utc(2026, 1, 8, 0, 0, 0), &c), DT_STATE_SLOWED);
    ck_assert_int_eq(c.reply_s, 24 * H - 1);
    dt_tz_free(b.tz);
}
END_TEST

/* ---- latencies ---- */

START_TEST(latencies_both_ways)
{
    struct dt_tz *tz;
    struct dt_error err;
    ck_assert_int_eq(dt_tz_load("Europe/Amsterdam", NULL, &tz, &err), 0);
    struct dt_business_hours bh = {DT_WEEKDAYS, 540, 1020, tz};
    /* Times in CET (UTC+1). */
    const struct dt_tl_event ev[] = {
        {dt_test_utc(2026, 1, 16, 15, 0, 0), true, DT_LEVEL_CALM, 0,
         DT_TONE_NEUTRAL}, /* Fri 16:00 rep */
        {dt_test_utc(2026, 1, 16, 15, 30, 0), true, DT_LEVEL_EUPHORIC, 0,
         DT_TONE_NEUTRAL}, /* Fri 16:30 rep again */
        {dt_test_utc(2026, 1, 19, 9, 0, 0), false, DT_LEVEL_CALM, 0,
         DT_TONE_NEUTRAL}, /* Mon 10:00 customer */
        {dt_test_utc(2026, 1, 19, 10, 0, 0), false, DT_LEVEL_CALM, 0,
         DT_TONE_NEUTRAL}, /* Mon 11:00 customer again */
        {dt_test_utc(2026, 1, 19, 10, 30, 0), true, DT_LEVEL_CALM, 0,
         DT_TONE_NEUTRAL}, /* Mon 11:30 rep */
        {dt_test_utc(2026, 1, 20, 8, 15, 0), false, DT_LEVEL_CALM, 0,
         DT_TONE_NEUTRAL}, /* Tue 09:15 customer */
    };
    struct dt_latency l[4];
    ck_assert_uint_eq(dt_latencies(ev, 6, &bh, l, 4), 3);
    ck_assert(l[0].customer);
    ck_assert_int_eq(l[0].from, ev[1].at);
    ck_assert_int_eq(l[0].to, ev[2].at);
    ck_assert_int_eq(l[0].calendar_s, 2 * D + 17 * H + 30 * 60);
    ck_assert_int_eq(l[0].business_s, 30 * 60 + H);
    ck_assert(!l[1].customer); /* the rep answering the customer's latest */
    ck_assert_int_eq(l[1].from, ev[3].at);
    ck_assert_int_eq(l[1].to, ev[4].at);
    ck_assert_int_eq(l[1].calendar_s, 30 * 60);
    ck_assert_int_eq(l[1].business_s, 30 * 60);
    ck_assert(l[2].customer);
    ck_assert_int_eq(l[2].calendar_s, 21 * H + 45 * 60);
    ck_assert_int_eq(l[2].business_s, 5 * H + 30 * 60 + 15 * 60);

    /* Without business hours: -1. */
    ck_assert_uint_eq(dt_latencies(ev, 6, NULL, l, 4), 3);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(l[i].business_s, -1);
    ck_assert_int_eq(l[0].calendar_s, 2 * D + 17 * H + 30 * 60);

    /* max limits what is written, not what is counted. */
    memset(l, 0, sizeof(l));
    l[1].calendar_s = 777;
    ck_assert_uint_eq(dt_latencies(ev, 6, &bh, l, 1), 3);
    ck_assert_int_eq(l[0].to, ev[2].at);
    ck_assert_int_eq(l[1].calendar_s, 777);
    ck_assert_uint_eq(dt_latencies(ev, 6, &bh, NULL, 0), 3);
    ck_assert_uint_eq(dt_latencies(ev, 1, &bh, l, 4), 0);
    ck_assert_uint_eq(dt_latencies(ev, 2, &bh, l, 4), 0);
    ck_assert_uint_eq(dt_latencies(NULL, 0, &bh, l, 4), 0);
    ck_assert_uint_eq(dt_latencies(ev + 2, 2, &bh, l, 4), 0); /* two inbound: nothing answered */

    /* Across the spring-forward weekend: Fri 16:00 CET -> Mon 10:00 CEST. */
    const struct dt_tl_event dst[] = {
        {dt_test_utc(2026, 3, 27, 15, 0, 0), true, DT_LEVEL_CALM, 0, DT_TONE_NEUTRAL},
        {dt_test_utc(2026, 3, 30, 8, 0, 0), false, DT_LEVEL_CALM, 0, DT_TONE_NEUTRAL}};
    ck_assert_uint_eq(dt_latencies(dst, 2, &bh, l, 4), 1);
    ck_assert_int_eq(l[0].calendar_s, 2 * D + 17 * H);
    ck_assert_int_eq(l[0].business_s, 2 * H);
    /* Same instant (outbound sorted first): a latency of 0. */
    const struct dt_tl_event tie[] = {{T0, true, DT_LEVEL_CALM, 0, DT_TONE_NEUTRAL},
                                      {T0, false, DT_LEVEL_CALM, 0, DT_TONE_NEUTRAL}};
    ck_assert_uint_eq(dt_latencies(tie, 2, &bh, l, 4), 1);
    ck_assert_int_eq(l[0].calendar_s, 0);
    ck_assert_int_eq(l[0].business_s, 0);
    dt_tz_free(tz);
}
END_TEST

/* More history than fits on the stack: the usual is still the median of all. */
START_TEST(long_history)
{
    size_t pairs = 1001, n = 2 * pairs + 1;
    struct dt_tl_event *ev = calloc(n, sizeof(*ev));
    ck_assert_ptr_nonnull(ev);
    time_t t = T0;
    for (size_t i = 0; i < pairs; i++) {
        long lat = (long)((i * 389) % pairs + 1) * 60; /* a permutation of 1..1001 minutes */
        ev[2 * i] = (struct dt_tl_event){t, true, DT_LEVEL_CALM, 0, DT_TONE_NEUTRAL};
        ev[2 * i + 1] = (struct dt_tl_event){t + lat, false, DT_LEVEL_CALM, 0, DT_TONE_NEUTRAL};
        t += lat + 60;
    }
    ev[n - 1] = (struct dt_tl_event){t, true, DT_LEVEL_EUPHORIC, 0.9, DT_TONE_NEUTRAL};
    struct dt_cooling c;
    dt_cooling_evaluate(ev, n, NULL, NULL, t + 3 * D, &c);
    ck_assert_int_eq(c.usual_s, 501 * 60);
    ck_assert_int_eq(c.state, DT_STATE_COOLING); /* min_wait 3 d dominates */
    ck_assert_int_eq(c.trigger, n - 1);
    ck_assert_uint_eq(dt_latencies(ev, n, NULL, NULL, 0), 2 * pairs);
    free(ev);
}
END_TEST

START_TEST(median)
{
    long a[] = {5, 1, 3};
    ck_assert_int_eq(dt_median(a, 3, -1), 3);
    long b[] = {4, 1, 3, 2};
    ck_assert_int_eq(dt_median(b, 4, -1), 2); /* (2 + 3) / 2 rounded down */
    long c[] = {10, 20};
    ck_assert_int_eq(dt_median(c, 2, -1), 15);
    long d[] = {7};
    ck_assert_int_eq(dt_median(d, 1, -1), 7);
    ck_assert_int_eq(dt_median(NULL, 0, 42), 42);
    ck_assert_int_eq(dt_median(d, 0, 42), 42);
    long e[] = {-3, -8};
    ck_assert_int_eq(dt_median(e, 2, 0), -6); /* -5.5 rounded down */
    long f[] = {LONG_MAX, LONG_MAX - 2};
    ck_assert_int_eq(dt_median(f, 2, 0), LONG_MAX - 1);
    long g[] = {LONG_MIN, LONG_MAX};
    long m = dt_median(g, 2, 0);
    ck_assert(m == -1 || m == 0);
    long h[] = {9, 9, 1, 9};
    ck_assert_int_eq(dt_median(h, 4, 0), 9);
    ck_assert_int_eq(h[0], 1); /* reordered */
}
END_TEST

START_TEST(names_and_defaults)
{
    static const char *const names[] = {"open",   "waiting",  "warm",        "cooling",
                                        "stalled", "slowed", "hesitant", "carried-away"};
    ck_assert_int_eq(DT_STATE_COUNT, 8);
    for (int i = 0; i < DT_STATE_COUNT; i++) {
        enum dt_thread_state s = DT_STATE_COUNT;
        ck_assert_str_eq(dt_state_name((enum dt_thread_state)i), names[i]);
        ck_assert_int_eq(dt_state_parse(names[i], &s), 0);
        ck_assert_int_eq(s, i);
    }
    enum dt_thread_state s = DT_STATE_WARM;
    ck_assert_int_eq(dt_state_parse("Cooling", &s), -1);
    ck_assert_int_eq(dt_state_parse("", &s), -1);
    ck_assert_int_eq(dt_state_parse("cold", &s), -1);
    ck_assert_int_eq(dt_state_parse(NULL, &s), -1);
    ck_assert_int_eq(s, DT_STATE_WARM);
    ck_assert_str_eq(dt_state_name(DT_STATE_COUNT), "unknown");

    struct dt_cooling_params p;
    memset(&p, 0x5a, sizeof(p));
    dt_cooling_defaults(&p);
    ck_assert(p.factor == 2.0);
    ck_assert_int_eq(p.min_wait, 3 * D);
    ck_assert_int_eq(p.stall_after, 7 * D);
    ck_assert_int_eq(p.default_reply, 2 * D);
    ck_assert(!p.business);
    ck_assert_int_eq(p.trigger, DT_LEVEL_EUPHORIC);
    ck_assert_ptr_null(p.hours);
}
END_TEST

static Suite *cooling_suite(void)
{
    Suite *s = suite_create("cooling");
    TCase *tc = tcase_create("states");
    tcase_add_loop_test(tc, timeline_table, 0, sizeof(rows) / sizeof(rows[0]));
    tcase_add_test(tc, long_history);
    suite_add_tcase(s, tc);
    tc = tcase_create("business");
    tcase_add_test(tc, business_friday_evening);
    tcase_add_test(tc, business_across_dst);
    tcase_add_test(tc, business_slowed);
    suite_add_tcase(s, tc);
    tc = tcase_create("parts");
    tcase_add_test(tc, latencies_both_ways);
    tcase_add_test(tc, median);
    tcase_add_test(tc, names_and_defaults);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_test_run(cooling_suite());
}
