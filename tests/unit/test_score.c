/* Unit tests: scoring (kaohe/score.h; SCORING.md sections 3, 5, 6, 7):
 * every term kind and clamp, nested groups, start, prorating and raw,
 * rounding, bonus cap, negative and the floor, rosters, self_base,
 * missing items, branch means, competition ranks, the bottom rule and
 * the explanation text. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kaohe/assess.h"
#include "kaohe/score.h"
#include "kaohe/rubric.h"
#include "kaohe/error.h"

#include "small_rubric.h"

/* Nested groups, a judgement with its own step, a negative check. */
static const char NESTED[] =
    "id: n\n"
    "title: N\n"
    "base_max: 7\n"
    "bonus_max: 1\n"
    "bottom_n: 1\n"
    "not_applicable: raw\n"
    "kinds: [{id: k, name: K}]\n"
    "rankings: [{id: r, name: R, kind: k, level: unit}]\n"
    "categories:\n"
    "  - id: c\n"
    "    name: C\n"
    "    max: 7\n"
    "    items:\n"
    "      - id: n\n"
    "        text: x\n"
    "        max: 7\n"
    "        start: 1\n"
    "        terms:\n"
    "          - kind: group\n"
    "            label: 外层\n"
    "            max: 6\n"
    "            start: 3\n"
    "            terms:\n"
    "              - {input: a, kind: count, label: 甲, per: 2}\n"
    "              - kind: group\n"
    "                max: 2\n"
    "                start: 2\n"
    "                terms:\n"
    "                  - {input: b, kind: deduct, label: 乙, per: 0.75}\n"
    "              - {input: c, kind: judgement, label: 丙, points: 2, step: 0.25}\n"
    "          - {input: d, kind: check, label: 丁, points: -2}\n";

static kh_rubric *rubric_text(const char *text)
{
    kh_err *e = kh_err_new();
    kh_rubric *r = NULL;
    kh_status st = kh_rubric_load_mem("r.yaml", text, strlen(text), e, &r);
    for (size_t i = 0; i < kh_err_count(e); i++) {
        char *m = kh_err_format(e, i);
        fprintf(stderr, "rubric: %s\n", m);
        free(m);
    }
    assert_int_equal(st, KH_OK);
    assert_int_equal(kh_err_count(e), 0);
    kh_err_free(e);
    return r;
}

static kh_rubric *rubric_mode(const char *mode)
{
    return small_rubric(mode);
}

static kh_rubric *rubric(void)
{
    return rubric_mode("prorate");
}

static void dump(const kh_err *e)
{
    for (size_t i = 0; i < kh_err_count(e); i++) {
        char *m = kh_err_format(e, i);
        fprintf(stderr, "  got: %s\n", m);
        free(m);
    }
}

static kh_assess *load(const kh_rubric *r, const char *yaml)
{
    kh_err *e = kh_err_new();
    kh_assess *a = NULL;
    kh_status st = kh_assess_load_mem(r, "a.yaml", yaml, strlen(yaml), e, &a);
    if (st != KH_OK || kh_err_count(e))
        dump(e);
    assert_int_equal(st, KH_OK);
    assert_int_equal(kh_err_count(e), 0);
    kh_err_free(e);
    return a;
}

static kh_result *score(const kh_assess *a, unsigned flags)
{
    kh_err *e = kh_err_new();
    kh_result *res = NULL;
    kh_status st = kh_score(a, flags, e, &res);
    if (st != KH_OK)
        dump(e);
    assert_int_equal(st, KH_OK);
    assert_non_null(res);
    kh_err_free(e);
    return res;
}

/* The score of one item of unit "u" (kind k) from one entry's inputs. */
static kh_cp item_with(const kh_rubric *r, const char *kind, const char *item,
                       const char *inputs, const char *extra)
{
    char yaml[2048];
    snprintf(yaml, sizeof yaml,
             "year: 2025\n"
             "units: [{id: u, name: U, kind: %s}]\n"
             "entries:\n"
             "  - {unit: u, item: \"%s\", phase: inspection, inputs: %s,\n"
             "     note: n}\n"
             "%s",
             kind, item, inputs, extra ? extra : "");
    kh_assess *a = load(r, yaml);
    int i = kh_rubric_item_find(r, item);
    assert_true(i >= 0);
    kh_cp v = kh_score_item(a, 0, (size_t)i, KH_PHASE_INSPECTION);
    /* The explanation computes the same value on its own: the only entry
     * makes its category's subtotal. */
    kh_buf b;
    kh_buf_init(&b, 0);
    assert_int_equal(kh_explain(a, 0, KH_PHASE_INSPECTION, &b), KH_OK);
    char want[64], num[KH_NUM_BUFSZ];
    kh_num_format(v, num);
    snprintf(want, sizeof want, "  小计 %s（满分", num);
    if (!strstr(kh_buf_str(&b), want))
        fprintf(stderr, "%s\n", kh_buf_str(&b));
    assert_non_null(strstr(kh_buf_str(&b), want));
    kh_buf_free(&b);
    kh_assess_free(a);
    return v;
}

#define ITEM(item, inputs) item_with(r, "faculty", item, inputs, NULL)

/* ---- section 3: terms ------------------------------------------------ */

static void test_check(void **state)
{
    (void)state;
    kh_rubric *r = rubric();
    assert_int_equal(ITEM("1.1", "{doc: true}"), 300);
    assert_int_equal(ITEM("1.1", "{doc: false}"), 0);
    assert_int_equal(ITEM("1.1", "{}"), 0);         /* missing = false */
    kh_rubric_free(r);
}

static void test_choice(void **state)
{
    (void)state;
    kh_rubric *r = rubric();
    assert_int_equal(ITEM("1.2", "{report: on_time}"), 200);
    assert_int_equal(ITEM("1.2", "{report: late}"), 150);
    assert_int_equal(ITEM("1.2", "{report: none}"), 0);
    kh_rubric_free(r);
}

static void test_count_and_clamp(void **state)
{
    (void)state;
    kh_rubric *r = rubric();
    assert_int_equal(ITEM("1.3", "{meetings: 2, proofs: 3}"), 500);
    assert_int_equal(ITEM("1.3", "{meetings: 2, proofs: 5}"), 600); /* max */
    assert_int_equal(ITEM("1.3", "{meetings: 4}"), 400);  /* missing = 0 */
    assert_int_equal(ITEM("1.3", "{}"), 0);
    assert_int_equal(ITEM("1.3", "{meetings: 999999999999}"), 600);
    kh_rubric_free(r);
}

static void test_judgement(void **state)
{
    (void)state;
    kh_rubric *r = rubric();
    assert_int_equal(ITEM("2.1", "{rating: 4}"), 400);
    assert_int_equal(ITEM("2.1", "{rating: 3.5}"), 350);
    assert_int_equal(ITEM("2.1", "{rating: 0}"), 0);
    kh_rubric_free(r);
}

static void test_group_deduct_and_cap(void **state)
{
    (void)state;
    kh_rubric *r = rubric();
    /* group: clamp(2 - 0.5n, 0, 2); count: min(3, n) */
    assert_int_equal(ITEM("2.2", "{xuexi_below: 0, activities: 3}"), 500);
    assert_int_equal(ITEM("2.2", "{xuexi_below: 3, activities: 4}"), 350);
    assert_int_equal(ITEM("2.2", "{xuexi_below: 9, activities: 1}"), 100);
    assert_int_equal(ITEM("2.2", "{}"), 200);
    kh_rubric_free(r);
}

static void test_start_and_floor(void **state)
{
    (void)state;
    kh_rubric *r = rubric();
    /* start 4; check -1; deduct 1 each; never below 0 */
    assert_int_equal(ITEM("2.3", "{}"), 400);
    assert_int_equal(ITEM("2.3", "{no_advisor: true}"), 300);
    assert_int_equal(ITEM("2.3", "{no_advisor: true, violations: 2}"), 100);
    assert_int_equal(ITEM("2.3", "{no_advisor: true, violations: 9}"), 0);
    assert_int_equal(ITEM("2.3", "{violations: 4}"), 0);
    kh_rubric_free(r);
}

static void test_nested_groups(void **state)
{
    (void)state;
    kh_rubric *r = rubric_text(NESTED);
    /* item = clamp(1 + outer + d, 0, 7)
     * outer = clamp(3 + 2a + inner + c, 0, 6); inner = clamp(2 - .75b, 0, 2) */
#define N(inputs) item_with(r, "k", "n", inputs, NULL)
    assert_int_equal(N("{c: 0}"), 600);                     /* 1+3+2 */
    assert_int_equal(N("{b: 1, c: 0.25}"), 550);            /* 1+3+1.25+.25 */
    assert_int_equal(N("{b: 4, c: 0, d: true}"), 200);      /* 1+3+0-2 */
    assert_int_equal(N("{a: 1, b: 1, c: 1.25}"), 700);      /* outer 6 */
    assert_int_equal(N("{a: 1, b: 1, c: 1.25, d: true}"), 500);
    assert_int_equal(N("{a: 0, b: 2, c: 0.75, d: true}"), 325); /* 1+4.25-2 */
#undef N
    kh_rubric_free(r);
}

/* ---- section 6: rosters ---------------------------------------------- */

static void test_rosters(void **state)
{
    (void)state;
    kh_rubric *r = rubric();
    /* 4999.99 is below 5000; 5000 passes; the roster replaces the input
     * (which the entry then must not give). */
    const char *roster =
        "rosters:\n"
        "  - {unit: u, roster: xuexi, people: [{name: a, value: 5000},\n"
        "     {name: b, value: 4999.99}, {name: c, value: 0},\n"
        "     {name: d, value: 12000}]}\n";
    assert_int_equal(item_with(r, "faculty", "2.2", "{activities: 1}", roster),
                     200);   /* 2 - 2*0.5 + 1 */
    const char *empty = "rosters: [{unit: u, roster: xuexi, people: []}]\n";
    assert_int_equal(item_with(r, "faculty", "2.2", "{activities: 1}", empty),
                     300);
    /* Without a roster the entry's input counts. */
    assert_int_equal(item_with(r, "faculty", "2.2",
                               "{xuexi_below: 1, activities: 1}", NULL),
                     250);
    kh_rubric_free(r);
}

/* ---- section 5: a unit's score --------------------------------------- */

/* Full inspection entries for unit id with the given inputs. */
static void full(char *out, size_t size, const char *id, bool faculty,
                 const char *phase, const char *r13, const char *r21)
{
    snprintf(out, size,
             "  - {unit: %s, item: \"1.1\", phase: %s, inputs: {doc: true}}\n"
             "  - {unit: %s, item: \"1.2\", phase: %s, inputs: {report: late}}\n"
             "  - {unit: %s, item: \"1.3\", phase: %s, inputs: %s}\n"
             "%s%s%s%s%s"
             "  - {unit: %s, item: \"2.1\", phase: %s, inputs: {rating: %s}, note: n}\n"
             "  - {unit: %s, item: \"2.2\", phase: %s, inputs: {activities: 2}}\n"
             "  - {unit: %s, item: \"2.3\", phase: %s, inputs: {}}\n",
             id, phase, id, phase, id, phase, r13,
             faculty ? "  - {unit: " : "", faculty ? id : "",
             faculty ? ", item: \"1.4\", phase: " : "", faculty ? phase : "",
             faculty ? ", inputs: {lectures: true}}\n" : "",
             id, phase, r21, id, phase, id, phase);
}

static void test_unit_prorate(void **state)
{
    (void)state;
    kh_rubric *r = rubric();
    char y[8192], e1[1024], e2[1024], e3[1024];
    /* office: 3 + 1.5 + 4 + 2.5 + 4 + 4 = 19 of 24 -> 19*27/24 = 21.375
     * -> 21.38 (half away from zero) */
    full(e1, sizeof e1, "dbgs", false, "inspection", "{meetings: 4}", "2.5");
    full(e2, sizeof e2, "dbgs", false, "self", "{meetings: 6}", "4");
    /* faculty: 3 + 1.5 + 6 + 3 + 4 + 4 + 4 = 25.5 of 27 */
    full(e3, sizeof e3, "jd", true, "inspection", "{meetings: 6}", "4");
    snprintf(y, sizeof y,
             "year: 2025\n"
             "units:\n"
             "  - {id: dbgs, name: 党办, kind: office}\n"
             "  - {id: jd, name: 机电系, kind: faculty}\n"
             "entries:\n%s%s%s", e1, e2, e3);
    kh_assess *a = load(r, y);
    kh_result *res = score(a, 0);
    assert_int_equal(kh_result_unit_count(res), 2);
    assert_int_equal(kh_result_raw_base(res, 0), 1900);
    assert_int_equal(kh_result_applicable_max(res, 0), 2400);
    assert_int_equal(kh_result_base(res, 0), 2138);
    assert_int_equal(kh_result_total(res, 0), 2138);
    assert_false(kh_result_item_applies(res, 0, 3));
    assert_int_equal(kh_result_item(res, 0, 3), 0);
    assert_int_equal(kh_result_item(res, 0, 2), 400);
    kh_cp c = -1;
    assert_true(kh_result_category(res, 0, 0, &c));
    assert_int_equal(c, 850);
    assert_true(kh_result_category(res, 0, 1, &c));
    assert_int_equal(c, 1050);
    /* self: 3 + 1.5 + 6 + 4 + 4 + 4 = 22.5 of 24 -> 25.3125 -> 25.31 */
    kh_cp sb = 0;
    assert_true(kh_result_self_base(res, 0, &sb));
    assert_int_equal(sb, 2531);
    /* jd has no self entries: self_base is null */
    assert_false(kh_result_self_base(res, 1, &sb));
    assert_int_equal(kh_result_raw_base(res, 1), 2550);
    assert_int_equal(kh_result_applicable_max(res, 1), 2700);
    assert_int_equal(kh_result_base(res, 1), 2550);
    assert_int_equal(kh_result_missing_count(res, 0), 0);
    kh_result_free(res);
    kh_assess_free(a);
    kh_rubric_free(r);

    /* raw: no prorating */
    r = rubric_mode("raw");
    a = load(r, y);
    res = score(a, 0);
    assert_int_equal(kh_result_base(res, 0), 1900);
    assert_true(kh_result_self_base(res, 0, &sb));
    assert_int_equal(sb, 2250);
    kh_result_free(res);
    kh_assess_free(a);
    kh_rubric_free(r);
}

/* SCORING.md's example: an office with 85.5 of 94 under the shipped
 * rubric is 85.5 * 100 / 94 = 90.957... -> 90.96. */
static void test_shipped_rounding(void **state)
{
    (void)state;
    kh_err *e = kh_err_new();
    kh_rubric *r = NULL;
    assert_int_equal(kh_rubric_load("rubrics/ideology-2020.yaml", e, &r),
                     KH_OK);
    kh_err_free(e);
    /* Full marks (94) but 4.3 (5) has 5 violations and 2.1 half its grid
     * (2): 94 - 5 - 2 = 87; 1.2 late (-0.5) and 2.2 at 3 (-1): 85.5. */
    kh_buf y;
    kh_buf_init(&y, 0);
    kh_buf_puts(&y, "year: 2025\nunits: [{id: zzb, name: 组织部, kind: office}]\n"
                    "entries:\n");
    const char *items[][2] = {
        {"1.1", "{documents: true}"},
        {"1.2", "{report: late}"},
        {"1.3", "{meetings: 3, proofs: 3}"},
        {"1.4", "{plan: true, proofs: true}"},
        {"1.5", "{meetings: true, report: true, on_time: true}"},
        {"1.6", "{meetings: true, report: true}"},
        {"2.1", "{grid: true}"},
        {"2.2", "{rating: 3}"},
        {"2.3", "{rating: 2}"},
        {"3.1", "{rating: 5}"},
        {"3.2", "{activities: 3}"},
        {"3.3", "{reports: 5}"},
        {"3.4", "{civility: true, culture_project: true, brand: true}"},
        {"3.5", "{plans: true, projects: true}"},
        {"4.1", "{rating: 4}"},
        {"4.2", "{rating: 4}"},
        {"4.3", "{violations: 5}"},
        {"4.4", "{}"},
        {"4.5", "{rating: 5}"},
        {"4.6", "{}"},
        {"4.7", "{rating: 4}"},
        {"5.1", "{rating: 4}"},
        {"5.2", "{rating: 2}"},
        {"5.3", "{rating: 4}"},
    };
    for (size_t i = 0; i < sizeof items / sizeof *items; i++)
        kh_buf_printf(&y, "  - {unit: zzb, item: \"%s\", phase: inspection, "
                          "inputs: %s%s}\n", items[i][0], items[i][1],
                      strstr(items[i][1], "rating") ? ", note: 扣分说明" : "");
    kh_assess *a = load(r, kh_buf_str(&y));
    kh_result *res = score(a, 0);
    assert_int_equal(kh_result_raw_base(res, 0), 8550);
    assert_int_equal(kh_result_applicable_max(res, 0), 9400);
    assert_int_equal(kh_result_base(res, 0), 9096);
    kh_buf ex;
    kh_buf_init(&ex, 0);
    assert_int_equal(kh_explain(a, 0, KH_PHASE_INSPECTION, &ex), KH_OK);
    assert_non_null(strstr(kh_buf_str(&ex),
                           "按适用满分折算：85.5 × 100 / 94 = 90.96\n"));
    assert_non_null(strstr(kh_buf_str(&ex), "  1.2 迟报 1.5\n"));
    assert_non_null(strstr(kh_buf_str(&ex),
                           "\n  3.2 学习强国年度积分不足5000分的人数 起评 2 − "
                           "0×0.5 = 2；相关主题活动 3×1 = 3；合计 5\n"));
    assert_non_null(strstr(kh_buf_str(&ex),
                           "\n  2.2 第一责任人履责情况 评分 3（理由：扣分说明）\n"));
    assert_non_null(strstr(kh_buf_str(&ex), "\n  1.7 不适用\n"));
    kh_buf_free(&ex);
    kh_buf_free(&y);
    kh_result_free(res);
    kh_assess_free(a);
    kh_rubric_free(r);
}

static void test_bonus_negative(void **state)
{
    (void)state;
    kh_rubric *r = rubric();
    char y[8192], e1[1024], e2[1024];
    full(e1, sizeof e1, "a", false, "inspection", "{meetings: 6}", "4");
    full(e2, sizeof e2, "b", false, "inspection", "{}", "0");
    /* a: 3+1.5+6+4+4+4 = 22.5 of 24 -> 25.3125 -> 25.31; bonus 3 + 4
     * capped at 5; negative 1 + 2.5 (no cap): 25.31 + 5 - 3.5 = 26.81.
     * b: 3+1.5+0+0+4+4 = 12.5 -> 14.0625 -> 14.06; + 0.5 - 30: floor 0 */
    snprintf(y, sizeof y,
             "year: 2025\n"
             "units:\n"
             "  - {id: a, name: A, kind: office}\n"
             "  - {id: b, name: B, kind: office}\n"
             "entries:\n%s%s"
             "bonus:\n"
             "  - {unit: a, points: 3, reason: r1}\n"
             "  - {unit: a, points: 4, reason: r2}\n"
             "  - {unit: b, points: 0.5, reason: r3}\n"
             "negative:\n"
             "  - {unit: a, points: 1, reason: n1}\n"
             "  - {unit: a, points: 2.5, reason: n2}\n"
             "  - {unit: b, points: 30, reason: n3}\n", e1, e2);
    kh_assess *a = load(r, y);
    kh_result *res = score(a, 0);
    assert_int_equal(kh_result_base(res, 0), 2531);
    assert_int_equal(kh_result_bonus(res, 0), 500);
    assert_int_equal(kh_result_negative(res, 0), 350);
    assert_int_equal(kh_result_total(res, 0), 2681);
    assert_int_equal(kh_result_raw_base(res, 1), 1250);
    assert_int_equal(kh_result_base(res, 1), 1406);
    assert_int_equal(kh_result_bonus(res, 1), 50);
    assert_int_equal(kh_result_negative(res, 1), 3000);
    assert_int_equal(kh_result_total(res, 1), 0);
    kh_result_free(res);
    kh_assess_free(a);
    kh_rubric_free(r);
}

/* ---- missing items ---------------------------------------------------- */

static void test_missing(void **state)
{
    (void)state;
    kh_rubric *r = rubric();
    kh_assess *a = load(r,
        "year: 2025\n"
        "units:\n"
        "  - {id: jd, name: 机电系, kind: faculty}\n"
        "  - {id: dbgs, name: 党办, kind: office}\n"
        "entries:\n"
        "  - {unit: jd, item: \"1.1\", phase: inspection, inputs: {doc: true}}\n"
        "  - {unit: jd, item: \"1.3\", phase: self, inputs: {meetings: 1}}\n"
        "  - {unit: dbgs, item: \"2.3\", phase: inspection, inputs: {}}\n");
    kh_err *e = kh_err_new();
    kh_result *res = (kh_result *)1;
    assert_int_equal(kh_score(a, 0, e, &res), KH_EINVAL);
    assert_null(res);
    /* Every missing (unit, item) pair, at the unit's record. */
    static const char *const want[] = {
        "a.yaml:3:5: units[0]: unit \"jd\" has no inspection entry for item \"1.2\"",
        "a.yaml:3:5: units[0]: unit \"jd\" has no inspection entry for item \"1.3\"",
        "a.yaml:3:5: units[0]: unit \"jd\" has no inspection entry for item \"1.4\"",
        "a.yaml:3:5: units[0]: unit \"jd\" has no inspection entry for item \"2.1\"",
        "a.yaml:3:5: units[0]: unit \"jd\" has no inspection entry for item \"2.2\"",
        "a.yaml:3:5: units[0]: unit \"jd\" has no inspection entry for item \"2.3\"",
        "a.yaml:4:5: units[1]: unit \"dbgs\" has no inspection entry for item \"1.1\"",
        "a.yaml:4:5: units[1]: unit \"dbgs\" has no inspection entry for item \"1.2\"",
        "a.yaml:4:5: units[1]: unit \"dbgs\" has no inspection entry for item \"1.3\"",
        "a.yaml:4:5: units[1]: unit \"dbgs\" has no inspection entry for item \"2.1\"",
        "a.yaml:4:5: units[1]: unit \"dbgs\" has no inspection entry for item \"2.2\"",
    };
    size_t n = sizeof want / sizeof *want;
    if (kh_err_count(e) != n)
        dump(e);
    assert_int_equal(kh_err_count(e), n);
    for (size_t i = 0; i < n; i++) {
        char *m = kh_err_format(e, i);
        assert_string_equal(m, want[i]);
        free(m);
    }
    kh_err_free(e);

    /* Allowed: missing items score 0 and are listed. */
    res = score(a, KH_SCORE_ALLOW_MISSING);
    assert_int_equal(kh_result_missing_count(res, 0), 6);
    assert_int_equal(kh_result_missing_item(res, 0, 0), 1);
    assert_int_equal(kh_result_missing_item(res, 0, 5), 6);
    assert_int_equal(kh_result_missing_count(res, 1), 5);
    assert_int_equal(kh_result_missing_item(res, 1, 4), 5);
    assert_int_equal(kh_result_raw_base(res, 0), 300);
    assert_int_equal(kh_result_base(res, 0), 300);
    assert_int_equal(kh_result_raw_base(res, 1), 400);
    assert_int_equal(kh_result_base(res, 1), 450);   /* 4 * 27 / 24 */
    kh_cp sb;
    assert_false(kh_result_self_base(res, 0, &sb));
    kh_result_free(res);
    kh_assess_free(a);
    kh_rubric_free(r);
}

/* ---- section 7: branches and rankings --------------------------------- */

/* Units whose totals are set exactly: no entries (scored with
 * KH_SCORE_ALLOW_MISSING, so the base is 0) plus a bonus (<= 5). */
static kh_assess *ranked(const kh_rubric *r, const char *units,
                         const char *bonus)
{
    kh_buf y;
    kh_buf_init(&y, 0);
    kh_buf_printf(&y, "year: 2025\nunits:\n%sbonus:\n%s", units, bonus);
    kh_err *e = kh_err_new();
    kh_assess *a = NULL;
    assert_int_equal(kh_assess_load_mem(r, "a.yaml", kh_buf_str(&y), y.len, e,
                                        &a), KH_OK);
    kh_err_free(e);
    kh_buf_free(&y);
    return a;
}

static void check_rows(const kh_result *res, size_t ranking,
                       const char *const *ids, const unsigned *ranks,
                       const bool *bottom, const kh_cp *scores, size_t n)
{
    assert_int_equal(kh_result_ranking_rows(res, ranking), n);
    for (size_t i = 0; i < n; i++) {
        const kh_rank_row *row = kh_result_ranking_row(res, ranking, i);
        assert_non_null(row);
        assert_string_equal(row->id, ids[i]);
        assert_int_equal(row->rank, ranks[i]);
        assert_int_equal(row->bottom, bottom[i]);
        assert_int_equal(row->score, scores[i]);
    }
    assert_null(kh_result_ranking_row(res, ranking, n));
}

static void test_branches_and_ranks(void **state)
{
    (void)state;
    kh_rubric *r = rubric();
    /* Faculty branches: f1 {a 3, b 2.25} -> 2.625 -> 2.63; f2 {c 1} -> 1;
     * f0 {d 4, e 1.25} -> 2.63; g {g 0.01} (own branch).  Offices rank
     * by unit: o1 5, o2 5, o3 2, o4 1, o5 1. */
    kh_assess *a = ranked(r,
        "  - {id: a, name: A, kind: faculty, branch: f1}\n"
        "  - {id: o2, name: O2, kind: office}\n"
        "  - {id: b, name: B, kind: faculty, branch: f1}\n"
        "  - {id: c, name: C, kind: faculty, branch: f2}\n"
        "  - {id: o1, name: O1, kind: office}\n"
        "  - {id: d, name: D, kind: faculty, branch: f0}\n"
        "  - {id: e, name: E, kind: faculty, branch: f0}\n"
        "  - {id: o5, name: O5, kind: office}\n"
        "  - {id: o4, name: O4, kind: office}\n"
        "  - {id: o3, name: O3, kind: office}\n"
        "  - {id: g, name: G, kind: faculty}\n",
        "  - {unit: a, points: 3, reason: x}\n"
        "  - {unit: b, points: 2.25, reason: x}\n"
        "  - {unit: c, points: 1, reason: x}\n"
        "  - {unit: d, points: 4, reason: x}\n"
        "  - {unit: e, points: 1.25, reason: x}\n"
        "  - {unit: g, points: 0.01, reason: x}\n"
        "  - {unit: o1, points: 5, reason: x}\n"
        "  - {unit: o2, points: 5, reason: x}\n"
        "  - {unit: o3, points: 2, reason: x}\n"
        "  - {unit: o4, points: 1, reason: x}\n"
        "  - {unit: o5, points: 1, reason: x}\n");
    kh_result *res = score(a, KH_SCORE_ALLOW_MISSING);
    assert_ptr_equal(kh_result_assess(res), a);
    /* Branches by id: f0 f1 f2 g o1..o5 */
    static const char *const bids[] = {"f0", "f1", "f2", "g", "o1", "o2",
                                       "o3", "o4", "o5"};
    assert_int_equal(kh_result_branch_count(res), 9);
    for (size_t k = 0; k < 9; k++)
        assert_string_equal(kh_assess_branch_id(a, kh_result_branch(res, k)),
                            bids[k]);
    assert_int_equal(kh_result_branch_score(res, 0), 263);
    assert_int_equal(kh_result_branch_score(res, 1), 263);
    assert_int_equal(kh_result_branch_score(res, 2), 100);
    assert_int_equal(kh_result_branch_unit_count(res, 1), 2);
    assert_string_equal(kh_assess_unit_id(a, kh_result_branch_unit(res, 1, 0)), "a");
    assert_string_equal(kh_assess_unit_id(a, kh_result_branch_unit(res, 1, 1)), "b");
    assert_int_equal(kh_result_branch_kind(res, 0), 0);
    assert_int_equal(kh_result_branch_kind(res, 4), 1);

    /* Faculty ranking by branch: f0 2.63, f1 2.63 (tie: id order), f2 1,
     * g 0.01.  bottom_n 2: f2 and g have < 2 below them. */
    {
        static const char *const ids[] = {"f0", "f1", "f2", "g"};
        static const unsigned rk[] = {1, 1, 3, 4};
        static const bool bt[] = {false, false, true, true};
        static const kh_cp sc[] = {263, 263, 100, 1};
        check_rows(res, 0, ids, rk, bt, sc, 4);
        assert_string_equal(kh_result_ranking_row(res, 0, 3)->name, "G");
        assert_string_equal(kh_result_ranking_row(res, 0, 0)->name, "f0");
    }
    /* Office ranking by unit: o1 5, o2 5, o3 2, o4 1, o5 1: the tie at
     * the bottom edge flags o4 and o5 (nothing below them), o3 too (2
     * below it is not fewer than 2: not flagged). */
    {
        static const char *const ids[] = {"o1", "o2", "o3", "o4", "o5"};
        static const unsigned rk[] = {1, 1, 3, 4, 4};
        static const bool bt[] = {false, false, false, true, true};
        static const kh_cp sc[] = {500, 500, 200, 100, 100};
        check_rows(res, 1, ids, rk, bt, sc, 5);
        assert_int_equal(kh_result_ranking_row(res, 1, 2)->ref,
                         (size_t)kh_assess_unit_find(a, "o3"));
    }
    kh_result_free(res);
    kh_assess_free(a);

    /* A tie reaching over the edge: 3, 2, 2, 2 with bottom_n 2 flags all
     * three 2s (none has 2 below it). */
    a = ranked(r,
        "  - {id: p, name: P, kind: office}\n"
        "  - {id: q, name: Q, kind: office}\n"
        "  - {id: s, name: S, kind: office}\n"
        "  - {id: t, name: T, kind: office}\n",
        "  - {unit: p, points: 3, reason: x}\n"
        "  - {unit: q, points: 2, reason: x}\n"
        "  - {unit: s, points: 2, reason: x}\n"
        "  - {unit: t, points: 2, reason: x}\n");
    res = score(a, KH_SCORE_ALLOW_MISSING);
    {
        static const char *const ids[] = {"p", "q", "s", "t"};
        static const unsigned rk[] = {1, 2, 2, 2};
        static const bool bt[] = {false, true, true, true};
        static const kh_cp sc[] = {300, 200, 200, 200};
        check_rows(res, 1, ids, rk, bt, sc, 4);
    }
    assert_int_equal(kh_result_ranking_rows(res, 0), 0);
    kh_result_free(res);
    kh_assess_free(a);

    /* A list of bottom_n entries or fewer: every entry is flagged. */
    a = ranked(r,
        "  - {id: p, name: P, kind: office}\n"
        "  - {id: q, name: Q, kind: office}\n",
        "  - {unit: p, points: 3, reason: x}\n");
    res = score(a, KH_SCORE_ALLOW_MISSING);
    {
        static const char *const ids[] = {"p", "q"};
        static const unsigned rk[] = {1, 2};
        static const bool bt[] = {true, true};
        static const kh_cp sc[] = {300, 0};
        check_rows(res, 1, ids, rk, bt, sc, 2);
    }
    kh_result_free(res);
    kh_assess_free(a);
    kh_rubric_free(r);
}

/* Branch means round half away from zero; names follow DESIGN.md. */
static void test_branch_mean_rounding(void **state)
{
    (void)state;
    kh_rubric *r = rubric();
    kh_assess *a = ranked(r,
        "  - {id: x1, name: X1, kind: office, branch: m}\n"
        "  - {id: x2, name: X2, kind: office, branch: m}\n"
        "  - {id: x3, name: X3, kind: office, branch: m}\n"
        "  - {id: y1, name: Y1, kind: office, branch: n}\n",
        "  - {unit: x1, points: 0.01, reason: x}\n"
        "  - {unit: x2, points: 0.01, reason: x}\n"
        "  - {unit: x3, points: 0.03, reason: x}\n"
        "  - {unit: y1, points: 1, reason: x}\n");
    kh_result *res = score(a, KH_SCORE_ALLOW_MISSING);
    assert_int_equal(kh_result_branch_count(res), 2);
    /* (1 + 1 + 3) / 3 = 1.67 hundredths -> 2 */
    assert_int_equal(kh_result_branch_score(res, 0), 2);
    assert_string_equal(kh_assess_branch_name(a, kh_result_branch(res, 0)), "m");
    assert_string_equal(kh_assess_branch_name(a, kh_result_branch(res, 1)), "Y1");
    kh_result_free(res);
    kh_assess_free(a);

    a = ranked(r,
        "  - {id: x1, name: X1, kind: office, branch: m}\n"
        "  - {id: x2, name: X2, kind: office, branch: m}\n",
        "  - {unit: x1, points: 0.01, reason: x}\n"
        "  - {unit: x2, points: 0.02, reason: x}\n");
    res = score(a, KH_SCORE_ALLOW_MISSING);
    assert_int_equal(kh_result_branch_score(res, 0), 2);   /* 1.5 -> 2 */
    kh_result_free(res);
    kh_assess_free(a);
    kh_rubric_free(r);
}

/* ---- the explanation -------------------------------------------------- */

static void test_explain(void **state)
{
    (void)state;
    kh_rubric *r = rubric();
    kh_assess *a = load(r,
        "year: 2025\n"
        "units:\n"
        "  - {id: dbgs, name: 党办, kind: office}\n"
        "entries:\n"
        "  - {unit: dbgs, item: \"1.1\", phase: inspection, inputs: {doc: true}}\n"
        "  - {unit: dbgs, item: \"1.2\", phase: inspection, inputs: {report: late}}\n"
        "  - {unit: dbgs, item: \"1.3\", phase: inspection,\n"
        "     inputs: {meetings: 2, proofs: 5}, note: 上半年2次}\n"
        "  - {unit: dbgs, item: \"2.1\", phase: inspection, inputs: {rating: 3.5},\n"
        "     note: 报告不全}\n"
        "  - {unit: dbgs, item: \"2.2\", phase: inspection, inputs: {activities: 4}}\n"
        "  - {unit: dbgs, item: \"2.3\", phase: inspection,\n"
        "     inputs: {no_advisor: true, violations: 1}}\n"
        "  - {unit: dbgs, item: \"1.1\", phase: self, inputs: {doc: false}}\n"
        "rosters:\n"
        "  - {unit: dbgs, roster: xuexi, people: [{name: 张三, value: 5230},\n"
        "     {name: 李四, value: 4100}, {name: 王五, value: 5000},\n"
        "     {name: 赵六, value: 0}, {name: 钱七, value: 4999.5}]}\n"
        "bonus:\n"
        "  - {unit: dbgs, points: 2, reason: 经验入选市级精品项目}\n"
        "  - {unit: dbgs, points: 4, reason: 市级表彰}\n"
        "negative:\n"
        "  - {unit: dbgs, points: 3, reason: 第十七条第(二)项}\n");
    kh_buf b;
    kh_buf_init(&b, 0);
    assert_int_equal(kh_explain(a, 0, KH_PHASE_INSPECTION, &b), KH_OK);
    /* 3 + 1.5 + 6 + 3.5 + (0.5 + 3) + 2 = 19.5 of 24 -> 21.94 */
    assert_string_equal(kh_buf_str(&b),
        "党办考核得分\n"
        "1 体制\n"
        "  1.1 印证文件 ✓ 3\n"
        "  1.2 迟报 1.5\n"
        "  1.3 相关会议记录 2×1 + 相关印证材料 5×1 = 7 → 上限 6（说明：上半年2次）\n"
        "  1.4 不适用\n"
        "  小计 10.5（满分 11）\n"
        "2 引领\n"
        "  2.1 履责 评分 3.5（理由：报告不全）\n"
        "  2.2 积分不足5000分的人数 起评 2 − 3×0.5 = 0.5；主题活动 4×1 = 4 → 上限 3；合计 3.5\n"
        "      考核要点 2.2 名单（5 人）低于 5000 的 3 人：李四 4100、赵六 0、钱七 4999.5\n"
        "  2.3 起评 4 − 无指导教师 ✓ 1 − 违规现象 1×1 = 2\n"
        "  小计 9（满分 13）\n"
        "基础分 19.5（适用满分 24）\n"
        "按适用满分折算：19.5 × 27 / 24 = 21.94\n"
        "特色加分：经验入选市级精品项目 2；市级表彰 4；合计 6 → 上限 5\n"
        "负面清单：第十七条第(二)项 3；合计 3\n"
        "总分：21.94 + 5 − 3 = 23.94\n");
    kh_result *res = score(a, 0);
    assert_int_equal(kh_result_total(res, 0), 2394);
    assert_int_equal(kh_result_item(res, 0, 5), 350);
    kh_result_free(res);

    kh_buf_reset(&b);
    assert_int_equal(kh_explain(a, 0, KH_PHASE_SELF, &b), KH_OK);
    assert_string_equal(kh_buf_str(&b),
        "党办自评得分\n"
        "1 体制\n"
        "  1.1 印证文件 ✗ 0\n"
        "  1.2 缺少自评记录，计 0 分\n"
        "  1.3 缺少自评记录，计 0 分\n"
        "  1.4 不适用\n"
        "  小计 0（满分 11）\n"
        "2 引领\n"
        "  2.1 缺少自评记录，计 0 分\n"
        "  2.2 缺少自评记录，计 0 分\n"
        "  2.3 缺少自评记录，计 0 分\n"
        "  小计 0（满分 13）\n"
        "基础分 0（适用满分 24）\n"
        "按适用满分折算：0 × 27 / 24 = 0\n"
        "自评基础分：无（缺少自评记录：1.2、1.3、2.1、2.2、2.3）\n");
    assert_int_equal(kh_explain(a, 7, KH_PHASE_SELF, &b), KH_EINVAL);
    kh_buf_free(&b);
    kh_assess_free(a);
    kh_rubric_free(r);
}

static void test_explain_nested_and_floor(void **state)
{
    (void)state;
    kh_rubric *r = rubric_text(NESTED);
    kh_assess *a = load(r,
        "year: 2025\n"
        "units: [{id: u, name: U, kind: k}]\n"
        "entries:\n"
        "  - {unit: u, item: n, phase: inspection, inputs: {a: 1, b: 4, c: 1.75,\n"
        "     d: true}, note: 理由}\n"
        "negative: [{unit: u, points: 9, reason: 严重}]\n");
    kh_buf b;
    kh_buf_init(&b, 0);
    assert_int_equal(kh_explain(a, 0, KH_PHASE_INSPECTION, &b), KH_OK);
    /* outer 3 + 2 + 0 + 1.75 = 6.75 -> 6; item 1 + 6 - 2 = 5 */
    assert_string_equal(kh_buf_str(&b),
        "U考核得分\n"
        "c C\n"
        "  n 起评 1；外层 起评 3 + 甲 1×2 + （乙 起评 2 − 4×0.75 = -1 → 下限 0）"
        " + 丙 评分 1.75（理由：理由） = 6.75 → 上限 6；丁 ✓ 2 = -2；合计 5\n"
        "  小计 5（满分 7）\n"
        "基础分 5（适用满分 7，不折算）\n"
        "特色加分：无\n"
        "负面清单：严重 9；合计 9\n"
        "总分：5 + 0 − 9 = -4 → 下限 0\n");
    kh_result *res = score(a, 0);
    assert_int_equal(kh_result_item(res, 0, 0), 500);
    assert_int_equal(kh_result_total(res, 0), 0);
    kh_result_free(res);
    kh_buf_free(&b);
    kh_assess_free(a);
    kh_rubric_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_choice),
        cmocka_unit_test(test_count_and_clamp),
        cmocka_unit_test(test_judgement),
        cmocka_unit_test(test_group_deduct_and_cap),
        cmocka_unit_test(test_start_and_floor),
        cmocka_unit_test(test_nested_groups),
        cmocka_unit_test(test_rosters),
        cmocka_unit_test(test_unit_prorate),
        cmocka_unit_test(test_shipped_rounding),
        cmocka_unit_test(test_bonus_negative),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_branches_and_ranks),
        cmocka_unit_test(test_branch_mean_rounding),
        cmocka_unit_test(test_explain),
        cmocka_unit_test(test_explain_nested_and_floor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
