/*
 * complexity.h - does the work grow linearly with hostile input? Shared by
 * the check_complexity_*.c suites (one per pathological family owner).
 *
 * A family is a generator (n -> an input of about n units: n unclosed
 * <head> tags, n nested multiparts, n header lines, ...) and the work
 * under test (a function of that input). dt_growth() times the work on the
 * input at n and at 4n on the process's CPU clock, n doubled first until
 * one run takes at least DT_GROWTH_MIN_S (so timer noise is small), each
 * side the fastest of DT_GROWTH_RUNS runs (so a busy machine only slows a
 * run, never speeds one), and returns t(4n) / t(n): linear work gives
 * about 4, quadratic about 16. Suites assert ratio < 8, a margin no noise
 * crosses in either direction.
 */
#ifndef DEALTEMP_TEST_COMPLEXITY_H
#define DEALTEMP_TEST_COMPLEXITY_H

#include <check.h>
#include <stddef.h>
#include <stdlib.h>
#include <time.h>

#include "dealtemp/buf.h"

#define DT_GROWTH_MIN_S 0.02
#define DT_GROWTH_RUNS 3
#define DT_GROWTH_MAX_N ((size_t)1 << 24)

/* Fill out with an input of size n (out is empty and initialised). */
typedef void (*dt_growth_gen)(size_t n, struct dt_buf *out);
/* Do the work under test on data[0..len). */
typedef void (*dt_growth_work)(const char *data, size_t len);

static inline double dt_growth_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The fastest of DT_GROWTH_RUNS runs of work on gen(n). */
static inline double dt_growth_time(dt_growth_gen gen, dt_growth_work work, size_t n)
{
    struct dt_buf in = DT_BUF_INIT;
    gen(n, &in);
    ck_assert_msg(!dt_buf_failed(&in), "generating %zu units ran out of memory", n);
    double best = 1e9;
    for (int r = 0; r < DT_GROWTH_RUNS; r++) {
        double t0 = dt_growth_cpu_s();
        work(in.data ? in.data : "", in.len);
        double t = dt_growth_cpu_s() - t0;
        if (t < best)
            best = t;
    }
    dt_buf_free(&in);
    return best;
}

/*
 * t(4n) / t(n) for the family, starting at n0 (doubled until t(n) >=
 * DT_GROWTH_MIN_S, at most DT_GROWTH_MAX_N). *n_out, when not NULL, gets
 * the n measured, for the failure message.
 */
static inline double dt_growth(dt_growth_gen gen, dt_growth_work work, size_t n0, size_t *n_out)
{
    size_t n = n0 > 0 ? n0 : 1;
    double t = dt_growth_time(gen, work, n);
    while (t < DT_GROWTH_MIN_S && n < DT_GROWTH_MAX_N) {
        n *= 2;
        t = dt_growth_time(gen, work, n);
    }
    double t4 = dt_growth_time(gen, work, 4 * n);
    if (n_out != NULL)
        *n_out = n;
    return t > 0 ? t4 / t : 0;
}

/* Assert that family name grows linearly: t(4n) < 8 t(n). */
#define dt_assert_linear(name, gen, work, n0)                                                      \
    do {                                                                                           \
        size_t n_;                                                                                 \
        double r_ = dt_growth((gen), (work), (n0), &n_);                                           \
        ck_assert_msg(r_ < 8.0, "%s: work at 4n = %zu took %.1fx the work at n (linear: ~4)",      \
                      (name), 4 * n_, r_);                                                         \
    } while (0)

#endif
