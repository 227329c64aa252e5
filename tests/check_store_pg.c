/*
 * check_store_pg.c - what only the PostgreSQL store has, on the server
 * make check starts (DT_TEST_PG_URL; without it this suite adds no case
 * and says so, or fails under DT_TEST_REQUIRE_PG=1), a fresh database per
 * test (store_fixture.h): the schema is made only by dt_store_migrate -
 * open refuses none, an older and a newer one, migrate makes it, reports
 * it current, runs harmlessly from two processes at once; connection
 * errors in one line naming the database and never its password (a wrong
 * password, a role or database that does not exist, strings libpq cannot
 * parse); the deadlines (a server that accepts and never answers, a
 * statement waiting for another session's lock, a backend that goes
 * silent mid-call); a connection the server
 * ends (the handle is broken, a new one works, nothing is stored twice);
 * and a copy SQLite -> PostgreSQL -> SQLite that changes nothing.
 * The store-interface cases run against PostgreSQL in the "-pg" TCases of
 * check_store.c, check_store_digest.c and check_store_stress.c.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dealtemp/migrate.h"
#include "store_fixture.h"
#include "testutil.h"

#define SECRET "s3cr3t-Pw"

/* An error of one line, starting with "<label>: ", without SECRET. */
static void assert_error_line(const char *msg, const char *label)
{
    ck_assert_msg(strncmp(msg, label, strlen(label)) == 0 && msg[strlen(label)] == ':',
                  "\"%s\" does not start with \"%s:\"", msg, label);
    ck_assert_msg(strchr(msg, '\n') == NULL && strchr(msg, '\r') == NULL, "two lines: %s", msg);
    ck_assert_msg(strstr(msg, SECRET) == NULL, "the password is in: %s", msg);
}

/* Opening db must fail with an error starting with "<label>: " and containing want. */
static void open_fails(const char *db, const char *label, const char *want)
{
    struct dt_store *st = (struct dt_store *)&st;
    struct dt_error err = {""};
    struct dt_store_options o = {false, 5000, 5000};
    ck_assert_int_eq(dt_store_open_opts(db, &o, &st, &err), -1);
    ck_assert_ptr_null(st);
    assert_error_line(err.msg, label);
    ck_assert_msg(strstr(err.msg, want) != NULL, "\"%s\" not in: %s", want, err.msg);
}

static const char *port(void)
{
    static char p[16];
    char url[256], label[256];
    dt_test_pg_url_of("x", url, sizeof(url), label, sizeof(label));
    const char *colon = strrchr(label, ':');
    ck_assert_ptr_nonnull(colon);
    snprintf(p, sizeof(p), "%.*s", (int)strcspn(colon + 1, "/"), colon + 1);
    return p;
}

/* The role the suites connect as (from DT_TEST_PG_URL). */
static const char *user(void)
{
    static char u[64];
    char url[256], label[256];
    dt_test_pg_url_of("x", url, sizeof(url), label, sizeof(label));
    const char *p = label + strlen("postgresql://");
    snprintf(u, sizeof(u), "%.*s", (int)strcspn(p, "@"), p);
    return u;
}

/* The database name of the test's store (the last part of its URL). */
static const char *db_name(void)
{
    return strrchr(db_label, '/') + 1;
}

/* ---- the schema: only migrate makes it ---- */

START_TEST(open_refuses_a_database_without_schema)
{
    char url[256], label[256], want[512];
    dt_test_pg_create(url, sizeof(url), label, sizeof(label), false);
    struct dt_store *st = (struct dt_store *)&st;
    struct dt_error err = {""};
    snprintf(want, sizeof(want),
             "%s: no dealtemp schema in this database (run dealtemp migrate -c CONF once, as "
             "the role that owns the schema)",
             label);
    ck_assert_int_eq(dt_store_open(url, &st, &err), -1);
    ck_assert_ptr_null(st);
    ck_assert_str_eq(err.msg, want);
    ck_assert_int_eq(dt_store_open_existing(url, &st, &err), -1);
    ck_assert_str_eq(err.msg, want);
    /* and opening made nothing */
    ck_assert_int_eq(dt_test_pg_int(url, "SELECT count(*) FROM pg_tables WHERE schemaname ="
                                         " current_schema()"),
                     0);
}
END_TEST

START_TEST(open_refuses_an_older_schema)
{
    raw_exec("UPDATE schema_version SET version = 3");
    char want[512];
    snprintf(want, sizeof(want),
             "%s: schema version 3 is older than this dealtemp's (5): run dealtemp migrate -c "
             "CONF once, as the role that owns the schema",
             db_label);
    struct dt_store *st = (struct dt_store *)&st;
    struct dt_error err = {""};
    ck_assert_int_eq(dt_store_open(db_path, &st, &err), -1);
    ck_assert_ptr_null(st);
    ck_assert_str_eq(err.msg, want);
    /* PostgreSQL support starts at version 4: there is no step from 3, and a
     * failed migration changes nothing. */
    int from = -1, to = -1;
    ck_assert_int_eq(dt_store_migrate(db_path, &from, &to, &err), -1);
    assert_error_line(err.msg, db_label);
    ck_assert_msg(strstr(err.msg, "schema step 4") != NULL, "%s", err.msg);
    ck_assert_int_eq(raw_int("SELECT version FROM schema_version"), 3);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM schema_version"), 1);
}
END_TEST

START_TEST(open_refuses_a_newer_schema)
{
    raw_exec("UPDATE schema_version SET version = 6");
    char want[512];
    snprintf(want, sizeof(want),
             "%s: schema version 6 is newer than this dealtemp supports (5); upgrade dealtemp",
             db_label);
    struct dt_store *st = (struct dt_store *)&st;
    struct dt_error err = {""};
    ck_assert_int_eq(dt_store_open(db_path, &st, &err), -1);
    ck_assert_ptr_null(st);
    ck_assert_str_eq(err.msg, want);
    int from = -1, to = -1;
    ck_assert_int_eq(dt_store_migrate(db_path, &from, &to, &err), -1);
    ck_assert_str_eq(err.msg, want);
    ck_assert_int_eq(raw_int("SELECT version FROM schema_version"), 6);
}
END_TEST

/* A database the previous release (schema 4) left: migrate adds the
 * customer's side and keeps every message; until then the milter refuses it. */
START_TEST(version_4_migrates_and_keeps_its_events)
{
    struct dt_store *st = open_ok();
    put(st, &(struct m){"v4a@corp", NULL, NULL, T0, true, "ann@corp", "bob@cust", "Pilot", 0.9,
                        "amazing"});
    put(st, &(struct m){"v4b@cust", "v4a@corp", NULL, T0 + DAY, false, "ann@corp", "bob@cust",
                        "Re: Pilot", 0, NULL});
    dt_store_close(st);
    raw_exec("ALTER TABLE events DROP COLUMN hesitation, DROP COLUMN engagement,"
             " DROP COLUMN kinds, DROP COLUMN people");
    raw_exec("UPDATE schema_version SET version = 4");
    struct dt_error err = {""};
    st = (struct dt_store *)&st;
    ck_assert_int_eq(dt_store_open(db_path, &st, &err), -1);
    ck_assert_msg(strstr(err.msg, "schema version 4 is older") != NULL, "%s", err.msg);
    int from = -1, to = -1;
    ck_assert_msg(dt_store_migrate(db_path, &from, &to, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(from, 4);
    ck_assert_int_eq(to, 5);
    st = open_ok();
    size_t rows;
    char *d = dump_of(db_path, &rows);
    ck_assert_uint_eq(rows, 2);
    ck_assert_msg(strstr(d, " 900 amazing 0 0 0 [-]\n") != NULL, "%s", d);
    ck_assert_msg(strstr(d, " 0 - 0 0 0 [-]\n") != NULL, "%s", d);
    free(d);
    dt_store_close(st);
}
END_TEST

START_TEST(migrate_creates_then_reports_current)
{
    char url[256], label[256];
    dt_test_pg_create(url, sizeof(url), label, sizeof(label), false);
    int from = -1, to = -1;
    struct dt_error err = {""};
    ck_assert_msg(dt_store_migrate(url, &from, &to, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(from, 0);
    ck_assert_int_eq(to, 5);
    ck_assert_int_eq(to, dt_store_schema_version());
    ck_assert_msg(dt_store_migrate(url, &from, &to, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(from, 5);
    ck_assert_int_eq(to, 5);
    ck_assert_int_eq(dt_test_pg_int(url, "SELECT count(*) FROM schema_version"), 1);
    ck_assert_int_eq(dt_test_pg_int(url, "SELECT version FROM schema_version"), 5);

    /* the keyword form names the same database */
    char kw[512];
    snprintf(kw, sizeof(kw), "host=127.0.0.1 port=%s user=%s dbname=%s", port(), user(),
             strrchr(label, '/') + 1);
    struct dt_store *st;
    ck_assert_msg(dt_store_open(kw, &st, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(dt_store_version(st), 5);
    ck_assert(!dt_store_broken(st));
    dt_store_close(st);

    /* tables of the same names without schema_version: not ours, left alone */
    dt_test_pg_create(url, sizeof(url), label, sizeof(label), false);
    dt_test_pg_exec(url, "CREATE TABLE events(x integer)");
    ck_assert_int_eq(dt_store_migrate(url, &from, &to, &err), -1);
    char want[512];
    snprintf(want, sizeof(want),
             "%s: not a dealtemp database (tables named like dealtemp's, but no schema_version "
             "table)",
             label);
    ck_assert_str_eq(err.msg, want);
    ck_assert_int_eq(dt_test_pg_int(url, "SELECT count(*) FROM pg_tables WHERE schemaname ="
                                         " current_schema()"),
                     1);
}
END_TEST

#define MIGRATORS 4

/* Child p: migrate the database named by arg; r[0] its result, r[1..2] the versions. */
static void migrate_one(int p, int go, void *arg, void *result)
{
    int *r = result;
    struct dt_error err = {""};
    r[0] = r[1] = r[2] = -1;
    if (race_go(go))
        r[0] = dt_store_migrate(arg, &r[1], &r[2], &err);
    if (r[0] != 0)
        fprintf(stderr, "migrator %d: %s\n", p, err.msg);
}

START_TEST(migrate_from_several_processes_at_once)
{
    char url[256], label[256];
    dt_test_pg_create(url, sizeof(url), label, sizeof(label), false);
    int r[MIGRATORS][3];
    race(MIGRATORS, migrate_one, url, r, sizeof(r[0]), 0, 60, "migrating process");
    int made = 0;
    for (int p = 0; p < MIGRATORS; p++) {
        ck_assert_msg(r[p][0] == 0, "migrator %d failed (see stderr)", p);
        ck_assert_int_eq(r[p][2], 5);
        ck_assert_msg(r[p][1] == 0 || r[p][1] == 5, "migrator %d: from %d", p, r[p][1]);
        made += r[p][1] == 0;
    }
    ck_assert_int_eq(made, 1); /* one did the work, the others found it done */
    ck_assert_int_eq(dt_test_pg_int(url, "SELECT count(*) FROM schema_version"), 1);
    struct dt_store *st;
    struct dt_error err = {""};
    ck_assert_msg(dt_store_open(url, &st, &err) == 0, "%s", err.msg);
    dt_store_close(st);
}
END_TEST

/* ---- connecting: one line, the database named, never the password ---- */

static char hba_path[512];
static char *hba_saved;

/* pg_hba.conf of the test server with line first, the server reloaded. */
static void hba_prepend(const char *line)
{
    const char *data = getenv("DT_TEST_PG_DATA");
    ck_assert_msg(data != NULL && *data != '\0',
                  "DT_TEST_PG_DATA unset: the password case needs the test server's pg_hba.conf "
                  "(make check sets it)");
    snprintf(hba_path, sizeof(hba_path), "%s/pg_hba.conf", data);
    size_t n;
    hba_saved = dt_test_slurp(hba_path, &n);
    /* without the lines of an earlier run of this case that failed half-way */
    for (char *l = hba_saved; *l != '\0';) {
        char *end = strchr(l, '\n');
        end = end ? end + 1 : l + strlen(l);
        if (strncmp(l, "host all dt_pw_", 15) == 0)
            memmove(l, end, strlen(end) + 1);
        else
            l = end;
    }
    FILE *f = fopen(hba_path, "w"); /* in place: the file keeps its owner */
    ck_assert_msg(f != NULL, "%s: %s (the password case rewrites it for a moment)", hba_path,
                  strerror(errno));
    fprintf(f, "%s\n%s", line, hba_saved);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_eq(dt_test_pg_int(getenv("DT_TEST_PG_ADMIN_URL"), "SELECT pg_reload_conf()::int"),
                     1);
}

static void hba_restore(void)
{
    FILE *f = fopen(hba_path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(hba_saved, f);
    ck_assert_int_eq(fclose(f), 0);
    free(hba_saved);
    hba_saved = NULL;
    ck_assert_int_eq(dt_test_pg_int(getenv("DT_TEST_PG_ADMIN_URL"), "SELECT pg_reload_conf()::int"),
                     1);
}

/* The server asks role for a password over TCP (the reload is asynchronous: wait, bounded). */
static void wait_for_password_auth(const char *url)
{
    for (int i = 0; i < 200; i++) {
        PGconn *c = PQconnectdb(url);
        bool asks = PQstatus(c) == CONNECTION_BAD &&
                    strstr(PQerrorMessage(c), "password authentication failed") != NULL;
        PQfinish(c);
        if (asks)
            return;
        struct timespec pause = {0, 25 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    ck_abort_msg("after 5 s the server still lets %s in without its password", url);
}

START_TEST(wrong_password)
{
    /* The test server trusts every local connection; for one role of this
     * test it is told to check passwords (scram-sha-256) for a moment. */
    const char *admin = getenv("DT_TEST_PG_ADMIN_URL");
    char role[64], sql[512], url[512], label[512], kw[512];
    snprintf(role, sizeof(role), "dt_pw_%ld", (long)getpid());
    snprintf(sql, sizeof(sql),
             "DROP ROLE IF EXISTS %s; CREATE ROLE %s LOGIN PASSWORD 'right-" SECRET "'", role,
             role);
    dt_test_pg_exec(admin, sql);
    snprintf(sql, sizeof(sql), "GRANT ALL ON ALL TABLES IN SCHEMA public TO %s", role);
    raw_exec(sql);
    snprintf(sql, sizeof(sql), "host all %s 127.0.0.1/32 scram-sha-256", role);
    hba_prepend(sql);

    snprintf(url, sizeof(url), "postgresql://%s:" SECRET "@127.0.0.1:%s/%s", role, port(),
             db_name());
    snprintf(label, sizeof(label), "postgresql://%s@127.0.0.1:%s/%s", role, port(), db_name());
    wait_for_password_auth(url);
    char want[128];
    snprintf(want, sizeof(want), "password authentication failed for user \"%s\"", role);
    open_fails(url, label, want);
    /* the keyword form too, and migrate */
    snprintf(kw, sizeof(kw), "host=127.0.0.1 port=%s user=%s password=" SECRET " dbname=%s", port(),
             role, db_name());
    open_fails(kw, label, want);
    struct dt_error err = {""};
    ck_assert_int_eq(dt_store_migrate(url, NULL, NULL, &err), -1);
    assert_error_line(err.msg, label);

    /* the right one lets the role in */
    snprintf(url, sizeof(url), "postgresql://%s:right-" SECRET "@127.0.0.1:%s/%s", role, port(),
             db_name());
    struct dt_store *st;
    ck_assert_msg(dt_store_open(url, &st, &err) == 0, "%s", err.msg);
    put(st, &(struct m){.id = "pw@corp", .at = T0, .out = true, .rep = "r@corp", .cp = "c@cust"});
    dt_store_close(st);

    hba_restore();
    snprintf(sql, sizeof(sql), "DROP OWNED BY %s", role);
    raw_exec(sql);
    snprintf(sql, sizeof(sql), "DROP ROLE %s", role);
    dt_test_pg_exec(admin, sql);
}
END_TEST

START_TEST(role_that_does_not_exist)
{
    char url[512], label[512];
    snprintf(url, sizeof(url), "postgresql://no_such_role_%ld:" SECRET "@127.0.0.1:%s/%s",
             (long)getpid(), port(), db_name());
    snprintf(label, sizeof(label), "postgresql://no_such_role_%ld@127.0.0.1:%s/%s", (long)getpid(),
             port(), db_name());
    open_fails(url, label, "does not exist");
    open_fails(url, label, "no_such_role_");
}
END_TEST

START_TEST(database_that_does_not_exist)
{
    char url[512], label[512], want[128];
    snprintf(url, sizeof(url), "postgresql://%s:" SECRET "@127.0.0.1:%s/dt_missing_%ld", user(),
             port(), (long)getpid());
    snprintf(label, sizeof(label), "postgresql://%s@127.0.0.1:%s/dt_missing_%ld", user(), port(),
             (long)getpid());
    snprintf(want, sizeof(want), "database \"dt_missing_%ld\" does not exist", (long)getpid());
    open_fails(url, label, want);
    /* migrate never creates a database either */
    struct dt_error err = {""};
    ck_assert_int_eq(dt_store_migrate(url, NULL, NULL, &err), -1);
    assert_error_line(err.msg, label);
    ck_assert_msg(strstr(err.msg, want) != NULL, "%s", err.msg);
    /* nobody listening */
    open_fails("postgresql://dealtemp_test:" SECRET "@127.0.0.1:1/dealtemp",
               "postgresql://dealtemp_test@127.0.0.1:1/dealtemp", "Connection refused");
}
END_TEST

START_TEST(strings_that_do_not_parse)
{
    /* libpq refuses these before connecting; the string is named without its password */
    open_fails("postgresql://ann:" SECRET "@127.0.0.1:notaport/dealtemp",
               "postgresql://ann@127.0.0.1:notaport/dealtemp", "invalid integer value");
    open_fails("postgresql://ann:" SECRET "@db.example/dealtemp?nosuchoption=1",
               "postgresql://ann@db.example/dealtemp?nosuchoption=1", "invalid database string");
    /* a broken escape in the password itself: libpq would quote it */
    open_fails("postgresql://ann:" SECRET "%zz@db.example/dealtemp",
               "postgresql://ann@db.example/dealtemp", "invalid percent-encoded token");
    open_fails("postgresql://db.example/dealtemp?password=" SECRET "&x",
               "postgresql://db.example/dealtemp?x", "invalid database string");
    open_fails("host=db.example password='" SECRET " dbname=dealtemp", "host=db.example",
               "unterminated quoted string");
    open_fails("host=db.example password=" SECRET " nonsense", "host=db.example nonsense",
               "missing \"=\" after \"nonsense\"");
}
END_TEST

/* ---- deadlines ---- */

START_TEST(connect_timeout)
{
    /* A listener that never accepts: the kernel completes the handshake, nobody answers. */
    int l = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(l, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
    ck_assert_int_eq(listen(l, 16), 0);
    socklen_t len = sizeof(a);
    ck_assert_int_eq(getsockname(l, (struct sockaddr *)&a, &len), 0);
    char url[256], want[512];
    snprintf(url, sizeof(url), "postgresql://dealtemp_test:" SECRET "@127.0.0.1:%d/dealtemp",
             ntohs(a.sin_port));
    snprintf(want, sizeof(want),
             "postgresql://dealtemp_test@127.0.0.1:%d/dealtemp: no connection within 200 ms "
             "(store.connect_timeout_ms)",
             ntohs(a.sin_port));

    struct dt_store_options o = {false, 200, 200};
    struct dt_store *st = (struct dt_store *)&st;
    struct dt_error err = {""};
    double t = now_s();
    ck_assert_int_eq(dt_store_open_opts(url, &o, &st, &err), -1);
    double took = now_s() - t;
    ck_assert_ptr_null(st);
    ck_assert_msg(took >= 0.19 && took < 1.0, "gave up after %.3f s", took);
    ck_assert_str_eq(err.msg, want);
    close(l);
}
END_TEST

START_TEST(statement_timeout_under_a_lock)
{
    struct dt_store_options o = {false, 5000, 200};
    struct dt_store *st, *reader;
    struct dt_error err = {""};
    ck_assert_msg(dt_store_open_opts(db_path, &o, &st, &err) == 0, "%s", err.msg);
    ck_assert_msg(dt_store_open_opts(db_path, &o, &reader, &err) == 0, "%s", err.msg);
    put(st, &(struct m){.id = "before@corp", .at = T0, .out = true, .rep = "r@corp", .cp = "c@c"});

    /* another session holds the table */
    PGconn *locker = dt_test_pg_connect(db_path);
    dt_test_pg_run(locker, "BEGIN; LOCK TABLE events IN ACCESS EXCLUSIVE MODE");

    struct m m = {.id = "locked@corp", .at = T0 + 1, .out = true, .rep = "r@corp", .cp = "c@c"};
    struct dt_record_result res;
    double t = now_s();
    ck_assert_int_eq(put_err(st, &m, &res, &err), -1);
    double took = now_s() - t;
    ck_assert_msg(took >= 0.15 && took < 2.0, "gave up after %.3f s", took);
    assert_error_line(err.msg, db_label);
    ck_assert_msg(dt_store_broken(st) || strstr(err.msg, "timeout") != NULL,
                  "neither broken nor a timeout: %s", err.msg);
    /* reading waits no longer either */
    struct dt_store_counts c;
    t = now_s();
    ck_assert_int_eq(dt_store_count(reader, &c, &err), -1);
    took = now_s() - t;
    ck_assert_msg(took >= 0.15 && took < 2.0, "count gave up after %.3f s", took);
    assert_error_line(err.msg, db_label);
    dt_store_close(reader);
    /* a broken handle refuses at once */
    if (dt_store_broken(st)) {
        t = now_s();
        ck_assert_int_eq(put_err(st, &m, &res, &err), -1);
        ck_assert_msg(now_s() - t < 0.1, "a broken handle waited");
        assert_error_line(err.msg, db_label);
    }
    dt_store_close(st);

    dt_test_pg_run(locker, "ROLLBACK");
    PQfinish(locker);
    /* nothing of the failed record was kept; on a new handle it goes in once */
    ck_assert_int_eq(raw_int("SELECT count(*) FROM events"), 1);
    ck_assert_msg(dt_store_open_opts(db_path, &o, &st, &err) == 0, "%s", err.msg);
    ck_assert(!put(st, &m).duplicate);
    ck_assert(put(st, &m).duplicate);
    ck_assert_uint_eq(counts(st).outbound, 2);
    dt_store_close(st);
}
END_TEST

/* The store's one backend in the test's database (application_name "dealtemp"). */
static long store_backend(void)
{
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'dealtemp'"
             " AND datname = '%s'",
             db_name());
    ck_assert_int_eq(raw_int(sql), 1);
    snprintf(sql, sizeof(sql),
             "SELECT pid FROM pg_stat_activity WHERE application_name = 'dealtemp'"
             " AND datname = '%s'",
             db_name());
    return (long)raw_int(sql);
}

/* A server that goes silent mid-call (its backend stopped): the client's own deadline ends it. */
START_TEST(statement_timeout_when_the_server_is_silent)
{
    struct dt_store_options o = {false, 5000, 300};
    struct dt_store *st;
    struct dt_error err = {""};
    ck_assert_msg(dt_store_open_opts(db_path, &o, &st, &err) == 0, "%s", err.msg);
    put(st, &(struct m){.id = "before@corp", .at = T0, .out = true, .rep = "r@corp", .cp = "c@c"});
    pid_t backend = (pid_t)store_backend();
    ck_assert_msg(kill(backend, SIGSTOP) == 0, "stopping backend %ld: %s", (long)backend,
                  strerror(errno));
    /* nothing may end the test before the backend runs again */
    struct m m = {.id = "silent@corp", .at = T0 + 1, .out = true, .rep = "r@corp", .cp = "c@c"};
    struct dt_record_result res;
    double t = now_s();
    int rc = put_err(st, &m, &res, &err);
    double took = now_s() - t;
    bool broken = dt_store_broken(st);
    kill(backend, SIGCONT);

    ck_assert_int_eq(rc, -1);
    ck_assert_msg(took >= 0.29 && took < 1.5, "gave up after %.3f s", took);
    ck_assert(broken);
    char want[512];
    snprintf(want, sizeof(want), "%s: no answer within 300 ms (store.statement_timeout_ms)",
             db_label);
    ck_assert_str_eq(err.msg, want);
    dt_store_close(st);
    /* not stored; the retry on a new handle stores it once */
    ck_assert_msg(dt_store_open_opts(db_path, &o, &st, &err) == 0, "%s", err.msg);
    ck_assert(!put(st, &m).duplicate);
    ck_assert_uint_eq(counts(st).outbound, 2);
    dt_store_close(st);
}
END_TEST

/* ---- a connection the server ends ---- */

START_TEST(connection_killed)
{
    struct dt_store *st = open_ok();
    put(st, &(struct m){.id = "one@corp", .at = T0, .out = true, .rep = "r@corp", .cp = "c@c"});
    char sql[256];
    snprintf(sql, sizeof(sql), "SELECT pg_terminate_backend(%ld, 5000)::int", store_backend());
    ck_assert_int_eq(dt_test_pg_int(getenv("DT_TEST_PG_ADMIN_URL"), sql), 1);

    struct m two = {.id = "two@corp", .at = T0 + 1, .out = true, .rep = "r@corp", .cp = "c@c"};
    struct dt_record_result res;
    struct dt_error err = {""};
    ck_assert_int_eq(put_err(st, &two, &res, &err), -1);
    ck_assert(dt_store_broken(st));
    assert_error_line(err.msg, db_label);
    struct dt_store_counts c;
    ck_assert_int_eq(dt_store_count(st, &c, &err), -1);
    assert_error_line(err.msg, db_label);
    ck_assert(dt_store_broken(st));
    dt_store_close(st);

    /* the caller's retry on a new handle stores it, once */
    st = open_ok();
    ck_assert(!dt_store_broken(st));
    ck_assert(!put(st, &two).duplicate);
    ck_assert(put(st, &two).duplicate);
    ck_assert_uint_eq(counts(st).outbound, 2);
    dt_store_close(st);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM events"), 2);

    /* killed inside a batch: the batch is gone, the handle broken */
    st = open_ok();
    ck_assert_int_eq(dt_store_begin(st, &err), 0);
    put(st, &(struct m){.id = "b1@corp", .at = T0 + 2, .out = true, .rep = "r@corp", .cp = "c@c"});
    snprintf(sql, sizeof(sql), "SELECT pg_terminate_backend(%ld, 5000)::int", store_backend());
    ck_assert_int_eq(dt_test_pg_int(getenv("DT_TEST_PG_ADMIN_URL"), sql), 1);
    ck_assert_int_eq(dt_store_commit(st, &err), -1);
    ck_assert(dt_store_broken(st));
    assert_error_line(err.msg, db_label);
    dt_store_close(st);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM events"), 2);
}
END_TEST

/* ---- copying between the backends ---- */

/* A SQLite store at path with a bit of everything a store keeps. */
static void fill_sqlite(const char *path)
{
    struct dt_store *st;
    struct dt_error err = {""};
    ck_assert_msg(dt_store_open(path, &st, &err) == 0, "%s", err.msg);
    char id[64], root[64], cp[64], subject[96];
    for (int i = 0; i < 300; i++) {
        int t = i % 40;
        snprintf(id, sizeof(id), "m%d@corp", i);
        snprintf(root, sizeof(root), "m%d@corp", t);
        snprintf(cp, sizeof(cp), "buyer%d@cust%d.example", t % 13, t % 3);
        snprintf(subject, sizeof(subject),
                 "Offerte \xe2\x80\x94 'Q%d' \"deal\" \\ \xf0\x9f\x9a\x80", t);
        if (i % 17 == 0)
            next_name = "Bj\xc3\xb6rn O'Neil";
        struct m m = {id,
                      i < 40 ? NULL : root,
                      i < 40 ? NULL : root,
                      T0 + i * 3600,
                      i % 3 != 1,
                      i % 29 == 5 ? NULL : "ann@corp",
                      i % 31 == 7 ? NULL : cp,
                      i % 5 == 0 ? NULL : subject,
                      (i % 11) / 10.0 - 0.05,
                      i % 4 == 0 ? "amazing, can't wait, \xf0\x9f\x9a\x80" : NULL};
        put(st, &m);
    }
    for (int d = 0; d < 5; d++) {
        dt_hash th[3] = {dt_msgid_hash("m1@corp"), dt_msgid_hash("m2@corp"),
                         dt_msgid_hash("m3@corp")};
        ck_assert_msg(dt_store_digest_record(st, d % 2 ? "ann@corp" : "zoe@corp", T0 + d * DAY, th,
                                             (size_t)(d % 4), T0 + d * DAY + 7 * 3600, &err) == 0,
                      "%s", err.msg);
    }
    bool claimed;
    ck_assert_int_eq(
        dt_store_digest_claim(st, "ann@corp", T0 + 9 * DAY, T0 + 9 * DAY, 60, &claimed, &err), 0);
    ck_assert(claimed);
    dt_store_close(st);
}

START_TEST(copy_sqlite_to_pg_and_back)
{
    char a[160], b[160], url[256];
    snprintf(a, sizeof(a), "%s/a.db", dir);
    snprintf(b, sizeof(b), "%s/b.db", dir);
    fill_sqlite(a);
    dt_test_pg_create(url, sizeof(url), NULL, 0, false); /* the copy makes the schema */

    struct dt_copy_report r;
    struct dt_error err = {""};
    ck_assert_msg(dt_store_copy(a, url, &r, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(r.from_version, 0);
    ck_assert_int_eq(r.to_version, 5);
    ck_assert_uint_eq(r.messages, 300);
    ck_assert_uint_eq(r.added, 300);
    ck_assert_uint_gt(r.digest_rows, 5);
    ck_assert_uint_eq(r.digest_added, r.digest_rows);
    ck_assert_msg(dt_store_copy(url, b, &r, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(r.added, 300);

    size_t rows_a, rows_pg, rows_b;
    char *da = dump_of(a, &rows_a), *dpg = dump_of(url, &rows_pg), *db = dump_of(b, &rows_b);
    ck_assert_uint_eq(rows_a, 300 + r.digest_rows);
    ck_assert_str_eq(da, dpg);
    ck_assert_str_eq(da, db);
    free(dpg);
    free(db);

    /* again: nothing added anywhere, nothing changed */
    ck_assert_msg(dt_store_copy(a, url, &r, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(r.from_version, 5);
    ck_assert_uint_eq(r.added, 0);
    ck_assert_uint_eq(r.already, 300);
    ck_assert_uint_eq(r.digest_added, 0);
    ck_assert_msg(dt_store_copy(url, b, &r, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(r.added, 0);
    ck_assert_uint_eq(r.digest_added, 0);
    dpg = dump_of(url, NULL);
    db = dump_of(b, NULL);
    ck_assert_str_eq(da, dpg);
    ck_assert_str_eq(da, db);
    free(da);
    free(dpg);
    free(db);
}
END_TEST

static void schema_tests(TCase *tc)
{
    tcase_add_test(tc, open_refuses_a_database_without_schema);
    tcase_add_test(tc, open_refuses_an_older_schema);
    tcase_add_test(tc, open_refuses_a_newer_schema);
    tcase_add_test(tc, version_4_migrates_and_keeps_its_events);
    tcase_add_test(tc, migrate_creates_then_reports_current);
    tcase_add_test(tc, migrate_from_several_processes_at_once);
}

static void connect_tests(TCase *tc)
{
    tcase_add_test(tc, wrong_password);
    tcase_add_test(tc, role_that_does_not_exist);
    tcase_add_test(tc, database_that_does_not_exist);
    tcase_add_test(tc, strings_that_do_not_parse);
    tcase_add_test(tc, connect_timeout);
    tcase_add_test(tc, statement_timeout_under_a_lock);
    tcase_add_test(tc, statement_timeout_when_the_server_is_silent);
    tcase_add_test(tc, connection_killed);
}

static void copy_tests(TCase *tc)
{
    tcase_add_test(tc, copy_sqlite_to_pg_and_back);
}

static void add_pg(Suite *s, const char *name, void (*add)(TCase *tc))
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, pg_setup, pg_teardown);
    tcase_set_timeout(tc, 60);
    add(tc);
    suite_add_tcase(s, tc);
}

int main(void)
{
    Suite *s = suite_create("store_pg");
    if (dt_test_pg_enabled(s)) {
        add_pg(s, "schema-pg", schema_tests);
        add_pg(s, "connect-pg", connect_tests);
        add_pg(s, "copy-pg", copy_tests);
    }
    return dt_test_run(s);
}
