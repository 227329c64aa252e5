/*
 * euphoria_fixture.h - what check_euphoria.c and check_euphoria_score.c
 * share: the lexicon, parameters and score every test works on, scoring a
 * text into them, the score formula of euphoria.h to compare with, checks
 * on the evidence, and the test lexicon read from tests/data/lexicon-test-*.
 * Included by those two suites only (its state is per suite, like
 * store_fixture.h); every helper fails the running test on error. Each
 * suite's setup() fills lex, then calls euphoria_fixture_ready().
 */
#ifndef DEALTEMP_EUPHORIA_FIXTURE_H
#define DEALTEMP_EUPHORIA_FIXTURE_H

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dealtemp/euphoria.h"
#include "dealtemp/lexicon.h"
#include "testutil.h"

#define UNUSED __attribute__((unused))

static struct dt_lexicon *lex;
static struct dt_euphoria_params p;
static struct dt_score s;
static struct dt_error err;

/* Default parameters and an empty score, once lex is filled. */
UNUSED static void euphoria_fixture_ready(void)
{
    ck_assert_ptr_nonnull(lex);
    dt_euphoria_defaults(&p);
    memset(&s, 0, sizeof(s));
}

UNUSED static void teardown(void)
{
    dt_score_clear(&s);
    dt_lexicon_free(lex);
    lex = NULL;
}

/* The test lexicon, read from the fixtures like config.c reads the real ones. */
UNUSED static struct dt_lexicon *fixture_lexicon(void)
{
    static const char *const files[][2] = {{"en", "tests/data/lexicon-test-en.txt"},
                                           {"nl", "tests/data/lexicon-test-nl.txt"},
                                           {"*", "tests/data/lexicon-test-common.txt"}};
    struct dt_lexicon *l = dt_lexicon_new();
    ck_assert_ptr_nonnull(l);
    for (int i = 0; i < 3; i++) {
        size_t len;
        char *buf = dt_test_slurp(files[i][1], &len);
        ck_assert_msg(dt_lexicon_add(l, files[i][0], files[i][1], buf, len, &err) == 0, "%s",
                      err.msg);
        free(buf);
    }
    return l;
}

/* Score text into s (cleared first); returns s.score. */
UNUSED static double score(const char *text)
{
    dt_score_clear(&s);
    ck_assert_int_eq(dt_euphoria_score(lex, &p, text, strlen(text), &s, &err), 0);
    return s.score;
}

/* What the formula in euphoria.h gives for total evidence over words. */
UNUSED static double expect(double total, size_t words)
{
    double w = (double)words > p.min_words ? (double)words : p.min_words;
    return dt_score_round(1 - exp(-(total * 100 / w) / p.scale));
}

UNUSED static void assert_close(double got, double want)
{
    ck_assert_msg(fabs(got - want) < 1e-9, "got %.12f, want %.12f", got, want);
}

/* The n-th evidence item is kind with weight w and text t. */
UNUSED static void assert_ev(size_t n, enum dt_kind kind, double w, const char *t, int negated)
{
    ck_assert_msg(n < s.n_evidence, "only %zu evidence items", s.n_evidence);
    const struct dt_evidence *e = &s.evidence[n];
    ck_assert_str_eq(dt_kind_name(e->kind), dt_kind_name(kind));
    assert_close(e->weight, w);
    ck_assert_str_eq(e->text, t);
    ck_assert_int_eq(e->negated, negated);
}

UNUSED static const char *summary(void)
{
    static char buf[200];
    dt_score_summary(&s, buf, sizeof(buf));
    return buf;
}

#endif
