/*
 * check_spool.c - the milter's local spool (spool.h): every field of a
 * record comes back as it went in, oldest first; a replay that stops keeps
 * the entry it stopped at and everything after it; entries survive
 * closing and reopening the file; the size bound refuses with a message
 * naming the file and the setting.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "dealtemp/spool.h"
#include "testutil.h"

static char dir[128], path[192];

static void setup(void)
{
    dt_test_mkdtemp(dir, sizeof(dir), "spool");
    snprintf(path, sizeof(path), "%s/spool.db", dir);
}

static void teardown(void)
{
    dt_test_rm_rf(dir);
}

static const dt_hash anc[3] = {111, 222, 333};

static struct dt_record record(int i)
{
    static char reps[8][32];
    snprintf(reps[i % 8], sizeof(reps[0]), "rep%d@corp.example", i);
    return (struct dt_record){
        .msgid = 1000 + i,
        .ancestors = anc,
        .n_ancestors = (size_t)(i % 4),
        .new_key = 5000 + i,
        .at = 1790000000 + i,
        .outbound = i % 2 == 0,
        .rep = reps[i % 8],
        .counterpart = "sarah@northwind.example",
        .subject = i == 1 ? NULL : "Proposal",
        .subject_key = 77,
        .window_s = 30 * 86400,
        .score = 0.625,
        .phrases = i % 2 == 0 ? "amazing, can't wait" : NULL,
        .counterpart_name = "Sarah Mitchell",
        .hesitation = i % 2 == 0 ? 0 : 1.25,
        .engagement = i % 2 == 0 ? 0 : 0.5,
        .kinds = i % 2 == 0 ? 0 : 0x801,
        .people = i == 3 ? NULL : "sarah@northwind.example\tSarah Mitchell\n",
    };
}

struct seen {
    int n, stop_at;
    char qids[8][16];
};

static int check_and_count(const struct dt_record *r, const char *qid, void *arg)
{
    struct seen *s = arg;
    if (s->n == s->stop_at)
        return 1;
    snprintf(s->qids[s->n % 8], sizeof(s->qids[0]), "%s", qid ? qid : "(null)");
    s->n++;
    return r->msgid > 0 ? 0 : 1;
}

/* What one replayed record said, copied (it lives only during the call). */
struct box {
    struct dt_record rec;
    char qid[16];
    dt_hash anc[4];
    char rep[64], cp[64], subj[64], ph[64], name[64], people[96];
};

static int grab(const struct dt_record *r, const char *q, void *arg)
{
    struct box *b = arg;
    b->rec = *r;
    for (size_t k = 0; k < r->n_ancestors && k < 4; k++)
        b->anc[k] = r->ancestors[k];
    snprintf(b->qid, sizeof(b->qid), "%s", q ? q : "");
    snprintf(b->rep, sizeof(b->rep), "%s", r->rep ? r->rep : "(null)");
    snprintf(b->cp, sizeof(b->cp), "%s", r->counterpart ? r->counterpart : "(null)");
    snprintf(b->subj, sizeof(b->subj), "%s", r->subject ? r->subject : "(null)");
    snprintf(b->ph, sizeof(b->ph), "%s", r->phrases ? r->phrases : "(null)");
    snprintf(b->name, sizeof(b->name), "%s", r->counterpart_name ? r->counterpart_name : "(null)");
    snprintf(b->people, sizeof(b->people), "%s", r->people ? r->people : "(null)");
    return 0;
}

START_TEST(fields_round_trip_in_order)
{
    struct dt_spool *sp;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_spool_open(path, 1 << 20, &sp, &err) == 0, "%s", err.msg);
    for (int i = 0; i < 4; i++) {
        struct dt_record r = record(i);
        char qid[16];
        snprintf(qid, sizeof(qid), "Q%d", i);
        ck_assert_msg(dt_spool_put(sp, &r, qid, &err) == 0, "%s", err.msg);
    }
    size_t n = 0;
    ck_assert_int_eq(dt_spool_count(sp, &n, &err), 0);
    ck_assert_uint_eq(n, 4);
    dt_spool_close(sp);

    /* Reopened (a milter restart): still there, and every field intact. */
    ck_assert_msg(dt_spool_open(path, 1 << 20, &sp, &err) == 0, "%s", err.msg);
    for (int i = 0; i < 4; i++) {
        struct dt_record want = record(i);
        struct box got;
        memset(&got, 0, sizeof(got));
        size_t done = 0;
        ck_assert_int_eq(dt_spool_replay(sp, 1, grab, &got, &done, &err), 0);
        ck_assert_uint_eq(done, 1);
        ck_assert_int_eq(got.rec.msgid, want.msgid);
        ck_assert_uint_eq(got.rec.n_ancestors, want.n_ancestors);
        for (size_t k = 0; k < got.rec.n_ancestors; k++)
            ck_assert_int_eq(got.anc[k], want.ancestors[k]);
        ck_assert_int_eq(got.rec.new_key, want.new_key);
        ck_assert_int_eq(got.rec.at, want.at);
        ck_assert_int_eq(got.rec.outbound, want.outbound);
        ck_assert_str_eq(got.rep, want.rep);
        ck_assert_str_eq(got.cp, want.counterpart);
        ck_assert_str_eq(got.subj, want.subject ? want.subject : "(null)");
        ck_assert_int_eq(got.rec.subject_key, want.subject_key);
        ck_assert_int_eq(got.rec.window_s, want.window_s);
        ck_assert(got.rec.score == want.score);
        ck_assert_str_eq(got.ph, want.phrases ? want.phrases : "(null)");
        ck_assert_str_eq(got.name, want.counterpart_name);
        ck_assert(got.rec.hesitation == want.hesitation);
        ck_assert(got.rec.engagement == want.engagement);
        ck_assert_uint_eq(got.rec.kinds, want.kinds);
        ck_assert_str_eq(got.people, want.people ? want.people : "(null)");
        char wq[16];
        snprintf(wq, sizeof(wq), "Q%d", i);
        ck_assert_str_eq(got.qid, wq);
    }
    size_t n2 = 9;
    ck_assert_int_eq(dt_spool_count(sp, &n2, &err), 0);
    ck_assert_uint_eq(n2, 0);
    dt_spool_close(sp);
}
END_TEST

/* A spool an older milter left (without the customer's side) is opened,
 * gains the columns, and replays its entry with no tone and no people. */
START_TEST(older_spool_gains_the_new_columns)
{
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(
        sqlite3_exec(db,
                     "CREATE TABLE spool(id INTEGER PRIMARY KEY AUTOINCREMENT, qid TEXT,"
                     " msgid INTEGER NOT NULL, ancestors BLOB, new_key INTEGER, at INTEGER,"
                     " outbound INTEGER, rep TEXT, counterpart TEXT, subject TEXT,"
                     " subject_key INTEGER, window_s INTEGER, score REAL, phrases TEXT,"
                     " counterpart_name TEXT);"
                     "INSERT INTO spool(qid, msgid, new_key, at, outbound, rep, counterpart, score)"
                     " VALUES ('QOLD', 42, 42, 1790000000, 0, 'ann@corp.example',"
                     " 'bob@cust.example', 0.0)",
                     NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    struct dt_spool *sp;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_spool_open(path, 1 << 20, &sp, &err) == 0, "%s", err.msg);
    struct box got;
    memset(&got, 0, sizeof(got));
    size_t done = 0;
    ck_assert_int_eq(dt_spool_replay(sp, 1, grab, &got, &done, &err), 0);
    ck_assert_uint_eq(done, 1);
    ck_assert_int_eq(got.rec.msgid, 42);
    ck_assert_str_eq(got.qid, "QOLD");
    ck_assert(got.rec.hesitation == 0 && got.rec.engagement == 0);
    ck_assert_uint_eq(got.rec.kinds, 0);
    ck_assert_str_eq(got.people, "(null)");
    /* and takes new entries with them */
    struct dt_record r = record(1);
    ck_assert_msg(dt_spool_put(sp, &r, "QNEW", &err) == 0, "%s", err.msg);
    dt_spool_close(sp);
    ck_assert_msg(dt_spool_open(path, 1 << 20, &sp, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(dt_spool_replay(sp, 1, grab, &got, &done, &err), 0);
    ck_assert(got.rec.hesitation == 1.25);
    dt_spool_close(sp);
}
END_TEST

START_TEST(stopped_replay_keeps_the_rest)
{
    struct dt_spool *sp;
    struct dt_error err = {{0}};
    ck_assert_int_eq(dt_spool_open(path, 1 << 20, &sp, &err), 0);
    for (int i = 0; i < 5; i++) {
        struct dt_record r = record(i);
        char qid[16];
        snprintf(qid, sizeof(qid), "Q%d", i);
        ck_assert_int_eq(dt_spool_put(sp, &r, qid, &err), 0);
    }
    struct seen s = {0, 2, {{0}}};
    size_t done = 0, n = 0;
    ck_assert_int_eq(dt_spool_replay(sp, 0, check_and_count, &s, &done, &err), 0);
    ck_assert_uint_eq(done, 2); /* the third said "not kept": it and the rest stay */
    ck_assert_int_eq(dt_spool_count(sp, &n, &err), 0);
    ck_assert_uint_eq(n, 3);
    struct seen t = {0, -1, {{0}}};
    ck_assert_int_eq(dt_spool_replay(sp, 0, check_and_count, &t, &done, &err), 0);
    ck_assert_uint_eq(done, 3);
    ck_assert_str_eq(t.qids[0], "Q2"); /* resumed at the entry that stopped it */
    ck_assert_str_eq(t.qids[2], "Q4");
    dt_spool_close(sp);
}
END_TEST

START_TEST(bound_refuses_with_the_setting_named)
{
    struct dt_spool *sp;
    struct dt_error err = {{0}};
    /* One MB: filled by a few thousand records with long phrases. */
    ck_assert_int_eq(dt_spool_open(path, 1 << 20, &sp, &err), 0);
    char phrases[1024];
    memset(phrases, 'x', sizeof(phrases) - 1);
    phrases[sizeof(phrases) - 1] = '\0';
    int i, rc = 0;
    for (i = 0; i < 5000 && rc == 0; i++) {
        struct dt_record r = record(i);
        r.phrases = phrases;
        rc = dt_spool_put(sp, &r, "QFULL", &err);
    }
    ck_assert_int_eq(rc, -1);
    ck_assert_int_gt(i, 100);
    ck_assert_ptr_nonnull(strstr(err.msg, path));
    ck_assert_ptr_nonnull(strstr(err.msg, "spool full (1 MB, store.spool_max_mb)"));
    size_t n = 0;
    ck_assert_int_eq(dt_spool_count(sp, &n, &err), 0);
    ck_assert_uint_eq(n, (size_t)(i - 1)); /* what was accepted is all there */
    dt_spool_close(sp);
}
END_TEST

START_TEST(unwritable_place_is_an_error_naming_it)
{
    struct dt_spool *sp = NULL;
    struct dt_error err = {{0}};
    char bad[256];
    snprintf(bad, sizeof(bad), "%s/no/such/dir/spool.db", dir);
    ck_assert_int_eq(dt_spool_open(bad, 1 << 20, &sp, &err), -1);
    ck_assert_ptr_null(sp);
    ck_assert_ptr_nonnull(strstr(err.msg, bad));
}
END_TEST

static Suite *spool_suite(void)
{
    Suite *s = suite_create("spool");
    TCase *tc = tcase_create("spool");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, fields_round_trip_in_order);
    tcase_add_test(tc, older_spool_gains_the_new_columns);
    tcase_add_test(tc, stopped_replay_keeps_the_rest);
    tcase_add_test(tc, bound_refuses_with_the_setting_named);
    tcase_add_test(tc, unwritable_place_is_an_error_naming_it);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_test_run(spool_suite());
}
