/*
 * check_euphoria_score.c - dt_euphoria_score as a whole, with the test
 * lexicon read from tests/data/lexicon-test-*.txt: length normalisation,
 * levels at exact thresholds, monotonicity, determinism, the summary
 * string, names and defaults, NULL arguments, hostile bytes, evidence
 * offsets and truncation, very long words and runs, a 10 MB text (its
 * evidence capped) and concurrent scoring with one shared lexicon.
 * Matching rules (phrases, modifiers, prefixes, caps, emoji, language)
 * are in check_euphoria.c.
 */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dealtemp/euphoria.h"
#include "dealtemp/utf8.h"
#include "euphoria_fixture.h"
#include "testutil.h"

/* The test lexicon, read from the fixtures like config.c reads the real ones. */
static void setup(void)
{
    lex = fixture_lexicon();
    euphoria_fixture_ready();
}

/* ----------------------------------------------------------- score and level */

START_TEST(length_normalisation)
{
    const char *few = "amazing and excited";
    double small = score(few);
    assert_close(small, expect(2.5, 20)); /* below min_words: 20 */
    double longer = score("amazing and excited, and then we had a long talk about "
                          "prices and plans and dates and the next meeting of the "
                          "teams at the office in town");
    ck_assert_uint_eq(s.words, 28);
    assert_close(longer, expect(2.5, 28));
    ck_assert(longer < small);
    p.min_words = 1;
    assert_close(score(few), expect(2.5, 3));
}
END_TEST

START_TEST(levels_at_exact_thresholds)
{
    const char *text = "so excited, amazing!";
    double v = score(text);
    ck_assert(v > 0 && v < 1);
    p.warm = v;
    p.euphoric = nextafter(v, 2);
    score(text);
    ck_assert_int_eq(s.level, DT_LEVEL_WARM);
    p.warm = nextafter(v, 2);
    p.euphoric = 0.99;
    score(text);
    ck_assert_int_eq(s.level, DT_LEVEL_CALM);
    p.warm = 0.01;
    p.euphoric = v;
    score(text);
    ck_assert_int_eq(s.level, DT_LEVEL_EUPHORIC);
    dt_euphoria_defaults(&p);
    ck_assert_int_eq(score("") == 0 && s.level == DT_LEVEL_CALM, 1);
    score("amazing"); /* 1 - exp(-5/8) = 0.46 */
    ck_assert_int_eq(s.level, DT_LEVEL_WARM);
    score("amazing awesome"); /* 0.71 */
    ck_assert_int_eq(s.level, DT_LEVEL_EUPHORIC);
}
END_TEST

START_TEST(monotonic)
{
    /* Each step adds evidence to a text of the same length: never lower. */
    static const char *const steps[] = {
        "we met and we talked about the plan for the next year",
        "we met and we talked about the amazing plan for the next year",
        "we met and we talked about the amazing plan for the next year!",
        "we met and we talked about the amazing plan for the next year!!!",
        "we met and we talked about the so amazing plan for the next year!!!",
        "we met and we talked about the so amazing plan for the BEST year!!!",
        "we met and we talked about the so amazing plan for the BEST year!!! 🎉",
    };
    double last = -1;
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        double v = score(steps[i]);
        ck_assert_msg(v >= last, "step %zu: %f < %f", i, v, last);
        ck_assert(v >= 0 && v < 1);
        last = v;
    }
    /* Adding neutral words never raises it. */
    double a = score("amazing amazing amazing amazing amazing amazing amazing");
    double b = score("amazing amazing amazing amazing amazing amazing amazing plain words "
                     "that add nothing but length to the text we score here and there now");
    ck_assert(b < a);
}
END_TEST

START_TEST(deterministic)
{
    const char *text = "Het is SUPERGAAF!!! We can't wait 🎉 not the best, so excited";
    struct dt_score a, b;
    ck_assert_int_eq(dt_euphoria_score(lex, &p, text, strlen(text), &a, &err), 0);
    ck_assert_int_eq(dt_euphoria_score(lex, &p, text, strlen(text), &b, &err), 0);
    ck_assert(a.score == b.score && a.total == b.total && a.words == b.words);
    ck_assert_str_eq(a.lang, b.lang);
    ck_assert_int_eq(memcmp(a.counts, b.counts, sizeof(a.counts)), 0);
    ck_assert_uint_eq(a.n_evidence, b.n_evidence);
    ck_assert_uint_gt(a.n_evidence, 5);
    for (size_t i = 0; i < a.n_evidence; i++) {
        ck_assert_str_eq(a.evidence[i].text, b.evidence[i].text);
        ck_assert(a.evidence[i].weight == b.evidence[i].weight);
        ck_assert_uint_eq(a.evidence[i].offset, b.evidence[i].offset);
    }
    dt_score_clear(&a);
    dt_score_clear(&b);
    ck_assert_ptr_null(a.evidence);
    ck_assert_uint_eq(a.n_evidence, 0);
    dt_score_clear(NULL);
}
END_TEST

START_TEST(summary_format)
{
    score("AMAZING!!! the best, so excited, can't wait, act now 🎉 🎉 HUGE");
    ck_assert_str_eq(summary(),
                     "hype=1 superlative=1 excitement=2 pressure=1 excl=1 caps=2 emoji=2");
    /* Whole items only when the buffer is short. */
    char buf[32];
    dt_score_summary(&s, buf, sizeof(buf));
    ck_assert_str_eq(buf, "hype=1 superlative=1");
    dt_score_summary(&s, buf, 7);
    ck_assert_str_eq(buf, "hype=1");
    dt_score_summary(&s, buf, 6);
    ck_assert_str_eq(buf, "");
    buf[0] = 'x';
    dt_score_summary(&s, buf, 0);
    ck_assert_int_eq(buf[0], 'x');
    dt_score_summary(NULL, buf, sizeof(buf));
    ck_assert_str_eq(buf, "none");
}
END_TEST

START_TEST(levels_and_defaults)
{
    ck_assert_str_eq(dt_level_name(DT_LEVEL_CALM), "calm");
    ck_assert_str_eq(dt_level_name(DT_LEVEL_WARM), "warm");
    ck_assert_str_eq(dt_level_name(DT_LEVEL_EUPHORIC), "euphoric");
    ck_assert_str_eq(dt_level_name((enum dt_level)7), "unknown");
    enum dt_level l = DT_LEVEL_CALM;
    ck_assert_int_eq(dt_level_parse("euphoric", &l), 0);
    ck_assert_int_eq(l, DT_LEVEL_EUPHORIC);
    ck_assert_int_eq(dt_level_parse("Warm", &l), 0);
    ck_assert_int_eq(l, DT_LEVEL_WARM);
    ck_assert_int_eq(dt_level_parse("calm", &l), 0);
    ck_assert_int_eq(l, DT_LEVEL_CALM);
    ck_assert_int_eq(dt_level_parse("hot", &l), -1);
    ck_assert_int_eq(dt_level_parse("", &l), -1);
    ck_assert_int_eq(dt_level_parse(NULL, &l), -1);
    ck_assert_int_eq(l, DT_LEVEL_CALM);

    struct dt_euphoria_params d;
    memset(&d, 0xff, sizeof(d));
    dt_euphoria_defaults(&d);
    assert_close(d.warm, 0.35);
    assert_close(d.euphoric, 0.60);
    assert_close(d.min_words, 20);
    assert_close(d.scale, 8.0);
    assert_close(d.excl_weight, 0.5);
    ck_assert_uint_eq(d.excl_cap, 3);
    assert_close(d.caps_weight, 0.7);
    ck_assert_ptr_null(d.langs);
}
END_TEST

START_TEST(null_params_and_lexicon)
{
    const char *text = "AMAZING news!!! 🎉";
    ck_assert_int_eq(dt_euphoria_score(lex, NULL, text, strlen(text), &s, &err), 0);
    ck_assert_str_eq(summary(), "hype=1 excl=1 caps=1 emoji=1");
    dt_score_clear(&s);
    ck_assert_int_eq(dt_euphoria_score(NULL, &p, text, strlen(text), &s, &err), 0);
    ck_assert_str_eq(summary(), "excl=1 caps=1");
    ck_assert_str_eq(s.lang, "");
    ck_assert_uint_eq(s.words, 2);
}
END_TEST

/* ------------------------------------------------------------ hostile text */

START_TEST(invalid_utf8)
{
    static const char text[] = "amazing\xff\xfe"
                               "excited \xc3 best\xed\xa0\x80great \xe2\x82 so\x80"
                               "excited\xf4\x90\x80\x80 wow!\xc3";
    score(text);
    ck_assert_uint_eq(s.counts[DT_KIND_HYPE], 1);
    ck_assert_uint_eq(s.counts[DT_KIND_EXCITEMENT], 2);
    ck_assert_uint_eq(s.counts[DT_KIND_SUPERLATIVE], 1);
    ck_assert_uint_eq(s.counts[DT_KIND_EXCLAMATION], 1);
    /* The invalid bytes split words: "so" still intensifies "excited". */
    assert_ev(3, DT_KIND_EXCITEMENT, 2.25, "excited", 0);
    for (size_t i = 0; i < s.n_evidence; i++)
        ck_assert(dt_utf8_valid(s.evidence[i].text, strlen(s.evidence[i].text)));
    /* NUL bytes are just separators; only len bytes are read. */
    static const char nul[] = "amazing\0excited\0best";
    dt_score_clear(&s);
    ck_assert_int_eq(dt_euphoria_score(lex, &p, nul, sizeof(nul) - 1, &s, &err), 0);
    ck_assert_uint_eq(s.n_evidence, 3);
    dt_score_clear(&s);
    ck_assert_int_eq(dt_euphoria_score(lex, &p, nul, 9, &s, &err), 0);
    ck_assert_uint_eq(s.n_evidence, 1);
    ck_assert_uint_eq(s.words, 2);
}
END_TEST

START_TEST(evidence_offsets)
{
    const char *text = "Hi 👋 Ann,\n’t is top & we CAN’T WAIT!!! so excited 🎉️ – "
                       "a GAME‑CHANGER, not awesome… superblij";
    score(text);
    ck_assert_uint_ge(s.n_evidence, 9);
    size_t last = 0;
    for (size_t i = 0; i < s.n_evidence; i++) {
        const struct dt_evidence *e = &s.evidence[i];
        ck_assert_uint_ge(e->offset, last); /* text order */
        last = e->offset;
        ck_assert_uint_le(e->offset + e->length, strlen(text));
        ck_assert_uint_eq(strlen(e->text), e->length);
        ck_assert_int_eq(memcmp(text + e->offset, e->text, e->length), 0);
        /* The modifier, if any, is written before the hit; negated <=> factor 0. */
        ck_assert_uint_le(e->mod_offset + e->mod_length, e->offset);
        ck_assert_int_eq(e->negated != 0, e->mult == 0);
        ck_assert_int_eq(e->mod_length == 0, e->mult == 1);
    }
}
END_TEST

START_TEST(evidence_text_truncated_on_char_boundary)
{
    /* One shouted word of 35 two-byte letters (70 bytes). */
    char text[128] = "";
    for (int i = 0; i < 35; i++)
        strcat(text, "\xc3\x89"); /* É */
    strcat(text, " and more words");
    score(text);
    ck_assert_uint_eq(s.n_evidence, 1);
    ck_assert_uint_eq(s.evidence[0].length, 70);
    ck_assert_uint_eq(strlen(s.evidence[0].text), 62);
    ck_assert(dt_utf8_valid(s.evidence[0].text, 62));
    ck_assert_int_eq(memcmp(s.evidence[0].text, text, 62), 0);
}
END_TEST

START_TEST(long_words_and_runs)
{
    /* A 10,000-letter word, 5,000 '!' and hyphen chains: no crash, sane counts. */
    size_t n = 30000;
    char *text = malloc(n + 1);
    ck_assert_ptr_nonnull(text);
    memset(text, 'a', 10000);
    memset(text + 10000, '!', 5000);
    for (size_t i = 15000; i < n; i += 2) {
        text[i] = 'x';
        text[i + 1] = '-';
    }
    text[n - 1] = 'x';
    text[n] = '\0';
    score(text);
    ck_assert_uint_eq(s.counts[DT_KIND_EXCLAMATION], 1);
    assert_ev(0, DT_KIND_EXCLAMATION, 1.5,
              "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!", 0);
    ck_assert_uint_eq(s.evidence[0].length, 5000);
    /* 7,500 pieces joined 8 to a word. */
    ck_assert_uint_eq(s.words, 1 + (7500 + 7) / 8);
    free(text);
}
END_TEST

/* ------------------------------------------------------------------- scale */

START_TEST(ten_megabytes)
{
    static const char *const words[] = {
        "the",      "proposal", "is",    "amazing", "and",      "we",  "can't", "wait",
        "to",       "start",    "NOW",   "really",  "excited!", "not", "best",  "\xc3\xa9t\xc3\xa9",
        "geweldig", "🎉",        "plan.", "team,\n"};
    size_t cap = 10u << 20, n = 0, count = 0;
    char *text = malloc(cap + 32);
    ck_assert_ptr_nonnull(text);
    unsigned r = 12345;
    while (n < cap) {
        r = r * 1103515245u + 12345u;
        const char *w = words[(r >> 16) % (sizeof(words) / sizeof(words[0]))];
        size_t l = strlen(w);
        memcpy(text + n, w, l);
        n += l;
        text[n++] = ' ';
        count++;
    }
    dt_score_clear(&s);
    ck_assert_int_eq(dt_euphoria_score(lex, &p, text, n, &s, &err), 0);
    ck_assert_str_eq(s.lang, "en");
    ck_assert_uint_gt(s.words, count * 8 / 10);
    ck_assert_uint_lt(s.words, count);
    ck_assert(s.score > 0.9 && s.score < 1);
    ck_assert_int_eq(s.level, DT_LEVEL_EUPHORIC);
    /* The first DT_EVIDENCE_MAX hits are listed, the others only counted. */
    ck_assert_uint_eq(s.n_evidence, DT_EVIDENCE_MAX);
    ck_assert_uint_gt(s.n_evidence + s.n_evidence_dropped, count / 10);
    size_t sum = 0;
    for (int k = 0; k < DT_KIND_COUNT; k++)
        sum += s.counts[k];
    size_t negated = 0;
    for (size_t i = 0; i < s.n_evidence; i++)
        negated += s.evidence[i].negated;
    ck_assert_uint_le(sum + negated, s.n_evidence + s.n_evidence_dropped);
    ck_assert_uint_gt(sum, count / 10);
    for (size_t i = 1; i < s.n_evidence; i++)
        ck_assert_uint_ge(s.evidence[i].offset, s.evidence[i - 1].offset);
    ck_assert_uint_lt(s.evidence[s.n_evidence - 1].offset, 64 * 1024); /* the first ones */
    free(text);
}
END_TEST

struct job {
    const char *text;
    struct dt_score out;
    int rc;
};

static void *run_job(void *arg)
{
    struct job *j = arg;
    struct dt_error e;
    for (int i = 0; i < 50 && j->rc == 0; i++) {
        dt_score_clear(&j->out);
        j->rc = dt_euphoria_score(lex, &p, j->text, strlen(j->text), &j->out, &e);
    }
    return NULL;
}

START_TEST(concurrent_scoring)
{
    struct job jobs[4] = {
        {.text = "So excited, AMAZING!!! 🎉"},
        {.text = "Het is niet geweldig maar wel supergaaf"},
        {.text = "So excited, AMAZING!!! 🎉"},
        {.text = "plain words only"},
    };
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, run_job, &jobs[i]), 0);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_join(t[i], NULL), 0);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(jobs[i].rc, 0);
    ck_assert(jobs[0].out.score == jobs[2].out.score);
    ck_assert_uint_eq(jobs[0].out.n_evidence, 5);
    ck_assert_str_eq(jobs[1].out.lang, "nl");
    ck_assert_uint_eq(jobs[3].out.n_evidence, 0);
    for (int i = 0; i < 4; i++)
        dt_score_clear(&jobs[i].out);
}
END_TEST

static Suite *euphoria_score_suite(void)
{
    Suite *su = suite_create("euphoria_score");
    TCase *tc = tcase_create("score");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, length_normalisation);
    tcase_add_test(tc, levels_at_exact_thresholds);
    tcase_add_test(tc, monotonic);
    tcase_add_test(tc, deterministic);
    tcase_add_test(tc, summary_format);
    tcase_add_test(tc, levels_and_defaults);
    tcase_add_test(tc, null_params_and_lexicon);
    suite_add_tcase(su, tc);

    tc = tcase_create("hostile");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, invalid_utf8);
    tcase_add_test(tc, evidence_offsets);
    tcase_add_test(tc, evidence_text_truncated_on_char_boundary);
    tcase_add_test(tc, long_words_and_runs);
    tcase_add_test(tc, ten_megabytes);
    tcase_add_test(tc, concurrent_scoring);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    return dt_test_run(euphoria_score_suite());
}
