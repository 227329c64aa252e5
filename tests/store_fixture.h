/*
 * store_fixture.h - what check_store.c, check_store_stress.c and
 * check_store_digest.c share: a fresh store per test - a SQLite file in a
 * fresh directory (setup/teardown) or a fresh PostgreSQL database with the
 * schema (pg_setup/pg_teardown, on the server make check starts) - the
 * same test functions run against either (add_both), messages recorded
 * the way the milter records them, and raw SQL behind the store's back on
 * whichever database the test has. Included by those suites only; every
 * helper fails the running test on error.
 */
#ifndef DEALTEMP_STORE_FIXTURE_H
#define DEALTEMP_STORE_FIXTURE_H

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dealtemp/store.h"
#include "dealtemp/thread.h"
#include "pgtest.h"
#include "testutil.h"

#define UNUSED __attribute__((unused))

#define DAY 86400L
#define WINDOW (30 * DAY)
#define T0 ((time_t)1790000000) /* 2026-09-21 */

static char dir[64];       /* a fresh directory (either backend: for files a test writes) */
static char db_path[256];  /* what the test opens: a SQLite file, or a PostgreSQL URL */
static char db_label[256]; /* how the store's messages name it (PostgreSQL: no password) */
static bool on_pg;         /* this test's store is PostgreSQL */

/* A fresh directory and database path for each test (each runs in its own process). */
UNUSED static void setup(void)
{
    on_pg = false;
    snprintf(dir, sizeof(dir), "/tmp/dt-store-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(db_path, sizeof(db_path), "%s/dealtemp.db", dir);
    snprintf(db_label, sizeof(db_label), "%s", db_path);
}

/* The directory and all in it (the database, and any other store a test made there). */
UNUSED static void teardown(void)
{
    dt_test_rm_rf(dir);
}

/* A fresh PostgreSQL database with the schema (dt_store_migrate), and a fresh directory. */
UNUSED static void pg_setup(void)
{
    on_pg = true;
    dt_test_mkdtemp(dir, sizeof(dir), "store-pg");
    dt_test_pg_create(db_path, sizeof(db_path), db_label, sizeof(db_label), true);
}

UNUSED static void pg_teardown(void)
{
    dt_test_pg_drop_all();
    dt_test_rm_rf(dir);
}

/* The tests add() adds, once with a SQLite store and (when a server runs) once with PostgreSQL. */
UNUSED static void add_both(Suite *s, const char *name, double timeout_s, void (*add)(TCase *tc))
{
    dt_test_add_both(s, name, timeout_s, add, setup, teardown, pg_setup, pg_teardown);
}

/* The tests add() adds, with a SQLite store only (what they check is SQLite's own). */
UNUSED static void add_sqlite(Suite *s, const char *name, double timeout_s, void (*add)(TCase *tc))
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, setup, teardown);
    if (timeout_s > 0)
        tcase_set_timeout(tc, timeout_s);
    add(tc);
    suite_add_tcase(s, tc);
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
/* The tone and people the next put() records (then cleared). */
static struct {
    double hesitation, engagement;
    unsigned kinds;
    const char *people;
} next_tone UNUSED;

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
        .hesitation = next_tone.hesitation,
        .engagement = next_tone.engagement,
        .kinds = next_tone.kinds,
        .people = next_tone.people,
    };
    next_name = NULL;
    memset(&next_tone, 0, sizeof(next_tone));
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

/* One integer from raw SQL on the test's database, behind the store's back. */
UNUSED static long long raw_int(const char *sql)
{
    if (on_pg)
        return dt_test_pg_int(db_path, sql);
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

/* One text value from raw SQL on the test's database (a static buffer). */
UNUSED static const char *raw_text(const char *sql)
{
    static char v[256];
    if (on_pg)
        return dt_test_pg_text(db_path, sql, v, sizeof(v));
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
    if (on_pg) {
        dt_test_pg_exec(db_path, sql);
        return;
    }
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
    char *msg = NULL;
    ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK, "%s", msg);
    sqlite3_close(db);
}

/* Every row a store's dump gives, one line each (malloc'd); *rows = how many. */
struct dump_text {
    struct dt_buf b;
    size_t rows;
};

UNUSED static int dump_line(const struct dt_raw *r, void *arg)
{
    struct dump_text *d = arg;
    char line[640];
    if (r->kind == DT_RAW_EVENT)
        snprintf(
            line, sizeof(line), "event %lld %lld %s %lld %lld %d %s %s %s %ld %s %ld %ld %u [%s]\n",
            (long long)r->thread, (long long)r->subject_key, r->subject ? r->subject : "-",
            (long long)r->msgid, (long long)r->at, r->outbound, r->rep ? r->rep : "-",
            r->counterpart ? r->counterpart : "-", r->counterpart_name ? r->counterpart_name : "-",
            r->score_milli, r->phrases ? r->phrases : "-", r->hesitation_milli, r->engagement_milli,
            r->kinds, r->people ? r->people : "-");
    else if (r->kind == DT_RAW_DIGEST_SENT)
        snprintf(line, sizeof(line), "sent %s %lld %lld\n", r->rep, (long long)r->day,
                 (long long)r->at);
    else
        snprintf(line, sizeof(line), "item %s %lld %lld\n", r->rep, (long long)r->thread,
                 (long long)r->at);
    dt_buf_puts(&d->b, line);
    d->rows++;
    return 0;
}

UNUSED static char *dump_of(const char *db, size_t *rows)
{
    struct dt_store *st = NULL;
    struct dt_error err = {""};
    ck_assert_msg(dt_store_open_existing(db, &st, &err) == 0, "%s", err.msg);
    struct dump_text d = {DT_BUF_INIT, 0};
    dt_buf_puts(&d.b, "");
    ck_assert_msg(dt_store_dump(st, dump_line, &d, &err) == 0, "dump: %s", err.msg);
    dt_store_close(st);
    if (rows != NULL)
        *rows = d.rows;
    return dt_buf_steal(&d.b, NULL);
}

/* Monotonic seconds, for bounds on how long a call may take. */
UNUSED static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Wait for child pid at most timeout_s seconds (then SIGKILL it and fail);
 * its exit status.
 */
UNUSED static int wait_child(pid_t pid, double timeout_s)
{
    double until = now_s() + timeout_s;
    int status = 0;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        ck_assert_msg(r != -1, "waitpid %ld: %s", (long)pid, strerror(errno));
        if (r == pid)
            return status;
        if (now_s() > until) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            ck_abort_msg("child %ld still running after %.1f s: killed", (long)pid, timeout_s);
        }
        struct timespec pause = {0, 5 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

/* The child exited 0, or the test fails naming what it said. */
UNUSED static void child_ok(pid_t pid, double timeout_s, const char *what)
{
    int status = wait_child(pid, timeout_s);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: child status 0x%x", what,
                  status);
}

/*
 * n child processes that start together: child(p, arg, result) runs in
 * child p (alarm 60 s); it may prepare first and then call race_go(go)
 * to wait for the start, which comes once every child is forked and
 * settle_ms have passed. Each child's result (size bytes) lands in
 * results[p]; a child that fails to report fails the test.
 */
typedef void race_child_fn(int p, int go, void *arg, void *result);

/* In a child: wait for the start. False if the parent went away first. */
UNUSED static bool race_go(int go)
{
    char c;
    return read(go, &c, 1) == 0; /* EOF: everyone starts at once */
}

UNUSED static void race(int n, race_child_fn *child, void *arg, void *results, size_t size,
                        int settle_ms, double timeout_s, const char *what)
{
    int go[2], out[64][2];
    pid_t pid[64];
    ck_assert_int_le(n, 64);
    ck_assert_int_eq(pipe(go), 0);
    for (int p = 0; p < n; p++) {
        ck_assert_int_eq(pipe(out[p]), 0);
        pid[p] = fork();
        ck_assert_int_ne(pid[p], -1);
        if (pid[p] == 0) {
            close(go[1]);
            alarm(60);
            char *r = calloc(1, size);
            if (r == NULL)
                _exit(3);
            child(p, go[0], arg, r);
            _exit(write(out[p][1], r, size) == (ssize_t)size ? 0 : 4);
        }
        close(out[p][1]);
    }
    close(go[0]);
    if (settle_ms > 0) {
        struct timespec settle = {settle_ms / 1000, (long)(settle_ms % 1000) * 1000000L};
        nanosleep(&settle, NULL);
    }
    close(go[1]); /* go */
    for (int p = 0; p < n; p++) {
        child_ok(pid[p], timeout_s, what);
        ck_assert_int_eq(read(out[p][0], (char *)results + (size_t)p * size, size), (ssize_t)size);
        close(out[p][0]);
    }
}

#endif
