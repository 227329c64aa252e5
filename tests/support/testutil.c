/*
 * testutil.c - helpers shared by the Check suites (see testutil.h): reading
 * a whole file, parsing a message with the invariants every parse keeps,
 * running a suite, loading a configuration, a UTC calendar time, a
 * temporary directory and its removal. Every helper fails the running test (ck_assert) on error.
 */
#include "testutil.h"

#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dealtemp/utf8.h"

void dt_test_write_file(const char *path, const char *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    ck_assert_msg(fp != NULL, "cannot write %s", path);
    ck_assert_uint_eq(fwrite(data, 1, len, fp), len);
    ck_assert_int_eq(fclose(fp), 0);
}

char *dt_test_slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc((size_t)size + 1);
    ck_assert_ptr_nonnull(data);
    ck_assert_uint_eq(fread(data, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    data[size] = '\0';
    *n = (size_t)size;
    return data;
}

struct dt_message *dt_test_parse_mem(const char *raw, size_t n)
{
    struct dt_message *m = NULL;
    struct dt_error err = {""};
    int r = dt_mime_parse(raw, n, &m, &err);
    ck_assert_msg(r == 0, "parse failed: %s", err.msg);
    ck_assert_ptr_nonnull(m);
    ck_assert_ptr_nonnull(m->text);
    ck_assert_uint_eq(strlen(m->text), m->text_len);
    ck_assert(dt_utf8_valid(m->text, m->text_len));
    ck_assert_ptr_null(strchr(m->text, '\r'));
    ck_assert(m->text_len == 0 || m->text[m->text_len - 1] == '\n');
    ck_assert_ptr_nonnull(m->references);
    ck_assert_ptr_nonnull(m->to);
    ck_assert_ptr_nonnull(m->cc);
    ck_assert_ptr_null(m->references[m->n_references]);
    ck_assert_ptr_null(m->to[m->n_to]);
    ck_assert_ptr_null(m->cc[m->n_cc]);
    ck_assert_ptr_null(strchr(m->warning, '\n'));
    return m;
}

struct dt_message *dt_test_parse_str(const char *raw) { return dt_test_parse_mem(raw, strlen(raw)); }

struct dt_message *dt_test_parse_file(const char *path)
{
    size_t n;
    char *raw = dt_test_slurp(path, &n);
    struct dt_message *m = dt_test_parse_mem(raw, n);
    free(raw);
    return m;
}

int dt_test_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

const char *dt_test_exe(void)
{
    static char exe[PATH_MAX + 32];
    char cwd[PATH_MAX];
    if (exe[0] == '\0') {
        ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
        snprintf(exe, sizeof(exe), "%s/tests/dealtemp", cwd);
    }
    return exe;
}

struct dt_config *dt_test_config(const char *path)
{
    struct dt_config *cfg = NULL;
    struct dt_error err = {{0}};
    int rc = dt_config_load(path, dt_test_exe(), &cfg, &err);
    ck_assert_msg(rc == 0, "%s: unexpected error: %s", path, err.msg);
    ck_assert_ptr_nonnull(cfg);
    return cfg;
}

void dt_test_config_error(const char *path, const char *want)
{
    struct dt_config *cfg = (struct dt_config *)&cfg; /* must be overwritten */
    struct dt_error err = {{0}};
    ck_assert_int_eq(dt_config_load(path, dt_test_exe(), &cfg, &err), -1);
    ck_assert_ptr_null(cfg);
    ck_assert_str_eq(err.msg, want);
    ck_assert_ptr_null(strchr(err.msg, '\n'));
}

time_t dt_test_utc(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = s};
    return timegm(&tm);
}

void dt_test_mkdtemp(char *dir, size_t size, const char *name)
{
    int n = snprintf(dir, size, "/tmp/dt-%s-XXXXXX", name);
    ck_assert_msg(n > 0 && (size_t)n < size, "temp dir name for %s too long", name);
    ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp %s: %s", dir, strerror(errno));
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

void dt_test_rm_rf(const char *dir)
{
    ck_assert_msg(nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0, "removing %s: %s", dir,
                  strerror(errno));
}
