/*
 * export_html.c - the printable pages of a year (A4, print stylesheet):
 * the result notice (考核结果通报) and one unit's score sheet
 * (意识形态工作责任制考核评分表), plus the page frame the follow-up
 * page shares.  Every value goes through the escapers of kaohe/html.h.
 *
 * The stylesheet is one string (kh_export_html_css): a file written by
 * the CLI carries it inline; the web app links it (kh_export_set_css_href)
 * since its Content-Security-Policy refuses inline styles.  No element
 * has a style attribute (the policy would drop it too): column widths
 * are classes.
 */
#include "export_impl.h"

#include <stdint.h>
#include <string.h>

#include "kaohe/html.h"

static const char xh_css[] =
    "@page{size:A4;margin:16mm 14mm 18mm 14mm}\n"
    "@page wide{size:A4 landscape}\n"
    "*{box-sizing:border-box}\n"
    "body{font-family:\"SimSun\",\"Songti SC\",\"Noto Serif CJK SC\","
    "\"WenQuanYi Micro Hei\",serif;font-size:10.5pt;line-height:1.5;"
    "color:#000;margin:0 auto;max-width:182mm}\n"
    "body.wide{max-width:269mm}\n"
    "h1{font-size:17pt;text-align:center;margin:0 0 4mm}\n"
    "h2{font-size:13pt;margin:5mm 0 2mm}\n"
    "p{margin:1.5mm 0;text-indent:2em}\n"
    "p.meta{text-indent:0;text-align:center}\n"
    "table{border-collapse:collapse;width:100%;margin:2mm 0}\n"
    "th,td{border:0.6pt solid #000;padding:1mm 1.5mm;vertical-align:middle}"
    "\n"
    "th{background:#e7e6e6;font-weight:bold;text-align:center}\n"
    "thead{display:table-header-group}\n"
    "tr{break-inside:avoid;page-break-inside:avoid}\n"
    "td.n{text-align:right;white-space:nowrap;"
    "font-variant-numeric:tabular-nums}\n"
    "td.c{text-align:center;white-space:nowrap}\n"
    "tr.bottom td{background:#f8cbad}\n"
    "tr.cat td{background:#f2f2f2;font-weight:bold}\n"
    "tr.sum td{font-weight:bold}\n"
    "td.small,span.small{font-size:9pt}\n"
    "table.rank{font-size:9.5pt}\n"
    "table.rank td.name{min-width:6.5em;overflow-wrap:anywhere}\n"
    "table.sheet{table-layout:fixed;font-size:9pt;line-height:1.35}\n"
    "table.sheet td{padding:0.6mm 1.2mm}\n"
    "table.sheet td.small{font-size:8.5pt}\n"
    "col.w5{width:5%}\ncol.w7{width:7%}\ncol.w11{width:11%}\n"
    "col.w16{width:16%}\ncol.w20{width:20%}\ncol.w34{width:34%}\n"
    "body.wide{page:wide}\n"
    ".overdue{color:#c00000;font-weight:bold}\n"
    ".sign{margin-top:10mm;display:flex;justify-content:space-between}\n"
    ".foot{margin-top:6mm;font-size:8.5pt;color:#555;text-indent:0}\n"
    ".draft-mark{position:fixed;top:40%;left:0;right:0;text-align:center;"
    "font-size:120pt;color:rgba(192,0,0,0.12);transform:rotate(-30deg);"
    "z-index:-1;pointer-events:none}\n"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "@media screen{body{padding:10mm}}\n"
    /* The web app's bar of downloads (kh_export_set_screen_html): on
     * screen only, never on paper. */
    "nav.files{display:flex;flex-wrap:wrap;gap:2mm 4mm;margin:0 0 5mm;"
    "padding:2mm 0;border-bottom:0.6pt solid #999;font-family:sans-serif}\n"
    "nav.files a{display:inline-block;min-height:40px;line-height:40px;"
    "padding:0 3mm;border:0.6pt solid #555;color:#000;"
    "text-decoration:none}\n"
    "@media print{nav.files{display:none}}\n"
    /* A phone reflows the page instead of showing the A4 width: the text
     * wraps at the screen's width, tables tighten, the notice's category
     * columns (absent from the 公文 too) are left out, and the follow-up
     * report's rows become cards, each value named by its column
     * (data-label).  Print keeps the A4 layout above. */
    "@media screen and (max-width:640px){"
    "body,body.wide{max-width:none;padding:3mm 2.5mm;font-size:15px}"
    "h1{font-size:19px}h2{font-size:16px}"
    "p.meta{text-align:left}"
    "table,table.rank,table.sheet{font-size:12.5px;line-height:1.4}"
    "th,td,table.sheet td{padding:0.8mm 1mm}"
    "td,th{overflow-wrap:anywhere}"
    ".cat{display:none}"
    "table.rank td.name{min-width:0}"
    "table.sheet thead{display:none}"
    "table.sheet,table.sheet tbody,table.sheet tr,table.sheet td"
    "{display:block}"
    "table.sheet{font-size:14px}"
    "table.sheet td,table.sheet td.small{border:0;padding:0.3mm 1mm;"
    "text-align:left;font-size:14px;white-space:normal}"
    "table.sheet tr{border-bottom:0.6pt solid #bbb;padding:1.5mm 0}"
    "table.sheet td.cat-name{margin-top:4mm;padding:1mm;"
    "border-top:0.6pt solid #000;border-bottom:0.6pt solid #000;"
    "font-weight:bold;font-size:16px}"
    "table.sheet td.item-id,table.sheet td.item-text{display:inline;"
    "font-weight:bold}"
    "table.sheet td:empty{display:none}"
    "table.sheet tr.sum td{display:inline-block}"
    "table.sheet td[data-label]:not(.item-id):not(.item-text)::before"
    "{content:attr(data-label) \"：\";color:#555}"
    ".sign{flex-direction:column;gap:4mm}"
    ".draft-mark{font-size:64pt}"
    "table.fu thead{display:none}"
    "table.fu,table.fu tbody,table.fu tr,table.fu td{display:block}"
    "table.fu td{border:0;padding:0.3mm 1mm;text-align:left}"
    "table.fu td.unit{margin-top:3mm;padding-top:2mm;"
    "border-top:0.6pt solid #000;font-weight:bold}"
    "table.fu tr{margin-bottom:2mm}"
    "table.fu td:empty{display:none}"
    "table.fu td[data-label]::before{content:attr(data-label) \"：\";"
    "color:#555;font-weight:normal}}\n";

const char *kh_export_html_css(void)
{
    return xh_css;
}

void kh_xp_html_head(const kh_export *x, kh_buf *out, const char *title,
                     bool wide)
{
    kh_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n"
                     "<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width\">\n"
                     "<meta name=\"kaohe-audit-head\" content=\"");
    kh_html_attr(out, x->audit_head);
    kh_buf_puts(out, "\">\n<title>");
    kh_html_text(out, title);
    kh_html_text(out, kh_xp_draft_mark(x));
    if (x->css_href) {
        kh_buf_puts(out, "</title>\n<link rel=\"stylesheet\" href=\"");
        kh_html_attr(out, x->css_href);
        kh_buf_puts(out, "\">\n</head>\n");
    } else {
        kh_buf_printf(out, "</title>\n<style>\n%s</style>\n</head>\n",
                      xh_css);
    }
    kh_buf_printf(out, "<body%s>\n", wide ? " class=\"wide\"" : "");
    if (x->screen_html)
        kh_buf_puts(out, x->screen_html);
    if (kh_export_is_draft(x))
        kh_buf_puts(out, "<div class=\"draft-mark\" aria-hidden=\"true\">"
                         "草稿</div>\n");
}

/* The closing line: Chinese date, the year's state and the short
 * verification code (核验码, kh_export_code). */
void kh_xp_html_foot(const kh_export *x, kh_buf *out)
{
    char date[KH_XP_DATE_CN_SZ], code[KH_EXPORT_CODE_SZ];
    kh_buf_printf(out, "<p class=\"foot\">生成于 %s；年度状态：",
                  kh_xp_date_cn(x->today, date));
    kh_html_text(out, kh_year_state_label(x->state));
    kh_buf_printf(out, "；核验码 <span class=\"code\">%s</span></p>\n"
                       "</body>\n</html>\n",
                  kh_export_code(x, code));
}

static void xh_num_cls(kh_buf *out, const char *cls, kh_cp v)
{
    char nb[KH_NUM_BUFSZ];
    kh_buf_printf(out, "<td class=\"%s\">%s</td>", cls, kh_xp_num(v, nb));
}

static void xh_num(kh_buf *out, kh_cp v)
{
    xh_num_cls(out, "n", v);
}

static void xh_td(kh_buf *out, const char *cls, const char *s)
{
    if (cls)
        kh_buf_printf(out, "<td class=\"%s\">", cls);
    else
        kh_buf_puts(out, "<td>");
    kh_html_text(out, s);
    kh_buf_puts(out, "</td>");
}

/* The score sheet's columns; each item cell names its column
 * (data-label) so a phone shows an item as a card. */
#define XH_SHEET_COLS 7
static const char *const xh_sheet_heads[XH_SHEET_COLS] = {
    "考核项目", "序号", "考核要点", "分值", "检查情况", "得分", "说明"};

/* A cell of the sheet's column k: class cls, its column's name, s. */
static void xh_sheet_td(kh_buf *out, const char *cls, size_t k, const char *s)
{
    kh_buf_printf(out, "<td class=\"%s\" data-label=\"%s\">", cls,
                  xh_sheet_heads[k]);
    kh_html_text(out, s);
    kh_buf_puts(out, "</td>");
}

static void xh_sheet_num(kh_buf *out, size_t k, kh_cp v)
{
    char nb[KH_NUM_BUFSZ];
    xh_sheet_td(out, "n", k, kh_xp_num(v, nb));
}

static const char *const xh_cn_num[] = {"一", "二", "三", "四", "五",
                                        "六", "七", "八", "九", "十"};

static const char *xh_ordinal(size_t i)
{
    return i < 10 ? xh_cn_num[i] : "十余";
}

/* ---- the result notice --------------------------------------------- */

static void xh_ranking(const kh_export *x, size_t i, kh_buf *out)
{
    const kh_rubric *r = x->rubric;
    size_t nc = kh_rubric_category_count(r);
    kh_buf_puts(out, "<table class=\"rank\">\n<thead><tr><th>名次</th>"
                     "<th>名称</th>");
    for (size_t c = 0; c < nc; c++) {
        kh_buf_puts(out, "<th class=\"cat\">");
        kh_html_text(out, kh_rubric_category_name(r, c));
        kh_buf_puts(out, "</th>");
    }
    kh_buf_printf(out, "<th>基础分</th><th>加分</th><th>减分</th>"
                       "<th>总分</th><th>备注</th></tr></thead>\n<tbody>\n");
    for (size_t j = 0; j < kh_result_ranking_rows(x->res, i); j++) {
        const kh_rank_row *rr = kh_result_ranking_row(x->res, i, j);
        size_t u = kh_xp_row_unit(x, i, rr);
        kh_buf_printf(out, "<tr%s><td class=\"c\">%u</td>",
                      rr->bottom ? " class=\"bottom\"" : "", rr->rank);
        xh_td(out, "name", rr->name);
        for (size_t c = 0; c < nc; c++) {
            kh_cp v;
            if (u != SIZE_MAX && kh_result_category(x->res, u, c, &v))
                xh_num_cls(out, "n cat", v);
            else
                kh_buf_puts(out, "<td class=\"cat\"></td>");
        }
        if (u != SIZE_MAX) {
            xh_num(out, kh_result_base(x->res, u));
            xh_num(out, kh_result_bonus(x->res, u));
            xh_num(out, kh_result_negative(x->res, u));
        } else {
            kh_buf_puts(out, "<td></td><td></td><td></td>");
        }
        xh_num(out, rr->score);
        if (rr->bottom)
            kh_buf_printf(out, "<td class=\"c\">排名后%u位</td></tr>\n",
                          kh_rubric_bottom_n(r));
        else
            kh_buf_puts(out, "<td></td></tr>\n");
    }
    kh_buf_puts(out, "</tbody>\n</table>\n");
}

/* The units named for a reminder talk in ranking i ("甲、乙（丙支部：
 * 丁、戊）"). */
static void xh_bottom_names(const kh_export *x, size_t i, kh_buf *out)
{
    size_t shown = 0;
    bool branch = kh_rubric_ranking_level(x->rubric, i) == KH_LEVEL_BRANCH;
    for (size_t j = 0; j < kh_result_ranking_rows(x->res, i); j++) {
        const kh_rank_row *rr = kh_result_ranking_row(x->res, i, j);
        if (!rr->bottom)
            continue;
        if (shown++)
            kh_buf_puts(out, "、");
        kh_html_text(out, rr->name);
        size_t n = branch ? kh_result_branch_unit_count(x->res, rr->ref) : 0;
        if (n > 1) {
            kh_buf_puts(out, "（");
            for (size_t k = 0; k < n; k++) {
                if (k)
                    kh_buf_puts(out, "、");
                kh_html_text(out, kh_assess_unit_name(
                                      x->assess, kh_result_branch_unit(
                                                     x->res, rr->ref, k)));
            }
            kh_buf_puts(out, "）");
        }
    }
    if (!shown)
        kh_buf_puts(out, "无");
}

kh_status kh_export_html_notice(const kh_export *x, kh_buf *out)
{
    const kh_rubric *r = x->rubric;
    char date[KH_XP_DATE_CN_SZ];
    kh_buf t;
    kh_buf_init(&t, 0);
    kh_buf_printf(&t, "关于 %d 年度落实意识形态工作责任制考核结果的通报",
                  x->year);
    kh_xp_html_head(x, out, kh_buf_str(&t), false);
    kh_buf_puts(out, "<h1>");
    kh_html_text(out, kh_buf_str(&t));
    kh_html_text(out, kh_xp_draft_mark(x));
    kh_buf_puts(out, "</h1>\n");
    kh_buf_free(&t);
    kh_buf_printf(out, "<p>根据《");
    kh_html_text(out, kh_rubric_title(r));
    kh_buf_puts(out, "》");
    if (kh_rubric_document(r)) {
        kh_buf_puts(out, "（");
        kh_html_text(out, kh_rubric_document(r));
        kh_buf_puts(out, "）");
    }
    kh_buf_printf(out, "，经单位自查、实地检查和综合评定，对各单位 %d "
                       "年度落实意识形态工作责任制情况进行了考核，各类单位"
                       "分别排队。现将考核结果通报如下。</p>\n",
                  x->year);
    size_t nr = kh_rubric_ranking_count(r);
    size_t sec = 0;
    for (size_t i = 0; i < nr; i++) {
        kh_buf_printf(out, "<h2>%s、", xh_ordinal(sec++));
        kh_html_text(out, kh_rubric_ranking_name(r, i));
        kh_buf_puts(out, "考核结果</h2>\n");
        xh_ranking(x, i, out);
    }
    kh_buf_printf(out, "<h2>%s、提醒谈话</h2>\n", xh_ordinal(sec++));
    kh_buf_printf(out, "<p>按照考核办法，对考核排名后%u位的单位，由党委"
                       "负责同志进行提醒谈话，督促其制定整改措施、限期整改：",
                  kh_rubric_bottom_n(r));
    for (size_t i = 0; i < nr; i++) {
        kh_html_text(out, kh_rubric_ranking_name(r, i));
        kh_buf_puts(out, "：");
        xh_bottom_names(x, i, out);
        kh_buf_puts(out, i + 1 < nr ? "；" : "。");
    }
    kh_buf_puts(out, "</p>\n");

    kh_buf_printf(out, "<h2>%s、整改期限</h2>\n", xh_ordinal(sec++));
    size_t items = 0;
    for (size_t k = 0; k < kh_xp_fu_count(x); k++) {
        const kh_node *it = kh_node_get(kh_xp_fu_unit(x, k), "items");
        items += it && it->type == KH_NODE_SEQ ? it->n : 0;
    }
    if (!items) {
        kh_buf_puts(out, "<p>");
        kh_buf_puts(out, kh_export_is_draft(x)
                             ? "考核结果公布后登记整改意见和整改期限。"
                             : "尚未登记整改意见；登记后另行通知整改期限。");
        kh_buf_puts(out, "</p>\n");
    } else {
        kh_buf_puts(out, "<table>\n<thead><tr><th>单位</th><th>整改意见</th>"
                         "<th>整改期限</th><th>状态</th></tr></thead>\n"
                         "<tbody>\n");
        for (size_t k = 0; k < kh_xp_fu_count(x); k++) {
            const kh_node *un = kh_xp_fu_unit(x, k);
            const kh_node *is = kh_node_get(un, "items");
            for (size_t j = 0; is && is->type == KH_NODE_SEQ && j < is->n;
                 j++) {
                const kh_node *it = kh_node_at(is, j);
                kh_buf_puts(out, "<tr>");
                xh_td(out, "c", kh_xp_fu_str(un, "name"));
                xh_td(out, NULL, kh_xp_fu_str(it, "text"));
                xh_td(out, "c", kh_xp_fu_str(it, "deadline"));
                if (!strcmp(kh_xp_fu_str(it, "status"), "done"))
                    xh_td(out, "c", "已完成");
                else if (kh_xp_fu_true(it, "overdue"))
                    kh_buf_puts(out, "<td class=\"c overdue\">已逾期</td>");
                else
                    xh_td(out, "c", "整改中");
                kh_buf_puts(out, "</tr>\n");
            }
        }
        kh_buf_puts(out, "</tbody>\n</table>\n");
    }
    kh_buf_puts(out, "<p>各单位要对照考核中发现的问题，认真分析原因，"
                     "落实整改责任，按期完成整改，整改情况报党委宣传部。"
                     "</p>\n");
    kh_xp_practices_html(x, xh_ordinal(sec++), out);
    kh_buf_printf(out, "<p class=\"meta date\">%s</p>\n",
                  kh_xp_date_cn(x->today, date));
    kh_xp_html_foot(x, out);
    return kh_buf_status(out);
}

/* ---- one unit's score sheet ---------------------------------------- */

kh_status kh_export_html_sheet(const kh_export *x, size_t u, kh_buf *out)
{
    const kh_rubric *r = x->rubric;
    const kh_assess *a = x->assess;
    kh_xp_html_head(x, out, "意识形态工作责任制考核评分表", false);
    kh_buf_puts(out, "<h1>意识形态工作责任制考核评分表");
    kh_html_text(out, kh_xp_draft_mark(x));
    kh_buf_puts(out, "</h1>\n<p class=\"meta\">");
    kh_buf_printf(out, "%d 年度　单位：", x->year);
    kh_html_text(out, kh_assess_unit_name(a, u));
    kh_buf_puts(out, "　类别：");
    kh_html_text(out, kh_rubric_kind_name(r, kh_assess_unit_kind(a, u)));
    kh_buf_puts(out, "　所在支部：");
    kh_html_text(out, kh_assess_branch_name(a, kh_assess_unit_branch(a, u)));
    kh_buf_puts(out, "</p>\n<table class=\"sheet\">\n<colgroup>"
                     "<col class=\"w11\"><col class=\"w5\">"
                     "<col class=\"w34\"><col class=\"w7\">"
                     "<col class=\"w20\"><col class=\"w7\">"
                     "<col class=\"w16\"></colgroup>\n<thead><tr>");
    for (size_t k = 0; k < XH_SHEET_COLS; k++)
        kh_buf_printf(out, "<th>%s</th>", xh_sheet_heads[k]);
    kh_buf_puts(out, "</tr></thead>\n<tbody>\n");
    kh_buf in;
    kh_buf_init(&in, 0);
    size_t nm = kh_result_missing_count(x->res, u);
    for (size_t c = 0; c < kh_rubric_category_count(r); c++) {
        size_t first = kh_rubric_category_first(r, c);
        size_t n = kh_rubric_category_items(r, c);
        for (size_t i = first; i < first + n; i++) {
            bool applies = kh_result_item_applies(x->res, u, i);
            kh_buf_puts(out, "<tr>");
            if (i == first) {
                kh_buf_printf(out, "<td class=\"c cat-name\" rowspan=\"%zu\">",
                              n);
                kh_html_text(out, kh_rubric_category_name(r, c));
                char nb[KH_NUM_BUFSZ];
                kh_num_format(kh_rubric_category_max(r, c), nb);
                kh_buf_printf(out, "<br>（%s 分）</td>", nb);
            }
            xh_sheet_td(out, "c item-id", 1, kh_rubric_item_id(r, i));
            xh_sheet_td(out, "small item-text", 2, kh_rubric_item_text(r, i));
            xh_sheet_num(out, 3, kh_rubric_item_max(r, i));
            if (!applies) {
                kh_buf_puts(out, "<td class=\"c\" colspan=\"3\">不适用"
                                 "</td></tr>\n");
                continue;
            }
            kh_buf_reset(&in);
            kh_xp_inputs(x, u, i, KH_PHASE_INSPECTION, &in);
            xh_sheet_td(out, "small", 4, kh_buf_str(&in));
            xh_sheet_num(out, 5, kh_result_item(x->res, u, i));
            bool missing = false;
            for (size_t k = 0; k < nm; k++)
                if (kh_result_missing_item(x->res, u, k) == i)
                    missing = true;
            const kh_entry *en = kh_assess_entry(a, u, i,
                                                 KH_PHASE_INSPECTION);
            const char *note = en ? kh_entry_note(en) : NULL;
            xh_sheet_td(out, "small", 6, missing ? "未录入（按 0 分计）"
                                                 : note ? note : "");
            kh_buf_puts(out, "</tr>\n");
        }
        kh_cp sub;
        kh_buf_puts(out, "<tr class=\"sum\"><td colspan=\"5\">");
        kh_html_text(out, kh_rubric_category_name(r, c));
        kh_buf_puts(out, " 小计</td>");
        if (kh_result_category(x->res, u, c, &sub))
            xh_num(out, sub);
        else
            kh_buf_puts(out, "<td class=\"c\">不适用</td>");
        kh_buf_puts(out, "<td></td></tr>\n");
    }
    kh_buf_free(&in);
    char nb[KH_NUM_BUFSZ], nb2[KH_NUM_BUFSZ];
    kh_buf_printf(out, "<tr class=\"sum\"><td colspan=\"5\">原始分合计"
                       "（适用满分 %s）</td>",
                  kh_xp_num(kh_result_applicable_max(x->res, u), nb));
    xh_num(out, kh_result_raw_base(x->res, u));
    kh_buf_puts(out, "<td></td></tr>\n");
    kh_num_format(kh_rubric_base_max(r), nb2);
    kh_buf_printf(out, "<tr class=\"sum\"><td colspan=\"5\">基础分（折算为 "
                       "%s 分制）</td>", nb2);
    xh_num(out, kh_result_base(x->res, u));
    kh_buf_puts(out, "<td></td></tr>\n");
    for (int neg = 0; neg < 2; neg++) {
        kh_buf_printf(out, "<tr class=\"sum\"><td colspan=\"5\">%s</td>",
                      neg ? "负面清单减分" : "特色加分");
        xh_num(out, neg ? kh_result_negative(x->res, u)
                        : kh_result_bonus(x->res, u));
        kh_buf_puts(out, "<td class=\"small\">");
        size_t n = neg ? kh_assess_negative_count(a, u)
                       : kh_assess_bonus_count(a, u);
        for (size_t j = 0; j < n; j++) {
            if (j)
                kh_buf_puts(out, "；");
            kh_html_text(out, neg ? kh_assess_negative_reason(a, u, j)
                                  : kh_assess_bonus_reason(a, u, j));
            kh_num_format(neg ? kh_assess_negative_points(a, u, j)
                              : kh_assess_bonus_points(a, u, j), nb);
            kh_buf_printf(out, "（%s 分）", nb);
        }
        kh_buf_puts(out, "</td></tr>\n");
    }
    kh_buf_puts(out, "<tr class=\"sum\"><td colspan=\"5\">总分</td>");
    xh_num(out, kh_result_total(x->res, u));
    kh_buf_puts(out, "<td></td></tr>\n</tbody>\n</table>\n");
    kh_cp self;
    if (kh_result_self_base(x->res, u, &self))
        kh_buf_printf(out, "<p class=\"meta\">自查基础分 %s</p>\n",
                      kh_xp_num(self, nb));
    kh_buf_puts(out, "<div class=\"sign\"><span>考核组成员（签字）："
                     "＿＿＿＿＿＿＿＿</span><span>被考核单位负责人（签字）："
                     "＿＿＿＿＿＿</span><span>日期：＿＿＿＿＿＿</span>"
                     "</div>\n");
    kh_xp_html_foot(x, out);
    return kh_buf_status(out);
}
