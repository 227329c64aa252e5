/*
 * json.h - the little JSON dealtemp writes (one object per line). Pure.
 */
#ifndef DEALTEMP_JSON_H
#define DEALTEMP_JSON_H

#include "dealtemp/buf.h"

/* Append s as a JSON string literal (quotes included); NULL -> null.
 * Control characters (C0, DEL, C1), U+2028/U+2029 and hidden characters
 * (utf8.h: bidi controls, invisible format characters) are \u-escaped;
 * invalid UTF-8 becomes U+FFFD. */
void dt_json_string(struct dt_buf *b, const char *s);

#endif
