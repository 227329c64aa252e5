/*
 * ingest.c - analyzed message -> store record -> header facts (ingest.h).
 *
 * Public: dt_ingest(), dt_ingest_prepare(), dt_ingest_rec_free(),
 * dt_ingest_commit(), dt_ingest_latency_value(), dt_ingest_phrases().
 *
 * Only metadata reaches the store: the Message-ID as a hash, the thread,
 * time, direction, the two parties, the score, level and the top five
 * evidence phrases, and the subject when store_subjects is on. A message
 * without a Message-ID gets a stable stand-in hash from its sender, time
 * and subject, so importing it twice still stores it once.
 */
#include "dealtemp/ingest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_PHRASES 5

/* The top evidence texts, strongest first, distinct, "amazing, can't wait, 🚀". */
static void top_phrases(const struct dt_score *s, struct dt_buf *out)
{
    const struct dt_evidence *pick[MAX_PHRASES];
    size_t n = 0;
    for (size_t i = 0; i < s->n_evidence; i++) {
        const struct dt_evidence *e = &s->evidence[i];
        if (e->negated || e->weight <= 0 || e->kind == DT_KIND_EXCLAMATION)
            continue;
        bool dup = false;
        for (size_t j = 0; j < n && !dup; j++)
            dup = strcasecmp(pick[j]->text, e->text) == 0;
        if (dup)
            continue;
        size_t pos = n;
        if (n == MAX_PHRASES) {
            if (e->weight <= pick[n - 1]->weight)
                continue;
            pos = --n;
        }
        while (pos > 0 && pick[pos - 1]->weight < e->weight) {
            pick[pos] = pick[pos - 1];
            pos--;
        }
        pick[pos] = e;
        n++;
    }
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            dt_buf_puts(out, ", ");
        dt_buf_puts(out, pick[i]->text);
    }
}

/* The customer's side of the message, "addr\tname\n" each (tabs and line
 * breaks in a name become spaces). */
static void people_text(const struct dt_facts *f, struct dt_buf *out)
{
    for (size_t i = 0; i < f->n_people; i++) {
        const char *name = dt_message_name(f->msg, f->people[i]);
        dt_buf_puts(out, f->people[i]);
        dt_buf_putc(out, '\t');
        for (const char *p = name; p != NULL && *p; p++)
            dt_buf_putc(out, *p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p);
        dt_buf_putc(out, '\n');
    }
}

/* A tone weight as the store keeps it (three decimals), so the tone read
 * back later is the tone of the live reply. */
static double milli(double w)
{
    return dt_store_score_of_int(dt_store_score_to_int(w));
}

/* The kinds of words a reply's tone rests on (tone.h): a bit per kind hit. */
static unsigned kinds_of(const struct dt_score *s)
{
    unsigned k = 0;
    for (int i = 0; i < DT_KIND_COUNT; i++)
        if (s->counts[i] > 0)
            k |= DT_KINDS_BIT(i);
    return k;
}

int dt_ingest_prepare(const struct dt_config *cfg, const struct dt_facts *f, time_t at,
                      struct dt_ingest_rec *out, struct dt_error *err)
{
    memset(out, 0, sizeof(*out));
    bool outbound = f->direction == DT_DIR_OUTBOUND;
    if ((!outbound && f->direction != DT_DIR_INBOUND) || f->rep == NULL ||
        f->counterpart == NULL)
        return 0;

    const struct dt_message *m = f->msg;
    dt_hash msgid = dt_msgid_hash(m->message_id);
    if (msgid == 0) {
        char stand_in[600];
        snprintf(stand_in, sizeof(stand_in), "%s|%lld|%s", f->sender ? f->sender : "",
                 (long long)(m->date != (time_t)-1 ? m->date : at), m->subject ? m->subject : "");
        msgid = dt_string_hash(stand_in);
    }
    size_t n_anc = dt_thread_ancestors(m, out->anc, DT_INGEST_MAX_ANCESTORS);
    dt_subject_normalize(m->subject, &out->subj);
    /* The rep's phrases are kept; of the customer's words only their kinds. */
    if (outbound && f->scored)
        top_phrases(&f->score, &out->phrases);
    people_text(f, &out->people);
    if (dt_buf_failed(&out->subj) || dt_buf_failed(&out->phrases) ||
        dt_buf_failed(&out->people)) {
        dt_ingest_rec_free(out);
        return dt_error_set(err, "out of memory");
    }
    out->rec = (struct dt_record){
        .msgid = msgid,
        .ancestors = out->anc,
        .n_ancestors = n_anc,
        .new_key = dt_thread_new_key(m, msgid),
        .at = at,
        .outbound = outbound,
        .rep = f->rep,
        .counterpart = f->counterpart,
        .subject = cfg->store_subjects ? m->subject : NULL,
        .subject_key = dt_string_hash(out->subj.data),
        .window_s = (long)cfg->thread_window_days * 86400,
        .score = f->scored ? f->score.score : 0,
        .phrases = out->phrases.len > 0 ? out->phrases.data : NULL,
        .counterpart_name = f->counterpart_name,
        .hesitation = !outbound && f->scored ? milli(f->score.tone[0]) : 0,
        .engagement = !outbound && f->scored ? milli(f->score.tone[1] + f->score.tone[2]) : 0,
        .kinds = !outbound && f->scored ? kinds_of(&f->score) : 0,
        .people = out->people.len > 0 ? out->people.data : NULL,
    };
    return 1;
}

void dt_ingest_rec_free(struct dt_ingest_rec *r)
{
    dt_buf_free(&r->subj);
    dt_buf_free(&r->phrases);
    dt_buf_free(&r->people);
}

int dt_ingest_commit(struct dt_store *st, const struct dt_config *cfg, const struct dt_record *rec,
                     unsigned flags, struct dt_ingest_result *out, struct dt_error *err)
{
    struct dt_record_result res;
    memset(out, 0, sizeof(*out));
    if (dt_store_record(st, rec, &res, err) < 0)
        return -1;
    out->recorded = true;
    out->duplicate = res.duplicate;
    out->thread = res.thread;
    out->new_thread = res.new_thread;
    dt_thread_short_id(res.thread, out->thread_id);
    if (!rec->outbound && !res.duplicate && (flags & DT_INGEST_REPLY))
        return dt_deals_reply(st, cfg, res.thread, rec->counterpart, rec->at, &out->reply, err);
    return 0;
}

int dt_ingest(struct dt_store *st, const struct dt_config *cfg, const struct dt_facts *f,
              time_t at, unsigned flags, struct dt_ingest_result *out, struct dt_error *err)
{
    struct dt_ingest_rec r;
    memset(out, 0, sizeof(*out));
    int n = dt_ingest_prepare(cfg, f, at, &r, err);
    if (n <= 0)
        return n;
    int rc = dt_ingest_commit(st, cfg, &r.rec, flags, out, err);
    dt_ingest_rec_free(&r);
    return rc;
}

/* Where the usual came from, as the header says it. */
static const char *const usual_from[DT_USUAL_COUNT] = {
    [DT_USUAL_THREAD] = "in this thread",
    [DT_USUAL_CUSTOMER] = "in their other threads",
    [DT_USUAL_DEFAULT] = "assumed, no history yet",
};

void dt_ingest_latency_value(const struct dt_ingest_result *r, char *buf, size_t size)
{
    char lat[48], usual[48];
    const struct dt_cooling *c = &r->reply.c;
    dt_duration_words(c->reply_s, &r->reply.clock, "en", lat, sizeof(lat));
    dt_duration_words(c->usual_s, &r->reply.clock, "en", usual, sizeof(usual));
    snprintf(buf, size, "%s (usual %s, %s; %s)", lat, usual,
             (unsigned)c->usual_source < DT_USUAL_COUNT ? usual_from[c->usual_source] : "?",
             c->reply_slow ? "slow" : "normal");
}

void dt_ingest_phrases(const struct dt_score *s, struct dt_buf *out)
{
    top_phrases(s, out);
}
