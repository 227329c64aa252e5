/*
 * bench_store - dealtemp's store benchmarks (make bench). Prints numbers;
 * asserts nothing about speed.
 *
 *  1. import: a generated mbox of 20,000 small, threaded sales messages
 *     (mixed outbound and inbound, quoted replies, some euphoric, some
 *     internal and list mail) imported with dt_import_mbox into a fresh
 *     store: messages/s and MB/s, the whole path (libetpan, analyze, store);
 *  2. a store of 1,000,000 messages in 100,000 threads of 500 reps over a
 *     year, written with dt_store_record in batches of 10,000 in time
 *     order (as the milter would have): the generation rate, the file's
 *     bytes per message, then `dealtemp threads --json` over it, run as a
 *     real process (best and median of 3) and the threads it lists;
 *  3. the same mbox imported into a copy of that store (a backfill into a
 *     store that already holds a year).
 * Rates are given per wall second and per CPU second (the machine may be
 * busy). Everything comes from fixed seeds, so runs are comparable. The
 * large store is kept in <build>/bench-store/, named by GEN_VERSION and
 * the schema version, and made again only when missing or stale.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dealtemp/buf.h"
#include "dealtemp/config.h"
#include "dealtemp/import.h"
#include "dealtemp/mime.h"
#include "dealtemp/store.h"
#include "dealtemp/thread.h"

/* Bump when the generated 1M store changes shape: the cached copy is then remade. */
#define GEN_VERSION 3

#define DAY 86400L
#define T0 ((time_t)1764547200) /* 2025-12-01T00:00:00Z: the year the timelines cover */
#define AS_OF (T0 + 365 * DAY)  /* 2026-12-01T00:00:00Z */
#define MAX_LEN 18              /* longest thread */

static unsigned long long rng;

static unsigned next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng >> 11);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double ru_cpu(const struct rusage *ru)
{
    return (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec / 1e6 +
           (double)ru->ru_stime.tv_sec + (double)ru->ru_stime.tv_usec / 1e6;
}

/* CPU seconds (user + system) of this process so far: the machine may be busy. */
static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru_cpu(&ru);
}

static void die(const char *what, const char *why)
{
    fprintf(stderr, "bench_store: %s: %s\n", what, why);
    exit(1);
}

/* snprintf into a path buffer; a path that does not fit is fatal, never cut short. */
static void path_fmt(char *out, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void path_fmt(char *out, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, size, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= size)
        die(out, "path too long");
}

/* ---- timelines: threads of alternating outbound and inbound mail ---- */

struct thread_info {
    uint32_t rep, rep2, cp; /* rep2: a colleague who sends some of the outbound mail */
    uint32_t out_mask;      /* bit i set: message i is outbound */
    uint8_t len;
};

struct ev {
    int64_t at;
    uint32_t thread;
    uint8_t seq;
};

struct timeline {
    const char *tag; /* in every Message-ID, so two timelines never share one */
    struct thread_info *th;
    struct ev *ev;
    size_t n_threads, n_ev;
};

static int ev_cmp(const void *a, const void *b)
{
    const struct ev *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    if (x->thread != y->thread)
        return x->thread < y->thread ? -1 : 1;
    return (int)x->seq - (int)y->seq;
}

/*
 * n_threads threads (an even number) of 2..18 messages, 10 on average and
 * exactly 10 * n_threads in all, started during the year before AS_OF (the
 * latest still running then: their later messages lie after it). Every
 * thread opens outbound and mostly alternates; one outbound message in ten
 * is a follow-up to the rep's own. The customer answers after its own usual
 * time (1 h .. 3 d) times 0.3 .. 4.3, now and then much later; reps answer
 * within 10 min .. 20 h. All events, sorted by time.
 */
static void timeline_make(struct timeline *tl, size_t n_threads, size_t n_reps, size_t n_cps,
                          unsigned long long seed)
{
    rng = seed;
    tl->tag = "t";
    tl->n_threads = n_threads;
    tl->n_ev = n_threads * 10;
    tl->th = calloc(n_threads, sizeof(*tl->th));
    tl->ev = malloc(tl->n_ev * sizeof(*tl->ev));
    long *cp_speed = malloc(n_cps * sizeof(*cp_speed));
    if (tl->th == NULL || tl->ev == NULL || cp_speed == NULL)
        die("timeline", "out of memory");
    for (size_t c = 0; c < n_cps; c++)
        cp_speed[c] = 3600 + (long)(next_rand() % (72 * 3600));
    size_t k = 0;
    int d = 0;
    for (size_t t = 0; t < n_threads; t++) {
        struct thread_info *ti = &tl->th[t];
        if (t % 2 == 0)
            d = (int)(next_rand() % 17) - 8;
        ti->len = (uint8_t)(t % 2 == 0 ? 10 + d : 10 - d);
        ti->rep = next_rand() % (unsigned)n_reps;
        ti->rep2 =
            next_rand() % 10 == 0 ? (ti->rep + 1 + next_rand() % 7) % (unsigned)n_reps : ti->rep;
        ti->cp = next_rand() % (unsigned)n_cps;
        /* a deal opens on a working day (T0 is a Monday), 07:00..17:00 UTC */
        int64_t day = next_rand() % 365;
        if (day % 7 >= 5)
            day += 7 - day % 7;
        int64_t at = T0 + day * DAY + 7 * 3600 + next_rand() % (10 * 3600);
        bool out = true;
        for (unsigned i = 0; i < ti->len; i++) {
            if (i > 0) {
                bool follow_up = out && next_rand() % 10 == 0;
                long gap;
                if (follow_up)
                    gap = 3 * DAY + (long)(next_rand() % (5 * DAY));
                else if (out) {
                    gap = cp_speed[ti->cp] * (30 + (long)(next_rand() % 400)) / 100;
                    if (next_rand() % 12 == 0)
                        gap *= 3;
                } else
                    gap = 600 + (long)(next_rand() % (20 * 3600));
                out = follow_up || !out;
                at += gap;
            }
            if (out)
                ti->out_mask |= 1u << i;
            tl->ev[k++] = (struct ev){at, (uint32_t)t, (uint8_t)i};
        }
    }
    free(cp_speed);
    qsort(tl->ev, tl->n_ev, sizeof(*tl->ev), ev_cmp);
}

static void timeline_free(struct timeline *tl)
{
    free(tl->th);
    free(tl->ev);
}

static bool is_out(const struct thread_info *ti, unsigned seq)
{
    return (ti->out_mask >> seq) & 1u;
}

/* The rep of message seq: in a shared deal, every third message is the colleague's. */
static uint32_t rep_of(const struct thread_info *ti, unsigned seq)
{
    return seq % 3 == 2 ? ti->rep2 : ti->rep;
}

static void addr_rep(char *buf, size_t size, uint32_t rep)
{
    snprintf(buf, size, "rep%03u@corp.example", (unsigned)rep);
}

static void addr_cp(char *buf, size_t size, uint32_t cp)
{
    snprintf(buf, size, "buyer%u@customer%u.example", (unsigned)cp, (unsigned)cp / 3);
}

static void msgid_of(char *buf, size_t size, const struct timeline *tl, uint32_t t, unsigned seq)
{
    const struct thread_info *ti = &tl->th[t];
    if (is_out(ti, seq))
        snprintf(buf, size, "%s%u.m%u.%08x@mail.corp.example", tl->tag, (unsigned)t, seq,
                 (unsigned)(t * 2654435761u + seq));
    else
        snprintf(buf, size, "CA+%08x%s%u-%u@mx.customer%u.example", (unsigned)(t * 40503u + seq),
                 tl->tag, (unsigned)t, seq, (unsigned)ti->cp / 3);
}

static const char *const products[] = {"CRM rollout",      "data platform",   "ERP integration",
                                       "support contract", "analytics pilot", "security review",
                                       "licence renewal",  "onboarding"};

static void subject_of(char *buf, size_t size, uint32_t t, uint32_t cp)
{
    snprintf(buf, size, "Proposal %s for Customer %u (ref %u)",
             products[t % (sizeof(products) / sizeof(*products))], (unsigned)cp / 3, (unsigned)t);
}

/* ---- 1. import from an mbox ---- */

static const char *const words[] = {
    "the",      "proposal",  "we",          "discussed", "on",           "Tuesday",
    "includes", "pricing",   "for",         "three",     "years",        "and",
    "a",        "pilot",     "with",        "your",      "team",         "in",
    "Q3",       "let",       "me",          "know",      "if",           "questions",
    "about",    "SLA",       "or",          "ERP",       "integration",  "remain",
    "our",      "engineers", "can",         "join",      "call",         "next",
    "week",     "to",        "review",      "security",  "requirements", "contract",
    "terms",    "are",       "attached",    "budget",    "approval",     "timeline",
    "finance",  "legal",     "procurement", "invoice",   "licences",     "users"};
static const char *const hype[] = {
    "amazing", "AMAZING", "so excited", "can't wait", "incredible", "game-changer", "best",
    "perfect", "great",   "🚀",          "🎉",          "thrilled",   "fantastic"};

#define NWORDS (sizeof(words) / sizeof(*words))
#define NHYPE (sizeof(hype) / sizeof(*hype))

/* About n bytes of prose wrapped at 72 columns; one word in `hype_every` is hype (0: none). */
static void prose(struct dt_buf *b, size_t n, unsigned hype_every, const char *quote)
{
    size_t start = b->len, col = 0, in_sentence = 0;
    if (quote != NULL)
        dt_buf_puts(b, quote);
    while (b->len - start < n) {
        unsigned r = next_rand();
        const char *w =
            hype_every != 0 && r % hype_every == 0 ? hype[r % NHYPE] : words[r % NWORDS];
        if (col > 0 && col + strlen(w) > 72) {
            dt_buf_putc(b, '\n');
            if (quote != NULL)
                dt_buf_puts(b, quote);
            col = 0;
        } else if (col > 0) {
            dt_buf_putc(b, ' ');
            col++;
        }
        dt_buf_puts(b, w);
        col += strlen(w);
        if (++in_sentence > 8 + r % 9) {
            dt_buf_puts(b, hype_every != 0 && r % 3 == 0 ? "!!!" : ".");
            col++;
            in_sentence = 0;
        }
    }
    dt_buf_puts(b, ".\n");
}

static void rfc_date(char *buf, size_t size, int64_t at)
{
    time_t t = (time_t)at;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, size, "%a, %d %b %Y %H:%M:%S +0000", &tm);
}

static void from_line(struct dt_buf *b, const char *sender, int64_t at)
{
    time_t t = (time_t)at;
    struct tm tm;
    char d[64];
    gmtime_r(&t, &tm);
    strftime(d, sizeof(d), "%a %b %e %H:%M:%S %Y", &tm);
    dt_buf_printf(b, "From %s %s\n", sender, d);
}

/* One thread message as a mail client would write it: Received, threading, a quote. */
static void mbox_message(struct dt_buf *b, const struct timeline *tl, const struct ev *e)
{
    const struct thread_info *ti = &tl->th[e->thread];
    bool out = is_out(ti, e->seq);
    char rep[64], cp[64], subj[160], date[64], id[96];
    addr_rep(rep, sizeof(rep), rep_of(ti, e->seq));
    addr_cp(cp, sizeof(cp), ti->cp);
    subject_of(subj, sizeof(subj), e->thread, ti->cp);
    rfc_date(date, sizeof(date), e->at);
    msgid_of(id, sizeof(id), tl, e->thread, e->seq);
    const char *from = out ? rep : cp, *to = out ? cp : rep;

    const char *peer = out ? "laptop.corp.example" : "mx.customer.example";
    from_line(b, from, e->at);
    dt_buf_printf(b,
                  "Received: from %s (%s [192.0.2.%u]) by mail.corp.example (Postfix) with "
                  "ESMTPS id %08X\n\tfor <%s>; %s\n",
                  peer, peer, next_rand() % 250 + 1, next_rand(), to, date);
    dt_buf_printf(b, "From: %s %u <%s>\nTo: %s <%s>\nSubject: %s%s\nDate: %s\nMessage-ID: <%s>\n",
                  out ? "Rep" : "Buyer", out ? rep_of(ti, e->seq) : ti->cp, from,
                  out ? "Buyer" : "Sales", to, e->seq > 0 ? (out ? "Re: " : "RE: ") : "", subj,
                  date, id);
    if (e->seq > 0) {
        msgid_of(id, sizeof(id), tl, e->thread, e->seq - 1u);
        dt_buf_printf(b, "In-Reply-To: <%s>\nReferences:", id);
        for (unsigned i = 0; i < e->seq; i++) {
            msgid_of(id, sizeof(id), tl, e->thread, i);
            dt_buf_printf(b, " <%s>\n", id);
        }
    }
    bool alternative = next_rand() % 5 == 0;
    dt_buf_printf(b, "MIME-Version: 1.0\nX-Mailer: %s\n",
                  out ? "Microsoft Outlook 16.0" : "Apple Mail (2.3774)");
    if (alternative)
        dt_buf_printf(b,
                      "Content-Type: multipart/alternative; boundary=\"=_b%u\"\n\n"
                      "--=_b%u\nContent-Type: text/plain; charset=utf-8\n"
                      "Content-Transfer-Encoding: 8bit\n\n",
                      e->thread * 32u + e->seq, e->thread * 32u + e->seq);
    else
        dt_buf_puts(b,
                    "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n");

    /* outbound: a quarter euphoric, a quarter warm; inbound calm */
    unsigned r = next_rand() % 4, hype_every = !out ? 0 : r == 0 ? 5 : r == 1 ? 25 : 0;
    size_t body_start = b->len;
    dt_buf_printf(b, "Hi %s,\n\n", out ? "there" : "team");
    prose(b, alternative ? 500 + next_rand() % 500 : 800 + next_rand() % 1400, hype_every, NULL);
    dt_buf_printf(b, "\nBest regards,\n%s\n",
                  out ? "Rep, Account Executive\nCorp Example B.V." : "Buyer, Head of Procurement");
    if (e->seq > 0) {
        dt_buf_printf(b, "\nOn %s, %s wrote:\n", date, to);
        prose(b, 300 + next_rand() % 500, 0, "> ");
    }
    if (alternative) {
        size_t text_len = b->len - body_start;
        dt_buf_printf(b,
                      "\n--=_b%u\nContent-Type: text/html; charset=utf-8\n\n"
                      "<html><body><div dir=\"ltr\"><p>",
                      e->thread * 32u + e->seq);
        for (size_t i = body_start; i < body_start + text_len && i < body_start + 900; i++) {
            char c = b->data[i];
            if (c == '\n')
                dt_buf_puts(b, "<br>\n");
            else if (c == '<' || c == '>')
                dt_buf_puts(b, c == '<' ? "&lt;" : "&gt;");
            else
                dt_buf_putc(b, c);
        }
        dt_buf_printf(b, "</p></div></body></html>\n--=_b%u--\n", e->thread * 32u + e->seq);
    }
    dt_buf_putc(b, '\n');
}

/* Mail that is not a deal: internal chat and a newsletter (both ignored by the store). */
static void mbox_noise(struct dt_buf *b, unsigned i, int64_t at)
{
    char date[64];
    rfc_date(date, sizeof(date), at);
    bool list = i % 2 == 0;
    from_line(b, list ? "news@vendor.example" : "rep001@corp.example", at);
    if (list)
        dt_buf_printf(b,
                      "From: Vendor News <news@vendor.example>\nTo: rep%03u@corp.example\n"
                      "Subject: Weekly digest %u\nList-Id: <weekly.vendor.example>\n"
                      "Precedence: bulk\n",
                      i % 50, i);
    else
        dt_buf_printf(b,
                      "From: Rep 1 <rep001@corp.example>\nTo: rep%03u@corp.example\n"
                      "Subject: forecast call %u\n",
                      i % 50, i);
    dt_buf_printf(b,
                  "Date: %s\nMessage-ID: <noise%u@corp.example>\nMIME-Version: 1.0\n"
                  "Content-Type: text/plain; charset=us-ascii\n\n",
                  date, i);
    prose(b, 1000 + next_rand() % 1500, list ? 15 : 0, NULL);
    dt_buf_putc(b, '\n');
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    if (fp == NULL || fwrite(data, 1, len, fp) != len || fclose(fp) != 0)
        die(path, strerror(errno));
}

/* Write the import mbox to path: 19,000 deal messages and 1,000 others; returns its size. */
static size_t make_mbox(const char *path)
{
    enum { THREADS = 1900, NOISE = 1000 };
    struct timeline tl;
    timeline_make(&tl, THREADS, 50, 1200, 0x5eed0001ull);
    tl.tag = "imp"; /* Message-IDs unlike the large store's: importing into it adds */
    struct dt_buf mbox = DT_BUF_INIT;
    unsigned noise = 0;
    for (size_t i = 0; i < tl.n_ev; i++) {
        if (noise < NOISE && i % (tl.n_ev / NOISE) == 0)
            mbox_noise(&mbox, noise++, tl.ev[i].at);
        mbox_message(&mbox, &tl, &tl.ev[i]);
    }
    if (dt_buf_failed(&mbox))
        die("mbox", "out of memory");
    write_file(path, mbox.data, mbox.len);
    size_t len = mbox.len;
    dt_buf_free(&mbox);
    timeline_free(&tl);
    return len;
}

static void bench_import(const struct dt_config *cfg, const char *mbox, size_t bytes,
                         const char *db, const char *label)
{
    struct dt_store *st;
    struct dt_error err;
    struct dt_import_stats s;
    if (dt_store_open(db, &st, &err) < 0)
        die("open", err.msg);
    double cpu0 = cpu_s();
    if (dt_import_mbox(st, cfg, mbox, false, &s, &err) < 0)
        die("import", err.msg);
    dt_store_close(st);
    double cpu = cpu_s() - cpu0;
    printf("%-13s %8.0f msgs/s (%.1f MB/s; %.0f msgs per CPU second; %zu messages of %.1f KB "
           "average: %zu stored, %zu ignored, %zu malformed; %d per commit)\n",
           label, (double)s.seen / s.seconds, (double)bytes / 1e6 / s.seconds, (double)s.seen / cpu,
           s.seen, (double)bytes / (double)s.seen / 1024, s.imported, s.ignored, s.malformed,
           DT_IMPORT_BATCH);
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    if (in == NULL || out == NULL)
        die(in == NULL ? from : to, strerror(errno));
    char chunk[1 << 16];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
        if (fwrite(chunk, 1, n, out) != n)
            die(to, strerror(errno));
    fclose(in);
    if (fclose(out) != 0)
        die(to, strerror(errno));
}

/* ---- 2. the 1M-message store ---- */

#define BIG_THREADS 100000
#define BIG_REPS 500
#define BIG_CPS 40000
#define BIG_MESSAGES (BIG_THREADS * 10)
#define BATCH 10000

static const char *const phrase_sets[] = {"amazing, can't wait, 🚀",
                                          "so excited, game-changer",
                                          "incredible, best",
                                          "perfect, great",
                                          "thrilled",
                                          "fantastic, 🎉"};

static void record_one(struct dt_store *st, const struct timeline *tl, const struct ev *e)
{
    const struct thread_info *ti = &tl->th[e->thread];
    bool out = is_out(ti, e->seq);
    char id[MAX_LEN][96], rep[64], cp[64], subj[200];
    char *refs[MAX_LEN + 1];
    for (unsigned i = 0; i <= e->seq; i++)
        msgid_of(id[i], sizeof(id[i]), tl, e->thread, i);
    for (unsigned i = 0; i < e->seq; i++)
        refs[i] = id[i];
    refs[e->seq] = NULL;
    struct dt_message m;
    memset(&m, 0, sizeof(m));
    m.message_id = id[e->seq];
    m.in_reply_to = e->seq > 0 ? id[e->seq - 1] : NULL;
    m.references = refs;
    m.n_references = e->seq;

    addr_rep(rep, sizeof(rep), rep_of(ti, e->seq));
    addr_cp(cp, sizeof(cp), ti->cp);
    int n = snprintf(subj, sizeof(subj), "%s", e->seq > 0 ? "Re: " : "");
    subject_of(subj + n, sizeof(subj) - (size_t)n, e->thread, ti->cp);
    struct dt_buf norm = DT_BUF_INIT;
    dt_subject_normalize(subj, &norm);

    /* outbound: 15 % euphoric, 25 % warm, the rest calm */
    unsigned r = next_rand() % 100;
    double score = !out     ? 0
                   : r < 15 ? 0.60 + (next_rand() % 350) / 1000.0
                   : r < 40 ? 0.35 + (next_rand() % 250) / 1000.0
                            : (next_rand() % 350) / 1000.0;
    dt_hash anc[64], self = dt_msgid_hash(m.message_id);
    struct dt_record rec = {
        .msgid = self,
        .ancestors = anc,
        .n_ancestors = dt_thread_ancestors(&m, anc, 64),
        .new_key = dt_thread_new_key(&m, self),
        .at = (time_t)e->at,
        .outbound = out,
        .rep = rep,
        .counterpart = cp,
        .subject = subj,
        .subject_key = dt_string_hash(norm.data),
        .window_s = 30 * DAY,
        .score = score,
        .level = !out || r >= 40 ? DT_LEVEL_CALM
                 : r < 15        ? DT_LEVEL_EUPHORIC
                                 : DT_LEVEL_WARM,
        .phrases = out && r < 40 ? phrase_sets[next_rand() % 6] : NULL,
    };
    struct dt_record_result res;
    struct dt_error err;
    if (dt_store_record(st, &rec, &res, &err) < 0)
        die("record", err.msg);
    dt_buf_free(&norm);
}

static void db_exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        die(sql, msg ? msg : "failed");
}

static long long db_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    long long v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* Messages in an existing store file, or -1 if it is missing or unreadable. */
static long long stored_messages(const char *path)
{
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return -1;
    }
    long long n = db_int(db, "SELECT count(*) FROM events");
    sqlite3_close(db);
    return n;
}

static void unlink_db(const char *path)
{
    const char *suffix[] = {"", "-wal", "-shm", "-journal"};
    char p[PATH_MAX];
    for (size_t i = 0; i < 4; i++) {
        path_fmt(p, sizeof(p), "%s%s", path, suffix[i]);
        unlink(p);
    }
}

/* Write the 1M store to path in dir (through a temporary name); messages/s, wall and CPU. */
static void generate_big(const char *dir, const char *path, double *rate, double *cpu_rate)
{
    char tmp[PATH_MAX], pattern[PATH_MAX];
    path_fmt(tmp, sizeof(tmp), "%s.new", path);
    unlink_db(tmp);
    /* stores of earlier generators or schemas are stale: 80+ MB each */
    path_fmt(pattern, sizeof(pattern), "%s/store-g*", dir);
    glob_t g;
    if (glob(pattern, 0, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; i++)
            unlink(g.gl_pathv[i]);
        globfree(&g);
    }
    struct timeline tl;
    timeline_make(&tl, BIG_THREADS, BIG_REPS, BIG_CPS, 0x5eed0002ull);
    struct dt_store *st;
    struct dt_error err;
    if (dt_store_open(tmp, &st, &err) < 0)
        die("open", err.msg);
    double t0 = now_s(), cpu0 = cpu_s();
    for (size_t i = 0; i < tl.n_ev; i += BATCH) {
        if (dt_store_begin(st, &err) < 0)
            die("begin", err.msg);
        for (size_t k = i; k < i + BATCH && k < tl.n_ev; k++)
            record_one(st, &tl, &tl.ev[k]);
        if (dt_store_commit(st, &err) < 0)
            die("commit", err.msg);
        if (isatty(STDERR_FILENO))
            fprintf(stderr, "\rgenerating store: %zu/%zu", i + BATCH, tl.n_ev);
    }
    *rate = (double)tl.n_ev / (now_s() - t0);
    *cpu_rate = (double)tl.n_ev / (cpu_s() - cpu0);
    if (isatty(STDERR_FILENO))
        fputc('\n', stderr);
    dt_store_close(st);
    timeline_free(&tl);

    sqlite3 *db;
    if (sqlite3_open(tmp, &db) != SQLITE_OK)
        die(tmp, sqlite3_errmsg(db));
    db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    sqlite3_close(db);
    unlink_db(path);
    if (rename(tmp, path) != 0)
        die(path, strerror(errno));
}

/* Run argv with stdout to the file out: wall seconds; its CPU seconds and peak RSS in KB. */
static double run_timed(char *const argv[], const char *out, double *cpu, long *maxrss_kb)
{
    fflush(stdout); /* or the child would print what is buffered a second time */
    double t0 = now_s();
    pid_t pid = fork();
    if (pid < 0)
        die("fork", strerror(errno));
    if (pid == 0) {
        int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
            _exit(126);
        close(fd);
        execv(argv[0], argv);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0)
        die("wait", strerror(errno));
    double el = now_s() - t0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die(argv[0], "threads failed");
    *maxrss_kb = ru.ru_maxrss;
    *cpu = ru_cpu(&ru);
    return el;
}

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void bench_threads(const char *bindir, const char *db, const char *tmp)
{
    char conf[PATH_MAX], prog[PATH_MAX], as_of[32];
    path_fmt(conf, sizeof(conf), "%s/threads.conf", tmp);
    path_fmt(prog, sizeof(prog), "%s/dealtemp", bindir);
    FILE *fp = fopen(conf, "w");
    if (fp == NULL)
        die(conf, strerror(errno));
    fprintf(fp,
            "database = \"%s\";\ninternal_domains = [\"corp.example\"];\n"
            "reps = [\"@corp.example\"];\n",
            db);
    fclose(fp);
    time_t t = AS_OF;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(as_of, sizeof(as_of), "%Y-%m-%dT%H:%M:%SZ", &tm);
    char *argv[] = {prog, "threads", "-c", conf, "--json", "--as-of", as_of, NULL};

    enum { RUNS = 3 };
    double wall[RUNS], cpu[RUNS];
    long rss = 0, r;
    for (int i = 0; i < RUNS; i++) {
        wall[i] = run_timed(argv, "/dev/null", &cpu[i], &r);
        rss = r > rss ? r : rss;
    }
    qsort(wall, RUNS, sizeof(*wall), dbl_cmp);
    qsort(cpu, RUNS, sizeof(*cpu), dbl_cmp);

    /* Once more into a file, to count what it lists: one JSON object a line. */
    char json[PATH_MAX];
    double unused;
    path_fmt(json, sizeof(json), "%s/threads.json", tmp);
    run_timed(argv, json, &unused, &r);
    size_t lines = 0, bytes = 0, cooling = 0, stalled = 0, slowed = 0, cap = 0;
    char *line = NULL;
    ssize_t n;
    if ((fp = fopen(json, "r")) == NULL)
        die(json, strerror(errno));
    while ((n = getline(&line, &cap, fp)) > 0) {
        const char *st = strstr(line, "\"state\":\"");
        lines++;
        bytes += (size_t)n;
        if (st != NULL) {
            cooling += strncmp(st + 9, "cooling\"", 8) == 0;
            stalled += strncmp(st + 9, "stalled\"", 8) == 0;
            slowed += strncmp(st + 9, "slowed\"", 7) == 0;
        }
    }
    free(line);
    fclose(fp);
    unlink(json);
    printf("threads:      %8.2f s best, %.2f s median of %d, wall (CPU %.2f s best, %.2f s median; "
           "`dealtemp threads --json`: %zu threads listed, %.1f MB of JSON, peak RSS %.1f MB)\n",
           wall[0], wall[RUNS / 2], RUNS, cpu[0], cpu[RUNS / 2], lines, (double)bytes / 1e6,
           (double)rss / 1024);
    printf("              states as of %s: %zu cooling, %zu stalled, %zu slowed\n", as_of, cooling,
           stalled, slowed);
}

/* Make or find the 1M store, measure it; its path goes to db. */
static void bench_big(const char *bindir, const char *tmp, char db[PATH_MAX])
{
    char dir[PATH_MAX], note[PATH_MAX];
    path_fmt(dir, sizeof(dir), "%s/bench-store", bindir);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        die(dir, strerror(errno));
    path_fmt(db, PATH_MAX, "%s/store-g%d-s%d.db", dir, GEN_VERSION, dt_store_schema_version());
    path_fmt(note, sizeof(note), "%s.rate", db);
    double rate = 0, cpu_rate = 0;
    bool cached = stored_messages(db) == BIG_MESSAGES;
    if (cached) {
        FILE *fp = fopen(note, "r");
        if (fp == NULL || fscanf(fp, "%lf %lf", &rate, &cpu_rate) != 2)
            rate = cpu_rate = 0;
        if (fp != NULL)
            fclose(fp);
    } else {
        generate_big(dir, db, &rate, &cpu_rate);
        FILE *fp = fopen(note, "w");
        if (fp != NULL) {
            fprintf(fp, "%.0f %.0f\n", rate, cpu_rate);
            fclose(fp);
        }
    }
    printf("store gen:    %8.0f msgs/s (%.0f msgs per CPU second; dt_store_record, %d per commit, "
           "in time order; %s)\n",
           rate, cpu_rate, BATCH,
           cached ? "cached store: the rates of its generation" : "generated now");

    sqlite3 *sdb;
    if (sqlite3_open(db, &sdb) != SQLITE_OK)
        die(db, sqlite3_errmsg(sdb));
    db_exec(sdb, "PRAGMA wal_checkpoint(TRUNCATE)");
    long long pages = db_int(sdb, "PRAGMA page_count"), psize = db_int(sdb, "PRAGMA page_size");
    long long msgs = db_int(sdb, "SELECT count(*) FROM events");
    long long threads = db_int(sdb, "SELECT count(*) FROM threads");
    long long people = db_int(sdb, "SELECT count(*) FROM people");
    printf("store size:   %8.1f bytes/message (%.1f MB for %lld messages, %lld threads, %lld "
           "addresses)\n",
           (double)(pages * psize) / (double)msgs, (double)(pages * psize) / 1e6, msgs, threads,
           people);
    /* Where the bytes are, when SQLite was built with the dbstat table. */
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(sdb,
                           "SELECT name, sum(pgsize) FROM dbstat GROUP BY name"
                           " ORDER BY 2 DESC LIMIT 5",
                           -1, &s, NULL) == SQLITE_OK) {
        printf("              by table:");
        while (sqlite3_step(s) == SQLITE_ROW)
            printf(" %s %.1f", (const char *)sqlite3_column_text(s, 0),
                   (double)sqlite3_column_int64(s, 1) / (double)msgs);
        printf(" (bytes/message)\n");
        sqlite3_finalize(s);
    }
    sqlite3_close(sdb);
    bench_threads(bindir, db, tmp);
}

int main(void)
{
    char exe[PATH_MAX], bindir[PATH_MAX];
    ssize_t exe_len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    exe[exe_len > 0 ? exe_len : 0] = '\0';
    snprintf(bindir, sizeof(bindir), "%s", exe);
    dirname(bindir);

    char tmp[] = "/tmp/dt-bench-XXXXXX", conf[PATH_MAX];
    if (mkdtemp(tmp) == NULL)
        die("mkdtemp", strerror(errno));
    path_fmt(conf, sizeof(conf), "%s/import.conf", tmp);
    FILE *fp = fopen(conf, "w");
    if (fp == NULL)
        die(conf, strerror(errno));
    fprintf(fp,
            "database = \"%s/import.db\";\ninternal_domains = [\"corp.example\"];\n"
            "reps = [\"@corp.example\"];\n",
            tmp);
    fclose(fp);
    struct dt_config *cfg;
    struct dt_error err;
    if (dt_config_load(conf, exe, &cfg, &err) < 0)
        die(conf, err.msg);

    printf("dealtemp %s store benchmarks (SQLite %s)\n", DT_VERSION, sqlite3_libversion());
    char mbox[PATH_MAX], db[PATH_MAX], big[PATH_MAX];
    path_fmt(mbox, sizeof(mbox), "%s/import.mbox", tmp);
    size_t bytes = make_mbox(mbox);
    path_fmt(db, sizeof(db), "%s/import.db", tmp);
    bench_import(cfg, mbox, bytes, db, "import:");
    bench_big(bindir, tmp, big);
    /* Backfilling one more mailbox into a store that already holds a year. */
    path_fmt(db, sizeof(db), "%s/big-copy.db", tmp);
    copy_file(big, db);
    bench_import(cfg, mbox, bytes, db, "import 1M+:");
    dt_config_unref(cfg);
    nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}
