/*
 * contrast.h - the WCAG 2.1 contrast ratio of two "#rrggbb" colours, for
 * the suites that check a palette (check_digest_body, check_outcomes_html):
 * text pairs must reach 4.5:1 (AA), graphics 3:1.
 */
#ifndef DEALTEMP_TEST_CONTRAST_H
#define DEALTEMP_TEST_CONTRAST_H

#include <check.h>
#include <math.h>
#include <stdio.h>

static inline double dt_test_channel(unsigned v)
{
    double c = v / 255.0;
    return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

/* Relative luminance of "#rrggbb". */
static inline double dt_test_luminance(const char *hex)
{
    unsigned r, g, b;
    ck_assert_int_eq(sscanf(hex, "#%2x%2x%2x", &r, &g, &b), 3);
    return 0.2126 * dt_test_channel(r) + 0.7152 * dt_test_channel(g) +
           0.0722 * dt_test_channel(b);
}

/* WCAG 2.1 contrast ratio, 1 to 21, whichever is lighter. */
static inline double dt_test_contrast(const char *a, const char *b)
{
    double x = dt_test_luminance(a), y = dt_test_luminance(b);
    return x > y ? (x + 0.05) / (y + 0.05) : (y + 0.05) / (x + 0.05);
}

#endif
