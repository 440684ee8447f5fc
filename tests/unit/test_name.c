/* Unit tests: the one rule for names and free text (lib/base/name.c,
 * kaohe/name.h). */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kaohe/name.h"

static kh_text_problem name(const char *s)
{
    return kh_text_problem_of(s, KH_TEXT_NAME, KH_NAME_MAX, NULL, NULL);
}

static kh_text_problem lines(const char *s)
{
    return kh_text_problem_of(s, KH_TEXT_LINES, 20, NULL, NULL);
}

static void test_names(void **state)
{
    (void)state;
    assert_int_equal(name("机电工程系"), KH_TEXT_FINE);
    assert_int_equal(name("Party branch 1 (机关)"), KH_TEXT_FINE);
    assert_int_equal(name(NULL), KH_TEXT_EMPTY);
    assert_int_equal(name(""), KH_TEXT_EMPTY);
    assert_int_equal(name(" \xE3\x80\x80 "), KH_TEXT_EMPTY);
    assert_int_equal(name("a\nb"), KH_TEXT_CONTROL);
    assert_int_equal(name("a\tb"), KH_TEXT_CONTROL);
    assert_int_equal(name("a\rb"), KH_TEXT_CONTROL);
    assert_int_equal(name("a\x07" "b"), KH_TEXT_CONTROL);
    assert_int_equal(name("a\x7f" "b"), KH_TEXT_CONTROL);
    assert_int_equal(name("a\xC2\x85" "b"), KH_TEXT_CONTROL);      /* NEL */
    assert_int_equal(name("a\xC2\x9F" "b"), KH_TEXT_CONTROL);
    assert_int_equal(name("a\xC2\xA0" "b"), KH_TEXT_FINE);         /* NBSP */
    assert_int_equal(name("a\xE2\x80\xA8" "b"), KH_TEXT_SEPARATOR);
    assert_int_equal(name("a\xE2\x80\xA9" "b"), KH_TEXT_SEPARATOR);
    assert_int_equal(name("a\xE2\x80\xAA" "b"), KH_TEXT_BIDI);     /* LRE */
    assert_int_equal(name("a\xE2\x80\xAE" "b"), KH_TEXT_BIDI);     /* RLO */
    assert_int_equal(name("a\xE2\x81\xA6" "b"), KH_TEXT_BIDI);     /* LRI */
    assert_int_equal(name("a\xE2\x81\xA9" "b"), KH_TEXT_BIDI);     /* PDI */
    assert_int_equal(name("a\xE2\x81\xA5" "b"), KH_TEXT_FINE);     /* unassigned */
    assert_int_equal(name("a\xff" "b"), KH_TEXT_UTF8);
    assert_int_equal(name("a\xC0\xAF"), KH_TEXT_UTF8);              /* overlong */
    assert_int_equal(name("\xED\xA0\x80"), KH_TEXT_UTF8);           /* surrogate */
    assert_int_equal(name(" a"), KH_TEXT_EDGE);
    assert_int_equal(name("a "), KH_TEXT_EDGE);
    assert_int_equal(name("\xE3\x80\x80" "a"), KH_TEXT_EDGE);       /* U+3000 */
    assert_int_equal(name("a\xC2\xA0"), KH_TEXT_EDGE);
    assert_int_equal(name("a b"), KH_TEXT_FINE);
}

static void test_lines(void **state)
{
    (void)state;
    assert_int_equal(lines("第一行\n第二行"), KH_TEXT_FINE);
    assert_int_equal(lines("a\r\n\tb\n"), KH_TEXT_FINE);
    assert_int_equal(lines(" a "), KH_TEXT_FINE);       /* ends not checked */
    assert_int_equal(lines(" \n\t"), KH_TEXT_EMPTY);
    assert_int_equal(lines("a\x07"), KH_TEXT_CONTROL);
    assert_int_equal(lines("a\x0b"), KH_TEXT_CONTROL);
    assert_int_equal(lines("a\xE2\x80\xA8"), KH_TEXT_SEPARATOR);
    assert_int_equal(lines("a\xE2\x80\xAE"), KH_TEXT_BIDI);
    assert_int_equal(lines("123456789012345678901"), KH_TEXT_LONG);
    assert_int_equal(lines("12345678901234567890"), KH_TEXT_FINE);
}

static void test_where(void **state)
{
    (void)state;
    size_t at = 0;
    uint32_t cp = 0;
    assert_int_equal(kh_text_problem_of("机电\xE2\x80\xAE" "系", KH_TEXT_NAME,
                                        KH_NAME_MAX, &at, &cp),
                     KH_TEXT_BIDI);
    assert_int_equal(at, 3);
    assert_int_equal(cp, 0x202E);
    assert_int_equal(kh_text_problem_of("ab\xff", KH_TEXT_NAME, KH_NAME_MAX,
                                        &at, &cp), KH_TEXT_UTF8);
    assert_int_equal(at, 3);
    assert_int_equal(cp, 0xFF);
}

/* The message names the place and the character. */
static void test_message(void **state)
{
    (void)state;
    kh_err *e = kh_err_new();
    assert_non_null(e);
    kh_err_set_file(e, "a.yaml");
    assert_int_equal(kh_text_check(e, 3, 7, "units[2].name", "机电工程系",
                                   KH_TEXT_NAME, KH_NAME_MAX), KH_OK);
    assert_int_equal(kh_err_count(e), 0);
    assert_int_equal(kh_text_check(e, 3, 7, "units[2].name", "a\nb",
                                   KH_TEXT_NAME, KH_NAME_MAX), KH_EINVAL);
    assert_int_equal(kh_err_count(e), 1);
    char *s = kh_err_format(e, 0);
    assert_non_null(s);
    assert_string_equal(s, "a.yaml:3:7: units[2].name: holds the control character "
                           "U+000A at character 2 (a name is one line "
                           "without control characters)");
    free(s);
    char big[KH_NAME_MAX + 2];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(kh_text_check(e, 0, 0, "name", big, KH_TEXT_NAME,
                                   KH_NAME_MAX), KH_EINVAL);
    s = kh_err_format(e, 1);
    assert_non_null(s);
    assert_string_equal(s, "a.yaml: name: is longer than 200 bytes (201 given)");
    free(s);
    kh_err_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_where),
        cmocka_unit_test(test_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
