/*
 * analyze.h - the one seam every message goes through: raw bytes plus
 * envelope -> what dealtemp knows about the message (struct dt_facts).
 *
 * The milter, `dealtemp score/explain/text` and (later) `dealtemp import`
 * all call dt_analyze(); none of them chains mime/quote/euphoria on its
 * own. The steps: parse (mime.c), decide the direction from the envelope
 * and headers, keep the author's own words (quote.c), score them
 * (euphoria.c). Pure but for reading the configuration it is given.
 *
 * Direction:
 *   ignored   list or bulk mail (List-Id; Precedence bulk/list/junk),
 *             auto-replies (Auto-Submitted other than "no", X-Autoreply,
 *             out-of-office subjects in EN/NL/DE/FR),
 *             bounces (null envelope sender, multipart/report);
 *   outbound  the sender (envelope sender or From) is a rep - internal and,
 *             when `reps` is set, listed there - and at least one
 *             recipient is external;
 *   inbound   the sender is external and a recipient internal;
 *   internal  everything else (internal to internal, or nothing internal).
 * Recipients are the envelope recipients, or To and Cc when there are none
 * (a message read from a file).
 *
 * Scored: outbound mail (the rep's euphoria) and, with customer.tone,
 * inbound mail (the customer's tone: the same score plus tone[]).
 */
#ifndef DEALTEMP_ANALYZE_H
#define DEALTEMP_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "dealtemp/buf.h"
#include "dealtemp/config.h"
#include "dealtemp/euphoria.h"
#include "dealtemp/mime.h"
#include "dealtemp/quote.h"

enum dt_direction { DT_DIR_OUTBOUND, DT_DIR_INBOUND, DT_DIR_INTERNAL, DT_DIR_IGNORED };

/* "outbound", "inbound", "internal", "ignored". */
const char *dt_direction_name(enum dt_direction dir);

struct dt_envelope {
    const char *mail_from;     /* envelope sender without <>; "" = null sender; NULL = unknown */
    const char *const *rcpts;  /* envelope recipients without <>; may be NULL when n_rcpts is 0 */
    size_t n_rcpts;
};

/* dt_analyze flags */
#define DT_ANALYZE_SCORE_ALL 0x1 /* score whatever the direction (dealtemp score) */
#define DT_ANALYZE_KEEP_TEXT 0x2 /* keep the scored own words in facts->own_text */

/* People on the customer's side kept per message; more are not counted. */
#define DT_PEOPLE_MAX 16

struct dt_facts {
    enum dt_direction direction;
    const char *why;           /* why ignored / internal, for logs: "List-Id", ... ("" otherwise) */
    char *sender;              /* the address judged as sender (lower-cased), or NULL */
    char *rep;                 /* outbound: the sending rep; inbound: the internal recipient
                                  (a rep if one is addressed); else NULL */
    char *counterpart;         /* the customer: first external To/Cc (then envelope recipient)
                                  of outbound mail, From of inbound mail; else NULL */
    const char *counterpart_name; /* the customer's display name in this message (in msg), or NULL */
    struct dt_message *msg;    /* header facts; msg->text is freed once scored */
    struct dt_quote_info quote;
    /* The customer's side in this message (tone.h, dt_same_side): From, To
     * and Cc addresses at the counterpart's organisation, the counterpart
     * first; pointers into msg. Outbound and inbound mail only. */
    const char *people[DT_PEOPLE_MAX];
    size_t n_people;
    bool scored;               /* score is valid: outbound mail, inbound mail when
                                  customer.tone is on (their tone), or SCORE_ALL */
    struct dt_score score;
    char *own_text;            /* with DT_ANALYZE_KEEP_TEXT: the words scored, else NULL */
    size_t own_len;
};

/*
 * Analyze raw[0..len). env may be NULL (unknown envelope). Returns 0 and
 * fills *out (release with dt_facts_clear), or -1 with err set when the
 * input is not a message at all or memory runs out (out is then clear).
 */
int dt_analyze(const struct dt_config *cfg, const char *raw, size_t len,
               const struct dt_envelope *env, unsigned flags, struct dt_facts *out,
               struct dt_error *err);

void dt_facts_clear(struct dt_facts *facts);

/*
 * The X-Deal-Euphoria value for a scored message:
 * "0.81 euphoric (en; hype=5 excl=4 caps=1 emoji=2)". Writes at most size bytes.
 */
void dt_facts_euphoria_value(const struct dt_facts *facts, char *buf, size_t size);

#endif
