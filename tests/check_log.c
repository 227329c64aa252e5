/*
 * check_log.c - the stderr form of the log: format, one line per message
 * whatever the message holds (controls, bidi and hidden characters, bad
 * UTF-8), level filtering, whole lines under concurrent writers, and the
 * pid of a fork's child. stderr is pointed at a temporary file per test.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dealtemp/log.h"
#include "testutil.h"

static char path[] = "/tmp/check_log.XXXXXX";
static int saved_stderr = -1;

static void setup(void)
{
    strcpy(path, "/tmp/check_log.XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    saved_stderr = dup(STDERR_FILENO);
    ck_assert_int_ge(dup2(fd, STDERR_FILENO), 0);
    close(fd);
    dt_log_open("check_log", true, LOG_MAIL);
    dt_log_set_level(LOG_INFO);
}

static void teardown(void)
{
    dt_log_close();
    dup2(saved_stderr, STDERR_FILENO);
    close(saved_stderr);
    unlink(path);
}

/* What went to stderr so far (static buffer). */
static const char *logged(void)
{
    static char buf[1 << 20];
    FILE *fp = fopen(path, "r");
    ck_assert_ptr_nonnull(fp);
    size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    return buf;
}

START_TEST(format)
{
    char want[128];
    dt_log(LOG_WARNING, "queue %s: score=%.2f", "4Xy", 0.71);
    snprintf(want, sizeof(want), "check_log[%ld]: warning: queue 4Xy: score=0.71\n",
             (long)getpid());
    ck_assert_str_eq(logged(), want);
}
END_TEST

START_TEST(control_characters_replaced)
{
    char want[128];
    dt_log(LOG_ERR, "Subject: a\r\nInjected: b\tc\x1b[0m\x7f");
    snprintf(want, sizeof(want), "check_log[%ld]: error: Subject: a??Injected: b?c?[0m?\n",
             (long)getpid());
    ck_assert_str_eq(logged(), want);
}
END_TEST

/* Non-ASCII text follows utf8.h's rule: no C1 control, bidi or hidden character, valid UTF-8. */
START_TEST(hidden_and_c1_characters_left_out)
{
    char want[160];
    dt_log(LOG_INFO, "subject=Invoice \xe2\x80\xae" "fdp.exe \xc2\x9b" "2J \xe2\x81\xa6x\xe2\x81\xa9 "
                     "caf\xc3\xa9 \xff");
    snprintf(want, sizeof(want),
             "check_log[%ld]: info: subject=Invoice fdp.exe  2J x caf\xc3\xa9 \xef\xbf\xbd\n",
             (long)getpid());
    ck_assert_str_eq(logged(), want);
}
END_TEST

/* A line that grows when cleaned (each bad byte becomes a 3-byte U+FFFD) is cut whole. */
START_TEST(cleaned_line_cut_on_a_character)
{
    char *big = malloc(3000);
    memset(big, 0xff, 2999);
    big[2999] = '\0';
    dt_log(LOG_INFO, "%s", big);
    free(big);
    const char *out = logged();
    ck_assert_ptr_eq(strchr(out, '\n'), out + strlen(out) - 1);
    ck_assert_ptr_nonnull(strstr(out, "\xef\xbf\xbd...\n"));
}
END_TEST

START_TEST(level_filter)
{
    dt_log_set_level(LOG_NOTICE);
    dt_log(LOG_DEBUG, "dropped 1");
    dt_log(LOG_INFO, "dropped 2");
    dt_log(LOG_NOTICE, "kept 1");
    dt_log(LOG_ERR | LOG_MAIL, "kept 2"); /* a facility in the priority is ignored */
    dt_log_set_level(LOG_DEBUG);
    dt_log(LOG_DEBUG, "kept 3");
    const char *out = logged();
    ck_assert_ptr_null(strstr(out, "dropped"));
    ck_assert_ptr_nonnull(strstr(out, ": notice: kept 1\n"));
    ck_assert_ptr_nonnull(strstr(out, ": error: kept 2\n"));
    ck_assert_ptr_nonnull(strstr(out, ": debug: kept 3\n"));
}
END_TEST

START_TEST(long_message_is_cut_on_one_line)
{
    char *big = malloc(100000);
    memset(big, 'x', 99999);
    big[99999] = '\0';
    dt_log(LOG_INFO, "%s", big);
    free(big);
    const char *out = logged();
    ck_assert_uint_lt(strlen(out), 4096);
    ck_assert_ptr_eq(strchr(out, '\n'), out + strlen(out) - 1);
    ck_assert_ptr_nonnull(strstr(out, "xxx...\n"));
}
END_TEST

START_TEST(pid_is_the_childs_after_fork)
{
    /* The pid is kept between lines; a detached daemon logs from a fork's child. */
    dt_log(LOG_INFO, "parent");
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        dt_log(LOG_INFO, "child");
        _exit(0);
    }
    int status;
    ck_assert_int_eq(waitpid(child, &status, 0), child);
    char want[128];
    snprintf(want, sizeof(want), "check_log[%ld]: info: parent\ncheck_log[%ld]: info: child\n",
             (long)getpid(), (long)child);
    ck_assert_str_eq(logged(), want);
}
END_TEST

START_TEST(errno_preserved)
{
    errno = ENOSPC;
    dt_log(LOG_ERR, "disk full");
    ck_assert_int_eq(errno, ENOSPC);
}
END_TEST

START_TEST(no_ident_means_dealtemp)
{
    char want[64];
    dt_log_open(NULL, true, LOG_MAIL);
    dt_log(LOG_INFO, "hi");
    snprintf(want, sizeof(want), "dealtemp[%ld]: info: hi\n", (long)getpid());
    ck_assert_str_eq(logged(), want);
}
END_TEST

START_TEST(syslog_mode_writes_nothing_to_stderr)
{
    dt_log_open("check_log", false, LOG_LOCAL7);
    dt_log_set_level(LOG_ERR);
    dt_log(LOG_DEBUG, "filtered before syslog");
    dt_log_close();
    ck_assert_str_eq(logged(), "");
}
END_TEST

#define THREADS 8
#define LINES 500

static void *writer(void *arg)
{
    long id = (long)arg;
    for (int i = 0; i < LINES; i++)
        dt_log(LOG_INFO, "thread=%ld line=%d %s", id, i,
               "padding-padding-padding-padding-padding-padding-padding-padding");
    return NULL;
}

START_TEST(concurrent_lines_stay_whole)
{
    pthread_t t[THREADS];
    for (long i = 0; i < THREADS; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, writer, (void *)i), 0);
    for (int i = 0; i < THREADS; i++)
        ck_assert_int_eq(pthread_join(t[i], NULL), 0);

    char prefix[64];
    snprintf(prefix, sizeof(prefix), "check_log[%ld]: info: thread=", (long)getpid());
    const char *p = logged();
    int lines = 0, seen[THREADS] = {0};
    while (*p) {
        const char *eol = strchr(p, '\n');
        ck_assert_ptr_nonnull(eol);
        ck_assert_msg(strncmp(p, prefix, strlen(prefix)) == 0, "mangled line: %.80s", p);
        long id;
        int line, n = 0;
        ck_assert_int_eq(sscanf(p + strlen(prefix), "%ld line=%d %*s%n", &id, &line, &n), 2);
        ck_assert_ptr_eq(p + strlen(prefix) + n, eol); /* nothing of another line inside */
        ck_assert(id >= 0 && id < THREADS);
        ck_assert_int_eq(line, seen[id]); /* each thread's lines in its own order */
        seen[id]++;
        lines++;
        p = eol + 1;
    }
    ck_assert_int_eq(lines, THREADS * LINES);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("log");
    TCase *tc = tcase_create("stderr");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, format);
    tcase_add_test(tc, pid_is_the_childs_after_fork);
    tcase_add_test(tc, control_characters_replaced);
    tcase_add_test(tc, hidden_and_c1_characters_left_out);
    tcase_add_test(tc, cleaned_line_cut_on_a_character);
    tcase_add_test(tc, level_filter);
    tcase_add_test(tc, long_message_is_cut_on_one_line);
    tcase_add_test(tc, errno_preserved);
    tcase_add_test(tc, no_ident_means_dealtemp);
    tcase_add_test(tc, syslog_mode_writes_nothing_to_stderr);
    tcase_add_test(tc, concurrent_lines_stay_whole);
    suite_add_tcase(s, tc);
    return dt_test_run(s);
}
