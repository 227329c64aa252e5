/*
 * daemon.c - the process side of dealtemp-milter (see daemon.h): the
 * listening socket, detaching, the pidfile, privileges, counters file.
 *
 * Public: dt_daemon_resolve_user(), dt_daemon_listen(),
 * dt_daemon_unix_path(), dt_daemon_detach(), dt_daemon_ready(),
 * dt_daemon_write_pidfile(), dt_daemon_drop_privileges(),
 * dt_daemon_counters_path(), dt_daemon_write_counters(),
 * dt_daemon_read_counters().
 *
 * The socket is opened here rather than by libmilter so that inet sockets
 * get TCP_NODELAY (libmilter sets no socket options) and a unix socket is
 * removed only when it is stale; libmilter is handed the result as "fd:N".
 *
 * The hostile party is whoever can write the directories of the socket,
 * the pidfile and the counters file (often the user the daemon becomes):
 * nothing is chmod'ed, chown'ed or written by a path they could have
 * pointed elsewhere with a symlink (see daemon.h).
 *
 * Failure: -1 with a one-line reason naming the socket, file, user or
 * group; nothing is logged here. Whatever was half made (a socket file,
 * a descriptor) is undone before returning -1, except a file that is no
 * longer ours.
 */
#include "dealtemp/daemon.h"
#include "dealtemp/store.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static bool all_digits(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

static int find_group(const char *name, gid_t *gid, struct dt_error *err)
{
    struct group *gr = getgrnam(name);
    if (gr == NULL && all_digits(name))
        gr = getgrgid((gid_t)strtoul(name, NULL, 10));
    if (gr == NULL)
        return dt_error_set(err, "unknown group '%.64s'", name);
    *gid = gr->gr_gid;
    return 0;
}

int dt_daemon_resolve_user(const char *spec, struct dt_ids *ids, struct dt_error *err)
{
    *ids = (struct dt_ids){.set = false};
    if (spec == NULL || *spec == '\0')
        return 0;
    char user[64];
    const char *colon = strchr(spec, ':');
    size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
    if (n == 0 || n >= sizeof(user) || (colon && colon[1] == '\0'))
        return dt_error_set(err, "'%.80s' is not USER or USER:GROUP", spec);
    memcpy(user, spec, n);
    user[n] = '\0';
    struct passwd *pw = getpwnam(user);
    if (pw == NULL && all_digits(user))
        pw = getpwuid((uid_t)strtoul(user, NULL, 10));
    if (pw == NULL)
        return dt_error_set(err, "unknown user '%s'", user);
    ids->uid = pw->pw_uid;
    ids->gid = pw->pw_gid;
    snprintf(ids->name, sizeof(ids->name), "%s", pw->pw_name);
    if (colon && find_group(colon + 1, &ids->gid, err) < 0)
        return -1;
    ids->set = true;
    return 0;
}

const char *dt_daemon_unix_path(const char *spec)
{
    if (strncmp(spec, "unix:", 5) == 0)
        return spec + 5;
    if (strncmp(spec, "local:", 6) == 0)
        return spec + 6;
    return NULL;
}

/*
 * An existing file at path: a socket nobody accepts on is stale (its
 * owner died without removing it) and goes; anything else stays and is
 * an error, so two milters never steal each other's socket.
 */
static int remove_stale(const char *path, struct dt_error *err)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return errno == ENOENT ? 0 : dt_error_set(err, "%s: %s", path, strerror(errno));
    if (!S_ISSOCK(st.st_mode))
        return dt_error_set(err, "%s: exists and is not a socket; not removing it", path);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return dt_error_set(err, "socket: %s", strerror(errno));
    int rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa)), saved = errno;
    close(fd);
    if (rc == 0)
        return dt_error_set(err, "%s: another process listens on it", path);
    if (saved != ECONNREFUSED)
        return dt_error_set(err, "%s: cannot tell whether it is in use: %s", path, strerror(saved));
    if (unlink(path) < 0 && errno != ENOENT)
        return dt_error_set(err, "%s: cannot remove the stale socket: %s", path, strerror(errno));
    return 0;
}

/*
 * Give the socket file just bound at path its group, by descriptor: the
 * file is opened with O_PATH | O_NOFOLLOW and must be a socket of ours
 * with the mode it was born with, else whatever now stands at path (a
 * symlink swapped in after bind() by someone who can write the
 * directory) is refused and left alone.
 */
static int own_socket_file(const char *path, unsigned mode, gid_t gid, const char *group,
                           struct dt_error *err)
{
    int pfd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (pfd < 0)
        return dt_error_set(err, "%s: cannot open the socket just bound: %s", path,
                            strerror(errno));
    struct stat st;
    int rc = -1;
    if (fstat(pfd, &st) < 0)
        dt_error_set(err, "%s: %s", path, strerror(errno));
    else if (!S_ISSOCK(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 07777) != mode)
        dt_error_set(err, "%s: replaced after bind (now a %s owned by uid %ld, mode %04o); "
                     "not touching it",
                     path, S_ISLNK(st.st_mode) ? "symlink" : S_ISSOCK(st.st_mode) ? "socket" : "file",
                     (long)st.st_uid, (unsigned)(st.st_mode & 07777));
    else if (gid != (gid_t)-1 && st.st_gid != gid &&
             fchownat(pfd, "", (uid_t)-1, gid, AT_EMPTY_PATH) < 0)
        dt_error_set(err, "%s: chown to group %s: %s", path, group, strerror(errno));
    else
        rc = 0;
    close(pfd);
    return rc;
}

/*
 * The socket file is never changed by path after bind(): a symlink
 * swapped in by someone who can write its directory would redirect a
 * chmod() or chown() to the file it points at (a root-owned file made
 * 0660). Linux gives the file the socket inode's mode less the umask, so
 * fchmod() before bind() and a umask of mode's complement make it be born
 * with exactly mode; its group is set through an O_PATH descriptor
 * (own_socket_file), and listen() comes last, so nobody connects before
 * the group is right.
 */
static int listen_unix(const char *path, unsigned mode, const char *group, struct dt_error *err)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (*path != '/' || strlen(path) >= sizeof(sa.sun_path))
        return dt_error_set(err, "unix socket '%.80s': not an absolute path shorter than %zu", path,
                            sizeof(sa.sun_path));
    gid_t gid = (gid_t)-1;
    if (*group && find_group(group, &gid, err) < 0)
        return dt_error_prefix(err, "socket_group: ");
    if (remove_stale(path, err) < 0)
        return -1;
    memcpy(sa.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return dt_error_set(err, "socket: %s", strerror(errno));
    mode &= 0777;
    /* Both say mode; the umask alone would do on Linux, fchmod() is where
     * other kernels look, so its failure is not an error. */
    (void)fchmod(fd, (mode_t)mode);
    mode_t old = umask((mode_t)(~mode & 0777));
    int rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
    umask(old);
    if (rc < 0) {
        dt_error_set(err, "%s: bind: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (own_socket_file(path, mode, gid, group, err) < 0) {
        close(fd); /* what stands at path is not ours to remove */
        return -1;
    }
    if (listen(fd, SOMAXCONN) < 0) {
        dt_error_set(err, "%s: listen: %s", path, strerror(errno));
        close(fd);
        unlink(path);
        return -1;
    }
    return fd;
}

static int listen_inet(const char *spec, int family, struct dt_error *err)
{
    const char *rest = strchr(spec, ':') + 1, *at = strchr(rest, '@');
    char port[8];
    size_t n = at ? (size_t)(at - rest) : strlen(rest);
    if (n == 0 || n >= sizeof(port) || (at && at[1] == '\0'))
        return dt_error_set(err, "socket '%.80s': expected PORT@HOST", spec);
    memcpy(port, rest, n);
    port[n] = '\0';
    struct addrinfo hints = {.ai_family = family,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV},
                    *ai;
    int gai = getaddrinfo(at ? at + 1 : NULL, port, &hints, &ai);
    if (gai != 0)
        return dt_error_set(err, "socket %s: %s", spec, gai_strerror(gai));
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0), on = 1;
    if (fd < 0)
        dt_error_set(err, "socket %s: %s", spec, strerror(errno));
    else if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
             setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) < 0)
        dt_error_set(err, "socket %s: setsockopt: %s", spec, strerror(errno));
    else if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0)
        dt_error_set(err, "socket %s: bind: %s", spec, strerror(errno));
    else if (listen(fd, SOMAXCONN) < 0)
        dt_error_set(err, "socket %s: listen: %s", spec, strerror(errno));
    else {
        freeaddrinfo(ai);
        return fd;
    }
    freeaddrinfo(ai);
    if (fd >= 0)
        close(fd);
    return -1;
}

int dt_daemon_listen(const char *spec, unsigned mode, const char *group, char *fdspec, size_t size,
                     struct dt_error *err)
{
    int fd;
    const char *path = dt_daemon_unix_path(spec);
    if (path != NULL) {
        fd = listen_unix(path, mode, group, err);
    } else if (strncmp(spec, "inet:", 5) == 0) {
        fd = listen_inet(spec, AF_INET, err);
    } else if (strncmp(spec, "inet6:", 6) == 0) {
        fd = listen_inet(spec, AF_INET6, err);
    } else if (strncmp(spec, "fd:", 3) == 0 && all_digits(spec + 3)) {
        /* Handed to us (socket activation): only make sure it is usable. */
        fd = atoi(spec + 3);
        int type, on = 1;
        socklen_t len = sizeof(type);
        if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type != SOCK_STREAM)
            return dt_error_set(err, "socket %s: not a stream socket", spec);
        (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)); /* fails if not TCP */
    } else {
        return dt_error_set(err,
                            "socket '%.80s' is not unix:/path, local:/path, inet:PORT@HOST, "
                            "inet6:PORT@HOST or fd:N",
                            spec);
    }
    if (fd >= 0)
        snprintf(fdspec, size, "fd:%d", fd);
    return fd;
}

int dt_daemon_detach(int *notify, struct dt_error *err)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return dt_error_set(err, "pipe: %s", strerror(errno));
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return dt_error_set(err, "fork: %s", strerror(errno));
    }
    if (pid > 0) {
        /* The parent: only the child's word decides the exit status. */
        char why[600];
        size_t got = 0;
        ssize_t n;
        close(p[1]);
        while (got < sizeof(why) - 1 && ((n = read(p[0], why + got, sizeof(why) - 1 - got)) > 0 ||
                                         (n < 0 && errno == EINTR)))
            got += n > 0 ? (size_t)n : 0;
        why[got] = '\0';
        if (got > 0 && strcmp(why, "ok") == 0)
            _exit(0);
        fprintf(stderr, "dealtemp-milter: %s\n",
                got > 0 ? why : "the daemon exited before it was ready (see the mail log)");
        _exit(1);
    }
    close(p[0]);
    *notify = p[1];
    if (setsid() < 0)
        return dt_error_set(err, "setsid: %s", strerror(errno));
    if (chdir("/") < 0)
        return dt_error_set(err, "chdir /: %s", strerror(errno));
    int fd = open("/dev/null", O_RDWR);
    if (fd < 0)
        return dt_error_set(err, "/dev/null: %s", strerror(errno));
    for (int i = 0; i < 3; i++)
        if (fd != i)
            dup2(fd, i);
    if (fd > 2)
        close(fd);
    return 0;
}

void dt_daemon_ready(int notify, const char *why)
{
    if (notify < 0)
        return;
    const char *msg = why ? why : "ok";
    ssize_t n = write(notify, msg, strlen(msg));
    (void)n; /* the parent gone is no reason to stop */
    close(notify);
}

static bool milter_alive(long pid);

/*
 * A pidfile already at path: a regular file whose pid is not a running
 * dealtemp-milter (other than us) is stale and removed; a live one, or
 * anything that is not a regular file (a symlink planted where root will
 * write), is refused.
 */
static int remove_stale_pidfile(const char *path, struct dt_error *err)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        return 0;
    if (fd < 0 && errno == ELOOP)
        return dt_error_set(err, "pidfile %s: is a symlink; not followed, not removed", path);
    if (fd < 0)
        return dt_error_set(err, "pidfile %s: %s", path, strerror(errno));
    struct stat st;
    char text[32] = "";
    ssize_t n = -1;
    bool regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    if (regular)
        n = read(fd, text, sizeof(text) - 1);
    close(fd);
    if (!regular)
        return dt_error_set(err, "pidfile %s: exists and is not a regular file; not removing it",
                            path);
    text[n > 0 ? n : 0] = '\0';
    long pid = strtol(text, NULL, 10);
    if (pid != (long)getpid() && milter_alive(pid))
        return dt_error_set(err, "pidfile %s: dealtemp-milter %ld still runs", path, pid);
    if (unlink(path) < 0 && errno != ENOENT)
        return dt_error_set(err, "pidfile %s: cannot remove the stale one: %s", path,
                            strerror(errno));
    return 0;
}

int dt_daemon_write_pidfile(const char *path, struct dt_error *err)
{
    if (remove_stale_pidfile(path, err) < 0)
        return -1;
    /* O_EXCL: a file (or symlink) made at path since is never written through. */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return dt_error_set(err, "pidfile %s: %s", path, strerror(errno));
    char line[32];
    int n = snprintf(line, sizeof(line), "%ld\n", (long)getpid());
    bool ok = write(fd, line, (size_t)n) == n;
    int saved = errno;
    if (close(fd) < 0 && ok) {
        ok = false;
        saved = errno;
    }
    if (!ok) {
        unlink(path);
        return dt_error_set(err, "pidfile %s: %s", path, strerror(saved));
    }
    return 0;
}

int dt_daemon_drop_privileges(const struct dt_ids *ids, struct dt_error *err)
{
    if (!ids->set)
        return 0;
    if (getuid() == ids->uid && geteuid() == ids->uid && getgid() == ids->gid &&
        getegid() == ids->gid)
        return 0;
    /* Supplementary groups first: after setuid() they can no longer change. */
    if (initgroups(ids->name, ids->gid) < 0)
        return dt_error_set(err, "initgroups %s: %s", ids->name, strerror(errno));
    if (setgid(ids->gid) < 0)
        return dt_error_set(err, "setgid %ld: %s", (long)ids->gid, strerror(errno));
    if (setuid(ids->uid) < 0)
        return dt_error_set(err, "setuid %s: %s", ids->name, strerror(errno));
    if (getuid() != ids->uid || geteuid() != ids->uid || getgid() != ids->gid ||
        getegid() != ids->gid)
        return dt_error_set(err, "still uid %ld/%ld gid %ld/%ld after dropping to %s",
                            (long)getuid(), (long)geteuid(), (long)getgid(), (long)getegid(),
                            ids->name);
    if (ids->uid != 0 && setuid(0) == 0)
        return dt_error_set(err, "could become root again after dropping to %s", ids->name);
    return 0;
}

void dt_daemon_counters_path(const char *database, const char *spool, char *buf, size_t size)
{
    snprintf(buf, size, "%s.counters", dt_store_is_pg(database) && spool ? spool : database);
}

static void iso_time(long t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, size, "%ld", t);
}

int dt_daemon_write_counters(const char *path, long started, long now, const char *body,
                             struct dt_error *err)
{
    char tmp[4200], s[32], u[32];
    /* A fresh name beside path (mkstemp: O_CREAT | O_EXCL, never through a
     * symlink planted at a name one could guess), renamed over it. */
    if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= sizeof(tmp))
        return dt_error_set(err, "%s: path too long", path);
    iso_time(started, s, sizeof(s));
    iso_time(now, u, sizeof(u));
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return dt_error_set(err, "%s: %s", tmp, strerror(errno));
    FILE *fp = fchmod(fd, 0644) == 0 ? fdopen(fd, "w") : NULL;
    if (fp == NULL) {
        int saved = errno;
        close(fd);
        unlink(tmp);
        return dt_error_set(err, "%s: %s", tmp, strerror(saved));
    }
    fprintf(fp, "pid=%ld\nstarted=%s\nupdated=%s\n%s\n", (long)getpid(), s, u, body);
    if (ferror(fp) | (fclose(fp) != 0)) {
        int saved = errno;
        unlink(tmp);
        return dt_error_set(err, "%s: %s", tmp, strerror(saved));
    }
    if (rename(tmp, path) < 0) {
        int saved = errno;
        unlink(tmp);
        return dt_error_set(err, "%s: %s", path, strerror(saved));
    }
    return 0;
}

/* pid runs, and is a dealtemp-milter (not a recycled pid) when /proc says. */
static bool milter_alive(long pid)
{
    if (pid <= 0 || (kill((pid_t)pid, 0) < 0 && errno != EPERM))
        return false;
    char path[64], comm[32] = "";
    snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
    FILE *fp = fopen(path, "re");
    if (fp == NULL)
        return true;
    bool same = fgets(comm, sizeof(comm), fp) == NULL || strncmp(comm, "dealtemp-milter", 15) == 0;
    fclose(fp);
    return same;
}

int dt_daemon_read_counters(const char *database, const char *spool, struct dt_buf *out,
                            struct dt_error *err)
{
    char path[4200], line[256];
    dt_daemon_counters_path(database, spool, path, sizeof(path));
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        return 0;
    if (fd < 0 && errno == ELOOP)
        return dt_error_set(err, "%s: is a symlink; not followed", path);
    if (fd < 0)
        return dt_error_set(err, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return dt_error_set(err, "%s: not a regular file", path);
    }
    FILE *fp = fdopen(fd, "r");
    if (fp == NULL) {
        int saved = errno;
        close(fd);
        return dt_error_set(err, "%s: %s", path, strerror(saved));
    }
    long pid = 0;
    while (fgets(line, sizeof(line), fp) != NULL) {
        if (strncmp(line, "pid=", 4) == 0)
            pid = strtol(line + 4, NULL, 10);
        if (strchr(line, '=') != NULL)
            dt_buf_puts(out, line);
    }
    fclose(fp);
    if (dt_buf_failed(out))
        return dt_error_set(err, "out of memory");
    return milter_alive(pid) ? 1 : 0;
}
