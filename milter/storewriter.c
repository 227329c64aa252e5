/*
 * storewriter.c - one store handle for the milter's threads, records
 * written in turn and committed in groups (storewriter.h).
 *
 * Public: dt_storewriter_start(), dt_storewriter_stop(),
 * dt_storewriter_keep(), dt_storewriter_counters().
 *
 * There is no writer thread: a message queues its job (on its own stack)
 * and, if nobody is writing, writes itself - every job queued, GROUP_MAX
 * at most, in order - then wakes the messages it wrote for and the first
 * one still queued, which writes next. With no load that is a message
 * writing its own record on the thread that carries it; under load the
 * records that came meanwhile are written by one thread in one go. The
 * handle, the open transaction and its bookkeeping belong to whoever holds
 * `writing` (taken and given back under the lock); the commit thread takes
 * `writing` only to commit a transaction that nobody else has committed
 * by the time it is due.
 *
 * Failure behaviour: see storewriter.h. Logged here: records lost to a
 * failed commit (at most once a minute, with their count).
 */
#include "dealtemp/storewriter.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "dealtemp/log.h"

/* Jobs one writer takes at a time: bounds the wait of the message behind them. */
#define GROUP_MAX 64
#define LOST_LOG_EVERY_S 60

/* One message's record, queued (it lives on the message's stack). */
struct job {
    const struct dt_config *cfg;
    const struct dt_record *rec;
    unsigned flags;
    struct dt_ingest_result *out;
    struct dt_error *err;
    int rc;            /* dt_ingest_commit's, or -1 when its group failed */
    bool done;         /* under lock: rc, *out and *err are final */
    pthread_cond_t cv; /* done, or it is this job's turn to write */
    struct job *next;
};

struct dt_storewriter {
    char *db;
    pthread_mutex_t lock;
    pthread_cond_t tick; /* for the commit thread: a transaction was left open, or stop */
    struct job *head, **tail;
    unsigned long queued;
    bool writing, stopping;

    /* Whoever holds `writing` (CLOCK_MONOTONIC ms): */
    struct dt_store *st;
    bool tx_open;
    int64_t tx_since;
    unsigned long tx_records;
    int64_t last_group; /* when the last group came: the gap says whether mail is busy */
    int64_t safe_until; /* after a failed commit: commit before answering until then */

    /* Under lock. */
    unsigned long commits, records, lost, lost_unlogged;
    time_t lost_logged;

    pthread_t committer;
    bool committer_started;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the writer's side (holding `writing`, not the lock) ---- */

/* Records answered for, whose commit then failed: counted, logged once a minute. */
static void count_lost(struct dt_storewriter *w, unsigned long n, const char *why)
{
    if (n == 0)
        return;
    time_t now = time(NULL);
    pthread_mutex_lock(&w->lock);
    w->lost += n;
    w->lost_unlogged += n;
    unsigned long say = 0;
    if (now - w->lost_logged >= LOST_LOG_EVERY_S) {
        say = w->lost_unlogged;
        w->lost_unlogged = 0;
        w->lost_logged = now;
    }
    pthread_mutex_unlock(&w->lock);
    if (say > 0)
        dt_log(LOG_ERR,
               "store: a commit failed: the facts of %lu message%s are not kept (the messages "
               "passed): %s (logged once a minute)",
               say, say == 1 ? "" : "s", why);
}

/*
 * End the open transaction. On failure the records already answered for
 * (all but the last `unanswered`) are counted lost, the handle is
 * replaced, and commits come before answers for a while. False then.
 */
static bool commit_now(struct dt_storewriter *w, unsigned long unanswered, struct dt_error *err)
{
    int rc = dt_store_commit(w->st, err);
    unsigned long n = w->tx_records;
    w->tx_open = false;
    w->tx_records = 0;
    pthread_mutex_lock(&w->lock);
    w->commits++;
    w->records += n;
    pthread_mutex_unlock(&w->lock);
    if (rc == 0)
        return true;
    /* Whatever state the handle is in, the next transaction gets a fresh one. */
    dt_store_close(w->st);
    w->st = NULL;
    w->safe_until = now_ms() + DT_STOREWRITER_SAFE_S * 1000;
    count_lost(w, n - unanswered, err->msg);
    return false;
}

static void fail_group(struct job *j, int n, const struct dt_error *err)
{
    for (int i = 0; i < n; i++, j = j->next) {
        j->rc = -1;
        memset(j->out, 0, sizeof(*j->out));
        *j->err = *err;
    }
}

/* Write the n jobs from j on, in order, in the open transaction (begun if none is). */
static void write_group(struct dt_storewriter *w, struct job *j, int n, bool *opened)
{
    struct dt_error err = {{0}};
    int64_t now = now_ms();
    bool alone = now - w->last_group > DT_STOREWRITER_BUSY_GAP_MS;
    w->last_group = now;
    *opened = false;
    if (w->st == NULL) {
        struct dt_store_options o = {true, 0, 0};
        if (dt_store_open_opts(w->db, &o, &w->st, &err) < 0) {
            w->st = NULL;
            fail_group(j, n, &err);
            return;
        }
    }
    if (!w->tx_open) {
        if (dt_store_begin(w->st, &err) < 0) {
            fail_group(j, n, &err);
            return;
        }
        w->tx_open = *opened = true;
        w->tx_since = now;
    }
    struct job *k = j;
    for (int i = 0; i < n; i++, k = k->next)
        k->rc = dt_ingest_commit(w->st, k->cfg, k->rec, k->flags, k->out, k->err);
    w->tx_records += (unsigned long)n;
    if (alone || now < w->safe_until || w->tx_records >= DT_STOREWRITER_COMMIT_RECORDS ||
        now_ms() - w->tx_since >= DT_STOREWRITER_COMMIT_MS) {
        /* This group is not answered yet: on failure it learns so. */
        if (!commit_now(w, (unsigned long)n, &err))
            fail_group(j, n, &err);
    }
}

/* ---- messages ---- */

int dt_storewriter_keep(struct dt_storewriter *w, const struct dt_config *cfg,
                        const struct dt_record *rec, unsigned flags, struct dt_ingest_result *out,
                        struct dt_error *err)
{
    struct job self = {cfg, rec, flags, out, err, -1, false, PTHREAD_COND_INITIALIZER, NULL};
    memset(out, 0, sizeof(*out));
    pthread_mutex_lock(&w->lock);
    *w->tail = &self;
    w->tail = &self.next;
    w->queued++;
    while (!self.done) {
        if (w->writing) {
            pthread_cond_wait(&self.cv, &w->lock);
            continue;
        }
        /* Nobody writes: this message does, for everyone queued, in order. */
        w->writing = true;
        struct job *group = w->head, *last = group;
        int n = 1;
        for (; n < GROUP_MAX && last->next != NULL; n++)
            last = last->next;
        w->head = last->next;
        if (w->head == NULL)
            w->tail = &w->head;
        w->queued -= (unsigned long)n;
        pthread_mutex_unlock(&w->lock);

        bool opened;
        write_group(w, group, n, &opened);

        pthread_mutex_lock(&w->lock);
        for (int i = 0; i < n; i++) {
            struct job *k = group;
            group = group->next; /* before done: a woken job's memory is its message's */
            k->done = true;
            if (k != &self)
                pthread_cond_signal(&k->cv);
        }
        w->writing = false;
        if (w->head != NULL)
            pthread_cond_signal(&w->head->cv); /* the next group is theirs to write */
        if (opened && w->tx_open)
            pthread_cond_signal(&w->tick); /* left open: the commit thread times it */
    }
    pthread_mutex_unlock(&w->lock);
    pthread_cond_destroy(&self.cv);
    return self.rc;
}

/* ---- the commit thread ---- */

static void wait_until(struct dt_storewriter *w, int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    pthread_cond_timedwait(&w->tick, &w->lock, &ts);
}

/* Commit a transaction left open when no more mail came to commit it. */
static void *committer(void *arg)
{
    struct dt_storewriter *w = arg;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        if (w->writing) {
            /* The writer of the moment commits a due transaction itself. */
            wait_until(w, now_ms() + DT_STOREWRITER_COMMIT_MS);
            continue;
        }
        if (!w->tx_open) {
            if (w->stopping)
                break;
            pthread_cond_wait(&w->tick, &w->lock);
            continue;
        }
        int64_t due = w->tx_since + DT_STOREWRITER_COMMIT_MS;
        if (!w->stopping && now_ms() < due) {
            wait_until(w, due);
            continue;
        }
        w->writing = true;
        pthread_mutex_unlock(&w->lock);
        struct dt_error err = {{0}};
        commit_now(w, 0, &err);
        pthread_mutex_lock(&w->lock);
        w->writing = false;
        if (w->head != NULL)
            pthread_cond_signal(&w->head->cv);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

/* ---- life cycle ---- */

int dt_storewriter_start(const char *db, struct dt_storewriter **out, struct dt_error *err)
{
    *out = NULL;
    struct dt_storewriter *w = calloc(1, sizeof(*w));
    if (w == NULL || (w->db = strdup(db)) == NULL) {
        free(w);
        return dt_error_set(err, "out of memory");
    }
    pthread_mutex_init(&w->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->tick, &ca);
    pthread_condattr_destroy(&ca);
    w->tail = &w->head;
    w->last_group = INT64_MIN / 2; /* the first message comes alone */
    if (pthread_create(&w->committer, NULL, committer, w) != 0) {
        dt_storewriter_stop(w);
        return dt_error_set(err, "cannot start the store's commit thread");
    }
    w->committer_started = true;
    *out = w;
    return 0;
}

void dt_storewriter_stop(struct dt_storewriter *w)
{
    if (w == NULL)
        return;
    pthread_mutex_lock(&w->lock);
    w->stopping = true;
    pthread_cond_broadcast(&w->tick);
    pthread_mutex_unlock(&w->lock);
    if (w->committer_started)
        pthread_join(w->committer, NULL);
    if (w->tx_open) { /* no commit thread: it never started */
        struct dt_error err = {{0}};
        commit_now(w, 0, &err);
    }
    dt_store_close(w->st);
    pthread_cond_destroy(&w->tick);
    pthread_mutex_destroy(&w->lock);
    free(w->db);
    free(w);
}

void dt_storewriter_counters(struct dt_storewriter *w, struct dt_storewriter_counters *c)
{
    memset(c, 0, sizeof(*c));
    if (w == NULL)
        return;
    pthread_mutex_lock(&w->lock);
    c->queued = w->queued;
    c->commits = w->commits;
    c->records = w->records;
    c->lost = w->lost;
    pthread_mutex_unlock(&w->lock);
}
