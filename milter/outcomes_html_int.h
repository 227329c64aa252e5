/*
 * outcomes_html_int.h - private to outcomes_html.c, outcomes_svg.c and
 * outcomes_lang.c: the words of the report per language, the colours, and
 * the three charts.
 *
 * A member that is a format is printf'ed with exactly the arguments its
 * comment lists, in that order; every table uses the same conversions as
 * English (check_outcomes_html.c compares them) and no member is NULL.
 */
#ifndef DEALTEMP_OUTCOMES_HTML_INT_H
#define DEALTEMP_OUTCOMES_HTML_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "dealtemp/buf.h"
#include "dealtemp/config.h"
#include "dealtemp/duration.h"
#include "dealtemp/outcomes.h"
#include "digest_render_int.h"

struct dt_report_words {
    const char *code;                  /* "en", "nl", "de", "fr" */
    const char *title;                 /* "Replies by euphoria level" */
    const char *as_of;                 /* (date and time): "As of %s" */
    const char *only_rep;              /* (rep): "Only the mail of %s" */
    const char *window;                /* (duration): when a mail counts as answered; pending */
    const char *thresholds;            /* (warm, euphoric, as "0.35"): the thresholds in force */
    const char *level[DT_LEVEL_COUNT]; /* "calm", "warm", "euphoric" */
    const char *pct;                   /* (long): "%ld %%" */
    const char *pct_range;             /* (long, long): "%ld–%ld %%" */
    const char *judged;                /* (count): "%s judged" */
    const char *nothing_judged;        /* a level without judged mail */
    const char *rates_title, *rates_note, *rates_caption;
    const char *col_level, *col_mails, *col_answered, *col_pending, *col_rate;
    const char *lat_title;
    const char *lat_note;    /* dots, log scale of calendar time, the two lines */
    const char *lat_sampled; /* (size_t dots): when a row has more replies than dots */
    const char *lat_caption;
    const char *col_median, *col_p75;
    const char *median, *p75; /* the marks' short names in the chart */
    const char *answered_n;   /* (count): "%s answered" */
    const char *no_replies;   /* a level without answered mail */
    const char *trend_title, *trend_note;
    const char *trend_team; /* what the dashed line is (only with several reps) */
    const char *trend_caption;
    const char *col_month, *col_share;
    const char *share_cell;  /* (pct, k, n): "%s (%s of %s)" */
    const char *nothing_yet; /* no mail at all */
    const char *text_rate;   /* (level, pct, range, judged count): the roll-up's text */
    const char *text_lat;    /* (median, p75): appended to text_rate */
    const char *text_none;   /* (level): a level without judged mail, in the text */
    const char *footer;
};

extern const struct dt_report_words dt_report_words_en, dt_report_words_nl, dt_report_words_de,
    dt_report_words_fr;

/* The words for lang ("en" for anything unknown or NULL). */
const struct dt_report_words *dt_report_words_of(const char *lang);

/* The digest's table of lang (months, weekdays, date formats), sales profile or cfg's. */
const struct dt_digest_lang *dt_report_digest_lang(const struct dt_config *cfg, const char *lang);

/* Light colours (on the white card) and what every chart draws with. */
#define DTO_INK "#1f2d3a"
#define DTO_MUTED "#5b6472"
#define DTO_AXIS "#6b7684"
#define DTO_GRID "#d9d6cf"
#define DTO_CARD "#ffffff"
#define DTO_PAGE "#f3f2ef"
#define DTO_STATEMENT "#2f4f2f"
#define DTO_STATEMENT_BG "#eef3ea"
extern const char *const dto_level_color[DT_LEVEL_COUNT];
extern const char *const dto_level_dark[DT_LEVEL_COUNT];
#define DTO_FONT "font-family:Helvetica,Arial,sans-serif;"

/* What every chart and table needs. */
struct dto_ctx {
    const struct dt_outcomes *o;
    const struct dt_config *cfg;
    const struct dt_report_words *W;
    const struct dt_digest_lang *L; /* months, weekdays; tz set to the configured zone */
    const char *id;                 /* prefix of element ids: several reports on one page */
};

/* lround(100 x r): every percentage a person reads. */
long dto_pct(double r);
/* "41 %", "32–50 %" in W's format. */
void dto_pct_text(const struct dto_ctx *c, double r, char *buf, size_t size);
void dto_range_text(const struct dto_ctx *c, double lo, double hi, char *buf, size_t size);
/* "Nov 2026" for a month key "2026-11" ("" when it does not parse). */
void dto_month_label(const struct dto_ctx *c, const char *key, bool year, char *buf, size_t size);
/* Append text, HTML-escaped (also fit for SVG). */
void dto_put(struct dt_buf *b, const char *text);
/* The euphoric share of a count row; false when the row is empty. */
bool dto_share(const size_t row[DT_LEVEL_COUNT], double *share);

/* outcomes_svg.c: the charts, each one <svg> with a viewBox and width 100%. */
void dto_svg_rates(const struct dto_ctx *c, struct dt_buf *b);
void dto_svg_latency(const struct dto_ctx *c, struct dt_buf *b);
void dto_svg_trend(const struct dto_ctx *c, const struct dt_outcome_group *rep, struct dt_buf *b);

/* The most dots a latency row draws: beyond it, evenly spaced quantiles. */
#define DTO_MAX_DOTS 200

#endif
