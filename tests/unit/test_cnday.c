/* Unit tests: the China calendar day (lib/base/cnday.c) - dates read,
 * the day boundary at 16:00 UTC, leap years, days left and days late
 * (a deadline on its own day is not late). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "kaohe/cnday.h"

static int64_t day(const char *s)
{
    int64_t d = -1;
    assert_true(kh_cnday_parse(s, &d));
    return d;
}

static void test_parse(void **state)
{
    (void)state;
    assert_int_equal(day("1970-01-01"), 0);
    assert_int_equal(day("1970-01-02"), 1);
    assert_int_equal(day("2026-01-01"), 20454);
    assert_false(kh_cnday_parse("2025-2-01", NULL));
    assert_false(kh_cnday_parse("2025-02-30", NULL));
    assert_false(kh_cnday_parse("2025-13-01", NULL));
    assert_false(kh_cnday_parse("2025-00-10", NULL));
    assert_false(kh_cnday_parse(" 2025-02-01", NULL));
    assert_false(kh_cnday_parse("2025-02-01 ", NULL));
    assert_false(kh_cnday_parse("1969-12-31", NULL));
    assert_false(kh_cnday_parse("", NULL));
    assert_false(kh_cnday_parse(NULL, NULL));
}

static void test_leap(void **state)
{
    (void)state;
    assert_true(kh_cnday_parse("2024-02-29", NULL));
    assert_false(kh_cnday_parse("2025-02-29", NULL));
    assert_false(kh_cnday_parse("2100-02-29", NULL));
    assert_true(kh_cnday_parse("2000-02-29", NULL));
    assert_int_equal(day("2024-03-01") - day("2024-02-28"), 2);
    assert_int_equal(day("2025-03-01") - day("2025-02-28"), 1);
    char buf[KH_CNDAY_SZ];
    kh_cnday_format(day("2024-02-29"), buf);
    assert_string_equal(buf, "2024-02-29");
    kh_cnday_format(day("2000-12-31") + 1, buf);
    assert_string_equal(buf, "2001-01-01");
}

/* 2025-12-31T15:59:59Z is 23:59:59 in Beijing; one second later it is
 * already 2026-01-01 there. */
static void test_boundary(void **state)
{
    (void)state;
    int64_t t = 1767196799;   /* 2025-12-31T15:59:59Z */
    char buf[KH_CNDAY_SZ];
    kh_cnday_format(kh_cnday_of(t), buf);
    assert_string_equal(buf, "2025-12-31");
    kh_cnday_format(kh_cnday_of(t + 1), buf);
    assert_string_equal(buf, "2026-01-01");
    /* UTC midnight is 08:00 in Beijing, the same day */
    kh_cnday_format(kh_cnday_of(1767225600), buf);
    assert_string_equal(buf, "2026-01-01");
}

static void test_late(void **state)
{
    (void)state;
    int64_t due = day("2026-03-31");
    /* the whole deadline day is in time, to 23:59:59 Beijing */
    int64_t last = 1774972799;   /* 2026-03-31T15:59:59Z */
    assert_int_equal(kh_cnday_late(kh_cnday_of(last), due), 0);
    assert_int_equal(kh_cnday_left(kh_cnday_of(last), due), 0);
    assert_int_equal(kh_cnday_late(kh_cnday_of(last + 1), due), 1);
    assert_int_equal(kh_cnday_left(kh_cnday_of(last + 1), due), -1);
    assert_int_equal(kh_cnday_left(day("2026-03-28"), due), 3);
    assert_int_equal(kh_cnday_late(day("2026-03-28"), due), 0);
    assert_int_equal(kh_cnday_late(day("2026-04-10"), due), 10);
}

static void test_check_message(void **state)
{
    (void)state;
    kh_err *e = kh_err_new();
    assert_non_null(e);
    assert_int_equal(kh_cnday_check("2025-02-30", "review_due", NULL, e),
                     KH_EINVAL);
    assert_int_equal(kh_cnday_check("tomorrow", "publish", NULL, e),
                     KH_EINVAL);
    assert_int_equal(kh_cnday_check("2025-02-28", "publish", NULL, e), KH_OK);
    assert_int_equal(kh_err_errors(e), 2);
    assert_string_equal(kh_err_get(e, 0)->path, "review_due");
    assert_non_null(strstr(kh_err_get(e, 0)->text, "not a real date"));
    assert_string_equal(kh_err_get(e, 1)->path, "publish");
    kh_err_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_leap),
        cmocka_unit_test(test_boundary),
        cmocka_unit_test(test_late),
        cmocka_unit_test(test_check_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
