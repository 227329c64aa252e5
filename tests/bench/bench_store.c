/*
 * bench_store - dealtemp's store benchmarks (make bench). Prints numbers;
 * asserts nothing about speed.
 *
 *  1. import: a generated mbox of 20,000 small, threaded sales messages
 *     (mixed outbound and inbound, quoted replies, some euphoric, some
 *     internal and list mail) imported with dt_import_mbox into a fresh
 *     store: messages/s and MB/s, the whole path (libetpan, analyze, store);
 *  2. a store of 1,000,000 messages in 100,000 threads of 500 reps over a
 *     year, written with dt_store_record in batches of 10,000 in time
 *     order (as the milter would have): the generation rate, the file's
 *     bytes per message, then `dealtemp threads --json` over it, run as a
 *     real process (best and median of 3) and the threads it lists;
 *  3. the same mbox imported into a copy of that store (a backfill into a
 *     store that already holds a year).
 * Rates are given per wall second and per CPU second (the machine may be
 * busy). The mail is generated from fixed seeds by bench_gen.c, so runs
 * are comparable. The large store is kept in <build>/bench-store/, named
 * by GEN_VERSION and the schema version, and made again only when missing
 * or stale.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dealtemp/config.h"
#include "dealtemp/import.h"
#include "dealtemp/store.h"
#include "dealtemp/version.h"
#include "bench_gen.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double ru_cpu(const struct rusage *ru)
{
    return (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec / 1e6 +
           (double)ru->ru_stime.tv_sec + (double)ru->ru_stime.tv_usec / 1e6;
}

/* CPU seconds (user + system) of this process so far: the machine may be busy. */
static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru_cpu(&ru);
}

void bench_die(const char *what, const char *why)
{
    fprintf(stderr, "bench_store: %s: %s\n", what, why);
    exit(1);
}

/* snprintf into a path buffer; a path that does not fit is fatal, never cut short. */
static void path_fmt(char *out, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void path_fmt(char *out, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, size, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= size)
        bench_die(out, "path too long");
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static void bench_import(const struct dt_config *cfg, const char *mbox, size_t bytes,
                         const char *db, const char *label)
{
    struct dt_store *st;
    struct dt_error err;
    struct dt_import_stats s;
    if (dt_store_open(db, &st, &err) < 0)
        bench_die("open", err.msg);
    double cpu0 = cpu_s();
    if (dt_import_mbox(st, cfg, mbox, false, &s, &err) < 0)
        bench_die("import", err.msg);
    dt_store_close(st);
    double cpu = cpu_s() - cpu0;
    printf("%-13s %8.0f msgs/s (%.1f MB/s; %.0f msgs per CPU second; %zu messages of %.1f KB "
           "average: %zu stored, %zu ignored, %zu malformed; %d per commit)\n",
           label, (double)s.seen / s.seconds, (double)bytes / 1e6 / s.seconds, (double)s.seen / cpu,
           s.seen, (double)bytes / (double)s.seen / 1024, s.imported, s.ignored, s.malformed,
           DT_IMPORT_BATCH);
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    if (in == NULL || out == NULL)
        bench_die(in == NULL ? from : to, strerror(errno));
    char chunk[1 << 16];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
        if (fwrite(chunk, 1, n, out) != n)
            bench_die(to, strerror(errno));
    fclose(in);
    if (fclose(out) != 0)
        bench_die(to, strerror(errno));
}

/* ---- 2. the 1M-message store ---- */

#define BIG_THREADS 100000
#define BIG_REPS 500
#define BIG_CPS 40000
#define BIG_MESSAGES (BIG_THREADS * 10)
#define BATCH 10000

static void db_exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        bench_die(sql, msg ? msg : "failed");
}

static long long db_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    long long v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* Messages in an existing store file, or -1 if it is missing or unreadable. */
static long long stored_messages(const char *path)
{
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return -1;
    }
    long long n = db_int(db, "SELECT count(*) FROM events");
    sqlite3_close(db);
    return n;
}

static void unlink_db(const char *path)
{
    const char *suffix[] = {"", "-wal", "-shm", "-journal"};
    char p[PATH_MAX];
    for (size_t i = 0; i < 4; i++) {
        path_fmt(p, sizeof(p), "%s%s", path, suffix[i]);
        unlink(p);
    }
}

/* Write the 1M store to path in dir (through a temporary name); messages/s, wall and CPU. */
static void generate_big(const char *dir, const char *path, double *rate, double *cpu_rate)
{
    char tmp[PATH_MAX], pattern[PATH_MAX];
    path_fmt(tmp, sizeof(tmp), "%s.new", path);
    unlink_db(tmp);
    /* stores of earlier generators or schemas are stale: 80+ MB each */
    path_fmt(pattern, sizeof(pattern), "%s/store-g*", dir);
    glob_t g;
    if (glob(pattern, 0, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; i++)
            unlink(g.gl_pathv[i]);
        globfree(&g);
    }
    struct timeline tl;
    gen_timeline(&tl, BIG_THREADS, BIG_REPS, BIG_CPS, 0x5eed0002ull);
    struct dt_store *st;
    struct dt_error err;
    if (dt_store_open(tmp, &st, &err) < 0)
        bench_die("open", err.msg);
    double t0 = now_s(), cpu0 = cpu_s();
    for (size_t i = 0; i < tl.n_ev; i += BATCH) {
        if (dt_store_begin(st, &err) < 0)
            bench_die("begin", err.msg);
        for (size_t k = i; k < i + BATCH && k < tl.n_ev; k++)
            gen_record(st, &tl, &tl.ev[k]);
        if (dt_store_commit(st, &err) < 0)
            bench_die("commit", err.msg);
        if (isatty(STDERR_FILENO))
            fprintf(stderr, "\rgenerating store: %zu/%zu", i + BATCH, tl.n_ev);
    }
    *rate = (double)tl.n_ev / (now_s() - t0);
    *cpu_rate = (double)tl.n_ev / (cpu_s() - cpu0);
    if (isatty(STDERR_FILENO))
        fputc('\n', stderr);
    dt_store_close(st);
    gen_timeline_free(&tl);

    sqlite3 *db;
    if (sqlite3_open(tmp, &db) != SQLITE_OK)
        bench_die(tmp, sqlite3_errmsg(db));
    db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    sqlite3_close(db);
    unlink_db(path);
    if (rename(tmp, path) != 0)
        bench_die(path, strerror(errno));
}

/* Run argv with stdout to the file out: wall seconds; its CPU seconds and peak RSS in KB. */
static double run_timed(char *const argv[], const char *out, double *cpu, long *maxrss_kb)
{
    fflush(stdout); /* or the child would print what is buffered a second time */
    double t0 = now_s();
    pid_t pid = fork();
    if (pid < 0)
        bench_die("fork", strerror(errno));
    if (pid == 0) {
        int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
            _exit(126);
        close(fd);
        execv(argv[0], argv);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0)
        bench_die("wait", strerror(errno));
    double el = now_s() - t0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        bench_die(argv[0], "threads failed");
    *maxrss_kb = ru.ru_maxrss;
    *cpu = ru_cpu(&ru);
    return el;
}

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void bench_threads(const char *bindir, const char *db, const char *tmp)
{
    char conf[PATH_MAX], prog[PATH_MAX], as_of[32];
    path_fmt(conf, sizeof(conf), "%s/threads.conf", tmp);
    path_fmt(prog, sizeof(prog), "%s/dealtemp", bindir);
    FILE *fp = fopen(conf, "w");
    if (fp == NULL)
        bench_die(conf, strerror(errno));
    fprintf(fp,
            "database = \"%s\";\ninternal_domains = [\"corp.example\"];\n"
            "reps = [\"@corp.example\"];\n",
            db);
    fclose(fp);
    time_t t = AS_OF;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(as_of, sizeof(as_of), "%Y-%m-%dT%H:%M:%SZ", &tm);
    char *argv[] = {prog, "threads", "-c", conf, "--json", "--as-of", as_of, NULL};

    enum { RUNS = 3 };
    double wall[RUNS], cpu[RUNS];
    long rss = 0, r;
    for (int i = 0; i < RUNS; i++) {
        wall[i] = run_timed(argv, "/dev/null", &cpu[i], &r);
        rss = r > rss ? r : rss;
    }
    qsort(wall, RUNS, sizeof(*wall), dbl_cmp);
    qsort(cpu, RUNS, sizeof(*cpu), dbl_cmp);

    /* Once more into a file, to count what it lists: one JSON object a line. */
    char json[PATH_MAX];
    double unused;
    path_fmt(json, sizeof(json), "%s/threads.json", tmp);
    run_timed(argv, json, &unused, &r);
    size_t lines = 0, bytes = 0, cooling = 0, stalled = 0, slowed = 0, cap = 0;
    char *line = NULL;
    ssize_t n;
    if ((fp = fopen(json, "r")) == NULL)
        bench_die(json, strerror(errno));
    while ((n = getline(&line, &cap, fp)) > 0) {
        const char *st = strstr(line, "\"state\":\"");
        lines++;
        bytes += (size_t)n;
        if (st != NULL) {
            cooling += strncmp(st + 9, "cooling\"", 8) == 0;
            stalled += strncmp(st + 9, "stalled\"", 8) == 0;
            slowed += strncmp(st + 9, "slowed\"", 7) == 0;
        }
    }
    free(line);
    fclose(fp);
    unlink(json);
    printf("threads:      %8.2f s best, %.2f s median of %d, wall (CPU %.2f s best, %.2f s median; "
           "`dealtemp threads --json`: %zu threads listed, %.1f MB of JSON, peak RSS %.1f MB)\n",
           wall[0], wall[RUNS / 2], RUNS, cpu[0], cpu[RUNS / 2], lines, (double)bytes / 1e6,
           (double)rss / 1024);
    printf("              states as of %s: %zu cooling, %zu stalled, %zu slowed\n", as_of, cooling,
           stalled, slowed);
}

/* Make or find the 1M store, measure it; its path goes to db. */
static void bench_big(const char *bindir, const char *tmp, char db[PATH_MAX])
{
    char dir[PATH_MAX], note[PATH_MAX];
    path_fmt(dir, sizeof(dir), "%s/bench-store", bindir);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        bench_die(dir, strerror(errno));
    path_fmt(db, PATH_MAX, "%s/store-g%d-s%d.db", dir, GEN_VERSION, dt_store_schema_version());
    path_fmt(note, sizeof(note), "%s.rate", db);
    double rate = 0, cpu_rate = 0;
    bool cached = stored_messages(db) == BIG_MESSAGES;
    if (cached) {
        FILE *fp = fopen(note, "r");
        if (fp == NULL || fscanf(fp, "%lf %lf", &rate, &cpu_rate) != 2)
            rate = cpu_rate = 0;
        if (fp != NULL)
            fclose(fp);
    } else {
        generate_big(dir, db, &rate, &cpu_rate);
        FILE *fp = fopen(note, "w");
        if (fp != NULL) {
            fprintf(fp, "%.0f %.0f\n", rate, cpu_rate);
            fclose(fp);
        }
    }
    printf("store gen:    %8.0f msgs/s (%.0f msgs per CPU second; dt_store_record, %d per commit, "
           "in time order; %s)\n",
           rate, cpu_rate, BATCH,
           cached ? "cached store: the rates of its generation" : "generated now");

    sqlite3 *sdb;
    if (sqlite3_open(db, &sdb) != SQLITE_OK)
        bench_die(db, sqlite3_errmsg(sdb));
    db_exec(sdb, "PRAGMA wal_checkpoint(TRUNCATE)");
    long long pages = db_int(sdb, "PRAGMA page_count"), psize = db_int(sdb, "PRAGMA page_size");
    long long msgs = db_int(sdb, "SELECT count(*) FROM events");
    long long threads = db_int(sdb, "SELECT count(*) FROM threads");
    long long people = db_int(sdb, "SELECT count(*) FROM people");
    printf("store size:   %8.1f bytes/message (%.1f MB for %lld messages, %lld threads, %lld "
           "addresses)\n",
           (double)(pages * psize) / (double)msgs, (double)(pages * psize) / 1e6, msgs, threads,
           people);
    /* Where the bytes are, when SQLite was built with the dbstat table. */
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(sdb,
                           "SELECT name, sum(pgsize) FROM dbstat GROUP BY name"
                           " ORDER BY 2 DESC LIMIT 5",
                           -1, &s, NULL) == SQLITE_OK) {
        printf("              by table:");
        while (sqlite3_step(s) == SQLITE_ROW)
            printf(" %s %.1f", (const char *)sqlite3_column_text(s, 0),
                   (double)sqlite3_column_int64(s, 1) / (double)msgs);
        printf(" (bytes/message)\n");
        sqlite3_finalize(s);
    }
    sqlite3_close(sdb);
    bench_threads(bindir, db, tmp);
}

int main(void)
{
    char exe[PATH_MAX], bindir[PATH_MAX];
    ssize_t exe_len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    exe[exe_len > 0 ? exe_len : 0] = '\0';
    snprintf(bindir, sizeof(bindir), "%s", exe);
    dirname(bindir);

    char tmp[] = "/tmp/dt-bench-XXXXXX", conf[PATH_MAX];
    if (mkdtemp(tmp) == NULL)
        bench_die("mkdtemp", strerror(errno));
    path_fmt(conf, sizeof(conf), "%s/import.conf", tmp);
    FILE *fp = fopen(conf, "w");
    if (fp == NULL)
        bench_die(conf, strerror(errno));
    fprintf(fp,
            "database = \"%s/import.db\";\ninternal_domains = [\"corp.example\"];\n"
            "reps = [\"@corp.example\"];\n",
            tmp);
    fclose(fp);
    struct dt_config *cfg;
    struct dt_error err;
    if (dt_config_load(conf, exe, &cfg, &err) < 0)
        bench_die(conf, err.msg);

    printf("dealtemp %s store benchmarks (SQLite %s)\n", DT_VERSION, sqlite3_libversion());
    char mbox[PATH_MAX], db[PATH_MAX], big[PATH_MAX];
    path_fmt(mbox, sizeof(mbox), "%s/import.mbox", tmp);
    size_t bytes = gen_mbox(mbox);
    path_fmt(db, sizeof(db), "%s/import.db", tmp);
    bench_import(cfg, mbox, bytes, db, "import:");
    bench_big(bindir, tmp, big);
    /* Backfilling one more mailbox into a store that already holds a year. */
    path_fmt(db, sizeof(db), "%s/big-copy.db", tmp);
    copy_file(big, db);
    bench_import(cfg, mbox, bytes, db, "import 1M+:");
    dt_config_unref(cfg);
    nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}
