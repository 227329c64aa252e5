/*
 * digest_body.c - what a digest says: the EN and NL language tables and the
 * text/plain and text/html bodies of a rep's digest or a manager's roll-up.
 * Pure; dates are UTC. Private API in digest_render_int.h.
 *
 * Store strings (counterpart, subject, phrases, roll-up reps) are hostile:
 * decoded as UTF-8 (bad bytes -> U+FFFD), control and bidi characters
 * dropped or made spaces, cut at a length, HTML-escaped in the HTML part.
 * The HTML is table-based with inline CSS only (no <style>, no images), at
 * most 600px wide, for Outlook, Gmail, Thunderbird and phones alike. No
 * body line ends in white space: libetpan's quoted-printable writer would
 * double a trailing space.
 *
 * Failure: none here; allocation failures stay in the dt_buf for the caller.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dealtemp/deals.h"
#include "dealtemp/duration.h"
#include "dealtemp/utf8.h"
#include "digest_render_int.h"

/* ---- languages ---------------------------------------------------------- */

static const struct dt_digest_lang lang_en = {
    .code = "en",
    .month = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
    .wday = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
    .count_none = "No deals cooling after enthusiasm",
    .count_one = "1 deal cooling after enthusiasm",
    .count_many = "%zu deals cooling after enthusiasm",
    .rollup_prefix = "Team roll-up: ",
    .heading = "Deals cooling after enthusiasm",
    .intro = "These deals went quiet or slow after one of your enthusiastic messages. The "
             "customer still has to convince themselves and their colleagues, in their own "
             "time. Give them room, and ask rather than push.",
    .empty = "No deals cooled after enthusiasm \xe2\x80\x94 nice and calm.",
    .section = {"Stalled", "Cooling", "Slowed"},
    .section_note = {"No reply for a long while after your enthusiastic message.",
                     "Quieter than this customer usually is.",
                     "The reply came, but much later than usual."},
    .advice = {"A calm, short question about where they stand beats another push.",
               "Give them room: ask what would help them decide, instead of adding more "
               "enthusiasm.",
               "Diagnose before you prescribe: ask what moves them, and let them convince "
               "themselves."},
    .is_new = "new",
    .ongoing = "ongoing",
    .no_subject = "(no subject stored)",
    .empty_subject = "(no subject)",
    .unknown = "(unknown)",
    .trigger = "Enthusiastic message %s, score %s",
    .silent = "Silent %s \xe2\x80\x94 usually replies within %s",
    .slowed = "Replied after %s \xe2\x80\x94 usually %s",
    .day_one = "1 day",
    .days = "%ld days",
    .hour_one = "1 hour",
    .hours = "%ld hours",
    .under_hour = "less than an hour",
    .chart = "Reply times, oldest first",
    .chart_now = "now",
    .chart_reply = "this reply",
    .no_history = "No earlier replies in this thread to chart.",
    .usual_from = {"in this thread", "in your other threads with them",
                   "no history yet: dealtemp assumes this"},
    .footer = "Sent by dealtemp. Only your own threads are listed; the score measures the tone "
              "of your own words, never the customer's.",
    .rollup_footer = "Sent by dealtemp. Each rep gets the details of their own deals; this "
                     "roll-up holds only the counts.",
    .rollup_heading = "Team roll-up: deals cooling after enthusiasm",
    .rollup_intro = "Per rep, the deals that went quiet or slow after an enthusiastic message. "
                    "Counts only: the details stay with each rep.",
    .rollup_rep = "Rep",
    .rollup_total = "Total",
    .decimal = '.',
};

static const struct dt_digest_lang lang_nl = {
    .code = "nl",
    .month = {"jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"},
    .wday = {"zo", "ma", "di", "wo", "do", "vr", "za"},
    .count_none = "Geen deals koelen af na enthousiasme",
    .count_one = "1 deal koelt af na enthousiasme",
    .count_many = "%zu deals koelen af na enthousiasme",
    .rollup_prefix = "Teamoverzicht: ",
    .heading = "Deals die afkoelen na enthousiasme",
    .intro = "Deze deals werden stil of traag na een van je enthousiaste berichten. De klant "
             "moet zichzelf en de collega's nog overtuigen, in hun eigen tempo. Geef ze ruimte, "
             "en vraag in plaats van aan te dringen.",
    .empty = "Geen deals afgekoeld na enthousiasme \xe2\x80\x94 lekker rustig.",
    .section = {"Vastgelopen", "Koelt af", "Trager"},
    .section_note = {"Al lang geen antwoord na je enthousiaste bericht.",
                     "Stiller dan deze klant gewoonlijk is.",
                     "Het antwoord kwam, maar veel later dan normaal."},
    .advice = {"Een rustige, korte vraag naar waar ze staan werkt beter dan nog eens aandringen.",
               "Geef ze ruimte: vraag wat hen helpt beslissen, in plaats van meer enthousiasme.",
               "Eerst diagnose, dan advies: vraag wat hen beweegt en laat ze zichzelf "
               "overtuigen."},
    .is_new = "nieuw",
    .ongoing = "loopt al",
    .no_subject = "(onderwerp niet bewaard)",
    .empty_subject = "(geen onderwerp)",
    .unknown = "(onbekend)",
    .trigger = "Enthousiast bericht %s, score %s",
    .silent = "%s stil \xe2\x80\x94 antwoordt meestal binnen %s",
    .slowed = "Antwoordde na %s \xe2\x80\x94 meestal %s",
    .day_one = "1 dag",
    .days = "%ld dagen",
    .hour_one = "1 uur",
    .hours = "%ld uur",
    .under_hour = "minder dan een uur",
    .chart = "Antwoordtijden, oudste eerst",
    .chart_now = "nu",
    .chart_reply = "dit antwoord",
    .no_history = "Nog geen eerdere antwoorden in deze thread om te tonen.",
    .usual_from = {"in deze thread", "in je andere threads met hen",
                   "nog geen geschiedenis: dealtemp neemt dit aan"},
    .footer = "Verstuurd door dealtemp. Alleen je eigen threads staan erin; de score meet de "
              "toon van je eigen woorden, nooit die van de klant.",
    .rollup_footer = "Verstuurd door dealtemp. Elke verkoper krijgt de details van de eigen deals; "
                     "dit overzicht bevat alleen de aantallen.",
    .rollup_heading = "Teamoverzicht: deals die afkoelen na enthousiasme",
    .rollup_intro = "Per verkoper de deals die stil of traag werden na een enthousiast bericht. "
                    "Alleen aantallen: de details blijven bij elke verkoper.",
    .rollup_rep = "Verkoper",
    .rollup_total = "Totaal",
    .decimal = ',',
};

const struct dt_digest_lang *dt_digest_lang_of(const struct dt_config *cfg)
{
    /* digest_language may still be NULL while config loading catches up: English. */
    if (cfg && cfg->digest_language && strcasecmp(cfg->digest_language, "nl") == 0)
        return &lang_nl;
    return &lang_en;
}

int dt_digest_state_index(enum dt_thread_state s)
{
    switch (s) {
    case DT_STATE_STALLED:
        return DT_DG_STALLED;
    case DT_STATE_COOLING:
        return DT_DG_COOLING;
    case DT_STATE_SLOWED:
        return DT_DG_SLOWED;
    default:
        return -1;
    }
}

/* ---- small formatting helpers ------------------------------------------ */

/* Broken-down local time in the configured zone (business_hours.timezone):
 * a rep in Amsterdam reads the date of their own morning, not UTC's. */
static void utc(const struct dt_digest_lang *L, time_t t, struct tm *tm)
{
    t += L->tz != NULL ? dt_tz_offset(L->tz, t) : 0;
    if (!gmtime_r(&t, tm))
        memset(tm, 0, sizeof *tm);
    if (tm->tm_mon < 0 || tm->tm_mon > 11)
        tm->tm_mon = 0;
    if (tm->tm_wday < 0 || tm->tm_wday > 6)
        tm->tm_wday = 0;
}

/* "Mon 10 Nov", with the year when it is not the digest's year. */
static void date_str(const struct dt_digest_lang *L, time_t t, time_t as_of, char *buf, size_t size)
{
    struct tm tm, now;
    utc(L, t, &tm);
    utc(L, as_of, &now);
    if (tm.tm_year == now.tm_year)
        snprintf(buf, size, "%s %d %s", L->wday[tm.tm_wday], tm.tm_mday, L->month[tm.tm_mon]);
    else
        snprintf(buf, size, "%s %d %s %d", L->wday[tm.tm_wday], tm.tm_mday, L->month[tm.tm_mon],
                 tm.tm_year + 1900);
}

/* "9 days", "5 working hours": rounded, on the item's clock (duration.h). */
static void words(const struct dt_digest_lang *L, const struct dt_digest_item *it, long s,
                  char *buf, size_t size)
{
    dt_duration_words(s, &it->clock, L->code, buf, size);
}

static void score_str(const struct dt_digest_lang *L, double v, char *buf, size_t size)
{
    if (!(v >= 0.0)) /* also NaN */
        v = 0.0;
    if (v > 1.0)
        v = 1.0;
    snprintf(buf, size, "%.2f", v);
    char *dot = strchr(buf, '.');
    if (dot)
        *dot = L->decimal;
}

/*
 * Append store text s as one clean line: valid UTF-8, no control, format
 * or bidi-override characters, white space collapsed and trimmed, at most
 * max_cp characters (then "…"), HTML-escaped when html. Returns false if
 * nothing printable was left.
 */
static bool put_clean(struct dt_buf *b, const char *s, size_t max_cp, bool html)
{
    size_t n = strlen(s), i = 0, count = 0;
    bool pending_space = false;
    while (i < n) {
        uint32_t cp;
        i += dt_utf8_decode(s + i, n - i, &cp);
        if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200b ||
            cp == 0xfeff)
            continue; /* invisible or reordering: could disguise a subject */
        if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp == 0x2028 || cp == 0x2029 ||
            cp == 0xa0)
            cp = ' ';
        if (cp == ' ') {
            pending_space = count > 0;
            continue;
        }
        if (count >= max_cp) {
            dt_buf_puts(b, "\xe2\x80\xa6");
            return true;
        }
        if (pending_space) {
            dt_buf_putc(b, ' ');
            count++;
            pending_space = false;
        }
        count++;
        if (html && cp == '&')
            dt_buf_puts(b, "&amp;");
        else if (html && cp == '<')
            dt_buf_puts(b, "&lt;");
        else if (html && cp == '>')
            dt_buf_puts(b, "&gt;");
        else if (html && cp == '"')
            dt_buf_puts(b, "&quot;");
        else if (html && cp == '\'')
            dt_buf_puts(b, "&#39;");
        else
            dt_buf_put_utf8(b, cp);
    }
    return count > 0;
}

/* Our own strings go through the same escaping: they hold no markup. */
static void put_html(struct dt_buf *b, const char *s)
{
    put_clean(b, s, 4096, true);
}

void dt_digest_subject(const struct dt_digest_lang *L, const char *prefix, size_t n, time_t as_of,
                       struct dt_buf *out)
{
    struct tm tm;
    utc(L, as_of, &tm);
    if (prefix)
        dt_buf_puts(out, prefix);
    if (n == 0)
        dt_buf_puts(out, L->count_none);
    else if (n == 1)
        dt_buf_puts(out, L->count_one);
    else
        dt_buf_printf(out, L->count_many, n);
    dt_buf_printf(out, " \xe2\x80\x94 %d %s", tm.tm_mday, L->month[tm.tm_mon]);
}

/* ---- the per-deal facts both parts show --------------------------------- */

#define MAX_TEXT_CP 200 /* counterpart, subject */
#define MAX_PHRASES_CP 160
#define MAX_BARS (DT_DIGEST_MAX_LATENCIES + 1)
#define TEXT_BAR_WIDTH 24

/* The customer's reply times and, highlighted last, the one that matters now. */
struct bars {
    long v[MAX_BARS];
    size_t n;         /* bars, the highlighted last one included */
    const char *mark; /* what the highlighted bar is */
    long max;
};

static void bars_of(const struct dt_digest_item *it, const struct dt_digest_lang *L, struct bars *b)
{
    size_t n =
        it->n_latencies < DT_DIGEST_MAX_LATENCIES ? it->n_latencies : DT_DIGEST_MAX_LATENCIES;
    b->n = 0;
    for (size_t i = 0; i < n; i++)
        b->v[b->n++] = it->latencies_s[i] > 0 ? it->latencies_s[i] : 0;
    if (it->state == DT_STATE_SLOWED) {
        /* The slow reply is normally the latest latency already; add it if not. */
        long r = it->reply_s > 0 ? it->reply_s : 0;
        if (b->n == 0 || b->v[b->n - 1] != r)
            b->v[b->n++] = r;
        b->mark = L->chart_reply;
    } else {
        b->v[b->n++] = it->silent_s > 0 ? it->silent_s : 0;
        b->mark = L->chart_now;
    }
    b->max = 0;
    for (size_t i = 0; i < b->n; i++)
        if (b->v[i] > b->max)
            b->max = b->v[i];
}

/* A bar's length in units out of full, proportional, at least 1. */
static unsigned bar_len(const struct bars *b, size_t i, unsigned full)
{
    if (b->max <= 0)
        return 1;
    unsigned long long w = ((unsigned long long)b->v[i] * full + (unsigned long long)b->max - 1) /
                           (unsigned long long)b->max;
    return w < 1 ? 1 : (unsigned)w;
}

static size_t count_state(const struct dt_digest *d, int idx)
{
    size_t c = 0;
    for (size_t i = 0; i < d->n_items; i++)
        if (dt_digest_state_index(d->items[i].state) == idx)
            c++;
    return c;
}

static void silence_line(const struct dt_digest_item *it, const struct dt_digest_lang *L,
                         struct dt_buf *b, bool html)
{
    char a[48], u[48];
    words(L, it, it->state == DT_STATE_SLOWED ? it->reply_s : it->silent_s, a, sizeof a);
    words(L, it, it->usual_s, u, sizeof u);
    const char *fmt = it->state == DT_STATE_SLOWED ? L->slowed : L->silent;
    struct dt_buf tmp = DT_BUF_INIT;
    dt_buf_printf(&tmp, fmt, a, u);
    unsigned src = (unsigned)it->usual_source < DT_USUAL_COUNT ? it->usual_source : 0;
    dt_buf_printf(&tmp, " (%s)", L->usual_from[src]);
    if (html)
        put_html(b, tmp.data ? tmp.data : "");
    else
        dt_buf_puts(b, tmp.data ? tmp.data : "");
    if (dt_buf_failed(&tmp))
        b->failed = true;
    dt_buf_free(&tmp);
}

static void trigger_line(const struct dt_digest_item *it, const struct dt_digest *d,
                         const struct dt_digest_lang *L, struct dt_buf *b, bool html)
{
    char date[48], score[16];
    date_str(L, it->trigger_at, d->as_of, date, sizeof date);
    score_str(L, it->trigger_score, score, sizeof score);
    struct dt_buf tmp = DT_BUF_INIT;
    dt_buf_printf(&tmp, L->trigger, date, score);
    if (html)
        put_html(b, tmp.data ? tmp.data : "");
    else
        dt_buf_puts(b, tmp.data ? tmp.data : "");
    if (dt_buf_failed(&tmp))
        b->failed = true;
    dt_buf_free(&tmp);
    if (it->trigger_phrases) {
        struct dt_buf ph = DT_BUF_INIT;
        if (put_clean(&ph, it->trigger_phrases, MAX_PHRASES_CP, html))
            dt_buf_printf(b, " (%s)", ph.data);
        if (dt_buf_failed(&ph))
            b->failed = true;
        dt_buf_free(&ph);
    }
}

static void subject_of(const struct dt_digest_item *it, const struct dt_digest_lang *L,
                       struct dt_buf *b, bool html)
{
    if (!it->subject)
        dt_buf_puts(b, L->no_subject);
    else if (!put_clean(b, it->subject, MAX_TEXT_CP, html))
        dt_buf_puts(b, L->empty_subject);
}

static void counterpart_of(const struct dt_digest_item *it, const struct dt_digest_lang *L,
                           struct dt_buf *b, bool html)
{
    if (!it->counterpart || !put_clean(b, it->counterpart, MAX_TEXT_CP, html))
        dt_buf_puts(b, L->unknown);
}

/* ---- text/plain --------------------------------------------------------- */

static void text_item(const struct dt_digest_item *it, const struct dt_digest *d,
                      const struct dt_digest_lang *L, int idx, struct dt_buf *b)
{
    dt_buf_puts(b, "* ");
    counterpart_of(it, L, b, false);
    dt_buf_printf(b, "  [%s]\n  ", it->is_new ? L->is_new : L->ongoing);
    subject_of(it, L, b, false);
    dt_buf_puts(b, "\n  ");
    trigger_line(it, d, L, b, false);
    dt_buf_puts(b, "\n  ");
    silence_line(it, L, b, false);
    dt_buf_putc(b, '\n');

    struct bars bars;
    bars_of(it, L, &bars);
    if (bars.n < 2) {
        if (it->usual_source != DT_USUAL_THREAD)
            dt_buf_printf(b, "  %s\n", L->no_history);
    } else {
        dt_buf_printf(b, "  %s:\n", L->chart);
        for (size_t i = 0; i < bars.n; i++) {
            bool hi = i + 1 == bars.n;
            char label[32];
            words(L, it, bars.v[i], label, sizeof label);
            dt_buf_printf(b, "  %8s ", label);
            unsigned w = bar_len(&bars, i, TEXT_BAR_WIDTH);
            for (unsigned k = 0; k < w; k++)
                dt_buf_puts(b, hi ? "\xe2\x96\x88" : "\xe2\x96\x87"); /* █ / ▇ */
            if (hi)
                dt_buf_printf(b, " \xe2\x86\x90 %s", bars.mark); /* ← */
            dt_buf_putc(b, '\n');
        }
    }
    dt_buf_printf(b, "  \xe2\x86\x92 %s\n\n", L->advice[idx]); /* → */
}

void dt_digest_text(const struct dt_digest *d, const struct dt_digest_lang *L, struct dt_buf *b)
{
    char today[48];
    date_str(L, d->as_of, d->as_of, today, sizeof today);
    dt_buf_printf(b, "%s \xe2\x80\x94 %s\n\n", L->heading, today);

    size_t total = 0;
    for (int s = 0; s < DT_DG_NSTATES; s++)
        total += count_state(d, s);
    if (total == 0) {
        dt_buf_printf(b, "%s\n\n", L->empty);
    } else {
        dt_buf_printf(b, "%s\n\n", L->intro);
        for (int s = 0; s < DT_DG_NSTATES; s++) {
            size_t c = count_state(d, s);
            if (c == 0)
                continue;
            dt_buf_printf(b, "== %s (%zu) ==\n%s\n\n", L->section[s], c, L->section_note[s]);
            for (size_t i = 0; i < d->n_items; i++)
                if (dt_digest_state_index(d->items[i].state) == s)
                    text_item(&d->items[i], d, L, s, b);
        }
    }
    dt_buf_printf(b, "%s\n", L->footer);
}

/* ---- text/html ---------------------------------------------------------- */

#define FONT "font-family:Helvetica,Arial,sans-serif;"
#define TABLE "role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\""

static const char *const state_color[DT_DG_NSTATES] = {"#b03a2e", "#2471a3", "#b9770e"};

static void html_open(struct dt_buf *b, const struct dt_digest_lang *L, const char *title,
                      const char *heading, time_t as_of)
{
    char today[48];
    struct tm tm;
    utc(L, as_of, &tm);
    snprintf(today, sizeof today, "%s %d %s %d", L->wday[tm.tm_wday], tm.tm_mday,
             L->month[tm.tm_mon], tm.tm_year + 1900);

    dt_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n", L->code);
    dt_buf_puts(b, "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<title>");
    put_html(b, title);
    dt_buf_puts(b, "</title>\n</head>\n"
                   "<body style=\"margin:0;padding:0;background-color:#f3f2ef;\">\n");
    dt_buf_puts(b, "<table " TABLE " width=\"100%\" bgcolor=\"#f3f2ef\" "
                   "style=\"background-color:#f3f2ef;\">\n<tr><td align=\"center\" "
                   "style=\"padding:16px 8px;\">\n");
    /* Outlook ignores max-width; a fixed 600px ghost table holds it there. */
    dt_buf_puts(b, "<!--[if mso]><table " TABLE " width=\"600\"><tr><td><![endif]-->\n");
    dt_buf_puts(b, "<table " TABLE " width=\"100%\" bgcolor=\"#ffffff\" style=\"width:100%;"
                   "max-width:600px;background-color:#ffffff;border:1px solid #e2e0da;\">\n");
    dt_buf_puts(b, "<tr><td style=\"padding:20px 24px 4px 24px;" FONT "color:#1f2d3a;\">"
                   "<h1 style=\"margin:0;font-size:20px;line-height:26px;font-weight:bold;\">");
    put_html(b, heading);
    dt_buf_puts(b, "</h1>\n<p style=\"margin:4px 0 0 0;font-size:13px;line-height:18px;"
                   "color:#6b7280;\">");
    put_html(b, today);
    dt_buf_puts(b, "</p></td></tr>\n");
}

static void html_paragraph(struct dt_buf *b, const char *text)
{
    dt_buf_puts(b, "<tr><td style=\"padding:12px 24px 12px 24px;" FONT
                   "font-size:15px;line-height:22px;color:#333333;\">");
    put_html(b, text);
    dt_buf_puts(b, "</td></tr>\n");
}

static void html_close(struct dt_buf *b, const char *footer)
{
    dt_buf_puts(b, "<tr><td style=\"padding:16px 24px 20px 24px;border-top:1px solid #e2e0da;" FONT
                   "font-size:12px;line-height:17px;color:#6b7280;\">");
    put_html(b, footer);
    dt_buf_puts(b, "</td></tr>\n</table>\n<!--[if mso]></td></tr></table><![endif]-->\n"
                   "</td></tr>\n</table>\n</body>\n</html>\n");
}

static void html_bars(const struct dt_digest_item *it, const struct dt_digest_lang *L, int idx,
                      struct dt_buf *b)
{
    struct bars bars;
    bars_of(it, L, &bars);
    if (bars.n < 2) {
        if (it->usual_source == DT_USUAL_THREAD)
            return;
        dt_buf_puts(b, "<p style=\"margin:8px 0 0 0;font-size:12px;line-height:16px;"
                       "color:#6b7280;\">");
        put_html(b, L->no_history);
        dt_buf_puts(b, "</p>\n");
        return;
    }
    dt_buf_puts(b, "<table " TABLE " width=\"100%\" style=\"margin-top:8px;\">\n"
                   "<tr><td colspan=\"2\" style=\"" FONT
                   "font-size:12px;line-height:16px;color:#6b7280;padding:0 0 2px 0;\">");
    put_html(b, L->chart);
    dt_buf_puts(b, "</td></tr>\n");
    for (size_t i = 0; i < bars.n; i++) {
        bool hi = i + 1 == bars.n;
        const char *color = hi ? state_color[idx] : "#c5ccd3";
        char label[32];
        words(L, it, bars.v[i], label, sizeof label);
        unsigned pct = bar_len(&bars, i, 100);
        if (pct < 2)
            pct = 2;
        dt_buf_printf(b,
                      "<tr><td width=\"88\" align=\"right\" style=\"width:88px;" FONT
                      "font-size:12px;line-height:16px;white-space:nowrap;padding:1px 8px 1px 0;"
                      "color:%s;%s\">",
                      hi ? color : "#555555", hi ? "font-weight:bold;" : "");
        if (hi) {
            put_html(b, bars.mark);
            dt_buf_puts(b, " ");
        }
        put_html(b, label);
        dt_buf_printf(b,
                      "</td>\n<td style=\"padding:1px 0;\"><table " TABLE
                      " width=\"%u%%\" style=\"width:%u%%;\"><tr><td height=\"10\" "
                      "bgcolor=\"%s\" style=\"height:10px;background-color:%s;font-size:1px;"
                      "line-height:1px;\">&nbsp;</td></tr></table></td></tr>\n",
                      pct, pct, color, color);
    }
    dt_buf_puts(b, "</table>\n");
}

static void html_item(const struct dt_digest_item *it, const struct dt_digest *d,
                      const struct dt_digest_lang *L, int idx, struct dt_buf *b)
{
    dt_buf_printf(b,
                  "<tr><td style=\"padding:0 24px 14px 24px;\">\n<table " TABLE
                  " width=\"100%%\" style=\"border:1px solid #e2e0da;border-left:4px solid %s;\">"
                  "\n<tr><td style=\"padding:12px 14px;" FONT
                  "font-size:14px;line-height:20px;color:#1f2d3a;\">\n",
                  state_color[idx]);
    dt_buf_puts(b, "<div style=\"font-size:15px;line-height:21px;font-weight:bold;"
                   "word-break:break-word;\">");
    counterpart_of(it, L, b, true);
    if (it->is_new)
        dt_buf_puts(b, " <span style=\"font-size:11px;font-weight:bold;color:#ffffff;"
                       "background-color:#2e7d32;padding:1px 6px;\">");
    else
        dt_buf_puts(b, " <span style=\"font-size:11px;font-weight:normal;color:#444444;"
                       "background-color:#e5e7eb;padding:1px 6px;\">");
    put_html(b, it->is_new ? L->is_new : L->ongoing);
    dt_buf_puts(b, "</span></div>\n<div style=\"color:#333333;word-break:break-word;\">");
    subject_of(it, L, b, true);
    dt_buf_puts(b, "</div>\n<div style=\"font-size:13px;line-height:18px;color:#6b7280;"
                   "word-break:break-word;\">");
    trigger_line(it, d, L, b, true);
    dt_buf_printf(b,
                  "</div>\n<div style=\"font-size:13px;line-height:18px;margin-top:6px;"
                  "color:%s;font-weight:bold;\">",
                  state_color[idx]);
    silence_line(it, L, b, true);
    dt_buf_puts(b, "</div>\n");
    html_bars(it, L, idx, b);
    dt_buf_puts(b, "<div style=\"margin-top:10px;padding:8px 10px;background-color:#f4f7f2;"
                   "font-size:13px;line-height:19px;color:#2f4f2f;\">&#8594; ");
    put_html(b, L->advice[idx]);
    dt_buf_puts(b, "</div>\n</td></tr>\n</table>\n</td></tr>\n");
}

void dt_digest_html(const struct dt_digest *d, const struct dt_digest_lang *L, const char *title,
                    struct dt_buf *b)
{
    html_open(b, L, title, L->heading, d->as_of);
    size_t total = 0;
    for (int s = 0; s < DT_DG_NSTATES; s++)
        total += count_state(d, s);
    if (total == 0) {
        html_paragraph(b, L->empty);
    } else {
        html_paragraph(b, L->intro);
        for (int s = 0; s < DT_DG_NSTATES; s++) {
            size_t c = count_state(d, s);
            if (c == 0)
                continue;
            dt_buf_printf(b,
                          "<tr><td style=\"padding:8px 24px 10px 24px;" FONT "\">"
                          "<h2 style=\"margin:0;font-size:16px;line-height:22px;color:%s;\">",
                          state_color[s]);
            put_html(b, L->section[s]);
            dt_buf_printf(b,
                          " (%zu)</h2>\n<p style=\"margin:2px 0 0 0;font-size:13px;"
                          "line-height:18px;color:#6b7280;\">",
                          c);
            put_html(b, L->section_note[s]);
            dt_buf_puts(b, "</p></td></tr>\n");
            for (size_t i = 0; i < d->n_items; i++)
                if (dt_digest_state_index(d->items[i].state) == s)
                    html_item(&d->items[i], d, L, s, b);
        }
    }
    html_close(b, L->footer);
}

/* ---- the manager's roll-up ---------------------------------------------- */

static void rollup_rep(const struct dt_rollup_line *l, const struct dt_digest_lang *L,
                       struct dt_buf *b, bool html)
{
    if (!l->rep || !put_clean(b, l->rep, MAX_TEXT_CP, html))
        dt_buf_puts(b, L->unknown);
}

void dt_digest_rollup_text(const struct dt_rollup_line *lines, size_t n, time_t as_of,
                           const struct dt_digest_lang *L, struct dt_buf *b)
{
    char today[48];
    date_str(L, as_of, as_of, today, sizeof today);
    dt_buf_printf(b, "%s \xe2\x80\x94 %s\n\n%s\n\n", L->rollup_heading, today, L->rollup_intro);
    size_t t[DT_DG_NSTATES] = {0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        dt_buf_puts(b, "* ");
        rollup_rep(&lines[i], L, b, false);
        dt_buf_printf(b, ": %s %zu, %s %zu, %s %zu\n", L->section[0], lines[i].stalled,
                      L->section[1], lines[i].cooling, L->section[2], lines[i].slowed);
        t[0] += lines[i].stalled;
        t[1] += lines[i].cooling;
        t[2] += lines[i].slowed;
    }
    dt_buf_printf(b, "\n%s: %s %zu, %s %zu, %s %zu\n\n%s\n", L->rollup_total, L->section[0], t[0],
                  L->section[1], t[1], L->section[2], t[2], L->rollup_footer);
}

static void rollup_cell(struct dt_buf *b, size_t v, const char *color, bool bold)
{
    dt_buf_printf(b,
                  "<td align=\"right\" style=\"padding:6px 0 6px 8px;border-bottom:1px solid "
                  "#e2e0da;" FONT "font-size:14px;line-height:20px;color:%s;%s\">%zu</td>",
                  v ? color : "#9ca3af", bold ? "font-weight:bold;" : "", v);
}

void dt_digest_rollup_html(const struct dt_rollup_line *lines, size_t n, time_t as_of,
                           const struct dt_digest_lang *L, const char *title, struct dt_buf *b)
{
    html_open(b, L, title, L->rollup_heading, as_of);
    html_paragraph(b, L->rollup_intro);
    dt_buf_puts(b, "<tr><td style=\"padding:0 24px 12px 24px;\">\n<table " TABLE
                   " width=\"100%\">\n<tr><th align=\"left\" style=\"padding:6px 0;border-bottom:"
                   "2px solid #1f2d3a;" FONT "font-size:13px;color:#1f2d3a;\">");
    put_html(b, L->rollup_rep);
    dt_buf_puts(b, "</th>");
    for (int s = 0; s < DT_DG_NSTATES; s++) {
        dt_buf_printf(b,
                      "<th align=\"right\" style=\"padding:6px 0 6px 8px;border-bottom:2px "
                      "solid #1f2d3a;" FONT "font-size:13px;color:%s;\">",
                      state_color[s]);
        put_html(b, L->section[s]);
        dt_buf_puts(b, "</th>");
    }
    dt_buf_puts(b, "</tr>\n");
    size_t t[DT_DG_NSTATES] = {0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        dt_buf_puts(b, "<tr><td style=\"padding:6px 0;border-bottom:1px solid #e2e0da;" FONT
                       "font-size:14px;line-height:20px;color:#1f2d3a;word-break:break-all;\">");
        rollup_rep(&lines[i], L, b, true);
        dt_buf_puts(b, "</td>");
        rollup_cell(b, lines[i].stalled, state_color[0], false);
        rollup_cell(b, lines[i].cooling, state_color[1], false);
        rollup_cell(b, lines[i].slowed, state_color[2], false);
        dt_buf_puts(b, "</tr>\n");
        t[0] += lines[i].stalled;
        t[1] += lines[i].cooling;
        t[2] += lines[i].slowed;
    }
    dt_buf_puts(b, "<tr><td style=\"padding:6px 0;" FONT
                   "font-size:14px;font-weight:bold;color:#1f2d3a;\">");
    put_html(b, L->rollup_total);
    dt_buf_puts(b, "</td>");
    for (int s = 0; s < DT_DG_NSTATES; s++)
        rollup_cell(b, t[s], state_color[s], true);
    dt_buf_puts(b, "</tr>\n</table>\n</td></tr>\n");
    html_close(b, L->rollup_footer);
}
