/*
 * pgtest.c - the PostgreSQL test server for the store suites (see
 * pgtest.h): fresh databases made and dropped through libpq on
 * DT_TEST_PG_ADMIN_URL, SQL behind the store's back, and the PostgreSQL
 * TCases added only when make check started a server (or failing when it
 * was required to). Every helper fails the running test on error.
 */
#include "pgtest.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "dealtemp/store.h"

#define MAX_MADE 64

static char made[MAX_MADE][64];
static size_t n_made;
static unsigned counter;

const char *dt_test_pg_url(void)
{
    const char *u = getenv("DT_TEST_PG_URL");
    return u != NULL && *u != '\0' ? u : NULL;
}

START_TEST(postgresql_required)
{
    ck_abort_msg("DT_TEST_REQUIRE_PG=1 but DT_TEST_PG_URL is unset: the PostgreSQL cases cannot "
                 "run (make check starts a server and sets it)");
}
END_TEST

bool dt_test_pg_enabled(Suite *s)
{
    static int decided = -1; /* one suite per process: decided (and said) once */
    if (decided >= 0)
        return decided == 1;
    if (dt_test_pg_url() != NULL) {
        decided = 1;
        return true;
    }
    decided = 0;
    const char *req = getenv("DT_TEST_REQUIRE_PG");
    if (req != NULL && strcmp(req, "1") == 0) {
        TCase *tc = tcase_create("postgresql-required");
        tcase_add_test(tc, postgresql_required);
        suite_add_tcase(s, tc);
    } else {
        fprintf(stderr,
                "PostgreSQL cases not run: DT_TEST_PG_URL unset (make check starts a server)\n");
    }
    return false;
}

void dt_test_add_both(Suite *s, const char *name, double timeout_s, void (*add)(TCase *tc),
                      void (*sq_setup)(void), void (*sq_teardown)(void), void (*pg_setup)(void),
                      void (*pg_teardown)(void))
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, sq_setup, sq_teardown);
    if (timeout_s > 0)
        tcase_set_timeout(tc, timeout_s);
    add(tc);
    suite_add_tcase(s, tc);
    if (!dt_test_pg_enabled(s))
        return;
    /* Check keeps the name pointer: one per TCase, for the life of the process.
     * (Not a ck_assert: this runs while the suite is built, outside any test.) */
    static char names[16][64];
    static size_t n_names;
    if (n_names == 16 || strlen(name) + 4 > sizeof(names[0]))
        abort();
    char *pg_name = names[n_names++];
    snprintf(pg_name, sizeof(names[0]), "%s-pg", name);
    tc = tcase_create(pg_name);
    tcase_add_checked_fixture(tc, pg_setup, pg_teardown);
    if (timeout_s > 0)
        tcase_set_timeout(tc, timeout_s);
    add(tc);
    suite_add_tcase(s, tc);
}

static void quiet(void *arg, const char *message)
{
    (void)arg, (void)message;
}

PGconn *dt_test_pg_connect(const char *url)
{
    const char *const keys[] = {"dbname", "application_name", "connect_timeout", NULL};
    const char *const vals[] = {url, "dealtemp-test", "10", NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    ck_assert_ptr_nonnull(c);
    PQsetNoticeProcessor(c, quiet, NULL); /* "NOTICE: ... does not exist, skipping" */
    if (PQstatus(c) != CONNECTION_OK) {
        char msg[512];
        snprintf(msg, sizeof(msg), "%s", PQerrorMessage(c));
        PQfinish(c);
        ck_abort_msg("connecting to the test server (%s): %s", url, msg);
    }
    return c;
}

void dt_test_pg_run(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        char msg[512];
        snprintf(msg, sizeof(msg), "%s", PQresultErrorMessage(r));
        PQclear(r);
        ck_abort_msg("%s: %s", sql, msg);
    }
    PQclear(r);
}

void dt_test_pg_exec(const char *url, const char *sql)
{
    PGconn *c = dt_test_pg_connect(url);
    dt_test_pg_run(c, sql);
    PQfinish(c);
}

const char *dt_test_pg_text(const char *url, const char *sql, char *buf, size_t size)
{
    PGconn *c = dt_test_pg_connect(url);
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1 || PQnfields(r) != 1) {
        char msg[512];
        snprintf(msg, sizeof(msg), "%s (%d rows)", PQresultErrorMessage(r), PQntuples(r));
        PQclear(r);
        PQfinish(c);
        ck_abort_msg("%s: not one value: %s", sql, msg);
    }
    snprintf(buf, size, "%s", PQgetisnull(r, 0, 0) ? "" : PQgetvalue(r, 0, 0));
    PQclear(r);
    PQfinish(c);
    return buf;
}

long long dt_test_pg_int(const char *url, const char *sql)
{
    char v[64];
    return strtoll(dt_test_pg_text(url, sql, v, sizeof(v)), NULL, 10);
}

void dt_test_pg_url_of(const char *name, char *url, size_t url_size, char *label, size_t label_size)
{
    const char *base = dt_test_pg_url();
    ck_assert_msg(base != NULL, "DT_TEST_PG_URL unset");
    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(base, &perr);
    ck_assert_msg(opts != NULL, "DT_TEST_PG_URL %s: %s", base, perr ? perr : "?");
    const char *user = NULL, *host = NULL, *port = NULL, *password = NULL;
    for (PQconninfoOption *o = opts; o->keyword != NULL; o++) {
        if (o->val == NULL || *o->val == '\0')
            continue;
        if (strcmp(o->keyword, "user") == 0)
            user = o->val;
        else if (strcmp(o->keyword, "host") == 0)
            host = o->val;
        else if (strcmp(o->keyword, "port") == 0)
            port = o->val;
        else if (strcmp(o->keyword, "password") == 0)
            password = o->val;
    }
    ck_assert_msg(host != NULL && *host != '/',
                  "DT_TEST_PG_URL %s: the suites want a TCP host (127.0.0.1)", base);
    /* As the store names a database in its messages (store_pg_conn.c, pg_label). */
    if (label != NULL)
        snprintf(label, label_size, "postgresql://%s%s%s%s%s/%s", user ? user : "", user ? "@" : "",
                 host, port ? ":" : "", port ? port : "", name);
    int n = snprintf(url, url_size, "postgresql://%s%s%s%s%s%s%s/%s", user ? user : "",
                     password ? ":" : "", password ? password : "", user || password ? "@" : "",
                     host, port ? ":" : "", port ? port : "", name);
    ck_assert_msg(n > 0 && (size_t)n < url_size, "URL of %s too long", name);
    PQconninfoFree(opts);
}

static const char *admin_url(void)
{
    const char *a = getenv("DT_TEST_PG_ADMIN_URL");
    ck_assert_msg(a != NULL && *a != '\0',
                  "DT_TEST_PG_URL is set but DT_TEST_PG_ADMIN_URL is not (make check sets both)");
    return a;
}

/* Drop the databases of test processes that are gone (a failed test ends before its teardown). */
static void sweep(PGconn *c)
{
    PGresult *r = PQexec(c, "SELECT datname FROM pg_database WHERE datname ~ '^dt_[0-9]+_[0-9]+$'");
    ck_assert_msg(PQresultStatus(r) == PGRES_TUPLES_OK, "%s", PQresultErrorMessage(r));
    for (int i = 0; i < PQntuples(r); i++) {
        const char *name = PQgetvalue(r, i, 0);
        long pid = strtol(name + 3, NULL, 10);
        if (pid <= 0 || (kill((pid_t)pid, 0) == -1 && errno == ESRCH)) {
            char sql[128];
            snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)", name);
            PQclear(PQexec(c, sql)); /* another sweeper may have been first */
        }
    }
    PQclear(r);
}

void dt_test_pg_create(char *url, size_t url_size, char *label, size_t label_size, bool migrate)
{
    ck_assert_msg(n_made < MAX_MADE, "more than %d test databases in one test", MAX_MADE);
    char name[64], sql[128];
    snprintf(name, sizeof(name), "dt_%ld_%u", (long)getpid(), counter++);
    PGconn *c = dt_test_pg_connect(admin_url());
    sweep(c);
    snprintf(sql, sizeof(sql), "CREATE DATABASE \"%s\"", name);
    dt_test_pg_run(c, sql);
    PQfinish(c);
    snprintf(made[n_made++], sizeof(made[0]), "%s", name);
    dt_test_pg_url_of(name, url, url_size, label, label_size);
    if (migrate) {
        int from = -1, to = -1;
        struct dt_error err = {{0}};
        ck_assert_msg(dt_store_migrate(url, &from, &to, &err) == 0, "migrate %s: %s", name,
                      err.msg);
        ck_assert_int_eq(from, 0);
        ck_assert_int_eq(to, dt_store_schema_version());
    }
}

void dt_test_pg_drop_all(void)
{
    if (n_made == 0)
        return;
    PGconn *c = dt_test_pg_connect(admin_url());
    char sql[128];
    for (size_t i = 0; i < n_made; i++) {
        /* FORCE: a handle the test left open (or a child's) does not keep it. */
        snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)", made[i]);
        dt_test_pg_run(c, sql);
    }
    n_made = 0;
    PQfinish(c);
}
