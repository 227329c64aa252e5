/*
 * spool.c - the milter's local spool (spool.h): one SQLite table, one row
 * per record, in arrival order.
 *
 * Public: dt_spool_open(), dt_spool_close(), dt_spool_put(),
 * dt_spool_count(), dt_spool_replay().
 *
 * Rows carry the record's fields as columns (ancestors as a blob of
 * 64-bit integers). synchronous=FULL: a spooled message is a promise that
 * its facts will reach the database, so each write is on disk before the
 * milter lets the message go. The bound is checked before each write
 * from the file's page count.
 *
 * Failure behaviour: -1 with "<file>: <reason>".
 */
#include "dealtemp/spool.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dt_spool {
    sqlite3 *db;
    char *path;
    size_t max_bytes;
};

#define SPOOL_ANC_MAX 64

static int fail(struct dt_spool *sp, struct dt_error *err)
{
    return dt_error_set(err, "%s: %s", sp->path, sqlite3_errmsg(sp->db));
}

/* A spool an older dealtemp left behind gains the columns added since
 * (tone.h: the customer's side); they read as NULL, i.e. none. */
static int upgrade(struct dt_spool *sp)
{
    static const char *const cols[] = {"hesitation REAL", "engagement REAL", "kinds INTEGER",
                                       "people TEXT"};
    sqlite3_stmt *s;
    int have = 0;
    if (sqlite3_prepare_v2(sp->db, "SELECT count(*) FROM pragma_table_info('spool')"
                           " WHERE name IN ('hesitation', 'engagement', 'kinds', 'people')",
                           -1, &s, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(s) == SQLITE_ROW)
        have = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    if (have == 4)
        return 0;
    for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
        char sql[80];
        snprintf(sql, sizeof(sql), "ALTER TABLE spool ADD COLUMN %s", cols[i]);
        if (sqlite3_exec(sp->db, sql, NULL, NULL, NULL) != SQLITE_OK)
            return -1;
    }
    return 0;
}

int dt_spool_open(const char *path, size_t max_bytes, struct dt_spool **out, struct dt_error *err)
{
    *out = NULL;
    struct dt_spool *sp = calloc(1, sizeof(*sp));
    if (sp == NULL || (sp->path = strdup(path)) == NULL) {
        free(sp);
        return dt_error_set(err, "%s: out of memory", path);
    }
    sp->max_bytes = max_bytes;
    if (sqlite3_open_v2(path, &sp->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
            SQLITE_OK ||
        sqlite3_exec(sp->db,
                     "PRAGMA busy_timeout=2000; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                     "CREATE TABLE IF NOT EXISTS spool(id INTEGER PRIMARY KEY AUTOINCREMENT,"
                     " qid TEXT, msgid INTEGER NOT NULL, ancestors BLOB, new_key INTEGER,"
                     " at INTEGER, outbound INTEGER, rep TEXT, counterpart TEXT, subject TEXT,"
                     " subject_key INTEGER, window_s INTEGER, score REAL, phrases TEXT,"
                     " counterpart_name TEXT, hesitation REAL, engagement REAL, kinds INTEGER,"
                     " people TEXT)",
                     NULL, NULL, NULL) != SQLITE_OK ||
        upgrade(sp) < 0) {
        if (sp->db == NULL)
            dt_error_set(err, "%s: out of memory", path);
        else
            fail(sp, err);
        dt_spool_close(sp);
        return -1;
    }
    *out = sp;
    return 0;
}

void dt_spool_close(struct dt_spool *sp)
{
    if (sp == NULL)
        return;
    sqlite3_close_v2(sp->db);
    free(sp->path);
    free(sp);
}

static int64_t pragma_int(struct dt_spool *sp, const char *sql)
{
    sqlite3_stmt *s;
    int64_t v = -1;
    if (sqlite3_prepare_v2(sp->db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v != NULL)
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

int dt_spool_put(struct dt_spool *sp, const struct dt_record *rec, const char *qid,
                 struct dt_error *err)
{
    int64_t pages = pragma_int(sp, "PRAGMA page_count"),
            size = pragma_int(sp, "PRAGMA page_size");
    if (pages < 0 || size < 0)
        return fail(sp, err);
    if ((size_t)(pages * size) >= sp->max_bytes)
        return dt_error_set(err, "%s: spool full (%zu MB, store.spool_max_mb)", sp->path,
                            sp->max_bytes / (1024 * 1024));
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(sp->db,
                           "INSERT INTO spool(qid, msgid, ancestors, new_key, at, outbound, rep,"
                           " counterpart, subject, subject_key, window_s, score, phrases,"
                           " counterpart_name, hesitation, engagement, kinds, people)"
                           " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &s, NULL) != SQLITE_OK)
        return fail(sp, err);
    size_t n = rec->n_ancestors < SPOOL_ANC_MAX ? rec->n_ancestors : SPOOL_ANC_MAX;
    int64_t anc[SPOOL_ANC_MAX];
    for (size_t i = 0; i < n; i++)
        anc[i] = rec->ancestors[i];
    bind_text(s, 1, qid);
    sqlite3_bind_int64(s, 2, rec->msgid);
    if (n > 0)
        sqlite3_bind_blob(s, 3, anc, (int)(n * sizeof(*anc)), SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, 3);
    sqlite3_bind_int64(s, 4, rec->new_key);
    sqlite3_bind_int64(s, 5, (int64_t)rec->at);
    sqlite3_bind_int(s, 6, rec->outbound);
    bind_text(s, 7, rec->rep);
    bind_text(s, 8, rec->counterpart);
    bind_text(s, 9, rec->subject);
    sqlite3_bind_int64(s, 10, rec->subject_key);
    sqlite3_bind_int64(s, 11, rec->window_s);
    sqlite3_bind_double(s, 12, rec->score);
    bind_text(s, 13, rec->phrases);
    bind_text(s, 14, rec->counterpart_name);
    sqlite3_bind_double(s, 15, rec->hesitation);
    sqlite3_bind_double(s, 16, rec->engagement);
    sqlite3_bind_int64(s, 17, (int64_t)rec->kinds);
    bind_text(s, 18, rec->people);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : fail(sp, err);
}

int dt_spool_count(struct dt_spool *sp, size_t *n, struct dt_error *err)
{
    int64_t v = pragma_int(sp, "SELECT count(*) FROM spool");
    if (v < 0)
        return fail(sp, err);
    *n = (size_t)v;
    return 0;
}

static const char *col_text(sqlite3_stmt *s, int i)
{
    return (const char *)sqlite3_column_text(s, i);
}

/* The oldest entry to fn; 1 when kept and deleted, 0 when the spool is empty, 2 when fn stopped. */
static int replay_one(struct dt_spool *sp,
                      int (*fn)(const struct dt_record *rec, const char *qid, void *arg),
                      void *arg, struct dt_error *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(sp->db,
                           "SELECT id, qid, msgid, ancestors, new_key, at, outbound, rep,"
                           " counterpart, subject, subject_key, window_s, score, phrases,"
                           " counterpart_name, hesitation, engagement, kinds, people"
                           " FROM spool ORDER BY id LIMIT 1",
                           -1, &s, NULL) != SQLITE_OK)
        return fail(sp, err);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(s);
        return rc == SQLITE_DONE ? 0 : fail(sp, err);
    }
    int64_t id = sqlite3_column_int64(s, 0), anc[SPOOL_ANC_MAX];
    size_t n = (size_t)sqlite3_column_bytes(s, 3) / sizeof(int64_t);
    if (n > SPOOL_ANC_MAX)
        n = SPOOL_ANC_MAX;
    if (n > 0)
        memcpy(anc, sqlite3_column_blob(s, 3), n * sizeof(int64_t));
    dt_hash hanc[SPOOL_ANC_MAX];
    for (size_t i = 0; i < n; i++)
        hanc[i] = anc[i];
    struct dt_record rec = {
        .msgid = sqlite3_column_int64(s, 2),
        .ancestors = hanc,
        .n_ancestors = n,
        .new_key = sqlite3_column_int64(s, 4),
        .at = (time_t)sqlite3_column_int64(s, 5),
        .outbound = sqlite3_column_int(s, 6) != 0,
        .rep = col_text(s, 7),
        .counterpart = col_text(s, 8),
        .subject = col_text(s, 9),
        .subject_key = sqlite3_column_int64(s, 10),
        .window_s = (long)sqlite3_column_int64(s, 11),
        .score = sqlite3_column_double(s, 12),
        .phrases = col_text(s, 13),
        .counterpart_name = col_text(s, 14),
        .hesitation = sqlite3_column_double(s, 15),
        .engagement = sqlite3_column_double(s, 16),
        .kinds = (unsigned)sqlite3_column_int64(s, 17),
        .people = col_text(s, 18),
    };
    int kept = fn(&rec, col_text(s, 1), arg);
    sqlite3_finalize(s);
    if (kept != 0)
        return 2;
    char sql[64];
    snprintf(sql, sizeof(sql), "DELETE FROM spool WHERE id = %lld", (long long)id);
    if (sqlite3_exec(sp->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return fail(sp, err);
    return 1;
}

int dt_spool_replay(struct dt_spool *sp, size_t max,
                    int (*fn)(const struct dt_record *rec, const char *qid, void *arg), void *arg,
                    size_t *done, struct dt_error *err)
{
    *done = 0;
    while (max == 0 || *done < max) {
        int r = replay_one(sp, fn, arg, err);
        if (r < 0)
            return -1;
        if (r != 1)
            break;
        (*done)++;
    }
    return 0;
}
