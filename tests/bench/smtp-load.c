/*
 * smtp-load - many SMTP sessions at once into one server, each message timed
 * (make loadtest: tests/bench/loadtest.sh, tests/integration/run-load.sh).
 *
 *   smtp-load [-s SESSIONS] [-m MESSAGES] [-l BYTES] [-t TAG] [-o FILE] [-u] [-w] HOST PORT
 *
 * SESSIONS threads (20) connect once everyone is ready, say EHLO and send
 * MESSAGES messages each (50), one after the other (MAIL, RCPT, DATA, each
 * waiting for its reply; no pipelining), then QUIT. With -w every session
 * waits after its EHLO until all have said theirs (60 s at most), so that
 * all are open at once when the first MAIL goes. Every message is timed
 * from MAIL FROM to the 250 after its closing dot: the time the server (and
 * a milter, which answers before that 250) took for it. A session's
 * messages alternate: an outbound sales mail from one of five reps at
 * corp.test to one of 50 customers (subject "Rollout quote, deal N"), then
 * that customer's reply to it (In-Reply-To and References name it; the
 * reply quotes it). With -u every pair has a deal of its own (the subject
 * names the session and the pair), so no two sessions share a thread. The
 * messages are about BYTES (2048) long; Message-IDs carry TAG, so two runs
 * never share one.
 *
 * Prints one line:
 *   sent=N failed=F wall_us=W msgs_per_s=R p50_us=.. p90_us=.. p99_us=.. max_us=..
 * (wall: from the first connection to the last reply), and with -o the
 * latency of every message in microseconds, one a line, in FILE. Exit
 * status 0 when every message was accepted, 1 when one was refused or a
 * session failed (the reason on stderr, once per session), 2 for a wrong
 * command line. A reply takes at most 300 s (SO_RCVTIMEO).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "load_mail.h"

#define REPLY_TIMEOUT_S 300
#define DEALS 50
#define REPS 5
#define STACK_BYTES (256 * 1024)

static const char *host, *port, *tag = "load";
static int n_sessions = 20, n_messages = 50;
static size_t msg_bytes = 2048;
static bool unique_deals, wait_all;
/* -w: sessions past their EHLO (or failed before it), and the wait for all. */
static pthread_mutex_t ready_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready_cond = PTHREAD_COND_INITIALIZER;
static int ready;

/* Count this session as ready; with -w wait (60 s at most) until all are. */
static void all_ready(void)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 60;
    pthread_mutex_lock(&ready_lock);
    if (++ready == n_sessions)
        pthread_cond_broadcast(&ready_cond);
    while (wait_all && ready < n_sessions &&
           pthread_cond_timedwait(&ready_cond, &ready_lock, &until) == 0)
        ;
    pthread_mutex_unlock(&ready_lock);
}
static pthread_barrier_t start;
static int64_t t_start;

struct session {
    int id;
    int fd;
    char in[4096];
    size_t in_len, in_pos;
    int64_t *lat; /* n_messages entries, -1 when not sent */
    int sent, failed;
    char why[200];
};

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* One reply (all its lines); its code, or -1 when the connection failed. */
static int reply(struct session *s)
{
    char line[1024];
    size_t len = 0;
    for (;;) {
        if (s->in_pos == s->in_len) {
            ssize_t r = read(s->fd, s->in, sizeof(s->in));
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0) {
                snprintf(s->why, sizeof(s->why), "read: %s", r < 0 ? strerror(errno) : "closed");
                return -1;
            }
            s->in_len = (size_t)r;
            s->in_pos = 0;
        }
        char c = s->in[s->in_pos++];
        if (len < sizeof(line) - 1)
            line[len++] = c;
        if (c != '\n')
            continue;
        line[len] = '\0';
        if (len < 4) {
            snprintf(s->why, sizeof(s->why), "short reply line '%.8s'", line);
            return -1;
        }
        if (line[3] != '-') {
            int code = atoi(line);
            line[strcspn(line, "\r\n")] = '\0';
            if (code / 100 != 2 && code != 354)
                snprintf(s->why, sizeof(s->why), "reply %.160s", line);
            return code;
        }
        len = 0;
    }
}

static int command(struct session *s, const char *text, int want)
{
    if (write_all(s->fd, text, strlen(text)) < 0) {
        snprintf(s->why, sizeof(s->why), "write: %s", strerror(errno));
        return -1;
    }
    int code = reply(s);
    return code == want ? 0 : -1;
}

/* Message i of session s into buf (CRLF, dot-free line starts). */
static size_t compose(struct session *s, int i, char *buf, size_t size, char *from, char *to,
                      size_t addr_size)
{
    int pair = i / 2, deal = (s->id * 7 + pair) % DEALS, rep = (s->id + pair) % REPS;
    bool is_reply = i % 2 == 1;
    char date[64], parent[128];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
    snprintf(parent, sizeof(parent), "<%s.%d.%d@corp.test>", tag, s->id, i - 1);
    char subject[96];
    if (unique_deals)
        snprintf(subject, sizeof(subject), "Rollout quote, deal %d (%s %d.%d)", deal, tag, s->id,
                 pair);
    else
        snprintf(subject, sizeof(subject), "Rollout quote, deal %d", deal);
    size_t n;
    if (!is_reply) {
        snprintf(from, addr_size, "rep%d@corp.test", rep);
        snprintf(to, addr_size, "buyer%d@customer.example", deal);
        n = (size_t)snprintf(buf, size,
                             "From: Pat Rep%d <%s>\r\nTo: Buyer %d <%s>\r\n"
                             "Subject: %s\r\nDate: %s\r\n"
                             "Message-ID: <%s.%d.%d@corp.test>\r\nMIME-Version: 1.0\r\n"
                             "Content-Type: text/plain; charset=us-ascii\r\n\r\n",
                             rep, from, deal, to, subject, date, tag, s->id, i);
    } else {
        snprintf(from, addr_size, "buyer%d@customer.example", deal);
        snprintf(to, addr_size, "rep%d@corp.test", rep);
        n = (size_t)snprintf(buf, size,
                             "From: Buyer %d <%s>\r\nTo: Pat Rep%d <%s>\r\n"
                             "Subject: Re: %s\r\nDate: %s\r\n"
                             "Message-ID: <%s.%d.%d@customer.example>\r\nIn-Reply-To: %s\r\n"
                             "References: %s\r\nMIME-Version: 1.0\r\n"
                             "Content-Type: text/plain; charset=us-ascii\r\n\r\n%s\r\n\r\n"
                             "On %s, Pat Rep%d <%s> wrote:\r\n",
                             deal, from, rep, to, subject, date, tag, s->id, i, parent, parent,
                             answer[(s->id + pair) % 3], date, rep, to);
    }
    for (int k = 0; n + 200 < size && n < msg_bytes; k++) {
        n += (size_t)snprintf(buf + n, size - n, "%s%s\r\n", is_reply ? "> " : "",
                              prose[(k + s->id) % 5]);
    }
    n += (size_t)snprintf(buf + n, size - n, ".\r\n");
    return n;
}

static void *run(void *arg)
{
    struct session *s = arg;
    size_t size = msg_bytes + 4096;
    char *msg = malloc(size);
    pthread_barrier_wait(&start);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai;
    int rc = getaddrinfo(host, port, &hints, &ai);
    if (msg == NULL || rc != 0) {
        snprintf(s->why, sizeof(s->why), "%s", msg ? gai_strerror(rc) : "out of memory");
        free(msg);
        all_ready();
        return NULL;
    }
    s->fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct timeval tv = {REPLY_TIMEOUT_S, 0};
    int on = 1;
    if (s->fd < 0 || connect(s->fd, ai->ai_addr, ai->ai_addrlen) < 0) {
        snprintf(s->why, sizeof(s->why), "connect: %s", strerror(errno));
        freeaddrinfo(ai);
        free(msg);
        all_ready();
        return NULL;
    }
    freeaddrinfo(ai);
    setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    if (reply(s) != 220 || command(s, "EHLO client.test\r\n", 250) < 0) {
        all_ready();
        goto out;
    }
    all_ready();
    for (int i = 0; i < n_messages; i++) {
        char from[64], to[64], cmd[160];
        size_t n = compose(s, i, msg, size, from, to, sizeof(from));
        int64_t t0 = now_us();
        snprintf(cmd, sizeof(cmd), "MAIL FROM:<%s>\r\n", from);
        if (command(s, cmd, 250) < 0)
            goto out;
        snprintf(cmd, sizeof(cmd), "RCPT TO:<%s>\r\n", to);
        if (command(s, cmd, 250) < 0 || command(s, "DATA\r\n", 354) < 0)
            goto out;
        if (write_all(s->fd, msg, n) < 0) {
            snprintf(s->why, sizeof(s->why), "write: %s", strerror(errno));
            goto out;
        }
        if (reply(s) != 250)
            goto out;
        s->lat[i] = now_us() - t0;
        s->sent++;
    }
    command(s, "QUIT\r\n", 221);
    s->why[0] = '\0'; /* a refused QUIT is nothing to report */
out:
    if (s->why[0] != '\0')
        s->failed = 1;
    close(s->fd);
    free(msg);
    return NULL;
}

static int cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The p-th percentile (nearest rank) of n sorted values. */
static int64_t pct(const int64_t *v, size_t n, double p)
{
    if (n == 0)
        return 0;
    size_t k = (size_t)(p / 100.0 * (double)n + 0.999999);
    return v[k == 0 ? 0 : k - 1];
}

static void usage(void)
{
    fprintf(stderr, "usage: smtp-load [-s SESSIONS] [-m MESSAGES] [-l BYTES] [-t TAG] [-o FILE] "
                    "[-u] [-w] HOST PORT\n");
}

int main(int argc, char **argv)
{
    const char *out = NULL;
    int ch;
    while ((ch = getopt(argc, argv, "s:m:l:t:o:uw")) != -1) {
        switch (ch) {
        case 's':
            n_sessions = atoi(optarg);
            break;
        case 'm':
            n_messages = atoi(optarg);
            break;
        case 'l':
            msg_bytes = (size_t)atol(optarg);
            break;
        case 't':
            tag = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case 'u':
            unique_deals = true;
            break;
        case 'w':
            wait_all = true;
            break;
        default:
            usage();
            return 2;
        }
    }
    if (argc - optind != 2 || n_sessions < 1 || n_sessions > 10000 || n_messages < 1 ||
        msg_bytes < 256 || msg_bytes > 1024 * 1024) {
        usage();
        return 2;
    }
    host = argv[optind];
    port = argv[optind + 1];

    struct session *ss = calloc((size_t)n_sessions, sizeof(*ss));
    int64_t *lat = malloc((size_t)n_sessions * (size_t)n_messages * sizeof(*lat));
    pthread_t *th = calloc((size_t)n_sessions, sizeof(*th));
    if (ss == NULL || lat == NULL || th == NULL) {
        fprintf(stderr, "smtp-load: out of memory\n");
        return 1;
    }
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, STACK_BYTES);
    pthread_barrier_init(&start, NULL, (unsigned)n_sessions + 1);
    for (int i = 0; i < n_sessions; i++) {
        ss[i].id = i;
        ss[i].fd = -1;
        ss[i].lat = lat + (size_t)i * (size_t)n_messages;
        if (pthread_create(&th[i], &attr, run, &ss[i]) != 0) {
            fprintf(stderr, "smtp-load: cannot start session %d\n", i);
            return 1;
        }
    }
    pthread_barrier_wait(&start);
    t_start = now_us();
    for (int i = 0; i < n_sessions; i++)
        pthread_join(th[i], NULL);
    int64_t wall = now_us() - t_start;

    size_t n = 0;
    int failed = 0;
    for (int i = 0; i < n_sessions; i++) {
        for (int k = 0; k < ss[i].sent; k++)
            lat[n++] = ss[i].lat[k];
        if (ss[i].failed) {
            failed++;
            fprintf(stderr, "smtp-load: session %d after %d message(s): %s\n", i, ss[i].sent,
                    ss[i].why);
        }
    }
    if (out != NULL) {
        FILE *f = fopen(out, "w");
        if (f == NULL) {
            fprintf(stderr, "smtp-load: %s: %s\n", out, strerror(errno));
            return 1;
        }
        for (size_t i = 0; i < n; i++)
            fprintf(f, "%lld\n", (long long)lat[i]);
        if (fclose(f) != 0) {
            fprintf(stderr, "smtp-load: %s: %s\n", out, strerror(errno));
            return 1;
        }
    }
    qsort(lat, n, sizeof(*lat), cmp64);
    printf("sent=%zu failed=%d wall_us=%lld msgs_per_s=%.1f p50_us=%lld p90_us=%lld "
           "p99_us=%lld max_us=%lld\n",
           n, failed, (long long)wall, wall > 0 ? (double)n * 1e6 / (double)wall : 0.0,
           (long long)pct(lat, n, 50), (long long)pct(lat, n, 90), (long long)pct(lat, n, 99),
           (long long)(n ? lat[n - 1] : 0));
    return failed || n != (size_t)n_sessions * (size_t)n_messages ? 1 : 0;
}
