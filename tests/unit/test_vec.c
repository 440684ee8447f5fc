/* Unit tests: growing an array by doubling with the size cap
 * (lib/base/vec.c): first size, doubling, a need past the double, the
 * contents kept, nothing changed on a refusal (cap, size_t overflow). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kaohe/vec.h"

static void test_first_and_doubling(void **state)
{
    (void)state;
    int *v = NULL;
    size_t alloc = 0;
    assert_int_equal(KH_VEC_GROW(v, alloc, 1, 16), KH_OK);
    assert_non_null(v);
    assert_int_equal(alloc, 16);
    for (int i = 0; i < 16; i++)
        v[i] = i * 7;
    /* room enough: nothing moves */
    int *same = v;
    assert_int_equal(KH_VEC_GROW(v, alloc, 16, 16), KH_OK);
    assert_ptr_equal(v, same);
    assert_int_equal(alloc, 16);
    /* one more: twice the room, contents kept */
    assert_int_equal(KH_VEC_GROW(v, alloc, 17, 16), KH_OK);
    assert_int_equal(alloc, 32);
    for (int i = 0; i < 16; i++)
        assert_int_equal(v[i], i * 7);
    /* a need past the double: doubled until it fits */
    assert_int_equal(KH_VEC_GROW(v, alloc, 200, 16), KH_OK);
    assert_int_equal(alloc, 256);
    v[199] = 1;
    free(v);
}

static void test_new_array_need_past_first(void **state)
{
    (void)state;
    char *s = NULL;
    size_t alloc = 0;
    assert_int_equal(KH_VEC_GROW(s, alloc, 1000, 256), KH_OK);
    assert_int_equal(alloc, 1024);
    memset(s, 'x', 1000);
    free(s);
    /* no first size given: starts at one element */
    double *d = NULL;
    alloc = 0;
    assert_int_equal(KH_VEC_GROW(d, alloc, 3, 0), KH_OK);
    assert_int_equal(alloc, 4);
    free(d);
}

static void test_cap(void **state)
{
    (void)state;
    uint64_t *v = NULL;
    size_t alloc = 0;
    assert_int_equal(KH_VEC_GROW(v, alloc, 8, 8), KH_OK);
    uint64_t *old = v;
    size_t max = KH_VEC_MAX_BYTES / sizeof *v;
    assert_int_equal(KH_VEC_GROW(v, alloc, max + 1, 8), KH_ELIMIT);
    assert_ptr_equal(v, old);
    assert_int_equal(alloc, 8);
    /* a doubling past the cap stops at the cap (no allocation here:
     * the room is checked on a huge element size instead) */
    struct big { char b[1 << 20]; } *b = NULL;
    size_t ab = 0;
    assert_int_equal(KH_VEC_GROW(b, ab, 1025, 1), KH_ELIMIT);
    assert_null(b);
    assert_int_equal(ab, 0);
    free(v);
}

static void test_overflow(void **state)
{
    (void)state;
    char *p = NULL;
    size_t alloc = 0;
    /* need * size would wrap around size_t */
    assert_int_equal(kh_vec_grow(&p, &alloc, 3, SIZE_MAX / 2, 1), KH_ELIMIT);
    assert_int_equal(kh_vec_grow(&p, &alloc, SIZE_MAX, 2, 1), KH_ELIMIT);
    assert_null(p);
    assert_int_equal(alloc, 0);
    /* a zero element size is refused, not divided by */
    assert_int_equal(kh_vec_grow(&p, &alloc, 1, 0, 1), KH_ELIMIT);
    assert_null(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_and_doubling),
        cmocka_unit_test(test_new_array_need_past_first),
        cmocka_unit_test(test_cap),
        cmocka_unit_test(test_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
