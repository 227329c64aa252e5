/*
 * log.c - one way to log, for the programs and the shell layer (see log.h).
 *
 * Public: dt_log_open(), dt_log_set_level(), dt_log(), dt_log_close().
 *
 * Messages go to syslog(3), or in the foreground to stderr as
 * "ident[pid]: level: message\n". Each stderr line leaves in a single
 * write(2) under a mutex, so lines of concurrent threads never interleave.
 * A message is cut at LINE_MAX_BYTES and its control characters become '?',
 * so whatever a hostile mail put in it stays on one line; one with
 * non-ASCII text is also cleaned as utf8.h says (no C1 controls, no bidi
 * or hidden characters, valid UTF-8). Before
 * dt_log_open() messages go to stderr under the name "dealtemp".
 *
 * Failure: logging never fails the caller; a write that cannot be done is
 * dropped.
 */
#include "dealtemp/log.h"
#include "dealtemp/utf8.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#define LINE_MAX_BYTES 2048

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char ident[64] = "dealtemp"; /* openlog() keeps the pointer: must live on */
static bool use_stderr = true;
static bool syslog_open;
static atomic_int max_level = LOG_INFO;

static const char *const level_names[] = {
    "emergency", "alert", "critical", "error", "warning", "notice", "info", "debug",
};

void dt_log_open(const char *name, bool to_stderr, int facility)
{
    pthread_mutex_lock(&lock);
    if (syslog_open)
        closelog();
    snprintf(ident, sizeof(ident), "%s", name && *name ? name : "dealtemp");
    use_stderr = to_stderr;
    syslog_open = !to_stderr;
    if (syslog_open)
        openlog(ident, LOG_PID | LOG_NDELAY, facility);
    pthread_mutex_unlock(&lock);
}

void dt_log_set_level(int level)
{
    if (level < LOG_EMERG)
        level = LOG_EMERG;
    if (level > LOG_DEBUG)
        level = LOG_DEBUG;
    atomic_store(&max_level, level);
}

/* The whole line in one write, retried only for what a signal interrupted. */
static void write_all(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

void dt_log(int priority, const char *fmt, ...)
{
    int level = LOG_PRI(priority);
    if (level > atomic_load(&max_level))
        return;

    char msg[LINE_MAX_BYTES];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(msg))
        memcpy(msg + sizeof(msg) - 4, "...", 4);
    bool ascii = true;
    for (char *p = msg; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
        ascii &= (unsigned char)*p < 0x80;
    }
    if (!ascii) {
        /* The rule every text a person reads follows (utf8.h): no C1
         * controls, no bidi or hidden characters, valid UTF-8. */
        struct dt_buf clean = DT_BUF_INIT;
        dt_utf8_clean_lines(&clean, msg, strlen(msg));
        if (!dt_buf_failed(&clean) && clean.data != NULL) {
            size_t len = clean.len;
            if (len >= sizeof(msg)) { /* U+FFFD is longer than the byte it replaces */
                len = sizeof(msg) - 4;
                while (len > 0 && ((unsigned char)clean.data[len] & 0xc0) == 0x80)
                    len--;
                memcpy(clean.data + len, "...", 4);
                len += 3;
            }
            memcpy(msg, clean.data, len + 1);
        }
        dt_buf_free(&clean);
    }

    int saved = errno; /* callers may log and then look at errno */
    pthread_mutex_lock(&lock);
    if (use_stderr) {
        char line[LINE_MAX_BYTES + 128];
        int len = snprintf(line, sizeof(line), "%s[%ld]: %s: %s\n", ident, (long)getpid(),
                           level_names[level], msg);
        if (len > 0) {
            if ((size_t)len >= sizeof(line)) {
                len = (int)sizeof(line) - 1;
                line[len - 1] = '\n';
            }
            write_all(line, (size_t)len);
        }
    } else {
        syslog(priority, "%s", msg);
    }
    pthread_mutex_unlock(&lock);
    errno = saved;
}

void dt_log_close(void)
{
    pthread_mutex_lock(&lock);
    if (syslog_open)
        closelog();
    syslog_open = false;
    use_stderr = true;
    pthread_mutex_unlock(&lock);
}
