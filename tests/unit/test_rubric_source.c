/* Unit tests: a judgement's questionnaire `source:` in the rubric
 * (docs/SURVEY.md, "The rubric's source"): what a valid one gives, and a
 * located message for every way one can be wrong (kept apart from
 * test_rubric.c: the source has its own static functions in rubric.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kaohe/rubric.h"
#include "kaohe/buf.h"
#include "kaohe/error.h"

/* A rubric of one 4-point judgement whose term is line 18 from column
 * 11; %s is the rest of the term's flow mapping (after "points: 4"). */
static const char RUBRIC_FMT[] =
    "id: t\n"
    "title: T\n"
    "base_max: 4\nbonus_max: 1\nbottom_n: 1\nnot_applicable: raw\n"
    "kinds: [{id: a, name: A}]\n"
    "rankings: []\n"
    "categories:\n"
    "  - id: \"1\"\n"
    "    name: C\n"
    "    max: 4\n"
    "    items:\n"
    "      - id: \"1.1\"\n"
    "        text: X\n"
    "        max: 4\n"
    "        terms:\n"
    "          - {input: r, kind: judgement, points: 4%s}\n";

/* Loads the rubric with term tail `tail`; every message one per line
 * (malloc'd); *out the rubric or NULL. */
static char *load(const char *tail, kh_status *st, kh_rubric **out)
{
    char text[4096];
    snprintf(text, sizeof text, RUBRIC_FMT, tail);
    kh_err *e = kh_err_new();
    assert_non_null(e);
    kh_rubric *r = NULL;
    *st = kh_rubric_load_mem("t.yaml", text, strlen(text), e, &r);
    kh_buf b;
    kh_buf_init(&b, 0);
    for (size_t i = 0; i < kh_err_count(e); i++) {
        char *m = kh_err_format(e, i);
        kh_buf_printf(&b, "%s\n", m);
        free(m);
    }
    kh_err_free(e);
    if (out)
        *out = r;
    else
        kh_rubric_free(r);
    char *s = strdup(kh_buf_str(&b));
    kh_buf_free(&b);
    return s;
}

static void expect_errors(const char *tail, const char *want)
{
    kh_status st;
    char *got = load(tail, &st, NULL);
    assert_int_equal(st, KH_EINVAL);
    assert_string_equal(got, want);
    free(got);
}

#define SRC(rest) ", source: {questionnaire: q-staff, question: q4" rest "}"
#define BANDS ", bands: [[90, 4], [80, 3.5], [0, 2]]"
#define P "t.yaml:18:"
#define AT "categories[0].items[0].terms[0].source"

static void test_valid(void **state)
{
    (void)state;
    kh_status st;
    kh_rubric *r = NULL;
    char *msgs = load(SRC(", figure: percent_top2" BANDS), &st, &r);
    assert_int_equal(st, KH_OK);
    assert_string_equal(msgs, "");
    free(msgs);
    const kh_source *src = kh_term_source(kh_rubric_item_slot(r, 0, 0));
    assert_non_null(src);
    assert_string_equal(src->questionnaire, "q-staff");
    assert_string_equal(src->question, "q4");
    assert_string_equal(src->figure, "percent_top2");
    assert_int_equal(src->nbands, 3);
    kh_cp v = -1;
    /* the first band whose threshold the figure reaches */
    assert_true(kh_source_value(src, 9000, &v));
    assert_int_equal(v, 400);
    assert_true(kh_source_value(src, 8999, &v));
    assert_int_equal(v, 350);
    assert_true(kh_source_value(src, 0, &v));
    assert_int_equal(v, 200);
    /* below every threshold: no suggestion */
    assert_false(kh_source_value(src, -1, &v));
    kh_rubric_free(r);
}

static void test_no_source(void **state)
{
    (void)state;
    kh_status st;
    kh_rubric *r = NULL;
    char *msgs = load("", &st, &r);
    assert_int_equal(st, KH_OK);
    free(msgs);
    assert_null(kh_term_source(kh_rubric_item_slot(r, 0, 0)));
    kh_rubric_free(r);
}

static void test_not_a_mapping(void **state)
{
    (void)state;
    expect_errors(", source: q4",
                  P "60: " AT ": expected a mapping, got a string\n");
}

static void test_missing_and_unknown_keys(void **state)
{
    (void)state;
    expect_errors(", source: {questionnaire: q-staff, colour: red" BANDS "}",
                  P "85: " AT ": unknown key \"colour\" for a source\n"
                  P "60: " AT ": missing key \"question\"\n"
                  P "60: " AT ": missing key \"figure\"\n");
}

static void test_unknown_figure(void **state)
{
    (void)state;
    expect_errors(SRC(", figure: top3" BANDS),
                  P "107: " AT ".figure: unknown figure \"top3\" (expected "
                  "mean, percent_top1 or percent_top2)\n");
}

static void test_bad_ids(void **state)
{
    (void)state;
    expect_errors(", source: {questionnaire: Staff Q, question: \"q 4\", "
                  "figure: mean" BANDS "}",
                  P "76: " AT ".questionnaire: invalid questionnaire id "
                  "\"Staff Q\": must match [a-z0-9][a-z0-9._-]*\n"
                  P "95: " AT ".question: invalid question id \"q 4\": "
                  "must match [a-z0-9][a-z0-9._-]*\n");
}

static void test_band_values(void **state)
{
    (void)state;
    /* off the 0.5 step, above the points, below 0, three decimals */
    expect_errors(SRC(", figure: mean, bands: [[4, 3.3], [3, 5], [2, -1], "
                      "[1, 1.125]]"),
                  P "125: " AT ".bands[0][1]: value 3.3 is not a judgement "
                  "of this term (0 to 4 on its step)\n"
                  P "135: " AT ".bands[1][1]: value 5 is not a judgement "
                  "of this term (0 to 4 on its step)\n"
                  P "143: " AT ".bands[2][1]: value -1 is not a judgement "
                  "of this term (0 to 4 on its step)\n"
                  P "152: " AT ".bands[3][1]: \"1.125\" has more than two "
                  "decimal places\n");
}

static void test_thresholds_fall(void **state)
{
    (void)state;
    expect_errors(SRC(", figure: mean, bands: [[3, 4], [3, 3], [4, 2]]"),
                  P "130: " AT ".bands[1][0]: thresholds must fall from "
                  "band to band, not rise to 3\n"
                  P "138: " AT ".bands[2][0]: thresholds must fall from "
                  "band to band, not rise to 4\n");
}

static void test_band_shape(void **state)
{
    (void)state;
    expect_errors(SRC(", figure: mean, bands: [[3, 4], [2], 7]"),
                  P "129: " AT ".bands[1]: a band is two numbers [threshold, "
                  "value], got 1\n"
                  P "134: " AT ".bands[2]: expected a sequence, got a "
                  "number\n");
}

static void test_band_count(void **state)
{
    (void)state;
    expect_errors(SRC(", figure: mean, bands: []"),
                  P "120: " AT ".bands: must not be empty\n");
    expect_errors(SRC(", figure: mean, bands: [[10, 4], [9, 4], [8, 4], "
                      "[7, 4], [6, 4], [5, 4], [4, 4], [3, 4], [2, 4], "
                      "[1, 4], [0, 4]]"),
                  P "120: " AT ".bands: at most 10 bands, not 11\n");
}

static void test_source_on_a_count(void **state)
{
    (void)state;
    /* only a judgement takes a source */
    kh_status st;
    char text[1024];
    snprintf(text, sizeof text, RUBRIC_FMT, "");
    char *at = strstr(text, "{input: r, kind: judgement, points: 4}");
    assert_non_null(at);
    const char *term = "{input: r, kind: count, per: 1, source: {}}";
    snprintf(at, sizeof text - (size_t)(at - text), "%s\n", term);
    kh_err *e = kh_err_new();
    kh_rubric *r = NULL;
    st = kh_rubric_load_mem("t.yaml", text, strlen(text), e, &r);
    assert_int_equal(st, KH_EINVAL);
    char *m = kh_err_format(e, 0);
    assert_string_equal(m, P "45: categories[0].items[0].terms[0]: unknown "
                           "key \"source\" for a count term");
    free(m);
    kh_err_free(e);
    kh_rubric_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_no_source),
        cmocka_unit_test(test_not_a_mapping),
        cmocka_unit_test(test_missing_and_unknown_keys),
        cmocka_unit_test(test_unknown_figure),
        cmocka_unit_test(test_bad_ids),
        cmocka_unit_test(test_band_values),
        cmocka_unit_test(test_thresholds_fall),
        cmocka_unit_test(test_band_shape),
        cmocka_unit_test(test_band_count),
        cmocka_unit_test(test_source_on_a_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
