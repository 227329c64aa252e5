/*
 * noop-milter - a libmilter filter that does nothing, the yardstick of
 * make loadtest (tests/bench/loadtest.sh): what any libmilter filter costs
 * Postfix and itself per message before it does any work of its own.
 *
 *   noop-milter [-p] SPEC        SPEC: unix:/path or inet:PORT@HOST
 *
 * It speaks the protocol as dealtemp-milter does (milter.c), so the
 * difference between the two is dealtemp's own work: the connect, HELO
 * and unknown steps negotiated away, MAIL, RCPT, header and end-of-header
 * steps without replies, SMFIP_SKIP offered, DATA answered, no macros but
 * the queue id at end of message, TCP_NODELAY on the listening socket
 * (accepted sockets inherit it). Every callback returns SMFIS_CONTINUE
 * (or SMFIS_NOREPLY where no reply was agreed) and keeps nothing. -p asks
 * for nothing instead: every step answered, the MTA's default macros (a
 * filter written from libmilter's documentation, with DATA answered and
 * TCP_NODELAY, without which Postfix over TCP stalls on delayed ACKs).
 *
 * The unix socket is made mode 0666 (the MTA's user must connect). Runs
 * until SIGTERM or SIGINT (libmilter's signal thread); exits 1 if it
 * cannot listen.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <libmilter/mfapi.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static bool plain;

/* The steps agreed without a reply; one word per connection is not worth a
 * private pointer: a connection's flags are the same for all (one MTA). */
static unsigned long agreed;

static sfsistat reply_for(unsigned long nr)
{
    return (agreed & nr) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

static sfsistat cb_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
                             unsigned long f3, unsigned long *pf0, unsigned long *pf1,
                             unsigned long *pf2, unsigned long *pf3)
{
    (void)f2;
    (void)f3;
    *pf2 = *pf3 = 0;
    if (plain) {
        *pf0 = 0;
        *pf1 = 0;
        agreed = 0;
        return SMFIS_CONTINUE;
    }
    unsigned long want = SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NR_MAIL |
                         SMFIP_NR_RCPT | SMFIP_NR_HDR | SMFIP_NR_EOH;
    *pf0 = f0 & (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_SETSYMLIST);
    *pf1 = (f1 & want) | ((f1 & SMFIP_SKIP) ? SMFIP_SKIP : (f1 & SMFIP_NR_BODY));
    agreed = *pf1;
    if (*pf0 & SMFIF_SETSYMLIST) {
        static const int stages[] = {SMFIM_CONNECT, SMFIM_HELO, SMFIM_ENVFROM,
                                     SMFIM_ENVRCPT, SMFIM_DATA, SMFIM_EOH};
        for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++)
            smfi_setsymlist(ctx, stages[i], " ");
        smfi_setsymlist(ctx, SMFIM_EOM, "i");
    }
    return SMFIS_CONTINUE;
}

static sfsistat cb_envfrom(SMFICTX *ctx, char **argv)
{
    (void)ctx;
    (void)argv;
    return reply_for(SMFIP_NR_MAIL);
}

static sfsistat cb_envrcpt(SMFICTX *ctx, char **argv)
{
    (void)ctx;
    (void)argv;
    return reply_for(SMFIP_NR_RCPT);
}

static sfsistat cb_data(SMFICTX *ctx)
{
    (void)ctx;
    return SMFIS_CONTINUE;
}

static sfsistat cb_header(SMFICTX *ctx, char *name, char *value)
{
    (void)ctx;
    (void)name;
    (void)value;
    return reply_for(SMFIP_NR_HDR);
}

static sfsistat cb_eoh(SMFICTX *ctx)
{
    (void)ctx;
    return reply_for(SMFIP_NR_EOH);
}

static sfsistat cb_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
    (void)ctx;
    (void)chunk;
    (void)len;
    return reply_for(SMFIP_NR_BODY);
}

static sfsistat cb_eom(SMFICTX *ctx)
{
    (void)ctx;
    return SMFIS_CONTINUE;
}

static struct smfiDesc filter = {
    .xxfi_name = "noop",
    .xxfi_version = SMFI_VERSION,
    .xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_SETSYMLIST,
    .xxfi_envfrom = cb_envfrom,
    .xxfi_envrcpt = cb_envrcpt,
    .xxfi_data = cb_data,
    .xxfi_header = cb_header,
    .xxfi_eoh = cb_eoh,
    .xxfi_body = cb_body,
    .xxfi_eom = cb_eom,
    .xxfi_negotiate = cb_negotiate,
};

/* A listening socket for SPEC, or -1 (the reason on stderr). */
static int listen_on(const char *spec)
{
    int fd, on = 1;
    if (strncmp(spec, "unix:", 5) == 0) {
        struct sockaddr_un sun = {.sun_family = AF_UNIX};
        if (strlen(spec + 5) >= sizeof(sun.sun_path)) {
            fprintf(stderr, "noop-milter: %s: path too long\n", spec);
            return -1;
        }
        strcpy(sun.sun_path, spec + 5);
        unlink(sun.sun_path);
        fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
            chmod(sun.sun_path, 0666) < 0 || listen(fd, SOMAXCONN) < 0) {
            perror("noop-milter: unix socket");
            return -1;
        }
        return fd;
    }
    int port;
    char host[64];
    if (sscanf(spec, "inet:%d@%63s", &port, host) != 2 || port <= 0 || port > 65535) {
        fprintf(stderr, "noop-milter: %s: not unix:/path or inet:PORT@HOST\n", spec);
        return -1;
    }
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
        fprintf(stderr, "noop-milter: %s: not an IPv4 address\n", host);
        return -1;
    }
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) < 0 ||
        bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, SOMAXCONN) < 0) {
        perror("noop-milter: tcp socket");
        return -1;
    }
    return fd;
}

int main(int argc, char **argv)
{
    int ch;
    while ((ch = getopt(argc, argv, "p")) != -1) {
        if (ch != 'p') {
            fprintf(stderr, "usage: noop-milter [-p] unix:/path|inet:PORT@HOST\n");
            return 2;
        }
        plain = true;
    }
    if (argc - optind != 1) {
        fprintf(stderr, "usage: noop-milter [-p] unix:/path|inet:PORT@HOST\n");
        return 2;
    }
    int fd = listen_on(argv[optind]);
    if (fd < 0)
        return 1;
    char fdspec[32];
    snprintf(fdspec, sizeof(fdspec), "fd:%d", fd);
    if (plain) {
        filter.xxfi_flags = 0;
        filter.xxfi_negotiate = NULL;
    }
    if (smfi_setconn(fdspec) != MI_SUCCESS || smfi_register(filter) != MI_SUCCESS ||
        smfi_opensocket(false) != MI_SUCCESS) {
        fprintf(stderr, "noop-milter: libmilter refused %s\n", fdspec);
        return 1;
    }
    return smfi_main() == MI_SUCCESS ? 0 : 1;
}
