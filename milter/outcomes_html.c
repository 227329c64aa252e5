/*
 * outcomes_html.c - the report's page, its charts as a fragment for a
 * roll-up, and its text lines (outcomes_html.h); the charts themselves are
 * outcomes_svg.c, the words outcomes_lang.c. Pure.
 *
 * Public: dt_outcomes_html(), dt_outcomes_html_charts(), dt_outcomes_text(),
 * dt_outcomes_palette[]. To outcomes_svg.c: the small helpers of
 * outcomes_html_int.h.
 *
 * Each chart sits in a section with its heading, a line that says how to
 * read it, the SVG, and a <table> of the same numbers beneath (caption,
 * th scope): a screen reader reads the table, a mail client that drops
 * SVG still shows it. The page adds a <style> (layout, dark mode) and a
 * Content-Security-Policy that allows nothing to be fetched or run, so
 * even a rep address that slipped through escaping could load nothing.
 *
 * Does not handle: hundreds of reps gracefully (one small multiple and
 * their table rows each; the page grows with them).
 */
#include "dealtemp/outcomes_html.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dealtemp/utf8.h"
#include "outcomes_html_int.h"

#define MAX_REP_CP 120 /* a rep's address as shown */

const struct dt_color_pair dt_outcomes_palette[] = {
    /* light: on the card */
    {DTO_INK, DTO_CARD, 4.5, "text on the card"},
    {DTO_MUTED, DTO_CARD, 4.5, "secondary text, tick labels"},
    {"#1f6391", DTO_CARD, 4.5, "calm: its name, bar and dots"},
    {"#8a5a00", DTO_CARD, 4.5, "warm"},
    {"#a0306e", DTO_CARD, 4.5, "euphoric, and the euphoric share's line"},
    {DTO_INK, DTO_CARD, 3.0, "whiskers, median and 75th percentile (on a halo of the card)"},
    {DTO_AXIS, DTO_CARD, 3.0, "axes and the team's dashed line"},
    {DTO_STATEMENT, DTO_STATEMENT_BG, 4.5, "the statement"},
    {DTO_MUTED, DTO_PAGE, 4.5, "text on the page"},
    {DTO_INK, DTO_PAGE, 4.5, "the title on the page"},
    /* dark (prefers-color-scheme: dark): the page's style only */
    {"#e8eaed", "#1c1f24", 4.5, "dark: text on the card"},
    {"#aab2bd", "#1c1f24", 4.5, "dark: secondary text"},
    {"#8ab4f8", "#1c1f24", 4.5, "dark: calm"},
    {"#fdd663", "#1c1f24", 4.5, "dark: warm"},
    {"#f48fb1", "#1c1f24", 4.5, "dark: euphoric"},
    {"#e8eaed", "#1c1f24", 3.0, "dark: marks"},
    {"#8b949e", "#1c1f24", 3.0, "dark: axes, the team's line"},
    {"#cde5c4", "#22302a", 4.5, "dark: the statement"},
    {"#aab2bd", "#121417", 4.5, "dark: text on the page"},
    {"#e8eaed", "#121417", 4.5, "dark: the title on the page"},
    /* decoration: borders and grid lines */
    {DTO_GRID, DTO_CARD, 1.0, "card border, grid lines"},
    {"#30363d", "#1c1f24", 1.0, "dark: card border, grid lines"},
};
const size_t dt_outcomes_palette_n = sizeof(dt_outcomes_palette) / sizeof(*dt_outcomes_palette);

/* ---- helpers (outcomes_html_int.h) ---- */

long dto_pct(double r)
{
    return lround(r * 100);
}

void dto_pct_text(const struct dto_ctx *c, double r, char *buf, size_t size)
{
    snprintf(buf, size, c->W->pct, dto_pct(r));
}

void dto_range_text(const struct dto_ctx *c, double lo, double hi, char *buf, size_t size)
{
    snprintf(buf, size, c->W->pct_range, dto_pct(lo), dto_pct(hi));
}

void dto_month_label(const struct dto_ctx *c, const char *key, bool year, char *buf, size_t size)
{
    unsigned y, m;
    buf[0] = '\0';
    if (key == NULL || sscanf(key, "%4u-%2u", &y, &m) != 2 || m < 1 || m > 12)
        return;
    if (year)
        snprintf(buf, size, "%s %u", c->L->month[m - 1], y);
    else
        snprintf(buf, size, "%s", c->L->month[m - 1]);
}

void dto_put(struct dt_buf *b, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '&':
            dt_buf_puts(b, "&amp;");
            break;
        case '<':
            dt_buf_puts(b, "&lt;");
            break;
        case '>':
            dt_buf_puts(b, "&gt;");
            break;
        case '"':
            dt_buf_puts(b, "&quot;");
            break;
        case '\'':
            dt_buf_puts(b, "&#39;");
            break;
        default:
            dt_buf_putc(b, *s);
        }
}

bool dto_share(const size_t row[DT_LEVEL_COUNT], double *share)
{
    size_t all = 0;
    for (int l = 0; l < DT_LEVEL_COUNT; l++)
        all += row[l];
    *share = all > 0 ? (double)row[DT_LEVEL_EUPHORIC] / (double)all : 0;
    return all > 0;
}

static void number(const struct dto_ctx *c, size_t n, char *buf, size_t size)
{
    dt_outcomes_number(n, c->W->code, buf, size);
}

/* A rep's address from the store: cleaned, escaped, cut. */
static void put_rep(struct dt_buf *b, const char *rep)
{
    if (rep == NULL || !dt_utf8_clean_line(b, rep, MAX_REP_CP, true))
        dt_buf_puts(b, "?");
}

/* "As of Fri 20 Nov 2026 18:00 (Europe/Amsterdam)": the year always, and the zone. */
static void as_of_line(const struct dto_ctx *c, char *buf, size_t size)
{
    char date[64], when[128];
    struct tm tm;
    dt_dg_date_year(c->L, c->o->as_of, date, sizeof(date));
    dt_dg_local_tm(c->L, c->o->as_of, &tm);
    snprintf(when, sizeof(when), c->L->date_time, date, tm.tm_hour, tm.tm_min);
    const char *zone = c->cfg != NULL && c->cfg->timezone != NULL ? c->cfg->timezone : "UTC";
    size_t n = strlen(when);
    snprintf(when + n, sizeof(when) - n, " (%s)", zone);
    snprintf(buf, size, c->W->as_of, when);
}

static void ctx_init(struct dto_ctx *c, struct dt_digest_lang *L, const struct dt_outcomes *o,
                     const struct dt_config *cfg, const char *lang)
{
    c->o = o;
    c->cfg = cfg;
    c->W = dt_report_words_of(lang);
    *L = *dt_report_digest_lang(cfg, c->W->code);
    L->tz = cfg != NULL ? cfg->hours.tz : NULL;
    c->L = L;
    c->id = "dto";
}

/* ---- tables ---- */

#define TH                                                                                         \
    "style=\"text-align:%s;padding:4px 6px;border-bottom:2px solid " DTO_INK ";"                   \
    "vertical-align:bottom;\""
#define TD                                                                                         \
    "style=\"text-align:right;padding:4px 6px;border-bottom:1px solid " DTO_GRID ";"               \
    "vertical-align:top;\""

static void table_open(struct dt_buf *b, const char *caption, const char *const *cols, size_t n)
{
    dt_buf_puts(b,
                "<table class=\"dto-tab\" style=\"width:100%;border-collapse:collapse;"
                "margin:8px 0 0 0;font-size:13px;line-height:18px;\">\n<caption class=\"dto-m\" "
                "style=\"text-align:left;padding:0 0 4px 0;font-size:13px;color:" DTO_MUTED ";\">");
    dto_put(b, caption);
    dt_buf_puts(b, "</caption>\n<thead><tr>");
    for (size_t i = 0; i < n; i++) {
        dt_buf_printf(b, "<th scope=\"col\" " TH ">", i == 0 ? "left" : "right");
        dto_put(b, cols[i]);
        dt_buf_puts(b, "</th>");
    }
    dt_buf_puts(b, "</tr></thead>\n");
}

static void level_th(struct dt_buf *b, const struct dto_ctx *c, int l)
{
    dt_buf_printf(b,
                  "<tr><th scope=\"row\" class=\"dto-c%d\" style=\"text-align:left;padding:4px 6px;"
                  "border-bottom:1px solid " DTO_GRID ";color:%s;vertical-align:top;\">",
                  l, dto_level_color[l]);
    dto_put(b, c->W->level[l]);
    dt_buf_puts(b, "</th>");
}

static void td_count(struct dt_buf *b, const struct dto_ctx *c, size_t n)
{
    char num[32];
    number(c, n, num, sizeof(num));
    dt_buf_printf(b, "<td " TD ">%s</td>", num);
}

static void rates_table(struct dt_buf *b, const struct dto_ctx *c)
{
    const struct dt_report_words *W = c->W;
    const char *cols[] = {W->col_level, W->col_mails, W->col_answered, W->col_pending, W->col_rate};
    table_open(b, W->rates_caption, cols, 5);
    dt_buf_puts(b, "<tbody>\n");
    for (int l = 0; l < DT_LEVEL_COUNT; l++) {
        const struct dt_outcome_cell *cell = &c->o->team.level[l];
        level_th(b, c, l);
        td_count(b, c, cell->messages);
        td_count(b, c, cell->answered);
        td_count(b, c, cell->pending);
        dt_buf_puts(b, "<td " TD ">");
        if (cell->messages - cell->pending == 0) {
            dto_put(b, W->nothing_judged);
        } else {
            char pct[32], range[48];
            dto_pct_text(c, cell->reply_rate, pct, sizeof(pct));
            dto_range_text(c, cell->ci_lo, cell->ci_hi, range, sizeof(range));
            dt_buf_printf(b,
                          "%s<br><span class=\"dto-m\" style=\"color:" DTO_MUTED
                          ";white-space:nowrap;\">%s</span>",
                          pct, range);
        }
        dt_buf_puts(b, "</td></tr>\n");
    }
    dt_buf_puts(b, "</tbody></table>\n");
}

/* "1 day", and beneath it "6 working hours" (the business clock). */
static void td_latency(struct dt_buf *b, const struct dto_ctx *c, long cal, long bus)
{
    dt_buf_puts(b, "<td " TD ">");
    if (cal < 0) {
        dt_buf_puts(b, "&#8211;</td>");
        return;
    }
    char w[64];
    struct dt_clock clock = DT_CALENDAR;
    dt_duration_words(cal, &clock, c->W->code, w, sizeof(w));
    dto_put(b, w);
    const struct dt_business_hours *h = c->cfg != NULL ? &c->cfg->hours : NULL;
    if (h != NULL && h->end_min > h->start_min) {
        clock = (struct dt_clock){true, (long)(h->end_min - h->start_min) * 60};
        dt_duration_words(bus, &clock, c->W->code, w, sizeof(w));
        dt_buf_printf(b, "<br><span class=\"dto-m\" style=\"color:" DTO_MUTED ";\">");
        dto_put(b, w);
        dt_buf_puts(b, "</span>");
    }
    dt_buf_puts(b, "</td>");
}

static void latency_table(struct dt_buf *b, const struct dto_ctx *c)
{
    const struct dt_report_words *W = c->W;
    const char *cols[] = {W->col_level, W->col_answered, W->col_median, W->col_p75};
    table_open(b, W->lat_caption, cols, 4);
    dt_buf_puts(b, "<tbody>\n");
    for (int l = 0; l < DT_LEVEL_COUNT; l++) {
        const struct dt_outcome_cell *cell = &c->o->team.level[l];
        level_th(b, c, l);
        td_count(b, c, cell->answered);
        td_latency(b, c, cell->median_s, cell->median_business_s);
        td_latency(b, c, cell->p75_s, cell->p75_business_s);
        dt_buf_puts(b, "</tr>\n");
    }
    dt_buf_puts(b, "</tbody></table>\n");
}

static void trend_table(struct dt_buf *b, const struct dto_ctx *c)
{
    const struct dt_report_words *W = c->W;
    const char *cols[] = {c->L->rollup_rep, W->col_month, W->col_share};
    table_open(b, W->trend_caption, cols, 3); /* then a body per rep */
    for (size_t i = 0; i < c->o->n_reps; i++) {
        const struct dt_outcome_group *g = &c->o->reps[i];
        size_t months = 0;
        double share;
        for (size_t m = 0; m < g->n_month_levels; m++)
            months += dto_share(g->month_levels[m], &share);
        bool first = true;
        dt_buf_puts(b, "<tbody>\n");
        for (size_t m = 0; m < g->n_month_levels && m < c->o->n_months; m++) {
            const size_t *row = g->month_levels[m];
            if (!dto_share(row, &share))
                continue;
            dt_buf_puts(b, "<tr>");
            if (first) {
                dt_buf_printf(b,
                              "<th scope=\"rowgroup\" rowspan=\"%zu\" style=\"text-align:left;"
                              "padding:4px 6px;border-bottom:1px solid " DTO_GRID ";"
                              "vertical-align:top;word-break:break-all;\">",
                              months);
                put_rep(b, g->key);
                dt_buf_puts(b, "</th>");
                first = false;
            }
            char month[48], pct[32], k[32], n[32];
            dto_month_label(c, c->o->months[m].key, true, month, sizeof(month));
            dto_pct_text(c, share, pct, sizeof(pct));
            number(c, row[DT_LEVEL_EUPHORIC], k, sizeof(k));
            number(c, row[0] + row[1] + row[2], n, sizeof(n));
            dt_buf_printf(b, "<td " TD ">%s</td><td " TD ">", month);
            dt_buf_printf(b, W->share_cell, pct, k, n);
            dt_buf_puts(b, "</td></tr>\n");
        }
        dt_buf_puts(b, "</tbody>\n");
    }
    dt_buf_puts(b, "</table>\n");
}

/* ---- the fragment ---- */

/* A chart and its table: one under the other; side by side on a wide page (its style). */
#define PAIR "<div class=\"dto-pair\">\n"

static void section_open(struct dt_buf *b, const struct dto_ctx *c, int hl, const char *name,
                         const char *title, const char *note, const char *note2)
{
    dt_buf_printf(b,
                  "<section class=\"dto-card\" style=\"background-color:" DTO_CARD ";border:1px "
                  "solid " DTO_GRID ";padding:12px;margin:0 0 12px 0;\">\n<h%d id=\"%s-%s\" "
                  "class=\"dto-i\" style=\"margin:0;font-size:17px;line-height:23px;color:" DTO_INK
                  ";\">",
                  hl, c->id, name);
    dto_put(b, title);
    dt_buf_printf(b,
                  "</h%d>\n<p class=\"dto-m\" style=\"margin:4px 0 0 0;font-size:13px;"
                  "line-height:18px;color:" DTO_MUTED ";\">",
                  hl);
    dto_put(b, note);
    if (note2 != NULL) {
        dt_buf_putc(b, ' ');
        dto_put(b, note2);
    }
    dt_buf_puts(b, "</p>\n");
}

static size_t most_answers(const struct dt_outcomes *o)
{
    size_t most = 0;
    for (int l = 0; l < DT_LEVEL_COUNT; l++)
        if (o->team.level[l].n_lat > most)
            most = o->team.level[l].n_lat;
    return most;
}

static void trend_section(struct dt_buf *b, const struct dto_ctx *c, int hl)
{
    const struct dt_report_words *W = c->W;
    section_open(b, c, hl, "trend", W->trend_title, W->trend_note,
                 c->o->n_reps > 1 ? W->trend_team : NULL);
    if (c->o->n_reps == 0) {
        dt_buf_puts(b, "<p style=\"margin:8px 0 0 0;\">");
        dto_put(b, W->nothing_yet);
        dt_buf_puts(b, "</p>\n</section>\n");
        return;
    }
    dt_buf_puts(b, PAIR "<div>\n<div class=\"dto-sm\" style=\"display:grid;grid-template-columns:repeat("
                   "auto-fill,minmax(150px,1fr));gap:4px 12px;margin:8px 0 0 0;\">\n");
    for (size_t i = 0; i < c->o->n_reps; i++) {
        dt_buf_printf(b,
                      "<div style=\"min-width:0;\"><div id=\"%s-rep%zu\" class=\"dto-i\" "
                      "style=\"font-size:13px;line-height:17px;font-weight:bold;color:" DTO_INK
                      ";word-break:break-all;\">",
                      c->id, i);
        put_rep(b, c->o->reps[i].key);
        dt_buf_puts(b, "</div>\n");
        dto_svg_trend(c, &c->o->reps[i], b);
        dt_buf_puts(b, "</div>\n");
    }
    dt_buf_puts(b, "</div>\n");
    dt_buf_puts(b, "</div>\n<div>\n");
    trend_table(b, c);
    dt_buf_puts(b, "</div>\n</div>\n");
    dt_buf_puts(b, "</section>\n");
}

static void charts(const struct dto_ctx *c, bool titled, struct dt_buf *b)
{
    const struct dt_report_words *W = c->W;
    int hl = titled ? 3 : 2;
    dt_buf_puts(b, "<div class=\"dto\" style=\"" DTO_FONT "font-size:15px;line-height:21px;"
                   "color:" DTO_INK ";text-align:left;\">\n");
    if (titled) {
        char line[192];
        as_of_line(c, line, sizeof(line));
        dt_buf_puts(b, "<h2 class=\"dto-i\" style=\"margin:0;font-size:18px;line-height:24px;"
                       "color:" DTO_INK ";\">");
        dto_put(b, W->title);
        dt_buf_puts(b, "</h2>\n<p class=\"dto-m\" style=\"margin:2px 0 8px 0;font-size:13px;"
                       "color:" DTO_MUTED ";\">");
        dto_put(b, line);
        dt_buf_puts(b, "</p>\n");
    }
    struct dt_buf st = DT_BUF_INIT;
    dt_outcomes_statement(&c->o->team, c->o->window_s, W->code, &st);
    dt_buf_puts(b, "<p class=\"dto-st\" style=\"margin:0 0 8px 0;padding:10px 12px;"
                   "background-color:" DTO_STATEMENT_BG ";color:" DTO_STATEMENT ";font-size:16px;"
                   "line-height:23px;font-weight:bold;\">");
    dto_put(b, st.data ? st.data : "");
    if (dt_buf_failed(&st))
        b->failed = true;
    dt_buf_free(&st);
    char window[64], note[512], warm[16], eu[16];
    struct dt_clock cal = DT_CALENDAR;
    dt_duration_words(c->o->window_s, &cal, W->code, window, sizeof(window));
    snprintf(note, sizeof(note), W->window, window);
    snprintf(warm, sizeof(warm), "%.2f", c->cfg->euphoria.warm);
    snprintf(eu, sizeof(eu), "%.2f", c->cfg->euphoria.euphoric);
    dt_buf_puts(b, "</p>\n<p class=\"dto-m\" style=\"margin:0 0 12px 0;font-size:13px;"
                   "line-height:18px;color:" DTO_MUTED ";\">");
    dto_put(b, note);
    dt_buf_putc(b, ' ');
    snprintf(note, sizeof(note), W->thresholds, warm, eu);
    dto_put(b, note);
    dt_buf_puts(b, "</p>\n");

    section_open(b, c, hl, "rates", W->rates_title, W->rates_note, NULL);
    dt_buf_puts(b, PAIR "<div>\n");
    dto_svg_rates(c, b);
    dt_buf_puts(b, "</div>\n<div>\n");
    rates_table(b, c);
    dt_buf_puts(b, "</div>\n</div>\n");
    dt_buf_puts(b, "</section>\n");

    char sampled[256];
    snprintf(sampled, sizeof(sampled), W->lat_sampled, (size_t)DTO_MAX_DOTS);
    section_open(b, c, hl, "latency", W->lat_title, W->lat_note,
                 most_answers(c->o) > DTO_MAX_DOTS ? sampled : NULL);
    dt_buf_puts(b, PAIR "<div>\n");
    dto_svg_latency(c, b);
    dt_buf_puts(b, "</div>\n<div>\n");
    latency_table(b, c);
    dt_buf_puts(b, "</div>\n</div>\n");
    dt_buf_puts(b, "</section>\n");

    trend_section(b, c, hl);
    dt_buf_puts(b, "</div>\n");
}

void dt_outcomes_html_charts(const struct dt_outcomes *o, const struct dt_config *cfg,
                             const char *lang, struct dt_buf *out)
{
    struct dto_ctx c;
    struct dt_digest_lang L;
    ctx_init(&c, &L, o, cfg, lang);
    charts(&c, true, out);
}

/* ---- the page ---- */

/* Layout, and the dark twins of the inline colours (a class each, !important to beat them). */
static const char page_style[] =
    "<style>\n"
    "body{margin:0;background-color:" DTO_PAGE ";color:" DTO_INK ";" DTO_FONT "}\n"
    "main{max-width:800px;margin:0 auto;padding:16px 8px 24px 8px;}\n"
    "@media (min-width: 720px){.dto-pair{display:grid;grid-template-columns:minmax(0,1fr) "
    "minmax(0,1fr);gap:0 20px;align-items:start;}}\n"
    "h1{font-size:22px;line-height:28px;margin:0 0 4px 0;}\n"
    ".dto-pm{font-size:13px;line-height:18px;color:" DTO_MUTED ";margin:0 0 12px 0;}\n"
    "table{font-variant-numeric:tabular-nums;}\n"
    "@media (prefers-color-scheme: dark){\n"
    "body{background-color:#121417 !important;color:#e8eaed !important}\n"
    ".dto-pm{color:#aab2bd !important}\n"
    ".dto-card{background-color:#1c1f24 !important;border-color:#30363d !important}\n"
    ".dto,.dto-i{color:#e8eaed !important}\n"
    ".dto-m{color:#aab2bd !important}\n"
    ".dto-st{background-color:#22302a !important;color:#cde5c4 !important}\n"
    ".dto-tab th,.dto-tab td{border-color:#30363d !important}\n"
    ".dto-tab thead th{border-bottom-color:#e8eaed !important}\n"
    ".dto-c0{color:#8ab4f8 !important}.dto-c1{color:#fdd663 !important}"
    ".dto-c2{color:#f48fb1 !important}\n"
    ".dto-f0{fill:#8ab4f8 !important}.dto-f1{fill:#fdd663 !important}"
    ".dto-f2{fill:#f48fb1 !important}.dto-s2{stroke:#f48fb1 !important}\n"
    ".dto-fi{fill:#e8eaed !important}.dto-fm{fill:#aab2bd !important}\n"
    ".dto-si{stroke:#e8eaed !important}.dto-sh{stroke:#1c1f24 !important}\n"
    ".dto-sa{stroke:#8b949e !important}.dto-sg{stroke:#30363d !important}\n"
    "}\n</style>\n";

void dt_outcomes_html(const struct dt_outcomes *o, const struct dt_config *cfg, const char *lang,
                      const char *rep, struct dt_buf *out)
{
    struct dto_ctx c;
    struct dt_digest_lang L;
    ctx_init(&c, &L, o, cfg, lang);
    char line[192], day[64];
    dt_dg_date_year(c.L, o->as_of, day, sizeof(day));
    dt_buf_printf(out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
                  c.W->code);
    dt_buf_puts(out, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                     "style-src 'unsafe-inline'\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<meta name=\"color-scheme\" content=\"light dark\">\n<title>");
    dto_put(out, c.W->title);
    dt_buf_puts(out, " \xe2\x80\x94 ");
    dto_put(out, day);
    dt_buf_puts(out, "</title>\n");
    dt_buf_puts(out, page_style);
    dt_buf_puts(out, "</head>\n<body>\n<main>\n<h1 class=\"dto-i\">");
    dto_put(out, c.W->title);
    dt_buf_puts(out, "</h1>\n<p class=\"dto-pm\">");
    as_of_line(&c, line, sizeof(line));
    dto_put(out, line);
    if (rep != NULL) {
        /* the format's words around the address, the address cleaned */
        const char *at = strstr(c.W->only_rep, "%s");
        char before[128];
        snprintf(before, sizeof(before), "%.*s", at ? (int)(at - c.W->only_rep) : 0, c.W->only_rep);
        dt_buf_puts(out, " \xc2\xb7 ");
        dto_put(out, before);
        put_rep(out, rep);
        dto_put(out, at ? at + 2 : "");
    }
    dt_buf_puts(out, "</p>\n");
    charts(&c, false, out);
    dt_buf_puts(out, "<p class=\"dto-pm\">");
    dto_put(out, c.W->footer);
    dt_buf_puts(out, "</p>\n</main>\n</body>\n</html>\n");
}

/* ---- text ---- */

void dt_outcomes_text(const struct dt_outcomes *o, const struct dt_config *cfg, const char *lang,
                      struct dt_buf *out)
{
    struct dto_ctx c;
    struct dt_digest_lang L;
    ctx_init(&c, &L, o, cfg, lang);
    char line[192];
    as_of_line(&c, line, sizeof(line));
    dt_buf_printf(out, "%s \xe2\x80\x94 %s\n\n", c.W->title, line);
    dt_outcomes_statement(&o->team, o->window_s, c.W->code, out);
    dt_buf_puts(out, "\n\n");
    for (int l = 0; l < DT_LEVEL_COUNT; l++) {
        const struct dt_outcome_cell *cell = &o->team.level[l];
        size_t judged = cell->messages - cell->pending;
        dt_buf_puts(out, "* ");
        if (judged == 0) {
            dt_buf_printf(out, c.W->text_none, c.W->level[l]);
            dt_buf_putc(out, '\n');
            continue;
        }
        char pct[32], range[48], n[32], med[64], p75[64];
        dto_pct_text(&c, cell->reply_rate, pct, sizeof(pct));
        dto_range_text(&c, cell->ci_lo, cell->ci_hi, range, sizeof(range));
        number(&c, judged, n, sizeof(n));
        dt_buf_printf(out, c.W->text_rate, c.W->level[l], pct, range, n);
        if (cell->median_s >= 0) {
            struct dt_clock cal = DT_CALENDAR;
            dt_duration_words(cell->median_s, &cal, c.W->code, med, sizeof(med));
            dt_duration_words(cell->p75_s, &cal, c.W->code, p75, sizeof(p75));
            dt_buf_printf(out, c.W->text_lat, med, p75);
        }
        dt_buf_putc(out, '\n');
    }
    char window[64];
    struct dt_clock cal = DT_CALENDAR;
    dt_duration_words(o->window_s, &cal, c.W->code, window, sizeof(window));
    dt_buf_putc(out, '\n');
    dt_buf_printf(out, c.W->window, window);
    dt_buf_putc(out, '\n');
}
