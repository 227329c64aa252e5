/*
 * check_html.c - HTML -> text (html.c): entities, blocks, dropped elements,
 * quoted-reply containers of the common mail clients, malformed markup,
 * and that the output is valid UTF-8 whatever comes in.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dealtemp/html.h"
#include "dealtemp/utf8.h"
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
    suite_add_tcase(s, tc);
    tc = tcase_create("large");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, large_inputs_are_linear, 0, 8);
    suite_add_tcase(s, tc);
    return dt_test_run(s);
}
