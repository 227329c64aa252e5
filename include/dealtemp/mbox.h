/*
 * mbox.h - split an mbox held in memory into its messages. Pure: no I/O,
 * no clock; one linear pass over the buffer, which is never written.
 *
 * The format is RFC 4155's: every message begins with a From_ line ("From
 * " at the start of a line) and ends with an empty line. A From_ line is
 * recognised at the very start of the buffer or right after an empty
 * line (LF or CRLF line ends); a "From " line inside a body that follows
 * text is body. The empty line before a From_ line is the separator and
 * belongs to no message; the last message runs to the end of the buffer,
 * its last line whole whether or not a line end follows it. Text before
 * the first From_ line (a buffer that does not start with one, such as a
 * single message) is a message of its own, unless it is only line ends.
 *
 * Body lines that begin ">From " (any number of '>') are the writer's
 * escapes (mboxrd; mboxo escaped only the first level). A message that
 * holds one says so (escaped), and dt_mbox_unescape() gives its text with
 * one '>' taken off each such line.
 *
 * Bugs: an mbox whose writer did not leave an empty line before a From_
 * line reads the two messages as one (RFC 4155 makes the line mandatory);
 * an mboxo body line that was ">From " before it was written loses its '>'.
 * Diagnostics: none; every byte sequence splits into zero or more messages.
 */
#ifndef DEALTEMP_MBOX_H
#define DEALTEMP_MBOX_H

#include <stdbool.h>
#include <stddef.h>

#include "dealtemp/buf.h"

/* One message of the buffer: pointers into it, valid while it lives. */
struct dt_mbox_msg {
    const char
        *from_line; /* the From_ line without its line end, or NULL (text before the first) */
    size_t from_len;
    const char *data; /* the message: header and body, still escaped */
    size_t len;
    size_t line;  /* 1-based line of the buffer where the message begins (its From_ line) */
    bool escaped; /* a line of data begins with '>'* "From " */
};

/*
 * The message at or after *pos in buf[0..len), into *m; *pos moves past it
 * and *line (1 on the first call with *pos 0) counts the buffer's lines on
 * the way. Returns false, m untouched, when no message is left.
 */
bool dt_mbox_next(const char *buf, size_t len, size_t *pos, size_t *line, struct dt_mbox_msg *m);

/* The number of messages dt_mbox_next() finds in buf[0..len). */
size_t dt_mbox_count(const char *buf, size_t len);

/* Append m's data to out with one '>' taken off every line that begins '>'* ">From ". */
void dt_mbox_unescape(const struct dt_mbox_msg *m, struct dt_buf *out);

#endif
