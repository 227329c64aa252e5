/*
 * store.c - the store interface (see store.h): picks the implementation
 * from the database string and forwards every call to it.
 *
 * Public functions: dt_store_open/open_existing/close, dt_store_begin/commit/rollback,
 * dt_store_record, dt_store_scan, dt_store_purge, dt_store_count,
 * dt_store_digest_first/sent/record, dt_store_version,
 * dt_store_set_busy_timeout, dt_store_schema_version. "postgresql://..."
 * and "postgres://..." are reserved for a PostgreSQL implementation and
 * refused for now; anything else is a SQLite file.
 *
 * Failure behaviour: -1 with err set (the implementation names the
 * database file); a NULL handle is an error, never a crash.
 */
#include "store_int.h"

#include <string.h>

static int open_store(const char *path, bool create, struct dt_store **out, struct dt_error *err)
{
    *out = NULL;
    if (path == NULL || *path == '\0')
        return dt_error_set(err, "no database configured");
    if (strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0)
        return dt_error_set(err, "%.*s...: PostgreSQL is not supported by this build", 13, path);
    return dt_store_sqlite_open(path, create, out, err);
}

int dt_store_open(const char *path, struct dt_store **out, struct dt_error *err)
{
    return open_store(path, true, out, err);
}

int dt_store_open_existing(const char *path, struct dt_store **out, struct dt_error *err)
{
    return open_store(path, false, out, err);
}

void dt_store_close(struct dt_store *st)
{
    if (st != NULL)
        st->ops->close(st);
}

#define CHECK(st)                                                                                  \
    do {                                                                                           \
        if ((st) == NULL)                                                                          \
            return dt_error_set(err, "store not open");                                            \
    } while (0)

int dt_store_begin(struct dt_store *st, struct dt_error *err)
{
    CHECK(st);
    return st->ops->begin(st, err);
}

int dt_store_commit(struct dt_store *st, struct dt_error *err)
{
    CHECK(st);
    return st->ops->commit(st, err);
}

int dt_store_rollback(struct dt_store *st, struct dt_error *err)
{
    CHECK(st);
    return st->ops->rollback(st, err);
}

int dt_store_record(struct dt_store *st, const struct dt_record *rec, struct dt_record_result *res,
                    struct dt_error *err)
{
    CHECK(st);
    if (rec == NULL || res == NULL)
        return dt_error_set(err, "dt_store_record: no record");
    return st->ops->record(st, rec, res, err);
}

int dt_store_scan(struct dt_store *st, const struct dt_store_filter *f,
                  int (*fn)(const struct dt_row *row, void *arg), void *arg, struct dt_error *err)
{
    CHECK(st);
    if (fn == NULL)
        return dt_error_set(err, "dt_store_scan: no callback");
    static const struct dt_store_filter all = {NULL, NULL, 0, 0};
    return st->ops->scan(st, f ? f : &all, fn, arg, err);
}

int dt_store_purge(struct dt_store *st, time_t before, size_t *deleted, struct dt_error *err)
{
    size_t dummy;
    CHECK(st);
    return st->ops->purge(st, before, deleted ? deleted : &dummy, err);
}

int dt_store_count(struct dt_store *st, struct dt_store_counts *out, struct dt_error *err)
{
    CHECK(st);
    return st->ops->count(st, out, err);
}

/* A digest belongs to a rep: without one there is nothing to look up or remember. */
#define CHECK_REP(rep, fn)                                                                         \
    do {                                                                                           \
        if ((rep) == NULL || *(rep) == '\0')                                                       \
            return dt_error_set(err, fn ": no rep");                                               \
    } while (0)

int dt_store_digest_first(struct dt_store *st, const char *rep, dt_hash thread, time_t *first,
                          struct dt_error *err)
{
    CHECK(st);
    CHECK_REP(rep, "dt_store_digest_first");
    return st->ops->digest_first(st, rep, thread, first, err);
}

int dt_store_digest_sent(struct dt_store *st, const char *rep, time_t day, bool *sent,
                         struct dt_error *err)
{
    CHECK(st);
    CHECK_REP(rep, "dt_store_digest_sent");
    return st->ops->digest_sent(st, rep, day, sent, err);
}

int dt_store_digest_record(struct dt_store *st, const char *rep, time_t day, const dt_hash *threads,
                           size_t n, time_t sent_at, struct dt_error *err)
{
    CHECK(st);
    CHECK_REP(rep, "dt_store_digest_record");
    if (n > 0 && threads == NULL)
        return dt_error_set(err, "dt_store_digest_record: threads missing");
    return st->ops->digest_record(st, rep, day, threads, n, sent_at, err);
}

int dt_store_version(const struct dt_store *st)
{
    return st ? st->ops->version(st) : -1;
}

void dt_store_set_busy_timeout(struct dt_store *st, int ms)
{
    if (st != NULL)
        st->ops->set_busy_timeout(st, ms < 0 ? 0 : ms);
}

int dt_store_schema_version(void)
{
    return dt_store_sqlite_schema_version();
}
