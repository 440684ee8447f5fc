/* libFuzzer target: the assessment loader (kaohe/assess.h) on arbitrary
 * bytes against the shipped rubric, then scoring with missing items
 * allowed, rankings and the explanation of every unit.  Checks that a
 * failed load says why and that scores stay in their ranges. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/assess.h"
#include "kaohe/rubric.h"
#include "kaohe/score.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* rubrics/ideology-2020.yaml, found from this file's path (the fuzzer
 * runs in the build tree); KH_FUZZ_RUBRIC overrides it. */
static const kh_rubric *rubric(void)
{
    static kh_rubric *r;
    if (r)
        return r;
    char path[4096];
    const char *env = getenv("KH_FUZZ_RUBRIC");
    if (env) {
        snprintf(path, sizeof path, "%s", env);
    } else {
        const char *me = __FILE__;
        const char *tail = strstr(me, "tests/fuzz/fuzz_assess.c");
        int n = tail ? (int)(tail - me) : 0;
        snprintf(path, sizeof path, "%.*srubrics/ideology-2020.yaml", n, me);
    }
    kh_err *e = kh_err_new();
    if (kh_rubric_load(path, e, &r) != KH_OK) {
        fprintf(stderr, "fuzz_assess: cannot load the rubric %s\n", path);
        abort();
    }
    kh_err_free(e);
    return r;
}

static void check_result(const kh_assess *a, const kh_result *res)
{
    const kh_rubric *r = kh_assess_rubric(a);
    for (size_t u = 0; u < kh_result_unit_count(res); u++) {
        for (size_t i = 0; i < kh_rubric_item_count(r); i++) {
            kh_cp v = kh_result_item(res, u, i);
            if (v < 0 || v > kh_rubric_item_max(r, i))
                abort();
        }
        if (kh_result_raw_base(res, u) > kh_result_applicable_max(res, u) ||
            kh_result_base(res, u) < 0 ||
            kh_result_base(res, u) > kh_rubric_base_max(r) ||
            kh_result_bonus(res, u) > kh_rubric_bonus_max(r) ||
            kh_result_total(res, u) < 0)
            abort();
        kh_cp c;
        for (size_t k = 0; k < kh_rubric_category_count(r); k++)
            (void)kh_result_category(res, u, k, &c);
        (void)kh_result_self_base(res, u, &c);
        for (size_t k = 0; k < kh_result_missing_count(res, u); k++)
            if (kh_result_missing_item(res, u, k) >= kh_rubric_item_count(r))
                abort();
    }
    for (size_t k = 0; k < kh_result_branch_count(res); k++) {
        if (k && strcmp(kh_assess_branch_id(a, kh_result_branch(res, k - 1)),
                        kh_assess_branch_id(a, kh_result_branch(res, k))) >= 0)
            abort();
        for (size_t j = 0; j < kh_result_branch_unit_count(res, k); j++)
            if (kh_result_branch_unit(res, k, j) >= kh_assess_unit_count(a))
                abort();
    }
    for (size_t g = 0; g < kh_rubric_ranking_count(r); g++) {
        size_t n = kh_result_ranking_rows(res, g);
        for (size_t i = 0; i < n; i++) {
            const kh_rank_row *row = kh_result_ranking_row(res, g, i);
            if (row->rank < 1 || row->rank > i + 1)
                abort();
            if (i) {
                const kh_rank_row *prev = kh_result_ranking_row(res, g, i - 1);
                if (prev->score < row->score || (prev->bottom && !row->bottom))
                    abort();
            }
        }
        if (n && n <= kh_rubric_bottom_n(r) &&
            !kh_result_ranking_row(res, g, 0)->bottom)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const kh_rubric *r = rubric();
    kh_err *e = kh_err_new();
    kh_assess *a = NULL;
    kh_status st = kh_assess_load_mem(r, "fuzz", (const char *)data, size, e,
                                      &a);
    if (st != KH_OK) {
        if (a || kh_err_errors(e) == 0)
            abort();   /* a failed load must say why */
        for (size_t i = 0; i < kh_err_count(e); i++)
            free(kh_err_format(e, i));
        kh_err_free(e);
        return 0;
    }
    kh_result *res = NULL;
    if (kh_score(a, 0, e, &res) == KH_OK)
        kh_result_free(res);
    res = NULL;
    if (kh_score(a, KH_SCORE_ALLOW_MISSING, e, &res) != KH_OK)
        abort();
    check_result(a, res);
    kh_buf b;
    kh_buf_init(&b, 0);
    for (size_t u = 0; u < kh_assess_unit_count(a); u++) {
        if (kh_explain(a, u, KH_PHASE_INSPECTION, &b) != KH_OK ||
            kh_explain(a, u, KH_PHASE_SELF, &b) != KH_OK)
            abort();
        kh_buf_reset(&b);
    }
    kh_buf_free(&b);
    kh_result_free(res);
    kh_assess_free(a);
    kh_err_free(e);
    return 0;
}
