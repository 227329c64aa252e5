/*
 * check_analyze.c - the per-message seam end to end: real .eml fixtures,
 * the real lexicons, every direction, and the scores people would expect.
 */
#include <check.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dealtemp/analyze.h"
#include "testutil.h"

static struct dt_config *cfg, *cfg_reps;

#define slurp dt_test_slurp

static void setup(void)
{
    cfg = dt_test_config("tests/data/conf/analyze.conf");
    cfg_reps = dt_test_config("tests/data/conf/analyze-reps.conf");
}

static void teardown(void)
{
    dt_config_unref(cfg);
    dt_config_unref(cfg_reps);
}

/* Analyze a fixture with no envelope (as `dealtemp score` does). */
static void analyze_file(const struct dt_config *c, const char *path, const struct dt_envelope *env,
                         unsigned flags, struct dt_facts *f)
{
    size_t len;
    char *raw = slurp(path, &len);
    struct dt_error err;
    int rc = dt_analyze(c, raw, len, env, flags, f, &err);
    free(raw);
    ck_assert_msg(rc == 0, "%s: %s", path, err.msg);
}

START_TEST(euphoric_english_outbound)
{
    struct dt_facts f;
    analyze_file(cfg, "tests/data/analyze-euphoric-en.eml", NULL, 0, &f);
    ck_assert_int_eq(f.direction, DT_DIR_OUTBOUND);
    ck_assert_str_eq(f.sender, "ann@corp.example");
    ck_assert(f.scored);
    ck_assert_int_eq(f.score.level, DT_LEVEL_EUPHORIC);
    ck_assert_str_eq(f.score.lang, "en");
    ck_assert_uint_gt(f.score.counts[DT_KIND_EXCLAMATION], 1);
    ck_assert_uint_gt(f.score.counts[DT_KIND_EMOJI], 0);
    ck_assert_uint_gt(f.score.counts[DT_KIND_CAPS], 0);
    ck_assert_uint_gt(f.score.counts[DT_KIND_HYPE] + f.score.counts[DT_KIND_SUPERLATIVE], 1);
    /* the body is gone once scored, and the signature was not scored */
    ck_assert_ptr_null(f.msg->text);
    ck_assert_ptr_null(f.own_text);
    ck_assert_uint_eq(f.quote.signature_lines, 2); /* "-- " and the line under it */
    char value[256];
    dt_facts_euphoria_value(&f, value, sizeof(value));
    double score;
    char level[16], lang[8];
    ck_assert_int_eq(sscanf(value, "%lf %15s (%7[a-z];", &score, level, lang), 3);
    ck_assert_str_eq(level, "euphoric");
    ck_assert_str_eq(lang, "en");
    ck_assert(fabs(score - f.score.score) < 0.006);
    ck_assert_msg(strstr(value, "excl=") != NULL, "%s", value);
    dt_facts_clear(&f);
}
END_TEST

START_TEST(euphoric_dutch_qp)
{
    struct dt_facts f;
    analyze_file(cfg, "tests/data/analyze-euphoric-nl.eml", NULL, 0, &f);
    ck_assert_int_eq(f.direction, DT_DIR_OUTBOUND);
    ck_assert_str_eq(f.score.lang, "nl");
    ck_assert_int_eq(f.score.level, DT_LEVEL_EUPHORIC);
    ck_assert_uint_eq(f.score.counts[DT_KIND_EMOJI], 1); /* =F0=9F=9A=80 decoded to one rocket */
    dt_facts_clear(&f);
}
END_TEST

START_TEST(calm_reply_quoting_euphoric_customer)
{
    struct dt_facts f;
    analyze_file(cfg, "tests/data/analyze-calm-reply.eml", NULL, DT_ANALYZE_KEEP_TEXT, &f);
    ck_assert_int_eq(f.direction, DT_DIR_OUTBOUND);
    ck_assert_int_eq(f.score.level, DT_LEVEL_CALM);
    ck_assert_uint_ge(f.quote.quoted_lines, 3);
    ck_assert_ptr_null(strstr(f.own_text, "WOW"));
    ck_assert_ptr_nonnull(strstr(f.own_text, "Take the time you"));
    ck_assert_uint_eq(f.score.counts[DT_KIND_EMOJI], 0);
    dt_facts_clear(&f);
}
END_TEST

/*
 * A German and a French reply end to end: MIME (8bit; quoted-printable with
 * a no-break space before "a écrit :"), then quote stripping. Only the
 * rep's own words are kept: the quote below "Am ... schrieb ...:" / "Le
 * ... a écrit :" and the "-- " signature go; an own sentence shaped like an
 * attribution stays, and so does a closing without "-- " ("Cordialement,"
 * and the lines under it). No lexicons for de/fr yet: the words are
 * checked, not the score.
 */
START_TEST(own_words_of_german_and_french_replies)
{
    static const struct {
        const char *file, *own;
        size_t quoted, signature;
    } cases[] = {
        {"tests/data/analyze-reply-de.eml",
         "Hallo Herr Müller,\n\n"
         "vielen Dank für Ihre Rückmeldung. Anbei das überarbeitete Angebot: 25 Lizenzen,\n"
         "Einführung im September, Support im ersten Jahr inklusive.\n\n"
         "Am Montag schrieb mir Ihr Einkauf:\n"
         "die Zahlung soll quartalsweise erfolgen. Das habe ich berücksichtigt.\n\n"
         "Mit freundlichen Grüßen\n"
         "Anna Schmidt",
         4, 4},
        {"tests/data/analyze-reply-fr.eml",
         "Bonjour Madame Dupont,\n\n"
         "Merci pour votre retour. Vous trouverez ci-joint la proposition révisée :\n"
         "25 licences, mise en place en septembre, support inclus la première année.\n\n"
         "Le directeur financier m'a écrit :\n"
         "le budget est validé pour le premier semestre. J'en ai tenu compte.\n\n"
         "Cordialement,\n"
         "Julie Bernard\n"
         "Responsable commerciale | Corp France",
         3, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct dt_facts f;
        analyze_file(cfg, cases[i].file, NULL, DT_ANALYZE_KEEP_TEXT, &f);
        ck_assert_int_eq(f.direction, DT_DIR_OUTBOUND);
        ck_assert(f.scored);
        ck_assert_ptr_nonnull(f.own_text);
        ck_assert_msg(f.own_len == strlen(cases[i].own) && strcmp(f.own_text, cases[i].own) == 0,
                      "%s:\n got [%s]\nwant [%s]", cases[i].file, f.own_text, cases[i].own);
        ck_assert_msg(f.quote.quoted_lines == cases[i].quoted, "%s: quoted_lines %zu",
                      cases[i].file, f.quote.quoted_lines);
        ck_assert_uint_eq(f.quote.forward_lines, 0);
        ck_assert_msg(f.quote.signature_lines == cases[i].signature, "%s: signature_lines %zu",
                      cases[i].file, f.quote.signature_lines);
        /* the customer's emoji and the tagline's were not scored */
        ck_assert_uint_eq(f.score.counts[DT_KIND_EMOJI], 0);
        dt_facts_clear(&f);
    }
}
END_TEST

START_TEST(acronyms_are_not_shouting_and_taglines_do_not_count)
{
    struct dt_facts f;
    analyze_file(cfg, "tests/data/analyze-acronyms-tagline.eml", NULL, 0, &f);
    ck_assert_int_eq(f.score.level, DT_LEVEL_CALM);
    ck_assert_uint_eq(f.score.counts[DT_KIND_CAPS], 0);
    ck_assert_uint_eq(f.score.counts[DT_KIND_EXCLAMATION], 0);
    ck_assert_uint_ge(f.quote.signature_lines, 2);
    dt_facts_clear(&f);
}
END_TEST

static bool has_negated(const struct dt_score *s)
{
    for (size_t i = 0; i < s->n_evidence; i++)
        if (s->evidence[i].negated)
            return true;
    return false;
}

START_TEST(negation_english_and_dutch)
{
    const char *files[] = {"tests/data/analyze-negation-en.eml",
                           "tests/data/analyze-negation-nl.eml"};
    const char *langs[] = {"en", "nl"};
    for (int i = 0; i < 2; i++) {
        struct dt_facts f;
        analyze_file(cfg, files[i], NULL, 0, &f);
        ck_assert_msg(f.score.level == DT_LEVEL_CALM, "%s: %.2f", files[i], f.score.score);
        ck_assert_str_eq(f.score.lang, langs[i]);
        ck_assert_msg(has_negated(&f.score), "%s: no negated hit", files[i]);
        dt_facts_clear(&f);
    }
}
END_TEST

START_TEST(directions_from_headers)
{
    struct {
        const char *file;
        enum dt_direction dir;
        const char *why;
    } cases[] = {
        {"tests/data/analyze-inbound.eml", DT_DIR_INBOUND, ""},
        {"tests/data/analyze-internal.eml", DT_DIR_INTERNAL, "no external recipient"},
        {"tests/data/analyze-list.eml", DT_DIR_IGNORED, "List-Id"},
        {"tests/data/analyze-autoreply.eml", DT_DIR_IGNORED, "Auto-Submitted"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct dt_facts f;
        analyze_file(cfg, cases[i].file, NULL, 0, &f);
        ck_assert_msg(f.direction == cases[i].dir, "%s: %s", cases[i].file,
                      dt_direction_name(f.direction));
        ck_assert_str_eq(f.why, cases[i].why);
        /* Inbound mail is scored for the customer's tone (customer.tone). */
        ck_assert_msg(f.scored == (cases[i].dir == DT_DIR_INBOUND), "%s: scored %d",
                      cases[i].file, f.scored);
        dt_facts_clear(&f);
    }
}
END_TEST

START_TEST(score_all_scores_inbound_too)
{
    struct dt_facts f;
    analyze_file(cfg, "tests/data/analyze-inbound.eml", NULL, DT_ANALYZE_SCORE_ALL, &f);
    ck_assert_int_eq(f.direction, DT_DIR_INBOUND);
    ck_assert(f.scored);
    ck_assert_int_eq(f.score.level, DT_LEVEL_EUPHORIC);
    dt_facts_clear(&f);
}
END_TEST

/* The customer's side: their own words scored (quote and signature gone),
 * and the people of their organisation the message names, each once. */
START_TEST(inbound_people_and_tone)
{
    struct dt_facts f;
    analyze_file(cfg, "tests/data/analyze-inbound-people.eml", NULL, DT_ANALYZE_KEEP_TEXT, &f);
    ck_assert_int_eq(f.direction, DT_DIR_INBOUND);
    ck_assert_str_eq(f.counterpart, "sarah.mitchell@mail.northwind.example");
    ck_assert_uint_eq(f.n_people, 2); /* not the gmail address, not corp, Sarah once */
    ck_assert_str_eq(f.people[0], "sarah.mitchell@mail.northwind.example");
    ck_assert_str_eq(f.people[1], "j.devries@northwind.example");
    ck_assert(f.scored);
    ck_assert_ptr_nonnull(f.own_text);
    ck_assert_ptr_null(strstr(f.own_text, "AMAZING")); /* the quoted rep is not theirs */
    ck_assert_ptr_nonnull(strstr(f.own_text, "discuss the"));
    ck_assert_uint_eq(f.quote.quoted_lines, 2); /* the attribution and the > line */
    ck_assert_double_eq(f.score.score, 0); /* calm words */
    dt_facts_clear(&f);

    /* customer.tone off: inbound mail is not scored, people are still known */
    struct dt_config *off = dt_test_config("tests/data/conf/analyze-no-tone.conf");
    ck_assert(!off->customer_tone);
    analyze_file(off, "tests/data/analyze-inbound-people.eml", NULL, 0, &f);
    ck_assert(!f.scored);
    ck_assert_uint_eq(f.n_people, 2);
    dt_facts_clear(&f);
    dt_config_unref(off);
}
END_TEST

START_TEST(envelope_decides_over_headers)
{
    /* Internal headers, but the envelope adds an external recipient: outbound. */
    const char *rcpts[] = {"carl@corp.example", "bob@customer.example"};
    struct dt_envelope env = {"ann@corp.example", rcpts, 2};
    struct dt_facts f;
    analyze_file(cfg, "tests/data/analyze-internal.eml", &env, 0, &f);
    ck_assert_int_eq(f.direction, DT_DIR_OUTBOUND);
    dt_facts_clear(&f);

    /* A null envelope sender is a bounce: ignored, whatever the headers say. */
    struct dt_envelope bounce = {"", rcpts + 1, 1};
    analyze_file(cfg, "tests/data/analyze-euphoric-en.eml", &bounce, 0, &f);
    ck_assert_int_eq(f.direction, DT_DIR_IGNORED);
    ck_assert_str_eq(f.why, "null sender");
    dt_facts_clear(&f);

    /* Envelope recipients all internal: not outbound even though To: is external. */
    struct dt_envelope inside = {"ann@corp.example", rcpts, 1};
    analyze_file(cfg, "tests/data/analyze-euphoric-en.eml", &inside, 0, &f);
    ck_assert_int_eq(f.direction, DT_DIR_INTERNAL);
    dt_facts_clear(&f);
}
END_TEST

START_TEST(reps_narrow_outbound)
{
    struct dt_facts f;
    analyze_file(cfg_reps, "tests/data/analyze-euphoric-en.eml", NULL, 0, &f);
    ck_assert_int_eq(f.direction, DT_DIR_INTERNAL);
    ck_assert_str_eq(f.why, "sender not a rep");
    dt_facts_clear(&f);
}
END_TEST

START_TEST(scan_limit_bounds_what_is_read)
{
    /* 6 KB of calm prose, then hype: with scan_limit 4096 only the calm part is read. */
    struct dt_buf m = DT_BUF_INIT;
    dt_buf_puts(&m, "From: zed@corp.example\r\nTo: bob@customer.example\r\nSubject: x\r\n\r\n");
    while (m.len < 6200)
        dt_buf_puts(&m, "We will review the contract terms with legal next week.\r\n");
    dt_buf_puts(&m, "AMAZING!!! INCREDIBLE!!! BEST EVER!!! 🚀🚀🚀 can't wait!!!\r\n");
    struct dt_facts f;
    struct dt_error err;
    ck_assert_int_eq(dt_analyze(cfg_reps, m.data, m.len, NULL, 0, &f, &err), 0);
    ck_assert_int_eq(f.direction, DT_DIR_OUTBOUND);
    ck_assert_int_eq(f.score.level, DT_LEVEL_CALM);
    ck_assert_uint_eq(f.score.counts[DT_KIND_EMOJI], 0);
    dt_facts_clear(&f);
    /* the default 256 KiB limit reads it all */
    ck_assert_int_eq(dt_analyze(cfg, m.data, m.len, NULL, DT_ANALYZE_SCORE_ALL, &f, &err), 0);
    ck_assert_uint_eq(f.score.counts[DT_KIND_EMOJI], 3);
    dt_facts_clear(&f);
    dt_buf_free(&m);
}
END_TEST

/*
 * Hostile headers (issue 11) still leave what classifies the message: a
 * From whose comments nest 21,800 deep (flattened, with a warning), a
 * Subject whose encoded word carries a NUL (dropped, not the end), sent
 * through an external mailing service (only the From makes it outbound).
 */
START_TEST(hostile_headers_still_classified)
{
    struct dt_buf raw = DT_BUF_INIT;
    dt_buf_puts(&raw, "From: Ann <ann@corp.example> ");
    for (int i = 0; i < 21800; i++)
        dt_buf_puts(&raw, "(\\)");
    dt_buf_puts(&raw, "\r\nTo: bob@customer.example\r\nSubject: =?utf-8?q?Great=00news?=\r\n\r\n"
                      "AMAZING news, we are SO excited!!! Can't wait!\r\n");
    const char *rcpts[1] = {"bob@customer.example"};
    struct dt_envelope env = {"bounce-1@mailer.example", rcpts, 1};
    struct dt_facts f;
    struct dt_error err;
    ck_assert_msg(dt_analyze(cfg, raw.data, raw.len, &env, 0, &f, &err) == 0, "%s", err.msg);
    ck_assert_str_eq(dt_direction_name(f.direction), "outbound");
    ck_assert_str_eq(f.rep, "ann@corp.example");
    ck_assert_str_eq(f.msg->subject, "Greatnews");
    ck_assert_str_eq(f.msg->warning, "From: comments nested deeper than 8 levels removed");
    ck_assert(f.scored);
    dt_facts_clear(&f);
    dt_buf_free(&raw);
}
END_TEST

START_TEST(not_a_message_is_an_error)
{
    struct dt_facts f;
    struct dt_error err = {{0}};
    ck_assert_int_eq(dt_analyze(cfg, "", 0, NULL, 0, &f, &err), -1);
    ck_assert_str_ne(err.msg, "");
    ck_assert_ptr_null(strchr(err.msg, '\n'));
    ck_assert_ptr_null(f.msg);
}
END_TEST

/*
 * tests/data/score-expected.txt: "<file> <level>" lines for realistic mail
 * bodies; each file is named score-<lang>-..., and that language must be
 * the one detected among the default four.
 */
START_TEST(sample_bodies_get_their_levels_and_languages)
{
    FILE *fp = fopen("tests/data/score-expected.txt", "r");
    ck_assert_msg(fp != NULL, "tests/data/score-expected.txt missing");
    char line[256], file[128], level[16];
    int n = 0;
    while (fgets(line, sizeof(line), fp) != NULL) {
        if (line[0] == '#' || sscanf(line, "%127s %15s", file, level) != 2)
            continue;
        char path[200];
        snprintf(path, sizeof(path), "tests/data/%s", file);
        size_t blen;
        char *body = slurp(path, &blen);
        struct dt_buf m = DT_BUF_INIT;
        dt_buf_puts(&m, "From: ann@corp.example\nTo: bob@customer.example\nSubject: s\n"
                        "Content-Type: text/plain; charset=utf-8\n\n");
        dt_buf_append(&m, body, blen);
        free(body);
        struct dt_facts f;
        struct dt_error err;
        ck_assert_int_eq(dt_analyze(cfg, m.data, m.len, NULL, 0, &f, &err), 0);
        ck_assert_msg(strcmp(dt_level_name(f.score.level), level) == 0, "%s: %s %.2f, expected %s",
                      file, dt_level_name(f.score.level), f.score.score, level);
        char lang[3] = {0};
        ck_assert_msg(sscanf(file, "score-%2[a-z]-", lang) == 1, "%s: no language in the name",
                      file);
        ck_assert_msg(strcmp(f.score.lang, lang) == 0, "%s: detected '%s', expected '%s'", file,
                      f.score.lang, lang);
        dt_facts_clear(&f);
        dt_buf_free(&m);
        n++;
    }
    fclose(fp);
    ck_assert_int_ge(n, 24); /* six per language, en nl de fr */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("analyze");
    TCase *tc = tcase_create("analyze");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, euphoric_english_outbound);
    tcase_add_test(tc, euphoric_dutch_qp);
    tcase_add_test(tc, calm_reply_quoting_euphoric_customer);
    tcase_add_test(tc, own_words_of_german_and_french_replies);
    tcase_add_test(tc, acronyms_are_not_shouting_and_taglines_do_not_count);
    tcase_add_test(tc, negation_english_and_dutch);
    tcase_add_test(tc, directions_from_headers);
    tcase_add_test(tc, score_all_scores_inbound_too);
    tcase_add_test(tc, inbound_people_and_tone);
    tcase_add_test(tc, envelope_decides_over_headers);
    tcase_add_test(tc, reps_narrow_outbound);
    tcase_add_test(tc, scan_limit_bounds_what_is_read);
    tcase_add_test(tc, hostile_headers_still_classified);
    tcase_add_test(tc, not_a_message_is_an_error);
    tcase_add_test(tc, sample_bodies_get_their_levels_and_languages);
    suite_add_tcase(s, tc);
    return dt_test_run(s);
}
