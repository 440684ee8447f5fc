/*
 * kaohe/buf.h - the one growable byte buffer, with a size cap.
 *
 * Reports, JSON, CSV and HTML are all written into a kh_buf.  Appends
 * never fail silently: once an append would pass the cap or memory runs
 * out, the buffer goes into a sticky error state (kh_buf_status()), later
 * appends do nothing, and the caller checks once at the end.
 */
#ifndef KAOHE_BUF_H
#define KAOHE_BUF_H

#include <stddef.h>
#include <stdarg.h>
#include "kaohe/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Default cap: 1 GiB. */
#define KH_BUF_DEFAULT_CAP ((size_t)1 << 30)

/* The struct is public so buffers can live on the stack; treat the
 * fields as read-only outside buf.c. */
typedef struct kh_buf {
    char *data;      /* owned; NUL-terminated when len > 0 */
    size_t len;
    size_t alloc;
    size_t cap;      /* maximum len */
    kh_status st;    /* KH_OK, KH_ENOMEM or KH_ELIMIT (sticky) */
} kh_buf;

/* Initialises an empty buffer with the given cap (0 = default). */
void kh_buf_init(kh_buf *b, size_t cap);
/* Frees the data; the buffer may be re-initialised. */
void kh_buf_free(kh_buf *b);
/* Gives the empty buffer b the malloc'd block data of alloc bytes (alloc
 * > 0; b owns it from now on), so that a caller can reuse a block it kept
 * from an earlier kh_buf_take. */
void kh_buf_adopt(kh_buf *b, char *data, size_t alloc);
/* Empties the buffer, keeps its memory and clears a sticky error. */
void kh_buf_reset(kh_buf *b);
/* Hands the data to the caller (who frees it) and empties the buffer.
 * Returns NULL for an empty or failed buffer. */
char *kh_buf_take(kh_buf *b, size_t *len);

void kh_buf_add(kh_buf *b, const void *p, size_t n);
void kh_buf_puts(kh_buf *b, const char *s);
void kh_buf_putc(kh_buf *b, char c);
void kh_buf_printf(kh_buf *b, const char *fmt, ...) KH_PRINTF(2, 3);
void kh_buf_vprintf(kh_buf *b, const char *fmt, va_list ap) KH_PRINTF(2, 0);
/* Ensures room for n more bytes; returns a pointer to write them or NULL
 * on failure; commit with kh_buf_commit(). */
char *kh_buf_reserve(kh_buf *b, size_t n);
void kh_buf_commit(kh_buf *b, size_t n);
/* Returns the data as a C string ("" when empty); borrowed. */
const char *kh_buf_str(const kh_buf *b);
kh_status kh_buf_status(const kh_buf *b);

/* Reads a whole file into b (appending).  Sets a message on err. */
kh_status kh_buf_read_file(kh_buf *b, const char *path, kh_err *err);

#ifdef __cplusplus
}
#endif
#endif
