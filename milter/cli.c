/*
 * cli.c - the command line of `dealtemp` (cli.h): one table row per
 * command with its synopsis, help text and long options, and the one
 * parser every command goes through.
 *
 * Public: dt_cli_parse(), dt_cli_free(), dt_cli_name(), dt_cli_usage(),
 * dt_cli_help().
 *
 * The order is what makes commands unsurprising: help is looked for
 * first (anywhere before "--"), then every option and operand is checked,
 * and only then does the program load a configuration or open a store.
 * getopt's own messages are silenced (opterr = 0) so that each problem is
 * one line naming the command.
 *
 * Failure: DT_CLI_USAGE with one line in err; the only allocations are
 * the import sources and the --rep copy ("out of memory" is a usage
 * failure too, rare enough not to deserve a status of its own).
 * DT_SYSCONFDIR is compiled in (the Makefile rebuilds cli.o when it
 * changes).
 */
#include "dealtemp/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dealtemp/cooling.h"
#include "dealtemp/report.h"
#include "dealtemp/utf8.h"

#ifndef DT_SYSCONFDIR
#define DT_SYSCONFDIR "/usr/local/etc/dealtemp"
#endif

/* Long options without a short form. */
enum {
    OPT_REP = 256,
    OPT_STATE,
    OPT_AS_OF,
    OPT_JSON,
    OPT_MBOX,
    OPT_MAILDIR,
    OPT_DRY_RUN,
    OPT_SEND,
    OPT_FORCE,
    OPT_FROM,
    OPT_TO,
    OPT_HTML
};

/* Every command takes -c/--config (but version) and -h/--help. */
static const struct option only_common[] = {
    {"config", required_argument, NULL, 'c'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
static const struct option import_opts[] = {{"config", required_argument, NULL, 'c'},
                                            {"help", no_argument, NULL, 'h'},
                                            {"mbox", required_argument, NULL, OPT_MBOX},
                                            {"maildir", required_argument, NULL, OPT_MAILDIR},
                                            {NULL, 0, NULL, 0}};
static const struct option threads_opts[] = {{"config", required_argument, NULL, 'c'},
                                             {"help", no_argument, NULL, 'h'},
                                             {"rep", required_argument, NULL, OPT_REP},
                                             {"state", required_argument, NULL, OPT_STATE},
                                             {"as-of", required_argument, NULL, OPT_AS_OF},
                                             {"json", no_argument, NULL, OPT_JSON},
                                             {NULL, 0, NULL, 0}};
static const struct option digest_opts[] = {
    {"config", required_argument, NULL, 'c'},    {"help", no_argument, NULL, 'h'},
    {"rep", required_argument, NULL, OPT_REP},   {"as-of", required_argument, NULL, OPT_AS_OF},
    {"dry-run", no_argument, NULL, OPT_DRY_RUN}, {"send", no_argument, NULL, OPT_SEND},
    {"force", no_argument, NULL, OPT_FORCE},     {NULL, 0, NULL, 0}};
static const struct option migrate_opts[] = {
    {"config", required_argument, NULL, 'c'}, {"help", no_argument, NULL, 'h'},
    {"from", required_argument, NULL, OPT_FROM}, {"to", required_argument, NULL, OPT_TO},
    {NULL, 0, NULL, 0}};
static const struct option report_opts[] = {
    {"config", required_argument, NULL, 'c'}, {"help", no_argument, NULL, 'h'},
    {"rep", required_argument, NULL, OPT_REP},  {"as-of", required_argument, NULL, OPT_AS_OF},
    {"json", no_argument, NULL, OPT_JSON},      {"html", required_argument, NULL, OPT_HTML},
    {NULL, 0, NULL, 0}};
static const struct option stats_opts[] = {{"config", required_argument, NULL, 'c'},
                                           {"help", no_argument, NULL, 'h'},
                                           {"as-of", required_argument, NULL, OPT_AS_OF},
                                           {NULL, 0, NULL, 0}};
static const struct option help_only[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};

#define OPT_CONFIG                                                                                 \
    "  -c, --config CONF  the configuration; without it $DEALTEMP_CONF, else the\n"                \
    "                     build tree's conf/dealtemp.conf, else\n"                                 \
    "                     " DT_SYSCONFDIR "/dealtemp.conf\n"
#define OPT_HELP "  -h, --help         this help\n"
#define OPT_AS_OF_TEXT                                                                             \
    "  --as-of TIME       judge as at TIME instead of now: 2026-11-20,\n"                          \
    "                     2026-11-20T09:00:00Z, 2026-11-20T10:00:00+01:00 or now\n"

static const struct command {
    const char *name;
    const char *synopsis; /* after "dealtemp NAME" */
    const char *about;    /* what it does, a line or two */
    const char *options;  /* one line per option */
    const char *shortopts;
    const struct option *longopts;
    bool files; /* takes FILE... operands (at least one) */
} commands[DT_CLI_COUNT] = {
    [DT_CLI_SCORE] = {"score", " [-c CONF] FILE...|-",
                      "Score each message file (- = standard input) as the milter would and\n"
                      "print one JSON object per message, one per line.\n",
                      OPT_CONFIG OPT_HELP, ":c:h", only_common, true},
    [DT_CLI_EXPLAIN] = {"explain", " [-c CONF] FILE...|-",
                        "For a person: the author's own words with every hit marked, each hit\n"
                        "with its weight and the intensifier or negator it was scored under, the\n"
                        "sum behind the score, and whether the milter would add its header (and\n"
                        "if not, why).\n",
                        OPT_CONFIG OPT_HELP, ":c:h", only_common, true},
    [DT_CLI_TEXT] = {"text", " [-c CONF] FILE...|-",
                     "Print exactly the words that get scored: the decoded text without\n"
                     "quotes, forwards and signature.\n",
                     OPT_CONFIG OPT_HELP, ":c:h", only_common, true},
    [DT_CLI_CHECK_CONFIG] =
        {"check-config", " -c CONF",
         "Load CONF and its lexicons as the milter would: print \"CONF: OK\" and exit 0,\n"
         "or one line \"FILE:LINE: key: reason\" and exit 1. A database directory\n"
         "that is missing or not writable is a warning: the status stays 0.\n",
         "  -c, --config CONF  the configuration to check (required)\n" OPT_HELP, ":c:h",
         only_common, false},
    [DT_CLI_IMPORT] =
        {"import", " [-c CONF] [--mbox FILE]... [--maildir DIR]...",
         "Record existing mail in the database as the milter would have (creating\n"
         "the database if needed). Idempotent: run it again after an interruption.\n",
         OPT_CONFIG
         "  --mbox FILE        an mbox file to import (read-only); may be repeated\n"
         "  --maildir DIR      a maildir to import; may be repeated\n"
         "                     (at least one --mbox or --maildir is required)\n" OPT_HELP,
         ":c:h", import_opts, false},
    [DT_CLI_THREADS] =
        {"threads", " [-c CONF] [--rep ADDR] [--state S] [--as-of TIME] [--json]",
         "List the deal threads in the database with their state, one per line\n"
         "under a heading. The database must exist.\n",
         OPT_CONFIG
         "  --rep ADDR         only the threads this rep owns\n"
         "  --state S          only threads in state S: open, waiting, warm,\n"
         "                     cooling, stalled, slowed, hesitant or carried-away\n" OPT_AS_OF_TEXT
         "  --json             one JSON object per thread instead of the table\n" OPT_HELP,
         ":c:h", threads_opts, false},
    [DT_CLI_STATS] = {"stats", " [-c CONF] [--as-of TIME]",
                      "Score histogram, level shares, thresholds that would flag 5/10/20 % of\n"
                      "outbound mail - each with the reply rates of the mail above and below\n"
                      "it, as if it were in force - counts per rep, and the running milter's\n"
                      "counters. The database must exist.\n",
                      OPT_CONFIG
                      "  --as-of TIME       judge the replies as at TIME instead of now (as for\n"
                      "                     report): 2026-11-20, 2026-11-20T09:00:00Z or now\n" OPT_HELP,
                      ":c:h", stats_opts, false},
    [DT_CLI_PURGE] = {"purge", " [-c CONF]",
                      "Delete the messages older than retention_days and say how many went.\n"
                      "The database must exist.\n",
                      OPT_CONFIG OPT_HELP, ":c:h", only_common, false},
    [DT_CLI_DIGEST] = {"digest",
                       " [-c CONF] [--rep ADDR] [--as-of TIME] (--dry-run | --send) [--force]",
                       "Build each rep's digest of stalled, cooling, hesitant, slowed and\n"
                       "carried-away deals (and the managers' roll-ups). The database must\n"
                       "exist.\n",
                       OPT_CONFIG
                       "  --rep ADDR         only this rep's digest (no roll-ups)\n" OPT_AS_OF_TEXT
                       "  --dry-run          write the digests to standard output as an mbox;\n"
                       "                     send and record nothing\n"
                       "  --send             deliver them (digest.sendmail or digest.smtp) and\n"
                       "                     record them; exactly one of --dry-run and --send\n"
                       "  --force            send again even if today's digest went out\n" OPT_HELP,
                       ":c:h", digest_opts, false},
    [DT_CLI_MIGRATE] =
        {"migrate", " [-c CONF] | --from DB --to DB",
         "Create or upgrade the schema of the configured database to this version\n"
         "(PostgreSQL: once, as the role that owns the schema; milters never do it).\n"
         "With --from and --to: copy every message and digest record from one store\n"
         "into another (e.g. a SQLite file into PostgreSQL), creating the target's\n"
         "schema, then check that the target holds every message. Running it again\n"
         "copies nothing twice.\n",
         OPT_CONFIG
         "  --from DB          the store to copy from (a SQLite file or a PostgreSQL URL)\n"
         "  --to DB            the store to copy into; both or neither\n" OPT_HELP,
         ":c:h", migrate_opts, false},
    [DT_CLI_REPORT] =
        {"report", " [-c CONF] [--as-of TIME] [--rep ADDR] (--json | --html FILE)",
         "The team's own evidence: for outbound mail of each euphoria level, how\n"
         "often the customer answered within report.window (7 days) and how fast -\n"
         "for the team, per rep and per month, with 95 % intervals and one plain\n"
         "statement of the difference between euphoric and calm mail. Mail younger\n"
         "than the window is pending and left out of the rates. The database must\n"
         "exist.\n",
         OPT_CONFIG
         "  --rep ADDR         only this rep's mail (the report holds no one else's)\n" OPT_AS_OF_TEXT
         "  --json             the figures as one JSON object on standard output\n"
         "  --html FILE        a page with the charts and their tables (- = standard\n"
         "                     output); exactly one of --json and --html\n" OPT_HELP,
         ":c:h", report_opts, false},
    [DT_CLI_VERSION] = {"version", "",
                        "Print the version (also dealtemp -V, dealtemp --version).\n", OPT_HELP,
                        ":h", help_only, false},
};

const char *dt_cli_name(enum dt_cli_command cmd)
{
    return cmd > DT_CLI_NONE && cmd < DT_CLI_COUNT ? commands[cmd].name : "";
}

static void usage_line(enum dt_cli_command cmd, const char *lead, struct dt_buf *out)
{
    dt_buf_printf(out, "%sdealtemp %s%s\n", lead, commands[cmd].name, commands[cmd].synopsis);
}

void dt_cli_usage(enum dt_cli_command cmd, struct dt_buf *out)
{
    if (cmd > DT_CLI_NONE && cmd < DT_CLI_COUNT) {
        usage_line(cmd, "usage: ", out);
        return;
    }
    for (int c = DT_CLI_NONE + 1; c < DT_CLI_COUNT; c++)
        usage_line((enum dt_cli_command)c, c == DT_CLI_NONE + 1 ? "usage: " : "       ", out);
    dt_buf_puts(out, "       dealtemp help [COMMAND]\n");
}

void dt_cli_help(enum dt_cli_command cmd, struct dt_buf *out)
{
    dt_cli_usage(cmd, out);
    if (cmd > DT_CLI_NONE && cmd < DT_CLI_COUNT) {
        dt_buf_printf(out, "\n%s\n%s", commands[cmd].about, commands[cmd].options);
        return;
    }
    dt_buf_puts(out, "\n"
                     "Scores sales mail for euphoria as dealtemp-milter does, and reports deals\n"
                     "that cooled after an enthusiastic message. `dealtemp COMMAND --help` (or\n"
                     "`dealtemp help COMMAND`) says what a command does and lists its options.\n"
                     "\n"
                     "Without -c the configuration is $DEALTEMP_CONF, else the build tree's\n"
                     "conf/dealtemp.conf, else " DT_SYSCONFDIR "/dealtemp.conf.\n"
                     "Exit status: 0 done; 1 something failed (one line \"dealtemp: ...\" on\n"
                     "standard error each); 2 the command line was wrong.\n");
}

static enum dt_cli_command find_command(const char *name)
{
    for (int c = DT_CLI_NONE + 1; c < DT_CLI_COUNT; c++)
        if (strcmp(commands[c].name, name) == 0)
            return (enum dt_cli_command)c;
    return DT_CLI_NONE;
}

static bool is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

/* argv[1] is not a command: the general help, the version, or a mistake. */
static enum dt_cli_result no_command(int argc, char **argv, struct dt_cli *cli,
                                     struct dt_error *err)
{
    const char *a = argv[1];
    if (is_help(a) || strcmp(a, "help") == 0) {
        if (strcmp(a, "help") != 0 || argc < 3)
            return DT_CLI_HELP;
        if ((cli->command = find_command(argv[2])) == DT_CLI_NONE) {
            dt_error_set(err, "help: unknown command '%.80s'", argv[2]);
            return DT_CLI_USAGE;
        }
        if (argc > 3) {
            dt_error_set(err, "help: one command at a time ('%.80s' too many)", argv[3]);
            return DT_CLI_USAGE;
        }
        return DT_CLI_HELP;
    }
    if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
        cli->command = DT_CLI_VERSION;
        if (argc > 2) {
            dt_error_set(err, "%s: unexpected argument '%.80s'", a, argv[2]);
            return DT_CLI_USAGE;
        }
        return DT_CLI_RUN;
    }
    if (a[0] == '-')
        dt_error_set(err, "'%.80s': the command comes first (dealtemp COMMAND [OPTIONS])", a);
    else
        dt_error_set(err, "unknown command '%.80s'", a);
    return DT_CLI_USAGE;
}

/* The option getopt just refused, as the user typed it. */
static const char *bad_option(char **args, char *buf, size_t size)
{
    if (optopt != 0 && optopt < 256) {
        snprintf(buf, size, "-%c", optopt);
        return buf;
    }
    return args[optind - 1];
}

/* Set one option; 0, or -1 with err set. */
static int take_option(int ch, const char *name, struct dt_cli *cli, time_t now, int *modes,
                       struct dt_error *err)
{
    enum dt_thread_state st;
    switch (ch) {
    case 'c':
        cli->conf = optarg;
        return 0;
    case OPT_MBOX:
    case OPT_MAILDIR:
        cli->sources[cli->n_sources++] = (struct dt_cli_source){ch == OPT_MAILDIR, optarg};
        return 0;
    case OPT_REP:
        free(cli->rep);
        if ((cli->rep = strdup(optarg)) == NULL)
            return dt_error_set(err, "%s: out of memory", name);
        dt_ascii_lower_str(cli->rep);
        return 0;
    case OPT_STATE:
        if (dt_state_parse(optarg, &st) < 0)
            return dt_error_set(err,
                                "%s: --state %.80s: not one of open, waiting, warm, cooling, "
                                "stalled, slowed, hesitant, carried-away",
                                name, optarg);
        cli->state = (int)st;
        return 0;
    case OPT_AS_OF:
        if (dt_parse_time(optarg, now, &cli->as_of) < 0)
            return dt_error_set(err,
                                "%s: --as-of %.80s: expected ISO 8601 (2026-11-20T09:00:00Z) "
                                "or now",
                                name, optarg);
        return 0;
    case OPT_JSON:
        cli->json = true;
        return 0;
    case OPT_HTML:
        cli->html = optarg;
        return 0;
    case OPT_DRY_RUN:
        *modes |= 1;
        return 0;
    case OPT_SEND:
        *modes |= 2;
        cli->send = true;
        return 0;
    case OPT_FORCE:
        cli->force = true;
        return 0;
    case OPT_FROM:
        cli->from = optarg;
        return 0;
    case OPT_TO:
        cli->to = optarg;
        return 0;
    }
    return dt_error_set(err, "%s: unexpected option", name); /* not in the table */
}

/* What a command needs once every option is read. */
static int complete(const struct command *c, struct dt_cli *cli, char **ops, size_t n_ops,
                    int modes, struct dt_error *err)
{
    if (c->files) {
        if (n_ops == 0)
            return dt_error_set(err, "%s: give at least one FILE (or - for standard input)",
                                c->name);
        cli->files = ops;
        cli->n_files = n_ops;
    } else if (n_ops > 0) {
        return dt_error_set(err, "%s: unexpected argument '%.80s'", c->name, ops[0]);
    }
    switch (cli->command) {
    case DT_CLI_CHECK_CONFIG:
        if (cli->conf == NULL)
            return dt_error_set(err, "check-config needs -c CONF");
        break;
    case DT_CLI_IMPORT:
        if (cli->n_sources == 0)
            return dt_error_set(err, "import: give at least one --mbox FILE or --maildir DIR");
        break;
    case DT_CLI_DIGEST:
        if (modes != 1 && modes != 2)
            return dt_error_set(err, "digest: give exactly one of --dry-run or --send");
        break;
    case DT_CLI_REPORT:
        if (cli->json == (cli->html != NULL))
            return dt_error_set(err, "report: give exactly one of --json or --html FILE");
        if (cli->html != NULL && *cli->html == '\0')
            return dt_error_set(err, "report: --html needs a file name (or - for standard "
                                     "output)");
        break;
    case DT_CLI_MIGRATE:
        if ((cli->from == NULL) != (cli->to == NULL))
            return dt_error_set(err, "migrate: give both --from DB and --to DB, or neither");
        if (cli->from != NULL && cli->conf != NULL)
            return dt_error_set(err, "migrate: -c and --from/--to do not go together");
        if (cli->from != NULL && strcmp(cli->from, cli->to) == 0)
            return dt_error_set(err, "migrate: --from and --to name the same store");
        break;
    default:
        break;
    }
    return 0;
}

enum dt_cli_result dt_cli_parse(int argc, char **argv, time_t now, struct dt_cli *cli,
                                struct dt_error *err)
{
    memset(cli, 0, sizeof(*cli));
    cli->state = -1;
    cli->as_of = now;
    if (argc < 2) {
        dt_error_set(err, "no command given");
        return DT_CLI_USAGE;
    }
    if ((cli->command = find_command(argv[1])) == DT_CLI_NONE)
        return no_command(argc, argv, cli, err);
    const struct command *c = &commands[cli->command];
    for (int i = 2; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (is_help(argv[i]))
            return DT_CLI_HELP;
    if (cli->command == DT_CLI_IMPORT &&
        (cli->sources = calloc((size_t)argc, sizeof(*cli->sources))) == NULL) {
        dt_error_set(err, "%s: out of memory", c->name);
        return DT_CLI_USAGE;
    }

    /* Parse argv[1..]: argv[1], the command, stands where getopt expects the program. */
    char **args = argv + 1;
    int n = argc - 1, ch, modes = 0;
    char shown[4];
    opterr = 0;
    optind = 0; /* GNU: start afresh */
    while ((ch = getopt_long(n, args, c->shortopts, c->longopts, NULL)) != -1) {
        if (ch == '?') {
            const char *bad = bad_option(args, shown, sizeof(shown)), *eq = strchr(bad, '=');
            if (optopt != 0 && strncmp(bad, "--", 2) == 0 && eq != NULL)
                dt_error_set(err, "%s: option '%.*s' takes no value", c->name,
                             (int)(eq - bad < 80 ? eq - bad : 80), bad);
            else
                dt_error_set(err, "%s: unknown option '%.80s'", c->name, bad);
            return DT_CLI_USAGE;
        }
        if (ch == ':') {
            dt_error_set(err, "%s: option '%.80s' needs a value", c->name,
                         bad_option(args, shown, sizeof(shown)));
            return DT_CLI_USAGE;
        }
        if (ch == 'h')
            return DT_CLI_HELP; /* an abbreviation: --he */
        if (take_option(ch, c->name, cli, now, &modes, err) < 0)
            return DT_CLI_USAGE;
    }
    if (complete(c, cli, args + optind, (size_t)(n - optind), modes, err) < 0)
        return DT_CLI_USAGE;
    return DT_CLI_RUN;
}

void dt_cli_free(struct dt_cli *cli)
{
    if (cli == NULL)
        return;
    free(cli->sources);
    free(cli->rep);
    cli->sources = NULL;
    cli->rep = NULL;
}
