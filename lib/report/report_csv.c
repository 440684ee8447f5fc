/*
 * report_csv.c - a scored result as one CSV sheet for Excel.
 *
 * UTF-8 with a BOM (so Excel reads the Chinese right), CRLF line ends,
 * RFC 4180 quoting, text cells formula-escaped by kh_csv_cell().  Numbers
 * are written as plain numbers with at most two decimals (never through
 * the escaper, so a negative number stays a number).
 *
 * Layout: two blocks separated by one empty line, each with its header
 * row, so a user can select a block and filter it.
 *
 * Block 1, one row per unit in input order:
 *   编号,名称,类别,支部,<one column per category, rubric order>,
 *   原始基础分,适用满分,折算基础分,加分,减分,总分,自查基础分,
 *   排名表,名次,后三位,缺项
 *   - a category that does not apply to the unit is an empty cell;
 *   - 自查基础分 is empty when there is none (an item lacks a self entry);
 *   - 排名表/名次/后三位: the first unit-level ranking (rubric order) that
 *     lists the unit; else the first branch-level ranking that lists its
 *     branch, whose rank and flag the unit then shows (a faculty ranked
 *     按支部); all three empty when no ranking lists it.  后三位 is 是/否;
 *   - 缺项: ids of items scored 0 for want of an inspection entry
 *     (--allow-missing), joined by 、.
 *
 * Block 2, one row per branch in id order:
 *   支部编号,支部,类别,单位,平均分,排名表,名次,后三位
 *   - 单位 lists the unit names joined by 、;
 *   - 排名表/名次/后三位 from the first branch-level ranking listing the
 *     branch; empty when none does (e.g. offices ranked by unit).
 */
#include "kaohe/report.h"

#include <stdint.h>
#include <stdlib.h>

#include "kaohe/assess.h"
#include "kaohe/rubric.h"

typedef struct place {
    const char *ranking;      /* ranking name; NULL when not ranked */
    const kh_rank_row *row;
} place;

static void sep(kh_buf *out)
{
    kh_buf_putc(out, ',');
}

static void eol(kh_buf *out)
{
    kh_buf_add(out, "\r\n", 2);
}

static void num(kh_buf *out, kh_cp v)
{
    char b[KH_NUM_BUFSZ];
    size_t n = kh_num_format(v, b);
    kh_buf_add(out, b, n);
}

static void place_cells(kh_buf *out, const place *p)
{
    sep(out);
    if (!p->ranking) {
        kh_buf_add(out, ",,", 2);
        return;
    }
    kh_csv_cell(out, p->ranking);
    kh_buf_printf(out, ",%u,%s", p->row->rank, p->row->bottom ? "是" : "否");
}

kh_status kh_report_csv(const kh_result *res, kh_buf *out)
{
    const kh_assess *a = kh_result_assess(res);
    const kh_rubric *r = kh_assess_rubric(a);
    size_t nu = kh_result_unit_count(res);
    size_t nb = kh_result_branch_count(res);
    size_t nab = kh_assess_branch_count(a);

    /* Where each unit and branch is ranked: one array each, filled in
     * rubric order so the first ranking wins. */
    place *uplace = calloc(nu ? nu : 1, sizeof *uplace);
    place *bplace = calloc(nb ? nb : 1, sizeof *bplace);
    size_t *kof = malloc((nab ? nab : 1) * sizeof *kof);
    if (!uplace || !bplace || !kof) {
        free(uplace);
        free(bplace);
        free(kof);
        return KH_ENOMEM;
    }
    for (size_t b = 0; b < nab; b++)
        kof[b] = SIZE_MAX;
    for (size_t k = 0; k < nb; k++)
        kof[kh_result_branch(res, k)] = k;
    for (size_t i = 0; i < kh_rubric_ranking_count(r); i++) {
        bool unit_level = kh_rubric_ranking_level(r, i) == KH_LEVEL_UNIT;
        place *to = unit_level ? uplace : bplace;
        size_t lim = unit_level ? nu : nb;
        for (size_t j = 0; j < kh_result_ranking_rows(res, i); j++) {
            const kh_rank_row *row = kh_result_ranking_row(res, i, j);
            if (row->ref < lim && !to[row->ref].ranking)
                to[row->ref] = (place){kh_rubric_ranking_name(r, i), row};
        }
    }

    /* Scratch for joined lists (missing items, unit names). */
    kh_buf tmp;
    kh_buf_init(&tmp, 0);

    kh_buf_add(out, "\xEF\xBB\xBF", 3);

    /* Block 1: units. */
    kh_buf_puts(out, "编号,名称,类别,支部");
    size_t ncat = kh_rubric_category_count(r);
    for (size_t c = 0; c < ncat; c++) {
        sep(out);
        kh_csv_cell(out, kh_rubric_category_name(r, c));
    }
    kh_buf_puts(out, ",原始基础分,适用满分,折算基础分,加分,减分,总分,"
                     "自查基础分,排名表,名次,后三位,缺项");
    eol(out);
    for (size_t u = 0; u < nu; u++) {
        size_t b = kh_assess_unit_branch(a, u);
        kh_csv_cell(out, kh_assess_unit_id(a, u));
        sep(out);
        kh_csv_cell(out, kh_assess_unit_name(a, u));
        sep(out);
        kh_csv_cell(out, kh_rubric_kind_name(r, kh_assess_unit_kind(a, u)));
        sep(out);
        kh_csv_cell(out, kh_assess_branch_name(a, b));
        for (size_t c = 0; c < ncat; c++) {
            kh_cp v;
            sep(out);
            if (kh_result_category(res, u, c, &v))
                num(out, v);
        }
        const kh_cp cols[] = {
            kh_result_raw_base(res, u), kh_result_applicable_max(res, u),
            kh_result_base(res, u),     kh_result_bonus(res, u),
            kh_result_negative(res, u), kh_result_total(res, u)};
        for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++) {
            sep(out);
            num(out, cols[k]);
        }
        kh_cp sb;
        sep(out);
        if (kh_result_self_base(res, u, &sb))
            num(out, sb);
        const place *p = &uplace[u];
        if (!p->ranking && kof[b] != SIZE_MAX)
            p = &bplace[kof[b]];
        place_cells(out, p);
        sep(out);
        size_t nm = kh_result_missing_count(res, u);
        if (nm) {
            kh_buf_reset(&tmp);
            for (size_t k = 0; k < nm; k++) {
                if (k)
                    kh_buf_puts(&tmp, "、");
                kh_buf_puts(&tmp, kh_rubric_item_id(
                                      r, kh_result_missing_item(res, u, k)));
            }
            if (kh_buf_status(&tmp) != KH_OK)
                break;
            kh_csv_cell(out, kh_buf_str(&tmp));
        }
        eol(out);
    }

    /* Block 2: branches. */
    eol(out);
    kh_buf_puts(out, "支部编号,支部,类别,单位,平均分,排名表,名次,后三位");
    eol(out);
    for (size_t k = 0; k < nb && kh_buf_status(&tmp) == KH_OK; k++) {
        size_t b = kh_result_branch(res, k);
        kh_csv_cell(out, kh_assess_branch_id(a, b));
        sep(out);
        kh_csv_cell(out, kh_assess_branch_name(a, b));
        sep(out);
        kh_csv_cell(out, kh_rubric_kind_name(r, kh_result_branch_kind(res, k)));
        sep(out);
        kh_buf_reset(&tmp);
        for (size_t j = 0; j < kh_result_branch_unit_count(res, k); j++) {
            if (j)
                kh_buf_puts(&tmp, "、");
            kh_buf_puts(&tmp, kh_assess_unit_name(
                                  a, kh_result_branch_unit(res, k, j)));
        }
        if (kh_buf_status(&tmp) != KH_OK)
            break;
        kh_csv_cell(out, kh_buf_str(&tmp));
        sep(out);
        num(out, kh_result_branch_score(res, k));
        place_cells(out, &bplace[k]);
        eol(out);
    }
    kh_status st = kh_buf_status(&tmp);
    kh_buf_free(&tmp);
    free(uplace);
    free(bplace);
    free(kof);
    if (st != KH_OK)
        return st;
    return kh_buf_status(out);
}
