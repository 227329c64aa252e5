/*
 * digest_render_int.h - private to digest_render.c and digest_body.c: the
 * language tables and the two bodies (text/plain and text/html) of a digest
 * or a roll-up. The bodies are plain UTF-8 with LF line ends; libetpan
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

/* Index of a reported state in the tables: stalled, cooling, slowed. */
enum { DT_DG_STALLED, DT_DG_COOLING, DT_DG_SLOWED, DT_DG_NSTATES };

/* Every word a digest says, in one language. */
struct dt_digest_lang {
    const struct dt_tz *tz;    /* dates are shown in this zone (set per render; NULL = UTC) */
    const char *code;          /* "en", "nl": the HTML lang attribute and duration words */
    const char *month[12];     /* "Nov" / "nov" */
    const char *wday[7];       /* Sunday first, like struct tm */
    const char *count_none;    /* "No deals cooling after enthusiasm" */
    const char *count_one;     /* "1 deal cooling after enthusiasm" */
    const char *count_many;    /* "%zu deals cooling after enthusiasm" */
    const char *head_silent;   /* subject: "%s: silent %s after your enthusiastic mail" */
    const char *head_slowed;   /* subject: "%s: replied after %s, usually %s" */
    const char *head_more;     /* subject: " (+%zu more)" */
    const char *rollup_prefix; /* "Team roll-up: " */
    const char *heading;       /* the big title of a digest */
    const char *intro;         /* one line */
    const char *empty;         /* what an empty digest says */
    const char *section[DT_DG_NSTATES];
    const char *section_note[DT_DG_NSTATES];
    const char *advice[DT_DG_NSTATES];
    const char *is_new, *ongoing;
    const char *no_subject;     /* subjects are not stored */
    const char *empty_subject;  /* stored, but empty */
    const char *unknown;        /* no counterpart */
    const char *trigger;        /* "Your enthusiastic mail: %s" (date and time) */
    const char *silent;         /* "Silent %s \u2014 usually replies within %s" */
    const char *slowed;         /* "Replied after %s \u2014 usually %s" */
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
};

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

const struct dt_digest_lang *dt_digest_lang_of(const struct dt_config *cfg);

/* Which table row a state belongs to, or -1 for states a digest does not report. */
int dt_digest_state_index(enum dt_thread_state s);

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
/* "Mon 10 Nov", with the year when it is not as_of's year. */
void dt_dg_date(const struct dt_digest_lang *L, time_t t, time_t as_of, char *buf, size_t size);
/*
 * Append store text s as one clean line: valid UTF-8, no control, format
 * or bidi-override characters, white space collapsed and trimmed, at most
 * max_cp characters (then "…"), HTML-escaped when html. Returns false if
 * nothing printable was left.
 */
bool dt_dg_clean(struct dt_buf *b, const char *s, size_t max_cp, bool html);
/* The organisation a customer address suggests: "Northwind Retail" for
 * sarah@northwind-retail.co.uk; "" for free-mail and odd domains. */
void dt_dg_org(const char *addr, char *buf, size_t size);
/* Who the deal is with, for a person: "Sarah Mitchell, Northwind Retail",
 * else the name, else the organisation, else the address; brief: the
 * organisation alone when there is one (for a subject line). */
void dt_dg_who(const struct dt_digest_item *it, const struct dt_digest_lang *L, struct dt_buf *b,
               bool html, bool brief);

/* "amazing, can't wait" as the digest shows phrases: “amazing”, “can't wait” (cleaned,
 * at most max_cp characters, HTML-escaped when html). Appends nothing, and returns
 * false, when nothing printable is left. */
bool dt_dg_phrases(struct dt_buf *b, const char *phrases, size_t max_cp, bool html);
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
void dt_digest_rollup_text(const struct dt_rollup_line *lines, size_t n, time_t as_of,
                           const struct dt_digest_lang *L, struct dt_buf *out);
void dt_digest_rollup_html(const struct dt_rollup_line *lines, size_t n, time_t as_of,
                           const struct dt_digest_lang *L, const char *title, struct dt_buf *out);

#endif
