/*
 * error.h - the failure reason every floor passes upward (error.c).
 *
 * struct dt_error carries one human-readable, single-line reason from the
 * place a failure is detected up to the program that decides what to do
 * with it (print, log, exit). Core modules never print or log.
 */
#ifndef DEALTEMP_ERROR_H
#define DEALTEMP_ERROR_H

#include <stddef.h>

/* One failure reason, always NUL-terminated, never containing a newline. */
struct dt_error {
    char msg[512];
};

/*
 * Format a reason into err (which may be NULL: then nothing happens).
 * Control characters in the result are replaced by '?', so the message is
 * always safe for a single log line. Returns -1 so callers can write
 * "return dt_error_set(err, ...);".
 */
int dt_error_set(struct dt_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prefix an existing reason: "<prefix>: <old reason>". Returns -1. */
int dt_error_prefix(struct dt_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
