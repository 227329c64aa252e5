/*
 * log.h - one way to log, for the programs and the shell layer only (the
 * core never logs). Messages go to syslog with the configured facility, or
 * to stderr ("dealtemp-milter[pid]: level: message") when the program runs
 * in the foreground. Every message is one line: CR, LF and other control
 * characters are replaced before writing.
 */
#ifndef DEALTEMP_LOG_H
#define DEALTEMP_LOG_H

#include <stdbool.h>

/* ident: program name; to_stderr: foreground mode; facility: LOG_MAIL, ... */
void dt_log_open(const char *ident, bool to_stderr, int facility);
/* Messages less important than level (LOG_DEBUG..LOG_ERR) are dropped. */
void dt_log_set_level(int level);
void dt_log(int priority, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void dt_log_close(void);

#endif
