/*
 * thread.h - what ties messages into a deal thread. Pure.
 *
 * Message-IDs are kept as 63-bit hashes (dt_msgid_hash: FNV-1a 64 of the
 * id without angle brackets, lower-cased, top bit cleared so it fits a
 * SQLite INTEGER); the store never keeps the ids themselves. A thread's key
 * is the hash of its root: the earliest known ancestor through References /
 * In-Reply-To, else the message's own Message-ID. Its short id, shown in
 * headers and listings, is the key's low 48 bits as 12 lower-case hex digits.
 *
 * Subject fallback: replies that lost their references join a thread by
 * normalised subject (dt_subject_normalize) within the same rep <->
 * counterpart pair and thread_window_days; that look-up is the store's.
 */
#ifndef DEALTEMP_THREAD_H
#define DEALTEMP_THREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dealtemp/buf.h"
#include "dealtemp/mime.h"

typedef int64_t dt_hash; /* always >= 0 */

/* Hash of a Message-ID (brackets and case ignored); 0 for NULL or "". */
dt_hash dt_msgid_hash(const char *msgid);

/* Hash of any string as is (used for normalised subjects); 0 for NULL or "". */
dt_hash dt_string_hash(const char *s);

/* "3f2a9c01b7e4" - 12 hex digits of the key; buf must hold 13 bytes. */
void dt_thread_short_id(dt_hash key, char buf[13]);

/*
 * Append the subject without reply/forward prefixes to out, lower-cased,
 * white space collapsed: "Re: AW: [EXT] Fwd: Offerte Q3" -> "offerte q3".
 * Prefixes (repeated, any case, with counters "Re[2]:", "Re^3:", "RE (2):"
 * and brackets "[Fwd: ...]"): Re, Fw, Fwd, AW, WG, Antw, Antwort, Doorst,
 * Doorgestuurd, SV, VS, TR, Réf, Ref, RV, Enc, Odp, VB, VL plus a leading
 * "[EXT]"/"[External]"-style tag.
 */
void dt_subject_normalize(const char *subject, struct dt_buf *out);

/* True for out-of-office and auto-reply subjects in EN/NL/DE/FR
 * ("Out of Office", "Automatic reply", "Automatisch antwoord", "Afwezig",
 * "Abwesenheitsnotiz", "Réponse automatique", ...). */
bool dt_subject_is_autoreply(const char *subject);

/*
 * The ancestors to look up, earliest first: References in order, then
 * In-Reply-To if not already among them. Writes up to max hashes; returns
 * the number written. The message's own id, empty ids and repeats are not
 * included. With more than max, the first max-1 and the latest are kept.
 */
size_t dt_thread_ancestors(const struct dt_message *msg, dt_hash *out, size_t max);

/* The key a message starts a new thread with when no ancestor is known:
 * the first ancestor, else its own Message-ID hash, else fallback. */
dt_hash dt_thread_new_key(const struct dt_message *msg, dt_hash fallback);

#endif
