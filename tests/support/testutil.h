/*
 * testutil.h - helpers shared by the Check suites (linked into every
 * tests/check_*.c by the Makefile). They fail the current test on error.
 * The suites run from the top of the tree: paths are relative to it.
 */
#ifndef DEALTEMP_TESTUTIL_H
#define DEALTEMP_TESTUTIL_H

#include <check.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "dealtemp/config.h"
#include "dealtemp/mime.h"

/* Run every test of s (CK_NORMAL), free the runner: main()'s exit status. */
int dt_test_run(Suite *s);

/*
 * "<cwd>/tests/dealtemp": the program as a build tree has it, one directory
 * below the top, so that <exe>/../conf/lexicons is the real conf/lexicons.
 * tests/ stands in for build/: it always exists, while build/ may not
 * (SANITIZE=1 builds elsewhere), and the kernel resolves ".." only through
 * directories that do. Worked out on the first call, which must come from
 * the top of the tree (before a test changes directory); a static buffer.
 */
const char *dt_test_exe(void);

/* Load a configuration that must load (lexicons found beside dt_test_exe()). */
struct dt_config *dt_test_config(const char *path);
/* Loading path must fail with exactly want, one line, and leave *out NULL. */
void dt_test_config_error(const char *path, const char *want);

/* y-mo-d h:mi:s UTC as a time_t (timegm). */
time_t dt_test_utc(int y, int mo, int d, int h, int mi, int s);

/* Make a fresh directory /tmp/dt-<name>-XXXXXX into dir (size bytes). */
void dt_test_mkdtemp(char *dir, size_t size, const char *name);
/* Remove dir and everything below it (like rm -rf; every entry must go). */
void dt_test_rm_rf(const char *dir);

/* Write len bytes to path (created or truncated). */
void dt_test_write_file(const char *path, const char *data, size_t len);
/* Read a whole file (NUL-terminated; *n = its size). Caller frees. */
char *dt_test_slurp(const char *path, size_t *n);

/* Parse a message that must succeed, checking the invariants every result keeps. */
struct dt_message *dt_test_parse_mem(const char *raw, size_t n);
struct dt_message *dt_test_parse_str(const char *raw);
struct dt_message *dt_test_parse_file(const char *path);

#define ck_assert_contains(hay, needle)                                                            \
    ck_assert_msg(strstr((hay), (needle)) != NULL, "\"%s\" not in:\n%s", (needle), (hay))
#define ck_assert_lacks(hay, needle)                                                               \
    ck_assert_msg(strstr((hay), (needle)) == NULL, "\"%s\" unexpectedly in:\n%s", (needle), (hay))

#endif
