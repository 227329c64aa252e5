/*
 * bizcal.c - time zones from TZif files and seconds of business time
 * (see bizcal.h).
 *
 * Public: dt_tz_parse(), dt_tz_load(), dt_tz_free(), dt_tz_offset(),
 * dt_business_seconds(). Failures return -1 with one line in struct
 * dt_error naming the zone (and the file, for dt_tz_load); a malformed
 * file is never trusted beyond its own length. After loading everything
 * is pure and thread-safe: no TZ, no localtime(), no clock.
 *
 * A zone is the TZif transition table (64-bit block of v2+, 32-bit of v1)
 * plus the footer's POSIX TZ rule, in force from the last transition on.
 * Business time is summed per stretch of constant UTC offset, where local
 * time runs with real time and working seconds are a closed formula (whole
 * weeks at once): O(offset changes in the span + 1), about two a year.
 * Under the footer rule a span of 400 years or more is counted as whole
 * 400-year cycles (one counted, then multiplied) plus a rest, so no span
 * walks more than the file's transitions and 800 years of rule changes.
 */
#include "dealtemp/bizcal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_DIR "/usr/share/zoneinfo"
#define MAX_FILE (1024 * 1024) /* real zone files are under 100 KB */
/*
 * Instants are clamped to +-2^38 s (about 8,700 years around 1970) so
 * that calendar arithmetic never overflows and a span never walks more
 * than a few tens of thousands of rule transitions.
 */
#define T_LIMIT ((int64_t)1 << 38)
/*
 * The Gregorian calendar repeats every 400 years: 146,097 days, which are
 * 20,871 whole weeks, so weekdays and the footer's DST rules repeat too.
 */
#define CYCLE_S ((int64_t)146097 * 86400)
#define OFF_MIN (-89999L) /* RFC 8536 3.2: utoff SHOULD be in [-89999, 93599] */
#define OFF_MAX 93599L

enum rule_kind { RULE_JULIAN1, RULE_ZERO, RULE_MONTH };

/* One end of DST in a POSIX TZ string: "Jn", "n" or "Mm.w.d", then "/time". */
struct rule {
    enum rule_kind kind;
    int day;   /* Jn: 1..365; n: 0..365; M: day of week 0..6 */
    int mon;   /* M: 1..12 */
    int week;  /* M: 1..5 (5 = last) */
    long secs; /* local time of the change, -167 h .. 167 h */
};

struct posix_tz {
    long std_off; /* seconds east of UTC */
    long dst_off;
    bool has_dst;
    struct rule start, end; /* start: in standard time; end: in DST */
};

struct dt_tz {
    size_t ntrans;
    int64_t *trans;      /* strictly ascending */
    unsigned char *tidx; /* type of each transition, < ntypes */
    size_t ntypes;
    long *utoff;     /* per type, seconds east */
    bool has_footer; /* a non-empty footer TZ string */
    struct posix_tz footer;
};

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static int64_t clamp_t(int64_t t)
{
    return t < -T_LIMIT ? -T_LIMIT : t > T_LIMIT ? T_LIMIT : t;
}

/* Civil date <-> days since 1970-01-01 (H. Hinnant's algorithms). */
int64_t dt_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int64_t year_of_days(int64_t z)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    return yoe + era * 400 + (mp >= 10);
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int64_t y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return len[m - 1] + (m == 2 && is_leap(y));
}

/* 0 = Sunday; day 0 (1970-01-01) was a Thursday. */
static int weekday(int64_t z)
{
    return (int)(z + 4 - 7 * floor_div(z + 4, 7));
}

/* ---- POSIX TZ strings (RFC 8536 3.3, with its extensions) ---- */

/* "<+0530>" or "CET": at least 3 characters. */
static const char *parse_name(const char *s)
{
    const char *p = s;
    if (*p == '<') {
        for (p++; (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                  (*p >= '0' && *p <= '9') || *p == '+' || *p == '-';
             p++)
            ;
        return (*p == '>' && p - s >= 4) ? p + 1 : NULL;
    }
    while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
        p++;
    return p - s >= 3 ? p : NULL;
}

static const char *parse_num(const char *s, long lo, long hi, long *v)
{
    long n = 0;
    const char *p = s;
    while (*p >= '0' && *p <= '9' && p - s < 4)
        n = n * 10 + (*p++ - '0');
    if (p == s || (*p >= '0' && *p <= '9') || n < lo || n > hi)
        return NULL;
    *v = n;
    return p;
}

/* [+-]hh[:mm[:ss]] with hh <= max_h; the value in seconds, signed as written. */
static const char *parse_hms(const char *s, long max_h, long *secs)
{
    long sign = 1, h, m = 0, sec = 0;
    if (*s == '+' || *s == '-')
        sign = *s++ == '-' ? -1 : 1;
    if ((s = parse_num(s, 0, max_h, &h)) == NULL)
        return NULL;
    if (*s == ':' && (s = parse_num(s + 1, 0, 59, &m)) != NULL && *s == ':')
        s = parse_num(s + 1, 0, 59, &sec);
    if (s == NULL)
        return NULL;
    *secs = sign * (h * 3600 + m * 60 + sec);
    return s;
}

static const char *parse_rule(const char *s, struct rule *r)
{
    long a, b, c;
    if (*s == 'J') {
        if ((s = parse_num(s + 1, 1, 365, &a)) == NULL)
            return NULL;
        r->kind = RULE_JULIAN1;
        r->day = (int)a;
    } else if (*s == 'M') {
        if ((s = parse_num(s + 1, 1, 12, &a)) == NULL || *s != '.' ||
            (s = parse_num(s + 1, 1, 5, &b)) == NULL || *s != '.' ||
            (s = parse_num(s + 1, 0, 6, &c)) == NULL)
            return NULL;
        r->kind = RULE_MONTH;
        r->mon = (int)a;
        r->week = (int)b;
        r->day = (int)c;
    } else {
        if ((s = parse_num(s, 0, 365, &a)) == NULL)
            return NULL;
        r->kind = RULE_ZERO;
        r->day = (int)a;
    }
    r->secs = 7200; /* POSIX default: 02:00 */
    if (*s == '/')
        s = parse_hms(s + 1, 167, &r->secs); /* RFC 8536 allows -167..167 hours */
    return s;
}

/* Returns 0 or -1; an empty string is not a rule (the caller checks). */
static int parse_posix(const char *s, struct posix_tz *pt)
{
    long off;
    memset(pt, 0, sizeof(*pt));
    if ((s = parse_name(s)) == NULL || (s = parse_hms(s, 24, &off)) == NULL)
        return -1;
    pt->std_off = -off; /* POSIX counts west of Greenwich */
    if (*s == '\0')
        return 0;
    if ((s = parse_name(s)) == NULL)
        return -1;
    pt->has_dst = true;
    pt->dst_off = pt->std_off + 3600;
    if (*s != ',' && *s != '\0') {
        if ((s = parse_hms(s, 24, &off)) == NULL)
            return -1;
        pt->dst_off = -off;
    }
    if (*s == '\0') { /* no rules: the US default, as tzcode and glibc assume */
        pt->start = (struct rule){RULE_MONTH, 0, 3, 2, 7200};
        pt->end = (struct rule){RULE_MONTH, 0, 11, 1, 7200};
        return 0;
    }
    if (*s != ',' || (s = parse_rule(s + 1, &pt->start)) == NULL || *s != ',' ||
        (s = parse_rule(s + 1, &pt->end)) == NULL || *s != '\0')
        return -1;
    return 0;
}

/* The UTC instant at which a rule fires in year y, given the offset then in force. */
static int64_t rule_instant(const struct rule *r, int64_t y, long off)
{
    int64_t z;
    if (r->kind == RULE_JULIAN1) {
        z = dt_days_from_civil(y, 1, 1) + r->day - 1 + (is_leap(y) && r->day >= 60);
    } else if (r->kind == RULE_ZERO) {
        z = dt_days_from_civil(y, 1, 1) + r->day;
    } else {
        int64_t z1 = dt_days_from_civil(y, r->mon, 1);
        int dom = (r->day - weekday(z1) + 7) % 7 + 7 * (r->week - 1);
        while (dom >= month_days(y, r->mon))
            dom -= 7;
        z = z1 + dom;
    }
    return z * 86400 + r->secs - off;
}

/*
 * The DST changes of years y-2 .. y+1 in time order (at equal instants an
 * end sorts before a start, so "DST all year" rules such as
 * "EST5EDT,0/0,J365/25" stay in DST). is_start[i] tells which is which.
 */
static void rule_events(const struct posix_tz *pt, int64_t y, int64_t at[8], bool is_start[8])
{
    int n = 0;
    for (int64_t yy = y - 2; yy <= y + 1; yy++) {
        at[n] = rule_instant(&pt->end, yy, pt->dst_off);
        is_start[n++] = false;
        at[n] = rule_instant(&pt->start, yy, pt->std_off);
        is_start[n++] = true;
    }
    for (int i = 1; i < 8; i++) /* insertion sort, stable: ties keep end first */
        for (int j = i; j > 0 && at[j] < at[j - 1]; j--) {
            int64_t ta = at[j];
            bool ts = is_start[j];
            at[j] = at[j - 1];
            is_start[j] = is_start[j - 1];
            at[j - 1] = ta;
            is_start[j - 1] = ts;
        }
}

/* The footer rule's offset at t; *next: the first instant > t it may change at. */
static long posix_stretch(const struct posix_tz *pt, int64_t t, int64_t *next)
{
    *next = INT64_MAX;
    if (!pt->has_dst)
        return pt->std_off;
    int64_t at[8];
    bool is_start[8];
    rule_events(pt, year_of_days(floor_div(t + pt->std_off, 86400)), at, is_start);
    long off = pt->std_off;
    int i = 0;
    for (; i < 8 && at[i] <= t; i++)
        off = is_start[i] ? pt->dst_off : pt->std_off;
    if (i < 8)
        *next = at[i];
    return off;
}

/* ---- zone lookups ---- */

/* Index of the last transition <= t; only when ntrans > 0 and t >= trans[0]. */
static size_t trans_index(const struct dt_tz *tz, int64_t t)
{
    size_t lo = 0, hi = tz->ntrans; /* trans[lo] <= t < trans[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (tz->trans[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* The footer governs from the last transition on (all of time if there is none). */
static bool in_footer(const struct dt_tz *tz, int64_t t)
{
    return tz->has_footer && (tz->ntrans == 0 || t >= tz->trans[tz->ntrans - 1]);
}

/*
 * The offset in force at t, and in *next the first instant > t at which it
 * may change (INT64_MAX: never): one lookup for both.
 */
static long stretch_at(const struct dt_tz *tz, int64_t t, int64_t *next)
{
    if (in_footer(tz, t))
        return posix_stretch(&tz->footer, t, next);
    *next = INT64_MAX;
    if (tz->ntrans == 0 || t < tz->trans[0]) {
        if (tz->ntrans > 0)
            *next = tz->trans[0];
        return tz->utoff[0]; /* RFC 8536: before the first transition, type 0 */
    }
    size_t i = trans_index(tz, t);
    if (i + 1 < tz->ntrans)
        *next = tz->trans[i + 1];
    return tz->utoff[tz->tidx[i]];
}

long dt_tz_offset(const struct dt_tz *tz, time_t t)
{
    int64_t next;
    return tz == NULL ? 0 : stretch_at(tz, clamp_t((int64_t)t), &next);
}

/* ---- TZif ---- */

struct counts {
    uint32_t isut, isstd, leap, time, type, chr;
};

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* Reads a 44-byte header at data[*pos]; returns -1 with a reason. */
static int read_header(const unsigned char *data, size_t len, size_t pos, int *version,
                       struct counts *c, const char **why)
{
    if (len - pos < 44) {
        *why = "truncated header";
        return -1;
    }
    const unsigned char *h = data + pos;
    if (memcmp(h, "TZif", 4) != 0) {
        *why = "not a TZif file (bad magic)";
        return -1;
    }
    if (h[4] != 0 && (h[4] < '2' || h[4] > '4')) {
        *why = "unknown TZif version";
        return -1;
    }
    *version = h[4] == 0 ? 1 : h[4] - '0';
    c->isut = be32(h + 20);
    c->isstd = be32(h + 24);
    c->leap = be32(h + 28);
    c->time = be32(h + 32);
    c->type = be32(h + 36);
    c->chr = be32(h + 40);
    return 0;
}

/* Bytes of a data block with 4- or 8-byte times; 64-bit arithmetic cannot overflow. */
static uint64_t block_size(const struct counts *c, unsigned tsize)
{
    return (uint64_t)c->time * (tsize + 1) + (uint64_t)c->type * 6 + c->chr +
           (uint64_t)c->leap * (tsize + 4) + c->isstd + c->isut;
}

static const char *read_block(struct dt_tz *tz, const unsigned char *p, const struct counts *c,
                              unsigned tsize)
{
    if (c->type == 0)
        return "no local time types";
    if (c->chr == 0)
        return "no time zone designations";
    if ((c->isut != 0 && c->isut != c->type) || (c->isstd != 0 && c->isstd != c->type))
        return "indicator counts do not match the type count";
    if (c->leap != 0)
        return "leap-second zones (right/...) are not supported";
    tz->ntrans = c->time;
    tz->ntypes = c->type;
    tz->trans = malloc((c->time ? c->time : 1) * sizeof(*tz->trans));
    tz->tidx = malloc(c->time ? c->time : 1);
    tz->utoff = malloc(c->type * sizeof(*tz->utoff));
    if (tz->trans == NULL || tz->tidx == NULL || tz->utoff == NULL)
        return "out of memory";
    for (size_t i = 0; i < c->time; i++, p += tsize) {
        tz->trans[i] = tsize == 8 ? be64(p) : (int64_t)(int32_t)be32(p);
        if (i > 0 && tz->trans[i] <= tz->trans[i - 1])
            return "transition times not in ascending order";
    }
    for (size_t i = 0; i < c->time; i++, p++) {
        if (*p >= c->type)
            return "transition refers to a missing local time type";
        tz->tidx[i] = *p;
    }
    for (size_t i = 0; i < c->type; i++, p += 6) {
        int32_t off = (int32_t)be32(p);
        if (off < OFF_MIN || off > OFF_MAX)
            return "UT offset out of range";
        if (p[4] > 1)
            return "bad isdst flag";
        if (p[5] >= c->chr)
            return "designation index out of range";
        tz->utoff[i] = off;
    }
    return NULL;
}

void dt_tz_free(struct dt_tz *tz)
{
    if (tz == NULL)
        return;
    free(tz->trans);
    free(tz->tidx);
    free(tz->utoff);
    free(tz);
}

int dt_tz_parse(const char *name, const unsigned char *data, size_t len, struct dt_tz **out,
                struct dt_error *err)
{
    struct counts c;
    int version;
    const char *why = NULL;
    size_t pos = 0;

    *out = NULL;
    if (name == NULL)
        name = "(zone)";
    if (data == NULL)
        len = 0;
    if (read_header(data, len, 0, &version, &c, &why) < 0)
        return dt_error_set(err, "time zone %s: %s", name, why);
    uint64_t need = block_size(&c, 4);
    if (need > len - 44)
        return dt_error_set(err, "time zone %s: truncated v1 data block", name);
    pos = 44;
    unsigned tsize = 4;
    if (version >= 2) { /* skip the 32-bit block; the 64-bit one follows */
        pos += (size_t)need;
        int v2;
        if (read_header(data, len, pos, &v2, &c, &why) < 0)
            return dt_error_set(err, "time zone %s: second header: %s", name, why);
        pos += 44;
        tsize = 8;
        need = block_size(&c, 8);
        if (need > len - pos)
            return dt_error_set(err, "time zone %s: truncated v%d data block", name, version);
    }
    struct dt_tz *tz = calloc(1, sizeof(*tz));
    if (tz == NULL)
        return dt_error_set(err, "time zone %s: out of memory", name);
    if ((why = read_block(tz, data + pos, &c, tsize)) != NULL) {
        dt_tz_free(tz);
        return dt_error_set(err, "time zone %s: %s", name, why);
    }
    pos += (size_t)need;
    if (version >= 2) {
        /* Footer: "\n" TZ-string "\n", the string without NUL or newline. */
        const unsigned char *f = data + pos, *nl = NULL;
        size_t rest = len - pos;
        if (rest >= 2 && f[0] == '\n')
            nl = memchr(f + 1, '\n', rest - 1);
        if (nl == NULL) {
            dt_tz_free(tz);
            return dt_error_set(err, "time zone %s: missing footer", name);
        }
        size_t flen = (size_t)(nl - f - 1);
        char tzs[128];
        if (flen >= sizeof(tzs) || memchr(f + 1, '\0', flen) != NULL ||
            (size_t)(nl - data) + 1 != len) {
            dt_tz_free(tz);
            return dt_error_set(err, "time zone %s: malformed footer", name);
        }
        memcpy(tzs, f + 1, flen);
        tzs[flen] = '\0';
        if (flen > 0) {
            if (parse_posix(tzs, &tz->footer) < 0) {
                dt_tz_free(tz);
                return dt_error_set(err, "time zone %s: bad footer TZ string \"%s\"", name, tzs);
            }
            tz->has_footer = true;
        }
    }
    *out = tz;
    return 0;
}

static struct dt_tz *utc_zone(void)
{
    struct dt_tz *tz = calloc(1, sizeof(*tz));
    if (tz == NULL || (tz->utoff = calloc(1, sizeof(*tz->utoff))) == NULL) {
        free(tz);
        return NULL;
    }
    tz->ntypes = 1;
    return tz;
}

int dt_tz_load(const char *name, const char *dir, struct dt_tz **out, struct dt_error *err)
{
    *out = NULL;
    if (name == NULL || name[0] == '\0')
        return dt_error_set(err, "time zone: empty name");
    if (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0) {
        if ((*out = utc_zone()) == NULL)
            return dt_error_set(err, "time zone %s: out of memory", name);
        return 0;
    }
    if (name[0] == '/' || strstr(name, "..") != NULL || strlen(name) > 255)
        return dt_error_set(err, "time zone %s: not a zone name", name);
    if (dir == NULL)
        dir = DEFAULT_DIR;

    char path[4096];
    int n = snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof(path))
        return dt_error_set(err, "time zone %s: path too long", name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return dt_error_set(err, "time zone %s: %s: %s", name, path, strerror(errno));
    struct stat st;
    const char *bad = NULL;
    if (fstat(fd, &st) < 0)
        bad = strerror(errno);
    else if (S_ISDIR(st.st_mode))
        bad = "is a directory";
    else if (!S_ISREG(st.st_mode))
        bad = "not a regular file";
    else if (st.st_size > MAX_FILE)
        bad = "too large for a zone file";
    if (bad != NULL) {
        close(fd);
        return dt_error_set(err, "time zone %s: %s: %s", name, path, bad);
    }
    unsigned char *data = malloc((size_t)st.st_size + 1);
    if (data == NULL) {
        close(fd);
        return dt_error_set(err, "time zone %s: out of memory", name);
    }
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, data + got, (size_t)st.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    int rerr = errno;
    close(fd);
    if (got < (size_t)st.st_size) {
        free(data);
        return dt_error_set(err, "time zone %s: %s: read failed: %s", name, path, strerror(rerr));
    }
    int rc = dt_tz_parse(name, data, got, out, err);
    free(data);
    if (rc < 0)
        dt_error_prefix(err, "%s", path);
    return rc;
}

/* ---- business time ---- */

struct week {
    unsigned days;
    int64_t start, len; /* seconds after local midnight, working seconds per day */
    int64_t before[8];  /* working seconds in a week before weekday i */
};

/*
 * Working seconds in local time from an arbitrary origin (a Sunday 00:00)
 * up to local instant x: whole weeks, whole days of the last week, then
 * the part of x's own day. O(1).
 */
static int64_t worked_until(const struct week *w, int64_t x)
{
    int64_t day = floor_div(x, 86400), sod = x - day * 86400;
    int64_t weeks = floor_div(day + 4, 7);
    int wd = (int)(day + 4 - weeks * 7);
    int64_t part = 0;
    if (w->days & (1u << wd)) {
        part = sod - w->start;
        part = part < 0 ? 0 : part > w->len ? w->len : part;
    }
    return weeks * w->before[7] + w->before[wd] + part;
}

/* Working seconds in [t, end), stretch by stretch of one UTC offset. */
static long long sum_stretches(const struct week *w, const struct dt_tz *tz, int64_t t, int64_t end)
{
    long long total = 0;
    /* Within a stretch of one UTC offset, local time moves with real time. */
    while (t < end) {
        int64_t next = INT64_MAX;
        long off = tz != NULL ? stretch_at(tz, t, &next) : 0;
        int64_t e = (next > t && next < end) ? next : end;
        total += worked_until(w, e + off) - worked_until(w, t + off);
        t = e;
    }
    return total;
}

long long dt_business_seconds(const struct dt_business_hours *bh, time_t a, time_t b)
{
    if (bh == NULL || b <= a || bh->start_min < 0 || bh->end_min > 1440 ||
        bh->start_min >= bh->end_min)
        return 0;
    struct week w = {.days = bh->days & 0x7fu,
                     .start = (int64_t)bh->start_min * 60,
                     .len = (int64_t)(bh->end_min - bh->start_min) * 60};
    for (int i = 0; i < 7; i++)
        w.before[i + 1] = w.before[i] + ((w.days & (1u << i)) ? w.len : 0);

    const struct dt_tz *tz = bh->tz;
    int64_t t = clamp_t((int64_t)a), end = clamp_t((int64_t)b);
    long long total = 0;
    if (tz != NULL && tz->has_footer && tz->footer.has_dst && end - t >= CYCLE_S) {
        /* The table's transitions first, one stretch each (a few hundred at most). */
        int64_t foot = tz->ntrans > 0 ? tz->trans[tz->ntrans - 1] : INT64_MIN;
        if (t < foot) {
            int64_t e = end < foot ? end : foot;
            total += sum_stretches(&w, tz, t, e);
            t = e;
        }
        /* Under the footer's rule every 400-year cycle holds the same working
         * seconds wherever it starts: count one and multiply. */
        if (end - t >= CYCLE_S) {
            int64_t k = (end - t) / CYCLE_S;
            total += k * sum_stretches(&w, tz, t, t + CYCLE_S);
            t += k * CYCLE_S;
        }
    }
    return total + sum_stretches(&w, tz, t, end);
}
