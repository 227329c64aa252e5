/*
 * check_digest.c - which deals reach which rep's digest (dt_digest_collect)
 * and what a dry run writes (dt_digest_run): real store, real config; the
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
