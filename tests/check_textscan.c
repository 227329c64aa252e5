/*
 * check_textscan.c - the tokeniser's two paths give the same events.
 *
 * textscan.c cuts plain ASCII words eight bytes at a time (swar_word,
 * emit_word) and everything else with the general scanner, and promises
 * that both give the same events (lexicon_int.h). Like SQLite's bitvec
 * test, which runs the bit vector beside a plain array, this suite runs the
 * tokeniser as the scorer does (dt_tokens_init) beside one that takes the
 * general path for every piece (dt_tokens_init_general), on random texts,
 * and demands the same event stream: every field that lexicon_int.h says
 * is valid for the event's type, the key bytes with their zero padding,
 * and the word counts at the end.
 *
 * The texts (0..300 bytes) are cut from a seeded PRNG: phrases of the
 * shipped lexicons in random case (so lookups, prefixes, apostrophes and
 * hyphens hit real entries), ASCII words of lengths around multiples of
 * eight and past the longest key, digits, apostrophes and hyphens inside
 * and outside words, punctuation and '!' runs, letters of other scripts
 * (é ß Ä İ, combining marks), emoji sequences, invisible format characters
 * and invalid bytes, glued together or not, and cut at the target length
 * (so often inside a UTF-8 sequence). Each text is its own malloc'ed block
 * of exactly its length, so a read past the end shows under ASan.
 *
 * On the first difference the test fails with the text's seed and the text
 * as a C string. DT_TEXTSCAN_SEED=<seed> DT_TEXTSCAN_COUNT=1 runs exactly
 * that text again; DT_TEXTSCAN_COUNT=N runs more (default 50000).
 */
#include <check.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../milter/lexicon_int.h"
#include "dealtemp/lexicon.h"
#include "testutil.h"

#define TEXT_MAX 300        /* longest random text, bytes */
#define DEFAULT_COUNT 50000 /* texts per run */
#define DEFAULT_SEED 0x5eedf00dULL

/* ---------------------------------------------------------------- PRNG */

/* splitmix64: one 64-bit state, every seed a good stream. */
static uint64_t rnd(uint64_t *st)
{
    uint64_t z = (*st += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static unsigned below(uint64_t *st, unsigned n)
{
    return (unsigned)(rnd(st) % n);
}

/* ---------------------------------------------------------------- vocabulary */

static struct dt_lexicon *lex;
static char **vocab; /* the phrases of the shipped lexicons */
static size_t n_vocab;

/* Add the phrase of every entry of a lexicon file: the line without its
 * last two fields (weight and kind). */
static void vocab_add(const char *text)
{
    const char *line = text;
    while (*line) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char buf[256];
        if (len > 0 && len < sizeof(buf) && line[0] != '#') {
            memcpy(buf, line, len);
            buf[len] = '\0';
            size_t n = len;
            for (int field = 0; field < 2 && n > 0; field++) {
                while (n > 0 && isspace((unsigned char)buf[n - 1]))
                    n--;
                while (n > 0 && !isspace((unsigned char)buf[n - 1]))
                    n--;
            }
            while (n > 0 && isspace((unsigned char)buf[n - 1]))
                n--;
            if (n > 0) {
                char **v = realloc(vocab, (n_vocab + 1) * sizeof(*v));
                ck_assert_ptr_nonnull(v);
                vocab = v;
                vocab[n_vocab] = strndup(buf, n);
                ck_assert_ptr_nonnull(vocab[n_vocab]);
                n_vocab++;
            }
        }
        line = end ? end + 1 : line + len;
    }
}

static void setup(void)
{
    static const char *const files[][2] = {{"en", "conf/lexicons/en.txt"},
                                           {"nl", "conf/lexicons/nl.txt"},
                                           {"de", "conf/lexicons/de.txt"},
                                           {"fr", "conf/lexicons/fr.txt"},
                                           {"*", "conf/lexicons/common.txt"}};
    struct dt_error err = {{0}};
    lex = dt_lexicon_new();
    ck_assert_ptr_nonnull(lex);
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        size_t n;
        char *text = dt_test_slurp(files[i][1], &n);
        ck_assert_msg(dt_lexicon_add(lex, files[i][0], files[i][1], text, n, &err) == 0, "%s",
                      err.msg);
        vocab_add(text);
        free(text);
    }
    ck_assert_uint_gt(n_vocab, 1000);
}

static void teardown(void)
{
    for (size_t i = 0; i < n_vocab; i++)
        free(vocab[i]);
    free(vocab);
    vocab = NULL;
    n_vocab = 0;
    dt_lexicon_free(lex);
    lex = NULL;
}

/* ---------------------------------------------------------------- random text */

/* Fragments that are not ASCII words: what the general path is for. */
static const char *const SEPARATORS[] = {" ",
                                         " ",
                                         " ",
                                         "  ",
                                         "\t",
                                         "\n",
                                         "\r\n",
                                         "\n\n",
                                         "\xc2\xa0" /* NBSP */,
                                         "\xe2\x80\x83" /* em space */,
                                         "\xe2\x80\xa8" /* line separator */};
static const char *const PUNCT[] = {".",
                                    ",",
                                    ";",
                                    ":",
                                    "?",
                                    "!",
                                    "!!",
                                    "!!!",
                                    "!!!1",
                                    "!!!11x",
                                    "?!",
                                    "!?!",
                                    "(",
                                    ")",
                                    "\"",
                                    "/",
                                    "@",
                                    "#",
                                    "&",
                                    "-",
                                    "--",
                                    " - ",
                                    "'",
                                    "''",
                                    "`",
                                    "e.g.",
                                    "3.5",
                                    "example.com",
                                    "...",
                                    "\xe2\x80\xa6" /* … */,
                                    "\xe2\x80\xbc" /* ‼ */,
                                    "\xe2\x81\x89" /* ⁉ */,
                                    "\xef\xbc\x81" /* ！ */,
                                    "\xef\xbc\x9f" /* ？ */,
                                    "\xe2\x80\xbd" /* ‽ */};
static const char *const JOINERS[] = {"'",
                                      "-",
                                      "\xe2\x80\x99" /* ’ */,
                                      "\xe2\x80\x98" /* ‘ */,
                                      "\xca\xbc" /* ʼ */,
                                      "\xe2\x80\x90" /* ‐ */,
                                      "\xe2\x80\x91" /* ‑ */,
                                      "\xc2\xad" /* soft hyphen */,
                                      "\xe2\x80\x8d" /* ZWJ */,
                                      "\xe2\x80\x8c" /* ZWNJ */,
                                      "\xe2\x80\x8b" /* ZWSP */,
                                      "\xef\xbb\xbf" /* BOM */};
static const char *const LETTERS[] = {"\xc3\xa9" /* é */,
                                      "\xc3\x89" /* É */,
                                      "\xc3\x9f" /* ß */,
                                      "\xc3\x84" /* Ä */,
                                      "\xc3\xa4" /* ä */,
                                      "\xc4\xb0" /* İ */,
                                      "\xc4\xb1" /* ı */,
                                      "\xc5\x93" /* œ */,
                                      "\xc7\x85" /* ǅ */,
                                      "\xce\xa3" /* Σ */,
                                      "\xcf\x82" /* ς */,
                                      "\xd0\x9f\xd1\x80\xd0\xb8" /* При */,
                                      "e\xcc\x81" /* e + combining acute */,
                                      "\xcc\x88" /* lone combining diaeresis */,
                                      "\xef\xac\x81" /* ﬁ */,
                                      "\xe6\x97\xa5\xe6\x9c\xac" /* 日本 */,
                                      "\xd9\x85\xd8\xb1" /* Arabic */,
                                      "\xe1\xba\x9e" /* ẞ */,
                                      "\xe2\x85\xa0" /* Ⅰ */,
                                      "\xf0\x9d\x90\x80" /* 𝐀 */};
static const char *const EMOJI[] = {
    "\xf0\x9f\x9a\x80" /* 🚀 */,
    "\xf0\x9f\x8e\x89" /* 🎉 */,
    "\xf0\x9f\xa5\x82" /* 🥂 */,
    "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd" /* 👍🏽 */,
    "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x92\xbb" /* 👨‍💻 */,
    "\xf0\x9f\x87\xb3\xf0\x9f\x87\xb1" /* 🇳🇱 */,
    "\xf0\x9f\x87\xb3" /* lone regional */,
    "\xe2\x9d\xa4\xef\xb8\x8f" /* ❤️ */,
    "1\xef\xb8\x8f\xe2\x83\xa3" /* 1️⃣ */,
    "\xe2\x98\xba" /* ☺ */,
    "\xf0\x9f\x94\xa5\xf0\x9f\x94\xa5" /* 🔥🔥 */,
    "\xf0\x9f\x8f\xb4\xf3\xa0\x81\xa7\xf3\xa0\x81\xa2\xf3\xa0\x81\xbf" /* flag + tags */,
    "\xe2\x80\x8d\xf0\x9f\x9a\x80" /* ZWJ then emoji */};
static const char *const INVALID[] = {
    "\x80",     "\xbf",         "\xc3",         "\xff",         "\xfe",
    "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf0\x9f\x9a", "\xf4\x90\x80\x80",
    "\xc3\x28", "\x01",         "\x7f"};

#define PICK(st, a) ((a)[below((st), sizeof(a) / sizeof((a)[0]))])

struct text {
    char buf[TEXT_MAX + 512]; /* room for the last fragment before the cut */
    size_t len;
};

static void put(struct text *t, const char *s, size_t n)
{
    if (t->len + n > sizeof(t->buf))
        n = sizeof(t->buf) - t->len;
    memcpy(t->buf + t->len, s, n);
    t->len += n;
}

static void puts_(struct text *t, const char *s)
{
    put(t, s, strlen(s));
}

/* A lexicon phrase as written, UPPER, Capitalised or in random case (ASCII
 * letters only: the other bytes stay as they are). */
static void put_phrase(struct text *t, uint64_t *st)
{
    const char *p = vocab[below(st, (unsigned)n_vocab)];
    unsigned mode = below(st, 4);
    size_t start = t->len;
    puts_(t, p);
    for (size_t i = start; i < t->len; i++) {
        unsigned char c = (unsigned char)t->buf[i];
        if (c >= 0x80)
            continue;
        if (mode == 1 || (mode == 2 && i == start) || (mode == 3 && below(st, 2)))
            t->buf[i] = (char)toupper(c);
    }
}

/* Lengths around the fast path's eight-byte rounds and the longest key. */
static size_t word_length(uint64_t *st)
{
    static const unsigned lens[] = {1,  2,  3,   4,   5,   6,   7,   8,   9,   10,
                                    11, 15, 16,  17,  23,  24,  25,  31,  32,  33,
                                    63, 64, 120, 126, 127, 128, 129, 135, 136, 200};
    return below(st, 3) ? 1 + below(st, 12) : PICK(st, lens);
}

/* An ASCII run: lower or upper case letters, mixed case, digits, or
 * letters and digits. */
static void put_word(struct text *t, uint64_t *st)
{
    static const char *const sets[] = {"abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                                       "0123456789"};
    size_t n = word_length(st);
    unsigned mode = below(st, 5); /* 0 lower, 1 upper, 2 mixed case, 3 digits, 4 alphanumeric */
    for (size_t i = 0; i < n; i++) {
        unsigned set = mode == 2 ? below(st, 2) : mode == 4 ? below(st, 3) : mode == 3 ? 2 : mode;
        put(t, &sets[set][below(st, set == 2 ? 10 : 26)], 1);
    }
}

/* One random text of 0..TEXT_MAX bytes into t. */
static void random_text(struct text *t, uint64_t *st)
{
    size_t want = below(st, TEXT_MAX + 1);
    t->len = 0;
    while (t->len < want) {
        unsigned r = below(st, 100);
        if (r < 22)
            put_phrase(t, st);
        else if (r < 42)
            put_word(t, st);
        else if (r < 62)
            puts_(t, PICK(st, SEPARATORS));
        else if (r < 72)
            puts_(t, PICK(st, PUNCT));
        else if (r < 80)
            puts_(t, PICK(st, JOINERS));
        else if (r < 88)
            puts_(t, PICK(st, LETTERS));
        else if (r < 94)
            puts_(t, PICK(st, EMOJI));
        else
            puts_(t, PICK(st, INVALID));
    }
    t->len = want; /* often inside a UTF-8 sequence */
}

/* ---------------------------------------------------------------- compare */

/* s[0..n) as the inside of a C string literal that can be pasted back:
 * a hex escape followed by a hex digit is closed with "" (C would read
 * the digit as part of the escape). */
static void escape(const char *s, size_t n, char *out, size_t size)
{
    size_t o = 0;
    bool hex = false;
    for (size_t i = 0; i < n && o + 7 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *named = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
        if (hex && isxdigit(c))
            o += (size_t)snprintf(out + o, size - o, "\"\"");
        hex = false;
        if (named != NULL) {
            o += (size_t)snprintf(out + o, size - o, "%s", named);
        } else if (c == '\\' || c == '"') {
            o += (size_t)snprintf(out + o, size - o, "\\%c", c);
        } else if (c >= 0x20 && c < 0x7f) {
            out[o++] = (char)c;
        } else {
            o += (size_t)snprintf(out + o, size - o, "\\x%02x", c);
            hex = true;
        }
    }
    out[o] = '\0';
}

#define SAME(field)                                                                                \
    do {                                                                                           \
        if (a->field != b->field) {                                                                \
            snprintf(why, size, "%s: fast %jd, general %jd", #field, (intmax_t)a->field,           \
                     (intmax_t)b->field);                                                          \
            return false;                                                                          \
        }                                                                                          \
    } while (0)

/* Are the fast path's event a and the general path's b the same, in every
 * field lexicon_int.h calls valid for their type? Else why says which. */
static bool same_event(const struct dt_ev *a, const struct dt_ev *b, char *why, size_t size)
{
    SAME(type);
    switch (a->type) {
    case DT_EV_PIECE:
        SAME(off);
        SAME(len);
        SAME(aoff);
        SAME(contig);
        SAME(joined);
        SAME(word_start);
        SAME(lead_apos);
        SAME(alpha);
        SAME(letters);
        SAME(keylen);
        SAME(hash);
        SAME(node);
        SAME(anode);
        SAME(glue);
        SAME(kids);
        SAME(hot);
        SAME(stop);
        if (a->word_start) { /* the word-level fields */
            SAME(caps);
            SAME(npieces);
            SAME(word_end);
        }
        /* The key and the zero padding the hashes read. */
        if (a->keylen > 0 && memcmp(a->kbuf + 1, b->kbuf + 1, a->keylen + DT_KEY_PAD) != 0) {
            char ka[6 * (DT_LEX_KEY_MAX + DT_KEY_PAD) + 1], kb[sizeof(ka)];
            escape(a->kbuf + 1, a->keylen + DT_KEY_PAD, ka, sizeof(ka));
            escape(b->kbuf + 1, b->keylen + DT_KEY_PAD, kb, sizeof(kb));
            snprintf(why, size, "key: fast \"%s\", general \"%s\"", ka, kb);
            return false;
        }
        break;
    case DT_EV_EMOJI:
        SAME(off);
        SAME(len);
        SAME(node);
        SAME(anode);
        break;
    case DT_EV_EXCL:
        SAME(off);
        SAME(len);
        SAME(excl);
        break;
    default: /* DT_EV_BREAK: nothing but the type */
        break;
    }
    return true;
}

/*
 * Tokenise t[0..n) both ways. Returns the number of events; on the first
 * difference fills why and returns SIZE_MAX.
 */
static size_t compare_paths(const struct dt_lexicon *l, const char *t, size_t n, char *why,
                            size_t size)
{
    static struct dt_tokens fast, general; /* a ring each: too big for a small stack */
    size_t events = 0;
    dt_tokens_init(&fast, l, t, n);
    dt_tokens_init_general(&general, l, t, n);
    for (;;) {
        size_t nf = dt_tokens_fill(&fast), ng = dt_tokens_fill(&general);
        if (nf != ng || fast.count != general.count) {
            snprintf(why, size,
                     "after %zu events: fast path has %zu ready (%zu in the ring), "
                     "general path %zu (%zu)",
                     events, nf, fast.count, ng, general.count);
            return SIZE_MAX;
        }
        if (nf == 0)
            break;
        for (size_t j = 0; j < nf; j++) {
            char what[2048];
            if (!same_event(dt_tokens_at(&fast, j), dt_tokens_at(&general, j), what,
                            sizeof(what))) {
                snprintf(why, size, "event %zu (type %u at byte %zu): %s", events + j,
                         (unsigned)dt_tokens_at(&fast, j)->type, dt_tokens_at(&fast, j)->off, what);
                return SIZE_MAX;
            }
        }
        for (size_t j = 0; j < nf; j++) {
            dt_tokens_pop(&fast);
            dt_tokens_pop(&general);
        }
        events += nf;
    }
    if (fast.words_cased != general.words_cased || fast.words_upper != general.words_upper) {
        snprintf(why, size, "word counts: fast %zu cased / %zu upper, general %zu / %zu",
                 fast.words_cased, fast.words_upper, general.words_cased, general.words_upper);
        return SIZE_MAX;
    }
    return events;
}

static uint64_t env_u64(const char *name, uint64_t dflt)
{
    const char *v = getenv(name);
    return v && *v ? strtoull(v, NULL, 0) : dflt;
}

/* count random texts from seed on, text i from seed + i: fail on the first
 * difference with that text's seed and the text. */
static void run_random(const struct dt_lexicon *l, uint64_t seed, uint64_t count)
{
    static struct text t;
    uint64_t events = 0, bytes = 0;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t st = seed + i;
        random_text(&t, &st);
        /* Exactly the text's bytes, nothing after them for a scanner to lean on. */
        char *copy = malloc(t.len ? t.len : 1);
        ck_assert_ptr_nonnull(copy);
        memcpy(copy, t.buf, t.len);
        char why[4096];
        size_t n = compare_paths(l, copy, t.len, why, sizeof(why));
        if (n == SIZE_MAX) {
            char esc[6 * TEXT_MAX + 1];
            escape(copy, t.len, esc, sizeof(esc));
            free(copy);
            ck_abort_msg("fast and general path differ: seed %" PRIu64 " (DT_TEXTSCAN_SEED=%" PRIu64
                         " DT_TEXTSCAN_COUNT=1), lexicon %s\n%s\ninput (%zu bytes): \"%s\"",
                         seed + i, seed + i, l ? "shipped" : "none", why, t.len, esc);
        }
        free(copy);
        events += n;
        bytes += t.len;
    }
    /* Not vacuous: the texts were cut into events. */
    ck_assert_msg(count < 100 || events > count, "%" PRIu64 " texts gave only %" PRIu64 " events",
                  count, events);
    fprintf(stderr,
            "check_textscan: %" PRIu64 " texts (%" PRIu64 " bytes, %" PRIu64
            " events) from seed %" PRIu64 ", lexicon %s: same events\n",
            count, bytes, events, seed, l ? "shipped" : "none");
}

START_TEST(random_texts_same_events)
{
    run_random(lex, env_u64("DT_TEXTSCAN_SEED", DEFAULT_SEED),
               env_u64("DT_TEXTSCAN_COUNT", DEFAULT_COUNT));
}
END_TEST

/* Without a lexicon nothing is found and nothing glues: the cutting alone
 * (the first quarter of the same texts). */
START_TEST(random_texts_same_events_without_lexicon)
{
    run_random(NULL, env_u64("DT_TEXTSCAN_SEED", DEFAULT_SEED),
               env_u64("DT_TEXTSCAN_COUNT", DEFAULT_COUNT) / 4 + 1);
}
END_TEST

/* The cases the random texts are meant to reach, written out once. */
START_TEST(known_texts_same_events)
{
    static const char *const texts[] = {
        "",
        "a",
        "abcdefgh",
        "abcdefgh ",
        "abcdefghi jklmnopq",
        "AMAZING call today!!! We are SO excited",
        "game-changer can't 't superblij Super-Excited",
        "caf\xc3\xa9 stra\xc3\x9f"
        "e \xc3\x84rger \xc4\xb0stanbul",
        "abcdefg\xc3\xa9 abcdefgh\xc3\xa9 abcdefghijklmno\xc3\xa9",
        "12345678 1234567890abcdef 3.5 e.g. example.com",
        "wow\xf0\x9f\x9a\x80\xf0\x9f\x9a\x80 great\xe2\x80\x99s done-",
        "x\x80y abcdefgh\xff abcdefgh\xc3",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa b",
        "a-b-c-d-e-f-g-h-i-j-k word'word' 'word wo\xc2\xadrd",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        size_t n = strlen(texts[i]);
        char *copy = malloc(n ? n : 1);
        ck_assert_ptr_nonnull(copy);
        memcpy(copy, texts[i], n);
        char why[4096], esc[6 * TEXT_MAX + 1];
        size_t events = compare_paths(lex, copy, n, why, sizeof(why));
        escape(copy, n, esc, sizeof(esc));
        free(copy);
        ck_assert_msg(events != SIZE_MAX, "text %zu \"%s\": %s", i, esc, why);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("textscan");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120); /* many texts; slower under the sanitizers */
    tcase_add_test(tc, known_texts_same_events);
    tcase_add_test(tc, random_texts_same_events);
    tcase_add_test(tc, random_texts_same_events_without_lexicon);
    suite_add_tcase(s, tc);
    return dt_test_run(s);
}
