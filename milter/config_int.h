/*
 * config_int.h - the value checks of config.c, kept in config_check.c
 * (strings), config_deals.c (durations, times of day, working days) and
 * config_digest.c (the digest group: language, managers, defaults); and
 * what config.c and config_lexicon.c (reading the lexicons) share.
 * Not a public contract: config.c and tests/check_config*.c include it.
 *
 * Each check gets a malloc'ed copy of one configured string in *v. It may
 * rewrite it in place (lower-casing) or replace it with a new malloc'ed
 * string (a relative path made absolute; the old one is freed). It returns
 * 0, or -1 with a one-line reason in why[size] (the key name is added by
 * the caller: "socket: 'x' is not a milter socket ...").
 */
#ifndef DEALTEMP_CONFIG_INT_H
#define DEALTEMP_CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <libconfig.h>

struct dt_config;
struct dt_error;

typedef int dt_config_check_fn(char **v, char *why, size_t size);

/* unix:/path, local:/path, inet:PORT@HOST, inet6:PORT@HOST or fd:N. */
dt_config_check_fn dt_config_check_socket;
/* Not empty, no control characters; relative -> absolute against the cwd. */
dt_config_check_fn dt_config_check_path;
/* "postgresql://..." or "postgres://..." as written (store.c decides), else a path. */
dt_config_check_fn dt_config_check_database;
/* A domain name of two or more labels; lower-cased, a leading '@' dropped. */
dt_config_check_fn dt_config_check_domain;
/* "ann@corp.example" or "@sales.corp.example"; lower-cased. */
dt_config_check_fn dt_config_check_rep;
/* 1..40 printable ASCII characters, no ':' and no space. */
dt_config_check_fn dt_config_check_header_prefix;
/* A two-letter language code; lower-cased. */
dt_config_check_fn dt_config_check_language;
/* An IANA zone name ("Europe/Amsterdam", "UTC"): syntax only, no "..". */
dt_config_check_fn dt_config_check_timezone;
/* A bare address, "name@domain.example"; kept as written. */
dt_config_check_fn dt_config_check_address;
/* A command line: not blank, no control characters. */
dt_config_check_fn dt_config_check_command;
/* "host:port" or "[IPv6]:port", port 1..65535. */
dt_config_check_fn dt_config_check_hostport;
/* A language digests are written in (dt_digest_language_code: en, nl, de, fr); lower-cased. */
dt_config_check_fn dt_config_check_digest_language;
/* "" (no change), "USER" or "USER:GROUP": names (or numeric ids); syntax only. */
dt_config_check_fn dt_config_check_user;
/* "" (no change) or a group name (or numeric id); syntax only. */
dt_config_check_fn dt_config_check_group;
/* "" (none), or as dt_config_check_path. */
dt_config_check_fn dt_config_check_optional_path;

/*
 * Values that are not stored as the string the file holds. A parse
 * function reads setting s (never NULL: these keys' defaults are set
 * before the file is read) into *field, or returns -1 with a reason in
 * why[size] and in *at the setting to blame (s, or one element of a list).
 * A show function prints a field's value back the way a file would say it.
 */
typedef int dt_config_parse_fn(const config_setting_t *s, void *field, const config_setting_t **at,
                               char *why, size_t size);
typedef void dt_config_show_fn(const void *field, char *buf, size_t size);

/* long seconds: "90s", "45m", "36h", "3d", "2w", or a whole number of seconds. */
dt_config_parse_fn dt_config_parse_duration;
dt_config_show_fn dt_config_show_duration;
/* int minutes after midnight: "09:00" (H:MM or HH:MM, 00:00 to 24:00). */
dt_config_parse_fn dt_config_parse_time;
dt_config_show_fn dt_config_show_time;
/* unsigned permission bits: a string of octal digits, "0660", 0 .. 0777. */
dt_config_parse_fn dt_config_parse_mode;
/* unsigned weekday bits (bit 0 = Sunday): a list of "mon" .. "sun", any case. */
dt_config_parse_fn dt_config_parse_days;
/*
 * digest.managers: field is the whole struct dt_config, whose managers and
 * n_managers it fills (internal_domains must be loaded: a manager's reps
 * must be internal). What it allocated is freed by dt_config_digest_free,
 * also after a failure.
 */
dt_config_parse_fn dt_config_parse_managers;
/*
 * digest.languages: field is the whole struct dt_config, whose
 * digest_languages and n_digest_languages it fills (internal_domains and
 * the managers must be loaded: an entry must be able to match a digest's
 * recipient). Freed by dt_config_digest_free, also after a failure.
 */
dt_config_parse_fn dt_config_parse_languages;

/* The digest defaults that depend on other keys: digest.from is
 * "dealtemp@<first internal domain>" when unset. 0, or -1 out of memory. */
int dt_config_digest_defaults(struct dt_config *cfg);
/* Free the managers and languages (the digest strings are freed with the other keys). */
void dt_config_digest_free(struct dt_config *cfg);

/* The longest duration accepted: 3650 days, so factor x duration fits a long. */
#define DT_CONFIG_DURATION_MAX (3650L * 86400)

/* The text forms, for the parse functions above and for tests. 0 or -1 and why. */
int dt_config_duration(const char *text, long *secs, char *why, size_t size);
int dt_config_time_of_day(const char *text, int *minutes, char *why, size_t size);

/*
 * Fill err with "FILE:LINE: message" for the line of setting s, or with
 * "FILE: message" (cfg->path) when s is NULL or has no line; returns -1.
 * config.c's loader words every failure this way; so do the lexicons.
 */
int dt_config_fail(struct dt_error *err, const struct dt_config *cfg, const config_setting_t *s,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Read cfg->lexicon: <lang>.txt for each of cfg->languages (and, with the
 * recruiting profile, recruiting-<lang>.txt after each), then common.txt,
 * from cfg->lexicon_dir. When that is unset, look beside exe (see
 * config.h), then in datadir, and store the directory found. dir, langs
 * and profile are the euphoria.lexicon_dir, euphoria.languages and
 * profile settings (NULL when the file has none), so that a lexicon that
 * cannot be read is blamed on the line that named it. 0, or -1 with err
 * set (config_lexicon.c); cfg keeps what was allocated either way.
 */
int dt_config_load_lexicons(struct dt_config *cfg, const char *exe, const char *datadir,
                            const config_setting_t *dir, const config_setting_t *langs,
                            const config_setting_t *profile, struct dt_error *err);

/*
 * The edit distance between two key names: insertions, deletions,
 * substitutions and swaps of neighbouring characters, each 1
 * (config_check.c). For "did you mean" in the message about an unknown key.
 */
size_t dt_config_distance(const char *a, const char *b);

/*
 * libconfig reads an integer literal that does not fit an int as the value
 * modulo 2^32; false when the file's literal for s is not v (config.c).
 */
bool dt_config_int_faithful(const config_setting_t *s, long long v);

#endif
