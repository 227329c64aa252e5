/*
 * check_storepool.c - the milter's store pool on SQLite (storepool.h,
 * storewriter.h): one handle, records written in arrival order, committed
 * in groups. Many threads keeping records at once get exactly what keeping
 * them one by one through dt_ingest_commit gives (thread, new thread,
 * duplicate, reply latency and usual); records queued behind a busy writer
 * are written together, in order, so a reply finds its original in the
 * same transaction; a message that comes alone is committed before it is
 * answered, messages back to back share commits, which are made once due
 * when mail stops; a commit that fails (a full disk: RLIMIT_FSIZE) counts
 * the records answered for as lost, and from then on every record is
 * committed before its answer; a group that cannot begin fails every
 * message in it and the next one works again; a database that cannot be
 * opened fails each message, promptly, every time. The PostgreSQL side of
 * the pool (spool, outages, replay) is driven through a real Postfix in
 * tests/integration/run-pg-postfix.sh.
 */
#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "dealtemp/ingest.h"
#include "dealtemp/storepool.h"
#include "dealtemp/storewriter.h"
#include "store_helpers.h"
#include "testutil.h"

#define T0 ((time_t)1794927900) /* Tue, 17 Nov 2026 15:05:00 UTC */
#define WORKERS 8
#define PAIRS 25

static char tmpdir[64];
static char db[256];

/* A configuration whose database is path (the real lexicons, corp.example internal). */
static struct dt_config *config_for(const char *path)
{
    char conf[512], text[512];
    snprintf(conf, sizeof(conf), "%s/pool.conf", tmpdir);
    int n = snprintf(text, sizeof(text),
                     "database = \"%s\";\ninternal_domains = [\"corp.example\"];\n", path);
    dt_test_write_file(conf, text, (size_t)n);
    return dt_test_config(conf);
}

static void setup(void)
{
    dt_test_mkdtemp(tmpdir, sizeof(tmpdir), "storepool");
    snprintf(db, sizeof(db), "%s/store.db", tmpdir);
}

static void teardown(void)
{
    dt_test_rm_rf(tmpdir);
}

/* One message of worker w's deal i: the rep's mail, or the customer's reply to it. */
struct msgrec {
    char rep[32], cp[32];
    dt_hash anc;
    struct dt_record rec;
};

static void make_rec(struct msgrec *m, int w, int i, bool reply)
{
    char id[64], root[64];
    snprintf(m->rep, sizeof(m->rep), "rep%d@corp.example", w % 3);
    snprintf(m->cp, sizeof(m->cp), "buyer%d@customer.example", w);
    snprintf(root, sizeof(root), "deal%d.%d@corp.example", w, i / 3);
    snprintf(id, sizeof(id), "%s%d.%d@%s", reply ? "re" : "out", w, i,
             reply ? "customer.example" : "corp.example");
    /* Three rounds per deal: the thread grows, so the usual comes from it. */
    m->anc = dt_msgid_hash(root);
    bool root_msg = !reply && i % 3 == 0;
    m->rec = (struct dt_record){
        .msgid = root_msg ? dt_msgid_hash(root) : dt_msgid_hash(id),
        .ancestors = root_msg ? NULL : &m->anc,
        .n_ancestors = root_msg ? 0 : 1,
        .new_key = m->anc,
        .at = T0 + (time_t)i * 86400 + (reply ? 3600 * (1 + (i * 7 + w) % 20) : 0),
        .outbound = !reply,
        .rep = m->rep,
        .counterpart = m->cp,
        .subject = "Rollout",
        .subject_key = 0,
        .window_s = 14 * 86400L,
        .score = reply ? 0 : 0.9,
        .phrases = reply ? NULL : "amazing",
    };
}

struct work {
    struct dt_storepool *p;
    struct dt_config *cfg;
    int w;
    struct dt_ingest_result res[2 * PAIRS];
    enum dt_kept kept[2 * PAIRS];
    char err[2 * PAIRS][128];
};

/* A worker sends its deal's messages in order, each after the last was kept (as SMTP does). */
static void *worker(void *arg)
{
    struct work *wk = arg;
    for (int i = 0; i < 2 * PAIRS; i++) {
        struct msgrec m;
        struct dt_error err = {{0}};
        make_rec(&m, wk->w, i / 2, i % 2 == 1);
        wk->kept[i] =
            dt_storepool_keep(wk->p, wk->cfg, &m.rec, "QID", DT_INGEST_REPLY, &wk->res[i], &err);
        snprintf(wk->err[i], sizeof(wk->err[i]), "%.120s", err.msg);
    }
    return NULL;
}

/* The pool's counters once n records are in ended transactions (bounded wait). */
static struct dt_storepool_counters wait_written(struct dt_storepool *p, unsigned long n)
{
    struct dt_storepool_counters c;
    for (int i = 0; i < 2000; i++) {
        dt_storepool_counters(p, &c);
        if (c.written >= n)
            break;
        usleep(1000);
    }
    ck_assert_uint_eq(c.written, n);
    return c;
}

/* How many messages another connection sees in the database now (a reader:
 * it waits for no lock, so it sees what is committed, no more). */
static long events_seen(const char *path)
{
    sqlite3 *db3;
    sqlite3_stmt *s;
    ck_assert_int_eq(sqlite3_open_v2(path, &db3, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(db3, "SELECT count(*) FROM events", -1, &s, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
    long n = (long)sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db3);
    return n;
}

static void same_result(const struct dt_ingest_result *a, const struct dt_ingest_result *b, int w,
                        int i)
{
    ck_assert_msg(a->recorded == b->recorded && a->duplicate == b->duplicate &&
                      a->thread == b->thread && a->new_thread == b->new_thread &&
                      strcmp(a->thread_id, b->thread_id) == 0,
                  "worker %d message %d: thread %s/%s", w, i, a->thread_id, b->thread_id);
    const struct dt_cooling *x = &a->reply.c, *y = &b->reply.c;
    ck_assert_msg(x->answered == y->answered && x->reply_s == y->reply_s &&
                      x->usual_s == y->usual_s && x->usual_source == y->usual_source &&
                      x->reply_slow == y->reply_slow,
                  "worker %d message %d: latency %ld/%ld usual %ld/%ld", w, i, x->reply_s,
                  y->reply_s, x->usual_s, y->usual_s);
}

START_TEST(concurrent_like_one_by_one)
{
    struct dt_config *cfg = config_for(db);
    struct dt_storepool *p;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_storepool_start(cfg, &p, &err) == 0, "%s", err.msg);
    static struct work wk[WORKERS];
    pthread_t th[WORKERS];
    for (int w = 0; w < WORKERS; w++) {
        wk[w] = (struct work){.p = p, .cfg = cfg, .w = w};
        ck_assert_int_eq(pthread_create(&th[w], NULL, worker, &wk[w]), 0);
    }
    for (int w = 0; w < WORKERS; w++)
        pthread_join(th[w], NULL);
    /* What was left open is committed once due, with no more mail coming. */
    struct dt_storepool_counters c = wait_written(p, WORKERS * 2 * PAIRS);
    dt_storepool_stop(p);
    ck_assert_uint_eq(c.queued, 0);
    ck_assert_uint_eq(c.lost, 0);
    ck_assert_uint_lt(c.writes, c.written); /* records shared commits */

    /* The same messages one by one, worker after worker, into a fresh store. */
    char other[300];
    snprintf(other, sizeof(other), "%s/one-by-one.db", tmpdir);
    struct dt_store *st = dt_test_store(other);
    size_t answered = 0, from_thread = 0;
    for (int w = 0; w < WORKERS; w++) {
        for (int i = 0; i < 2 * PAIRS; i++) {
            ck_assert_msg(wk[w].kept[i] == DT_KEPT_STORED, "worker %d message %d: %s", w, i,
                          wk[w].err[i]);
            struct msgrec m;
            struct dt_ingest_result r;
            make_rec(&m, w, i / 2, i % 2 == 1);
            ck_assert_msg(dt_ingest_commit(st, cfg, &m.rec, DT_INGEST_REPLY, &r, &err) == 0, "%s",
                          err.msg);
            same_result(&wk[w].res[i], &r, w, i);
            ck_assert(r.recorded && !r.duplicate);
            ck_assert(r.thread == m.anc);
            if (i % 2 == 1) {
                /* every reply answers the rep's mail right before it */
                ck_assert(r.reply.c.answered);
                ck_assert_int_eq(r.reply.c.reply_calendar_s, m.rec.at - (T0 + (i / 2) * 86400));
                answered++;
                from_thread += r.reply.c.usual_source == DT_USUAL_THREAD;
            }
        }
    }
    ck_assert_uint_eq(answered, WORKERS * PAIRS);
    ck_assert_uint_gt(from_thread, 0); /* later rounds of a deal measure against its own history */
    dt_store_close(st);
    dt_config_unref(cfg);
}
END_TEST

/* ---- a writer held up by a lock: what queues behind it ---- */

struct one {
    struct dt_storepool *p;
    struct dt_config *cfg;
    struct msgrec m;
    struct dt_ingest_result res;
    enum dt_kept kept;
    struct dt_error err;
};

static void *keep_one(void *arg)
{
    struct one *o = arg;
    o->kept = dt_storepool_keep(o->p, o->cfg, &o->m.rec, "QID", DT_INGEST_REPLY, &o->res, &o->err);
    return NULL;
}

/* Wait (bounded) until the pool has n records queued behind its writer. */
static void wait_queued(struct dt_storepool *p, unsigned long n)
{
    struct dt_storepool_counters c;
    for (int i = 0; i < 2000; i++) {
        dt_storepool_counters(p, &c);
        if (c.queued == n)
            return;
        usleep(1000);
    }
    ck_abort_msg("%lu queued, not %lu, after 2 s", c.queued, n);
}

/* Start o in its own thread, behind the n-1 already queued. */
static void start_queued(pthread_t *t, struct one *o, unsigned long n)
{
    ck_assert_int_eq(pthread_create(t, NULL, keep_one, o), 0);
    wait_queued(o->p, n);
}

START_TEST(queued_reply_finds_original_in_same_group)
{
    struct dt_config *cfg = config_for(db);
    struct dt_storepool *p;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_storepool_start(cfg, &p, &err) == 0, "%s", err.msg);
    /* Another process's writer holds the lock, so the pool's writer waits. */
    struct dt_store *holder = dt_test_store(db);
    ck_assert_msg(dt_store_begin(holder, &err) == 0, "%s", err.msg);

    static struct one first, out, reply, again;
    first = (struct one){.p = p, .cfg = cfg};
    make_rec(&first.m, 7, 0, false);
    out = (struct one){.p = p, .cfg = cfg};
    make_rec(&out.m, 1, 0, false);
    reply = (struct one){.p = p, .cfg = cfg};
    make_rec(&reply.m, 1, 0, true);
    again = (struct one){.p = p, .cfg = cfg};
    make_rec(&again.m, 1, 0, false); /* the original once more: a duplicate */
    pthread_t t[4];
    /* first becomes the writer and waits for the lock; the rest queue behind it */
    ck_assert_int_eq(pthread_create(&t[0], NULL, keep_one, &first), 0);
    usleep(100 * 1000);
    start_queued(&t[1], &out, 1);
    start_queued(&t[2], &reply, 2);
    start_queued(&t[3], &again, 3);
    struct dt_storepool_counters before;
    dt_storepool_counters(p, &before);
    ck_assert_msg(dt_store_rollback(holder, &err) == 0, "%s", err.msg);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    struct dt_storepool_counters after;
    dt_storepool_counters(p, &after);

    ck_assert_msg(first.kept == DT_KEPT_STORED, "%s", first.err.msg);
    ck_assert_msg(out.kept == DT_KEPT_STORED, "%s", out.err.msg);
    ck_assert_msg(reply.kept == DT_KEPT_STORED, "%s", reply.err.msg);
    ck_assert_msg(again.kept == DT_KEPT_STORED, "%s", again.err.msg);
    /* the three queued records went in one transaction after the first's */
    ck_assert_uint_eq(after.writes - before.writes, 2);
    ck_assert_uint_eq(after.written - before.written, 4);
    ck_assert(out.res.new_thread && !out.res.duplicate);
    ck_assert(reply.res.thread == out.res.thread && !reply.res.new_thread);
    ck_assert(reply.res.reply.c.answered);
    ck_assert_int_eq(reply.res.reply.c.reply_calendar_s, reply.m.rec.at - out.m.rec.at);
    ck_assert(again.res.duplicate && again.res.thread == out.res.thread);
    dt_store_close(holder);
    dt_storepool_stop(p);
    dt_config_unref(cfg);
}
END_TEST

START_TEST(group_that_cannot_begin_fails_whole)
{
    struct dt_config *cfg = config_for(db);
    struct dt_storepool *p;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_storepool_start(cfg, &p, &err) == 0, "%s", err.msg);
    /* Prime the writer's handle, then lock the database longer than its busy timeout. */
    static struct one warm, first, a, b, later;
    warm = (struct one){.p = p, .cfg = cfg};
    make_rec(&warm.m, 5, 0, false);
    keep_one(&warm);
    ck_assert_msg(warm.kept == DT_KEPT_STORED, "%s", warm.err.msg);
    struct dt_store *holder = dt_test_store(db);
    ck_assert_msg(dt_store_begin(holder, &err) == 0, "%s", err.msg);

    first = (struct one){.p = p, .cfg = cfg};
    make_rec(&first.m, 6, 0, false);
    a = (struct one){.p = p, .cfg = cfg};
    make_rec(&a.m, 2, 0, false);
    b = (struct one){.p = p, .cfg = cfg};
    make_rec(&b.m, 3, 0, false);
    pthread_t t[3];
    ck_assert_int_eq(pthread_create(&t[0], NULL, keep_one, &first), 0);
    usleep(100 * 1000);
    start_queued(&t[1], &a, 1);
    start_queued(&t[2], &b, 2);
    /* first fails alone after the busy timeout; a and b, one group, fail together */
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    ck_assert_int_eq(first.kept, DT_KEPT_FAILED);
    ck_assert_int_eq(a.kept, DT_KEPT_FAILED);
    ck_assert_int_eq(b.kept, DT_KEPT_FAILED);
    ck_assert_contains(a.err.msg, "locked");
    ck_assert_contains(b.err.msg, "locked");
    ck_assert(!a.res.recorded && !b.res.recorded && a.res.thread_id[0] == '\0');

    ck_assert_msg(dt_store_rollback(holder, &err) == 0, "%s", err.msg);
    later = (struct one){.p = p, .cfg = cfg};
    make_rec(&later.m, 2, 0, false);
    keep_one(&later);
    ck_assert_msg(later.kept == DT_KEPT_STORED, "%s", later.err.msg);
    ck_assert(later.res.new_thread); /* a's record was not kept */
    dt_store_close(holder);
    dt_storepool_stop(p);
    dt_config_unref(cfg);
}
END_TEST

START_TEST(unopenable_database_fails_each_message)
{
    char missing[300];
    snprintf(missing, sizeof(missing), "%s/no-such-dir/store.db", tmpdir);
    struct dt_config *cfg = config_for(missing);
    struct dt_storepool *p;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_storepool_start(cfg, &p, &err) == 0, "%s", err.msg);
    static struct one o[6];
    pthread_t t[6];
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 3; i++) {
            struct one *x = &o[round * 3 + i];
            *x = (struct one){.p = p, .cfg = cfg};
            make_rec(&x->m, i, 0, false);
            ck_assert_int_eq(pthread_create(&t[i], NULL, keep_one, x), 0);
        }
        for (int i = 0; i < 3; i++)
            pthread_join(t[i], NULL);
    }
    for (int i = 0; i < 6; i++) {
        ck_assert_int_eq(o[i].kept, DT_KEPT_FAILED);
        ck_assert_contains(o[i].err.msg, "no-such-dir");
        ck_assert(!o[i].res.recorded);
    }
    dt_storepool_stop(p);
    dt_config_unref(cfg);
}
END_TEST

START_TEST(alone_committed_before_answer_burst_after)
{
    struct dt_config *cfg = config_for(db);
    struct dt_storepool *p;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_storepool_start(cfg, &p, &err) == 0, "%s", err.msg);
    /* A message that comes alone is committed before it is answered. */
    static struct one o;
    for (int i = 0; i < 2; i++) {
        o = (struct one){.p = p, .cfg = cfg};
        make_rec(&o.m, i, 0, false);
        keep_one(&o);
        ck_assert_msg(o.kept == DT_KEPT_STORED, "%s", o.err.msg);
        ck_assert_int_eq(events_seen(db), i + 1);
        usleep(3 * DT_STOREWRITER_BUSY_GAP_MS * 1000);
    }
    /* Back to back (under load): answered at once, committed together, soon. */
    enum { BURST = 100 };
    for (int i = 0; i < BURST; i++) {
        o = (struct one){.p = p, .cfg = cfg};
        make_rec(&o.m, 2 + i % 5, i, i % 2 == 1);
        keep_one(&o);
        ck_assert_msg(o.kept == DT_KEPT_STORED, "%s", o.err.msg);
    }
    struct dt_storepool_counters c = wait_written(p, 2 + BURST);
    ck_assert_int_eq(events_seen(db), 2 + BURST);
    ck_assert_uint_le(c.writes, 2 + BURST / 2);
    ck_assert_uint_eq(c.lost, 0);
    dt_storepool_stop(p);
    dt_config_unref(cfg);
}
END_TEST

/* Files this process writes may not grow (RLIMIT_FSIZE): a full disk, for SQLite. */
static void file_size_limit(bool on)
{
    struct rlimit rl;
    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &rl), 0);
    rl.rlim_cur = on ? 0 : rl.rlim_max;
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
}

START_TEST(failed_commit_counts_lost_then_commits_first)
{
    signal(SIGXFSZ, SIG_IGN); /* a write past the limit fails with EFBIG instead */
    struct dt_config *cfg = config_for(db);
    struct dt_storepool *p;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_storepool_start(cfg, &p, &err) == 0, "%s", err.msg);
    static struct one o, later, after;
    /* Under load: records answered for and left open... */
    for (int i = 0; i < 20; i++) {
        o = (struct one){.p = p, .cfg = cfg};
        make_rec(&o.m, 1, i, false);
        keep_one(&o);
        ck_assert_msg(o.kept == DT_KEPT_STORED, "%s", o.err.msg);
    }
    /* ... whose commit then fails: the disk is full. */
    file_size_limit(true);
    o = (struct one){.p = p, .cfg = cfg};
    make_rec(&o.m, 2, 0, false);
    keep_one(&o);
    struct dt_storepool_counters c;
    for (int i = 0; i < 2000; i++) {
        dt_storepool_counters(p, &c);
        if (c.lost > 0)
            break;
        usleep(1000);
    }
    ck_assert_uint_gt(c.lost, 0);
    /* From now on a commit comes before the answer, even for messages back to
     * back (which alone would be answered first): the failure shows on each. */
    for (int i = 0; i < 3; i++) {
        later = (struct one){.p = p, .cfg = cfg};
        make_rec(&later.m, 3, i, false);
        keep_one(&later);
        ck_assert_int_eq(later.kept, DT_KEPT_FAILED);
        ck_assert(!later.res.recorded && later.res.thread_id[0] == '\0');
    }
    file_size_limit(false);
    long before = events_seen(db);
    after = (struct one){.p = p, .cfg = cfg};
    make_rec(&after.m, 4, 0, false);
    keep_one(&after); /* right behind the last: not alone, yet committed first */
    ck_assert_msg(after.kept == DT_KEPT_STORED, "%s", after.err.msg);
    ck_assert_int_eq(events_seen(db), before + 1);
    /* Each record is in the database, or counted lost, or was refused to its
     * message (o, if its own group came due and its commit failed first). */
    long seen = events_seen(db);
    dt_storepool_counters(p, &c);
    ck_assert_int_eq(seen + (long)c.lost, 20 + (o.kept == DT_KEPT_STORED) + 1);
    dt_storepool_stop(p);
    dt_config_unref(cfg);
}
END_TEST

static Suite *storepool_suite(void)
{
    Suite *s = suite_create("storepool");
    TCase *tc = tcase_create("sqlite");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60); /* one case waits out SQLite's 5 s busy timeout */
    tcase_add_test(tc, concurrent_like_one_by_one);
    tcase_add_test(tc, queued_reply_finds_original_in_same_group);
    tcase_add_test(tc, group_that_cannot_begin_fails_whole);
    tcase_add_test(tc, unopenable_database_fails_each_message);
    tcase_add_test(tc, alone_committed_before_answer_burst_after);
    tcase_add_test(tc, failed_commit_counts_lost_then_commits_first);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_test_run(storepool_suite());
}
