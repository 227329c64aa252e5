/*
 * store_fixture.h - what check_store.c, check_store_stress.c and
 * check_store_digest.c share: a fresh directory per test, messages
 * recorded the way the milter records them, and raw SQL on the file behind
 * the store's back. Included by those suites only; every helper fails the
 * running test on error.
 */
#ifndef DEALTEMP_STORE_FIXTURE_H
#define DEALTEMP_STORE_FIXTURE_H

#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dealtemp/store.h"
#include "dealtemp/thread.h"

#define UNUSED __attribute__((unused))

#define DAY 86400L
#define WINDOW (30 * DAY)
#define T0 ((time_t)1790000000) /* 2026-09-21 */

static char dir[64];
static char db_path[128];

/* A fresh directory and database path for each test (each runs in its own process). */
UNUSED static void setup(void)
{
    snprintf(dir, sizeof(dir), "/tmp/dt-store-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(db_path, sizeof(db_path), "%s/dealtemp.db", dir);
}

UNUSED static void teardown(void)
{
    char p[192];
    const char *suffix[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(p, sizeof(p), "%s%s", db_path, suffix[i]);
        unlink(p);
    }
    rmdir(dir);
}

UNUSED static struct dt_store *open_ok(void)
{
    struct dt_store *st = NULL;
    struct dt_error err = {""};
    ck_assert_msg(dt_store_open(db_path, &st, &err) == 0, "open: %s", err.msg);
    ck_assert_ptr_nonnull(st);
    return st;
}

/* What a test message carries; the record is built as the milter would build it. */
struct m {
    const char *id, *irt, *ref; /* ref: one References entry (or NULL) */
    time_t at;
    bool out;
    const char *rep, *cp, *subject;
    double score;
    const char *phrases;
};

/* The counterpart's display name the next put() records (then cleared). */
static const char *next_name UNUSED;

UNUSED static int put_err(struct dt_store *st, const struct m *m, struct dt_record_result *res,
                          struct dt_error *err)
{
    char *refs[2] = {(char *)m->ref, NULL};
    struct dt_message msg;
    memset(&msg, 0, sizeof(msg));
    msg.message_id = (char *)m->id;
    msg.in_reply_to = (char *)m->irt;
    msg.references = refs;
    msg.n_references = m->ref ? 1 : 0;
    dt_hash anc[8];
    struct dt_buf norm = DT_BUF_INIT;
    dt_subject_normalize(m->subject, &norm);
    struct dt_record rec = {
        .msgid = dt_msgid_hash(m->id),
        .ancestors = anc,
        .n_ancestors = dt_thread_ancestors(&msg, anc, 8),
        .new_key = dt_thread_new_key(&msg, dt_msgid_hash(m->id)),
        .at = m->at,
        .outbound = m->out,
        .rep = m->rep,
        .counterpart = m->cp,
        .subject = m->subject,
        .subject_key = dt_string_hash(norm.data),
        .window_s = WINDOW,
        .score = m->score,
        .phrases = m->phrases,
        .counterpart_name = next_name,
    };
    next_name = NULL;
    int rc = dt_store_record(st, &rec, res, err);
    dt_buf_free(&norm);
    return rc;
}

UNUSED static struct dt_record_result put(struct dt_store *st, const struct m *m)
{
    struct dt_record_result res;
    struct dt_error err = {""};
    ck_assert_msg(put_err(st, m, &res, &err) == 0, "record %s: %s", m->id, err.msg);
    return res;
}

UNUSED static struct dt_store_counts counts(struct dt_store *st)
{
    struct dt_store_counts c;
    struct dt_error err;
    ck_assert_msg(dt_store_count(st, &c, &err) == 0, "%s", err.msg);
    return c;
}

/* One integer from raw SQL on the database file, behind the store's back. */
UNUSED static long long raw_int(const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *s;
    ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK, "%s", sqlite3_errmsg(db));
    ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
    long long v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

/* One text value from raw SQL on the database file (a static buffer). */
UNUSED static const char *raw_text(const char *sql)
{
    static char v[256];
    sqlite3 *db;
    sqlite3_stmt *s;
    ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK, "%s", sqlite3_errmsg(db));
    ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
    const unsigned char *t = sqlite3_column_text(s, 0);
    ck_assert_ptr_nonnull(t);
    snprintf(v, sizeof(v), "%s", (const char *)t);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

UNUSED static void raw_exec(const char *sql)
{
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
    char *msg = NULL;
    ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK, "%s", msg);
    sqlite3_close(db);
}

#endif
