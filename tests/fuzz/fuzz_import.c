/*
 * fuzz_import.c - an mbox, as years of hostile mail and broken clients
 * left it, through `dealtemp import` (import.h): the mbox is split into
 * messages (mbox.h), each goes through dt_analyze and dt_ingest into a
 * SQLite store, dates come from Date, Received or the From_ line.
 *
 * The input is imported with dt_import_mbox_mem (no file) into a fresh
 * store in a directory init makes (under TMPDIR; /dev/shm when it exists,
 * to keep SQLite's files in memory), removed at exit: a copy of the empty
 * store init made. Each input starts from an empty store, so the counts
 * depend on the input alone. As in
 * fuzz_analyze, the work runs on a thread with a small stack
 * (dt_fuzz_on_stack). Before that the splitter itself is walked.
 *
 * Contracts checked besides memory safety: dt_mbox_next gives messages
 * inside the buffer, in order and apart, on increasing lines, as many as
 * dt_mbox_count says, and dt_mbox_unescape shortens a message exactly when
 * it is marked escaped (mbox.h); the import accepts any bytes (it may fail
 * only on the store), finds as many messages as the splitter, and its
 * counts add up: seen = imported + duplicates + ignored + malformed +
 * skipped, and no more are seen than were found (import.h).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dealtemp/import.h"
#include "dealtemp/mbox.h"
#include "dealtemp/store.h"
#include "fuzz.h"

static struct dt_config *cfg;
static char dir[4096], db[4200];
/* The empty store as init created it: each input starts from a copy (creating
 * the schema anew took most of an input's time). */
static char *empty;
static size_t empty_len;

static void remove_db(void)
{
    static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
    char p[4300];
    for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
        snprintf(p, sizeof(p), "%s%s", db, ext[i]);
        unlink(p);
    }
}

static void remove_all(void)
{
    if (dir[0] == '\0')
        return;
    remove_db();
    rmdir(dir);
}

int dt_fuzz_import_init(const char *top)
{
    struct stat sb;
    const char *tmp = getenv("TMPDIR");
    if (tmp == NULL || tmp[0] == '\0')
        tmp = stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode) && access("/dev/shm", W_OK) == 0
                  ? "/dev/shm"
                  : "/tmp";
    snprintf(dir, sizeof(dir), "%s/dt-fuzz-import-XXXXXX", tmp);
    if (mkdtemp(dir) == NULL) {
        perror(dir);
        dir[0] = '\0';
        return -1;
    }
    atexit(remove_all);
    snprintf(db, sizeof(db), "%s/store.db", dir);
    if ((cfg = dt_fuzz_config_load(top, "tests/data/conf/analyze.conf")) == NULL)
        return -1;
    struct dt_store *st = NULL;
    struct dt_error err = {{0}};
    if (dt_store_open(db, &st, &err) < 0) {
        fprintf(stderr, "fuzz: %s\n", err.msg);
        return -1;
    }
    dt_store_close(st); /* the last close folds the WAL into the file */
    FILE *fp = fopen(db, "rb");
    struct dt_buf b = DT_BUF_INIT;
    char chunk[65536];
    size_t n;
    while (fp != NULL && (n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        dt_buf_append(&b, chunk, n);
    if (fp == NULL || ferror(fp) || dt_buf_failed(&b) || b.len == 0) {
        fprintf(stderr, "fuzz: cannot read back the empty store %s\n", db);
        return -1;
    }
    fclose(fp);
    empty = dt_buf_steal(&b, &empty_len);
    return 0;
}

/* A fresh copy of the empty store. */
static void fresh_store(void)
{
    remove_db();
    FILE *fp = fopen(db, "wb");
    if (fp == NULL || fwrite(empty, 1, empty_len, fp) != empty_len || fclose(fp) != 0) {
        perror(db);
        abort();
    }
}

/* Walk the split as import does, checking what mbox.h promises of each message. */
static size_t split(const char *buf, size_t len)
{
    size_t pos = 0, line = 1, n = 0, end = 0, last_line = 0;
    struct dt_mbox_msg m;
    struct dt_buf plain = DT_BUF_INIT;

    while (dt_mbox_next(buf, len, &pos, &line, &m)) {
        DT_FUZZ_ASSERT(m.data >= buf + end && m.data + m.len <= buf + len,
                       "a message outside the buffer or overlapping the one before");
        DT_FUZZ_ASSERT(m.from_line == NULL ||
                           (m.from_line >= buf + end && m.from_line + m.from_len <= m.data),
                       "a From_ line outside its place");
        DT_FUZZ_ASSERT(n == 0 || m.line > last_line, "message lines do not increase");
        DT_FUZZ_ASSERT(pos >= (size_t)(m.data - buf) + m.len && pos <= len,
                       "the position did not move past the message");
        end = (size_t)(m.data - buf) + m.len;
        last_line = m.line;
        dt_buf_reset(&plain);
        dt_mbox_unescape(&m, &plain);
        if (!dt_buf_failed(&plain))
            DT_FUZZ_ASSERT(m.escaped ? plain.len < m.len : plain.len == m.len,
                           "unescaping disagrees with the escaped mark");
        n++;
    }
    dt_buf_free(&plain);
    DT_FUZZ_ASSERT(n == dt_mbox_count(buf, len), "dt_mbox_count disagrees with dt_mbox_next");
    return n;
}

struct input {
    const char *buf;
    size_t len;
};

static void import(void *arg)
{
    const struct input *in = arg;
    size_t found = split(in->buf, in->len);

    fresh_store();
    struct dt_store *st = NULL;
    struct dt_error err = {{0}};
    if (dt_store_open(db, &st, &err) < 0) {
        fprintf(stderr, "fuzz: %s\n", err.msg);
        abort();
    }
    struct dt_import_stats stats;
    if (dt_import_mbox_mem(st, cfg, in->buf, in->len, &stats, &err) < 0) {
        fprintf(stderr, "fuzz: the store failed: %s\n", err.msg);
        abort();
    }
    DT_FUZZ_ASSERT(stats.total == found, "the import found other messages than the splitter");
    DT_FUZZ_ASSERT(stats.seen <= stats.total, "more messages seen than found");
    DT_FUZZ_ASSERT(stats.imported + stats.duplicates + stats.ignored + stats.malformed +
                           stats.skipped ==
                       stats.seen,
                   "the import's counts do not add up");
    dt_store_close(st);
}

int dt_fuzz_import(const uint8_t *data, size_t size)
{
    struct input in = {(const char *)data, size};
    dt_fuzz_on_stack(import, &in);
    return 0;
}

DT_FUZZ_ENTRY(import)
