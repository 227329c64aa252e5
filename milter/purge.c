/*
 * purge.c - the retention policy (purge.h).
 *
 * Public: dt_retention_cutoff(), dt_purge_expired(). The arithmetic is
 * done in 64 bits so a large retention_days cannot wrap into the future
 * and purge everything.
 */
#include "dealtemp/purge.h"

#include <stdint.h>

#define DAY_S 86400

time_t dt_retention_cutoff(const struct dt_config *cfg, time_t now)
{
    int64_t span = (int64_t)(cfg->retention_days > 0 ? cfg->retention_days : 0) * DAY_S;
    return (time_t)((int64_t)now - span);
}

int dt_purge_expired(struct dt_store *st, const struct dt_config *cfg, time_t now, size_t *deleted,
                     struct dt_error *err)
{
    return dt_store_purge(st, dt_retention_cutoff(cfg, now), deleted, err);
}
