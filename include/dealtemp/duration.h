/*
 * duration.h - every duration a person reads, in words, on a named clock.
 * Pure.
 *
 * One function writes them all: the threads table, X-Deal-Reply-Latency,
 * the milter's log line and the digest (text, HTML, its bars). Rounded to
 * the nearest unit, never floored: 2 days 23 hours is "3 days". On the
 * business clock every unit says so ("4 working days", "6 working hours";
 * Dutch "4 werkdagen", "6 werkuren"; German "4 Arbeitstage", "6
 * Arbeitsstunden"; French "4 jours ouvrés", "6 heures ouvrées"), and a
 * working day is the configured working-day length, not 24 hours.
 *
 * The unit: under 30 s "less than a minute"; under an hour (rounded)
 * minutes; under one (working) day, rounded to the hour, hours; else days,
 * rounded to the day (30 hours is "1 day", 36 hours "2 days"). Languages:
 * "en" (default for anything unknown), "nl", "de", "fr". German words are
 * nominative ("3 Tage"), so a sentence around them must not need the
 * dative ("seit 3 Tagen"); UTF-8.
 *
 * Does not handle: negative durations (shown as 0), more than about 10^15
 * seconds (clamped by the long arithmetic of the caller).
 */
#ifndef DEALTEMP_DURATION_H
#define DEALTEMP_DURATION_H

#include <stdbool.h>
#include <stddef.h>

/* Which clock a duration was measured on. */
struct dt_clock {
    bool business; /* business seconds ("working" units) */
    long day_s;    /* one (working) day: 86400 on the calendar, e.g. 28800 for 09:00-17:00 */
};

#define DT_CALENDAR ((struct dt_clock){false, 86400})

/* "3 days", "6 working hours", "45 minuten": s seconds on clock c, in lang. */
void dt_duration_words(long s, const struct dt_clock *c, const char *lang, char *buf,
                       size_t size);

#endif
