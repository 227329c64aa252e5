/*
 * config_digest.c - the digest group of the configuration that is more
 * than a plain string or flag (see config_int.h): the language of the
 * digests, the managers' roll-ups, and the default sender, which depends
 * on internal_domains.
 *
 * Public (to config.c): dt_config_check_digest_language(),
 * dt_config_parse_managers(), dt_config_digest_defaults(),
 * dt_config_digest_free().
 *
 *   managers = ( { address = "boss@corp.example";
 *                  reps = [ "ann@corp.example", "@sales.corp.example" ]; } );
 *
 * Failure: -1 with a one-line reason and the setting to blame (the
 * manager's group, its address or one of its reps); config.c adds file,
 * line and "digest.managers: ". Whatever was allocated stays in the
 * configuration for dt_config_digest_free. No I/O.
 */
#include "config_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dealtemp/config.h"
#include "dealtemp/utf8.h"

#define MANAGERS_FORM "( { address = \"boss@corp.example\"; reps = [ \"ann@corp.example\" ]; } )"

/* The languages digests are written in (digest_render's texts). */
static const char *const digest_languages[] = {"en", "nl"};

int dt_config_check_digest_language(char **v, char *why, size_t size)
{
    dt_ascii_lower_str(*v);
    for (size_t i = 0; i < sizeof(digest_languages) / sizeof(digest_languages[0]); i++)
        if (strcmp(*v, digest_languages[i]) == 0)
            return 0;
    snprintf(why, size, "'%.80s' is not one of en, nl", *v);
    return -1;
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
    const config_setting_t *addr = NULL, *reps = NULL;
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
        } else {
            *at = e;
            return reason(why, size, "unknown key '%.80s' (a manager has address and reps)", name);
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
}
