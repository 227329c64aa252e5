/*
 * digest_fixture.h - what check_digest_render.c and check_digest_body.c
 * share: a configuration and digest items built by hand (ann's digest of
 * four deals), rendering one (the wire must be clean), and parsing the
 * result back with libetpan into headers and the decoded text/plain and
 * text/html parts. Included by those two suites only; its state (the
 * items of ann_digest()) is per suite. Every helper fails the running test
 * on error.
 */
#ifndef DEALTEMP_DIGEST_FIXTURE_H
#define DEALTEMP_DIGEST_FIXTURE_H

#include <check.h>
#include <libetpan/libetpan.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dealtemp/digest.h"
#include "dealtemp/utf8.h"
#include "testutil.h"

#ifndef UNUSED
#define UNUSED __attribute__((unused))
#endif

#define AS_OF ((time_t)1763622000)   /* Thu 20 Nov 2025 07:00:00 UTC */
#define TRIGGER ((time_t)1763000000) /* Thu 13 Nov 2025 02:13:20 UTC */
#define DAY 86400L
#define EM "\xe2\x80\x94"   /* — */
#define BAR "\xe2\x96\x87"  /* ▇ */
#define HBAR "\xe2\x96\x88" /* █ */
#define NB "\xc2\xa0"        /* no-break space (French before ':') */

/* ---- fixtures ----------------------------------------------------------- */

UNUSED static char *doms[] = {"corp.example", "corp-eu.example", NULL};

UNUSED static struct dt_config config(const char *lang, const char *from)
{
    struct dt_config c;
    memset(&c, 0, sizeof c);
    c.internal_domains = doms;
    c.n_internal_domains = 2;
    c.digest_language = (char *)lang;
    c.digest_from = (char *)from;
    return c;
}

UNUSED static struct dt_digest_item item(enum dt_thread_state st, bool is_new,
                                         const char *counterpart, const char *subject,
                                         const char *phrases)
{
    struct dt_digest_item it;
    memset(&it, 0, sizeof it);
    it.state = st;
    /* slowed, hesitant: the customer answered; carried away: the tests say */
    it.answered = st == DT_STATE_SLOWED || st == DT_STATE_HESITANT;
    it.is_new = is_new;
    it.counterpart = (char *)counterpart;
    it.subject = (char *)subject;
    it.trigger_phrases = (char *)phrases;
    it.trigger_at = TRIGGER;
    it.trigger_score = 0.91;
    it.usual_s = DAY;
    return it;
}

UNUSED static void latencies(struct dt_digest_item *it, size_t n, const long *v)
{
    for (size_t i = 0; i < n; i++)
        it->latencies_s[i] = v[i];
    it->n_latencies = n;
}

/* ann's digest: two stalled, one cooling, one slowed (in collect's order). */
UNUSED static struct dt_digest_item ann_items[4];

UNUSED static struct dt_digest ann_digest(void)
{
    ann_items[0] = item(DT_STATE_STALLED, true, "buyer@acme.example", "Proposal for Q1",
                        "amazing, can't wait");
    ann_items[0].silent_s = 9 * DAY + 3600;
    latencies(&ann_items[0], 3, (const long[]){DAY, DAY / 2, DAY + 3 * 3600});
    ann_items[1] = item(DT_STATE_STALLED, false, "cfo@globex.example", NULL, NULL);
    ann_items[1].silent_s = 12 * DAY;
    ann_items[2] = item(DT_STATE_COOLING, false, "it@initech.example",
                        "<script>alert(1)</script> & co", "game-changer");
    ann_items[2].silent_s = 4 * DAY;
    ann_items[2].usual_s = 2 * 3600;
    latencies(&ann_items[2], 2, (const long[]){DAY, 2 * DAY});
    ann_items[3] = item(DT_STATE_SLOWED, true, "ops@umbrella.example", "Re: pilot", "super");
    ann_items[3].reply_s = 5 * DAY;
    latencies(&ann_items[3], 2, (const long[]){DAY, 5 * DAY});
    struct dt_digest d = {
        .rep = "ann@corp.example", .as_of = AS_OF, .items = ann_items, .n_items = 4};
    return d;
}

/* ---- parsing back with libetpan ----------------------------------------- */

struct parsed {
    struct mailmime *mime;
    struct mailimf_single_fields f;
    char *subject;    /* decoded, UTF-8 */
    char *part[2];    /* decoded text/plain and text/html */
    char *custom[2];  /* Auto-Submitted, X-Auto-Response-Suppress */
    uint32_t version; /* MIME-Version, as libetpan keeps it (1.0 = 1 << 16) */
};

UNUSED static char *decode_part(struct mailmime *part)
{
    struct mailmime_data *data = part->mm_data.mm_single;
    ck_assert_ptr_nonnull(data);
    ck_assert_int_eq(data->dt_encoding, MAILMIME_MECHANISM_QUOTED_PRINTABLE);
    size_t idx = 0, n = 0;
    char *dec = NULL;
    ck_assert_int_eq(mailmime_part_parse(data->dt_data.dt_text.dt_data,
                                         data->dt_data.dt_text.dt_length, &idx, data->dt_encoding,
                                         &dec, &n),
                     MAILIMF_NO_ERROR);
    /* The wire's CRLF survives decoding; the assertions speak LF. */
    char *s = malloc(n + 1);
    ck_assert_ptr_nonnull(s);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(dec[i] != '\r' || (i + 1 < n && dec[i + 1] == '\n'), "bare CR in part");
        if (dec[i] != '\r')
            s[k++] = dec[i];
    }
    s[k] = '\0';
    n = k;
    mailmime_decoded_part_free(dec);
    ck_assert_msg(dt_utf8_valid(s, n), "part is not valid UTF-8");
    return s;
}

UNUSED static void check_text_part(struct mailmime *part, const char *subtype)
{
    ck_assert_int_eq(part->mm_type, MAILMIME_SINGLE);
    struct mailmime_content *ct = part->mm_content_type;
    ck_assert_int_eq(ct->ct_type->tp_type, MAILMIME_TYPE_DISCRETE_TYPE);
    ck_assert_int_eq(ct->ct_type->tp_data.tp_discrete_type->dt_type, MAILMIME_DISCRETE_TYPE_TEXT);
    ck_assert_str_eq(ct->ct_subtype, subtype);
    struct mailmime_single_fields sf;
    mailmime_single_fields_init(&sf, part->mm_mime_fields, ct);
    ck_assert_ptr_nonnull(sf.fld_content_charset);
    ck_assert_str_eq(sf.fld_content_charset, "utf-8");
    ck_assert_ptr_nonnull(sf.fld_encoding);
    ck_assert_int_eq(sf.fld_encoding->enc_type, MAILMIME_MECHANISM_QUOTED_PRINTABLE);
}

/* Parse raw; the structure must be exactly multipart/alternative(text/plain, text/html). */
UNUSED static void parse(const char *raw, size_t len, struct parsed *p)
{
    memset(p, 0, sizeof *p);
    size_t idx = 0;
    ck_assert_int_eq(mailmime_parse(raw, len, &idx, &p->mime), MAILIMF_NO_ERROR);
    ck_assert_int_eq(p->mime->mm_type, MAILMIME_MESSAGE);
    struct mailimf_fields *fields = p->mime->mm_data.mm_message.mm_fields;
    ck_assert_ptr_nonnull(fields);
    mailimf_single_fields_init(&p->f, fields);

    static const char *names[2] = {"Auto-Submitted", "X-Auto-Response-Suppress"};
    for (clistiter *it = clist_begin(fields->fld_list); it; it = clist_next(it)) {
        struct mailimf_field *fld = clist_content(it);
        if (fld->fld_type != MAILIMF_FIELD_OPTIONAL_FIELD)
            continue;
        for (int i = 0; i < 2; i++)
            if (strcasecmp(fld->fld_data.fld_optional_field->fld_name, names[i]) == 0) {
                ck_assert_msg(!p->custom[i], "%s twice", names[i]);
                p->custom[i] = fld->fld_data.fld_optional_field->fld_value;
            }
    }

    ck_assert_ptr_nonnull(p->f.fld_subject);
    const char *sv = p->f.fld_subject->sbj_value;
    idx = 0;
    ck_assert_int_eq(
        mailmime_encoded_phrase_parse("us-ascii", sv, strlen(sv), &idx, "utf-8", &p->subject),
        MAILIMF_NO_ERROR);

    struct mailmime *mp = p->mime->mm_data.mm_message.mm_msg_mime;
    ck_assert_ptr_nonnull(mp);
    ck_assert_int_eq(mp->mm_type, MAILMIME_MULTIPLE);
    ck_assert_int_eq(mp->mm_content_type->ct_type->tp_type, MAILMIME_TYPE_COMPOSITE_TYPE);
    ck_assert_str_eq(mp->mm_content_type->ct_subtype, "alternative");
    /* libetpan files the message's MIME-Version with its body's MIME fields */
    struct mailmime_single_fields mf;
    mailmime_single_fields_init(&mf, mp->mm_mime_fields, NULL);
    p->version = mf.fld_version;
    clist *parts = mp->mm_data.mm_multipart.mm_mp_list;
    ck_assert_int_eq(clist_count(parts), 2);
    static const char *sub[2] = {"plain", "html"};
    int i = 0;
    for (clistiter *it = clist_begin(parts); it; it = clist_next(it), i++) {
        check_text_part(clist_content(it), sub[i]);
        p->part[i] = decode_part(clist_content(it));
    }
}

UNUSED static void parsed_free(struct parsed *p)
{
    if (p->mime)
        mailmime_free(p->mime);
    free(p->subject);
    free(p->part[0]);
    free(p->part[1]);
}

UNUSED static const char *mailbox_of(struct mailimf_mailbox_list *l)
{
    ck_assert_int_eq(clist_count(l->mb_list), 1);
    return ((struct mailimf_mailbox *)clist_content(clist_begin(l->mb_list)))->mb_addr_spec;
}

UNUSED static const char *to_of(const struct parsed *p)
{
    ck_assert_ptr_nonnull(p->f.fld_to);
    clist *l = p->f.fld_to->to_addr_list->ad_list;
    ck_assert_int_eq(clist_count(l), 1);
    struct mailimf_address *a = clist_content(clist_begin(l));
    ck_assert_int_eq(a->ad_type, MAILIMF_ADDRESS_MAILBOX);
    return a->ad_data.ad_mailbox->mb_addr_spec;
}

/* Every line CRLF-terminated, at most 998 bytes, 7-bit, no NUL. */
UNUSED static void assert_wire_clean(const char *raw, size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)raw[i];
        ck_assert_msg(c != 0 && c < 0x80, "byte 0x%02x at %zu", c, i);
        if (c == '\r') {
            ck_assert_msg(i + 1 < len && raw[i + 1] == '\n', "bare CR at %zu", i);
            ck_assert_msg(i - start <= 998, "line of %zu bytes at %zu", i - start, start);
            start = i + 2;
            i++;
        } else {
            ck_assert_msg(c != '\n', "bare LF at %zu", i);
        }
    }
    ck_assert_uint_eq(start, len); /* the last line is terminated too */
}

UNUSED static struct dt_buf render(const struct dt_digest *d, const struct dt_config *cfg)
{
    struct dt_buf b = DT_BUF_INIT;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_digest_render(d, cfg, &b, &err) == 0, "render: %s", err.msg);
    ck_assert_ptr_nonnull(b.data);
    assert_wire_clean(b.data, b.len);
    return b;
}

UNUSED static size_t pos(const char *hay, const char *needle)
{
    const char *p = strstr(hay, needle);
    ck_assert_msg(p != NULL, "\"%s\" not in:\n%s", needle, hay);
    return (size_t)(p - hay);
}

UNUSED static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

#endif
