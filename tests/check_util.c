/*
 * check_util.c - the small shared pieces: buffers, errors, UTF-8 and ASCII
 * case, JSON strings, header values, the FNV hash and the string interner.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dealtemp/buf.h"
#include "dealtemp/duration.h"
#include "dealtemp/error.h"
#include "dealtemp/hash.h"
#include "dealtemp/header.h"
#include "dealtemp/intern.h"
#include "dealtemp/json.h"
#include "dealtemp/utf8.h"
#include "testutil.h"

START_TEST(buf_grows_and_steals)
{
    struct dt_buf b = DT_BUF_INIT;
    for (int i = 0; i < 10000; i++)
        dt_buf_putc(&b, (char)('a' + i % 26));
    dt_buf_printf(&b, "<%d:%s>", 42, "x");
    ck_assert_uint_eq(b.len, 10000 + 6);
    ck_assert_str_eq(b.data + 10000, "<42:x>");
    size_t n;
    char *s = dt_buf_steal(&b, &n);
    ck_assert_uint_eq(n, 10006);
    ck_assert_ptr_null(b.data);
    free(s);
    s = dt_buf_steal(&b, &n); /* empty buffer -> "" */
    ck_assert_str_eq(s, "");
    ck_assert_uint_eq(n, 0);
    free(s);
}
END_TEST

START_TEST(buf_long_printf)
{
    struct dt_buf b = DT_BUF_INIT;
    char big[1000];
    memset(big, 'z', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    dt_buf_printf(&b, "[%s]", big);
    ck_assert_uint_eq(b.len, 1001);
    ck_assert_int_eq(b.data[1000], ']');
    dt_buf_reset(&b);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_str_eq(b.data, "");
    dt_buf_free(&b);
}
END_TEST

START_TEST(buf_overflow_is_sticky)
{
    struct dt_buf b = DT_BUF_INIT;
    dt_buf_puts(&b, "ok");
    ck_assert(!dt_buf_reserve(&b, SIZE_MAX - 8));
    ck_assert(dt_buf_failed(&b));
    dt_buf_puts(&b, "more");
    ck_assert_ptr_null(dt_buf_steal(&b, NULL));
}
END_TEST

START_TEST(error_one_line)
{
    struct dt_error err;
    ck_assert_int_eq(dt_error_set(&err, "bad\nvalue %s", "a\rb"), -1);
    ck_assert_str_eq(err.msg, "bad?value a?b");
    dt_error_prefix(&err, "file.conf:%d", 3);
    ck_assert_str_eq(err.msg, "file.conf:3: bad?value a?b");
    ck_assert_int_eq(dt_error_set(NULL, "x"), -1);
}
END_TEST

START_TEST(utf8_decode_rejects_bad_sequences)
{
    uint32_t cp;
    ck_assert_uint_eq(dt_utf8_decode("\xc3\xa9", 2, &cp), 2);
    ck_assert_uint_eq(cp, 0xe9);
    ck_assert_uint_eq(dt_utf8_decode("\xf0\x9f\x9a\x80", 4, &cp), 4);
    ck_assert_uint_eq(cp, 0x1f680);
    /* overlong, surrogate, truncated, stray continuation, too large */
    const char *bad[] = {"\xc0\xaf", "\xed\xa0\x80", "\xe2\x82", "\x80", "\xf4\x90\x80\x80"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_uint_eq(dt_utf8_decode(bad[i], strlen(bad[i]), &cp), 1);
        ck_assert_uint_eq(cp, DT_UTF8_REPLACEMENT);
    }
    ck_assert(dt_utf8_valid("caf\xc3\xa9 \xf0\x9f\x8e\x89", 10));
    ck_assert(!dt_utf8_valid("caf\xe9", 4));
}
END_TEST

START_TEST(utf8_clean_normalises)
{
    struct dt_buf b = DT_BUF_INIT;
    const char in[] = "a\r\nb\rc\0d\x01\xff\xc3\xa9\xc2\x85z";
    size_t bad = dt_utf8_clean(&b, in, sizeof(in) - 1);
    ck_assert_uint_eq(bad, 1);
    ck_assert_str_eq(b.data, "a\nb\ncd\xef\xbf\xbd\xc3\xa9z");
    ck_assert(dt_utf8_valid(b.data, b.len));
    dt_buf_free(&b);
}
END_TEST

START_TEST(unicode_case)
{
    ck_assert_uint_eq(dt_unicode_lower('A'), 'a');
    ck_assert_uint_eq(dt_unicode_lower(0xc9), 0xe9); /* É */
    ck_assert_uint_eq(dt_unicode_upper(0xeb), 0xcb); /* ë */
    ck_assert_uint_eq(dt_unicode_lower(0x178), 0xff); /* Ÿ */
    ck_assert_uint_eq(dt_unicode_lower(0x410), 0x430); /* Cyrillic А */
    ck_assert_uint_eq(dt_unicode_lower(0x1e9e), 0xdf); /* capital sharp s ẞ */
    ck_assert(dt_unicode_is_upper(0x1e9e));
    ck_assert(!dt_unicode_is_upper(0xdf));
    ck_assert(dt_unicode_is_upper('Q'));
    ck_assert(!dt_unicode_is_upper('q'));
    ck_assert(!dt_unicode_is_upper('1'));
    ck_assert(dt_unicode_is_letter(0xeb));
    ck_assert(!dt_unicode_is_letter(0xd7)); /* × */
    ck_assert(dt_unicode_is_emoji(0x1f680));
    ck_assert(dt_unicode_is_emoji(0x2764));
    ck_assert(!dt_unicode_is_emoji('!'));
}
END_TEST

/* dt_utf8_prefix_ci: case-insensitive beyond ASCII, bounded by n, bytes of s returned. */
START_TEST(utf8_prefix_ci_folds_every_script)
{
    static const struct {
        const char *s, *word;
        size_t want;
    } rows[] = {
        {"Subject: x", "subject", 7},
        {"SUBJECT", "Subject", 7},
        {"ПЕРЕСЫЛАЕМОЕ", "пер", 6},
        {"Пере", "ПЕР", 6},
        {"ÄMNE:", "ämne", 5},
        {"WYSŁANE:", "wysłane", 8},
        {"Śr.", "śr", 3},
        {"İ", "i", 2},            /* folds to a shorter character: the bytes of s are returned */
        {"Sent", "Sent from", 0}, /* s shorter than the word */
        {"Seat", "sent", 0},
        {"anything", "", 0},  /* an empty word never matches */
        {"\xff\xfe", "ä", 0}, /* invalid bytes decode as U+FFFD */
        {"\xd0", "п", 0},     /* a sequence cut off at the end of s */
    };
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++)
        ck_assert_msg(dt_utf8_prefix_ci(rows[r].s, strlen(rows[r].s), rows[r].word,
                                        strlen(rows[r].word)) == rows[r].want,
                      "row %zu", r);
    /* n bounds the read: "Sent" does not start with "Sent" when only 3 bytes count. */
    ck_assert_uint_eq(dt_utf8_prefix_ci("Sent", 3, "sent", 4), 0);
    ck_assert_uint_eq(dt_utf8_prefix_ci("Sent", 4, "sent", 4), 4);
}
END_TEST

/*
 * dt_utf8_may_fold_equal is the one-byte shortcut before dt_utf8_prefix_ci:
 * it must never rule out a pair the full comparison accepts. Every pair it
 * can rule out has an ASCII side, so try every BMP character against every
 * ASCII one, and demand the same answer from both paths.
 */
START_TEST(utf8_fold_shortcut_agrees_with_full_compare)
{
    for (uint32_t cp = 0; cp < 0x10000; cp++) {
        if (cp >= 0xd800 && cp <= 0xdfff)
            continue;
        char enc[4];
        size_t n = dt_utf8_encode(cp, enc);
        for (unsigned a = 0; a < 0x80; a++) {
            char w = (char)a;
            bool full = dt_utf8_prefix_ci(enc, n, &w, 1) == n;
            if (full)
                ck_assert_msg(dt_utf8_may_fold_equal((unsigned char)enc[0], (unsigned char)a) &&
                                  dt_utf8_may_fold_equal((unsigned char)a, (unsigned char)enc[0]),
                              "U+%04X and '%c' fold equal but the shortcut says no", (unsigned)cp,
                              (int)a);
            if (cp < 0x80)
                ck_assert_int_eq(full, dt_utf8_may_fold_equal((unsigned char)cp, (unsigned char)a));
        }
    }
    ck_assert(dt_utf8_may_fold_equal(0xc4, 'i')); /* U+0130 'İ' */
    ck_assert(!dt_utf8_may_fold_equal(0xd0, 'p'));
}
END_TEST

START_TEST(json_escapes_everything_hostile)
{
    struct dt_buf b = DT_BUF_INIT;
    dt_json_string(&b, "a\"b\\c\nd\x01\xff\xc3\xa9");
    ck_assert_str_eq(b.data, "\"a\\\"b\\\\c\\nd\\u0001\xef\xbf\xbd\xc3\xa9\"");
    dt_buf_reset(&b);
    dt_json_string(&b, NULL);
    ck_assert_str_eq(b.data, "null");
    dt_buf_free(&b);
}
END_TEST

START_TEST(header_value_is_sanitised)
{
    struct dt_buf b = DT_BUF_INIT;
    dt_header_value("0.81 euphoric\r\nBcc: victim@example.com\x01 \xff", 15, 900, &b);
    ck_assert_ptr_null(strchr(b.data, '\r'));
    ck_assert_str_eq(b.data, "0.81 euphoric Bcc: victim@example.com ?");
    dt_buf_free(&b);
}
END_TEST

START_TEST(header_value_folds_under_limits)
{
    struct dt_buf in = DT_BUF_INIT, out = DT_BUF_INIT;
    for (int i = 0; i < 400; i++)
        dt_buf_puts(&in, "word ");
    dt_header_value(in.data, 15, 900, &out);
    size_t folds = 0;
    for (const char *p = out.data; (p = strchr(p, '\n')) != NULL; p++)
        folds++;
    ck_assert_uint_gt(folds, 5);
    ck_assert_uint_le(out.len - folds, 900); /* capped; each fold turns " " into "\n\t" */
    ck_assert(strstr(out.data, "...") != NULL);
    /* Every physical line (the first counts "X-Deal-Thread: ") stays within 78 bytes. */
    size_t col = 17;
    for (size_t i = 0; i < out.len; i++) {
        if (out.data[i] == '\n') {
            ck_assert_int_eq(out.data[i + 1], '\t');
            col = 0;
            continue;
        }
        col++;
        ck_assert_uint_le(col, 78);
    }
    dt_buf_free(&in);
    dt_buf_free(&out);
}
END_TEST

START_TEST(header_value_unbreakable_word_stays_legal)
{
    struct dt_buf in = DT_BUF_INIT, out = DT_BUF_INIT;
    for (int i = 0; i < 5000; i++)
        dt_buf_putc(&in, 'x');
    dt_header_value(in.data, 15, 2000, &out);
    ck_assert_uint_lt(out.len + 17, 998);
    ck_assert_ptr_null(strchr(out.data, '\n'));
    dt_buf_free(&in);
    dt_buf_free(&out);
}
END_TEST

START_TEST(ascii_lower_folds_only_ascii)
{
    char s[] = "Ann.SMIT@Corp.EXAMPLE \xc3\x89t\xc3\xa9 [Z]@`";
    ck_assert_ptr_eq(dt_ascii_lower_str(s), s);
    /* Only A-Z move; UTF-8 bytes and the neighbours of the range ('@', '[', '`') stay. */
    ck_assert_str_eq(s, "ann.smit@corp.example \xc3\x89t\xc3\xa9 [z]@`");
    ck_assert_ptr_null(dt_ascii_lower_str(NULL));
    for (int c = 0; c < 256; c++)
        ck_assert_int_eq(dt_ascii_lower((unsigned char)c), c >= 'A' && c <= 'Z' ? c + 32 : c);
}
END_TEST

START_TEST(fnv1a_known_values)
{
    /* The published FNV-1a 64 test vectors. */
    ck_assert_uint_eq(dt_fnv1a("", 0, 0), 0xcbf29ce484222325ULL);
    ck_assert_uint_eq(dt_fnv1a("a", 1, 0), 0xaf63dc4c8601ec8cULL);
    ck_assert_uint_eq(dt_fnv1a("foobar", 6, 0), 0x85944171f73967e8ULL);
    /* fold: ASCII case does not matter, other bytes do. */
    ck_assert_uint_eq(dt_fnv1a("FooBAR", 6, 1), dt_fnv1a("foobar", 6, 0));
    ck_assert_uint_ne(dt_fnv1a("FooBAR", 6, 0), dt_fnv1a("foobar", 6, 0));
}
END_TEST

START_TEST(intern_numbers_each_string_once)
{
    struct dt_intern in = DT_INTERN_INIT;
    char buf[32];
    ck_assert_int_eq(dt_intern(&in, NULL), 0);
    ck_assert_ptr_null(dt_intern_str(&in, 0));
    /* Enough strings to grow the table several times; indexes stay put. */
    for (int i = 0; i < 5000; i++) {
        snprintf(buf, sizeof(buf), "rep%d@corp.example", i);
        ck_assert_int_eq(dt_intern(&in, buf), i + 1);
    }
    for (int i = 0; i < 5000; i += 7) {
        snprintf(buf, sizeof(buf), "rep%d@corp.example", i);
        ck_assert_int_eq(dt_intern(&in, buf), i + 1);
        ck_assert_str_eq(dt_intern_str(&in, i + 1), buf);
    }
    ck_assert_uint_eq(dt_intern_count(&in), 5000);
    ck_assert_ptr_null(dt_intern_str(&in, 5001));
    ck_assert_int_eq(dt_intern(&in, ""), 5001); /* the empty string is a string */
    dt_intern_free(&in);
    ck_assert_uint_eq(dt_intern_count(&in), 0);
}
END_TEST

START_TEST(duration_words_round_and_name_the_clock)
{
    char b[64];
    const struct dt_clock cal = DT_CALENDAR, biz = {true, 8 * 3600};
    struct {
        long s;
        const struct dt_clock *c;
        const char *lang, *want;
    } cases[] = {
        {0, &cal, "en", "less than a minute"},
        {29, &cal, "en", "less than a minute"},
        {30, &cal, "en", "1 minute"},
        {89, &cal, "en", "1 minute"},
        {90, &cal, "en", "2 minutes"},
        {3569, &cal, "en", "59 minutes"},
        {3570, &cal, "en", "1 hour"},
        {5399, &cal, "en", "1 hour"},
        {5400, &cal, "en", "2 hours"},
        {23 * 3600 + 1799, &cal, "en", "23 hours"},
        {23 * 3600 + 1800, &cal, "en", "1 day"},
        {36 * 3600 - 1, &cal, "en", "1 day"},
        {36 * 3600, &cal, "en", "2 days"},
        /* never floored: 2 d 23 h is 3 days */
        {2 * 86400 + 23 * 3600, &cal, "en", "3 days"},
        {2 * 86400 + 11 * 3600, &cal, "en", "2 days"},
        {-5, &cal, "en", "less than a minute"},
        /* the business clock: working units, an 8-hour working day */
        {6 * 3600, &biz, "en", "6 working hours"},
        {3600, &biz, "en", "1 working hour"},
        {7 * 3600, &biz, "en", "7 working hours"},
        {15 * 3600, &biz, "en", "2 working days"},
        {16 * 3600, &biz, "en", "2 working days"},
        {32 * 3600, &biz, "en", "4 working days"},
        {8 * 3600 * 3 + 4 * 3600, &biz, "en", "4 working days"},
        {8 * 3600 * 3 + 4 * 3600 - 1, &biz, "en", "3 working days"},
        /* Dutch units are Dutch */
        {3 * 86400, &cal, "nl", "3 dagen"},
        {86400 * 2 - 1800, &cal, "nl", "2 dagen"},
        {2 * 3600, &cal, "nl", "2 uur"},
        {3600, &cal, "nl", "1 uur"},
        {25 * 60, &cal, "nl", "25 minuten"},
        {4 * 8 * 3600, &biz, "nl", "4 werkdagen"},
        {6 * 3600, &biz, "nl", "6 werkuren"},
        /* German: nominative plurals, the same rounding */
        {3 * 86400, &cal, "de", "3 Tage"},
        {36 * 3600 - 1, &cal, "de", "1 Tag"},
        {2 * 86400 + 23 * 3600, &cal, "de", "3 Tage"},
        {3600, &cal, "de", "1 Stunde"},
        {5400, &cal, "de", "2 Stunden"},
        {89, &cal, "de", "1 Minute"},
        {25 * 60, &cal, "de", "25 Minuten"},
        {29, &cal, "de", "weniger als eine Minute"},
        {29, &biz, "de", "weniger als eine Arbeitsminute"},
        {5 * 3600, &biz, "de", "5 Arbeitsstunden"},
        {3600, &biz, "de", "1 Arbeitsstunde"},
        {15 * 3600, &biz, "de", "2 Arbeitstage"},
        {8 * 3600 + 3 * 3600, &biz, "de", "1 Arbeitstag"},
        {60, &biz, "de", "1 Arbeitsminute"},
        {45 * 60, &biz, "de", "45 Arbeitsminuten"},
        /* French: singular for 1, "ouvré(e)s" agreeing with the unit */
        {3 * 86400, &cal, "fr", "3 jours"},
        {86400 + 3600, &cal, "fr", "1 jour"},
        {2 * 3600, &cal, "fr", "2 heures"},
        {3600, &cal, "fr", "1 heure"},
        {90, &cal, "fr", "2 minutes"},
        {0, &cal, "fr", "moins d'une minute"},
        {10, &biz, "fr", "moins d'une minute ouvrée"},
        {5 * 3600, &biz, "fr", "5 heures ouvrées"},
        {3600 + 1799, &biz, "fr", "1 heure ouvrée"},
        {2 * 8 * 3600 - 3600, &biz, "fr", "2 jours ouvrés"},
        {8 * 3600, &biz, "fr", "1 jour ouvré"},
        {60, &biz, "fr", "1 minute ouvrée"},
        {40 * 60, &biz, "fr", "40 minutes ouvrées"},
        {8 * 3600 * 2, &biz, "xx", "2 working days"}, /* unknown language: English */
        {8 * 3600 * 2, &biz, "DE", "2 working days"}, /* codes are lower case, as config has them */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        dt_duration_words(cases[i].s, cases[i].c, cases[i].lang, b, sizeof(b));
        ck_assert_msg(strcmp(b, cases[i].want) == 0, "%ld s (%s): got \"%s\", want \"%s\"",
                      cases[i].s, cases[i].lang, b, cases[i].want);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("util");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, buf_grows_and_steals);
    tcase_add_test(tc, buf_long_printf);
    tcase_add_test(tc, buf_overflow_is_sticky);
    tcase_add_test(tc, error_one_line);
    tcase_add_test(tc, utf8_decode_rejects_bad_sequences);
    tcase_add_test(tc, utf8_clean_normalises);
    tcase_add_test(tc, unicode_case);
    tcase_add_test(tc, utf8_prefix_ci_folds_every_script);
    tcase_add_test(tc, utf8_fold_shortcut_agrees_with_full_compare);
    tcase_add_test(tc, json_escapes_everything_hostile);
    tcase_add_test(tc, header_value_is_sanitised);
    tcase_add_test(tc, header_value_folds_under_limits);
    tcase_add_test(tc, header_value_unbreakable_word_stays_legal);
    tcase_add_test(tc, ascii_lower_folds_only_ascii);
    tcase_add_test(tc, fnv1a_known_values);
    tcase_add_test(tc, intern_numbers_each_string_once);
    tcase_add_test(tc, duration_words_round_and_name_the_clock);
    suite_add_tcase(s, tc);
    return dt_test_run(s);
}
