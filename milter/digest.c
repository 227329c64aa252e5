/*
 * digest.c - which deals go into which rep's digest (digest.h:
 * dt_digest_collect, dt_digests_free).
 *
 * One pass over the deals as of a moment (deals.h does the cooling), kept
 * only when stalled, cooling or slowed, grouped by the rep who owns the
 * thread - never by anyone else who wrote in it, so a digest holds only its
 * rep's deals. With digest.send_empty, every rep who owns a thread or is
 * listed by address in `reps` gets one, possibly empty. Each item is then marked new or ongoing from what the store
 * says earlier digests reported. Failure: -1 with err set; nothing leaks.
 */
#include "dealtemp/digest.h"

#include <stdlib.h>
#include <string.h>

#include "dealtemp/deals.h"

struct collect {
    const char *only;
    bool every_owner;       /* send_empty: every rep who owns a thread gets a digest */
    struct dt_digest *d;
    size_t n, cap;
    bool oom;
};

static struct dt_digest *digest_for(struct collect *c, const char *rep, time_t as_of)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->d[i].rep, rep) == 0)
            return &c->d[i];
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        struct dt_digest *d = realloc(c->d, cap * sizeof(*d));
        if (d == NULL)
            return NULL;
        c->d = d;
        c->cap = cap;
    }
    struct dt_digest *d = &c->d[c->n];
    memset(d, 0, sizeof(*d));
    if ((d->rep = strdup(rep)) == NULL)
        return NULL;
    d->as_of = as_of;
    c->n++;
    return d;
}

static char *dup_or_null(const char *s, bool *oom)
{
    if (s == NULL)
        return NULL;
    char *d = strdup(s);
    if (d == NULL)
        *oom = true;
    return d;
}

static int add_deal(const struct dt_deal *deal, void *arg)
{
    struct collect *c = arg;
    if (c->every_owner && deal->owner != NULL &&
        (c->only == NULL || strcmp(deal->owner, c->only) == 0) &&
        digest_for(c, deal->owner, 0) == NULL) {
        c->oom = true;
        return 1;
    }
    if (dt_digest_state_rank(deal->state) < 0)
        return 0;
    if (deal->owner == NULL || (c->only != NULL && strcmp(deal->owner, c->only) != 0))
        return 0;
    struct dt_digest *d = digest_for(c, deal->owner, 0);
    struct dt_digest_item *items = d != NULL ? realloc(d->items, (d->n_items + 1) * sizeof(*items))
                                             : NULL;
    if (items == NULL) {
        c->oom = true;
        return 1;
    }
    d->items = items;
    struct dt_digest_item *it = &d->items[d->n_items++];
    memset(it, 0, sizeof(*it));
    it->thread = deal->thread;
    memcpy(it->id, deal->id, sizeof(it->id));
    it->state = deal->state;
    it->counterpart = dup_or_null(deal->counterpart, &c->oom);
    it->counterpart_name = dup_or_null(deal->counterpart_name, &c->oom);
    it->subject = dup_or_null(deal->subject, &c->oom);
    it->trigger_phrases = dup_or_null(deal->trigger_phrases, &c->oom);
    it->trigger_at = deal->trigger_at;
    it->trigger_score = deal->trigger_score;
    /* Every duration on the clock the state was judged on, so what the rep
     * reads is what decided. */
    it->clock = deal->clock;
    it->silent_s = deal->cooling.silent_s;
    it->usual_s = deal->cooling.usual_s;
    it->usual_source = deal->cooling.usual_source;
    it->answered = deal->cooling.answered;
    it->reply_s = deal->cooling.answered ? deal->cooling.reply_s : 0;
    const long *lat = deal->clock.business && deal->latencies_business_s != NULL
                          ? deal->latencies_business_s
                          : deal->latencies_s;
    size_t skip = deal->n_latencies > DT_DIGEST_MAX_LATENCIES
                      ? deal->n_latencies - DT_DIGEST_MAX_LATENCIES
                      : 0;
    it->n_latencies = deal->n_latencies - skip;
    memcpy(it->latencies_s, lat + skip, it->n_latencies * sizeof(long));
    it->n_replies = deal->n_replies;
    it->customer_tone = deal->customer_tone;
    it->n_people_total = deal->n_people;
    for (size_t i = 0; i < deal->n_people && it->n_people < DT_DIGEST_MAX_PEOPLE; i++) {
        struct dt_digest_person *p = &it->people[it->n_people++];
        p->address = dup_or_null(deal->people[i].address, &c->oom);
        p->name = dup_or_null(deal->people[i].name, &c->oom);
        p->first_at = deal->people[i].first_at;
        p->joined_later = deal->people[i].joined_later;
    }
    return c->oom ? 1 : 0;
}

int dt_digest_state_rank(enum dt_thread_state s)
{
    switch (s) {
    case DT_STATE_STALLED:
        return 0;
    case DT_STATE_COOLING:
        return 1;
    case DT_STATE_HESITANT:
        return 2;
    case DT_STATE_SLOWED:
        return 3;
    case DT_STATE_CARRIED:
        return 4;
    default:
        return -1;
    }
}

static int cmp_items(const void *a, const void *b)
{
    const struct dt_digest_item *x = a, *y = b;
    if (dt_digest_state_rank(x->state) != dt_digest_state_rank(y->state))
        return dt_digest_state_rank(x->state) - dt_digest_state_rank(y->state);
    if (x->trigger_at != y->trigger_at)
        return x->trigger_at < y->trigger_at ? -1 : 1;
    return x->thread < y->thread ? -1 : x->thread > y->thread;
}

static int cmp_digests(const void *a, const void *b)
{
    return strcmp(((const struct dt_digest *)a)->rep, ((const struct dt_digest *)b)->rep);
}

int dt_digest_collect(struct dt_store *st, const struct dt_config *cfg, time_t as_of,
                      const char *only, struct dt_digest **out, size_t *n, struct dt_error *err)
{
    struct collect c = {only, cfg->digest_send_empty, NULL, 0, 0, false};
    struct dt_deals_query q = {only, -1, as_of};
    *out = NULL;
    *n = 0;
    if (dt_deals_each(st, cfg, &q, add_deal, &c, err) < 0)
        goto fail;
    if (c.oom) {
        dt_error_set(err, "out of memory collecting digests");
        goto fail;
    }
    if (cfg->digest_send_empty) {
        /* Reps with nothing to report get a digest too: those listed by address. */
        for (size_t i = 0; i < cfg->n_reps; i++) {
            const char *r = cfg->reps[i];
            if (r[0] == '@' || (only != NULL && strcmp(only, r) != 0))
                continue;
            if (digest_for(&c, r, as_of) == NULL) {
                dt_error_set(err, "out of memory collecting digests");
                goto fail;
            }
        }
        if (only != NULL && digest_for(&c, only, as_of) == NULL) {
            dt_error_set(err, "out of memory collecting digests");
            goto fail;
        }
    }
    for (size_t i = 0; i < c.n; i++) {
        struct dt_digest *d = &c.d[i];
        d->as_of = as_of;
        for (size_t k = 0; k < d->n_items; k++) {
            time_t first = 0;
            if (dt_store_digest_first(st, d->rep, d->items[k].thread, &first, err) < 0)
                goto fail;
            d->items[k].is_new = first == 0;
        }
        if (d->n_items > 1)
            qsort(d->items, d->n_items, sizeof(*d->items), cmp_items);
    }
    if (c.n > 1)
        qsort(c.d, c.n, sizeof(*c.d), cmp_digests);
    *out = c.d;
    *n = c.n;
    return 0;
fail:
    dt_digests_free(c.d, c.n);
    return -1;
}

void dt_digests_free(struct dt_digest *d, size_t n)
{
    if (d == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < d[i].n_items; k++) {
            free(d[i].items[k].counterpart);
            free(d[i].items[k].counterpart_name);
            free(d[i].items[k].subject);
            free(d[i].items[k].trigger_phrases);
            for (size_t j = 0; j < d[i].items[k].n_people; j++) {
                free(d[i].items[k].people[j].address);
                free(d[i].items[k].people[j].name);
            }
        }
        free(d[i].items);
        free(d[i].rep);
    }
    free(d);
}
