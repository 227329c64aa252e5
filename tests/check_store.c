/*
 * check_store.c - the store, a fresh one per test, every case that needs
 * only the store interface run twice: against a SQLite file and against a
 * PostgreSQL database (the "-pg" TCases, when make check started a
 * server; store_fixture.h). Threading (In-Reply-To, thread keys, subject
 * fallback inside and outside its window and pair), duplicates, scan
 * order and filters (a scan's statement reused, nested), purge, counts,
 * batches, a copy into another store, and what a handle remembers to skip
 * writes (people, names, subjects, who met where) staying right across
 * another handle's purge, its own, and a batch rolled back. Opening, the
 * schema and its version are in check_store_open.c; PostgreSQL's own cases
 * in check_store_pg.c.
 * Concurrency, crashes and locks are in check_store_stress.c; migrating a
 * version 1 database and the digest records in check_store_digest.c.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dealtemp/migrate.h"
#include "store_fixture.h"
#include "testutil.h"

/* ---- threading ---- */

START_TEST(reply_joins_by_in_reply_to)
{
    struct dt_store *st = open_ok();
    struct dt_record_result a = put(st, &(struct m){"a@corp", NULL, NULL, T0, true, "ann@corp",
                                                    "bob@cust", "Offerte Q3", 0.9, "amazing"});
    ck_assert(!a.duplicate);
    ck_assert(a.new_thread);
    ck_assert(a.thread == dt_msgid_hash("a@corp"));
    struct dt_record_result b =
        put(st, &(struct m){"b@cust", "<A@corp>", NULL, T0 + DAY, false, "ann@corp", "bob@cust",
                            "Totally else", 0, NULL});
    ck_assert(!b.new_thread);
    ck_assert(b.thread == a.thread);
    /* a deeper reply whose References name the root only */
    struct dt_record_result c = put(st, &(struct m){"c@corp", "b@cust", "a@corp", T0 + 2 * DAY,
                                                    true, "ann@corp", "bob@cust", NULL, 0.1, NULL});
    ck_assert(c.thread == a.thread);
    struct dt_store_counts n = counts(st);
    ck_assert_uint_eq(n.outbound, 2);
    ck_assert_uint_eq(n.inbound, 1);
    ck_assert_uint_eq(n.threads, 1);
    dt_store_close(st);
}
END_TEST

START_TEST(reply_before_original_joins_by_key)
{
    /* Import order need not be mail order: the reply comes first and keys the
     * thread by its root; the root, stored later, finds the thread by key. */
    struct dt_store *st = open_ok();
    struct dt_record_result b = put(st, &(struct m){"b@cust", "a@corp", "a@corp", T0 + DAY, false,
                                                    "ann@corp", "bob@cust", "Re: x", 0, NULL});
    ck_assert(b.new_thread);
    ck_assert(b.thread == dt_msgid_hash("a@corp"));
    struct dt_record_result a = put(
        st, &(struct m){"a@corp", NULL, NULL, T0, true, "ann@corp", "bob@cust", "x", 0.2, NULL});
    ck_assert(!a.new_thread);
    ck_assert(a.thread == b.thread);
    /* an unknown ancestor plus a known thread key: the key wins over a new thread */
    struct dt_record_result c = put(st, &(struct m){"c@cust", "zz@nowhere", "a@corp", T0 + 3 * DAY,
                                                    false, "ann@corp", "bob@cust", NULL, 0, NULL});
    ck_assert(c.thread == a.thread);
    ck_assert_uint_eq(counts(st).threads, 1);
    dt_store_close(st);
}
END_TEST

START_TEST(subject_fallback_window_and_pair)
{
    struct dt_store *st = open_ok();
    struct dt_record_result a = put(st, &(struct m){"a@corp", NULL, NULL, T0, true, "ann@corp",
                                                    "bob@cust", "Offerte Q3", 0.8, NULL});
    /* no references, same pair, same subject after prefixes, within 30 days */
    struct dt_record_result b =
        put(st, &(struct m){"b@cust", NULL, NULL, T0 + 5 * DAY, false, "ann@corp", "bob@cust",
                            "AW: RE: offerte q3", 0, NULL});
    ck_assert(!b.new_thread);
    ck_assert(b.thread == a.thread);
    /* the window runs from the thread's last message (T0 + 5d): +34d is inside */
    struct dt_record_result c =
        put(st, &(struct m){"c@cust", NULL, NULL, T0 + 34 * DAY, false, "ann@corp", "bob@cust",
                            "Re: Offerte Q3", 0, NULL});
    ck_assert(c.thread == a.thread);
    /* ... and 30 days + 1 s after the last one is outside */
    struct dt_record_result d =
        put(st, &(struct m){"d@cust", NULL, NULL, T0 + 64 * DAY + 1, false, "ann@corp", "bob@cust",
                            "Re: Offerte Q3", 0, NULL});
    ck_assert(d.new_thread);
    ck_assert(d.thread != a.thread);
    ck_assert(d.thread == dt_msgid_hash("d@cust"));
    /* exactly at the window edge joins (d's thread, the most recent) */
    struct dt_record_result e =
        put(st, &(struct m){"e@cust", NULL, NULL, T0 + 94 * DAY + 1, false, "ann@corp", "bob@cust",
                            "Re: Offerte Q3", 0, NULL});
    ck_assert(e.thread == d.thread);
    /* another counterpart, same rep and subject: its own thread */
    struct dt_record_result f =
        put(st, &(struct m){"f@other", NULL, NULL, T0 + DAY, false, "ann@corp", "carl@other",
                            "Re: Offerte Q3", 0, NULL});
    ck_assert(f.new_thread);
    /* another rep, same counterpart and subject: its own thread */
    struct dt_record_result g =
        put(st, &(struct m){"g@cust", NULL, NULL, T0 + DAY, false, "dirk@corp", "bob@cust",
                            "Re: Offerte Q3", 0, NULL});
    ck_assert(g.new_thread);
    /* other subject, same pair: its own thread */
    struct dt_record_result h =
        put(st, &(struct m){"h@cust", NULL, NULL, T0 + DAY, false, "ann@corp", "bob@cust",
                            "Re: Invoice", 0, NULL});
    ck_assert(h.new_thread);
    /* no subject at all: never joins by subject */
    struct dt_record_result i = put(st, &(struct m){"i@cust", NULL, NULL, T0 + DAY, false,
                                                    "ann@corp", "bob@cust", NULL, 0, NULL});
    ck_assert(i.new_thread);
    ck_assert_uint_eq(counts(st).threads, 6);
    dt_store_close(st);
}
END_TEST

START_TEST(duplicate_message_id)
{
    struct dt_store *st = open_ok();
    struct m m = {"dup@corp", NULL, NULL, T0, true, "ann@corp", "bob@cust", "Deal", 0.7, "wow"};
    struct dt_record_result a = put(st, &m);
    ck_assert(!a.duplicate);
    m.at = T0 + DAY; /* a resend with other facts changes nothing */
    m.score = 0.1;
    m.id = "<DUP@corp>";
    struct dt_record_result b = put(st, &m);
    ck_assert(b.duplicate);
    ck_assert(!b.new_thread);
    ck_assert(b.thread == a.thread);
    ck_assert_uint_eq(counts(st).outbound, 1);
    ck_assert_int_eq(raw_int("SELECT at FROM events"), T0);
    ck_assert_int_eq(raw_int("SELECT score FROM events"), 700);

    struct dt_record bad = {.msgid = 0};
    struct dt_record_result res;
    struct dt_error err = {""};
    ck_assert_int_eq(dt_store_record(st, &bad, &res, &err), -1);
    ck_assert_msg(strncmp(err.msg, db_label, strlen(db_label)) == 0, "%s", err.msg);
    ck_assert_int_eq(dt_store_record(NULL, &bad, &res, &err), -1);
    dt_store_close(st);
}
END_TEST

/* ---- reading ---- */

struct seen {
    size_t n;
    dt_hash thread[32];
    time_t at[32];
    char rep[32][32], cp[32][32], subject[32][32], phrases[32][32];
    double score[32];
    char name[32][32];
    bool out[32];
    double hes[32], eng[32];
    unsigned kinds[32];
    char people[32][64];
    int stop_at; /* stop (returning 7) at this row, -1 never */
};

static int collect(const struct dt_row *r, void *arg)
{
    struct seen *s = arg;
    ck_assert_uint_lt(s->n, 32);
    size_t i = s->n++;
    s->thread[i] = r->thread;
    s->at[i] = r->at;
    s->out[i] = r->outbound;
    snprintf(s->rep[i], 32, "%s", r->rep ? r->rep : "(null)");
    snprintf(s->cp[i], 32, "%s", r->counterpart ? r->counterpart : "(null)");
    snprintf(s->subject[i], 32, "%s", r->subject ? r->subject : "(null)");
    snprintf(s->phrases[i], 32, "%s", r->phrases ? r->phrases : "(null)");
    s->score[i] = r->score;
    snprintf(s->name[i], 32, "%s", r->counterpart_name ? r->counterpart_name : "(null)");
    s->hes[i] = r->hesitation;
    s->eng[i] = r->engagement;
    s->kinds[i] = r->kinds;
    snprintf(s->people[i], 64, "%s", r->people ? r->people : "(null)");
    return (int)i == s->stop_at ? 7 : 0;
}

static struct seen scan(struct dt_store *st, const struct dt_store_filter *f)
{
    static struct seen s;
    memset(&s, 0, sizeof(s));
    s.stop_at = -1;
    struct dt_error err = {""};
    ck_assert_msg(dt_store_scan(st, f, collect, &s, &err) == 0, "%s", err.msg);
    return s;
}

/* Three threads written interleaved: T1 ann<->bob, T2 dirk<->carl, T3 ann<->carl. */
static struct dt_store *three_threads(void)
{
    struct dt_store *st = open_ok();
    put(st, &(struct m){"t1@corp", NULL, NULL, T0, true, "ann@corp", "bob@cust", "Offerte", 0.873,
                        "amazing, can't wait"});
    put(st, &(struct m){"t2@corp", NULL, NULL, T0 + 10, true, "dirk@corp", "carl@other", "Demo",
                        0.2, NULL});
    next_name = "Bob Jansen";
    next_tone.hesitation = 1.2345; /* kept to three decimals */
    next_tone.engagement = 12.5;
    next_tone.kinds = 0x2801;
    next_tone.people = "bob@cust\tBob Jansen\nmaria@cust\t\n";
    put(st, &(struct m){"t1r@cust", "t1@corp", NULL, T0 + 3 * DAY, false, "ann@corp", "bob@cust",
                        "Re: Offerte", 0, NULL});
    put(st, &(struct m){"t3@corp", NULL, NULL, T0 + 20, true, "ann@corp", "carl@other", NULL, 0.5,
                        NULL});
    /* the customer answers dirk's thread, and ann chimes in there */
    put(st, &(struct m){"t2r@other", "t2@corp", NULL, T0 + DAY, false, "dirk@corp", "carl@other",
                        "Re: Demo", 0, NULL});
    put(st, &(struct m){"t2a@corp", "t2r@other", "t2@corp", T0 + 2 * DAY, true, "ann@corp",
                        "carl@other", "Re: Demo", 0.4, NULL});
    /* out of time order within thread 1 */
    put(st, &(struct m){"t1b@corp", "t1@corp", NULL, T0 + DAY, true, "ann@corp", "bob@cust",
                        "Re: Offerte", 0.1, NULL});
    return st;
}

START_TEST(scan_order_and_rows)
{
    struct dt_store *st = three_threads();
    struct seen s = scan(st, NULL);
    ck_assert_uint_eq(s.n, 7);
    /* grouped by thread, time order within; each thread appears in one run */
    for (size_t i = 1; i < s.n; i++) {
        if (s.thread[i] == s.thread[i - 1])
            ck_assert_int_le(s.at[i - 1], s.at[i]);
        else
            for (size_t j = 0; j < i; j++)
                ck_assert(s.thread[j] != s.thread[i]);
    }
    ck_assert(s.thread[0] == dt_msgid_hash("t1@corp"));
    ck_assert_int_eq(s.at[0], T0);
    ck_assert_int_eq(s.at[1], T0 + DAY);
    ck_assert_int_eq(s.at[2], T0 + 3 * DAY);
    ck_assert(s.out[0] && s.out[1] && !s.out[2]);
    ck_assert_str_eq(s.rep[0], "ann@corp");
    ck_assert_str_eq(s.cp[0], "bob@cust");
    ck_assert_str_eq(s.subject[0], "Offerte");
    ck_assert_str_eq(s.subject[2], "Offerte"); /* the thread's first subject */
    ck_assert_str_eq(s.phrases[0], "amazing, can't wait");
    ck_assert_str_eq(s.phrases[1], "(null)");
    ck_assert(s.score[0] > 0.8725 && s.score[0] < 0.8735);
    /* The display name, once seen, comes with every row of that address. */
    ck_assert_str_eq(s.name[0], "Bob Jansen");
    ck_assert_str_eq(s.name[2], "Bob Jansen");
    ck_assert_str_eq(s.name[6], "(null)");
    /* an inbound reply's tone and the customer's people come back as recorded */
    ck_assert_double_eq_tol(s.hes[2], 1.235, 1e-9);
    ck_assert_double_eq_tol(s.eng[2], 12.5, 1e-9);
    ck_assert_uint_eq(s.kinds[2], 0x2801);
    ck_assert_str_eq(s.people[2], "bob@cust\tBob Jansen\nmaria@cust\t\n");
    ck_assert_double_eq(s.hes[0], 0);
    ck_assert_uint_eq(s.kinds[0], 0);
    ck_assert_str_eq(s.people[0], "(null)");
    ck_assert(s.thread[6] == dt_msgid_hash("t3@corp"));
    ck_assert_str_eq(s.subject[6], "(null)");

    /* the callback stops the scan; its value comes back */
    struct seen stop;
    memset(&stop, 0, sizeof(stop));
    stop.stop_at = 2;
    struct dt_error err;
    ck_assert_int_eq(dt_store_scan(st, NULL, collect, &stop, &err), 7);
    ck_assert_uint_eq(stop.n, 3);
    /* ... and the same scan afterwards starts from the first row again */
    s = scan(st, NULL);
    ck_assert_uint_eq(s.n, 7);
    ck_assert(s.thread[0] == dt_msgid_hash("t1@corp"));
    dt_store_close(st);
}
END_TEST

/* A scan of the same filter from inside a scan's callback: rows counted per depth. */
struct nested {
    struct dt_store *st;
    const struct dt_store_filter *f;
    size_t outer, inner;
    int depth;
};

static int nested_row(const struct dt_row *r, void *arg)
{
    struct nested *n = arg;
    (void)r;
    if (n->depth > 0) {
        n->inner++;
        return 0;
    }
    n->outer++;
    n->depth++;
    struct dt_error err = {""};
    ck_assert_msg(dt_store_scan(n->st, n->f, nested_row, n, &err) == 0, "%s", err.msg);
    n->depth--;
    return 0;
}

START_TEST(scan_repeated_and_after_writes)
{
    /* Scans of one filter shape reuse a statement (SQLite): each must see the
     * rows written since the last. */
    struct dt_store *st = three_threads();
    const struct dt_store_filter f = {.counterpart = "carl@other"};
    for (int i = 0; i < 3; i++) {
        char id[32];
        snprintf(id, sizeof(id), "more%d@corp", i);
        put(st, &(struct m){id, "t3@corp", NULL, T0 + 30 + i, true, "ann@corp", "carl@other", NULL,
                            0.1, NULL});
        struct seen s = scan(st, &f);
        ck_assert_uint_eq(s.n, 5 + (size_t)i);
        s = scan(st, &(struct dt_store_filter){.counterpart = "bob@cust"});
        ck_assert_uint_eq(s.n, 3);
    }
    dt_store_close(st);
}
END_TEST

/*
 * A scan inside another's callback must not disturb the outer one (SQLite:
 * it gets a statement of its own). PostgreSQL streams a scan's rows on the
 * handle's one connection, so there a scan may not call another: SQLite only.
 */
START_TEST(scan_inside_a_scan)
{
    struct dt_store *st = three_threads();
    const struct dt_store_filter f = {.counterpart = "carl@other"};
    struct nested n = {st, &f, 0, 0, 0};
    struct dt_error err = {""};
    ck_assert_msg(dt_store_scan(st, &f, nested_row, &n, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(n.outer, 4);
    ck_assert_uint_eq(n.inner, 16);
    dt_store_close(st);
}
END_TEST

START_TEST(scan_filters)
{
    struct dt_store *st = three_threads();
    /* rep: every message of the threads ann appears in (all three) */
    struct seen s = scan(st, &(struct dt_store_filter){.rep = "ann@corp"});
    ck_assert_uint_eq(s.n, 7);
    /* dirk appears only in thread 2, whose rows include ann's and carl's */
    s = scan(st, &(struct dt_store_filter){.rep = "dirk@corp"});
    ck_assert_uint_eq(s.n, 3);
    for (size_t i = 0; i < s.n; i++)
        ck_assert(s.thread[i] == dt_msgid_hash("t2@corp"));
    ck_assert_str_eq(s.rep[2], "ann@corp");
    s = scan(st, &(struct dt_store_filter){.rep = "nobody@corp"});
    ck_assert_uint_eq(s.n, 0);
    /* counterpart: only messages with carl */
    s = scan(st, &(struct dt_store_filter){.counterpart = "carl@other"});
    ck_assert_uint_eq(s.n, 4);
    for (size_t i = 0; i < s.n; i++)
        ck_assert_str_eq(s.cp[i], "carl@other");
    /* thread */
    s = scan(st, &(struct dt_store_filter){.thread = dt_msgid_hash("t1@corp")});
    ck_assert_uint_eq(s.n, 3);
    s = scan(st, &(struct dt_store_filter){.thread = 12345});
    ck_assert_uint_eq(s.n, 0);
    /* until: at or before */
    s = scan(st, &(struct dt_store_filter){.until = T0 + DAY});
    ck_assert_uint_eq(s.n, 5);
    ck_assert_int_eq(s.at[1], T0 + DAY);
    /* all together */
    s = scan(st, &(struct dt_store_filter){.rep = "ann@corp",
                                           .counterpart = "bob@cust",
                                           .thread = dt_msgid_hash("t1@corp"),
                                           .until = T0 + DAY});
    ck_assert_uint_eq(s.n, 2);
    dt_store_close(st);
}
END_TEST

/*
 * last_threads: with a counterpart, only their latest threads by when each
 * was first stored (carl is in t2, then t3; bob in t1 only). lean: the same
 * rows, with only thread, time, direction, counterpart and score read.
 */
START_TEST(scan_latest_threads_and_lean)
{
    struct dt_store *st = three_threads();
    struct seen s =
        scan(st, &(struct dt_store_filter){.counterpart = "carl@other", .last_threads = 1});
    ck_assert_uint_eq(s.n, 1);
    ck_assert(s.thread[0] == dt_msgid_hash("t3@corp"));
    s = scan(st, &(struct dt_store_filter){.counterpart = "carl@other", .last_threads = 2});
    ck_assert_uint_eq(s.n, 4);
    s = scan(st, &(struct dt_store_filter){.counterpart = "carl@other", .last_threads = 99});
    ck_assert_uint_eq(s.n, 4);
    s = scan(st, &(struct dt_store_filter){
                     .counterpart = "carl@other", .last_threads = 1, .until = T0 + 19});
    ck_assert_uint_eq(s.n, 0); /* t3 is the latest, and has nothing that early */

    static const struct dt_store_filter shapes[] = {
        {.counterpart = "bob@cust"},
        {.counterpart = "carl@other", .last_threads = 2, .until = T0 + DAY},
        {.thread = 0},
    };
    for (size_t k = 0; k < sizeof(shapes) / sizeof(*shapes); k++) {
        struct dt_store_filter lean = shapes[k];
        lean.lean = true;
        struct seen full = scan(st, &shapes[k]), thin = scan(st, &lean);
        ck_assert_uint_eq(thin.n, full.n);
        ck_assert_uint_gt(thin.n, 0);
        for (size_t i = 0; i < thin.n; i++) {
            ck_assert(thin.thread[i] == full.thread[i]);
            ck_assert_int_eq(thin.at[i], full.at[i]);
            ck_assert_int_eq(thin.out[i], full.out[i]);
            ck_assert_str_eq(thin.cp[i], full.cp[i]);
            ck_assert_double_eq(thin.score[i], full.score[i]);
            if (shapes[k].thread == 0 && shapes[k].counterpart == NULL)
                continue; /* the unfiltered scan may read everything anyway */
            ck_assert_str_eq(thin.rep[i], "(null)");
            ck_assert_str_eq(thin.subject[i], "(null)");
            ck_assert_str_eq(thin.phrases[i], "(null)");
            ck_assert_str_eq(thin.name[i], "(null)");
            ck_assert_str_eq(thin.people[i], "(null)");
            ck_assert_uint_eq(thin.kinds[i], 0);
        }
    }
    dt_store_close(st);
}
END_TEST

/*
 * A handle remembers people ids, names, threads' subjects and who met in
 * which thread, to skip statements that would change nothing (SQLite,
 * store_sqlite_known.c). Another connection's purge deletes those rows and
 * hands the ids out again; a purge on the handle itself does the same;
 * the next record must still name the right people, name and thread.
 */
static void purge_then_reuse(struct dt_store *a, struct dt_store *b)
{
    next_name = "Bob Jansen";
    put(a,
        &(struct m){"k1@corp", NULL, NULL, T0, true, "ann@corp", "bob@cust", "Offerte", 0.9, NULL});
    size_t gone;
    struct dt_error err = {""};
    ck_assert_msg(dt_store_purge(b, T0 + DAY, &gone, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(gone, 1);
    /* new people take the freed ids (rowids start over in an empty table) */
    put(b, &(struct m){"k2@other", NULL, NULL, T0 + 2 * DAY, true, "carl@other", "dave@other",
                       "Demo", 0.2, NULL});
    next_name = "Bob Jansen";
    put(a, &(struct m){"k3@corp", "k1@corp", NULL, T0 + 3 * DAY, true, "ann@corp", "bob@cust",
                       "Re: Offerte", 0.4, NULL});
    struct seen r = scan(a, NULL);
    ck_assert_uint_eq(r.n, 2);
    for (size_t i = 0; i < r.n; i++) {
        bool ours = r.thread[i] == dt_msgid_hash("k1@corp");
        ck_assert_str_eq(r.rep[i], ours ? "ann@corp" : "carl@other");
        ck_assert_str_eq(r.cp[i], ours ? "bob@cust" : "dave@other");
        ck_assert_str_eq(r.name[i], ours ? "Bob Jansen" : "(null)");
        ck_assert_str_eq(r.subject[i], ours ? "Re: Offerte" : "Demo");
    }
    /* ann's thread is found again through who-met-whom (the rep filter) */
    r = scan(a, &(struct dt_store_filter){.rep = "ann@corp"});
    ck_assert_uint_eq(r.n, 1);
}

START_TEST(remembered_rows_survive_another_handles_purge)
{
    struct dt_store *a = open_ok(), *b = open_ok();
    purge_then_reuse(a, b);
    dt_store_close(b);
    dt_store_close(a);
}
END_TEST

START_TEST(remembered_rows_survive_own_purge)
{
    struct dt_store *a = open_ok();
    purge_then_reuse(a, a);
    dt_store_close(a);
}
END_TEST

START_TEST(remembered_rows_forgotten_with_a_rolled_back_batch)
{
    struct dt_store *a = open_ok();
    struct dt_error err = {""};
    /* ann and bob get people ids in a batch that is then dropped */
    ck_assert_msg(dt_store_begin(a, &err) == 0, "%s", err.msg);
    next_name = "Bob Jansen";
    put(a,
        &(struct m){"r1@corp", NULL, NULL, T0, true, "ann@corp", "bob@cust", "Offerte", 0.9, NULL});
    ck_assert_msg(dt_store_rollback(a, &err) == 0, "%s", err.msg);
    /* their ids go to others; then ann writes to bob for real */
    put(a, &(struct m){"r2@other", NULL, NULL, T0 + DAY, true, "carl@other", "dave@other", "Demo",
                       0.2, NULL});
    next_name = "Bob Jansen";
    put(a, &(struct m){"r3@corp", NULL, NULL, T0 + 2 * DAY, true, "ann@corp", "bob@cust", "Offerte",
                       0.9, NULL});
    struct seen r = scan(a, &(struct dt_store_filter){.thread = dt_msgid_hash("r3@corp")});
    ck_assert_uint_eq(r.n, 1);
    ck_assert_str_eq(r.rep[0], "ann@corp");
    ck_assert_str_eq(r.cp[0], "bob@cust");
    ck_assert_str_eq(r.name[0], "Bob Jansen");
    ck_assert_uint_eq(counts(a).outbound, 2);
    dt_store_close(a);
}
END_TEST

START_TEST(subject_filled_later_and_null_people)
{
    struct dt_store *st = open_ok();
    put(st, &(struct m){"a@corp", NULL, NULL, T0, true, "ann@corp", NULL, NULL, 0, NULL});
    put(st,
        &(struct m){"b@x", "a@corp", NULL, T0 + 1, false, NULL, "bob@cust", "Re: Late", 0, NULL});
    struct seen s = scan(st, NULL);
    ck_assert_uint_eq(s.n, 2);
    ck_assert_str_eq(s.subject[0], "Re: Late");
    ck_assert_str_eq(s.cp[0], "(null)");
    ck_assert_str_eq(s.rep[1], "(null)");
    dt_store_close(st);
}
END_TEST

START_TEST(purge_and_counts)
{
    struct dt_store *st = three_threads();
    struct dt_store_counts c = counts(st);
    ck_assert_uint_eq(c.outbound, 5);
    ck_assert_uint_eq(c.inbound, 2);
    ck_assert_uint_eq(c.threads, 3);
    size_t deleted = 99;
    struct dt_error err;
    /* nothing older than T0 */
    ck_assert_int_eq(dt_store_purge(st, T0, &deleted, &err), 0);
    ck_assert_uint_eq(deleted, 0);
    /* everything before T0 + 1 day: t1, t2, t3 go; thread 3 is left empty */
    ck_assert_int_eq(dt_store_purge(st, T0 + DAY, &deleted, &err), 0);
    ck_assert_uint_eq(deleted, 3);
    c = counts(st);
    ck_assert_uint_eq(c.outbound, 2);
    ck_assert_uint_eq(c.inbound, 2);
    ck_assert_uint_eq(c.threads, 2);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM thread_people"), 3);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM people"), 4);
    /* all of it: no address is left behind */
    ck_assert_int_eq(dt_store_purge(st, T0 + 100 * DAY, &deleted, &err), 0);
    ck_assert_uint_eq(deleted, 4);
    c = counts(st);
    ck_assert_uint_eq(c.outbound + c.inbound + c.threads, 0);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM people"), 0);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM thread_people"), 0);
    /* the store goes on working */
    put(st, &(struct m){"n@corp", NULL, NULL, T0, true, "ann@corp", "bob@cust", "New", 0, NULL});
    ck_assert_uint_eq(counts(st).threads, 1);
    dt_store_close(st);
}
END_TEST

START_TEST(batches)
{
    struct dt_store *st = open_ok();
    struct dt_error err = {""};
    ck_assert_int_eq(dt_store_commit(st, &err), -1);
    ck_assert_msg(strstr(err.msg, "without a batch") != NULL, "%s", err.msg);
    ck_assert_int_eq(dt_store_rollback(st, &err), -1);
    ck_assert_int_eq(dt_store_begin(st, &err), 0);
    ck_assert_int_eq(dt_store_begin(st, &err), -1);
    ck_assert_msg(strstr(err.msg, "nesting") != NULL, "%s", err.msg);
    char id[32];
    for (int i = 0; i < 100; i++) {
        snprintf(id, sizeof(id), "b%d@corp", i);
        put(st, &(struct m){id, NULL, NULL, T0 + i, true, "ann@corp", "bob@cust", "Bulk", 0, NULL});
    }
    /* a failing record inside the batch leaves the batch intact */
    struct dt_record bad = {.msgid = 0};
    struct dt_record_result res;
    ck_assert_int_eq(dt_store_record(st, &bad, &res, &err), -1);
    /* not visible to another reader before commit */
    ck_assert_int_eq(raw_int("SELECT count(*) FROM events"), 0);
    ck_assert_int_eq(dt_store_commit(st, &err), 0);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM events"), 100);
    ck_assert_uint_eq(counts(st).threads, 1);

    ck_assert_int_eq(dt_store_begin(st, &err), 0);
    put(st, &(struct m){"gone@corp", NULL, NULL, T0, true, "ann@corp", "bob@cust", NULL, 0, NULL});
    ck_assert_int_eq(dt_store_rollback(st, &err), 0);
    ck_assert_uint_eq(counts(st).outbound, 100);
    /* closing with an open batch drops it */
    ck_assert_int_eq(dt_store_begin(st, &err), 0);
    put(st, &(struct m){"gone@corp", NULL, NULL, T0, true, "ann@corp", "bob@cust", NULL, 0, NULL});
    dt_store_close(st);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM events"), 100);
}
END_TEST

/* ---- copying ---- */

/* Everything one store holds into another (a SQLite file), twice: the second adds nothing. */
START_TEST(copy_into_another_store)
{
    struct dt_store *st = three_threads();
    struct dt_error err = {""};
    ck_assert_msg(dt_store_digest_record(st, "ann@corp", T0 + DAY,
                                         (dt_hash[]){dt_msgid_hash("t1@corp"),
                                                     dt_msgid_hash("t3@corp")},
                                         2, T0 + DAY + 60, &err) == 0,
                  "%s", err.msg);
    /* a claim (a digest being sent) is not a digest sent: it is not copied */
    bool claimed = false;
    ck_assert_msg(dt_store_digest_claim(st, "dirk@corp", T0 + DAY, T0 + DAY, 3600, &claimed,
                                        &err) == 0,
                  "%s", err.msg);
    ck_assert(claimed);
    dt_store_close(st);

    char other[160];
    snprintf(other, sizeof(other), "%s/copy.db", dir);
    struct dt_copy_report r;
    ck_assert_msg(dt_store_copy(db_path, other, &r, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(r.from_version, 0);
    ck_assert_int_eq(r.to_version, dt_store_schema_version());
    ck_assert_uint_eq(r.messages, 7);
    ck_assert_uint_eq(r.added, 7);
    ck_assert_uint_eq(r.already, 0);
    ck_assert_uint_eq(r.source.outbound, 5);
    ck_assert_uint_eq(r.source.inbound, 2);
    ck_assert_uint_eq(r.source.threads, 3);
    ck_assert_uint_eq(r.after.outbound, 5);
    ck_assert_uint_eq(r.after.inbound, 2);
    ck_assert_uint_eq(r.after.threads, 3);
    ck_assert_uint_eq(r.digest_rows, 3); /* one day sent, two threads in it */
    ck_assert_uint_eq(r.digest_added, 3);

    size_t rows_a, rows_b;
    char *a = dump_of(db_path, &rows_a), *b = dump_of(other, &rows_b);
    ck_assert_uint_eq(rows_a, 10);
    ck_assert_str_eq(a, b);
    free(b);

    ck_assert_msg(dt_store_copy(db_path, other, &r, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(r.from_version, dt_store_schema_version());
    ck_assert_uint_eq(r.messages, 7);
    ck_assert_uint_eq(r.added, 0);
    ck_assert_uint_eq(r.already, 7);
    ck_assert_uint_eq(r.digest_rows, 3);
    ck_assert_uint_eq(r.digest_added, 0);
    b = dump_of(other, &rows_b);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);

    /* the copy goes on like the original: a reply joins its thread */
    ck_assert_msg(dt_store_open(other, &st, &err) == 0, "%s", err.msg);
    struct dt_record_result res = put(st, &(struct m){"t3r@other", "t3@corp", NULL, T0 + 9 * DAY,
                                                      false, "ann@corp", "carl@other", NULL, 0,
                                                      NULL});
    ck_assert(!res.new_thread);
    ck_assert(res.thread == dt_msgid_hash("t3@corp"));
    time_t first = 0;
    ck_assert_int_eq(dt_store_digest_first(st, "ann@corp", res.thread, &first, &err), 0);
    ck_assert_int_eq(first, T0 + DAY + 60);
    dt_store_close(st);
}
END_TEST

/* Loading what a dump gave: a row already there is not added again. */
START_TEST(load_is_idempotent)
{
    struct dt_store *st = open_ok();
    struct dt_error err = {""};
    struct dt_raw ev = {.kind = DT_RAW_EVENT,
                        .thread = 77,
                        .subject_key = 5,
                        .subject = "Pilot",
                        .msgid = 1234,
                        .at = T0,
                        .outbound = true,
                        .rep = "ann@corp",
                        .counterpart = "bob@cust",
                        .counterpart_name = "Bob",
                        .score_milli = 873,
                        .phrases = "amazing",
                        .hesitation_milli = 1500,
                        .engagement_milli = 250,
                        .kinds = 0x800,
                        .people = "bob@cust\tBob\n"};
    bool added = false;
    ck_assert_msg(dt_store_load(st, &ev, &added, &err) == 0, "%s", err.msg);
    ck_assert(added);
    ck_assert_msg(dt_store_load(st, &ev, &added, &err) == 0, "%s", err.msg);
    ck_assert(!added);
    struct dt_raw sent = {.kind = DT_RAW_DIGEST_SENT, .rep = "ann@corp", .day = T0, .at = T0 + 60};
    ck_assert_msg(dt_store_load(st, &sent, &added, &err) == 0, "%s", err.msg);
    ck_assert(added);
    ck_assert_msg(dt_store_load(st, &sent, &added, &err) == 0, "%s", err.msg);
    ck_assert(!added);
    struct dt_raw item = {.kind = DT_RAW_DIGEST_ITEM, .rep = "ann@corp", .thread = 77, .at = T0 + 60};
    ck_assert_msg(dt_store_load(st, &item, &added, &err) == 0, "%s", err.msg);
    ck_assert(added);
    ck_assert_msg(dt_store_load(st, &item, &added, &err) == 0, "%s", err.msg);
    ck_assert(!added);
    /* an item of a thread the store does not have is not added */
    item.thread = 78;
    ck_assert_msg(dt_store_load(st, &item, &added, &err) == 0, "%s", err.msg);
    ck_assert(!added);

    size_t rows;
    dt_store_close(st);
    char *d = dump_of(db_path, &rows);
    ck_assert_str_eq(d, "event 77 5 Pilot 1234 1790000000 1 ann@corp bob@cust Bob 873 amazing 1500 "
                        "250 2048 [bob@cust\tBob\n]\n"
                        "sent ann@corp 1790000000 1790000060\n"
                        "item ann@corp 77 1790000060\n");
    free(d);

    st = open_ok();
    ck_assert_int_eq(dt_store_load(st, NULL, &added, &err), -1);
    ev.thread = 0;
    ck_assert_int_eq(dt_store_load(st, &ev, &added, &err), -1);
    sent.rep = NULL;
    ck_assert_int_eq(dt_store_load(st, &sent, &added, &err), -1);
    ck_assert_int_eq(dt_store_dump(st, NULL, NULL, &err), -1);
    dt_store_close(st);
}
END_TEST

static void thread_tests(TCase *tc)
{
    tcase_add_test(tc, reply_joins_by_in_reply_to);
    tcase_add_test(tc, reply_before_original_joins_by_key);
    tcase_add_test(tc, subject_fallback_window_and_pair);
    tcase_add_test(tc, duplicate_message_id);
}

static void read_tests(TCase *tc)
{
    tcase_add_test(tc, scan_order_and_rows);
    tcase_add_test(tc, scan_filters);
    tcase_add_test(tc, scan_latest_threads_and_lean);
    tcase_add_test(tc, scan_repeated_and_after_writes);
    tcase_add_test(tc, remembered_rows_survive_another_handles_purge);
    tcase_add_test(tc, remembered_rows_survive_own_purge);
    tcase_add_test(tc, remembered_rows_forgotten_with_a_rolled_back_batch);
    tcase_add_test(tc, subject_filled_later_and_null_people);
    tcase_add_test(tc, purge_and_counts);
    tcase_add_test(tc, batches);
}

static void copy_tests(TCase *tc)
{
    tcase_add_test(tc, copy_into_another_store);
    tcase_add_test(tc, load_is_idempotent);
}

static void sqlite_read_tests(TCase *tc)
{
    tcase_add_test(tc, scan_inside_a_scan);
}

static Suite *store_suite(void)
{
    Suite *s = suite_create("store");
    add_both(s, "threads", 30, thread_tests);
    add_both(s, "read", 30, read_tests);
    add_sqlite(s, "read-sqlite", 30, sqlite_read_tests);
    add_both(s, "copy", 30, copy_tests);
    return s;
}

int main(void)
{
    return dt_test_run(store_suite());
}
