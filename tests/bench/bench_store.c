/*
 * bench_store - dealtemp's store benchmarks (make bench). Prints numbers;
 * asserts nothing about speed.
 *
 *  1. import: a generated mbox of 20,000 small, threaded sales messages
 *     (mixed outbound and inbound, quoted replies, some euphoric, some
 *     internal and list mail) imported with dt_import_mbox into a fresh
 *     store: messages/s and MB/s, the whole path (mbox split, analyze, store);
 *  2. a store of 1,000,000 messages in 100,000 threads of 500 reps over a
 *     year, written with dt_store_record in batches of 10,000 in time
 *     order (as the milter would have): the generation rate, the file's
 *     bytes per message, then `dealtemp threads --json` over it, run as a
 *     real process (best and median of 3) and the threads it lists;
 *  3. the same mbox imported into a copy of that store (a backfill into a
 *     store that already holds a year).
 * With a PostgreSQL server (run under tests/integration/with-pg.sh, as
 * make bench does: DT_TEST_PG_ADMIN_URL), the same for PostgreSQL beside
 * each SQLite figure, in the same run:
 *  1. the mbox imported into a fresh PostgreSQL store (dt_store_record
 *     through libpq, the milter's code);
 *  2. the 1M store copied into PostgreSQL with COPY, rows in time order as
 *     the milter would have inserted them, then VACUUM ANALYZE (what
 *     autovacuum does to a real one); its bytes per message, every table
 *     with its indexes and TOAST (pg_total_relation_size) over the
 *     messages; `dealtemp threads --json` over it (best of 3) and whether
 *     its output is byte for byte SQLite's;
 *  3. the mbox imported into that 1M store.
 * Then a side-by-side table. COPY is used here only to make the 1M store
 * in seconds; dealtemp itself never writes with it.
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
#include <libpq-fe.h>
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

#include "dealtemp/buf.h"
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

/* Import mbox into db: messages/s (wall). */
static double bench_import(const struct dt_config *cfg, const char *mbox, size_t bytes,
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
    return (double)s.seen / s.seconds;
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

/* `dealtemp threads --json` over db, 3 times: the best wall time. Its output is left in json. */
static double bench_threads(const char *bindir, const char *db, const char *tmp, const char *label,
                            const char *json)
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
    double unused;
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
    printf("%-13s %8.2f s best, %.2f s median of %d, wall (CPU %.2f s best, %.2f s median; "
           "`dealtemp threads --json`: %zu threads listed, %.1f MB of JSON, peak RSS %.1f MB)\n",
           label, wall[0], wall[RUNS / 2], RUNS, cpu[0], cpu[RUNS / 2], lines, (double)bytes / 1e6,
           (double)rss / 1024);
    printf("              states as of %s: %zu cooling, %zu stalled, %zu slowed\n", as_of, cooling,
           stalled, slowed);
    return wall[0];
}

/* `dealtemp report --json` over the store bench_threads just listed (its threads.conf), 3 times. */
static double bench_report(const char *bindir, const char *tmp, const char *label)
{
    char conf[PATH_MAX], prog[PATH_MAX], as_of[32], out[PATH_MAX];
    path_fmt(conf, sizeof(conf), "%s/threads.conf", tmp);
    path_fmt(prog, sizeof(prog), "%s/dealtemp", bindir);
    path_fmt(out, sizeof(out), "%s/report.json", tmp);
    time_t t = AS_OF;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(as_of, sizeof(as_of), "%Y-%m-%dT%H:%M:%SZ", &tm);
    char *argv[] = {prog, "report", "-c", conf, "--json", "--as-of", as_of, NULL};
    enum { RUNS = 3 };
    double wall[RUNS], cpu[RUNS];
    long rss = 0, r;
    for (int i = 0; i < RUNS; i++) {
        wall[i] = run_timed(argv, out, &cpu[i], &r);
        rss = r > rss ? r : rss;
    }
    qsort(wall, RUNS, sizeof(*wall), dbl_cmp);
    qsort(cpu, RUNS, sizeof(*cpu), dbl_cmp);
    struct stat sb;
    printf("%-13s %8.2f s best, %.2f s median of %d, wall (CPU %.2f s best; `dealtemp report "
           "--json`: %.1f KB of JSON, peak RSS %.1f MB; target < 2 s)\n",
           label, wall[0], wall[RUNS / 2], RUNS, cpu[0],
           stat(out, &sb) == 0 ? (double)sb.st_size / 1024 : 0.0, (double)rss / 1024);
    return wall[0];
}

/* The figures of one engine, for the side-by-side table. */
struct engine_figs {
    double import, import_big, bytes_per_msg, threads_s;
};

/* Make or find the 1M store, measure it; its path goes to db. */
static void bench_big(const char *bindir, const char *tmp, char db[PATH_MAX],
                      struct engine_figs *figs)
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
    figs->bytes_per_msg = (double)(pages * psize) / (double)msgs;
    printf("store size:   %8.1f bytes/message (%.1f MB for %lld messages, %lld threads, %lld "
           "addresses)\n",
           figs->bytes_per_msg, (double)(pages * psize) / 1e6, msgs, threads, people);
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
    char json[PATH_MAX];
    path_fmt(json, sizeof(json), "%s/threads-sqlite.json", tmp);
    figs->threads_s = bench_threads(bindir, db, tmp, "threads:", json);
    bench_report(bindir, tmp, "report:");
}

/* ---- PostgreSQL ---- */

static void pg_quiet(void *arg, const char *msg)
{
    (void)arg; /* "database ... does not exist, skipping" */
    (void)msg;
}

static PGconn *pg_connect_or_die(const char *url)
{
    PGconn *c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK)
        bench_die(url, PQerrorMessage(c));
    PQsetNoticeProcessor(c, pg_quiet, NULL);
    return c;
}

static void pg_do(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        bench_die(sql, PQresultErrorMessage(r));
    PQclear(r);
}

static long long pg_ll(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) < 1)
        bench_die(sql, PQresultErrorMessage(r));
    long long v = PQgetisnull(r, 0, 0) ? 0 : strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return v;
}

/* A new, empty database name on the server of admin (its URL ends in "/postgres"),
 * with dealtemp's schema (dt_store_migrate, as `dealtemp migrate` makes it); its URL to url. */
static void pg_fresh(const char *admin, const char *name, char url[PATH_MAX])
{
    const char *slash = strrchr(admin, '/');
    if (slash == NULL)
        bench_die(admin, "no /DATABASE at its end");
    path_fmt(url, PATH_MAX, "%.*s/%s", (int)(slash - admin), admin, name);
    PGconn *c = pg_connect_or_die(admin);
    char sql[200];
    snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s", name);
    pg_do(c, sql);
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
    pg_do(c, sql);
    PQfinish(c);
    struct dt_error err;
    int from, to;
    if (dt_store_migrate(url, &from, &to, &err) < 0)
        bench_die("migrate", err.msg);
}

static void pg_drop(const char *admin, const char *name)
{
    PGconn *c = pg_connect_or_die(admin);
    char sql[200];
    snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s", name);
    pg_do(c, sql);
    PQfinish(c);
}

/* COPY text format: \N for NULL; backslash, tab, newline and CR escaped. */
static void copy_field(struct dt_buf *b, sqlite3_stmt *s, int col)
{
    if (sqlite3_column_type(s, col) == SQLITE_NULL) {
        dt_buf_puts(b, "\\N");
        return;
    }
    for (const char *p = (const char *)sqlite3_column_text(s, col); *p != '\0'; p++) {
        switch (*p) {
        case '\\':
            dt_buf_puts(b, "\\\\");
            break;
        case '\t':
            dt_buf_puts(b, "\\t");
            break;
        case '\n':
            dt_buf_puts(b, "\\n");
            break;
        case '\r':
            dt_buf_puts(b, "\\r");
            break;
        default:
            dt_buf_putc(b, *p);
        }
    }
}

/* Rows of select (SQLite) into PostgreSQL with copy ("COPY t(cols) FROM STDIN"): the count. */
static long long copy_rows(sqlite3 *db, PGconn *pg, const char *select, const char *copy)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, select, -1, &s, NULL) != SQLITE_OK)
        bench_die(select, sqlite3_errmsg(db));
    PGresult *r = PQexec(pg, copy);
    if (PQresultStatus(r) != PGRES_COPY_IN)
        bench_die(copy, PQresultErrorMessage(r));
    PQclear(r);
    struct dt_buf b = DT_BUF_INIT;
    long long n = 0;
    int cols = sqlite3_column_count(s), rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        for (int i = 0; i < cols; i++) {
            if (i > 0)
                dt_buf_putc(&b, '\t');
            copy_field(&b, s, i);
        }
        dt_buf_putc(&b, '\n');
        n++;
        if (b.len >= (1 << 16) || dt_buf_failed(&b)) {
            if (dt_buf_failed(&b) || PQputCopyData(pg, b.data, (int)b.len) != 1)
                bench_die(copy, PQerrorMessage(pg));
            dt_buf_reset(&b);
        }
    }
    if (rc != SQLITE_DONE)
        bench_die(select, sqlite3_errmsg(db));
    sqlite3_finalize(s);
    if ((b.len > 0 && PQputCopyData(pg, b.data, (int)b.len) != 1) || PQputCopyEnd(pg, NULL) != 1)
        bench_die(copy, PQerrorMessage(pg));
    dt_buf_free(&b);
    while ((r = PQgetResult(pg)) != NULL) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            bench_die(copy, PQresultErrorMessage(r));
        PQclear(r);
    }
    return n;
}

/* The 1M SQLite store at sq copied into url (schema made): seconds taken. */
static double pg_load_big(const char *sq, const char *url)
{
    sqlite3 *db;
    if (sqlite3_open_v2(sq, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        bench_die(sq, sqlite3_errmsg(db));
    PGconn *pg = pg_connect_or_die(url);
    double t0 = now_s();
    pg_do(pg, "BEGIN");
    copy_rows(db, pg, "SELECT id, addr, name FROM people ORDER BY id",
              "COPY people(id, addr, name) FROM STDIN");
    copy_rows(db, pg, "SELECT id, key, subject_key, subject FROM threads ORDER BY id",
              "COPY threads(id, key, subject_key, subject) FROM STDIN");
    /* In time order, as the milter inserts them (SQLite keeps them by thread). */
    copy_rows(db, pg,
              "SELECT thread, at, msgid, outbound, rep, counterpart, score, phrases FROM events"
              " ORDER BY at, msgid",
              "COPY events(thread, at, msgid, outbound, rep, counterpart, score, phrases)"
              " FROM STDIN");
    copy_rows(db, pg, "SELECT rep, counterpart, thread FROM thread_people ORDER BY thread",
              "COPY thread_people(rep, counterpart, thread) FROM STDIN");
    copy_rows(db, pg, "SELECT rep, day, sent_at, claimed_at FROM digest_sent",
              "COPY digest_sent(rep, day, sent_at, claimed_at) FROM STDIN");
    copy_rows(db, pg, "SELECT rep, thread, first_at FROM digest_item",
              "COPY digest_item(rep, thread, first_at) FROM STDIN");
    /* Later inserts take the ids after the copied ones. */
    pg_do(pg, "SELECT setval(pg_get_serial_sequence('people', 'id'),"
              " (SELECT coalesce(max(id), 0) + 1 FROM people), false)");
    pg_do(pg, "SELECT setval(pg_get_serial_sequence('threads', 'id'),"
              " (SELECT coalesce(max(id), 0) + 1 FROM threads), false)");
    pg_do(pg, "COMMIT");
    pg_do(pg, "VACUUM ANALYZE");
    double el = now_s() - t0;
    PQfinish(pg);
    sqlite3_close(db);
    return el;
}

/* Bytes per message of the database at url: every dealtemp table with its indexes and TOAST. */
static double pg_bytes_per_msg(const char *url, const char *label, bool by_table)
{
    PGconn *c = pg_connect_or_die(url);
    static const char tables[] = "('people', 'threads', 'events', 'thread_people', 'digest_sent',"
                                 " 'digest_item', 'schema_version')";
    char sql[600];
    snprintf(sql, sizeof(sql),
             "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c"
             " WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'"
             " AND c.relname IN %s",
             tables);
    long long bytes = pg_ll(c, sql);
    long long msgs = pg_ll(c, "SELECT count(*) FROM events");
    long long threads = pg_ll(c, "SELECT count(*) FROM threads");
    long long people = pg_ll(c, "SELECT count(*) FROM people");
    double per = msgs > 0 ? (double)bytes / (double)msgs : 0;
    printf("%-13s %8.1f bytes/message (%.1f MB for %lld messages, %lld threads, %lld addresses;"
           " tables, indexes, TOAST: pg_total_relation_size)\n",
           label, per, (double)bytes / 1e6, msgs, threads, people);
    if (by_table && msgs > 0) {
        PGresult *r = PQexec(c, "SELECT c.relname, pg_relation_size(c.oid) FROM pg_class c"
                                " WHERE c.relnamespace = current_schema()::regnamespace"
                                " AND c.relkind IN ('r', 'i') ORDER BY 2 DESC LIMIT 6");
        if (PQresultStatus(r) == PGRES_TUPLES_OK) {
            printf("              by relation:");
            for (int i = 0; i < PQntuples(r); i++)
                printf(" %s %.1f", PQgetvalue(r, i, 0),
                       strtod(PQgetvalue(r, i, 1), NULL) / (double)msgs);
            printf(" (bytes/message)\n");
        }
        PQclear(r);
    }
    PQfinish(c);
    return per;
}

static bool same_file(const char *a, const char *b)
{
    FILE *x = fopen(a, "rb"), *y = fopen(b, "rb");
    bool same = x != NULL && y != NULL;
    while (same) {
        int cx = getc(x), cy = getc(y);
        same = cx == cy;
        if (cx == EOF || cy == EOF)
            break;
    }
    if (x != NULL)
        fclose(x);
    if (y != NULL)
        fclose(y);
    return same;
}

/* The PostgreSQL half: the same figures on the server of admin (with-pg.sh). */
static void bench_pg(const char *admin, const char *bindir, const char *tmp,
                     const struct dt_config *cfg, const char *mbox, size_t bytes, const char *big,
                     struct engine_figs *figs)
{
    char url[PATH_MAX];
    PGconn *c = pg_connect_or_die(admin);
    PGresult *r = PQexec(c, "SELECT current_setting('server_version'), current_setting('fsync'),"
                            " current_setting('synchronous_commit'),"
                            " current_setting('shared_buffers'), current_setting('work_mem')");
    if (PQresultStatus(r) == PGRES_TUPLES_OK)
        printf("PostgreSQL %s on loopback (fsync=%s, synchronous_commit=%s, shared_buffers=%s,"
               " work_mem=%s)\n",
               PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2), PQgetvalue(r, 0, 3),
               PQgetvalue(r, 0, 4));
    PQclear(r);
    PQfinish(c);

    pg_fresh(admin, "dt_bench_import", url);
    figs->import = bench_import(cfg, mbox, bytes, url, "import pg:");
    pg_bytes_per_msg(url, "  its size:", false);
    pg_drop(admin, "dt_bench_import");

    pg_fresh(admin, "dt_bench_1m", url);
    double el = pg_load_big(big, url);
    printf("store gen pg: %8.0f msgs/s (the 1M SQLite store copied in with COPY, in time order,"
           " then VACUUM ANALYZE: %.1f s; a shortcut of this benchmark, not dealtemp's path)\n",
           (double)BIG_MESSAGES / el, el);
    figs->bytes_per_msg = pg_bytes_per_msg(url, "store size pg:", true);
    char json[PATH_MAX], sq_json[PATH_MAX];
    path_fmt(json, sizeof(json), "%s/threads-pg.json", tmp);
    path_fmt(sq_json, sizeof(sq_json), "%s/threads-sqlite.json", tmp);
    figs->threads_s = bench_threads(bindir, url, tmp, "threads pg:", json);
    printf("              output byte for byte the same as from SQLite: %s\n",
           same_file(json, sq_json) ? "yes" : "NO");
    figs->import_big = bench_import(cfg, mbox, bytes, url, "import 1M+ pg:");
    pg_drop(admin, "dt_bench_1m");
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
    struct engine_figs sq = {0}, pg = {0};
    sq.import = bench_import(cfg, mbox, bytes, db, "import:");
    bench_big(bindir, tmp, big, &sq);
    /* Backfilling one more mailbox into a store that already holds a year. */
    path_fmt(db, sizeof(db), "%s/big-copy.db", tmp);
    copy_file(big, db);
    sq.import_big = bench_import(cfg, mbox, bytes, db, "import 1M+:");

    const char *admin = getenv("DT_TEST_PG_ADMIN_URL");
    if (admin != NULL && *admin != '\0') {
        bench_pg(admin, bindir, tmp, cfg, mbox, bytes, big, &pg);
        printf("\nside by side, this run (%ld CPUs):             %12s %12s\n",
               sysconf(_SC_NPROCESSORS_ONLN), "SQLite", "PostgreSQL");
        printf("  import, fresh store (msgs/s)                 %12.0f %12.0f\n", sq.import,
               pg.import);
        printf("  import into the 1M store (msgs/s)            %12.0f %12.0f\n", sq.import_big,
               pg.import_big);
        printf("  bytes per stored message, indexes included   %12.1f %12.1f\n", sq.bytes_per_msg,
               pg.bytes_per_msg);
        printf("  threads --json, 1M msgs / 100k threads (s)   %12.2f %12.2f   (best of 3)\n",
               sq.threads_s, pg.threads_s);
    } else {
        printf("PostgreSQL: not measured (no DT_TEST_PG_ADMIN_URL; make bench runs this under "
               "tests/integration/with-pg.sh)\n");
    }
    dt_config_unref(cfg);
    nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}
