/*
 * hash.h - FNV-1a 64, the one hash dealtemp keys things by: Message-IDs
 * and subjects in the store (thread.h), interned strings (deals.c), the
 * opaque ids of digest messages (digest_render.c). Not a defence against
 * a hostile party choosing collisions: callers that key by it compare the
 * strings too, or accept that two ids may share a key (thread.h).
 */
#ifndef DEALTEMP_HASH_H
#define DEALTEMP_HASH_H

#include <stddef.h>
#include <stdint.h>

#define DT_FNV_OFFSET 0xcbf29ce484222325ULL
#define DT_FNV_PRIME 0x100000001b3ULL

/* One step: h is DT_FNV_OFFSET for the first byte. */
static inline uint64_t dt_fnv_step(uint64_t h, unsigned char c)
{
    return (h ^ c) * DT_FNV_PRIME;
}

/* FNV-1a 64 of s[0..n); with fold, ASCII letters count as lower case. */
uint64_t dt_fnv1a(const char *s, size_t n, int fold);

#endif
