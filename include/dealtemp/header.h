/*
 * header.h - make a string safe to add as a header field value. Pure.
 *
 * Values that reach a header may carry text from hostile mail (subjects,
 * phrases), so: control characters (CR and LF included) become spaces,
 * runs of white space collapse to one, invalid UTF-8 becomes '?', and the
 * result is folded with "\n\t" (libmilter's folding) at spaces so no
 * physical line - counting "Name: " on the first - exceeds 78 bytes where
 * a space allows it, and never 998. A value longer than max_len bytes is cut
 * on a character boundary and ends in "...".
 */
#ifndef DEALTEMP_HEADER_H
#define DEALTEMP_HEADER_H

#include <stddef.h>

#include "dealtemp/buf.h"

/* Append the sanitised, folded value to out. name_len: length of the field name. */
void dt_header_value(const char *value, size_t name_len, size_t max_len, struct dt_buf *out);

#endif
