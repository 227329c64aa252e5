/*
 * ownfields.h - dealtemp's name space in a message's header: the fields
 * whose name begins with header_prefix ("X-Deal-"). Pure.
 *
 * The milter removes every such field from every message it sees,
 * whatever its direction (outbound, inbound, internal, list, automatic)
 * and even when the message cannot be analyzed, before it adds its own:
 * whoever wrote the message (a rep, a customer, a list) controls every
 * field in it, and a field in our name space must only ever say what the
 * milter said. The one exception is the mark of our own notes: a nudge
 * (nudge.h) carries <header_prefix>Nudge on its way to the rep, and keeps
 * it when dt_ownfields_our_note() recognises the message.
 *
 * Limits: at most DT_OWNFIELDS_MAX distinct names are remembered per
 * message (each removal is one header change the MTA must apply); fields
 * of further names are counted in `left` for the caller to log, and stay.
 * Names are compared without regard to case, as Postfix and Sendmail do
 * when a milter deletes "the i-th field of this name".
 */
#ifndef DEALTEMP_OWNFIELDS_H
#define DEALTEMP_OWNFIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "dealtemp/config.h"
#include "dealtemp/mime.h"

#define DT_OWNFIELDS_MAX 64

/* One name in our space, as first spelt, and how many fields of that name came. */
struct dt_ownfield {
    char *name;
    unsigned count;
};

/* Start zeroed ({0}); release with dt_ownfields_free. */
struct dt_ownfields {
    struct dt_ownfield *v;
    size_t n;
    size_t left;     /* fields not remembered: beyond DT_OWNFIELDS_MAX names, or no memory */
    bool nudge_mark; /* a <prefix>Nudge field came (which anyone can write) */
};

/* Note one header field of the message, in order; names outside prefix are ignored. */
void dt_ownfields_note(struct dt_ownfields *fs, const char *prefix, const char *name);

/* Free what fs holds and zero it; fs may be NULL. */
void dt_ownfields_free(struct dt_ownfields *fs);

/*
 * Is the message one of dealtemp's own notes? True only when it carries
 * <prefix>Nudge, its From address is cfg->digest_from (the sender of
 * digests and nudges) and its Auto-Submitted value is "auto-generated":
 * what dt_nudge_render() writes. Anyone can write the same; the mark then
 * claims no more than a forged From of dealtemp's own address does, and
 * such a message is automatic mail, never scored, stored or nudged for.
 * msg may be NULL (not analyzed: false).
 */
bool dt_ownfields_our_note(const struct dt_ownfields *fs, const struct dt_config *cfg,
                           const struct dt_message *msg);

/*
 * Call del(name, index, arg) for every field to remove - index counts the
 * fields of that name from 1, and each name is removed from its last field
 * to its first, so the indices stay valid - sparing <prefix>Nudge when
 * keep_nudge. A del that returns non-zero ends that name. Returns the
 * number of fields del removed.
 */
unsigned dt_ownfields_remove(const struct dt_ownfields *fs, const char *prefix, bool keep_nudge,
                             int (*del)(const char *name, unsigned index, void *arg), void *arg);

#endif
