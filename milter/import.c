/*
 * import.c - backfill the store from mbox files and maildirs (import.h).
 *
 * Public: dt_import_mbox(), dt_import_mbox_mem(), dt_import_maildir().
 *
 * An mbox is mapped read-only and split by mbox.c (dt_import_mbox_mem()
 * does the same for a buffer, with no file at all); a maildir's new/ and
 * cur/ are listed here and each entry opened relative to its directory
 * with O_NOFOLLOW | O_NONBLOCK, then checked with fstat: a symlink is
 * never followed out of the maildir, and a FIFO, device or socket is
 * never waited on. Nothing is ever written into a source. Every message
 * then goes through import_one(): dt_analyze(), a time (message_time():
 * Date, first Received, From_ line or mtime, start of the import, each
 * only when plausible), dt_ingest(). Writes are grouped in transactions
 * of DT_IMPORT_BATCH records: one fsync per batch, not per message.
 *
 * Failure: a message that is not a message is counted as malformed, a
 * maildir entry that is not a regular file we can read as skipped, each
 * with its reason, never fatal. Only an unopenable source or a store
 * error returns -1; err then names the file.
 *
 * Bugs: the mbox is mapped, so a file truncated by someone else while it
 * is read ends the process with SIGBUS (as libetpan's reader did).
 */
#include "dealtemp/import.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dealtemp/analyze.h"
#include "dealtemp/ingest.h"
#include "dealtemp/mbox.h"

/* The progress line is redrawn at most this often (seconds). */
#define PROGRESS_EVERY 0.2

struct run {
    struct dt_store *st;
    const struct dt_config *cfg;
    const char *source;          /* the file or directory, for the progress line */
    struct dt_import_stats *stats;
    bool progress;               /* draw the progress line */
    bool in_batch;               /* a dt_store_begin is open */
    size_t batch;                /* records in the open batch */
    time_t started;              /* the last-resort message time */
    double t0, last_draw;        /* monotonic seconds */
};

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void draw(struct run *r, bool final)
{
    if (!r->progress)
        return;
    double now = mono_now();
    if (!final && now - r->last_draw < PROGRESS_EVERY)
        return;
    r->last_draw = now;
    const struct dt_import_stats *s = r->stats;
    double el = now - r->t0;
    unsigned pct = s->total > 0 ? (unsigned)(s->seen * 100 / s->total) : 100;
    fprintf(stderr, "\rimport %s: %zu/%zu (%u%%) %.0f msg/s", r->source, s->seen, s->total, pct,
            el > 0 ? (double)s->seen / el : 0.0);
    if (final)
        fputc('\n', stderr);
    fflush(stderr);
}

static void run_start(struct run *r, struct dt_store *st, const struct dt_config *cfg,
                      const char *source, bool progress, struct dt_import_stats *stats)
{
    memset(stats, 0, sizeof(*stats));
    memset(r, 0, sizeof(*r));
    r->st = st;
    r->cfg = cfg;
    r->source = source;
    r->stats = stats;
    r->progress = progress && isatty(STDERR_FILENO);
    r->started = time(NULL);
    r->t0 = mono_now();
}

/* Commit what is open; keep the first error (a failed record) over a commit failure. */
static int run_finish(struct run *r, int rc, struct dt_error *err)
{
    if (r->in_batch) {
        struct dt_error cerr;
        r->in_batch = false;
        if (dt_store_commit(r->st, &cerr) < 0 && rc == 0) {
            if (err != NULL)
                *err = cerr;
            rc = -1;
        }
    }
    r->stats->seconds = mono_now() - r->t0;
    if (r->stats->seen > 0 || r->stats->total > 0)
        draw(r, true);
    return rc;
}

static void malformed(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void malformed(struct run *r, const char *fmt, ...)
{
    struct dt_import_stats *s = r->stats;
    if (s->malformed < DT_IMPORT_NAMED) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(s->first_malformed[s->malformed], sizeof(s->first_malformed[0]), fmt, ap);
        va_end(ap);
    }
    s->malformed++;
}

/* A maildir entry not read as a message: named (the first few) and counted. */
static void skipped(struct run *r, bool symlink, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void skipped(struct run *r, bool symlink, const char *fmt, ...)
{
    struct dt_import_stats *s = r->stats;
    if (s->skipped < DT_IMPORT_NAMED) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(s->first_skipped[s->skipped], sizeof(s->first_skipped[0]), fmt, ap);
        va_end(ap);
    }
    s->seen++;
    s->skipped++;
    s->skipped_symlinks += symlink;
    draw(r, false);
}

/*
 * The time of a message: its Date, else its first Received, else fallback
 * (the From_ line or the file's mtime), else the start of the import. The
 * sender writes Date (and a broken clock the rest): a time before
 * DT_IMPORT_TIME_MIN or more than DT_IMPORT_FUTURE_S after the start of
 * the import is passed over for the next source, and the message counted
 * in dates_out_of_range (a year 1900 or 9999 would put a reply centuries
 * from its question).
 */
static time_t message_time(struct run *r, const struct dt_message *m, time_t fallback)
{
    const time_t from[3] = {m->date, m->received, fallback};
    bool passed_over = false;
    time_t at = r->started;
    for (size_t i = 0; i < 3; i++) {
        if (from[i] == (time_t)-1)
            continue;
        if (from[i] >= DT_IMPORT_TIME_MIN && from[i] - r->started <= DT_IMPORT_FUTURE_S) {
            at = from[i];
            break;
        }
        passed_over = true;
    }
    if (passed_over)
        r->stats->dates_out_of_range++;
    return at;
}

/*
 * One message. fallback is the time the source itself gives it (From_
 * line, mtime), or -1. Returns -1 only on a store failure.
 */
static int import_one(struct run *r, const char *raw, size_t len, time_t fallback,
                      const char *pos, struct dt_error *err)
{
    struct dt_facts f;
    struct dt_error aerr;

    r->stats->seen++;
    if (dt_analyze(r->cfg, raw, len, NULL, 0, &f, &aerr) < 0) {
        malformed(r, "%s: %s", pos, aerr.msg);
        draw(r, false);
        return 0;
    }
    time_t at = message_time(r, f.msg, fallback);

    if (!r->in_batch) {
        if (dt_store_begin(r->st, err) < 0) {
            dt_facts_clear(&f);
            return -1;
        }
        r->in_batch = true;
        r->batch = 0;
    }
    struct dt_ingest_result res;
    memset(&res, 0, sizeof(res));
    int rc = dt_ingest(r->st, r->cfg, &f, at, 0, &res, err);
    dt_facts_clear(&f);
    if (rc < 0) {
        dt_error_prefix(err, "%s", pos);
        return -1;
    }
    if (!res.recorded)
        r->stats->ignored++;
    else if (res.duplicate)
        r->stats->duplicates++;
    else
        r->stats->imported++;
    if (++r->batch >= DT_IMPORT_BATCH) {
        r->in_batch = false;
        if (dt_store_commit(r->st, err) < 0)
            return -1;
    }
    draw(r, false);
    return 0;
}

/* ---- mbox ---- */

/*
 * The date of an mbox From_ line, "From sender Tue Jul  1 14:30:00 2025"
 * (asctime form, no zone: read as UTC), or -1. The sender may hold
 * spaces, so the date is looked for after every space.
 */
static time_t from_line_date(const char *p, size_t n)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    char line[256];

    if (n >= sizeof(line))
        n = sizeof(line) - 1;
    memcpy(line, p, n);
    line[n] = '\0';
    for (char *s = strchr(line, ' '); s != NULL; s = strchr(s + 1, ' ')) {
        char wd[4], mon[4];
        int d, h, mi, sec, y;
        if (sscanf(s, " %3s %3s %d %d:%d:%d %d", wd, mon, &d, &h, &mi, &sec, &y) != 7)
            continue;
        const char *m = strstr(months, mon);
        if (m == NULL || strlen(mon) != 3 || (m - months) % 3 != 0 || d < 1 || d > 31 ||
            h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60 || y < 1970 || y > 9999)
            continue;
        struct tm tm;
        memset(&tm, 0, sizeof(tm));
        tm.tm_year = y - 1900;
        tm.tm_mon = (int)((m - months) / 3);
        tm.tm_mday = d;
        tm.tm_hour = h;
        tm.tm_min = mi;
        tm.tm_sec = sec;
        return timegm(&tm);
    }
    return (time_t)-1;
}

/* Every message of the mbox buf[0..len), named "mbox NAME message N (line L)". */
static int import_mbox_buf(struct run *r, const char *buf, size_t len, const char *name,
                           struct dt_error *err)
{
    r->stats->total = dt_mbox_count(buf, len);
    struct dt_buf plain = DT_BUF_INIT; /* an escaped message, unescaped */
    struct dt_mbox_msg m;
    size_t pos = 0, line = 1, no = 0;
    int rc = 0;
    while (rc == 0 && dt_mbox_next(buf, len, &pos, &line, &m)) {
        char where[PATH_MAX + 64];
        snprintf(where, sizeof(where), "mbox %s message %zu (line %zu)", name, ++no, m.line);
        const char *data = m.data;
        size_t n = m.len;
        if (m.escaped) {
            dt_buf_reset(&plain);
            dt_mbox_unescape(&m, &plain);
            if (dt_buf_failed(&plain)) {
                r->stats->seen++;
                malformed(r, "%s: out of memory", where);
                dt_buf_free(&plain);
                continue;
            }
            data = plain.data ? plain.data : "";
            n = plain.len;
        }
        time_t fallback = m.from_line ? from_line_date(m.from_line, m.from_len) : (time_t)-1;
        rc = import_one(r, data, n, fallback, where, err);
    }
    dt_buf_free(&plain);
    return rc;
}

int dt_import_mbox_mem(struct dt_store *st, const struct dt_config *cfg, const char *buf,
                       size_t len, struct dt_import_stats *stats, struct dt_error *err)
{
    struct run r;
    run_start(&r, st, cfg, DT_IMPORT_MEM_NAME, false, stats);
    int rc = import_mbox_buf(&r, buf != NULL ? buf : "", buf != NULL ? len : 0,
                             DT_IMPORT_MEM_NAME, err);
    return run_finish(&r, rc, err);
}

int dt_import_mbox(struct dt_store *st, const struct dt_config *cfg, const char *path,
                   bool progress, struct dt_import_stats *stats, struct dt_error *err)
{
    struct run r;
    struct stat sb;

    run_start(&r, st, cfg, path, progress, stats);
    /* O_NONBLOCK: a FIFO named as the mbox is refused below, not waited on. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return dt_error_set(err, "mbox %s: %s", path, strerror(errno));
    if (fstat(fd, &sb) < 0) {
        int e = errno;
        close(fd);
        return dt_error_set(err, "mbox %s: %s", path, strerror(e));
    }
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        return dt_error_set(err, "mbox %s: not a regular file", path);
    }
    if (sb.st_size == 0) {
        close(fd);
        return run_finish(&r, 0, err);
    }
    if ((uintmax_t)sb.st_size > SIZE_MAX) {
        close(fd);
        return dt_error_set(err, "mbox %s: too large to map", path);
    }
    size_t len = (size_t)sb.st_size;
    char *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    int saved = errno;
    close(fd);
    if (map == MAP_FAILED)
        return dt_error_set(err, "mbox %s: cannot map: %s", path, strerror(saved));
    (void)madvise(map, len, MADV_SEQUENTIAL);
    int rc = import_mbox_buf(&r, map, len, path, err);
    munmap(map, len);
    return run_finish(&r, rc, err);
}

/* ---- maildir ---- */

struct entry {
    int sub;    /* index into subs[] */
    char *name; /* owned */
};

static const char *const subs[] = {"new", "cur"};

static int entry_cmp(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c != 0 ? c : strcmp(subs[x->sub], subs[y->sub]);
}

/* What a file that is not a regular file is, in words. */
static const char *kind_of(mode_t mode)
{
    return S_ISDIR(mode)    ? "a directory"
           : S_ISFIFO(mode) ? "a FIFO"
           : S_ISSOCK(mode) ? "a socket"
           : S_ISCHR(mode)  ? "a character device"
           : S_ISBLK(mode)  ? "a block device"
           : S_ISLNK(mode)  ? "a symlink"
                            : "not a regular file";
}

/*
 * Open name in the directory dfd as a regular file, without following a
 * symlink or waiting on a FIFO: what is not a regular file is looked at
 * (fstatat, no follow) but never opened, and what is opened is checked
 * again (fstat) in case it was swapped meanwhile. Returns the descriptor
 * (with *sb), -1 with errno set (ELOOP: a symlink), or -2 with *sb
 * describing what is there instead.
 */
static int open_entry(int dfd, const char *name, struct stat *sb)
{
    struct stat first;
    if (fstatat(dfd, name, &first, AT_SYMLINK_NOFOLLOW) < 0)
        return -1;
    if (S_ISLNK(first.st_mode)) {
        errno = ELOOP;
        return -1;
    }
    if (!S_ISREG(first.st_mode)) {
        *sb = first;
        return -2;
    }
    int fd = openat(dfd, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (fstat(fd, sb) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    if (!S_ISREG(sb->st_mode)) {
        close(fd);
        return -2;
    }
    return fd;
}

/* Read the whole regular file fd into *buf (grown as needed) and close it. */
static int read_all(int fd, const struct stat *sb, char **buf, size_t *cap, size_t *len)
{
    size_t n = 0;
    for (;;) {
        if (n == *cap) {
            size_t want = (size_t)sb->st_size + 1; /* one read when the size holds */
            size_t ncap = *cap > 0 ? *cap * 2 : want > 65536 ? want : 65536;
            char *nb = realloc(*buf, ncap);
            if (nb == NULL) {
                close(fd);
                errno = ENOMEM;
                return -1;
            }
            *buf = nb;
            *cap = ncap;
        }
        ssize_t got = read(fd, *buf + n, *cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    close(fd);
    *len = n;
    return 0;
}

/* Add every entry of dfd (not starting with '.') to *ents. */
static int list_sub(int dfd, int sub, struct entry **ents, size_t *n, size_t *cap)
{
    int dup_fd = dup(dfd);
    DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    if (d == NULL) {
        if (dup_fd >= 0)
            close(dup_fd);
        return -1;
    }
    struct dirent *de;
    int rc = 0;
    errno = 0;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue; /* ., .., and what Maildir++ hides */
        if (*n == *cap) {
            size_t ncap = *cap ? *cap * 2 : 256;
            struct entry *ne = realloc(*ents, ncap * sizeof(*ne));
            if (ne == NULL) {
                rc = -1;
                errno = ENOMEM;
                break;
            }
            *ents = ne;
            *cap = ncap;
        }
        char *name = strdup(de->d_name);
        if (name == NULL) {
            rc = -1;
            errno = ENOMEM;
            break;
        }
        (*ents)[(*n)++] = (struct entry){sub, name};
        errno = 0;
    }
    if (rc == 0 && errno != 0)
        rc = -1;
    int e = errno;
    closedir(d);
    errno = e;
    return rc;
}

int dt_import_maildir(struct dt_store *st, const struct dt_config *cfg, const char *dir,
                      bool progress, struct dt_import_stats *stats, struct dt_error *err)
{
    struct run r;
    char path[PATH_MAX];
    int dfd[2] = {-1, -1};
    struct entry *ents = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;

    run_start(&r, st, cfg, dir, progress, stats);
    for (size_t i = 0; i < 2 && rc == 0; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, subs[i]);
        /* new/ and cur/ themselves are not followed out of the maildir either. */
        dfd[i] = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dfd[i] < 0 && (errno == ELOOP || errno == ENOTDIR))
            rc = dt_error_set(err, "maildir %s: %s is not a directory (a symlink is not followed)",
                              dir, path);
        else if (dfd[i] < 0)
            rc = dt_error_set(err, "maildir %s: %s: %s", dir, path, strerror(errno));
        else if (list_sub(dfd[i], (int)i, &ents, &n, &cap) < 0)
            rc = dt_error_set(err, "maildir %s: cannot list %s: %s", dir, path, strerror(errno));
    }
    if (rc == 0) {
        /* Maildir names start with the delivery time: name order is roughly arrival order. */
        if (n > 1)
            qsort(ents, n, sizeof(*ents), entry_cmp);
        stats->total = n;
    }

    char *buf = NULL;
    size_t bcap = 0, len = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char where[PATH_MAX + 16];
        struct stat sb;
        snprintf(where, sizeof(where), "maildir %s/%s/%s", dir, subs[ents[i].sub], ents[i].name);
        int fd = open_entry(dfd[ents[i].sub], ents[i].name, &sb);
        if (fd == -1 && errno == ELOOP)
            skipped(&r, true, "%s: a symlink, not followed", where);
        else if (fd == -1)
            skipped(&r, false, "%s: %s", where, strerror(errno));
        else if (fd == -2)
            skipped(&r, false, "%s: %s, not a regular file", where, kind_of(sb.st_mode));
        else if (read_all(fd, &sb, &buf, &bcap, &len) < 0)
            skipped(&r, false, "%s: %s", where, strerror(errno));
        else
            rc = import_one(&r, buf, len, sb.st_mtime, where, err);
    }
    free(buf);
    for (size_t i = 0; i < n; i++)
        free(ents[i].name);
    free(ents);
    for (size_t i = 0; i < 2; i++)
        if (dfd[i] >= 0)
            close(dfd[i]);
    return run_finish(&r, rc, err);
}
