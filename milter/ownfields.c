/*
 * ownfields.c - the fields of a message in dealtemp's header name space
 * (see ownfields.h).
 *
 * Public: dt_ownfields_note(), dt_ownfields_free(),
 * dt_ownfields_our_note(), dt_ownfields_remove().
 *
 * The sender of the message is the hostile party here: they choose every
 * field name, so the names kept are bounded (DT_OWNFIELDS_MAX) and an
 * allocation failure only counts a field as left, never stops the mail.
 */
#include "dealtemp/ownfields.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dealtemp/nudge.h"

void dt_ownfields_note(struct dt_ownfields *fs, const char *prefix, const char *name)
{
    size_t n = strlen(prefix);
    if (strncasecmp(name, prefix, n) != 0)
        return;
    if (strcasecmp(name + n, DT_NUDGE_FIELD) == 0)
        fs->nudge_mark = true;
    for (size_t i = 0; i < fs->n; i++)
        if (strcasecmp(fs->v[i].name, name) == 0) {
            fs->v[i].count++;
            return;
        }
    struct dt_ownfield *v = NULL;
    char *copy = NULL;
    if (fs->n < DT_OWNFIELDS_MAX && (v = realloc(fs->v, (fs->n + 1) * sizeof(*v))) != NULL)
        fs->v = v;
    if (v == NULL || (copy = strdup(name)) == NULL) {
        fs->left++;
        return;
    }
    fs->v[fs->n++] = (struct dt_ownfield){copy, 1};
}

void dt_ownfields_free(struct dt_ownfields *fs)
{
    if (fs == NULL)
        return;
    for (size_t i = 0; i < fs->n; i++)
        free(fs->v[i].name);
    free(fs->v);
    *fs = (struct dt_ownfields){0};
}

bool dt_ownfields_our_note(const struct dt_ownfields *fs, const struct dt_config *cfg,
                           const struct dt_message *msg)
{
    if (!fs->nudge_mark || msg == NULL || msg->from == NULL || msg->auto_submitted == NULL ||
        cfg->digest_from == NULL)
        return false;
    /* "auto-generated", alone or followed by a comment or parameter; the
     * parser lower-cases the value. */
    static const char kw[] = "auto-generated";
    const char *as = msg->auto_submitted;
    return strcasecmp(msg->from, cfg->digest_from) == 0 && strncmp(as, kw, sizeof(kw) - 1) == 0 &&
           strcspn(as, " \t;(") == sizeof(kw) - 1;
}

unsigned dt_ownfields_remove(const struct dt_ownfields *fs, const char *prefix, bool keep_nudge,
                             int (*del)(const char *name, unsigned index, void *arg), void *arg)
{
    size_t plen = strlen(prefix);
    unsigned removed = 0;
    for (size_t k = 0; k < fs->n; k++) {
        const struct dt_ownfield *f = &fs->v[k];
        if (keep_nudge && strcasecmp(f->name + plen, DT_NUDGE_FIELD) == 0)
            continue;
        for (unsigned i = f->count; i > 0; i--) {
            if (del(f->name, i, arg) != 0)
                break;
            removed++;
        }
    }
    return removed;
}
