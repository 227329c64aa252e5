/*
 * mime_header.c - header blocks and header facts for the MIME module
 * (see mime_int.h).
 *
 * dt_mime_scan_headers() finds the fields of a header block in place, in
 * one pass, whatever the line ends (CRLF or LF) and however long the lines.
 * dt_mime_header_facts() turns the top-level fields into the facts of
 * struct dt_message with libetpan's grammar parsers (mailimf address
 * lists, msg-id lists and dates) and RFC 2047 words decoded by
 * dt_mime_words() (mime_decode.c); address and msg-id lists of the strict
 * form every client writes are read by mime_values.c instead, as libetpan
 * would read them. Values libetpan rejects fall back to a simple, lenient
 * scan (mime_values.c), so a broken header costs that fact's precision,
 * never the message. The sender writes the header: a value whose comments
 * could nest deep enough to exhaust libetpan's recursion is flattened before
 * libetpan sees it (dt_mime_unfold), and a NUL an encoded word carries is
 * dropped, never taken for the end of the text.
 *
 * Failure: dt_mime_header_facts() returns -1 only when memory runs out;
 * what was odd is in msg->warning, one line naming the field.
 */
#include "mime_int.h"

#include <assert.h>
#include <libetpan/libetpan.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dealtemp/bizcal.h"
#include "dealtemp/utf8.h"

/* Addresses or msg-ids kept per field: a bound on hostile headers. */
#define LIST_MAX 1024
/* Display names: address, name, ... strings kept (NAMES_MAX) and gathered
 * before the repeats of an address are dropped (NAMES_RAW_MAX). */
#define NAMES_MAX (LIST_MAX - 2)
#define NAMES_RAW_MAX (4 * LIST_MAX)

static const struct {
    const char *name;
    size_t len;
    enum dt_hfield id;
    bool in_parts; /* also looked up in the headers of body parts */
} known[] = {
    {"content-type", 12, DT_H_CONTENT_TYPE, true},
    {"content-transfer-encoding", 25, DT_H_CTE, true},
    {"content-disposition", 19, DT_H_DISPOSITION, true},
    {"message-id", 10, DT_H_MESSAGE_ID, false},
    {"in-reply-to", 11, DT_H_IN_REPLY_TO, false},
    {"references", 10, DT_H_REFERENCES, false},
    {"from", 4, DT_H_FROM, false},
    {"to", 2, DT_H_TO, false},
    {"cc", 2, DT_H_CC, false},
    {"subject", 7, DT_H_SUBJECT, false},
    {"date", 4, DT_H_DATE, false},
    {"list-id", 7, DT_H_LIST_ID, false},
    {"precedence", 10, DT_H_PRECEDENCE, false},
    {"auto-submitted", 14, DT_H_AUTO_SUBMITTED, false},
    {"x-autoreply", 11, DT_H_X_AUTOREPLY, false},
    {"x-autorespond", 13, DT_H_X_AUTORESPOND, false},
    {"received", 8, DT_H_RECEIVED, false},
};

_Static_assert(sizeof(known) / sizeof(known[0]) == DT_H_COUNT, "one known[] row per field");
_Static_assert(DT_H_COUNT == DT_MIME_FIELDS, "mime.h counts the fields of mime_int.h");

/* The field named name[0..len) if it is read (at the top level or, with
 * top false, in body parts), else -1. */
static int field_id(const char *name, size_t len, bool top)
{
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (known[i].len == len && (top || known[i].in_parts) &&
            strncasecmp(known[i].name, name, len) == 0)
            return (int)known[i].id;
    return -1;
}

int dt_mime_field_index(const char *name, size_t len)
{
    return field_id(name, len, true);
}

size_t dt_mime_field_prefix(const char *p, size_t n, size_t *name_len)
{
    size_t i = 0;
    while (i < n && (unsigned char)p[i] >= 33 && (unsigned char)p[i] <= 126 && p[i] != ':')
        i++;
    if (i == 0)
        return 0;
    *name_len = i;
    while (i < n && (p[i] == ' ' || p[i] == '\t'))
        i++;
    return i < n && p[i] == ':' ? i + 1 : 0;
}

void dt_mime_scan_headers(const char *d, size_t len, bool top, struct dt_headers *h)
{
    size_t pos = 0;
    bool in_field = false;
    int cur = -1; /* the field continuation lines extend, -1 for one we ignore */

    memset(h, 0, sizeof(*h));
    h->body = len;
    while (pos < len) {
        const char *nl = memchr(d + pos, '\n', len - pos);
        size_t end = nl != NULL ? (size_t)(nl - d) : len;
        size_t next = nl != NULL ? end + 1 : len;
        size_t cend = end > pos && d[end - 1] == '\r' ? end - 1 : end;

        if (cend - pos > DT_MIME_LINE_MAX)
            h->long_line = true;
        if (cend == pos) { /* the empty line before the body */
            h->body = next;
            break;
        }
        if (d[pos] == ' ' || d[pos] == '\t') {
            if (!in_field) {
                h->body = pos; /* white space where a field should start: no header here */
                break;
            }
            if (cur >= 0)
                h->f[cur].n = cend - (size_t)(h->f[cur].p - d);
            pos = next;
            continue;
        }
        size_t name_len;
        size_t prefix = dt_mime_field_prefix(d + pos, cend - pos, &name_len);
        if (prefix == 0) {
            h->body = pos; /* not a header line: the body starts here */
            break;
        }
        in_field = true;
        cur = -1;
        int id = field_id(d + pos, name_len, top);
        if (id >= 0 && h->f[id].p == NULL) {
            cur = id;
            h->f[cur].p = d + pos + prefix;
            h->f[cur].n = cend - (pos + prefix);
        }
        pos = next;
    }
    h->nul = memchr(d, '\0', h->body) != NULL;
}

/*
 * The deepest comment nesting libetpan could meet in v[0..n), wherever its
 * parsers start reading a comment. Its lenient address parsers may take a
 * '(' inside a quoted string, or one after a backslash, for the start of a
 * comment (an addr-spec is scanned up to the next '(' when a name-addr
 * fails), so quotes are not trusted: any '(' may open one. Inside a comment
 * the grammar is fixed (RFC 5322 3.2.2): a backslash escapes the next
 * character, an unescaped '(' nests, an unescaped ')' closes. Whether a
 * parenthesis is escaped depends only on the run of backslashes before it
 * (odd: escaped), the same from any start, so the depth reached from any
 * start is at most the running count of unescaped '(' less unescaped ')',
 * floored at 0, and one more from a start at an escaped '('. One pass.
 */
static size_t comment_depth_bound(const char *v, size_t n)
{
    size_t depth = 0, max = 0;
    bool escaped = false, escaped_open = false;

    for (size_t i = 0; i < n; i++) {
        char c = v[i];
        if (escaped) {
            escaped = false;
            escaped_open |= c == '(';
            continue;
        }
        if (c == '\\')
            escaped = true;
        else if (c == '(' && ++depth > max)
            max = depth;
        else if (c == ')' && depth > 0)
            depth--;
    }
    return max + (escaped_open ? 1 : 0);
}

/*
 * Remove the comments of b (RFC 5322: outside quoted strings; they nest;
 * a backslash escapes the next character in both), then blank every
 * parenthesis left (in quoted strings, stray ones): no '(' remains for
 * libetpan to recurse on. Dropping the comments whole, not only their
 * parentheses, keeps the words inside from being glued onto a domain.
 */
static void drop_comments(struct dt_buf *b)
{
    size_t k = 0, depth = 0;
    bool quoted = false;

    for (size_t i = 0; i < b->len; i++) {
        char c = b->data[i];
        if (depth > 0) {
            if (c == '\\')
                i++; /* the escaped character goes with it */
            else if (c == '(')
                depth++;
            else if (c == ')')
                depth--;
            continue;
        }
        if (c == '(' && !quoted) {
            depth = 1;
            continue;
        }
        if (c == '"')
            quoted = !quoted;
        else if (c == '\\' && quoted && i + 1 < b->len)
            b->data[k++] = b->data[i++];
        c = b->data[i];
        b->data[k++] = c == '(' || c == ')' ? ' ' : c;
    }
    b->len = k;
    b->data[k] = '\0';
}

const char *dt_mime_unfold(struct dt_buf *b, struct dt_slice s, size_t *n, struct dt_message *msg,
                           const char *field)
{
    dt_buf_reset(b);
    *n = 0;
    size_t lim = s.n < DT_MIME_FIELD_MAX ? s.n : DT_MIME_FIELD_MAX;
    if (!dt_buf_reserve(b, lim))
        return "";
    for (size_t i = 0; i < lim && s.p != NULL; i++) {
        char c = s.p[i];
        if (c == '\r' || c == '\n' || c == '\0')
            continue;
        if ((c == ' ' || c == '\t') && b->len == 0)
            continue;
        b->data[b->len++] = c;
    }
    while (b->len > 0 && (b->data[b->len - 1] == ' ' || b->data[b->len - 1] == '\t'))
        b->len--;
    b->data[b->len] = '\0';
    if (field != NULL && comment_depth_bound(b->data, b->len) > DT_MIME_COMMENT_DEPTH) {
        drop_comments(b);
        assert(comment_depth_bound(b->data, b->len) == 0);
        if (msg != NULL)
            dt_mime_warn(msg, "%s: comments nested deeper than %d levels removed", field,
                         DT_MIME_COMMENT_DEPTH);
    }
    *n = b->len;
    return b->data;
}

void dt_mime_warn(struct dt_message *msg, const char *fmt, ...)
{
    va_list ap;

    if (msg->warning[0] != '\0')
        return;
    va_start(ap, fmt);
    vsnprintf(msg->warning, sizeof(msg->warning), fmt, ap);
    va_end(ap);
    for (char *c = msg->warning; *c != '\0'; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
            *c = '?';
}

/* --- building the facts ---------------------------------------------------- */

/* A NULL-terminated vector of strings under construction. */
struct strv {
    char **v;
    size_t n, cap;
};

struct facts {
    struct dt_message *msg;
    struct dt_buf *scratch; /* the unfolded value being parsed */
    struct dt_buf tmp;      /* text being cleaned */
    struct strv names;      /* address, display name, address, display name, ... */
    bool oom;
};

/* Append a copy of s[0..n) unless sv holds max strings already. */
static void strv_push_max(struct facts *f, struct strv *sv, const char *s, size_t n, size_t max)
{
    if (sv->n >= max || f->oom)
        return;
    if (sv->n + 1 >= sv->cap) {
        size_t cap = sv->cap ? sv->cap * 2 : 4;
        char **v = realloc(sv->v, cap * sizeof(*v));
        if (v == NULL) {
            f->oom = true;
            return;
        }
        sv->v = v;
        sv->cap = cap;
    }
    char *copy = strndup(s, n);
    if (copy == NULL) {
        f->oom = true;
        return;
    }
    sv->v[sv->n++] = copy;
    sv->v[sv->n] = NULL;
}

static void strv_push(struct facts *f, struct strv *sv, const char *s, size_t n)
{
    strv_push_max(f, sv, s, n, LIST_MAX);
}

/* Hand the vector over: never NULL unless memory ran out. */
static char **strv_finish(struct facts *f, struct strv *sv, size_t *n)
{
    if (sv->v == NULL) {
        sv->v = calloc(1, sizeof(*sv->v));
        if (sv->v == NULL)
            f->oom = true;
    }
    *n = sv->n;
    return sv->v;
}

/*
 * A copy of s[0..n) as one clean line of UTF-8: read as UTF-8 if valid,
 * else as Windows-1252; tabs and line breaks become spaces; trimmed.
 */
static char *clean_line(struct facts *f, const char *s, size_t n, bool lower)
{
    struct dt_buf *t = &f->tmp;

    dt_buf_reset(t);
    if (dt_utf8_valid(s, n))
        dt_utf8_clean(t, s, n);
    else
        dt_mime_cp1252(t, s, n);
    if (dt_buf_failed(t)) {
        f->oom = true;
        return NULL;
    }
    size_t a = 0, z = t->len;
    for (size_t i = 0; i < z; i++) {
        if (t->data[i] == '\t' || t->data[i] == '\n')
            t->data[i] = ' ';
        else if (lower)
            t->data[i] = (char)dt_ascii_lower((unsigned char)t->data[i]);
    }
    while (a < z && t->data[a] == ' ')
        a++;
    while (z > a && t->data[z - 1] == ' ')
        z--;
    char *r = strndup(t->data + a, z - a);
    if (r == NULL)
        f->oom = true;
    return r;
}

static void push_addr(struct facts *f, struct strv *sv, const char *a, size_t n)
{
    struct dt_buf *t = &f->tmp;
    dt_buf_reset(t);
    dt_utf8_clean(t, a, n);
    if (dt_buf_failed(t)) {
        f->oom = true;
        return;
    }
    for (size_t i = 0; i < t->len; i++)
        t->data[i] = (char)dt_ascii_lower((unsigned char)t->data[i]);
    strv_push(f, sv, t->data, t->len);
}

static char *decode_phrase(struct facts *f, const char *field, const char *v, size_t n);

struct name_at {
    const char *addr;
    size_t pair;
};

static int cmp_name_at(const void *a, const void *b)
{
    const struct name_at *x = a, *y = b;
    int c = strcmp(x->addr, y->addr);
    return c != 0 ? c : (x->pair > y->pair) - (x->pair < y->pair);
}

/*
 * Keep the first name of each address in f->names, in the order they came,
 * at most NAMES_MAX strings: sorted by address (then by position), so the
 * cost is O(k log k) whatever the sender chose the addresses to be.
 */
static void dedupe_names(struct facts *f)
{
    struct strv *sv = &f->names;
    if (sv->n % 2 != 0) /* an address whose name could not be copied */
        free(sv->v[--sv->n]);
    size_t pairs = sv->n / 2, out = 0;
    if (pairs == 0)
        return;
    struct name_at *at = malloc(pairs * sizeof(*at));
    bool *drop = calloc(pairs, sizeof(*drop));
    if (at == NULL || drop == NULL) {
        free(at);
        free(drop);
        f->oom = true;
        return;
    }
    for (size_t i = 0; i < pairs; i++)
        at[i] = (struct name_at){sv->v[2 * i], i};
    qsort(at, pairs, sizeof(*at), cmp_name_at);
    for (size_t k = 1; k < pairs; k++)
        if (strcmp(at[k].addr, at[k - 1].addr) == 0)
            drop[at[k].pair] = true;
    for (size_t i = 0; i < pairs; i++) {
        if (drop[i] || out + 2 > NAMES_MAX) {
            free(sv->v[2 * i]);
            free(sv->v[2 * i + 1]);
        } else {
            sv->v[out++] = sv->v[2 * i];
            sv->v[out++] = sv->v[2 * i + 1];
        }
    }
    sv->n = out;
    sv->v[out] = NULL;
    free(at);
    free(drop);
}

/*
 * A mailbox's address, and its display name (RFC 2047 words decoded, one
 * clean line, at most NAME_MAX_BYTES) beside it in f->names when it has
 * one that is not just the address again. An address named twice is
 * pushed twice: dedupe_names() keeps the first name of each, at the end
 * and whenever NAMES_RAW_MAX strings are gathered (a look-up per address
 * would cost the square of the names).
 */
#define NAME_MAX_BYTES 200
static void push_named(struct facts *f, const char *field, struct strv *sv, const char *spec,
                       size_t spec_len, const char *display, size_t display_len)
{
    size_t before = sv->n;
    push_addr(f, sv, spec, spec_len);
    if (display == NULL || f->oom || sv->n == before)
        return; /* no name, or the list is full: the name is not this address's */
    const char *addr = sv->v[sv->n - 1];
    char *name = decode_phrase(f, field, display, display_len);
    if (name == NULL)
        return;
    size_t len = strlen(name);
    if (len > NAME_MAX_BYTES) { /* cut on a character boundary */
        len = NAME_MAX_BYTES;
        while (len > 0 && ((unsigned char)name[len] & 0xc0) == 0x80)
            len--;
    }
    /* Quotes and brackets some clients leave around a name. */
    const char *n0 = name;
    while (len > 0 && (*n0 == '"' || *n0 == '\'' || *n0 == ' ')) {
        n0++;
        len--;
    }
    while (len > 0 && (n0[len - 1] == '"' || n0[len - 1] == '\'' || n0[len - 1] == ' '))
        len--;
    if (len > 0 && !(len == strlen(addr) && strncasecmp(n0, addr, len) == 0)) {
        if (f->names.n + 2 > NAMES_RAW_MAX)
            dedupe_names(f); /* repeats must not crowd out names still to come */
        strv_push_max(f, &f->names, addr, strlen(addr), NAMES_RAW_MAX);
        strv_push_max(f, &f->names, n0, len, NAMES_RAW_MAX);
    }
    free(name);
}

static void push_mailbox(struct facts *f, const char *field, struct strv *sv,
                         const struct mailimf_mailbox *mb)
{
    const char *name = mb->mb_display_name;
    push_named(f, field, sv, mb->mb_addr_spec, strlen(mb->mb_addr_spec), name,
               name != NULL ? strlen(name) : 0);
}

/* Where mime_values.c hands the addresses and ids it reads. */
struct pushing {
    struct facts *f;
    struct strv *sv;
    const char *field;
};

static void addr_to(const char *spec, size_t spec_n, const char *display, size_t display_n,
                    void *arg)
{
    struct pushing *to = arg;
    if (!to->f->oom)
        push_named(to->f, to->field, to->sv, spec, spec_n, display, display_n);
}

static void free_strv(struct strv *sv)
{
    for (size_t i = 0; i < sv->n; i++)
        free(sv->v[i]);
    free(sv->v);
    sv->v = NULL;
    sv->n = sv->cap = 0;
}

static void parse_addrs(struct facts *f, const char *field, struct dt_slice s, struct strv *sv)
{
    size_t n, idx = 0;
    const char *v = dt_mime_unfold(f->scratch, s, &n, f->msg, field);
    struct mailimf_address_list *al = NULL;
    bool ok = false;

    struct pushing to = {f, sv, field};
    if (n == 0 || dt_mime_plain_addrs(v, n, addr_to, &to))
        return;
    int r = mailimf_address_list_parse(v, n, &idx, &al);
    if (r == MAILIMF_ERROR_MEMORY) {
        f->oom = true;
        return;
    }
    if (r == MAILIMF_NO_ERROR) {
        ok = strspn(v + idx, " \t,;") == n - idx; /* trailing separators are harmless */
        for (clistiter *it = clist_begin(al->ad_list); it != NULL && ok; it = clist_next(it)) {
            struct mailimf_address *ad = clist_content(it);
            clist *mbs = NULL;
            if (ad->ad_type == MAILIMF_ADDRESS_MAILBOX) {
                struct mailimf_mailbox *mb = ad->ad_data.ad_mailbox;
                if (!dt_mime_plausible_addr(mb->mb_addr_spec))
                    ok = false;
                else
                    push_mailbox(f, field, sv, mb);
                continue;
            }
            if (ad->ad_data.ad_group->grp_mb_list != NULL)
                mbs = ad->ad_data.ad_group->grp_mb_list->mb_list;
            for (clistiter *m = mbs ? clist_begin(mbs) : NULL; m != NULL; m = clist_next(m)) {
                struct mailimf_mailbox *mb = clist_content(m);
                if (!dt_mime_plausible_addr(mb->mb_addr_spec))
                    ok = false;
                else
                    push_mailbox(f, field, sv, mb);
            }
        }
        mailimf_address_list_free(al);
    }
    if (!ok) {
        free_strv(sv);
        dt_mime_scan_addrs(v, n, addr_to, &to);
    }
}

/* A msg-id without its brackets, if it is one: no white space or control bytes. */
static void push_id(struct facts *f, struct strv *sv, const char *id, size_t n)
{
    while (n > 0 && (*id == '<' || *id == ' ' || *id == '\t')) {
        id++;
        n--;
    }
    while (n > 0 && (id[n - 1] == '>' || id[n - 1] == ' ' || id[n - 1] == '\t'))
        n--;
    if (n == 0)
        return;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)id[i] <= 0x20 || id[i] == 0x7f || id[i] == '<' || id[i] == '>')
            return;
    struct dt_buf *t = &f->tmp;
    dt_buf_reset(t);
    dt_utf8_clean(t, id, n);
    if (dt_buf_failed(t))
        f->oom = true;
    else
        strv_push(f, sv, t->data, t->len);
}

static bool id_to(const char *id, size_t n, void *arg)
{
    struct pushing *to = arg;
    size_t before = to->sv->n;
    if (!to->f->oom)
        push_id(to->f, to->sv, id, n);
    return to->sv->n > before;
}

static void parse_ids(struct facts *f, const char *field, struct dt_slice s, struct strv *sv)
{
    size_t n, idx = 0;
    const char *v = dt_mime_unfold(f->scratch, s, &n, f->msg, field);
    clist *ids = NULL;

    struct pushing to = {f, sv, field};
    if (n == 0 || dt_mime_plain_ids(v, n, id_to, &to))
        return;
    int r = mailimf_msg_id_list_parse(v, n, &idx, &ids);
    if (r == MAILIMF_ERROR_MEMORY) {
        f->oom = true;
        return;
    }
    if (r == MAILIMF_NO_ERROR) {
        for (clistiter *it = clist_begin(ids); it != NULL; it = clist_next(it)) {
            char *id = clist_content(it);
            push_id(f, sv, id, strlen(id));
            free(id);
        }
        clist_free(ids);
    }
    if (sv->n == 0)
        dt_mime_scan_ids(v, n, id_to, &to);
}

/* True if the value has a white-space separated token "UT" (libetpan misreads that zone). */
static bool has_ut_zone(const char *v, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        if ((v[i] == 'U' || v[i] == 'u') && (v[i + 1] == 'T' || v[i + 1] == 't') &&
            (i == 0 || v[i - 1] == ' ' || v[i - 1] == '\t') &&
            (i + 2 == n || v[i + 2] == ' ' || v[i + 2] == '\t' || v[i + 2] == '('))
            return true;
    return false;
}

static time_t parse_date(struct facts *f, const char *field, struct dt_slice s)
{
    size_t n, idx = 0;
    const char *v = dt_mime_unfold(f->scratch, s, &n, f->msg, field);
    struct mailimf_date_time *dt = NULL;

    if (n == 0)
        return (time_t)-1;
    int r = mailimf_date_time_parse(v, n, &idx, &dt);
    if (r != MAILIMF_NO_ERROR) {
        if (r == MAILIMF_ERROR_MEMORY)
            f->oom = true;
        return (time_t)-1;
    }
    int y = dt->dt_year, mo = dt->dt_month, d = dt->dt_day;
    int h = dt->dt_hour, mi = dt->dt_min, sec = dt->dt_sec, z = dt->dt_zone;
    mailimf_date_time_free(dt);
    /* RFC 5322 4.3: two-digit years below 50 are 20xx, other short years 19xx. */
    if (y >= 0 && y < 50)
        y += 2000;
    else if (y >= 50 && y < 1000)
        y += 1900;
    if (y < 1900 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 ||
        mi > 59 || sec < 0 || sec > 60)
        return (time_t)-1;
    long long az = z < 0 ? -(long long)z : z; /* INT_MIN too: libetpan reads any digits */
    if (az / 100 > 23 || az % 100 > 59 || has_ut_zone(v, n))
        az = 0; /* a nonsense zone is read as UTC, like an unknown one */
    long long off = (long long)(az / 100) * 3600 + (az % 100) * 60;
    if (z < 0)
        off = -off;
    long long t = (long long)dt_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
    return (time_t)(t - off);
}

/*
 * A Received header ends with "; date-time" (RFC 5322 3.6.7): the date is
 * whatever follows the last ';'. Without one there is no date to read.
 */
static time_t parse_received(struct facts *f, struct dt_slice s)
{
    size_t lim = s.n < DT_MIME_FIELD_MAX ? s.n : DT_MIME_FIELD_MAX;
    const char *semi = memrchr(s.p, ';', lim);

    if (semi == NULL)
        return (time_t)-1;
    struct dt_slice d = {semi + 1, lim - (size_t)(semi + 1 - s.p)};
    return parse_date(f, "Received", d);
}

static char *parse_subject(struct facts *f, struct dt_slice s)
{
    size_t n;
    const char *v = dt_mime_unfold(f->scratch, s, &n, NULL, NULL);
    return decode_phrase(f, "Subject", v, n);
}

/* v[0..n) with RFC 2047 encoded words decoded, as one clean line. */
static char *decode_phrase(struct facts *f, const char *field, const char *v, size_t n)
{
    /* Plain values (most of them) are only cleaned. */
    if (memmem(v, n, "=?", 2) == NULL)
        return clean_line(f, v, n, false);
    struct dt_buf words = DT_BUF_INIT;
    struct dt_conv conv;
    dt_mime_words(&words, v, n, &conv);
    if (dt_buf_failed(&words)) {
        dt_buf_free(&words);
        f->oom = true;
        return NULL;
    }
    if (conv.nul)
        dt_mime_warn(f->msg, "%s: NUL bytes dropped from an encoded word", field);
    char *res = clean_line(f, words.data != NULL ? words.data : "", words.len, false);
    dt_buf_free(&words);
    return res;
}

static char *parse_text(struct facts *f, struct dt_slice s, bool lower)
{
    size_t n;
    const char *v = dt_mime_unfold(f->scratch, s, &n, NULL, NULL);
    return clean_line(f, v, n, lower);
}

int dt_mime_header_facts(struct dt_message *msg, const struct dt_headers *h, struct dt_buf *scratch)
{
    struct facts f = {msg, scratch, DT_BUF_INIT, {NULL, 0, 0}, false};
    struct strv sv = {NULL, 0, 0};

    if (h->f[DT_H_MESSAGE_ID].p != NULL) {
        parse_ids(&f, "Message-ID", h->f[DT_H_MESSAGE_ID], &sv);
        if (sv.n > 0) {
            msg->message_id = sv.v[0];
            sv.v[0] = NULL;
        }
        free_strv(&sv);
    }
    if (h->f[DT_H_IN_REPLY_TO].p != NULL) {
        parse_ids(&f, "In-Reply-To", h->f[DT_H_IN_REPLY_TO], &sv);
        if (sv.n > 0) {
            msg->in_reply_to = sv.v[0];
            sv.v[0] = NULL;
        }
        free_strv(&sv);
    }
    if (h->f[DT_H_FROM].p != NULL) {
        parse_addrs(&f, "From", h->f[DT_H_FROM], &sv);
        if (sv.n > 0) {
            msg->from = sv.v[0];
            sv.v[0] = NULL;
        }
        free_strv(&sv);
    }
    if (h->f[DT_H_REFERENCES].p != NULL)
        parse_ids(&f, "References", h->f[DT_H_REFERENCES], &sv);
    msg->references = strv_finish(&f, &sv, &msg->n_references);
    sv = (struct strv){NULL, 0, 0};
    if (h->f[DT_H_TO].p != NULL)
        parse_addrs(&f, "To", h->f[DT_H_TO], &sv);
    msg->to = strv_finish(&f, &sv, &msg->n_to);
    sv = (struct strv){NULL, 0, 0};
    if (h->f[DT_H_CC].p != NULL)
        parse_addrs(&f, "Cc", h->f[DT_H_CC], &sv);
    msg->cc = strv_finish(&f, &sv, &msg->n_cc);
    dedupe_names(&f);
    msg->names = strv_finish(&f, &f.names, &msg->n_names);
    msg->n_names /= 2;

    msg->date = h->f[DT_H_DATE].p != NULL ? parse_date(&f, "Date", h->f[DT_H_DATE]) : (time_t)-1;
    msg->received =
        h->f[DT_H_RECEIVED].p != NULL ? parse_received(&f, h->f[DT_H_RECEIVED]) : (time_t)-1;
    if (h->f[DT_H_SUBJECT].p != NULL)
        msg->subject = parse_subject(&f, h->f[DT_H_SUBJECT]);
    if (h->f[DT_H_LIST_ID].p != NULL)
        msg->list_id = parse_text(&f, h->f[DT_H_LIST_ID], false);
    if (h->f[DT_H_PRECEDENCE].p != NULL)
        msg->precedence = parse_text(&f, h->f[DT_H_PRECEDENCE], true);
    if (h->f[DT_H_AUTO_SUBMITTED].p != NULL)
        msg->auto_submitted = parse_text(&f, h->f[DT_H_AUTO_SUBMITTED], true);
    msg->x_autoreply = h->f[DT_H_X_AUTOREPLY].p != NULL || h->f[DT_H_X_AUTORESPOND].p != NULL;

    dt_buf_free(&f.tmp);
    return f.oom || dt_buf_failed(scratch) ? -1 : 0;
}
