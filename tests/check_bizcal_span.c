/*
 * check_bizcal_span.c - business seconds over spans of centuries and
 * millennia (bizcal.c): the cost is bounded, and the 400-year shortcut
 * gives exactly what the general path gives.
 *
 * A Date of year 1900 or 9999 once made every latency of its thread walk
 * 16,000 offset changes. Under a zone's footer rule the calendar, the
 * weekdays and the DST changes repeat every 400 years, so a span that long
 * is counted as whole cycles plus a rest. Here random spans up to 9,000
 * years are compared with the sum of the same span cut into pieces under
 * 400 years (which never take the shortcut), in real zones and in a
 * hand-made one whose changes fall inside working hours; and the CPU time
 * of 8,100 years is held to a few times that of 400.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dealtemp/bizcal.h"
#include "testutil.h"

#define D 86400LL
#define CYCLE ((long long)146097 * D) /* 400 Gregorian years */

static uint64_t rng_state = 0x2545f4914f6cdd1du;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static struct dt_tz *load(const char *name)
{
    struct dt_tz *tz = NULL;
    struct dt_error err = {""};
    ck_assert_msg(dt_tz_load(name, NULL, &tz, &err) == 0, "%s: %s", name, err.msg);
    return tz;
}

/* A TZif v2 file with no transitions: the footer rule governs all of time. */
static struct dt_tz *footer_only(const char *rule)
{
    unsigned char b[512];
    size_t n = 0;
    for (int block = 0; block < 2; block++) {
        memcpy(b + n, "TZif2", 5);
        memset(b + n + 5, 0, 15);
        n += 20;
        static const uint32_t counts[6] = {0, 0, 0, 0, 1, 4}; /* isut isstd leap time type chr */
        for (int i = 0; i < 6; i++, n += 4) {
            b[n] = (unsigned char)(counts[i] >> 24);
            b[n + 1] = (unsigned char)(counts[i] >> 16);
            b[n + 2] = (unsigned char)(counts[i] >> 8);
            b[n + 3] = (unsigned char)counts[i];
        }
        static const unsigned char type[6] = {0, 0, 0x0e, 0x10, 0, 0}; /* +3600, std, "XST" */
        memcpy(b + n, type, 6);
        memcpy(b + n + 6, "XST", 4);
        n += 10;
    }
    n += (size_t)snprintf((char *)b + n, sizeof(b) - n, "\n%s\n", rule);
    struct dt_tz *tz = NULL;
    struct dt_error err = {""};
    ck_assert_msg(dt_tz_parse(rule, b, n, &tz, &err) == 0, "%s", err.msg);
    return tz;
}

/* The same span in pieces under 400 years: the general path only. */
static long long in_pieces(const struct dt_business_hours *bh, long long a, long long b)
{
    const long long piece = 399 * 365 * D;
    long long total = 0;
    for (long long t = a; t < b; t += piece)
        total += dt_business_seconds(bh, (time_t)t, (time_t)(b - t > piece ? t + piece : b));
    return total;
}

static const struct {
    unsigned days;
    int start, end;
} hours[] = {
    {DT_WEEKDAYS, 9 * 60, 17 * 60},
    {0x7f, 0, 1440},    /* every second of every day: DST changes shorten and lengthen it */
    {0x41, 60, 4 * 60}, /* weekend nights, where European and US changes fall */
};

START_TEST(cycles_match_pieces)
{
    struct dt_tz *tz;
    switch (_i) {
    case 0:
        tz = load("Europe/Amsterdam");
        break;
    case 1:
        tz = load("America/New_York");
        break;
    case 2:
        tz = load("Australia/Sydney");
        break;
    case 3:
        tz = load("Asia/Kolkata");
        break;
    default:
        tz = footer_only("XST-1XDT,M3.5.3/11,M10.5.3/14");
        break; /* Wednesdays, mid-morning */
    }
    for (size_t h = 0; h < sizeof(hours) / sizeof(hours[0]); h++) {
        struct dt_business_hours bh = {hours[h].days, hours[h].start, hours[h].end, tz};
        for (int i = 0; i < 12; i++) {
            /* From 1600 to 2400, spans of 400 to 9,000 years, 1 s grain. */
            long long a = -11676096000LL + (long long)(rnd() % (uint64_t)(2 * CYCLE));
            long long span = CYCLE + (long long)(rnd() % (uint64_t)(21 * CYCLE));
            long long whole = dt_business_seconds(&bh, (time_t)a, (time_t)(a + span));
            long long parts = in_pieces(&bh, a, a + span);
            ck_assert_msg(whole == parts, "zone %d hours %zu [%lld, %lld): %lld, in pieces %lld",
                          _i, h, a, a + span, whole, parts);
            ck_assert_int_gt(whole, 0);
        }
    }
    dt_tz_free(tz);
}
END_TEST

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The fastest of 5 runs of reps calls over [a, b) (a moved a second each call). */
static double timed(const struct dt_business_hours *bh, time_t a, time_t b, int reps)
{
    double best = 1e9;
    volatile long long sink = 0;
    for (int r = 0; r < 5; r++) {
        double t0 = cpu_s();
        for (int i = 0; i < reps; i++)
            sink += dt_business_seconds(bh, a + i, b);
        double t = cpu_s() - t0;
        if (t < best)
            best = t;
    }
    (void)sink;
    return best;
}

/* 1900 to 9999 (a forged Date) costs a few times 400 years, not twenty. */
START_TEST(millennia_cost_bounded)
{
    struct dt_tz *tz = load("Europe/Amsterdam");
    struct dt_business_hours bh = {DT_WEEKDAYS, 9 * 60, 17 * 60, tz};
    time_t y1900 = (time_t)-2208988800LL, y9999 = (time_t)253402300799LL;
    time_t y2000 = (time_t)946684800LL, y2400 = (time_t)(946684800LL + CYCLE - D);
    int reps = 20;
    while (timed(&bh, y2000, y2400, reps) < 0.02 && reps < 100000)
        reps *= 2;
    double t400 = timed(&bh, y2000, y2400, reps);
    double t8100 = timed(&bh, y1900, y9999, reps);
    ck_assert_msg(t8100 < 4 * t400,
                  "8,100 years took %.1fx the time of 400 (%d calls: %.4f s, %.4f s)", t8100 / t400,
                  reps, t8100, t400);
    dt_tz_free(tz);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("bizcal_span");
    TCase *tc = tcase_create("span");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, cycles_match_pieces, 0, 5);
    tcase_add_test(tc, millennia_cost_bounded);
    suite_add_tcase(s, tc);
    return dt_test_run(s);
}
