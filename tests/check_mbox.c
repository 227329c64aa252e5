/*
 * check_mbox.c - the mbox splitter (mbox.h): a table of small mboxes and
 * the messages each must give (the last line of the last message kept
 * with or without a line end: libetpan's reader dropped it; separators,
 * CRLF, text before the first From_ line, a "From " inside a body, empty
 * messages, NUL bytes, line numbers), the ">From " escapes undone, random
 * mboxes written the way an MDA writes them and read back byte for byte,
 * and linear time on hostile shapes.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complexity.h"
#include "dealtemp/mbox.h"
#include "testutil.h"

#define MAX_MSGS 8

struct want {
    const char *from; /* the From_ line without its end, or NULL */
    const char *data;
    size_t line;
    bool escaped;
};

static const struct {
    const char *name;
    const char *mbox;
    size_t n;
    struct want msgs[MAX_MSGS];
} table[] = {
    {"the last line without a blank line after it",
     "From a Tue Nov 17 19:05:00 2026\nSubject: x\n\nSO excited!!!\n",
     1,
     {{"From a Tue Nov 17 19:05:00 2026", "Subject: x\n\nSO excited!!!\n", 1, false}}},
    {"the last line without a line end",
     "From a\nSubject: x\n\nSO excited!!!",
     1,
     {{"From a", "Subject: x\n\nSO excited!!!", 1, false}}},
    {"the last line before a blank line",
     "From a\nSubject: x\n\nSO excited!!!\n\n",
     1,
     {{"From a", "Subject: x\n\nSO excited!!!\n\n", 1, false}}},
    {"two messages: the separator belongs to neither",
     "From a\nS: 1\n\none\n\nFrom b\nS: 2\n\ntwo\n",
     2,
     {{"From a", "S: 1\n\none\n", 1, false}, {"From b", "S: 2\n\ntwo\n", 6, false}}},
    {"two blank lines: one is the separator",
     "From a\nS: 1\n\none\n\n\nFrom b\nS: 2\n",
     2,
     {{"From a", "S: 1\n\none\n\n", 1, false}, {"From b", "S: 2\n", 7, false}}},
    {"CRLF line ends",
     "From a\r\nS: 1\r\n\r\none\r\n\r\nFrom b\r\nS: 2\r\n\r\ntwo",
     2,
     {{"From a", "S: 1\r\n\r\none\r\n", 1, false}, {"From b", "S: 2\r\n\r\ntwo", 6, false}}},
    {"\"From \" after text is body, not a separator",
     "From a\nS: 1\n\nline\nFrom here on we agree\n",
     1,
     {{"From a", "S: 1\n\nline\nFrom here on we agree\n", 1, false}}},
    {"text before the first From_ line is a message",
     "S: 0\n\nzero\n\nFrom a\nS: 1\n",
     2,
     {{NULL, "S: 0\n\nzero\n", 1, false}, {"From a", "S: 1\n", 5, false}}},
    {"a single message, no From_ line at all",
     "Subject: hi\n\nbody\n",
     1,
     {{NULL, "Subject: hi\n\nbody\n", 1, false}}},
    {"blank lines before the first From_ line are nothing",
     "\n\r\n\nFrom a\nS: 1\n",
     1,
     {{"From a", "S: 1\n", 4, false}}},
    {"an empty message between two From_ lines",
     "From a\n\nFrom b\nS: 2\n",
     2,
     {{"From a", "", 1, false}, {"From b", "S: 2\n", 3, false}}},
    {"a From_ line alone at the end",
     "From a\nS: 1\n\nFrom b",
     2,
     {{"From a", "S: 1\n", 1, false}, {"From b", "", 4, false}}},
    {"escaped body lines are flagged",
     "From a\nS: 1\n\n>From the start\n\nFrom b\nS: 2\n\n> From is a quote\n",
     2,
     {{"From a", "S: 1\n\n>From the start\n", 1, true},
      {"From b", "S: 2\n\n> From is a quote\n", 6, false}}},
    {"nothing", "", 0, {{NULL, NULL, 0, false}}},
    {"only line ends", "\n\n\r\n", 0, {{NULL, NULL, 0, false}}},
};

START_TEST(split_table)
{
    for (size_t t = 0; t < sizeof(table) / sizeof(table[0]); t++) {
        const char *buf = table[t].mbox;
        size_t len = strlen(buf), pos = 0, line = 1, got = 0;
        struct dt_mbox_msg m;
        memset(&m, 0x5a, sizeof(m)); /* anything unwritten fails */
        while (dt_mbox_next(buf, len, &pos, &line, &m)) {
            ck_assert_msg(got < table[t].n, "%s: more than %zu messages", table[t].name,
                          table[t].n);
            const struct want *w = &table[t].msgs[got];
            if (w->from == NULL)
                ck_assert_msg(m.from_line == NULL, "%s #%zu: a From_ line", table[t].name, got);
            else
                ck_assert_msg(m.from_line != NULL && m.from_len == strlen(w->from) &&
                                  memcmp(m.from_line, w->from, m.from_len) == 0,
                              "%s #%zu: From_ line '%.*s'", table[t].name, got,
                              m.from_line ? (int)m.from_len : 0, m.from_line ? m.from_line : "");
            ck_assert_msg(m.len == strlen(w->data) && memcmp(m.data, w->data, m.len) == 0,
                          "%s #%zu: data '%.*s', want '%s'", table[t].name, got, (int)m.len, m.data,
                          w->data);
            ck_assert_msg(m.line == w->line, "%s #%zu: line %zu, want %zu", table[t].name, got,
                          m.line, w->line);
            ck_assert_msg(m.escaped == w->escaped, "%s #%zu: escaped %d", table[t].name, got,
                          m.escaped);
            got++;
        }
        ck_assert_msg(got == table[t].n, "%s: %zu messages, want %zu", table[t].name, got,
                      table[t].n);
        ck_assert_uint_eq(pos, len);
        ck_assert_uint_eq(dt_mbox_count(buf, len), table[t].n);
    }
}
END_TEST

START_TEST(nul_bytes_are_data)
{
    static const char buf[] = "From a\nS: \0\0\n\nx\0y\n\nFrom b\n\0";
    size_t len = sizeof(buf) - 1, pos = 0, line = 1;
    struct dt_mbox_msg m;
    ck_assert(dt_mbox_next(buf, len, &pos, &line, &m));
    ck_assert_uint_eq(m.len, 11);
    ck_assert_int_eq(memcmp(m.data, "S: \0\0\n\nx\0y\n", 11), 0);
    ck_assert(dt_mbox_next(buf, len, &pos, &line, &m));
    ck_assert_uint_eq(m.len, 1);
    ck_assert_int_eq(m.data[0], '\0');
    ck_assert(!dt_mbox_next(buf, len, &pos, &line, &m));
}
END_TEST

START_TEST(unescape_takes_one_level)
{
    static const char buf[] = "From a\n"
                              ">From the start\n"
                              ">>From a quote of it\n"
                              "> From: a quoted header\n"
                              "x>From not at the start\n"
                              ">From";
    size_t pos = 0, line = 1;
    struct dt_mbox_msg m;
    ck_assert(dt_mbox_next(buf, sizeof(buf) - 1, &pos, &line, &m));
    ck_assert(m.escaped);
    struct dt_buf out = DT_BUF_INIT;
    dt_mbox_unescape(&m, &out);
    ck_assert(!dt_buf_failed(&out));
    ck_assert_str_eq(out.data, "From the start\n"
                               ">From a quote of it\n"
                               "> From: a quoted header\n"
                               "x>From not at the start\n"
                               ">From"); /* no space: not an escape */
    dt_buf_free(&out);
}
END_TEST

/* ---- random mboxes, written as an MDA writes them (mboxrd), read back ---- */

static unsigned long long rng_state;

static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((rng_state >> 33) % n);
}

/* One random message: lines of words, some "From ", ">From ", empty, CRLF or LF. */
static void random_message(struct dt_buf *b, bool crlf)
{
    static const char *const pieces[] = {"From ", ">From ", ">>From ", "Subject: x", "",
                                         "hello", "From",   " From ",  "\x01\xff",   ">"};
    const char *eol = crlf ? "\r\n" : "\n";
    dt_buf_puts(b, "Subject: random");
    dt_buf_puts(b, eol);
    unsigned lines = rnd(12);
    for (unsigned i = 0; i < lines; i++) {
        unsigned k = rnd(4);
        for (unsigned j = 0; j < k; j++)
            dt_buf_puts(b, pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))]);
        if (i + 1 < lines || rnd(2))
            dt_buf_puts(b, eol);
    }
}

/* mboxrd: every line matching '>'* "From " gets one more '>'. */
static void escape_into(struct dt_buf *mbox, const char *s, size_t n)
{
    size_t p = 0;
    while (p < n) {
        const char *nl = memchr(s + p, '\n', n - p);
        size_t len = nl ? (size_t)(nl - (s + p)) + 1 : n - p, q = 0;
        while (q < len && s[p + q] == '>')
            q++;
        if (len - q >= 5 && memcmp(s + p + q, "From ", 5) == 0)
            dt_buf_putc(mbox, '>');
        dt_buf_append(mbox, s + p, len);
        p += len;
    }
}

START_TEST(random_round_trip)
{
    rng_state = 20261117;
    for (int round = 0; round < 500; round++) {
        bool crlf = rnd(2);
        const char *eol = crlf ? "\r\n" : "\n";
        unsigned n = 1 + rnd(MAX_MSGS);
        struct dt_buf orig[MAX_MSGS], mbox = DT_BUF_INIT;
        for (unsigned i = 0; i < n; i++) {
            orig[i] = (struct dt_buf)DT_BUF_INIT;
            random_message(&orig[i], crlf);
            dt_buf_puts(&mbox, "From sender@example Tue Nov 17 19:05:00 2026");
            dt_buf_puts(&mbox, eol);
            escape_into(&mbox, orig[i].data, orig[i].len);
            /* RFC 4155: a message ends with a line end and an empty line; the
             * writer adds the line end a message lacks. The last may end any way. */
            if (i + 1 < n) {
                bool ended = orig[i].len >= 1 && orig[i].data[orig[i].len - 1] == '\n';
                if (!ended) {
                    dt_buf_puts(&orig[i], eol);
                    dt_buf_puts(&mbox, eol);
                }
                dt_buf_puts(&mbox, eol);
            }
        }
        ck_assert(!dt_buf_failed(&mbox));
        size_t pos = 0, line = 1, got = 0;
        struct dt_mbox_msg m;
        while (dt_mbox_next(mbox.data, mbox.len, &pos, &line, &m)) {
            ck_assert_msg(got < n, "round %d: more than %u messages in\n%s", round, n, mbox.data);
            struct dt_buf back = DT_BUF_INIT;
            dt_mbox_unescape(&m, &back);
            ck_assert_msg(back.len == orig[got].len &&
                              memcmp(back.data ? back.data : "", orig[got].data, back.len) == 0,
                          "round %d, message %zu: read back\n%.*s\nwritten\n%s", round, got,
                          (int)back.len, back.data ? back.data : "", orig[got].data);
            dt_buf_free(&back);
            got++;
        }
        ck_assert_msg(got == n, "round %d: %zu messages, wrote %u:\n%s", round, got, n, mbox.data);
        for (unsigned i = 0; i < n; i++)
            dt_buf_free(&orig[i]);
        dt_buf_free(&mbox);
    }
}
END_TEST

/* ---- linear time ---- */

static void gen_from_lines(size_t n, struct dt_buf *out)
{
    for (size_t i = 0; i < n; i++)
        dt_buf_puts(out, "From x\n\n");
}

static void gen_escapes(size_t n, struct dt_buf *out)
{
    dt_buf_puts(out, "From x\n");
    for (size_t i = 0; i < n; i++)
        dt_buf_puts(out, ">>>>From \n");
}

static void gen_one_long_line(size_t n, struct dt_buf *out)
{
    dt_buf_puts(out, "From x\n");
    for (size_t i = 0; i < n; i++)
        dt_buf_puts(out, "From From ");
}

static void gen_blank_lines(size_t n, struct dt_buf *out)
{
    for (size_t i = 0; i < n; i++)
        dt_buf_puts(out, "\r\n\n");
}

static void split_all(const char *data, size_t len)
{
    size_t pos = 0, line = 1;
    struct dt_mbox_msg m;
    struct dt_buf b = DT_BUF_INIT;
    while (dt_mbox_next(data, len, &pos, &line, &m)) {
        dt_buf_reset(&b);
        dt_mbox_unescape(&m, &b);
    }
    dt_buf_free(&b);
}

START_TEST(linear_on_hostile_shapes)
{
    dt_assert_linear("From_ lines only", gen_from_lines, split_all, 1024);
    dt_assert_linear("escaped lines", gen_escapes, split_all, 1024);
    dt_assert_linear("one long line of From", gen_one_long_line, split_all, 1024);
    dt_assert_linear("blank lines only", gen_blank_lines, split_all, 1024);
}
END_TEST

static Suite *mbox_suite(void)
{
    Suite *s = suite_create("mbox");
    TCase *tc = tcase_create("split");
    tcase_add_test(tc, split_table);
    tcase_add_test(tc, nul_bytes_are_data);
    tcase_add_test(tc, unescape_takes_one_level);
    tcase_add_test(tc, random_round_trip);
    suite_add_tcase(s, tc);
    tc = tcase_create("complexity");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, linear_on_hostile_shapes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_test_run(mbox_suite());
}
