/*
 * stats.c - `dealtemp stats` (stats.h): one pass over the store, levels
 * under the configured thresholds, threshold suggestions, per-rep shares.
 *
 * Public: dt_stats_collect(), dt_stats_collect_outcomes(), dt_stats_free(),
 * dt_stats_bin(), dt_stats_threshold(), dt_stats_render(),
 * dt_stats_render_milter().
 * Reps are interned (intern.h), so any number of them is counted - there
 * is no fixed table to overflow. Memory: 8 bytes per outbound message for
 * the sorted scores, 16 more for the judged messages (outcomes.h), which
 * every candidate threshold re-groups without reading the store again.
 */
#include "dealtemp/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dealtemp/daemon.h"
#include "dealtemp/duration.h"
#include "dealtemp/report.h"
#include "dealtemp/utf8.h"

#define HIST_WIDTH 50
#define RES (1.0 / DT_SCORE_SCALE) /* the score's resolution: 0.001 */

const double dt_stats_bin_edges[DT_STATS_BINS + 1] = {0.0, 0.1, 0.2, 0.3,  0.4,  0.5,  0.6,
                                                      0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 1.0};

/* Shares of outbound mail a suggested threshold would flag. */
static const double euphoric_shares[] = {0.05, 0.10, 0.20};
static const double warm_shares[] = {0.25, 0.40};

struct collect {
    struct dt_stats *s;
    const struct dt_config *cfg;
    size_t cap;
    bool oom;
};

static int grow_reps(struct dt_stats *s, size_t need)
{
    if (need < s->rep_cap)
        return 0;
    size_t cap = s->rep_cap ? s->rep_cap * 2 : 64;
    while (cap <= need)
        cap *= 2;
    struct dt_stats_rep *r = realloc(s->rep, cap * sizeof(*r));
    if (r == NULL)
        return -1;
    memset(r + s->rep_cap, 0, (cap - s->rep_cap) * sizeof(*r));
    s->rep = r;
    s->rep_cap = cap;
    return 0;
}

static int collect_row(const struct dt_row *r, void *arg)
{
    struct collect *c = arg;
    struct dt_stats *s = c->s;
    if (!r->outbound)
        return 0;
    if (s->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 4096;
        double *v = realloc(s->scores, cap * sizeof(*v));
        if (v == NULL)
            goto oom;
        s->scores = v;
        c->cap = cap;
    }
    s->scores[s->n++] = r->score;
    enum dt_level lv = dt_level_of(r->score, &c->cfg->euphoria);
    s->level[lv]++;
    long i = dt_intern(&s->reps, r->rep != NULL ? r->rep : "");
    if (i < 0 || grow_reps(s, (size_t)i) < 0)
        goto oom;
    s->rep[i].outbound++;
    s->rep[i].level[lv]++;
    return 0;
oom:
    c->oom = true;
    return 1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int dt_stats_collect(struct dt_store *st, const struct dt_config *cfg, struct dt_stats *s,
                     struct dt_error *err)
{
    memset(s, 0, sizeof(*s));
    struct collect c = {s, cfg, 0, false};
    if (dt_store_scan(st, NULL, collect_row, &c, err) < 0)
        return -1;
    if (c.oom)
        return dt_error_set(err, "out of memory counting %zu outbound messages", s->n);
    if (dt_store_count(st, &s->counts, err) < 0)
        return -1;
    if (s->n > 1) /* an empty store has no array: qsort(NULL, 0) is undefined */
        qsort(s->scores, s->n, sizeof(*s->scores), cmp_double);
    return 0;
}

int dt_stats_collect_outcomes(struct dt_store *st, const struct dt_config *cfg, time_t as_of,
                              struct dt_stats *s, struct dt_error *err)
{
    free(s->judged);
    s->judged = NULL;
    s->have_judged = false;
    s->as_of = as_of;
    s->window_s = cfg->report_window;
    if (dt_outcomes_judged(st, cfg, as_of, &s->judged, &s->n_judged, err) < 0)
        return -1;
    s->have_judged = true;
    return 0;
}

void dt_stats_free(struct dt_stats *s)
{
    if (s == NULL)
        return;
    free(s->judged);
    free(s->scores);
    free(s->rep);
    dt_intern_free(&s->reps);
    memset(s, 0, sizeof(*s));
}

size_t dt_stats_bin(double score)
{
    size_t b = 0;
    while (b + 1 < DT_STATS_BINS && score >= dt_stats_bin_edges[b + 1] - RES / 2)
        b++;
    return b;
}

/* How many of sorted[0..n) are >= t (at the score's resolution). */
static size_t at_least(const double *sorted, size_t n, double t)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sorted[mid] < t - RES / 2)
            lo = mid + 1;
        else
            hi = mid;
    }
    return n - lo;
}

double dt_stats_threshold(const double *sorted, size_t n, double share, double lo, double hi,
                          double *flagged)
{
    if (n == 0) {
        *flagged = 0;
        return hi;
    }
    /* The top `share` starts at index ceil(n x (1 - share)), within range. */
    double k = ceil((double)n * (1.0 - share));
    size_t i = k <= 0 ? 0 : k >= (double)n ? n - 1 : (size_t)k;
    double t = round(sorted[i] * DT_SCORE_SCALE) / DT_SCORE_SCALE;
    if (t < lo)
        t = lo;
    if (t > hi)
        t = hi;
    *flagged = (double)at_least(sorted, n, t) / (double)n;
    return t;
}

static double pct(size_t part, size_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static void histogram(const struct dt_stats *s, struct dt_buf *out)
{
    size_t bins[DT_STATS_BINS] = {0}, most = 1;
    for (size_t i = 0; i < s->n; i++)
        bins[dt_stats_bin(s->scores[i])]++;
    for (size_t b = 0; b < DT_STATS_BINS; b++)
        if (bins[b] > most)
            most = bins[b];
    dt_buf_puts(out, "\nscore distribution\n");
    for (size_t b = 0; b < DT_STATS_BINS; b++) {
        dt_buf_printf(out, "  %.2f-%.2f %8zu ", dt_stats_bin_edges[b], dt_stats_bin_edges[b + 1],
                      bins[b]);
        for (size_t k = 0; k < bins[b] * HIST_WIDTH / most; k++)
            dt_buf_putc(out, '#');
        dt_buf_putc(out, '\n');
    }
}

/* "4 of 12 answered, 33 % (14-61 %)", or "none judged yet", for one side of a threshold. */
static void side(const struct dt_outcome_cell *c, struct dt_buf *out)
{
    size_t judged = c->messages - c->pending;
    if (judged == 0) {
        dt_buf_puts(out, "none judged yet");
        if (c->pending > 0)
            dt_buf_printf(out, " (%zu pending)", c->pending);
        return;
    }
    dt_buf_printf(out, "%zu of %zu answered, %ld %% (%ld-%ld %%)", c->answered, judged,
                  lround(c->reply_rate * 100), lround(c->ci_lo * 100), lround(c->ci_hi * 100));
}

/* What euphoric = t would have meant for the replies, under the suggestion's line. */
static void evidence(const struct dt_stats *s, const struct dt_config *cfg, double t,
                     struct dt_buf *out)
{
    if (!s->have_judged)
        return;
    struct dt_euphoria_params p = cfg->euphoria;
    p.euphoric = t;
    struct dt_outcome_cell eu, rest;
    dt_outcomes_split(s->judged, s->n_judged, &p, &eu, &rest);
    dt_buf_puts(out, "      euphoric:      ");
    side(&eu, out);
    dt_buf_puts(out, "\n      calm and warm: ");
    side(&rest, out);
    if (eu.messages > eu.pending && rest.messages > rest.pending)
        dt_buf_puts(out, eu.ci_hi < rest.ci_lo || rest.ci_hi < eu.ci_lo
                             ? "; the intervals do not overlap\n"
                             : "; the intervals overlap\n");
    else
        dt_buf_putc(out, '\n');
}

static void evidence_heading(const struct dt_stats *s, const struct dt_config *cfg,
                             struct dt_buf *out)
{
    if (!s->have_judged)
        return;
    char asof[21], window[64];
    struct dt_clock cal = DT_CALENDAR;
    size_t pending = 0;
    for (size_t i = 0; i < s->n_judged; i++)
        pending += s->judged[i].outcome == DT_OUTCOME_PENDING;
    dt_iso_time(s->as_of, asof);
    dt_duration_words(s->window_s, &cal, "en", window, sizeof(window));
    dt_buf_printf(out,
                  "  under each euphoric threshold: the reply rates of the mail it calls euphoric\n"
                  "  and of the rest, answered within %s (report.window), 95 %% intervals,\n"
                  "  as of %s; %zu of %zu outbound mails %s younger: pending, left out\n",
                  window, asof, pending, s->n_judged, pending == 1 ? "is" : "are");
    dt_buf_printf(out, "  euphoria.euphoric = %.3f (in force now)\n", cfg->euphoria.euphoric);
    evidence(s, cfg, cfg->euphoria.euphoric, out);
}

static void suggestions(const struct dt_stats *s, const struct dt_config *cfg, struct dt_buf *out)
{
    const struct dt_euphoria_params *p = &cfg->euphoria;
    dt_buf_puts(out, "\nthresholds that would flag a share of outbound mail"
                     " (accepted: 0 < warm < euphoric < 1)\n");
    if (s->n == 0) {
        dt_buf_puts(out, "  (no outbound messages yet)\n");
        return;
    }
    double flagged;
    evidence_heading(s, cfg, out);
    for (size_t i = 0; i < sizeof(euphoric_shares) / sizeof(*euphoric_shares); i++) {
        /* Above the current warm, so the file stays valid with only this line changed. */
        double t = dt_stats_threshold(s->scores, s->n, euphoric_shares[i], p->warm + RES, 1.0 - RES,
                                      &flagged);
        dt_buf_printf(out, "  euphoria.euphoric = %.3f; flags %5.1f%% (asked %2.0f%%)\n", t,
                      100.0 * flagged, 100.0 * euphoric_shares[i]);
        evidence(s, cfg, t, out);
    }
    for (size_t i = 0; i < sizeof(warm_shares) / sizeof(*warm_shares); i++) {
        /* At least warm: below the current euphoric. */
        double t =
            dt_stats_threshold(s->scores, s->n, warm_shares[i], RES, p->euphoric - RES, &flagged);
        dt_buf_printf(out,
                      "  euphoria.warm     = %.3f; flags %5.1f%% at least warm (asked %2.0f%%)\n",
                      t, 100.0 * flagged, 100.0 * warm_shares[i]);
    }
}

static int cmp_rep(const void *a, const void *b, void *arg)
{
    const struct dt_intern *in = arg;
    return strcmp(dt_intern_str(in, *(const long *)a), dt_intern_str(in, *(const long *)b));
}

static void per_rep(const struct dt_stats *s, struct dt_buf *out)
{
    size_t n = dt_intern_count(&s->reps);
    dt_buf_printf(out, "\nper rep %-24s %8s %8s %8s %9s\n", "", "outbound", "calm", "warm",
                  "euphoric");
    long *order = malloc((n ? n : 1) * sizeof(*order));
    if (order == NULL) {
        out->failed = true;
        return;
    }
    for (size_t i = 0; i < n; i++)
        order[i] = (long)i + 1;
    qsort_r(order, n, sizeof(*order), cmp_rep, (void *)&s->reps);
    struct dt_buf name = DT_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        const struct dt_stats_rep *r = &s->rep[order[i]];
        /* A rep's address came from mail: one clean line (utf8.h), never raw. */
        dt_buf_reset(&name);
        if (!dt_utf8_clean_line(&name, dt_intern_str(&s->reps, order[i]), 200, false))
            dt_buf_puts(&name, "?");
        dt_buf_printf(out, "  %-30s %8zu %8zu %8zu %9zu (%.1f%%)\n",
                      name.data ? name.data : "?", r->outbound, r->level[DT_LEVEL_CALM],
                      r->level[DT_LEVEL_WARM], r->level[DT_LEVEL_EUPHORIC],
                      pct(r->level[DT_LEVEL_EUPHORIC], r->outbound));
    }
    if (dt_buf_failed(&name))
        out->failed = true;
    dt_buf_free(&name);
    free(order);
}

void dt_stats_render(const struct dt_stats *s, const struct dt_config *cfg, struct dt_buf *out)
{
    const struct dt_euphoria_params *p = &cfg->euphoria;
    dt_buf_printf(out, "store: %zu outbound, %zu inbound messages in %zu threads\n",
                  s->counts.outbound, s->counts.inbound, s->counts.threads);
    dt_buf_printf(out, "outbound messages scored: %zu\n", s->n);
    histogram(s, out);
    dt_buf_printf(out, "\nlevels (euphoria.warm = %.3f, euphoria.euphoric = %.3f)\n", p->warm,
                  p->euphoric);
    for (int l = 0; l < DT_LEVEL_COUNT; l++)
        dt_buf_printf(out, "  %-9s %8zu  %5.1f%%\n", dt_level_name((enum dt_level)l), s->level[l],
                      pct(s->level[l], s->n));
    suggestions(s, cfg, out);
    per_rep(s, out);
}

void dt_stats_render_milter(const struct dt_config *cfg, struct dt_buf *b)
{
    struct dt_buf lines = DT_BUF_INIT;
    struct dt_error err = {{0}};
    int running = dt_daemon_read_counters(cfg->database, cfg->spool, &lines, &err);
    if (running < 0)
        dt_buf_printf(b, "\nmilter: %s\n", err.msg);
    else if (running == 0)
        dt_buf_puts(b, "\nmilter: not running\n");
    else {
        dt_buf_puts(b, "\nmilter: running\n");
        for (char *line = lines.data, *eol; line != NULL && *line; line = eol + 1) {
            eol = strchr(line, '\n');
            if (eol == NULL)
                break;
            char *eq = strchr(line, '=');
            if (eq == NULL || eq > eol)
                continue;
            /* The file is the milter's, in a directory others may write: clean. */
            *eol = '\0';
            *eq = '\0';
            struct dt_buf k = DT_BUF_INIT, v = DT_BUF_INIT;
            dt_utf8_clean_line(&k, line, 40, false);
            dt_utf8_clean_line(&v, eq + 1, 200, false);
            dt_buf_printf(b, "  %-16s %s\n", k.data ? k.data : "", v.data ? v.data : "");
            if (dt_buf_failed(&k) || dt_buf_failed(&v))
                b->failed = true;
            dt_buf_free(&k);
            dt_buf_free(&v);
        }
    }
    dt_buf_free(&lines);
}
