/*
 * check_digest_body.c - what the parts of a rendered digest say: the
 * sections, items and advice in EN and NL, the reply-time chart, HTML
 * escaping, hostile strings from the store and the empty digest. Built and
 * parsed back with the helpers of digest_fixture.h; headers, structure and
 * determinism are checked in check_digest_render.c.
 */
#include <check.h>
#include <string.h>

#include "dealtemp/digest.h"
#include "digest_fixture.h"
#include "testutil.h"

/* ---- content ------------------------------------------------------------ */

START_TEST(content_en)
{
    struct dt_config cfg = config("en", NULL);
    struct dt_digest d = ann_digest();
    struct dt_buf b = render(&d, &cfg);
    struct parsed p;
    parse(b.data, b.len, &p);
    const char *t = p.part[0], *h = p.part[1];

    /* Sections in order, each once, with counts; items in the digest's order. */
    size_t st = pos(t, "== Stalled (2) =="), co = pos(t, "== Cooling (1) =="),
           sl = pos(t, "== Slowed (1) ==");
    ck_assert(st < co && co < sl);
    ck_assert(pos(t, "buyer@acme.example") < pos(t, "cfo@globex.example"));
    ck_assert(pos(t, "cfo@globex.example") < co);
    ck_assert(co < pos(t, "it@initech.example") && pos(t, "it@initech.example") < sl);
    ck_assert(sl < pos(t, "ops@umbrella.example"));
    ck_assert(pos(h, ">Stalled (2)<") < pos(h, ">Cooling (1)<"));
    ck_assert(pos(h, ">Cooling (1)<") < pos(h, ">Slowed (1)<"));

    ck_assert_contains(t, "These deals went quiet or slow");
    ck_assert_contains(t, "* buyer@acme.example  [new]\n  Proposal for Q1\n");
    ck_assert_contains(t, "* cfo@globex.example  [ongoing]\n  (no subject stored)\n");
    ck_assert_contains(t, "* ops@umbrella.example  [new]\n");
    ck_assert_contains(t, "Enthusiastic message Thu 13 Nov, score 0.91 (amazing, can't wait)");
    ck_assert_contains(t, "Silent 9 days " EM " usually replies within 1 day (in this thread)");
    ck_assert_contains(t, "Silent 12 days " EM " usually replies within 1 day (in this thread)");
    ck_assert_contains(t, "Silent 4 days " EM " usually replies within 2 hours (in this thread)");
    ck_assert_contains(t, "Replied after 5 days " EM " usually 1 day (in this thread)");
    ck_assert_lacks(t, "No earlier replies"); /* a usual from the thread exists */
    /* One line of advice per deal, by state. */
    ck_assert_uint_eq(count(t, "A calm, short question about where they stand"), 2);
    ck_assert_uint_eq(count(t, "ask what would help them decide"), 1);
    ck_assert_uint_eq(count(t, "let them convince themselves"), 1);
    ck_assert_uint_eq(count(h, "A calm, short question about where they stand"), 2);
    ck_assert_uint_eq(count(h, "let them convince themselves"), 1);

    /* The HTML says the same, with inline CSS only and no images. */
    ck_assert_contains(h, "buyer@acme.example");
    ck_assert_contains(h, ">new</span>");
    ck_assert_contains(h, ">ongoing</span>");
    ck_assert_contains(h, "(no subject stored)");
    ck_assert_contains(h, "Silent 9 days " EM " usually replies within 1 day (in this thread)");
    ck_assert_contains(h, "score 0.91 (amazing, can&#39;t wait)");
    ck_assert_contains(h, "max-width:600px");
    ck_assert_contains(h, "<meta name=\"viewport\"");
    ck_assert_lacks(h, "<style");
    ck_assert_lacks(h, "<img");
    ck_assert_lacks(h, "http://");
    ck_assert_lacks(h, "https://");
    parsed_free(&p);
    dt_buf_free(&b);
}
END_TEST

START_TEST(bar_chart_proportional)
{
    struct dt_config cfg = config("en", NULL);
    struct dt_digest_item it = item(DT_STATE_COOLING, false, "a@b.example", "x", NULL);
    latencies(&it, 2, (const long[]){DAY, 2 * DAY});
    it.silent_s = 4 * DAY;
    struct dt_digest d = {.rep = "ann@corp.example", .as_of = AS_OF, .items = &it, .n_items = 1};
    struct dt_buf b = render(&d, &cfg);
    struct parsed p;
    parse(b.data, b.len, &p);
    /* text: 24 columns for the longest; the current silence last and marked */
    ck_assert_contains(p.part[0],
                       "Reply times, oldest first:\n"
                       "     1 day " BAR BAR BAR BAR BAR BAR "\n"
                       "    2 days " BAR BAR BAR BAR BAR BAR BAR BAR BAR BAR BAR BAR "\n"
                       "    4 days " HBAR HBAR HBAR HBAR HBAR HBAR HBAR HBAR HBAR HBAR HBAR HBAR
                           HBAR HBAR HBAR HBAR HBAR HBAR HBAR HBAR HBAR HBAR HBAR HBAR
                       " \xe2\x86\x90 now\n");
    /* HTML: widths in proportion, the last bar in the state's colour */
    const char *h = p.part[1];
    size_t w25 = pos(h, "width=\"25%\""), w50 = pos(h, "width=\"50%\""),
           w100 = pos(h, "width=\"100%\" style=\"width:100%;\"><tr><td height=\"10\" "
                         "bgcolor=\"#2471a3\"");
    ck_assert(w25 < w50 && w50 < w100);
    ck_assert_contains(h, ">now 4 days</td>");
    parsed_free(&p);
    dt_buf_free(&b);
}
END_TEST

START_TEST(html_escaping)
{
    struct dt_config cfg = config("en", NULL);
    struct dt_digest_item it = item(DT_STATE_STALLED, true, "\"Evil\" <x@y.example>",
                                    "<script>alert(1)</script> & co", "<b>wow</b>, it's \"great\"");
    it.silent_s = 8 * DAY;
    struct dt_digest d = {.rep = "ann@corp.example", .as_of = AS_OF, .items = &it, .n_items = 1};
    struct dt_buf b = render(&d, &cfg);
    struct parsed p;
    parse(b.data, b.len, &p);
    const char *h = p.part[1];
    ck_assert_contains(h, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co");
    ck_assert_contains(h, "&quot;Evil&quot; &lt;x@y.example&gt;");
    ck_assert_contains(h, "(&lt;b&gt;wow&lt;/b&gt;, it&#39;s &quot;great&quot;)");
    ck_assert_lacks(h, "<script");
    ck_assert_lacks(h, "<b>");
    /* the text part shows them as they are */
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
    ck_assert_contains(p.part[0], "  Hello Bcc: evil@attacker.example X\n");
    ck_assert_contains(p.part[0], "bad \xef\xbf\xbd\xef\xbf\xbd bytes, desrever");
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
    ck_assert_str_eq(p.subject, "3 deals koelen af na enthousiasme " EM " 20 nov");
    const char *t = p.part[0], *h = p.part[1];
    ck_assert(pos(t, "== Vastgelopen (2) ==") < pos(t, "== Koelt af (1) =="));
    ck_assert_lacks(t, "Trager");
    ck_assert_contains(t, "[nieuw]");
    ck_assert_contains(t, "[loopt al]");
    ck_assert_contains(t, "(onderwerp niet bewaard)");
    ck_assert_contains(t, "Enthousiast bericht do 13 nov, score 0,91 (amazing, can't wait)");
    ck_assert_contains(t, "9 dagen stil " EM " antwoordt meestal binnen 1 dag (in deze thread)");
    ck_assert_contains(t, "4 dagen stil " EM " antwoordt meestal binnen 2 uur (in deze thread)");
    ck_assert_contains(t, "Een rustige, korte vraag naar waar ze staan");
    ck_assert_contains(t, "Antwoordtijden, oudste eerst:");
    ck_assert_lacks(t, "Stalled");
    ck_assert_lacks(t, "usually");
    ck_assert_contains(h, "<html lang=\"nl\">");
    ck_assert_contains(h, ">Vastgelopen (2)<");
    ck_assert_contains(h, "Geef ze ruimte");
    parsed_free(&p);
    dt_buf_free(&b);

    /* singular and the slowed section */
    struct dt_digest_item one = item(DT_STATE_SLOWED, true, "a@b.example", "x", NULL);
    one.reply_s = 5 * DAY;
    struct dt_digest d1 = {.rep = "ann@corp.example", .as_of = AS_OF, .items = &one, .n_items = 1};
    b = render(&d1, &cfg);
    parse(b.data, b.len, &p);
    ck_assert_str_eq(p.subject, "1 deal koelt af na enthousiasme " EM " 20 nov");
    ck_assert_contains(p.part[0], "== Trager (1) ==");
    ck_assert_contains(p.part[0], "Antwoordde na 5 dagen " EM " meestal 1 dag (in deze thread)");
    ck_assert_contains(p.part[0], "laat ze zichzelf overtuigen");
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
        {"nl", "Geen deals koelen af na enthousiasme " EM " 20 nov",
         "Geen deals afgekoeld na enthousiasme " EM " lekker rustig."},
    };
    struct dt_config cfg = config(cases[_i].lang, NULL);
    struct dt_digest d = {.rep = "ann@corp.example", .as_of = AS_OF, .items = NULL, .n_items = 0};
    struct dt_buf b = render(&d, &cfg);
    struct parsed p;
    parse(b.data, b.len, &p);
    ck_assert_str_eq(p.subject, cases[_i].subject);
    ck_assert_contains(p.part[0], cases[_i].says);
    ck_assert_contains(p.part[1], cases[_i].says);
    ck_assert_lacks(p.part[0], "==");
    ck_assert_lacks(p.part[1], "<h2");
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
    tcase_add_test(tc, bar_chart_proportional);
    tcase_add_test(tc, html_escaping);
    tcase_add_test(tc, hostile_store_strings);
    tcase_add_test(tc, dutch);
    tcase_add_loop_test(tc, empty_digest, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_test_run(suite());
}
