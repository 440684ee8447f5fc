/* Unit tests: kh_buf_adopt (kaohe/buf.h) - a buffer started on a block
 * kept from an earlier kh_buf_take writes into that block until it is
 * full, then grows as any buffer; the cap and the sticky error hold. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kaohe/buf.h"

/* A taken block adopted again is written in place, from its start. */
static void test_adopt_reuses(void **state)
{
    (void)state;
    kh_buf b;
    kh_buf_init(&b, 0);
    (void)kh_buf_reserve(&b, 1000);
    kh_buf_puts(&b, "old contents");
    size_t alloc = b.alloc, len = 0;
    char *kept = kh_buf_take(&b, &len);
    assert_non_null(kept);
    assert_int_equal(len, 12);
    assert_true(alloc >= 1000);

    kh_buf_init(&b, 0);
    kh_buf_adopt(&b, kept, alloc);
    assert_int_equal(b.len, 0);
    assert_string_equal(kh_buf_str(&b), "");
    kh_buf_puts(&b, "new");
    assert_ptr_equal(b.data, kept);   /* no new block while it fits */
    assert_string_equal(kh_buf_str(&b), "new");
    char fill[900];
    memset(fill, 'x', sizeof fill);
    kh_buf_add(&b, fill, sizeof fill);
    assert_ptr_equal(b.data, kept);
    assert_int_equal(b.len, 903);
    /* Past the block it grows like any buffer, keeping the bytes. */
    kh_buf_add(&b, fill, sizeof fill);
    kh_buf_add(&b, fill, sizeof fill);
    assert_int_equal(kh_buf_status(&b), KH_OK);
    assert_int_equal(b.len, 2703);
    assert_memory_equal(b.data, "newxxx", 6);
    kh_buf_free(&b);
}

/* The cap still bounds an adopted buffer. */
static void test_adopt_cap(void **state)
{
    (void)state;
    kh_buf b;
    kh_buf_init(&b, 16);
    char *block = malloc(64);
    assert_non_null(block);
    kh_buf_adopt(&b, block, 64);
    kh_buf_puts(&b, "0123456789");
    assert_int_equal(kh_buf_status(&b), KH_OK);
    kh_buf_puts(&b, "0123456789");
    assert_int_equal(kh_buf_status(&b), KH_ELIMIT);
    kh_buf_free(&b);
}

/* Adopting into a buffer that held data frees the old data (no leak
 * under LeakSanitizer). */
static void test_adopt_replaces(void **state)
{
    (void)state;
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_buf_puts(&b, "held");
    char *block = malloc(32);
    assert_non_null(block);
    kh_buf_adopt(&b, block, 32);
    assert_int_equal(b.len, 0);
    kh_buf_puts(&b, "x");
    assert_string_equal(kh_buf_str(&b), "x");
    kh_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_adopt_reuses),
        cmocka_unit_test(test_adopt_cap),
        cmocka_unit_test(test_adopt_replaces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
