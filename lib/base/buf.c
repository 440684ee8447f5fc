/*
 * buf.c - the growable byte buffer with a size cap and a sticky error.
 */
#include "kaohe/buf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void kh_buf_init(kh_buf *b, size_t cap)
{
    memset(b, 0, sizeof *b);
    b->cap = cap ? cap : KH_BUF_DEFAULT_CAP;
}

void kh_buf_free(kh_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->alloc = 0;
}

void kh_buf_adopt(kh_buf *b, char *data, size_t alloc)
{
    free(b->data);
    b->data = data;
    b->alloc = alloc;
    b->len = 0;
    data[0] = '\0';
}

void kh_buf_reset(kh_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
    b->st = KH_OK;
}

char *kh_buf_take(kh_buf *b, size_t *len)
{
    if (b->st != KH_OK || !b->data) {
        if (len)
            *len = 0;
        return NULL;
    }
    char *d = b->data;
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->alloc = 0;
    return d;
}

char *kh_buf_reserve(kh_buf *b, size_t n)
{
    if (b->st != KH_OK)
        return NULL;
    if (n > b->cap || b->len > b->cap - n) {
        b->st = KH_ELIMIT;
        return NULL;
    }
    size_t need = b->len + n + 1;   /* room for the NUL */
    if (need > b->alloc) {
        size_t na = b->alloc ? b->alloc : 256;
        while (na < need)
            na = na > SIZE_MAX / 2 ? need : na * 2;
        char *nd = realloc(b->data, na);
        if (!nd) {
            b->st = KH_ENOMEM;
            return NULL;
        }
        b->data = nd;
        b->alloc = na;
    }
    return b->data + b->len;
}

void kh_buf_commit(kh_buf *b, size_t n)
{
    if (b->st != KH_OK || !b->data)
        return;
    b->len += n;
    b->data[b->len] = '\0';
}

void kh_buf_add(kh_buf *b, const void *p, size_t n)
{
    char *w = kh_buf_reserve(b, n);
    if (!w)
        return;
    if (n)
        memcpy(w, p, n);
    kh_buf_commit(b, n);
}

void kh_buf_puts(kh_buf *b, const char *s)
{
    kh_buf_add(b, s, strlen(s));
}

void kh_buf_putc(kh_buf *b, char c)
{
    char *w = kh_buf_reserve(b, 1);
    if (!w)
        return;
    *w = c;
    kh_buf_commit(b, 1);
}

void kh_buf_vprintf(kh_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        b->st = KH_EINVAL;
        return;
    }
    if ((size_t)n < sizeof tmp) {
        kh_buf_add(b, tmp, (size_t)n);
        return;
    }
    char *w = kh_buf_reserve(b, (size_t)n);
    if (!w)
        return;
    vsnprintf(w, (size_t)n + 1, fmt, ap);
    kh_buf_commit(b, (size_t)n);
}

void kh_buf_printf(kh_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kh_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

const char *kh_buf_str(const kh_buf *b)
{
    return (b->data && b->len) ? b->data : "";
}

kh_status kh_buf_status(const kh_buf *b)
{
    return b->st;
}

kh_status kh_buf_read_file(kh_buf *b, const char *path, kh_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return kh_err_fail(err, KH_EIO, "%s: cannot open: %s", path,
                           strerror(errno));
    /* Reserve the whole size at once: doubling would peak near 2x. */
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && sb.st_size > 0 &&
        !kh_buf_reserve(b, (size_t)sb.st_size + 65536)) {
        fclose(f);
        return kh_err_fail(err, b->st, "%s: %s", path,
                           b->st == KH_ELIMIT ? "file is too large"
                                              : "out of memory");
    }
    for (;;) {
        char *w = kh_buf_reserve(b, 65536);
        if (!w) {
            fclose(f);
            return kh_err_fail(err, b->st, "%s: %s", path,
                               b->st == KH_ELIMIT ? "file is too large"
                                                  : "out of memory");
        }
        size_t n = fread(w, 1, 65536, f);
        kh_buf_commit(b, n);
        if (n < 65536) {
            if (ferror(f)) {
                int en = errno;
                fclose(f);
                return kh_err_fail(err, KH_EIO, "%s: read error: %s", path,
                                   strerror(en));
            }
            break;
        }
    }
    fclose(f);
    return KH_OK;
}
