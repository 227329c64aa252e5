/*
 * digest.h - the daily mail each rep gets about their deals that cooled
 * after enthusiasm. Three steps, three floors:
 *
 *   dt_digest_collect  (seam)  store + config + a moment -> one struct
 *                              dt_digest per rep with stalled, cooling or
 *                              slowed deals (through deals.h; each item
 *                              marked new or ongoing against what earlier
 *                              digests reported, from the store);
 *   dt_digest_render   (pure)  one digest -> one RFC 5322 message built with
 *                              libetpan: multipart/alternative, text/plain
 *                              and text/html (inline CSS only), in the
 *                              rep's language (EN, NL, DE or FR) and the
 *                              configuration's profile (sales or
 *                              recruiting wording);
 *   dt_digest_send     (shell) hand a message to `digest.sendmail` or, when
 *                              `digest.smtp` is set, deliver it by SMTP.
 *
 * Privacy: a digest holds only the threads its rep owns - collect groups
 * by owner, and render sees nothing else.
 */
#ifndef DEALTEMP_DIGEST_H
#define DEALTEMP_DIGEST_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "dealtemp/buf.h"
#include "dealtemp/config.h"
#include "dealtemp/cooling.h"
#include "dealtemp/error.h"
#include "dealtemp/store.h"
#include "dealtemp/thread.h"

#define DT_DIGEST_MAX_LATENCIES 12
/* People on the customer's side named in a card; more are counted. */
#define DT_DIGEST_MAX_PEOPLE 4

/* One person on the customer's side, as a card names them. */
struct dt_digest_person {
    char *address;
    char *name;                     /* display name as last seen, or NULL */
    time_t first_at;                /* first seen in the thread */
    bool joined_later;              /* customer.joined_after the thread began: a good sign */
};

/* One deal in a digest: owned copies, valid as long as the digest. */
struct dt_digest_item {
    dt_hash thread;
    char id[13];
    enum dt_thread_state state;     /* stalled, cooling, hesitant, slowed or carried-away */
    bool is_new;                    /* not in any earlier digest of this rep */
    char *counterpart;
    char *counterpart_name;         /* their display name as last seen, or NULL */
    char *subject;                  /* NULL when subjects are not stored */
    time_t trigger_at;              /* the enthusiastic message */
    double trigger_score;
    char *trigger_phrases;          /* "amazing, can't wait" or NULL */
    struct dt_clock clock;          /* every duration below is on this clock */
    long silent_s;                  /* since it (stalled, cooling) */
    bool answered;                  /* the customer's latest message answered the rep's */
    long reply_s;                   /* answered: how long the reply took */
    long usual_s;                   /* the customer's usual reply time */
    enum dt_usual_source usual_source; /* where the usual came from */
    long latencies_s[DT_DIGEST_MAX_LATENCIES]; /* the customer's latest reply times, oldest first */
    size_t n_latencies;
    /* The customer's side (tone.h). */
    size_t n_replies;
    enum dt_tone customer_tone;     /* of their latest reply (n_replies > 0) */
    struct dt_digest_person people[DT_DIGEST_MAX_PEOPLE]; /* the counterpart first, then by
                                                             first appearance */
    size_t n_people;                /* listed */
    size_t n_people_total;          /* seen (more than listed: "+N more") */
};

struct dt_digest {
    char *rep;
    time_t as_of;
    struct dt_digest_item *items;   /* by state (dt_digest_state_rank), oldest trigger first */
    size_t n_items;
};

/*
 * The languages digests are written in: the i-th code ("en", "nl", "de",
 * "fr"), NULL past the last. The configuration accepts exactly these for
 * digest.language and digest.languages.
 */
const char *dt_digest_language_code(size_t i);

/* A manager's roll-up: one line per rep with their counts. */
/*
 * The states a digest lists, in the order it lists them: stalled 0,
 * cooling 1, hesitant 2, slowed 3, carried-away 4; -1 for the others
 * (open, waiting, warm), which no digest lists. The one place that says
 * which deals a digest reports.
 */
int dt_digest_state_rank(enum dt_thread_state s);
#define DT_DIGEST_SECTIONS 5

struct dt_rollup_line {
    const char *rep;
    size_t n[DT_DIGEST_SECTIONS]; /* deals per state, by dt_digest_state_rank */
};

/*
 * Every rep's digest as of as_of (only rep `only` when not NULL). Reps with
 * nothing to report get an empty digest only when digest.send_empty is
 * set (reps are then the ones listed in `reps`, and those seen in the
 * store). Returns 0 and an array (free with dt_digests_free), or -1.
 */
int dt_digest_collect(struct dt_store *st, const struct dt_config *cfg, time_t as_of,
                      const char *only, struct dt_digest **out, size_t *n, struct dt_error *err);
void dt_digests_free(struct dt_digest *d, size_t n);

/*
 * Render one digest as a complete message (CRLF line ends) into out:
 * From digest.from, To the rep, Subject ("3 deals cooling after enthusiasm
 * — 20 Nov" / "3 deals koelen af na enthousiasme — 20 nov"; the language
 * dt_config_digest_language_for() gives the rep), Date and
 * Message-ID from as_of, Auto-Submitted: auto-generated, MIME-Version,
 * multipart/alternative with text/plain and text/html (UTF-8,
 * quoted-printable). Deterministic for the same input.
 */
int dt_digest_render(const struct dt_digest *d, const struct dt_config *cfg, struct dt_buf *out,
                     struct dt_error *err);

/* The same for a manager's roll-up, in the manager's language. */
int dt_digest_render_rollup(const char *manager, const struct dt_rollup_line *lines, size_t n,
                            time_t as_of, const struct dt_config *cfg, struct dt_buf *out,
                            struct dt_error *err);

/*
 * The manager's weekly view: the roll-up with the evidence of weekly
 * (outcomes.h: collected for the manager's reps) after the counts - the
 * statement, the charts and their tables in the HTML part (inline SVG, no
 * image), the statement and one line per level in the text part. weekly
 * NULL: dt_digest_render_rollup.
 */
struct dt_outcomes;
int dt_digest_render_rollup_weekly(const char *manager, const struct dt_rollup_line *lines,
                                   size_t n, time_t as_of, const struct dt_outcomes *weekly,
                                   const struct dt_config *cfg, struct dt_buf *out,
                                   struct dt_error *err);

/*
 * Deliver one message to rcpt: pipe it to digest.sendmail (the command is
 * split on spaces, run without a shell; exit status 0 = delivered), or by
 * SMTP to digest.smtp (host:port) with libetpan's SMTP client. Returns 0,
 * or -1 with err = one line saying why ("sendmail exited 75 (temporary
 * failure)", "/usr/sbin/sendmail: No such file or directory", "smtp
 * 127.0.0.1:2525: connection refused", "smtp: 550 5.1.1 no such user").
 */
int dt_digest_send(const struct dt_config *cfg, const char *rcpt, const char *msg, size_t len,
                   struct dt_error *err);

/*
 * dt_digest_send for a caller that may have to stop early (the milter's
 * nudges, nudge.h): once *cancel is true a running sendmail is killed with
 * its process group within about 100 ms ("sendmail cancelled (killed)");
 * SMTP looks at the flag before connecting only. cancel may be NULL.
 */
int dt_digest_send_cancel(const struct dt_config *cfg, const char *rcpt, const char *msg,
                          size_t len, const atomic_bool *cancel, struct dt_error *err);

/* `dealtemp digest`: collect, render, then write an mbox or send. */
struct dt_digest_run_opts {
    const char *only;         /* --rep ADDR, or NULL */
    time_t as_of;             /* --as-of */
    bool send;                /* --send; false = --dry-run (mbox to out) */
    bool force;               /* --force: send even if today's digest went out */
};

struct dt_digest_run_report {
    size_t sent, written, skipped_sent_today, failed;
    size_t purged;            /* messages past retention_days, purged after sending */
};

/*
 * Run the digests. Failures to deliver one rep's digest are written to
 * errors (one line each: "digest for ann@corp.example: sendmail exited 75
 * (temporary failure)") and counted; the others are still sent. Returns 0
 * when nothing failed, 1 when some deliveries failed, -1 (err set) when
 * nothing could be done (store, rendering).
 */
int dt_digest_run(struct dt_store *st, const struct dt_config *cfg,
                  const struct dt_digest_run_opts *opts, FILE *out, FILE *errors,
                  struct dt_digest_run_report *report, struct dt_error *err);

#endif
