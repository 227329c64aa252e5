/*
 * store_sqlite_query.c - reading and pruning the SQLite store: the scan
 * behind `dealtemp threads` and the digest, the counts behind `stats`, and
 * purge.
 *
 * The scan is one statement built from the filter (prepared once per
 * handle for each shape of filter: the milter scans for every customer
 * reply) and stepped row by row, so memory stays flat however large the
 * store; it runs in its own read snapshot (WAL), so writers are never
 * blocked, and is reset when it ends, so no snapshot outlives it. Rows come ordered by the
 * thread's row id, then time (the events_by_thread index, no sort).
 * Purge deletes old events and the records of digests for days before the
 * cutoff, then what they alone kept alive: who-met-whom rows, empty
 * threads, the digest items of those threads, and addresses nothing
 * refers to any more.
 *
 * Failure behaviour: -1 with "<file>: <reason>".
 */
#include "store_sqlite_int.h"

#include <stdbool.h>
#include <string.h>

/* The columns scan_row reads, all of them or the lean ones (NULL and 0 for the rest). */
#define SQ_SCAN_SELECT                                                                             \
    "SELECT t.key, e.at, e.outbound, r.addr, c.addr, t.subject, e.score, c.name,"                  \
    " e.phrases, e.hesitation, e.engagement, e.kinds, e.people"                                    \
    " FROM events e JOIN threads t ON t.id = e.thread"                                             \
    " LEFT JOIN people r ON r.id = e.rep"                                                          \
    " LEFT JOIN people c ON c.id = e.counterpart WHERE 1"
#define SQ_SCAN_SELECT_LEAN                                                                        \
    "SELECT t.key, e.at, e.outbound, NULL, c.addr, NULL, e.score, NULL, NULL, 0, 0, 0, NULL"       \
    " FROM events e JOIN threads t ON t.id = e.thread"                                             \
    " LEFT JOIN people c ON c.id = e.counterpart WHERE 1"

static const char *text_or_null(sqlite3_stmt *s, int col)
{
    return (const char *)sqlite3_column_text(s, col);
}

/*
 * Step prepared statement s to its end, handing each row to row(s, arg);
 * a non-zero answer stops it and is returned. -1 on error. Then s is
 * finalized, or, when cached, reset with its bindings cleared (so no read
 * snapshot stays open and no pointer of the caller's stays bound).
 */
static int step_rows(struct sq_store *st, sqlite3_stmt *s, bool cached,
                     int (*row)(sqlite3_stmt *s, void *arg), void *arg, struct dt_error *err)
{
    /* Only the first step may be retried: a retry restarts the statement,
     * which after the first row would hand rows out twice. */
    int rc = sq_step_retry(st, s), stop = 0;
    for (; rc == SQLITE_ROW; rc = sqlite3_step(s))
        if ((stop = row(s, arg)) != 0)
            break;
    if (stop == 0 && rc != SQLITE_DONE) {
        sq_fail(st, err);
        stop = -1;
    }
    if (cached) {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
    } else {
        sqlite3_finalize(s);
    }
    return stop;
}

struct scan_ctx {
    int (*fn)(const struct dt_row *row, void *arg);
    void *arg;
};

static int scan_row(sqlite3_stmt *s, void *arg)
{
    struct scan_ctx *c = arg;
    struct dt_row row;
    row.thread = sqlite3_column_int64(s, 0);
    row.at = (time_t)sqlite3_column_int64(s, 1);
    row.outbound = sqlite3_column_int(s, 2) != 0;
    row.rep = text_or_null(s, 3);
    row.counterpart = text_or_null(s, 4);
    row.subject = text_or_null(s, 5);
    row.score = dt_store_score_of_int(sqlite3_column_int64(s, 6));
    row.counterpart_name = text_or_null(s, 7);
    row.phrases = text_or_null(s, 8);
    row.hesitation = dt_store_score_of_int(sqlite3_column_int64(s, 9));
    row.engagement = dt_store_score_of_int(sqlite3_column_int64(s, 10));
    row.kinds = (unsigned)sqlite3_column_int64(s, 11);
    row.people = text_or_null(s, 12);
    return c->fn(&row, c->arg);
}

int sq_scan(struct dt_store *base, const struct dt_store_filter *f,
            int (*fn)(const struct dt_row *row, void *arg), void *arg, struct dt_error *err)
{
    struct sq_store *st = (struct sq_store *)base;
    unsigned shape = (f->rep != NULL ? SQ_SCAN_REP : 0) |
                     (f->counterpart != NULL ? SQ_SCAN_CP : 0) |
                     (f->thread != 0 ? SQ_SCAN_THREAD : 0) | (f->until != 0 ? SQ_SCAN_UNTIL : 0) |
                     (f->counterpart != NULL && f->last_threads > 0 ? SQ_SCAN_LAST : 0) |
                     (f->lean ? SQ_SCAN_LEAN : 0);
    /* A scan started from inside another one's callback on the same shape
     * gets a statement of its own: the cached one is still being stepped. */
    sqlite3_stmt *s = st->scan[shape];
    bool cached = s != NULL && !sqlite3_stmt_busy(s);
    if (!cached) {
        char sql[1400];
        strcpy(sql, (shape & SQ_SCAN_LEAN) ? SQ_SCAN_SELECT_LEAN : SQ_SCAN_SELECT);
        if (shape & SQ_SCAN_REP)
            strcat(sql, " AND e.thread IN (SELECT p.thread FROM thread_people p"
                        " WHERE p.rep = (SELECT id FROM people WHERE addr = :rep))");
        /* Thread ids grow as threads are first stored: the latest are the highest. */
        if (shape & SQ_SCAN_CP)
            strcat(sql, " AND e.thread IN (SELECT q.thread FROM thread_people q"
                        " WHERE q.counterpart = (SELECT id FROM people WHERE addr = :cp)");
        if (shape & SQ_SCAN_LAST)
            strcat(sql, " GROUP BY q.thread ORDER BY q.thread DESC LIMIT :last");
        if (shape & SQ_SCAN_CP)
            strcat(sql, ") AND e.counterpart = (SELECT id FROM people WHERE addr = :cp)");
        if (shape & SQ_SCAN_THREAD)
            strcat(sql, " AND e.thread = (SELECT id FROM threads WHERE key = :thread)");
        if (shape & SQ_SCAN_UNTIL)
            strcat(sql, " AND e.at <= :until");
        strcat(sql, " ORDER BY e.thread, e.at, e.msgid");
        bool keep = st->scan[shape] == NULL;
        if (sqlite3_prepare_v3(st->db, sql, -1, keep ? SQLITE_PREPARE_PERSISTENT : 0, &s, NULL) !=
            SQLITE_OK)
            return sq_fail(st, err);
        if (keep) {
            st->scan[shape] = s;
            cached = true;
        }
    }
    if (f->rep != NULL)
        sqlite3_bind_text(s, sqlite3_bind_parameter_index(s, ":rep"), f->rep, -1, SQLITE_STATIC);
    if (f->counterpart != NULL)
        sqlite3_bind_text(s, sqlite3_bind_parameter_index(s, ":cp"), f->counterpart, -1,
                          SQLITE_STATIC);
    if (f->thread != 0)
        sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":thread"), f->thread);
    if (f->until != 0)
        sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":until"), (int64_t)f->until);
    if (shape & SQ_SCAN_LAST)
        sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":last"),
                           f->last_threads < INT64_MAX ? (int64_t)f->last_threads : INT64_MAX);

    struct scan_ctx c = {fn, arg};
    return step_rows(st, s, cached, scan_row, &c, err);
}

int sq_count(struct dt_store *base, struct dt_store_counts *out, struct dt_error *err)
{
    struct sq_store *st = (struct sq_store *)base;
    sqlite3_stmt *s;
    memset(out, 0, sizeof(*out));
    if (sqlite3_prepare_v2(st->db,
                           "SELECT (SELECT count(*) FROM events WHERE outbound),"
                           " (SELECT count(*) FROM events WHERE NOT outbound),"
                           " (SELECT count(*) FROM threads)",
                           -1, &s, NULL) != SQLITE_OK)
        return sq_fail(st, err);
    int rc = sq_step_retry(st, s);
    if (rc == SQLITE_ROW) {
        out->outbound = (size_t)sqlite3_column_int64(s, 0);
        out->inbound = (size_t)sqlite3_column_int64(s, 1);
        out->threads = (size_t)sqlite3_column_int64(s, 2);
    } else {
        sq_fail(st, err);
    }
    sqlite3_finalize(s);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* Run one bound DELETE to its end; its row count in *changed. */
static int delete_before(struct sq_store *st, const char *sql, time_t before, size_t *changed,
                         struct dt_error *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return sq_fail(st, err);
    sqlite3_bind_int64(s, 1, (int64_t)before);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE) {
        sq_fail(st, err);
        sqlite3_finalize(s);
        return -1;
    }
    sqlite3_finalize(s);
    *changed = (size_t)sqlite3_changes(st->db);
    return 0;
}

int sq_purge_in_tx(struct sq_store *st, time_t before, size_t *deleted, struct dt_error *err)
{
    /* An address stays while anything refers to it: a digest's rep may
     * have no message left, and must keep its id (ids are reused). */
    static const char *const cleanup =
        "DELETE FROM thread_people WHERE NOT EXISTS (SELECT 1 FROM events e"
        " WHERE e.thread = thread_people.thread AND e.rep = thread_people.rep"
        " AND e.counterpart = thread_people.counterpart);"
        "DELETE FROM threads WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.thread = threads.id);"
        "DELETE FROM digest_item WHERE thread NOT IN (SELECT id FROM threads);"
        "DELETE FROM people WHERE id NOT IN (SELECT rep FROM thread_people)"
        " AND id NOT IN (SELECT counterpart FROM thread_people)"
        " AND id NOT IN (SELECT rep FROM digest_sent)"
        " AND id NOT IN (SELECT rep FROM digest_item);";
    size_t days = 0;
    if (delete_before(st, "DELETE FROM events WHERE at < ?1", before, deleted, err) < 0 ||
        delete_before(st, "DELETE FROM digest_sent WHERE day < ?1", before, &days, err) < 0)
        return -1;
    if ((*deleted > 0 || days > 0) && sqlite3_exec(st->db, cleanup, NULL, NULL, NULL) != SQLITE_OK)
        return sq_fail(st, err);
    return 0;
}

struct dump_ctx {
    enum dt_raw_kind kind;
    int (*fn)(const struct dt_raw *r, void *arg);
    void *arg;
};

static int dump_row(sqlite3_stmt *s, void *arg)
{
    struct dump_ctx *c = arg;
    struct dt_raw r;
    memset(&r, 0, sizeof(r));
    r.kind = c->kind;
    if (c->kind == DT_RAW_EVENT) {
        r.thread = sqlite3_column_int64(s, 0);
        r.subject_key = sqlite3_column_int64(s, 1);
        r.subject = text_or_null(s, 2);
        r.msgid = sqlite3_column_int64(s, 3);
        r.at = (time_t)sqlite3_column_int64(s, 4);
        r.outbound = sqlite3_column_int(s, 5) != 0;
        r.rep = text_or_null(s, 6);
        r.counterpart = text_or_null(s, 7);
        r.counterpart_name = text_or_null(s, 8);
        r.score_milli = (long)sqlite3_column_int64(s, 9);
        r.phrases = text_or_null(s, 10);
        r.hesitation_milli = (long)sqlite3_column_int64(s, 11);
        r.engagement_milli = (long)sqlite3_column_int64(s, 12);
        r.kinds = (unsigned)sqlite3_column_int64(s, 13);
        r.people = text_or_null(s, 14);
    } else {
        r.rep = text_or_null(s, 0);
        if (c->kind == DT_RAW_DIGEST_SENT)
            r.day = (time_t)sqlite3_column_int64(s, 1);
        else
            r.thread = sqlite3_column_int64(s, 1);
        r.at = (time_t)sqlite3_column_int64(s, 2);
    }
    return c->fn(&r, c->arg);
}

static int dump_rows(struct sq_store *st, const char *sql, enum dt_raw_kind kind,
                     int (*fn)(const struct dt_raw *r, void *arg), void *arg, struct dt_error *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return sq_fail(st, err);
    struct dump_ctx c = {kind, fn, arg};
    return step_rows(st, s, false, dump_row, &c, err);
}

int sq_dump(struct dt_store *base, int (*fn)(const struct dt_raw *r, void *arg), void *arg,
            struct dt_error *err)
{
    struct sq_store *st = (struct sq_store *)base;
    /* One read snapshot for all three, so the copy is consistent. */
    if (sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return sq_fail(st, err);
    int rc = dump_rows(st,
                       "SELECT t.key, t.subject_key, t.subject, e.msgid, e.at, e.outbound,"
                       " r.addr, c.addr, c.name, e.score, e.phrases, e.hesitation, e.engagement,"
                       " e.kinds, e.people FROM events e"
                       " JOIN threads t ON t.id = e.thread LEFT JOIN people r ON r.id = e.rep"
                       " LEFT JOIN people c ON c.id = e.counterpart"
                       " ORDER BY e.thread, e.at, e.msgid",
                       DT_RAW_EVENT, fn, arg, err);
    if (rc == 0)
        rc = dump_rows(st,
                       "SELECT p.addr, d.day, d.sent_at FROM digest_sent d"
                       " JOIN people p ON p.id = d.rep WHERE d.sent_at > 0 ORDER BY p.addr, d.day",
                       DT_RAW_DIGEST_SENT, fn, arg, err);
    if (rc == 0)
        rc = dump_rows(st,
                       "SELECT p.addr, t.key, d.first_at FROM digest_item d"
                       " JOIN people p ON p.id = d.rep JOIN threads t ON t.id = d.thread"
                       " ORDER BY p.addr, t.key",
                       DT_RAW_DIGEST_ITEM, fn, arg, err);
    sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
    return rc;
}
