/*
 * check_digest_weekly.c - the manager's weekly view (digest_run.c,
 * dt_digest_render_rollup_weekly): on a Monday in business_hours.timezone
 * the roll-up of a manager with weekly_report carries their reps' evidence
 * - the statement, the charts as inline SVG with their tables in the HTML
 * part, the figures in the text part, no image - and goes out even with no
 * deal to list; as of a Tuesday it does not, and a manager without the
 * flag never gets it. A manager's view holds their reps only. Real store
 * (SQLite, and PostgreSQL in the "-pg" TCase), real configuration
 * (tests/data/conf/digest-weekly.conf), dry runs parsed back.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dealtemp/digest.h"
#include "pgtest.h"
#include "store_helpers.h"
#include "testutil.h"

#define DAY 86400L
#define T0 ((time_t)1793000000) /* Mon 26 Oct 2026 07:33:20 UTC */

static char dir[64];
static struct dt_config *cfg, *weekly;
static struct dt_store *st;

static void setup(void)
{
    dt_test_seam_open("digest-weekly", dir, sizeof(dir), &cfg, &st);
    weekly = dt_test_config("tests/data/conf/digest-weekly.conf");
}

static void pg_setup(void)
{
    dt_test_seam_open_pg("digest-weekly", dir, sizeof(dir), &cfg, &st);
    weekly = dt_test_config("tests/data/conf/digest-weekly.conf");
}

static void teardown(void)
{
    dt_config_unref(weekly);
    dt_test_seam_close(dir, cfg, st);
}

/*
 * ann: a euphoric mail never answered (stalled by late November, so ann
 * gets a digest and her managers a line), a calm one answered in a day;
 * bram: a calm mail answered in two hours, nothing to report.
 */
static void team(void)
{
    dt_test_put(st, "a1", "a1", T0, true, DT_LEVEL_EUPHORIC, "ann@corp.example",
                "bob@customer.example");
    dt_test_put(st, "a2", "a2", T0 + DAY, true, DT_LEVEL_CALM, "ann@corp.example",
                "eve@customer.example");
    dt_test_put(st, "a3", "a2", T0 + 2 * DAY, false, DT_LEVEL_CALM, "ann@corp.example",
                "eve@customer.example");
    dt_test_put(st, "b1", "b1", T0 + 3 * DAY, true, DT_LEVEL_CALM, "bram@corp.example",
                "kees@klant.example");
    dt_test_put(st, "b2", "b1", T0 + 3 * DAY + 7200, false, DT_LEVEL_CALM, "bram@corp.example",
                "kees@klant.example");
}

/* The dry run as of as_of, quoted-printable soft breaks removed; *written set. */
static char *dry_run(time_t as_of, size_t *written)
{
    FILE *out = tmpfile(), *errs = tmpfile();
    ck_assert_ptr_nonnull(out);
    struct dt_digest_run_opts o = {NULL, as_of, false, false};
    struct dt_digest_run_report r;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_digest_run(st, weekly, &o, out, errs, &r, &err) == 0, "%s", err.msg);
    *written = r.written;
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
    fclose(out);
    fclose(errs);
    return dt_buf_steal(&b, NULL);
}

/* The message of the mbox to rcpt, or NULL. */
static char *message_to(const char *mbox, const char *rcpt)
{
    char to[128];
    snprintf(to, sizeof(to), "\nTo: %s\n", rcpt);
    const char *at = strstr(mbox, to);
    if (at == NULL)
        return NULL;
    const char *start = at, *end = strstr(at, "\nFrom ");
    while (start > mbox && strncmp(start, "\nFrom ", 6) != 0)
        start--;
    return strndup(start, end ? (size_t)(end - start) : strlen(start));
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Does the roll-up carry the weekly view, in both parts? */
static bool has_view(const char *m)
{
    bool text = strstr(m, "Replies by euphoria level =E2=80=94 As of") != NULL &&
                strstr(m, "* calm: 100=C2=A0% answered") != NULL;
    bool html = strstr(m, "<svg viewBox") != NULL &&
                strstr(m, "Reply rate by euphoria level</caption>") != NULL;
    ck_assert_msg(text == html, "text %d, html %d", text, html);
    return text && html;
}

START_TEST(monday_tuesday_and_who)
{
    team();
    size_t written;
    /* Mon 23 Nov 2026 07:00 in Amsterdam */
    char *mbox = dry_run(dt_test_utc(2026, 11, 23, 6, 0, 0), &written);
    ck_assert_uint_eq(written, 4); /* ann's digest; boss, lead and kim (no deal, but the view) */
    char *boss = message_to(mbox, "boss@corp.example"),
         *lead = message_to(mbox, "lead@corp.example"), *kim = message_to(mbox, "kim@corp.example");
    ck_assert_ptr_nonnull(boss);
    ck_assert_ptr_nonnull(lead);
    ck_assert_ptr_nonnull(kim);
    ck_assert(has_view(boss));
    ck_assert(!has_view(lead)); /* no weekly_report: never */
    ck_assert(has_view(kim));
    /* the charts are inline SVG with tables: no image, no part of their own */
    ck_assert_lacks(boss, "image/png");
    ck_assert_lacks(boss, "<img");
    ck_assert_lacks(boss, "Content-Disposition");
    ck_assert_uint_eq(count(boss, "<svg viewBox"), 2 + 2); /* rates, latencies, one per rep */
    ck_assert_uint_eq(count(kim, "<svg viewBox"), 2 + 1);
    ck_assert_contains(boss, "<th scope=3D=22col=22");
    ck_assert_contains(boss, "Too few mails to compare yet: 1 euphoric and 2 calm mails");
    /* boss sees both reps; kim only bram, and bram's figures only */
    ck_assert_contains(boss, ">ann=40corp.example</th>"); /* '@' as quoted-printable has it */
    ck_assert_contains(boss, ">bram=40corp.example</th>");
    ck_assert_contains(kim, ">bram=40corp.example</th>");
    ck_assert_lacks(kim, "ann=40corp.example");
    ck_assert_lacks(kim, "ann@corp.example");
    ck_assert_contains(kim, "Too few mails to compare yet: 0 euphoric and 1 calm mails");
    /* no customer's address in any view */
    ck_assert_lacks(boss, "customer.example");
    ck_assert_lacks(kim, "klant.example");
    ck_assert_lacks(lead, "customer.example");
    free(boss);
    free(lead);
    free(kim);
    free(mbox);

    /* Tue 24 Nov: the counts only, and kim, with no deal to list, gets nothing */
    mbox = dry_run(dt_test_utc(2026, 11, 24, 6, 0, 0), &written);
    ck_assert_uint_eq(written, 3);
    boss = message_to(mbox, "boss@corp.example");
    ck_assert_ptr_nonnull(boss);
    ck_assert(!has_view(boss));
    ck_assert_lacks(boss, "<svg");
    ck_assert_ptr_null(message_to(mbox, "kim@corp.example"));
    free(boss);
    free(mbox);
}
END_TEST

/* Monday where the manager is: Sunday 23:30 UTC is Monday 00:30 in Amsterdam, and Monday
 * 23:30 UTC is Tuesday there. */
START_TEST(monday_in_the_configured_zone)
{
    team();
    size_t written;
    char *mbox = dry_run(dt_test_utc(2026, 11, 22, 23, 30, 0), &written);
    char *boss = message_to(mbox, "boss@corp.example");
    ck_assert_ptr_nonnull(boss);
    ck_assert(has_view(boss));
    free(boss);
    free(mbox);
    mbox = dry_run(dt_test_utc(2026, 11, 23, 23, 30, 0), &written);
    boss = message_to(mbox, "boss@corp.example");
    ck_assert_ptr_nonnull(boss);
    ck_assert(!has_view(boss));
    free(boss);
    free(mbox);
}
END_TEST

static void store_tests(TCase *tc)
{
    tcase_add_test(tc, monday_tuesday_and_who);
    tcase_add_test(tc, monday_in_the_configured_zone);
}

int main(void)
{
    Suite *s = suite_create("digest_weekly");
    dt_test_add_both(s, "weekly", 60, store_tests, setup, teardown, pg_setup, teardown);
    return dt_test_run(s);
}
