/*
 * import.h - backfill the store from old mail: mbox files, maildirs, and
 * an mbox held in memory (for tests and fuzzers: no file at all).
 *
 * Every message goes through dt_analyze() and dt_ingest(), exactly as a
 * live one through the milter. Its time is the Date header, else the date
 * of the first (topmost) Received header, else the mbox From_ line date
 * or the maildir file's mtime, else the time the import started. A time
 * before 1990 (DT_IMPORT_TIME_MIN) or more than a day after the import
 * started (DT_IMPORT_FUTURE_S) is out of range: the next source is used
 * and the message counted in dates_out_of_range.
 * Importing twice adds nothing: dt_ingest() reports the second copy of a
 * Message-ID as a duplicate. Records are written in transactions of
 * DT_IMPORT_BATCH messages. Sources are only read, never written.
 *
 * An mbox is split as mbox.h says (RFC 4155 From_ lines after an empty
 * line; the last message whole to the end of the file, ">From " escapes
 * undone). A maildir is every entry of DIR/new and DIR/cur whose name does
 * not start with '.'; new/ and cur/ must be directories themselves, not
 * symlinks. An entry that is a symlink is not followed (it could lead out
 * of the maildir), and one that is not a regular file (a FIFO, a device,
 * a socket, a directory) is not opened or waited on: each is skipped,
 * counted (skipped, skipped_symlinks) and the first few named with their
 * reason, as is a file that cannot be read.
 *
 * A message dt_analyze() rejects (not a message at all) is counted as
 * malformed; the first few are named ("mbox FILE message N (line L)",
 * "maildir DIR/cur/NAME"). So seen = imported + duplicates + ignored +
 * malformed + skipped. The functions return -1 with err set (naming the
 * file) only when the source cannot be opened at all or the store fails;
 * stats then holds what was done before.
 */
#ifndef DEALTEMP_IMPORT_H
#define DEALTEMP_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "dealtemp/config.h"
#include "dealtemp/error.h"
#include "dealtemp/store.h"

#define DT_IMPORT_BATCH 5000
#define DT_IMPORT_NAMED 3 /* malformed messages, and skipped entries, named in the stats */
/* The name dt_import_mbox_mem() gives its buffer in positions: "mbox (memory) message 2 (line 9)". */
#define DT_IMPORT_MEM_NAME "(memory)"
/* A message time before 1990-01-01 00:00 UTC, or more than a day (of clock
 * skew) after the import started, is out of range. */
#define DT_IMPORT_TIME_MIN ((time_t)631152000)
#define DT_IMPORT_FUTURE_S ((time_t)86400)

struct dt_import_stats {
    size_t total;       /* messages found in the source */
    size_t seen;        /* messages read so far */
    size_t imported;    /* stored now */
    size_t duplicates;  /* already stored (same Message-ID) */
    size_t ignored;     /* not stored: not outbound/inbound, or a party unknown */
    size_t malformed;   /* not a message; skipped */
    size_t skipped;     /* maildir entries not read: not a regular file, or unreadable */
    size_t skipped_symlinks; /* of those, symlinks (never followed) */
    /* messages whose Date (Received, From_ line) was out of range and passed over */
    size_t dates_out_of_range;
    char first_malformed[DT_IMPORT_NAMED][256]; /* positions of the first malformed, "" unused */
    char first_skipped[DT_IMPORT_NAMED][256];   /* the first skipped, with the reason; "" unused */
    double seconds;     /* wall time of the import */
};

/*
 * Import every message of the mbox file path (read only: the file is never
 * written). With progress true and stderr a terminal, a line
 * "\rimport FILE: N/TOTAL (P%) R msg/s" is redrawn on stderr, ended by a
 * newline when done; otherwise nothing is printed. stats is cleared first.
 */
int dt_import_mbox(struct dt_store *st, const struct dt_config *cfg, const char *path,
                   bool progress, struct dt_import_stats *stats, struct dt_error *err);

/*
 * The same for the mbox buf[0..len) in memory (buf may be NULL when len
 * is 0), named DT_IMPORT_MEM_NAME in positions; no progress line. The
 * entry point for fuzzing the whole import path: any bytes are accepted
 * (they split into zero or more messages), so -1 means a store failure.
 * buf is only read, and is not needed after the call.
 */
int dt_import_mbox_mem(struct dt_store *st, const struct dt_config *cfg, const char *buf,
                       size_t len, struct dt_import_stats *stats, struct dt_error *err);

/* The same for a maildir: every entry of dir/new and dir/cur, in name order. */
int dt_import_maildir(struct dt_store *st, const struct dt_config *cfg, const char *dir,
                      bool progress, struct dt_import_stats *stats, struct dt_error *err);

#endif
