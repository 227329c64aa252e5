/*
 * nudge_send.c - the milter's nudge queue and its one worker thread
 * (nudge.h): the milter's callback offers a note and returns at once; the
 * worker renders it (dt_nudge_render) and hands it to the digest's
 * delivery path (dt_digest_send_cancel: digest.sendmail or digest.smtp).
 *
 * Public: dt_nudger_start(), dt_nudger_offer(), dt_nudger_counters(),
 * dt_nudger_stop(), dt_nudge_fate_name().
 *
 * One mutex guards the ring of waiting notes and the rate limiter; an
 * offer holds it for a lookup in the limiter and a few pointer moves,
 * never while anything is rendered, written or sent. Strings are copied
 * before it is taken. Each note keeps a reference to the configuration
 * of the mail that earned it, so a reload never changes a note in the
 * queue, and the next mail already follows the new nudge.* and digest.*.
 *
 * Failure behaviour: nothing here can hold up mail. A full queue drops
 * the note (counted; the milter's log line for the mail says so). A
 * delivery that fails is logged as one line with the mail's queue id and
 * counted; it is not retried (the rep's interval has begun, so a broken
 * sendmail is not hammered). Every delivery is bounded by the digest's
 * timeouts (a sendmail 60 s, SMTP 30 s a step), and stopping by wait_ms
 * plus a second (see dt_nudger_stop).
 */
#include "dealtemp/nudge.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "dealtemp/digest.h"
#include "dealtemp/log.h"

#define CANCEL_GRACE_MS 1000 /* after cancelling: how long the worker may take to notice */

/* One note waiting: owned copies of everything it needs. */
struct job {
    struct dt_config *cfg; /* reference */
    char *qid, *rep, *counterpart, *counterpart_name, *subject, *phrases;
    double score;
    time_t sent_at;
};

struct dt_nudger {
    dt_nudge_send_fn *send;
    pthread_mutex_t lock;
    pthread_cond_t wake; /* a job queued, or stopping */
    pthread_cond_t done; /* the worker has exited */
    struct job *ring;
    size_t cap, head, n;
    struct dt_nudge_limiter *limiter;
    bool stopping, exited;
    atomic_bool cancel; /* stop what is being sent now */
    pthread_t worker;
    atomic_ulong sent, failed, dropped, limited;
};

#define COUNT(q, field) atomic_fetch_add_explicit(&(q)->field, 1, memory_order_relaxed)

const char *dt_nudge_fate_name(enum dt_nudge_fate fate)
{
    switch (fate) {
    case DT_NUDGE_QUEUED:
        return "queued";
    case DT_NUDGE_LIMITED:
        return "limited";
    case DT_NUDGE_DROPPED:
        return "dropped";
    }
    return "?";
}

static void job_free(struct job *j)
{
    dt_config_unref(j->cfg);
    free(j->qid);
    free(j->rep);
    free(j->counterpart);
    free(j->counterpart_name);
    free(j->subject);
    free(j->phrases);
    memset(j, 0, sizeof(*j));
}

/* NULL stays NULL; false when a copy could not be made. */
static bool dup_or_null(char **dst, const char *src)
{
    *dst = src ? strdup(src) : NULL;
    return src == NULL || *dst != NULL;
}

static bool job_fill(struct job *j, struct dt_config *cfg, const char *qid,
                     const struct dt_nudge *n)
{
    memset(j, 0, sizeof(*j));
    /* Every copy is tried (no short cut), so job_free sees each one made. */
    int missing = !dup_or_null(&j->qid, qid ? qid : "NOQUEUE");
    missing += !dup_or_null(&j->rep, n->rep);
    missing += !dup_or_null(&j->counterpart, n->counterpart);
    missing += !dup_or_null(&j->counterpart_name, n->counterpart_name);
    missing += !dup_or_null(&j->subject, n->subject);
    missing += !dup_or_null(&j->phrases, n->phrases);
    j->score = n->score;
    j->sent_at = n->sent_at;
    if (missing > 0 || j->rep == NULL) {
        job_free(j);
        return false;
    }
    j->cfg = dt_config_ref(cfg);
    return true;
}

/* Render and send one job; log the outcome in one line. */
static void deliver(struct dt_nudger *q, struct job *j)
{
    struct dt_nudge n = {.rep = j->rep,
                         .counterpart = j->counterpart,
                         .counterpart_name = j->counterpart_name,
                         .subject = j->subject,
                         .phrases = j->phrases,
                         .score = j->score,
                         .sent_at = j->sent_at};
    struct dt_buf msg = DT_BUF_INIT;
    struct dt_error err = {{0}};
    int rc = dt_nudge_render(&n, j->cfg, &msg, &err);
    if (rc == 0)
        rc = q->send(j->cfg, j->rep, msg.data, msg.len, &q->cancel, &err);
    dt_buf_free(&msg);
    if (rc == 0) {
        COUNT(q, sent);
        dt_log(LOG_INFO, "%s: nudge sent to <%s>", j->qid, j->rep);
    } else {
        COUNT(q, failed);
        dt_log(LOG_WARNING, "%s: nudge to <%s> not sent: %s", j->qid, j->rep, err.msg);
    }
}

static void *worker_main(void *arg)
{
    struct dt_nudger *q = arg;
    pthread_mutex_lock(&q->lock);
    for (;;) {
        while (q->n == 0 && !q->stopping)
            pthread_cond_wait(&q->wake, &q->lock);
        if (q->n == 0 || atomic_load(&q->cancel))
            break; /* stopping, and nothing left that may still go */
        struct job j = q->ring[q->head];
        memset(&q->ring[q->head], 0, sizeof(j));
        q->head = (q->head + 1) % q->cap;
        q->n--;
        pthread_mutex_unlock(&q->lock);
        deliver(q, &j);
        job_free(&j);
        pthread_mutex_lock(&q->lock);
    }
    q->exited = true;
    pthread_cond_broadcast(&q->done);
    pthread_mutex_unlock(&q->lock);
    return NULL;
}

static void nudger_free(struct dt_nudger *q)
{
    for (size_t i = 0; i < q->n; i++)
        job_free(&q->ring[(q->head + i) % q->cap]);
    free(q->ring);
    dt_nudge_limiter_free(q->limiter);
    pthread_cond_destroy(&q->wake);
    pthread_cond_destroy(&q->done);
    pthread_mutex_destroy(&q->lock);
    free(q);
}

int dt_nudger_start(size_t queue_max, dt_nudge_send_fn *send, struct dt_nudger **out,
                    struct dt_error *err)
{
    *out = NULL;
    struct dt_nudger *q = calloc(1, sizeof(*q));
    if (q == NULL)
        return dt_error_set(err, "nudge: out of memory");
    q->send = send ? send : dt_digest_send_cancel;
    q->cap = queue_max > 0 ? queue_max : 1;
    q->ring = calloc(q->cap, sizeof(*q->ring));
    q->limiter = dt_nudge_limiter_new(DT_NUDGE_REPS_MAX);
    atomic_init(&q->cancel, false);
    pthread_mutex_init(&q->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&q->wake, &ca);
    pthread_cond_init(&q->done, &ca);
    pthread_condattr_destroy(&ca);
    if (q->ring == NULL || q->limiter == NULL) {
        nudger_free(q);
        return dt_error_set(err, "nudge: out of memory");
    }
    /* The daemon's signals go to its main thread, never to this one. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&q->worker, NULL, worker_main, q);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        nudger_free(q);
        return dt_error_set(err, "nudge: cannot start the worker thread: %s", strerror(rc));
    }
    *out = q;
    return 0;
}

enum dt_nudge_fate dt_nudger_offer(struct dt_nudger *q, struct dt_config *cfg, const char *qid,
                                   const struct dt_nudge *n, long now)
{
    if (q == NULL)
        return DT_NUDGE_DROPPED;
    struct job j;
    bool filled = job_fill(&j, cfg, qid, n); /* before the lock: the worker never waits on it */
    enum dt_nudge_fate fate = DT_NUDGE_DROPPED;
    pthread_mutex_lock(&q->lock);
    if (!dt_nudge_limiter_allows(q->limiter, n->rep, now, cfg->nudge_interval)) {
        fate = DT_NUDGE_LIMITED;
    } else if (filled && !q->stopping && q->n < q->cap) {
        dt_nudge_limiter_record(q->limiter, n->rep, now, cfg->nudge_interval);
        q->ring[(q->head + q->n) % q->cap] = j;
        q->n++;
        filled = false; /* the ring owns it */
        fate = DT_NUDGE_QUEUED;
        pthread_cond_signal(&q->wake);
    }
    pthread_mutex_unlock(&q->lock);
    if (filled)
        job_free(&j);
    if (fate == DT_NUDGE_LIMITED)
        COUNT(q, limited);
    else if (fate == DT_NUDGE_DROPPED)
        COUNT(q, dropped);
    return fate;
}

void dt_nudger_counters(struct dt_nudger *q, struct dt_nudge_counters *c)
{
    memset(c, 0, sizeof(*c));
    if (q == NULL)
        return;
    c->sent = atomic_load_explicit(&q->sent, memory_order_relaxed);
    c->failed = atomic_load_explicit(&q->failed, memory_order_relaxed);
    c->dropped = atomic_load_explicit(&q->dropped, memory_order_relaxed);
    c->limited = atomic_load_explicit(&q->limited, memory_order_relaxed);
}

static void deadline_in(struct timespec *ts, long ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

/* Under q->lock: wait for the worker to exit, until ms have passed. */
static bool wait_exited(struct dt_nudger *q, long ms)
{
    struct timespec until;
    deadline_in(&until, ms);
    while (!q->exited)
        if (pthread_cond_timedwait(&q->done, &q->lock, &until) == ETIMEDOUT)
            break;
    return q->exited;
}

bool dt_nudger_stop(struct dt_nudger *q, int wait_ms, struct dt_nudge_counters *final)
{
    if (final != NULL)
        memset(final, 0, sizeof(*final));
    if (q == NULL)
        return true;
    pthread_mutex_lock(&q->lock);
    q->stopping = true;
    pthread_cond_broadcast(&q->wake);
    bool ended = wait_exited(q, wait_ms > 0 ? wait_ms : 0);
    if (!ended) {
        /* Out of time: what runs now is cancelled, what waits is dropped. */
        atomic_store(&q->cancel, true);
        size_t left = q->n;
        for (; q->n > 0; q->n--, q->head = (q->head + 1) % q->cap) {
            job_free(&q->ring[q->head]);
            COUNT(q, dropped);
        }
        if (left > 0)
            dt_log(LOG_WARNING, "nudge: %zu queued nudge%s not sent: stopping", left,
                   left == 1 ? "" : "s");
        ended = wait_exited(q, CANCEL_GRACE_MS);
    }
    pthread_mutex_unlock(&q->lock);
    if (final != NULL)
        dt_nudger_counters(q, final);
    if (!ended) {
        /* Inside an SMTP step that has its own timeout: leave it to the exit. */
        dt_log(LOG_WARNING, "nudge: a delivery still running after %d ms; not waiting for it",
               wait_ms + CANCEL_GRACE_MS);
        pthread_detach(q->worker);
        return false;
    }
    pthread_join(q->worker, NULL);
    nudger_free(q);
    return true;
}
