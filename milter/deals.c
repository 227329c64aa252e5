/*
 * deals.c - store rows + configuration + a moment -> deal states (deals.h).
 *
 * Public: dt_deals_each(), dt_deals_reply(), dt_human_duration().
 *
 * dt_deals_each reads the store once, in thread order, into compact
 * per-thread timelines (addresses interned, so 1,000,000 messages cost a
 * few tens of MB), then measures every customer's latencies across all
 * their threads - the fallback "usual" - and finally evaluates each thread
 * with cooling.c. No cooling rule is written here.
 *
 * Failure: -1 with err set (store errors, out of memory); nothing is
 * reported for a partial read.
 */
#include "dealtemp/deals.h"

#include "dealtemp/intern.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the timelines read from the store ---- */

struct thread_tl {
    dt_hash key;
    size_t first, n;     /* rows [first, first+n) of the events array */
    long subject;        /* interned */
    long counterpart;    /* interned: of the latest outbound, else of the first row */
    long owner;          /* interned: rep of the latest outbound, else of the first row */
};

struct loaded {
    struct dt_intern strings;
    struct dt_tl_event *ev;
    long *phrases;       /* per event, interned (0 = none) */
    size_t n_ev, cap_ev;
    struct thread_tl *th;
    size_t n_th, cap_th;
    bool oom;
};

static int load_row(const struct dt_row *r, void *arg)
{
    struct loaded *L = arg;
    if (L->n_ev == L->cap_ev) {
        size_t cap = L->cap_ev ? L->cap_ev * 2 : 4096;
        struct dt_tl_event *ev = realloc(L->ev, cap * sizeof(*ev));
        if (ev != NULL)
            L->ev = ev;
        long *ph = ev != NULL ? realloc(L->phrases, cap * sizeof(*ph)) : NULL;
        if (ph == NULL) {
            L->oom = true;
            return 1;
        }
        L->phrases = ph;
        L->cap_ev = cap;
    }
    struct thread_tl *t = L->n_th > 0 ? &L->th[L->n_th - 1] : NULL;
    if (t == NULL || t->key != r->thread) {
        if (L->n_th == L->cap_th) {
            size_t cap = L->cap_th ? L->cap_th * 2 : 1024;
            struct thread_tl *th = realloc(L->th, cap * sizeof(*th));
            if (th == NULL) {
                L->oom = true;
                return 1;
            }
            L->th = th;
            L->cap_th = cap;
        }
        t = &L->th[L->n_th++];
        memset(t, 0, sizeof(*t));
        t->key = r->thread;
        t->first = L->n_ev;
        t->subject = dt_intern(&L->strings, r->subject);
        t->counterpart = dt_intern(&L->strings, r->counterpart);
        t->owner = dt_intern(&L->strings, r->rep);
    }
    if (r->outbound) {
        /* Most rows repeat the thread's parties: compare before hashing. */
        const char *owner = dt_intern_str(&L->strings, t->owner);
        const char *cp = dt_intern_str(&L->strings, t->counterpart);
        if (owner == NULL || r->rep == NULL || strcmp(owner, r->rep) != 0)
            t->owner = dt_intern(&L->strings, r->rep);
        if (cp == NULL || r->counterpart == NULL || strcmp(cp, r->counterpart) != 0)
            t->counterpart = dt_intern(&L->strings, r->counterpart);
    }
    long ph = r->outbound && r->level >= DT_LEVEL_WARM ? dt_intern(&L->strings, r->phrases) : 0;
    if (t->owner < 0 || t->counterpart < 0 || t->subject < 0 || ph < 0) {
        L->oom = true;
        return 1;
    }
    /* Timelines put an outbound message before a reply in the same second
     * (cooling.h), whatever order the store returned them in. */
    size_t i = L->n_ev;
    while (r->outbound && i > t->first && L->ev[i - 1].at == r->at && !L->ev[i - 1].outbound) {
        L->ev[i] = L->ev[i - 1];
        L->phrases[i] = L->phrases[i - 1];
        i--;
    }
    L->ev[i] = (struct dt_tl_event){r->at, r->outbound, r->level, r->score};
    L->phrases[i] = ph;
    L->n_ev++;
    t->n++;
    return 0;
}

static void loaded_free(struct loaded *L)
{
    dt_intern_free(&L->strings);
    free(L->ev);
    free(L->phrases);
    free(L->th);
}

/* A latency in the clock the cooling rules use. */
static long clock_latency(const struct dt_latency *l, const struct dt_cooling_params *p)
{
    return p->business && l->business_s >= 0 ? (long)l->business_s : l->calendar_s;
}

/* Per counterpart: all their reply latencies (clock unit), for the fallback usual. */
struct usual_table {
    long **lat;       /* by interned counterpart index */
    size_t *n, *cap;
    long *median;     /* computed lazily; -1 = not yet */
    size_t size;
};

static int usual_collect(struct usual_table *u, const struct loaded *L,
                         const struct dt_cooling_params *p, struct dt_latency *scratch,
                         size_t scratch_max)
{
    u->size = dt_intern_count(&L->strings) + 1;
    u->lat = calloc(u->size, sizeof(*u->lat));
    u->n = calloc(u->size, sizeof(*u->n));
    u->cap = calloc(u->size, sizeof(*u->cap));
    u->median = malloc(u->size * sizeof(*u->median));
    if (!u->lat || !u->n || !u->cap || !u->median)
        return -1;
    for (size_t i = 0; i < u->size; i++)
        u->median[i] = -1;
    for (size_t t = 0; t < L->n_th; t++) {
        const struct thread_tl *th = &L->th[t];
        size_t nl = dt_latencies(L->ev + th->first, th->n, p->hours, scratch, scratch_max);
        if (nl > scratch_max)
            nl = scratch_max;
        size_t c = (size_t)th->counterpart;
        for (size_t i = 0; i < nl; i++) {
            if (!scratch[i].customer)
                continue;
            if (u->n[c] == u->cap[c]) {
                size_t cap = u->cap[c] ? u->cap[c] * 2 : 8;
                long *v = realloc(u->lat[c], cap * sizeof(*v));
                if (v == NULL)
                    return -1;
                u->lat[c] = v;
                u->cap[c] = cap;
            }
            u->lat[c][u->n[c]++] = clock_latency(&scratch[i], p);
        }
    }
    return 0;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* The median of all the counterpart's latencies; leaves them sorted. */
static long usual_of(struct usual_table *u, long counterpart)
{
    size_t c = (size_t)counterpart;
    if (u->median[c] < 0) {
        if (u->n[c] > 1)
            qsort(u->lat[c], u->n[c], sizeof(*u->lat[c]), cmp_long);
        u->median[c] = dt_median(u->lat[c], u->n[c], 0);
    }
    return u->median[c];
}

/*
 * The same without one latency v of theirs: a thread whose only customer
 * reply is being judged must not find that reply in the usual it is judged
 * against (cooling.h: the other threads' median). O(log n): the middle of
 * the sorted list with one v skipped, averaged by dt_median's own rule.
 */
static long usual_without(struct usual_table *u, long counterpart, long v)
{
    size_t c = (size_t)counterpart;
    usual_of(u, counterpart);
    const long *s = u->lat[c];
    size_t n = u->n[c], lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == n || s[lo] != v)
        return u->median[c]; /* not theirs: nothing to leave out */
    size_t m = n - 1;        /* s without s[lo]: index j is s[j < lo ? j : j + 1] */
    if (m == 0)
        return 0;
    long mid2[2];
    size_t k = 0;
    for (size_t j = (m - 1) / 2; j <= m / 2; j++)
        mid2[k++] = s[j < lo ? j : j + 1];
    return dt_median(mid2, k, 0);
}

static void usual_free(struct usual_table *u)
{
    if (u->lat != NULL)
        for (size_t i = 0; i < u->size; i++)
            free(u->lat[i]);
    free(u->lat);
    free(u->n);
    free(u->cap);
    free(u->median);
}

static size_t longest_thread(const struct loaded *L)
{
    size_t m = 1;
    for (size_t t = 0; t < L->n_th; t++)
        if (L->th[t].n > m)
            m = L->th[t].n;
    return m;
}

int dt_deals_each(struct dt_store *st, const struct dt_config *cfg, const struct dt_deals_query *q,
                  int (*fn)(const struct dt_deal *deal, void *arg), void *arg,
                  struct dt_error *err)
{
    struct loaded L;
    memset(&L, 0, sizeof(L));
    struct dt_store_filter f = {NULL, NULL, 0, q->as_of};
    int rc = dt_store_scan(st, &f, load_row, &L, err);
    if (rc == 0 && L.oom)
        rc = dt_error_set(err, "out of memory reading %zu messages", L.n_ev);
    if (rc != 0) {
        loaded_free(&L);
        return -1;
    }

    const struct dt_cooling_params *p = &cfg->cooling;
    size_t scratch_max = longest_thread(&L);
    struct dt_latency *lat = malloc(scratch_max * sizeof(*lat));
    long *cal = malloc(scratch_max * sizeof(*cal));
    long *repcal = malloc(scratch_max * sizeof(*repcal));
    struct usual_table u;
    memset(&u, 0, sizeof(u));
    if (lat == NULL || cal == NULL || repcal == NULL || usual_collect(&u, &L, p, lat, scratch_max) < 0) {
        rc = dt_error_set(err, "out of memory evaluating %zu threads", L.n_th);
        goto out;
    }
    for (size_t t = 0; t < L.n_th && rc == 0; t++) {
        const struct thread_tl *th = &L.th[t];
        const char *owner = dt_intern_str(&L.strings, th->owner);
        if (q->rep != NULL && (owner == NULL || strcmp(owner, q->rep) != 0))
            continue;
        const struct dt_tl_event *ev = L.ev + th->first;
        struct dt_deal d;
        memset(&d, 0, sizeof(d));
        size_t nl = dt_latencies(ev, th->n, p->hours, lat, scratch_max), nc = 0, nr = 0;
        if (nl > scratch_max)
            nl = scratch_max;
        long own = -1; /* the clock-unit latency of a thread with one customer reply */
        for (size_t i = 0; i < nl; i++) {
            if (lat[i].customer) {
                own = nc == 0 ? clock_latency(&lat[i], p) : -1;
                cal[nc++] = lat[i].calendar_s;
            } else {
                repcal[nr++] = lat[i].calendar_s;
            }
        }
        /* Only a thread without history of its own reads the other threads' usual. */
        long other = own >= 0 ? usual_without(&u, th->counterpart, own)
                               : usual_of(&u, th->counterpart);
        dt_cooling_evaluate(ev, th->n, other, p, q->as_of, &d.cooling);
        if (q->state >= 0 && (int)d.cooling.state != q->state)
            continue;
        d.thread = th->key;
        dt_thread_short_id(th->key, d.id);
        d.owner = owner;
        d.counterpart = dt_intern_str(&L.strings, th->counterpart);
        d.subject = dt_intern_str(&L.strings, th->subject);
        d.state = d.cooling.state;
        d.usual_s = d.cooling.usual_s;
        d.n_messages = th->n;
        d.first_at = ev[0].at;
        d.latencies_s = cal;
        d.n_latencies = nc;
        d.rep_latencies_s = repcal;
        d.n_rep_latencies = nr;
        for (size_t i = 0; i < th->n; i++) {
            if (ev[i].outbound) {
                d.last_out = ev[i].at;
                if (ev[i].score > d.peak_euphoria)
                    d.peak_euphoria = ev[i].score;
            } else {
                d.last_in = ev[i].at;
            }
        }
        if (d.cooling.trigger != (size_t)-1 && d.cooling.trigger < th->n) {
            d.trigger_at = ev[d.cooling.trigger].at;
            d.trigger_score = ev[d.cooling.trigger].score;
            d.trigger_phrases = dt_intern_str(&L.strings, L.phrases[th->first + d.cooling.trigger]);
        }
        rc = fn(&d, arg);
    }
out:
    usual_free(&u);
    free(lat);
    free(cal);
    free(repcal);
    loaded_free(&L);
    return rc < 0 ? -1 : 0;
}

/* ---- one reply, for the milter's header ---- */

struct reply_scan {
    struct loaded L;
    time_t at;
    dt_hash skip;   /* a thread left out (the reply's own, for the other-threads usual) */
};

/* Rows of the customer's other threads. */
static int other_row(const struct dt_row *r, void *arg)
{
    struct reply_scan *s = arg;
    return r->thread == s->skip ? 0 : load_row(r, &s->L);
}

/* Rows strictly before the reply (an outbound message in the same second counts as before). */
static int reply_row(const struct dt_row *r, void *arg)
{
    struct reply_scan *s = arg;
    if (r->at > s->at || (r->at == s->at && !r->outbound))
        return 0;
    return load_row(r, &s->L);
}

int dt_deals_reply(struct dt_store *st, const struct dt_config *cfg, dt_hash thread,
                   const char *counterpart, time_t at, struct dt_reply_info *out,
                   struct dt_error *err)
{
    const struct dt_cooling_params *p = &cfg->cooling;
    struct reply_scan s;
    memset(&s, 0, sizeof(s));
    memset(out, 0, sizeof(*out));
    out->latency_business_s = -1;
    s.at = at;

    struct dt_store_filter f = {NULL, NULL, thread, at};
    if (dt_store_scan(st, &f, reply_row, &s, err) != 0 || s.L.oom) {
        loaded_free(&s.L);
        return s.L.oom ? dt_error_set(err, "out of memory") : -1;
    }
    size_t n = s.L.n_ev;
    if (n == 0 || !s.L.ev[n - 1].outbound) {
        loaded_free(&s.L); /* nothing unanswered before it: not a reply to the rep */
        return 0;
    }
    /* The reply itself closes the timeline: measure it with the others. */
    struct dt_tl_event *ev = realloc(s.L.ev, (n + 1) * sizeof(*ev));
    struct dt_latency *lat = ev != NULL ? malloc((n + 1) * sizeof(*lat)) : NULL;
    long *v = lat != NULL ? malloc((n + 1) * sizeof(*v)) : NULL;
    if (ev != NULL)
        s.L.ev = ev;
    if (v == NULL) {
        free(lat);
        loaded_free(&s.L);
        return dt_error_set(err, "out of memory");
    }
    ev[n] = (struct dt_tl_event){at, false, DT_LEVEL_CALM, 0};
    size_t nl = dt_latencies(ev, n + 1, p->hours, lat, n + 1), nv = 0;
    if (nl > n + 1)
        nl = n + 1;
    /* The last latency is this reply; the earlier customer ones make the usual. */
    const struct dt_latency *mine = &lat[nl - 1];
    for (size_t i = 0; i + 1 < nl; i++)
        if (lat[i].customer)
            v[nv++] = clock_latency(&lat[i], p);
    out->answers = true;
    out->latency_s = mine->calendar_s;
    out->latency_business_s = mine->business_s;
    long usual = dt_median(v, nv, 0);
    free(lat);
    free(v);
    loaded_free(&s.L);

    if (usual <= 0 && counterpart != NULL) {
        /* No history in this thread: the customer's other threads. */
        struct reply_scan o;
        memset(&o, 0, sizeof(o));
        o.skip = thread;
        struct dt_store_filter fc = {NULL, counterpart, 0, at};
        if (dt_store_scan(st, &fc, other_row, &o, err) != 0 || o.L.oom) {
            loaded_free(&o.L);
            return o.L.oom ? dt_error_set(err, "out of memory") : -1;
        }
        struct usual_table u;
        memset(&u, 0, sizeof(u));
        size_t scratch_max = longest_thread(&o.L);
        struct dt_latency *scratch = malloc(scratch_max * sizeof(*scratch));
        long c = dt_intern(&o.L.strings, counterpart);
        if (scratch == NULL || c < 0 || usual_collect(&u, &o.L, p, scratch, scratch_max) < 0) {
            free(scratch);
            usual_free(&u);
            loaded_free(&o.L);
            return dt_error_set(err, "out of memory");
        }
        usual = usual_of(&u, c);
        free(scratch);
        usual_free(&u);
        loaded_free(&o.L);
    }
    if (usual <= 0)
        usual = p->default_reply;
    out->usual_s = usual;
    long mine_clock = p->business && out->latency_business_s >= 0 ? (long)out->latency_business_s
                                                                  : out->latency_s;
    out->slow = (double)mine_clock >= p->factor * (double)usual;
    return 0;
}

void dt_human_duration(long s, char *buf, size_t size)
{
    if (s < 0)
        s = 0;
    long d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60;
    if (d > 0)
        snprintf(buf, size, h ? "%ldd %ldh" : "%ldd", d, h);
    else if (h > 0)
        snprintf(buf, size, m ? "%ldh %ldm" : "%ldh", h, m);
    else if (m > 0)
        snprintf(buf, size, "%ldm", m);
    else
        snprintf(buf, size, "%lds", s);
}
