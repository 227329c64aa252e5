/*
 * pgtest.h - the PostgreSQL server `make check` starts, for the suites
 * that run against both store backends: whether there is one, a fresh
 * database per test, SQL behind the store's back, and the same tests added
 * once per backend. Linked into every suite; each helper fails the
 * running test (ck_assert) on error.
 *
 * The environment (set by make check): DT_TEST_PG_URL
 * (postgresql://user@127.0.0.1:PORT/db), DT_TEST_PG_ADMIN_URL (a superuser
 * on the same server, to create and drop databases), DT_TEST_REQUIRE_PG=1
 * (a missing DT_TEST_PG_URL is a failure, not a note).
 */
#ifndef DEALTEMP_PGTEST_H
#define DEALTEMP_PGTEST_H

#include <check.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

/* DT_TEST_PG_URL when set and not empty, else NULL. */
const char *dt_test_pg_url(void);

/*
 * Whether PostgreSQL cases are to be added to s. Without DT_TEST_PG_URL
 * the first call prints one line on stderr, "PostgreSQL cases not run:
 * DT_TEST_PG_URL unset (make check starts a server)", and returns
 * false; with DT_TEST_REQUIRE_PG=1 it instead adds to s a case that fails
 * saying so (once), and returns false.
 */
bool dt_test_pg_enabled(Suite *s);

/*
 * The tests add() adds, in two TCases of s: "<name>" with sq_setup and
 * sq_teardown, and "<name>-pg" with pg_setup and pg_teardown when
 * dt_test_pg_enabled(s). timeout_s > 0 sets both TCases' timeout.
 */
void dt_test_add_both(Suite *s, const char *name, double timeout_s, void (*add)(TCase *tc),
                      void (*sq_setup)(void), void (*sq_teardown)(void), void (*pg_setup)(void),
                      void (*pg_teardown)(void));

/*
 * A new empty database dt_<pid>_<n> on the server: its URL into url and,
 * when label is not NULL, the way the store's messages name it
 * ("postgresql://user@host:port/dt_<pid>_<n>") into label. migrate: with
 * the schema (dt_store_migrate). Dropped by dt_test_pg_drop_all(); the
 * databases of a test process that died before its teardown (Check ends
 * a failing test's process at once) are dropped by a later create.
 */
void dt_test_pg_create(char *url, size_t url_size, char *label, size_t label_size, bool migrate);
void dt_test_pg_drop_all(void);

/* The URL and label of database name on the server (no check that it exists). */
void dt_test_pg_url_of(const char *name, char *url, size_t url_size, char *label,
                       size_t label_size);

/* A connection to url that must succeed within 10 s (application_name "dealtemp-test"). */
PGconn *dt_test_pg_connect(const char *url);
/* Run sql (simple protocol; several statements allowed) on c; it must succeed. */
void dt_test_pg_run(PGconn *c, const char *sql);
/* The same on a connection of its own to url. */
void dt_test_pg_exec(const char *url, const char *sql);
/* The one value sql selects on url (NULL: 0 / ""); text goes into buf. */
long long dt_test_pg_int(const char *url, const char *sql);
const char *dt_test_pg_text(const char *url, const char *sql, char *buf, size_t size);

#endif
