/*
 * store_int.h - what a store implementation provides to store.c.
 *
 * store.c dispatches every public dt_store_* call through the ops table of
 * the handle, so a second implementation (PostgreSQL, chosen by a
 * "postgresql://" database string) slots in without touching callers.
 * Each implementation embeds struct dt_store as its first member.
 */
#ifndef DEALTEMP_STORE_INT_H
#define DEALTEMP_STORE_INT_H

#include <stdint.h>

#include "dealtemp/store.h"

struct dt_store_ops {
    const char *name;
    void (*close)(struct dt_store *st);
    int (*begin)(struct dt_store *st, struct dt_error *err);
    int (*commit)(struct dt_store *st, struct dt_error *err);
    int (*rollback)(struct dt_store *st, struct dt_error *err);
    int (*record)(struct dt_store *st, const struct dt_record *rec, struct dt_record_result *res,
                  struct dt_error *err);
    int (*scan)(struct dt_store *st, const struct dt_store_filter *f,
                int (*fn)(const struct dt_row *row, void *arg), void *arg, struct dt_error *err);
    int (*purge)(struct dt_store *st, time_t before, size_t *deleted, struct dt_error *err);
    int (*count)(struct dt_store *st, struct dt_store_counts *out, struct dt_error *err);
    int (*digest_first)(struct dt_store *st, const char *rep, dt_hash thread, time_t *first,
                        struct dt_error *err);
    int (*digest_sent)(struct dt_store *st, const char *rep, time_t day, bool *sent,
                       struct dt_error *err);
    int (*digest_record)(struct dt_store *st, const char *rep, time_t day, const dt_hash *threads,
                         size_t n, time_t sent_at, struct dt_error *err);
    int (*digest_claim)(struct dt_store *st, const char *rep, time_t day, time_t now,
                        long stale_s, bool *claimed, struct dt_error *err);
    int (*digest_release)(struct dt_store *st, const char *rep, time_t day, struct dt_error *err);
    int (*dump)(struct dt_store *st, int (*fn)(const struct dt_raw *r, void *arg), void *arg,
                struct dt_error *err);
    /* A DT_RAW_DIGEST_SENT or DT_RAW_DIGEST_ITEM row (events go through record). */
    int (*load_digest)(struct dt_store *st, const struct dt_raw *r, bool *added,
                       struct dt_error *err);
    int (*version)(const struct dt_store *st);
    void (*set_busy_timeout)(struct dt_store *st, int ms);
    bool (*broken)(const struct dt_store *st);
};

struct dt_store {
    const struct dt_store_ops *ops;
};

/* store_pg.c: db is a libpq URL or keyword string; the schema must be current. */
int dt_store_pg_open(const char *db, const struct dt_store_options *o, struct dt_store **out,
                     struct dt_error *err);
int dt_store_pg_check(const char *db, struct dt_error *err);
int dt_store_pg_migrate(const char *db, int *from, int *to, struct dt_error *err);

/* store_sqlite.c: path is a file name; without create a missing file is refused. */
int dt_store_sqlite_open(const char *path, bool create, struct dt_store **out,
                         struct dt_error *err);
/* Open (creating) and migrate; the versions before and after. */
int dt_store_sqlite_migrate(const char *path, int *from, int *to, struct dt_error *err);
/* The newest schema version store_sqlite.c knows. */
int dt_store_sqlite_schema_version(void);

#endif
