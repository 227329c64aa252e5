/*
 * json.h - the little JSON dealtemp writes (one object per line). Pure.
 */
#ifndef DEALTEMP_JSON_H
#define DEALTEMP_JSON_H

#include "dealtemp/buf.h"

/* Append s as a JSON string literal (quotes included); NULL -> null.
 * Control characters are escaped; invalid UTF-8 becomes U+FFFD. */
void dt_json_string(struct dt_buf *b, const char *s);

#endif
