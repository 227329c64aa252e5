/*
 * thread.c - what ties messages into a deal thread (see thread.h). Pure.
 *
 * dt_msgid_hash() and dt_string_hash() are FNV-1a 64 with the top bit
 * cleared (a SQLite INTEGER); a non-empty input never hashes to 0, which
 * stays "none". dt_thread_short_id() prints the low 48 bits as 12 hex
 * digits. dt_subject_normalize() strips reply/forward prefixes of the
 * common clients (repeated, counted, bracketed) and "[EXT]"-style gateway
 * tags, then folds case and white space; dt_subject_is_autoreply() spots
 * out-of-office subjects in EN/NL/DE/FR. dt_thread_ancestors() and
 * dt_thread_new_key() read the References / In-Reply-To facts of a parsed
 * message, skipping empty, duplicate and self references.
 *
 * Failure behaviour: none. Any byte sequence is accepted (invalid UTF-8
 * decodes as U+FFFD); NULL inputs give empty results; if the output buffer
 * cannot grow it is marked failed (see buf.h) and the caller checks once.
 */
#include "dealtemp/thread.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dealtemp/hash.h"
#include "dealtemp/utf8.h"

#define HASH_MASK 0x7fffffffffffffffULL

/* 0 is reserved for "no id": the one-in-2^63 input hashing to 0 becomes 1. */
static dt_hash finish(uint64_t h)
{
    h &= HASH_MASK;
    return h ? (dt_hash)h : 1;
}

static bool is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

dt_hash dt_msgid_hash(const char *msgid)
{
    if (msgid == NULL)
        return 0;
    /* "<A@B>", " a@b ", "a@b" are the same id: trim blanks and one pair of brackets. */
    const char *s = msgid, *e = msgid + strlen(msgid);
    while (s < e && is_space((unsigned char)*s))
        s++;
    while (e > s && is_space((unsigned char)e[-1]))
        e--;
    if (s < e && *s == '<')
        s++;
    if (e > s && e[-1] == '>')
        e--;
    if (s == e)
        return 0;
    /* Message-IDs are ASCII by RFC 5322; folding ASCII only keeps the hash
     * independent of any Unicode table. */
    return finish(dt_fnv1a(s, (size_t)(e - s), 1));
}

dt_hash dt_string_hash(const char *s)
{
    if (s == NULL || *s == '\0')
        return 0;
    return finish(dt_fnv1a(s, strlen(s), 0));
}

void dt_thread_short_id(dt_hash key, char buf[13])
{
    snprintf(buf, 13, "%012llx", (unsigned long long)((uint64_t)key & 0xffffffffffffULL));
}

/* ---- subjects ---- */

/* Decode one code point at s (NUL-terminated); returns its length, 0 at the end. */
static size_t cp_at(const char *s, uint32_t *cp)
{
    if (*s == '\0')
        return 0;
    return dt_utf8_decode(s, strnlen(s, 4), cp);
}

static bool is_uspace(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == 0xa0 || cp == 0x3000 ||
           (cp >= 0x2000 && cp <= 0x200b) || cp == 0x202f;
}

static const char *skip_spaces(const char *s)
{
    uint32_t cp;
    size_t n;
    while ((n = cp_at(s, &cp)) > 0 && is_uspace(cp))
        s += n;
    return s;
}

/*
 * If s starts with word (lower-case UTF-8) in any case, return the byte
 * length matched in s, else 0. The character after it must not be a
 * letter or digit, so "Re" never matches "Review" and "Ref" not "Reference".
 */
static size_t match_word(const char *s, const char *word)
{
    size_t wn = strlen(word);
    /* Each character of word matches one of s, of at most 4 bytes: s need not be measured. */
    size_t m = dt_utf8_prefix_ci(s, strnlen(s, 4 * wn), word, wn);
    if (m == 0)
        return 0;
    const char *p = s + m;
    uint32_t next;
    if (cp_at(p, &next) > 0 && (dt_unicode_is_letter(next) || (next >= '0' && next <= '9')))
        return 0;
    return (size_t)(p - s);
}

static const char *skip_digits(const char *s)
{
    while (*s >= '0' && *s <= '9')
        s++;
    return s;
}

/* Reply and forward prefixes, lower-case. EN, NL, DE, FR, Nordic, ES/PT, PL, FI. */
static const char *const prefixes[] = {
    "re", "fw", "fwd", "aw",  "wg", "antw", "antwort", "doorst", "doorgestuurd", "sv",
    "vs", "tr", "réf", "ref", "rv", "enc",  "odp",     "vb",     "vl",           NULL,
};

/*
 * A prefix at s: word, optional counter ("[2]", "^3", "(2)"), optional
 * blanks, then ':' (or a full-width colon). Returns the bytes to skip, 0
 * if s does not start with one.
 */
static size_t match_prefix(const char *s)
{
    for (const char *const *w = prefixes; *w; w++) {
        size_t n = match_word(s, *w);
        if (n == 0)
            continue;
        const char *p = skip_spaces(s + n);
        if ((*p == '[' || *p == '(') && p[1] >= '0' && p[1] <= '9') {
            char close = *p == '[' ? ']' : ')';
            const char *q = skip_digits(p + 1);
            if (*q != close)
                continue;
            p = skip_spaces(q + 1);
        } else if (*p == '^' && p[1] >= '0' && p[1] <= '9') {
            p = skip_spaces(skip_digits(p + 1));
        }
        if (*p == ':')
            return (size_t)(p + 1 - s);
        if (strncmp(p, "\xef\xbc\x9a", 3) == 0) /* U+FF1A FULLWIDTH COLON */
            return (size_t)(p + 3 - s);
    }
    return 0;
}

/* First words of tags that mail gateways put in front of a subject. */
static const char *const tag_words[] = {
    "ext",     "extern", "externe", "external",   "externo",   "externa",    "caution",
    "warning", "spam",   "*spam*",  "***spam***", "suspected", "suspicious", NULL,
};

/* A gateway tag "[EXT]", "[External Sender]", "[CAUTION: external]" at s:
 * bytes to skip, else 0. Tags are short; a long bracket is subject text. */
static size_t match_tag(const char *s)
{
    if (*s != '[')
        return 0;
    const char *close = NULL;
    for (size_t i = 1; i < 48 && s[i]; i++)
        if (s[i] == ']') {
            close = s + i;
            break;
        }
    if (close == NULL)
        return 0;
    const char *p = skip_spaces(s + 1);
    for (const char *const *w = tag_words; *w; w++) {
        size_t n = match_word(p, *w);
        if (n > 0 && p + n <= close)
            return (size_t)(close + 1 - s);
    }
    return 0;
}

/* Append s[0..len) lower-cased with white space runs as one space, trimmed. */
static void fold(const char *s, size_t len, struct dt_buf *out)
{
    const char *end = s + len;
    bool pending_space = false, any = false;
    while (s < end) {
        uint32_t cp;
        size_t n = dt_utf8_decode(s, (size_t)(end - s), &cp);
        s += n;
        if (is_uspace(cp)) {
            pending_space = any;
            continue;
        }
        if (cp < 0x20 || cp == 0x7f)
            continue;
        if (pending_space)
            dt_buf_putc(out, ' ');
        pending_space = false;
        any = true;
        dt_buf_put_utf8(out, dt_unicode_lower(cp));
    }
}

void dt_subject_normalize(const char *subject, struct dt_buf *out)
{
    dt_buf_reserve(out, 0); /* out->data is a string even when nothing is appended */
    if (subject == NULL)
        return;
    const char *s = subject;
    unsigned open = 0; /* "[Fwd: ..." forms whose ']' is still at the end */
    for (;;) {
        s = skip_spaces(s);
        size_t n;
        if ((n = match_prefix(s)) > 0 || (n = match_tag(s)) > 0) {
            s += n;
        } else if (*s == '[' && (n = match_prefix(skip_spaces(s + 1))) > 0) {
            s = skip_spaces(s + 1) + n;
            open++;
        } else {
            break;
        }
    }
    const char *e = s + strlen(s);
    for (;;) {
        while (e > s && is_space((unsigned char)e[-1]))
            e--;
        if (open > 0 && e > s && e[-1] == ']') {
            e--;
            open--;
        } else if (e - s >= 5 && strncasecmp(e - 5, "(fwd)", 5) == 0) {
            e -= 5;
        } else {
            break;
        }
    }
    fold(s, (size_t)(e - s), out);
}

/* Phrases that mark an automatic reply wherever they stand. */
static const char *const auto_phrases[] = {
    /* EN */
    "out of office",
    "out of the office",
    "automatic reply",
    "automatic response",
    "auto-reply",
    "auto reply",
    "autoreply",
    "auto-response",
    "auto response",
    "autoresponse",
    "autoresponder",
    "vacation reply",
    /* NL */
    "automatisch antwoord",
    "automatisch bericht",
    "automatische reactie",
    "automatisch beantwoord",
    "afwezigheidsbericht",
    "afwezigheidsmelding",
    "afwezigheidsassistent",
    "niet op kantoor",
    "buiten kantoor",
    /* DE */
    "automatische antwort",
    "abwesenheitsnotiz",
    "abwesenheitsmeldung",
    "abwesenheitsnachricht",
    "abwesenheitsassistent",
    "nicht im büro",
    "automatische rückantwort",
    /* FR */
    "réponse automatique",
    "reponse automatique",
    "absence du bureau",
    "absent du bureau",
    "message d'absence",
    "message d\xe2\x80\x99"
    "absence",
    "notification d'absence",
    "répondeur automatique",
    NULL,
};

/* Words that mark one only as the whole subject or its first word before ':' or '-'. */
static const char *const auto_leads[] = {
    "afwezig",  "abwesend", "absent", "absence", "ooo", "vacation",
    "vakantie", "urlaub",   "congés", "away",    NULL,
};

bool dt_subject_is_autoreply(const char *subject)
{
    if (subject == NULL)
        return false;
    const char *s = subject;
    size_t n;
    while ((n = match_tag(skip_spaces(s))) > 0)
        s = skip_spaces(s) + n;
    struct dt_buf b = DT_BUF_INIT;
    fold(s, strlen(s), &b);
    bool hit = false;
    if (b.data != NULL) {
        for (const char *const *p = auto_phrases; *p && !hit; p++)
            hit = strstr(b.data, *p) != NULL;
        for (const char *const *p = auto_leads; *p && !hit; p++) {
            size_t len = strlen(*p);
            if (strncmp(b.data, *p, len) != 0)
                continue;
            const char *rest = b.data + len;
            if (*rest == ' ')
                rest++;
            hit = *rest == '\0' || *rest == ':' || *rest == '-' || *rest == '(' ||
                  strncmp(rest, "\xe2\x80\x93", 3) == 0; /* en dash */
        }
    }
    dt_buf_free(&b);
    return hit;
}

/* ---- ancestors ---- */

static bool seen(const dt_hash *h, size_t n, dt_hash x)
{
    for (size_t i = 0; i < n; i++)
        if (h[i] == x)
            return true;
    return false;
}

/*
 * When there are more ancestors than room, the first max-1 are kept (the
 * root matters most for the key) and the last slot holds the latest one
 * (the parent), so both ends of the chain can still be found.
 */
size_t dt_thread_ancestors(const struct dt_message *msg, dt_hash *out, size_t max)
{
    if (msg == NULL || out == NULL || max == 0)
        return 0;
    dt_hash self = dt_msgid_hash(msg->message_id);
    size_t n = 0;
    size_t total = msg->references ? msg->n_references : 0;
    for (size_t i = 0; i <= total; i++) {
        const char *id = i < total ? msg->references[i] : msg->in_reply_to;
        dt_hash h = dt_msgid_hash(id);
        if (h == 0 || h == self || seen(out, n, h))
            continue;
        if (n < max)
            out[n++] = h;
        else if (max >= 2)
            out[max - 1] = h;
    }
    return n;
}

dt_hash dt_thread_new_key(const struct dt_message *msg, dt_hash fallback)
{
    dt_hash first;
    if (dt_thread_ancestors(msg, &first, 1) == 1)
        return first;
    dt_hash self = msg ? dt_msgid_hash(msg->message_id) : 0;
    return self ? self : fallback;
}
