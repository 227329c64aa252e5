/*
 * check_nudge.c - the same-hour nudge (nudge.h): the rate limiter as a
 * table of times per rep, who is due one (listed by address or @domain,
 * euphoric by the configured thresholds), the note in English and Dutch
 * (parsed back with the real MIME parser), hostile names, subjects and
 * phrases, the note never being scored itself, the queue (drops when
 * full, limits, stops within its bound even on a stuck delivery), and
 * the nudge.* keys: defaults, values and every kind of bad file.
 *
 * Runs from the top of the tree: fixtures are tests/data/conf/nudge-*.conf
 * and tests/data/analyze-*.eml.
 */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dealtemp/analyze.h"
#include "dealtemp/config.h"
#include "dealtemp/nudge.h"

#include "../milter/config_int.h"
#include "testutil.h"

#define CONF "tests/data/conf/"
#define POISON 0x5a

/* ---- the rate limiter ---- */

START_TEST(limiter_table)
{
    /* Offered in this order, each allowed one recorded (as the queue does). */
    static const struct {
        const char *rep;
        long now;
        bool allowed;
    } rows[] = {
        {"ann@corp.example", 0, true},      /* first: allowed */
        {"ann@corp.example", 1, false},     /* within the hour: limited */
        {"ann@corp.example", 3599, false},  /* one second short */
        {"bram@corp.example", 10, true},    /* another rep: independent */
        {"ANN@Corp.Example", 1800, false},  /* the same rep in other case */
        {"ann@corp.example", 3600, true},   /* the interval is over */
        {"ann@corp.example", 3601, false},  /* and begins again */
        {"bram@corp.example", 3609, false}, /* bram's own hour */
        {"bram@corp.example", 3610, true},  {"chloe@sales.corp.example", 3610, true},
        {"ann@corp.example", 7200, true},
    };
    enum { N = sizeof(rows) / sizeof(rows[0]) };
    unsigned char got[N];
    memset(got, POISON, sizeof(got)); /* anything unwritten fails */
    struct dt_nudge_limiter *l = dt_nudge_limiter_new(16);
    ck_assert_ptr_nonnull(l);
    for (size_t i = 0; i < N; i++) {
        got[i] = dt_nudge_limiter_allows(l, rows[i].rep, rows[i].now, 3600);
        if (got[i])
            dt_nudge_limiter_record(l, rows[i].rep, rows[i].now, 3600);
    }
    for (size_t i = 0; i < N; i++)
        ck_assert_msg(got[i] == rows[i].allowed, "row %zu (%s at %ld): got %d", i, rows[i].rep,
                      rows[i].now, got[i]);
    /* A reload to a shorter interval applies to the next mail at once. */
    ck_assert(!dt_nudge_limiter_allows(l, "ann@corp.example", 7800, 3600));
    ck_assert(dt_nudge_limiter_allows(l, "ann@corp.example", 7800, 600));
    /* A clock that went back counts as "just nudged". */
    ck_assert(!dt_nudge_limiter_allows(l, "ann@corp.example", 100, 600));
    dt_nudge_limiter_free(l);
    ck_assert(!dt_nudge_limiter_allows(NULL, "ann@corp.example", 0, 1));
    dt_nudge_limiter_free(NULL);
}
END_TEST

START_TEST(limiter_full_forgets_the_right_one)
{
    struct dt_nudge_limiter *l = dt_nudge_limiter_new(3);
    dt_nudge_limiter_record(l, "a@corp.example", 0, 100);
    dt_nudge_limiter_record(l, "b@corp.example", 10, 100);
    dt_nudge_limiter_record(l, "c@corp.example", 20, 100);
    /* Full, none expired: the least recently nudged (a) is forgotten. */
    dt_nudge_limiter_record(l, "d@corp.example", 30, 100);
    ck_assert(dt_nudge_limiter_allows(l, "a@corp.example", 31, 100));
    ck_assert(!dt_nudge_limiter_allows(l, "b@corp.example", 31, 100));
    ck_assert(!dt_nudge_limiter_allows(l, "c@corp.example", 31, 100));
    ck_assert(!dt_nudge_limiter_allows(l, "d@corp.example", 31, 100));
    /* Full again at 115: b's hour is over, so b goes, not c (the oldest still limited). */
    dt_nudge_limiter_record(l, "e@corp.example", 115, 100);
    ck_assert(!dt_nudge_limiter_allows(l, "c@corp.example", 115, 100));
    ck_assert(!dt_nudge_limiter_allows(l, "d@corp.example", 115, 100));
    ck_assert(!dt_nudge_limiter_allows(l, "e@corp.example", 115, 100));
    dt_nudge_limiter_free(l);
}
END_TEST

/* ---- who is due ---- */

/* Analyze fixture name as sent by from to bob@customer.example (or to from `to`). */
static void analyze(const struct dt_config *cfg, const char *name, const char *from, const char *to,
                    struct dt_facts *f)
{
    char path[256];
    size_t n;
    snprintf(path, sizeof(path), "tests/data/%s", name);
    char *raw = dt_test_slurp(path, &n);
    const char *rcpt[] = {to ? to : "bob@customer.example"};
    struct dt_envelope env = {from, rcpt, 1};
    struct dt_error err = {{0}};
    ck_assert_msg(dt_analyze(cfg, raw, n, &env, 0, f, &err) == 0, "%s: %s", name, err.msg);
    free(raw);
}

static bool due(const struct dt_config *cfg, const char *name, const char *from)
{
    struct dt_facts f;
    analyze(cfg, name, from, NULL, &f);
    bool d = dt_nudge_due(cfg, &f);
    dt_facts_clear(&f);
    return d;
}

START_TEST(due_for_listed_reps_and_domains_only)
{
    struct dt_config *cfg = dt_test_config(CONF "nudge-full.conf");
    const char *euphoric = "analyze-euphoric-en.eml";
    ck_assert(due(cfg, euphoric, "ann@corp.example"));            /* listed by address */
    ck_assert(due(cfg, euphoric, "bram@sales.corp.example"));     /* by @domain */
    ck_assert(due(cfg, euphoric, "chloe@eu.sales.corp.example")); /* a subdomain of it */
    ck_assert(!due(cfg, euphoric, "dirk@corp.example"));          /* a rep, not listed */
    ck_assert(!due(cfg, euphoric, "eve@notsales.corp.example"));
    ck_assert(!due(cfg, "analyze-calm-reply.eml", "ann@corp.example")); /* calm */
    ck_assert(!due(cfg, "analyze-autoreply.eml", "ann@corp.example"));  /* ignored */
    struct dt_facts f;
    analyze(cfg, "analyze-inbound.eml", "bob@customer.example", "ann@corp.example", &f);
    ck_assert_int_eq(f.direction, DT_DIR_INBOUND);
    ck_assert(!dt_nudge_due(cfg, &f));
    dt_facts_clear(&f);
    dt_config_unref(cfg);

    /* Off by default. */
    cfg = dt_test_config(CONF "minimal.conf");
    ck_assert(!due(cfg, euphoric, "ann@corp.example"));
    dt_config_unref(cfg);
}
END_TEST

/* Euphoric is what dt_level_of says with the configured threshold, nothing else. */
START_TEST(due_follows_the_configured_threshold)
{
    struct dt_config *cfg = dt_test_config(CONF "nudge-full.conf");
    struct dt_facts f;
    analyze(cfg, "analyze-euphoric-en.eml", "ann@corp.example", NULL, &f);
    ck_assert(f.scored);
    double saved = cfg->euphoria.euphoric, score = f.score.score;
    ck_assert(score > 0.01 && score < 1);
    cfg->euphoria.euphoric = score; /* at the threshold: euphoric */
    ck_assert(dt_nudge_due(cfg, &f));
    cfg->euphoria.euphoric = score + 0.001; /* just above: warm */
    ck_assert(!dt_nudge_due(cfg, &f));
    cfg->euphoria.euphoric = saved;
    dt_facts_clear(&f);
    dt_config_unref(cfg);
}
END_TEST

/* ---- the note ---- */

static const struct dt_nudge sarah = {
    .rep = "ann@corp.example",
    .counterpart = "sarah@northwind-retail.co.uk",
    .counterpart_name = "Sarah Mitchell",
    .subject = "Re: Proposal for Q3",
    .phrases = "AMAZING, can't wait, game-changer",
    .score = 0.93,
};

/* Render n with the configuration at path; the message, and its header block in *head. */
static char *render(const char *path, const struct dt_nudge *n, char **head)
{
    struct dt_config *cfg = dt_test_config(path);
    struct dt_buf out = DT_BUF_INIT;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_nudge_render(n, cfg, &out, &err) == 0, "%s", err.msg);
    dt_config_unref(cfg);
    char *msg = dt_buf_steal(&out, NULL);
    ck_assert_ptr_nonnull(msg);
    const char *end = strstr(msg, "\r\n\r\n");
    ck_assert_ptr_nonnull(end);
    *head = strndup(msg, (size_t)(end - msg) + 2);
    return msg;
}

/* How many header lines of head start with name (e.g. "\r\nTo:"; the first line counts too). */
static int fields(const char *head, const char *name)
{
    char first[64];
    int n = 0;
    snprintf(first, sizeof(first), "%s", name + 2);
    if (strncasecmp(head, first, strlen(first)) == 0)
        n++;
    for (const char *p = head; (p = strcasestr(p, name)) != NULL; p++)
        n++;
    return n;
}

/* Every line ends in CRLF, none is longer than 998 bytes. */
static void lines_ok(const char *msg)
{
    size_t len = 0;
    for (const char *p = msg; *p; p++) {
        if (*p == '\n') {
            ck_assert_msg(p > msg && p[-1] == '\r', "bare LF at %zu", (size_t)(p - msg));
            len = 0;
        } else {
            ck_assert_uint_lt(++len, 999);
        }
    }
}

START_TEST(note_in_english)
{
    struct dt_nudge n = sarah;
    n.sent_at = dt_test_utc(2026, 11, 20, 13, 32, 5);
    char *head, *msg = render(CONF "nudge-full.conf", &n, &head);
    lines_ok(msg);
    ck_assert_int_eq(fields(head, "\r\nTo:"), 1);
    ck_assert_contains(head, "To: ann@corp.example\r\n");
    ck_assert_contains(head, "From: dealtemp@corp.example\r\n");
    ck_assert_contains(head, "X-Deal-Nudge: yes\r\n");
    ck_assert_contains(head, "Auto-Submitted: auto-generated\r\n");
    ck_assert_contains(head, "Message-ID: <nudge.");
    ck_assert_contains(head, ".20261120133205@corp.example>");
    ck_assert_int_eq(fields(head, "\r\nCc:"), 0);
    ck_assert_int_eq(fields(head, "\r\nBcc:"), 0);
    ck_assert_lacks(head, "multipart");

    struct dt_message *m = dt_test_parse_str(msg);
    ck_assert_str_eq(m->subject, "Your mail to Sarah Mitchell sounded euphoric");
    ck_assert_uint_eq(m->n_to, 1);
    ck_assert_str_eq(m->to[0], "ann@corp.example");
    ck_assert_uint_eq(m->n_cc, 0);
    ck_assert_str_eq(m->auto_submitted, "auto-generated");
    const char *t = m->text;
    ck_assert_contains(t, "The mail you just sent sounded euphoric:\n");
    ck_assert_contains(t, "  To:       Sarah Mitchell, Northwind Retail\n"
                          "            sarah@northwind-retail.co.uk\n"
                          "  Subject:");
    ck_assert_contains(t, "  Subject:  Re: Proposal for Q3\n");
    ck_assert_contains(t, "  Sent:     2026-11-20 13:32 UTC\n");
    ck_assert_contains(t, "  Score:    0.93 (euphoric from 0.60 up)\n");
    ck_assert_contains(t, "  Phrases:  \xe2\x80\x9c"
                          "AMAZING\xe2\x80\x9d, \xe2\x80\x9c"
                          "can't wait\xe2\x80\x9d, \xe2\x80\x9cgame-changer\xe2\x80\x9d\n");
    ck_assert_contains(t, "Give them room: next time, one calm question beats three");
    ck_assert_contains(t, "never the customer, never anyone else");
    /* nudge.interval = "90m": exact, not "2 hours" */
    ck_assert_contains(t, "your mail went out unchanged.\nNo further note before 2026-11-20 "
                          "15:02 UTC.\n");
    for (const char *p = t; (p = strchr(p, '\n')) != NULL; p++)
        ck_assert_msg(p == t || p[-1] != ' ', "a line ends in a space");
    dt_message_free(m);
    free(head);
    free(msg);
}
END_TEST

START_TEST(note_in_dutch)
{
    struct dt_nudge n = sarah;
    n.sent_at = dt_test_utc(2026, 11, 20, 13, 32, 0);
    n.counterpart_name = NULL; /* then the organisation names them */
    n.phrases = "super enthousiast, te gek";
    char *head, *msg = render(CONF "nudge-nl.conf", &n, &head);
    lines_ok(msg);
    struct dt_message *m = dt_test_parse_str(msg);
    ck_assert_str_eq(m->subject, "Je mail aan Northwind Retail klonk euforisch");
    const char *t = m->text;
    ck_assert_contains(t, "De mail die je net verstuurde klonk euforisch:\n");
    ck_assert_contains(t, "  Aan:        Northwind Retail\n"
                          "              sarah@northwind-retail.co.uk\n");
    ck_assert_contains(t, "  Onderwerp:  Re: Proposal for Q3\n");
    ck_assert_contains(t, "  Verstuurd:  2026-11-20 14:32 Europe/Amsterdam\n"); /* CET */
    ck_assert_contains(t, "  Score:      0.93 (euforisch vanaf 0.60)\n");
    ck_assert_contains(t,
                       "\xe2\x80\x9csuper enthousiast\xe2\x80\x9d, \xe2\x80\x9cte gek\xe2\x80\x9d");
    ck_assert_contains(t, "Geef ze ruimte");
    ck_assert_contains(t, "nooit de klant");
    ck_assert_contains(
        t, "Geen volgend bericht v\xc3\xb3\xc3\xb3r 2026-11-20 16:32 Europe/Amsterdam.");
    ck_assert_lacks(t, "euphoric");
    dt_message_free(m);
    free(head);
    free(msg);
}
END_TEST

START_TEST(hostile_names_subjects_and_phrases_are_cleaned)
{
    char long_name[700];
    memset(long_name, 'x', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    struct dt_nudge n = {
        .rep = "ann@corp.example",
        .counterpart = "eve@gmail.com",
        .counterpart_name = "\xe2\x80\xae"
                            "Eve\r\nBcc: all@corp.example\x1b[31m",
        .subject = "Deal!\r\nBcc: everyone@corp.example\r\n\r\nfake body\x07\xe2\x80\x8b",
        .phrases = "wow\r\nCc: x@corp.example, \xe2\x81\xa6great",
        .score = 0.99,
        .sent_at = dt_test_utc(2026, 11, 20, 9, 0, 0),
    };
    char *head, *msg = render(CONF "nudge-full.conf", &n, &head);
    lines_ok(msg);
    ck_assert_int_eq(fields(head, "\r\nTo:"), 1);
    ck_assert_int_eq(fields(head, "\r\nCc:"), 0);
    ck_assert_int_eq(fields(head, "\r\nBcc:"), 0);
    ck_assert_int_eq(fields(head, "\r\nSubject:"), 1);
    struct dt_message *m = dt_test_parse_str(msg);
    ck_assert_uint_eq(m->n_to, 1);
    ck_assert_uint_eq(m->n_cc, 0);
    /* One clean line: the controls became spaces, the bidi override is gone. */
    ck_assert_str_eq(m->subject, "Your mail to Eve Bcc: all@corp.example [31m sounded euphoric");
    const char *t = m->text;
    ck_assert_contains(t, "Deal! Bcc: everyone@corp.example fake body\n");
    ck_assert_contains(
        t, "\xe2\x80\x9cwow Cc: x@corp.example\xe2\x80\x9d, \xe2\x80\x9cgreat\xe2\x80\x9d");
    ck_assert_lacks(t, "\xe2\x80\xae");
    ck_assert_lacks(t, "\xe2\x81\xa6");
    ck_assert_lacks(t, "\xe2\x80\x8b");
    ck_assert_lacks(t, "\x1b");
    ck_assert_lacks(t, "\x07");
    dt_message_free(m);
    free(head);
    free(msg);

    /* A name that would make a very long subject is cut ("…"); an encoded-word stays text. */
    n.counterpart_name = long_name;
    n.subject = "=?UTF-8?B?QmNjOiBldmU=?=";
    msg = render(CONF "nudge-full.conf", &n, &head);
    lines_ok(msg);
    m = dt_test_parse_str(msg);
    ck_assert_uint_lt(strlen(m->subject), 100);
    ck_assert_contains(m->subject, "xxx\xe2\x80\xa6 sounded euphoric");
    ck_assert_contains(m->text, "=?UTF-8?B?QmNjOiBldmU=?=");
    dt_message_free(m);
    free(head);
    free(msg);

    /* A rep address that could open another header is refused, not rewritten. */
    struct dt_config *cfg = dt_test_config(CONF "nudge-full.conf");
    struct dt_buf out = DT_BUF_INIT;
    struct dt_error err = {{0}};
    n.rep = "ann@corp.example\r\nBcc: all@corp.example";
    ck_assert_int_eq(dt_nudge_render(&n, cfg, &out, &err), -1);
    ck_assert_ptr_null(out.data);
    ck_assert_contains(err.msg, "is not a plain address");
    dt_config_unref(cfg);
}
END_TEST

/* The note comes back through the MTA that runs the milter: it must never be scored. */
START_TEST(the_note_itself_is_never_scored)
{
    struct dt_nudge n = sarah;
    n.phrases = "AMAZING, INCREDIBLE, can't wait, game-changer, best ever";
    n.subject = "AMAZING!!! Can't wait!!! \xf0\x9f\x9a\x80";
    char *head, *msg = render(CONF "nudge-full.conf", &n, &head);
    struct dt_config *cfg = dt_test_config(CONF "nudge-full.conf");
    /* Even sent by a listed rep to an outside address: ignored as automatic mail. */
    const char *rcpt[] = {"bob@customer.example"};
    struct dt_envelope env = {"ann@corp.example", rcpt, 1};
    struct dt_facts f;
    struct dt_error err = {{0}};
    ck_assert_int_eq(dt_analyze(cfg, msg, strlen(msg), &env, 0, &f, &err), 0);
    ck_assert_int_eq(f.direction, DT_DIR_IGNORED);
    ck_assert_str_eq(f.why, "Auto-Submitted");
    ck_assert(!f.scored);
    ck_assert(!dt_nudge_due(cfg, &f));
    dt_facts_clear(&f);
    dt_config_unref(cfg);
    free(head);
    free(msg);
}
END_TEST

START_TEST(every_digest_language_has_a_note)
{
    /* A language the digest learns must not leave the nudge in English by accident. */
    static const char *const codes[] = {"en", "nl", "de", "fr", "es", "it", "pt", "da",
                                        "sv", "nb", "no", "fi", "pl", "cs", "tr", "ja"};
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        char *v = strdup(codes[i]), why[256];
        if (dt_config_check_digest_language(&v, why, sizeof(why)) == 0)
            ck_assert_msg(dt_nudge_has_language(codes[i]), "digests speak '%s', nudges do not",
                          codes[i]);
        free(v);
    }
    ck_assert(dt_nudge_has_language("en"));
    ck_assert(dt_nudge_has_language("nl"));
    ck_assert(!dt_nudge_has_language("xx"));
    ck_assert(!dt_nudge_has_language(NULL));

    /* The language comes from the one function; one it has no text for gives English. */
    struct dt_config *cfg = dt_test_config(CONF "nudge-nl.conf");
    ck_assert_str_eq(dt_nudge_language(cfg, "ann@corp.example"), "nl");
    char *saved = cfg->digest_language;
    cfg->digest_language = "xx";
    struct dt_buf out = DT_BUF_INIT;
    struct dt_error err = {{0}};
    struct dt_nudge n = sarah;
    ck_assert_int_eq(dt_nudge_render(&n, cfg, &out, &err), 0);
    ck_assert_contains(out.data, "Subject: Your mail to Sarah Mitchell sounded euphoric\r\n");
    cfg->digest_language = saved;
    dt_buf_free(&out);
    dt_config_unref(cfg);
}
END_TEST

/* ---- the queue ---- */

/* A stand-in for dt_digest_send_cancel, steered by the test. */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int entered, calls;
    bool release; /* let a blocked send return */
    bool block;   /* block until release (or cancel, if heed_cancel) */
    bool heed_cancel;
    int fail;          /* the next sends fail */
    char rcpt[8][128]; /* who each call was for */
    char subject[8][160];
} fake = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

static void fake_reset(bool block, bool heed_cancel)
{
    pthread_mutex_lock(&fake.lock);
    fake.entered = fake.calls = fake.fail = 0;
    fake.release = false;
    fake.block = block;
    fake.heed_cancel = heed_cancel;
    memset(fake.rcpt, 0, sizeof(fake.rcpt));
    memset(fake.subject, 0, sizeof(fake.subject));
    pthread_mutex_unlock(&fake.lock);
}

static long ms_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int fake_send(const struct dt_config *cfg, const char *rcpt, const char *msg, size_t len,
                     const atomic_bool *cancel, struct dt_error *err)
{
    (void)cfg;
    (void)len;
    pthread_mutex_lock(&fake.lock);
    int k = fake.calls++;
    if (k < 8) {
        snprintf(fake.rcpt[k], sizeof(fake.rcpt[k]), "%s", rcpt);
        const char *s = strstr(msg, "\r\nSubject: ");
        if (s)
            snprintf(fake.subject[k], sizeof(fake.subject[k]), "%.*s", (int)strcspn(s + 11, "\r\n"),
                     s + 11);
    }
    fake.entered++;
    pthread_cond_broadcast(&fake.cond);
    /* Bounded: a test that forgets to release fails instead of hanging. */
    long until = ms_now() + 10000;
    bool cancelled = false;
    while (fake.block && !fake.release && ms_now() < until) {
        if (fake.heed_cancel && atomic_load(cancel)) {
            cancelled = true;
            break;
        }
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 20 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&fake.cond, &fake.lock, &ts);
    }
    bool fail = fake.fail > 0;
    if (fail)
        fake.fail--;
    pthread_mutex_unlock(&fake.lock);
    if (cancelled)
        return dt_error_set(err, "sendmail cancelled (killed)");
    return fail ? dt_error_set(err, "sendmail exited 75 (temporary failure)") : 0;
}

/* Wait (bounded) until the fake has been entered n times. */
static void wait_entered(int n)
{
    long until = ms_now() + 5000;
    pthread_mutex_lock(&fake.lock);
    while (fake.entered < n && ms_now() < until) {
        pthread_mutex_unlock(&fake.lock);
        struct timespec ts = {0, 5 * 1000000L};
        nanosleep(&ts, NULL);
        pthread_mutex_lock(&fake.lock);
    }
    int got = fake.entered;
    pthread_mutex_unlock(&fake.lock);
    ck_assert_int_ge(got, n);
}

static void fake_release(void)
{
    pthread_mutex_lock(&fake.lock);
    fake.release = true;
    pthread_cond_broadcast(&fake.cond);
    pthread_mutex_unlock(&fake.lock);
}

static struct dt_nudge for_rep(const char *rep)
{
    struct dt_nudge n = sarah;
    n.rep = rep;
    n.sent_at = dt_test_utc(2026, 11, 20, 13, 32, 0);
    return n;
}

START_TEST(queue_drops_when_full)
{
    struct dt_config *cfg = dt_test_config(CONF "nudge-full.conf");
    struct dt_nudger *q;
    struct dt_error err = {{0}};
    fake_reset(true, false);
    ck_assert_int_eq(dt_nudger_start(2, fake_send, &q, &err), 0);
    static const char *const reps[] = {"r0@corp.example", "r1@corp.example", "r2@corp.example",
                                       "r3@corp.example", "r4@corp.example"};
    struct dt_nudge n = for_rep(reps[0]);
    ck_assert_int_eq(dt_nudger_offer(q, cfg, "Q0", &n, 100), DT_NUDGE_QUEUED);
    wait_entered(1); /* the worker holds r0: the queue is empty again, and stuck */
    enum dt_nudge_fate want[] = {DT_NUDGE_QUEUED, DT_NUDGE_QUEUED, DT_NUDGE_DROPPED,
                                 DT_NUDGE_DROPPED};
    for (int i = 1; i < 5; i++) {
        n = for_rep(reps[i]);
        ck_assert_int_eq(dt_nudger_offer(q, cfg, "Q", &n, 100), want[i - 1]);
    }
    struct dt_nudge_counters c;
    dt_nudger_counters(q, &c);
    ck_assert_uint_eq(c.dropped, 2);
    ck_assert_uint_eq(c.sent, 0);
    fake_release();
    wait_entered(3); /* r2 taken: the queue is empty */
    /* A dropped rep is not charged an interval: a later offer goes through. */
    n = for_rep(reps[3]);
    ck_assert_int_eq(dt_nudger_offer(q, cfg, "Q", &n, 101), DT_NUDGE_QUEUED);
    ck_assert(dt_nudger_stop(q, 5000, &c));
    ck_assert_uint_eq(c.sent, 4);
    ck_assert_uint_eq(c.failed, 0);
    ck_assert_uint_eq(c.dropped, 2);
    ck_assert_uint_eq(c.limited, 0);
    ck_assert_str_eq(fake.rcpt[0], "r0@corp.example");
    ck_assert_str_eq(fake.rcpt[1], "r1@corp.example");
    ck_assert_str_eq(fake.rcpt[2], "r2@corp.example");
    ck_assert_str_eq(fake.rcpt[3], "r3@corp.example");
    ck_assert_str_eq(fake.subject[0], "Your mail to Sarah Mitchell sounded euphoric");
    dt_config_unref(cfg);
}
END_TEST

START_TEST(queue_limits_each_rep_and_counts_failures)
{
    struct dt_config *cfg = dt_test_config(CONF "nudge-full.conf"); /* interval 90m */
    struct dt_nudger *q;
    struct dt_error err = {{0}};
    fake_reset(false, false);
    fake.fail = 1; /* the first delivery fails */
    ck_assert_int_eq(dt_nudger_start(DT_NUDGE_QUEUE_MAX, fake_send, &q, &err), 0);
    struct dt_nudge ann = for_rep("ann@corp.example"), bram = for_rep("bram@sales.corp.example");
    ck_assert_int_eq(dt_nudger_offer(q, cfg, "Q1", &ann, 1000), DT_NUDGE_QUEUED);
    ck_assert_int_eq(dt_nudger_offer(q, cfg, "Q2", &ann, 1001), DT_NUDGE_LIMITED);
    ck_assert_int_eq(dt_nudger_offer(q, cfg, "Q3", &bram, 1002), DT_NUDGE_QUEUED);
    ck_assert_int_eq(dt_nudger_offer(q, cfg, "Q4", &ann, 1000 + 5399), DT_NUDGE_LIMITED);
    /* A failed delivery still began ann's interval: a broken sendmail is not hammered. */
    ck_assert_int_eq(dt_nudger_offer(q, cfg, "Q5", &ann, 1000 + 5400), DT_NUDGE_QUEUED);
    ck_assert_int_eq(dt_nudger_offer(NULL, cfg, "Q6", &ann, 1000), DT_NUDGE_DROPPED);
    struct dt_nudge_counters c;
    ck_assert(dt_nudger_stop(q, 5000, &c));
    ck_assert_uint_eq(c.sent, 2);
    ck_assert_uint_eq(c.failed, 1);
    ck_assert_uint_eq(c.limited, 2);
    ck_assert_uint_eq(c.dropped, 0);
    ck_assert_int_eq(fake.calls, 3);
    ck_assert_str_eq(fake.rcpt[1], "bram@sales.corp.example");
    ck_assert_str_eq(dt_nudge_fate_name(DT_NUDGE_LIMITED), "limited");
    dt_config_unref(cfg);
}
END_TEST

START_TEST(stop_cancels_a_stuck_delivery_in_time)
{
    struct dt_config *cfg = dt_test_config(CONF "nudge-full.conf");
    struct dt_nudger *q;
    struct dt_error err = {{0}};
    fake_reset(true, true); /* blocks until cancelled, like a hanging sendmail */
    ck_assert_int_eq(dt_nudger_start(4, fake_send, &q, &err), 0);
    struct dt_nudge a = for_rep("ann@corp.example"), b = for_rep("bram@sales.corp.example");
    ck_assert_int_eq(dt_nudger_offer(q, cfg, "Q1", &a, 0), DT_NUDGE_QUEUED);
    wait_entered(1);
    ck_assert_int_eq(dt_nudger_offer(q, cfg, "Q2", &b, 0), DT_NUDGE_QUEUED);
    long t0 = ms_now();
    struct dt_nudge_counters c;
    ck_assert(dt_nudger_stop(q, 200, &c));
    long took = ms_now() - t0;
    ck_assert_msg(took >= 150 && took < 1500, "stop took %ld ms", took);
    ck_assert_uint_eq(c.failed, 1);  /* the cancelled one */
    ck_assert_uint_eq(c.dropped, 1); /* the one still queued */
    ck_assert_uint_eq(c.sent, 0);
    ck_assert_int_eq(fake.calls, 1);
    dt_config_unref(cfg);
}
END_TEST

/* Reachable, so that a leak checker does not count the nudger left behind. */
static struct dt_nudger *left_behind;

START_TEST(stop_does_not_wait_for_a_delivery_that_ignores_cancel)
{
    struct dt_config *cfg = dt_test_config(CONF "nudge-full.conf");
    struct dt_error err = {{0}};
    fake_reset(true, false); /* like an SMTP step: deaf to the flag */
    ck_assert_int_eq(dt_nudger_start(4, fake_send, &left_behind, &err), 0);
    struct dt_nudge a = for_rep("ann@corp.example");
    ck_assert_int_eq(dt_nudger_offer(left_behind, cfg, "Q1", &a, 0), DT_NUDGE_QUEUED);
    wait_entered(1);
    long t0 = ms_now();
    ck_assert(!dt_nudger_stop(left_behind, 100, NULL));
    long took = ms_now() - t0;
    ck_assert_msg(took >= 1000 && took < 2500, "stop took %ld ms", took);
    fake_release();
    dt_config_unref(cfg);
}
END_TEST

/* ---- configuration ---- */

START_TEST(config_defaults_and_values)
{
    struct dt_config *cfg = dt_test_config(CONF "minimal.conf");
    ck_assert_uint_eq(cfg->n_nudge_reps, 0);
    ck_assert_ptr_nonnull(cfg->nudge_reps);
    ck_assert_ptr_null(cfg->nudge_reps[0]);
    ck_assert_int_eq(cfg->nudge_interval, 3600);
    dt_config_unref(cfg);

    cfg = dt_test_config(CONF "nudge-full.conf");
    ck_assert_uint_eq(cfg->n_nudge_reps, 2);
    ck_assert_str_eq(cfg->nudge_reps[0], "ann@corp.example"); /* lower-cased */
    ck_assert_str_eq(cfg->nudge_reps[1], "@sales.corp.example");
    ck_assert_ptr_null(cfg->nudge_reps[2]);
    ck_assert_int_eq(cfg->nudge_interval, 90 * 60);
    dt_config_unref(cfg);

    /* The sample documents the group with its defaults: off, one hour. */
    cfg = dt_test_config("conf/dealtemp.conf");
    ck_assert_uint_eq(cfg->n_nudge_reps, 0);
    ck_assert_int_eq(cfg->nudge_interval, 3600);
    dt_config_unref(cfg);
    size_t len;
    char *sample = dt_test_slurp("conf/dealtemp.conf", &len);
    ck_assert_contains(sample, "\nnudge = {\n");
    ck_assert_contains(sample, "    # interval = \"1h\";\n");
    ck_assert_contains(sample, "    # reps = [ ];\n");
    free(sample);
}
END_TEST

static void expect_error(const char *name, const char *want)
{
    char path[256], full[512];
    snprintf(path, sizeof(path), CONF "%s", name);
    snprintf(full, sizeof(full), CONF "%s", want);
    dt_test_config_error(path, full);
}

START_TEST(config_bad_files)
{
    expect_error("nudge-bad-rep.conf", "nudge-bad-rep.conf:3: nudge.reps: 'ann' is not an address "
                                       "(ann@corp.example) or a domain (@sales.corp.example)");
    expect_error("nudge-rep-external.conf",
                 "nudge-rep-external.conf:4: nudge.reps: 'bob@customer.example' is not in "
                 "internal_domains");
    expect_error("nudge-rep-twice.conf",
                 "nudge-rep-twice.conf:3: nudge.reps: 'ann@corp.example' is listed twice");
    expect_error(
        "nudge-reps-string.conf",
        "nudge-reps-string.conf:3: nudge.reps: expected a list of strings ([\"...\", ...])");
    expect_error("nudge-bad-interval.conf",
                 "nudge-bad-interval.conf:3: nudge.interval: '1 hour' is not a duration (90s, 45m, "
                 "36h, 3d, 2w or a whole number of seconds)");
    expect_error("nudge-zero-interval.conf",
                 "nudge-zero-interval.conf:3: nudge.interval: must be greater than 0 and at most "
                 "3650d");
    expect_error("nudge-unknown-key.conf", "nudge-unknown-key.conf:3: unknown key "
                                           "'nudge.intervall' (did you mean 'nudge.interval'?)");
    expect_error("nudge-not-group.conf",
                 "nudge-not-group.conf:2: nudge: expected a group ({ ... })");
}
END_TEST

static Suite *nudge_suite(void)
{
    Suite *s = suite_create("nudge");
    TCase *tc = tcase_create("limiter");
    tcase_add_test(tc, limiter_table);
    tcase_add_test(tc, limiter_full_forgets_the_right_one);
    tcase_add_test(tc, due_for_listed_reps_and_domains_only);
    tcase_add_test(tc, due_follows_the_configured_threshold);
    suite_add_tcase(s, tc);

    tc = tcase_create("note");
    tcase_add_test(tc, note_in_english);
    tcase_add_test(tc, note_in_dutch);
    tcase_add_test(tc, hostile_names_subjects_and_phrases_are_cleaned);
    tcase_add_test(tc, the_note_itself_is_never_scored);
    tcase_add_test(tc, every_digest_language_has_a_note);
    suite_add_tcase(s, tc);

    tc = tcase_create("queue");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, queue_drops_when_full);
    tcase_add_test(tc, queue_limits_each_rep_and_counts_failures);
    tcase_add_test(tc, stop_cancels_a_stuck_delivery_in_time);
    tcase_add_test(tc, stop_does_not_wait_for_a_delivery_that_ignores_cancel);
    suite_add_tcase(s, tc);

    tc = tcase_create("config");
    tcase_add_test(tc, config_defaults_and_values);
    tcase_add_test(tc, config_bad_files);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_test_run(nudge_suite());
}
