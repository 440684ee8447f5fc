/* Unit tests: display width, padding, JSON and CSV escaping (lib/base/text.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kaohe/report.h"

/* Runs fn on s into a fresh buffer and compares with want (as bytes). */
static void check_out(void (*fn)(kh_buf *, const char *), const char *s,
                      const char *want)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    fn(&b, s);
    assert_int_equal(kh_buf_status(&b), KH_OK);
    assert_string_equal(kh_buf_str(&b), want);
    assert_int_equal(b.len, strlen(want));
    kh_buf_free(&b);
}

static void test_width(void **state)
{
    (void)state;
    assert_int_equal(kh_text_width(""), 0);
    assert_int_equal(kh_text_width("abc"), 3);
    assert_int_equal(kh_text_width("机电工程系"), 10);
    assert_int_equal(kh_text_width("a中b"), 4);
    assert_int_equal(kh_text_width("（试行）"), 8);   /* fullwidth parens */
    assert_int_equal(kh_text_width("92.50"), 5);
    /* Combining acute accent takes no column. */
    assert_int_equal(kh_text_width("e\xcc\x81"), 1);
    /* Invalid bytes count one each: a lone continuation byte, a
     * truncated 3-byte sequence, 0xff. */
    assert_int_equal(kh_text_width("\x80"), 1);
    assert_int_equal(kh_text_width("a\xe4\xb8"), 3);
    assert_int_equal(kh_text_width("\xff\xfe"), 2);
    /* A control character takes none. */
    assert_int_equal(kh_text_width("a\tb"), 2);
}

static void pad_left(kh_buf *b, const char *s)
{
    kh_text_pad(b, s, 8, false);
}

static void pad_right(kh_buf *b, const char *s)
{
    kh_text_pad(b, s, 8, true);
}

static void test_pad(void **state)
{
    (void)state;
    check_out(pad_left, "ab", "ab      ");
    check_out(pad_right, "ab", "      ab");
    check_out(pad_left, "党委办", "党委办  ");
    check_out(pad_right, "党委办", "  党委办");
    /* Exactly the width, and wider than it: no padding, no cut. */
    check_out(pad_left, "组织部长", "组织部长");
    check_out(pad_right, "宣传部宣传", "宣传部宣传");
    check_out(pad_left, "", "        ");
    /* What an older store may hold shows as U+FFFD, one column each: an
     * escape sequence, a newline, a C1 control, a direction override. */
    check_out(pad_left, "a\x1b[2Jb", "a\xEF\xBF\xBD[2Jb  ");
    check_out(pad_right, "x\ny", "     x\xEF\xBF\xBDy");
    check_out(pad_left, "x\xC2\x85\xE2\x80\xAEy", "x\xEF\xBF\xBD\xEF\xBF\xBDy    ");
}

static void test_json_str(void **state)
{
    (void)state;
    check_out(kh_json_str, "", "\"\"");
    check_out(kh_json_str, "jd", "\"jd\"");
    check_out(kh_json_str, "a\"b\\c", "\"a\\\"b\\\\c\"");
    check_out(kh_json_str, "x\ny\tz\r\x01\x1f",
              "\"x\\u000ay\\u0009z\\u000d\\u0001\\u001f\"");
    /* UTF-8 is kept as is, including 4-byte sequences. */
    check_out(kh_json_str, "机电工程系", "\"机电工程系\"");
    check_out(kh_json_str, "\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");
    /* '/' and DEL need no escape. */
    check_out(kh_json_str, "a/b\x7f", "\"a/b\x7f\"");
    /* Invalid UTF-8 becomes U+FFFD so the output stays valid JSON. */
    check_out(kh_json_str, "a\xff" "b", "\"a\\ufffdb\"");
    check_out(kh_json_str, "\xe4\xb8", "\"\\ufffd\\ufffd\"");
}

static void json_cp(kh_buf *b, const char *s)
{
    kh_cp v = strtoll(s, NULL, 10);
    kh_json_cp(b, v);
}

static void test_json_cp(void **state)
{
    (void)state;
    check_out(json_cp, "0", "0");
    check_out(json_cp, "9250", "92.5");
    check_out(json_cp, "9096", "90.96");
    check_out(json_cp, "10000", "100");
    check_out(json_cp, "-5", "-0.05");
    check_out(json_cp, "-150", "-1.5");
}

static void test_csv_cell(void **state)
{
    (void)state;
    check_out(kh_csv_cell, "", "");
    check_out(kh_csv_cell, "机电工程系", "机电工程系");
    check_out(kh_csv_cell, "a,b", "\"a,b\"");
    check_out(kh_csv_cell, "say \"hi\"", "\"say \"\"hi\"\"\"");
    check_out(kh_csv_cell, "\"", "\"\"\"\"");
    check_out(kh_csv_cell, "two\nlines", "\"two\nlines\"");
    check_out(kh_csv_cell, "cr\rlf", "\"cr\rlf\"");
    /* Formula injection: a leading ' makes the cell text. */
    check_out(kh_csv_cell, "=1+2", "'=1+2");
    check_out(kh_csv_cell, "@SUM(A1)", "'@SUM(A1)");
    check_out(kh_csv_cell, "+86", "'+86");
    check_out(kh_csv_cell, "-1", "'-1");
    check_out(kh_csv_cell, "\tx", "'\tx");
    /* Both: the quote goes inside the quotes. */
    check_out(kh_csv_cell, "=A1,B1", "\"'=A1,B1\"");
    check_out(kh_csv_cell, "\rx", "\"'\rx\"");
    /* Only the first character matters. */
    check_out(kh_csv_cell, "a=b", "a=b");
    check_out(kh_csv_cell, "1-2", "1-2");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_width),
        cmocka_unit_test(test_pad),
        cmocka_unit_test(test_json_str),
        cmocka_unit_test(test_json_cp),
        cmocka_unit_test(test_csv_cell),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
