/*
 * storepool.h - how the milter keeps a message's facts without ever
 * making the message wait on the database longer than it may (storepool.c).
 *
 * PostgreSQL: a pool of at most store.pool_size store handles per milter
 * process. A message borrows one (waiting at most
 * store.statement_timeout_ms for one to come back), records its facts
 * within statement_timeout_ms, and returns it. When the database cannot
 * be reached in connect_timeout_ms, does not answer in time, or drops the
 * connection, the facts go to the local spool (spool.h) instead and the
 * message passes exactly as before (the euphoria header is added; only the thread and
 * latency headers, which need the shared view, are left out). A pooled
 * connection that fails at once was dropped while idle (a restart of the
 * server): the idle ones are closed and the message tries once more on a
 * fresh connection before the database counts as away. From then
 * on every message is spooled, so the database receives them in arrival
 * order, until a background thread - retrying with backoff (1 s doubling
 * to 30 s) - has connected and replayed the whole spool. One log line
 * when an outage starts, one when it ends with the count replayed.
 * Replays are idempotent (by Message-ID): nothing lost, nothing twice.
 *
 * A SQLite database has no outage: it is a local file, errors are
 * reported as before (store_errors), and nothing is spooled. The pool
 * keeps one handle and writes records in arrival order, committing them
 * in groups under load (storewriter.h: what that costs, and its bound).
 */
#ifndef DEALTEMP_STOREPOOL_H
#define DEALTEMP_STOREPOOL_H

#include <stdbool.h>
#include <stddef.h>

#include "dealtemp/config.h"
#include "dealtemp/error.h"
#include "dealtemp/ingest.h"

struct dt_storepool;

/* Taken from cfg: database, store.*; nothing is connected yet. */
int dt_storepool_start(const struct dt_config *cfg, struct dt_storepool **out,
                       struct dt_error *err);
/* Stop the replay thread, close every handle and the spool. NULL is fine. */
void dt_storepool_stop(struct dt_storepool *p);
/* Whether p was made for the same database and store.* settings as cfg. */
bool dt_storepool_matches(const struct dt_storepool *p, const struct dt_config *cfg);

enum dt_kept {
    DT_KEPT_STORED,  /* in the database; out is filled (thread, latency) */
    DT_KEPT_SPOOLED, /* in the spool, for the database later */
    DT_KEPT_FAILED,  /* neither: err says why (a store error, or the spool full) */
};

/* Keep rec (see ingest.h), for the message with queue id qid. Thread-safe. */
enum dt_kept dt_storepool_keep(struct dt_storepool *p, const struct dt_config *cfg,
                               const struct dt_record *rec, const char *qid, unsigned flags,
                               struct dt_ingest_result *out, struct dt_error *err);

struct dt_storepool_counters {
    unsigned long spooled;       /* facts written to the spool */
    unsigned long replayed;      /* spooled facts stored in the database since */
    unsigned long spool_pending; /* in the spool now */
    unsigned long spool_dropped; /* kept nowhere: the spool was full or unwritable */
    unsigned long outages;       /* times the database went away */
    bool down;                   /* the database is away now */
    /* SQLite, this pool: records waiting for the writer now; transactions
     * the writers ran (committed or not), and the records they held;
     * records answered for whose commit then failed. */
    unsigned long queued, writes, written, lost;
};
void dt_storepool_counters(struct dt_storepool *p, struct dt_storepool_counters *c);

#endif
