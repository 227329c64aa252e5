/*
 * bench - dealtemp's benchmarks (make bench). Prints numbers; asserts
 * nothing about speed.
 *
 *  1. scoring throughput: dt_euphoria_score over generated plain text,
 *     in 100 KB pieces, reported in MB/s on one core;
 *  2. messages/s through the whole per-message path (dt_analyze: MIME
 *     parse, charset and transfer decoding, HTML, quote removal, scoring)
 *     for generated ~20 KB multipart/alternative sales mail;
 *  3. scoring throughput per language (en, nl, de, fr prose);
 *  4. the milter's per-message path - dt_analyze, dt_ingest_prepare and
 *     the store commit into a SQLite file - for a mix of outbound mail and
 *     customer replies, with customer.tone off (outbound scored only) and
 *     on (the replies' tone too), in alternating rounds, side by side;
 *  5. peak RSS of the process.
 * The corpus is generated from a fixed seed, so runs are comparable.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "dealtemp/analyze.h"
#include "dealtemp/buf.h"
#include "dealtemp/config.h"
#include "dealtemp/euphoria.h"
#include "dealtemp/ingest.h"
#include "dealtemp/store.h"
#include "dealtemp/version.h"

static unsigned long long rng = 0x9e3779b97f4a7c15ull;

static unsigned next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng >> 11);
}

static const char *neutral_en[] = {
    "the",     "proposal", "we",      "discussed", "on",      "Tuesday", "includes", "pricing",
    "for",     "three",    "years",   "and",       "a",       "pilot",   "with",     "your",
    "team",    "in",       "Q3",      "let",       "me",      "know",    "if",       "questions",
    "about",   "the",      "SLA",     "or",        "the",     "ERP",     "integration", "remain",
    "our",     "engineers", "can",    "join",      "a",       "call",    "next",     "week",
    "to",      "review",   "security", "requirements", "contract", "terms", "are",    "attached"};
static const char *neutral_nl[] = {
    "de",      "offerte", "die",   "we",     "besproken", "hebben", "bevat",  "prijzen",
    "voor",    "drie",    "jaar",  "en",     "een",       "pilot",  "met",    "uw",
    "team",    "in",      "het",   "derde",  "kwartaal",  "laat",   "het",    "weten",
    "als",     "er",      "vragen", "zijn",  "over",      "de",     "koppeling", "met",
    "jullie",  "systeem", "graag", "plannen", "we",       "volgende", "week", "een", "gesprek"};
static const char *neutral_de[] = {
    "das",    "Angebot", "das",     "wir",      "besprochen", "haben",  "enthält", "Preise",
    "für",    "drei",    "Jahre",   "und",      "ein",        "Pilot",  "mit",     "Ihrem",
    "Team",   "im",      "dritten", "Quartal",  "bitte",      "melden", "Sie",     "sich",
    "wenn",   "es",      "Fragen",  "zur",      "Anbindung",  "an",     "Ihr",     "System",
    "gibt",   "gerne",   "planen",  "wir",      "nächste",    "Woche",  "ein",     "Gespräch"};
static const char *neutral_fr[] = {
    "la",      "proposition", "dont",    "nous",      "avons",   "parlé", "comprend", "les",
    "prix",    "pour",        "trois",   "ans",       "et",      "un",    "pilote",   "avec",
    "votre",   "équipe",      "au",      "troisième", "trimestre", "n'hésitez", "pas", "si",
    "vous",    "avez",        "des",     "questions", "sur",     "l'intégration", "de",  "votre",
    "système", "nous",        "pouvons", "prévoir",   "un",      "appel", "la",       "semaine",
    "prochaine"};
static const char *hype[] = {"amazing",    "AMAZING", "so excited", "can't wait", "incredible",
                             "game-changer", "geweldig", "fantastisch", "te gek", "super enthousiast",
                             "best",       "perfect", "great", "🚀",   "🎉", "fantastisch",
                             "großartig", "genial", "super", "incroyable", "génial", "formidable"};

#define N_OF(a) (sizeof(a) / sizeof(*(a)))
static const struct {
    const char *code;
    const char **words;
    size_t n;
} langs[] = {{"en", neutral_en, N_OF(neutral_en)},
             {"nl", neutral_nl, N_OF(neutral_nl)},
             {"de", neutral_de, N_OF(neutral_de)},
             {"fr", neutral_fr, N_OF(neutral_fr)}};

/* Append about n bytes of sales prose in langs[lang]: mostly neutral, a hype phrase now and then. */
static void prose(struct dt_buf *b, size_t n, int lang)
{
    const char **words = langs[lang].words;
    size_t nwords = langs[lang].n;
    size_t start = b->len, in_sentence = 0;
    while (b->len - start < n) {
        unsigned r = next_rand();
        if (r % 23 == 0)
            dt_buf_puts(b, hype[r % (sizeof(hype) / sizeof(*hype))]);
        else
            dt_buf_puts(b, words[r % nwords]);
        if (++in_sentence > 8 + r % 9) {
            dt_buf_puts(b, r % 11 == 0 ? "!!! " : (r % 5 == 0 ? ".\n" : ". "));
            in_sentence = 0;
        } else {
            dt_buf_putc(b, ' ');
        }
    }
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* lang < 0: a mix (three pieces English, one Dutch); else that language only. */
static void bench_scoring(const struct dt_config *cfg, int lang, double seconds)
{
    enum { PIECE = 100 * 1024, PIECES = 64 };
    struct dt_buf text[PIECES];
    for (int i = 0; i < PIECES; i++) {
        text[i] = (struct dt_buf)DT_BUF_INIT;
        prose(&text[i], PIECE, lang >= 0 ? lang : i % 4 == 3);
    }
    double bytes = 0, t0 = now_s(), elapsed;
    size_t hits = 0;
    do {
        for (int i = 0; i < PIECES; i++) {
            struct dt_score s;
            struct dt_error err;
            if (dt_euphoria_score(cfg->lexicon, &cfg->euphoria, text[i].data, text[i].len, &s,
                                  &err) < 0) {
                fprintf(stderr, "bench: score: %s\n", err.msg);
                exit(1);
            }
            for (int k = 0; k < DT_KIND_COUNT; k++)
                hits += s.counts[k];
            bytes += (double)text[i].len;
            dt_score_clear(&s);
        }
        elapsed = now_s() - t0;
    } while (elapsed < seconds);
    if (lang < 0)
        printf("scoring:      %8.1f MB/s   (%.0f MB of plain text in %.2f s, %zu hits, one core)\n",
               bytes / 1e6 / elapsed, bytes / 1e6, elapsed, hits);
    else
        printf("scoring %s:   %8.1f MB/s   (%.0f MB of %s prose in %.2f s, %zu hits, one core)\n",
               langs[lang].code, bytes / 1e6 / elapsed, bytes / 1e6, langs[lang].code, elapsed,
               hits);
    for (int i = 0; i < PIECES; i++)
        dt_buf_free(&text[i]);
}

/* A ~20 KB multipart/alternative sales mail: QP text part, HTML part, a quoted reply. */
static void message(struct dt_buf *b, int i)
{
    struct dt_buf body = DT_BUF_INIT;
    prose(&body, 3500, i % 4);
    dt_buf_printf(b,
                  "From: Rep %d <rep%d@corp.example>\r\nTo: buyer%d@customer.example\r\n"
                  "Subject: Re: proposal %d\r\nDate: Tue, 17 Nov 2026 10:%02d:00 +0100\r\n"
                  "Message-ID: <m%d@corp.example>\r\nIn-Reply-To: <c%d@customer.example>\r\n"
                  "MIME-Version: 1.0\r\n"
                  "Content-Type: multipart/alternative; boundary=\"b%d\"\r\n\r\n"
                  "--b%d\r\nContent-Type: text/plain; charset=utf-8\r\n"
                  "Content-Transfer-Encoding: quoted-printable\r\n\r\n",
                  i, i, i, i, i % 60, i, i, i, i);
    for (size_t k = 0; k < body.len; k++) {
        unsigned char c = (unsigned char)body.data[k];
        if (c == '\n')
            dt_buf_puts(b, "\r\n");
        else if (c >= 0x80 || c == '=')
            dt_buf_printf(b, "=%02X", c);
        else
            dt_buf_putc(b, (char)c);
        if (k % 70 == 69)
            dt_buf_puts(b, "=\r\n");
    }
    dt_buf_puts(b, "\r\n\r\nOn Mon, 16 Nov 2026 at 09:00, Buyer wrote:\r\n");
    for (int k = 0; k < 40; k++)
        dt_buf_puts(b, "> We are looking at several vendors and will decide next quarter.\r\n");
    dt_buf_puts(b, "\r\n-- \r\nRep, Account Executive\r\nThe BEST CRM on the planet!!!\r\n");
    dt_buf_printf(b, "--b%d\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><div>", i);
    dt_buf_append(b, body.data, body.len);
    dt_buf_puts(b, "</div><div class=\"gmail_quote\"><blockquote>Earlier mail</blockquote></div>"
                   "</body></html>\r\n");
    while (b->len < 20 * 1024)
        dt_buf_puts(b, "<!-- padding to a typical size of a real HTML mail part -->\r\n");
    dt_buf_printf(b, "--b%d--\r\n", i);
    dt_buf_free(&body);
}

static void bench_messages(const struct dt_config *cfg)
{
    enum { N = 200 };
    struct dt_buf msgs[N];
    double bytes = 0;
    for (int i = 0; i < N; i++) {
        msgs[i] = (struct dt_buf)DT_BUF_INIT;
        message(&msgs[i], i);
        bytes += (double)msgs[i].len;
    }
    long count = 0;
    double t0 = now_s(), elapsed;
    do {
        for (int i = 0; i < N; i++) {
            struct dt_facts f;
            struct dt_error err;
            if (dt_analyze(cfg, msgs[i].data, msgs[i].len, NULL, DT_ANALYZE_SCORE_ALL, &f, &err) <
                0) {
                fprintf(stderr, "bench: analyze: %s\n", err.msg);
                exit(1);
            }
            dt_facts_clear(&f);
            count++;
        }
        elapsed = now_s() - t0;
    } while (elapsed < 3.0);
    printf("messages:     %8.0f msgs/s (%ld messages of %.1f KB average, extraction + scoring, "
           "one core)\n",
           (double)count / elapsed, count, bytes / N / 1024);
    for (int i = 0; i < N; i++)
        dt_buf_free(&msgs[i]);
}

/* A ~3 KB customer reply to message i, in its language, quoting the rep. */
static void reply(struct dt_buf *b, int i)
{
    static const char *stall[] = {
        "We need to discuss this internally and will come back to you after the budget round.",
        "We moeten dit intern overleggen; we komen erop terug na de begroting.",
        "Wir müssen das intern abstimmen und melden uns nach der Budgetrunde.",
        "Nous devons en discuter en interne et reviendrons vers vous après le budget."};
    struct dt_buf body = DT_BUF_INIT;
    prose(&body, 1500, i % 4);
    dt_buf_printf(b,
                  "From: Buyer %d <buyer%d@customer.example>\r\nTo: rep%d@corp.example\r\n"
                  "Cc: colleague%d@customer.example\r\n"
                  "Subject: Re: proposal %d\r\nDate: Wed, 18 Nov 2026 10:%02d:00 +0100\r\n"
                  "Message-ID: <r%d@customer.example>\r\nIn-Reply-To: <m%d@corp.example>\r\n"
                  "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
                  i, i, i, i, i, i % 60, i, i, stall[i % 4]);
    dt_buf_append(b, body.data, body.len);
    dt_buf_puts(b, "\r\n\r\nOn Tue, 17 Nov 2026 at 10:00, Rep wrote:\r\n");
    for (int k = 0; k < 20; k++)
        dt_buf_puts(b, "> AMAZING call today!!! Can't wait to get started!\r\n");
    dt_buf_free(&body);
}

/* One round of the milter's path over msgs[0..n): microseconds per message. */
static double milter_round(const struct dt_config *cfg, struct dt_store *st, struct dt_buf *msgs,
                           int n, int round)
{
    double t0 = now_s();
    for (int i = 0; i < n; i++) {
        struct dt_facts f;
        struct dt_ingest_rec r;
        struct dt_ingest_result res;
        struct dt_error err;
        const char *rcpt = i % 2 ? "rep@corp.example" : "buyer@customer.example";
        struct dt_envelope env = {i % 2 ? "buyer@customer.example" : "rep@corp.example", &rcpt,
                                  1};
        if (dt_analyze(cfg, msgs[i].data, msgs[i].len, &env, 0, &f, &err) < 0 ||
            dt_ingest_prepare(cfg, &f, 1790000000 + round * 100000 + i, &r, &err) < 0) {
            fprintf(stderr, "bench: milter path: %s\n", err.msg);
            exit(1);
        }
        /* Each round stores its messages afresh: a new Message-ID hash per round. */
        r.rec.msgid = ((r.rec.msgid ^ ((dt_hash)round << 40)) & INT64_MAX) | 1;
        if (dt_ingest_commit(st, cfg, &r.rec, DT_INGEST_REPLY, &res, &err) < 0) {
            fprintf(stderr, "bench: milter path: %s\n", err.msg);
            exit(1);
        }
        dt_ingest_rec_free(&r);
        dt_facts_clear(&f);
    }
    return (now_s() - t0) * 1e6 / n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void bench_milter_path(struct dt_config *cfg)
{
    enum { N = 200, ROUNDS = 9 };
    struct dt_buf msgs[N];
    for (int i = 0; i < N; i++) {
        msgs[i] = (struct dt_buf)DT_BUF_INIT;
        if (i % 2 == 0)
            message(&msgs[i], i);
        else
            reply(&msgs[i], i - 1);
    }
    char dir[] = "/tmp/dt-bench-XXXXXX", db[64];
    if (mkdtemp(dir) == NULL) {
        perror("bench: mkdtemp");
        exit(1);
    }
    snprintf(db, sizeof(db), "%s/bench.db", dir);
    struct dt_store *st;
    struct dt_error err;
    if (dt_store_open(db, &st, &err) < 0) {
        fprintf(stderr, "bench: %s\n", err.msg);
        exit(1);
    }
    bool tone = cfg->customer_tone;
    double off[ROUNDS], on[ROUNDS];
    for (int k = 0; k < ROUNDS; k++) {
        cfg->customer_tone = false;
        off[k] = milter_round(cfg, st, msgs, N, 2 * k);
        cfg->customer_tone = true;
        on[k] = milter_round(cfg, st, msgs, N, 2 * k + 1);
    }
    cfg->customer_tone = tone;
    qsort(off, ROUNDS, sizeof(double), cmp_double);
    qsort(on, ROUNDS, sizeof(double), cmp_double);
    printf("milter path:  %8.0f us/msg outbound only, %.0f us/msg with the replies' tone (%+.1f %%;"
           " median of %d alternating rounds of %d messages, half of them replies, analysis +"
           " SQLite commit, one core)\n",
           off[ROUNDS / 2], on[ROUNDS / 2], (on[ROUNDS / 2] / off[ROUNDS / 2] - 1) * 100, ROUNDS,
           N);
    dt_store_close(st);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench: could not remove %s\n", dir);
    for (int i = 0; i < N; i++)
        dt_buf_free(&msgs[i]);
}

int main(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    exe[n > 0 ? n : 0] = '\0';
    /* The build tree's lexicons: build/bench -> build/../conf/lexicons. */
    const char *conf = getenv("DT_BENCH_CONF") ? getenv("DT_BENCH_CONF") : "conf/dealtemp.conf";
    struct dt_config *cfg;
    struct dt_error err;
    if (dt_config_load(conf, exe, &cfg, &err) < 0) {
        fprintf(stderr, "bench: %s\n", err.msg);
        return 1;
    }
    printf("dealtemp %s benchmarks (%s)\n", DT_VERSION, conf);
    bench_scoring(cfg, -1, 3.0);
    for (int l = 0; l < (int)N_OF(langs); l++)
        bench_scoring(cfg, l, 1.5);
    bench_messages(cfg);
    bench_milter_path(cfg);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS:     %8.1f MB\n", (double)ru.ru_maxrss / 1024);
    dt_config_unref(cfg);
    return 0;
}
