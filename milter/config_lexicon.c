/*
 * config_lexicon.c - the last step of dt_config_load(): find the lexicon
 * directory and read the lexicons the configuration names (see config.h
 * for where a missing euphoria.lexicon_dir is searched): <lang>.txt for
 * each of euphoria.languages, with profile = "recruiting" also
 * recruiting-<lang>.txt (the same format, entries of the same language,
 * read after <lang>.txt so that a recruiting entry replaces a general one
 * of the same phrase and sort), then common.txt.
 *
 * Internal (config_int.h): dt_config_load_lexicons(), called by config.c
 * once every key is set and checked.
 *
 * Failure: -1 with one line in err. A directory problem names the
 * configuration file (and the line of euphoria.lexicon_dir when the file
 * set it); a lexicon that cannot be read names the key that asked for it
 * at its line ("x.conf:4: euphoria.languages: 'de': /usr/share/dealtemp/
 * lexicons/de.txt: No such file or directory"; a recruiting lexicon is
 * blamed on the profile line); a problem inside a lexicon
 * names the lexicon file and line, as dt_lexicon_add() words it. What was
 * allocated stays in cfg for config.c to free.
 */
#include "dealtemp/config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libconfig.h>

#include "dealtemp/buf.h"
#include "config_int.h"

/* A lexicon file larger than this is a mistake, not a vocabulary. */
#define LEXICON_MAX (16u << 20)

static int read_whole(const char *path, char **out, size_t *len, struct dt_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return dt_error_set(err, "%s: %s", path, strerror(errno));
    struct dt_buf b = DT_BUF_INIT;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0 && b.len <= LEXICON_MAX)
        dt_buf_append(&b, chunk, n);
    int bad = ferror(fp), saved = errno;
    fclose(fp);
    if (bad) {
        dt_buf_free(&b);
        return dt_error_set(err, "%s: %s", path, strerror(saved));
    }
    if (b.len > LEXICON_MAX) {
        dt_buf_free(&b);
        return dt_error_set(err, "%s: larger than %u bytes", path, LEXICON_MAX);
    }
    *out = dt_buf_steal(&b, len);
    if (!*out)
        return dt_error_set(err, "%s: out of memory", path);
    return 0;
}

/* Who asked for a lexicon: the key to blame, its setting (NULL: a default), a note. */
struct asker {
    const char *key;
    const config_setting_t *at;
    const char *note;
};

/*
 * Read one lexicon. A file that cannot be read is blamed on the key that
 * named it, at its line in the configuration, since that is where it is
 * fixed; what is wrong inside a file is said at the lexicon's own line
 * (dt_lexicon_add).
 */
static int add_lexicon(struct dt_config *cfg, const char *lang, const char *file,
                       const struct asker *by, struct dt_error *err)
{
    char path[PATH_MAX + 64], *buf;
    size_t len;
    struct dt_error why;
    snprintf(path, sizeof(path), "%s/%s", cfg->lexicon_dir, file);
    if (read_whole(path, &buf, &len, &why) < 0)
        return dt_config_fail(err, cfg, by->at, "%s: %s%s", by->key, why.msg, by->note);
    int rc = dt_lexicon_add(cfg->lexicon, lang, path, buf, len, err);
    free(buf);
    return rc;
}

/* <dir of exe>/../conf/lexicons etc.; the first holding common.txt wins. */
static int find_lexicon_dir(struct dt_config *cfg, const char *exe, const char *datadir,
                            struct dt_error *err)
{
    static const char *const beside_exe[] = {"/../conf/lexicons", "/../share/dealtemp/lexicons"};
    char self[PATH_MAX];
    if (!exe || !strchr(exe, '/')) {
        /* argv[0] found through PATH says nothing about where we live. */
        ssize_t got = readlink("/proc/self/exe", self, sizeof(self) - 1);
        exe = NULL;
        if (got > 0) {
            self[got] = '\0';
            exe = self;
        }
    }
    struct dt_buf tried = DT_BUF_INIT, cand = DT_BUF_INIT;
    for (size_t i = 0; i < 3 && !cfg->lexicon_dir; i++) {
        dt_buf_reset(&cand);
        if (i < 2 && !exe)
            continue;
        if (i < 2) {
            dt_buf_append(&cand, exe, (size_t)(strrchr(exe, '/') - exe));
            dt_buf_puts(&cand, beside_exe[i]);
        } else {
            dt_buf_puts(&cand, datadir);
        }
        dt_buf_printf(&tried, "%s%s", tried.len ? ", " : "", cand.data);
        size_t dirlen = cand.len;
        dt_buf_puts(&cand, "/common.txt");
        if (dt_buf_failed(&cand) || access(cand.data, R_OK) < 0)
            continue;
        cand.data[dirlen] = '\0';
        cfg->lexicon_dir = realpath(cand.data, NULL);
    }
    if (!cfg->lexicon_dir)
        dt_config_fail(err, cfg, NULL,
                       "no lexicon directory found (tried %s); set euphoria.lexicon_dir",
                       tried.data ? tried.data : "nothing");
    dt_buf_free(&tried);
    dt_buf_free(&cand);
    return cfg->lexicon_dir ? 0 : -1;
}

int dt_config_load_lexicons(struct dt_config *cfg, const char *exe, const char *datadir,
                            const config_setting_t *dir, const config_setting_t *langs,
                            const config_setting_t *profile, struct dt_error *err)
{
    if (cfg->lexicon_dir) {
        struct stat st;
        if (stat(cfg->lexicon_dir, &st) < 0)
            return dt_config_fail(err, cfg, dir, "euphoria.lexicon_dir: %s: %s", cfg->lexicon_dir,
                                  strerror(errno));
        if (!S_ISDIR(st.st_mode))
            return dt_config_fail(err, cfg, dir, "euphoria.lexicon_dir: %s: %s", cfg->lexicon_dir,
                                  strerror(ENOTDIR));
    } else if (find_lexicon_dir(cfg, exe, datadir, err) < 0) {
        return -1;
    }
    if (!(cfg->lexicon = dt_lexicon_new()))
        return dt_config_fail(err, cfg, NULL, "out of memory");
    for (size_t i = 0; i < cfg->n_languages; i++) {
        char file[16], key[64], note[96];
        /* The language's entry in the file; else the directory, if the file set it. */
        struct asker by = {key, dir, note};
        snprintf(file, sizeof(file), "%s.txt", cfg->languages[i]);
        snprintf(note, sizeof(note),
                 " (the lexicon of '%s', one of the default euphoria.languages)",
                 cfg->languages[i]);
        if (langs != NULL) {
            snprintf(key, sizeof(key), "euphoria.languages: '%s'", cfg->languages[i]);
            by.at = config_setting_get_elem(langs, (unsigned)i);
            note[0] = '\0';
        } else {
            snprintf(key, sizeof(key), "%s", dir ? "euphoria.lexicon_dir" : "euphoria.languages");
        }
        if (add_lexicon(cfg, cfg->languages[i], file, &by, err) < 0)
            return -1;
        if (cfg->profile != DT_PROFILE_RECRUITING)
            continue;
        char rfile[32];
        snprintf(rfile, sizeof(rfile), "recruiting-%s.txt", cfg->languages[i]);
        snprintf(note, sizeof(note), " (the recruiting lexicon of '%s')", cfg->languages[i]);
        struct asker recruiting = {"profile", profile, note};
        if (add_lexicon(cfg, cfg->languages[i], rfile, &recruiting, err) < 0)
            return -1;
    }
    struct asker common = {"euphoria.lexicon_dir", dir, dir ? "" : " (not set: the one found)"};
    return add_lexicon(cfg, "*", "common.txt", &common, err);
}
