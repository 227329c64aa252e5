/*
 * cooling.c - the state of one deal thread as of a given time (see
 * cooling.h): reply latencies, the customer's usual pace, and whether the
 * deal cooled after the rep's enthusiasm.
 *
 * Public: dt_state_name(), dt_state_parse(), dt_usual_source_name(),
 * dt_cooling_defaults(), dt_cooling_clock(), dt_latencies(), dt_median(), dt_cooling_reply_slow(),
 * dt_cooling_evaluate(). Pure: time is an
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
    [DT_STATE_HESITANT] = "hesitant", [DT_STATE_CARRIED] = "carried-away",
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
    p->usual_threads = 20;
    p->min_wait = 3 * 86400L;
    p->stall_after = 7 * 86400L;
    p->default_reply = 2 * 86400L;
    p->business = false;
    p->trigger = DT_LEVEL_EUPHORIC;
    p->carried_window = 2 * 86400L;
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

static const char *const source_names[DT_USUAL_COUNT] = {
    [DT_USUAL_THREAD] = "thread", [DT_USUAL_CUSTOMER] = "customer", [DT_USUAL_DEFAULT] = "default"};

const char *dt_usual_source_name(enum dt_usual_source s)
{
    return (unsigned)s < DT_USUAL_COUNT ? source_names[s] : "unknown";
}

/* The business clock applies: it is chosen and the hours make sense. */
static bool business_clock(const struct dt_cooling_params *p)
{
    const struct dt_business_hours *h = p->hours;
    return p->business && h != NULL && h->start_min >= 0 && h->end_min <= 1440 &&
           h->start_min < h->end_min;
}

void dt_cooling_clock(const struct dt_cooling_params *p, struct dt_clock *out)
{
    *out = DT_CALENDAR;
    if (business_clock(p)) {
        out->business = true;
        out->day_s = (long)(p->hours->end_min - p->hours->start_min) * 60;
    }
}

static long clamp_long(long long v)
{
    return v > LONG_MAX ? LONG_MAX : v < 0 ? 0 : (long)v;
}

/* Business seconds between a and b, or -1 without business hours. */
static long business_between(const struct dt_cooling_params *p, time_t a, time_t b)
{
    return p->hours != NULL ? clamp_long(dt_business_seconds(p->hours, a, b)) : -1;
}

/* A day-sized setting (calendar seconds) on the business clock: 3 days -> 3 working days. */
static long working_days(const struct dt_cooling_params *p, long calendar_s)
{
    const struct dt_business_hours *h = p->hours;
    if (h == NULL || h->start_min < 0 || h->end_min > 1440 || h->start_min >= h->end_min)
        return -1;
    long day = (long)(h->end_min - h->start_min) * 60;
    return (long)llround((double)calendar_s / 86400.0 * (double)day);
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

bool dt_cooling_reply_slow(const struct dt_cooling_params *p, long reply, long usual)
{
    return reply > 0 && reply >= times_factor(p->factor, usual);
}

static long threshold(const struct dt_cooling_params *p, long usual, long min_wait)
{
    long scaled = times_factor(p->factor, usual);
    return scaled > min_wait ? scaled : min_wait;
}

/*
 * The customer's reply latencies in ev[0..m) on both clocks, oldest first,
 * into cal/bus (cap entries each) or fresh allocations (*heap) when more.
 * Returns how many were kept (the latest ones when memory ran out).
 */
struct lat_lists {
    long stack_cal[STACK_LATENCIES], stack_bus[STACK_LATENCIES];
    long *cal, *bus, *heap;
};

static size_t customer_latencies(const struct dt_tl_event *ev, size_t m,
                                 const struct dt_cooling_params *p, struct lat_lists *L)
{
    size_t total = 0, kept = 0, skip = 0, cap = STACK_LATENCIES;
    for (size_t i = 1; i < m; i++)
        total += !ev[i].outbound && ev[i - 1].outbound;
    L->cal = L->stack_cal;
    L->bus = L->stack_bus;
    L->heap = NULL;
    if (total > cap) {
        L->heap = malloc(2 * total * sizeof(*L->heap));
        if (L->heap != NULL) {
            L->cal = L->heap;
            L->bus = L->heap + total;
        } else {
            skip = total - cap;
        }
    }
    for (size_t i = 1; i < m; i++) {
        if (ev[i].outbound || !ev[i - 1].outbound)
            continue;
        if (skip > 0) {
            skip--;
            continue;
        }
        L->cal[kept] = calendar_between(ev[i - 1].at, ev[i].at);
        L->bus[kept] = business_between(p, ev[i - 1].at, ev[i].at);
        kept++;
    }
    return kept;
}

/* The usual from the first k latencies, else the hint, else the default; on both clocks. */
static void usual_of(struct lat_lists *L, size_t k, const struct dt_usual_hint *other,
                     const struct dt_cooling_params *p, struct dt_cooling *out)
{
    if (k > 0) {
        long tmp_cal[STACK_LATENCIES], tmp_bus[STACK_LATENCIES];
        /* dt_median reorders: work on copies so the list keeps its time order. */
        long *c = k <= STACK_LATENCIES ? tmp_cal : malloc(2 * k * sizeof(*c));
        long *b = k <= STACK_LATENCIES ? tmp_bus : c != NULL ? c + k : NULL;
        size_t from = 0;
        if (c == NULL) { /* out of memory: the latest STACK_LATENCIES only */
            from = k - STACK_LATENCIES;
            k = STACK_LATENCIES;
            c = tmp_cal;
            b = tmp_bus;
        }
        memcpy(c, L->cal + from, k * sizeof(*c));
        memcpy(b, L->bus + from, k * sizeof(*b));
        out->usual_calendar_s = dt_median(c, k, 0);
        out->usual_business_s = p->hours != NULL ? dt_median(b, k, 0) : -1;
        out->usual_source = DT_USUAL_THREAD;
        if (c != tmp_cal)
            free(c);
    } else if (other != NULL && other->n > 0) {
        out->usual_calendar_s = other->calendar_s;
        out->usual_business_s = p->hours != NULL ? other->business_s : -1;
        out->usual_source = DT_USUAL_CUSTOMER;
    } else {
        out->usual_calendar_s = p->default_reply;
        out->usual_business_s = working_days(p, p->default_reply);
        out->usual_source = DT_USUAL_DEFAULT;
    }
    out->usual_s = out->business ? out->usual_business_s : out->usual_calendar_s;
}

void dt_cooling_evaluate(const struct dt_tl_event *ev, size_t n, const struct dt_usual_hint *other,
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
    out->business = business_clock(p);
    out->silent_business_s = out->reply_business_s = p->hours != NULL ? 0 : -1;

    size_t m = 0; /* events up to now */
    while (ev != NULL && m < n && ev[m].at <= now)
        m++;
    size_t last_out = m;
    for (size_t i = m; i-- > 0;)
        if (ev[i].outbound) {
            last_out = i;
            break;
        }

    struct lat_lists L;
    size_t k = customer_latencies(ev, m, p, &L);
    long min_wait = out->business ? working_days(p, p->min_wait) : p->min_wait;
    bool trigger = last_out < m && ev[last_out].level >= p->trigger;

    if (last_out == m) {
        /* Nothing yet, or only the customer has written: the rep owes a reply. */
        usual_of(&L, k, other, p, out);
    } else if (last_out == m - 1) {
        /* The rep wrote last: how long has the customer been silent? */
        time_t since = ev[last_out].at;
        usual_of(&L, k, other, p, out);
        out->silent_calendar_s = calendar_between(since, now);
        out->silent_business_s = business_between(p, since, now);
        out->silent_s = out->business ? out->silent_business_s : out->silent_calendar_s;
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
         * from before it.
         */
        usual_of(&L, k - 1, other, p, out);
        out->answered = true;
        out->reply_calendar_s = L.cal[k - 1];
        out->reply_business_s = L.bus[k - 1];
        out->reply_s = out->business ? out->reply_business_s : out->reply_calendar_s;
        out->reply_slow = dt_cooling_reply_slow(p, out->reply_s, out->usual_s);
        out->state = DT_STATE_WARM;
        if (trigger && out->reply_slow) {
            out->state = DT_STATE_SLOWED;
            out->trigger = last_out;
        }
    }
    out->threshold_s = threshold(p, out->usual_s, min_wait);
    free(L.heap);
}

void dt_cooling_customer(const struct dt_tl_event *ev, size_t n, size_t n_people,
                         const struct dt_cooling_params *p, time_t now, struct dt_cooling *out)
{
    struct dt_cooling_params defaults;
    if (p == NULL) {
        dt_cooling_defaults(&defaults);
        p = &defaults;
    }
    size_t m = 0; /* events up to now */
    while (ev != NULL && m < n && ev[m].at <= now)
        m++;
    size_t last_in = m;
    for (size_t i = m; i-- > 0;)
        if (!ev[i].outbound) {
            last_in = i;
            break;
        }
    if (last_in == m)
        return;
    /* The rep's latest message before the customer's latest. */
    size_t answered = m;
    for (size_t i = last_in; i-- > 0;)
        if (ev[i].outbound) {
            answered = i;
            break;
        }

    if (last_in == m - 1 && answered < m && ev[answered].level >= p->trigger &&
        ev[last_in].tone == DT_TONE_HESITANT &&
        (out->state == DT_STATE_WARM || out->state == DT_STATE_SLOWED)) {
        out->state = DT_STATE_HESITANT;
        out->trigger = answered;
        return;
    }
    if ((out->state != DT_STATE_WARM && out->state != DT_STATE_WAITING) || n_people > 1 ||
        ev[last_in].tone != DT_TONE_ENTHUSIASTIC)
        return;
    /* The nearest trigger on either side of the customer's enthusiastic reply. */
    size_t best = m;
    long best_gap = LONG_MAX;
    for (size_t i = 0; i < m; i++) {
        if (!ev[i].outbound || ev[i].level < p->trigger)
            continue;
        time_t a = ev[i].at, b = ev[last_in].at;
        long gap = a > b ? (long)(a - b) : (long)(b - a);
        if (gap <= p->carried_window && gap < best_gap) {
            best = i;
            best_gap = gap;
        }
    }
    if (best < m) {
        out->state = DT_STATE_CARRIED;
        out->trigger = best;
    }
}
