/*
 * store_pg_query.c - reading and pruning the PostgreSQL store: the scan
 * behind `dealtemp threads` and the digest, counts, purge, the dump behind
 * `dealtemp migrate --from --to`, and what digests told each rep.
 *
 * The scan and the dump stream rows (libpq's single-row mode), so memory
 * stays flat however large the store; rows come in the same order as from
 * SQLite (thread row id, time, Message-ID hash). Purge and digest writes
 * are one transaction each, as in SQLite.
 *
 * A scan of every thread (`dealtemp threads`, stats: no filter but a
 * time) does not join on the server: it reads the addresses and the
 * threads first, then streams the bare events and looks each one's up
 * here, all in one read-only snapshot. Joined on the server, every row
 * carried its addresses and its thread's subject again, and the joins
 * cost the server as much as the scan: for 1,000,000 messages 145 MB of
 * rows instead of 36 MB, and `dealtemp threads --json` twice as slow as
 * over SQLite (make bench). Memory grows with the addresses and threads,
 * never with the messages. Filtered scans (the milter's, for one thread
 * or one customer) stay one joined query.
 *
 * Failure behaviour: -1 with "<label>: <reason>".
 */
#include "store_pg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct scan_ctx {
    int (*fn)(const struct dt_row *row, void *arg);
    void *arg;
};

static int scan_row(const PGresult *r, void *arg)
{
    struct scan_ctx *c = arg;
    struct dt_row row;
    row.thread = pg_int(r, 0, 0);
    row.at = (time_t)pg_int(r, 0, 1);
    row.outbound = strcmp(PQgetvalue(r, 0, 2), "t") == 0;
    row.rep = pg_text(r, 0, 3);
    row.counterpart = pg_text(r, 0, 4);
    row.subject = pg_text(r, 0, 5);
    row.score = dt_store_score_of_int(pg_int(r, 0, 6));
    row.counterpart_name = pg_text(r, 0, 7);
    row.phrases = pg_text(r, 0, 8);
    row.hesitation = dt_store_score_of_int(pg_int(r, 0, 9));
    row.engagement = dt_store_score_of_int(pg_int(r, 0, 10));
    row.kinds = (unsigned)pg_int(r, 0, 11);
    row.people = pg_text(r, 0, 12);
    return c->fn(&row, c->arg);
}

/* Rows of a table by id (the first column, ascending), looked up by id. */
struct id_map {
    PGresult *res;
    int64_t *ids;
    int n;
};

static int map_load(struct pg_store *st, const char *sql, struct id_map *m, struct dt_error *err)
{
    if ((m->res = pg_run_sql(st, sql, 0, NULL, err)) == NULL)
        return -1;
    m->n = PQntuples(m->res);
    if ((m->ids = malloc(sizeof(*m->ids) * (size_t)(m->n > 0 ? m->n : 1))) == NULL)
        return dt_error_set(err, "%s: out of memory", st->label);
    for (int i = 0; i < m->n; i++)
        m->ids[i] = pg_int(m->res, i, 0);
    return 0;
}

static void map_free(struct id_map *m)
{
    PQclear(m->res);
    free(m->ids);
}

/* The row of id, or -1; *hint: where the last search ended (events come in thread order). */
static int map_find(const struct id_map *m, int64_t id, int *hint)
{
    int lo = 0, hi = m->n;
    if (m->n == 0)
        return -1;
    if (*hint >= 0 && *hint < m->n && m->ids[*hint] <= id) {
        lo = *hint; /* the same or a later one: usually right here */
        if (m->ids[lo] == id)
            return lo;
        if (lo + 1 < m->n && m->ids[lo + 1] == id)
            return *hint = lo + 1;
    }
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (m->ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    *hint = lo < m->n ? lo : m->n - 1;
    return lo < m->n && m->ids[lo] == id ? lo : -1;
}

struct full_ctx {
    int (*fn)(const struct dt_row *row, void *arg);
    void *arg;
    struct id_map people, threads;
    int thread_hint;
    int64_t last_thread; /* the thread row of the last event, and its row in threads */
    int last_row;
    dt_hash last_key;
};

/* One bare event: thread id, at, outbound, rep id, counterpart id, score, phrases. */
static int full_row(const PGresult *r, void *arg)
{
    struct full_ctx *c = arg;
    int64_t tid = pg_int(r, 0, 0);
    if (c->last_row < 0 || tid != c->last_thread) {
        c->last_thread = tid;
        if ((c->last_row = map_find(&c->threads, tid, &c->thread_hint)) >= 0)
            c->last_key = pg_int(c->threads.res, c->last_row, 1);
    }
    if (c->last_row < 0)
        return 0; /* no such thread: the join would have dropped it too */
    int hint = 0;
    int rep = map_find(&c->people, pg_int(r, 0, 3), &hint);
    int cp = map_find(&c->people, pg_int(r, 0, 4), &hint);
    struct dt_row row;
    row.thread = c->last_key;
    row.at = (time_t)pg_int(r, 0, 1);
    row.outbound = strcmp(PQgetvalue(r, 0, 2), "t") == 0;
    row.rep = rep >= 0 ? pg_text(c->people.res, rep, 1) : NULL;
    row.counterpart = cp >= 0 ? pg_text(c->people.res, cp, 1) : NULL;
    row.counterpart_name = cp >= 0 ? pg_text(c->people.res, cp, 2) : NULL;
    row.subject = pg_text(c->threads.res, c->last_row, 2);
    row.score = dt_store_score_of_int(pg_int(r, 0, 5));
    row.phrases = pg_text(r, 0, 6);
    row.hesitation = dt_store_score_of_int(pg_int(r, 0, 7));
    row.engagement = dt_store_score_of_int(pg_int(r, 0, 8));
    row.kinds = (unsigned)pg_int(r, 0, 9);
    row.people = pg_text(r, 0, 10);
    return c->fn(&row, c->arg);
}

/* Every thread's messages (at or before until, unless 0): see the top of this file. */
static int scan_all(struct pg_store *st, time_t until,
                    int (*fn)(const struct dt_row *row, void *arg), void *arg,
                    struct dt_error *err)
{
    struct full_ctx c = {.fn = fn, .arg = arg, .last_row = -1};
    struct pg_num a;
    const char *v[1] = {pg_num(&a, (int64_t)until)};
    if (pg_exec_text(st, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err) < 0)
        return -1;
    int rc = map_load(st, "SELECT id, addr, name FROM people ORDER BY id", &c.people, err);
    if (rc == 0)
        rc = map_load(st, "SELECT id, key, subject FROM threads ORDER BY id", &c.threads, err);
    if (rc == 0)
        rc = pg_stream(st,
                       until != 0 ? "SELECT thread, at, outbound, rep, counterpart, score, phrases,"
                                    " hesitation, engagement, kinds, people"
                                    " FROM events WHERE at <= $1::bigint"
                                    " ORDER BY thread, at, msgid"
                                  : "SELECT thread, at, outbound, rep, counterpart, score, phrases,"
                                    " hesitation, engagement, kinds, people"
                                    " FROM events ORDER BY thread, at, msgid",
                       until != 0 ? 1 : 0, until != 0 ? v : NULL, full_row, &c, err);
    map_free(&c.people);
    map_free(&c.threads);
    if (!st->broken)
        pg_exec_text(st, "COMMIT", rc < 0 ? NULL : err);
    return rc;
}

int pg_scan(struct dt_store *base, const struct dt_store_filter *f,
            int (*fn)(const struct dt_row *row, void *arg), void *arg, struct dt_error *err)
{
    struct pg_store *st = (struct pg_store *)base;
    /* Not inside a transaction of the caller's: the snapshot needs one of its own. */
    if (f->rep == NULL && f->counterpart == NULL && f->thread == 0 && !st->in_batch &&
        PQtransactionStatus(st->conn) == PQTRANS_IDLE) {
        pg_call_start(st);
        return scan_all(st, f->until, fn, arg, err);
    }
    char sql[1300];
    strcpy(sql, f->lean ? "SELECT t.key, e.at, e.outbound, NULL, c.addr, NULL, e.score, NULL,"
                          " NULL, 0, 0, 0, NULL FROM events e JOIN threads t ON t.id = e.thread"
                          " LEFT JOIN people c ON c.id = e.counterpart WHERE true"
                        : "SELECT t.key, e.at, e.outbound, r.addr, c.addr, t.subject, e.score,"
                          " c.name, e.phrases, e.hesitation, e.engagement, e.kinds, e.people"
                          " FROM events e JOIN threads t ON t.id = e.thread"
                          " LEFT JOIN people r ON r.id = e.rep"
                          " LEFT JOIN people c ON c.id = e.counterpart WHERE true");
    const char *v[6];
    struct pg_num a, b, l;
    int n = 0;
    char part[240];
    if (f->rep != NULL) {
        v[n++] = f->rep;
        snprintf(part, sizeof(part),
                 " AND e.thread IN (SELECT p.thread FROM thread_people p"
                 " WHERE p.rep = (SELECT id FROM people WHERE addr = $%d::text))",
                 n);
        strcat(sql, part);
    }
    if (f->counterpart != NULL) {
        v[n++] = f->counterpart;
        snprintf(part, sizeof(part),
                 " AND e.counterpart = (SELECT id FROM people WHERE addr = $%d::text)", n);
        strcat(sql, part);
    }
    if (f->counterpart != NULL && f->last_threads > 0) {
        /* Thread ids grow as threads are first stored: the latest are the highest. */
        v[n++] = pg_num(&l, f->last_threads < INT64_MAX ? (int64_t)f->last_threads : INT64_MAX);
        snprintf(part, sizeof(part),
                 " AND e.thread IN (SELECT q.thread FROM thread_people q WHERE q.counterpart ="
                 " (SELECT id FROM people WHERE addr = $%d::text) GROUP BY q.thread"
                 " ORDER BY q.thread DESC LIMIT $%d::bigint)",
                 n - 1, n);
        strcat(sql, part);
    }
    if (f->thread != 0) {
        v[n++] = pg_num(&a, f->thread);
        snprintf(part, sizeof(part), " AND t.key = $%d::bigint", n);
        strcat(sql, part);
    }
    if (f->until != 0) {
        v[n++] = pg_num(&b, (int64_t)f->until);
        snprintf(part, sizeof(part), " AND e.at <= $%d::bigint", n);
        strcat(sql, part);
    }
    strcat(sql, " ORDER BY e.thread, e.at, e.msgid");
    struct scan_ctx c = {fn, arg};
    pg_call_start(st);
    return pg_stream(st, sql, n, v, scan_row, &c, err);
}

int pg_count(struct dt_store *base, struct dt_store_counts *out, struct dt_error *err)
{
    struct pg_store *st = (struct pg_store *)base;
    memset(out, 0, sizeof(*out));
    pg_call_start(st);
    PGresult *r = pg_run(st, PQ_COUNTS, 0, NULL, err);
    if (r == NULL)
        return -1;
    out->outbound = (size_t)pg_int(r, 0, 0);
    out->inbound = (size_t)pg_int(r, 0, 1);
    out->threads = (size_t)pg_int(r, 0, 2);
    PQclear(r);
    return 0;
}

/* Run one parameterised statement; the rows it changed in *changed. */
static int changed_by(struct pg_store *st, const char *sql, const char *before, size_t *changed,
                      struct dt_error *err)
{
    const char *v[1] = {before};
    PGresult *r = pg_run_sql(st, sql, before ? 1 : 0, before ? v : NULL, err);
    if (r == NULL)
        return -1;
    if (changed != NULL)
        *changed = (size_t)strtoull(PQcmdTuples(r), NULL, 10);
    PQclear(r);
    return 0;
}

int pg_purge(struct dt_store *base, time_t before, size_t *deleted, struct dt_error *err)
{
    struct pg_store *st = (struct pg_store *)base;
    static const char *const cleanup[] = {
        "DELETE FROM thread_people tp WHERE NOT EXISTS (SELECT 1 FROM events e"
        " WHERE e.thread = tp.thread AND e.rep = tp.rep AND e.counterpart = tp.counterpart)",
        "DELETE FROM threads t WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.thread = t.id)",
        "DELETE FROM digest_item d WHERE NOT EXISTS (SELECT 1 FROM threads t"
        " WHERE t.id = d.thread)",
        /* An address stays while anything refers to it (ids are not reused,
         * but a digest's rep may have no message left). */
        "DELETE FROM people p WHERE NOT EXISTS (SELECT 1 FROM thread_people t"
        " WHERE t.rep = p.id OR t.counterpart = p.id)"
        " AND NOT EXISTS (SELECT 1 FROM digest_sent d WHERE d.rep = p.id)"
        " AND NOT EXISTS (SELECT 1 FROM digest_item d WHERE d.rep = p.id)",
    };
    struct pg_num b;
    const char *cut = pg_num(&b, (int64_t)before);
    size_t days = 0;
    *deleted = 0;
    pg_call_start(st);
    if (pg_tx_open(st, err) < 0)
        return -1;
    int rc = changed_by(st, "DELETE FROM events WHERE at < $1::bigint", cut, deleted, err);
    if (rc == 0)
        rc = changed_by(st, "DELETE FROM digest_sent WHERE day < $1::bigint", cut, &days, err);
    for (size_t i = 0; rc == 0 && (*deleted > 0 || days > 0) && i < 4; i++)
        rc = changed_by(st, cleanup[i], NULL, NULL, err);
    if (pg_tx_close(st, rc == 0, rc == 0 ? err : NULL) < 0) {
        *deleted = 0;
        return -1;
    }
    return 0;
}

/* ---- dump ---- */

struct dump_ctx {
    enum dt_raw_kind kind;
    int (*fn)(const struct dt_raw *r, void *arg);
    void *arg;
};

static int dump_row(const PGresult *res, void *arg)
{
    struct dump_ctx *c = arg;
    struct dt_raw r;
    memset(&r, 0, sizeof(r));
    r.kind = c->kind;
    if (c->kind == DT_RAW_EVENT) {
        r.thread = pg_int(res, 0, 0);
        r.subject_key = pg_int(res, 0, 1);
        r.subject = pg_text(res, 0, 2);
        r.msgid = pg_int(res, 0, 3);
        r.at = (time_t)pg_int(res, 0, 4);
        r.outbound = strcmp(PQgetvalue(res, 0, 5), "t") == 0;
        r.rep = pg_text(res, 0, 6);
        r.counterpart = pg_text(res, 0, 7);
        r.counterpart_name = pg_text(res, 0, 8);
        r.score_milli = (long)pg_int(res, 0, 9);
        r.phrases = pg_text(res, 0, 10);
        r.hesitation_milli = (long)pg_int(res, 0, 11);
        r.engagement_milli = (long)pg_int(res, 0, 12);
        r.kinds = (unsigned)pg_int(res, 0, 13);
        r.people = pg_text(res, 0, 14);
    } else {
        r.rep = pg_text(res, 0, 0);
        if (c->kind == DT_RAW_DIGEST_SENT)
            r.day = (time_t)pg_int(res, 0, 1);
        else
            r.thread = pg_int(res, 0, 1);
        r.at = (time_t)pg_int(res, 0, 2);
    }
    return c->fn(&r, c->arg);
}

int pg_dump(struct dt_store *base, int (*fn)(const struct dt_raw *r, void *arg), void *arg,
            struct dt_error *err)
{
    struct pg_store *st = (struct pg_store *)base;
    static const char *const sql[3] = {
        "SELECT t.key, t.subject_key, t.subject, e.msgid, e.at, e.outbound, r.addr, c.addr,"
        " c.name, e.score, e.phrases, e.hesitation, e.engagement, e.kinds, e.people"
        " FROM events e JOIN threads t ON t.id = e.thread"
        " LEFT JOIN people r ON r.id = e.rep LEFT JOIN people c ON c.id = e.counterpart"
        " ORDER BY e.thread, e.at, e.msgid",
        "SELECT p.addr, d.day, d.sent_at FROM digest_sent d JOIN people p ON p.id = d.rep"
        " WHERE d.sent_at > 0 ORDER BY p.addr, d.day",
        "SELECT p.addr, t.key, d.first_at FROM digest_item d JOIN people p ON p.id = d.rep"
        " JOIN threads t ON t.id = d.thread ORDER BY p.addr, t.key",
    };
    static const enum dt_raw_kind kinds[3] = {DT_RAW_EVENT, DT_RAW_DIGEST_SENT,
                                              DT_RAW_DIGEST_ITEM};
    pg_call_start(st);
    /* One snapshot for all three, so the copy is consistent. */
    if (pg_exec_text(st, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err) < 0)
        return -1;
    int rc = 0;
    for (int i = 0; i < 3 && rc == 0; i++) {
        struct dump_ctx c = {kinds[i], fn, arg};
        rc = pg_stream(st, sql[i], 0, NULL, dump_row, &c, err);
    }
    if (!st->broken)
        pg_exec_text(st, "COMMIT", rc < 0 ? NULL : err);
    return rc;
}

/* ---- digests ---- */

int pg_digest_first(struct dt_store *base, const char *rep, dt_hash thread, time_t *first,
                    struct dt_error *err)
{
    struct pg_store *st = (struct pg_store *)base;
    struct pg_num a;
    const char *v[2] = {rep, pg_num(&a, thread)};
    *first = 0;
    pg_call_start(st);
    PGresult *r = pg_run(st, PQ_DIGEST_FIRST, 2, v, err);
    if (r == NULL)
        return -1;
    if (PQntuples(r) > 0)
        *first = (time_t)pg_int(r, 0, 0);
    PQclear(r);
    return 0;
}

int pg_digest_sent(struct dt_store *base, const char *rep, time_t day, bool *sent,
                   struct dt_error *err)
{
    struct pg_store *st = (struct pg_store *)base;
    struct pg_num a;
    const char *v[2] = {rep, pg_num(&a, (int64_t)day)};
    *sent = false;
    pg_call_start(st);
    PGresult *r = pg_run(st, PQ_DIGEST_SENT, 2, v, err);
    if (r == NULL)
        return -1;
    *sent = PQntuples(r) > 0;
    PQclear(r);
    return 0;
}

static int record_in_tx(struct pg_store *st, const char *rep, time_t day, const dt_hash *threads,
                        size_t n, time_t sent_at, struct dt_error *err)
{
    int64_t rid;
    struct pg_num a, b, c, d;
    if (pg_intern(st, rep, &rid, err) < 0)
        return -1;
    const char *v[3] = {pg_num(&a, rid), pg_num(&b, (int64_t)day), pg_num(&c, (int64_t)sent_at)};
    if (pg_exec(st, PQ_DIGEST_SENT_ADD, 3, v, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const char *iv[3] = {v[0], pg_num(&d, threads[i]), v[2]};
        if (pg_exec(st, PQ_DIGEST_ITEM_ADD, 3, iv, err) < 0)
            return -1;
    }
    return 0;
}

int pg_digest_record(struct dt_store *base, const char *rep, time_t day, const dt_hash *threads,
                     size_t n, time_t sent_at, struct dt_error *err)
{
    struct pg_store *st = (struct pg_store *)base;
    pg_call_start(st);
    if (pg_tx_open(st, err) < 0)
        return -1;
    int rc = record_in_tx(st, rep, day, threads, n, sent_at, err);
    return pg_tx_close(st, rc == 0, rc == 0 ? err : NULL);
}

int pg_digest_claim(struct dt_store *base, const char *rep, time_t day, time_t now, long stale_s,
                    bool *claimed, struct dt_error *err)
{
    struct pg_store *st = (struct pg_store *)base;
    int64_t rid;
    struct pg_num a, b, c, d;
    *claimed = false;
    pg_call_start(st);
    if (pg_tx_open(st, err) < 0)
        return -1;
    int rc = pg_intern(st, rep, &rid, err);
    PGresult *r = NULL;
    if (rc == 0) {
        const char *v[4] = {pg_num(&a, rid), pg_num(&b, (int64_t)day), pg_num(&c, (int64_t)now),
                            pg_num(&d, (int64_t)now - (stale_s > 0 ? stale_s : 0))};
        r = pg_run(st, PQ_DIGEST_CLAIM, 4, v, err);
        rc = r ? 0 : -1;
    }
    bool got = r != NULL && PQntuples(r) > 0;
    PQclear(r);
    if (pg_tx_close(st, rc == 0, rc == 0 ? err : NULL) < 0)
        return -1;
    *claimed = got;
    return 0;
}

int pg_digest_release(struct dt_store *base, const char *rep, time_t day, struct dt_error *err)
{
    struct pg_store *st = (struct pg_store *)base;
    struct pg_num a;
    const char *v[2] = {rep, pg_num(&a, (int64_t)day)};
    pg_call_start(st);
    return pg_exec(st, PQ_DIGEST_RELEASE, 2, v, err);
}

int pg_load_digest(struct dt_store *base, const struct dt_raw *r, bool *added,
                   struct dt_error *err)
{
    struct pg_store *st = (struct pg_store *)base;
    int64_t rid;
    struct pg_num a, b, c;
    pg_call_start(st);
    if (pg_tx_open(st, err) < 0)
        return -1;
    int rc = pg_intern(st, r->rep, &rid, err);
    if (rc == 0) {
        bool sent = r->kind == DT_RAW_DIGEST_SENT;
        const char *v[3] = {pg_num(&a, rid),
                            sent ? pg_num(&b, (int64_t)r->day) : pg_num(&b, r->thread),
                            pg_num(&c, (int64_t)r->at)};
        PGresult *res = pg_run(st, sent ? PQ_DIGEST_SENT_ADD : PQ_DIGEST_ITEM_ADD, 3, v, err);
        rc = res ? 0 : -1;
        *added = res != NULL && strtol(PQcmdTuples(res), NULL, 10) > 0;
        PQclear(res);
    }
    return pg_tx_close(st, rc == 0, rc == 0 ? err : NULL);
}
