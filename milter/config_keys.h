/*
 * config_keys.h - private to config.c and config_keys.c: what a key of the
 * configuration is (its name, type, field, bounds, default, checks) and
 * the table of every key (config_keys.c).
 */
#ifndef DEALTEMP_CONFIG_KEYS_H
#define DEALTEMP_CONFIG_KEYS_H

#include <stddef.h>

#include "config_int.h"

enum key_type {
    KEY_GROUP,   /* holds further keys, named "<group>.<key>" */
    KEY_STRING,  /* char * */
    KEY_STRINGS, /* char ** (NULL-terminated) plus a size_t count */
    KEY_NUMBER,  /* stored as .store says */
    KEY_BOOL,    /* bool */
    KEY_ENUM,    /* one of .names, its value stored as .store says */
    KEY_PARSED,  /* .parse reads it into the field; the default is always PRESET */
};

/* How a number (or an enum's value) is stored in its field. */
enum store { ST_INT, ST_DOUBLE, ST_UNSIGNED, ST_SIZE, ST_LONG, ST_BOOL, ST_LEVEL, ST_PROFILE };

/* flags */
#define REQUIRED 0x01 /* no default: the file must set it */
#define NONEMPTY 0x02 /* KEY_STRINGS: at least one element */
#define MIN_EXCL 0x04 /* the value must be greater than min, not equal */
#define MAX_EXCL 0x08
#define NO_MAX 0x10
#define INTEGER 0x20 /* KEY_NUMBER: a float in the file is a type error */
#define PRESET 0x40  /* the default is already in the field (dt_*_defaults, preset()) */

struct name_value {
    const char *name;
    int value;
};

struct key {
    const char *name;
    enum key_type type;
    unsigned flags;
    size_t off;                     /* the field in struct dt_config */
    size_t count_off;               /* KEY_STRINGS: its size_t count */
    enum store store;               /* KEY_NUMBER, KEY_ENUM, KEY_PARSED */
    double min, max;                /* KEY_NUMBER */
    const char *def_str;            /* KEY_STRING, KEY_ENUM (NULL: none) */
    const char *const *def_list;    /* KEY_STRINGS (NULL: empty) */
    double def_num;                 /* KEY_NUMBER, KEY_BOOL */
    const struct name_value *names; /* KEY_ENUM, ends with a NULL name */
    dt_config_check_fn *check;      /* KEY_STRING(S): validate and normalise */
    dt_config_parse_fn *parse;      /* KEY_PARSED */
    dt_config_show_fn *show;        /* KEY_PARSED: the value in messages */
};

/* Every key, groups before their members; conf/dealtemp.conf documents each. */
extern const struct key dt_config_keys[];
extern const size_t dt_config_n_keys;
/* At least dt_config_n_keys (config_keys.c checks): what a load keeps per key. */
#define DT_CONFIG_MAX_KEYS 128

#endif
