/*
 * check_digest.c - which deals reach which rep's digest (dt_digest_collect)
 * and what a dry run writes (dt_digest_run), each recipient in their own
 * language (digest.languages): real store, real config; the
 * cases that read the store run against a SQLite file and (the "-pg"
 * TCase, when make check started a server) a PostgreSQL database.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dealtemp/digest.h"
#include "pgtest.h"
#include "store_helpers.h"
#include "testutil.h"

#define DAY 86400L
#define T0 ((time_t)1793000000) /* 2026-10-26 */

static char dir[64];
static struct dt_config *cfg;
static struct dt_store *st;

static void setup(void)
{
    dt_test_seam_open("digest", dir, sizeof(dir), &cfg, &st);
}

static void pg_setup(void)
{
    dt_test_seam_open_pg("digest", dir, sizeof(dir), &cfg, &st);
}

static void teardown(void)
{
    dt_test_seam_close(dir, cfg, st);
}

/* ann: one stalled and one calm thread; bram: one cooling; chloe: nothing euphoric. */
static void team(void)
{
    dt_test_put(st, "a1", "a1", T0, true, DT_LEVEL_EUPHORIC, "ann@corp.example",
                "bob@customer.example");
    dt_test_put(st, "a2", "a2", T0, true, DT_LEVEL_CALM, "ann@corp.example",
                "eve@customer.example");
    dt_test_put(st, "b1", "b1", T0 + 4 * DAY, true, DT_LEVEL_EUPHORIC, "bram@corp.example",
                "kees@klant.example");
    dt_test_put(st, "c1", "c1", T0, true, DT_LEVEL_CALM, "chloe@corp.example", "zoe@other.example");
}

START_TEST(each_rep_gets_only_their_cooling_deals)
{
    team();
    struct dt_digest *d;
    size_t n;
    struct dt_error err;
    ck_assert_int_eq(dt_digest_collect(st, cfg, T0 + 8 * DAY, NULL, &d, &n, &err), 0);
    ck_assert_uint_eq(n, 2); /* chloe has nothing to report */
    ck_assert_str_eq(d[0].rep, "ann@corp.example");
    ck_assert_uint_eq(d[0].n_items, 1);
    ck_assert_int_eq(d[0].items[0].state, DT_STATE_STALLED);
    ck_assert_str_eq(d[0].items[0].counterpart, "bob@customer.example");
    ck_assert_str_eq(d[0].items[0].trigger_phrases, "amazing, can't wait");
    ck_assert(d[0].items[0].is_new);
    ck_assert_int_eq(d[0].items[0].silent_s, 8 * DAY);
    ck_assert_str_eq(d[1].rep, "bram@corp.example");
    ck_assert_uint_eq(d[1].n_items, 1);
    ck_assert_int_eq(d[1].items[0].state, DT_STATE_COOLING);
    ck_assert_str_eq(d[1].items[0].counterpart, "kees@klant.example");
    dt_digests_free(d, n);

    ck_assert_int_eq(dt_digest_collect(st, cfg, T0 + 8 * DAY, "bram@corp.example", &d, &n, &err), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(d[0].rep, "bram@corp.example");
    dt_digests_free(d, n);
}
END_TEST

START_TEST(reported_deals_become_ongoing)
{
    team();
    ck_assert_int_eq(
        dt_store_digest_record(st, "ann@corp.example", T0 + 7 * DAY,
                               (dt_hash[]){dt_msgid_hash("a1")}, 1, T0 + 7 * DAY, NULL),
        0);
    struct dt_digest *d;
    size_t n;
    struct dt_error err;
    ck_assert_int_eq(dt_digest_collect(st, cfg, T0 + 8 * DAY, NULL, &d, &n, &err), 0);
    ck_assert_str_eq(d[0].rep, "ann@corp.example");
    ck_assert(!d[0].items[0].is_new);
    ck_assert(d[1].items[0].is_new); /* bram's was never reported */
    dt_digests_free(d, n);
}
END_TEST

START_TEST(dry_run_writes_one_mbox_entry_per_rep)
{
    team();
    char path[160];
    snprintf(path, sizeof(path), "%s/out.mbox", dir);
    FILE *out = fopen(path, "w+"), *errs = tmpfile();
    struct dt_digest_run_opts o = {NULL, T0 + 8 * DAY, false, false};
    struct dt_digest_run_report r;
    struct dt_error err;
    ck_assert_int_eq(dt_digest_run(st, cfg, &o, out, errs, &r, &err), 0);
    ck_assert_uint_eq(r.written, 2);
    ck_assert_uint_eq(r.sent, 0);
    rewind(out);
    char line[1024];
    int froms = 0, to_ann = 0, to_bram = 0;
    while (fgets(line, sizeof(line), out) != NULL) {
        froms += strncmp(line, "From ", 5) == 0;
        to_ann += strcmp(line, "To: ann@corp.example\n") == 0;
        to_bram += strcmp(line, "To: bram@corp.example\n") == 0;
        ck_assert_ptr_null(strchr(line, '\r'));
    }
    ck_assert_int_eq(froms, 2);
    ck_assert_int_eq(to_ann, 1);
    ck_assert_int_eq(to_bram, 1);
    /* a dry run records nothing: the deal is still new */
    struct dt_digest *d;
    size_t n;
    ck_assert_int_eq(dt_digest_collect(st, cfg, T0 + 8 * DAY, NULL, &d, &n, &err), 0);
    ck_assert(d[0].items[0].is_new);
    dt_digests_free(d, n);
    fclose(out);
    fclose(errs);
}
END_TEST

/*
 * The dry run's mbox as one string with quoted-printable soft breaks
 * removed, so that a body's words can be looked for ("=3D" and "=22" stay:
 * libetpan writes '=' and '"' so, and an 'F' starting a line as "=46").
 */
static char *flat_mbox(FILE *out)
{
    struct dt_buf b = DT_BUF_INIT;
    int c, prev = 0;
    rewind(out);
    while ((c = fgetc(out)) != EOF) {
        if (prev == '=' && c == '\n') {
            b.data[--b.len] = '\0';
            prev = 0;
            continue;
        }
        dt_buf_putc(&b, (char)c);
        prev = c;
    }
    return dt_buf_steal(&b, NULL);
}

/* The message of the mbox addressed to rep (up to the next "From " line), or fail. */
static char *message_to(const char *mbox, const char *rep)
{
    char to[128];
    snprintf(to, sizeof(to), "\nTo: %s\n", rep);
    const char *at = strstr(mbox, to);
    ck_assert_msg(at != NULL, "no message to %s", rep);
    const char *start = at, *end = strstr(at, "\nFrom ");
    while (start > mbox && strncmp(start, "\nFrom ", 6) != 0)
        start--;
    size_t n = end ? (size_t)(end - start) : strlen(start);
    char *m = strndup(start, n);
    ck_assert_ptr_nonnull(m);
    return m;
}

START_TEST(each_recipient_gets_their_language)
{
    team();
    struct dt_config *langs = dt_test_config("tests/data/conf/digest-languages.conf");
    FILE *out = tmpfile(), *errs = tmpfile();
    struct dt_digest_run_opts o = {NULL, T0 + 8 * DAY, false, false};
    struct dt_digest_run_report r;
    struct dt_error err;
    ck_assert_int_eq(dt_digest_run(st, langs, &o, out, errs, &r, &err), 0);
    ck_assert_uint_eq(r.written, 3); /* ann, bram and the manager's roll-up */
    char *mbox = flat_mbox(out);
    /* the HTML's lang attribute, as quoted-printable writes it */
    char *ann = message_to(mbox, "ann@corp.example"), *bram = message_to(mbox, "bram@corp.example"),
         *boss = message_to(mbox, "boss@corp.example");
    ck_assert_contains(ann, "<html lang=3D=22de=22>");
    ck_assert_contains(ann, "Subject: Customer: 8 Tage ohne Antwort nach Ihrer begeisterten Mail");
    ck_assert_contains(ann, "Kunden, die nach einer begeisterten Mail von Ihnen");
    ck_assert_contains(bram, "<html lang=3D=22fr=22>");
    ck_assert_contains(bram, "Subject: =?UTF-8?Q?Klant=C2=A0=3A?= 4 jours de silence");
    ck_assert_contains(bram, "=3D=3D En refroidissement (1) =3D=3D");
    ck_assert_contains(boss, "<html lang=3D=22nl=22>");
    ck_assert_contains(boss, "Subject: Teamoverzicht: 2 deals koelen af na enthousiasme");
    /* and nothing of the others' languages in each */
    ck_assert_lacks(ann, "jours");
    ck_assert_lacks(bram, "Tage");
    ck_assert_lacks(boss, "Tage");
    ck_assert_lacks(boss, "Synth");
    free(ann);
    free(bram);
    free(boss);
    free(mbox);
    fclose(out);
    fclose(errs);
    dt_config_unref(langs);
}
END_TEST

/* The rendered text with quoted-printable soft breaks removed. */
static char *render_flat(const struct dt_digest *d, const struct dt_config *c)
{
    struct dt_buf b = DT_BUF_INIT, flat = DT_BUF_INIT;
    struct dt_error err;
    ck_assert_msg(dt_digest_render(d, c, &b, &err) == 0, "%s", err.msg);
    for (size_t i = 0; i < b.len; i++) {
        if (b.data[i] == '=' && i + 2 < b.len && b.data[i + 1] == '\r' && b.data[i + 2] == '\n') {
            i += 2;
            continue;
        }
        dt_buf_putc(&flat, b.data[i]);
    }
    dt_buf_free(&b);
    return dt_buf_steal(&flat, NULL);
}

START_TEST(dates_follow_the_configured_time_zone)
{
    struct dt_config *ams = dt_test_config("tests/data/conf/analyze-amsterdam.conf");
    struct dt_digest_item it = {.thread = 1, .id = "000000000001", .state = DT_STATE_STALLED,
                                .is_new = true, .counterpart = "bob@customer.example",
                                .subject = "Proposal", .trigger_at = 1793662200, /* Mon 2 Nov 23:30Z */
                                .trigger_score = 0.9, .silent_s = 8 * DAY, .usual_s = DAY};
    struct dt_digest d = {"ann@corp.example", 1793662200 + 8 * DAY, &it, 1};
    char *utc = render_flat(&d, cfg), *local = render_flat(&d, ams);
    ck_assert_msg(strstr(utc, "Mon 2 Nov") != NULL, "%s", utc);
    ck_assert_msg(strstr(local, "Tue 3 Nov") != NULL, "%s", local); /* 00:30 in Amsterdam */
    ck_assert_ptr_null(strstr(local, "Mon 2 Nov"));
    free(utc);
    free(local);
    dt_config_unref(ams);
}
END_TEST

static void store_tests(TCase *tc)
{
    tcase_add_test(tc, each_rep_gets_only_their_cooling_deals);
    tcase_add_test(tc, reported_deals_become_ongoing);
    tcase_add_test(tc, dry_run_writes_one_mbox_entry_per_rep);
    tcase_add_test(tc, each_recipient_gets_their_language);
}

int main(void)
{
    Suite *s = suite_create("digest");
    dt_test_add_both(s, "digest", 30, store_tests, setup, teardown, pg_setup, teardown);
    /* rendering only: no store read */
    TCase *tc = tcase_create("render");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, dates_follow_the_configured_time_zone);
    suite_add_tcase(s, tc);
    return dt_test_run(s);
}
