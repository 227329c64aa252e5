/*
 * bench_eom - the milter's work at end of message, phase by phase, on the
 * load test's mail (make bench; tests/bench/loadtest.sh measures the same
 * work behind a real Postfix).
 *
 *   bench_eom [-n MESSAGES] [-c] [-u]
 *
 * The messages are those tests/bench/smtp-load.c sends: about 2 KB, an
 * outbound sales mail from one of five reps to one of 50 customers, then
 * the customer's reply to it (In-Reply-To, quoting it), in turn, as
 * milter.c collects them ("Name: value" lines, CRLF). Each goes through
 * what finish_message() does: dt_analyze; dt_ingest_prepare and
 * dt_storepool_keep into a fresh SQLite store; the header values; the log
 * line (dt_log, to /dev/null). The CPU time of each phase
 * (CLOCK_THREAD_CPUTIME_ID) is summed and printed per message (MESSAGES,
 * 4000 by default, after 200 not counted). -c evicts the CPU caches
 * before each message (writes 16 MB), as the MTA's processes do between
 * two messages under load: the figures then come near what loadtest.sh
 * measures, where they are several times the warm ones. -u gives every
 * outbound mail a subject of its own, so each begins a thread and every
 * customer gathers threads (MESSAGES / 100 of them): a customer's reply
 * then reads their latest cooling.usual_threads threads (20), however many
 * they have - run it with two -n to see the cost stay flat.
 * Prints numbers; asserts nothing; exits 1 if a message is not analyzed or
 * not stored.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "dealtemp/analyze.h"
#include "dealtemp/buf.h"
#include "dealtemp/config.h"
#include "dealtemp/header.h"
#include "dealtemp/ingest.h"
#include "dealtemp/log.h"
#include "dealtemp/storepool.h"

#include "load_mail.h"

#define WARM 200
#define EVICT_BYTES (16 * 1024 * 1024)

enum { P_ANALYZE, P_STORE, P_HEADERS, P_COUNT };
static const char *const phase_name[P_COUNT] = {"analysis", "store", "headers+log"};


static double cpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Every outbound mail a thread of its own (-u). */
static bool unique_subjects;

/* Message i of "session" s, as smtp-load composes it; from/to filled. */
static void compose(int s, int i, time_t now, struct dt_buf *b, char *from, char *to, size_t n)
{
    int pair = i / 2, deal = (s * 7 + pair) % 50, rep = (s + pair) % 5;
    long topic = unique_subjects ? (long)deal * 1000000 + s * 1000 + pair : deal;
    bool reply = i % 2 == 1;
    char date[64];
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
    char head[1024];
    if (!reply) {
        snprintf(from, n, "rep%d@corp.test", rep);
        snprintf(to, n, "buyer%d@customer.example", deal);
        snprintf(head, sizeof(head),
                 "From: Pat Rep%d <%s>\r\nTo: Buyer %d <%s>\r\nSubject: Rollout quote, deal %ld\r\n"
                 "Date: %s\r\nMessage-ID: <bench.%d.%d@corp.test>\r\nMIME-Version: 1.0\r\n"
                 "Content-Type: text/plain; charset=us-ascii\r\n\r\n",
                 rep, from, deal, to, topic, date, s, i);
    } else {
        snprintf(from, n, "buyer%d@customer.example", deal);
        snprintf(to, n, "rep%d@corp.test", rep);
        snprintf(
            head, sizeof(head),
            "From: Buyer %d <%s>\r\nTo: Pat Rep%d <%s>\r\nSubject: Re: Rollout quote, deal %ld\r\n"
            "Date: %s\r\nMessage-ID: <bench.%d.%d@customer.example>\r\n"
            "In-Reply-To: <bench.%d.%d@corp.test>\r\nReferences: <bench.%d.%d@corp.test>\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
            "%s\r\n\r\nOn %s, Pat Rep%d <%s> wrote:\r\n",
            deal, from, rep, to, topic, date, s, i, s, i - 1, s, i - 1, answer[(s + pair) % 3],
            date, rep, to);
    }
    dt_buf_puts(b, head);
    for (int k = 0; b->len < 2048; k++) {
        if (reply)
            dt_buf_puts(b, "> ");
        dt_buf_puts(b, prose[(k + s) % 5]);
        dt_buf_puts(b, "\r\n");
    }
}

int main(int argc, char **argv)
{
    int n = 4000, ch;
    bool evict = false;
    while ((ch = getopt(argc, argv, "n:cu")) != -1) {
        if (ch == 'n')
            n = atoi(optarg);
        else if (ch == 'c')
            evict = true;
        else if (ch == 'u')
            unique_subjects = true;
        else {
            fprintf(stderr, "usage: bench_eom [-n MESSAGES] [-c] [-u]\n");
            return 2;
        }
    }
    char dir[] = "/tmp/dt-bench-eom-XXXXXX", conf[128], text[1024];
    if (mkdtemp(dir) == NULL) {
        perror("bench_eom: mkdtemp");
        return 1;
    }
    snprintf(conf, sizeof(conf), "%s/bench.conf", dir);
    FILE *f = fopen(conf, "w");
    char cwd[1024];
    if (getcwd(cwd, sizeof(cwd)) == NULL) {
        perror("bench_eom: getcwd");
        return 1;
    }
    /* Run from the top of the tree (as make does): the lexicons are its conf/lexicons. */
    snprintf(text, sizeof(text),
             "database = \"%s/bench.db\";\ninternal_domains = [\"corp.test\"];\n"
             "euphoria = { lexicon_dir = \"%.400s/conf/lexicons\"; };\n",
             dir, cwd);
    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) {
        perror("bench_eom: config");
        return 1;
    }
    char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    exe[len > 0 ? len : 0] = '\0';
    struct dt_config *cfg;
    struct dt_storepool *pool;
    struct dt_error err = {{0}};
    if (dt_config_load(conf, exe, &cfg, &err) < 0 || dt_storepool_start(cfg, &pool, &err) < 0) {
        fprintf(stderr, "bench_eom: %s\n", err.msg);
        return 1;
    }
    /* dt_log writes its line to stderr, as the milter in the foreground does. */
    int devnull = open("/dev/null", O_WRONLY);
    int saved_stderr = dup(STDERR_FILENO);
    dup2(devnull, STDERR_FILENO);
    dt_log_open("bench_eom", true, LOG_MAIL);

    char *junk = evict ? malloc(EVICT_BYTES) : NULL;
    double sum[P_COUNT] = {0};
    time_t now = time(NULL);
    for (int m = 0; m < WARM + n; m++) {
        int s = m / 100, i = m % 100;
        char from[64], to[64];
        struct dt_buf raw = DT_BUF_INIT;
        compose(s, i, now, &raw, from, to, sizeof(from));
        if (junk != NULL)
            for (size_t k = 0; k < EVICT_BYTES; k += 64)
                junk[k] = (char)k;
        const char *rcpt = to;
        struct dt_envelope env = {from, &rcpt, 1};
        struct dt_facts facts;
        double t0 = cpu_us();
        if (dt_analyze(cfg, raw.data, raw.len, &env, 0, &facts, &err) < 0) {
            fprintf(stderr, "bench_eom: message %d: %s\n", m, err.msg);
            return 1;
        }
        double t1 = cpu_us();
        struct dt_ingest_rec ir;
        struct dt_ingest_result r;
        memset(&r, 0, sizeof(r));
        enum dt_kept k = DT_KEPT_FAILED;
        if (dt_ingest_prepare(cfg, &facts, now + m, &ir, &err) > 0) {
            k = dt_storepool_keep(pool, cfg, &ir.rec, "BENCH", DT_INGEST_REPLY, &r, &err);
            dt_ingest_rec_free(&ir);
        }
        if (k != DT_KEPT_STORED) {
            dup2(saved_stderr, STDERR_FILENO);
            fprintf(stderr, "bench_eom: message %d not stored: %s\n", m, err.msg);
            return 1;
        }
        double t2 = cpu_us();
        char value[256], lat[160];
        struct dt_buf hv = DT_BUF_INIT;
        if (facts.direction == DT_DIR_OUTBOUND && facts.scored) {
            dt_facts_euphoria_value(&facts, value, sizeof(value));
            dt_header_value(value, 17, 900, &hv);
        }
        dt_header_value(r.thread_id, 14, 900, &hv);
        if (r.reply.c.answered) {
            dt_ingest_latency_value(&r, lat, sizeof(lat));
            dt_header_value(lat, 21, 900, &hv);
        }
        dt_log(LOG_INFO, "%s: %s from=<%s> score=%.2f thread=%s", "BENCH",
               dt_direction_name(facts.direction), facts.sender ? facts.sender : "",
               facts.score.score, r.thread_id);
        dt_buf_free(&hv);
        dt_facts_clear(&facts);
        dt_buf_free(&raw);
        double t3 = cpu_us();
        if (m >= WARM) {
            sum[P_ANALYZE] += t1 - t0;
            sum[P_STORE] += t2 - t1;
            sum[P_HEADERS] += t3 - t2;
        }
    }
    dup2(saved_stderr, STDERR_FILENO);
    double total = 0;
    printf("bench_eom: %d messages of ~2 KB (half customer replies)%s%s, us of CPU per message:", n,
           unique_subjects ? ", a thread each, 50 customers" : "",
           evict ? ", caches evicted before each" : "");
    for (int p = 0; p < P_COUNT; p++) {
        printf(" %s %.1f", phase_name[p], sum[p] / n);
        total += sum[p] / n;
    }
    printf(" = %.1f\n", total);
    free(junk);
    dt_storepool_stop(pool);
    dt_config_unref(cfg);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : 1;
}
