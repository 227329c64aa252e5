/*
 * mbox.c - split an mbox in memory into messages (see mbox.h).
 *
 * Public: dt_mbox_next(), dt_mbox_count(), dt_mbox_unescape().
 *
 * Replaces libetpan's mailmbox reader for `dealtemp import`, which lost
 * the last line of the last message when the file ended in a single line
 * end (a one-line reply was stored as 0.00), and which needed a file:
 * this works on any buffer, so a fuzzer can feed it. Line by line with
 * memchr: linear in the buffer, whatever it holds (NUL bytes included).
 */
#include "dealtemp/mbox.h"

#include <string.h>

static bool is_from(const char *p, size_t left)
{
    return left >= 5 && memcmp(p, "From ", 5) == 0;
}

/* Bytes of the line at p, its LF included when it has one. */
static size_t line_len(const char *p, size_t left)
{
    const char *nl = memchr(p, '\n', left);
    return nl != NULL ? (size_t)(nl - p) + 1 : left;
}

static bool is_empty_line(const char *p, size_t n)
{
    return (n == 1 && p[0] == '\n') || (n == 2 && p[0] == '\r' && p[1] == '\n');
}

/* The line p[0..n) is '>'* ">From ...": written escaped. */
static bool is_escaped(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && p[i] == '>')
        i++;
    return i > 0 && is_from(p + i, n - i);
}

static bool only_line_ends(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != '\r' && p[i] != '\n')
            return false;
    return true;
}

bool dt_mbox_next(const char *buf, size_t len, size_t *pos, size_t *line, struct dt_mbox_msg *m)
{
    size_t p = *pos, ln = *line;
    while (p < len) {
        struct dt_mbox_msg out = {.line = ln};
        if (is_from(buf + p, len - p)) {
            size_t n = line_len(buf + p, len - p), f = n;
            while (f > 0 && (buf[p + f - 1] == '\n' || buf[p + f - 1] == '\r'))
                f--;
            out.from_line = buf + p;
            out.from_len = f;
            ln += buf[p + n - 1] == '\n';
            p += n;
        }
        size_t start = p, end = len;
        while (p < len) {
            size_t n = line_len(buf + p, len - p);
            bool lf = buf[p + n - 1] == '\n';
            if (is_empty_line(buf + p, n) && is_from(buf + p + n, len - p - n)) {
                end = p; /* the separator belongs to no message */
                p += n;
                ln++;
                break;
            }
            if (!out.escaped && is_escaped(buf + p, n))
                out.escaped = true;
            p += n;
            ln += lf;
        }
        out.data = buf + start;
        out.len = end - start;
        if (out.from_line == NULL && only_line_ends(out.data, out.len))
            continue; /* nothing before the first From_ line but blank lines */
        *pos = p;
        *line = ln;
        *m = out;
        return true;
    }
    *pos = p;
    *line = ln;
    return false;
}

size_t dt_mbox_count(const char *buf, size_t len)
{
    size_t pos = 0, line = 1, n = 0;
    struct dt_mbox_msg m;
    while (dt_mbox_next(buf, len, &pos, &line, &m))
        n++;
    return n;
}

void dt_mbox_unescape(const struct dt_mbox_msg *m, struct dt_buf *out)
{
    size_t p = 0;
    while (p < m->len) {
        size_t n = line_len(m->data + p, m->len - p);
        size_t skip = is_escaped(m->data + p, n) ? 1 : 0;
        dt_buf_append(out, m->data + p + skip, n - skip);
        p += n;
    }
}
