/*
 * bench_gen.c - the mail bench_store measures with (see bench_gen.h):
 * timelines of deal threads between reps and customers (gen_timeline), an
 * mbox of them as mail clients write it, with Received lines, quotes,
 * multipart/alternative, euphoric and calm prose, internal mail and list
 * mail (gen_mbox), and the same messages recorded straight into a store,
 * as the milter would have (gen_record).
 *
 * Deterministic: one xorshift generator, seeded by gen_timeline(). Failure
 * (out of memory, a file not written, a store error) is fatal: bench_die().
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dealtemp/buf.h"
#include "dealtemp/mime.h"
#include "dealtemp/store.h"
#include "dealtemp/thread.h"
#include "bench_gen.h"

/* xorshift: the same seed, the same mail, on every machine. */
static unsigned long long rng;

static unsigned next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng >> 11);
}

/* ---- timelines: threads of alternating outbound and inbound mail ---- */

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
void gen_timeline(struct timeline *tl, size_t n_threads, size_t n_reps, size_t n_cps,
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
        bench_die("timeline", "out of memory");
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

void gen_timeline_free(struct timeline *tl)
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

/* ---- the mbox to import ---- */

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

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    if (fp == NULL || fwrite(data, 1, len, fp) != len || fclose(fp) != 0)
        bench_die(path, strerror(errno));
}

/* Write the import mbox to path: 19,000 deal messages and 1,000 others; returns its size. */
size_t gen_mbox(const char *path)
{
    enum { THREADS = 1900, NOISE = 1000 };
    struct timeline tl;
    gen_timeline(&tl, THREADS, 50, 1200, 0x5eed0001ull);
    tl.tag = "imp"; /* Message-IDs unlike the large store's: importing into it adds */
    struct dt_buf mbox = DT_BUF_INIT;
    unsigned noise = 0;
    for (size_t i = 0; i < tl.n_ev; i++) {
        if (noise < NOISE && i % (tl.n_ev / NOISE) == 0)
            mbox_noise(&mbox, noise++, tl.ev[i].at);
        mbox_message(&mbox, &tl, &tl.ev[i]);
    }
    if (dt_buf_failed(&mbox))
        bench_die("mbox", "out of memory");
    write_file(path, mbox.data, mbox.len);
    size_t len = mbox.len;
    dt_buf_free(&mbox);
    gen_timeline_free(&tl);
    return len;
}

/* ---- the 1M-message store, recorded directly ---- */

static const char *const phrase_sets[] = {"amazing, can't wait, 🚀",
                                          "so excited, game-changer",
                                          "incredible, best",
                                          "perfect, great",
                                          "thrilled",
                                          "fantastic, 🎉"};

void gen_record(struct dt_store *st, const struct timeline *tl, const struct ev *e)
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
        .phrases = out && r < 40 ? phrase_sets[next_rand() % 6] : NULL,
    };
    struct dt_record_result res;
    struct dt_error err;
    if (dt_store_record(st, &rec, &res, &err) < 0)
        bench_die("record", err.msg);
    dt_buf_free(&norm);
}
