/*
 * digest_body.c - the text/plain and text/html bodies of a rep's digest
 * and of a manager's roll-up, and the digest's subject line. Pure; the
 * words come from the language tables (digest_lang.c picks one). Private
 * API in digest_render_int.h.
 *
 * A card says who the deal is with (name, organisation, address), the
 * subject, when the enthusiastic mail went and the phrases that made it
 * so, the silence (or the slow reply) against the usual, where the usual
 * comes from, a reply-time chart on one scale with the usual marked, one
 * line of advice and a reply link. Every duration is dt_duration_words()
 * on the item's clock, so a card's headline and its bar say the same.
 *
 * Text: lines wrapped at 72 columns (a long link stays whole). HTML:
 * table-based, inline CSS, at most 600px wide, no images; a <style> block
 * only for prefers-color-scheme: dark, the colours of digest_lang.c's
 * palette, nothing under 12px. No body line ends in white space:
 * libetpan's quoted-printable writer would double a trailing space.
 *
 * Failure: none here; allocation failures stay in the dt_buf for the caller.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dealtemp/utf8.h"
#include "digest_render_int.h"

#define MAX_TEXT_CP 200 /* subjects */
#define MAX_PHRASES_CP 160
#define MAX_BARS (DT_DIGEST_MAX_LATENCIES + 2)
#define TEXT_BAR_WIDTH 24
#define TEXT_COLUMNS 72

/* Light colours of each state (text and its bar), and their dark twins (DT_DG_* order). */
static const char *const state_color[DT_DG_NSTATES] = {"#a8322a", "#1f6391", "#6a3d9a",
                                                       "#8a5a00", "#a0306e"};
static const char *const state_dark[DT_DG_NSTATES] = {"#f28b82", "#8ab4f8", "#c9a7f5", "#fdd663",
                                                      "#f48fb1"};
#define INK "#1f2d3a"
#define MUTED "#5b6472"
#define PAST "#6b7684"
#define LINK "#1f5f99"
#define BORDER "#d9d6cf"
#define PAGE "#f3f2ef"

static void words(const struct dt_digest_lang *L, const struct dt_digest_item *it, long s,
                  char *buf, size_t size)
{
    dt_duration_words(s, &it->clock, L->code, buf, size);
}

static size_t count_state(const struct dt_digest *d, int idx)
{
    size_t c = 0;
    for (size_t i = 0; i < d->n_items; i++)
        if (dt_digest_state_rank(d->items[i].state) == idx)
            c++;
    return c;
}

static void put_text(struct dt_buf *b, const char *s, bool html)
{
    if (html)
        dt_utf8_clean_line(b, s, 4096, true);
    else
        dt_buf_puts(b, s);
}

/* ---- subject lines ------------------------------------------------------ */

void dt_digest_subject(const struct dt_digest_lang *L, const char *prefix, size_t n, time_t as_of,
                       struct dt_buf *out)
{
    char day[48];
    dt_dg_day_month(L, as_of, day, sizeof day);
    if (prefix)
        dt_buf_puts(out, prefix);
    if (n == 0)
        dt_buf_puts(out, L->count_none);
    else if (n == 1)
        dt_buf_puts(out, L->count_one);
    else
        dt_buf_printf(out, L->count_many, n);
    dt_buf_printf(out, " \xe2\x80\x94 %s", day);
}

/* The silence (or, once the customer answered, the reply) of an item, the usual, in words. */
static void item_durations(const struct dt_digest_item *it, const struct dt_digest_lang *L,
                           char *now, char *usual, size_t size)
{
    words(L, it, it->answered ? it->reply_s : it->silent_s, now, size);
    words(L, it, it->usual_s, usual, size);
}

void dt_digest_headline(const struct dt_digest *d, const struct dt_digest_lang *L,
                        struct dt_buf *out)
{
    size_t n = 0;
    const struct dt_digest_item *top = NULL;
    for (size_t i = 0; i < d->n_items; i++)
        if (dt_digest_state_rank(d->items[i].state) >= 0 && n++ == 0)
            top = &d->items[i]; /* collect's order: the most urgent first */
    if (top == NULL) {
        dt_digest_subject(L, NULL, 0, d->as_of, out);
        return;
    }
    struct dt_buf who = DT_BUF_INIT;
    dt_dg_who(top, L, &who, false, true);
    char now[64], usual[64];
    item_durations(top, L, now, usual, sizeof now);
    const char *w = who.data ? who.data : "";
    if (top->state == DT_STATE_HESITANT)
        dt_buf_printf(out, L->head_hesitant, w);
    else if (top->state == DT_STATE_CARRIED)
        dt_buf_printf(out, L->head_carried, w);
    else if (top->state == DT_STATE_SLOWED)
        dt_buf_printf(out, L->head_slowed, w, now, usual);
    else
        dt_buf_printf(out, L->head_silent, w, now);
    if (n > 1)
        dt_buf_printf(out, L->head_more, n - 1);
    if (dt_buf_failed(&who))
        out->failed = true;
    dt_buf_free(&who);
}

/* ---- the facts of one card ---------------------------------------------- */

/* The reply times on one scale: earlier replies, the one that matters now, the usual. */
struct bars {
    long v[MAX_BARS];
    size_t n;         /* replies, the highlighted current one last */
    const char *mark; /* what the highlighted bar is */
    long usual, max;
};

static void bars_of(const struct dt_digest_item *it, const struct dt_digest_lang *L, struct bars *b)
{
    size_t n =
        it->n_latencies < DT_DIGEST_MAX_LATENCIES ? it->n_latencies : DT_DIGEST_MAX_LATENCIES;
    b->n = 0;
    for (size_t i = 0; i < n; i++)
        b->v[b->n++] = it->latencies_s[i] > 0 ? it->latencies_s[i] : 0;
    if (it->answered) {
        /* The reply is normally the latest latency already; add it if not. */
        long r = it->reply_s > 0 ? it->reply_s : 0;
        if (b->n == 0 || b->v[b->n - 1] != r)
            b->v[b->n++] = r;
        b->mark = L->chart_reply;
    } else {
        b->v[b->n++] = it->silent_s > 0 ? it->silent_s : 0;
        b->mark = L->chart_now;
    }
    b->usual = it->usual_s > 0 ? it->usual_s : 0;
    b->max = b->usual;
    for (size_t i = 0; i < b->n; i++)
        if (b->v[i] > b->max)
            b->max = b->v[i];
}

/* A bar's length in units out of full, proportional, at least 1. */
static unsigned bar_len(const struct bars *b, long v, unsigned full)
{
    if (b->max <= 0)
        return 1;
    unsigned long long w = ((unsigned long long)v * full + (unsigned long long)b->max - 1) /
                           (unsigned long long)b->max;
    return w < 1 ? 1 : (unsigned)w;
}

static void silence_line(const struct dt_digest_item *it, const struct dt_digest_lang *L,
                         struct dt_buf *b, bool html)
{
    char now[64], usual[64];
    item_durations(it, L, now, usual, sizeof now);
    struct dt_buf tmp = DT_BUF_INIT;
    dt_buf_printf(&tmp, it->answered ? L->slowed : L->silent, now, usual);
    unsigned src = (unsigned)it->usual_source < DT_USUAL_COUNT ? it->usual_source : 0;
    dt_buf_printf(&tmp, " (%s)", L->usual_from[src]);
    put_text(b, tmp.data ? tmp.data : "", html);
    if (dt_buf_failed(&tmp))
        b->failed = true;
    dt_buf_free(&tmp);
}

/* "Your enthusiastic mail: Mon 16 Nov 10:00 — “amazing”, “can't wait”" */
bool dt_dg_phrases(struct dt_buf *b, const char *phrases, size_t max_cp, bool html,
                   const struct dt_digest_lang *L)
{
    struct dt_buf ph = DT_BUF_INIT;
    bool any = dt_utf8_clean_line(&ph, phrases, max_cp, html) && ph.data != NULL;
    if (any) {
        /* "amazing, can't wait" -> “amazing”, “can't wait” (the language's quotes) */
        const char *lq = L != NULL ? L->lquote : "\xe2\x80\x9c";
        const char *rq = L != NULL ? L->rquote : "\xe2\x80\x9d";
        dt_buf_puts(b, lq);
        for (const char *p = ph.data; *p; p++)
            if (p[0] == ',' && p[1] == ' ') {
                dt_buf_printf(b, "%s, %s", rq, lq);
                p++;
            } else {
                dt_buf_putc(b, *p);
            }
        dt_buf_puts(b, rq);
    }
    if (dt_buf_failed(&ph))
        b->failed = true;
    dt_buf_free(&ph);
    return any;
}

static void trigger_line(const struct dt_digest_item *it, const struct dt_digest *d,
                         const struct dt_digest_lang *L, struct dt_buf *b, bool html)
{
    char when[96];
    dt_dg_date_time(L, it->trigger_at, d->as_of, when, sizeof when);
    struct dt_buf tmp = DT_BUF_INIT;
    dt_buf_printf(&tmp, L->trigger, when);
    put_text(b, tmp.data ? tmp.data : "", html);
    if (dt_buf_failed(&tmp))
        b->failed = true;
    dt_buf_free(&tmp);
    if (it->trigger_phrases) {
        struct dt_buf ph = DT_BUF_INIT;
        if (dt_dg_phrases(&ph, it->trigger_phrases, MAX_PHRASES_CP, html, L) && ph.data) {
            dt_buf_puts(b, " \xe2\x80\x94 ");
            dt_buf_puts(b, ph.data);
        }
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
    else if (!dt_utf8_clean_line(b, it->subject, MAX_TEXT_CP, html))
        dt_buf_puts(b, L->empty_subject);
}

static void address_of(const struct dt_digest_item *it, const struct dt_digest_lang *L,
                       struct dt_buf *b, bool html)
{
    if (!it->counterpart || !dt_utf8_clean_line(b, it->counterpart, MAX_TEXT_CP, html))
        dt_buf_puts(b, L->unknown);
}

static bool unreserved(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

/* mailto:addr?subject=Re%3A%20... (everything but unreserved bytes escaped). */
static bool mailto(const struct dt_digest_item *it, struct dt_buf *b)
{
    const char *a = it->counterpart;
    if (a == NULL || strchr(a, '@') == NULL)
        return false;
    dt_buf_puts(b, "mailto:");
    for (; *a; a++)
        if (unreserved((unsigned char)*a) || *a == '@')
            dt_buf_putc(b, *a);
        else
            dt_buf_printf(b, "%%%02X", (unsigned char)*a);
    if (it->subject != NULL && *it->subject) {
        struct dt_buf clean = DT_BUF_INIT;
        dt_utf8_clean_line(&clean, it->subject, MAX_TEXT_CP, false);
        const char *s = clean.data ? clean.data : "";
        dt_buf_puts(b, "?subject=");
        if (strncasecmp(s, "re:", 3) != 0)
            dt_buf_puts(b, "Re%3A%20");
        for (; *s; s++)
            if (unreserved((unsigned char)*s))
                dt_buf_putc(b, *s);
            else
                dt_buf_printf(b, "%%%02X", (unsigned char)*s);
        dt_buf_free(&clean);
    }
    return true;
}

/* The section's advice; carried-away's names the organisation. */
static void advice_of(const struct dt_digest_item *it, const struct dt_digest_lang *L, int idx,
                      struct dt_buf *b, bool html)
{
    struct dt_buf tmp = DT_BUF_INIT;
    if (idx == DT_DG_CARRIED) {
        char org[160];
        dt_dg_org_of(it, L, org, sizeof org);
        dt_buf_printf(&tmp, dt_dg_advice(L, idx), org);
    } else {
        dt_buf_puts(&tmp, dt_dg_advice(L, idx));
    }
    put_text(b, tmp.data ? tmp.data : "", html);
    if (dt_buf_failed(&tmp))
        b->failed = true;
    dt_buf_free(&tmp);
}

/* ---- text/plain --------------------------------------------------------- */

/* Display columns of s[0..n): code points. */
static size_t columns(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xc0) != 0x80;
    return c;
}

/*
 * Append src to out with every line longer than TEXT_COLUMNS broken at the
 * last space that fits, continued under its own indentation. A word
 * longer than a line (a link) is kept whole.
 */
static void wrap(const char *src, size_t len, struct dt_buf *out)
{
    const char *p = src, *end = src + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        size_t indent = 0;
        while (p + indent < eol && p[indent] == ' ')
            indent++;
        if (indent + 2 <= (size_t)(eol - p) && strncmp(p + indent, "* ", 2) == 0)
            indent += 2; /* a list item continues under its text */
        else if (indent + 4 <= (size_t)(eol - p) && strncmp(p + indent, "\xe2\x86\x92 ", 4) == 0)
            indent += 2; /* so does the advice after its arrow */
        const char *line = p;
        bool first = true;
        while (columns(line, (size_t)(eol - line)) + (first ? 0 : indent) > TEXT_COLUMNS) {
            const char *brk = NULL, *q = line;
            size_t col = first ? 0 : indent;
            for (; q < eol && col <= TEXT_COLUMNS; q++) {
                if (*q == ' ' && q > line + (first ? indent : 0))
                    brk = q;
                col += ((unsigned char)*q & 0xc0) != 0x80;
            }
            if (brk == NULL)
                break;
            if (!first)
                for (size_t k = 0; k < indent; k++)
                    dt_buf_putc(out, ' ');
            dt_buf_append(out, line, (size_t)(brk - line));
            dt_buf_putc(out, '\n');
            line = brk + 1;
            first = false;
        }
        if (!first)
            for (size_t k = 0; k < indent; k++)
                dt_buf_putc(out, ' ');
        dt_buf_append(out, line, (size_t)(eol - line));
        if (nl)
            dt_buf_putc(out, '\n');
        p = nl ? nl + 1 : end;
    }
}

/* Right-aligned in this many columns (characters, not bytes: "2 jours ouvrés"). */
#define TEXT_LABEL_COLUMNS 18

static void text_bar(struct dt_buf *b, const char *label, const char *glyph, unsigned w,
                     const char *mark)
{
    dt_buf_puts(b, "  ");
    for (size_t k = columns(label, strlen(label)); k < TEXT_LABEL_COLUMNS; k++)
        dt_buf_putc(b, ' ');
    dt_buf_printf(b, "%s ", label);
    for (unsigned k = 0; k < w; k++)
        dt_buf_puts(b, glyph);
    if (mark)
        dt_buf_printf(b, " \xe2\x86\x90 %s", mark); /* ← */
    dt_buf_putc(b, '\n');
}

static void text_item(const struct dt_digest_item *it, const struct dt_digest *d,
                      const struct dt_digest_lang *L, int idx, struct dt_buf *b)
{
    dt_buf_puts(b, "* ");
    dt_dg_who(it, L, b, false, false);
    dt_buf_printf(b, "  [%s]\n  ", it->is_new ? L->is_new : L->ongoing);
    address_of(it, L, b, false);
    dt_buf_puts(b, "\n  ");
    subject_of(it, L, b, false);
    dt_buf_puts(b, "\n  ");
    trigger_line(it, d, L, b, false);
    dt_buf_puts(b, "\n  ");
    silence_line(it, L, b, false);
    dt_buf_puts(b, "\n  ");
    dt_dg_people_line(it, d, L, b, false);
    dt_buf_putc(b, '\n');
    struct dt_buf joined = DT_BUF_INIT;
    if (dt_dg_joined_line(it, d, L, &joined, false))
        dt_buf_printf(b, "  + %s\n", joined.data);
    dt_buf_free(&joined);

    struct bars bars;
    bars_of(it, L, &bars);
    dt_buf_printf(b, "  %s%s\n", L->chart, L->colon);
    char label[96];
    for (size_t i = 0; i < bars.n; i++) {
        bool hi = i + 1 == bars.n;
        words(L, it, bars.v[i], label, sizeof label);
        text_bar(b, label, hi ? "\xe2\x96\x88" : "\xe2\x96\x87",
                 bar_len(&bars, bars.v[i], TEXT_BAR_WIDTH), hi ? bars.mark : NULL); /* █ / ▇ */
    }
    words(L, it, bars.usual, label, sizeof label);
    text_bar(b, label, "\xe2\x96\x91", bar_len(&bars, bars.usual, TEXT_BAR_WIDTH), L->chart_usual);
    dt_buf_puts(b, "  \xe2\x86\x92 "); /* → */
    advice_of(it, L, idx, b, false);
    dt_buf_putc(b, '\n');
    struct dt_buf link = DT_BUF_INIT;
    if (mailto(it, &link))
        dt_buf_printf(b, "  %s%s %s\n", L->reply, L->colon, link.data);
    if (dt_buf_failed(&link))
        b->failed = true;
    dt_buf_free(&link);
    dt_buf_putc(b, '\n');
}

void dt_digest_text(const struct dt_digest *d, const struct dt_digest_lang *L, struct dt_buf *out)
{
    struct dt_buf b = DT_BUF_INIT;
    char today[48];
    dt_dg_date(L, d->as_of, d->as_of, today, sizeof today);
    dt_buf_printf(&b, "%s \xe2\x80\x94 %s\n\n", L->heading, today);
    size_t total = 0;
    for (int s = 0; s < DT_DG_NSTATES; s++)
        total += count_state(d, s);
    if (total == 0) {
        dt_buf_printf(&b, "%s\n\n", L->empty);
    } else {
        dt_buf_printf(&b, "%s\n\n", L->intro);
        for (int s = 0; s < DT_DG_NSTATES; s++) {
            size_t c = count_state(d, s);
            if (c == 0)
                continue;
            dt_buf_printf(&b, "== %s (%zu) ==\n%s\n\n", dt_dg_section(L, s), c,
                          dt_dg_section_note(L, s));
            for (size_t i = 0; i < d->n_items; i++)
                if (dt_digest_state_rank(d->items[i].state) == s)
                    text_item(&d->items[i], d, L, s, &b);
        }
    }
    dt_buf_printf(&b, "%s\n", L->footer);
    wrap(b.data ? b.data : "", b.len, out);
    if (dt_buf_failed(&b))
        out->failed = true;
    dt_buf_free(&b);
}

/* ---- text/html ---------------------------------------------------------- */

#define FONT "font-family:Helvetica,Arial,sans-serif;"
#define TABLE "role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\""

/* Dark mode: clients that honour <style> (Apple Mail, iOS, Outlook.com) repaint by class. */
static void dark_style(struct dt_buf *b)
{
    dt_buf_puts(b, "<style>\n@media (prefers-color-scheme: dark) {\n"
                   ".dt-page{background-color:#121417 !important;color:#aab2bd !important}\n"
                   ".dt-card{background-color:#1c1f24 !important;border-color:#30363d !important}\n"
                   ".dt-ink{color:#e8eaed !important}\n"
                   ".dt-muted{color:#aab2bd !important}\n"
                   ".dt-past{background-color:#8b949e !important}\n"
                   ".dt-usual{border-color:#e8eaed !important}\n"
                   ".dt-advice{background-color:#22302a !important;color:#cde5c4 !important}\n"
                   ".dt-ongoing{background-color:#374151 !important;color:#e5e7eb !important}\n"
                   ".dt-link{color:#8ab4f8 !important}\n");
    for (int s = 0; s < DT_DG_NSTATES; s++)
        dt_buf_printf(b,
                      ".dt-s%d{color:%s !important}\n.dt-b%d{background-color:%s "
                      "!important;border-color:%s !important}\n",
                      s, state_dark[s], s, state_dark[s], state_dark[s]);
    dt_buf_puts(b, "}\n</style>\n");
}

static void html_open(struct dt_buf *b, const struct dt_digest_lang *L, const char *title,
                      const char *heading, const char *preheader, time_t as_of)
{
    char today[64];
    dt_dg_date_year(L, as_of, today, sizeof today);

    dt_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n", L->code);
    dt_buf_puts(b, "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<meta name=\"color-scheme\" content=\"light dark\">\n"
                   "<meta name=\"supported-color-schemes\" content=\"light dark\">\n"
                   "<title>");
    put_text(b, title, true);
    dt_buf_puts(b, "</title>\n");
    dark_style(b);
    dt_buf_puts(b, "</head>\n<body class=\"dt-page\" style=\"margin:0;padding:0;"
                   "background-color:" PAGE ";\">\n");
    /* The preheader: what the inbox shows beside the subject, hidden in the mail itself. */
    dt_buf_puts(b, "<div style=\"display:none;max-height:0;overflow:hidden;mso-hide:all;\">");
    put_text(b, preheader, true);
    dt_buf_puts(b, "</div>\n");
    dt_buf_puts(b, "<table " TABLE " width=\"100%\" class=\"dt-page\" bgcolor=\"" PAGE "\" "
                   "style=\"background-color:" PAGE ";\">\n<tr><td align=\"center\" "
                   "style=\"padding:16px 8px;\">\n");
    /* Outlook ignores max-width; a fixed 600px ghost table holds it there. */
    dt_buf_puts(b, "<!--[if mso]><table " TABLE " width=\"600\"><tr><td><![endif]-->\n");
    dt_buf_puts(b, "<table " TABLE " width=\"100%\" class=\"dt-card\" bgcolor=\"#ffffff\" "
                   "style=\"width:100%;max-width:600px;background-color:#ffffff;"
                   "border:1px solid " BORDER ";\">\n");
    dt_buf_puts(b, "<tr><td class=\"dt-ink\" style=\"padding:20px 24px 4px 24px;" FONT "color:" INK
                   ";\"><h1 style=\"margin:0;font-size:20px;line-height:26px;"
                   "font-weight:bold;\">");
    put_text(b, heading, true);
    dt_buf_puts(b, "</h1>\n<p class=\"dt-muted\" style=\"margin:4px 0 0 0;font-size:13px;"
                   "line-height:18px;color:" MUTED ";\">");
    put_text(b, today, true);
    dt_buf_puts(b, "</p></td></tr>\n");
}

static void html_paragraph(struct dt_buf *b, const char *text)
{
    dt_buf_puts(b, "<tr><td class=\"dt-ink\" style=\"padding:12px 24px 12px 24px;" FONT
                   "font-size:15px;line-height:22px;color:" INK ";\">");
    put_text(b, text, true);
    dt_buf_puts(b, "</td></tr>\n");
}

static void html_close(struct dt_buf *b, const char *footer)
{
    dt_buf_puts(b, "<tr><td class=\"dt-muted\" style=\"padding:16px 24px 20px 24px;"
                   "border-top:1px solid " BORDER ";" FONT
                   "font-size:12px;line-height:17px;color:" MUTED ";\">");
    put_text(b, footer, true);
    dt_buf_puts(b, "</td></tr>\n</table>\n<!--[if mso]></td></tr></table><![endif]-->\n"
                   "</td></tr>\n</table>\n</body>\n</html>\n");
}

/* One chart row: the label, then a bar of pct % (filled, or outlined for the usual). */
static void html_bar(struct dt_buf *b, const char *label, bool bold, const char *cls,
                     const char *color, unsigned pct, bool outline)
{
    if (pct < 2)
        pct = 2;
    dt_buf_printf(b,
                  "<tr><td width=\"132\" align=\"right\" class=\"%s\" style=\"width:132px;" FONT
                  "font-size:12px;line-height:16px;padding:1px 8px 1px 0;color:%s;%s\">",
                  bold ? cls : "dt-muted", bold ? color : MUTED, bold ? "font-weight:bold;" : "");
    put_text(b, label, true);
    dt_buf_printf(b,
                  "</td>\n<td style=\"padding:1px 0;\"><table " TABLE
                  " width=\"%u%%\" style=\"width:%u%%;\"><tr>",
                  pct, pct);
    if (outline)
        dt_buf_printf(b,
                      "<td height=\"6\" class=\"dt-usual\" style=\"height:6px;border:2px dashed "
                      "%s;font-size:1px;line-height:1px;\">&nbsp;</td>",
                      color);
    else
        dt_buf_printf(b,
                      "<td height=\"10\" class=\"%s\" bgcolor=\"%s\" style=\"height:10px;"
                      "background-color:%s;font-size:1px;line-height:1px;\">&nbsp;</td>",
                      cls, color, color);
    dt_buf_puts(b, "</tr></table></td></tr>\n");
}

static void html_bars(const struct dt_digest_item *it, const struct dt_digest_lang *L, int idx,
                      struct dt_buf *b)
{
    struct bars bars;
    bars_of(it, L, &bars);
    dt_buf_puts(b, "<table " TABLE " width=\"100%\" style=\"margin-top:8px;\">\n"
                   "<tr><td colspan=\"2\" class=\"dt-muted\" style=\"" FONT
                   "font-size:12px;line-height:16px;color:" MUTED ";padding:0 0 2px 0;\">");
    put_text(b, L->chart, true);
    dt_buf_puts(b, "</td></tr>\n");
    char w[64], label[160], cls[24];
    snprintf(cls, sizeof cls, "dt-b%d", idx);
    for (size_t i = 0; i < bars.n; i++) {
        bool hi = i + 1 == bars.n;
        words(L, it, bars.v[i], w, sizeof w);
        snprintf(label, sizeof label, "%s%s%s", hi ? bars.mark : "", hi ? " " : "", w);
        html_bar(b, label, hi, hi ? cls : "dt-past", hi ? state_color[idx] : PAST,
                 bar_len(&bars, bars.v[i], 100), false);
    }
    words(L, it, bars.usual, w, sizeof w);
    snprintf(label, sizeof label, "%s %s", L->chart_usual, w);
    html_bar(b, label, false, "dt-usual", INK, bar_len(&bars, bars.usual, 100), true);
    dt_buf_puts(b, "</table>\n");
}

static void html_item(const struct dt_digest_item *it, const struct dt_digest *d,
                      const struct dt_digest_lang *L, int idx, struct dt_buf *b)
{
    dt_buf_printf(
        b,
        "<tr><td style=\"padding:0 24px 14px 24px;\">\n<table " TABLE
        " width=\"100%%\" class=\"dt-card\" style=\"border:1px solid " BORDER ";"
        "border-left:4px solid %s;\">\n<tr><td class=\"dt-ink\" style=\"padding:12px 14px;" FONT
        "font-size:14px;line-height:20px;color:" INK ";\">\n",
        state_color[idx]);
    dt_buf_puts(b, "<div style=\"font-size:16px;line-height:22px;font-weight:bold;"
                   "word-break:break-word;\">");
    dt_dg_who(it, L, b, true, false);
    if (it->is_new)
        dt_buf_puts(b, " <span style=\"font-size:12px;font-weight:bold;color:#ffffff;"
                       "background-color:#2e7d32;padding:1px 6px;\">");
    else
        dt_buf_puts(b, " <span class=\"dt-ongoing\" style=\"font-size:12px;font-weight:normal;"
                       "color:#374151;background-color:#e5e7eb;padding:1px 6px;\">");
    put_text(b, it->is_new ? L->is_new : L->ongoing, true);
    dt_buf_puts(b, "</span></div>\n<div class=\"dt-muted\" style=\"font-size:13px;"
                   "line-height:18px;color:" MUTED ";word-break:break-all;\">");
    address_of(it, L, b, true);
    dt_buf_puts(b, "</div>\n<div style=\"margin-top:4px;word-break:break-word;\">");
    subject_of(it, L, b, true);
    dt_buf_puts(b, "</div>\n<div class=\"dt-muted\" style=\"font-size:13px;line-height:18px;"
                   "color:" MUTED ";word-break:break-word;\">");
    trigger_line(it, d, L, b, true);
    dt_buf_printf(b,
                  "</div>\n<div class=\"dt-s%d\" style=\"font-size:14px;line-height:20px;"
                  "margin-top:6px;color:%s;font-weight:bold;\">",
                  idx, state_color[idx]);
    silence_line(it, L, b, true);
    dt_buf_puts(b, "</div>\n<div class=\"dt-muted\" style=\"font-size:13px;line-height:18px;"
                   "margin-top:2px;color:" MUTED ";word-break:break-word;\">");
    dt_dg_people_line(it, d, L, b, true);
    dt_buf_puts(b, "</div>\n");
    struct dt_buf joined = DT_BUF_INIT;
    if (dt_dg_joined_line(it, d, L, &joined, true))
        dt_buf_printf(b,
                      "<div class=\"dt-advice\" style=\"margin-top:4px;padding:2px 10px;"
                      "background-color:#eef3ea;font-size:13px;line-height:19px;"
                      "color:#2f4f2f;\">+ %s</div>\n",
                      joined.data);
    dt_buf_free(&joined);
    html_bars(it, L, idx, b);
    dt_buf_puts(b, "<div class=\"dt-advice\" style=\"margin-top:10px;padding:8px 10px;"
                   "background-color:#eef3ea;font-size:13px;line-height:19px;color:#2f4f2f;\">"
                   "&#8594; ");
    advice_of(it, L, idx, b, true);
    dt_buf_puts(b, "</div>\n");
    struct dt_buf link = DT_BUF_INIT;
    if (mailto(it, &link)) {
        dt_buf_puts(b, "<div style=\"margin-top:8px;font-size:14px;line-height:20px;\">"
                       "<a class=\"dt-link\" style=\"color:" LINK ";font-weight:bold;\" href=\"");
        put_text(b, link.data, true);
        dt_buf_puts(b, "\">");
        put_text(b, L->reply, true);
        dt_buf_puts(b, " &#8594;</a></div>\n");
    }
    if (dt_buf_failed(&link))
        b->failed = true;
    dt_buf_free(&link);
    dt_buf_puts(b, "</td></tr>\n</table>\n</td></tr>\n");
}

void dt_digest_html(const struct dt_digest *d, const struct dt_digest_lang *L, const char *title,
                    struct dt_buf *b)
{
    html_open(b, L, title, L->heading, title, d->as_of);
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
                          "<h2 class=\"dt-s%d\" style=\"margin:0;font-size:16px;line-height:22px;"
                          "color:%s;\">",
                          s, state_color[s]);
            put_text(b, dt_dg_section(L, s), true);
            dt_buf_printf(b,
                          " (%zu)</h2>\n<p class=\"dt-muted\" style=\"margin:2px 0 0 0;"
                          "font-size:13px;line-height:18px;color:" MUTED ";\">",
                          c);
            put_text(b, dt_dg_section_note(L, s), true);
            dt_buf_puts(b, "</p></td></tr>\n");
            for (size_t i = 0; i < d->n_items; i++)
                if (dt_digest_state_rank(d->items[i].state) == s)
                    html_item(&d->items[i], d, L, s, b);
        }
    }
    html_close(b, L->footer);
}

/* ---- the manager's roll-up ---------------------------------------------- */

static void rollup_rep(const struct dt_rollup_line *l, const struct dt_digest_lang *L,
                       struct dt_buf *b, bool html)
{
    if (!l->rep || !dt_utf8_clean_line(b, l->rep, MAX_TEXT_CP, html))
        dt_buf_puts(b, L->unknown);
}

void dt_digest_rollup_text(const struct dt_rollup_line *lines, size_t n, time_t as_of,
                           const struct dt_digest_lang *L, const char *extra, struct dt_buf *out)
{
    struct dt_buf b = DT_BUF_INIT;
    char today[48];
    dt_dg_date(L, as_of, as_of, today, sizeof today);
    dt_buf_printf(&b, "%s \xe2\x80\x94 %s\n\n%s\n\n", L->rollup_heading, today, L->rollup_intro);
    size_t t[DT_DG_NSTATES] = {0};
    for (size_t i = 0; i < n; i++) {
        dt_buf_puts(&b, "* ");
        rollup_rep(&lines[i], L, &b, false);
        dt_buf_puts(&b, L->colon);
        for (int s = 0; s < DT_DG_NSTATES; s++) {
            dt_buf_printf(&b, "%s %s %zu", s ? "," : "", dt_dg_section(L, s), lines[i].n[s]);
            t[s] += lines[i].n[s];
        }
        dt_buf_putc(&b, '\n');
    }
    dt_buf_printf(&b, "\n%s%s", L->rollup_total, L->colon);
    for (int s = 0; s < DT_DG_NSTATES; s++)
        dt_buf_printf(&b, "%s %s %zu", s ? "," : "", dt_dg_section(L, s), t[s]);
    dt_buf_printf(&b, "\n\n%s%s%s\n", extra ? extra : "", extra ? "\n" : "", L->rollup_footer);
    wrap(b.data ? b.data : "", b.len, out);
    if (dt_buf_failed(&b))
        out->failed = true;
    dt_buf_free(&b);
}

static void rollup_cell(struct dt_buf *b, size_t v, int s, bool bold)
{
    dt_buf_printf(b,
                  "<td align=\"right\" class=\"%s%d\" style=\"padding:6px 0 6px 8px;"
                  "border-bottom:1px solid " BORDER ";" FONT
                  "font-size:14px;line-height:20px;color:%s;%s\">%zu</td>",
                  v ? "dt-s" : "dt-muted dt-s", v ? s : 9, v ? state_color[s] : MUTED,
                  bold ? "font-weight:bold;" : "", v);
}

void dt_digest_rollup_html(const struct dt_rollup_line *lines, size_t n, time_t as_of,
                           const struct dt_digest_lang *L, const char *title, const char *extra,
                           struct dt_buf *b)
{
    html_open(b, L, title, L->rollup_heading, title, as_of);
    html_paragraph(b, L->rollup_intro);
    dt_buf_puts(b,
                "<tr><td style=\"padding:0 24px 12px 24px;\">\n<table " TABLE
                " width=\"100%\">\n<tr><th align=\"left\" class=\"dt-ink\" style=\"padding:6px 0;"
                "border-bottom:2px solid " INK ";" FONT "font-size:13px;color:" INK ";\">");
    put_text(b, L->rollup_rep, true);
    dt_buf_puts(b, "</th>");
    for (int s = 0; s < DT_DG_NSTATES; s++) {
        dt_buf_printf(b,
                      "<th align=\"right\" class=\"dt-s%d\" style=\"padding:6px 0 6px 8px;"
                      "border-bottom:2px solid " INK ";" FONT "font-size:13px;color:%s;\">",
                      s, state_color[s]);
        put_text(b, dt_dg_section(L, s), true);
        dt_buf_puts(b, "</th>");
    }
    dt_buf_puts(b, "</tr>\n");
    size_t t[DT_DG_NSTATES] = {0};
    for (size_t i = 0; i < n; i++) {
        dt_buf_puts(b,
                    "<tr><td class=\"dt-ink\" style=\"padding:6px 0;border-bottom:1px solid " BORDER
                    ";" FONT "font-size:14px;line-height:20px;color:" INK ";"
                    "word-break:break-all;\">");
        rollup_rep(&lines[i], L, b, true);
        dt_buf_puts(b, "</td>");
        for (int s = 0; s < DT_DG_NSTATES; s++) {
            rollup_cell(b, lines[i].n[s], s, false);
            t[s] += lines[i].n[s];
        }
        dt_buf_puts(b, "</tr>\n");
    }
    dt_buf_puts(b, "<tr><td class=\"dt-ink\" style=\"padding:6px 0;" FONT
                   "font-size:14px;font-weight:bold;color:" INK ";\">");
    put_text(b, L->rollup_total, true);
    dt_buf_puts(b, "</td>");
    for (int s = 0; s < DT_DG_NSTATES; s++)
        rollup_cell(b, t[s], s, true);
    dt_buf_puts(b, "</tr>\n</table>\n</td></tr>\n");
    dt_buf_puts(b, extra ? extra : ""); /* rows of its own: the weekly view */
    html_close(b, L->rollup_footer);
}

void dt_dg_wrap(const char *src, size_t len, struct dt_buf *out)
{
    wrap(src, len, out);
}
