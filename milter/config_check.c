/*
 * config_check.c - validate and normalise single configuration values
 * (see config_int.h): socket specs, paths, domains, rep addresses, header
 * prefixes, language codes, addresses, command lines, host:port, the
 * daemon's user, group and socket mode.
 *
 * Public (to config.c): dt_config_check_socket(), dt_config_check_path(),
 * dt_config_check_database(),
 * dt_config_check_domain(), dt_config_check_rep(),
 * dt_config_check_header_prefix(), dt_config_check_language(),
 * dt_config_check_address(), dt_config_check_command(),
 * dt_config_check_hostport(), dt_config_check_user(), dt_config_check_group(),
 * dt_config_check_optional_path(), dt_config_parse_mode(),
 * dt_config_int_faithful(), dt_config_distance() (how far a mistyped key
 * name is from a known one).
 *
 * Failure: -1 with a one-line reason quoting (at most 80 bytes of) the
 * value; the caller adds file, line and key. Only dt_config_check_path
 * (getcwd) and dt_config_int_faithful (rereads a line of the file) touch
 * the system.
 */
#include "config_int.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dealtemp/store.h"
#include "dealtemp/utf8.h"

static bool has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

/* Decimal digits only, value 0..max. */
static bool is_number(const char *s, size_t n, unsigned long max)
{
    unsigned long v = 0;
    if (n == 0 || n > 10)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    return v <= max;
}

/* The forms libmilter's smfi_setconn() understands and we want to allow. */
int dt_config_check_socket(char **v, char *why, size_t size)
{
    const char *s = *v, *rest;
    if (!has_control(s)) {
        if ((rest = strchr(s, ':')) != NULL)
            rest++;
        if (!strncmp(s, "unix:", 5) || !strncmp(s, "local:", 6)) {
            /* sun_path holds 108 bytes, NUL included. */
            if (rest[0] == '/' && rest[1] != '\0' && strlen(rest) < 108)
                return 0;
        } else if (!strncmp(s, "inet:", 5) || !strncmp(s, "inet6:", 6)) {
            const char *at = strchr(rest, '@');
            if (at && is_number(rest, (size_t)(at - rest), 65535) && atoi(rest) > 0 &&
                at[1] != '\0' && !strchr(at + 1, '@') && !strchr(at + 1, ' '))
                return 0;
        } else if (!strncmp(s, "fd:", 3)) {
            if (is_number(rest, strlen(rest), INT_MAX))
                return 0;
        }
    }
    snprintf(why, size,
             "'%.80s' is not a milter socket (unix:/path, local:/path, inet:PORT@HOST, "
             "inet6:PORT@HOST or fd:N)",
             s);
    return -1;
}

/* Relative paths are taken from the current directory, once, here. */
int dt_config_check_path(char **v, char *why, size_t size)
{
    if (**v == '\0' || has_control(*v)) {
        snprintf(why, size, "'%.80s' is not a usable path", *v);
        return -1;
    }
    if (**v == '/')
        return 0;
    char *cwd = getcwd(NULL, 0), *abs = NULL;
    if (!cwd) {
        snprintf(why, size, "cannot find the current directory: %s", strerror(errno));
        return -1;
    }
    const char *rel = (*v)[0] == '.' && (*v)[1] == '/' ? *v + 2 : *v;
    if (asprintf(&abs, "%s%s%s", cwd, strcmp(cwd, "/") ? "/" : "", rel) < 0) {
        free(cwd);
        snprintf(why, size, "out of memory");
        return -1;
    }
    free(cwd);
    free(*v);
    *v = abs;
    return 0;
}

/* A URL the store reserves for another implementation stays as written. */
int dt_config_check_database(char **v, char *why, size_t size)
{
    if (dt_store_is_pg(*v)) {
        struct dt_error err = {{0}};
        if (has_control(*v) || dt_store_check_string(*v, &err) < 0) {
            snprintf(why, size, "%s", has_control(*v) ? "control characters in the database string" : err.msg);
            return -1;
        }
        return 0;
    }
    return dt_config_check_path(v, why, size);
}

/* LDH labels of 1..63 bytes, at least two of them, 253 bytes in all. */
static bool is_domain(const char *d)
{
    size_t len = strlen(d), label = 0, labels = 1;
    if (len == 0 || len > 253)
        return false;
    for (size_t i = 0; i <= len; i++) {
        char c = d[i];
        if (c == '.' || c == '\0') {
            if (label == 0 || label > 63 || d[i - 1] == '-' || d[i - label] == '-')
                return false;
            if (c == '.')
                labels++;
            label = 0;
        } else if (isalnum((unsigned char)c) || c == '-') {
            label++;
        } else {
            return false;
        }
    }
    return labels >= 2;
}

int dt_config_check_domain(char **v, char *why, size_t size)
{
    dt_ascii_lower_str(*v);
    const char *d = **v == '@' ? *v + 1 : *v;
    if (!is_domain(d)) {
        snprintf(why, size, "'%.80s' is not a domain name", *v);
        return -1;
    }
    if (d != *v)
        memmove(*v, d, strlen(d) + 1);
    return 0;
}

/* "ann@corp.example" or "@sales.corp.example". */
int dt_config_check_rep(char **v, char *why, size_t size)
{
    dt_ascii_lower_str(*v);
    const char *at = strchr(*v, '@');
    bool ok = at && is_domain(at + 1);
    for (const char *p = *v; ok && p < at; p++)
        ok = (unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f;
    if (!ok) {
        snprintf(why, size,
                 "'%.80s' is not an address (ann@corp.example) or a domain (@sales.corp.example)",
                 *v);
        return -1;
    }
    return 0;
}

/*
 * A bare addr-spec: a dot-atom-ish local part (printable ASCII without
 * space and the characters that would end it in a header) and a domain.
 */
int dt_config_check_address(char **v, char *why, size_t size)
{
    const char *at = strrchr(*v, '@');
    bool ok = at && at > *v && at - *v <= 64 && is_domain(at + 1);
    for (const char *p = *v; ok && p < at; p++)
        ok = (unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f && !strchr("@<>()[],;:\\\"", *p);
    if (!ok) {
        snprintf(why, size, "'%.80s' is not an address (name@corp.example)", *v);
        return -1;
    }
    return 0;
}

/* Split on spaces and run without a shell, so only control characters can hurt. */
int dt_config_check_command(char **v, char *why, size_t size)
{
    if ((*v)[strspn(*v, " ")] == '\0') {
        snprintf(why, size, "must not be empty");
        return -1;
    }
    if (has_control(*v)) {
        snprintf(why, size, "'%.80s' is not a command line (control characters)", *v);
        return -1;
    }
    return 0;
}

/* A host name or IPv4 address, or an IPv6 address in brackets; then ":port". */
int dt_config_check_hostport(char **v, char *why, size_t size)
{
    const char *s = *v, *colon = strrchr(s, ':');
    bool ok =
        colon && colon > s && is_number(colon + 1, strlen(colon + 1), 65535) && atoi(colon + 1) > 0;
    if (ok && s[0] == '[') {
        ok = colon[-1] == ']' && colon - s > 2;
        for (const char *p = s + 1; ok && p < colon - 1; p++)
            ok = isxdigit((unsigned char)*p) || *p == ':' || *p == '.';
    } else {
        for (const char *p = s; ok && p < colon; p++)
            ok = isalnum((unsigned char)*p) || *p == '-' || *p == '.';
    }
    if (!ok) {
        snprintf(why, size, "'%.80s' is not host:port (127.0.0.1:25, [::1]:25; port 1 to 65535)",
                 s);
        return -1;
    }
    return 0;
}

/*
 * A header field name is printable ASCII without ':' (RFC 5322 2.2). The
 * milter removes every field whose name begins with the prefix from every
 * message (ownfields.h), so it must be a name space of its own: ending in
 * '-', at least 4 characters, and not the bare "X-" that half the world's
 * software writes under.
 */
int dt_config_check_header_prefix(char **v, char *why, size_t size)
{
    size_t n = strlen(*v);
    bool ok = n >= 4 && n <= 40 && (*v)[n - 1] == '-';
    for (const char *p = *v; ok && *p; p++)
        ok = *p > 0x20 && *p < 0x7f && *p != ':';
    if (!ok) {
        snprintf(why, size,
                 "'%.80s' is not a header name prefix of our own (4 to 40 printable characters "
                 "ending in '-', no ':' or space; every field that begins with it is removed)",
                 *v);
        return -1;
    }
    return 0;
}

/* Two letters: the name of <lexicon_dir>/<lang>.txt. */
int dt_config_check_language(char **v, char *why, size_t size)
{
    dt_ascii_lower_str(*v);
    if (!(islower((unsigned char)(*v)[0]) && islower((unsigned char)(*v)[1]) && !(*v)[2])) {
        snprintf(why, size, "'%.80s' is not a two-letter language code", *v);
        return -1;
    }
    return 0;
}

/*
 * libconfig 1.5 reads an integer literal that does not fit an int (and has
 * no L suffix) as the value modulo 2^32, silently: "scan_limit =
 * 4294971392" arrives as 4096. Read the literal back from the source line
 * and refuse a value that is not what the file says.
 */
bool dt_config_int_faithful(const config_setting_t *s, long long v)
{
    const char *file = config_setting_source_file(s), *name = config_setting_name(s);
    unsigned want = config_setting_source_line(s);
    if (config_setting_type(s) != CONFIG_TYPE_INT || !file || !name || want == 0)
        return true;
    FILE *fp = fopen(file, "r");
    if (!fp)
        return true;
    char *line = NULL;
    size_t cap = 0, nlen = strlen(name);
    unsigned lineno = 0;
    bool ok = true;
    while (getline(&line, &cap, fp) >= 0)
        if (++lineno == want)
            break;
    for (const char *p = line; lineno == want && p && (p = strstr(p, name)) != NULL; p += nlen) {
        if (p > line && (isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '-'))
            continue;
        const char *q = p + nlen;
        while (*q == ' ' || *q == '\t')
            q++;
        if (*q != '=' && *q != ':')
            continue;
        q++;
        while (*q == ' ' || *q == '\t')
            q++;
        const char *digits = *q == '-' || *q == '+' ? q + 1 : q;
        int base = digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X') ? 16 : 10;
        char *end;
        errno = 0;
        long long lit = strtoll(q, &end, base);
        if (end != q)
            ok = errno == 0 && lit == v;
        break;
    }
    free(line);
    fclose(fp);
    return ok;
}

/*
 * A user or group name as useradd(8) allows it (letters, digits, '_', '.',
 * '-', a trailing '$'; not starting with '-'), or a numeric id. Whether it
 * exists is the daemon's business: the machine that checks a file may not
 * be the one that runs it.
 */
static bool is_account_name(const char *s, size_t n)
{
    if (n == 0 || n > 32 || s[0] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]) && !(s[i] == '$' && i == n - 1))
            return false;
    return true;
}

int dt_config_check_user(char **v, char *why, size_t size)
{
    const char *s = *v, *colon = strchr(s, ':');
    size_t n = colon ? (size_t)(colon - s) : strlen(s);
    if (*s == '\0' || (is_account_name(s, n) && (!colon || is_account_name(colon + 1,
                                                                            strlen(colon + 1)))))
        return 0;
    snprintf(why, size, "'%.80s' is not USER or USER:GROUP (\"\" keeps the starting user)", s);
    return -1;
}

int dt_config_check_group(char **v, char *why, size_t size)
{
    if (**v == '\0' || is_account_name(*v, strlen(*v)))
        return 0;
    snprintf(why, size, "'%.80s' is not a group name (\"\" leaves the group alone)", *v);
    return -1;
}

int dt_config_check_optional_path(char **v, char *why, size_t size)
{
    return **v == '\0' ? 0 : dt_config_check_path(v, why, size);
}

/* A string, so that 0660 cannot be mistaken for the decimal 660 (or 432). */
int dt_config_parse_mode(const config_setting_t *s, void *field, const config_setting_t **at,
                         char *why, size_t size)
{
    *at = s;
    const char *v = config_setting_type(s) == CONFIG_TYPE_STRING ? config_setting_get_string(s)
                                                                 : NULL;
    if (v == NULL) {
        snprintf(why, size, "expected a string of octal digits (\"0660\")");
        return -1;
    }
    size_t n = strlen(v);
    unsigned mode = 0;
    bool ok = n >= 1 && n <= 4;
    for (size_t i = 0; ok && i < n; i++) {
        ok = v[i] >= '0' && v[i] <= '7';
        mode = mode * 8 + (unsigned)(v[i] - '0');
    }
    if (!ok || mode > 0777) {
        snprintf(why, size, "'%.80s' is not a permission mode (octal, \"0000\" to \"0777\")", v);
        return -1;
    }
    *(unsigned *)field = mode;
    return 0;
}

/*
 * Optimal string alignment (restricted Damerau-Levenshtein): the fewest
 * insertions, deletions, substitutions and swaps of two neighbours that
 * turn a into b ("socekt" -> "socket" is 1). Byte-wise; names are ASCII.
 */
size_t dt_config_distance(const char *a, const char *b)
{
    enum { MAX = 128 };
    size_t la = strlen(a), lb = strlen(b);
    if (la > MAX || lb > MAX)
        return la > lb ? la : lb; /* no key is that long: never a near miss */
    size_t rows[3][MAX + 1], *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t d = prev[j] + 1; /* delete */
            if (cur[j - 1] + 1 < d)
                d = cur[j - 1] + 1; /* insert */
            if (prev[j - 1] + cost < d)
                d = prev[j - 1] + cost; /* substitute */
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                prev2[j - 2] + 1 < d)
                d = prev2[j - 2] + 1; /* swap */
            cur[j] = d;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}
