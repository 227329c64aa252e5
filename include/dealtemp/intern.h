/*
 * intern.h - a set of strings, each stored once and named by a small
 * number: the readers of the whole store (deals.c, stats.c) keep an address
 * per message as one index instead of one copy. Pure.
 *
 * Index 0 stands for NULL; real strings are numbered from 1 in the order
 * they were first added. Strings are copied; the copies live until
 * dt_intern_free. Lookups are O(1) expected (open addressing, FNV-1a);
 * a store full of colliding addresses costs time, never correctness.
 */
#ifndef DEALTEMP_INTERN_H
#define DEALTEMP_INTERN_H

#include <stddef.h>
#include <stdint.h>

struct dt_intern {
    char **strs;      /* strs[i] for 1 <= i <= n */
    size_t n, cap;
    uint32_t *slots;  /* index into strs, 0 = empty */
    size_t nslots;
};

#define DT_INTERN_INIT {NULL, 0, 0, NULL, 0}

/* The index of s, adding a copy if new; 0 for NULL; -1 when memory runs out. */
long dt_intern(struct dt_intern *in, const char *s);
/* The string of index i (NULL for 0 or out of range). Valid until dt_intern_free. */
const char *dt_intern_str(const struct dt_intern *in, long i);
/* How many strings there are (the highest index). */
size_t dt_intern_count(const struct dt_intern *in);
void dt_intern_free(struct dt_intern *in);

#endif
