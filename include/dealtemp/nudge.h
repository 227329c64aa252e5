/*
 * nudge.h - the same-hour nudge: right after a rep's euphoric outbound
 * mail, one short private note to that rep, saying which mail, the phrases
 * that made it euphoric and one line of advice. Opt-in: only reps listed
 * in nudge.reps (addresses or @domains), at most one per rep per
 * nudge.interval. Two floors, like the digest:
 *
 *   nudge.c       (pure)  who is due one (dt_nudge_due), the rate limiter,
 *                         the note itself (dt_nudge_render: in the rep's
 *                         language, built like a digest);
 *   nudge_send.c  (shell) a small bounded queue and one worker thread
 *                         inside the milter: the milter's callback only
 *                         offers (never waits), the worker renders and
 *                         hands each note to the digest's delivery path
 *                         (digest.sendmail or digest.smtp, digest.h).
 *
 * Privacy: a note goes to the rep alone (To and envelope recipient), never
 * to the customer or anyone else, and holds only what the store keeps
 * anyway - customer, subject, time, score and phrases of the rep's own
 * words - never the body.
 *
 * Loops: the note is sent through the MTA that runs the milter. It carries
 * Auto-Submitted: auto-generated, so dt_analyze() ignores it (never scored,
 * stored or nudged), and <header_prefix>Nudge: yes, for which the milter
 * never nudges either (milter.c).
 */
#ifndef DEALTEMP_NUDGE_H
#define DEALTEMP_NUDGE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "dealtemp/analyze.h"
#include "dealtemp/buf.h"
#include "dealtemp/config.h"
#include "dealtemp/error.h"

/* The field that marks a note as a nudge, after header_prefix ("X-Deal-Nudge: yes"). */
#define DT_NUDGE_FIELD "Nudge"

/* What a note says; every string is borrowed and may be hostile (the sender wrote it). */
struct dt_nudge {
    const char *rep;              /* who gets it: the rep who sent the mail */
    const char *counterpart;      /* the customer's address */
    const char *counterpart_name; /* their display name in that mail, or NULL */
    const char *subject;          /* the mail's subject, or NULL */
    const char *phrases;          /* dt_ingest_phrases(): "amazing, can't wait", or NULL */
    double score;                 /* its euphoria score */
    time_t sent_at;               /* when the milter saw it */
};

/*
 * The language a rep reads dealtemp's mail in: for now digest.language,
 * the same for every rep ("en" when unset). The one place to make it
 * per rep.
 */
const char *dt_nudge_language(const struct dt_config *cfg, const char *rep);

/*
 * f (from dt_analyze) earns its sender a nudge under cfg: outbound and
 * scored, euphoric by dt_level_of() with cfg's thresholds (what
 * X-Deal-Euphoria says), the rep listed in nudge.reps (dt_address_listed)
 * and the customer known. The rate limit is not looked at here.
 */
bool dt_nudge_due(const struct dt_config *cfg, const struct dt_facts *f);

/*
 * The rate limiter: when each rep was last nudged, by a 64-bit hash of the
 * address (case ignored), for at most max_reps reps. Times are seconds on
 * any clock that never goes back (the milter uses CLOCK_MONOTONIC). Not
 * thread-safe: nudge_send.c holds its lock around it.
 *
 * Does not handle: more than max_reps reps nudged within one interval -
 * the least recently nudged is then forgotten and may get a second nudge
 * early; two addresses whose hashes collide share one limit.
 */
struct dt_nudge_limiter;

/* NULL when memory runs out. */
struct dt_nudge_limiter *dt_nudge_limiter_new(size_t max_reps);
/* Accepts NULL. */
void dt_nudge_limiter_free(struct dt_nudge_limiter *l);
/* rep may be nudged at now: never nudged, or last nudged interval seconds ago or more. */
bool dt_nudge_limiter_allows(const struct dt_nudge_limiter *l, const char *rep, long now,
                             long interval);
/* Remember that rep was nudged at now (full: an entry past interval, else the oldest, goes). */
void dt_nudge_limiter_record(struct dt_nudge_limiter *l, const char *rep, long now, long interval);

/*
 * The note as a complete message (CRLF line ends), appended to out:
 * From digest.from, To the rep, Subject "Your mail to Sarah Mitchell
 * sounded euphoric" ("Je mail aan Sarah Mitchell klonk euforisch"), Date
 * and Message-ID from sent_at, Auto-Submitted, <header_prefix>Nudge: yes,
 * and one text/plain part (UTF-8, wrapped at 72 columns): the customer,
 * the subject, the time in business_hours.timezone, the score, the
 * phrases as the digest shows them, one line of advice, and when the next
 * note may come at the earliest. In dt_nudge_language(); a language
 * without a text of its own gets English. Names, subject and phrases are
 * cleaned as the digest cleans them (no control, format or bidi
 * characters, cut at a length); nothing of them can start a header field.
 * 0, or -1 with err set (the rep is not a plain address, no sender, out
 * of memory); out is then left as it was.
 */
int dt_nudge_render(const struct dt_nudge *n, const struct dt_config *cfg, struct dt_buf *out,
                    struct dt_error *err);

/* Whether the note has a text of its own in lang ("en", "nl"). */
bool dt_nudge_has_language(const char *lang);

/* ---- nudge_send.c: the queue and its worker (shell) ---- */

/* What became of a nudge offered to the queue. */
enum dt_nudge_fate {
    DT_NUDGE_QUEUED,  /* the worker will send it */
    DT_NUDGE_LIMITED, /* the rep had one less than nudge.interval ago */
    DT_NUDGE_DROPPED, /* the queue was full (or stopping, or out of memory) */
};

/* "queued", "limited", "dropped". */
const char *dt_nudge_fate_name(enum dt_nudge_fate fate);

/* How the worker delivers a note: dt_digest_send_cancel, or a test's stand-in. */
typedef int dt_nudge_send_fn(const struct dt_config *cfg, const char *rcpt, const char *msg,
                             size_t len, const atomic_bool *cancel, struct dt_error *err);

#define DT_NUDGE_QUEUE_MAX 16  /* notes waiting for the worker, at most */
#define DT_NUDGE_REPS_MAX 4096 /* reps the rate limiter remembers */

struct dt_nudger;

/*
 * Start the worker thread (all signals blocked in it) with a queue of
 * queue_max notes; send NULL means dt_digest_send_cancel. Start it in the
 * process that will serve (after detaching: threads do not survive fork).
 * 0, or -1 with err set.
 */
int dt_nudger_start(size_t queue_max, dt_nudge_send_fn *send, struct dt_nudger **out,
                    struct dt_error *err);

/*
 * Offer n for sending with cfg (a reference is taken; the note is sent
 * with the configuration of the mail that earned it), qid naming it in
 * the log. now is the limiter's clock (seconds, never going back). Never
 * waits for the worker: copies n and returns. limited is checked first
 * (the rep would get nothing anyway), then a full queue drops it; only a
 * queued note counts against the rep's interval. q NULL: dropped.
 */
enum dt_nudge_fate dt_nudger_offer(struct dt_nudger *q, struct dt_config *cfg, const char *qid,
                                   const struct dt_nudge *n, long now);

struct dt_nudge_counters {
    unsigned long sent, failed, dropped, limited;
};

/* Since the start (q NULL: zeros). Thread-safe. */
void dt_nudger_counters(struct dt_nudger *q, struct dt_nudge_counters *c);

/*
 * Stop: the worker sends what is queued for up to wait_ms, then a running
 * sendmail is cancelled (killed) and what is left is dropped, counted and
 * logged in one line. final (may be NULL) gets the counters as they end.
 * The worker is joined and q freed - unless it is still inside an SMTP
 * step a second later: then it is left behind (the process is about to
 * exit) and one line says so; false in that case. Accepts NULL.
 */
bool dt_nudger_stop(struct dt_nudger *q, int wait_ms, struct dt_nudge_counters *final);

#endif
