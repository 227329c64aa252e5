/*
 * check_rawhdr.c - the header block the milter rebuilds from fields that
 * arrive one at a time (rawhdr.c), read back by dt_mime_parse() and
 * dt_analyze(): a value cut at 16 KB right after a folding line break, line
 * breaks a value should not hold, 300 KB of padding before the From, field
 * names that are not names, floods of the fields that are read. In every
 * case the header ends where the sender's header ended, and the message is
 * classified from its envelope and the fields that classify it.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dealtemp/analyze.h"
#include "dealtemp/rawhdr.h"
#include "testutil.h"

static struct dt_config *cfg; /* corp.example internal, every @corp.example a rep */

static void setup(void)
{
    cfg = dt_test_config("tests/data/conf/analyze.conf");
}

static void teardown(void)
{
    dt_config_unref(cfg);
}

/* A message being collected, as milter.c holds it. */
struct coll {
    struct dt_buf raw;
    struct dt_rawhdr h;
};

static void coll_init(struct coll *c)
{
    c->raw = (struct dt_buf)DT_BUF_INIT;
    c->h = (struct dt_rawhdr){0};
}

static void add(struct coll *c, const char *name, const char *value)
{
    dt_rawhdr_add(&c->h, &c->raw, name, value);
    ck_assert(!dt_buf_failed(&c->raw));
}

/* End of header, then the body: what the milter hands dt_analyze(). */
static void finish(struct coll *c, const char *body)
{
    dt_buf_append(&c->raw, "\r\n", 2);
    dt_buf_puts(&c->raw, body);
    ck_assert(!dt_buf_failed(&c->raw));
}

/* n fields "X-Pad-i: pppp..." of about size bytes each. */
static void pad(struct coll *c, size_t n, size_t size)
{
    char *v = malloc(size + 1);
    ck_assert_ptr_nonnull(v);
    memset(v, 'p', size);
    v[size] = '\0';
    for (size_t i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof(name), "X-Pad-%zu", i);
        add(c, name, v);
    }
    free(v);
}

/* A value of exactly DT_RAWHDR_VALUE_MAX bytes whose last is a folding LF, then more. */
static char *cut_after_folding(void)
{
    const char *more = "\tthe rest of the folded value";
    size_t n = DT_RAWHDR_VALUE_MAX;
    char *v = malloc(n + strlen(more) + 1);
    ck_assert_ptr_nonnull(v);
    memset(v, 'x', n - 1);
    v[n - 1] = '\n';
    strcpy(v + n, more);
    return v;
}

static const char *const EUPHORIC =
    "Hi Sam,\r\n\r\nAMAZING call today!!! We are SO excited, this is an absolute "
    "game-changer, the best meeting all year, fantastic energy!!! Can't wait \xf0\x9f\x9a\x80\r\n"
    "\r\nAlex\r\n";

/* The rep's outbound mail sent through an external mailing service: only From makes it outbound. */
static void outbound_fields(struct coll *c)
{
    add(c, "From", "Alex Rep <rep@corp.example>");
    add(c, "To", "Sam Buyer <sam@customer.example>");
    add(c, "Subject", "Great call today!!!");
    add(c, "Message-ID", "<out-1@corp.example>");
    add(c, "Content-Type", "text/plain; charset=utf-8");
}

static void analyze(struct coll *c, const char *mail_from, const char *rcpt, struct dt_facts *f)
{
    const char *rcpts[1] = {rcpt};
    struct dt_envelope env = {mail_from, rcpts, 1};
    struct dt_error err = {""};
    int rc = dt_analyze(cfg, c->raw.data, c->raw.len, &env, 0, f, &err);
    ck_assert_msg(rc == 0, "dt_analyze: %s", err.msg);
}

/* 16 KB of value ending in a folding LF must not end the header (it rebuilt "\r\n\r\n"). */
START_TEST(value_cut_after_folding_lf)
{
    struct coll c;
    struct dt_facts f;
    coll_init(&c);
    char *v = cut_after_folding();
    add(&c, "X-Long", v);
    free(v);
    outbound_fields(&c);
    size_t header_len = c.raw.len;
    finish(&c, EUPHORIC);
    ck_assert_uint_eq(c.h.cut, 1);
    /* The first empty line is the one written after the last field. */
    ck_assert_ptr_eq(strstr(c.raw.data, "\n\r\n"), c.raw.data + header_len - 1);
    analyze(&c, "bounce-17@mailer.example", "sam@customer.example", &f);
    ck_assert_str_eq(dt_direction_name(f.direction), "outbound");
    ck_assert_str_eq(f.msg->from, "rep@corp.example");
    ck_assert_str_eq(f.msg->subject, "Great call today!!!");
    ck_assert_int_eq(f.score.level, DT_LEVEL_EUPHORIC);
    dt_facts_clear(&f);
    dt_buf_free(&c.raw);
}
END_TEST

/* 300 KB of padding before the From: the fields that are read are kept, the padding's excess left
 * out. */
START_TEST(from_after_padding_outbound)
{
    struct coll c;
    struct dt_facts f;
    coll_init(&c);
    pad(&c, 300, 1000);
    outbound_fields(&c);
    finish(&c, EUPHORIC);
    ck_assert_uint_gt(c.h.dropped, 0);
    ck_assert_uint_le(c.raw.len, DT_RAWHDR_OTHER_MAX + 4096);
    analyze(&c, "bounce-17@mailer.example", "sam@customer.example", &f);
    ck_assert_str_eq(dt_direction_name(f.direction), "outbound");
    ck_assert_str_eq(f.rep, "rep@corp.example");
    ck_assert_str_eq(f.counterpart, "sam@customer.example");
    ck_assert_str_eq(f.msg->message_id, "out-1@corp.example");
    dt_facts_clear(&f);
    dt_buf_free(&c.raw);
}
END_TEST

/* A customer's reply after padding: its From (the counterpart) and thread fields still count. */
START_TEST(reply_after_padding_inbound)
{
    struct coll c;
    struct dt_facts f;
    coll_init(&c);
    pad(&c, 300, 1000);
    char *v = cut_after_folding();
    add(&c, "X-Long", v);
    free(v);
    add(&c, "From", "Sam Buyer <sam@customer.example>");
    add(&c, "To", "rep@corp.example");
    add(&c, "Subject", "Re: Great call today!!!");
    add(&c, "In-Reply-To", "<out-1@corp.example>");
    add(&c, "References", "<out-1@corp.example>");
    add(&c, "Message-ID", "<in-1@customer.example>");
    finish(&c, "Sounds good, talk soon.\r\n");
    analyze(&c, "srs0=x=customer.example@forwarder.example", "rep@corp.example", &f);
    ck_assert_str_eq(dt_direction_name(f.direction), "inbound");
    ck_assert_str_eq(f.counterpart, "sam@customer.example"); /* From, not the envelope */
    ck_assert_str_eq(f.msg->in_reply_to, "out-1@corp.example");
    ck_assert_uint_eq(f.msg->n_references, 1);
    dt_facts_clear(&f);
    dt_buf_free(&c.raw);
}
END_TEST

/* List-Id after padding still makes the mail bulk: padding cannot hide it. */
START_TEST(list_id_after_padding_ignored)
{
    struct coll c;
    struct dt_facts f;
    coll_init(&c);
    pad(&c, 400, 1000);
    outbound_fields(&c);
    add(&c, "List-Id", "<news.corp.example>");
    add(&c, "Precedence", "bulk");
    finish(&c, EUPHORIC);
    analyze(&c, "rep@corp.example", "sam@customer.example", &f);
    ck_assert_str_eq(dt_direction_name(f.direction), "ignored");
    ck_assert_str_eq(f.why, "List-Id");
    dt_facts_clear(&f);
    dt_buf_free(&c.raw);
}
END_TEST

/* Line breaks a value should not hold: none may end the field or the header. */
static const struct {
    const char *value, *subject;
} breaks[] = {
    {"Hello\n\tworld", "Hello world"},  /* folding, as Postfix sends it */
    {"Hello\r\n world", "Hello world"}, /* folding with CRLF */
    {"Hello\nFrom: evil@attacker.example", "Hello From: evil@attacker.example"},
    {"Hello\n\nbody?", "Hello  body?"}, /* an empty line inside a value */
    {"Hello\r\rworld", "Hello  world"}, /* bare CRs */
    {"Hello\n", "Hello"},               /* trailing break */
    {"Hello\n\t\n\t", "Hello"},         /* trailing folding */
    {"\n\tHello", "Hello"},             /* leading folding */
    {"\n\n\n", ""},
};

START_TEST(line_breaks_in_values)
{
    struct coll c;
    coll_init(&c);
    add(&c, "Subject", breaks[_i].value);
    add(&c, "From", "rep@corp.example");
    finish(&c, "The body.\r\n");
    struct dt_message *m = dt_test_parse_mem(c.raw.data, c.raw.len);
    ck_assert_str_eq(m->subject, breaks[_i].subject);
    ck_assert_str_eq(m->from, "rep@corp.example");
    ck_assert_str_eq(m->text, "The body.\n");
    dt_message_free(m);
    dt_buf_free(&c.raw);
}
END_TEST

/* A name the parser would not read as a field name is left out, or it would start the body. */
START_TEST(bad_field_names_left_out)
{
    static const char *const bad[] = {"", "X Bad", "X-Bad:", "X-\x7f", "X-\xc3\xa9", "X\tTab"};
    struct coll c;
    coll_init(&c);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        add(&c, bad[i], "value");
    add(&c, "From", "rep@corp.example");
    finish(&c, "The body.\r\n");
    ck_assert_uint_eq(c.h.dropped, sizeof(bad) / sizeof(bad[0]));
    struct dt_message *m = dt_test_parse_mem(c.raw.data, c.raw.len);
    ck_assert_str_eq(m->from, "rep@corp.example");
    ck_assert_str_eq(m->text, "The body.\n");
    ck_assert_str_eq(m->warning, "");
    dt_message_free(m);
    dt_buf_free(&c.raw);
}
END_TEST

/* Fields that are read, flooded: only their first occurrences are beyond the budget. */
START_TEST(flood_of_read_fields_bounded)
{
    struct coll c;
    coll_init(&c);
    char *v = malloc(DT_RAWHDR_VALUE_MAX * 2);
    ck_assert_ptr_nonnull(v);
    memset(v, 'r', DT_RAWHDR_VALUE_MAX * 2 - 1);
    v[DT_RAWHDR_VALUE_MAX * 2 - 1] = '\0';
    add(&c, "From", "first@corp.example");
    for (int i = 0; i < 2000; i++) {
        add(&c, "Received", v);
        add(&c, "From", "later@corp.example");
        add(&c, "to", v);
    }
    finish(&c, "x\r\n");
    free(v);
    /* Every value cut at 16 KB; the budget holds the repeats; the first of each kept. */
    ck_assert_uint_le(c.raw.len, DT_RAWHDR_OTHER_MAX + DT_MIME_FIELDS * (DT_RAWHDR_VALUE_MAX + 64));
    ck_assert_uint_gt(c.h.dropped, 5000);
    struct dt_message *m = dt_test_parse_mem(c.raw.data, c.raw.len);
    ck_assert_str_eq(m->from, "first@corp.example");
    dt_message_free(m);
    dt_buf_free(&c.raw);
}
END_TEST

/*
 * Random values of letters, colons, white space, CR and LF, the read
 * fields among random padding, beyond the budget: whatever their mix, the
 * rebuilt header is read back with its From and To, and the body after it.
 */
START_TEST(random_values_keep_the_boundary)
{
    static const char alphabet[] = "ab: \t\r\n\n\n";
    unsigned seed = 16;
    char v[2048];
    for (int round = 0; round < 200; round++) {
        struct coll c;
        coll_init(&c);
        int fields = 1 + rand_r(&seed) % 400;
        int from_at = rand_r(&seed) % fields;
        for (int i = 0; i < fields; i++) {
            size_t n = (size_t)(rand_r(&seed) % (int)sizeof(v));
            for (size_t k = 0; k < n; k++)
                v[k] = alphabet[rand_r(&seed) % (int)(sizeof(alphabet) - 1)];
            v[n] = '\0';
            add(&c, i % 2 ? "X-Random" : "Subject", v);
            if (i == from_at) {
                add(&c, "From", "rep@corp.example");
                add(&c, "To", "sam@customer.example");
            }
        }
        finish(&c, "The body.\r\n");
        struct dt_message *m = dt_test_parse_mem(c.raw.data, c.raw.len);
        ck_assert_msg(m->from != NULL && strcmp(m->from, "rep@corp.example") == 0,
                      "round %d: From lost", round);
        ck_assert_uint_eq(m->n_to, 1);
        ck_assert_msg(strcmp(m->text, "The body.\n") == 0, "round %d: body \"%s\"", round, m->text);
        dt_message_free(m);
        dt_buf_free(&c.raw);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rawhdr");
    TCase *tc = tcase_create("analyze");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, value_cut_after_folding_lf);
    tcase_add_test(tc, from_after_padding_outbound);
    tcase_add_test(tc, reply_after_padding_inbound);
    tcase_add_test(tc, list_id_after_padding_ignored);
    suite_add_tcase(s, tc);

    tc = tcase_create("rebuild");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, line_breaks_in_values, 0, sizeof(breaks) / sizeof(breaks[0]));
    tcase_add_test(tc, bad_field_names_left_out);
    tcase_add_test(tc, flood_of_read_fields_bounded);
    tcase_add_test(tc, random_values_keep_the_boundary);
    suite_add_tcase(s, tc);
    return dt_test_run(s);
}
