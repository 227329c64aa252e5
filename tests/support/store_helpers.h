/*
 * store_helpers.h - a real store for the seam suites (check_deals.c,
 * check_digest.c, check_import.c): the fixture they share (a SQLite file,
 * or a PostgreSQL database), and messages of a thread recorded the short
 * way. Linked into every suite; each helper
 * fails the running test on error.
 */
#ifndef DEALTEMP_STORE_HELPERS_H
#define DEALTEMP_STORE_HELPERS_H

#include <stdbool.h>
#include <time.h>

#include "dealtemp/config.h"
#include "dealtemp/store.h"

/* Open (creating) the store at path; it must open. */
struct dt_store *dt_test_store(const char *path);

/*
 * The seam fixture: a fresh directory /tmp/dt-<name>-XXXXXX (into dir, size
 * bytes) holding the store <dir>/store.db (*st), and the real configuration
 * tests/data/conf/analyze.conf (*cfg). _close undoes all three.
 * dt_test_seam_open_pg is the same with the store in a fresh PostgreSQL
 * database (pgtest.h) instead of the file; _close drops it.
 */
void dt_test_seam_open(const char *name, char *dir, size_t size, struct dt_config **cfg,
                       struct dt_store **st);
void dt_test_seam_open_pg(const char *name, char *dir, size_t size, struct dt_config **cfg,
                          struct dt_store **st);
void dt_test_seam_close(const char *dir, struct dt_config *cfg, struct dt_store *st);

/* Another fresh, empty store of the seam's kind: <dir>/<tag>.db, or a new database. */
struct dt_store *dt_test_seam_fresh(const char *dir, const char *tag);

/*
 * Record message id of the thread rooted at root (a message id; id == root
 * starts it). An outbound euphoric message scores 0.9 with the phrases
 * "amazing, can't wait", a warm one 0.4, a calm one 0.1; the subject is
 * root. It must be stored, and not as a duplicate.
 */
void dt_test_put(struct dt_store *st, const char *id, const char *root, time_t at, bool outbound,
                 enum dt_level level, const char *rep, const char *counterpart);

/* The same with an explicit outbound score (the phrases come with >= 0.6). */
void dt_test_put_scored(struct dt_store *st, const char *id, const char *root, time_t at,
                        bool outbound, double score, const char *rep, const char *counterpart);

/* A reply's tone and the customer-side people of a message (store.h's dt_record). */
struct dt_test_tone {
    double hesitation, engagement;
    unsigned kinds;
    const char *people;
};

/* The same with a tone (NULL: none); with a tone an inbound message keeps its score too. */
void dt_test_put_tone(struct dt_store *st, const char *id, const char *root, time_t at,
                      bool outbound, double score, const char *rep, const char *counterpart,
                      const struct dt_test_tone *tone);

#endif
