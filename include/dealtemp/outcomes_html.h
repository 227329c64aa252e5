/*
 * outcomes_html.h - the team's own evidence (outcomes.h) for a person: one
 * self-contained HTML page (`dealtemp report --html FILE`), the same
 * charts as a fragment for a manager's weekly roll-up, and a few lines of
 * text for the roll-up's text part. Pure: the figures are outcomes.c's,
 * rendered, never recomputed (rates, intervals, medians and the statement
 * all come from struct dt_outcomes).
 *
 * What a page holds: the statement (dt_outcomes_statement) on top; the
 * reply rate of each euphoria level as a bar with its 95 % interval as a
 * whisker; the latencies of the answered mail of each level as a strip of
 * dots on a log scale of time with the median and 75th percentile marked
 * and the ticks in words (dt_duration_words, calendar clock); each rep's
 * euphoric share of their mail per month as small multiples beside the
 * team's. Beneath every chart a <table> with the same numbers (caption,
 * th scope) for screen readers and for mail clients that drop SVG.
 * Every percentage is rounded (lround), never floored.
 *
 * The page: inline CSS (light, and dark under prefers-color-scheme), inline
 * SVG scaled by its viewBox to the width of the screen, no script, no
 * image, no URL, nothing fetched; nothing under 12 px on a 390 px phone.
 * Words in "en", "nl", "de" or "fr" (anything else: English).
 *
 * Privacy: a page holds what o holds: rep addresses and counts, never a
 * subject or a customer's address (outcomes.c keeps none). Collected for
 * one rep, it holds that rep only. Rep addresses come from mail headers
 * (the sender's own, but hostile all the same): cleaned and HTML-escaped.
 *
 * Failure: none here; allocation failures stay in the dt_buf (out->failed).
 */
#ifndef DEALTEMP_OUTCOMES_HTML_H
#define DEALTEMP_OUTCOMES_HTML_H

#include <stddef.h>

#include "dealtemp/buf.h"
#include "dealtemp/config.h"
#include "dealtemp/outcomes.h"

/*
 * The complete page for o in lang. rep: the --rep the figures were
 * collected for (named under the title), or NULL for the team.
 */
void dt_outcomes_html(const struct dt_outcomes *o, const struct dt_config *cfg, const char *lang,
                      const char *rep, struct dt_buf *out);

/*
 * The statement, the three charts and their tables, as one <div> with
 * inline styles only (for a mail: no <style> needed; on its own white
 * panel, so a client's dark mode cannot leave dark ink on a dark card).
 * No line ends in white space (quoted-printable would double it).
 */
void dt_outcomes_html_charts(const struct dt_outcomes *o, const struct dt_config *cfg,
                             const char *lang, struct dt_buf *out);

/* The statement and one line per level (rate, interval, median and 75th percentile), text. */
void dt_outcomes_text(const struct dt_outcomes *o, const struct dt_config *cfg, const char *lang,
                      struct dt_buf *out);

/*
 * The colours of the page and the pairs that must be readable: text at
 * WCAG AA 4.5:1, bars, dots, whiskers and lines at 3:1 against what they
 * are drawn on; min 1.0 for decoration (borders, grid lines).
 * check_outcomes_html.c computes every ratio and refuses a colour in the
 * page that is not listed here.
 */
struct dt_color_pair {
    const char *fg, *bg;
    double min;
    const char *what;
};
extern const struct dt_color_pair dt_outcomes_palette[];
extern const size_t dt_outcomes_palette_n;

#endif
