/*
 * check_thread.c - thread.c: Message-ID and string hashes, short ids,
 * subject normalisation (a table per language, and the words that must
 * survive), out-of-office subjects in EN/NL/DE/FR and the near misses,
 * ancestors and new keys from tangled, broken and missing References.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dealtemp/buf.h"
#include "dealtemp/thread.h"
#include "testutil.h"

START_TEST(msgid_hash_ignores_brackets_case_blanks)
{
    dt_hash h = dt_msgid_hash("abc.123@mail.example.com");
    ck_assert(h > 0);
    ck_assert(dt_msgid_hash("<abc.123@mail.example.com>") == h);
    ck_assert(dt_msgid_hash("  <ABC.123@Mail.Example.COM> ") == h);
    ck_assert(dt_msgid_hash("<abc.123@mail.example.com") == h);
    ck_assert(dt_msgid_hash("abc.124@mail.example.com") != h);
    ck_assert(dt_msgid_hash(NULL) == 0);
    ck_assert(dt_msgid_hash("") == 0);
    ck_assert(dt_msgid_hash("<>") == 0);
    ck_assert(dt_msgid_hash("  ") == 0);
}
END_TEST

START_TEST(hashes_are_stable)
{
    /* Stored in databases: these values must never change between builds. */
    ck_assert(dt_string_hash("a") == (dt_hash)(0xaf63dc4c8601ec8cULL & 0x7fffffffffffffffULL));
    ck_assert(dt_msgid_hash("<A>") == dt_string_hash("a"));
    ck_assert(dt_string_hash("offerte q3") == dt_string_hash("offerte q3"));
    ck_assert(dt_string_hash("Offerte q3") != dt_string_hash("offerte q3"));
    ck_assert(dt_string_hash(NULL) == 0);
    ck_assert(dt_string_hash("") == 0);
    /* always >= 0, i.e. fits a SQLite INTEGER */
    char id[32];
    for (int i = 0; i < 10000; i++) {
        snprintf(id, sizeof(id), "m%d@x", i);
        ck_assert(dt_msgid_hash(id) > 0);
        ck_assert(dt_string_hash(id) > 0);
    }
}
END_TEST

START_TEST(short_ids)
{
    char buf[13];
    dt_thread_short_id(0x3f2a9c01b7e4LL, buf);
    ck_assert_str_eq(buf, "3f2a9c01b7e4");
    dt_thread_short_id(0x7fff123456789abcLL, buf);
    ck_assert_str_eq(buf, "123456789abc");
    dt_thread_short_id(1, buf);
    ck_assert_str_eq(buf, "000000000001");
    dt_thread_short_id(dt_msgid_hash("x@y"), buf);
    ck_assert_uint_eq(strlen(buf), 12);
    ck_assert_uint_eq(strspn(buf, "0123456789abcdef"), 12);
}
END_TEST

struct scase {
    const char *in, *want;
};

static const struct scase subjects[] = {
    /* EN */
    {"Re: Re: RE: x", "x"},
    {"RE: FW: x", "x"},
    {"Fwd: Fw: FWD: Offer", "offer"},
    {"re:re:x", "x"},
    {"Re : x", "x"},
    {"Re[2]: x", "x"},
    {"Re^3: x", "x"},
    {"RE (2): x", "x"},
    {"Re(12): Re[3]: x", "x"},
    {"[Fwd: Offerte Q3]", "offerte q3"},
    {"[Fwd: Re: pricing] ", "pricing"},
    {"Offer (fwd)", "offer"},
    {"  Hello \t  World  ", "hello world"},
    /* gateway tags */
    {"[EXT] Re: x", "x"},
    {"Fwd: [External] x", "x"},
    {"[EXTERNAL EMAIL] RE: [External Sender] Pricing", "pricing"},
    {"[CAUTION: external] Re: x", "x"},
    {"Re: AW: [EXT] Fwd: Offerte Q3", "offerte q3"},
    /* NL */
    {"Antw: Doorst: x", "x"},
    {"Antw: Re: Offerte", "offerte"},
    {"Doorgestuurd: Voorstel", "voorstel"},
    /* DE */
    {"AW: WG: x", "x"},
    {"Antwort: Angebot", "angebot"},
    {"aw: AW: Wg: Vertrag", "vertrag"},
    /* FR */
    {"TR: Réf : x", "x"},
    {"RÉF: Devis", "devis"},
    {"Tr : RE : Proposition commerciale", "proposition commerciale"},
    {"Ref: Contract", "contract"},
    /* Nordic, ES/PT, PL, FI */
    {"SV: VS: x", "x"},
    {"Sv: SV: Tilbud", "tilbud"},
    {"VB: Offert", "offert"},
    {"VL: Tarjous", "tarjous"},
    {"RV: Enc: Odp: x", "x"},
    {"Re\xef\xbc\x9a x", "x"}, /* full-width colon */
    /* words that start like a prefix but are subject text */
    {"Review: x", "review: x"},
    {"Reference", "reference"},
    {"Refund: order 12", "refund: order 12"},
    {"Re x", "re x"},
    {"AWS: setup", "aws: setup"},
    {"Trade show", "trade show"},
    {"Sverige: deal", "sverige: deal"},
    {"Encounter: notes", "encounter: notes"},
    {"Re: Review: x", "review: x"},
    {"Re2: x", "re2: x"},
    {"[Project X] Re: update", "[project x] re: update"},
    {"Re[x]: y", "re[x]: y"},
    /* degenerate */
    {"", ""},
    {"Re:", ""},
    {"Re: Re: ", ""},
    {"[EXT]", ""},
    {"RÉSUMÉ Ünïcödé", "résumé ünïcödé"},
    {"caf\xe9 bad", "caf\xef\xbf\xbd bad"},
};

START_TEST(subject_normalize_table)
{
    const struct scase *c = &subjects[_i];
    struct dt_buf b = DT_BUF_INIT;
    dt_subject_normalize(c->in, &b);
    ck_assert_msg(!dt_buf_failed(&b), "buffer failed");
    ck_assert_ptr_nonnull(b.data);
    ck_assert_msg(strcmp(b.data, c->want) == 0, "%s: got \"%s\", want \"%s\"", c->in, b.data,
                  c->want);
    dt_buf_free(&b);
}
END_TEST

START_TEST(subject_normalize_null_and_append)
{
    struct dt_buf b = DT_BUF_INIT;
    dt_subject_normalize(NULL, &b);
    ck_assert_ptr_nonnull(b.data);
    ck_assert_str_eq(b.data, "");
    dt_buf_puts(&b, "k:");
    dt_subject_normalize("RE: Deal", &b);
    ck_assert_str_eq(b.data, "k:deal");
    dt_buf_free(&b);
}
END_TEST

START_TEST(subject_normalize_long_and_many_prefixes)
{
    struct dt_buf in = DT_BUF_INIT, out = DT_BUF_INIT;
    for (int i = 0; i < 5000; i++)
        dt_buf_puts(&in, i % 2 ? "AW: " : "[EXT] Re[7]: ");
    dt_buf_puts(&in, "The End");
    dt_subject_normalize(in.data, &out);
    ck_assert_str_eq(out.data, "the end");
    dt_buf_free(&in);
    dt_buf_free(&out);
    /* an unterminated bracket stays text */
    dt_subject_normalize("[EXT Re: x", &out);
    ck_assert_str_eq(out.data, "[ext re: x");
    dt_buf_free(&out);
}
END_TEST

static const char *const autoreplies[] = {
    "Out of Office: Re: Offerte",
    "Out of Office AutoReply: pricing",
    "Automatic reply: Your proposal",
    "AutoReply: x",
    "I am out of the office until Monday",
    "Auto-Reply: Quote",
    "Automatisch antwoord: Offerte Q3",
    "Afwezig",
    "Afwezig: Re: voorstel",
    "Afwezigheidsmelding",
    "Automatische Antwort: Angebot",
    "Abwesenheitsnotiz: AW: Vertrag",
    "Nicht im Büro: Angebot",
    "Réponse automatique : Devis",
    "Absent du bureau",
    "Absence: RE: proposition",
    "[EXT] Automatic Reply: x",
    "OUT OF OFFICE",
};

START_TEST(autoreply_subjects)
{
    ck_assert_msg(dt_subject_is_autoreply(autoreplies[_i]), "%s", autoreplies[_i]);
}
END_TEST

static const char *const not_autoreplies[] = {
    "Re: Offerte Q3",
    "Office move next week",
    "Automatic renewal of the contract",
    "Reply to your quote",
    "Absentee report",
    "Away day agenda",
    "Afwezigheid in december",
    "Officeplanning",
    "Auto parts order",
    "Réponse à votre devis",
    "",
};

START_TEST(not_autoreply_subjects)
{
    ck_assert_msg(!dt_subject_is_autoreply(not_autoreplies[_i]), "%s", not_autoreplies[_i]);
}
END_TEST

START_TEST(autoreply_null)
{
    ck_assert(!dt_subject_is_autoreply(NULL));
}
END_TEST

/* A hand-made message: only the threading facts matter here. */
static struct dt_message msg_of(const char *id, const char *irt, char **refs)
{
    struct dt_message m;
    memset(&m, 0, sizeof(m));
    m.message_id = (char *)id;
    m.in_reply_to = (char *)irt;
    m.references = refs;
    m.n_references = 0;
    while (refs[m.n_references])
        m.n_references++;
    return m;
}

START_TEST(ancestors_in_order_with_in_reply_to_last)
{
    char *refs[] = {"a@x", "b@x", "c@x", NULL};
    struct dt_message m = msg_of("d@x", "c@x", refs);
    dt_hash out[8];
    ck_assert_uint_eq(dt_thread_ancestors(&m, out, 8), 3);
    ck_assert(out[0] == dt_msgid_hash("a@x"));
    ck_assert(out[1] == dt_msgid_hash("b@x"));
    ck_assert(out[2] == dt_msgid_hash("c@x"));
    ck_assert(dt_thread_new_key(&m, 99) == dt_msgid_hash("a@x"));
}
END_TEST

START_TEST(ancestors_in_reply_to_not_in_references)
{
    char *refs[] = {"a@x", "b@x", NULL};
    struct dt_message m = msg_of("d@x", "<Z@X>", refs);
    dt_hash out[8];
    ck_assert_uint_eq(dt_thread_ancestors(&m, out, 8), 3);
    ck_assert(out[2] == dt_msgid_hash("z@x"));
}
END_TEST

START_TEST(ancestors_tangled)
{
    /* duplicates (in any case), empty ids, the message itself */
    char *refs[] = {"a@x", "", "A@X", "d@x", "b@x", "<a@x>", "  ", "b@x", NULL};
    struct dt_message m = msg_of("<D@x>", "a@x", refs);
    dt_hash out[8];
    ck_assert_uint_eq(dt_thread_ancestors(&m, out, 8), 2);
    ck_assert(out[0] == dt_msgid_hash("a@x"));
    ck_assert(out[1] == dt_msgid_hash("b@x"));
    ck_assert(dt_thread_new_key(&m, 99) == dt_msgid_hash("a@x"));
}
END_TEST

START_TEST(ancestors_truncated_keep_root_and_parent)
{
    char *refs[] = {"1@x", "2@x", "3@x", "4@x", "5@x", NULL};
    struct dt_message m = msg_of("9@x", "6@x", refs);
    dt_hash out[3];
    ck_assert_uint_eq(dt_thread_ancestors(&m, out, 3), 3);
    ck_assert(out[0] == dt_msgid_hash("1@x"));
    ck_assert(out[1] == dt_msgid_hash("2@x"));
    ck_assert(out[2] == dt_msgid_hash("6@x"));
    ck_assert_uint_eq(dt_thread_ancestors(&m, out, 1), 1);
    ck_assert(out[0] == dt_msgid_hash("1@x"));
    ck_assert_uint_eq(dt_thread_ancestors(&m, out, 0), 0);
}
END_TEST

START_TEST(ancestors_missing_headers)
{
    char *none[] = {NULL};
    dt_hash out[4];
    struct dt_message m = msg_of("own@x", NULL, none);
    ck_assert_uint_eq(dt_thread_ancestors(&m, out, 4), 0);
    ck_assert(dt_thread_new_key(&m, 99) == dt_msgid_hash("own@x"));

    /* only In-Reply-To */
    m = msg_of("own@x", "parent@x", none);
    ck_assert_uint_eq(dt_thread_ancestors(&m, out, 4), 1);
    ck_assert(dt_thread_new_key(&m, 99) == dt_msgid_hash("parent@x"));

    /* no Message-ID at all: the fallback */
    m = msg_of(NULL, NULL, none);
    ck_assert(dt_thread_new_key(&m, 99) == 99);
    m = msg_of("", "", none);
    ck_assert(dt_thread_new_key(&m, 42) == 42);

    /* only itself as a reference (a broken client) */
    char *self[] = {"own@x", NULL};
    m = msg_of("own@x", "<own@x>", self);
    ck_assert_uint_eq(dt_thread_ancestors(&m, out, 4), 0);
    ck_assert(dt_thread_new_key(&m, 99) == dt_msgid_hash("own@x"));

    ck_assert_uint_eq(dt_thread_ancestors(NULL, out, 4), 0);
    ck_assert(dt_thread_new_key(NULL, 7) == 7);
}
END_TEST

START_TEST(duplicate_message_ids_share_keys)
{
    /* Two different messages with the same Message-ID (a resend) hash to the
     * same id, so the store sees the second as the same message. */
    char *none[] = {NULL};
    struct dt_message a = msg_of("<dup@x>", NULL, none), b = msg_of("DUP@X", NULL, none);
    ck_assert(dt_thread_new_key(&a, 1) == dt_thread_new_key(&b, 2));
    /* a reply to either threads under the same key */
    char *refs[] = {"dup@x", NULL};
    struct dt_message r = msg_of("r@x", "dup@x", refs);
    ck_assert(dt_thread_new_key(&r, 3) == dt_msgid_hash("<dup@x>"));
}
END_TEST

static Suite *thread_suite(void)
{
    Suite *s = suite_create("thread");
    TCase *tc = tcase_create("hash");
    tcase_add_test(tc, msgid_hash_ignores_brackets_case_blanks);
    tcase_add_test(tc, hashes_are_stable);
    tcase_add_test(tc, short_ids);
    suite_add_tcase(s, tc);

    tc = tcase_create("subject");
    tcase_add_loop_test(tc, subject_normalize_table, 0,
                        (int)(sizeof(subjects) / sizeof(*subjects)));
    tcase_add_test(tc, subject_normalize_null_and_append);
    tcase_add_test(tc, subject_normalize_long_and_many_prefixes);
    tcase_add_loop_test(tc, autoreply_subjects, 0,
                        (int)(sizeof(autoreplies) / sizeof(*autoreplies)));
    tcase_add_loop_test(tc, not_autoreply_subjects, 0,
                        (int)(sizeof(not_autoreplies) / sizeof(*not_autoreplies)));
    tcase_add_test(tc, autoreply_null);
    suite_add_tcase(s, tc);

    tc = tcase_create("ancestors");
    tcase_add_test(tc, ancestors_in_order_with_in_reply_to_last);
    tcase_add_test(tc, ancestors_in_reply_to_not_in_references);
    tcase_add_test(tc, ancestors_tangled);
    tcase_add_test(tc, ancestors_truncated_keep_root_and_parent);
    tcase_add_test(tc, ancestors_missing_headers);
    tcase_add_test(tc, duplicate_message_ids_share_keys);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_test_run(thread_suite());
}
