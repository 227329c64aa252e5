/*
 * buf.c - growable NUL-terminated byte buffers (see buf.h).
 *
 * Growth doubles the capacity, so appending n bytes one at a time costs
 * O(n). An allocation failure marks the buffer failed; from then on every
 * append is a no-op and dt_buf_steal() returns NULL, so callers check once.
 */
#include "dealtemp/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

bool dt_buf_reserve(struct dt_buf *b, size_t extra)
{
    if (b->failed)
        return false;
    if (extra > SIZE_MAX / 2 - b->len - 1) {
        b->failed = true;
        return false;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (p == NULL) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    b->data[b->len] = '\0'; /* a fresh buffer is "" even before the first append */
    return true;
}

void dt_buf_append(struct dt_buf *b, const void *data, size_t len)
{
    if (!dt_buf_reserve(b, len))
        return;
    if (len > 0)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void dt_buf_puts(struct dt_buf *b, const char *s) { dt_buf_append(b, s, strlen(s)); }

void dt_buf_putc(struct dt_buf *b, char c)
{
    if (b->len + 1 < b->cap && !b->failed) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return;
    }
    dt_buf_append(b, &c, 1);
}

void dt_buf_printf(struct dt_buf *b, const char *fmt, ...)
{
    va_list ap;
    char small[256];

    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if ((size_t)n < sizeof(small)) {
        dt_buf_append(b, small, (size_t)n);
        return;
    }
    if (!dt_buf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void dt_buf_reset(struct dt_buf *b)
{
    b->len = 0;
    if (b->data != NULL)
        b->data[0] = '\0';
}

char *dt_buf_steal(struct dt_buf *b, size_t *len)
{
    if (b->failed) {
        dt_buf_free(b);
        return NULL;
    }
    char *p = b->data;
    size_t n = b->len;
    if (p == NULL) {
        p = calloc(1, 1);
        n = 0;
    }
    b->data = NULL;
    b->len = b->cap = 0;
    if (len != NULL)
        *len = n;
    return p;
}

void dt_buf_free(struct dt_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = false;
}
