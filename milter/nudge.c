/*
 * nudge.c - the same-hour nudge, pure part (nudge.h): who is due one, the
 * rate limiter, and the note in the rep's language.
 *
 * Public: dt_nudge_language(), dt_nudge_due(), dt_nudge_limiter_new(),
 * dt_nudge_limiter_free(), dt_nudge_limiter_allows(),
 * dt_nudge_limiter_record(), dt_nudge_render(), dt_nudge_has_language().
 *
 * The note is built from the digest's parts (digest_render_int.h): its
 * cleaning of hostile store strings (dt_utf8_clean_line), who a deal is with
 * (dt_dg_who, dt_dg_org), phrases as a digest card shows them
 * (dt_dg_phrases), its 72-column wrapping and its message assembly
 * (dt_dg_render_note: same sender, Auto-Submitted, one text part). The
 * customer's name and the subject come from the mail the rep sent, so
 * they are the rep's (or a forger's) text: cleaned and cut like the
 * digest's, never placed in a header but through RFC 2047 encoding.
 *
 * The limiter is a small array searched linearly: reps nudged within one
 * interval are few (tens), lookups happen once per euphoric mail of a
 * listed rep, and a hash of the address is all it keeps.
 *
 * Failure: dt_nudge_render() returns -1 with err set; nothing else fails
 * (a limiter that could not be allocated is NULL and allows nothing).
 */
#include "dealtemp/nudge.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dealtemp/bizcal.h"
#include "dealtemp/hash.h"
#include "dealtemp/utf8.h"
#include "digest_render_int.h"

#define MAX_NAME_CP 60     /* the customer's name in the subject line */
#define MAX_WHO_CP 120     /* name, organisation in the body */
#define MAX_ADDR_CP 120    /* the customer's address */
#define MAX_SUBJECT_CP 200 /* the mail's subject, as the digest cuts it */
#define MAX_PHRASES_CP 160 /* the phrases, as the digest cuts them */

/* ---- words ---------------------------------------------------------------- */

/* Every word a note says, in one language. */
struct words {
    const char *code;
    const char *subject;  /* "Your mail to %s sounded euphoric" */
    const char *intro;    /* one line */
    const char *label[5]; /* to, subject, sent, score, phrases */
    const char *score;    /* "%.2f (euphoric from %.2f up)" */
    const char *no_subject;
    const char *unknown; /* no name, organisation or address (cannot happen: due needs one) */
    const char *advice;  /* one line in the spirit of the product */
    const char *privacy;
    const char *next; /* "%s": the time the rep's interval ends */
};

static const struct words words_en = {
    .code = "en",
    .subject = "Your mail to %s sounded euphoric",
    .intro = "The mail you just sent sounded euphoric:",
    .label = {"To", "Subject", "Sent", "Score", "Phrases"},
    .score = "%.2f (euphoric from %.2f up)",
    .no_subject = "(no subject)",
    .unknown = "(unknown)",
    .advice = "Give them room: next time, one calm question beats three exclamation marks "
              "\xe2\x80\x94 let them convince themselves.",
    .privacy = "Only you get this note: never the customer, never anyone else. The phrases are "
               "your own words; your mail went out unchanged.",
    .next = "No further note before %s.",
};

static const struct words words_nl = {
    .code = "nl",
    .subject = "Je mail aan %s klonk euforisch",
    .intro = "De mail die je net verstuurde klonk euforisch:",
    .label = {"Aan", "Onderwerp", "Verstuurd", "Score", "Woorden"},
    .score = "%.2f (euforisch vanaf %.2f)",
    .no_subject = "(geen onderwerp)",
    .unknown = "(onbekend)",
    .advice = "Geef ze ruimte: volgende keer werkt \xc3\xa9\xc3\xa9n rustige vraag beter dan drie "
              "uitroeptekens \xe2\x80\x94 laat ze zichzelf overtuigen.",
    .privacy = "Alleen jij krijgt dit bericht: nooit de klant, nooit iemand anders. De woorden "
               "zijn je eigen woorden; je mail ging ongewijzigd weg.",
    .next = "Geen volgend bericht v\xc3\xb3\xc3\xb3r %s.",
};

/* German and French: UTF-8 in the source, as the digest's tables (digest_lang_de.c, _fr.c). */
static const struct words words_de = {
    .code = "de",
    .subject = "Ihre Mail an %s klang euphorisch",
    .intro = "Die Mail, die Sie gerade gesendet haben, klang euphorisch:",
    .label = {"An", "Betreff", "Gesendet", "Score", "Formulierungen"},
    .score = "%.2f (euphorisch ab %.2f)",
    .no_subject = "(kein Betreff)",
    .unknown = "(unbekannt)",
    .advice = "Lassen Sie Raum: Beim nächsten Mal bringt eine ruhige Frage mehr als drei "
              "Ausrufezeichen \xe2\x80\x94 lassen Sie den Kunden sich selbst überzeugen.",
    .privacy = "Nur Sie erhalten diesen Hinweis: nie der Kunde, nie sonst jemand. Die "
               "Formulierungen sind Ihre eigenen Worte; Ihre Mail ging unverändert hinaus.",
    .next = "Kein weiterer Hinweis vor %s.",
};

#define NB "\xc2\xa0" /* French: a no-break space before ':' and ';' */

static const struct words words_fr = {
    .code = "fr",
    .subject = "Votre e-mail à %s semblait euphorique",
    .intro = "L'e-mail que vous venez d'envoyer semblait euphorique" NB ":",
    .label = {"À", "Objet", "Envoyé", "Score", "Expressions"},
    .score = "%.2f (euphorique à partir de %.2f)",
    .no_subject = "(sans objet)",
    .unknown = "(inconnu)",
    .advice = "Laissez-leur de l'espace" NB ": la prochaine fois, une question posée vaut mieux "
              "que trois points d'exclamation \xe2\x80\x94 laissez-les se convaincre eux-mêmes.",
    .privacy = "Vous seul recevez ce message" NB ": jamais le client, jamais personne d'autre. "
               "Les expressions sont vos propres mots" NB "; votre e-mail est parti tel quel.",
    .next = "Pas d'autre message avant %s.",
};

static const struct words *const all_words[] = {&words_en, &words_nl, &words_de, &words_fr};
#define N_WORDS (sizeof(all_words) / sizeof(all_words[0]))

static const struct words *words_of(const char *lang)
{
    for (size_t i = 0; lang && i < N_WORDS; i++)
        if (strcasecmp(all_words[i]->code, lang) == 0)
            return all_words[i];
    return NULL;
}

bool dt_nudge_has_language(const char *lang)
{
    return words_of(lang) != NULL;
}

const char *dt_nudge_language(const struct dt_config *cfg, const char *rep)
{
    return dt_config_digest_language_for(cfg, rep); /* the rep's digest language */
}

/* ---- who is due ------------------------------------------------------------ */

bool dt_nudge_due(const struct dt_config *cfg, const struct dt_facts *f)
{
    return cfg->n_nudge_reps > 0 && f->direction == DT_DIR_OUTBOUND && f->scored &&
           f->rep != NULL && f->counterpart != NULL &&
           dt_level_of(f->score.score, &cfg->euphoria) == DT_LEVEL_EUPHORIC &&
           dt_address_listed(cfg->nudge_reps, cfg->n_nudge_reps, f->rep);
}

/* ---- the limiter ----------------------------------------------------------- */

struct entry {
    uint64_t rep; /* dt_fnv1a of the address, case folded; 0 = free */
    long at;      /* last nudged */
};

struct dt_nudge_limiter {
    size_t max, n;
    struct entry e[];
};

static uint64_t rep_key(const char *rep)
{
    uint64_t h = dt_fnv1a(rep, strlen(rep), 1);
    return h != 0 ? h : 1; /* 0 marks a free entry */
}

struct dt_nudge_limiter *dt_nudge_limiter_new(size_t max_reps)
{
    if (max_reps == 0)
        max_reps = 1;
    struct dt_nudge_limiter *l = calloc(1, sizeof(*l) + max_reps * sizeof(l->e[0]));
    if (l != NULL)
        l->max = max_reps;
    return l;
}

void dt_nudge_limiter_free(struct dt_nudge_limiter *l)
{
    free(l);
}

static const struct entry *find(const struct dt_nudge_limiter *l, uint64_t key)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->e[i].rep == key)
            return &l->e[i];
    return NULL;
}

bool dt_nudge_limiter_allows(const struct dt_nudge_limiter *l, const char *rep, long now,
                             long interval)
{
    if (l == NULL || rep == NULL)
        return false;
    const struct entry *e = find(l, rep_key(rep));
    /* A clock that went back (it should not) counts as "just nudged". */
    return e == NULL || (now >= e->at && now - e->at >= interval);
}

void dt_nudge_limiter_record(struct dt_nudge_limiter *l, const char *rep, long now, long interval)
{
    if (l == NULL || rep == NULL)
        return;
    uint64_t key = rep_key(rep);
    struct entry *e = (struct entry *)find(l, key);
    if (e == NULL && l->n < l->max)
        e = &l->e[l->n++];
    if (e == NULL) {
        /* Full: one whose interval is over (forgetting it changes nothing), else the least
         * recently nudged. */
        e = &l->e[0];
        for (size_t i = 0; i < l->n; i++) {
            if (now - l->e[i].at >= interval) {
                e = &l->e[i];
                break;
            }
            if (l->e[i].at < e->at)
                e = &l->e[i];
        }
    }
    e->rep = key;
    e->at = now;
}

/* ---- the note -------------------------------------------------------------- */

/* Display columns (code points) of a NUL-terminated UTF-8 string. */
static size_t columns(const char *s)
{
    size_t c = 0;
    for (; *s; s++)
        c += ((unsigned char)*s & 0xc0) != 0x80;
    return c;
}

/* "  Subject:   " - the labels of one language padded to the widest; which < 0: no label,
 * only the room one takes (a value's second line). */
static void label(struct dt_buf *b, const struct words *W, int which)
{
    size_t width = 0;
    for (int i = 0; i < 5; i++)
        if (columns(W->label[i]) > width)
            width = columns(W->label[i]);
    const char *name = which >= 0 ? W->label[which] : "";
    dt_buf_printf(b, "  %s%s", name, which >= 0 ? ":" : " ");
    for (size_t k = columns(name); k < width + 2; k++)
        dt_buf_putc(b, ' ');
}

/* Who the mail went to, short, for the subject: the name, else the organisation, else the
 * address. */
static void who_short(const struct dt_nudge *n, const struct words *W, struct dt_buf *b)
{
    char org[128];
    size_t before = b->len;
    if (n->counterpart_name && dt_utf8_clean_line(b, n->counterpart_name, MAX_NAME_CP, false))
        return;
    if (b->data) { /* nothing printable: take back what was written */
        b->len = before;
        b->data[before] = '\0';
    }
    dt_dg_org(n->counterpart, org, sizeof org);
    if (org[0])
        dt_buf_puts(b, org);
    else if (!n->counterpart || !dt_utf8_clean_line(b, n->counterpart, MAX_NAME_CP, false))
        dt_buf_puts(b, W->unknown);
}

/* "2026-11-20 14:32 Europe/Amsterdam": in business_hours.timezone, named. */
static void local_time(const struct dt_config *cfg, time_t t, struct dt_buf *b)
{
    time_t local = t + (cfg->tz != NULL ? dt_tz_offset(cfg->tz, t) : 0);
    struct tm tm;
    if (!gmtime_r(&local, &tm))
        memset(&tm, 0, sizeof tm);
    dt_buf_printf(b, "%04d-%02d-%02d %02d:%02d %s", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, cfg->timezone ? cfg->timezone : "UTC");
}

static void body(const struct dt_nudge *n, const struct dt_config *cfg, const struct words *W,
                 struct dt_buf *b)
{
    dt_buf_printf(b, "%s\n\n", W->intro);

    label(b, W, 0);
    /* dt_dg_who says "(unknown)" in the note's language when there is nothing at all. */
    struct dt_digest_item it = {.counterpart = (char *)n->counterpart,
                                .counterpart_name = (char *)n->counterpart_name};
    struct dt_digest_lang L = {.unknown = W->unknown};
    struct dt_buf who = DT_BUF_INIT, addr = DT_BUF_INIT;
    dt_dg_who(&it, &L, &who, false, false);
    dt_buf_puts(b, who.data ? who.data : W->unknown);
    /* The address underneath, as on a digest card, unless it is all dt_dg_who found. */
    if (n->counterpart && dt_utf8_clean_line(&addr, n->counterpart, MAX_ADDR_CP, false) &&
        addr.data && (!who.data || strcmp(who.data, addr.data) != 0)) {
        dt_buf_putc(b, '\n');
        label(b, W, -1);
        dt_buf_puts(b, addr.data);
    }
    if (dt_buf_failed(&who) || dt_buf_failed(&addr))
        b->failed = true;
    dt_buf_free(&who);
    dt_buf_free(&addr);
    dt_buf_putc(b, '\n');

    label(b, W, 1);
    if (!n->subject || !dt_utf8_clean_line(b, n->subject, MAX_SUBJECT_CP, false))
        dt_buf_puts(b, W->no_subject);
    dt_buf_putc(b, '\n');

    label(b, W, 2);
    local_time(cfg, n->sent_at, b);
    dt_buf_putc(b, '\n');

    label(b, W, 3);
    dt_buf_printf(b, W->score, n->score, cfg->euphoria.euphoric);
    dt_buf_putc(b, '\n');

    if (n->phrases) {
        struct dt_buf ph = DT_BUF_INIT;
        /* in the quotes of the rep's language, as their digest shows them */
        const struct dt_digest_lang *quotes = dt_digest_lang_of(cfg, n->rep);
        if (dt_dg_phrases(&ph, n->phrases, MAX_PHRASES_CP, false, quotes) && ph.data) {
            label(b, W, 4);
            dt_buf_printf(b, "%s\n", ph.data);
        }
        if (dt_buf_failed(&ph))
            b->failed = true;
        dt_buf_free(&ph);
    }

    dt_buf_printf(b, "\n%s\n\n%s\n", W->advice, W->privacy);
    /* The exact time, not the interval in (rounded) words: "2 hours" for 90m would promise
     * too much. */
    struct dt_buf until = DT_BUF_INIT;
    local_time(cfg, n->sent_at + cfg->nudge_interval, &until);
    dt_buf_printf(b, W->next, until.data ? until.data : "?");
    if (dt_buf_failed(&until))
        b->failed = true;
    dt_buf_free(&until);
    dt_buf_putc(b, '\n');
}

int dt_nudge_render(const struct dt_nudge *n, const struct dt_config *cfg, struct dt_buf *out,
                    struct dt_error *err)
{
    if (n == NULL || cfg == NULL || out == NULL)
        return dt_error_set(err, "nudge: nothing to render");
    const struct words *W = words_of(dt_nudge_language(cfg, n->rep));
    if (W == NULL)
        W = &words_en;

    struct dt_buf who = DT_BUF_INIT, subject = DT_BUF_INIT, raw = DT_BUF_INIT, text = DT_BUF_INIT;
    who_short(n, W, &who);
    dt_buf_printf(&subject, W->subject, who.data ? who.data : W->unknown);
    if (dt_buf_failed(&who))
        subject.failed = true;
    dt_buf_free(&who);
    body(n, cfg, W, &raw);
    dt_dg_wrap(raw.data ? raw.data : "", raw.len, &text);
    if (dt_buf_failed(&raw))
        text.failed = true;
    dt_buf_free(&raw);

    char field[128];
    snprintf(field, sizeof field, "%s%s", cfg->header_prefix ? cfg->header_prefix : "X-Deal-",
             DT_NUDGE_FIELD);
    const char *const extra[] = {field, "yes", NULL};
    /* Takes subject and text. */
    return dt_dg_render_note(cfg, n->rep, "nudge", n->sent_at, &subject, &text, extra, out, err);
}
