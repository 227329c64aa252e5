/*
 * buf.h - a growable byte buffer, always NUL-terminated.
 *
 * Used wherever text is built piece by piece (MIME extraction, quote
 * removal, header values). Allocation failures are sticky: once an append
 * fails, dt_buf_failed() is true, later appends do nothing, and the owner
 * checks once at the end instead of after every call.
 */
#ifndef DEALTEMP_BUF_H
#define DEALTEMP_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct dt_buf {
    char *data;   /* NULL until the first append; then NUL-terminated */
    size_t len;   /* bytes used, excluding the terminating NUL */
    size_t cap;   /* bytes allocated */
    bool failed;  /* an allocation failed; contents are incomplete */
};

#define DT_BUF_INIT {NULL, 0, 0, false}

void dt_buf_append(struct dt_buf *b, const void *data, size_t len);
void dt_buf_puts(struct dt_buf *b, const char *s);
void dt_buf_putc(struct dt_buf *b, char c);
void dt_buf_printf(struct dt_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Ensure room for extra more bytes (plus the NUL). Returns false on failure. */
bool dt_buf_reserve(struct dt_buf *b, size_t extra);
static inline bool dt_buf_failed(const struct dt_buf *b) { return b->failed; }
/* Empty the buffer but keep its memory. */
void dt_buf_reset(struct dt_buf *b);
/*
 * Hand the contents to the caller (free() them); the buffer becomes empty.
 * Returns an allocated "" for an empty buffer, NULL if an allocation failed.
 */
char *dt_buf_steal(struct dt_buf *b, size_t *len);
void dt_buf_free(struct dt_buf *b);

#endif
