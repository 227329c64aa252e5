/*
 * testutil.h - helpers shared by the Check suites (linked into every
 * tests/check_*.c by the Makefile). They fail the current test on error.
 */
#ifndef DEALTEMP_TESTUTIL_H
#define DEALTEMP_TESTUTIL_H

#include <stddef.h>
#include <string.h>

#include "dealtemp/mime.h"

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
