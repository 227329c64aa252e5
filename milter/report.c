/*
 * report.c - render analysis results for people and programs (report.h).
 *
 * Public: dt_report_json(), dt_report_explain(). Never fails; allocation
 * failures are sticky in the output buffer. Every string taken from a
 * message goes through dt_json_string() (JSON) or is printed as the
 * already-cleaned UTF-8 text (explain), never raw.
 */
#include "dealtemp/report.h"

#include <math.h>
#include <string.h>

#include "dealtemp/json.h"

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

void dt_report_explain(const struct dt_facts *f, const struct dt_config *cfg, const char *file,
                       struct dt_buf *out)
{
    const struct dt_score *s = &f->score;
    const struct dt_euphoria_params *p = &cfg->euphoria;

    dt_buf_printf(out, "%s: %s %.2f (%s, %zu words, %s)\n", file, dt_level_name(s->level),
                  s->score, s->lang[0] ? s->lang : "no language", s->words,
                  dt_direction_name(f->direction));
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
    for (size_t i = 0; i < s->n_evidence; i++) {
        const struct dt_evidence *e = &s->evidence[i];
        dt_buf_printf(out, "  %-12s %-28s %+6.2f%s\n", dt_kind_name(e->kind), e->text, e->weight,
                      e->negated ? "  (negated)" : "");
    }
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
