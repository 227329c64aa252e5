/*
 * html_families.h - hostile HTML, one generator per family (n -> an input
 * of about n units). Shared by tests/check_complexity_html.c, which holds
 * html.c to linear time on each, and tests/bench/html_compare.c, which
 * measured html.c against libxml2's and Gumbo's parsers on the same inputs.
 *
 * Who writes such HTML: anyone who can send mail to the company. Text is
 * extracted before the direction check, so every inbound message reaches
 * html.c, and scan_limit (256 KB by default) is the only bound on its size.
 * Each family is a shape that makes a naive extractor rescan the rest of
 * the document, walk a stack or a list per unit, or build a tree bigger than
 * its input: unclosed elements of every kind, comments and CDATA that never
 * end, unbalanced quotes, deep nesting, entity and '<' floods, long names.
 */
#ifndef DEALTEMP_TEST_HTML_FAMILIES_H
#define DEALTEMP_TEST_HTML_FAMILIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dealtemp/buf.h"

static inline void dt_fam_rep(struct dt_buf *b, const char *unit, size_t n)
{
    for (size_t k = 0; k < n; k++)
        dt_buf_puts(b, unit);
}

static inline void dt_fam_chars(struct dt_buf *b, char c, size_t n)
{
    for (size_t k = 0; k < n; k++)
        dt_buf_putc(b, c);
}

/* n copies of one unit, then some text that must still be reached or not. */
#define DT_FAM_REP(fn, unit)                                                                       \
    static inline void fn(size_t n, struct dt_buf *b)                                              \
    {                                                                                              \
        dt_fam_rep(b, (unit), n);                                                                  \
        dt_buf_puts(b, "<p>end</p>");                                                              \
    }

/* n openers, some text, n closers. */
#define DT_FAM_NEST(fn, open, close)                                                               \
    static inline void fn(size_t n, struct dt_buf *b)                                              \
    {                                                                                              \
        dt_fam_rep(b, (open), n);                                                                  \
        dt_buf_puts(b, "deep text");                                                               \
        dt_fam_rep(b, (close), n);                                                                 \
        dt_buf_puts(b, "<p>end</p>");                                                              \
    }

/* ---- unclosed elements whose content is dropped --------------------------- */
DT_FAM_REP(dt_fam_head, "<head>")
DT_FAM_REP(dt_fam_head_title, "<head><title>t</title><meta charset=utf-8>")
DT_FAM_REP(dt_fam_head_text, "<head>words ")
DT_FAM_REP(dt_fam_style, "<style>")
DT_FAM_REP(dt_fam_style_near, "<style>p{}</styl></style ")
DT_FAM_REP(dt_fam_script, "<script>")
DT_FAM_REP(dt_fam_title, "<title>")
DT_FAM_REP(dt_fam_textarea, "<textarea>")
DT_FAM_REP(dt_fam_template, "<template>")
DT_FAM_REP(dt_fam_xml, "<xml><o:OfficeDocumentSettings>")
DT_FAM_REP(dt_fam_svg, "<svg>")
/* ---- comments, CDATA, declarations ----------------------------------------- */
DT_FAM_REP(dt_fam_comment, "<!--")
DT_FAM_REP(dt_fam_comment_near, "<!-- a -- b --!")
DT_FAM_REP(dt_fam_comment_closed, "<!-- x -->y ")
DT_FAM_REP(dt_fam_mso, "<!--[if mso]><p>mso</p><![endif]--><!--[if !mso]><!-->")
DT_FAM_REP(dt_fam_cdata, "<![CDATA[")
DT_FAM_REP(dt_fam_bang, "<!")
DT_FAM_REP(dt_fam_pi, "<?xml ")
/* ---- attributes ------------------------------------------------------------- */
/* '>' inside a quoted value, and a quote at the end that never closes: a
 * tokenizer that retries each failed tag at its first '>' walks the rest
 * of the document again, once per tag. */
static inline void dt_fam_attr_gt_in_quote(size_t n, struct dt_buf *b)
{
    dt_fam_rep(b, "<a x='>'", n);
    dt_buf_puts(b, "<b y=\"end");
}

/* The same, ended by the end of the input inside a tag. */
static inline void dt_fam_attr_gt_in_quote_eof(size_t n, struct dt_buf *b)
{
    dt_fam_rep(b, "<a x='>'", n);
    dt_buf_puts(b, "<b y=end");
}
DT_FAM_REP(dt_fam_attr_dq_open, "<a href=\"")
DT_FAM_REP(dt_fam_attr_sq_open, "<a href='x>y ")
DT_FAM_REP(dt_fam_attr_mixed, "<p class=\"a' title='b\">")
DT_FAM_REP(dt_fam_attr_eq, "<a ==\"=\"=")

/* One tag with n attributes (a duplicate check per attribute is quadratic). */
static inline void dt_fam_attr_many(size_t n, struct dt_buf *b)
{
    dt_buf_puts(b, "<div");
    for (size_t k = 0; k < n; k++)
        dt_buf_printf(b, " a%zu=1", k);
    dt_buf_puts(b, ">text</div>");
}

/* One class attribute with n words (none of them a quote marker). */
static inline void dt_fam_class_words(size_t n, struct dt_buf *b)
{
    dt_buf_puts(b, "<div class=\"");
    dt_fam_rep(b, "gmail_quotex ", n);
    dt_buf_puts(b, "\">text</div>");
}

/* ---- nesting ---------------------------------------------------------------- */
DT_FAM_NEST(dt_fam_blockquote, "<blockquote>", "</blockquote>")
DT_FAM_REP(dt_fam_blockquote_open, "<blockquote>")
DT_FAM_NEST(dt_fam_div, "<div>", "</div>")
DT_FAM_REP(dt_fam_div_open, "<div>x")
DT_FAM_NEST(dt_fam_div_mismatch, "<div>", "</span>")
DT_FAM_NEST(dt_fam_gmail_quote, "<div class=\"gmail_quote\">", "</div>")
DT_FAM_REP(dt_fam_gmail_sibling, "<div class=\"gmail_quote\">q</div>mine ")
DT_FAM_REP(dt_fam_outlook_div, "<div dir=ltr><font size=2><span>x</span></font>")
DT_FAM_REP(dt_fam_table, "<table><tr><td>")
DT_FAM_REP(dt_fam_pre, "<pre> a \n")

/* Formatting elements with distinct attributes, then paragraphs: an HTML5
 * tree builder reconstructs every one of them in every paragraph. */
static inline void dt_fam_formatting(size_t n, struct dt_buf *b)
{
    dt_buf_puts(b, "<p>");
    for (size_t k = 0; k < n / 2; k++)
        dt_buf_printf(b, "<font id=%zu>", k);
    dt_fam_rep(b, "<p>x", n - n / 2);
}

DT_FAM_REP(dt_fam_anchor, "<a href=x>")

/* ---- entities ---------------------------------------------------------------- */
DT_FAM_REP(dt_fam_amp, "&amp;")
DT_FAM_REP(dt_fam_amp_legacy, "&amp")
DT_FAM_REP(dt_fam_amp_bare, "&")
DT_FAM_REP(dt_fam_amp_unknown, "&zzzzzzzzzz;")
DT_FAM_REP(dt_fam_amp_num, "&#x1F600;&#233;")
DT_FAM_REP(dt_fam_amp_hash, "&#")

/* One numeric reference with n digits. */
static inline void dt_fam_amp_digits(size_t n, struct dt_buf *b)
{
    dt_buf_puts(b, "&#");
    dt_fam_chars(b, '9', n);
    dt_buf_puts(b, "; end");
}

/* ---- names and '<' floods ------------------------------------------------------ */
static inline void dt_fam_long_name(size_t n, struct dt_buf *b)
{
    dt_buf_putc(b, '<');
    dt_fam_chars(b, 'a', n);
    dt_buf_puts(b, ">x</");
    dt_fam_chars(b, 'a', n);
    dt_buf_puts(b, "> end");
}

static inline void dt_fam_long_attr_name(size_t n, struct dt_buf *b)
{
    dt_buf_puts(b, "<p ");
    dt_fam_chars(b, 'b', n);
    dt_buf_puts(b, ">end");
}

DT_FAM_REP(dt_fam_lt, "<")
DT_FAM_REP(dt_fam_lt_a, "<a")
DT_FAM_REP(dt_fam_lt_slash, "</")
DT_FAM_REP(dt_fam_lt_slash_a, "</a")
DT_FAM_REP(dt_fam_lt_head, "<head")
DT_FAM_REP(dt_fam_lt_close_head, "</hea")

/* ---- ordinary mail, for scale ---------------------------------------------------- */
DT_FAM_REP(dt_fam_ordinary,
           "<div dir=\"ltr\"><p style=\"margin:0\">Hi Anna, thanks for the call &ndash; "
           "we&#39;re glad to hear the pilot went well.</p><div><br></div>"
           "<table><tr><td>Price</td><td>&euro;&nbsp;12,000</td></tr></table></div>\n")

struct dt_html_family {
    const char *name;
    void (*gen)(size_t n, struct dt_buf *out);
    /*
     * In check_complexity_html.c. Each family costs that suite about 0.4 s
     * of CPU, so shapes that take html.c down a path another family
     * already covers (one more raw-text element, one more kind of '&') are
     * measured by html_compare only.
     */
    bool suite;
};

static const struct dt_html_family dt_html_families[] = {
    {"head", dt_fam_head, true},
    {"head-title", dt_fam_head_title, true},
    {"head-text", dt_fam_head_text, false},
    {"style", dt_fam_style, true},
    {"style-near-close", dt_fam_style_near, false},
    {"script", dt_fam_script, true},
    {"title", dt_fam_title, true},
    {"textarea", dt_fam_textarea, false},
    {"template", dt_fam_template, false},
    {"xml", dt_fam_xml, true},
    {"svg", dt_fam_svg, false},
    {"comment", dt_fam_comment, true},
    {"comment-near-close", dt_fam_comment_near, true},
    {"comment-closed", dt_fam_comment_closed, false},
    {"mso-conditional", dt_fam_mso, true},
    {"cdata", dt_fam_cdata, true},
    {"bang", dt_fam_bang, false},
    {"processing-instr", dt_fam_pi, false},
    {"attr-gt-in-quote", dt_fam_attr_gt_in_quote, true},
    {"attr-gt-in-quote-eof", dt_fam_attr_gt_in_quote_eof, true},
    {"attr-dq-open", dt_fam_attr_dq_open, true},
    {"attr-sq-open", dt_fam_attr_sq_open, true},
    {"attr-mixed-quotes", dt_fam_attr_mixed, false},
    {"attr-equals", dt_fam_attr_eq, false},
    {"attr-many", dt_fam_attr_many, true},
    {"class-words", dt_fam_class_words, false},
    {"blockquote-nested", dt_fam_blockquote, true},
    {"blockquote-open", dt_fam_blockquote_open, true},
    {"div-nested", dt_fam_div, true},
    {"div-open", dt_fam_div_open, true},
    {"div-mismatch", dt_fam_div_mismatch, false},
    {"gmail-quote-nested", dt_fam_gmail_quote, true},
    {"gmail-quote-siblings", dt_fam_gmail_sibling, false},
    {"outlook-divs", dt_fam_outlook_div, true},
    {"table-open", dt_fam_table, false},
    {"pre", dt_fam_pre, true},
    {"formatting", dt_fam_formatting, false},
    {"anchor-open", dt_fam_anchor, false},
    {"amp", dt_fam_amp, true},
    {"amp-legacy", dt_fam_amp_legacy, true},
    {"amp-bare", dt_fam_amp_bare, false},
    {"amp-unknown", dt_fam_amp_unknown, true},
    {"amp-numeric", dt_fam_amp_num, true},
    {"amp-hash", dt_fam_amp_hash, false},
    {"amp-digits", dt_fam_amp_digits, false},
    {"long-tag-name", dt_fam_long_name, true},
    {"long-attr-name", dt_fam_long_attr_name, false},
    {"lt", dt_fam_lt, true},
    {"lt-a", dt_fam_lt_a, true},
    {"lt-slash", dt_fam_lt_slash, true},
    {"lt-slash-a", dt_fam_lt_slash_a, false},
    {"lt-head", dt_fam_lt_head, true},
    {"lt-close-head", dt_fam_lt_close_head, false},
    {"ordinary", dt_fam_ordinary, false},
};

#define DT_HTML_N_FAMILIES (sizeof(dt_html_families) / sizeof(dt_html_families[0]))

#endif
