/* Unit tests: the rubric's bonus claim kinds, negative-list catalogue and
 * providers (docs/CLAIMS.md): the shipped rubric and every bad value,
 * each located. */
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

/* Loads text as "t.yaml": every message, one per line (malloc'd). */
static char *load(const char *text, kh_status *st, kh_rubric **out)
{
    kh_err *e = kh_err_new();
    assert_non_null(e);
    *st = kh_rubric_load_mem("t.yaml", text, strlen(text), e, out);
    kh_buf b;
    kh_buf_init(&b, 0);
    for (size_t i = 0; i < kh_err_count(e); i++) {
        char *m = kh_err_format(e, i);
        kh_buf_printf(&b, "%s\n", m);
        free(m);
    }
    kh_err_free(e);
    char *s = strdup(kh_buf_str(&b));
    kh_buf_free(&b);
    return s;
}

static void expect_errors(const char *text, const char *want)
{
    kh_status st;
    kh_rubric *r = NULL;
    char *got = load(text, &st, &r);
    assert_string_equal(got, want);
    assert_int_equal(st, KH_EINVAL);
    assert_null(r);
    free(got);
}

/* A valid rubric, lines 1-21; the bonus and negative blocks follow. */
#define HEAD                                                    \
    "id: t\n"                                      /*  1 */     \
    "title: T\n"                                   /*  2 */     \
    "base_max: 3\n"                                /*  3 */     \
    "bonus_max: 2\n"                               /*  4 */     \
    "bottom_n: 1\n"                                /*  5 */     \
    "not_applicable: prorate\n"                    /*  6 */     \
    "kinds:\n"                                     /*  7 */     \
    "  - {id: a, name: A}\n"                       /*  8 */     \
    "rankings:\n"                                  /*  9 */     \
    "  - {id: ra, name: RA, kind: a, level: unit}\n" /* 10 */   \
    "categories:\n"                                /* 11 */     \
    "  - id: \"1\"\n"                              /* 12 */     \
    "    name: C\n"                                /* 13 */     \
    "    max: 3\n"                                 /* 14 */     \
    "    items:\n"                                 /* 15 */     \
    "      - id: \"1.1\"\n"                        /* 16 */     \
    "        text: X\n"                            /* 17 */     \
    "        max: 3\n"                             /* 18 */     \
    "        provider: 宣传部\n"                    /* 19 */     \
    "        terms:\n"                             /* 20 */     \
    "          - {input: x, kind: check, points: 2, provider: 组织部}\n" \
    "          - {input: y, kind: check, points: 1}\n"  /* 22 */

static void test_shipped(void **state)
{
    (void)state;
    kh_err *e = kh_err_new();
    kh_rubric *r = NULL;
    assert_int_equal(kh_rubric_load("rubrics/ideology-2020.yaml", e, &r),
                     KH_OK);
    assert_int_equal(kh_err_count(e), 0);
    kh_err_free(e);
    assert_int_equal(kh_rubric_bonus_kind_count(r), 4);
    assert_int_equal(kh_rubric_bonus_kind_find(r, "honour"), 3);
    assert_non_null(strstr(kh_rubric_bonus_kind_name(r, 3), "表彰"));
    assert_int_equal(kh_rubric_bonus_kind_ceiling(r, 0), 500);
    assert_int_equal(kh_rubric_negative_case_count(r), 3);
    assert_int_equal(kh_rubric_negative_case_min(r, 0), 50);
    assert_int_equal(kh_rubric_negative_case_max(r, 2), 1000);
    assert_string_equal(kh_rubric_negative_provider(r), "党委宣传部");
    /* 3.3 and 4.2 whole, 3.4 only its 文明创建 input. */
    size_t i33 = (size_t)kh_rubric_item_find(r, "3.3");
    size_t i34 = (size_t)kh_rubric_item_find(r, "3.4");
    size_t i42 = (size_t)kh_rubric_item_find(r, "4.2");
    assert_string_equal(kh_rubric_input_provider(r, i33, 0), "党委宣传部");
    assert_string_equal(kh_rubric_input_provider(r, i42, 0), "党委宣传部");
    assert_null(kh_rubric_item_provider(r, i34));
    assert_string_equal(kh_rubric_input_provider(r, i34, 0), "党委宣传部");
    assert_null(kh_rubric_input_provider(r, i34, 1));
    assert_null(kh_rubric_input_provider(r, i34, 2));
    size_t n = 0;
    for (size_t i = 0; i < kh_rubric_item_count(r); i++)
        for (size_t s = 0; s < kh_rubric_item_slots(r, i); s++)
            n += kh_rubric_input_provider(r, i, s) != NULL;
    assert_int_equal(n, 3);
    assert_int_equal(kh_rubric_provider_count(r), 1);
    assert_true(kh_rubric_provider_known(r, "党委宣传部"));
    assert_false(kh_rubric_provider_known(r, "宣传部"));
    kh_rubric_free(r);
}

static void test_fields_read(void **state)
{
    (void)state;
    static const char text[] = HEAD
        "bonus:\n"
        "  text: B\n"
        "  kinds:\n"
        "    - {id: k1, name: 亮点, ceiling: 1.5}\n"
        "negative:\n"
        "  text: N\n"
        "  provider: 宣传部\n"
        "  cases:\n"
        "    - {id: c1, text: 轻, min: 0.5, max: 0.5}\n";
    kh_status st;
    kh_rubric *r = NULL;
    char *got = load(text, &st, &r);
    assert_string_equal(got, "");
    assert_int_equal(st, KH_OK);
    free(got);
    assert_int_equal(kh_rubric_bonus_kind_ceiling(r, 0), 150);
    assert_int_equal(kh_rubric_bonus_kind_find(r, "k2"), -1);
    assert_int_equal(kh_rubric_negative_case_find(r, "c1"), 0);
    assert_int_equal(kh_rubric_negative_case_min(r, 0), 50);
    assert_string_equal(kh_rubric_input_provider(r, 0, 0), "组织部");
    assert_string_equal(kh_rubric_input_provider(r, 0, 1), "宣传部");
    assert_int_equal(kh_rubric_provider_count(r), 2);
    assert_string_equal(kh_rubric_provider_name(r, 0), "宣传部");
    assert_string_equal(kh_rubric_provider_name(r, 1), "组织部");
    kh_rubric_free(r);
}

static void test_bad_kinds(void **state)
{
    (void)state;
    expect_errors(HEAD
                  "bonus:\n"                                    /* 23 */
                  "  text: B\n"                                 /* 24 */
                  "  kinds:\n"                                  /* 25 */
                  "    - {id: k1, name: A, ceiling: 0}\n"        /* 26 */
                  "    - {id: k2, name: B, ceiling: 2.5}\n"      /* 27 */
                  "    - {id: k3, name: C, ceiling: -1}\n"       /* 28 */
                  "    - {id: k4, name: D, ceiling: x}\n"        /* 29 */
                  "    - {id: k5, name: E, ceiling: 1, max: 1}\n" /* 30 */
                  "    - {id: k5, name: F, ceiling: 1}\n"        /* 31 */
                  "    - {id: k6, name: G}\n",                  /* 32 */
                  "t.yaml:26:34: bonus.kinds[0].ceiling: must be greater "
                  "than 0, not 0\n"
                  "t.yaml:27:34: bonus.kinds[1].ceiling: ceiling 2.5 is "
                  "above bonus_max 2\n"
                  "t.yaml:28:34: bonus.kinds[2].ceiling: must be greater "
                  "than 0, not -1\n"
                  "t.yaml:29:34: bonus.kinds[3].ceiling: \"x\" is not a "
                  "decimal number\n"
                  "t.yaml:30:37: bonus.kinds[4]: unknown key \"max\"\n"
                  "t.yaml:31:12: bonus.kinds[5].id: duplicate bonus kind id "
                  "\"k5\"\n"
                  "t.yaml:32:7: bonus.kinds[6]: missing key \"ceiling\"\n");
}

static void test_bad_cases(void **state)
{
    (void)state;
    expect_errors(HEAD
                  "negative:\n"                                 /* 23 */
                  "  text: N\n"                                 /* 24 */
                  "  provider: [x]\n"                           /* 25 */
                  "  cases:\n"                                  /* 26 */
                  "    - {id: c1, text: A, min: 2, max: 1}\n"    /* 27 */
                  "    - {id: c2, text: B, min: 0, max: 1}\n"    /* 28 */
                  "    - {id: c2, text: C, min: 1, max: 1}\n"    /* 29 */
                  "    - {id: c3, text: \"\", min: 1, max: 1}\n" /* 30 */
                  "    - {id: C4, text: D, min: 1}\n",          /* 31 */
                  "t.yaml:25:13: negative.provider: expected a string, got "
                  "a sequence\n"
                  "t.yaml:27:30: negative.cases[0].min: min 2 is above max "
                  "1\n"
                  "t.yaml:28:30: negative.cases[1].min: must be greater than "
                  "0, not 0\n"
                  "t.yaml:29:12: negative.cases[2].id: duplicate negative "
                  "case id \"c2\"\n"
                  "t.yaml:30:22: negative.cases[3].text: must not be empty\n"
                  "t.yaml:31:7: negative.cases[4]: missing key \"max\"\n"
                  "t.yaml:31:12: negative.cases[4].id: invalid id \"C4\": "
                  "must match [a-z0-9][a-z0-9._-]*\n");
}

static void test_bad_provider(void **state)
{
    (void)state;
    expect_errors(
        "id: t\ntitle: T\nbase_max: 3\nbonus_max: 2\nbottom_n: 1\n"
        "not_applicable: prorate\nkinds:\n  - {id: a, name: A}\n"
        "rankings:\n  - {id: ra, name: RA, kind: a, level: unit}\n"
        "categories:\n  - id: \"1\"\n    name: C\n    max: 3\n    items:\n"
        "      - id: \"1.1\"\n"                                   /* 16 */
        "        text: X\n"                                       /* 17 */
        "        max: 3\n"                                        /* 18 */
        "        provider: {a: 1}\n"                              /* 19 */
        "        terms:\n"                                        /* 20 */
        "          - {input: x, kind: check, points: 2, provider: \"\"}\n"
        "          - {input: y, kind: check, points: 1, provider: 12}\n"
        "          - {kind: group, max: 0.5, provider: p, terms: [\n"
        "              {input: z, kind: check, points: 0.5}]}\n",
        "t.yaml:19:19: categories[0].items[0].provider: expected a string, "
        "got a mapping\n"
        "t.yaml:21:58: categories[0].items[0].terms[0].provider: must not "
        "be empty\n"
        "t.yaml:23:37: categories[0].items[0].terms[2]: unknown key "
        "\"provider\" for a group term\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped),
        cmocka_unit_test(test_fields_read),
        cmocka_unit_test(test_bad_kinds),
        cmocka_unit_test(test_bad_cases),
        cmocka_unit_test(test_bad_provider),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
