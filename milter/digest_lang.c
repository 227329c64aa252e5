/*
 * digest_lang.c - what a digest says and how it looks: which language
 * table a recipient gets (the tables themselves are digest_lang_en.c,
 * _nl.c, _de.c, _fr.c), the colour palette with its contrast pairs, and
 * the small helpers both bodies use (local dates in the table's format,
 * clean store strings, who a deal is with). Pure. Private API in
 * digest_render_int.h; dt_digest_language_code() is public (digest.h).
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

/* Every language digests are written in, English first (the fallback). */
static const struct dt_digest_lang *const tables[] = {dt_digest_lang_en, dt_digest_lang_nl,
                                                      dt_digest_lang_de, dt_digest_lang_fr};
#define N_TABLES (sizeof(tables) / sizeof(*tables))

const char *dt_digest_language_code(size_t i)
{
    return i < N_TABLES ? tables[i][DT_PROFILE_SALES].code : NULL;
}

const struct dt_digest_lang *dt_digest_lang_of(const struct dt_config *cfg, const char *addr)
{
    const char *code = dt_config_digest_language_for(cfg, addr);
    unsigned p = cfg != NULL && (unsigned)cfg->profile < DT_PROFILE_COUNT ? cfg->profile : 0;
    for (size_t i = 0; i < N_TABLES; i++)
        if (strcmp(tables[i][p].code, code) == 0)
            return &tables[i][p];
    return &tables[0][p]; /* a hand-made configuration's unknown code */
}

const char *dt_dg_section(const struct dt_digest_lang *L, int idx)
{
    return idx == DT_DG_HESITANT ? L->hesitant_section
           : idx == DT_DG_CARRIED ? L->carried_section
           : L->section[idx == DT_DG_STALLED ? 0 : idx == DT_DG_COOLING ? 1 : 2];
}

const char *dt_dg_section_note(const struct dt_digest_lang *L, int idx)
{
    return idx == DT_DG_HESITANT ? L->hesitant_note
           : idx == DT_DG_CARRIED ? L->carried_note
           : L->section_note[idx == DT_DG_STALLED ? 0 : idx == DT_DG_COOLING ? 1 : 2];
}

const char *dt_dg_advice(const struct dt_digest_lang *L, int idx)
{
    return idx == DT_DG_HESITANT ? L->hesitant_advice
           : idx == DT_DG_CARRIED ? L->carried_advice
           : L->advice[idx == DT_DG_STALLED ? 0 : idx == DT_DG_COOLING ? 1 : 2];
}

/* ---- colours ------------------------------------------------------------ */

const struct dt_digest_pair dt_digest_palette[] = {
    /* light */
    {"#1f2d3a", "#ffffff", 4.5, "text on the card"},
    {"#5b6472", "#ffffff", 4.5, "secondary text on the card"},
    {"#a8322a", "#ffffff", 4.5, "stalled"},
    {"#1f6391", "#ffffff", 4.5, "cooling"},
    {"#8a5a00", "#ffffff", 4.5, "slowed"},
    {"#6a3d9a", "#ffffff", 4.5, "hesitant"},
    {"#a0306e", "#ffffff", 4.5, "carried away"},
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
    {"#c9a7f5", "#1c1f24", 4.5, "dark: hesitant"},
    {"#f48fb1", "#1c1f24", 4.5, "dark: carried away"},
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

/* "Thu 13 Nov", with " 2024" when year is set: the one place a date is worded. */
static void date_of(const struct dt_digest_lang *L, const struct tm *tm, bool year, char *buf,
                    size_t size)
{
    int n = snprintf(buf, size, L->date, L->wday[tm->tm_wday], tm->tm_mday, L->month[tm->tm_mon]);
    if (year && n >= 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, " %d", tm->tm_year + 1900);
}

void dt_dg_date(const struct dt_digest_lang *L, time_t t, time_t as_of, char *buf, size_t size)
{
    struct tm tm, now;
    dt_dg_local_tm(L, t, &tm);
    dt_dg_local_tm(L, as_of, &now);
    date_of(L, &tm, tm.tm_year != now.tm_year, buf, size);
}

void dt_dg_date_year(const struct dt_digest_lang *L, time_t t, char *buf, size_t size)
{
    struct tm tm;
    dt_dg_local_tm(L, t, &tm);
    date_of(L, &tm, true, buf, size);
}

void dt_dg_date_time(const struct dt_digest_lang *L, time_t t, time_t as_of, char *buf,
                     size_t size)
{
    char date[64];
    struct tm tm;
    dt_dg_date(L, t, as_of, date, sizeof date);
    dt_dg_local_tm(L, t, &tm);
    snprintf(buf, size, L->date_time, date, tm.tm_hour, tm.tm_min);
}

void dt_dg_day_month(const struct dt_digest_lang *L, time_t t, char *buf, size_t size)
{
    struct tm tm;
    dt_dg_local_tm(L, t, &tm);
    snprintf(buf, size, L->day_month, tm.tm_mday, L->month[tm.tm_mon]);
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
    bool named = it->counterpart_name != NULL &&
                 dt_utf8_clean_line(b, it->counterpart_name, MAX_WHO_CP, html);
    if (!named && b->data != NULL) { /* nothing printable: take back what was written */
        b->len = before;
        b->data[before] = '\0';
    }
    if (org[0] && named) {
        dt_buf_puts(b, ", ");
        dt_buf_puts(b, org);
    } else if (org[0]) {
        dt_buf_puts(b, org);
    } else if (!named &&
               (!it->counterpart || !dt_utf8_clean_line(b, it->counterpart, MAX_WHO_CP, html))) {
        dt_buf_puts(b, L->unknown);
    }
}
