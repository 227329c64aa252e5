/*
 * report.h - how `dealtemp score` and `dealtemp explain` show what
 * dt_analyze() found. Pure: text is built in a buffer, the program prints.
 */
#ifndef DEALTEMP_REPORT_H
#define DEALTEMP_REPORT_H

#include "dealtemp/analyze.h"
#include "dealtemp/buf.h"
#include "dealtemp/config.h"

/*
 * One JSON object on one line (ending in "\n"):
 * {"file":..., "score":0.74, "level":"euphoric", "lang":"en", "words":58,
 *  "direction":"outbound", "total":9.1, "counts":{"hype":3,...},
 *  "evidence":[{"kind":"hype","text":"amazing","weight":1.5,"offset":12}, ...],
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

#endif
