/*
 * check_tone.c - the customer's side (tone.h): the tone rule at its
 * thresholds, the trend, the kinds' names, organisation domains and who is
 * on the customer's side, tone words scored apart from euphoria, and the
 * states hesitant and carried-away (dt_cooling_customer) as a table.
 */
#include <check.h>
#include <string.h>

#include "dealtemp/cooling.h"
#include "dealtemp/euphoria.h"
#include "dealtemp/lexicon.h"
#include "dealtemp/tone.h"
#include "testutil.h"

static struct dt_tone_params tp;

static void setup(void)
{
    dt_tone_defaults(&tp);
}

/* ---- the tone of one reply ---- */

START_TEST(tone_rule_at_its_thresholds)
{
    ck_assert_double_eq(tp.hesitant, 1.0);
    ck_assert_double_eq(tp.engaged, 1.0);
    ck_assert_double_eq(tp.enthusiastic, 0.35);
    ck_assert_int_eq(tp.joined_after, 7 * 86400L);
    /* "thanks, we'll look at it": nothing */
    ck_assert_int_eq(dt_tone_of(&tp, 0, 0, 0), DT_TONE_NEUTRAL);
    /* one weak stall word stays neutral */
    ck_assert_int_eq(dt_tone_of(&tp, 0, 0.999, 0), DT_TONE_NEUTRAL);
    ck_assert_int_eq(dt_tone_of(&tp, 0, 1.0, 0), DT_TONE_HESITANT);
    /* hesitation must outweigh engagement */
    ck_assert_int_eq(dt_tone_of(&tp, 0, 1.5, 1.5), DT_TONE_ENGAGED);
    ck_assert_int_eq(dt_tone_of(&tp, 0, 1.501, 1.5), DT_TONE_HESITANT);
    /* hesitant beats enthusiastic: "love it!!! but it is on hold" */
    ck_assert_int_eq(dt_tone_of(&tp, 0.9, 2.0, 0), DT_TONE_HESITANT);
    ck_assert_int_eq(dt_tone_of(&tp, 0.349, 0, 0), DT_TONE_NEUTRAL);
    ck_assert_int_eq(dt_tone_of(&tp, 0.35, 0, 0), DT_TONE_ENTHUSIASTIC);
    ck_assert_int_eq(dt_tone_of(&tp, 0.35, 0, 3), DT_TONE_ENTHUSIASTIC);
    ck_assert_int_eq(dt_tone_of(&tp, 0, 0, 0.999), DT_TONE_NEUTRAL);
    ck_assert_int_eq(dt_tone_of(&tp, 0, 0, 1.0), DT_TONE_ENGAGED);
    tp.hesitant = 0.5;
    ck_assert_int_eq(dt_tone_of(&tp, 0, 0.5, 0.4), DT_TONE_HESITANT);
}
END_TEST

START_TEST(names)
{
    static const char *const tones[] = {"neutral", "hesitant", "engaged", "enthusiastic"};
    static const char *const trends[] = {"cooling", "steady", "warming"};
    for (int i = 0; i < DT_TONE_COUNT; i++)
        ck_assert_str_eq(dt_tone_name((enum dt_tone)i), tones[i]);
    for (int i = 0; i < DT_TREND_COUNT; i++)
        ck_assert_str_eq(dt_trend_name((enum dt_trend)i), trends[i]);
    ck_assert_str_eq(dt_tone_name(DT_TONE_COUNT), "unknown");
    ck_assert_str_eq(dt_trend_name(DT_TREND_COUNT), "unknown");
}
END_TEST

#define H DT_TONE_HESITANT
#define N DT_TONE_NEUTRAL
#define G DT_TONE_ENGAGED
#define E DT_TONE_ENTHUSIASTIC

START_TEST(trend)
{
    static const struct {
        enum dt_tone t[6];
        size_t n;
        enum dt_trend want;
    } rows[] = {
        {{N}, 0, DT_TREND_STEADY},
        {{E}, 1, DT_TREND_STEADY},
        {{N, N}, 2, DT_TREND_STEADY},
        {{N, G}, 2, DT_TREND_WARMING},
        {{G, N}, 2, DT_TREND_COOLING},
        {{E, H}, 2, DT_TREND_COOLING},
        {{H, N}, 2, DT_TREND_WARMING}, /* hesitant ranks below neutral */
        /* mean of the three before: (2 + 2 + 1) / 3 = 1.67 vs 2: +0.33 steady */
        {{G, G, N, G}, 4, DT_TREND_STEADY},
        /* (1 + 1 + 2) / 3 = 1.33 vs 2: +0.67 warming */
        {{N, N, G, G}, 4, DT_TREND_WARMING},
        /* only the latest three before count: the early enthusiasm is gone */
        {{E, E, N, N, N, N}, 6, DT_TREND_STEADY},
        /* (3 + 3 + 2) / 3 = 2.67 vs 2: -0.67 cooling */
        {{E, E, G, G}, 4, DT_TREND_COOLING},
        /* exactly -0.5: (2 + 1) / 2 = 1.5 vs 1 */
        {{G, N, N}, 3, DT_TREND_COOLING},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        ck_assert_msg(dt_tone_trend(rows[i].t, rows[i].n) == rows[i].want, "row %zu: %s", i,
                      dt_trend_name(dt_tone_trend(rows[i].t, rows[i].n)));
}
END_TEST

START_TEST(kinds_names)
{
    char buf[160];
    dt_kinds_names(0, buf, sizeof(buf));
    ck_assert_str_eq(buf, "");
    dt_kinds_names(DT_KINDS_BIT(DT_KIND_HYPE) | DT_KINDS_BIT(DT_KIND_HESITATION) |
                       DT_KINDS_BIT(DT_KIND_EXCLAMATION),
                   buf, sizeof(buf));
    ck_assert_str_eq(buf, "hesitation,hype,excl");
    /* whole names only */
    dt_kinds_names(DT_KINDS_BIT(DT_KIND_HESITATION) | DT_KINDS_BIT(DT_KIND_NEXTSTEP), buf, 15);
    ck_assert_str_eq(buf, "hesitation");
    /* modifiers and stopwords are no evidence */
    dt_kinds_names(DT_KINDS_BIT(DT_KIND_STOPWORD) | DT_KINDS_BIT(DT_KIND_NEGATOR), buf,
                   sizeof(buf));
    ck_assert_str_eq(buf, "");
}
END_TEST

/* ---- who is on the customer's side ---- */

START_TEST(org_domain)
{
    ck_assert_str_eq(dt_org_domain("sarah@northwind.example"), "northwind.example");
    ck_assert_str_eq(dt_org_domain("sarah@mail.northwind.example"), "northwind.example");
    ck_assert_str_eq(dt_org_domain("a@eu.mail.northwind.example"), "northwind.example");
    ck_assert_str_eq(dt_org_domain("j@acme.co.uk"), "acme.co.uk");
    ck_assert_str_eq(dt_org_domain("j@sales.acme.co.uk"), "acme.co.uk");
    ck_assert_str_eq(dt_org_domain("j@shop.com.au"), "shop.com.au");
    ck_assert_str_eq(dt_org_domain("j@b.zeeland-zuivel.nl"), "zeeland-zuivel.nl");
    ck_assert_str_eq(dt_org_domain("j@localhost"), "localhost");
    ck_assert_ptr_null(dt_org_domain("no-at-sign"));
    ck_assert_ptr_null(dt_org_domain("trailing@"));
    ck_assert_ptr_null(dt_org_domain(NULL));
}
END_TEST

START_TEST(same_side)
{
    char *freemail[] = {"gmail.com", "@web.de", "orange.fr"};
    const char *cp = "sarah@northwind.example";
    ck_assert(dt_same_side("sarah@northwind.example", cp, freemail, 3));
    ck_assert(dt_same_side("J.deVries@Northwind.Example", cp, freemail, 3));
    ck_assert(dt_same_side("it@eu.northwind.example", cp, freemail, 3));
    ck_assert(!dt_same_side("ann@corp.example", cp, freemail, 3));
    ck_assert(!dt_same_side("sarah@northwind-retail.example", cp, freemail, 3));
    /* at a free-mail provider every address is its own person */
    ck_assert(!dt_same_side("other@gmail.com", "piet@gmail.com", freemail, 3));
    ck_assert(dt_same_side("PIET@gmail.com", "piet@gmail.com", freemail, 3));
    ck_assert(!dt_same_side("b@web.de", "a@web.de", freemail, 3));
    ck_assert(!dt_same_side("b@mail.orange.fr", "a@orange.fr", freemail, 3));
    /* without the list they would be one organisation */
    ck_assert(dt_same_side("other@gmail.com", "piet@gmail.com", NULL, 0));
    ck_assert(!dt_same_side(NULL, cp, freemail, 3));
    ck_assert(!dt_same_side("x@y.example", NULL, freemail, 3));
}
END_TEST

/* ---- tone words: scored, but apart from euphoria ---- */

static const char tone_lexicon[] = "amazing 2.5 hype\n"
                                   "on hold 1.2 hesitation\n"
                                   "discuss internally 1.0 hesitation\n"
                                   "next step 0.8 nextstep\n"
                                   "tuesday 0.4 nextstep\n"
                                   "what a relief 0.8 relief\n"
                                   "not 0 negator\n"
                                   "very 1.5 intensifier\n"
                                   "the 1 stopword\n";

START_TEST(tone_words_scored_apart)
{
    struct dt_lexicon *lex = dt_lexicon_new();
    struct dt_error err = {""};
    ck_assert_int_eq(dt_lexicon_add(lex, "en", "tone.txt", tone_lexicon, strlen(tone_lexicon), &err),
                     0);
    struct dt_score s = {0};
    const char *t = "We need to discuss internally, the project is on hold until the next step.";
    ck_assert_int_eq(dt_euphoria_score(lex, NULL, t, strlen(t), &s, &err), 0);
    ck_assert_double_eq(s.score, 0); /* no euphoria at all */
    ck_assert_double_eq(s.total, 0);
    ck_assert_double_eq_tol(s.tone[0], 2.2, 1e-9);
    ck_assert_double_eq_tol(s.tone[1], 0.8, 1e-9);
    ck_assert_double_eq(s.tone[2], 0);
    ck_assert_uint_eq(s.counts[DT_KIND_HESITATION], 2);
    ck_assert_uint_eq(s.counts[DT_KIND_NEXTSTEP], 1);
    ck_assert_uint_eq(s.n_evidence, 3);
    ck_assert_int_eq(s.evidence[0].kind, DT_KIND_HESITATION);
    ck_assert_str_eq(s.evidence[0].text, "discuss internally");
    char sum[100];
    dt_score_summary(&s, sum, sizeof(sum));
    ck_assert_str_eq(sum, "none"); /* the header's summary is euphoria only */
    dt_score_clear(&s);

    /* negated and intensified like scoring words */
    t = "It is not on hold. What a relief, very amazing! See you Tuesday.";
    ck_assert_int_eq(dt_euphoria_score(lex, NULL, t, strlen(t), &s, &err), 0);
    ck_assert_double_eq(s.tone[0], 0);
    ck_assert_uint_eq(s.counts[DT_KIND_HESITATION], 0);
    ck_assert_double_eq_tol(s.tone[2], 0.8, 1e-9);
    ck_assert_double_eq_tol(s.tone[1], 0.4, 1e-9);
    ck_assert_double_eq_tol(s.total, 2.5 * 1.5 + 0.5, 1e-9); /* amazing x very, one '!' */
    ck_assert(s.score > 0);
    dt_score_clear(&s);
    dt_lexicon_free(lex);
}
END_TEST

START_TEST(tone_kinds_in_lexicon_files)
{
    struct dt_lexicon *lex = dt_lexicon_new();
    struct dt_error err = {""};
    const char *bad = "on hold 0 hesitation\n";
    ck_assert_int_eq(dt_lexicon_add(lex, "en", "t.txt", bad, strlen(bad), &err), -1);
    ck_assert_str_eq(err.msg, "t.txt:1: hesitation weight must be above 0");
    const char *good = "on hold 1 hesitation\nkick-off 0.5 nextstep\nphew 0.6 relief\n";
    ck_assert_int_eq(dt_lexicon_add(lex, "en", "t.txt", good, strlen(good), &err), 0);
    ck_assert_uint_eq(dt_lexicon_size(lex, "en"), 3);
    dt_lexicon_free(lex);
}
END_TEST

/* ---- the states on the customer's side ---- */

#define T0 ((time_t)1763967600) /* Mon 24 Nov 2025 07:00 UTC */
#define D 86400L
#define OUT(t, lvl) {T0 + (t), true, DT_LEVEL_##lvl, 0.5, DT_TONE_NEUTRAL}
#define IN(t, tone) {T0 + (t), false, DT_LEVEL_CALM, 0, DT_TONE_##tone}
#define NONE ((size_t)-1)

struct crow {
    const char *name;
    struct dt_tl_event ev[6];
    size_t n, people;
    long now;
    enum dt_thread_state want;
    size_t trigger;
};

/* Defaults: trigger euphoric, carried_window 2 days, usual 2 days, factor 2. */
/* clang-format off */
static const struct crow crows[] = {
    {"hesitant reply to a euphoric mail", {OUT(0, EUPHORIC), IN(D, HESITANT)}, 2, 1, 2 * D,
        DT_STATE_HESITANT, 0},
    {"hesitant and slow: hesitant wins", {OUT(0, EUPHORIC), IN(5 * D, HESITANT)}, 2, 1, 6 * D,
        DT_STATE_HESITANT, 0},
    {"hesitant reply to a calm mail", {OUT(0, CALM), IN(D, HESITANT)}, 2, 1, 2 * D,
        DT_STATE_WARM, NONE},
    {"hesitant reply to a warm mail", {OUT(0, WARM), IN(D, HESITANT)}, 2, 1, 2 * D,
        DT_STATE_WARM, NONE},
    {"neutral reply to a euphoric mail", {OUT(0, EUPHORIC), IN(D, NEUTRAL)}, 2, 1, 2 * D,
        DT_STATE_WARM, NONE},
    {"hesitant, then the rep writes again", {OUT(0, EUPHORIC), IN(D, HESITANT), OUT(2 * D, CALM)},
        3, 1, 2 * D + 1, DT_STATE_WAITING, NONE},
    {"hesitant, then the rep pushes and is met by silence",
        {OUT(0, EUPHORIC), IN(D, HESITANT), OUT(2 * D, EUPHORIC)}, 3, 1, 9 * D,
        DT_STATE_STALLED, 2},
    {"hesitant before now is not seen", {OUT(0, EUPHORIC), IN(D, HESITANT)}, 2, 1, D - 1,
        DT_STATE_WAITING, 0},
    {"both euphoric within the window, one person", {OUT(0, EUPHORIC), IN(D, ENTHUSIASTIC)}, 2, 1,
        D + 1, DT_STATE_CARRIED, 0},
    {"at the window's edge", {OUT(0, EUPHORIC), IN(2 * D, ENTHUSIASTIC)}, 2, 1, 3 * D,
        DT_STATE_CARRIED, 0},
    {"a second past the window", {OUT(0, EUPHORIC), IN(2 * D + 1, ENTHUSIASTIC)}, 2, 1, 3 * D,
        DT_STATE_WARM, NONE},
    {"a second person on their side", {OUT(0, EUPHORIC), IN(D, ENTHUSIASTIC)}, 2, 2, D + 1,
        DT_STATE_WARM, NONE},
    {"enthusiastic customer, calm rep", {OUT(0, CALM), IN(D, ENTHUSIASTIC)}, 2, 1, D + 1,
        DT_STATE_WARM, NONE},
    {"the rep's euphoric answer to an enthusiastic customer",
        {OUT(0, CALM), IN(D, ENTHUSIASTIC), OUT(D + 3600, EUPHORIC)}, 3, 1, D + 7200,
        DT_STATE_CARRIED, 2},
    {"carried away, then the silence grows: cooling wins",
        {OUT(0, CALM), IN(D, ENTHUSIASTIC), OUT(D + 3600, EUPHORIC)}, 3, 1, 6 * D,
        DT_STATE_COOLING, 2},
    {"engaged is not carried away", {OUT(0, EUPHORIC), IN(D, ENGAGED)}, 2, 1, D + 1,
        DT_STATE_WARM, NONE},
    {"a slow enthusiastic reply stays slowed", {OUT(0, EUPHORIC), IN(D * 5, ENTHUSIASTIC)}, 2, 1,
        6 * D, DT_STATE_SLOWED, 0},
    {"customer wrote first, no answer", {IN(0, ENTHUSIASTIC)}, 1, 1, D, DT_STATE_OPEN, NONE},
};
/* clang-format on */

START_TEST(customer_states)
{
    struct dt_cooling_params p;
    dt_cooling_defaults(&p);
    ck_assert_int_eq(p.carried_window, 2 * D);
    for (size_t i = 0; i < sizeof(crows) / sizeof(crows[0]); i++) {
        const struct crow *r = &crows[i];
        struct dt_cooling c;
        dt_cooling_evaluate(r->ev, r->n, NULL, &p, T0 + r->now, &c);
        dt_cooling_customer(r->ev, r->n, r->people, &p, T0 + r->now, &c);
        ck_assert_msg(c.state == r->want, "%s: %s", r->name, dt_state_name(c.state));
        ck_assert_msg(c.trigger == r->trigger, "%s: trigger %zd", r->name, (ssize_t)c.trigger);
    }
    /* NULL parameters are the defaults; no events change nothing */
    struct dt_cooling c;
    dt_cooling_evaluate(crows[0].ev, 2, NULL, NULL, T0 + 2 * D, &c);
    dt_cooling_customer(crows[0].ev, 2, 1, NULL, T0 + 2 * D, &c);
    ck_assert_int_eq(c.state, DT_STATE_HESITANT);
    dt_cooling_evaluate(NULL, 0, NULL, NULL, T0, &c);
    dt_cooling_customer(NULL, 0, 0, NULL, T0, &c);
    ck_assert_int_eq(c.state, DT_STATE_OPEN);
    /* the trigger level counts: with trigger warm, a warm mail can be answered hesitantly */
    p.trigger = DT_LEVEL_WARM;
    dt_cooling_evaluate(crows[3].ev, 2, NULL, &p, T0 + 2 * D, &c);
    dt_cooling_customer(crows[3].ev, 2, 1, &p, T0 + 2 * D, &c);
    ck_assert_int_eq(c.state, DT_STATE_HESITANT);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("tone");
    TCase *tc = tcase_create("tone");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, tone_rule_at_its_thresholds);
    tcase_add_test(tc, names);
    tcase_add_test(tc, trend);
    tcase_add_test(tc, kinds_names);
    tcase_add_test(tc, org_domain);
    tcase_add_test(tc, same_side);
    tcase_add_test(tc, tone_words_scored_apart);
    tcase_add_test(tc, tone_kinds_in_lexicon_files);
    tcase_add_test(tc, customer_states);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_test_run(suite());
}
