/*
 * migrate.h - `dealtemp migrate --from DB --to DB`: copy one store into
 * another (migrate.c), typically a server's SQLite file into the
 * PostgreSQL database several servers will share.
 *
 * The target's schema is created or upgraded first (dt_store_migrate).
 * Messages are copied with their Message-ID hash and thread key through
 * dt_store_load, so a message already in the target is left alone: a
 * second run, or a run after an interrupted one, copies what is missing
 * and nothing twice. Every 5,000 rows are one transaction. Afterwards the
 * counts are checked: every message of the source is in the target
 * (added + already there = the source's messages), the target grew by
 * exactly what was added, and a target that was empty now holds exactly
 * the source's messages and threads. Reading the source changes nothing
 * in it.
 */
#ifndef DEALTEMP_MIGRATE_H
#define DEALTEMP_MIGRATE_H

#include <stddef.h>

#include "dealtemp/error.h"
#include "dealtemp/store.h"

struct dt_copy_report {
    int from_version, to_version;        /* the target's schema before and after */
    struct dt_store_counts source;       /* in the source */
    struct dt_store_counts before, after; /* in the target */
    size_t messages, added, already;     /* messages read, new in the target, there before */
    size_t digest_rows, digest_added;    /* what digests recorded */
};

/* 0 when copied and verified; -1 with err set (a count that does not add up is an error). */
int dt_store_copy(const char *from, const char *to, struct dt_copy_report *r,
                  struct dt_error *err);

#endif
