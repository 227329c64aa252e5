/*
 * textscan.c - what counts as a word piece and as an emoji, for both the
 * lexicon parser and the euphoria scorer (one definition, so a phrase in a
 * lexicon file is cut exactly as the same words in a mail are).
 *
 * Public (internal to the library, see lexicon_int.h): dt_ascii_cc[],
 * dt_cc_high(), dt_scan_piece(), dt_scan_emoji(), dt_tokens_init(),
 * dt_tokens_init_general(), dt_tokens_fill(): the last three cut scored
 * text into events for euphoria.c, looking every piece up in the lexicon
 * as it goes.
 *
 * Speed: most of a mail is short ASCII words between blanks. Those are
 * cut, lower-cased, counted and hashed eight bytes at a time (swar_word)
 * and become events without the general scanner (emit_word); everything
 * else (other scripts, apostrophes, hyphens, long keys) takes the general
 * path, which defines what a piece is. Both give the same events:
 * dt_tokens_init_general() turns the fast path off, and
 * tests/check_textscan.c compares the two on random text.
 *
 * Nothing here fails or allocates: invalid UTF-8 decodes as U+FFFD, which
 * is punctuation (DT_CC_OTHER), and keys that do not fit are reported as
 * too long instead of overflowing.
 */
#include "lexicon_int.h"

#define O DT_CC_OTHER
#define L DT_CC_LOWER
#define U DT_CC_UPPER
#define D DT_CC_DIGIT
#define S DT_CC_SPACE
#define N DT_CC_NL
#define A DT_CC_APOS
#define H DT_CC_HYPHEN
#define P DT_CC_DOT
#define E DT_CC_EXCL
#define Q DT_CC_QUEST

/* CR is a space: CR LF ends a line once, at the LF. */
/* clang-format off */
const unsigned char dt_ascii_cc[128] = {
    O, O, O, O, O, O, O, O, O, S, N, S, S, S, O, O,
    O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, O,
    S, E, O, O, O, O, O, A, O, O, O, O, O, H, P, O,
    D, D, D, D, D, D, D, D, D, D, O, O, O, O, O, Q,
    O, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    U, U, U, U, U, U, U, U, U, U, U, O, O, O, O, O,
    O, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L,
    L, L, L, L, L, L, L, L, L, L, L, O, O, O, O, O,
};
/* clang-format on */

#undef O
#undef L
#undef U
#undef D
#undef S
#undef N
#undef A
#undef H
#undef P
#undef E
#undef Q

enum dt_cc dt_cc_high(uint32_t cp)
{
    switch (cp) {
    case 0x2019: /* ’ */
    case 0x2018: /* ‘ */
    case 0x02bc: /* ʼ */
        return DT_CC_APOS;
    case 0x2010:
    case 0x2011:
        return DT_CC_HYPHEN;
    case 0x2026:
        return DT_CC_DOT;
    case 0xff01:
        return DT_CC_EXCL;
    case 0x203c:
        return DT_CC_EXCL2;
    case 0x2049:
        return DT_CC_EXQ;
    case 0xff1f:
    case 0x203d:
        return DT_CC_QUEST;
    case 0x00a0:
    case 0x1680:
    case 0x200b:
    case 0x202f:
    case 0x205f:
    case 0x3000:
        return DT_CC_SPACE;
    case 0x0085:
    case 0x2028:
    case 0x2029:
        return DT_CC_NL;
    case 0x00ad: /* soft hyphen */
    case 0x200c:
    case 0x200d:
    case 0x2060:
    case 0xfeff:
    case 0xfe0e:
    case 0xfe0f:
    case 0x20e3:
        return DT_CC_FORMAT;
    default:
        break;
    }
    if (cp >= 0x2000 && cp <= 0x200a)
        return DT_CC_SPACE;
    if (cp >= 0x0300 && cp <= 0x036f)
        return DT_CC_MARK;
    /* Skin tones and tag characters only ever modify the emoji before them. */
    if ((cp >= 0x1f3fb && cp <= 0x1f3ff) || (cp >= 0xe0020 && cp <= 0xe007f))
        return DT_CC_FORMAT;
    if (dt_unicode_is_letter(cp))
        return dt_unicode_is_upper(cp) ? DT_CC_UPPER : DT_CC_LOWER;
    if (dt_unicode_is_emoji(cp))
        return DT_CC_EMOJI;
    return DT_CC_OTHER;
}

/* ASCII letters lower-cased, digits as they are, everything else 0. */
/* clang-format off */
static const unsigned char fold[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 0, 0, 0, 0, 0, 0,
    0, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 0, 0, 0, 0, 0,
    0, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 0, 0, 0, 0, 0,
    /* 0x80..0xff: 0, never a fast-path byte */
};
/* clang-format on */

/* Keys longer than DT_LEX_KEY_MAX never match, so their bytes may wrap. */
_Static_assert((DT_LEX_KEY_MAX & (DT_LEX_KEY_MAX + 1)) == 0,
               "DT_LEX_KEY_MAX + 1 is a power of two");

static inline void key_put(char *key, size_t *k, unsigned char c)
{
    key[*k & DT_LEX_KEY_MAX] = (char)c;
    (*k)++;
}

/* True if s[i] exists and is a letter or digit. */
static bool word_at(const char *s, size_t n, size_t i)
{
    uint32_t cp;
    size_t len;
    return i < n && dt_cc_word(dt_cc_at(s, n, i, &cp, &len));
}

/* Everything a piece can be: letters of any script, inner apostrophes,
 * hyphens and format characters, keys longer than the buffer. Kept out
 * of line: the fast path below stays small where it is inlined. */
static DT_NOINLINE void scan_piece_slow(const char *s, size_t n, size_t i, char *key,
                                        struct dt_piece *p)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t k = 0;
    unsigned letters = 0, uppers = 0, digits = 0;

    p->joined_next = false;
    for (;;) {
        /* ASCII letters and digits: the common case, byte by byte. */
        size_t i0 = i;
        unsigned up = 0, dig = 0;
        while (i < n) {
            unsigned char c = u[i], f = fold[c];
            if (f == 0)
                break;
            key[k & DT_LEX_KEY_MAX] = (char)f;
            k++;
            up += c != f;
            dig += f <= '9';
            i++;
        }
        letters += (unsigned)(i - i0) - dig;
        uppers += up;
        digits += dig;
        if (i >= n)
            break;
        unsigned char c = u[i];
        enum dt_cc cc;
        uint32_t cp;
        size_t len;
        if (c < 0x80) {
            cc = (enum dt_cc)dt_ascii_cc[c];
            cp = c;
            len = 1;
        } else {
            cc = dt_cc_at(s, n, i, &cp, &len);
            if (cc == DT_CC_LOWER || cc == DT_CC_UPPER || cc == DT_CC_MARK) {
                char enc[4];
                size_t el = dt_utf8_encode(dt_unicode_lower(cp), enc);
                for (size_t j = 0; j < el; j++)
                    key_put(key, &k, (unsigned char)enc[j]);
                if (cc != DT_CC_MARK)
                    letters++;
                if (cc == DT_CC_UPPER)
                    uppers++;
                i += len;
                continue;
            }
        }
        /* An apostrophe, hyphen or invisible format character between two
         * word characters keeps the word going; anywhere else it ends it. */
        if ((cc == DT_CC_APOS || cc == DT_CC_HYPHEN || cc == DT_CC_FORMAT) &&
            word_at(s, n, i + len)) {
            if (cc == DT_CC_APOS) {
                key_put(key, &k, '\'');
                i += len;
                continue;
            }
            if (cc == DT_CC_FORMAT) {
                i += len;
                continue;
            }
            p->end = i;
            p->next = i + len;
            p->joined_next = true;
            goto done;
        }
        break;
    }
    p->end = i;
    p->next = i;
done:
    p->keylen = k;
    p->hash = 0;
    if (k <= DT_LEX_KEY_MAX) {
        memset(key + k, 0, DT_KEY_PAD);
        p->hash = dt_key_hash(key, k);
    }
    p->letters = letters;
    p->uppers = uppers;
    p->digits = digits;
}

/*
 * Words eight bytes at a time (SWAR: SIMD within a register): plain C on
 * 64-bit words, little-endian byte order (the first byte of the text is
 * the lowest of the word). Elsewhere scan_piece_slow() does it all.
 */
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SWAR 1
#define ONES 0x0101010101010101u
#define HIGH 0x8080808080808080u

/* High bit of every byte of x (all bytes < 0x80) that is >= c. No byte
 * carries into the next: x + 0x80 - c stays below 0x100. */
static inline uint64_t bytes_ge(uint64_t x, unsigned c)
{
    return (x + (0x80u - c) * ONES) & HIGH;
}

/* Letters (low nibble) and upper-case letters (high nibble) among the
 * bytes of w whose high bit is set in letter: one multiply sums both. An
 * upper-case ASCII letter has bit 5 clear. */
static inline unsigned letters_uppers(uint64_t letter, uint64_t w)
{
    uint64_t upper = letter & ~(w << 2);
    return (unsigned)((((letter >> 7) | (upper >> 3)) * ONES) >> 56);
}

/* ASCII bytes that end a piece that joins nothing: not a letter or digit,
 * not an apostrophe or hyphen (which may join), not the start of UTF-8. */
/* clang-format off */
static const unsigned char ends_word[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1,
    1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1,
    1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1,
    /* 0x80..0xff: 0 */
};
/* clang-format on */

/* A simple word, as swar_word() found it. */
struct word8 {
    size_t len;
    uint32_t hash;
    unsigned letters, uppers;
};

/*
 * The common piece, eight bytes at a time: ASCII letters and digits up to
 * an ASCII byte that is neither an apostrophe nor a hyphen (so the piece
 * ends there and joins nothing). Lower-cases it into key (zero-padded),
 * hashes it as dt_key_hash() would, counts letters and upper case. Most
 * words take one round and no branch on their length. Returns false, and
 * leaves the rest to scan_piece_slow(), for anything else or a key that
 * might not fit.
 */
static DT_ALWAYS_INLINE bool swar_word(const unsigned char *u, size_t n, size_t i, char *key,
                                       struct word8 *o)
{
    uint64_t h = DT_KEY_SEED;
    unsigned letters = 0, uppers = 0;
    /* Whole chunks in the text, and a key that surely fits. */
    size_t end = n - i < DT_LEX_KEY_MAX ? n - i : DT_LEX_KEY_MAX;
    for (size_t k = 0; k + 8 <= end; k += 8) {
        uint64_t w;
        memcpy(&w, u + i + k, 8);
        /* Bytes with the high bit set are no ASCII letters or digits, so
         * their low bits may look like anything: they stop the word. */
        uint64_t x = w & ~HIGH, l = x | 0x20 * ONES;
        uint64_t letter = bytes_ge(l, 'a') & ~bytes_ge(l, 'z' + 1);
        uint64_t digit = bytes_ge(x, '0') & ~bytes_ge(x, '9' + 1);
        uint64_t stop = (~(letter | digit) | w) & HIGH;
        if (stop) {
            unsigned nb = (unsigned)__builtin_ctzll(stop) >> 3;
            if (!ends_word[u[i + k + nb]] | (k + nb == 0))
                return false;
            uint64_t keep = ((uint64_t)1 << (nb * 8)) - 1, zero = 0;
            letter &= keep;
            /* Letters get their 0x20 bit: lower case. Digits stay. */
            uint64_t lower = (w | (letter >> 2)) & keep;
            memcpy(key + k, &lower, 8);
            memcpy(key + k + 8, &zero, 8); /* the rest of the padding */
            unsigned lu = letters_uppers(letter, w);
            o->len = k + nb;
            o->hash = dt_key_hash_end(dt_key_hash_step(h, lower), o->len);
            o->letters = letters + (lu & 15);
            o->uppers = uppers + (lu >> 4);
            return true;
        }
        uint64_t lower = w | (letter >> 2);
        memcpy(key + k, &lower, 8);
        h = dt_key_hash_step(h, lower);
        unsigned lu = letters_uppers(letter, w);
        letters += lu & 15;
        uppers += lu >> 4;
    }
    return false;
}
#endif

static inline void scan_piece(const char *s, size_t n, size_t i, char *key, struct dt_piece *p)
{
#ifdef SWAR
    struct word8 w;
    if (swar_word((const unsigned char *)s, n, i, key, &w)) {
        p->end = p->next = i + w.len;
        p->keylen = w.len;
        p->hash = w.hash;
        p->letters = w.letters;
        p->uppers = w.uppers;
        p->digits = (unsigned)w.len - w.letters;
        p->joined_next = false;
        return;
    }
#endif
    scan_piece_slow(s, n, i, key, p);
}

void dt_scan_piece(const char *s, size_t n, size_t i, char *key, struct dt_piece *p)
{
    scan_piece(s, n, i, key, p);
}

static bool is_regional(uint32_t cp)
{
    return cp >= 0x1f1e6 && cp <= 0x1f1ff;
}

static void emoji_put(char *key, size_t *k, uint32_t cp)
{
    char enc[4];
    size_t el = dt_utf8_encode(cp, enc);
    if (*k + el <= DT_EMOJI_KEY_MAX)
        memcpy(key + *k, enc, el);
    *k += el;
}

size_t dt_scan_emoji(const char *s, size_t n, size_t i, char *key, size_t *keylen, size_t *firstlen)
{
    uint32_t cp, cp2;
    size_t len, len2, k = 0;

    dt_cc_at(s, n, i, &cp, &len);
    emoji_put(key, &k, cp);
    *firstlen = k;
    i += len;
    /* A flag is two regional indicators. */
    if (is_regional(cp) && i < n && dt_cc_at(s, n, i, &cp2, &len2) == DT_CC_EMOJI &&
        is_regional(cp2)) {
        emoji_put(key, &k, cp2);
        i += len2;
    }
    while (i < n) {
        enum dt_cc cc = dt_cc_at(s, n, i, &cp, &len);
        if (cc != DT_CC_FORMAT)
            break;
        if (cp == 0x200d) {
            /* Zero-width joiner: one picture made of several (👨‍💻). */
            if (i + len >= n || dt_cc_at(s, n, i + len, &cp2, &len2) != DT_CC_EMOJI)
                break;
            emoji_put(key, &k, cp);
            emoji_put(key, &k, cp2);
            i += len + len2;
            continue;
        }
        if (cp == 0x00ad || cp == 0x200c || cp == 0x2060 || cp == 0xfeff)
            break;
        i += len; /* variation selector, skin tone, keycap, tag */
    }
    *keylen = k;
    if (k <= DT_EMOJI_KEY_MAX)
        memset(key + k, 0, DT_KEY_PAD);
    return i;
}

/* ------------------------------------------------- the tokeniser of text */

static struct dt_ev *push(struct dt_tokens *s)
{
    struct dt_ev *e = s->tail;
    s->tail = e == &s->ring[DT_TOK_RING - 1] ? s->ring : e + 1;
    s->count++;
    return e;
}

/*
 * What the scorer needs to know to pass over a piece quickly: the node's
 * (and anode's) hotmask, its stopword languages, and whether it might be
 * prefix + rest. Branch-free where the answer is a coin toss word by word.
 */
static DT_ALWAYS_INLINE void lex_facts(const struct dt_tokens *s, struct dt_ev *e, bool fits,
                                       unsigned letters, unsigned digits)
{
    const struct dt_lexicon *lex = s->lex;
    uint16_t hot = 0, stop = 0;
    uint8_t kids = 0;
    if (e->node >= 0) {
        hot = lex->nodes[e->node].hotmask;
        stop = lex->nodes[e->node].stopmask;
        kids = lex->nodes[e->node].has_children;
    }
    if (e->anode >= 0) {
        hot |= lex->nodes[e->anode].hotmask;
        kids |= lex->nodes[e->anode].has_children;
        if (lex->nodes[e->anode].stopmask)
            stop = lex->nodes[e->anode].stopmask;
    }
    e->kids = kids;
    unsigned char c = (unsigned char)e->kbuf[1];
    unsigned glue = (unsigned)fits & (digits == 0) & (letters >= 4) & s->prefix_first[c];
    /* Most words that share a prefix's first letter do not start with it. */
    if (glue & 1)
        glue = dt_lex_glued(lex, e->kbuf + 1, e->keylen, letters);
    e->glue = (uint8_t)(glue & 1);
    e->hot = (uint16_t)(hot | (0u - e->glue));
    e->stop = stop;
}

#ifdef SWAR
/*
 * The common case of emit_piece(): a whole word that swar_word() takes,
 * not after a lone apostrophe, not continuing a hyphenated word. Returns
 * false (having stored nothing that counts) for anything else.
 */
static inline bool emit_word(struct dt_tokens *s, size_t i)
{
    struct dt_ev *e = s->tail;
    const struct dt_lexicon *lex = s->lex;
    bool adjacent = s->adjacent;
    struct word8 w;
    if (s->join_next || s->apos_end == i ||
        !swar_word((const unsigned char *)s->t, s->n, i, e->kbuf + 1, &w))
        return false;
    /* The tokeniser's state first: the byte stores below may alias it. */
    unsigned alpha = w.letters == w.len, shape = w.uppers == w.letters;
    unsigned cased = w.letters >= 2;
    push(s);
    s->words_cased += cased;
    s->words_upper += cased & shape;
    s->word_ev = e;
    s->adjacent = true;
    s->last_break = false;
    /* The byte after the word is in the text (it stopped the word); a
     * blank there changes nothing, so step over it too. */
    s->pos = i + w.len + (s->t[i + w.len] == ' ');
    e->node = dt_lex_find(lex, -1, e->kbuf + 1, w.len, w.hash);
    e->anode = -1;
    e->off = e->aoff = i;
    e->len = w.len;
    e->word_end = i + w.len;
    e->hash = w.hash;
    e->letters = (uint16_t)w.letters;
    e->keylen = (uint16_t)w.len;
    e->type = DT_EV_PIECE;
    e->contig = adjacent;
    e->joined = 0;
    e->word_start = 1;
    e->lead_apos = 0;
    e->alpha = (uint8_t)alpha;
    e->caps = (uint8_t)((w.letters >= 3) & shape & alpha);
    e->npieces = 1;
    lex_facts(s, e, true, w.letters, (unsigned)w.len - w.letters);
    return true;
}
#endif

static void emit_piece(struct dt_tokens *s, size_t i)
{
    struct dt_ev *e = push(s);
    const struct dt_lexicon *lex = s->lex;
    struct dt_piece pc;

    if (s->general)
        scan_piece_slow(s->t, s->n, i, e->kbuf + 1, &pc);
    else
        scan_piece(s->t, s->n, i, e->kbuf + 1, &pc);
    /* A piece has at least one byte of key: 0 means it did not fit. */
    bool fits = pc.keylen <= DT_LEX_KEY_MAX;
    e->type = DT_EV_PIECE;
    e->off = i;
    e->len = pc.end - i;
    e->lead_apos = s->apos_end == i;
    e->aoff = e->lead_apos ? s->apos_off : i;
    e->keylen = fits ? (uint16_t)pc.keylen : 0;
    e->hash = pc.hash;
    e->node = fits ? dt_lex_find(lex, -1, e->kbuf + 1, pc.keylen, pc.hash) : -1;
    e->anode = -1;
    if (e->lead_apos && fits && pc.keylen < DT_LEX_KEY_MAX) {
        e->kbuf[0] = '\'';
        e->anode =
            dt_lex_find(lex, -1, e->kbuf, pc.keylen + 1, dt_key_hash(e->kbuf, pc.keylen + 1));
    }
    lex_facts(s, e, fits, pc.letters, pc.digits);
    e->letters = pc.letters > 0xffff ? 0xffff : (uint16_t)pc.letters;
    e->alpha = pc.digits == 0;
    e->contig = s->adjacent;
    e->joined = s->join_next;
    e->word_start = !s->join_next;
    e->caps = 0;
    e->npieces = 0;
    if (e->word_start) {
        s->word_ev = e;
        s->w_letters = s->w_uppers = s->w_digits = s->w_pieces = 0;
    }
    s->w_letters += pc.letters;
    s->w_uppers += pc.uppers;
    s->w_digits += pc.digits;
    s->w_pieces++;
    s->adjacent = true;
    s->last_break = false;
    s->pos = pc.next;
    s->join_next = pc.joined_next && s->w_pieces < DT_TOK_WORD_PIECES;
    if (!s->join_next) {
        /* The word is complete: its first piece learns its shape. */
        struct dt_ev *w = s->word_ev;
        w->caps = (s->w_letters >= 3) & (s->w_uppers == s->w_letters) & (s->w_digits == 0);
        w->npieces = (uint8_t)s->w_pieces;
        w->word_end = pc.end;
        if (s->w_letters >= 2) {
            s->words_cased++;
            s->words_upper += s->w_uppers == s->w_letters;
        }
    }
}

static bool tok_word_at(const struct dt_tokens *s, size_t i)
{
    return word_at(s->t, s->n, i);
}

/* A run of ! and ? ("!!!", "?!", "‼", "!!!1"). Returns its end. */
static size_t excl_run(struct dt_tokens *s, size_t i, unsigned *excl)
{
    unsigned x = 0;
    while (i < s->n) {
        uint32_t cp;
        size_t len;
        enum dt_cc cc = dt_cc_at(s->t, s->n, i, &cp, &len);
        if (cc == DT_CC_EXCL || cc == DT_CC_EXQ)
            x++;
        else if (cc == DT_CC_EXCL2)
            x += 2;
        else if (cc != DT_CC_QUEST && !(cc == DT_CC_FORMAT && x > 0))
            break;
        i += len;
    }
    if (x > 0) {
        /* "!!!1" and "!!!11": the ones are part of the shout, not a number. */
        size_t j = i;
        while (j < s->n && s->t[j] == '1')
            j++;
        if (j > i && !tok_word_at(s, j))
            i = j;
    }
    *excl = x;
    return i;
}

static bool emit_break(struct dt_tokens *s)
{
    s->adjacent = false;
    s->join_next = false;
    if (s->last_break)
        return false;
    s->last_break = true;
    push(s)->type = DT_EV_BREAK;
    return true;
}

/* Produce the next event into the ring; false at the end of the text. */
static bool produce(struct dt_tokens *s)
{
    while (s->pos < s->n) {
        size_t i = s->pos, len;
        unsigned char c = (unsigned char)s->t[i];
        /* Fast paths for the two commonest bytes: a blank and a letter. */
        if (c == ' ') {
            s->pos++;
            continue;
        }
        if (fold[c]) {
#ifdef SWAR
            if (!s->general && emit_word(s, i))
                return true;
#endif
            emit_piece(s, i);
            return true;
        }
        uint32_t cp;
        enum dt_cc cc = dt_cc_at(s->t, s->n, i, &cp, &len);
        switch (cc) {
        case DT_CC_LOWER:
        case DT_CC_UPPER:
        case DT_CC_DIGIT:
            emit_piece(s, i);
            return true;
        case DT_CC_SPACE:
        case DT_CC_FORMAT:
        case DT_CC_MARK:
            s->pos += len;
            continue;
        case DT_CC_APOS:
            s->pos += len;
            if (tok_word_at(s, s->pos)) {
                s->apos_off = i;
                s->apos_end = s->pos;
            } else {
                s->adjacent = false;
            }
            continue;
        case DT_CC_NL:
            s->pos += len;
            if (emit_break(s))
                return true;
            continue;
        case DT_CC_DOT:
            s->pos += len;
            /* "e.g", "3.5", "example.com" do not end a sentence. */
            if (cp == '.' && tok_word_at(s, s->pos)) {
                s->adjacent = false;
                continue;
            }
            if (emit_break(s))
                return true;
            continue;
        case DT_CC_EXCL:
        case DT_CC_EXCL2:
        case DT_CC_EXQ:
        case DT_CC_QUEST: {
            unsigned excl;
            s->pos = excl_run(s, i, &excl);
            if (excl == 0) {
                if (emit_break(s))
                    return true;
                continue;
            }
            struct dt_ev *e = push(s);
            e->type = DT_EV_EXCL;
            e->off = i;
            e->len = s->pos - i;
            e->excl = excl;
            s->adjacent = false;
            s->join_next = false;
            s->last_break = true; /* a '!' run ends the sentence too */
            return true;
        }
        case DT_CC_EMOJI: {
            struct dt_ev *e = push(s);
            size_t keylen, first;
            s->pos = dt_scan_emoji(s->t, s->n, i, e->kbuf, &keylen, &first);
            e->type = DT_EV_EMOJI;
            e->off = i;
            e->len = s->pos - i;
            e->node = keylen <= DT_EMOJI_KEY_MAX
                          ? dt_lex_find(s->lex, -1, e->kbuf, keylen, dt_key_hash(e->kbuf, keylen))
                          : -1;
            e->anode = -1;
            if (first < keylen) {
                /* A sequence not listed counts as its first emoji. */
                char one[4 + DT_KEY_PAD] = {0};
                memcpy(one, e->kbuf, first);
                e->anode = dt_lex_find(s->lex, -1, one, first, dt_key_hash(one, first));
            }
            s->adjacent = false;
            s->join_next = false;
            s->last_break = false;
            return true;
        }
        default: /* punctuation, symbols, lone hyphens, invalid bytes */
            s->pos += len;
            s->adjacent = false;
            continue;
        }
    }
    return false;
}

void dt_tokens_init(struct dt_tokens *s, const struct dt_lexicon *lex, const char *t, size_t n)
{
    static const uint8_t none[256];
    memset(s, 0, sizeof(*s));
    s->lex = lex;
    /* No prefixes, no bits: the glue test needs no lexicon then. */
    s->prefix_first = lex != NULL ? lex->prefix_first : none;
    s->t = t;
    s->n = n;
    s->apos_end = SIZE_MAX;
    s->tail = s->ring;
}

void dt_tokens_init_general(struct dt_tokens *s, const struct dt_lexicon *lex, const char *t,
                            size_t n)
{
    dt_tokens_init(s, lex, t, n);
    s->general = true;
}

size_t dt_tokens_fill(struct dt_tokens *s)
{
    while (s->count < DT_TOK_RING && produce(s))
        ;
    /* A full ring may have more text behind it: keep the lookahead. */
    return s->count < DT_TOK_RING ? s->count : DT_TOK_RING - (DT_TOK_LOOKAHEAD - 1);
}
