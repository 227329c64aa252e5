/*
 * rawhdr.c - a message's header block rebuilt from fields received one at
 * a time, in bounded memory (see rawhdr.h).
 *
 * Public: dt_rawhdr_add().
 *
 * The hostile party is the sender, who writes every header: padding before
 * the From, values sized so that a cut lands after a folding line break,
 * bare line breaks inside a value. What is written always parses back
 * (dt_mime_scan_headers) as the same fields, with the header ending only
 * at the empty line the caller writes.
 *
 * Failure: none reported here; an allocation failure is sticky in raw.
 */
#include "dealtemp/rawhdr.h"

#include <limits.h>
#include <string.h>

#include "dealtemp/mime.h"

_Static_assert(DT_MIME_FIELDS <= sizeof(unsigned long) * CHAR_BIT, "one bit per field");

/* A field name dt_mime_scan_headers reads as one: RFC 5322 ftext, 33..126 but ':'. */
static bool field_name(const char *name, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)name[i] < 33 || (unsigned char)name[i] > 126 || name[i] == ':')
            return false;
    return true;
}

static bool is_wsp(char c)
{
    return c == ' ' || c == '\t';
}

void dt_rawhdr_add(struct dt_rawhdr *h, struct dt_buf *raw, const char *name, const char *value)
{
    size_t nlen = strlen(name), vlen = strnlen(value, DT_RAWHDR_VALUE_MAX + 1);

    if (!field_name(name, nlen)) {
        h->dropped++;
        return;
    }
    if (vlen > DT_RAWHDR_VALUE_MAX) {
        vlen = DT_RAWHDR_VALUE_MAX;
        h->cut++;
    }
    /* Trailing white space and line breaks go: a value never ends in a break. */
    while (vlen > 0 &&
           (is_wsp(value[vlen - 1]) || value[vlen - 1] == '\r' || value[vlen - 1] == '\n'))
        vlen--;
    /* A CR is added only before a LF that a blank follows: vlen / 2 of them at most. */
    size_t size = nlen + 2 + vlen + vlen / 2 + 2;
    int id = dt_mime_field_index(name, nlen);
    unsigned long bit = id >= 0 ? 1ul << id : 0;
    if (bit != 0 && (h->kept & bit) == 0) {
        h->kept |= bit; /* the first of a field that is read: always written */
    } else if (h->other_bytes + size <= DT_RAWHDR_OTHER_MAX) {
        h->other_bytes += size;
    } else {
        h->dropped++;
        return;
    }
    if (!dt_buf_reserve(raw, size))
        return;
    char *o = raw->data + raw->len;
    memcpy(o, name, nlen);
    o += nlen;
    *o++ = ':';
    *o++ = ' ';
    for (size_t i = 0; i < vlen; i++) {
        char c = value[i];
        if (c == '\r' && i + 1 < vlen && value[i + 1] == '\n')
            continue; /* the LF decides */
        if (c == '\n' && i + 1 < vlen && is_wsp(value[i + 1])) {
            *o++ = '\r'; /* folding: a continuation line follows */
            *o++ = '\n';
        } else if (c == '\n' || c == '\r') {
            *o++ = ' '; /* a break that would end the field, or the header */
        } else {
            *o++ = c;
        }
    }
    *o++ = '\r';
    *o++ = '\n';
    raw->len = (size_t)(o - raw->data);
    raw->data[raw->len] = '\0';
}
