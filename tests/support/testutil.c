/*
 * testutil.c - helpers shared by the Check suites (see testutil.h).
 */
#include "testutil.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "dealtemp/utf8.h"

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
