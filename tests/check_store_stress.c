/*
 * check_store_stress.c - the SQLite store under pressure, in a fresh
 * temporary directory per test: 8 writer threads with their own handles
 * in shared threads, a writer killed with SIGKILL in the middle of a
 * batch, a database locked by another connection (an error naming the
 * file, not a hang), and a bound on the bytes a message costs.
 */
#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store_fixture.h"
#include "testutil.h"

/* ---- concurrency and crashes ---- */

#define WRITERS 8
#define PER_WRITER 500

struct writer {
    int no;
    int failures;
    char err[512];
};

static void *writer_main(void *arg)
{
    struct writer *w = arg;
    struct dt_store *st;
    struct dt_error err;
    if (dt_store_open(db_path, &st, &err) < 0) {
        w->failures = PER_WRITER;
        snprintf(w->err, sizeof(w->err), "%s", err.msg);
        return NULL;
    }
    char id[64], root[64], subject[64];
    for (int i = 0; i < PER_WRITER; i++) {
        snprintf(id, sizeof(id), "w%d-m%d@corp", w->no, i);
        snprintf(root, sizeof(root), "root%d@corp", i % 10); /* shared, never stored itself */
        snprintf(subject, sizeof(subject), "Re: Deal %d", i % 10);
        struct dt_record_result res;
        struct m m = {id,         root,       root,    T0 + i, i % 2 == 0,
                      "ann@corp", "bob@cust", subject, 0.5,    NULL};
        if (put_err(st, &m, &res, &err) < 0 || res.thread != dt_msgid_hash(root)) {
            w->failures++;
            snprintf(w->err, sizeof(w->err), "%s", err.msg);
        }
    }
    dt_store_close(st);
    return NULL;
}

START_TEST(concurrent_writers)
{
    dt_store_close(open_ok());
    pthread_t t[WRITERS];
    struct writer w[WRITERS];
    for (int i = 0; i < WRITERS; i++) {
        w[i] = (struct writer){.no = i};
        ck_assert_int_eq(pthread_create(&t[i], NULL, writer_main, &w[i]), 0);
    }
    for (int i = 0; i < WRITERS; i++) {
        pthread_join(t[i], NULL);
        ck_assert_msg(w[i].failures == 0, "writer %d: %d failures, last: %s", i, w[i].failures,
                      w[i].err);
    }
    struct dt_store *st = open_ok();
    struct dt_store_counts c = counts(st);
    ck_assert_uint_eq(c.outbound + c.inbound, WRITERS * PER_WRITER);
    ck_assert_uint_eq(c.threads, 10);
    dt_store_close(st);
}
END_TEST

#define BATCH 500

START_TEST(killed_mid_batch)
{
    dt_store_close(open_ok());
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        close(fds[0]);
        struct dt_store *st;
        struct dt_error err;
        if (dt_store_open(db_path, &st, &err) < 0)
            _exit(2);
        char id[64];
        for (int b = 0;; b++) {
            if (dt_store_begin(st, &err) < 0)
                _exit(3);
            for (int i = 0; i < BATCH; i++) {
                snprintf(id, sizeof(id), "k%d-%d@corp", b, i);
                struct dt_record_result res;
                struct m m = {id,         NULL,       NULL,     T0 + b, true,
                              "ann@corp", "bob@cust", "Import", 0.3,    "great"};
                if (put_err(st, &m, &res, &err) < 0 || write(fds[1], "r", 1) != 1)
                    _exit(4);
            }
            if (dt_store_commit(st, &err) < 0)
                _exit(5);
            if (write(fds[1], "b", 1) != 1)
                _exit(6);
        }
    }
    close(fds[1]);
    /* Kill it 20 records into the ninth batch: 8 batches are committed, the
     * ninth is open with most of its records still to come. */
    int batches = 0, records = 0;
    char c;
    while (batches < 8 || records < 20) {
        ck_assert_int_eq(read(fds[0], &c, 1), 1);
        if (c == 'b') {
            batches++;
            records = 0;
        } else {
            records++;
        }
    }
    kill(pid, SIGKILL);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    close(fds[0]);
    ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    ck_assert_str_eq(raw_text("PRAGMA integrity_check"), "ok");

    struct dt_store *st = open_ok();
    struct dt_store_counts n = counts(st);
    ck_assert_uint_ge(n.outbound, 8 * BATCH);
    ck_assert_uint_le(n.outbound, 9 * BATCH);
    ck_assert_uint_eq(n.outbound % BATCH, 0); /* whole batches only */
    struct dt_error err;
    ck_assert_int_eq(dt_store_begin(st, &err), 0);
    put(st,
        &(struct m){"after@corp", NULL, NULL, T0, true, "ann@corp", "bob@cust", "Import", 0, NULL});
    ck_assert_int_eq(dt_store_commit(st, &err), 0);
    ck_assert_uint_eq(counts(st).outbound, n.outbound + 1);
    dt_store_close(st);
}
END_TEST

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

START_TEST(locked_database_fails_fast_naming_file)
{
    struct dt_store *st = open_ok();
    dt_store_set_busy_timeout(st, 200);
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);

    struct dt_record_result res;
    struct dt_error err = {""};
    struct m m = {"l@corp", NULL, NULL, T0, true, "ann@corp", "bob@cust", "Locked", 0, NULL};
    double t = now_s();
    ck_assert_int_eq(put_err(st, &m, &res, &err), -1);
    double took = now_s() - t;
    ck_assert_msg(took >= 0.15 && took < 2.0, "waited %.2f s", took);
    char want[256];
    snprintf(want, sizeof(want), "%s: database is locked", db_path);
    ck_assert_str_eq(err.msg, want);
    ck_assert_int_eq(dt_store_begin(st, &err), -1);
    ck_assert_str_eq(err.msg, want);
    /* reading still works under a writer's lock (WAL) */
    ck_assert_uint_eq(counts(st).outbound, 0);

    ck_assert_int_eq(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    put(st, &m);
    ck_assert_uint_eq(counts(st).outbound, 1);
    dt_store_close(st);
}
END_TEST

START_TEST(compact_storage)
{
    /* 20,000 messages in 2,000 threads of 50 reps: a regression bound on the bytes a message costs.
     */
    struct dt_store *st = open_ok();
    struct dt_error err;
    char id[64], root[64], rep[64], cp[64], subject[64];
    ck_assert_int_eq(dt_store_begin(st, &err), 0);
    for (int i = 0; i < 20000; i++) {
        int t = i % 2000;
        snprintf(id, sizeof(id), "m%d.%08x@mail.corp.example", i, (unsigned)i * 2654435761u);
        snprintf(root, sizeof(root), "m%d.%08x@mail.corp.example", t, (unsigned)t * 2654435761u);
        snprintf(rep, sizeof(rep), "rep%d@corp.example", t % 50);
        snprintf(cp, sizeof(cp), "buyer%d@customer%d.example", t, t % 700);
        snprintf(subject, sizeof(subject), "Proposal for project %d", t);
        struct m m = {id,
                      i < 2000 ? NULL : root,
                      NULL,
                      T0 + i * 60,
                      i % 3 != 1,
                      rep,
                      cp,
                      subject,
                      (i % 10) / 10.0,
                      i % 10 == 9 ? "amazing, can't wait" : NULL};
        put(st, &m);
    }
    ck_assert_int_eq(dt_store_commit(st, &err), 0);
    ck_assert_uint_eq(counts(st).threads, 2000);
    dt_store_close(st);
    raw_exec("PRAGMA wal_checkpoint(TRUNCATE)");
    long long bytes =
        raw_int("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size");
    ck_assert_msg(bytes / 20000 < 120, "%lld bytes per message", bytes / 20000);
}
END_TEST

static Suite *store_stress_suite(void)
{
    Suite *s = suite_create("store_stress");
    TCase *tc = tcase_create("stress");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, concurrent_writers);
    tcase_add_test(tc, killed_mid_batch);
    tcase_add_test(tc, locked_database_fails_fast_naming_file);
    tcase_add_test(tc, compact_storage);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_test_run(store_stress_suite());
}
