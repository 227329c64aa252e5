/*
 * check_fuzz_replay.c - every finding of the fuzz targets, replayed. Each
 * file in tests/data/fuzz/<target>/ (a crash, leak or timeout `make fuzz`
 * found, kept once fixed; tests/data/fuzz/README says what each was) goes
 * through the target's own function (tests/fuzz/fuzz_<target>.c, built
 * here with gcc like every suite), so a regression fails `make check`
 * without clang, and `make check SANITIZE=1` replays them under ASan and
 * UBSan. The contracts the targets check (fuzz.h) are all checked here:
 * DT_FUZZ_PENDING is ignored.
 *
 * A fixture must also finish in REPLAY_CPU_MAX seconds of CPU: the
 * timeouts were quadratic paths. tests/data/fuzz/pending/ holds findings
 * whose fix has not landed: not replayed, but each id in tests/fuzz/pending
 * must name a fixture that exists there.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"
#include "testutil.h"

/* Seconds of CPU a fixture may take; the slowest input of a long run takes well under 1. */
#define REPLAY_CPU_MAX 5.0

struct target {
    const char *name;
    int (*init)(const char *top);
    int (*one)(const uint8_t *data, size_t size);
};

static const struct target targets[] = {
    {"analyze", dt_fuzz_analyze_init, dt_fuzz_analyze},
    {"html", dt_fuzz_html_init, dt_fuzz_html},
    {"quote", dt_fuzz_quote_init, dt_fuzz_quote},
    {"config", dt_fuzz_config_init, dt_fuzz_config},
    {"import", dt_fuzz_import_init, dt_fuzz_import},
    {"digest", dt_fuzz_digest_init, dt_fuzz_digest},
};
#define N_TARGETS (sizeof(targets) / sizeof(targets[0]))

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of dir, sorted (README and dot files left out); *n of them. */
static char **fixtures(const char *dir, size_t *n)
{
    char **names = NULL;
    size_t cap = 0;
    *n = 0;
    DIR *d = opendir(dir);
    if (d == NULL) {
        ck_assert_msg(errno == ENOENT, "%s: %s", dir, strerror(errno));
        return NULL;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "README") == 0)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            names = realloc(names, cap * sizeof(*names));
            ck_assert_ptr_nonnull(names);
        }
        names[(*n)++] = strdup(e->d_name);
    }
    closedir(d);
    if (*n > 0)
        qsort(names, *n, sizeof(*names), by_name);
    return names;
}

START_TEST(replay)
{
    const struct target *t = &targets[_i];
    char dir[256], path[512];
    size_t n;

    snprintf(dir, sizeof(dir), "tests/data/fuzz/%s", t->name);
    ck_assert_msg(t->init(".") == 0, "fuzz_%s: init failed", t->name);
    char **names = fixtures(dir, &n);
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        size_t len;
        char *data = dt_test_slurp(path, &len);
        /* Named first: a crash ends this process before any assertion could. */
        fprintf(stderr, "replay %s\n", path);
        double t0 = cpu_now();
        t->one((const uint8_t *)data, len);
        double spent = cpu_now() - t0;
        ck_assert_msg(spent < REPLAY_CPU_MAX, "%s took %.1f s of CPU (at most %.0f)", path, spent,
                      REPLAY_CPU_MAX);
        free(data);
        free(names[i]);
    }
    free(names);
}
END_TEST

/* tests/fuzz/pending: each known-broken contract names a fixture that is there. */
START_TEST(pending_fixtures_exist)
{
    FILE *fp = fopen("tests/fuzz/pending", "r");
    ck_assert_ptr_nonnull(fp);
    char line[1024];
    while (fgets(line, sizeof(line), fp) != NULL) {
        char id[128], where[256], fixture[512];
        if (line[0] == '#' || sscanf(line, "%127s %255s %511s", id, where, fixture) < 1)
            continue;
        ck_assert_msg(sscanf(line, "%127s %255s %511s", id, where, fixture) == 3,
                      "tests/fuzz/pending: '%s' needs an id, a function and a fixture", id);
        ck_assert_msg(strncmp(fixture, "tests/data/fuzz/pending/", 24) == 0,
                      "tests/fuzz/pending: %s: %s is not under tests/data/fuzz/pending/", id,
                      fixture);
        ck_assert_msg(access(fixture, R_OK) == 0, "tests/fuzz/pending: %s: %s: %s", id, fixture,
                      strerror(errno));
    }
    fclose(fp);
}
END_TEST

/* The targets' JSON checker: what it accepts and refuses, so its silence means something. */
START_TEST(json_checker)
{
    static const char *const good[] = {
        "{}\n",
        "{\"a\":1,\"b\":[true,false,null,-0.5e+3,\"x\\\"\\u00e9\\n\"],\"c\":{}}\n",
        "{ \"a\" : [ ] }\n",
    };
    static const char *const bad[] = {
        "{}",                 /* no line end */
        "{}\n{}\n",           /* two lines */
        "{\"a\":1,}\n",       /* trailing comma */
        "{\"a\":\"x\ty\"}\n", /* raw control character in a string */
        "{\"a\":nan}\n",      /* printf's NaN */
        "{\"a\":01}\n",       /* leading zero */
        "{\"a\":\"\\q\"}\n",  /* bad escape */
        "{\"a\":1}}\n",       /* trailing garbage */
        "[1]\n",              /* not an object */
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        ck_assert_msg(dt_fuzz_json_line(good[i], strlen(good[i])), "refused: %s", good[i]);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(!dt_fuzz_json_line(bad[i], strlen(bad[i])), "accepted: %s", bad[i]);
}
END_TEST

/* The targets' terminal rule (utf8.h): LF, TAB and joiners pass; controls and hidden ones do not.
 */
START_TEST(readable_checker)
{
    static const char *const good[] = {
        "a\tb\n", "caf\xc3\xa9 \xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb", ""};
    static const char *const bad[] = {
        "\x1b[31mred",
        "over\rprint",
        "\xe2\x80\xae"
        "exe.jpg",
        "c1 \xc2\x85",
        "zero\xe2\x80\x8bwidth",
        "bad \xff byte",
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        ck_assert_msg(dt_fuzz_readable(good[i], strlen(good[i])), "refused: %s", good[i]);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(!dt_fuzz_readable(bad[i], strlen(bad[i])), "accepted: %s", bad[i]);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fuzz_replay");
    TCase *tc = tcase_create("replay");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, replay, 0, (int)N_TARGETS);
    tcase_add_test(tc, pending_fixtures_exist);
    tcase_add_test(tc, json_checker);
    tcase_add_test(tc, readable_checker);
    suite_add_tcase(s, tc);
    return dt_test_run(s);
}
