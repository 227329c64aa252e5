/*
 * intern.c - strings stored once, named by index (intern.h).
 *
 * Public: dt_intern(), dt_intern_str(), dt_intern_count(), dt_intern_free().
 * The slot table stays at most half full and doubles when it would not;
 * indexes never change, so callers may keep them across growth.
 *
 * Failure: dt_intern returns -1 when memory runs out; the set is left as
 * it was and can still be read and freed.
 */
#include "dealtemp/intern.h"

#include <stdlib.h>
#include <string.h>

#include "dealtemp/hash.h"

#define FIRST_SLOTS 1024
#define FIRST_STRS 256

static size_t slot_of(const char *s, size_t nslots)
{
    return (size_t)dt_fnv1a(s, strlen(s), 0) & (nslots - 1);
}

static int grow(struct dt_intern *in)
{
    size_t nslots = in->nslots ? in->nslots * 2 : FIRST_SLOTS;
    uint32_t *slots = calloc(nslots, sizeof(*slots));
    if (slots == NULL)
        return -1;
    for (size_t i = 1; i <= in->n; i++) {
        size_t j = slot_of(in->strs[i], nslots);
        while (slots[j] != 0)
            j = (j + 1) & (nslots - 1);
        slots[j] = (uint32_t)i;
    }
    free(in->slots);
    in->slots = slots;
    in->nslots = nslots;
    return 0;
}

long dt_intern(struct dt_intern *in, const char *s)
{
    if (s == NULL)
        return 0;
    if ((in->n + 1) * 2 >= in->nslots && grow(in) < 0)
        return -1;
    size_t j = slot_of(s, in->nslots);
    while (in->slots[j] != 0) {
        if (strcmp(in->strs[in->slots[j]], s) == 0)
            return in->slots[j];
        j = (j + 1) & (in->nslots - 1);
    }
    if (in->n + 2 > in->cap) {
        size_t cap = in->cap ? in->cap * 2 : FIRST_STRS;
        char **strs = realloc(in->strs, cap * sizeof(*strs));
        if (strs == NULL)
            return -1;
        in->strs = strs;
        in->cap = cap;
    }
    char *copy = strdup(s);
    if (copy == NULL)
        return -1;
    in->strs[++in->n] = copy;
    in->slots[j] = (uint32_t)in->n;
    return (long)in->n;
}

const char *dt_intern_str(const struct dt_intern *in, long i)
{
    return i > 0 && (size_t)i <= in->n ? in->strs[i] : NULL;
}

size_t dt_intern_count(const struct dt_intern *in)
{
    return in->n;
}

void dt_intern_free(struct dt_intern *in)
{
    for (size_t i = 1; i <= in->n; i++)
        free(in->strs[i]);
    free(in->strs);
    free(in->slots);
    memset(in, 0, sizeof(*in));
}
