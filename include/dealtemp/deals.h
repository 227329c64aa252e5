/*
 * deals.h - the seam between the store and everything that talks about
 * deals: store rows + configuration + a moment -> each thread's state,
 * latencies and usual latency. `dealtemp threads`, `dealtemp stats`, the
 * digest and the milter's reply header all read deals through here;
 * the cooling rules themselves live only in cooling.c.
 */
#ifndef DEALTEMP_DEALS_H
#define DEALTEMP_DEALS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "dealtemp/config.h"
#include "dealtemp/cooling.h"
#include "dealtemp/store.h"
#include "dealtemp/thread.h"

/* One person on the customer's side of a deal. */
struct dt_person {
    const char *address;
    const char *name;          /* as last seen, or NULL */
    time_t first_at;           /* the first message naming them */
    bool joined_later;         /* first_at >= the thread's first message + customer.joined_after */
};
#define DT_DEAL_PEOPLE_MAX 16

/* One deal thread as of a moment. Pointers are valid during the callback only. */
struct dt_deal {
    dt_hash thread;
    char id[13];               /* short id */
    const char *owner;         /* the rep who sent the latest outbound message */
    const char *counterpart;
    const char *counterpart_name; /* their display name as last seen, or NULL */
    const char *subject;       /* NULL when subjects are not stored */
    enum dt_thread_state state;
    struct dt_cooling cooling; /* the state's details, usual and silence on both clocks */
    struct dt_clock clock;     /* the clock cooling's *_s verdict fields are on */
    const long *latencies_s;   /* the customer's reply latencies, calendar seconds, oldest first */
    const long *latencies_business_s; /* the same in business seconds (NULL without hours) */
    size_t n_latencies;
    const long *rep_latencies_s; /* the rep's own reply latencies, calendar seconds, oldest first */
    size_t n_rep_latencies;
    time_t first_at, last_out, last_in; /* 0 = none */
    double peak_euphoria;      /* highest outbound score */
    time_t trigger_at;         /* the enthusiastic message behind cooling/stalled/slowed, or 0 */
    double trigger_score;
    const char *trigger_phrases;
    size_t n_messages;

    /* The customer's side (tone.h). */
    size_t n_replies;          /* customer messages */
    enum dt_tone customer_tone; /* of their latest message (neutral when none) */
    enum dt_trend customer_trend;
    unsigned customer_kinds;   /* what that tone rests on: a bit per dt_kind (DT_KINDS_BIT) */
    const struct dt_person *people; /* their side, by first appearance (counterpart first
                                       when tied); n_people of them */
    size_t n_people;
    bool people_more;          /* more than DT_DEAL_PEOPLE_MAX appeared */
};

struct dt_deals_query {
    const char *rep;           /* only deals this rep owns (NULL = all) */
    int state;                 /* only this enum dt_thread_state (-1 = any) */
    time_t as_of;              /* the moment; messages after it are not seen */
};

/*
 * Call fn for every deal matching q, in thread order. fn returns 0 to go
 * on, non-zero to stop. Returns 0, or -1 with err set.
 */
int dt_deals_each(struct dt_store *st, const struct dt_config *cfg, const struct dt_deals_query *q,
                  int (*fn)(const struct dt_deal *deal, void *arg), void *arg,
                  struct dt_error *err);

/*
 * What an inbound customer message at `at` in `thread` means: the thread
 * as stored before it, with the reply added, evaluated by cooling.c as of
 * `at` - exactly what `dealtemp threads --as-of <at>` says of that thread,
 * so the milter's header and the listing cannot disagree. out->answered is
 * false when no outbound message precedes it. Returns 0, or -1 with err set.
 */
struct dt_reply_info {
    struct dt_cooling c;       /* answered, reply_*, usual_*, usual_source, reply_slow */
    struct dt_clock clock;
};

int dt_deals_reply(struct dt_store *st, const struct dt_config *cfg, dt_hash thread,
                   const char *counterpart, time_t at, struct dt_reply_info *out,
                   struct dt_error *err);

#endif
