/*
 * gongwen.c - what the official documents (kaohe/gongwen.h) say: the
 * result notice as a Party committee document, a unit's score sheet, the
 * follow-up report and the compilation of good practices, each built as
 * a kh_gw (gw_impl.h) from a loaded year and its document settings, then
 * handed to the .docx or PDF writer.
 */
#include "gw_impl.h"
#include "export_impl.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kaohe/gongwen.h"
#include "kaohe/i18n.h"
#include "kaohe/store_docset.h"
#include "kaohe/store_followup.h"

static const char *const gn_cn_num[] = {"一", "二", "三", "四", "五",
                                        "六", "七", "八", "九", "十"};

static const char *gn_ordinal(size_t i)
{
    return i < 10 ? gn_cn_num[i] : "十余";
}

/* The frame: settings, dates, the title with （草稿） for a draft. */
static kh_status gn_frame(const kh_export *x, kh_gw *g, const char *title,
                          bool redhead, kh_err *e)
{
    kh_docset d;
    kh_status rc = kh_store_docset_get(x->s, x->year, &d, e);
    if (rc != KH_OK)
        return rc;
    char date[32];
    kh_gw_date_cn(d.date ? d.date : x->today, date, sizeof date);
    g->redhead = redhead;
    g->draft = kh_export_is_draft(x);
    kh_gw_set(g, &g->issuer, d.issuer);
    kh_gw_set(g, &g->number, d.number ? d.number : "（文号待定）");
    kh_gw_set(g, &g->to, d.to);
    kh_gw_set(g, &g->cc, d.cc);
    kh_gw_set(g, &g->printer, d.printer);
    kh_gw_set(g, &g->date, date);
    kh_docset_clear(&d);
    kh_buf t;
    kh_buf_init(&t, 0);
    kh_buf_printf(&t, "%s%s", title, kh_xp_draft_mark(x));
    kh_gw_set(g, &g->title, kh_buf_str(&t));
    kh_buf_free(&t);
    return KH_OK;
}

static void gn_num(kh_gw *g, kh_cp v)
{
    char nb[KH_NUM_BUFSZ];
    kh_gw_cell(g, kh_xp_num(v, nb));
}

/* ---- the result notice --------------------------------------------- */

/* A row's name; a branch's row names its units too ("甲党支部（甲）"),
 * so that every unit of the year can be found in the notice. */
static void gn_row_name(const kh_export *x, kh_gw *g, size_t i,
                        const kh_rank_row *rr)
{
    if (kh_rubric_ranking_level(x->rubric, i) != KH_LEVEL_BRANCH) {
        kh_gw_cell(g, rr->name);
        return;
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_buf_puts(&b, rr->name);
    size_t n = kh_result_branch_unit_count(x->res, rr->ref);
    for (size_t k = 0; k < n; k++) {
        const char *un = kh_assess_unit_name(
            x->assess, kh_result_branch_unit(x->res, rr->ref, k));
        if (n == 1 && !strcmp(un, rr->name))
            break;
        kh_buf_puts(&b, k ? "、" : "\n（");
        kh_buf_puts(&b, un);
        if (k + 1 == n)
            kh_buf_puts(&b, "）");
    }
    if (kh_buf_status(&b) != KH_OK && g->st == KH_OK)
        g->st = kh_buf_status(&b);
    kh_gw_cell(g, kh_buf_str(&b));
    kh_buf_free(&b);
}

static void gn_ranking(const kh_export *x, kh_gw *g, size_t i)
{
    static const unsigned w[] = {8, 30, 11, 9, 9, 11, 14};
    kh_gw_table(g, 7, w, "clrrrrc");
    kh_gw_row(g, GW_ROW_HEAD);
    static const char *const head[] = {"名次", "名称", "基础分", "加分",
                                       "减分", "总分", "备注"};
    for (size_t c = 0; c < 7; c++)
        kh_gw_cell(g, head[c]);
    for (size_t j = 0; j < kh_result_ranking_rows(x->res, i); j++) {
        const kh_rank_row *rr = kh_result_ranking_row(x->res, i, j);
        size_t u = kh_xp_row_unit(x, i, rr);
        char rank[16], note[32];
        snprintf(rank, sizeof rank, "%u", rr->rank);
        snprintf(note, sizeof note, "排名后%u位",
                 kh_rubric_bottom_n(x->rubric));
        kh_gw_row(g, rr->bottom ? GW_ROW_MARK : 0);
        kh_gw_cell(g, rank);
        gn_row_name(x, g, i, rr);
        if (u != SIZE_MAX) {
            gn_num(g, kh_result_base(x->res, u));
            gn_num(g, kh_result_bonus(x->res, u));
            gn_num(g, kh_result_negative(x->res, u));
        } else {
            for (int k = 0; k < 3; k++)
                kh_gw_cell(g, "");
        }
        gn_num(g, rr->score);
        kh_gw_cell(g, rr->bottom ? note : "");
    }
}

/* The units named for a reminder talk in ranking i. */
static void gn_bottom_names(const kh_export *x, size_t i, kh_buf *out)
{
    size_t shown = 0;
    bool branch = kh_rubric_ranking_level(x->rubric, i) == KH_LEVEL_BRANCH;
    for (size_t j = 0; j < kh_result_ranking_rows(x->res, i); j++) {
        const kh_rank_row *rr = kh_result_ranking_row(x->res, i, j);
        if (!rr->bottom)
            continue;
        if (shown++)
            kh_buf_puts(out, "、");
        kh_buf_puts(out, rr->name);
        size_t n = branch ? kh_result_branch_unit_count(x->res, rr->ref) : 0;
        for (size_t k = 0; n > 1 && k < n; k++) {
            kh_buf_puts(out, k ? "、" : "（");
            kh_buf_puts(out, kh_assess_unit_name(
                                 x->assess,
                                 kh_result_branch_unit(x->res, rr->ref, k)));
        }
        if (n > 1)
            kh_buf_puts(out, "）");
    }
    if (!shown)
        kh_buf_puts(out, "无");
}

static size_t gn_fu_items(const kh_export *x)
{
    size_t items = 0;
    for (size_t k = 0; k < kh_xp_fu_count(x); k++) {
        const kh_node *it = kh_node_get(kh_xp_fu_unit(x, k), "items");
        items += it && it->type == KH_NODE_SEQ ? it->n : 0;
    }
    return items;
}

static void gn_deadlines(const kh_export *x, kh_gw *g)
{
    if (!gn_fu_items(x)) {
        kh_gw_para(g, GW_BODY, kh_export_is_draft(x)
                                   ? "考核结果公布后登记整改意见和整改期限。"
                                   : "尚未登记整改意见；登记后另行通知整改"
                                     "期限。");
        return;
    }
    static const unsigned w[] = {22, 46, 17, 15};
    kh_gw_table(g, 4, w, "clcc");
    kh_gw_row(g, GW_ROW_HEAD);
    kh_gw_cell(g, "单位");
    kh_gw_cell(g, "整改意见");
    kh_gw_cell(g, "整改期限");
    kh_gw_cell(g, "状态");
    for (size_t k = 0; k < kh_xp_fu_count(x); k++) {
        const kh_node *un = kh_xp_fu_unit(x, k);
        const kh_node *is = kh_node_get(un, "items");
        for (size_t j = 0; is && is->type == KH_NODE_SEQ && j < is->n; j++) {
            const kh_node *it = kh_node_at(is, j);
            bool overdue = kh_xp_fu_true(it, "overdue");
            kh_gw_row(g, overdue ? GW_ROW_MARK : 0);
            kh_gw_cell(g, kh_xp_fu_str(un, "name"));
            kh_gw_cell(g, kh_xp_fu_str(it, "text"));
            kh_gw_cell(g, kh_xp_fu_str(it, "deadline"));
            kh_gw_cell(g, !strcmp(kh_xp_fu_str(it, "status"), "done")
                              ? "已完成"
                              : overdue ? "已逾期" : "整改中");
        }
    }
}

/* The good practices recorded during the year, named in the notice
 * (their texts are in the compilation); nothing when there is none. */
static void gn_practices(const kh_export *x, kh_gw *g, const char *ordinal,
                         kh_buf *t)
{
    size_t n = kh_xp_pr_count(x);
    if (!n)
        return;
    kh_gw_paraf(g, GW_H1, "%s%s", ordinal,
                kh_i18n_zh(", good practices and distinctive experience"));
    kh_buf_reset(t);
    kh_buf_puts(t, kh_i18n_zh("These units' practices are commended and "
                              "compiled for all units to learn from: "));
    for (size_t i = 0; i < n; i++) {
        const kh_node *p = kh_xp_pr_at(x, i);
        kh_buf_printf(t, "%s%s%s%s", i ? kh_i18n_zh("; ") : "",
                      kh_xp_fu_str(p, "name"), kh_i18n_zh(": "),
                      kh_xp_fu_str(p, "title"));
    }
    kh_buf_puts(t, kh_i18n_zh(". See the compilation of good practices."));
    kh_gw_para(g, GW_BODY, kh_buf_str(t));
}

static void gn_notice(const kh_export *x, kh_gw *g)
{
    const kh_rubric *r = x->rubric;
    kh_buf t;
    kh_buf_init(&t, 0);
    kh_buf_printf(&t, "根据《%s》", kh_rubric_title(r));
    if (kh_rubric_document(r))
        kh_buf_printf(&t, "（%s）", kh_rubric_document(r));
    kh_buf_printf(&t, "，经单位自查、实地检查和综合评定，对各单位%d年度落实"
                      "意识形态工作责任制情况进行了考核，各类单位分别排队。"
                      "现将考核结果通报如下。", x->year);
    kh_gw_para(g, GW_BODY, kh_buf_str(&t));
    size_t nr = kh_rubric_ranking_count(r), sec = 0;
    for (size_t i = 0; i < nr; i++) {
        kh_gw_paraf(g, GW_H1, "%s、%s考核结果", gn_ordinal(sec++),
                    kh_rubric_ranking_name(r, i));
        gn_ranking(x, g, i);
    }
    kh_gw_paraf(g, GW_H1, "%s、提醒谈话", gn_ordinal(sec++));
    kh_buf_reset(&t);
    kh_buf_printf(&t, "按照考核办法，对考核排名后%u位的单位，由党委负责同志"
                      "进行提醒谈话，督促其制定整改措施、限期整改：",
                  kh_rubric_bottom_n(r));
    for (size_t i = 0; i < nr; i++) {
        kh_buf_printf(&t, "%s：", kh_rubric_ranking_name(r, i));
        gn_bottom_names(x, i, &t);
        kh_buf_puts(&t, i + 1 < nr ? "；" : "。");
    }
    kh_gw_para(g, GW_BODY, kh_buf_str(&t));
    kh_gw_paraf(g, GW_H1, "%s、整改期限", gn_ordinal(sec++));
    gn_deadlines(x, g);
    kh_gw_para(g, GW_BODY, "各单位要对照考核中发现的问题，认真分析原因，落实"
                           "整改责任，按期完成整改，整改情况报党委宣传部。");
    gn_practices(x, g, gn_ordinal(sec++), &t);
    if (kh_buf_status(&t) != KH_OK && g->st == KH_OK)
        g->st = kh_buf_status(&t);
    kh_buf_free(&t);
}

/* ---- one unit's score sheet ---------------------------------------- */

static bool gn_missing(const kh_export *x, size_t u, size_t item)
{
    for (size_t k = 0; k < kh_result_missing_count(x->res, u); k++)
        if (kh_result_missing_item(x->res, u, k) == item)
            return true;
    return false;
}

static void gn_sheet_items(const kh_export *x, kh_gw *g, size_t u,
                           size_t c, kh_buf *in)
{
    const kh_rubric *r = x->rubric;
    size_t first = kh_rubric_category_first(r, c);
    size_t n = kh_rubric_category_items(r, c);
    char nb[KH_NUM_BUFSZ];
    for (size_t i = first; i < first + n; i++) {
        kh_gw_row(g, 0);
        if (i == first) {
            kh_num_format(kh_rubric_category_max(r, c), nb);
            kh_buf_reset(in);
            kh_buf_printf(in, "%s\n（%s分）", kh_rubric_category_name(r, c),
                          nb);
            kh_gw_cell(g, kh_buf_str(in));
        } else {
            kh_gw_cell(g, "");
        }
        kh_gw_cell(g, kh_rubric_item_id(r, i));
        kh_gw_cell(g, kh_rubric_item_text(r, i));
        gn_num(g, kh_rubric_item_max(r, i));
        if (!kh_result_item_applies(x->res, u, i)) {
            kh_gw_cell_span(g, "不适用", 3);
            continue;
        }
        kh_buf_reset(in);
        kh_xp_inputs(x, u, i, KH_PHASE_INSPECTION, in);
        kh_gw_cell(g, kh_buf_str(in));
        gn_num(g, kh_result_item(x->res, u, i));
        const kh_entry *en = kh_assess_entry(x->assess, u, i,
                                             KH_PHASE_INSPECTION);
        const char *note = en ? kh_entry_note(en) : NULL;
        kh_gw_cell(g, gn_missing(x, u, i) ? "未录入（按0分计）"
                                          : note ? note : "");
    }
    kh_cp sub;
    kh_gw_row(g, GW_ROW_BOLD);
    kh_buf_reset(in);
    kh_buf_printf(in, "%s小计", kh_rubric_category_name(r, c));
    kh_gw_cell_span(g, kh_buf_str(in), 5);
    if (kh_result_category(x->res, u, c, &sub))
        gn_num(g, sub);
    else
        kh_gw_cell(g, "不适用");
    kh_gw_cell(g, "");
}

/* A bold summary row: label, figure, note. */
static void gn_sum_row(kh_gw *g, const char *label, kh_cp v, const char *n)
{
    kh_gw_row(g, GW_ROW_BOLD);
    kh_gw_cell_span(g, label, 5);
    gn_num(g, v);
    kh_gw_cell(g, n);
}

static void gn_records(const kh_export *x, size_t u, bool neg, kh_buf *b)
{
    const kh_assess *a = x->assess;
    size_t n = neg ? kh_assess_negative_count(a, u)
                   : kh_assess_bonus_count(a, u);
    char nb[KH_NUM_BUFSZ];
    kh_buf_reset(b);
    for (size_t j = 0; j < n; j++) {
        kh_num_format(neg ? kh_assess_negative_points(a, u, j)
                          : kh_assess_bonus_points(a, u, j), nb);
        kh_buf_printf(b, "%s%s（%s分）", j ? "；" : "",
                      neg ? kh_assess_negative_reason(a, u, j)
                          : kh_assess_bonus_reason(a, u, j), nb);
    }
}

static void gn_sheet(const kh_export *x, kh_gw *g, size_t u)
{
    const kh_rubric *r = x->rubric;
    const kh_assess *a = x->assess;
    kh_gw_paraf(g, GW_CENTER, "%d年度　单位：%s（%s）", x->year,
                kh_assess_unit_name(a, u), kh_assess_unit_id(a, u));
    kh_gw_paraf(g, GW_CENTER, "类别：%s　所在支部：%s",
                kh_rubric_kind_name(r, kh_assess_unit_kind(a, u)),
                kh_assess_branch_name(a, kh_assess_unit_branch(a, u)));
    static const unsigned w[] = {11, 6, 33, 8, 20, 9, 13};
    kh_gw_table(g, 7, w, "cclrlrl");
    kh_gw_row(g, GW_ROW_HEAD);
    static const char *const head[] = {"考核项目", "序号", "考核要点",
                                       "分值", "检查情况", "得分", "说明"};
    for (size_t c = 0; c < 7; c++)
        kh_gw_cell(g, head[c]);
    kh_buf in;
    kh_buf_init(&in, 0);
    for (size_t c = 0; c < kh_rubric_category_count(r); c++)
        gn_sheet_items(x, g, u, c, &in);
    char nb[KH_NUM_BUFSZ], nb2[KH_NUM_BUFSZ];
    kh_buf_reset(&in);
    kh_buf_printf(&in, "原始分合计（适用满分%s）",
                  kh_xp_num(kh_result_applicable_max(x->res, u), nb));
    gn_sum_row(g, kh_buf_str(&in), kh_result_raw_base(x->res, u), "");
    kh_num_format(kh_rubric_base_max(r), nb2);
    kh_buf_reset(&in);
    kh_buf_printf(&in, "基础分（折算为%s分制）", nb2);
    gn_sum_row(g, kh_buf_str(&in), kh_result_base(x->res, u), "");
    gn_records(x, u, false, &in);
    gn_sum_row(g, "特色加分", kh_result_bonus(x->res, u), kh_buf_str(&in));
    gn_records(x, u, true, &in);
    gn_sum_row(g, "负面清单减分", kh_result_negative(x->res, u),
               kh_buf_str(&in));
    gn_sum_row(g, "总分", kh_result_total(x->res, u), "");
    kh_cp self;
    if (kh_result_self_base(x->res, u, &self))
        kh_gw_paraf(g, GW_NOTE, "自查基础分 %s", kh_xp_num(self, nb));
    kh_gw_para(g, GW_NOTE, "");
    kh_gw_para(g, GW_NOTE, "考核组成员（签字）：＿＿＿＿＿＿＿＿　被考核单位"
                           "负责人（签字）：＿＿＿＿＿＿　日期：＿＿＿＿");
    if (kh_buf_status(&in) != KH_OK && g->st == KH_OK)
        g->st = kh_buf_status(&in);
    kh_buf_free(&in);
}

/* ---- the follow-up report ------------------------------------------ */

/* A frozen score ("82", "81.91") with two decimals, as the tables
 * show scores; the text itself when it is not one. */
static const char *gn_score2(const char *s, char nb[KH_NUM_BUFSZ])
{
    kh_cp v;
    if (kh_num_parse(s, strlen(s), &v) != KH_NUM_OK)
        return s;
    kh_num_format2(v, nb);
    return nb;
}

static void gn_fu_unit(kh_gw *g, const kh_node *un, size_t *items)
{
    char nb[KH_NUM_BUFSZ];
    const kh_node *talks = kh_node_get(un, "talks");
    const kh_node *is = kh_node_get(un, "items");
    size_t nt = talks && talks->type == KH_NODE_SEQ ? talks->n : 0;
    size_t ni = is && is->type == KH_NODE_SEQ ? is->n : 0;
    kh_buf t;
    kh_buf_init(&t, 0);
    for (size_t l = 0; l < (nt + ni ? nt + ni : 1); l++) {
        kh_gw_row(g, 0);
        kh_gw_cell(g, l ? "" : kh_xp_fu_str(un, "name"));
        kh_gw_cell(g, l ? "" : kh_xp_fu_str(un, "rank"));
        kh_gw_cell(g, l ? "" : gn_score2(kh_xp_fu_str(un, "score"), nb));
        kh_buf_reset(&t);
        if (l < nt) {
            const kh_node *tk = kh_node_at(talks, l);
            kh_gw_cell(g, "提醒谈话");
            kh_gw_cell(g, kh_xp_fu_str(tk, "date"));
            kh_buf_printf(&t, "谈话人：%s\n%s", kh_xp_fu_str(tk, "by"),
                          kh_xp_fu_str(tk, "summary"));
            kh_gw_cell(g, kh_buf_str(&t));
            kh_gw_cell(g, "已谈话");
        } else if (l - nt < ni) {
            const kh_node *it = kh_node_at(is, l - nt);
            (*items)++;
            kh_gw_cell(g, "整改意见");
            kh_gw_cell(g, kh_xp_fu_str(it, "deadline"));
            kh_gw_cell(g, kh_xp_fu_str(it, "text"));
            if (!strcmp(kh_xp_fu_str(it, "status"), "done"))
                kh_buf_printf(&t, "已完成（%s）",
                              kh_xp_fu_str(it, "closed_date"));
            else
                kh_buf_puts(&t, kh_xp_fu_true(it, "overdue")
                                    ? "未完成，已逾期" : "未完成");
            kh_gw_cell(g, kh_buf_str(&t));
        } else {
            kh_gw_cell(g, "");
            kh_gw_cell(g, "");
            kh_gw_cell(g, "尚未记录提醒谈话和整改意见");
            kh_gw_cell(g, "");
        }
    }
    kh_buf_free(&t);
}

static void gn_followup(const kh_export *x, kh_gw *g)
{
    kh_gw_paraf(g, GW_CENTER, "截至%s", g->date);
    static const unsigned w[] = {16, 7, 9, 11, 13, 30, 14};
    kh_gw_table(g, 7, w, "ccrcclc");
    kh_gw_row(g, GW_ROW_HEAD);
    static const char *const head[] = {"单位", "名次", "得分", "事项",
                                       "日期或期限", "内容", "状态"};
    for (size_t c = 0; c < 7; c++)
        kh_gw_cell(g, head[c]);
    size_t items = 0;
    for (size_t i = 0; i < kh_xp_fu_count(x); i++)
        gn_fu_unit(g, kh_xp_fu_unit(x, i), &items);
    kh_gw_paraf(g, GW_NOTE, "合计：单位%zu个；整改意见%zu条。",
                kh_xp_fu_count(x), items);
}

/* ---- the compilation of good practices ----------------------------- */

static kh_status gn_compilation(const kh_export *x, kh_gw *g, kh_err *e)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status rc = kh_store_practice_report(x->s, x->year, KH_FOLLOWUP_JSON,
                                            &b, e);
    kh_arena *ar = rc == KH_OK ? kh_arena_new() : NULL;
    kh_doc *d = NULL;
    const kh_node *root = NULL;
    if (rc == KH_OK && !ar)
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
    if (rc == KH_OK)
        rc = kh_doc_open_mem("practices", kh_buf_str(&b), b.len, 'j', e,
                             &d);
    if (rc == KH_OK)
        rc = kh_doc_read(d, ar, &root);
    const kh_node *ps = root ? kh_node_get(root, "practices") : NULL;
    size_t n = ps && ps->type == KH_NODE_SEQ ? ps->n : 0;
    if (rc == KH_OK)
        kh_gw_paraf(g, GW_BODY, "%d年度考核中，各单位在落实意识形态工作"
                    "责任制方面形成了一批有效做法和特色经验，现汇编如下，"
                    "供各单位学习借鉴。", x->year);
    if (rc == KH_OK && !n)
        kh_gw_para(g, GW_BODY, "本年度尚未记录有效做法和特色经验。");
    for (size_t i = 0; rc == KH_OK && i < n; i++) {
        const kh_node *p = kh_node_at(ps, i);
        kh_gw_paraf(g, GW_H1, "%s、%s：%s", gn_ordinal(i),
                    kh_xp_fu_str(p, "name"), kh_xp_fu_str(p, "title"));
        kh_gw_para(g, GW_BODY, kh_xp_fu_str(p, "text"));
    }
    kh_doc_free(d);
    kh_arena_free(ar);
    kh_buf_free(&b);
    return rc;
}

static const char *gn_title(const kh_export *x, kh_gongwen_kind what,
                            kh_buf *t)
{
    kh_buf_reset(t);
    switch (what) {
    case KH_GONGWEN_NOTICE:
        kh_buf_printf(t, "关于%d年度落实意识形态工作责任制考核结果的通报",
                      x->year);
        break;
    case KH_GONGWEN_SHEET:
        kh_buf_puts(t, "意识形态工作责任制考核评分表");
        break;
    case KH_GONGWEN_FOLLOWUP:
        kh_buf_printf(t, "%d年度考核排名后%u位单位提醒谈话与整改情况",
                      x->year, kh_rubric_bottom_n(x->rubric));
        break;
    default:
        kh_buf_printf(t, "%d年度意识形态工作有效做法和特色经验汇编",
                      x->year);
        break;
    }
    return kh_buf_str(t);
}

kh_status kh_gongwen_write(const kh_export *x, kh_gongwen_kind what,
                           size_t u, kh_gongwen_format fmt, kh_buf *out,
                           kh_err *e)
{
    if (what == KH_GONGWEN_FOLLOWUP && kh_export_is_draft(x))
        return kh_err_fail(e, KH_ESTATE, "year %d is not published: it has "
                           "no follow-up yet", x->year);
    kh_gw *g = kh_gw_new();
    if (!g)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    kh_buf t;
    kh_buf_init(&t, 0);
    kh_status rc = gn_frame(x, g, gn_title(x, what, &t),
                            what == KH_GONGWEN_NOTICE, e);
    kh_buf_free(&t);
    if (rc == KH_OK && what == KH_GONGWEN_NOTICE)
        gn_notice(x, g);
    else if (rc == KH_OK && what == KH_GONGWEN_SHEET)
        gn_sheet(x, g, u);
    else if (rc == KH_OK && what == KH_GONGWEN_FOLLOWUP)
        gn_followup(x, g);
    else if (rc == KH_OK)
        rc = gn_compilation(x, g, e);
    if (rc == KH_OK)
        rc = fmt == KH_GONGWEN_PDF ? kh_pdf_write(g, out, e)
                                   : kh_docx_write(g, out, e);
    kh_gw_free(g);
    return rc;
}
