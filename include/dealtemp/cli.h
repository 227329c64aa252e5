/*
 * cli.h - the command line of `dealtemp`: which command, which options,
 * and the help and usage texts. Parsing only: nothing is loaded, opened
 * or printed here, so `dealtemp purge --help` can never purge and a wrong
 * option is refused before any configuration is read or store opened.
 *
 * The rules every command follows:
 *  - -h or --help anywhere among the arguments (before a "--") asks for
 *    that command's help, whatever else is there: DT_CLI_HELP;
 *  - `dealtemp`, `dealtemp --help`, `dealtemp -h` and `dealtemp help` ask
 *    for the general help, `dealtemp help COMMAND` for a command's;
 *  - an unknown command or option, a missing option argument, an operand
 *    a command does not take, a value that does not parse (--state,
 *    --as-of) or a required option left out: DT_CLI_USAGE, with one line
 *    in err ("threads: unknown option '--bogus'"); the program prints it
 *    and the command's usage on stderr and exits DT_CLI_USAGE_STATUS (2).
 *    Exit status 1 is left for work that failed.
 */
#ifndef DEALTEMP_CLI_H
#define DEALTEMP_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "dealtemp/buf.h"
#include "dealtemp/error.h"

/* The exit status of a command line that was not understood. */
#define DT_CLI_USAGE_STATUS 2

enum dt_cli_command {
    DT_CLI_NONE, /* no command (the general help) */
    DT_CLI_SCORE,
    DT_CLI_EXPLAIN,
    DT_CLI_TEXT,
    DT_CLI_CHECK_CONFIG,
    DT_CLI_IMPORT,
    DT_CLI_THREADS,
    DT_CLI_STATS,
    DT_CLI_PURGE,
    DT_CLI_DIGEST,
    DT_CLI_MIGRATE,
    DT_CLI_REPORT,
    DT_CLI_VERSION,
    DT_CLI_COUNT
};

enum dt_cli_result {
    DT_CLI_RUN,   /* run cli->command */
    DT_CLI_HELP,  /* print dt_cli_help(cli->command) on stdout, exit 0 */
    DT_CLI_USAGE, /* print err and dt_cli_usage(cli->command) on stderr, exit 2 */
};

/* One import source, in the order given. */
struct dt_cli_source {
    bool maildir; /* --maildir DIR, else --mbox FILE */
    const char *path;
};

struct dt_cli {
    enum dt_cli_command command;
    const char *conf;               /* -c / --config, or NULL */
    char **files;                   /* score, explain, text: the files (into argv) */
    size_t n_files;
    struct dt_cli_source *sources;  /* import: at least one; owned */
    size_t n_sources;
    char *rep;                      /* --rep, lower-cased as the store keeps addresses; owned */
    int state;                      /* --state: an enum dt_thread_state, -1 = any */
    time_t as_of;                   /* --as-of, else now */
    bool json;                      /* threads --json, report --json */
    const char *html;               /* report --html FILE ("-": standard output), or NULL */
    bool send;                      /* digest --send (else --dry-run) */
    bool force;                     /* digest --force */
    const char *from, *to;          /* migrate --from DB --to DB (both or neither) */
};

/*
 * Read argv (argv[1] is the command). GNU getopt rules: options and
 * operands may be mixed (argv is reordered), long options may be
 * abbreviated, "--" ends the options. now is what --as-of now (and no
 * --as-of) means. Returns a dt_cli_result; cli is filled as far as it got
 * (cli->command is set whenever the command was recognised) and must be
 * released with dt_cli_free() in every case. Uses getopt's global state.
 */
enum dt_cli_result dt_cli_parse(int argc, char **argv, time_t now, struct dt_cli *cli,
                                struct dt_error *err);
void dt_cli_free(struct dt_cli *cli);

/* "score", ..., "version"; "" for DT_CLI_NONE. */
const char *dt_cli_name(enum dt_cli_command cmd);

/* The usage line of cmd ("usage: dealtemp stats [-c CONF]\n"), or of every command. */
void dt_cli_usage(enum dt_cli_command cmd, struct dt_buf *out);
/* The usage, what the command does and its options, a few lines each. */
void dt_cli_help(enum dt_cli_command cmd, struct dt_buf *out);

#endif
