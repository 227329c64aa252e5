/*
 * check_html.c - HTML -> text (html.c): entities, blocks, dropped elements,
 * quoted-reply containers of the common mail clients, malformed markup,
 * and that the output is valid UTF-8 whatever comes in. The text of every
 * hostile family of tests/support/html_families.h, small and large (their
 * time is check_complexity_html.c's), and of real mail HTML from Gmail,
 * Outlook on the web, Outlook for Windows and Apple Mail.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dealtemp/html.h"
#include "dealtemp/quote.h"
#include "dealtemp/utf8.h"
#include "html_families.h"
#include "testutil.h"

/* The text of html (a C string), owned by a static buffer reused per call. */
static const char *text_of(const char *html)
{
    static struct dt_buf b = DT_BUF_INIT;
    dt_buf_free(&b);
    dt_html_to_text(html, strlen(html), &b);
    ck_assert(!dt_buf_failed(&b));
    ck_assert(dt_utf8_valid(b.data != NULL ? b.data : "", b.len));
    return b.data != NULL ? b.data : "";
}

static const struct {
    const char *html, *text;
} cases[] = {
    /* plain text and white space */
    {"", ""},
    {"Hello world", "Hello world\n"},
    {"  Hello \t\r\n   world  ", "Hello world\n"},
    {"a&nbsp;&nbsp; b\xc2\xa0\xc2\xa0"
     "c",
     "a b c\n"},
    {"zero\xe2\x80\x8bwidth\xef\xbb\xbf soft\xc2\xadhyphen", "zerowidth softhyphen\n"},
    /* named entities */
    {"&amp; &lt; &gt; &quot; &apos;", "& < > \" '\n"},
    {"&euro;5 &hellip; &mdash; &ndash; &lsquo;x&rsquo; &ldquo;y&rdquo; &bull; &trade;",
     "\xe2\x82\xac"
     "5 \xe2\x80\xa6 \xe2\x80\x94 \xe2\x80\x93 \xe2\x80\x98x\xe2\x80\x99 "
     "\xe2\x80\x9cy\xe2\x80\x9d \xe2\x80\xa2 \xe2\x84\xa2\n"},
    {"caf&eacute; &Eacute;T&Eacute; na&iuml;ve &szlig; &yuml; &copy; &frac12;",
     "caf\xc3\xa9 \xc3\x89T\xc3\x89 na\xc3\xafve \xc3\x9f \xc3\xbf \xc2\xa9 \xc2\xbd\n"},
    /* numeric entities */
    {"&#233; &#8364; &#128512; &#39;", "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 '\n"},
    {"&#xE9; &#X20AC; &#x1F680; &#x27;", "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\x80 '\n"},
    {"&#150; &#128; &#153;", "\xe2\x80\x93 \xe2\x82\xac \xe2\x84\xa2\n"}, /* Windows-1252 range */
    {"&#65&#66; &#x43", "AB C\n"},                                        /* ';' missing */
    /* invalid entities */
    {"&#0; &#xD800; &#x110000; &#99999999999999;",
     "\xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd\n"},
    {"&bogus; AT&T R&D &; &#; &#x; & x", "&bogus; AT&T R&D &; &#; &#x; & x\n"},
    {"&amp fish &nbspchips &euro no &copyright", "& fish chips &euro no \xc2\xa9right\n"},
    {"&AMP; &Amp; &Eacute; &eacute;", "& &Amp; \xc3\x89 \xc3\xa9\n"}, /* case-sensitive names */
    /* block elements */
    {"<p>one</p><p>two</p>", "one\n\ntwo\n"},
    {"a<br>b<br/>c<BR >d", "a\nb\nc\nd\n"},
    {"a<br><br><br><br><br>b", "a\n\nb\n"},
    {"<div>Hi Jan,</div><div><br></div><div>Great news!</div>", "Hi Jan,\n\nGreat news!\n"},
    {"<ul><li>one</li><li>two</li></ul>after", "one\ntwo\n\nafter\n"},
    {"<table><tr><td>Price</td><td>10</td></tr><tr><td>VAT</td><td>2</td></tr></table>",
     "Price 10\nVAT 2\n"},
    {"<h1>Title</h1>text<h2>Sub</h2>", "Title\n\ntext\n\nSub\n"},
    {"in<span>line</span> <b>bold</b><i>it</i>", "inline boldit\n"},
    {"<pre>  keep\n    this</pre>x", "  keep\n    this\n\nx\n"},
    {"Regards,<br>\n-- <br>\nAnn Rep", "Regards,\n-- \nAnn Rep\n"}, /* signature marker kept */
    /* dropped with their content */
    {"a<script>if (x < 1) { document.write('</p>bad'); }</script>b", "ab\n"},
    {"a<style type=\"text/css\">p { color: red; } </style>b", "ab\n"},
    {"<html><head><title>T</title><meta charset=utf-8></head><body>text</body></html>", "text\n"},
    {"<head><title>T</title><body>unclosed head</body>", "unclosed head\n"},
    /* the head ends at <body> even when a "</head>" follows the body's text */
    {"<head><style>p{}</style><body>text</body></head>more", "text\nmore\n"},
    {"<head>no body, no end: read", "no body, no end: read\n"},
    {"a<!-- comment <p>not here</p> -->b", "ab\n"},
    {"a<!-->b<!--->c<!---->d", "abcd\n"}, /* empty comments, as browsers read them */
    {"<!--[if mso]><p>mso only</p><![endif]-->shown", "shown\n"},
    {"<!DOCTYPE html><?xml version=\"1.0\"?>x", "x\n"},
    {"<SCRIPT>x</SCRIPT>y<STYLE>z</Style>", "y\n"},
    /* quoted replies */
    {"Mine<blockquote>theirs<blockquote>older</blockquote>still theirs</blockquote>mine again",
     "Mine\nmine again\n"},
    {"<div>Reply</div><div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">On Mon "
     "wrote:<br></div><blockquote class=\"gmail_quote\"><div>old</div></blockquote></div>"
     "<div>after</div>",
     "Reply\nafter\n"},
    {"<div>Yes</div><div class=\"gmail_quote gmail_quote_container\"><div>q</div></div>", "Yes\n"},
    {"<p>Thanks</p><div id=\"appendonsend\"></div><hr><div id=\"divRplyFwdMsg\"><b>From:</b> "
     "x</div><div>old text</div>",
     "Thanks\n"},
    {"<p>Thanks</p><hr><div id=\"x_divRplyFwdMsg\">From: x</div>old", "Thanks\n"},
    {"Apple<blockquote type=\"cite\">cited</blockquote>", "Apple\n"},
    {"TB<div class=\"moz-cite-prefix\">On 1/1 X wrote:<br></div><blockquote type=cite>q"
     "</blockquote>end",
     "TB\nend\n"},
    {"Y!<div class=\"yahoo_quoted\"><div>q</div></div>", "Y!\n"},
    {"<div class='notgmail_quote'>kept</div>", "kept\n"},
    /* malformed */
    {"<p>a<b>bold<i>italic", "abolditalic\n"},
    {"5 < 6 and x<3 <<wow>>", "5 < 6 and x<3 <>\n"},
    {"text <a href=\"x", "text\n"},
    {"<a href=\"x>link</a> more", "link more\n"},
    /* after a tag that ran into the end, quotes in later tags are plain characters */
    {"<a href=\"x>link</a> <span title='a>b'>more</span>", "link b'>more\n"},
    {"<a x='>'<a x='>'<b y=\"never closed", "''\n"},
    {"<a title='a>b' href=x>ok</a>", "ok\n"},
    {"a<!-- never closed b", "a\n"},
    {"a<script>never closed", "a\n"},
    {"before<blockquote>quoted forever", "before\n"},
    {"a</p>b</div>c</blockquote>d", "a\n\nb\nc\n\nd\n"},
    {"a<verylongtagnamethatgoesonandon>b</verylongtagnamethatgoesonandon>c", "abc\n"},
    {"<p\nclass=x\n>multi-line tag</p>", "multi-line tag\n"},
    {"\xff\xfe<p>caf\xe9</p>", "\xef\xbf\xbd\xef\xbf\xbd\n\ncaf\xef\xbf\xbd\n"},
};

START_TEST(converts)
{
    const char *got = text_of(cases[_i].html);
    ck_assert_msg(strcmp(got, cases[_i].text) == 0, "html: %s\ngot:  [%s]\nwant: [%s]",
                  cases[_i].html, got, cases[_i].text);
}
END_TEST

START_TEST(appends_without_touching_existing_text)
{
    struct dt_buf b = DT_BUF_INIT;
    dt_buf_puts(&b, "prefix  ");
    dt_html_to_text("<p>x</p>", 8, &b);
    ck_assert_str_eq(b.data, "prefix  x\n");
    dt_html_to_text("", 0, &b);
    ck_assert_str_eq(b.data, "prefix  x\n");
    dt_buf_free(&b);
}
END_TEST

START_TEST(length_is_respected)
{
    /* The input is not NUL-terminated: nothing past len may be read or used. */
    char html[] = "<p>visible</p>INVISIBLE";
    struct dt_buf b = DT_BUF_INIT;
    dt_html_to_text(html, 14, &b);
    ck_assert_str_eq(b.data, "visible\n");
    dt_buf_free(&b);

    char *exact = malloc(6);
    memcpy(exact, "<head>", 6); /* an unclosed head at the very end */
    dt_html_to_text(exact, 6, &b);
    ck_assert_uint_eq(b.len, 0);
    memcpy(exact, "a&#x1F", 6);
    dt_html_to_text(exact, 6, &b);
    ck_assert_str_eq(b.data, "a\n"); /* U+001F is a control character: dropped */
    free(exact);
    dt_buf_free(&b);
}
END_TEST

/* ---- hostile families (tests/support/html_families.h) ---------------------- */

/* The text of each family at two units: what its shape means to html.c. */
static const struct {
    const char *family, *text;
} family_texts[] = {
    {"head", "end\n"},
    {"head-title", "end\n"},
    {"head-text", "words words\n\nend\n"},
    {"style", ""},
    {"style-near-close", "p{}end\n"},
    {"script", ""},
    {"title", ""},
    {"textarea", ""},
    {"template", ""},
    {"xml", ""},
    {"svg", ""},
    {"comment", ""},
    {"comment-near-close", ""},
    {"comment-closed", "y y\n\nend\n"},
    {"mso-conditional", "end\n"},
    {"cdata", "end\n"},
    {"bang", "end\n"},
    {"processing-instr", "end\n"},
    {"attr-gt-in-quote", "''\n"},
    {"attr-gt-in-quote-eof", "''\n"},
    {"attr-dq-open", "end\n"},
    {"attr-sq-open", "y\n\nend\n"},
    {"attr-mixed-quotes", "end\n"},
    {"attr-equals", "end\n"},
    {"attr-many", "text\n"},
    {"class-words", ""},
    {"blockquote-nested", "end\n"},
    {"blockquote-open", ""},
    {"div-nested", "deep text\n\nend\n"},
    {"div-open", "x\nx\n\nend\n"},
    {"div-mismatch", "deep text\n\nend\n"},
    {"gmail-quote-nested", "end\n"},
    {"gmail-quote-siblings", "mine\nmine\n\nend\n"},
    {"outlook-divs", "x\nx\n\nend\n"},
    {"table-open", "end\n"},
    {"pre", " a \n\n a \n\nend\n"},
    {"formatting", "x\n"},
    {"anchor-open", "end\n"},
    {"amp", "&&\n\nend\n"},
    {"amp-legacy", "&&\n\nend\n"},
    {"amp-bare", "&&\n\nend\n"},
    {"amp-unknown", "&zzzzzzzzzz;&zzzzzzzzzz;\n\nend\n"},
    {"amp-numeric", "\xf0\x9f\x98\x80\xc3\xa9\xf0\x9f\x98\x80\xc3\xa9\n\nend\n"},
    {"amp-hash", "&#&#\n\nend\n"},
    {"amp-digits", "c end\n"},
    {"long-tag-name", "x end\n"},
    {"long-attr-name", "end\n"},
    {"lt", "<<\n\nend\n"},
    {"lt-a", "end\n"},
    {"lt-slash", "</</\n\nend\n"},
    {"lt-slash-a", "end\n"},
    {"lt-head", "end\n"},
    {"lt-close-head", "end\n"},
    {"ordinary", "Hi Anna, thanks for the call \xe2\x80\x93 we're glad to hear the pilot went "
                 "well.\n\nPrice \xe2\x82\xac 12,000\n\nHi Anna, thanks for the call \xe2\x80\x93 "
                 "we're glad to hear the pilot went well.\n\nPrice \xe2\x82\xac 12,000\n\nend\n"},
};

/* The text of family f at n units, into out (reset first). */
static void family_text(size_t f, size_t n, struct dt_buf *out)
{
    struct dt_buf in = DT_BUF_INIT;
    dt_html_families[f].gen(n, &in);
    dt_buf_reset(out);
    dt_html_to_text(in.data, in.len, out);
    ck_assert(!dt_buf_failed(&in) && !dt_buf_failed(out));
    ck_assert(dt_utf8_valid(out->data != NULL ? out->data : "", out->len));
    dt_buf_free(&in);
}

START_TEST(hostile_family_small)
{
    ck_assert_uint_eq(sizeof(family_texts) / sizeof(family_texts[0]), DT_HTML_N_FAMILIES);
    ck_assert_str_eq(family_texts[_i].family, dt_html_families[_i].name);
    struct dt_buf out = DT_BUF_INIT;
    family_text((size_t)_i, 2, &out);
    const char *got = out.data != NULL ? out.data : "";
    ck_assert_msg(strcmp(got, family_texts[_i].text) == 0, "%s:\ngot:  [%s]\nwant: [%s]",
                  family_texts[_i].family, got, family_texts[_i].text);
    dt_buf_free(&out);
}
END_TEST

/*
 * At 20,000 units (20 KB to a few MB of input) a family's text is its small
 * text stretched: the length grows by the same step per two units as from
 * 4 to 6 units, and it ends as the small text does (the "end" after the
 * flood is reached, or swallowed, at any size).
 */
START_TEST(hostile_family_large)
{
    const size_t big = 20000;
    const char *name = dt_html_families[_i].name;
    struct dt_buf out = DT_BUF_INIT;
    if (strcmp(name, "amp-digits") == 0) {
        /* 16 digits are read, the value saturates to U+FFFD, the rest is text. */
        family_text((size_t)_i, big, &out);
        ck_assert_uint_eq(out.len, 3 + (big - 16) + 6);
        ck_assert(memcmp(out.data, "\xef\xbf\xbd", 3) == 0 && out.data[3] == '9');
        ck_assert_str_eq(out.data + out.len - 6, "; end\n");
        dt_buf_free(&out);
        return;
    }
    family_text((size_t)_i, 4, &out);
    size_t l4 = out.len;
    family_text((size_t)_i, 6, &out);
    size_t l6 = out.len;
    family_text((size_t)_i, big, &out);
    ck_assert_msg(out.len == l4 + (big - 4) / 2 * (l6 - l4),
                  "%s: %zu bytes at %zu units, %zu at 4, %zu at 6", name, out.len, big, l4, l6);
    size_t tl = strlen(family_texts[_i].text), k = tl < 6 ? tl : 6;
    ck_assert_msg(k == 0 || (out.len >= k && memcmp(out.data + out.len - k,
                                                    family_texts[_i].text + tl - k, k) == 0),
                  "%s: the large text ends differently from the small one", name);
    dt_buf_free(&out);
}
END_TEST

/* ---- real mail HTML ------------------------------------------------------------ */

/* The text of a fixture file. Caller frees. */
static char *file_text(const char *path)
{
    size_t n;
    char *html = dt_test_slurp(path, &n);
    struct dt_buf b = DT_BUF_INIT;
    dt_html_to_text(html, n, &b);
    free(html);
    ck_assert(!dt_buf_failed(&b));
    return b.data != NULL ? b.data : strdup("");
}

/* What quote removal keeps of text (its contract: no final line break). */
static char *own_words(const char *text)
{
    struct dt_buf b = DT_BUF_INIT;
    dt_quote_strip(text, strlen(text), &b, NULL);
    ck_assert(!dt_buf_failed(&b));
    return b.data != NULL ? b.data : strdup("");
}

START_TEST(apple_mail_reply)
{
    /* Apple Mail: the attribution sits inside <blockquote type="cite">, tabs in
     * Apple-tab-spans, the signature's "--&nbsp;" must stay a "-- " line. */
    char *t = file_text("tests/data/html-apple-reply.html");
    ck_assert_str_eq(t,
                     "Hi Sophie,\n\n"
                     "Thanks for the revised quote – that was quick! We’ll go through it with "
                     "finance on Thursday and I’ll get back to you by Friday.\n\n"
                     "Two small things:\n"
                     "• can the onboarding start in January?\n"
                     "• is the 5 % discount still valid for a 2-year term?\n\n"
                     "Best,\nTom\n\n"
                     "-- \nTom Becker\nHead of Operations · Brightwell GmbH\n+49 30 1234 5678\n");
    char *own = own_words(t);
    ck_assert_str_eq(own, "Hi Sophie,\n\n"
                          "Thanks for the revised quote – that was quick! We’ll go through it with "
                          "finance on Thursday and I’ll get back to you by Friday.\n\n"
                          "Two small things:\n"
                          "• can the onboarding start in January?\n"
                          "• is the 5 % discount still valid for a 2-year term?\n\n"
                          "Best,\nTom");
    free(own);
    free(t);
}
END_TEST

START_TEST(outlook_word_reply_with_vml)
{
    /* Outlook for Windows (Word HTML): VML in conditional comments, downlevel-revealed
     * <![if !vml]>, Office namespaces, a <style> in a comment. No reply marker: the
     * quote starts at the Von:/Gesendet: block, which quote removal finds as lines. */
    char *t = file_text("tests/data/html-outlook-vml.html");
    ck_assert_str_eq(t, "Hallo Frau Berger,\n\n"
                        "vielen Dank für Ihre Rückmeldung. Die Schulung können wir gern auf den "
                        "12. November verschieben; die übrigen Termine bleiben wie besprochen.\n\n"
                        "Das Angebot über 14.500 € gilt bis Monatsende.\n\n"
                        "Mit freundlichen Grüßen\n\nJonas Keller\n\n"
                        "Von: Anna Berger <anna.berger@kunde.example>\n"
                        "Gesendet: Montag, 20. Oktober 2025 14:03\n"
                        "An: Jonas Keller <jonas.keller@anbieter.example>\n"
                        "Betreff: Schulungstermin\n\n"
                        "QUOTED-SENTINEL Guten Tag Herr Keller,\n\n"
                        "können wir die Schulung um eine Woche verschieben?\n");
    char *own = own_words(t);
    ck_assert_str_eq(own,
                     "Hallo Frau Berger,\n\n"
                     "vielen Dank für Ihre Rückmeldung. Die Schulung können wir gern auf den "
                     "12. November verschieben; die übrigen Termine bleiben wie besprochen.\n\n"
                     "Das Angebot über 14.500 € gilt bis Monatsende.\n\n"
                     "Mit freundlichen Grüßen\n\nJonas Keller");
    free(own);
    free(t);
}
END_TEST

START_TEST(gmail_and_outlook_web_messages)
{
    /* The two HTML-only messages of check_mime, through mime.c: quotes gone as before. */
    struct dt_message *m = dt_test_parse_file("tests/data/mime-html-gmail.eml");
    ck_assert_str_eq(m->text, "Hi Daniel,\n\nGreat news – legal signed off on the contract & "
                              "we're ready to go! The first invoice will be €12,000 (net 30).\n\n"
                              "Café meeting on Friday? I’ll bring the paperwork 🎉\n\n"
                              "Cheers,\nOlivia\n");
    dt_message_free(m);
    m = dt_test_parse_file("tests/data/mime-html-outlook.eml");
    ck_assert_str_eq(m->text, "Beste Kees,\n\nDank voor je snelle reactie! Wij zijn ontzettend "
                              "blij met jullie keuze voor het jaarcontract. Ik stuur vandaag nog "
                              "de definitieve offerte (€ 18.400) en de planning.\n\n"
                              "Met vriendelijke groet,\nRuben\n");
    dt_message_free(m);
}
END_TEST

/* Random markup-heavy bytes: never a crash, never invalid UTF-8, always linear. */
START_TEST(random_input_gives_valid_utf8)
{
    static const char *const pieces[] = {"<",
                                         ">",
                                         "</",
                                         "<p>",
                                         "<div class=\"gmail_quote\">",
                                         "</div>",
                                         "<blockquote>",
                                         "&",
                                         "&#",
                                         "&#x",
                                         ";",
                                         "&amp;",
                                         "<!--",
                                         "-->",
                                         "\"",
                                         "'",
                                         "=",
                                         "<script>",
                                         "</script>",
                                         "<br>",
                                         "\xc3",
                                         "\xa9",
                                         "\xff",
                                         "\xe2\x82",
                                         "text ",
                                         " ",
                                         "\n",
                                         "<pre>",
                                         "</pre>",
                                         "<head>",
                                         "x"};
    uint32_t seed = 12345u + (uint32_t)_i;
    struct dt_buf in = DT_BUF_INIT, out = DT_BUF_INIT;

    for (int round = 0; round < 200; round++) {
        dt_buf_reset(&in);
        dt_buf_free(&out);
        int n = (int)(seed % 300);
        for (int k = 0; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            dt_buf_puts(&in, pieces[(seed >> 16) % (sizeof(pieces) / sizeof(pieces[0]))]);
        }
        dt_html_to_text(in.data != NULL ? in.data : "", in.len, &out);
        ck_assert(!dt_buf_failed(&out));
        ck_assert(dt_utf8_valid(out.data != NULL ? out.data : "", out.len));
        ck_assert_uint_le(out.len, in.len * 3 + 1); /* U+FFFD is 3 bytes per bad byte */
    }
    dt_buf_free(&in);
    dt_buf_free(&out);
}
END_TEST

START_TEST(large_inputs_are_linear)
{
    /* Pathological shapes repeated 200,000 times; quadratic work would not finish. */
    static const char *const units[] = {"<div>", "<a href=\"x\">", "&#x1F600;", "<<",
                                        "<!-",   "<blockquote>",   "<head>",    "<a x='>'"};
    size_t reps = 200000;
    const char *u = units[_i];
    size_t ul = strlen(u);
    char *big = malloc(reps * ul);
    for (size_t k = 0; k < reps; k++)
        memcpy(big + k * ul, u, ul);
    struct dt_buf b = DT_BUF_INIT;
    dt_html_to_text(big, reps * ul, &b);
    ck_assert(!dt_buf_failed(&b));
    ck_assert(dt_utf8_valid(b.data != NULL ? b.data : "", b.len));
    dt_buf_free(&b);
    free(big);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("html");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, converts, 0, sizeof(cases) / sizeof(cases[0]));
    tcase_add_test(tc, appends_without_touching_existing_text);
    tcase_add_test(tc, length_is_respected);
    tcase_add_loop_test(tc, random_input_gives_valid_utf8, 0, 5);
    tcase_add_loop_test(tc, hostile_family_small, 0, (int)DT_HTML_N_FAMILIES);
    tcase_add_test(tc, apple_mail_reply);
    tcase_add_test(tc, outlook_word_reply_with_vml);
    tcase_add_test(tc, gmail_and_outlook_web_messages);
    suite_add_tcase(s, tc);
    tc = tcase_create("large");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, large_inputs_are_linear, 0, 8);
    tcase_add_loop_test(tc, hostile_family_large, 0, (int)DT_HTML_N_FAMILIES);
    suite_add_tcase(s, tc);
    return dt_test_run(s);
}
