/*
 * web_reports.c - the official documents of issue 5 in the web app: the
 * year's workbook download (GET /years/Y/export.xlsx), the printable
 * pages (GET /years/Y/notice, /years/Y/units/U/sheet,
 * /years/Y/followup/report) and year over year (GET /compare?years=A,B
 * and /units/U/history with the SVG line chart).
 *
 * Every document is produced by the library (lib/docs/export*.c,
 * lib/docs/compare.c), so the bytes served are those `kaohe export` and
 * `kaohe compare` write; this file only decides who may see what.
 * Rules: admin and auditor everything; a unit user only its own score
 * sheet and only once the year is published; an inspector the score
 * sheets of the units assigned to it.  Refusals are audited.
 */
#include "web.h"

#include <errno.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kaohe/assess.h"
#include "kaohe/compare.h"
#include "kaohe/export.h"
#include "kaohe/vec.h"

/* The bar above a printable page on screen: its PDF and Word files
 * (the 公文 of web_gongwen.c at doc + ".pdf" / ".docx"), so a phone
 * that cannot print A4 still gets the document.  Never printed. */
static kh_status files_bar(kh_export *x, const char *doc)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_buf_printf(&b, "<nav class=\"files\" aria-label=\"%s\">",
                  W_("Files of this document"));
    static const char *const ext[] = {"pdf", "docx"};
    static const char *const label[] = {N_("Download PDF"),
                                        N_("Download Word document")};
    for (size_t i = 0; i < 2; i++) {
        kh_buf_puts(&b, "<a href=\"");
        kh_html_attr(&b, doc);
        kh_buf_printf(&b, ".%s\" download>%s</a>", ext[i], W_(label[i]));
    }
    kh_buf_puts(&b, "</nav>\n");
    kh_status st = kh_buf_status(&b);
    if (st == KH_OK)
        st = kh_export_set_screen_html(x, kh_buf_str(&b));
    kh_buf_free(&b);
    return st;
}

/* Opens the year's export (doc: the page's path, whose .pdf and .docx
 * the page links; NULL for none); on failure answers the request and
 * returns NULL (a published year whose figures no longer match its
 * snapshot is a 409: no official document may carry other figures). */
static kh_export *open_export(web_req *r, int year, const char *doc)
{
    kh_err *e = kh_err_new();
    kh_export *x = NULL;
    kh_status st = e ? kh_export_open(r->store, year, e, &x) : KH_ENOMEM;
    /* The policy refuses inline styles: the pages link the sheet. */
    if (st == KH_OK && (st = kh_export_set_css_href(x, WEB_PRINT_CSS)) == KH_OK
        && doc)
        st = files_bar(x, doc);
    if (st != KH_OK && x) {
        kh_export_free(x);
        x = NULL;
    }
    if (st == KH_ENOTFOUND)
        web_error_page(r, 404, NULL);
    else if (st == KH_ESTATE)
        web_error_page(r, 409, W_("This year's data differ from the "
                                  "published results: no official "
                                  "document can be made."));
    else if (st != KH_OK)
        web_fail(r, st, e);   /* logged; busy 503, full 507, else 500 */
    kh_err_free(e);
    return st == KH_OK ? x : NULL;
}

/* Serves a whole page the library wrote into b. */
static void serve_html(web_req *r, kh_buf *b)
{
    kh_buf_reset(&r->out);
    kh_buf_add(&r->out, b->data ? b->data : "", b->len);
    r->status = 200;
    r->ctype = "text/html; charset=utf-8";
}

/* ---- the workbook -------------------------------------------------- */

/* Reads the whole file into out. */
static kh_status slurp(const char *path, kh_buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return KH_EIO;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        kh_buf_add(out, chunk, n);
    bool bad = ferror(f);
    fclose(f);
    return bad ? KH_EIO : kh_buf_status(out);
}

void web_export_xlsx(web_req *r, const web_year *y)
{
    if (!web_may(r, WEB_A_READ_ALL, 0, NULL)) {
        web_refuse_page(r, "xlsx export: role");
        return;
    }
    kh_export *x = open_export(r, y->year, NULL);
    if (!x)
        return;
    /* libxlsxwriter writes files only: a private temporary directory. */
    const char *tmp = getenv("TMPDIR");
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/kaohe-xlsx-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    kh_status st = KH_EIO;
    kh_err *e = kh_err_new();
    if (e && !mkdtemp(dir)) {
        int err = errno;
        kh_err_fail(e, KH_EIO, "%s: cannot make directory: %s", dir,
                    strerror(err));
        kh_err_set_cause(e, err == ENOSPC || err == EDQUOT ? KH_CAUSE_FULL
                                                           : KH_CAUSE_IO);
    } else if (e) {
        snprintf(path, sizeof path, "%s/book.xlsx", dir);
        st = kh_export_xlsx(x, path, 0, e);
        kh_buf_reset(&r->out);
        if (st == KH_OK)
            st = slurp(path, &r->out);
        unlink(path);
        rmdir(dir);
    }
    kh_export_free(x);
    if (st != KH_OK) {
        kh_buf_reset(&r->out);
        web_fail(r, st, e);
        kh_err_free(e);
        return;
    }
    kh_err_free(e);
    r->status = 200;
    r->ctype = "application/vnd.openxmlformats-officedocument."
               "spreadsheetml.sheet";
    kh_buf d, name;
    kh_buf_init(&d, 0);
    kh_buf_init(&name, 0);
    /* RFC 6266/5987: an ASCII fallback and the UTF-8 name, encoded. */
    kh_buf_printf(&name, W_("%d assessment results.xlsx"), y->year);
    kh_buf_printf(&d, "attachment; filename=\"kaohe-%d.xlsx\"; "
                      "filename*=UTF-8''", y->year);
    kh_html_url(&d, kh_buf_str(&name));
    r->disposition = kh_buf_take(&d, NULL);
    kh_buf_free(&d);
    kh_buf_free(&name);
}

/* ---- printable pages ----------------------------------------------- */

void web_page_notice(web_req *r, const web_year *y)
{
    if (!web_may(r, WEB_A_READ_ALL, 0, NULL)) {
        web_refuse_page(r, "result notice: role");
        return;
    }
    char doc[64];
    snprintf(doc, sizeof doc, "/years/%d/notice", y->year);
    kh_export *x = open_export(r, y->year, doc);
    if (!x)
        return;
    kh_buf b;
    kh_buf_init(&b, 0);
    if (kh_export_html_notice(x, &b) == KH_OK)
        serve_html(r, &b);
    else
        web_fail_why(r, KH_ENOMEM, "the result notice cannot be rendered");
    kh_buf_free(&b);
    kh_export_free(x);
}

void web_page_print_sheet(web_req *r, const web_year *y, const char *unit)
{
    if (!web_may(r, WEB_A_SHEET, y->year, unit)) {
        web_refuse_page(r, "printable score sheet: role or unit");
        return;
    }
    if (kh_assess_unit_find(y->assess, unit) < 0) {
        web_error_page(r, 404, NULL);
        return;
    }
    kh_buf doc;
    kh_buf_init(&doc, 0);
    kh_buf_printf(&doc, "/years/%d/units/%s/sheet", y->year, unit);
    kh_export *x = open_export(r, y->year, kh_buf_str(&doc));
    kh_buf_free(&doc);
    if (!x)
        return;
    kh_err *e = kh_err_new();
    kh_buf b;
    kh_buf_init(&b, 0);
    size_t u;
    kh_status st = e ? kh_export_unit(x, unit, e, &u) : KH_ENOMEM;
    if (st == KH_OK && kh_export_html_sheet(x, u, &b) == KH_OK)
        serve_html(r, &b);
    else if (st != KH_OK)
        web_fail(r, st, e);
    else
        web_fail_why(r, KH_ENOMEM, "the score sheet cannot be rendered");
    kh_buf_free(&b);
    kh_err_free(e);
    kh_export_free(x);
}

void web_page_followup_report(web_req *r, const web_year *y)
{
    web_page_followup_doc(r, y, false);
}

void web_page_followup_doc(web_req *r, const web_year *y, bool compilation)
{
    if (!web_may(r, WEB_A_READ_ALL, 0, NULL)) {
        web_refuse_page(r, "follow-up report: role");
        return;
    }
    if (y->state < KH_YEAR_PUBLISHED) {
        /* web_page_compilation says it in its own words first. */
        web_error_page(r, 409, compilation ? NULL
                                           : W_("The follow-up report exists "
                                                "once the results are "
                                                "published."));
        return;
    }
    char doc[64];
    snprintf(doc, sizeof doc, "/years/%d/%s", y->year,
             compilation ? "compilation" : "followup/report");
    kh_export *x = open_export(r, y->year, doc);
    if (!x)
        return;
    kh_err *e = kh_err_new();
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st = !e ? KH_ENOMEM
                   : compilation ? kh_export_compilation_html(x, &b, e)
                                 : kh_export_followup_html(x, &b, e);
    if (st == KH_OK)
        serve_html(r, &b);
    else
        web_fail(r, st, e);
    kh_buf_free(&b);
    kh_err_free(e);
    kh_export_free(x);
}

/* ---- year over year ------------------------------------------------ */

static kh_status list_year(void *ctx, const kh_year_info *y)
{
    kh_buf *o = ctx;
    kh_buf_puts(o, "<li>");
    kh_buf_printf(o, W_("%d (%s)"), y->year, kh_year_state_label(y->state));
    kh_buf_puts(o, "</li>");
    return KH_OK;
}

/* The units of every year, newest name first, for the picker: ids and
 * names (owned), each id once. */
typedef struct unit_list {
    char **id, **name;
    size_t n, alloc;
} unit_list;

static kh_status unit_add(void *ctx, const kh_unit_row *row)
{
    unit_list *l = ctx;
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->id[i], row->id) == 0)
            return KH_OK;   /* the newer year named it already */
    /* Two arrays of one length: each grows from the common room. */
    size_t ai = l->alloc, an = l->alloc;
    if (KH_VEC_GROW(l->id, ai, l->n + 1, 32) != KH_OK ||
        KH_VEC_GROW(l->name, an, l->n + 1, 32) != KH_OK)
        return KH_ENOMEM;
    l->alloc = an;

    l->id[l->n] = strdup(row->id);
    l->name[l->n] = strdup(row->name ? row->name : row->id);
    if (!l->id[l->n] || !l->name[l->n]) {
        free(l->id[l->n]);
        free(l->name[l->n]);
        return KH_ENOMEM;
    }
    l->n++;
    return KH_OK;
}

typedef struct year_ids {
    int v[64];
    size_t n;
} year_ids;

static kh_status year_add(void *ctx, const kh_year_info *y)
{
    year_ids *ys = ctx;
    if (ys->n < sizeof ys->v / sizeof ys->v[0])
        ys->v[ys->n++] = y->year;
    return KH_OK;
}

/* Every unit of the store's years (the newest year's name wins). */
static kh_status units_all(web_req *r, unit_list *l, kh_err *e)
{
    year_ids ys = {{0}, 0};
    kh_status st = kh_store_year_each(r->store, 0, year_add, &ys, e);
    for (size_t i = ys.n; st == KH_OK && i-- > 0;)
        st = kh_store_unit_each(r->store, ys.v[i], unit_add, l, e);
    return st;
}

static void units_free(unit_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->id[i]);
        free(l->name[i]);
    }
    free(l->id);
    free(l->name);
}

/* The picker of a unit's history, by name (GET /compare?unit=ID
 * redirects to /units/ID/history). */
static void unit_picker(web_req *r, const unit_list *l)
{
    kh_buf *o = &r->out;
    kh_buf_puts(o, "<form method=\"get\" action=\"/compare\" id=\"history-form\" "
                   "class=\"noprint\"><label>");
    kh_html_text(o, W_("A unit's totals over the years"));
    kh_buf_puts(o, " <select name=\"unit\" required>");
    for (size_t i = 0; i < l->n; i++) {
        kh_buf_puts(o, "<option value=\"");
        kh_html_attr(o, l->id[i]);
        kh_buf_puts(o, "\">");
        kh_html_text(o, l->name[i]);
        kh_buf_puts(o, "</option>");
    }
    kh_buf_puts(o, "</select></label> <button type=\"submit\">");
    kh_html_text(o, W_("Show"));
    kh_buf_puts(o, "</button></form>\n");
}

/* "2024,2025" -> from, to; false when it is not two years. */
static bool parse_years(const char *s, int *from, int *to)
{
    char *end;
    errno = 0;
    long a = strtol(s, &end, 10);
    if (end == s || *end != ',')
        return false;
    const char *p = end + 1;
    long b = strtol(p, &end, 10);
    if (end == p || *end || errno || a < KH_YEAR_MIN || a > KH_YEAR_MAX ||
        b < KH_YEAR_MIN || b > KH_YEAR_MAX || a == b)
        return false;
    *from = (int)a;
    *to = (int)b;
    return true;
}

/* The form and the list of years above a comparison. */
static void compare_head(web_req *r, const char *ys, kh_err *e)
{
    kh_buf *o = &r->out;
    kh_buf_puts(o, "<form method=\"get\" action=\"/compare\" id=\"compare-form\" "
                   "class=\"noprint\"><label>");
    kh_html_text(o, W_("Years (from,to)"));
    kh_buf_puts(o, " <input name=\"years\" value=\"");
    kh_html_attr(o, ys ? ys : "");
    kh_buf_puts(o, "\" placeholder=\"2024,2025\" required></label><button "
                   "type=\"submit\">");
    kh_html_text(o, W_("Compare"));
    kh_buf_puts(o, "</button></form>\n<ul id=\"year-list\">");
    kh_err_clear(e);
    web_store_check(r, kh_store_year_each(r->store, 0, list_year, o, e), e);
    kh_buf_puts(o, "</ul>\n");
    unit_list l = {0};
    kh_err_clear(e);
    if (web_store_check(r, units_all(r, &l, e), e) && l.n)
        unit_picker(r, &l);
    units_free(&l);
}

/* GET /compare?unit=ID: to that unit's history. */
static bool history_redirect(web_req *r)
{
    const char *u = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND,
                                                "unit");
    if (!u || !*u)
        return false;
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_buf_puts(&b, "/units/");
    kh_html_url(&b, u);
    kh_buf_puts(&b, "/history");
    web_redirect(r, kh_buf_str(&b));
    kh_buf_free(&b);
    return true;
}

void web_page_compare(web_req *r)
{
    if (!web_may(r, WEB_A_READ_ALL, 0, NULL)) {
        web_refuse_page(r, "year comparison: role");
        return;
    }
    if (history_redirect(r))
        return;
    const char *ys = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND,
                                                 "years");
    kh_err *e = kh_err_new();
    if (!e) {
        web_fail_why(r, KH_ENOMEM, "out of memory");
        return;
    }
    int from = 0, to = 0;
    if (ys && *ys && !parse_years(ys, &from, &to)) {
        kh_err_at(e, 0, 0, W_("Years (from,to)"), "expected two different "
                  "years as FROM,TO (e.g. 2024,2025)");
        web_errors_page(r, 400, W_("Year over year"), e, "/compare");
        kh_err_free(e);
        return;
    }
    kh_buf frag;
    kh_buf_init(&frag, 0);
    kh_status st = KH_OK;
    if (from)
        st = kh_compare(r->store, from, to, KH_COMPARE_HTML, &frag, e);
    if (st != KH_OK) {
        if (st == KH_ENOTFOUND || st == KH_ESTATE || st == KH_EINVAL)
            web_errors_page(r, st == KH_ENOTFOUND ? 404
                               : st == KH_ESTATE  ? 409
                                                  : 422,
                            W_("Year over year"), e, "/compare");
        else
            web_fail(r, st, e);
        kh_buf_free(&frag);
        kh_err_free(e);
        return;
    }
    kh_buf title;
    kh_buf_init(&title, 0);
    if (from)
        kh_buf_printf(&title, W_("Assessment %d → %d compared"), from, to);
    else
        kh_buf_puts(&title, W_("Year over year"));
    web_page_begin(r, kh_buf_str(&title));
    kh_buf_free(&title);
    compare_head(r, ys, e);
    kh_buf_add(&r->out, frag.data ? frag.data : "", frag.len);
    web_page_end(r);
    kh_buf_free(&frag);
    kh_err_free(e);
}

/* The unit's name in the newest year that has it (owned), or NULL. */
static char *unit_name(web_req *r, const char *unit)
{
    unit_list l = {0};
    kh_err *e = kh_err_new();
    char *name = NULL;
    if (e && web_store_check(r, units_all(r, &l, e), e))
        for (size_t i = 0; i < l.n && !name; i++)
            if (strcmp(l.id[i], unit) == 0)
                name = strdup(l.name[i]);
    units_free(&l);
    kh_err_free(e);
    return name;
}

void web_page_history(web_req *r, const char *unit)
{
    if (!web_may(r, WEB_A_READ_ALL, 0, NULL)) {
        web_refuse_page(r, "unit history: role");
        return;
    }
    kh_err *e = kh_err_new();
    kh_buf svg;
    kh_buf_init(&svg, 0);
    kh_status st = e ? kh_compare_unit_svg(r->store, unit, &svg, e) : KH_ENOMEM;
    if (st == KH_ENOTFOUND || st == KH_ESTATE) {
        web_error_page(r, st == KH_ENOTFOUND ? 404 : 409, NULL);
    } else if (st != KH_OK) {
        web_fail(r, st, e);
    } else {
        char *name = unit_name(r, unit);
        kh_buf title;
        kh_buf_init(&title, 0);
        kh_buf_printf(&title, W_("%s over the years"), name ? name : unit);
        web_page_begin(r, kh_buf_str(&title));
        kh_buf_free(&title);
        free(name);
        kh_buf_puts(&r->out, "<figure id=\"history\">");
        kh_buf_add(&r->out, svg.data ? svg.data : "", svg.len);
        kh_buf_puts(&r->out, "</figure>\n");
        web_page_end(r);
    }
    kh_buf_free(&svg);
    kh_err_free(e);
}
