/*
 * ingest.h - remember one analyzed message in the store, and say what the
 * in-flight headers should carry. The milter and `dealtemp import` both
 * call dt_ingest(), so a message imported from a mailbox and the same
 * message seen live are stored identically.
 */
#ifndef DEALTEMP_INGEST_H
#define DEALTEMP_INGEST_H

#include <stdbool.h>
#include <time.h>

#include "dealtemp/analyze.h"
#include "dealtemp/buf.h"
#include "dealtemp/config.h"
#include "dealtemp/deals.h"
#include "dealtemp/store.h"

struct dt_ingest_result {
    bool recorded;            /* outbound or inbound with both parties known: stored */
    bool duplicate;           /* already stored (same Message-ID): nothing written */
    dt_hash thread;
    char thread_id[13];       /* short id for X-Deal-Thread */
    bool new_thread;
    struct dt_reply_info reply; /* inbound: latency and usual (reply.answers false otherwise) */
};

/* dt_ingest flags */
#define DT_INGEST_REPLY 0x1 /* work out an inbound reply's latency (for the milter's header) */

/*
 * Record f (from dt_analyze) as happening at `at`. With DT_INGEST_REPLY, an
 * inbound reply's latency and usual are filled in (out->reply); an import
 * does not need them and skips the extra store reads. Messages that are not
 * outbound or inbound, or whose rep or counterpart is unknown, are not
 * stored (recorded = false, return 0). Returns -1 with err set on a store
 * failure.
 */
int dt_ingest(struct dt_store *st, const struct dt_config *cfg, const struct dt_facts *f,
              time_t at, unsigned flags, struct dt_ingest_result *out, struct dt_error *err);

/*
 * dt_ingest in two steps, for the milter: prepare builds the record f
 * makes (1; 0 when f is not kept; -1 out of memory), which the store, or
 * while the store is away the spool, keeps; commit records it and, with
 * DT_INGEST_REPLY, works out an inbound reply's latency. The record points
 * into f and into the dt_ingest_rec: both must live until it is kept.
 */
#define DT_INGEST_MAX_ANCESTORS 64
struct dt_ingest_rec {
    struct dt_record rec;
    dt_hash anc[DT_INGEST_MAX_ANCESTORS];
    struct dt_buf subj, phrases, people;
};
int dt_ingest_prepare(const struct dt_config *cfg, const struct dt_facts *f, time_t at,
                      struct dt_ingest_rec *out, struct dt_error *err);
void dt_ingest_rec_free(struct dt_ingest_rec *r);
int dt_ingest_commit(struct dt_store *st, const struct dt_config *cfg, const struct dt_record *rec,
                     unsigned flags, struct dt_ingest_result *out, struct dt_error *err);

/*
 * X-Deal-Reply-Latency: the reply's latency and the usual on the clock in
 * force, in words (duration.h), where the usual came from, and the verdict:
 * "2 days (usual 5 hours, in this thread; slow)", "6 working hours (usual
 * 2 working days, assumed, no history yet; normal)".
 */
void dt_ingest_latency_value(const struct dt_ingest_result *r, char *buf, size_t size);

/*
 * The phrases the store keeps for a scored message (and the digest and the
 * nudge show): the top five evidence texts, strongest first, distinct,
 * negated hits and '!' runs left out - "amazing, can't wait, 🚀".
 * Appended to out; nothing for a score without such evidence.
 */
void dt_ingest_phrases(const struct dt_score *s, struct dt_buf *out);

#endif
