/*
 * storewriter.h - one store handle for the milter's threads: records
 * written in arrival order and committed in groups (storewriter.c; the
 * SQLite side of storepool.h).
 *
 * A message queues its record; whoever is not waiting for another writer
 * writes everything queued, in order, in one transaction (a savepoint per
 * record, so a record that fails is undone alone), and answers each
 * message with its thread and, for a customer's reply, its latency - read
 * on that same handle after every record queued before it, so a reply
 * finds its original even when both are in one transaction.
 *
 * When to commit. A message that comes alone (none in the last
 * DT_STOREWRITER_BUSY_GAP_MS) is committed before it is answered, as
 * dt_store_record would. Under load - messages closer together than that
 * - the transaction stays open for the next ones, up to
 * DT_STOREWRITER_COMMIT_MS or DT_STOREWRITER_COMMIT_RECORDS records, and
 * the messages in it are answered before it is committed: one commit, and
 * one write of each changed page, for the mail of those milliseconds,
 * instead of one per message. When mail stops, a small thread commits what
 * is open once it is due.
 *
 * The price, bounded: under load a message's facts can be answered for
 * and then not kept, if the process dies or the commit fails (a full
 * disk) - the facts of at most DT_STOREWRITER_COMMIT_MS of mail, never
 * mail itself: those messages passed with headers that were right (a
 * thread's id is its first message's Message-ID hash, so later replies get
 * the same one). Such records are counted (lost) and logged at most once a
 * minute; after a failed commit every message is committed before it is
 * answered for DT_STOREWRITER_SAFE_S, so a store that stays broken shows
 * on each message as before (no thread headers, a store error). Other
 * processes (dealtemp digest, import, purge) wait at most COMMIT_MS longer
 * for the write lock; readers never wait (WAL).
 *
 * Failure: keep returns -1 with err set when the handle cannot be opened,
 * the transaction cannot be begun (another writer held the lock past the
 * busy timeout), the record fails, or a commit made before answering
 * fails; the message then gets no thread headers.
 */
#ifndef DEALTEMP_STOREWRITER_H
#define DEALTEMP_STOREWRITER_H

#include "dealtemp/config.h"
#include "dealtemp/error.h"
#include "dealtemp/ingest.h"
#include "dealtemp/store.h"

#define DT_STOREWRITER_BUSY_GAP_MS 10
#define DT_STOREWRITER_COMMIT_MS 25
#define DT_STOREWRITER_COMMIT_RECORDS 500
#define DT_STOREWRITER_SAFE_S 60

struct dt_storewriter;

/* For database db (opened when first needed). 0, or -1 with err set. */
int dt_storewriter_start(const char *db, struct dt_storewriter **out, struct dt_error *err);
/* Commit what is open, stop the commit thread, close. No keep may be running. NULL is fine. */
void dt_storewriter_stop(struct dt_storewriter *w);

/* Record rec as dt_ingest_commit does (flags: DT_INGEST_REPLY), in turn. Thread-safe. */
int dt_storewriter_keep(struct dt_storewriter *w, const struct dt_config *cfg,
                        const struct dt_record *rec, unsigned flags, struct dt_ingest_result *out,
                        struct dt_error *err);

struct dt_storewriter_counters {
    unsigned long queued;  /* records waiting for a writer now */
    unsigned long commits; /* transactions ended (committed or failed) */
    unsigned long records; /* records in them */
    unsigned long lost;    /* records answered for whose commit then failed */
};
void dt_storewriter_counters(struct dt_storewriter *w, struct dt_storewriter_counters *c);

#endif
