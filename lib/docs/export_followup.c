/*
 * export_followup.c - the follow-up report of a published year (考核结果
 * 运用: each bottom unit's reminder talks and rectification items with
 * status and overdue marks) as CSV and as a printable page.  The records
 * come from kh_store_followup_report (read by lib/docs/export.c), whose
 * items come most urgent first (deadline colours, docs/FOLLOWUP.md); the
 * printable page labels each item's colour.  The table listing stays
 * `kaohe followup list`.
 *
 * CSV layout: UTF-8 with BOM, CRLF; one row per talk or item, a unit
 * without records gets one row; columns 单位编号,单位名称,排名类别,名次,
 * 得分,事项,编号,日期或期限,谈话人,内容,状态,完成日期,逾期,证据.
 */
#include "export_impl.h"

#include <string.h>

#include "kaohe/html.h"
#include "kaohe/i18n.h"
#include "kaohe/report.h"
#include "kaohe/store_followup.h"

static kh_status xf_require(const kh_export *x, kh_err *e)
{
    if (kh_export_is_draft(x))
        return kh_err_fail(e, KH_ESTATE, "year %d is not published (state "
                           "%s): it has no follow-up", x->year,
                           kh_year_state_name(x->state));
    return KH_OK;
}

static const char *xf_ranking_name(const kh_export *x, const kh_node *un)
{
    const char *id = kh_xp_fu_str(un, "ranking");
    for (size_t k = 0; k < kh_rubric_ranking_count(x->rubric); k++)
        if (!strcmp(kh_rubric_ranking_id(x->rubric, k), id))
            return kh_rubric_ranking_name(x->rubric, k);
    return "";
}

static size_t xf_len(const kh_node *n)
{
    return n && n->type == KH_NODE_SEQ ? n->n : 0;
}

static void xf_csv_row(kh_buf *out, const char *const *cells, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            kh_buf_putc(out, ',');
        kh_csv_cell(out, cells[i]);
    }
    kh_buf_puts(out, "\r\n");
}

kh_status kh_export_followup_csv(const kh_export *x, kh_buf *out, kh_err *e)
{
    kh_status rc = xf_require(x, e);
    if (rc != KH_OK)
        return rc;
    static const char *const head[] = {
        "单位编号", "单位名称", "排名类别", "名次", "得分", "事项", "编号",
        "日期或期限", "谈话人", "内容", "状态", "完成日期", "逾期", "证据"};
    kh_buf_puts(out, "\xEF\xBB\xBF");
    xf_csv_row(out, head, 14);
    for (size_t i = 0; i < kh_xp_fu_count(x); i++) {
        const kh_node *un = kh_xp_fu_unit(x, i);
        const kh_node *talks = kh_node_get(un, "talks");
        const kh_node *items = kh_node_get(un, "items");
        size_t nt = xf_len(talks), ni = xf_len(items);
        for (size_t l = 0; l < (nt + ni ? nt + ni : 1); l++) {
            const char *c[14] = {
                kh_xp_fu_str(un, "unit"), kh_xp_fu_str(un, "name"),
                xf_ranking_name(x, un), kh_xp_fu_str(un, "rank"),
                kh_xp_fu_str(un, "score"), "", "", "", "", "", "", "", "",
                ""};
            if (l < nt) {
                const kh_node *t = kh_node_at(talks, l);
                c[5] = "提醒谈话";
                c[6] = kh_xp_fu_str(t, "id");
                c[7] = kh_xp_fu_str(t, "date");
                c[8] = kh_xp_fu_str(t, "by");
                c[9] = kh_xp_fu_str(t, "summary");
            } else if (l - nt < ni) {
                const kh_node *it = kh_node_at(items, l - nt);
                bool done = !strcmp(kh_xp_fu_str(it, "status"), "done");
                c[5] = "整改意见";
                c[6] = kh_xp_fu_str(it, "id");
                c[7] = kh_xp_fu_str(it, "deadline");
                c[9] = kh_xp_fu_str(it, "text");
                c[10] = done ? "已完成" : "未完成";
                c[11] = kh_xp_fu_str(it, "closed_date");
                c[12] = kh_xp_fu_true(it, "overdue") ? "是" : "否";
                c[13] = kh_xp_fu_str(it, "evidence");
            } else {
                c[9] = "尚未记录";
            }
            xf_csv_row(out, c, 14);
        }
    }
    return kh_buf_status(out);
}

/* The report's columns; each cell names its column (data-label) so a
 * phone can show a unit as a card (the stylesheet, kh_export_html_css). */
#define XF_COLS 8
static const char *const xf_heads[XF_COLS] = {
    "单位", "排名类别", "名次", "得分", "事项", "日期或期限", "内容", "状态"};

/* Opens a cell of column k: its class (may be NULL), rowspan (0: none)
 * and its column's name. */
static void xf_td(kh_buf *out, const char *cls, size_t rowspan, size_t k)
{
    kh_buf_puts(out, "<td");
    if (cls)
        kh_buf_printf(out, " class=\"%s\"", cls);
    if (rowspan)
        kh_buf_printf(out, " rowspan=\"%zu\"", rowspan);
    kh_buf_printf(out, " data-label=\"%s\">", xf_heads[k]);
}

/* The item's deadline colour as a text label (colour is not the only
 * signal; docs/FOLLOWUP.md), shown under its text. */
static void xf_colour(kh_buf *out, const kh_node *it)
{
    const char *name = kh_xp_fu_str(it, "colour");
    for (int k = KH_FOLLOWUP_RED; k <= KH_FOLLOWUP_GREY; k++) {
        if (strcmp(name, kh_followup_colour_name(k)) != 0)
            continue;
        kh_buf_printf(out, "<br><span class=\"fu fu-%s\">", name);
        kh_html_text(out, kh_i18n_zh(kh_followup_colour_label(k)));
        kh_buf_puts(out, "</span>");
    }
}

kh_status kh_export_followup_html(const kh_export *x, kh_buf *out, kh_err *e)
{
    kh_status rc = xf_require(x, e);
    if (rc != KH_OK)
        return rc;
    kh_buf t;
    kh_buf_init(&t, 0);
    kh_buf_printf(&t, "%d 年度考核排名后%u位单位提醒谈话与整改情况", x->year,
                  kh_rubric_bottom_n(x->rubric));
    kh_xp_html_head(x, out, kh_buf_str(&t), true);
    kh_buf_puts(out, "<h1>");
    kh_html_text(out, kh_buf_str(&t));
    kh_buf_puts(out, "</h1>\n");
    kh_buf_free(&t);
    char date[KH_XP_DATE_CN_SZ];
    kh_buf_printf(out, "<p class=\"meta\">截至 %s</p>\n",
                  kh_xp_date_cn(x->today, date));
    size_t nitems = 0, ndone = 0, noverdue = 0;
    char day[KH_XP_DATE_CN_SZ];    /* days as 2026年3月31日 */
    kh_buf_puts(out, "<table class=\"fu\">\n<thead><tr>");
    for (size_t k = 0; k < XF_COLS; k++)
        kh_buf_printf(out, "<th>%s</th>", xf_heads[k]);
    kh_buf_puts(out, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < kh_xp_fu_count(x); i++) {
        const kh_node *un = kh_xp_fu_unit(x, i);
        const kh_node *talks = kh_node_get(un, "talks");
        const kh_node *items = kh_node_get(un, "items");
        size_t nt = xf_len(talks), ni = xf_len(items);
        size_t lines = nt + ni ? nt + ni : 1;
        for (size_t l = 0; l < lines; l++) {
            kh_buf_puts(out, "<tr>");
            if (l == 0) {
                kh_buf_printf(out, "<td class=\"unit\" rowspan=\"%zu\">",
                              lines);
                kh_html_text(out, kh_xp_fu_str(un, "name"));
                kh_buf_puts(out, "</td>");
                xf_td(out, NULL, lines, 1);
                kh_html_text(out, xf_ranking_name(x, un));
                kh_buf_puts(out, "</td>");
                xf_td(out, "c", lines, 2);
                kh_html_text(out, kh_xp_fu_str(un, "rank"));
                kh_buf_puts(out, "</td>");
                xf_td(out, "n", lines, 3);
                kh_html_text(out, kh_xp_fu_str(un, "score"));
                kh_buf_puts(out, "</td>");
            }
            if (l < nt) {
                const kh_node *tk = kh_node_at(talks, l);
                xf_td(out, "c", 0, 4);
                kh_buf_puts(out, "提醒谈话</td>");
                xf_td(out, "c", 0, 5);
                kh_html_text(out, kh_xp_date_cn(kh_xp_fu_str(tk, "date"), day));
                kh_buf_puts(out, "</td>");
                xf_td(out, NULL, 0, 6);
                kh_buf_puts(out, "谈话人：");
                kh_html_text(out, kh_xp_fu_str(tk, "by"));
                kh_buf_puts(out, "<br>");
                kh_html_text(out, kh_xp_fu_str(tk, "summary"));
                kh_buf_puts(out, "</td>");
                xf_td(out, "c", 0, 7);
                kh_buf_puts(out, "已谈话</td>");
            } else if (l - nt < ni) {
                const kh_node *it = kh_node_at(items, l - nt);
                bool done = !strcmp(kh_xp_fu_str(it, "status"), "done");
                bool overdue = kh_xp_fu_true(it, "overdue");
                nitems++;
                ndone += done;
                noverdue += overdue;
                xf_td(out, "c", 0, 4);
                kh_buf_puts(out, "整改意见</td>");
                xf_td(out, "c", 0, 5);
                kh_html_text(out, kh_xp_date_cn(kh_xp_fu_str(it, "deadline"),
                                                day));
                kh_buf_puts(out, "</td>");
                xf_td(out, NULL, 0, 6);
                kh_html_text(out, kh_xp_fu_str(it, "text"));
                xf_colour(out, it);
                kh_buf_puts(out, "</td>");
                xf_td(out, overdue && !done ? "c overdue" : "c", 0, 7);
                if (done) {
                    kh_buf_puts(out, "已完成（");
                    kh_html_text(out, kh_xp_date_cn(kh_xp_fu_str(it, "closed_date"),
                                                    day));
                    kh_buf_puts(out, "）</td>");
                } else {
                    kh_buf_puts(out, overdue ? "未完成，已逾期</td>"
                                             : "未完成</td>");
                }
            } else {
                kh_buf_puts(out, "<td></td><td></td><td>尚未记录提醒谈话"
                                 "和整改意见</td><td></td>");
            }
            kh_buf_puts(out, "</tr>\n");
        }
    }
    kh_buf_puts(out, "</tbody>\n</table>\n");
    kh_buf_printf(out, "<p>合计：单位 %zu 个；整改意见 %zu 条，已完成 %zu "
                       "条，逾期 %zu 条。</p>\n",
                  kh_xp_fu_count(x), nitems, ndone, noverdue);
    kh_xp_html_foot(x, out);
    return kh_buf_status(out);
}

/* ---- good practices ------------------------------------------------ */

void kh_xp_practices_html(const kh_export *x, const char *ordinal,
                          kh_buf *out)
{
    size_t n = kh_xp_pr_count(x);
    if (!n)
        return;
    kh_buf_printf(out, "<h2>%s%s</h2>\n<p>", ordinal,
                  kh_i18n_zh(", good practices and distinctive experience"));
    kh_buf_puts(out, kh_i18n_zh("These units' practices are commended and "
                                "compiled for all units to learn from: "));
    for (size_t i = 0; i < n; i++) {
        const kh_node *p = kh_xp_pr_at(x, i);
        if (i)
            kh_buf_puts(out, kh_i18n_zh("; "));
        kh_html_text(out, kh_xp_fu_str(p, "name"));
        kh_buf_puts(out, kh_i18n_zh(": "));
        kh_html_text(out, kh_xp_fu_str(p, "title"));
    }
    kh_buf_puts(out, kh_i18n_zh(". See the compilation of good practices."));
    kh_buf_puts(out, "</p>\n");
}

kh_status kh_export_compilation_html(const kh_export *x, kh_buf *out,
                                     kh_err *e)
{
    kh_status rc = xf_require(x, e);
    if (rc != KH_OK)
        return rc;
    kh_buf t;
    kh_buf_init(&t, 0);
    kh_buf_printf(&t, kh_i18n_zh("Good practices and distinctive experience "
                                 "of year %d: a compilation"),
                  x->year);
    kh_xp_html_head(x, out, kh_buf_str(&t), false);
    kh_buf_puts(out, "<h1>");
    kh_html_text(out, kh_buf_str(&t));
    kh_buf_puts(out, "</h1>\n");
    kh_buf_free(&t);
    size_t n = kh_xp_pr_count(x);
    if (!n) {
        kh_buf_printf(out, "<p>%s</p>\n",
                      kh_i18n_zh("No good practice was recorded this year."));
    }
    for (size_t i = 0; i < n; i++) {
        const kh_node *p = kh_xp_pr_at(x, i);
        kh_buf_printf(out, "<section class=\"practice\" id=\"practice-%s\">"
                           "<h2>%zu. ", kh_xp_fu_str(p, "id"), i + 1);
        kh_html_text(out, kh_xp_fu_str(p, "title"));
        kh_buf_puts(out, "</h2>\n<p class=\"meta\">");
        kh_html_text(out, kh_xp_fu_str(p, "name"));
        kh_buf_puts(out, "</p>\n<p>");
        kh_html_text(out, kh_xp_fu_str(p, "text"));
        kh_buf_puts(out, "</p></section>\n");
    }
    char date[KH_XP_DATE_CN_SZ];
    kh_buf_printf(out, "<p class=\"meta\">%s</p>\n",
                  kh_xp_date_cn(x->today, date));
    kh_xp_html_foot(x, out);
    return kh_buf_status(out);
}
