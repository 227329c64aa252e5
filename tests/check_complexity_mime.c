/*
 * check_complexity_mime.c - does reading a hostile message cost time linear
 * in its size? (complexity.h: t(4n) < 8 t(n) on the CPU clock.)
 *
 * The families are the MIME module's and the header's: nested multiparts,
 * boundary floods (many parts; many lines that almost are delimiters),
 * header floods (many fields; one field folded over many lines; many
 * display names), comment
 * nesting (with and without quoted pairs, and many shallow comments),
 * encoded-word floods, long References, '>' quote lines and a long line
 * without a line break. The work is dt_analyze() on the raw message, as the
 * milter calls it, of an outbound mail (so quotes are stripped and the text
 * scored), with tests/data/conf/complexity.conf: scan_limit at its largest,
 * so that bodies are read whole.
 *
 * Header values are cut at DT_MIME_FIELD_MAX (64 KB) before they are
 * parsed, and bodies at scan_limit (64 MB here); above a cut the cost stops
 * growing, which would hide a quadratic parser. Those families are measured
 * below it: n stays fixed (4n under the cut) and the work repeats until one
 * run is long enough to time (assert_linear_at); so are the cheap families
 * that dt_growth would double into hundreds of megabytes. dt_mime_words,
 * which has no cut of its own, is also measured alone. The suite takes
 * about 10 s.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../milter/mime_int.h"
#include "complexity.h"
#include "dealtemp/analyze.h"
#include "testutil.h"

static struct dt_config *cfg;

static void setup(void)
{
    cfg = dt_test_config("tests/data/conf/complexity.conf");
}

static void teardown(void)
{
    dt_config_unref(cfg);
}

/* ---- the work ------------------------------------------------------------ */

static unsigned reps = 1; /* runs of the work per timing: for the capped families */

static void analyze(const char *data, size_t len)
{
    static const char *const rcpts[1] = {"buyer@customer.example"};
    struct dt_envelope env = {"rep@corp.example", rcpts, 1};
    for (unsigned r = 0; r < reps; r++) {
        struct dt_facts f;
        struct dt_error err;
        int rc = dt_analyze(cfg, data, len, &env, 0, &f, &err);
        ck_assert_msg(rc == 0, "dt_analyze: %s", err.msg);
        dt_facts_clear(&f);
    }
}

static void words(const char *data, size_t len)
{
    struct dt_buf out = DT_BUF_INIT;
    struct dt_conv conv;
    for (unsigned r = 0; r < reps; r++) {
        dt_buf_reset(&out);
        dt_mime_words(&out, data, len, &conv);
        ck_assert(!dt_buf_failed(&out));
    }
    dt_buf_free(&out);
}

/*
 * t(4n) < 8 t(n) at this n (4n under any cut): the work is repeated,
 * doubling, until one timing at n takes DT_GROWTH_MIN_S.
 */
#define assert_linear_at(name, gen, work, n)                                                       \
    do {                                                                                           \
        for (reps = 1; reps < (1u << 16); reps *= 2)                                               \
            if (dt_growth_time((gen), (work), (n)) >= DT_GROWTH_MIN_S)                             \
                break;                                                                             \
        double t1_ = dt_growth_time((gen), (work), (n));                                           \
        double t4_ = dt_growth_time((gen), (work), 4 * (n));                                       \
        reps = 1;                                                                                  \
        ck_assert_msg(t4_ < 8.0 * t1_,                                                             \
                      "%s: work at 4n = %zu took %.1fx the work at n (linear: ~4)", (name),        \
                      4 * (size_t)(n), t4_ / t1_);                                                 \
    } while (0)

/* ---- generators ---------------------------------------------------------- */

#define HEAD "From: Alex Rep <rep@corp.example>\r\nTo: Sam <buyer@customer.example>\r\n"
#define TEXT "AMAZING call today!!! We are SO excited, can't wait to get going.\r\n"

static void repeat(struct dt_buf *out, const char *unit, size_t n)
{
    size_t ul = strlen(unit);
    if (!dt_buf_reserve(out, ul * n))
        return;
    for (size_t i = 0; i < n; i++)
        dt_buf_append(out, unit, ul);
}

/* n multiparts, each the only part of the one around it. */
static void gen_nested(size_t n, struct dt_buf *out)
{
    dt_buf_puts(out, HEAD "Subject: nested\r\n");
    for (size_t i = 0; i < n; i++)
        dt_buf_printf(out, "Content-Type: multipart/mixed; boundary=\"b%zu\"\r\n\r\n--b%zu\r\n", i,
                      i);
    dt_buf_puts(out, "Content-Type: text/plain\r\n\r\n" TEXT);
    for (size_t i = n; i-- > 0;)
        dt_buf_printf(out, "\r\n--b%zu--\r\n", i);
}

/* One multipart of n parts. */
static void gen_parts(size_t n, struct dt_buf *out)
{
    dt_buf_puts(out,
                HEAD "Subject: parts\r\nContent-Type: multipart/mixed; boundary=\"=_b\"\r\n\r\n");
    for (size_t i = 0; i < n; i++)
        dt_buf_puts(out, "--=_b\r\nContent-Type: application/octet-stream\r\n\r\nxx\r\n");
    dt_buf_puts(out, "--=_b\r\nContent-Type: text/plain\r\n\r\n" TEXT "--=_b--\r\n");
}

/* A text part of n lines that almost are its delimiter. */
static void gen_near_boundary(size_t n, struct dt_buf *out)
{
    static const char *const near[] = {
        "--=_boundary_0123456789abcdef_\r\n", "--=_boundary_0123456789abcdef_X\r\n",
        "--=_boundary_0123456789abcdef_ -\r\n", "--=_boundary_0123456789abcde\r\n"};
    dt_buf_puts(out, HEAD "Subject: near\r\nContent-Type: multipart/alternative; "
                          "boundary=\"=_boundary_0123456789abcdef\"\r\n\r\n"
                          "--=_boundary_0123456789abcdef\r\nContent-Type: text/plain\r\n\r\n" TEXT);
    for (size_t i = 0; i < n; i++)
        dt_buf_puts(out, near[i % 4]);
    dt_buf_puts(out, "--=_boundary_0123456789abcdef--\r\n");
}

/* n header fields before the ones that are read. */
static void gen_header_lines(size_t n, struct dt_buf *out)
{
    for (size_t i = 0; i < n; i++)
        dt_buf_printf(out, "X-Flood-%zu: some value of a field nobody reads\r\n", i);
    dt_buf_puts(out, HEAD "Subject: fields\r\n\r\n" TEXT);
}

/* One field folded over n lines (not read: the scan alone). */
static void gen_folded_unread(size_t n, struct dt_buf *out)
{
    dt_buf_puts(out, HEAD "X-Folded: start");
    repeat(out, "\r\n\tcontinued on one more line", n);
    dt_buf_puts(out, "\r\nSubject: folded\r\n\r\n" TEXT);
}

/* To folded over n lines, one address each (parsed: under the cut). */
static void gen_folded_to(size_t n, struct dt_buf *out)
{
    dt_buf_puts(out, "From: rep@corp.example\r\nTo: buyer@customer.example");
    for (size_t i = 0; i < n; i++)
        dt_buf_printf(out, ",\r\n\tP%zu <p%zu@customer.example>", i % 100, i % 100);
    dt_buf_puts(out, "\r\nSubject: to\r\n\r\n" TEXT);
}

/* To of n distinct named addresses (parsed: under the cut). */
static void gen_named_to(size_t n, struct dt_buf *out)
{
    dt_buf_puts(out, "From: rep@corp.example\r\nTo: ");
    for (size_t i = 0; i < n; i++)
        dt_buf_printf(out, "N%zu <p%zu@customer.example>, ", i, i);
    dt_buf_puts(out, "\r\nSubject: names\r\n\r\n" TEXT);
}

static void gen_comment(size_t n, struct dt_buf *out, const char *unit)
{
    dt_buf_puts(out, "From: rep@corp.example ");
    repeat(out, unit, n);
    dt_buf_puts(out, "\r\nTo: buyer@customer.example\r\nSubject: comments\r\n\r\n" TEXT);
}

static void gen_comment_open(size_t n, struct dt_buf *out)
{
    gen_comment(n, out, "(");
}

static void gen_comment_pairs(size_t n, struct dt_buf *out)
{
    gen_comment(n, out, "(\\)");
}

static void gen_comment_shallow(size_t n, struct dt_buf *out)
{
    gen_comment(n, out, "(c) ");
}

/* A Subject of n encoded words. */
static void gen_encoded_subject(size_t n, struct dt_buf *out)
{
    dt_buf_puts(out, HEAD "Subject:");
    repeat(out, " =?utf-8?q?caf=C3=A9?=", n);
    dt_buf_puts(out, "\r\n\r\n" TEXT);
}

/* A value of n encoded words in three charsets, for dt_mime_words alone. */
static void gen_words(size_t n, struct dt_buf *out)
{
    static const char *const w[] = {"=?utf-8?q?caf=C3=A9?= ", "=?koi8-r?b?9NLJ?= ",
                                    "=?iso-8859-1?q?=E9t=E9?= ", "plain text ", "=?bogus?x?y?= "};
    for (size_t i = 0; i < n; i++)
        dt_buf_puts(out, w[i % 5]);
}

/* References of n msg-ids. */
static void gen_references(size_t n, struct dt_buf *out)
{
    dt_buf_puts(out, HEAD "Subject: Re: refs\r\nIn-Reply-To: <r0@customer.example>\r\nReferences:");
    for (size_t i = 0; i < n; i++)
        dt_buf_printf(out, " <r%zu@customer.example>", i % 10000);
    dt_buf_puts(out, "\r\n\r\n" TEXT);
}

/* n quoted lines under the own words. */
static void gen_quote_lines(size_t n, struct dt_buf *out)
{
    static const char *const q[] = {"> quoted words of the customer, AMAZING!!!\r\n",
                                    ">> older\r\n", "> > > deep\r\n", ">\r\n"};
    dt_buf_puts(out, HEAD "Subject: Re: quotes\r\n\r\n" TEXT "\r\nOn Monday Sam wrote:\r\n");
    for (size_t i = 0; i < n; i++)
        dt_buf_puts(out, q[i % 4]);
}

/* A body of n words without a line break. */
static void gen_long_line(size_t n, struct dt_buf *out)
{
    dt_buf_puts(out, HEAD "Subject: one line\r\n\r\n");
    repeat(out, "amazing SO excited!!! ", n);
}

/* ---- the families -------------------------------------------------------- */

START_TEST(nested_multiparts)
{
    dt_assert_linear("nested multiparts", gen_nested, analyze, 64);
}
END_TEST

/* 4n = 262,144 parts: a 14 MB body. */
START_TEST(many_parts)
{
    assert_linear_at("many parts", gen_parts, analyze, 65536);
}
END_TEST

START_TEST(near_boundary_lines)
{
    dt_assert_linear("near-boundary lines", gen_near_boundary, analyze, 1024);
}
END_TEST

/* 4n = 262,144 fields: a 13 MB header. */
START_TEST(header_lines)
{
    assert_linear_at("header lines", gen_header_lines, analyze, 65536);
}
END_TEST

/* 4n = 524,288 continuation lines: a 16 MB field. */
START_TEST(folded_unread_field)
{
    assert_linear_at("one unread field folded over n lines", gen_folded_unread, analyze, 131072);
}
END_TEST

/* 4n = 1,600 folded addresses: ~53 KB, under the 64 KB cut. */
START_TEST(folded_address_list)
{
    assert_linear_at("To folded over n lines", gen_folded_to, analyze, 400);
    /* Each display name was once looked up among those before it. */
    assert_linear_at("To of n named addresses", gen_named_to, analyze, 400);
}
END_TEST

/* 4n = 20,000 units of at most 4 bytes: under the cut. */
START_TEST(comment_nesting)
{
    assert_linear_at("From with n \"(\"", gen_comment_open, analyze, 4000);
    assert_linear_at("From with n \"(\\)\"", gen_comment_pairs, analyze, 4000);
    assert_linear_at("From with n \"(c) \"", gen_comment_shallow, analyze, 3000);
}
END_TEST

/* 4n = 2,400 encoded words of 22 bytes: ~53 KB. */
START_TEST(encoded_word_flood)
{
    assert_linear_at("Subject of n encoded words", gen_encoded_subject, analyze, 600);
    dt_assert_linear("dt_mime_words on n words", gen_words, words, 1024);
}
END_TEST

/* 4n = 2,000 msg-ids of ~26 bytes: ~52 KB. */
START_TEST(long_references)
{
    assert_linear_at("References of n msg-ids", gen_references, analyze, 500);
}
END_TEST

/* 4n = 524,288 lines: a 12 MB body. */
START_TEST(quote_lines)
{
    assert_linear_at("'>' quote lines", gen_quote_lines, analyze, 131072);
}
END_TEST

START_TEST(long_line_without_lf)
{
    dt_assert_linear("a body of n words without a line break", gen_long_line, analyze, 1024);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("complexity_mime");
    TCase *tc = tcase_create("families");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, nested_multiparts);
    tcase_add_test(tc, many_parts);
    tcase_add_test(tc, near_boundary_lines);
    tcase_add_test(tc, header_lines);
    tcase_add_test(tc, folded_unread_field);
    tcase_add_test(tc, folded_address_list);
    tcase_add_test(tc, comment_nesting);
    tcase_add_test(tc, encoded_word_flood);
    tcase_add_test(tc, long_references);
    tcase_add_test(tc, quote_lines);
    tcase_add_test(tc, long_line_without_lf);
    suite_add_tcase(s, tc);
    return dt_test_run(s);
}
