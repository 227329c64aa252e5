/*
 * check_config_lint.c - check-config's warnings (config_lint.c): the file
 * loads, and a database (SQLite) or spool (PostgreSQL) the milter could
 * not create is named with file:line and what it costs; the default
 * database, with no line to point at; and what the user running the check
 * may not write.
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "dealtemp/config.h"
#include "testutil.h"

#define CONF "tests/data/conf/"

static char cwd[PATH_MAX];

/* dt_test_exe() is worked out from the top of the tree, before a test changes directory. */
static void setup(void)
{
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
    ck_assert_ptr_nonnull(dt_test_exe());
}

/* The warnings for a loaded configuration, into out. */
static int lint_cfg(const struct dt_config *cfg, char *out, size_t size)
{
    struct dt_buf b = DT_BUF_INIT;
    int n = dt_config_lint(cfg, &b);
    ck_assert(!dt_buf_failed(&b));
    snprintf(out, size, "%s", b.data ? b.data : "");
    dt_buf_free(&b);
    return n;
}

/* check-config's warnings: loading succeeds, the database directory is judged. */
static int lint(const char *path, char *out, size_t size)
{
    struct dt_config *cfg = dt_test_config(path);
    int n = lint_cfg(cfg, out, size);
    dt_config_unref(cfg);
    return n;
}

START_TEST(lint_database_directory)
{
    char got[1024], want[3 * PATH_MAX];
    ck_assert_int_eq(lint(CONF "lint-missing-dir.conf", got, sizeof(got)), 1);
    snprintf(want, sizeof(want),
             CONF "lint-missing-dir.conf:3: warning: database: directory "
                  "%s/tests/data/no-such-dir: No such file or directory; the milter will add "
                  "X-Deal-Euphoria but keep no deal threads until it is created\n",
             cwd);
    ck_assert_str_eq(got, want);
    ck_assert_int_eq(lint(CONF "lint-not-dir.conf", got, sizeof(got)), 1);
    snprintf(want, sizeof(want),
             CONF "lint-not-dir.conf:3: warning: database: %s/tests/data/README is not a "
                  "directory; the milter will add X-Deal-Euphoria but keep no deal threads\n",
             cwd);
    ck_assert_str_eq(got, want);
    ck_assert_int_eq(lint(CONF "lint-postgres.conf", got, sizeof(got)), 0);
    ck_assert_str_eq(got, "");
    /* With PostgreSQL the spool is the local file that must be creatable. */
    ck_assert_int_eq(lint(CONF "lint-postgres-spool.conf", got, sizeof(got)), 1);
    snprintf(want, sizeof(want),
             CONF "lint-postgres-spool.conf:3: warning: store.spool: directory "
                  "%s/tests/data/no-such-dir: No such file or directory; while the database is "
                  "away the milter will keep no facts for it until it is created\n",
             cwd);
    ck_assert_str_eq(got, want);

    /* The default database (var/dealtemp.db, no line to point at), in a writable directory. */
    char dir[PATH_MAX], conf[PATH_MAX + 32];
    dt_test_mkdtemp(dir, sizeof(dir), "lint");
    snprintf(conf, sizeof(conf), "%s/dealtemp.conf", dir);
    static const char minimal[] = "internal_domains = [\"corp.example\"];\n";
    dt_test_write_file(conf, minimal, strlen(minimal));
    ck_assert_int_eq(chdir(dir), 0);
    ck_assert_int_eq(lint(conf, got, sizeof(got)), 1); /* var/ is not there yet */
    snprintf(want, sizeof(want), "%s: warning: database: directory %s/var: ", conf, dir);
    ck_assert_msg(strncmp(got, want, strlen(want)) == 0, "%s", got);
    ck_assert_int_eq(mkdir("var", 0755), 0);
    ck_assert_int_eq(lint(conf, got, sizeof(got)), 0);

    /* Not writable by whoever checks: as root, checked from a child without
     * privileges. Loaded here: the lexicons of the tree may sit where that
     * user cannot read (a clone under /root). */
    ck_assert_int_eq(chmod(dir, 0755), 0);
    ck_assert_int_eq(chmod("var", 0555), 0);
    struct dt_config *cfg = dt_test_config(conf);
    pid_t pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(3);
        _exit(lint_cfg(cfg, got, sizeof(got)) == 1 && strstr(got, "/var is not writable by ") &&
                      strstr(got, ", who ran this check; the milter will add")
                  ? 0
                  : 4);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child: %d", status);
    dt_config_unref(cfg);
    ck_assert_int_eq(chmod("var", 0755), 0);
    ck_assert_int_eq(chdir(cwd), 0);
    dt_test_rm_rf(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("config_lint");
    TCase *tc = tcase_create("lint");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, lint_database_directory);
    suite_add_tcase(s, tc);
    return dt_test_run(s);
}
