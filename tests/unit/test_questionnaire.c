/* Unit tests: loading questionnaires (every error, exact message and
 * place), the shipped questionnaires, and checking answers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kaohe/questionnaire.h"

/* Every message of e, one per line (malloc'd). */
static char *messages(kh_err *e)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    for (size_t i = 0; i < kh_err_count(e); i++) {
        char *m = kh_err_format(e, i);
        kh_buf_printf(&b, "%s\n", m);
        free(m);
    }
    char *s = strdup(kh_buf_str(&b));
    kh_buf_free(&b);
    return s;
}

static kh_questionnaire *load(const char *text, kh_status *st, char **msgs)
{
    kh_err *e = kh_err_new();
    assert_non_null(e);
    kh_questionnaire *q = NULL;
    *st = kh_questionnaire_load_mem("q.yaml", text, strlen(text), e, &q);
    *msgs = messages(e);
    kh_err_free(e);
    return q;
}

static void expect_errors(const char *text, const char *want)
{
    kh_status st;
    char *got;
    kh_questionnaire *q = load(text, &st, &got);
    assert_string_equal(got, want);
    assert_int_equal(st, KH_EINVAL);
    assert_null(q);
    free(got);
}

static kh_questionnaire *expect_ok(const char *text)
{
    kh_status st;
    char *got;
    kh_questionnaire *q = load(text, &st, &got);
    assert_string_equal(got, "");
    assert_int_equal(st, KH_OK);
    assert_non_null(q);
    free(got);
    return q;
}

#define HEAD "id: t\ntitle: T\naudience: 学生\nquestions:\n"

static void test_minimal(void **state)
{
    (void)state;
    kh_questionnaire *q = expect_ok(HEAD "  - {id: q1, type: likert, "
                                         "text: 好}\n");
    assert_string_equal(kh_questionnaire_id(q), "t");
    assert_string_equal(kh_questionnaire_audience(q), "学生");
    assert_null(kh_questionnaire_intro(q));
    assert_int_equal(kh_questionnaire_count(q), 1);
    assert_int_equal(kh_question_type(q, 0), KH_Q_LIKERT);
    assert_false(kh_question_required(q, 0));
    assert_int_equal(kh_question_choices(q, 0), 5);
    assert_string_equal(kh_question_choice_id(q, 0, 4), "5");
    assert_string_equal(kh_question_choice_label(q, 0, 0), "非常不同意");
    assert_int_equal(kh_question_choice_value(q, 0, 2), 300);
    assert_int_equal(kh_questionnaire_find(q, "q1"), 0);
    assert_int_equal(kh_questionnaire_find(q, "q2"), -1);
    kh_questionnaire_free(q);
}

static void test_top_level(void **state)
{
    (void)state;
    expect_errors("[]\n", "q.yaml:1:1: expected a mapping, got a sequence\n");
    expect_errors("id: T\ncolour: red\n",
                  "q.yaml:2:1: unknown key \"colour\"\n"
                  "q.yaml:1:1: missing key \"title\"\n"
                  "q.yaml:1:1: missing key \"audience\"\n"
                  "q.yaml:1:1: missing key \"questions\"\n"
                  "q.yaml:1:5: id: invalid id \"T\": must match "
                  "[a-z0-9][a-z0-9._-]*\n");
    expect_errors("id: t\ntitle: \"\"\naudience: x\nquestions: []\n",
                  "q.yaml:2:8: title: must not be empty\n"
                  "q.yaml:4:12: questions: needs 1 to 100 questions, not 0\n");
    expect_errors("id: t\ntitle: T\naudience: x\nquestions: {}\n",
                  "q.yaml:4:12: questions: expected a sequence, got a "
                  "mapping\n");
}

static void test_questions(void **state)
{
    (void)state;
    expect_errors(HEAD "  - 7\n  - {id: q1, text: x}\n",
                  "q.yaml:5:5: questions[0]: expected a mapping, got a "
                  "number\n"
                  "q.yaml:6:5: questions[1]: missing key \"type\"\n");
    expect_errors(HEAD "  - {id: q1, type: rank, text: x}\n",
                  "q.yaml:5:20: questions[0].type: unknown type \"rank\" "
                  "(expected single, multiple, likert, number or text)\n");
    expect_errors(HEAD "  - {id: q1, type: likert, text: x}\n"
                       "  - {id: q1, type: likert, text: y}\n",
                  "q.yaml:6:10: questions[1].id: duplicate question id "
                  "\"q1\"\n");
    expect_errors(HEAD "  - {id: q1, type: likert, text: x, required: 1}\n",
                  "q.yaml:5:47: questions[0].required: expected true or "
                  "false, got \"1\"\n");
    expect_errors(HEAD "  - {id: q1, type: text, text: x, min: 1}\n",
                  "q.yaml:5:35: questions[0]: unknown key \"min\" for a "
                  "text question\n");
}

static void test_choices(void **state)
{
    (void)state;
    expect_errors(HEAD "  - {id: q1, type: single, text: x}\n",
                  "q.yaml:5:5: questions[0]: missing key \"choices\" (a "
                  "single question needs them)\n");
    expect_errors(HEAD "  - {id: q1, type: multiple, text: x, choices: "
                       "[{id: a, label: A, value: 1}]}\n",
                  "q.yaml:5:48: questions[0].choices: needs 2 to 20 "
                  "choices, not 1\n");
    expect_errors(HEAD "  - id: q1\n    type: single\n    text: x\n"
                       "    choices:\n"
                       "      - {id: a, label: A, value: 1}\n"
                       "      - {id: a, label: \"\", value: 1.234}\n"
                       "      - {id: c, label: C}\n",
                  "q.yaml:10:24: questions[0].choices[1].label: must not be "
                  "empty\n"
                  "q.yaml:10:35: questions[0].choices[1].value: \"1.234\" has "
                  "more than two decimal places\n"
                  "q.yaml:10:14: questions[0].choices[1].id: duplicate "
                  "choice id \"a\"\n"
                  "q.yaml:11:9: questions[0].choices[2]: missing key "
                  "\"value\"\n");
    expect_errors(HEAD "  - {id: q1, type: likert, text: x, labels: [a, b]}\n",
                  "q.yaml:5:45: questions[0].labels: needs exactly 5 "
                  "labels, not 2\n");
}

static void test_number_text(void **state)
{
    (void)state;
    expect_errors(HEAD "  - {id: q1, type: number, text: x}\n",
                  "q.yaml:5:5: questions[0]: missing key \"max\" (a number "
                  "question needs one)\n");
    expect_errors(HEAD "  - {id: q1, type: number, text: x, min: 5, max: 2}\n",
                  "q.yaml:5:50: questions[0].max: must not be below min (5), "
                  "not 2\n");
    expect_errors(HEAD "  - {id: q1, type: number, text: x, max: 2000000000}\n",
                  "q.yaml:5:42: questions[0].max: must be between "
                  "-1000000000 and 1000000000, not 2000000000\n");
    expect_errors(HEAD "  - {id: q1, type: text, text: x, max_length: 0}\n",
                  "q.yaml:5:47: questions[0].max_length: must be between 1 "
                  "and 2000, not 0\n");
}

static void test_shipped(void **state)
{
    (void)state;
    const char *files[] = {"questionnaires/ideology-2020-staff.yaml",
                           "questionnaires/ideology-2020-students.yaml"};
    for (size_t i = 0; i < 2; i++) {
        kh_err *e = kh_err_new();
        kh_questionnaire *q = NULL;
        assert_int_equal(kh_questionnaire_load(files[i], e, &q), KH_OK);
        assert_int_equal(kh_err_count(e), 0);
        assert_true(kh_questionnaire_count(q) >= 8);
        kh_questionnaire_free(q);
        kh_err_free(e);
    }
}

/* ---- answers ---- */

static const char answers_q[] =
    HEAD
    "  - {id: s, type: single, text: x, required: true, choices: "
    "[{id: a, label: A, value: 1}, {id: b, label: B, value: 2}]}\n"
    "  - {id: m, type: multiple, text: x, choices: "
    "[{id: a, label: A, value: 1}, {id: b, label: B, value: 2}]}\n"
    "  - {id: n, type: number, text: x, min: -5, max: 10}\n"
    "  - {id: t, type: text, text: x, max_length: 3}\n";

/* Answers question i with vals; returns the JSON or the message. */
static char *answer(const kh_questionnaire *q, size_t i,
                    const char *const *vals, size_t n, kh_status *st)
{
    kh_err *e = kh_err_new();
    kh_buf b;
    kh_buf_init(&b, 0);
    bool given = false;
    *st = kh_question_answer(q, i, vals, n, "f", e, &b, &given);
    char *s = *st == KH_OK ? strdup(kh_buf_str(&b)) : messages(e);
    kh_buf_free(&b);
    kh_err_free(e);
    return s;
}

static void expect_answer(const kh_questionnaire *q, size_t i,
                          const char *const *vals, size_t n, kh_status want,
                          const char *text)
{
    kh_status st;
    char *got = answer(q, i, vals, n, &st);
    assert_string_equal(got, text);
    assert_int_equal(st, want);
    free(got);
}

static void test_answers(void **state)
{
    (void)state;
    kh_questionnaire *q = expect_ok(answers_q);
    const char *a[] = {"a"}, *ab[] = {"a", "b"}, *aa[] = {"a", "a"};
    const char *empty[] = {""}, *z[] = {"z"};
    expect_answer(q, 0, a, 1, KH_OK, "\"s\":\"a\"");
    expect_answer(q, 0, empty, 1, KH_EINVAL, "f: 此题为必答题\n");
    expect_answer(q, 0, ab, 2, KH_EINVAL, "f: 只能选择一项\n");
    expect_answer(q, 0, z, 1, KH_EINVAL, "f: 没有这个选项：「z」\n");
    expect_answer(q, 1, ab, 2, KH_OK, "\"m\":[\"a\",\"b\"]");
    expect_answer(q, 1, aa, 2, KH_EINVAL, "f: 选项「a」选了两次\n");
    expect_answer(q, 1, empty, 1, KH_OK, "");
    const char *n7[] = {"7"}, *n11[] = {"11"}, *nx[] = {"7x"}, *nm[] = {"-5"};
    const char *plus[] = {"+3"};
    expect_answer(q, 2, n7, 1, KH_OK, "\"n\":7");
    expect_answer(q, 2, nm, 1, KH_OK, "\"n\":-5");
    expect_answer(q, 2, n11, 1, KH_EINVAL, "f: 应在 -5 到 10 之间，而不是 11\n");
    expect_answer(q, 2, nx, 1, KH_EINVAL, "f: 请填写整数，而不是「7x」\n");
    expect_answer(q, 2, plus, 1, KH_EINVAL, "f: 请填写整数，而不是「+3」\n");
    const char *t3[] = {"好好好"}, *t4[] = {"好好好好"};
    const char *tq[] = {"<\"x"}, *tc[] = {"a\x01"}, *bad[] = {"\xff"};
    expect_answer(q, 3, t3, 1, KH_OK, "\"t\":\"好好好\"");
    expect_answer(q, 3, tq, 1, KH_OK, "\"t\":\"<\\\"x\"");
    expect_answer(q, 3, t4, 1, KH_EINVAL, "f: 不能超过 3 个字（现在 4 个）\n");
    expect_answer(q, 3, tc, 1, KH_EINVAL, "f: 含有无法识别的字符\n");
    expect_answer(q, 3, bad, 1, KH_EINVAL, "f: 含有无法识别的字符\n");
    kh_questionnaire_free(q);
}

static void test_show(void **state)
{
    (void)state;
    kh_questionnaire *q = expect_ok(answers_q);
    kh_buf b;
    kh_buf_init(&b, 0);
    assert_int_equal(kh_questionnaire_show_json(q, &b), KH_OK);
    /* The JSON view loads back as the same questionnaire. */
    kh_err *e = kh_err_new();
    kh_questionnaire *back = NULL;
    assert_int_equal(kh_questionnaire_load_mem("j", b.data, b.len, e, &back),
                     KH_OK);
    assert_int_equal(kh_questionnaire_count(back), 4);
    assert_int_equal(kh_question_min(back, 2), -5);
    assert_int_equal(kh_question_max_length(back, 3), 3);
    kh_questionnaire_free(back);
    kh_err_free(e);
    kh_buf_free(&b);
    kh_questionnaire_free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal),
        cmocka_unit_test(test_top_level),
        cmocka_unit_test(test_questions),
        cmocka_unit_test(test_choices),
        cmocka_unit_test(test_number_text),
        cmocka_unit_test(test_shipped),
        cmocka_unit_test(test_answers),
        cmocka_unit_test(test_show),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
