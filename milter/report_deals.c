/*
 * report_deals.c - render deals and statistics (report.h): `dealtemp
 * threads` as a table or JSON lines, `dealtemp stats`, and the ISO 8601
 * times both use. Pure; never fails (allocation failures are sticky in
 * the output buffer). Store text (addresses, names, subjects) is written
 * through dt_utf8_clean_line (table) or dt_json_string (JSON): never raw.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dealtemp/bizcal.h"
#include "dealtemp/json.h"
#include "dealtemp/report.h"
#include "dealtemp/utf8.h"

void dt_iso_time(time_t t, char buf[21])
{
    struct tm tm;
    if (t == 0 || gmtime_r(&t, &tm) == NULL) {
        strcpy(buf, "-");
        return;
    }
    strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int dt_parse_time(const char *s, time_t now, time_t *out)
{
    if (strcmp(s, "now") == 0) {
        *out = now;
        return 0;
    }
    int y, mo, d, h = 0, mi = 0, se = 0, n = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
        return -1;
    const char *p = s + 10;
    long off = 0;
    if (*p == 'T' || *p == ' ') {
        int m2 = 0;
        if (sscanf(p + 1, "%2d:%2d:%2d%n", &h, &mi, &se, &m2) != 3 || m2 != 8)
            return -1;
        p += 9;
        if (*p == 'Z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int oh, om, m3 = 0;
            if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &m3) != 2 || m3 != 5)
                return -1;
            off = (oh * 3600L + om * 60L) * (*p == '-' ? -1 : 1);
            p += 6;
        } else {
            return -1;
        }
    }
    if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return -1;
    *out = (time_t)(dt_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 +
                    se - off);
    return 0;
}

static void json_time(struct dt_buf *out, time_t t)
{
    char b[21];
    if (t == 0) {
        dt_buf_puts(out, "null");
        return;
    }
    dt_iso_time(t, b);
    dt_buf_printf(out, "\"%s\"", b);
}

static void json_longs(struct dt_buf *out, const char *name, const long *v, size_t n)
{
    dt_buf_printf(out, ",\"%s\":[", name);
    for (size_t i = 0; i < n; i++)
        dt_buf_printf(out, "%s%ld", i ? "," : "", v[i]);
    dt_buf_putc(out, ']');
}

/* The customer's side: their tone, its trend and evidence kinds, their people. */
static void customer_json(const struct dt_deal *d, struct dt_buf *out)
{
    dt_buf_printf(out, ",\"customer_replies\":%zu", d->n_replies);
    if (d->n_replies > 0) {
        char kinds[160];
        dt_kinds_names(d->customer_kinds, kinds, sizeof(kinds));
        dt_buf_printf(out, ",\"customer_tone\":\"%s\",\"customer_trend\":\"%s\","
                           "\"customer_evidence\":[",
                      dt_tone_name(d->customer_tone), dt_trend_name(d->customer_trend));
        for (const char *k = kinds; *k;) {
            size_t n = strcspn(k, ",");
            dt_buf_printf(out, "%s\"%.*s\"", k == kinds ? "" : ",", (int)n, k);
            k += n + (k[n] == ',');
        }
        dt_buf_putc(out, ']');
    } else {
        dt_buf_puts(out, ",\"customer_tone\":null,\"customer_trend\":null,"
                         "\"customer_evidence\":[]");
    }
    dt_buf_puts(out, ",\"customer_people\":[");
    for (size_t i = 0; i < d->n_people; i++) {
        const struct dt_person *p = &d->people[i];
        dt_buf_printf(out, "%s{\"address\":", i ? "," : "");
        dt_json_string(out, p->address);
        dt_buf_puts(out, ",\"name\":");
        dt_json_string(out, p->name);
        dt_buf_puts(out, ",\"first_seen\":");
        json_time(out, p->first_at);
        dt_buf_printf(out, ",\"joined_later\":%s}", p->joined_later ? "true" : "false");
    }
    dt_buf_printf(out, "],\"customer_people_more\":%s", d->people_more ? "true" : "false");
}

void dt_report_deal_json(const struct dt_deal *d, struct dt_buf *out)
{
    const struct dt_cooling *c = &d->cooling;
    bool hours = d->latencies_business_s != NULL; /* business hours are configured */
    dt_buf_printf(out, "{\"thread\":\"%s\",\"rep\":", d->id);
    dt_json_string(out, d->owner);
    dt_buf_puts(out, ",\"counterpart\":");
    dt_json_string(out, d->counterpart);
    dt_buf_puts(out, ",\"counterpart_name\":");
    dt_json_string(out, d->counterpart_name);
    dt_buf_puts(out, ",\"subject\":");
    dt_json_string(out, d->subject);
    dt_buf_printf(out, ",\"state\":\"%s\",\"clock\":\"%s\"", dt_state_name(d->state),
                  d->clock.business ? "business" : "calendar");
    json_longs(out, "latencies_s", d->latencies_s, d->n_latencies);
    if (hours)
        json_longs(out, "latencies_business_s", d->latencies_business_s, d->n_latencies);
    json_longs(out, "rep_latencies_s", d->rep_latencies_s, d->n_rep_latencies);
    dt_buf_printf(out, ",\"usual_s\":%ld", c->usual_calendar_s);
    if (hours)
        dt_buf_printf(out, ",\"usual_business_s\":%ld", c->usual_business_s);
    dt_buf_printf(out, ",\"usual_source\":\"%s\"", dt_usual_source_name(c->usual_source));
    /* Silence: only while the rep wrote last; null once the customer spoke. */
    bool silent = d->last_out != 0 && d->last_out >= d->last_in;
    if (silent)
        dt_buf_printf(out, ",\"silent_s\":%ld", c->silent_calendar_s);
    else
        dt_buf_puts(out, ",\"silent_s\":null");
    if (hours && silent)
        dt_buf_printf(out, ",\"silent_business_s\":%ld", c->silent_business_s);
    else if (hours)
        dt_buf_puts(out, ",\"silent_business_s\":null");
    dt_buf_puts(out, ",\"last_out\":");
    json_time(out, d->last_out);
    dt_buf_puts(out, ",\"last_in\":");
    json_time(out, d->last_in);
    dt_buf_printf(out, ",\"peak_euphoria\":%.3f,\"messages\":%zu", d->peak_euphoria,
                  d->n_messages);
    if (d->trigger_at != 0) {
        dt_buf_puts(out, ",\"trigger_at\":");
        json_time(out, d->trigger_at);
        dt_buf_printf(out, ",\"trigger_score\":%.3f,\"trigger_phrases\":", d->trigger_score);
        dt_json_string(out, d->trigger_phrases);
    }
    customer_json(d, out);
    dt_buf_puts(out, "}\n");
}

void dt_report_deal_heading(enum dt_profile profile, struct dt_buf *out)
{
    static const char *const other_side[DT_PROFILE_COUNT] = {[DT_PROFILE_SALES] = "CUSTOMER",
                                                             [DT_PROFILE_RECRUITING] = "CANDIDATE"};
    dt_buf_printf(out, "%-12s %-12s %-12s %-26s %-26s %-20s %-20s %-8s %5s  %s\n", "THREAD",
                  "STATE", other_side[(unsigned)profile < DT_PROFILE_COUNT ? profile : 0], "REP",
                  "COUNTERPART", "SILENT", "USUAL", "FROM", "PEAK", "SUBJECT");
}

static size_t chars_of(const char *s, size_t n)
{
    size_t chars = 0;
    for (size_t i = 0; i < n; i++)
        chars += ((unsigned char)s[i] & 0xc0) != 0x80;
    return chars;
}

/*
 * Store text as a table cell: one clean line (utf8.h: no control, bidi or
 * hidden character reaches the terminal) of at most width characters, a
 * longer one cut to width - 1 and "…", padded with spaces to width unless
 * last; "-" (or nothing, last) when nothing printable is left.
 */
static void cell(struct dt_buf *out, const char *s, size_t width, bool last)
{
    struct dt_buf c = DT_BUF_INIT;
    bool any = s != NULL && dt_utf8_clean_line(&c, s, width, false);
    if (any && chars_of(c.data, c.len) > width) {
        dt_buf_reset(&c);
        dt_utf8_clean_line(&c, s, width - 1, false);
    }
    if (dt_buf_failed(&c))
        out->failed = true;
    const char *text = any && c.data != NULL ? c.data : last ? "" : "-";
    dt_buf_puts(out, text);
    for (size_t n = chars_of(text, strlen(text)); !last && n < width; n++)
        dt_buf_putc(out, ' ');
    dt_buf_free(&c);
}

void dt_report_deal_row(const struct dt_deal *d, struct dt_buf *out)
{
    if (d == NULL) {
        dt_report_deal_heading(DT_PROFILE_SALES, out);
        return;
    }
    char silent[48] = "-", usual[48];
    const struct dt_cooling *c = &d->cooling;
    if (d->last_out != 0 && d->last_out >= d->last_in)
        dt_duration_words(c->silent_s, &d->clock, "en", silent, sizeof(silent));
    dt_duration_words(c->usual_s, &d->clock, "en", usual, sizeof(usual));
    dt_buf_printf(out, "%-12s %-12s %-12s ", d->id, dt_state_name(d->state),
                  d->n_replies > 0 ? dt_tone_name(d->customer_tone) : "-");
    cell(out, d->owner, 26, false);
    dt_buf_putc(out, ' ');
    cell(out, d->counterpart, 26, false);
    dt_buf_printf(out, " %-20s %-20s %-8s %5.2f  ", silent, usual,
                  dt_usual_source_name(c->usual_source), d->peak_euphoria);
    cell(out, d->subject, 60, true);
    dt_buf_putc(out, '\n');
}
