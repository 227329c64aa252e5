/*
 * check_ownfields.c - dealtemp's header name space (ownfields.h): which
 * fields are noted (the prefix in any case, nothing else), how they are
 * counted by name, the cap on distinct names, the order of removal (last
 * of each name first) and a refused removal; and the one exception, our
 * own note: a nudge rendered by dt_nudge_render() and parsed back is
 * recognised, each thing it takes missing or changed is not.
 *
 * Runs from the top of the tree (tests/data/conf/nudge-full.conf).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dealtemp/config.h"
#include "dealtemp/mime.h"
#include "dealtemp/nudge.h"
#include "dealtemp/ownfields.h"
#include "testutil.h"

#define CONF "tests/data/conf/nudge-full.conf"

/* Every call of the deleter, as "Name#i", in order; refuse makes it fail on that call. */
struct calls {
    char log[2048];
    int n;
    int refuse; /* the call number (1-based) that fails, or 0 */
};

static int record(const char *name, unsigned index, void *arg)
{
    struct calls *c = arg;
    c->n++;
    size_t len = strlen(c->log);
    snprintf(c->log + len, sizeof(c->log) - len, "%s%s#%u", len ? " " : "", name, index);
    return c->n == c->refuse ? -1 : 0;
}

START_TEST(only_the_prefix_in_any_case_is_noted)
{
    static const char *const names[] = {
        "Received",
        "X-Deal-Euphoria",
        "From",
        "x-deal-euphoria",
        "X-Deal-Thread",
        "X-Dealer",
        "X-DEAL-Anything",
        "X-Deal-Nudge",
        "Subject",
        "X-Deal-",
        "X-Dea",
        "Deal-Euphoria",
        "X-Deal-Reply-Latency",
    };
    struct dt_ownfields fs = {0};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        dt_ownfields_note(&fs, "X-Deal-", names[i]);
    /* Euphoria (twice, two spellings), Thread, Anything, Nudge, the bare prefix, Reply-Latency. */
    ck_assert_uint_eq(fs.n, 6);
    ck_assert_str_eq(fs.v[0].name, "X-Deal-Euphoria");
    ck_assert_uint_eq(fs.v[0].count, 2);
    ck_assert_str_eq(fs.v[1].name, "X-Deal-Thread");
    ck_assert_str_eq(fs.v[2].name, "X-DEAL-Anything");
    ck_assert_str_eq(fs.v[3].name, "X-Deal-Nudge");
    ck_assert_str_eq(fs.v[4].name, "X-Deal-");
    ck_assert_str_eq(fs.v[5].name, "X-Deal-Reply-Latency");
    ck_assert(fs.nudge_mark);
    ck_assert_uint_eq(fs.left, 0);

    struct calls c = {.refuse = 0};
    ck_assert_uint_eq(dt_ownfields_remove(&fs, "X-Deal-", false, record, &c), 7);
    ck_assert_str_eq(c.log, "X-Deal-Euphoria#2 X-Deal-Euphoria#1 X-Deal-Thread#1 "
                            "X-DEAL-Anything#1 X-Deal-Nudge#1 X-Deal-#1 X-Deal-Reply-Latency#1");

    /* keep_nudge spares exactly the mark, whatever its spelling. */
    memset(&c, 0, sizeof(c));
    dt_ownfields_note(&fs, "X-Deal-", "x-deal-NUDGE");
    ck_assert_uint_eq(dt_ownfields_remove(&fs, "X-Deal-", true, record, &c), 6);
    ck_assert_lacks(c.log, "Nudge");
    ck_assert_contains(c.log, "X-Deal-Euphoria#2");
    dt_ownfields_free(&fs);
    ck_assert_ptr_null(fs.v);
    ck_assert_uint_eq(fs.n, 0);
    dt_ownfields_free(&fs); /* twice, and NULL: fine */
    dt_ownfields_free(NULL);
}
END_TEST

START_TEST(nothing_noted_without_our_fields)
{
    struct dt_ownfields fs = {0};
    dt_ownfields_note(&fs, "X-Temp-", "X-Deal-Euphoria");
    dt_ownfields_note(&fs, "X-Temp-", "X-Tem");
    struct calls c = {.refuse = 0};
    ck_assert_uint_eq(dt_ownfields_remove(&fs, "X-Temp-", false, record, &c), 0);
    ck_assert_int_eq(c.n, 0);
    ck_assert(!fs.nudge_mark);
    dt_ownfields_free(&fs);
}
END_TEST

START_TEST(distinct_names_are_capped_and_counted)
{
    struct dt_ownfields fs = {0};
    char name[32];
    for (int i = 0; i < DT_OWNFIELDS_MAX + 10; i++) {
        snprintf(name, sizeof(name), "X-Deal-F%d", i);
        dt_ownfields_note(&fs, "X-Deal-", name);
    }
    dt_ownfields_note(&fs, "X-Deal-", "X-Deal-F0");  /* a known name is still counted */
    dt_ownfields_note(&fs, "X-Deal-", "X-Deal-F70"); /* an unknown one beyond the cap is left */
    ck_assert_uint_eq(fs.n, DT_OWNFIELDS_MAX);
    ck_assert_uint_eq(fs.left, 11);
    ck_assert_uint_eq(fs.v[0].count, 2);
    struct calls c = {.refuse = 0};
    ck_assert_uint_eq(dt_ownfields_remove(&fs, "X-Deal-", false, record, &c), DT_OWNFIELDS_MAX + 1);
    dt_ownfields_free(&fs);
}
END_TEST

START_TEST(a_refused_removal_ends_that_name_only)
{
    struct dt_ownfields fs = {0};
    for (int i = 0; i < 3; i++)
        dt_ownfields_note(&fs, "X-Deal-", "X-Deal-Euphoria");
    dt_ownfields_note(&fs, "X-Deal-", "X-Deal-Thread");
    struct calls c = {.refuse = 2}; /* Euphoria#3 goes, #2 is refused: #1 is not tried */
    ck_assert_uint_eq(dt_ownfields_remove(&fs, "X-Deal-", false, record, &c), 2);
    ck_assert_str_eq(c.log, "X-Deal-Euphoria#3 X-Deal-Euphoria#2 X-Deal-Thread#1");
    dt_ownfields_free(&fs);
}
END_TEST

/* ---- our own note ---- */

static const struct dt_nudge sarah = {
    .rep = "ann@corp.example",
    .counterpart = "sarah@northwind-retail.co.uk",
    .counterpart_name = "Sarah Mitchell",
    .subject = "Re: Proposal for Q3",
    .phrases = "AMAZING, can't wait",
    .score = 0.93,
    .sent_at = 1795446300,
};

/* Note every field name of raw's header, as the milter's header callback would. */
static void note_all(struct dt_ownfields *fs, const char *prefix, const char *raw)
{
    const char *p = raw;
    while (*p != '\0' && *p != '\r' && *p != '\n') {
        const char *colon = strchr(p, ':'), *eol = strchr(p, '\n');
        ck_assert_ptr_nonnull(colon);
        ck_assert_ptr_nonnull(eol);
        if (*p != ' ' && *p != '\t' && colon < eol) {
            char *name = strndup(p, (size_t)(colon - p));
            dt_ownfields_note(fs, prefix, name);
            free(name);
        }
        p = eol + 1;
    }
}

/* raw with the field found by "\r\nName:" replaced by line ("" drops it); the
 * first line counts too. */
static char *with_field(const char *raw, const char *field, const char *line)
{
    char *framed = malloc(strlen(raw) + 3);
    ck_assert_ptr_nonnull(framed);
    sprintf(framed, "\r\n%s", raw);
    const char *at = strcasestr(framed, field);
    ck_assert_ptr_nonnull(at);
    const char *eol = strstr(at + 2, "\r\n");
    ck_assert_ptr_nonnull(eol);
    char *out = malloc(strlen(framed) + strlen(line) + 3);
    ck_assert_ptr_nonnull(out);
    sprintf(out, "%.*s%s%s%s", (int)(at - framed), framed, *line ? "\r\n" : "", line, eol);
    free(framed);
    memmove(out, out + 2, strlen(out + 2) + 1);
    return out;
}

static bool judged_ours(const struct dt_config *cfg, const char *raw)
{
    struct dt_ownfields fs = {0};
    note_all(&fs, cfg->header_prefix, raw);
    struct dt_message *msg = dt_test_parse_str(raw);
    bool ours = dt_ownfields_our_note(&fs, cfg, msg);
    dt_message_free(msg);
    dt_ownfields_free(&fs);
    return ours;
}

START_TEST(the_rendered_nudge_is_recognised)
{
    struct dt_config *cfg = dt_test_config(CONF);
    struct dt_buf out = DT_BUF_INIT;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_nudge_render(&sarah, cfg, &out, &err) == 0, "%s", err.msg);
    char *raw = dt_buf_steal(&out, NULL);
    ck_assert_ptr_nonnull(raw);
    ck_assert_contains(raw, "\r\nX-Deal-Nudge: yes\r\n");
    ck_assert(judged_ours(cfg, raw));

    /* What the rule takes, each changed in turn: no longer ours. */
    static const struct {
        const char *field, *line, *why;
    } forged[] = {
        {"\r\nX-Deal-Nudge:", "", "no mark"},
        {"\r\nFrom:", "From: Ann Rep <ann@corp.example>", "another sender"},
        {"\r\nFrom:", "From: dealtemp@corp.example.evil.test", "a look-alike sender"},
        {"\r\nAuto-Submitted:", "", "not automatic"},
        {"\r\nAuto-Submitted:", "Auto-Submitted: no", "Auto-Submitted: no"},
        {"\r\nAuto-Submitted:", "Auto-Submitted: auto-replied", "an auto-reply"},
        {"\r\nAuto-Submitted:", "Auto-Submitted: auto-generatedX", "a longer keyword"},
    };
    for (size_t i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
        char *m = with_field(raw, forged[i].field, forged[i].line);
        ck_assert_msg(!judged_ours(cfg, m), "%s: judged ours", forged[i].why);
        free(m);
    }
    /* The same note with its keyword commented, and the sender in other case: still ours. */
    char *m1 = with_field(raw, "\r\nAuto-Submitted:", "Auto-Submitted: Auto-Generated (nudge)");
    char *m2 = with_field(m1, "\r\nFrom:", "From: DealTemp <DEALTEMP@Corp.Example>");
    ck_assert(judged_ours(cfg, m2));
    free(m1);
    free(m2);
    /* Not analyzed (msg NULL): never ours. */
    struct dt_ownfields fs = {.nudge_mark = true};
    ck_assert(!dt_ownfields_our_note(&fs, cfg, NULL));
    free(raw);
    dt_config_unref(cfg);
}
END_TEST

static Suite *ownfields_suite(void)
{
    Suite *s = suite_create("ownfields");
    TCase *tc = tcase_create("fields");
    tcase_add_test(tc, only_the_prefix_in_any_case_is_noted);
    tcase_add_test(tc, nothing_noted_without_our_fields);
    tcase_add_test(tc, distinct_names_are_capped_and_counted);
    tcase_add_test(tc, a_refused_removal_ends_that_name_only);
    suite_add_tcase(s, tc);
    tc = tcase_create("note");
    tcase_add_test(tc, the_rendered_nudge_is_recognised);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_test_run(ownfields_suite());
}
