/*
 * digest_send.c - hand one rendered digest to the mail system (digest.h).
 *
 * Public: dt_digest_send(), dt_digest_send_cancel().
 *
 * Two ways out. By default the message is piped to digest.sendmail
 * ("/usr/sbin/sendmail -t -i"): the command is split on blanks and run
 * without a shell; the recipient is added as its last argument only when
 * the command has no separate "-t" word (it would have no recipient
 * otherwise). With digest.smtp ("host:port") the message goes by SMTP
 * through libetpan's client: EHLO (HELO if refused), MAIL FROM digest.from,
 * RCPT TO, DATA, QUIT.
 *
 * Failure: -1 with one line naming the cause - the command that cannot be
 * run, its exit status (with the sysexits name) or signal and the first
 * line it printed, or the SMTP step with the server's reply. Every wait is
 * bounded (SENDMAIL_TIMEOUT, SMTP_TIMEOUT); a sendmail that hangs is
 * killed with its process group. SIGPIPE is blocked in the calling thread while writing, so a
 * command or server that goes away early is an error, not the end of the
 * process.
 *
 * The command inherits no descriptor but its stdin, stdout and stderr:
 * inside the milter (nudges) a leaked MTA connection or listening socket
 * would outlive a slow command. A caller that must stop early (the milter
 * shutting down) passes a cancel flag: a running command is then killed
 * within REAP_EVERY_MS; SMTP looks at the flag only before it connects,
 * each of its steps being bounded by SMTP_TIMEOUT anyway.
 */
#include "dealtemp/digest.h"

#include <errno.h>
#include <fcntl.h>
#include <libetpan/libetpan.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_SENDMAIL "/usr/sbin/sendmail -t -i"
#define SENDMAIL_TIMEOUT 60 /* seconds for a whole sendmail run */
#define SMTP_TIMEOUT 30     /* seconds for the connect, and for each SMTP read or write */
#define MAX_ARGS 32         /* words in digest.sendmail */
#define OUTPUT_KEEP 512     /* bytes of the command's output kept for the error */
#define REAP_EVERY_MS 100   /* how often a running command is checked for exit (and cancel) */
#define FD_SWEEP_MAX 4096   /* descriptors marked close-on-exec one by one without close_range */

/* Blocking SIGPIPE for the duration of a write, then discarding the one we caused. */
struct sigpipe_guard {
    sigset_t old;
    bool was_pending;
};

static void sigpipe_block(struct sigpipe_guard *g)
{
    sigset_t set, pending;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    sigpending(&pending);
    g->was_pending = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &set, &g->old);
}

static void sigpipe_restore(struct sigpipe_guard *g)
{
    sigset_t set, pending;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    sigpending(&pending);
    /* A SIGPIPE pending now and not before is ours: consume it before unblocking. */
    if (!g->was_pending && sigismember(&pending, SIGPIPE) == 1) {
        struct timespec zero = {0, 0};
        while (sigtimedwait(&set, NULL, &zero) < 0 && errno == EINTR)
            ;
    }
    pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

/*
 * An address that can go on a command line or into an SMTP command: no
 * blanks, controls or angle brackets (they would end the command or start
 * another), and no leading '-' (sendmail would take it for an option).
 */
static bool address_ok(const char *a)
{
    size_t n = strlen(a);
    if (n == 0 || n > 320 || a[0] == '-')
        return false;
    for (; *a; a++) {
        unsigned char c = (unsigned char)*a;
        if (c <= ' ' || c == 0x7f || c == '<' || c == '>')
            return false;
    }
    return true;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The first non-blank line of what a command printed, trimmed (NUL-terminated in place). */
static const char *first_line(char *out, size_t n)
{
    out[n] = '\0';
    char *s = out;
    while (*s == '\n' || *s == '\r' || *s == ' ' || *s == '\t')
        s++;
    s[strcspn(s, "\r\n")] = '\0';
    size_t len = strlen(s);
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        s[--len] = '\0';
    return s;
}

static const char *sysexit_name(int code)
{
    switch (code) {
    case EX_USAGE:
        return "usage error";
    case EX_DATAERR:
        return "data format error";
    case EX_NOINPUT:
        return "cannot open input";
    case EX_NOUSER:
        return "addressee unknown";
    case EX_NOHOST:
        return "host name unknown";
    case EX_UNAVAILABLE:
        return "service unavailable";
    case EX_SOFTWARE:
        return "internal software error";
    case EX_OSERR:
        return "system error";
    case EX_OSFILE:
        return "critical OS file missing";
    case EX_CANTCREAT:
        return "cannot create output file";
    case EX_IOERR:
        return "input/output error";
    case EX_TEMPFAIL:
        return "temporary failure";
    case EX_PROTOCOL:
        return "remote error in protocol";
    case EX_NOPERM:
        return "permission denied";
    case EX_CONFIG:
        return "configuration error";
    default:
        return NULL;
    }
}

/*
 * In the child, between fork and exec: only async-signal-safe calls. The
 * pipe ends are first moved above 2 so that wiring one to stdin, stdout or
 * stderr cannot close another; all are close-on-exec. An exec failure is
 * reported through ex as the errno value.
 */
static void child_exec(int in, int out, int ex, char *const argv[])
{
    int e;
    int ex2 = fcntl(ex, F_DUPFD_CLOEXEC, 3);
    if (ex2 < 0) {
        e = errno;
        (void)!write(ex, &e, sizeof(e));
        _exit(127);
    }
    int in2 = fcntl(in, F_DUPFD_CLOEXEC, 3);
    int out2 = fcntl(out, F_DUPFD_CLOEXEC, 3);
    if (in2 < 0 || out2 < 0 || dup2(in2, 0) < 0 || dup2(out2, 1) < 0 || dup2(out2, 2) < 0)
        goto fail;
    setpgid(0, 0); /* its own group, so a timeout kills whatever it started too */
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGPIPE, &sa, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* Nothing of ours past stderr reaches the command (ex2 is close-on-exec already). */
    if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
        for (int fd = 3; fd < FD_SWEEP_MAX; fd++)
            fcntl(fd, F_SETFD, FD_CLOEXEC); /* a kernel before 5.11 */
    if (strchr(argv[0], '/') != NULL)
        execv(argv[0], argv);
    else
        execvp(argv[0], argv);
fail:
    e = errno;
    (void)!write(ex2, &e, sizeof(e));
    _exit(127);
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* What happened to one run of the command. */
struct run {
    size_t written;  /* bytes of the message the command took */
    int write_errno; /* why the rest was not written (EPIPE: it went away) */
    bool timed_out;  /* killed after SENDMAIL_TIMEOUT */
    bool cancelled;  /* killed because the caller's cancel flag was set */
    int status;      /* from waitpid */
    char out[OUTPUT_KEEP + 1];
    size_t out_len;
};

static void keep_output(struct run *r, int *fd)
{
    char tmp[4096];
    for (;;) {
        ssize_t k = read(*fd, tmp, sizeof(tmp));
        if (k > 0) {
            size_t room = OUTPUT_KEEP - r->out_len, take = (size_t)k < room ? (size_t)k : room;
            memcpy(r->out + r->out_len, tmp, take);
            r->out_len += take;
            continue;
        }
        if (k < 0 && errno == EINTR)
            continue;
        if (k == 0 || errno != EAGAIN)
            close_fd(fd);
        return;
    }
}

/*
 * Feed msg to the child on wfd while collecting its output from rfd, until
 * it exits or the time is up. The exit is checked every REAP_EVERY_MS too:
 * a grandchild may keep the pipes open after the command itself is done.
 */
static bool cancelled(const atomic_bool *cancel)
{
    return cancel != NULL && atomic_load(cancel);
}

static void feed_and_wait(pid_t pid, int wfd, int rfd, const char *msg, size_t len,
                          const atomic_bool *cancel, struct run *r)
{
    long deadline = now_ms() + SENDMAIL_TIMEOUT * 1000L;
    fcntl(wfd, F_SETFL, O_NONBLOCK);
    fcntl(rfd, F_SETFL, O_NONBLOCK);
    if (len == 0)
        close_fd(&wfd);
    for (;;) {
        pid_t w = waitpid(pid, &r->status, WNOHANG);
        if (w == pid)
            break;
        long left = deadline - now_ms();
        r->cancelled = cancelled(cancel);
        if (left <= 0 || r->cancelled) {
            r->timed_out = !r->cancelled;
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            while (waitpid(pid, &r->status, 0) < 0 && errno == EINTR)
                ;
            break;
        }
        struct pollfd p[2];
        nfds_t n = 0;
        if (wfd >= 0)
            p[n++] = (struct pollfd){.fd = wfd, .events = POLLOUT};
        if (rfd >= 0)
            p[n++] = (struct pollfd){.fd = rfd, .events = POLLIN};
        if (poll(p, n, (int)(left < REAP_EVERY_MS ? left : REAP_EVERY_MS)) < 0)
            continue; /* EINTR; the loop re-checks the child and the clock */
        for (nfds_t i = 0; i < n; i++) {
            if (p[i].revents == 0)
                continue;
            if (p[i].fd == rfd) {
                keep_output(r, &rfd);
                continue;
            }
            size_t chunk = len - r->written < 65536 ? len - r->written : 65536;
            ssize_t k = write(wfd, msg + r->written, chunk);
            if (k > 0)
                r->written += (size_t)k;
            else if (k < 0 && errno != EAGAIN && errno != EINTR) {
                r->write_errno = errno;
                close_fd(&wfd);
            }
            if (r->written == len)
                close_fd(&wfd); /* end of the message for the command */
        }
    }
    if (rfd >= 0)
        keep_output(r, &rfd); /* what it printed before exiting */
    close_fd(&wfd);
    close_fd(&rfd);
}

static int run_failed(const struct run *r, size_t len, struct dt_error *err)
{
    char out[OUTPUT_KEEP + 1];
    memcpy(out, r->out, r->out_len);
    const char *line = first_line(out, r->out_len);
    const char *sep = *line ? ": " : "";
    if (r->timed_out)
        return dt_error_set(err, "sendmail timed out after %d s (killed)%s%s", SENDMAIL_TIMEOUT,
                            sep, line);
    if (r->cancelled)
        return dt_error_set(err, "sendmail cancelled (killed)%s%s", sep, line);
    if (WIFSIGNALED(r->status))
        return dt_error_set(err, "sendmail killed by signal %d%s%s", WTERMSIG(r->status), sep,
                            line);
    if (WIFEXITED(r->status) && WEXITSTATUS(r->status) != 0) {
        const char *name = sysexit_name(WEXITSTATUS(r->status));
        return dt_error_set(err, "sendmail exited %d%s%s%s%s%s", WEXITSTATUS(r->status),
                            name ? " (" : "", name ? name : "", name ? ")" : "", sep, line);
    }
    if (r->written < len)
        return dt_error_set(
            err,
            "sendmail exited without reading the whole message (%zu of %zu "
            "bytes taken%s%s)%s%s",
            r->written, len, r->write_errno && r->write_errno != EPIPE ? ": " : "",
            r->write_errno && r->write_errno != EPIPE ? strerror(r->write_errno) : "", sep, line);
    return 0;
}

static int send_sendmail(const struct dt_config *cfg, const char *rcpt, const char *msg, size_t len,
                         const atomic_bool *cancel, struct dt_error *err)
{
    char *copy = strdup(cfg->digest_sendmail ? cfg->digest_sendmail : DEFAULT_SENDMAIL);
    if (copy == NULL)
        return dt_error_set(err, "out of memory");
    char *argv[MAX_ARGS + 4], *save = NULL;
    size_t argc = 0;
    bool has_t = false, has_f = false;
    for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        if (argc == MAX_ARGS) {
            free(copy);
            return dt_error_set(err, "digest.sendmail: more than %d words", MAX_ARGS);
        }
        has_t |= strcmp(w, "-t") == 0;
        has_f |= strncmp(w, "-f", 2) == 0;
        argv[argc++] = w;
    }
    if (argc == 0) {
        free(copy);
        return dt_error_set(err, "digest.sendmail is empty");
    }
    /* Bounces of a digest belong to digest.from, not to whoever runs the timer. */
    if (!has_f && cfg->digest_from != NULL) {
        argv[argc++] = "-f";
        argv[argc++] = cfg->digest_from;
    }
    if (!has_t)
        argv[argc++] = (char *)rcpt;
    argv[argc] = NULL;

    int in[2], out[2], ex[2];
    if (pipe2(in, O_CLOEXEC) < 0) {
        free(copy);
        return dt_error_set(err, "pipe: %s", strerror(errno));
    }
    if (pipe2(out, O_CLOEXEC) < 0) {
        int e = errno;
        close(in[0]), close(in[1]), free(copy);
        return dt_error_set(err, "pipe: %s", strerror(e));
    }
    if (pipe2(ex, O_CLOEXEC) < 0) {
        int e = errno;
        close(in[0]), close(in[1]), close(out[0]), close(out[1]), free(copy);
        return dt_error_set(err, "pipe: %s", strerror(e));
    }
    struct sigpipe_guard guard;
    sigpipe_block(&guard);
    pid_t pid = fork();
    if (pid == 0)
        child_exec(in[0], out[1], ex[1], argv);
    int fork_errno = errno;
    close(in[0]), close(out[1]), close(ex[1]);
    int rc = 0;
    if (pid < 0) {
        rc = dt_error_set(err, "fork: %s", strerror(fork_errno));
        close(in[1]), close(out[0]), close(ex[0]);
        goto done;
    }
    /* EOF here means the exec succeeded (close-on-exec); otherwise the child's errno. */
    int exec_errno = 0;
    ssize_t k;
    while ((k = read(ex[0], &exec_errno, sizeof(exec_errno))) < 0 && errno == EINTR)
        ;
    close(ex[0]);
    if (k == (ssize_t)sizeof(exec_errno)) {
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        close(in[1]), close(out[0]);
        rc = dt_error_set(err, "%s: %s", argv[0], strerror(exec_errno));
        goto done;
    }
    struct run r;
    memset(&r, 0, sizeof(r));
    feed_and_wait(pid, in[1], out[0], msg, len, cancel, &r);
    rc = run_failed(&r, len, err);
done:
    sigpipe_restore(&guard);
    free(copy);
    return rc;
}

/* ---- SMTP ---- */

/* "host:port" or "[v6addr]:port" -> host and port; false if malformed. */
static bool split_hostport(const char *spec, char *host, size_t hn, char *port, size_t pn)
{
    const char *colon = strrchr(spec, ':'), *h = spec;
    if (colon == NULL)
        return false;
    size_t hl = (size_t)(colon - spec);
    if (spec[0] == '[') {
        if (hl < 3 || spec[hl - 1] != ']')
            return false;
        h = spec + 1, hl -= 2;
    } else if (memchr(spec, ':', hl) != NULL) {
        return false; /* an IPv6 address needs brackets */
    }
    const char *p = colon + 1;
    size_t pl = strlen(p);
    if (hl == 0 || hl >= hn || pl == 0 || pl >= pn || strspn(p, "0123456789") != pl)
        return false;
    long v = strtol(p, NULL, 10);
    if (v < 1 || v > 65535)
        return false;
    memcpy(host, h, hl);
    host[hl] = '\0';
    memcpy(port, p, pl + 1);
    return true;
}

/* strerror with a lower-case first letter, to read as part of a sentence. */
static void errno_text(int e, char *buf, size_t n)
{
    snprintf(buf, n, "%s", strerror(e));
    if (buf[0] >= 'A' && buf[0] <= 'Z' && buf[1] >= 'a' && buf[1] <= 'z')
        buf[0] = (char)(buf[0] - 'A' + 'a');
}

/* A connected, blocking socket to host:port within SMTP_TIMEOUT, or -1 with err set. */
static int tcp_connect(const char *spec, const char *host, const char *port, struct dt_error *err)
{
    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    int g = getaddrinfo(host, port, &hints, &res);
    if (g != 0)
        return dt_error_set(err, "smtp %s: %s: %s", spec, host, gai_strerror(g));
    long deadline = now_ms() + SMTP_TIMEOUT * 1000L;
    int fd = -1, last = ECONNREFUSED;
    for (struct addrinfo *a = res; a != NULL && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
        if (fd < 0) {
            last = errno;
            continue;
        }
        int e = 0;
        if (connect(fd, a->ai_addr, a->ai_addrlen) < 0) {
            e = errno;
            while (e == EINPROGRESS || e == EINTR) {
                long left = deadline - now_ms();
                struct pollfd p = {.fd = fd, .events = POLLOUT};
                int pr = left > 0 ? poll(&p, 1, (int)left) : 0;
                if (pr < 0 && errno == EINTR)
                    continue;
                socklen_t el = sizeof(e);
                if (pr == 0)
                    e = ETIMEDOUT;
                else if (pr < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0)
                    e = errno;
            }
        }
        if (e != 0) {
            last = e;
            close_fd(&fd);
        }
    }
    freeaddrinfo(res);
    if (fd < 0) {
        char why[128];
        errno_text(last, why, sizeof(why));
        return dt_error_set(err, "smtp %s: %s", spec, why);
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}

/* "smtp H:P: STEP: 550 5.1.1 no such user" - the server's own words where there are some. */
static int smtp_failed(struct dt_error *err, const char *spec, const char *step,
                       const char *step_arg, mailsmtp *s, int r)
{
    if (r != MAILSMTP_ERROR_STREAM && s->response_code > 0 && s->response != NULL) {
        size_t n = strcspn(s->response, "\r\n");
        return dt_error_set(err, "smtp %s: %s%s: %d %.*s", spec, step, step_arg, s->response_code,
                            (int)n, s->response);
    }
    if (r == MAILSMTP_ERROR_STREAM)
        return dt_error_set(err, "smtp %s: %s%s: no reply (connection closed or timed out)", spec,
                            step, step_arg);
    return dt_error_set(err, "smtp %s: %s%s: %s", spec, step, step_arg, mailsmtp_strerror(r));
}

static int send_smtp(const struct dt_config *cfg, const char *rcpt, const char *msg, size_t len,
                     struct dt_error *err)
{
    const char *spec = cfg->digest_smtp;
    char host[256], port[8], arg[400];
    if (!split_hostport(spec, host, sizeof(host), port, sizeof(port)))
        return dt_error_set(err, "smtp %s: not host:port", spec);
    const char *from = cfg->digest_from;
    if (from == NULL || !address_ok(from))
        return dt_error_set(err, "smtp %s: digest.from '%s' is not a usable sender", spec,
                            from ? from : "");
    mailsmtp *s = mailsmtp_new(0, NULL);
    if (s == NULL)
        return dt_error_set(err, "out of memory");
    mailsmtp_set_timeout(s, SMTP_TIMEOUT);
    struct sigpipe_guard guard;
    sigpipe_block(&guard);
    int rc = -1, r;
    int fd = tcp_connect(spec, host, port, err);
    if (fd < 0)
        goto done;
    mailstream *stream = mailstream_socket_open_timeout(fd, SMTP_TIMEOUT);
    if (stream == NULL) {
        close(fd);
        dt_error_set(err, "out of memory");
        goto done;
    }
    /* Takes the stream, and closes it itself when the greeting is not 220. */
    if ((r = mailsmtp_connect(s, stream)) != MAILSMTP_NO_ERROR) {
        smtp_failed(err, spec, "greeting", "", s, r);
        goto done;
    }
    r = mailesmtp_ehlo(s);
    if (r != MAILSMTP_NO_ERROR && r != MAILSMTP_ERROR_STREAM && r != MAILSMTP_ERROR_HOSTNAME)
        r = mailsmtp_helo(s); /* an old server without ESMTP */
    if (r != MAILSMTP_NO_ERROR) {
        smtp_failed(err, spec, "EHLO", "", s, r);
        goto done;
    }
    snprintf(arg, sizeof(arg), " <%s>", from);
    if ((r = mailsmtp_mail(s, from)) != MAILSMTP_NO_ERROR) {
        smtp_failed(err, spec, "MAIL FROM", arg, s, r);
        goto done;
    }
    snprintf(arg, sizeof(arg), " <%s>", rcpt);
    if ((r = mailsmtp_rcpt(s, rcpt)) != MAILSMTP_NO_ERROR) {
        smtp_failed(err, spec, "RCPT TO", arg, s, r);
        goto done;
    }
    if ((r = mailsmtp_data(s)) != MAILSMTP_NO_ERROR) {
        smtp_failed(err, spec, "DATA", "", s, r);
        goto done;
    }
    /* libetpan ends the data with CRLF . CRLF itself: drop the message's last line end so
       the server receives the message exactly, not with an extra empty line. */
    size_t n = len;
    if (n >= 2 && msg[n - 2] == '\r' && msg[n - 1] == '\n')
        n -= 2;
    else if (n >= 1 && msg[n - 1] == '\n')
        n -= 1;
    if ((r = mailsmtp_data_message(s, msg, n)) != MAILSMTP_NO_ERROR) {
        smtp_failed(err, spec, "end of data", "", s, r);
        goto done;
    }
    mailsmtp_quit(s); /* delivered; a lost QUIT reply changes nothing */
    rc = 0;
done:
    mailsmtp_free(s); /* sends QUIT and closes if still connected */
    sigpipe_restore(&guard);
    return rc;
}

int dt_digest_send_cancel(const struct dt_config *cfg, const char *rcpt, const char *msg,
                          size_t len, const atomic_bool *cancel, struct dt_error *err)
{
    if (rcpt == NULL || !address_ok(rcpt))
        return dt_error_set(err, "bad recipient address '%s'", rcpt ? rcpt : "");
    if (cancelled(cancel))
        return dt_error_set(err, "cancelled before sending");
    if (cfg->digest_smtp != NULL && cfg->digest_smtp[0] != '\0')
        return send_smtp(cfg, rcpt, msg, len, err);
    return send_sendmail(cfg, rcpt, msg, len, cancel, err);
}

int dt_digest_send(const struct dt_config *cfg, const char *rcpt, const char *msg, size_t len,
                   struct dt_error *err)
{
    return dt_digest_send_cancel(cfg, rcpt, msg, len, NULL, err);
}
