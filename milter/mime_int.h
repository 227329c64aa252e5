/*
 * mime_int.h - internals shared by mime.c, mime_header.c, mime_values.c and
 * mime_decode.c.
 * Not part of any public contract: only the MIME module includes it.
 *
 * The MIME module never copies or normalises the raw message: header blocks
 * are scanned in place (CRLF or LF), header values are referred to by
 * slices, and only the values actually needed are unfolded into a scratch
 * buffer before libetpan parses them.
 */
#ifndef DEALTEMP_MIME_INT_H
#define DEALTEMP_MIME_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "dealtemp/buf.h"
#include "dealtemp/mime.h"

/*
 * Header values longer than this are cut before they are parsed: no real
 * header is that long, and libetpan's parsers cost time per word.
 */
#define DT_MIME_FIELD_MAX 65536

/* RFC 5322 section 2.1.1: a line must not exceed 998 bytes without CRLF. */
#define DT_MIME_LINE_MAX 998

/* A slice of the raw message (not NUL-terminated). p == NULL: absent. */
struct dt_slice {
    const char *p;
    size_t n;
};

/* The header fields the module looks at; the first occurrence wins. */
enum dt_hfield {
    DT_H_MESSAGE_ID,
    DT_H_IN_REPLY_TO,
    DT_H_REFERENCES,
    DT_H_FROM,
    DT_H_TO,
    DT_H_CC,
    DT_H_SUBJECT,
    DT_H_DATE,
    DT_H_LIST_ID,
    DT_H_PRECEDENCE,
    DT_H_AUTO_SUBMITTED,
    DT_H_X_AUTOREPLY,
    DT_H_X_AUTORESPOND,
    DT_H_RECEIVED, /* the first (topmost) one: the last hop's arrival time */
    DT_H_CONTENT_TYPE,
    DT_H_CTE,
    DT_H_DISPOSITION,
    DT_H_COUNT
};

struct dt_headers {
    struct dt_slice f[DT_H_COUNT]; /* raw values, still folded */
    size_t body;                   /* offset of the body; == len when there is none */
    bool long_line;                /* a header line over DT_MIME_LINE_MAX bytes */
    bool nul;                      /* a NUL byte inside the header block */
};

/*
 * Length of "Name:" if the line p[0..n) starts with a header field name
 * followed by a colon (obsolete white space before the colon allowed), else
 * 0. *name_len receives the length of the name alone.
 */
size_t dt_mime_field_prefix(const char *p, size_t n, size_t *name_len);

/*
 * Scan the header block at the start of data[0..len). Top-level scans look
 * up all fields above; part scans (top == false) only the Content-* ones.
 * The block ends at an empty line (the body follows it), at a line that is
 * neither a field nor a continuation (the body starts there: MIME parts may
 * omit their headers), or at the end of data (no body). Linear in len.
 */
void dt_mime_scan_headers(const char *data, size_t len, bool top, struct dt_headers *h);

/*
 * libetpan parses comments recursively, one stack frame (or more) per '('
 * that nests: a From of 20,000 "(\\)" overflows a thread's stack. Values
 * whose comments could nest deeper than this are flattened first.
 */
#define DT_MIME_COMMENT_DEPTH 8

/*
 * Unfold a raw header value into b (which is reset first): line breaks and
 * NULs removed, outer white space trimmed, cut at DT_MIME_FIELD_MAX bytes.
 * When its comments could nest deeper than DT_MIME_COMMENT_DEPTH for any
 * of libetpan's parsers (quoted pairs and quoted strings taken into
 * account), the comments are removed and every parenthesis left is
 * blanked, and msg (when not NULL) gets the warning "<field>: comments
 * nested deeper than 8 levels removed". field NULL: an unstructured value
 * (Subject, List-Id, ...) that no grammar parser reads; its parentheses are
 * text and stay. Linear in the value.
 * Returns b->data (NUL-terminated; "" when s is absent), *n its length.
 */
const char *dt_mime_unfold(struct dt_buf *b, struct dt_slice s, size_t *n, struct dt_message *msg,
                           const char *field);

/* Set msg->warning unless a warning is already set. Control bytes become '?'. */
void dt_mime_warn(struct dt_message *msg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Fill the header facts of msg from a top-level scan. scratch is working
 * memory. Returns -1 only when memory runs out.
 */
int dt_mime_header_facts(struct dt_message *msg, const struct dt_headers *h,
                         struct dt_buf *scratch);

/* --- mime_values.c ------------------------------------------------------ */

/* A msg-id (without its brackets) handed out; true when the caller kept it. */
typedef bool (*dt_mime_id_fn)(const char *id, size_t n, void *arg);
/* A mailbox handed out: its addr-spec and its display name (NULL, 0: none). */
typedef void (*dt_mime_addr_fn)(const char *spec, size_t spec_n, const char *display,
                                size_t display_n, void *arg);

/*
 * The strict forms nearly every client writes, read without libetpan,
 * which reads them the same but allocates for every token it walks:
 * msg-ids "<left@right>" (dot-atoms both sides) apart by blanks; mailboxes
 * "addr", "<addr>" or "Atext Words <addr>" (addr: dot-atom@dot-atom)
 * apart by ", ". Each piece of v[0..n) goes to each, in order, once the
 * whole value is known to be of the form; false, with nothing handed out,
 * for any other value (give it to libetpan).
 */
bool dt_mime_plain_ids(const char *v, size_t n, dt_mime_id_fn each, void *arg);
bool dt_mime_plain_addrs(const char *v, size_t n, dt_mime_addr_fn each, void *arg);

/*
 * For values libetpan rejects: every "<...>" (and the rest after a last
 * '<'), or when each kept none of them, every word with an '@'; every
 * token with an '@' inside (not first or last) between blanks, commas,
 * semicolons, colons, brackets, quotes and parentheses (no names).
 */
void dt_mime_scan_ids(const char *v, size_t n, dt_mime_id_fn each, void *arg);
void dt_mime_scan_addrs(const char *v, size_t n, dt_mime_addr_fn each, void *arg);

/* An addr-spec worth keeping: one '@' with something on both sides, no specials. */
bool dt_mime_plausible_addr(const char *a);

/* --- mime_decode.c ------------------------------------------------------ */

/*
 * Decode base64 s[0..n) and append the bytes to out. Characters outside the
 * alphabet are skipped. *truncated is set when the data ends in the middle
 * of a 4-character group without '=' padding (a message cut short).
 */
void dt_mime_base64(struct dt_buf *out, const char *s, size_t n, bool *truncated);

/* Decode quoted-printable s[0..n) and append the bytes to out. Never fails. */
void dt_mime_qp(struct dt_buf *out, const char *s, size_t n);

/* What dt_mime_to_utf8 met. */
struct dt_conv {
    unsigned invalid;    /* byte sequences replaced by U+FFFD */
    bool nul;            /* NUL characters were dropped */
    bool unknown;        /* the charset is unknown to iconv (or not a sane name) */
    bool eight_bit;      /* invalid UTF-8 in a part declared US-ASCII (or undeclared) */
    const char *read_as; /* for unknown / eight_bit: "UTF-8" or "Windows-1252" */
};

/*
 * Convert s[0..n) from the charset cs ("" when none was declared) and append
 * it to out as clean UTF-8 (see dt_utf8_clean: LF line ends, no NUL or
 * control characters). Invalid input becomes U+FFFD. truncated: the data was
 * cut short, so an incomplete character at its very end is dropped, not
 * counted. Never fails (an allocation failure is sticky in out).
 */
void dt_mime_to_utf8(struct dt_buf *out, const char *cs, const char *s, size_t n, bool truncated,
                     struct dt_conv *res);

/*
 * Append the bytes s[0..n) read as Windows-1252 (a superset of ISO-8859-1's
 * printable range) to out as UTF-8. Returns the number of undefined bytes,
 * which become U+FFFD.
 */
unsigned dt_mime_cp1252(struct dt_buf *out, const char *s, size_t n);

/*
 * Append the header value v[0..n) (unfolded) to out as UTF-8 with its RFC
 * 2047 encoded words ("=?charset?Q?text?=", "=?charset?B?text?=", an RFC
 * 2231 "*language" allowed) decoded: white space between two encoded words
 * is dropped, adjacent words in one charset are converted together, text
 * outside them is read as UTF-8 if valid, else as Windows-1252. A malformed
 * word is kept as text. What the conversion met (NULs dropped, invalid
 * bytes replaced, an unknown charset) is in *res. Linear in n; never fails
 * (an allocation failure is sticky in out).
 */
void dt_mime_words(struct dt_buf *out, const char *v, size_t n, struct dt_conv *res);

#endif
