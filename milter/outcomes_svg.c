/*
 * outcomes_svg.c - the report's three charts as inline SVG (outcomes_html_int.h):
 * reply-rate bars with 95 % whiskers, latency dot strips on a log scale of
 * time with the median and 75th percentile marked, and one small multiple
 * per rep of their euphoric share by month. Pure.
 *
 * Every chart is one <svg> with a viewBox and width 100%: it scales with
 * the screen, never scrolls sideways. The viewBox is about as wide as a
 * 390 px phone shows it (1 unit ~ 1 px there), so text of 13 units reads
 * at about 13 px; on a wide screen the page caps the chart's width.
 * Colours are presentation attributes (a mail client without <style> still
 * paints them) with a class each, which the page's dark style overrides.
 * Marks drawn over bars or dots (whiskers, the median, the 75th
 * percentile) lie on a halo of the card's colour, so they keep their
 * contrast whatever is beneath.
 *
 * A latency row draws one dot per answered mail up to DTO_MAX_DOTS; beyond
 * that, DTO_MAX_DOTS evenly spaced quantiles of them (the page says so),
 * so a page over a million messages stays small. Latencies below the
 * axis' first tick (a reply within a minute) sit on its left edge.
 *
 * Failure: none; allocation failures stay in the dt_buf.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes_html_int.h"

#define VB_W 340   /* the wide charts' viewBox width */
#define FS 13      /* every text, in viewBox units */
#define CHAR_W 7.2 /* a character's width at FS, about, for keeping labels apart */
#define X0 2
#define X1 (VB_W - 2)

const char *const dto_level_color[DT_LEVEL_COUNT] = {"#1f6391", "#8a5a00", "#a0306e"};
const char *const dto_level_dark[DT_LEVEL_COUNT] = {"#8ab4f8", "#fdd663", "#f48fb1"};

static void svg_open(struct dt_buf *b, const struct dto_ctx *c, const char *label_id, int w, int h,
                     int max_px)
{
    dt_buf_printf(b,
                  "<svg viewBox=\"0 0 %d %d\" width=\"100%%\" "
                  "role=\"img\" aria-labelledby=\"%s-%s\" font-family=\"Helvetica,Arial,"
                  "sans-serif\" font-size=\"%d\" style=\"display:block;width:100%%;max-width:%dpx;"
                  "height:auto;margin:8px 0 4px 0;\">\n",
                  w, h, c->id, label_id, FS, max_px);
}

/* Characters of s (UTF-8), for guessing how wide a label is. */
static size_t chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static void text(struct dt_buf *b, double x, double y, const char *anchor, const char *fill,
                 const char *cls, const char *s)
{
    dt_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\"%s%s%s fill=\"%s\" class=\"%s\">", x, y,
                  anchor ? " text-anchor=\"" : "", anchor ? anchor : "", anchor ? "\"" : "", fill,
                  cls);
    dto_put(b, s);
    dt_buf_puts(b, "</text>\n");
}

static void line(struct dt_buf *b, double x1, double y1, double x2, double y2, const char *stroke,
                 const char *cls, double width, const char *dash)
{
    dt_buf_printf(b,
                  "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                  "stroke-width=\"%.1f\"%s%s%s class=\"%s\"/>\n",
                  x1, y1, x2, y2, stroke, width, dash ? " stroke-dasharray=\"" : "",
                  dash ? dash : "", dash ? "\"" : "", cls);
}

/* A mark over data: a halo of the card's colour, then the ink. */
static void mark(struct dt_buf *b, double x1, double y1, double x2, double y2, const char *dash)
{
    line(b, x1, y1, x2, y2, DTO_CARD, "dto-sh", 4, NULL);
    line(b, x1, y1, x2, y2, DTO_INK, "dto-si", 2, dash);
}

/* The level's name (bold, its colour) then more words in ink, on one line. */
static void row_label(struct dt_buf *b, const struct dto_ctx *c, int l, double y, const char *more)
{
    dt_buf_printf(b,
                  "<text x=\"0\" y=\"%.1f\"><tspan font-weight=\"bold\" fill=\"%s\" "
                  "class=\"dto-f%d\">",
                  y, dto_level_color[l], l);
    dto_put(b, c->W->level[l]);
    dt_buf_printf(b, "</tspan><tspan fill=\"%s\" class=\"dto-fi\"> ", DTO_INK);
    dto_put(b, more);
    dt_buf_puts(b, "</tspan></text>\n");
}

static void count_text(const struct dto_ctx *c, const char *fmt, size_t n, char *buf, size_t size)
{
    char num[32];
    dt_outcomes_number(n, c->W->code, num, sizeof(num));
    snprintf(buf, size, fmt, num);
}

/* ---- reply rates ---- */

#define RATE_ROW 50
#define RATE_TOP 4

void dto_svg_rates(const struct dto_ctx *c, struct dt_buf *b)
{
    int axis = RATE_TOP + DT_LEVEL_COUNT * RATE_ROW + 2, h = axis + 20;
    svg_open(b, c, "rates", VB_W, h, 520);
    for (int k = 0; k <= 4; k++) { /* grid lines at 0, 25, 50, 75, 100 % */
        double x = X0 + (X1 - X0) * k / 4.0;
        line(b, x, RATE_TOP + 20, x, axis, DTO_GRID, "dto-sg", 1, NULL);
    }
    for (int l = 0; l < DT_LEVEL_COUNT; l++) {
        const struct dt_outcome_cell *cell = &c->o->team.level[l];
        size_t judged = cell->messages - cell->pending;
        double y0 = RATE_TOP + l * RATE_ROW;
        char more[128], pct[32], range[48], n[64];
        if (judged == 0) {
            snprintf(more, sizeof(more), "%s", c->W->nothing_judged);
        } else {
            dto_pct_text(c, cell->reply_rate, pct, sizeof(pct));
            dto_range_text(c, cell->ci_lo, cell->ci_hi, range, sizeof(range));
            snprintf(more, sizeof(more), "%s (%s)", pct, range);
        }
        row_label(b, c, l, y0 + 15, more);
        count_text(c, c->W->judged, judged, n, sizeof(n));
        text(b, VB_W, y0 + 15, "end", DTO_MUTED, "dto-fm", n);
        if (judged == 0)
            continue;
        double w = (X1 - X0) * cell->reply_rate, lo = X0 + (X1 - X0) * cell->ci_lo,
               hi = X0 + (X1 - X0) * cell->ci_hi, ym = y0 + 30;
        dt_buf_printf(b,
                      "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"16\" fill=\"%s\" "
                      "class=\"dto-f%d\"/>\n",
                      X0, y0 + 22, w, dto_level_color[l], l);
        mark(b, lo, ym, hi, ym, NULL);
        mark(b, lo, ym - 6, lo, ym + 6, NULL);
        mark(b, hi, ym - 6, hi, ym + 6, NULL);
    }
    line(b, X0, axis, X1, axis, DTO_AXIS, "dto-sa", 1, NULL);
    for (int k = 0; k <= 4; k++) {
        char t[32];
        dto_pct_text(c, k / 4.0, t, sizeof(t));
        text(b, X0 + (X1 - X0) * k / 4.0, axis + 16,
             k == 0   ? "start"
             : k == 4 ? "end"
                      : "middle",
             DTO_MUTED, "dto-fm", t);
    }
    dt_buf_puts(b, "</svg>\n");
}

/* ---- latencies ---- */

#define LAT_ROW 74
#define LAT_TOP 4

struct scale {
    double lo, hi; /* seconds at X0 and X1 */
};

static double x_of(const struct scale *s, long v)
{
    double t = (double)v < s->lo ? s->lo : (double)v > s->hi ? s->hi : (double)v;
    return X0 + 4 + (X1 - X0 - 8) * log(t / s->lo) / log(s->hi / s->lo);
}

/* Candidate ticks; the axis starts at the largest one at or below the fastest answer. */
static const long tick_s[] = {60,        600,       3600,       6 * 3600,  86400,
                              3 * 86400, 7 * 86400, 14 * 86400, 30 * 86400};
#define N_TICKS (sizeof(tick_s) / sizeof(*tick_s))

static void lat_scale(const struct dt_outcomes *o, struct scale *s)
{
    long fastest = 3600;
    for (int l = 0; l < DT_LEVEL_COUNT; l++)
        for (size_t i = 0; i < o->team.level[l].n_lat; i++)
            if (o->team.level[l].lat[i] < fastest)
                fastest = o->team.level[l].lat[i];
    s->lo = (double)tick_s[0];
    for (size_t i = 0; i < N_TICKS && tick_s[i] <= 3600; i++)
        if (tick_s[i] <= fastest)
            s->lo = (double)tick_s[i];
    long window = o->window_s > 0 ? o->window_s : 7 * 86400;
    s->hi = (double)window > s->lo * 10 ? (double)window : s->lo * 10;
}

static void words_of(const struct dto_ctx *c, long v, char *buf, size_t size)
{
    struct dt_clock cal = DT_CALENDAR;
    dt_duration_words(v, &cal, c->W->code, buf, size);
}

/* Ticks in words, greedily from the left, never two labels on top of each other; the
 * window (the axis' right end) always. */
static void lat_axis(struct dt_buf *b, const struct dto_ctx *c, const struct scale *s, double y,
                     double grid_top)
{
    long at[N_TICKS + 1];
    size_t n = 0;
    for (size_t i = 0; i < N_TICKS; i++)
        if ((double)tick_s[i] >= s->lo && (double)tick_s[i] < s->hi)
            at[n++] = tick_s[i];
    at[n++] = (long)s->hi;
    bool keep[N_TICKS + 1];
    char label[N_TICKS + 1][64];
    for (size_t i = 0; i < n; i++)
        words_of(c, at[i], label[i], sizeof(label[i]));
    /* The window is kept, right-aligned at the end; the others left to right
     * (the first left-aligned at the start) while they clear their neighbours. */
    keep[n - 1] = true;
    double last_left = x_of(s, at[n - 1]) - CHAR_W * (double)chars(label[n - 1]);
    double prev_right = -1e9;
    for (size_t i = 0; i + 1 < n; i++) {
        double w = CHAR_W * (double)chars(label[i]), x = x_of(s, at[i]);
        double left = i == 0 ? x : x - w / 2, right = i == 0 ? x + w : x + w / 2;
        keep[i] = left > prev_right + 6 && right < last_left - 6;
        if (keep[i])
            prev_right = right;
    }
    for (size_t i = 0; i < n; i++) {
        if (!keep[i])
            continue;
        double x = x_of(s, at[i]);
        line(b, x, grid_top, x, y, DTO_GRID, "dto-sg", 1, NULL);
        text(b, x, y + 16,
             i == 0       ? "start"
             : i + 1 == n ? "end"
                          : "middle",
             DTO_MUTED, "dto-fm", label[i]);
    }
    line(b, X0, y, X1, y, DTO_AXIS, "dto-sa", 1, NULL);
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

static void dots(struct dt_buf *b, const struct dt_outcome_cell *cell, int l, const struct scale *s,
                 double ym)
{
    long *v = malloc(cell->n_lat * sizeof(*v));
    if (v == NULL) {
        b->failed = true;
        return;
    }
    memcpy(v, cell->lat, cell->n_lat * sizeof(*v));
    qsort(v, cell->n_lat, sizeof(*v), cmp_long);
    size_t n = cell->n_lat < DTO_MAX_DOTS ? cell->n_lat : DTO_MAX_DOTS;
    for (size_t i = 0; i < n; i++) {
        /* all of them, or the (i + 1/2)/n quantile of each of n equal shares */
        size_t k =
            n == cell->n_lat ? i : (size_t)(((double)i + 0.5) * (double)cell->n_lat / (double)n);
        unsigned jitter = (unsigned)((i * 2654435761u) >> 7) % 11u; /* the same every time */
        dt_buf_printf(b,
                      "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\" class=\"dto-f%d\"/>\n",
                      x_of(s, v[k]), ym + (double)jitter - 5, dto_level_color[l], l);
    }
    free(v);
}

void dto_svg_latency(const struct dto_ctx *c, struct dt_buf *b)
{
    struct scale s;
    lat_scale(c->o, &s);
    int axis = LAT_TOP + DT_LEVEL_COUNT * LAT_ROW + 2, h = axis + 20;
    svg_open(b, c, "latency", VB_W, h, 520);
    lat_axis(b, c, &s, axis, LAT_TOP + 36);
    for (int l = 0; l < DT_LEVEL_COUNT; l++) {
        const struct dt_outcome_cell *cell = &c->o->team.level[l];
        double y0 = LAT_TOP + l * LAT_ROW, ym = y0 + 52;
        char n[64], more[160], med[64], p75[64];
        count_text(c, c->W->answered_n, cell->n_lat, n, sizeof(n));
        row_label(b, c, l, y0 + 15, "");
        text(b, VB_W, y0 + 15, "end", DTO_MUTED, "dto-fm", n);
        if (cell->n_lat == 0 || cell->median_s < 0) {
            text(b, 0, y0 + 33, NULL, DTO_MUTED, "dto-fm", c->W->no_replies);
            continue;
        }
        words_of(c, cell->median_s, med, sizeof(med));
        words_of(c, cell->p75_s, p75, sizeof(p75));
        snprintf(more, sizeof(more), "%s %s \xc2\xb7 %s %s", c->W->median, med, c->W->p75, p75);
        text(b, 0, y0 + 33, NULL, DTO_INK, "dto-fi", more);
        dots(b, cell, l, &s, ym);
        mark(b, x_of(&s, cell->median_s), ym - 11, x_of(&s, cell->median_s), ym + 11, NULL);
        mark(b, x_of(&s, cell->p75_s), ym - 11, x_of(&s, cell->p75_s), ym + 11, "4 3");
    }
    dt_buf_puts(b, "</svg>\n");
}

/* ---- the euphoric share per month, one small multiple per rep ---- */

#define SM_W 170
#define SM_H 112
#define PX0 40
#define PX1 (SM_W - 6)
#define PY0 8
#define PY1 84

static double month_x(size_t m, size_t n)
{
    return n <= 1 ? (PX0 + PX1) / 2.0 : PX0 + 6 + (PX1 - PX0 - 12) * (double)m / (double)(n - 1);
}

static double share_y(double share)
{
    return PY1 - (PY1 - PY0) * share;
}

/* A line through the months that have a share: a gap where one has none. */
static void share_path(struct dt_buf *b, const double *share, const bool *has, size_t n,
                       const char *stroke, const char *cls, const char *dash, double width)
{
    bool open = false;
    dt_buf_puts(b, "<path d=\"");
    for (size_t m = 0; m < n; m++) {
        if (!has[m]) {
            open = false;
            continue;
        }
        dt_buf_printf(b, "%s%.1f %.1f ", open ? "L" : "M", month_x(m, n), share_y(share[m]));
        open = true;
    }
    dt_buf_printf(b, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\"%s%s%s class=\"%s\"/>\n",
                  stroke, width, dash ? " stroke-dasharray=\"" : "", dash ? dash : "",
                  dash ? "\"" : "", cls);
}

void dto_svg_trend(const struct dto_ctx *c, const struct dt_outcome_group *rep, struct dt_buf *b)
{
    const struct dt_outcomes *o = c->o;
    size_t n = o->n_months;
    double *share = calloc(2 * (n ? n : 1), sizeof(*share));
    bool *has = calloc(2 * (n ? n : 1), sizeof(*has));
    if (share == NULL || has == NULL) {
        free(share);
        free(has);
        b->failed = true;
        return;
    }
    double *team = share + n;
    bool *team_has = has + n;
    for (size_t m = 0; m < n; m++) {
        size_t row[DT_LEVEL_COUNT];
        for (int l = 0; l < DT_LEVEL_COUNT; l++)
            row[l] = o->months[m].level[l].messages;
        team_has[m] = dto_share(row, &team[m]);
        has[m] = m < rep->n_month_levels && dto_share(rep->month_levels[m], &share[m]);
    }
    char id[48];
    snprintf(id, sizeof(id), "rep%zu", (size_t)(rep - o->reps));
    svg_open(b, c, id, SM_W, SM_H, 260);
    for (int k = 0; k <= 2; k++) { /* 100 %, 50 %, 0 % */
        char t[32];
        double y = share_y(1.0 - k / 2.0);
        line(b, PX0, y, PX1, y, k == 2 ? DTO_AXIS : DTO_GRID, k == 2 ? "dto-sa" : "dto-sg", 1,
             NULL);
        dto_pct_text(c, 1.0 - k / 2.0, t, sizeof(t));
        text(b, PX0 - 4, y + 4, "end", DTO_MUTED, "dto-fm", t);
    }
    if (o->n_reps > 1 && n == 1 && team_has[0]) /* one month: the team's level, across */
        line(b, PX0, share_y(team[0]), PX1, share_y(team[0]), DTO_AXIS, "dto-sa", 1.5, "4 3");
    else if (o->n_reps > 1)
        share_path(b, team, team_has, n, DTO_AXIS, "dto-sa", "4 3", 1.5);
    share_path(b, share, has, n, dto_level_color[DT_LEVEL_EUPHORIC], "dto-s2", NULL, 2);
    for (size_t m = 0; m < n; m++)
        if (has[m])
            dt_buf_printf(b,
                          "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\" "
                          "class=\"dto-f2\"/>\n",
                          month_x(m, n), share_y(share[m]), dto_level_color[DT_LEVEL_EUPHORIC]);
    for (size_t m = n; m-- > 0;) /* the latest share in words, beside its dot */
        if (has[m]) {
            char t[32];
            double x = month_x(m, n), y = share_y(share[m]);
            dto_pct_text(c, share[m], t, sizeof(t));
            text(b, x, share[m] > 0.8 ? y + 18 : y - 8, x > PX1 - 24 ? "end" : "middle", DTO_INK,
                 "dto-fi", t);
            break;
        }
    char first[48], last[48];
    if (n == 1) {
        dto_month_label(c, o->months[0].key, true, first, sizeof(first));
        text(b, month_x(0, 1), SM_H - 6, "middle", DTO_MUTED, "dto-fm", first);
    } else if (n > 1) {
        dto_month_label(c, o->months[0].key, true, first, sizeof(first));
        dto_month_label(c, o->months[n - 1].key, true, last, sizeof(last));
        text(b, PX0, SM_H - 6, "start", DTO_MUTED, "dto-fm", first);
        text(b, PX1, SM_H - 6, "end", DTO_MUTED, "dto-fm", last);
    }
    dt_buf_puts(b, "</svg>\n");
    free(share);
    free(has);
}
