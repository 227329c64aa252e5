/*
 * store_pg.c - the PostgreSQL store (see store.h, store_int.h,
 * store_pg_int.h): opening, transactions, recording.
 *
 * The same tables and the same answers as the SQLite store, for several
 * mail servers at once. Recording is safe when two milters record the same
 * message, or two messages of one new thread, at the same moment: every
 * row that may be made concurrently is made with INSERT ... ON CONFLICT DO
 * NOTHING and read back (READ COMMITTED sees the other's committed row),
 * and a message whose Message-ID is already there rolls its transaction
 * back and reports a duplicate. A deadlock or serialization failure is
 * retried (three times). Every statement is prepared once per connection
 * and parameterised.
 *
 * The milter opens with timeouts (store.connect_timeout_ms,
 * store.statement_timeout_ms): the server is asked to cancel a statement
 * after statement_timeout_ms, and the client gives up on the call at the
 * same deadline, marking the handle broken (store_pg_conn.c).
 *
 * Failure behaviour: -1 with "<postgresql://user@host:port/db>: <reason>";
 * a failed write is rolled back whole.
 */
#include "store_pg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const pg_sql[PQ_COUNT] = {
    [PQ_BEGIN] = "BEGIN",
    [PQ_COMMIT] = "COMMIT",
    [PQ_ROLLBACK] = "ROLLBACK",
    [PQ_SAVEPOINT] = "SAVEPOINT dt_record",
    [PQ_RELEASE] = "RELEASE dt_record",
    [PQ_ROLLBACK_TO] = "ROLLBACK TO dt_record",
    [PQ_EVENT_THREAD] = "SELECT t.id, t.key FROM events e JOIN threads t ON t.id = e.thread"
                        " WHERE e.msgid = $1::bigint",
    [PQ_THREAD_BY_KEY] = "SELECT id, key FROM threads WHERE key = $1::bigint",
    [PQ_PERSON_GET] = "SELECT id FROM people WHERE addr = $1::text",
    [PQ_PERSON_ADD] = "INSERT INTO people(addr) VALUES ($1::text) ON CONFLICT (addr) DO NOTHING"
                      " RETURNING id",
    [PQ_PERSON_NAME] = "UPDATE people SET name = $2::text WHERE id = $1::bigint"
                       " AND name IS DISTINCT FROM $2::text",
    /* As in SQLite: the most recent thread of this pair with the same
     * normalised subject whose last message lies within the window. */
    [PQ_SUBJECT_MATCH] = "SELECT t.id, t.key FROM thread_people p JOIN threads t ON t.id = p.thread"
                         " WHERE p.rep = $1::bigint AND p.counterpart = $2::bigint"
                         " AND t.subject_key = $3::bigint"
                         " AND abs((SELECT max(e.at) FROM events e WHERE e.thread = t.id)"
                         " - $4::bigint) <= $5::bigint ORDER BY t.id DESC LIMIT 1",
    [PQ_THREAD_ADD] = "INSERT INTO threads(key, subject_key, subject)"
                      " VALUES ($1::bigint, $2::bigint, $3::text)"
                      " ON CONFLICT (key) DO NOTHING RETURNING id",
    [PQ_THREAD_FILL] = "UPDATE threads SET subject = coalesce(subject, $2::text),"
                       " subject_key = coalesce(subject_key, $3::bigint) WHERE id = $1::bigint"
                       " AND ((subject IS NULL AND $2::text IS NOT NULL)"
                       " OR (subject_key IS NULL AND $3::bigint IS NOT NULL))",
    /* Every unique index is an arbiter: two milters inserting the same
     * message at once collide on the primary key (thread, at, msgid) as
     * well as on msgid, and either means "stored already". */
    [PQ_EVENT_ADD] = "INSERT INTO events(msgid, thread, at, outbound, rep, counterpart, score,"
                     " phrases, hesitation, engagement, kinds, people) VALUES ($1::bigint,"
                     " $2::bigint, $3::bigint, $4::boolean, $5::bigint, $6::bigint, $7::integer,"
                     " $8::text, $9::integer, $10::integer, $11::integer, $12::text)"
                     " ON CONFLICT DO NOTHING RETURNING 1",
    [PQ_PAIR_ADD] = "INSERT INTO thread_people(rep, counterpart, thread)"
                    " VALUES ($1::bigint, $2::bigint, $3::bigint) ON CONFLICT DO NOTHING",
    [PQ_DIGEST_FIRST] = "SELECT d.first_at FROM digest_item d JOIN people p ON p.id = d.rep"
                        " JOIN threads t ON t.id = d.thread"
                        " WHERE p.addr = $1::text AND t.key = $2::bigint",
    [PQ_DIGEST_SENT] = "SELECT 1 FROM digest_sent d JOIN people p ON p.id = d.rep"
                       " WHERE p.addr = $1::text AND d.day = $2::bigint AND d.sent_at > 0",
    /* As in SQLite: the latest sent_at, the earliest first_at; a row that
     * would not change is not touched (so a load of it reports "not added"). */
    [PQ_DIGEST_SENT_ADD] = "INSERT INTO digest_sent(rep, day, sent_at)"
                           " VALUES ($1::bigint, $2::bigint, $3::bigint)"
                           " ON CONFLICT (rep, day) DO UPDATE SET sent_at = excluded.sent_at"
                           " WHERE excluded.sent_at > digest_sent.sent_at",
    [PQ_DIGEST_ITEM_ADD] = "INSERT INTO digest_item(rep, thread, first_at)"
                           " SELECT $1::bigint, id, $3::bigint FROM threads WHERE key = $2::bigint"
                           " ON CONFLICT (rep, thread) DO UPDATE SET first_at = excluded.first_at"
                           " WHERE excluded.first_at < digest_item.first_at",
    /* One caller gets the row back: the one that inserted it, or that took
     * over a claim older than $4 (a run that died). A concurrent insert
     * waits for the other transaction and then sees its claim. */
    [PQ_DIGEST_CLAIM] = "INSERT INTO digest_sent(rep, day, sent_at, claimed_at)"
                        " VALUES ($1::bigint, $2::bigint, 0, $3::bigint)"
                        " ON CONFLICT (rep, day) DO UPDATE SET claimed_at = excluded.claimed_at"
                        " WHERE digest_sent.sent_at = 0 AND digest_sent.claimed_at < $4::bigint"
                        " RETURNING 1",
    [PQ_DIGEST_RELEASE] = "DELETE FROM digest_sent"
                          " WHERE rep = (SELECT id FROM people WHERE addr = $1::text)"
                          " AND day = $2::bigint AND sent_at = 0",
    [PQ_COUNTS] = "SELECT (SELECT count(*) FROM events WHERE outbound),"
                  " (SELECT count(*) FROM events WHERE NOT outbound),"
                  " (SELECT count(*) FROM threads)",
};

/* ---- batches ---- */

static int pgs_begin(struct dt_store *base, struct dt_error *err)
{
    struct pg_store *st = (struct pg_store *)base;
    if (st->in_batch)
        return dt_error_set(err, "%s: a batch is already open (nesting is not supported)",
                            st->label);
    pg_call_start(st);
    if (pg_exec(st, PQ_BEGIN, 0, NULL, err) < 0)
        return -1;
    st->in_batch = true;
    return 0;
}

static int pgs_commit(struct dt_store *base, struct dt_error *err)
{
    struct pg_store *st = (struct pg_store *)base;
    if (!st->in_batch)
        return dt_error_set(err, "%s: commit without a batch", st->label);
    st->in_batch = false;
    pg_call_start(st);
    return pg_tx_close(st, true, err);
}

static int pgs_rollback(struct dt_store *base, struct dt_error *err)
{
    struct pg_store *st = (struct pg_store *)base;
    if (!st->in_batch)
        return dt_error_set(err, "%s: rollback without a batch", st->label);
    st->in_batch = false;
    pg_call_start(st);
    if (st->broken || PQtransactionStatus(st->conn) == PQTRANS_IDLE)
        return 0;
    return pg_exec(st, PQ_ROLLBACK, 0, NULL, err);
}

/* ---- recording ---- */

/* One row of two integers (b may be NULL): 1 found, 0 none, -1 error. */
static int query_row(struct pg_store *st, enum pq_id id, int n, const char *const *vals,
                     int64_t *a, int64_t *b, struct dt_error *err)
{
    PGresult *r = pg_run(st, id, n, vals, err);
    if (r == NULL)
        return -1;
    int found = PQntuples(r) > 0;
    if (found) {
        *a = pg_int(r, 0, 0);
        if (b != NULL)
            *b = pg_int(r, 0, 1);
    }
    PQclear(r);
    return found;
}

int pg_intern(struct pg_store *st, const char *addr, int64_t *id, struct dt_error *err)
{
    *id = 0;
    if (addr == NULL || *addr == '\0')
        return 0;
    const char *v[1] = {addr};
    int found = query_row(st, PQ_PERSON_GET, 1, v, id, NULL, err);
    if (found == 0)
        found = query_row(st, PQ_PERSON_ADD, 1, v, id, NULL, err);
    /* Made by another session meanwhile: committed now, so visible. */
    if (found == 0)
        found = query_row(st, PQ_PERSON_GET, 1, v, id, NULL, err);
    if (found == 0)
        return dt_error_set(err, "%s: address %s vanished while it was being added", st->label,
                            addr);
    return found < 0 ? -1 : 0;
}

static int find_by_ancestors(struct pg_store *st, enum pq_id id, const struct dt_record *rec,
                             int64_t *tid, int64_t *key, struct dt_error *err)
{
    for (size_t i = 0; i < rec->n_ancestors; i++) {
        if (rec->ancestors[i] <= 0)
            continue;
        struct pg_num a;
        const char *v[1] = {pg_num(&a, rec->ancestors[i])};
        int found = query_row(st, id, 1, v, tid, key, err);
        if (found != 0)
            return found;
    }
    return 0;
}

static int find_by_subject(struct pg_store *st, const struct dt_record *rec, int64_t rep,
                           int64_t cp, int64_t *tid, int64_t *key, struct dt_error *err)
{
    if (rec->subject_key <= 0 || rep == 0 || cp == 0 || rec->window_s < 0)
        return 0;
    struct pg_num a, b, c, d, e;
    const char *v[5] = {pg_num(&a, rep), pg_num(&b, cp), pg_num(&c, rec->subject_key),
                        pg_num(&d, (int64_t)rec->at), pg_num(&e, (int64_t)rec->window_s)};
    return query_row(st, PQ_SUBJECT_MATCH, 5, v, tid, key, err);
}

static int resolve_thread(struct pg_store *st, const struct dt_record *rec, int64_t rep,
                          int64_t cp, int64_t *tid, int64_t *key, bool *made,
                          struct dt_error *err)
{
    struct pg_num a, b;
    int found;
    *made = false;
    if ((found = find_by_ancestors(st, PQ_EVENT_THREAD, rec, tid, key, err)) != 0 ||
        (found = find_by_ancestors(st, PQ_THREAD_BY_KEY, rec, tid, key, err)) != 0 ||
        (found = find_by_subject(st, rec, rep, cp, tid, key, err)) != 0) {
        if (found < 0)
            return -1;
    } else {
        dt_hash want = rec->new_key > 0 ? rec->new_key : rec->msgid;
        const char *k[1] = {pg_num(&a, want)};
        if ((found = query_row(st, PQ_THREAD_BY_KEY, 1, k, tid, key, err)) < 0)
            return -1;
        if (found == 0) {
            const char *v[3] = {k[0], rec->subject_key > 0 ? pg_num(&b, rec->subject_key) : NULL,
                                rec->subject && *rec->subject ? rec->subject : NULL};
            if ((found = query_row(st, PQ_THREAD_ADD, 3, v, tid, NULL, err)) < 0)
                return -1;
            if (found == 1) {
                *key = want;
                *made = true;
                return 0;
            }
            /* Another session made it meanwhile: join it. */
            if ((found = query_row(st, PQ_THREAD_BY_KEY, 1, k, tid, key, err)) <= 0)
                return found < 0 ? -1
                                 : dt_error_set(err, "%s: thread vanished while it was made",
                                                st->label);
        }
    }
    if (rec->subject_key <= 0 && (rec->subject == NULL || *rec->subject == '\0'))
        return 0;
    const char *v[3] = {pg_num(&a, *tid), rec->subject && *rec->subject ? rec->subject : NULL,
                        rec->subject_key > 0 ? pg_num(&b, rec->subject_key) : NULL};
    return pg_exec(st, PQ_THREAD_FILL, 3, v, err);
}

/* 0 recorded, 1 duplicate (the transaction must be undone), -1 error. */
static int record_in_tx(struct pg_store *st, const struct dt_record *rec,
                        struct dt_record_result *res, struct dt_error *err)
{
    int64_t tid, key, rep, cp, one;
    struct pg_num a, b, c, d, e, f, g, h, k;
    const char *m[1] = {pg_num(&a, rec->msgid)};
    int found = query_row(st, PQ_EVENT_THREAD, 1, m, &tid, &key, err);
    if (found != 0) {
        res->duplicate = true;
        res->thread = key;
        return found < 0 ? -1 : 1;
    }
    if (pg_intern(st, rec->rep, &rep, err) < 0 || pg_intern(st, rec->counterpart, &cp, err) < 0 ||
        resolve_thread(st, rec, rep, cp, &tid, &key, &res->new_thread, err) < 0)
        return -1;
    const char *v[12] = {m[0],
                        pg_num(&b, tid),
                        pg_num(&c, (int64_t)rec->at),
                        rec->outbound ? "t" : "f",
                        pg_num(&d, rep),
                        pg_num(&e, cp),
                        pg_num(&f, dt_store_score_to_int(rec->score)),
                        rec->phrases && *rec->phrases ? rec->phrases : NULL,
                        pg_num(&g, dt_store_score_to_int(rec->hesitation)),
                        pg_num(&h, dt_store_score_to_int(rec->engagement)),
                        pg_num(&k, (int64_t)rec->kinds),
                        rec->people && *rec->people ? rec->people : NULL};
    if ((found = query_row(st, PQ_EVENT_ADD, 12, v, &one, NULL, err)) < 0)
        return -1;
    if (found == 0) {
        /* Recorded by another milter a moment ago. */
        if ((found = query_row(st, PQ_EVENT_THREAD, 1, m, &tid, &key, err)) < 0)
            return -1;
        memset(res, 0, sizeof(*res));
        res->duplicate = true;
        res->thread = key;
        return 1;
    }
    if (cp != 0 && rec->counterpart_name != NULL && *rec->counterpart_name) {
        const char *nv[2] = {v[5], rec->counterpart_name};
        if (pg_exec(st, PQ_PERSON_NAME, 2, nv, err) < 0)
            return -1;
    }
    const char *pv[3] = {v[4], v[5], v[1]};
    if (pg_exec(st, PQ_PAIR_ADD, 3, pv, err) < 0)
        return -1;
    res->thread = key;
    return 0;
}

/* Worth running the whole transaction again: deadlock, serialization failure. */
static bool retryable(const struct pg_store *st)
{
    return !st->broken &&
           (strcmp(st->sqlstate, "40P01") == 0 || strcmp(st->sqlstate, "40001") == 0);
}

static int pgs_record(struct dt_store *base, const struct dt_record *rec,
                      struct dt_record_result *res, struct dt_error *err)
{
    struct pg_store *st = (struct pg_store *)base;
    memset(res, 0, sizeof(*res));
    if (rec->msgid <= 0)
        return dt_error_set(err, "%s: record without a Message-ID hash", st->label);
    if (rec->n_ancestors > 0 && rec->ancestors == NULL)
        return dt_error_set(err, "%s: record with ancestors missing", st->label);
    pg_call_start(st);
    for (int attempt = 0;; attempt++) {
        memset(res, 0, sizeof(*res));
        if (pg_tx_open(st, err) < 0)
            return -1;
        int rc = record_in_tx(st, rec, res, err);
        if (rc == 1) {
            /* A duplicate: undo what was made on the way (nothing, usually). */
            struct dt_record_result keep = *res;
            pg_tx_close(st, false, NULL);
            if (st->broken)
                return dt_error_set(err, "%s: connection lost", st->label);
            *res = keep;
            return 0;
        }
        if (pg_tx_close(st, rc == 0, rc == 0 ? err : NULL) == 0)
            return 0;
        memset(res, 0, sizeof(*res));
        if (attempt >= 2 || !retryable(st))
            return -1;
    }
}

/* ---- open and close ---- */

static int pgs_version(const struct dt_store *base)
{
    return ((const struct pg_store *)base)->version;
}

static void pgs_set_busy_timeout(struct dt_store *base, int ms)
{
    (void)base;
    (void)ms; /* PostgreSQL waits for locks within statement_timeout */
}

static bool pgs_broken(const struct dt_store *base)
{
    return ((const struct pg_store *)base)->broken;
}

static void pgs_close(struct dt_store *base)
{
    struct pg_store *st = (struct pg_store *)base;
    PQfinish(st->conn); /* an open transaction is rolled back by the server */
    free(st->label);
    free(st);
}

static const struct dt_store_ops pg_ops = {
    .name = "postgresql",
    .close = pgs_close,
    .begin = pgs_begin,
    .commit = pgs_commit,
    .rollback = pgs_rollback,
    .record = pgs_record,
    .scan = pg_scan,
    .purge = pg_purge,
    .count = pg_count,
    .digest_first = pg_digest_first,
    .digest_sent = pg_digest_sent,
    .digest_record = pg_digest_record,
    .digest_claim = pg_digest_claim,
    .digest_release = pg_digest_release,
    .dump = pg_dump,
    .load_digest = pg_load_digest,
    .version = pgs_version,
    .set_busy_timeout = pgs_set_busy_timeout,
    .broken = pgs_broken,
};

/* Connected, with the server's statement_timeout set; no schema check. */
int pg_open_conn(const char *db, int connect_ms, int stmt_ms, struct pg_store **out,
                 struct dt_error *err)
{
    *out = NULL;
    struct pg_store *st = calloc(1, sizeof(*st));
    if (st == NULL || (st->label = pg_label(db)) == NULL) {
        free(st);
        return dt_error_set(err, "PostgreSQL: out of memory");
    }
    st->base.ops = &pg_ops;
    st->stmt_ms = stmt_ms > 0 ? stmt_ms : 0;
    if ((st->conn = pg_connect(db, connect_ms, st->label, err)) == NULL) {
        pgs_close(&st->base);
        return -1;
    }
    pg_keep_notices(st);
    if (st->stmt_ms > 0) {
        char sql[64];
        snprintf(sql, sizeof(sql), "SET statement_timeout = %d", st->stmt_ms);
        pg_call_start(st);
        if (pg_exec_text(st, sql, err) < 0) {
            pgs_close(&st->base);
            return -1;
        }
    }
    *out = st;
    return 0;
}

int dt_store_pg_open(const char *db, const struct dt_store_options *o, struct dt_store **out,
                     struct dt_error *err)
{
    struct pg_store *st;
    *out = NULL;
    if (pg_open_conn(db, o->connect_timeout_ms, o->statement_timeout_ms, &st, err) < 0)
        return -1;
    pg_call_start(st);
    if (pg_schema_check(st, err) < 0) {
        pgs_close(&st->base);
        return -1;
    }
    *out = &st->base;
    return 0;
}
