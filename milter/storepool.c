/*
 * storepool.c - the milter's store handles, and its spool while
 * PostgreSQL is away (storepool.h).
 *
 * Public: dt_storepool_start(), dt_storepool_stop(),
 * dt_storepool_matches(), dt_storepool_keep(), dt_storepool_counters().
 *
 * State under one mutex: the idle handles, how many are open, whether
 * the database is down, and how many facts the spool holds ("pending",
 * counted when a message decides to spool, before it writes, so the
 * replay thread never declares the spool empty while a write is on its
 * way). The spool itself has its own mutex: a message's write and the
 * replay of one entry never overlap. The replay thread wakes every
 * 250 ms while something is pending; after a failed attempt it waits the
 * backoff out.
 *
 * SQLite: one handle for the pool, records written in arrival order
 * and committed in groups (storewriter.h).
 *
 * Failure behaviour: a message always gets an answer within about
 * statement_timeout_ms (plus connect_timeout_ms when it opens a handle):
 * stored, spooled, or failed with err set; SQLite: within the busy timeout
 * (a lock held by another process) plus the group before it. Logging: the
 * outage's start and end, a full spool and a spooled record the database
 * refuses (each once per outage, or with its queue id).
 */
#include "dealtemp/storepool.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>

#include "dealtemp/log.h"
#include "dealtemp/spool.h"
#include "dealtemp/store.h"
#include "dealtemp/storewriter.h"

#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 30000
#define TICK_MS 250
struct dt_storepool {
    char *db, *spool_path;
    bool pg;
    int size, connect_ms, stmt_ms;
    int idle_cap; /* PostgreSQL: handles kept between messages (store.pool_size) */
    size_t spool_max;

    pthread_mutex_t lock;
    pthread_cond_t returned; /* a handle came back */
    pthread_cond_t wake;     /* something for the replay thread */
    struct dt_store **idle;
    int n_idle, n_open;
    bool down, stopping, full_logged;
    time_t down_since;
    size_t pending;
    unsigned long replayed_this_outage;

    pthread_mutex_t spool_lock;
    struct dt_spool *spool; /* opened when first needed */

    bool thread_started;
    pthread_t replayer;

    /* SQLite: one handle, records committed in groups. */
    struct dt_storewriter *writer;
};

/* Process-wide, across reloads. */
static struct {
    atomic_ulong spooled, replayed, spool_dropped, outages;
} tally;

#define TALLY(field, n) atomic_fetch_add_explicit(&tally.field, (n), memory_order_relaxed)

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void deadline_in(struct timespec *ts, int ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

static int open_handle(struct dt_storepool *p, struct dt_store **st, struct dt_error *err)
{
    struct dt_store_options o = {true, p->pg ? p->connect_ms : 0, p->pg ? p->stmt_ms : 0};
    return dt_store_open_opts(p->db, &o, st, err);
}

/* ---- the spool ---- */

/* Under spool_lock. */
static int spool_ready(struct dt_storepool *p, struct dt_error *err)
{
    if (p->spool != NULL)
        return 0;
    return dt_spool_open(p->spool_path, p->spool_max, &p->spool, err);
}

static enum dt_kept spool_it(struct dt_storepool *p, const struct dt_record *rec, const char *qid,
                             struct dt_error *err)
{
    pthread_mutex_lock(&p->spool_lock);
    int rc = spool_ready(p, err);
    if (rc == 0)
        rc = dt_spool_put(p->spool, rec, qid, err);
    pthread_mutex_unlock(&p->spool_lock);
    pthread_mutex_lock(&p->lock);
    bool log = false;
    if (rc < 0) {
        p->pending--;
        log = !p->full_logged;
        p->full_logged = true;
    }
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
    if (rc < 0) {
        TALLY(spool_dropped, 1);
        if (log)
            dt_log(LOG_ERR,
                   "%s: store: facts kept nowhere: %s (logged once per outage; counted as "
                   "spool_dropped)",
                   qid, err->msg);
        return DT_KEPT_FAILED;
    }
    TALLY(spooled, 1);
    return DT_KEPT_SPOOLED;
}

/* Under lock: close the idle handles. */
static void close_idle_locked(struct dt_storepool *p)
{
    for (int i = 0; i < p->n_idle; i++)
        dt_store_close(p->idle[i]);
    p->n_open -= p->n_idle;
    p->n_idle = 0;
}

static void close_idle(struct dt_storepool *p)
{
    pthread_mutex_lock(&p->lock);
    close_idle_locked(p);
    pthread_mutex_unlock(&p->lock);
}

/* Under lock: the database is away from now on (once per outage). */
static void go_down_locked(struct dt_storepool *p, const char *why)
{
    close_idle_locked(p);
    if (p->down)
        return;
    p->down = true;
    p->down_since = time(NULL);
    p->replayed_this_outage = 0;
    p->full_logged = false;
    TALLY(outages, 1);
    dt_log(LOG_WARNING,
           "store: database unreachable (%s); mail flows on, message facts are spooled to %s "
           "until it is back",
           why, p->spool_path);
    pthread_cond_signal(&p->wake);
}

/* ---- messages ---- */

enum dt_kept dt_storepool_keep(struct dt_storepool *p, const struct dt_config *cfg,
                               const struct dt_record *rec, const char *qid, unsigned flags,
                               struct dt_ingest_result *out, struct dt_error *err)
{
    if (!p->pg)
        return dt_storewriter_keep(p->writer, cfg, rec, flags, out, err) == 0 ? DT_KEPT_STORED
                                                                              : DT_KEPT_FAILED;
    struct dt_store *st = NULL;
    bool new_handle = false;
    memset(out, 0, sizeof(*out));
    pthread_mutex_lock(&p->lock);
    if (p->pg && (p->down || p->pending > 0)) {
        /* Behind what is spooled already: keep the order. */
        p->pending++;
        pthread_mutex_unlock(&p->lock);
        return spool_it(p, rec, qid, err);
    }
    if (p->n_idle == 0 && p->n_open >= p->size && p->pg) {
        struct timespec until;
        deadline_in(&until, p->stmt_ms);
        while (p->n_idle == 0 && p->n_open >= p->size && !p->down &&
               pthread_cond_timedwait(&p->returned, &p->lock, &until) != ETIMEDOUT)
            ;
        if (p->n_idle == 0 && (p->n_open >= p->size || p->down)) {
            /* Every connection busy for a whole statement_timeout: as good as down. */
            p->pending++;
            pthread_mutex_unlock(&p->lock);
            return spool_it(p, rec, qid, err);
        }
    }
    if (p->n_idle > 0) {
        st = p->idle[--p->n_idle];
    } else {
        p->n_open++;
        new_handle = true;
    }
    pthread_mutex_unlock(&p->lock);

    int rc = new_handle ? open_handle(p, &st, err) : 0;
    bool lost = false;
    if (rc == 0) {
        int64_t t0 = now_ms();
        rc = dt_ingest_commit(st, cfg, rec, flags, out, err);
        lost = rc < 0 && dt_store_broken(st);
        if (lost && !new_handle && p->pg && now_ms() - t0 < p->stmt_ms) {
            /*
             * A pooled connection that failed at once was dropped while
             * idle (the server restarted, an idle timeout): that says
             * nothing about the database now. The other idle ones are as
             * old: close them all, and try once on a fresh connection -
             * within the bound of a message that opens a handle.
             */
            dt_store_close(st);
            st = NULL;
            close_idle(p);
            memset(out, 0, sizeof(*out));
            rc = open_handle(p, &st, err);
            if (rc == 0) {
                rc = dt_ingest_commit(st, cfg, rec, flags, out, err);
                lost = rc < 0 && dt_store_broken(st);
            }
        }
    } else {
        lost = p->pg;
    }

    pthread_mutex_lock(&p->lock);
    if (st != NULL && !lost && p->n_idle < p->idle_cap) {
        p->idle[p->n_idle++] = st;
        st = NULL;
    } else {
        p->n_open--;
    }
    if (lost) {
        go_down_locked(p, err->msg);
        p->pending++;
    }
    pthread_cond_signal(&p->returned);
    pthread_mutex_unlock(&p->lock);
    dt_store_close(st);
    if (lost) {
        memset(out, 0, sizeof(*out));
        return spool_it(p, rec, qid, err);
    }
    return rc == 0 ? DT_KEPT_STORED : DT_KEPT_FAILED;
}

/* ---- the replay thread ---- */

struct replay {
    struct dt_storepool *p;
    struct dt_store *st;
    bool lost;
    struct dt_error err;
};

static int replay_one(const struct dt_record *rec, const char *qid, void *arg)
{
    struct replay *r = arg;
    struct dt_record_result res;
    struct dt_error err = {{0}};
    if (dt_store_record(r->st, rec, &res, &err) == 0)
        return 0;
    if (dt_store_broken(r->st)) {
        r->lost = true;
        r->err = err;
        return 1;
    }
    /* The database is there and refuses this one: it never will take it. */
    TALLY(spool_dropped, 1);
    dt_log(LOG_ERR, "%s: store: a spooled message was refused and is dropped: %s",
           qid ? qid : "NOQUEUE", err.msg);
    return 0;
}

/* Replay everything pending with st; false when the connection went. */
static bool drain(struct dt_storepool *p, struct dt_store *st)
{
    struct replay r = {p, st, false, {{0}}};
    for (;;) {
        pthread_mutex_lock(&p->lock);
        bool stop = p->stopping;
        pthread_mutex_unlock(&p->lock);
        if (stop)
            return true;
        size_t done = 0;
        struct dt_error err = {{0}};
        pthread_mutex_lock(&p->spool_lock);
        int rc = spool_ready(p, &err);
        if (rc == 0)
            rc = dt_spool_replay(p->spool, 1, replay_one, &r, &done, &err);
        pthread_mutex_unlock(&p->spool_lock);
        if (rc < 0) {
            dt_log(LOG_ERR, "store: spool: %s", err.msg);
            return false;
        }
        if (r.lost)
            return false;
        pthread_mutex_lock(&p->lock);
        if (done > 0) {
            p->pending -= done;
            p->replayed_this_outage += done;
            TALLY(replayed, done);
        }
        bool empty = p->pending == 0;
        if (empty && (p->down || p->replayed_this_outage > 0)) {
            long secs = (long)(time(NULL) - p->down_since);
            dt_log(LOG_NOTICE,
                   "store: database back after %ld s; %lu spooled message%s replayed in order",
                   secs, p->replayed_this_outage, p->replayed_this_outage == 1 ? "" : "s");
            p->down = false;
            p->replayed_this_outage = 0;
            p->full_logged = false;
        }
        pthread_mutex_unlock(&p->lock);
        if (empty)
            return true;
        if (done == 0) {
            /* Counted, not yet written (a message is writing it): next tick. */
            return true;
        }
    }
}

static void *replayer(void *arg)
{
    struct dt_storepool *p = arg;
    int backoff = BACKOFF_MIN_MS;
    int64_t next_try = 0;
    pthread_mutex_lock(&p->lock);
    while (!p->stopping) {
        struct timespec until;
        deadline_in(&until, TICK_MS);
        pthread_cond_timedwait(&p->wake, &p->lock, &until);
        if (p->stopping || (!p->down && p->pending == 0) || now_ms() < next_try)
            continue;
        pthread_mutex_unlock(&p->lock);
        struct dt_store *st;
        struct dt_error err = {{0}};
        bool ok = open_handle(p, &st, &err) == 0;
        if (ok) {
            ok = drain(p, st);
            dt_store_close(st);
        }
        pthread_mutex_lock(&p->lock);
        if (ok) {
            backoff = BACKOFF_MIN_MS;
            next_try = 0;
        } else {
            next_try = now_ms() + backoff;
            backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
            if (!p->down)
                go_down_locked(p, err.msg[0] ? err.msg : "connection lost while replaying");
        }
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* ---- life cycle ---- */

/* Under spool_lock: the entries an existing spool file holds (none without a file). */
static int access_spool_if_present(struct dt_storepool *p, size_t *n, struct dt_error *err)
{
    struct stat sb;
    *n = 0;
    if (stat(p->spool_path, &sb) < 0)
        return errno == ENOENT ? 0 : dt_error_set(err, "%s: %s", p->spool_path, strerror(errno));
    if (spool_ready(p, err) < 0)
        return -1;
    return dt_spool_count(p->spool, n, err);
}

int dt_storepool_start(const struct dt_config *cfg, struct dt_storepool **out,
                       struct dt_error *err)
{
    *out = NULL;
    struct dt_storepool *p = calloc(1, sizeof(*p));
    if (p == NULL)
        return dt_error_set(err, "out of memory");
    p->db = strdup(cfg->database);
    p->spool_path = strdup(cfg->spool ? cfg->spool : "");
    p->pg = dt_store_is_pg(cfg->database);
    p->size = cfg->pool_size > 0 ? cfg->pool_size : 1;
    p->connect_ms = cfg->connect_timeout_ms;
    p->stmt_ms = cfg->statement_timeout_ms;
    p->spool_max = (size_t)cfg->spool_max_mb * 1024 * 1024;
    p->idle_cap = p->size;
    p->idle = calloc((size_t)p->idle_cap, sizeof(*p->idle));
    pthread_mutex_init(&p->lock, NULL);
    pthread_mutex_init(&p->spool_lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&p->returned, &ca);
    pthread_cond_init(&p->wake, &ca);
    pthread_condattr_destroy(&ca);
    if (p->db == NULL || p->spool_path == NULL || p->idle == NULL) {
        dt_storepool_stop(p);
        return dt_error_set(err, "out of memory");
    }
    if (!p->pg && dt_storewriter_start(p->db, &p->writer, err) < 0) {
        dt_storepool_stop(p);
        return -1;
    }
    if (p->pg) {
        /* What an earlier run left in the spool goes first. */
        size_t n = 0;
        pthread_mutex_lock(&p->spool_lock);
        if (access_spool_if_present(p, &n, err) < 0) {
            pthread_mutex_unlock(&p->spool_lock);
            dt_storepool_stop(p);
            return -1;
        }
        pthread_mutex_unlock(&p->spool_lock);
        p->pending = n;
        if (n > 0)
            dt_log(LOG_NOTICE, "store: %zu message%s waiting in the spool %s from an earlier run",
                   n, n == 1 ? "" : "s", p->spool_path);
        if (pthread_create(&p->replayer, NULL, replayer, p) != 0) {
            dt_storepool_stop(p);
            return dt_error_set(err, "cannot start the spool's replay thread");
        }
        p->thread_started = true;
    }
    *out = p;
    return 0;
}

void dt_storepool_stop(struct dt_storepool *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->lock);
    p->stopping = true;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    if (p->thread_started)
        pthread_join(p->replayer, NULL);
    for (int i = 0; i < p->n_idle; i++)
        dt_store_close(p->idle[i]);
    dt_storewriter_stop(p->writer);
    dt_spool_close(p->spool);
    pthread_cond_destroy(&p->returned);
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->lock);
    pthread_mutex_destroy(&p->spool_lock);
    free(p->idle);
    free(p->db);
    free(p->spool_path);
    free(p);
}

static bool same(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

bool dt_storepool_matches(const struct dt_storepool *p, const struct dt_config *cfg)
{
    return p != NULL && same(p->db, cfg->database) && same(p->spool_path, cfg->spool) &&
           p->size == (cfg->pool_size > 0 ? cfg->pool_size : 1) &&
           p->connect_ms == cfg->connect_timeout_ms && p->stmt_ms == cfg->statement_timeout_ms &&
           p->spool_max == (size_t)cfg->spool_max_mb * 1024 * 1024;
}

void dt_storepool_counters(struct dt_storepool *p, struct dt_storepool_counters *c)
{
    memset(c, 0, sizeof(*c));
    c->spooled = atomic_load_explicit(&tally.spooled, memory_order_relaxed);
    c->replayed = atomic_load_explicit(&tally.replayed, memory_order_relaxed);
    c->spool_dropped = atomic_load_explicit(&tally.spool_dropped, memory_order_relaxed);
    c->outages = atomic_load_explicit(&tally.outages, memory_order_relaxed);
    if (p != NULL) {
        pthread_mutex_lock(&p->lock);
        c->spool_pending = p->pending;
        c->down = p->down;
        pthread_mutex_unlock(&p->lock);
        struct dt_storewriter_counters w;
        dt_storewriter_counters(p->writer, &w);
        c->queued = w.queued;
        c->writes = w.commits;
        c->written = w.records;
        c->lost = w.lost;
    }
}
