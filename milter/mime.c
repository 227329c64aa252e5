/*
 * mime.c - one raw RFC 5322 message -> the author's text as UTF-8 and the
 * header facts (see mime.h).
 *
 * dt_mime_parse() walks the MIME tree in place: header blocks are scanned
 * without copying (CRLF or LF line ends alike), Content-Type,
 * Content-Transfer-Encoding and Content-Disposition values are parsed with
 * libetpan (mailmime_content_parse, mailmime_encoding_parse,
 * mailmime_disposition_parse), and multipart bodies are split at their
 * delimiter lines in one linear pass per nesting level. Only the part that
 * is finally chosen (the first inline text/plain, else the first text/html;
 * a blank text/plain beside an HTML part counts as absent) is decoded and
 * converted, so attachments cost a scan, never a copy. A "multipart" body
 * without its declared boundary is split at the boundary it really uses,
 * else read as text/plain if it looks like text. dt_message_free()
 * releases a result.
 *
 * Failure: -1 with one line in err only for an empty input, an input that
 * does not start with a header field, or an allocation failure. Broken MIME
 * is recovered from and the first oddity is reported in msg->warning.
 */
#include "dealtemp/mime.h"

#include <libetpan/libetpan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dealtemp/html.h"
#include "mime_int.h"

#define MAX_DEPTH 16   /* multipart nesting followed; deeper parts are skipped */
#define MAX_PARTS 1000 /* parts looked at per message */
#define PATH_LEN 96    /* "1.2.3" part numbers, IMAP style */
#define CHARSET_LEN 48
#define BOUNDARY_LEN 200 /* RFC 2046 allows 70; be generous, but bounded */

enum kind { K_PLAIN, K_HTML, K_MULTI, K_MESSAGE, K_OTHER };

/* What the header fields of one entity say about it. */
struct entity {
    enum kind kind;
    bool attachment;
    bool report; /* multipart/report */
    bool digest; /* multipart/digest: parts default to message/rfc822 */
    int enc;     /* MAILMIME_MECHANISM_* */
    char charset[CHARSET_LEN];
    char boundary[BOUNDARY_LEN + 1];
    bool has_boundary;
};

/* A candidate for the text: where its body is and how to decode it. */
struct pick {
    bool found;
    struct dt_slice body;
    int enc;
    char charset[CHARSET_LEN];
    char path[PATH_LEN];
};

struct walk {
    struct dt_message *msg;
    struct dt_buf scratch; /* unfolded header values */
    struct pick plain, html;
    struct pick fallback; /* a "multipart" body without any delimiter, read as text */
    unsigned parts;
    bool oom;
};

static void walk_entity(struct walk *w, const char *data, size_t len, const struct dt_headers *h,
                        const char *path, int depth, bool digest_parent);

static void copy_param(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size)
        n = 0; /* too long to be a real charset or boundary: treated as absent */
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void read_content_type(struct walk *w, struct dt_slice s, struct entity *e)
{
    size_t n, idx = 0;
    const char *v = dt_mime_unfold(&w->scratch, s, &n, w->msg, "Content-Type");
    struct mailmime_content *ct = NULL;

    int r = mailmime_content_parse(v, n, &idx, &ct);
    if (r != MAILIMF_NO_ERROR) {
        if (r == MAILIMF_ERROR_MEMORY)
            w->oom = true;
        e->kind = K_PLAIN; /* RFC 2045 5.2: an unusable Content-Type means text/plain */
        return;
    }
    struct mailmime_type *t = ct->ct_type;
    const char *sub = ct->ct_subtype != NULL ? ct->ct_subtype : "";
    bool named = false;
    e->kind = K_OTHER;
    if (t->tp_type == MAILMIME_TYPE_DISCRETE_TYPE &&
        t->tp_data.tp_discrete_type->dt_type == MAILMIME_DISCRETE_TYPE_TEXT) {
        if (strcasecmp(sub, "plain") == 0)
            e->kind = K_PLAIN;
        else if (strcasecmp(sub, "html") == 0)
            e->kind = K_HTML;
    } else if (t->tp_type == MAILMIME_TYPE_COMPOSITE_TYPE) {
        int c = t->tp_data.tp_composite_type->ct_type;
        if (c == MAILMIME_COMPOSITE_TYPE_MULTIPART) {
            e->kind = K_MULTI;
            e->report = strcasecmp(sub, "report") == 0;
            e->digest = strcasecmp(sub, "digest") == 0;
        } else if (c == MAILMIME_COMPOSITE_TYPE_MESSAGE) {
            e->kind = K_MESSAGE;
        }
    }
    for (clistiter *it = clist_begin(ct->ct_parameters); it != NULL; it = clist_next(it)) {
        struct mailmime_parameter *p = clist_content(it);
        if (strcasecmp(p->pa_name, "charset") == 0) {
            copy_param(e->charset, sizeof(e->charset), p->pa_value);
        } else if (strcasecmp(p->pa_name, "boundary") == 0) {
            copy_param(e->boundary, sizeof(e->boundary), p->pa_value);
            e->has_boundary = e->boundary[0] != '\0';
        } else if (strncasecmp(p->pa_name, "name", 4) == 0) {
            named = true; /* name, name*, name*0: RFC 2231 forms included */
        }
    }
    mailmime_content_free(ct);
    if (named)
        e->attachment = true; /* unless the disposition says inline, see below */
}

static void read_disposition(struct walk *w, struct dt_slice s, struct entity *e)
{
    size_t n, idx = 0;
    const char *v = dt_mime_unfold(&w->scratch, s, &n, w->msg, "Content-Disposition");
    struct mailmime_disposition *d = NULL;

    int r = mailmime_disposition_parse(v, n, &idx, &d);
    if (r != MAILIMF_NO_ERROR) {
        if (r == MAILIMF_ERROR_MEMORY)
            w->oom = true;
        return;
    }
    int type = d->dsp_type->dsp_type;
    bool named = false;
    for (clistiter *it = clist_begin(d->dsp_parms); it != NULL; it = clist_next(it)) {
        struct mailmime_disposition_parm *p = clist_content(it);
        if (p->pa_type == MAILMIME_DISPOSITION_PARM_FILENAME ||
            (p->pa_type == MAILMIME_DISPOSITION_PARM_PARAMETER &&
             strncasecmp(p->pa_data.pa_parameter->pa_name, "filename", 8) == 0))
            named = true;
    }
    mailmime_disposition_free(d);
    if (type == MAILMIME_DISPOSITION_TYPE_ATTACHMENT)
        e->attachment = true;
    else if (type == MAILMIME_DISPOSITION_TYPE_INLINE)
        e->attachment = false; /* an inline part is shown as text, named or not */
    else if (named)
        e->attachment = true;
}

static void read_entity(struct walk *w, const struct dt_headers *h, bool digest_parent,
                        struct entity *e)
{
    memset(e, 0, sizeof(*e));
    e->kind = digest_parent ? K_MESSAGE : K_PLAIN;
    e->enc = MAILMIME_MECHANISM_8BIT;
    if (h->f[DT_H_CONTENT_TYPE].p != NULL)
        read_content_type(w, h->f[DT_H_CONTENT_TYPE], e);
    if (h->f[DT_H_CTE].p != NULL) {
        size_t n, idx = 0;
        const char *v =
            dt_mime_unfold(&w->scratch, h->f[DT_H_CTE], &n, w->msg, "Content-Transfer-Encoding");
        struct mailmime_mechanism *m = NULL;
        int r = mailmime_encoding_parse(v, n, &idx, &m);
        if (r == MAILIMF_NO_ERROR) {
            e->enc = m->enc_type;
            mailmime_mechanism_free(m);
        } else if (r == MAILIMF_ERROR_MEMORY) {
            w->oom = true;
        }
    }
    if (h->f[DT_H_DISPOSITION].p != NULL)
        read_disposition(w, h->f[DT_H_DISPOSITION], e);
}

/* Where a delimiter line "--boundary" starts, what kind it is. */
enum delim { D_NONE, D_OPEN, D_CLOSE };

static enum delim delimiter(const char *line, size_t n, const char *b, size_t blen)
{
    if (n < blen + 2 || line[0] != '-' || line[1] != '-' || memcmp(line + 2, b, blen) != 0)
        return D_NONE;
    size_t i = blen + 2;
    if (i + 1 < n && line[i] == '-' && line[i + 1] == '-')
        return D_CLOSE;
    /* Only transport padding may follow, or "--b" would match "--b2" of a nested part. */
    for (; i < n; i++)
        if (line[i] != ' ' && line[i] != '\t')
            return D_NONE;
    return D_OPEN;
}

static void child_path(char *out, const char *path, unsigned i)
{
    if (path[0] == '\0')
        snprintf(out, PATH_LEN, "%u", i);
    else
        snprintf(out, PATH_LEN, "%s.%u", path, i);
}

static void handle_part(struct walk *w, const char *p, size_t n, const char *path, unsigned i,
                        int depth, bool digest)
{
    char cpath[PATH_LEN];
    struct dt_headers h;

    if ((w->plain.found && w->html.found) || w->oom)
        return; /* nothing later can matter */
    if (++w->parts > MAX_PARTS) {
        dt_mime_warn(w->msg, "more than %d MIME parts, the rest ignored", MAX_PARTS);
        return;
    }
    child_path(cpath, path, i);
    dt_mime_scan_headers(p, n, false, &h);
    walk_entity(w, p, n, &h, cpath, depth + 1, digest);
}

/*
 * Split body[0..n) at the delimiter lines of boundary b and walk each part.
 * The line break before a delimiter belongs to the delimiter (RFC 2046).
 * Returns the number of delimiter lines seen.
 */
static unsigned split(struct walk *w, const char *body, size_t n, const char *b, const char *path,
                      int depth, bool digest)
{
    size_t blen = strlen(b), pos = 0, start = 0;
    unsigned seen = 0, part = 0;
    bool in_part = false, closed = false;

    while (pos < n && !closed) {
        const char *nl = memchr(body + pos, '\n', n - pos);
        size_t end = nl != NULL ? (size_t)(nl - body) : n;
        size_t next = nl != NULL ? end + 1 : n;
        size_t cend = end > pos && body[end - 1] == '\r' ? end - 1 : end;
        enum delim d = body[pos] == '-' ? delimiter(body + pos, cend - pos, b, blen) : D_NONE;
        if (d != D_NONE) {
            seen++;
            if (in_part) {
                size_t pend = pos;
                if (pend > start && body[pend - 1] == '\n')
                    pend--;
                if (pend > start && body[pend - 1] == '\r')
                    pend--;
                handle_part(w, body + start, pend - start, path, ++part, depth, digest);
            }
            in_part = d == D_OPEN;
            closed = d == D_CLOSE;
            start = next;
        }
        pos = next;
    }
    if (in_part) {
        /* The data ended inside a part: usually a message cut short. Keep what is there. */
        handle_part(w, body + start, n - start, path, ++part, depth, digest);
        dt_mime_warn(w->msg, "missing closing boundary \"%.60s\"", b);
    }
    return seen;
}

/*
 * The boundary the body actually uses when the declared one is absent or
 * wrong: the first "--something" line followed by a Content- field.
 */
static bool guess_boundary(const char *body, size_t n, char *out, size_t size)
{
    size_t pos = 0;
    while (pos < n) {
        const char *nl = memchr(body + pos, '\n', n - pos);
        if (nl == NULL)
            return false;
        size_t end = (size_t)(nl - body), next = end + 1;
        size_t cend = end > pos && body[end - 1] == '\r' ? end - 1 : end;
        if (cend - pos > 2 && body[pos] == '-' && body[pos + 1] == '-' && n - next >= 8 &&
            strncasecmp(body + next, "content-", 8) == 0) {
            while (cend > pos + 2 && (body[cend - 1] == ' ' || body[cend - 1] == '\t'))
                cend--;
            size_t blen = cend - pos - 2;
            if (blen >= size || memchr(body + pos + 2, ' ', blen) != NULL)
                return false;
            memcpy(out, body + pos + 2, blen);
            out[blen] = '\0';
            return true;
        }
        pos = next;
    }
    return false;
}

static void walk_multipart(struct walk *w, const char *body, size_t n, const struct entity *e,
                           const char *path, int depth)
{
    char guessed[BOUNDARY_LEN + 1];

    if (depth >= MAX_DEPTH) {
        dt_mime_warn(w->msg, "MIME nesting deeper than %d levels, inner parts ignored", MAX_DEPTH);
        return;
    }
    if (e->has_boundary && split(w, body, n, e->boundary, path, depth, e->digest) > 0)
        return;
    if (guess_boundary(body, n, guessed, sizeof(guessed)) &&
        split(w, body, n, guessed, path, depth, e->digest) > 0) {
        dt_mime_warn(w->msg, "boundary \"%.60s\" not found, used \"%.60s\"",
                     e->has_boundary ? e->boundary : "", guessed);
        return;
    }
    /* No structure at all: perhaps plain text under a wrong header. */
    dt_mime_warn(w->msg, "boundary \"%.60s\" not found", e->has_boundary ? e->boundary : "");
    if (!w->fallback.found) {
        w->fallback.found = true;
        w->fallback.body = (struct dt_slice){body, n};
        w->fallback.enc = e->enc;
        snprintf(w->fallback.path, PATH_LEN, "%s", path[0] != '\0' ? path : "1");
    }
}

static void walk_entity(struct walk *w, const char *data, size_t len, const struct dt_headers *h,
                        const char *path, int depth, bool digest_parent)
{
    struct entity e;

    if (h->long_line)
        dt_mime_warn(w->msg, "header line over %d bytes", DT_MIME_LINE_MAX);
    read_entity(w, h, digest_parent, &e);
    if (depth == 0)
        w->msg->is_report = e.kind == K_MULTI && e.report;
    const char *body = data + h->body;
    size_t n = len - h->body;
    if (e.kind == K_MULTI) {
        walk_multipart(w, body, n, &e, path, depth);
        return;
    }
    struct pick *p = e.kind == K_PLAIN ? &w->plain : e.kind == K_HTML ? &w->html : NULL;
    if (p == NULL || p->found || e.attachment)
        return;
    p->found = true;
    p->body = (struct dt_slice){body, n};
    p->enc = e.enc;
    memcpy(p->charset, e.charset, sizeof(p->charset));
    snprintf(p->path, PATH_LEN, "%s", path[0] != '\0' ? path : "1");
}

/* The charset an HTML part declares in a <meta> tag, for parts whose header does not. */
static void sniff_meta_charset(const char *s, size_t n, char *out, size_t size)
{
    size_t lim = n < 2048 ? n : 2048;
    const char *p = memmem(s, lim, "charset=", 8);
    if (p == NULL)
        p = memmem(s, lim, "CHARSET=", 8);
    if (p == NULL)
        return;
    p += 8;
    const char *end = s + lim;
    if (p < end && (*p == '"' || *p == '\''))
        p++;
    size_t k = 0;
    while (p + k < end && k + 1 < size && p[k] != '"' && p[k] != '\'' && p[k] != ';' &&
           p[k] != '>' && p[k] != ' ' && p[k] != '/')
        k++;
    memcpy(out, p, k);
    out[k] = '\0';
}

static bool printable(const char *s, size_t n)
{
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f')
            bad++;
    }
    return bad * 100 <= n;
}

static bool blank(const struct dt_buf *b)
{
    for (size_t i = 0; i < b->len; i++)
        if (b->data[i] != ' ' && b->data[i] != '\t' && b->data[i] != '\n')
            return false;
    return true;
}

/* Decode the chosen part into the message text. */
static void extract(struct walk *w, struct pick *p, bool html, struct dt_buf *text)
{
    struct dt_buf dec = DT_BUF_INIT, conv_out = DT_BUF_INIT;
    const char *data = p->body.p;
    size_t n = p->body.n;
    bool truncated = false;
    struct dt_conv conv;

    if (p->enc == MAILMIME_MECHANISM_BASE64 || p->enc == MAILMIME_MECHANISM_QUOTED_PRINTABLE) {
        if (p->enc == MAILMIME_MECHANISM_BASE64)
            dt_mime_base64(&dec, data, n, &truncated);
        else
            dt_mime_qp(&dec, data, n);
        data = dec.data != NULL ? dec.data : "";
        n = dec.len;
        if (truncated)
            dt_mime_warn(w->msg, "truncated base64 in part %s", p->path);
    }
    if (html && p->charset[0] == '\0')
        sniff_meta_charset(data, n, p->charset, sizeof(p->charset));
    dt_mime_to_utf8(html ? &conv_out : text, p->charset, data, n, truncated, &conv);
    if (conv.nul)
        dt_mime_warn(w->msg, "NUL bytes dropped in part %s", p->path);
    if (conv.unknown)
        dt_mime_warn(w->msg, "unknown charset \"%.40s\" in part %s, read as %s", p->charset,
                     p->path, conv.read_as);
    if (conv.eight_bit)
        dt_mime_warn(w->msg, "8-bit bytes in %.40s part %s, read as %s",
                     p->charset[0] != '\0' ? p->charset : "us-ascii", p->path, conv.read_as);
    if (conv.invalid > 0)
        dt_mime_warn(w->msg, "invalid %.40s in part %s replaced by U+FFFD (%u)",
                     p->charset[0] != '\0' ? p->charset : "text", p->path, conv.invalid);
    w->msg->n_invalid += conv.invalid;
    if (html) {
        dt_html_to_text(conv_out.data != NULL ? conv_out.data : "", conv_out.len, text);
        w->msg->text_from_html = true;
        if (dt_buf_failed(&conv_out))
            w->oom = true;
    }
    if (dt_buf_failed(&dec))
        w->oom = true;
    dt_buf_free(&dec);
    dt_buf_free(&conv_out);
}

const char *dt_message_name(const struct dt_message *msg, const char *addr)
{
    for (size_t i = 0; msg != NULL && addr != NULL && i < msg->n_names; i++)
        if (strcmp(msg->names[2 * i], addr) == 0)
            return msg->names[2 * i + 1];
    return NULL;
}

void dt_message_free(struct dt_message *msg)
{
    if (msg == NULL)
        return;
    free(msg->text);
    free(msg->message_id);
    free(msg->in_reply_to);
    for (char **v = msg->references; v != NULL && *v != NULL; v++)
        free(*v);
    free(msg->references);
    free(msg->from);
    for (char **v = msg->to; v != NULL && *v != NULL; v++)
        free(*v);
    free(msg->to);
    for (char **v = msg->cc; v != NULL && *v != NULL; v++)
        free(*v);
    free(msg->cc);
    for (char **v = msg->names; v != NULL && *v != NULL; v++)
        free(*v);
    free(msg->names);
    free(msg->subject);
    free(msg->list_id);
    free(msg->precedence);
    free(msg->auto_submitted);
    free(msg);
}

int dt_mime_parse(const char *raw, size_t len, struct dt_message **out, struct dt_error *err)
{
    size_t start = 0, name_len;

    *out = NULL;
    if (raw == NULL || len == 0)
        return dt_error_set(err, "empty message");
    /* Files saved by some tools start with a byte order mark. */
    if (len >= 3 && memcmp(raw, "\xef\xbb\xbf", 3) == 0)
        start = 3;
    /* An mbox "From " separator line may precede the header (dealtemp import reads mbox). */
    if (len - start >= 5 && memcmp(raw + start, "From ", 5) == 0) {
        const char *nl = memchr(raw + start, '\n', len - start);
        start = nl != NULL ? (size_t)(nl - raw) + 1 : len;
    }
    const char *nl = memchr(raw + start, '\n', len - start);
    size_t first = nl != NULL ? (size_t)(nl - (raw + start)) : len - start;
    if (dt_mime_field_prefix(raw + start, first, &name_len) == 0)
        return dt_error_set(err, "not a message: no header field at the start");

    struct dt_message *msg = calloc(1, sizeof(*msg));
    if (msg == NULL)
        return dt_error_set(err, "out of memory");
    msg->date = (time_t)-1;

    struct walk w;
    memset(&w, 0, sizeof(w));
    w.msg = msg;
    struct dt_buf text = DT_BUF_INIT;
    struct dt_headers h;
    const char *data = raw + start;
    len -= start;

    dt_mime_scan_headers(data, len, true, &h);
    if (h.nul)
        dt_mime_warn(msg, "NUL bytes dropped from the header");
    if (dt_mime_header_facts(msg, &h, &w.scratch) < 0)
        w.oom = true;
    if (!w.oom)
        walk_entity(&w, data, len, &h, "", 0, false);
    if (!w.oom && w.plain.found)
        extract(&w, &w.plain, false, &text);
    if (w.oom) {
        /* nothing to extract */
    } else if (w.plain.found && (!blank(&text) || !w.html.found)) {
        /* done: the plain text (a blank one only when there is no HTML either) */
    } else if (w.html.found) {
        /* A blank text/plain alternative is a placeholder: the HTML has the words. */
        dt_buf_reset(&text);
        msg->n_invalid = 0;
        extract(&w, &w.html, true, &text);
    } else if (w.fallback.found && printable(w.fallback.body.p, w.fallback.body.n)) {
        extract(&w, &w.fallback, false, &text);
    } else {
        dt_mime_warn(msg, "no text part found");
    }
    dt_buf_free(&w.scratch);
    if (text.len > 0 && text.data[text.len - 1] != '\n')
        dt_buf_putc(&text, '\n'); /* every line ends, even in a message cut short */
    dt_buf_append(&text, "", 0);  /* terminates a buffer that was only reserved */
    msg->text = w.oom ? NULL : dt_buf_steal(&text, &msg->text_len);
    dt_buf_free(&text);
    if (msg->text == NULL) {
        dt_message_free(msg);
        return dt_error_set(err, "out of memory");
    }
    *out = msg;
    return 0;
}
