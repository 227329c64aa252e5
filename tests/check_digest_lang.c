/*
 * check_digest_lang.c - the language tables (digest_lang_*.c) and what
 * they make of a digest: every table complete and printf-compatible with
 * English; German and French digests (text and HTML) with their dates,
 * quotes, durations on both clocks and the sentences around them; the
 * recruiting wording in all four languages (candidates, never customers
 * or deals); and each recipient in their own language (digest.languages).
 * English and Dutch content, escaping and the look are in
 * check_digest_body.c.
 */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dealtemp/digest.h"
#include "digest_fixture.h"
#include "../../milter/digest_render_int.h"
#include "testutil.h"

#define LANGS 4
static const struct dt_digest_lang *const tables[LANGS] = {dt_digest_lang_en, dt_digest_lang_nl,
                                                           dt_digest_lang_de, dt_digest_lang_fr};

/* ---- the tables --------------------------------------------------------- */

/* Members after tz, as the header promises: const char * (or arrays of them) only. */
#define FIRST_SLOT offsetof(struct dt_digest_lang, code)
#define N_SLOTS ((sizeof(struct dt_digest_lang) - FIRST_SLOT) / sizeof(const char *))

static const char *slot(const struct dt_digest_lang *L, size_t i)
{
    const char *s;
    memcpy(&s, (const char *)L + FIRST_SLOT + i * sizeof(s), sizeof(s));
    return s;
}

/* The conversions of a format, "s|d|zu|02d", into out. */
static void conversions(const char *fmt, char *out, size_t size)
{
    size_t k = 0;
    out[0] = '\0';
    for (const char *p = strchr(fmt, '%'); p != NULL; p = strchr(p, '%')) {
        size_t n = 1 + strspn(p + 1, "0123456789.-+ #lz");
        n += p[n] != '\0';
        k += (size_t)snprintf(out + k, size - k, "%s%.*s", k ? "|" : "", (int)n - 1, p + 1);
        ck_assert_uint_lt(k, size);
        p += n;
    }
}

START_TEST(tables_complete_and_printf_compatible)
{
    ck_assert_uint_eq((sizeof(struct dt_digest_lang) - FIRST_SLOT) % sizeof(const char *), 0);
    ck_assert_uint_gt(N_SLOTS, 80);
    const struct dt_digest_lang *en = &dt_digest_lang_en[DT_PROFILE_SALES];
    size_t optional = (offsetof(struct dt_digest_lang, carried_advice) - FIRST_SLOT) /
                      sizeof(const char *);
    for (size_t l = 0; l < LANGS; l++)
        for (int p = 0; p < DT_PROFILE_COUNT; p++) {
            const struct dt_digest_lang *L = &tables[l][p];
            ck_assert_ptr_null(L->tz);
            ck_assert_str_eq(L->code, dt_digest_language_code(l)); /* one list of languages */
            for (size_t i = 0; i < N_SLOTS; i++) {
                const char *s = slot(L, i);
                ck_assert_msg(s != NULL && *s != '\0', "%s/%d: member %zu is empty", L->code, p,
                              i);
                ck_assert_msg(dt_utf8_valid(s, strlen(s)), "%s/%d: member %zu", L->code, p, i);
                char want[64], got[64];
                conversions(slot(en, i), want, sizeof want);
                conversions(s, got, sizeof got);
                bool dropped = i == optional && got[0] == '\0';
                ck_assert_msg(strcmp(want, got) == 0 || dropped,
                              "%s/%d: member %zu (\"%s\") converts %s, English %s", L->code, p, i,
                              s, got, want);
            }
        }
    ck_assert_ptr_null(dt_digest_language_code(LANGS));
    /* the sales tables' exception is the recruiting one only */
    for (size_t l = 0; l < LANGS; l++)
        ck_assert_contains(tables[l][DT_PROFILE_SALES].carried_advice, "%s");
}
END_TEST

/* Every language's durations in its own words (duration.c knows every table's code). */
START_TEST(every_language_has_its_duration_words)
{
    static const char *const three_days[LANGS] = {"3 days", "3 dagen", "3 Tage", "3 jours"};
    for (size_t l = 0; l < LANGS; l++) {
        char b[64];
        dt_duration_words(3 * DAY, &DT_CALENDAR, tables[l][0].code, b, sizeof b);
        ck_assert_str_eq(b, three_days[l]);
    }
}
END_TEST

/* ---- German ------------------------------------------------------------- */

START_TEST(german)
{
    struct dt_config cfg = config("de", NULL);
    struct dt_digest d = ann_digest();
    ann_items[0].counterpart_name = "Jane Buyer";
    struct dt_buf b = render(&d, &cfg);
    struct parsed p;
    parse(b.data, b.len, &p);
    const char *t = p.part[0], *h = p.part[1];
    ck_assert_str_eq(p.subject,
                     "Acme: 9 Tage ohne Antwort nach Ihrer begeisterten Mail (+3 weitere)");
    ck_assert_contains(t, "Deals, die nach Ihrer Begeisterung abkühlen " EM " Do., 20. Nov.\n");
    size_t st = pos(t, "== Festgefahren (2) =="), co = pos(t, "== Kühlt ab (1) =="),
           sl = pos(t, "== Verzögert (1) ==");
    ck_assert(st < co && co < sl);
    ck_assert_contains(t, "* Jane Buyer, Acme  [neu]\n  buyer@acme.example\n  Proposal for Q1\n");
    ck_assert_contains(t, "* Globex  [laufend]\n  cfo@globex.example\n"
                          "  (Betreff nicht gespeichert)\n");
    /* date and time as Germans write them, the phrases in German quotes */
    ck_assert_contains(t, "Ihre begeisterte Mail: Do., 13. Nov., 02:13 Uhr " EM " „amazing“, "
                          "„can't");
    /* nominative durations in sentences that need no dative */
    ck_assert_contains(t, "9 Tage ohne Antwort " EM " übliche Antwortzeit: 1 Tag (in diesem "
                          "Verlauf)");
    ck_assert_contains(t, "Antwortzeit: 5 Tage " EM " üblich: 1 Tag (in diesem Verlauf)");
    ck_assert_contains(t, "  Antwortzeiten, älteste zuerst:\n");
    /* chart labels right-aligned in 18 columns */
    ck_assert_contains(t, "\n               1 Tag " BAR);
    ck_assert_contains(t, "              9 Tage " HBAR);
    ck_assert_contains(t, " \xe2\x86\x90 jetzt\n");
    ck_assert_uint_eq(count(t, "Eine ruhige, kurze Frage, wo der Kunde gerade steht"), 2);
    ck_assert_contains(t, "Antworten:");
    ck_assert_contains(t, "nie aus denen des\nKunden.");
    /* nothing English left */
    static const char *const english[] = {"Stalled", "usually", " days", "Reply", "Silent",
                                          "enthusiastic", "Thu"};
    for (size_t i = 0; i < sizeof english / sizeof *english; i++) {
        ck_assert_lacks(t, english[i]);
        ck_assert_lacks(h, english[i]);
    }
    ck_assert_contains(h, "<html lang=\"de\">");
    ck_assert_contains(h, ">Do., 20. Nov. 2025</p>");
    ck_assert_contains(h, ">Festgefahren (2)<");
    ck_assert_contains(h, ">jetzt 9 Tage</td>");
    ck_assert_contains(h, ">üblich 1 Tag</td>");
    ck_assert_contains(h, "4 Tage ohne Antwort " EM " übliche Antwortzeit: 2 Stunden (in diesem "
                          "Verlauf)");
    ck_assert_contains(h, ">neu</span>");
    parsed_free(&p);
    dt_buf_free(&b);

    /* the business clock, singular and plural, and a date of last year */
    struct dt_digest_item one = item(DT_STATE_SLOWED, true, "a@b.example", "x", NULL);
    one.reply_s = 5 * 8 * 3600;
    one.usual_s = 3600;
    one.clock = (struct dt_clock){true, 8 * 3600};
    one.trigger_at = TRIGGER - 320 * DAY; /* Sun 28 Dec 2024 */
    struct dt_digest d1 = {.rep = "ann@corp.example", .as_of = AS_OF, .items = &one, .n_items = 1};
    b = render(&d1, &cfg);
    parse(b.data, b.len, &p);
    ck_assert_str_eq(p.subject, "a@b.example: Antwortzeit 5 Arbeitstage, sonst 1 Arbeitsstunde");
    ck_assert_contains(p.part[0], "Antwortzeit: 5 Arbeitstage " EM " üblich: 1 Arbeitsstunde");
    ck_assert_contains(p.part[0], "Ihre begeisterte Mail: Sa., 28. Dez. 2024, 02:13 Uhr\n");
    ck_assert_contains(p.part[0], "  5 Arbeitstage " HBAR);
    parsed_free(&p);
    dt_buf_free(&b);
}
END_TEST

/* ---- French ------------------------------------------------------------- */

START_TEST(french)
{
    struct dt_config cfg = config("fr", NULL);
    struct dt_digest d = ann_digest();
    struct dt_buf b = render(&d, &cfg);
    struct parsed p;
    parse(b.data, b.len, &p);
    const char *t = p.part[0], *h = p.part[1];
    ck_assert_str_eq(p.subject,
                     "Acme" NB ": 9 jours de silence après votre e-mail enthousiaste (et 3 de plus)");
    ck_assert_contains(t, "Affaires qui refroidissent après l'enthousiasme " EM " jeu. 20 nov.\n");
    size_t st = pos(t, "== Au point mort (2) =="), co = pos(t, "== En refroidissement (1) =="),
           sl = pos(t, "== Réponse tardive (1) ==");
    ck_assert(st < co && co < sl);
    ck_assert_contains(t, "* Acme  [nouveau]\n  buyer@acme.example\n  Proposal for Q1\n");
    ck_assert_contains(t, "* Globex  [en cours]\n  cfo@globex.example\n  (objet non conservé)\n");
    /* « » with no-break spaces, "à" before the time, a no-break space before ':' */
    ck_assert_contains(t, "Votre e-mail enthousiaste" NB ": jeu. 13 nov. à 02:13 " EM " «" NB
                          "amazing" NB "»,");
    ck_assert_contains(t, "Silence depuis 9 jours " EM " répond d'habitude sous 1 jour (dans ce "
                          "fil)");
    ck_assert_contains(t, "Réponse au bout de 5 jours " EM " d'habitude 1 jour (dans ce fil)");
    ck_assert_contains(t, "  Délais de réponse, du plus ancien au plus récent" NB ":\n");
    ck_assert_contains(t, "\n              1 jour " BAR);
    ck_assert_contains(t, " \xe2\x86\x90 maintenant\n");
    ck_assert_contains(t, "  Répondre" NB ":");
    ck_assert_uint_eq(count(t, "Une question courte et posée sur où ils en sont"), 2);
    static const char *const english[] = {"Stalled", "usually", " days", "Reply", "Silent ",
                                          "enthusiastic", "Thu"};
    for (size_t i = 0; i < sizeof english / sizeof *english; i++) {
        ck_assert_lacks(t, english[i]);
        ck_assert_lacks(h, english[i]);
    }
    ck_assert_contains(h, "<html lang=\"fr\">");
    ck_assert_contains(h, ">jeu. 20 nov. 2025</p>");
    ck_assert_contains(h, ">Au point mort (2)<");
    ck_assert_contains(h, ">maintenant 9 jours</td>");
    ck_assert_contains(h, ">habituel 1 jour</td>");
    ck_assert_contains(h, "Silence depuis 4 jours " EM " répond d&#39;habitude sous 2 heures (dans "
                          "ce fil)");
    parsed_free(&p);
    dt_buf_free(&b);

    /* the business clock: "ouvré" agrees with its unit */
    struct dt_digest_item one = item(DT_STATE_COOLING, true, "a@b.example", "x", NULL);
    one.silent_s = 2 * 8 * 3600;
    one.usual_s = 5 * 3600;
    one.clock = (struct dt_clock){true, 8 * 3600};
    struct dt_digest d1 = {.rep = "ann@corp.example", .as_of = AS_OF, .items = &one, .n_items = 1};
    b = render(&d1, &cfg);
    parse(b.data, b.len, &p);
    ck_assert_str_eq(p.subject, "a@b.example" NB ": 2 jours ouvrés de silence après votre e-mail "
                                "enthousiaste");
    /* wrapped at the last space within 72 columns */
    ck_assert_contains(p.part[0], "  Silence depuis 2 jours ouvrés " EM " répond d'habitude sous 5 "
                                  "heures\n  ouvrées (dans ce fil)\n");
    /* 18 columns of label are 18 characters, not bytes ("é" is two) */
    ck_assert_contains(p.part[0], "\n      2 jours ouvrés " HBAR);
    ck_assert_contains(p.part[0], "\n    5 heures ouvrées \xe2\x96\x91");
    parsed_free(&p);
    dt_buf_free(&b);
}
END_TEST

/* ---- the recruiting profile --------------------------------------------- */

/* word occurs in s as a whole word, case ignored (ASCII letters). */
static bool has_word(const char *s, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = s; *p; p++)
        if (strncasecmp(p, word, n) == 0 && (p == s || !isalpha((unsigned char)p[-1])) &&
            !isalpha((unsigned char)p[n]))
            return true;
    return false;
}

/* s as the HTML part writes it: an apostrophe is &#39; (the table strings hold no other). */
static const char *html_of(const char *s, char *buf, size_t size)
{
    size_t k = 0;
    for (; *s && k + 6 < size; s++)
        k += (size_t)snprintf(buf + k, size - k, *s == '\'' ? "&#39;" : "%c", *s);
    buf[k] = '\0';
    return buf;
}

static struct dt_rollup_line recruiters[2] = {{"rita@corp.example", {1, 2, 0, 0, 0}},
                                              {"sam@corp.example", {0, 0, 0, 1, 0}}};

START_TEST(recruiting_wording)
{
    static const struct {
        const char *lang, *heading, *advice, *rollup_subject, *rollup_rep;
        const char *never[4]; /* sales words, as whole words */
    } cases[LANGS] = {
        {"en", "Candidates cooling after enthusiasm", "Give them room to weigh the offer",
         "Team roll-up: 4 candidates cooling after enthusiasm " EM " 20 Nov", ">Recruiter</th>",
         {"customer", "customers", "deal", "deals"}},
        {"nl", "Kandidaten die afkoelen na enthousiasme", "Geef ze ruimte om het aanbod te wegen",
         "Teamoverzicht: 4 kandidaten koelen af na enthousiasme " EM " 20 nov",
         ">Recruiter</th>", {"klant", "klanten", "deal", "deals"}},
        {"de", "Kandidat:innen, die nach Ihrer Begeisterung abkühlen",
         "Lassen Sie Raum, das Angebot abzuwägen",
         "Teamübersicht: 4 Kandidat:innen kühlen nach begeisterten Mails ab " EM " 20. Nov.",
         ">Recruiting</th>", {"Kunde", "Kunden", "Deal", "Deals"}},
        {"fr", "Candidats qui refroidissent après l'enthousiasme",
         "Laissez-leur le temps de peser l'offre",
         "Synthèse d'équipe" NB ": 4 candidats refroidissent après l'enthousiasme " EM " 20 nov.",
         ">Recruteur</th>", {"client", "clients", "affaire", "affaires"}},
    };
    struct dt_config cfg = config(cases[_i].lang, NULL);
    cfg.profile = DT_PROFILE_RECRUITING;
    struct dt_digest d = ann_digest();
    struct dt_buf b = render(&d, &cfg);
    struct parsed p;
    parse(b.data, b.len, &p);
    const char *t = p.part[0], *h = p.part[1];
    ck_assert_contains(t, cases[_i].heading);
    char esc[256];
    ck_assert_contains(h, html_of(cases[_i].heading, esc, sizeof esc));
    ck_assert_contains(t, cases[_i].advice);
    ck_assert_contains(h, html_of(cases[_i].advice, esc, sizeof esc));
    for (size_t w = 0; w < 4; w++) {
        ck_assert_msg(!has_word(t, cases[_i].never[w]), "%s: \"%s\" in the text", cases[_i].lang,
                      cases[_i].never[w]);
        ck_assert_msg(!has_word(h, cases[_i].never[w]), "%s: \"%s\" in the HTML", cases[_i].lang,
                      cases[_i].never[w]);
    }
    parsed_free(&p);
    dt_buf_free(&b);

    /* the empty digest and the roll-up say candidates too */
    struct dt_digest none = {.rep = "ann@corp.example", .as_of = AS_OF, .n_items = 0};
    b = render(&none, &cfg);
    parse(b.data, b.len, &p);
    ck_assert_msg(strstr(p.subject, tables[_i][DT_PROFILE_RECRUITING].count_none) == p.subject,
                  "%s", p.subject);
    parsed_free(&p);
    dt_buf_free(&b);
    struct dt_error err = {{0}};
    ck_assert_int_eq(
        dt_digest_render_rollup("boss@corp.example", recruiters, 2, AS_OF, &cfg, &b, &err), 0);
    parse(b.data, b.len, &p);
    ck_assert_str_eq(p.subject, cases[_i].rollup_subject);
    ck_assert_contains(p.part[1], cases[_i].rollup_rep);
    for (size_t w = 0; w < 4; w++)
        ck_assert_msg(!has_word(p.part[0], cases[_i].never[w]), "%s roll-up: \"%s\"",
                      cases[_i].lang, cases[_i].never[w]);
    parsed_free(&p);
    dt_buf_free(&b);

    /* the same digest under the sales profile does speak of them */
    cfg.profile = DT_PROFILE_SALES;
    b = render(&d, &cfg);
    parse(b.data, b.len, &p);
    ck_assert(has_word(p.part[0], cases[_i].never[0]) || has_word(p.part[0], cases[_i].never[1]) ||
              has_word(p.part[0], cases[_i].never[2]) || has_word(p.part[0], cases[_i].never[3]));
    parsed_free(&p);
    dt_buf_free(&b);
}
END_TEST

/* ---- each recipient in their own language ------------------------------- */

START_TEST(each_recipient_in_their_language)
{
    struct dt_digest_language_rule rules[] = {
        {"ann@corp.example", "de", 1}, {"@corp-eu.example", "fr", 2}, {"boss@corp.example", "en", 3}};
    struct dt_config cfg = config("nl", NULL);
    cfg.digest_languages = rules;
    cfg.n_digest_languages = 3;
    struct dt_digest d = ann_digest();
    static const struct {
        const char *rep, *lang, *says;
    } cases[] = {
        {"ann@corp.example", "de", "9 Tage ohne Antwort"},
        {"bob@corp-eu.example", "fr", "9 jours de silence"},
        {"bob@fr.corp-eu.example", "fr", "9 jours de silence"},
        {"carl@corp.example", "nl", "9 dagen stil"}, /* digest.language */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        d.rep = (char *)cases[i].rep;
        struct dt_buf b = render(&d, &cfg);
        struct parsed p;
        parse(b.data, b.len, &p);
        char lang[32];
        snprintf(lang, sizeof lang, "<html lang=\"%s\">", cases[i].lang);
        ck_assert_contains(p.part[1], lang);
        ck_assert_contains(p.subject, cases[i].says);
        parsed_free(&p);
        dt_buf_free(&b);
    }
    /* a manager's roll-up in the manager's language, whatever the reps' */
    struct dt_buf b = DT_BUF_INIT;
    struct dt_error err = {{0}};
    static struct dt_rollup_line reps[1] = {{"ann@corp.example", {1, 0, 0, 0, 0}}};
    ck_assert_int_eq(dt_digest_render_rollup("boss@corp.example", reps, 1, AS_OF, &cfg, &b, &err),
                     0);
    struct parsed p;
    parse(b.data, b.len, &p);
    ck_assert_str_eq(p.subject, "Team roll-up: 1 deal cooling after enthusiasm " EM " 20 Nov");
    parsed_free(&p);
    dt_buf_free(&b);
    ck_assert_int_eq(
        dt_digest_render_rollup("chief@corp-eu.example", reps, 1, AS_OF, &cfg, &b, &err), 0);
    parse(b.data, b.len, &p);
    ck_assert_str_eq(p.subject, "Synthèse d'équipe" NB ": 1 affaire refroidit après "
                                "l'enthousiasme " EM " 20 nov.");
    parsed_free(&p);
    dt_buf_free(&b);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("digest_lang");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, tables_complete_and_printf_compatible);
    tcase_add_test(tc, every_language_has_its_duration_words);
    tcase_add_test(tc, german);
    tcase_add_test(tc, french);
    tcase_add_loop_test(tc, recruiting_wording, 0, LANGS);
    tcase_add_test(tc, each_recipient_in_their_language);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_test_run(suite());
}
