/* Unit tests: kh_err's Chinese beside the English (kaohe/i18n.h) - the
 * fallback without a catalogue, the catalogue's text rendered with the
 * message's arguments, pieces set by hand, copies keeping both. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kaohe/error.h"
#include "kaohe/i18n.h"

/* Before kh_i18n_init: English only, kh_err_format_zh falls back. */
static void test_no_catalogue(void **state)
{
    (void)state;
    kh_err *e = kh_err_new();
    assert_non_null(e);
    kh_err_set_file(e, "a.yaml");
    kh_err_at(e, 3, 4, "units[1].id", "unknown unit %s", "\"x\"");
    const kh_msg *m = kh_err_get(e, 0);
    assert_null(m->text_zh);
    char *s = kh_err_format_zh(e, 0);
    assert_string_equal(s, "a.yaml:3:4: units[1].id: unknown unit \"x\"");
    free(s);
    assert_int_equal(kh_err_set_zh(e, 0, "未知的单位 \"x\""), KH_OK);
    assert_int_equal(kh_err_set_zh(e, 1, "x"), KH_ENOTFOUND);
    s = kh_err_format_zh(e, 0);
    assert_string_equal(s, "a.yaml:3:4: units[1].id: 未知的单位 \"x\"");
    free(s);
    kh_err_free(e);
}

/* With the build tree's catalogue: the Chinese rendered with the same
 * arguments, a warning marked 警告, copies keep it. */
static void test_catalogue(void **state)
{
    (void)state;
    assert_int_equal(kh_i18n_init(KH_TEST_LOCALEDIR), KH_OK);
    kh_err *e = kh_err_new(), *c = kh_err_new();
    assert_non_null(e);
    assert_non_null(c);
    kh_err_set_file(e, "b.yaml");
    kh_err_at(e, 5, 11, "base_max",
              "base_max %s is not the sum of the categories' max (%s)",
              "100", "30");
    kh_err_warn(e, 0, 0, NULL, "unknown item %s", "\"7.7\"");
    kh_err_at(e, 0, 0, NULL, "no catalogue entry for %d", 1);
    char *s = kh_err_format_zh(e, 0);
    assert_string_equal(s, "b.yaml:5:11: base_max: 基础分满分 base_max 100 "
                           "不等于各类别满分之和（30）");
    free(s);
    s = kh_err_format(e, 0);
    assert_string_equal(s, "b.yaml:5:11: base_max: base_max 100 is not the "
                           "sum of the categories' max (30)");
    free(s);
    s = kh_err_format_zh(e, 1);
    assert_string_equal(s, "b.yaml: 警告：未知的考核要点 \"7.7\"");
    free(s);
    assert_null(kh_err_get(e, 2)->text_zh);
    for (size_t i = 0; i < kh_err_count(e); i++)
        assert_int_equal(kh_err_copy_msg(c, kh_err_get(e, i)), KH_OK);
    assert_int_equal(kh_err_errors(c), 2);
    s = kh_err_format_zh(c, 0);
    assert_string_equal(s, "b.yaml:5:11: base_max: 基础分满分 base_max 100 "
                           "不等于各类别满分之和（30）");
    free(s);
    kh_err_free(e);
    kh_err_free(c);
    kh_i18n_done();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_catalogue),
        cmocka_unit_test(test_catalogue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
