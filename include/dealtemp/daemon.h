/*
 * daemon.h - the process side of dealtemp-milter: the listening socket,
 * detaching, the pidfile, dropping privileges, the counters file.
 *
 * The order is clamav-milter's: open the socket while still privileged
 * (a unix socket born with socket_mode, then given socket_group before it
 * listens), detach, write the pidfile, drop privileges, serve.
 * Every function returns 0 or -1 with a one-line reason in err; none logs.
 *
 * Files are never written, chmod'ed or chown'ed through a path someone
 * else could have swapped for a symlink: the directories of the socket,
 * the pidfile and the counters file may be writable by the user the
 * daemon becomes, and root acts on them first. A symlink found at any of
 * these paths is refused (or, for the counters file, replaced), never
 * followed.
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
 * nobody accepts on it; the new one is born with mode (fchmod before
 * bind, and a umask that leaves exactly mode) and, if group is not "",
 * given that group through an O_PATH | O_NOFOLLOW descriptor before it
 * listens; if path no longer holds the socket just bound (a symlink or
 * another file swapped in), that is an error and nothing at path is
 * touched. Nothing is ever chmod'ed or chown'ed by path. Inet sockets get
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

/*
 * Write "PID\n" to a new file at path (O_CREAT | O_EXCL | O_NOFOLLOW). A
 * file already there is removed first only when it is a regular file
 * whose pid is not a running dealtemp-milter (a stale one); a live one, a
 * symlink or anything else at path is refused.
 */
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
 * the "key=value" lines of body (newline-separated), atomically: a
 * temporary file of a fresh name beside it (mkstemp: never through a
 * planted symlink), mode 0644, renamed over it (a symlink at path is
 * replaced, not followed).
 */
int dt_daemon_write_counters(const char *path, long started, long now, const char *body,
                             struct dt_error *err);

/*
 * Read the counters file of the milter using database. Returns 1 and the
 * file's "key=value" lines in out when it exists and its pid is a running
 * dealtemp-milter, 0 when the milter does not run (no file, or a dead pid),
 * -1 when the file cannot be read or is not a regular file (a symlink is
 * not followed).
 */
int dt_daemon_read_counters(const char *database, const char *spool, struct dt_buf *out,
                            struct dt_error *err);

#endif
