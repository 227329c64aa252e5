/*
 * dealtemp-milter - the mail filter daemon: argument parsing and wiring.
 *
 *   dealtemp-milter [-c CONF] [-p SOCKET] [-f] [-n] [-V]
 *
 * -c  configuration file (default DT_SYSCONFDIR/dealtemp.conf)
 * -p  listening socket, overriding `socket` (unix:/path, local:/path,
 *     inet:port@host, inet6:port@host)
 * -f  stay in the foreground and log to stderr
 * -n  check the configuration and exit: 0 if usable, 1 with the reason
 * -V  print the version
 *
 * Exit status: 0 after a clean stop, 1 on a configuration or socket error
 * (one line on stderr or in syslog saying which file, line or socket).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "dealtemp/config.h"
#include "dealtemp/dealtemp.h"
#include "dealtemp/log.h"
#include "dealtemp/milter.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: dealtemp-milter [-c CONF] [-p SOCKET] [-f] [-n] [-V]\n");
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

/* Detach from the terminal: fork, new session, stdio to /dev/null. */
static int daemonize(struct dt_error *err)
{
    pid_t pid = fork();
    if (pid < 0)
        return dt_error_set(err, "fork: %s", strerror(errno));
    if (pid > 0)
        _exit(0);
    if (setsid() < 0)
        return dt_error_set(err, "setsid: %s", strerror(errno));
    if (chdir("/") < 0)
        return dt_error_set(err, "chdir /: %s", strerror(errno));
    int fd = open("/dev/null", O_RDWR);
    if (fd < 0)
        return dt_error_set(err, "/dev/null: %s", strerror(errno));
    dup2(fd, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    if (fd > 2)
        close(fd);
    return 0;
}

int main(int argc, char **argv)
{
    const char *conf = DT_SYSCONFDIR "/dealtemp.conf", *sock = NULL;
    bool foreground = false, check_only = false;
    int ch;

    while ((ch = getopt(argc, argv, "c:p:fnVh")) != -1) {
        switch (ch) {
        case 'c':
            conf = optarg;
            break;
        case 'p':
            sock = optarg;
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
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 1;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 1;
    }

    struct dt_error err = {{0}};
    struct dt_config *cfg;
    if (dt_config_load(conf, self_path(argv[0]), &cfg, &err) < 0) {
        fprintf(stderr, "dealtemp-milter: %s\n", err.msg);
        return 1;
    }
    if (check_only) {
        printf("dealtemp-milter: %s: OK\n", conf);
        dt_config_unref(cfg);
        return 0;
    }
    if (sock == NULL)
        sock = cfg->socket;

    dt_log_open("dealtemp-milter", foreground, cfg->log_facility);
    dt_log_set_level(cfg->log_level);
    dt_milter_set_config(cfg);
    int rc = 1;
    if (dt_milter_listen(sock, &err) < 0 || (!foreground && daemonize(&err) < 0)) {
        if (foreground)
            dt_log(LOG_ERR, "%s", err.msg);
        else
            fprintf(stderr, "dealtemp-milter: %s\n", err.msg);
        goto out;
    }
    dt_log(LOG_INFO, "dealtemp-milter %s starting on %s with %s", DT_VERSION, sock, conf);
    if (dt_milter_serve(&err) < 0)
        dt_log(LOG_ERR, "%s", err.msg);
    else
        rc = 0;
    dt_log(LOG_INFO, "dealtemp-milter stopped");
out:
    dt_milter_shutdown();
    dt_config_unref(cfg);
    dt_log_close();
    return rc;
}
