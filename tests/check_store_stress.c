/*
 * check_store_stress.c - the store under pressure, against both backends
 * (a SQLite file, and a PostgreSQL database in the "-pg" TCases;
 * store_fixture.h): 8 writer threads with their own handles in shared
 * threads, 4 processes recording the same 500 messages at once (each
 * stored once, threads as in a serial run), several processes claiming
 * the same digest (exactly one gets it), a writer killed with SIGKILL in
 * the middle of a batch (whole batches only). SQLite only: a database
 * locked by another connection (an error naming the file, not a hang) and
 * a bound on the bytes a message costs; PostgreSQL's locks and timeouts
 * are in check_store_pg.c.
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

/* ---- processes ---- */

#define PROCS 4
#define MSGS 500
#define ROOTS 100

/* Message i of the shared set: the first ROOTS start threads, the rest reply to one. */
static struct m shared_msg(int i, char *id, char *root, char *cp, char *subject)
{
    snprintf(id, 32, "p%d@corp", i);
    snprintf(root, 32, "p%d@corp", i % ROOTS);
    snprintf(cp, 32, "c%d@cust", i % 7);
    snprintf(subject, 32, "Deal %d", i);
    bool reply = i >= ROOTS;
    return (struct m){id,         reply ? root : NULL, reply ? root : NULL, T0 + i, i % 2 == 0,
                      "ann@corp", cp,                  reply ? NULL : subject, 0.1 * (i % 10),
                      i % 10 == 9 ? "wow" : NULL};
}

struct proc_result {
    int added, duplicates, errors, wrong_thread;
    char err[256];
};

/* A child: record every shared message, starting at message `first`. */
/* Child p of the race: every message, starting at its own place. */
static void record_all(int p, int go, void *arg, void *result)
{
    (void)arg;
    struct proc_result *r = result;
    struct dt_store *st;
    struct dt_error err = {""};
    /* each starts elsewhere: replies are stored before their roots, and met twice */
    int first = p * (MSGS / PROCS) + p * 7;
    if (!race_go(go))
        _exit(3);
    if (dt_store_open(db_path, &st, &err) < 0) {
        r->errors = MSGS;
        snprintf(r->err, sizeof(r->err), "%s", err.msg);
        return;
    }
    for (int k = 0; k < MSGS; k++) {
        int i = (first + k) % MSGS;
        char id[32], root[32], cp[32], subject[32];
        struct m m = shared_msg(i, id, root, cp, subject);
        struct dt_record_result res;
        if (put_err(st, &m, &res, &err) < 0) {
            r->errors++;
            snprintf(r->err, sizeof(r->err), "%s: %s", id, err.msg);
            continue;
        }
        r->added += !res.duplicate;
        r->duplicates += res.duplicate;
        r->wrong_thread += res.thread != dt_msgid_hash(root);
    }
    dt_store_close(st);
}

static int cmp_line(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A dump's lines sorted (thread row ids follow the order threads were made in). */
static char *sorted_dump(const char *db)
{
    size_t rows;
    char *d = dump_of(db, &rows), *lines[MSGS + 1];
    size_t n = 0;
    for (char *p = strtok(d, "\n"); p != NULL; p = strtok(NULL, "\n")) {
        ck_assert_uint_lt(n, MSGS + 1);
        lines[n++] = p;
    }
    ck_assert_uint_eq(n, rows);
    qsort(lines, n, sizeof(*lines), cmp_line);
    struct dt_buf b = DT_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        dt_buf_puts(&b, lines[i]);
        dt_buf_puts(&b, "\n");
    }
    free(d);
    return dt_buf_steal(&b, NULL);
}

START_TEST(processes_record_the_same_messages)
{
    dt_store_close(open_ok());
    struct proc_result res[PROCS];
    race(PROCS, record_all, NULL, res, sizeof(res[0]), 0, 90, "recording process");
    int added = 0;
    for (int p = 0; p < PROCS; p++) {
        struct proc_result r = res[p];
        ck_assert_msg(r.errors == 0, "process %d: %d errors, last: %s", p, r.errors, r.err);
        ck_assert_msg(r.wrong_thread == 0, "process %d: %d in the wrong thread", p,
                      r.wrong_thread);
        ck_assert_int_eq(r.added + r.duplicates, MSGS);
        added += r.added;
    }
    /* each message stored once, and reported new to exactly one process */
    ck_assert_int_eq(added, MSGS);
    struct dt_store *st = open_ok();
    struct dt_store_counts c = counts(st);
    ck_assert_uint_eq(c.outbound + c.inbound, MSGS);
    ck_assert_uint_eq(c.threads, ROOTS);
    dt_store_close(st);

    /* the same messages recorded one after the other give the same store */
    char serial[160];
    snprintf(serial, sizeof(serial), "%s/serial.db", dir);
    struct dt_error err = {""};
    ck_assert_msg(dt_store_open(serial, &st, &err) == 0, "%s", err.msg);
    for (int i = 0; i < MSGS; i++) {
        char id[32], root[32], cp[32], subject[32];
        struct m m = shared_msg(i, id, root, cp, subject);
        put(st, &m);
    }
    dt_store_close(st);
    char *a = sorted_dump(db_path), *b = sorted_dump(serial);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
}
END_TEST

#define CLAIMERS 6

struct claim_at {
    time_t day, now;
};

/* Child p: open first, then wait: the claims, not the connections, race. '1', '0' or 'E'. */
static void claim_one(int p, int go, void *arg, void *result)
{
    const struct claim_at *at = arg;
    char *r = result;
    struct dt_store *st;
    struct dt_error err = {""};
    bool claimed = false;
    *r = 'E';
    if (dt_store_open(db_path, &st, &err) == 0) {
        if (race_go(go) &&
            dt_store_digest_claim(st, "ann@corp", at->day, at->now, 3600, &claimed, &err) == 0)
            *r = claimed ? '1' : '0';
        dt_store_close(st);
    }
    if (*r == 'E')
        fprintf(stderr, "claimer %d: %s\n", p, err.msg);
}

/* CLAIMERS processes claim ann's digest for day at now at once: how many got it. */
static int claim_race(time_t day, time_t now)
{
    struct claim_at at = {day, now};
    char r[CLAIMERS];
    race(CLAIMERS, claim_one, &at, r, 1, 200 /* let them connect */, 60, "claiming process");
    int got = 0;
    for (int p = 0; p < CLAIMERS; p++) {
        ck_assert_msg(r[p] == '0' || r[p] == '1', "claimer %d failed (see stderr)", p);
        got += r[p] == '1';
    }
    return got;
}

START_TEST(processes_claim_one_digest)
{
    dt_store_close(open_ok());
    ck_assert_int_eq(claim_race(T0, T0 + 3600), 1);
    /* held and fresh: nobody */
    ck_assert_int_eq(claim_race(T0, T0 + 3600 + 60), 0);
    /* stale (its run died): taken over by exactly one */
    ck_assert_int_eq(claim_race(T0, T0 + 2 * 3600 + 1), 1);
    /* given back: exactly one again */
    struct dt_store *st = open_ok();
    struct dt_error err = {""};
    ck_assert_int_eq(dt_store_digest_release(st, "ann@corp", T0, &err), 0);
    dt_store_close(st);
    ck_assert_int_eq(claim_race(T0, T0 + 2 * 3600 + 2), 1);
    /* sent: nobody, ever */
    st = open_ok();
    ck_assert_int_eq(dt_store_digest_record(st, "ann@corp", T0, NULL, 0, T0 + 3 * 3600, &err), 0);
    dt_store_close(st);
    ck_assert_int_eq(claim_race(T0, T0 + 30 * DAY), 0);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM digest_sent"), 1);
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
    alarm(60); /* the reads below: a child that hangs fails the test, not the run */
    while (batches < 8 || records < 20) {
        ck_assert_int_eq(read(fds[0], &c, 1), 1);
        if (c == 'b') {
            batches++;
            records = 0;
        } else {
            records++;
        }
    }
    alarm(0);
    kill(pid, SIGKILL);
    int status = wait_child(pid, 10);
    close(fds[0]);
    ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    if (!on_pg) /* PostgreSQL rolls the open transaction back when the connection drops */
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
    char want[400];
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

static void stress_tests(TCase *tc)
{
    tcase_add_test(tc, concurrent_writers);
    tcase_add_test(tc, processes_record_the_same_messages);
    tcase_add_test(tc, processes_claim_one_digest);
    tcase_add_test(tc, killed_mid_batch);
}

static void sqlite_stress_tests(TCase *tc)
{
    tcase_add_test(tc, locked_database_fails_fast_naming_file);
    tcase_add_test(tc, compact_storage);
}

static Suite *store_stress_suite(void)
{
    Suite *s = suite_create("store_stress");
    add_both(s, "stress", 120, stress_tests);
    add_sqlite(s, "stress-sqlite", 120, sqlite_stress_tests);
    return s;
}

int main(void)
{
    return dt_test_run(store_stress_suite());
}
