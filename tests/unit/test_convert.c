/*
 * test_convert.c - grade bands and the weighted scale (lib/score/
 * convert.c): band edges, the default, rounding half away from zero,
 * located errors on bad settings.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kaohe/convert.h"

static void test_default_bands(void **state)
{
    (void)state;
    kh_conversion c;
    kh_err *e = kh_err_new();
    assert_int_equal(kh_conversion_parse(NULL, NULL, &c, e), KH_OK);
    assert_string_equal(kh_conversion_grade(&c, 9000), "优秀");
    assert_string_equal(kh_conversion_grade(&c, 8999), "良好");
    assert_string_equal(kh_conversion_grade(&c, 8000), "良好");
    assert_string_equal(kh_conversion_grade(&c, 7000), "一般");
    assert_string_equal(kh_conversion_grade(&c, 6999), "较差");
    assert_string_equal(kh_conversion_grade(&c, -500), "较差");
    kh_cp p;
    assert_false(kh_conversion_points(&c, 9000, &p));
    kh_err_free(e);
}

static void test_scale_rounds(void **state)
{
    (void)state;
    kh_conversion c;
    kh_err *e = kh_err_new();
    assert_int_equal(kh_conversion_parse("A:60,B", "10", &c, e), KH_OK);
    kh_cp p;
    assert_true(kh_conversion_points(&c, 1225, &p));   /* 1.225 */
    assert_int_equal(p, 123);
    assert_true(kh_conversion_points(&c, 1224, &p));   /* 1.224 */
    assert_int_equal(p, 122);
    assert_true(kh_conversion_points(&c, -1225, &p));  /* away from zero */
    assert_int_equal(p, -123);
    assert_int_equal(kh_conversion_parse(NULL, "15/120", &c, e), KH_OK);
    assert_true(kh_conversion_points(&c, 9000, &p));   /* 90*15/120 */
    assert_int_equal(p, 1125);
    kh_err_free(e);
}

static void expect_error(const char *grades, const char *scale,
                         const char *path, const char *text)
{
    kh_conversion c;
    kh_err *e = kh_err_new();
    assert_int_equal(kh_conversion_parse(grades, scale, &c, e), KH_EINVAL);
    assert_true(kh_err_errors(e) >= 1);
    const kh_msg *m = kh_err_get(e, 0);
    assert_string_equal(m->path, path);
    if (!strstr(m->text, text))
        fail_msg("\"%s\" lacks \"%s\"", m->text, text);
    kh_err_free(e);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("A:80,B:90,C", NULL, "grades", "below the band before");
    expect_error("A:90,B,C", NULL, "grades", "needs NAME:MIN");
    expect_error("A:9x,B", NULL, "grades", "minimum");
    expect_error("A:90,", NULL, "grades", "ends with ','");
    expect_error(":90,B", NULL, "grades", "a name");
    expect_error(NULL, "0", "scale", "above 0");
    expect_error(NULL, "10/abc", "scale", "TARGET/BASE");
    expect_error(NULL, "1.234", "scale", "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_bands),
        cmocka_unit_test(test_scale_rounds),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
