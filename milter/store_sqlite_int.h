/*
 * store_sqlite_int.h - shared between the parts of the SQLite store:
 * store_sqlite.c (open, transactions, recording), store_sqlite_schema.c
 * (schema and migrations), store_sqlite_query.c (scan, purge, counts),
 * store_sqlite_digest.c (what digests told each rep).
 */
#ifndef DEALTEMP_STORE_SQLITE_INT_H
#define DEALTEMP_STORE_SQLITE_INT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "store_int.h"

/* Statements prepared once per handle, on first use. */
enum sq_id {
    SQ_BEGIN,
    SQ_COMMIT,
    SQ_ROLLBACK,
    SQ_SAVEPOINT,
    SQ_RELEASE,
    SQ_ROLLBACK_TO,
    SQ_EVENT_THREAD,
    SQ_THREAD_BY_KEY,
    SQ_PERSON_GET,
    SQ_PERSON_ADD,
    SQ_PERSON_NAME,
    SQ_SUBJECT_MATCH,
    SQ_THREAD_ADD,
    SQ_THREAD_FILL,
    SQ_EVENT_ADD,
    SQ_PAIR_ADD,
    SQ_DIGEST_FIRST,
    SQ_DIGEST_SENT,
    SQ_DIGEST_SENT_ADD,
    SQ_DIGEST_ITEM_ADD,
    SQ_DIGEST_CLAIM,
    SQ_DIGEST_RELEASE,
    SQ_DATA_VERSION,
    SQ_COUNT
};

/* The parts of a dt_store_filter that shape sq_scan's statement. */
enum {
    SQ_SCAN_REP = 1,
    SQ_SCAN_CP = 2,
    SQ_SCAN_THREAD = 4,
    SQ_SCAN_UNTIL = 8,
    SQ_SCAN_LAST = 16, /* with SQ_SCAN_CP: the counterpart's latest threads only */
    SQ_SCAN_LEAN = 32, /* dt_store_filter.lean */
    SQ_SCAN_SHAPES = 64
};

/* What a handle knows the database holds (store_sqlite_known.c). */
#define SQ_KNOWN_PEOPLE 256
#define SQ_KNOWN_THREADS 256
#define SQ_KNOWN_PAIRS 256
struct sq_known_person {
    char *addr; /* NULL: an empty slot */
    int64_t id;
    char *name; /* the display name it holds, NULL when not known */
};
struct sq_known_thread {
    int64_t id;        /* 0: an empty slot */
    bool subject, key; /* known to be set */
};
struct sq_known_pair {
    int64_t rep, cp, thread; /* a thread_people row known to exist; thread 0: empty */
};
struct sq_known {
    bool live;       /* inside a transaction begun with sq_known_begin */
    int64_t version; /* PRAGMA data_version when last looked at */
    struct sq_known_person people[SQ_KNOWN_PEOPLE];
    struct sq_known_thread threads[SQ_KNOWN_THREADS];
    struct sq_known_pair pairs[SQ_KNOWN_PAIRS];
};

struct sq_store {
    struct dt_store base; /* first: the handle callers see */
    sqlite3 *db;
    char *path;    /* the file, for every error message */
    int busy_ms;   /* how long a lock is waited for */
    int version;   /* schema version of the open database */
    int from_version; /* ... and before this handle migrated it */
    bool in_batch; /* inside dt_store_begin: records use savepoints */
    unsigned batch_records; /* records in this batch so far (its cache grows at 256) */
    sqlite3_stmt *stmt[SQ_COUNT];
    /* sq_scan's statements, one per filter shape (SQ_SCAN_* bits), prepared on
     * first use: the milter scans twice for every customer reply. */
    sqlite3_stmt *scan[SQ_SCAN_SHAPES];
    struct sq_known known;
};

/* "<path>: <SQLite's last error>"; returns -1. */
int sq_fail(struct sq_store *st, struct dt_error *err);
/* The cached statement id, prepared on first use; NULL with err set. */
sqlite3_stmt *sq_stmt(struct sq_store *st, enum sq_id id, struct dt_error *err);
/* sqlite3_step, retried on SQLITE_BUSY within the busy timeout. */
int sq_step_retry(struct sq_store *st, sqlite3_stmt *s);
/* Run a bound statement to its end and reset it; 0 or -1 with err set. */
int sq_exec_stmt(struct sq_store *st, sqlite3_stmt *s, struct dt_error *err);
int sq_exec(struct sq_store *st, enum sq_id id, struct dt_error *err);
/*
 * Run s, bound, for at most one row: 1 with the first two integer columns
 * in a and b (b may be NULL), 0 for no row, -1 on error. Always resets.
 */
int sq_query_row(struct sq_store *st, sqlite3_stmt *s, int64_t *a, int64_t *b,
                 struct dt_error *err);
/* The people row of addr, made if new; 0 for no address. */
int sq_intern(struct sq_store *st, const char *addr, int64_t *id, struct dt_error *err);
/* One write: a transaction, or a savepoint inside a dt_store_begin batch. */
int sq_tx_open(struct sq_store *st, struct dt_error *err);
/* Finish what sq_tx_open started: keep it when ok, else undo it; -1 if not kept. */
int sq_tx_close(struct sq_store *st, bool ok, struct dt_error *err);

/*
 * store_sqlite_known.c. _begin right after a transaction's BEGIN (forgets
 * all if another connection committed since), _end when it ends (undone:
 * it was rolled back, so forget all), _forget when a record of it is
 * undone or rows are deleted. Lookups answer false and _put remembers
 * nothing outside a transaction.
 */
int sq_known_begin(struct sq_store *st, struct dt_error *err);
void sq_known_end(struct sq_store *st, bool undone);
void sq_known_forget(struct sq_store *st);
bool sq_known_person(struct sq_store *st, const char *addr, int64_t *id);
void sq_known_person_put(struct sq_store *st, const char *addr, int64_t id);
/* Whether addr's people row holds exactly this display name. */
bool sq_known_name(struct sq_store *st, const char *addr, const char *name);
void sq_known_name_put(struct sq_store *st, const char *addr, const char *name);
/* Whether thread tid has a subject (when subject) and a subject key (when key). */
bool sq_known_filled(struct sq_store *st, int64_t tid, bool subject, bool key);
void sq_known_filled_put(struct sq_store *st, int64_t tid, bool subject, bool key);
bool sq_known_pair(struct sq_store *st, int64_t rep, int64_t cp, int64_t tid);
void sq_known_pair_put(struct sq_store *st, int64_t rep, int64_t cp, int64_t tid);

/* store_sqlite_schema.c: create or migrate to the newest schema; sets st->version. */
int sq_schema_ensure(struct sq_store *st, struct dt_error *err);

/* store_sqlite_query.c */
int sq_scan(struct dt_store *base, const struct dt_store_filter *f,
            int (*fn)(const struct dt_row *row, void *arg), void *arg, struct dt_error *err);
int sq_count(struct dt_store *base, struct dt_store_counts *out, struct dt_error *err);
/* Inside a transaction the caller opened. */
int sq_purge_in_tx(struct sq_store *st, time_t before, size_t *deleted, struct dt_error *err);

/* store_sqlite_digest.c */
int sq_digest_first(struct dt_store *base, const char *rep, dt_hash thread, time_t *first,
                    struct dt_error *err);
int sq_digest_sent(struct dt_store *base, const char *rep, time_t day, bool *sent,
                   struct dt_error *err);
int sq_digest_record(struct dt_store *base, const char *rep, time_t day, const dt_hash *threads,
                     size_t n, time_t sent_at, struct dt_error *err);
int sq_digest_claim(struct dt_store *base, const char *rep, time_t day, time_t now, long stale_s,
                    bool *claimed, struct dt_error *err);
int sq_digest_release(struct dt_store *base, const char *rep, time_t day, struct dt_error *err);
int sq_load_digest(struct dt_store *base, const struct dt_raw *r, bool *added,
                   struct dt_error *err);
/* store_sqlite_query.c */
int sq_dump(struct dt_store *base, int (*fn)(const struct dt_raw *r, void *arg), void *arg,
            struct dt_error *err);

#endif
