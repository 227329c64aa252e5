/*
 * check_mime_header.c - header facts of raw messages (mime_header.c via
 * dt_mime_parse): RFC 2047 subjects (NULs they encode included), addresses,
 * msg-ids, dates, list and auto-reply markers, comments nested deep enough
 * to overflow a thread's stack (parsed on a small one), and 1 MB header
 * lines that must stay linear.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libetpan/libetpan.h>

#include "dealtemp/mime.h"
#include "testutil.h"
#include "dealtemp/utf8.h"

/* The shared parse helpers (slurp, parse_mem/str/file, ck_assert_contains/lacks). */
#define slurp dt_test_slurp
#define parse_mem dt_test_parse_mem
#define parse_str dt_test_parse_str
#define parse_file dt_test_parse_file

/* ---- header facts ------------------------------------------------------- */

static const struct {
    const char *file, *subject;
} subjects[] = {
    {"tests/data/mime-subject-q-utf8.eml",
     "Geweldig nieuws \xe2\x80\x93 we kunnen starten! \xf0\x9f\x9a\x80"},
    {"tests/data/mime-subject-b-utf8.eml", "\xc3\x9c"
                                           "berzeugendes Angebot f\xc3\xbcr Ihre Firma"},
    {"tests/data/mime-subject-q-latin1.eml", "Re: Offerte voor caf\xc3\xa9 \"De Zoon\""},
    {"tests/data/mime-subject-b-latin1.eml", "Pr\xc3\xa9sentation de notre offre"},
};

START_TEST(rfc2047_subjects)
{
    struct dt_message *m = parse_file(subjects[_i].file);
    ck_assert_str_eq(m->subject, subjects[_i].subject);
    ck_assert_str_eq(m->from, "ana@ventas-iberica.example"); /* encoded display name dropped */
    ck_assert_str_eq(m->text, "Short body.\n");
    dt_message_free(m);
}
END_TEST

START_TEST(folded_references_and_addresses)
{
    struct dt_message *m = parse_file("tests/data/mime-references-folded.eml");
    ck_assert_uint_eq(m->n_references, 4);
    ck_assert_str_eq(m->references[0], "refs-00@northwind.example");
    ck_assert_str_eq(m->references[1], "refs-01@customer.example");
    ck_assert_str_eq(m->references[2], "refs-02@northwind.example");
    ck_assert_str_eq(m->references[3], "refs-03@customer.example");
    ck_assert_str_eq(m->in_reply_to, "refs-03@customer.example");
    ck_assert_uint_eq(m->n_to, 3);
    ck_assert_str_eq(m->to[0], "alice.moreau@customer.example");
    ck_assert_str_eq(m->to[1], "luc.bernard@customer.example");
    ck_assert_str_eq(m->to[2], "carla@customer.example");
    ck_assert_uint_eq(m->n_cc, 0); /* an empty group */
    ck_assert_int_eq((long long)m->date, 1762556399LL);
    ck_assert_str_eq(m->subject, "Re: Re: Re: Rollout schedule");
    ck_assert_str_eq(m->warning, "");
    dt_message_free(m);
}
END_TEST

START_TEST(autoreply_and_list_headers)
{
    struct dt_message *m = parse_file("tests/data/mime-autoreply.eml");
    ck_assert_str_eq(m->auto_submitted, "auto-replied");
    ck_assert_str_eq(m->precedence, "auto_reply");
    ck_assert(m->x_autoreply);
    ck_assert_ptr_null(m->list_id);
    dt_message_free(m);

    m = parse_file("tests/data/mime-list.eml");
    ck_assert_str_eq(m->list_id, "Vendor product news <news.lists.vendor.example>");
    ck_assert_str_eq(m->precedence, "bulk");
    ck_assert(!m->x_autoreply);
    ck_assert_ptr_null(m->auto_submitted);
    dt_message_free(m);

    m = parse_str("From: a@b.example\nX-Autorespond: on\n\nhi\n");
    ck_assert(m->x_autoreply);
    dt_message_free(m);
}
END_TEST

static const struct {
    const char *date;
    long long t;
} dates[] = {
    {"Tue, 1 Jul 2025 14:30:00 +0200", 1751373000LL},
    {"1 Jul 25 14:30 GMT", 1751380200LL}, /* no weekday, two-digit year, no seconds */
    {"Tue, 1 Jul 2025 14:30:00 UT", 1751380200LL},
    {"Tue, 01 Jul 2025 14:30:00 -0430", 1751396400LL},
    {"Wed, 31 Dec 2024 23:59:59 +0000", 1735689599LL},
    {"Thu, 29 Feb 2024 12:00:00 +0100", 1709204400LL},
    {"Sun, 1 Jan 1995 00:00:00 PST", 788947200LL},
    {"Tue, 1 Jul 99 14:30:00 +0000", 930839400LL},
    {"Tue, 1 Jul 2025 14:30:00 +0200 (CEST)", 1751373000LL},
    /* zones libetpan reads as any int, INT_MIN included (a fuzz finding): nonsense, so UTC */
    {"Tue, 1 Jul 2025 14:30:00 -2147483648", 1751380200LL},
    {"Tue, 1 Jul 2025 14:30:00 +2147483647", 1751380200LL},
    {"Tue,\r\n 1 Jul 2025\r\n\t14:30:00 +0200", 1751373000LL}, /* folded */
    {"2025-07-01 14:30:00", -1},
    {"Tue, 1 Foo 2025 14:30:00 +0200", -1},
    {"Tue, 32 Jul 2025 14:30:00 +0200", -1},
    {"Tue, 1 Jul 2025 25:30:00 +0200", -1},
    {"", -1},
    {"((((((((((((((((((((((((((((((((((((((((((((((((((", -1},
};

START_TEST(date_formats)
{
    char raw[256];
    snprintf(raw, sizeof(raw), "From: a@b.example\r\nDate: %s\r\n\r\nx\r\n", dates[_i].date);
    struct dt_message *m = parse_str(raw);
    ck_assert_msg((long long)m->date == dates[_i].t, "Date: %s -> %lld, want %lld", dates[_i].date,
                  (long long)m->date, dates[_i].t);
    dt_message_free(m);
}
END_TEST

START_TEST(absent_headers)
{
    struct dt_message *m = parse_str("X-Mailer: test\n\nbody\n");
    ck_assert_ptr_null(m->message_id);
    ck_assert_ptr_null(m->in_reply_to);
    ck_assert_ptr_null(m->from);
    ck_assert_ptr_null(m->subject);
    ck_assert_int_eq((long long)m->date, -1);
    ck_assert_uint_eq(m->n_to, 0);
    ck_assert_ptr_null(m->to[0]);
    ck_assert_uint_eq(m->n_cc, 0);
    ck_assert_uint_eq(m->n_references, 0);
    ck_assert_str_eq(m->text, "body\n");
    dt_message_free(m);
}
END_TEST

static const struct {
    const char *to;
    const char *want[4];
} addr_cases[] = {
    {"jan@x.nl", {"jan@x.nl"}},
    {"Jan Jansen <Jan.Jansen@X.NL>", {"jan.jansen@x.nl"}},
    {"\"Jansen, Jan\" <jan@x.nl>, piet@y.nl,", {"jan@x.nl", "piet@y.nl"}},
    {"Jan Jansen <jan@x.nl", {"jan@x.nl"}},                        /* missing '>' */
    {"a@b.example,, c@d.example", {"a@b.example", "c@d.example"}}, /* empty element */
    {"Team: a@b.example, C@D.example;", {"a@b.example", "c@d.example"}},
    {"Jan Jansen", {NULL}},
    {"=?UTF-8?Q?Jos=C3=A9?= <jose@x.es>", {"jose@x.es"}},
    {"jan@x.nl (Jan (the (sales (guy (from (Utrecht (NL (really (yes))))))))))", {"jan@x.nl"}},
};

START_TEST(address_lists)
{
    char raw[512];
    snprintf(raw, sizeof(raw), "From: %s\r\nTo: %s\r\n\r\nx\r\n", addr_cases[_i].to,
             addr_cases[_i].to);
    struct dt_message *m = parse_str(raw);
    size_t n = 0;
    while (n < 4 && addr_cases[_i].want[n] != NULL)
        n++;
    ck_assert_msg(m->n_to == n, "To: %s -> %zu addresses, want %zu", addr_cases[_i].to, m->n_to, n);
    for (size_t i = 0; i < n; i++)
        ck_assert_str_eq(m->to[i], addr_cases[_i].want[i]);
    if (n > 0)
        ck_assert_str_eq(m->from, addr_cases[_i].want[0]);
    else
        ck_assert_ptr_null(m->from);
    dt_message_free(m);
}
END_TEST

START_TEST(message_id_forms)
{
    struct dt_message *m = parse_str("Message-ID: abc@x.example\r\nIn-Reply-To: <p@q.example\r\n"
                                     "References: r1@x.example r2@x.example\r\n\r\nx\r\n");
    ck_assert_str_eq(m->message_id, "abc@x.example");
    ck_assert_str_eq(m->in_reply_to, "p@q.example");
    ck_assert_uint_eq(m->n_references, 2);
    ck_assert_str_eq(m->references[1], "r2@x.example");
    dt_message_free(m);

    m = parse_str("Message-ID: <>\r\nIn-Reply-To: (a comment only)\r\n\r\nx\r\n");
    ck_assert_ptr_null(m->message_id);
    ck_assert_ptr_null(m->in_reply_to);
    dt_message_free(m);
}
END_TEST

/*
 * mime_header.c reads strict "<left@right>" lists itself (plain_ids); on
 * such values it must give what libetpan's parser gives. Random lists of
 * dot-atoms over every atext character, apart by blanks or nothing.
 */
static unsigned lcg(unsigned *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return (*seed >> 16) & 0x7fff;
}

static void dot_atom_random(unsigned *seed, char *out, size_t *len)
{
    static const char atext[] = "abcxyzABCXYZ0189!#$%&'*+-/=?^_`{|}~";
    size_t parts = 1 + lcg(seed) % 3;
    for (size_t p = 0; p < parts; p++) {
        if (p > 0)
            out[(*len)++] = '.';
        for (size_t k = 1 + lcg(seed) % 6; k > 0; k--)
            out[(*len)++] = atext[lcg(seed) % (sizeof(atext) - 1)];
    }
}

START_TEST(plain_ids_match_libetpan)
{
    static const char *const blanks[] = {"", " ", "  ", "\t", " \t "};
    unsigned seed = 20261204;
    for (int round = 0; round < 3000; round++) {
        char v[512];
        size_t len = 0, ids = 1 + lcg(&seed) % 5;
        for (size_t i = 0; i < ids; i++) {
            const char *b = blanks[lcg(&seed) % 5];
            memcpy(v + len, b, strlen(b));
            len += strlen(b);
            v[len++] = '<';
            dot_atom_random(&seed, v, &len);
            v[len++] = '@';
            dot_atom_random(&seed, v, &len);
            v[len++] = '>';
        }
        v[len] = '\0';

        size_t idx = 0;
        clist *want = NULL;
        ck_assert_int_eq(mailimf_msg_id_list_parse(v, len, &idx, &want), MAILIMF_NO_ERROR);
        char raw[600];
        snprintf(raw, sizeof(raw), "References: %s\r\n\r\nx\r\n", v);
        struct dt_message *m = parse_str(raw);
        ck_assert_msg(m->n_references == (size_t)clist_count(want), "%s: %zu ids, libetpan %d", v,
                      m->n_references, clist_count(want));
        size_t i = 0;
        for (clistiter *it = clist_begin(want); it != NULL; it = clist_next(it), i++) {
            char *id = it->data;
            ck_assert_ptr_nonnull(id);
            ck_assert_msg(strcmp(m->references[i], id) == 0, "%s: #%zu %s, libetpan %s", v, i,
                          m->references[i], id);
            free(id);
        }
        clist_free(want);
        dt_message_free(m);
    }
}
END_TEST

/* Values just outside the strict form go to libetpan and read as before. */
START_TEST(near_plain_ids)
{
    struct dt_message *m =
        parse_str("Message-ID: <a@b.example> (sent by Outlook)\r\nIn-Reply-To: <x..y@b.example>\r\n"
                  "References: <r1@x.example>,<r2@x.example> <\"q r\"@x.example>\r\n\r\nx\r\n");
    ck_assert_str_eq(m->message_id, "a@b.example");
    ck_assert_str_eq(m->in_reply_to, "x..y@b.example");
    ck_assert_uint_eq(m->n_references, 3);
    ck_assert_str_eq(m->references[0], "r1@x.example");
    ck_assert_str_eq(m->references[1], "r2@x.example");
    ck_assert_str_eq(m->references[2], "\"qr\"@x.example"); /* libetpan's reading of it */
    dt_message_free(m);
}
END_TEST

/* The same for strict address lists (plain_addrs): addresses and display names as libetpan reads
 * them. */
START_TEST(plain_addrs_match_libetpan)
{
    static const char name_chars[] = "abcxyzABCXYZ0189!#$%&*+-/^_`{|}~";
    unsigned seed = 4122026;
    for (int round = 0; round < 3000; round++) {
        char v[1024];
        size_t len = 0, count = 1 + lcg(&seed) % 4;
        for (size_t i = 0; i < count; i++) {
            if (i > 0) {
                memcpy(v + len, ", ", 2);
                len += 2;
            }
            unsigned form = lcg(&seed) % 3; /* bare, <spec>, Name Words <spec> */
            if (form == 2)
                for (size_t w = 1 + lcg(&seed) % 3; w > 0; w--) {
                    for (size_t k = 1 + lcg(&seed) % 7; k > 0; k--)
                        v[len++] = name_chars[lcg(&seed) % (sizeof(name_chars) - 1)];
                    v[len++] = ' ';
                }
            if (form > 0)
                v[len++] = '<';
            len += (size_t)sprintf(v + len, "p%zu", i); /* distinct addresses */
            dot_atom_random(&seed, v, &len);
            v[len++] = '@';
            dot_atom_random(&seed, v, &len);
            if (form > 0)
                v[len++] = '>';
        }
        v[len] = '\0';

        size_t idx = 0;
        struct mailimf_address_list *want = NULL;
        ck_assert_int_eq(mailimf_address_list_parse(v, len, &idx, &want), MAILIMF_NO_ERROR);
        ck_assert_uint_eq(idx, len);
        char raw[1200];
        snprintf(raw, sizeof(raw), "From: a@corp.example\r\nTo: %s\r\n\r\nx\r\n", v);
        struct dt_message *m = parse_str(raw);
        ck_assert_msg(m->n_to == (size_t)clist_count(want->ad_list), "%s: %zu, libetpan %d", v,
                      m->n_to, clist_count(want->ad_list));
        size_t i = 0;
        for (clistiter *it = clist_begin(want->ad_list); it != NULL; it = clist_next(it), i++) {
            struct mailimf_address *ad = it->data;
            ck_assert_int_eq(ad->ad_type, MAILIMF_ADDRESS_MAILBOX);
            const struct mailimf_mailbox *mb = ad->ad_data.ad_mailbox;
            char lower[256];
            size_t k = 0;
            for (; mb->mb_addr_spec[k] && k + 1 < sizeof(lower); k++)
                lower[k] = (char)dt_ascii_lower((unsigned char)mb->mb_addr_spec[k]);
            lower[k] = '\0';
            ck_assert_msg(strcmp(m->to[i], lower) == 0, "%s: #%zu %s, libetpan %s", v, i, m->to[i],
                          lower);
            const char *name = dt_message_name(m, m->to[i]);
            if (mb->mb_display_name == NULL)
                ck_assert_msg(name == NULL, "%s: #%zu named %s", v, i, name);
            else
                ck_assert_msg(name != NULL && strcmp(name, mb->mb_display_name) == 0,
                              "%s: #%zu name %s, libetpan %s", v, i, name ? name : "(none)",
                              mb->mb_display_name);
        }
        mailimf_address_list_free(want);
        dt_message_free(m);
    }
}
END_TEST

/* Lists just outside the strict form go to libetpan and read as before. */
START_TEST(near_plain_addrs)
{
    struct dt_message *m = parse_str(
        "From: \"Smith, Ann\" <ann@corp.example>\r\n"
        "To: Bo  Berg <bo@c.example>,cy@c.example , =?utf-8?q?Jos=C3=A9?= <jose@c.example>,\r\n"
        "Cc: J. Doe <jd@c.example>, Team: t1@c.example, t2@c.example;\r\n\r\nx\r\n");
    ck_assert_str_eq(m->from, "ann@corp.example");
    ck_assert_str_eq(dt_message_name(m, "ann@corp.example"), "Smith, Ann");
    ck_assert_uint_eq(m->n_to, 3);
    ck_assert_str_eq(m->to[1], "cy@c.example");
    ck_assert_str_eq(dt_message_name(m, "bo@c.example"), "Bo Berg");
    ck_assert_str_eq(dt_message_name(m, "jose@c.example"), "Jos\xc3\xa9");
    ck_assert_uint_eq(m->n_cc, 3);
    ck_assert_str_eq(dt_message_name(m, "jd@c.example"), "J. Doe");
    ck_assert_str_eq(m->cc[2], "t2@c.example");
    dt_message_free(m);

    /* And the strict form with an encoded word for a name. */
    m = parse_str(
        "From: a@corp.example\r\nTo: =?utf-8?q?Jos=C3=A9?= <jose@c.example>\r\n\r\nx\r\n");
    ck_assert_str_eq(m->to[0], "jose@c.example");
    ck_assert_str_eq(dt_message_name(m, "jose@c.example"), "Jos\xc3\xa9");
    dt_message_free(m);
}
END_TEST

START_TEST(subject_raw_bytes)
{
    struct dt_message *m = parse_str("Subject: Caf\xe9 \"Het Hoekje\"\r\n\r\nx\r\n");
    ck_assert_str_eq(m->subject, "Caf\xc3\xa9 \"Het Hoekje\""); /* Latin-1 read as Windows-1252 */
    dt_message_free(m);
    m = parse_str("Subject: \t Hello\r\n\tworld  \r\n\r\nx\r\n");
    ck_assert_str_eq(m->subject, "Hello world"); /* unfolded, tab made a space, trimmed */
    dt_message_free(m);
    m = parse_str("Subject:\r\n\r\nx\r\n");
    ck_assert_str_eq(m->subject, ""); /* present but empty is not absent */
    dt_message_free(m);
}
END_TEST

/* ---- RFC 2047 encoded words ---------------------------------------------- */

static const struct {
    const char *subject, *want, *warning;
} words[] = {
    /* A NUL a word encodes is dropped, never the end of the text (issue 11). */
    {"=?utf-8?q?Hello=00World?=", "HelloWorld", "Subject: NUL bytes dropped from an encoded word"},
    {"=?utf-8?b?SGVsbG8AV29ybGQ=?=", "HelloWorld",
     "Subject: NUL bytes dropped from an encoded word"},
    {"=?iso-8859-1?q?=00caf=E9=00?= ok", "caf\xc3\xa9 ok",
     "Subject: NUL bytes dropped from an encoded word"},
    /* UTF-16's zero bytes are half characters, not NULs. */
    {"=?utf-16be?b?AEgAaQ==?=", "Hi", ""},
    {"=?utf-8?q?Hello_World?=", "Hello World", ""},
    {"=?utf-8?q?a?= =?utf-8?q?b?=", "ab", ""},        /* space between words is not text */
    {"=?utf-8?q?a?=\t \t=?utf-8?B?Yg==?=", "ab", ""}, /* whatever the encodings */
    {"=?utf-8?q?a?= b =?utf-8?q?c?=", "a b c", ""},
    {"=?utf-8?q?=C3?= =?utf-8?q?=A9?=", "\xc3\xa9", ""}, /* a character split over two words */
    {"=?UTF-8*en?Q?Hi?=", "Hi", ""},                     /* RFC 2231 language */
    {"Re: =?utf-8?q?=F0=9F=9A=80?= launch", "Re: \xf0\x9f\x9a\x80 launch", ""},
    {"Caf\xe9 =?utf-8?q?=C3=A9?=", "Caf\xc3\xa9 \xc3\xa9", ""}, /* raw Latin-1 beside a word */
    {"=?x-unknown?q?caf=C3=A9?=", "caf\xc3\xa9", ""},           /* read as UTF-8 */
    {"=?utf-8?x?Hi?=", "=?utf-8?x?Hi?=", ""},                   /* not an encoding */
    {"=?utf-8?q?open ended", "=?utf-8?q?open ended", ""},
    {"=?=?utf-8?q?x?=?=", "=?x?=", ""},
    {"=??q?x?=", "=??q?x?=", ""},
};

START_TEST(encoded_words)
{
    char raw[256];
    snprintf(raw, sizeof(raw), "From: a@b.example\r\nSubject: %s\r\n\r\nx\r\n", words[_i].subject);
    struct dt_message *m = parse_str(raw);
    ck_assert_msg(strcmp(m->subject, words[_i].want) == 0, "Subject: %s -> \"%s\", want \"%s\"",
                  words[_i].subject, m->subject, words[_i].want);
    ck_assert_str_eq(m->warning, words[_i].warning);
    dt_message_free(m);
}
END_TEST

START_TEST(encoded_nul_in_display_name)
{
    struct dt_message *m =
        parse_str("From: =?utf-8?q?Al=00ex_Rep?= <rep@corp.example>\r\nSubject: ok\r\n\r\nx\r\n");
    ck_assert_str_eq(m->from, "rep@corp.example");
    ck_assert_str_eq(dt_message_name(m, "rep@corp.example"), "Alex Rep");
    ck_assert_str_eq(m->warning, "From: NUL bytes dropped from an encoded word");
    dt_message_free(m);
}
END_TEST

/* The first name of each address wins, in header order; floods keep the first 511. */
START_TEST(display_names)
{
    struct dt_message *m =
        parse_str("From: Alex <rep@corp.example>\r\n"
                  "To: Sam <sam@c.example>, Samuel <SAM@c.example>, bo@c.example,"
                  " Bo <bo@c.example>\r\nCc: Alex R <rep@corp.example>\r\n\r\nx\r\n");
    ck_assert_uint_eq(m->n_names, 3);
    ck_assert_str_eq(m->names[0], "rep@corp.example");
    ck_assert_str_eq(m->names[1], "Alex");
    ck_assert_str_eq(m->names[2], "sam@c.example");
    ck_assert_str_eq(m->names[3], "Sam");
    ck_assert_str_eq(m->names[4], "bo@c.example");
    ck_assert_str_eq(m->names[5], "Bo");
    ck_assert_ptr_null(m->names[6]);
    dt_message_free(m);

    /* 3,000 repeats of one named address, then distinct ones: the repeats crowd nobody out. */
    struct dt_buf raw = DT_BUF_INIT;
    dt_buf_puts(&raw, "From: rep@corp.example\r\nTo: ");
    for (int i = 0; i < 1000; i++)
        dt_buf_puts(&raw, "Same <same@c.example>, ");
    dt_buf_puts(&raw, "\r\nCc: ");
    for (int i = 0; i < 1000; i++)
        dt_buf_printf(&raw, "Again%d <same@c.example>, N%d <n%d@c.example>, ", i, i, i);
    dt_buf_puts(&raw, "\r\n\r\nx\r\n");
    m = parse_mem(raw.data, raw.len);
    ck_assert_uint_eq(m->n_names, 511);
    ck_assert_str_eq(dt_message_name(m, "same@c.example"), "Same");
    ck_assert_str_eq(dt_message_name(m, "n0@c.example"), "N0");
    ck_assert_str_eq(dt_message_name(m, "n509@c.example"), "N509");
    ck_assert_ptr_null(dt_message_name(m, "n510@c.example"));
    ck_assert_str_eq(m->names[2 * 510], "n509@c.example"); /* in header order */
    dt_message_free(m);

    /* Past the 1,024 addresses kept, a name must not go to the last one kept. */
    dt_buf_reset(&raw);
    dt_buf_puts(&raw, "To: ");
    for (int i = 0; i < 1024; i++)
        dt_buf_printf(&raw, "a%d@c.example, ", i);
    dt_buf_puts(&raw, "Late <late@c.example>\r\n\r\nx\r\n");
    m = parse_mem(raw.data, raw.len);
    ck_assert_uint_eq(m->n_to, 1024);
    ck_assert_uint_eq(m->n_names, 0);
    dt_message_free(m);
    dt_buf_free(&raw);
}
END_TEST

/* ---- comments nested past a thread's stack ------------------------------ */

/*
 * libetpan parses a comment recursively, ~80 bytes of stack a level, and a
 * milter thread's stack is not large: 21,800 levels overflow 1.5 MB. Each
 * parse runs in a thread with that stack, so a crash fails the test.
 */
#define SMALL_STACK (1536 * 1024)
#define DEEP_UNITS 21800

struct job {
    const char *raw;
    size_t n;
    struct dt_message *m;
    int rc;
    struct dt_error err;
};

static void *run_job(void *arg)
{
    struct job *j = arg;
    j->rc = dt_mime_parse(j->raw, j->n, &j->m, &j->err);
    return NULL;
}

static struct dt_message *parse_on_stack(const char *raw, size_t n, size_t stack)
{
    struct job j = {raw, n, NULL, -1, {""}};
    pthread_attr_t attr;
    pthread_t t;
    ck_assert_int_eq(pthread_attr_init(&attr), 0);
    ck_assert_int_eq(pthread_attr_setstacksize(&attr, stack), 0);
    ck_assert_int_eq(pthread_create(&t, &attr, run_job, &j), 0);
    ck_assert_int_eq(pthread_join(t, NULL), 0);
    pthread_attr_destroy(&attr);
    ck_assert_msg(j.rc == 0, "parse failed: %s", j.err.msg);
    return j.m;
}

static const struct {
    const char *field, *before, *unit, *after, *warning;
} deep[] = {
    /* "\)" is a quoted pair: it closes nothing, so every "(" nests. */
    {"From", "rep@corp.example ", "(\\)", "", "From: comments nested deeper than 8 levels removed"},
    {"From", "rep@corp.example ", "(", "", "From: comments nested deeper than 8 levels removed"},
    {"From", "rep@corp.example ", "(\\\\\\)", "",
     "From: comments nested deeper than 8 levels removed"},
    /* Inside quotes for RFC 5322, but libetpan's fallbacks may read them as comments. */
    {"From", "\"Rep ", "(\\)", "\" <rep@corp.example>",
     "From: comments nested deeper than 8 levels removed"},
    {"From", "rep@corp.example \"", "(\\)", "",
     "From: comments nested deeper than 8 levels removed"},
    {"To", "buyer@customer.example ", "(\\)", "",
     "To: comments nested deeper than 8 levels removed"},
    {"References", "<a@b.example> ", "(\\)", "",
     "References: comments nested deeper than 8 levels removed"},
    {"Date", "Tue, 1 Jul 2025 14:30:00 +0200 ", "(\\)", "",
     "Date: comments nested deeper than 8 levels removed"},
    {"Content-Type", "text/plain; charset=utf-8 ", "(\\)", "", "header line over 998 bytes"},
};

START_TEST(deep_comments_small_stack)
{
    const char *unit = deep[_i].unit;
    size_t ul = strlen(unit), n = 0;
    char *raw = malloc(DEEP_UNITS * ul + 512);
    ck_assert_ptr_nonnull(raw);
    n += (size_t)sprintf(raw, "%s: %s", deep[_i].field, deep[_i].before);
    for (size_t i = 0; i < DEEP_UNITS; i++, n += ul)
        memcpy(raw + n, unit, ul);
    n += (size_t)sprintf(raw + n,
                         "%s\r\nFrom: rep@corp.example\r\nTo: buyer@customer.example\r\n"
                         "Date: Tue, 1 Jul 2025 14:30:00 +0200\r\n\r\nThe body.\r\n",
                         deep[_i].after);
    struct dt_message *m = parse_on_stack(raw, n, SMALL_STACK);
    ck_assert_str_eq(m->warning, deep[_i].warning);
    /* What remains still classifies the message. */
    ck_assert_str_eq(m->from, "rep@corp.example");
    ck_assert_uint_ge(m->n_to, 1);
    ck_assert_str_eq(m->to[0], "buyer@customer.example");
    ck_assert_int_eq((long long)m->date, 1751373000LL);
    ck_assert_str_eq(m->text, "The body.\n");
    dt_message_free(m);
    free(raw);
}
END_TEST

/* Parentheses in a quoted name are text: a few are left alone, many are blanked, never the address.
 */
START_TEST(quoted_parentheses)
{
    struct dt_message *m = parse_str("From: \"Sales (EMEA) (x)\" <rep@corp.example>\r\n\r\nx\r\n");
    ck_assert_str_eq(m->from, "rep@corp.example");
    ck_assert_str_eq(dt_message_name(m, "rep@corp.example"), "Sales (EMEA) (x)");
    ck_assert_str_eq(m->warning, "");
    dt_message_free(m);
    m = parse_str("From: \"Sales ((((((((((EMEA\" <rep@corp.example>\r\n\r\nx\r\n");
    ck_assert_str_eq(m->from, "rep@corp.example");
    ck_assert_str_eq(m->warning, "From: comments nested deeper than 8 levels removed");
    dt_message_free(m);
    /* Subjects are not parsed for comments: their parentheses stay. */
    m = parse_str("Subject: ((((((((((((deep)\r\n\r\nx\r\n");
    ck_assert_str_eq(m->subject, "((((((((((((deep)");
    ck_assert_str_eq(m->warning, "");
    dt_message_free(m);
}
END_TEST

/*
 * Random values of parentheses, backslashes and quotes, 60,000 bytes each:
 * whatever their mix, no parse may need a deep stack. A 256 KB stack holds
 * ~3,000 libetpan comment levels; unguarded, these values nest thousands
 * deep (each "(\)" opens a comment that nothing closes).
 */
START_TEST(random_nesting_small_stack)
{
    /* No lone "(" or ")": counting parentheses alone, these values look flat. */
    static const char *const units[] = {"(\\)", "(\\)", "(\\)",        "()", "\\)", "\"", "\\",
                                        "\\\\", " ",    "a@b.example", "<",  ">",   ","};
    const size_t nunits = sizeof(units) / sizeof(units[0]);
    unsigned seed = 11;
    char *raw = malloc(70000);
    ck_assert_ptr_nonnull(raw);
    for (int round = 0; round < 40; round++) {
        static const char *const fields[] = {"From", "To", "References", "Date", "Content-Type"};
        size_t n = (size_t)sprintf(raw, "%s: ", fields[round % 5]);
        while (n < 60000) {
            const char *u = units[rand_r(&seed) % nunits];
            size_t ul = strlen(u);
            memcpy(raw + n, u, ul);
            n += ul;
        }
        n += (size_t)sprintf(raw + n, "\r\nMessage-ID: <r%d@x>\r\n\r\nThe body.\r\n", round);
        struct dt_message *m = parse_on_stack(raw, n, 256 * 1024);
        /* A random Content-Type may well name no text type: only the others keep the body. */
        ck_assert_msg(round % 5 == 4 || strcmp(m->text, "The body.\n") == 0,
                      "round %d (%s): text \"%s\", warning %s", round, fields[round % 5], m->text,
                      m->warning);
        dt_message_free(m);
    }
    free(raw);
}
END_TEST

/* ---- hostile sizes ------------------------------------------------------ */

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A 1 MB single header line of each interesting kind, generated, never committed. */
static const char *const long_fields[] = {"X-Long",       "Subject", "To",  "References",
                                          "Content-Type", "Date",    "From"};
static const char *const long_units[] = {
    "a", "word ", "a@b.example, ", "<id@x> ", "text/plain; p=v", "(", "((x@y)) "};

START_TEST(one_megabyte_header_line)
{
    size_t size = 1024 * 1024, n;
    char *raw = malloc(size + 256);
    const char *unit = long_units[_i];
    size_t ul = strlen(unit);

    n = (size_t)sprintf(raw, "Message-ID: <big@x>\r\n%s: ", long_fields[_i]);
    while (n < size) {
        memcpy(raw + n, unit, ul);
        n += ul;
    }
    n += (size_t)sprintf(raw + n, "\r\nX-After: 1\r\n\r\nThe body.\r\n");
    double t0 = now_s();
    struct dt_message *m = parse_mem(raw, n);
    double dt = now_s() - t0;
    ck_assert_msg(dt < 10.0, "%s: %.2fs", long_fields[_i], dt);
    /* A 1 MB Date of "(" is flattened first (its comments nest a million deep). */
    ck_assert_str_eq(m->warning, strcmp(long_fields[_i], "Date") == 0
                                     ? "Date: comments nested deeper than 8 levels removed"
                                     : "header line over 998 bytes");
    ck_assert_str_eq(m->message_id, "big@x");
    ck_assert_str_eq(m->text, "The body.\n");
    ck_assert_uint_le(m->n_to, 1024);
    ck_assert_uint_le(m->n_references, 1024);
    dt_message_free(m);
    free(raw);
}
END_TEST

/* Every prefix of a message is a "truncated input": none may crash or fail. */
int main(void)
{
    Suite *s = suite_create("mime_header");
    TCase *tc = tcase_create("facts");
    tcase_add_loop_test(tc, rfc2047_subjects, 0, sizeof(subjects) / sizeof(subjects[0]));
    tcase_add_test(tc, folded_references_and_addresses);
    tcase_add_test(tc, autoreply_and_list_headers);
    tcase_add_loop_test(tc, date_formats, 0, sizeof(dates) / sizeof(dates[0]));
    tcase_add_test(tc, absent_headers);
    tcase_add_loop_test(tc, address_lists, 0, sizeof(addr_cases) / sizeof(addr_cases[0]));
    tcase_add_test(tc, message_id_forms);
    tcase_add_test(tc, plain_ids_match_libetpan);
    tcase_add_test(tc, near_plain_ids);
    tcase_add_test(tc, plain_addrs_match_libetpan);
    tcase_add_test(tc, near_plain_addrs);
    tcase_add_test(tc, subject_raw_bytes);
    tcase_add_loop_test(tc, encoded_words, 0, sizeof(words) / sizeof(words[0]));
    tcase_add_test(tc, encoded_nul_in_display_name);
    tcase_add_test(tc, quoted_parentheses);
    tcase_add_test(tc, display_names);
    suite_add_tcase(s, tc);

    tc = tcase_create("deep");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, deep_comments_small_stack, 0, sizeof(deep) / sizeof(deep[0]));
    tcase_add_test(tc, random_nesting_small_stack);
    suite_add_tcase(s, tc);

    tc = tcase_create("hostile");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, one_megabyte_header_line, 0,
                        sizeof(long_fields) / sizeof(long_fields[0]));
    suite_add_tcase(s, tc);

    return dt_test_run(s);
}
