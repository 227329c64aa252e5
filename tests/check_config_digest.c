/*
 * check_config_digest.c - the digest group of the configuration: from,
 * sendmail, smtp, send_empty, language, languages and managers. Their
 * defaults (and
 * that the sample documents them, its examples included), every key set,
 * every kind of bad value with its exact one-line message, and the forms
 * of addresses, command lines and host:port the checks accept.
 *
 * Runs from the top of the tree: fixtures are tests/data/conf/digest-*.conf.
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dealtemp/config.h"

#include "../milter/config_int.h"
#include "testutil.h"

#define CONF "tests/data/conf/"

/* Loading CONF name must fail with exactly CONF want. */
static void expect_error(const char *name, const char *want)
{
    char path[256], full[512];
    snprintf(path, sizeof(path), CONF "%s", name);
    snprintf(full, sizeof(full), CONF "%s", want);
    dt_test_config_error(path, full);
}

/* Run a check on a copy of in: its verdict, and the value or reason in out. */
static int check(dt_config_check_fn *fn, const char *in, char *out, size_t size)
{
    char *v = strdup(in), why[256] = "";
    ck_assert_ptr_nonnull(v);
    int rc = fn(&v, why, sizeof(why));
    snprintf(out, size, "%s", rc == 0 ? v : why);
    free(v);
    return rc;
}

static void accepts(dt_config_check_fn *fn, const char *in, const char *want)
{
    char out[320];
    ck_assert_msg(check(fn, in, out, sizeof(out)) == 0, "'%s' refused: %s", in, out);
    ck_assert_str_eq(out, want);
}

static void refuses(dt_config_check_fn *fn, const char *in, const char *want)
{
    char out[320];
    ck_assert_msg(check(fn, in, out, sizeof(out)) == -1, "'%s' accepted", in);
    ck_assert_str_eq(out, want);
}

/* ---- defaults and values ---- */

START_TEST(defaults)
{
    struct dt_config *cfg = dt_test_config(CONF "minimal.conf");
    ck_assert_str_eq(cfg->digest_from, "dealtemp@corp.example");
    ck_assert_str_eq(cfg->digest_sendmail, "/usr/sbin/sendmail -t -i");
    ck_assert_ptr_null(cfg->digest_smtp);
    ck_assert(!cfg->digest_send_empty);
    ck_assert_str_eq(cfg->digest_language, "en");
    ck_assert_uint_eq(cfg->n_managers, 0);
    ck_assert_ptr_null(cfg->managers);
    ck_assert_uint_eq(cfg->n_digest_languages, 0);
    ck_assert_ptr_null(cfg->digest_languages);
    dt_config_unref(cfg);

    /* the first internal domain, as loaded: lower-cased, without its '@' */
    cfg = dt_test_config(CONF "digest-domains.conf");
    ck_assert_str_eq(cfg->digest_from, "dealtemp@sales.corp.example");
    dt_config_unref(cfg);

    /* an empty list of managers is no managers */
    cfg = dt_test_config(CONF "digest-managers-empty.conf");
    ck_assert_uint_eq(cfg->n_managers, 0);
    dt_config_unref(cfg);
}
END_TEST

START_TEST(every_key_set)
{
    struct dt_config *cfg = dt_test_config(CONF "digest-full.conf");
    ck_assert_str_eq(cfg->digest_from, "Deal.Digest+daily@Corp.Example"); /* as written */
    ck_assert_str_eq(cfg->digest_sendmail, "/usr/lib/sendmail -oi -t");
    ck_assert_str_eq(cfg->digest_smtp, "[::1]:2525");
    ck_assert(cfg->digest_send_empty);
    ck_assert_str_eq(cfg->digest_language, "nl");
    ck_assert_uint_eq(cfg->n_managers, 2);
    const struct dt_digest_manager *m = &cfg->managers[0];
    ck_assert_str_eq(m->address, "boss@corp.example");
    ck_assert_uint_eq(m->n_reps, 2);
    ck_assert_str_eq(m->reps[0], "ann@corp.example"); /* lower-cased */
    ck_assert_str_eq(m->reps[1], "@sales.corp.example");
    ck_assert_ptr_null(m->reps[2]);
    ck_assert(!m->weekly_report); /* the default */
    m = &cfg->managers[1];        /* keys in any order */
    ck_assert_str_eq(m->address, "chief@other-corp.example");
    ck_assert_uint_eq(m->n_reps, 1);
    ck_assert_str_eq(m->reps[0], "@other-corp.example");
    ck_assert_ptr_null(m->reps[1]);
    ck_assert(m->weekly_report);
    /* languages: in file order, lower-cased, each with its line */
    ck_assert_uint_eq(cfg->n_digest_languages, 4);
    static const struct {
        const char *rep, *lang;
        unsigned line;
    } want[] = {{"jan@corp.example", "de", 18},
                {"@eu.corp.example", "de", 18},
                {"@other-corp.example", "fr", 19},
                {"chief@other-corp.example", "en", 20}};
    for (size_t i = 0; i < 4; i++) {
        ck_assert_str_eq(cfg->digest_languages[i].rep, want[i].rep);
        ck_assert_str_eq(cfg->digest_languages[i].language, want[i].lang);
        ck_assert_uint_eq(cfg->digest_languages[i].line, want[i].line);
    }
    dt_config_unref(cfg);
}
END_TEST

/*
 * Uncomment the sample's "# key = value;" lines (as check_config.c does),
 * or instead its indented "#   " example lines: the first must give the
 * defaults, the second the documented smtp and managers.
 */
static struct dt_config *load_sample(bool examples)
{
    char *in = dt_test_slurp("conf/dealtemp.conf", &(size_t){0});
    size_t cap = strlen(in) + 1, len = 0;
    char *out = malloc(cap);
    ck_assert_ptr_nonnull(out);
    for (const char *line = in; *line;) {
        const char *eol = strchr(line, '\n');
        size_t n = eol ? (size_t)(eol - line + 1) : strlen(line), ind = strspn(line, " ");
        const char *p = line + ind;
        size_t id = p[0] == '#' && p[1] == ' ' ? strspn(p + 2, "abcdefghijklmnopqrstuvwxyz_") : 0;
        bool key =
            id > 0 && strncmp(p + 2 + id, " = ", 3) == 0 && strncmp(p + 2, "lexicon_dir", 11);
        bool example = examples && ind > 0 && strncmp(p, "#   ", 4) == 0;
        memcpy(out + len, line, ind);
        len += ind;
        if (examples ? example : key) {
            p += 2;
            n -= 2;
        }
        memcpy(out + len, p, n - ind);
        len += n - ind;
        line += eol ? (size_t)(eol - line + 1) : strlen(line);
    }
    out[len] = '\0';
    free(in);

    char path[] = "/tmp/check_config_digest.XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, out, len), (ssize_t)len);
    close(fd);
    free(out);
    struct dt_config *cfg = NULL;
    struct dt_error err = {{0}};
    int rc = dt_config_load(path, dt_test_exe(), &cfg, &err);
    unlink(path); /* before any assertion can end the test */
    ck_assert_msg(rc == 0, "uncommented sample: %s", err.msg);
    return cfg;
}

START_TEST(sample_documents_defaults_and_examples)
{
    struct dt_config *a = dt_test_config("conf/dealtemp.conf"), *b = load_sample(false);
    ck_assert_str_eq(a->digest_from, "dealtemp@example.com");
    ck_assert_str_eq(a->digest_from, b->digest_from);
    ck_assert_str_eq(a->digest_sendmail, b->digest_sendmail);
    ck_assert_ptr_null(a->digest_smtp);
    ck_assert_ptr_null(b->digest_smtp);
    ck_assert_int_eq(a->digest_send_empty, b->digest_send_empty);
    ck_assert_str_eq(a->digest_language, b->digest_language);
    ck_assert_uint_eq(a->n_managers, 0);
    ck_assert_uint_eq(b->n_managers, 0);
    ck_assert_uint_eq(a->n_digest_languages, 0);
    ck_assert_uint_eq(b->n_digest_languages, 0); /* "languages = { };" */
    dt_config_unref(a);
    dt_config_unref(b);

    struct dt_config *c = load_sample(true);
    ck_assert_str_eq(c->digest_smtp, "127.0.0.1:25");
    ck_assert_uint_eq(c->n_managers, 1);
    ck_assert_str_eq(c->managers[0].address, "boss@example.com");
    ck_assert_uint_eq(c->managers[0].n_reps, 2);
    ck_assert_str_eq(c->managers[0].reps[0], "ann@example.com");
    ck_assert_str_eq(c->managers[0].reps[1], "@sales.example.com");
    ck_assert(c->managers[0].weekly_report);
    ck_assert_uint_eq(c->n_digest_languages, 3);
    ck_assert_str_eq(dt_config_digest_language_for(c, "piet@de.example.com"), "de");
    ck_assert_str_eq(dt_config_digest_language_for(c, "jan@example.com"), "de");
    ck_assert_str_eq(dt_config_digest_language_for(c, "marie@fr.example.com"), "fr");
    ck_assert_str_eq(dt_config_digest_language_for(c, "ann@example.com"), "en");
    dt_config_unref(c);
}
END_TEST

/* ---- bad files ---- */

START_TEST(bad_values)
{
    expect_error("digest-bad-from.conf",
                 "digest-bad-from.conf:3: digest.from: 'dealtemp' is not an address "
                 "(name@corp.example)");
    expect_error("digest-empty-sendmail.conf",
                 "digest-empty-sendmail.conf:3: digest.sendmail: must not be empty");
    expect_error("digest-bad-smtp.conf",
                 "digest-bad-smtp.conf:3: digest.smtp: 'mail.corp.example:0' is not host:port "
                 "(127.0.0.1:25, [::1]:25; port 1 to 65535)");
    expect_error("digest-bad-smtp-type.conf",
                 "digest-bad-smtp-type.conf:3: digest.smtp: expected a string");
    expect_error("digest-bad-send-empty.conf",
                 "digest-bad-send-empty.conf:3: digest.send_empty: expected true or false");
    expect_error("digest-bad-language.conf",
                 "digest-bad-language.conf:3: digest.language: 'es' is not one of en, nl, de, fr");
    expect_error("digest-unknown-key.conf", "digest-unknown-key.conf:3: unknown key 'digest.form' "
                                            "(did you mean 'digest.from'?)");
    expect_error("digest-not-group.conf",
                 "digest-not-group.conf:2: digest: expected a group ({ ... })");
}
END_TEST

#define MANAGERS_FORM "( { address = \"boss@corp.example\"; reps = [ \"ann@corp.example\" ]; } )"

START_TEST(bad_managers)
{
    expect_error("digest-managers-string.conf",
                 "digest-managers-string.conf:3: digest.managers: expected a list of managers "
                 "(" MANAGERS_FORM ")");
    /* the element's own line */
    expect_error("digest-managers-not-group.conf",
                 "digest-managers-not-group.conf:4: digest.managers: expected a list of managers "
                 "(" MANAGERS_FORM ")");
    expect_error("digest-manager-no-address.conf",
                 "digest-manager-no-address.conf:4: digest.managers: a manager needs an address");
    expect_error("digest-manager-address-type.conf",
                 "digest-manager-address-type.conf:4: digest.managers: address: expected a string");
    expect_error("digest-manager-bad-address.conf",
                 "digest-manager-bad-address.conf:4: digest.managers: address: 'boss' is not an "
                 "address (name@corp.example)");
    expect_error("digest-manager-unknown-key.conf",
                 "digest-manager-unknown-key.conf:5: digest.managers: unknown key 'rep' "
                 "(a manager has address, reps and weekly_report)");
    expect_error("digest-manager-bad-weekly.conf",
                 "digest-manager-bad-weekly.conf:5: digest.managers: weekly_report: expected true "
                 "or false");
    expect_error("digest-manager-twice.conf",
                 "digest-manager-twice.conf:5: digest.managers: 'Boss@Corp.Example' is listed "
                 "twice");
}
END_TEST

START_TEST(bad_manager_reps)
{
    expect_error("digest-manager-no-reps.conf",
                 "digest-manager-no-reps.conf:4: digest.managers: 'boss@corp.example' has no reps");
    expect_error("digest-manager-empty-reps.conf", "digest-manager-empty-reps.conf:5: "
                                                   "digest.managers: 'boss@corp.example' has no "
                                                   "reps");
    expect_error("digest-manager-reps-string.conf",
                 "digest-manager-reps-string.conf:5: digest.managers: reps: expected a list of "
                 "strings ([\"...\", ...])");
    expect_error("digest-manager-reps-type.conf",
                 "digest-manager-reps-type.conf:6: digest.managers: reps: expected a list of "
                 "strings ([\"...\", ...])");
    expect_error("digest-manager-bad-rep.conf",
                 "digest-manager-bad-rep.conf:5: digest.managers: reps: 'ann' is not an address "
                 "(ann@corp.example) or a domain (@sales.corp.example)");
    expect_error("digest-manager-rep-twice.conf",
                 "digest-manager-rep-twice.conf:6: digest.managers: reps: 'ann@corp.example' is "
                 "listed twice");
    expect_error("digest-manager-rep-external.conf",
                 "digest-manager-rep-external.conf:5: digest.managers: reps: "
                 "'bob@customer.example' is not in internal_domains");
}
END_TEST

START_TEST(bad_languages)
{
    expect_error("digest-languages-not-group.conf",
                 "digest-languages-not-group.conf:3: digest.languages: expected a group of "
                 "languages ({ de = [ \"@corp.de\", \"jan@corp.example\" ]; })");
    /* an unknown language lists the known ones, at its own line */
    expect_error("digest-languages-bad-language.conf",
                 "digest-languages-bad-language.conf:5: digest.languages: 'es' is not one of en, "
                 "nl, de, fr");
    /* listed twice: the second line, naming the first (case does not make it another) */
    expect_error("digest-languages-twice.conf",
                 "digest-languages-twice.conf:6: digest.languages: 'jan@corp.example' is listed "
                 "twice (as 'de' at line 4)");
    expect_error("digest-languages-twice-same.conf",
                 "digest-languages-twice-same.conf:5: digest.languages: '@corp.example' is listed "
                 "twice (as 'nl' at line 4)");
    expect_error("digest-languages-not-list.conf",
                 "digest-languages-not-list.conf:4: digest.languages: de: expected a list of "
                 "addresses ([ \"ann@corp.example\", \"@corp.example\" ])");
    expect_error("digest-languages-entry-type.conf",
                 "digest-languages-entry-type.conf:5: digest.languages: fr: expected a list of "
                 "addresses ([ \"ann@corp.example\", \"@corp.example\" ])");
    expect_error("digest-languages-bad-entry.conf",
                 "digest-languages-bad-entry.conf:4: digest.languages: fr: 'jan' is not an "
                 "address (ann@corp.example) or a domain (@sales.corp.example)");
    /* a manager outside internal_domains may be listed (line 5 loads); a customer may not */
    expect_error("digest-languages-external.conf",
                 "digest-languages-external.conf:6: digest.languages: de: 'bob@customer.example' "
                 "is neither in internal_domains nor a manager");
    /* check-config's suggestion for a misspelt key */
    expect_error("digest-languages-misspelt.conf",
                 "digest-languages-misspelt.conf:3: unknown key 'digest.langauges' (did you mean "
                 "'digest.languages'?)");
}
END_TEST

/* ---- the checks ---- */

START_TEST(address_forms)
{
    accepts(dt_config_check_address, "dealtemp@corp.example", "dealtemp@corp.example");
    accepts(dt_config_check_address, "First.Last+tag@Corp.Example", "First.Last+tag@Corp.Example");
    accepts(dt_config_check_address, "o'brien_2@mail.corp-1.example",
            "o'brien_2@mail.corp-1.example");
    const char *bad[] = {"dealtemp",
                         "@corp.example",
                         "dealtemp@",
                         "deal temp@corp.example",
                         "dealtemp@localhost",
                         "<dealtemp@corp.example>",
                         "a@b@corp.example",
                         "a,b@corp.example",
                         "dealtemp@corp..example",
                         "d\x01@corp.example",
                         "dealtemp@-corp.example",
                         ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char want[160];
        snprintf(want, sizeof(want), "'%s' is not an address (name@corp.example)", bad[i]);
        refuses(dt_config_check_address, bad[i], want);
    }
    /* a local part longer than 64 */
    char longer[128];
    memset(longer, 'a', 65);
    snprintf(longer + 65, sizeof(longer) - 65, "@corp.example");
    char out[320];
    ck_assert_int_eq(check(dt_config_check_address, longer, out, sizeof(out)), -1);
    longer[1] = '@';
    longer[2] = '\0';
    ck_assert_int_eq(check(dt_config_check_address, longer, out, sizeof(out)), -1);
}
END_TEST

START_TEST(command_forms)
{
    accepts(dt_config_check_command, "/usr/sbin/sendmail -t -i", "/usr/sbin/sendmail -t -i");
    accepts(dt_config_check_command, "msmtp -t", "msmtp -t");
    refuses(dt_config_check_command, "", "must not be empty");
    refuses(dt_config_check_command, "    ", "must not be empty");
    refuses(dt_config_check_command, "sendmail\t-t",
            "'sendmail\t-t' is not a command line (control characters)");
    refuses(dt_config_check_command, "sendmail -t\n",
            "'sendmail -t\n' is not a command line (control characters)");
}
END_TEST

START_TEST(hostport_forms)
{
    const char *good[] = {"127.0.0.1:25",         "localhost:1",       "mail.corp.example:587",
                          "[::1]:2525",           "[2001:db8::25]:25", "mx-1.corp.example:65535",
                          "[::ffff:127.0.0.1]:25"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        accepts(dt_config_check_hostport, good[i], good[i]);
    const char *bad[] = {
        "mail.corp.example", ":25",      "host:0",           "host:65536",   "host:",
        "host:25x",          "host:-25", "[::1:25",          "ho st:25",     "[]:25",
        "[zz::1]:25",        "::1:25",   "host:99999999999", "host_name:25", ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char want[200];
        snprintf(want, sizeof(want),
                 "'%s' is not host:port (127.0.0.1:25, [::1]:25; port 1 to 65535)", bad[i]);
        refuses(dt_config_check_hostport, bad[i], want);
    }
}
END_TEST

START_TEST(language_forms)
{
    accepts(dt_config_check_digest_language, "en", "en");
    accepts(dt_config_check_digest_language, "NL", "nl");
    accepts(dt_config_check_digest_language, "de", "de");
    accepts(dt_config_check_digest_language, "Fr", "fr");
    refuses(dt_config_check_digest_language, "es", "'es' is not one of en, nl, de, fr");
    refuses(dt_config_check_digest_language, "", "'' is not one of en, nl, de, fr");
    refuses(dt_config_check_digest_language, "english", "'english' is not one of en, nl, de, fr");
    refuses(dt_config_check_digest_language, "deu", "'deu' is not one of en, nl, de, fr");
}
END_TEST

/* How a manager's reps (and the top-level reps) match an address. */
START_TEST(address_lists_match_addresses_and_domains)
{
    char *list[] = {"ann@corp.example", "@sales.corp.example", NULL};
    ck_assert(dt_address_listed(list, 2, "ann@corp.example"));
    ck_assert(dt_address_listed(list, 2, "<Ann@Corp.Example>"));
    ck_assert(dt_address_listed(list, 2, "bram@sales.corp.example"));
    ck_assert(dt_address_listed(list, 2, "chloe@eu.sales.corp.example"));
    ck_assert(!dt_address_listed(list, 2, "dirk@corp.example"));
    ck_assert(!dt_address_listed(list, 2, "ann@corp.example.evil"));
    ck_assert(!dt_address_listed(list, 2, "eve@notsales.corp.example"));
    ck_assert(!dt_address_listed(list, 2, "no-at-sign"));
    ck_assert(!dt_address_listed(list, 2, NULL));
    ck_assert(!dt_address_listed(NULL, 0, "ann@corp.example"));
}
END_TEST

static Suite *config_digest_suite(void)
{
    Suite *s = suite_create("config_digest");
    TCase *tc = tcase_create("load");
    tcase_add_test(tc, defaults);
    tcase_add_test(tc, every_key_set);
    tcase_add_test(tc, sample_documents_defaults_and_examples);
    tcase_add_test(tc, bad_values);
    tcase_add_test(tc, bad_managers);
    tcase_add_test(tc, bad_manager_reps);
    tcase_add_test(tc, bad_languages);
    suite_add_tcase(s, tc);

    tc = tcase_create("checks");
    tcase_add_test(tc, address_forms);
    tcase_add_test(tc, command_forms);
    tcase_add_test(tc, hostport_forms);
    tcase_add_test(tc, language_forms);
    tcase_add_test(tc, address_lists_match_addresses_and_domains);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_test_run(config_digest_suite());
}
