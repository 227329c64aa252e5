/*
 * deals.c - store rows + configuration + a moment -> deal states (deals.h).
 *
 * Public: dt_deals_each(), dt_deals_reply().
 *
 * dt_deals_each reads the store once, in thread order, into compact
 * per-thread timelines (addresses interned, so 1,000,000 messages cost a
 * few tens of MB), then measures every customer's latencies across their
 * latest cooling.usual_threads threads (by when each was first stored) on
 * both clocks - the fallback "usual" - and finally evaluates each thread
 * with cooling.c. dt_deals_reply reads only the reply's thread and the
 * customer's other threads among those latest ones (so a reply costs the
 * same whatever the customer's history), and evaluates with the same
 * function, so the milter's verdict on a reply is the listing's. No
 * cooling rule is written here, and levels are derived from the stored
 * scores with the configured thresholds (dt_level_of) as they are read.
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

/* First size of each growing array: a reply's history is a few dozen rows,
 * and a bigger first block (mmap'd, zeroed and unmapped for every reply)
 * cost the milter more than the rows; doubling serves the full listing. */
#define FIRST_CAP 64

struct thread_tl {
    dt_hash key;
    size_t first, n;  /* rows [first, first+n) of the events array */
    long subject;     /* interned */
    long counterpart; /* interned: of the latest outbound, else of the first row */
    long cp_name;     /* interned display name of that counterpart, latest seen */
    long owner;       /* interned: rep of the latest outbound, else of the first row */
};

/* What an event carries besides its timeline entry. */
struct ev_extra {
    long phrases;      /* interned (0 = none) */
    unsigned kinds;    /* inbound: the kinds its tone rests on */
    size_t pp_first;   /* its people: pp[pp_first .. pp_first + pp_n) */
    size_t pp_n;
};

/* One person named by an event: interned address and display name. */
struct person_ref {
    long addr, name;
};

struct loaded {
    const struct dt_euphoria_params *ep; /* thresholds: the level of each stored score */
    const struct dt_tone_params *tp;     /* ... and the tone of each stored reply */
    struct dt_intern strings;
    struct dt_tl_event *ev;
    struct ev_extra *x; /* per event */
    size_t n_ev, cap_ev;
    struct person_ref *pp;
    size_t n_pp, cap_pp;
    struct thread_tl *th;
    size_t n_th, cap_th;
    dt_hash skip; /* rows of this thread are not loaded (0 = none) */
    bool oom;
};

static bool same(const struct loaded *L, long i, const char *s)
{
    const char *have = dt_intern_str(&L->strings, i);
    return have != NULL && s != NULL && strcmp(have, s) == 0;
}

/* Intern the people of one row ("addr\tname\n" each) into L->pp. */
static int load_people(struct loaded *L, const char *text, struct ev_extra *x)
{
    char buf[512];
    for (const char *p = text; p != NULL && *p;) {
        const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p);
        const char *tab = memchr(p, '\t', (size_t)(end - p));
        const char *ae = tab ? tab : end;
        if (ae > p && (size_t)(end - p) < sizeof(buf)) {
            if (L->n_pp == L->cap_pp) {
                size_t cap = L->cap_pp ? L->cap_pp * 2 : FIRST_CAP;
                struct person_ref *pp = realloc(L->pp, cap * sizeof(*pp));
                if (pp == NULL)
                    return -1;
                L->pp = pp;
                L->cap_pp = cap;
            }
            struct person_ref *ref = &L->pp[L->n_pp];
            memcpy(buf, p, (size_t)(ae - p));
            buf[ae - p] = '\0';
            ref->addr = dt_intern(&L->strings, buf);
            ref->name = 0;
            if (tab != NULL && end > tab + 1) {
                memcpy(buf, tab + 1, (size_t)(end - tab - 1));
                buf[end - tab - 1] = '\0';
                ref->name = dt_intern(&L->strings, buf);
            }
            if (ref->addr < 0 || ref->name < 0)
                return -1;
            L->n_pp++;
            x->pp_n++;
        }
        p = nl ? nl + 1 : end;
    }
    return 0;
}

static int load_row(const struct dt_row *r, void *arg)
{
    struct loaded *L = arg;
    if (L->skip != 0 && r->thread == L->skip)
        return 0;
    if (L->n_ev == L->cap_ev) {
        size_t cap = L->cap_ev ? L->cap_ev * 2 : FIRST_CAP;
        struct dt_tl_event *ev = realloc(L->ev, cap * sizeof(*ev));
        if (ev != NULL)
            L->ev = ev;
        struct ev_extra *x = ev != NULL ? realloc(L->x, cap * sizeof(*x)) : NULL;
        if (x == NULL) {
            L->oom = true;
            return 1;
        }
        L->x = x;
        L->cap_ev = cap;
    }
    struct thread_tl *t = L->n_th > 0 ? &L->th[L->n_th - 1] : NULL;
    if (t == NULL || t->key != r->thread) {
        if (L->n_th == L->cap_th) {
            size_t cap = L->cap_th ? L->cap_th * 2 : FIRST_CAP;
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
        t->cp_name = dt_intern(&L->strings, r->counterpart_name);
        t->owner = dt_intern(&L->strings, r->rep);
    }
    if (r->outbound) {
        /* Most rows repeat the thread's parties: compare before hashing. */
        if (!same(L, t->owner, r->rep))
            t->owner = dt_intern(&L->strings, r->rep);
        if (!same(L, t->counterpart, r->counterpart))
            t->counterpart = dt_intern(&L->strings, r->counterpart);
    }
    if (r->counterpart_name != NULL && same(L, t->counterpart, r->counterpart) &&
        !same(L, t->cp_name, r->counterpart_name))
        t->cp_name = dt_intern(&L->strings, r->counterpart_name);
    enum dt_level level = r->outbound ? dt_level_of(r->score, L->ep) : DT_LEVEL_CALM;
    enum dt_tone tone = r->outbound ? DT_TONE_NEUTRAL
                                    : dt_tone_of(L->tp, r->score, r->hesitation, r->engagement);
    long ph = level >= DT_LEVEL_WARM ? dt_intern(&L->strings, r->phrases) : 0;
    struct ev_extra x = {ph, r->outbound ? 0 : r->kinds, L->n_pp, 0};
    if (t->owner < 0 || t->counterpart < 0 || t->cp_name < 0 || t->subject < 0 || ph < 0 ||
        load_people(L, r->people, &x) < 0) {
        L->oom = true;
        return 1;
    }
    /* Timelines put an outbound message before a reply in the same second
     * (cooling.h), whatever order the store returned them in. */
    size_t i = L->n_ev;
    while (r->outbound && i > t->first && L->ev[i - 1].at == r->at && !L->ev[i - 1].outbound) {
        L->ev[i] = L->ev[i - 1];
        L->x[i] = L->x[i - 1];
        i--;
    }
    L->ev[i] = (struct dt_tl_event){r->at, r->outbound, level, r->score, tone};
    L->x[i] = x;
    L->n_ev++;
    t->n++;
    return 0;
}

static void loaded_free(struct loaded *L)
{
    dt_intern_free(&L->strings);
    free(L->ev);
    free(L->x);
    free(L->pp);
    free(L->th);
}

/* ---- every customer's latencies, for the usual of threads without their own ---- */

/* Per counterpart (by interned index): their reply latencies on each clock, sorted lazily. */
struct usual_table {
    long **cal, **bus;
    size_t *n, *cap;
    bool *sorted;
    size_t size;
    bool hours;
    bool *in_window; /* per thread of L: among its counterpart's latest usual_threads */
};

static int push_latency(struct usual_table *u, size_t c, long cal, long bus)
{
    if (u->n[c] == u->cap[c]) {
        size_t cap = u->cap[c] ? u->cap[c] * 2 : 8;
        long *a = realloc(u->cal[c], cap * sizeof(*a));
        if (a != NULL)
            u->cal[c] = a;
        long *b = a != NULL ? realloc(u->bus[c], cap * sizeof(*b)) : NULL;
        if (b == NULL)
            return -1;
        u->bus[c] = b;
        u->cap[c] = cap;
    }
    u->cal[c][u->n[c]] = cal;
    u->bus[c][u->n[c]] = bus;
    u->n[c]++;
    return 0;
}

static int usual_collect(struct usual_table *u, const struct loaded *L,
                         const struct dt_cooling_params *p, struct dt_latency *scratch,
                         size_t scratch_max)
{
    u->size = dt_intern_count(&L->strings) + 1;
    u->hours = p->hours != NULL;
    u->cal = calloc(u->size, sizeof(*u->cal));
    u->bus = calloc(u->size, sizeof(*u->bus));
    u->n = calloc(u->size, sizeof(*u->n));
    u->cap = calloc(u->size, sizeof(*u->cap));
    u->sorted = calloc(u->size, sizeof(*u->sorted));
    u->in_window = calloc(L->n_th + 1, sizeof(*u->in_window));
    size_t *threads = calloc(u->size, sizeof(*threads)); /* per counterpart, newest first */
    if (!u->cal || !u->bus || !u->n || !u->cap || !u->sorted || !u->in_window || !threads) {
        free(threads);
        return -1;
    }
    /* Newest first: L's threads are in the order they were first stored
     * (dt_deals_reply puts the reply's own thread first: it counts last,
     * so it is in the window exactly when fewer others were loaded). */
    for (size_t t = L->n_th; t-- > 0;) {
        const struct thread_tl *th = &L->th[t];
        if (threads[th->counterpart]++ >= (size_t)p->usual_threads)
            continue;
        u->in_window[t] = true;
        size_t nl = dt_latencies(L->ev + th->first, th->n, p->hours, scratch, scratch_max);
        if (nl > scratch_max)
            nl = scratch_max;
        for (size_t i = 0; i < nl; i++)
            if (scratch[i].customer &&
                push_latency(u, (size_t)th->counterpart, scratch[i].calendar_s,
                             (long)scratch[i].business_s) < 0) {
                free(threads);
                return -1;
            }
    }
    free(threads);
    return 0;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* The median of sorted s[0..n) with one value v left out (if it is there). */
static long median_without(const long *s, size_t n, long v, bool leave_out, size_t *count)
{
    size_t lo = n;
    if (leave_out) {
        size_t a = 0, b = n;
        while (a < b) {
            size_t mid = a + (b - a) / 2;
            if (s[mid] < v)
                a = mid + 1;
            else
                b = mid;
        }
        lo = a < n && s[a] == v ? a : n;
    }
    size_t m = lo < n ? n - 1 : n; /* s without s[lo]: index j is s[j < lo ? j : j + 1] */
    *count = m;
    if (m == 0)
        return 0;
    long mid2[2];
    size_t k = 0;
    for (size_t j = (m - 1) / 2; j <= m / 2; j++)
        mid2[k++] = s[j < lo ? j : j + 1];
    return dt_median(mid2, k, 0);
}

/*
 * The customer's pace across their threads, leaving out one latency of
 * theirs (own_cal/own_bus) when own: a thread whose only customer reply is
 * being judged must not find that reply in the usual it is judged against.
 * O(log n) once sorted.
 */
static struct dt_usual_hint usual_hint(struct usual_table *u, long counterpart, bool own,
                                       long own_cal, long own_bus)
{
    size_t c = (size_t)counterpart, n1, n2;
    if (!u->sorted[c] && u->n[c] > 0) {
        qsort(u->cal[c], u->n[c], sizeof(long), cmp_long);
        qsort(u->bus[c], u->n[c], sizeof(long), cmp_long);
        u->sorted[c] = true;
    }
    struct dt_usual_hint h;
    h.calendar_s = median_without(u->cal[c], u->n[c], own_cal, own, &n1);
    h.business_s = u->hours ? median_without(u->bus[c], u->n[c], own_bus, own, &n2) : -1;
    h.n = n1;
    return h;
}

static void usual_free(struct usual_table *u)
{
    for (size_t i = 0; i < u->size; i++) {
        if (u->cal)
            free(u->cal[i]);
        if (u->bus)
            free(u->bus[i]);
    }
    free(u->cal);
    free(u->bus);
    free(u->n);
    free(u->cap);
    free(u->sorted);
    free(u->in_window);
}

/* ---- one thread evaluated ---- */

/* Per-thread work space, as long as the longest thread. */
struct scratch {
    struct dt_latency *lat;
    long *cal, *bus, *repcal;
    enum dt_tone *tones;
    size_t max;
    struct dt_person people[DT_DEAL_PEOPLE_MAX];
};

static int scratch_init(struct scratch *sc, const struct loaded *L)
{
    sc->max = 1;
    for (size_t t = 0; t < L->n_th; t++)
        if (L->th[t].n > sc->max)
            sc->max = L->th[t].n;
    sc->lat = malloc(sc->max * sizeof(*sc->lat));
    sc->cal = malloc(sc->max * sizeof(*sc->cal));
    sc->bus = malloc(sc->max * sizeof(*sc->bus));
    sc->repcal = malloc(sc->max * sizeof(*sc->repcal));
    sc->tones = malloc(sc->max * sizeof(*sc->tones));
    return sc->lat && sc->cal && sc->bus && sc->repcal && sc->tones ? 0 : -1;
}

static void scratch_free(struct scratch *sc)
{
    free(sc->lat);
    free(sc->cal);
    free(sc->bus);
    free(sc->repcal);
    free(sc->tones);
}

/* The customer's side of thread th up to as_of: tone, trend, people. */
static void customer_side(const struct loaded *L, const struct thread_tl *th,
                          const struct dt_tone_params *tp, time_t as_of, struct scratch *sc,
                          struct dt_deal *d)
{
    const struct dt_tl_event *ev = L->ev + th->first;
    const struct ev_extra *x = L->x + th->first;
    size_t nt = 0;
    d->people = sc->people;
    for (size_t i = 0; i < th->n && ev[i].at <= as_of; i++) {
        if (!ev[i].outbound) {
            sc->tones[nt++] = ev[i].tone;
            d->customer_kinds = x[i].kinds;
        }
        for (size_t j = 0; j < x[i].pp_n; j++) {
            const struct person_ref *ref = &L->pp[x[i].pp_first + j];
            const char *addr = dt_intern_str(&L->strings, ref->addr);
            const char *name = ref->name > 0 ? dt_intern_str(&L->strings, ref->name) : NULL;
            size_t k = 0;
            while (k < d->n_people && strcmp(sc->people[k].address, addr) != 0)
                k++;
            if (k == d->n_people) {
                if (k == DT_DEAL_PEOPLE_MAX) {
                    d->people_more = true;
                    continue;
                }
                sc->people[k] = (struct dt_person){
                    addr, NULL, ev[i].at, ev[i].at - ev[0].at >= tp->joined_after};
                d->n_people++;
            }
            if (name != NULL)
                sc->people[k].name = name;
        }
    }
    d->n_replies = nt;
    d->customer_tone = nt > 0 ? sc->tones[nt - 1] : DT_TONE_NEUTRAL;
    d->customer_trend = dt_tone_trend(sc->tones, nt);
}

/* Thread t of L as of as_of -> d (pointing into L and sc). */
static void evaluate(const struct loaded *L, struct usual_table *u, size_t t,
                     const struct dt_config *cfg, time_t as_of, struct scratch *sc,
                     struct dt_deal *d)
{
    const struct dt_cooling_params *p = &cfg->cooling;
    const struct thread_tl *th = &L->th[t];
    const struct dt_tl_event *ev = L->ev + th->first;
    memset(d, 0, sizeof(*d));
    size_t nl = dt_latencies(ev, th->n, p->hours, sc->lat, sc->max), nc = 0, nr = 0;
    if (nl > sc->max)
        nl = sc->max;
    for (size_t i = 0; i < nl; i++) {
        if (sc->lat[i].customer) {
            sc->cal[nc] = sc->lat[i].calendar_s;
            sc->bus[nc++] = (long)sc->lat[i].business_s;
        } else {
            sc->repcal[nr++] = sc->lat[i].calendar_s;
        }
    }
    /* Only a thread without history of its own reads the other threads' usual,
     * leaving out its one reply if that is among them. */
    bool own = nc == 1 && u->in_window[t];
    struct dt_usual_hint hint =
        usual_hint(u, th->counterpart, own, own ? sc->cal[0] : 0, own ? sc->bus[0] : 0);
    dt_cooling_evaluate(ev, th->n, &hint, p, as_of, &d->cooling);
    customer_side(L, th, &cfg->tone, as_of, sc, d);
    dt_cooling_customer(ev, th->n, d->n_people, p, as_of, &d->cooling);
    dt_cooling_clock(p, &d->clock);
    d->thread = th->key;
    dt_thread_short_id(th->key, d->id);
    d->owner = dt_intern_str(&L->strings, th->owner);
    d->counterpart = dt_intern_str(&L->strings, th->counterpart);
    d->counterpart_name = dt_intern_str(&L->strings, th->cp_name);
    d->subject = dt_intern_str(&L->strings, th->subject);
    d->state = d->cooling.state;
    d->n_messages = th->n;
    d->first_at = ev[0].at;
    d->latencies_s = sc->cal;
    d->latencies_business_s = p->hours != NULL ? sc->bus : NULL;
    d->n_latencies = nc;
    d->rep_latencies_s = sc->repcal;
    d->n_rep_latencies = nr;
    for (size_t i = 0; i < th->n; i++) {
        if (ev[i].outbound) {
            d->last_out = ev[i].at;
            if (ev[i].score > d->peak_euphoria)
                d->peak_euphoria = ev[i].score;
        } else {
            d->last_in = ev[i].at;
        }
    }
    if (d->cooling.trigger != (size_t)-1 && d->cooling.trigger < th->n) {
        d->trigger_at = ev[d->cooling.trigger].at;
        d->trigger_score = ev[d->cooling.trigger].score;
        d->trigger_phrases = dt_intern_str(&L->strings, L->x[th->first + d->cooling.trigger].phrases);
    }
}

int dt_deals_each(struct dt_store *st, const struct dt_config *cfg, const struct dt_deals_query *q,
                  int (*fn)(const struct dt_deal *deal, void *arg), void *arg, struct dt_error *err)
{
    struct loaded L;
    memset(&L, 0, sizeof(L));
    L.ep = &cfg->euphoria;
    L.tp = &cfg->tone;
    struct dt_store_filter f = {NULL, NULL, 0, q->as_of, 0, false};
    int rc = dt_store_scan(st, &f, load_row, &L, err);
    if (rc == 0 && L.oom)
        rc = dt_error_set(err, "out of memory reading %zu messages", L.n_ev);
    if (rc != 0) {
        loaded_free(&L);
        return -1;
    }

    const struct dt_cooling_params *p = &cfg->cooling;
    struct scratch sc;
    struct usual_table u;
    memset(&u, 0, sizeof(u));
    if (scratch_init(&sc, &L) < 0 || usual_collect(&u, &L, p, sc.lat, sc.max) < 0) {
        rc = dt_error_set(err, "out of memory evaluating %zu threads", L.n_th);
        goto out;
    }
    for (size_t t = 0; t < L.n_th && rc == 0; t++) {
        const char *owner = dt_intern_str(&L.strings, L.th[t].owner);
        if (q->rep != NULL && (owner == NULL || strcmp(owner, q->rep) != 0))
            continue;
        struct dt_deal d;
        evaluate(&L, &u, t, cfg, q->as_of, &sc, &d);
        if (q->state >= 0 && (int)d.state != q->state)
            continue;
        rc = fn(&d, arg);
    }
out:
    usual_free(&u);
    scratch_free(&sc);
    loaded_free(&L);
    return rc < 0 ? -1 : 0;
}

/* ---- one reply, for the milter's header ---- */

/*
 * Whether thread 0 of L holds a customer reply before its latest one: then
 * the reply is judged by the usual of this thread (dt_cooling_evaluate
 * reads the other threads' usual only for a thread with none), and the
 * customer's other threads need not be read.
 */
static bool own_usual(const struct loaded *L)
{
    if (L->n_th == 0)
        return false;
    const struct dt_tl_event *ev = L->ev + L->th[0].first;
    size_t k = 0;
    for (size_t i = 1; i < L->th[0].n && k < 2; i++)
        k += !ev[i].outbound && ev[i - 1].outbound;
    return k >= 2;
}

int dt_deals_reply(struct dt_store *st, const struct dt_config *cfg, dt_hash thread,
                   const char *counterpart, time_t at, struct dt_reply_info *out,
                   struct dt_error *err)
{
    const struct dt_cooling_params *p = &cfg->cooling;
    struct loaded L;
    memset(&L, 0, sizeof(L));
    memset(out, 0, sizeof(*out));
    L.ep = &cfg->euphoria;
    L.tp = &cfg->tone;
    dt_cooling_clock(p, &out->clock);

    /* The reply's thread first (thread 0), then the customer's other threads
     * - unless the thread has its own history to judge the reply by. */
    struct dt_store_filter ft = {NULL, NULL, thread, at, 0, false};
    /* The other threads only feed the usual: their latencies are all it needs. */
    struct dt_store_filter fc = {NULL, counterpart, 0, at, (size_t)p->usual_threads, true};
    int rc = dt_store_scan(st, &ft, load_row, &L, err);
    if (rc == 0 && !L.oom && counterpart != NULL && !own_usual(&L)) {
        L.skip = thread;
        rc = dt_store_scan(st, &fc, load_row, &L, err);
    }
    if (rc == 0 && L.oom)
        rc = dt_error_set(err, "out of memory reading the history of %s", counterpart);
    const struct thread_tl *th = L.n_th > 0 ? &L.th[0] : NULL;
    /* The reply must be the thread's latest message, right after an outbound one. */
    if (rc != 0 || th == NULL || th->key != thread || th->n < 2 || L.ev[th->n - 1].outbound ||
        !L.ev[th->n - 2].outbound) {
        loaded_free(&L);
        return rc != 0 ? -1 : 0;
    }
    struct scratch sc;
    struct usual_table u;
    memset(&u, 0, sizeof(u));
    if (scratch_init(&sc, &L) < 0 || usual_collect(&u, &L, p, sc.lat, sc.max) < 0) {
        rc = dt_error_set(err, "out of memory");
    } else {
        struct dt_deal d;
        evaluate(&L, &u, 0, cfg, at, &sc, &d);
        out->c = d.cooling;
    }
    usual_free(&u);
    scratch_free(&sc);
    loaded_free(&L);
    return rc;
}
