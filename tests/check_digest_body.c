/*
 * check_digest_body.c - what the parts of a rendered digest say: who each
 * deal is with, the time and phrases of the enthusiastic mail, durations on
 * the item's clock with the usual's source, one chart scale with the usual
 * marked, advice and a reply link, the subject naming the most urgent
 * deal, the hidden preheader; EN and NL; HTML escaping and hostile store
 * strings; and the look, in all four languages and both profiles: every
 * colour from the palette, every text pair at WCAG AA, nothing under 12px,
 * a dark-mode style, text at 72 columns counted in characters (umlauts and
 * accents are two bytes, one column). German and French content is in
 * check_digest_lang.c.
 * Headers, structure and determinism are in check_digest_render.c.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dealtemp/digest.h"
#include "digest_fixture.h"
#include "../../milter/digest_render_int.h"
#include "contrast.h"
#include "testutil.h"

#define LQ "\xe2\x80\x9c" /* “ */
#define RQ "\xe2\x80\x9d" /* ” */

/* ---- content ------------------------------------------------------------ */

START_TEST(content_en)
{
    struct dt_config cfg = config("en", NULL);
    struct dt_digest d = ann_digest();
    ann_items[0].counterpart_name = "Jane Buyer";
    struct dt_buf b = render(&d, &cfg);
    struct parsed p;
    parse(b.data, b.len, &p);
    const char *t = p.part[0], *h = p.part[1];

    /* The most urgent deal names the subject; the count of the others follows. */
    ck_assert_str_eq(p.subject, "Acme: silent 9 days after your enthusiastic mail (+3 more)");
    /* Sections in order, each once, with counts; items in the digest's order. */
    size_t st = pos(t, "== Stalled (2) =="), co = pos(t, "== Cooling (1) =="),
           sl = pos(t, "== Slowed (1) ==");
    ck_assert(st < co && co < sl);
    ck_assert(co < pos(t, "it@initech.example") && pos(t, "it@initech.example") < sl);

    /* Who: name and organisation, the address underneath. */
    ck_assert_contains(t, "* Jane Buyer, Acme  [new]\n  buyer@acme.example\n  Proposal for Q1\n");
    ck_assert_contains(t, "* Globex  [ongoing]\n  cfo@globex.example\n  (no subject stored)\n");
    /* When, to the minute, and the phrases instead of a score. */
    ck_assert_contains(t, "Your enthusiastic mail: Thu 13 Nov 02:13 " EM " " LQ "amazing" RQ ", " LQ
                          "can't wait" RQ);
    ck_assert_lacks(t, "score");
    /* Rounded durations, and where the usual comes from. */
    ck_assert_contains(t, "Silent 9 days " EM " usually replies within 1 day (in this thread)");
    ck_assert_contains(t, "Silent 4 days " EM " usually replies within 2 hours (in this thread)");
    ck_assert_contains(t, "Replied after 5 days " EM " usually 1 day (in this thread)");
    /* One line of advice per deal, by state, and a reply link with the subject. */
    ck_assert_uint_eq(count(t, "A calm, short question about where they stand"), 2);
    ck_assert_uint_eq(count(t, "ask what would help them decide"), 1);
    ck_assert_contains(t, "Reply: mailto:buyer@acme.example?subject=Re%3A%20Proposal%20for%20Q1\n");
    ck_assert_contains(t, "mailto:ops@umbrella.example?subject=Re%3A%20pilot\n"); /* no Re: Re: */

    /* The HTML says the same. */
    ck_assert_contains(h, "Jane Buyer, Acme");
    ck_assert_contains(h, ">new</span>");
    ck_assert_contains(h, ">ongoing</span>");
    ck_assert_contains(h, "Silent 9 days " EM " usually replies within 1 day (in this thread)");
    ck_assert_contains(h, LQ "can&#39;t wait" RQ);
    ck_assert_contains(h, "href=\"mailto:buyer@acme.example?subject=Re%3A%20Proposal%20for%20Q1\"");
    ck_assert_contains(h, "max-width:600px");
    ck_assert_contains(h, "<meta name=\"viewport\"");
    /* The preheader: the subject again, hidden, first in the body. */
    ck_assert_contains(h, "<div style=\"display:none;max-height:0;overflow:hidden;mso-hide:all;\">"
                          "Acme: silent 9 days after your enthusiastic mail (+3 more)</div>");
    ck_assert(pos(h, "<div style=\"display:none;") < pos(h, "<h1"));
    ck_assert_lacks(h, "<img");
    ck_assert_lacks(h, "<script");
    ck_assert_lacks(h, "http://");
    ck_assert_lacks(h, "https://");
    parsed_free(&p);
    dt_buf_free(&b);
}
END_TEST

START_TEST(usual_source_is_said)
{
    struct dt_config cfg = config("en", NULL);
    struct dt_digest_item it = item(DT_STATE_COOLING, false, "a@b.example", "x", NULL);
    it.silent_s = 4 * DAY;
    it.usual_s = 4 * 3600;
    it.usual_source = DT_USUAL_CUSTOMER;
    struct dt_digest d = {.rep = "ann@corp.example", .as_of = AS_OF, .items = &it, .n_items = 1};
    struct dt_buf b = render(&d, &cfg);
    struct parsed p;
    parse(b.data, b.len, &p);
    ck_assert_contains(p.part[0],
                       "usually replies within 4 hours (in your other threads\n  with them)");
    parsed_free(&p);
    dt_buf_free(&b);

    /* No history: the default, on the business clock, in working days; never "no earlier replies".
     */
    it.usual_source = DT_USUAL_DEFAULT;
    it.clock = (struct dt_clock){true, 8 * 3600};
    it.usual_s = 2 * 8 * 3600;
    it.silent_s = 4 * 8 * 3600;
    b = render(&d, &cfg);
    parse(b.data, b.len, &p);
    ck_assert_str_eq(p.subject, "a@b.example: silent 4 working days after your enthusiastic mail");
    ck_assert_contains(p.part[0],
                       "Silent 4 working days " EM " usually replies within 2 working days (no\n"
                       "  history yet: dealtemp assumes this)");
    ck_assert_lacks(p.part[0], "no earlier");
    parsed_free(&p);
    dt_buf_free(&b);
}
END_TEST

START_TEST(chart_one_scale_with_the_usual)
{
    struct dt_config cfg = config("en", NULL);
    struct dt_digest_item it = item(DT_STATE_COOLING, false, "a@b.example", "x", NULL);
    latencies(&it, 2, (const long[]){DAY, 2 * DAY});
    it.silent_s = 4 * DAY;
    it.usual_s = 8 * DAY; /* larger than every bar: the scale must hold it */
    struct dt_digest d = {.rep = "ann@corp.example", .as_of = AS_OF, .items = &it, .n_items = 1};
    struct dt_buf b = render(&d, &cfg);
    struct parsed p;
    parse(b.data, b.len, &p);
    /* text: 24 columns for the longest, which is the usual here */
    ck_assert_contains(
        p.part[0],
        "  Reply times, oldest first:\n"
        "               1 day " BAR BAR BAR "\n"
        "              2 days " BAR BAR BAR BAR BAR BAR "\n"
        "              4 days " HBAR HBAR HBAR HBAR HBAR HBAR HBAR HBAR HBAR HBAR HBAR HBAR
        " \xe2\x86\x90 now\n"
        "              8 days "
        "\xe2\x96\x91\xe2\x96\x91\xe2\x96\x91\xe2\x96\x91\xe2\x96\x91\xe2\x96\x91"
        "\xe2\x96\x91\xe2\x96\x91\xe2\x96\x91\xe2\x96\x91\xe2\x96\x91\xe2\x96\x91"
        "\xe2\x96\x91\xe2\x96\x91\xe2\x96\x91\xe2\x96\x91\xe2\x96\x91\xe2\x96\x91"
        "\xe2\x96\x91\xe2\x96\x91\xe2\x96\x91\xe2\x96\x91\xe2\x96\x91\xe2\x96\x91"
        " \xe2\x86\x90 usual\n");
    /* HTML: the same proportions, the headline's figure on the highlighted bar */
    const char *h = p.part[1];
    size_t w13 = pos(h, "width=\"13%\""), w25 = pos(h, "width=\"25%\""),
           w50 = pos(h, "width=\"50%\""),
           w100 = pos(h, "width=\"100%\" style=\"width:100%;\"><tr>"
                         "<td height=\"6\" class=\"dt-usual\"");
    ck_assert(w13 < w25 && w25 < w50 && w50 < w100);
    ck_assert_contains(h, ">now 4 days</td>");
    ck_assert_contains(h, ">usual 8 days</td>");
    ck_assert_contains(h, "Silent 4 days");
    parsed_free(&p);
    dt_buf_free(&b);
}
END_TEST

START_TEST(html_escaping)
{
    struct dt_config cfg = config("en", NULL);
    struct dt_digest_item it = item(DT_STATE_STALLED, true, "\"Evil\" <x@y.example>",
                                    "<script>alert(1)</script> & co", "<b>wow</b>, it's \"great\"");
    it.counterpart_name = "<i>Mallory</i> & \"Co\"";
    it.silent_s = 8 * DAY;
    struct dt_digest d = {.rep = "ann@corp.example", .as_of = AS_OF, .items = &it, .n_items = 1};
    struct dt_buf b = render(&d, &cfg);
    struct parsed p;
    parse(b.data, b.len, &p);
    const char *h = p.part[1];
    ck_assert_contains(h, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co");
    ck_assert_contains(h, "&quot;Evil&quot; &lt;x@y.example&gt;");
    ck_assert_contains(h, "&lt;i&gt;Mallory&lt;/i&gt; &amp; &quot;Co&quot;");
    ck_assert_contains(h, LQ "&lt;b&gt;wow&lt;/b&gt;" RQ ", " LQ "it&#39;s &quot;great&quot;" RQ);
    ck_assert_lacks(h, "<script");
    ck_assert_lacks(h, "<b>");
    ck_assert_lacks(h, "<i>");
    /* the mailto link escapes what the address smuggles */
    ck_assert_contains(h, "href=\"mailto:%22Evil%22%20%3Cx@y.example%3E?subject=");
    ck_assert_contains(p.part[0], "<script>alert(1)</script> & co");
    parsed_free(&p);
    dt_buf_free(&b);
}
END_TEST

START_TEST(hostile_store_strings)
{
    struct dt_config cfg = config("en", NULL);
    /* CR/LF, a header-looking tail, invalid UTF-8, a bidi override, 5000 bytes without a space */
    char huge[5001];
    memset(huge, 'A', 5000);
    huge[5000] = '\0';
    struct dt_digest_item it[2] = {
        item(DT_STATE_STALLED, true, "a@b.example", "Hello\r\nBcc: evil@attacker.example\r\n\r\nX",
             "bad \xff\xfe bytes, \xe2\x80\xae"
             "desrever"),
        item(DT_STATE_COOLING, false, huge, huge, huge),
    };
    it[0].counterpart_name = "Eve\r\nBcc: x@y \xe2\x80\xae";
    it[0].silent_s = 8 * DAY;
    it[1].silent_s = 4 * DAY;
    struct dt_digest d = {.rep = "ann@corp.example", .as_of = AS_OF, .items = it, .n_items = 2};
    struct dt_buf b = render(&d, &cfg);
    struct parsed p;
    parse(b.data, b.len, &p);
    ck_assert_ptr_null(p.f.fld_bcc);
    const char *body = strstr(b.data, "\r\n\r\n");
    ck_assert_ptr_nonnull(body);
    ck_assert_lacks(body, "\r\nBcc:");
    ck_assert_str_eq(p.subject,
                     "Eve Bcc: x@y: silent 8 days after your enthusiastic mail (+1 more)");
    ck_assert_contains(p.part[0], "  Hello Bcc: evil@attacker.example X\n");
    ck_assert_contains(p.part[0], "* Eve Bcc: x@y  [new]\n");
    ck_assert_contains(p.part[0], LQ "bad \xef\xbf\xbd\xef\xbf\xbd bytes" RQ ", " LQ "desrever" RQ);
    ck_assert_lacks(p.part[0], "\xe2\x80\xae");
    /* long values are cut, with an ellipsis */
    ck_assert_lacks(p.part[0], huge);
    ck_assert_contains(p.part[0], "AAAA\xe2\x80\xa6");
    parsed_free(&p);
    dt_buf_free(&b);
}
END_TEST

START_TEST(dutch)
{
    struct dt_config cfg = config("nl", NULL);
    struct dt_digest d = ann_digest();
    d.n_items = 3; /* two stalled, one cooling */
    struct dt_buf b = render(&d, &cfg);
    struct parsed p;
    parse(b.data, b.len, &p);
    ck_assert_str_eq(p.subject, "Acme: 9 dagen stil na je enthousiaste mail (+2 andere)");
    const char *t = p.part[0], *h = p.part[1];
    ck_assert(pos(t, "== Vastgelopen (2) ==") < pos(t, "== Koelt af (1) =="));
    ck_assert_lacks(t, "Trager");
    ck_assert_contains(t, "[nieuw]");
    ck_assert_contains(t, "[loopt al]");
    ck_assert_contains(t, "(onderwerp niet bewaard)");
    ck_assert_contains(t, "Je enthousiaste mail: do 13 nov 02:13 " EM " " LQ "amazing" RQ);
    ck_assert_contains(t, "9 dagen stil " EM " antwoordt meestal binnen 1 dag (in deze thread)");
    ck_assert_contains(t, "4 dagen stil " EM " antwoordt meestal binnen 2 uur (in deze thread)");
    ck_assert_contains(t, "werkt beter dan nog eens\n    aandringen.");
    ck_assert_contains(t, "Antwoordtijden, oudste eerst:");
    ck_assert_contains(t, "Beantwoorden: mailto:");
    ck_assert_lacks(t, "duw");
    ck_assert_lacks(t, "Stalled");
    ck_assert_lacks(t, "usually");
    ck_assert_lacks(t, " days");
    ck_assert_contains(h, "<html lang=\"nl\">");
    ck_assert_contains(h, ">Vastgelopen (2)<");
    ck_assert_contains(h, "Geef ze ruimte");
    ck_assert_contains(h, ">gewoonlijk 1 dag</td>");
    parsed_free(&p);
    dt_buf_free(&b);

    /* singular and the slowed section, business units in Dutch */
    struct dt_digest_item one = item(DT_STATE_SLOWED, true, "a@b.example", "x", NULL);
    one.reply_s = 5 * 8 * 3600;
    one.usual_s = 6 * 3600;
    one.clock = (struct dt_clock){true, 8 * 3600};
    struct dt_digest d1 = {.rep = "ann@corp.example", .as_of = AS_OF, .items = &one, .n_items = 1};
    b = render(&d1, &cfg);
    parse(b.data, b.len, &p);
    ck_assert_str_eq(p.subject, "a@b.example: antwoordde na 5 werkdagen, meestal 6 werkuren");
    ck_assert_contains(p.part[0], "== Trager (1) ==");
    ck_assert_contains(p.part[0], "Antwoordde na 5 werkdagen " EM " meestal 6 werkuren");
    ck_assert_contains(p.part[0], "laat ze\n    zichzelf overtuigen.");
    parsed_free(&p);
    dt_buf_free(&b);
}
END_TEST

START_TEST(empty_digest)
{
    static const struct {
        const char *lang, *subject, *says;
    } cases[] = {
        {"en", "No deals cooling after enthusiasm " EM " 20 Nov",
         "No deals cooled after enthusiasm " EM " nice and calm."},
        {"nl", "Geen deals die afkoelen na enthousiasme " EM " 20 nov",
         "Geen deals afgekoeld na enthousiasme " EM " lekker rustig."},
        {"de", "Kein Deal kühlt nach begeisterter Mail ab " EM " 20. Nov.",
         "Kein Deal ist nach Begeisterung abgekühlt " EM " alles ruhig."},
        {"fr", "Aucune affaire ne refroidit après l'enthousiasme " EM " 20 nov.",
         "Aucune affaire n'a refroidi après l'enthousiasme " EM " tout est calme."},
    };
    struct dt_config cfg = config(cases[_i].lang, NULL);
    struct dt_digest d = {.rep = "ann@corp.example", .as_of = AS_OF, .items = NULL, .n_items = 0};
    struct dt_buf b = render(&d, &cfg);
    struct parsed p;
    parse(b.data, b.len, &p);
    ck_assert_str_eq(p.subject, cases[_i].subject);
    ck_assert_contains(p.part[0], cases[_i].says);
    if (strchr(cases[_i].says, '\'') == NULL) /* the HTML writes &#39; */
        ck_assert_contains(p.part[1], cases[_i].says);
    ck_assert_lacks(p.part[0], "==");
    ck_assert_lacks(p.part[1], "<h2");
    parsed_free(&p);
    dt_buf_free(&b);
}
END_TEST

/* ---- the look ----------------------------------------------------------- */

START_TEST(palette_meets_wcag_aa)
{
    ck_assert_double_ge(dt_test_contrast("#000000", "#ffffff"), 20.9); /* the formula itself */
    ck_assert_double_le(dt_test_contrast("#777777", "#ffffff"), 4.49); /* grey that fails AA */
    for (size_t i = 0; i < dt_digest_palette_n; i++) {
        const struct dt_digest_pair *c = &dt_digest_palette[i];
        double r = dt_test_contrast(c->fg, c->bg);
        ck_assert_msg(r >= c->min, "%s: %s on %s is %.2f:1, needs %.1f:1", c->what, c->fg, c->bg, r,
                      c->min);
    }
}
END_TEST

static bool in_palette(const char *hex)
{
    for (size_t i = 0; i < dt_digest_palette_n; i++)
        if (strncasecmp(dt_digest_palette[i].fg, hex, 7) == 0 ||
            strncasecmp(dt_digest_palette[i].bg, hex, 7) == 0)
            return true;
    return false;
}

/* Every language in both profiles: loop index / 2 is the language, index % 2 the profile. */
static const char *const langs[] = {"en", "nl", "de", "fr"};
#define N_LOOKS (2 * (int)(sizeof langs / sizeof *langs))

/* Every colour, every font size, dark mode, and the text's width, in every language. */
START_TEST(html_colours_sizes_and_text_width)
{
    struct dt_config cfg = config(langs[_i / 2], NULL);
    cfg.profile = _i % 2 ? DT_PROFILE_RECRUITING : DT_PROFILE_SALES;
    struct dt_digest d = ann_digest();
    struct dt_buf b = render(&d, &cfg);
    struct parsed p;
    parse(b.data, b.len, &p);
    const char *h = p.part[1];
    size_t colours = 0, sizes = 0;
    for (const char *q = strchr(h, '#'); q != NULL; q = strchr(q + 1, '#')) {
        if (strspn(q + 1, "0123456789abcdefABCDEF") != 6)
            continue; /* &#39; and the like */
        char hex[8];
        memcpy(hex, q, 7);
        hex[7] = '\0';
        ck_assert_msg(in_palette(hex), "colour %s is not in the palette", hex);
        colours++;
    }
    for (const char *q = strstr(h, "font-size:"); q != NULL; q = strstr(q + 1, "font-size:")) {
        int px = atoi(q + 10);
        /* 1px only on the spacer cells of bars, which hold no text */
        if (px == 1 && strncmp(q + 10, "1px;line-height:1px;\">&nbsp;", 28) == 0)
            continue;
        ck_assert_msg(px >= 12, "font-size:%dpx", px);
        sizes++;
    }
    ck_assert_uint_gt(colours, 20);
    ck_assert_uint_gt(sizes, 20);
    ck_assert_contains(h, "@media (prefers-color-scheme: dark)");
    ck_assert_contains(h, "<meta name=\"color-scheme\" content=\"light dark\">");
    /* text/plain: no line over 72 columns unless it is one unbreakable word (a link) */
    const char *t = p.part[0];
    for (const char *line = t; *line;) {
        const char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line), cols = 0;
        for (size_t i = 0; i < n; i++)
            cols += ((unsigned char)line[i] & 0xc0) != 0x80;
        const char *word = line;
        while (*word == ' ')
            word++;
        bool one_word = memchr(word, ' ', n - (size_t)(word - line)) == NULL;
        ck_assert_msg(cols <= 72 || one_word, "%zu columns: %.*s", cols, (int)n, line);
        line = nl ? nl + 1 : line + n;
    }
    parsed_free(&p);
    dt_buf_free(&b);
}
END_TEST

/*
 * 72 columns are 72 characters: a line of 72 two-byte letters stays whole,
 * one of 73 is broken at its space. (Broken by bytes, both would be.)
 */
START_TEST(text_wraps_characters_not_bytes)
{
    struct dt_config cfg = config(langs[2 + _i], NULL); /* de, fr */
    char fits[256] = "", longer[256] = "";
    for (int i = 0; i < 35; i++)
        strcat(fits, _i ? "\xc3\xa9" : "\xc3\xa4"); /* é / ä */
    strcat(fits, " ");
    for (int i = 0; i < 34; i++)
        strcat(fits, "\xc3\x9f"); /* ß: 35 + 1 + 34 = 70 characters, 139 bytes */
    snprintf(longer, sizeof longer, "%s\xc3\x9f", fits); /* 71 */
    struct dt_digest_item it[2] = {item(DT_STATE_STALLED, true, "a@b.example", fits, NULL),
                                   item(DT_STATE_STALLED, true, "c@d.example", longer, NULL)};
    it[0].silent_s = it[1].silent_s = 8 * DAY;
    struct dt_digest d = {.rep = "ann@corp.example", .as_of = AS_OF, .items = it, .n_items = 2};
    struct dt_buf b = render(&d, &cfg);
    struct parsed p;
    parse(b.data, b.len, &p);
    char want[300];
    snprintf(want, sizeof want, "\n  %s\n", fits); /* 2 + 70 = 72 columns: whole */
    ck_assert_contains(p.part[0], want);
    const char *sp = strchr(longer, ' ');
    snprintf(want, sizeof want, "\n  %.*s\n  %s\n", (int)(sp - longer), longer, sp + 1);
    ck_assert_contains(p.part[0], want); /* 73 columns: broken at the space, same indent */
    parsed_free(&p);
    dt_buf_free(&b);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("digest_body");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, content_en);
    tcase_add_test(tc, usual_source_is_said);
    tcase_add_test(tc, chart_one_scale_with_the_usual);
    tcase_add_test(tc, html_escaping);
    tcase_add_test(tc, hostile_store_strings);
    tcase_add_test(tc, dutch);
    tcase_add_loop_test(tc, empty_digest, 0, 4);
    tcase_add_test(tc, palette_meets_wcag_aa);
    tcase_add_loop_test(tc, html_colours_sizes_and_text_width, 0, N_LOOKS);
    tcase_add_loop_test(tc, text_wraps_characters_not_bytes, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_test_run(suite());
}
