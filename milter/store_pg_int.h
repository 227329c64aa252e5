/*
 * store_pg_int.h - shared between the parts of the PostgreSQL store:
 * store_pg_conn.c (connection, deadlines, statements), store_pg.c
 * (open, transactions, recording), store_pg_schema.c (schema and
 * `dealtemp migrate`), store_pg_query.c (scan, dump, purge, counts,
 * digests).
 *
 * Every call on the connection is asynchronous underneath (PQsend*, poll
 * on the socket), so a deadline holds even when the server is gone
 * without a word: the milter never waits longer than statement_timeout_ms
 * for one operation, or connect_timeout_ms for a connection. A call that
 * runs out of time, or finds the connection lost, marks the handle broken.
 */
#ifndef DEALTEMP_STORE_PG_INT_H
#define DEALTEMP_STORE_PG_INT_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "store_int.h"

/* Statements prepared once per connection, on first use. */
enum pq_id {
    PQ_BEGIN,
    PQ_COMMIT,
    PQ_ROLLBACK,
    PQ_SAVEPOINT,
    PQ_RELEASE,
    PQ_ROLLBACK_TO,
    PQ_EVENT_THREAD,
    PQ_THREAD_BY_KEY,
    PQ_PERSON_GET,
    PQ_PERSON_ADD,
    PQ_PERSON_NAME,
    PQ_SUBJECT_MATCH,
    PQ_THREAD_ADD,
    PQ_THREAD_FILL,
    PQ_EVENT_ADD,
    PQ_PAIR_ADD,
    PQ_DIGEST_FIRST,
    PQ_DIGEST_SENT,
    PQ_DIGEST_SENT_ADD,
    PQ_DIGEST_ITEM_ADD,
    PQ_DIGEST_CLAIM,
    PQ_DIGEST_RELEASE,
    PQ_COUNTS,
    PQ_COUNT
};

struct pg_store {
    struct dt_store base; /* first: the handle callers see */
    PGconn *conn;
    char *label;         /* "postgresql://user@host:port/db", never a password: for errors */
    int version;         /* schema version of the database */
    int stmt_ms;         /* per-call deadline (0 = none) */
    bool in_batch;       /* inside dt_store_begin: records use savepoints */
    bool broken;         /* lost or timed out: close it */
    char sqlstate[6];    /* of the last failure ("" if none) */
    int64_t deadline_ms; /* of the call in progress (monotonic ms), 0 = none */
    char notice[200];    /* the server's last FATAL outside a result (why it hung up), or "" */
    bool prepared[PQ_COUNT];
};

/* Monotonic milliseconds. */
int64_t pg_now_ms(void);
/* Start the deadline of one call (stmt_ms from now; none when 0). */
void pg_call_start(struct pg_store *st);

/* "<label>: <reason>" from the connection or result; returns -1. Marks broken when lost. */
int pg_fail(struct pg_store *st, const PGresult *res, struct dt_error *err);

/*
 * Run prepared statement id with n text parameters (NULL = SQL NULL),
 * waiting no longer than the call's deadline. Returns the result (caller
 * PQclear()s it) when its status is COMMAND_OK or TUPLES_OK; NULL with err
 * set otherwise.
 */
PGresult *pg_run(struct pg_store *st, enum pq_id id, int n, const char *const *vals,
                 struct dt_error *err);
/* The same for a one-off statement (parameterised; no name). */
PGresult *pg_run_sql(struct pg_store *st, const char *sql, int n, const char *const *vals,
                     struct dt_error *err);
/* Run a statement without a result to keep: 0 or -1. */
int pg_exec(struct pg_store *st, enum pq_id id, int n, const char *const *vals,
            struct dt_error *err);
/* Simple-protocol text without parameters (schema steps, SET): 0 or -1. */
int pg_exec_text(struct pg_store *st, const char *sql, struct dt_error *err);
/*
 * Stream a parameterised query row by row (single-row mode): fn(res, row
 * 0, arg) per row; fn returns non-zero to stop (the rest is drained).
 * Returns 0, fn's value, or -1.
 */
int pg_stream(struct pg_store *st, const char *sql, int n, const char *const *vals,
              int (*fn)(const PGresult *res, void *arg), void *arg, struct dt_error *err);

/*
 * Connect within timeout_ms (0 = none): a ready connection, or NULL with err set.
 * libpq would print what the server sends outside a result (a notice, or
 * the FATAL before it hangs up) on stderr: the connection drops it.
 */
PGconn *pg_connect(const char *db, int timeout_ms, const char *label, struct dt_error *err);
/* From now on keep such a FATAL in st->notice, for the call that finds the connection lost. */
void pg_keep_notices(struct pg_store *st);
/* "postgresql://user@host:port/db" for messages (malloc'd; never a password). */
char *pg_label(const char *db);

/* Transactions: BEGIN, or a savepoint inside a batch; close keeps or undoes it. */
int pg_tx_open(struct pg_store *st, struct dt_error *err);
int pg_tx_close(struct pg_store *st, bool ok, struct dt_error *err);
/* The people row of addr, made if new; 0 for no address. */
int pg_intern(struct pg_store *st, const char *addr, int64_t *id, struct dt_error *err);

/* Integer formatting for parameters. */
struct pg_num {
    char s[24];
};
const char *pg_num(struct pg_num *n, int64_t v);
int64_t pg_int(const PGresult *res, int row, int col);
const char *pg_text(const PGresult *res, int row, int col); /* NULL for SQL NULL */

/* store_pg.c: connected (server statement_timeout set), schema not checked. */
int pg_open_conn(const char *db, int connect_ms, int stmt_ms, struct pg_store **out,
                 struct dt_error *err);

/* store_pg_schema.c: the database's version, checked against this build. */
int pg_schema_check(struct pg_store *st, struct dt_error *err);
int dt_store_pg_schema_version(void);

/* store_pg_query.c */
int pg_scan(struct dt_store *base, const struct dt_store_filter *f,
            int (*fn)(const struct dt_row *row, void *arg), void *arg, struct dt_error *err);
int pg_count(struct dt_store *base, struct dt_store_counts *out, struct dt_error *err);
int pg_purge(struct dt_store *base, time_t before, size_t *deleted, struct dt_error *err);
int pg_dump(struct dt_store *base, int (*fn)(const struct dt_raw *r, void *arg), void *arg,
            struct dt_error *err);
int pg_digest_first(struct dt_store *base, const char *rep, dt_hash thread, time_t *first,
                    struct dt_error *err);
int pg_digest_sent(struct dt_store *base, const char *rep, time_t day, bool *sent,
                   struct dt_error *err);
int pg_digest_record(struct dt_store *base, const char *rep, time_t day, const dt_hash *threads,
                     size_t n, time_t sent_at, struct dt_error *err);
int pg_digest_claim(struct dt_store *base, const char *rep, time_t day, time_t now, long stale_s,
                    bool *claimed, struct dt_error *err);
int pg_digest_release(struct dt_store *base, const char *rep, time_t day, struct dt_error *err);
int pg_load_digest(struct dt_store *base, const struct dt_raw *r, bool *added,
                   struct dt_error *err);

#endif
