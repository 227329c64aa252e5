/*
 * store_sqlite_schema.c - the SQLite schema and its migrations.
 *
 * The schema is the sum of numbered steps: step N takes a database from
 * version N-1 to N, and a new database runs them all from version 0. A
 * later schema is one more entry in steps[]. The version lives in the
 * one-row table schema_version. sq_schema_ensure() reads it without a
 * lock; only when work is needed does it take BEGIN IMMEDIATE, read it
 * again (another process may have done the work meanwhile), run the
 * missing steps and commit - all or nothing.
 *
 * Failure behaviour: -1 with "<file>: <reason>" for a database written by
 * a newer dealtemp, a SQLite file that is not dealtemp's, or a failed step.
 */
#include "store_sqlite_int.h"

#include <stdio.h>

static const char *const steps[] = {
    /* 1: the first schema. */
    "CREATE TABLE schema_version(version INTEGER NOT NULL);"
    "INSERT INTO schema_version(version) VALUES (0);"
    /* Every address once; events refer to it by id (0 = none). */
    "CREATE TABLE people(id INTEGER PRIMARY KEY, addr TEXT NOT NULL UNIQUE);"
    /* key: dt_thread key (63-bit hash); id: the small number events use. */
    "CREATE TABLE threads(id INTEGER PRIMARY KEY, key INTEGER NOT NULL UNIQUE,"
    " subject_key INTEGER, subject TEXT);"
    /* msgid: dt_msgid_hash; score: euphoria score x 1000. Stored in thread
     * and time order, so reading a thread - or all of them - is a sequential
     * walk; the Message-ID index answers "known?" and "which thread?". */
    "CREATE TABLE events(thread INTEGER NOT NULL, at INTEGER NOT NULL,"
    " msgid INTEGER NOT NULL, outbound INTEGER NOT NULL, level INTEGER NOT NULL,"
    " rep INTEGER NOT NULL, counterpart INTEGER NOT NULL, score INTEGER NOT NULL,"
    " phrases TEXT, PRIMARY KEY (thread, at, msgid)) WITHOUT ROWID;"
    "CREATE UNIQUE INDEX events_by_msgid ON events(msgid);"
    /* Who meets in which thread: the subject fallback and the rep filter. */
    "CREATE TABLE thread_people(rep INTEGER NOT NULL, counterpart INTEGER NOT NULL,"
    " thread INTEGER NOT NULL, PRIMARY KEY (rep, counterpart, thread)) WITHOUT ROWID;"
    "CREATE INDEX thread_people_by_counterpart ON thread_people(counterpart);",

    /* 2: what digests told each rep (people.id): which days a digest went
     * out, and when each thread (threads.id) was first in one - "new" or
     * "ongoing". Purge drops the rows of purged threads with them. */
    "CREATE TABLE digest_sent(rep INTEGER NOT NULL, day INTEGER NOT NULL,"
    " sent_at INTEGER NOT NULL, PRIMARY KEY (rep, day)) WITHOUT ROWID;"
    "CREATE TABLE digest_item(rep INTEGER NOT NULL, thread INTEGER NOT NULL,"
    " first_at INTEGER NOT NULL, PRIMARY KEY (rep, thread)) WITHOUT ROWID;",

    /* 3: a customer's display name as last seen ("Sarah Mitchell"), for the
     * digest; the level column goes: levels are derived from the score with
     * the thresholds configured when the store is read (euphoria.h). */
    ("ALTER TABLE people ADD COLUMN name TEXT;"
     "ALTER TABLE events DROP COLUMN level;"),

    /* 4: a digest is claimed before it is sent (sent_at 0, claimed_at set),
     * so that of several hosts running the digest at once one sends it. */
    "ALTER TABLE digest_sent ADD COLUMN claimed_at INTEGER NOT NULL DEFAULT 0;",

    /* 5: the customer's side (tone.h): an inbound reply's tone weights x
     * 1000 and the kinds of words that matched (a bit per dt_kind), and the
     * people of the customer's side each message names ("addr\tname\n"). */
    ("ALTER TABLE events ADD COLUMN hesitation INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE events ADD COLUMN engagement INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE events ADD COLUMN kinds INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE events ADD COLUMN people TEXT;"),
};

#define NEWEST ((int)(sizeof(steps) / sizeof(*steps)))

int dt_store_sqlite_schema_version(void)
{
    return NEWEST;
}

static int one_int(struct sq_store *st, const char *sql, int *v, struct dt_error *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return sq_fail(st, err);
    int rc = sq_step_retry(st, s);
    if (rc == SQLITE_ROW)
        *v = sqlite3_column_int(s, 0);
    else if (rc != SQLITE_DONE)
        sq_fail(st, err);
    sqlite3_finalize(s);
    if (rc == SQLITE_DONE)
        return dt_error_set(err, "%s: schema_version table is empty", st->path);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* The database's version: 0 for an empty file; refuses newer and foreign ones. */
static int read_version(struct sq_store *st, int *version, struct dt_error *err)
{
    int has_table, objects;
    *version = 0;
    if (one_int(st,
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                " AND name = 'schema_version'",
                &has_table, err) < 0 ||
        one_int(st, "SELECT count(*) FROM sqlite_master", &objects, err) < 0)
        return -1;
    if (!has_table) {
        if (objects > 0)
            return dt_error_set(err, "%s: not a dealtemp database (no schema_version table)",
                                st->path);
        return 0;
    }
    if (one_int(st, "SELECT max(version) FROM schema_version", version, err) < 0)
        return -1;
    if (*version > NEWEST)
        return dt_error_set(err,
                            "%s: schema version %d is newer than this dealtemp supports (%d);"
                            " upgrade dealtemp",
                            st->path, *version, NEWEST);
    if (*version < 0)
        return dt_error_set(err, "%s: invalid schema version %d", st->path, *version);
    return 0;
}

static int run_steps(struct sq_store *st, int from, struct dt_error *err)
{
    for (int v = from + 1; v <= NEWEST; v++) {
        char sql[96];
        snprintf(sql, sizeof(sql), "UPDATE schema_version SET version = %d", v);
        if (sqlite3_exec(st->db, steps[v - 1], NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
            return dt_error_set(err, "%s: schema step %d: %s", st->path, v, sqlite3_errmsg(st->db));
        }
    }
    return 0;
}

int sq_schema_ensure(struct sq_store *st, struct dt_error *err)
{
    int v;
    if (read_version(st, &v, err) < 0)
        return -1;
    st->from_version = v;
    if (v == NEWEST) {
        st->version = v;
        return 0;
    }
    if (sq_exec(st, SQ_BEGIN, err) < 0)
        return -1;
    /* Read again under the lock: another process may have migrated meanwhile. */
    int rc = read_version(st, &v, err);
    st->from_version = v;
    if (rc < 0 || run_steps(st, v, err) < 0 || sq_exec(st, SQ_COMMIT, err) < 0) {
        if (!sqlite3_get_autocommit(st->db))
            sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    st->version = NEWEST;
    return 0;
}
