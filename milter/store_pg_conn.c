/*
 * store_pg_conn.c - the PostgreSQL store's connection: connecting within a
 * deadline, running prepared statements within a deadline, and turning
 * libpq's answers into one-line errors. See store_pg_int.h.
 *
 * libpq's own connect_timeout counts whole seconds (and at least two);
 * the milter may wait a few hundred milliseconds. So everything here is
 * asynchronous: PQconnectStartParams/PQconnectPoll, PQsendPrepare/
 * PQsendQueryPrepared on a non-blocking connection, poll() on its socket
 * until the call's deadline. A call that runs out of time leaves the
 * connection in an unknown state: the handle is marked broken and its
 * owner closes it (the server rolls back the open transaction when the
 * socket closes; its own statement_timeout ends the statement even if
 * the socket does not).
 *
 * Failure behaviour: -1 (or NULL) with "<label>: <reason>" in one line;
 * the label never shows a password: "postgresql://user@host:port/db", or
 * for a string libpq cannot parse the string without its passwords (and
 * libpq's complaint about it without them either).
 */
#include "store_pg_int.h"

#include "dealtemp/buf.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

extern const char *const pg_sql[PQ_COUNT];

int64_t pg_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void pg_call_start(struct pg_store *st)
{
    st->deadline_ms = st->stmt_ms > 0 ? pg_now_ms() + st->stmt_ms : 0;
}

const char *pg_num(struct pg_num *n, int64_t v)
{
    snprintf(n->s, sizeof(n->s), "%" PRId64, v);
    return n->s;
}

int64_t pg_int(const PGresult *res, int row, int col)
{
    if (PQgetisnull(res, row, col))
        return 0;
    return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

const char *pg_text(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

/* libpq's messages span lines ("...failed: FATAL:  password ...\n"): one line, single spaces. */
static void one_line(const char *in, char *out, size_t size)
{
    size_t k = 0;
    bool space = false;
    for (const char *p = in ? in : ""; *p != '\0' && k + 1 < size; p++) {
        if (*p == '\n' || *p == '\r' || *p == '\t' || *p == ' ') {
            space = k > 0;
            continue;
        }
        if (space && k + 2 < size)
            out[k++] = ' ';
        space = false;
        out[k++] = *p;
    }
    out[k] = '\0';
}

/*
 * SQLSTATE classes that say "not now" rather than "never": the connection
 * (08), the server's resources - disk full, out of memory, too many
 * connections (53), an operator or the server's own statement_timeout
 * (57), the system - an I/O error (58). The handle is marked broken, so
 * the milter spools and retries later instead of losing the facts; a
 * command fails with the server's words. Deadlocks (40) are retried in
 * place first (store_pg.c).
 */
static bool state_is_fatal(const char *state)
{
    return state != NULL &&
           (strncmp(state, "08", 2) == 0 || strncmp(state, "53", 2) == 0 ||
            strncmp(state, "57", 2) == 0 || strncmp(state, "58", 2) == 0);
}

/* Notices: never on stderr (one line per error is the promise). */
static void drop_notice(void *arg, const PGresult *res)
{
    (void)arg;
    (void)res;
}

static void keep_notice(void *arg, const PGresult *res)
{
    struct pg_store *st = arg;
    const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
    if (sev != NULL && (strcmp(sev, "FATAL") == 0 || strcmp(sev, "PANIC") == 0))
        one_line(PQresultErrorMessage(res), st->notice, sizeof(st->notice));
}

void pg_keep_notices(struct pg_store *st)
{
    PQsetNoticeReceiver(st->conn, keep_notice, st);
}

int pg_fail(struct pg_store *st, const PGresult *res, struct dt_error *err)
{
    char msg[400];
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *text = res ? PQresultErrorMessage(res) : NULL;
    if (text == NULL || *text == '\0')
        text = PQerrorMessage(st->conn);
    one_line(text, msg, sizeof(msg));
    if (PQstatus(st->conn) == CONNECTION_BAD || state_is_fatal(state))
        st->broken = true;
    snprintf(st->sqlstate, sizeof(st->sqlstate), "%s", state ? state : "");
    if (*msg == '\0')
        snprintf(msg, sizeof(msg), "%s", st->broken ? "connection lost" : "unknown error");
    if (st->broken && st->notice[0] != '\0' && strstr(msg, st->notice) == NULL)
        return dt_error_set(err, "%s: %s; %s", st->label, st->notice, msg);
    return dt_error_set(err, "%s: %s", st->label, msg);
}

/* Wait until the socket is ready or the call's deadline passes. */
static int wait_sock(struct pg_store *st, short events, struct dt_error *err)
{
    int fd = PQsocket(st->conn);
    if (fd < 0) {
        st->broken = true;
        return dt_error_set(err, "%s: connection lost", st->label);
    }
    for (;;) {
        int timeout = -1;
        if (st->deadline_ms > 0) {
            int64_t left = st->deadline_ms - pg_now_ms();
            if (left <= 0)
                break;
            timeout = left > INT_MAX ? INT_MAX : (int)left;
        }
        struct pollfd p = {fd, events, 0};
        int r = poll(&p, 1, timeout);
        if (r > 0)
            return 0;
        if (r == 0)
            break;
        if (errno != EINTR) {
            st->broken = true;
            return dt_error_set(err, "%s: poll: %s", st->label, strerror(errno));
        }
    }
    st->broken = true;
    return dt_error_set(err, "%s: no answer within %d ms (store.statement_timeout_ms)", st->label,
                        st->stmt_ms);
}

/* Send what is queued. */
static int flush(struct pg_store *st, struct dt_error *err)
{
    for (;;) {
        int f = PQflush(st->conn);
        if (f == 0)
            return 0;
        if (f < 0)
            return pg_fail(st, NULL, err);
        if (wait_sock(st, POLLOUT | POLLIN, err) < 0)
            return -1;
        if (!PQconsumeInput(st->conn))
            return pg_fail(st, NULL, err);
    }
}

/* The next result, waiting for it within the deadline; NULL at the end (or on error, with *failed). */
static PGresult *next_result(struct pg_store *st, bool *failed, struct dt_error *err)
{
    *failed = false;
    while (PQisBusy(st->conn)) {
        if (wait_sock(st, POLLIN, err) < 0 || !PQconsumeInput(st->conn)) {
            if (!st->broken)
                pg_fail(st, NULL, err);
            st->broken = true;
            *failed = true;
            return NULL;
        }
    }
    return PQgetResult(st->conn);
}

static bool result_ok(const PGresult *r)
{
    ExecStatusType s = PQresultStatus(r);
    return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_SINGLE_TUPLE;
}

/* Every result of what was sent; the first failure wins, else the last result. */
static PGresult *collect(struct pg_store *st, struct dt_error *err)
{
    if (flush(st, err) < 0)
        return NULL;
    PGresult *keep = NULL, *r;
    bool failed;
    while ((r = next_result(st, &failed, err)) != NULL) {
        if (keep == NULL || (result_ok(keep) && !result_ok(r))) {
            PQclear(keep);
            keep = r;
        } else {
            PQclear(r);
        }
    }
    if (failed) {
        PQclear(keep);
        return NULL;
    }
    if (keep == NULL) {
        pg_fail(st, NULL, err);
        return NULL;
    }
    if (!result_ok(keep)) {
        pg_fail(st, keep, err);
        PQclear(keep);
        return NULL;
    }
    st->sqlstate[0] = '\0';
    return keep;
}

static int usable(struct pg_store *st, struct dt_error *err)
{
    if (st->broken || PQstatus(st->conn) != CONNECTION_OK) {
        st->broken = true;
        return dt_error_set(err, "%s: connection lost", st->label);
    }
    return 0;
}

PGresult *pg_run(struct pg_store *st, enum pq_id id, int n, const char *const *vals,
                 struct dt_error *err)
{
    char name[16];
    snprintf(name, sizeof(name), "dt%d", (int)id);
    if (usable(st, err) < 0)
        return NULL;
    if (!st->prepared[id]) {
        if (!PQsendPrepare(st->conn, name, pg_sql[id], 0, NULL)) {
            pg_fail(st, NULL, err);
            return NULL;
        }
        PGresult *r = collect(st, err);
        if (r == NULL)
            return NULL;
        PQclear(r);
        st->prepared[id] = true;
    }
    if (!PQsendQueryPrepared(st->conn, name, n, vals, NULL, NULL, 0)) {
        pg_fail(st, NULL, err);
        return NULL;
    }
    return collect(st, err);
}

PGresult *pg_run_sql(struct pg_store *st, const char *sql, int n, const char *const *vals,
                     struct dt_error *err)
{
    if (usable(st, err) < 0)
        return NULL;
    if (!PQsendQueryParams(st->conn, sql, n, NULL, vals, NULL, NULL, 0)) {
        pg_fail(st, NULL, err);
        return NULL;
    }
    return collect(st, err);
}

int pg_exec(struct pg_store *st, enum pq_id id, int n, const char *const *vals,
            struct dt_error *err)
{
    PGresult *r = pg_run(st, id, n, vals, err);
    PQclear(r);
    return r ? 0 : -1;
}

int pg_exec_text(struct pg_store *st, const char *sql, struct dt_error *err)
{
    if (usable(st, err) < 0)
        return -1;
    if (!PQsendQuery(st->conn, sql))
        return pg_fail(st, NULL, err);
    PGresult *r = collect(st, err);
    PQclear(r);
    return r ? 0 : -1;
}

int pg_stream(struct pg_store *st, const char *sql, int n, const char *const *vals,
              int (*fn)(const PGresult *res, void *arg), void *arg, struct dt_error *err)
{
    if (usable(st, err) < 0)
        return -1;
    if (!PQsendQueryParams(st->conn, sql, n, NULL, vals, NULL, NULL, 0) ||
        !PQsetSingleRowMode(st->conn))
        return pg_fail(st, NULL, err);
    if (flush(st, err) < 0)
        return -1;
    int stop = 0, rc = 0;
    PGresult *r;
    bool failed;
    /* Read to the end even after fn stopped: the connection must be idle again. */
    while ((r = next_result(st, &failed, err)) != NULL) {
        ExecStatusType s = PQresultStatus(r);
        if (s == PGRES_SINGLE_TUPLE) {
            if (stop == 0 && rc == 0)
                stop = fn(r, arg);
        } else if (s != PGRES_TUPLES_OK && rc == 0) {
            rc = pg_fail(st, r, err);
        }
        PQclear(r);
    }
    if (failed)
        return -1;
    return rc < 0 ? -1 : stop;
}

/*
 * A string libpq cannot parse still names a database: db with every
 * password taken out - the ":secret" of a URL's user, a "password=" in a
 * URL's query or in a keyword string - into out. The passwords go into
 * sec, so that libpq's complaint about the string (which may quote one:
 * 'invalid percent-encoded token: "s3%cret"') can be cleaned too.
 */
#define MAX_SECRETS 4
struct secrets {
    char s[MAX_SECRETS][256];
    int n;
};

static void keep_secret(struct secrets *sec, const char *p, size_t n)
{
    if (n > 0 && sec->n < MAX_SECRETS) {
        snprintf(sec->s[sec->n], sizeof(sec->s[0]), "%.*s", (int)n, p);
        sec->n++;
    }
}

static bool is_url(const char *db)
{
    return strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0;
}

static void mask_url(const char *db, struct dt_buf *out, struct secrets *sec)
{
    const char *p = strstr(db, "://") + 3;
    dt_buf_append(out, db, (size_t)(p - db));
    size_t auth = strcspn(p, "/?");
    const char *at = NULL;
    for (const char *q = p; q < p + auth; q++)
        if (*q == '@')
            at = q;
    if (at != NULL) {
        const char *colon = memchr(p, ':', (size_t)(at - p));
        if (colon != NULL) {
            keep_secret(sec, colon + 1, (size_t)(at - colon - 1));
            dt_buf_append(out, p, (size_t)(colon - p));
            p = at;
        }
    }
    const char *query = strchr(p, '?');
    if (query == NULL) {
        dt_buf_puts(out, p);
        return;
    }
    dt_buf_append(out, p, (size_t)(query - p));
    char sep = '?';
    for (const char *q = query + 1; *q != '\0';) {
        size_t n = strcspn(q, "&");
        if (n >= 9 && strncmp(q, "password=", 9) == 0) {
            keep_secret(sec, q + 9, n - 9);
        } else if (n > 0) {
            dt_buf_putc(out, sep);
            dt_buf_append(out, q, n);
            sep = '&';
        }
        q += n + (q[n] == '&');
    }
}

static void mask_keywords(const char *db, struct dt_buf *out, struct secrets *sec)
{
    for (const char *p = db; *p != '\0';) {
        bool word_start = p == db || p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\n';
        if (word_start && strncmp(p, "password", 8) == 0) {
            const char *v = p + 8;
            v += strspn(v, " \t\n");
            if (*v == '=') {
                v++;
                v += strspn(v, " \t\n");
                const char *end = v;
                if (*v == '\'') {
                    for (end = v + 1; *end != '\0' && *end != '\''; end++)
                        if (*end == '\\' && end[1] != '\0')
                            end++;
                    keep_secret(sec, v + 1, (size_t)(end - v - 1));
                    if (*end == '\'')
                        end++;
                } else {
                    end = v + strcspn(v, " \t\n");
                    keep_secret(sec, v, (size_t)(end - v));
                }
                p = end + strspn(end, " \t\n");
                continue;
            }
        }
        dt_buf_putc(out, *p++);
    }
}

static char *masked(const char *db, struct secrets *sec)
{
    struct dt_buf b = DT_BUF_INIT;
    sec->n = 0;
    if (is_url(db))
        mask_url(db, &b, sec);
    else
        mask_keywords(db, &b, sec);
    /* without its trailing blanks (a keyword string ending in a password) */
    while (b.len > 0 && (b.data[b.len - 1] == ' ' || b.data[b.len - 1] == '\t'))
        b.data[--b.len] = '\0';
    return dt_buf_steal(&b, NULL);
}

/* msg (size bytes) with every secret in it replaced by "***". */
static void redact(char *msg, size_t size, const struct secrets *sec)
{
    for (int i = 0; i < sec->n; i++) {
        char out[512];
        size_t k = 0, n = strlen(sec->s[i]);
        for (const char *p = msg; *p != '\0' && k + 1 < sizeof(out);) {
            if (strncmp(p, sec->s[i], n) == 0) {
                for (const char *r = "***"; *r != '\0' && k + 1 < sizeof(out); r++)
                    out[k++] = *r;
                p += n;
            } else {
                out[k++] = *p++;
            }
        }
        if (k >= size)
            k = size - 1;
        memcpy(msg, out, k);
        msg[k] = '\0';
    }
}

char *pg_label(const char *db)
{
    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(db, &perr);
    PQfreemem(perr);
    if (opts == NULL) {
        struct secrets sec;
        return masked(db, &sec);
    }
    const char *user = NULL, *host = NULL, *hostaddr = NULL, *port = NULL, *dbname = NULL;
    for (PQconninfoOption *o = opts; o->keyword != NULL; o++) {
        if (o->val == NULL || *o->val == '\0')
            continue;
        if (strcmp(o->keyword, "user") == 0)
            user = o->val;
        else if (strcmp(o->keyword, "host") == 0)
            host = o->val;
        else if (strcmp(o->keyword, "hostaddr") == 0)
            hostaddr = o->val;
        else if (strcmp(o->keyword, "port") == 0)
            port = o->val;
        else if (strcmp(o->keyword, "dbname") == 0)
            dbname = o->val;
    }
    char buf[512];
    snprintf(buf, sizeof(buf), "postgresql://%s%s%s%s%s/%s", user ? user : "", user ? "@" : "",
             host ? host : hostaddr ? hostaddr : "", port ? ":" : "", port ? port : "",
             dbname ? dbname : "");
    PQconninfoFree(opts);
    return strdup(buf);
}

int dt_store_pg_check(const char *db, struct dt_error *err)
{
    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(db, &perr);
    if (opts != NULL) {
        PQconninfoFree(opts);
        return 0;
    }
    char msg[300];
    struct secrets sec;
    free(masked(db, &sec));
    one_line(perr ? perr : "out of memory", msg, sizeof(msg));
    redact(msg, sizeof(msg), &sec);
    PQfreemem(perr);
    return dt_error_set(err, "invalid PostgreSQL database string: %s", msg);
}

PGconn *pg_connect(const char *db, int timeout_ms, const char *label, struct dt_error *err)
{
    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(db, &perr);
    if (opts == NULL) {
        char msg[300];
        struct secrets sec;
        free(masked(db, &sec));
        one_line(perr ? perr : "out of memory", msg, sizeof(msg));
        redact(msg, sizeof(msg), &sec);
        PQfreemem(perr);
        dt_error_set(err, "%s: invalid database string: %s", label, msg);
        return NULL;
    }
    PQconninfoFree(opts);
    const char *const keys[] = {"dbname", "fallback_application_name", NULL};
    const char *const vals[] = {db, "dealtemp", NULL};
    PGconn *c = PQconnectStartParams(keys, vals, 1);
    if (c == NULL) {
        dt_error_set(err, "%s: out of memory", label);
        return NULL;
    }
    PQsetNoticeReceiver(c, drop_notice, NULL);
    int64_t deadline = timeout_ms > 0 ? pg_now_ms() + timeout_ms : 0;
    PostgresPollingStatusType ps = PQstatus(c) == CONNECTION_BAD ? PGRES_POLLING_FAILED
                                                                 : PGRES_POLLING_WRITING;
    while (ps != PGRES_POLLING_OK) {
        if (ps == PGRES_POLLING_FAILED) {
            char msg[400];
            one_line(PQerrorMessage(c), msg, sizeof(msg));
            dt_error_set(err, "%s: %s", label, *msg ? msg : "cannot connect");
            PQfinish(c);
            return NULL;
        }
        int timeout = -1;
        if (deadline > 0) {
            int64_t left = deadline - pg_now_ms();
            if (left <= 0) {
                dt_error_set(err, "%s: no connection within %d ms (store.connect_timeout_ms)",
                             label, timeout_ms);
                PQfinish(c);
                return NULL;
            }
            timeout = (int)left;
        }
        struct pollfd p = {PQsocket(c), ps == PGRES_POLLING_READING ? POLLIN : POLLOUT, 0};
        int r = poll(&p, 1, timeout);
        if (r < 0 && errno != EINTR) {
            dt_error_set(err, "%s: poll: %s", label, strerror(errno));
            PQfinish(c);
            return NULL;
        }
        if (r > 0)
            ps = PQconnectPoll(c);
    }
    if (PQsetnonblocking(c, 1) != 0) {
        dt_error_set(err, "%s: cannot make the connection non-blocking", label);
        PQfinish(c);
        return NULL;
    }
    return c;
}

/* ---- transactions ---- */

int pg_tx_open(struct pg_store *st, struct dt_error *err)
{
    return pg_exec(st, st->in_batch ? PQ_SAVEPOINT : PQ_BEGIN, 0, NULL, err);
}

int pg_tx_close(struct pg_store *st, bool ok, struct dt_error *err)
{
    if (st->in_batch) {
        if (!ok && !st->broken)
            pg_exec(st, PQ_ROLLBACK_TO, 0, NULL, NULL);
        if (!st->broken && pg_exec(st, PQ_RELEASE, 0, NULL, ok ? err : NULL) < 0)
            return -1;
        return ok && !st->broken ? 0 : -1;
    }
    if (ok && pg_exec(st, PQ_COMMIT, 0, NULL, err) == 0)
        return 0;
    if (!st->broken && PQtransactionStatus(st->conn) != PQTRANS_IDLE)
        pg_exec(st, PQ_ROLLBACK, 0, NULL, NULL);
    return -1;
}
