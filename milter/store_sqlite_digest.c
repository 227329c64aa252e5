/*
 * store_sqlite_digest.c - what the digests told each rep (schema v2):
 * digest_sent says a rep's digest for a day went out (so a second run that
 * day sends nothing new), digest_item when each thread was first in one of
 * that rep's digests (so a deal is "new" once, "ongoing" after).
 *
 * Public (to store.c, through the ops table): sq_digest_first(),
 * sq_digest_sent(), sq_digest_record().
 *
 * Reps are interned in people like every address, threads are referred to
 * by their row id; a thread purged between collecting and recording is
 * skipped. Recording is one transaction (a savepoint inside a batch).
 *
 * Failure behaviour: -1 with "<file>: <reason>"; nothing is half-written.
 */
#include "store_sqlite_int.h"

int sq_digest_first(struct dt_store *base, const char *rep, dt_hash thread, time_t *first,
                    struct dt_error *err)
{
    struct sq_store *st = (struct sq_store *)base;
    sqlite3_stmt *s = sq_stmt(st, SQ_DIGEST_FIRST, err);
    int64_t at = 0;
    *first = 0;
    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, rep, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, thread);
    if (sq_query_row(st, s, &at, NULL, err) < 0)
        return -1;
    *first = (time_t)at;
    return 0;
}

int sq_digest_sent(struct dt_store *base, const char *rep, time_t day, bool *sent,
                   struct dt_error *err)
{
    struct sq_store *st = (struct sq_store *)base;
    sqlite3_stmt *s = sq_stmt(st, SQ_DIGEST_SENT, err);
    int64_t one;
    *sent = false;
    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, rep, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, (int64_t)day);
    int found = sq_query_row(st, s, &one, NULL, err);
    if (found < 0)
        return -1;
    *sent = found == 1;
    return 0;
}

static int record_in_tx(struct sq_store *st, const char *rep, time_t day, const dt_hash *threads,
                        size_t n, time_t sent_at, struct dt_error *err)
{
    int64_t rid;
    if (sq_intern(st, rep, &rid, err) < 0)
        return -1;
    sqlite3_stmt *s = sq_stmt(st, SQ_DIGEST_SENT_ADD, err);
    if (s == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, rid);
    sqlite3_bind_int64(s, 2, (int64_t)day);
    sqlite3_bind_int64(s, 3, (int64_t)sent_at);
    if (sq_exec_stmt(st, s, err) < 0)
        return -1;
    if ((s = sq_stmt(st, SQ_DIGEST_ITEM_ADD, err)) == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        sqlite3_bind_int64(s, 1, rid);
        sqlite3_bind_int64(s, 2, threads[i]);
        sqlite3_bind_int64(s, 3, (int64_t)sent_at);
        if (sq_exec_stmt(st, s, err) < 0)
            return -1;
    }
    return 0;
}

int sq_digest_record(struct dt_store *base, const char *rep, time_t day, const dt_hash *threads,
                     size_t n, time_t sent_at, struct dt_error *err)
{
    struct sq_store *st = (struct sq_store *)base;
    if (sq_tx_open(st, err) < 0)
        return -1;
    int rc = record_in_tx(st, rep, day, threads, n, sent_at, err);
    return sq_tx_close(st, rc == 0, rc == 0 ? err : NULL);
}

int sq_digest_claim(struct dt_store *base, const char *rep, time_t day, time_t now, long stale_s,
                    bool *claimed, struct dt_error *err)
{
    struct sq_store *st = (struct sq_store *)base;
    int64_t rid, one;
    if (sq_tx_open(st, err) < 0)
        return -1;
    sqlite3_stmt *s = NULL;
    int found = -1;
    if (sq_intern(st, rep, &rid, err) == 0 && (s = sq_stmt(st, SQ_DIGEST_CLAIM, err)) != NULL) {
        sqlite3_bind_int64(s, 1, rid);
        sqlite3_bind_int64(s, 2, (int64_t)day);
        sqlite3_bind_int64(s, 3, (int64_t)now);
        sqlite3_bind_int64(s, 4, (int64_t)now - (stale_s > 0 ? stale_s : 0));
        found = sq_query_row(st, s, &one, NULL, err);
    }
    if (sq_tx_close(st, found >= 0, found >= 0 ? err : NULL) < 0)
        return -1;
    *claimed = found == 1;
    return 0;
}

int sq_digest_release(struct dt_store *base, const char *rep, time_t day, struct dt_error *err)
{
    struct sq_store *st = (struct sq_store *)base;
    sqlite3_stmt *s = sq_stmt(st, SQ_DIGEST_RELEASE, err);
    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, rep, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, (int64_t)day);
    return sq_exec_stmt(st, s, err);
}

int sq_load_digest(struct dt_store *base, const struct dt_raw *r, bool *added,
                   struct dt_error *err)
{
    struct sq_store *st = (struct sq_store *)base;
    int64_t rid;
    if (sq_tx_open(st, err) < 0)
        return -1;
    int rc = sq_intern(st, r->rep, &rid, err);
    sqlite3_stmt *s = NULL;
    if (rc == 0) {
        s = sq_stmt(st, r->kind == DT_RAW_DIGEST_SENT ? SQ_DIGEST_SENT_ADD : SQ_DIGEST_ITEM_ADD,
                    err);
        rc = s == NULL ? -1 : 0;
    }
    if (rc == 0) {
        sqlite3_bind_int64(s, 1, rid);
        if (r->kind == DT_RAW_DIGEST_SENT) {
            sqlite3_bind_int64(s, 2, (int64_t)r->day);
            sqlite3_bind_int64(s, 3, (int64_t)r->at);
        } else {
            sqlite3_bind_int64(s, 2, r->thread);
            sqlite3_bind_int64(s, 3, (int64_t)r->at);
        }
        rc = sq_exec_stmt(st, s, err);
        *added = rc == 0 && sqlite3_changes(st->db) > 0;
    }
    return sq_tx_close(st, rc == 0, rc == 0 ? err : NULL);
}
