/*
 * kaohe/vec.h - growing an array by doubling, with a size cap.
 *
 * The engine's arrays (messages, parsed nodes, table cells, rows...)
 * grow the same way: when full, to twice their room, starting from a
 * first size.  kh_vec_grow does that once, with the overflow check and
 * the cap every array shares.
 */
#ifndef KAOHE_VEC_H
#define KAOHE_VEC_H

#include <stddef.h>
#include "kaohe/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The most bytes one array may take: 1 GiB, as a kh_buf. */
#define KH_VEC_MAX_BYTES ((size_t)1 << 30)

/* Makes the array *pp (elements of `size` bytes, room for *alloc of
 * them; NULL and 0 for a new one) hold at least `need` elements.  When
 * it must grow it takes twice its room (`first` elements for a new
 * one), doubled again until `need` fits.  pp is the address of the
 * array's pointer (&v->items); the caller owns the array and frees it.
 * Returns KH_OK; KH_ELIMIT when `need` elements would pass
 * KH_VEC_MAX_BYTES (or size_t); KH_ENOMEM when memory runs out.  On
 * failure *pp and *alloc are unchanged. */
kh_status kh_vec_grow(void *pp, size_t *alloc, size_t need, size_t size,
                      size_t first);

/* kh_vec_grow for an array expression arr (a pointer lvalue) and its
 * room alloc (a size_t lvalue). */
#define KH_VEC_GROW(arr, alloc, need, first)                                \
    kh_vec_grow(&(arr), &(alloc), (need), sizeof *(arr), (first))

#ifdef __cplusplus
}
#endif
#endif
