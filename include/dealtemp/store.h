/*
 * store.h - where dealtemp remembers messages: metadata, never bodies.
 *
 * One interface, two implementations chosen by the database string:
 * "postgresql://...", "postgres://..." or a libpq keyword string starting
 * with "host=" is PostgreSQL (store_pg.c, libpq), so several mail servers
 * share one deal view; anything else is a SQLite file (store_sqlite.c).
 * Callers never see SQL; both give the same answers (tests/check_store*.c
 * run every case against both). Safe for many milter threads and
 * `dealtemp` commands on several hosts at the same time: each thread uses
 * its own handle, every write is one short transaction, and recording is
 * idempotent by Message-ID even when two milters record the same message
 * at the same moment.
 *
 * What is kept per message: the Message-ID hash, thread, time, direction,
 * rep, counterpart, euphoria score (never a level: that is derived from
 * the score with the thresholds in force when the store is read), up to
 * five top evidence phrases, and (store_subjects) the subject; per
 * customer address the display name last seen. Failure: -1 with err set,
 * naming the database file; nothing is half-written.
 */
#ifndef DEALTEMP_STORE_H
#define DEALTEMP_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "dealtemp/euphoria.h"
#include "dealtemp/error.h"
#include "dealtemp/thread.h"

struct dt_store;

/* True when db names a PostgreSQL database (see above). */
bool dt_store_is_pg(const char *db);
/* A PostgreSQL string libpq can parse (no connection is made); SQLite paths pass. */
int dt_store_check_string(const char *db, struct dt_error *err);

/*
 * Open. SQLite: the file is created (or migrated) as needed; its directory
 * must exist. PostgreSQL: the schema must already be there at this
 * build's version - it is created and upgraded only by dt_store_migrate
 * (`dealtemp migrate`), run once by the role that owns it, never by a
 * milter; an older schema is refused with "run dealtemp migrate". Either
 * way a database written by a newer dealtemp is refused.
 */
int dt_store_open(const char *path, struct dt_store **out, struct dt_error *err);

/* How long the store may make its caller wait; 0 = no limit. o NULL: create, no limits. */
struct dt_store_options {
    bool create;              /* SQLite: create a missing file (dt_store_open) */
    int connect_timeout_ms;   /* PostgreSQL: the whole connection set-up */
    int statement_timeout_ms; /* PostgreSQL: each call (record, claim, ...): a client
                                 deadline, and the server's statement_timeout */
};
int dt_store_open_opts(const char *db, const struct dt_store_options *o, struct dt_store **out,
                       struct dt_error *err);

/*
 * Create or upgrade the schema to this build's version: *from and *to
 * (either may be NULL) get the versions before and after. Safe to run
 * again and from several hosts at once (PostgreSQL: under an advisory
 * lock). A newer schema is refused.
 */
int dt_store_migrate(const char *db, int *from, int *to, struct dt_error *err);

/*
 * True when the handle can no longer be used: its connection was lost or a
 * call ran out of time (PostgreSQL). The caller closes it; what failed was
 * not written and may be retried on a new handle. SQLite handles never break.
 */
bool dt_store_broken(const struct dt_store *st);
/*
 * The same for a database that must already exist (the commands that only
 * read or maintain one: threads, stats, digest, purge): a missing file is
 * refused with "<path>: no such database (run dealtemp import, or start the
 * milter, to create it)" and nothing is created - no file, no -wal, no
 * -shm. An existing file is opened (and migrated) as by dt_store_open.
 */
int dt_store_open_existing(const char *path, struct dt_store **out, struct dt_error *err);
/* Close; an open dt_store_begin batch is rolled back. NULL is fine. */
void dt_store_close(struct dt_store *st);

/* How long to wait for another writer's lock before failing with
 * "<file>: database is locked" (default 5000 ms). */
void dt_store_set_busy_timeout(struct dt_store *st, int ms);

/* The schema version of the open database (after any migration). */
int dt_store_version(const struct dt_store *st);

/* Group many records into one transaction (import); nesting is not supported.
 * A record that fails inside a batch is undone alone; the batch goes on.
 * dt_store_rollback drops the whole batch. */
int dt_store_begin(struct dt_store *st, struct dt_error *err);
int dt_store_commit(struct dt_store *st, struct dt_error *err);
int dt_store_rollback(struct dt_store *st, struct dt_error *err);

/* One message to remember (outbound or inbound; other directions are not kept). */
struct dt_record {
    dt_hash msgid;            /* dt_msgid_hash of its Message-ID (never 0) */
    const dt_hash *ancestors; /* dt_thread_ancestors, earliest first */
    size_t n_ancestors;
    dt_hash new_key;          /* dt_thread_new_key: the key if it starts a thread */
    time_t at;
    bool outbound;
    const char *rep;          /* the rep: sender of outbound, internal recipient of inbound */
    const char *counterpart;  /* the customer address */
    const char *subject;      /* NULL when store_subjects is false */
    dt_hash subject_key;      /* dt_string_hash of the normalised subject, 0 if none */
    long window_s;            /* subject fallback window (thread_window_days) */
    double score;             /* outbound: euphoria score (three decimals kept); inbound: 0 */
    const char *phrases;      /* top evidence, "amazing, can't wait, 🚀" (may be NULL) */
    const char *counterpart_name; /* the customer's display name in this message, or NULL */
    /* Inbound with customer.tone: the reply's tone (tone.h) - the weights of
     * its hesitation and of its engagement (nextstep + relief) words, three
     * decimals kept, and the kinds that matched; never its words. */
    double hesitation, engagement;
    unsigned kinds;
    const char *people;       /* the customer's side in this message: "addr\tname\n" per
                                 person (name may be empty), counterpart first; or NULL */
};

/*
 * How both implementations keep a score (and a tone weight): an integer of DT_SCORE_SCALE
 * steps (euphoria.h), clamped to +-1e6 (a NaN is 0); and back.
 */
int64_t dt_store_score_to_int(double score);
double dt_store_score_of_int(int64_t stored);

/* What recording found. */
struct dt_record_result {
    bool duplicate;           /* the Message-ID was already stored: nothing written */
    dt_hash thread;           /* the thread's key */
    bool new_thread;
};

/*
 * Find or make the thread (ancestors known to the store, then the subject
 * fallback within the rep <-> counterpart pair and window_s, then a new
 * thread keyed new_key) and insert the message, in one transaction
 * (unless inside dt_store_begin). Idempotent by msgid.
 */
int dt_store_record(struct dt_store *st, const struct dt_record *rec, struct dt_record_result *res,
                    struct dt_error *err);

/* One stored message, as read back. Strings live until the next call on the cursor. */
struct dt_row {
    dt_hash thread;
    time_t at;
    bool outbound;
    const char *rep;
    const char *counterpart;
    const char *counterpart_name; /* their display name as last seen, or NULL */
    const char *subject;      /* the thread's subject (first stored), NULL if not kept */
    double score;             /* the level is derived from it: dt_level_of() */
    const char *phrases;
    double hesitation, engagement; /* inbound: the reply's tone weights (dt_record) */
    unsigned kinds;
    const char *people;       /* as recorded (dt_record), or NULL */
};

struct dt_store_filter {
    const char *rep;          /* only threads in which this rep appears, as sender or as
                                 internal recipient - every message of them (NULL = all) */
    const char *counterpart;  /* only messages with this counterpart (NULL = all) */
    dt_hash thread;           /* only this thread (0 = all) */
    time_t until;             /* only messages at or before (0 = no limit) */
    size_t last_threads;      /* with counterpart: only in the latest this many threads
                                 the counterpart is in, by when each was first stored
                                 (0 = all) */
    bool lean;                /* rows carry only thread, at, outbound, counterpart and
                                 score (the rest NULL or 0): enough for latencies, and
                                 cheaper to read */
};

/*
 * Call fn for every stored message, ordered by thread then time - all
 * messages of a thread in a row. fn returns 0 to go on, non-zero to stop
 * (that value is returned). Returns 0, or -1 with err set. fn may scan the
 * same store again on SQLite, not on PostgreSQL (its rows stream over the
 * handle's one connection: the inner scan fails).
 */
int dt_store_scan(struct dt_store *st, const struct dt_store_filter *f,
                  int (*fn)(const struct dt_row *row, void *arg), void *arg, struct dt_error *err);

/*
 * Delete messages older than before (and threads left empty, with what
 * digests recorded about them), and the records of digests for days
 * starting before it; *deleted = messages removed.
 */
int dt_store_purge(struct dt_store *st, time_t before, size_t *deleted, struct dt_error *err);

/* Counts for `dealtemp stats`: messages by direction, threads. */
struct dt_store_counts {
    size_t outbound, inbound, threads;
};
int dt_store_count(struct dt_store *st, struct dt_store_counts *out, struct dt_error *err);

/*
 * Digests: what each rep has been told (schema v2). day is the start of
 * the local day the digest is for (the caller computes it in the
 * configured time zone).
 */
/* *first = when thread was first reported to rep, 0 if never. */
int dt_store_digest_first(struct dt_store *st, const char *rep, dt_hash thread, time_t *first,
                          struct dt_error *err);
/*
 * Claim rep's digest for day before sending it, so that of several hosts
 * running the digest at once exactly one sends it: *claimed is true for
 * the one caller that may send; false when it was already sent, or is
 * being sent by another run (a claim older than stale_s is taken over:
 * that run died). After sending, dt_store_digest_record makes it "sent";
 * after a failed delivery, dt_store_digest_release gives the claim back.
 */
int dt_store_digest_claim(struct dt_store *st, const char *rep, time_t day, time_t now,
                          long stale_s, bool *claimed, struct dt_error *err);
int dt_store_digest_release(struct dt_store *st, const char *rep, time_t day,
                            struct dt_error *err);
/* *sent = a digest for rep and day was already sent (a claim is not "sent"). */
int dt_store_digest_sent(struct dt_store *st, const char *rep, time_t day, bool *sent,
                         struct dt_error *err);
/* Remember that rep's digest for day, listing threads[0..n), was sent at sent_at. */
int dt_store_digest_record(struct dt_store *st, const char *rep, time_t day,
                           const dt_hash *threads, size_t n, time_t sent_at, struct dt_error *err);

/*
 * Everything a store holds, row by row, for copying one store into another
 * (dealtemp migrate --from --to): every message with its thread and
 * Message-ID hash, then what digests recorded. Strings live until the
 * next row.
 */
enum dt_raw_kind { DT_RAW_EVENT, DT_RAW_DIGEST_SENT, DT_RAW_DIGEST_ITEM };
struct dt_raw {
    enum dt_raw_kind kind;
    dt_hash thread;           /* event, digest item: the thread's key */
    dt_hash subject_key;      /* event: the thread's (0 if none) */
    const char *subject;      /* event: the thread's (may be NULL) */
    dt_hash msgid;            /* event */
    time_t at;                /* event: its time; digest sent: sent_at; item: first_at */
    time_t day;               /* digest sent */
    bool outbound;
    const char *rep;          /* event: may be NULL; digest rows: the rep */
    const char *counterpart, *counterpart_name, *phrases;
    long score_milli;         /* event: score x 1000, as stored */
    long hesitation_milli, engagement_milli; /* event: tone weights x 1000 */
    unsigned kinds;           /* event */
    const char *people;       /* event: may be NULL */
};
int dt_store_dump(struct dt_store *st, int (*fn)(const struct dt_raw *r, void *arg), void *arg,
                  struct dt_error *err);
/*
 * Store one dumped row; *added = false when it was already there
 * (idempotent): a message with that Message-ID hash, a digest day with
 * that sent time or a later one, a digest item with that first time or an
 * earlier one (a row that moves a time is merged in, and counts as added).
 */
int dt_store_load(struct dt_store *st, const struct dt_raw *r, bool *added, struct dt_error *err);

/* The schema version this build writes. */
int dt_store_schema_version(void);

#endif
