/*
 * web_admin.c - the administration pages (admin only) and the audit log
 * viewer (admin and auditor): years and their state transitions, units
 * import by upload, rubric import by upload and the diff of two stored
 * versions, users (add, disable/enable) and inspector assignments.
 *
 * Every state change is a POST carrying the session's CSRF token (the
 * gate in web_http.c checks it before any handler runs); GET never
 * changes anything.  Role checks are here, per request; refusals are
 * audited (web_refuse_page).  The store enforces the year's state and
 * writes the audit record of each change.
 *
 * Forms (ids are stable, the end-to-end tests use them):
 *   #year-open        POST /admin/years                 year, rubric
 *   #year-advance     POST /admin/years/Y/advance       allow_missing, reason
 *   #year-reopen      POST /admin/years/Y/reopen        reason (required)
 *   #units-import     POST /admin/years/Y/units/import  file (multipart)
 *   #assign           POST /admin/years/Y/assign        user, u_UNIT ...
 *   #year-docset      POST /admin/years/Y/docset        (web_gongwen.c)
 *   #rubric-import    POST /admin/rubrics/import        file (multipart)
 *   #rubric-diff      GET  /admin/rubrics/diff          a, b
 *   #user-add         POST /admin/users                 name, role, unit,
 *                                                       password
 *   #user-toggle-NAME POST /admin/users/NAME/disable    disabled (1 or 0)
 *   #audit-filter     GET  /audit                       year, unit, actor,
 *                                                       action, page
 */
#include "web.h"

#include <inttypes.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/rubric_diff.h"

#define AUDIT_PAGE 50

static const char *query(web_req *r, const char *name)
{
    const char *v = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND,
                                                name);
    return v && *v ? v : NULL;
}

void web_errors_page(web_req *r, unsigned status, const char *title,
                     const kh_err *e, const char *back)
{
    kh_buf_reset(&r->out);
    web_page_begin(r, title);
    r->status = status;
    kh_buf *o = &r->out;
    kh_buf_puts(o, "<p>以下内容未通过检查，未保存：</p><ul id=\"errors\">");
    for (size_t m = 0; e && m < kh_err_count(e); m++) {
        const kh_msg *msg = kh_err_get(e, m);
        kh_buf_puts(o, "<li>");
        if (msg->line) {
            kh_buf_printf(o, "第 %u 行", msg->line);
            if (msg->col)
                kh_buf_printf(o, "第 %u 列", msg->col);
            kh_buf_puts(o, "：");
        }
        if (msg->path) {
            kh_html_text(o, msg->path);
            kh_buf_puts(o, "：");
        }
        kh_html_text(o, web_msg_text(msg));
        kh_buf_puts(o, "</li>");
    }
    kh_buf_puts(o, "</ul><p><a id=\"back\" href=\"");
    kh_html_attr(o, back);
    kh_buf_puts(o, "\">返回</a></p>");
    web_page_end(r);
}

/* The outcome of a form POST: back to the page on success (with ?ok=1,
 * shown as a message), the located errors otherwise. */
static void done(web_req *r, kh_status st, const kh_err *e, const char *back)
{
    if (st == KH_OK) {
        kh_buf b;
        kh_buf_init(&b, 0);
        kh_buf_printf(&b, "%s?ok=1", back);
        web_redirect(r, kh_buf_str(&b));
        kh_buf_free(&b);
    } else if (st == KH_ENOMEM || st == KH_EDB || st == KH_EIO) {
        web_fail(r, st, e);
    } else {
        web_errors_page(r, st == KH_ECONFLICT ? 409 : 422, "操作未完成", e,
                        back);
    }
}

static void ok_msg(web_req *r)
{
    if (query(r, "ok"))
        web_msg_box(&r->out, "ok", "已完成。");
}

static void admin_nav(kh_buf *o)
{
    kh_buf_puts(o, "<nav class=\"noprint\" id=\"admin-nav\"><a href=\"/admin/"
                   "years\">年度</a> · <a href=\"/admin/rubrics\">评分标准版本"
                   "</a> · <a href=\"/admin/users\">用户</a> · <a href=\""
                   "/audit\">审计日志</a></nav>\n");
}

/* ---- years ----------------------------------------------------------- */

static kh_status rubric_option(void *ctx, const kh_rubric_row *row)
{
    kh_buf *o = ctx;
    kh_buf_puts(o, "<option value=\"");
    kh_html_attr(o, row->id);
    kh_buf_putc(o, '@');
    kh_html_attr(o, row->hash);
    kh_buf_puts(o, "\">");
    kh_html_text(o, row->id);
    kh_buf_printf(o, "@%.*s ", KH_STORE_HASH_SHOW, row->hash);
    kh_html_text(o, row->title);
    kh_buf_puts(o, "</option>");
    return KH_OK;
}

static kh_status year_row(void *ctx, const kh_year_info *y)
{
    kh_buf *o = ctx;
    kh_buf_printf(o, "<tr id=\"admin-year-%d\"><td><a href=\"/admin/years/%d"
                     "\">%d</a></td><td>", y->year, y->year, y->year);
    kh_html_text(o, kh_year_state_label(y->state));
    kh_buf_puts(o, "</td><td>");
    kh_html_text(o, y->rubric);
    kh_buf_printf(o, "</td><td class=\"num\">%zu</td><td class=\"num\">%zu"
                     "</td></tr>\n", y->units, y->entries);
    return KH_OK;
}

void web_page_admin_years(web_req *r)
{
    web_page_begin(r, "年度管理");
    kh_buf *o = &r->out;
    ok_msg(r);
    admin_nav(o);
    kh_buf_puts(o, "<table id=\"admin-years\"><thead><tr><th>年度</th><th>状态"
                   "</th><th>评分标准版本</th><th>单位数</th><th>记录数</th>"
                   "</tr></thead><tbody>\n");
    kh_err *e = kh_err_new();
    if (e)
        web_store_check(r, kh_store_year_each(r->store, 0, year_row, o, e), e);
    kh_buf_puts(o, "</tbody></table>\n<h2>新建考核年度</h2><form method=\""
                   "post\" action=\"/admin/years\" id=\"year-open\">");
    web_csrf_field(r);
    kh_buf_printf(o, "<label>年度 <input type=\"number\" name=\"year\" min=\"%d"
                     "\" max=\"%d\" required></label> <label>评分标准 <select "
                     "name=\"rubric\" required>", KH_YEAR_MIN, KH_YEAR_MAX);
    if (e) {
        kh_err_clear(e);
        web_store_check(r,
                        kh_store_rubric_each(r->store, rubric_option, o, e), e);
    }
    kh_err_free(e);
    kh_buf_puts(o, "</select></label> <button type=\"submit\">新建</button>"
                   "</form>\n");
    web_page_end(r);
}

void web_post_year_open(web_req *r)
{
    char *year = web_form_get(r, "year");
    char *rub = web_form_get(r, "rubric");
    kh_err *e = kh_err_new();
    kh_status st = KH_ENOMEM;
    if (e) {
        char *end = NULL;
        long y = year ? strtol(year, &end, 10) : 0;
        if (!year || *end || y < KH_YEAR_MIN || y > KH_YEAR_MAX)
            st = kh_err_at(e, 0, 0, "year", "a year from %d to %d is required",
                           KH_YEAR_MIN, KH_YEAR_MAX);
        else if (!rub || !*rub)
            st = kh_err_at(e, 0, 0, "rubric", "a rubric version is required");
        else
            st = kh_store_year_open(r->store, r->sess.user, (int)y, rub, e);
    }
    done(r, st, e, "/admin/years");
    kh_err_free(e);
    free(year);
    free(rub);
}

typedef struct year_ctx {
    web_req *r;
    int year;
    kh_year_state state;
    bool found;
} year_ctx;

static kh_status year_info_cb(void *ctx, const kh_year_info *y)
{
    year_ctx *c = ctx;
    kh_buf *o = &c->r->out;
    c->found = true;
    c->state = y->state;
    kh_buf_puts(o, "<p>状态：<strong id=\"year-state\">");
    kh_html_text(o, kh_year_state_label(y->state));
    kh_buf_puts(o, "</strong>；评分标准：<code id=\"year-rubric\">");
    kh_html_text(o, y->rubric);
    kh_buf_printf(o, "</code>；单位 %zu 个，记录 %zu 条。</p>\n", y->units,
                  y->entries);
    return KH_OK;
}

static kh_status unit_row(void *ctx, const kh_unit_row *u)
{
    kh_buf *o = ctx;
    kh_buf_puts(o, "<tr><td>");
    kh_html_text(o, u->id);
    kh_buf_puts(o, "</td><td>");
    kh_html_text(o, u->name);
    kh_buf_puts(o, "</td><td>");
    kh_html_text(o, u->kind);
    kh_buf_puts(o, "</td><td>");
    kh_html_text(o, u->branch_name ? u->branch_name : u->branch);
    kh_buf_puts(o, "</td></tr>\n");
    return KH_OK;
}

typedef struct assign_list {
    kh_buf *o;
} assign_list;

static kh_status assign_row(void *ctx, const kh_assign_row *a)
{
    kh_buf *o = ctx;
    kh_buf_puts(o, "<tr><td>");
    kh_html_text(o, a->user);
    kh_buf_puts(o, "</td><td>");
    kh_html_text(o, a->unit);
    kh_buf_puts(o, "</td></tr>\n");
    return KH_OK;
}

static kh_status inspector_option(void *ctx, const kh_user_row *u)
{
    kh_buf *o = ctx;
    if (u->role != KH_ROLE_INSPECTOR || u->disabled)
        return KH_OK;
    kh_buf_puts(o, "<option value=\"");
    kh_html_attr(o, u->name);
    kh_buf_puts(o, "\">");
    kh_html_text(o, u->name);
    kh_buf_puts(o, "</option>");
    return KH_OK;
}

static kh_status unit_check(void *ctx, const kh_unit_row *u)
{
    kh_buf *o = ctx;
    kh_buf_puts(o, "<label class=\"inline\"><input type=\"checkbox\" name=\"u_");
    kh_html_attr(o, u->id);
    kh_buf_puts(o, "\" value=\"1\"> ");
    kh_html_text(o, u->name);
    kh_buf_puts(o, "</label> ");
    return KH_OK;
}

void web_page_admin_year(web_req *r, int year)
{
    char title[64];
    snprintf(title, sizeof title, "%d 年度管理", year);
    web_page_begin(r, title);
    kh_buf *o = &r->out;
    ok_msg(r);
    admin_nav(o);
    kh_err *e = kh_err_new();
    year_ctx c = {r, year, KH_YEAR_DRAFT, false};
    kh_status st = e ? kh_store_year_each(r->store, year, year_info_cb, &c, e)
                     : KH_ENOMEM;
    if (st != KH_ENOTFOUND)
        web_store_check(r, st, e);
    if ((st != KH_OK && st != KH_DONE) || !c.found) {
        kh_err_free(e);
        web_error_page(r, 404, NULL);   /* replaced by web_fail on failure */
        return;
    }
    /* transitions */
    if (c.state < KH_YEAR_CLOSED) {
        kh_buf_printf(o, "<h2>状态转换</h2><form method=\"post\" action=\""
                         "/admin/years/%d/advance\" id=\"year-advance\">", year);
        web_csrf_field(r);
        if (c.state == KH_YEAR_REVIEW)
            kh_buf_puts(o, "<label><input type=\"checkbox\" name=\""
                           "allow_missing\" value=\"1\"> 允许缺项公布（未评项按0分计）"
                           "</label>");
        kh_buf_printf(o, "<label>说明 <input type=\"text\" name=\"reason\">"
                         "</label><button type=\"submit\">进入下一阶段：%s"
                         "</button></form>\n",
                      kh_year_state_label((kh_year_state)(c.state + 1)));
    }
    if (c.state == KH_YEAR_REVIEW || c.state == KH_YEAR_PUBLISHED) {
        kh_buf_printf(o, "<form method=\"post\" action=\"/admin/years/%d/"
                         "reopen\" id=\"year-reopen\">", year);
        web_csrf_field(r);
        kh_buf_printf(o, "<label>退回理由（必填） <textarea name=\"reason\" "
                         "rows=\"2\" cols=\"60\" required></textarea></label>"
                         "<button type=\"submit\">退回到：%s</button></form>\n",
                      kh_year_state_label((kh_year_state)(c.state - 1)));
    }
    /* units */
    kh_buf_puts(o, "<h2>被考核单位</h2>");
    if (c.state == KH_YEAR_DRAFT) {
        kh_buf_printf(o, "<form method=\"post\" action=\"/admin/years/%d/units/"
                         "import\" enctype=\"multipart/form-data\" id=\""
                         "units-import\">", year);
        web_csrf_field(r);
        kh_buf_puts(o, "<label>单位名单（CSV 或 XLSX，表头：编号,名称,类别,"
                       "支部编号,支部名称） <input type=\"file\" name=\"file\" "
                       "accept=\".csv,.xlsx,.yaml,.json\" required></label>"
                       "<button type=\"submit\">导入（替换本年度单位）</button>"
                       "</form>\n");
    }
    kh_buf_puts(o, "<table id=\"units\"><thead><tr><th>编号</th><th>名称</th>"
                   "<th>类别</th><th>支部</th></tr></thead><tbody>\n");
    kh_err_clear(e);
    web_store_check(r, kh_store_unit_each(r->store, year, unit_row, o, e), e);
    kh_buf_puts(o, "</tbody></table>\n");
    /* assignments */
    kh_buf_puts(o, "<h2>考核组成员分工</h2><table id=\"assignments\"><thead>"
                   "<tr><th>考核组成员</th><th>单位</th></tr></thead><tbody>\n");
    kh_err_clear(e);
    web_store_check(r,
                    kh_store_assign_each(r->store, NULL, year, assign_row, o, e), e);
    kh_buf_printf(o, "</tbody></table>\n<form method=\"post\" action=\"/admin/"
                     "years/%d/assign\" id=\"assign\">", year);
    web_csrf_field(r);
    kh_buf_puts(o, "<label>考核组成员 <select name=\"user\" required>");
    kh_err_clear(e);
    web_store_check(r,
                    kh_store_user_each(r->store, NULL, inspector_option, o, e), e);
    kh_buf_puts(o, "</select></label><fieldset><legend>负责的单位（保存后即为"
                   "该成员本年度的全部单位）</legend>");
    kh_err_clear(e);
    web_store_check(r,
                    kh_store_unit_each(r->store, year, unit_check, o, e), e);
    kh_buf_puts(o, "</fieldset><button type=\"submit\">保存分工</button>"
                   "</form>\n");
    kh_err_free(e);
    web_dates_form(r, year);
    web_docset_form(r, year);
    web_page_end(r);
}

void web_post_advance(web_req *r, int year, bool reopen)
{
    char *reason = web_form_get(r, "reason");
    char *allow = web_form_get(r, "allow_missing");
    kh_err *e = kh_err_new();
    char back[64];
    snprintf(back, sizeof back, "/admin/years/%d", year);
    kh_status st = KH_ENOMEM;
    if (e) {
        if (reopen && (!reason || !*reason))
            st = kh_err_at(e, 0, 0, "reason", "a reason is required to "
                                              "reopen a year");
        else if (reopen)
            st = kh_store_year_reopen(r->store, r->sess.user, year, reason,
                                      NULL, e);
        else
            st = kh_store_year_advance(
                r->store, r->sess.user, year,
                allow ? KH_ADVANCE_ALLOW_MISSING : 0u,
                reason && *reason ? reason : NULL, NULL, e);
    }
    if (st == KH_ENOTFOUND)
        web_error_page(r, 404, NULL);
    else
        done(r, st == KH_ESTATE ? KH_EINVAL : st, e, back);
    kh_err_free(e);
    free(reason);
    free(allow);
}

void web_post_units_import(web_req *r, int year)
{
    char back[64];
    snprintf(back, sizeof back, "/admin/years/%d", year);
    const web_field *f = web_form_file(r, "file");
    kh_err *e = kh_err_new();
    kh_status st = KH_ENOMEM;
    if (e) {
        if (!f || !f->data.len) {
            st = kh_err_at(e, 0, 0, "file", "choose a file to upload");
        } else {
            kh_import_stats stats;
            st = kh_store_units_import(r->store, r->sess.user, year,
                                       f->filename, f->data.data, f->data.len,
                                       e, &stats);
        }
    }
    done(r, st == KH_ESTATE ? KH_EINVAL : st, e, back);
    kh_err_free(e);
}

typedef struct unit_pick {
    web_req *r;
    char **units;
    size_t n, alloc;
    bool oom;
} unit_pick;

static kh_status pick_cb(void *ctx, const kh_unit_row *u)
{
    unit_pick *p = ctx;
    char field[KH_USER_NAME_MAX * 4 + 8];
    snprintf(field, sizeof field, "u_%s", u->id);
    char *v = web_form_get(p->r, field);
    bool on = v && strcmp(v, "1") == 0;
    free(v);
    if (!on)
        return KH_OK;
    if (p->n == p->alloc) {
        size_t na = p->alloc ? p->alloc * 2 : 16;
        char **nu = realloc(p->units, na * sizeof *nu);
        if (!nu) {
            p->oom = true;
            return KH_ENOMEM;
        }
        p->units = nu;
        p->alloc = na;
    }
    p->units[p->n] = strdup(u->id);
    if (!p->units[p->n]) {
        p->oom = true;
        return KH_ENOMEM;
    }
    p->n++;
    return KH_OK;
}

void web_post_assign(web_req *r, int year)
{
    char back[64];
    snprintf(back, sizeof back, "/admin/years/%d", year);
    char *user = web_form_get(r, "user");
    kh_err *e = kh_err_new();
    unit_pick p = {r, NULL, 0, 0, false};
    kh_status st = KH_ENOMEM;
    if (e) {
        st = kh_store_unit_each(r->store, year, pick_cb, &p, e);
        if (st == KH_OK && (!user || !*user))
            st = kh_err_at(e, 0, 0, "user", "choose an inspector");
        else if (st == KH_OK)
            st = kh_store_user_assign(r->store, r->sess.user, user, year, p.n,
                                      (const char *const *)p.units, true, e);
    }
    done(r, st, e, back);
    for (size_t i = 0; i < p.n; i++)
        free(p.units[i]);
    free(p.units);
    kh_err_free(e);
    free(user);
}

/* ---- rubrics --------------------------------------------------------- */

static kh_status rubric_row(void *ctx, const kh_rubric_row *row)
{
    kh_buf *o = ctx;
    kh_buf_puts(o, "<tr><td><code>");
    kh_html_text(o, row->id);
    kh_buf_printf(o, "@%.*s</code></td><td>", KH_STORE_HASH_SHOW, row->hash);
    kh_html_text(o, row->title);
    kh_buf_puts(o, "</td><td>");
    kh_html_text(o, row->imported_at);
    kh_buf_puts(o, "</td><td>");
    kh_html_text(o, row->imported_by);
    kh_buf_puts(o, "</td></tr>\n");
    return KH_OK;
}

void web_page_rubrics(web_req *r)
{
    web_page_begin(r, "评分标准版本");
    kh_buf *o = &r->out;
    ok_msg(r);
    admin_nav(o);
    kh_buf_puts(o, "<table id=\"rubrics\"><thead><tr><th>版本</th><th>标题"
                   "</th><th>导入时间</th><th>导入人</th></tr></thead><tbody>\n");
    kh_err *e = kh_err_new();
    if (e)
        web_store_check(r,
                        kh_store_rubric_each(r->store, rubric_row, o, e), e);
    kh_buf_puts(o, "</tbody></table>\n<h2>导入评分标准</h2><form method=\"post"
                   "\" action=\"/admin/rubrics/import\" enctype=\"multipart/"
                   "form-data\" id=\"rubric-import\">");
    web_csrf_field(r);
    kh_buf_puts(o, "<label>评分标准文件（YAML 或 JSON） <input type=\"file\" "
                   "name=\"file\" accept=\".yaml,.yml,.json\" required></label>"
                   "<button type=\"submit\">导入</button></form>\n<h2>比较两个"
                   "版本</h2><form method=\"get\" action=\"/admin/rubrics/diff\""
                   " id=\"rubric-diff\"><label>原版本 <select name=\"a\">");
    if (e) {
        kh_err_clear(e);
        web_store_check(r,
                        kh_store_rubric_each(r->store, rubric_option, o, e), e);
    }
    kh_buf_puts(o, "</select></label> <label>新版本 <select name=\"b\">");
    if (e) {
        kh_err_clear(e);
        web_store_check(r,
                        kh_store_rubric_each(r->store, rubric_option, o, e), e);
    }
    kh_err_free(e);
    kh_buf_puts(o, "</select></label> <button type=\"submit\">比较</button>"
                   "</form>\n");
    web_page_end(r);
}

void web_post_rubric_import(web_req *r)
{
    const web_field *f = web_form_file(r, "file");
    kh_err *e = kh_err_new();
    kh_status st = KH_ENOMEM;
    if (e) {
        if (!f || !f->data.len)
            st = kh_err_at(e, 0, 0, "file", "choose a file to upload");
        else
            st = kh_store_rubric_import(r->store, r->sess.user, f->filename,
                                        f->data.data, f->data.len, e, NULL,
                                        NULL);
    }
    done(r, st, e, "/admin/rubrics");
    kh_err_free(e);
}

void web_page_rubric_diff(web_req *r)
{
    const char *a = query(r, "a"), *b = query(r, "b");
    kh_err *e = kh_err_new();
    kh_rubric *ra = NULL, *rb = NULL;
    char *va = NULL, *vb = NULL;
    kh_status st = KH_ENOMEM;
    if (e) {
        if (!a || !b)
            st = kh_err_at(e, 0, 0, NULL, "choose two rubric versions");
        else if ((st = kh_store_rubric_load(r->store, a, e, &ra, &va)) == KH_OK)
            st = kh_store_rubric_load(r->store, b, e, &rb, &vb);
    }
    if (st != KH_OK) {
        web_errors_page(r, st == KH_ENOMEM ? 500 : 422, "无法比较", e,
                        "/admin/rubrics");
    } else {
        web_page_begin(r, "评分标准版本比较");
        admin_nav(&r->out);
        kh_buf d;
        kh_buf_init(&d, 0);
        size_t n = 0;
        kh_rubric_diff(ra, va, rb, vb, &d, &n);
        kh_buf_printf(&r->out, "<p id=\"rubric-diff-count\">共 %zu 处差异。"
                               "</p><pre class=\"explain\" id=\"rubric-diff-"
                               "out\">", n);
        kh_html_text(&r->out, kh_buf_str(&d));
        kh_buf_puts(&r->out, "</pre>\n");
        kh_buf_free(&d);
        web_page_end(r);
    }
    kh_rubric_free(ra);
    kh_rubric_free(rb);
    free(va);
    free(vb);
    kh_err_free(e);
}

/* ---- users ----------------------------------------------------------- */

static kh_status user_row(void *ctx, const kh_user_row *u)
{
    web_req *r = ctx;
    kh_buf *o = &r->out;
    kh_buf_puts(o, "<tr id=\"user-");
    kh_html_attr(o, u->name);
    kh_buf_puts(o, "\"><td>");
    kh_html_text(o, u->name);
    kh_buf_puts(o, "</td><td>");
    kh_html_text(o, kh_role_label(u->role));
    kh_buf_puts(o, "</td><td>");
    kh_html_text(o, u->unit);
    kh_buf_printf(o, "</td><td>%s</td><td><form method=\"post\" action=\""
                     "/admin/users/", u->disabled ? "已停用" : "正常");
    kh_html_url(o, u->name);
    kh_buf_puts(o, "/disable\" id=\"user-toggle-");
    kh_html_attr(o, u->name);
    kh_buf_puts(o, "\">");
    web_csrf_field(r);
    kh_buf_printf(o, "<input type=\"hidden\" name=\"disabled\" value=\"%s\">"
                     "<button type=\"submit\">%s</button></form></td></tr>\n",
                  u->disabled ? "0" : "1", u->disabled ? "启用" : "停用");
    return KH_OK;
}

void web_page_users(web_req *r)
{
    web_page_begin(r, "用户管理");
    kh_buf *o = &r->out;
    ok_msg(r);
    admin_nav(o);
    kh_buf_puts(o, "<table id=\"users\"><thead><tr><th>用户名</th><th>角色</th>"
                   "<th>单位</th><th>状态</th><th>操作</th></tr></thead><tbody>"
                   "\n");
    kh_err *e = kh_err_new();
    if (e)
        web_store_check(r,
                        kh_store_user_each(r->store, NULL, user_row, r, e), e);
    kh_err_free(e);
    kh_buf_puts(o, "</tbody></table>\n<h2>添加用户</h2><form method=\"post\" "
                   "action=\"/admin/users\" id=\"user-add\">");
    web_csrf_field(r);
    kh_buf_puts(o, "<label>用户名 <input type=\"text\" name=\"name\" required "
                   "maxlength=\"64\"></label> <label>角色 <select name=\"role\">");
    for (int k = KH_ROLE_ADMIN; k <= KH_ROLE_AUDITOR; k++)
        kh_buf_printf(o, "<option value=\"%s\">%s</option>",
                      kh_role_name((kh_role)k), kh_role_label((kh_role)k));
    kh_buf_puts(o, "</select></label> <label>单位编号（被考核单位用户填写） "
                   "<input type=\"text\" name=\"unit\"></label> <label>初始密码 "
                   "<input type=\"password\" name=\"password\" minlength=\"8\" "
                   "autocomplete=\"new-password\" required></label> <button "
                   "type=\"submit\">添加</button></form>\n");
    web_page_end(r);
}

void web_post_user_add(web_req *r)
{
    char *name = web_form_get(r, "name");
    char *role = web_form_get(r, "role");
    char *unit = web_form_get(r, "unit");
    char *pw = web_form_get(r, "password");
    kh_err *e = kh_err_new();
    kh_status st = KH_ENOMEM;
    kh_role rl;
    if (e) {
        if (!name || !*name)
            st = kh_err_at(e, 0, 0, "name", "a user name is required");
        else if (!role || !kh_role_parse(role, &rl))
            st = kh_err_at(e, 0, 0, "role", "choose a role");
        else if (!pw)
            st = kh_err_at(e, 0, 0, "password", "a password is required");
        else
            st = kh_store_user_add(r->store, r->sess.user, name, rl,
                                   unit && *unit ? unit : NULL, pw, e);
    }
    done(r, st, e, "/admin/users");
    kh_err_free(e);
    free(name);
    free(role);
    free(unit);
    if (pw) {
        memset(pw, 0, strlen(pw));
        free(pw);
    }
}

void web_post_user_disable(web_req *r, const char *name)
{
    char *d = web_form_get(r, "disabled");
    kh_err *e = kh_err_new();
    kh_status st = KH_ENOMEM;
    bool off = d && strcmp(d, "1") == 0;
    if (e) {
        if (off && strcmp(name, r->sess.user) == 0)
            st = kh_err_at(e, 0, 0, "disabled", "you cannot disable yourself");
        else
            st = kh_store_user_set_disabled(r->store, r->sess.user, name, off,
                                            e);
    }
    if (st == KH_OK && off)   /* a disabled user is logged out now */
        web_session_destroy_user(r, name, NULL);
    if (st == KH_ENOTFOUND)
        web_error_page(r, 404, NULL);
    else
        done(r, st, e, "/admin/users");
    kh_err_free(e);
    free(d);
}

/* ---- the audit log ----------------------------------------------------- */

typedef struct audit_ctx {
    const char *actor, *action;
    size_t total;                /* matching records */
    size_t from, to;             /* the page: match indexes [from, to) */
    char **rows;                 /* rendered rows of the page, in order */
    size_t nrows;
    bool counting;
} audit_ctx;

static bool audit_match(const audit_ctx *c, const kh_audit_row *row)
{
    if (c->actor && strcmp(row->rec.actor, c->actor) != 0)
        return false;
    if (c->action && (!row->rec.action ||
                      strncmp(row->rec.action, c->action,
                              strlen(c->action)) != 0))
        return false;
    return true;
}

static kh_status audit_cb(void *ctx, const kh_audit_row *row)
{
    audit_ctx *c = ctx;
    if (!audit_match(c, row))
        return KH_OK;
    size_t k = c->total++;
    if (c->counting || k < c->from || k >= c->to)
        return KH_OK;
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_buf_printf(&b, "<tr id=\"audit-%" PRId64 "\"><td class=\"num\">%" PRId64
                      "</td><td>", row->seq, row->seq);
    kh_html_text(&b, row->at);
    kh_buf_puts(&b, "</td><td>");
    kh_html_text(&b, row->rec.actor);
    kh_buf_puts(&b, "</td><td>");
    kh_html_text(&b, row->rec.action);
    kh_buf_puts(&b, "</td><td>");
    if (row->rec.year)
        kh_buf_printf(&b, "%d", row->rec.year);
    kh_buf_puts(&b, "</td><td>");
    kh_html_text(&b, row->rec.unit);
    kh_buf_puts(&b, "</td><td class=\"wrap\">");
    kh_html_text(&b, row->rec.object);
    kh_buf_puts(&b, "</td><td class=\"wrap\">");
    if (row->rec.old_value) {
        kh_buf_puts(&b, "原：");
        kh_html_text(&b, row->rec.old_value);
        kh_buf_puts(&b, "<br>");
    }
    if (row->rec.new_value) {
        kh_buf_puts(&b, "新：");
        kh_html_text(&b, row->rec.new_value);
    }
    kh_buf_puts(&b, "</td><td>");
    kh_html_text(&b, row->rec.reason);
    kh_buf_puts(&b, "</td></tr>\n");
    c->rows[c->nrows++] = kh_buf_take(&b, NULL);
    kh_buf_free(&b);
    return KH_OK;
}

static void audit_link(kh_buf *o, int year, const char *unit,
                       const char *actor, const char *action, size_t page)
{
    kh_buf_puts(o, "/audit?page=");
    kh_buf_printf(o, "%zu", page);
    if (year)
        kh_buf_printf(o, "&amp;year=%d", year);
    struct { const char *k, *v; } q[] = {
        {"unit", unit}, {"actor", actor}, {"action", action}};
    for (size_t i = 0; i < 3; i++) {
        if (!q[i].v)
            continue;
        kh_buf_printf(o, "&amp;%s=", q[i].k);
        kh_html_url(o, q[i].v);
    }
}

static void filter_input(kh_buf *o, const char *label, const char *name,
                         const char *value)
{
    kh_buf_printf(o, "<label>%s <input type=\"text\" name=\"%s\" value=\"",
                  label, name);
    kh_html_attr(o, value);
    kh_buf_puts(o, "\" size=\"12\"></label> ");
}

void web_page_audit(web_req *r)
{
    if (!web_may(r, WEB_A_READ_ALL, 0, NULL)) {
        web_refuse_page(r, "audit log: role");
        return;
    }
    const char *ys = query(r, "year"), *unit = query(r, "unit");
    const char *actor = query(r, "actor"), *action = query(r, "action");
    const char *ps = query(r, "page");
    int year = ys ? atoi(ys) : 0;
    if (year < 0 || year > KH_YEAR_MAX)
        year = 0;
    long page = ps ? strtol(ps, NULL, 10) : 1;
    if (page < 1)
        page = 1;
    audit_ctx c = {actor, action, 0, 0, 0, NULL, 0, true};
    kh_err *e = kh_err_new();
    if (!e) {
        web_error_page(r, 500, NULL);
        return;
    }
    web_store_check(r,
                    kh_store_audit_each(r->store, year, unit, audit_cb, &c, e), e);
    /* Newest first: page 1 holds the last AUDIT_PAGE matches. */
    size_t pages = c.total ? (c.total + AUDIT_PAGE - 1) / AUDIT_PAGE : 1;
    if ((size_t)page > pages)
        page = (long)pages;
    size_t to = c.total > (size_t)(page - 1) * AUDIT_PAGE
                    ? c.total - (size_t)(page - 1) * AUDIT_PAGE
                    : 0;
    size_t from = to > AUDIT_PAGE ? to - AUDIT_PAGE : 0;
    c.rows = calloc(AUDIT_PAGE + 1, sizeof *c.rows);
    c.counting = false;
    c.from = from;
    c.to = to;
    c.total = 0;
    kh_err_clear(e);
    if (c.rows)
        web_store_check(r,
                        kh_store_audit_each(r->store, year, unit, audit_cb, &c, e), e);

    web_page_begin(r, "审计日志");
    kh_buf *o = &r->out;
    if (r->sess.role == KH_ROLE_ADMIN)
        admin_nav(o);
    int64_t count = 0;
    kh_err_clear(e);
    kh_status vst = kh_store_audit_verify(r->store, &count, e);
    if (vst != KH_EINVAL)   /* a broken chain is shown; a failure fails */
        web_store_check(r, vst, e);
    if (vst == KH_OK) {
        kh_buf_printf(o, "<p class=\"msg ok\" id=\"audit-verify\">审计日志校验"
                         "通过：共 %" PRId64 " 条记录，哈希链完整。</p>\n",
                      count);
    } else {
        kh_buf_puts(o, "<p class=\"msg error\" id=\"audit-verify\">审计日志校验"
                       "未通过：");
        for (size_t i = 0; i < kh_err_count(e); i++)
            kh_html_text(o, web_msg_text(kh_err_get(e, i)));
        kh_buf_puts(o, "</p>\n");
    }
    kh_buf_printf(o, "<form method=\"get\" action=\"/audit\" id=\"audit-filter\" "
                     "class=\"noprint\"><label>年度 <input type=\"number\" name=\""
                     "year\" min=\"%d\" max=\"%d\" value=\"", KH_YEAR_MIN,
                     KH_YEAR_MAX);
    if (year)
        kh_buf_printf(o, "%d", year);
    kh_buf_puts(o, "\"></label> ");
    filter_input(o, "单位编号", "unit", unit);
    filter_input(o, "操作人", "actor", actor);
    filter_input(o, "操作（前缀）", "action", action);
    kh_buf_puts(o, "<button type=\"submit\">筛选</button></form>\n");
    kh_buf_printf(o, "<p id=\"audit-count\">符合条件的记录 %zu 条，第 %ld / %zu "
                     "页（最新的在前）。</p>\n", c.total, page, pages);
    kh_buf_puts(o, "<table id=\"audit\"><thead><tr><th>序号</th><th>时间（UTC）"
                   "</th><th>操作人</th><th>操作</th><th>年度</th><th>单位</th>"
                   "<th>对象</th><th>内容</th><th>理由</th></tr></thead><tbody>\n");
    for (size_t i = c.nrows; i-- > 0;) {
        kh_buf_puts(o, c.rows[i]);
        free(c.rows[i]);
    }
    free(c.rows);
    kh_buf_puts(o, "</tbody></table>\n<nav id=\"audit-pages\" class=\"noprint\">");
    if (page > 1) {
        kh_buf_puts(o, "<a id=\"audit-prev\" href=\"");
        audit_link(o, year, unit, actor, action, (size_t)page - 1);
        kh_buf_puts(o, "\">较新</a> ");
    }
    if ((size_t)page < pages) {
        kh_buf_puts(o, "<a id=\"audit-next\" href=\"");
        audit_link(o, year, unit, actor, action, (size_t)page + 1);
        kh_buf_puts(o, "\">较早</a>");
    }
    kh_buf_puts(o, "</nav>\n");
    kh_err_free(e);
    web_page_end(r);
}
