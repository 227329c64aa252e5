/*
 * check_quote.c - dt_quote_strip: quoted replies, forwards, Outlook header
 * blocks and signatures in EN/NL/DE/FR, the false positives that must
 * survive, degenerate input (empty, no newline, stray CR, invalid UTF-8,
 * megabyte lines) and whole-message fixtures in tests/data/quote-*.txt.
 */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dealtemp/buf.h"
#include "dealtemp/quote.h"
#include "quote_fixture.h"

static const struct qcase cases[] = {
    /* --- degenerate input --- */
    {"empty", "", "", 0, 0, 0},
    {"no newline", "Hello there", "Hello there", 0, 0, 0},
    {"only blank lines", "\n \n\t\n", "", 0, 0, 0},
    {"plain text kept, inner blanks kept", "Hi Jan,\n\nGreat call.\n\n\nBye\n",
     "Hi Jan,\n\nGreat call.\n\n\nBye", 0, 0, 0},
    {"leading and trailing blank lines trimmed", "\n\n  \nHello\n  indented\n\n \n",
     "Hello\n  indented", 0, 0, 0},
    {"stray CR at line ends", "Hello\r\nWorld\r\n", "Hello\nWorld", 0, 0, 0},
    {"invalid UTF-8 passes through", "caf\xe9 \xff\xfe ok\n> q\n\xc3\n",
     "caf\xe9 \xff\xfe ok\n\xc3", 1, 0, 0},

    /* --- '>' lines --- */
    {"quote lines of every depth", "Thanks!\n> quoted\n>> nested\n> > nested\n  > indented\n",
     "Thanks!", 4, 0, 0},
    {"only a quote", "> a\n> b", "", 2, 0, 0},
    {"interleaved answers kept", "Hi,\n\n> price?\n10k.\n> date?\nFriday.\n",
     "Hi,\n\n10k.\nFriday.", 2, 0, 0},
    {"attribution inside a quote",
     "Reply\n> On Mon, 3 Jun 2024 at 10:00, A <a@x.com> wrote:\n> > old\n", "Reply", 2, 0, 0},

    /* --- attributions --- */
    {"EN bottom-posting below attribution",
     "On Mon, 3 Jun 2024 at 10:00, Ann <ann@x.com> wrote:\n> Is it ready?\n> Cheers\n\nYes, it is "
     "ready.\n",
     "Yes, it is ready.", 3, 0, 0},
    {"EN top-posting, quote follows with '>'",
     "Sounds good.\n\nOn Mon, Jun 3, 2024 at 10:00 AM Ann Lee <ann@x.com> wrote:\n\n> AMAZING!!!\n",
     "Sounds good.", 2, 0, 0},
    {"EN top-posting, quote follows unmarked",
     "Sounds good.\n\nOn Monday, June 3, 2024 10:00 AM, Ann Lee wrote:\nThis is AMAZING\nwe love "
     "it\n",
     "Sounds good.", 3, 0, 0},
    {"EN Gmail attribution wrapped over two lines",
     "Fine by me.\n\nOn Mon, Jun 3, 2024 at 10:00 AM Annemarie van der Berg-Langenaam <\n"
     "annemarie@example.com> wrote:\n\n> Super!!!\n",
     "Fine by me.", 3, 0, 0},
    {"EN wrapped before 'wrote:'",
     "Fine.\nOn Mon, Jun 3, 2024 at 10:00 AM Ann Lee <ann@example.com>\nwrote:\nLove it\n", "Fine.",
     3, 0, 0},
    {"NL Gmail attribution",
     "Prima.\n\nOp ma 3 jun 2024 om 10:00 schreef Jan Jansen <jan@klant.nl>:\n\n> Top!!!\n",
     "Prima.", 2, 0, 0},
    {"NL Apple attribution, unmarked quote",
     "Prima.\n\nOp 3 jun. 2024, om 10:00 heeft Jan Jansen <jan@klant.nl> het volgende "
     "geschreven:\n\n"
     "Geweldig\n",
     "Prima.", 3, 0, 0},
    {"NL attribution wrapped",
     "Akkoord.\nOp ma 3 jun 2024 om 10:00 schreef Johannes van Oldenbarnevelt-Smit <\n"
     "johannes@klant.nl>:\n> Fantastisch\n",
     "Akkoord.", 3, 0, 0},
    {"DE Gmail attribution",
     "Passt.\n\nAm Mo., 3. Juni 2024 um 10:00 Uhr schrieb Hans Müller <hans@kunde.de>:\n> "
     "Wunderbar!\n",
     "Passt.", 2, 0, 0},
    {"DE Apple attribution, unmarked quote", "Passt.\nAm 03.06.2024 um 10:00 schrieb Hans:\nToll\n",
     "Passt.", 2, 0, 0},
    {"FR Gmail attribution",
     "D'accord.\n\nLe lun. 3 juin 2024 à 10:00, Marie Dupont <marie@client.fr> a écrit :\n> Génial "
     "!\n",
     "D'accord.", 2, 0, 0},
    {"FR attribution with no-break space before the colon",
     "Merci.\nLe 03/06/2024 à 10:00, Marie a écrit\xc2\xa0:\nC'est génial\n", "Merci.", 2, 0, 0},
    {"attribution without date, followed by a quote",
     "Sure.\nOn Tuesday, Ann wrote:\n> great\nOk then.\n", "Sure.\nOk then.", 2, 0, 0},
    {"FR attribution wrapped",
     "Entendu.\nLe lun. 3 juin 2024 à 10:00, Marie-Christine de La Rochefoucauld <\n"
     "marie-christine@client.fr> a écrit :\nFormidable\n",
     "Entendu.", 3, 0, 0},
    {"FR attribution with narrow no-break space",
     "Merci.\nLe 03/06/2024 à 10:00, Marie a écrit\xe2\x80\xaf:\n> génial\n", "Merci.", 2, 0, 0},

    /* --- forwards and Outlook blocks --- */
    {"EN Outlook header block",
     "Will do.\n\nFrom: Ann Lee <ann@x.com>\nSent: Monday, June 3, 2024 10:00 AM\nTo: Bob "
     "<bob@y.com>\nSubject: RE: deal\n\nLove it!!!\n",
     "Will do.", 0, 6, 0},
    {"NL Outlook header block",
     "Doe ik.\n\nVan: Jan <jan@klant.nl>\nVerzonden: maandag 3 juni 2024 10:00\nAan: Piet "
     "<piet@x.nl>\nOnderwerp: offerte\n\nTop!\n",
     "Doe ik.", 0, 6, 0},
    {"DE Outlook header block",
     "Mache ich.\nVon: Hans\nGesendet: Montag, 3. Juni 2024 10:00\nAn: Piet\nBetreff: "
     "Angebot\nToll\n",
     "Mache ich.", 0, 5, 0},
    {"FR Outlook header block",
     "Je m'en occupe.\n\nDe : Marie\nEnvoyé : lundi 3 juin 2024 10:00\nÀ : Paul\nObjet : offre\n\n"
     "Super\n",
     "Je m'en occupe.", 0, 6, 0},
    {"FR Outlook header block with no-break spaces",
     "Bien reçu.\nDe\xc2\xa0: Marie\nEnvoy\xc3\xa9\xc2\xa0: lundi\nSuper\n", "Bien reçu.", 0, 3, 0},
    {"Outlook underscore rule goes with the block",
     "Ok.\n\n________________________________\nFrom: Ann\nSent: Monday\n\nbody\n", "Ok.", 0, 5, 0},
    {"bold header block from HTML conversion", "Ok.\n*From:* Ann\n*Sent:* Monday\nbody\n", "Ok.", 0,
     3, 0},
    {"EN Original Message", "See below.\n\n-----Original Message-----\nFrom: a\nhi\n", "See below.",
     0, 3, 0},
    {"NL Oorspronkelijk bericht", "Zie onder.\n----- Oorspronkelijk bericht -----\nVan: x\n",
     "Zie onder.", 0, 2, 0},
    {"FR Message d'origine", "Voir ci-dessous.\n-------- Message d'origine --------\nDe : x\n",
     "Voir ci-dessous.", 0, 2, 0},
    {"DE Ursprüngliche Nachricht", "Siehe unten.\n-----Ursprüngliche Nachricht-----\nVon: x\n",
     "Siehe unten.", 0, 2, 0},
    {"EN Gmail forward",
     "FYI\n\n---------- Forwarded message ---------\nFrom: A <a@x>\nDate: Mon\n\nWOW\n", "FYI", 0,
     5, 0},
    {"EN Apple forward", "FYI\n\nBegin forwarded message:\n\nFrom: A\n", "FYI", 0, 3, 0},
    {"NL Gmail forward", "Ter info.\n---------- Doorgestuurd bericht ---------\nVan: A\n",
     "Ter info.", 0, 2, 0},

    /* --- signatures and trailers --- */
    {"signature '-- '", "Regards,\nBob\n-- \nBob Smith\nAcme\n", "Regards,\nBob", 0, 0, 3},
    {"signature '--' alone", "Regards\n--\nBob", "Regards", 0, 0, 2},
    {"signature '-- \\r'", "Regards\n-- \r\nBob\r\n", "Regards", 0, 0, 2},
    {"signature with marketing tagline",
     "Let's talk Friday.\n\n-- \nBob Smith | Account Executive\nThe BEST CRM on the planet!!! 🚀\n",
     "Let's talk Friday.", 0, 0, 3},
    {"signature above a quote: both counted",
     "Great!\n-- \nBob\n\nOn 3 Jun 2024, at 10:00, Ann <ann@x.com> wrote:\n\n> Love it\n", "Great!",
     3, 0, 3},
    {"signature above an Outlook block", "Great!\n--\nBob\nFrom: Ann\nSent: Monday\nLove it\n",
     "Great!", 0, 3, 2},
    {"Sent from my iPhone", "Yes.\n\nSent from my iPhone\n", "Yes.", 0, 0, 1},
    {"Sent from my iPad", "Yes.\nSent from my iPad", "Yes.", 0, 0, 1},
    {"Sent from Mail for Windows", "Yes.\n\nSent from Mail for Windows 10\n\n", "Yes.", 0, 0, 2},
    {"Get Outlook for iOS", "Yes.\n\nGet Outlook for iOS<https://aka.ms/o0ukef>\n", "Yes.", 0, 0,
     1},
    {"Get Outlook for Android", "Yes.\nGet Outlook for Android\n", "Yes.", 0, 0, 1},
    {"Verzonden vanaf mijn iPhone", "Ja.\n\nVerzonden vanaf mijn iPhone\n", "Ja.", 0, 0, 1},
    {"Verstuurd vanaf mijn iPhone", "Ja.\n\nVerstuurd vanaf mijn iPhone\n", "Ja.", 0, 0, 1},
    {"Von meinem iPhone gesendet", "Ja.\n\nVon meinem iPhone gesendet\n", "Ja.", 0, 0, 1},
    {"Envoyé de mon iPhone", "Oui.\n\nEnvoyé de mon iPhone\n", "Oui.", 0, 0, 1},
    {"trailer above a quote",
     "Great!\n\nSent from my iPhone\n\nOn 3 Jun 2024, at 10:00, Ann <ann@x.com> wrote:\n\n> Love "
     "it\n",
     "Great!", 3, 0, 2},

    /* --- false positives: all of this is the author's own text --- */
    {"'wrote:' inside sentences",
     "As you wrote: the price is fine.\nOn Friday Ann wrote: we are in.\nGreat.",
     "As you wrote: the price is fine.\nOn Friday Ann wrote: we are in.\nGreat.", 0, 0, 0},
    {"attribution shape without client evidence or quote",
     "On the call you wrote:\nwe need more seats.\nOp 3 juni schreef ik al:\n- prijs 10k\n",
     "On the call you wrote:\nwe need more seats.\nOp 3 juni schreef ik al:\n- prijs 10k", 0, 0, 0},
    {"NL 'Op' line without schreef", "Op maandag 3 juni om 10:00 bellen we:\nagenda volgt.\n",
     "Op maandag 3 juni om 10:00 bellen we:\nagenda volgt.", 0, 0, 0},
    {"'From:' on one line only", "From: the desk of the CEO, a warm hello.\nWe are ready.\n",
     "From: the desk of the CEO, a warm hello.\nWe are ready.", 0, 0, 0},
    {"header lines not opened by From", "Subject: the plan\nTo: everyone on the team\n",
     "Subject: the plan\nTo: everyone on the team", 0, 0, 0},
    {"dashes inside text",
     "See the numbers -- they're great.\n-- not a separator, it has text\n---\n--- Original ideas "
     "---\n",
     "See the numbers -- they're great.\n-- not a separator, it has text\n---\n--- Original ideas "
     "---",
     0, 0, 0},
    {"'Sent from my' inside a long sentence",
     "Sent from my desk at the office after a long talk with your CFO, this offer is our very best "
     "one and it will not get better.\n",
     "Sent from my desk at the office after a long talk with your CFO, this offer is our very best "
     "one and it will not get better.",
     0, 0, 0},
    {"'Von meinem' sentence", "Von meinem Büro aus sehe ich den Hafen.\n",
     "Von meinem Büro aus sehe ich den Hafen.", 0, 0, 0},
    {"underscores not above a header block", "Sign here:\n____________________\nThanks\n",
     "Sign here:\n____________________\nThanks", 0, 0, 0},
    {"'Begin forwarded message' inside a sentence", "Begin forwarded message handling next week.\n",
     "Begin forwarded message handling next week.", 0, 0, 0},
};

START_TEST(table)
{
    const struct qcase *c = &cases[_i];
    check_strip(c, c->in, strlen(c->in));
}
END_TEST

/* The length is what counts, not a NUL: bytes past len are never read. */
START_TEST(respects_len)
{
    const char text[] = "Keep this.\n-- \nsig\nNOT PART OF THE INPUT";
    const struct qcase c = {"respects len", NULL, "Keep this.", 0, 0, 2};
    check_strip(&c, text, strlen("Keep this.\n-- \nsig\n"));

    struct dt_buf out = DT_BUF_INIT;
    dt_quote_strip(NULL, 0, &out, NULL); /* NULL text with no length, NULL info */
    ck_assert_uint_eq(out.len, 0);
    dt_buf_free(&out);
}
END_TEST

START_TEST(appends_to_existing_buffer)
{
    struct dt_buf out = DT_BUF_INIT;
    dt_buf_puts(&out, "PREFIX\n\n");
    const char *in = "\n\nHello\n> q\n\n\n";
    dt_quote_strip(in, strlen(in), &out, NULL);
    /* Only what this call added is trimmed; earlier contents stay. */
    ck_assert_str_eq(out.data, "PREFIX\n\nHello");
    dt_buf_free(&out);
}
END_TEST

START_TEST(failed_buffer_stays_failed)
{
    struct dt_buf out = DT_BUF_INIT;
    struct dt_quote_info info;
    out.failed = true;
    const char *in = "Hello\n-- \nBob\n";
    dt_quote_strip(in, strlen(in), &out, &info);
    ck_assert(dt_buf_failed(&out));
    ck_assert_uint_eq(out.len, 0);
    ck_assert_uint_eq(info.signature_lines, 2);
    dt_buf_free(&out);
}
END_TEST

#define MB (1024u * 1024u)

/* Build prefix + n copies of fill + suffix in one malloc'd block. */
static char *make_text(const char *prefix, char fill, size_t n, const char *suffix, size_t *len)
{
    size_t a = strlen(prefix), c = strlen(suffix);
    char *s = malloc(a + n + c + 1);
    ck_assert_ptr_nonnull(s);
    memcpy(s, prefix, a);
    memset(s + a, fill, n);
    memcpy(s + a + n, suffix, c + 1);
    *len = a + n + c;
    return s;
}

START_TEST(megabyte_lines)
{
    struct dt_buf out = DT_BUF_INIT;
    struct dt_quote_info info;
    size_t len;

    /* A 1 MB own line survives byte for byte. */
    char *s = make_text("Start ", 'x', MB, " end\n> quoted\n", &len);
    dt_quote_strip(s, len, &out, &info);
    ck_assert_uint_eq(out.len, MB + 10);
    ck_assert(memcmp(out.data, s, out.len) == 0);
    ck_assert_uint_eq(info.quoted_lines, 1);
    free(s);

    /* A 1 MB attribution-shaped line is prose: far too long. */
    dt_buf_reset(&out);
    s = make_text("On 3 Jun 2024 at 10:00 ", 'a', MB, " wrote:\nkept\n", &len);
    dt_quote_strip(s, len, &out, &info);
    ck_assert_uint_eq(out.len, len - 1);
    ck_assert_uint_eq(info.quoted_lines, 0);
    free(s);

    /* A short "On ..." line followed by a 1 MB line: no wrapped attribution. */
    dt_buf_reset(&out);
    s = make_text("On Mon, 3 Jun 2024 at 10:00 Ann <\n", 'b', MB, "> wrote:\n", &len);
    dt_quote_strip(s, len, &out, &info);
    ck_assert_uint_eq(out.len, len - 1);
    free(s);

    /* A 1 MB quoted line and a 1 MB signature line go. */
    dt_buf_reset(&out);
    s = make_text("Own words.\n>", 'q', MB, "\n-- \n", &len);
    char *t = malloc(len + MB + 2);
    ck_assert_ptr_nonnull(t);
    memcpy(t, s, len);
    memset(t + len, 's', MB);
    t[len + MB] = '\n';
    dt_quote_strip(t, len + MB + 1, &out, &info);
    ck_assert_uint_eq(out.len, 10); /* no _str_eq: a failure would print 1 MB */
    ck_assert(memcmp(out.data, "Own words.", 10) == 0);
    ck_assert_uint_eq(info.quoted_lines, 1);
    ck_assert_uint_eq(info.signature_lines, 2);
    free(t);
    free(s);

    /* 1 MB of dashes, of underscores and of blanks are not markers. */
    dt_buf_reset(&out);
    s = make_text("", '-', MB, "\nFrom: a\nSent: b\n", &len);
    dt_quote_strip(s, len, &out, &info);
    ck_assert_uint_eq(out.len, MB);
    ck_assert_uint_eq(info.forward_lines, 2);
    free(s);

    dt_buf_reset(&out);
    s = make_text("x\n", ' ', MB, "\ny\n", &len);
    dt_quote_strip(s, len, &out, &info);
    ck_assert_uint_eq(out.len, MB + 4);
    free(s);
    dt_buf_free(&out);
}
END_TEST

/* Append n copies of the UTF-8 character ch. */
static void put_n(struct dt_buf *b, const char *ch, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dt_buf_puts(b, ch);
}

/*
 * An attribution is under 250 characters, both lines together; characters,
 * not bytes, so accented names are not penalised. Unmarked text after it is
 * cut only when it qualifies.
 */
START_TEST(attribution_length_limit)
{
    static const char head[] = "On Mon, 3 Jun 2024 at 10:00 "; /* 28 chars */
    static const char tail[] = " <a@x.com> wrote:";            /* 17 chars */
    const size_t fixed = sizeof(head) - 1 + sizeof(tail) - 1;
    static const struct {
        const char *ch;
        size_t chars; /* total characters of the attribution */
        bool wrapped;
        bool cut;
    } rows[] = {
        {"n", 249, false, true},           {"n", 250, false, false}, {"\xc3\xa9", 249, false, true},
        {"\xc3\xa9", 250, false, false},   {"n", 249, true, true},   {"n", 250, true, false},
        {"\xe2\x82\xac", 249, true, true},
    };
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        struct dt_buf in = DT_BUF_INIT, out = DT_BUF_INIT;
        struct dt_quote_info info;
        /* Wrapping replaces one space of the name by the line break. */
        size_t name = rows[r].chars - fixed - (rows[r].wrapped ? 1 : 0);
        dt_buf_puts(&in, "Own.\n");
        dt_buf_puts(&in, head);
        put_n(&in, rows[r].ch, name / 2);
        dt_buf_puts(&in, rows[r].wrapped ? "\n" : "");
        put_n(&in, rows[r].ch, name - name / 2);
        dt_buf_puts(&in, tail);
        dt_buf_puts(&in, "\nSO GOOD\n");
        ck_assert(!dt_buf_failed(&in));
        dt_quote_strip(in.data, in.len, &out, &info);
        if (rows[r].cut) {
            ck_assert_msg(strcmp(out.data, "Own.") == 0, "row %zu not cut", r);
            ck_assert_uint_eq(info.quoted_lines, rows[r].wrapped ? 3 : 2);
        } else {
            ck_assert_msg(out.len == in.len - 1, "row %zu cut", r);
            ck_assert_uint_eq(info.quoted_lines, 0);
        }
        dt_buf_free(&in);
        dt_buf_free(&out);
    }
}
END_TEST

/*
 * Many short lines that each trigger a look-ahead (attribution shapes,
 * From-lines, underscore rules) must still take linear time: 8 MB of them
 * finish well inside the test timeout even under the sanitizers.
 */
START_TEST(many_lookahead_lines_linear)
{
    static const char *const unit[] = {
        "On 3 Jun, Ann wrote:\n",
        "From: x\n\n",
        "____________\n\n",
        "Op 3 juni schreef ik:\n\n",
        "3 a\n",                       /* a date first: the next line is read too */
        "пн, 3 июн. 10:00 <a@b>\n",    /* a Russian weekday, a clock and an address */
        "От: x\n\n",                   /* a Cyrillic header name */
        "Den 3 juni skrev skrev:\n\n", /* a verb to find in the line */
    };
    for (size_t u = 0; u < sizeof(unit) / sizeof(unit[0]); u++) {
        size_t ulen = strlen(unit[u]), n = 8 * MB / ulen;
        char *s = malloc(n * ulen);
        ck_assert_ptr_nonnull(s);
        for (size_t i = 0; i < n; i++)
            memcpy(s + i * ulen, unit[u], ulen);
        struct dt_buf out = DT_BUF_INIT;
        dt_quote_strip(s, n * ulen, &out, NULL);
        ck_assert(!dt_buf_failed(&out));
        ck_assert_uint_gt(out.len, 0);
        dt_buf_free(&out);
        free(s);
    }
}
END_TEST

START_TEST(fixture_nl_outlook)
{
    const struct qcase c = {
        "tests/data/quote-nl-outlook.txt",
        "tests/data/quote-nl-outlook.txt",
        "Hoi Jan,\n\n"
        "Dank voor je bericht. Ik heb de offerte aangepast zoals besproken: 25\n"
        "licenties, implementatie in september, en de eerste drie maanden met 10%\n"
        "korting.\n\n"
        "Kun je laten weten of dit zo akkoord is? Dan stuur ik het contract door.\n\n"
        "Met vriendelijke groet,\n\n"
        "Piet de Vries\n"
        "Accountmanager | Voorbeeld B.V.\n"
        "T +31 20 123 4567",
        0,
        21,
        0};
    check_fixture(&c);
}
END_TEST

START_TEST(fixture_en_gmail)
{
    const struct qcase c = {
        "tests/data/quote-en-gmail.txt",
        "tests/data/quote-en-gmail.txt",
        "Hi Sarah,\n\n"
        "Thanks for getting back to me. I have attached the revised proposal with the\n"
        "numbers we discussed -- 40 seats, annual billing, onboarding in Q3.\n\n"
        "Let me know if your procurement team needs anything else.\n\n"
        "Best,\n"
        "Tom",
        17,
        0,
        0};
    check_fixture(&c);
}
END_TEST

START_TEST(fixture_fr_forward)
{
    const struct qcase c = {
        "tests/data/quote-fr-forward.txt",
        "tests/data/quote-fr-forward.txt",
        "Bonjour Marc,\n\n"
        "Je te transfère le message de Claire ci-dessous. Le client semble prêt, mais\n"
        "je préfère attendre leur retour sur le budget avant de relancer.\n\n"
        "Bonne journée,\n"
        "Julie",
        0,
        15,
        0};
    check_fixture(&c);
}
END_TEST

START_TEST(fixture_en_interleaved)
{
    const struct qcase c = {"tests/data/quote-en-interleaved.txt",
                            "tests/data/quote-en-interleaved.txt",
                            "Hi Ann,\n\n"
                            "Answers inline.\n\n\n\n"
                            "EUR 42 per month, billed annually.\n\n\n"
                            "A pilot can start on July 1st.\n\n"
                            "Kind regards,\n"
                            "Bob",
                            4,
                            0,
                            4};
    check_fixture(&c);
}
END_TEST

static Suite *quote_suite(void)
{
    Suite *s = suite_create("quote");
    TCase *tc = tcase_create("table");
    tcase_add_loop_test(tc, table, 0, (int)(sizeof(cases) / sizeof(cases[0])));
    suite_add_tcase(s, tc);

    tc = tcase_create("edges");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, respects_len);
    tcase_add_test(tc, appends_to_existing_buffer);
    tcase_add_test(tc, failed_buffer_stays_failed);
    tcase_add_test(tc, attribution_length_limit);
    tcase_add_test(tc, megabyte_lines);
    tcase_add_test(tc, many_lookahead_lines_linear);
    suite_add_tcase(s, tc);

    tc = tcase_create("fixtures");
    tcase_add_test(tc, fixture_nl_outlook);
    tcase_add_test(tc, fixture_en_gmail);
    tcase_add_test(tc, fixture_fr_forward);
    tcase_add_test(tc, fixture_en_interleaved);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_test_run(quote_suite());
}
