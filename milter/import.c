/*
 * import.c - backfill the store from mbox files and maildirs (import.h).
 *
 * Public: dt_import_mbox(), dt_import_maildir().
 *
 * The mbox is opened read-only through libetpan's mailmbox driver (no
 * X-LibEtPan-UID headers are ever written) and each message is taken from
 * the file mapping without a copy; a maildir is listed with libetpan's
 * maildir driver and each file read whole. Every message then goes through
 * import_one(): dt_analyze(), a time (message_time(): Date, first
 * Received, From_ line or mtime, start of the import, each only when
 * plausible), dt_ingest(). Writes are grouped in
 * transactions of DT_IMPORT_BATCH records: one fsync per batch, not per
 * message.
 *
 * Failure: a message that is not a message, or a maildir file that cannot
 * be read, is counted and named, never fatal. Only an unopenable source or
 * a store error returns -1; err then names the file.
 */
#include "dealtemp/import.h"

#include <errno.h>
#include <fcntl.h>
#include <libetpan/libetpan.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dealtemp/analyze.h"
#include "dealtemp/ingest.h"

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

int dt_import_mbox(struct dt_store *st, const struct dt_config *cfg, const char *path,
                   bool progress, struct dt_import_stats *stats, struct dt_error *err)
{
    struct run r;
    struct stat sb;

    run_start(&r, st, cfg, path, progress, stats);
    if (stat(path, &sb) < 0)
        return dt_error_set(err, "mbox %s: %s", path, strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return dt_error_set(err, "mbox %s: not a regular file", path);
    if (sb.st_size == 0)
        return run_finish(&r, 0, err); /* libetpan cannot map an empty file */

    struct mailmbox_folder *mb = NULL;
    /* read-only and no UIDs: libetpan must never rewrite the user's mailbox */
    int e = mailmbox_init(path, 1, 1, 0, &mb);
    if (e != MAILMBOX_NO_ERROR)
        return dt_error_set(err, "mbox %s: cannot open or parse (libetpan error %d)", path, e);

    stats->total = carray_count(mb->mb_tab);
    int rc = 0;
    for (unsigned i = 0; i < carray_count(mb->mb_tab) && rc == 0; i++) {
        struct mailmbox_msg_info *info = carray_get(mb->mb_tab, i);
        char pos[300];
        snprintf(pos, sizeof(pos), "mbox %s message %u", path, i + 1);
        if (info == NULL || info->msg_deleted)
            continue;
        char *data;
        size_t len;
        if (mailmbox_fetch_msg_no_lock(mb, info->msg_uid, &data, &len) != MAILMBOX_NO_ERROR) {
            stats->seen++;
            malformed(&r, "%s: cannot be read", pos);
            continue;
        }
        time_t fallback =
            from_line_date(mb->mb_mapping + info->msg_start, info->msg_start_len);
        rc = import_one(&r, data, len, fallback, pos, err);
    }
    mailmbox_done(mb);
    return run_finish(&r, rc, err);
}

/* ---- maildir ---- */

struct entry {
    const char *sub;  /* "new" or "cur" */
    const char *name; /* owned by libetpan's list */
};

static int entry_cmp(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c != 0 ? c : strcmp(x->sub, y->sub);
}

/* Read a whole file into *buf (grown as needed); *mtime from fstat. */
static int read_file(const char *path, char **buf, size_t *cap, size_t *len, time_t *mtime)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat sb;
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        int e = S_ISREG(sb.st_mode) ? errno : EISDIR;
        close(fd);
        errno = e;
        return -1;
    }
    *mtime = sb.st_mtime;
    size_t n = 0;
    for (;;) {
        if (n == *cap) {
            size_t want = (size_t)sb.st_size + 1; /* one read when the size holds */
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

int dt_import_maildir(struct dt_store *st, const struct dt_config *cfg, const char *dir,
                      bool progress, struct dt_import_stats *stats, struct dt_error *err)
{
    struct run r;
    char path[PATH_MAX];
    struct stat sb;

    run_start(&r, st, cfg, dir, progress, stats);
    static const char *const subs[] = {"new", "cur"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, subs[i]);
        if (stat(path, &sb) < 0)
            return dt_error_set(err, "maildir %s: %s: %s", dir, path, strerror(errno));
        if (!S_ISDIR(sb.st_mode))
            return dt_error_set(err, "maildir %s: %s is not a directory", dir, path);
    }
    struct maildir *md = maildir_new(dir);
    if (md == NULL)
        return dt_error_set(err, "maildir %s: out of memory", dir);
    int e = maildir_update(md);
    if (e != MAILDIR_NO_ERROR) {
        maildir_free(md);
        return dt_error_set(err, "maildir %s: cannot list (libetpan error %d)", dir, e);
    }
    size_t n = carray_count(md->mdir_msg_list);
    struct entry *ents = calloc(n > 0 ? n : 1, sizeof(*ents));
    if (ents == NULL) {
        maildir_free(md);
        return dt_error_set(err, "maildir %s: out of memory", dir);
    }
    for (size_t i = 0; i < n; i++) {
        struct maildir_msg *m = carray_get(md->mdir_msg_list, (unsigned)i);
        ents[i].sub = (m->msg_flags & MAILDIR_FLAG_NEW) != 0 ? "new" : "cur";
        ents[i].name = m->msg_filename;
    }
    /* Maildir names start with the delivery time: name order is roughly arrival order. */
    qsort(ents, n, sizeof(*ents), entry_cmp);
    stats->total = n;

    char *buf = NULL;
    size_t cap = 0, len = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char pos[PATH_MAX + 16];
        time_t mtime;
        snprintf(path, sizeof(path), "%s/%s/%s", dir, ents[i].sub, ents[i].name);
        snprintf(pos, sizeof(pos), "maildir %s", path);
        if (read_file(path, &buf, &cap, &len, &mtime) < 0) {
            stats->seen++;
            malformed(&r, "%s: %s", pos, strerror(errno));
            continue;
        }
        rc = import_one(&r, buf, len, mtime, pos, err);
    }
    free(buf);
    free(ents);
    maildir_free(md);
    return run_finish(&r, rc, err);
}
