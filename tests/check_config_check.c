/*
 * check_config_check.c - the value checks of config_check.c, one key's
 * value at a time: milter socket specs (end to end, through a loaded
 * file), domains, reps, header prefixes, languages, paths made absolute,
 * database strings (a PostgreSQL one is not a path).
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
static const char *exe;

static void setup(void)
{
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
    exe = dt_test_exe();
}

/* Each socket spec in a config of its own, so the check is seen end to end. */
static int socket_loads(const char *spec)
{
    char path[] = "/tmp/check_config.XXXXXX", text[512];
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    snprintf(text, sizeof(text),
             "internal_domains = [\"corp.example\"];\nsocket = \"%s\";\n"
             "euphoria = { lexicon_dir = \"tests/data/lexicons-min\"; };\n",
             spec);
    dt_test_write_file(path, text, strlen(text));
    struct dt_config *cfg = NULL;
    struct dt_error err;
    int rc = dt_config_load(path, exe, &cfg, &err);
    dt_config_unref(cfg);
    unlink(path);
    return rc;
}

START_TEST(socket_forms)
{
    static const char *const good[] = {
        "unix:/run/dealtemp.sock", "local:/var/spool/postfix/dealtemp/sock",
        "inet:8895@127.0.0.1",     "inet:1@localhost",
        "inet6:8895@::1",          "fd:3",
    };
    static const char *const bad[] = {
        "",
        "8895",
        "unix:",
        "unix:relative/path",
        "unix:/",
        "inet:8895",
        "inet:@host",
        "inet:0@host",
        "inet:65536@host",
        "inet:88x5@host",
        "inet:8895@",
        "inet6:x@::1",
        "fd:",
        "fd:three",
        "tcp:8895@host",
        "inet:1@a b",
        ("unix:/tmp/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), /* longer than sun_path */
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        ck_assert_msg(socket_loads(good[i]) == 0, "refused %s", good[i]);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(socket_loads(bad[i]) == -1, "accepted %s", bad[i]);
}
END_TEST

/* Run one check on a copy of in; returns its result, the value in out. */
static int check(dt_config_check_fn *fn, const char *in, char *out, size_t size)
{
    char *v = strdup(in), why[256] = "";
    ck_assert_ptr_nonnull(v);
    int rc = fn(&v, why, sizeof(why));
    snprintf(out, size, "%s", rc == 0 ? v : why);
    if (rc < 0)
        ck_assert_uint_gt(strlen(why), 0);
    free(v);
    return rc;
}

START_TEST(check_domains)
{
    static const char *const good[][2] = {
        {"corp.example", "corp.example"},     {"@Corp.Example", "corp.example"},
        {"a-b.c0.example", "a-b.c0.example"}, {"xn--bcher-kva.example", "xn--bcher-kva.example"},
        {"123.example", "123.example"},
    };
    static const char *const bad[] = {
        "",
        "@",
        "example",
        "corp..example",
        ".corp.example",
        "corp.example.",
        "-corp.example",
        "corp-.example",
        "corp_x.example",
        "corp example",
        "@@corp.example",
        ("b\xc3\xbc"
         "cher.example"),
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example", /* 64 */
    };
    char out[300];
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        ck_assert_msg(check(dt_config_check_domain, good[i][0], out, sizeof(out)) == 0, "%s: %s",
                      good[i][0], out);
        ck_assert_str_eq(out, good[i][1]);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(check(dt_config_check_domain, bad[i], out, sizeof(out)) == -1, "took %s",
                      bad[i]);
}
END_TEST

START_TEST(check_reps_prefixes_languages_paths)
{
    char out[PATH_MAX + 64], want[PATH_MAX + 64];
    ck_assert_int_eq(check(dt_config_check_rep, "Ann.Lee+x@Corp.Example", out, sizeof(out)), 0);
    ck_assert_str_eq(out, "ann.lee+x@corp.example");
    ck_assert_int_eq(check(dt_config_check_rep, "@Sales.Corp.Example", out, sizeof(out)), 0);
    ck_assert_str_eq(out, "@sales.corp.example");
    ck_assert_int_eq(check(dt_config_check_rep, "ann lee@corp.example", out, sizeof(out)), -1);
    ck_assert_int_eq(check(dt_config_check_rep, "ann@", out, sizeof(out)), -1);
    ck_assert_int_eq(check(dt_config_check_rep, "a@b@corp.example", out, sizeof(out)), -1);

    ck_assert_int_eq(check(dt_config_check_header_prefix, "X-Deal-", out, sizeof(out)), 0);
    ck_assert_int_eq(check(dt_config_check_header_prefix, "X-D-", out, sizeof(out)), 0);
    /* Every field that begins with the prefix is removed from every message:
     * too short or not ending in '-' would take other software's fields. */
    ck_assert_int_eq(check(dt_config_check_header_prefix, "X", out, sizeof(out)), -1);
    ck_assert_int_eq(check(dt_config_check_header_prefix, "X-", out, sizeof(out)), -1);
    ck_assert_int_eq(check(dt_config_check_header_prefix, "x-d", out, sizeof(out)), -1);
    ck_assert_int_eq(check(dt_config_check_header_prefix, "X-Deal", out, sizeof(out)), -1);
    ck_assert_int_eq(check(dt_config_check_header_prefix, "", out, sizeof(out)), -1);
    ck_assert_int_eq(check(dt_config_check_header_prefix, "X Deal", out, sizeof(out)), -1);
    ck_assert_int_eq(check(dt_config_check_header_prefix, "X-\tDeal", out, sizeof(out)), -1);
    ck_assert_int_eq(check(dt_config_check_header_prefix,
                           "X-D\xc3\xa9"
                           "al",
                           out, sizeof(out)),
                     -1);
    ck_assert_int_eq(check(dt_config_check_header_prefix,
                           "X-0123456789012345678901234567890123456-", out, sizeof(out)),
                     0); /* 40 */
    ck_assert_int_eq(check(dt_config_check_header_prefix,
                           "X-01234567890123456789012345678901234567-", out, sizeof(out)),
                     -1); /* 41 */

    ck_assert_int_eq(check(dt_config_check_language, "NL", out, sizeof(out)), 0);
    ck_assert_str_eq(out, "nl");
    ck_assert_int_eq(check(dt_config_check_language, "*", out, sizeof(out)), -1);
    ck_assert_int_eq(check(dt_config_check_language, "e", out, sizeof(out)), -1);
    ck_assert_int_eq(check(dt_config_check_language, "e1", out, sizeof(out)), -1);

    ck_assert_int_eq(check(dt_config_check_path, "/abs/x.db", out, sizeof(out)), 0);
    ck_assert_str_eq(out, "/abs/x.db");
    ck_assert_int_eq(check(dt_config_check_path, "./var/x.db", out, sizeof(out)), 0);
    snprintf(want, sizeof(want), "%s/var/x.db", cwd);
    ck_assert_str_eq(out, want);
    ck_assert_int_eq(check(dt_config_check_path, "", out, sizeof(out)), -1);
    ck_assert_int_eq(check(dt_config_check_path, "var/\nx.db", out, sizeof(out)), -1);

    /* database: a URL the store reserves is not a path under the cwd */
    ck_assert_int_eq(
        check(dt_config_check_database, "postgresql://db.example/dealtemp", out, sizeof(out)), 0);
    ck_assert_str_eq(out, "postgresql://db.example/dealtemp");
    ck_assert_int_eq(check(dt_config_check_database, "postgres://db/x", out, sizeof(out)), 0);
    ck_assert_str_eq(out, "postgres://db/x");
    ck_assert_int_eq(check(dt_config_check_database, "var/x.db", out, sizeof(out)), 0);
    ck_assert_str_eq(out, want);
    ck_assert_int_eq(check(dt_config_check_database, "postgresql://db/\n", out, sizeof(out)), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("config_check");
    TCase *tc = tcase_create("values");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, socket_forms);
    tcase_add_test(tc, check_domains);
    tcase_add_test(tc, check_reps_prefixes_languages_paths);
    suite_add_tcase(s, tc);
    return dt_test_run(s);
}
