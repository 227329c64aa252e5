/*
 * check_euphoria.c - dt_euphoria_score against a small lexicon built in
 * this file (EN, NL and language-neutral entries; the shipped word lists
 * are not used): single hits, phrases before words, apostrophes and
 * hyphens, intensifiers, dampeners, negation (EN and NL, window end, clause end,
 * sentence reset), compound prefixes, '!' runs, shouting vs acronyms, the
 * all-caps cap, emoji, language choice and the evidence cap (256 listed,
 * the rest counted and reported as dropped). The last test checks that the
 * fixtures tests/data/lexicon-test-*.txt (which check_euphoria_score.c
 * scores with) hold the same lexicon. Scores as a whole, levels, hostile
 * input and scale are in check_euphoria_score.c.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dealtemp/euphoria.h"
#include "dealtemp/utf8.h"
#include "euphoria_fixture.h"
#include "testutil.h"

static const char *const EN = "amazing 1 hype\n"
                              "awesome 1 hype\n"
                              "game 0.5 hype\n"
                              "game changer 2 hype\n"
                              "state-of-the-art 1.5 hype\n"
                              "best 1.2 superlative\n"
                              "excited 1.5 excitement\n"
                              "can't wait 2 excitement\n"
                              "act now 1 pressure\n"
                              "so 1.5 intensifier\n"
                              "very 1.5 intensifier\n"
                              "really 1.2 intensifier\n"
                              "slightly 0.5 dampener\n"
                              "not 0 negator\n"
                              "never 0 negator\n"
                              "super 2 prefix\n"
                              "super 1.5 intensifier\n"
                              "mega 1.5 prefix\n"
                              "supermarket 1 stopword\n"
                              "the 1 stopword\nis 1 stopword\nare 1 stopword\nwe 1 stopword\n"
                              "and 1 stopword\nthis 1 stopword\nthat 1 stopword\nit 1 stopword\n"
                              "to 1 stopword\nof 1 stopword\nyou 1 stopword\nso 1 stopword\n"
                              "a 1 stopword\nfor 1 stopword\n";

static const char *const NL = "geweldig 1 hype\n"
                              "geweldige 1 hype\n"
                              "te gek 2 hype\n"
                              "’t is top 2 hype\n"
                              "blij 1 excitement\n"
                              "enthousiast 1.5 excitement\n"
                              "echt 1.5 intensifier\n"
                              "niet 0 negator\n"
                              "geen 0 negator\n"
                              "super 2 prefix\n"
                              "reuze 1.5 prefix\n"
                              "de 1 stopword\nhet 1 stopword\neen 1 stopword\nen 1 stopword\n"
                              "is 1 stopword\nik 1 stopword\nwe 1 stopword\nniet 1 stopword\n"
                              "dat 1 stopword\nvan 1 stopword\n’t 1 stopword\n";

static const char *const ANY = "CEO 0 acronym\n"
                               "ERP 0 acronym\n"
                               "🎉 1 emoji\n"
                               "🚀 0.8 emoji\n"
                               "👍 0.5 emoji\n"
                               "👨‍💻 0.3 emoji\n";

static void add(struct dt_lexicon *l, const char *lang, const char *text)
{
    ck_assert_msg(dt_lexicon_add(l, lang, lang, text, strlen(text), &err) == 0, "%s", err.msg);
}

static void setup(void)
{
    lex = dt_lexicon_new();
    ck_assert_ptr_nonnull(lex);
    add(lex, "en", EN);
    add(lex, "nl", NL);
    add(lex, "*", ANY);
    euphoria_fixture_ready();
}

/* ------------------------------------------------------------------ basics */

START_TEST(empty_text)
{
    assert_close(score(""), 0);
    ck_assert_int_eq(s.level, DT_LEVEL_CALM);
    ck_assert_uint_eq(s.words, 0);
    ck_assert_uint_eq(s.n_evidence, 0);
    ck_assert_ptr_null(s.evidence);
    ck_assert_str_eq(summary(), "none");
    ck_assert_int_eq(dt_euphoria_score(lex, &p, NULL, 0, &s, &err), 0);
    ck_assert_uint_eq(s.words, 0);
    assert_close(score(" \n\t. , ;"), 0);
}
END_TEST

START_TEST(single_hit)
{
    double got = score("This is amazing news for the team");
    ck_assert_uint_eq(s.words, 7);
    ck_assert_uint_eq(s.n_evidence, 1);
    assert_ev(0, DT_KIND_HYPE, 1.0, "amazing", 0);
    ck_assert_uint_eq(s.evidence[0].offset, 8);
    ck_assert_uint_eq(s.evidence[0].length, 7);
    ck_assert_uint_eq(s.counts[DT_KIND_HYPE], 1);
    assert_close(s.total, 1.0);
    assert_close(got, expect(1.0, 7));
    ck_assert_str_eq(s.lang, "en");
    ck_assert_str_eq(summary(), "hype=1");
}
END_TEST

START_TEST(case_and_word_boundaries)
{
    score("Amazing. aMaZiNg.");
    ck_assert_uint_eq(s.counts[DT_KIND_HYPE], 2);
    ck_assert_uint_eq(s.counts[DT_KIND_CAPS], 0);
    score("amazingly unamazing amazing2 amazings");
    ck_assert_uint_eq(s.n_evidence, 0);
    score("(amazing) \"amazing\" 'amazing' ‘amazing’ amazing's");
    ck_assert_uint_eq(s.counts[DT_KIND_HYPE], 4); /* "amazing's" is another word */
}
END_TEST

START_TEST(phrases_before_words)
{
    /* "game changer" (2.0) wins over "game" (0.5): longest first. */
    score("A real game changer for you");
    ck_assert_uint_eq(s.n_evidence, 1);
    assert_ev(0, DT_KIND_HYPE, 2.0, "game changer", 0);
    score("the game is on");
    assert_ev(0, DT_KIND_HYPE, 0.5, "game", 0);
    /* A hyphen is the same as a space inside a phrase, in text and lexicon. */
    score("a game-changer and state of the art and state-of-the-art");
    ck_assert_uint_eq(s.n_evidence, 3);
    assert_ev(0, DT_KIND_HYPE, 2.0, "game-changer", 0);
    assert_ev(1, DT_KIND_HYPE, 1.5, "state of the art", 0);
    assert_ev(2, DT_KIND_HYPE, 1.5, "state-of-the-art", 0);
    ck_assert_uint_eq(s.words, 9); /* a hyphenated word is one word */
}
END_TEST

START_TEST(phrases_need_adjacent_words)
{
    score("We can't wait. We can’t  wait. We CAN'T\tWAIT.");
    ck_assert_uint_eq(s.counts[DT_KIND_EXCITEMENT], 3);
    assert_ev(1, DT_KIND_EXCITEMENT, 2.0, "can’t  wait", 0);
    /* Punctuation, a line break or a lone dash break a phrase. */
    score("can't, wait. game - changer. can't\nwait. game (changer)");
    ck_assert_uint_eq(s.counts[DT_KIND_EXCITEMENT], 0);
    ck_assert_uint_eq(s.counts[DT_KIND_HYPE], 2); /* the two "game" alone */
    score("act now");
    assert_ev(0, DT_KIND_PRESSURE, 1.0, "act now", 0);
}
END_TEST

START_TEST(dutch_apostrophe_phrase)
{
    score("’t is top, echt waar. 't Is top!");
    ck_assert_str_eq(s.lang, "nl");
    ck_assert_uint_eq(s.counts[DT_KIND_HYPE], 2);
    assert_ev(0, DT_KIND_HYPE, 2.0, "’t is top", 0);
    assert_ev(1, DT_KIND_HYPE, 2.0, "'t Is top", 0);
    /* A closing quote is no apostrophe: the word still counts. */
    score("het is ‘geweldig’");
    assert_ev(0, DT_KIND_HYPE, 1.0, "geweldig", 0);
}
END_TEST

START_TEST(words_counted)
{
    score("Hi Ann, can't wait: 3 demos, 2024-06-01, e-mail me! 🎉 -- ok?");
    /* Hi Ann can't wait 3 demos 2024-06-01 e-mail me ok */
    ck_assert_uint_eq(s.words, 10);
}
END_TEST

/* --------------------------------------------------------------- modifiers */

START_TEST(intensifier)
{
    score("we are so excited");
    assert_ev(0, DT_KIND_EXCITEMENT, 1.5 * 1.5, "excited", 0);
    ck_assert_uint_eq(s.counts[DT_KIND_INTENSIFIER], 0);
    /* Only the next hit: "amazing" after it is plain. */
    score("so excited and amazing");
    assert_ev(0, DT_KIND_EXCITEMENT, 2.25, "excited", 0);
    assert_ev(1, DT_KIND_HYPE, 1.0, "amazing", 0);
    /* Stacked intensifiers multiply, up to 3x. */
    score("really so excited");
    assert_ev(0, DT_KIND_EXCITEMENT, 1.5 * 1.2 * 1.5, "excited", 0);
    score("so so so so excited");
    assert_ev(0, DT_KIND_EXCITEMENT, 1.5 * 3, "excited", 0);
}
END_TEST

START_TEST(intensifier_window)
{
    /* The hit must start within the 3 words after the intensifier. */
    score("so we are excited");
    assert_ev(0, DT_KIND_EXCITEMENT, 2.25, "excited", 0);
    score("so we all are excited");
    assert_ev(0, DT_KIND_EXCITEMENT, 1.5, "excited", 0);
    /* A sentence end drops it. */
    score("so. excited");
    assert_ev(0, DT_KIND_EXCITEMENT, 1.5, "excited", 0);
    score("very\nexcited");
    assert_ev(0, DT_KIND_EXCITEMENT, 1.5, "excited", 0);
    /* A comma does not. */
    score("very, very excited");
    assert_ev(0, DT_KIND_EXCITEMENT, 1.5 * 2.25, "excited", 0);
}
END_TEST

START_TEST(dampener)
{
    score("we are slightly excited");
    assert_ev(0, DT_KIND_EXCITEMENT, 0.75, "excited", 0);
    score("slightly so excited");
    assert_ev(0, DT_KIND_EXCITEMENT, 0.5 * 1.5 * 1.5, "excited", 0);
}
END_TEST

START_TEST(negation_en)
{
    score("We are not excited");
    ck_assert_uint_eq(s.n_evidence, 1);
    assert_ev(0, DT_KIND_EXCITEMENT, 0, "excited", 1);
    ck_assert_uint_eq(s.counts[DT_KIND_EXCITEMENT], 0);
    assert_close(s.total, 0);
    assert_close(s.score, 0);
    ck_assert_str_eq(summary(), "none");
    /* Every hit in the window, intensified or not. */
    score("not so amazing, not the best");
    ck_assert_uint_eq(s.n_evidence, 2);
    assert_ev(0, DT_KIND_HYPE, 0, "amazing", 1);
    assert_ev(1, DT_KIND_SUPERLATIVE, 0, "best", 1);
    score("never been better or more excited");
    assert_ev(0, DT_KIND_EXCITEMENT, 1.5, "excited", 0);
    score("never been so excited");
    assert_ev(0, DT_KIND_EXCITEMENT, 0, "excited", 1);
}
END_TEST

START_TEST(negation_window_and_reset)
{
    score("not really that excited"); /* excited is word 4: within 3 */
    assert_ev(0, DT_KIND_EXCITEMENT, 0, "excited", 1);
    score("not that we were excited"); /* word 5: outside */
    assert_ev(0, DT_KIND_EXCITEMENT, 1.5, "excited", 0);
    score("Not. Excited");
    assert_ev(0, DT_KIND_EXCITEMENT, 1.5, "Excited", 0);
    score("not\nexcited");
    assert_ev(0, DT_KIND_EXCITEMENT, 1.5, "excited", 0);
    score("not?! excited");
    assert_ev(0, DT_KIND_EXCLAMATION, 0.5, "?!", 0);
    assert_ev(1, DT_KIND_EXCITEMENT, 1.5, "excited", 0);
    /* A negated phrase. */
    score("we can not wait, we not can't wait");
    ck_assert_uint_eq(s.n_evidence, 1);
    assert_ev(0, DT_KIND_EXCITEMENT, 0, "can't wait", 1);
}
END_TEST

/* A negator reaches to the end of its clause: a comma, semicolon or colon ends it too. */
START_TEST(negation_ends_with_its_clause)
{
    score("not that, excited");
    assert_ev(0, DT_KIND_EXCITEMENT, 1.5, "excited", 0);
    score("not; excited");
    assert_ev(0, DT_KIND_EXCITEMENT, 1.5, "excited", 0);
    score("not now: excited");
    assert_ev(0, DT_KIND_EXCITEMENT, 1.5, "excited", 0);
    score("not excited, really");
    assert_ev(0, DT_KIND_EXCITEMENT, 0, "excited", 1);
    /* The next negator opens a clause of its own. */
    score("not now, not excited");
    assert_ev(0, DT_KIND_EXCITEMENT, 0, "excited", 1);
}
END_TEST

START_TEST(negation_nl)
{
    score("Ik ben niet enthousiast over de prijs");
    ck_assert_str_eq(s.lang, "nl");
    assert_ev(0, DT_KIND_EXCITEMENT, 0, "enthousiast", 1);
    score("Dat is geen geweldige deal");
    assert_ev(0, DT_KIND_HYPE, 0, "geweldige", 1);
    score("Niet. Het is echt geweldig");
    assert_ev(0, DT_KIND_HYPE, 1.5, "geweldig", 0);
    score("het is niet van de gekke maar wel geweldig");
    assert_ev(0, DT_KIND_HYPE, 1.0, "geweldig", 0);
}
END_TEST

/* The n-th hit was scored under factor mult, the modifier written as `written`. */
static void assert_mod(const char *text, size_t n, double mult, const char *written)
{
    ck_assert_msg(n < s.n_evidence, "only %zu evidence items", s.n_evidence);
    const struct dt_evidence *e = &s.evidence[n];
    assert_close(e->mult, mult);
    ck_assert_uint_eq(e->mod_length, strlen(written));
    ck_assert_uint_le(e->mod_offset + e->mod_length, strlen(text));
    ck_assert_int_eq(memcmp(text + e->mod_offset, written, e->mod_length), 0);
}

#define MOD(text, n, mult, written)                                                                \
    do {                                                                                           \
        score(text);                                                                               \
        assert_mod(text, n, mult, written);                                                        \
    } while (0)

/* Each hit carries the modifier it was scored under (for dealtemp explain). */
START_TEST(evidence_names_its_modifier)
{
    MOD("we are so excited", 0, 1.5, "so");
    assert_ev(0, DT_KIND_EXCITEMENT, 1.5 * 1.5, "excited", 0); /* weight = before x mult */
    MOD("so excited and amazing", 1, 1, "");                   /* used up by "excited" */
    MOD("really so excited", 0, 1.2 * 1.5, "really so");       /* stacked: one span */
    MOD("so so so so excited", 0, 3, "so so so so");           /* capped */
    MOD("slightly so excited", 0, 0.5 * 1.5, "slightly so");
    MOD("so. excited", 0, 1, ""); /* dropped at the sentence end */
    MOD("We are not excited", 0, 0, "not");
    assert_ev(0, DT_KIND_EXCITEMENT, 0, "excited", 1);
    MOD("not so amazing, not the best", 0, 0, "not"); /* negation wins over "so" */
    assert_mod("not so amazing, not the best", 1, 0, "not");
    ck_assert_uint_eq(s.evidence[1].mod_offset, 16); /* the second "not" */
    MOD("we can not wait, we not can't wait", 0, 0, "not");
    ck_assert_uint_eq(s.evidence[0].mod_offset, 20);
    MOD("Dat is geen geweldige deal", 0, 0, "geen");
    MOD("Niet. Het is echt geweldig", 0, 1.5, "echt");
    MOD("AMAZING!!!", 0, 1, ""); /* caps, '!' and emoji are never modified */
    assert_mod("AMAZING!!!", 1, 1, "");
}
END_TEST

/* ----------------------------------------------------------------- prefixes */

START_TEST(glued_compounds)
{
    score("Het is supergaaf en reuzeblij");
    ck_assert_str_eq(s.lang, "nl");
    ck_assert_uint_eq(s.n_evidence, 2);
    assert_ev(0, DT_KIND_HYPE, 0.5 * 2, "supergaaf", 0);         /* unknown rest */
    assert_ev(1, DT_KIND_EXCITEMENT, 1.0 * 1.5, "reuzeblij", 0); /* known rest */
    score("we are megaexcited and SuperAmazing");
    assert_ev(0, DT_KIND_EXCITEMENT, 1.5 * 1.5, "megaexcited", 0);
    assert_ev(1, DT_KIND_HYPE, 2.0, "SuperAmazing", 0);
    /* Modifiers apply to compounds like to any hit. */
    score("we are not superexcited");
    assert_ev(0, DT_KIND_EXCITEMENT, 0, "superexcited", 1);
}
END_TEST

START_TEST(hyphen_compounds)
{
    score("we are super-excited about this super-duper deal");
    ck_assert_uint_eq(s.n_evidence, 2);
    assert_ev(0, DT_KIND_EXCITEMENT, 1.5 * 2, "super-excited", 0);
    assert_ev(1, DT_KIND_HYPE, 0.5 * 2, "super-duper", 0);
    ck_assert_uint_eq(s.words, 7);
    score("het is super-enthousiast");
    assert_ev(0, DT_KIND_EXCITEMENT, 1.5 * 2, "super-enthousiast", 0);
    /* "super" apart is the intensifier, not the prefix. */
    score("we are super excited");
    assert_ev(0, DT_KIND_EXCITEMENT, 1.5 * 1.5, "excited", 0);
}
END_TEST

START_TEST(prefix_exceptions)
{
    /* Rest too short, the prefix alone, a lexicon word, digits, a prefix of
     * another language only. */
    score("superb super supermarket super123 super-ok mega reuzegroot is the");
    ck_assert_uint_eq(s.n_evidence, 0);
    ck_assert_str_eq(s.lang, "en");
    /* Three letters after the prefix is enough. */
    score("supercat");
    assert_ev(0, DT_KIND_HYPE, 1.0, "supercat", 0);
}
END_TEST

/* ------------------------------------------------------------- exclamation */

START_TEST(exclamation_runs)
{
    score("great!");
    assert_ev(0, DT_KIND_EXCLAMATION, 0.5, "!", 0);
    score("great!!");
    assert_ev(0, DT_KIND_EXCLAMATION, 1.0, "!!", 0);
    score("great!!!!!!!!");
    assert_ev(0, DT_KIND_EXCLAMATION, 1.5, "!!!!!!!!", 0); /* capped at 3 */
    score("wow!!!1 ok?! sure?? fine‼ yes ! !");
    ck_assert_uint_eq(s.n_evidence, 5);
    assert_ev(0, DT_KIND_EXCLAMATION, 1.5, "!!!1", 0);
    assert_ev(1, DT_KIND_EXCLAMATION, 0.5, "?!", 0);
    assert_ev(2, DT_KIND_EXCLAMATION, 1.0, "‼", 0);
    assert_ev(3, DT_KIND_EXCLAMATION, 0.5, "!", 0);
    assert_ev(4, DT_KIND_EXCLAMATION, 0.5, "!", 0);
    ck_assert_uint_eq(s.counts[DT_KIND_EXCLAMATION], 5); /* runs, not marks */
    ck_assert_str_eq(summary(), "excl=5");
    /* The cap and weight come from the parameters. */
    p.excl_cap = 5;
    p.excl_weight = 0.25;
    score("yes!!!!!!!!");
    assert_ev(0, DT_KIND_EXCLAMATION, 1.25, "!!!!!!!!", 0);
}
END_TEST

/* -------------------------------------------------------------------- caps */

START_TEST(caps_and_acronyms)
{
    score("this is HUGE news for the CEO and the ERP team, OK? B2B Q3 SaaS");
    ck_assert_uint_eq(s.counts[DT_KIND_CAPS], 1);
    assert_ev(0, DT_KIND_CAPS, 0.7, "HUGE", 0);
    /* A shouted lexicon word is a hit and a shout. */
    score("it is AMAZING");
    ck_assert_uint_eq(s.n_evidence, 2);
    assert_ev(0, DT_KIND_HYPE, 1.0, "AMAZING", 0);
    assert_ev(1, DT_KIND_CAPS, 0.7, "AMAZING", 0);
    /* Hyphenated: a shout unless every part is an acronym or short. */
    score("the CEO-ERP link, the IT-AFDELING, the A-OK");
    ck_assert_uint_eq(s.counts[DT_KIND_CAPS], 1);
    assert_ev(0, DT_KIND_CAPS, 0.7, "IT-AFDELING", 0);
    /* Non-ASCII capitals. */
    score("dat is ÉÉN keer GEWELDIG");
    ck_assert_uint_eq(s.counts[DT_KIND_CAPS], 2);
    p.caps_weight = 1.5;
    score("the WOW effect");
    assert_ev(0, DT_KIND_CAPS, 1.5, "WOW", 0);
}
END_TEST

START_TEST(all_caps_text_is_one_shout)
{
    /* 100 shouted words: counted as 10, not 100. */
    char text[1000] = "";
    for (int i = 0; i < 100; i++)
        strcat(text, "SHOUT ");
    score(text);
    ck_assert_uint_eq(s.counts[DT_KIND_CAPS], 10);
    ck_assert_uint_eq(s.n_evidence, 10);
    assert_close(s.total, 7.0);
    ck_assert_uint_eq(s.evidence[9].offset, 54);
    /* "Mostly" is more than 60% of the words of 2+ letters. */
    text[0] = '\0';
    for (int i = 0; i < 15; i++)
        strcat(text, i < 10 ? "SHOUT calm " : "SHOUT ");
    strcat(text, "I"); /* 15 of 25: "I" is too short to count */
    score(text);
    ck_assert_uint_eq(s.counts[DT_KIND_CAPS], 15);
    strcat(text, " SHOUT"); /* 16 of 26 */
    score(text);
    ck_assert_uint_eq(s.counts[DT_KIND_CAPS], 10);
    /* 15 shouts in mostly lower-case text all count. */
    text[0] = '\0';
    for (int i = 0; i < 15; i++)
        strcat(text, "SHOUT and more of the calm words in it. ");
    score(text);
    ck_assert_uint_eq(s.counts[DT_KIND_CAPS], 15);
    ck_assert_uint_eq(s.n_evidence, 15);
}
END_TEST

/* ------------------------------------------------------------ evidence cap */

/* n copies of unit, NUL-terminated; the caller frees it. */
static char *repeat(const char *unit, size_t n)
{
    size_t ul = strlen(unit);
    char *text = malloc(ul * n + 1);
    ck_assert_ptr_nonnull(text);
    for (size_t i = 0; i < n; i++)
        memcpy(text + i * ul, unit, ul);
    text[ul * n] = '\0';
    return text;
}

START_TEST(evidence_cap)
{
    /* 10,000 hits: every one counted and weighed, the first 256 listed. */
    char *text = repeat("amazing ", 10000);
    score(text);
    ck_assert_str_eq(s.lang, "en");
    ck_assert_uint_eq(s.words, 10000);
    ck_assert_uint_eq(s.counts[DT_KIND_HYPE], 10000);
    assert_close(s.total, 10000.0);
    assert_close(s.score, expect(10000.0, 10000));
    ck_assert_uint_eq(s.n_evidence, DT_EVIDENCE_MAX);
    ck_assert_uint_eq(DT_EVIDENCE_MAX, 256);
    ck_assert_uint_eq(s.n_evidence_dropped, 10000 - 256);
    for (size_t i = 0; i < s.n_evidence; i++) {
        assert_ev(i, DT_KIND_HYPE, 1, "amazing", 0);
        ck_assert_uint_eq(s.evidence[i].offset, i * 8);
    }
    ck_assert_str_eq(summary(), "hype=10000");
    free(text);

    /* Exactly 256 hits: nothing dropped; one more: one dropped. */
    text = repeat("amazing ", 256);
    score(text);
    ck_assert_uint_eq(s.n_evidence, 256);
    ck_assert_uint_eq(s.n_evidence_dropped, 0);
    free(text);
    text = repeat("amazing ", 257);
    score(text);
    ck_assert_uint_eq(s.n_evidence, 256);
    ck_assert_uint_eq(s.n_evidence_dropped, 1);
    ck_assert_uint_eq(s.counts[DT_KIND_HYPE], 257);
    free(text);

    /* Few hits: all listed, none dropped. */
    score("amazing and excited");
    ck_assert_uint_eq(s.n_evidence, 2);
    ck_assert_uint_eq(s.n_evidence_dropped, 0);
}
END_TEST

START_TEST(evidence_cap_with_negation)
{
    /* Negated hits are evidence too (listed, dropped) but never counted. */
    char *text = repeat("not amazing. amazing. ", 5000);
    score(text);
    ck_assert_uint_eq(s.counts[DT_KIND_HYPE], 5000);
    assert_close(s.total, 5000.0);
    ck_assert_uint_eq(s.n_evidence, 256);
    ck_assert_uint_eq(s.n_evidence_dropped, 10000 - 256);
    for (size_t i = 0; i < s.n_evidence; i++)
        assert_ev(i, DT_KIND_HYPE, i % 2 ? 1 : 0, "amazing", i % 2 == 0);
    free(text);
}
END_TEST

START_TEST(evidence_cap_when_shouting)
{
    /* Each word is a hype hit and a caps hit, but a shouting text has 10
     * caps hits only: the list holds those 10 (in place) and 246 hype
     * hits; the caps after the 10th are no hits, so not dropped ones. */
    char *text = repeat("AMAZING ", 10000);
    score(text);
    ck_assert_uint_eq(s.counts[DT_KIND_HYPE], 10000);
    ck_assert_uint_eq(s.counts[DT_KIND_CAPS], 10);
    assert_close(s.total, 10000.0 + 10 * 0.7);
    ck_assert_uint_eq(s.n_evidence, 256);
    ck_assert_uint_eq(s.n_evidence_dropped, 10000 + 10 - 256);
    for (size_t i = 0; i < 20; i++)
        assert_ev(i, i % 2 ? DT_KIND_CAPS : DT_KIND_HYPE, i % 2 ? 0.7 : 1, "AMAZING", 0);
    for (size_t i = 20; i < s.n_evidence; i++) {
        assert_ev(i, DT_KIND_HYPE, 1, "AMAZING", 0);
        ck_assert_uint_eq(s.evidence[i].offset, (i - 10) * 8);
    }
    free(text);

    /* Not shouting (mostly lower case): every caps hit stays a hit. */
    text = repeat("AMAZING and more calm words ", 1000);
    score(text);
    ck_assert_uint_eq(s.counts[DT_KIND_CAPS], 1000);
    ck_assert_uint_eq(s.n_evidence, 256);
    ck_assert_uint_eq(s.n_evidence_dropped, 2000 - 256);
    assert_ev(255, DT_KIND_CAPS, 0.7, "AMAZING", 0);
    free(text);
}
END_TEST

/* ------------------------------------------------------------------- emoji */

START_TEST(emoji)
{
    score("Signed! 🎉🎉️ 🚀 👍🏽 🐢 👨‍💻");
    ck_assert_uint_eq(s.counts[DT_KIND_EMOJI], 5);
    ck_assert_uint_eq(s.words, 1);
    assert_ev(1, DT_KIND_EMOJI, 1.0, "🎉", 0);
    assert_ev(2, DT_KIND_EMOJI, 1.0, "🎉️", 0); /* with U+FE0F */
    ck_assert_uint_eq(s.evidence[2].length, 7);
    assert_ev(3, DT_KIND_EMOJI, 0.8, "🚀", 0);
    assert_ev(4, DT_KIND_EMOJI, 0.5, "👍🏽", 0); /* skin tone kept in the text */
    assert_ev(5, DT_KIND_EMOJI, 0.3, "👨‍💻", 0);
    ck_assert_str_eq(summary(), "excl=1 emoji=5");
    /* A ZWJ sequence not in the lexicon falls back to its first emoji. */
    score("👍‍🚀");
    ck_assert_uint_eq(s.n_evidence, 1);
    assert_ev(0, DT_KIND_EMOJI, 0.5, "👍‍🚀", 0);
    /* Emoji are neutral: they score in every language, glued to words too. */
    score("geweldig🎉");
    ck_assert_str_eq(s.lang, "nl");
    ck_assert_uint_eq(s.n_evidence, 2);
    /* Not words: they neither use up nor end a modifier window. */
    score("so 🎉 🎉 🎉 🎉 excited");
    assert_ev(4, DT_KIND_EXCITEMENT, 2.25, "excited", 0);
}
END_TEST

/* ---------------------------------------------------------------- language */

START_TEST(language_choice)
{
    score("We think the proposal is amazing and we are excited");
    ck_assert_str_eq(s.lang, "en");
    score("We vinden het voorstel geweldig en we zijn blij");
    ck_assert_str_eq(s.lang, "nl");
    /* The candidates can be narrowed. */
    static const char *const only_nl[] = {"nl", NULL};
    p.langs = only_nl;
    score("We think the proposal is amazing and we are excited");
    ck_assert_str_eq(s.lang, "nl");
    ck_assert_uint_eq(s.n_evidence, 0);
    /* Unknown codes are ignored; none left means language-neutral only. */
    static const char *const none[] = {"fr", NULL};
    p.langs = none;
    score("amazing 🎉 HUGE");
    ck_assert_str_eq(s.lang, "");
    ck_assert_str_eq(summary(), "caps=1 emoji=1");
}
END_TEST

START_TEST(language_close_race_takes_best_score)
{
    /* One stopword each ("the" / "de"): too close, the higher score wins. */
    score("the geweldig blij te gek de");
    ck_assert_str_eq(s.lang, "nl");
    assert_close(s.total, 4.0);
    score("de amazing awesome the best");
    ck_assert_str_eq(s.lang, "en");
    /* No stopwords at all: the same. */
    score("geweldig");
    ck_assert_str_eq(s.lang, "nl");
    /* 4 against 3 is within 25%: scores decide; 4 against 2 is not. */
    score("the are and this de het een geweldig blij");
    ck_assert_str_eq(s.lang, "nl");
    score("the are and this de het geweldig blij");
    ck_assert_str_eq(s.lang, "en");
    ck_assert_uint_eq(s.n_evidence, 0);
    /* A tie everywhere: the first language of the lexicon. */
    score("nothing here");
    ck_assert_str_eq(s.lang, "en");
}
END_TEST

START_TEST(duplicate_entry_later_wins)
{
    struct dt_lexicon *l2 = dt_lexicon_new();
    add(l2, "en", "amazing 1 hype\nthe 1 stopword\n");
    add(l2, "en", "amazing 2 superlative\n");
    ck_assert_int_eq(dt_euphoria_score(l2, &p, "the amazing", 11, &s, &err), 0);
    assert_ev(0, DT_KIND_SUPERLATIVE, 2.0, "amazing", 0);
    dt_lexicon_free(l2);
}
END_TEST

/* ---------------------------------------------------------------- fixtures */

START_TEST(fixture_lexicons)
{
    struct dt_lexicon *l2 = fixture_lexicon();
    /* The same entries as the lexicon built from strings, the same results. */
    static const char *const langs[] = {"en", "nl", "*"};
    for (int i = 0; i < 3; i++)
        ck_assert_uint_eq(dt_lexicon_size(l2, langs[i]), dt_lexicon_size(lex, langs[i]));
    ck_assert_uint_eq(dt_lexicon_size(l2, "en"), 33);
    static const char *const texts[] = {
        "We are SO excited, this is a game-changer!!! 🎉",
        "Het is supergaaf, ’t is top en niet geweldig 🚀",
        "not the best, but the CEO is really super-excited",
        "the game is state of the art, act now, can't wait, awesome, amazing",
        "slightly very megablij supermarket superexcited never so excited",
        "dat is echt te gek, geen blije maar enthousiaste reuzeblij de een",
        "ERP 👍🏽 👨‍💻 the ERP-TEAM is GREAT",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        struct dt_score a;
        ck_assert_int_eq(dt_euphoria_score(l2, &p, texts[i], strlen(texts[i]), &a, &err), 0);
        score(texts[i]);
        ck_assert_str_eq(a.lang, s.lang);
        ck_assert(a.score == s.score);
        ck_assert_uint_eq(a.n_evidence, s.n_evidence);
        ck_assert_uint_ge(a.n_evidence, 2);
        dt_score_clear(&a);
    }
    dt_lexicon_free(l2);
}
END_TEST

static Suite *euphoria_suite(void)
{
    Suite *su = suite_create("euphoria");
    TCase *tc = tcase_create("words");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, empty_text);
    tcase_add_test(tc, single_hit);
    tcase_add_test(tc, case_and_word_boundaries);
    tcase_add_test(tc, phrases_before_words);
    tcase_add_test(tc, phrases_need_adjacent_words);
    tcase_add_test(tc, dutch_apostrophe_phrase);
    tcase_add_test(tc, words_counted);
    tcase_add_test(tc, duplicate_entry_later_wins);
    suite_add_tcase(su, tc);

    tc = tcase_create("modifiers");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, intensifier);
    tcase_add_test(tc, intensifier_window);
    tcase_add_test(tc, dampener);
    tcase_add_test(tc, negation_en);
    tcase_add_test(tc, negation_window_and_reset);
    tcase_add_test(tc, negation_ends_with_its_clause);
    tcase_add_test(tc, negation_nl);
    tcase_add_test(tc, evidence_names_its_modifier);
    tcase_add_test(tc, glued_compounds);
    tcase_add_test(tc, hyphen_compounds);
    tcase_add_test(tc, prefix_exceptions);
    suite_add_tcase(su, tc);

    tc = tcase_create("signals");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, exclamation_runs);
    tcase_add_test(tc, caps_and_acronyms);
    tcase_add_test(tc, all_caps_text_is_one_shout);
    tcase_add_test(tc, emoji);
    tcase_add_test(tc, language_choice);
    tcase_add_test(tc, language_close_race_takes_best_score);
    suite_add_tcase(su, tc);

    tc = tcase_create("evidence cap");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, evidence_cap);
    tcase_add_test(tc, evidence_cap_with_negation);
    tcase_add_test(tc, evidence_cap_when_shouting);
    suite_add_tcase(su, tc);

    tc = tcase_create("fixtures");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, fixture_lexicons);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    return dt_test_run(euphoria_suite());
}
