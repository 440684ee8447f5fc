/* Unit tests: the JSON, table and CSV writers (lib/report/report_*.c) on a small
 * assessment scored against the shipped 2020 rubric. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kaohe/assess.h"
#include "kaohe/report.h"
#include "kaohe/rubric.h"
#include "kaohe/score.h"

/* Every applicable item at full marks except where a line below differs;
 * 4.3 of f1 loses 2 and o1 has no 2.3 entry at all. */
static const char *const full_inputs[][2] = {
    {"1.1", "{documents: true}"},
    {"1.2", "{report: on_time}"},
    {"1.3", "{meetings: 3, proofs: 3}"},
    {"1.4", "{plan: true, proofs: true}"},
    {"1.5", "{meetings: true, report: true, on_time: true}"},
    {"1.6", "{meetings: true, report: true}"},
    {"1.7", "{proofs: true, lectures: true}"},
    {"2.1", "{grid: true, duties: true}"},
    {"2.2", "{rating: 4}"},
    {"2.3", "{rating: 2}"},
    {"3.1", "{rating: 5}"},
    {"3.2", "{xuexi_below: 0, activities: 3}"},
    {"3.3", "{reports: 5}"},
    {"3.4", "{civility: true, culture_project: true, brand: true}"},
    {"3.5", "{plans: true, projects: true}"},
    {"4.1", "{rating: 4}"},
    {"4.2", "{rating: 4}"},
    {"4.3", "{violations: 0}"},
    {"4.4", "{no_advisor: false, violations: 0}"},
    {"4.5", "{rating: 5}"},
    {"4.6", "{violations: 0}"},
    {"4.7", "{rating: 4}"},
    {"5.1", "{rating: 4}"},
    {"5.2", "{rating: 2}"},
    {"5.3", "{rating: 4}"},
};

typedef struct fixture {
    kh_rubric *r;
    kh_assess *a;
    kh_result *res;
    kh_buf out;
} fixture;

/* Units: f1 (faculty, own branch, its name a formula), o1 and o2 (offices
 * of branch b1, o2's name needs CSV quoting).  f1 gets 2 bonus points and
 * loses 2 in 4.3; o1 has a negative record of 1.5 and lacks 2.3. */
static char *make_input(void)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_buf_puts(&b, "year: 2025\n"
                    "branches:\n"
                    "  - {id: b1, name: 机关第一党支部}\n"
                    "units:\n"
                    "  - {id: f1, name: '=HYPERLINK(1)', kind: faculty}\n"
                    "  - {id: o1, name: 组织部, kind: office, branch: b1}\n"
                    "  - {id: o2, name: '教务处,\"试点\"', kind: office, "
                    "branch: b1}\n"
                    "entries:\n");
    const char *units[] = {"f1", "o1", "o2"};
    for (size_t u = 0; u < 3; u++) {
        for (size_t i = 0; i < sizeof full_inputs / sizeof full_inputs[0];
             i++) {
            const char *item = full_inputs[i][0];
            const char *in = full_inputs[i][1];
            if (u > 0 && strcmp(item, "1.7") == 0)
                continue;
            if (u == 1 && strcmp(item, "2.3") == 0)
                continue;
            if (u == 0 && strcmp(item, "4.3") == 0)
                in = "{violations: 2}";
            kh_buf_printf(&b,
                          "  - {unit: %s, item: \"%s\", phase: inspection, "
                          "inputs: %s}\n",
                          units[u], item, in);
            if (u == 2)   /* o2 also assessed itself */
                kh_buf_printf(&b,
                              "  - {unit: %s, item: \"%s\", phase: self, "
                              "inputs: %s}\n",
                              units[u], item, in);
        }
    }
    kh_buf_puts(&b, "bonus:\n"
                    "  - {unit: f1, points: 2, reason: 市级精品项目}\n"
                    "negative:\n"
                    "  - {unit: o1, points: 1.5, reason: 第十七条情形}\n");
    return kh_buf_take(&b, NULL);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    kh_err *e = kh_err_new();
    assert_non_null(f);
    assert_non_null(e);
    assert_int_equal(kh_rubric_load("rubrics/ideology-2020.yaml", e, &f->r),
                     KH_OK);
    char *in = make_input();
    assert_non_null(in);
    kh_status st = kh_assess_load_mem(f->r, "test.yaml", in, strlen(in), e,
                                      &f->a);
    for (size_t i = 0; i < kh_err_count(e); i++) {
        char *m = kh_err_format(e, i);
        fprintf(stderr, "%s\n", m ? m : "?");
        free(m);
    }
    assert_int_equal(st, KH_OK);
    free(in);
    assert_int_equal(kh_score(f->a, KH_SCORE_ALLOW_MISSING, e, &f->res),
                     KH_OK);
    kh_err_free(e);
    kh_buf_init(&f->out, 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    kh_buf_free(&f->out);
    kh_result_free(f->res);
    kh_assess_free(f->a);
    kh_rubric_free(f->r);
    free(f);
    return 0;
}

/* f1: 100 - 2 (4.3) = 98 base, + 2 = 100.
 * o1: 94 - 2 (2.3 missing) = 92 of 94 -> 97.87, - 1.5 = 96.37.
 * o2: 94 of 94 -> 100.  Branch b1: (96.37 + 100) / 2 = 98.185 -> 98.19. */
static const char want_json[] =
    "{\n"
    "  \"rubric\": \"ideology-2020\",\n"
    "  \"year\": 2025,\n"
    "  \"units\": [\n"
    "    {\"id\": \"f1\", \"name\": \"=HYPERLINK(1)\", \"kind\": \"faculty\", "
    "\"branch\": \"f1\", \"items\": {\"1.1\": 3, \"1.2\": 2, \"1.3\": 6, "
    "\"1.4\": 2, \"1.5\": 4, \"1.6\": 2, \"1.7\": 6, \"2.1\": 4, \"2.2\": 4, "
    "\"2.3\": 2, \"3.1\": 5, \"3.2\": 5, \"3.3\": 5, \"3.4\": 5, \"3.5\": 5, "
    "\"4.1\": 4, \"4.2\": 4, \"4.3\": 3, \"4.4\": 4, \"4.5\": 5, \"4.6\": 4, "
    "\"4.7\": 4, \"5.1\": 4, \"5.2\": 2, \"5.3\": 4}, \"categories\": "
    "{\"1\": 25, \"2\": 10, \"3\": 25, \"4\": 28, \"5\": 10}, "
    "\"raw_base\": 98, \"applicable_max\": 100, \"base\": 98, \"bonus\": 2, "
    "\"negative\": 0, \"total\": 100, \"self_base\": null, \"missing\": []},\n"
    "    {\"id\": \"o1\", \"name\": \"组织部\", \"kind\": \"office\", "
    "\"branch\": \"b1\", \"items\": {\"1.1\": 3, \"1.2\": 2, \"1.3\": 6, "
    "\"1.4\": 2, \"1.5\": 4, \"1.6\": 2, \"2.1\": 4, \"2.2\": 4, "
    "\"2.3\": 0, \"3.1\": 5, \"3.2\": 5, \"3.3\": 5, \"3.4\": 5, \"3.5\": 5, "
    "\"4.1\": 4, \"4.2\": 4, \"4.3\": 5, \"4.4\": 4, \"4.5\": 5, \"4.6\": 4, "
    "\"4.7\": 4, \"5.1\": 4, \"5.2\": 2, \"5.3\": 4}, \"categories\": "
    "{\"1\": 19, \"2\": 8, \"3\": 25, \"4\": 30, \"5\": 10}, "
    "\"raw_base\": 92, \"applicable_max\": 94, \"base\": 97.87, "
    "\"bonus\": 0, \"negative\": 1.5, \"total\": 96.37, \"self_base\": null, "
    "\"missing\": [\"2.3\"]},\n"
    "    {\"id\": \"o2\", \"name\": \"教务处,\\\"试点\\\"\", \"kind\": "
    "\"office\", \"branch\": \"b1\", \"items\": {\"1.1\": 3, \"1.2\": 2, "
    "\"1.3\": 6, \"1.4\": 2, \"1.5\": 4, \"1.6\": 2, \"2.1\": 4, \"2.2\": 4, "
    "\"2.3\": 2, \"3.1\": 5, \"3.2\": 5, \"3.3\": 5, \"3.4\": 5, \"3.5\": 5, "
    "\"4.1\": 4, \"4.2\": 4, \"4.3\": 5, \"4.4\": 4, \"4.5\": 5, \"4.6\": 4, "
    "\"4.7\": 4, \"5.1\": 4, \"5.2\": 2, \"5.3\": 4}, \"categories\": "
    "{\"1\": 19, \"2\": 10, \"3\": 25, \"4\": 30, \"5\": 10}, "
    "\"raw_base\": 94, \"applicable_max\": 94, \"base\": 100, \"bonus\": 0, "
    "\"negative\": 0, \"total\": 100, \"self_base\": 100, \"missing\": []}\n"
    "  ],\n"
    "  \"branches\": [\n"
    "    {\"id\": \"b1\", \"name\": \"机关第一党支部\", \"kind\": \"office\", "
    "\"units\": [\"o1\", \"o2\"], \"score\": 98.19},\n"
    "    {\"id\": \"f1\", \"name\": \"=HYPERLINK(1)\", \"kind\": \"faculty\", "
    "\"units\": [\"f1\"], \"score\": 100}\n"
    "  ],\n"
    "  \"rankings\": {\n"
    "    \"faculty\": [\n"
    "      {\"id\": \"f1\", \"name\": \"=HYPERLINK(1)\", \"score\": 100, "
    "\"rank\": 1, \"bottom\": true}\n"
    "    ],\n"
    "    \"office\": [\n"
    "      {\"id\": \"o2\", \"name\": \"教务处,\\\"试点\\\"\", \"score\": 100, "
    "\"rank\": 1, \"bottom\": true},\n"
    "      {\"id\": \"o1\", \"name\": \"组织部\", \"score\": 96.37, "
    "\"rank\": 2, \"bottom\": true}\n"
    "    ]\n"
    "  }\n"
    "}\n";

static void test_json(void **state)
{
    fixture *f = *state;
    assert_int_equal(kh_report_json(f->res, &f->out), KH_OK);
    assert_string_equal(kh_buf_str(&f->out), want_json);
}

static void test_csv(void **state)
{
    fixture *f = *state;
    assert_int_equal(kh_report_csv(f->res, &f->out), KH_OK);
    const char *s = kh_buf_str(&f->out);
    size_t n = f->out.len;
    assert_memory_equal(s, "\xEF\xBB\xBF编号,名称,类别,支部,", 3 + 28);
    /* Every line ends in CRLF; there is no bare LF or CR. */
    size_t lines = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n') {
            assert_true(i > 0 && s[i - 1] == '\r');
            lines++;
        }
        if (s[i] == '\r')
            assert_true(i + 1 < n && s[i + 1] == '\n');
    }
    assert_true(n >= 2 && s[n - 2] == '\r' && s[n - 1] == '\n');
    /* header + 3 units, blank, header + 2 branches */
    assert_int_equal(lines, 8);
    assert_non_null(strstr(s, "\r\nf1,'=HYPERLINK(1),系,'=HYPERLINK(1),25,10,"
                              "25,28,10,98,100,98,2,0,100,,各系（按支部）,1,"
                              "是,\r\n"));
    assert_non_null(strstr(s, "\r\no1,组织部,处室,机关第一党支部,19,8,25,30,"
                              "10,92,94,97.87,0,1.5,96.37,,各部门（按处室）,"
                              "2,是,2.3\r\n"));
    assert_non_null(strstr(s, "\r\no2,\"教务处,\"\"试点\"\"\",处室,"));
    assert_non_null(strstr(s, "\r\n\r\n支部编号,支部,类别,单位,平均分,排名表,"
                              "名次,后三位\r\n"
                              "b1,机关第一党支部,处室,\"组织部、教务处,"
                              "\"\"试点\"\"\",98.19,,,\r\n"
                              "f1,'=HYPERLINK(1),系,'=HYPERLINK(1),100,"
                              "各系（按支部）,1,是\r\n"));
}

/* Width of line k (0-based) of s, as displayed. */
static size_t line_width(const char *s, size_t k)
{
    for (; k && s; k--) {
        s = strchr(s, '\n');
        if (s)
            s++;
    }
    if (!s)
        return 0;
    const char *e = strchr(s, '\n');
    size_t n = e ? (size_t)(e - s) : strlen(s);
    char *line = strndup(s, n);
    size_t w = kh_text_width(line);
    free(line);
    return w;
}

static void test_table(void **state)
{
    fixture *f = *state;
    assert_int_equal(kh_report_table(f->res, &f->out), KH_OK);
    const char *s = kh_buf_str(&f->out);
    assert_non_null(strstr(s, "意识形态工作责任制考核评分体系（试行）  2025年度考核结果\n"));
    /* The unit table ends in the right-aligned 自查基础分 column, so its
     * header and rows have the same display width. */
    const char *t = strstr(s, "【各单位得分】\n");
    assert_non_null(t);
    t += strlen("【各单位得分】\n");
    size_t w = line_width(t, 0);
    assert_true(w > 0);
    for (size_t k = 1; k <= 3; k++)
        assert_int_equal(line_width(t, k), w);
    assert_non_null(strstr(t, "o2    教务处,\"试点\"  处室"));
    /* Both offices flagged, with the mark; the missing item noted; the
     * office proration explained; no line ends in a blank. */
    assert_non_null(strstr(s, "  96.37  ★后三位\n"));
    assert_non_null(strstr(s, "组织部（o1）：2.3\n"));
    assert_non_null(strstr(s, "注：处室不适用考核要点 1.7，各项合计满分 94 分"));
    assert_null(strstr(s, " \n"));
}

/* A buffer that cannot hold the output: the writers report it. */
static void test_limit(void **state)
{
    fixture *f = *state;
    kh_status (*const writers[])(const kh_result *, kh_buf *) = {
        kh_report_json, kh_report_table, kh_report_csv};
    for (size_t i = 0; i < 3; i++) {
        kh_buf small;
        kh_buf_init(&small, 64);
        assert_int_equal(writers[i](f->res, &small), KH_ELIMIT);
        kh_buf_free(&small);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csv, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limit, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
