/*
 * config_lint.c - what `dealtemp check-config` and `dealtemp-milter -n` say
 * about a configuration that loaded: the parts of the system it points at
 * that will not work as it stands (see config.h).
 *
 * Public: dt_config_lint(). Today one check: the directory of a SQLite
 * `database` must exist and be writable, and so must the file if it
 * exists ("postgresql://..." is not a path and is left alone).
 *
 * These are warnings, not load errors: the milter runs without its store
 * (mail still gets X-Deal-Euphoria; only threads, latencies and digests
 * are missing), the check often runs as another user than the milter
 * (root, an admin) so what it can write proves little either way, and the
 * directory is often made at service start (tmpfiles.d, /var/lib/dealtemp).
 *
 * Failure: none; each warning is one line "FILE:LINE: warning: database:
 * reason" appended to out (the line is looked up by reading the file
 * again; "FILE: warning: ..." when the key took its default or the file
 * cannot be read again). Allocation failures are sticky in out.
 */
#include "dealtemp/config.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libconfig.h>

#include "config_int.h"

#include "dealtemp/store.h"

/* "FILE:LINE: warning: database: <why>" for the line of `key` in cfg's file. */
static void warn(const struct dt_config *cfg, const char *key, const char *why, struct dt_buf *out)
{
    config_t lc;
    struct dt_error line;
    config_init(&lc);
    const config_setting_t *s =
        config_read_file(&lc, cfg->path) == CONFIG_TRUE ? config_lookup(&lc, key) : NULL;
    dt_config_fail(&line, cfg, s, "warning: %s: %s", key, why);
    config_destroy(&lc);
    dt_buf_printf(out, "%s\n", line.msg);
}

/* "uid 1000 (ann)": who this check ran as, since writability depends on it. */
static void whoami(char *buf, size_t size)
{
    uid_t uid = geteuid();
    struct passwd *pw = getpwuid(uid);
    if (pw != NULL)
        snprintf(buf, size, "%s (uid %ld)", pw->pw_name, (long)uid);
    else
        snprintf(buf, size, "uid %ld", (long)uid);
}

/*
 * A file the milter must be able to create: its directory exists and is
 * writable, and the file, if there, is writable. 1 with a warning, else 0.
 */
static int lint_file(const struct dt_config *cfg, const char *key, const char *file,
                     const char *effect, struct dt_buf *out)
{
    const char *slash = strrchr(file, '/');
    char dir[4096], why[4096 + 512], who[128];
    if (slash == NULL)
        snprintf(dir, sizeof(dir), ".");
    else if (slash == file)
        snprintf(dir, sizeof(dir), "/");
    else
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - file), file);
    struct stat st;
    whoami(who, sizeof(who));
    if (stat(dir, &st) < 0) {
        snprintf(why, sizeof(why), "directory %s: %s; %s until it %s", dir, strerror(errno), effect,
                 errno == ENOENT ? "is created" : "can be reached");
    } else if (!S_ISDIR(st.st_mode)) {
        snprintf(why, sizeof(why), "%s is not a directory; %s", dir, effect);
    } else if (access(dir, W_OK | X_OK) < 0) {
        snprintf(why, sizeof(why),
                 "directory %s is not writable by %s, who ran this check; %s "
                 "if it runs as that user too",
                 dir, who, effect);
    } else if (access(file, F_OK) == 0 && access(file, W_OK) < 0) {
        snprintf(why, sizeof(why),
                 "%s is not writable by %s, who ran this check; %s if it runs "
                 "as that user too",
                 file, who, effect);
    } else {
        return 0;
    }
    warn(cfg, key, why, out);
    return 1;
}

/* SQLite: the database file. PostgreSQL: the spool it falls back on. */
static int lint_database(const struct dt_config *cfg, struct dt_buf *out)
{
    if (cfg->database == NULL)
        return 0;
    if (dt_store_is_pg(cfg->database))
        return cfg->spool == NULL
                   ? 0
                   : lint_file(cfg, "store.spool", cfg->spool,
                               "while the database is away the milter will keep no facts for it",
                               out);
    return lint_file(cfg, "database", cfg->database,
                     "the milter will add X-Deal-Euphoria but keep no deal threads", out);
}

int dt_config_lint(const struct dt_config *cfg, struct dt_buf *out)
{
    return lint_database(cfg, out);
}
