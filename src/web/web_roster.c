/*
 * web_roster.c - rosters (名册, e.g. 学习强国 annual points) in the web
 * app: the admin's page of a year's rosters with the upload form, the
 * import (all or nothing through kh_store_roster_import, the same as
 * `kaohe roster import`), and the warning shown on the forms and the
 * results when an item counts people from a roster that is not loaded
 * (without one, the item's roster part counts 0 people: full points).
 *
 *   GET  /admin/years/Y/rosters   #rosters (the table), #roster-import
 *   POST /admin/years/Y/rosters   roster, file (multipart): imported, or
 *                                 422 with #errors: 第 3 行「姓名」列：...
 *
 * The rosters a year can take are those the rubric's terms name; each is
 * shown by its term's label and item, never by its code.  The store
 * allows an import from draft to review (KH_ESTATE otherwise).
 */
#include "web.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first term of the rubric that counts from roster name, or NULL;
 * *item gets its item index. */
static const kh_term *roster_term(const kh_rubric *rb, const char *name,
                                  size_t *item)
{
    for (size_t i = 0; i < kh_rubric_item_count(rb); i++)
        for (size_t s = 0; s < kh_rubric_item_slots(rb, i); s++) {
            const kh_term *t = kh_rubric_item_slot(rb, i, s);
            const char *ro = kh_term_roster(t);
            if (ro && (!name || strcmp(ro, name) == 0)) {
                *item = i;
                return t;
            }
        }
    return NULL;
}

/* How a roster is named to people: "考核要点 3.2「学习强国…人数」". */
static void roster_label(kh_buf *o, const kh_rubric *rb, size_t item,
                         const kh_term *t)
{
    kh_buf_printf(o, W_("item %s"), kh_rubric_item_id(rb, item));
    kh_buf_puts(o, "「");
    kh_html_text(o, kh_term_label(t) ? kh_term_label(t) : kh_term_roster(t));
    kh_buf_puts(o, "」");
}

/* Units of the year (or just unit only, when >= 0) to which item
 * applies and which have no roster for t. */
static size_t missing_units(const kh_rubric *rb, const kh_assess *a,
                            size_t item, const kh_term *t, long only)
{
    size_t n = 0, u0 = 0, u1 = kh_assess_unit_count(a);
    if (only >= 0) {
        u0 = (size_t)only;
        u1 = u0 < u1 ? u0 + 1 : u0;
    }
    for (size_t u = u0; u < u1; u++) {
        size_t below;
        if (kh_rubric_item_applies(rb, item, kh_assess_unit_kind(a, u)) &&
            !kh_assess_roster_count(a, u, t, &below))
            n++;
    }
    return n;
}

void web_roster_warning_html(kh_buf *o, const kh_rubric *rb,
                             const kh_assess *a, long unit)
{
    bool open = false;
    for (size_t i = 0; i < kh_rubric_item_count(rb); i++)
        for (size_t s = 0; s < kh_rubric_item_slots(rb, i); s++) {
            const kh_term *t = kh_rubric_item_slot(rb, i, s);
            size_t n = kh_term_roster(t) ? missing_units(rb, a, i, t, unit)
                                         : 0;
            if (!n)
                continue;
            if (!open)
                kh_buf_puts(o, "<div class=\"msg warn\" id=\"roster-missing\" "
                               "role=\"status\"><ul>");
            open = true;
            kh_buf_puts(o, "<li>");
            roster_label(o, rb, i, t);
            if (unit >= 0)
                kh_html_text(o, W_(": the roster is not loaded for this "
                                   "unit, so this part counts 0 people "
                                   "(full points) until it is."));
            else
                kh_buf_printf(o, W_(": the roster is not loaded for %zu "
                                    "units, so this part counts 0 people "
                                    "(full points) for them until it is."),
                              n);
            kh_buf_puts(o, "</li>");
        }
    if (open)
        kh_buf_puts(o, "</ul></div>\n");
}

void web_roster_warning(web_req *r, const web_year *y, long unit)
{
    if (y->state > KH_YEAR_REVIEW)
        return;   /* published: the figures are what they are */
    /* The whole year's box goes over every unit: the cache made it once
     * for the model (rosters and state never change within one). */
    const char *cached = unit < 0 ? web_year_roster_warning(y) : NULL;
    if (cached)
        kh_buf_puts(&r->out, cached);
    else
        web_roster_warning_html(&r->out, y->rubric, y->assess, unit);
}

/* ---- the page ------------------------------------------------------- */

void web_roster_link(kh_buf *o, int year)
{
    kh_buf_printf(o, "<p><a href=\"/admin/years/%d/rosters\" "
                     "id=\"link-rosters\">", year);
    kh_html_text(o, W_("Rosters (study platform points, etc.)"));
    kh_buf_puts(o, "</a></p>\n");
}

/* One row per roster the rubric uses: units with it, people, missing. */
static void roster_rows(kh_buf *o, const web_year *y)
{
    const kh_rubric *rb = y->rubric;
    for (size_t i = 0; i < kh_rubric_item_count(rb); i++)
        for (size_t s = 0; s < kh_rubric_item_slots(rb, i); s++) {
            const kh_term *t = kh_rubric_item_slot(rb, i, s);
            size_t first;
            if (!kh_term_roster(t) ||
                roster_term(rb, kh_term_roster(t), &first) != t)
                continue;   /* a roster is listed once, at its first use */
            size_t units = 0, people = 0;
            for (size_t u = 0; u < kh_assess_unit_count(y->assess); u++) {
                size_t n = kh_assess_roster_people(y->assess, u,
                                                   kh_term_roster(t), NULL,
                                                   NULL);
                units += n > 0;
                people += n;
            }
            kh_buf_puts(o, "<tr><td>");
            roster_label(o, rb, i, t);
            kh_buf_printf(o, "</td><td class=\"num\">%zu</td><td class=\"num\">"
                             "%zu</td><td class=\"num\">%zu</td></tr>\n",
                          units, people, missing_units(rb, y->assess, i, t, -1));
        }
}

static void roster_form(web_req *r, const web_year *y)
{
    kh_buf *o = &r->out;
    const kh_rubric *rb = y->rubric;
    kh_buf_printf(o, "<form method=\"post\" action=\"/admin/years/%d/rosters\" "
                     "enctype=\"multipart/form-data\" id=\"roster-import\">"
                     "<label>", y->year);
    web_csrf_field(r);
    kh_html_text(o, W_("Roster"));
    kh_buf_puts(o, " <select name=\"roster\" required>");
    for (size_t i = 0; i < kh_rubric_item_count(rb); i++)
        for (size_t s = 0; s < kh_rubric_item_slots(rb, i); s++) {
            const kh_term *t = kh_rubric_item_slot(rb, i, s);
            size_t first;
            if (!kh_term_roster(t) ||
                roster_term(rb, kh_term_roster(t), &first) != t)
                continue;
            kh_buf_puts(o, "<option value=\"");
            kh_html_attr(o, kh_term_roster(t));
            kh_buf_puts(o, "\">");
            roster_label(o, rb, i, t);
            kh_buf_puts(o, "</option>");
        }
    kh_buf_puts(o, "</select></label> <label>");
    kh_html_text(o, W_("File (CSV or XLSX; header: unit code, name, points)"));
    kh_buf_puts(o, " <input type=\"file\" name=\"file\" accept=\".csv,.xlsx\" "
                   "required></label> <button type=\"submit\">");
    kh_html_text(o, W_("Import (replaces this roster of the year)"));
    kh_buf_puts(o, "</button></form>\n");
}

void web_page_rosters(web_req *r, web_year *y)
{
    size_t item;
    web_page_begin(r, W_("Rosters"));
    kh_buf *o = &r->out;
    if (MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "ok"))
        web_msg_box(o, "ok", W_("The roster was imported."));
    if (!roster_term(y->rubric, NULL, &item)) {
        web_msg_box(o, "", W_("This year's rubric counts nothing from a "
                              "roster."));
        web_page_end(r);
        return;
    }
    web_roster_warning(r, y, -1);
    kh_buf_puts(o, "<table id=\"rosters\"><thead><tr><th>");
    kh_html_text(o, W_("Roster"));
    kh_buf_puts(o, "</th><th>");
    kh_html_text(o, W_("Units loaded"));
    kh_buf_puts(o, "</th><th>");
    kh_html_text(o, W_("People"));
    kh_buf_puts(o, "</th><th>");
    kh_html_text(o, W_("Units without it"));
    kh_buf_puts(o, "</th></tr></thead><tbody>\n");
    roster_rows(o, y);
    kh_buf_puts(o, "</tbody></table>\n");
    if (y->state <= KH_YEAR_REVIEW)
        roster_form(r, y);
    else
        web_msg_box(o, "", W_("Rosters can be imported until the review; "
                              "this year's results are published."));
    kh_buf_printf(o, "<p><a href=\"/admin/years/%d\" id=\"back\">", y->year);
    kh_html_text(o, W_("Back to the year"));
    kh_buf_puts(o, "</a></p>");
    web_page_end(r);
}

/* ---- the import ----------------------------------------------------- */

/* The name of column col (1-based) from a CSV's header line, into name;
 * false for another format or a column the header lacks. */
static bool csv_column(const web_field *f, unsigned col, char *name,
                       size_t n)
{
    const char *p = f->data.data, *end = p + f->data.len;
    if (f->data.len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    for (unsigned c = 1; p < end && *p != '\n' && *p != '\r'; c++) {
        const char *q = p;
        while (q < end && *q != ',' && *q != '\n' && *q != '\r')
            q++;
        if (c == col) {
            const char *a = p, *b = q;
            if (b - a >= 2 && *a == '"' && b[-1] == '"')
                a++, b--;
            snprintf(name, n, "%.*s", (int)(b - a), a);
            return b > a && !memchr(a, '\0', (size_t)(b - a));
        }
        p = q < end && *q == ',' ? q + 1 : q;
    }
    return false;
}

/* The refusal page: 第 N 行「COLUMN」列：message, one a line. */
static void import_errors(web_req *r, const web_year *y, const web_field *f,
                          const kh_err *e)
{
    web_page_begin(r, W_("Roster not imported"));
    r->status = 422;
    kh_buf *o = &r->out;
    kh_buf_puts(o, "<p>");
    kh_html_text(o, W_("Nothing was imported; correct these and upload the "
                       "file again:"));
    kh_buf_puts(o, "</p><ul id=\"errors\">");
    for (size_t i = 0; i < kh_err_count(e); i++) {
        const kh_msg *m = kh_err_get(e, i);
        char col[128];
        kh_buf_puts(o, "<li>");
        if (m->line)
            kh_buf_printf(o, W_("row %u"), m->line);
        if (m->line && m->col && f && csv_column(f, m->col, col, sizeof col)) {
            kh_buf_puts(o, "「");
            kh_html_text(o, col);
            kh_buf_puts(o, "」");
            kh_html_text(o, W_("column"));
        } else if (m->line && m->col) {
            kh_buf_printf(o, W_(", column %u"), m->col);
        }
        if (m->line)
            kh_buf_puts(o, "：");
        kh_html_text(o, web_msg_text(m));
        kh_buf_puts(o, "</li>");
    }
    kh_buf_printf(o, "</ul><p><a id=\"back\" href=\"/admin/years/%d/rosters\">",
                  y->year);
    kh_html_text(o, W_("Back"));
    kh_buf_puts(o, "</a></p>");
    web_page_end(r);
}

void web_post_roster_import(web_req *r, web_year *y)
{
    const web_field *f = web_form_file(r, "file");
    char *roster = web_form_get(r, "roster");
    kh_err *e = kh_err_new();
    kh_status st = e ? KH_OK : KH_ENOMEM;
    size_t item;
    if (st == KH_OK && (!roster || !roster_term(y->rubric, roster, &item)))
        st = kh_err_at(e, 0, 0, W_("Roster"), "choose one of the rosters "
                       "the rubric uses");
    else if (st == KH_OK && (!f || !f->data.len))
        st = kh_err_at(e, 0, 0, W_("File"), "choose a file to upload");
    kh_import_stats stats;
    if (st == KH_OK)
        st = kh_store_roster_import(r->store, r->sess.user, y->year, roster,
                                    f->filename, f->data.data, f->data.len,
                                    e, &stats);
    if (st == KH_OK) {
        char back[64];
        snprintf(back, sizeof back, "/admin/years/%d/rosters?ok=1", y->year);
        web_redirect(r, back);
    } else if (st == KH_EINVAL || st == KH_ESTATE || st == KH_ELIMIT) {
        import_errors(r, y, f, e);
    } else {
        web_fail(r, st, e);
    }
    free(roster);
    kh_err_free(e);
}
