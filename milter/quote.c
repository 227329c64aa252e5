/*
 * quote.c - keep only the author's own words of a plain-text mail body.
 *
 * dt_quote_strip() walks the text once, line by line (memchr), and drops
 * what the author did not write: '>' lines; a reply attribution ("On ...
 * wrote:", "Op ... schreef ...:", "Am ... schrieb ...:", "Le ... a écrit :",
 * also wrapped over two lines) together with what follows it; forwarded and
 * Outlook blocks; signatures and device trailers. Most lines are decided by
 * their first byte alone. A check looks ahead at most two lines, or over
 * the blank lines after an attribution, and each of those is read again at
 * most once by the main loop, so the cost stays linear in the input. No
 * regex, no allocation but the output buffer.
 *
 * Failure behaviour: none of its own. Any byte sequence is accepted (UTF-8
 * is not validated) and passed through unchanged; if the output buffer
 * cannot grow, it is marked failed (see buf.h) and the caller checks once.
 */
#include "dealtemp/quote.h"

#include <stdbool.h>
#include <string.h>

#include "dealtemp/utf8.h"

/*
 * An attribution is under this many characters, both lines together;
 * longer lines are prose. The byte bound keeps every look-ahead short even
 * for 4-byte characters.
 */
#define ATTR_MAX_CHARS 250
#define ATTR_MAX_BYTES (4 * ATTR_MAX_CHARS)
/* Device trailers are one short line; anything longer is a sentence. */
#define TRAILER_MAX_BYTES 100
/* Outlook draws a line of underscores above its header block. */
#define UNDERSCORE_MIN 10

/* A marker word with its length, so tables cost no strlen per line. */
struct word {
    const char *s;
    size_t n;
};
#define W(lit) lit, sizeof(lit) - 1

/* One input line: s[0..len) without the LF and without one stray CR. */
struct line {
    const char *s;
    size_t len;
    const char *next; /* first byte of the following line (or the end) */
};

/* Once a cut starts, nothing more is kept; the kind says what to count. */
enum cut { CUT_NONE, CUT_QUOTE, CUT_FORWARD, CUT_SIGNATURE };

static struct line line_at(const char *p, const char *end)
{
    struct line l;
    const char *nl = memchr(p, '\n', (size_t)(end - p));

    l.s = p;
    l.len = (size_t)((nl ? nl : end) - p);
    l.next = nl ? nl + 1 : end;
    if (l.len > 0 && p[l.len - 1] == '\r')
        l.len--;
    return l;
}

/*
 * Like line_at, but gives up (returns false) if the line is longer than
 * max bytes: used where only a short line can match, so a megabyte line
 * is never read twice.
 */
static bool short_line_at(const char *p, const char *end, size_t max, struct line *l)
{
    size_t avail = (size_t)(end - p);
    size_t scan = avail < max + 2 ? avail : max + 2; /* room for "\r\n" */
    const char *nl = memchr(p, '\n', scan);

    if (nl == NULL && scan < avail)
        return false;
    l->s = p;
    l->len = (size_t)((nl ? nl : end) - p);
    l->next = nl ? nl + 1 : end;
    if (l->len > 0 && p[l->len - 1] == '\r')
        l->len--;
    return l->len <= max;
}

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static bool is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_space((unsigned char)s[i]))
            return false;
    return true;
}

/* Length of a no-break space (U+00A0, U+202F) at s, else 0. */
static size_t nbsp_len(const char *s, size_t n)
{
    if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)
        return 2;
    if (n >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
        (unsigned char)s[2] == 0xAF)
        return 3;
    return 0;
}

/* Skip spaces, tabs and no-break spaces (French puts one before ':'). */
static size_t skip_space(const char *s, size_t n, size_t i)
{
    for (;;) {
        if (i < n && is_space((unsigned char)s[i])) {
            i++;
            continue;
        }
        size_t k = i < n ? nbsp_len(s + i, n - i) : 0;
        if (k == 0)
            return i;
        i += k;
    }
}

/* Length of s[0..n) without trailing spaces and no-break spaces. */
static size_t trim_end(const char *s, size_t n)
{
    for (;;) {
        if (n > 0 && is_space((unsigned char)s[n - 1]))
            n--;
        else if (n >= 2 && nbsp_len(s + n - 2, 2) == 2)
            n -= 2;
        else if (n >= 3 && nbsp_len(s + n - 3, 3) == 3)
            n -= 3;
        else
            return n;
    }
}

/* ASCII case-insensitive: does s[0..n) start with w? Other bytes compare exactly. */
static inline bool has_prefix_ci(const char *s, size_t n, const struct word *w)
{
    if (w->n > n || dt_ascii_lower((unsigned char)s[0]) != dt_ascii_lower((unsigned char)w->s[0]))
        return false;
    for (size_t i = 1; i < w->n; i++)
        if (dt_ascii_lower((unsigned char)s[i]) != dt_ascii_lower((unsigned char)w->s[i]))
            return false;
    return true;
}

static bool has_suffix(const char *s, size_t n, const char *word)
{
    size_t k = strlen(word);
    return k <= n && memcmp(s + n - k, word, k) == 0;
}

static bool has_prefix(const char *s, size_t n, const char *word)
{
    size_t k = strlen(word);
    return k <= n && memcmp(s, word, k) == 0;
}

static bool contains(const char *s, size_t n, const char *word)
{
    return memmem(s, n, word, strlen(word)) != NULL;
}

/* A quoted line: '>' after optional indentation ("> >" and ">>" included). */
static bool is_quoted(const struct line *l)
{
    size_t i = 0;
    while (i < l->len && (l->s[i] == ' ' || l->s[i] == '\t'))
        i++;
    return i < l->len && l->s[i] == '>';
}

/* "-- " or "--" alone, maybe followed by blanks; "a -- b" is prose. */
static bool is_sig_separator(const struct line *l)
{
    return l->len >= 2 && l->s[0] == '-' && l->s[1] == '-' && is_blank(l->s + 2, l->len - 2);
}

/* Phone and app trailers that mark the end of the own text. */
static bool is_device_trailer(const struct line *l)
{
    static const struct word prefixes[] = {
        {W("Sent from my ")},         {W("Sent from Mail for Windows")},
        {W("Sent from Outlook")},     {W("Get Outlook for ")},
        {W("Verzonden vanaf mijn ")}, {W("Verstuurd vanaf mijn ")},
        {W("Verzonden met ")},        {W("Envoyé de mon ")},
        {W("Envoyé depuis mon ")},    {W("Gesendet von meinem ")},
    };
    static const struct word von = {W("Von meinem ")};
    size_t i = skip_space(l->s, l->len, 0);
    const char *s = l->s + i;
    size_t n = trim_end(s, l->len - i);

    if (n > TRAILER_MAX_BYTES)
        return false;
    for (size_t k = 0; k < sizeof(prefixes) / sizeof(prefixes[0]); k++)
        if (has_prefix_ci(s, n, &prefixes[k]))
            return true;
    /* "Von meinem ..." is also how a German sentence starts: want the verb too. */
    return has_prefix_ci(s, n, &von) && has_suffix(s, n, "gesendet");
}

/*
 * Separator lines of forwarded mail and of Outlook's "Original Message":
 * dashes, a phrase, dashes ("-----Original Message-----", "----------
 * Forwarded message ---------"), or Apple Mail's "Begin forwarded message:".
 */
static bool is_forward_separator(const struct line *l)
{
    static const struct word dashed[] = {
        {W("Original Message")},     {W("Oorspronkelijk bericht")},    {W("Message d'origine")},
        {W("Message d’origine")},    {W("Ursprüngliche Nachricht")},   {W("Forwarded message")},
        {W("Doorgestuurd bericht")}, {W("Weitergeleitete Nachricht")}, {W("Message transféré")},
    };
    static const struct word apple[] = {
        {W("Begin forwarded message")},
        {W("Begin doorgestuurd bericht")},
        {W("Anfang der weitergeleiteten Nachricht")},
        {W("Début du message réexpédié")},
    };
    size_t i = skip_space(l->s, l->len, 0);
    const char *s = l->s + i;
    size_t n = trim_end(s, l->len - i);

    if (n >= 2 && s[0] == '-' && s[1] == '-') {
        size_t j = 0;
        while (j < n && s[j] == '-')
            j++;
        j = skip_space(s, n, j);
        for (size_t k = 0; k < sizeof(dashed) / sizeof(dashed[0]); k++) {
            if (!has_prefix_ci(s + j, n - j, &dashed[k]))
                continue;
            for (size_t r = j + dashed[k].n; r < n; r++)
                if (s[r] != '-' && !is_space((unsigned char)s[r]))
                    return false;
            return true;
        }
        return false;
    }
    for (size_t k = 0; k < sizeof(apple) / sizeof(apple[0]); k++) {
        if (!has_prefix_ci(s, n, &apple[k]))
            continue;
        size_t j = skip_space(s, n, apple[k].n);
        return j + 1 == n && s[j] == ':';
    }
    return false;
}

enum hdr { HDR_NONE, HDR_FROM, HDR_OTHER };

/*
 * Which header of an Outlook-style block the line starts with: "From:",
 * "Van:", "Von:", "De :" open a block; the others may follow. Bold markers
 * ("*From:*") from HTML conversions are tolerated.
 */
static enum hdr header_kind(const struct line *l)
{
    static const struct {
        struct word name;
        enum hdr kind;
    } names[] = {
        {{W("From")}, HDR_FROM},      {{W("Van")}, HDR_FROM},        {{W("Von")}, HDR_FROM},
        {{W("De")}, HDR_FROM},        {{W("Sent")}, HDR_OTHER},      {{W("To")}, HDR_OTHER},
        {{W("Cc")}, HDR_OTHER},       {{W("Bcc")}, HDR_OTHER},       {{W("Subject")}, HDR_OTHER},
        {{W("Date")}, HDR_OTHER},     {{W("Reply-To")}, HDR_OTHER},  {{W("Verzonden")}, HDR_OTHER},
        {{W("Aan")}, HDR_OTHER},      {{W("Onderwerp")}, HDR_OTHER}, {{W("Datum")}, HDR_OTHER},
        {{W("Gesendet")}, HDR_OTHER}, {{W("An")}, HDR_OTHER},        {{W("Betreff")}, HDR_OTHER},
        {{W("Envoyé")}, HDR_OTHER},   {{W("À")}, HDR_OTHER},         {{W("Objet")}, HDR_OTHER},
    };
    const char *s = l->s;
    size_t n = l->len, i = 0;

    while (i < n && (s[i] == '*' || s[i] == ' ' || s[i] == '\t'))
        i++;
    for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
        if (!has_prefix_ci(s + i, n - i, &names[k].name))
            continue;
        size_t j = skip_space(s, n, i + names[k].name.n);
        if (j < n && s[j] == '*')
            j++;
        if (j < n && s[j] == ':')
            return names[k].kind;
    }
    return HDR_NONE;
}

/* An Outlook header block: a From-line directly followed by another header line. */
static bool is_header_block(const struct line *l, const char *end)
{
    if (header_kind(l) != HDR_FROM || l->next >= end)
        return false;
    struct line m = line_at(l->next, end);
    return header_kind(&m) != HDR_NONE;
}

/* "______________" directly above an Outlook header block belongs to it. */
static bool is_underscore_rule(const struct line *l, const char *end)
{
    size_t n = trim_end(l->s, l->len);
    if (n < UNDERSCORE_MIN || l->next >= end)
        return false;
    for (size_t i = 0; i < n; i++)
        if (l->s[i] != '_')
            return false;
    struct line m = line_at(l->next, end);
    return is_header_block(&m, end);
}

enum lang { LANG_NONE, LANG_EN, LANG_NL, LANG_DE, LANG_FR };

static enum lang attribution_lang(const struct line *l)
{
    if (has_prefix(l->s, l->len, "On "))
        return LANG_EN;
    if (has_prefix(l->s, l->len, "Op "))
        return LANG_NL;
    if (has_prefix(l->s, l->len, "Am "))
        return LANG_DE;
    if (has_prefix(l->s, l->len, "Le "))
        return LANG_FR;
    return LANG_NONE;
}

/* Does the last line of a candidate attribution end the way lang ends one? */
static bool attribution_end(enum lang lang, const char *s, size_t n)
{
    n = trim_end(s, n);
    switch (lang) {
    case LANG_EN:
        return has_suffix(s, n, "wrote:");
    case LANG_NL:
    case LANG_DE:
        return n > 0 && s[n - 1] == ':';
    case LANG_FR:
        if (n == 0 || s[n - 1] != ':')
            return false;
        n = trim_end(s, n - 1);
        return has_suffix(s, n, " a écrit");
    case LANG_NONE:
        break;
    }
    return false;
}

/* NL and DE put the verb before the name: "schreef Jan <jan@x.nl>:". */
static bool attribution_verb(enum lang lang, const char *s, size_t n)
{
    if (lang == LANG_NL)
        return contains(s, n, "schreef") || contains(s, n, "geschreven");
    if (lang == LANG_DE)
        return contains(s, n, "schrieb");
    return true;
}

static size_t count_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/*
 * Evidence that a line is written by a mail client, not a person: a clock
 * time ("10:00") or an address. Needed before cutting everything after an
 * attribution that is not followed by '>' lines.
 */
static bool client_evidence(const char *s, size_t n)
{
    if (memchr(s, '@', n) != NULL)
        return true;
    for (size_t i = 0; i + 3 < n; i++)
        if (s[i] >= '0' && s[i] <= '9' && s[i + 1] == ':' && s[i + 2] >= '0' && s[i + 2] <= '9' &&
            s[i + 3] >= '0' && s[i + 3] <= '9')
            return true;
    return false;
}

struct attribution {
    const char *next; /* first byte after the attribution */
    size_t lines;     /* 1, or 2 when wrapped */
    bool evidence;    /* client_evidence() on either line */
};

/*
 * Recognise an attribution starting at l, on one line or wrapped over two
 * (Gmail wraps long names: "On ... John Doe <\njohn@example.com> wrote:").
 */
static bool attribution_at(const struct line *l, const char *end, struct attribution *a)
{
    enum lang lang = attribution_lang(l);
    if (lang == LANG_NONE || l->len > ATTR_MAX_BYTES)
        return false;
    size_t c1 = count_chars(l->s, l->len);
    if (c1 >= ATTR_MAX_CHARS)
        return false;

    if (attribution_end(lang, l->s, l->len) && attribution_verb(lang, l->s, l->len)) {
        a->next = l->next;
        a->lines = 1;
        a->evidence = client_evidence(l->s, l->len);
        return true;
    }

    struct line m;
    if (l->next >= end || !short_line_at(l->next, end, ATTR_MAX_BYTES, &m))
        return false;
    if (is_blank(m.s, m.len) || c1 + 1 + count_chars(m.s, m.len) >= ATTR_MAX_CHARS)
        return false;
    if (!attribution_end(lang, m.s, m.len))
        return false;
    if (!attribution_verb(lang, l->s, l->len) && !attribution_verb(lang, m.s, m.len))
        return false;
    a->next = m.next;
    a->lines = 2;
    a->evidence = client_evidence(l->s, l->len) || client_evidence(m.s, m.len);
    return true;
}

/* Is the first non-blank line from p on a '>' line? */
static bool quote_follows(const char *p, const char *end)
{
    while (p < end) {
        struct line l = line_at(p, end);
        if (!is_blank(l.s, l.len))
            return is_quoted(&l);
        p = l.next;
    }
    return false;
}

/*
 * Which markers a line can be, judged by its first byte: most prose lines
 * start with a byte no marker starts with and skip every check. Lines that
 * start with white space may be indented markers and get them all.
 */
enum {
    M_SIG = 1,    /* "-- " */
    M_FWD = 2,    /* forward separators, dashed or Apple's */
    M_HDR = 4,    /* Outlook header block */
    M_RULE = 8,   /* underscore rule above a header block */
    M_TRAIL = 16, /* device trailer */
    M_ATTR = 32,  /* reply attribution */
    M_ALL = 63,
};

static const unsigned char first_byte[256] = {
    [' '] = M_ALL,           ['\t'] = M_ALL,          [0xC2] = M_ALL,
    [0xE2] = M_ALL,          ['-'] = M_SIG | M_FWD,   ['_'] = M_RULE,
    ['*'] = M_HDR,           [0xC3] = M_HDR,          ['A'] = M_HDR | M_FWD | M_ATTR,
    ['a'] = M_HDR | M_FWD,   ['B'] = M_HDR | M_FWD,   ['b'] = M_HDR | M_FWD,
    ['C'] = M_HDR,           ['c'] = M_HDR,           ['D'] = M_HDR | M_FWD,
    ['d'] = M_HDR | M_FWD,   ['E'] = M_HDR | M_TRAIL, ['e'] = M_HDR | M_TRAIL,
    ['F'] = M_HDR,           ['f'] = M_HDR,           ['G'] = M_HDR | M_TRAIL,
    ['g'] = M_HDR | M_TRAIL, ['L'] = M_ATTR,          ['O'] = M_HDR | M_ATTR,
    ['o'] = M_HDR,           ['R'] = M_HDR,           ['r'] = M_HDR,
    ['S'] = M_HDR | M_TRAIL, ['s'] = M_HDR | M_TRAIL, ['T'] = M_HDR,
    ['t'] = M_HDR,           ['V'] = M_HDR | M_TRAIL, ['v'] = M_HDR | M_TRAIL,
};

static unsigned line_mask(const struct line *l)
{
    return l->len > 0 ? first_byte[(unsigned char)l->s[0]] : 0;
}

/* A marker that ends the own text for good (signature, forward, Outlook block). */
static enum cut cut_marker(const struct line *l, const char *end, unsigned m)
{
    if (((m & M_SIG) && is_sig_separator(l)) || ((m & M_TRAIL) && is_device_trailer(l)))
        return CUT_SIGNATURE;
    if (((m & M_FWD) && is_forward_separator(l)) || ((m & M_HDR) && is_header_block(l, end)) ||
        ((m & M_RULE) && is_underscore_rule(l, end)))
        return CUT_FORWARD;
    return CUT_NONE;
}

/*
 * Inside a signature, a quote or forward below it is still counted as what
 * it is, for `dealtemp explain`; nothing is kept either way.
 */
static enum cut recount_in_signature(const struct line *l, const char *end)
{
    unsigned m = line_mask(l);
    struct attribution a;

    if (m == 0)
        return CUT_SIGNATURE;
    if (((m & M_FWD) && is_forward_separator(l)) || ((m & M_HDR) && is_header_block(l, end)) ||
        ((m & M_RULE) && is_underscore_rule(l, end)))
        return CUT_FORWARD;
    if ((m & M_ATTR) && attribution_at(l, end, &a))
        return CUT_QUOTE;
    return CUT_SIGNATURE;
}

static void count_cut(struct dt_quote_info *t, enum cut cut)
{
    if (cut == CUT_QUOTE)
        t->quoted_lines++;
    else if (cut == CUT_FORWARD)
        t->forward_lines++;
    else if (cut == CUT_SIGNATURE)
        t->signature_lines++;
}

/*
 * Kept lines are copied in runs: lines that follow each other in the input
 * go out with one append. The run also remembers where its last non-blank
 * line ends, so trailing blank lines can be cut off at the very end.
 */
struct writer {
    struct dt_buf *out;
    const char *run_s, *run_e; /* pending input bytes, NULL when none */
    const char *run_keep;      /* end of the run's last non-blank line, or NULL */
    size_t keep_to;            /* out->len after the last non-blank line written */
    bool emitted;              /* a line went out (or is pending) already */
};

static void writer_flush(struct writer *w)
{
    if (w->run_s == NULL)
        return;
    dt_buf_append(w->out, w->run_s, (size_t)(w->run_e - w->run_s));
    if (w->run_keep != NULL && !dt_buf_failed(w->out))
        w->keep_to = w->out->len - (size_t)(w->run_e - w->run_keep);
    w->run_s = w->run_e = w->run_keep = NULL;
}

static void writer_line(struct writer *w, const struct line *l)
{
    bool blank = is_blank(l->s, l->len);

    if (blank && !w->emitted)
        return; /* leading blank lines */
    if (w->run_s != NULL && l->s == w->run_e + 1) {
        w->run_e = l->s + l->len; /* the '\n' between is in the input */
    } else {
        bool first = !w->emitted;
        writer_flush(w);
        if (!first)
            dt_buf_putc(w->out, '\n');
        w->run_s = l->s;
        w->run_e = l->s + l->len;
    }
    if (!blank)
        w->run_keep = w->run_e;
    w->emitted = true;
}

void dt_quote_strip(const char *text, size_t len, struct dt_buf *out, struct dt_quote_info *info)
{
    struct dt_quote_info tally = {0, 0, 0};
    struct writer w = {out, NULL, NULL, NULL, out->len, false};
    enum cut cut = CUT_NONE;
    const char *p = text, *end = text ? text + len : text;

    while (p < end) {
        struct line l = line_at(p, end);

        if (cut != CUT_NONE) {
            bool quoted = is_quoted(&l);
            if (cut == CUT_SIGNATURE && !quoted)
                cut = recount_in_signature(&l, end);
            count_cut(&tally, cut == CUT_SIGNATURE && quoted ? CUT_QUOTE : cut);
            p = l.next;
            continue;
        }
        if (is_quoted(&l)) {
            tally.quoted_lines++;
            p = l.next;
            continue;
        }
        unsigned m = line_mask(&l);
        if (m != 0) {
            cut = cut_marker(&l, end, m);
            if (cut != CUT_NONE)
                continue; /* counted by the branch above */

            struct attribution a;
            if ((m & M_ATTR) && attribution_at(&l, end, &a)) {
                /*
                 * Followed by '>' lines, the reply may go on below the quote
                 * (bottom-posting, interleaving): drop just the attribution
                 * and let the '>' lines go one by one. Otherwise the quoted
                 * mail follows unmarked, and only a client-made line may cut
                 * it off.
                 */
                if (quote_follows(a.next, end)) {
                    tally.quoted_lines += a.lines;
                    p = a.next;
                    continue;
                }
                if (a.evidence) {
                    cut = CUT_QUOTE;
                    continue;
                }
            }
        }
        writer_line(&w, &l);
        p = l.next;
    }
    writer_flush(&w);

    if (!dt_buf_failed(out) && out->data != NULL) {
        out->len = w.keep_to;
        out->data[w.keep_to] = '\0';
    }
    if (info != NULL)
        *info = tally;
}
