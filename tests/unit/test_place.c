/* Unit tests: places named for a person (kaohe/place.h), one case per
 * kind of place the loaders and the store produce - a YAML/JSON data
 * path, an entry of a file and of the store, CSV and XLSX cells, a
 * table's header row, rubric and questionnaire paths, the store's row
 * names, places that are already names, command-line options - with
 * the build tree's catalogue (Chinese) and without it (English). */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kaohe/error.h"
#include "kaohe/i18n.h"
#include "kaohe/place.h"
#include "kaohe/rubric.h"

static kh_rubric *rubric;

static const char *names(void *arg, const char *id)
{
    (void)arg;
    if (strcmp(id, "jd") == 0)
        return "机电工程系";
    if (strcmp(id, "dbgs") == 0)
        return "党委办公室";
    return NULL;
}

/* The file's entries[5] is jd's 2.2. */
static bool entry_of(void *arg, size_t index, const char **unit,
                     const char **item)
{
    (void)arg;
    if (index != 5)
        return false;
    *unit = "jd";
    *item = "2.2";
    return true;
}

/* The named place of one message located as given. */
static char *named(const char *file, unsigned line, unsigned col,
                   const char *path, const kh_place_ctx *ctx)
{
    kh_msg m = {KH_SEV_ERROR, file, line, col, path, "bad", NULL};
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_place_name(&m, ctx, &b);
    assert_int_equal(kh_buf_status(&b), KH_OK);
    char *s = kh_buf_take(&b, NULL);
    return s ? s : strdup("");
}

#define EXPECT(want, file, line, col, path, ctx)                        \
    do {                                                                \
        char *got_ = named(file, line, col, path, ctx);                 \
        assert_string_equal(got_, want);                                \
        free(got_);                                                     \
    } while (0)

static int setup(void **state)
{
    (void)state;
    kh_err *e = kh_err_new();
    if (!e || kh_rubric_load("rubrics/ideology-2020.yaml", e, &rubric))
        return -1;
    kh_err_free(e);
    return kh_i18n_init(KH_TEST_LOCALEDIR) == KH_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    kh_rubric_free(rubric);
    kh_i18n_done();
    return 0;
}

/* An assessment file: line, then the path field by field; with the
 * rubric an input by its label, with the file's entries by unit name
 * and item. */
static void test_assess_paths(void **state)
{
    (void)state;
    kh_place_ctx none = {0};
    kh_place_ctx ctx = {rubric, NULL, names, entry_of, NULL, NULL, 0};
    EXPECT("dir/a.yaml 第 12 行，第 6 条考核记录「阶段」", "dir/a.yaml", 12, 7,
           "entries[5].phase", &none);
    EXPECT("a.yaml 第 12 行，第 6 条考核记录「meetings」", "a.yaml", 12, 7,
           "entries[5].inputs.meetings", &none);
    EXPECT("a.yaml 第 12 行，第 5 条考核记录「相关会议记录」", "a.yaml", 12, 7,
           "entries[4].inputs.meetings", &ctx);
    EXPECT("a.yaml 第 3 行，机电工程系 考核要点 2.2「第一责任人履责情况」",
           "a.yaml", 3, 1, "entries[5].inputs.rating", &ctx);
    /* rating is two items' input with two labels: the id stays. */
    EXPECT("a.json 第 3 行，第 5 条考核记录「rating」", "a.json", 3, 1,
           "entries[4].inputs.rating", &ctx);
    EXPECT("a.yaml 第 4 行，第 2 个单位「编号」", "a.yaml", 4, 9,
           "units[1].id", &ctx);
    EXPECT("a.yaml 第 4 行，第 1 条特色加分记录「分值」", "a.yaml", 4, 9,
           "bonus[0].points", &ctx);
    EXPECT("a.yaml 第 4 行，「负面清单记录」", "a.yaml", 4, 9, "negative",
           &ctx);
    EXPECT("第 2 个单位「支部」", NULL, 0, 0, "units[1].branch", NULL);
}

/* The store's entries and rows: the unit by name, the phase. */
static void test_store_paths(void **state)
{
    (void)state;
    kh_place_ctx ctx = {rubric, NULL, names, NULL, NULL, NULL, 0};
    EXPECT("机电工程系 考核要点 2.2（自查）「第一责任人履责情况」", NULL, 0, 0,
           "jd/2.2/self.inputs.rating", &ctx);
    EXPECT("党委办公室 考核要点 1.1（检查）「说明」", NULL, 0, 0,
           "dbgs/1.1/inspection.note", &ctx);
    EXPECT("zz 考核要点 1.1（检查）", NULL, 0, 0, "zz/1.1/inspection", &ctx);
    EXPECT("机电工程系 考核要点 2.2（自查）「第一责任人履责情况」", NULL, 0, 0,
           "entry jd/2.2/self.inputs.rating", &ctx);
    EXPECT("机电工程系", NULL, 0, 0, "unit jd", &ctx);
    EXPECT("党支部 b1", NULL, 0, 0, "branch b1", &ctx);
    EXPECT("机电工程系 花名册 xxqg", NULL, 0, 0, "roster jd/xxqg", &ctx);
    /* Not an entry (a phase that is none): field by field. */
    EXPECT("「a/b/c」", NULL, 0, 0, "a/b/c", &ctx);
}

/* Tables: CSV line and column, XLSX cells, the header row; a header's
 * name when the front end passes the header. */
static void test_tables(void **state)
{
    (void)state;
    static const char *const cols[] = {"编号", "名称", "类别"};
    kh_place_ctx hdr = {NULL, NULL, NULL, NULL, NULL, cols, 3};
    EXPECT("units.csv 第 3 行「类别」列", "units.csv", 3, 3, NULL, &hdr);
    EXPECT("/tmp/x/units.csv 第 3 行第 3 列", "/tmp/x/units.csv", 3, 3, NULL, NULL);
    EXPECT("units.csv 第 7 行第 9 列", "units.csv", 7, 9, NULL, &hdr);
    EXPECT("units.xlsx 第 5 行「名称」列", "units.xlsx", 0, 0, "B5", &hdr);
    EXPECT("units.xlsx 第 3 行第 4 列", "units.xlsx", 0, 0, "D3.branch", NULL);
    EXPECT("units.xlsx 第 1 行", "units.xlsx", 0, 0, "row 1", NULL);
    EXPECT("units.csv 第 1 行", "units.csv", 1, 0, NULL, NULL);
    /* The questionnaire import names its places already. */
    EXPECT("paper.csv 第 2 行「q1」列", "paper.csv", 0, 0,
           "第 2 行「q1」列", NULL);
    EXPECT("paper.csv 第 1 行第 4 列，第 1 行", "paper.csv", 1, 4, "第 1 行",
           NULL);
}

/* Rubric and questionnaire files: nested lists, a double index. */
static void test_nested(void **state)
{
    (void)state;
    EXPECT("r.yaml 第 9 行，第 2 个类别第 3 个考核要点第 1 条评分规则「每项分值」",
           "r.yaml", 9, 3, "categories[1].items[2].terms[0].per", NULL);
    EXPECT("r.yaml 第 9 行，「基础分满分」", "r.yaml", 9, 3, "base_max", NULL);
    EXPECT("r.yaml 第 9 行，第 1 条评分规则「数据来源」第 1 个分档第 2 项",
           "r.yaml", 9, 3, "terms[0].source.bands[0][1]", NULL);
    EXPECT("q.yaml 第 2 行，第 3 题第 1 个选项「编号」", "q.yaml", 2, 1,
           "questions[2].choices[0].id", NULL);
    EXPECT("「frobs」第 2 项", NULL, 0, 0, "frobs[1]", NULL);
    EXPECT("「x y[」", NULL, 0, 0, "x y[", NULL);
}

/* Options and places without a path. */
static void test_other(void **state)
{
    (void)state;
    EXPECT("--unit", NULL, 0, 0, "--unit", NULL);
    EXPECT("", NULL, 0, 0, NULL, NULL);
    EXPECT("MANIFEST", "MANIFEST", 0, 0, NULL, NULL);
    EXPECT("a.yaml 第 2 行", "a.yaml", 2, 5, NULL, NULL);
}

/* The whole line: place, full-width colon, 警告, the Chinese text. */
static void test_line(void **state)
{
    (void)state;
    kh_err *e = kh_err_new();
    assert_non_null(e);
    kh_err_set_file(e, "data/b.yaml");
    kh_err_warn(e, 2, 1, "units[0].id", "unknown item %s", "\"7.7\"");
    kh_err_at(e, 0, 0, NULL, "no catalogue entry for %d", 1);
    char *s = kh_place_line(kh_err_get(e, 0), NULL);
    assert_string_equal(s, "data/b.yaml 第 2 行，第 1 个单位「编号」：警告：未知的考核要点 \"7.7\"");
    free(s);
    s = kh_place_line(kh_err_get(e, 1), NULL);
    assert_string_equal(s, "data/b.yaml：no catalogue entry for 1");
    free(s);
    kh_err_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assess_paths),
        cmocka_unit_test(test_store_paths),
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_nested),
        cmocka_unit_test(test_other),
        cmocka_unit_test(test_line),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
