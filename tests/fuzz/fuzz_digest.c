/*
 * fuzz_digest.c - what dealtemp writes from the store, with the store's
 * strings as hostile mail made them: subjects, display names, matched
 * phrases, addresses. The input is read as numbers and NUL-separated
 * strings (fuzz.h's reader) into
 *   - one rep's digest (struct dt_digest and its items) -> dt_digest_render,
 *   - a manager's roll-up of those reps -> dt_digest_render_rollup,
 *   - each item as a deal (struct dt_deal) -> dt_report_deal_row and
 *     dt_report_deal_json (`dealtemp threads`, its table and --json).
 *
 * Layout: config choice (u8: digest-languages.conf, the recruiting profile,
 * digest-full.conf), as_of (u64), the rep (string), the number of items
 * (u8 % 9), then per item: state, flags, the four strings counterpart,
 * name, subject, phrases (0x01 = absent), times and durations, latencies,
 * tone, people (address, name, first seen). Numbers are kept to what the
 * store can hold (times between 1970 and 9999, durations under 2^38 s,
 * scores 0..1, enums in range); only the strings are left wild.
 *
 * Contracts checked besides memory safety: a rendered message has CRLF
 * line ends only, no NUL and no line over 998 bytes, or rendering fails
 * with a reason and leaves out as it was (digest.h); a table row is one
 * line (report.h) that a terminal shows as it is (utf8.h: no control or
 * hidden character); a JSON line is one JSON object on one line, in UTF-8.
 */
#include <string.h>

#include "dealtemp/deals.h"
#include "dealtemp/digest.h"
#include "dealtemp/report.h"
#include "dealtemp/utf8.h"
#include "fuzz.h"

#define MAX_ITEMS 8
#define T_MAX 253402300799LL     /* 9999-12-31T23:59:59Z */
#define D_MAX ((int64_t)1 << 38) /* bizcal.c's clamp: about 8,700 years */

static const char *const conf_files[] = {
    "tests/data/conf/digest-languages.conf", /* en; de, fr, nl by rep */
    "tests/data/conf/profile-recruiting.conf",
    "tests/data/conf/digest-full.conf", /* nl, smtp, managers */
};
#define N_CONFS (sizeof(conf_files) / sizeof(conf_files[0]))
static struct dt_config *confs[N_CONFS];

int dt_fuzz_digest_init(const char *top)
{
    for (size_t i = 0; i < N_CONFS; i++)
        if ((confs[i] = dt_fuzz_config_load(top, conf_files[i])) == NULL)
            return -1;
    return 0;
}

/* The states a digest lists (dt_digest_state_rank >= 0). */
static const enum dt_thread_state digest_states[] = {
    DT_STATE_STALLED, DT_STATE_COOLING, DT_STATE_HESITANT, DT_STATE_SLOWED, DT_STATE_CARRIED};

static time_t when(struct dt_fuzz_reader *r)
{
    return (time_t)dt_fuzz_range(r, 0, T_MAX);
}

static long dur(struct dt_fuzz_reader *r)
{
    return (long)dt_fuzz_range(r, 0, D_MAX);
}

/* One deal and the digest item made of it; the arrays the deal points into. */
struct both {
    struct dt_digest_item it;
    struct dt_deal deal;
    long lat[DT_DIGEST_MAX_LATENCIES], lat_b[DT_DIGEST_MAX_LATENCIES];
    long rep_lat[DT_DIGEST_MAX_LATENCIES];
    struct dt_person people[DT_DEAL_PEOPLE_MAX];
};

static void read_item(struct dt_fuzz_reader *r, const char *rep, size_t idx, struct both *b)
{
    struct dt_digest_item *it = &b->it;
    struct dt_deal *d = &b->deal;
    memset(b, 0, sizeof(*b));

    uint8_t st = dt_fuzz_u8(r), flags = dt_fuzz_u8(r);
    it->state = digest_states[st % (sizeof(digest_states) / sizeof(digest_states[0]))];
    it->is_new = flags & 1;
    it->answered = flags & 2;
    it->clock.business = flags & 4;
    it->clock.day_s = it->clock.business ? (long)dt_fuzz_range(r, 60, 86400) : 86400;
    it->thread = dt_fuzz_u64(r);
    snprintf(it->id, sizeof(it->id), "%012llx",
             (unsigned long long)(it->thread & 0xffffffffffffULL));
    it->counterpart = (char *)dt_fuzz_str(r);
    it->counterpart_name = (char *)dt_fuzz_str_or_null(r);
    it->subject = (char *)dt_fuzz_str_or_null(r);
    it->trigger_phrases = (char *)dt_fuzz_str_or_null(r);
    it->trigger_at = when(r);
    it->trigger_score = (double)dt_fuzz_range(r, 0, 1000) / 1000;
    it->silent_s = dur(r);
    it->reply_s = it->answered ? dur(r) : 0;
    it->usual_s = dur(r);
    it->usual_source = (enum dt_usual_source)(dt_fuzz_u8(r) % DT_USUAL_COUNT);
    it->n_latencies = dt_fuzz_u8(r) % (DT_DIGEST_MAX_LATENCIES + 1);
    for (size_t i = 0; i < it->n_latencies; i++) {
        b->lat[i] = it->latencies_s[i] = dur(r);
        b->lat_b[i] = b->lat[i] / 3;
        b->rep_lat[i] = b->lat[i] / 2;
    }
    it->n_replies = dt_fuzz_u8(r);
    it->customer_tone = (enum dt_tone)(dt_fuzz_u8(r) % DT_TONE_COUNT);
    size_t n_people = dt_fuzz_u8(r) % (DT_DIGEST_MAX_PEOPLE + 1);
    for (size_t i = 0; i < n_people; i++) {
        struct dt_digest_person *p = &it->people[i];
        p->address = (char *)dt_fuzz_str(r);
        p->name = (char *)dt_fuzz_str_or_null(r);
        p->first_at = when(r);
        p->joined_later = i > 0 && (dt_fuzz_u8(r) & 1);
        b->people[i] = (struct dt_person){p->address, p->name, p->first_at, p->joined_later};
    }
    it->n_people = n_people;
    it->n_people_total = n_people + dt_fuzz_u8(r) % 4;

    /* The same deal as `dealtemp threads` shows it, in any state. */
    d->thread = it->thread;
    memcpy(d->id, it->id, sizeof(d->id));
    d->owner = (flags & 8) ? NULL : rep;
    d->counterpart = it->counterpart;
    d->counterpart_name = it->counterpart_name;
    d->subject = it->subject;
    d->state = (enum dt_thread_state)((st >> 3) % DT_STATE_COUNT);
    d->clock = it->clock;
    d->cooling.state = d->state;
    d->cooling.trigger = idx;
    d->cooling.business = it->clock.business;
    d->cooling.silent_s = d->cooling.silent_calendar_s = it->silent_s;
    d->cooling.silent_business_s = it->clock.business ? it->silent_s / 3 : -1;
    d->cooling.usual_s = d->cooling.usual_calendar_s = it->usual_s;
    d->cooling.usual_business_s = it->clock.business ? it->usual_s / 3 : -1;
    d->cooling.usual_source = it->usual_source;
    d->cooling.answered = it->answered;
    d->cooling.reply_s = d->cooling.reply_calendar_s = it->reply_s;
    d->cooling.reply_business_s = it->clock.business ? it->reply_s / 3 : -1;
    d->latencies_s = b->lat;
    d->latencies_business_s = it->clock.business ? b->lat_b : NULL;
    d->n_latencies = it->n_latencies;
    d->rep_latencies_s = b->rep_lat;
    d->n_rep_latencies = it->n_latencies;
    d->first_at = when(r);
    d->last_out = (flags & 16) ? 0 : when(r);
    d->last_in = (flags & 32) ? 0 : when(r);
    d->peak_euphoria = it->trigger_score;
    d->trigger_at = (flags & 64) ? 0 : it->trigger_at;
    d->trigger_score = it->trigger_score;
    d->trigger_phrases = it->trigger_phrases;
    d->n_messages = dt_fuzz_u8(r);
    d->n_replies = it->n_replies;
    d->customer_tone = it->customer_tone;
    d->customer_trend = (enum dt_trend)(dt_fuzz_u8(r) % DT_TREND_COUNT);
    d->customer_kinds = (unsigned)dt_fuzz_u8(r) << 8 | dt_fuzz_u8(r);
    d->people = b->people;
    d->n_people = n_people;
    d->people_more = it->n_people_total > n_people;
}

static void render_ok(int rc, const struct dt_buf *out, const struct dt_error *err)
{
    static const char before[] = "before";
    if (rc < 0) {
        DT_FUZZ_ASSERT(err->msg[0] != '\0', "rendering failed without saying why");
        DT_FUZZ_ASSERT(out->len == sizeof(before) - 1, "a failed rendering changed out");
    } else if (!dt_buf_failed(out)) {
        DT_FUZZ_ASSERT(
            dt_fuzz_crlf_message(out->data + sizeof(before) - 1, out->len - (sizeof(before) - 1)),
            "a rendered message with a bare CR or LF, a NUL, a line over 998 bytes "
            "or no CRLF at its end");
    }
}

static void report_ok(const struct dt_deal *d)
{
    struct dt_buf out = DT_BUF_INIT;
    dt_report_deal_row(d, &out);
    if (!dt_buf_failed(&out)) {
        DT_FUZZ_ASSERT(out.len > 0 && memchr(out.data, '\n', out.len) == out.data + out.len - 1,
                       "a threads row is not one line");
        DT_FUZZ_ASSERT(dt_fuzz_readable(out.data, out.len),
                       "a threads row holds a control or hidden character");
    }
    dt_buf_reset(&out);
    dt_report_deal_json(d, &out);
    if (!dt_buf_failed(&out)) {
        DT_FUZZ_ASSERT(out.data != NULL && dt_fuzz_json_line(out.data, out.len),
                       "threads --json is not one JSON object on one line");
        DT_FUZZ_ASSERT(dt_utf8_valid(out.data, out.len), "threads --json is not UTF-8");
    }
    dt_buf_free(&out);
}

int dt_fuzz_digest(const uint8_t *data, size_t size)
{
    struct dt_fuzz_reader r;
    static struct both items[MAX_ITEMS];
    struct dt_digest_item its[MAX_ITEMS];
    struct dt_rollup_line lines[MAX_ITEMS + 1];

    dt_fuzz_reader_init(&r, data, size);
    const struct dt_config *cfg = confs[dt_fuzz_u8(&r) % N_CONFS];
    time_t as_of = when(&r);
    const char *rep = dt_fuzz_str(&r);
    size_t n = dt_fuzz_u8(&r) % (MAX_ITEMS + 1);
    for (size_t i = 0; i < n; i++) {
        read_item(&r, rep, i, &items[i]);
        its[i] = items[i].it;
        report_ok(&items[i].deal);
    }

    struct dt_digest dg = {.rep = (char *)rep, .as_of = as_of, .items = its, .n_items = n};
    struct dt_buf out = DT_BUF_INIT;
    struct dt_error err = {{0}};
    dt_buf_puts(&out, "before");
    render_ok(dt_digest_render(&dg, cfg, &out, &err), &out, &err);

    /* The roll-up: the rep, and each item's counterpart standing in for another rep. */
    lines[0] = (struct dt_rollup_line){.rep = rep};
    for (size_t i = 0; i < n; i++) {
        lines[i + 1] = (struct dt_rollup_line){.rep = its[i].counterpart};
        lines[i + 1].n[dt_digest_state_rank(its[i].state)] = its[i].n_replies;
        lines[0].n[dt_digest_state_rank(its[i].state)]++;
    }
    const char *manager =
        n > 0 && its[0].people[0].address != NULL ? its[0].people[0].address : "boss@corp.example";
    dt_buf_reset(&out);
    dt_buf_puts(&out, "before");
    render_ok(dt_digest_render_rollup(manager, lines, n + 1, as_of, cfg, &out, &err), &out, &err);

    dt_buf_free(&out);
    dt_fuzz_reader_free(&r);
    return 0;
}

DT_FUZZ_ENTRY(digest)
