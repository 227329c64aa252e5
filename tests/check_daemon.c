/*
 * check_daemon.c - the files dealtemp-milter makes while it may still be
 * root (daemon.h), against someone who can write their directories:
 *
 *   - the unix socket: a child process swaps a symlink to a root-owned
 *     file in at the socket path, as fast as it can, while the socket is
 *     opened again and again; the file's mode, owner and group must never
 *     change, and every attempt either listens on a socket born with the
 *     mode and group asked for, or fails with one line naming the path;
 *   - the pidfile: a symlink, a directory or a FIFO planted at its path is
 *     refused (and never followed or waited on), a stale one (a dead pid,
 *     garbage) is replaced, a live dealtemp-milter's is not;
 *   - the counters file: a symlink at the temporary name the old code
 *     used, or at the file itself, never carries a write to its target;
 *     reading refuses a symlink.
 *
 * Runs anywhere; as root the socket is also given a group (nogroup), so
 * the chown is raced too.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dealtemp/daemon.h"
#include "testutil.h"

/* Socket opens raced by the swapping child; a bounded loop (~1 s here). */
#define RACE_ROUNDS 2000

static char dir[128];

static void setup(void)
{
    dt_test_mkdtemp(dir, sizeof(dir), "daemon");
}

static void teardown(void)
{
    dt_test_rm_rf(dir);
}

static const char *in_dir(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", dir, name);
    return buf;
}

/* err is one line that names path. */
static void one_line_naming(const struct dt_error *err, const char *path)
{
    ck_assert_msg(strchr(err->msg, '\n') == NULL, "two lines: %s", err->msg);
    ck_assert_msg(strstr(err->msg, path) != NULL, "'%s' does not name %s", err->msg, path);
}

/* A group to give the socket: nogroup as root, none otherwise. */
static const char *race_group(gid_t *gid)
{
    struct group *gr = geteuid() == 0 ? getgrgid(65534) : NULL;
    *gid = gr != NULL ? gr->gr_gid : (gid_t)-1;
    return gr != NULL ? gr->gr_name : "";
}

START_TEST(socket_symlink_race_never_touches_the_target)
{
    char sock[256], target[256], link_tmp[256];
    in_dir(sock, sizeof(sock), "milter.sock");
    in_dir(target, sizeof(target), "shadow");
    in_dir(link_tmp, sizeof(link_tmp), "swap");
    dt_test_write_file(target, "secret\n", 7);
    ck_assert_int_eq(chmod(target, 0600), 0);
    struct stat before;
    ck_assert_int_eq(stat(target, &before), 0);

    /* The attacker: symlink the socket path to the target, over and over. */
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        /* Never outlives the test, even one that fails half-way. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        time_t end = time(NULL) + 60;
        while (time(NULL) < end) {
            unlink(link_tmp);
            if (symlink(target, link_tmp) == 0)
                rename(link_tmp, sock);
        }
        _exit(0);
    }

    gid_t gid;
    const char *group = race_group(&gid);
    char spec[300], fdspec[32];
    snprintf(spec, sizeof(spec), "unix:%s", sock);
    int listened = 0, refused = 0, quiet = 0;
    for (int i = 0; i < RACE_ROUNDS; i++) {
        /* Every 100th round the attacker is stopped: with no symlink in the
         * way the socket must be made (on a busy machine the attacker can
         * win every other round, and a listen that always failed would
         * protect the target trivially). */
        bool stopped = i % 100 == 99;
        if (stopped) {
            int status;
            ck_assert_int_eq(kill(child, SIGSTOP), 0);
            ck_assert_int_eq(waitpid(child, &status, WUNTRACED), child);
            ck_assert(WIFSTOPPED(status));
            unlink(sock);
        }
        struct dt_error err = {{0}};
        int fd = dt_daemon_listen(spec, 0666, group, fdspec, sizeof(fdspec), &err);
        if (fd >= 0) {
            listened += !stopped;
            quiet += stopped;
            close(fd);
        } else {
            ck_assert_msg(!stopped, "round %d, nothing in the way: %s", i, err.msg);
            one_line_naming(&err, sock);
            refused++;
        }
        unlink(sock);
        if (stopped)
            ck_assert_int_eq(kill(child, SIGCONT), 0);
        struct stat now;
        ck_assert_int_eq(stat(target, &now), 0);
        ck_assert_msg((now.st_mode & 07777) == 0600 && now.st_uid == before.st_uid &&
                          now.st_gid == before.st_gid,
                      "round %d: the symlink's target became mode %04o uid %ld gid %ld", i,
                      (unsigned)(now.st_mode & 07777), (long)now.st_uid, (long)now.st_gid);
    }
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    size_t n;
    char *text = dt_test_slurp(target, &n);
    ck_assert_str_eq(text, "secret\n");
    free(text);
    /* The race was run, not avoided: the attacker's symlink was met (refused), and
     * the socket was made - with the attacker running, or at least while it stood still. */
    ck_assert_msg(refused > 0 && quiet == RACE_ROUNDS / 100,
                  "listened %d (+%d stopped), refused %d of %d", listened, quiet, refused,
                  RACE_ROUNDS);
}
END_TEST

START_TEST(socket_born_with_mode_and_group)
{
    char sock[256], spec[300], fdspec[32];
    in_dir(sock, sizeof(sock), "plain.sock");
    snprintf(spec, sizeof(spec), "unix:%s", sock);
    gid_t gid;
    const char *group = race_group(&gid);
    mode_t old = umask(0);
    struct dt_error err = {{0}};
    int fd = dt_daemon_listen(spec, 0640, group, fdspec, sizeof(fdspec), &err);
    mode_t during = umask(old);
    ck_assert_msg(fd >= 0, "%s", err.msg);
    ck_assert_uint_eq(during, 0); /* the process's umask is as it was */
    struct stat st;
    ck_assert_int_eq(lstat(sock, &st), 0);
    ck_assert(S_ISSOCK(st.st_mode));
    ck_assert_uint_eq(st.st_mode & 07777, 0640); /* not 0777 & ~umask */
    if (gid != (gid_t)-1)
        ck_assert_uint_eq(st.st_gid, gid);
    char want[48];
    snprintf(want, sizeof(want), "fd:%d", fd);
    ck_assert_str_eq(fdspec, want);
    close(fd);
}
END_TEST

/* ---- the pidfile ---- */

static void write_pidfile_of(const char *path, long pid)
{
    char line[32];
    int n = snprintf(line, sizeof(line), "%ld\n", pid);
    dt_test_write_file(path, line, (size_t)n);
}

START_TEST(pidfile_symlink_directory_fifo_refused)
{
    char pidf[256], target[256];
    in_dir(pidf, sizeof(pidf), "milter.pid");
    in_dir(target, sizeof(target), "passwd");
    dt_test_write_file(target, "root:x:0:0\n", 11);
    ck_assert_int_eq(chmod(target, 0644), 0);

    struct dt_error err = {{0}};
    ck_assert_int_eq(symlink(target, pidf), 0);
    ck_assert_int_eq(dt_daemon_write_pidfile(pidf, &err), -1);
    one_line_naming(&err, pidf);
    ck_assert_contains(err.msg, "symlink");
    size_t n;
    char *text = dt_test_slurp(target, &n);
    ck_assert_str_eq(text, "root:x:0:0\n");
    free(text);
    struct stat st;
    ck_assert_int_eq(lstat(pidf, &st), 0);
    ck_assert(S_ISLNK(st.st_mode)); /* not removed either */
    unlink(pidf);

    /* A dangling symlink: O_EXCL alone would refuse it too; it stays. */
    ck_assert_int_eq(symlink("/nonexistent/dt-pid", pidf), 0);
    ck_assert_int_eq(dt_daemon_write_pidfile(pidf, &err), -1);
    one_line_naming(&err, pidf);
    ck_assert_int_eq(lstat(pidf, &st), 0);
    unlink(pidf);

    ck_assert_int_eq(mkdir(pidf, 0755), 0);
    ck_assert_int_eq(dt_daemon_write_pidfile(pidf, &err), -1);
    one_line_naming(&err, pidf);
    ck_assert_contains(err.msg, "not a regular file");
    rmdir(pidf);

    /* A FIFO: refused at once, not waited on. */
    ck_assert_int_eq(mkfifo(pidf, 0644), 0);
    alarm(10);
    ck_assert_int_eq(dt_daemon_write_pidfile(pidf, &err), -1);
    alarm(0);
    one_line_naming(&err, pidf);
    unlink(pidf);
}
END_TEST

START_TEST(pidfile_stale_replaced_live_refused)
{
    char pidf[256];
    in_dir(pidf, sizeof(pidf), "milter.pid");
    struct dt_error err = {{0}};
    size_t n;

    /* No pidfile: written. */
    ck_assert_msg(dt_daemon_write_pidfile(pidf, &err) == 0, "%s", err.msg);
    char want[32];
    snprintf(want, sizeof(want), "%ld\n", (long)getpid());
    char *text = dt_test_slurp(pidf, &n);
    ck_assert_str_eq(text, want);
    free(text);

    /* A dead pid's, garbage, an empty file, our own: stale, replaced. */
    pid_t dead = fork();
    ck_assert_int_ge(dead, 0);
    if (dead == 0)
        _exit(0);
    waitpid(dead, NULL, 0);
    static const char *const stale[] = {NULL, "not a pid\n", ""};
    for (int i = 0; i < 4; i++) {
        if (i == 0)
            write_pidfile_of(pidf, (long)dead);
        else if (i < 3)
            dt_test_write_file(pidf, stale[i], strlen(stale[i]));
        else
            write_pidfile_of(pidf, (long)getpid());
        ck_assert_msg(dt_daemon_write_pidfile(pidf, &err) == 0, "case %d: %s", i, err.msg);
        text = dt_test_slurp(pidf, &n);
        ck_assert_str_eq(text, want);
        free(text);
    }

    /* A running dealtemp-milter's: refused, left as it is. */
    int ready[2];
    ck_assert_int_eq(pipe(ready), 0);
    pid_t live = fork();
    ck_assert_int_ge(live, 0);
    if (live == 0) {
        prctl(PR_SET_NAME, "dealtemp-milter");
        ssize_t w = write(ready[1], "x", 1);
        (void)w;
        pause();
        _exit(0);
    }
    char c;
    ck_assert_int_eq(read(ready[0], &c, 1), 1);
    write_pidfile_of(pidf, (long)live);
    ck_assert_int_eq(dt_daemon_write_pidfile(pidf, &err), -1);
    one_line_naming(&err, pidf);
    ck_assert_contains(err.msg, "still runs");
    snprintf(want, sizeof(want), "%ld\n", (long)live);
    text = dt_test_slurp(pidf, &n);
    ck_assert_str_eq(text, want);
    free(text);
    kill(live, SIGKILL);
    waitpid(live, NULL, 0);
    close(ready[0]);
    close(ready[1]);
}
END_TEST

/* ---- the counters file ---- */

/* Entries of dir other than . and ..; names joined by ' ' into buf. */
static int entries(char *buf, size_t size)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    buf[0] = '\0';
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        size_t len = strlen(buf);
        snprintf(buf + len, size - len, "%s%s", n ? " " : "", e->d_name);
        n++;
    }
    closedir(d);
    return n;
}

START_TEST(counters_never_written_through_a_symlink)
{
    char path[256], target[256], old_tmp[300];
    in_dir(path, sizeof(path), "db.counters");
    in_dir(target, sizeof(target), "victim");
    dt_test_write_file(target, "precious\n", 9);
    /* The temporary name the old code used, predictable from the pid. */
    snprintf(old_tmp, sizeof(old_tmp), "%s.%ld.tmp", path, (long)getpid());
    ck_assert_int_eq(symlink(target, old_tmp), 0);

    struct dt_error err = {{0}};
    ck_assert_msg(dt_daemon_write_counters(path, 100, 160, "seen=3", &err) == 0, "%s", err.msg);
    size_t n;
    char *text = dt_test_slurp(target, &n);
    ck_assert_str_eq(text, "precious\n");
    free(text);
    text = dt_test_slurp(path, &n);
    ck_assert_contains(text, "\nseen=3\n");
    free(text);
    struct stat st;
    ck_assert_int_eq(lstat(path, &st), 0);
    ck_assert(S_ISREG(st.st_mode));
    ck_assert_uint_eq(st.st_mode & 0777, 0644);

    /* A symlink at the file itself is replaced, its target untouched. */
    unlink(path);
    ck_assert_int_eq(symlink(target, path), 0);
    ck_assert_msg(dt_daemon_write_counters(path, 100, 220, "seen=4", &err) == 0, "%s", err.msg);
    text = dt_test_slurp(target, &n);
    ck_assert_str_eq(text, "precious\n");
    free(text);
    ck_assert_int_eq(lstat(path, &st), 0);
    ck_assert(S_ISREG(st.st_mode));

    /* No temporary file is left behind: the file, the target, the old link. */
    char names[1024];
    ck_assert_msg(entries(names, sizeof(names)) == 3, "left: %s", names);

    /* Reading: a symlink is refused with one line naming the file. */
    unlink(path);
    ck_assert_int_eq(symlink(target, path), 0);
    struct dt_buf out = DT_BUF_INIT;
    char db[256];
    in_dir(db, sizeof(db), "db");
    ck_assert_int_eq(dt_daemon_read_counters(db, NULL, &out, &err), -1);
    one_line_naming(&err, path);
    ck_assert_contains(err.msg, "symlink");
    ck_assert_uint_eq(out.len, 0);
    dt_buf_free(&out);
}
END_TEST

START_TEST(counters_in_a_missing_directory_name_the_file)
{
    char path[256];
    in_dir(path, sizeof(path), "gone/db.counters");
    struct dt_error err = {{0}};
    ck_assert_int_eq(dt_daemon_write_counters(path, 1, 2, "seen=0", &err), -1);
    one_line_naming(&err, path);
}
END_TEST

static Suite *daemon_suite(void)
{
    Suite *s = suite_create("daemon");
    TCase *tc = tcase_create("socket");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, socket_symlink_race_never_touches_the_target);
    tcase_add_test(tc, socket_born_with_mode_and_group);
    suite_add_tcase(s, tc);
    tc = tcase_create("files");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, pidfile_symlink_directory_fifo_refused);
    tcase_add_test(tc, pidfile_stale_replaced_live_refused);
    tcase_add_test(tc, counters_never_written_through_a_symlink);
    tcase_add_test(tc, counters_in_a_missing_directory_name_the_file);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_test_run(daemon_suite());
}
