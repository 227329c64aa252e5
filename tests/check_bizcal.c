/*
 * check_bizcal.c - time zones (TZif + POSIX footer) and business seconds.
 *
 * Offsets are checked against known 2026 changes at +-1 s and against
 * glibc's localtime_r under setenv("TZ") (only here, never in the module)
 * for thousands of instants in 1970-2100 in the real /usr/share/zoneinfo.
 * Business seconds are checked by hand-computed cases and against a
 * day-by-day reference built on glibc's mktime.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dealtemp/bizcal.h"
#include "testutil.h"

#define H 3600L
#define D 86400L

static const char *const zones[] = {"Europe/Amsterdam", "America/New_York", "Asia/Kolkata",
                                    "Australia/Sydney", "UTC"};

static struct dt_tz *load(const char *name)
{
    struct dt_tz *tz = NULL;
    struct dt_error err = {""};
    int rc = dt_tz_load(name, NULL, &tz, &err);
    ck_assert_msg(rc == 0, "%s: %s", name, err.msg);
    ck_assert_ptr_nonnull(tz);
    return tz;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void set_tz(const char *tz)
{
    ck_assert_int_eq(setenv("TZ", tz, 1), 0);
    tzset();
}

static long glibc_offset(time_t t)
{
    struct tm tm;
    ck_assert_ptr_nonnull(localtime_r(&t, &tm));
    return tm.tm_gmtoff;
}

/* ---- a tiny TZif writer for hand-made and broken inputs ---- */

struct tzb {
    unsigned char b[8192];
    size_t n;
};

static void put32(struct tzb *w, uint32_t v)
{
    for (int i = 3; i >= 0; i--)
        w->b[w->n++] = (unsigned char)(v >> (8 * i));
}

static void put64(struct tzb *w, int64_t v)
{
    put32(w, (uint32_t)((uint64_t)v >> 32));
    put32(w, (uint32_t)v);
}

static void put_block(struct tzb *w, char version, unsigned tsize, const int64_t *trans,
                      const unsigned char *idx, size_t nt, const long *offs, size_t ntypes)
{
    memcpy(w->b + w->n, "TZif", 4);
    w->b[w->n + 4] = (unsigned char)version;
    memset(w->b + w->n + 5, 0, 15);
    w->n += 20;
    put32(w, 0);                /* isutcnt */
    put32(w, 0);                /* isstdcnt */
    put32(w, 0);                /* leapcnt */
    put32(w, (uint32_t)nt);     /* timecnt */
    put32(w, (uint32_t)ntypes); /* typecnt */
    put32(w, 4);                /* charcnt */
    for (size_t i = 0; i < nt; i++)
        tsize == 8 ? put64(w, trans[i]) : put32(w, (uint32_t)trans[i]);
    for (size_t i = 0; i < nt; i++)
        w->b[w->n++] = idx[i];
    for (size_t i = 0; i < ntypes; i++) {
        put32(w, (uint32_t)offs[i]);
        w->b[w->n++] = 0;
        w->b[w->n++] = 0;
    }
    memcpy(w->b + w->n, "XXX", 4);
    w->n += 4;
}

/* version 0: a v1 file; '2'..'4': v1 block, v2+ block, then "\nfooter\n". */
static void build(struct tzb *w, char version, const int64_t *trans, const unsigned char *idx,
                  size_t nt, const long *offs, size_t ntypes, const char *footer)
{
    w->n = 0;
    put_block(w, version, 4, trans, idx, nt, offs, ntypes);
    if (version == 0)
        return;
    put_block(w, version, 8, trans, idx, nt, offs, ntypes);
    w->b[w->n++] = '\n';
    memcpy(w->b + w->n, footer, strlen(footer));
    w->n += strlen(footer);
    w->b[w->n++] = '\n';
}

/* A zone made only of a footer rule (and one type of its standard offset). */
static struct dt_tz *footer_zone(const char *footer, long std_off)
{
    struct tzb w;
    struct dt_tz *tz = NULL;
    struct dt_error err = {""};
    build(&w, '2', NULL, NULL, 0, &std_off, 1, footer);
    int rc = dt_tz_parse("Test/Footer", w.b, w.n, &tz, &err);
    ck_assert_msg(rc == 0, "%s: %s", footer, err.msg);
    return tz;
}

static void expect_parse_error(const unsigned char *data, size_t len, const char *what)
{
    struct dt_tz *tz = (struct dt_tz *)&tz; /* must be reset to NULL */
    struct dt_error err = {""};
    ck_assert_msg(dt_tz_parse("Test/Broken", data, len, &tz, &err) == -1, "%s accepted", what);
    ck_assert_ptr_null(tz);
    ck_assert_msg(strstr(err.msg, "Test/Broken") != NULL, "%s: error does not name the zone: %s",
                  what, err.msg);
    ck_assert_ptr_null(strchr(err.msg, '\n'));
}

static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    unsigned char *buf = malloc(1 << 20);
    ck_assert_ptr_nonnull(buf);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

/* ---- offsets ---- */

START_TEST(load_real_zones)
{
    for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
        dt_tz_free(load(zones[i]));
    struct dt_tz *tz = load("Etc/UTC");
    ck_assert_int_eq(dt_tz_offset(tz, dt_test_utc(2026, 7, 1, 0, 0, 0)), 0);
    dt_tz_free(tz);
    dt_tz_free(NULL);
    ck_assert_int_eq(dt_tz_offset(NULL, 123456789), 0);
}
END_TEST

struct known {
    const char *zone;
    time_t change; /* first second of the new offset */
    long before, after;
};

START_TEST(known_changes_2026)
{
    const struct known k[] = {
        {"Europe/Amsterdam", 1774746000, 3600, 7200},     /* 2026-03-29 01:00 UTC */
        {"Europe/Amsterdam", 1792890000, 7200, 3600},     /* 2026-10-25 01:00 UTC */
        {"America/New_York", 1772953200, -5 * H, -4 * H}, /* 2026-03-08 07:00 UTC */
        {"America/New_York", 1793512800, -4 * H, -5 * H}, /* 2026-11-01 06:00 UTC */
        {"Australia/Sydney", 1775318400, 11 * H, 10 * H}, /* 2026-04-05 03:00 AEDT */
        {"Australia/Sydney", 1791043200, 10 * H, 11 * H}, /* 2026-10-04 02:00 AEST */
    };
    for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
        struct dt_tz *tz = load(k[i].zone);
        ck_assert_int_eq(dt_tz_offset(tz, k[i].change - 1), k[i].before);
        ck_assert_int_eq(dt_tz_offset(tz, k[i].change), k[i].after);
        ck_assert_int_eq(dt_tz_offset(tz, k[i].change + 1), k[i].after);
        dt_tz_free(tz);
    }
    struct dt_tz *tz = load("Asia/Kolkata");
    ck_assert_int_eq(dt_tz_offset(tz, dt_test_utc(2026, 1, 1, 0, 0, 0)), 19800);
    ck_assert_int_eq(dt_tz_offset(tz, dt_test_utc(2026, 7, 1, 0, 0, 0)), 19800);
    ck_assert_int_eq(dt_tz_offset(tz, dt_test_utc(2090, 7, 1, 0, 0, 0)), 19800);
    dt_tz_free(tz);
    /* Beyond the table of the file: the footer rule (2090: last Sundays of March/October). */
    tz = load("Europe/Amsterdam");
    ck_assert_int_eq(dt_tz_offset(tz, dt_test_utc(2090, 3, 26, 0, 59, 59)), 3600);
    ck_assert_int_eq(dt_tz_offset(tz, dt_test_utc(2090, 3, 26, 1, 0, 0)), 7200);
    ck_assert_int_eq(dt_tz_offset(tz, dt_test_utc(2090, 10, 29, 0, 59, 59)), 7200);
    ck_assert_int_eq(dt_tz_offset(tz, dt_test_utc(2090, 10, 29, 1, 0, 0)), 3600);
    /* Far outside any data: clamped, still an answer. */
    long o = dt_tz_offset(tz, (time_t)INT64_MAX);
    ck_assert(o == 3600 || o == 7200);
    o = dt_tz_offset(tz, (time_t)INT64_MIN);
    ck_assert(o > -24 * H && o < 24 * H);
    dt_tz_free(tz);
}
END_TEST

/* Random instants 1970-2100, then every change of a few years to the second. */
START_TEST(agrees_with_glibc)
{
    const char *z = zones[_i];
    struct dt_tz *tz = load(z);
    set_tz(z);
    time_t lo = 0, hi = dt_test_utc(2100, 12, 31, 23, 59, 59);
    for (int i = 0; i < 4000; i++) {
        time_t t = lo + (time_t)(rnd() % (uint64_t)(hi - lo));
        ck_assert_msg(dt_tz_offset(tz, t) == glibc_offset(t), "%s at %lld: %ld vs glibc %ld", z,
                      (long long)t, dt_tz_offset(tz, t), glibc_offset(t));
    }
    const int years[] = {1977, 1996, 2026, 2037, 2038, 2051, 2099};
    for (size_t y = 0; y < sizeof(years) / sizeof(years[0]); y++) {
        for (time_t t = dt_test_utc(years[y], 1, 1, 0, 0, 0);
             t < dt_test_utc(years[y] + 1, 1, 1, 0, 0, 0); t += H) {
            if (glibc_offset(t) == glibc_offset(t - H))
                continue;
            time_t a = t - H, b = t; /* find the exact second of the change */
            while (b - a > 1) {
                time_t m = a + (b - a) / 2;
                if (glibc_offset(m) == glibc_offset(a))
                    a = m;
                else
                    b = m;
            }
            ck_assert_int_eq(dt_tz_offset(tz, b - 1), glibc_offset(b - 1));
            ck_assert_int_eq(dt_tz_offset(tz, b), glibc_offset(b));
        }
    }
    unsetenv("TZ");
    dt_tz_free(tz);
}
END_TEST

/* POSIX TZ strings as footers, against glibc reading the same string from TZ. */
START_TEST(footer_rules_agree_with_glibc)
{
    static const struct {
        const char *s;
        long std_off;
    } f[] = {
        {"CET-1CEST,M3.5.0,M10.5.0/3", 3600},
        {"EST5EDT,M3.2.0,M11.1.0", -5 * H},
        {"AEST-10AEDT,M10.1.0,M4.1.0/3", 10 * H},
        {"<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", 37800},
        {"<+0530>-5:30", 19800},
        {"IST-5:30", 19800},
        {"UTC0", 0},
        {"<-03>3<-02>,M3.5.0/-2,M10.5.0/-1", -3 * H},
        {"XXX3YYY,J60/2,J300/2", -3 * H},
        {"XXX3YYY,59/2,299/2", -3 * H},
        {"NST3:30NDT,M3.2.0/0:01,M11.1.0/0:01", -12600},
        {"ABC-2:00:30DEF-3:00:45,M4.1.6/23:59:59,M9.5.6/1:02:03", 7230},
    };
    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
        struct dt_tz *tz = footer_zone(f[i].s, f[i].std_off);
        set_tz(f[i].s);
        for (int k = 0; k < 2000; k++) {
            time_t t = (time_t)(rnd() % (uint64_t)dt_test_utc(2100, 1, 1, 0, 0, 0));
            ck_assert_msg(dt_tz_offset(tz, t) == glibc_offset(t), "%s at %lld: %ld vs %ld", f[i].s,
                          (long long)t, dt_tz_offset(tz, t), glibc_offset(t));
        }
        dt_tz_free(tz);
    }
    unsetenv("TZ");
}
END_TEST

START_TEST(footer_rules_by_hand)
{
    /* DST all year (RFC 8536 example): always EDT. */
    struct dt_tz *tz = footer_zone("EST5EDT,0/0,J365/25", -5 * H);
    for (int y = 1971; y < 2100; y += 7) {
        ck_assert_int_eq(dt_tz_offset(tz, dt_test_utc(y, 1, 1, 4, 59, 59)), -4 * H);
        ck_assert_int_eq(dt_tz_offset(tz, dt_test_utc(y, 1, 1, 5, 0, 0)), -4 * H);
        ck_assert_int_eq(dt_tz_offset(tz, dt_test_utc(y, 7, 1, 0, 0, 0)), -4 * H);
        ck_assert_int_eq(dt_tz_offset(tz, dt_test_utc(y, 12, 31, 23, 0, 0)), -4 * H);
    }
    dt_tz_free(tz);
    /* Jn never counts Feb 29; n does: in 2028 J60 is March 1, 59 is Feb 29. */
    tz = footer_zone("AAA0BBB,J60/0,J300/0", 0);
    ck_assert_int_eq(dt_tz_offset(tz, dt_test_utc(2028, 2, 29, 23, 59, 59)), 0);
    ck_assert_int_eq(dt_tz_offset(tz, dt_test_utc(2028, 3, 1, 0, 0, 0)), 3600);
    dt_tz_free(tz);
    tz = footer_zone("AAA0BBB,59/0,299/0", 0);
    ck_assert_int_eq(dt_tz_offset(tz, dt_test_utc(2028, 2, 28, 23, 59, 59)), 0);
    ck_assert_int_eq(dt_tz_offset(tz, dt_test_utc(2028, 2, 29, 0, 0, 0)), 3600);
    ck_assert_int_eq(dt_tz_offset(tz, dt_test_utc(2027, 3, 1, 0, 0, 0)),
                     3600); /* no Feb 29 in 2027 */
    ck_assert_int_eq(dt_tz_offset(tz, dt_test_utc(2027, 2, 28, 23, 59, 59)), 0);
    dt_tz_free(tz);
    /* Rule times beyond a day: /-25 is the previous day 23:00; /49 two days later 01:00. */
    tz = footer_zone("AAA0BBB,M3.5.0/-25,M10.5.0/49", 0);
    ck_assert_int_eq(dt_tz_offset(tz, dt_test_utc(2026, 3, 27, 22, 59, 59)),
                     0); /* Sun 29th - 25 h */
    ck_assert_int_eq(dt_tz_offset(tz, dt_test_utc(2026, 3, 27, 23, 0, 0)), 3600);
    ck_assert_int_eq(dt_tz_offset(tz, dt_test_utc(2026, 10, 26, 23, 59, 59)), 3600); /* 49 h DST */
    ck_assert_int_eq(dt_tz_offset(tz, dt_test_utc(2026, 10, 27, 0, 0, 0)), 0);
    dt_tz_free(tz);
    /* DST without rules: the US default M3.2.0,M11.1.0. */
    tz = footer_zone("EST5EDT", -5 * H);
    ck_assert_int_eq(dt_tz_offset(tz, 1772953199), -5 * H);
    ck_assert_int_eq(dt_tz_offset(tz, 1772953200), -4 * H);
    dt_tz_free(tz);
    /* Week 5 = the last such weekday even in a month with only four. */
    tz = footer_zone("AAA0BBB,M2.5.0/0,M11.5.0/0", 0);
    ck_assert_int_eq(dt_tz_offset(tz, dt_test_utc(2026, 2, 22, 0, 0, 0)),
                     3600); /* last Sun of Feb */
    ck_assert_int_eq(dt_tz_offset(tz, dt_test_utc(2026, 2, 21, 23, 59, 59)), 0);
    dt_tz_free(tz);
}
END_TEST

/* An empty footer: the last transition's type stays in force. v1 files too. */
START_TEST(transitions_without_rule)
{
    const int64_t trans[] = {-5000000, 1000000, 2000000}; /* v1: negative 32-bit times */
    const unsigned char idx[] = {1, 2, 1};
    const long offs[] = {-1000, 3600, 7200};
    struct tzb w;
    struct dt_tz *tz = NULL;
    struct dt_error err = {""};
    for (int v = 0; v < 4; v++) {
        build(&w, v == 0 ? 0 : (char)('1' + v), trans, idx, 3, offs, 3, "");
        ck_assert_msg(dt_tz_parse("Test/Plain", w.b, w.n, &tz, &err) == 0, "%s", err.msg);
        ck_assert_int_eq(dt_tz_offset(tz, -5000001), -1000); /* before the first: type 0 */
        ck_assert_int_eq(dt_tz_offset(tz, -5000000), 3600);
        ck_assert_int_eq(dt_tz_offset(tz, 0), 3600);
        ck_assert_int_eq(dt_tz_offset(tz, 999999), 3600);
        ck_assert_int_eq(dt_tz_offset(tz, 1000000), 7200);
        ck_assert_int_eq(dt_tz_offset(tz, 2000000), 3600);
        ck_assert_int_eq(dt_tz_offset(tz, 4000000000LL), 3600);
        dt_tz_free(tz);
    }
    /* A footer takes over from the last transition on. */
    build(&w, '3', trans, idx, 3, offs, 3, "<+05>-5");
    ck_assert_int_eq(dt_tz_parse("Test/Plain", w.b, w.n, &tz, &err), 0);
    ck_assert_int_eq(dt_tz_offset(tz, 1999999), 7200);
    ck_assert_int_eq(dt_tz_offset(tz, 2000000), 5 * H);
    dt_tz_free(tz);
}
END_TEST

START_TEST(malformed_tzif)
{
    size_t len;
    unsigned char *real = read_file("/usr/share/zoneinfo/Europe/Amsterdam", &len);
    struct dt_tz *tz = NULL;
    struct dt_error err;
    ck_assert_int_eq(dt_tz_parse("Test/Real", real, len, &tz, &err), 0);
    dt_tz_free(tz);
    /* Every truncation fails cleanly. */
    for (size_t n = 0; n < len; n++)
        expect_parse_error(real, n, "truncated file");
    expect_parse_error(NULL, 0, "NULL data");

    unsigned char *copy = malloc(len + 16);
    ck_assert_ptr_nonnull(copy);
#define MUTATE(off, val, what)                                                                     \
    do {                                                                                           \
        memcpy(copy, real, len);                                                                   \
        copy[off] = (unsigned char)(val);                                                          \
        expect_parse_error(copy, len, what);                                                       \
    } while (0)
    MUTATE(0, 'X', "bad magic");
    MUTATE(4, '5', "unknown version");
    MUTATE(4, '1', "version '1'");
    MUTATE(32, 0xff, "v1 timecnt overflowing the buffer");
    MUTATE(len - 2, 'Q', "footer not ending a rule");
    MUTATE(len - 1, 'x', "footer without final newline");
    MUTATE(len - 10, '\0', "NUL inside footer");
    memcpy(copy, real, len);
    memcpy(copy + len, "junk", 4);
    expect_parse_error(copy, len + 4, "trailing data");
    free(copy);
#undef MUTATE

    /* Hand-made files, each with one defect. */
    const int64_t trans[] = {100, 200};
    const unsigned char idx[] = {0, 1}, bad_idx[] = {0, 2};
    const long offs[] = {0, 3600}, huge[] = {0, 100000};
    struct tzb w;
    build(&w, '2', trans, idx, 2, offs, 2, "CET-1CEST,M3.5.0,M10.5.0/3");
    ck_assert_int_eq(dt_tz_parse("Test/Good", w.b, w.n, &tz, &err), 0);
    dt_tz_free(tz);
    size_t v2 = 44 + 2 * 5 + 2 * 6 + 4; /* start of the second header */
    w.b[v2 + 32] = 0xff;                /* 64-bit timecnt overflows */
    expect_parse_error(w.b, w.n, "v2 timecnt overflowing");
    build(&w, '2', trans, idx, 2, offs, 2, "CET-1CEST,M3.5.0,M10.5.0/3");
    w.b[v2 + 36] = 0xff; /* typecnt */
    w.b[v2 + 39] = 0xff;
    expect_parse_error(w.b, w.n, "v2 typecnt overflowing");
    build(&w, '2', trans, bad_idx, 2, offs, 2, "");
    expect_parse_error(w.b, w.n, "type index out of range");
    build(&w, '2', trans, idx, 2, huge, 2, "");
    expect_parse_error(w.b, w.n, "offset out of range");
    const int64_t backwards[] = {200, 100};
    build(&w, '2', backwards, idx, 2, offs, 2, "");
    expect_parse_error(w.b, w.n, "unsorted transitions");
    build(&w, '2', NULL, NULL, 0, offs, 0, "");
    expect_parse_error(w.b, w.n, "no types");
    build(&w, '2', trans, idx, 2, offs, 2, "");
    w.b[v2 + 31] = 1; /* leapcnt, without the room for it */
    expect_parse_error(w.b, w.n, "leap count");
    build(&w, '2', trans, idx, 2, offs, 2, "");
    w.b[v2 + 23] = 1; /* isutcnt 1 with 2 types */
    expect_parse_error(w.b, w.n, "indicator count");
    build(&w, '2', trans, idx, 2, offs, 2, "");
    w.n -= 2; /* drop "\n\n" */
    expect_parse_error(w.b, w.n, "missing footer");

    static const char *const bad_footers[] = {
        "CE",
        "CET",
        "CET-",
        "-1",
        "CET-25",
        "CET-1x",
        "<AB>1",
        "<CET-1",
        "CET-1CEST,M3.5.0",
        "CET-1CEST,M13.5.0,M10.5.0",
        "CET-1CEST,M3.6.0,M10.5.0",
        "CET-1CEST,M3.5.7,M10.5.0",
        "CET-1CEST,M0.5.0,M10.5.0",
        "CET-1CEST,J0,J300",
        "CET-1CEST,J366,J300",
        "CET-1CEST,366,300",
        "CET-1CEST,M3.5.0/168,M10.5.0",
        "CET-1CEST,M3.5.0/2:60,M10.5.0",
        "CET-1CEST,M3.5.0,M10.5.0junk",
        "CET-1CEST,,",
        "CET-1CEST-25,M3.5.0,M10.5.0",
        "CET-1CEST,M3.5.0,M10.5.0/",
        "CET-1 CEST",
        "CET-00001",
    };
    for (size_t i = 0; i < sizeof(bad_footers) / sizeof(bad_footers[0]); i++) {
        build(&w, '2', trans, idx, 2, offs, 2, bad_footers[i]);
        expect_parse_error(w.b, w.n, bad_footers[i]);
    }
    char longname[300];
    memset(longname, 'X', sizeof(longname) - 2);
    memcpy(longname + sizeof(longname) - 2, "0", 2);
    build(&w, '2', trans, idx, 2, offs, 2, longname);
    expect_parse_error(w.b, w.n, "overlong footer");
    free(real);
}
END_TEST

/* Random corruption: any outcome but a crash; a zone that loads answers sanely. */
START_TEST(corrupt_bytes_never_crash)
{
    size_t len;
    unsigned char *real = read_file("/usr/share/zoneinfo/America/New_York", &len);
    unsigned char *copy = malloc(len);
    ck_assert_ptr_nonnull(copy);
    struct dt_business_hours bh = {DT_WEEKDAYS, 540, 1020, NULL};
    for (int i = 0; i < 3000; i++) {
        memcpy(copy, real, len);
        for (int k = 0; k < 1 + i % 4; k++)
            copy[rnd() % len] = (unsigned char)rnd();
        struct dt_tz *tz = NULL;
        struct dt_error err;
        if (dt_tz_parse("Test/Fuzz", copy, len, &tz, &err) == 0) {
            long o = dt_tz_offset(tz, (time_t)(rnd() % 4000000000u));
            ck_assert(o >= -89999 && o <= 93599);
            bh.tz = tz;
            ck_assert(dt_business_seconds(&bh, 0, 4000000000LL) >= 0);
            dt_tz_free(tz);
        } else {
            ck_assert_ptr_null(tz);
        }
    }
    free(copy);
    free(real);
}
END_TEST

START_TEST(load_errors)
{
    struct dt_tz *tz = (struct dt_tz *)&tz;
    struct dt_error err;
    static const char *const refused[] = {"", "/etc/passwd", "../etc/passwd",
                                          "Europe/../../etc/passwd", "Europe/.."};
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        ck_assert_int_eq(dt_tz_load(refused[i], NULL, &tz, &err), -1);
        ck_assert_ptr_null(tz);
    }
    ck_assert_int_eq(dt_tz_load(NULL, NULL, &tz, &err), -1);

    ck_assert_int_eq(dt_tz_load("Europe/Atlantis", NULL, &tz, &err), -1);
    ck_assert_ptr_null(tz);
    ck_assert_ptr_nonnull(strstr(err.msg, "Europe/Atlantis"));
    ck_assert_ptr_nonnull(strstr(err.msg, "/usr/share/zoneinfo/Europe/Atlantis"));

    ck_assert_int_eq(dt_tz_load("Europe", NULL, &tz, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "directory"));

    /* A file that is not TZif: the error names the zone and the file. */
    ck_assert_int_eq(dt_tz_load("mime-garbage.bin", "tests/data", &tz, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "tests/data/mime-garbage.bin"));
    ck_assert_ptr_nonnull(strstr(err.msg, "magic"));
    ck_assert_ptr_null(tz);

    /* Another directory; UTC needs none at all. */
    ck_assert_int_eq(dt_tz_load("zoneinfo/Asia/Kolkata", "/usr/share", &tz, &err), 0);
    ck_assert_int_eq(dt_tz_offset(tz, 1767225600), 19800);
    dt_tz_free(tz);
    ck_assert_int_eq(dt_tz_load("UTC", "/nonexistent", &tz, &err), 0);
    ck_assert_int_eq(dt_tz_offset(tz, 1767225600), 0);
    dt_tz_free(tz);
}
END_TEST

/* ---- business seconds ---- */

static long long nine_to_five(const struct dt_tz *tz, time_t a, time_t b)
{
    struct dt_business_hours bh = {DT_WEEKDAYS, 540, 1020, tz};
    return dt_business_seconds(&bh, a, b);
}

START_TEST(business_weekends_and_dst)
{
    struct dt_tz *ams = load("Europe/Amsterdam");
    /* Friday 16:00 -> Monday 10:00 (CET) = 2 h. */
    ck_assert_int_eq(
        nine_to_five(ams, dt_test_utc(2026, 1, 16, 15, 0, 0), dt_test_utc(2026, 1, 19, 9, 0, 0)),
        2 * H);
    /* Across the spring-forward weekend: Fri 16:00 CET -> Mon 10:00 CEST, 65 real hours. */
    ck_assert_int_eq(
        nine_to_five(ams, dt_test_utc(2026, 3, 27, 15, 0, 0), dt_test_utc(2026, 3, 30, 8, 0, 0)),
        2 * H);
    /* Across the autumn-back weekend: Fri 16:00 CEST -> Mon 10:00 CET, 67 real hours. */
    ck_assert_int_eq(
        nine_to_five(ams, dt_test_utc(2026, 10, 23, 14, 0, 0), dt_test_utc(2026, 10, 26, 9, 0, 0)),
        2 * H);
    /* Whole weeks containing a change: 40 h each. */
    ck_assert_int_eq(
        nine_to_five(ams, dt_test_utc(2026, 3, 22, 23, 0, 0), dt_test_utc(2026, 3, 29, 22, 0, 0)),
        40 * H);
    ck_assert_int_eq(
        nine_to_five(ams, dt_test_utc(2026, 10, 18, 22, 0, 0), dt_test_utc(2026, 10, 25, 23, 0, 0)),
        40 * H);
    /* Monday after the change, 09:00 CEST = 07:00 UTC. */
    ck_assert_int_eq(
        nine_to_five(ams, dt_test_utc(2026, 3, 30, 6, 59, 59), dt_test_utc(2026, 3, 30, 7, 0, 1)),
        1);
    /* Starting and ending outside hours. */
    ck_assert_int_eq(
        nine_to_five(ams, dt_test_utc(2026, 1, 12, 5, 0, 0), dt_test_utc(2026, 1, 12, 20, 0, 0)),
        8 * H);
    ck_assert_int_eq(
        nine_to_five(ams, dt_test_utc(2026, 1, 12, 16, 0, 0), dt_test_utc(2026, 1, 13, 8, 0, 0)),
        0);
    ck_assert_int_eq(
        nine_to_five(ams, dt_test_utc(2026, 1, 10, 0, 0, 0), dt_test_utc(2026, 1, 11, 22, 0, 0)),
        0);
    /* 17:00:00 CET is no longer work; 16:59:59 is. */
    ck_assert_int_eq(
        nine_to_five(ams, dt_test_utc(2026, 1, 12, 16, 0, 0), dt_test_utc(2026, 1, 12, 16, 0, 1)),
        0);
    ck_assert_int_eq(
        nine_to_five(ams, dt_test_utc(2026, 1, 12, 15, 59, 59), dt_test_utc(2026, 1, 12, 16, 0, 0)),
        1);
    ck_assert_int_eq(
        nine_to_five(ams, dt_test_utc(2026, 1, 12, 7, 59, 59), dt_test_utc(2026, 1, 12, 8, 0, 0)),
        0);
    ck_assert_int_eq(
        nine_to_five(ams, dt_test_utc(2026, 1, 12, 8, 0, 0), dt_test_utc(2026, 1, 12, 8, 0, 1)), 1);
    /* Zero and negative spans. */
    time_t t = dt_test_utc(2026, 1, 12, 12, 0, 0);
    ck_assert_int_eq(nine_to_five(ams, t, t), 0);
    ck_assert_int_eq(nine_to_five(ams, t, t - D), 0);
    /* The whole year 2026 in local terms: 261 weekdays of 8 h. */
    ck_assert_int_eq(
        nine_to_five(ams, dt_test_utc(2025, 12, 31, 23, 0, 0), dt_test_utc(2026, 12, 31, 23, 0, 0)),
        261LL * 8 * H);
    struct dt_tz *syd = load("Australia/Sydney");
    ck_assert_int_eq(
        nine_to_five(syd, dt_test_utc(2025, 12, 31, 13, 0, 0), dt_test_utc(2026, 12, 31, 13, 0, 0)),
        261LL * 8 * H);
    /* Sydney's autumn change (Sunday 5 April): Fri 16:00 AEDT -> Mon 10:00 AEST. */
    ck_assert_int_eq(
        nine_to_five(syd, dt_test_utc(2026, 4, 3, 5, 0, 0), dt_test_utc(2026, 4, 6, 0, 0, 0)),
        2 * H);
    dt_tz_free(syd);
    dt_tz_free(ams);
}
END_TEST

START_TEST(business_custom_days_and_hours)
{
    struct dt_tz *kol = load("Asia/Kolkata");
    /* Sunday to Thursday, 10:00-18:30 IST: Thu 17:00 -> Sun 11:00 = 1.5 h + 1 h. */
    struct dt_business_hours bh = {0x1fu, 600, 1110, kol};
    time_t thu17 = dt_test_utc(2026, 1, 15, 17, 0, 0) - 19800,
           sun11 = dt_test_utc(2026, 1, 18, 11, 0, 0) - 19800;
    ck_assert_int_eq(dt_business_seconds(&bh, thu17, sun11), 5400 + 3600);
    /* A whole week of it: 5 x 8.5 h. */
    ck_assert_int_eq(dt_business_seconds(&bh, thu17, thu17 + 7 * D), 5 * 510 * 60);
    /* Round the clock, every day, UTC: business time is calendar time. */
    struct dt_business_hours all = {0x7fu, 0, 1440, NULL};
    for (int i = 0; i < 200; i++) {
        time_t a = (time_t)(rnd() % 4000000000u), b = a + (time_t)(rnd() % (400 * D));
        ck_assert_int_eq(dt_business_seconds(&all, a, b), b - a);
    }
    /* Saturday only, 00:00-00:01, NULL zone = UTC: one minute a week. */
    struct dt_business_hours sat = {1u << 6, 0, 1, NULL};
    ck_assert_int_eq(dt_business_seconds(&sat, dt_test_utc(2026, 1, 1, 0, 0, 0),
                                         dt_test_utc(2026, 2, 1, 0, 0, 0)),
                     5 * 60);
    /* Nonsense hours count nothing. */
    struct dt_business_hours bad[] = {{DT_WEEKDAYS, 600, 600, NULL},
                                      {DT_WEEKDAYS, 700, 600, NULL},
                                      {DT_WEEKDAYS, -1, 600, NULL},
                                      {DT_WEEKDAYS, 0, 1441, NULL},
                                      {0, 540, 1020, NULL}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_int_eq(dt_business_seconds(&bad[i], 0, 400 * D), 0);
    ck_assert_int_eq(dt_business_seconds(NULL, 0, 400 * D), 0);
    dt_tz_free(kol);
}
END_TEST

/* A change inside working hours: the real time between local start and end. */
START_TEST(business_change_inside_hours)
{
    /* Standard UTC+0; DST +1 starts last Sunday of March 10:00, ends last Sunday of Oct 11:00. */
    struct dt_tz *tz = footer_zone("AAA0BBB-1,M3.5.0/10,M10.5.0/11", 0);
    struct dt_business_hours sun = {1u << 0, 540, 1020, tz};
    /* Sunday 2026-03-29: 09:00 (UTC 09:00) .. 17:00 (UTC 16:00) = 7 h. */
    ck_assert_int_eq(dt_business_seconds(&sun, dt_test_utc(2026, 3, 28, 0, 0, 0),
                                         dt_test_utc(2026, 3, 30, 0, 0, 0)),
                     7 * H);
    ck_assert_int_eq(dt_business_seconds(&sun, dt_test_utc(2026, 3, 29, 9, 59, 59),
                                         dt_test_utc(2026, 3, 29, 10, 0, 1)),
                     2);
    /* Sunday 2026-10-25: 09:00 (UTC 08:00) .. 17:00 (UTC 17:00) = 9 h, 10:00-11:00 twice. */
    ck_assert_int_eq(dt_business_seconds(&sun, dt_test_utc(2026, 10, 24, 0, 0, 0),
                                         dt_test_utc(2026, 10, 26, 0, 0, 0)),
                     9 * H);
    /* The whole year still has 52 Sundays x 8 h: the hour lost comes back. */
    ck_assert_int_eq(dt_business_seconds(&sun, dt_test_utc(2026, 1, 1, 0, 0, 0),
                                         dt_test_utc(2027, 1, 1, 0, 0, 0)),
                     52 * 8 * H - H + H);
    dt_tz_free(tz);
}
END_TEST

/* Reference: day by day, each day's hours converted with glibc mktime. */
static long long reference(const char *zone, const struct dt_business_hours *bh, time_t a, time_t b)
{
    long long sum = 0;
    set_tz(zone);
    struct tm tm;
    time_t day = a - 2 * D;
    localtime_r(&day, &tm);
    for (;;) {
        struct tm s = {.tm_year = tm.tm_year,
                       .tm_mon = tm.tm_mon,
                       .tm_mday = tm.tm_mday,
                       .tm_hour = bh->start_min / 60,
                       .tm_min = bh->start_min % 60,
                       .tm_isdst = -1};
        struct tm e = s;
        e.tm_hour = bh->end_min / 60;
        e.tm_min = bh->end_min % 60;
        time_t ws = mktime(&s), we = mktime(&e);
        if (ws > b)
            break;
        if (bh->days & (1u << s.tm_wday)) {
            time_t lo = ws > a ? ws : a, hi = we < b ? we : b;
            if (hi > lo)
                sum += hi - lo;
        }
        tm.tm_mday++;
        tm.tm_hour = 12;
        tm.tm_isdst = -1;
        time_t next = mktime(&tm);
        localtime_r(&next, &tm);
    }
    return sum;
}

START_TEST(business_agrees_with_reference)
{
    const char *z = zones[_i];
    struct dt_tz *tz = load(z);
    struct dt_business_hours bh[] = {
        {DT_WEEKDAYS, 540, 1020, tz}, {0x1fu, 450, 1230, tz}, {0x6au, 0, 1439, tz}};
    for (int i = 0; i < 150; i++) {
        time_t a = dt_test_utc(1990, 1, 1, 0, 0, 0) + (time_t)(rnd() % (uint64_t)(110 * 365 * D));
        time_t b = a + (time_t)(rnd() % (i % 3 == 0 ? 3 * 365 * D : 10 * D));
        const struct dt_business_hours *h = &bh[i % 3];
        long long want = reference(z, h, a, b);
        ck_assert_msg(dt_business_seconds(h, a, b) == want, "%s %lld..%lld: %lld, want %lld", z,
                      (long long)a, (long long)b, dt_business_seconds(h, a, b), want);
    }
    unsetenv("TZ");
    dt_tz_free(tz);
}
END_TEST

/* Long spans cost per offset change, not per day. */
START_TEST(business_long_spans_are_fast)
{
    struct dt_tz *ams = load("Europe/Amsterdam");
    struct dt_business_hours bh = {DT_WEEKDAYS, 540, 1020, ams};
    long long one = 0;
    clock_t c0 = clock();
    for (int i = 0; i < 2000; i++) {
        long long s = dt_business_seconds(&bh, dt_test_utc(2000, 1, 3, 0, 0, 0),
                                          dt_test_utc(2100, 1, 4, 0, 0, 0));
        ck_assert(i == 0 || s == one);
        one = s;
    }
    double secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
    /* 2000-01-03 and 2100-01-04 are Mondays: 5218 whole weeks. */
    ck_assert_int_eq(one, 5218LL * 40 * H);
    ck_assert_msg(secs < 5.0, "2000 century spans took %.2f s", secs);
    /* The extremes of time_t are clamped, not walked forever. */
    ck_assert(dt_business_seconds(&bh, (time_t)INT64_MIN, (time_t)INT64_MAX) > 0);
    dt_tz_free(ams);
}
END_TEST

static Suite *bizcal_suite(void)
{
    Suite *s = suite_create("bizcal");
    TCase *tc = tcase_create("zones");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, load_real_zones);
    tcase_add_test(tc, known_changes_2026);
    tcase_add_loop_test(tc, agrees_with_glibc, 0, sizeof(zones) / sizeof(zones[0]));
    tcase_add_test(tc, footer_rules_agree_with_glibc);
    tcase_add_test(tc, footer_rules_by_hand);
    tcase_add_test(tc, transitions_without_rule);
    tcase_add_test(tc, malformed_tzif);
    tcase_add_test(tc, corrupt_bytes_never_crash);
    tcase_add_test(tc, load_errors);
    suite_add_tcase(s, tc);

    tc = tcase_create("business");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, business_weekends_and_dst);
    tcase_add_test(tc, business_custom_days_and_hours);
    tcase_add_test(tc, business_change_inside_hours);
    tcase_add_loop_test(tc, business_agrees_with_reference, 0, sizeof(zones) / sizeof(zones[0]));
    tcase_add_test(tc, business_long_spans_are_fast);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_test_run(bizcal_suite());
}
