/*
 * html.c - HTML mail bodies -> plain text (see html.h).
 *
 * dt_html_to_text() is a single forward scan, not a DOM: text is copied
 * with white space collapsed, character references are decoded, block
 * elements emit line breaks, and a few elements are skipped with their
 * content: script/style/head/title/template, and the containers mail
 * clients wrap quoted replies in (<blockquote>, Gmail's gmail_quote,
 * Yahoo's yahoo_quoted, Thunderbird's moz-cite-prefix, Apple's
 * type="cite"). Outlook marks where the quoted message begins with
 * id="appendonsend" or id="divRplyFwdMsg" and puts the quote after it,
 * outside any container, so everything from there on is dropped.
 *
 * Malformed HTML never fails: an unterminated comment, script or quoted
 * container swallows the rest of the document (as a browser would), a '<'
 * that cannot start a tag is text, and invalid UTF-8 becomes U+FFFD, so
 * the output is valid UTF-8.
 *
 * Time is linear in the input, whatever the sender wrote; any inbound
 * mail reaches this code. Every search ahead (for "-->", a closing tag,
 * the end of a quoted container, a closing quote) either moves the scan
 * past what it searched or ends it, with two exceptions that remember
 * instead (struct memo): an unclosed <head> asks where the head ends, and
 * the stretch already searched is never searched again for the next one;
 * a tag that runs into the end of the document inside a quote is retried
 * at its first '>', and from then on quotes in tags no longer count, so no
 * later tag walks the same rest again. tests/check_complexity_html.c holds
 * this to t(4n) < 8 t(n) for every family of hostile input in
 * tests/support/html_families.h.
 *
 * Why not a library parser: measured (issue 11, tests/bench/html_compare.c)
 * against the two parsers Debian 12 ships, libxml2 2.9.14's HTML parser
 * and Gumbo 0.10.1, on the hostile families, real mail HTML and speed.
 * Both are quadratic on one tag with many attributes (7 s for 256 KB);
 * Gumbo, a tree builder by the HTML5 rules, also on deep or unclosed
 * nesting (4.6 s for 256 KB of "<div>x") and on the formatting elements
 * it reconstructs per paragraph (over 30 s for 64 KB); libxml2 stops at
 * nesting depth 256 and drops the rest of the text (with XML_PARSE_HUGE it
 * goes on, and is then quadratic on mismatched end tags), and prints
 * Outlook's <![if !vml]> as text. On real mail all three give the same
 * text, and this scan is 15 to 30 times faster (440 MB/s against 29 and
 * 15). So html.c stays: linear on every family, and it needs no tree,
 * only the text.
 */
#include "dealtemp/html.h"
#include "html_out.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "dealtemp/utf8.h"

#define NAME_MAX_LEN 16


/*
 * What the scan has learnt about the rest of the document, so that no
 * byte is searched twice for the same thing (see the header comment).
 */
struct memo {
    /*
     * [head_from, head_at) holds no "</head" and no "<body"; head_at is
     * where the first of them is, or len. Valid once head_from <= head_at.
     */
    size_t head_from, head_at;
    /*
     * A tag ran into the end of the document (a quote that never closes,
     * or no '>' outside quotes): from then on quotes in tags are ordinary
     * characters and every tag ends at its first '>'.
     */
    bool quotes_off;
};

/* ---- character references ------------------------------------------------ */

/* HTML 4 names of U+00A0..U+00FF, in code point order. */
static const char *const latin1_names[] = {
    "nbsp",   "iexcl",  "cent",   "pound",  "curren", "yen",    "brvbar", "sect",   "uml",
    "copy",   "ordf",   "laquo",  "not",    "shy",    "reg",    "macr",   "deg",    "plusmn",
    "sup2",   "sup3",   "acute",  "micro",  "para",   "middot", "cedil",  "sup1",   "ordm",
    "raquo",  "frac14", "frac12", "frac34", "iquest", "Agrave", "Aacute", "Acirc",  "Atilde",
    "Auml",   "Aring",  "AElig",  "Ccedil", "Egrave", "Eacute", "Ecirc",  "Euml",   "Igrave",
    "Iacute", "Icirc",  "Iuml",   "ETH",    "Ntilde", "Ograve", "Oacute", "Ocirc",  "Otilde",
    "Ouml",   "times",  "Oslash", "Ugrave", "Uacute", "Ucirc",  "Uuml",   "Yacute", "THORN",
    "szlig",  "agrave", "aacute", "acirc",  "atilde", "auml",   "aring",  "aelig",  "ccedil",
    "egrave", "eacute", "ecirc",  "euml",   "igrave", "iacute", "icirc",  "iuml",   "eth",
    "ntilde", "ograve", "oacute", "ocirc",  "otilde", "ouml",   "divide", "oslash", "ugrave",
    "uacute", "ucirc",  "uuml",   "yacute", "thorn",  "yuml",
};

_Static_assert(sizeof(latin1_names) / sizeof(latin1_names[0]) == 96, "U+00A0..U+00FF");

static const struct {
    const char *name;
    uint32_t cp;
} other_names[] = {
    {"amp", '&'},       {"lt", '<'},        {"gt", '>'},        {"quot", '"'},
    {"AMP", '&'},       {"LT", '<'},        {"GT", '>'},        {"QUOT", '"'},
    {"apos", '\''},     {"euro", 0x20ac},   {"hellip", 0x2026}, {"mdash", 0x2014},
    {"ndash", 0x2013},  {"lsquo", 0x2018},  {"rsquo", 0x2019},  {"sbquo", 0x201a},
    {"ldquo", 0x201c},  {"rdquo", 0x201d},  {"bdquo", 0x201e},  {"bull", 0x2022},
    {"trade", 0x2122},  {"dagger", 0x2020}, {"Dagger", 0x2021}, {"permil", 0x2030},
    {"lsaquo", 0x2039}, {"rsaquo", 0x203a}, {"OElig", 0x152},   {"oelig", 0x153},
    {"Scaron", 0x160},  {"scaron", 0x161},  {"Yuml", 0x178},    {"fnof", 0x192},
    {"circ", 0x2c6},    {"tilde", 0x2dc},   {"ensp", 0x2002},   {"emsp", 0x2003},
    {"thinsp", 0x2009}, {"zwnj", 0x200c},   {"zwj", 0x200d},    {"lrm", 0x200e},
    {"rlm", 0x200f},    {"prime", 0x2032},  {"Prime", 0x2033},  {"larr", 0x2190},
    {"rarr", 0x2192},   {"uarr", 0x2191},   {"darr", 0x2193},   {"hearts", 0x2665},
    {"check", 0x2713},  {"star", 0x2606},   {"starf", 0x2605},  {"minus", 0x2212},
};

/* Windows-1252 meanings of &#128; .. &#159; (HTML5 says so; senders rely on it). */
static const uint16_t c1_map[32] = {
    0x20ac, 0x81,   0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x8d,   0x017d, 0x8f,   0x90,   0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
    0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d,   0x017e, 0x0178,
};

static uint32_t lookup_entity(const char *name, size_t n)
{
    for (size_t i = 0; i < sizeof(other_names) / sizeof(other_names[0]); i++)
        if (other_names[i].name[0] == name[0] && strlen(other_names[i].name) == n &&
            memcmp(other_names[i].name, name, n) == 0)
            return other_names[i].cp;
    for (size_t i = 0; i < sizeof(latin1_names) / sizeof(latin1_names[0]); i++)
        if (latin1_names[i][0] == name[0] && strlen(latin1_names[i]) == n &&
            memcmp(latin1_names[i], name, n) == 0)
            return 0xa0 + (uint32_t)i;
    return 0;
}

/* ---- scanning helpers ----------------------------------------------------- */

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static bool is_alnum(char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9');
}
static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/*
 * Position of the tag "</name" (closing) or "<name" (any case, followed by
 * a non-name character) at or after i, or len if there is none.
 */
static size_t find_tag(const char *s, size_t len, size_t i, const char *name, bool closing)
{
    size_t nl = strlen(name), at;
    while (i < len) {
        const char *lt = memchr(s + i, '<', len - i);
        if (lt == NULL)
            return len;
        i = (size_t)(lt - s);
        at = i + 1 + closing;
        if (at + nl <= len && (!closing || s[i + 1] == '/') && strncasecmp(s + at, name, nl) == 0 &&
            (at + nl == len || !is_alnum(s[at + nl])))
            return i;
        i++;
    }
    return len;
}

/*
 * Position of the first "</head" or "<body" at or after i, or len. A
 * document of many unclosed <head>s asks this once per <head>: the answer
 * for the stretch already searched is remembered, so each byte is searched
 * once in all.
 */
static size_t head_end(struct memo *m, const char *s, size_t len, size_t i)
{
    if (m->head_from <= i && i <= m->head_at)
        return m->head_at;
    size_t at = i;
    for (;;) {
        const char *lt = at < len ? memchr(s + at, '<', len - at) : NULL;
        if (lt == NULL) {
            at = len;
            break;
        }
        at = (size_t)(lt - s);
        bool closing = at + 1 < len && s[at + 1] == '/';
        size_t name = at + 1 + closing;
        const char *want = closing ? "head" : "body";
        if (name + 4 <= len && strncasecmp(s + name, want, 4) == 0 &&
            (name + 4 == len || !is_alnum(s[name + 4])))
            break;
        at++;
    }
    m->head_from = i;
    m->head_at = at;
    return at;
}

/*
 * Position just after the first "-->" that starts at or after from, or
 * len. Not memmem: AddressSanitizer's memmem checks the whole haystack on
 * every call, which makes a document of many comments quadratic under
 * `make check SANITIZE=1`; memchr's check stops at the match.
 */
static size_t comment_end(const char *s, size_t len, size_t from)
{
    size_t i = from + 2;
    while (i < len) {
        const char *gt = memchr(s + i, '>', len - i);
        if (gt == NULL)
            break;
        i = (size_t)(gt - s);
        if (s[i - 1] == '-' && s[i - 2] == '-')
            return i + 1;
        i++;
    }
    return len;
}

/* Position just after the '>' at or after i, or len. */
static size_t after_gt(const char *s, size_t len, size_t i)
{
    const char *gt = i < len ? memchr(s + i, '>', len - i) : NULL;
    return gt != NULL ? (size_t)(gt - s) + 1 : len;
}

/*
 * Skip an element and its content: from just after its start tag to just
 * after its matching end tag, counting nested elements of the same name.
 */
static size_t skip_element(const char *s, size_t len, size_t i, const char *name)
{
    size_t nl = strlen(name);
    unsigned depth = 1;
    while (i < len) {
        const char *lt = memchr(s + i, '<', len - i);
        if (lt == NULL)
            return len;
        i = (size_t)(lt - s);
        bool closing = i + 1 < len && s[i + 1] == '/';
        size_t at = i + 1 + closing;
        if (at + nl <= len && strncasecmp(s + at, name, nl) == 0 &&
            (at + nl == len || !is_alnum(s[at + nl]))) {
            if (!closing)
                depth++;
            else if (--depth == 0)
                return after_gt(s, len, at + nl);
        }
        i++;
    }
    return len;
}

/* What the attributes of a start tag say. */
struct tag {
    char name[NAME_MAX_LEN + 1]; /* lower-cased; "" when too long to be one we know */
    size_t end;                  /* just after the '>' (len if the tag never ends) */
    bool quote;                  /* a quoted-reply container */
    bool reply_start;            /* Outlook: the quoted message starts here */
};

static bool has_class_word(const char *v, size_t n, const char *word, bool prefix)
{
    size_t wl = strlen(word), i = 0;
    while (i < n) {
        while (i < n && is_ws(v[i]))
            i++;
        size_t start = i;
        while (i < n && !is_ws(v[i]))
            i++;
        size_t tl = i - start;
        if ((tl == wl || (prefix && tl > wl)) && strncasecmp(v + start, word, wl) == 0)
            return true;
    }
    return false;
}

static void attribute(struct tag *t, const char *an, size_t anl, const char *v, size_t vn)
{
    if (anl == 5 && strncasecmp(an, "class", 5) == 0) {
        if (has_class_word(v, vn, "gmail_quote", true) ||
            has_class_word(v, vn, "yahoo_quoted", false) ||
            has_class_word(v, vn, "moz-cite-prefix", false))
            t->quote = true;
    } else if (anl == 4 && strncasecmp(an, "type", 4) == 0) {
        if (vn == 4 && strncasecmp(v, "cite", 4) == 0)
            t->quote = true;
    } else if (anl == 2 && strncasecmp(an, "id", 2) == 0) {
        /* OWA prefixes ids with "x_" when it quotes a message that was itself HTML. */
        if (vn >= 2 && strncasecmp(v, "x_", 2) == 0) {
            v += 2;
            vn -= 2;
        }
        if ((vn == 13 && strncasecmp(v, "divRplyFwdMsg", 13) == 0) ||
            (vn == 12 && strncasecmp(v, "appendonsend", 12) == 0))
            t->reply_start = true;
    }
}

/*
 * Parse the start tag whose name begins at s[i] (just after '<'). Quoted
 * attribute values may contain '>'. A tag that runs into the end of the
 * document (a quote that never closes, or no '>' outside quotes) ends at
 * its first '>' instead, as if its quotes were not there, and so does every
 * later tag: each retry would walk the same rest of the document again.
 */
static void parse_tag(const char *s, size_t len, size_t i, struct tag *t, struct memo *m)
{
    size_t k = 0;
    memset(t, 0, sizeof(*t));
    while (i < len && (is_alnum(s[i]) || s[i] == '-' || s[i] == ':')) {
        if (k < NAME_MAX_LEN)
            t->name[k] = (char)(s[i] | 0x20);
        k++;
        i++;
    }
    if (k > NAME_MAX_LEN)
        t->name[0] = '\0';
    size_t tag_rest = i;
    while (i < len) {
        while (i < len && (is_ws(s[i]) || s[i] == '/'))
            i++;
        if (i >= len)
            break;
        if (s[i] == '>') {
            t->end = i + 1;
            return;
        }
        size_t an = i;
        i++; /* an attribute name has at least one character, whatever it is */
        while (i < len && !is_ws(s[i]) && s[i] != '/' && s[i] != '>' && s[i] != '=')
            i++;
        size_t anl = i - an;
        while (i < len && is_ws(s[i]))
            i++;
        if (i >= len || s[i] != '=') {
            continue;
        }
        i++;
        while (i < len && is_ws(s[i]))
            i++;
        size_t v = i, vn;
        if (i < len && (s[i] == '"' || s[i] == '\'') && !m->quotes_off) {
            const char *q = memchr(s + i + 1, s[i], len - i - 1);
            if (q == NULL)
                break; /* unterminated quote */
            v = i + 1;
            vn = (size_t)(q - s) - v;
            i = (size_t)(q - s) + 1;
        } else {
            while (i < len && !is_ws(s[i]) && s[i] != '>')
                i++;
            vn = i - v;
        }
        attribute(t, s + an, anl, s + v, vn);
    }
    m->quotes_off = true;
    t->quote = t->reply_start = false;
    t->end = after_gt(s, len, tag_rest);
}

/* Decode the character reference at s[i] == '&'; returns the bytes consumed (0: not one). */
static size_t entity(struct out *o, const char *s, size_t len, size_t i)
{
    size_t j = i + 1;
    if (j < len && s[j] == '#') {
        bool hex = j + 1 < len && (s[j + 1] == 'x' || s[j + 1] == 'X');
        j += hex ? 2 : 1;
        size_t d0 = j;
        uint32_t v = 0;
        for (; j < len && j - d0 < 16; j++) {
            int dig = s[j] >= '0' && s[j] <= '9' ? s[j] - '0'
                      : hex && (s[j] | 0x20) >= 'a' && (s[j] | 0x20) <= 'f'
                          ? (s[j] | 0x20) - 'a' + 10
                          : -1;
            if (dig < 0)
                break;
            if (v <= 0x10ffff)
                v = v * (hex ? 16 : 10) + (uint32_t)dig; /* saturates past the last code point */
        }
        if (j == d0)
            return 0;
        if (j < len && s[j] == ';')
            j++;
        if (v >= 0x80 && v < 0xa0)
            v = c1_map[v - 0x80];
        if (v == 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
            v = DT_UTF8_REPLACEMENT;
        put_cp(o, v);
        return j - i;
    }
    size_t n0 = j;
    while (j < len && j - n0 < 10 && is_alnum(s[j]))
        j++;
    size_t nlen = j - n0;
    if (nlen == 0)
        return 0;
    uint32_t cp = 0;
    if (j < len && s[j] == ';') {
        cp = lookup_entity(s + n0, nlen);
        j++;
    }
    if (cp == 0) {
        /*
         * Without ';' only the old, common names count, as prefixes the way
         * browsers read them: "&amp" and "&nbspchips" in sloppy HTML.
         */
        static const char *const legacy[] = {"amp", "lt", "gt", "quot", "nbsp", "copy", "reg"};
        for (size_t k = 0; k < sizeof(legacy) / sizeof(legacy[0]) && cp == 0; k++) {
            size_t ll = strlen(legacy[k]);
            if (ll <= nlen && memcmp(s + n0, legacy[k], ll) == 0) {
                cp = lookup_entity(legacy[k], ll);
                j = n0 + ll;
            }
        }
        if (cp == 0)
            return 0;
    }
    put_cp(o, cp);
    return j - i;
}

void dt_html_to_text(const char *s, size_t len, struct dt_buf *b)
{
    struct out o = {b, b->len, 0, false, 0};
    struct memo m = {1, 0, false};
    size_t i = 0;

    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c > 0x20 && c < 0x7f && c != '<' && c != '&') {
            /* Most of a document is runs of plain ASCII: copy them whole. */
            size_t j = i + 1;
            while (j < len && (unsigned char)s[j] > 0x20 && (unsigned char)s[j] < 0x7f &&
                   s[j] != '<' && s[j] != '&')
                j++;
            put_run(&o, s + i, j - i);
            i = j;
            continue;
        }
        if (c == '&') {
            size_t used = entity(&o, s, len, i);
            if (used > 0) {
                i += used;
                continue;
            }
            put_cp(&o, '&');
            i++;
            continue;
        }
        if (c != '<') {
            uint32_t cp = c;
            size_t used = 1;
            if (c >= 0x80)
                used = dt_utf8_decode(s + i, len - i, &cp);
            put_cp(&o, cp);
            i += used;
            continue;
        }
        /* c == '<' */
        if (i + 3 < len && memcmp(s + i, "<!--", 4) == 0) {
            /* "<!-->" and "<!--->" are whole (empty) comments, as browsers read them. */
            size_t from = i + 4;
            if (from < len && s[from] == '>')
                from -= 2;
            else if (from + 1 < len && s[from] == '-' && s[from + 1] == '>')
                from -= 1;
            i = comment_end(s, len, from);
            continue;
        }
        if (i + 1 < len && (s[i + 1] == '!' || s[i + 1] == '?')) {
            i = after_gt(s, len, i + 1);
            continue;
        }
        if (i + 2 < len && s[i + 1] == '/' && is_alpha(s[i + 2])) {
            char name[NAME_MAX_LEN + 1];
            size_t k = 0, j = i + 2;
            while (j < len && is_alnum(s[j])) {
                if (k < NAME_MAX_LEN)
                    name[k++] = (char)(s[j] | 0x20);
                j++;
            }
            name[k] = '\0';
            enum tkind kind = tag_kind(name);
            if (kind == T_PRE && o.pre > 0)
                o.pre--;
            block(&o, kind);
            i = after_gt(s, len, j);
            continue;
        }
        if (i + 1 >= len || !is_alpha(s[i + 1])) {
            put_cp(&o, '<'); /* "a < b", "<3", "<<" are text */
            i++;
            continue;
        }
        struct tag t;
        parse_tag(s, len, i + 1, &t, &m);
        assert(t.end > i && t.end <= len);
        i = t.end;
        if (t.reply_start)
            break; /* the rest of the document is the quoted message */
        enum tkind kind = tag_kind(t.name);
        if (t.quote || kind == T_QUOTE) {
            if (t.name[0] != '\0')
                i = skip_element(s, len, i, t.name);
            line_break(&o, 1);
            continue;
        }
        if (kind == T_RAW) {
            i = after_gt(s, len, find_tag(s, len, i, t.name, true));
            continue;
        }
        if (kind == T_HEAD) {
            /* The head ends at "</head" or where the body begins; without either, it is read. */
            size_t end = head_end(&m, s, len, i);
            if (end < len)
                i = s[end + 1] == '/' ? after_gt(s, len, end) : end;
            continue;
        }
        if (kind == T_BR) {
            hard_break(&o);
            continue;
        }
        if (kind == T_PRE)
            o.pre++;
        block(&o, kind);
    }

    /* Trim: no trailing white space, exactly one final line break when there is text. */
    while (b->len > o.start && (b->data[b->len - 1] == ' ' || b->data[b->len - 1] == '\n' ||
                                b->data[b->len - 1] == '\t'))
        b->len--;
    if (b->data != NULL)
        b->data[b->len] = '\0';
    if (b->len > o.start)
        dt_buf_putc(b, '\n');
}
