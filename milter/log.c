/*
 * log.c - one way to log, for the programs and the shell layer (see log.h).
 *
 * Public: dt_log_open(), dt_log_set_level(), dt_log(), dt_log_close().
 *
 * Messages go to syslog(3), or in the foreground to stderr as
 * "ident[pid]: level: message\n". The message is formatted once, in
 * place after that prefix; each stderr line leaves in a single write(2)
 * under a mutex, so lines of concurrent threads never interleave.
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
#include <sys/types.h>
#include <unistd.h>

#define LINE_MAX_BYTES 2048
#define PREFIX_MAX_BYTES 128

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

/* getpid() is a system call; the line's pid is kept, and forgotten in a fork's child. */
static pid_t pid_now;
static pthread_once_t pid_once = PTHREAD_ONCE_INIT;

static void pid_forget(void)
{
    pid_now = 0;
}

static void pid_watch_forks(void)
{
    pthread_atfork(NULL, NULL, pid_forget);
}

void dt_log(int priority, const char *fmt, ...)
{
    int level = LOG_PRI(priority);
    if (level > atomic_load(&max_level))
        return;

    int saved = errno; /* callers may log and then look at errno */
    pthread_once(&pid_once, pid_watch_forks);
    /* One buffer: stderr's "ident[pid]: level: " prefix, then the message
     * formatted once, right after it (syslog gets the message alone). */
    char line[PREFIX_MAX_BYTES + LINE_MAX_BYTES + 1];
    size_t head = 0;
    pthread_mutex_lock(&lock);
    bool to_stderr = use_stderr;
    if (to_stderr) {
        if (pid_now == 0)
            pid_now = getpid();
        int n = snprintf(line, PREFIX_MAX_BYTES, "%s[%ld]: %s: ", ident, (long)pid_now,
                         level_names[level]);
        head = n > 0 ? (size_t)n : 0;
        if (head >= PREFIX_MAX_BYTES)
            head = PREFIX_MAX_BYTES - 1;
    }
    pthread_mutex_unlock(&lock);

    char *msg = line + head;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, LINE_MAX_BYTES, fmt, ap);
    va_end(ap);
    if (n < 0) {
        errno = saved;
        return;
    }
    size_t len = (size_t)n;
    if (len >= LINE_MAX_BYTES) {
        len = LINE_MAX_BYTES - 1;
        memcpy(msg + len - 3, "...", 3);
    }
    bool ascii = true;
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)msg[i] < 0x20 || msg[i] == 0x7f)
            msg[i] = '?';
        ascii &= (unsigned char)msg[i] < 0x80;
    }
    if (!ascii) {
        /* The rule every text a person reads follows (utf8.h): no C1
         * controls, no bidi or hidden characters, valid UTF-8. */
        struct dt_buf clean = DT_BUF_INIT;
        dt_utf8_clean_lines(&clean, msg, len);
        if (!dt_buf_failed(&clean) && clean.data != NULL) {
            len = clean.len;
            if (len >= LINE_MAX_BYTES) { /* U+FFFD is longer than the byte it replaces */
                len = LINE_MAX_BYTES - 4;
                while (len > 0 && ((unsigned char)clean.data[len] & 0xc0) == 0x80)
                    len--;
                memcpy(clean.data + len, "...", 3);
                len += 3;
            }
            memcpy(msg, clean.data, len);
        }
        dt_buf_free(&clean);
    }

    pthread_mutex_lock(&lock);
    if (to_stderr) {
        msg[len] = '\n';
        write_all(line, head + len + 1);
    } else {
        msg[len] = '\0';
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
