/*
 * bizcal.h - time zones and business hours, for latencies "in business
 * time". Pure once a zone is loaded: no TZ environment, no localtime(),
 * no clock; thread-safe.
 *
 * A zone is read from a TZif file (RFC 8536, versions 1-4; the 64-bit
 * data of v2+ is used) including its footer TZ string (POSIX, e.g.
 * "CET-1CEST,M3.5.0,M10.5.0/3"), which governs times after the last
 * transition in the file - Debian's zoneinfo files are "slim", so that
 * is most of the present. "UTC" needs no file.
 */
#ifndef DEALTEMP_BIZCAL_H
#define DEALTEMP_BIZCAL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dealtemp/error.h"

struct dt_tz;

/*
 * Days since 1970-01-01 of a proleptic Gregorian date (m 1..12, d 1..31;
 * a day past the month's end runs into the next month). Exact for any
 * year an int64_t day count holds.
 */
int64_t dt_days_from_civil(int64_t y, int m, int d);

/* Parse TZif bytes. name is used in errors. Returns 0, or -1 with err set. */
int dt_tz_parse(const char *name, const unsigned char *data, size_t len, struct dt_tz **out,
                struct dt_error *err);
/*
 * Load an IANA zone ("Europe/Amsterdam", "UTC") from dir (NULL =
 * /usr/share/zoneinfo): reads <dir>/<name>. "UTC" and "Etc/UTC" need no
 * file; a name that is empty, starts with '/' or contains ".." is refused.
 * Errors name the zone and the file. Leap-second ("right/") zones are
 * refused; the footer rule governs from the last transition on.
 */
int dt_tz_load(const char *name, const char *dir, struct dt_tz **out, struct dt_error *err);
void dt_tz_free(struct dt_tz *tz);
/* Seconds east of UTC in force at t (3600 for CET, 7200 for CEST); 0 for tz NULL. */
long dt_tz_offset(const struct dt_tz *tz, time_t t);

struct dt_business_hours {
    unsigned days;          /* bit d set = weekday d is a working day (0 = Sunday .. 6 = Saturday) */
    int start_min;          /* working day starts, minutes after local midnight (540 = 09:00) */
    int end_min;            /* and ends (1020 = 17:00); start_min < end_min */
    const struct dt_tz *tz; /* the zone the hours are in; NULL = UTC */
};

#define DT_WEEKDAYS 0x3eu /* Monday to Friday */

/*
 * Seconds within working hours between a and b (0 if b <= a). Exact across
 * weekends and DST changes: a working day that is 23 or 25 hours long still
 * has its start_min..end_min of working time, in local wall-clock terms.
 *
 * Precisely: the real seconds in [a, b) during which the local wall clock
 * shows a time in [start_min, end_min) of a working day. A change outside
 * working hours (the usual 02:00/03:00) leaves the day its full hours; a
 * change inside them gives the real time elapsed between local start and
 * end (7 or 9 hours for 09:00-17:00): a skipped wall-clock hour is not
 * worked, a repeated one is worked twice. Cost: O(offset changes in the
 * span + 1), whole weeks at once, and never more than the changes of the
 * zone file plus those of 800 years: under the footer rule the calendar,
 * the weekdays and the DST changes repeat every 400 years, so whole cycles
 * are counted once and multiplied (1900 to 9999 costs ~0.3 ms, not 6).
 * bh NULL, no working days, or hours
 * outside 0 <= start_min < end_min <= 1440 give 0. Instants are clamped
 * to about +-8,700 years around 1970.
 */
long long dt_business_seconds(const struct dt_business_hours *bh, time_t a, time_t b);

#endif
