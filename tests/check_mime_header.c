/*
 * check_mime_header.c - header facts of raw messages (mime_header.c via
 * dt_mime_parse): RFC 2047 subjects, addresses, msg-ids, dates, list and
 * auto-reply markers, and 1 MB header lines that must stay linear.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
    ck_assert_str_eq(m->warning, "header line over 998 bytes");
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
    tcase_add_test(tc, subject_raw_bytes);
    suite_add_tcase(s, tc);

    tc = tcase_create("hostile");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, one_megabyte_header_line, 0,
                        sizeof(long_fields) / sizeof(long_fields[0]));
    suite_add_tcase(s, tc);

    return dt_test_run(s);
}
