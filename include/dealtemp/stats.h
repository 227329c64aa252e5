/*
 * stats.h - `dealtemp stats`: how the team's outbound mail scores, under
 * the thresholds configured now, and which thresholds would flag a given
 * share of it.
 *
 * Levels are derived from the stored scores with dt_level_of() and the
 * configuration in force (euphoria.h), never read from the store, so a
 * threshold changed in the file reaches every stored message at the next
 * run. Suggested thresholds are values the configuration accepts
 * (0 < warm < euphoric < 1, at the score's resolution of 0.001), each with
 * the share it would really flag: ties can make that more than asked.
 * Beside each suggested euphoric threshold (and the one in force), the
 * evidence for it: the reply rates of the mail it would call euphoric and
 * of the rest (calm and warm), with 95 % intervals, as the report judges
 * replies (outcomes.h) - the outbound messages judged once, then
 * re-grouped per candidate (dt_outcomes_split), never re-read.
 *
 * Failure: dt_stats_collect returns -1 with err set (store errors, out of
 * memory); the rest never fails (allocation failures stay in the dt_buf).
 */
#ifndef DEALTEMP_STATS_H
#define DEALTEMP_STATS_H

#include <stddef.h>

#include "dealtemp/buf.h"
#include "dealtemp/config.h"
#include "dealtemp/error.h"
#include "dealtemp/intern.h"
#include "dealtemp/outcomes.h"
#include "dealtemp/store.h"

/* One rep's outbound messages by level. */
struct dt_stats_rep {
    size_t outbound;
    size_t level[DT_LEVEL_COUNT];
};

struct dt_stats {
    struct dt_store_counts counts;
    double *scores;                /* every outbound score, ascending once collected */
    size_t n;
    size_t level[DT_LEVEL_COUNT];  /* under the configured thresholds */
    struct dt_intern reps;         /* rep address -> index */
    struct dt_stats_rep *rep;      /* by index (0 unused) */
    size_t rep_cap;
    /* dt_stats_collect_outcomes: every outbound message judged as of as_of */
    struct dt_judged *judged;
    size_t n_judged;
    bool have_judged;
    time_t as_of;
    long window_s;                 /* report.window */
};

/* Read every stored message into s (zeroed first). Free with dt_stats_free. */
int dt_stats_collect(struct dt_store *st, const struct dt_config *cfg, struct dt_stats *s,
                     struct dt_error *err);
void dt_stats_free(struct dt_stats *s);

/*
 * Also judge every outbound message at or before as_of (outcomes.h) into
 * s, after dt_stats_collect: dt_stats_render then shows what each
 * euphoric threshold would have meant for the reply rates. 0, or -1 with
 * err set (s keeps what dt_stats_collect put there).
 */
int dt_stats_collect_outcomes(struct dt_store *st, const struct dt_config *cfg, time_t as_of,
                              struct dt_stats *s, struct dt_error *err);

/* The histogram's bins: tenths up to 0.9, then finer where thresholds are tuned. */
#define DT_STATS_BINS 13
extern const double dt_stats_bin_edges[DT_STATS_BINS + 1];
/* Which bin a score falls in. */
size_t dt_stats_bin(double score);

/*
 * The threshold t with lo <= t <= hi at which "score >= t" flags about the
 * top `share` (0..1) of sorted[0..n) (ascending): the score where that top
 * share starts, clamped to [lo, hi]. *flagged is the share t really flags.
 * n == 0 gives hi and *flagged 0.
 */
double dt_stats_threshold(const double *sorted, size_t n, double share, double lo, double hi,
                          double *flagged);

/* The report, as `dealtemp stats` prints it (without the milter's counters); the reply
 * rates beside the euphoric thresholds when s holds judged messages. */
void dt_stats_render(const struct dt_stats *s, const struct dt_config *cfg, struct dt_buf *out);

/* The running milter's counters (<database>.counters), or "milter: not running". */
void dt_stats_render_milter(const struct dt_config *cfg, struct dt_buf *out);

#endif
