/*
 * config_digest.c - the digest group of the configuration that is more
 * than a plain string or flag (see config_int.h): the language of the
 * digests and who gets which, the managers' roll-ups, and the default
 * sender, which depends on internal_domains.
 *
 * Public (to config.c): dt_config_check_digest_language(),
 * dt_config_parse_managers(), dt_config_parse_languages(),
 * dt_config_digest_defaults(), dt_config_digest_free().
 *
 *   managers = ( { address = "boss@corp.example";
 *                  reps = [ "ann@corp.example", "@sales.corp.example" ];
 *                  weekly_report = true; } );
 *   languages = { de = [ "@corp.de", "jan@corp.example" ]; fr = [ "@corp.fr" ]; };
 *
 * languages is a group keyed by language because language codes are valid
 * libconfig names and addresses are not ('@' and '.'): one line per
 * language, no "language =" to forget or misspell. An address or domain
 * listed twice (under one language or two) is refused at its second line,
 * naming the first; so is one that could never receive a digest (outside
 * internal_domains and not a manager). Which entry wins for an address is
 * dt_config_digest_language_for's rule (config_match.c).
 *
 * Failure: -1 with a one-line reason and the setting to blame (the
 * manager's group, its address or one of its reps; the language or one of
 * its addresses); config.c adds file, line and "digest.managers: " or
 * "digest.languages: ". Whatever was allocated stays in the configuration
 * for dt_config_digest_free. No I/O.
 */
#include "config_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dealtemp/config.h"
#include "dealtemp/digest.h"
#include "dealtemp/utf8.h"

#define MANAGERS_FORM "( { address = \"boss@corp.example\"; reps = [ \"ann@corp.example\" ]; } )"

#define LANGUAGES_FORM "{ de = [ \"@corp.de\", \"jan@corp.example\" ]; }"
#define ADDRESSES_FORM "[ \"ann@corp.example\", \"@corp.example\" ]"

/* The code digests know for lang ("DE" -> "de", static), or NULL. */
static const char *known_language(const char *lang)
{
    for (size_t i = 0; dt_digest_language_code(i) != NULL; i++)
        if (strcasecmp(lang, dt_digest_language_code(i)) == 0)
            return dt_digest_language_code(i);
    return NULL;
}

/* "'xx' is not one of en, nl, de, fr" */
static int not_a_language(const char *lang, char *why, size_t size)
{
    int n = snprintf(why, size, "'%.80s' is not one of ", lang);
    for (size_t i = 0; dt_digest_language_code(i) != NULL && n >= 0 && (size_t)n < size; i++)
        n += snprintf(why + n, size - (size_t)n, "%s%s", i ? ", " : "", dt_digest_language_code(i));
    return -1;
}

int dt_config_check_digest_language(char **v, char *why, size_t size)
{
    dt_ascii_lower_str(*v);
    if (known_language(*v) != NULL)
        return 0;
    return not_a_language(*v, why, size);
}

static int reason(char *why, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int reason(char *why, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, size, fmt, ap);
    va_end(ap);
    return -1;
}

/* A check's own reason, with what was checked in front ("address: ..."). */
static int checked(dt_config_check_fn *check, const char *what, char **v, char *why, size_t size)
{
    char inner[256] = "";
    if (check(v, inner, sizeof(inner)) == 0)
        return 0;
    return reason(why, size, "%s: %s", what, inner);
}

static int parse_reps(const struct dt_config *cfg, struct dt_digest_manager *m,
                      const config_setting_t *s, const config_setting_t **at, char *why,
                      size_t size)
{
    *at = s;
    if (!config_setting_is_array(s) && !config_setting_is_list(s))
        return reason(why, size, "reps: expected a list of strings ([\"...\", ...])");
    int n = config_setting_length(s);
    if (n == 0)
        return reason(why, size, "'%.80s' has no reps", m->address);
    if (!(m->reps = calloc((size_t)n + 1, sizeof(*m->reps))))
        return reason(why, size, "out of memory");
    for (int i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        const char *value = config_setting_get_string(e);
        *at = e;
        if (!value)
            return reason(why, size, "reps: expected a list of strings ([\"...\", ...])");
        if (!(m->reps[i] = strdup(value)))
            return reason(why, size, "out of memory");
        m->n_reps = (size_t)i + 1;
        if (checked(dt_config_check_rep, "reps", &m->reps[i], why, size) < 0)
            return -1;
        for (int j = 0; j < i; j++)
            if (strcmp(m->reps[j], m->reps[i]) == 0)
                return reason(why, size, "reps: '%.80s' is listed twice", m->reps[i]);
        /* As for the top-level reps: one outside the company could never match. */
        if (!dt_config_is_internal(cfg, m->reps[i]))
            return reason(why, size, "reps: '%.80s' is not in internal_domains", m->reps[i]);
    }
    return 0;
}

/* One { address = ...; reps = [...]; } into m. */
static int parse_manager(const struct dt_config *cfg, struct dt_digest_manager *m,
                         const config_setting_t *g, const config_setting_t **at, char *why,
                         size_t size)
{
    const config_setting_t *addr = NULL, *reps = NULL, *weekly = NULL;
    *at = g;
    if (!config_setting_is_group(g))
        return reason(why, size, "expected a list of managers (" MANAGERS_FORM ")");
    int n = config_setting_length(g);
    for (int i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(g, (unsigned)i);
        const char *name = config_setting_name(e);
        if (strcmp(name, "address") == 0) {
            addr = e;
        } else if (strcmp(name, "reps") == 0) {
            reps = e;
        } else if (strcmp(name, "weekly_report") == 0) {
            weekly = e;
        } else {
            *at = e;
            return reason(why, size,
                          "unknown key '%.80s' (a manager has address, reps and weekly_report)",
                          name);
        }
    }
    if (!addr)
        return reason(why, size, "a manager needs an address");
    *at = addr;
    if (config_setting_type(addr) != CONFIG_TYPE_STRING)
        return reason(why, size, "address: expected a string");
    if (!(m->address = strdup(config_setting_get_string(addr))))
        return reason(why, size, "out of memory");
    if (checked(dt_config_check_address, "address", &m->address, why, size) < 0)
        return -1;
    for (const struct dt_digest_manager *o = cfg->managers; o < m; o++)
        if (strcasecmp(o->address, m->address) == 0)
            return reason(why, size, "'%.80s' is listed twice", m->address);
    if (weekly != NULL) {
        *at = weekly;
        if (config_setting_type(weekly) != CONFIG_TYPE_BOOL)
            return reason(why, size, "weekly_report: expected true or false");
        m->weekly_report = config_setting_get_bool(weekly) != 0;
    }
    if (!reps) {
        *at = g;
        return reason(why, size, "'%.80s' has no reps", m->address);
    }
    return parse_reps(cfg, m, reps, at, why, size);
}

int dt_config_parse_managers(const config_setting_t *s, void *field, const config_setting_t **at,
                             char *why, size_t size)
{
    struct dt_config *cfg = field;
    *at = s;
    /* libconfig's [ ] holds scalars only; an empty one still means "none". */
    if (!config_setting_is_list(s) &&
        !(config_setting_is_array(s) && config_setting_length(s) == 0))
        return reason(why, size, "expected a list of managers (" MANAGERS_FORM ")");
    int n = config_setting_length(s);
    if (n == 0)
        return 0;
    if (!(cfg->managers = calloc((size_t)n, sizeof(*cfg->managers))))
        return reason(why, size, "out of memory");
    for (int i = 0; i < n; i++) {
        /* Counted before it is filled, so a failure half-way is freed too. */
        cfg->n_managers = (size_t)i + 1;
        if (parse_manager(cfg, &cfg->managers[i], config_setting_get_elem(s, (unsigned)i), at, why,
                          size) < 0)
            return -1;
    }
    return 0;
}

/* Could a digest or roll-up ever be mailed to what entry names? */
static bool reachable(const struct dt_config *cfg, const char *entry)
{
    if (dt_config_is_internal(cfg, entry)) /* a rep's address or domain */
        return true;
    for (size_t i = 0; entry[0] != '@' && i < cfg->n_managers; i++)
        if (strcasecmp(cfg->managers[i].address, entry) == 0)
            return true;
    return false;
}

/* One "de = [ ... ];" into cfg's rules; lang is the static code. */
static int parse_language(struct dt_config *cfg, const char *lang, const config_setting_t *list,
                          const config_setting_t **at, char *why, size_t size)
{
    int n = config_setting_length(list);
    for (int i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
        const char *value = config_setting_get_string(e);
        *at = e;
        if (!value)
            return reason(why, size, "%s: expected a list of addresses (" ADDRESSES_FORM ")", lang);
        struct dt_digest_language_rule *r = &cfg->digest_languages[cfg->n_digest_languages];
        if (!(r->rep = strdup(value)))
            return reason(why, size, "out of memory");
        r->language = lang;
        r->line = (unsigned)config_setting_source_line(e);
        cfg->n_digest_languages++; /* counted once it holds something to free */
        if (checked(dt_config_check_rep, lang, &r->rep, why, size) < 0)
            return -1;
        for (const struct dt_digest_language_rule *o = cfg->digest_languages; o < r; o++)
            if (strcmp(o->rep, r->rep) == 0)
                return reason(why, size, "'%.80s' is listed twice (as '%s' at line %u)", r->rep,
                              o->language, o->line);
        if (!reachable(cfg, r->rep))
            return reason(why, size, "%s: '%.80s' is neither in internal_domains nor a manager",
                          lang, r->rep);
    }
    return 0;
}

int dt_config_parse_languages(const config_setting_t *s, void *field, const config_setting_t **at,
                              char *why, size_t size)
{
    struct dt_config *cfg = field;
    *at = s;
    if (!config_setting_is_group(s))
        return reason(why, size, "expected a group of languages (" LANGUAGES_FORM ")");
    int n = config_setting_length(s);
    size_t total = 0;
    for (int i = 0; i < n; i++) {
        const config_setting_t *list = config_setting_get_elem(s, (unsigned)i);
        const char *lang = known_language(config_setting_name(list));
        *at = list;
        if (lang == NULL)
            return not_a_language(config_setting_name(list), why, size);
        if (!config_setting_is_array(list) && !config_setting_is_list(list))
            return reason(why, size, "%s: expected a list of addresses (" ADDRESSES_FORM ")",
                          lang);
        total += (size_t)config_setting_length(list);
    }
    if (total == 0)
        return 0;
    if (!(cfg->digest_languages = calloc(total, sizeof(*cfg->digest_languages))))
        return reason(why, size, "out of memory");
    for (int i = 0; i < n; i++) {
        const config_setting_t *list = config_setting_get_elem(s, (unsigned)i);
        const char *lang = known_language(config_setting_name(list));
        if (parse_language(cfg, lang, list, at, why, size) < 0)
            return -1;
    }
    return 0;
}

int dt_config_digest_defaults(struct dt_config *cfg)
{
    if (cfg->digest_from)
        return 0;
    char *from = NULL;
    if (asprintf(&from, "dealtemp@%s", cfg->internal_domains[0]) < 0)
        return -1;
    cfg->digest_from = from;
    return 0;
}

void dt_config_digest_free(struct dt_config *cfg)
{
    for (size_t i = 0; i < cfg->n_managers; i++) {
        struct dt_digest_manager *m = &cfg->managers[i];
        for (size_t j = 0; j < m->n_reps; j++)
            free(m->reps[j]);
        free(m->reps);
        free(m->address);
    }
    free(cfg->managers);
    for (size_t i = 0; i < cfg->n_digest_languages; i++)
        free(cfg->digest_languages[i].rep);
    free(cfg->digest_languages);
}
