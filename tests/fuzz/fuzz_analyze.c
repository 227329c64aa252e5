/*
 * fuzz_analyze.c - one raw message, as a hostile sender writes it, through
 * everything the milter does with it short of the store: dt_analyze()
 * (MIME, charsets, HTML, quotes, scoring, direction), the values of the
 * headers it adds (dt_facts_euphoria_value, dt_header_value), the
 * record it would keep (dt_ingest_prepare) and what `dealtemp score`
 * and `dealtemp explain` print (report.h).
 *
 * Three passes per input, with tests/data/conf/analyze.conf (corp.example
 * is internal, the real lexicons, the customer's tone on): no envelope and
 * DT_ANALYZE_SCORE_ALL | DT_ANALYZE_KEEP_TEXT (`dealtemp explain`); a rep's
 * envelope to a customer (the milter, outbound); a customer's envelope to
 * a rep (the milter, inbound). They run on a thread with a small stack
 * (dt_fuzz_on_stack): recursion that grows with the input is a finding.
 *
 * Contracts checked besides memory safety: a header value has no CR, no
 * bare LF (only "\n\t" folds) and no line over 998 bytes; dt_report_json
 * writes one JSON object on one line, in UTF-8, and dt_report_explain text
 * a terminal shows as it is (utf8.h); the subject, display names
 * and the own words are UTF-8 (mime.h); dt_analyze fails only with a
 * message in err.
 */
#include <string.h>

#include "dealtemp/analyze.h"
#include "dealtemp/header.h"
#include "dealtemp/ingest.h"
#include "dealtemp/report.h"
#include "dealtemp/utf8.h"
#include "fuzz.h"

static struct dt_config *cfg;

int dt_fuzz_analyze_init(const char *top)
{
    cfg = dt_fuzz_config_load(top, "tests/data/conf/analyze.conf");
    return cfg != NULL ? 0 : -1;
}

/* What the milter would add as "X-Deal-<name>: value": a legal header line. */
static void header_ok(const char *name, const char *value)
{
    struct dt_buf v = DT_BUF_INIT;
    size_t name_len = strlen("X-Deal-") + strlen(name);
    dt_header_value(value, name_len, 900, &v);
    if (!dt_buf_failed(&v) && v.data != NULL)
        DT_FUZZ_ASSERT(dt_fuzz_header_value(v.data, v.len, name_len),
                       "a header value with CR, NUL, a bare LF or a line over 998 bytes");
    dt_buf_free(&v);
}

static void one(const char *raw, size_t len, const struct dt_envelope *env, unsigned flags)
{
    struct dt_facts f;
    struct dt_error err = {{0}};

    if (dt_analyze(cfg, raw, len, env, flags, &f, &err) < 0) {
        DT_FUZZ_ASSERT(err.msg[0] != '\0', "dt_analyze failed without saying why");
        return;
    }
    DT_FUZZ_ASSERT(f.msg != NULL, "dt_analyze succeeded without a message");
    const struct dt_message *m = f.msg;
    DT_FUZZ_ASSERT(m->subject == NULL || dt_utf8_valid(m->subject, strlen(m->subject)),
                   "the subject is not UTF-8");
    for (size_t i = 0; i < 2 * m->n_names; i++)
        DT_FUZZ_ASSERT(dt_utf8_valid(m->names[i], strlen(m->names[i])),
                       "a display name is not UTF-8");
    DT_FUZZ_ASSERT(f.own_text == NULL || dt_utf8_valid(f.own_text, f.own_len),
                   "the own words are not UTF-8");
    if (f.scored) {
        char value[512];
        dt_facts_euphoria_value(&f, value, sizeof(value));
        header_ok("Euphoria", value);
    }
    if (f.msg->subject != NULL)
        header_ok("Subject", f.msg->subject);

    struct dt_buf out = DT_BUF_INIT;
    dt_report_json(&f, "fuzz.eml", &out);
    if (!dt_buf_failed(&out)) {
        DT_FUZZ_ASSERT(out.data != NULL && dt_fuzz_json_line(out.data, out.len),
                       "dt_report_json is not one JSON object on one line");
        DT_FUZZ_ASSERT(dt_utf8_valid(out.data, out.len), "dt_report_json is not UTF-8");
    }
    if ((flags & DT_ANALYZE_KEEP_TEXT) != 0) {
        dt_buf_reset(&out);
        dt_report_explain(&f, cfg, "fuzz.eml", &out);
        if (!dt_buf_failed(&out) && out.data != NULL)
            DT_FUZZ_ASSERT(dt_fuzz_readable(out.data, out.len),
                           "dealtemp explain prints a control or hidden character");
    }
    dt_buf_free(&out);

    time_t at = f.msg->date != (time_t)-1 ? f.msg->date : DT_FUZZ_NOW;
    struct dt_ingest_rec rec;
    memset(&rec, 0, sizeof(rec));
    int kept = dt_ingest_prepare(cfg, &f, at, &rec, &err);
    if (kept > 0)
        dt_ingest_rec_free(&rec);
    dt_facts_clear(&f);
}

struct input {
    const char *raw;
    size_t len;
};

static void all(void *arg)
{
    static const char *const to_customer[] = {"bob@customer.example"};
    static const char *const to_rep[] = {"ann@corp.example", "desk@corp.example"};
    const struct dt_envelope out = {"ann@corp.example", to_customer, 1};
    const struct dt_envelope in = {"bob@customer.example", to_rep, 2};
    const struct input *m = arg;

    one(m->raw, m->len, NULL, DT_ANALYZE_SCORE_ALL | DT_ANALYZE_KEEP_TEXT);
    one(m->raw, m->len, &out, 0);
    one(m->raw, m->len, &in, 0);
}

int dt_fuzz_analyze(const uint8_t *data, size_t size)
{
    struct input m = {(const char *)data, size};
    dt_fuzz_on_stack(all, &m);
    return 0;
}

DT_FUZZ_ENTRY(analyze)
