/*
 * outcomes.c - reply outcomes of outbound mail by euphoria level
 * (outcomes.h): the rule, the Wilson interval, reading the store into
 * groups (team, per rep, per month, each rep's levels per month), the
 * judged messages for re-grouping under other thresholds, the plain
 * statement and the JSON.
 *
 * One pass over the store in thread order: each thread's messages are put
 * in time order (an outbound message before a reply of the same second),
 * walked backwards to know for every outbound message the customer's first
 * message after it, and judged. Latencies are kept per group and level
 * for the median and 75th percentile. Memory: the latencies of answered
 * messages, three times (team, rep, month), one thread at a time, and
 * reps x months x levels counters; dt_outcomes_judged keeps 16 bytes per
 * outbound message instead (no groups).
 *
 * Failure: -1 with err set (store errors, out of memory); nothing partial
 * is returned.
 */
#include "dealtemp/outcomes.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dealtemp/bizcal.h"
#include "dealtemp/cooling.h"
#include "dealtemp/duration.h"
#include "dealtemp/intern.h"
#include "dealtemp/json.h"
#include "dealtemp/report.h"

enum dt_outcome dt_outcome_of(time_t out, time_t reply, long window_s, time_t as_of)
{
    if (as_of - out < window_s)
        return DT_OUTCOME_PENDING;
    if (reply != 0 && reply >= out && reply - out <= window_s)
        return DT_OUTCOME_ANSWERED;
    return DT_OUTCOME_UNANSWERED;
}

void dt_wilson(size_t k, size_t n, double *lo, double *hi)
{
    if (n == 0) {
        *lo = 0;
        *hi = 1;
        return;
    }
    const double z = 1.959963984540054;
    double nn = (double)n, p = (double)k / nn, z2 = z * z;
    double denom = 1 + z2 / nn;
    double center = (p + z2 / (2 * nn)) / denom;
    double half = z * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / denom;
    *lo = center - half < 0 ? 0 : center - half;
    *hi = center + half > 1 ? 1 : center + half;
}

/* ---- reading the store ---- */

struct ev {
    time_t at;
    bool outbound;
    double score;
    long rep; /* interned */
};

struct reader {
    const struct dt_config *cfg;
    const char *only;  /* --rep */
    char *const *list; /* a manager's reps (n_list > 0) */
    size_t n_list;
    struct dt_outcomes *o;
    bool groups;              /* count into o's groups (else only keep the judged) */
    struct dt_judged *judged; /* dt_outcomes_judged: every judged message */
    size_t n_judged, cap_judged;
    struct dt_intern reps, months;
    struct ev *ev;
    size_t n_ev, cap_ev;
    dt_hash thread;
    bool oom;
};

static int push_lat(struct dt_outcome_cell *c, long cal, long bus)
{
    if (c->n_lat == c->cap_lat) {
        size_t cap = c->cap_lat ? c->cap_lat * 2 : 16;
        long *a = realloc(c->lat, cap * sizeof(*a));
        if (a != NULL)
            c->lat = a;
        long *b = a != NULL ? realloc(c->lat_business, cap * sizeof(*b)) : NULL;
        if (b == NULL)
            return -1;
        c->lat_business = b;
        c->cap_lat = cap;
    }
    c->lat[c->n_lat] = cal;
    c->lat_business[c->n_lat++] = bus;
    return 0;
}

/* The group of index i in *groups (grown to hold it), keyed by key. */
static struct dt_outcome_group *group_at(struct dt_outcome_group **groups, size_t *n, long i,
                                         const char *key)
{
    if ((size_t)i > *n) {
        struct dt_outcome_group *g = realloc(*groups, (size_t)i * sizeof(*g));
        if (g == NULL)
            return NULL;
        *groups = g;
        memset(&g[*n], 0, ((size_t)i - *n) * sizeof(*g));
        *n = (size_t)i;
    }
    struct dt_outcome_group *g = &(*groups)[i - 1];
    if (g->key == NULL && (g->key = strdup(key)) == NULL)
        return NULL;
    return g;
}

/* One more message of level lv in month mi (1-based, interned) of rep group g. */
static int count_month(struct dt_outcome_group *g, long mi, enum dt_level lv)
{
    if ((size_t)mi > g->n_month_levels) {
        size_t n = (size_t)mi + 8;
        size_t(*m)[DT_LEVEL_COUNT] = realloc(g->month_levels, n * sizeof(*m));
        if (m == NULL)
            return -1;
        memset(&m[g->n_month_levels], 0, (n - g->n_month_levels) * sizeof(*m));
        g->month_levels = m;
        g->n_month_levels = n;
    }
    g->month_levels[mi - 1][lv]++;
    return 0;
}

static int keep_judged(struct reader *r, double score, enum dt_outcome oc)
{
    if (r->n_judged == r->cap_judged) {
        size_t cap = r->cap_judged ? r->cap_judged * 2 : 1024;
        struct dt_judged *j = realloc(r->judged, cap * sizeof(*j));
        if (j == NULL)
            return -1;
        r->judged = j;
        r->cap_judged = cap;
    }
    r->judged[r->n_judged++] = (struct dt_judged){score, oc};
    return 0;
}

static int count(struct dt_outcome_cell *c, enum dt_outcome oc, long cal, long bus)
{
    c->messages++;
    if (oc == DT_OUTCOME_PENDING)
        c->pending++;
    if (oc != DT_OUTCOME_ANSWERED)
        return 0;
    c->answered++;
    return push_lat(c, cal, bus);
}

static int cmp_ev(const void *a, const void *b)
{
    const struct ev *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return (int)y->outbound - (int)x->outbound; /* outbound first */
}

/* "2026-11": the month of t in the configured zone. */
static void month_of(const struct dt_config *cfg, time_t t, char buf[16])
{
    time_t local = t + (cfg->tz != NULL ? dt_tz_offset(cfg->tz, t) : 0);
    struct tm tm;
    if (gmtime_r(&local, &tm) == NULL)
        memset(&tm, 0, sizeof(tm));
    unsigned y = (unsigned)(tm.tm_year + 1900) % 10000u, m = (unsigned)(tm.tm_mon + 1) % 100u;
    snprintf(buf, 16, "%04u-%02u", y, m);
}

static int judge_thread(struct reader *r)
{
    struct dt_outcomes *o = r->o;
    qsort(r->ev, r->n_ev, sizeof(*r->ev), cmp_ev);
    time_t next_in = 0; /* the customer's first message after position i */
    for (size_t i = r->n_ev; i-- > 0;) {
        const struct ev *e = &r->ev[i];
        if (!e->outbound) {
            next_in = e->at;
            continue;
        }
        enum dt_outcome oc = dt_outcome_of(e->at, next_in, o->window_s, o->as_of);
        if (!r->groups) {
            if (keep_judged(r, e->score, oc) < 0)
                return -1;
            continue;
        }
        long cal = oc == DT_OUTCOME_ANSWERED ? (long)(next_in - e->at) : 0;
        long bus = oc == DT_OUTCOME_ANSWERED
                       ? (long)dt_business_seconds(&r->cfg->hours, e->at, next_in)
                       : 0;
        enum dt_level lv = dt_level_of(e->score, &r->cfg->euphoria);
        char month[16];
        month_of(r->cfg, e->at, month);
        long mi = dt_intern(&r->months, month);
        const char *rep = dt_intern_str(&r->reps, e->rep);
        struct dt_outcome_group *rg =
            mi < 0 ? NULL : group_at(&o->reps, &o->n_reps, e->rep, rep ? rep : "");
        struct dt_outcome_group *mg = rg == NULL ? NULL : group_at(&o->months, &o->n_months, mi,
                                                                    month);
        if (mg == NULL || count(&o->team.level[lv], oc, cal, bus) < 0 ||
            count(&rg->level[lv], oc, cal, bus) < 0 || count(&mg->level[lv], oc, cal, bus) < 0 ||
            count_month(rg, mi, lv) < 0)
            return -1;
    }
    r->n_ev = 0;
    return 0;
}

/* Is an outbound message of rep part of this report? */
static bool wanted(const struct reader *r, const char *rep)
{
    if (r->only != NULL)
        return rep != NULL && strcmp(rep, r->only) == 0;
    if (r->n_list > 0)
        return rep != NULL && dt_address_listed(r->list, r->n_list, rep);
    return true;
}

static int read_row(const struct dt_row *row, void *arg)
{
    struct reader *r = arg;
    if (r->n_ev > 0 && row->thread != r->thread && judge_thread(r) < 0) {
        r->oom = true;
        return 1;
    }
    r->thread = row->thread;
    if (row->outbound && !wanted(r, row->rep))
        return 0;
    if (r->n_ev == r->cap_ev) {
        size_t cap = r->cap_ev ? r->cap_ev * 2 : 64;
        struct ev *ev = realloc(r->ev, cap * sizeof(*ev));
        if (ev == NULL) {
            r->oom = true;
            return 1;
        }
        r->ev = ev;
        r->cap_ev = cap;
    }
    long rep = row->outbound ? dt_intern(&r->reps, row->rep ? row->rep : "") : 0;
    if (rep < 0) {
        r->oom = true;
        return 1;
    }
    r->ev[r->n_ev++] = (struct ev){row->at, row->outbound, row->score, rep};
    return 0;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* The nearest-rank p-th percentile of sorted v[0..n). */
static long rank(const long *v, size_t n, double p)
{
    size_t k = (size_t)ceil(p * (double)n);
    return v[k > 0 ? k - 1 : 0];
}

static void finish_cell(struct dt_outcome_cell *c)
{
    size_t judged = c->messages - c->pending;
    c->reply_rate = judged > 0 ? (double)c->answered / (double)judged : 0;
    dt_wilson(c->answered, judged, &c->ci_lo, &c->ci_hi);
    c->median_s = c->p75_s = c->median_business_s = c->p75_business_s = -1;
    if (c->n_lat == 0)
        return;
    long *cal = malloc(2 * c->n_lat * sizeof(long));
    if (cal != NULL) {
        long *bus = cal + c->n_lat;
        memcpy(cal, c->lat, c->n_lat * sizeof(long));
        memcpy(bus, c->lat_business, c->n_lat * sizeof(long));
        qsort(cal, c->n_lat, sizeof(long), cmp_long);
        qsort(bus, c->n_lat, sizeof(long), cmp_long);
        c->p75_s = rank(cal, c->n_lat, 0.75);
        c->p75_business_s = rank(bus, c->n_lat, 0.75);
        c->median_s = dt_median(cal, c->n_lat, -1); /* the rule cooling.c uses too */
        c->median_business_s = dt_median(bus, c->n_lat, -1);
        free(cal);
    }
}

static int cmp_group(const void *a, const void *b)
{
    return strcmp(((const struct dt_outcome_group *)a)->key,
                  ((const struct dt_outcome_group *)b)->key);
}

/* Drop the empty slots (reps without outbound mail under --rep), sort, finish. */
static void finish_groups(struct dt_outcome_group *g, size_t *n)
{
    size_t k = 0;
    for (size_t i = 0; i < *n; i++) {
        size_t m = 0;
        for (int l = 0; l < DT_LEVEL_COUNT; l++)
            m += g[i].level[l].messages;
        if (m == 0 || g[i].key == NULL) {
            free(g[i].key);
            free(g[i].month_levels);
            for (int l = 0; l < DT_LEVEL_COUNT; l++) {
                free(g[i].level[l].lat);
                free(g[i].level[l].lat_business);
            }
            continue;
        }
        g[k++] = g[i];
    }
    *n = k;
    if (k > 1)
        qsort(g, k, sizeof(*g), cmp_group);
    for (size_t i = 0; i < k; i++)
        for (int l = 0; l < DT_LEVEL_COUNT; l++)
            finish_cell(&g[i].level[l]);
}

/*
 * The months were counted in the order they were met (the interned
 * index); put every rep's month_levels in the sorted months' order.
 * keys[i] is the key of the month met i-th, before the sort.
 */
static int order_month_levels(struct dt_outcomes *o, char *const *keys, size_t n_keys)
{
    size_t *from = malloc((o->n_months ? o->n_months : 1) * sizeof(*from));
    if (from == NULL)
        return -1;
    for (size_t m = 0; m < o->n_months; m++)
        for (size_t i = 0; i < n_keys; i++)
            if (keys[i] == o->months[m].key)
                from[m] = i;
    for (size_t i = 0; i < o->n_reps; i++) {
        struct dt_outcome_group *g = &o->reps[i];
        size_t(*m)[DT_LEVEL_COUNT] = calloc(o->n_months ? o->n_months : 1, sizeof(*m));
        if (m == NULL) {
            free(from);
            return -1;
        }
        for (size_t k = 0; k < o->n_months; k++)
            if (from[k] < g->n_month_levels)
                memcpy(m[k], g->month_levels[from[k]], sizeof(m[k]));
        free(g->month_levels);
        g->month_levels = m;
        g->n_month_levels = o->n_months;
    }
    free(from);
    return 0;
}

/* One pass over the store with r; 0, or -1 with err set. */
static int scan(struct dt_store *st, struct reader *r, time_t as_of, struct dt_error *err)
{
    r->reps = (struct dt_intern)DT_INTERN_INIT;
    r->months = (struct dt_intern)DT_INTERN_INIT;
    struct dt_store_filter f = {NULL, NULL, 0, as_of, 0, false};
    int rc = dt_store_scan(st, &f, read_row, r, err);
    if (rc == 0 && !r->oom && r->n_ev > 0 && judge_thread(r) < 0)
        r->oom = true;
    free(r->ev);
    dt_intern_free(&r->reps);
    dt_intern_free(&r->months);
    if (rc == 0 && r->oom)
        rc = dt_error_set(err, "out of memory reading reply outcomes");
    return rc != 0 ? -1 : 0;
}

static int collect(struct dt_store *st, struct reader *r, time_t as_of, struct dt_outcomes *out,
                   struct dt_error *err)
{
    memset(out, 0, sizeof(*out));
    out->window_s = r->cfg->report_window;
    out->as_of = as_of;
    r->o = out;
    r->groups = true;
    char **keys = NULL;
    size_t n_keys = 0;
    int rc = scan(st, r, as_of, err);
    if (rc == 0 && out->n_months > 0) {
        n_keys = out->n_months;
        if ((keys = malloc(n_keys * sizeof(*keys))) == NULL)
            rc = dt_error_set(err, "out of memory reading reply outcomes");
        for (size_t i = 0; keys != NULL && i < n_keys; i++)
            keys[i] = out->months[i].key;
    }
    if (rc == 0) {
        finish_groups(out->reps, &out->n_reps);
        finish_groups(out->months, &out->n_months);
        if (order_month_levels(out, keys, n_keys) < 0)
            rc = dt_error_set(err, "out of memory reading reply outcomes");
    }
    free(keys);
    if (rc != 0) {
        dt_outcomes_free(out);
        return -1;
    }
    for (int l = 0; l < DT_LEVEL_COUNT; l++)
        finish_cell(&out->team.level[l]);
    return 0;
}

int dt_outcomes_collect(struct dt_store *st, const struct dt_config *cfg, time_t as_of,
                        const char *rep, struct dt_outcomes *out, struct dt_error *err)
{
    struct reader r = {.cfg = cfg, .only = rep};
    return collect(st, &r, as_of, out, err);
}

int dt_outcomes_collect_for(struct dt_store *st, const struct dt_config *cfg, time_t as_of,
                            char *const *reps, size_t n_reps, struct dt_outcomes *out,
                            struct dt_error *err)
{
    struct reader r = {.cfg = cfg, .list = reps, .n_list = n_reps};
    return collect(st, &r, as_of, out, err);
}

int dt_outcomes_judged(struct dt_store *st, const struct dt_config *cfg, time_t as_of,
                       struct dt_judged **out, size_t *n, struct dt_error *err)
{
    struct dt_outcomes o;
    memset(&o, 0, sizeof(o));
    o.window_s = cfg->report_window;
    o.as_of = as_of;
    struct reader r = {.cfg = cfg, .o = &o, .groups = false};
    int rc = scan(st, &r, as_of, err);
    *out = rc == 0 ? r.judged : NULL;
    *n = rc == 0 ? r.n_judged : 0;
    if (rc != 0)
        free(r.judged);
    return rc;
}

void dt_outcomes_split(const struct dt_judged *j, size_t n, const struct dt_euphoria_params *p,
                       struct dt_outcome_cell *euphoric, struct dt_outcome_cell *rest)
{
    memset(euphoric, 0, sizeof(*euphoric));
    memset(rest, 0, sizeof(*rest));
    for (size_t i = 0; i < n; i++) {
        struct dt_outcome_cell *c =
            dt_level_of(j[i].score, p) == DT_LEVEL_EUPHORIC ? euphoric : rest;
        c->messages++;
        c->pending += j[i].outcome == DT_OUTCOME_PENDING;
        c->answered += j[i].outcome == DT_OUTCOME_ANSWERED;
    }
    finish_cell(euphoric);
    finish_cell(rest);
}

static void free_group(struct dt_outcome_group *g)
{
    free(g->key);
    free(g->month_levels);
    for (int l = 0; l < DT_LEVEL_COUNT; l++) {
        free(g->level[l].lat);
        free(g->level[l].lat_business);
    }
}

void dt_outcomes_free(struct dt_outcomes *o)
{
    if (o == NULL)
        return;
    free_group(&o->team);
    for (size_t i = 0; i < o->n_reps; i++)
        free_group(&o->reps[i]);
    for (size_t i = 0; i < o->n_months; i++)
        free_group(&o->months[i]);
    free(o->reps);
    free(o->months);
    memset(o, 0, sizeof(*o));
}

/* ---- what people read ---- */

/* The words of the statement, per language. */
static const struct {
    const char *lang;
    const char *sep;       /* thousands separator */
    const char *compare;   /* (euph %, calm %, overlap clause, n euph, n calm) */
    const char *apart, *overlap;
    const char *too_few;   /* (n euph, n calm, window) */
} words[] = {
    {"en", ",", "Euphoric mails were answered %ld %% of the time, calm ones %ld %% (%s; %s and %s mails).",
     "intervals do not overlap", "intervals overlap, so the difference may be chance",
     "Too few mails to compare yet: %s euphoric and %s calm mails have had their %s to be answered."},
    {"nl", ".", "Euforische mails kregen in %ld %% van de gevallen antwoord, rustige in %ld %% (%s; %s en %s mails).",
     "de intervallen overlappen niet", "de intervallen overlappen, dus het verschil kan toeval zijn",
     "Nog te weinig mails om te vergelijken: %s euforische en %s rustige mails hebben hun %s gehad om beantwoord te worden."},
    {"de", ".", "Euphorische Mails wurden in %ld %% der F\xc3\xa4lle beantwortet, ruhige in %ld %% (%s; %s und %s Mails).",
     "die Intervalle \xc3\xbc" "berschneiden sich nicht",
     "die Intervalle \xc3\xbc" "berschneiden sich, der Unterschied kann Zufall sein",
     "Noch zu wenige Mails f\xc3\xbcr einen Vergleich: %s euphorische und %s ruhige Mails hatten ihre %s f\xc3\xbcr eine Antwort."},
    {"fr", "\xe2\x80\xaf", "Les e-mails euphoriques ont re\xc3\xa7u une r\xc3\xa9ponse dans %ld\xc2\xa0%% des cas, les e-mails calmes dans %ld\xc2\xa0%% (%s\xc2\xa0; %s et %s e-mails).",
     "les intervalles ne se chevauchent pas",
     "les intervalles se chevauchent, la diff\xc3\xa9rence peut \xc3\xaatre due au hasard",
     "Trop peu d'e-mails pour comparer\xc2\xa0: %s e-mails euphoriques et %s calmes ont eu leurs %s pour recevoir une r\xc3\xa9ponse."},
};

/* n with the language's thousands separator: "1,120". */
static void thousands(size_t n, const char *sep, char *buf, size_t size);

void dt_outcomes_number(size_t n, const char *lang, char *buf, size_t size)
{
    size_t w = 0;
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (lang != NULL && strcmp(words[i].lang, lang) == 0)
            w = i;
    thousands(n, words[w].sep, buf, size);
}

static void thousands(size_t n, const char *sep, char *buf, size_t size)
{
    char digits[32];
    int len = snprintf(digits, sizeof(digits), "%zu", n);
    size_t k = 0, sl = strlen(sep);
    for (int i = 0; i < len && k + sl + 2 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0) {
            memcpy(buf + k, sep, sl);
            k += sl;
        }
        buf[k++] = digits[i];
    }
    buf[k] = '\0';
}

/* Judged messages of the group we compare, and too few below this. */
#define COMPARE_MIN 10

void dt_outcomes_statement(const struct dt_outcome_group *g, long window_s, const char *lang,
                           struct dt_buf *out)
{
    size_t w = 0;
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (lang != NULL && strcmp(words[i].lang, lang) == 0)
            w = i;
    const struct dt_outcome_cell *e = &g->level[DT_LEVEL_EUPHORIC], *c = &g->level[DT_LEVEL_CALM];
    size_t ne = e->messages - e->pending, nc = c->messages - c->pending;
    char se[32], sc[32];
    thousands(ne, words[w].sep, se, sizeof(se));
    thousands(nc, words[w].sep, sc, sizeof(sc));
    if (ne < COMPARE_MIN || nc < COMPARE_MIN) {
        char window[64];
        struct dt_clock cal = DT_CALENDAR;
        dt_duration_words(window_s, &cal, words[w].lang, window, sizeof(window));
        dt_buf_printf(out, words[w].too_few, se, sc, window);
        return;
    }
    bool apart = e->ci_hi < c->ci_lo || c->ci_hi < e->ci_lo;
    dt_buf_printf(out, words[w].compare, lround(e->reply_rate * 100), lround(c->reply_rate * 100),
                  apart ? words[w].apart : words[w].overlap, se, sc);
}

static void json_latency(struct dt_buf *out, const char *name, long v)
{
    if (v < 0)
        dt_buf_printf(out, ",\"%s\":null", name);
    else
        dt_buf_printf(out, ",\"%s\":%ld", name, v);
}

static void json_cell(const struct dt_outcome_cell *c, struct dt_buf *out)
{
    size_t judged = c->messages - c->pending;
    dt_buf_printf(out, "{\"messages\":%zu,\"answered\":%zu,\"pending\":%zu", c->messages,
                  c->answered, c->pending);
    if (judged > 0)
        dt_buf_printf(out, ",\"reply_rate\":%.4f,\"ci95\":[%.4f,%.4f]", c->reply_rate, c->ci_lo,
                      c->ci_hi);
    else
        dt_buf_puts(out, ",\"reply_rate\":null,\"ci95\":null");
    json_latency(out, "median_latency_s", c->median_s);
    json_latency(out, "p75_latency_s", c->p75_s);
    json_latency(out, "median_latency_business_s", c->median_business_s);
    json_latency(out, "p75_latency_business_s", c->p75_business_s);
    dt_buf_putc(out, '}');
}

static void json_levels(const struct dt_outcome_group *g, struct dt_buf *out)
{
    dt_buf_putc(out, '{');
    for (int l = 0; l < DT_LEVEL_COUNT; l++) {
        dt_buf_printf(out, "%s\"%s\":", l ? "," : "", dt_level_name((enum dt_level)l));
        json_cell(&g->level[l], out);
    }
    dt_buf_putc(out, '}');
}

static void json_groups(const char *name, const struct dt_outcome_group *g, size_t n,
                        struct dt_buf *out)
{
    dt_buf_printf(out, ",\"%s\":{", name);
    for (size_t i = 0; i < n; i++) {
        dt_buf_puts(out, i ? "," : "");
        dt_json_string(out, g[i].key);
        dt_buf_puts(out, ":{\"by_level\":");
        json_levels(&g[i], out);
        dt_buf_putc(out, '}');
    }
    dt_buf_putc(out, '}');
}

void dt_outcomes_json(const struct dt_outcomes *o, const char *lang, struct dt_buf *out)
{
    char asof[21];
    dt_iso_time(o->as_of, asof);
    dt_buf_printf(out, "{\"window_s\":%ld,\"as_of\":\"%s\",\"by_level\":", o->window_s, asof);
    json_levels(&o->team, out);
    json_groups("by_rep", o->reps, o->n_reps, out);
    json_groups("by_month", o->months, o->n_months, out);
    struct dt_buf st = DT_BUF_INIT;
    dt_outcomes_statement(&o->team, o->window_s, lang, &st);
    dt_buf_puts(out, ",\"statement\":");
    dt_json_string(out, st.data ? st.data : "");
    if (dt_buf_failed(&st))
        out->failed = true;
    dt_buf_free(&st);
    dt_buf_puts(out, "}\n");
}
