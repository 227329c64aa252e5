/*
 * hash.c - FNV-1a 64 (hash.h). Pure; never fails.
 */
#include "dealtemp/hash.h"

#include "dealtemp/utf8.h"

uint64_t dt_fnv1a(const char *s, size_t n, int fold)
{
    uint64_t h = DT_FNV_OFFSET;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        h = dt_fnv_step(h, fold ? dt_ascii_lower(c) : c);
    }
    return h;
}
