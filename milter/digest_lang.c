/*
 * digest_lang.c - what a digest says and how it looks: the EN and NL
 * language tables, the colour palette with its contrast pairs, and the
 * small helpers both bodies use (local dates, clean store strings, who a
 * deal is with). Pure. Private API in digest_render_int.h.
 *
 * Store strings (names, addresses, subjects, phrases) are hostile: decoded
 * as UTF-8 (bad bytes -> U+FFFD), control and bidi characters dropped or
 * made spaces, cut at a length, HTML-escaped for the HTML part.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

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
    .head_silent = "%s: silent %s after your enthusiastic mail",
    .head_slowed = "%s: replied after %s, usually %s",
    .head_more = " (+%zu more)",
    .rollup_prefix = "Team roll-up: ",
    .heading = "Deals cooling after enthusiasm",
    .intro = "Customers who went quiet or slow after an enthusiastic mail of yours: give "
             "them room, ask rather than push.",
    .empty = "No deals cooled after enthusiasm \xe2\x80\x94 nice and calm.",
    .section = {"Stalled", "Cooling", "Slowed"},
    .section_note = {"No reply for a long while after your enthusiastic mail.",
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
    .trigger = "Your enthusiastic mail: %s",
    .silent = "Silent %s \xe2\x80\x94 usually replies within %s",
    .slowed = "Replied after %s \xe2\x80\x94 usually %s",
    .usual_from = {"in this thread", "in your other threads with them",
                   "no history yet: dealtemp assumes this"},
    .chart = "Reply times, oldest first",
    .chart_now = "now",
    .chart_reply = "this reply",
    .chart_usual = "usual",
    .reply = "Reply",
    .footer = "Sent by dealtemp. Only your own threads are listed; the phrases are from your "
              "own words, never the customer's.",
    .rollup_footer = "Sent by dealtemp. Each rep gets the details of their own deals; this "
                     "roll-up holds only the counts.",
    .rollup_heading = "Team roll-up: deals cooling after enthusiasm",
    .rollup_intro = "Per rep, the deals that went quiet or slow after an enthusiastic mail. "
                    "Counts only: the details stay with each rep.",
    .rollup_rep = "Rep",
    .rollup_total = "Total",
};

static const struct dt_digest_lang lang_nl = {
    .code = "nl",
    .month = {"jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"},
    .wday = {"zo", "ma", "di", "wo", "do", "vr", "za"},
    .count_none = "Geen deals die afkoelen na enthousiasme",
    .count_one = "1 deal koelt af na enthousiasme",
    .count_many = "%zu deals koelen af na enthousiasme",
    .head_silent = "%s: %s stil na je enthousiaste mail",
    .head_slowed = "%s: antwoordde na %s, meestal %s",
    .head_more = " (+%zu andere)",
    .rollup_prefix = "Teamoverzicht: ",
    .heading = "Deals die afkoelen na enthousiasme",
    .intro = "Klanten die stil of traag werden na een enthousiaste mail van je: geef ze "
             "ruimte, vraag in plaats van aan te dringen.",
    .empty = "Geen deals afgekoeld na enthousiasme \xe2\x80\x94 lekker rustig.",
    .section = {"Vastgelopen", "Koelt af", "Trager"},
    .section_note = {"Al lang geen antwoord na je enthousiaste mail.",
                     "Stiller dan deze klant gewoonlijk is.",
                     "Het antwoord kwam, maar veel later dan gewoonlijk."},
    .advice = {"Een rustige, korte vraag naar waar ze staan werkt beter dan nog eens "
               "aandringen.",
               "Geef ze ruimte: vraag wat hen helpt beslissen, in plaats van meer enthousiasme.",
               "Eerst diagnose, dan advies: vraag wat hen beweegt en laat ze zichzelf "
               "overtuigen."},
    .is_new = "nieuw",
    .ongoing = "loopt al",
    .no_subject = "(onderwerp niet bewaard)",
    .empty_subject = "(geen onderwerp)",
    .unknown = "(onbekend)",
    .trigger = "Je enthousiaste mail: %s",
    .silent = "%s stil \xe2\x80\x94 antwoordt meestal binnen %s",
    .slowed = "Antwoordde na %s \xe2\x80\x94 meestal %s",
    .usual_from = {"in deze thread", "in je andere threads met hen",
                   "nog geen geschiedenis: dealtemp neemt dit aan"},
    .chart = "Antwoordtijden, oudste eerst",
    .chart_now = "nu",
    .chart_reply = "dit antwoord",
    .chart_usual = "gewoonlijk",
    .reply = "Beantwoorden",
    .footer = "Verstuurd door dealtemp. Alleen je eigen threads staan erin; de zinnen komen uit "
              "je eigen woorden, nooit uit die van de klant.",
    .rollup_footer = "Verstuurd door dealtemp. Elke verkoper krijgt de details van de eigen deals; "
                     "dit overzicht bevat alleen de aantallen.",
    .rollup_heading = "Teamoverzicht: deals die afkoelen na enthousiasme",
    .rollup_intro = "Per verkoper de deals die stil of traag werden na een enthousiaste mail. "
                    "Alleen aantallen: de details blijven bij elke verkoper.",
    .rollup_rep = "Verkoper",
    .rollup_total = "Totaal",
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

/* ---- colours ------------------------------------------------------------ */

const struct dt_digest_pair dt_digest_palette[] = {
    /* light */
    {"#1f2d3a", "#ffffff", 4.5, "text on the card"},
    {"#5b6472", "#ffffff", 4.5, "secondary text on the card"},
    {"#a8322a", "#ffffff", 4.5, "stalled"},
    {"#1f6391", "#ffffff", 4.5, "cooling"},
    {"#8a5a00", "#ffffff", 4.5, "slowed"},
    {"#1f5f99", "#ffffff", 4.5, "links"},
    {"#6b7684", "#ffffff", 3.0, "earlier replies' bars"},
    {"#1f2d3a", "#ffffff", 3.0, "the usual marker"},
    {"#ffffff", "#2e7d32", 4.5, "new badge"},
    {"#374151", "#e5e7eb", 4.5, "ongoing badge"},
    {"#2f4f2f", "#eef3ea", 4.5, "advice"},
    {"#5b6472", "#f3f2ef", 4.5, "text on the page"},
    /* dark (prefers-color-scheme: dark) */
    {"#e8eaed", "#1c1f24", 4.5, "dark: text on the card"},
    {"#aab2bd", "#1c1f24", 4.5, "dark: secondary text"},
    {"#f28b82", "#1c1f24", 4.5, "dark: stalled"},
    {"#8ab4f8", "#1c1f24", 4.5, "dark: cooling, links"},
    {"#fdd663", "#1c1f24", 4.5, "dark: slowed"},
    {"#8b949e", "#1c1f24", 3.0, "dark: earlier replies' bars"},
    {"#e8eaed", "#1c1f24", 3.0, "dark: the usual marker"},
    {"#cde5c4", "#22302a", 4.5, "dark: advice"},
    {"#e5e7eb", "#374151", 4.5, "dark: ongoing badge"},
    {"#aab2bd", "#121417", 4.5, "dark: text on the page"},
    /* borders: decorative, no contrast needed */
    {"#d9d6cf", "#ffffff", 1.0, "card border"},
    {"#30363d", "#1c1f24", 1.0, "dark: card border"},
};
const size_t dt_digest_palette_n = sizeof(dt_digest_palette) / sizeof(*dt_digest_palette);

/* ---- helpers ------------------------------------------------------------ */

void dt_dg_local_tm(const struct dt_digest_lang *L, time_t t, struct tm *tm)
{
    t += L->tz != NULL ? dt_tz_offset(L->tz, t) : 0;
    if (!gmtime_r(&t, tm))
        memset(tm, 0, sizeof *tm);
    if (tm->tm_mon < 0 || tm->tm_mon > 11)
        tm->tm_mon = 0;
    if (tm->tm_wday < 0 || tm->tm_wday > 6)
        tm->tm_wday = 0;
}

void dt_dg_date(const struct dt_digest_lang *L, time_t t, time_t as_of, char *buf, size_t size)
{
    struct tm tm, now;
    dt_dg_local_tm(L, t, &tm);
    dt_dg_local_tm(L, as_of, &now);
    if (tm.tm_year == now.tm_year)
        snprintf(buf, size, "%s %d %s", L->wday[tm.tm_wday], tm.tm_mday, L->month[tm.tm_mon]);
    else
        snprintf(buf, size, "%s %d %s %d", L->wday[tm.tm_wday], tm.tm_mday, L->month[tm.tm_mon],
                 tm.tm_year + 1900);
}

bool dt_dg_clean(struct dt_buf *b, const char *s, size_t max_cp, bool html)
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

/* Mail providers whose domain says nothing about a company. */
static const char *const free_mail[] = {
    "gmail",      "googlemail", "outlook",  "hotmail", "live",   "msn",    "yahoo",
    "icloud",     "me",         "mac",      "aol",     "gmx",    "web",    "proton",
    "protonmail", "pm",         "zoho",     "mail",    "yandex", "ziggo",  "kpnmail",
    "hetnet",     "planet",     "xs4all",   "telenet", "skynet", "orange", "free",
    "wanadoo",    "laposte",    "t-online", "freenet", "libero", NULL};

/* Second-level labels under a country code that are not the company ("co.uk"). */
static const char *const generic_sld[] = {"co",  "com", "org", "net", "ac", "gov",
                                          "ltd", "plc", "edu", "or",  "ne", NULL};

static bool listed(const char *const *list, const char *s, size_t n)
{
    for (; *list; list++)
        if (strlen(*list) == n && strncasecmp(*list, s, n) == 0)
            return true;
    return false;
}

void dt_dg_org(const char *addr, char *buf, size_t size)
{
    buf[0] = '\0';
    const char *at = addr != NULL ? strrchr(addr, '@') : NULL;
    if (at == NULL || size < 2)
        return;
    const char *dom = at + 1, *end = dom + strlen(dom);
    /* The label before the public suffix: drop the TLD, then a generic second level. */
    const char *dot = memrchr(dom, '.', (size_t)(end - dom));
    if (dot == NULL)
        return;
    end = dot;
    dot = memrchr(dom, '.', (size_t)(end - dom));
    const char *label = dot ? dot + 1 : dom;
    if (dot != NULL && (size_t)(end - label) <= 3 &&
        listed(generic_sld, label, (size_t)(end - label))) {
        end = dot;
        dot = memrchr(dom, '.', (size_t)(end - dom));
        label = dot ? dot + 1 : dom;
    }
    size_t n = (size_t)(end - label);
    if (n < 2 || listed(free_mail, label, n))
        return;
    size_t k = 0;
    bool word_start = true;
    for (size_t i = 0; i < n && k + 1 < size; i++) {
        unsigned char c = (unsigned char)label[i];
        if (c == '-' || c == '_') {
            if (!word_start)
                buf[k++] = ' ';
            word_start = true;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
            buf[0] = '\0'; /* punycode, odd bytes: say nothing rather than something wrong */
            return;
        }
        buf[k++] = word_start && c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : (char)c;
        word_start = false;
    }
    while (k > 0 && buf[k - 1] == ' ')
        k--;
    buf[k] = '\0';
}

#define MAX_WHO_CP 120

void dt_dg_who(const struct dt_digest_item *it, const struct dt_digest_lang *L, struct dt_buf *b,
               bool html, bool brief)
{
    char org[128];
    dt_dg_org(it->counterpart, org, sizeof org);
    if (brief && org[0]) {
        dt_buf_puts(b, org);
        return;
    }
    size_t before = b->len;
    bool named =
        it->counterpart_name != NULL && dt_dg_clean(b, it->counterpart_name, MAX_WHO_CP, html);
    if (!named && b->data != NULL) { /* nothing printable: take back what was written */
        b->len = before;
        b->data[before] = '\0';
    }
    if (org[0] && named) {
        dt_buf_puts(b, ", ");
        dt_buf_puts(b, org);
    } else if (org[0]) {
        dt_buf_puts(b, org);
    } else if (!named && (!it->counterpart || !dt_dg_clean(b, it->counterpart, MAX_WHO_CP, html))) {
        dt_buf_puts(b, L->unknown);
    }
}
