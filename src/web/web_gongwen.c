/*
 * web_gongwen.c - the 公文 (issue 14) as downloads beside the printable
 * pages of web_reports.c: the library's .docx and PDF bytes
 * (lib/docs/gongwen.c), the same `kaohe export docx|pdf` writes.
 *
 * Routes (rows of routes.c, all GET; the same policy as the HTML page
 * each mirrors):
 *   /years/Y/notice.docx, /years/Y/notice.pdf
 *       admin, auditor (drafts marked （草稿）)
 *   /years/Y/units/U/sheet.docx, /years/Y/units/U/sheet.pdf
 *       admin, auditor; unit user: its own unit once published
 *   /years/Y/followup/report.docx, /years/Y/followup/report.pdf
 *       admin, auditor; published years (409 before)
 *   /years/Y/compilation.docx, /years/Y/compilation.pdf
 *       admin, auditor
 *
 * The year's document settings (admin only, a row of routes.c):
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
    if (st != KH_OK) {
        kh_buf_reset(&r->out);
        if (st == KH_ESTATE)
            web_error_page(r, 409, W_("This year's data no longer match "
                                      "the published results, so no "
                                      "official document can be made."));
        else
            web_fail(r, st, e);   /* logged, 500/503/507 */
        kh_err_free(e);
        return;
    }
    kh_err_free(e);
    static const char *const names[] = {
        N_("assessment results notice"), N_("assessment score sheet"),
        N_("rectification follow-up"), N_("good practices compilation")};
    const char *ext = fmt == KH_GONGWEN_PDF ? "pdf" : "docx";
    r->status = 200;
    r->ctype = fmt == KH_GONGWEN_PDF
                   ? "application/pdf"
                   : "application/vnd.openxmlformats-officedocument."
                     "wordprocessingml.document";
    kh_buf d, name;
    kh_buf_init(&d, 0);
    kh_buf_init(&name, 0);
    /* The name a person saves: the year, the document, the unit's name. */
    kh_buf_printf(&name, W_("%d annual %s"), y->year, W_(names[what]));
    if (unit)
        kh_buf_printf(&name, "-%s", kh_assess_unit_name(y->assess, u));
    kh_buf_printf(&name, ".%s", ext);
    kh_buf_printf(&d, "attachment; filename=\"kaohe-%d-%s.%s\"; "
                      "filename*=UTF-8''", y->year,
                  what == KH_GONGWEN_SHEET ? "sheet" : "document", ext);
    kh_html_url(&d, kh_buf_str(&name));
    r->disposition = kh_buf_take(&d, NULL);
    kh_buf_free(&d);
    kh_buf_free(&name);
}

void web_gongwen_get(web_req *r, const web_year *y, int what,
                     const char *unit, int fmt)
{
    if (what == KH_GONGWEN_FOLLOWUP && y->state < KH_YEAR_PUBLISHED)
        web_error_page(r, 409, W_("The rectification follow-up report "
                                  "exists once the results are published."));
    else if (unit && kh_assess_unit_find(y->assess, unit) < 0)
        web_error_page(r, 404, NULL);
    else
        gw_serve(r, y, (kh_gongwen_kind)what, unit, (kh_gongwen_format)fmt);
}

/* ---- the year's document settings ---------------------------------- */

static const struct {
    const char *key, *label, *hint;
} gw_fields[] = {
    {"issuer", N_("Issuing authority"), ""},
    {"number", N_("Document number"),
     N_("When empty the document shows (number to be assigned)")},
    {"to", N_("Main recipients"), ""},
    {"cc", N_("Copied to"), ""},
    {"printer", N_("Printed and issued by"), ""},
    {"date", N_("Date of the document"),
     N_("YYYY-MM-DD; when empty, the day of the export")},
    {"grades", N_("Grades"),
     N_("e.g. excellent:90,good:80,fair:70,poor (in Chinese)")},
    {"scale", N_("Converted points"),
     N_("e.g. 10/100; when empty nothing is converted")},
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
    kh_buf_printf(o, "<h2>%s</h2><form method=\"post\" action=\""
                     "/admin/years/%d/docset\" id=\"year-docset\">",
                  W_("Official document settings"), year);
    web_csrf_field(r);
    for (size_t i = 0; i < GW_NFIELDS; i++) {
        kh_buf_printf(o, "<label>%s <input type=\"text\" name=\"%s\" "
                         "maxlength=\"%d\" value=\"", W_(gw_fields[i].label),
                      gw_fields[i].key, KH_DOCSET_VALUE_MAX);
        kh_html_attr(o, v[i] ? v[i] : "");
        kh_buf_puts(o, "\">");
        if (*gw_fields[i].hint)
            kh_buf_printf(o, "<small>%s</small>", W_(gw_fields[i].hint));
        kh_buf_puts(o, "</label>\n");
    }
    kh_buf_printf(o, "<button type=\"submit\">%s</button></form>\n",
                  W_("Save the document settings"));
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
        web_errors_page(r, 422, W_("The document settings were not saved"),
                        e, back);
    } else {
        web_fail(r, st, e);
    }
    kh_err_free(e);
    for (size_t i = 0; i < n; i++)
        free(pairs[i]);
    for (size_t i = 0; i < GW_NFIELDS; i++)
        free(val[i]);
}
