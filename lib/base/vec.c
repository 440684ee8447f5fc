/*
 * vec.c - growing an array by doubling, with the size cap every array
 * shares (kaohe/vec.h).
 */
#include "kaohe/vec.h"

#include <stdlib.h>
#include <string.h>

kh_status kh_vec_grow(void *pp, size_t *alloc, size_t need, size_t size,
                      size_t first)
{
    if (need <= *alloc)
        return KH_OK;
    if (size == 0 || need > KH_VEC_MAX_BYTES / size)
        return KH_ELIMIT;
    size_t max = KH_VEC_MAX_BYTES / size;   /* need <= max */
    size_t na = *alloc ? (*alloc > max / 2 ? max : *alloc * 2) : first;
    if (na == 0)
        na = 1;
    while (na < need)
        na = na > max / 2 ? max : na * 2;
    if (na > max)
        na = max;
    /* The pointer is read and written as bytes: pp may point to any
     * object pointer type. */
    void *p;
    memcpy(&p, pp, sizeof p);
    void *np = realloc(p, na * size);
    if (!np)
        return KH_ENOMEM;
    memcpy(pp, &np, sizeof np);
    *alloc = na;
    return KH_OK;
}
