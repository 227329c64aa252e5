/*
 * check_store_open.c - opening a store and its schema, a fresh store per
 * test: reopening, a newer schema refused, migrating a current store
 * (nothing changes) on SQLite and PostgreSQL alike (store_fixture.h);
 * SQLite's own (WAL, empty and foreign files, missing and read-only
 * directories, dt_store_migrate creating a file, a missing database never
 * created by dt_store_open_existing) against SQLite only.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store_fixture.h"
#include "testutil.h"

/* ---- schema ---- */

START_TEST(open_creates_and_reopens)
{
    struct dt_store *st = open_ok();
    ck_assert_int_eq(dt_store_schema_version(), 5);
    ck_assert_int_eq(dt_store_version(st), dt_store_schema_version());
    ck_assert(!dt_store_broken(st));
    struct dt_store_counts c = counts(st);
    ck_assert_uint_eq(c.outbound + c.inbound + c.threads, 0);
    put(st, &(struct m){.id = "a@x", .at = T0, .out = true, .rep = "r@corp", .cp = "c@cust"});
    dt_store_close(st);

    ck_assert_int_eq(raw_int("SELECT version FROM schema_version"), 5);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM schema_version"), 1);

    st = open_ok();
    ck_assert_int_eq(dt_store_version(st), 5);
    ck_assert_uint_eq(counts(st).outbound, 1);
    dt_store_close(st);
    dt_store_close(NULL);
    ck_assert(!dt_store_broken(NULL));
}
END_TEST

START_TEST(open_sets_wal)
{
    dt_store_close(open_ok());
    ck_assert_str_eq(raw_text("PRAGMA journal_mode"), "wal");
}
END_TEST

/* Migrating a store that is current changes nothing; its data stays. */
START_TEST(migrate_current_is_a_no_op)
{
    struct dt_store *st = open_ok();
    put(st, &(struct m){.id = "a@x", .at = T0, .out = true, .rep = "r@corp", .cp = "c@cust"});
    dt_store_close(st);
    int from = -1, to = -1;
    struct dt_error err = {""};
    ck_assert_msg(dt_store_migrate(db_path, &from, &to, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(from, dt_store_schema_version());
    ck_assert_int_eq(to, dt_store_schema_version());
    ck_assert_msg(dt_store_migrate(db_path, NULL, NULL, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM schema_version"), 1);
    st = open_ok();
    ck_assert_uint_eq(counts(st).outbound, 1);
    dt_store_close(st);
    ck_assert_int_eq(dt_store_migrate("", &from, &to, &err), -1);
    ck_assert_str_eq(err.msg, "no database configured");
    ck_assert_int_eq(dt_store_migrate(NULL, &from, &to, &err), -1);
}
END_TEST

/* SQLite: migrate creates a missing file (the admin's step is harmless there). */
START_TEST(migrate_creates_sqlite_file)
{
    int from = -1, to = -1;
    struct dt_error err = {""};
    ck_assert_msg(dt_store_migrate(db_path, &from, &to, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(from, 0);
    ck_assert_int_eq(to, dt_store_schema_version());
    ck_assert_int_eq(raw_int("SELECT version FROM schema_version"), dt_store_schema_version());
    struct dt_store *st;
    ck_assert_msg(dt_store_open_existing(db_path, &st, &err) == 0, "%s", err.msg);
    dt_store_close(st);
}
END_TEST

START_TEST(open_empty_file_gets_schema)
{
    FILE *f = fopen(db_path, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    struct dt_store *st = open_ok();
    ck_assert_int_eq(dt_store_version(st), dt_store_schema_version());
    dt_store_close(st);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM sqlite_master WHERE name = 'events'"), 1);
}
END_TEST

START_TEST(open_refuses_newer_version)
{
    dt_store_close(open_ok());
    raw_exec("UPDATE schema_version SET version = 99");
    struct dt_store *st = (struct dt_store *)1;
    struct dt_error err = {""};
    ck_assert_int_eq(dt_store_open(db_path, &st, &err), -1);
    ck_assert_ptr_null(st);
    ck_assert_msg(strncmp(err.msg, db_label, strlen(db_label)) == 0, "%s", err.msg);
    ck_assert_msg(strstr(err.msg, "schema version 99 is newer") != NULL, "%s", err.msg);
    ck_assert_ptr_null(strchr(err.msg, '\n'));
    /* nor opened by the commands, nor migrated */
    st = (struct dt_store *)1;
    ck_assert_int_eq(dt_store_open_existing(db_path, &st, &err), -1);
    ck_assert_ptr_null(st);
    ck_assert_msg(strstr(err.msg, "schema version 99 is newer") != NULL, "%s", err.msg);
    ck_assert_int_eq(dt_store_migrate(db_path, NULL, NULL, &err), -1);
    ck_assert_msg(strstr(err.msg, "schema version 99 is newer") != NULL, "%s", err.msg);
    /* untouched */
    ck_assert_int_eq(raw_int("SELECT version FROM schema_version"), 99);
}
END_TEST

START_TEST(open_refuses_foreign_and_garbage)
{
    raw_exec("CREATE TABLE foo(x)");
    struct dt_store *st;
    struct dt_error err = {""};
    ck_assert_int_eq(dt_store_open(db_path, &st, &err), -1);
    ck_assert_msg(strstr(err.msg, "not a dealtemp database") != NULL, "%s", err.msg);
    teardown();

    setup();
    FILE *f = fopen(db_path, "w");
    ck_assert_ptr_nonnull(f);
    for (int i = 0; i < 200; i++)
        fputs("this is not a database at all\n", f);
    fclose(f);
    ck_assert_int_eq(dt_store_open(db_path, &st, &err), -1);
    ck_assert_msg(strncmp(err.msg, db_path, strlen(db_path)) == 0, "%s", err.msg);
    ck_assert_msg(strstr(err.msg, "not a database") != NULL, "%s", err.msg);
}
END_TEST

START_TEST(open_missing_directory)
{
    char p[320];
    struct dt_store *st;
    struct dt_error err = {""};
    snprintf(p, sizeof(p), "%s/no/such/dir/dealtemp.db", dir);
    ck_assert_int_eq(dt_store_open(p, &st, &err), -1);
    ck_assert_msg(strncmp(err.msg, p, strlen(p)) == 0, "%s", err.msg);
    ck_assert_msg(strstr(err.msg, "No such file or directory") != NULL, "%s", err.msg);
    struct stat sb;
    ck_assert_int_eq(stat(p, &sb), -1); /* nothing created */

    /* the "directory" is a file */
    dt_store_close(open_ok());
    snprintf(p, sizeof(p), "%s/x.db", db_path);
    ck_assert_int_eq(dt_store_open(p, &st, &err), -1);
    ck_assert_msg(strstr(err.msg, "is not a directory") != NULL, "%s", err.msg);

    ck_assert_int_eq(dt_store_open("", &st, &err), -1);
    ck_assert_str_eq(err.msg, "no database configured");
    ck_assert_int_eq(dt_store_open(NULL, &st, &err), -1);
    /* A PostgreSQL string is never taken for a file name: nothing listens on port 1. */
    ck_assert_int_eq(dt_store_open("postgresql://dt@127.0.0.1:1/dealtemp", &st, &err), -1);
    ck_assert_msg(strstr(err.msg, "postgresql://dt@127.0.0.1:1/dealtemp: connection to server") ==
                      err.msg,
                  "%s", err.msg);
}
END_TEST

/* The commands that only read or maintain a database never create one. */
START_TEST(open_existing_creates_nothing)
{
    struct dt_store *st = (struct dt_store *)1;
    struct dt_error err = {""};
    char want[400], p[320];
    ck_assert_int_eq(dt_store_open_existing(db_path, &st, &err), -1);
    ck_assert_ptr_null(st);
    snprintf(want, sizeof(want),
             "%s: no such database (run dealtemp import, or start the milter, to create it)",
             db_path);
    ck_assert_str_eq(err.msg, want);
    const char *suffix[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < 4; i++) {
        struct stat sb;
        snprintf(p, sizeof(p), "%s%s", db_path, suffix[i]);
        ck_assert_msg(stat(p, &sb) == -1 && errno == ENOENT, "%s was created", p);
    }
    /* The directory is still checked first, and the same strings are refused. */
    snprintf(p, sizeof(p), "%s/no/such/dir/dealtemp.db", dir);
    ck_assert_int_eq(dt_store_open_existing(p, &st, &err), -1);
    ck_assert_msg(strstr(err.msg, "No such file or directory") != NULL, "%s", err.msg);
    ck_assert_int_eq(dt_store_open_existing("", &st, &err), -1);
    ck_assert_int_eq(dt_store_open_existing("postgres://dt@127.0.0.1:1/dealtemp", &st, &err), -1);
    ck_assert_msg(strstr(err.msg, "refused") != NULL, "%s", err.msg);

    /* Once created (by dt_store_open: import, the milter) it opens as usual. */
    st = open_ok();
    put(st, &(struct m){.id = "a@x", .at = T0, .out = true, .rep = "r@corp", .cp = "c@cust"});
    dt_store_close(st);
    ck_assert_msg(dt_store_open_existing(db_path, &st, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(dt_store_version(st), dt_store_schema_version());
    ck_assert_uint_eq(counts(st).outbound, 1);
    dt_store_close(st);

    /* An empty file is a database without its schema yet: it gets one. */
    teardown();
    setup();
    FILE *f = fopen(db_path, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    ck_assert_msg(dt_store_open_existing(db_path, &st, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(dt_store_version(st), dt_store_schema_version());
    dt_store_close(st);
}
END_TEST

/* Try to open in a read-only directory; as root, from a child without privileges. */
START_TEST(open_read_only_directory)
{
    char ro[128], p[192];
    snprintf(ro, sizeof(ro), "%s/ro", dir);
    snprintf(p, sizeof(p), "%s/dealtemp.db", ro);
    ck_assert_int_eq(mkdir(ro, 0555), 0);
    ck_assert_int_eq(chmod(ro, 0555), 0);
    ck_assert_int_eq(chmod(dir, 0755), 0);
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        close(fds[0]);
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(3);
        struct dt_store *st;
        struct dt_error err = {""};
        int rc = dt_store_open(p, &st, &err);
        if (write(fds[1], err.msg, strlen(err.msg)) < 0)
            _exit(4);
        _exit(rc == -1 ? 0 : 1);
    }
    close(fds[1]);
    char msg[600] = "";
    ssize_t n, got = 0;
    while ((n = read(fds[0], msg + got, sizeof(msg) - 1 - (size_t)got)) > 0)
        got += n;
    close(fds[0]);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d: %s", status,
                  msg);
    ck_assert_msg(strncmp(msg, p, strlen(p)) == 0, "%s", msg);
    ck_assert_msg(strstr(msg, "is not writable") != NULL, "%s", msg);
    rmdir(ro);
}
END_TEST

static void schema_tests(TCase *tc)
{
    tcase_add_test(tc, open_creates_and_reopens);
    tcase_add_test(tc, open_refuses_newer_version);
    tcase_add_test(tc, migrate_current_is_a_no_op);
}

static void sqlite_schema_tests(TCase *tc)
{
    tcase_add_test(tc, open_sets_wal);
    tcase_add_test(tc, migrate_creates_sqlite_file);
    tcase_add_test(tc, open_empty_file_gets_schema);
    tcase_add_test(tc, open_refuses_foreign_and_garbage);
    tcase_add_test(tc, open_missing_directory);
    tcase_add_test(tc, open_read_only_directory);
    tcase_add_test(tc, open_existing_creates_nothing);
}

static Suite *store_open_suite(void)
{
    Suite *s = suite_create("store_open");
    add_both(s, "schema", 30, schema_tests);
    add_sqlite(s, "schema-sqlite", 0, sqlite_schema_tests);
    return s;
}

int main(void)
{
    return dt_test_run(store_open_suite());
}
