/*
 * report.c - render analysis results for people and programs (report.h).
 *
 * Public: dt_report_json(), dt_report_explain() (each hit with the
 * modifier it was scored under; whether the milter would add the euphoria
 * header, and if not why). Never fails; allocation
 * failures are sticky in the output buffer. Every string taken from a
 * message goes through dt_json_string() (JSON) or, with the whole
 * explanation, through dt_utf8_clean_lines() (utf8.h), never raw.
 */
#include "dealtemp/report.h"

#include <math.h>
#include <string.h>

#include "dealtemp/json.h"
#include "dealtemp/utf8.h"

void dt_report_json(const struct dt_facts *f, const char *file, struct dt_buf *out)
{
    const struct dt_score *s = &f->score;

    dt_buf_puts(out, "{\"file\":");
    dt_json_string(out, file);
    dt_buf_printf(out, ",\"score\":%.2f,\"level\":\"%s\",\"lang\":", s->score,
                  dt_level_name(s->level));
    dt_json_string(out, s->lang);
    dt_buf_printf(out, ",\"words\":%zu,\"direction\":\"%s\",\"total\":%.2f,\"counts\":{", s->words,
                  dt_direction_name(f->direction), s->total);
    bool first = true;
    for (int k = 0; k < DT_KIND_COUNT; k++) {
        if (s->counts[k] == 0)
            continue;
        dt_buf_printf(out, "%s\"%s\":%zu", first ? "" : ",", dt_kind_name((enum dt_kind)k),
                      s->counts[k]);
        first = false;
    }
    dt_buf_puts(out, "},\"evidence\":[");
    for (size_t i = 0; i < s->n_evidence; i++) {
        const struct dt_evidence *e = &s->evidence[i];
        dt_buf_printf(out, "%s{\"kind\":\"%s\",\"text\":", i ? "," : "", dt_kind_name(e->kind));
        dt_json_string(out, e->text);
        dt_buf_printf(out, ",\"weight\":%.2f,\"offset\":%zu%s}", e->weight, e->offset,
                      e->negated ? ",\"negated\":true" : "");
    }
    dt_buf_printf(out, "],\"evidence_dropped\":%zu", s->n_evidence_dropped);
    dt_buf_printf(out, ",\"removed\":{\"quoted\":%zu,\"forward\":%zu,\"signature\":%zu}",
                  f->quote.quoted_lines, f->quote.forward_lines, f->quote.signature_lines);
    dt_buf_puts(out, ",\"warning\":");
    dt_json_string(out, f->msg != NULL && f->msg->warning[0] ? f->msg->warning : NULL);
    dt_buf_puts(out, "}\n");
}

/* The own words with [[ ]] around each hit; overlapping hits share one mark. */
static void marked_text(const struct dt_facts *f, struct dt_buf *out)
{
    const struct dt_score *s = &f->score;
    size_t pos = 0;

    for (size_t i = 0; i < s->n_evidence; i++) {
        const struct dt_evidence *e = &s->evidence[i];
        if (e->offset < pos || e->offset + e->length > f->own_len)
            continue; /* inside a hit already marked */
        size_t end = e->offset + e->length;
        for (size_t j = i + 1; j < s->n_evidence && s->evidence[j].offset < end; j++)
            if (s->evidence[j].offset + s->evidence[j].length > end)
                end = s->evidence[j].offset + s->evidence[j].length;
        if (end > f->own_len)
            end = f->own_len;
        dt_buf_append(out, f->own_text + pos, e->offset - pos);
        dt_buf_puts(out, "[[");
        dt_buf_append(out, f->own_text + e->offset, end - e->offset);
        dt_buf_puts(out, "]]");
        pos = end;
    }
    dt_buf_append(out, f->own_text + pos, f->own_len - pos);
    if (f->own_len == 0 || f->own_text[f->own_len - 1] != '\n')
        dt_buf_putc(out, '\n');
}

/* The modifier's words as written, at most 40 bytes, cut on a character boundary. */
static void modifier_text(const struct dt_facts *f, const struct dt_evidence *e, struct dt_buf *out)
{
    size_t off = e->mod_offset, len = e->mod_length;
    if (f->own_text == NULL || off > f->own_len || len > f->own_len - off) {
        dt_buf_putc(out, '?');
        return;
    }
    if (len > 40) {
        len = 40;
        while (len > 0 && ((unsigned char)f->own_text[off + len] & 0xc0) == 0x80)
            len--;
    }
    dt_buf_append(out, f->own_text + off, len);
}

/*
 * One hit: "excited  excitement 1.50 x1.5 (so) = 2.25", "great  hype 0.40",
 * "excited  excitement 0 (negated by 'not')".
 */
static void evidence_line(const struct dt_facts *f, const struct dt_evidence *e, struct dt_buf *out)
{
    /* Padded by characters, not bytes, so "café" and "🚀" line up (nearly). */
    size_t chars = 0;
    for (const char *c = e->text; *c; c++)
        chars += ((unsigned char)*c & 0xc0) != 0x80;
    dt_buf_printf(out, "  %s%*s %-12s ", e->text, chars < 24 ? (int)(24 - chars) : 0, "",
                  dt_kind_name(e->kind));
    if (e->negated) {
        dt_buf_puts(out, "0 (negated by '");
        modifier_text(f, e, out);
        dt_buf_puts(out, "')\n");
    } else if (e->mod_length > 0 && e->mult > 0) {
        dt_buf_printf(out, "%.2f x%.3g (", e->weight / e->mult, e->mult);
        modifier_text(f, e, out);
        dt_buf_printf(out, ") = %.2f\n", e->weight);
    } else {
        dt_buf_printf(out, "%.2f\n", e->weight);
    }
}

/* Why a message gets no euphoria header, in words (analyze.c's `why`). */
static const char *no_header_because(const struct dt_facts *f)
{
    static const struct {
        const char *why, *words;
    } reasons[] = {
        {"null sender", "a bounce (null envelope sender)"},
        {"multipart/report", "a delivery or read report (multipart/report)"},
        {"List-Id", "list mail (List-Id header)"},
        {"Precedence", "bulk or list mail (Precedence header)"},
        {"Auto-Submitted", "automatic mail (Auto-Submitted header)"},
        {"X-Autoreply", "an automatic reply (X-Autoreply header)"},
        {"out-of-office subject", "an out-of-office reply (by its subject)"},
        {"sender not a rep", "the sender is internal but not one of the reps"},
        {"no external recipient", "no external recipient (internal mail)"},
        {"no internal party", "no internal sender or recipient (not in internal_domains)"},
    };
    if (f->direction == DT_DIR_INBOUND)
        return "inbound mail, from an external sender (a customer's reply in a known deal "
               "thread gets the thread headers instead)";
    for (size_t i = 0; f->why != NULL && i < sizeof(reasons) / sizeof(*reasons); i++)
        if (strcmp(f->why, reasons[i].why) == 0)
            return reasons[i].words;
    return f->why != NULL && *f->why ? f->why : dt_direction_name(f->direction);
}

/* What the milter would do with this message's euphoria header, and why. */
static void milter_verdict(const struct dt_facts *f, const struct dt_config *cfg,
                           struct dt_buf *out)
{
    if (f->direction == DT_DIR_OUTBOUND && f->scored) {
        char value[256];
        dt_facts_euphoria_value(f, value, sizeof(value));
        dt_buf_printf(out, "milter: adds %sEuphoria: %s\n", cfg->header_prefix, value);
        return;
    }
    dt_buf_printf(out, "milter: no %sEuphoria header: %s\n", cfg->header_prefix,
                  no_header_because(f));
    /* A file has no envelope: in flight its sender and recipients count too. */
    if (f->direction != DT_DIR_IGNORED)
        dt_buf_puts(out,
                    "        (judged from From, To and Cc; in flight the envelope's sender and "
                    "recipients count too)\n");
}

static void explain(const struct dt_facts *f, const struct dt_config *cfg, const char *file,
                    struct dt_buf *out)
{
    const struct dt_score *s = &f->score;
    const struct dt_euphoria_params *p = &cfg->euphoria;

    dt_buf_printf(out, "%s: %s %.2f (%s, %zu words, %s)\n", file, dt_level_name(s->level), s->score,
                  s->lang[0] ? s->lang : "no language", s->words, dt_direction_name(f->direction));
    milter_verdict(f, cfg, out);
    if (f->msg != NULL && f->msg->warning[0])
        dt_buf_printf(out, "note: %s\n", f->msg->warning);
    dt_buf_printf(out, "removed before scoring: %zu quoted, %zu forwarded, %zu signature lines\n",
                  f->quote.quoted_lines, f->quote.forward_lines, f->quote.signature_lines);
    dt_buf_puts(out, "\n--- the author's own words, hits marked [[ ]] ---\n");
    if (f->own_text != NULL)
        marked_text(f, out);
    dt_buf_puts(out, "\n--- evidence ---\n");
    if (s->n_evidence == 0)
        dt_buf_puts(out, "  (none)\n");
    for (size_t i = 0; i < s->n_evidence; i++)
        evidence_line(f, &s->evidence[i], out);
    if (s->n_evidence_dropped > 0)
        dt_buf_printf(out, "  ... and %zu more hits (counted in the sum, not listed)\n",
                      s->n_evidence_dropped);
    double norm = (double)s->words > p->min_words ? (double)s->words : p->min_words;
    double density = s->total * 100.0 / norm;
    dt_buf_printf(out,
                  "\nsum %.2f over max(%zu words, min_words %.0f) = %.2f per 100 words\n"
                  "score = 1 - exp(-%.2f / scale %.1f) = %.2f -> %s"
                  " (warm >= %.2f, euphoric >= %.2f)\n",
                  s->total, s->words, p->min_words, density, density, p->scale,
                  1.0 - exp(-density / p->scale), dt_level_name(s->level), p->warm, p->euphoric);
}

void dt_report_explain(const struct dt_facts *f, const struct dt_config *cfg, const char *file,
                       struct dt_buf *out)
{
    /* The whole text through the one rule for what a person reads (utf8.h):
     * the own words, the phrases, a warning quoting a charset name, the file
     * name - no control, bidi or hidden character reaches the terminal. */
    struct dt_buf raw = DT_BUF_INIT;
    explain(f, cfg, file, &raw);
    if (dt_buf_failed(&raw))
        out->failed = true;
    else
        dt_utf8_clean_lines(out, raw.data ? raw.data : "", raw.len);
    dt_buf_free(&raw);
}
