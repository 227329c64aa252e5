/*
 * config.c - load, validate and share the configuration (see config.h).
 *
 * Public: dt_config_load(), dt_config_ref(), dt_config_unref()
 * (dt_config_is_internal() and dt_config_is_rep() are in config_match.c).
 *
 * Every key the file may hold is one row of keys[] below: its dotted name,
 * type, default, range and the field of struct dt_config it fills. The
 * loader walks the parsed file against that table (a key not in it is an
 * error, wherever it sits, naming the known key it is closest to), fills defaults for the rest, checks the few
 * rules that tie keys together (orders[]), loads the business-hours time
 * zone, then reads the lexicons (config_lexicon.c). Adding a key is adding
 * a field and a row; durations, times of day and working days are parsed
 * in config_deals.c, the digest managers in config_digest.c.
 *
 * Failure: dt_config_load() returns -1 with one line in err naming the
 * file and line ("conf/x.conf:7: euphoria.warm: expected a number") and
 * leaves nothing allocated. A loaded configuration is never modified.
 */
#include "dealtemp/config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <syslog.h>

#include <libconfig.h>

#include "dealtemp/bizcal.h"
#include "dealtemp/buf.h"
#include "dealtemp/cooling.h"
#include "config_int.h"

/*
 * The last place the lexicons are looked for. It is compiled in here, not
 * in config_lexicon.c, because config.o is the object rebuilt when the
 * installation paths change (see the Makefile).
 */
#ifndef DT_DATADIR
#define DT_DATADIR "/usr/local/share/dealtemp"
#endif

enum key_type {
    KEY_GROUP,   /* holds further keys, named "<group>.<key>" */
    KEY_STRING,  /* char * */
    KEY_STRINGS, /* char ** (NULL-terminated) plus a size_t count */
    KEY_NUMBER,  /* stored as .store says */
    KEY_BOOL,    /* bool */
    KEY_ENUM,    /* one of .names, its value stored as .store says */
    KEY_PARSED,  /* .parse reads it into the field; the default is always PRESET */
};

/* How a number (or an enum's value) is stored in its field. */
enum store { ST_INT, ST_DOUBLE, ST_UNSIGNED, ST_SIZE, ST_LONG, ST_BOOL, ST_LEVEL, ST_PROFILE };

/* flags */
#define REQUIRED 0x01 /* no default: the file must set it */
#define NONEMPTY 0x02 /* KEY_STRINGS: at least one element */
#define MIN_EXCL 0x04 /* the value must be greater than min, not equal */
#define MAX_EXCL 0x08
#define NO_MAX 0x10
#define INTEGER 0x20 /* KEY_NUMBER: a float in the file is a type error */
#define PRESET 0x40  /* the default is already in the field (dt_*_defaults, preset()) */

struct name_value {
    const char *name;
    int value;
};

struct key {
    const char *name;
    enum key_type type;
    unsigned flags;
    size_t off;                     /* the field in struct dt_config */
    size_t count_off;               /* KEY_STRINGS: its size_t count */
    enum store store;               /* KEY_NUMBER, KEY_ENUM, KEY_PARSED */
    double min, max;                /* KEY_NUMBER */
    const char *def_str;            /* KEY_STRING, KEY_ENUM (NULL: none) */
    const char *const *def_list;    /* KEY_STRINGS (NULL: empty) */
    double def_num;                 /* KEY_NUMBER, KEY_BOOL */
    const struct name_value *names; /* KEY_ENUM, ends with a NULL name */
    dt_config_check_fn *check;      /* KEY_STRING(S): validate and normalise */
    dt_config_parse_fn *parse;      /* KEY_PARSED */
    dt_config_show_fn *show;        /* KEY_PARSED: the value in messages */
};

static const char *const default_languages[] = {"en", "nl", "de", "fr", NULL};
/* Free-mail providers: each address there is its own person (tone.h). */
static const char *const default_freemail[] = {
    "gmail.com",   "googlemail.com", "outlook.com", "hotmail.com", "live.com",   "msn.com",
    "yahoo.com",   "icloud.com",     "me.com",      "aol.com",     "proton.me",  "protonmail.com",
    "gmx.de",      "gmx.net",        "web.de",      "t-online.de", "orange.fr",  "free.fr",
    "laposte.net", "wanadoo.fr",     "sfr.fr",      "ziggo.nl",    "kpnmail.nl", "hetnet.nl",
    "home.nl",     "telenet.be",     "skynet.be",   "mail.ru",     "yandex.ru",  NULL};

static const struct name_value log_levels[] = {
    {"debug", LOG_DEBUG},     {"info", LOG_INFO}, {"notice", LOG_NOTICE},
    {"warning", LOG_WARNING}, {"error", LOG_ERR}, {NULL, 0},
};

static const struct name_value log_facilities[] = {
    {"mail", LOG_MAIL},     {"daemon", LOG_DAEMON}, {"user", LOG_USER},     {"local0", LOG_LOCAL0},
    {"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2}, {"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4},
    {"local5", LOG_LOCAL5}, {"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7}, {NULL, 0},
};

static const struct name_value clocks[] = {{"calendar", false}, {"business", true}, {NULL, 0}};

static const struct name_value triggers[] = {
    {"warm", DT_LEVEL_WARM}, {"euphoric", DT_LEVEL_EUPHORIC}, {NULL, 0}};

static const struct name_value profiles[] = {
    {"sales", DT_PROFILE_SALES}, {"recruiting", DT_PROFILE_RECRUITING}, {NULL, 0}};

#define OFF(field) offsetof(struct dt_config, field)
#define DURATION(key, field)                                                                       \
    {                                                                                              \
        .name = key, .type = KEY_PARSED, .flags = PRESET, .off = OFF(field), .store = ST_LONG,     \
        .parse = dt_config_parse_duration, .show = dt_config_show_duration                         \
    }
#define STRING(key, field, def, fn)                                                                \
    {                                                                                              \
        .name = key, .type = KEY_STRING, .off = OFF(field), .def_str = def, .check = fn            \
    }
#define TIME_OF_DAY(key, field)                                                                    \
    {                                                                                              \
        .name = key, .type = KEY_PARSED, .flags = PRESET, .off = OFF(field), .store = ST_INT,      \
        .parse = dt_config_parse_time, .show = dt_config_show_time                                 \
    }

/* Every key, groups before their members. conf/dealtemp.conf documents each. */
static const struct key keys[] = {
    STRING("socket", socket, "inet:8895@127.0.0.1", dt_config_check_socket),
    STRING("database", database, "var/dealtemp.db", dt_config_check_database),
    {.name = "internal_domains",
     .type = KEY_STRINGS,
     .flags = REQUIRED | NONEMPTY,
     .off = OFF(internal_domains),
     .count_off = OFF(n_internal_domains),
     .check = dt_config_check_domain},
    {.name = "reps",
     .type = KEY_STRINGS,
     .off = OFF(reps),
     .count_off = OFF(n_reps),
     .check = dt_config_check_rep},
    STRING("header_prefix", header_prefix, "X-Deal-", dt_config_check_header_prefix),
    {.name = "profile", .type = KEY_ENUM, .off = OFF(profile), .store = ST_PROFILE,
     .def_str = "sales", .names = profiles},
    STRING("user", user, "", dt_config_check_user),
    {.name = "socket_mode", .type = KEY_PARSED, .flags = PRESET, .off = OFF(socket_mode),
     .store = ST_UNSIGNED, .parse = dt_config_parse_mode},
    STRING("socket_group", socket_group, "", dt_config_check_group),
    STRING("pidfile", pidfile, "", dt_config_check_optional_path),
    {.name = "store_subjects", .type = KEY_BOOL, .off = OFF(store_subjects), .def_num = 1},
    {.name = "retention_days",
     .type = KEY_NUMBER,
     .flags = INTEGER,
     .off = OFF(retention_days),
     .store = ST_INT,
     .min = 1,
     .max = 36500,
     .def_num = 365},
    {.name = "thread_window_days",
     .type = KEY_NUMBER,
     .flags = INTEGER,
     .off = OFF(thread_window_days),
     .store = ST_INT,
     .min = 1,
     .max = 365,
     .def_num = 30},

    {.name = "store", .type = KEY_GROUP},
    {.name = "store.pool_size",
     .type = KEY_NUMBER,
     .flags = INTEGER,
     .off = OFF(pool_size),
     .store = ST_INT,
     .min = 1,
     .max = 64,
     .def_num = 4},
    {.name = "store.connect_timeout_ms",
     .type = KEY_NUMBER,
     .flags = INTEGER,
     .off = OFF(connect_timeout_ms),
     .store = ST_INT,
     .min = 10,
     .max = 60000,
     .def_num = 300},
    {.name = "store.statement_timeout_ms",
     .type = KEY_NUMBER,
     .flags = INTEGER,
     .off = OFF(statement_timeout_ms),
     .store = ST_INT,
     .min = 10,
     .max = 600000,
     .def_num = 500},
    STRING("store.spool", spool, "var/dealtemp-spool.db", dt_config_check_path),
    {.name = "store.spool_max_mb",
     .type = KEY_NUMBER,
     .flags = INTEGER,
     .off = OFF(spool_max_mb),
     .store = ST_INT,
     .min = 1,
     .max = 100000,
     .def_num = 64},

    {.name = "euphoria", .type = KEY_GROUP},
    {.name = "euphoria.languages",
     .type = KEY_STRINGS,
     .flags = NONEMPTY,
     .off = OFF(languages),
     .count_off = OFF(n_languages),
     .def_list = default_languages,
     .check = dt_config_check_language},
    STRING("euphoria.lexicon_dir", lexicon_dir, NULL, dt_config_check_path),
    {.name = "euphoria.warm",
     .type = KEY_NUMBER,
     .flags = PRESET | MIN_EXCL | MAX_EXCL,
     .off = OFF(euphoria.warm),
     .store = ST_DOUBLE,
     .min = 0,
     .max = 1},
    {.name = "euphoria.euphoric",
     .type = KEY_NUMBER,
     .flags = PRESET | MIN_EXCL | MAX_EXCL,
     .off = OFF(euphoria.euphoric),
     .store = ST_DOUBLE,
     .min = 0,
     .max = 1},
    {.name = "euphoria.scan_limit",
     .type = KEY_NUMBER,
     .flags = INTEGER,
     .off = OFF(scan_limit),
     .store = ST_SIZE,
     .min = 4096,
     .max = 67108864,
     .def_num = 262144},
    {.name = "euphoria.min_words",
     .type = KEY_NUMBER,
     .flags = PRESET | INTEGER,
     .off = OFF(euphoria.min_words),
     .store = ST_DOUBLE,
     .min = 1,
     .max = 1000000},
    {.name = "euphoria.scale",
     .type = KEY_NUMBER,
     .flags = PRESET | MIN_EXCL,
     .off = OFF(euphoria.scale),
     .store = ST_DOUBLE,
     .min = 0,
     .max = 1000000},
    {.name = "euphoria.exclamation_weight",
     .type = KEY_NUMBER,
     .flags = PRESET,
     .off = OFF(euphoria.excl_weight),
     .store = ST_DOUBLE,
     .min = 0,
     .max = 10},
    {.name = "euphoria.exclamation_cap",
     .type = KEY_NUMBER,
     .flags = PRESET | INTEGER,
     .off = OFF(euphoria.excl_cap),
     .store = ST_UNSIGNED,
     .min = 1,
     .max = 100},
    {.name = "euphoria.caps_weight",
     .type = KEY_NUMBER,
     .flags = PRESET,
     .off = OFF(euphoria.caps_weight),
     .store = ST_DOUBLE,
     .min = 0,
     .max = 10},

    {.name = "log", .type = KEY_GROUP},
    {.name = "log.level",
     .type = KEY_ENUM,
     .off = OFF(log_level),
     .def_str = "info",
     .names = log_levels},
    {.name = "log.facility",
     .type = KEY_ENUM,
     .off = OFF(log_facility),
     .def_str = "mail",
     .names = log_facilities},

    {.name = "business_hours", .type = KEY_GROUP},
    {.name = "business_hours.days",
     .type = KEY_PARSED,
     .flags = PRESET,
     .off = OFF(hours.days),
     .store = ST_UNSIGNED,
     .parse = dt_config_parse_days},
    TIME_OF_DAY("business_hours.start", hours.start_min),
    TIME_OF_DAY("business_hours.end", hours.end_min),
    STRING("business_hours.timezone", timezone, "UTC", dt_config_check_timezone),

    {.name = "cooling", .type = KEY_GROUP},
    {.name = "cooling.factor",
     .type = KEY_NUMBER,
     .flags = PRESET,
     .off = OFF(cooling.factor),
     .store = ST_DOUBLE,
     .min = 1,
     .max = 100},
    DURATION("cooling.min_wait", cooling.min_wait),
    DURATION("cooling.stall_after", cooling.stall_after),
    DURATION("cooling.default_reply", cooling.default_reply),
    {.name = "cooling.clock",
     .type = KEY_ENUM,
     .flags = PRESET,
     .off = OFF(cooling.business),
     .store = ST_BOOL,
     .names = clocks},
    {.name = "cooling.trigger",
     .type = KEY_ENUM,
     .flags = PRESET,
     .off = OFF(cooling.trigger),
     .store = ST_LEVEL,
     .names = triggers},

    {.name = "customer", .type = KEY_GROUP},
    {.name = "customer.tone", .type = KEY_BOOL, .off = OFF(customer_tone), .def_num = 1},
    {.name = "customer.hesitant",
     .type = KEY_NUMBER,
     .flags = PRESET | MIN_EXCL,
     .off = OFF(tone.hesitant),
     .store = ST_DOUBLE,
     .min = 0,
     .max = 100},
    {.name = "customer.engaged",
     .type = KEY_NUMBER,
     .flags = PRESET | MIN_EXCL,
     .off = OFF(tone.engaged),
     .store = ST_DOUBLE,
     .min = 0,
     .max = 100},
    {.name = "customer.enthusiastic",
     .type = KEY_NUMBER,
     .flags = PRESET | MIN_EXCL | MAX_EXCL,
     .off = OFF(tone.enthusiastic),
     .store = ST_DOUBLE,
     .min = 0,
     .max = 1},
    DURATION("customer.carried_window", cooling.carried_window),
    DURATION("customer.joined_after", tone.joined_after),
    {.name = "customer.freemail_domains",
     .type = KEY_STRINGS,
     .off = OFF(freemail),
     .count_off = OFF(n_freemail),
     .def_list = default_freemail,
     .check = dt_config_check_domain},

    /* nudge.reps must be internal: checked with reps in cross_check. */
    {.name = "nudge", .type = KEY_GROUP},
    {.name = "nudge.reps",
     .type = KEY_STRINGS,
     .off = OFF(nudge_reps),
     .count_off = OFF(n_nudge_reps),
     .check = dt_config_check_rep},
    DURATION("nudge.interval", nudge_interval),

    /* After internal_domains: the default sender and the managers' reps depend on it. */
    {.name = "digest", .type = KEY_GROUP},
    STRING("digest.from", digest_from, NULL, dt_config_check_address),
    STRING("digest.sendmail", digest_sendmail, "/usr/sbin/sendmail -t -i", dt_config_check_command),
    STRING("digest.smtp", digest_smtp, NULL, dt_config_check_hostport),
    {.name = "digest.send_empty", .type = KEY_BOOL, .off = OFF(digest_send_empty)},
    STRING("digest.language", digest_language, "en", dt_config_check_digest_language),
    /* The parsers get the whole configuration: managers, then languages (which know them). */
    {.name = "digest.managers", .type = KEY_PARSED, .off = 0, .parse = dt_config_parse_managers},
    {.name = "digest.languages", .type = KEY_PARSED, .off = 0, .parse = dt_config_parse_languages},
};

#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

struct load {
    struct dt_config *cfg;
    const config_setting_t *found[N_KEYS]; /* where each key was set, or NULL */
    struct dt_error *err;
};

#define FIELD(cfg, type, off) ((type *)(void *)((char *)(cfg) + (off)))

/* Store v (in range by now) in k's field, as k->store says. */
static void store_value(struct dt_config *cfg, const struct key *k, double v)
{
    switch (k->store) {
    case ST_INT:
        *FIELD(cfg, int, k->off) = (int)v;
        break;
    case ST_DOUBLE:
        *FIELD(cfg, double, k->off) = v;
        break;
    case ST_UNSIGNED:
        *FIELD(cfg, unsigned, k->off) = (unsigned)v;
        break;
    case ST_SIZE:
        *FIELD(cfg, size_t, k->off) = (size_t)v;
        break;
    case ST_LONG:
        *FIELD(cfg, long, k->off) = (long)v;
        break;
    case ST_BOOL:
        *FIELD(cfg, bool, k->off) = v != 0;
        break;
    case ST_LEVEL:
        *FIELD(cfg, enum dt_level, k->off) = (enum dt_level)v;
        break;
    case ST_PROFILE:
        *FIELD(cfg, enum dt_profile, k->off) = (enum dt_profile)v;
        break;
    }
}

/* The value in k's field, for the comparisons of orders[]. */
static double field_value(const struct dt_config *cfg, const struct key *k)
{
    struct dt_config *c = (struct dt_config *)cfg; /* FIELD casts away nothing we write */
    switch (k->store) {
    case ST_INT:
        return *FIELD(c, int, k->off);
    case ST_DOUBLE:
        return *FIELD(c, double, k->off);
    case ST_UNSIGNED:
        return *FIELD(c, unsigned, k->off);
    case ST_SIZE:
        return (double)*FIELD(c, size_t, k->off);
    case ST_LONG:
        return (double)*FIELD(c, long, k->off);
    case ST_BOOL:
        return *FIELD(c, bool, k->off);
    case ST_LEVEL:
        return *FIELD(c, enum dt_level, k->off);
    case ST_PROFILE:
        return *FIELD(c, enum dt_profile, k->off);
    }
    return 0;
}

/* "FILE:LINE: message", or "FILE: message" when there is no setting to point at. */
int dt_config_fail(struct dt_error *err, const struct dt_config *cfg, const config_setting_t *s,
                   const char *fmt, ...)
{
    char msg[sizeof(err->msg)];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    const char *file =
        s && config_setting_source_file(s) ? config_setting_source_file(s) : cfg->path;
    if (s && config_setting_source_line(s) > 0)
        return dt_error_set(err, "%s:%u: %s", file, (unsigned)config_setting_source_line(s), msg);
    return dt_error_set(err, "%s: %s", file, msg);
}

/* The loader's shorthand: every failure goes to ld's error, naming ld's file. */
#define fail(ld, ...) dt_config_fail((ld)->err, (ld)->cfg, __VA_ARGS__)

static size_t key_index(const char *name)
{
    for (size_t i = 0; i < N_KEYS; i++)
        if (strcmp(keys[i].name, name) == 0)
            return i;
    return N_KEYS;
}

/* Within this many edits a known key is offered for an unknown one. */
#define SUGGEST_DISTANCE 2

/*
 * The known key an unknown name was probably meant to be, or NULL: the
 * nearest within SUGGEST_DISTANCE edits of the whole dotted name (and
 * fewer than half its length, so "db" is not taken for "log"), else one
 * with the same last part in another group ("warm" -> "euphoria.warm").
 */
static const char *suggest(const char *name)
{
    const char *best = NULL, *last = strrchr(name, '.');
    size_t best_d = SUGGEST_DISTANCE + 1, len = strlen(name);
    last = last ? last + 1 : name;
    for (size_t i = 0; i < N_KEYS; i++) {
        size_t d = dt_config_distance(name, keys[i].name);
        if (d < best_d && 2 * d < len) {
            best = keys[i].name;
            best_d = d;
        }
    }
    for (size_t i = 0; best == NULL && i < N_KEYS; i++) {
        const char *dot = strrchr(keys[i].name, '.');
        if (strcmp(dot ? dot + 1 : keys[i].name, last) == 0)
            best = keys[i].name;
    }
    return best;
}

/* Match the members of group (the root, or a group key) against the table. */
static int walk(struct load *ld, const config_setting_t *group, const char *prefix)
{
    int n = config_setting_length(group);
    for (int i = 0; i < n; i++) {
        const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
        char name[256];
        snprintf(name, sizeof(name), "%s%s%s", prefix, *prefix ? "." : "", config_setting_name(s));
        size_t k = key_index(name);
        if (k == N_KEYS) {
            const char *near = suggest(name);
            if (near != NULL)
                return fail(ld, s, "unknown key '%s' (did you mean '%s'?)", name, near);
            return fail(ld, s, "unknown key '%s'", name);
        }
        ld->found[k] = s;
        if (keys[k].type == KEY_GROUP) {
            if (!config_setting_is_group(s))
                return fail(ld, s, "%s: expected a group ({ ... })", name);
            if (walk(ld, s, name) < 0)
                return -1;
        }
    }
    return 0;
}

/* "must be between 0 and 1", "must be greater than 0", "must be at least 1 and ..." */
static void range_text(const struct key *k, char *buf, size_t size)
{
    if (!(k->flags & (MIN_EXCL | MAX_EXCL | NO_MAX))) {
        snprintf(buf, size, "must be between %.15g and %.15g", k->min, k->max);
        return;
    }
    int n = snprintf(buf, size, "must be %s %.15g",
                     k->flags & MIN_EXCL ? "greater than" : "at least", k->min);
    if (!(k->flags & NO_MAX) && n > 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, " and %s %.15g",
                 k->flags & MAX_EXCL ? "less than" : "at most", k->max);
}

static int set_number(struct load *ld, const struct key *k, const config_setting_t *s)
{
    double v;
    int type = config_setting_type(s);
    if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64) {
        long long iv = config_setting_get_int64(s);
        if (!dt_config_int_faithful(s, iv))
            iv = LLONG_MAX; /* certainly out of every range below */
        v = (double)iv;
    } else if (type == CONFIG_TYPE_FLOAT && !(k->flags & INTEGER)) {
        v = config_setting_get_float(s);
    } else {
        return fail(ld, s, "%s: expected %s", k->name,
                    k->flags & INTEGER ? "an integer" : "a number");
    }
    bool low = k->flags & MIN_EXCL ? v <= k->min : v < k->min;
    bool high = !(k->flags & NO_MAX) && (k->flags & MAX_EXCL ? v >= k->max : v > k->max);
    if (!isfinite(v) || low || high) {
        char why[128];
        range_text(k, why, sizeof(why));
        return fail(ld, s, "%s: %s", k->name, why);
    }
    store_value(ld->cfg, k, v);
    return 0;
}

/* Copy value, let the key's check normalise it, store it in *slot. */
static int set_string(struct load *ld, const struct key *k, const config_setting_t *s,
                      const char *value, char **slot)
{
    char *copy = strdup(value), why[256] = "";
    if (!copy)
        return fail(ld, s, "%s: out of memory", k->name);
    if (k->check && k->check(&copy, why, sizeof(why)) < 0) {
        free(copy);
        return fail(ld, s, "%s: %s", k->name, why);
    }
    *slot = copy;
    return 0;
}

static int set_strings(struct load *ld, const struct key *k, const config_setting_t *s)
{
    int n = 0;
    if (s) {
        if (!config_setting_is_array(s) && !config_setting_is_list(s))
            return fail(ld, s, "%s: expected a list of strings ([\"...\", ...])", k->name);
        n = config_setting_length(s);
    } else {
        while (k->def_list && k->def_list[n])
            n++;
    }
    if (n == 0 && (k->flags & NONEMPTY))
        return fail(ld, s, "%s: must list at least one value", k->name);
    char **v = calloc((size_t)n + 1, sizeof(*v));
    if (!v)
        return fail(ld, s, "%s: out of memory", k->name);
    *FIELD(ld->cfg, char **, k->off) = v;
    for (int i = 0; i < n; i++) {
        const config_setting_t *e = s ? config_setting_get_elem(s, (unsigned)i) : NULL;
        if (e && config_setting_type(e) != CONFIG_TYPE_STRING)
            return fail(ld, e, "%s: expected a list of strings ([\"...\", ...])", k->name);
        const char *value = e ? config_setting_get_string(e) : k->def_list[i];
        if (set_string(ld, k, e ? e : s, value, &v[i]) < 0)
            return -1;
        for (int j = 0; j < i; j++)
            if (strcmp(v[j], v[i]) == 0)
                return fail(ld, e ? e : s, "%s: '%s' is listed twice", k->name, v[i]);
        *FIELD(ld->cfg, size_t, k->count_off) = (size_t)i + 1;
    }
    return 0;
}

static int set_enum(struct load *ld, const struct key *k, const config_setting_t *s)
{
    const char *value = k->def_str;
    if (!s && (k->flags & PRESET))
        return 0;
    if (s) {
        if (config_setting_type(s) != CONFIG_TYPE_STRING)
            return fail(ld, s, "%s: expected a string", k->name);
        value = config_setting_get_string(s);
    }
    for (const struct name_value *nv = k->names; nv->name; nv++)
        if (strcasecmp(nv->name, value) == 0) {
            store_value(ld->cfg, k, nv->value);
            return 0;
        }
    struct dt_buf names = DT_BUF_INIT;
    for (const struct name_value *nv = k->names; nv->name; nv++)
        dt_buf_printf(&names, "%s%s", nv == k->names ? "" : ", ", nv->name);
    fail(ld, s, "%s: '%.80s' is not one of %s", k->name, value, names.data ? names.data : "(none)");
    dt_buf_free(&names);
    return -1;
}

/* Set key k from its setting s, or from its default when s is NULL. */
static int set_key(struct load *ld, const struct key *k, const config_setting_t *s)
{
    if (!s && (k->flags & REQUIRED))
        return fail(ld, NULL, "%s is required", k->name);
    switch (k->type) {
    case KEY_GROUP:
        return 0;
    case KEY_STRING:
        if (!s)
            return k->def_str ? set_string(ld, k, NULL, k->def_str, FIELD(ld->cfg, char *, k->off))
                              : 0;
        if (config_setting_type(s) != CONFIG_TYPE_STRING)
            return fail(ld, s, "%s: expected a string", k->name);
        return set_string(ld, k, s, config_setting_get_string(s), FIELD(ld->cfg, char *, k->off));
    case KEY_STRINGS:
        return set_strings(ld, k, s);
    case KEY_NUMBER:
        if (s)
            return set_number(ld, k, s);
        if (!(k->flags & PRESET))
            store_value(ld->cfg, k, k->def_num); /* in range by construction */
        return 0;
    case KEY_BOOL:
        if (s && config_setting_type(s) != CONFIG_TYPE_BOOL)
            return fail(ld, s, "%s: expected true or false", k->name);
        *FIELD(ld->cfg, bool, k->off) = s ? config_setting_get_bool(s) != 0 : k->def_num != 0;
        return 0;
    case KEY_ENUM:
        return set_enum(ld, k, s);
    case KEY_PARSED: {
        const config_setting_t *at = s;
        char why[256] = "";
        if (s && k->parse(s, FIELD(ld->cfg, char, k->off), &at, why, sizeof(why)) < 0)
            return fail(ld, at, "%s: %s", k->name, why);
        return 0;
    }
    }
    return 0;
}

/*
 * Pairs of keys where hi must exceed lo (or equal it, when !strict). The
 * message blames hi when the file set it, else lo: the one that moved.
 */
static const struct order {
    const char *lo, *hi;
    bool strict;
    const char *above, *below; /* "must be <above> lo", "must be <below> hi" */
} orders[] = {
    {"euphoria.warm", "euphoria.euphoric", true, "greater than", "less than"},
    {"business_hours.start", "business_hours.end", true, "later than", "earlier than"},
    {"cooling.min_wait", "cooling.stall_after", false, "at least", "at most"},
};

static void show_value(const struct dt_config *cfg, const struct key *k, char *buf, size_t size)
{
    if (k->show)
        k->show(FIELD((struct dt_config *)cfg, char, k->off), buf, size);
    else
        snprintf(buf, size, "%.15g", field_value(cfg, k));
}

/* Every entry of the list key `name` (v[0..n)) is within internal_domains. */
static int all_internal(struct load *ld, const char *name, char *const *v, size_t n)
{
    const config_setting_t *s = ld->found[key_index(name)];
    for (size_t i = 0; i < n; i++) {
        /* Both "ann@corp.example" and "@sales.corp.example" end in "@domain". */
        if (!dt_config_is_internal(ld->cfg, v[i]))
            return fail(ld, s ? config_setting_get_elem(s, (unsigned)i) : NULL,
                        "%s: '%.80s' is not in internal_domains", name, v[i]);
    }
    return 0;
}

/* The rules that tie keys together. */
static int cross_check(struct load *ld)
{
    struct dt_config *cfg = ld->cfg;
    for (size_t i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
        const struct order *o = &orders[i];
        const struct key *lo = &keys[key_index(o->lo)], *hi = &keys[key_index(o->hi)];
        double a = field_value(cfg, lo), b = field_value(cfg, hi);
        if (o->strict ? b > a : b >= a)
            continue;
        char shown[64];
        const config_setting_t *s = ld->found[hi - keys];
        if (s) {
            show_value(cfg, lo, shown, sizeof(shown));
            return fail(ld, s, "%s: must be %s %s (%s)", o->hi, o->above, o->lo, shown);
        }
        show_value(cfg, hi, shown, sizeof(shown));
        return fail(ld, ld->found[lo - keys], "%s: must be %s %s (%s)", o->lo, o->below, o->hi,
                    shown);
    }
    if (cfg->n_languages > DT_MAX_LANGS)
        return fail(ld, ld->found[key_index("euphoria.languages")],
                    "euphoria.languages: at most %d languages", DT_MAX_LANGS);
    /* A rep outside the company could never match: is_rep requires internal. */
    if (all_internal(ld, "reps", cfg->reps, cfg->n_reps) < 0 ||
        all_internal(ld, "nudge.reps", cfg->nudge_reps, cfg->n_nudge_reps) < 0)
        return -1;
    return 0;
}

static void config_free(struct dt_config *cfg)
{
    for (size_t i = 0; i < N_KEYS; i++) {
        const struct key *k = &keys[i];
        if (k->type == KEY_STRING) {
            free(*FIELD(cfg, char *, k->off));
        } else if (k->type == KEY_STRINGS) {
            char **v = *FIELD(cfg, char **, k->off);
            for (size_t j = 0; v && v[j]; j++)
                free(v[j]);
            free(v);
        }
    }
    dt_config_digest_free(cfg);
    dt_lexicon_free(cfg->lexicon);
    dt_tz_free(cfg->tz);
    free(cfg->path);
    free(cfg);
}

static int parse(struct load *ld, config_t *lc, const char *path, const char *exe)
{
    struct stat st;
    /* libconfig says only "file I/O error"; find out which. */
    if (stat(path, &st) < 0)
        return dt_error_set(ld->err, "%s: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return dt_error_set(ld->err, "%s: %s", path, strerror(EISDIR));
    errno = 0;
    if (!config_read_file(lc, path)) {
        if (config_error_type(lc) == CONFIG_ERR_FILE_IO)
            return dt_error_set(ld->err, "%s: %s", path,
                                errno ? strerror(errno) : "cannot read the file");
        return dt_error_set(ld->err, "%s:%d: %s",
                            config_error_file(lc) ? config_error_file(lc) : path,
                            config_error_line(lc), config_error_text(lc));
    }
    struct dt_config *cfg = ld->cfg;
    dt_euphoria_defaults(&cfg->euphoria);
    dt_cooling_defaults(&cfg->cooling);
    dt_tone_defaults(&cfg->tone);
    cfg->hours =
        (struct dt_business_hours){.days = DT_WEEKDAYS, .start_min = 9 * 60, .end_min = 17 * 60};
    cfg->socket_mode = 0660;
    cfg->nudge_interval = 3600;
    if (walk(ld, config_root_setting(lc), "") < 0)
        return -1;
    for (size_t i = 0; i < N_KEYS; i++)
        if (set_key(ld, &keys[i], ld->found[i]) < 0)
            return -1;
    cfg->euphoria.langs = (const char *const *)cfg->languages;
    if (dt_config_digest_defaults(cfg) < 0)
        return fail(ld, NULL, "out of memory");
    if (cross_check(ld) < 0)
        return -1;
    struct dt_error tzerr;
    if (dt_tz_load(cfg->timezone, NULL, &cfg->tz, &tzerr) < 0)
        return fail(ld, ld->found[key_index("business_hours.timezone")],
                    "business_hours.timezone: %s", tzerr.msg);
    cfg->hours.tz = cfg->tz;
    cfg->cooling.hours = &cfg->hours;
    return dt_config_load_lexicons(cfg, exe, DT_DATADIR "/lexicons",
                                   ld->found[key_index("euphoria.lexicon_dir")],
                                   ld->found[key_index("euphoria.languages")],
                                   ld->found[key_index("profile")], ld->err);
}

int dt_config_load(const char *path, const char *exe, struct dt_config **out, struct dt_error *err)
{
    struct load ld = {.err = err};
    *out = NULL;
    if (!(ld.cfg = calloc(1, sizeof(*ld.cfg))) || !(ld.cfg->path = strdup(path))) {
        free(ld.cfg);
        return dt_error_set(err, "%s: out of memory", path);
    }
    config_t lc;
    config_init(&lc);
    int rc = parse(&ld, &lc, path, exe);
    config_destroy(&lc);
    if (rc < 0) {
        config_free(ld.cfg);
        return -1;
    }
    atomic_init(&ld.cfg->refs, 1);
    *out = ld.cfg;
    return 0;
}

struct dt_config *dt_config_ref(struct dt_config *cfg)
{
    if (cfg)
        atomic_fetch_add_explicit(&cfg->refs, 1, memory_order_relaxed);
    return cfg;
}

void dt_config_unref(struct dt_config *cfg)
{
    /* Release/acquire so the freeing thread sees every holder's last reads done. */
    if (cfg && atomic_fetch_sub_explicit(&cfg->refs, 1, memory_order_acq_rel) == 1)
        config_free(cfg);
}
