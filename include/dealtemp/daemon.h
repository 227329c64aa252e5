/*
 * daemon.h - the process side of dealtemp-milter: the listening socket,
 * detaching, the pidfile, dropping privileges, the counters file.
 *
 * The order is clamav-milter's: open the socket while still privileged
 * (under umask 0077; a unix socket then gets socket_mode and
 * socket_group), detach, write the pidfile, drop privileges, serve.
 * Every function returns 0 or -1 with a one-line reason in err; none logs.
 */
#ifndef DEALTEMP_DAEMON_H
#define DEALTEMP_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "dealtemp/buf.h"
#include "dealtemp/error.h"

/* Who to become: resolved from "USER" or "USER:GROUP" at start. */
struct dt_ids {
    bool set; /* false: stay who we are */
    uid_t uid;
    gid_t gid;
    char name[64]; /* for initgroups() */
};

/* Resolve spec ("" -> ids->set false). Unknown user or group: -1. */
int dt_daemon_resolve_user(const char *spec, struct dt_ids *ids, struct dt_error *err);

/*
 * Open a listening socket for spec (unix:/path, local:/path,
 * inet:PORT@HOST, inet6:PORT@HOST; fd:N is taken as it is). A unix
 * socket file that exists is removed only when it is a socket and
 * nobody accepts on it; it is created under umask 0077, then chmod'ed to
 * mode and, if group is not "", chown'ed to that group. Inet sockets get
 * SO_REUSEADDR and TCP_NODELAY (inherited by accepted connections, so no
 * Nagle stall between the MTA's small packets). Writes "fd:N" for
 * libmilter into fdspec. Returns the descriptor, or -1.
 */
int dt_daemon_listen(const char *spec, unsigned mode, const char *group, char *fdspec, size_t size,
                     struct dt_error *err);

/* The path of a unix socket spec, or NULL for any other kind. */
const char *dt_daemon_unix_path(const char *spec);

/*
 * Fork and detach (setsid, chdir /, stdio to /dev/null). Returns in the
 * child only, with *notify the descriptor dt_daemon_ready() reports on;
 * the parent waits for that report and exits 0 when the child serves, 1
 * (printing the child's reason on stderr) when it did not.
 */
int dt_daemon_detach(int *notify, struct dt_error *err);

/* Tell the waiting parent: why == NULL ready, else the reason it failed. Closes notify. */
void dt_daemon_ready(int notify, const char *why);

/* Write "PID\n" to path (not through a symlink). */
int dt_daemon_write_pidfile(const char *path, struct dt_error *err);

/*
 * Become ids (initgroups, setgid, setuid) and check it took: real and
 * effective ids as asked and, when leaving root, no way back to it.
 */
int dt_daemon_drop_privileges(const struct dt_ids *ids, struct dt_error *err);

/*
 * "<database>.counters" into buf[size]; for a PostgreSQL database, which
 * is no file, "<spool>.counters" (store.spool: a local path).
 */
void dt_daemon_counters_path(const char *database, const char *spool, char *buf, size_t size);

/*
 * Replace path with pid, started and updated times (UTC, ISO 8601) and
 * the "key=value" lines of body (newline-separated), atomically (a
 * temporary file renamed over it).
 */
int dt_daemon_write_counters(const char *path, long started, long now, const char *body,
                             struct dt_error *err);

/*
 * Read the counters file of the milter using database. Returns 1 and the
 * file's "key=value" lines in out when it exists and its pid is a running
 * dealtemp-milter, 0 when the milter does not run (no file, or a dead pid),
 * -1 when the file cannot be read.
 */
int dt_daemon_read_counters(const char *database, const char *spool, struct dt_buf *out,
                            struct dt_error *err);

#endif
