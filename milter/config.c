/*
 * config.c - load, validate and share the configuration (see config.h).
 *
 * Public: dt_config_load(), dt_config_ref(), dt_config_unref()
 * (dt_config_is_internal() and dt_config_is_rep() are in config_match.c).
 *
 * Every key the file may hold is one row of dt_config_keys[] (config_keys.c):
 * its dotted name, type, default, range and the field of struct dt_config it
 * fills. The loader walks the parsed file against that table (a key not in
 * it is an error, wherever it sits, naming the known key it is closest to),
 * fills defaults for the rest, checks the few rules that tie keys together
 * (orders[]), loads the business-hours time zone, then reads the lexicons
 * (config_lexicon.c). Adding a key is adding a field and a row; durations,
 * times of day and working days are parsed in config_deals.c, the digest
 * managers in config_digest.c.
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
#include "config_keys.h"

/*
 * The last place the lexicons are looked for. It is compiled in here, not
 * in config_lexicon.c, because config.o is the object rebuilt when the
 * installation paths change (see the Makefile).
 */
#ifndef DT_DATADIR
#define DT_DATADIR "/usr/local/share/dealtemp"
#endif

struct load {
    struct dt_config *cfg;
    const config_setting_t *found[DT_CONFIG_MAX_KEYS]; /* where each key was set, or NULL */
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
    for (size_t i = 0; i < dt_config_n_keys; i++)
        if (strcmp(dt_config_keys[i].name, name) == 0)
            return i;
    return dt_config_n_keys;
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
    for (size_t i = 0; i < dt_config_n_keys; i++) {
        size_t d = dt_config_distance(name, dt_config_keys[i].name);
        if (d < best_d && 2 * d < len) {
            best = dt_config_keys[i].name;
            best_d = d;
        }
    }
    for (size_t i = 0; best == NULL && i < dt_config_n_keys; i++) {
        const char *dot = strrchr(dt_config_keys[i].name, '.');
        if (strcmp(dot ? dot + 1 : dt_config_keys[i].name, last) == 0)
            best = dt_config_keys[i].name;
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
        if (k == dt_config_n_keys) {
            const char *near = suggest(name);
            if (near != NULL)
                return fail(ld, s, "unknown key '%s' (did you mean '%s'?)", name, near);
            return fail(ld, s, "unknown key '%s'", name);
        }
        ld->found[k] = s;
        if (dt_config_keys[k].type == KEY_GROUP) {
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
        const struct key *lo = &dt_config_keys[key_index(o->lo)],
                         *hi = &dt_config_keys[key_index(o->hi)];
        double a = field_value(cfg, lo), b = field_value(cfg, hi);
        if (o->strict ? b > a : b >= a)
            continue;
        char shown[64];
        const config_setting_t *s = ld->found[hi - dt_config_keys];
        if (s) {
            show_value(cfg, lo, shown, sizeof(shown));
            return fail(ld, s, "%s: must be %s %s (%s)", o->hi, o->above, o->lo, shown);
        }
        show_value(cfg, hi, shown, sizeof(shown));
        return fail(ld, ld->found[lo - dt_config_keys], "%s: must be %s %s (%s)", o->lo, o->below,
                    o->hi, shown);
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
    for (size_t i = 0; i < dt_config_n_keys; i++) {
        const struct key *k = &dt_config_keys[i];
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
    cfg->report_window = 7 * 86400L;
    cfg->hours =
        (struct dt_business_hours){.days = DT_WEEKDAYS, .start_min = 9 * 60, .end_min = 17 * 60};
    cfg->socket_mode = 0660;
    cfg->nudge_interval = 3600;
    if (walk(ld, config_root_setting(lc), "") < 0)
        return -1;
    for (size_t i = 0; i < dt_config_n_keys; i++)
        if (set_key(ld, &dt_config_keys[i], ld->found[i]) < 0)
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
    return dt_config_load_lexicons(
        cfg, exe, DT_DATADIR "/lexicons", ld->found[key_index("euphoria.lexicon_dir")],
        ld->found[key_index("euphoria.languages")], ld->found[key_index("profile")], ld->err);
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
