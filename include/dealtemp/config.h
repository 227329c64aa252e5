/*
 * config.h - the libconfig file -> one immutable struct dt_config.
 *
 * A configuration is loaded whole (file, then every lexicon it names) and
 * validated before anyone sees it; it is never modified afterwards, so any
 * number of threads may read it. Holders take a reference (dt_config_ref)
 * and drop it when done (dt_config_unref); the milter swaps its current
 * configuration on reload, and messages in flight keep the one they began
 * with.
 *
 * Errors name the place: "conf/dealtemp.conf:12: euphoria.warm: must be
 * between 0 and 1", "conf/dealtemp.conf:3: unknown key 'socekt'",
 * "/etc/dealtemp/lexicons/nl.txt:40: weight is not a number". One line.
 *
 * The time zone of business_hours is read (dt_tz_load, from
 * /usr/share/zoneinfo) at load time: an unknown zone is a load error, and
 * a loaded configuration never touches the disk again.
 *
 * Relative paths in the file (database, euphoria.lexicon_dir) are taken
 * relative to the current directory at load time and stored absolute.
 * Without euphoria.lexicon_dir the lexicons are searched in
 * <exe>/../conf/lexicons (a build tree), <exe>/../share/dealtemp/lexicons
 * (an installed tree) and DT_DATADIR/lexicons, first found wins.
 */
#ifndef DEALTEMP_CONFIG_H
#define DEALTEMP_CONFIG_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "dealtemp/bizcal.h"
#include "dealtemp/buf.h"
#include "dealtemp/cooling.h"
#include "dealtemp/error.h"
#include "dealtemp/euphoria.h"
#include "dealtemp/tone.h"
#include "dealtemp/lexicon.h"

/*
 * Whom the reps write to: customers about deals (sales), or candidates
 * about roles and offers (recruiting: the digests say so, and the
 * recruiting-<lang>.txt lexicons are read besides <lang>.txt).
 */
enum dt_profile { DT_PROFILE_SALES, DT_PROFILE_RECRUITING, DT_PROFILE_COUNT };

struct dt_config {
    char *path;              /* the file loaded, as given */
    enum dt_profile profile; /* profile: "sales" (default) or "recruiting" */
    char *socket;            /* libmilter socket spec ("inet:8895@127.0.0.1") */
    char *database;          /* absolute path of the SQLite file, or a postgresql:// URL as written */
    char **internal_domains; /* lower-cased, NULL-terminated; at least one */
    size_t n_internal_domains;
    char **reps;             /* lower-cased addresses or "@domain"; NULL-terminated, may be empty */
    size_t n_reps;
    char *header_prefix;     /* "X-Deal-" */

    /* the daemon (dealtemp-milter; a reload does not change these) */
    char *user;              /* "" (stay who we are), "USER" or "USER:GROUP" */
    unsigned socket_mode;    /* permission bits of a unix socket (0660) */
    char *socket_group;      /* group of a unix socket, "" for unchanged */
    char *pidfile;           /* absolute path, or "" for none */

    /* store.*: how the milter uses the database (PostgreSQL above all) */
    int pool_size;           /* connections per milter process (4) */
    int connect_timeout_ms;  /* a connection may take this long (300) */
    int statement_timeout_ms; /* one store call may take this long (500) */
    char *spool;             /* absolute path of the local spool while the database is away */
    int spool_max_mb;        /* the spool's bound (64) */

    /* deal threads */
    bool store_subjects;     /* the store keeps subjects (true) */
    int retention_days;      /* events older than this are purged (365) */
    int thread_window_days;  /* the subject fallback joins only within this (30) */

    /* euphoria.* */
    char **languages;        /* NULL-terminated, e.g. {"en","nl",NULL} */
    size_t n_languages;
    char *lexicon_dir;       /* absolute; the directory actually used */
    size_t scan_limit;       /* bytes of a message read (256 KiB) */
    struct dt_euphoria_params euphoria; /* euphoria.langs points into languages */
    struct dt_lexicon *lexicon; /* <lang>.txt for each language plus common.txt */

    /* log.* */
    int log_level;           /* syslog priority: LOG_DEBUG .. LOG_ERR (LOG_INFO) */
    int log_facility;        /* syslog facility (LOG_MAIL) */

    /* business_hours.*: Monday to Friday, 09:00-17:00 UTC by default */
    struct dt_business_hours hours; /* hours.tz == tz */
    char *timezone;          /* the IANA name, as configured ("UTC") */
    struct dt_tz *tz;        /* loaded at load time; owned, freed with the config */

    /* cooling.*: durations in seconds; cooling.hours == &hours */
    struct dt_cooling_params cooling;

    /* customer.*: the customer's side (tone.h) */
    bool customer_tone;       /* score the customer's replies (true) */
    struct dt_tone_params tone;
    char **freemail;          /* customer.freemail_domains: lower-cased domains, NULL-terminated */
    size_t n_freemail;

    /* nudge.*: the same-hour note to a rep after a euphoric mail (nudge.h) */
    char **nudge_reps;        /* lower-cased addresses or "@domain"; empty = no nudges (default) */
    size_t n_nudge_reps;
    long nudge_interval;      /* seconds: at most one nudge per rep in this long (3600) */

    /* report.*: the team's evidence (outcomes.h) */
    long report_window;       /* an outbound mail answered within this counts as answered (7 d) */

    /* digest.* */
    char *digest_from;        /* sender of digests ("dealtemp@<first internal domain>") */
    char *digest_sendmail;    /* "/usr/sbin/sendmail -t -i" */
    char *digest_smtp;        /* "host:port" to deliver by SMTP instead, or NULL */
    bool digest_send_empty;   /* mail reps with nothing to report too (false) */
    char *digest_language;    /* "en" (default), "nl", "de", "fr": for those languages omits */
    struct dt_digest_language_rule {
        char *rep;            /* lower-cased "ann@corp.example" or "@corp.example" */
        const char *language; /* static: one of dt_digest_language_code()'s, never freed */
        unsigned line;        /* where the file lists it, for messages */
    } *digest_languages;      /* digest.languages, in file order; n_digest_languages may be 0 */
    size_t n_digest_languages;
    struct dt_digest_manager {
        char *address;
        char **reps;          /* lower-cased, NULL-terminated */
        size_t n_reps;
        bool weekly_report;   /* Mondays: the reps' evidence in the roll-up (false) */
    } *managers;              /* digest.managers; n_managers may be 0 */
    size_t n_managers;

    atomic_uint refs;        /* managed by dt_config_ref/unref; do not touch */
};

/*
 * Load and validate path. exe is argv[0] or /proc/self/exe's target, used
 * to find the lexicons when euphoria.lexicon_dir is not set (may be NULL).
 * Returns 0 and *out with one reference, or -1 with err set.
 */
int dt_config_load(const char *path, const char *exe, struct dt_config **out,
                   struct dt_error *err);

/*
 * What check-config adds to loading (config_lint.c): warnings about the
 * system a loaded configuration points at - a SQLite database whose
 * directory is missing or not writable by whoever runs the check. One
 * line each, "FILE:LINE: warning: database: reason", appended to out;
 * returns how many. Never fails (allocation failures stick in out).
 */
int dt_config_lint(const struct dt_config *cfg, struct dt_buf *out);

struct dt_config *dt_config_ref(struct dt_config *cfg);
/* Drop a reference; the last one frees. Accepts NULL. Thread-safe. */
void dt_config_unref(struct dt_config *cfg);

/* addr (any case, "user@domain") is in internal_domains (exact or subdomain). */
bool dt_config_is_internal(const struct dt_config *cfg, const char *addr);
/* addr is in list[0..n): by address, or by "@domain" (subdomains too); case ignored. */
bool dt_address_listed(char *const *list, size_t n, const char *addr);

/* addr is a rep: internal, and listed in reps (by address or @domain) if reps is non-empty. */
bool dt_config_is_rep(const struct dt_config *cfg, const char *addr);

/*
 * How closely entry ("ann@corp.example" or "@corp.example") covers addr:
 * 0 not at all; else more for a closer match - the address itself beats
 * every domain, and a domain beats the domains it is a subdomain of
 * ("@eu.corp.example" over "@corp.example"). Case ignored; the rule of
 * dt_address_listed (which is "any entry above 0").
 */
size_t dt_address_match(const char *entry, const char *addr);

/*
 * The language ("en", "nl", "de", "fr") of the digest or roll-up mailed
 * to addr: the closest entry of digest.languages (dt_address_match), else
 * digest.language, else "en". The one place that decides it. Never NULL;
 * the string lives as long as cfg.
 */
const char *dt_config_digest_language_for(const struct dt_config *cfg, const char *addr);

#endif
