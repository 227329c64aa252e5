/*
 * quote.c - keep only the author's own words of a plain-text mail body.
 *
 * dt_quote_strip() walks the text once, line by line (memchr), and drops
 * what the author did not write: '>' lines; a reply attribution together
 * with what follows it ("On ... wrote:", "Op ... schreef ...:", "Am ...
 * schrieb ...:", "Le ... a écrit :", "El ... escribió:", "Il ... ha
 * scritto:", "Em ... escreveu:", "Den ... skrev ...:", "<date> ...
 * napisał(a):", "<date> пользователь ... написал:", also wrapped over two
 * lines); forwarded and Outlook blocks; signatures and device trailers.
 * This file is the walk: what is kept, what is cut and how it is counted.
 * The words of the ten languages (EN/NL/DE/FR/ES/IT/PT/SV/PL/RU) and the
 * checks that match a line against them are in quote_words.c.
 *
 * Most lines are decided by their first byte alone. A check looks ahead at
 * most two lines, or over the blank lines after an attribution, and each
 * of those is read again at most once by the main loop, so the cost stays
 * linear in the input. No regex, no allocation but the output buffer.
 *
 * Failure behaviour: none of its own. Any byte sequence is accepted (UTF-8
 * is not validated) and passed through unchanged; if the output buffer
 * cannot grow, it is marked failed (see buf.h) and the caller checks once.
 * BUGS: a two-line "From:"/"To:" schedule in the author's own words ("Od:
 * 9:00" above "Do: 17:00") is taken for an Outlook header block.
 */
#include "dealtemp/quote.h"

#include <stdbool.h>
#include <string.h>

#include "quote_int.h"

/* Outlook draws a line of underscores above its header block. */
#define UNDERSCORE_MIN 10

/* Once a cut starts, nothing more is kept; the kind says what to count. */
enum cut { CUT_NONE, CUT_QUOTE, CUT_FORWARD, CUT_SIGNATURE };

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

/* An Outlook header block: a From-line directly followed by another header line. */
static bool is_header_block(const struct line *l, const char *end)
{
    if (dt_quote_header_kind(l) != HDR_FROM || l->next >= end)
        return false;
    struct line m = line_at(l->next, end);
    return dt_quote_header_kind(&m) != HDR_NONE;
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

/* A forward separator, an Outlook header block or the rule above one (m: line_mask). */
static bool is_forward_marker(const struct line *l, const char *end, unsigned m)
{
    return ((m & M_FWD) && dt_quote_is_forward_separator(l)) ||
           ((m & M_HDR) && is_header_block(l, end)) || ((m & M_RULE) && is_underscore_rule(l, end));
}

/* A marker that ends the own text for good (signature, forward, Outlook block). */
static enum cut cut_marker(const struct line *l, const char *end, unsigned m)
{
    if (((m & M_SIG) && is_sig_separator(l)) || ((m & M_TRAIL) && dt_quote_is_trailer(l)))
        return CUT_SIGNATURE;
    if (is_forward_marker(l, end, m))
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
    if (is_forward_marker(l, end, m))
        return CUT_FORWARD;
    if ((m & M_ATTR) && dt_quote_attribution_at(l, end, &a))
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
            if ((m & M_ATTR) && dt_quote_attribution_at(&l, end, &a)) {
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
