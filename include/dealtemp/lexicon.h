/*
 * lexicon.h - the weighted words and phrases euphoria is scored with. Pure:
 * files are read by the caller (config.c); this module parses buffers.
 *
 * File format (one entry a line; '#' starts a comment; blank lines skipped):
 *
 *     <word or phrase>   <weight>   <kind>
 *
 * The last two whitespace-separated fields are the weight (a decimal
 * number) and the kind; everything before them is the phrase (one or more
 * words, matched case-insensitively on word boundaries; an apostrophe may
 * be written ' or ’). Kinds:
 *     hype, superlative, excitement, pressure   scoring words (weight > 0)
 *     intensifier   multiplies the next scoring hit within 3 words by weight
 *     negator       cancels the scoring hits of the next 3 words (weight 0)
 *     dampener      multiplies the next scoring hit within 3 words by weight (< 1)
 *     prefix        compound prefix ("super", "mega"): "superblij" scores
 *                   "blij" times weight; an unknown rest scores as hype 0.5
 *     stopword      counted for language detection only
 *     acronym       an ALL-CAPS word that is not shouting (CEO, ERP); weight 0
 *     emoji         a celebratory emoji (the phrase is the emoji itself)
 *     hesitation    the customer's tone (tone.h), scored apart from euphoria:
 *     nextstep      hesitation and stall ("on hold", "intern overleggen"),
 *     relief        engagement - a concrete next step, a date, a question
 *                   about implementation - and relief or humour (weight > 0;
 *                   modifiers and negators apply as to scoring words)
 *
 * One dt_lexicon holds every language: each entry carries the language it
 * came from ("en", "nl", ...; "*" for language-neutral files such as the
 * shared acronym and emoji list).
 *
 * Details (lexicon.c):
 *  - A phrase holds letters, digits, inner apostrophes and inner hyphens;
 *    a hyphen is the same as a space ("game-changer" = "game changer"),
 *    and a leading apostrophe is kept ("’t"). At most 6 words (hyphenated
 *    parts count) and 127 bytes. prefix, stopword and acronym entries are
 *    one word. CRLF line ends and a UTF-8 byte order mark are accepted.
 *  - Weights: 0..10; scoring kinds, emoji and prefix > 0; intensifier >= 1;
 *    dampener < 1; the weight of a negator, stopword or acronym is ignored.
 *  - A phrase may hold one entry of each sort per language (scoring kind or
 *    emoji; modifier; prefix; stopword; acronym): "so" can be a stopword
 *    and an intensifier. A repeated entry of the same sort replaces the
 *    earlier one (the later line wins) and is counted once.
 *  - A loaded lexicon is read-only: threads may score with it at once.
 */
#ifndef DEALTEMP_LEXICON_H
#define DEALTEMP_LEXICON_H

#include <stddef.h>

#include "dealtemp/error.h"

enum dt_kind {
    DT_KIND_HYPE,
    DT_KIND_SUPERLATIVE,
    DT_KIND_EXCITEMENT,
    DT_KIND_PRESSURE,
    DT_KIND_INTENSIFIER,
    DT_KIND_NEGATOR,
    DT_KIND_DAMPENER,
    DT_KIND_PREFIX,
    DT_KIND_STOPWORD,
    DT_KIND_ACRONYM,
    DT_KIND_EMOJI,
    /* The customer's tone (tone.h): matched like scoring words, kept apart
     * from the euphoria total (struct dt_score's tone[]). */
    DT_KIND_HESITATION,
    DT_KIND_NEXTSTEP,
    DT_KIND_RELIEF,
    /* Evidence kinds that do not come from lexicon entries: */
    DT_KIND_EXCLAMATION,
    DT_KIND_CAPS,
    DT_KIND_COUNT
};

/* "hype", "superlative", ..., "relief", "excl", "caps". */
const char *dt_kind_name(enum dt_kind kind);
/* hesitation, nextstep or relief: a tone kind, not euphoria. */
static inline int dt_kind_is_tone(enum dt_kind kind)
{
    return kind >= DT_KIND_HESITATION && kind <= DT_KIND_RELIEF;
}

#define DT_MAX_LANGS 8

struct dt_lexicon;

struct dt_lexicon *dt_lexicon_new(void);
void dt_lexicon_free(struct dt_lexicon *lex);

/*
 * Add the entries of one lexicon file's contents. lang is a 2-letter code
 * or "*" (language-neutral); name is used in errors ("conf/lexicons/en.txt").
 * On a bad line returns -1 with err = "<name>:<line>: <reason>" and leaves
 * lex unchanged.
 */
int dt_lexicon_add(struct dt_lexicon *lex, const char *lang, const char *name,
                   const char *buf, size_t len, struct dt_error *err);

/*
 * Languages added so far (not counting "*"), in the order first added.
 * Stores at most max of them in langs and returns how many it stored.
 */
size_t dt_lexicon_langs(const struct dt_lexicon *lex, const char **langs,
                        size_t max);
/* Number of entries for lang ("*" for neutral ones). */
size_t dt_lexicon_size(const struct dt_lexicon *lex, const char *lang);

#endif
