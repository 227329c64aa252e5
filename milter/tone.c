/*
 * tone.c - the customer's tone per reply and over a thread, and who is on
 * the customer's side (tone.h). Pure: no allocation, no state.
 */
#include "dealtemp/tone.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dealtemp/lexicon.h"

static const char *const tone_names[DT_TONE_COUNT] = {"neutral", "hesitant", "engaged",
                                                      "enthusiastic"};
/* The trend's ranking: hesitant 0, neutral 1, engaged 2, enthusiastic 3. */
static const int tone_rank[DT_TONE_COUNT] = {1, 0, 2, 3};

static int rank(enum dt_tone t)
{
    return (unsigned)t < DT_TONE_COUNT ? tone_rank[t] : 1;
}
static const char *const trend_names[DT_TREND_COUNT] = {"cooling", "steady", "warming"};

const char *dt_tone_name(enum dt_tone t)
{
    return (unsigned)t < DT_TONE_COUNT ? tone_names[t] : "unknown";
}

const char *dt_trend_name(enum dt_trend t)
{
    return (unsigned)t < DT_TREND_COUNT ? trend_names[t] : "unknown";
}

void dt_tone_defaults(struct dt_tone_params *p)
{
    p->hesitant = 1.0;
    p->engaged = 1.0;
    p->enthusiastic = 0.35;
    p->joined_after = 7 * 86400L;
}

enum dt_tone dt_tone_of(const struct dt_tone_params *p, double score, double hesitation,
                        double engagement)
{
    if (hesitation >= p->hesitant && hesitation > engagement)
        return DT_TONE_HESITANT;
    if (score >= p->enthusiastic)
        return DT_TONE_ENTHUSIASTIC;
    if (engagement >= p->engaged)
        return DT_TONE_ENGAGED;
    return DT_TONE_NEUTRAL;
}

enum dt_trend dt_tone_trend(const enum dt_tone *tones, size_t n)
{
    if (n < 2)
        return DT_TREND_STEADY;
    size_t k = n - 1 < 3 ? n - 1 : 3;
    int sum = 0;
    for (size_t i = n - 1 - k; i < n - 1; i++)
        sum += rank(tones[i]);
    /* latest - mean >= 0.5  <=>  2 k latest - 2 sum >= k */
    int diff2 = 2 * (int)k * rank(tones[n - 1]) - 2 * sum;
    if (diff2 >= (int)k)
        return DT_TREND_WARMING;
    if (diff2 <= -(int)k)
        return DT_TREND_COOLING;
    return DT_TREND_STEADY;
}

void dt_kinds_names(dt_kinds k, char *buf, size_t size)
{
    static const enum dt_kind order[] = {
        DT_KIND_HESITATION, DT_KIND_NEXTSTEP, DT_KIND_RELIEF,      DT_KIND_HYPE,
        DT_KIND_SUPERLATIVE, DT_KIND_EXCITEMENT, DT_KIND_PRESSURE, DT_KIND_EXCLAMATION,
        DT_KIND_CAPS,       DT_KIND_EMOJI};
    size_t used = 0;

    if (buf == NULL || size == 0)
        return;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        if (!(k & DT_KINDS_BIT(order[i])))
            continue;
        const char *name = dt_kind_name(order[i]);
        size_t n = strlen(name) + (used ? 1 : 0);
        if (used + n >= size)
            break;
        if (used)
            buf[used++] = ',';
        memcpy(buf + used, name, strlen(name) + 1);
        used += strlen(name);
    }
}

/* Second-level labels under which a country code registers names. */
static bool registry_label(const char *s, size_t n)
{
    static const char *const labels[] = {"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or"};
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
        if (strlen(labels[i]) == n && strncasecmp(s, labels[i], n) == 0)
            return true;
    return false;
}

const char *dt_org_domain(const char *addr)
{
    const char *at = addr != NULL ? strrchr(addr, '@') : NULL;
    if (at == NULL || at[1] == '\0')
        return NULL;
    const char *dom = at + 1, *end = dom + strlen(dom);
    /* Dots from the right: d1 before the last label, d2 before that, d3 before that. */
    const char *d[3] = {NULL, NULL, NULL};
    size_t nd = 0;
    for (const char *p = end; p > dom && nd < 3;)
        if (*--p == '.')
            d[nd++] = p;
    if (nd < 2)
        return dom;
    size_t tld = (size_t)(end - d[0] - 1);
    size_t sld = (size_t)(d[0] - d[1] - 1);
    if (tld == 2 && registry_label(d[1] + 1, sld))
        return nd >= 3 ? d[2] + 1 : dom;
    return d[1] + 1;
}

/* dom is d or a subdomain of d. */
static bool within(const char *dom, const char *d)
{
    size_t n = strlen(dom), m = strlen(d);
    if (m == 0 || n < m || strcasecmp(dom + n - m, d) != 0)
        return false;
    return n == m || dom[n - m - 1] == '.';
}

bool dt_same_side(const char *addr, const char *counterpart, char *const *freemail,
                  size_t n_freemail)
{
    if (addr == NULL || counterpart == NULL)
        return false;
    if (strcasecmp(addr, counterpart) == 0)
        return true;
    const char *a = dt_org_domain(addr), *c = dt_org_domain(counterpart);
    if (a == NULL || c == NULL || strcasecmp(a, c) != 0)
        return false;
    const char *cdom = strrchr(counterpart, '@') + 1;
    for (size_t i = 0; i < n_freemail; i++) {
        const char *f = freemail[i][0] == '@' ? freemail[i] + 1 : freemail[i];
        if (within(cdom, f))
            return false;
    }
    return true;
}
