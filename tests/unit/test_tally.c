/* Unit tests: questionnaire tallies - exact counts, percentages and means
 * rounded half away from zero to hundredths, suppression at the round's
 * minimum, the JSON of issue 13. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kaohe/tally.h"

static const char qtext[] =
    "id: t\ntitle: T\naudience: 学生\nquestions:\n"
    "  - {id: s, type: single, text: x, choices: [{id: a, label: A, value: "
    "1}, {id: b, label: B, value: 2}, {id: c, label: C, value: 4}]}\n"
    "  - {id: m, type: multiple, text: x, choices: [{id: a, label: A, value: "
    "1}, {id: b, label: B, value: 1}]}\n"
    "  - {id: l, type: likert, text: x}\n"
    "  - {id: n, type: number, text: x, min: -100, max: 100}\n"
    "  - {id: t, type: text, text: x}\n";

typedef struct fx {
    kh_questionnaire *q;
    kh_tally *t;
    kh_err *e;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    f->e = kh_err_new();
    assert_int_equal(kh_questionnaire_load_mem("q", qtext, strlen(qtext),
                                               f->e, &f->q), KH_OK);
    assert_int_equal(kh_tally_new(f->q, 7, 3, &f->t), KH_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    kh_tally_free(f->t);
    kh_questionnaire_free(f->q);
    kh_err_free(f->e);
    free(f);
    return 0;
}

static void add(fx *f, size_t u, const char *json, bool paper)
{
    assert_int_equal(kh_tally_add(f->t, u, "r", json, strlen(json), paper,
                                  f->e), KH_OK);
}

static size_t unit(fx *f, const char *id, size_t invited)
{
    size_t u;
    assert_int_equal(kh_tally_unit(f->t, id, NULL, invited, &u), KH_OK);
    return u;
}

static void test_counts_and_rounding(void **state)
{
    fx *f = *state;
    size_t u = unit(f, "jd", 8);
    /* s: a, a, b, (none) -> of 3 answered: 66.67 % / 33.33 % / 0;
     * mean (1 + 1 + 2) / 3 = 1.333 -> 1.33. */
    add(f, u, "{\"s\":\"a\",\"m\":[\"a\",\"b\"],\"l\":\"5\",\"n\":1}", false);
    add(f, u, "{\"s\":\"a\",\"m\":[\"a\"],\"l\":\"4\",\"n\":0}", false);
    add(f, u, "{\"s\":\"b\",\"l\":\"4\",\"n\":0,\"t\":\"<b>\"}", true);
    add(f, u, "{\"n\":0}", false);
    assert_int_equal(kh_tally_responses(f->t, u), 4);
    assert_int_equal(kh_tally_paper(f->t, u), 1);
    assert_false(kh_tally_suppressed(f->t, u));
    /* 3 web responses of 8 codes: 37.5 %. */
    assert_int_equal(kh_tally_rate(f->t, u), 3750);
    assert_int_equal(kh_tally_answered(f->t, u, 0), 3);
    assert_int_equal(kh_tally_count(f->t, u, 0, 0), 2);
    assert_int_equal(kh_tally_count(f->t, u, 0, 1), 1);
    assert_int_equal(kh_tally_count(f->t, u, 0, 2), 0);
    assert_int_equal(kh_tally_percent(f->t, u, 0, 0), 6667);
    assert_int_equal(kh_tally_percent(f->t, u, 0, 1), 3333);
    kh_cp mean;
    assert_true(kh_tally_mean(f->t, u, 0, &mean));
    assert_int_equal(mean, 133);
    /* Multiple: percent of those who answered, may add up past 100. */
    assert_int_equal(kh_tally_answered(f->t, u, 1), 2);
    assert_int_equal(kh_tally_percent(f->t, u, 1, 0), 10000);
    assert_int_equal(kh_tally_percent(f->t, u, 1, 1), 5000);
    assert_false(kh_tally_mean(f->t, u, 1, &mean));
    /* Likert 5, 4, 4: mean 4.333 -> 4.33. */
    assert_true(kh_tally_mean(f->t, u, 2, &mean));
    assert_int_equal(mean, 433);
    /* Number 1, 0, 0, 0: 0.25; text listed, no mean. */
    assert_true(kh_tally_mean(f->t, u, 3, &mean));
    assert_int_equal(mean, 25);
    assert_int_equal(kh_tally_texts(f->t, u, 4), 1);
    assert_string_equal(kh_tally_text(f->t, u, 4, 0), "<b>");
    assert_false(kh_tally_mean(f->t, u, 4, &mean));
}

/* Half away from zero: 1/8 of a number is 0.125 -> 0.13, -1/8 -> -0.13;
 * 1 of 32 is 3.125 % -> 3.13 %, 31 of 32 96.875 % -> 96.88 %. */
static void test_half_away_from_zero(void **state)
{
    fx *f = *state;
    size_t u = unit(f, "a", 0), v = unit(f, "b", 0), w = unit(f, "c", 32);
    add(f, u, "{\"n\":1}", false);
    add(f, v, "{\"n\":-1}", false);
    for (int i = 0; i < 7; i++) {
        add(f, u, "{\"n\":0}", false);
        add(f, v, "{\"n\":0}", false);
    }
    kh_cp mean;
    assert_true(kh_tally_mean(f->t, u, 3, &mean));
    assert_int_equal(mean, 13);
    assert_true(kh_tally_mean(f->t, v, 3, &mean));
    assert_int_equal(mean, -13);
    assert_int_equal(kh_tally_rate(f->t, u), 0);   /* no codes */
    add(f, w, "{\"s\":\"c\"}", false);
    for (int i = 0; i < 31; i++)
        add(f, w, "{\"s\":\"a\"}", false);
    assert_int_equal(kh_tally_percent(f->t, w, 0, 2), 313);   /* 3.125 */
    assert_int_equal(kh_tally_percent(f->t, w, 0, 0), 9688);  /* 96.875 */
    assert_int_equal(kh_tally_rate(f->t, w), 10000);
}

/* The minimum is 3: a unit with 3 responses shows, one with 2 does not. */
static void test_suppression_at_minimum(void **state)
{
    fx *f = *state;
    size_t u = unit(f, "at", 5), v = unit(f, "below", 5);
    for (int i = 0; i < 3; i++)
        add(f, u, "{\"s\":\"a\",\"t\":\"x\"}", false);
    for (int i = 0; i < 2; i++)
        add(f, v, "{\"s\":\"b\",\"t\":\"secret\"}", false);
    assert_false(kh_tally_suppressed(f->t, u));
    assert_true(kh_tally_suppressed(f->t, v));
    kh_buf b;
    kh_buf_init(&b, 0);
    assert_int_equal(kh_tally_json(f->t, false, &b), KH_OK);
    assert_string_equal(
        kh_buf_str(&b),
        "{\"round\":7,\"questionnaire\":\"t\",\"min\":3,\"units\":[\n"
        "{\"unit\":\"at\",\"invited\":5,\"responses\":3,\"paper\":0,"
        "\"rate\":60,\"suppressed\":false,\"questions\":["
        "{\"id\":\"s\",\"answered\":3,\"counts\":{\"a\":3,\"b\":0,\"c\":0},"
        "\"percent\":{\"a\":100,\"b\":0,\"c\":0},\"mean\":1},"
        "{\"id\":\"m\",\"answered\":0,\"counts\":{\"a\":0,\"b\":0},"
        "\"percent\":{\"a\":0,\"b\":0}},"
        "{\"id\":\"l\",\"answered\":0,\"counts\":{\"1\":0,\"2\":0,\"3\":0,"
        "\"4\":0,\"5\":0},\"percent\":{\"1\":0,\"2\":0,\"3\":0,\"4\":0,"
        "\"5\":0}},"
        "{\"id\":\"n\",\"answered\":0},"
        "{\"id\":\"t\",\"answered\":3}]},\n"
        "{\"unit\":\"below\",\"invited\":5,\"responses\":2,\"paper\":0,"
        "\"rate\":40,\"suppressed\":true}]}\n");
    /* With free text: listed for the unit shown, never for the other. */
    kh_buf_reset(&b);
    assert_int_equal(kh_tally_json(f->t, true, &b), KH_OK);
    assert_non_null(strstr(kh_buf_str(&b), "\"texts\":[\"x\",\"x\",\"x\"]"));
    assert_null(strstr(kh_buf_str(&b), "secret"));
    kh_buf_reset(&b);
    assert_int_equal(kh_tally_csv(f->t, true, &b), KH_OK);
    assert_null(strstr(kh_buf_str(&b), "secret"));
    kh_buf_free(&b);
}

/* The figures a rubric source reads: the top-valued choices' percent. */
static void test_figures(void **state)
{
    fx *f = *state;
    size_t u = unit(f, "jd", 6), v = unit(f, "few", 6);
    const char *l[] = {"{\"l\":\"5\",\"s\":\"c\"}", "{\"l\":\"4\",\"s\":\"a\"}",
                       "{\"l\":\"3\",\"s\":\"b\"}"};
    for (size_t i = 0; i < 3; i++)
        add(f, u, l[i], false);
    add(f, v, l[0], false);
    kh_cp x;
    /* Likert 5, 4, 3: top two (5 and 4) are 2 of 3. */
    assert_true(kh_tally_figure(f->t, u, 2, "percent_top2", &x));
    assert_int_equal(x, 6667);
    assert_true(kh_tally_figure(f->t, u, 2, "percent_top1", &x));
    assert_int_equal(x, 3333);
    assert_true(kh_tally_figure(f->t, u, 2, "mean", &x));
    assert_int_equal(x, 400);
    /* Single choice: values a 1, b 2, c 4 - top two are c and b. */
    assert_true(kh_tally_figure(f->t, u, 0, "percent_top2", &x));
    assert_int_equal(x, 6667);
    assert_false(kh_tally_figure(f->t, u, 1, "percent_top2", &x));
    assert_false(kh_tally_figure(f->t, u, 2, "median", &x));
    /* Suppressed (1 response, minimum 3): no figure at all. */
    assert_false(kh_tally_figure(f->t, v, 2, "mean", &x));
}

static void test_bad_stored_answers(void **state)
{
    fx *f = *state;
    size_t u = unit(f, "jd", 1);
    const char *bad[] = {"{\"zz\":1}", "{\"s\":\"q\"}", "{\"m\":\"a\"}",
                         "{\"n\":\"x\"}", "[1]"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(kh_tally_add(f->t, u, "r", bad[i], strlen(bad[i]),
                                      false, f->e), KH_EINVAL);
    assert_int_equal(kh_tally_responses(f->t, u), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_counts_and_rounding, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_half_away_from_zero, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_suppression_at_minimum, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_figures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_stored_answers, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
