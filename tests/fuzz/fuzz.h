/*
 * fuzz.h - the fuzz targets of `make fuzz`, and what they share.
 *
 * Each target is one function, dt_fuzz_<name>(data, size), that feeds
 * hostile bytes to one entry point of the library, plus an init function
 * run once before the first input (it loads a configuration, say). Two
 * programs call them:
 *   - the libFuzzer binaries build-fuzz/fuzz_<name> (clang, ASan + UBSan,
 *     the library compiled with the same flags): tests/fuzz/fuzz_<name>.c
 *     built with DT_FUZZ_MAIN defines LLVMFuzzerInitialize and
 *     LLVMFuzzerTestOneInput around the two functions (DT_FUZZ_ENTRY);
 *   - the Check suite tests/check_fuzz_replay.c, built like every other
 *     suite (gcc; make check SANITIZE=1 under the sanitizers), replays
 *     every finding kept in tests/data/fuzz/<name>/ through the same
 *     functions, so a regression shows in CI even without clang.
 *
 * The targets keep no state between inputs but what init made, and give
 * the clock no say: where a target passes a time it is DT_FUZZ_NOW (only
 * dt_import_mbox reads the clock, for a message with no date at all,
 * which changes no count the target checks). They
 * return 0; a broken promise of the code under test - not a crash but a
 * contract, such as a header value with a line break - aborts through
 * DT_FUZZ_ASSERT, which libFuzzer reports as a crash like any other.
 *
 * init gets top, the top of the source tree (configurations and lexicons
 * are read from there): "." for the replay suite, which runs from the
 * top; the tree the binary was built in for libFuzzer (DT_FUZZ_TOP,
 * overridden by the environment variable DT_FUZZ_TOP). init returns 0, or
 * -1 after printing why on stderr.
 */
#ifndef DEALTEMP_FUZZ_H
#define DEALTEMP_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "dealtemp/config.h"

/* What every target understands as time: Thu 20 Nov 2025 07:00:00 UTC. */
#define DT_FUZZ_NOW ((time_t)1763622000)

int dt_fuzz_analyze_init(const char *top);
int dt_fuzz_analyze(const uint8_t *data, size_t size);
int dt_fuzz_html_init(const char *top);
int dt_fuzz_html(const uint8_t *data, size_t size);
int dt_fuzz_quote_init(const char *top);
int dt_fuzz_quote(const uint8_t *data, size_t size);
int dt_fuzz_config_init(const char *top);
int dt_fuzz_config(const uint8_t *data, size_t size);
int dt_fuzz_import_init(const char *top);
int dt_fuzz_import(const uint8_t *data, size_t size);
int dt_fuzz_digest_init(const char *top);
int dt_fuzz_digest(const uint8_t *data, size_t size);

/* ---- shared helpers (fuzz_common.c) ---- */

/*
 * Load top/rel, a configuration that must load, with the lexicons found as
 * in a build tree (<top>/conf/lexicons unless it names its own). NULL
 * after printing the error.
 */
struct dt_config *dt_fuzz_config_load(const char *top, const char *rel);

/* "<top>/tests/dealtemp": an exe path whose ../conf/lexicons is the tree's (testutil.h). */
const char *dt_fuzz_exe(const char *top);

/*
 * Run fn(arg) on a thread of its own with a stack of DT_FUZZ_STACK bytes and
 * wait for it. A milter thread has glibc's default stack, RLIMIT_STACK (8 MB
 * as shipped); the targets that parse messages give the parser an eighth of
 * that, so that recursion which grows with the input (nested comments,
 * nested parts) overflows here long before it could in the milter.
 */
#define DT_FUZZ_STACK (1024 * 1024)
void dt_fuzz_on_stack(void (*fn)(void *), void *arg);

/*
 * A contract known broken on main, reported and waiting for its fix: id is
 * listed in the environment variable DT_FUZZ_PENDING (separated by commas
 * or spaces). tests/fuzz/pending lists those ids with their fixtures, and
 * run.sh passes them, so that `make fuzz` looks past a known finding for
 * new ones; without the variable (a target run by hand, the replay suite)
 * every check is made. A crash in the code under test has no such switch.
 */
bool dt_fuzz_pending(const char *id);

/*
 * s[0..n) is exactly one JSON object (strict RFC 8259 syntax) followed by
 * one "\n", with no other line break: what report.h promises of every
 * JSON line. UTF-8 validity is not checked here (dt_utf8_valid).
 */
bool dt_fuzz_json_line(const char *s, size_t n);

/*
 * The checkers below read every byte of what the code under test wrote;
 * fuzz_common.c is compiled without the fuzzer's coverage hooks (Makefile)
 * so that they neither slow the targets down nor count as coverage.
 *
 * s[0..n) is a header field value as the milter adds it after "Name: "
 * (name_len bytes): no CR or NUL, every LF followed by a TAB (a fold), no
 * line over 998 bytes counting the name on the first.
 */
bool dt_fuzz_header_value(const char *s, size_t n, size_t name_len);

/* s[0..n) is a message on the wire: CRLF line ends only, ending in one
 * (or empty), no NUL, no line over 998 bytes (RFC 5322 2.1.1). */
bool dt_fuzz_crlf_message(const char *s, size_t n);

/*
 * s[0..n) is text a person may read on a terminal (utf8.h's rule): valid
 * UTF-8 with no control character (C0, DEL, C1) but LF and TAB, and none
 * dt_unicode_is_hidden names (bidi controls, invisible format characters).
 */
bool dt_fuzz_readable(const char *s, size_t n);

/* A contract of the code under test is broken: say which and abort (a libFuzzer crash). */
#define DT_FUZZ_ASSERT(cond, what)                                                                 \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz: %s:%d: %s (%s)\n", __FILE__, __LINE__, (what), #cond);          \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/*
 * A reader over the input for targets that build structures from it:
 * numbers from the front, strings NUL-separated. Past the end numbers are
 * 0 and strings "". Strings are copied into NUL-terminated pieces owned by
 * the reader (freed with dt_fuzz_reader_free).
 */
struct dt_fuzz_reader {
    const uint8_t *p;
    size_t left;
    char **owned;
    size_t n_owned, cap_owned;
};

void dt_fuzz_reader_init(struct dt_fuzz_reader *r, const uint8_t *data, size_t size);
void dt_fuzz_reader_free(struct dt_fuzz_reader *r);
uint8_t dt_fuzz_u8(struct dt_fuzz_reader *r);
uint64_t dt_fuzz_u64(struct dt_fuzz_reader *r);
/* A number in [lo, hi] (inclusive; lo <= hi). */
int64_t dt_fuzz_range(struct dt_fuzz_reader *r, int64_t lo, int64_t hi);
/* The next string, up to a NUL or the end (the NUL is consumed); "" past the end. */
const char *dt_fuzz_str(struct dt_fuzz_reader *r);
/* Like dt_fuzz_str, but NULL when the first byte is 0x01 (the field is absent). */
const char *dt_fuzz_str_or_null(struct dt_fuzz_reader *r);

/*
 * LeakSanitizer's suppressions for everything that links fuzz_common.c:
 * libconfig 1.5 (Debian 12) leaks the string its scanner was reading when
 * the parser fails on it (hyperrealm/libconfig#142, fixed in 1.7.3;
 * tests/data/fuzz/config/libconfig-string-leak). Not ours to fix, and
 * bounded (one string per failed load); every other leak is reported.
 */
const char *__lsan_default_suppressions(void);

/*
 * The libFuzzer entry points around dt_fuzz_<name>_init and dt_fuzz_<name>,
 * compiled only into the fuzz binaries (-DDT_FUZZ_MAIN).
 */
#ifdef DT_FUZZ_MAIN
#ifndef DT_FUZZ_TOP
#error "DT_FUZZ_TOP must name the source tree (the Makefile passes -DDT_FUZZ_TOP)"
#endif
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#define DT_FUZZ_ENTRY(name)                                                                        \
    int LLVMFuzzerInitialize(int *argc, char ***argv)                                              \
    {                                                                                              \
        (void)argc, (void)argv;                                                                    \
        const char *top = getenv("DT_FUZZ_TOP");                                                   \
        if (dt_fuzz_##name##_init(top != NULL && top[0] != '\0' ? top : DT_FUZZ_TOP) < 0)          \
            exit(2);                                                                               \
        return 0;                                                                                  \
    }                                                                                              \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)                                   \
    {                                                                                              \
        return dt_fuzz_##name(data, size);                                                         \
    }
#else
#define DT_FUZZ_ENTRY(name)
#endif

#endif
