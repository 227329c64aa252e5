/*
 * html_out.h - private to html.c (and tests/bench/html_compare.c, which
 * walks libxml2's and Gumbo's trees into the very same text): how text is
 * written out - white space collapsed (kept inside <pre>), invisible
 * characters dropped, line and paragraph breaks, the signature separator's
 * space kept - and how an element affects the text (tag_kind, block).
 * static inline: html.c calls these for every character.
 */
#ifndef DEALTEMP_HTML_OUT_H
#define DEALTEMP_HTML_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "dealtemp/buf.h"
#include "dealtemp/utf8.h"

struct out {
    struct dt_buf *b;
    size_t start; /* where this call's text begins in b */
    unsigned nl;  /* line breaks at the end of the output */
    bool space;   /* a collapsed white space is pending */
    unsigned pre; /* inside <pre>: white space is kept */
};

static inline bool is_space_cp(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == 0xa0 ||
           (cp >= 0x2000 && cp <= 0x200a) || cp == 0x202f || cp == 0x3000;
}

static inline void put_cp(struct out *o, uint32_t cp)
{
    if (o->pre > 0 && cp == '\r')
        return;
    if (o->pre > 0 && (cp == '\n' || cp == ' ' || cp == '\t')) {
        dt_buf_putc(o->b, (char)cp);
        o->nl = cp == '\n' ? o->nl + 1 : 0;
        o->space = false;
        return;
    }
    if (is_space_cp(cp)) {
        o->space = true;
        return;
    }
    /* Invisible characters and controls carry nothing a reader sees. */
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0xad || cp == 0x200b || cp == 0x200c ||
        cp == 0x200e || cp == 0x200f || cp == 0xfeff)
        return;
    if (o->space && o->nl == 0 && o->b->len > o->start)
        dt_buf_putc(o->b, ' ');
    o->space = false;
    o->nl = 0;
    if (cp < 0x80)
        dt_buf_putc(o->b, (char)cp);
    else
        dt_buf_put_utf8(o->b, cp);
}

/* Append a run of printable, non-space ASCII. */
static inline void put_run(struct out *o, const char *s, size_t n)
{
    if (o->space && o->nl == 0 && o->b->len > o->start)
        dt_buf_putc(o->b, ' ');
    o->space = false;
    o->nl = 0;
    dt_buf_append(o->b, s, n);
}

/*
 * Drop the spaces that end the current line. The signature separator
 * "-- " keeps its space: quote removal recognises it by that space.
 */
static inline void end_line(struct out *o)
{
    struct dt_buf *b = o->b;
    bool keep = o->space && b->len >= o->start + 2 && b->data[b->len - 1] == '-' &&
                b->data[b->len - 2] == '-' &&
                (b->len == o->start + 2 || b->data[b->len - 3] == '\n');
    o->space = false;
    while (b->len > o->start && b->data[b->len - 1] == ' ')
        b->len--;
    if (b->data != NULL)
        b->data[b->len] = '\0';
    if (keep)
        dt_buf_putc(b, ' ');
}

/* End the current line; want == 2 leaves an empty line (a paragraph). */
static inline void line_break(struct out *o, unsigned want)
{
    end_line(o);
    if (o->b->len == o->start)
        return; /* nothing written yet: leading breaks are pointless */
    while (o->nl < want) {
        dt_buf_putc(o->b, '\n');
        o->nl++;
    }
}

/* <br>: always a new line, but never more than one empty line in a row. */
static inline void hard_break(struct out *o)
{
    end_line(o);
    if (o->nl < 2 && o->b->len > o->start) {
        dt_buf_putc(o->b, '\n');
        o->nl++;
    }
}

/* How an element affects the text. */
enum tkind { T_OTHER, T_PARA, T_LINE, T_CELL, T_RAW, T_BR, T_PRE, T_HEAD, T_QUOTE };

static const struct {
    const char *name;
    enum tkind kind;
} tag_kinds[] = {
    {"p", T_PARA},       {"div", T_LINE},         {"br", T_BR},           {"span", T_OTHER},
    {"a", T_OTHER},      {"b", T_OTHER},          {"td", T_CELL},         {"tr", T_LINE},
    {"li", T_LINE},      {"table", T_PARA},       {"th", T_CELL},         {"font", T_OTHER},
    {"h1", T_PARA},      {"h2", T_PARA},          {"h3", T_PARA},         {"h4", T_PARA},
    {"h5", T_PARA},      {"h6", T_PARA},          {"ul", T_PARA},         {"ol", T_PARA},
    {"dl", T_PARA},      {"dt", T_LINE},          {"dd", T_LINE},         {"hr", T_PARA},
    {"pre", T_PRE},      {"blockquote", T_QUOTE}, {"address", T_PARA},    {"figure", T_PARA},
    {"section", T_LINE}, {"article", T_LINE},     {"header", T_LINE},     {"footer", T_LINE},
    {"nav", T_LINE},     {"aside", T_LINE},       {"main", T_LINE},       {"center", T_LINE},
    {"form", T_LINE},    {"fieldset", T_LINE},    {"figcaption", T_LINE}, {"caption", T_LINE},
    {"legend", T_LINE},  {"details", T_LINE},     {"summary", T_LINE},    {"option", T_LINE},
    {"body", T_LINE},    {"html", T_LINE},        {"script", T_RAW},      {"style", T_RAW},
    {"title", T_RAW},    {"template", T_RAW},     {"textarea", T_RAW},    {"noscript", T_RAW},
    {"xml", T_RAW},      {"svg", T_RAW},          {"object", T_RAW},      {"head", T_HEAD},
};

static inline enum tkind tag_kind(const char *name)
{
    for (size_t i = 0; i < sizeof(tag_kinds) / sizeof(tag_kinds[0]); i++)
        if (tag_kinds[i].name[0] == name[0] && strcmp(tag_kinds[i].name, name) == 0)
            return tag_kinds[i].kind;
    return T_OTHER;
}

/* The line breaks (or cell space) around a start or end tag. */
static inline void block(struct out *o, enum tkind k)
{
    if (k == T_PARA || k == T_PRE || k == T_QUOTE)
        line_break(o, 2);
    else if (k == T_LINE)
        line_break(o, 1);
    else if (k == T_CELL)
        o->space = true;
}

#endif
