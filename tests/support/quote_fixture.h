/*
 * quote_fixture.h - what check_quote.c and check_quote_lang.c share: a
 * table row (input, exact expected output, expected line counts) and the
 * one check of dt_quote_strip against it, on a string or on a fixture
 * file under tests/data (read by path from the top directory). Included
 * by those two suites only; every helper fails the running test.
 */
#ifndef DEALTEMP_QUOTE_FIXTURE_H
#define DEALTEMP_QUOTE_FIXTURE_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dealtemp/buf.h"
#include "dealtemp/quote.h"
#include "testutil.h"

#define UNUSED __attribute__((unused))

/* One table row: input (a path for fixtures), exact expected output, expected line counts. */
struct qcase {
    const char *name;
    const char *in;
    const char *want;
    size_t quoted, forward, signature;
};

/* Strip in[0..len) and compare output and counts with c; *info must be overwritten. */
UNUSED static void check_strip(const struct qcase *c, const char *in, size_t len)
{
    struct dt_buf out = DT_BUF_INIT;
    struct dt_quote_info info;

    memset(&info, 0xAB, sizeof(info)); /* must be overwritten, not added to */
    dt_quote_strip(in, len, &out, &info);
    ck_assert_msg(!dt_buf_failed(&out), "%s: buffer failed", c->name);
    const char *got = out.data ? out.data : "";
    ck_assert_msg(out.len == strlen(c->want) && memcmp(got, c->want, out.len) == 0,
                  "%s:\n got [%s]\nwant [%s]", c->name, got, c->want);
    ck_assert_msg(info.quoted_lines == c->quoted, "%s: quoted_lines %zu, want %zu", c->name,
                  info.quoted_lines, c->quoted);
    ck_assert_msg(info.forward_lines == c->forward, "%s: forward_lines %zu, want %zu", c->name,
                  info.forward_lines, c->forward);
    ck_assert_msg(info.signature_lines == c->signature, "%s: signature_lines %zu, want %zu",
                  c->name, info.signature_lines, c->signature);
    dt_buf_free(&out);
}

/* c->in names a file under tests/data: strip its whole contents. */
UNUSED static void check_fixture(const struct qcase *c)
{
    size_t len;
    char *s = dt_test_slurp(c->in, &len);
    check_strip(c, s, len);
    free(s);
}

#endif
