/*
 * lexicon_int.h - internals shared by lexicon.c, textscan.c and euphoria.c,
 * and the contract of textscan.c (the word-piece scanner and tokeniser,
 * below). Not a public contract: those three files and the suites that
 * test them from inside (tests/check_textscan.c) include it.
 *
 * The lexicon is a hashed trie. Every node is one lower-cased word piece
 * (or one emoji) under a parent node; the root's children are first words,
 * their children second words, and so on, so a phrase is found by walking
 * word by word with one hash probe per step. A node carries "senses": what
 * the phrase means in one language (its scoring kind and weight, its
 * modifier kind and weight, whether it is a prefix, stopword or acronym).
 *
 * A word piece is a run of letters and digits, with inner apostrophes
 * (normalised to ') kept inside it. Inner hyphens split a word into pieces
 * that are "joined", so "game-changer" and "game changer" are the same two
 * pieces. Lexicon phrases and scored text are cut with the same scanner.
 */
#ifndef DEALTEMP_LEXICON_INT_H
#define DEALTEMP_LEXICON_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dealtemp/lexicon.h"
#include "dealtemp/utf8.h"

/* Hot paths say which helpers belong inline and which out of the way. */
#if defined(__GNUC__)
#define DT_ALWAYS_INLINE inline __attribute__((always_inline))
#define DT_NOINLINE __attribute__((noinline))
#else
#define DT_ALWAYS_INLINE inline
#define DT_NOINLINE
#endif

#define DT_LEX_KEY_MAX 127      /* longest piece key that can match */
#define DT_LEX_PHRASE_MAX 6     /* pieces in a phrase */
#define DT_LEX_BYTES_MAX 127    /* bytes of a phrase as written */
#define DT_LEX_ANY DT_MAX_LANGS /* language index of "*" */
#define DT_LEX_NOKIND 0xff
#define DT_LEX_FILTER_BITS 65536

enum { DT_SENSE_STOP = 1, DT_SENSE_ACRONYM = 2, DT_SENSE_PREFIX = 4 };

/* What one node means in one language. */
struct dt_lex_sense {
    int32_t next;       /* next sense of the same node, -1 at the end */
    uint8_t lang;       /* 0..DT_MAX_LANGS-1, or DT_LEX_ANY */
    uint8_t score_kind; /* hype..pressure, emoji or a tone kind, or DT_LEX_NOKIND */
    uint8_t mod_kind;   /* intensifier, negator, dampener or DT_LEX_NOKIND */
    uint8_t flags;      /* DT_SENSE_* */
    double score_w, mod_w, prefix_w;
};

struct dt_lex_node {
    uint32_t hash;    /* dt_lex_hash(parent, key hash): checked before the key */
    int32_t parent;   /* -1 for first pieces */
    uint32_t key_off; /* into lex->pool */
    uint16_t key_len;
    uint16_t langmask;   /* bit l set: a sense for language l exists */
    uint16_t actmask;    /* ... with a scoring kind or a modifier */
    uint16_t stopmask;   /* ... that is a stopword */
    uint16_t acromask;   /* ... that is an acronym */
    uint16_t prefixmask; /* ... that is a prefix */
    int32_t first_sense; /* -1 if the node is only a step towards longer phrases */
    uint16_t letters;    /* letters in the key (for prefixes) */
    uint8_t has_children;
    /* actmask | prefixmask: bit l set if the node itself matters to a
     * scorer of language l beyond stopword counting. A piece whose nodes
     * have no such bit and no child that the next piece matches is passed
     * over quickly. */
    uint16_t hotmask;
};

struct dt_lex_slot {
    uint32_t hash;
    int32_t node; /* -1: empty */
};

struct dt_lex_prefix {
    int32_t node;
    uint8_t lang;
    double weight;
    /* The node's key at hand for dt_lex_glued(): its first 8 bytes (zero
     * beyond the key), the mask of those that count, length, letters. */
    uint64_t head, head_mask;
    uint16_t key_len, letters;
};

struct dt_lexicon {
    struct dt_lex_node *nodes;
    size_t n_nodes, cap_nodes;
    struct dt_lex_sense *senses;
    size_t n_senses, cap_senses;
    struct dt_lex_slot *slots;
    size_t mask; /* slots has mask + 1 entries, a power of two */
    char *pool;  /* node keys, each zero-padded to a multiple of 8 bytes */
    size_t pool_len, pool_cap;
    struct dt_lex_prefix *prefixes; /* longest key first */
    size_t n_prefixes, cap_prefixes;
    uint8_t prefix_first[256]; /* 1 for the first key byte of some prefix */
    /* One bit per first-piece key hash: most words of a mail are in no
     * lexicon, and this 8 KiB filter says so without touching the table. */
    uint8_t first_filter[DT_LEX_FILTER_BITS / 8];
    /* The same for the other pieces, by dt_lex_hash(parent, key hash):
     * most words after the first of a phrase do not continue it. */
    uint8_t child_filter[DT_LEX_FILTER_BITS / 8];
    char langs[DT_MAX_LANGS][4];
    size_t n_langs;
    size_t size[DT_MAX_LANGS + 1]; /* entries per language, [DT_LEX_ANY] for "*" */
};

/*
 * Keys are hashed 8 bytes at a time, so every key buffer holds DT_KEY_PAD
 * zero bytes after the key (the scanners below write them). A buffer for
 * a piece key with its leading apostrophe is DT_KEY_BUF bytes. The length
 * is mixed in last, so a scanner can hash a key while it cuts it, 8 bytes
 * at a time, before it knows how long it will be.
 */
#define DT_KEY_PAD 8
#define DT_KEY_BUF (DT_LEX_KEY_MAX + 2 + DT_KEY_PAD)
#define DT_KEY_SEED 0x9e3779b97f4a7c15u

static inline uint64_t dt_key_hash_step(uint64_t h, uint64_t v)
{
    h = (h ^ v) * 0xff51afd7ed558ccdu;
    return h ^ (h >> 29);
}

static inline uint32_t dt_key_hash_end(uint64_t h, size_t len)
{
    h = dt_key_hash_step(h, len);
    return (uint32_t)(h ^ (h >> 32));
}

/* Hashes the chunks that cover key[0..len], the last one always holding
 * some padding: a scanner then hashes its last chunk however long it is. */
static inline uint32_t dt_key_hash(const char *key, size_t len)
{
    uint64_t h = DT_KEY_SEED;
    for (size_t i = 0; i <= len; i += 8) {
        uint64_t v;
        memcpy(&v, key + i, 8);
        h = dt_key_hash_step(h, v);
    }
    return dt_key_hash_end(h, len);
}

/* First pieces keep their key hash (it is mixed well already): the
 * commonest lookup, a word of the text, needs no more mixing. */
static inline uint32_t dt_lex_hash(int32_t parent, uint32_t keyhash)
{
    if (parent < 0)
        return keyhash;
    uint32_t h = keyhash ^ ((uint32_t)(parent + 1) * 0x9e3779b1u);
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

static inline uint32_t dt_lex_filter_bit(uint32_t keyhash)
{
    return (keyhash ^ (keyhash >> 16)) & (DT_LEX_FILTER_BITS - 1);
}

/* The node for key under parent (-1: a first piece), or -1. */
static inline int32_t dt_lex_find(const struct dt_lexicon *lex, int32_t parent, const char *key,
                                  size_t len, uint32_t keyhash)
{
    /* Without nodes both filters are all zero: slots is never read. */
    if (lex == NULL || len > DT_LEX_KEY_MAX)
        return -1;
    if (parent < 0) {
        uint32_t b = dt_lex_filter_bit(keyhash);
        if (!(lex->first_filter[b >> 3] & (1u << (b & 7))))
            return -1;
    }
    uint32_t h = dt_lex_hash(parent, keyhash);
    if (parent >= 0) {
        uint32_t b = dt_lex_filter_bit(h);
        if (!(lex->child_filter[b >> 3] & (1u << (b & 7))))
            return -1;
    }
    for (size_t i = h & lex->mask;; i = (i + 1) & lex->mask) {
        const struct dt_lex_slot *s = &lex->slots[i];
        if (s->node < 0)
            return -1;
        if (s->hash != h)
            continue;
        const struct dt_lex_node *n = &lex->nodes[s->node];
        if (n->parent != parent || n->key_len != len)
            continue;
        /* Both keys are zero-padded to whole chunks (the pool's to a
         * multiple of 8 bytes): compare 8 bytes at a time. */
        const char *a = lex->pool + n->key_off;
        size_t j = 0;
        for (; j < len; j += 8) {
            uint64_t x, y;
            memcpy(&x, a + j, 8);
            memcpy(&y, key + j, 8);
            if (x != y)
                break;
        }
        if (j >= len)
            return s->node;
    }
}

/*
 * Could key (keylen bytes, letters letters, zero-padded) be a compound:
 * does it start with a prefix of any language that leaves at least three
 * letters? The test euphoria.c's compound rule starts with; most words
 * that share a prefix's first letter fail it here, cheaply.
 */
bool dt_lex_glued(const struct dt_lexicon *lex, const char *key, size_t keylen, unsigned letters);

/* The sense of node for language lang (exactly that language), or NULL. */
static inline const struct dt_lex_sense *dt_lex_sense(const struct dt_lexicon *lex, int32_t node,
                                                      unsigned lang)
{
    if (node < 0 || !(lex->nodes[node].langmask & (1u << lang)))
        return NULL;
    for (int32_t s = lex->nodes[node].first_sense; s >= 0; s = lex->senses[s].next)
        if (lex->senses[s].lang == lang)
            return &lex->senses[s];
    return NULL;
}

/* ---- textscan.c: the one definition of a word piece and an emoji ---- */

enum dt_cc {
    DT_CC_OTHER, /* punctuation and symbols: separate words, break phrases */
    DT_CC_LOWER, /* letters (and other caseless letters) */
    DT_CC_UPPER,
    DT_CC_DIGIT,
    DT_CC_MARK,   /* combining marks: continue a word, never start one */
    DT_CC_FORMAT, /* soft hyphen, ZWJ, variation selectors: invisible */
    DT_CC_SPACE,
    DT_CC_NL,
    DT_CC_APOS,   /* ' ’ ‘ ʼ */
    DT_CC_HYPHEN, /* - ‐ ‑ */
    DT_CC_DOT,    /* . … */
    DT_CC_EXCL,   /* ! ！ */
    DT_CC_EXCL2,  /* ‼ */
    DT_CC_EXQ,    /* ⁉ */
    DT_CC_QUEST,  /* ? ？ ‽ */
    DT_CC_EMOJI
};

extern const unsigned char dt_ascii_cc[128];
/* Class of a code point at or above U+0080. */
enum dt_cc dt_cc_high(uint32_t cp);

/* Class of the character at s[i] (i < n); *len gets its byte length. */
static inline enum dt_cc dt_cc_at(const char *s, size_t n, size_t i, uint32_t *cp, size_t *len)
{
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
        *cp = c;
        *len = 1;
        return (enum dt_cc)dt_ascii_cc[c];
    }
    *len = dt_utf8_decode(s + i, n - i, cp);
    return dt_cc_high(*cp);
}

static inline bool dt_cc_word(enum dt_cc c)
{
    return c == DT_CC_LOWER || c == DT_CC_UPPER || c == DT_CC_DIGIT;
}

struct dt_piece {
    size_t end;    /* byte after the piece */
    size_t next;   /* where scanning resumes (after a joining hyphen) */
    size_t keylen; /* bytes of key; > DT_LEX_KEY_MAX if it did not fit */
    uint32_t hash; /* dt_key_hash of key (0 if too long) */
    unsigned letters, uppers, digits;
    bool joined_next; /* an inner hyphen follows: the next piece is joined */
};

/*
 * Scan the piece starting at s[i] (a word character): lower-case it into
 * key (DT_LEX_KEY_MAX + DT_KEY_PAD bytes; zero-padded, not NUL-terminated)
 * and describe it.
 */
void dt_scan_piece(const char *s, size_t n, size_t i, char *key, struct dt_piece *p);

#define DT_EMOJI_KEY_MAX 31

/*
 * Scan the emoji starting at s[i] (class DT_CC_EMOJI), with its variation
 * selectors, skin tones, ZWJ continuations and a second regional indicator.
 * key (DT_EMOJI_KEY_MAX + DT_KEY_PAD bytes, zero-padded) gets its code points without selectors
 * and skin tones; *keylen their bytes (> DT_EMOJI_KEY_MAX: did not fit),
 * *firstlen the bytes of the first one. Returns the byte after the emoji.
 */
size_t dt_scan_emoji(const char *s, size_t n, size_t i, char *key, size_t *keylen,
                     size_t *firstlen);

/*
 * The tokeniser of scored text: one pass, events into a small ring, so the
 * scorer always sees the event it scores plus DT_TOK_LOOKAHEAD - 1 after it
 * (enough for the longest phrase and the longest hyphenated word). Pieces
 * are looked up in the lexicon as they are cut. The ring is filled up and
 * then scored DT_TOK_RING - DT_TOK_LOOKAHEAD + 1 events at a time.
 */
#define DT_TOK_RING 16       /* power of two, > DT_TOK_LOOKAHEAD */
#define DT_TOK_LOOKAHEAD 9   /* the head and 8 more: a whole word or phrase */
#define DT_TOK_WORD_PIECES 8 /* hyphen-joined pieces in one word at most */

enum dt_ev_type { DT_EV_PIECE, DT_EV_EMOJI, DT_EV_EXCL, DT_EV_BREAK };

/* One token event. Word-level fields are valid on a word's first piece. */
struct dt_ev {
    uint8_t type;
    uint8_t contig;     /* PIECE: only blanks or a joining hyphen since the last piece */
    uint8_t joined;     /* PIECE: continues the previous piece's word (hyphen) */
    uint8_t word_start; /* PIECE: first piece of a word */
    uint8_t lead_apos;  /* PIECE: directly after a lone apostrophe ('t) */
    uint8_t alpha;      /* PIECE: no digits */
    uint8_t caps;       /* word: 3+ letters, all upper case, no digits */
    uint8_t npieces;    /* word: pieces */
    uint8_t glue;       /* PIECE: alpha, fits, and starts with a prefix that
                           leaves 3+ letters: may score as a compound */
    uint8_t kids;       /* PIECE: node or anode has children (may start a phrase) */
    uint16_t letters;   /* PIECE: letters (saturated) */
    uint16_t keylen;    /* PIECE: bytes of key, 0 = too long to match */
    /* What lets the scorer pass over most pieces without a look at the
     * lexicon (see lex_facts in textscan.c): */
    uint16_t hot;    /* PIECE: hotmask of node and anode; all bits if glue */
    uint16_t stop;   /* PIECE: stopword languages (of anode if it has any, else node) */
    size_t off, len; /* the piece (without apostrophe) / emoji / run in the text */
    size_t aoff;     /* PIECE: where the lone apostrophe starts */
    size_t word_end; /* word: byte after its last piece */
    uint32_t hash;
    int32_t node;          /* lexicon node of key; EMOJI: of the whole emoji */
    int32_t anode;         /* PIECE: of "'"key; EMOJI: of its first code point */
    unsigned excl;         /* EXCL: number of '!' */
    char kbuf[DT_KEY_BUF]; /* kbuf[0] = '\'', key from kbuf + 1 */
};

struct dt_tokens {
    const struct dt_lexicon *lex;
    const uint8_t *prefix_first; /* lex's, or all zero without a lexicon */
    const char *t;
    size_t n, pos;
    struct dt_ev ring[DT_TOK_RING];
    size_t head, count;
    struct dt_ev *tail;        /* where the next event goes: ring[(head + count) % DT_TOK_RING] */
    bool adjacent;             /* the last event was a piece, only blanks since */
    bool join_next;            /* the next piece continues the current word */
    bool last_break;           /* the last event was a break (breaks collapse) */
    size_t apos_off, apos_end; /* the last lone apostrophe */
    struct dt_ev *word_ev;     /* the current word's first piece */
    unsigned w_letters, w_uppers, w_digits, w_pieces;
    size_t words_cased; /* words of 2+ letters */
    size_t words_upper; /* ... all of them upper case */
    bool general;       /* every piece by the general path (dt_tokens_init_general) */
};

void dt_tokens_init(struct dt_tokens *tk, const struct dt_lexicon *lex, const char *t, size_t n);
/*
 * The same, but every piece is cut by the general path: never the eight
 * bytes at a time fast path for plain ASCII words. The events are the
 * same either way (textscan.c promises it); this exists so that
 * tests/check_textscan.c can run both on random text and compare. Slower;
 * the scorer never uses it.
 */
void dt_tokens_init_general(struct dt_tokens *tk, const struct dt_lexicon *lex, const char *t,
                            size_t n);
/*
 * Fill the ring as far as it goes. Returns how many events, oldest first,
 * may be scored now: each of them still sees DT_TOK_LOOKAHEAD - 1 events
 * after it, or all there are once the text is used up. 0: all done.
 */
size_t dt_tokens_fill(struct dt_tokens *tk);

/* The event j places after the oldest (j < tk->count). */
static inline struct dt_ev *dt_tokens_at(struct dt_tokens *tk, size_t j)
{
    return &tk->ring[(tk->head + j) & (DT_TOK_RING - 1)];
}

static inline void dt_tokens_pop(struct dt_tokens *tk)
{
    tk->head = (tk->head + 1) & (DT_TOK_RING - 1);
    tk->count--;
}

#endif
