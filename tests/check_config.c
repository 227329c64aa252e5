/*
 * check_config.c - loading the configuration: defaults, the sample
 * conf/dealtemp.conf, every kind of broken file (each with its exact
 * one-line message), lexicon loading, references. The value checks are in
 * check_config_check.c, check-config's warnings in check_config_lint.c,
 * internal/rep matching in check_config_match.c.
 *
 * Runs from the top of the tree: fixtures are tests/data/conf/NAME.conf, the
 * real lexicons conf/lexicons, the tiny ones tests/data/lexicons-min.
 */
#include <check.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "dealtemp/config.h"

#include "../milter/config_int.h"
#include "testutil.h"

#define CONF "tests/data/conf/"

static char cwd[PATH_MAX];
static const char *exe; /* dt_test_exe(): <cwd>/tests/dealtemp */

static void setup(void)
{
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
    exe = dt_test_exe();
}

static char *read_file(const char *path)
{
    FILE *fp = fopen(path, "r");
    ck_assert_ptr_nonnull(fp);
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    return buf;
}

START_TEST(minimal_takes_every_default)
{
    struct dt_config *cfg = dt_test_config(CONF "minimal.conf");
    char want[PATH_MAX + 64], *lexdir = realpath("conf/lexicons", NULL);

    ck_assert_str_eq(cfg->path, CONF "minimal.conf");
    ck_assert_str_eq(cfg->socket, "inet:8895@127.0.0.1");
    snprintf(want, sizeof(want), "%s/var/test.db", cwd);
    ck_assert_str_eq(cfg->database, want);
    ck_assert_uint_eq(cfg->n_internal_domains, 1);
    ck_assert_str_eq(cfg->internal_domains[0], "corp.example");
    ck_assert_ptr_null(cfg->internal_domains[1]);
    ck_assert_uint_eq(cfg->n_reps, 0);
    ck_assert_ptr_nonnull(cfg->reps);
    ck_assert_ptr_null(cfg->reps[0]);
    ck_assert_str_eq(cfg->header_prefix, "X-Deal-");
    ck_assert_uint_eq(cfg->n_languages, 4);
    ck_assert_str_eq(cfg->languages[0], "en");
    ck_assert_str_eq(cfg->languages[1], "nl");
    ck_assert_str_eq(cfg->languages[2], "de");
    ck_assert_str_eq(cfg->languages[3], "fr");
    ck_assert_ptr_null(cfg->languages[4]);
    ck_assert_ptr_eq(cfg->euphoria.langs, (const char *const *)cfg->languages);
    ck_assert_ptr_nonnull(lexdir);
    ck_assert_str_eq(cfg->lexicon_dir, lexdir); /* found beside the exe, canonical */
    ck_assert_uint_eq(cfg->scan_limit, 262144);
    ck_assert_double_eq(cfg->euphoria.warm, 0.35);
    ck_assert_double_eq(cfg->euphoria.euphoric, 0.60);
    ck_assert_double_eq(cfg->euphoria.min_words, 20);
    ck_assert_double_eq(cfg->euphoria.scale, 8.0);
    ck_assert_double_eq(cfg->euphoria.excl_weight, 0.5);
    ck_assert_uint_eq(cfg->euphoria.excl_cap, 3);
    ck_assert_double_eq(cfg->euphoria.caps_weight, 0.7);
    ck_assert_int_eq(cfg->log_level, LOG_INFO);
    ck_assert_int_eq(cfg->log_facility, LOG_MAIL);
    ck_assert_ptr_nonnull(cfg->lexicon);
    ck_assert_uint_gt(dt_lexicon_size(cfg->lexicon, "en"), 0);
    ck_assert_uint_gt(dt_lexicon_size(cfg->lexicon, "nl"), 0);
    ck_assert_uint_gt(dt_lexicon_size(cfg->lexicon, "de"), 0);
    ck_assert_uint_gt(dt_lexicon_size(cfg->lexicon, "fr"), 0);
    ck_assert_uint_gt(dt_lexicon_size(cfg->lexicon, "*"), 0);
    free(lexdir);
    dt_config_unref(cfg);
}
END_TEST

START_TEST(full_sets_every_key)
{
    struct dt_config *cfg = dt_test_config(CONF "full.conf");
    char want[PATH_MAX + 64];

    ck_assert_str_eq(cfg->socket, "unix:/run/dealtemp/dealtemp.sock");
    ck_assert_str_eq(cfg->database, "/var/lib/dealtemp/test.db"); /* absolute stays */
    ck_assert_uint_eq(cfg->n_internal_domains, 2);
    ck_assert_str_eq(cfg->internal_domains[0], "corp.example"); /* '@' gone, lower-cased */
    ck_assert_str_eq(cfg->internal_domains[1], "other-corp.example");
    ck_assert_uint_eq(cfg->n_reps, 2);
    ck_assert_str_eq(cfg->reps[0], "ann@corp.example");
    ck_assert_str_eq(cfg->reps[1], "@sales.corp.example");
    ck_assert_ptr_null(cfg->reps[2]);
    ck_assert_str_eq(cfg->header_prefix, "X-Temp-");
    ck_assert_uint_eq(cfg->n_languages, 1);
    ck_assert_str_eq(cfg->languages[0], "nl");
    snprintf(want, sizeof(want), "%s/tests/data/lexicons-min", cwd); /* "./" dropped */
    ck_assert_str_eq(cfg->lexicon_dir, want);
    ck_assert_double_eq(cfg->euphoria.warm, 0.4);
    ck_assert_double_eq(cfg->euphoria.euphoric, 0.7);
    ck_assert_uint_eq(cfg->scan_limit, 65536);
    ck_assert_double_eq(cfg->euphoria.min_words, 30);
    ck_assert_double_eq(cfg->euphoria.scale, 6); /* an integer where a float is wanted */
    ck_assert_double_eq(cfg->euphoria.excl_weight, 0.25);
    ck_assert_uint_eq(cfg->euphoria.excl_cap, 5);
    ck_assert_double_eq(cfg->euphoria.caps_weight, 1);
    ck_assert_int_eq(cfg->log_level, LOG_DEBUG);
    ck_assert_int_eq(cfg->log_facility, LOG_LOCAL3);
    ck_assert_uint_gt(dt_lexicon_size(cfg->lexicon, "nl"), 0);
    ck_assert_uint_eq(dt_lexicon_size(cfg->lexicon, "en"), 0); /* not asked for */
    ck_assert_uint_gt(dt_lexicon_size(cfg->lexicon, "*"), 0);
    dt_config_unref(cfg);
}
END_TEST

START_TEST(int64_and_hex_integers_accepted)
{
    struct dt_config *cfg = dt_test_config(CONF "int64-ok.conf");
    ck_assert_uint_eq(cfg->scan_limit, 1048576);
    ck_assert_uint_eq(cfg->euphoria.excl_cap, 16);
    dt_config_unref(cfg);
}
END_TEST

START_TEST(sample_conf_loads)
{
    struct dt_config *cfg = dt_test_config("conf/dealtemp.conf");
    char want[PATH_MAX + 64];
    ck_assert_str_eq(cfg->socket, "inet:8895@127.0.0.1");
    snprintf(want, sizeof(want), "%s/var/dealtemp.db", cwd);
    ck_assert_str_eq(cfg->database, want);
    ck_assert_uint_eq(cfg->n_internal_domains, 1);
    ck_assert_str_eq(cfg->internal_domains[0], "example.com");
    ck_assert_uint_eq(cfg->n_reps, 0);
    ck_assert_uint_gt(dt_lexicon_size(cfg->lexicon, "en"), 0);
    ck_assert_uint_gt(dt_lexicon_size(cfg->lexicon, "nl"), 0);
    dt_config_unref(cfg);
}
END_TEST

/*
 * The sample documents every default in a commented-out line. Uncomment
 * them all (but lexicon_dir, whose documented value is an install path):
 * the result must load to the very same configuration.
 */
START_TEST(sample_conf_documents_the_true_defaults)
{
    char tmpl[] = "/tmp/check_config.XXXXXX", path[64];
    int fd = mkstemp(tmpl);
    ck_assert_int_ge(fd, 0);
    close(fd);
    snprintf(path, sizeof(path), "%s", tmpl);

    static char out[65536];
    size_t len = 0;
    const char *in = read_file("conf/dealtemp.conf");
    int uncommented = 0;
    for (const char *line = in; *line;) {
        const char *eol = strchr(line, '\n');
        size_t n = eol ? (size_t)(eol - line + 1) : strlen(line);
        const char *p = line;
        while (*p == ' ')
            p++;
        /* "# key = value;" where key is one identifier */
        size_t id = p[0] == '#' && p[1] == ' ' ? strspn(p + 2, "abcdefghijklmnopqrstuvwxyz_") : 0;
        ck_assert_uint_lt(len + n, sizeof(out));
        memcpy(out + len, line, n);
        if (id > 0 && strncmp(p + 2 + id, " = ", 3) == 0 && strncmp(p + 2, "lexicon_dir", 11)) {
            memmove(out + len + (p - line), out + len + (p - line) + 2, n - (size_t)(p - line) - 2);
            n -= 2;
            uncommented++;
        }
        len += n;
        line += eol ? (size_t)(eol - line + 1) : strlen(line);
    }
    out[len] = '\0';
    dt_test_write_file(path, out, strlen(out));

    struct dt_config *a = NULL, *b = NULL;
    struct dt_error err = {{0}};
    int rc = dt_config_load(path, exe, &b, &err);
    unlink(path); /* before any assertion can end the test */
    ck_assert_msg(rc == 0, "uncommented sample: %s", err.msg);
    ck_assert_int_ge(uncommented, 26); /* every defaulted key is in the sample */
    a = dt_test_config("conf/dealtemp.conf");
    ck_assert_str_eq(a->socket, b->socket);
    ck_assert_str_eq(a->database, b->database);
    ck_assert_str_eq(a->header_prefix, b->header_prefix);
    ck_assert_int_eq(a->profile, DT_PROFILE_SALES);
    ck_assert_int_eq(b->profile, DT_PROFILE_SALES);
    ck_assert_uint_eq(a->n_reps, b->n_reps);
    ck_assert_uint_eq(a->n_languages, b->n_languages);
    for (size_t i = 0; i < a->n_languages; i++)
        ck_assert_str_eq(a->languages[i], b->languages[i]);
    ck_assert_uint_eq(a->scan_limit, b->scan_limit);
    ck_assert_double_eq(a->euphoria.warm, b->euphoria.warm);
    ck_assert_double_eq(a->euphoria.euphoric, b->euphoria.euphoric);
    ck_assert_double_eq(a->euphoria.min_words, b->euphoria.min_words);
    ck_assert_double_eq(a->euphoria.scale, b->euphoria.scale);
    ck_assert_double_eq(a->euphoria.excl_weight, b->euphoria.excl_weight);
    ck_assert_uint_eq(a->euphoria.excl_cap, b->euphoria.excl_cap);
    ck_assert_double_eq(a->euphoria.caps_weight, b->euphoria.caps_weight);
    ck_assert_int_eq(a->log_level, b->log_level);
    ck_assert_int_eq(a->log_facility, b->log_facility);
    ck_assert_int_eq(a->store_subjects, b->store_subjects);
    ck_assert_int_eq(a->retention_days, b->retention_days);
    ck_assert_int_eq(a->thread_window_days, b->thread_window_days);
    ck_assert_uint_eq(a->hours.days, b->hours.days);
    ck_assert_int_eq(a->hours.start_min, b->hours.start_min);
    ck_assert_int_eq(a->hours.end_min, b->hours.end_min);
    ck_assert_str_eq(a->timezone, b->timezone);
    ck_assert_double_eq(a->cooling.factor, b->cooling.factor);
    ck_assert_int_eq(a->cooling.min_wait, b->cooling.min_wait);
    ck_assert_int_eq(a->cooling.stall_after, b->cooling.stall_after);
    ck_assert_int_eq(a->cooling.default_reply, b->cooling.default_reply);
    ck_assert_int_eq(a->cooling.business, b->cooling.business);
    ck_assert_int_eq(a->cooling.trigger, b->cooling.trigger);
    dt_config_unref(a);
    dt_config_unref(b);
}
END_TEST

START_TEST(relative_database_is_made_absolute_at_load_time)
{
    char here[PATH_MAX + 64], want[PATH_MAX + 128];
    snprintf(here, sizeof(here), "%s/tests/data", cwd);
    ck_assert_int_eq(chdir(here), 0);
    struct dt_config *cfg = NULL;
    struct dt_error err = {{0}};
    int rc = dt_config_load("conf/minimal.conf", exe, &cfg, &err);
    ck_assert_int_eq(chdir(cwd), 0);
    ck_assert_msg(rc == 0, "%s", err.msg);
    snprintf(want, sizeof(want), "%s/var/test.db", here);
    ck_assert_str_eq(cfg->database, want);
    dt_config_unref(cfg);
}
END_TEST

START_TEST(syntax_error)
{
    dt_test_config_error(CONF "syntax.conf", CONF "syntax.conf:3: syntax error");
}
END_TEST

START_TEST(duplicate_key)
{
    dt_test_config_error(CONF "duplicate-key.conf",
                         CONF "duplicate-key.conf:3: duplicate setting name");
}
END_TEST

START_TEST(missing_file)
{
    dt_test_config_error(CONF "no-such.conf", CONF "no-such.conf: No such file or directory");
    dt_test_config_error("tests/data/conf", "tests/data/conf: Is a directory");
}
END_TEST

START_TEST(unknown_keys)
{
    dt_test_config_error(CONF "unknown-top.conf", CONF "unknown-top.conf:3: unknown key 'socekt' "
                                                       "(did you mean 'socket'?)");
    dt_test_config_error(CONF "unknown-group.conf",
                         CONF "unknown-group.conf:4: unknown key 'euphoria.warmm' "
                              "(did you mean 'euphoria.warm'?)");
    dt_test_config_error(CONF "unknown-group-name.conf",
                         CONF "unknown-group-name.conf:2: unknown key 'euforia' "
                              "(did you mean 'euphoria'?)");
    dt_test_config_error(CONF "unknown-wrong-group.conf",
                         CONF "unknown-wrong-group.conf:3: unknown key 'warm' "
                              "(did you mean 'euphoria.warm'?)");
    dt_test_config_error(CONF "unknown-far.conf",
                         CONF "unknown-far.conf:3: unknown key 'threshold'");
}
END_TEST

START_TEST(key_distance)
{
    static const struct {
        const char *a, *b;
        size_t d;
    } cases[] = {
        {"socket", "socket", 0},
        {"socekt", "socket", 1}, /* a swap is one edit */
        {"euphoria.warmm", "euphoria.warm", 1},
        {"euphoria.wram", "euphoria.warm", 1},
        {"euforia", "euphoria", 2},
        {"", "log", 3},
        {"log", "", 3},
        {"ca", "abc", 3}, /* OSA: no edit of a swapped pair */
        {"retention_day", "retention_days", 1},
        {"digest.form", "digest.from", 1},
        {"threshold", "euphoria.warm", 11},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        ck_assert_msg(dt_config_distance(cases[i].a, cases[i].b) == cases[i].d,
                      "%s/%s: %zu, want %zu", cases[i].a, cases[i].b,
                      dt_config_distance(cases[i].a, cases[i].b), cases[i].d);
        ck_assert_uint_eq(dt_config_distance(cases[i].b, cases[i].a), cases[i].d);
    }
    char long_name[300];
    memset(long_name, 'x', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    ck_assert_uint_ge(dt_config_distance(long_name, "socket"), 3); /* never a near miss */
}
END_TEST

START_TEST(wrong_types)
{
    dt_test_config_error(CONF "wrong-type.conf",
                         CONF "wrong-type.conf:4: euphoria.warm: expected a number");
    dt_test_config_error(CONF "wrong-type-int.conf",
                         CONF "wrong-type-int.conf:3: euphoria.scan_limit: expected an integer");
    dt_test_config_error(CONF "wrong-type-group.conf",
                         CONF "wrong-type-group.conf:2: log: expected a group ({ ... })");
    dt_test_config_error(CONF "wrong-type-string.conf", CONF
                         "wrong-type-string.conf:1: internal_domains: expected a list of strings "
                         "([\"...\", ...])");
    /* The element's own line, not the list's. */
    dt_test_config_error(CONF "wrong-type-list.conf", CONF
                         "wrong-type-list.conf:2: internal_domains: expected a list of strings "
                         "([\"...\", ...])");
}
END_TEST

START_TEST(out_of_range)
{
    dt_test_config_error(CONF "range.conf", CONF
                         "range.conf:3: euphoria.scan_limit: must be between 4096 and 67108864");
    dt_test_config_error(
        CONF "range-warm.conf",
        CONF "range-warm.conf:3: euphoria.warm: must be greater than 0 and less than 1");
    dt_test_config_error(
        CONF "range-int64.conf",
        CONF "range-int64.conf:3: euphoria.scan_limit: must be between 4096 and 67108864");
}
END_TEST

START_TEST(integer_wrapped_by_libconfig_is_refused)
{
    dt_test_config_error(CONF "range-wrapped.conf",
                         CONF "range-wrapped.conf:4: euphoria.scan_limit: must be between 4096 and "
                              "67108864");
}
END_TEST

START_TEST(euphoric_must_exceed_warm)
{
    dt_test_config_error(CONF "euphoric-le-warm.conf",
                         CONF "euphoric-le-warm.conf:4: euphoria.euphoric: must be greater than "
                              "euphoria.warm (0.35)");
    /* Only warm set, above the default euphoric: warm is the culprit. */
    dt_test_config_error(CONF "warm-above-default.conf",
                         CONF "warm-above-default.conf:3: euphoria.warm: must be less than "
                              "euphoria.euphoric (0.6)");
}
END_TEST

START_TEST(internal_domains_required)
{
    dt_test_config_error(CONF "no-domains.conf",
                         CONF "no-domains.conf: internal_domains is required");
    dt_test_config_error(CONF "empty-domains.conf", CONF
                         "empty-domains.conf:2: internal_domains: must list at least one value");
    dt_test_config_error(
        CONF "bad-domain.conf",
        CONF "bad-domain.conf:2: internal_domains: 'corp_example' is not a domain name");
}
END_TEST

START_TEST(bad_socket)
{
    dt_test_config_error(CONF "bad-socket.conf", CONF
                         "bad-socket.conf:2: socket: 'inet:99999@127.0.0.1' is not a milter socket "
                         "(unix:/path, local:/path, inet:PORT@HOST, inet6:PORT@HOST or fd:N)");
}
END_TEST

START_TEST(bad_header_prefix)
{
    dt_test_config_error(CONF "bad-header-prefix.conf", CONF
                         "bad-header-prefix.conf:2: header_prefix: 'X-Deal: ' is not a header name "
                         "prefix of our own (4 to 40 printable characters ending in '-', no ':' or "
                         "space; every field that begins with it is removed)");
}
END_TEST

START_TEST(bad_reps)
{
    dt_test_config_error(CONF "bad-rep.conf", CONF
                         "bad-rep.conf:2: reps: 'ann' is not an address (ann@corp.example) or a "
                         "domain (@sales.corp.example)");
    dt_test_config_error(CONF "rep-external.conf",
                         CONF "rep-external.conf:3: reps: 'bob@elsewhere.example' is not in "
                              "internal_domains");
}
END_TEST

START_TEST(bad_enum_and_language)
{
    dt_test_config_error(CONF "bad-level.conf", CONF
                         "bad-level.conf:3: log.level: 'loud' is not one of debug, info, notice, "
                         "warning, error");
    dt_test_config_error(CONF "bad-language.conf", CONF
                         "bad-language.conf:3: euphoria.languages: 'english' is not a two-letter "
                         "language code");
    dt_test_config_error(CONF "duplicate-language.conf", CONF
                         "duplicate-language.conf:3: euphoria.languages: 'en' is listed twice");
}
END_TEST

START_TEST(missing_lexicon_dir)
{
    char want[PATH_MAX + 256];
    snprintf(want, sizeof(want),
             CONF "missing-lexdir.conf:3: euphoria.lexicon_dir: %s/tests/data/no-such-lexicons: "
                  "No such file or directory",
             cwd);
    dt_test_config_error(CONF "missing-lexdir.conf", want);
}
END_TEST

START_TEST(missing_language_file)
{
    char want[PATH_MAX + 256];
    snprintf(want, sizeof(want),
             CONF "missing-language.conf:4: euphoria.languages: 'sv': "
                  "%s/tests/data/lexicons-min/sv.txt: No such file or directory",
             cwd);
    dt_test_config_error(CONF "missing-language.conf", want);
}
END_TEST

/*
 * A lexicon the languages take by default, or common.txt, missing: blamed
 * on euphoria.lexicon_dir's line when the file set it, else on the file.
 */
START_TEST(missing_default_lexicons)
{
    char dir[PATH_MAX], path[PATH_MAX + 32], conf[PATH_MAX + 32], text[PATH_MAX + 128];
    char want[2 * PATH_MAX + 256];
    dt_test_mkdtemp(dir, sizeof(dir), "lexicons");
    snprintf(path, sizeof(path), "%s/bin", dir);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    snprintf(path, sizeof(path), "%s/conf", dir);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    snprintf(path, sizeof(path), "%s/conf/lexicons", dir);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    static const char *const files[] = {"en.txt", "common.txt"}; /* no nl.txt */
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof(path), "tests/data/lexicons-min/%s", files[i]);
        snprintf(text, sizeof(text), "%s", read_file(path));
        snprintf(path, sizeof(path), "%s/conf/lexicons/%s", dir, files[i]);
        dt_test_write_file(path, text, strlen(text));
    }
    struct dt_config *cfg = NULL;
    struct dt_error err = {{0}};

    /* lexicon_dir set, languages by default (en, nl, de, fr): nl.txt is the first missing */
    snprintf(conf, sizeof(conf), "%s/dir.conf", dir);
    snprintf(text, sizeof(text),
             "internal_domains = [\"corp.example\"];\neuphoria = {\n  lexicon_dir = "
             "\"%s/conf/lexicons\";\n};\n",
             dir);
    dt_test_write_file(conf, text, strlen(text));
    ck_assert_int_eq(dt_config_load(conf, exe, &cfg, &err), -1);
    snprintf(want, sizeof(want),
             "%s:3: euphoria.lexicon_dir: %s/conf/lexicons/nl.txt: No such file or directory "
             "(the lexicon of 'nl', one of the default euphoria.languages)",
             conf, dir);
    ck_assert_str_eq(err.msg, want);

    /* neither set: the lexicons are found beside the program */
    snprintf(conf, sizeof(conf), "%s/none.conf", dir);
    static const char minimal[] = "internal_domains = [\"corp.example\"];\n";
    dt_test_write_file(conf, minimal, strlen(minimal));
    snprintf(path, sizeof(path), "%s/bin/dealtemp", dir);
    ck_assert_int_eq(dt_config_load(conf, path, &cfg, &err), -1);
    snprintf(want, sizeof(want),
             "%s: euphoria.languages: %s/conf/lexicons/nl.txt: No such file or directory "
             "(the lexicon of 'nl', one of the default euphoria.languages)",
             conf, dir);
    ck_assert_str_eq(err.msg, want);

    /* common.txt missing from the directory set */
    snprintf(conf, sizeof(conf), "%s/common.conf", dir);
    snprintf(text, sizeof(text),
             "internal_domains = [\"corp.example\"];\neuphoria = {\n  languages = [\"en\"];\n"
             "  lexicon_dir = \"%s/conf/lexicons\";\n};\n",
             dir);
    dt_test_write_file(conf, text, strlen(text));
    snprintf(path, sizeof(path), "%s/conf/lexicons/common.txt", dir);
    ck_assert_int_eq(unlink(path), 0);
    ck_assert_int_eq(dt_config_load(conf, exe, &cfg, &err), -1);
    snprintf(want, sizeof(want),
             "%s:4: euphoria.lexicon_dir: %s/conf/lexicons/common.txt: No such file or directory",
             conf, dir);
    ck_assert_str_eq(err.msg, want);
    ck_assert_ptr_null(cfg);
    dt_test_rm_rf(dir);
}
END_TEST

/* No lexicon_dir and nothing beside the program: the last resort is DT_DATADIR. */
START_TEST(lexicon_search_falls_back_to_datadir)
{
    struct dt_config *cfg = NULL;
    struct dt_error err = {{0}};
    int rc = dt_config_load(CONF "minimal.conf", "/nonexistent/bin/dealtemp", &cfg, &err);
    if (access(DT_DATADIR "/lexicons/common.txt", R_OK) == 0) {
        char *want = realpath(DT_DATADIR "/lexicons", NULL);
        ck_assert_msg(rc == 0, "%s", err.msg);
        ck_assert_str_eq(cfg->lexicon_dir, want);
        free(want);
    } else {
        ck_assert_int_eq(rc, -1);
        ck_assert_str_eq(err.msg, CONF "minimal.conf: no lexicon directory found (tried "
                                       "/nonexistent/bin/../conf/lexicons, "
                                       "/nonexistent/bin/../share/dealtemp/lexicons, " DT_DATADIR
                                       "/lexicons); set euphoria.lexicon_dir");
    }
    dt_config_unref(cfg);
}
END_TEST

/* A copy of the tiny lexicons with one line broken: the lexicon's own message. */
START_TEST(bad_lexicon_line)
{
    char dir[] = "/tmp/check_config.XXXXXX", path[128], conf[128], text[512], want[160];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    static const char *const files[] = {"en.txt", "nl.txt", "common.txt"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "tests/data/lexicons-min/%s", files[i]);
        snprintf(text, sizeof(text), "%s%s", read_file(path),
                 i == 1 ? "fantastisch   veel   hype\n" : "");
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        dt_test_write_file(path, text, strlen(text));
    }
    snprintf(conf, sizeof(conf), "%s/test.conf", dir);
    snprintf(text, sizeof(text),
             "internal_domains = [\"corp.example\"];\neuphoria = { lexicon_dir = \"%s\"; };\n",
             dir);
    dt_test_write_file(conf, text, strlen(text));

    struct dt_config *cfg = (struct dt_config *)&cfg;
    struct dt_error err = {{0}};
    ck_assert_int_eq(dt_config_load(conf, exe, &cfg, &err), -1);
    ck_assert_ptr_null(cfg);
    snprintf(want, sizeof(want), "%s/nl.txt:4: ", dir);
    ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0, "got '%s', want '%s...'", err.msg,
                  want);
    ck_assert_uint_gt(strlen(err.msg), strlen(want));
    ck_assert_ptr_null(strchr(err.msg, '\n'));

    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        unlink(path);
    }
    unlink(conf);
    rmdir(dir);
}
END_TEST

START_TEST(refcount)
{
    struct dt_config *cfg = dt_test_config(CONF "lexicons-min.conf");
    ck_assert_ptr_eq(dt_config_ref(cfg), cfg);
    ck_assert_uint_eq(atomic_load(&cfg->refs), 2);
    dt_config_unref(cfg);
    ck_assert_uint_eq(atomic_load(&cfg->refs), 1);
    ck_assert_str_eq(cfg->internal_domains[0], "corp.example"); /* still alive */
    dt_config_unref(cfg);  /* freed: the sanitizer build sees any leak or double free */
    dt_config_unref(NULL); /* accepted */
    ck_assert_ptr_null(dt_config_ref(NULL));
}
END_TEST

static void *ref_churn(void *arg)
{
    struct dt_config *cfg = arg;
    for (int i = 0; i < 20000; i++) {
        struct dt_config *mine = dt_config_ref(cfg);
        if (!dt_config_is_internal(mine, "a@corp.example"))
            return mine; /* reported as a failure below */
        dt_config_unref(mine);
    }
    dt_config_unref(cfg); /* the reference main gave this thread */
    return NULL;
}

START_TEST(refcount_across_threads)
{
    struct dt_config *cfg = dt_test_config(CONF "lexicons-min.conf");
    pthread_t t[8];
    for (int i = 0; i < 8; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, ref_churn, dt_config_ref(cfg)), 0);
    for (int i = 0; i < 8; i++) {
        void *res;
        ck_assert_int_eq(pthread_join(t[i], &res), 0);
        ck_assert_ptr_null(res);
    }
    ck_assert_uint_eq(atomic_load(&cfg->refs), 1);
    dt_config_unref(cfg);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("load");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, minimal_takes_every_default);
    tcase_add_test(tc, full_sets_every_key);
    tcase_add_test(tc, int64_and_hex_integers_accepted);
    tcase_add_test(tc, sample_conf_loads);
    tcase_add_test(tc, sample_conf_documents_the_true_defaults);
    tcase_add_test(tc, relative_database_is_made_absolute_at_load_time);
    tcase_add_test(tc, syntax_error);
    tcase_add_test(tc, duplicate_key);
    tcase_add_test(tc, missing_file);
    tcase_add_test(tc, unknown_keys);
    tcase_add_test(tc, key_distance);
    tcase_add_test(tc, wrong_types);
    tcase_add_test(tc, out_of_range);
    tcase_add_test(tc, integer_wrapped_by_libconfig_is_refused);
    tcase_add_test(tc, euphoric_must_exceed_warm);
    tcase_add_test(tc, internal_domains_required);
    tcase_add_test(tc, bad_socket);
    tcase_add_test(tc, bad_header_prefix);
    tcase_add_test(tc, bad_reps);
    tcase_add_test(tc, bad_enum_and_language);
    tcase_add_test(tc, missing_lexicon_dir);
    tcase_add_test(tc, missing_language_file);
    tcase_add_test(tc, missing_default_lexicons);
    tcase_add_test(tc, lexicon_search_falls_back_to_datadir);
    tcase_add_test(tc, bad_lexicon_line);
    tcase_add_test(tc, refcount);
    tcase_add_test(tc, refcount_across_threads);
    suite_add_tcase(s, tc);
    return dt_test_run(s);
}
