/*
 * spool.h - where the milter keeps the facts of messages while the shared
 * database (PostgreSQL) cannot take them: a small local SQLite file
 * (store.spool), bounded in size (store.spool_max_mb), emptied oldest
 * first when the database is back (spool.c).
 *
 * An entry is exactly what dt_store_record would have been given - never
 * a body - plus the MTA's queue id for the log. Entries survive a restart
 * of the milter and of the machine (the file is synced on every write).
 * Replay hands each entry to a callback and deletes it only after the
 * callback says it is kept, so a crash in between replays it again, which
 * the store's idempotence by Message-ID makes harmless: nothing is lost,
 * nothing is stored twice.
 *
 * One handle, used under the caller's lock. Failure: -1 with
 * "<spool file>: <reason>" ("spool full (64 MB)" when the bound is reached).
 */
#ifndef DEALTEMP_SPOOL_H
#define DEALTEMP_SPOOL_H

#include <stddef.h>

#include "dealtemp/error.h"
#include "dealtemp/store.h"

struct dt_spool;

/* Open or create path (its directory must exist); max_bytes bounds the file. */
int dt_spool_open(const char *path, size_t max_bytes, struct dt_spool **out, struct dt_error *err);
void dt_spool_close(struct dt_spool *sp);

/* Append one record (copied). */
int dt_spool_put(struct dt_spool *sp, const struct dt_record *rec, const char *qid,
                 struct dt_error *err);

/* Entries waiting. */
int dt_spool_count(struct dt_spool *sp, size_t *n, struct dt_error *err);

/*
 * Oldest first: fn(rec, qid, arg) returns 0 when the entry is kept in the
 * store (it is then deleted here), non-zero to stop (it and the rest stay).
 * At most max entries (0 = all); *done = entries deleted. Returns 0 or -1.
 */
int dt_spool_replay(struct dt_spool *sp, size_t max,
                    int (*fn)(const struct dt_record *rec, const char *qid, void *arg), void *arg,
                    size_t *done, struct dt_error *err);

#endif
