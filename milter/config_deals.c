/*
 * config_deals.c - the values of the deal-thread keys that are neither a
 * plain string nor a plain number (see config_int.h): durations such as
 * cooling.min_wait = "3d", times of day such as business_hours.start =
 * "09:00", the working days, and the syntax of a time zone name.
 *
 * Public (to config.c): dt_config_parse_duration(), dt_config_show_duration(),
 * dt_config_parse_time(), dt_config_show_time(), dt_config_parse_days(),
 * dt_config_check_timezone(), dt_config_duration(), dt_config_time_of_day().
 *
 * Failure: -1 with a one-line reason quoting (at most 80 bytes of) the
 * value; the caller adds file, line and key. No I/O: whether a zone exists
 * is for dt_tz_load() to say when the configuration is loaded.
 */
#include "config_int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define DURATION_FORMS "90s, 45m, 36h, 3d, 2w or a whole number of seconds"

static const struct {
    char suffix;
    long secs;
} units[] = /* weeks first: show_duration skips them */
    {{'w', 7 * 86400}, {'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};

static int out_of_range(char *why, size_t size)
{
    snprintf(why, size, "must be greater than 0 and at most %ldd", DT_CONFIG_DURATION_MAX / 86400);
    return -1;
}

/* Digits, then at most one unit letter; nothing else, not even spaces. */
int dt_config_duration(const char *text, long *secs, char *why, size_t size)
{
    const char *p = text;
    long n = 0, unit = 1;
    bool big = false;
    for (; isdigit((unsigned char)*p); p++) {
        /* Saturate rather than overflow: the range check below says why. */
        if (n > DT_CONFIG_DURATION_MAX)
            big = true;
        else
            n = n * 10 + (*p - '0');
    }
    bool ok = p > text;
    if (ok && *p) {
        ok = false;
        for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
            if (tolower((unsigned char)*p) == units[i].suffix && p[1] == '\0') {
                unit = units[i].secs;
                ok = true;
            }
    }
    if (!ok) {
        snprintf(why, size, "'%.80s' is not a duration (" DURATION_FORMS ")", text);
        return -1;
    }
    if (big || n == 0 || n > DT_CONFIG_DURATION_MAX / unit)
        return out_of_range(why, size);
    *secs = n * unit;
    return 0;
}

int dt_config_parse_duration(const config_setting_t *s, void *field, const config_setting_t **at,
                             char *why, size_t size)
{
    long *out = field;
    *at = s;
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_STRING:
        return dt_config_duration(config_setting_get_string(s), out, why, size);
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64: {
        long long v = config_setting_get_int64(s);
        if (!dt_config_int_faithful(s, v) || v <= 0 || v > DT_CONFIG_DURATION_MAX)
            return out_of_range(why, size);
        *out = (long)v;
        return 0;
    }
    default:
        snprintf(why, size, "expected a duration (" DURATION_FORMS ")");
        return -1;
    }
}

/*
 * The largest unit that divides the value, weeks aside ("a week" is said
 * "7d" in the sample): 259200 -> "3d", 1209600 -> "14d", 5400 -> "90m".
 */
void dt_config_show_duration(const void *field, char *buf, size_t size)
{
    long secs = *(const long *)field;
    for (size_t i = 1; i < sizeof(units) / sizeof(units[0]); i++)
        if (secs != 0 && secs % units[i].secs == 0) {
            snprintf(buf, size, "%ld%c", secs / units[i].secs, units[i].suffix);
            return;
        }
    snprintf(buf, size, "%lds", secs);
}

/* "9:00" or "09:00"; "24:00" is the end of the day, for hours that run to midnight. */
int dt_config_time_of_day(const char *text, int *minutes, char *why, size_t size)
{
    const char *p = text;
    int h = 0, m = 0;
    for (int i = 0; i < 2 && isdigit((unsigned char)*p); i++, p++)
        h = h * 10 + (*p - '0');
    bool ok = p > text && p[0] == ':' && isdigit((unsigned char)p[1]) &&
              isdigit((unsigned char)p[2]) && p[3] == '\0';
    if (ok) {
        m = (p[1] - '0') * 10 + (p[2] - '0');
        ok = m < 60 && (h < 24 || (h == 24 && m == 0));
    }
    if (!ok) {
        snprintf(why, size, "'%.80s' is not a time of day (HH:MM, 00:00 to 24:00)", text);
        return -1;
    }
    *minutes = h * 60 + m;
    return 0;
}

int dt_config_parse_time(const config_setting_t *s, void *field, const config_setting_t **at,
                         char *why, size_t size)
{
    *at = s;
    if (config_setting_type(s) != CONFIG_TYPE_STRING) {
        snprintf(why, size, "expected a time of day (\"09:00\")");
        return -1;
    }
    return dt_config_time_of_day(config_setting_get_string(s), field, why, size);
}

void dt_config_show_time(const void *field, char *buf, size_t size)
{
    int min = *(const int *)field;
    snprintf(buf, size, "%02d:%02d", min / 60, min % 60);
}

/* Index = the bit in struct dt_business_hours.days (0 = Sunday). */
static const char *const day_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

int dt_config_parse_days(const config_setting_t *s, void *field, const config_setting_t **at,
                         char *why, size_t size)
{
    unsigned days = 0;
    *at = s;
    if (!config_setting_is_array(s) && !config_setting_is_list(s)) {
        snprintf(why, size, "expected a list of days ([\"mon\", \"tue\", ...])");
        return -1;
    }
    int n = config_setting_length(s);
    for (int i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        const char *name = config_setting_get_string(e);
        unsigned bit = 0;
        *at = e;
        if (!name) {
            snprintf(why, size, "expected a list of days ([\"mon\", \"tue\", ...])");
            return -1;
        }
        for (unsigned d = 0; d < 7 && !bit; d++)
            if (strcasecmp(name, day_names[d]) == 0)
                bit = 1u << d;
        if (!bit) {
            snprintf(why, size, "'%.80s' is not a day (mon, tue, wed, thu, fri, sat, sun)", name);
            return -1;
        }
        if (days & bit) {
            snprintf(why, size, "'%.80s' is listed twice", name);
            return -1;
        }
        days |= bit;
    }
    if (days == 0) {
        *at = s;
        snprintf(why, size, "must list at least one day");
        return -1;
    }
    *(unsigned *)field = days;
    return 0;
}

/*
 * The name becomes a path under the zoneinfo directory, so it must not be
 * able to leave it: components of letters, digits, '_', '-' and '+' only.
 */
int dt_config_check_timezone(char **v, char *why, size_t size)
{
    const char *s = *v;
    size_t len = strlen(s), comp = 0;
    bool ok = len > 0 && len <= 255;
    for (size_t i = 0; ok && i <= len; i++) {
        if (s[i] == '/' || s[i] == '\0') {
            ok = comp > 0;
            comp = 0;
        } else {
            ok = isalnum((unsigned char)s[i]) || strchr("_-+", s[i]);
            comp++;
        }
    }
    if (!ok) {
        snprintf(why, size, "'%.80s' is not a time zone name (such as UTC or Europe/Amsterdam)", s);
        return -1;
    }
    return 0;
}
