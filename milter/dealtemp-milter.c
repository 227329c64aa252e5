/*
 * dealtemp-milter - the mail filter daemon: options, start-up order,
 * signals.
 *
 *   dealtemp-milter [-c CONF] [-p SOCKET] [-u USER[:GROUP]] [-P PIDFILE] [-f] [-n] [-V] [-h]
 *
 * -c  configuration file (default DT_SYSCONFDIR/dealtemp.conf)
 * -p  listening socket, overriding `socket` (unix:/path, local:/path,
 *     inet:port@host, inet6:port@host, fd:N)
 * -u  run as USER (and GROUP), overriding `user`
 * -P  write the process id to PIDFILE, overriding `pidfile`
 * -f  stay in the foreground and log to stderr; without it the program
 *     detaches and exits 0 only once the daemon serves (1 and the reason
 *     on stderr if it could not)
 * -n  check the configuration (and the user) and exit: 0 if usable, 1 with the reason
 * -V  print the version (also --version)
 * -h  print the help (also --help; anywhere among the arguments, and
 *     nothing else is done)
 * A command line that is not understood: one line and the usage on
 * stderr, exit status 2.
 *
 * Start-up order (clamav-milter's): load the configuration, open the socket
 * while privileged, detach, write the pidfile, drop privileges, serve.
 * Signals: SIGHUP reloads the configuration and lexicons (a broken file is
 * refused with one log line and the running configuration stays), SIGUSR1
 * logs the counters, SIGTERM/SIGINT stop accepting, let messages in flight
 * finish, give queued nudges until NUDGE_STOP_MS after the signal to go out
 * (nudge.h), remove the pidfile and the unix socket and exit 0. The
 * counters are also written to <database>.counters every minute and at exit.
 *
 * libmilter's own signal thread would end smfi_main() on SIGHUP. So
 * smfi_main() runs in a thread of its own, whose threads (libmilter's
 * signal thread included) inherit these signals blocked, while the main
 * thread keeps them unblocked with handlers: Linux delivers a signal sent
 * to the process to its main thread whenever that thread can take it, and
 * the handler (SA_NODEFER, so it never blocks them) only writes the signal
 * number into a pipe that the main thread's loop reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libmilter/mfapi.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "dealtemp/config.h"
#include "dealtemp/daemon.h"
#include "dealtemp/error.h"
#include "dealtemp/log.h"
#include "dealtemp/milter.h"
#include "dealtemp/version.h"

/* How long SIGTERM waits for messages in flight once libmilter stopped. */
#define DRAIN_SECONDS 30
/* How long after SIGTERM queued nudges may still go out (at least NUDGE_LAST_MS after the
 * last message ended) before the rest is cancelled: libmilter alone takes ~4 s to stop. */
#define NUDGE_STOP_MS 5000
#define NUDGE_LAST_MS 1000
#define COUNTERS_EVERY_MS (60 * 1000)

static struct {
    const char *conf;      /* as given */
    const char *exe;       /* for finding the lexicons */
    int startdir;          /* where relative paths in the file are taken from */
    bool detached;         /* cwd is "/": go back to startdir to reload */
    int sigpipe[2];        /* handler -> main loop; a 0 byte: smfi_main returned */
    int notify;            /* to the waiting parent, or -1 */
    const char *unix_path; /* the unix socket we made, to remove at exit */
    const char *pidfile;   /* the pidfile we wrote, or NULL */
    char counters[PATH_MAX + 16];
    long started;
    long stop_ms;         /* CLOCK_MONOTONIC ms of the first SIGTERM/SIGINT */
    bool counters_failed; /* the last write failed (logged once) */
} run = {.startdir = -1, .sigpipe = {-1, -1}, .notify = -1};

static void usage(FILE *out)
{
    fprintf(out, "usage: dealtemp-milter [-c CONF] [-p SOCKET] [-u USER[:GROUP]] [-P PIDFILE] "
                 "[-f] [-n] [-V] [-h]\n");
}

static void help(void)
{
    usage(stdout);
    fputs("\n"
          "The dealtemp mail filter: adds X-Deal-* headers to sales mail and records\n"
          "deal threads. Detaches and logs to syslog unless -f.\n"
          "\n"
          "  -c CONF            the configuration (" DT_SYSCONFDIR "/dealtemp.conf)\n"
          "  -p SOCKET          listen here instead of `socket`: unix:/path,\n"
          "                     inet:PORT@HOST, inet6:PORT@HOST or fd:N\n"
          "  -u USER[:GROUP]    run as USER instead of `user`\n"
          "  -P PIDFILE         write the process id here instead of `pidfile`\n"
          "  -f                 stay in the foreground and log to stderr\n"
          "  -n                 check the configuration and the user, then exit\n"
          "  -V, --version      print the version\n"
          "  -h, --help         this help\n"
          "\n"
          "Exit status: 0 done; 1 it could not start (or -n found a problem);\n"
          "2 the command line was wrong.\n",
          stdout);
}

/* A command line that is not understood: one line and the usage, status 2. */
static int usage_error(const char *before, const char *arg, const char *after)
{
    fprintf(stderr, "dealtemp-milter: %s'%.80s'%s\n", before, arg, after);
    usage(stderr);
    return 2;
}

/* The option getopt just refused, as it was typed. */
static const char *refused(char **argv, char buf[3])
{
    const char *last = argv[optind - 1];
    if (optopt == 0 || strncmp(last, "--", 2) == 0)
        return last;
    buf[0] = '-';
    buf[1] = (char)optopt;
    buf[2] = '\0';
    return buf;
}

/* The running binary's path, for finding lexicons next to it. */
static const char *self_path(const char *argv0)
{
    static char path[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
    if (n <= 0)
        return argv0;
    path[n] = '\0';
    return path;
}

/*
 * A copy of a path that outlives the configuration it came from (a reload
 * frees that); a relative path is taken from the start directory, before
 * detaching moves us to "/".
 */
static const char *keep_path(const char *path, char *buf, size_t size)
{
    char cwd[PATH_MAX];
    if (path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
        snprintf(buf, size, "%s", path);
    else
        snprintf(buf, size, "%s/%s", cwd, path);
    return buf;
}

static void remove_files(void)
{
    if (run.pidfile != NULL && unlink(run.pidfile) < 0 && errno != ENOENT)
        dt_log(LOG_WARNING, "cannot remove %s: %s", run.pidfile, strerror(errno));
    if (run.unix_path != NULL && unlink(run.unix_path) < 0 && errno != ENOENT)
        dt_log(LOG_WARNING, "cannot remove %s: %s", run.unix_path, strerror(errno));
}

/* A start-up failure after the socket exists: say why where it will be seen. */
static int startup_failed(const char *why)
{
    if (run.notify >= 0)
        dt_log(LOG_ERR, "%s", why);
    else
        fprintf(stderr, "dealtemp-milter: %s\n", why);
    dt_daemon_ready(run.notify, why);
    run.notify = -1;
    remove_files();
    return 1;
}

static void write_counters(bool log_line)
{
    struct dt_milter_counters c;
    char text[1024];
    struct dt_error err = {{0}};
    dt_milter_counters(&c);
    if (log_line) {
        dt_milter_counters_format(&c, ' ', text, sizeof(text));
        dt_log(LOG_INFO, "counters: %s", text);
    }
    dt_milter_counters_format(&c, '\n', text, sizeof(text));
    if (dt_daemon_write_counters(run.counters, run.started, (long)time(NULL), text, &err) < 0) {
        if (!run.counters_failed)
            dt_log(LOG_WARNING, "counters: %s (logged once until it works again)", err.msg);
        run.counters_failed = true;
    } else {
        run.counters_failed = false;
    }
}

static void reload(void)
{
    struct dt_config *cfg;
    struct dt_error err = {{0}};
    bool moved = run.detached && run.startdir >= 0 && fchdir(run.startdir) == 0;
    int rc = dt_config_load(run.conf, run.exe, &cfg, &err);
    if (moved && chdir("/") < 0)
        dt_log(LOG_WARNING, "chdir /: %s", strerror(errno));
    if (rc < 0) {
        dt_log(LOG_ERR, "reload refused: %s; keeping the running configuration", err.msg);
        return;
    }
    dt_milter_set_config(cfg);
    dt_log_set_level(cfg->log_level);
    dt_daemon_counters_path(cfg->database, cfg->spool, run.counters, sizeof(run.counters));
    dt_log(LOG_INFO, "reloaded %s (socket, user and pidfile changes need a restart)", run.conf);
    dt_config_unref(cfg);
}

static long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The nudges' share of the way out: what is left of NUDGE_STOP_MS since SIGTERM. */
static void stop_nudges(void)
{
    long left = NUDGE_STOP_MS - (mono_ms() - (run.stop_ms ? run.stop_ms : mono_ms()));
    dt_milter_nudges_stop(left > NUDGE_LAST_MS ? (int)left : NUDGE_LAST_MS);
}

static void on_signal(int sig)
{
    int saved = errno;
    unsigned char c = (unsigned char)sig;
    ssize_t n = write(run.sigpipe[1], &c, 1);
    (void)n; /* a full pipe already holds a wake-up */
    errno = saved;
}

struct serve {
    pthread_t thread;
    int rc;
    struct dt_error err;
};

static void *serve_main(void *arg)
{
    struct serve *s = arg;
    s->rc = dt_milter_serve(&s->err);
    unsigned char done = 0;
    ssize_t n = write(run.sigpipe[1], &done, 1);
    (void)n;
    return NULL;
}

static const int handled[] = {SIGHUP, SIGTERM, SIGINT, SIGUSR1};

/*
 * Start smfi_main() in its thread with the signals blocked there, then take
 * them in this one. Returns 0, or -1 with err set.
 */
static int start_serving(struct serve *s, struct dt_error *err)
{
    sigset_t set, old;
    struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART | SA_NODEFER};
    if (pipe2(run.sigpipe, O_CLOEXEC | O_NONBLOCK) < 0)
        return dt_error_set(err, "pipe: %s", strerror(errno));
    sigemptyset(&sa.sa_mask);
    sigemptyset(&set);
    for (size_t i = 0; i < sizeof(handled) / sizeof(handled[0]); i++) {
        sigaddset(&set, handled[i]);
        sigaction(handled[i], &sa, NULL);
    }
    signal(SIGPIPE, SIG_IGN);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    int rc = pthread_create(&s->thread, NULL, serve_main, s);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0)
        return dt_error_set(err, "cannot start the milter thread: %s", strerror(rc));
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    return 0;
}

/* The main thread's loop: signals, the minute's counters, until smfi_main returns. */
static void main_loop(void)
{
    bool stopping = false;
    for (;;) {
        struct pollfd pfd = {.fd = run.sigpipe[0], .events = POLLIN};
        int r = poll(&pfd, 1, COUNTERS_EVERY_MS);
        if (r == 0)
            write_counters(false);
        unsigned char c;
        while (r > 0 && read(run.sigpipe[0], &c, 1) == 1) {
            switch (c) {
            case 0:
                return;
            case SIGHUP:
                reload();
                break;
            case SIGUSR1:
                write_counters(true);
                break;
            default: /* SIGTERM, SIGINT */
                if (!stopping) {
                    dt_log(LOG_INFO, "stopping on %s: finishing messages in flight",
                           c == SIGINT ? "SIGINT" : "SIGTERM");
                    run.stop_ms = mono_ms();
                }
                stopping = true;
                smfi_stop();
                break;
            }
        }
    }
}

/* libmilter has stopped reading new commands; give messages in flight their end. */
static void drain(void)
{
    for (int i = 0; i < DRAIN_SECONDS * 10 && dt_milter_in_flight() > 0; i++) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (dt_milter_in_flight() > 0)
        dt_log(LOG_WARNING, "%lu message(s) still in flight after %d s; exiting",
               dt_milter_in_flight(), DRAIN_SECONDS);
}

int main(int argc, char **argv)
{
    const char *conf = DT_SYSCONFDIR "/dealtemp.conf", *sock = NULL, *user = NULL, *pidfile = NULL;
    bool foreground = false, check_only = false;
    int ch;
    char opt[3];
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, 'V'}, {NULL, 0, NULL, 0}};

    /* Help wherever it is asked for, before anything is done. */
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            help();
            return fflush(stdout) != 0;
        }
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":c:p:u:P:fnVh", longopts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            conf = optarg;
            break;
        case 'p':
            sock = optarg;
            break;
        case 'u':
            user = optarg;
            break;
        case 'P':
            pidfile = optarg;
            break;
        case 'f':
            foreground = true;
            break;
        case 'n':
            check_only = true;
            break;
        case 'V':
            printf("dealtemp-milter %s\n", DT_VERSION);
            return 0;
        case 'h':
            help();
            return fflush(stdout) != 0;
        case ':':
            return usage_error("option ", refused(argv, opt), " needs a value");
        default:
            return usage_error("unknown option ", refused(argv, opt), "");
        }
    }
    if (optind != argc)
        return usage_error("unexpected argument ", argv[optind], "");

    struct dt_error err = {{0}};
    struct dt_config *cfg;
    run.conf = conf;
    run.exe = self_path(argv[0]);
    if (dt_config_load(conf, run.exe, &cfg, &err) < 0) {
        fprintf(stderr, "dealtemp-milter: %s\n", err.msg);
        return 1;
    }
    struct dt_ids ids;
    if (dt_daemon_resolve_user(user ? user : cfg->user, &ids, &err) < 0) {
        fprintf(stderr, "dealtemp-milter: %s: %s\n", user ? "-u" : "user", err.msg);
        dt_config_unref(cfg);
        return 1;
    }
    if (check_only) {
        struct dt_buf b = DT_BUF_INIT;
        int n = dt_config_lint(cfg, &b);
        for (char *line = b.data, *nl; line != NULL && (nl = strchr(line, '\n')) != NULL;
             line = nl + 1)
            fprintf(stderr, "dealtemp-milter: %.*s\n", (int)(nl - line), line);
        dt_buf_free(&b);
        printf("dealtemp-milter: %s: OK%s\n", conf, n > 0 ? " (with warnings)" : "");
        dt_config_unref(cfg);
        return 0;
    }
    static char sock_buf[PATH_MAX + 16], pid_buf[PATH_MAX + 16];
    snprintf(sock_buf, sizeof(sock_buf), "%s", sock ? sock : cfg->socket);
    sock = sock_buf;
    pidfile = pidfile ? pidfile : cfg->pidfile;
    pidfile = *pidfile ? keep_path(pidfile, pid_buf, sizeof(pid_buf)) : NULL;
    run.startdir = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    run.started = (long)time(NULL);
    dt_daemon_counters_path(cfg->database, cfg->spool, run.counters, sizeof(run.counters));

    dt_log_open("dealtemp-milter", foreground, cfg->log_facility);
    dt_log_set_level(cfg->log_level);
    dt_milter_set_config(cfg);

    char fdspec[32];
    int rc = 1;
    struct serve s = {.rc = 0};
    int fd =
        dt_daemon_listen(sock, cfg->socket_mode, cfg->socket_group, fdspec, sizeof(fdspec), &err);
    dt_config_unref(cfg); /* the milter holds it now */
    if (fd < 0) {
        fprintf(stderr, "dealtemp-milter: %s\n", err.msg);
        goto out;
    }
    run.unix_path = dt_daemon_unix_path(sock);
    if (dt_milter_listen(fdspec, &err) < 0 ||
        (!foreground && dt_daemon_detach(&run.notify, &err) < 0)) {
        rc = startup_failed(err.msg);
        goto out;
    }
    run.detached = !foreground;
    if (pidfile != NULL) {
        if (dt_daemon_write_pidfile(pidfile, &err) < 0) {
            rc = startup_failed(err.msg);
            goto out;
        }
        run.pidfile = pidfile;
    }
    if (dt_daemon_drop_privileges(&ids, &err) < 0) {
        rc = startup_failed(err.msg);
        goto out;
    }
    if (geteuid() == 0)
        dt_log(LOG_WARNING, "running as root: set `user` or -u to a user of its own");
    /* A thread: only now, in the process that serves (threads do not survive the detach). */
    dt_milter_store_start();
    if (dt_milter_nudges_start(&err) < 0 || start_serving(&s, &err) < 0) {
        rc = startup_failed(err.msg);
        goto out;
    }
    dt_log(LOG_INFO, "dealtemp-milter %s starting on %s with %s as uid %ld", DT_VERSION, sock, conf,
           (long)geteuid());
    write_counters(false);
    dt_daemon_ready(run.notify, NULL);
    run.notify = -1;

    main_loop();
    pthread_join(s.thread, NULL);
    drain();
    stop_nudges();
    write_counters(true);
    if (s.rc < 0)
        dt_log(LOG_ERR, "%s", s.err.msg);
    else
        rc = 0;
    remove_files();
    dt_log(LOG_INFO, "dealtemp-milter stopped");
out:
    dt_milter_shutdown();
    if (run.startdir >= 0)
        close(run.startdir);
    dt_log_close();
    return rc;
}
