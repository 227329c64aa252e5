/*
 * check_lexicon_real.c - the shipped word lists (the .txt files in conf/lexicons), loaded
 * as the milter loads them: a configuration with the default languages
 * (en, nl, de, fr), its lexicons found beside the build tree. What the
 * lists promise, per language: a customer's stall, engagement and a polite
 * "we'll look at it" are told apart by the tone kinds; short replies get
 * their language; upper-case accents and umlauts match; French elision and
 * negation, German compounds and their guards; calm business lines stay
 * calm. The rules themselves (phrases, modifiers, prefixes) are tested
 * with a small lexicon in check_euphoria.c.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dealtemp/config.h"
#include "dealtemp/euphoria.h"
#include "dealtemp/tone.h"
#include "testutil.h"

/* A reply reads as hesitant from this much hesitation (and more of it than
 * engagement), as engaged from this much nextstep + relief (tone.h's
 * defaults, checked in setup): the lists keep single weak words below it. */
#define TONE_CLEAR 1.0

enum { TONE_HES, TONE_NEXT, TONE_RELIEF };

static struct dt_config *cfg;
static struct dt_score s;

static void setup(void)
{
    cfg = dt_test_config("tests/data/conf/minimal.conf");
    ck_assert_uint_eq(cfg->n_languages, 4);
    ck_assert_double_eq(cfg->tone.hesitant, TONE_CLEAR);
    ck_assert_double_eq(cfg->tone.engaged, TONE_CLEAR);
    memset(&s, 0, sizeof(s));
}

static void teardown(void)
{
    dt_score_clear(&s);
    dt_config_unref(cfg);
}

/* Score text with the configuration's lexicon and parameters into s. */
static void score(const char *text)
{
    struct dt_error err;
    dt_score_clear(&s);
    ck_assert_int_eq(dt_euphoria_score(cfg->lexicon, &cfg->euphoria, text, strlen(text), &s, &err),
                     0);
}

static double engagement(void)
{
    return s.tone[TONE_NEXT] + s.tone[TONE_RELIEF];
}

/* The tone the one rule (tone.c) gives the last score. */
static enum dt_tone tone_of(void)
{
    return dt_tone_of(&cfg->tone, s.score, s.tone[TONE_HES], engagement());
}

/* The weight of the hits of kind (not negated), from the evidence. */
static double kind_weight(enum dt_kind kind)
{
    double w = 0;
    for (size_t i = 0; i < s.n_evidence; i++)
        if (s.evidence[i].kind == kind && !s.evidence[i].negated)
            w += s.evidence[i].weight;
    return w;
}

/* Was text (as written) a hit of kind, and was it negated? -1: no such hit. */
static int hit(const char *text, enum dt_kind kind)
{
    for (size_t i = 0; i < s.n_evidence; i++)
        if (s.evidence[i].kind == kind && strcmp(s.evidence[i].text, text) == 0)
            return s.evidence[i].negated;
    return -1;
}

static char *slurp_fixture(const char *name)
{
    char path[128];
    size_t n;
    snprintf(path, sizeof(path), "tests/data/%s", name);
    return dt_test_slurp(path, &n);
}

/* ------------------------------------------------------------------ tone */

static const char *const LANGS[] = {"en", "nl", "de", "fr"};

/*
 * tests/data/tone-<lang>-{hesitant,engaged,neutral}.txt: a customer's
 * reply that stalls, one that asks for the next step, and a polite
 * "thanks, we'll look at it". Each is calm and in its own language.
 */
START_TEST(tone_hesitant_reply)
{
    char name[64];
    snprintf(name, sizeof(name), "tone-%s-hesitant.txt", LANGS[_i]);
    char *text = slurp_fixture(name);
    score(text);
    free(text);
    ck_assert_str_eq(s.lang, LANGS[_i]);
    ck_assert_msg(s.tone[TONE_HES] >= TONE_CLEAR, "%s: hesitation %.2f", name, s.tone[TONE_HES]);
    ck_assert_msg(s.tone[TONE_HES] > engagement(), "%s: hesitation %.2f, engagement %.2f", name,
                  s.tone[TONE_HES], engagement());
    ck_assert_msg(engagement() < TONE_CLEAR, "%s: engagement %.2f", name, engagement());
    ck_assert_int_eq(s.level, DT_LEVEL_CALM);
    ck_assert_str_eq(dt_tone_name(tone_of()), "hesitant");
}
END_TEST

START_TEST(tone_engaged_reply)
{
    char name[64];
    snprintf(name, sizeof(name), "tone-%s-engaged.txt", LANGS[_i]);
    char *text = slurp_fixture(name);
    score(text);
    free(text);
    ck_assert_str_eq(s.lang, LANGS[_i]);
    ck_assert_msg(engagement() >= TONE_CLEAR, "%s: engagement %.2f", name, engagement());
    ck_assert_msg(s.tone[TONE_HES] < TONE_CLEAR, "%s: hesitation %.2f", name, s.tone[TONE_HES]);
    ck_assert_int_eq(s.level, DT_LEVEL_CALM);
    ck_assert_str_eq(dt_tone_name(tone_of()), "engaged");
}
END_TEST

START_TEST(tone_polite_reply_is_neither)
{
    char name[64];
    snprintf(name, sizeof(name), "tone-%s-neutral.txt", LANGS[_i]);
    char *text = slurp_fixture(name);
    score(text);
    free(text);
    ck_assert_str_eq(s.lang, LANGS[_i]);
    ck_assert_msg(s.tone[TONE_HES] < TONE_CLEAR, "%s: hesitation %.2f", name, s.tone[TONE_HES]);
    ck_assert_msg(engagement() < TONE_CLEAR, "%s: engagement %.2f", name, engagement());
    ck_assert_int_eq(s.level, DT_LEVEL_CALM);
    ck_assert_str_eq(dt_tone_name(tone_of()), "neutral");
}
END_TEST

/* The hard negatives on their own: no tone at all, and a stall said in so
 * many words is one. */
START_TEST(tone_polite_phrases_are_not_stalls)
{
    static const char *const polite[] = {
        "Thanks, we'll look at it.",    "Thanks, we'll take a look.",
        "Bedankt, we kijken ernaar.",   "Danke, wir schauen es uns an.",
        "Merci, nous allons regarder.", "Danke, wir sehen uns das in Ruhe an.",
    };
    for (size_t i = 0; i < sizeof(polite) / sizeof(polite[0]); i++) {
        score(polite[i]);
        ck_assert_msg(s.tone[TONE_HES] == 0 && engagement() == 0, "%s: tone %.2f %.2f %.2f",
                      polite[i], s.tone[0], s.tone[1], s.tone[2]);
    }
    score("Thanks. We need to discuss this internally and put it on hold for now.");
    ck_assert(s.tone[TONE_HES] >= TONE_CLEAR);
    ck_assert_double_eq(s.total, 0); /* tone never reaches the euphoria total */
    ck_assert_double_eq(s.score, 0);
}
END_TEST

/* Negators and intensifiers reach tone hits as they reach scoring words. */
START_TEST(tone_modified_like_scoring_words)
{
    score("Thanks, we don't need more time for the review.");
    ck_assert_int_eq(hit("need more time", DT_KIND_HESITATION), 1);
    ck_assert_double_eq(s.tone[TONE_HES], 0);
    score("Wir sind noch nicht überzeugt und brauchen mehr Zeit.");
    ck_assert_str_eq(s.lang, "de");
    ck_assert(s.tone[TONE_HES] >= 2 * TONE_CLEAR);
    /* French: "ne" is no negator, so the phrase after it still counts. */
    score("Ce n'est pas une priorité pour nous, nous devons en discuter en interne.");
    ck_assert_str_eq(s.lang, "fr");
    ck_assert_int_eq(hit("pas une priorité", DT_KIND_HESITATION), 0);
    ck_assert(s.tone[TONE_HES] >= 2 * TONE_CLEAR);
    /* ... but not past the end of the negator's clause. */
    score("Unfortunately not, we need more time.");
    ck_assert_int_eq(hit("need more time", DT_KIND_HESITATION), 0);
    ck_assert(s.tone[TONE_HES] > 0);
}
END_TEST

/* -------------------------------------------------------------- languages */

/* Short replies, where a few stopwords decide. */
START_TEST(short_replies_get_their_language)
{
    static const char *const cases[][2] = {
        {"en", "Sounds good, let's talk on Thursday."},
        {"en", "Let me check with my manager and revert."},
        {"en", "Is the price per user per month or per year?"},
        {"nl", "Bedankt, we kijken ernaar."},
        {"nl", "Kun je de leverdatum schriftelijk bevestigen?"},
        {"nl", "Ik ben volgende week op vakantie, mijn collega Anna neemt het over."},
        {"nl", "Prima, staat in de agenda."},
        {"nl", "Is goed, we spreken elkaar volgende week."},
        {"de", "Danke, wir schauen es uns an."},
        {"de", "Hallo Anna, die Unterlagen sind angekommen, die Freigabe erfolgt als Nächstes."},
        {"de", "Die einmalige Einrichtungsgebühr beträgt 1.500 Euro, die Spitzenlast liegt bei "
               "200 Anfragen pro Sekunde. Beste Grüße"},
        {"de", "Ist der Preis pro Nutzer und Monat oder pro Jahr?"},
        {"fr", "Merci, nous allons regarder."},
        {"fr", "Très bien, on en parle jeudi."},
        {"fr", "Ci-joint l'accord de confidentialité signé."},
        {"fr", "Je vous envoie le devis de la prestation en fin de journée, de préférence avant "
               "jeudi."},
        {"fr", "Parfait, à mardi 10 heures. J'apporterai le plan de mise en œuvre."},
        {"fr", "Voir pièce jointe."},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        score(cases[i][1]);
        ck_assert_msg(strcmp(s.lang, cases[i][0]) == 0, "\"%s\": %s, expected %s", cases[i][1],
                      s.lang, cases[i][0]);
    }
}
END_TEST

/* ------------------------------------------------------ case and accents */

/*
 * Upper-case accented letters are lower-cased by the matcher: a shouted
 * word scores its entry (and a caps hit besides), exactly as written
 * in lower case. "GROSSARTIG" is the ß word as capitals spell it, and
 * "GROẞARTIG" as the capital sharp s (U+1E9E) does.
 */
START_TEST(upper_case_accents_and_umlauts_match)
{
    static const char *const pairs[][3] = {
        {"fr", "C'est GÉNIAL et vraiment ÉPOUSTOUFLANT, ça change tout.",
         "C'est génial et vraiment époustouflant, ça change tout."},
        {"fr", "Nous sommes AUX ANGES, ÇA CHANGE TOUT.", "Nous sommes aux anges, ça change tout."},
        {"de", "Das Ergebnis ist ÜBERRAGEND und GROSSARTIG, wir sind ÜBERGLÜCKLICH.",
         "Das Ergebnis ist überragend und großartig, wir sind überglücklich."},
        {"de", "Das Ergebnis ist ÜBERRAGEND und GROẞARTIG, wir sind ÜBERGLÜCKLICH.",
         "Das Ergebnis ist überragend und großartig, wir sind überglücklich."},
        {"de", "Die Zahlen sind PHÄNOMENAL und SPEKTAKULÄR.",
         "Die Zahlen sind phänomenal und spektakulär."},
    };
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        score(pairs[i][2]);
        ck_assert_str_eq(s.lang, pairs[i][0]);
        double lower = s.total;
        size_t lower_hits = s.counts[DT_KIND_HYPE] + s.counts[DT_KIND_EXCITEMENT];
        ck_assert_msg(lower > 0, "%s", pairs[i][2]);
        score(pairs[i][1]);
        ck_assert_str_eq(s.lang, pairs[i][0]);
        ck_assert_uint_eq(s.counts[DT_KIND_HYPE] + s.counts[DT_KIND_EXCITEMENT], lower_hits);
        double caps = (double)s.counts[DT_KIND_CAPS] * cfg->euphoria.caps_weight;
        ck_assert_msg(s.counts[DT_KIND_CAPS] > 0 && fabs(s.total - caps - lower) < 1e-9,
                      "%s: %.2f - %.2f caps != %.2f", pairs[i][1], s.total, caps, lower);
    }
    /* Œ and Ç in a tone phrase */
    score("Comment se passerait la MISE EN ŒUVRE ?");
    ck_assert_int_eq(hit("MISE EN ŒUVRE", DT_KIND_NEXTSTEP), 0);
}
END_TEST

/* ---------------------------------------------------------------- French */

START_TEST(french_elision_and_negation)
{
    score("C’est génial, j’adore ! Bravo à toute l’équipe.");
    ck_assert_str_eq(s.lang, "fr");
    ck_assert_int_eq(hit("C’est génial", DT_KIND_HYPE), 0);
    ck_assert_int_eq(hit("j’adore", DT_KIND_HYPE), 0);
    score("Ce n'est pas génial et je ne suis pas vraiment emballé par le prix.");
    ck_assert_str_eq(s.lang, "fr");
    ck_assert_int_eq(hit("génial", DT_KIND_HYPE), 1);
    ck_assert_int_eq(hit("emballé", DT_KIND_EXCITEMENT), 1);
    ck_assert_double_eq(s.total, 0);
    /* Closings do not score. */
    score("Merci pour votre retour. Excellente journée et meilleures salutations.");
    ck_assert_double_eq(s.total, 0);
}
END_TEST

/* ---------------------------------------------------------------- German */

START_TEST(german_compounds_and_guards)
{
    score("Das ist ein Hammerangebot und ein Riesenerfolg für unser Traumteam.");
    ck_assert_str_eq(s.lang, "de");
    ck_assert_int_eq(hit("Hammerangebot", DT_KIND_HYPE), 0);
    ck_assert_int_eq(hit("Riesenerfolg", DT_KIND_HYPE), 0);
    ck_assert_int_eq(hit("Traumteam", DT_KIND_HYPE), 0);
    /* ordinary words that start with a prefix are not compounds */
    score("Die Supermarkt-Filialen, die Supervision, ein traumatisches Erlebnis und ein "
          "Riesenaufwand für die Megabyte-Grenze.");
    ck_assert_str_eq(s.lang, "de");
    ck_assert_double_eq(s.total, 0);
    /* "super" alone is politeness, "einmalig" a one-time fee */
    score("Super, danke! Die einmalige Einrichtungsgebühr ist in Ordnung. Beste Grüße und "
          "einen schönen Tag, wir freuen uns auf Ihre Rückmeldung.");
    ck_assert_double_eq(kind_weight(DT_KIND_HYPE) + kind_weight(DT_KIND_EXCITEMENT), 0);
    score("Das ist nicht großartig.");
    ck_assert_int_eq(hit("großartig", DT_KIND_HYPE), 1);
}
END_TEST

/* ------------------------------------------------------------ calm mail */

/* Ordinary business lines in each language: calm, and no stall. */
START_TEST(calm_business_lines_stay_calm)
{
    static const char *const calm[] = {
        "Hi Sarah, thanks for the call today. I have attached the revised pricing. Let me know "
        "if you have questions. Kind regards, Mark",
        "Thanks for the update. Sounds good, we'll review the contract with legal and get back "
        "to you next week.",
        "We appreciate your feedback on the pilot. The integration with your ERP is on track "
        "and the go-live is planned for March.",
        "Beste Jan, bedankt voor het gesprek van vandaag. In de bijlage vind je de aangepaste "
        "offerte. Laat maar weten als je vragen hebt. Met vriendelijke groet, Mark",
        "Dank voor jullie feedback op de pilot. De koppeling met jullie ERP ligt op schema en "
        "de livegang staat gepland voor maart.",
        "Sehr geehrter Herr Wolf, vielen Dank für das Gespräch. Anbei das überarbeitete Angebot. "
        "Bei Fragen melden Sie sich gerne. Mit freundlichen Grüßen, Markus Braun",
        "Vielen Dank für Ihr Feedback zum Pilotprojekt. Die Anbindung an Ihr ERP liegt im Plan, "
        "der Go-live ist für März vorgesehen.",
        "Bonjour Monsieur Petit, merci pour notre échange. Vous trouverez ci-joint l'offre "
        "révisée. N'hésitez pas à me contacter pour toute question. Bien cordialement, Marc",
        "Veuillez trouver ci-joint le bon de commande et l'accord de traitement des données. "
        "Notre équipe sera ravie de vous accompagner pour l'onboarding.",
        "Je vous remercie vivement pour votre confiance. Belle journée et à très bientôt.",
    };
    for (size_t i = 0; i < sizeof(calm) / sizeof(calm[0]); i++) {
        score(calm[i]);
        ck_assert_msg(s.level == DT_LEVEL_CALM && s.tone[TONE_HES] < TONE_CLEAR,
                      "\"%s\": %s %.2f, hesitation %.2f", calm[i], dt_level_name(s.level), s.score,
                      s.tone[TONE_HES]);
    }
}
END_TEST

/* Strong praise as reviews write it, in every language. */
START_TEST(strong_praise_is_seen)
{
    static const char *const praise[] = {
        "It exceeded all expectations and I can't recommend it enough.",
        "Het heeft al onze verwachtingen overtroffen, een absolute aanrader.",
        "Das Ergebnis hat alle Erwartungen übertroffen, absolut empfehlenswert.",
        "Le résultat a dépassé toutes nos attentes, je le recommande les yeux fermés.",
    };
    for (size_t i = 0; i < sizeof(praise) / sizeof(praise[0]); i++) {
        score(praise[i]);
        ck_assert_msg(s.level == DT_LEVEL_EUPHORIC, "\"%s\": %s %.2f", praise[i],
                      dt_level_name(s.level), s.score);
        ck_assert_str_eq(s.lang, LANGS[i]);
    }
}
END_TEST

int main(void)
{
    Suite *su = suite_create("lexicon_real");
    TCase *tc = tcase_create("lexicon_real");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, tone_hesitant_reply, 0, 4);
    tcase_add_loop_test(tc, tone_engaged_reply, 0, 4);
    tcase_add_loop_test(tc, tone_polite_reply_is_neither, 0, 4);
    tcase_add_test(tc, tone_polite_phrases_are_not_stalls);
    tcase_add_test(tc, tone_modified_like_scoring_words);
    tcase_add_test(tc, short_replies_get_their_language);
    tcase_add_test(tc, upper_case_accents_and_umlauts_match);
    tcase_add_test(tc, french_elision_and_negation);
    tcase_add_test(tc, german_compounds_and_guards);
    tcase_add_test(tc, calm_business_lines_stay_calm);
    tcase_add_test(tc, strong_praise_is_seen);
    suite_add_tcase(su, tc);
    return dt_test_run(su);
}
