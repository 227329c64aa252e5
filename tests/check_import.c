/*
 * check_import.c - dealtemp import: mbox files and maildirs written by the
 * tests into a temporary directory, imported into a temporary SQLite store
 * with the real configuration and lexicons. Counts, idempotency, malformed
 * entries in the middle, the choice of each message's time (Date, first
 * Received, From_ line, mtime; dates out of range passed over and counted),
 * maildir new/ and cur/, unopenable sources;
 * and the Received date mime_header.c reads for it.
 */
#include <check.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "dealtemp/config.h"
#include "dealtemp/deals.h"
#include "dealtemp/import.h"
#include "dealtemp/mime.h"
#include "dealtemp/store.h"
#include "store_helpers.h"
#include "testutil.h"

static struct dt_config *cfg;
static struct dt_store *st;
static char tmpdir[64];

/* Tue, 17 Nov 2026 15:05:00 UTC and friends */
#define T_DATE 1794927900LL
#define T_RECV 1794935100LL /* Tue, 17 Nov 2026 17:05:00 +0000 */
#define T_FROM 1794942300LL /* Tue Nov 17 19:05:00 2026 */
#define T_MTIME 1794949500LL

static void setup(void)
{
    dt_test_seam_open("import", tmpdir, sizeof(tmpdir), &cfg, &st);
}

static void teardown(void)
{
    dt_test_seam_close(tmpdir, cfg, st);
}

static const char *in_tmp(const char *name)
{
    static char path[256];
    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    return path;
}

/* An outbound, euphoric message from a rep to a customer. */
static const char out1[] = "From: Ann Rep <ann@corp.example>\n"
                           "To: Bob Buyer <bob@customer.example>\n"
                           "Subject: Our call today\n"
                           "Date: Tue, 17 Nov 2026 16:05:00 +0100\n"
                           "Message-ID: <out1@corp.example>\n"
                           "\n"
                           "What an AMAZING call today!!! I can't wait to get this signed!\n";
/* The customer's reply: no Date, two Received headers (the first, topmost, counts). */
static const char in1[] = "Received: from mx.corp.example by mail.corp.example; Tue, 17 Nov 2026\n"
                          " 17:05:00 +0000\n"
                          "Received: from out.customer.example by mx.corp.example; Tue, 17 Nov 2026"
                          " 16:55:00 +0000\n"
                          "From: Bob Buyer <bob@customer.example>\n"
                          "To: Ann Rep <ann@corp.example>\n"
                          "Subject: Re: Our call today\n"
                          "Message-ID: <in1@customer.example>\n"
                          "In-Reply-To: <out1@corp.example>\n"
                          "References: <out1@corp.example>\n"
                          "\n"
                          "Thanks Ann, let me check with finance.\n";
/* Internal only: ignored. */
static const char internal1[] = "From: ann@corp.example\n"
                                "To: carl@corp.example\n"
                                "Subject: lunch\n"
                                "Date: Tue, 17 Nov 2026 12:00:00 +0000\n"
                                "Message-ID: <int1@corp.example>\n"
                                "\n"
                                "Lunch at noon?\n";
/* Outbound without Date or Received: the From_ line (mbox) or mtime (maildir) dates it. */
static const char out2[] = "From: Dirk Rep <dirk@corp.example>\n"
                           "To: eve@prospect.example\n"
                           "Subject: Proposal\n"
                           "Message-ID: <out2@corp.example>\n"
                           "\n"
                           "Please find the proposal attached.\n";
static const char garbage[] =
    "\x01\x02\x03\xff\xfe binary garbage \x00\x00 not a message\n\x7f\x80\n";

static void append_mbox(char **buf, size_t *len, const char *from_line, const char *msg,
                        size_t msg_len)
{
    size_t fl = strlen(from_line), need = *len + fl + msg_len + 2;
    /* Grow by doubling: thousands of appends (two import batches) must not
     * copy the whole mbox each time - under ASan that took a minute. */
    if (*buf == NULL || need > malloc_usable_size(*buf)) {
        *buf = realloc(*buf, need * 2);
        ck_assert_ptr_nonnull(*buf);
    }
    memcpy(*buf + *len, from_line, fl);
    memcpy(*buf + *len + fl, msg, msg_len);
    (*buf)[*len + fl + msg_len] = '\n'; /* the blank line before the next From_ */
    *len += fl + msg_len + 1;
}

#define FROM_ "From MAILER-DAEMON Tue Nov 17 19:05:00 2026\n"

/* out1, garbage, in1, internal1, out2: 5 entries, 3 stored, 1 ignored, 1 malformed. */
static const char *make_mbox(const char *name)
{
    char *buf = NULL;
    size_t len = 0;
    append_mbox(&buf, &len, FROM_, out1, strlen(out1));
    append_mbox(&buf, &len, FROM_, garbage, sizeof(garbage) - 1);
    append_mbox(&buf, &len, FROM_, in1, strlen(in1));
    append_mbox(&buf, &len, FROM_, internal1, strlen(internal1));
    append_mbox(&buf, &len, FROM_, out2, strlen(out2));
    const char *path = in_tmp(name);
    dt_test_write_file(path, buf, len);
    free(buf);
    return path;
}

struct seen_times {
    long long out1, in1, out2;
    size_t rows;
};

static int collect(const struct dt_row *row, void *arg)
{
    struct seen_times *t = arg;
    t->rows++;
    if (strcmp(row->counterpart, "bob@customer.example") == 0 && row->outbound)
        t->out1 = (long long)row->at;
    else if (strcmp(row->counterpart, "bob@customer.example") == 0)
        t->in1 = (long long)row->at;
    else if (strcmp(row->counterpart, "eve@prospect.example") == 0)
        t->out2 = (long long)row->at;
    return 0;
}

static struct seen_times stored_times(void)
{
    struct seen_times t = {-1, -1, -1, 0};
    struct dt_store_filter f;
    memset(&f, 0, sizeof(f));
    struct dt_error err;
    ck_assert_msg(dt_store_scan(st, &f, collect, &t, &err) == 0, "%s", err.msg);
    return t;
}

START_TEST(received_header_date)
{
    struct dt_message *m;
    struct dt_error err;
    ck_assert_int_eq(dt_mime_parse(in1, strlen(in1), &m, &err), 0);
    ck_assert_int_eq((long long)m->date, -1);
    ck_assert_int_eq((long long)m->received, T_RECV); /* the topmost one, folded */
    dt_message_free(m);

    static const char no_semi[] = "Received: from a by b\nFrom: x@y.example\n\nhi\n";
    ck_assert_int_eq(dt_mime_parse(no_semi, strlen(no_semi), &m, &err), 0);
    ck_assert_int_eq((long long)m->received, -1);
    dt_message_free(m);

    /* the date follows the LAST ';' (a "for <x>;" clause may come first) */
    static const char two_semi[] = "Received: from a by b with ESMTP id 1; for <x@y>; Tue, 17 Nov "
                                   "2026 17:05:00 +0000\nDate: nonsense\n\nhi\n";
    ck_assert_int_eq(dt_mime_parse(two_semi, strlen(two_semi), &m, &err), 0);
    ck_assert_int_eq((long long)m->received, T_RECV);
    ck_assert_int_eq((long long)m->date, -1);
    dt_message_free(m);

    static const char bad[] = "Received: from a by b; yesterday-ish\n\nhi\n";
    ck_assert_int_eq(dt_mime_parse(bad, strlen(bad), &m, &err), 0);
    ck_assert_int_eq((long long)m->received, -1);
    dt_message_free(m);

    /* a Received header inside a body part is not the message's */
    ck_assert_int_eq(dt_mime_parse(out1, strlen(out1), &m, &err), 0);
    ck_assert_int_eq((long long)m->received, -1);
    ck_assert_int_eq((long long)m->date, T_DATE);
    dt_message_free(m);
}
END_TEST

START_TEST(mbox_counts_malformed_and_times)
{
    const char *path = make_mbox("in.mbox");
    struct dt_import_stats s;
    struct dt_error err;
    ck_assert_msg(dt_import_mbox(st, cfg, path, false, &s, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(s.total, 5);
    ck_assert_uint_eq(s.seen, 5);
    ck_assert_uint_eq(s.imported, 3);
    ck_assert_uint_eq(s.duplicates, 0);
    ck_assert_uint_eq(s.ignored, 1);
    ck_assert_uint_eq(s.malformed, 1);
    char want[300];
    snprintf(want, sizeof(want), "mbox %s message 2 (line 10): ", path);
    ck_assert_msg(strncmp(s.first_malformed[0], want, strlen(want)) == 0, "named \"%s\"",
                  s.first_malformed[0]);
    ck_assert_str_eq(s.first_malformed[1], "");
    ck_assert(s.seconds >= 0);

    struct seen_times t = stored_times();
    ck_assert_uint_eq(t.rows, 3);
    ck_assert_int_eq(t.out1, T_DATE); /* Date */
    ck_assert_int_eq(t.in1, T_RECV);  /* first Received */
    ck_assert_int_eq(t.out2, T_FROM); /* From_ line */
}
END_TEST

START_TEST(mbox_twice_is_all_duplicates)
{
    const char *path = make_mbox("twice.mbox");
    struct dt_import_stats s;
    struct dt_error err;
    ck_assert_msg(dt_import_mbox(st, cfg, path, false, &s, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(s.imported, 3);
    ck_assert_msg(dt_import_mbox(st, cfg, path, false, &s, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(s.imported, 0);
    ck_assert_uint_eq(s.duplicates, 3);
    ck_assert_uint_eq(s.ignored, 1);
    ck_assert_uint_eq(s.malformed, 1);
    ck_assert_uint_eq(stored_times().rows, 3);
    struct dt_store_counts c;
    ck_assert_int_eq(dt_store_count(st, &c, &err), 0);
    ck_assert_uint_eq(c.outbound, 2);
    ck_assert_uint_eq(c.inbound, 1);
}
END_TEST

/* The time each counterpart's message was stored at. */
struct dated {
    long long at[7];
};

static int collect_dated(const struct dt_row *row, void *arg)
{
    struct dated *d = arg;
    int i;
    if (sscanf(row->counterpart, "c%d@customer.example", &i) == 1 && i >= 0 && i < 7)
        d->at[i] = (long long)row->at;
    return 0;
}

/*
 * Dates a sender (or a broken clock) wrote - year 1900 or 9999, before
 * 1990, more than a day ahead of the import - are passed over for the next
 * source and counted; one within the day is believed.
 */
START_TEST(mbox_dates_out_of_range)
{
    static const char recv_ok[] = "Received: from a by b; Tue, 17 Nov 2026 17:05:00 +0000\n";
    static const char recv_1900[] = "Received: from a by b; Mon, 1 Jan 1900 10:00:00 +0000\n";
    char soon[64], msg[6][512];
    time_t now = time(NULL), in_an_hour = now + 3600;
    struct tm tm;
    gmtime_r(&in_an_hour, &tm);
    strftime(soon, sizeof(soon), "%a, %d %b %Y %H:%M:%S +0000", &tm);
    const struct {
        const char *received, *date;
    } m[6] = {
        {recv_ok, "Fri, 31 Dec 9999 23:59:59 +0000"},   /* -> Received */
        {recv_ok, "Mon, 1 Jan 1900 10:00:00 +0000"},    /* -> Received */
        {"", "Sun, 31 Dec 1989 23:59:59 +0000"},        /* -> From_ line */
        {"", "Fri, 1 Jan 2100 00:00:00 +0000"},         /* -> From_ line */
        {recv_1900, "Fri, 31 Dec 9999 23:59:59 +0000"}, /* Received too: -> From_ line */
        {"", soon},                                     /* within the day: believed */
    };
    char *buf = NULL;
    size_t len = 0;
    for (int i = 0; i < 6; i++) {
        int n = snprintf(msg[i], sizeof(msg[i]),
                         "%sFrom: ann@corp.example\nTo: c%d@customer.example\nSubject: Offer %d\n"
                         "Date: %s\nMessage-ID: <dated%d@corp.example>\n\nHello.\n",
                         m[i].received, i, i, m[i].date, i);
        append_mbox(&buf, &len, FROM_, msg[i], (size_t)n);
    }
    /* An mbox From_ line of 1975 is out of range too: the start of the import dates it. */
    static const char last[] = "From: ann@corp.example\nTo: c6@customer.example\nSubject: x\n"
                               "Date: Fri, 31 Dec 9999 23:59:59 +0000\n"
                               "Message-ID: <dated6@corp.example>\n\nHello.\n";
    const char *path = in_tmp("dates.mbox");
    dt_test_write_file(path, buf, len);
    free(buf);

    struct dt_import_stats s;
    struct dt_error err;
    ck_assert_msg(dt_import_mbox(st, cfg, path, false, &s, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(s.imported, 6);
    ck_assert_uint_eq(s.dates_out_of_range, 5);
    struct dated d = {{-1, -1, -1, -1, -1, -1, -1}};
    struct dt_store_filter f;
    memset(&f, 0, sizeof(f));
    ck_assert_msg(dt_store_scan(st, &f, collect_dated, &d, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(d.at[0], T_RECV);
    ck_assert_int_eq(d.at[1], T_RECV);
    ck_assert_int_eq(d.at[2], T_FROM);
    ck_assert_int_eq(d.at[3], T_FROM);
    ck_assert_int_eq(d.at[4], T_FROM);
    ck_assert_int_eq(d.at[5], (long long)in_an_hour);

    buf = NULL;
    len = 0;
    append_mbox(&buf, &len, "From MAILER-DAEMON Wed Jan  1 10:00:00 1975\n", last, strlen(last));
    path = in_tmp("dates2.mbox");
    dt_test_write_file(path, buf, len);
    free(buf);
    time_t t0 = time(NULL);
    ck_assert_msg(dt_import_mbox(st, cfg, path, false, &s, &err) == 0, "%s", err.msg);
    time_t t1 = time(NULL);
    ck_assert_uint_eq(s.imported, 1);
    ck_assert_uint_eq(s.dates_out_of_range, 1);
    ck_assert_msg(dt_store_scan(st, &f, collect_dated, &d, &err) == 0, "%s", err.msg);
    ck_assert_int_ge(d.at[6], (long long)t0);
    ck_assert_int_le(d.at[6], (long long)t1);
}
END_TEST

/* More messages than one batch, each distinct; the mbox file is left as it was. */
START_TEST(mbox_many_batches_read_only)
{
    char *buf = NULL;
    size_t len = 0;
    size_t n = DT_IMPORT_BATCH * 2 + 7;
    for (size_t i = 0; i < n; i++) {
        char msg[512];
        int ml = snprintf(msg, sizeof(msg),
                          "From: ann@corp.example\nTo: c%zu@customer.example\nSubject: offer %zu\n"
                          "Date: Tue, 17 Nov 2026 10:00:00 +0000\nMessage-ID: <m%zu@corp.example>\n"
                          "\nHello, here is the offer.\nFrom the desk of Ann\n",
                          i, i, i);
        append_mbox(&buf, &len, FROM_, msg, (size_t)ml);
    }
    const char *path = in_tmp("many.mbox");
    dt_test_write_file(path, buf, len);
    struct dt_import_stats s;
    struct dt_error err;
    ck_assert_msg(dt_import_mbox(st, cfg, path, true, &s, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(s.total, n);
    ck_assert_uint_eq(s.imported, n);
    ck_assert_uint_eq(stored_times().rows, n);

    /* no X-LibEtPan-UID header or lock file left behind */
    FILE *fp = fopen(path, "rb");
    ck_assert_ptr_nonnull(fp);
    char *back = malloc(len + 1);
    ck_assert_uint_eq(fread(back, 1, len + 1, fp), len);
    fclose(fp);
    ck_assert(memcmp(back, buf, len) == 0);
    free(back);
    free(buf);
}
END_TEST

START_TEST(mbox_empty_missing_and_directory)
{
    struct dt_import_stats s;
    struct dt_error err;
    const char *path = in_tmp("empty.mbox");
    dt_test_write_file(path, "", 0);
    ck_assert_msg(dt_import_mbox(st, cfg, path, false, &s, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(s.total, 0);
    ck_assert_uint_eq(s.seen, 0);

    path = in_tmp("nope.mbox");
    ck_assert_int_eq(dt_import_mbox(st, cfg, path, false, &s, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, path));

    ck_assert_int_eq(dt_import_mbox(st, cfg, tmpdir, false, &s, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, tmpdir));
    ck_assert_ptr_nonnull(strstr(err.msg, "not a regular file"));
}
END_TEST

static void make_maildir(const char *name, char *dir, size_t size)
{
    snprintf(dir, size, "%s/%s", tmpdir, name);
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    static const char *const subs[] = {"new", "cur", "tmp"};
    for (size_t i = 0; i < 3; i++) {
        char p[512];
        snprintf(p, sizeof(p), "%s/%s", dir, subs[i]);
        ck_assert_int_eq(mkdir(p, 0700), 0);
    }
}

static void maildir_put(const char *dir, const char *sub, const char *name, const char *data,
                        size_t len, long long mtime)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/%s/%s", dir, sub, name);
    dt_test_write_file(p, data, len);
    if (mtime >= 0) {
        struct utimbuf ut = {(time_t)mtime, (time_t)mtime};
        ck_assert_int_eq(utime(p, &ut), 0);
    }
}

START_TEST(maildir_new_cur_malformed_mtime)
{
    char dir[256];
    make_maildir("Maildir", dir, sizeof(dir));
    maildir_put(dir, "cur", "1795446300.M1P1.host:2,S", out1, strlen(out1), -1);
    maildir_put(dir, "cur", "1795446400.M2P1.host:2,S", garbage, sizeof(garbage) - 1, -1);
    maildir_put(dir, "new", "1795453500.M3P1.host", in1, strlen(in1), -1);
    maildir_put(dir, "new", "1795453600.M4P1.host", internal1, strlen(internal1), -1);
    maildir_put(dir, "cur", "1795467900.M5P1.host:2,RS", out2, strlen(out2), T_MTIME);

    struct dt_import_stats s;
    struct dt_error err;
    ck_assert_msg(dt_import_maildir(st, cfg, dir, false, &s, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(s.total, 5);
    ck_assert_uint_eq(s.seen, 5);
    ck_assert_uint_eq(s.imported, 3);
    ck_assert_uint_eq(s.ignored, 1);
    ck_assert_uint_eq(s.malformed, 1);
    char want[512];
    snprintf(want, sizeof(want), "maildir %s/cur/1795446400.M2P1.host:2,S: ", dir);
    ck_assert_msg(strncmp(s.first_malformed[0], want, strlen(want)) == 0, "named \"%s\"",
                  s.first_malformed[0]);

    struct seen_times t = stored_times();
    ck_assert_int_eq(t.out1, T_DATE);
    ck_assert_int_eq(t.in1, T_RECV);
    ck_assert_int_eq(t.out2, T_MTIME); /* no Date, no Received: the file's mtime */

    /* again: nothing new; the files stay where they were (new/ is not moved to cur/) */
    ck_assert_msg(dt_import_maildir(st, cfg, dir, false, &s, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(s.imported, 0);
    ck_assert_uint_eq(s.duplicates, 3);
    char p[512];
    snprintf(p, sizeof(p), "%s/new/1795453500.M3P1.host", dir);
    ck_assert_int_eq(access(p, R_OK), 0);
}
END_TEST

START_TEST(maildir_many_malformed_named_first_three)
{
    char dir[256];
    make_maildir("Bad", dir, sizeof(dir));
    for (int i = 0; i < 5; i++) {
        char name[64];
        snprintf(name, sizeof(name), "%d.bad", i);
        maildir_put(dir, "cur", name, garbage, sizeof(garbage) - 1, -1);
    }
    maildir_put(dir, "new", "9.good", out1, strlen(out1), -1);
    /* a directory where a message file should be: not opened, skipped and named, not fatal */
    char sub[512];
    snprintf(sub, sizeof(sub), "%s/cur/8.dir", dir);
    ck_assert_int_eq(mkdir(sub, 0700), 0);

    struct dt_import_stats s;
    struct dt_error err;
    ck_assert_msg(dt_import_maildir(st, cfg, dir, false, &s, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(s.total, 7);
    ck_assert_uint_eq(s.malformed, 5);
    ck_assert_uint_eq(s.skipped, 1);
    ck_assert_uint_eq(s.imported, 1);
    snprintf(sub, sizeof(sub), "maildir %s/cur/8.dir: a directory, not a regular file", dir);
    ck_assert_str_eq(s.first_skipped[0], sub);
    char want[512];
    for (int i = 0; i < DT_IMPORT_NAMED; i++) {
        snprintf(want, sizeof(want), "maildir %s/cur/%d.bad: ", dir, i);
        ck_assert_msg(strncmp(s.first_malformed[i], want, strlen(want)) == 0, "named \"%s\"",
                      s.first_malformed[i]);
    }
}
END_TEST

START_TEST(maildir_missing_parts)
{
    struct dt_import_stats s;
    struct dt_error err;
    char dir[256];
    snprintf(dir, sizeof(dir), "%s/NoCur", tmpdir);
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    char p[512];
    snprintf(p, sizeof(p), "%s/new", dir);
    ck_assert_int_eq(mkdir(p, 0700), 0);
    ck_assert_int_eq(dt_import_maildir(st, cfg, dir, false, &s, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "/cur"));

    const char *none = in_tmp("nowhere");
    ck_assert_int_eq(dt_import_maildir(st, cfg, none, false, &s, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, none));

    make_maildir("Empty", dir, sizeof(dir));
    ck_assert_msg(dt_import_maildir(st, cfg, dir, false, &s, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(s.total, 0);
    ck_assert_uint_eq(s.imported, 0);
}
END_TEST

/* ---- thresholds reach history ---- */

/* Every thread's state, trigger time and usual as one line each, as of a moment. */
static int line_of(const struct dt_deal *d, void *arg)
{
    dt_buf_printf(arg, "%s %s %lld %ld %s\n", d->id, dt_state_name(d->state),
                  (long long)d->trigger_at, d->cooling.usual_s,
                  dt_usual_source_name(d->cooling.usual_source));
    return 0;
}

static char *states(struct dt_store *s, const struct dt_config *c, time_t as_of)
{
    struct dt_buf b = DT_BUF_INIT;
    struct dt_deals_query q = {NULL, -1, as_of};
    struct dt_error err;
    ck_assert_msg(dt_deals_each(s, c, &q, line_of, &b, &err) == 0, "%s", err.msg);
    return dt_buf_steal(&b, NULL);
}

/*
 * The team timeline imported under the default thresholds, then read under
 * stricter ones, gives exactly the states of importing and reading under
 * the stricter ones - and they differ from the defaults' (so the check has
 * teeth): levels and triggers are derived at read time.
 */
START_TEST(thresholds_reach_history)
{
    const char *mbox = "tests/data/timeline/team-3weeks.mbox";
    struct dt_import_stats s1;
    struct dt_error err;
    time_t as_of = dt_test_utc(2026, 11, 20, 17, 0, 0);
    ck_assert_msg(dt_import_mbox(st, cfg, mbox, false, &s1, &err) == 0, "%s", err.msg);
    char *before = states(st, cfg, as_of);

    struct dt_config *strict = dt_test_config("tests/data/conf/analyze.conf");
    strict->euphoria.warm = 0.9;
    strict->euphoria.euphoric = 0.995;
    strict->cooling.trigger = DT_LEVEL_EUPHORIC;
    char *read_strict = states(st, strict, as_of);

    char db[PATH_MAX];
    snprintf(db, sizeof(db), "%s/strict.db", tmpdir);
    struct dt_store *st2 = dt_test_store(db);
    struct dt_import_stats s2;
    ck_assert_msg(dt_import_mbox(st2, strict, mbox, false, &s2, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(s1.imported, s2.imported);
    char *imported_strict = states(st2, strict, as_of);
    ck_assert_str_eq(read_strict, imported_strict);
    ck_assert_str_ne(read_strict, before);
    /* And back: the strict store read with the defaults is the first store. */
    char *back = states(st2, cfg, as_of);
    ck_assert_str_eq(back, before);
    free(before);
    free(read_strict);
    free(imported_strict);
    free(back);
    dt_store_close(st2);
    dt_config_unref(strict);
}
END_TEST

static Suite *import_suite(void)
{
    Suite *s = suite_create("import");
    TCase *tc = tcase_create("import");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, received_header_date);
    tcase_add_test(tc, mbox_counts_malformed_and_times);
    tcase_add_test(tc, mbox_twice_is_all_duplicates);
    tcase_add_test(tc, mbox_dates_out_of_range);
    tcase_add_test(tc, mbox_many_batches_read_only);
    tcase_add_test(tc, mbox_empty_missing_and_directory);
    tcase_add_test(tc, maildir_new_cur_malformed_mtime);
    tcase_add_test(tc, maildir_many_malformed_named_first_three);
    tcase_add_test(tc, maildir_missing_parts);
    tcase_add_test(tc, thresholds_reach_history);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_test_run(import_suite());
}
