/*
 * report_table.c - a scored result for a person at a terminal: the title,
 * each ranking list with the bottom places marked, the branch means, and a
 * table of every unit's category scores, base, bonus, negative, total and
 * self-assessed base.  Columns are aligned by display width (CJK
 * characters take two columns); numbers are right-aligned, two decimals.
 */
#include "kaohe/report.h"

#include <stdio.h>
#include <string.h>

#include "kaohe/assess.h"
#include "kaohe/rubric.h"

/* ---- a generic aligned table --------------------------------------- */

#define TB_SEP 2          /* spaces between columns */
#define TB_TMP 64         /* room for one formatted number */

/* Returns the text of cell (row, col); row SIZE_MAX is the header.  The
 * text may live in tmp (TB_TMP bytes) or in scratch (reset by the caller
 * of each cell); it must stay valid until the next call. */
typedef const char *(*tb_cell_fn)(const void *ctx, size_t row, size_t col,
                                  char *tmp, kh_buf *scratch);

typedef struct tb {
    size_t ncols, nrows;
    const bool *right;    /* per column: right-aligned */
    tb_cell_fn cell;
    const void *ctx;
} tb;

/* Spaces owed before the next visible text: deferred so that no line ends
 * in blanks. */
static void tb_flush(kh_buf *out, size_t *pending)
{
    char *w = kh_buf_reserve(out, *pending);
    if (!w)
        return;
    memset(w, ' ', *pending);
    kh_buf_commit(out, *pending);
    *pending = 0;
}

static kh_status tb_write(const tb *t, kh_buf *out)
{
    enum { MAXCOLS = 64 };
    size_t width[MAXCOLS] = {0};
    char tmp[TB_TMP];
    kh_buf scratch;
    kh_buf_init(&scratch, 0);
    size_t ncols = t->ncols < MAXCOLS ? t->ncols : MAXCOLS;

    /* Pass 1: widths.  Pass 2: write.  Cells are cheap to recompute, so
     * nothing is kept per row. */
    for (size_t r = 0; r <= t->nrows; r++) {
        size_t row = r == 0 ? SIZE_MAX : r - 1;
        for (size_t c = 0; c < ncols; c++) {
            kh_buf_reset(&scratch);
            size_t w = kh_text_width(t->cell(t->ctx, row, c, tmp, &scratch));
            if (w > width[c])
                width[c] = w;
        }
    }
    for (size_t r = 0; r <= t->nrows; r++) {
        size_t row = r == 0 ? SIZE_MAX : r - 1;
        size_t pending = 0;
        for (size_t c = 0; c < ncols; c++) {
            kh_buf_reset(&scratch);
            const char *s = t->cell(t->ctx, row, c, tmp, &scratch);
            size_t fill = width[c] - kh_text_width(s);
            if (c)
                pending += TB_SEP;
            if (t->right[c])
                pending += fill;
            if (*s) {
                tb_flush(out, &pending);
                kh_buf_puts(out, s);
            }
            if (!t->right[c])
                pending += fill;
        }
        kh_buf_putc(out, '\n');
    }
    kh_status st = kh_buf_status(&scratch);
    kh_buf_free(&scratch);
    return st;
}

static const char *fmt2(kh_cp v, char *tmp)
{
    kh_num_format2(v, tmp);
    return tmp;
}

/* "三" for 3 (the document says 后三位); digits past ten. */
static void zh_count(unsigned n, char *out, size_t size)
{
    static const char *const zh[] = {"零", "一", "二", "三", "四", "五",
                                     "六", "七", "八", "九", "十"};
    if (n <= 10)
        snprintf(out, size, "%s", zh[n]);
    else
        snprintf(out, size, "%u", n);
}

/* ---- rankings ------------------------------------------------------ */

typedef struct rank_ctx {
    const kh_result *res;
    size_t ranking;
    char mark[32];
} rank_ctx;

static const char *rank_cell(const void *vctx, size_t row, size_t col,
                             char *tmp, kh_buf *scratch)
{
    (void)scratch;
    const rank_ctx *x = vctx;
    static const char *const head[] = {"名次", "名称", "得分", ""};
    if (row == SIZE_MAX)
        return head[col];
    const kh_rank_row *rr = kh_result_ranking_row(x->res, x->ranking, row);
    switch (col) {
    case 0:
        snprintf(tmp, TB_TMP, "%u", rr->rank);
        return tmp;
    case 1:
        return rr->name;
    case 2:
        return fmt2(rr->score, tmp);
    default:
        return rr->bottom ? x->mark : "";
    }
}

/* ---- branches ------------------------------------------------------ */

static const char *branch_cell(const void *vctx, size_t row, size_t col,
                               char *tmp, kh_buf *scratch)
{
    const kh_result *res = vctx;
    const kh_assess *a = kh_result_assess(res);
    static const char *const head[] = {"支部", "单位", "平均分"};
    if (row == SIZE_MAX)
        return head[col];
    switch (col) {
    case 0:
        return kh_assess_branch_name(a, kh_result_branch(res, row));
    case 1:
        for (size_t j = 0; j < kh_result_branch_unit_count(res, row); j++) {
            if (j)
                kh_buf_puts(scratch, "、");
            kh_buf_puts(scratch, kh_assess_unit_name(
                                     a, kh_result_branch_unit(res, row, j)));
        }
        return kh_buf_str(scratch);
    default:
        return fmt2(kh_result_branch_score(res, row), tmp);
    }
}

/* ---- units --------------------------------------------------------- */

/* Columns: 编号, 单位, 类别, one per category, then the fixed tail. */
enum { U_LEAD = 3 };
static const char *const unit_tail[] = {"基础分", "加分", "减分", "总分",
                                        "自查基础分"};
enum { U_TAIL = sizeof unit_tail / sizeof unit_tail[0] };

static const char *unit_cell(const void *vctx, size_t row, size_t col,
                             char *tmp, kh_buf *scratch)
{
    (void)scratch;
    const kh_result *res = vctx;
    const kh_assess *a = kh_result_assess(res);
    const kh_rubric *r = kh_assess_rubric(a);
    size_t ncat = kh_rubric_category_count(r);
    if (row == SIZE_MAX) {
        static const char *const lead[] = {"编号", "单位", "类别"};
        if (col < U_LEAD)
            return lead[col];
        if (col < U_LEAD + ncat)
            return kh_rubric_category_name(r, col - U_LEAD);
        return unit_tail[col - U_LEAD - ncat];
    }
    size_t u = row;
    if (col == 0)
        return kh_assess_unit_id(a, u);
    if (col == 1)
        return kh_assess_unit_name(a, u);
    if (col == 2)
        return kh_rubric_kind_name(r, kh_assess_unit_kind(a, u));
    if (col < U_LEAD + ncat) {
        kh_cp v;
        return kh_result_category(res, u, col - U_LEAD, &v) ? fmt2(v, tmp)
                                                            : "-";
    }
    kh_cp sb;
    switch (col - U_LEAD - ncat) {
    case 0:
        return fmt2(kh_result_base(res, u), tmp);
    case 1:
        return fmt2(kh_result_bonus(res, u), tmp);
    case 2:
        return fmt2(kh_result_negative(res, u), tmp);
    case 3:
        return fmt2(kh_result_total(res, u), tmp);
    default:
        return kh_result_self_base(res, u, &sb) ? fmt2(sb, tmp) : "-";
    }
}

/* For each kind with units whose applicable items fall short of the
 * base maximum: how the base was derived. */
static void prorate_notes(const kh_result *res, kh_buf *out)
{
    const kh_assess *a = kh_result_assess(res);
    const kh_rubric *r = kh_assess_rubric(a);
    char num[KH_NUM_BUFSZ], max[KH_NUM_BUFSZ];
    kh_num_format(kh_rubric_base_max(r), max);
    for (size_t k = 0; k < kh_rubric_kind_count(r); k++) {
        bool used = false;
        for (size_t u = 0; u < kh_result_unit_count(res) && !used; u++)
            used = kh_assess_unit_kind(a, u) == k;
        if (!used)
            continue;
        kh_cp amax = 0;
        size_t skipped = 0;
        for (size_t i = 0; i < kh_rubric_item_count(r); i++) {
            if (kh_rubric_item_applies(r, i, k))
                amax += kh_rubric_item_max(r, i);
            else
                skipped++;
        }
        if (!skipped)
            continue;
        kh_buf_printf(out, "注：%s不适用考核要点", kh_rubric_kind_name(r, k));
        size_t n = 0;
        for (size_t i = 0; i < kh_rubric_item_count(r); i++)
            if (!kh_rubric_item_applies(r, i, k))
                kh_buf_printf(out, "%s%s", n++ ? "、" : " ",
                              kh_rubric_item_id(r, i));
        kh_num_format(amax, num);
        if (kh_rubric_na_mode(r) == KH_NA_PRORATE)
            kh_buf_printf(out, "，各项合计满分 %s 分，基础分 = 各项合计 × %s ÷ "
                               "%s（四舍五入保留两位小数）。\n",
                          num, max, num);
        else
            kh_buf_printf(out, "，基础分即各项合计（满分 %s 分）。\n", num);
    }
}

static void missing_notes(const kh_result *res, kh_buf *out)
{
    const kh_assess *a = kh_result_assess(res);
    const kh_rubric *r = kh_assess_rubric(a);
    bool head = false;
    for (size_t u = 0; u < kh_result_unit_count(res); u++) {
        size_t n = kh_result_missing_count(res, u);
        if (!n)
            continue;
        if (!head)
            kh_buf_puts(out, "注：以下单位的考核要点缺少实地检查记录，按 0 分计：\n");
        head = true;
        kh_buf_printf(out, "  %s（%s）：", kh_assess_unit_name(a, u),
                      kh_assess_unit_id(a, u));
        for (size_t k = 0; k < n; k++)
            kh_buf_printf(out, "%s%s", k ? "、" : "",
                          kh_rubric_item_id(r, kh_result_missing_item(res, u,
                                                                      k)));
        kh_buf_putc(out, '\n');
    }
}

static void heading(kh_buf *out, const char *s)
{
    kh_buf_printf(out, "\n【%s】\n", s);
}

kh_status kh_report_table(const kh_result *res, kh_buf *out)
{
    const kh_assess *a = kh_result_assess(res);
    const kh_rubric *r = kh_assess_rubric(a);
    kh_status st = KH_OK, s2;

    size_t title_start = out->len;
    kh_buf_puts(out, kh_rubric_title(r));
    if (kh_assess_year(a))
        kh_buf_printf(out, "  %d年度考核结果", kh_assess_year(a));
    else
        kh_buf_puts(out, "  考核结果");
    size_t tw = kh_text_width(kh_buf_str(out) + title_start);
    kh_buf_putc(out, '\n');
    for (size_t i = 0; i < tw; i++)
        kh_buf_putc(out, '=');
    kh_buf_putc(out, '\n');

    char n_zh[16];
    zh_count(kh_rubric_bottom_n(r), n_zh, sizeof n_zh);
    static const bool rank_right[] = {true, false, true, false};
    bool any_bottom = false;
    for (size_t i = 0; i < kh_rubric_ranking_count(r); i++) {
        rank_ctx x = {.res = res, .ranking = i};
        snprintf(x.mark, sizeof x.mark, "★后%s位", n_zh);
        heading(out, kh_rubric_ranking_name(r, i));
        tb t = {4, kh_result_ranking_rows(res, i), rank_right, rank_cell, &x};
        if ((s2 = tb_write(&t, out)) != KH_OK)
            st = s2;
        for (size_t j = 0; j < t.nrows; j++)
            any_bottom |= kh_result_ranking_row(res, i, j)->bottom;
    }
    if (any_bottom)
        kh_buf_printf(out, "\n注：★ 标记排名后%s位（同分并列者均计入）的"
                           "支部（处室系），由学院党委进行工作提醒谈话。\n",
                      n_zh);

    heading(out, "支部平均分");
    static const bool br_right[] = {false, false, true};
    tb bt = {3, kh_result_branch_count(res), br_right, branch_cell, res};
    if ((s2 = tb_write(&bt, out)) != KH_OK)
        st = s2;

    heading(out, "各单位得分");
    size_t ncat = kh_rubric_category_count(r);
    size_t ncols = U_LEAD + ncat + U_TAIL;
    bool uright[64];
    for (size_t c = 0; c < 64; c++)
        uright[c] = c >= U_LEAD;
    tb ut = {ncols, kh_result_unit_count(res), uright, unit_cell, res};
    if (ncols > 64)
        ut.ncols = 64;   /* a rubric of 56+ categories is not a real one */
    if ((s2 = tb_write(&ut, out)) != KH_OK)
        st = s2;
    kh_buf notes;
    kh_buf_init(&notes, 0);
    prorate_notes(res, &notes);
    missing_notes(res, &notes);
    if (notes.len) {
        kh_buf_putc(out, '\n');
        kh_buf_add(out, notes.data, notes.len);
    }
    if ((s2 = kh_buf_status(&notes)) != KH_OK)
        st = s2;
    kh_buf_free(&notes);

    if (st != KH_OK)
        return st;
    return kh_buf_status(out);
}
