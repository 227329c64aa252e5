/*
 * migrate.c - copy one store into another and prove it (migrate.h).
 *
 * Public: dt_store_copy(). Works between any two stores (SQLite to
 * PostgreSQL is the point; PostgreSQL to SQLite makes a local copy) through
 * the store interface only: dt_store_dump on the source, dt_store_load on
 * the target in batches.
 *
 * Failure behaviour: -1 with "<store>: <reason>" for either store, or
 * "copy check: ..." when the counts afterwards do not add up; what was
 * committed stays (a rerun completes it).
 */
#include "dealtemp/migrate.h"

#include <string.h>

#define BATCH 5000

struct copy {
    struct dt_store *to;
    struct dt_copy_report *r;
    size_t in_batch;
    struct dt_error *err;
};

static int copy_row(const struct dt_raw *raw, void *arg)
{
    struct copy *c = arg;
    if (c->in_batch == 0 && dt_store_begin(c->to, c->err) < 0)
        return -1;
    bool added = false;
    if (dt_store_load(c->to, raw, &added, c->err) < 0)
        return -1;
    if (raw->kind == DT_RAW_EVENT) {
        c->r->messages++;
        if (added)
            c->r->added++;
        else
            c->r->already++;
    } else {
        c->r->digest_rows++;
        c->r->digest_added += added;
    }
    if (++c->in_batch == BATCH) {
        c->in_batch = 0;
        if (dt_store_commit(c->to, c->err) < 0)
            return -1;
    }
    return 0;
}

static size_t total(const struct dt_store_counts *n)
{
    return n->outbound + n->inbound;
}

static int verify(const struct dt_copy_report *r, struct dt_error *err)
{
    if (r->messages != total(&r->source))
        return dt_error_set(err, "copy check: read %zu messages, the source counts %zu",
                            r->messages, total(&r->source));
    if (r->added + r->already != r->messages)
        return dt_error_set(err, "copy check: %zu added + %zu already there != %zu read",
                            r->added, r->already, r->messages);
    if (total(&r->after) != total(&r->before) + r->added)
        return dt_error_set(err, "copy check: the target holds %zu messages, expected %zu + %zu",
                            total(&r->after), total(&r->before), r->added);
    if (total(&r->before) == 0 &&
        (r->after.outbound != r->source.outbound || r->after.inbound != r->source.inbound ||
         r->after.threads != r->source.threads))
        return dt_error_set(err,
                            "copy check: the target holds %zu outbound, %zu inbound, %zu threads;"
                            " the source %zu, %zu, %zu",
                            r->after.outbound, r->after.inbound, r->after.threads,
                            r->source.outbound, r->source.inbound, r->source.threads);
    return 0;
}

int dt_store_copy(const char *from, const char *to, struct dt_copy_report *r,
                  struct dt_error *err)
{
    struct dt_store *src = NULL, *dst = NULL;
    memset(r, 0, sizeof(*r));
    if (dt_store_open_existing(from, &src, err) < 0)
        return -1;
    int rc = dt_store_migrate(to, &r->from_version, &r->to_version, err);
    if (rc == 0)
        rc = dt_store_open(to, &dst, err);
    if (rc == 0)
        rc = dt_store_count(src, &r->source, err);
    if (rc == 0)
        rc = dt_store_count(dst, &r->before, err);
    if (rc == 0) {
        struct copy c = {dst, r, 0, err};
        rc = dt_store_dump(src, copy_row, &c, err) != 0 ? -1 : 0;
        if (rc == 0 && c.in_batch > 0)
            rc = dt_store_commit(dst, err);
        else if (rc < 0 && c.in_batch > 0)
            dt_store_rollback(dst, NULL);
    }
    if (rc == 0)
        rc = dt_store_count(dst, &r->after, err);
    if (rc == 0)
        rc = verify(r, err);
    dt_store_close(dst);
    dt_store_close(src);
    return rc;
}
