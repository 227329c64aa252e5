/*
 * dealtemp - the command-line tool: argument parsing and wiring only.
 *
 *   dealtemp score   [-c CONF] FILE...|-   one JSON object per message
 *   dealtemp explain [-c CONF] FILE...|-   the same for a person
 *   dealtemp text    [-c CONF] FILE...|-   exactly the own words that get scored
 *   dealtemp check-config -c CONF          validate; exit 0 or 1
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
#include <unistd.h>

#include "dealtemp/analyze.h"
#include "dealtemp/config.h"
#include "dealtemp/dealtemp.h"
#include "dealtemp/report.h"

enum mode { MODE_SCORE, MODE_EXPLAIN, MODE_TEXT };

static void usage(FILE *out)
{
    fputs("usage: dealtemp score   [-c CONF] FILE...|-\n"
          "       dealtemp explain [-c CONF] FILE...|-\n"
          "       dealtemp text    [-c CONF] FILE...|-\n"
          "       dealtemp check-config -c CONF\n"
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
    else if (strcmp(cmd, "check-config") == 0)
        mode = MODE_SCORE; /* files are not allowed; see below */
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
    int ch;
    optind = 2;
    while ((ch = getopt(argc, argv, "c:")) != -1) {
        if (ch != 'c') {
            usage(stderr);
            return 1;
        }
        conf = optarg;
    }
    bool check = strcmp(cmd, "check-config") == 0;
    if (check ? (conf == NULL || optind != argc) : optind == argc) {
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
