/*
 * digest_run.c - `dealtemp digest`: collect, render, then write an mbox
 * (--dry-run) or deliver and remember (--send). See digest.h.
 *
 * Public: dt_digest_run(). Order per rep: claim today's digest in the
 * store (skip it when it was sent, or another host's run holds the claim;
 * --force sends regardless); render; deliver; only then record what was
 * reported. A failed delivery gives the claim back, so the next run
 * retries it; a sent one is never sent twice the same day, even when the
 * digest timer runs on several hosts at once against one PostgreSQL. One rep's failure never stops the
 * others. After sending, messages older than retention_days are purged.
 *
 * The weekly view: on a Monday (in business_hours.timezone) the roll-up of
 * a manager with weekly_report carries the evidence of their reps
 * (outcomes.h, as of the run's as_of) - and goes out even when no deal is
 * listed, as the figures are news of their own. Reading them failing is a
 * failed roll-up (reported, the claim given back), not a roll-up without
 * them.
 */
#include "dealtemp/digest.h"
#include "dealtemp/outcomes.h"
#include "dealtemp/purge.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dealtemp/utf8.h"

/* One line on errors: an error quotes sendmail's words and addresses from
 * the store, so it is cleaned as utf8.h says before a person reads it. */
static void complain(FILE *errors, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void complain(FILE *errors, const char *fmt, ...)
{
    char raw[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof(raw), fmt, ap);
    va_end(ap);
    struct dt_buf b = DT_BUF_INIT;
    dt_utf8_clean_line(&b, raw, SIZE_MAX, false);
    fprintf(errors, "dealtemp: %s\n", b.data != NULL ? b.data : "out of memory");
    dt_buf_free(&b);
}

/* Start of the local day (configured time zone) that contains t. */
static time_t local_day(const struct dt_config *cfg, time_t t)
{
    long off = cfg->hours.tz != NULL ? dt_tz_offset(cfg->hours.tz, t) : 0;
    long long local = (long long)t + off;
    long long day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    return (time_t)(day * 86400 - off);
}

/* The day of the weekly view: Monday, in the configured time zone. */
static bool weekly_day(const struct dt_config *cfg, time_t t)
{
    long off = cfg->hours.tz != NULL ? dt_tz_offset(cfg->hours.tz, t) : 0;
    long long local = (long long)t + off;
    long long day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    return ((day + 4) % 7 + 7) % 7 == 1; /* 1970-01-01 was a Thursday (4); Monday is 1 */
}

/* Write msg (CRLF) as one mbox entry: a From_ line, LF ends, ">From " quoting. */
static void write_mbox(FILE *out, const char *from, time_t t, const struct dt_buf *msg)
{
    struct tm tm;
    char date[32];
    gmtime_r(&t, &tm);
    strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y", &tm);
    fprintf(out, "From %s %s\n", from, date);
    const char *p = msg->data, *end = msg->data + msg->len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
        if (len > 0 && p[len - 1] == '\r')
            len--;
        const char *q = p;
        while (q < p + len && *q == '>')
            q++;
        if ((size_t)(p + len - q) >= 5 && strncmp(q, "From ", 5) == 0)
            fputc('>', out);
        fwrite(p, 1, len, out);
        fputc('\n', out);
        p = nl != NULL ? nl + 1 : end;
    }
    fputc('\n', out);
}

/* Deliver or write one message; returns 0, or 1 after reporting a failure. */
static int deliver(const struct dt_config *cfg, const struct dt_digest_run_opts *o, FILE *out,
                   FILE *errors, const char *to, const struct dt_buf *msg,
                   struct dt_digest_run_report *r)
{
    if (!o->send) {
        write_mbox(out, cfg->digest_from ? cfg->digest_from : "dealtemp", o->as_of, msg);
        r->written++;
        return 0;
    }
    struct dt_error e = {{0}};
    if (dt_digest_send(cfg, to, msg->data, msg->len, &e) < 0) {
        complain(errors, "digest for %s: %s", to, e.msg);
        r->failed++;
        return 1;
    }
    r->sent++;
    return 0;
}

/*
 * A claim not turned into "sent" within this time belongs to a run that
 * died (crash, host down): the next run takes it over.
 */
#define CLAIM_STALE_S 3600

/* After a delivery: remember it, or give the claim back so the next run retries. */
static int finish(struct dt_store *st, const char *rep, time_t day, bool delivered,
                  const dt_hash *threads, size_t n, bool forced, struct dt_error *err)
{
    if (delivered)
        return dt_store_digest_record(st, rep, day, threads, n, time(NULL), err);
    return forced ? 0 : dt_store_digest_release(st, rep, day, err);
}

static int rollups(struct dt_store *st, const struct dt_config *cfg,
                   const struct dt_digest_run_opts *o, time_t day, const struct dt_digest *d,
                   size_t n, FILE *out, FILE *errors, struct dt_digest_run_report *r,
                   struct dt_error *err)
{
    struct dt_rollup_line *lines = calloc(n ? n : 1, sizeof(*lines));
    if (lines == NULL)
        return dt_error_set(err, "out of memory");
    bool monday = weekly_day(cfg, o->as_of);
    for (size_t m = 0; m < cfg->n_managers; m++) {
        bool weekly = monday && cfg->managers[m].weekly_report;
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            if (!dt_address_listed(cfg->managers[m].reps, cfg->managers[m].n_reps, d[i].rep))
                continue;
            lines[k] = (struct dt_rollup_line){d[i].rep, {0}};
            for (size_t j = 0; j < d[i].n_items; j++) {
                int rank = dt_digest_state_rank(d[i].items[j].state);
                if (rank >= 0)
                    lines[k].n[rank]++;
            }
            k++;
        }
        if (k == 0 && !cfg->digest_send_empty && !weekly)
            continue;
        const char *boss = cfg->managers[m].address;
        if (o->send && !o->force) {
            bool mine = false;
            if (dt_store_digest_claim(st, boss, day, time(NULL), CLAIM_STALE_S, &mine, err) < 0) {
                free(lines);
                return -1;
            }
            if (!mine) {
                r->skipped_sent_today++;
                continue;
            }
        }
        struct dt_buf msg = DT_BUF_INIT;
        struct dt_error rerr = {{0}};
        struct dt_outcomes ev;
        int got = weekly ? dt_outcomes_collect_for(st, cfg, o->as_of, cfg->managers[m].reps,
                                                   cfg->managers[m].n_reps, &ev, &rerr)
                         : 1;
        int rendered =
            got < 0 ? -1
                    : dt_digest_render_rollup_weekly(boss, lines, k, o->as_of,
                                                     got == 0 ? &ev : NULL, cfg, &msg, &rerr);
        if (got == 0)
            dt_outcomes_free(&ev);
        if (rendered < 0) {
            complain(errors, "roll-up for %s: %s", boss, rerr.msg);
            r->failed++;
            dt_buf_free(&msg);
            if (o->send && finish(st, boss, day, false, NULL, 0, o->force, err) < 0) {
                free(lines);
                return -1;
            }
            continue;
        }
        int failed = deliver(cfg, o, out, errors, boss, &msg, r);
        dt_buf_free(&msg);
        if (o->send && finish(st, boss, day, !failed, NULL, 0, o->force, err) < 0) {
            free(lines);
            return -1;
        }
    }
    free(lines);
    return 0;
}

int dt_digest_run(struct dt_store *st, const struct dt_config *cfg,
                  const struct dt_digest_run_opts *o, FILE *out, FILE *errors,
                  struct dt_digest_run_report *r, struct dt_error *err)
{
    struct dt_digest *d;
    size_t n;
    memset(r, 0, sizeof(*r));
    if (dt_digest_collect(st, cfg, o->as_of, o->only, &d, &n, err) < 0)
        return -1;
    time_t day = local_day(cfg, o->as_of);
    int rc = 0;
    for (size_t i = 0; i < n && rc >= 0; i++) {
        if (d[i].n_items == 0 && !cfg->digest_send_empty)
            continue;
        if (o->send && !o->force) {
            bool mine = false;
            if (dt_store_digest_claim(st, d[i].rep, day, time(NULL), CLAIM_STALE_S, &mine, err) <
                0) {
                rc = -1;
                break;
            }
            if (!mine) {
                r->skipped_sent_today++;
                continue;
            }
        }
        struct dt_buf msg = DT_BUF_INIT;
        struct dt_error rerr = {{0}};
        if (dt_digest_render(&d[i], cfg, &msg, &rerr) < 0) {
            /* One bad address must not cost the other reps their digests. */
            complain(errors, "digest for %s: %s", d[i].rep, rerr.msg);
            r->failed++;
            dt_buf_free(&msg);
            if (o->send && finish(st, d[i].rep, day, false, NULL, 0, o->force, err) < 0)
                rc = -1;
            continue;
        }
        bool ok = deliver(cfg, o, out, errors, d[i].rep, &msg, r) == 0;
        dt_buf_free(&msg);
        if (!o->send)
            continue;
        dt_hash *threads = malloc((d[i].n_items ? d[i].n_items : 1) * sizeof(*threads));
        if (threads == NULL) {
            rc = dt_error_set(err, "out of memory");
            break;
        }
        for (size_t k = 0; k < d[i].n_items; k++)
            threads[k] = d[i].items[k].thread;
        if (finish(st, d[i].rep, day, ok, threads, d[i].n_items, o->force, err) < 0)
            rc = -1;
        free(threads);
    }
    if (rc == 0 && o->only == NULL)
        rc = rollups(st, cfg, o, day, d, n, out, errors, r, err);
    dt_digests_free(d, n);
    if (rc == 0 && o->send) {
        if (dt_purge_expired(st, cfg, o->as_of, &r->purged, err) < 0)
            rc = -1;
    }
    if (rc < 0)
        return -1;
    return r->failed > 0 ? 1 : 0;
}
