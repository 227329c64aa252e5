/*
 * fuzz_config.c - a configuration file and a lexicon file, as a careless
 * or hostile hand writes them: dt_config_load() (libconfig's grammar, the
 * key table, every value check, the lexicons it names) on the input as a
 * file, then dt_lexicon_add() on the same bytes as a lexicon, and the
 * input scored with the lexicon it defined.
 *
 * dt_config_load takes a path only, so the input is written to one
 * temporary file (made by init, rewritten for each input, removed at exit).
 * Relative paths in it are taken from the current directory: the replay
 * suite and `make fuzz` run from the top of the tree, so the seeds'
 * "./tests/data/lexicons-min" is found.
 *
 * Contracts checked besides memory safety: a load error is one line
 * (config.h: it goes to a log line as it is); a loaded configuration lints;
 * a lexicon that fails to load is left unchanged (empty here); loading the
 * same lexicon twice holds the same number of entries (a repeated entry
 * replaces the earlier one, lexicon.h).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dealtemp/euphoria.h"
#include "dealtemp/lexicon.h"
#include "fuzz.h"

static char path[4096];
static char exe[4096];
static int fd = -1;

static void remove_file(void)
{
    if (path[0] != '\0')
        unlink(path);
}

int dt_fuzz_config_init(const char *top)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof(path), "%s/dt-fuzz-config-XXXXXX", tmp != NULL && tmp[0] ? tmp : "/tmp");
    if ((fd = mkstemp(path)) < 0) {
        perror(path);
        path[0] = '\0';
        return -1;
    }
    atexit(remove_file);
    snprintf(exe, sizeof(exe), "%s", dt_fuzz_exe(top));
    return 0;
}

static void one_line(const struct dt_error *err, const char *what)
{
    DT_FUZZ_ASSERT(err->msg[0] != '\0', what);
    DT_FUZZ_ASSERT(strpbrk(err->msg, "\r\n") == NULL, what);
}

static void config(const uint8_t *data, size_t size)
{
    if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size) {
        perror(path);
        abort();
    }
    struct dt_config *cfg = NULL;
    struct dt_error err = {{0}};
    if (dt_config_load(path, exe, &cfg, &err) < 0) {
        one_line(&err, "a configuration error is not one line");
        DT_FUZZ_ASSERT(cfg == NULL, "a failed load left a configuration");
        return;
    }
    struct dt_buf lint = DT_BUF_INIT;
    dt_config_lint(cfg, &lint);
    dt_buf_free(&lint);
    dt_config_unref(cfg);
}

static void lexicon(const uint8_t *data, size_t size)
{
    struct dt_lexicon *lex = dt_lexicon_new();
    struct dt_error err = {{0}};
    const char *buf = (const char *)data;
    if (lex == NULL)
        abort();
    if (dt_lexicon_add(lex, "en", "fuzz.txt", buf, size, &err) < 0) {
        one_line(&err, "a lexicon error is not one line");
        DT_FUZZ_ASSERT(dt_lexicon_size(lex, "en") == 0 && dt_lexicon_size(lex, "*") == 0,
                       "a failed dt_lexicon_add changed the lexicon");
        dt_lexicon_free(lex);
        return;
    }
    size_t n = dt_lexicon_size(lex, "en");
    DT_FUZZ_ASSERT(dt_lexicon_add(lex, "en", "fuzz.txt", buf, size, &err) == 0,
                   "a lexicon loaded once fails the second time");
    DT_FUZZ_ASSERT(dt_lexicon_size(lex, "en") == n, "a repeated entry was counted twice");

    struct dt_euphoria_params p;
    dt_euphoria_defaults(&p);
    static const char *const langs[] = {"en", NULL};
    p.langs = langs;
    struct dt_score s;
    if (dt_euphoria_score(lex, &p, buf, size, &s, &err) == 0)
        dt_score_clear(&s);
    dt_lexicon_free(lex);
}

int dt_fuzz_config(const uint8_t *data, size_t size)
{
    config(data, size);
    lexicon(data, size);
    return 0;
}

DT_FUZZ_ENTRY(config)
