/*
 * digest_render_int.h - private to digest_render.c and digest_body.c: the
 * language tables and the two bodies (text/plain and text/html) of a digest
 * or a roll-up. The bodies are plain UTF-8 with LF line ends; libetpan
 * turns them into quoted-printable with CRLF when the message is written.
 */
#ifndef DEALTEMP_DIGEST_RENDER_INT_H
#define DEALTEMP_DIGEST_RENDER_INT_H

#include <stddef.h>
#include <time.h>

#include "dealtemp/buf.h"
#include "dealtemp/config.h"
#include "dealtemp/bizcal.h"
#include "dealtemp/digest.h"

/* Index of a reported state in the tables: stalled, cooling, slowed. */
enum { DT_DG_STALLED, DT_DG_COOLING, DT_DG_SLOWED, DT_DG_NSTATES };

/* Every word a digest says, in one language. */
struct dt_digest_lang {
    const struct dt_tz *tz;    /* dates are shown in this zone (set per render; NULL = UTC) */
    const char *code;          /* "en", "nl": the HTML lang attribute */
    const char *month[12];     /* "Nov" / "nov" */
    const char *wday[7];       /* Sunday first, like struct tm */
    const char *count_none;    /* "No deals cooling after enthusiasm" */
    const char *count_one;     /* "1 deal cooling after enthusiasm" */
    const char *count_many;    /* "%zu deals cooling after enthusiasm" */
    const char *rollup_prefix; /* "Team roll-up: " */
    const char *heading;       /* the big title of a digest */
    const char *intro;
    const char *empty; /* what an empty digest says */
    const char *section[DT_DG_NSTATES];
    const char *section_note[DT_DG_NSTATES];
    const char *advice[DT_DG_NSTATES];
    const char *is_new, *ongoing;
    const char *no_subject;     /* subjects are not stored */
    const char *empty_subject;  /* stored, but empty */
    const char *unknown;        /* no counterpart */
    const char *trigger;        /* "Enthusiastic message %s, score %s" */
    const char *silent;         /* "Silent %s — usually replies in %s" */
    const char *slowed;         /* "Replied after %s — usually %s" */
    const char *day_one, *days; /* "1 day", "%ld days" */
    const char *hour_one, *hours;
    const char *under_hour;
    const char *chart;       /* "Reply times, oldest first" */
    const char *chart_now;   /* marks the current silence */
    const char *chart_reply; /* marks the slow reply */
    const char *no_history;
    const char *usual_from[DT_USUAL_COUNT]; /* "(in this thread)", ... after the usual */
    const char *footer;
    const char *rollup_footer;
    const char *rollup_heading;
    const char *rollup_intro;
    const char *rollup_rep; /* column title */
    const char *rollup_total;
    char decimal; /* '.' or ',' */
};

const struct dt_digest_lang *dt_digest_lang_of(const struct dt_config *cfg);

/* Which table row a state belongs to, or -1 for states a digest does not report. */
int dt_digest_state_index(enum dt_thread_state s);

/* "3 deals cooling after enthusiasm — 20 Nov" (prefix may be NULL), UTF-8. */
void dt_digest_subject(const struct dt_digest_lang *L, const char *prefix, size_t n, time_t as_of,
                       struct dt_buf *out);

void dt_digest_text(const struct dt_digest *d, const struct dt_digest_lang *L, struct dt_buf *out);
void dt_digest_html(const struct dt_digest *d, const struct dt_digest_lang *L, const char *title,
                    struct dt_buf *out);
void dt_digest_rollup_text(const struct dt_rollup_line *lines, size_t n, time_t as_of,
                           const struct dt_digest_lang *L, struct dt_buf *out);
void dt_digest_rollup_html(const struct dt_rollup_line *lines, size_t n, time_t as_of,
                           const struct dt_digest_lang *L, const char *title, struct dt_buf *out);

#endif
