/*
 * euphoria.h - how euphoric is a piece of the author's own text? Pure and
 * deterministic: the same text, lexicon and parameters give the same score.
 *
 * Evidence: lexicon hits (modified by intensifiers, dampeners, negators and
 * compound prefixes), runs of '!' (each run counts min(length, excl_cap)
 * times excl_weight; a single "!" counts once), ALL-CAPS words of 3+ letters
 * that are not acronyms (caps_weight each), celebratory emoji (their lexicon
 * weight). Language: stopword counts per language pick one; when the two
 * best are within 25% of each other (or no stopwords at all), every
 * candidate is scored and the highest wins. Score:
 *     density = total evidence weight * 100 / max(words, min_words)
 *     score   = 1 - exp(-density / scale)           (0..1, to three decimals)
 * and the level is euphoric if score >= euphoric, warm if >= warm, else calm.
 *
 * Details (euphoria.c):
 *  - Words are letters and digits with inner apostrophes (' and ’) and
 *    inner hyphens; a hyphenated word counts as one word. Phrases match
 *    case-insensitively, longest first, across blanks and hyphens only.
 *  - Modifier windows: a hit qualifies when it starts within the 3 words
 *    after the modifier. Intensifiers/dampeners multiply the next hit only
 *    (stacked: multiplied, at most 3x); a negator cancels every hit in its
 *    window (kept as evidence: weight 0, negated = 1, not in counts). A
 *    sentence end (. ! ? line break) drops pending modifiers. Each hit's
 *    evidence names the modifier it was scored under (mult, mod_offset,
 *    mod_length), so a reader can be shown why a weight is what it is.
 *  - Tone kinds (hesitation, nextstep, relief) match, and are modified
 *    and negated, like scoring words, and are listed as evidence, but
 *    their weight goes to tone[], never to the total or the score.
 *  - Compounds: a word that is not itself an entry and starts with a prefix
 *    followed by 3+ letters ("superblij", "super-blij") scores the rest's
 *    weight times the prefix weight, or hype 0.5 x prefix weight.
 *  - Shouting: in a text where more than 60% of the words of 2+ letters
 *    are upper case, at most 10 caps hits count.
 *  - Evidence lists the hits in text order, negated ones included, the
 *    first DT_EVIDENCE_MAX (256) of them; n_evidence_dropped says how many
 *    more there were. counts[] (the non-negated hits; '!' runs once per
 *    run), total, score and level always cover every hit of the text. In
 *    a shouting text the caps hits past the 10th are no hits at all: not
 *    listed, not counted, not dropped.
 */
#ifndef DEALTEMP_EUPHORIA_H
#define DEALTEMP_EUPHORIA_H

#include <stddef.h>

#include "dealtemp/lexicon.h"

enum dt_level { DT_LEVEL_CALM, DT_LEVEL_WARM, DT_LEVEL_EUPHORIC, DT_LEVEL_COUNT };

/* "calm", "warm", "euphoric". */
const char *dt_level_name(enum dt_level level);
/* Parse a level name; returns -1 if unknown. */
int dt_level_parse(const char *name, enum dt_level *level);

struct dt_euphoria_params {
    double warm;              /* score threshold for warm (0.35) */
    double euphoric;          /* score threshold for euphoric (0.60) */
    double min_words;         /* length normalisation floor (20) */
    double scale;             /* squash scale (8.0) */
    double excl_weight;       /* weight of one '!' (0.5) */
    unsigned excl_cap;        /* '!' counted per run at most (3) */
    double caps_weight;       /* weight of one shouted word (0.7) */
    const char *const *langs; /* candidate languages, NULL-terminated; NULL = all in lexicon */
};

/* The defaults above. */
void dt_euphoria_defaults(struct dt_euphoria_params *p);

/*
 * A score is kept to three decimals (DT_SCORE_SCALE steps): the store holds
 * it exactly (as score x 1000), so a level derived from a stored score
 * later - under whatever thresholds the configuration has then - is the
 * level the same thresholds give the live message. dt_score_round() is
 * that rounding (NaN and negatives -> 0, >= 1 -> 1).
 */
#define DT_SCORE_SCALE 1000.0
double dt_score_round(double raw);

/*
 * The one rule from score to level: euphoric if score >= p->euphoric, warm
 * if >= p->warm, else calm. Every program, header, listing and digest asks
 * here, with the thresholds of the configuration in force.
 */
enum dt_level dt_level_of(double score, const struct dt_euphoria_params *p);

/* Evidence listed per score at most; counts[] and total cover every hit. */
#define DT_EVIDENCE_MAX 256

struct dt_evidence {
    enum dt_kind kind; /* the scoring kind (an intensified hype word stays hype) */
    char text[64];     /* the matched text as written, UTF-8, truncated on a char boundary */
    double weight;     /* contribution after modifiers (0 if negated) */
    size_t offset;     /* byte offset of the hit in the scored text */
    size_t length;     /* byte length of the hit */
    unsigned char negated;
    /*
     * The modifier the hit was scored under, for explaining it: mult is the
     * intensifier/dampener factor applied (weight = weight before x mult;
     * stacked ones multiplied and capped), 0 when negated, 1 when nothing
     * modified it. mod_offset/mod_length: the modifier's words in the
     * scored text ("so", "not", stacked ones from the first to the last);
     * mod_length 0 when none.
     */
    double mult;
    size_t mod_offset;
    size_t mod_length;
};

struct dt_score {
    double score; /* 0..1, three decimals (dt_score_round) */
    enum dt_level level;
    char lang[4];                 /* chosen language, "" if no lexicon language */
    size_t words;                 /* words counted */
    double total;                 /* sum of the weights of all hits, listed or not
                                     (euphoria only: tone hits are in tone[]) */
    double tone[3];               /* weight of the hesitation, nextstep and relief hits
                                     (after modifiers; negated ones 0): tone.h */
    size_t counts[DT_KIND_COUNT]; /* number of non-negated hits per kind */
    struct dt_evidence *evidence; /* the first hits in text order; owned, see dt_score_clear */
    size_t n_evidence;            /* at most DT_EVIDENCE_MAX */
    size_t n_evidence_dropped;    /* hits after those: in counts and total, not listed */
};

/*
 * Score text[0..len) (UTF-8; invalid bytes separate words). Returns 0, or
 * -1 with err set when memory runs out. out is overwritten; release it
 * with dt_score_clear(). p NULL means the defaults; lex NULL scores only
 * '!' runs and caps.
 */
int dt_euphoria_score(const struct dt_lexicon *lex, const struct dt_euphoria_params *p,
                      const char *text, size_t len, struct dt_score *out, struct dt_error *err);

/*
 * The short form for the header, e.g. "hype=5 excl=4 caps=1 emoji=2":
 * counts by kind, hype/superlative/excitement/pressure folded into their
 * own names, zero counts omitted, "none" when empty. Writes at most size
 * bytes (NUL included).
 */
void dt_score_summary(const struct dt_score *s, char *buf, size_t size);

void dt_score_clear(struct dt_score *s);

#endif
