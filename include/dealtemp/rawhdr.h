/*
 * rawhdr.h - a message's header block rebuilt from fields that arrive one
 * at a time (libmilter's header callback), in bounded memory. Pure.
 *
 * The sender controls every header, so a message may carry 300 KB of
 * padding before its From, or a value cut at the size limit right after a
 * folding line break. Neither may change what dt_mime_parse() reads:
 *   - the header/body boundary is the empty line ("\r\n") the caller writes
 *     after the last field, and nothing else: a value's line breaks become CRLF only before a
 *     continuation line (white space follows), every other CR or LF is a
 *     space, trailing white space and line breaks are trimmed (after a cut
 *     too), so no value ends its field early or ends the header;
 *   - a field name that dt_mime_parse() would not read as one (empty, or
 *     with bytes outside 33..126 or a ':') is left out, not written;
 *   - each value is cut at DT_RAWHDR_VALUE_MAX bytes;
 *   - the first occurrence of every field the MIME module reads
 *     (dt_mime_field_index: From, To, Cc, Message-ID, References, ...) is
 *     always kept, wherever it comes; the other fields share
 *     DT_RAWHDR_OTHER_MAX bytes and the excess is left out and counted.
 * So memory is bounded by DT_MIME_FIELDS values plus the shared budget, and
 * a message padded past the budget is still read from the fields that
 * classify it. Cost: linear in each value.
 */
#ifndef DEALTEMP_RAWHDR_H
#define DEALTEMP_RAWHDR_H

#include <stddef.h>

#include "dealtemp/buf.h"

#define DT_RAWHDR_VALUE_MAX (16 * 1024)
#define DT_RAWHDR_OTHER_MAX (256 * 1024)

struct dt_rawhdr {
    size_t other_bytes; /* bytes written for fields that share the budget */
    unsigned long kept; /* bit i: the first field of dt_mime_field_index i is written */
    size_t dropped;     /* fields left out: over the budget, or not a field name */
    size_t cut;         /* values cut at DT_RAWHDR_VALUE_MAX */
};

/*
 * Append "name: value\r\n" to raw (or leave the field out, see above).
 * raw holds the header so far; h starts zeroed for each message.
 */
void dt_rawhdr_add(struct dt_rawhdr *h, struct dt_buf *raw, const char *name, const char *value);

#endif
