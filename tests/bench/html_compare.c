/*
 * html_compare - html.c against libxml2's HTML parser and Gumbo, on the
 * hostile families of tests/support/html_families.h and on real mail HTML.
 * The measurement behind the decision in html.c's header (issue 11); not
 * part of make all or make bench, as it needs two libraries dealtemp does
 * not link:
 *
 *   apt-get install libxml2-dev libgumbo-dev
 *   make build/html_compare
 *   build/html_compare families        t(256 KB), t(256 KB) / t(64 KB) per family
 *   build/html_compare text FILE...    each extractor's text of each HTML file
 *   build/html_compare speed FILE...   MB/s of each extractor on the files
 *
 * The two library extractors walk the parser's tree with the rules html.c
 * applies to its own tokens (the same block elements, dropped elements,
 * quote containers and Outlook reply start) and write through a copy of
 * html.c's output layer, so that text and time differ by the parser only.
 * Times are the fastest of three runs (one when a run takes over 0.4 s)
 * on the process's CPU clock.
 */
#include <gumbo.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "dealtemp/buf.h"
#include "dealtemp/html.h"
#include "dealtemp/utf8.h"
#include "../../milter/html_out.h"
#include "../support/html_families.h"

/* ---- html.c's output layer (milter/html_out.h), and what only this walker needs ---- */

static void put_text(struct out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint32_t cp = (unsigned char)s[i];
        size_t used = 1;
        if (cp >= 0x80)
            used = dt_utf8_decode(s + i, n - i, &cp);
        put_cp(o, cp);
        i += used;
    }
}

static void finish(struct out *o)
{
    struct dt_buf *b = o->b;
    while (b->len > o->start && (b->data[b->len - 1] == ' ' || b->data[b->len - 1] == '\n' ||
                                 b->data[b->len - 1] == '\t'))
        b->len--;
    if (b->data != NULL)
        b->data[b->len] = '\0';
    if (b->len > o->start)
        dt_buf_putc(b, '\n');
}

static bool has_class_word(const char *v, const char *word, bool prefix)
{
    size_t wl = strlen(word);
    for (const char *p = v; *p != '\0';) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f')
            p++;
        const char *st = p;
        while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r' && *p != '\f')
            p++;
        size_t tl = (size_t)(p - st);
        if ((tl == wl || (prefix && tl > wl)) && strncasecmp(st, word, wl) == 0)
            return true;
    }
    return false;
}

/* The same attribute rules as html.c: a quote container, or Outlook's reply start. */
static void judge(const char *cls, const char *type, const char *id, bool *quote, bool *reply)
{
    *quote = (cls != NULL && (has_class_word(cls, "gmail_quote", true) ||
                              has_class_word(cls, "yahoo_quoted", false) ||
                              has_class_word(cls, "moz-cite-prefix", false))) ||
             (type != NULL && strcasecmp(type, "cite") == 0);
    if (id != NULL && strncasecmp(id, "x_", 2) == 0)
        id += 2;
    *reply =
        id != NULL && (strcasecmp(id, "divRplyFwdMsg") == 0 || strcasecmp(id, "appendonsend") == 0);
}

/* ---- libxml2 ---------------------------------------------------------------- */

static const char *xattr(xmlNode *n, const char *name)
{
    for (xmlAttr *a = n->properties; a != NULL; a = a->next)
        if (strcasecmp((const char *)a->name, name) == 0 && a->children != NULL &&
            a->children->type == XML_TEXT_NODE)
            return (const char *)a->children->content;
    return NULL;
}

static void libxml2_walk(const char *s, size_t len, struct dt_buf *b, int huge)
{
    struct out o = {b, b->len, 0, false, 0};
    htmlDocPtr doc = htmlReadMemory(s, (int)len, NULL, "UTF-8",
                                    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                        HTML_PARSE_NONET | HTML_PARSE_COMPACT | huge);
    if (doc == NULL)
        return;
    /* Iterative walk: a recursion as deep as the nesting would be the
     * hostile sender's to choose. */
    xmlNode *n = doc->children;
    bool stop = false;
    while (n != NULL && !stop) {
        bool descend = false;
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content != NULL)
                put_text(&o, (const char *)n->content, strlen((const char *)n->content));
        } else if (n->type == XML_ELEMENT_NODE) {
            bool quote, reply;
            judge(xattr(n, "class"), xattr(n, "type"), xattr(n, "id"), &quote, &reply);
            enum tkind k = tag_kind((const char *)n->name);
            if (reply)
                stop = true;
            else if (quote || k == T_QUOTE)
                line_break(&o, 1);
            else if (k == T_BR)
                hard_break(&o);
            else if (k != T_RAW && k != T_HEAD) {
                if (k == T_PRE)
                    o.pre++;
                block(&o, k);
                descend = n->children != NULL;
                if (!descend && k == T_PRE)
                    o.pre--;
            }
        }
        if (stop)
            break;
        if (descend) {
            n = n->children;
            continue;
        }
        /* Next sibling, or up until there is one, closing elements on the way. */
        for (;;) {
            if (n->next != NULL) {
                n = n->next;
                break;
            }
            n = n->parent;
            if (n == NULL || n->type != XML_ELEMENT_NODE) {
                n = NULL;
                break;
            }
            enum tkind k = tag_kind((const char *)n->name);
            if (k == T_PRE)
                o.pre--;
            block(&o, k);
        }
    }
    xmlFreeDoc(doc);
    finish(&o);
}

/* Without XML_PARSE_HUGE libxml2 stops at a nesting depth of 256 (and
 * the rest of the document is lost); with it, it does not. */
static void libxml2_to_text(const char *s, size_t len, struct dt_buf *b)
{
    libxml2_walk(s, len, b, 0);
}

static void libxml2_huge_to_text(const char *s, size_t len, struct dt_buf *b)
{
    libxml2_walk(s, len, b, XML_PARSE_HUGE);
}

/* ---- Gumbo -------------------------------------------------------------------- */

static const char *gattr(const GumboElement *e, const char *name)
{
    GumboAttribute *a = gumbo_get_attribute(&e->attributes, name);
    return a != NULL ? a->value : NULL;
}

static const char *gname(const GumboElement *e)
{
    return e->tag != GUMBO_TAG_UNKNOWN ? gumbo_normalized_tagname(e->tag) : "";
}

static void gumbo_to_text(const char *s, size_t len, struct dt_buf *b)
{
    struct out o = {b, b->len, 0, false, 0};
    GumboOptions opt = kGumboDefaultOptions;
    opt.max_errors = 0;
    GumboOutput *g = gumbo_parse_with_options(&opt, s, len);
    GumboNode *n = g->root;
    bool stop = false;
    while (n != NULL && !stop) {
        bool descend = false;
        if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
            n->type == GUMBO_NODE_CDATA) {
            put_text(&o, n->v.text.text, strlen(n->v.text.text));
        } else if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE) {
            const GumboElement *e = &n->v.element;
            bool quote, reply;
            judge(gattr(e, "class"), gattr(e, "type"), gattr(e, "id"), &quote, &reply);
            enum tkind k = tag_kind(gname(e));
            if (reply)
                stop = true;
            else if (quote || k == T_QUOTE)
                line_break(&o, 1);
            else if (k == T_BR)
                hard_break(&o);
            else if (k != T_RAW && k != T_HEAD) {
                if (k == T_PRE)
                    o.pre++;
                block(&o, k);
                descend = e->children.length > 0;
                if (!descend && k == T_PRE)
                    o.pre--;
            }
        }
        if (stop)
            break;
        if (descend) {
            n = n->v.element.children.data[0];
            continue;
        }
        /* Next sibling, or up until there is one, closing elements on the way. */
        for (;;) {
            GumboNode *p = n->parent;
            if (p == NULL || p->type == GUMBO_NODE_DOCUMENT) {
                n = NULL;
                break;
            }
            size_t next = n->index_within_parent + 1;
            if (next < p->v.element.children.length) {
                n = p->v.element.children.data[next];
                break;
            }
            n = p;
            enum tkind k = tag_kind(gname(&p->v.element));
            if (k == T_PRE)
                o.pre--;
            block(&o, k);
        }
    }
    gumbo_destroy_output(&kGumboDefaultOptions, g);
    finish(&o);
}

/* ---- measuring ------------------------------------------------------------------ */

typedef void (*extractor)(const char *s, size_t len, struct dt_buf *out);

static const struct {
    const char *name;
    extractor fn;
} impls[] = {
    {"html.c", dt_html_to_text},
    {"libxml2", libxml2_to_text},
    {"libxml2-huge", libxml2_huge_to_text},
    {"gumbo", gumbo_to_text},
};
#define N_IMPLS (sizeof(impls) / sizeof(impls[0]))

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The fastest of three runs; *out_len gets the text's length. */
static double time_once(extractor fn, const char *s, size_t len, size_t *out_len, int runs)
{
    double best = 1e9;
    for (int r = 0; r < runs; r++) {
        struct dt_buf b = DT_BUF_INIT;
        double t0 = cpu_s();
        fn(s, len, &b);
        double t = cpu_s() - t0;
        if (t < best)
            best = t;
        *out_len = b.len;
        dt_buf_free(&b);
    }
    return best;
}

/* The family's input closest to (not above) bytes. */
static void gen_bytes(void (*gen)(size_t, struct dt_buf *), size_t bytes, struct dt_buf *b)
{
    struct dt_buf probe = DT_BUF_INIT;
    gen(1024, &probe);
    size_t per = probe.len / 1024 > 0 ? probe.len / 1024 : 1;
    dt_buf_free(&probe);
    gen(bytes / per, b);
}

/* Past this a run is cut short: the figure is then "> LIMIT". */
#define SLOW_S 30.0

static int families(size_t kb)
{
    printf("%-22s", "family");
    for (size_t k = 0; k < N_IMPLS; k++)
        printf(" | %12s t(%zuK) 4n/n", impls[k].name, kb);
    printf("\n");
    for (size_t f = 0; f < DT_HTML_N_FAMILIES; f++) {
        struct dt_buf small = DT_BUF_INIT, big = DT_BUF_INIT;
        gen_bytes(dt_html_families[f].gen, kb * 1024 / 4, &small);
        gen_bytes(dt_html_families[f].gen, kb * 1024, &big);
        printf("%-22s", dt_html_families[f].name);
        for (size_t k = 0; k < N_IMPLS; k++) {
            size_t ol;
            double ts = time_once(impls[k].fn, small.data, small.len, &ol, 3);
            double tb = ts * 16 > SLOW_S
                            ? -1
                            : time_once(impls[k].fn, big.data, big.len, &ol, ts > 0.1 ? 1 : 3);
            if (tb < 0)
                printf(" | %12s  >%4.0fs    -", impls[k].name, SLOW_S);
            else
                printf(" | %10.2f ms %7.1f", tb * 1e3, ts > 0 ? tb / ts : 0);
        }
        printf("\n");
        fflush(stdout);
        dt_buf_free(&small);
        dt_buf_free(&big);
    }
    return 0;
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    struct dt_buf b = DT_BUF_INIT;
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
        dt_buf_append(&b, chunk, got);
    fclose(f);
    return dt_buf_steal(&b, n);
}

static int texts(int argc, char **argv, bool speed)
{
    for (int a = 0; a < argc; a++) {
        size_t n;
        char *s = slurp(argv[a], &n);
        if (s == NULL) {
            perror(argv[a]);
            return 1;
        }
        for (size_t k = 0; k < N_IMPLS; k++) {
            if (speed) {
                /* Repeat the file to about 1 MB, convert it for at least 1 s of CPU. */
                struct dt_buf big = DT_BUF_INIT, b = DT_BUF_INIT;
                while (big.len < (1u << 20))
                    dt_buf_append(&big, s, n);
                double t0 = cpu_s(), t;
                size_t bytes = 0;
                do {
                    dt_buf_reset(&b);
                    impls[k].fn(big.data, big.len, &b);
                    bytes += big.len;
                } while ((t = cpu_s() - t0) < 1.0);
                printf("%-40s %-8s %8.1f MB/s\n", argv[a], impls[k].name, bytes / t / 1e6);
                dt_buf_free(&big);
                dt_buf_free(&b);
            } else {
                struct dt_buf b = DT_BUF_INIT;
                impls[k].fn(s, n, &b);
                printf("==== %s: %s\n%s", argv[a], impls[k].name, b.data != NULL ? b.data : "");
                dt_buf_free(&b);
            }
        }
        free(s);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "families") == 0)
        return families(argc >= 3 ? (size_t)atoi(argv[2]) : 256);
    if (argc >= 3 && strcmp(argv[1], "text") == 0)
        return texts(argc - 2, argv + 2, false);
    if (argc >= 3 && strcmp(argv[1], "speed") == 0)
        return texts(argc - 2, argv + 2, true);
    fprintf(stderr, "usage: html_compare families [KB] | text FILE... | speed FILE...\n");
    return 2;
}
