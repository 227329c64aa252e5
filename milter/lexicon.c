/*
 * lexicon.c - load weighted words and phrases into one multi-language
 * lexicon (see lexicon.h for the file format, lexicon_int.h for the
 * hashed trie it is stored in).
 *
 * Public: dt_lexicon_new(), dt_lexicon_free(), dt_lexicon_add(),
 * dt_lexicon_langs(), dt_lexicon_size(), dt_kind_name(); for the scorer
 * (lexicon_int.h) dt_lex_glued().
 *
 * dt_lexicon_add() is all or nothing: the buffer is parsed and checked
 * completely, and every allocation the entries need is made, before the
 * first entry is stored. So a bad line ("<name>:<line>: <reason>") or a
 * failed allocation leaves the lexicon as it was. An entry repeated in the
 * same language replaces the earlier one when both are of the same sort
 * (scoring kind or emoji; modifier; prefix; stopword; acronym): the later
 * line wins. A phrase may carry one sense of each sort ("so" can be a
 * stopword and an intensifier). A loaded lexicon is never written again, so
 * any number of threads may score with it.
 */
#include "lexicon_int.h"

#include <stdlib.h>
#include <string.h>

static const char *const kind_names[DT_KIND_COUNT] = {
    "hype",   "superlative", "excitement", "pressure", "intensifier", "negator", "dampener",
    "prefix", "stopword",    "acronym",    "emoji",    "hesitation",  "nextstep",
    "relief", "excl",        "caps",
};

const char *dt_kind_name(enum dt_kind kind)
{
    return (unsigned)kind < DT_KIND_COUNT ? kind_names[kind] : "unknown";
}

struct dt_lexicon *dt_lexicon_new(void)
{
    return calloc(1, sizeof(struct dt_lexicon));
}

void dt_lexicon_free(struct dt_lexicon *lex)
{
    if (lex == NULL)
        return;
    free(lex->nodes);
    free(lex->senses);
    free(lex->slots);
    free(lex->pool);
    free(lex->prefixes);
    free(lex);
}

/* One parsed line. */
struct entry {
    enum dt_kind kind;
    double weight;
    size_t n;                                /* pieces */
    char key[DT_LEX_PHRASE_MAX][DT_KEY_BUF]; /* lower-cased, "'" first for 't */
    size_t keylen[DT_LEX_PHRASE_MAX];
    unsigned letters[DT_LEX_PHRASE_MAX];
};

/* A weight: digits with an optional fraction, 0..10. No locale, no strtod. */
static int parse_weight(const char *s, size_t len, double *out)
{
    uint64_t mant = 0;
    size_t i = 0, digits = 0, frac = 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++)
        if (digits < 15)
            mant = mant * 10 + (uint64_t)(s[i] - '0');
        else
            return -1;
    if (i < len && s[i] == '.') {
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, frac++, digits++) {
            if (digits >= 15)
                return -1;
            mant = mant * 10 + (uint64_t)(s[i] - '0');
        }
        if (frac == 0)
            return -1;
    }
    if (i != len || digits == 0)
        return -1;
    double div = 1;
    for (size_t f = 0; f < frac; f++)
        div *= 10;
    *out = (double)mant / div;
    return *out <= 10 ? 0 : -1;
}

static int parse_kind(const char *s, size_t len, enum dt_kind *out)
{
    for (int k = 0; k <= DT_KIND_RELIEF; k++)
        if (strlen(kind_names[k]) == len && memcmp(kind_names[k], s, len) == 0) {
            *out = (enum dt_kind)k;
            return 0;
        }
    return -1;
}

static bool is_scoring(enum dt_kind k)
{
    return k <= DT_KIND_PRESSURE || k == DT_KIND_EMOJI || dt_kind_is_tone(k);
}

/* Cut a phrase into pieces exactly as dt_euphoria_score cuts text. */
static const char *parse_words(const char *ph, size_t len, struct entry *e)
{
    size_t i = 0;
    bool joined = false;
    e->n = 0;
    while (i < len) {
        uint32_t cp;
        size_t cl;
        enum dt_cc cc = dt_cc_at(ph, len, i, &cp, &cl);
        if (cc == DT_CC_SPACE && !joined) {
            i += cl;
            continue;
        }
        size_t lead = 0;
        if (cc == DT_CC_APOS && !joined && i + cl < len) {
            lead = 1;
            i += cl;
            cc = dt_cc_at(ph, len, i, &cp, &cl);
        }
        if (!dt_cc_word(cc))
            return "may hold only letters, digits, ' and -";
        if (e->n == DT_LEX_PHRASE_MAX)
            return "longer than 6 words";
        struct dt_piece pc;
        char *key = e->key[e->n];
        dt_scan_piece(ph, len, i, key + lead, &pc);
        if (lead)
            key[0] = '\'';
        e->keylen[e->n] = pc.keylen + lead;
        e->letters[e->n] = pc.letters;
        e->n++;
        joined = pc.joined_next;
        i = pc.next;
        /* After a piece: a space, the end, or (joined) the next piece. */
        if (!joined && i < len && dt_cc_at(ph, len, i, &cp, &cl) != DT_CC_SPACE)
            return "may hold only letters, digits, ' and -";
    }
    return e->n ? NULL : "may hold only letters, digits, ' and -";
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/*
 * Parse line [s, s+len) into e. Returns 1 for an entry, 0 for a blank or
 * comment line, -1 with the reason in err.
 */
static int parse_line(const char *s, size_t len, const char *name, unsigned lineno, struct entry *e,
                      struct dt_error *err)
{
    if (!dt_utf8_valid(s, len))
        return dt_error_set(err, "%s:%u: invalid UTF-8", name, lineno);
    const char *hash = memchr(s, '#', len);
    if (hash)
        len = (size_t)(hash - s);
    while (len > 0 && (is_space(s[len - 1]) || s[len - 1] == '\r'))
        len--;
    while (len > 0 && is_space(*s))
        s++, len--;
    if (len == 0)
        return 0;

    /* The last two fields are weight and kind; the rest is the phrase. */
    const char *f[3];
    size_t fl[3], end = len;
    for (int k = 2; k >= 1; k--) {
        size_t b = end;
        while (b > 0 && !is_space(s[b - 1]))
            b--;
        if (b == 0)
            return dt_error_set(err, "%s:%u: missing fields (want: <phrase> <weight> <kind>)", name,
                                lineno);
        f[k] = s + b;
        fl[k] = end - b;
        end = b;
        while (end > 0 && is_space(s[end - 1]))
            end--;
    }
    f[0] = s;
    fl[0] = end;

    if (parse_weight(f[1], fl[1], &e->weight) < 0)
        return dt_error_set(err, "%s:%u: weight \"%.*s\" is not a number in 0..10", name, lineno,
                            (int)(fl[1] > 40 ? 40 : fl[1]), f[1]);
    if (parse_kind(f[2], fl[2], &e->kind) < 0)
        return dt_error_set(err, "%s:%u: unknown kind \"%.*s\"", name, lineno,
                            (int)(fl[2] > 40 ? 40 : fl[2]), f[2]);

    /* The phrase with its inner blanks squeezed to one space. */
    char phrase[DT_LEX_BYTES_MAX + 1];
    size_t pl = 0;
    for (size_t i = 0; i < fl[0]; i++) {
        if (is_space(f[0][i]) && is_space(f[0][i - 1]))
            continue;
        if (pl == DT_LEX_BYTES_MAX)
            return dt_error_set(err, "%s:%u: phrase longer than %d bytes", name, lineno,
                                DT_LEX_BYTES_MAX);
        phrase[pl++] = is_space(f[0][i]) ? ' ' : f[0][i];
    }

    if (e->kind == DT_KIND_EMOJI) {
        uint32_t cp;
        size_t cl, keylen, first;
        if (dt_cc_at(phrase, pl, 0, &cp, &cl) != DT_CC_EMOJI ||
            dt_scan_emoji(phrase, pl, 0, e->key[0], &keylen, &first) != pl ||
            keylen > DT_EMOJI_KEY_MAX)
            return dt_error_set(err, "%s:%u: emoji entry \"%.*s\" is not one emoji", name, lineno,
                                (int)(pl > 40 ? 40 : pl), phrase);
        e->n = 1;
        e->keylen[0] = keylen;
        e->letters[0] = 0;
    } else {
        const char *why = parse_words(phrase, pl, e);
        if (why)
            return dt_error_set(err, "%s:%u: phrase \"%.*s\" %s", name, lineno,
                                (int)(pl > 40 ? 40 : pl), phrase, why);
    }

    const char *kn = kind_names[e->kind];
    if ((is_scoring(e->kind) || e->kind == DT_KIND_PREFIX) && !(e->weight > 0))
        return dt_error_set(err, "%s:%u: %s weight must be above 0", name, lineno, kn);
    if (e->kind == DT_KIND_INTENSIFIER && e->weight < 1)
        return dt_error_set(err, "%s:%u: intensifier weight must be at least 1", name, lineno);
    if (e->kind == DT_KIND_DAMPENER && e->weight >= 1)
        return dt_error_set(err, "%s:%u: dampener weight must be below 1", name, lineno);
    if ((e->kind == DT_KIND_PREFIX || e->kind == DT_KIND_STOPWORD || e->kind == DT_KIND_ACRONYM) &&
        e->n != 1)
        return dt_error_set(err, "%s:%u: %s entry must be one word", name, lineno, kn);
    return 1;
}

/* Grow *p (of *cap elements of size) to hold need elements. */
static int reserve(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 16;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * size);
    if (q == NULL)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

/* Make room for nodes more nodes (table at most half full), senses, bytes, prefixes. */
static int reserve_all(struct dt_lexicon *lex, size_t nodes, size_t senses, size_t bytes,
                       size_t prefixes)
{
    size_t want = lex->n_nodes + nodes;
    if (reserve((void **)&lex->nodes, &lex->cap_nodes, want, sizeof(*lex->nodes)) < 0 ||
        reserve((void **)&lex->senses, &lex->cap_senses, lex->n_senses + senses,
                sizeof(*lex->senses)) < 0 ||
        reserve((void **)&lex->pool, &lex->pool_cap, lex->pool_len + bytes, 1) < 0 ||
        reserve((void **)&lex->prefixes, &lex->cap_prefixes, lex->n_prefixes + prefixes,
                sizeof(*lex->prefixes)) < 0)
        return -1;
    size_t slots = lex->slots ? lex->mask + 1 : 0;
    if (want * 2 <= slots)
        return 0;
    size_t n = 64;
    while (n < want * 2)
        n *= 2;
    struct dt_lex_slot *t = malloc(n * sizeof(*t));
    if (t == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        t[i].node = -1;
    for (size_t id = 0; id < lex->n_nodes; id++) {
        size_t i = lex->nodes[id].hash & (n - 1);
        while (t[i].node >= 0)
            i = (i + 1) & (n - 1);
        t[i].hash = lex->nodes[id].hash;
        t[i].node = (int32_t)id;
    }
    free(lex->slots);
    lex->slots = t;
    lex->mask = n - 1;
    return 0;
}

/* Bytes a key takes in the pool: padded for 8-byte compares. */
static size_t pool_bytes(size_t len)
{
    return (len + 7) & ~(size_t)7;
}

/* The node for key under parent, created if new (room was reserved). */
static int32_t node_get(struct dt_lexicon *lex, int32_t parent, const char *key, size_t len,
                        unsigned letters)
{
    uint32_t kh = dt_key_hash(key, len);
    int32_t id = dt_lex_find(lex, parent, key, len, kh);
    if (id >= 0)
        return id;
    uint32_t h = dt_lex_hash(parent, kh);
    size_t i = h & lex->mask;
    while (lex->slots[i].node >= 0)
        i = (i + 1) & lex->mask;
    id = (int32_t)lex->n_nodes++;
    struct dt_lex_node *n = &lex->nodes[id];
    memset(n, 0, sizeof(*n));
    n->hash = h;
    n->parent = parent;
    n->key_off = (uint32_t)lex->pool_len;
    n->key_len = (uint16_t)len;
    n->first_sense = -1;
    n->letters = (uint16_t)letters;
    memcpy(lex->pool + lex->pool_len, key, len);
    memset(lex->pool + lex->pool_len + len, 0, pool_bytes(len) - len);
    lex->pool_len += pool_bytes(len);
    lex->slots[i].hash = h;
    lex->slots[i].node = id;
    if (parent >= 0) {
        lex->nodes[parent].has_children = 1;
        uint32_t b = dt_lex_filter_bit(h);
        lex->child_filter[b >> 3] |= (uint8_t)(1u << (b & 7));
    } else {
        uint32_t b = dt_lex_filter_bit(kh);
        lex->first_filter[b >> 3] |= (uint8_t)(1u << (b & 7));
    }
    return id;
}

static struct dt_lex_sense *sense_get(struct dt_lexicon *lex, int32_t node, unsigned lang)
{
    struct dt_lex_node *n = &lex->nodes[node];
    for (int32_t s = n->first_sense; s >= 0; s = lex->senses[s].next)
        if (lex->senses[s].lang == lang)
            return &lex->senses[s];
    int32_t id = (int32_t)lex->n_senses++;
    struct dt_lex_sense *s = &lex->senses[id];
    memset(s, 0, sizeof(*s));
    s->lang = (uint8_t)lang;
    s->score_kind = DT_LEX_NOKIND;
    s->mod_kind = DT_LEX_NOKIND;
    s->next = n->first_sense;
    n->first_sense = id;
    n->langmask |= (uint16_t)(1u << lang);
    return s;
}

static void add_prefix(struct dt_lexicon *lex, int32_t node, unsigned lang, double weight)
{
    for (size_t i = 0; i < lex->n_prefixes; i++)
        if (lex->prefixes[i].node == node && lex->prefixes[i].lang == lang) {
            lex->prefixes[i].weight = weight;
            return;
        }
    /* Keep the longest keys first: the longest prefix wins. */
    size_t len = lex->nodes[node].key_len, at = lex->n_prefixes;
    while (at > 0 && lex->nodes[lex->prefixes[at - 1].node].key_len < len)
        at--;
    memmove(lex->prefixes + at + 1, lex->prefixes + at,
            (lex->n_prefixes - at) * sizeof(*lex->prefixes));
    const struct dt_lex_node *n = &lex->nodes[node];
    struct dt_lex_prefix *pr = &lex->prefixes[at];
    *pr = (struct dt_lex_prefix){.node = node,
                                 .lang = (uint8_t)lang,
                                 .weight = weight,
                                 .key_len = n->key_len,
                                 .letters = n->letters};
    /* The pool pads keys with zeros to whole 8-byte chunks. */
    memcpy(&pr->head, lex->pool + n->key_off, 8);
    pr->head_mask = len >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * len)) - 1;
    lex->n_prefixes++;
    lex->prefix_first[(unsigned char)lex->pool[n->key_off]] = 1;
}

/* Store one checked entry. Returns 1 if it is new, 0 if it replaced one. */
static int store(struct dt_lexicon *lex, unsigned lang, const struct entry *e)
{
    int32_t node = -1;
    for (size_t i = 0; i < e->n; i++)
        node = node_get(lex, node, e->key[i], e->keylen[i], e->letters[i]);
    struct dt_lex_sense *s = sense_get(lex, node, lang);
    int fresh = 1;
    switch (e->kind) {
    case DT_KIND_INTENSIFIER:
    case DT_KIND_NEGATOR:
    case DT_KIND_DAMPENER:
        fresh = s->mod_kind == DT_LEX_NOKIND;
        s->mod_kind = (uint8_t)e->kind;
        s->mod_w = e->weight;
        break;
    case DT_KIND_PREFIX:
        fresh = !(s->flags & DT_SENSE_PREFIX);
        s->flags |= DT_SENSE_PREFIX;
        s->prefix_w = e->weight;
        add_prefix(lex, node, lang, e->weight);
        break;
    case DT_KIND_STOPWORD:
        fresh = !(s->flags & DT_SENSE_STOP);
        s->flags |= DT_SENSE_STOP;
        break;
    case DT_KIND_ACRONYM:
        fresh = !(s->flags & DT_SENSE_ACRONYM);
        s->flags |= DT_SENSE_ACRONYM;
        break;
    default: /* scoring kinds and emoji */
        fresh = s->score_kind == DT_LEX_NOKIND;
        s->score_kind = (uint8_t)e->kind;
        s->score_w = e->weight;
        break;
    }
    /* The masks let the scorer skip a node without reading its senses. */
    struct dt_lex_node *n = &lex->nodes[node];
    uint16_t bit = (uint16_t)(1u << lang);
    if (s->score_kind != DT_LEX_NOKIND || s->mod_kind != DT_LEX_NOKIND)
        n->actmask |= bit;
    if (s->flags & DT_SENSE_STOP)
        n->stopmask |= bit;
    if (s->flags & DT_SENSE_ACRONYM)
        n->acromask |= bit;
    if (s->flags & DT_SENSE_PREFIX)
        n->prefixmask |= bit;
    n->hotmask = n->actmask | n->prefixmask;
    return fresh;
}

static bool lang_ok(const char *lang)
{
    if (lang == NULL)
        return false;
    if (strcmp(lang, "*") == 0)
        return true;
    size_t n = strlen(lang);
    if (n < 2 || n > 3)
        return false;
    for (size_t i = 0; i < n; i++)
        if (lang[i] < 'a' || lang[i] > 'z')
            return false;
    return true;
}

static int lang_index(const struct dt_lexicon *lex, const char *lang)
{
    if (strcmp(lang, "*") == 0)
        return DT_LEX_ANY;
    for (size_t i = 0; i < lex->n_langs; i++)
        if (strcmp(lex->langs[i], lang) == 0)
            return (int)i;
    return -1;
}

/* What a pass over a buffer found (pass 1) or stored (pass 2). */
struct pass {
    size_t entries, pieces, bytes, prefixes;
};

/*
 * Parse every line of buf. With into == NULL only check and count (pass 1);
 * else store the entries into it (pass 2, which cannot fail: same input).
 */
static int scan_buffer(struct dt_lexicon *into, int lang, const char *name, const char *buf,
                       size_t len, struct entry *e, struct pass *ps, struct dt_error *err)
{
    size_t pos = 0;
    unsigned lineno = 0;
    /* A UTF-8 byte order mark is not part of the first word. */
    if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
        pos = 3;
    while (pos < len) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - buf) : len;
        lineno++;
        int rc = parse_line(buf + pos, end - pos, name, lineno, e, err);
        if (rc < 0)
            return -1;
        if (rc > 0 && into == NULL) {
            ps->entries++;
            ps->pieces += e->n;
            for (size_t i = 0; i < e->n; i++)
                ps->bytes += pool_bytes(e->keylen[i]);
            ps->prefixes += e->kind == DT_KIND_PREFIX;
        } else if (rc > 0) {
            ps->entries += (size_t)store(into, (unsigned)lang, e);
        }
        pos = end + 1;
    }
    return 0;
}

int dt_lexicon_add(struct dt_lexicon *lex, const char *lang, const char *name, const char *buf,
                   size_t len, struct dt_error *err)
{
    if (name == NULL)
        name = "lexicon";
    if (lex == NULL)
        return dt_error_set(err, "%s: no lexicon", name);
    if (!lang_ok(lang))
        return dt_error_set(err, "%s: bad language \"%.8s\" (two letters or *)", name,
                            lang ? lang : "");
    int li = lang_index(lex, lang);
    if (li < 0 && lex->n_langs == DT_MAX_LANGS)
        return dt_error_set(err, "%s: too many languages (at most %d)", name, DT_MAX_LANGS);
    if (buf == NULL)
        len = 0;

    /* Pass 1 checks every line and sizes what pass 2 will store. */
    struct entry *e = malloc(sizeof(*e));
    if (e == NULL)
        return dt_error_set(err, "%s: out of memory", name);
    struct pass need = {0, 0, 0, 0}, added = {0, 0, 0, 0};
    if (scan_buffer(NULL, 0, name, buf, len, e, &need, err) < 0) {
        free(e);
        return -1;
    }
    if (reserve_all(lex, need.pieces, need.entries, need.bytes, need.prefixes) < 0) {
        free(e);
        return dt_error_set(err, "%s: out of memory", name);
    }
    if (li < 0) {
        li = (int)lex->n_langs++;
        memcpy(lex->langs[li], lang, strlen(lang) + 1);
    }
    scan_buffer(lex, li, name, buf, len, e, &added, err);
    lex->size[li] += added.entries;
    free(e);
    return 0;
}

/* Longest prefixes come first, but any match will do. */
bool dt_lex_glued(const struct dt_lexicon *lex, const char *key, size_t keylen, unsigned letters)
{
    uint64_t k8;
    memcpy(&k8, key, 8);
    for (size_t i = 0; i < lex->n_prefixes; i++) {
        const struct dt_lex_prefix *pr = &lex->prefixes[i];
        if (pr->key_len < keylen && letters >= pr->letters + 3u &&
            ((k8 ^ pr->head) & pr->head_mask) == 0 &&
            (pr->key_len <= 8 ||
             memcmp(key, lex->pool + lex->nodes[pr->node].key_off, pr->key_len) == 0))
            return true;
    }
    return false;
}

size_t dt_lexicon_langs(const struct dt_lexicon *lex, const char **langs, size_t max)
{
    size_t n = 0;
    for (; lex != NULL && n < lex->n_langs && n < max; n++)
        langs[n] = lex->langs[n];
    return n;
}

size_t dt_lexicon_size(const struct dt_lexicon *lex, const char *lang)
{
    if (lex == NULL || lang == NULL)
        return 0;
    int li = lang_index(lex, lang);
    return li < 0 ? 0 : lex->size[li];
}
