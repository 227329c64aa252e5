/*
 * check_complexity_html.c - html.c's time is linear in its input for every
 * hostile family of tests/support/html_families.h: unclosed elements of
 * every kind (<head>, <style>, <script>, <title>, ...), comments and CDATA
 * that never end, unbalanced quotes, nesting of blockquotes and divs
 * (Gmail and Outlook quote containers), entity, '<' and attribute floods,
 * long names. dt_assert_linear (complexity.h) asserts t(4n) < 8 t(n) on
 * the CPU clock; the old rescan of the document per unclosed <head> gave
 * 16.
 *
 * Most families are far faster than the 20 ms complexity.h wants per run
 * (an unclosed comment is one memmem), and doubling n until then would
 * mean inputs of hundreds of megabytes. So each family starts at an input
 * of about 64 KB, a quarter of the default scan_limit, where a quadratic
 * path already dominates, and the work converts it `reps` times, a count
 * fixed per family before measuring: the ratio t(4n) / t(n) is the same
 * with or without repetition, only above the timer's noise.
 */
#include <check.h>
#include <string.h>

#include "complexity.h"
#include "dealtemp/buf.h"
#include "dealtemp/html.h"
#include "html_families.h"
#include "testutil.h"

#define START_BYTES (64 * 1024)
#define TARGET_S 0.025
#define MAX_REPS 100000

static unsigned reps = 1;
/* The families this suite measures (html_families.h: suite), by index. */
static size_t picked[DT_HTML_N_FAMILIES];
static int n_picked;
static struct dt_buf text = DT_BUF_INIT;

static void work(const char *html, size_t len)
{
    for (unsigned r = 0; r < reps; r++) {
        dt_buf_reset(&text);
        dt_html_to_text(html, len, &text);
    }
}

/* The n at which the family's input is about bytes long. */
static size_t n_for_bytes(dt_growth_gen gen, size_t bytes)
{
    struct dt_buf probe = DT_BUF_INIT;
    gen(1024, &probe);
    size_t per = probe.len / 1024 > 0 ? probe.len / 1024 : 1;
    dt_buf_free(&probe);
    return bytes / per > 0 ? bytes / per : 1;
}

START_TEST(family_is_linear)
{
    const struct dt_html_family *f = &dt_html_families[picked[_i]];
    size_t n0 = n_for_bytes(f->gen, START_BYTES);

    /* How many conversions of the starting input take about TARGET_S. */
    reps = 1;
    double t1 = dt_growth_time(f->gen, work, n0);
    reps = t1 > 0 ? (unsigned)(TARGET_S / t1) + 1 : MAX_REPS;
    if (reps > MAX_REPS)
        reps = MAX_REPS;

    dt_assert_linear(f->name, f->gen, work, n0);
    ck_assert(!dt_buf_failed(&text));
    dt_buf_free(&text);
}
END_TEST

/* The helper itself must see quadratic work: a rescan per unit, as the old <head> code did. */
static size_t misses;

static void quadratic(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i += 6)
        misses += memchr(s + i, '#', len - i) == NULL;
}

START_TEST(the_check_catches_quadratic_work)
{
    reps = 1;
    size_t n;
    double r = dt_growth(dt_fam_head, quadratic, 1024, &n);
    ck_assert_uint_gt(misses, 0);
    ck_assert_msg(r > 8.0, "a rescan per unit measured as %.1fx at n = %zu", r, n);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("complexity_html");
    TCase *tc = tcase_create("families");
    tcase_set_timeout(tc, 120);
    for (size_t f = 0; f < DT_HTML_N_FAMILIES; f++)
        if (dt_html_families[f].suite)
            picked[n_picked++] = f;
    tcase_add_loop_test(tc, family_is_linear, 0, n_picked);
    tcase_add_test(tc, the_check_catches_quadratic_work);
    suite_add_tcase(s, tc);
    return dt_test_run(s);
}
