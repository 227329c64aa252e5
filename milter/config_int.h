/*
 * config_int.h - the value checks of config.c, kept in config_check.c.
 * Not a public contract: config.c and tests/check_config.c include it.
 *
 * Each check gets a malloc'ed copy of one configured string in *v. It may
 * rewrite it in place (lower-casing) or replace it with a new malloc'ed
 * string (a relative path made absolute; the old one is freed). It returns
 * 0, or -1 with a one-line reason in why[size] (the key name is added by
 * the caller: "socket: 'x' is not a milter socket ...").
 */
#ifndef DEALTEMP_CONFIG_INT_H
#define DEALTEMP_CONFIG_INT_H

#include <stddef.h>

typedef int dt_config_check_fn(char **v, char *why, size_t size);

/* unix:/path, local:/path, inet:PORT@HOST, inet6:PORT@HOST or fd:N. */
dt_config_check_fn dt_config_check_socket;
/* Not empty, no control characters; relative -> absolute against the cwd. */
dt_config_check_fn dt_config_check_path;
/* A domain name of two or more labels; lower-cased, a leading '@' dropped. */
dt_config_check_fn dt_config_check_domain;
/* "ann@corp.example" or "@sales.corp.example"; lower-cased. */
dt_config_check_fn dt_config_check_rep;
/* 1..40 printable ASCII characters, no ':' and no space. */
dt_config_check_fn dt_config_check_header_prefix;
/* A two-letter language code; lower-cased. */
dt_config_check_fn dt_config_check_language;

#endif
