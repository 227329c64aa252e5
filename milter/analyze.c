/*
 * analyze.c - raw message + envelope -> struct dt_facts (see analyze.h).
 *
 * Public: dt_analyze(), dt_facts_clear(), dt_facts_euphoria_value(),
 * dt_direction_name().
 *
 * The order matters for cost: the direction is decided from headers and
 * envelope before any text is looked at, so mail that will not be scored
 * (inbound, internal, bulk) skips quote removal and scoring entirely. The
 * extracted text is freed as soon as it is scored: bodies never outlive
 * this call unless the caller asked for the scored words (KEEP_TEXT).
 *
 * Fails only when the input is not a message or memory runs out; every
 * other oddity is carried as msg->warning.
 */
#include "dealtemp/analyze.h"

#include "dealtemp/thread.h"
#include "dealtemp/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *dt_direction_name(enum dt_direction dir)
{
    switch (dir) {
    case DT_DIR_OUTBOUND:
        return "outbound";
    case DT_DIR_INBOUND:
        return "inbound";
    case DT_DIR_INTERNAL:
        return "internal";
    case DT_DIR_IGNORED:
        return "ignored";
    }
    return "unknown";
}

/* Why a message is bulk, automatic or a bounce, or NULL if it is a person's mail. */
static const char *ignored_because(const struct dt_message *m, const struct dt_envelope *env)
{
    if (env != NULL && env->mail_from != NULL && env->mail_from[0] == '\0')
        return "null sender";
    if (m->is_report)
        return "multipart/report";
    if (m->list_id != NULL)
        return "List-Id";
    if (m->precedence != NULL &&
        (strcmp(m->precedence, "bulk") == 0 || strcmp(m->precedence, "list") == 0 ||
         strcmp(m->precedence, "junk") == 0))
        return "Precedence";
    if (m->auto_submitted != NULL && strncmp(m->auto_submitted, "no", 2) != 0)
        return "Auto-Submitted";
    if (m->x_autoreply)
        return "X-Autoreply";
    if (m->subject != NULL && dt_subject_is_autoreply(m->subject))
        return "out-of-office subject";
    return NULL;
}

/* The first address of the list whose internal-ness is internal (and, for
 * internal ones when want_rep, who is a rep). */
static const char *first_of(const struct dt_config *cfg, char *const *list, size_t n,
                            bool internal, bool want_rep)
{
    for (size_t i = 0; i < n; i++) {
        if (dt_config_is_internal(cfg, list[i]) != internal)
            continue;
        if (!want_rep || dt_config_is_rep(cfg, list[i]))
            return list[i];
    }
    return NULL;
}

/* The first recipient of the given kind: To, then Cc, then the envelope
 * (which also holds Bcc recipients). */
static const char *first_recipient(const struct dt_config *cfg, const struct dt_message *m,
                                   const struct dt_envelope *env, bool internal, bool want_rep)
{
    const char *a = first_of(cfg, m->to, m->n_to, internal, want_rep);
    if (a == NULL)
        a = first_of(cfg, m->cc, m->n_cc, internal, want_rep);
    if (a == NULL && env != NULL && env->n_rcpts > 0)
        a = first_of(cfg, (char *const *)env->rcpts, env->n_rcpts, internal, want_rep);
    return a;
}

/* Who the deal is between: the rep and the customer (counterpart). */
static void parties(const struct dt_config *cfg, const struct dt_message *m,
                    const struct dt_envelope *env, enum dt_direction dir, const char *sender,
                    const char **rep, const char **counterpart)
{
    *rep = *counterpart = NULL;
    if (dir == DT_DIR_OUTBOUND) {
        *rep = sender;
        *counterpart = first_recipient(cfg, m, env, false, false);
    } else if (dir == DT_DIR_INBOUND) {
        *counterpart = m->from != NULL ? m->from : sender;
        *rep = first_recipient(cfg, m, env, true, true);
        if (*rep == NULL)
            *rep = first_recipient(cfg, m, env, true, false);
    }
}

/* The customer's side of this message: the counterpart, then the others
 * of their organisation in From, To and Cc, each once. */
static void customer_people(const struct dt_config *cfg, struct dt_facts *f)
{
    const struct dt_message *m = f->msg;
    char *from[2] = {m->from, NULL};
    char *const *lists[3] = {from, m->to, m->cc};

    f->n_people = 0;
    if (f->counterpart == NULL)
        return;
    f->people[f->n_people++] = f->counterpart;
    for (size_t l = 0; l < 3; l++)
        for (size_t i = 0; lists[l][i] != NULL && f->n_people < DT_PEOPLE_MAX; i++) {
            const char *a = lists[l][i];
            if (!dt_same_side(a, f->counterpart, cfg->freemail, cfg->n_freemail) ||
                dt_config_is_internal(cfg, a))
                continue;
            bool seen = false;
            for (size_t j = 0; j < f->n_people && !seen; j++)
                seen = strcmp(f->people[j], a) == 0;
            if (!seen)
                f->people[f->n_people++] = a;
        }
}

static bool any_recipient(const struct dt_config *cfg, const struct dt_message *m,
                          const struct dt_envelope *env, bool internal)
{
    if (env != NULL && env->n_rcpts > 0) {
        for (size_t i = 0; i < env->n_rcpts; i++)
            if (dt_config_is_internal(cfg, env->rcpts[i]) == internal)
                return true;
        return false;
    }
    for (size_t i = 0; i < m->n_to; i++)
        if (dt_config_is_internal(cfg, m->to[i]) == internal)
            return true;
    for (size_t i = 0; i < m->n_cc; i++)
        if (dt_config_is_internal(cfg, m->cc[i]) == internal)
            return true;
    return false;
}

static enum dt_direction direction_of(const struct dt_config *cfg, const struct dt_message *m,
                                      const struct dt_envelope *env, const char **sender,
                                      const char **why)
{
    const char *env_from = env != NULL && env->mail_from != NULL ? env->mail_from : NULL;

    *why = ignored_because(m, env);
    *sender = env_from != NULL && env_from[0] != '\0' ? env_from : m->from;
    if (*why != NULL)
        return DT_DIR_IGNORED;
    *why = "";
    /* A rep may submit with a system envelope sender (or the reverse), so
     * either the envelope sender or the From address can make it outbound. */
    const char *rep = NULL;
    if (env_from != NULL && dt_config_is_rep(cfg, env_from))
        rep = env_from;
    else if (m->from != NULL && dt_config_is_rep(cfg, m->from))
        rep = m->from;
    if (rep != NULL && any_recipient(cfg, m, env, false)) {
        *sender = rep;
        return DT_DIR_OUTBOUND;
    }
    bool sender_internal = (env_from != NULL && dt_config_is_internal(cfg, env_from)) ||
                           (m->from != NULL && dt_config_is_internal(cfg, m->from));
    if (!sender_internal && *sender != NULL && any_recipient(cfg, m, env, true))
        return DT_DIR_INBOUND;
    *why = sender_internal ? (rep == NULL ? "sender not a rep" : "no external recipient")
                           : "no internal party";
    return DT_DIR_INTERNAL;
}

static char *lower_dup(const char *s)
{
    if (s == NULL)
        return NULL;
    return dt_ascii_lower_str(strdup(s));
}

/*
 * The length of raw that is read: the header block and at most scan_limit
 * bytes of body. The milter keeps no more than that anyway; cutting here
 * too makes `dealtemp score` on a file judge exactly what the milter judged.
 */
static size_t scanned_length(const char *raw, size_t len, size_t scan_limit)
{
    const char *p = raw, *end = raw + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL)
            return len;
        const char *next = nl + 1;
        if (next < end && *next == '\r')
            next++;
        if (next < end && *next == '\n') {
            size_t body = (size_t)(next + 1 - raw);
            return len - body > scan_limit ? body + scan_limit : len;
        }
        p = nl + 1;
    }
    return len;
}

int dt_analyze(const struct dt_config *cfg, const char *raw, size_t len,
               const struct dt_envelope *env, unsigned flags, struct dt_facts *out,
               struct dt_error *err)
{
    memset(out, 0, sizeof(*out));
    out->why = "";
    len = scanned_length(raw, len, cfg->scan_limit);
    if (dt_mime_parse(raw, len, &out->msg, err) < 0)
        return -1;

    const char *sender, *why;
    out->direction = direction_of(cfg, out->msg, env, &sender, &why);
    out->why = why;
    if (sender != NULL && (out->sender = lower_dup(sender)) == NULL)
        goto oom;
    const char *rep, *counterpart;
    parties(cfg, out->msg, env, out->direction, sender, &rep, &counterpart);
    if ((rep != NULL && (out->rep = lower_dup(rep)) == NULL) ||
        (counterpart != NULL && (out->counterpart = lower_dup(counterpart)) == NULL))
        goto oom;
    out->counterpart_name = dt_message_name(out->msg, out->counterpart);
    if (out->direction == DT_DIR_OUTBOUND || out->direction == DT_DIR_INBOUND)
        customer_people(cfg, out);

    if (out->direction == DT_DIR_OUTBOUND ||
        (out->direction == DT_DIR_INBOUND && cfg->customer_tone) ||
        (flags & DT_ANALYZE_SCORE_ALL)) {
        struct dt_buf own = DT_BUF_INIT;
        struct dt_message *m = out->msg;
        dt_quote_strip(m->text, m->text_len, &own, &out->quote);
        if (dt_buf_failed(&own))
            goto oom;
        int rc = dt_euphoria_score(cfg->lexicon, &cfg->euphoria, own.data ? own.data : "",
                                   own.len, &out->score, err);
        if (rc < 0) {
            dt_buf_free(&own);
            dt_facts_clear(out);
            return -1;
        }
        out->scored = true;
        if (flags & DT_ANALYZE_KEEP_TEXT) {
            out->own_text = dt_buf_steal(&own, &out->own_len);
            if (out->own_text == NULL)
                goto oom;
        }
        dt_buf_free(&own);
    }
    /* Bodies never outlive the analysis. */
    free(out->msg->text);
    out->msg->text = NULL;
    out->msg->text_len = 0;
    return 0;

oom:
    dt_facts_clear(out);
    return dt_error_set(err, "out of memory");
}

void dt_facts_clear(struct dt_facts *f)
{
    dt_message_free(f->msg);
    free(f->sender);
    free(f->rep);
    free(f->counterpart);
    free(f->own_text);
    if (f->scored)
        dt_score_clear(&f->score);
    memset(f, 0, sizeof(*f));
    f->why = "";
}

void dt_facts_euphoria_value(const struct dt_facts *f, char *buf, size_t size)
{
    char summary[200];

    dt_score_summary(&f->score, summary, sizeof(summary));
    snprintf(buf, size, "%.2f %s (%s; %s)", f->score.score, dt_level_name(f->score.level),
             f->score.lang[0] ? f->score.lang : "und", summary);
}
