/*
 * check_import_files.c - what `dealtemp import` does with the files it
 * is given that are not plain mail (import.h), and its entry point for a
 * buffer:
 *
 *   - a FIFO in a maildir is skipped with its reason, not waited on (it
 *     hung the import for ever), as are a socket and a directory; a FIFO
 *     named as the mbox is refused at once;
 *   - a symlink in a maildir is not followed, even to a good message, and
 *     counted; a symlinked cur/ is refused; nothing is written into the
 *     maildir (libetpan's listing created "maildirfolder");
 *   - the last message of an mbox with no blank line after it keeps its
 *     last line: a one-line euphoric reply is scored, not stored as 0.00;
 *   - a ">From " escaped line is scored as the words its author wrote;
 *   - dt_import_mbox_mem() imports a buffer as dt_import_mbox() imports
 *     the same bytes from a file, takes a single message without From_
 *     line, nothing, and random bytes, and keeps seen = imported +
 *     duplicates + ignored + malformed + skipped throughout.
 */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "dealtemp/config.h"
#include "dealtemp/euphoria.h"
#include "dealtemp/import.h"
#include "dealtemp/store.h"
#include "store_helpers.h"
#include "testutil.h"

static struct dt_config *cfg;
static struct dt_store *st;
static char tmpdir[64];

static void setup(void)
{
    dt_test_seam_open("import-files", tmpdir, sizeof(tmpdir), &cfg, &st);
}

static void teardown(void)
{
    dt_test_seam_close(tmpdir, cfg, st);
}

/* An outbound message from a rep; id makes it distinct. */
static char *outbound(const char *id, const char *body)
{
    char *m;
    ck_assert_int_ge(asprintf(&m,
                              "From: Ann Rep <ann@corp.example>\n"
                              "To: Bob Buyer <bob@customer.example>\n"
                              "Subject: Our call %s\n"
                              "Date: Tue, 17 Nov 2026 16:05:00 +0100\n"
                              "Message-ID: <%s@corp.example>\n"
                              "\n"
                              "%s",
                              id, id, body),
                     0);
    return m;
}

static void accounted(const struct dt_import_stats *s)
{
    ck_assert_msg(s->seen == s->imported + s->duplicates + s->ignored + s->malformed + s->skipped,
                  "seen %zu != %zu imported + %zu duplicates + %zu ignored + %zu malformed + %zu "
                  "skipped",
                  s->seen, s->imported, s->duplicates, s->ignored, s->malformed, s->skipped);
}

/* The score stored for Message-ID subject "Our call <id>" (the thread's subject), or -1. */
struct find {
    const char *subject;
    double score;
};

static int find_row(const struct dt_row *row, void *arg)
{
    struct find *f = arg;
    if (row->subject != NULL && strcmp(row->subject, f->subject) == 0)
        f->score = row->score;
    return 0;
}

static double stored_score(struct dt_store *s, const char *id)
{
    char subject[128];
    snprintf(subject, sizeof(subject), "Our call %s", id);
    struct find f = {subject, -1};
    struct dt_store_filter filter;
    memset(&filter, 0, sizeof(filter));
    struct dt_error err;
    ck_assert_msg(dt_store_scan(s, &filter, find_row, &f, &err) == 0, "%s", err.msg);
    return f.score;
}

static void make_maildir(char *dir, size_t size)
{
    snprintf(dir, size, "%s/Maildir", tmpdir);
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    static const char *const subs[] = {"new", "cur", "tmp"};
    for (size_t i = 0; i < 3; i++) {
        char p[512];
        snprintf(p, sizeof(p), "%s/%s", dir, subs[i]);
        ck_assert_int_eq(mkdir(p, 0700), 0);
    }
}

/* The names in dir, sorted, joined by ' '. */
static void listing(const char *dir, char *out, size_t size)
{
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    ck_assert_int_ge(n, 0);
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        size_t len = strlen(out);
        snprintf(out + len, size - len, "%s%s", len ? " " : "", names[i]->d_name);
        free(names[i]);
    }
    free(names);
}

START_TEST(maildir_fifo_socket_symlink_skipped)
{
    char dir[256], p[600], outside[512];
    make_maildir(dir, sizeof(dir));
    char *good = outbound("good", "Please find the proposal attached.\n");
    char *lure = outbound("lure", "AMAZING!!! Can't wait!!!\n");
    snprintf(p, sizeof(p), "%s/cur/1795446300.M1P1.host:2,S", dir);
    dt_test_write_file(p, good, strlen(good));
    snprintf(p, sizeof(p), "%s/cur/1795446400.M2P1.fifo", dir);
    ck_assert_int_eq(mkfifo(p, 0600), 0);
    /* A symlink out of the maildir, to a perfectly good message. */
    snprintf(outside, sizeof(outside), "%s/elsewhere.eml", tmpdir);
    dt_test_write_file(outside, lure, strlen(lure));
    snprintf(p, sizeof(p), "%s/new/1795446500.M3P1.link", dir);
    ck_assert_int_eq(symlink(outside, p), 0);
    /* A socket, and a dangling symlink. */
    snprintf(p, sizeof(p), "%s/new/1795446600.M4P1.sock", dir);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    ck_assert_uint_lt(strlen(p), sizeof(sa.sun_path));
    memcpy(sa.sun_path, p, strlen(p) + 1);
    int sfd = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert_int_eq(bind(sfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    snprintf(p, sizeof(p), "%s/new/1795446700.M5P1.dangling", dir);
    ck_assert_int_eq(symlink("/nonexistent/dt-import", p), 0);
    char before[2048], after[2048];
    listing(dir, before, sizeof(before));

    struct dt_import_stats s;
    struct dt_error err = {{0}};
    alarm(20); /* the FIFO used to block the open for ever */
    ck_assert_msg(dt_import_maildir(st, cfg, dir, false, &s, &err) == 0, "%s", err.msg);
    alarm(0);
    ck_assert_uint_eq(s.total, 5);
    ck_assert_uint_eq(s.seen, 5);
    ck_assert_uint_eq(s.imported, 1);
    ck_assert_uint_eq(s.skipped, 4);
    ck_assert_uint_eq(s.skipped_symlinks, 2);
    accounted(&s);
    /* Named in name order, with the reason. */
    char want[600];
    snprintf(want, sizeof(want), "maildir %s/cur/1795446400.M2P1.fifo: a FIFO, not a regular file",
             dir);
    ck_assert_str_eq(s.first_skipped[0], want);
    snprintf(want, sizeof(want), "maildir %s/new/1795446500.M3P1.link: a symlink, not followed",
             dir);
    ck_assert_str_eq(s.first_skipped[1], want);
    snprintf(want, sizeof(want),
             "maildir %s/new/1795446600.M4P1.sock: a socket, not a regular "
             "file",
             dir);
    ck_assert_str_eq(s.first_skipped[2], want);
    ck_assert(stored_score(st, "good") >= 0);
    ck_assert(stored_score(st, "lure") < 0); /* the symlinked message was not read */

    /* Nothing was written into the maildir. */
    listing(dir, after, sizeof(after));
    ck_assert_str_eq(after, before);
    ck_assert_str_eq(after, ". .. cur new tmp");
    close(sfd);
    free(good);
    free(lure);
}
END_TEST

START_TEST(maildir_symlinked_cur_refused)
{
    char dir[256], p[600], real[512];
    make_maildir(dir, sizeof(dir));
    snprintf(real, sizeof(real), "%s/other-cur", tmpdir);
    ck_assert_int_eq(mkdir(real, 0700), 0);
    snprintf(p, sizeof(p), "%s/cur", dir);
    ck_assert_int_eq(rmdir(p), 0);
    ck_assert_int_eq(symlink(real, p), 0);
    struct dt_import_stats s;
    struct dt_error err = {{0}};
    ck_assert_int_eq(dt_import_maildir(st, cfg, dir, false, &s, &err), -1);
    ck_assert_msg(strchr(err.msg, '\n') == NULL, "two lines: %s", err.msg);
    ck_assert_contains(err.msg, p);
    ck_assert_contains(err.msg, "symlink is not followed");
}
END_TEST

START_TEST(mbox_fifo_refused_at_once)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/pipe.mbox", tmpdir);
    ck_assert_int_eq(mkfifo(p, 0600), 0);
    struct dt_import_stats s;
    struct dt_error err = {{0}};
    alarm(20);
    ck_assert_int_eq(dt_import_mbox(st, cfg, p, false, &s, &err), -1);
    alarm(0);
    ck_assert_contains(err.msg, p);
    ck_assert_contains(err.msg, "not a regular file");
}
END_TEST

static const char euphoric_line[] =
    "AMAZING news, we are SO excited, this is an absolute game-changer!!! Can't wait!!!";

START_TEST(mbox_last_line_of_last_message_is_scored)
{
    /* Two messages; the last is a one-line euphoric reply and the file ends
     * right after it, with one line end (no blank line), or with none. */
    for (int ending = 0; ending < 2; ending++) {
        char first_id[16], last_id[16];
        snprintf(first_id, sizeof(first_id), "first%d", ending);
        snprintf(last_id, sizeof(last_id), "last%d", ending);
        char *first = outbound(first_id, "Please find the proposal attached.\n");
        char body[256];
        snprintf(body, sizeof(body), "%s%s", euphoric_line, ending == 0 ? "\n" : "");
        char *last = outbound(last_id, body);
        char *mbox;
        ck_assert_int_ge(asprintf(&mbox,
                                  "From ann Tue Nov 17 19:05:00 2026\n%s\n"
                                  "From ann Tue Nov 17 19:06:00 2026\n%s",
                                  first, last),
                         0);
        char p[512];
        snprintf(p, sizeof(p), "%s/last%d.mbox", tmpdir, ending);
        dt_test_write_file(p, mbox, strlen(mbox));
        struct dt_import_stats s;
        struct dt_error err = {{0}};
        ck_assert_msg(dt_import_mbox(st, cfg, p, false, &s, &err) == 0, "%s", err.msg);
        ck_assert_uint_eq(s.imported, 2);
        double score = stored_score(st, last_id);
        ck_assert_msg(score >= cfg->euphoria.euphoric, "ending %d: the last line scored %.2f",
                      ending, score);
        free(first);
        free(last);
        free(mbox);
    }
}
END_TEST

START_TEST(mbox_escaped_line_is_the_authors_words)
{
    char body[256];
    snprintf(body, sizeof(body), ">From day one: %s\n", euphoric_line);
    char *msg = outbound("escaped", body);
    char *mbox;
    ck_assert_int_ge(asprintf(&mbox, "From ann Tue Nov 17 19:05:00 2026\n%s", msg), 0);
    struct dt_import_stats s;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_import_mbox_mem(st, cfg, mbox, strlen(mbox), &s, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(s.imported, 1);
    /* Left escaped, the line would read as a quote ('>') and score nothing. */
    ck_assert(stored_score(st, "escaped") >= cfg->euphoria.euphoric);
    free(msg);
    free(mbox);
}
END_TEST

START_TEST(mem_is_the_file)
{
    /* Three messages and a malformed one, as a file and as a buffer, into two stores. */
    char *a = outbound("m1", "Please find the proposal attached.\n");
    char *b = outbound("m2", "AMAZING!!! We are SO excited!!!\n");
    char *mbox;
    ck_assert_int_ge(asprintf(&mbox,
                              "From x Tue Nov 17 19:05:00 2026\n%s\n"
                              "From x Tue Nov 17 19:05:00 2026\n\x01\x02 not a message\n\n"
                              "From x Tue Nov 17 19:05:00 2026\n%s",
                              a, b),
                     0);
    char p[512];
    snprintf(p, sizeof(p), "%s/same.mbox", tmpdir);
    dt_test_write_file(p, mbox, strlen(mbox));
    struct dt_import_stats sf, sm;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_import_mbox(st, cfg, p, false, &sf, &err) == 0, "%s", err.msg);
    struct dt_store *st2 = dt_test_seam_fresh(tmpdir, "mem");
    ck_assert_msg(dt_import_mbox_mem(st2, cfg, mbox, strlen(mbox), &sm, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(sm.total, sf.total);
    ck_assert_uint_eq(sm.seen, sf.seen);
    ck_assert_uint_eq(sm.imported, sf.imported);
    ck_assert_uint_eq(sm.malformed, sf.malformed);
    ck_assert_uint_eq(sm.imported, 2);
    ck_assert_uint_eq(sm.malformed, 1);
    accounted(&sm);
    ck_assert_str_eq(sm.first_malformed[0],
                     "mbox (memory) message 2 (line 10): not a message: no header field at the "
                     "start");
    ck_assert(stored_score(st2, "m2") == stored_score(st, "m2"));
    ck_assert(stored_score(st2, "m2") >= cfg->euphoria.warm);
    dt_store_close(st2);

    /* A single message, no From_ line: one message. Nothing: none. */
    struct dt_store *st3 = dt_test_seam_fresh(tmpdir, "single");
    ck_assert_int_eq(dt_import_mbox_mem(st3, cfg, b, strlen(b), &sm, &err), 0);
    ck_assert_uint_eq(sm.total, 1);
    ck_assert_uint_eq(sm.imported, 1);
    ck_assert_int_eq(dt_import_mbox_mem(st3, cfg, NULL, 0, &sm, &err), 0);
    ck_assert_uint_eq(sm.total, 0);
    ck_assert_uint_eq(sm.seen, 0);
    dt_store_close(st3);
    free(a);
    free(b);
    free(mbox);
}
END_TEST

START_TEST(mem_takes_random_bytes)
{
    unsigned long long x = 88172645463325252ULL;
    char buf[4096];
    static const char *const bits[] = {"From ",
                                       "\n",
                                       "\r\n",
                                       "\n\n",
                                       ">From ",
                                       "Subject: a\n",
                                       "From: a@corp.example\n",
                                       "To: b@x.example\n",
                                       ":",
                                       "\0"};
    for (int round = 0; round < 200; round++) {
        size_t len = 0;
        while (len < sizeof(buf) - 32) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if (x % 3 == 0) {
                const char *b = bits[(x >> 8) % (sizeof(bits) / sizeof(bits[0]))];
                size_t n = *b ? strlen(b) : 1;
                memcpy(buf + len, b, n);
                len += n;
            } else {
                buf[len++] = (char)(x >> 16);
            }
            if ((x >> 24) % 97 == 0)
                break;
        }
        struct dt_import_stats s;
        struct dt_error err = {{0}};
        ck_assert_msg(dt_import_mbox_mem(st, cfg, buf, len, &s, &err) == 0, "round %d: %s", round,
                      err.msg);
        ck_assert_uint_eq(s.seen, s.total);
        accounted(&s);
    }
}
END_TEST

static Suite *import_files_suite(void)
{
    Suite *s = suite_create("import_files");
    TCase *tc = tcase_create("files");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, maildir_fifo_socket_symlink_skipped);
    tcase_add_test(tc, maildir_symlinked_cur_refused);
    tcase_add_test(tc, mbox_fifo_refused_at_once);
    tcase_add_test(tc, mbox_last_line_of_last_message_is_scored);
    tcase_add_test(tc, mbox_escaped_line_is_the_authors_words);
    tcase_add_test(tc, mem_is_the_file);
    tcase_add_test(tc, mem_takes_random_bytes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_test_run(import_files_suite());
}
