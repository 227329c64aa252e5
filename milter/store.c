/*
 * store.c - the store interface (see store.h): picks the implementation
 * from the database string and forwards every call to it.
 *
 * Public functions: dt_store_open/open_existing/close, dt_store_begin/commit/rollback,
 * dt_store_record, dt_store_scan, dt_store_purge, dt_store_count,
 * dt_store_digest_first/sent/record, dt_store_version,
 * dt_store_set_busy_timeout, dt_store_schema_version, dt_store_is_pg,
 * dt_store_open_opts, dt_store_migrate, dt_store_broken,
 * dt_store_digest_claim/release, dt_store_dump, dt_store_load.
 * "postgresql://...", "postgres://..." and "host=..." are PostgreSQL
 * (store_pg.c); anything else is a SQLite file (store_sqlite.c).
 *
 * Failure behaviour: -1 with err set (the implementation names the
 * database file); a NULL handle is an error, never a crash.
 */
#include "store_int.h"

#include <math.h>
#include <string.h>

int64_t dt_store_score_to_int(double score)
{
    if (!isfinite(score))
        return 0;
    if (score < -1e6)
        score = -1e6;
    if (score > 1e6)
        score = 1e6;
    return (int64_t)llround(score * DT_SCORE_SCALE);
}

double dt_store_score_of_int(int64_t stored)
{
    return (double)stored / DT_SCORE_SCALE;
}

bool dt_store_is_pg(const char *db)
{
    return db != NULL && (strncmp(db, "postgresql://", 13) == 0 ||
                          strncmp(db, "postgres://", 11) == 0 || strncmp(db, "host=", 5) == 0);
}

int dt_store_check_string(const char *db, struct dt_error *err)
{
    return dt_store_is_pg(db) ? dt_store_pg_check(db, err) : 0;
}

int dt_store_open_opts(const char *db, const struct dt_store_options *o, struct dt_store **out,
                       struct dt_error *err)
{
    static const struct dt_store_options defaults = {true, 0, 0};
    *out = NULL;
    if (o == NULL)
        o = &defaults;
    if (db == NULL || *db == '\0')
        return dt_error_set(err, "no database configured");
    if (dt_store_is_pg(db))
        return dt_store_pg_open(db, o, out, err);
    return dt_store_sqlite_open(db, o->create, out, err);
}

int dt_store_open(const char *path, struct dt_store **out, struct dt_error *err)
{
    return dt_store_open_opts(path, NULL, out, err);
}

int dt_store_open_existing(const char *path, struct dt_store **out, struct dt_error *err)
{
    struct dt_store_options o = {false, 0, 0};
    return dt_store_open_opts(path, &o, out, err);
}

int dt_store_migrate(const char *db, int *from, int *to, struct dt_error *err)
{
    int f = 0, t = 0;
    if (db == NULL || *db == '\0')
        return dt_error_set(err, "no database configured");
    int rc;
    if (dt_store_is_pg(db)) {
        rc = dt_store_pg_migrate(db, &f, &t, err);
    } else {
        rc = dt_store_sqlite_migrate(db, &f, &t, err);
    }
    if (from != NULL)
        *from = f;
    if (to != NULL)
        *to = t;
    return rc;
}

bool dt_store_broken(const struct dt_store *st)
{
    return st != NULL && st->ops->broken(st);
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
    static const struct dt_store_filter all = {NULL, NULL, 0, 0, 0, false};
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

int dt_store_digest_claim(struct dt_store *st, const char *rep, time_t day, time_t now,
                          long stale_s, bool *claimed, struct dt_error *err)
{
    *claimed = false; /* on every failure too: a caller that sends on true never sends twice */
    CHECK(st);
    CHECK_REP(rep, "dt_store_digest_claim");
    return st->ops->digest_claim(st, rep, day, now, stale_s, claimed, err);
}

int dt_store_digest_release(struct dt_store *st, const char *rep, time_t day,
                            struct dt_error *err)
{
    CHECK(st);
    CHECK_REP(rep, "dt_store_digest_release");
    return st->ops->digest_release(st, rep, day, err);
}

int dt_store_dump(struct dt_store *st, int (*fn)(const struct dt_raw *r, void *arg), void *arg,
                  struct dt_error *err)
{
    CHECK(st);
    if (fn == NULL)
        return dt_error_set(err, "dt_store_dump: no callback");
    return st->ops->dump(st, fn, arg, err);
}

/*
 * A dumped message is recorded as the milter would record it, with its
 * thread named by key: no ancestors, no subject fallback (window -1), the
 * thread's key as the key a new thread gets - so it lands in the same
 * thread, with the same subject, and a second load finds it by Message-ID.
 */
int dt_store_load(struct dt_store *st, const struct dt_raw *r, bool *added, struct dt_error *err)
{
    bool dummy;
    CHECK(st);
    if (r == NULL)
        return dt_error_set(err, "dt_store_load: no row");
    if (added == NULL)
        added = &dummy;
    *added = false;
    if (r->kind != DT_RAW_EVENT) {
        CHECK_REP(r->rep, "dt_store_load");
        return st->ops->load_digest(st, r, added, err);
    }
    struct dt_record rec = {
        .msgid = r->msgid,
        .new_key = r->thread,
        .at = r->at,
        .outbound = r->outbound,
        .rep = r->rep,
        .counterpart = r->counterpart,
        .subject = r->subject,
        .subject_key = r->subject_key,
        .window_s = -1,
        .score = dt_store_score_of_int(r->score_milli),
        .phrases = r->phrases,
        .counterpart_name = r->counterpart_name,
        .hesitation = dt_store_score_of_int(r->hesitation_milli),
        .engagement = dt_store_score_of_int(r->engagement_milli),
        .kinds = r->kinds,
        .people = r->people,
    };
    struct dt_record_result res;
    if (r->thread <= 0)
        return dt_error_set(err, "dt_store_load: message without a thread key");
    if (st->ops->record(st, &rec, &res, err) < 0)
        return -1;
    *added = !res.duplicate;
    return 0;
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
