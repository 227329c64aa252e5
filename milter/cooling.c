/*
 * cooling.c - the state of one deal thread as of a given time (see
 * cooling.h): reply latencies, the customer's usual pace, and whether the
 * deal cooled after the rep's enthusiasm.
 *
 * Public: dt_state_name(), dt_state_parse(), dt_cooling_defaults(),
 * dt_latencies(), dt_median(), dt_cooling_evaluate(). Pure: time is an
 * argument, nothing is read or written outside the arguments. Never fails:
 * if memory for a long history runs out, the usual is the median of the
 * latest 64 latencies instead of all of them.
 *
 * Clock units: with the business clock, latencies and silences are
 * business seconds, and the day-sized settings (min_wait, default_reply)
 * count working days: seconds / 86400 x the length of a working day.
 */
#include "dealtemp/cooling.h"

#include <math.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define STACK_LATENCIES 64

static const char *const state_names[DT_STATE_COUNT] = {
    [DT_STATE_OPEN] = "open",       [DT_STATE_WAITING] = "waiting", [DT_STATE_WARM] = "warm",
    [DT_STATE_COOLING] = "cooling", [DT_STATE_STALLED] = "stalled", [DT_STATE_SLOWED] = "slowed",
};

const char *dt_state_name(enum dt_thread_state s)
{
    return (unsigned)s < DT_STATE_COUNT ? state_names[s] : "unknown";
}

int dt_state_parse(const char *name, enum dt_thread_state *s)
{
    for (int i = 0; name != NULL && i < DT_STATE_COUNT; i++)
        if (strcmp(name, state_names[i]) == 0) {
            *s = (enum dt_thread_state)i;
            return 0;
        }
    return -1;
}

void dt_cooling_defaults(struct dt_cooling_params *p)
{
    p->factor = 2.0;
    p->min_wait = 3 * 86400L;
    p->stall_after = 7 * 86400L;
    p->default_reply = 2 * 86400L;
    p->business = false;
    p->trigger = DT_LEVEL_EUPHORIC;
    p->hours = NULL;
}

static long calendar_between(time_t a, time_t b)
{
    return b > a ? (long)(b - a) : 0;
}

size_t dt_latencies(const struct dt_tl_event *ev, size_t n, const struct dt_business_hours *bh,
                    struct dt_latency *out, size_t max)
{
    size_t count = 0;
    if (ev == NULL)
        return 0;
    /* A change of direction answers the latest message of the run before it. */
    for (size_t i = 1; i < n; i++) {
        if (ev[i].outbound == ev[i - 1].outbound)
            continue;
        if (count < max && out != NULL) {
            struct dt_latency *l = &out[count];
            l->from = ev[i - 1].at;
            l->to = ev[i].at;
            l->calendar_s = calendar_between(l->from, l->to);
            l->business_s = bh ? dt_business_seconds(bh, l->from, l->to) : -1;
            l->customer = !ev[i].outbound;
        }
        count++;
    }
    return count;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* Even count: the mean of the two middle values, rounded down. */
long dt_median(long *v, size_t n, long def)
{
    if (n == 0 || v == NULL)
        return def;
    qsort(v, n, sizeof(*v), cmp_long);
    if (n % 2)
        return v[n / 2];
    long lo = v[n / 2 - 1], hi = v[n / 2];
    /* lo + floor((hi - lo) / 2), the difference taken unsigned so it cannot overflow. */
    unsigned long half = ((unsigned long)hi - (unsigned long)lo) / 2;
    return lo + (long)half;
}

/* The working-day length when the business clock applies, else 0. */
static long business_day(const struct dt_cooling_params *p)
{
    const struct dt_business_hours *h = p->hours;
    if (!p->business || h == NULL || h->start_min < 0 || h->end_min > 1440 ||
        h->start_min >= h->end_min)
        return 0;
    return (long)(h->end_min - h->start_min) * 60;
}

static long measure(const struct dt_cooling_params *p, time_t a, time_t b)
{
    if (p->business && p->hours != NULL) {
        long long s = dt_business_seconds(p->hours, a, b);
        return s > LONG_MAX ? LONG_MAX : (long)s;
    }
    return calendar_between(a, b);
}

/* A day-sized setting in the clock's unit: 3 days -> 3 working days. */
static long in_clock(const struct dt_cooling_params *p, long calendar_s)
{
    if (!(p->business && p->hours != NULL))
        return calendar_s;
    return (long)llround((double)calendar_s / 86400.0 * (double)business_day(p));
}

static long times_factor(double factor, long usual)
{
    double x = factor * (double)usual;
    if (!(x > 0))
        return 0;
    if (x >= (double)LONG_MAX)
        return LONG_MAX;
    return (long)ceil(x);
}

static long threshold(const struct dt_cooling_params *p, long usual, long min_wait)
{
    long scaled = times_factor(p->factor, usual);
    return scaled > min_wait ? scaled : min_wait;
}

static long usual_of(long *lat, size_t k, long other_usual_s, const struct dt_cooling_params *p)
{
    long fallback = other_usual_s > 0 ? other_usual_s : in_clock(p, p->default_reply);
    return dt_median(lat, k, fallback);
}

/*
 * The customer's reply latencies in ev[0..m), in the clock's unit, oldest
 * first, into buf (cap entries) or a fresh allocation (*heap) when more.
 * Returns how many were kept (the latest ones when memory ran out).
 */
static size_t customer_latencies(const struct dt_tl_event *ev, size_t m,
                                 const struct dt_cooling_params *p, long *buf, size_t cap,
                                 long **lat, long **heap)
{
    size_t total = 0, kept = 0, skip = 0;
    for (size_t i = 1; i < m; i++)
        total += !ev[i].outbound && ev[i - 1].outbound;
    *lat = buf;
    *heap = NULL;
    if (total > cap) {
        *heap = malloc(total * sizeof(**heap));
        if (*heap != NULL)
            *lat = *heap, cap = total;
        else
            skip = total - cap;
    }
    for (size_t i = 1; i < m; i++) {
        if (ev[i].outbound || !ev[i - 1].outbound)
            continue;
        if (skip > 0) {
            skip--;
            continue;
        }
        (*lat)[kept++] = measure(p, ev[i - 1].at, ev[i].at);
    }
    return kept;
}

void dt_cooling_evaluate(const struct dt_tl_event *ev, size_t n, long other_usual_s,
                         const struct dt_cooling_params *p, time_t now, struct dt_cooling *out)
{
    struct dt_cooling_params defaults;
    if (p == NULL) {
        dt_cooling_defaults(&defaults);
        p = &defaults;
    }
    memset(out, 0, sizeof(*out));
    out->state = DT_STATE_OPEN;
    out->trigger = (size_t)-1;

    size_t m = 0; /* events up to now */
    while (ev != NULL && m < n && ev[m].at <= now)
        m++;
    size_t last_out = m;
    for (size_t i = m; i-- > 0;)
        if (ev[i].outbound) {
            last_out = i;
            break;
        }

    long buf[STACK_LATENCIES], *lat, *heap;
    size_t k = customer_latencies(ev, m, p, buf, STACK_LATENCIES, &lat, &heap);
    long min_wait = in_clock(p, p->min_wait);
    bool trigger = last_out < m && ev[last_out].level >= p->trigger;

    if (last_out == m) {
        /* Nothing yet, or only the customer has written: the rep owes a reply. */
        out->usual_s = usual_of(lat, k, other_usual_s, p);
    } else if (last_out == m - 1) {
        /* The rep wrote last: how long has the customer been silent? */
        time_t since = ev[last_out].at;
        out->usual_s = usual_of(lat, k, other_usual_s, p);
        out->silent_s = measure(p, since, now);
        out->silent_calendar_s = calendar_between(since, now);
        out->state = DT_STATE_WAITING;
        if (trigger) {
            out->trigger = last_out;
            if (out->silent_calendar_s >= p->stall_after)
                out->state = DT_STATE_STALLED;
            else if (out->silent_s >= threshold(p, out->usual_s, min_wait))
                out->state = DT_STATE_COOLING;
        }
    } else {
        /*
         * The customer answered the latest outbound message (the reply is
         * ev[last_out + 1], the last latency); judge it against the usual
         * from before it. A reply taking no time at all is never slow.
         */
        long reply = lat[k - 1];
        out->usual_s = usual_of(lat, k - 1, other_usual_s, p);
        out->reply_s = reply;
        out->state = DT_STATE_WARM;
        if (trigger && reply > 0 && reply >= times_factor(p->factor, out->usual_s)) {
            out->state = DT_STATE_SLOWED;
            out->trigger = last_out;
        }
    }
    out->threshold_s = threshold(p, out->usual_s, min_wait);
    free(heap);
}
