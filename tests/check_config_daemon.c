/*
 * check_config_daemon.c - the daemon keys of the configuration: user,
 * socket_mode, socket_group, pidfile. Their defaults, every key set, each
 * kind of bad value with its exact one-line message, and the forms the
 * checks accept and refuse.
 *
 * Runs from the top of the tree; each configuration is written to a
 * temporary file (the lexicons are tests/data/lexicons-min).
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dealtemp/config.h"

#include "../milter/config_int.h"
#include "testutil.h"

static char cwd[PATH_MAX];
static char path[64];

static void setup(void)
{
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
    snprintf(path, sizeof(path), "/tmp/check_config_daemon.XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
}

static void teardown(void)
{
    unlink(path);
}

/* A minimal file plus extra (line 3 on). Returns dt_config_load's result. */
static int load(const char *extra, struct dt_config **cfg, struct dt_error *err)
{
    FILE *fp = fopen(path, "w");
    ck_assert_ptr_nonnull(fp);
    fprintf(fp,
            "internal_domains = [\"corp.example\"];\n"
            "euphoria = { lexicon_dir = \"tests/data/lexicons-min\"; };\n%s\n",
            extra);
    ck_assert_int_eq(fclose(fp), 0);
    return dt_config_load(path, dt_test_exe(), cfg, err);
}

static struct dt_config *load_ok(const char *extra)
{
    struct dt_config *cfg = NULL;
    struct dt_error err = {{0}};
    ck_assert_msg(load(extra, &cfg, &err) == 0, "%s: %s", extra, err.msg);
    return cfg;
}

/* The error must be exactly "<path>:3: <want>". */
static void expect_error(const char *extra, const char *want)
{
    struct dt_config *cfg = (struct dt_config *)&cfg;
    struct dt_error err = {{0}};
    char full[512];
    ck_assert_int_eq(load(extra, &cfg, &err), -1);
    ck_assert_ptr_null(cfg);
    snprintf(full, sizeof(full), "%s:3: %s", path, want);
    ck_assert_str_eq(err.msg, full);
}

START_TEST(defaults)
{
    struct dt_config *cfg = load_ok("");
    ck_assert_str_eq(cfg->user, "");
    ck_assert_uint_eq(cfg->socket_mode, 0660);
    ck_assert_str_eq(cfg->socket_group, "");
    ck_assert_str_eq(cfg->pidfile, "");
    dt_config_unref(cfg);
}
END_TEST

START_TEST(every_key_set)
{
    struct dt_config *cfg = load_ok("user = \"dealtemp:mail\"; socket_mode = \"0600\";\n"
                                    "socket_group = \"postfix\"; pidfile = \"run/d.pid\";");
    char want[PATH_MAX + 16];
    ck_assert_str_eq(cfg->user, "dealtemp:mail");
    ck_assert_uint_eq(cfg->socket_mode, 0600);
    ck_assert_str_eq(cfg->socket_group, "postfix");
    snprintf(want, sizeof(want), "%s/run/d.pid", cwd); /* relative: from the cwd */
    ck_assert_str_eq(cfg->pidfile, want);
    dt_config_unref(cfg);

    cfg = load_ok("user = \"65534\"; socket_mode = \"777\"; pidfile = \"/run/dealtemp.pid\";");
    ck_assert_str_eq(cfg->user, "65534");
    ck_assert_uint_eq(cfg->socket_mode, 0777);
    ck_assert_str_eq(cfg->pidfile, "/run/dealtemp.pid");
    dt_config_unref(cfg);
}
END_TEST

START_TEST(bad_values)
{
    expect_error("user = \"root:\";",
                 "user: 'root:' is not USER or USER:GROUP (\"\" keeps the starting user)");
    expect_error("user = \"-rf\";",
                 "user: '-rf' is not USER or USER:GROUP (\"\" keeps the starting user)");
    expect_error("user = \"a b\";",
                 "user: 'a b' is not USER or USER:GROUP (\"\" keeps the starting user)");
    expect_error("user = 0;", "user: expected a string");
    expect_error("socket_mode = 0660;",
                 "socket_mode: expected a string of octal digits (\"0660\")");
    expect_error("socket_mode = \"0668\";",
                 "socket_mode: '0668' is not a permission mode (octal, \"0000\" to \"0777\")");
    expect_error("socket_mode = \"1777\";",
                 "socket_mode: '1777' is not a permission mode (octal, \"0000\" to \"0777\")");
    expect_error("socket_mode = \"\";",
                 "socket_mode: '' is not a permission mode (octal, \"0000\" to \"0777\")");
    expect_error("socket_mode = \"00660\";",
                 "socket_mode: '00660' is not a permission mode (octal, \"0000\" to \"0777\")");
    expect_error("socket_group = \"mail:mail\";",
                 "socket_group: 'mail:mail' is not a group name (\"\" leaves the group alone)");
    expect_error("pidfile = \"a\\nb\";", "pidfile: 'a?b' is not a usable path");
    expect_error("pidfile = true;", "pidfile: expected a string");
}
END_TEST

START_TEST(user_forms)
{
    static const char *const good[] = {"",      "dealtemp",  "dealtemp:mail", "_opendkim",
                                       "a.b-c", "1000:1000", "machine$"};
    static const char *const bad[] = {
        ":mail", "user:", "a:b:c", "-u", "us er", "ü", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "x$y"};
    char why[256];
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        char *v = strdup(good[i]);
        ck_assert_msg(dt_config_check_user(&v, why, sizeof(why)) == 0, "%s: %s", good[i], why);
        free(v);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *v = strdup(bad[i]);
        ck_assert_msg(dt_config_check_user(&v, why, sizeof(why)) < 0, "accepted '%s'", bad[i]);
        free(v);
    }
    char *v = strdup("");
    ck_assert_int_eq(dt_config_check_group(&v, why, sizeof(why)), 0);
    ck_assert_int_eq(dt_config_check_optional_path(&v, why, sizeof(why)), 0);
    ck_assert_str_eq(v, ""); /* "" stays "", never "<cwd>/" */
    free(v);
}
END_TEST

static Suite *config_daemon_suite(void)
{
    Suite *s = suite_create("config_daemon");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, defaults);
    tcase_add_test(tc, every_key_set);
    tcase_add_test(tc, bad_values);
    tcase_add_test(tc, user_forms);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_test_run(config_daemon_suite());
}
