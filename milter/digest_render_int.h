/*
 * digest_render_int.h - private to digest_render.c, digest_body.c and
 * digest_people.c: the language tables and the two bodies (text/plain and
 * text/html) of a digest or a roll-up. The bodies are plain UTF-8 with LF line ends; libetpan
 * turns them into quoted-printable with CRLF when the message is written.
 * nudge.c builds its note with the same helpers and dt_dg_render_note().
 */
#ifndef DEALTEMP_DIGEST_RENDER_INT_H
#define DEALTEMP_DIGEST_RENDER_INT_H

#include <stddef.h>
#include <time.h>

#include "dealtemp/buf.h"
#include "dealtemp/config.h"
#include "dealtemp/bizcal.h"
#include "dealtemp/digest.h"
#include "dealtemp/duration.h"

/* A reported state's section, in the order a digest lists them: dt_digest_state_rank. */
enum { DT_DG_STALLED, DT_DG_COOLING, DT_DG_HESITANT, DT_DG_SLOWED, DT_DG_CARRIED, DT_DG_NSTATES };
_Static_assert(DT_DG_NSTATES == DT_DIGEST_SECTIONS, "one section per reported state");

/*
 * Every word a digest says, in one language and one profile (sales:
 * customers and deals; recruiting: candidates, roles and offers). The
 * tables are in digest_lang_<code>.c, one file per language, UTF-8.
 *
 * A member that is a format is printf'ed with exactly the arguments its
 * comment lists, in that order: every table must use the same conversions
 * as English sales (check_digest_lang.c compares them), with the one
 * exception said at carried_advice. Every member after tz is a const char *
 * or an array of them, and none may be NULL (check_digest_lang.c walks
 * them all).
 */
struct dt_digest_lang {
    const struct dt_tz *tz;    /* dates are shown in this zone (set per render; NULL = UTC) */
    const char *code;          /* "en", "nl", "de", "fr": the HTML lang attribute, duration words */
    const char *month[12];     /* "Nov" / "nov" / "Nov." / "nov." */
    const char *wday[7];       /* Sunday first, like struct tm: "Sun" / "zo" / "So." / "dim." */
    const char *date;          /* (wday, int mday, month): "%s %d %s" -> "Thu 13 Nov"; German
                                * "%s, %d. %s" -> "Do., 13. Nov." (see dt_dg_date for the year) */
    const char *day_month;     /* (int mday, month): "%d %s" -> "20 Nov"; "%d. %s" -> "20. Nov." */
    const char *date_time;     /* (date, int hour, int minute): "%s %02d:%02d" -> "Thu 13 Nov
                                * 02:13"; French "%s à %02d:%02d" */
    const char *lquote, *rquote; /* around each quoted phrase: “ ”; German „ “; French « » */
    const char *colon;         /* before a value or list in the text part: ":"; French " :" with a
                                * no-break space */
    const char *count_none;    /* "No deals cooling after enthusiasm" */
    const char *count_one;     /* "1 deal cooling after enthusiasm" */
    const char *count_many;    /* (size_t n): "%zu deals cooling after enthusiasm" */
    const char *head_silent;   /* subject (who, duration): "%s: silent %s after your enthusiastic
                                * mail" */
    const char *head_slowed;   /* subject (who, duration, usual): "%s: replied after %s,
                                * usually %s" */
    const char *head_more;     /* subject (size_t others): " (+%zu more)" */
    const char *head_hesitant; /* subject (who): "%s: a hesitant reply to your enthusiastic mail" */
    const char *head_carried;  /* subject (who): "%s: both sides carried away" */
    const char *rollup_prefix; /* "Team roll-up: " */
    const char *heading;       /* the big title of a digest */
    const char *intro;         /* one line */
    const char *empty;         /* what an empty digest says */
    /* [0] stalled, [1] cooling, [2] slowed; hesitant and carried-away have
     * their own members below. Read them through dt_dg_section() and friends. */
    const char *section[3];
    const char *section_note[3];
    const char *advice[3];
    const char *is_new, *ongoing;
    const char *no_subject;     /* subjects are not stored */
    const char *empty_subject;  /* stored, but empty */
    const char *unknown;        /* no counterpart */
    const char *trigger;        /* (date and time): "Your enthusiastic mail: %s" */
    const char *silent;         /* (duration, usual): "Silent %s \u2014 usually replies within
                                 * %s" */
    const char *slowed;         /* (duration, usual): "Replied after %s \u2014 usually %s" */
    const char *usual_from[DT_USUAL_COUNT]; /* "(in this thread)", ... after the usual */
    const char *chart;          /* "Reply times, oldest first" */
    const char *chart_now;      /* marks the current silence */
    const char *chart_reply;    /* marks the slow reply */
    const char *chart_usual;    /* marks the usual */
    const char *reply;          /* "Reply" (the mailto link) */
    const char *footer;
    const char *rollup_footer;
    const char *rollup_heading;
    const char *rollup_intro;
    const char *rollup_rep; /* column title */
    const char *rollup_total;

    /*
     * The two states of the customer's side, the people on the customer's
     * side and the customer's tone. Where "org" is an argument
     * it is the organisation dt_dg_org() finds ("Northwind Retail"), or
     * org_unknown when it finds none; "date" is dt_dg_date()'s ("Tue 17
     * Nov"), or a weekday.
     */
    const char *carried_section;  /* "Carried away" */
    const char *carried_note;     /* one line: both sides euphoric quickly, one person on theirs */
    const char *carried_advice;   /* (org): "Slow down: ask who else at %s must agree, ..."; the
                                   * one format a table may leave its argument out of (the
                                   * recruiting tables do: a candidate has no organisation) */
    const char *hesitant_section; /* "Hesitant" */
    const char *hesitant_note;    /* one line: their latest reply sounds hesitant */
    const char *hesitant_advice;  /* one line of advice */
    const char *org_unknown;      /* stands in for org: "their company"; "the candidate's side" */
    const char *person_at;        /* (name, org): "%s at %s" -> "Sarah Mitchell at Northwind" */
    const char *people_one;       /* (person): "Only %s so far"; person is a name (or address),
                                   * or person_at of it when the organisation is known */
    const char *people_many;      /* (size_t n, org, names): "%zu people at %s so far (%s)";
                                   * names joined with ", ", each maybe followed by people_since */
    const char *people_since;     /* (name, date): " + %s since %s": one who joined later */
    const char *people_joined;    /* (name, date): "New on their side: %s joined on %s \u2014 a
                                   * good sign" */
    const char *tone[DT_TONE_COUNT];   /* by enum dt_tone (tone.h): "enthusiastic", "engaged",
                                        * "neutral", "hesitant" */
    const char *trend[DT_TREND_COUNT]; /* by enum dt_trend: "warming", "steady", "cooling" */
};

/* The tables, [DT_PROFILE_SALES] and [DT_PROFILE_RECRUITING]: digest_lang_<code>.c. */
extern const struct dt_digest_lang dt_digest_lang_en[DT_PROFILE_COUNT];
extern const struct dt_digest_lang dt_digest_lang_nl[DT_PROFILE_COUNT];
extern const struct dt_digest_lang dt_digest_lang_de[DT_PROFILE_COUNT];
extern const struct dt_digest_lang dt_digest_lang_fr[DT_PROFILE_COUNT];

/*
 * The colours of the HTML, light and dark (prefers-color-scheme), and the
 * pairs that must be readable: text pairs at WCAG AA 4.5:1, bars and
 * markers (non-text) at 3:1. check_digest_body.c computes every ratio and
 * refuses any colour in the HTML that is not listed here.
 */
struct dt_digest_pair {
    const char *fg, *bg;
    double min;
    const char *what;
};
extern const struct dt_digest_pair dt_digest_palette[];
extern const size_t dt_digest_palette_n;

/*
 * The words for a digest or roll-up mailed to addr: the language
 * dt_config_digest_language_for() gives addr, in the configuration's
 * profile. cfg NULL (or without a language yet) gives English sales.
 */
const struct dt_digest_lang *dt_digest_lang_of(const struct dt_config *cfg, const char *addr);

/* A section's title, its one-line note, its advice (DT_DG_*); the carried-away
 * advice is a format of the organisation (see carried_advice). */
const char *dt_dg_section(const struct dt_digest_lang *L, int idx);
const char *dt_dg_section_note(const struct dt_digest_lang *L, int idx);
const char *dt_dg_advice(const struct dt_digest_lang *L, int idx);

/* "Northwind Retail: silent 4 days after your enthusiastic mail (+1 more)" for a digest
 * with deals, else "No deals cooling after enthusiasm — 20 Nov". */
void dt_digest_headline(const struct dt_digest *d, const struct dt_digest_lang *L,
                        struct dt_buf *out);

/* "3 deals cooling after enthusiasm — 20 Nov" (prefix may be NULL), UTF-8. */
void dt_digest_subject(const struct dt_digest_lang *L, const char *prefix, size_t n, time_t as_of,
                       struct dt_buf *out);

/* Shared by digest_lang.c and digest_body.c. */
/* Broken-down local time in the digest's zone. */
void dt_dg_local_tm(const struct dt_digest_lang *L, time_t t, struct tm *tm);
/* "Mon 10 Nov" (L->date), with " 2024" when the year is not as_of's. */
void dt_dg_date(const struct dt_digest_lang *L, time_t t, time_t as_of, char *buf, size_t size);
/* The same with the year always: "Mon 10 Nov 2025". */
void dt_dg_date_year(const struct dt_digest_lang *L, time_t t, char *buf, size_t size);
/* dt_dg_date and the time of day (L->date_time): "Mon 10 Nov 09:30", "Mo., 10. Nov., 09:30 Uhr". */
void dt_dg_date_time(const struct dt_digest_lang *L, time_t t, time_t as_of, char *buf,
                     size_t size);
/* Day and month only (L->day_month): "20 Nov", "20. Nov.". */
void dt_dg_day_month(const struct dt_digest_lang *L, time_t t, char *buf, size_t size);
/* Store text is appended with dt_utf8_clean_line() (utf8.h): one line, no
 * control, hidden or direction-changing characters, at most so many characters. */
/* The organisation a customer address suggests: "Northwind Retail" for
 * sarah@northwind-retail.co.uk; "" for free-mail and odd domains. */
void dt_dg_org(const char *addr, char *buf, size_t size);
/* Who the deal is with, for a person: "Sarah Mitchell, Northwind Retail",
 * else the name, else the organisation, else the address; brief: the
 * organisation alone when there is one (for a subject line). */
void dt_dg_who(const struct dt_digest_item *it, const struct dt_digest_lang *L, struct dt_buf *b,
               bool html, bool brief);

/* digest_people.c: the organisation of a deal, or L->org_unknown; the line saying who on
 * the customer's side has written; the latest one who joined later (false: nobody did). */
void dt_dg_org_of(const struct dt_digest_item *it, const struct dt_digest_lang *L, char *buf,
                  size_t size);
void dt_dg_people_line(const struct dt_digest_item *it, const struct dt_digest *d,
                       const struct dt_digest_lang *L, struct dt_buf *b, bool html);
bool dt_dg_joined_line(const struct dt_digest_item *it, const struct dt_digest *d,
                       const struct dt_digest_lang *L, struct dt_buf *b, bool html);

/* "amazing, can't wait" as the digest shows phrases: “amazing”, “can't wait” in L's quotes
 * (English ones when L is NULL), cleaned, at most max_cp characters, HTML-escaped when
 * html. Appends nothing, and returns false, when nothing printable is left. */
bool dt_dg_phrases(struct dt_buf *b, const char *phrases, size_t max_cp, bool html,
                   const struct dt_digest_lang *L);
/* src[0..len) appended to out as the text part wraps it: lines over 72 columns broken at
 * the last space that fits and continued under their own indentation. */
void dt_dg_wrap(const char *src, size_t len, struct dt_buf *out);

/*
 * A short note of dealtemp's own (the nudge) as a complete message, like
 * a digest's headers (From digest.from, Auto-Submitted, ...) with Date
 * `at` and Message-ID <kind.HASH.YYYYMMDDhhmmss@domain>, the fields of
 * extra (name, value, ..., NULL; ASCII values), and the text as the one
 * text/plain part (UTF-8, quoted-printable). Takes subject (UTF-8, one
 * line) and text and frees both. 0, or -1 with err set (to not a plain
 * address, no sender, out of memory); out is then left as it was.
 */
int dt_dg_render_note(const struct dt_config *cfg, const char *to, const char *kind, time_t at,
                      struct dt_buf *subject, struct dt_buf *text, const char *const *extra,
                      struct dt_buf *out, struct dt_error *err);

void dt_digest_text(const struct dt_digest *d, const struct dt_digest_lang *L, struct dt_buf *out);
void dt_digest_html(const struct dt_digest *d, const struct dt_digest_lang *L, const char *title,
                    struct dt_buf *out);
/* A roll-up's parts; extra (or NULL): the weekly view, text before the footer (wrapped with
 * the rest), or table rows of the card's HTML after the counts. */
void dt_digest_rollup_text(const struct dt_rollup_line *lines, size_t n, time_t as_of,
                           const struct dt_digest_lang *L, const char *extra, struct dt_buf *out);
void dt_digest_rollup_html(const struct dt_rollup_line *lines, size_t n, time_t as_of,
                           const struct dt_digest_lang *L, const char *title, const char *extra,
                           struct dt_buf *out);

#endif
