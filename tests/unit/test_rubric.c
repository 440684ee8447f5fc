/* Unit tests: loading and validating rubrics (SCORING.md sections 2, 3, 6,
 * 9), the shipped 2020 rubric, and the table/JSON views. */
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

/* ---- helpers ------------------------------------------------------------ */

/* Loads text as "t.yaml"; returns every message, one per line (malloc'd),
 * and the status in *st; *out gets the rubric (or NULL). */
static char *load(const char *text, kh_status *st, kh_rubric **out)
{
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

/* The load fails with exactly the messages want (each ending in \n). */
static void expect_errors(const char *text, const char *want)
{
    kh_status st;
    kh_rubric *r;
    char *got = load(text, &st, &r);
    assert_string_equal(got, want);
    assert_int_equal(st, KH_EINVAL);
    assert_null(r);
    free(got);
}

/* The load fails with one error whose place (FILE:L:C: PATH: ) is prefix;
 * for messages whose wording belongs to the document reader. */
static void expect_error_at(const char *text, const char *prefix)
{
    kh_status st;
    kh_rubric *r;
    char *got = load(text, &st, &r);
    if (strncmp(got, prefix, strlen(prefix)) != 0 ||
        strchr(got, '\n') != got + strlen(got) - 1)
        fail_msg("got \"%s\", want one message starting \"%s\"", got,
                 prefix);
    assert_int_equal(st, KH_EINVAL);
    assert_null(r);
    free(got);
}

/* The load succeeds with exactly the messages want (warnings). */
static kh_rubric *expect_ok(const char *text, const char *want)
{
    kh_status st;
    kh_rubric *r;
    char *got = load(text, &st, &r);
    assert_string_equal(got, want);
    assert_int_equal(st, KH_OK);
    assert_non_null(r);
    free(got);
    return r;
}

/* A small valid rubric, lines 1-16; items follow from line 17.  Category
 * and base max are 3. */
#define HEAD                                              \
    "id: t\n"                                      /*  1 */ \
    "title: T\n"                                   /*  2 */ \
    "base_max: 3\n"                                /*  3 */ \
    "bonus_max: 1\n"                               /*  4 */ \
    "bottom_n: 1\n"                                /*  5 */ \
    "not_applicable: prorate\n"                    /*  6 */ \
    "kinds:\n"                                     /*  7 */ \
    "  - {id: a, name: A}\n"                       /*  8 */ \
    "  - {id: b, name: B}\n"                       /*  9 */ \
    "rankings:\n"                                  /* 10 */ \
    "  - {id: ra, name: RA, kind: a, level: unit}\n" /* 11 */ \
    "categories:\n"                                /* 12 */ \
    "  - id: \"1\"\n"                              /* 13 */ \
    "    name: C\n"                                /* 14 */ \
    "    max: 3\n"                                 /* 15 */ \
    "    items:\n"                                 /* 16 */

/* One item of max 3 whose terms start at line 21, column 11 ("- "). */
#define ITEM3                                             \
    "      - id: \"1.1\"\n"                        /* 17 */ \
    "        text: X\n"                            /* 18 */ \
    "        max: 3\n"                             /* 19 */ \
    "        terms:\n"                             /* 20 */

#define OKTERM "          - {input: x, kind: check, points: 3}\n"

static const char *const valid = HEAD ITEM3 OKTERM;

/* ---- the shipped rubric ------------------------------------------------- */

static void test_shipped(void **state)
{
    (void)state;
    kh_err *e = kh_err_new();
    kh_rubric *r = NULL;
    assert_int_equal(kh_rubric_load("rubrics/ideology-2020.yaml", e, &r),
                     KH_OK);
    assert_int_equal(kh_err_count(e), 0);   /* no warnings either */
    kh_err_free(e);

    assert_string_equal(kh_rubric_id(r), "ideology-2020");
    assert_string_equal(kh_rubric_title(r),
                        "意识形态工作责任制考核评分体系（试行）");
    assert_string_equal(kh_rubric_document(r), "晋市职院党〔2020〕44号");
    assert_int_equal(kh_rubric_base_max(r), 10000);
    assert_int_equal(kh_rubric_bonus_max(r), 500);
    assert_int_equal(kh_rubric_bottom_n(r), 3);
    assert_int_equal(kh_rubric_na_mode(r), KH_NA_PRORATE);
    assert_non_null(strstr(kh_rubric_bonus_text(r), "市级以上表彰"));
    assert_non_null(strstr(kh_rubric_negative_text(r), "第十七条"));

    assert_int_equal(kh_rubric_kind_count(r), 2);
    assert_string_equal(kh_rubric_kind_id(r, 0), "faculty");
    assert_string_equal(kh_rubric_kind_name(r, 0), "系");
    assert_string_equal(kh_rubric_kind_name(r, 1), "处室");
    assert_int_equal(kh_rubric_kind_find(r, "office"), 1);
    assert_int_equal(kh_rubric_kind_find(r, "other"), -1);

    assert_int_equal(kh_rubric_ranking_count(r), 2);
    assert_int_equal(kh_rubric_ranking_kind(r, 0), 0);
    assert_int_equal(kh_rubric_ranking_level(r, 0), KH_LEVEL_BRANCH);
    assert_int_equal(kh_rubric_ranking_kind(r, 1), 1);
    assert_int_equal(kh_rubric_ranking_level(r, 1), KH_LEVEL_UNIT);

    static const char *const names[] = {"体制机制", "明确责任",
                                        "意识形态价值引领", "阵地管理",
                                        "队伍建设"};
    static const kh_cp cmax[] = {2500, 1000, 2500, 3000, 1000};
    static const size_t citems[] = {7, 3, 5, 7, 3};
    assert_int_equal(kh_rubric_category_count(r), 5);
    assert_int_equal(kh_rubric_item_count(r), 25);
    kh_cp total = 0;
    for (size_t c = 0; c < 5; c++) {
        assert_string_equal(kh_rubric_category_name(r, c), names[c]);
        assert_int_equal(kh_rubric_category_max(r, c), cmax[c]);
        assert_int_equal(kh_rubric_category_items(r, c), citems[c]);
        kh_cp sum = 0;
        size_t f = kh_rubric_category_first(r, c);
        for (size_t i = f; i < f + citems[c]; i++) {
            sum += kh_rubric_item_max(r, i);
            assert_int_equal(kh_rubric_item_category(r, i), c);
        }
        assert_int_equal(sum, cmax[c]);
        total += sum;
    }
    assert_int_equal(total, 10000);

    /* Item ids in file order, found by id. */
    for (size_t i = 0; i < 25; i++)
        assert_int_equal(kh_rubric_item_find(r, kh_rubric_item_id(r, i)),
                         (int)i);
    assert_int_equal(kh_rubric_item_find(r, "9.9"), -1);

    /* 1.7 applies to faculties only; every other item to both kinds. */
    int i17 = kh_rubric_item_find(r, "1.7");
    assert_int_equal(i17, 6);
    for (size_t i = 0; i < 25; i++) {
        assert_true(kh_rubric_item_applies(r, i, 0));
        assert_int_equal(kh_rubric_item_applies(r, i, 1), i != 6);
    }

    /* 1.2: a choice of three. */
    int i12 = kh_rubric_item_find(r, "1.2");
    const kh_term *ch = kh_rubric_item_slot(r, (size_t)i12, 0);
    assert_int_equal(kh_term_get_kind(ch), KH_TERM_CHOICE);
    assert_string_equal(kh_term_input(ch), "report");
    assert_int_equal(kh_term_option_count(ch), 3);
    assert_int_equal(kh_term_option_find(ch, "late"), 1);
    assert_int_equal(kh_term_option_points(ch, 1), 150);
    assert_int_equal(kh_term_option_find(ch, "missing"), -1);

    /* 3.2: [group max 2 start 2 [deduct xuexi_below]] + count activities. */
    int i32 = kh_rubric_item_find(r, "3.2");
    const kh_term *root = kh_rubric_item_root(r, (size_t)i32);
    assert_int_equal(kh_term_get_kind(root), KH_TERM_GROUP);
    assert_int_equal(kh_term_max(root), 500);
    assert_int_equal(kh_term_start(root), 0);
    assert_int_equal(kh_term_child_count(root), 2);
    const kh_term *g = kh_term_child(root, 0);
    assert_int_equal(kh_term_get_kind(g), KH_TERM_GROUP);
    assert_int_equal(kh_term_max(g), 200);
    assert_int_equal(kh_term_start(g), 200);
    assert_null(kh_term_input(g));
    assert_int_equal(kh_term_child_count(g), 1);
    const kh_term *d = kh_term_child(g, 0);
    assert_int_equal(kh_term_get_kind(d), KH_TERM_DEDUCT);
    assert_string_equal(kh_term_input(d), "xuexi_below");
    assert_int_equal(kh_term_per(d), 50);
    assert_string_equal(kh_term_roster(d), "xuexi");
    assert_int_equal(kh_term_roster_below(d), 500000);
    const kh_term *act = kh_term_child(root, 1);
    assert_int_equal(kh_term_get_kind(act), KH_TERM_COUNT);
    assert_true(kh_term_has_cap(act));
    assert_int_equal(kh_term_cap(act), 300);
    assert_null(kh_term_roster(act));
    assert_null(kh_term_roster_title(d));   /* the shipped rubric has none */
    /* Slots: depth first, the nested deduct before the count. */
    assert_int_equal(kh_rubric_item_slots(r, (size_t)i32), 2);
    assert_ptr_equal(kh_rubric_item_slot(r, (size_t)i32, 0), d);
    assert_ptr_equal(kh_rubric_item_slot(r, (size_t)i32, 1), act);
    assert_int_equal(kh_term_slot(d), 0);
    assert_int_equal(kh_term_slot(act), 1);
    assert_int_equal(kh_rubric_item_slot_find(r, (size_t)i32, "activities"),
                     1);
    assert_int_equal(kh_rubric_item_slot_find(r, (size_t)i32, "nope"), -1);

    /* 4.4: start 4, a negative check and a deduct. */
    int i44 = kh_rubric_item_find(r, "4.4");
    assert_int_equal(kh_term_start(kh_rubric_item_root(r, (size_t)i44)),
                     400);
    assert_int_equal(kh_term_points(kh_rubric_item_slot(r, (size_t)i44, 0)),
                     -100);

    /* Judgements default to steps of 0.5. */
    const kh_term *j = kh_rubric_item_slot(r, (size_t)kh_rubric_item_find(
                                                  r, "2.2"), 0);
    assert_int_equal(kh_term_get_kind(j), KH_TERM_JUDGEMENT);
    assert_int_equal(kh_term_points(j), 400);
    assert_int_equal(kh_term_step(j), 50);

    /* Slot counts per item, as SCORING.md section 9 lists the terms. */
    static const size_t slots[] = {1, 1, 2, 2, 3, 2, 2, 2, 1, 1, 1, 2, 1,
                                   3, 2, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1};
    for (size_t i = 0; i < 25; i++)
        assert_int_equal(kh_rubric_item_slots(r, i), slots[i]);
    kh_rubric_free(r);
}

/* ---- views ---------------------------------------------------------------- */

static char *describe(const kh_term *t)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_term_describe(t, &b);
    char *s = strdup(kh_buf_str(&b));
    kh_buf_free(&b);
    return s;
}

static void expect_describe(const kh_rubric *r, const char *item, size_t child,
                            const char *want)
{
    int i = kh_rubric_item_find(r, item);
    assert_true(i >= 0);
    char *s = describe(kh_term_child(kh_rubric_item_root(r, (size_t)i),
                                     child));
    assert_string_equal(s, want);
    free(s);
}

static void test_describe(void **state)
{
    (void)state;
    kh_rubric *r = NULL;
    kh_err *e = kh_err_new();
    assert_int_equal(kh_rubric_load("rubrics/ideology-2020.yaml", e, &r),
                     KH_OK);
    kh_err_free(e);
    expect_describe(r, "1.1", 0, "印证文件：是则得 3 分");
    expect_describe(r, "1.2", 0,
                    "定期汇报：按时按要求汇报 2 分 / 迟报 1.5 分 / 未报 0 分");
    expect_describe(r, "1.3", 0, "相关会议记录：每次 1 分");
    expect_describe(r, "2.2", 0, "第一责任人履责情况：评分 0–4 分，步长 0.5");
    expect_describe(r, "3.2", 0,
                    "学习强国平台学习情况，起评 2 分，最高 2 分：学习强国年度积分"
                    "不足5000分的人数：每人扣 0.5 分（本项名单，低于 5000）");
    expect_describe(r, "3.2", 1, "相关主题活动：每次 1 分，最高 3 分");
    expect_describe(r, "4.4", 0, "无指导教师：是则扣 1 分");
    expect_describe(r, "4.4", 1, "违规现象：每次扣 1 分");
    kh_rubric_free(r);

    /* Without labels the input name is shown; a group without start. */
    r = expect_ok(HEAD ITEM3
                  "          - {kind: group, max: 3, terms: [\n"
                  "              {input: n, kind: count, per: 1.5, cap: 3},\n"
                  "              {input: c, kind: choice, options: [{id: y, points: 3}]}]}\n",
                  "");
    char *s = describe(kh_term_child(kh_rubric_item_root(r, 0), 0));
    assert_string_equal(s, "最高 3 分：n：每次 1.5 分，最高 3 分；c：y 3 分");
    free(s);
    kh_rubric_free(r);

    /* A roster is named by its title, never by its id. */
    r = expect_ok(HEAD ITEM3
                  "          - {kind: group, max: 3, start: 3, terms: [\n"
                  "              {input: p, kind: deduct, per: 1, roster: "
                  "{name: xuexi, below: 5000, title: 学习强国积分}}]}\n",
                  "");
    s = describe(kh_term_child(kh_term_child(kh_rubric_item_root(r, 0), 0),
                               0));
    assert_string_equal(s, "p：每人扣 1 分（学习强国积分，低于 5000）");
    free(s);
    kh_rubric_free(r);
}

static char *show(const kh_rubric *r, bool json)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    assert_int_equal(json ? kh_rubric_show_json(r, &b)
                          : kh_rubric_show_table(r, &b), KH_OK);
    char *s = strdup(kh_buf_str(&b));
    kh_buf_free(&b);
    return s;
}

static void test_show_json_roundtrip(void **state)
{
    (void)state;
    kh_rubric *r = NULL;
    kh_err *e = kh_err_new();
    assert_int_equal(kh_rubric_load("rubrics/ideology-2020.yaml", e, &r),
                     KH_OK);
    char *json = show(r, true);
    /* The JSON is a rubric file again, and shows the same. */
    kh_rubric *r2 = NULL;
    assert_int_equal(kh_rubric_load_mem("r.json", json, strlen(json), e, &r2),
                     KH_OK);
    assert_int_equal(kh_err_count(e), 0);
    char *json2 = show(r2, true);
    assert_string_equal(json, json2);
    char *t1 = show(r, false), *t2 = show(r2, false);
    assert_string_equal(t1, t2);
    assert_non_null(strstr(t1, "\n1. 体制机制（25分）\n"));
    assert_non_null(strstr(t1, "\n  1.7（6分，适用于系）\n"));
    assert_non_null(strstr(t1, "\n  4.3（5分，起评 5 分）\n"));
    assert_non_null(strstr(t1, "\n特色加分（最高 5 分）\n"));
    assert_non_null(strstr(json, "\"roster\": {\"name\": \"xuexi\", "
                                 "\"below\": 5000}"));
    assert_non_null(strstr(json, "\"kinds\": [\"faculty\"]"));
    free(json);
    free(json2);
    free(t1);
    free(t2);
    kh_rubric_free(r);
    kh_rubric_free(r2);
    kh_err_free(e);
}

static void test_show_json_escapes(void **state)
{
    (void)state;
    /* A title is one line without control characters (docs/DESIGN.md,
     * "Names"); quotes and backslashes are escaped. */
    expect_errors(
        "id: t\ntitle: \"a b\\n\\u0001\"\n"
        "base_max: 3\nbonus_max: 0\nbottom_n: 1\nnot_applicable: raw\n"
        "kinds: [{id: a, name: A}]\nrankings: []\n"
        "categories:\n  - id: \"1\"\n    name: C\n    max: 3\n    items:\n"
        ITEM3 OKTERM,
        "t.yaml:2:8: title: holds the control character U+000A at character "
        "4 (a name is one line without control characters)\n");
    kh_rubric *r = expect_ok(
        "id: t\ntitle: \"a \\\"q\\\" \\\\ b\"\n"
        "base_max: 3\nbonus_max: 0\nbottom_n: 1\nnot_applicable: raw\n"
        "kinds: [{id: a, name: A}]\nrankings: []\n"
        "categories:\n  - id: \"1\"\n    name: C\n    max: 3\n    items:\n"
        ITEM3 OKTERM, "");
    char *json = show(r, true);
    assert_non_null(strstr(json, "\"title\": \"a \\\"q\\\" \\\\ b\""));
    assert_non_null(strstr(json, "\"not_applicable\": \"raw\""));
    assert_non_null(strstr(json, "\"rankings\": []"));
    assert_non_null(strstr(json, "\"bonus_max\": 0"));
    free(json);
    kh_rubric_free(r);
}

/* ---- valid small rubrics ------------------------------------------------- */

static void test_valid_minimal(void **state)
{
    (void)state;
    kh_rubric *r = expect_ok(valid, "");
    assert_int_equal(kh_rubric_item_count(r), 1);
    assert_null(kh_rubric_document(r));
    assert_null(kh_rubric_bonus_text(r));
    assert_null(kh_rubric_item_standard(r, 0));
    assert_true(kh_rubric_item_applies(r, 0, 0));
    assert_true(kh_rubric_item_applies(r, 0, 1));
    kh_rubric_free(r);

    /* JSON is YAML too. */
    const char *json =
        "{\"id\": \"t\", \"title\": \"T\", \"base_max\": 2, \"bonus_max\": 1,"
        " \"bottom_n\": 2, \"not_applicable\": \"raw\","
        " \"kinds\": [{\"id\": \"a\", \"name\": \"A\"}], \"rankings\": [],"
        " \"categories\": [{\"id\": \"1\", \"name\": \"C\", \"max\": 2,"
        " \"items\": [{\"id\": \"1.1\", \"text\": \"X\", \"max\": 2,"
        " \"terms\": [{\"input\": \"j\", \"kind\": \"judgement\","
        " \"points\": 2, \"step\": 0.25}]}]}]}";
    r = expect_ok(json, "");
    assert_int_equal(kh_rubric_na_mode(r), KH_NA_RAW);
    assert_int_equal(kh_term_step(kh_rubric_item_slot(r, 0, 0)), 25);
    kh_rubric_free(r);
}

/* ---- one test per validation rule ---------------------------------------- */

static void test_not_a_mapping(void **state)
{
    (void)state;
    expect_errors("- a\n- b\n", "t.yaml:1:1: expected a mapping, got a sequence\n");
}

static void test_missing_key(void **state)
{
    (void)state;
    /* The top level without title; an item without text. */
    expect_errors(
        "id: t\n"
        "base_max: 3\nbonus_max: 1\nbottom_n: 1\nnot_applicable: prorate\n"
        "kinds:\n  - {id: a, name: A}\nrankings: []\n"
        "categories:\n  - id: \"1\"\n    name: C\n    max: 3\n    items:\n"
        "      - id: \"1.1\"\n        max: 3\n        terms:\n" OKTERM,
        "t.yaml:1:1: missing key \"title\"\n"
        "t.yaml:14:9: categories[0].items[0]: missing key \"text\"\n");
}

static void test_unknown_key(void **state)
{
    (void)state;
    expect_errors(HEAD ITEM3
                  "          - {input: x, kind: check, points: 3, cap: 3}\n"
                  "documnet: D\n",
                  "t.yaml:22:1: unknown key \"documnet\"\n"
                  "t.yaml:21:48: categories[0].items[0].terms[0]: unknown key "
                  "\"cap\" for a check term\n");
}

static void test_duplicate_key(void **state)
{
    (void)state;
    /* The document reader already refuses a repeated key. */
    expect_error_at(HEAD ITEM3 OKTERM "title: U\n",
                    "t.yaml:22:1: duplicate key \"title\"");
}

static void test_wrong_container(void **state)
{
    (void)state;
    expect_errors(HEAD ITEM3 "          {input: x}\n",
                  "t.yaml:21:11: categories[0].items[0].terms: expected a "
                  "sequence, got a mapping\n");
    expect_errors(HEAD ITEM3 "          - x\n",
                  "t.yaml:21:13: categories[0].items[0].terms[0]: expected a "
                  "mapping, got a string\n");
}

static void test_bad_slug(void **state)
{
    (void)state;
    const char *text = "id: Ideology 2020\n" HEAD ITEM3 OKTERM;
    /* "id" given twice would be a duplicate: replace the first line. */
    char *t = strdup(text);
    char *second = strstr(t + 1, "id: t\n");
    memcpy(second, "#    \n", 6);
    expect_errors(t, "t.yaml:1:5: id: invalid id \"Ideology 2020\": must match "
                     "[a-z0-9][a-z0-9._-]*\n");
    free(t);
    expect_errors(HEAD
                  "      - {id: \"1.1\", text: X, max: 2, terms: [{input: x, "
                  "kind: check, points: 2}]}\n"
                  "      - {id: \"1.1\", text: Y, max: 1, terms: [{input: x, "
                  "kind: check, points: 1}]}\n",
                  "t.yaml:18:14: categories[0].items[1].id: duplicate item id "
                  "\"1.1\" (first at line 17)\n");
}

static void test_kind_id_rules(void **state)
{
    (void)state;
    expect_errors("kinds:\n  - {id: A, name: X}\n  - {id: b, name: \"\"}\n"
                  "  - {id: b, name: Y}\n"
                  "id: t\ntitle: T\nbase_max: 3\nbonus_max: 1\nbottom_n: 1\n"
                  "not_applicable: prorate\nrankings: []\n"
                  "categories:\n  - id: \"1\"\n    name: C\n    max: 3\n"
                  "    items:\n" ITEM3 OKTERM,
                  "t.yaml:2:10: kinds[0].id: invalid id \"A\": must match "
                  "[a-z0-9][a-z0-9._-]*\n"
                  "t.yaml:3:19: kinds[1].name: must not be empty\n"
                  "t.yaml:4:10: kinds[2].id: duplicate kind id \"b\"\n");
}

static void test_duplicate_category(void **state)
{
    (void)state;
    expect_errors("id: t\ntitle: T\nbase_max: 4\nbonus_max: 1\nbottom_n: 1\n"
                  "not_applicable: prorate\nkinds: [{id: a, name: A}]\n"
                  "rankings: []\ncategories:\n"
                  "  - {id: \"1\", name: C, max: 2, items: [{id: \"1.1\", "
                  "text: X, max: 2, terms: [{input: x, kind: check, points: "
                  "2}]}]}\n"
                  "  - {id: \"1\", name: D, max: 2, items: [{id: \"2.1\", "
                  "text: X, max: 2, terms: [{input: x, kind: check, points: "
                  "2}]}]}\n",
                  "t.yaml:11:10: categories[1].id: duplicate category id "
                  "\"1\"\n");
}

static void test_duplicate_input(void **state)
{
    (void)state;
    /* Inside a nested group too. */
    expect_errors(HEAD ITEM3
                  "          - {input: x, kind: count, per: 1}\n"
                  "          - {kind: group, max: 3, terms: [{input: x, kind: "
                  "deduct, per: 1}]}\n",
                  "t.yaml:22:51: categories[0].items[0].terms[1].terms[0]."
                  "input: duplicate input \"x\" in item \"1.1\" (first at line "
                  "21)\n");
}

static void test_unknown_kind_refs(void **state)
{
    (void)state;
    expect_errors(HEAD
                  "      - id: \"1.1\"\n        text: X\n        max: 3\n"
                  "        kinds: [a, c, a]\n        terms:\n" OKTERM,
                  "t.yaml:20:20: categories[0].items[0].kinds[1]: unknown kind "
                  "\"c\"\n"
                  "t.yaml:20:23: categories[0].items[0].kinds[2]: duplicate "
                  "kind \"a\"\n");
}

static void test_ranking_rules(void **state)
{
    (void)state;
    char *t = strdup(valid);
    char *p = strstr(t, "kind: a, level: unit}");
    memcpy(p, "kind: q, level: tree}", 21);
    expect_errors(t, "t.yaml:11:30: rankings[0].kind: unknown kind \"q\"\n"
                     "t.yaml:11:40: rankings[0].level: must be \"unit\" or "
                     "\"branch\", not \"tree\"\n");
    free(t);
}

static void test_not_applicable(void **state)
{
    (void)state;
    char *t = strdup(valid);
    char *p = strstr(t, "prorate");
    memcpy(p, "prorat_", 7);
    expect_errors(t, "t.yaml:6:17: not_applicable: must be \"prorate\" or "
                     "\"raw\", not \"prorat_\"\n");
    free(t);
}

static void test_decimals(void **state)
{
    (void)state;
    /* The wording is the document reader's (kh_node_cp); the place is
     * ours. */
    expect_errors(HEAD ITEM3
                  "          - {input: x, kind: check, points: 2.999}\n",
                  "t.yaml:21:45: categories[0].items[0].terms[0].points: "
                  "\"2.999\" has more than two decimal places\n");
    expect_errors(HEAD ITEM3
                  "          - {input: x, kind: count, per: \"1\"}\n",
                  "t.yaml:21:42: categories[0].items[0].terms[0].per: expected "
                  "a number, got a string\n");
}

static void test_positive_params(void **state)
{
    (void)state;
    expect_errors(HEAD ITEM3
                  "          - {input: a, kind: count, per: 0, cap: -1}\n"
                  "          - {input: b, kind: deduct, per: -0.5}\n"
                  "          - {input: c, kind: check, points: 0}\n"
                  "          - {input: d, kind: judgement, points: 0}\n",
                  "t.yaml:21:42: categories[0].items[0].terms[0].per: must be "
                  "greater than 0, not 0\n"
                  "t.yaml:21:50: categories[0].items[0].terms[0].cap: must be "
                  "greater than 0, not -1\n"
                  "t.yaml:22:43: categories[0].items[0].terms[1].per: must be "
                  "greater than 0, not -0.5\n"
                  "t.yaml:23:45: categories[0].items[0].terms[2].points: must "
                  "not be 0\n"
                  "t.yaml:24:49: categories[0].items[0].terms[3].points: must "
                  "be greater than 0, not 0\n");
}

static void test_judgement_step(void **state)
{
    (void)state;
    expect_errors(HEAD ITEM3
                  "          - {input: a, kind: judgement, points: 3, step: "
                  "0.4}\n",
                  "t.yaml:21:58: categories[0].items[0].terms[0].step: points "
                  "3 is not a multiple of the step 0.4\n");
    expect_errors(HEAD ITEM3
                  "          - {input: a, kind: judgement, points: 2.25}\n"
                  "          - {input: b, kind: check, points: 0.75}\n",
                  "t.yaml:21:49: categories[0].items[0].terms[0].points: "
                  "points 2.25 is not a multiple of the step 0.5\n");
    expect_errors(HEAD ITEM3
                  "          - {input: a, kind: judgement, points: 3, step: "
                  "0}\n",
                  "t.yaml:21:58: categories[0].items[0].terms[0].step: must be "
                  "greater than 0, not 0\n");
}

static void test_choice_rules(void **state)
{
    (void)state;
    expect_errors(HEAD ITEM3
                  "          - {input: a, kind: choice, options: []}\n",
                  "t.yaml:21:47: categories[0].items[0].terms[0].options: must "
                  "not be empty\n");
    expect_errors(HEAD ITEM3
                  "          - {input: a, kind: choice, options: [{id: y, "
                  "points: 3}, {id: y, points: 1}]}\n",
                  "t.yaml:21:73: categories[0].items[0].terms[0].options[1].id:"
                  " duplicate option id \"y\"\n");
    expect_errors(HEAD ITEM3
                  "          - {input: a, kind: choice, options: [{id: y}]}\n",
                  "t.yaml:21:48: categories[0].items[0].terms[0].options[0]: "
                  "missing key \"points\"\n");
}

static void test_group_rules(void **state)
{
    (void)state;
    expect_errors(HEAD ITEM3
                  "          - {kind: group, max: 0, terms: [{input: a, kind: "
                  "check, points: 1}]}\n"
                  "          - {kind: group, max: 3, start: 4, terms: [{input: "
                  "b, kind: check, points: 3}]}\n"
                  "          - {kind: group, max: 3, start: -1, terms: [{input: "
                  "c, kind: check, points: 3}]}\n"
                  "          - {kind: group, max: 3, terms: []}\n"
                  "          - {kind: group, input: d, max: 3, terms: [{input: "
                  "e, kind: check, points: 3}]}\n",
                  "t.yaml:21:32: categories[0].items[0].terms[0].max: must be "
                  "greater than 0, not 0\n"
                  "t.yaml:22:42: categories[0].items[0].terms[1].start: must be "
                  "between 0 and max 3, not 4\n"
                  "t.yaml:23:42: categories[0].items[0].terms[2].start: must be "
                  "between 0 and max 3, not -1\n"
                  "t.yaml:24:42: categories[0].items[0].terms[3].terms: must "
                  "not be empty\n"
                  "t.yaml:25:27: categories[0].items[0].terms[4]: unknown key "
                  "\"input\" for a group term\n");
}

static void test_item_start(void **state)
{
    (void)state;
    expect_errors(HEAD
                  "      - id: \"1.1\"\n        text: X\n        max: 3\n"
                  "        start: 3.5\n        terms:\n" OKTERM,
                  "t.yaml:20:16: categories[0].items[0].start: must be between "
                  "0 and max 3, not 3.5\n");
}

static void test_category_sum(void **state)
{
    (void)state;
    char *t = strdup(valid);
    char *p = strstr(t, "    max: 3\n    items");
    p[9] = '4';
    p = strstr(t, "base_max: 3");
    p[10] = '4';
    expect_errors(t, "t.yaml:15:10: categories[0].max: category max 4 is not "
                     "the sum of its items' max (3)\n");
    free(t);
}

static void test_base_sum(void **state)
{
    (void)state;
    char *t = strdup(valid);
    char *p = strstr(t, "base_max: 3");
    p[10] = '5';
    expect_errors(t, "t.yaml:3:11: base_max: base_max 5 is not the sum of the "
                     "categories' max (3)\n");
    free(t);
}

static void test_bottom_n(void **state)
{
    (void)state;
    char *t = strdup(valid);
    char *p = strstr(t, "bottom_n: 1");
    p[10] = '0';
    expect_errors(t, "t.yaml:5:11: bottom_n: must be at least 1, not 0\n");
    memcpy(p, "bottom_n: x", 11);
    expect_errors(t, "t.yaml:5:11: bottom_n: expected a whole number, got "
                     "\"x\"\n");
    free(t);
}

static void test_roster_rules(void **state)
{
    (void)state;
    expect_errors(HEAD ITEM3
                  "          - {input: a, kind: check, points: 3, roster: "
                  "{name: r, below: 1}}\n"
                  "          - {input: b, kind: deduct, per: 1, roster: "
                  "{below: 1}}\n",
                  "t.yaml:21:56: categories[0].items[0].terms[0].roster: a "
                  "roster is allowed only on count and deduct terms\n"
                  "t.yaml:22:54: categories[0].items[0].terms[1].roster: "
                  "missing key \"name\"\n");
    expect_errors(HEAD ITEM3
                  "          - {input: b, kind: count, per: 3, roster: "
                  "{name: r, below: many}}\n",
                  "t.yaml:21:70: categories[0].items[0].terms[0].roster."
                  "below: \"many\" is not a decimal number\n");
    expect_errors(HEAD ITEM3
                  "          - {input: b, kind: count, per: 3, roster: "
                  "{name: r, below: 1, title: \"\"}}\n",
                  "t.yaml:21:80: categories[0].items[0].terms[0].roster."
                  "title: must not be empty\n");
}

/* A roster's optional title: what pages name it by. */
static void test_roster_title(void **state)
{
    (void)state;
    kh_err *e = kh_err_new();
    kh_rubric *r = NULL;
    const char *t = HEAD ITEM3
        "          - {input: b, kind: count, per: 3, roster: "
        "{name: r, below: 1, title: 学习强国积分}}\n";
    assert_int_equal(kh_rubric_load_mem("t.yaml", t, strlen(t), e, &r), KH_OK);
    const kh_term *b = kh_rubric_item_slot(r, 0, 0);
    assert_string_equal(kh_term_roster(b), "r");
    assert_string_equal(kh_term_roster_title(b), "学习强国积分");
    kh_rubric_free(r);
    kh_err_free(e);
}

static void test_term_kind(void **state)
{
    (void)state;
    expect_errors(HEAD ITEM3
                  "          - {input: a, kind: chek, points: 3}\n"
                  "          - {input: b, points: 3}\n",
                  "t.yaml:21:30: categories[0].items[0].terms[0].kind: unknown "
                  "term kind \"chek\" (expected check, count, deduct, choice, "
                  "judgement or group)\n"
                  "t.yaml:22:13: categories[0].items[0].terms[1]: missing key "
                  "\"kind\"\n");
}

static void test_empty_lists(void **state)
{
    (void)state;
    expect_errors("id: t\ntitle: T\nbase_max: 3\nbonus_max: 1\nbottom_n: 1\n"
                  "not_applicable: prorate\nkinds: []\nrankings: []\n"
                  "categories: []\n",
                  "t.yaml:7:8: kinds: must not be empty\n"
                  "t.yaml:9:13: categories: must not be empty\n");
}

static void test_nesting_limit(void **state)
{
    (void)state;
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_buf_puts(&b, HEAD ITEM3 "          - ");
    for (int i = 0; i < 20; i++)
        kh_buf_puts(&b, "{kind: group, max: 3, terms: [");
    kh_buf_puts(&b, "{input: x, kind: check, points: 3}");
    for (int i = 0; i < 20; i++)
        kh_buf_puts(&b, "]}");
    kh_buf_puts(&b, "\n");
    kh_status st;
    kh_rubric *r;
    char *got = load(kh_buf_str(&b), &st, &r);
    assert_int_equal(st, KH_EINVAL);
    assert_non_null(strstr(got, ": groups are nested more than 16 deep\n"));
    /* One error only: the rest of the term is not visited. */
    assert_ptr_equal(strchr(got, '\n'), got + strlen(got) - 1);
    free(got);
    kh_buf_free(&b);
}

static void test_many_errors(void **state)
{
    (void)state;
    /* Every error is reported, not only the first. */
    expect_errors(HEAD
                  "      - {id: \"1.1\", text: \"\", max: -3, terms: [{input: x,"
                  " kind: count, per: 0}]}\n"
                  "      - {id: \"1.2\", text: X, max: 3, terms: [{input: \"\","
                  " kind: count, per: 1, cap: 3}]}\n",
                  "t.yaml:17:27: categories[0].items[0].text: must not be "
                  "empty\n"
                  "t.yaml:17:36: categories[0].items[0].max: must be greater "
                  "than 0, not -3\n"
                  "t.yaml:17:77: categories[0].items[0].terms[0].per: must be "
                  "greater than 0, not 0\n"
                  "t.yaml:18:54: categories[0].items[1].terms[0].input: must "
                  "not be empty\n");
}

/* ---- warnings ------------------------------------------------------------- */

static void test_unreachable_warning(void **state)
{
    (void)state;
    kh_rubric *r = expect_ok(
        HEAD ITEM3 "          - {input: x, kind: choice, options: [{id: a, "
        "points: 1.5}, {id: b, points: 0}]}\n",
        "t.yaml:17:9: categories[0].items[0]: warning: item \"1.1\" max 3 "
        "cannot be reached by its terms (at most 1.5)\n");
    kh_rubric_free(r);
    r = expect_ok(
        HEAD ITEM3
        "          - {kind: group, max: 2, start: 0.5, terms: [{input: a, "
        "kind: deduct, per: 1}, {input: b, kind: check, points: -1}]}\n"
        "          - {input: c, kind: count, per: 1}\n",
        "t.yaml:21:13: categories[0].items[0].terms[0]: warning: group max 2 "
        "cannot be reached by its terms (at most 0.5)\n");
    kh_rubric_free(r);
    /* Reachable: a judgement, start plus deductions, a capped count. */
    r = expect_ok(HEAD ITEM3
                  "          - {input: a, kind: judgement, points: 1}\n"
                  "          - {kind: group, max: 1, start: 1, terms: [{input:"
                  " b, kind: deduct, per: 1}]}\n"
                  "          - {input: c, kind: count, per: 0.5, cap: 1}\n",
                  "");
    kh_rubric_free(r);
}

static void test_load_file_missing(void **state)
{
    (void)state;
    kh_err *e = kh_err_new();
    kh_rubric *r = (kh_rubric *)1;
    kh_status st = kh_rubric_load("tests/no/such/rubric.yaml", e, &r);
    assert_int_not_equal(st, KH_OK);
    assert_null(r);
    assert_true(kh_err_errors(e) >= 1);
    kh_err_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped),
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_show_json_roundtrip),
        cmocka_unit_test(test_show_json_escapes),
        cmocka_unit_test(test_valid_minimal),
        cmocka_unit_test(test_not_a_mapping),
        cmocka_unit_test(test_missing_key),
        cmocka_unit_test(test_unknown_key),
        cmocka_unit_test(test_duplicate_key),
        cmocka_unit_test(test_wrong_container),
        cmocka_unit_test(test_bad_slug),
        cmocka_unit_test(test_kind_id_rules),
        cmocka_unit_test(test_duplicate_category),
        cmocka_unit_test(test_duplicate_input),
        cmocka_unit_test(test_unknown_kind_refs),
        cmocka_unit_test(test_ranking_rules),
        cmocka_unit_test(test_not_applicable),
        cmocka_unit_test(test_decimals),
        cmocka_unit_test(test_positive_params),
        cmocka_unit_test(test_judgement_step),
        cmocka_unit_test(test_choice_rules),
        cmocka_unit_test(test_group_rules),
        cmocka_unit_test(test_item_start),
        cmocka_unit_test(test_category_sum),
        cmocka_unit_test(test_base_sum),
        cmocka_unit_test(test_bottom_n),
        cmocka_unit_test(test_roster_rules),
        cmocka_unit_test(test_roster_title),
        cmocka_unit_test(test_term_kind),
        cmocka_unit_test(test_empty_lists),
        cmocka_unit_test(test_nesting_limit),
        cmocka_unit_test(test_many_errors),
        cmocka_unit_test(test_unreachable_warning),
        cmocka_unit_test(test_load_file_missing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
