/*
 * euphoria.c - score how euphoric a text is (see euphoria.h for the
 * formula, lexicon.h for what the lexicon holds).
 *
 * Public: dt_euphoria_score(), dt_score_summary(), dt_score_clear(),
 * dt_euphoria_defaults(), dt_score_round(), dt_level_of(), dt_level_name(),
 * dt_level_parse().
 *
 * One pass over the text: the tokeniser (textscan.c) fills a small ring of
 * events (word pieces already looked up in the lexicon, emoji, '!' runs,
 * sentence breaks) and the oldest events are scored while the ring holds
 * enough lookahead for the longest phrase and the longest hyphenated
 * word. Every candidate language is scored side by side
 * in that pass (one "scorer" each), and the language is chosen at the end,
 * so no text is read twice and nothing is allocated per word. Most pieces
 * mean nothing to any candidate (no lexicon node, a stopword, a phrase
 * start the next word does not continue): score_events() counts them and
 * moves on; the rest go through process_head(). Each scorer keeps at most
 * DT_EVIDENCE_MAX hits per view (see struct hit), so memory stays bounded
 * however long the text. The only allocations are the scan and the hit
 * lists; when one fails the call returns -1 with "out of memory" and
 * leaves *out empty. Nothing is global or mutable outside the call, so
 * threads may share one lexicon.
 */
#include "dealtemp/euphoria.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lexicon_int.h"

#define WINDOW 3     /* words a modifier reaches */
#define CLAUSE_LOOK 96 /* bytes after a negator searched for the end of its clause */
#define MULT_CAP 3.0 /* stacked intensifiers multiply up to this */
#define SHOUT_CAP 10 /* caps hits counted in a mostly upper-case text */

/* The evidence kept in text order is capped, and so is the number of caps
 * hits in a shouting text; whether a text shouts is known only at its
 * end. So every scorer keeps two views of its hits at once: all of them,
 * and the shouting one (caps hits after the first SHOUT_CAP left out), each
 * with its exact count and total (summed in text order, as one pass over
 * the kept hits would) and its first DT_EVIDENCE_MAX hits. */
enum { VIEW_ALL = 1, VIEW_SHOUT = 2 };

/* The modifier a hit was scored under: the factor and where its words are. */
struct mod {
    double mult; /* 1: none; 0: negated */
    size_t off, len;
};

static const struct mod no_mod = {1, 0, 0};

/* A hit, before it becomes a struct dt_evidence. */
struct hit {
    size_t off;
    double weight;
    struct mod mod;
    uint32_t len;
    uint8_t kind;
    uint8_t negated;
    uint8_t views; /* VIEW_*: among the first DT_EVIDENCE_MAX of that view */
};

/* The state of scoring in one candidate language. */
struct scorer {
    unsigned lang;    /* lexicon language index, DT_LEX_ANY if none */
    uint16_t bits;    /* node mask bits of lang and of "*" */
    struct hit *hits; /* at most 2 x DT_EVIDENCE_MAX: the two views' first ones */
    size_t n_hits, cap_hits;
    size_t n_view[3];     /* [VIEW_ALL], [VIEW_SHOUT]: hits in that view */
    double total_view[3]; /* ... and their weight (tone kinds apart: tone[]) */
    double tone[3];       /* hesitation, nextstep, relief: weight of the tone hits */
    size_t caps_seen;
    size_t counts[DT_KIND_COUNT];
    size_t stop;       /* stopwords seen */
    double mult;       /* pending intensifier/dampener product */
    size_t mult_until; /* ... valid for hits starting at words <= this */
    size_t neg_until;  /* hits starting at words <= this are negated */
    size_t neg_stop;   /* ... and before this offset: the clause's end (',' ';' ':') */
    unsigned skip;     /* pieces already taken by a phrase */
    bool failed;
    double total, score;
    size_t dropped; /* hits of the chosen view beyond the evidence kept */

    /* Where the pending modifiers are written, for the evidence (struct mod). */
    size_t mult_off, mult_end; /* the intensifiers/dampeners: first to last */
    size_t neg_off, neg_end;   /* the negator */
};

struct scan {
    const struct dt_lexicon *lex;
    const struct dt_euphoria_params *p;
    struct dt_tokens tk;
    size_t words;
    struct scorer sc[DT_MAX_LANGS];
    size_t n_sc;
    uint16_t bits;  /* the scorers' bits together */
    unsigned skips; /* some scorer has skip > 0 */
    /* Pieces by their stopword languages (a node's stopmask): one
     * increment per piece, without a branch on whether it is a stopword;
     * summed into each scorer's count at the end. */
    size_t stop_hist[1u << (DT_MAX_LANGS + 1)];
};

/* ------------------------------------------------------------------ scoring */

static struct dt_ev *ahead(struct scan *s, size_t j)
{
    return dt_tokens_at(&s->tk, j);
}

static void add_hit(struct scorer *sc, enum dt_kind kind, double w, size_t off, size_t len,
                    bool negated, const struct mod *mod)
{
    double weight = negated ? 0 : w;
    unsigned in = VIEW_ALL, keep = 0;
    if (kind != DT_KIND_CAPS || ++sc->caps_seen <= SHOUT_CAP)
        in |= VIEW_SHOUT;
    for (unsigned v = VIEW_ALL; v <= VIEW_SHOUT; v++) {
        if (!(in & v))
            continue;
        if (sc->n_view[v]++ < DT_EVIDENCE_MAX)
            keep |= v;
        if (!dt_kind_is_tone(kind))
            sc->total_view[v] += weight;
    }
    if (!negated)
        sc->counts[kind]++;
    if (dt_kind_is_tone(kind))
        sc->tone[kind - DT_KIND_HESITATION] += weight;
    if (keep == 0)
        return;
    if (sc->n_hits == sc->cap_hits) {
        size_t cap = sc->cap_hits ? sc->cap_hits * 2 : 32;
        struct hit *h = realloc(sc->hits, cap * sizeof(*h));
        if (h == NULL) {
            sc->failed = true;
            return;
        }
        sc->hits = h;
        sc->cap_hits = cap;
    }
    sc->hits[sc->n_hits++] = (struct hit){.off = off,
                                          .weight = weight,
                                          .mod = *mod,
                                          .len = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len,
                                          .kind = (uint8_t)kind,
                                          .negated = negated,
                                          .views = (uint8_t)keep};
}

/* A scoring hit starting at word w, under whatever modifiers are pending. */
static void score_hit(struct scorer *sc, enum dt_kind kind, double w, size_t off, size_t len,
                      size_t word)
{
    if (word <= sc->neg_until && off < sc->neg_stop) {
        struct mod neg = {0, sc->neg_off, sc->neg_end - sc->neg_off};
        add_hit(sc, kind, 0, off, len, true, &neg);
        return;
    }
    if (word <= sc->mult_until) {
        struct mod m = {sc->mult, sc->mult_off, sc->mult_end - sc->mult_off};
        w *= sc->mult;
        sc->mult = 1;
        sc->mult_until = 0;
        add_hit(sc, kind, w, off, len, false, &m);
        return;
    }
    add_hit(sc, kind, w, off, len, false, &no_mod);
}

static void reset(struct scorer *sc)
{
    sc->mult = 1;
    sc->mult_until = 0;
    sc->neg_until = 0;
}

/* The sense of node in lang, else the language-neutral one, that has what: 's'coring
 * kind, 'm'odifier, 'p'refix. */
static const struct dt_lex_sense *pick(const struct dt_lexicon *lex, int32_t node, unsigned lang,
                                       int what)
{
    const struct dt_lex_sense *v[2] = {dt_lex_sense(lex, node, lang),
                                       lang == DT_LEX_ANY ? NULL
                                                          : dt_lex_sense(lex, node, DT_LEX_ANY)};
    for (int i = 0; i < 2; i++) {
        if (v[i] == NULL)
            continue;
        if ((what == 's' && v[i]->score_kind != DT_LEX_NOKIND) ||
            (what == 'm' && v[i]->mod_kind != DT_LEX_NOKIND) ||
            (what == 'p' && (v[i]->flags & DT_SENSE_PREFIX)))
            return v[i];
    }
    return NULL;
}

/* Follow the pieces after the head from start; path[j] is the node of pieces 0..j. */
static size_t walk(struct scan *s, int32_t start, int32_t *path)
{
    const struct dt_lexicon *lex = s->lex;
    size_t j = 1;
    path[0] = start;
    for (int32_t cur = start; j < DT_LEX_PHRASE_MAX && j < s->tk.count; j++) {
        const struct dt_ev *f = ahead(s, j);
        if (f->type != DT_EV_PIECE || !f->contig || !f->keylen || !lex->nodes[cur].has_children)
            break;
        int32_t next = -1;
        if (f->lead_apos && f->keylen < DT_LEX_KEY_MAX)
            next = dt_lex_find(lex, cur, f->kbuf, f->keylen + 1u,
                               dt_key_hash(f->kbuf, f->keylen + 1u));
        if (next < 0)
            next = dt_lex_find(lex, cur, f->kbuf + 1, f->keylen, f->hash);
        if (next < 0)
            break;
        path[j] = cur = next;
    }
    return j;
}

/* Does the piece after the head continue a phrase of the head's nodes?
 * (The first step of walk(), for a head that means nothing by itself.) */
static bool phrase_goes_on(struct scan *s, const struct dt_ev *e)
{
    const struct dt_lexicon *lex = s->lex;
    if (s->tk.count < 2)
        return false;
    const struct dt_ev *f = ahead(s, 1);
    if (f->type != DT_EV_PIECE || !f->contig || !f->keylen)
        return false;
    int32_t start[2] = {e->anode, e->node};
    for (int i = 0; i < 2; i++) {
        int32_t cur = start[i];
        if (cur < 0 || !lex->nodes[cur].has_children)
            continue;
        if (f->lead_apos && f->keylen < DT_LEX_KEY_MAX &&
            dt_lex_find(lex, cur, f->kbuf, f->keylen + 1u, dt_key_hash(f->kbuf, f->keylen + 1u)) >=
                0)
            return true;
        if (dt_lex_find(lex, cur, f->kbuf + 1, f->keylen, f->hash) >= 0)
            return true;
    }
    return false;
}

/* Longest prefix of path that means something to sc; its length or 0. */
static size_t longest(const struct dt_lexicon *lex, uint16_t bits, const int32_t *path, size_t n)
{
    for (size_t k = n; k > 0; k--)
        if (lex->nodes[path[k - 1]].actmask & bits)
            return k;
    return 0;
}

/* What the head piece shares between languages: phrase paths and compounds. */
struct head {
    size_t word; /* word index of the head piece */
    int32_t pa[DT_LEX_PHRASE_MAX], pb[DT_LEX_PHRASE_MAX];
    size_t na, nb; /* paths from "'"key and from key */
    bool prefixes_done;
    size_t n_pre;
    const struct dt_lex_prefix *pre[DT_MAX_LANGS + 1];
    int32_t rest[DT_MAX_LANGS + 1]; /* the node of what follows each prefix */
};

static void find_prefixes(struct scan *s, const struct dt_ev *e, struct head *h)
{
    const struct dt_lexicon *lex = s->lex;
    const char *key = e->kbuf + 1;
    unsigned char c = (unsigned char)key[0];

    h->prefixes_done = true;
    h->n_pre = 0;
    if (!lex->prefix_first[c])
        return;
    for (size_t i = 0; i < lex->n_prefixes && h->n_pre <= DT_MAX_LANGS; i++) {
        const struct dt_lex_prefix *pr = &lex->prefixes[i];
        const struct dt_lex_node *pn = &lex->nodes[pr->node];
        if (pn->key_len >= e->keylen || e->letters < pn->letters + 3u ||
            memcmp(key, lex->pool + pn->key_off, pn->key_len) != 0)
            continue;
        /* Longest first: a shorter prefix of a language already found never wins. */
        bool seen = false;
        for (size_t j = 0; j < h->n_pre; j++)
            seen |= h->pre[j]->lang == pr->lang;
        if (seen)
            continue;
        size_t rl = e->keylen - pn->key_len;
        h->pre[h->n_pre] = pr;
        h->rest[h->n_pre++] =
            dt_lex_find(lex, -1, key + pn->key_len, rl, dt_key_hash(key + pn->key_len, rl));
    }
}

/* A compound prefix + rest: the rest's kind and weight times the prefix, else hype. */
static void compound_hit(struct scan *s, struct scorer *sc, double pw, int32_t rest, size_t off,
                         size_t len, size_t word)
{
    const struct dt_lex_sense *r = pick(s->lex, rest, sc->lang, 's');
    if (r && r->score_kind != DT_KIND_EMOJI && !dt_kind_is_tone((enum dt_kind)r->score_kind))
        score_hit(sc, (enum dt_kind)r->score_kind, r->score_w * pw, off, len, word);
    else
        score_hit(sc, DT_KIND_HYPE, 0.5 * pw, off, len, word);
}

/* "super-blij": a prefix word hyphen-joined to a word of 3+ letters. */
static bool hyphen_compound(struct scan *s, struct scorer *sc, const struct dt_ev *e, size_t word)
{
    if (s->tk.count < 2)
        return false;
    const struct dt_ev *f = ahead(s, 1);
    if (f->type != DT_EV_PIECE || !f->joined || !f->alpha || f->letters < 3)
        return false;
    if (!(s->lex->nodes[e->node].prefixmask & sc->bits))
        return false;
    const struct dt_lex_sense *pr = pick(s->lex, e->node, sc->lang, 'p');
    compound_hit(s, sc, pr->prefix_w, f->node, e->off, f->off + f->len - e->off, word);
    sc->skip = 1;
    return true;
}

/* "superblij": an unknown word that starts with a prefix. */
static void glued_compound(struct scan *s, struct scorer *sc, const struct dt_ev *e, struct head *h)
{
    const struct dt_lexicon *lex = s->lex;
    if (!e->glue || (e->node >= 0 && (lex->nodes[e->node].langmask & sc->bits)) ||
        (e->anode >= 0 && (lex->nodes[e->anode].langmask & sc->bits)))
        return;
    if (!h->prefixes_done)
        find_prefixes(s, e, h);
    for (size_t i = 0; i < h->n_pre; i++)
        if (h->pre[i]->lang == sc->lang || h->pre[i]->lang == DT_LEX_ANY) {
            compound_hit(s, sc, h->pre[i]->weight, h->rest[i], e->off, e->len, h->word);
            return;
        }
}

/* Shouting: a caps word unless every piece is an acronym or too short to shout. */
static void caps_check(struct scan *s, struct scorer *sc, const struct dt_ev *e)
{
    for (size_t j = 0; j < e->npieces && j < s->tk.count; j++) {
        const struct dt_ev *f = ahead(s, j);
        if (f->letters >= 3 && (f->node < 0 || !(s->lex->nodes[f->node].acromask & sc->bits))) {
            add_hit(sc, DT_KIND_CAPS, s->p->caps_weight, e->off, e->word_end - e->off, false,
                    &no_mod);
            return;
        }
    }
}

/*
 * Where the clause at off ends for a negator: its next ',', ';' or ':'
 * ("Unfortunately not, we need more time": the time is not negated), else
 * nowhere near (SIZE_MAX). Sentence ends reset the negator anyway.
 */
static size_t clause_end(const struct scan *s, size_t off)
{
    size_t n = s->tk.n - off < CLAUSE_LOOK ? s->tk.n - off : CLAUSE_LOOK;
    const char *p = s->tk.t + off;
    for (size_t i = 0; i < n; i++)
        if (p[i] == ',' || p[i] == ';' || p[i] == ':')
            return off + i;
    return SIZE_MAX;
}

static void score_piece(struct scan *s, struct scorer *sc, const struct dt_ev *e, struct head *h)
{
    const struct dt_lexicon *lex = s->lex;

    if (sc->skip > 0) {
        sc->skip--;
    } else {
        size_t k = longest(lex, sc->bits, h->pa, h->na);
        const int32_t *path = h->pa;
        size_t off = e->aoff;
        if (k == 0) {
            k = longest(lex, sc->bits, h->pb, h->nb);
            path = h->pb;
            off = e->off;
        }
        if (k <= 1 && e->node >= 0 && hyphen_compound(s, sc, e, h->word)) {
            /* taken as a compound */
        } else if (k > 0) {
            const struct dt_ev *last = ahead(s, k - 1);
            size_t end_word = h->word;
            for (size_t j = 1; j < k; j++)
                end_word += ahead(s, j)->word_start;
            const struct dt_lex_sense *v = pick(lex, path[k - 1], sc->lang, 's');
            if (v) {
                score_hit(sc, (enum dt_kind)v->score_kind, v->score_w, off,
                          last->off + last->len - off, h->word);
            } else {
                v = pick(lex, path[k - 1], sc->lang, 'm');
                size_t end = last->off + last->len;
                if (v->mod_kind == DT_KIND_NEGATOR) {
                    sc->neg_until = end_word + WINDOW;
                    sc->neg_stop = clause_end(s, end);
                    sc->neg_off = off;
                    sc->neg_end = end;
                } else {
                    bool stacked = h->word <= sc->mult_until;
                    double m = stacked ? sc->mult * v->mod_w : v->mod_w;
                    sc->mult = m > MULT_CAP ? MULT_CAP : m;
                    sc->mult_until = end_word + WINDOW;
                    if (!stacked)
                        sc->mult_off = off;
                    sc->mult_end = end;
                }
            }
            sc->skip = (unsigned)(k - 1);
        } else {
            glued_compound(s, sc, e, h);
        }
    }
    if (e->word_start && e->caps)
        caps_check(s, sc, e);
}

/* Pieces taken by a phrase are passed over, one piece at a time. */
static void pass_skips(struct scan *s)
{
    unsigned any = 0;
    for (size_t i = 0; i < s->n_sc; i++) {
        s->sc[i].skip -= s->sc[i].skip > 0;
        any |= s->sc[i].skip;
    }
    s->skips = any;
}

/* Everything but the common piece: kept out of the loop that scores those. */
static DT_NOINLINE void process_head(struct scan *s, const struct dt_ev *e)
{
    switch (e->type) {
    case DT_EV_BREAK:
        for (size_t i = 0; i < s->n_sc; i++)
            reset(&s->sc[i]);
        break;
    case DT_EV_EXCL: {
        unsigned n = e->excl < s->p->excl_cap ? e->excl : s->p->excl_cap;
        for (size_t i = 0; i < s->n_sc; i++) {
            add_hit(&s->sc[i], DT_KIND_EXCLAMATION, n * s->p->excl_weight, e->off, e->len, false,
                    &no_mod);
            reset(&s->sc[i]);
        }
        break;
    }
    case DT_EV_EMOJI:
        for (size_t i = 0; i < s->n_sc; i++) {
            const struct dt_lex_sense *v = pick(s->lex, e->node, s->sc[i].lang, 's');
            if (v == NULL)
                v = pick(s->lex, e->anode, s->sc[i].lang, 's');
            if (v && v->score_kind == DT_KIND_EMOJI)
                add_hit(&s->sc[i], DT_KIND_EMOJI, v->score_w, e->off, e->len, false, &no_mod);
        }
        break;
    case DT_EV_PIECE: {
        /* Words and stopwords are counted already (score_events). */
        struct head h;
        h.word = s->words;
        h.prefixes_done = false;
        h.na = e->anode >= 0 ? walk(s, e->anode, h.pa) : 0;
        h.nb = e->node >= 0 ? walk(s, e->node, h.pb) : 0;
        unsigned any = 0;
        for (size_t i = 0; i < s->n_sc; i++) {
            score_piece(s, &s->sc[i], e, &h);
            any |= s->sc[i].skip;
        }
        s->skips = any;
        break;
    }
    }
}

/* Score the n oldest events (each sees its lookahead) and drop them. */
static void score_events(struct scan *s, size_t n)
{
    for (; n > 0; n--) {
        const struct dt_ev *e = ahead(s, 0);
        if (e->type == DT_EV_PIECE) {
            s->words += e->word_start;
            s->stop_hist[e->stop & ((1u << (DT_MAX_LANGS + 1)) - 1)]++;
            if (!(e->hot & s->bits) && !(e->word_start & e->caps) &&
                !(e->kids && phrase_goes_on(s, e))) {
                /* Most words are in no lexicon, or only count as stopwords,
                 * or mean something only in other languages, or start
                 * phrases that the next word does not continue. */
                if (s->skips)
                    pass_skips(s);
                dt_tokens_pop(&s->tk);
                continue;
            }
        }
        process_head(s, e);
        dt_tokens_pop(&s->tk);
    }
}

/* --------------------------------------------------------------- the result */

/* Take the shouting view or the whole one, then squash. */
static void finish(const struct scan *s, struct scorer *sc)
{
    const struct dt_euphoria_params *p = s->p;
    bool shouting = s->tk.words_cased > 0 && s->tk.words_upper * 10 > s->tk.words_cased * 6;
    unsigned view = shouting ? VIEW_SHOUT : VIEW_ALL;
    size_t kept = 0;

    for (size_t i = 0; i < sc->n_hits; i++)
        if (sc->hits[i].views & view)
            sc->hits[kept++] = sc->hits[i];
    sc->n_hits = kept;
    sc->dropped = sc->n_view[view] - kept;
    if (shouting && sc->counts[DT_KIND_CAPS] > SHOUT_CAP)
        sc->counts[DT_KIND_CAPS] = SHOUT_CAP;
    double total = sc->total_view[view];
    double words = (double)s->words > p->min_words ? (double)s->words : p->min_words;
    if (!(words >= 1))
        words = 1;
    double scale = p->scale > 0 ? p->scale : 8.0;
    sc->total = total;
    sc->score = 1 - exp(-(total * 100 / words) / scale);
    if (sc->score < 0)
        sc->score = 0;
}

/* The stopword favourite, unless the race is close: then the best score. */
static size_t choose(struct scan *s)
{
    size_t a = 0, b = SIZE_MAX;
    for (size_t i = 1; i < s->n_sc; i++) {
        if (s->sc[i].stop > s->sc[a].stop) {
            b = a;
            a = i;
        } else if (b == SIZE_MAX || s->sc[i].stop > s->sc[b].stop) {
            b = i;
        }
    }
    if (b == SIZE_MAX)
        return a;
    size_t top = s->sc[a].stop, second = s->sc[b].stop;
    if (top > 0 && second * 4 < top * 3)
        return a;
    size_t best = a;
    for (size_t i = 0; i < s->n_sc; i++) {
        const struct scorer *x = &s->sc[i], *y = &s->sc[best];
        if (x->score > y->score || (x->score == y->score && x->stop > y->stop) ||
            (x->score == y->score && x->stop == y->stop && i < best))
            best = i;
    }
    return best;
}

static void copy_text(char *dst, const char *src, size_t len)
{
    if (len > 63) {
        len = 63;
        /* Never cut a character in two. */
        while (len > 0 && ((unsigned char)src[len] & 0xc0) == 0x80)
            len--;
    }
    memcpy(dst, src, len);
    dst[len] = '\0';
}

static int fill_out(struct scan *s, size_t which, struct dt_score *out)
{
    const struct scorer *sc = &s->sc[which];
    const struct dt_euphoria_params *p = s->p;

    out->score = dt_score_round(sc->score);
    out->level = dt_level_of(out->score, p);
    if (sc->lang != DT_LEX_ANY)
        memcpy(out->lang, s->lex->langs[sc->lang], sizeof(out->lang));
    out->words = s->words;
    out->total = sc->total;
    memcpy(out->tone, sc->tone, sizeof(out->tone));
    memcpy(out->counts, sc->counts, sizeof(out->counts));
    out->n_evidence_dropped = sc->dropped;
    if (sc->n_hits == 0)
        return 0;
    out->evidence = calloc(sc->n_hits, sizeof(*out->evidence));
    if (out->evidence == NULL)
        return -1;
    out->n_evidence = sc->n_hits;
    for (size_t i = 0; i < sc->n_hits; i++) {
        const struct hit *h = &sc->hits[i];
        struct dt_evidence *v = &out->evidence[i];
        v->kind = (enum dt_kind)h->kind;
        v->weight = h->weight;
        v->offset = h->off;
        v->length = h->len;
        v->negated = h->negated;
        v->mult = h->mod.mult;
        v->mod_offset = h->mod.off;
        v->mod_length = h->mod.len;
        copy_text(v->text, s->tk.t + h->off, h->len);
    }
    return 0;
}

/* One scorer per candidate: p->langs known to the lexicon, else all its languages. */
static void setup_scorers(struct scan *s)
{
    const struct dt_lexicon *lex = s->lex;
    size_t n_langs = lex ? lex->n_langs : 0;

    for (size_t i = 0; i < n_langs; i++) {
        bool want = s->p->langs == NULL;
        for (size_t j = 0; !want && s->p->langs[j]; j++)
            want = strcmp(s->p->langs[j], lex->langs[i]) == 0;
        if (want)
            s->sc[s->n_sc++].lang = (unsigned)i;
    }
    /* No language: the language-neutral entries, '!', caps still count. */
    if (s->n_sc == 0)
        s->sc[s->n_sc++].lang = DT_LEX_ANY;
    for (size_t i = 0; i < s->n_sc; i++) {
        s->sc[i].bits = (uint16_t)((1u << s->sc[i].lang) | (1u << DT_LEX_ANY));
        s->bits |= s->sc[i].bits;
        reset(&s->sc[i]);
    }
}

int dt_euphoria_score(const struct dt_lexicon *lex, const struct dt_euphoria_params *p,
                      const char *text, size_t len, struct dt_score *out, struct dt_error *err)
{
    struct dt_euphoria_params defaults;
    if (p == NULL) {
        dt_euphoria_defaults(&defaults);
        p = &defaults;
    }
    memset(out, 0, sizeof(*out));
    struct scan *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return dt_error_set(err, "out of memory");
    s->lex = lex;
    s->p = p;
    dt_tokens_init(&s->tk, lex, text ? text : "", text ? len : 0);
    setup_scorers(s);
    for (size_t ready; (ready = dt_tokens_fill(&s->tk)) > 0;)
        score_events(s, ready);

    int rc = 0;
    for (size_t m = 1; m < sizeof(s->stop_hist) / sizeof(s->stop_hist[0]); m++)
        for (size_t i = 0; s->stop_hist[m] > 0 && i < s->n_sc; i++)
            s->sc[i].stop += s->stop_hist[m] * ((m >> s->sc[i].lang) & 1u);
    for (size_t i = 0; i < s->n_sc; i++) {
        if (s->sc[i].failed)
            rc = -1;
        finish(s, &s->sc[i]);
    }
    if (rc == 0)
        rc = fill_out(s, choose(s), out);
    for (size_t i = 0; i < s->n_sc; i++)
        free(s->sc[i].hits);
    free(s);
    if (rc < 0) {
        dt_score_clear(out);
        return dt_error_set(err, "out of memory");
    }
    return 0;
}

void dt_score_clear(struct dt_score *s)
{
    if (s == NULL)
        return;
    free(s->evidence);
    memset(s, 0, sizeof(*s));
}

void dt_score_summary(const struct dt_score *s, char *buf, size_t size)
{
    static const enum dt_kind order[] = {DT_KIND_HYPE,     DT_KIND_SUPERLATIVE, DT_KIND_EXCITEMENT,
                                         DT_KIND_PRESSURE, DT_KIND_EXCLAMATION, DT_KIND_CAPS,
                                         DT_KIND_EMOJI};
    size_t used = 0;

    if (buf == NULL || size == 0)
        return;
    buf[0] = '\0';
    for (size_t i = 0; s && i < sizeof(order) / sizeof(order[0]); i++) {
        size_t c = s->counts[order[i]];
        if (c == 0)
            continue;
        char item[48];
        int n =
            snprintf(item, sizeof(item), "%s%s=%zu", used ? " " : "", dt_kind_name(order[i]), c);
        /* Whole items only: a cut "hype=1" would lie. */
        if (n < 0 || used + (size_t)n >= size)
            break;
        memcpy(buf + used, item, (size_t)n + 1);
        used += (size_t)n;
    }
    bool any = false;
    for (size_t i = 0; s && i < sizeof(order) / sizeof(order[0]); i++)
        any |= s->counts[order[i]] > 0;
    if (!any && size > 4)
        memcpy(buf, "none", 5);
}

void dt_euphoria_defaults(struct dt_euphoria_params *p)
{
    p->warm = 0.35;
    p->euphoric = 0.60;
    p->min_words = 20;
    p->scale = 8.0;
    p->excl_weight = 0.5;
    p->excl_cap = 3;
    p->caps_weight = 0.7;
    p->langs = NULL;
}

static const char *const level_names[DT_LEVEL_COUNT] = {"calm", "warm", "euphoric"};

double dt_score_round(double raw)
{
    if (!(raw > 0)) /* also NaN */
        return 0;
    if (raw >= 1)
        return 1;
    return round(raw * DT_SCORE_SCALE) / DT_SCORE_SCALE;
}

enum dt_level dt_level_of(double score, const struct dt_euphoria_params *p)
{
    return score >= p->euphoric ? DT_LEVEL_EUPHORIC
           : score >= p->warm   ? DT_LEVEL_WARM
                                : DT_LEVEL_CALM;
}

const char *dt_level_name(enum dt_level level)
{
    return (unsigned)level < DT_LEVEL_COUNT ? level_names[level] : "unknown";
}

int dt_level_parse(const char *name, enum dt_level *level)
{
    for (int i = 0; name && i < DT_LEVEL_COUNT; i++)
        if (strcasecmp(name, level_names[i]) == 0) {
            *level = (enum dt_level)i;
            return 0;
        }
    return -1;
}
