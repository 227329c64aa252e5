/*
 * purge.h - how long dealtemp remembers: the retention policy in one place.
 * `dealtemp purge` and `dealtemp digest --send` (after sending) both call
 * dt_purge_expired(); nothing else computes the cutoff.
 *
 * The rule: a message older than retention_days x 86,400 s before now is
 * forgotten (calendar days, as in a privacy statement; a message exactly
 * at the cutoff is kept), with the threads left empty and what digests
 * recorded about them (store.h: dt_store_purge).
 */
#ifndef DEALTEMP_PURGE_H
#define DEALTEMP_PURGE_H

#include <stddef.h>
#include <time.h>

#include "dealtemp/config.h"
#include "dealtemp/error.h"
#include "dealtemp/store.h"

/* The instant before which messages are forgotten, as of now. */
time_t dt_retention_cutoff(const struct dt_config *cfg, time_t now);

/* Forget what is past retention as of now; *deleted = messages removed.
 * Returns 0, or -1 with err set (nothing is removed then). */
int dt_purge_expired(struct dt_store *st, const struct dt_config *cfg, time_t now, size_t *deleted,
                     struct dt_error *err);

#endif
