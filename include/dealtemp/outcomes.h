/*
 * outcomes.h - the team's own evidence: how often did mail of each
 * euphoria level get an answer, and how fast? From the store's metadata
 * only (no body is needed or kept).
 *
 * The one rule (dt_outcome_of): an outbound message sent at `out` is
 *   pending     when as_of - out < window (its full window has not passed:
 *               left out of every rate, answered or not, so young mail
 *               cannot bias a rate either way);
 *   answered    else when the customer wrote in the same thread after it,
 *               at most window later (out < reply <= out + window; a reply
 *               in the same second follows the message, as in cooling.h);
 *   unanswered  else.
 * Its latency is the time to that first customer message, in calendar and
 * in business seconds. Several outbound messages in a row are each judged:
 * one reply answers them all, each with its own latency.
 *
 * Grouped by the message's euphoria level under the thresholds configured
 * now (dt_level_of: tuning them re-groups history), for the team, per rep
 * and per month (the month of the message in business_hours.timezone).
 * Per group: messages, answered, pending, the reply rate answered /
 * (messages - pending) with a 95 % Wilson interval, and the median and
 * 75th percentile of the latencies (nearest rank); per rep also the
 * messages of each level in each month (how the rep writes, month by
 * month: the report's trend of the euphoric share).
 *
 * For tuning (`dealtemp stats`), dt_outcomes_judged() keeps every judged
 * message's score and outcome, so that dt_outcomes_split() can re-group
 * them under any candidate threshold without reading the store again;
 * check_outcomes.c holds the two paths to the same answer.
 *
 * Does not handle: a reply that quotes no thread (it starts a thread of
 * its own and answers nothing); a rep's mail before a change of address
 * (a rep is an address).
 */
#ifndef DEALTEMP_OUTCOMES_H
#define DEALTEMP_OUTCOMES_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "dealtemp/buf.h"
#include "dealtemp/config.h"
#include "dealtemp/euphoria.h"
#include "dealtemp/store.h"

enum dt_outcome { DT_OUTCOME_PENDING, DT_OUTCOME_ANSWERED, DT_OUTCOME_UNANSWERED };

/* The rule above; reply is the customer's first message after out, 0 when none. */
enum dt_outcome dt_outcome_of(time_t out, time_t reply, long window_s, time_t as_of);

/*
 * The 95 % Wilson score interval of k successes in n trials (z = 1.96),
 * in [0, 1]; n == 0 gives [0, 1].
 */
void dt_wilson(size_t k, size_t n, double *lo, double *hi);

/* One group of messages of one level. */
struct dt_outcome_cell {
    size_t messages, answered, pending;
    double reply_rate;       /* answered / judged; 0 when nothing is judged */
    double ci_lo, ci_hi;     /* Wilson, 95 % */
    long median_s, p75_s;    /* calendar latency of the answered; -1 when none */
    long median_business_s, p75_business_s;
    /* the latencies (owned), for the figures above and for pictures */
    long *lat, *lat_business;
    size_t n_lat, cap_lat;
};

struct dt_outcome_group {
    char *key;               /* a rep's address, a month "2026-11"; NULL for the team */
    struct dt_outcome_cell level[DT_LEVEL_COUNT];
    /*
     * Reps only (NULL for the team and the months): the rep's messages of
     * each level in each month of the report, month_levels[m][level] for
     * dt_outcomes.months[m]; a row of zeros is a month without their mail.
     */
    size_t (*month_levels)[DT_LEVEL_COUNT];
    size_t n_month_levels;   /* == the report's n_months once collected */
};

struct dt_outcomes {
    long window_s;
    time_t as_of;
    struct dt_outcome_group team;
    struct dt_outcome_group *reps;   /* sorted by address */
    size_t n_reps;
    struct dt_outcome_group *months; /* oldest first */
    size_t n_months;
};

/*
 * Read the store as of as_of (only messages at or before it) and fill out.
 * rep non-NULL: only that rep's outbound messages (and the team group is
 * theirs). Returns 0, or -1 with err set. Release with dt_outcomes_free.
 */
int dt_outcomes_collect(struct dt_store *st, const struct dt_config *cfg, time_t as_of,
                        const char *rep, struct dt_outcomes *out, struct dt_error *err);
/*
 * The same for the reps of a list (addresses or "@domain", as
 * dt_address_listed matches them: a manager's reps); the team group is
 * theirs together. n_reps 0: every rep, as dt_outcomes_collect(NULL).
 */
int dt_outcomes_collect_for(struct dt_store *st, const struct dt_config *cfg, time_t as_of,
                            char *const *reps, size_t n_reps, struct dt_outcomes *out,
                            struct dt_error *err);
void dt_outcomes_free(struct dt_outcomes *o);

/* One judged outbound message: its score and what became of it. */
struct dt_judged {
    double score;
    enum dt_outcome outcome;
};

/*
 * Every outbound message at or before as_of, judged by the rule above, in
 * store order: *out (owned by the caller: free()) and *n; 0, or -1 with
 * err set and *out NULL.
 */
int dt_outcomes_judged(struct dt_store *st, const struct dt_config *cfg, time_t as_of,
                       struct dt_judged **out, size_t *n, struct dt_error *err);

/*
 * Re-group judged messages as if p were in force: *euphoric the messages
 * dt_level_of(score, p) calls euphoric, *rest the calm and warm ones.
 * Cells as dt_outcomes_collect fills them (counts, reply rate, interval),
 * without latencies (lat NULL, medians -1); nothing to free.
 */
void dt_outcomes_split(const struct dt_judged *j, size_t n, const struct dt_euphoria_params *p,
                       struct dt_outcome_cell *euphoric, struct dt_outcome_cell *rest);

/* n as the statement writes counts in lang: "1,120", "1.120", "1 120" (UTF-8). */
void dt_outcomes_number(size_t n, const char *lang, char *buf, size_t size);

/*
 * The one plain statement of the difference between euphoric and calm mail
 * of g, in language lang ("en", "nl", "de", "fr"): the two rates, whether
 * their intervals overlap, how many mails each; or that there are too few
 * (fewer than 10 judged of either) to compare.
 */
void dt_outcomes_statement(const struct dt_outcome_group *g, long window_s, const char *lang,
                           struct dt_buf *out);

/* The JSON object of issue 12 (window_s, as_of, by_level, by_rep, by_month, statement), one line. */
void dt_outcomes_json(const struct dt_outcomes *o, const char *lang, struct dt_buf *out);

#endif
