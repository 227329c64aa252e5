/*
 * store_helpers.c - a store to test against, the seam fixture around it
 * (temporary directory, a SQLite or PostgreSQL store, real configuration), and messages recorded
 * without a parsed message (see store_helpers.h): the thread is given by
 * its root's Message-ID, the rest follows from the level. Every helper
 * fails the running test (ck_assert) on error.
 */
#include "store_helpers.h"

#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "pgtest.h"
#include "testutil.h"

#define DAY 86400L

/* The running test's seam is PostgreSQL. */
static bool seam_pg;

struct dt_store *dt_test_store(const char *path)
{
    struct dt_store *st = NULL;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_store_open(path, &st, &err) == 0, "%s: %s", path, err.msg);
    ck_assert_ptr_nonnull(st);
    return st;
}

void dt_test_seam_open(const char *name, char *dir, size_t size, struct dt_config **cfg,
                       struct dt_store **st)
{
    seam_pg = false;
    char db[PATH_MAX];
    dt_test_mkdtemp(dir, size, name);
    snprintf(db, sizeof(db), "%s/store.db", dir);
    *cfg = dt_test_config("tests/data/conf/analyze.conf");
    *st = dt_test_store(db);
}

void dt_test_seam_open_pg(const char *name, char *dir, size_t size, struct dt_config **cfg,
                          struct dt_store **st)
{
    char url[256];
    seam_pg = true;
    dt_test_mkdtemp(dir, size, name);
    *cfg = dt_test_config("tests/data/conf/analyze.conf");
    dt_test_pg_create(url, sizeof(url), NULL, 0, true);
    *st = dt_test_store(url);
}

struct dt_store *dt_test_seam_fresh(const char *dir, const char *tag)
{
    char db[PATH_MAX];
    if (seam_pg)
        dt_test_pg_create(db, sizeof(db), NULL, 0, true);
    else
        snprintf(db, sizeof(db), "%s/%s.db", dir, tag);
    return dt_test_store(db);
}

void dt_test_seam_close(const char *dir, struct dt_config *cfg, struct dt_store *st)
{
    dt_store_close(st);
    dt_config_unref(cfg);
    dt_test_rm_rf(dir);
    dt_test_pg_drop_all(); /* nothing when the seam was SQLite */
    seam_pg = false;
}

void dt_test_put_tone(struct dt_store *st, const char *id, const char *root, time_t at,
                      bool outbound, double score, const char *rep, const char *counterpart,
                      const struct dt_test_tone *tone)
{
    static const struct dt_test_tone none;
    if (tone == NULL)
        tone = &none;
    dt_hash anc = dt_msgid_hash(root);
    bool reply = strcmp(id, root) != 0;
    struct dt_record r = {
        .msgid = dt_msgid_hash(id),
        .ancestors = reply ? &anc : NULL,
        .n_ancestors = reply ? 1 : 0,
        .new_key = anc,
        .at = at,
        .outbound = outbound,
        .rep = rep,
        .counterpart = counterpart,
        .subject = root,
        .window_s = 30 * DAY,
        .score = outbound || tone != &none ? score : 0,
        .phrases = outbound && score >= 0.6 ? "amazing, can't wait" : NULL,
        .hesitation = tone->hesitation,
        .engagement = tone->engagement,
        .kinds = tone->kinds,
        .people = tone->people,
    };
    struct dt_record_result res;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_store_record(st, &r, &res, &err) == 0, "record %s: %s", id, err.msg);
    ck_assert_msg(!res.duplicate, "%s stored as a duplicate", id);
}

void dt_test_put_scored(struct dt_store *st, const char *id, const char *root, time_t at,
                        bool outbound, double score, const char *rep, const char *counterpart)
{
    dt_test_put_tone(st, id, root, at, outbound, score, rep, counterpart, NULL);
}

void dt_test_put(struct dt_store *st, const char *id, const char *root, time_t at, bool outbound,
                 enum dt_level level, const char *rep, const char *counterpart)
{
    double score = level == DT_LEVEL_EUPHORIC ? 0.9 : level == DT_LEVEL_WARM ? 0.4 : 0.1;
    dt_test_put_scored(st, id, root, at, outbound, score, rep, counterpart);
}
