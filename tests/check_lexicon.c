/*
 * check_lexicon.c - dt_lexicon_add and friends: good files (comments,
 * blank lines, CRLF, a byte order mark, tabs, UTF-8 phrases, emoji),
 * every rejected line with its exact message and line number, the
 * all-or-nothing rule, duplicates (the later line wins), languages and
 * sizes, and the test fixtures in tests/data/lexicon-test-*.txt.
 * How entries match text is tested in check_euphoria.c.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dealtemp/lexicon.h"
#include "testutil.h"

static struct dt_lexicon *lex;
static struct dt_error err;

static void setup(void)
{
    lex = dt_lexicon_new();
    ck_assert_ptr_nonnull(lex);
    memset(&err, 0, sizeof(err));
}

static void teardown(void)
{
    dt_lexicon_free(lex);
    lex = NULL;
}

static int add(const char *lang, const char *text)
{
    return dt_lexicon_add(lex, lang, "t.txt", text, strlen(text), &err);
}

/* The whole file, or NULL. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n + 4096 > cap) {
            cap = cap ? cap * 2 : 8192;
            buf = realloc(buf, cap);
            ck_assert_ptr_nonnull(buf);
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    *len = n;
    return buf;
}

START_TEST(kind_names)
{
    static const char *const want[DT_KIND_COUNT] = {
        "hype",   "superlative", "excitement", "pressure", "intensifier", "negator", "dampener",
        "prefix", "stopword",    "acronym",    "emoji",    "hesitation",  "nextstep",
        "relief", "excl",        "caps"};
    for (int k = 0; k < DT_KIND_COUNT; k++)
        ck_assert_str_eq(dt_kind_name((enum dt_kind)k), want[k]);
    ck_assert_str_eq(dt_kind_name(DT_KIND_COUNT), "unknown");
    ck_assert_str_eq(dt_kind_name((enum dt_kind) - 1), "unknown");
}
END_TEST

START_TEST(good_lines)
{
    const char *text = "# a comment line\n"
                       "\n"
                       "   \t \n"
                       "amazing 1.0 hype\n"
                       "best\t1.2\tsuperlative   # trailing comment\n"
                       "  can't   wait   2 excitement  \n"
                       "act now .5 pressure\n"
                       "so 1.5 intensifier\n"
                       "not 0 negator\n"
                       "slightly 0.25 dampener\n"
                       "super 10 prefix\n"
                       "the 1 stopword\n"
                       "ERP 0 acronym\n"
                       "six word phrase is fine here 1 hype\n"
                       "last line without newline 3 hype";
    ck_assert_int_eq(add("en", text), 0);
    ck_assert_uint_eq(dt_lexicon_size(lex, "en"), 12);
    ck_assert_uint_eq(dt_lexicon_size(lex, "nl"), 0);
    ck_assert_uint_eq(dt_lexicon_size(lex, "*"), 0);
    const char *langs[4];
    ck_assert_uint_eq(dt_lexicon_langs(lex, langs, 4), 1);
    ck_assert_str_eq(langs[0], "en");
}
END_TEST

START_TEST(crlf_bom_and_comments)
{
    const char *text = "\xef\xbb\xbf"
                       "amazing 1 hype\r\n"
                       "# comment\r\n"
                       "\r\n"
                       "best 1 superlative #c\r\n"
                       "wow 2 hype\r";
    ck_assert_int_eq(add("en", text), 0);
    ck_assert_uint_eq(dt_lexicon_size(lex, "en"), 3);
}
END_TEST

START_TEST(utf8_phrases)
{
    /* ' and ’ are the same apostrophe; case never matters. */
    ck_assert_int_eq(add("nl", "’t 1 stopword\n"
                               "'t 1 stopword\n"
                               "geweldig 1 hype\n"
                               "GEWELDIG 2 hype\n"
                               "Ça va 1 hype\n"
                               "ça VA 1 hype\n"
                               "één 1 stopword\n"
                               "ÉÉN 1 stopword\n"
                               "co‑founder 1 hype\n" /* non-breaking hyphen */
                               "co-founder 1 hype\n"),
                     0);
    ck_assert_uint_eq(dt_lexicon_size(lex, "nl"), 5);
}
END_TEST

START_TEST(emoji_entries)
{
    ck_assert_int_eq(add("*", "🎉 1 emoji\n"
                              "🎉️ 2 emoji\n"  /* with U+FE0F: the same emoji */
                              "👍🏽 1 emoji\n" /* skin tone: the same as 👍 */
                              "👍 1 emoji\n"
                              "👨‍💻 0.5 emoji\n"
                              "🇳🇱 1 emoji\n"
                              "❤️ 1 emoji\n"),
                     0);
    ck_assert_uint_eq(dt_lexicon_size(lex, "*"), 5);
    const char *langs[2];
    ck_assert_uint_eq(dt_lexicon_langs(lex, langs, 2), 0);
}
END_TEST

START_TEST(duplicates_later_wins)
{
    /* Same phrase, same sort: one entry. Different sorts: one each. */
    ck_assert_int_eq(add("en", "amazing 1 hype\n"
                               "amazing 2 superlative\n"
                               "so 1.5 intensifier\n"
                               "so 1 stopword\n"
                               "so 2 intensifier\n"
                               "super 2 prefix\n"
                               "super 3 prefix\n"
                               "super 1.5 intensifier\n"),
                     0);
    ck_assert_uint_eq(dt_lexicon_size(lex, "en"), 5);
    /* A second file for the same language adds to it. */
    ck_assert_int_eq(add("en", "amazing 3 hype\nfresh 1 hype\n"), 0);
    ck_assert_uint_eq(dt_lexicon_size(lex, "en"), 6);
    /* The same phrase in another language is another entry. */
    ck_assert_int_eq(add("nl", "amazing 1 hype\n"), 0);
    ck_assert_uint_eq(dt_lexicon_size(lex, "nl"), 1);
    ck_assert_uint_eq(dt_lexicon_size(lex, "en"), 6);
}
END_TEST

START_TEST(languages)
{
    const char *langs[DT_MAX_LANGS + 1];
    ck_assert_int_eq(add("nl", "de 1 stopword\n"), 0);
    ck_assert_int_eq(add("*", "CEO 0 acronym\n"), 0);
    ck_assert_int_eq(add("en", ""), 0); /* an empty file still adds its language */
    ck_assert_int_eq(add("nl", "het 1 stopword\n"), 0);
    ck_assert_uint_eq(dt_lexicon_langs(lex, langs, DT_MAX_LANGS), 2);
    ck_assert_str_eq(langs[0], "nl");
    ck_assert_str_eq(langs[1], "en");
    ck_assert_uint_eq(dt_lexicon_langs(lex, langs, 1), 1);
    ck_assert_str_eq(langs[0], "nl");
    ck_assert_uint_eq(dt_lexicon_size(lex, "nl"), 2);
    ck_assert_uint_eq(dt_lexicon_size(lex, "en"), 0);
    ck_assert_uint_eq(dt_lexicon_size(lex, "*"), 1);
    ck_assert_uint_eq(dt_lexicon_size(lex, "de"), 0);
    ck_assert_uint_eq(dt_lexicon_size(lex, NULL), 0);
}
END_TEST

START_TEST(too_many_languages)
{
    static const char *const codes[] = {"en", "nl", "de", "fr", "es", "it", "pt", "sv"};
    for (int i = 0; i < DT_MAX_LANGS; i++)
        ck_assert_int_eq(add(codes[i], "x 1 hype\n"), 0);
    ck_assert_int_eq(add("da", "x 1 hype\n"), -1);
    ck_assert_str_eq(err.msg, "t.txt: too many languages (at most 8)");
    /* A known language and "*" still load. */
    ck_assert_int_eq(add("sv", "y 1 hype\n"), 0);
    ck_assert_int_eq(add("*", "y 1 hype\n"), 0);
    ck_assert_uint_eq(dt_lexicon_size(lex, "sv"), 2);
    ck_assert_uint_eq(dt_lexicon_size(lex, "da"), 0);
}
END_TEST

START_TEST(bad_language)
{
    ck_assert_int_eq(add("EN", "x 1 hype\n"), -1);
    ck_assert_str_eq(err.msg, "t.txt: bad language \"EN\" (two letters or *)");
    ck_assert_int_eq(add("english", "x 1 hype\n"), -1);
    ck_assert_str_eq(err.msg, "t.txt: bad language \"english\" (two letters or *)");
    ck_assert_int_eq(add("", "x 1 hype\n"), -1);
    ck_assert_int_eq(dt_lexicon_add(lex, NULL, "t.txt", "x 1 hype", 8, &err), -1);
    ck_assert_str_eq(err.msg, "t.txt: bad language \"\" (two letters or *)");
    ck_assert_int_eq(dt_lexicon_add(NULL, "en", "t.txt", "x 1 hype", 8, &err), -1);
    ck_assert_str_eq(err.msg, "t.txt: no lexicon");
    const char *langs[2];
    ck_assert_uint_eq(dt_lexicon_langs(lex, langs, 2), 0);
}
END_TEST

/* One bad line in an otherwise good file: the exact message. */
struct bad {
    const char *line;
    const char *msg;
};

static const struct bad bad_lines[] = {
    {"amazing", "t.txt:3: missing fields (want: <phrase> <weight> <kind>)"},
    {"amazing hype", "t.txt:3: missing fields (want: <phrase> <weight> <kind>)"},
    {"   1 hype", "t.txt:3: missing fields (want: <phrase> <weight> <kind>)"},
    {"amazing abc hype", "t.txt:3: weight \"abc\" is not a number in 0..10"},
    {"amazing -1 hype", "t.txt:3: weight \"-1\" is not a number in 0..10"},
    {"amazing 10.5 hype", "t.txt:3: weight \"10.5\" is not a number in 0..10"},
    {"amazing 11 hype", "t.txt:3: weight \"11\" is not a number in 0..10"},
    {"amazing 1e3 hype", "t.txt:3: weight \"1e3\" is not a number in 0..10"},
    {"amazing 1. hype", "t.txt:3: weight \"1.\" is not a number in 0..10"},
    {"amazing 1,5 hype", "t.txt:3: weight \"1,5\" is not a number in 0..10"},
    {"amazing . hype", "t.txt:3: weight \".\" is not a number in 0..10"},
    {"amazing 1 hyped", "t.txt:3: unknown kind \"hyped\""},
    {"amazing 1 HYPE", "t.txt:3: unknown kind \"HYPE\""},
    {"amazing 1 excl", "t.txt:3: unknown kind \"excl\""},
    {"amazing 1 caps", "t.txt:3: unknown kind \"caps\""},
    {"one two three four five six seven 1 hype",
     "t.txt:3: phrase \"one two three four five six seven\" longer than 6 words"},
    {"up-to-the-minute breaking news flash 1 hype",
     "t.txt:3: phrase \"up-to-the-minute breaking news flash\" longer than 6 words"},
    {"caf\xe9 1 hype", "t.txt:3: invalid UTF-8"},
    {"cafe 1 hype # caf\xe9", "t.txt:3: invalid UTF-8"},
    {"\xc3 1 hype", "t.txt:3: invalid UTF-8"},
    {"wow 1 emoji", "t.txt:3: emoji entry \"wow\" is not one emoji"},
    {"🎉🎉 1 emoji", "t.txt:3: emoji entry \"🎉🎉\" is not one emoji"},
    {"🎉 x 1 emoji", "t.txt:3: emoji entry \"🎉 x\" is not one emoji"},
    {"🎉 1 hype", "t.txt:3: phrase \"🎉\" may hold only letters, digits, ' and -"},
    {"wow! 1 hype", "t.txt:3: phrase \"wow!\" may hold only letters, digits, ' and -"},
    {"e.g. 1 hype", "t.txt:3: phrase \"e.g.\" may hold only letters, digits, ' and -"},
    {"game - changer 1 hype",
     "t.txt:3: phrase \"game - changer\" may hold only letters, digits, ' and -"},
    {"customers' 1 hype", "t.txt:3: phrase \"customers'\" may hold only letters, digits, ' and -"},
    {"' 1 hype", "t.txt:3: phrase \"'\" may hold only letters, digits, ' and -"},
    {"amazing 0 hype", "t.txt:3: hype weight must be above 0"},
    {"best 0 superlative", "t.txt:3: superlative weight must be above 0"},
    {"🎉 0 emoji", "t.txt:3: emoji weight must be above 0"},
    {"super 0 prefix", "t.txt:3: prefix weight must be above 0"},
    {"so 0.5 intensifier", "t.txt:3: intensifier weight must be at least 1"},
    {"slightly 1 dampener", "t.txt:3: dampener weight must be below 1"},
    {"super duper 2 prefix", "t.txt:3: prefix entry must be one word"},
    {"of the 1 stopword", "t.txt:3: stopword entry must be one word"},
    {"C E O 0 acronym", "t.txt:3: acronym entry must be one word"},
};

START_TEST(bad_line)
{
    const struct bad *b = &bad_lines[_i];
    char text[512];
    snprintf(text, sizeof(text), "# header\nfirst 1 hype\n%s\nlast 1 hype\n", b->line);
    ck_assert_int_eq(add("en", "before 1 hype\n"), 0);
    ck_assert_int_eq(add("en", text), -1);
    ck_assert_str_eq(err.msg, b->msg);
    /* All or nothing: the good lines around the bad one were not stored. */
    ck_assert_uint_eq(dt_lexicon_size(lex, "en"), 1);
}
END_TEST

START_TEST(bad_line_leaves_new_language_out)
{
    ck_assert_int_eq(add("nl", "de 1 stopword\nfout 1 hyp\n"), -1);
    ck_assert_str_eq(err.msg, "t.txt:2: unknown kind \"hyp\"");
    const char *langs[2];
    ck_assert_uint_eq(dt_lexicon_langs(lex, langs, 2), 0);
    ck_assert_uint_eq(dt_lexicon_size(lex, "nl"), 0);
}
END_TEST

START_TEST(line_numbers_count_every_line)
{
    /* CRLF, blank and comment lines all count. */
    ck_assert_int_eq(add("en", "a 1 hype\r\n\r\n# x\r\n\r\nb 1 hype\r\nc 1 hyp\r\n"), -1);
    ck_assert_str_eq(err.msg, "t.txt:6: unknown kind \"hyp\"");
}
END_TEST

START_TEST(name_defaults_and_long_fields)
{
    ck_assert_int_eq(dt_lexicon_add(lex, "en", NULL, "x 1 wrong", 9, &err), -1);
    ck_assert_str_eq(err.msg, "lexicon:1: unknown kind \"wrong\"");
    /* A long bad field is cut in the message, which stays one line. */
    char text[300];
    memset(text, 'k', sizeof(text));
    memcpy(text, "x 1 ", 4);
    ck_assert_int_eq(dt_lexicon_add(lex, "en", "t.txt", text, sizeof(text), &err), -1);
    ck_assert_str_eq(err.msg, "t.txt:1: unknown kind \"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\"");
    /* A NULL err is allowed. */
    ck_assert_int_eq(dt_lexicon_add(lex, "en", "t.txt", "x", 1, NULL), -1);
}
END_TEST

START_TEST(limits_are_inclusive)
{
    /* Exactly 6 words, exactly 127 bytes, weights 0 and 10. */
    char phrase[128 + 32];
    memset(phrase, 'b', 127);
    memcpy(phrase + 127, " 10 hype\n", 10);
    ck_assert_int_eq(add("en", "a b c d e f 1 hype\n"
                               "state-of-the-art 1 hype\n"
                               "z 0 stopword\n"
                               "y 0 acronym\n"
                               "w 0 negator\n"
                               "v 0 dampener\n"),
                     0);
    ck_assert_int_eq(add("en", phrase), 0);
    ck_assert_uint_eq(dt_lexicon_size(lex, "en"), 7);
}
END_TEST

START_TEST(phrase_too_long_bytes)
{
    /* 128 bytes, however they are split into words. */
    char text[200];
    memset(text, 'a', 128);
    text[60] = ' ';
    memcpy(text + 128, " 1 hype\n", 9);
    ck_assert_int_eq(add("en", text), -1);
    ck_assert_str_eq(err.msg, "t.txt:1: phrase longer than 127 bytes");
    /* Blanks between words are squeezed before measuring. */
    memset(text, 'a', 127);
    text[60] = ' ';
    memcpy(text + 61, "\t\t   ", 5);
    memset(text + 66, 'a', 61);
    text[127] = '\0';
    strcat(text, " 1 hype\n");
    ck_assert_int_eq(add("en", text), 0);
}
END_TEST

START_TEST(null_and_empty)
{
    dt_lexicon_free(NULL);
    ck_assert_int_eq(dt_lexicon_add(lex, "en", "t.txt", NULL, 0, &err), 0);
    ck_assert_int_eq(dt_lexicon_add(lex, "en", "t.txt", "", 0, &err), 0);
    ck_assert_uint_eq(dt_lexicon_size(NULL, "en"), 0);
    const char *langs[1];
    ck_assert_uint_eq(dt_lexicon_langs(NULL, langs, 1), 0);
    ck_assert_uint_eq(dt_lexicon_langs(lex, langs, 0), 0);
    /* Only the given length is read. */
    ck_assert_int_eq(dt_lexicon_add(lex, "en", "t.txt", "x 1 hype\ngarbage", 9, &err), 0);
    ck_assert_uint_eq(dt_lexicon_size(lex, "en"), 1);
}
END_TEST

START_TEST(many_entries)
{
    /* Enough entries to grow every table several times. */
    size_t cap = 40000 * 24, len = 0;
    char *text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    for (int i = 0; i < 40000; i++)
        len += (size_t)snprintf(text + len, cap - len, "w%d x%d 1 hype\n", i, i % 7);
    ck_assert_int_eq(dt_lexicon_add(lex, "en", "big.txt", text, len, &err), 0);
    ck_assert_uint_eq(dt_lexicon_size(lex, "en"), 40000);
    ck_assert_int_eq(dt_lexicon_add(lex, "en", "big.txt", text, len, &err), 0);
    ck_assert_uint_eq(dt_lexicon_size(lex, "en"), 40000);
    free(text);
}
END_TEST

START_TEST(fixture_files)
{
    static const char *const files[][3] = {
        {"en", "tests/data/lexicon-test-en.txt", "33"},
        {"nl", "tests/data/lexicon-test-nl.txt", "22"},
        {"*", "tests/data/lexicon-test-common.txt", "6"},
    };
    for (int i = 0; i < 3; i++) {
        size_t len;
        char *buf = slurp(files[i][1], &len);
        ck_assert_msg(buf != NULL, "cannot read %s (run from the top directory)", files[i][1]);
        ck_assert_msg(dt_lexicon_add(lex, files[i][0], files[i][1], buf, len, &err) == 0, "%s",
                      err.msg);
        free(buf);
        ck_assert_uint_eq(dt_lexicon_size(lex, files[i][0]), (size_t)atoi(files[i][2]));
    }
    const char *langs[DT_MAX_LANGS];
    ck_assert_uint_eq(dt_lexicon_langs(lex, langs, DT_MAX_LANGS), 2);
    ck_assert_str_eq(langs[0], "en");
    ck_assert_str_eq(langs[1], "nl");
}
END_TEST

static Suite *lexicon_suite(void)
{
    Suite *s = suite_create("lexicon");
    TCase *tc = tcase_create("good");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, kind_names);
    tcase_add_test(tc, good_lines);
    tcase_add_test(tc, crlf_bom_and_comments);
    tcase_add_test(tc, utf8_phrases);
    tcase_add_test(tc, emoji_entries);
    tcase_add_test(tc, duplicates_later_wins);
    tcase_add_test(tc, languages);
    tcase_add_test(tc, limits_are_inclusive);
    tcase_add_test(tc, null_and_empty);
    tcase_add_test(tc, fixture_files);
    suite_add_tcase(s, tc);

    tc = tcase_create("bad");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, bad_line, 0, (int)(sizeof(bad_lines) / sizeof(bad_lines[0])));
    tcase_add_test(tc, bad_line_leaves_new_language_out);
    tcase_add_test(tc, line_numbers_count_every_line);
    tcase_add_test(tc, name_defaults_and_long_fields);
    tcase_add_test(tc, too_many_languages);
    tcase_add_test(tc, phrase_too_long_bytes);
    tcase_add_test(tc, bad_language);
    suite_add_tcase(s, tc);

    tc = tcase_create("size");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, many_entries);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_test_run(lexicon_suite());
}
