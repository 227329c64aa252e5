/*
 * store_sqlite.c - the SQLite store (see store.h, store_int.h).
 *
 * Opening checks the directory (and, for dt_store_open_existing, that the
 * file is there: SQLite is then asked without SQLITE_OPEN_CREATE, so a
 * missing database leaves no empty file, -wal or -shm behind), sets WAL
 * mode, synchronous=NORMAL and a busy timeout, then creates or migrates the
 * schema (store_sqlite_schema.c) in one IMMEDIATE transaction. Writes are short BEGIN IMMEDIATE
 * transactions (a writer takes the lock up front, so two writers never
 * deadlock upgrading read locks), or savepoints inside a dt_store_begin
 * batch. Hot statements are prepared once per handle and reset after every
 * use, so no read snapshot is left open between calls. The scan streams
 * rows from one statement.
 *
 * Storage is compact (about 85 bytes a message): addresses are interned in
 * people, a thread has a small row id besides its 63-bit key, events are
 * clustered by (thread, time, Message-ID hash) with one index on the hash,
 * scores are integers (score x 1000, dt_store_score_to_int), subjects and
 * phrases NULL when absent.
 * Reads use a memory map; a long batch gets a larger page cache while it lasts.
 * A record skips the writes that would change nothing - people, a name, a
 * subject, who met in which thread - by what the handle remembers
 * (store_sqlite_known.c, trusted only while no other connection committed).
 *
 * Failure behaviour: every function returns -1 with err set to
 * "<database file>: <reason>"; a failed write is rolled back whole.
 */
#include "store_sqlite_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_BUSY_MS 5000
/*
 * Reads go through a shared memory map rather than each handle's small
 * page cache: no copy, no system call per page, and no per-thread memory
 * (the kernel's page cache is shared by every handle and process). This
 * is address space, not RAM; it halves the time of a full scan.
 */
#define MMAP_BYTES "1073741824"
/* Page cache in KiB (negative: SQLite's unit): the default per handle, and in a batch. */
#define NORMAL_CACHE "-2000"
#define BATCH_CACHE "-65536"
/* Records into a batch before its cache grows to BATCH_CACHE. */
#define BATCH_GROW_AT 256

static const char *const sql_text[SQ_COUNT] = {
    [SQ_BEGIN] = "BEGIN IMMEDIATE",
    [SQ_COMMIT] = "COMMIT",
    [SQ_ROLLBACK] = "ROLLBACK",
    [SQ_SAVEPOINT] = "SAVEPOINT dt_record",
    [SQ_RELEASE] = "RELEASE dt_record",
    [SQ_ROLLBACK_TO] = "ROLLBACK TO dt_record",
    [SQ_EVENT_THREAD] = "SELECT t.id, t.key FROM events e JOIN threads t ON t.id = e.thread"
                        " WHERE e.msgid = ?1",
    [SQ_THREAD_BY_KEY] = "SELECT id, key FROM threads WHERE key = ?1",
    [SQ_PERSON_GET] = "SELECT id FROM people WHERE addr = ?1",
    [SQ_PERSON_ADD] = "INSERT INTO people(addr) VALUES (?1)",
    [SQ_PERSON_NAME] = "UPDATE people SET name = ?2 WHERE id = ?1 AND name IS NOT ?2",
    /* The most recent thread of this rep <-> counterpart pair with the same
     * normalised subject whose last message lies within the window (newest
     * first by p.thread, the pair index's own order: no sort). */
    [SQ_SUBJECT_MATCH] = "SELECT t.id, t.key FROM thread_people p JOIN threads t ON t.id = p.thread"
                         " WHERE p.rep = ?1 AND p.counterpart = ?2 AND t.subject_key = ?3"
                         " AND abs((SELECT max(e.at) FROM events e WHERE e.thread = t.id) - ?4)"
                         " <= ?5 ORDER BY p.thread DESC LIMIT 1",
    [SQ_THREAD_ADD] = "INSERT INTO threads(key, subject_key, subject) VALUES (?1, ?2, ?3)",
    [SQ_THREAD_FILL] = "UPDATE threads SET subject = coalesce(subject, ?2),"
                       " subject_key = coalesce(subject_key, ?3) WHERE id = ?1"
                       " AND ((subject IS NULL AND ?2 IS NOT NULL)"
                       " OR (subject_key IS NULL AND ?3 IS NOT NULL))",
    [SQ_EVENT_ADD] = "INSERT INTO events(msgid, thread, at, outbound, rep, counterpart,"
                     " score, phrases, hesitation, engagement, kinds, people)"
                     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    [SQ_PAIR_ADD] = "INSERT OR IGNORE INTO thread_people(rep, counterpart, thread)"
                    " VALUES (?1, ?2, ?3)",
    [SQ_DIGEST_FIRST] = "SELECT d.first_at FROM digest_item d JOIN people p ON p.id = d.rep"
                        " JOIN threads t ON t.id = d.thread WHERE p.addr = ?1 AND t.key = ?2",
    [SQ_DIGEST_SENT] = "SELECT 1 FROM digest_sent d JOIN people p ON p.id = d.rep"
                       " WHERE p.addr = ?1 AND d.day = ?2 AND d.sent_at > 0",
    /* A digest sent again (--force) keeps the latest time. The row counts
     * as changed only when it is new or its time moved (dt_store_load's
     * "added": loading the same row twice changes nothing). */
    [SQ_DIGEST_SENT_ADD] = "INSERT INTO digest_sent(rep, day, sent_at) VALUES (?1, ?2, ?3)"
                           " ON CONFLICT (rep, day) DO UPDATE SET sent_at = excluded.sent_at"
                           " WHERE excluded.sent_at > digest_sent.sent_at",
    /* A thread the store no longer has (purged meanwhile) selects no row;
     * a thread reported before keeps the first time it was. */
    [SQ_DIGEST_ITEM_ADD] = "INSERT INTO digest_item(rep, thread, first_at)"
                           " SELECT ?1, id, ?3 FROM threads WHERE key = ?2"
                           " ON CONFLICT (rep, thread) DO UPDATE SET first_at = excluded.first_at"
                           " WHERE excluded.first_at < digest_item.first_at",
    /* Taken when there is no row, or an unsent claim older than ?4 (its
     * run died); a row comes back only to the one caller that took it. */
    [SQ_DIGEST_CLAIM] = "INSERT INTO digest_sent(rep, day, sent_at, claimed_at) VALUES (?1, ?2, 0, ?3)"
                        " ON CONFLICT (rep, day) DO UPDATE SET claimed_at = excluded.claimed_at"
                        " WHERE digest_sent.sent_at = 0 AND digest_sent.claimed_at < ?4"
                        " RETURNING 1",
    [SQ_DIGEST_RELEASE] = "DELETE FROM digest_sent WHERE rep = (SELECT id FROM people WHERE addr = ?1)"
                          " AND day = ?2 AND sent_at = 0",
    [SQ_DATA_VERSION] = "PRAGMA data_version",
};

int sq_fail(struct sq_store *st, struct dt_error *err)
{
    return dt_error_set(err, "%s: %s", st->path, sqlite3_errmsg(st->db));
}

sqlite3_stmt *sq_stmt(struct sq_store *st, enum sq_id id, struct dt_error *err)
{
    if (st->stmt[id] == NULL &&
        sqlite3_prepare_v3(st->db, sql_text[id], -1, SQLITE_PREPARE_PERSISTENT, &st->stmt[id],
                           NULL) != SQLITE_OK) {
        sq_fail(st, err);
        return NULL;
    }
    return st->stmt[id];
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Step s, and while it reports SQLITE_BUSY try again until the busy timeout
 * has passed. SQLite's busy handler already waits for most locks; this
 * loop catches the BUSY results it does not cover (a WAL being recovered,
 * a lock taken while changing the journal mode).
 */
int sq_step_retry(struct sq_store *st, sqlite3_stmt *s)
{
    long long start = now_ms();
    for (;;) {
        int rc = sqlite3_step(s);
        if ((rc & 0xff) != SQLITE_BUSY || now_ms() - start >= st->busy_ms)
            return rc;
        sqlite3_reset(s);
        struct timespec pause = {0, 2 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

int sq_exec_stmt(struct sq_store *st, sqlite3_stmt *s, struct dt_error *err)
{
    int rc = sq_step_retry(st, s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        sq_fail(st, err);
        sqlite3_reset(s);
        return -1;
    }
    sqlite3_reset(s);
    return 0;
}

int sq_exec(struct sq_store *st, enum sq_id id, struct dt_error *err)
{
    sqlite3_stmt *s = sq_stmt(st, id, err);
    return s ? sq_exec_stmt(st, s, err) : -1;
}

int sq_query_row(struct sq_store *st, sqlite3_stmt *s, int64_t *a, int64_t *b, struct dt_error *err)
{
    int rc = sqlite3_step(s), found = 0;
    if (rc == SQLITE_ROW) {
        *a = sqlite3_column_int64(s, 0);
        if (b != NULL)
            *b = sqlite3_column_int64(s, 1);
        found = 1;
    } else if (rc != SQLITE_DONE) {
        found = sq_fail(st, err);
    }
    sqlite3_reset(s);
    return found;
}

/* ---- transactions ---- */

/* BEGIN, and what this handle knows checked against other connections' commits. */
static int begin(struct sq_store *st, struct dt_error *err)
{
    if (sq_exec(st, SQ_BEGIN, err) < 0)
        return -1;
    if (sq_known_begin(st, err) < 0) {
        sq_exec(st, SQ_ROLLBACK, NULL);
        return -1;
    }
    return 0;
}

int sq_tx_open(struct sq_store *st, struct dt_error *err)
{
    return st->in_batch ? sq_exec(st, SQ_SAVEPOINT, err) : begin(st, err);
}

int sq_tx_close(struct sq_store *st, bool ok, struct dt_error *err)
{
    if (st->in_batch) {
        if (!ok) {
            sq_exec(st, SQ_ROLLBACK_TO, NULL);
            sq_known_forget(st);
        }
        if (sq_exec(st, SQ_RELEASE, ok ? err : NULL) < 0) {
            sq_known_forget(st);
            return -1;
        }
        return ok ? 0 : -1;
    }
    if (ok && sq_exec(st, SQ_COMMIT, err) == 0) {
        sq_known_end(st, false);
        return 0;
    }
    if (!sqlite3_get_autocommit(st->db))
        sq_exec(st, SQ_ROLLBACK, NULL);
    sq_known_end(st, true);
    return -1;
}

static int sq_begin(struct dt_store *base, struct dt_error *err)
{
    struct sq_store *st = (struct sq_store *)base;
    if (st->in_batch)
        return dt_error_set(err, "%s: a batch is already open (nesting is not supported)",
                            st->path);
    if (begin(st, err) < 0)
        return -1;
    st->in_batch = true;
    st->batch_records = 0;
    return 0;
}

/*
 * A long batch (an import) touches pages all over the file; a big cache
 * while it lasts keeps them from being spilled and read again (given back
 * at the end). The milter's short groups of records never grow it: for
 * them the two PRAGMAs, and the pages a shrink drops, would cost more
 * than the records.
 */
static void batch_grow(struct sq_store *st)
{
    if (++st->batch_records == BATCH_GROW_AT)
        sqlite3_exec(st->db, "PRAGMA cache_size=" BATCH_CACHE, NULL, NULL, NULL);
}

/* After the batch's transaction ended, so shrinking spills nothing. */
static void batch_done(struct sq_store *st)
{
    if (st->batch_records >= BATCH_GROW_AT)
        sqlite3_exec(st->db, "PRAGMA cache_size=" NORMAL_CACHE, NULL, NULL, NULL);
    st->batch_records = 0;
}

static int sq_commit(struct dt_store *base, struct dt_error *err)
{
    struct sq_store *st = (struct sq_store *)base;
    if (!st->in_batch)
        return dt_error_set(err, "%s: commit without a batch", st->path);
    st->in_batch = false;
    int rc = sq_tx_close(st, true, err);
    batch_done(st);
    return rc;
}

static int sq_rollback(struct dt_store *base, struct dt_error *err)
{
    struct sq_store *st = (struct sq_store *)base;
    if (!st->in_batch)
        return dt_error_set(err, "%s: rollback without a batch", st->path);
    st->in_batch = false;
    int rc = sqlite3_get_autocommit(st->db) ? 0 : sq_exec(st, SQ_ROLLBACK, err);
    sq_known_end(st, true);
    batch_done(st);
    return rc;
}

/* ---- recording ---- */

int sq_intern(struct sq_store *st, const char *addr, int64_t *id, struct dt_error *err)
{
    *id = 0;
    if (addr == NULL || *addr == '\0' || sq_known_person(st, addr, id))
        return 0;
    sqlite3_stmt *s = sq_stmt(st, SQ_PERSON_GET, err);
    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, addr, -1, SQLITE_STATIC);
    int found = sq_query_row(st, s, id, NULL, err);
    if (found == 0) {
        if ((s = sq_stmt(st, SQ_PERSON_ADD, err)) == NULL)
            return -1;
        sqlite3_bind_text(s, 1, addr, -1, SQLITE_STATIC);
        if (sq_exec_stmt(st, s, err) < 0)
            return -1;
        *id = sqlite3_last_insert_rowid(st->db);
    } else if (found < 0) {
        return -1;
    }
    sq_known_person_put(st, addr, *id);
    return 0;
}

/* Look every ancestor up with statement id; 1 when one is found (the earliest). */
static int find_by_ancestors(struct sq_store *st, enum sq_id id, const struct dt_record *rec,
                             int64_t *tid, int64_t *key, struct dt_error *err)
{
    sqlite3_stmt *s = sq_stmt(st, id, err);
    if (s == NULL)
        return -1;
    for (size_t i = 0; i < rec->n_ancestors; i++) {
        if (rec->ancestors[i] <= 0)
            continue;
        sqlite3_bind_int64(s, 1, rec->ancestors[i]);
        int found = sq_query_row(st, s, tid, key, err);
        if (found != 0)
            return found;
    }
    return 0;
}

static int find_by_subject(struct sq_store *st, const struct dt_record *rec, int64_t rep,
                           int64_t cp, int64_t *tid, int64_t *key, struct dt_error *err)
{
    if (rec->subject_key <= 0 || rep == 0 || cp == 0 || rec->window_s < 0)
        return 0;
    sqlite3_stmt *s = sq_stmt(st, SQ_SUBJECT_MATCH, err);
    if (s == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, rep);
    sqlite3_bind_int64(s, 2, cp);
    sqlite3_bind_int64(s, 3, rec->subject_key);
    sqlite3_bind_int64(s, 4, (int64_t)rec->at);
    sqlite3_bind_int64(s, 5, (int64_t)rec->window_s);
    return sq_query_row(st, s, tid, key, err);
}

static void bind_text_or_null(sqlite3_stmt *s, int i, const char *v)
{
    if (v != NULL && *v != '\0')
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

static void bind_key_or_null(sqlite3_stmt *s, int i, dt_hash v)
{
    if (v > 0)
        sqlite3_bind_int64(s, i, v);
    else
        sqlite3_bind_null(s, i);
}

/* Find or make the thread of rec: row id and key; *made when new. */
static int resolve_thread(struct sq_store *st, const struct dt_record *rec, int64_t rep, int64_t cp,
                          int64_t *tid, int64_t *key, bool *made, struct dt_error *err)
{
    int found;
    *made = false;
    if ((found = find_by_ancestors(st, SQ_EVENT_THREAD, rec, tid, key, err)) != 0 ||
        (found = find_by_ancestors(st, SQ_THREAD_BY_KEY, rec, tid, key, err)) != 0 ||
        (found = find_by_subject(st, rec, rep, cp, tid, key, err)) != 0) {
        if (found < 0)
            return -1;
    } else {
        sqlite3_stmt *s = sq_stmt(st, SQ_THREAD_BY_KEY, err);
        dt_hash want = rec->new_key > 0 ? rec->new_key : rec->msgid;
        if (s == NULL)
            return -1;
        sqlite3_bind_int64(s, 1, want);
        if ((found = sq_query_row(st, s, tid, key, err)) < 0)
            return -1;
        if (found == 0) {
            if ((s = sq_stmt(st, SQ_THREAD_ADD, err)) == NULL)
                return -1;
            sqlite3_bind_int64(s, 1, want);
            bind_key_or_null(s, 2, rec->subject_key);
            bind_text_or_null(s, 3, rec->subject);
            if (sq_exec_stmt(st, s, err) < 0)
                return -1;
            *tid = sqlite3_last_insert_rowid(st->db);
            *key = want;
            *made = true;
            sq_known_filled_put(st, *tid, rec->subject != NULL && *rec->subject != '\0',
                                rec->subject_key > 0);
            return 0;
        }
    }
    /* Joined an existing thread: give it a subject if it had none yet. */
    bool subject = rec->subject != NULL && *rec->subject != '\0', has_key = rec->subject_key > 0;
    if ((!has_key && !subject) || sq_known_filled(st, *tid, subject, has_key))
        return 0;
    sqlite3_stmt *s = sq_stmt(st, SQ_THREAD_FILL, err);
    if (s == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, *tid);
    bind_text_or_null(s, 2, rec->subject);
    bind_key_or_null(s, 3, rec->subject_key);
    if (sq_exec_stmt(st, s, err) < 0)
        return -1;
    sq_known_filled_put(st, *tid, subject, has_key); /* coalesce(): set now, if not before */
    return 0;
}

static int record_in_tx(struct sq_store *st, const struct dt_record *rec,
                        struct dt_record_result *res, struct dt_error *err)
{
    int64_t tid, key, rep, cp;
    sqlite3_stmt *s = sq_stmt(st, SQ_EVENT_THREAD, err);
    if (s == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, rec->msgid);
    int found = sq_query_row(st, s, &tid, &key, err);
    if (found != 0) {
        res->duplicate = true;
        res->thread = key;
        return found < 0 ? -1 : 0;
    }
    if (sq_intern(st, rec->rep, &rep, err) < 0 || sq_intern(st, rec->counterpart, &cp, err) < 0 ||
        resolve_thread(st, rec, rep, cp, &tid, &key, &res->new_thread, err) < 0)
        return -1;

    if ((s = sq_stmt(st, SQ_EVENT_ADD, err)) == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, rec->msgid);
    sqlite3_bind_int64(s, 2, tid);
    sqlite3_bind_int64(s, 3, (int64_t)rec->at);
    sqlite3_bind_int(s, 4, rec->outbound ? 1 : 0);
    sqlite3_bind_int64(s, 5, rep);
    sqlite3_bind_int64(s, 6, cp);
    sqlite3_bind_int64(s, 7, dt_store_score_to_int(rec->score));
    bind_text_or_null(s, 8, rec->phrases);
    sqlite3_bind_int64(s, 9, dt_store_score_to_int(rec->hesitation));
    sqlite3_bind_int64(s, 10, dt_store_score_to_int(rec->engagement));
    sqlite3_bind_int64(s, 11, (int64_t)rec->kinds);
    bind_text_or_null(s, 12, rec->people);
    if (sq_exec_stmt(st, s, err) < 0)
        return -1;

    if (cp != 0 && rec->counterpart_name != NULL && *rec->counterpart_name &&
        !sq_known_name(st, rec->counterpart, rec->counterpart_name)) {
        if ((s = sq_stmt(st, SQ_PERSON_NAME, err)) == NULL)
            return -1;
        sqlite3_bind_int64(s, 1, cp);
        sqlite3_bind_text(s, 2, rec->counterpart_name, -1, SQLITE_STATIC);
        if (sq_exec_stmt(st, s, err) < 0)
            return -1;
        sq_known_name_put(st, rec->counterpart, rec->counterpart_name);
    }

    if (!sq_known_pair(st, rep, cp, tid)) {
        if ((s = sq_stmt(st, SQ_PAIR_ADD, err)) == NULL)
            return -1;
        sqlite3_bind_int64(s, 1, rep);
        sqlite3_bind_int64(s, 2, cp);
        sqlite3_bind_int64(s, 3, tid);
        if (sq_exec_stmt(st, s, err) < 0)
            return -1;
        sq_known_pair_put(st, rep, cp, tid);
    }
    res->thread = key;
    return 0;
}

static int sq_record(struct dt_store *base, const struct dt_record *rec,
                     struct dt_record_result *res, struct dt_error *err)
{
    struct sq_store *st = (struct sq_store *)base;
    memset(res, 0, sizeof(*res));
    if (rec->msgid <= 0)
        return dt_error_set(err, "%s: record without a Message-ID hash", st->path);
    if (rec->n_ancestors > 0 && rec->ancestors == NULL)
        return dt_error_set(err, "%s: record with ancestors missing", st->path);
    if (st->in_batch)
        batch_grow(st);
    if (sq_tx_open(st, err) < 0)
        return -1;
    int rc = record_in_tx(st, rec, res, err);
    if (sq_tx_close(st, rc == 0, rc == 0 ? err : NULL) < 0) {
        memset(res, 0, sizeof(*res));
        return -1;
    }
    return 0;
}

static int sq_purge(struct dt_store *base, time_t before, size_t *deleted, struct dt_error *err)
{
    struct sq_store *st = (struct sq_store *)base;
    *deleted = 0;
    if (sq_tx_open(st, err) < 0)
        return -1;
    int rc = sq_purge_in_tx(st, before, deleted, err);
    sq_known_forget(st); /* ids of deleted people may be given out again */
    if (sq_tx_close(st, rc == 0, rc == 0 ? err : NULL) < 0) {
        *deleted = 0;
        return -1;
    }
    return 0;
}

/* ---- open and close ---- */

static int sq_version(const struct dt_store *base)
{
    return ((const struct sq_store *)base)->version;
}

static void sq_set_busy_timeout(struct dt_store *base, int ms)
{
    struct sq_store *st = (struct sq_store *)base;
    st->busy_ms = ms;
    sqlite3_busy_timeout(st->db, ms);
}

static bool sq_broken(const struct dt_store *base)
{
    (void)base;
    return false;
}

static void sq_close(struct dt_store *base)
{
    struct sq_store *st = (struct sq_store *)base;
    for (int i = 0; i < SQ_COUNT; i++)
        sqlite3_finalize(st->stmt[i]);
    for (int i = 0; i < SQ_SCAN_SHAPES; i++)
        sqlite3_finalize(st->scan[i]);
    sq_known_forget(st);
    if (st->db != NULL && !sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close_v2(st->db);
    free(st->path);
    free(st);
}

static const struct dt_store_ops sq_ops = {
    .name = "sqlite",
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .record = sq_record,
    .scan = sq_scan,
    .purge = sq_purge,
    .count = sq_count,
    .digest_first = sq_digest_first,
    .digest_sent = sq_digest_sent,
    .digest_record = sq_digest_record,
    .digest_claim = sq_digest_claim,
    .digest_release = sq_digest_release,
    .dump = sq_dump,
    .load_digest = sq_load_digest,
    .version = sq_version,
    .set_busy_timeout = sq_set_busy_timeout,
    .broken = sq_broken,
};

/*
 * SQLite's own "unable to open database file" does not say why; the usual
 * reasons - a missing or read-only directory - are checked first.
 */
static int check_directory(const char *path, struct dt_error *err)
{
    const char *slash = strrchr(path, '/');
    char *dir;
    if (slash == NULL)
        dir = strdup(".");
    else if (slash == path)
        dir = strdup("/");
    else
        dir = strndup(path, (size_t)(slash - path));
    if (dir == NULL)
        return dt_error_set(err, "%s: out of memory", path);
    struct stat sb;
    int rc = 0;
    if (stat(dir, &sb) < 0)
        rc = dt_error_set(err, "%s: directory %s: %s", path, dir, strerror(errno));
    else if (!S_ISDIR(sb.st_mode))
        rc = dt_error_set(err, "%s: %s is not a directory", path, dir);
    else if (access(dir, W_OK | X_OK) < 0)
        rc = dt_error_set(err, "%s: directory %s is not writable: %s", path, dir, strerror(errno));
    free(dir);
    return rc;
}

static int pragma(struct sq_store *st, const char *sql, char *out, size_t outlen,
                  struct dt_error *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return sq_fail(st, err);
    int rc = sq_step_retry(st, s);
    if (rc == SQLITE_ROW && out != NULL) {
        const unsigned char *v = sqlite3_column_text(s, 0);
        snprintf(out, outlen, "%s", v ? (const char *)v : "");
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        sq_fail(st, err);
        sqlite3_finalize(s);
        return -1;
    }
    sqlite3_finalize(s);
    return 0;
}

int dt_store_sqlite_open(const char *path, bool create, struct dt_store **out, struct dt_error *err)
{
    *out = NULL;
    if (check_directory(path, err) < 0)
        return -1;
    /* Asked before SQLite is, so a missing file leaves nothing behind. */
    struct stat sb;
    if (!create && stat(path, &sb) < 0) {
        if (errno == ENOENT)
            return dt_error_set(err,
                                "%s: no such database (run dealtemp import, or start the "
                                "milter, to create it)",
                                path);
        return dt_error_set(err, "%s: %s", path, strerror(errno));
    }
    struct sq_store *st = calloc(1, sizeof(*st));
    if (st == NULL || (st->path = strdup(path)) == NULL) {
        free(st);
        return dt_error_set(err, "%s: out of memory", path);
    }
    st->base.ops = &sq_ops;
    st->busy_ms = DEFAULT_BUSY_MS;
    /* One handle per thread (see store.h): SQLite need not lock it. */
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
        if (st->db == NULL)
            dt_error_set(err, "%s: out of memory", path);
        else
            sq_fail(st, err);
        sq_close(&st->base);
        return -1;
    }
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_timeout(st->db, st->busy_ms);
    char mode[16] = "";
    if (pragma(st, "PRAGMA journal_mode=WAL", mode, sizeof(mode), err) < 0 ||
        pragma(st, "PRAGMA synchronous=NORMAL", NULL, 0, err) < 0 ||
        pragma(st, "PRAGMA mmap_size=" MMAP_BYTES, NULL, 0, err) < 0)
        goto fail;
    if (strcmp(mode, "wal") != 0) {
        dt_error_set(err, "%s: cannot use WAL mode (journal mode is \"%s\")", path, mode);
        goto fail;
    }
    if (sqlite3_db_readonly(st->db, "main") == 1) {
        dt_error_set(err, "%s: database file is read-only", path);
        goto fail;
    }
    if (sq_schema_ensure(st, err) < 0)
        goto fail;
    *out = &st->base;
    return 0;
fail:
    sq_close(&st->base);
    return -1;
}

int dt_store_sqlite_migrate(const char *path, int *from, int *to, struct dt_error *err)
{
    struct dt_store *base;
    if (dt_store_sqlite_open(path, true, &base, err) < 0)
        return -1;
    struct sq_store *st = (struct sq_store *)base;
    *from = st->from_version;
    *to = st->version;
    sq_close(base);
    return 0;
}
