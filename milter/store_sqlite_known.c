/*
 * store_sqlite_known.c - what a SQLite handle knows the database already
 * holds, so that recording a message skips the statements that would
 * change nothing (store_sqlite_int.h: sq_known_*).
 *
 * Recording one message ran about ten statements; four of them usually
 * find what they would write already there: the people rows of the rep
 * and the customer (two lookups), the customer's display name, the thread
 * having its subject, and the rep-customer-thread row. The milter records
 * the same few people and threads over and over, so a handle remembers, in
 * small direct-mapped tables (a new entry replaces what sat in its slot):
 * an address's people id and last display name, a thread's subject and
 * subject key being set, and which (rep, customer, thread) rows exist.
 *
 * Trust: only inside a transaction, and only while nothing else can have
 * changed those rows. At each transaction's start (sq_known_begin, right
 * after BEGIN, when this handle holds the write lock until it ends)
 * PRAGMA data_version says whether another connection committed since the
 * last look: if so, all is forgotten (a purge may have deleted people and
 * their ids been reused). A record undone (a savepoint or a transaction
 * rolled back) and a purge on this handle forget everything too: a row the
 * tables name may have gone with it. Outside a transaction nothing is
 * looked up or remembered. Memory: a few hundred small entries per handle.
 */
#include "store_sqlite_int.h"

#include <stdlib.h>
#include <string.h>

#include "dealtemp/hash.h"

static size_t slot_of(uint64_t h, size_t n)
{
    return (size_t)(h ^ (h >> 29)) & (n - 1);
}

static uint64_t mix3(int64_t a, int64_t b, int64_t c)
{
    uint64_t h = DT_FNV_OFFSET;
    h = (h ^ (uint64_t)a) * DT_FNV_PRIME;
    h = (h ^ (uint64_t)b) * DT_FNV_PRIME;
    return (h ^ (uint64_t)c) * DT_FNV_PRIME;
}

void sq_known_forget(struct sq_store *st)
{
    struct sq_known *k = &st->known;
    for (size_t i = 0; i < SQ_KNOWN_PEOPLE; i++) {
        free(k->people[i].addr);
        free(k->people[i].name);
    }
    memset(k->people, 0, sizeof(k->people));
    memset(k->threads, 0, sizeof(k->threads));
    memset(k->pairs, 0, sizeof(k->pairs));
}

int sq_known_begin(struct sq_store *st, struct dt_error *err)
{
    sqlite3_stmt *s = sq_stmt(st, SQ_DATA_VERSION, err);
    int64_t v;
    if (s == NULL || sq_query_row(st, s, &v, NULL, err) != 1) {
        sq_known_forget(st);
        return -1;
    }
    if (v != st->known.version)
        sq_known_forget(st);
    st->known.version = v;
    st->known.live = true;
    return 0;
}

void sq_known_end(struct sq_store *st, bool undone)
{
    if (undone)
        sq_known_forget(st);
    st->known.live = false;
}

/* The slot of addr: its entry if it holds addr, else the one it would take. */
static struct sq_known_person *person_slot(struct sq_store *st, const char *addr)
{
    return &st->known.people[slot_of(dt_fnv1a(addr, strlen(addr), 0), SQ_KNOWN_PEOPLE)];
}

bool sq_known_person(struct sq_store *st, const char *addr, int64_t *id)
{
    if (!st->known.live)
        return false;
    struct sq_known_person *p = person_slot(st, addr);
    if (p->addr == NULL || strcmp(p->addr, addr) != 0)
        return false;
    *id = p->id;
    return true;
}

void sq_known_person_put(struct sq_store *st, const char *addr, int64_t id)
{
    if (!st->known.live)
        return;
    struct sq_known_person *p = person_slot(st, addr);
    char *copy = strdup(addr);
    if (copy == NULL)
        return; /* not remembered: only a statement more next time */
    free(p->addr);
    free(p->name);
    *p = (struct sq_known_person){copy, id, NULL};
}

bool sq_known_name(struct sq_store *st, const char *addr, const char *name)
{
    if (!st->known.live)
        return false;
    struct sq_known_person *p = person_slot(st, addr);
    return p->addr != NULL && strcmp(p->addr, addr) == 0 && p->name != NULL &&
           strcmp(p->name, name) == 0;
}

void sq_known_name_put(struct sq_store *st, const char *addr, const char *name)
{
    if (!st->known.live)
        return;
    struct sq_known_person *p = person_slot(st, addr);
    if (p->addr == NULL || strcmp(p->addr, addr) != 0)
        return;
    free(p->name);
    p->name = strdup(name); /* NULL (no memory): simply not known */
}

static struct sq_known_thread *thread_slot(struct sq_store *st, int64_t tid)
{
    return &st->known.threads[slot_of(mix3(tid, 0, 0), SQ_KNOWN_THREADS)];
}

bool sq_known_filled(struct sq_store *st, int64_t tid, bool subject, bool key)
{
    if (!st->known.live)
        return false;
    struct sq_known_thread *t = thread_slot(st, tid);
    return t->id == tid && (!subject || t->subject) && (!key || t->key);
}

void sq_known_filled_put(struct sq_store *st, int64_t tid, bool subject, bool key)
{
    if (!st->known.live)
        return;
    struct sq_known_thread *t = thread_slot(st, tid);
    if (t->id != tid)
        *t = (struct sq_known_thread){tid, false, false};
    t->subject |= subject;
    t->key |= key;
}

bool sq_known_pair(struct sq_store *st, int64_t rep, int64_t cp, int64_t tid)
{
    if (!st->known.live)
        return false;
    const struct sq_known_pair *p = &st->known.pairs[slot_of(mix3(rep, cp, tid), SQ_KNOWN_PAIRS)];
    return p->thread == tid && p->rep == rep && p->cp == cp && tid != 0;
}

void sq_known_pair_put(struct sq_store *st, int64_t rep, int64_t cp, int64_t tid)
{
    if (st->known.live)
        st->known.pairs[slot_of(mix3(rep, cp, tid), SQ_KNOWN_PAIRS)] =
            (struct sq_known_pair){rep, cp, tid};
}
