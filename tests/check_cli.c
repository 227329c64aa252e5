/*
 * check_cli.c - the command line of `dealtemp` (cli.h): help wherever it
 * is asked for, every kind of wrong command line refused with its one
 * line, the options of each command read into struct dt_cli, and help
 * and usage texts that name every command and option.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dealtemp/cli.h"
#include "dealtemp/cooling.h"
#include "testutil.h"

#define NOW ((time_t)1790000000)
#define MAX_ARGS 16

/* argv as main gets it (modifiable: getopt reorders it), from a NULL-ended list. */
static char *args[MAX_ARGS + 1];
static char storage[MAX_ARGS][128];
static struct dt_cli cli;
static struct dt_error err;

static enum dt_cli_result parse(const char *first, ...)
{
    va_list ap;
    int n = 0;
    args[n] = strcpy(storage[n], "dealtemp");
    n++;
    va_start(ap, first);
    for (const char *a = first; a != NULL; a = va_arg(ap, const char *)) {
        ck_assert_int_lt(n, MAX_ARGS);
        args[n] = strcpy(storage[n], a);
        n++;
    }
    va_end(ap);
    args[n] = NULL;
    memset(&err, 0, sizeof(err));
    dt_cli_free(&cli);
    return dt_cli_parse(n, args, NOW, &cli, &err);
}

static void teardown(void)
{
    dt_cli_free(&cli);
}

#define ck_usage(want, ...)                                                                        \
    do {                                                                                           \
        ck_assert_int_eq(parse(__VA_ARGS__, NULL), DT_CLI_USAGE);                                  \
        ck_assert_str_eq(err.msg, want);                                                           \
    } while (0)

START_TEST(help_anywhere_never_runs)
{
    static const char *const cmds[] = {"score",   "explain", "text",  "check-config", "import",
                                       "threads", "stats",   "purge", "digest",       "version"};
    for (size_t i = 0; i < sizeof(cmds) / sizeof(*cmds); i++) {
        ck_assert_int_eq(parse(cmds[i], "--help", NULL), DT_CLI_HELP);
        ck_assert_str_eq(dt_cli_name(cli.command), cmds[i]);
        ck_assert_int_eq(parse(cmds[i], "-h", NULL), DT_CLI_HELP);
        ck_assert_str_eq(dt_cli_name(cli.command), cmds[i]);
        /* after other options, even wrong ones, and before operands */
        ck_assert_int_eq(parse(cmds[i], "-c", "x.conf", "--bogus", "file", "-h", NULL),
                         DT_CLI_HELP);
        ck_assert_str_eq(dt_cli_name(cli.command), cmds[i]);
    }
    ck_assert_int_eq(parse("purge", "-c", "/nonexistent.conf", "--help", NULL), DT_CLI_HELP);
    ck_assert_int_eq(parse("threads", "--he", NULL), DT_CLI_HELP); /* abbreviated */
    /* after "--" it is an operand */
    ck_assert_int_eq(parse("score", "--", "-h", NULL), DT_CLI_RUN);
    ck_assert_uint_eq(cli.n_files, 1);
    ck_assert_str_eq(cli.files[0], "-h");
}
END_TEST

START_TEST(general_help_and_version)
{
    ck_assert_int_eq(parse("--help", NULL), DT_CLI_HELP);
    ck_assert_int_eq(cli.command, DT_CLI_NONE);
    ck_assert_int_eq(parse("-h", NULL), DT_CLI_HELP);
    ck_assert_int_eq(cli.command, DT_CLI_NONE);
    ck_assert_int_eq(parse("help", NULL), DT_CLI_HELP);
    ck_assert_int_eq(cli.command, DT_CLI_NONE);
    ck_assert_int_eq(parse("help", "digest", NULL), DT_CLI_HELP);
    ck_assert_int_eq(cli.command, DT_CLI_DIGEST);
    ck_usage("help: unknown command 'bogus'", "help", "bogus");
    ck_usage("help: one command at a time ('stats' too many)", "help", "purge", "stats");
    ck_assert_int_eq(parse("version", NULL), DT_CLI_RUN);
    ck_assert_int_eq(cli.command, DT_CLI_VERSION);
    ck_assert_int_eq(parse("-V", NULL), DT_CLI_RUN);
    ck_assert_int_eq(cli.command, DT_CLI_VERSION);
    ck_assert_int_eq(parse("--version", NULL), DT_CLI_RUN);
    ck_assert_int_eq(cli.command, DT_CLI_VERSION);
}
END_TEST

START_TEST(wrong_command_lines)
{
    ck_assert_int_eq(dt_cli_parse(1, args, NOW, &cli, &err), DT_CLI_USAGE);
    ck_assert_str_eq(err.msg, "no command given");
    ck_usage("unknown command 'bogus'", "bogus");
    ck_usage("'-c': the command comes first (dealtemp COMMAND [OPTIONS])", "-c", "x", "stats");
    ck_usage("stats: unknown option '--bogus'", "stats", "--bogus");
    ck_usage("purge: unknown option '-z'", "purge", "-z");
    ck_usage("score: unknown option '-z'", "score", "-zc", "x", "m.eml");
    ck_usage("digest: unknown option '--json'", "digest", "--dry-run", "--json");
    ck_usage("threads: option '--json' takes no value", "threads", "--json=yes");
    ck_usage("threads: option '--rep' needs a value", "threads", "--rep");
    ck_usage("stats: option '-c' needs a value", "stats", "-c");
    ck_usage("stats: unexpected argument 'now'", "stats", "now");
    ck_usage("version: unexpected argument 'x'", "version", "x");
    ck_usage("--version: unexpected argument 'x'", "--version", "x");
    ck_usage("threads: --state hot: not one of open, waiting, warm, cooling, stalled, slowed, "
             "hesitant, carried-away",
             "threads", "--state", "hot");
    ck_usage("report: give exactly one of --json or --html FILE", "report");
    ck_usage("report: give exactly one of --json or --html FILE", "report", "--json", "--html",
             "r.html");
    ck_usage("report: option '--html' needs a value", "report", "--html");
    ck_usage("report: --html needs a file name (or - for standard output)", "report", "--html=");
    ck_usage("stats: --as-of soon: expected ISO 8601 (2026-11-20T09:00:00Z) or now", "stats",
             "--as-of", "soon");
    ck_usage("report: unexpected argument 'x'", "report", "--json", "x");
    ck_usage("report: unknown option '--state'", "report", "--json", "--state", "cooling");
    ck_usage("digest: --as-of tomorrow: expected ISO 8601 (2026-11-20T09:00:00Z) or now", "digest",
             "--dry-run", "--as-of", "tomorrow");
    ck_usage("score: give at least one FILE (or - for standard input)", "score", "-c", "x");
    ck_usage("check-config needs -c CONF", "check-config");
    ck_usage("check-config: unexpected argument 'x.conf'", "check-config", "x.conf");
    ck_usage("import: give at least one --mbox FILE or --maildir DIR", "import", "-c", "x");
    ck_usage("digest: give exactly one of --dry-run or --send", "digest");
    ck_usage("digest: give exactly one of --dry-run or --send", "digest", "--send", "--dry-run");
    ck_assert_int_eq(cli.command, DT_CLI_DIGEST); /* so the program shows digest's usage */
}
END_TEST

START_TEST(options_are_read)
{
    ck_assert_int_eq(parse("score", "a.eml", "-c", "x.conf", "-", NULL), DT_CLI_RUN);
    ck_assert_int_eq(cli.command, DT_CLI_SCORE);
    ck_assert_str_eq(cli.conf, "x.conf");
    ck_assert_uint_eq(cli.n_files, 2);
    ck_assert_str_eq(cli.files[0], "a.eml");
    ck_assert_str_eq(cli.files[1], "-");

    ck_assert_int_eq(parse("check-config", "--config=y.conf", NULL), DT_CLI_RUN);
    ck_assert_str_eq(cli.conf, "y.conf");
    ck_assert_int_eq(parse("stats", "-cz.conf", NULL), DT_CLI_RUN);
    ck_assert_str_eq(cli.conf, "z.conf");

    ck_assert_int_eq(parse("threads", NULL), DT_CLI_RUN);
    ck_assert_ptr_null(cli.conf);
    ck_assert_ptr_null(cli.rep);
    ck_assert_int_eq(cli.state, -1);
    ck_assert_int_eq(cli.as_of, NOW);
    ck_assert(!cli.json);
    ck_assert_int_eq(parse("threads", "--rep", "Ann@Corp.Example", "--state", "cooling", "--as-of",
                           "2026-11-20T09:00:00Z", "--json", NULL),
                     DT_CLI_RUN);
    ck_assert_str_eq(cli.rep, "ann@corp.example"); /* as the store keeps it */
    ck_assert_int_eq(cli.state, DT_STATE_COOLING);
    ck_assert_int_eq(cli.as_of, dt_test_utc(2026, 11, 20, 9, 0, 0));
    ck_assert(cli.json);

    ck_assert_int_eq(
        parse("import", "--mbox", "a.mbox", "--maildir", "Maildir", "--mbox=b.mbox", NULL),
        DT_CLI_RUN);
    ck_assert_uint_eq(cli.n_sources, 3);
    ck_assert(!cli.sources[0].maildir);
    ck_assert_str_eq(cli.sources[0].path, "a.mbox");
    ck_assert(cli.sources[1].maildir);
    ck_assert_str_eq(cli.sources[1].path, "Maildir");
    ck_assert_str_eq(cli.sources[2].path, "b.mbox");

    ck_assert_int_eq(parse("digest", "--dry-run", "--rep", "bob@corp.example", NULL), DT_CLI_RUN);
    ck_assert(!cli.send);
    ck_assert(!cli.force);
    ck_assert_str_eq(cli.rep, "bob@corp.example");
    ck_assert_int_eq(parse("digest", "--send", "--force", "--as-of", "now", NULL), DT_CLI_RUN);
    ck_assert(cli.send);
    ck_assert(cli.force);
    ck_assert_int_eq(cli.as_of, NOW);

    ck_assert_int_eq(parse("report", "--html", "-", "--rep", "Ann@corp.example", NULL), DT_CLI_RUN);
    ck_assert_str_eq(cli.html, "-");
    ck_assert(!cli.json);
    ck_assert_int_eq(parse("report", "--json", NULL), DT_CLI_RUN);
    ck_assert_ptr_null(cli.html);
    ck_assert_int_eq(parse("stats", "--as-of", "2026-11-20T17:00:00Z", NULL), DT_CLI_RUN);
    ck_assert_int_eq(cli.as_of, dt_test_utc(2026, 11, 20, 17, 0, 0));
}
END_TEST

START_TEST(texts_name_every_command_and_option)
{
    struct dt_buf b = DT_BUF_INIT;
    dt_cli_help(DT_CLI_NONE, &b);
    ck_assert(!dt_buf_failed(&b));
    for (int c = DT_CLI_NONE + 1; c < DT_CLI_COUNT; c++) {
        char want[64];
        snprintf(want, sizeof(want), "dealtemp %s", dt_cli_name((enum dt_cli_command)c));
        ck_assert_contains(b.data, want);
    }
    ck_assert_contains(b.data, "2 the command line was wrong");
    dt_buf_free(&b);

    static const struct {
        enum dt_cli_command cmd;
        const char *options[6];
    } per[] = {
        {DT_CLI_SCORE, {"--config CONF", "--help"}},
        {DT_CLI_CHECK_CONFIG, {"--config CONF", "(required)"}},
        {DT_CLI_IMPORT, {"--mbox FILE", "--maildir DIR"}},
        {DT_CLI_THREADS, {"--rep ADDR", "--state S", "--as-of TIME", "--json"}},
        {DT_CLI_DIGEST, {"--rep ADDR", "--as-of TIME", "--dry-run", "--send", "--force"}},
        {DT_CLI_REPORT, {"--rep ADDR", "--as-of TIME", "--json", "--html FILE"}},
        {DT_CLI_STATS, {"--as-of TIME"}},
        {DT_CLI_VERSION, {"--help"}},
    };
    for (size_t i = 0; i < sizeof(per) / sizeof(*per); i++) {
        dt_cli_help(per[i].cmd, &b);
        for (size_t k = 0; k < 6 && per[i].options[k] != NULL; k++)
            ck_assert_contains(b.data, per[i].options[k]);
        dt_buf_reset(&b);
    }
    for (int c = DT_CLI_NONE + 1; c < DT_CLI_COUNT; c++) {
        dt_cli_usage((enum dt_cli_command)c, &b);
        ck_assert_msg(strncmp(b.data, "usage: dealtemp ", 16) == 0, "%s", b.data);
        ck_assert_ptr_eq(strchr(b.data, '\n'), b.data + b.len - 1); /* one line */
        dt_buf_reset(&b);
        /* no line of the help under the synopsis wider than 80 columns */
        dt_cli_help((enum dt_cli_command)c, &b);
        for (const char *l = strstr(b.data, "\n\n"), *nl; (nl = strchr(l, '\n')) != NULL;
             l = nl + 1)
            ck_assert_msg(nl - l <= 80, "%.*s", (int)(nl - l), l);
        dt_buf_reset(&b);
    }
    dt_buf_free(&b);
}
END_TEST

static Suite *cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("parse");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, help_anywhere_never_runs);
    tcase_add_test(tc, general_help_and_version);
    tcase_add_test(tc, wrong_command_lines);
    tcase_add_test(tc, options_are_read);
    tcase_add_test(tc, texts_name_every_command_and_option);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_test_run(cli_suite());
}
