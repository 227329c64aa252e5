/*
 * milter.c - libmilter callbacks: collect one message, analyze it at the
 * end, add the headers (see milter.h).
 *
 * Public: dt_milter_set_config(), dt_milter_listen(), dt_milter_serve(),
 * dt_milter_shutdown(), dt_milter_counters(), dt_milter_counters_format(),
 * dt_milter_in_flight(), dt_milter_nudges_start(), dt_milter_nudges_stop(),
 * dt_milter_store_start().
 *
 * Per connection a struct conn is kept with smfi_setpriv(); per message a
 * struct msg hangs off it from MAIL FROM to end of message or abort. The
 * message holds its own reference to the configuration that was current
 * at MAIL FROM, so a reload never changes rules under a message.
 *
 * Cost per message is kept to three round trips where the MTA allows it
 * (DATA, the body, end of message): connect/HELO/unknown steps are
 * negotiated away, MAIL, RCPT, header
 * and end-of-header steps get no reply, and once scan_limit body bytes are
 * held the MTA is told to skip the rest (SMFIS_SKIP). The MTA is asked for
 * one macro only, the queue id at end of message, and for none at the
 * other stages: every macro packet is one more write on the MTA's side.
 *
 * Counters (atomic, process-wide) record what happened to each message
 * for dealtemp-milter's SIGUSR1 line and counters file.
 *
 * At end of message outbound and inbound deal mail is remembered through
 * dt_ingest() (a small pool of store handles, one per busy worker), which
 * gives X-Deal-Thread and, for a customer's reply, X-Deal-Reply-Latency.
 * A euphoric mail of a rep in nudge.reps is offered to the nudge queue
 * (nudge.h), which only copies it: the note is sent by its own thread.
 *
 * Our name space: every field whose name begins with header_prefix is
 * removed from every message, whatever its direction and even when it
 * cannot be analyzed, before our own are added; a sender cannot pre-set a
 * verdict, a thread or a nudge mark. The one exception: one of our own
 * notes (From digest.from, Auto-Submitted: auto-generated, carrying
 * <header_prefix>Nudge) keeps that mark on its way to the rep, and is never
 * nudged for.
 *
 * Failure behaviour: every callback returns CONTINUE (or NOREPLY); an
 * allocation failure or a message dt_analyze() cannot read is logged once
 * at end of message and the message passes with no header added (fields of
 * our name space are still removed). A store that cannot be opened or
 * written costs only the thread headers: the euphoria header is still
 * added and the error is logged at most once a minute.
 */
#include "dealtemp/milter.h"

#include <libmilter/mfapi.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>

#include "dealtemp/analyze.h"
#include "dealtemp/buf.h"
#include "dealtemp/header.h"
#include "dealtemp/ingest.h"
#include "dealtemp/log.h"
#include "dealtemp/nudge.h"
#include "dealtemp/ownfields.h"
#include "dealtemp/rawhdr.h"
#include "dealtemp/storepool.h"

#define RCPT_MAX 1000
#define RAW_FIRST 8192 /* bytes: the header and a short body of most mail */

struct msg {
    struct dt_config *cfg; /* reference taken at MAIL FROM */
    char *mail_from;
    char **rcpts;
    size_t n_rcpts;
    struct dt_buf raw; /* "Name: value\r\n"... "\r\n" body */
    /* What rawhdr.h kept of the header, within its budget. */
    struct dt_rawhdr hdr;
    size_t body_kept;  /* body bytes in raw */
    size_t body_seen;  /* body bytes the MTA sent */
    struct dt_ownfields own; /* <header_prefix>* fields that came */
    bool failed;       /* out of memory while collecting */
};

struct conn {
    unsigned long steps; /* protocol flags agreed in negotiate */
    struct msg *msg;
};

/* Process-wide counters; relaxed atomics: each is a plain tally. */
static struct {
    atomic_ulong seen, dir[4], level[3], analyze_errors, store_errors, headers, in_flight;
} stats;

#define COUNT(field) atomic_fetch_add_explicit(&stats.field, 1, memory_order_relaxed)
#define READ(field) atomic_load_explicit(&stats.field, memory_order_relaxed)

/*
 * The store pool (storepool.h) of the current configuration, counted: a
 * message holds a reference while it uses it, so a reload to another
 * database or store.* setting retires the old pool only when its last
 * message is done. Made by dt_milter_set_config (startup and reload).
 */
struct pool_ref {
    struct dt_storepool *p;
    int refs;
};
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pool_ref *pool_cur;
/* dt_milter_store_start was called: the process that serves has its
 * threads (the spool's replay thread is one), so pools may be made. */
static bool pool_allowed;
static time_t store_error_logged; /* last time a store error was logged (under pool_lock) */

/*
 * The nudge queue (nudge.h), started and stopped by dealtemp-milter. An
 * offer holds nudge_lock (it only copies and queues), so a stop never
 * frees the queue under a message that drain() gave up waiting for.
 * After the stop its last counters stay in nudge_final.
 */
static pthread_mutex_t nudge_lock = PTHREAD_MUTEX_INITIALIZER;
static struct dt_nudger *nudger;
static struct dt_nudge_counters nudge_final;

int dt_milter_nudges_start(struct dt_error *err)
{
    struct dt_nudger *q;
    if (dt_nudger_start(DT_NUDGE_QUEUE_MAX, NULL, &q, err) < 0)
        return -1;
    pthread_mutex_lock(&nudge_lock);
    struct dt_nudger *old = nudger;
    nudger = q;
    pthread_mutex_unlock(&nudge_lock);
    dt_nudger_stop(old, 0, NULL);
    return 0;
}

void dt_milter_nudges_stop(int wait_ms)
{
    pthread_mutex_lock(&nudge_lock);
    struct dt_nudger *q = nudger;
    nudger = NULL;
    pthread_mutex_unlock(&nudge_lock);
    if (q == NULL)
        return;
    struct dt_nudge_counters last;
    dt_nudger_stop(q, wait_ms, &last);
    pthread_mutex_lock(&nudge_lock);
    nudge_final = last;
    pthread_mutex_unlock(&nudge_lock);
}

static void pool_unref(struct pool_ref *r)
{
    if (r == NULL)
        return;
    pthread_mutex_lock(&pool_lock);
    int left = --r->refs;
    pthread_mutex_unlock(&pool_lock);
    if (left == 0) {
        dt_storepool_stop(r->p);
        free(r);
    }
}

static struct pool_ref *pool_ref(void)
{
    pthread_mutex_lock(&pool_lock);
    struct pool_ref *r = pool_cur;
    if (r != NULL)
        r->refs++;
    pthread_mutex_unlock(&pool_lock);
    return r;
}

/* A pool for cfg, unless the current one already fits it. */
static void pool_update(const struct dt_config *cfg)
{
    pthread_mutex_lock(&pool_lock);
    bool fits = pool_cur != NULL && dt_storepool_matches(pool_cur->p, cfg);
    pthread_mutex_unlock(&pool_lock);
    if (fits)
        return;
    struct pool_ref *r = calloc(1, sizeof(*r));
    struct dt_error err = {{0}};
    if (r == NULL || dt_storepool_start(cfg, &r->p, &err) < 0) {
        dt_log(LOG_ERR, "store: %s (deal threads are not kept until the next reload)",
               r ? err.msg : "out of memory");
        free(r);
        r = NULL;
    } else {
        r->refs = 1;
    }
    pthread_mutex_lock(&pool_lock);
    struct pool_ref *old = pool_cur;
    pool_cur = r;
    pthread_mutex_unlock(&pool_lock);
    pool_unref(old);
}

void dt_milter_counters(struct dt_milter_counters *out)
{
    *out = (struct dt_milter_counters){
        .seen = READ(seen),
        .outbound = READ(dir[DT_DIR_OUTBOUND]),
        .inbound = READ(dir[DT_DIR_INBOUND]),
        .internal = READ(dir[DT_DIR_INTERNAL]),
        .ignored = READ(dir[DT_DIR_IGNORED]),
        .calm = READ(level[DT_LEVEL_CALM]),
        .warm = READ(level[DT_LEVEL_WARM]),
        .euphoric = READ(level[DT_LEVEL_EUPHORIC]),
        .analyze_errors = READ(analyze_errors),
        .store_errors = READ(store_errors),
        .headers = READ(headers),
    };
    struct pool_ref *ref = pool_ref();
    struct dt_storepool_counters sc;
    dt_storepool_counters(ref ? ref->p : NULL, &sc);
    pool_unref(ref);
    out->spooled = sc.spooled;
    out->replayed = sc.replayed;
    out->spool_pending = sc.spool_pending;
    out->spool_dropped = sc.spool_dropped;
    out->store_outages = sc.outages;
    out->store_lost = sc.lost;
    out->store_down = sc.down;
    struct dt_nudge_counters nc;
    pthread_mutex_lock(&nudge_lock);
    if (nudger != NULL)
        dt_nudger_counters(nudger, &nc);
    else
        nc = nudge_final;
    pthread_mutex_unlock(&nudge_lock);
    out->nudges_sent = nc.sent;
    out->nudges_failed = nc.failed;
    out->nudges_dropped = nc.dropped;
    out->nudges_limited = nc.limited;
}

void dt_milter_counters_format(const struct dt_milter_counters *c, char sep, char *buf, size_t size)
{
    snprintf(buf, size,
             "seen=%lu%coutbound=%lu%cinbound=%lu%cinternal=%lu%cignored=%lu%ccalm=%lu%c"
             "warm=%lu%ceuphoric=%lu%canalyze_errors=%lu%cstore_errors=%lu%cheaders=%lu%c"
             "store_lost=%lu%c"
             "spooled=%lu%creplayed=%lu%cspool_pending=%lu%cspool_dropped=%lu%c"
             "store_outages=%lu%cstore=%s%cnudges_sent=%lu%cnudges_failed=%lu%c"
             "nudges_dropped=%lu%cnudges_limited=%lu",
             c->seen, sep, c->outbound, sep, c->inbound, sep, c->internal, sep, c->ignored, sep,
             c->calm, sep, c->warm, sep, c->euphoric, sep, c->analyze_errors, sep, c->store_errors,
             sep, c->headers, sep, c->store_lost, sep, c->spooled, sep, c->replayed, sep,
             c->spool_pending, sep, c->spool_dropped, sep, c->store_outages, sep,
             c->store_down ? "down" : "up", sep, c->nudges_sent, sep, c->nudges_failed, sep,
             c->nudges_dropped, sep, c->nudges_limited);
}

unsigned long dt_milter_in_flight(void)
{
    return READ(in_flight);
}

static pthread_mutex_t cfg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct dt_config *current;

static struct dt_config *config_get(void)
{
    pthread_mutex_lock(&cfg_lock);
    struct dt_config *cfg = dt_config_ref(current);
    pthread_mutex_unlock(&cfg_lock);
    return cfg;
}

void dt_milter_set_config(struct dt_config *cfg)
{
    dt_config_ref(cfg);
    pthread_mutex_lock(&cfg_lock);
    struct dt_config *old = current;
    current = cfg;
    pthread_mutex_unlock(&cfg_lock);
    dt_config_unref(old);
    pthread_mutex_lock(&pool_lock);
    bool allowed = pool_allowed;
    pthread_mutex_unlock(&pool_lock);
    if (allowed)
        pool_update(cfg);
}

void dt_milter_store_start(void)
{
    pthread_mutex_lock(&pool_lock);
    pool_allowed = true;
    pthread_mutex_unlock(&pool_lock);
    struct dt_config *cfg = config_get();
    if (cfg != NULL)
        pool_update(cfg);
    dt_config_unref(cfg);
}


static void pool_drain(void);

void dt_milter_shutdown(void)
{
    dt_milter_nudges_stop(0);
    pool_drain();
    pthread_mutex_lock(&cfg_lock);
    struct dt_config *old = current;
    current = NULL;
    pthread_mutex_unlock(&cfg_lock);
    dt_config_unref(old);
}

static void msg_free(struct msg *m)
{
    if (m == NULL)
        return;
    atomic_fetch_sub_explicit(&stats.in_flight, 1, memory_order_relaxed);
    dt_config_unref(m->cfg);
    free(m->mail_from);
    for (size_t i = 0; i < m->n_rcpts; i++)
        free(m->rcpts[i]);
    free(m->rcpts);
    dt_ownfields_free(&m->own);
    dt_buf_free(&m->raw);
    free(m);
}

static struct conn *conn_get(SMFICTX *ctx)
{
    struct conn *c = smfi_getpriv(ctx);
    if (c == NULL && (c = calloc(1, sizeof(*c))) != NULL)
        smfi_setpriv(ctx, c);
    return c;
}

/* The reply for a step the MTA may have agreed to send without waiting. */
static sfsistat step_reply(const struct conn *c, unsigned long nr_flag)
{
    return (c != NULL && (c->steps & nr_flag)) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* "<Ann@Corp.Example>" -> "ann@corp.example"; "<>" -> "". */
static char *address_dup(const char *arg)
{
    size_t n = strlen(arg);
    if (n >= 2 && arg[0] == '<') {
        const char *close = memchr(arg, '>', n);
        n = close != NULL ? (size_t)(close - arg) - 1 : n - 1;
        arg++;
    }
    char *s = strndup(arg, n);
    if (s != NULL)
        for (char *p = s; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p + 32);
    return s;
}

static sfsistat cb_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
                             unsigned long f3, unsigned long *pf0, unsigned long *pf1,
                             unsigned long *pf2, unsigned long *pf3)
{
    (void)f2;
    (void)f3;
    struct conn *c = conn_get(ctx);
    /* DATA is kept, and answered (cb_data): Postfix sends its DATA macros
     * whatever we negotiate, and without a reply to carry the TCP ACK its
     * cleanup process waits out the peer's delayed ACK (~40 ms a message,
     * measured by tests/bench/bench-milter.sh: 48 ms/msg over TCP without
     * the DATA step, 5 ms with it). */
    unsigned long want = SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NR_MAIL |
                         SMFIP_NR_RCPT | SMFIP_NR_HDR | SMFIP_NR_EOH;

    *pf0 = f0 & (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_SETSYMLIST);
    *pf2 = *pf3 = 0;
    if (c == NULL) {
        /* No memory to remember the agreement in: ask for plain replies. */
        *pf1 = f1 & (SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOUNKNOWN);
        return SMFIS_CONTINUE;
    }
    *pf1 = f1 & want;
    /* Skipping the rest of a long body beats not answering body chunks. */
    *pf1 |= (f1 & SMFIP_SKIP) ? SMFIP_SKIP : (f1 & SMFIP_NR_BODY);
    c->steps = *pf1;
    if (*pf0 & SMFIF_SETSYMLIST) {
        /* The queue id at end of message is all we read. A list of one
         * space asks for no macros at a stage ("" would make Postfix fall
         * back to its defaults); the MTA still sends one, now empty, packet. */
        static const int stages[] = {SMFIM_CONNECT, SMFIM_HELO, SMFIM_ENVFROM,
                                     SMFIM_ENVRCPT, SMFIM_DATA, SMFIM_EOH};
        for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++)
            smfi_setsymlist(ctx, stages[i], " ");
        smfi_setsymlist(ctx, SMFIM_EOM, "i");
    }
    return SMFIS_CONTINUE;
}

/* Nothing to do at DATA; the reply itself is the point (see cb_negotiate). */
static sfsistat cb_data(SMFICTX *ctx)
{
    (void)ctx;
    return SMFIS_CONTINUE;
}

static sfsistat cb_envfrom(SMFICTX *ctx, char **argv)
{
    struct conn *c = conn_get(ctx);
    if (c == NULL)
        return SMFIS_CONTINUE; /* nothing to keep state in: let the mail pass */
    msg_free(c->msg);
    c->msg = calloc(1, sizeof(*c->msg));
    struct msg *m = c->msg;
    if (m != NULL) {
        COUNT(in_flight);
        m->cfg = config_get();
        m->mail_from = address_dup(argv[0] != NULL ? argv[0] : "");
        /* Room for a typical message at once, not six doublings from 64 bytes. */
        dt_buf_reserve(&m->raw, RAW_FIRST);
        if (m->cfg == NULL || m->mail_from == NULL || dt_buf_failed(&m->raw))
            m->failed = true;
    }
    return step_reply(c, SMFIP_NR_MAIL);
}

static sfsistat cb_envrcpt(SMFICTX *ctx, char **argv)
{
    struct conn *c = smfi_getpriv(ctx);
    struct msg *m = c != NULL ? c->msg : NULL;
    if (m != NULL && !m->failed && m->n_rcpts < RCPT_MAX && argv[0] != NULL) {
        char **r = realloc(m->rcpts, (m->n_rcpts + 1) * sizeof(*r));
        char *a = address_dup(argv[0]);
        if (r != NULL)
            m->rcpts = r;
        if (r == NULL || a == NULL) {
            free(a);
            m->failed = true;
        } else {
            m->rcpts[m->n_rcpts++] = a;
        }
    }
    return step_reply(c, SMFIP_NR_RCPT);
}

static sfsistat cb_header(SMFICTX *ctx, char *name, char *value)
{
    struct conn *c = smfi_getpriv(ctx);
    struct msg *m = c != NULL ? c->msg : NULL;
    /* Before the failed check: a message we cannot read still loses forged fields. */
    if (m != NULL && m->cfg != NULL)
        dt_ownfields_note(&m->own, m->cfg->header_prefix, name);
    if (m == NULL || m->failed)
        return step_reply(c, SMFIP_NR_HDR);
    /* Bounded, and never an early end of the header (rawhdr.h). */
    dt_rawhdr_add(&m->hdr, &m->raw, name, value);
    m->failed = dt_buf_failed(&m->raw);
    return step_reply(c, SMFIP_NR_HDR);
}

static sfsistat cb_eoh(SMFICTX *ctx)
{
    struct conn *c = smfi_getpriv(ctx);
    struct msg *m = c != NULL ? c->msg : NULL;
    if (m != NULL && !m->failed) {
        dt_buf_append(&m->raw, "\r\n", 2);
        m->failed = dt_buf_failed(&m->raw);
    }
    return step_reply(c, SMFIP_NR_EOH);
}

static sfsistat cb_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
    struct conn *c = smfi_getpriv(ctx);
    struct msg *m = c != NULL ? c->msg : NULL;
    if (m == NULL || m->failed)
        return step_reply(c, SMFIP_NR_BODY);
    size_t limit = m->cfg->scan_limit;
    m->body_seen += len;
    if (m->body_kept < limit) {
        size_t take = len < limit - m->body_kept ? len : limit - m->body_kept;
        dt_buf_append(&m->raw, chunk, take);
        m->body_kept += take;
        m->failed = dt_buf_failed(&m->raw);
    }
    if (m->body_kept >= limit && (c->steps & SMFIP_SKIP))
        return SMFIS_SKIP;
    return step_reply(c, SMFIP_NR_BODY);
}

struct deleting {
    SMFICTX *ctx;
    const char *qid;
};

static int delete_field(const char *name, unsigned index, void *arg)
{
    const struct deleting *d = arg;
    if (smfi_chgheader(d->ctx, (char *)name, (int)index, NULL) == MI_SUCCESS)
        return 0;
    dt_log(LOG_ERR, "%s: cannot remove %s (#%u): the MTA refused it", d->qid, name, index);
    return -1;
}

/*
 * Remove the message's fields in our name space (ownfields.h), sparing a
 * note's mark when keep_nudge; " removed=N X-Deal-* fields" into buf for
 * the log line ("" when none were). What could not be removed is logged.
 */
static void drop_own(SMFICTX *ctx, const struct msg *m, const char *qid, bool keep_nudge,
                     char *buf, size_t size)
{
    const struct dt_ownfields *fs = &m->own;
    struct deleting d = {ctx, qid};
    unsigned n = dt_ownfields_remove(fs, m->cfg->header_prefix, keep_nudge, delete_field, &d);
    if (fs->left > 0)
        dt_log(LOG_WARNING, "%s: %zu %s* fields left in place (more than %d distinct names)", qid,
               fs->left, m->cfg->header_prefix, DT_OWNFIELDS_MAX);
    buf[0] = '\0';
    if (n > 0)
        snprintf(buf, size, " removed=%u %.40s* field%s", n, m->cfg->header_prefix,
                 n == 1 ? "" : "s");
}

static void add_header(SMFICTX *ctx, const struct msg *m, const char *qid, const char *field,
                       const char *value)
{
    char name[128];
    snprintf(name, sizeof(name), "%s%s", m->cfg->header_prefix, field);
    struct dt_buf v = DT_BUF_INIT;
    dt_header_value(value, strlen(name), 900, &v);
    if (dt_buf_failed(&v) || v.data == NULL)
        dt_log(LOG_ERR, "%s: cannot add %s: out of memory", qid, name);
    else if (smfi_addheader(ctx, (char *)name, v.data) != MI_SUCCESS)
        dt_log(LOG_ERR, "%s: cannot add %s: the MTA refused it", qid, name);
    else
        COUNT(headers);
    dt_buf_free(&v);
}

/* A broken database must not flood the log: one line a minute at most. */
static void store_error(const char *qid, const char *msg)
{
    time_t now = time(NULL);
    pthread_mutex_lock(&pool_lock);
    bool log = now - store_error_logged >= 60;
    if (log)
        store_error_logged = now;
    pthread_mutex_unlock(&pool_lock);
    if (log)
        dt_log(LOG_ERR, "%s: store: %s (message passed; this error is logged once a minute)", qid,
               msg);
}

static void pool_drain(void)
{
    pthread_mutex_lock(&pool_lock);
    struct pool_ref *old = pool_cur;
    pool_cur = NULL;
    pthread_mutex_unlock(&pool_lock);
    pool_unref(old);
}

/*
 * Keep the message's facts: in the store (true, r filled: thread and
 * latency headers follow), or in the spool while the database is away
 * (*spooled). Store trouble is logged, never fatal.
 */
static bool remember(const struct msg *m, const char *qid, const struct dt_facts *f,
                     struct dt_ingest_result *r, bool *spooled)
{
    memset(r, 0, sizeof(*r));
    *spooled = false;
    struct dt_error err = {{0}};
    struct dt_ingest_rec ir;
    int n = dt_ingest_prepare(m->cfg, f, time(NULL), &ir, &err);
    if (n <= 0) {
        if (n < 0) {
            COUNT(store_errors);
            store_error(qid, err.msg);
        }
        return false;
    }
    struct pool_ref *ref = pool_ref();
    enum dt_kept k = DT_KEPT_FAILED;
    if (ref == NULL)
        dt_error_set(&err, "no store (see the error logged at start or reload)");
    else
        k = dt_storepool_keep(ref->p, m->cfg, &ir.rec, qid, DT_INGEST_REPLY, r, &err);
    pool_unref(ref);
    dt_ingest_rec_free(&ir);
    if (k == DT_KEPT_SPOOLED) {
        *spooled = true;
        return false;
    }
    if (k == DT_KEPT_FAILED) {
        COUNT(store_errors);
        store_error(qid, err.msg);
        memset(r, 0, sizeof(*r));
        return false;
    }
    return r->recorded;
}

/*
 * Offer f's sender a nudge if due (never for a note of ours): the queue
 * copies what the note needs and returns at once. Returns " nudge=queued"
 * (limited, dropped) for the message's log line, or "" when none was due.
 */
static const char *nudge(const struct msg *m, const char *qid, const struct dt_facts *f,
                         bool ours)
{
    if (ours || !dt_nudge_due(m->cfg, f))
        return "";
    struct dt_buf phrases = DT_BUF_INIT;
    dt_ingest_phrases(&f->score, &phrases);
    struct timespec mono;
    clock_gettime(CLOCK_MONOTONIC, &mono);
    struct dt_nudge n = {.rep = f->rep,
                         .counterpart = f->counterpart,
                         .counterpart_name = f->counterpart_name,
                         .subject = f->msg->subject,
                         .phrases = dt_buf_failed(&phrases) ? NULL : phrases.data,
                         .score = f->score.score,
                         .sent_at = time(NULL)};
    pthread_mutex_lock(&nudge_lock);
    enum dt_nudge_fate fate = dt_nudger_offer(nudger, m->cfg, qid, &n, (long)mono.tv_sec);
    pthread_mutex_unlock(&nudge_lock);
    dt_buf_free(&phrases);
    static const char *const said[] = {
        [DT_NUDGE_QUEUED] = " nudge=queued",
        [DT_NUDGE_LIMITED] = " nudge=limited",
        [DT_NUDGE_DROPPED] = " nudge=dropped",
    };
    return said[fate];
}

static void finish_message(SMFICTX *ctx, struct msg *m)
{
    const char *qid = smfi_getsymval(ctx, "i");
    if (qid == NULL || *qid == '\0')
        qid = "NOQUEUE";
    COUNT(seen);
    if (m->failed) {
        COUNT(analyze_errors);
        char removed[80] = "";
        if (m->cfg != NULL)
            drop_own(ctx, m, qid, false, removed, sizeof(removed));
        dt_log(LOG_ERR, "%s: message passed unexamined: out of memory%s", qid, removed);
        return;
    }

    struct dt_envelope env = {m->mail_from, (const char *const *)m->rcpts, m->n_rcpts};
    struct dt_facts facts;
    struct dt_error err = {{0}};
    if (dt_analyze(m->cfg, m->raw.data ? m->raw.data : "", m->raw.len, &env, 0, &facts, &err) < 0) {
        COUNT(analyze_errors);
        char removed[80];
        drop_own(ctx, m, qid, false, removed, sizeof(removed));
        dt_log(LOG_WARNING, "%s: message passed unexamined: %s%s", qid, err.msg, removed);
        return;
    }
    if ((unsigned)facts.direction < 4)
        COUNT(dir[facts.direction]);
    if (facts.direction == DT_DIR_OUTBOUND && facts.scored && (unsigned)facts.score.level < 3)
        COUNT(level[facts.score.level]);
    /* The collected bytes are no longer needed: free them before the MTA round trips. */
    dt_buf_free(&m->raw);

    struct dt_ingest_result r;
    bool spooled;
    bool stored = remember(m, qid, &facts, &r, &spooled);
    bool outbound = facts.direction == DT_DIR_OUTBOUND && facts.scored;
    bool latency = stored && r.reply.c.answered;
    char value[256], thread[64] = "", lat[128] = "", removed[80];
    /* Every field in our name space goes, whatever the direction; only a
     * note of our own keeps its mark. Then our own fields are added. */
    bool ours = dt_ownfields_our_note(&m->own, m->cfg, facts.msg);
    drop_own(ctx, m, qid, ours, removed, sizeof(removed));
    if (outbound) {
        dt_facts_euphoria_value(&facts, value, sizeof(value));
        add_header(ctx, m, qid, "Euphoria", value);
        char summary[160];
        dt_score_summary(&facts.score, summary, sizeof(summary));
        snprintf(value, sizeof(value), " score=%.2f level=%s lang=%s words=%zu (%s)",
                 facts.score.score, dt_level_name(facts.score.level),
                 facts.score.lang[0] ? facts.score.lang : "und", facts.score.words, summary);
    } else {
        value[0] = '\0';
    }
    if (stored) {
        add_header(ctx, m, qid, "Thread", r.thread_id);
        snprintf(thread, sizeof(thread), " thread=%s%s", r.thread_id,
                 r.duplicate ? " (seen before)" : "");
    }
    if (latency) {
        char v[160];
        dt_ingest_latency_value(&r, v, sizeof(v));
        add_header(ctx, m, qid, "Reply-Latency", v);
        /* Exact seconds for the log, on the clock the verdict used, named. */
        snprintf(lat, sizeof(lat), " latency=%lds usual=%lds clock=%s usual_from=%s %s",
                 r.reply.c.reply_s, r.reply.c.usual_s,
                 r.reply.clock.business ? "business" : "calendar",
                 dt_usual_source_name(r.reply.c.usual_source),
                 r.reply.c.reply_slow ? "slow" : "normal");
    }
    if (spooled)
        snprintf(thread, sizeof(thread), " (facts spooled: database away)");
    const char *nudged = nudge(m, qid, &facts, ours);
    const char *note = facts.msg->warning[0] ? facts.msg->warning : NULL;
    char hdr_note[96] = "";
    if (m->hdr.dropped + m->hdr.cut > 0)
        snprintf(hdr_note, sizeof(hdr_note),
                 " (header over its limits: %zu fields left out, %zu cut)", m->hdr.dropped,
                 m->hdr.cut);
    dt_log(LOG_INFO, "%s: %s from=<%s>%s%s%s%s%s%s%s%s%s%s%s", qid,
           dt_direction_name(facts.direction), facts.sender ? facts.sender : "", value, thread, lat,
           nudged, facts.why[0] ? " why=" : "", facts.why, removed,
           m->body_seen > m->body_kept ? " (body cut at scan_limit)" : "", hdr_note,
           note ? " note: " : "", note ? note : "");
    dt_facts_clear(&facts);
}

static sfsistat cb_eom(SMFICTX *ctx)
{
    struct conn *c = smfi_getpriv(ctx);
    if (c != NULL && c->msg != NULL) {
        finish_message(ctx, c->msg);
        msg_free(c->msg);
        c->msg = NULL;
    }
    return SMFIS_CONTINUE;
}

static sfsistat cb_abort(SMFICTX *ctx)
{
    struct conn *c = smfi_getpriv(ctx);
    if (c != NULL) {
        msg_free(c->msg);
        c->msg = NULL;
    }
    return SMFIS_CONTINUE;
}

static sfsistat cb_close(SMFICTX *ctx)
{
    struct conn *c = smfi_getpriv(ctx);
    if (c != NULL) {
        msg_free(c->msg);
        free(c);
        smfi_setpriv(ctx, NULL);
    }
    return SMFIS_CONTINUE;
}

static struct smfiDesc filter = {
    .xxfi_name = "dealtemp",
    .xxfi_version = SMFI_VERSION,
    .xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_SETSYMLIST,
    .xxfi_envfrom = cb_envfrom,
    .xxfi_envrcpt = cb_envrcpt,
    .xxfi_data = cb_data,
    .xxfi_header = cb_header,
    .xxfi_eoh = cb_eoh,
    .xxfi_body = cb_body,
    .xxfi_eom = cb_eom,
    .xxfi_abort = cb_abort,
    .xxfi_close = cb_close,
    .xxfi_negotiate = cb_negotiate,
};

int dt_milter_listen(const char *spec, struct dt_error *err)
{
    if (smfi_setconn((char *)spec) != MI_SUCCESS)
        return dt_error_set(err, "socket %s: not a valid milter socket", spec);
    if (smfi_register(filter) != MI_SUCCESS)
        return dt_error_set(err, "libmilter refused to register the filter");
    /* false: a stale unix socket is dealt with by whoever made the spec
     * (daemon.c removes one only when nobody listens on it). */
    if (smfi_opensocket(false) != MI_SUCCESS)
        return dt_error_set(err, "socket %s: cannot listen (in use, or no permission?)", spec);
    return 0;
}

int dt_milter_serve(struct dt_error *err)
{
    if (smfi_main() != MI_SUCCESS)
        return dt_error_set(err, "libmilter stopped with an error");
    return 0;
}
