/*
 * check_store_digest.c - what digests told each rep, against both
 * backends (a SQLite file, and a PostgreSQL database in the "-pg" TCases;
 * store_fixture.h): dt_store_digest_first, dt_store_digest_sent,
 * dt_store_digest_record (one transaction, earliest first_at kept, per
 * rep, in batches), the claims that let one host of several send a digest
 * (dt_store_digest_claim/release: taken once, given back, a stale one
 * taken over, never once sent), and how purge drops those records.
 * SQLite only: a version 1 database (tests/data/store-v1.sql) migrated on
 * open with every event kept, a migration that fails changing nothing, a
 * write waiting for SQLite's lock (PostgreSQL's schema and locks are in
 * check_store_pg.c). Claims raced by several processes are in
 * check_store_stress.c.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_fixture.h"
#include "testutil.h"

#define ANN "ann@corp.example"
#define BOB "bob@cust.example"
#define K1 ((dt_hash)1001) /* thread keys in store-v1.sql */
#define K2 ((dt_hash)1002)

/* A version 1 database file, as an older dealtemp left it. */
static void make_v1(void)
{
    size_t n;
    char *sql = dt_test_slurp("tests/data/store-v1.sql", &n);
    raw_exec(sql);
    free(sql);
}

struct rows {
    size_t n;
    char text[8][160];
};

static int collect(const struct dt_row *r, void *arg)
{
    struct rows *rs = arg;
    if (rs->n < 8)
        snprintf(rs->text[rs->n], sizeof(rs->text[0]), "%lld %lld %d %s %s %s %.3f %s",
                 (long long)r->thread, (long long)r->at, r->outbound, r->rep, r->counterpart,
                 r->subject ? r->subject : "-", r->score,
                 r->phrases ? r->phrases : "-");
    rs->n++;
    return 0;
}

static struct rows scan_all(struct dt_store *st)
{
    struct rows rs;
    struct dt_error err = {""};
    memset(&rs, 0, sizeof(rs));
    ck_assert_msg(dt_store_scan(st, NULL, collect, &rs, &err) == 0, "%s", err.msg);
    return rs;
}

static time_t first(struct dt_store *st, const char *rep, dt_hash thread)
{
    time_t at = -1;
    struct dt_error err = {""};
    ck_assert_msg(dt_store_digest_first(st, rep, thread, &at, &err) == 0, "%s", err.msg);
    return at;
}

static bool sent(struct dt_store *st, const char *rep, time_t day)
{
    bool s = true;
    struct dt_error err = {""};
    ck_assert_msg(dt_store_digest_sent(st, rep, day, &s, &err) == 0, "%s", err.msg);
    return s;
}

static void record(struct dt_store *st, const char *rep, time_t day, const dt_hash *threads,
                   size_t n, time_t at)
{
    struct dt_error err = {""};
    ck_assert_msg(dt_store_digest_record(st, rep, day, threads, n, at, &err) == 0, "%s", err.msg);
}

/* The thread key a message was recorded in. */
static dt_hash thread_of(struct dt_store *st, const char *id, time_t at, bool out, const char *cp)
{
    return put(st, &(struct m){id, NULL, NULL, at, out, ANN, cp, NULL, 0, NULL}).thread;
}

/* ---- migration ---- */

START_TEST(v1_database_migrates_and_keeps_its_events)
{
    make_v1();
    ck_assert_int_eq(raw_int("SELECT version FROM schema_version"), 1);
    struct dt_store *st = open_ok();
    ck_assert_int_eq(dt_store_version(st), 5);
    ck_assert_int_eq(dt_store_version(st), dt_store_schema_version());
    ck_assert_int_eq(raw_int("SELECT version FROM schema_version"), 5);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM schema_version"), 1);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM sqlite_master WHERE name IN"
                             " ('digest_sent', 'digest_item')"),
                     2);

    struct rows rs = scan_all(st);
    ck_assert_uint_eq(rs.n, 3);
    ck_assert_str_eq(rs.text[0], "1001 1790000000 1 ann@corp.example bob@cust.example "
                                 "Pilot for Q4 0.720 amazing, can't wait");
    ck_assert_str_eq(rs.text[1], "1001 1790086400 0 ann@corp.example bob@cust.example "
                                 "Pilot for Q4 0.000 -");
    ck_assert_str_eq(rs.text[2], "1002 1790003600 1 ann@corp.example eve@cust.example - 0.100 -");
    struct dt_store_counts c = counts(st);
    ck_assert_uint_eq(c.outbound, 2);
    ck_assert_uint_eq(c.inbound, 1);
    ck_assert_uint_eq(c.threads, 2);

    /* the migrated store goes on: a reply joins the old thread, digests are kept */
    struct dt_record_result res = put(st, &(struct m){"new@cust", NULL, NULL, T0 + 5 * DAY, false,
                                                      ANN, "eve@cust.example", NULL, 0, NULL});
    ck_assert(res.new_thread);
    ck_assert_int_eq(first(st, ANN, K1), 0);
    record(st, ANN, T0, (dt_hash[]){K1, K2}, 2, T0 + 7 * 3600);
    ck_assert_int_eq(first(st, ANN, K1), T0 + 7 * 3600);
    ck_assert(sent(st, ANN, T0));
    dt_store_close(st);

    /* and reopens without migrating again */
    st = open_ok();
    ck_assert_int_eq(dt_store_version(st), 5);
    ck_assert_int_eq(first(st, ANN, K2), T0 + 7 * 3600);
    ck_assert_uint_eq(scan_all(st).n, 4);
    dt_store_close(st);
}
END_TEST

START_TEST(failed_migration_changes_nothing)
{
    make_v1();
    /* Something in the way of step 2: the migration fails as a whole. */
    raw_exec("CREATE TABLE digest_item(x)");
    struct dt_store *st = (struct dt_store *)&st;
    struct dt_error err = {""};
    ck_assert_int_eq(dt_store_open(db_path, &st, &err), -1);
    ck_assert_ptr_null(st);
    char want[400];
    snprintf(want, sizeof(want), "%s: schema step 2: table digest_item already exists", db_path);
    ck_assert_str_eq(err.msg, want);
    ck_assert_int_eq(raw_int("SELECT version FROM schema_version"), 1);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM sqlite_master WHERE name = 'digest_sent'"), 0);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM events"), 3);

    /* out of the way, the next open migrates */
    raw_exec("DROP TABLE digest_item");
    st = open_ok();
    ck_assert_int_eq(dt_store_version(st), 5);
    ck_assert_uint_eq(scan_all(st).n, 3);
    dt_store_close(st);
}
END_TEST

/* ---- the three functions ---- */

START_TEST(first_keeps_the_earliest_per_rep)
{
    struct dt_store *st = open_ok();
    dt_hash t1 = thread_of(st, "1@corp", T0, true, BOB);
    dt_hash t2 = thread_of(st, "2@corp", T0 + 60, true, "carl@cust.example");
    dt_hash t3 = thread_of(st, "3@corp", T0 + 120, true, "dora@cust.example");
    time_t day1 = T0 + DAY, day2 = T0 + 2 * DAY, day0 = T0;

    /* never reported: 0, also for a rep or a thread the store never saw */
    ck_assert_int_eq(first(st, ANN, t1), 0);
    ck_assert_int_eq(first(st, "nobody@corp.example", t1), 0);
    ck_assert_int_eq(first(st, ANN, 4242), 0);

    record(st, ANN, day1, (dt_hash[]){t1, t2}, 2, day1 + 3600);
    ck_assert_int_eq(first(st, ANN, t1), day1 + 3600);
    ck_assert_int_eq(first(st, ANN, t2), day1 + 3600);
    ck_assert_int_eq(first(st, ANN, t3), 0);

    /* the next day: t1 ongoing keeps its first time, t3 is new */
    record(st, ANN, day2, (dt_hash[]){t1, t3}, 2, day2 + 3600);
    ck_assert_int_eq(first(st, ANN, t1), day1 + 3600);
    ck_assert_int_eq(first(st, ANN, t3), day2 + 3600);

    /* a digest recorded late for an earlier day moves first_at back */
    record(st, ANN, day0, (dt_hash[]){t1}, 1, day0 + 3600);
    ck_assert_int_eq(first(st, ANN, t1), day0 + 3600);
    ck_assert_int_eq(first(st, ANN, t2), day1 + 3600);

    /* another rep's digests are theirs alone */
    ck_assert_int_eq(first(st, "zoe@corp.example", t1), 0);
    record(st, "zoe@corp.example", day2, (dt_hash[]){t1}, 1, day2 + 7200);
    ck_assert_int_eq(first(st, "zoe@corp.example", t1), day2 + 7200);
    ck_assert_int_eq(first(st, ANN, t1), day0 + 3600);

    /* a thread the store does not have (purged meanwhile) is skipped */
    record(st, ANN, day2, (dt_hash[]){4242, t2}, 2, day2 + 9000);
    ck_assert_int_eq(first(st, ANN, 4242), 0);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM digest_item"), 4);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM digest_sent"), 4);
    dt_store_close(st);
}
END_TEST

START_TEST(sent_per_rep_and_day)
{
    struct dt_store *st = open_ok();
    time_t day = T0, next = T0 + DAY;
    ck_assert(!sent(st, ANN, day));
    ck_assert(!sent(st, "nobody@corp.example", day));

    /* an empty digest (send_empty) counts too; the rep need not be in any message */
    record(st, ANN, day, NULL, 0, day + 7 * 3600);
    ck_assert(sent(st, ANN, day));
    ck_assert(!sent(st, ANN, next));
    ck_assert(!sent(st, ANN, day - DAY));
    ck_assert(!sent(st, "zoe@corp.example", day));
    ck_assert_int_eq(raw_int("SELECT count(*) FROM people"), 1);
    ck_assert_int_eq(raw_int("SELECT sent_at FROM digest_sent"), day + 7 * 3600);

    /* sent again (--force): one row, the latest time */
    record(st, ANN, day, NULL, 0, day + 9 * 3600);
    record(st, ANN, day, NULL, 0, day + 8 * 3600);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM digest_sent"), 1);
    ck_assert_int_eq(raw_int("SELECT sent_at FROM digest_sent"), day + 9 * 3600);
    dt_store_close(st);

    /* it is in the file, not in the handle */
    st = open_ok();
    ck_assert(sent(st, ANN, day));
    dt_store_close(st);
}
END_TEST

START_TEST(bad_arguments)
{
    struct dt_store *st = open_ok();
    struct dt_error err = {""};
    time_t at = 5;
    bool s = true;
    dt_hash t = 1;
    ck_assert_int_eq(dt_store_digest_first(NULL, ANN, t, &at, &err), -1);
    ck_assert_str_eq(err.msg, "store not open");
    ck_assert_int_eq(dt_store_digest_sent(NULL, ANN, T0, &s, &err), -1);
    ck_assert_str_eq(err.msg, "store not open");
    ck_assert_int_eq(dt_store_digest_record(NULL, ANN, T0, &t, 1, T0, &err), -1);
    ck_assert_str_eq(err.msg, "store not open");
    ck_assert_int_eq(dt_store_digest_first(st, NULL, t, &at, &err), -1);
    ck_assert_str_eq(err.msg, "dt_store_digest_first: no rep");
    ck_assert_int_eq(dt_store_digest_sent(st, "", T0, &s, &err), -1);
    ck_assert_str_eq(err.msg, "dt_store_digest_sent: no rep");
    ck_assert_int_eq(dt_store_digest_record(st, "", T0, &t, 1, T0, &err), -1);
    ck_assert_str_eq(err.msg, "dt_store_digest_record: no rep");
    ck_assert_int_eq(dt_store_digest_record(st, ANN, T0, NULL, 2, T0, &err), -1);
    ck_assert_str_eq(err.msg, "dt_store_digest_record: threads missing");
    ck_assert_int_eq(raw_int("SELECT count(*) FROM digest_sent"), 0);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM people"), 0);
    dt_store_close(st);
}
END_TEST

/* A trigger behind the store's back that refuses thread key's digest items. */
static void refuse_item(dt_hash key)
{
    char sql[600];
    if (on_pg)
        snprintf(sql, sizeof(sql),
                 "CREATE FUNCTION no_item() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                 " IF NEW.thread = (SELECT id FROM threads WHERE key = %lld) THEN"
                 " RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$;"
                 "CREATE TRIGGER no_item BEFORE INSERT ON digest_item FOR EACH ROW"
                 " EXECUTE FUNCTION no_item()",
                 (long long)key);
    else
        snprintf(sql, sizeof(sql),
                 "CREATE TRIGGER no_item BEFORE INSERT ON digest_item WHEN NEW.thread ="
                 " (SELECT id FROM threads WHERE key = %lld) BEGIN SELECT RAISE(ABORT, 'refused');"
                 " END",
                 (long long)key);
    raw_exec(sql);
}

START_TEST(record_is_one_transaction)
{
    struct dt_store *st = open_ok();
    dt_hash t1 = thread_of(st, "1@corp", T0, true, BOB);
    dt_hash t2 = thread_of(st, "2@corp", T0 + 60, true, "carl@cust.example");
    /* The second item fails: neither the day nor the first item may stay. */
    refuse_item(t2);
    struct dt_error err = {""};
    ck_assert_int_eq(dt_store_digest_record(st, ANN, T0, (dt_hash[]){t1, t2}, 2, T0 + 1, &err), -1);
    char want[400];
    snprintf(want, sizeof(want), "%s: refused", db_label);
    if (on_pg) /* "<label>: ERROR: refused CONTEXT: PL/pgSQL function ..." */
        ck_assert_msg(strncmp(err.msg, db_label, strlen(db_label)) == 0 &&
                          strstr(err.msg, "refused") != NULL && strchr(err.msg, '\n') == NULL,
                      "%s", err.msg);
    else
        ck_assert_str_eq(err.msg, want);
    ck_assert(!sent(st, ANN, T0));
    ck_assert_int_eq(first(st, ANN, t1), 0);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM digest_sent"), 0);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM digest_item"), 0);

    /* inside a batch the failure is undone alone, and the batch goes on */
    ck_assert_int_eq(dt_store_begin(st, &err), 0);
    record(st, ANN, T0 + DAY, (dt_hash[]){t1}, 1, T0 + DAY);
    ck_assert_int_eq(dt_store_digest_record(st, ANN, T0, (dt_hash[]){t2}, 1, T0 + 1, &err), -1);
    ck_assert_int_eq(dt_store_commit(st, &err), 0);
    ck_assert(sent(st, ANN, T0 + DAY));
    ck_assert(!sent(st, ANN, T0));
    ck_assert_int_eq(first(st, ANN, t1), T0 + DAY);

    /* and a rolled back batch keeps none of it */
    ck_assert_int_eq(dt_store_begin(st, &err), 0);
    record(st, ANN, T0 + 2 * DAY, (dt_hash[]){t1}, 1, T0 + 2 * DAY);
    ck_assert_int_eq(dt_store_rollback(st, &err), 0);
    ck_assert(!sent(st, ANN, T0 + 2 * DAY));
    dt_store_close(st);
}
END_TEST

START_TEST(record_waits_for_a_lock_then_fails)
{
    struct dt_store *st = open_ok();
    dt_hash t1 = thread_of(st, "1@corp", T0, true, BOB);
    dt_store_set_busy_timeout(st, 50);
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    struct dt_error err = {""};
    ck_assert_int_eq(dt_store_digest_record(st, ANN, T0, &t1, 1, T0, &err), -1);
    ck_assert_msg(strstr(err.msg, "database is locked") != NULL, "%s", err.msg);
    /* reading is not blocked by a writer (WAL) */
    ck_assert(!sent(st, ANN, T0));
    ck_assert_int_eq(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    record(st, ANN, T0, &t1, 1, T0);
    ck_assert(sent(st, ANN, T0));
    dt_store_close(st);
}
END_TEST

/* ---- purge ---- */

START_TEST(purge_drops_digests_of_purged_threads_and_days)
{
    struct dt_store *st = open_ok();
    dt_hash old = thread_of(st, "old@corp", T0, true, BOB);
    dt_hash live = thread_of(st, "live@corp", T0 + 10 * DAY, true, "carl@cust.example");
    record(st, ANN, T0 + DAY, (dt_hash[]){old}, 1, T0 + DAY + 3600);
    record(st, ANN, T0 + 11 * DAY, (dt_hash[]){old, live}, 2, T0 + 11 * DAY + 3600);
    /* a rep known only from an empty digest */
    record(st, "solo@corp.example", T0 + 8 * DAY, NULL, 0, T0 + 8 * DAY + 3600);
    record(st, "gone@corp.example", T0 + DAY, NULL, 0, T0 + DAY + 3600);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM digest_sent"), 4);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM digest_item"), 2);

    size_t deleted = 99;
    struct dt_error err = {""};
    ck_assert_int_eq(dt_store_purge(st, T0 + 5 * DAY, &deleted, &err), 0);
    ck_assert_uint_eq(deleted, 1);
    /* the old thread's items and the old days are gone */
    ck_assert_int_eq(first(st, ANN, old), 0);
    ck_assert_int_eq(first(st, ANN, live), T0 + 11 * DAY + 3600);
    ck_assert(!sent(st, ANN, T0 + DAY));
    ck_assert(sent(st, ANN, T0 + 11 * DAY));
    ck_assert(!sent(st, "gone@corp.example", T0 + DAY));
    ck_assert_int_eq(raw_int("SELECT count(*) FROM digest_item"), 1);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM digest_sent"), 2);
    /* solo keeps its address (and its id) while a digest refers to it; gone does not */
    ck_assert(sent(st, "solo@corp.example", T0 + 8 * DAY));
    ck_assert_int_eq(raw_int("SELECT count(*) FROM people WHERE addr = 'solo@corp.example'"), 1);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM people WHERE addr = 'gone@corp.example'"), 0);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM people WHERE addr = 'bob@cust.example'"), 0);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM people WHERE addr = 'ann@corp.example'"), 1);

    /* only digest days to purge: they go, with the address they alone kept */
    ck_assert_int_eq(dt_store_purge(st, T0 + 9 * DAY, &deleted, &err), 0);
    ck_assert_uint_eq(deleted, 0);
    ck_assert(!sent(st, "solo@corp.example", T0 + 8 * DAY));
    ck_assert(sent(st, ANN, T0 + 11 * DAY));
    ck_assert_int_eq(raw_int("SELECT count(*) FROM people WHERE addr = 'solo@corp.example'"), 0);
    ck_assert_int_eq(first(st, ANN, live), T0 + 11 * DAY + 3600); /* thread still there */

    /* everything: nothing is left behind, and recording goes on */
    ck_assert_int_eq(dt_store_purge(st, T0 + 100 * DAY, &deleted, &err), 0);
    ck_assert_uint_eq(deleted, 1);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM digest_item"), 0);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM digest_sent"), 0);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM people"), 0);
    dt_hash fresh = thread_of(st, "fresh@corp", T0 + 101 * DAY, true, BOB);
    /* a new thread may get a purged thread's row id: it must not inherit its digests */
    ck_assert_int_eq(first(st, ANN, fresh), 0);
    dt_store_close(st);
}
END_TEST

/* ---- claims: one host of several sends a digest ---- */

static bool claim(struct dt_store *st, const char *rep, time_t day, time_t now, long stale_s)
{
    bool c = true; /* must be set either way */
    struct dt_error err = {""};
    ck_assert_msg(dt_store_digest_claim(st, rep, day, now, stale_s, &c, &err) == 0, "%s", err.msg);
    return c;
}

static void release(struct dt_store *st, const char *rep, time_t day)
{
    struct dt_error err = {""};
    ck_assert_msg(dt_store_digest_release(st, rep, day, &err) == 0, "%s", err.msg);
}

START_TEST(claim_once_release_and_take_over)
{
    struct dt_store *st = open_ok();
    time_t day = T0, now = T0 + 7 * 3600;
    long stale = 1800;
    ck_assert(claim(st, ANN, day, now, stale));
    /* taken: not again, by this handle or another, while it is fresh */
    ck_assert(!claim(st, ANN, day, now, stale));
    struct dt_store *other = open_ok();
    ck_assert(!claim(other, ANN, day, now + stale - 1, stale));
    /* a claim is not "sent", and leaves no digest record behind */
    ck_assert(!sent(st, ANN, day));
    ck_assert_int_eq(raw_int("SELECT count(*) FROM digest_sent WHERE sent_at = 0"), 1);
    /* other days and reps are theirs alone */
    ck_assert(claim(other, ANN, day + DAY, now, stale));
    ck_assert(claim(other, "zoe@corp.example", day, now, stale));

    /* a failed delivery gives it back: the next run takes it */
    release(st, ANN, day);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM digest_sent d JOIN people p ON p.id = d.rep"
                             " WHERE p.addr = 'ann@corp.example' AND d.day = 1790000000"),
                     0);
    ck_assert(claim(other, ANN, day, now + 60, stale));
    ck_assert(!claim(st, ANN, day, now + 60, stale));

    /* a run that died: its claim, older than stale_s, is taken over - once */
    ck_assert(!claim(st, ANN, day, now + 60 + stale, stale)); /* exactly stale_s: still fresh */
    ck_assert(claim(st, ANN, day, now + 61 + stale, stale));
    ck_assert(!claim(other, ANN, day, now + 61 + stale, stale));

    /* sent: never claimed again, however old; release leaves it sent */
    record(st, ANN, day, NULL, 0, now + 62 + stale);
    ck_assert(sent(st, ANN, day));
    ck_assert(!claim(other, ANN, day, now + 100 * DAY, stale));
    release(other, ANN, day);
    ck_assert(sent(st, ANN, day));
    ck_assert_int_eq(raw_int("SELECT count(*) FROM digest_sent WHERE sent_at = 0"), 2);

    /* releasing what was never claimed, or by a rep never seen, is harmless */
    release(st, "nobody@corp.example", day);
    release(st, ANN, day + 5 * DAY);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM people WHERE addr = 'nobody@corp.example'"), 0);

    /* stale_s 0: any unsent claim from before now is taken over */
    ck_assert(claim(st, "yves@corp.example", day, now, 0));
    ck_assert(!claim(st, "yves@corp.example", day, now, 0));
    ck_assert(claim(st, "yves@corp.example", day, now + 1, 0));
    dt_store_close(other);
    dt_store_close(st);
}
END_TEST

START_TEST(claim_bad_arguments_and_batches)
{
    struct dt_store *st = open_ok();
    struct dt_error err = {""};
    bool c = true;
    ck_assert_int_eq(dt_store_digest_claim(NULL, ANN, T0, T0, 60, &c, &err), -1);
    ck_assert_str_eq(err.msg, "store not open");
    ck_assert_int_eq(dt_store_digest_claim(st, "", T0, T0, 60, &c, &err), -1);
    ck_assert_str_eq(err.msg, "dt_store_digest_claim: no rep");
    ck_assert(!c);
    ck_assert_int_eq(dt_store_digest_release(st, NULL, T0, &err), -1);
    ck_assert_str_eq(err.msg, "dt_store_digest_release: no rep");
    ck_assert_int_eq(dt_store_digest_release(NULL, ANN, T0, &err), -1);

    /* inside a batch a claim is part of it: rolled back with it */
    ck_assert_int_eq(dt_store_begin(st, &err), 0);
    ck_assert(claim(st, ANN, T0, T0, 60));
    ck_assert_int_eq(dt_store_rollback(st, &err), 0);
    ck_assert(claim(st, ANN, T0, T0, 60));
    /* purge drops claims of the days it drops */
    size_t deleted;
    ck_assert_int_eq(dt_store_purge(st, T0 + DAY, &deleted, &err), 0);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM digest_sent"), 0);
    ck_assert(claim(st, ANN, T0, T0, 60));
    dt_store_close(st);
}
END_TEST

static void migration_tests(TCase *tc)
{
    tcase_add_test(tc, v1_database_migrates_and_keeps_its_events);
    tcase_add_test(tc, failed_migration_changes_nothing);
    tcase_add_test(tc, record_waits_for_a_lock_then_fails);
}

static void digest_tests(TCase *tc)
{
    tcase_add_test(tc, first_keeps_the_earliest_per_rep);
    tcase_add_test(tc, sent_per_rep_and_day);
    tcase_add_test(tc, bad_arguments);
    tcase_add_test(tc, record_is_one_transaction);
    tcase_add_test(tc, purge_drops_digests_of_purged_threads_and_days);
}

static void claim_tests(TCase *tc)
{
    tcase_add_test(tc, claim_once_release_and_take_over);
    tcase_add_test(tc, claim_bad_arguments_and_batches);
}

static Suite *store_digest_suite(void)
{
    Suite *s = suite_create("store_digest");
    add_sqlite(s, "migration-sqlite", 0, migration_tests);
    add_both(s, "digests", 30, digest_tests);
    add_both(s, "claims", 30, claim_tests);
    return s;
}

int main(void)
{
    return dt_test_run(store_digest_suite());
}
