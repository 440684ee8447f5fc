/*
 * web_gongwen.c - the 公文 (issue 14) as downloads beside the printable
 * pages of web_reports.c: the library's .docx and PDF bytes
 * (lib/docs/gongwen.c), the same `kaohe export docx|pdf` writes.
 *
 * Routes (all GET; the same rules as the HTML page each mirrors):
 *   /years/Y/notice.docx, /years/Y/notice.pdf
 *       admin, auditor (drafts marked （草稿）)
 *   /years/Y/units/U/sheet.docx, /years/Y/units/U/sheet.pdf
 *       admin, auditor; unit user: its own unit once published;
 *       inspector: its assigned units (web_may_sheet)
 *   /years/Y/followup/report.docx, /years/Y/followup/report.pdf
 *       admin, auditor; published years (409 before)
 *   /years/Y/compilation.docx, /years/Y/compilation.pdf
 *       admin, auditor
 * Refusals are audited (web_refuse_page).
 *
 * The year's document settings (admin only; web_admin.c routes and
 * checks the role, web_http.c the CSRF token):
 *   #year-docset  form on GET /admin/years/Y
 *                 POST /admin/years/Y/docset   issuer, number, to, cc,
 *                                              printer, date, grades, scale
 */
#include "web.h"

#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include "kaohe/assess.h"
#include "kaohe/gongwen.h"
#include "kaohe/store_docset.h"

static bool gw_may_all(web_req *r)
{
    return r->logged_in && (r->sess.role == KH_ROLE_ADMIN ||
                            r->sess.role == KH_ROLE_AUDITOR);
}

/* "notice.docx" -> kind "notice", format; false for another name. */
static bool gw_split(const char *seg, const char *base,
                     kh_gongwen_format *fmt)
{
    size_t bl = strlen(base);
    if (strncmp(seg, base, bl) != 0)
        return false;
    if (!strcmp(seg + bl, ".docx"))
        *fmt = KH_GONGWEN_DOCX;
    else if (!strcmp(seg + bl, ".pdf"))
        *fmt = KH_GONGWEN_PDF;
    else
        return false;
    return true;
}

/* Writes document what of year y (unit: sheet) into the response, as
 * an attachment named after the document (RFC 6266/5987). */
static void gw_serve(web_req *r, const web_year *y, kh_gongwen_kind what,
                     const char *unit, kh_gongwen_format fmt)
{
    kh_err *e = kh_err_new();
    kh_export *x = NULL;
    kh_status st = e ? kh_export_open(r->store, y->year, e, &x) : KH_ENOMEM;
    size_t u = 0;
    if (st == KH_OK && unit)
        st = kh_export_unit(x, unit, e, &u);
    kh_buf_reset(&r->out);
    if (st == KH_OK)
        st = kh_gongwen_write(x, what, u, fmt, &r->out, e);
    kh_export_free(x);
    kh_err_free(e);
    if (st != KH_OK) {
        kh_buf_reset(&r->out);
        web_error_page(r, st == KH_ESTATE ? 409 : 500,
                       st == KH_ESTATE ? "本年度数据与公布结果不一致，不能生成"
                                         "正式文件。" : NULL);
        return;
    }
    static const char *const names[] = {"考核结果通报", "考核评分表",
                                        "整改跟踪", "经验汇编"};
    const char *ext = fmt == KH_GONGWEN_PDF ? "pdf" : "docx";
    r->status = 200;
    r->ctype = fmt == KH_GONGWEN_PDF
                   ? "application/pdf"
                   : "application/vnd.openxmlformats-officedocument."
                     "wordprocessingml.document";
    kh_buf d, name;
    kh_buf_init(&d, 0);
    kh_buf_init(&name, 0);
    kh_buf_printf(&name, "%d年度%s%s%s.%s", y->year, names[what],
                  unit ? "-" : "", unit ? unit : "", ext);
    kh_buf_printf(&d, "attachment; filename=\"kaohe-%d-%s.%s\"; "
                      "filename*=UTF-8''", y->year,
                  what == KH_GONGWEN_SHEET ? "sheet" : "document", ext);
    kh_html_url(&d, kh_buf_str(&name));
    r->disposition = kh_buf_take(&d, NULL);
    kh_buf_free(&d);
    kh_buf_free(&name);
}

bool web_gongwen_year_route(web_req *r, const web_year *y, int n,
                            const char *const *seg)
{
    kh_gongwen_format fmt;
    if (n == 3 && (gw_split(seg[2], "notice", &fmt) ||
                   gw_split(seg[2], "compilation", &fmt))) {
        if (!gw_may_all(r))
            web_refuse_page(r, "公文 download: role");
        else
            gw_serve(r, y, seg[2][0] == 'n' ? KH_GONGWEN_NOTICE
                                            : KH_GONGWEN_COMPILATION,
                     NULL, fmt);
    } else if (n == 4 && !strcmp(seg[2], "followup") &&
               gw_split(seg[3], "report", &fmt)) {
        if (!gw_may_all(r))
            web_refuse_page(r, "follow-up download: role");
        else if (y->state < KH_YEAR_PUBLISHED)
            web_error_page(r, 409, "结果公布后才有整改跟踪报告。");
        else
            gw_serve(r, y, KH_GONGWEN_FOLLOWUP, NULL, fmt);
    } else if (n == 5 && !strcmp(seg[2], "units") &&
               gw_split(seg[4], "sheet", &fmt)) {
        if (!web_may_sheet(r, y->year, y->state, seg[3]))
            web_refuse_page(r, "score sheet download: role or unit");
        else if (kh_assess_unit_find(y->assess, seg[3]) < 0)
            web_error_page(r, 404, NULL);
        else
            gw_serve(r, y, KH_GONGWEN_SHEET, seg[3], fmt);
    } else {
        return false;
    }
    return true;
}

/* ---- the year's document settings ---------------------------------- */

static const struct {
    const char *key, *label, *hint;
} gw_fields[] = {
    {"issuer", "发文机关", ""},
    {"number", "发文字号", "未填写时显示（文号待定）"},
    {"to", "主送机关", ""},
    {"cc", "抄送机关", ""},
    {"printer", "印发机关", ""},
    {"date", "成文日期", "YYYY-MM-DD，未填写时为导出当日"},
    {"grades", "等次划分", "如 优秀:90,良好:80,一般:70,较差"},
    {"scale", "折算分值", "如 10/100，未填写时不折算"},
};
#define GW_NFIELDS (sizeof gw_fields / sizeof gw_fields[0])

void web_docset_form(web_req *r, int year)
{
    kh_buf *o = &r->out;
    kh_err *e = kh_err_new();
    kh_docset d;
    if (!e || kh_store_docset_get(r->store, year, &d, e) != KH_OK) {
        kh_err_free(e);
        return;
    }
    kh_err_free(e);
    const char *v[] = {d.issuer, d.number, d.to, d.cc, d.printer, d.date,
                       d.grades, d.scale};
    kh_buf_printf(o, "<h2>公文设置</h2><form method=\"post\" action=\""
                     "/admin/years/%d/docset\" id=\"year-docset\">", year);
    web_csrf_field(r);
    for (size_t i = 0; i < GW_NFIELDS; i++) {
        kh_buf_printf(o, "<label>%s <input type=\"text\" name=\"%s\" "
                         "maxlength=\"%d\" value=\"", gw_fields[i].label,
                      gw_fields[i].key, KH_DOCSET_VALUE_MAX);
        kh_html_attr(o, v[i] ? v[i] : "");
        kh_buf_puts(o, "\">");
        if (*gw_fields[i].hint)
            kh_buf_printf(o, "<small>%s</small>", gw_fields[i].hint);
        kh_buf_puts(o, "</label>\n");
    }
    kh_buf_puts(o, "<button type=\"submit\">保存公文设置</button></form>\n");
    kh_docset_clear(&d);
}

void web_docset_post(web_req *r, int year)
{
    char *val[GW_NFIELDS];
    char *pairs[GW_NFIELDS];
    size_t n = 0;
    kh_status st = KH_OK;
    for (size_t i = 0; i < GW_NFIELDS; i++) {
        val[i] = web_form_get(r, gw_fields[i].key);
        if (!val[i])
            continue;
        kh_buf b;
        kh_buf_init(&b, 0);
        kh_buf_printf(&b, "%s=%s", gw_fields[i].key, val[i]);
        if (!(pairs[n] = kh_buf_take(&b, NULL)))
            st = KH_ENOMEM;
        else
            n++;
        kh_buf_free(&b);
    }
    kh_err *e = kh_err_new();
    if (!e)
        st = KH_ENOMEM;
    if (st == KH_OK)
        st = kh_store_docset_set(r->store, r->sess.user, year,
                                 (const char *const *)pairs, n, e);
    char back[64];
    snprintf(back, sizeof back, "/admin/years/%d", year);
    if (st == KH_OK) {
        char ok[80];
        snprintf(ok, sizeof ok, "%s?ok=1", back);
        web_redirect(r, ok);
    } else if (st == KH_ENOTFOUND) {
        web_error_page(r, 404, NULL);
    } else if (st == KH_EINVAL || st == KH_ESTATE) {
        web_errors_page(r, 422, "公文设置未保存", e, back);
    } else {
        web_error_page(r, 500, NULL);
    }
    kh_err_free(e);
    for (size_t i = 0; i < n; i++)
        free(pairs[i]);
    for (size_t i = 0; i < GW_NFIELDS; i++)
        free(val[i]);
}
