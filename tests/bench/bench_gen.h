/*
 * bench_gen.h - the generated mail of bench_store (bench_gen.c): year-long
 * timelines of deal threads, written out as an mbox or recorded straight
 * into a store. Everything comes from fixed seeds, so runs are comparable.
 * Private to tests/bench/bench_store.c and bench_gen.c; every function
 * calls bench_die() on failure rather than returning an error.
 */
#ifndef DEALTEMP_BENCH_GEN_H
#define DEALTEMP_BENCH_GEN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dealtemp/store.h"

/* Bump when the generated 1M store changes shape: the cached copy is then remade. */
#define GEN_VERSION 3

#define DAY 86400L
#define T0 ((time_t)1764547200) /* 2025-12-01T00:00:00Z: the year the timelines cover */
#define AS_OF (T0 + 365 * DAY)  /* 2026-12-01T00:00:00Z */
#define MAX_LEN 18              /* longest thread */

struct thread_info {
    uint32_t rep, rep2, cp; /* rep2: a colleague who sends some of the outbound mail */
    uint32_t out_mask;      /* bit i set: message i is outbound */
    uint8_t len;
};

struct ev {
    int64_t at;
    uint32_t thread;
    uint8_t seq;
};

struct timeline {
    const char *tag; /* in every Message-ID, so two timelines never share one */
    struct thread_info *th;
    struct ev *ev;
    size_t n_threads, n_ev;
};

/*
 * n_threads threads (an even number) of 2..18 messages, 10 on average and
 * exactly 10 * n_threads in all, between n_reps reps and n_cps customers,
 * started during the year before AS_OF; all events sorted by time. The
 * same seed gives the same timeline. Free with gen_timeline_free().
 */
void gen_timeline(struct timeline *tl, size_t n_threads, size_t n_reps, size_t n_cps,
                  unsigned long long seed);
void gen_timeline_free(struct timeline *tl);

/* Write the import mbox to path: 19,000 deal messages and 1,000 others; returns its size. */
size_t gen_mbox(const char *path);

/* Record message e of tl in st with dt_store_record, as the milter would have. */
void gen_record(struct dt_store *st, const struct timeline *tl, const struct ev *e);

/* Print "bench_store: what: why" on stderr and exit 1 (bench_store.c). */
void bench_die(const char *what, const char *why) __attribute__((noreturn));

#endif
