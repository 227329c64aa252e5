/*
 * digest_render.c - one rep's digest, or a manager's roll-up, as a complete
 * RFC 5322 message built with libetpan. Pure: no I/O, no clock, no changing
 * globals; the same input gives the same bytes (boundary and Message-ID are
 * derived from recipient and date, never random).
 *
 * Public: dt_digest_render(), dt_digest_render_rollup(), and to nudge.c
 * dt_dg_render_note() (digest_render_int.h): one text part, no HTML.
 *
 * Headers: From (digest.from, else dealtemp@<first internal domain>), To,
 * Subject (RFC 2047 where not ASCII), Date (UTC), Message-ID
 * <digest.HASH.YYYYMMDD@domain>, Auto-Submitted, X-Auto-Response-Suppress,
 * MIME-Version. Body: multipart/alternative, text/plain then text/html,
 * UTF-8, quoted-printable. The words themselves are in digest_body.c.
 *
 * Failure: -1 with err set if an address bound for a header is not a plain
 * addr-spec (CR/LF refused, never rewritten) or memory runs out; out is
 * then left as it was.
 */
#include <libetpan/libetpan.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dealtemp/digest.h"
#include "dealtemp/hash.h"
#include "dealtemp/outcomes_html.h"
#include "digest_render_int.h"

#define ADDR_MAX 320

/* What one message is made of; every string is owned by the caller. */
struct msg {
    const char *from, *to;
    const char *subject; /* UTF-8 */
    const char *kind;    /* "digest", "rollup", "nudge": the Message-ID's first word */
    const char *domain;  /* right of the Message-ID's '@' */
    time_t as_of;
    bool id_time;             /* the Message-ID has the time of day too (several a day) */
    const char *const *extra; /* more fields: name, value, ..., NULL; or NULL */
    const char *text, *html;  /* html NULL: the text is the only part */
    size_t text_len, html_len;
};

/* ---- addresses ---------------------------------------------------------- */

static bool plain_domain(const char *s, size_t n)
{
    if (n == 0 || n > 253 || s[0] == '.' || s[0] == '-' || s[n - 1] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '.';
        if (!ok || (c == '.' && s[i + 1] == '.'))
            return false;
    }
    return true;
}

/* local@domain with a dot-atom-ish local part: nothing that could end a header or open a new
 * address. */
static bool plain_addr(const char *s)
{
    if (!s)
        return false;
    size_t n = strlen(s);
    const char *at = strrchr(s, '@');
    if (n == 0 || n > ADDR_MAX || !at || at == s)
        return false;
    for (const char *p = s; p < at; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= 0x20 || c >= 0x7f || strchr("<>()[]\\,;:\"@", c))
            return false;
    }
    return plain_domain(at + 1, strlen(at + 1));
}

/* FNV-1a of the lower-cased address: a stable, opaque id for Message-ID and boundary. */
static uint64_t addr_hash(const char *s)
{
    return dt_fnv1a(s, strlen(s), 1);
}

/*
 * The sender and the Message-ID's domain: digest.from and the first
 * internal domain, each standing in for the other when missing (the config
 * loader may not fill digest_from yet).
 */
static int sender_of(const struct dt_config *cfg, char *from, size_t from_size, char *domain,
                     size_t domain_size, struct dt_error *err)
{
    const char *dom = NULL;
    if (cfg->internal_domains && cfg->n_internal_domains > 0 && cfg->internal_domains[0] &&
        plain_domain(cfg->internal_domains[0], strlen(cfg->internal_domains[0])))
        dom = cfg->internal_domains[0];
    if (cfg->digest_from) {
        if (!plain_addr(cfg->digest_from))
            return dt_error_set(err, "digest: digest.from '%s' is not a plain address",
                                cfg->digest_from);
        snprintf(from, from_size, "%s", cfg->digest_from);
        if (!dom)
            dom = strrchr(cfg->digest_from, '@') + 1;
    } else {
        if (!dom)
            return dt_error_set(err, "digest: no digest.from and no internal domain to send from");
        snprintf(from, from_size, "dealtemp@%s", dom);
    }
    snprintf(domain, domain_size, "%s", dom);
    return 0;
}

/* ---- RFC 2047 ----------------------------------------------------------- */

static bool needs_encoding(const char *w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)w[i];
        if (c < 0x21 || c > 0x7e || (c == '=' && i + 1 < n && w[i + 1] == '?'))
            return true;
    }
    return false;
}

static size_t utf8_len(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    size_t k = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return k > n ? n : k;
}

static bool q_plain(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '!' ||
           c == '*' || c == '+' || c == '-' || c == '/';
}

/* s[0..n) as Q encoded-words of at most 75 characters, cut between characters. */
static void put_qwords(struct dt_buf *out, const char *s, size_t n)
{
    const size_t room = 75 - strlen("=?UTF-8?Q?") - strlen("?=");
    size_t i = 0;
    while (i < n) {
        if (i > 0)
            dt_buf_putc(out, ' '); /* white space between encoded-words is not text */
        dt_buf_puts(out, "=?UTF-8?Q?");
        size_t used = 0;
        while (i < n) {
            size_t k = utf8_len(s + i, n - i), enc = 0;
            for (size_t j = 0; j < k; j++)
                enc += q_plain((unsigned char)s[i + j]) || s[i + j] == ' ' ? 1 : 3;
            if (used > 0 && used + enc > room)
                break;
            for (size_t j = 0; j < k; j++) {
                unsigned char c = (unsigned char)s[i + j];
                if (c == ' ')
                    dt_buf_putc(out, '_');
                else if (q_plain(c))
                    dt_buf_putc(out, (char)c);
                else
                    dt_buf_printf(out, "=%02X", c);
            }
            used += enc;
            i += k;
        }
        dt_buf_puts(out, "?=");
    }
}

/*
 * An unstructured header value: ASCII words stay readable; runs of words
 * that are not ASCII become encoded-words together (the space between two
 * encoded-words would vanish when decoded, so it is encoded inside them).
 */
static void put_header_text(struct dt_buf *out, const char *s)
{
    size_t n = strlen(s), i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != ' ')
            j++;
        if (i > 0)
            dt_buf_putc(out, ' ');
        if (!needs_encoding(s + i, j - i)) {
            dt_buf_append(out, s + i, j - i);
        } else {
            while (j < n) {
                size_t a = j + 1, e = a;
                while (e < n && s[e] != ' ')
                    e++;
                if (!needs_encoding(s + a, e - a))
                    break;
                j = e;
            }
            put_qwords(out, s + i, j - i);
        }
        i = j + 1;
    }
}

/* ---- libetpan assembly -------------------------------------------------- */

static struct mailimf_mailbox *mailbox(const char *addr)
{
    char *a = strdup(addr);
    struct mailimf_mailbox *mb = a ? mailimf_mailbox_new(NULL, a) : NULL;
    if (!mb)
        free(a);
    return mb;
}

static struct mailimf_mailbox_list *mailbox_list(const char *addr)
{
    struct mailimf_mailbox *mb = mailbox(addr);
    struct mailimf_mailbox_list *l = mb ? mailimf_mailbox_list_new_empty() : NULL;
    if (l && mailimf_mailbox_list_add(l, mb) == MAILIMF_NO_ERROR)
        return l;
    if (l)
        mailimf_mailbox_list_free(l);
    if (mb)
        mailimf_mailbox_free(mb);
    return NULL;
}

static struct mailimf_address_list *address_list(const char *addr)
{
    struct mailimf_mailbox *mb = mailbox(addr);
    struct mailimf_address *a = mb ? mailimf_address_new(MAILIMF_ADDRESS_MAILBOX, mb, NULL) : NULL;
    if (!a && mb)
        mailimf_mailbox_free(mb);
    struct mailimf_address_list *l = a ? mailimf_address_list_new_empty() : NULL;
    if (l && mailimf_address_list_add(l, a) == MAILIMF_NO_ERROR)
        return l;
    if (l)
        mailimf_address_list_free(l);
    if (a)
        mailimf_address_free(a);
    return NULL;
}

static int add_custom(struct mailimf_fields *f, const char *name, const char *value)
{
    char *n = strdup(name), *v = strdup(value);
    struct mailimf_field *fld = n && v ? mailimf_field_new_custom(n, v) : NULL;
    if (!fld) {
        if (!n ||
            !v) { /* else libetpan may already have freed them: leak rather than double free */
            free(n);
            free(v);
        }
        return -1;
    }
    if (mailimf_fields_add(f, fld) != MAILIMF_NO_ERROR) {
        mailimf_field_free(fld);
        return -1;
    }
    return 0;
}

/*
 * The header fields, one mailimf_fields_add_data call each: on failure
 * libetpan hands the one piece back (detached), so ownership stays clear.
 */
static struct mailimf_fields *header_fields(const struct msg *m)
{
    struct mailimf_fields *f = mailimf_fields_new_empty();
    if (!f)
        return NULL;

    struct mailimf_mailbox_list *from = mailbox_list(m->from);
    if (!from || mailimf_fields_add_data(f, NULL, from, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                         NULL, NULL) != MAILIMF_NO_ERROR) {
        if (from)
            mailimf_mailbox_list_free(from);
        goto fail;
    }
    struct mailimf_address_list *to = address_list(m->to);
    if (!to || mailimf_fields_add_data(f, NULL, NULL, NULL, NULL, to, NULL, NULL, NULL, NULL, NULL,
                                       NULL) != MAILIMF_NO_ERROR) {
        if (to)
            mailimf_address_list_free(to);
        goto fail;
    }

    struct dt_buf sb = DT_BUF_INIT;
    put_header_text(&sb, m->subject);
    char *subject = dt_buf_steal(&sb, NULL);
    if (!subject || mailimf_fields_add_data(f, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                            NULL, subject) != MAILIMF_NO_ERROR) {
        free(subject);
        goto fail;
    }

    struct tm tm;
    if (!gmtime_r(&m->as_of, &tm))
        goto fail;
    struct mailimf_date_time *date = mailimf_date_time_new(
        tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, 0);
    if (!date || mailimf_fields_add_data(f, date, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                         NULL, NULL) != MAILIMF_NO_ERROR) {
        if (date)
            mailimf_date_time_free(date);
        goto fail;
    }

    char id[512], hms[8] = "";
    if (m->id_time)
        snprintf(hms, sizeof hms, "%02d%02d%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
    snprintf(id, sizeof id, "%s.%016llx.%04d%02d%02d%s@%s", m->kind,
             (unsigned long long)addr_hash(m->to), tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
             hms, m->domain);
    char *mid = strdup(id);
    if (!mid || mailimf_fields_add_data(f, NULL, NULL, NULL, NULL, NULL, NULL, NULL, mid, NULL,
                                        NULL, NULL) != MAILIMF_NO_ERROR) {
        free(mid);
        goto fail;
    }

    if (add_custom(f, "Auto-Submitted", "auto-generated") < 0 ||
        add_custom(f, "X-Auto-Response-Suppress", "All") < 0)
        goto fail;
    for (const char *const *e = m->extra; e && e[0] && e[1]; e += 2)
        if (add_custom(f, e[0], e[1]) < 0)
            goto fail;
    return f;

fail:
    mailimf_fields_free(f);
    return NULL;
}

/* A text/<subtype> part, UTF-8, quoted-printable; body is borrowed, not copied. */
static struct mailmime *text_part(const char *type, const char *body, size_t len)
{
    struct mailmime_content *ct = mailmime_content_new_with_str(type);
    struct mailmime_fields *mf =
        ct ? mailmime_fields_new_encoding(MAILMIME_MECHANISM_QUOTED_PRINTABLE) : NULL;
    struct mailmime *part = mf ? mailmime_new_empty(ct, mf) : NULL;
    if (!part) {
        if (mf)
            mailmime_fields_free(mf);
        if (ct)
            mailmime_content_free(ct);
        return NULL;
    }
    if (mailmime_set_body_text(part, (char *)body, len) != MAILIMF_NO_ERROR) {
        mailmime_free(part);
        return NULL;
    }
    return part;
}

/*
 * multipart/alternative with our own boundary. mailmime_multiple_new would
 * draw one from random(), the clock and the host name; "=_" cannot occur
 * in quoted-printable text, so this one never collides with a body.
 */
static struct mailmime *alternative(const struct msg *m)
{
    struct tm tm;
    if (!gmtime_r(&m->as_of, &tm))
        return NULL;
    char type[160];
    snprintf(type, sizeof type,
             "multipart/alternative; boundary=\"=_dealtemp_%016llx_%04d%02d%02d\"",
             (unsigned long long)addr_hash(m->to), tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    struct mailmime_content *ct = mailmime_content_new_with_str(type);
    struct mailmime_fields *mf = ct ? mailmime_fields_new_empty() : NULL;
    clist *parts = mf ? clist_new() : NULL;
    struct mailmime *mp = parts ? mailmime_new(MAILMIME_MULTIPLE, NULL, 0, mf, ct, NULL, NULL, NULL,
                                               parts, NULL, NULL)
                                : NULL;
    if (!mp) {
        if (parts)
            clist_free(parts);
        if (mf)
            mailmime_fields_free(mf);
        if (ct)
            mailmime_content_free(ct);
    }
    return mp;
}

static int write_fn(void *data, const char *s, size_t n)
{
    struct dt_buf *b = data;
    dt_buf_append(b, s, n);
    return dt_buf_failed(b) ? 0 : 1;
}

/* Build and write the whole message, appending it to out. */
static int assemble(const struct msg *m, struct dt_buf *out, struct dt_error *err)
{
    int rc = -1;
    struct mailmime *msg = mailmime_new_message_data(NULL);
    struct mailimf_fields *fields = msg ? header_fields(m) : NULL;
    if (!fields)
        goto done;
    mailmime_set_imf_fields(msg, fields); /* msg owns them now */

    if (!m->html) {
        struct mailmime *part = text_part("text/plain; charset=utf-8", m->text, m->text_len);
        if (!part)
            goto done;
        if (mailmime_smart_add_part(msg, part) != MAILIMF_NO_ERROR) {
            mailmime_free(part);
            goto done;
        }
        goto write;
    }
    struct mailmime *mp = alternative(m);
    if (!mp)
        goto done;
    if (mailmime_smart_add_part(msg, mp) != MAILIMF_NO_ERROR) {
        mailmime_free(mp);
        goto done;
    }
    const char *types[2] = {"text/plain; charset=utf-8", "text/html; charset=utf-8"};
    const char *bodies[2] = {m->text, m->html};
    size_t lens[2] = {m->text_len, m->html_len};
    for (int i = 0; i < 2; i++) {
        struct mailmime *part = text_part(types[i], bodies[i], lens[i]);
        if (!part)
            goto done;
        if (mailmime_smart_add_part(mp, part) != MAILIMF_NO_ERROR) {
            mailmime_free(part);
            goto done;
        }
    }

write:;
    size_t old = out->len;
    int col = 0;
    if (mailmime_write_driver(write_fn, out, &col, msg) != MAILIMF_NO_ERROR || dt_buf_failed(out)) {
        if (!dt_buf_failed(out) && out->data) {
            out->len = old;
            out->data[old] = '\0';
        }
        goto done;
    }
    rc = 0;
done:
    if (msg)
        mailmime_free(msg);
    if (rc < 0)
        dt_error_set(err, "digest: cannot build the message for %s: out of memory", m->to);
    return rc;
}

/* Bodies and subject built, now the message; frees the bodies. html NULL: text only. */
static int finish(struct msg *m, struct dt_buf *subject, struct dt_buf *text, struct dt_buf *html,
                  struct dt_buf *out, struct dt_error *err)
{
    int rc;
    if (dt_buf_failed(subject) || dt_buf_failed(text) || (html && dt_buf_failed(html)) ||
        !subject->data || !text->data || (html && !html->data)) {
        rc = dt_error_set(err, "digest: cannot build the message for %s: out of memory", m->to);
    } else {
        m->subject = subject->data;
        m->text = text->data;
        m->text_len = text->len;
        m->html = html ? html->data : NULL;
        m->html_len = html ? html->len : 0;
        rc = assemble(m, out, err);
    }
    dt_buf_free(subject);
    dt_buf_free(text);
    if (html)
        dt_buf_free(html);
    return rc;
}

int dt_digest_render(const struct dt_digest *d, const struct dt_config *cfg, struct dt_buf *out,
                     struct dt_error *err)
{
    if (!d || !cfg || !out)
        return dt_error_set(err, "digest: nothing to render");
    if (!plain_addr(d->rep))
        return dt_error_set(err, "digest: rep '%s' is not a plain address",
                            d->rep ? d->rep : "(none)");
    if (d->n_items > 0 && !d->items)
        return dt_error_set(err, "digest: %s: items missing", d->rep);
    char from[ADDR_MAX + 16], domain[ADDR_MAX];
    if (sender_of(cfg, from, sizeof from, domain, sizeof domain, err) < 0)
        return -1;

    struct dt_digest_lang local = *dt_digest_lang_of(cfg, d->rep);
    local.tz = cfg->hours.tz;
    const struct dt_digest_lang *L = &local;
    struct dt_buf subject = DT_BUF_INIT, text = DT_BUF_INIT, html = DT_BUF_INIT;
    dt_digest_headline(d, L, &subject);
    dt_digest_text(d, L, &text);
    dt_digest_html(d, L, subject.data ? subject.data : "", &html);

    struct msg m = {
        .from = from, .to = d->rep, .kind = "digest", .domain = domain, .as_of = d->as_of};
    return finish(&m, &subject, &text, &html, out, err);
}

int dt_digest_render_rollup(const char *manager, const struct dt_rollup_line *lines, size_t n,
                            time_t as_of, const struct dt_config *cfg, struct dt_buf *out,
                            struct dt_error *err)
{
    return dt_digest_render_rollup_weekly(manager, lines, n, as_of, NULL, cfg, out, err);
}

int dt_digest_render_rollup_weekly(const char *manager, const struct dt_rollup_line *lines,
                                   size_t n, time_t as_of, const struct dt_outcomes *weekly,
                                   const struct dt_config *cfg, struct dt_buf *out,
                                   struct dt_error *err)
{
    if (!cfg || !out || (n > 0 && !lines))
        return dt_error_set(err, "digest: nothing to render");
    if (!plain_addr(manager))
        return dt_error_set(err, "digest: manager '%s' is not a plain address",
                            manager ? manager : "(none)");
    char from[ADDR_MAX + 16], domain[ADDR_MAX];
    if (sender_of(cfg, from, sizeof from, domain, sizeof domain, err) < 0)
        return -1;

    struct dt_digest_lang local = *dt_digest_lang_of(cfg, manager);
    local.tz = cfg->hours.tz;
    const struct dt_digest_lang *L = &local;
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        for (int s = 0; s < DT_DIGEST_SECTIONS; s++)
            total += lines[i].n[s];
    struct dt_buf subject = DT_BUF_INIT, text = DT_BUF_INIT, html = DT_BUF_INIT;
    struct dt_buf wtext = DT_BUF_INIT, whtml = DT_BUF_INIT;
    if (weekly != NULL) { /* the team's evidence, in the manager's language */
        dt_outcomes_text(weekly, cfg, L->code, &wtext);
        dt_buf_puts(&whtml, "<tr><td style=\"padding:8px 24px 8px 24px;\">\n");
        dt_outcomes_html_charts(weekly, cfg, L->code, &whtml);
        dt_buf_puts(&whtml, "</td></tr>\n");
        if (dt_buf_failed(&wtext) || dt_buf_failed(&whtml))
            text.failed = true; /* finish() says out of memory */
    }
    dt_digest_subject(L, L->rollup_prefix, total, as_of, &subject);
    dt_digest_rollup_text(lines, n, as_of, L, weekly ? wtext.data : NULL, &text);
    dt_digest_rollup_html(lines, n, as_of, L, subject.data ? subject.data : "",
                          weekly ? whtml.data : NULL, &html);
    dt_buf_free(&wtext);
    dt_buf_free(&whtml);

    struct msg m = {
        .from = from, .to = manager, .kind = "rollup", .domain = domain, .as_of = as_of};
    return finish(&m, &subject, &text, &html, out, err);
}

int dt_dg_render_note(const struct dt_config *cfg, const char *to, const char *kind, time_t at,
                      struct dt_buf *subject, struct dt_buf *text, const char *const *extra,
                      struct dt_buf *out, struct dt_error *err)
{
    char from[ADDR_MAX + 16], domain[ADDR_MAX];
    int rc = -1;
    if (!plain_addr(to))
        dt_error_set(err, "%s: '%s' is not a plain address", kind, to ? to : "(none)");
    else if (sender_of(cfg, from, sizeof from, domain, sizeof domain, err) == 0)
        rc = 0;
    if (rc < 0) {
        dt_buf_free(subject);
        dt_buf_free(text);
        return -1;
    }
    struct msg m = {.from = from,
                    .to = to,
                    .kind = kind,
                    .domain = domain,
                    .as_of = at,
                    .id_time = true,
                    .extra = extra};
    return finish(&m, subject, text, NULL, out, err);
}
