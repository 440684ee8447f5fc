/*
 * kaohe/score.h - scoring, branch means and rankings (SCORING.md
 * sections 3, 5 and 7) and the explanation of a unit's score.
 */
#ifndef KAOHE_SCORE_H
#define KAOHE_SCORE_H

#include <stddef.h>
#include <stdbool.h>
#include "kaohe/error.h"
#include "kaohe/num.h"
#include "kaohe/buf.h"
#include "kaohe/assess.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kh_result kh_result;

/* Flags for kh_score(). */
#define KH_SCORE_ALLOW_MISSING 1u

/* Scores every unit.  Without KH_SCORE_ALLOW_MISSING an applicable item
 * with no inspection entry is an error: every missing (unit, item) pair is
 * added to e and KH_EINVAL returned.  a is borrowed and must outlive the
 * result; the caller owns *out (kh_result_free). */
kh_status kh_score(const kh_assess *a, unsigned flags, kh_err *e,
                   kh_result **out);
void kh_result_free(kh_result *res);
const kh_assess *kh_result_assess(const kh_result *res);

/* Incremental rescoring: after unit u's entries, rosters or records
 * changed in the assessment (kh_assess_set_*), rescores u, its branch
 * mean, moves its rows in the rankings it is in and marks ranks and the
 * bottom rule again - the same result as kh_score() of the changed
 * assessment, in O(items + branch size + rows moved + ranking size).
 * Units, kinds and branches must not have changed.  Without
 * KH_SCORE_ALLOW_MISSING a missing inspection entry is KH_EINVAL and res
 * is unchanged.  Not thread-safe against readers of res. */
kh_status kh_result_update_unit(kh_result *res, size_t u, kh_err *e);

/* A copy of res that kh_result_update_unit on res does not change (it
 * borrows the same assessment).  NULL on OOM; the caller owns it. */
kh_result *kh_result_clone(const kh_result *res);

/* Score of one item for one unit and phase (section 3) from its entry;
 * a missing entry scores 0. */
kh_cp kh_score_item(const kh_assess *a, size_t u, size_t item, kh_phase p);

/* ---- units ---- */
size_t kh_result_unit_count(const kh_result *res);  /* = assess units */
/* Item score (applicable items only; 0 otherwise). */
kh_cp kh_result_item(const kh_result *res, size_t u, size_t item);
bool kh_result_item_applies(const kh_result *res, size_t u, size_t item);
/* Category sum of the unit's applicable items; false if none applies. */
bool kh_result_category(const kh_result *res, size_t u, size_t c, kh_cp *out);
kh_cp kh_result_raw_base(const kh_result *res, size_t u);
kh_cp kh_result_applicable_max(const kh_result *res, size_t u);
kh_cp kh_result_base(const kh_result *res, size_t u);
kh_cp kh_result_bonus(const kh_result *res, size_t u);
kh_cp kh_result_negative(const kh_result *res, size_t u);
kh_cp kh_result_total(const kh_result *res, size_t u);
/* self_base; false when null (an applicable item has no self entry). */
bool kh_result_self_base(const kh_result *res, size_t u, kh_cp *out);
/* Items listed as missing (only with KH_SCORE_ALLOW_MISSING). */
size_t kh_result_missing_count(const kh_result *res, size_t u);
size_t kh_result_missing_item(const kh_result *res, size_t u, size_t k);

/* ---- branches (ordered by id) ---- */
size_t kh_result_branch_count(const kh_result *res);
/* Assessment branch index of the k-th branch in id order. */
size_t kh_result_branch(const kh_result *res, size_t k);
size_t kh_result_branch_kind(const kh_result *res, size_t k);
size_t kh_result_branch_unit_count(const kh_result *res, size_t k);
size_t kh_result_branch_unit(const kh_result *res, size_t k, size_t j);
kh_cp kh_result_branch_score(const kh_result *res, size_t k);

/* ---- rankings (one per rubric ranking, in rubric order) ---- */
typedef struct kh_rank_row {
    size_t ref;       /* unit index (level unit) or branch k (level branch) */
    const char *id;
    const char *name;
    kh_cp score;
    unsigned rank;    /* competition rank, 1-based */
    bool bottom;      /* flagged for the reminder talk */
} kh_rank_row;
size_t kh_result_ranking_rows(const kh_result *res, size_t ranking);
const kh_rank_row *kh_result_ranking_row(const kh_result *res, size_t ranking,
                                         size_t row);

/* Writes, item by item, how unit u's score in phase p was reached: each
 * input, each term's contribution, clamps, prorating, bonus, negative and
 * total (inspection) - e.g. "1.3 相关会议记录 2×1 + 相关印证材料 5×1 = 7 →
 * 上限 6".  Appends to out. */
kh_status kh_explain(const kh_assess *a, size_t u, kh_phase p, kh_buf *out);
/* Called after each item's lines with the item's id: appends lines of
 * its own (each indented six spaces and ending in a newline), e.g. what
 * became of a questionnaire's suggestion (kaohe/store_source.h). */
typedef void (*kh_explain_item_fn)(void *ctx, const char *item, kh_buf *out);
/* kh_explain() with fn (may be NULL) called after each item present. */
kh_status kh_explain_with(const kh_assess *a, size_t u, kh_phase p,
                          kh_explain_item_fn fn, void *ctx, kh_buf *out);

#ifdef __cplusplus
}
#endif
#endif
