/*
 * web_pages.c - the server-rendered HTML pages, in Simplified Chinese,
 * usable without JavaScript: login, logout, change password, dashboard,
 * a year's progress, the rubric, results (rankings, branch means, a bar
 * chart of totals and a per-category chart in inline SVG, the
 * self-check vs inspection gaps, each unit's score sheet with its derivation) and
 * the self-check and inspection forms, saved item by item.
 *
 * Every value from the store or the request goes through the escaper of
 * its context (web_html.c).  Element ids and form field names are stable
 * (tests drive them): #login, #year-Y, #unit-U, #item-ID, #ranking-ID,
 * fields csrf, version, note, in_NAME (an input), has_NAME (a checkbox
 * was shown).
 */
#include "web.h"

#include <inttypes.h>
#include <stdio.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/score.h"

/* ---- the frame of every page --------------------------------------- */

void web_page_begin(web_req *r, const char *title)
{
    kh_buf *o = &r->out;
    r->status = 200;
    r->ctype = "text/html; charset=utf-8";
    kh_buf_puts(o, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta "
                   "charset=\"utf-8\"><meta name=\"viewport\" content=\""
                   "width=device-width, initial-scale=1\"><title>");
    kh_html_text(o, title);
    kh_buf_puts(o, " - 意识形态工作责任制考核</title><link rel=\"stylesheet\" "
                   "href=\"/static/kaohe.css\"><script src=\"/static/kaohe.js\" "
                   "defer></script></head><body>\n<header class=\"top\">"
                   "<a href=\"/\" id=\"home\">意识形态工作责任制考核</a>");
    if (r->logged_in) {
        kh_buf_puts(o, "<span class=\"who\" id=\"who\">");
        kh_html_text(o, r->sess.user);
        kh_buf_puts(o, "（");
        kh_html_text(o, kh_role_label(r->sess.role));
        kh_buf_puts(o, "）</span><a href=\"/password\" id=\"nav-password\">"
                       "修改密码</a><form method=\"post\" action=\"/logout\" "
                       "id=\"logout\"><input type=\"hidden\" name=\"csrf\" "
                       "value=\"");
        kh_html_attr(o, r->sess.csrf);
        kh_buf_puts(o, "\"><button type=\"submit\">退出</button></form>");
    }
    kh_buf_puts(o, "</header>\n<main>\n<h1>");
    kh_html_text(o, title);
    kh_buf_puts(o, "</h1>\n");
}

void web_page_end(web_req *r)
{
    kh_buf_puts(&r->out, "</main>\n</body></html>\n");
}

void web_msg_box(kh_buf *o, const char *cls, const char *text)
{
    kh_buf_puts(o, "<p class=\"msg ");
    kh_buf_puts(o, cls);
    kh_buf_puts(o, "\" id=\"msg\">");
    kh_html_text(o, text);
    kh_buf_puts(o, "</p>\n");
}

void web_csrf_field(web_req *r)
{
    kh_buf_puts(&r->out, "<input type=\"hidden\" name=\"csrf\" value=\"");
    kh_html_attr(&r->out, r->sess.csrf);
    kh_buf_puts(&r->out, "\">");
}

void web_cp_out(kh_buf *o, kh_cp v)
{
    char num[KH_NUM_BUFSZ];
    kh_num_format(v, num);
    kh_buf_puts(o, num);
}

void web_refuse_page(web_req *r, const char *why)
{
    web_audit_refusal(r, why);
    web_error_page(r, 403, NULL);
}

/* ---- login, logout, password --------------------------------------- */

static void login_form(web_req *r, const char *error)
{
    web_page_begin(r, "登录");
    if (error)
        web_msg_box(&r->out, "error", error);
    kh_buf_puts(&r->out,
                "<form method=\"post\" action=\"/login\" class=\"login\" "
                "id=\"login\"><label>用户名 <input type=\"text\" name=\"user\" "
                "id=\"user\" autocomplete=\"username\" required></label>"
                "<label>密码 <input type=\"password\" name=\"password\" "
                "id=\"password\" autocomplete=\"current-password\" required>"
                "</label><button type=\"submit\" id=\"login-submit\">登录"
                "</button></form>\n");
    web_page_end(r);
}

void web_page_login(web_req *r)
{
    if (strcmp(r->method, "POST") != 0) {
        login_form(r, NULL);
        return;
    }
    char *user = web_form_get(r, "user");
    char *pw = web_form_get(r, "password");
    kh_status st = user && pw && *user ? web_login(r, user, pw) : KH_EPERM;
    free(user);
    if (pw) {
        memset(pw, 0, strlen(pw));
        free(pw);
    }
    if (st == KH_OK) {
        web_redirect(r, "/");
        return;
    }
    login_form(r, st == KH_ELIMIT ? "尝试次数过多，请15分钟后再试。"
                                  : "用户名或密码不正确。");
    r->status = st == KH_ELIMIT ? 429 : 401;
}

void web_page_password(web_req *r)
{
    const char *done = NULL, *error = NULL;
    if (strcmp(r->method, "POST") == 0) {
        char *old = web_form_get(r, "old");
        char *pw = web_form_get(r, "new");
        char *pw2 = web_form_get(r, "new2");
        kh_err *e = kh_err_new();
        kh_role role;
        kh_status vst = KH_OK;
        if (!old || !pw || !pw2 || !e) {
            error = "请填写全部字段。";
        } else if (strcmp(pw, pw2) != 0) {
            error = "两次输入的新密码不一致。";
        } else if ((vst = web_check_password(r, r->sess.user, old, &role,
                                              NULL)) == KH_ELIMIT) {
            error = "尝试次数过多，请15分钟后再试。";
            r->status = 429;
        } else if (vst != KH_OK) {
            web_audit(r, r->sess.user, "web.password_failed", NULL, NULL);
            error = "原密码不正确。";
        } else if (kh_password_check(pw, e) != KH_OK) {
            error = "新密码至少8个字符。";
        } else if (kh_store_user_passwd(r->store, r->sess.user, r->sess.user,
                                        pw, e) != KH_OK) {
            error = "密码未能修改，请稍后再试。";
        } else {
            web_session_destroy_user(r, r->sess.user,
                                     r->sess.id);
            done = "密码已修改。";
        }
        kh_err_free(e);
        free(old);
        free(pw);
        free(pw2);
    }
    unsigned status = r->status == 429 ? 429 : 422;
    web_page_begin(r, "修改密码");
    if (error) {
        web_msg_box(&r->out, "error", error);
        r->status = status;
    }
    if (done)
        web_msg_box(&r->out, "ok", done);
    kh_buf_puts(&r->out, "<form method=\"post\" action=\"/password\" "
                         "class=\"login\" id=\"password-form\">");
    web_csrf_field(r);
    kh_buf_puts(&r->out,
                "<label>原密码 <input type=\"password\" name=\"old\" "
                "autocomplete=\"current-password\" required></label>"
                "<label>新密码 <input type=\"password\" name=\"new\" "
                "autocomplete=\"new-password\" minlength=\"8\" required>"
                "</label><label>再次输入新密码 <input type=\"password\" "
                "name=\"new2\" autocomplete=\"new-password\" minlength=\"8\" "
                "required></label><button type=\"submit\">保存</button>"
                "</form>\n");
    web_page_end(r);
}

/* ---- dashboard ----------------------------------------------------- */

static const char *next_step(kh_role role, kh_year_state st)
{
    switch (role) {
    case KH_ROLE_UNIT:
        return st == KH_YEAR_SELF_CHECK ? "请填写本单位自查表并保存每一项。"
               : st >= KH_YEAR_PUBLISHED ? "结果已公布，可查看本单位得分。"
                                         : "当前无需操作。";
    case KH_ROLE_INSPECTOR:
        return st == KH_YEAR_INSPECTION || st == KH_YEAR_REVIEW
                   ? "请对分配给您的单位逐项评分。"
                   : "当前无需操作。";
    case KH_ROLE_ADMIN:
        switch (st) {
        case KH_YEAR_DRAFT: return "导入单位后进入自查阶段。";
        case KH_YEAR_SELF_CHECK: return "各单位完成自查后进入实地检查阶段。";
        case KH_YEAR_INSPECTION: return "检查完成后进入复核阶段。";
        case KH_YEAR_REVIEW: return "复核无误后公布结果。";
        case KH_YEAR_PUBLISHED: return "对排名后三位单位开展约谈和整改。";
        case KH_YEAR_CLOSED: return "本年度已关闭。";
        }
        return "";
    case KH_ROLE_AUDITOR:
        return "可查阅全部数据和审计日志。";
    }
    return "";
}

typedef struct dash_ctx {
    web_req *r;
} dash_ctx;

static kh_status dash_year(void *ctx, const kh_year_info *y)
{
    web_req *r = ((dash_ctx *)ctx)->r;
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<tr id=\"year-%d\"><td><a href=\"/years/%d\">%d 年度"
                     "</a></td><td>", y->year, y->year, y->year);
    kh_html_text(o, kh_year_state_label(y->state));
    kh_buf_printf(o, "</td><td class=\"num\">%zu</td><td>", y->units);
    kh_html_text(o, next_step(r->sess.role, y->state));
    kh_buf_puts(o, "</td></tr>\n");
    return KH_OK;
}

void web_page_home(web_req *r)
{
    web_page_begin(r, "首页");
    if (r->sess.role == KH_ROLE_ADMIN)
        kh_buf_puts(&r->out, "<nav class=\"noprint\" id=\"home-nav\"><a "
                             "href=\"/admin/years\" id=\"nav-admin\">管理"
                             "</a> · <a href=\"/audit\" id=\"nav-audit\">"
                             "审计日志</a> · <a href=\"/compare\" id=\""
                             "nav-compare\">年度对比</a></nav>\n");
    else if (r->sess.role == KH_ROLE_AUDITOR)
        kh_buf_puts(&r->out, "<nav class=\"noprint\" id=\"home-nav\"><a "
                             "href=\"/audit\" id=\"nav-audit\">审计日志"
                             "</a> · <a href=\"/compare\" id=\"nav-compare\">"
                             "年度对比</a></nav>\n");
    kh_buf_puts(&r->out, "<table id=\"years\"><thead><tr><th>年度</th>"
                         "<th>状态</th><th>单位数</th><th>下一步</th></tr>"
                         "</thead><tbody>\n");
    kh_err *e = kh_err_new();
    dash_ctx c = {r};
    if (e)
        web_store_check(r,
                        kh_store_year_each(r->store, 0, dash_year, &c, e), e);
    kh_err_free(e);
    kh_buf_puts(&r->out, "</tbody></table>\n");
    web_page_end(r);
}

/* Is the session allowed to see unit u of the year at all? */
static bool sees_unit(web_req *r, int year, const char *unit)
{
    return web_may_entry(r, year, unit, KH_PHASE_SELF, WEB_READ) ||
           web_may_entry(r, year, unit, KH_PHASE_INSPECTION, WEB_READ);
}

void web_page_year(web_req *r, web_year *y)
{
    const kh_assess *a = y->assess;
    const kh_rubric *rb = y->rubric;
    char title[64];
    snprintf(title, sizeof title, "%d 年度考核", y->year);
    web_page_begin(r, title);
    kh_buf *o = &r->out;
    kh_buf_puts(o, "<p>状态：<strong id=\"year-state\">");
    kh_html_text(o, kh_year_state_label(y->state));
    kh_buf_puts(o, "</strong>。");
    kh_html_text(o, next_step(r->sess.role, y->state));
    kh_buf_printf(o, "</p><nav class=\"noprint\"><a href=\"/years/%d/rubric\">"
                     "评分标准</a> · <a href=\"/years/%d/visits\" "
                     "id=\"nav-visits\">实地检查安排</a>", y->year, y->year);
    if (web_may(r, WEB_A_READ_ALL, y->year, NULL))
        kh_buf_printf(o, " · <a href=\"/years/%d/results\" id=\"nav-results\">"
                         "考核结果</a> · <a href=\"/years/%d/followup\" "
                         "id=\"nav-followup\">结果运用</a> · <a href=\""
                         "/years/%d/dept-items\" id=\"nav-dept-items\">"
                         "党委宣传部提供项</a>", y->year, y->year, y->year);
    kh_buf_puts(o, "</nav>\n<table id=\"progress\"><thead><tr><th>单位</th>"
                   "<th>类别</th><th>适用项</th><th>自查已填</th>"
                   "<th>检查已评</th><th>佐证材料</th><th>操作</th></tr>"
                   "</thead><tbody>\n");
    size_t shown = 0;
    size_t *evc = web_evidence_counts(r, y->year, a);
    for (size_t u = 0; u < kh_assess_unit_count(a); u++) {
        const char *id = kh_assess_unit_id(a, u);
        if (!sees_unit(r, y->year, id))
            continue;
        shown++;
        size_t k = kh_assess_unit_kind(a, u), n = 0, ns = 0, ni = 0;
        for (size_t i = 0; i < kh_rubric_item_count(rb); i++) {
            if (!kh_rubric_item_applies(rb, i, k))
                continue;
            n++;
            ns += kh_assess_entry(a, u, i, KH_PHASE_SELF) != NULL;
            ni += kh_assess_entry(a, u, i, KH_PHASE_INSPECTION) != NULL;
        }
        kh_buf_puts(o, "<tr id=\"unit-");
        kh_html_attr(o, id);
        kh_buf_puts(o, "\"><td>");
        kh_html_text(o, kh_assess_unit_name(a, u));
        kh_buf_puts(o, "</td><td>");
        kh_html_text(o, kh_rubric_kind_name(rb, k));
        kh_buf_printf(o, "</td><td class=\"num\">%zu</td><td class=\"num\">%zu"
                         "</td><td class=\"num\">%zu</td><td class=\"num "
                         "evidence-count\">%zu</td><td>", n, ns, ni,
                      evc ? evc[u] : 0);
        const char *links[2] = {"self", "inspection"};
        const char *labels[2] = {"自查表", "检查评分表"};
        for (int p = 0; p < 2; p++) {
            if (!web_may_entry(r, y->year, id, (kh_phase)p, WEB_READ))
                continue;
            kh_buf_printf(o, "<a href=\"/years/%d/units/", y->year);
            kh_html_url(o, id);
            kh_buf_printf(o, "/%s\">%s</a> ", links[p], labels[p]);
        }
        bool sheet = web_may(r, WEB_A_SHEET, y->year, id);
        if (sheet) {
            kh_buf_printf(o, "<a href=\"/years/%d/results/", y->year);
            kh_html_url(o, id);
            kh_buf_puts(o, "\">得分</a>");
        }
        if (sheet) {
            kh_buf_printf(o, " <a href=\"/years/%d/units/", y->year);
            kh_html_url(o, id);
            kh_buf_puts(o, "/sheet\">评分表（打印）</a>");
        }
        kh_buf_puts(o, "</td></tr>\n");
    }
    free(evc);
    kh_buf_puts(o, "</tbody></table>\n");
    if (!shown)
        web_msg_box(o, "", "没有您可以查看的单位。");
    web_page_end(r);
}

/* ---- the rubric ---------------------------------------------------- */

void web_page_rubric(web_req *r, web_year *y)
{
    const kh_rubric *rb = y->rubric;
    char title[64];
    snprintf(title, sizeof title, "%d 年度评分标准", y->year);
    web_page_begin(r, title);
    kh_buf *o = &r->out;
    kh_buf_puts(o, "<p>");
    kh_html_text(o, kh_rubric_title(rb));
    kh_buf_puts(o, "</p>\n<table id=\"rubric\"><thead><tr><th>考核内容</th>"
                   "<th>序号</th><th>考核要点</th><th>考核标准</th>"
                   "<th>分值</th><th>评分方法</th></tr></thead><tbody>\n");
    for (size_t c = 0; c < kh_rubric_category_count(rb); c++) {
        size_t first = kh_rubric_category_first(rb, c);
        size_t n = kh_rubric_category_items(rb, c);
        for (size_t j = 0; j < n; j++) {
            size_t i = first + j;
            kh_buf_puts(o, "<tr id=\"item-");
            kh_html_attr(o, kh_rubric_item_id(rb, i));
            kh_buf_puts(o, "\">");
            if (j == 0) {
                kh_buf_printf(o, "<td rowspan=\"%zu\">", n);
                kh_html_text(o, kh_rubric_category_name(rb, c));
                kh_buf_puts(o, "（");
                web_cp_out(o, kh_rubric_category_max(rb, c));
                kh_buf_puts(o, "分）</td>");
            }
            kh_buf_puts(o, "<td>");
            kh_html_text(o, kh_rubric_item_id(rb, i));
            kh_buf_puts(o, "</td><td>");
            kh_html_text(o, kh_rubric_item_text(rb, i));
            kh_buf_puts(o, "</td><td class=\"std\">");
            kh_html_text(o, kh_rubric_item_standard(rb, i));
            kh_buf_puts(o, "</td><td class=\"num\">");
            web_cp_out(o, kh_rubric_item_max(rb, i));
            kh_buf_puts(o, "</td><td>");
            for (size_t s = 0; s < kh_rubric_item_slots(rb, i); s++) {
                kh_buf d;
                kh_buf_init(&d, 0);
                kh_term_describe(kh_rubric_item_slot(rb, i, s), &d);
                kh_html_text(o, kh_buf_str(&d));
                kh_buf_free(&d);
                kh_buf_puts(o, "<br>");
            }
            kh_buf_puts(o, "</td></tr>\n");
        }
    }
    kh_buf_puts(o, "</tbody></table>\n");
    web_page_end(r);
}

/* ---- results ------------------------------------------------------- */

static void bar_chart(const web_year *y, kh_buf *o)
{
    const kh_assess *a = y->assess;
    size_t n = kh_assess_unit_count(a);
    kh_cp max = 1;
    for (size_t u = 0; u < n; u++)
        if (kh_result_total(y->result, u) > max)
            max = kh_result_total(y->result, u);
    const unsigned row = 22, label = 200, width = 760;
    kh_buf_printf(o, "<svg class=\"chart\" id=\"chart-totals\" "
                     "xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %u %zu\""
                     " role=\"img\" aria-label=\"各单位总分\">",
                  width, (size_t)row * n + 10);
    for (size_t u = 0; u < n; u++) {
        kh_cp t = kh_result_total(y->result, u);
        long w = t > 0 ? (long)((int64_t)(width - label - 60) * t / max) : 0;
        unsigned yy = (unsigned)(u * row + 5);
        kh_buf_printf(o, "<text x=\"%u\" y=\"%u\" text-anchor=\"end\" "
                         "font-size=\"13\">", label - 6, yy + 15);
        kh_html_text(o, kh_assess_unit_name(a, u));
        kh_buf_printf(o, "</text><rect x=\"%u\" y=\"%u\" width=\"%ld\" "
                         "height=\"16\" fill=\"#b0151e\"></rect><text x=\"%ld\""
                         " y=\"%u\" font-size=\"12\">",
                      label, yy + 2, w, (long)label + w + 4, yy + 15);
        web_cp_out(o, t);
        kh_buf_puts(o, "</text>");
    }
    kh_buf_puts(o, "</svg>\n");
}

/* The max of category c over the items that apply to kind (an office
 * has no 1.7: its 体制机制 is out of 19, not 25). */
static kh_cp kind_category_max(const kh_rubric *rb, size_t c, size_t kind)
{
    kh_cp m = 0;
    size_t first = kh_rubric_category_first(rb, c);
    for (size_t j = 0; j < kh_rubric_category_items(rb, c); j++)
        if (kh_rubric_item_applies(rb, first + j, kind))
            m += kh_rubric_item_max(rb, first + j);
    return m;
}

/* Per ranking list, the category scores of each of its units as a
 * percentage of the category's max for their kind: small multiples, one column per
 * category, one row per unit (a unit-level list charts its units, a
 * branch-level one the units of its kind).  No script: plain SVG with
 * <title> tooltips, every text escaped. */
static void category_chart(const web_year *y, size_t k, kh_buf *o)
{
    const kh_rubric *rb = y->rubric;
    const kh_assess *a = y->assess;
    size_t kind = kh_rubric_ranking_kind(rb, k);
    size_t nu = 0, nc = kh_rubric_category_count(rb);
    for (size_t u = 0; u < kh_assess_unit_count(a); u++)
        nu += kh_assess_unit_kind(a, u) == kind;
    if (!nu || !nc)
        return;
    const unsigned label = 170, col = 130, bar = 84, row = 20, head = 40;
    unsigned width = label + col * (unsigned)nc + 10;
    kh_buf_puts(o, "<svg class=\"chart catchart\" id=\"chart-categories-");
    kh_html_attr(o, kh_rubric_ranking_id(rb, k));
    kh_buf_printf(o, "\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %u "
                     "%zu\" role=\"img\" aria-label=\"", width,
                  (size_t)head + nu * row + 8);
    kh_html_attr(o, kh_rubric_ranking_name(rb, k));
    kh_buf_puts(o, "：各类别得分率\">");
    for (size_t c = 0; c < nc; c++) {
        unsigned x = label + col * (unsigned)c;
        kh_buf_printf(o, "<text x=\"%u\" y=\"16\" font-size=\"13\" "
                         "font-weight=\"bold\">", x);
        kh_html_text(o, kh_rubric_category_name(rb, c));
        kh_buf_printf(o, "</text><text x=\"%u\" y=\"32\" font-size=\"11\" "
                         "fill=\"#666\">满分 ", x);
        web_cp_out(o, kind_category_max(rb, c, kind));
        kh_buf_printf(o, "</text><line x1=\"%u\" y1=\"%u\" x2=\"%u\" y2=\"%zu\""
                         " stroke=\"#ccc\"></line>", x + bar, head,
                      x + bar, (size_t)head + nu * row);
    }
    size_t j = 0;
    for (size_t u = 0; u < kh_assess_unit_count(a); u++) {
        if (kh_assess_unit_kind(a, u) != kind)
            continue;
        unsigned yy = head + (unsigned)j++ * row;
        kh_buf_printf(o, "<text x=\"%u\" y=\"%u\" text-anchor=\"end\" "
                         "font-size=\"12\">", label - 8, yy + 14);
        kh_html_text(o, kh_assess_unit_name(a, u));
        kh_buf_puts(o, "</text>");
        for (size_t c = 0; c < nc; c++) {
            unsigned x = label + col * (unsigned)c;
            kh_cp v, max = kind_category_max(rb, c, kind);
            if (!kh_result_category(y->result, u, c, &v) || max <= 0) {
                kh_buf_printf(o, "<text x=\"%u\" y=\"%u\" font-size=\"11\" "
                                 "fill=\"#666\">不适用</text>", x, yy + 14);
                continue;
            }
            kh_cp cl = v < 0 ? 0 : v > max ? max : v;
            long w = (long)((int64_t)bar * cl / max);
            long pct = (long)((v * 1000 / max + 5) / 10);
            kh_buf_printf(o, "<rect x=\"%u\" y=\"%u\" width=\"%ld\" "
                             "height=\"14\" fill=\"%s\"><title>", x, yy + 3, w,
                          pct < 60 ? "#d9822b" : "#b0151e");
            kh_html_text(o, kh_assess_unit_name(a, u));
            kh_buf_puts(o, " ");
            kh_html_text(o, kh_rubric_category_name(rb, c));
            kh_buf_puts(o, " ");
            web_cp_out(o, v);
            kh_buf_puts(o, "/");
            web_cp_out(o, max);
            kh_buf_printf(o, "</title></rect><text x=\"%u\" y=\"%u\" "
                             "font-size=\"11\">%ld%%</text>",
                          x + bar + 4, yy + 14, pct);
        }
    }
    kh_buf_puts(o, "</svg>\n");
}

/* A gap between the self-check and the inspection base this large or
 * more is highlighted (5 points). */
#define GAP_LARGE 500

/* Self-check base beside the inspection base, per unit: where the units
 * judged themselves differently from the inspectors. */
/* Above this many units the results page stays a summary: per-unit charts
 * would be unreadable (the workbook's native charts serve then), the gap
 * table lists only large gaps, and the ranking rows link to the score
 * sheets instead of a second list of every unit.  It keeps the cached
 * page small enough to serve fast (bench/web). */
#define RESULTS_FULL_MAX 300

static bool results_compact(const web_year *y)
{
    return kh_assess_unit_count(y->assess) > RESULTS_FULL_MAX;
}

static void gap_table(const web_year *y, kh_buf *o)
{
    const kh_assess *a = y->assess;
    bool compact = results_compact(y);
    kh_buf_puts(o, "<table id=\"gaps\" class=\"gaps\"><thead><tr><th>单位</th>"
                   "<th>类别</th><th>自查基础分</th><th>考核基础分</th>"
                   "<th>差值（自查−考核）</th></tr></thead><tbody>\n");
    for (size_t u = 0; u < kh_assess_unit_count(a); u++) {
        kh_cp sb, b = kh_result_base(y->result, u);
        bool has = kh_result_self_base(y->result, u, &sb);
        kh_cp d = has ? sb - b : 0;
        bool large = has && (d >= GAP_LARGE || d <= -GAP_LARGE);
        if (compact && !large)
            continue;
        kh_buf_puts(o, "<tr id=\"gap-");
        kh_html_attr(o, kh_assess_unit_id(a, u));
        kh_buf_printf(o, "\"%s><td>", large ? " class=\"gap-large\"" : "");
        kh_html_text(o, kh_assess_unit_name(a, u));
        kh_buf_puts(o, "</td><td>");
        kh_html_text(o, kh_rubric_kind_name(y->rubric,
                                             kh_assess_unit_kind(a, u)));
        kh_buf_puts(o, "</td><td class=\"num\">");
        if (has)
            web_cp_out(o, sb);
        else
            kh_buf_puts(o, "未完成自查");
        kh_buf_puts(o, "</td><td class=\"num\">");
        web_cp_out(o, b);
        kh_buf_puts(o, "</td><td class=\"num diff\">");
        if (has) {
            if (d > 0)
                kh_buf_putc(o, '+');
            web_cp_out(o, d);
        } else {
            kh_buf_puts(o, "—");
        }
        kh_buf_puts(o, "</td></tr>\n");
    }
    kh_buf_puts(o, compact ? "</tbody></table>\n<p class=\"std\">单位较多，"
                             "仅列出差值的绝对值不小于5分的单位；全部单位见 "
                             "Excel 工作簿的“自查对比”表。</p>\n"
                           : "</tbody></table>\n<p class=\"std\">差值的绝对值"
                             "不小于5分的单位以底色标出。</p>\n");
}

void web_pages_results_body(const web_year *y, kh_buf *o)
{
    if (!y->result) {
        kh_buf_puts(o, "<p class=\"msg error\" id=\"msg\">本年度的数据尚不能计分。"
                       "</p>\n");
        return;
    }
    const kh_rubric *rb = y->rubric;
    const kh_assess *a = y->assess;
    if (y->state < KH_YEAR_PUBLISHED)
        kh_buf_puts(o, "<p class=\"msg\">结果尚未公布，以下为按已录入数据计算"
                       "的临时结果（未评项按0分计）。</p>\n");
    kh_buf_printf(o, "<nav class=\"noprint\" id=\"documents\"><a href=\""
                     "/years/%d/export.xlsx\" id=\"download-xlsx\">下载 Excel "
                     "工作簿</a> · <a href=\"/years/%d/notice\" id=\""
                     "link-notice\">考核结果通报（打印）</a>", y->year, y->year);
    /* The 公文 downloads (src/web/web_gongwen.c). */
    kh_buf_printf(o, "（<a href=\"/years/%d/notice.docx\" id=\""
                     "download-notice-docx\">Word</a> · <a href=\"/years/%d/"
                     "notice.pdf\" id=\"download-notice-pdf\">PDF</a>） · "
                     "经验汇编（<a href=\"/years/%d/compilation.docx\" id=\""
                     "download-compilation-docx\">Word</a> · <a href=\""
                     "/years/%d/compilation.pdf\" id=\"download-compilation-"
                     "pdf\">PDF</a>）", y->year, y->year, y->year, y->year);
    if (y->state >= KH_YEAR_PUBLISHED)
        kh_buf_printf(o, " · <a href=\"/years/%d/followup/report\" id=\""
                         "link-followup-report\">整改跟踪报告（打印）</a>"
                         "（<a href=\"/years/%d/followup/report.docx\" id=\""
                         "download-followup-docx\">Word</a> · <a href=\""
                         "/years/%d/followup/report.pdf\" id=\"download-"
                         "followup-pdf\">PDF</a>）",
                      y->year, y->year, y->year);
    kh_buf_puts(o, "</nav>\n");
    for (size_t k = 0; k < kh_rubric_ranking_count(rb); k++) {
        kh_buf_puts(o, "<h2>");
        kh_html_text(o, kh_rubric_ranking_name(rb, k));
        kh_buf_puts(o, "</h2><table id=\"ranking-");
        kh_html_attr(o, kh_rubric_ranking_id(rb, k));
        kh_buf_puts(o, "\" class=\"ranking\"><thead><tr><th>名次</th><th>名称"
                       "</th><th>得分</th><th>备注</th></tr></thead><tbody>\n");
        for (size_t j = 0; j < kh_result_ranking_rows(y->result, k); j++) {
            const kh_rank_row *row = kh_result_ranking_row(y->result, k, j);
            kh_buf_printf(o, "<tr%s><td class=\"num\">%u</td><td>",
                          row->bottom ? " class=\"bottom\"" : "", row->rank);
            if (kh_rubric_ranking_level(rb, k) == KH_LEVEL_UNIT) {
                kh_buf_printf(o, "<a href=\"/years/%d/results/", y->year);
                kh_html_url(o, row->id);
                kh_buf_puts(o, "\">");
                kh_html_text(o, row->name);
                kh_buf_puts(o, "</a>");
            } else {
                kh_html_text(o, row->name);
            }
            kh_buf_puts(o, "</td><td class=\"num\">");
            web_cp_out(o, row->score);
            kh_buf_printf(o, "</td><td class=\"mark\">%s</td></tr>\n",
                          row->bottom ? "后三位（约谈）" : "");
        }
        kh_buf_puts(o, "</tbody></table>\n");
    }
    kh_buf_puts(o, "<h2>支部平均分</h2><table id=\"branches\"><thead><tr><th>"
                   "支部</th><th>单位数</th><th>平均分</th></tr></thead>"
                   "<tbody>\n");
    for (size_t k = 0; k < kh_result_branch_count(y->result); k++) {
        kh_buf_puts(o, "<tr><td>");
        kh_html_text(o, kh_assess_branch_name(a, kh_result_branch(y->result, k)));
        kh_buf_printf(o, "</td><td class=\"num\">%zu</td><td class=\"num\">",
                      kh_result_branch_unit_count(y->result, k));
        web_cp_out(o, kh_result_branch_score(y->result, k));
        kh_buf_puts(o, "</td></tr>\n");
    }
    kh_buf_puts(o, "</tbody></table>\n");
    bool compact = results_compact(y);
    if (compact) {
        kh_buf_printf(o, "<p class=\"std\" id=\"results-compact\">本年度共 %zu "
                         "个单位，页面只列排名、支部平均分和差异较大的单位；"
                         "各单位总分与类别得分的图表见 Excel 工作簿，"
                         "各单位得分表由排名表中的名称进入。</p>\n",
                      kh_assess_unit_count(a));
    } else {
        kh_buf_puts(o, "<h2>各单位总分</h2>\n");
        bar_chart(y, o);
        kh_buf_puts(o, "<h2>各类别得分率</h2>\n");
        for (size_t k = 0; k < kh_rubric_ranking_count(rb); k++) {
            kh_buf_puts(o, "<h3>");
            kh_html_text(o, kh_rubric_ranking_name(rb, k));
            kh_buf_puts(o, "</h3>\n");
            category_chart(y, k, o);
        }
        kh_buf_puts(o, "<p class=\"std\">得分率 = 类别得分 ÷ 该类单位适用项的"
                       "满分；橙色表示低于60%。</p>\n");
    }
    kh_buf_puts(o, "<h2 id=\"gaps-title\">自查与考核差异</h2>\n");
    gap_table(y, o);
    if (compact)
        return;
    kh_buf_puts(o, "<h2>各单位得分表</h2><ul id=\"sheets\">\n");
    for (size_t u = 0; u < kh_assess_unit_count(a); u++) {
        kh_buf_printf(o, "<li><a href=\"/years/%d/results/", y->year);
        kh_html_url(o, kh_assess_unit_id(a, u));
        kh_buf_puts(o, "\">");
        kh_html_text(o, kh_assess_unit_name(a, u));
        kh_buf_printf(o, "</a> <a href=\"/years/%d/units/", y->year);
        kh_html_url(o, kh_assess_unit_id(a, u));
        kh_buf_puts(o, "/sheet\" id=\"link-sheet-");
        kh_html_attr(o, kh_assess_unit_id(a, u));
        kh_buf_puts(o, "\">评分表（打印）</a> ");
        for (int f = 0; f < 2; f++) {
            kh_buf_printf(o, "<a href=\"/years/%d/units/", y->year);
            kh_html_url(o, kh_assess_unit_id(a, u));
            kh_buf_printf(o, "/sheet.%s\">%s</a> ", f ? "pdf" : "docx",
                          f ? "PDF" : "Word");
        }
        kh_buf_puts(o, "<a href=\"/units/");
        kh_html_url(o, kh_assess_unit_id(a, u));
        kh_buf_puts(o, "/history\" id=\"link-history-");
        kh_html_attr(o, kh_assess_unit_id(a, u));
        kh_buf_puts(o, "\">历年走势</a></li>\n");
    }
    kh_buf_puts(o, "</ul>\n");
}

void web_page_results(web_req *r, web_year *y)
{
    if (!web_may(r, WEB_A_READ_ALL, y->year, NULL)) {
        web_refuse_page(r, "results page: role");
        return;
    }
    char title[64];
    snprintf(title, sizeof title, "%d 年度考核结果", y->year);
    web_page_begin(r, title);
    web_out_cached(r, y, WEB_CACHED_RESULTS_HTML);
    web_page_end(r);
}

void web_page_sheet(web_req *r, web_year *y, const char *unit)
{
    if (!web_may(r, WEB_A_SHEET, y->year, unit)) {
        web_refuse_page(r, "score sheet: role or unit");
        return;
    }
    long u = kh_assess_unit_find(y->assess, unit);
    if (u < 0 || !y->result) {
        web_error_page(r, 404, NULL);
        return;
    }
    const kh_rubric *rb = y->rubric;
    const kh_assess *a = y->assess;
    kh_buf title;
    kh_buf_init(&title, 0);
    kh_buf_printf(&title, "%d 年度得分表：%s", y->year,
                  kh_assess_unit_name(a, (size_t)u));
    web_page_begin(r, kh_buf_str(&title));
    kh_buf_free(&title);
    kh_buf *o = &r->out;
    kh_buf_puts(o, "<section class=\"sheet\" id=\"sheet\"><table><thead><tr>"
                   "<th>考核内容</th><th>满分</th><th>得分</th></tr></thead>"
                   "<tbody>\n");
    for (size_t c = 0; c < kh_rubric_category_count(rb); c++) {
        kh_cp v;
        if (!kh_result_category(y->result, (size_t)u, c, &v))
            continue;
        kh_buf_puts(o, "<tr><td>");
        kh_html_text(o, kh_rubric_category_name(rb, c));
        kh_buf_puts(o, "</td><td class=\"num\">");
        web_cp_out(o, kh_rubric_category_max(rb, c));
        kh_buf_puts(o, "</td><td class=\"num\">");
        web_cp_out(o, v);
        kh_buf_puts(o, "</td></tr>\n");
    }
    struct { const char *label; kh_cp v; } rows[] = {
        {"基础分", kh_result_base(y->result, (size_t)u)},
        {"特色加分", kh_result_bonus(y->result, (size_t)u)},
        {"负面清单扣分", kh_result_negative(y->result, (size_t)u)},
        {"总分", kh_result_total(y->result, (size_t)u)},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kh_buf_printf(o, "<tr><th colspan=\"2\">%s</th><td class=\"num "
                         "score\">", rows[i].label);
        web_cp_out(o, rows[i].v);
        kh_buf_puts(o, "</td></tr>\n");
    }
    kh_cp sb;
    if (kh_result_self_base(y->result, (size_t)u, &sb)) {
        kh_buf_puts(o, "<tr><th colspan=\"2\">自查基础分</th><td class=\"num\">");
        web_cp_out(o, sb);
        kh_buf_puts(o, "</td></tr>\n");
    }
    kh_buf_puts(o, "</tbody></table>\n<h2>计分过程</h2><pre class=\"explain\" "
                   "id=\"explain\">");
    kh_buf ex;
    kh_buf_init(&ex, 0);
    web_source_explain(r, a, (size_t)u, y->year, unit, &ex);
    kh_html_text(o, kh_buf_str(&ex));
    kh_buf_free(&ex);
    kh_buf_puts(o, "</pre></section>\n");
    web_page_end(r);
}

/* ---- the self-check and inspection forms --------------------------- */

static void value_text(const kh_term *t, const kh_entry *en, size_t s,
                       kh_buf *o)
{
    bool present = false;
    kh_cp v = en ? kh_entry_value(en, s, &present) : 0;
    if (!present)
        return;
    switch (kh_term_get_kind(t)) {
    case KH_TERM_CHECK:
        kh_buf_puts(o, v ? "是" : "否");
        break;
    case KH_TERM_CHOICE:
        kh_buf_puts(o, kh_term_option_label(t, (size_t)v)
                           ? kh_term_option_label(t, (size_t)v)
                           : kh_term_option_id(t, (size_t)v));
        break;
    case KH_TERM_COUNT:
    case KH_TERM_DEDUCT:
        kh_buf_printf(o, "%" PRId64, v / 100);
        break;
    default:
        web_cp_out(o, v);
        break;
    }
}

static void widget(kh_buf *o, const kh_term *t, const kh_entry *en, size_t s,
                   bool ro)
{
    const char *name = kh_term_input(t);
    bool present = false;
    kh_cp v = en ? kh_entry_value(en, s, &present) : 0;
    const char *dis = ro ? " disabled" : "";
    switch (kh_term_get_kind(t)) {
    case KH_TERM_CHECK:
        kh_buf_puts(o, "<input type=\"hidden\" name=\"has_");
        kh_html_attr(o, name);
        kh_buf_puts(o, "\" value=\"1\"><input type=\"checkbox\" name=\"in_");
        kh_html_attr(o, name);
        kh_buf_printf(o, "\" value=\"true\"%s%s>", present && v ? " checked" : "",
                      dis);
        break;
    case KH_TERM_COUNT:
    case KH_TERM_DEDUCT:
        kh_buf_puts(o, "<input type=\"number\" min=\"0\" step=\"1\" name=\"in_");
        kh_html_attr(o, name);
        kh_buf_puts(o, "\" value=\"");
        if (present)
            kh_buf_printf(o, "%" PRId64, v / 100);
        kh_buf_printf(o, "\"%s>", dis);
        break;
    case KH_TERM_CHOICE:
        for (size_t k = 0; k < kh_term_option_count(t); k++) {
            kh_buf_puts(o, "<label><input type=\"radio\" name=\"in_");
            kh_html_attr(o, name);
            kh_buf_puts(o, "\" value=\"");
            kh_html_attr(o, kh_term_option_id(t, k));
            kh_buf_printf(o, "\"%s%s> ", present && (size_t)v == k ? " checked" : "",
                          dis);
            kh_html_text(o, kh_term_option_label(t, k) ? kh_term_option_label(t, k)
                                                        : kh_term_option_id(t, k));
            kh_buf_puts(o, "（");
            web_cp_out(o, kh_term_option_points(t, k));
            kh_buf_puts(o, "分）</label> ");
        }
        break;
    case KH_TERM_JUDGEMENT: {
        char step[KH_NUM_BUFSZ], max[KH_NUM_BUFSZ];
        kh_num_format(kh_term_step(t), step);
        kh_num_format(kh_term_points(t), max);
        kh_buf_printf(o, "<input type=\"number\" min=\"0\" max=\"%s\" step=\"%s\" "
                         "name=\"in_", max, step);
        kh_html_attr(o, name);
        kh_buf_puts(o, "\" value=\"");
        if (present)
            web_cp_out(o, v);
        kh_buf_printf(o, "\"%s> <span class=\"std\">满分 %s，步长 %s；"
                         "低于满分须在备注中说明理由</span>", dis, max, step);
        break;
    }
    case KH_TERM_GROUP:
        break;
    }
}

static void page_form(web_req *r, web_year *y, const char *unit,
                      kh_phase phase)
{
    if (!web_may_entry(r, y->year, unit, phase, WEB_READ)) {
        web_refuse_page(r, "entry form: role or unit");
        return;
    }
    long u = kh_assess_unit_find(y->assess, unit);
    if (u < 0) {
        web_error_page(r, 404, NULL);
        return;
    }
    const kh_assess *a = y->assess;
    const kh_rubric *rb = y->rubric;
    bool insp = phase == KH_PHASE_INSPECTION;
    bool may_write = web_may_entry(r, y->year, unit, phase, WEB_WRITE) &&
                     (insp ? (y->state == KH_YEAR_INSPECTION ||
                              y->state == KH_YEAR_REVIEW)
                           : y->state == KH_YEAR_SELF_CHECK);
    kh_buf title;
    kh_buf_init(&title, 0);
    kh_buf_printf(&title, "%s：%s", insp ? "实地检查评分表" : "自查表",
                  kh_assess_unit_name(a, (size_t)u));
    web_page_begin(r, kh_buf_str(&title));
    kh_buf_free(&title);
    kh_buf *o = &r->out;
    const char *q = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND,
                                                "saved");
    if (q)
        web_msg_box(o, "ok", "已保存。");
    if (MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "evidence"))
        web_msg_box(o, "ok", "佐证材料已上传。");
    if (!may_write)
        web_msg_box(o, "", "当前阶段或您的角色不能修改本表，仅供查看。");
    size_t k = kh_assess_unit_kind(a, (size_t)u);
    for (size_t i = 0; i < kh_rubric_item_count(rb); i++) {
        if (!kh_rubric_item_applies(rb, i, k))
            continue;
        const char *iid = kh_rubric_item_id(rb, i);
        const kh_entry *en = kh_assess_entry(a, (size_t)u, i, phase);
        const kh_entry *self = kh_assess_entry(a, (size_t)u, i, KH_PHASE_SELF);
        kh_buf_puts(o, "<form method=\"post\" class=\"item\" id=\"item-");
        kh_html_attr(o, iid);
        kh_buf_printf(o, "\" action=\"/years/%d/units/", y->year);
        kh_html_url(o, unit);
        kh_buf_printf(o, "/%s/", kh_phase_name(phase));
        kh_html_url(o, iid);
        if (may_write) {
            /* the page script scores the item as it is filled in */
            kh_buf_printf(o, "\" data-preview=\"/api/v1/years/%d/preview/",
                          y->year);
            kh_html_url(o, unit);
            kh_buf_putc(o, '/');
            kh_html_url(o, iid);
            kh_buf_printf(o, "/%s", kh_phase_name(phase));
        }
        kh_buf_puts(o, "\">");
        web_csrf_field(r);
        kh_buf_puts(o, "<h3>");
        kh_html_text(o, iid);
        kh_buf_puts(o, " ");
        kh_html_text(o, kh_rubric_item_text(rb, i));
        kh_buf_puts(o, "（满分 ");
        web_cp_out(o, kh_rubric_item_max(rb, i));
        kh_buf_puts(o, "，当前得分 <span class=\"score\">");
        web_cp_out(o, kh_score_item(a, (size_t)u, i, phase));
        kh_buf_puts(o, "</span>）");
        if (web_dept_item(rb, i))
            kh_buf_puts(o, " <span class=\"dept\">由党委宣传部提供</span>");
        kh_buf_puts(o, "</h3><p class=\"std\">");
        kh_html_text(o, kh_rubric_item_standard(rb, i));
        kh_buf_puts(o, "</p>");
        for (size_t s = 0; s < kh_rubric_item_slots(rb, i); s++) {
            const kh_term *t = kh_rubric_item_slot(rb, i, s);
            if (kh_term_roster(t))
                continue;   /* comes from the roster, not from a person */
            kh_buf mine, theirs;
            kh_buf_init(&mine, 0);
            kh_buf_init(&theirs, 0);
            value_text(t, en, s, &mine);
            value_text(t, self, s, &theirs);
            bool gap = insp && strcmp(kh_buf_str(&mine), kh_buf_str(&theirs)) != 0;
            kh_buf_printf(o, "<label%s>", gap ? " class=\"gap\"" : "");
            kh_buf d;
            kh_buf_init(&d, 0);
            kh_term_describe(t, &d);
            kh_html_text(o, kh_buf_str(&d));
            kh_buf_free(&d);
            kh_buf_puts(o, " ");
            widget(o, t, en, s, !may_write);
            if (insp) {
                kh_buf_puts(o, " <span class=\"self\">自查：");
                kh_html_text(o, theirs.len ? kh_buf_str(&theirs) : "未填");
                kh_buf_puts(o, "</span>");
            }
            kh_buf_puts(o, "</label>");
            if (insp)   /* outside the label: it holds its own controls */
                web_survey_suggestion(r, y->year, unit, iid, t, may_write, o);
            kh_buf_free(&mine);
            kh_buf_free(&theirs);
        }
        kh_buf_puts(o, "<label>备注 <textarea name=\"note\" rows=\"2\" cols=\"60\"");
        kh_buf_puts(o, may_write ? ">" : " disabled>");
        kh_html_text(o, en ? kh_entry_note(en) : NULL);
        kh_buf_puts(o, "</textarea></label>");
        if (insp && self && kh_entry_note(self)) {
            kh_buf_puts(o, "<p class=\"std\">自查备注：");
            kh_html_text(o, kh_entry_note(self));
            kh_buf_puts(o, "</p>");
        }
        if (insp)   /* what the team heard on site about this item */
            web_onsite_findings(r, y->year, unit, iid, o);
        kh_buf_printf(o, "<input type=\"hidden\" name=\"version\" value=\"%s\">",
                      "0");
        if (may_write)
            kh_buf_puts(o, "<button type=\"submit\">保存本项</button>");
        kh_buf_puts(o, "</form>\n");
        web_evidence_block(r, y->year, unit, phase, iid, may_write);
    }
    if (insp)
        web_records_block(r, y->year, unit, y->state);
    web_page_end(r);
}

/* The stored version of an entry (0 when none), for the form's hidden
 * field: the form page is built from the cache, which has no versions,
 * so the versions are read here in one query per page. */
typedef struct ver_ctx {
    kh_phase phase;
    char **items;
    int64_t *versions;
    size_t n, alloc;
} ver_ctx;

static kh_status ver_cb(void *ctx, const kh_entry_row *row)
{
    ver_ctx *v = ctx;
    if (row->phase != v->phase)
        return KH_OK;
    if (v->n == v->alloc) {
        size_t na = v->alloc ? v->alloc * 2 : 32;
        char **it = realloc(v->items, na * sizeof *it);
        if (!it)
            return KH_ENOMEM;
        v->items = it;
        int64_t *vs = realloc(v->versions, na * sizeof *vs);
        if (!vs)
            return KH_ENOMEM;
        v->versions = vs;
        v->alloc = na;
    }
    v->items[v->n] = strdup(row->item);
    v->versions[v->n++] = row->version;
    return KH_OK;
}

/* Fills each form's version field (written as value="0" above): the
 * forms are found by their id and the value replaced in place. */
static void fill_versions(web_req *r, int year, const char *unit,
                          kh_phase phase)
{
    ver_ctx v = {phase, NULL, NULL, 0, 0};
    kh_err *e = kh_err_new();
    if (e)
        web_store_check(r,
                        kh_store_entry_each(r->store, year, unit, NULL, ver_cb, &v, e), e);
    kh_err_free(e);
    kh_buf nb;
    kh_buf_init(&nb, 0);
    const char *p = kh_buf_str(&r->out);
    static const char mark[] = "<input type=\"hidden\" name=\"version\" value=\"0\">";
    const char *item_tag = "<form method=\"post\" class=\"item\" id=\"item-";
    int64_t cur = 0;
    for (;;) {
        const char *f = strstr(p, item_tag);
        const char *m = strstr(p, mark);
        if (!m)
            break;
        if (f && f < m) {
            /* the item id as escaped into the attribute */
            const char *s = f + strlen(item_tag);
            const char *end = strchr(s, '"');
            cur = 0;
            for (size_t i = 0; i < v.n; i++) {
                kh_buf esc;
                kh_buf_init(&esc, 0);
                kh_html_attr(&esc, v.items[i]);
                if (end && esc.len == (size_t)(end - s) &&
                    memcmp(kh_buf_str(&esc), s, esc.len) == 0)
                    cur = v.versions[i];
                kh_buf_free(&esc);
            }
            kh_buf_add(&nb, p, (size_t)(s - p));
            p = s;
            continue;
        }
        kh_buf_add(&nb, p, (size_t)(m - p));
        kh_buf_printf(&nb, "<input type=\"hidden\" name=\"version\" "
                           "value=\"%" PRId64 "\">", cur);
        p = m + sizeof mark - 1;
    }
    kh_buf_puts(&nb, p);
    if (kh_buf_status(&nb) == KH_OK) {
        kh_buf_free(&r->out);
        r->out = nb;
    } else {
        kh_buf_free(&nb);
    }
    for (size_t i = 0; i < v.n; i++)
        free(v.items[i]);
    free(v.items);
    free(v.versions);
}

void web_post_item(web_req *r, web_year *y, const char *unit,
                      kh_phase phase, const char *item)
{
    if (!web_may_entry(r, y->year, unit, phase, WEB_WRITE)) {
        web_refuse_page(r, "entry save: role or unit");
        return;
    }
    int i = kh_rubric_item_find(y->rubric, item);
    if (i < 0 || kh_assess_unit_find(y->assess, unit) < 0) {
        web_error_page(r, 404, NULL);
        return;
    }
    size_t ns = kh_rubric_item_slots(y->rubric, (size_t)i);
    kh_input_kv *kv = calloc(ns + 1, sizeof *kv);
    char **vals = calloc(ns + 1, sizeof *vals);
    char *note = web_form_get(r, "note");
    char *ver = web_form_get(r, "version");
    kh_err *e = kh_err_new();
    if (!kv || !vals || !e) {
        web_error_page(r, 500, NULL);
        goto out;
    }
    size_t n = 0;
    for (size_t s = 0; s < ns; s++) {
        const kh_term *t = kh_rubric_item_slot(y->rubric, (size_t)i, s);
        if (kh_term_roster(t))
            continue;
        const char *name = kh_term_input(t);
        char field[KH_USER_NAME_MAX + 80];
        snprintf(field, sizeof field, "in_%s", name);
        char *v = web_form_get(r, field);
        if (kh_term_get_kind(t) == KH_TERM_CHECK) {
            snprintf(field, sizeof field, "has_%s", name);
            char *has = web_form_get(r, field);
            if (has && !v)
                v = strdup("false");
            free(has);
        }
        if (!v)
            continue;
        vals[n] = v;
        kv[n].name = name;
        kv[n].value = *v ? v : NULL;   /* emptied field: remove the input */
        n++;
    }
    char *end = NULL;
    long long version = ver ? strtoll(ver, &end, 10) : -1;
    if (!ver || *end || version < 0) {
        web_error_page(r, 400, NULL);
        goto out;
    }
    web_cache_write_begin(r);
    kh_entry_write w = {r->sess.user, y->year, unit, item, phase, n, kv,
                        note ? note : "", version};
    kh_status st = kh_store_entry_set(r->store, &w, NULL, e);
    web_cache_wrote(r, st, y->year, unit, item, phase);
    kh_buf back;
    kh_buf_init(&back, 0);
    kh_buf_printf(&back, "/years/%d/units/", y->year);
    kh_html_url(&back, unit);
    kh_buf_printf(&back, "/%s", kh_phase_name(phase));
    if (st == KH_OK) {
        kh_buf_puts(&back, "?saved=");
        kh_html_url(&back, item);
        kh_buf_puts(&back, "#item-");
        kh_html_url(&back, item);
        web_redirect(r, kh_buf_str(&back));
    } else if (st == KH_ECONFLICT) {
        web_error_page(r, 409, "此项已被他人修改，您的修改未保存。请刷新页面，"
                               "核对最新内容后重新填写。");
    } else if (st == KH_ESTATE) {
        web_refuse_page(r, "entry save: the year's state does not allow it");
    } else if (st == KH_EINVAL) {
        web_page_begin(r, "填写的内容有误");
        r->status = 422;
        kh_buf_puts(&r->out, "<p>以下内容未通过检查，未保存：</p><ul id=\"errors\">");
        for (size_t m = 0; m < kh_err_count(e); m++) {
            const kh_msg *msg = kh_err_get(e, m);
            kh_buf_puts(&r->out, "<li>");
            if (msg->path) {
                kh_html_text(&r->out, msg->path);
                kh_buf_puts(&r->out, "：");
            }
            kh_html_text(&r->out, web_msg_text(msg));
            kh_buf_puts(&r->out, "</li>");
        }
        kh_buf_puts(&r->out, "</ul><p><a href=\"");
        kh_html_attr(&r->out, kh_buf_str(&back));
        kh_buf_puts(&r->out, "\">返回表单</a></p>");
        web_page_end(r);
    } else {
        web_fail(r, st, e);
    }
    kh_buf_free(&back);
out:
    if (vals)
        for (size_t s = 0; s < ns; s++)
            free(vals[s]);
    free(vals);
    free(kv);
    free(note);
    free(ver);
    kh_err_free(e);
}

void web_page_entry_form(web_req *r, web_year *y, const char *unit,
                         kh_phase phase)
{
    page_form(r, y, unit, phase);
    if (r->status == 200)
        fill_versions(r, y->year, unit, phase);
}
