/*
 * test_web_html.c - the web server's escapers and cookies (src/web/web_html.c,
 * src/web/web_session.c); sessions and throttling: test_web_session.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "web.h"

static char *esc(void (*fn)(kh_buf *, const char *), const char *s)
{
    static char out[4096];
    kh_buf b;
    kh_buf_init(&b, 0);
    fn(&b, s);
    snprintf(out, sizeof out, "%s", kh_buf_str(&b));
    kh_buf_free(&b);
    return out;
}

static void test_text_xss(void **state)
{
    (void)state;
    const char *note = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>";
    char *t = esc(kh_html_text, note);
    assert_null(strchr(t, '<'));
    assert_null(strchr(t, '>'));
    assert_null(strchr(t, '"'));
    assert_string_equal(t, "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;"
                           "&lt;img src=x onerror=alert(2)&gt;");
    assert_string_equal(esc(kh_html_text, "a & b 'c'"), "a &amp; b &#39;c&#39;");
    assert_string_equal(esc(kh_html_text, NULL), "");
    assert_string_equal(esc(kh_html_text, "中文\n备注"), "中文\n备注");
}

static void test_attr(void **state)
{
    (void)state;
    char *t = esc(kh_html_attr, "\" onmouseover=`x` '");
    assert_string_equal(t, "&quot; onmouseover&#61;&#96;x&#96; &#39;");
}

static void test_controls_and_bad_utf8(void **state)
{
    (void)state;
    assert_string_equal(esc(kh_html_text, "a\x01\x1b" "b\x7f"), "ab");
    /* a lone continuation byte and an overlong '<' become U+FFFD */
    assert_string_equal(esc(kh_html_text, "x\x80y"), "x\xEF\xBF\xBDy");
    char *t = esc(kh_html_text, "\xC0\xBC");
    assert_null(strchr(t, '<'));
    assert_string_equal(t, "\xEF\xBF\xBD\xEF\xBF\xBD");
}

static void test_url(void **state)
{
    (void)state;
    assert_string_equal(esc(kh_html_url, "jd/../x y?\"<"),
                        "jd%2F..%2Fx%20y%3F%22%3C");
    assert_string_equal(esc(kh_html_url, "1.3"), "1.3");
    assert_string_equal(esc(kh_html_url, "机"), "%E6%9C%BA");
}

static void test_json_str(void **state)
{
    (void)state;
    assert_string_equal(esc(web_json_str, "</script>\"\\\n"),
                        "\"\\u003c/script\\u003e\\\"\\\\\\u000a\"");
}

static void test_split_path(void **state)
{
    (void)state;
    char buf[256];
    const char *seg[8];
    assert_int_equal(web_split_path("/api/v1/years/2025/entries/jd/1.3/self",
                                    buf, sizeof buf, seg, 8), 8);
    assert_string_equal(seg[6], "1.3");
    assert_int_equal(web_split_path("/a/%2e%2e/b", buf, sizeof buf, seg, 8), -2);
    assert_int_equal(web_split_path("/a/../b", buf, sizeof buf, seg, 8), -2);
    assert_int_equal(web_split_path("/a//b", buf, sizeof buf, seg, 8), -2);
    assert_int_equal(web_split_path("/a/%00b", buf, sizeof buf, seg, 8), -2);
    assert_int_equal(web_split_path("/a/%4", buf, sizeof buf, seg, 8), -2);
    /* encoded slashes and double encodings never reach a handler */
    assert_int_equal(web_split_path("/a/b%2Fc", buf, sizeof buf, seg, 8), -2);
    assert_int_equal(web_split_path("/a/b%2fc", buf, sizeof buf, seg, 8), -2);
    assert_int_equal(web_split_path("/a/b%5Cc", buf, sizeof buf, seg, 8), -2);
    assert_int_equal(web_split_path("/a/b%252Fc", buf, sizeof buf, seg, 8), -2);
    assert_int_equal(web_split_path("/a/b%2541", buf, sizeof buf, seg, 8), -2);
    assert_int_equal(web_split_path("/x%20y/", buf, sizeof buf, seg, 8), 1);
    assert_string_equal(seg[0], "x y");
    assert_int_equal(web_split_path("/1/2/3", buf, sizeof buf, seg, 2), -1);
}

static void test_cookie(void **state)
{
    (void)state;
    kh_buf b;
    kh_buf_init(&b, 0);
    web_session_cookie(&b, "abc", false);
    assert_string_equal(kh_buf_str(&b),
                        "kh_session=abc; Path=/; HttpOnly; SameSite=Strict");
    kh_buf_reset(&b);
    web_session_cookie(&b, "abc", true);
    assert_string_equal(kh_buf_str(&b), "__Host-kh_session=abc; Path=/; "
                                        "HttpOnly; SameSite=Strict; Secure");
    kh_buf_reset(&b);
    web_session_cookie(&b, NULL, false);
    assert_non_null(strstr(kh_buf_str(&b), "Max-Age=0"));
    kh_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_xss),
        cmocka_unit_test(test_attr),
        cmocka_unit_test(test_controls_and_bad_utf8),
        cmocka_unit_test(test_url),
        cmocka_unit_test(test_json_str),
        cmocka_unit_test(test_split_path),
        cmocka_unit_test(test_cookie),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
