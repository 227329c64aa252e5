/*
 * fuzz_common.c - what the fuzz targets share (fuzz.h): loading a
 * configuration from the source tree, and a reader that turns input bytes
 * into numbers and strings for targets that build structures.
 *
 * Also: a thread with a small stack for the parsers (dt_fuzz_on_stack),
 * which contracts are known broken (dt_fuzz_pending), LeakSanitizer's
 * suppressions, and a strict JSON checker for the JSON lines dealtemp writes.
 *
 * Failure: a configuration that does not load is printed and NULL
 * returned (the target's init then fails); the reader never fails but by
 * aborting when memory runs out, which libFuzzer reports as an OOM.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dealtemp/utf8.h"
#include "fuzz.h"

const char *__lsan_default_suppressions(void)
{
    return "leak:libconfig_yylex\nleak:strbuf_append\n";
}

bool dt_fuzz_pending(const char *id)
{
    const char *list = getenv("DT_FUZZ_PENDING");
    size_t n = strlen(id);
    for (const char *p = list; p != NULL && *p != '\0';) {
        p += strspn(p, ", \t\n");
        size_t len = strcspn(p, ", \t\n");
        if (len == n && memcmp(p, id, n) == 0)
            return true;
        p += len;
    }
    return false;
}

struct on_stack {
    void (*fn)(void *);
    void *arg;
};

static void *on_stack_main(void *p)
{
    struct on_stack *o = p;
    o->fn(o->arg);
    return NULL;
}

void dt_fuzz_on_stack(void (*fn)(void *), void *arg)
{
    pthread_attr_t attr;
    pthread_t t;
    struct on_stack o = {fn, arg};
    if (pthread_attr_init(&attr) != 0 || pthread_attr_setstacksize(&attr, DT_FUZZ_STACK) != 0 ||
        pthread_create(&t, &attr, on_stack_main, &o) != 0) {
        fprintf(stderr, "fuzz: cannot start a thread\n");
        abort();
    }
    pthread_join(t, NULL);
    pthread_attr_destroy(&attr);
}

const char *dt_fuzz_exe(const char *top)
{
    static char exe[4096];
    snprintf(exe, sizeof(exe), "%s/tests/dealtemp", top);
    return exe;
}

struct dt_config *dt_fuzz_config_load(const char *top, const char *rel)
{
    char path[4096];
    struct dt_config *cfg = NULL;
    struct dt_error err = {{0}};

    snprintf(path, sizeof(path), "%s/%s", top, rel);
    if (dt_config_load(path, dt_fuzz_exe(top), &cfg, &err) < 0) {
        fprintf(stderr, "fuzz: %s\n", err.msg);
        return NULL;
    }
    return cfg;
}

void dt_fuzz_reader_init(struct dt_fuzz_reader *r, const uint8_t *data, size_t size)
{
    memset(r, 0, sizeof(*r));
    r->p = data;
    r->left = size;
}

void dt_fuzz_reader_free(struct dt_fuzz_reader *r)
{
    for (size_t i = 0; i < r->n_owned; i++)
        free(r->owned[i]);
    free(r->owned);
    memset(r, 0, sizeof(*r));
}

uint8_t dt_fuzz_u8(struct dt_fuzz_reader *r)
{
    if (r->left == 0)
        return 0;
    r->left--;
    return *r->p++;
}

uint64_t dt_fuzz_u64(struct dt_fuzz_reader *r)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | dt_fuzz_u8(r);
    return v;
}

int64_t dt_fuzz_range(struct dt_fuzz_reader *r, int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)hi - (uint64_t)lo;
    uint64_t v = dt_fuzz_u64(r);
    if (span == UINT64_MAX)
        return (int64_t)v;
    return (int64_t)((uint64_t)lo + v % (span + 1));
}

static char *keep(struct dt_fuzz_reader *r, const uint8_t *s, size_t n)
{
    if (r->n_owned == r->cap_owned) {
        size_t cap = r->cap_owned ? r->cap_owned * 2 : 16;
        char **o = realloc(r->owned, cap * sizeof(*o));
        if (o == NULL)
            abort();
        r->owned = o;
        r->cap_owned = cap;
    }
    char *c = malloc(n + 1);
    if (c == NULL)
        abort();
    memcpy(c, s, n);
    c[n] = '\0';
    r->owned[r->n_owned++] = c;
    return c;
}

const char *dt_fuzz_str(struct dt_fuzz_reader *r)
{
    const uint8_t *nul = r->left > 0 ? memchr(r->p, 0, r->left) : NULL;
    size_t n = nul != NULL ? (size_t)(nul - r->p) : r->left;
    const char *s = keep(r, r->p, n);
    r->p += n;
    r->left -= n;
    if (nul != NULL) {
        r->p++;
        r->left--;
    }
    return s;
}

const char *dt_fuzz_str_or_null(struct dt_fuzz_reader *r)
{
    if (r->left > 0 && r->p[0] == 0x01) {
        r->p++;
        r->left--;
        if (r->left > 0 && r->p[0] == 0) {
            r->p++;
            r->left--;
        }
        return NULL;
    }
    return dt_fuzz_str(r);
}

bool dt_fuzz_header_value(const char *s, size_t n, size_t name_len)
{
    size_t line = name_len + 2;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r' || s[i] == '\0')
            return false;
        if (s[i] == '\n') {
            if (i + 1 >= n || s[i + 1] != '\t')
                return false;
            line = 0;
        } else if (++line > 998) {
            return false;
        }
    }
    return true;
}

bool dt_fuzz_crlf_message(const char *s, size_t n)
{
    size_t line = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r') {
            if (i + 1 >= n || s[i + 1] != '\n')
                return false;
            line = 0;
            i++;
        } else if (s[i] == '\n' || s[i] == '\0' || ++line > 998) {
            return false;
        }
    }
    return line == 0;
}

bool dt_fuzz_readable(const char *s, size_t n)
{
    if (!dt_utf8_valid(s, n))
        return false;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += dt_utf8_decode(s + i, n - i, &cp);
        if ((cp < 0x20 && cp != '\n' && cp != '\t') || (cp >= 0x7f && cp < 0xa0) ||
            dt_unicode_is_hidden(cp))
            return false;
    }
    return true;
}

/* ---- a strict JSON checker (RFC 8259 syntax; UTF-8 checked by the caller) ---- */

struct json {
    const char *p, *end;
    int depth;
};

static void ws(struct json *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static bool lit(struct json *j, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0)
        return false;
    j->p += n;
    return true;
}

static bool digits(struct json *j)
{
    const char *s = j->p;
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
        j->p++;
    return j->p > s;
}

static bool number(struct json *j)
{
    if (j->p < j->end && *j->p == '-')
        j->p++;
    if (j->p < j->end && *j->p == '0')
        j->p++;
    else if (!digits(j))
        return false;
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        if (!digits(j))
            return false;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
            j->p++;
        if (!digits(j))
            return false;
    }
    return true;
}

static bool string(struct json *j)
{
    if (j->p >= j->end || *j->p != '"')
        return false;
    for (j->p++; j->p < j->end; j->p++) {
        unsigned char c = (unsigned char)*j->p;
        if (c == '"') {
            j->p++;
            return true;
        }
        if (c < 0x20)
            return false;
        if (c != '\\')
            continue;
        if (++j->p >= j->end)
            return false;
        if (*j->p == 'u') {
            for (int i = 0; i < 4; i++)
                if (++j->p >= j->end || !strchr("0123456789abcdefABCDEF", *j->p))
                    return false;
        } else if (!strchr("\"\\/bfnrt", *j->p)) {
            return false;
        }
    }
    return false;
}

static bool value(struct json *j);

static bool members(struct json *j, char close, bool keyed)
{
    j->p++; /* '{' or '[' */
    if (++j->depth > 64)
        return false;
    ws(j);
    if (j->p < j->end && *j->p == close) {
        j->p++;
        j->depth--;
        return true;
    }
    for (;;) {
        ws(j);
        if (keyed) {
            if (!string(j))
                return false;
            ws(j);
            if (j->p >= j->end || *j->p++ != ':')
                return false;
        }
        if (!value(j))
            return false;
        ws(j);
        if (j->p >= j->end)
            return false;
        char c = *j->p++;
        if (c == close) {
            j->depth--;
            return true;
        }
        if (c != ',')
            return false;
    }
}

static bool value(struct json *j)
{
    ws(j);
    if (j->p >= j->end)
        return false;
    switch (*j->p) {
    case '{':
        return members(j, '}', true);
    case '[':
        return members(j, ']', false);
    case '"':
        return string(j);
    case 't':
        return lit(j, "true");
    case 'f':
        return lit(j, "false");
    case 'n':
        return lit(j, "null");
    default:
        return number(j);
    }
}

bool dt_fuzz_json_line(const char *s, size_t n)
{
    struct json j = {s, s + n, 0};
    if (n == 0 || s[n - 1] != '\n' || memchr(s, '\n', n - 1) != NULL || *s != '{')
        return false;
    j.end = s + n - 1;
    return value(&j) && j.p == j.end;
}
