/*
 * cooling.h - did a deal cool after enthusiasm? Pure: the timeline of one
 * thread, the customer's usual reply time and "now" in; a state out.
 *
 * Latency: a customer reply latency is the time from the rep's latest
 * outbound message to the customer's next inbound message in the thread
 * (several outbound messages in a row: measured from the latest); the
 * rep's reply latency likewise the other way. Calendar seconds always;
 * business seconds too when business hours are given.
 *
 * States, with "trigger" = an outbound message at or above
 * params->trigger (euphoric by default), and threshold =
 * max(factor x usual, min_wait):
 *   stalled  latest outbound is a trigger, no reply since, silent >= stall_after
 *   cooling  latest outbound is a trigger, no reply since, silent >= threshold
 *   slowed   the customer's latest reply answered a trigger and took >= factor x usual
 *            (until the rep writes again)
 *   waiting  latest message is outbound, no reply yet, and none of the above
 *   warm     latest message is a customer reply that came in normal time
 *   open     the customer wrote first and the rep has not answered yet
 * and, on the customer's side (dt_cooling_customer, after those):
 *   hesitant      the customer's latest message is hesitant and answers a
 *                 trigger (replaces warm and slowed)
 *   carried-away  warm or waiting, the customer's latest reply is
 *                 enthusiastic, a trigger lies within carried_window of it
 *                 (before or after), and no second person on the customer's
 *                 side has appeared
 * Silence after a calm message is never cooling. stall_after is measured
 * on the calendar ("a week later") even when clock is business; the other
 * comparisons use the configured clock.
 *
 * Details (cooling.c):
 *  - The clock is business when params->business and params->hours are
 *    set. Then latencies, silences, usual and threshold are business
 *    seconds, and min_wait and default_reply (given in calendar seconds)
 *    count working days: seconds / 86400 x the working-day length (3 days
 *    -> 24 h of 09:00-17:00 work).
 *  - A reply that took 0 in the clock's unit (e.g. over a weekend on the
 *    business clock) is never slow, even against a usual of 0.
 *  - Every duration is also given on the calendar and, with business
 *    hours, in business seconds, so what people read can name its clock.
 *  - No events up to now: open. out->trigger is set for waiting (after a
 *    trigger), cooling, stalled and slowed; reply_s also for warm.
 */
#ifndef DEALTEMP_COOLING_H
#define DEALTEMP_COOLING_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "dealtemp/bizcal.h"
#include "dealtemp/duration.h"
#include "dealtemp/euphoria.h"
#include "dealtemp/tone.h"

enum dt_thread_state {
    DT_STATE_OPEN,
    DT_STATE_WAITING,
    DT_STATE_WARM,
    DT_STATE_COOLING,
    DT_STATE_STALLED,
    DT_STATE_SLOWED,
    DT_STATE_HESITANT,
    DT_STATE_CARRIED,       /* "carried-away" */
    DT_STATE_COUNT
};

const char *dt_state_name(enum dt_thread_state s);
int dt_state_parse(const char *name, enum dt_thread_state *s); /* -1 if unknown */

/* One message of a thread, as the store keeps it. */
struct dt_tl_event {
    time_t at;
    bool outbound;          /* rep -> customer; false: customer -> rep */
    enum dt_level level;    /* euphoria level (outbound only) */
    double score;
    enum dt_tone tone;      /* the customer's tone (inbound only; tone.h) */
};

struct dt_cooling_params {
    double factor;          /* 2.0 */
    long min_wait;          /* 3 days, seconds */
    long stall_after;       /* 7 days, seconds (calendar) */
    long default_reply;     /* 2 days, seconds */
    bool business;          /* clock: false = calendar, true = business */
    enum dt_level trigger;  /* DT_LEVEL_EUPHORIC */
    long carried_window;    /* 2 days, seconds (calendar): carried-away */
    int usual_threads;      /* 20: the customer's latest threads the usual reads (deals.h) */
    const struct dt_business_hours *hours; /* used when business (and for business latencies) */
};

void dt_cooling_defaults(struct dt_cooling_params *p);

/*
 * The clock the verdicts are measured on, for showing durations
 * (duration.h): business when p->business and sensible hours are given,
 * with the working-day length; else the calendar. The one place that
 * decides which clock is in force.
 */
void dt_cooling_clock(const struct dt_cooling_params *p, struct dt_clock *out);

/* One measured latency. */
struct dt_latency {
    time_t from, to;        /* the message answered, the answer */
    long calendar_s;
    long long business_s;   /* -1 when no business hours were given */
    bool customer;          /* true: customer replying to the rep; false: rep replying */
};

/*
 * Latencies of a timeline sorted by time (ties: outbound first). Writes at
 * most max entries to out (oldest first) and returns how many there are.
 */
size_t dt_latencies(const struct dt_tl_event *ev, size_t n, const struct dt_business_hours *bh,
                    struct dt_latency *out, size_t max);

/*
 * Median of v[0..n) in the clock's unit (v is reordered); def when n == 0.
 * An even count gives the mean of the two middle values, rounded down.
 */
long dt_median(long *v, size_t n, long def);

/* Where the usual reply time came from (cooling.h: the usual). */
enum dt_usual_source {
    DT_USUAL_THREAD,   /* the customer's earlier replies in this thread */
    DT_USUAL_CUSTOMER, /* their replies in their other threads */
    DT_USUAL_DEFAULT,  /* no history: cooling.default_reply */
    DT_USUAL_COUNT
};

/* "thread", "customer", "default". */
const char *dt_usual_source_name(enum dt_usual_source s);

/* The customer's pace in their other threads, measured by the caller:
 * medians of those latencies on each clock, and how many there were. */
struct dt_usual_hint {
    size_t n;          /* 0: no other history */
    long calendar_s;
    long business_s;   /* ignored without business hours */
};

struct dt_cooling {
    enum dt_thread_state state;
    size_t trigger;         /* index of the enthusiastic message that matters, or (size_t)-1 */
    bool business;          /* the clock of the *_s verdict fields: business hours */
    /* The rep wrote last: the customer's silence since the latest outbound. */
    long silent_s;          /* in the clock's unit; 0 if answered */
    long silent_calendar_s;
    long silent_business_s; /* -1 without business hours */
    /* The usual reply time, and where it came from. */
    long usual_s;           /* in the clock's unit */
    long usual_calendar_s;
    long usual_business_s;  /* -1 without business hours */
    enum dt_usual_source usual_source;
    long threshold_s;       /* max(factor x usual, min_wait) in the clock's unit */
    /* The customer's latest message answered the rep's latest: that reply. */
    bool answered;
    long reply_s;           /* in the clock's unit; 0 unless answered */
    long reply_calendar_s;
    long reply_business_s;  /* -1 without business hours */
    bool reply_slow;        /* dt_cooling_reply_slow(reply, usual), whatever the level */
};

/*
 * The one "slow reply" rule: a reply is slow when it took factor x usual
 * or more in the clock's unit. A reply taking no time at all is never slow,
 * even against a usual of 0 (over a weekend on the business clock). The
 * milter's X-Deal-Reply-Latency verdict, `threads` and the digest's
 * "slowed" all come from here, through dt_cooling_evaluate.
 */
bool dt_cooling_reply_slow(const struct dt_cooling_params *p, long reply, long usual);

/*
 * Evaluate a timeline sorted by time as of now (events after now are
 * ignored). The usual reply time is the median of the customer's earlier
 * latencies in this thread (for a silence: all of them; for judging the
 * latest reply: those before it), else the median in their other threads
 * (other, computed by the caller; NULL or n == 0 = none), else
 * default_reply. Medians are taken on each clock separately; the clock's
 * own one decides.
 */
void dt_cooling_evaluate(const struct dt_tl_event *ev, size_t n, const struct dt_usual_hint *other,
                         const struct dt_cooling_params *p, time_t now, struct dt_cooling *out);

/*
 * The customer's side of the verdict (see the states above): refine what
 * dt_cooling_evaluate left in out for the same ev, n, p and now; n_people
 * is how many people on the customer's side have appeared by now. Sets
 * out->trigger to the enthusiastic message it rests on.
 */
void dt_cooling_customer(const struct dt_tl_event *ev, size_t n, size_t n_people,
                         const struct dt_cooling_params *p, time_t now, struct dt_cooling *out);

#endif
