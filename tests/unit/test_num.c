/* Unit tests: centipoint parsing, formatting and rounding (SCORING.md 1). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kaohe/num.h"
#include "kaohe/buf.h"
#include "kaohe/error.h"

static kh_cp parse_ok(const char *s)
{
    kh_cp v = 12345;
    assert_int_equal(kh_num_parse(s, strlen(s), &v), KH_NUM_OK);
    return v;
}

static kh_num_err parse_err(const char *s)
{
    kh_cp v;
    return kh_num_parse(s, strlen(s), &v);
}

static void test_parse(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("0"), 0);
    assert_int_equal(parse_ok("94"), 9400);
    assert_int_equal(parse_ok("0.5"), 50);
    assert_int_equal(parse_ok("1.25"), 125);
    assert_int_equal(parse_ok("-1"), -100);
    assert_int_equal(parse_ok("-0.05"), -5);
    assert_int_equal(parse_ok("+3"), 300);
    assert_int_equal(parse_ok("1.250"), 125);   /* trailing zero is exact */
    assert_int_equal(parse_ok("007"), 700);
}

static void test_parse_bad(void **state)
{
    (void)state;
    assert_int_equal(parse_err("1.255"), KH_NUM_DIGITS);
    assert_int_equal(parse_err("0.001"), KH_NUM_DIGITS);
    assert_int_equal(parse_err(""), KH_NUM_SYNTAX);
    assert_int_equal(parse_err("-"), KH_NUM_SYNTAX);
    assert_int_equal(parse_err(".5"), KH_NUM_SYNTAX);
    assert_int_equal(parse_err("5."), KH_NUM_SYNTAX);
    assert_int_equal(parse_err("1e2"), KH_NUM_SYNTAX);
    assert_int_equal(parse_err("1,5"), KH_NUM_SYNTAX);
    assert_int_equal(parse_err(" 1"), KH_NUM_SYNTAX);
    assert_int_equal(parse_err("abc"), KH_NUM_SYNTAX);
    assert_int_equal(parse_err("99999999999999999999"), KH_NUM_RANGE);
    int64_t i;
    assert_int_equal(kh_num_parse_int("2.5", 3, &i), KH_NUM_SYNTAX);
    assert_int_equal(kh_num_parse_int("42", 2, &i), KH_NUM_OK);
    assert_int_equal(i, 42);
    assert_int_equal(kh_num_parse_int("-3", 2, &i), KH_NUM_OK);
    assert_int_equal(i, -3);
}

static void fmt_is(kh_cp v, const char *want)
{
    char b[KH_NUM_BUFSZ];
    size_t n = kh_num_format(v, b);
    assert_string_equal(b, want);
    assert_int_equal(n, strlen(want));
}

static void test_format(void **state)
{
    (void)state;
    fmt_is(9250, "92.5");
    fmt_is(9096, "90.96");
    fmt_is(0, "0");
    fmt_is(10000, "100");
    fmt_is(5, "0.05");
    fmt_is(-150, "-1.5");
    fmt_is(-5, "-0.05");
    fmt_is(INT64_MIN, "-92233720368547758.08");
    char b[KH_NUM_BUFSZ];
    kh_num_format2(9250, b);
    assert_string_equal(b, "92.50");
    kh_num_format2(0, b);
    assert_string_equal(b, "0.00");
}

static void test_round(void **state)
{
    (void)state;
    /* 90.955 -> 90.96: 9095.5 hundredths rounds half away from zero. */
    assert_int_equal(kh_num_div_round(181910, 20), 9096);
    assert_int_equal(kh_num_div_round(5, 2), 3);
    assert_int_equal(kh_num_div_round(-5, 2), -3);
    assert_int_equal(kh_num_div_round(4, 3), 1);
    assert_int_equal(kh_num_div_round(-4, 3), -1);
    assert_int_equal(kh_num_div_round(7, -2), -4);
    /* Prorating out of 94 to 100: 85.5 * 100 / 94 = 90.957... -> 90.96 */
    assert_int_equal(kh_num_muldiv_round(8550, 10000, 9400), 9096);
    /* 47 / 94 * 100 = 50 exactly */
    assert_int_equal(kh_num_muldiv_round(4700, 10000, 9400), 5000);
    /* large values do not overflow */
    assert_int_equal(kh_num_muldiv_round(INT64_MAX / 2, 4, 4), INT64_MAX / 2);
}

static void test_buf_cap(void **state)
{
    (void)state;
    kh_buf b;
    kh_buf_init(&b, 8);
    kh_buf_puts(&b, "12345");
    assert_int_equal(kh_buf_status(&b), KH_OK);
    kh_buf_printf(&b, "%d", 1234);          /* 9 bytes > cap 8 */
    assert_int_equal(kh_buf_status(&b), KH_ELIMIT);
    assert_string_equal(kh_buf_str(&b), "12345");
    kh_buf_puts(&b, "x");                   /* sticky: ignored */
    assert_string_equal(kh_buf_str(&b), "12345");
    kh_buf_reset(&b);
    kh_buf_printf(&b, "%s-%d", "ab", 7);
    assert_string_equal(kh_buf_str(&b), "ab-7");
    kh_buf_free(&b);

    kh_buf_init(&b, 0);
    for (int i = 0; i < 1000; i++)
        kh_buf_printf(&b, "%04d", i);
    assert_int_equal(b.len, 4000);
    assert_memory_equal(b.data + 3996, "0999", 4);
    kh_buf_free(&b);
}

static void test_err(void **state)
{
    (void)state;
    kh_err *e = kh_err_new();
    kh_err_set_file(e, "a.yaml");
    assert_int_equal(kh_err_at(e, 3, 7, "entries[5].item", "unknown item \"%s\"", "9.9"),
                     KH_EINVAL);
    kh_err_warn(e, 4, 1, NULL, "item %s cannot reach its max", "1.1");
    kh_err_set_file(e, NULL);
    kh_err_fail(e, KH_EIO, "disk full");
    assert_int_equal(kh_err_count(e), 3);
    assert_int_equal(kh_err_errors(e), 2);
    char *s = kh_err_format(e, 0);
    assert_string_equal(s, "a.yaml:3:7: entries[5].item: unknown item \"9.9\"");
    free(s);
    s = kh_err_format(e, 1);
    assert_string_equal(s, "a.yaml:4:1: warning: item 1.1 cannot reach its max");
    free(s);
    s = kh_err_format(e, 2);
    assert_string_equal(s, "disk full");
    free(s);
    assert_null(kh_err_format(e, 3));
    kh_err_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_parse_bad),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_round),
        cmocka_unit_test(test_buf_cap),
        cmocka_unit_test(test_err),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
