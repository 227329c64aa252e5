/*
 * config_keys.c - every key of the configuration file: its dotted name,
 * type, the field of struct dt_config it fills, its bounds or allowed
 * names, its default and its check (config.c reads the file by this table;
 * conf/dealtemp.conf documents each key).
 */
#include "config_keys.h"

#include <stdbool.h>
#include <stddef.h>
#include <syslog.h>

#include "dealtemp/config.h"

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

const struct key dt_config_keys[] = {
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
    {.name = "profile",
     .type = KEY_ENUM,
     .off = OFF(profile),
     .store = ST_PROFILE,
     .def_str = "sales",
     .names = profiles},
    STRING("user", user, "", dt_config_check_user),
    {.name = "socket_mode",
     .type = KEY_PARSED,
     .flags = PRESET,
     .off = OFF(socket_mode),
     .store = ST_UNSIGNED,
     .parse = dt_config_parse_mode},
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
    {.name = "cooling.usual_threads",
     .type = KEY_NUMBER,
     .flags = PRESET | INTEGER,
     .off = OFF(cooling.usual_threads),
     .store = ST_INT,
     .min = 1,
     .max = 100000},

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

    {.name = "report", .type = KEY_GROUP},
    DURATION("report.window", report_window),

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

const size_t dt_config_n_keys = sizeof(dt_config_keys) / sizeof(dt_config_keys[0]);
_Static_assert(sizeof(dt_config_keys) / sizeof(dt_config_keys[0]) <= DT_CONFIG_MAX_KEYS,
               "raise DT_CONFIG_MAX_KEYS");
