/*
 * check_digest_send.c - dt_digest_send() against fake sendmail commands
 * (shell scripts written into a temporary directory at test time) and a
 * real SMTP server, Postfix's smtp-sink, started on a free loopback port
 * and killed afterwards. smtp-sink needs root (it drops to nobody); the
 * suite fails with "missing smtp-sink: run make deps" when it is absent.
 */
#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dealtemp/config.h"
#include "dealtemp/digest.h"
#include "testutil.h"

#define SMTP_SINK "/usr/sbin/smtp-sink"
#define RCPT "ann@corp.example"
#define FROM "dealtemp@corp.example"

static struct dt_config *cfg;
static char *saved_sendmail, *saved_smtp, *saved_from;
static char tmpdir[64];

static void set_field(char **field, const char *value)
{
    if (*field != saved_sendmail && *field != saved_smtp && *field != saved_from)
        free(*field);
    *field = value ? strdup(value) : NULL;
    if (value)
        ck_assert_ptr_nonnull(*field);
}

static void setup(void)
{
    cfg = dt_test_config("tests/data/conf/analyze.conf");
    /* The loader may or may not fill these yet: keep its values to put back before unref. */
    saved_sendmail = cfg->digest_sendmail;
    saved_smtp = cfg->digest_smtp;
    saved_from = cfg->digest_from;
    cfg->digest_sendmail = cfg->digest_smtp = cfg->digest_from = NULL;
    set_field(&cfg->digest_from, FROM);
    dt_test_mkdtemp(tmpdir, sizeof(tmpdir), "send");
    /* smtp-sink writes its dumps as nobody */
    ck_assert_int_eq(chmod(tmpdir, 0777), 0);
}

static void teardown(void)
{
    set_field(&cfg->digest_sendmail, NULL);
    set_field(&cfg->digest_smtp, NULL);
    set_field(&cfg->digest_from, NULL);
    cfg->digest_sendmail = saved_sendmail;
    cfg->digest_smtp = saved_smtp;
    cfg->digest_from = saved_from;
    dt_config_unref(cfg);
    dt_test_rm_rf(tmpdir);
}

/* ---- helpers ---- */

static const char *in_tmp(const char *name)
{
    static char path[2][PATH_MAX];
    static int which;
    which ^= 1;
    snprintf(path[which], sizeof(path[which]), "%s/%s", tmpdir, name);
    return path[which];
}

/* A fake sendmail: #!/bin/sh and body, with "@DIR@" replaced by the temp directory. */
static const char *script(const char *name, const char *body, mode_t mode)
{
    const char *path = in_tmp(name);
    FILE *fp = fopen(path, "w");
    ck_assert_ptr_nonnull(fp);
    fputs("#!/bin/sh\n", fp);
    for (const char *p = body; *p; p++) {
        if (strncmp(p, "@DIR@", 5) == 0) {
            fputs(tmpdir, fp);
            p += 4;
        } else {
            fputc(*p, fp);
        }
    }
    ck_assert_int_eq(fclose(fp), 0);
    ck_assert_int_eq(chmod(path, mode), 0);
    return path;
}

static void use_sendmail(const char *path, const char *args)
{
    char cmd[PATH_MAX + 64];
    snprintf(cmd, sizeof(cmd), "%s%s%s", path, args[0] ? " " : "", args);
    set_field(&cfg->digest_sendmail, cmd);
}

/*
 * A message of about size bytes with CRLF line ends, 8-bit UTF-8, lines
 * that begin with "." (SMTP transparency) and "From " (mbox quoting).
 */
static char *make_msg(size_t size, size_t *len)
{
    struct dt_buf b = DT_BUF_INIT;
    dt_buf_puts(&b, "From: " FROM "\r\nTo: " RCPT "\r\nSubject: 3 deals cooling\r\n"
                    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
    for (int i = 0; b.len < size; i++) {
        switch (i % 4) {
        case 0:
            dt_buf_printf(&b, "line %d: caf\xc3\xa9 na enthousiasme \xe2\x80\x94 ok\r\n", i);
            break;
        case 1:
            dt_buf_printf(&b, ".%d starts with a dot\r\n", i);
            break;
        case 2:
            dt_buf_printf(&b, "From the desk of rep %d\r\n", i);
            break;
        default:
            dt_buf_puts(&b, ".\r\n");
            break;
        }
    }
    dt_buf_puts(&b, "the end\r\n");
    ck_assert(!dt_buf_failed(&b));
    return dt_buf_steal(&b, len);
}

static void assert_sigpipe_clean(void)
{
    sigset_t pending, mask;
    ck_assert_int_eq(sigpending(&pending), 0);
    ck_assert_int_eq(sigismember(&pending, SIGPIPE), 0);
    ck_assert_int_eq(sigprocmask(SIG_BLOCK, NULL, &mask), 0);
    ck_assert_int_eq(sigismember(&mask, SIGPIPE), 0);
}

/* ---- sendmail ---- */

START_TEST(sendmail_gets_the_bytes_intact)
{
    const char *fake = script("fake",
                              "printf '%s\\n' \"$@\" > @DIR@/args\n"
                              "cat > @DIR@/stdin\nexit 0\n",
                              0755);
    use_sendmail(fake, "-t -i");
    size_t len, n;
    char *msg = make_msg(300 * 1024, &len);
    struct dt_error err;
    ck_assert_msg(dt_digest_send(cfg, RCPT, msg, len, &err) == 0, "%s", err.msg);
    char *got = dt_test_slurp(in_tmp("stdin"), &n);
    ck_assert_uint_eq(n, len);
    ck_assert(memcmp(got, msg, len) == 0);
    char *args = dt_test_slurp(in_tmp("args"), &n);
    /* -t: recipients come from the headers; -f: bounces go to digest.from */
    ck_assert_str_eq(args, "-t\n-i\n-f\n" FROM "\n");
    free(args);
    free(got);
    free(msg);
}
END_TEST

START_TEST(sendmail_without_t_gets_the_recipient_last)
{
    const char *fake =
        script("fake", "printf '%s\\n' \"$@\" > @DIR@/args\ncat > /dev/null\n", 0755);
    use_sendmail(fake, " -i   -odq ");
    struct dt_error err;
    ck_assert_msg(dt_digest_send(cfg, RCPT, "x\r\n", 3, &err) == 0, "%s", err.msg);
    size_t n;
    char *args = dt_test_slurp(in_tmp("args"), &n);
    ck_assert_str_eq(args, "-i\n-odq\n-f\n" FROM "\n" RCPT "\n");
    free(args);
}
END_TEST

START_TEST(sendmail_exit_75_is_a_temporary_failure)
{
    use_sendmail(script("fake", "cat > /dev/null\nexit 75\n", 0755), "-t -i");
    struct dt_error err;
    ck_assert_int_eq(dt_digest_send(cfg, RCPT, "x\r\n", 3, &err), -1);
    ck_assert_str_eq(err.msg, "sendmail exited 75 (temporary failure)");
}
END_TEST

START_TEST(sendmail_exit_69_and_its_message)
{
    use_sendmail(script("fake", "cat > /dev/null\necho 'relay down' >&2\nexit 69\n", 0755), "-t");
    struct dt_error err;
    ck_assert_int_eq(dt_digest_send(cfg, RCPT, "x\r\n", 3, &err), -1);
    ck_assert_str_eq(err.msg, "sendmail exited 69 (service unavailable): relay down");
}
END_TEST

START_TEST(sendmail_stderr_first_line_is_kept)
{
    use_sendmail(script("fake",
                        "cat > /dev/null\necho >&2\n"
                        "echo '  boom: mailbox full  ' >&2\necho second >&2\nexit 1\n",
                        0755),
                 "-t -i");
    struct dt_error err;
    ck_assert_int_eq(dt_digest_send(cfg, RCPT, "x\r\n", 3, &err), -1);
    ck_assert_str_eq(err.msg, "sendmail exited 1: boom: mailbox full");
}
END_TEST

START_TEST(sendmail_missing_is_named)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s", in_tmp("no-such-sendmail"));
    use_sendmail(path, "-t -i");
    struct dt_error err;
    ck_assert_int_eq(dt_digest_send(cfg, RCPT, "x\r\n", 3, &err), -1);
    char want[PATH_MAX + 64];
    snprintf(want, sizeof(want), "%s: No such file or directory", path);
    ck_assert_str_eq(err.msg, want);

    /* a bare name is looked up in PATH */
    set_field(&cfg->digest_sendmail, "dt-no-such-sendmail-anywhere -t");
    ck_assert_int_eq(dt_digest_send(cfg, RCPT, "x\r\n", 3, &err), -1);
    ck_assert_str_eq(err.msg, "dt-no-such-sendmail-anywhere: No such file or directory");
}
END_TEST

START_TEST(sendmail_not_executable)
{
    const char *path = script("fake", "exit 0\n", 0644);
    use_sendmail(path, "-t");
    struct dt_error err;
    ck_assert_int_eq(dt_digest_send(cfg, RCPT, "x\r\n", 3, &err), -1);
    ck_assert_contains(err.msg, path);
    ck_assert_contains(err.msg, "Permission denied");
}
END_TEST

START_TEST(sendmail_that_reads_nothing_is_reported_not_fatal)
{
    /* Far more than a pipe holds: the writes must hit EPIPE. */
    use_sendmail(script("fake", "exit 0\n", 0755), "-t -i");
    size_t len;
    char *msg = make_msg(1024 * 1024, &len);
    struct dt_error err;
    ck_assert_int_eq(dt_digest_send(cfg, RCPT, msg, len, &err), -1);
    ck_assert_contains(err.msg, "sendmail exited without reading the whole message");
    assert_sigpipe_clean();

    /* the same with a failing status: the status is the reason */
    use_sendmail(script("fake2", "echo 'no thanks' >&2\nexit 75\n", 0755), "-t -i");
    ck_assert_int_eq(dt_digest_send(cfg, RCPT, msg, len, &err), -1);
    ck_assert_str_eq(err.msg, "sendmail exited 75 (temporary failure): no thanks");
    assert_sigpipe_clean();
    free(msg);
}
END_TEST

START_TEST(sendmail_killed_by_a_signal)
{
    use_sendmail(script("fake", "kill -9 $$\n", 0755), "-t");
    struct dt_error err;
    ck_assert_int_eq(dt_digest_send(cfg, RCPT, "x\r\n", 3, &err), -1);
    ck_assert_str_eq(err.msg, "sendmail killed by signal 9");
}
END_TEST

START_TEST(sendmail_grandchild_holding_the_pipe_does_not_block)
{
    /* The command exits at once; a background child keeps stdout open for 20 s. It is
       reparented to this process (a subreaper), so it can be killed and reaped after. */
    ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    use_sendmail(script("fake", "cat > /dev/null\nsleep 20 &\necho $! > @DIR@/bg\nexit 0\n", 0755),
                 "-t");
    struct dt_error err;
    time_t t0 = time(NULL);
    int rc = dt_digest_send(cfg, RCPT, "x\r\n", 3, &err);
    time_t took = time(NULL) - t0;
    size_t n;
    char *bg = dt_test_slurp(in_tmp("bg"), &n);
    pid_t pid = (pid_t)atol(bg);
    free(bg);
    if (pid > 0 && kill(pid, SIGKILL) == 0)
        waitpid(pid, NULL, 0);
    ck_assert_msg(rc == 0, "%s", err.msg);
    ck_assert_int_le(took, 5);
}
END_TEST

START_TEST(sendmail_config_and_recipient_checked)
{
    struct dt_error err;
    set_field(&cfg->digest_sendmail, " \t ");
    ck_assert_int_eq(dt_digest_send(cfg, RCPT, "x", 1, &err), -1);
    ck_assert_str_eq(err.msg, "digest.sendmail is empty");

    /* nothing is run for an address that would be an option or a second command */
    const char *fake = script("fake", "touch @DIR@/ran\n", 0755);
    use_sendmail(fake, "-i");
    const char *bad[] = {"-oQ/tmp/x", "a b@corp.example", "ann@corp.example\r\nRCPT TO:<x@y>",
                         "<ann@corp.example>", ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_int_eq(dt_digest_send(cfg, bad[i], "x", 1, &err), -1);
        ck_assert_contains(err.msg, "bad recipient address");
        ck_assert_lacks(err.msg, "\n");
    }
    ck_assert_int_eq(dt_digest_send(cfg, NULL, "x", 1, &err), -1);
    ck_assert_int_ne(access(in_tmp("ran"), F_OK), 0);
}
END_TEST

/* Inside the milter (nudges) the command must not keep the MTA's connections open. */
START_TEST(sendmail_inherits_only_stdin_stdout_stderr)
{
    int fd = open(in_tmp("leak"), O_WRONLY | O_CREAT, 0600); /* not close-on-exec */
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(dup2(fd, 200), 200);
    use_sendmail(script("fake",
                        "cat > /dev/null\n"
                        "if [ -e /proc/$$/fd/200 ]; then echo open; else echo closed; fi"
                        " > @DIR@/fd200\n",
                        0755),
                 "-t");
    struct dt_error err;
    int rc = dt_digest_send(cfg, RCPT, "x\r\n", 3, &err);
    close(200);
    close(fd);
    ck_assert_msg(rc == 0, "%s", err.msg);
    size_t n;
    char *got = dt_test_slurp(in_tmp("fd200"), &n);
    ck_assert_str_eq(got, "closed\n");
    free(got);
}
END_TEST

static void *cancel_later(void *arg)
{
    struct timespec ts = {0, 200 * 1000000L};
    nanosleep(&ts, NULL);
    atomic_store((atomic_bool *)arg, true);
    return NULL;
}

START_TEST(sendmail_cancelled_is_killed_at_once)
{
    use_sendmail(script("fake", "cat > /dev/null\necho $$ > @DIR@/pid\nsleep 30\n", 0755), "-t");
    atomic_bool cancel;
    atomic_init(&cancel, false);
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, cancel_later, &cancel), 0);
    struct dt_error err;
    time_t t0 = time(NULL);
    int rc = dt_digest_send_cancel(cfg, RCPT, "x\r\n", 3, &cancel, &err);
    time_t took = time(NULL) - t0;
    pthread_join(t, NULL);
    ck_assert_int_eq(rc, -1);
    ck_assert_str_eq(err.msg, "sendmail cancelled (killed)");
    ck_assert_int_le(took, 3);
    /* already cancelled: nothing is run */
    const char *fake = script("fake2", "touch @DIR@/ran\n", 0755);
    use_sendmail(fake, "-t");
    ck_assert_int_eq(dt_digest_send_cancel(cfg, RCPT, "x\r\n", 3, &cancel, &err), -1);
    ck_assert_str_eq(err.msg, "cancelled before sending");
    ck_assert_int_ne(access(in_tmp("ran"), F_OK), 0);
}
END_TEST

/* ---- SMTP ---- */

/* A loopback port nothing listens on (just now). */
static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof(a);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &al), 0);
    close(fd);
    return ntohs(a.sin_port);
}

static void use_smtp(int port)
{
    char spec[64];
    snprintf(spec, sizeof(spec), "127.0.0.1:%d", port);
    set_field(&cfg->digest_smtp, spec);
}

static bool port_open(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

static void sink_stop(pid_t pid)
{
    kill(pid, SIGTERM);
    for (int i = 0; i < 200; i++) { /* 2 s, then no more asking */
        if (waitpid(pid, NULL, WNOHANG) == pid)
            return;
        usleep(10000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

/* Start smtp-sink on 127.0.0.1:port with extra options (NULL-terminated); wait until it listens. */
static pid_t sink_start(int port, const char *const *extra)
{
    ck_assert_msg(access(SMTP_SINK, X_OK) == 0, "missing smtp-sink: run make deps");
    char addr[64], dump[PATH_MAX];
    snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
    snprintf(dump, sizeof(dump), "%s/dump/%%Y%%m%%d%%H%%M%%S.", tmpdir);
    const char *argv[32] = {SMTP_SINK, "-u", "nobody", "-d", dump};
    size_t argc = 5;
    for (; extra && *extra && argc < 28; extra++)
        argv[argc++] = *extra;
    argv[argc++] = addr;
    argv[argc++] = "16";
    argv[argc] = NULL;
    const char *log = in_tmp("sink.log");
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execv(SMTP_SINK, (char *const *)argv);
        _exit(127);
    }
    bool exited = false;
    for (int i = 0; i < 500 && !exited; i++) { /* 5 s */
        if (port_open(port))
            return pid;
        exited = waitpid(pid, NULL, WNOHANG) == pid;
        usleep(10000);
    }
    if (!exited)
        sink_stop(pid);
    size_t n;
    char *text = dt_test_slurp(log, &n);
    ck_abort_msg("smtp-sink did not start on %s: %s", addr, text);
    return -1;
}

/* The one dump file smtp-sink wrote, once it holds `last` (waits up to 10 s), or NULL. */
static char *sink_dump(const char *last)
{
    char path[PATH_MAX];
    for (int i = 0; i < 1000; i++) {
        DIR *d = opendir(in_tmp("dump"));
        struct dirent *e;
        while (d && (e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            snprintf(path, sizeof(path), "%s/dump/%s", tmpdir, e->d_name);
            size_t n;
            char *text = dt_test_slurp(path, &n);
            if (strstr(text, last)) {
                closedir(d);
                return text;
            }
            free(text);
        }
        if (d)
            closedir(d);
        usleep(10000);
    }
    return NULL;
}

START_TEST(smtp_refused)
{
    int port = free_port();
    use_smtp(port);
    struct dt_error err;
    ck_assert_int_eq(dt_digest_send(cfg, RCPT, "x\r\n", 3, &err), -1);
    char want[96];
    snprintf(want, sizeof(want), "smtp 127.0.0.1:%d: connection refused", port);
    ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(smtp_bad_settings)
{
    struct dt_error err;
    const char *bad[] = {"localhost",       "localhost:",    ":25",    "localhost:0",
                         "localhost:65536", "localhost:25x", "::1:25", "[::1:25"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        set_field(&cfg->digest_smtp, bad[i]);
        ck_assert_int_eq(dt_digest_send(cfg, RCPT, "x", 1, &err), -1);
        ck_assert_contains(err.msg, "not host:port");
    }
    use_smtp(free_port());
    set_field(&cfg->digest_from, NULL);
    ck_assert_int_eq(dt_digest_send(cfg, RCPT, "x", 1, &err), -1);
    ck_assert_contains(err.msg, "digest.from");
    set_field(&cfg->digest_from, "a>b@corp.example");
    ck_assert_int_eq(dt_digest_send(cfg, RCPT, "x", 1, &err), -1);
    ck_assert_contains(err.msg, "digest.from");
}
END_TEST

START_TEST(smtp_delivers_to_smtp_sink)
{
    int port = free_port();
    pid_t sink = sink_start(port, NULL);
    use_smtp(port);
    size_t len;
    char *msg = make_msg(40 * 1024, &len);
    struct dt_error err;
    int rc = dt_digest_send(cfg, RCPT, msg, len, &err);
    char *dump = rc == 0 ? sink_dump("the end\n") : NULL;
    sink_stop(sink);
    ck_assert_msg(rc == 0, "%s", err.msg);
    ck_assert_msg(dump != NULL, "no dump with the message in %s/dump", tmpdir);
    ck_assert_contains(dump, "X-Mail-Args: <" FROM ">\n");
    ck_assert_contains(dump, "X-Rcpt-Args: <" RCPT ">\n");
    ck_assert_contains(dump, "X-Helo-Args: "); /* EHLO went first */

    /* After smtp-sink's three-line Received: the message itself, LF ends, dots unstuffed,
       then the empty line smtp-sink adds: nothing more, nothing less. */
    char *body = strstr(dump, "\nReceived: from ");
    ck_assert_ptr_nonnull(body);
    for (int i = 0; i < 3 && body; i++)
        body = strchr(body + 1, '\n');
    ck_assert_ptr_nonnull(body);
    body++;
    struct dt_buf want = DT_BUF_INIT;
    for (size_t i = 0; i < len; i++)
        if (!(msg[i] == '\r' && i + 1 < len && msg[i + 1] == '\n'))
            dt_buf_putc(&want, msg[i]);
    dt_buf_putc(&want, '\n');
    ck_assert_uint_eq(strlen(body), want.len);
    ck_assert(memcmp(body, want.data, want.len) == 0);
    dt_buf_free(&want);
    free(dump);
    free(msg);
}
END_TEST

START_TEST(smtp_rcpt_rejected)
{
    int port = free_port();
    const char *opts[] = {"-f", "RCPT", "-B", "550 5.1.1 no such user", NULL};
    pid_t sink = sink_start(port, opts);
    use_smtp(port);
    struct dt_error err;
    int rc = dt_digest_send(cfg, RCPT, "Subject: x\r\n\r\nhello\r\n", 22, &err);
    sink_stop(sink);
    ck_assert_int_eq(rc, -1);
    char want[160];
    snprintf(want, sizeof(want), "smtp 127.0.0.1:%d: RCPT TO <" RCPT ">: 550 5.1.1 no such user",
             port);
    ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(smtp_message_rejected_at_end_of_data)
{
    int port = free_port();
    const char *opts[] = {"-f", ".", "-B", "554 5.7.1 content rejected", NULL};
    pid_t sink = sink_start(port, opts);
    use_smtp(port);
    struct dt_error err;
    int rc = dt_digest_send(cfg, RCPT, "Subject: x\r\n\r\nhello\r\n", 22, &err);
    sink_stop(sink);
    ck_assert_int_eq(rc, -1);
    ck_assert_contains(err.msg, "end of data: 554 5.7.1 content rejected");
}
END_TEST

START_TEST(smtp_greeting_and_mail_failures)
{
    int port = free_port();
    const char *refuse[] = {"-f", "CONNECT", "-B", "554 5.3.2 go away", NULL};
    pid_t sink = sink_start(port, refuse);
    use_smtp(port);
    struct dt_error err;
    int rc = dt_digest_send(cfg, RCPT, "x\r\n", 3, &err);
    sink_stop(sink);
    ck_assert_int_eq(rc, -1);
    ck_assert_contains(err.msg, "greeting: 554 5.3.2 go away");

    port = free_port();
    const char *hangup[] = {"-q", "MAIL", NULL};
    sink = sink_start(port, hangup);
    use_smtp(port);
    rc = dt_digest_send(cfg, RCPT, "x\r\n", 3, &err);
    sink_stop(sink);
    ck_assert_int_eq(rc, -1);
    ck_assert_contains(err.msg, "MAIL FROM <" FROM ">: no reply (connection closed or timed out)");
    assert_sigpipe_clean();

    port = free_port();
    const char *busy[] = {"-r", "MAIL", "-b", "451 4.3.0 try later", NULL};
    sink = sink_start(port, busy);
    use_smtp(port);
    rc = dt_digest_send(cfg, RCPT, "x\r\n", 3, &err);
    sink_stop(sink);
    ck_assert_int_eq(rc, -1);
    ck_assert_contains(err.msg, "MAIL FROM <" FROM ">: 451 4.3.0 try later");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("digest_send");
    TCase *tc = tcase_create("sendmail");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, sendmail_gets_the_bytes_intact);
    tcase_add_test(tc, sendmail_without_t_gets_the_recipient_last);
    tcase_add_test(tc, sendmail_exit_75_is_a_temporary_failure);
    tcase_add_test(tc, sendmail_exit_69_and_its_message);
    tcase_add_test(tc, sendmail_stderr_first_line_is_kept);
    tcase_add_test(tc, sendmail_missing_is_named);
    tcase_add_test(tc, sendmail_not_executable);
    tcase_add_test(tc, sendmail_that_reads_nothing_is_reported_not_fatal);
    tcase_add_test(tc, sendmail_killed_by_a_signal);
    tcase_add_test(tc, sendmail_grandchild_holding_the_pipe_does_not_block);
    tcase_add_test(tc, sendmail_config_and_recipient_checked);
    tcase_add_test(tc, sendmail_inherits_only_stdin_stdout_stderr);
    tcase_add_test(tc, sendmail_cancelled_is_killed_at_once);
    suite_add_tcase(s, tc);
    tc = tcase_create("smtp");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, smtp_refused);
    tcase_add_test(tc, smtp_bad_settings);
    tcase_add_test(tc, smtp_delivers_to_smtp_sink);
    tcase_add_test(tc, smtp_rcpt_rejected);
    tcase_add_test(tc, smtp_message_rejected_at_end_of_data);
    tcase_add_test(tc, smtp_greeting_and_mail_failures);
    suite_add_tcase(s, tc);
    return dt_test_run(s);
}
