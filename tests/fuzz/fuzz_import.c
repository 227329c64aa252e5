/*
 * fuzz_import.c - an mbox, as years of hostile mail and broken clients
 * left it, through `dealtemp import` (import.h): libetpan's mbox reader
 * splits it at From_ lines, each message goes through dt_analyze and
 * dt_ingest into a SQLite store, dates come from Date, Received or the
 * From_ line.
 *
 * dt_import_mbox reads a file, so the input is written to one temporary
 * mbox and imported into a fresh store, both in a directory init makes
 * (under TMPDIR; /dev/shm is used when it exists, to keep SQLite's files
 * in memory) and removed at exit. Each input starts from an empty store,
 * so the result depends on the input alone. As in fuzz_analyze, the work
 * runs on a thread with a small stack (dt_fuzz_on_stack).
 *
 * Contracts checked besides memory safety: the import of a readable mbox
 * succeeds (only an unopenable source or a store failure may fail it, and
 * then err says why), and its counts add up: every message seen is
 * imported, a duplicate, ignored or malformed, and no more are seen than
 * were found.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dealtemp/import.h"
#include "dealtemp/store.h"
#include "fuzz.h"

static struct dt_config *cfg;
static char dir[4096], mbox[4200], db[4200];

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
    unlink(mbox);
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
    snprintf(mbox, sizeof(mbox), "%s/in.mbox", dir);
    snprintf(db, sizeof(db), "%s/store.db", dir);
    cfg = dt_fuzz_config_load(top, "tests/data/conf/analyze.conf");
    return cfg != NULL ? 0 : -1;
}

static void import(void *arg);

struct input {
    const uint8_t *data;
    size_t size;
};

int dt_fuzz_import(const uint8_t *data, size_t size)
{
    struct input in = {data, size};
    dt_fuzz_on_stack(import, &in);
    return 0;
}

static void import(void *arg)
{
    const struct input *in = arg;
    const uint8_t *data = in->data;
    size_t size = in->size;
    FILE *fp = fopen(mbox, "wb");
    if (fp == NULL || fwrite(data, 1, size, fp) != size || fclose(fp) != 0) {
        perror(mbox);
        abort();
    }
    remove_db();
    struct dt_store *st = NULL;
    struct dt_error err = {{0}};
    if (dt_store_open(db, &st, &err) < 0) {
        fprintf(stderr, "fuzz: %s\n", err.msg);
        abort();
    }
    struct dt_import_stats stats;
    int rc = dt_import_mbox(st, cfg, mbox, false, &stats, &err);
    if (rc < 0) {
        DT_FUZZ_ASSERT(err.msg[0] != '\0', "the import failed without saying why");
        /* libetpan refuses some files outright; that is a reason, not a crash. */
        DT_FUZZ_ASSERT(strstr(err.msg, "cannot open or parse") != NULL,
                       "the import of a readable mbox failed");
    } else {
        DT_FUZZ_ASSERT(stats.seen <= stats.total, "more messages seen than found");
        DT_FUZZ_ASSERT(stats.imported + stats.duplicates + stats.ignored + stats.malformed ==
                           stats.seen,
                       "the import's counts do not add up");
    }
    dt_store_close(st);
}

DT_FUZZ_ENTRY(import)
