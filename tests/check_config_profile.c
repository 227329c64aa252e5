/*
 * check_config_profile.c - profile = "sales" | "recruiting": the key's
 * default, values and one-line errors; the recruiting lexicons
 * (conf/lexicons/recruiting-<lang>.txt) read besides <lang>.txt, a missing
 * one named with its path; the shipped files well-formed, 30 to 60 scoring
 * entries each, none replacing a general entry; and what it is for: a
 * recruiter's euphoric mail scores higher with the profile than without,
 * in English, Dutch, German and French, while a sales mail scores the
 * same. The digests' recruiting wording is in check_digest_lang.c.
 *
 * Runs from the top of the tree: fixtures are tests/data/conf/profile-*.conf.
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dealtemp/config.h"
#include "dealtemp/euphoria.h"
#include "dealtemp/lexicon.h"

#include "testutil.h"

#define CONF "tests/data/conf/"
#define LEX "conf/lexicons/"

/* ---- the key ------------------------------------------------------------ */

START_TEST(profile_defaults_to_sales)
{
    struct dt_config *cfg = dt_test_config(CONF "minimal.conf");
    ck_assert_int_eq(cfg->profile, DT_PROFILE_SALES);
    dt_config_unref(cfg);
    cfg = dt_test_config(CONF "profile-recruiting.conf"); /* "Recruiting": case ignored */
    ck_assert_int_eq(cfg->profile, DT_PROFILE_RECRUITING);
    /* the recruiting entries came in as English and Dutch ones, besides the general ones */
    struct dt_config *sales = dt_test_config(CONF "minimal.conf");
    ck_assert_uint_gt(dt_lexicon_size(cfg->lexicon, "en"), dt_lexicon_size(sales->lexicon, "en"));
    ck_assert_uint_gt(dt_lexicon_size(cfg->lexicon, "nl"), dt_lexicon_size(sales->lexicon, "nl"));
    ck_assert_uint_eq(dt_lexicon_size(cfg->lexicon, "*"), dt_lexicon_size(sales->lexicon, "*"));
    dt_config_unref(sales);
    dt_config_unref(cfg);
}
END_TEST

START_TEST(bad_profiles)
{
    dt_test_config_error(CONF "profile-bad.conf",
                         CONF "profile-bad.conf:2: profile: 'hr' is not one of sales, recruiting");
    dt_test_config_error(CONF "profile-type.conf",
                         CONF "profile-type.conf:2: profile: expected a string");
    dt_test_config_error(CONF "profile-misspelt.conf",
                         CONF "profile-misspelt.conf:2: unknown key 'profil' (did you mean "
                              "'profile'?)");
}
END_TEST

START_TEST(missing_recruiting_lexicon_is_named)
{
    char cwd[PATH_MAX], want[2 * PATH_MAX];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
    snprintf(want, sizeof(want),
             CONF "profile-no-lexicon.conf:4: profile: %s/tests/data/lexicons-min/"
                  "recruiting-en.txt: No such file or directory (the recruiting lexicon of 'en')",
             cwd);
    dt_test_config_error(CONF "profile-no-lexicon.conf", want);
}
END_TEST

/* ---- the shipped lexicons ------------------------------------------------ */

/*
 * The phrases of a lexicon file (words joined by one space, hyphens as
 * spaces: how the matcher sees them), *n of them; *scoring counts those
 * of a scoring kind. Free with phrases_free.
 */
static char **phrases_of(const char *path, size_t *n, size_t *scoring)
{
    char *text = dt_test_slurp(path, &(size_t){0});
    char **out = calloc(1024, sizeof(*out));
    ck_assert_ptr_nonnull(out);
    *n = *scoring = 0;
    char *save_line = NULL;
    for (char *line = strtok_r(text, "\n", &save_line); line != NULL;
         line = strtok_r(NULL, "\n", &save_line)) {
        if (line[strspn(line, " \t\r")] == '#' || line[strspn(line, " \t\r")] == '\0')
            continue;
        char *word[16], *save = NULL;
        size_t k = 0;
        for (char *w = strtok_r(line, " \t\r", &save); w != NULL && k < 16;
             w = strtok_r(NULL, " \t\r", &save))
            word[k++] = w;
        ck_assert_msg(k >= 3, "%s: a line of %zu fields", path, k);
        const char *kind = word[k - 1];
        if (strcmp(kind, "hype") == 0 || strcmp(kind, "superlative") == 0 ||
            strcmp(kind, "excitement") == 0 || strcmp(kind, "pressure") == 0)
            (*scoring)++;
        char phrase[256] = "";
        for (size_t i = 0; i + 2 < k; i++) {
            strcat(phrase, i ? " " : "");
            strncat(phrase, word[i], sizeof(phrase) - strlen(phrase) - 2);
        }
        for (char *p = phrase; *p; p++)
            if (*p == '-')
                *p = ' ';
        ck_assert_uint_lt(*n, 1023);
        out[(*n)++] = strdup(phrase);
    }
    free(text);
    return out;
}

static void phrases_free(char **p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(p[i]);
    free(p);
}

START_TEST(recruiting_lexicons_are_well_formed)
{
    static const char *const langs[] = {"en", "nl", "de", "fr"};
    const char *lang = langs[_i];
    char path[64];
    snprintf(path, sizeof(path), LEX "recruiting-%s.txt", lang);
    size_t len, n, scoring;
    char *text = dt_test_slurp(path, &len);
    struct dt_lexicon *lex = dt_lexicon_new();
    struct dt_error err = {{0}};
    ck_assert_msg(dt_lexicon_add(lex, lang, path, text, len, &err) == 0, "%s", err.msg);
    free(text);
    char **mine = phrases_of(path, &n, &scoring);
    /* 30 to 60 entries, every one scoring (no modifiers, stopwords or prefixes here) */
    ck_assert_uint_eq(dt_lexicon_size(lex, lang), n);
    ck_assert_msg(n >= 30 && n <= 60, "%s: %zu entries", path, n);
    ck_assert_uint_eq(scoring, n);
    dt_lexicon_free(lex);

    /* additive: none of them is in <lang>.txt, whose weight it would replace */
    snprintf(path, sizeof(path), LEX "%s.txt", lang);
    if (access(path, R_OK) == 0) {
        size_t m, s;
        char **general = phrases_of(path, &m, &s);
        ck_assert_uint_gt(m, 100);
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < m; j++)
                ck_assert_msg(strcmp(mine[i], general[j]) != 0, "'%s' is in %s too", mine[i], path);
        phrases_free(general, m);
    }
    phrases_free(mine, n);
}
END_TEST

/* ---- what the profile is for --------------------------------------------- */

static double score(const struct dt_config *cfg, const char *text, char *lang)
{
    struct dt_score s;
    struct dt_error err = {{0}};
    ck_assert_int_eq(dt_euphoria_score(cfg->lexicon, &cfg->euphoria, text, strlen(text), &s, &err),
                     0);
    double v = s.score;
    if (lang != NULL)
        memcpy(lang, s.lang, sizeof(s.lang));
    dt_score_clear(&s);
    return v;
}

static const char recruiter_en[] =
    "Hi Sam,\n\nthank you for coming in on Tuesday. Honestly, you are the dream candidate, "
    "and you'd be perfect for the team lead role. It was the best interview we've had this "
    "year, and we can't wait to have you on board. There are other candidates, so please "
    "accept the offer today and hand in your notice.\n\nBest regards,\nRita\n";

static const char recruiter_nl[] =
    "Hoi Sanne,\n\nbedankt voor je komst dinsdag. Eerlijk gezegd ben je echt een "
    "droomkandidaat en deze functie is je op het lijf geschreven. Je bent de beste kandidaat "
    "die we hebben gesproken en we staan te springen om je te verwelkomen. Er zijn andere "
    "kandidaten, dus neem het aanbod vandaag aan.\n\nGroet,\nRita\n";

static const char sales_en[] =
    "Hi Bob,\n\nthanks for the call. As discussed I attach the proposal for the pilot, with "
    "the prices for three and twelve months. Let me know what your colleagues think.\n";

START_TEST(recruiting_mail_scores_higher_with_the_profile)
{
    struct dt_config *sales = dt_test_config(CONF "minimal.conf"),
                     *recruiting = dt_test_config(CONF "profile-recruiting.conf");
    char lang[4];
    double s_en = score(sales, recruiter_en, NULL), r_en = score(recruiting, recruiter_en, lang);
    ck_assert_str_eq(lang, "en");
    ck_assert_msg(r_en > s_en + 0.2, "en: %.3f with the profile, %.3f without", r_en, s_en);
    ck_assert_int_eq(dt_level_of(r_en, &recruiting->euphoria), DT_LEVEL_EUPHORIC);
    ck_assert_int_ne(dt_level_of(s_en, &sales->euphoria), DT_LEVEL_EUPHORIC);

    double s_nl = score(sales, recruiter_nl, NULL), r_nl = score(recruiting, recruiter_nl, lang);
    ck_assert_str_eq(lang, "nl");
    ck_assert_msg(r_nl > s_nl + 0.2, "nl: %.3f with the profile, %.3f without", r_nl, s_nl);
    ck_assert_int_eq(dt_level_of(r_nl, &recruiting->euphoria), DT_LEVEL_EUPHORIC);

    /* mail without recruiting words: the same score either way */
    ck_assert_double_eq(score(sales, sales_en, NULL), score(recruiting, sales_en, NULL));
    dt_config_unref(sales);
    dt_config_unref(recruiting);
}
END_TEST

/*
 * German and French: dealtemp ships no de.txt or fr.txt, so a directory
 * with tiny ones (stopwords to tell the languages apart) and the shipped
 * recruiting-de.txt and recruiting-fr.txt, read through the real loader.
 */
START_TEST(german_and_french_recruiting_lexicons_score)
{
    char dir[PATH_MAX], path[PATH_MAX + 64], conf[2][PATH_MAX + 64];
    dt_test_mkdtemp(dir, sizeof(dir), "profile");
    static const char de[] = "und 1 stopword\nwir 1 stopword\nsie 1 stopword\nist 1 stopword\n"
                             "die 1 stopword\nder 1 stopword\nmit 1 stopword\n",
                      fr[] = "et 1 stopword\nnous 1 stopword\nvous 1 stopword\nest 1 stopword\n"
                             "le 1 stopword\nla 1 stopword\navec 1 stopword\n";
    snprintf(path, sizeof(path), "%s/de.txt", dir);
    dt_test_write_file(path, de, strlen(de));
    snprintf(path, sizeof(path), "%s/fr.txt", dir);
    dt_test_write_file(path, fr, strlen(fr));
    static const char *const copies[] = {"recruiting-de.txt", "recruiting-fr.txt", "common.txt"};
    for (size_t i = 0; i < 3; i++) {
        size_t len;
        snprintf(path, sizeof(path), LEX "%s", copies[i]);
        char *text = dt_test_slurp(path, &len);
        snprintf(path, sizeof(path), "%s/%s", dir, copies[i]);
        dt_test_write_file(path, text, len);
        free(text);
    }
    struct dt_config *cfg[2];
    for (int r = 0; r < 2; r++) {
        char text[2 * PATH_MAX];
        snprintf(conf[r], sizeof(conf[r]), "%s/%d.conf", dir, r);
        snprintf(text, sizeof(text),
                 "internal_domains = [ \"corp.example\" ];\nprofile = \"%s\";\n"
                 "euphoria = { languages = [ \"de\", \"fr\" ]; lexicon_dir = \"%s\"; };\n",
                 r ? "recruiting" : "sales", dir);
        dt_test_write_file(conf[r], text, strlen(text));
        cfg[r] = dt_test_config(conf[r]);
    }
    static const char german[] =
        "Hallo Frau Weber,\n\nvielen Dank für das Gespräch. Sie sind die Traumkandidatin, und die "
        "Stelle ist wie für Sie gemacht! Das ganze Team ist begeistert, wir können es kaum "
        "erwarten. Es gibt andere Kandidaten, also nehmen Sie das Angebot heute an.\n";
    static const char french[] =
        "Bonjour Claire,\n\nmerci pour l'entretien. Vous êtes la candidate idéale et le poste "
        "est fait pour vous : toute l'équipe a adoré, nous avons hâte de vous accueillir. Il y a "
        "d'autres candidats, alors acceptez l'offre aujourd'hui.\n";
    char lang[4];
    double s = score(cfg[0], german, NULL), r = score(cfg[1], german, lang);
    ck_assert_str_eq(lang, "de");
    ck_assert_msg(r > s + 0.4, "de: %.3f with the profile, %.3f without", r, s);
    ck_assert_int_eq(dt_level_of(r, &cfg[1]->euphoria), DT_LEVEL_EUPHORIC);
    s = score(cfg[0], french, NULL);
    r = score(cfg[1], french, lang);
    ck_assert_str_eq(lang, "fr");
    ck_assert_msg(r > s + 0.4, "fr: %.3f with the profile, %.3f without", r, s);
    ck_assert_int_eq(dt_level_of(r, &cfg[1]->euphoria), DT_LEVEL_EUPHORIC);
    dt_config_unref(cfg[0]);
    dt_config_unref(cfg[1]);
    dt_test_rm_rf(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("config_profile");
    TCase *tc = tcase_create("profile");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, profile_defaults_to_sales);
    tcase_add_test(tc, bad_profiles);
    tcase_add_test(tc, missing_recruiting_lexicon_is_named);
    tcase_add_loop_test(tc, recruiting_lexicons_are_well_formed, 0, 4);
    tcase_add_test(tc, recruiting_mail_scores_higher_with_the_profile);
    tcase_add_test(tc, german_and_french_recruiting_lexicons_score);
    suite_add_tcase(s, tc);
    return dt_test_run(s);
}
