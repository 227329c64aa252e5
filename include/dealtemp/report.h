/*
 * report.h - how `dealtemp score` and `dealtemp explain` show what
 * dt_analyze() found. Pure: text is built in a buffer, the program prints.
 */
#ifndef DEALTEMP_REPORT_H
#define DEALTEMP_REPORT_H

#include "dealtemp/analyze.h"
#include "dealtemp/buf.h"
#include "dealtemp/config.h"
#include "dealtemp/deals.h"

/*
 * One JSON object on one line (ending in "\n"):
 * {"file":..., "score":0.74, "level":"euphoric", "lang":"en", "words":58,
 *  "direction":"outbound", "total":9.1, "counts":{"hype":3,...},
 *  "evidence":[{"kind":"hype","text":"amazing","weight":1.5,"offset":12}, ...],
 *  "evidence_dropped":0 (hits beyond the first DT_EVIDENCE_MAX, counted but not listed),
 *  "removed":{"quoted":0,"forward":0,"signature":3}, "warning":null}
 * Negated hits are listed with "negated":true and weight 0.
 */
void dt_report_json(const struct dt_facts *facts, const char *file, struct dt_buf *out);

/*
 * For a person: a summary line, the own words with every hit marked
 * [[like this]], the evidence one per line with its weight, and the sum
 * that led to the score and level. facts must have been analyzed with
 * DT_ANALYZE_KEEP_TEXT.
 */
void dt_report_explain(const struct dt_facts *facts, const struct dt_config *cfg,
                       const char *file, struct dt_buf *out);

/*
 * `dealtemp threads --json`: one object per line with thread, rep,
 * counterpart, counterpart_name, subject, state, clock ("calendar" or
 * "business": the clock the state was judged on), latencies_s (the
 * customer's, calendar seconds), latencies_business_s, rep_latencies_s,
 * usual_s and usual_business_s, usual_source ("thread", "customer" = their
 * other threads, "default" = cooling.default_reply), silent_s and
 * silent_business_s (null when the customer spoke last), last_out, last_in
 * (ISO 8601 UTC or null), peak_euphoria, messages, and
 * trigger_at/trigger_score/trigger_phrases when an enthusiastic message is
 * behind the state. The *_business_s fields are present whenever business
 * hours are configured (always, with the defaults).
 */
void dt_report_deal_json(const struct dt_deal *d, struct dt_buf *out);
/* The table form: a header line (d == NULL) or one row, durations in words on the clock in force. */
void dt_report_deal_row(const struct dt_deal *d, struct dt_buf *out);
/* The table's header line in a profile's words: the column of the other side's tone is
 * CUSTOMER (sales; what dt_report_deal_row(NULL) writes) or CANDIDATE (recruiting). */
void dt_report_deal_heading(enum dt_profile profile, struct dt_buf *out);

/* "2026-11-20T09:00:00Z" (0 -> "-"). buf holds 21 bytes. */
void dt_iso_time(time_t t, char buf[21]);
/* Parse "2026-11-20T09:00:00Z", "2026-11-20T09:00:00+01:00", "2026-11-20" or "now" (= now). */
int dt_parse_time(const char *s, time_t now, time_t *out);

#endif
