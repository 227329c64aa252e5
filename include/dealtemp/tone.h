/*
 * tone.h - the customer's side of a deal: the tone of one reply, its trend
 * over a thread, and who on the customer's side is involved. Pure.
 *
 * Tone of one inbound reply, from the customer's own words (the same
 * extraction, quote and signature stripping as outbound mail) scored by
 * euphoria.c: its euphoria score and the weights of its tone hits
 * (dt_score.tone[]: hesitation, nextstep, relief; engagement = nextstep +
 * relief). The one rule, dt_tone_of():
 *   hesitant      hesitation >= p->hesitant and hesitation > engagement
 *   enthusiastic  else score >= p->enthusiastic
 *   engaged       else engagement >= p->engaged
 *   neutral       else ("thanks, we'll look at it")
 * Irony and sarcasm are not recognised: a sarcastic "great, another delay"
 * reads as warm words.
 *
 * Trend, dt_tone_trend(): tones ranked hesitant 0, neutral 1, engaged 2,
 * enthusiastic 3; the latest reply against the mean of up to three before
 * it: +0.5 or more warming, -0.5 or less cooling, else (or with fewer than
 * two replies) steady.
 *
 * People, dt_same_side(): an address is on the customer's side of a deal
 * with counterpart when both have the same organisation domain
 * (dt_org_domain: the registrable part, "mail.northwind.example" ->
 * "northwind.example", "sales.acme.co.uk" -> "acme.co.uk"); at a free-mail
 * domain (customer.freemail_domains) every address is its own person, so
 * only the counterpart itself is.
 */
#ifndef DEALTEMP_TONE_H
#define DEALTEMP_TONE_H

#include <stdbool.h>
#include <stddef.h>

/* Neutral is 0, so a zeroed event or a reply stored before tones were read is neutral. */
enum dt_tone { DT_TONE_NEUTRAL, DT_TONE_HESITANT, DT_TONE_ENGAGED, DT_TONE_ENTHUSIASTIC, DT_TONE_COUNT };
enum dt_trend { DT_TREND_COOLING, DT_TREND_STEADY, DT_TREND_WARMING, DT_TREND_COUNT };

/* "neutral", "hesitant", "engaged", "enthusiastic". */
const char *dt_tone_name(enum dt_tone t);
/* "cooling", "steady", "warming". */
const char *dt_trend_name(enum dt_trend t);

struct dt_tone_params {
    double hesitant;     /* hesitation weight from which a reply is hesitant (1.0) */
    double engaged;      /* nextstep + relief weight from which a reply is engaged (1.0) */
    double enthusiastic; /* euphoria score from which a reply is enthusiastic (0.35) */
    long joined_after;   /* a person first seen this long after the thread began
                            joined later: a good sign (7 days, seconds) */
};

void dt_tone_defaults(struct dt_tone_params *p);

/* The one rule from a reply's scores to its tone (see above). */
enum dt_tone dt_tone_of(const struct dt_tone_params *p, double score, double hesitation,
                        double engagement);

/* The trend of tones[0..n), oldest first (see above). */
enum dt_trend dt_tone_trend(const enum dt_tone *tones, size_t n);

/*
 * What a reply's tone rests on, for showing without the text: a bit per
 * enum dt_kind that had a hit that counted (not negated). Stored with
 * each inbound message instead of its phrases.
 */
typedef unsigned dt_kinds;
#define DT_KINDS_BIT(kind) (1u << (unsigned)(kind))

/*
 * The names of the kinds in k, comma-separated ("hesitation,nextstep"),
 * tone kinds first, then euphoria ones; "" when none. Writes at most size
 * bytes (NUL included), whole names only.
 */
void dt_kinds_names(dt_kinds k, char *buf, size_t size);

/*
 * The registrable domain of addr ("user@mail.northwind.example" ->
 * "northwind.example"): the last two labels, three when the second-level
 * label is a common one under a two-letter country code (co, com, org,
 * net, ac, gov, edu, ne, or: "acme.co.uk"). A pointer into addr, or NULL
 * when addr has no '@' or domain.
 */
const char *dt_org_domain(const char *addr);

/*
 * Is addr on the customer's side of a deal with counterpart: the same
 * address, or the same organisation domain unless that domain (or a
 * parent of it) is listed in freemail[0..n_freemail). Case is ignored.
 */
bool dt_same_side(const char *addr, const char *counterpart, char *const *freemail,
                  size_t n_freemail);

#endif
