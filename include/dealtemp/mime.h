/*
 * mime.h - one raw RFC 5322 message -> the author's text as UTF-8, plus the
 * header facts the rest of dealtemp needs. Pure: no I/O, no clock.
 *
 * The MIME tree is walked in place (CRLF or LF line ends, no copy of the
 * message); header values are parsed with libetpan's grammar parsers
 * (mailmime_content_parse, mailmime_disposition_parse, mailimf address,
 * msg-id and date parsers) once their comments are known to nest no deeper
 * than a few levels; RFC 2047 words are decoded by the module itself, so a
 * NUL they encode is dropped, never the end of the text. mailmime_parse
 * itself is not used: it hides missing closing boundaries, turns a body
 * with a wrong boundary into one bogus part (the text is lost), and builds
 * a struct for every header of every part. The text part chosen is
 * the first text/plain that is not an attachment, else the first text/html
 * turned into text (see html.h); nested multiparts are walked depth first.
 * Content-Transfer-Encoding base64 / quoted-printable / 7bit / 8bit /
 * binary is decoded; the declared charset is converted to UTF-8 with iconv
 * (an unknown charset is read as UTF-8, else Windows-1252 when invalid as
 * UTF-8, and noted in the warning); invalid bytes become U+FFFD; NUL bytes
 * are dropped. Malformed MIME (missing or wrong boundaries, truncated input,
 * broken headers) never fails: whatever text can be recovered is returned,
 * and a warning says what was odd.
 *
 * dt_mime_parse() fails only when the input is not a message at all (empty,
 * or no header block), or memory runs out; err then holds one line.
 */
#ifndef DEALTEMP_MIME_H
#define DEALTEMP_MIME_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "dealtemp/error.h"

struct dt_message {
    /* The author's text (before quote removal), UTF-8, NUL-terminated, LF line ends;
     * when not empty it ends with a LF. */
    char *text;
    size_t text_len;
    bool text_from_html;    /* no text/plain part: text was made from HTML */

    /* Header facts. Strings are UTF-8 (RFC 2047 words decoded), NUL-terminated,
     * or NULL when the header is absent. Addresses are lower-cased addr-specs
     * ("rep@corp.example"), without display names or angle brackets. */
    char *message_id;       /* without angle brackets */
    char *in_reply_to;      /* first msg-id, without angle brackets */
    char **references;      /* msg-ids without brackets, oldest first; NULL-terminated array, never NULL */
    size_t n_references;
    char *from;             /* first From address */
    char **to;              /* NULL-terminated array, never NULL */
    size_t n_to;
    char **cc;              /* NULL-terminated array, never NULL */
    size_t n_cc;
    char **names;           /* display names: address, name, address, name, ..., NULL;
                               never NULL. From, To and Cc mailboxes with a name other
                               than their address (RFC 2047 decoded, one clean line,
                               at most 200 bytes), the first name of an address only */
    size_t n_names;         /* pairs */
    char *subject;
    time_t date;            /* Date header as UTC time_t, or (time_t)-1 if absent or unparsable */
    time_t received;        /* date after the last ';' of the first (topmost) Received header,
                               as UTC time_t, or (time_t)-1 if absent or unparsable */
    char *list_id;
    char *precedence;       /* lower-cased */
    char *auto_submitted;   /* lower-cased */
    bool x_autoreply;       /* X-Autoreply or X-Autorespond present */
    bool is_report;         /* top-level multipart/report (bounces, DSNs) */

    /* First oddity met while parsing, "" if none: e.g.
     * "unknown charset \"x-klingon\" in part 1.2, read as UTF-8". One line. */
    char warning[256];
    unsigned n_invalid;     /* invalid byte sequences replaced by U+FFFD */
};

/* The display name msg gives addr (lower-cased addr-spec), or NULL. */
const char *dt_message_name(const struct dt_message *msg, const char *addr);

/*
 * The header fields dt_mime_parse reads from a message's top-level header
 * (From, To, Cc, Message-ID, In-Reply-To, References, Subject, Date,
 * List-Id, Precedence, Auto-Submitted, X-Autoreply, X-Autorespond,
 * Received, Content-Type, Content-Transfer-Encoding, Content-Disposition):
 * of each only the first occurrence counts. dt_mime_field_index gives the
 * field name[0..len) (any case) a number 0 .. DT_MIME_FIELDS - 1, or -1
 * for a field that is not read. For whoever keeps a message's header
 * within a budget (rawhdr.h): these are the fields to keep.
 */
#define DT_MIME_FIELDS 17
int dt_mime_field_index(const char *name, size_t len);

int dt_mime_parse(const char *raw, size_t len, struct dt_message **out,
                  struct dt_error *err);
void dt_message_free(struct dt_message *msg);

#endif
