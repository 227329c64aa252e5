/*
 * dealtemp - the command-line tool: argument parsing and wiring only.
 *
 *   dealtemp score   [-c CONF] FILE...|-   one JSON object per message
 *   dealtemp explain [-c CONF] FILE...|-   the same for a person
 *   dealtemp text    [-c CONF] FILE...|-   exactly the own words that get scored
 *   dealtemp check-config -c CONF          validate; exit 0 or 1
 *   dealtemp import  [-c CONF] [--mbox FILE]... [--maildir DIR]...
 *   dealtemp threads [-c CONF] [--rep ADDR] [--state S] [--as-of TIME] [--json]
 *   dealtemp stats   [-c CONF]
 *   dealtemp purge   [-c CONF]                 forget messages older than retention_days
 *   dealtemp digest  [-c CONF] [--rep ADDR] [--as-of TIME] (--dry-run | --send) [--force]
 *   dealtemp version
 *
 * Without -c the configuration is $DEALTEMP_CONF, else the build tree's
 * conf/dealtemp.conf next to this binary, else DT_SYSCONFDIR/dealtemp.conf.
 * A file that cannot be read or parsed gives one line "dealtemp: FILE:
 * reason" on stderr; the other files are still processed and the exit
 * status is 1. Oddities that do not stop scoring ("unknown charset ...")
 * are printed as "dealtemp: FILE: warning: ..." and do not change it.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dealtemp/analyze.h"
#include "dealtemp/config.h"
#include "dealtemp/digest.h"
#include "dealtemp/error.h"
#include "dealtemp/import.h"
#include "dealtemp/purge.h"
#include "dealtemp/report.h"
#include "dealtemp/stats.h"
#include "dealtemp/store.h"
#include "dealtemp/version.h"

enum mode { MODE_SCORE, MODE_EXPLAIN, MODE_TEXT };

static void usage(FILE *out)
{
    fputs("usage: dealtemp score   [-c CONF] FILE...|-\n"
          "       dealtemp explain [-c CONF] FILE...|-\n"
          "       dealtemp text    [-c CONF] FILE...|-\n"
          "       dealtemp check-config -c CONF\n"
          "       dealtemp import  [-c CONF] [--mbox FILE]... [--maildir DIR]...\n"
          "       dealtemp threads [-c CONF] [--rep ADDR] [--state S] [--as-of TIME] [--json]\n"
          "       dealtemp stats   [-c CONF]\n"
          "       dealtemp purge   [-c CONF]\n"
          "       dealtemp digest  [-c CONF] [--rep ADDR] [--as-of TIME] (--dry-run | --send) "
          "[--force]\n"
          "       dealtemp version\n",
          out);
}

static const char *self_path(const char *argv0)
{
    static char path[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
    if (n <= 0)
        return argv0;
    path[n] = '\0';
    return path;
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

static int process(const struct dt_config *cfg, enum mode mode, const char *file)
{
    size_t len;
    char *raw = slurp(file, &len);
    if (raw == NULL) {
        fprintf(stderr, "dealtemp: %s: %s\n", file, strerror(errno));
        return -1;
    }
    struct dt_facts facts;
    struct dt_error err = {{0}};
    unsigned flags = DT_ANALYZE_SCORE_ALL | (mode != MODE_SCORE ? DT_ANALYZE_KEEP_TEXT : 0);
    int rc = dt_analyze(cfg, raw, len, NULL, flags, &facts, &err);
    free(raw);
    if (rc < 0) {
        fprintf(stderr, "dealtemp: %s: %s\n", file, err.msg);
        return -1;
    }
    if (facts.msg->warning[0])
        fprintf(stderr, "dealtemp: %s: warning: %s\n", file, facts.msg->warning);

    struct dt_buf out = DT_BUF_INIT;
    if (mode == MODE_SCORE)
        dt_report_json(&facts, file, &out);
    else if (mode == MODE_EXPLAIN)
        dt_report_explain(&facts, cfg, file, &out);
    else
        dt_buf_append(&out, facts.own_text, facts.own_len);
    dt_facts_clear(&facts);
    if (dt_buf_failed(&out)) {
        fprintf(stderr, "dealtemp: %s: out of memory\n", file);
        dt_buf_free(&out);
        return -1;
    }
    fwrite(out.data ? out.data : "", 1, out.len, stdout);
    dt_buf_free(&out);
    return 0;
}

static struct dt_store *open_store(const struct dt_config *cfg)
{
    struct dt_store *st;
    struct dt_error err = {{0}};
    if (dt_store_open(cfg->database, &st, &err) < 0) {
        fprintf(stderr, "dealtemp: %s\n", err.msg);
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
    fwrite(o->b.data, 1, o->b.len, stdout);
    o->n++;
    return 0;
}

static int cmd_threads(const struct dt_config *cfg, int argc, char **argv)
{
    static const struct option opts[] = {{"rep", required_argument, NULL, 'r'},
                                         {"state", required_argument, NULL, 's'},
                                         {"as-of", required_argument, NULL, 'a'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"config", required_argument, NULL, 'c'},
                                         {NULL, 0, NULL, 0}};
    struct dt_deals_query q = {NULL, -1, time(NULL)};
    struct threads_out o = {false, 0, DT_BUF_INIT};
    int ch;
    optind = 2;
    while ((ch = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
        enum dt_thread_state st;
        switch (ch) {
        case 'c':
            break;
        case 'r':
            q.rep = optarg;
            break;
        case 's':
            if (dt_state_parse(optarg, &st) < 0) {
                fprintf(stderr, "dealtemp: --state %s: not one of open, waiting, warm, cooling, "
                                "stalled, slowed\n", optarg);
                return 1;
            }
            q.state = (int)st;
            break;
        case 'a':
            if (dt_parse_time(optarg, time(NULL), &q.as_of) < 0) {
                fprintf(stderr, "dealtemp: --as-of %s: expected ISO 8601 "
                                "(2026-11-20T09:00:00Z) or now\n", optarg);
                return 1;
            }
            break;
        case 'j':
            o.json = true;
            break;
        default:
            return 1;
        }
    }
    struct dt_store *st = open_store(cfg);
    if (st == NULL)
        return 1;
    if (!o.json) {
        struct dt_buf b = DT_BUF_INIT;
        dt_report_deal_row(NULL, &b);
        fwrite(b.data ? b.data : "", 1, b.len, stdout);
        dt_buf_free(&b);
    }
    struct dt_error err = {{0}};
    int rc = dt_deals_each(st, cfg, &q, print_deal, &o, &err);
    if (rc < 0 && err.msg[0] == '\0')
        dt_error_set(&err, "out of memory");
    dt_buf_free(&o.b);
    dt_store_close(st);
    if (rc < 0) {
        fprintf(stderr, "dealtemp: %s\n", err.msg);
        return 1;
    }
    return 0;
}

static int cmd_stats(const struct dt_config *cfg)
{
    struct dt_store *st = open_store(cfg);
    if (st == NULL)
        return 1;
    struct dt_stats s;
    struct dt_error err = {{0}};
    int rc = dt_stats_collect(st, cfg, &s, &err);
    dt_store_close(st);
    if (rc < 0) {
        fprintf(stderr, "dealtemp: %s\n", err.msg);
    } else {
        struct dt_buf b = DT_BUF_INIT;
        dt_stats_render(&s, cfg, &b);
        dt_stats_render_milter(cfg, &b);
        fwrite(b.data ? b.data : "", 1, b.len, stdout);
        dt_buf_free(&b);
    }
    dt_stats_free(&s);
    return rc < 0;
}

static int cmd_digest(const struct dt_config *cfg, int argc, char **argv)
{
    static const struct option opts[] = {{"rep", required_argument, NULL, 'r'},
                                         {"as-of", required_argument, NULL, 'a'},
                                         {"dry-run", no_argument, NULL, 'n'},
                                         {"send", no_argument, NULL, 's'},
                                         {"force", no_argument, NULL, 'f'},
                                         {"config", required_argument, NULL, 'c'},
                                         {NULL, 0, NULL, 0}};
    struct dt_digest_run_opts o = {NULL, time(NULL), false, false};
    int ch, modes = 0;
    optind = 2;
    while ((ch = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            break;
        case 'r':
            o.only = optarg;
            break;
        case 'a':
            if (dt_parse_time(optarg, time(NULL), &o.as_of) < 0) {
                fprintf(stderr, "dealtemp: --as-of %s: expected ISO 8601 "
                                "(2026-11-20T09:00:00Z) or now\n", optarg);
                return 1;
            }
            break;
        case 'n':
            modes |= 1;
            break;
        case 's':
            modes |= 2;
            o.send = true;
            break;
        case 'f':
            o.force = true;
            break;
        default:
            return 1;
        }
    }
    if (modes != 1 && modes != 2) {
        fprintf(stderr, "dealtemp: digest: give exactly one of --dry-run or --send\n");
        return 1;
    }
    struct dt_store *st = open_store(cfg);
    if (st == NULL)
        return 1;
    struct dt_digest_run_report r;
    struct dt_error err = {{0}};
    int rc = dt_digest_run(st, cfg, &o, stdout, stderr, &r, &err);
    dt_store_close(st);
    if (rc < 0) {
        fprintf(stderr, "dealtemp: digest: %s\n", err.msg);
        return 1;
    }
    if (o.send)
        fprintf(stderr, "dealtemp: digest: %zu sent, %zu already sent today, %zu failed\n", r.sent,
                r.skipped_sent_today, r.failed);
    return rc;
}

static int cmd_purge(const struct dt_config *cfg)
{
    struct dt_store *st = open_store(cfg);
    if (st == NULL)
        return 1;
    struct dt_error err = {{0}};
    size_t deleted = 0;
    int rc = dt_purge_expired(st, cfg, time(NULL), &deleted, &err);
    dt_store_close(st);
    if (rc < 0) {
        fprintf(stderr, "dealtemp: %s\n", err.msg);
        return 1;
    }
    printf("dealtemp: purged %zu messages older than %d days\n", deleted, cfg->retention_days);
    return 0;
}

static int cmd_import(const struct dt_config *cfg, int argc, char **argv)
{
    static const struct option opts[] = {{"mbox", required_argument, NULL, 'm'},
                                         {"maildir", required_argument, NULL, 'd'},
                                         {"config", required_argument, NULL, 'c'},
                                         {NULL, 0, NULL, 0}};
    struct dt_store *st = open_store(cfg);
    if (st == NULL)
        return 1;
    bool tty = isatty(2), any = false;
    int status = 0, ch;
    struct dt_import_stats total;
    memset(&total, 0, sizeof(total));
    optind = 2;
    while ((ch = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
        if (ch == 'c')
            continue;
        if (ch != 'm' && ch != 'd') {
            status = 1;
            break;
        }
        any = true;
        struct dt_import_stats s;
        struct dt_error err = {{0}};
        int rc = ch == 'm' ? dt_import_mbox(st, cfg, optarg, tty, &s, &err)
                           : dt_import_maildir(st, cfg, optarg, tty, &s, &err);
        if (rc < 0) {
            fprintf(stderr, "dealtemp: %s\n", err.msg);
            status = 1;
            continue;
        }
        for (int i = 0; i < 3 && i < (int)s.malformed; i++)
            fprintf(stderr, "dealtemp: %s: skipped: %s\n", optarg, s.first_malformed[i]);
        total.seen += s.seen;
        total.imported += s.imported;
        total.duplicates += s.duplicates;
        total.ignored += s.ignored;
        total.malformed += s.malformed;
        total.seconds += s.seconds;
    }
    dt_store_close(st);
    if (!any) {
        fprintf(stderr, "dealtemp: import: give at least one --mbox FILE or --maildir DIR\n");
        return 1;
    }
    printf("dealtemp: %zu messages: %zu imported, %zu duplicates, %zu ignored, %zu malformed "
           "(%.1f s)\n",
           total.seen, total.imported, total.duplicates, total.ignored, total.malformed,
           total.seconds);
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 1;
    }
    const char *cmd = argv[1];
    enum mode mode;
    if (strcmp(cmd, "score") == 0)
        mode = MODE_SCORE;
    else if (strcmp(cmd, "explain") == 0)
        mode = MODE_EXPLAIN;
    else if (strcmp(cmd, "text") == 0)
        mode = MODE_TEXT;
    else if (strcmp(cmd, "check-config") == 0 || strcmp(cmd, "import") == 0 ||
             strcmp(cmd, "threads") == 0 || strcmp(cmd, "stats") == 0 ||
             strcmp(cmd, "purge") == 0 || strcmp(cmd, "digest") == 0)
        mode = MODE_SCORE; /* commands without message files; see below */
    else if (strcmp(cmd, "version") == 0 || strcmp(cmd, "-V") == 0 ||
             strcmp(cmd, "--version") == 0) {
        printf("dealtemp %s\n", DT_VERSION);
        return 0;
    } else if (strcmp(cmd, "help") == 0 || strcmp(cmd, "-h") == 0 ||
               strcmp(cmd, "--help") == 0) {
        usage(stdout);
        return 0;
    } else {
        fprintf(stderr, "dealtemp: unknown command '%s'\n", cmd);
        usage(stderr);
        return 1;
    }

    const char *exe = self_path(argv[0]);
    const char *conf = NULL;
    bool check = strcmp(cmd, "check-config") == 0;
    bool store_cmd = !check && mode == MODE_SCORE && strcmp(cmd, "score") != 0;
    int ch;
    optind = 2;
    if (store_cmd) {
        /* Store commands parse their own long options; only the configuration is
         * needed first. A plain getopt would read "--force" as "-f -o -r -c e". */
        for (int i = 2; i < argc; i++) {
            if ((strcmp(argv[i], "-c") == 0 || strcmp(argv[i], "--config") == 0) && i + 1 < argc)
                conf = argv[++i];
            else if (strncmp(argv[i], "--config=", 9) == 0)
                conf = argv[i] + 9;
            else if (strncmp(argv[i], "-c", 2) == 0 && argv[i][2] != '\0')
                conf = argv[i] + 2;
        }
        optind = argc; /* their own parser checks the rest */
    } else {
        while ((ch = getopt(argc, argv, "c:")) != -1) {
            if (ch != 'c') {
                usage(stderr);
                return 1;
            }
            conf = optarg;
        }
    }
    if (check ? (conf == NULL || optind != argc) : (!store_cmd && optind == argc)) {
        usage(stderr);
        return 1;
    }
    if (conf == NULL)
        conf = default_config(exe);

    struct dt_config *cfg;
    struct dt_error err = {{0}};
    if (dt_config_load(conf, exe, &cfg, &err) < 0) {
        fprintf(stderr, "dealtemp: %s\n", err.msg);
        return 1;
    }
    if (check) {
        printf("dealtemp: %s: OK\n", conf);
        dt_config_unref(cfg);
        return 0;
    }
    if (store_cmd) {
        int rc = strcmp(cmd, "threads") == 0  ? cmd_threads(cfg, argc, argv)
                 : strcmp(cmd, "import") == 0 ? cmd_import(cfg, argc, argv)
                 : strcmp(cmd, "stats") == 0  ? cmd_stats(cfg)
                 : strcmp(cmd, "digest") == 0 ? cmd_digest(cfg, argc, argv)
                                              : cmd_purge(cfg);
        dt_config_unref(cfg);
        fflush(stdout);
        return rc;
    }
    int status = 0;
    for (int i = optind; i < argc; i++)
        if (process(cfg, mode, argv[i]) < 0)
            status = 1;
    dt_config_unref(cfg);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "dealtemp: writing output: %s\n", strerror(errno));
        status = 1;
    }
    return status;
}
