/*
 * error.c - struct dt_error helpers (see error.h).
 *
 * A reason is always one printable line: control characters a hostile
 * input may have smuggled into a formatted value are replaced by '?'.
 */
#include "dealtemp/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void one_line(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = '?';
}

int dt_error_set(struct dt_error *err, const char *fmt, ...)
{
    if (err == NULL)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    one_line(err->msg);
    return -1;
}

int dt_error_prefix(struct dt_error *err, const char *fmt, ...)
{
    if (err == NULL)
        return -1;
    char old[sizeof(err->msg)];
    memcpy(old, err->msg, sizeof(old));
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof(err->msg) - 2) {
        size_t used = (size_t)n;
        memcpy(err->msg + used, ": ", 2);
        used += 2;
        size_t room = sizeof(err->msg) - used - 1, oldlen = strlen(old);
        if (oldlen > room)
            oldlen = room;
        memcpy(err->msg + used, old, oldlen);
        err->msg[used + oldlen] = '\0';
    }
    one_line(err->msg);
    return -1;
}
