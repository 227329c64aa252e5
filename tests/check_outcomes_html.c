/*
 * check_outcomes_html.c - the report's page, its charts and its text
 * (outcomes_html.h) over a real SQLite store with known stories: the
 * statement on top, three charts each with a table of the same numbers
 * (caption, th scope), percentages rounded and never floored, intervals,
 * latency ticks and marks in words, one small multiple per rep; nothing
 * that runs or fetches (no script, no URL, a Content-Security-Policy);
 * hostile rep addresses escaped; a rep's page holds no one else; every
 * colour from the palette, every pair at WCAG AA, no text under 12 px on a
 * phone; four languages with printf-compatible words; the fragment a
 * roll-up carries and the text lines.
 */
#include <check.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dealtemp/outcomes_html.h"
#include "../../milter/outcomes_html_int.h"
#include "store_helpers.h"
#include "contrast.h"
#include "testutil.h"

#define DAY 86400L
#define HOUR 3600L
#define W (7 * DAY)
#define T0 ((time_t)1793000000) /* Mon 26 Oct 2026 07:33:20 UTC */
#define ANN "ann@corp.example"
#define BRAM "bram@corp.example"
#define NB "\xc2\xa0"

static char dir[64];
static struct dt_config *cfg;
static struct dt_store *st;

static time_t stories(void);
static time_t as_of; /* of the stories */

static void setup(void)
{
    dt_test_seam_open("outcomes-html", dir, sizeof(dir), &cfg, &st);
    as_of = stories();
}

static void teardown(void)
{
    dt_test_seam_close(dir, cfg, st);
}

#define OUT(id, root, at, score, rep)                                                              \
    dt_test_put_scored(st, id, root, at, true, score, rep, "x@cust.example")
#define IN(id, root, at, rep) dt_test_put_scored(st, id, root, at, false, 0, rep, "x@cust.example")

/*
 * euphoric: a1 answered after 3 days, c1 and f1 unanswered, d1 pending:
 *           1 of 3 judged, 33 % (Wilson 6-79 %);
 * calm:     b1 and b2 answered by one reply (3 h, 2 h), e1 at the window's edge:
 *           3 of 3, 100 % (44-100 %), median 3 hours, 75th percentile 7 days.
 */
static time_t stories(void)
{
    OUT("a1", "a1", T0, 0.9, ANN);
    IN("a2", "a1", T0 + 3 * DAY, ANN);
    OUT("b1", "b1", T0 + HOUR, 0.1, ANN);
    OUT("b2", "b1", T0 + 2 * HOUR, 0.1, ANN);
    IN("b3", "b1", T0 + 4 * HOUR, ANN);
    OUT("c1", "c1", T0 + DAY, 0.95, ANN);
    IN("c2", "c1", T0 + DAY + W + 1, ANN);
    OUT("e1", "e1", T0 + 2 * DAY, 0.2, BRAM);
    IN("e2", "e1", T0 + 2 * DAY + W, BRAM);
    time_t now = T0 + 30 * DAY;
    OUT("d1", "d1", now - W + 1, 0.9, ANN);
    OUT("f1", "f1", T0 + 10 * DAY, 0.9, BRAM);
    return now;
}

/* The page of the stories (rep NULL: the team) in lang; free with dt_buf_free. */
static struct dt_buf page(const char *lang, const char *rep)
{
    struct dt_outcomes o;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_outcomes_collect(st, cfg, as_of, rep, &o, &err) == 0, "%s", err.msg);
    struct dt_buf b = DT_BUF_INIT;
    dt_outcomes_html(&o, cfg, lang, rep, &b);
    ck_assert(!dt_buf_failed(&b));
    dt_outcomes_free(&o);
    return b;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* The text between the n-th (0-based) open and its close, as a new string. */
static char *nth(const char *hay, const char *open, const char *close, size_t n)
{
    const char *p = strstr(hay, open);
    while (p != NULL && n-- > 0)
        p = strstr(p + 1, open);
    ck_assert_msg(p != NULL, "no %s", open);
    const char *e = strstr(p, close);
    ck_assert_ptr_nonnull(e);
    return strndup(p, (size_t)(e - p) + strlen(close));
}

START_TEST(figures_charts_and_tables)
{
    struct dt_buf b = page("en", NULL);
    const char *h = b.data;
    /* the statement first, then the charts */
    size_t statement =
        (size_t)(strstr(h, "Too few mails to compare yet: 3 euphoric and 3 calm") - h);
    ck_assert_uint_lt(statement, (size_t)(strstr(h, "<svg") - h));
    ck_assert_contains(h, "As of Wed 25 Nov 2026 07:33 (UTC)");
    /* rates, latencies and a small multiple per rep (two), each scaled by its viewBox */
    ck_assert_uint_eq(count(h, "<svg "), 2 + 2);
    ck_assert_uint_eq(count(h, "viewBox=\"0 0 340 "), 2);
    ck_assert_uint_eq(count(h, "viewBox=\"0 0 170 "), 2);
    ck_assert_uint_eq(count(h, "width=\"100%\""), 4);
    /* beneath each chart a table with a caption, column and row headers */
    ck_assert_uint_eq(count(h, "<table"), 3);
    ck_assert_uint_eq(count(h, "<caption"), 3);
    ck_assert_uint_eq(count(h, "<th scope=\"row\""), 2 * DT_LEVEL_COUNT);
    ck_assert_uint_eq(count(h, "<th scope=\"rowgroup\""), 2);
    ck_assert_uint_eq(count(h, "<th scope=\"col\""), 5 + 4 + 3);

    /* rates: the bar's text and the table say the same */
    char *rates = nth(h, "<svg ", "</svg>", 0);
    ck_assert_contains(rates, "euphoric</tspan><tspan fill=\"#1f2d3a\" class=\"dto-fi\"> 33" NB
                              "% (6–79" NB "%)");
    ck_assert_contains(rates, "calm</tspan><tspan fill=\"#1f2d3a\" class=\"dto-fi\"> 100" NB
                              "% (44–100" NB "%)");
    ck_assert_contains(rates, ">3 judged</text>");
    ck_assert_contains(rates,
                       "warm</tspan><tspan fill=\"#1f2d3a\" class=\"dto-fi\"> nothing judged");
    ck_assert_uint_eq(count(rates, "<rect "), 2); /* no bar for warm */
    free(rates);
    char *table = nth(h, "<table", "</table>", 0);
    ck_assert_contains(table, ">euphoric</th><td style=\"text-align:right;padding:4px 6px;"
                              "border-bottom:1px solid #d9d6cf;vertical-align:top;\">4</td>");
    ck_assert_contains(table, ">33" NB "%<br>");
    ck_assert_contains(table, ">6–79" NB "%</span>");
    ck_assert_contains(table, ">100" NB "%<br>");
    free(table);

    /* latencies: ticks in words on the calendar clock, one dot per answer, two marks a level */
    char *lat = nth(h, "<svg ", "</svg>", 1);
    ck_assert_contains(lat, ">1 hour</text>");
    ck_assert_contains(lat, ">1 day</text>");
    ck_assert_contains(lat, ">7 days</text>");
    ck_assert_contains(lat, ">median 3 hours · 75th pct. 7 days</text>");
    ck_assert_contains(lat, ">median 3 days · 75th pct. 3 days</text>");
    ck_assert_uint_eq(count(lat, "<circle "), 3 + 1);
    ck_assert_uint_eq(count(lat, "stroke-dasharray=\"4 3\""), 2); /* a 75th percentile each */
    free(lat);
    table = nth(h, "<table", "</table>", 1);
    ck_assert_contains(table, ">3 hours<br>"); /* and its working time beneath */
    ck_assert_contains(table, "working hour");
    free(table);

    /* the trend: the euphoric share per month, the team dashed, the latest share in words */
    char *trend = nth(h, "<svg ", "</svg>", 2);
    ck_assert_contains(trend, ">Oct 2026</text>");
    ck_assert_contains(trend, ">Nov 2026</text>");
    ck_assert_contains(trend, ">100" NB "%</text>"); /* ann's November: d1, euphoric */
    ck_assert_contains(trend, "stroke-dasharray=\"4 3\" class=\"dto-sa\"");
    free(trend);
    table = nth(h, "<table", "</table>", 2);
    ck_assert_contains(table, ">ann@corp.example</th>");
    ck_assert_contains(table, ">Oct 2026</td><td style=\"text-align:right;padding:4px 6px;"
                              "border-bottom:1px solid #d9d6cf;vertical-align:top;\">50" NB
                              "% (2 of 4)</td>");
    ck_assert_contains(table, ">Nov 2026</td><td style=\"text-align:right;padding:4px 6px;"
                              "border-bottom:1px solid #d9d6cf;vertical-align:top;\">100" NB
                              "% (1 of 1)</td>");
    free(table);
    dt_buf_free(&b);
}
END_TEST

START_TEST(nothing_runs_or_fetches_and_privacy)
{
    struct dt_buf b = page("en", NULL);
    ck_assert_contains(b.data, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
                               "'none'; style-src 'unsafe-inline'\">");
    ck_assert_lacks(b.data, "<script");
    ck_assert_lacks(b.data, "<img");
    ck_assert_lacks(b.data, "http://");
    ck_assert_lacks(b.data, "https://");
    ck_assert_lacks(b.data, "src=");
    ck_assert_lacks(b.data, "href=");
    ck_assert_lacks(b.data, "url(");
    ck_assert_lacks(b.data, "cust.example"); /* no customer's address, ever */
    ck_assert_contains(b.data, "<html lang=\"en\">");
    dt_buf_free(&b);
    /* a rep's page: only that rep */
    b = page("en", BRAM);
    ck_assert_lacks(b.data, "ann@");
    ck_assert_lacks(b.data, "cust.example");
    ck_assert_contains(b.data, "Only the mail of bram@corp.example");
    ck_assert_uint_eq(count(b.data, "viewBox=\"0 0 170 "), 1);
    ck_assert_lacks(b.data, "Dashed line: the whole team"); /* the team is bram */
    dt_buf_free(&b);
}
END_TEST

/* A report by hand: one rep with a hostile address, latencies as given. */
static struct dt_outcome_group hand_rep;
static size_t hand_months[1][DT_LEVEL_COUNT] = {{1, 0, 2}};
static struct dt_outcome_group hand_month;

static struct dt_outcomes by_hand(const char *rep, long *lat, size_t n_lat)
{
    struct dt_outcomes o;
    memset(&o, 0, sizeof(o));
    o.window_s = W;
    o.as_of = T0;
    struct dt_outcome_cell *e = &o.team.level[DT_LEVEL_EUPHORIC];
    e->messages = n_lat ? n_lat : 3;
    e->answered = n_lat ? n_lat : 2;
    e->reply_rate = n_lat ? 1 : 2.0 / 3; /* 66.67 %: rounded 67, floored 66 */
    e->ci_lo = 0.2049;                   /* 20.49 % and 84.51 %: 20 and 85 */
    e->ci_hi = 0.8451;
    e->lat = e->lat_business = lat;
    e->n_lat = n_lat;
    e->median_s = e->p75_s = e->median_business_s = e->p75_business_s = n_lat ? lat[0] : -1;
    for (int l = 0; l < DT_LEVEL_COUNT; l++)
        if (l != DT_LEVEL_EUPHORIC)
            o.team.level[l].median_s = o.team.level[l].p75_s = -1;
    hand_rep = (struct dt_outcome_group){
        .key = (char *)rep, .month_levels = hand_months, .n_month_levels = 1};
    hand_month = (struct dt_outcome_group){.key = "2026-10"};
    hand_month.level[DT_LEVEL_EUPHORIC].messages = 2;
    hand_month.level[DT_LEVEL_CALM].messages = 1;
    o.reps = &hand_rep;
    o.n_reps = 1;
    o.months = &hand_month;
    o.n_months = 1;
    return o;
}

START_TEST(rounded_never_floored_escaped_and_sampled)
{
    struct dt_config c = *cfg;
    struct dt_outcomes o = by_hand("<script>x</script>\"@corp.example", NULL, 0);
    struct dt_buf b = DT_BUF_INIT;
    dt_outcomes_html(&o, &c, "en", NULL, &b);
    ck_assert_contains(b.data, "> 67" NB "% (20–85" NB "%)</tspan>");
    ck_assert_lacks(b.data, "66" NB "%");
    ck_assert_contains(b.data, ">67" NB "% (2 of 3)</td>"); /* the share by month, too */
    ck_assert_lacks(b.data, "<script");
    ck_assert_contains(b.data, "&lt;script&gt;x&lt;/script&gt;&quot;@corp.example");
    dt_buf_free(&b);

    /* many answers: DTO_MAX_DOTS evenly spaced quantiles, and the page says so */
    size_t n = 1000;
    long *lat = malloc(n * sizeof(*lat));
    for (size_t i = 0; i < n; i++)
        lat[i] = (long)(60 + i * 600);
    o = by_hand(ANN, lat, n);
    dt_outcomes_html(&o, &c, "en", NULL, &b);
    char *svg = nth(b.data, "<svg ", "</svg>", 1);
    ck_assert_uint_eq(count(svg, "<circle "), DTO_MAX_DOTS);
    ck_assert_contains(svg, ">1 minute</text>"); /* the axis starts at the fastest answer */
    free(svg);
    ck_assert_contains(b.data, "its 200 dots stand for equal shares of them");
    dt_buf_free(&b);
    free(lat);
}
END_TEST

/* Before anything was sent: every chart says so, nothing divides by zero. */
START_TEST(nothing_yet)
{
    struct dt_outcomes o;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_outcomes_collect(st, cfg, T0 - 1, NULL, &o, &err) == 0, "%s", err.msg);
    struct dt_buf b = DT_BUF_INIT;
    dt_outcomes_html(&o, cfg, "en", NULL, &b);
    ck_assert(!dt_buf_failed(&b));
    ck_assert_contains(b.data, "Too few mails to compare yet: 0 euphoric and 0 calm mails");
    ck_assert_uint_eq(count(b.data, "nothing judged yet"), 2 * DT_LEVEL_COUNT); /* bars, table */
    ck_assert_uint_eq(count(b.data, "no answers yet"), DT_LEVEL_COUNT);
    ck_assert_contains(b.data, "No outbound mail yet.");
    ck_assert_uint_eq(count(b.data, "<svg "), 2); /* no small multiple without a rep */
    ck_assert_uint_eq(count(b.data, "<table"), 2);
    ck_assert_lacks(b.data, "nan");
    ck_assert_lacks(b.data, "inf");
    dt_buf_free(&b);
    dt_outcomes_free(&o);
}
END_TEST

/* ---- the look ---- */

START_TEST(palette_meets_wcag_aa)
{
    ck_assert_double_ge(dt_test_contrast("#000000", "#ffffff"), 20.9);
    ck_assert_double_le(dt_test_contrast("#777777", "#ffffff"), 4.49);
    size_t text = 0, marks = 0;
    for (size_t i = 0; i < dt_outcomes_palette_n; i++) {
        const struct dt_color_pair *p = &dt_outcomes_palette[i];
        double r = dt_test_contrast(p->fg, p->bg);
        ck_assert_msg(r >= p->min, "%s: %s on %s is %.2f:1, needs %.1f:1", p->what, p->fg, p->bg, r,
                      p->min);
        text += p->min >= 4.5;
        marks += p->min >= 3.0 && p->min < 4.5;
    }
    ck_assert_uint_ge(text, 14);
    ck_assert_uint_ge(marks, 4);
    /* every level's colour, light and dark, is a listed text pair */
    for (int l = 0; l < DT_LEVEL_COUNT; l++) {
        bool light = false, dark = false;
        for (size_t i = 0; i < dt_outcomes_palette_n; i++) {
            light |= strcmp(dt_outcomes_palette[i].fg, dto_level_color[l]) == 0 &&
                     dt_outcomes_palette[i].min >= 4.5;
            dark |= strcmp(dt_outcomes_palette[i].fg, dto_level_dark[l]) == 0 &&
                    dt_outcomes_palette[i].min >= 4.5;
        }
        ck_assert_msg(light && dark, "level %d", l);
    }
}
END_TEST

static bool in_palette(const char *hex)
{
    for (size_t i = 0; i < dt_outcomes_palette_n; i++)
        if (strncasecmp(dt_outcomes_palette[i].fg, hex, 7) == 0 ||
            strncasecmp(dt_outcomes_palette[i].bg, hex, 7) == 0)
            return true;
    return false;
}

static const char *const langs[] = {"en", "nl", "de", "fr"};

/* Every colour listed, no CSS text under 12 px, no SVG text under 13 units (a unit is about
 * a pixel on a 390 px phone: check_outcomes_html cannot measure, run-report.sh does). */
START_TEST(colours_and_sizes)
{
    struct dt_buf b = page(langs[_i], NULL);
    const char *h = b.data;
    size_t colours = 0, sizes = 0;
    for (const char *q = strchr(h, '#'); q != NULL; q = strchr(q + 1, '#')) {
        if (strspn(q + 1, "0123456789abcdefABCDEF") != 6)
            continue; /* &#39; and the like */
        char hex[8];
        memcpy(hex, q, 7);
        hex[7] = '\0';
        ck_assert_msg(in_palette(hex), "colour %s is not in the palette", hex);
        colours++;
    }
    for (const char *q = strstr(h, "font-size:"); q != NULL; q = strstr(q + 1, "font-size:")) {
        ck_assert_msg(atoi(q + 10) >= 12, "font-size:%dpx", atoi(q + 10));
        sizes++;
    }
    for (const char *q = strstr(h, "font-size=\""); q != NULL; q = strstr(q + 1, "font-size=\"")) {
        ck_assert_msg(atoi(q + 11) >= 13, "font-size=\"%d\"", atoi(q + 11));
        sizes++;
    }
    ck_assert_uint_gt(colours, 50);
    ck_assert_uint_gt(sizes, 20);
    ck_assert_contains(h, "@media (prefers-color-scheme: dark)");
    char want[32];
    snprintf(want, sizeof(want), "<html lang=\"%s\">", langs[_i]);
    ck_assert_contains(h, want);
    struct dt_buf title = DT_BUF_INIT;
    dto_put(&title, dt_report_words_of(langs[_i])->title);
    ck_assert_contains(h, title.data);
    dt_buf_free(&title);
    ck_assert_contains(h, dt_report_words_of(langs[_i])->level[DT_LEVEL_EUPHORIC]);
    dt_buf_free(&b);
}
END_TEST

/* The conversions of a format, "s|ld|zu", into out. */
static void conversions(const char *fmt, char *out, size_t size)
{
    size_t k = 0;
    out[0] = '\0';
    for (const char *p = strchr(fmt, '%'); p != NULL; p = strchr(p, '%')) {
        size_t n = 1 + strspn(p + 1, "0123456789.-+ #lz");
        n += p[n] != '\0';
        k += (size_t)snprintf(out + k, size - k, "%s%.*s", k ? "|" : "", (int)n - 1, p + 1);
        ck_assert_uint_lt(k, size);
        p += n;
    }
}

START_TEST(words_complete_and_printf_compatible)
{
    static const size_t formats[] = {
        offsetof(struct dt_report_words, as_of),      offsetof(struct dt_report_words, only_rep),
        offsetof(struct dt_report_words, window),     offsetof(struct dt_report_words, thresholds),
        offsetof(struct dt_report_words, pct),        offsetof(struct dt_report_words, pct_range),
        offsetof(struct dt_report_words, judged),     offsetof(struct dt_report_words, lat_sampled),
        offsetof(struct dt_report_words, answered_n), offsetof(struct dt_report_words, share_cell),
        offsetof(struct dt_report_words, text_rate),  offsetof(struct dt_report_words, text_lat),
        offsetof(struct dt_report_words, text_none)};
    const struct dt_report_words *en = dt_report_words_of("en");
    ck_assert_ptr_eq(dt_report_words_of("xx"), en);
    ck_assert_ptr_eq(dt_report_words_of(NULL), en);
    for (size_t l = 0; l < sizeof(langs) / sizeof(*langs); l++) {
        const struct dt_report_words *w = dt_report_words_of(langs[l]);
        ck_assert_str_eq(w->code, langs[l]);
        for (size_t i = 0; i < sizeof(*w) / sizeof(const char *); i++) {
            const char *s;
            memcpy(&s, (const char *)w + i * sizeof(s), sizeof(s));
            ck_assert_msg(s != NULL && *s, "%s: member %zu", langs[l], i);
        }
        for (size_t i = 0; i < sizeof(formats) / sizeof(*formats); i++) {
            const char *a, *b;
            char want[64], got[64];
            memcpy(&a, (const char *)en + formats[i], sizeof(a));
            memcpy(&b, (const char *)w + formats[i], sizeof(b));
            conversions(a, want, sizeof(want));
            conversions(b, got, sizeof(got));
            ck_assert_msg(strcmp(want, got) == 0, "%s: format at %zu: %s, not %s", langs[l],
                          formats[i], got, want);
        }
    }
}
END_TEST

START_TEST(fragment_for_a_mail_and_text)
{
    struct dt_outcomes o;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_outcomes_collect(st, cfg, as_of, NULL, &o, &err) == 0, "%s", err.msg);
    struct dt_buf b = DT_BUF_INIT;
    dt_outcomes_html_charts(&o, cfg, "nl", &b);
    ck_assert_lacks(b.data, "<style");
    ck_assert_lacks(b.data, "<html");
    ck_assert_contains(b.data, "<h2 class=\"dto-i\"");
    ck_assert_contains(b.data, "Antwoorden per euforieniveau");
    ck_assert_contains(b.data, "Stand van wo 25 nov 2026 07:33 (UTC)");
    ck_assert_uint_eq(count(b.data, "<svg "), 4);
    ck_assert_uint_eq(count(b.data, "<table"), 3);
    /* every SVG colour is an attribute, so a client without <style> paints it */
    for (const char *q = strstr(b.data, "class=\"dto-f"); q != NULL;
         q = strstr(q + 1, "class=\"dto-f"))
        ck_assert(memmem(q - 40, 40, "fill=\"#", 7) != NULL);
    /* no line ends in white space (quoted-printable would double it) */
    for (const char *nl = strchr(b.data, '\n'); nl != NULL; nl = strchr(nl + 1, '\n'))
        ck_assert_msg(nl == b.data || (nl[-1] != ' ' && nl[-1] != '\t'), "%.60s", nl - 60);
    dt_buf_free(&b);

    dt_outcomes_text(&o, cfg, "en", &b);
    ck_assert_contains(
        b.data, "Replies by euphoria level \xe2\x80\x94 As of Wed 25 Nov 2026 07:33 (UTC)\n\n"
                "Too few mails to compare yet: 3 euphoric and 3 calm mails");
    ck_assert_contains(b.data, "* calm: 100" NB "% answered (44–100" NB "%) of 3 judged mails; the "
                               "answer after 3 hours (median), 7 days (75th percentile)\n");
    ck_assert_contains(b.data, "* warm: nothing judged yet\n");
    ck_assert_contains(b.data, "* euphoric: 33" NB "% answered (6–79" NB "%) of 3 judged mails");
    dt_buf_free(&b);
    dt_outcomes_free(&o);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("outcomes_html");
    TCase *tc = tcase_create("page");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, figures_charts_and_tables);
    tcase_add_test(tc, nothing_runs_or_fetches_and_privacy);
    tcase_add_test(tc, rounded_never_floored_escaped_and_sampled);
    tcase_add_test(tc, nothing_yet);
    tcase_add_test(tc, palette_meets_wcag_aa);
    tcase_add_loop_test(tc, colours_and_sizes, 0, (int)(sizeof(langs) / sizeof(*langs)));
    tcase_add_test(tc, words_complete_and_printf_compatible);
    tcase_add_test(tc, fragment_for_a_mail_and_text);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_test_run(suite());
}
