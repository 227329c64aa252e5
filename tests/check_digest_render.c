/*
 * check_digest_render.c - digests and roll-ups built by hand, rendered with
 * dt_digest_render / dt_digest_render_rollup, then parsed back with libetpan
 * (and once with Python's email module) to check headers, MIME structure,
 * content in EN and NL, escaping, determinism, line lengths and privacy.
 */
#include <check.h>
#include <libetpan/libetpan.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "dealtemp/digest.h"
#include "dealtemp/utf8.h"
#include "testutil.h"

#define AS_OF ((time_t)1763622000)   /* Thu 20 Nov 2025 07:00:00 UTC */
#define TRIGGER ((time_t)1763000000) /* Thu 13 Nov 2025 02:13:20 UTC */
#define DAY 86400L
#define EM "\xe2\x80\x94"   /* — */
#define BAR "\xe2\x96\x87"  /* ▇ */
#define HBAR "\xe2\x96\x88" /* █ */

/* ---- fixtures ----------------------------------------------------------- */

static char *doms[] = {"corp.example", "corp-eu.example", NULL};

static struct dt_config config(const char *lang, const char *from)
{
    struct dt_config c;
    memset(&c, 0, sizeof c);
    c.internal_domains = doms;
    c.n_internal_domains = 2;
    c.digest_language = (char *)lang;
    c.digest_from = (char *)from;
    return c;
}

static struct dt_digest_item item(enum dt_thread_state st, bool is_new, const char *counterpart,
                                  const char *subject, const char *phrases)
{
    struct dt_digest_item it;
    memset(&it, 0, sizeof it);
    it.state = st;
    it.is_new = is_new;
    it.counterpart = (char *)counterpart;
    it.subject = (char *)subject;
    it.trigger_phrases = (char *)phrases;
    it.trigger_at = TRIGGER;
    it.trigger_score = 0.91;
    it.usual_s = DAY;
    return it;
}

static void latencies(struct dt_digest_item *it, size_t n, const long *v)
{
    for (size_t i = 0; i < n; i++)
        it->latencies_s[i] = v[i];
    it->n_latencies = n;
}

/* ann's digest: two stalled, one cooling, one slowed (in collect's order). */
static struct dt_digest_item ann_items[4];

static struct dt_digest ann_digest(void)
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

static char *decode_part(struct mailmime *part)
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

static void check_text_part(struct mailmime *part, const char *subtype)
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
static void parse(const char *raw, size_t len, struct parsed *p)
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

static void parsed_free(struct parsed *p)
{
    if (p->mime)
        mailmime_free(p->mime);
    free(p->subject);
    free(p->part[0]);
    free(p->part[1]);
}

static const char *mailbox_of(struct mailimf_mailbox_list *l)
{
    ck_assert_int_eq(clist_count(l->mb_list), 1);
    return ((struct mailimf_mailbox *)clist_content(clist_begin(l->mb_list)))->mb_addr_spec;
}

static const char *to_of(const struct parsed *p)
{
    ck_assert_ptr_nonnull(p->f.fld_to);
    clist *l = p->f.fld_to->to_addr_list->ad_list;
    ck_assert_int_eq(clist_count(l), 1);
    struct mailimf_address *a = clist_content(clist_begin(l));
    ck_assert_int_eq(a->ad_type, MAILIMF_ADDRESS_MAILBOX);
    return a->ad_data.ad_mailbox->mb_addr_spec;
}

/* Every line CRLF-terminated, at most 998 bytes, 7-bit, no NUL. */
static void assert_wire_clean(const char *raw, size_t len)
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

static struct dt_buf render(const struct dt_digest *d, const struct dt_config *cfg)
{
    struct dt_buf b = DT_BUF_INIT;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_digest_render(d, cfg, &b, &err) == 0, "render: %s", err.msg);
    ck_assert_ptr_nonnull(b.data);
    assert_wire_clean(b.data, b.len);
    return b;
}

static size_t pos(const char *hay, const char *needle)
{
    const char *p = strstr(hay, needle);
    ck_assert_msg(p != NULL, "\"%s\" not in:\n%s", needle, hay);
    return (size_t)(p - hay);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* ---- headers and structure --------------------------------------------- */

START_TEST(headers_parse_back)
{
    struct dt_config cfg = config(NULL, NULL); /* the defaults while config loading catches up */
    struct dt_digest d = ann_digest();
    struct dt_buf b = render(&d, &cfg);
    struct parsed p;
    parse(b.data, b.len, &p);

    ck_assert_str_eq(p.subject, "4 deals cooling after enthusiasm " EM " 20 Nov");
    ck_assert_str_eq(mailbox_of(p.f.fld_from->frm_mb_list), "dealtemp@corp.example");
    ck_assert_str_eq(to_of(&p), "ann@corp.example");
    struct mailimf_date_time *dt = p.f.fld_orig_date->dt_date_time;
    ck_assert_int_eq(dt->dt_day, 20);
    ck_assert_int_eq(dt->dt_month, 11);
    ck_assert_int_eq(dt->dt_year, 2025);
    ck_assert_int_eq(dt->dt_hour, 7);
    ck_assert_int_eq(dt->dt_min, 0);
    ck_assert_int_eq(dt->dt_zone, 0);
    ck_assert_contains(b.data, "\r\nDate: Thu, 20 Nov 2025 07:00:00 +0000\r\n");
    const char *mid = p.f.fld_message_id->mid_value;
    ck_assert_msg(strncmp(mid, "digest.", 7) == 0, "%s", mid);
    ck_assert_msg(strlen(mid) == strlen("digest.0123456789abcdef.20251120@corp.example"), "%s",
                  mid);
    ck_assert_contains(mid, ".20251120@corp.example");
    ck_assert_ptr_nonnull(p.custom[0]);
    ck_assert_str_eq(p.custom[0], "auto-generated");
    ck_assert_ptr_nonnull(p.custom[1]);
    ck_assert_str_eq(p.custom[1], "All");
    ck_assert_uint_eq(p.version, 1u << 16);
    ck_assert_contains(b.data, "\r\nMIME-Version: 1.0\r\n");
    /* The raw subject is ASCII with one encoded-word for the dash. */
    ck_assert_contains(
        b.data, "\r\nSubject: 4 deals cooling after enthusiasm =?UTF-8?Q?=E2=80=94?= 20 Nov\r\n");
    parsed_free(&p);
    dt_buf_free(&b);
}
END_TEST

START_TEST(configured_sender_and_singular_subject)
{
    struct dt_config cfg = config("en", "digests@sales.corp.example");
    struct dt_digest_item one = item(DT_STATE_COOLING, true, "a@b.example", "Hi", NULL);
    one.silent_s = 4 * DAY;
    struct dt_digest d = {.rep = "bob@corp.example", .as_of = AS_OF, .items = &one, .n_items = 1};
    struct dt_buf b = render(&d, &cfg);
    struct parsed p;
    parse(b.data, b.len, &p);
    ck_assert_str_eq(p.subject, "1 deal cooling after enthusiasm " EM " 20 Nov");
    ck_assert_str_eq(mailbox_of(p.f.fld_from->frm_mb_list), "digests@sales.corp.example");
    ck_assert_str_eq(to_of(&p), "bob@corp.example");
    /* The Message-ID stays in the first internal domain. */
    ck_assert_contains(p.f.fld_message_id->mid_value, "@corp.example");
    /* Only non-empty sections. */
    ck_assert_contains(p.part[0], "== Cooling (1) ==");
    ck_assert_lacks(p.part[0], "Stalled");
    ck_assert_lacks(p.part[0], "Slowed");
    ck_assert_lacks(p.part[1], "Stalled");
    ck_assert_lacks(p.part[1], "Slowed");
    parsed_free(&p);
    dt_buf_free(&b);
}
END_TEST

/* ---- content ------------------------------------------------------------ */

START_TEST(content_en)
{
    struct dt_config cfg = config("en", NULL);
    struct dt_digest d = ann_digest();
    struct dt_buf b = render(&d, &cfg);
    struct parsed p;
    parse(b.data, b.len, &p);
    const char *t = p.part[0], *h = p.part[1];

    /* Sections in order, each once, with counts; items in the digest's order. */
    size_t st = pos(t, "== Stalled (2) =="), co = pos(t, "== Cooling (1) =="),
           sl = pos(t, "== Slowed (1) ==");
    ck_assert(st < co && co < sl);
    ck_assert(pos(t, "buyer@acme.example") < pos(t, "cfo@globex.example"));
    ck_assert(pos(t, "cfo@globex.example") < co);
    ck_assert(co < pos(t, "it@initech.example") && pos(t, "it@initech.example") < sl);
    ck_assert(sl < pos(t, "ops@umbrella.example"));
    ck_assert(pos(h, ">Stalled (2)<") < pos(h, ">Cooling (1)<"));
    ck_assert(pos(h, ">Cooling (1)<") < pos(h, ">Slowed (1)<"));

    ck_assert_contains(t, "These deals went quiet or slow");
    ck_assert_contains(t, "* buyer@acme.example  [new]\n  Proposal for Q1\n");
    ck_assert_contains(t, "* cfo@globex.example  [ongoing]\n  (no subject stored)\n");
    ck_assert_contains(t, "* ops@umbrella.example  [new]\n");
    ck_assert_contains(t, "Enthusiastic message Thu 13 Nov, score 0.91 (amazing, can't wait)");
    ck_assert_contains(t, "Silent 9 days " EM " usually replies in 1 day");
    ck_assert_contains(t, "Silent 12 days " EM " usually replies in 1 day");
    ck_assert_contains(t, "Silent 4 days " EM " usually replies in 2 hours");
    ck_assert_contains(t, "Replied after 5 days " EM " usually 1 day");
    ck_assert_contains(t, "No earlier replies from this customer to compare with.");
    /* One line of advice per deal, by state. */
    ck_assert_uint_eq(count(t, "A calm, short question about where they stand"), 2);
    ck_assert_uint_eq(count(t, "ask what would help them decide"), 1);
    ck_assert_uint_eq(count(t, "let them convince themselves"), 1);
    ck_assert_uint_eq(count(h, "A calm, short question about where they stand"), 2);
    ck_assert_uint_eq(count(h, "let them convince themselves"), 1);

    /* The HTML says the same, with inline CSS only and no images. */
    ck_assert_contains(h, "buyer@acme.example");
    ck_assert_contains(h, ">new</span>");
    ck_assert_contains(h, ">ongoing</span>");
    ck_assert_contains(h, "(no subject stored)");
    ck_assert_contains(h, "Silent 9 days " EM " usually replies in 1 day");
    ck_assert_contains(h, "score 0.91 (amazing, can&#39;t wait)");
    ck_assert_contains(h, "max-width:600px");
    ck_assert_contains(h, "<meta name=\"viewport\"");
    ck_assert_lacks(h, "<style");
    ck_assert_lacks(h, "<img");
    ck_assert_lacks(h, "http://");
    ck_assert_lacks(h, "https://");
    parsed_free(&p);
    dt_buf_free(&b);
}
END_TEST

START_TEST(bar_chart_proportional)
{
    struct dt_config cfg = config("en", NULL);
    struct dt_digest_item it = item(DT_STATE_COOLING, false, "a@b.example", "x", NULL);
    latencies(&it, 2, (const long[]){DAY, 2 * DAY});
    it.silent_s = 4 * DAY;
    struct dt_digest d = {.rep = "ann@corp.example", .as_of = AS_OF, .items = &it, .n_items = 1};
    struct dt_buf b = render(&d, &cfg);
    struct parsed p;
    parse(b.data, b.len, &p);
    /* text: 24 columns for the longest; the current silence last and marked */
    ck_assert_contains(p.part[0],
                       "Reply times, oldest first:\n"
                       "        1d " BAR BAR BAR BAR BAR BAR "\n"
                       "        2d " BAR BAR BAR BAR BAR BAR BAR BAR BAR BAR BAR BAR "\n"
                       "        4d " HBAR HBAR HBAR HBAR HBAR HBAR HBAR HBAR HBAR HBAR HBAR HBAR
                           HBAR HBAR HBAR HBAR HBAR HBAR HBAR HBAR HBAR HBAR HBAR HBAR
                       " \xe2\x86\x90 now\n");
    /* HTML: widths in proportion, the last bar in the state's colour */
    const char *h = p.part[1];
    size_t w25 = pos(h, "width=\"25%\""), w50 = pos(h, "width=\"50%\""),
           w100 = pos(h, "width=\"100%\" style=\"width:100%;\"><tr><td height=\"10\" "
                         "bgcolor=\"#2471a3\"");
    ck_assert(w25 < w50 && w50 < w100);
    ck_assert_contains(h, ">now 4d</td>");
    parsed_free(&p);
    dt_buf_free(&b);
}
END_TEST

START_TEST(html_escaping)
{
    struct dt_config cfg = config("en", NULL);
    struct dt_digest_item it = item(DT_STATE_STALLED, true, "\"Evil\" <x@y.example>",
                                    "<script>alert(1)</script> & co", "<b>wow</b>, it's \"great\"");
    it.silent_s = 8 * DAY;
    struct dt_digest d = {.rep = "ann@corp.example", .as_of = AS_OF, .items = &it, .n_items = 1};
    struct dt_buf b = render(&d, &cfg);
    struct parsed p;
    parse(b.data, b.len, &p);
    const char *h = p.part[1];
    ck_assert_contains(h, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co");
    ck_assert_contains(h, "&quot;Evil&quot; &lt;x@y.example&gt;");
    ck_assert_contains(h, "(&lt;b&gt;wow&lt;/b&gt;, it&#39;s &quot;great&quot;)");
    ck_assert_lacks(h, "<script");
    ck_assert_lacks(h, "<b>");
    /* the text part shows them as they are */
    ck_assert_contains(p.part[0], "<script>alert(1)</script> & co");
    parsed_free(&p);
    dt_buf_free(&b);
}
END_TEST

START_TEST(hostile_store_strings)
{
    struct dt_config cfg = config("en", NULL);
    /* CR/LF, a header-looking tail, invalid UTF-8, a bidi override, 5000 bytes without a space */
    char huge[5001];
    memset(huge, 'A', 5000);
    huge[5000] = '\0';
    struct dt_digest_item it[2] = {
        item(DT_STATE_STALLED, true, "a@b.example", "Hello\r\nBcc: evil@attacker.example\r\n\r\nX",
             "bad \xff\xfe bytes, \xe2\x80\xae"
             "desrever"),
        item(DT_STATE_COOLING, false, huge, huge, huge),
    };
    it[0].silent_s = 8 * DAY;
    it[1].silent_s = 4 * DAY;
    struct dt_digest d = {.rep = "ann@corp.example", .as_of = AS_OF, .items = it, .n_items = 2};
    struct dt_buf b = render(&d, &cfg);
    struct parsed p;
    parse(b.data, b.len, &p);
    ck_assert_ptr_null(p.f.fld_bcc);
    const char *body = strstr(b.data, "\r\n\r\n");
    ck_assert_ptr_nonnull(body);
    ck_assert_lacks(body, "\r\nBcc:");
    ck_assert_contains(p.part[0], "  Hello Bcc: evil@attacker.example X\n");
    ck_assert_contains(p.part[0], "bad \xef\xbf\xbd\xef\xbf\xbd bytes, desrever");
    ck_assert_lacks(p.part[0], "\xe2\x80\xae");
    /* long values are cut, with an ellipsis */
    ck_assert_lacks(p.part[0], huge);
    ck_assert_contains(p.part[0], "AAAA\xe2\x80\xa6");
    parsed_free(&p);
    dt_buf_free(&b);
}
END_TEST

START_TEST(dutch)
{
    struct dt_config cfg = config("nl", NULL);
    struct dt_digest d = ann_digest();
    d.n_items = 3; /* two stalled, one cooling */
    struct dt_buf b = render(&d, &cfg);
    struct parsed p;
    parse(b.data, b.len, &p);
    ck_assert_str_eq(p.subject, "3 deals koelen af na enthousiasme " EM " 20 nov");
    const char *t = p.part[0], *h = p.part[1];
    ck_assert(pos(t, "== Vastgelopen (2) ==") < pos(t, "== Koelt af (1) =="));
    ck_assert_lacks(t, "Trager");
    ck_assert_contains(t, "[nieuw]");
    ck_assert_contains(t, "[loopt al]");
    ck_assert_contains(t, "(onderwerp niet bewaard)");
    ck_assert_contains(t, "Enthousiast bericht do 13 nov, score 0,91 (amazing, can't wait)");
    ck_assert_contains(t, "9 dagen stil " EM " antwoordt meestal binnen 1 dag");
    ck_assert_contains(t, "4 dagen stil " EM " antwoordt meestal binnen 2 uur");
    ck_assert_contains(t, "Een rustige, korte vraag naar waar ze staan");
    ck_assert_contains(t, "Antwoordtijden, oudste eerst:");
    ck_assert_lacks(t, "Stalled");
    ck_assert_lacks(t, "usually");
    ck_assert_contains(h, "<html lang=\"nl\">");
    ck_assert_contains(h, ">Vastgelopen (2)<");
    ck_assert_contains(h, "Geef ze ruimte");
    parsed_free(&p);
    dt_buf_free(&b);

    /* singular and the slowed section */
    struct dt_digest_item one = item(DT_STATE_SLOWED, true, "a@b.example", "x", NULL);
    one.reply_s = 5 * DAY;
    struct dt_digest d1 = {.rep = "ann@corp.example", .as_of = AS_OF, .items = &one, .n_items = 1};
    b = render(&d1, &cfg);
    parse(b.data, b.len, &p);
    ck_assert_str_eq(p.subject, "1 deal koelt af na enthousiasme " EM " 20 nov");
    ck_assert_contains(p.part[0], "== Trager (1) ==");
    ck_assert_contains(p.part[0], "Antwoordde na 5 dagen " EM " meestal 1 dag");
    ck_assert_contains(p.part[0], "laat ze zichzelf overtuigen");
    parsed_free(&p);
    dt_buf_free(&b);
}
END_TEST

START_TEST(empty_digest)
{
    static const struct {
        const char *lang, *subject, *says;
    } cases[] = {
        {"en", "No deals cooling after enthusiasm " EM " 20 Nov",
         "No deals cooled after enthusiasm " EM " nice and calm."},
        {"nl", "Geen deals koelen af na enthousiasme " EM " 20 nov",
         "Geen deals afgekoeld na enthousiasme " EM " lekker rustig."},
    };
    struct dt_config cfg = config(cases[_i].lang, NULL);
    struct dt_digest d = {.rep = "ann@corp.example", .as_of = AS_OF, .items = NULL, .n_items = 0};
    struct dt_buf b = render(&d, &cfg);
    struct parsed p;
    parse(b.data, b.len, &p);
    ck_assert_str_eq(p.subject, cases[_i].subject);
    ck_assert_contains(p.part[0], cases[_i].says);
    ck_assert_contains(p.part[1], cases[_i].says);
    ck_assert_lacks(p.part[0], "==");
    ck_assert_lacks(p.part[1], "<h2");
    parsed_free(&p);
    dt_buf_free(&b);
}
END_TEST

/* ---- determinism, privacy, refusal -------------------------------------- */

START_TEST(deterministic)
{
    struct dt_config cfg = config("en", NULL);
    struct dt_digest d = ann_digest();
    struct dt_buf a = render(&d, &cfg), b = render(&d, &cfg);
    ck_assert_uint_eq(a.len, b.len);
    ck_assert(memcmp(a.data, b.data, a.len) == 0);

    /* another rep or another day: another Message-ID and boundary */
    struct parsed pa, pb, pc;
    parse(a.data, a.len, &pa);
    d.rep = "bob@corp.example";
    struct dt_buf c = render(&d, &cfg);
    parse(c.data, c.len, &pb);
    d.as_of += DAY;
    struct dt_buf e = render(&d, &cfg);
    parse(e.data, e.len, &pc);
    ck_assert_str_ne(pa.f.fld_message_id->mid_value, pb.f.fld_message_id->mid_value);
    ck_assert_str_ne(pb.f.fld_message_id->mid_value, pc.f.fld_message_id->mid_value);
    ck_assert_contains(pc.f.fld_message_id->mid_value, ".20251121@corp.example");
    const char *ba =
        mailmime_extract_boundary(pa.mime->mm_data.mm_message.mm_msg_mime->mm_content_type);
    const char *bb =
        mailmime_extract_boundary(pb.mime->mm_data.mm_message.mm_msg_mime->mm_content_type);
    ck_assert_str_ne(ba, bb);
    free((char *)ba);
    free((char *)bb);
    parsed_free(&pa);
    parsed_free(&pb);
    parsed_free(&pc);
    dt_buf_free(&a);
    dt_buf_free(&b);
    dt_buf_free(&c);
    dt_buf_free(&e);
}
END_TEST

START_TEST(privacy_only_own_deals)
{
    struct dt_config cfg = config("en", NULL);
    struct dt_digest ann = ann_digest();
    struct dt_digest_item bobs = item(DT_STATE_STALLED, true, "secret@bobcustomer.example",
                                      "Bob's secret merger", "bobphrase");
    bobs.silent_s = 10 * DAY;
    struct dt_digest bob = {
        .rep = "bob@corp.example", .as_of = AS_OF, .items = &bobs, .n_items = 1};
    struct dt_buf ba = render(&ann, &cfg), bb = render(&bob, &cfg);
    struct parsed pa, pb;
    parse(ba.data, ba.len, &pa);
    parse(bb.data, bb.len, &pb);
    static const char *bob_only[] = {"bob@corp.example", "bobcustomer", "merger", "bobphrase"};
    for (size_t i = 0; i < 4; i++) {
        ck_assert_lacks(ba.data, bob_only[i]);
        ck_assert_lacks(pa.part[0], bob_only[i]);
        ck_assert_lacks(pa.part[1], bob_only[i]);
    }
    for (size_t i = 0; i < 4; i++) {
        ck_assert_lacks(bb.data, ann.items[i].counterpart);
        ck_assert_lacks(pb.part[0], ann.items[i].counterpart);
        ck_assert_lacks(pb.part[1], ann.items[i].counterpart);
    }
    ck_assert_lacks(pb.part[0], "ann@corp.example");
    ck_assert_str_eq(to_of(&pb), "bob@corp.example");
    parsed_free(&pa);
    parsed_free(&pb);
    dt_buf_free(&ba);
    dt_buf_free(&bb);
}
END_TEST

START_TEST(refuses_bad_addresses)
{
    static const char *bad_reps[] = {
        "ann@corp.example\r\nBcc: evil@attacker.example",
        "ann@corp.example, evil@x.example",
        "Ann <ann@corp.example>",
        "ann",
        "@corp.example",
        "ann@",
        "ann@corp..example",
        "",
        NULL,
    };
    struct dt_config cfg = config("en", NULL);
    struct dt_digest d = ann_digest();
    for (size_t i = 0; i < sizeof bad_reps / sizeof bad_reps[0]; i++) {
        d.rep = (char *)bad_reps[i];
        struct dt_buf b = DT_BUF_INIT;
        dt_buf_puts(&b, "kept");
        struct dt_error err = {{0}};
        ck_assert_int_eq(dt_digest_render(&d, &cfg, &b, &err), -1);
        ck_assert_str_eq(b.data, "kept"); /* out untouched */
        ck_assert_contains(err.msg, "is not a plain address");
        ck_assert_lacks(err.msg, "\n");
        dt_buf_free(&b);
    }

    d.rep = "ann@corp.example";
    struct dt_config bad_from = config("en", "dealtemp@corp.example\nX-Evil: 1");
    struct dt_buf b = DT_BUF_INIT;
    struct dt_error err = {{0}};
    ck_assert_int_eq(dt_digest_render(&d, &bad_from, &b, &err), -1);
    ck_assert_contains(err.msg, "digest.from");
    ck_assert_ptr_null(b.data);

    /* neither digest.from nor an internal domain: nothing to send from */
    struct dt_config none = config("en", NULL);
    none.internal_domains = NULL;
    none.n_internal_domains = 0;
    ck_assert_int_eq(dt_digest_render(&d, &none, &b, &err), -1);
    ck_assert_contains(err.msg, "no digest.from");
    ck_assert_int_eq(dt_digest_render(NULL, &cfg, &b, &err), -1);
    ck_assert_int_eq(dt_digest_render(&d, NULL, &b, &err), -1);
    ck_assert_ptr_null(b.data);
}
END_TEST

START_TEST(appends_to_out)
{
    struct dt_config cfg = config("en", NULL);
    struct dt_digest d = ann_digest();
    struct dt_buf one = render(&d, &cfg);
    struct dt_buf b = DT_BUF_INIT;
    dt_buf_puts(&b, "From dealtemp Thu Nov 20 07:00:00 2025\r\n");
    size_t before = b.len;
    struct dt_error err = {{0}};
    ck_assert_int_eq(dt_digest_render(&d, &cfg, &b, &err), 0);
    ck_assert_uint_eq(b.len, before + one.len);
    ck_assert(memcmp(b.data + before, one.data, one.len) == 0);
    dt_buf_free(&one);
    dt_buf_free(&b);
}
END_TEST

/* ---- roll-up ------------------------------------------------------------ */

static const struct dt_rollup_line team[] = {
    {"ann@corp.example", 2, 1, 1},
    {"bob@corp.example", 0, 0, 0},
    {"<carol>&co@corp.example", 1, 0, 0},
};

START_TEST(rollup)
{
    struct dt_config cfg = config("en", NULL);
    struct dt_buf b = DT_BUF_INIT;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_digest_render_rollup("boss@corp.example", team, 3, AS_OF, &cfg, &b, &err) == 0,
                  "%s", err.msg);
    assert_wire_clean(b.data, b.len);
    struct parsed p;
    parse(b.data, b.len, &p);
    ck_assert_str_eq(p.subject, "Team roll-up: 5 deals cooling after enthusiasm " EM " 20 Nov");
    ck_assert_str_eq(to_of(&p), "boss@corp.example");
    ck_assert_str_eq(mailbox_of(p.f.fld_from->frm_mb_list), "dealtemp@corp.example");
    ck_assert_contains(p.f.fld_message_id->mid_value, "rollup.");
    ck_assert_str_eq(p.custom[0], "auto-generated");
    const char *t = p.part[0], *h = p.part[1];
    ck_assert_contains(t, "* ann@corp.example: Stalled 2, Cooling 1, Slowed 1\n");
    ck_assert_contains(t, "* bob@corp.example: Stalled 0, Cooling 0, Slowed 0\n");
    ck_assert_contains(t, "Total: Stalled 3, Cooling 1, Slowed 1\n");
    ck_assert(pos(t, "ann@") < pos(t, "bob@"));
    ck_assert_contains(t, "this roll-up holds only the counts");
    ck_assert_lacks(t, "Only your own threads");
    ck_assert_contains(h, "&lt;carol&gt;&amp;co@corp.example");
    ck_assert_lacks(h, "<carol>");
    ck_assert_uint_eq(count(h, "<tr><td style=\"padding:6px 0;border-bottom"), 3);
    parsed_free(&p);

    /* deterministic, NL, and a bad manager address refused */
    struct dt_buf again = DT_BUF_INIT;
    ck_assert_int_eq(
        dt_digest_render_rollup("boss@corp.example", team, 3, AS_OF, &cfg, &again, &err), 0);
    ck_assert_uint_eq(again.len, b.len);
    ck_assert(memcmp(again.data, b.data, b.len) == 0);
    dt_buf_free(&again);

    struct dt_config nl = config("nl", NULL);
    struct dt_buf bn = DT_BUF_INIT;
    ck_assert_int_eq(dt_digest_render_rollup("boss@corp.example", team, 1, AS_OF, &nl, &bn, &err),
                     0);
    parse(bn.data, bn.len, &p);
    ck_assert_str_eq(p.subject, "Teamoverzicht: 4 deals koelen af na enthousiasme " EM " 20 nov");
    ck_assert_contains(p.part[0], "* ann@corp.example: Vastgelopen 2, Koelt af 1, Trager 1\n");
    parsed_free(&p);
    dt_buf_free(&bn);

    struct dt_buf bad = DT_BUF_INIT;
    ck_assert_int_eq(dt_digest_render_rollup("boss@corp.example\r\nBcc: x@y.example", team, 3,
                                             AS_OF, &cfg, &bad, &err),
                     -1);
    ck_assert_contains(err.msg, "manager");
    ck_assert_ptr_null(bad.data);
    ck_assert_int_eq(dt_digest_render_rollup(NULL, team, 3, AS_OF, &cfg, &bad, &err), -1);
    ck_assert_int_eq(dt_digest_render_rollup("boss@corp.example", NULL, 3, AS_OF, &cfg, &bad, &err),
                     -1);
    dt_buf_free(&b);
}
END_TEST

/* ---- a second opinion: Python's email module ---------------------------- */

static const char python_check[] =
    "import sys, email, email.policy\n"
    "raw = open(sys.argv[1], \"rb\").read()\n"
    "m = email.message_from_bytes(raw, policy=email.policy.default)\n"
    "want = bytes.fromhex(sys.argv[2]).decode(\"utf-8\")\n"
    "errs = []\n"
    "if m.defects: errs.append(\"message defects %r\" % m.defects)\n"
    "for k, v in m.items():\n"
    "    if getattr(v, \"defects\", None): errs.append(\"%s: %r\" % (k, v.defects))\n"
    "if m.get_content_type() != \"multipart/alternative\": errs.append(m.get_content_type())\n"
    "parts = list(m.iter_parts())\n"
    "types = [p.get_content_type() for p in parts]\n"
    "if types != [\"text/plain\", \"text/html\"]: errs.append(\"parts %r\" % types)\n"
    "for p in parts:\n"
    "    if p.defects: errs.append(\"part defects %r\" % p.defects)\n"
    "    if p.get_content_charset() != \"utf-8\": errs.append(\"charset %r\" % "
    "p.get_content_charset())\n"
    "    if p[\"Content-Transfer-Encoding\"] != \"quoted-printable\": errs.append(\"cte\")\n"
    "    body = p.get_content()\n"
    "    if not isinstance(body, str) or len(body.strip()) < 40: errs.append(\"empty part\")\n"
    "if str(m[\"Subject\"]) != want: errs.append(\"subject %r\" % str(m[\"Subject\"]))\n"
    "if str(m[\"Auto-Submitted\"]) != \"auto-generated\": errs.append(\"auto-submitted\")\n"
    "if m[\"Date\"].datetime is None or m[\"Date\"].datetime.utcoffset().total_seconds() != 0: "
    "errs.append(\"date\")\n"
    "if len(m[\"To\"].addresses) != 1 or len(m[\"From\"].addresses) != 1: "
    "errs.append(\"addresses\")\n"
    "if not str(m[\"Message-ID\"]).startswith(\"<\"): errs.append(\"message-id\")\n"
    "print(\"\\n\".join(errs) if errs else \"ok\")\n"
    "sys.exit(1 if errs else 0)\n";

static void python_agrees(const char *raw, size_t len, const char *subject)
{
    ck_assert_msg(system("command -v python3 >/dev/null 2>&1") == 0,
                  "python3 not found: run make deps");
    char path[] = "/tmp/dt-digest-render-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, raw, len), (ssize_t)len);
    close(fd);

    struct dt_buf cmd = DT_BUF_INIT;
    dt_buf_puts(&cmd, "python3 -c '");
    dt_buf_puts(&cmd, python_check); /* holds no single quote */
    dt_buf_printf(&cmd, "' %s ", path);
    for (const unsigned char *s = (const unsigned char *)subject; *s; s++)
        dt_buf_printf(&cmd, "%02x", *s);
    dt_buf_puts(&cmd, " 2>&1");
    FILE *f = popen(cmd.data, "r");
    ck_assert_ptr_nonnull(f);
    char out[4096];
    size_t n = fread(out, 1, sizeof out - 1, f);
    out[n] = '\0';
    int st = pclose(f);
    unlink(path);
    dt_buf_free(&cmd);
    ck_assert_msg(st == 0, "python email module: %s", out);
    ck_assert_str_eq(out, "ok\n");
}

START_TEST(python_email_module)
{
    ck_assert(strchr(python_check, '\'') == NULL);
    struct dt_config en = config("en", NULL), nl = config("nl", NULL);
    struct dt_digest d = ann_digest();
    struct dt_buf b = render(&d, &en);
    python_agrees(b.data, b.len, "4 deals cooling after enthusiasm " EM " 20 Nov");
    dt_buf_free(&b);
    b = render(&d, &nl);
    python_agrees(b.data, b.len, "4 deals koelen af na enthousiasme " EM " 20 nov");
    dt_buf_free(&b);
    struct dt_error err = {{0}};
    ck_assert_int_eq(dt_digest_render_rollup("boss@corp.example", team, 3, AS_OF, &en, &b, &err),
                     0);
    python_agrees(b.data, b.len, "Team roll-up: 5 deals cooling after enthusiasm " EM " 20 Nov");
    dt_buf_free(&b);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("digest_render");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, headers_parse_back);
    tcase_add_test(tc, configured_sender_and_singular_subject);
    tcase_add_test(tc, content_en);
    tcase_add_test(tc, bar_chart_proportional);
    tcase_add_test(tc, html_escaping);
    tcase_add_test(tc, hostile_store_strings);
    tcase_add_test(tc, dutch);
    tcase_add_loop_test(tc, empty_digest, 0, 2);
    tcase_add_test(tc, deterministic);
    tcase_add_test(tc, privacy_only_own_deals);
    tcase_add_test(tc, refuses_bad_addresses);
    tcase_add_test(tc, appends_to_out);
    tcase_add_test(tc, rollup);
    tcase_add_test(tc, python_email_module);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_test_run(suite());
}
