/*
 * milter.h - the libmilter side of dealtemp-milter.
 *
 * The callbacks only collect (envelope, headers, the first scan_limit bytes
 * of the body) and, at end of message, hand the collected bytes to
 * dt_analyze() and add the headers it implies. Whatever fails, the message
 * continues untouched; one log line carries the queue id and the reason.
 */
#ifndef DEALTEMP_MILTER_H
#define DEALTEMP_MILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "dealtemp/config.h"
#include "dealtemp/error.h"

/*
 * Make cfg the configuration new messages use (takes its own reference;
 * messages in flight finish with the one they started with).
 */
void dt_milter_set_config(struct dt_config *cfg);

/*
 * Register the filter and open the listening socket spec (libmilter
 * syntax; dealtemp-milter passes "fd:N", a socket it opened itself, see
 * daemon.h). Returns 0, or -1 with err set. Call before dropping
 * privileges.
 */
int dt_milter_listen(const char *spec, struct dt_error *err);

/* Serve until libmilter is told to stop. Returns 0 or -1 with err set. */
int dt_milter_serve(struct dt_error *err);

/* Release the current configuration (at exit); stops the nudges too if still running. */
void dt_milter_shutdown(void);

/*
 * Open the store pool of the current configuration (and of every later
 * one), in the process that serves, after detaching and dropping
 * privileges: its PostgreSQL spool replay thread would not survive the
 * fork of a detach, and the database is opened as the user that writes it.
 * Until then (and when the store cannot be opened) messages pass without
 * deal threads.
 */
void dt_milter_store_start(void);

/*
 * The same-hour nudges (nudge.h): start their queue and worker thread, in
 * the process that serves (after detaching). 0, or -1 with err set.
 */
int dt_milter_nudges_start(struct dt_error *err);

/*
 * Stop them: what is queued is sent for up to wait_ms, then cancelled
 * (dt_nudger_stop). Call after the messages in flight have ended; the
 * counters keep the final figures.
 */
void dt_milter_nudges_stop(int wait_ms);

/* What the filter did since it started. Each field counts messages, but headers. */
struct dt_milter_counters {
    unsigned long seen;                          /* reached end of message */
    unsigned long outbound, inbound, internal, ignored; /* analyzed, by direction */
    unsigned long calm, warm, euphoric;          /* scored outbound, by level */
    unsigned long analyze_errors;                /* passed unexamined (unreadable, no memory) */
    unsigned long store_errors;                  /* could not be remembered */
    unsigned long store_lost; /* SQLite: answered for under load, then lost to a failed commit */
    unsigned long headers;                       /* header fields added */
    /* the database (storepool.h): facts spooled while it was away, replayed
     * since, waiting now, kept nowhere (spool full); outages; away now */
    unsigned long spooled, replayed, spool_pending, spool_dropped, store_outages;
    bool store_down;
    /* same-hour nudges (nudge.h): delivered, failed to deliver, dropped
     * (queue full, stopping), not sent because of nudge.interval */
    unsigned long nudges_sent, nudges_failed, nudges_dropped, nudges_limited;
};

/* A consistent-enough snapshot (each field read atomically). Thread-safe. */
void dt_milter_counters(struct dt_milter_counters *out);

/* The fields as "seen=12 outbound=5 ..." pairs, separated by sep (' ' or '\n'). */
void dt_milter_counters_format(const struct dt_milter_counters *c, char sep, char *buf,
                               size_t size);

/* Messages between MAIL FROM and their end (or abort) at this moment. */
unsigned long dt_milter_in_flight(void);

#endif
