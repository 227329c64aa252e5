/*
 * mime_values.c - address lists and msg-id lists read without libetpan
 * (see mime_int.h): the strict forms nearly every client writes, and the
 * lenient scans for values libetpan rejects.
 *
 * Public (to the MIME module): dt_mime_plain_ids(), dt_mime_plain_addrs(),
 * dt_mime_scan_ids(), dt_mime_scan_addrs(), dt_mime_plausible_addr().
 *
 * The strict forms are RFC 5322's without its optional parts: msg-ids
 * "<left@right>" with dot-atoms on both sides, apart by blanks; mailboxes
 * "ann@corp.example", "<ann@corp.example>" or "Ann Smith
 * <ann@corp.example>" (words of atext - an encoded word is one - apart by
 * single spaces, one space before the '<'), apart by ", ". libetpan's
 * parsers read such values the same (check_mime_header compares the two
 * on random values) but allocate for every token they walk; anything else
 * - comments, quoted strings, groups, other spacing - is left to them.
 *
 * Failure: none; pure functions over v[0..n), linear in n.
 */
#include "mime_int.h"

#include <string.h>

/* RFC 5322 atext (3.2.3), the characters of a dot-atom besides the dots. */
static bool atext(unsigned char c)
{
    static const char specials[] = "!#$%&'*+-/=?^_`{|}~";
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr(specials, c) != NULL);
}

/* The length of the dot-atom-text at p[0..n) (0 if none): atext runs joined by single dots. */
static size_t dot_atom(const char *p, size_t n)
{
    size_t i = 0;
    for (;;) {
        size_t start = i;
        while (i < n && atext((unsigned char)p[i]))
            i++;
        if (i == start)
            return 0; /* empty, or a dot first, last or doubled */
        if (i == n || p[i] != '.')
            return i;
        i++;
    }
}

/* The length of an addr-spec of dot-atoms at p[0..n), "ann@corp.example", or 0. */
static size_t plain_spec(const char *p, size_t n)
{
    size_t left = dot_atom(p, n);
    if (left == 0 || left >= n || p[left] != '@')
        return 0;
    size_t right = dot_atom(p + left + 1, n - left - 1);
    return right == 0 ? 0 : left + 1 + right;
}

bool dt_mime_plain_ids(const char *v, size_t n, dt_mime_id_fn each, void *arg)
{
    size_t i = 0, found = 0;
    while (i < n) {
        while (i < n && (v[i] == ' ' || v[i] == '\t'))
            i++;
        if (i == n)
            break;
        if (v[i] != '<')
            return false;
        size_t left = dot_atom(v + i + 1, n - i - 1), at = i + 1 + left;
        if (left == 0 || at >= n || v[at] != '@')
            return false;
        size_t right = dot_atom(v + at + 1, n - at - 1), close = at + 1 + right;
        if (right == 0 || close >= n || v[close] != '>')
            return false;
        i = close + 1;
        found++;
    }
    /* Checked: every '<' opens an id that the next '>' closes. */
    for (const char *lt = memchr(v, '<', n); lt != NULL;) {
        const char *gt = memchr(lt, '>', n - (size_t)(lt - v));
        each(lt + 1, (size_t)(gt - lt - 1), arg);
        lt = memchr(gt, '<', n - (size_t)(gt - v));
    }
    return found > 0;
}

/* One mailbox of the strict form at v[*i..n), its spec and display name; false if not. */
static bool plain_mailbox(const char *v, size_t n, size_t *i, struct dt_slice *spec,
                          struct dt_slice *display)
{
    size_t p = *i, len = v[p] != '<' ? plain_spec(v + p, n - p) : 0;
    *display = (struct dt_slice){NULL, 0};
    if (len > 0 && (p + len == n || v[p + len] == ',')) {
        *spec = (struct dt_slice){v + p, len};
        *i = p + len;
        return true;
    }
    if (v[p] != '<') {
        size_t start = p;
        for (;;) {
            size_t w = p;
            while (p < n && atext((unsigned char)v[p]))
                p++;
            if (p == w || p + 1 >= n || v[p] != ' ')
                return false;
            if (v[++p] == '<')
                break;
        }
        *display = (struct dt_slice){v + start, p - 1 - start};
    }
    len = plain_spec(v + p + 1, n - p - 1);
    if (len == 0 || p + 1 + len >= n || v[p + 1 + len] != '>')
        return false;
    *spec = (struct dt_slice){v + p + 1, len};
    *i = p + len + 2;
    return true;
}

bool dt_mime_plain_addrs(const char *v, size_t n, dt_mime_addr_fn each, void *arg)
{
    if (n == 0)
        return false;
    /* Two passes: the whole value is checked before the first address is handed out. */
    for (int pass = 0; pass < 2; pass++) {
        struct dt_slice spec, display;
        size_t i = 0;
        for (;;) {
            if (!plain_mailbox(v, n, &i, &spec, &display))
                return false;
            if (pass == 1)
                each(spec.p, spec.n, display.p, display.n, arg);
            if (i == n)
                break;
            if (n - i < 3 || v[i] != ',' || v[i + 1] != ' ')
                return false;
            i += 2;
        }
    }
    return true;
}

void dt_mime_scan_ids(const char *v, size_t n, dt_mime_id_fn each, void *arg)
{
    size_t kept = 0;
    const char *p = v, *end = v + n;
    while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
        const char *q = memchr(p, '>', (size_t)(end - p));
        if (q == NULL)
            q = end;
        kept += each(p + 1, (size_t)(q - p - 1), arg);
        p = q;
        if (p == end)
            break;
    }
    if (kept > 0)
        return;
    for (size_t i = 0; i < n;) {
        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        size_t start = i;
        while (i < n && v[i] != ' ' && v[i] != '\t' && v[i] != ',')
            i++;
        if (memchr(v + start, '@', i - start) != NULL)
            each(v + start, i - start, arg);
    }
}

void dt_mime_scan_addrs(const char *v, size_t n, dt_mime_addr_fn each, void *arg)
{
    static const char delim[] = " \t,;:<>\"()";
    size_t i = 0;
    while (i < n) {
        while (i < n && strchr(delim, v[i]) != NULL)
            i++;
        size_t start = i;
        while (i < n && strchr(delim, v[i]) == NULL)
            i++;
        const char *at = memchr(v + start, '@', i - start);
        if (at != NULL && at > v + start && at < v + i - 1)
            each(v + start, i - start, NULL, 0, arg);
    }
}

bool dt_mime_plausible_addr(const char *a)
{
    const char *at = strchr(a, '@');
    if (at == NULL || at == a || at[1] == '\0' || strchr(at + 1, '@') != NULL)
        return false;
    return strpbrk(a, " \t<>,;\"()") == NULL;
}
