/*
 * dealtemp - the command-line tool: wiring only. The command line is read
 * by cli.c (cli.h), which also holds every usage and help text:
 *
 *   dealtemp score   [-c CONF] FILE...|-   one JSON object per message
 *   dealtemp explain [-c CONF] FILE...|-   the same for a person
 *   dealtemp text    [-c CONF] FILE...|-   exactly the own words that get scored
 *   dealtemp check-config -c CONF          validate; exit 0 or 1
 *   dealtemp import  [-c CONF] [--mbox FILE]... [--maildir DIR]...
 *   dealtemp threads [-c CONF] [--rep ADDR] [--state S] [--as-of TIME] [--json]
 *   dealtemp stats   [-c CONF] [--as-of TIME]
 *   dealtemp purge   [-c CONF]                 forget messages older than retention_days
 *   dealtemp digest  [-c CONF] [--rep ADDR] [--as-of TIME] (--dry-run | --send) [--force]
 *   dealtemp report  [-c CONF] [--as-of TIME] [--rep ADDR] (--json | --html FILE)
 *   dealtemp version
 *   dealtemp help [COMMAND], dealtemp COMMAND --help
 *
 * Help goes to stdout with status 0 and does nothing else; a command line
 * that is not understood gets one line and the usage on stderr and status
 * 2 (DT_CLI_USAGE_STATUS), before any configuration is loaded.
 *
 * Without -c the configuration is $DEALTEMP_CONF, else the build tree's
 * conf/dealtemp.conf next to this binary, else DT_SYSCONFDIR/dealtemp.conf.
 * A file that cannot be read or parsed gives one line "dealtemp: FILE:
 * reason" on stderr; the other files are still processed and the exit
 * status is 1. Oddities that do not stop scoring ("unknown charset ...")
 * are printed as "dealtemp: FILE: warning: ..." and do not change it.
 * Everything printed is cleaned as utf8.h says (emit, say, tell): no
 * control, bidi or hidden character from a message or the store reaches
 * the terminal; `text` prints the scored words without them.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dealtemp/analyze.h"
#include "dealtemp/cli.h"
#include "dealtemp/config.h"
#include "dealtemp/digest.h"
#include "dealtemp/error.h"
#include "dealtemp/import.h"
#include "dealtemp/migrate.h"
#include "dealtemp/purge.h"
#include "dealtemp/outcomes.h"
#include "dealtemp/outcomes_html.h"
#include "dealtemp/report.h"
#include "dealtemp/stats.h"
#include "dealtemp/store.h"
#include "dealtemp/utf8.h"
#include "dealtemp/version.h"

static const char *self_path(const char *argv0)
{
    static char path[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
    if (n <= 0)
        return argv0;
    path[n] = '\0';
    return path;
}

/*
 * What dealtemp prints is partly mail and store text - subjects, names,
 * phrases, maildir file names, values quoted in errors - so all of it
 * leaves through emit(), say() or tell(), and so through the one rule of
 * utf8.h: no control (an ESC sequence), bidi (U+202E) or hidden character
 * reaches the terminal. JSON arrives with those already \u-escaped.
 */
static void emit(FILE *fp, const char *s, size_t n)
{
    struct dt_buf b = DT_BUF_INIT;
    dt_utf8_clean_lines(&b, s, n);
    if (dt_buf_failed(&b))
        fputs("dealtemp: out of memory\n", stderr);
    else
        fwrite(b.data ? b.data : "", 1, b.len, fp);
    dt_buf_free(&b);
}

static void line_to(FILE *fp, const char *fmt, va_list ap)
{
    char raw[8192];
    vsnprintf(raw, sizeof(raw), fmt, ap);
    struct dt_buf b = DT_BUF_INIT;
    dt_utf8_clean_line(&b, raw, SIZE_MAX, false);
    const char *text = b.data != NULL ? b.data : dt_buf_failed(&b) ? "out of memory" : "";
    fprintf(fp, "dealtemp: %s\n", text);
    dt_buf_free(&b);
}

/* "dealtemp: " and one clean line on stderr. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    line_to(stderr, fmt, ap);
    va_end(ap);
}

/* The same on stdout: a command's result line. */
static void tell(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void tell(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    line_to(stdout, fmt, ap);
    va_end(ap);
}

/* The configuration to use when -c is not given (see the top comment). */
static const char *default_config(const char *exe)
{
    static char path[PATH_MAX];
    const char *env = getenv("DEALTEMP_CONF");
    if (env != NULL && *env)
        return env;
    const char *slash = strrchr(exe, '/');
    if (slash != NULL) {
        snprintf(path, sizeof(path), "%.*s/../conf/dealtemp.conf", (int)(slash - exe), exe);
        if (access(path, R_OK) == 0)
            return path;
    }
    return DT_SYSCONFDIR "/dealtemp.conf";
}

/* Read a whole file ("-" = stdin). Returns NULL with errno set on failure. */
static char *slurp(const char *file, size_t *len)
{
    FILE *fp = strcmp(file, "-") == 0 ? stdin : fopen(file, "rb");
    if (fp == NULL)
        return NULL;
    struct dt_buf b = DT_BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        dt_buf_append(&b, chunk, n);
    int failed = ferror(fp);
    if (fp != stdin)
        fclose(fp);
    if (failed) {
        dt_buf_free(&b);
        errno = EIO;
        return NULL;
    }
    char *data = dt_buf_steal(&b, len);
    if (data == NULL)
        errno = ENOMEM;
    return data;
}

static int process(const struct dt_config *cfg, enum dt_cli_command cmd, const char *file)
{
    size_t len;
    char *raw = slurp(file, &len);
    if (raw == NULL) {
        say("%s: %s", file, strerror(errno));
        return -1;
    }
    struct dt_facts facts;
    struct dt_error err = {{0}};
    unsigned flags = DT_ANALYZE_SCORE_ALL | (cmd != DT_CLI_SCORE ? DT_ANALYZE_KEEP_TEXT : 0);
    int rc = dt_analyze(cfg, raw, len, NULL, flags, &facts, &err);
    free(raw);
    if (rc < 0) {
        say("%s: %s", file, err.msg);
        return -1;
    }
    if (facts.msg->warning[0])
        say("%s: warning: %s", file, facts.msg->warning);

    struct dt_buf out = DT_BUF_INIT;
    if (cmd == DT_CLI_SCORE)
        dt_report_json(&facts, file, &out);
    else if (cmd == DT_CLI_EXPLAIN)
        dt_report_explain(&facts, cfg, file, &out);
    else
        dt_buf_append(&out, facts.own_text, facts.own_len);
    dt_facts_clear(&facts);
    if (dt_buf_failed(&out)) {
        say("%s: out of memory", file);
        dt_buf_free(&out);
        return -1;
    }
    emit(stdout, out.data ? out.data : "", out.len);
    dt_buf_free(&out);
    return 0;
}

/*
 * Only import creates the database (as the milter does); the commands that
 * read or maintain one refuse a missing file and leave nothing behind.
 */
static struct dt_store *open_store(const struct dt_config *cfg, bool create)
{
    struct dt_store *st;
    struct dt_error err = {{0}};
    int rc = create ? dt_store_open(cfg->database, &st, &err)
                    : dt_store_open_existing(cfg->database, &st, &err);
    if (rc < 0) {
        say("%s", err.msg);
        return NULL;
    }
    return st;
}

struct threads_out {
    bool json;
    size_t n;
    struct dt_buf b; /* reused for every line */
};

static int print_deal(const struct dt_deal *d, void *arg)
{
    struct threads_out *o = arg;
    dt_buf_reset(&o->b);
    if (o->json)
        dt_report_deal_json(d, &o->b);
    else
        dt_report_deal_row(d, &o->b);
    if (dt_buf_failed(&o->b))
        return -1;
    emit(stdout, o->b.data, o->b.len);
    o->n++;
    return 0;
}

static int cmd_threads(const struct dt_config *cfg, const struct dt_cli *cli)
{
    struct dt_deals_query q = {cli->rep, cli->state, cli->as_of};
    struct threads_out o = {cli->json, 0, DT_BUF_INIT};
    struct dt_store *st = open_store(cfg, false);
    if (st == NULL)
        return 1;
    if (!o.json) {
        struct dt_buf b = DT_BUF_INIT;
        dt_report_deal_heading(cfg->profile, &b);
        emit(stdout, b.data ? b.data : "", b.len);
        dt_buf_free(&b);
    }
    struct dt_error err = {{0}};
    int rc = dt_deals_each(st, cfg, &q, print_deal, &o, &err);
    if (rc < 0 && err.msg[0] == '\0')
        dt_error_set(&err, "out of memory");
    dt_buf_free(&o.b);
    dt_store_close(st);
    if (rc < 0) {
        say("%s", err.msg);
        return 1;
    }
    /* An empty table after a filter could be a typo: say it was looked for. */
    if (o.n == 0 && (q.rep != NULL || q.state >= 0)) {
        fflush(stdout);
        say("no %s%sdeals%s%s", q.state >= 0 ? dt_state_name((enum dt_thread_state)q.state) : "",
            q.state >= 0 ? " " : "", q.rep != NULL ? " for " : "", q.rep != NULL ? q.rep : "");
    }
    return 0;
}

static int count_deal(const struct dt_deal *d, void *arg)
{
    (void)d;
    ++*(size_t *)arg;
    return 0;
}

/* digest --rep wrote nothing: say whether the rep has deals at all. */
static void nothing_for(struct dt_store *st, const struct dt_config *cfg, const struct dt_cli *cli)
{
    struct dt_deals_query q = {cli->rep, -1, cli->as_of};
    struct dt_error err = {{0}};
    size_t n = 0;
    if (dt_deals_each(st, cfg, &q, count_deal, &n, &err) < 0)
        say("%s", err.msg);
    else if (n == 0)
        say("no deals for %s", cli->rep);
    else
        say("digest: nothing to report for %s (%zu deal%s, none stalled, cooling, "
            "hesitant, slowed or carried away)",
            cli->rep, n, n == 1 ? "" : "s");
}

/*
 * The page of report --html into file ("-": standard output, whose errors
 * run() reports). A file that could not be written whole is removed: half
 * a page would look like a whole one. 0, or 1 after saying why.
 */
static int write_page(const char *file, const struct dt_buf *b)
{
    if (strcmp(file, "-") == 0) {
        fwrite(b->data, 1, b->len, stdout);
        return 0;
    }
    FILE *fp = fopen(file, "w");
    if (fp == NULL) {
        say("%s: %s", file, strerror(errno));
        return 1;
    }
    bool bad = fwrite(b->data, 1, b->len, fp) != b->len || fflush(fp) != 0;
    int saved = errno;
    if (fclose(fp) != 0 && !bad) {
        bad = true;
        saved = errno;
    }
    if (!bad)
        return 0;
    say("%s: %s", file, strerror(saved ? saved : EIO));
    unlink(file);
    return 1;
}

/* report: the team's (or --rep's) reply outcomes by level (outcomes.h), as JSON or a page. */
static int cmd_report(const struct dt_config *cfg, const struct dt_cli *cli)
{
    struct dt_store *st = open_store(cfg, false);
    if (st == NULL)
        return 1;
    struct dt_outcomes o;
    struct dt_error err = {{0}};
    int rc = dt_outcomes_collect(st, cfg, cli->as_of, cli->rep, &o, &err);
    dt_store_close(st);
    if (rc < 0) {
        say("%s", err.msg);
        return 1;
    }
    struct dt_buf b = DT_BUF_INIT;
    const char *lang = dt_config_digest_language_for(cfg, cli->rep);
    if (cli->html != NULL)
        dt_outcomes_html(&o, cfg, lang, cli->rep, &b);
    else
        dt_outcomes_json(&o, lang, &b);
    bool none = cli->rep != NULL && o.n_reps == 0;
    dt_outcomes_free(&o);
    if (dt_buf_failed(&b)) {
        dt_buf_free(&b);
        say("out of memory");
        return 1;
    }
    int status = 0;
    if (cli->html != NULL)
        status = write_page(cli->html, &b);
    else
        emit(stdout, b.data, b.len);
    dt_buf_free(&b);
    if (none)
        say("no outbound mail of %s", cli->rep);
    return status;
}

static int cmd_stats(const struct dt_config *cfg, const struct dt_cli *cli)
{
    struct dt_store *st = open_store(cfg, false);
    if (st == NULL)
        return 1;
    struct dt_stats s;
    struct dt_error err = {{0}};
    int rc = dt_stats_collect(st, cfg, &s, &err);
    if (rc == 0)
        rc = dt_stats_collect_outcomes(st, cfg, cli->as_of, &s, &err);
    dt_store_close(st);
    if (rc < 0) {
        say("%s", err.msg);
    } else {
        struct dt_buf b = DT_BUF_INIT;
        dt_stats_render(&s, cfg, &b);
        dt_stats_render_milter(cfg, &b);
        emit(stdout, b.data ? b.data : "", b.len);
        dt_buf_free(&b);
    }
    dt_stats_free(&s);
    return rc < 0;
}

static int cmd_digest(const struct dt_config *cfg, const struct dt_cli *cli)
{
    struct dt_digest_run_opts o = {cli->rep, cli->as_of, cli->send, cli->force};
    struct dt_store *st = open_store(cfg, false);
    if (st == NULL)
        return 1;
    struct dt_digest_run_report r;
    struct dt_error err = {{0}};
    int rc = dt_digest_run(st, cfg, &o, stdout, stderr, &r, &err);
    if (rc >= 0 && o.only != NULL && r.sent + r.written + r.skipped_sent_today + r.failed == 0)
        nothing_for(st, cfg, cli);
    dt_store_close(st);
    if (rc < 0) {
        say("digest: %s", err.msg);
        return 1;
    }
    if (o.send)
        say("digest: %zu sent, %zu already sent today, %zu failed", r.sent, r.skipped_sent_today,
            r.failed);
    return rc;
}

static int cmd_purge(const struct dt_config *cfg)
{
    struct dt_store *st = open_store(cfg, false);
    if (st == NULL)
        return 1;
    struct dt_error err = {{0}};
    size_t deleted = 0;
    int rc = dt_purge_expired(st, cfg, time(NULL), &deleted, &err);
    dt_store_close(st);
    if (rc < 0) {
        say("%s", err.msg);
        return 1;
    }
    tell("purged %zu messages older than %d days", deleted, cfg->retention_days);
    return 0;
}

static int cmd_import(const struct dt_config *cfg, const struct dt_cli *cli)
{
    struct dt_store *st = open_store(cfg, true);
    if (st == NULL)
        return 1;
    bool tty = isatty(2);
    int status = 0;
    struct dt_import_stats total;
    memset(&total, 0, sizeof(total));
    for (size_t i = 0; i < cli->n_sources; i++) {
        const char *path = cli->sources[i].path;
        struct dt_import_stats s;
        struct dt_error err = {{0}};
        int rc = cli->sources[i].maildir ? dt_import_maildir(st, cfg, path, tty, &s, &err)
                                         : dt_import_mbox(st, cfg, path, tty, &s, &err);
        if (rc < 0) {
            say("%s", err.msg);
            status = 1;
            continue;
        }
        for (int k = 0; k < DT_IMPORT_NAMED && k < (int)s.malformed; k++)
            say("%s: skipped: %s", path, s.first_malformed[k]);
        for (int k = 0; k < DT_IMPORT_NAMED && k < (int)s.skipped; k++)
            say("%s: skipped: %s", path, s.first_skipped[k]);
        total.seen += s.seen;
        total.imported += s.imported;
        total.duplicates += s.duplicates;
        total.ignored += s.ignored;
        total.malformed += s.malformed;
        total.skipped += s.skipped;
        total.skipped_symlinks += s.skipped_symlinks;
        total.dates_out_of_range += s.dates_out_of_range;
        total.seconds += s.seconds;
    }
    dt_store_close(st);
    char dates[64] = "";
    if (total.dates_out_of_range > 0)
        snprintf(dates, sizeof(dates), ", %zu dates out of range", total.dates_out_of_range);
    /* Entries that were not read at all are said only when there were any. */
    char skipped[128] = "";
    size_t links = total.skipped_symlinks, others = total.skipped - links;
    if (total.skipped > 0)
        snprintf(skipped, sizeof(skipped),
                 ", %zu skipped (%zu symlink%s not followed, %zu not a regular file or unreadable)",
                 total.skipped, links, links == 1 ? "" : "s", others);
    tell("%zu messages: %zu imported, %zu duplicates, %zu ignored, %zu malformed%s%s (%.1f s)",
         total.seen, total.imported, total.duplicates, total.ignored, total.malformed, dates,
         skipped, total.seconds);
    return status;
}

static int cmd_migrate(const struct dt_config *cfg)
{
    struct dt_error err = {{0}};
    int from, to;
    if (dt_store_migrate(cfg->database, &from, &to, &err) < 0) {
        say("%s", err.msg);
        return 1;
    }
    if (from == to)
        tell("schema version %d is current", to);
    else if (from == 0)
        tell("schema created (version %d)", to);
    else
        tell("schema upgraded from version %d to %d", from, to);
    return 0;
}

/* migrate --from --to: needs no configuration. */
static int cmd_copy(const struct dt_cli *cli)
{
    struct dt_copy_report r;
    struct dt_error err = {{0}};
    int rc = dt_store_copy(cli->from, cli->to, &r, &err);
    if (r.messages > 0 || rc == 0)
        tell("%zu messages read: %zu copied, %zu already there; %zu digest records"
             " (%zu new)",
             r.messages, r.added, r.already, r.digest_rows, r.digest_added);
    if (rc < 0) {
        say("%s", err.msg);
        return 1;
    }
    tell("verified: the target holds %zu outbound and %zu inbound messages in %zu"
         " threads (the source: %zu, %zu, %zu)",
         r.after.outbound, r.after.inbound, r.after.threads, r.source.outbound, r.source.inbound,
         r.source.threads);
    return 0;
}

/* Loaded: say so, with the warnings (which leave the status 0). */
static int check_config(const struct dt_config *cfg, const char *conf)
{
    struct dt_buf b = DT_BUF_INIT;
    int n = dt_config_lint(cfg, &b);
    for (char *line = b.data, *nl; line != NULL && (nl = strchr(line, '\n')) != NULL; line = nl + 1)
        say("%.*s", (int)(nl - line), line);
    dt_buf_free(&b);
    if (n > 0)
        tell("%s: OK (%d warning%s)", conf, n, n == 1 ? "" : "s");
    else
        tell("%s: OK", conf);
    return 0;
}

/* Print help or a usage error as cli.h says; the exit status. */
static int answer(enum dt_cli_result res, const struct dt_cli *cli, const struct dt_error *err)
{
    struct dt_buf b = DT_BUF_INIT;
    if (res == DT_CLI_HELP)
        dt_cli_help(cli->command, &b);
    else
        dt_cli_usage(cli->command, &b);
    FILE *out = res == DT_CLI_HELP ? stdout : stderr;
    if (res == DT_CLI_USAGE)
        say("%s", err->msg);
    fwrite(b.data ? b.data : "", 1, b.len, out);
    dt_buf_free(&b);
    if (res == DT_CLI_HELP && fflush(stdout) != 0) {
        say("writing output: %s", strerror(errno));
        return 1;
    }
    return res == DT_CLI_HELP ? 0 : DT_CLI_USAGE_STATUS;
}

static int run(const struct dt_cli *cli, const char *exe)
{
    if (cli->command == DT_CLI_MIGRATE && cli->from != NULL)
        return cmd_copy(cli);
    const char *conf = cli->conf != NULL ? cli->conf : default_config(exe);
    struct dt_config *cfg;
    struct dt_error err = {{0}};
    if (dt_config_load(conf, exe, &cfg, &err) < 0) {
        say("%s", err.msg);
        return 1;
    }
    int status = 0;
    switch (cli->command) {
    case DT_CLI_CHECK_CONFIG:
        status = check_config(cfg, conf);
        break;
    case DT_CLI_IMPORT:
        status = cmd_import(cfg, cli);
        break;
    case DT_CLI_THREADS:
        status = cmd_threads(cfg, cli);
        break;
    case DT_CLI_STATS:
        status = cmd_stats(cfg, cli);
        break;
    case DT_CLI_REPORT:
        status = cmd_report(cfg, cli);
        break;
    case DT_CLI_PURGE:
        status = cmd_purge(cfg);
        break;
    case DT_CLI_DIGEST:
        status = cmd_digest(cfg, cli);
        break;
    case DT_CLI_MIGRATE:
        status = cmd_migrate(cfg);
        break;
    default:
        for (size_t i = 0; i < cli->n_files; i++)
            if (process(cfg, cli->command, cli->files[i]) < 0)
                status = 1;
        break;
    }
    dt_config_unref(cfg);
    if (fflush(stdout) != 0) {
        say("writing output: %s", strerror(errno));
        status = 1;
    }
    return status;
}

int main(int argc, char **argv)
{
    struct dt_cli cli;
    struct dt_error err = {{0}};
    enum dt_cli_result res = dt_cli_parse(argc, argv, time(NULL), &cli, &err);
    int status;
    if (res != DT_CLI_RUN)
        status = answer(res, &cli, &err);
    else if (cli.command == DT_CLI_VERSION)
        status = printf("dealtemp %s\n", DT_VERSION) < 0 || fflush(stdout) != 0;
    else
        status = run(&cli, self_path(argv[0]));
    dt_cli_free(&cli);
    return status;
}
