/*
 * check_digest.c - which deals reach which rep's digest (dt_digest_collect)
 * and what a dry run writes (dt_digest_run): real store, real config.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dealtemp/digest.h"

#define DAY 86400L
#define T0 ((time_t)1793000000) /* 2026-10-26 */

static char dir[64], db[128];
static struct dt_config *cfg;
static struct dt_store *st;

static void setup(void)
{
    snprintf(dir, sizeof(dir), "/tmp/dt-digest-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(db, sizeof(db), "%s/d.db", dir);
    struct dt_error err;
    ck_assert_msg(dt_config_load("tests/data/conf/analyze.conf", "tests/dealtemp", &cfg, &err) == 0,
                  "%s", err.msg);
    ck_assert_msg(dt_store_open(db, &st, &err) == 0, "%s", err.msg);
}

static void teardown(void)
{
    dt_store_close(st);
    dt_config_unref(cfg);
    char cmd[160];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static void put(const char *id, const char *root, time_t at, bool outbound, enum dt_level level,
                const char *rep, const char *cp)
{
    dt_hash anc = dt_msgid_hash(root);
    bool reply = strcmp(id, root) != 0;
    struct dt_record r = {.msgid = dt_msgid_hash(id), .ancestors = reply ? &anc : NULL,
                          .n_ancestors = reply ? 1 : 0, .new_key = anc, .at = at,
                          .outbound = outbound, .rep = rep, .counterpart = cp, .subject = root,
                          .window_s = 30 * DAY, .score = level == DT_LEVEL_EUPHORIC ? 0.9 : 0.1,
                          .level = level,
                          .phrases = level == DT_LEVEL_EUPHORIC ? "amazing" : NULL};
    struct dt_record_result res;
    struct dt_error err;
    ck_assert_msg(dt_store_record(st, &r, &res, &err) == 0, "%s", err.msg);
}

/* ann: one stalled and one calm thread; bram: one cooling; chloe: nothing euphoric. */
static void team(void)
{
    put("a1", "a1", T0, true, DT_LEVEL_EUPHORIC, "ann@corp.example", "bob@customer.example");
    put("a2", "a2", T0, true, DT_LEVEL_CALM, "ann@corp.example", "eve@customer.example");
    put("b1", "b1", T0 + 4 * DAY, true, DT_LEVEL_EUPHORIC, "bram@corp.example",
        "kees@klant.example");
    put("c1", "c1", T0, true, DT_LEVEL_CALM, "chloe@corp.example", "zoe@other.example");
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
    ck_assert_str_eq(d[0].items[0].trigger_phrases, "amazing");
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
    struct dt_config *ams;
    struct dt_error err;
    ck_assert_msg(dt_config_load("tests/data/conf/analyze-amsterdam.conf", "tests/dealtemp", &ams,
                                 &err) == 0, "%s", err.msg);
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

int main(void)
{
    Suite *s = suite_create("digest");
    TCase *tc = tcase_create("digest");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, each_rep_gets_only_their_cooling_deals);
    tcase_add_test(tc, reported_deals_become_ongoing);
    tcase_add_test(tc, dry_run_writes_one_mbox_entry_per_rep);
    tcase_add_test(tc, dates_follow_the_configured_time_zone);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
