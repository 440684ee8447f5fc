/* Unit tests: the HTML escapers (lib/base/html.c) and the SVG line chart
 * (lib/docs/compare.c). */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "kaohe/compare.h"
#include "kaohe/html.h"

typedef void (*esc_fn)(kh_buf *, const char *);

static void expect(esc_fn f, const char *in, const char *want)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    f(&b, in);
    assert_int_equal(kh_buf_status(&b), KH_OK);
    assert_string_equal(kh_buf_str(&b), want);
    kh_buf_free(&b);
}

static void test_text(void **state)
{
    (void)state;
    expect(kh_html_text, "<script>alert('x')</script> & \"q\"",
           "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
    expect(kh_html_text, "=1+2 机电工程系", "=1+2 机电工程系");
    expect(kh_html_text, "a\x01" "b\tc\n", "ab\tc\n");       /* control dropped */
    expect(kh_html_text, "bad \xff\xfe end", "bad \xEF\xBF\xBD\xEF\xBF\xBD end");
    expect(kh_html_text, "\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    expect(kh_html_text, NULL, "");
    /* What the name rule refuses but an older store may hold: a C1
     * control, a line separator, a right-to-left override, an isolate. */
    expect(kh_html_text, "a\xC2\x85" "b\xE2\x80\xA8" "c\xE2\x80\xAE" "d\xE2\x81\xA6" "e",
           "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xEF\xBF\xBD" "d\xEF\xBF\xBD" "e");
    /* Neighbours of those ranges are ordinary text. */
    expect(kh_html_text, "\xC2\xA0\xE2\x80\xA7\xE2\x80\xAF\xE2\x81\xA5",
           "\xC2\xA0\xE2\x80\xA7\xE2\x80\xAF\xE2\x81\xA5");
}

static void test_attr(void **state)
{
    (void)state;
    expect(kh_html_attr, "x\" onmouseover=`y`", "x&quot; onmouseover&#61;&#96;y&#96;");
}

static void test_url(void **state)
{
    (void)state;
    expect(kh_html_url, "a b/c?d#e&f=机", "a%20b%2Fc%3Fd%23e%26f%3D%E6%9C%BA");
    expect(kh_html_url, "AZaz09-._~", "AZaz09-._~");
}

static void test_svg(void **state)
{
    (void)state;
    const char *labels[] = {"2023", "<2024>", "2025"};
    kh_cp vals[] = {9050, 0, 8725};
    bool present[] = {true, false, true};
    kh_buf b;
    kh_buf_init(&b, 0);
    assert_int_equal(kh_svg_line_chart(&b, "机电<工程>系", 3, labels, vals,
                                       present), KH_OK);
    const char *s = kh_buf_str(&b);
    assert_non_null(strstr(s, "<title>机电&lt;工程&gt;系</title>"));
    assert_non_null(strstr(s, ">&lt;2024&gt;<"));
    assert_null(strstr(s, "<2024>"));
    assert_non_null(strstr(s, ">90.5<"));
    assert_non_null(strstr(s, ">87.25<"));
    /* a gap: two separate lines of one point each */
    const char *p = strstr(s, "<polyline");
    assert_non_null(p);
    assert_non_null(strstr(p + 1, "<polyline"));
    assert_non_null(strstr(s, "</svg>\n"));
    kh_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_attr),
        cmocka_unit_test(test_url),
        cmocka_unit_test(test_svg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
