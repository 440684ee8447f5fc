/*
 * web_followup.c - the follow-up page of a published year (考核结果运用):
 * each bottom unit with its reminder talks and rectification items,
 * overdue items marked, and the good practices of the year; forms for
 * admin to add a talk, an item or a practice and to close an item.
 * Admin and auditor read it; only admin writes (the store allows writes
 * only while the year is published).
 *
 * The page is built from the store's JSON reports
 * (kh_store_followup_report / kh_store_practice_report), so it shows
 * exactly what `kaohe followup` lists.
 *
 * Forms:
 *   #talk-add        POST /years/Y/followup/talks          unit, date, by,
 *                                                          to, summary
 *   #item-add        POST /years/Y/followup/items          unit, text,
 *                                                          deadline
 *   #item-close-ID   POST /years/Y/followup/items/ID/close date
 *   #practice-add    POST /years/Y/practices               unit, title, text
 *   #report-accept-ID, #report-return-ID (web_unitview.c)
 * Items are listed most urgent first with their deadline colour
 * (docs/FOLLOWUP.md) and their rectification reports.
 */
#include "web.h"

#include <inttypes.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/doc.h"
#include "kaohe/store_followup.h"

#define sget web_fu_get

static const kh_node *parse(kh_arena *ar, const kh_buf *b, kh_err *e)
{
    kh_doc *d = NULL;
    const kh_node *root = NULL;
    if (kh_doc_open_mem("report", b->data ? b->data : "", b->len, 'j', e,
                        &d) == KH_OK &&
        kh_doc_read(d, ar, &root) == KH_OK && kh_doc_finish(d) == KH_OK) {
        kh_doc_free(d);
        return root;
    }
    kh_doc_free(d);
    return NULL;
}

static void unit_options(kh_buf *o, const kh_node *units)
{
    kh_buf_puts(o, "<select name=\"unit\" required>");
    for (size_t i = 0; units && i < units->n; i++) {
        const kh_node *u = &units->u.kids[i];
        kh_buf_puts(o, "<option value=\"");
        kh_html_attr(o, sget(u, "unit"));
        kh_buf_puts(o, "\">");
        kh_html_text(o, sget(u, "name"));
        kh_buf_puts(o, "</option>");
    }
    kh_buf_puts(o, "</select>");
}

/* "As of DAY: N items, M done, K overdue." from the report's totals
 * (numbers and a date: nothing to escape). */
static void totals_line(kh_buf *o, const kh_node *rep)
{
    const kh_node *tot = rep ? kh_node_get(rep, "totals") : NULL;
    const char *n = sget(tot, "items"), *d = sget(tot, "done"),
               *od = sget(tot, "overdue");
    kh_buf day;
    kh_buf_init(&day, 0);
    web_day_out(&day, rep ? sget(rep, "today") : NULL);
    kh_buf_puts(o, "<p id=\"followup-totals\">");
    kh_buf_printf(o, W_("As of %s: %s rectification items, %s done, "
                        "<strong>%s</strong> overdue."),
                  kh_buf_str(&day), n ? n : "0", d ? d : "0",
                  od ? od : "0");
    kh_buf_free(&day);
    kh_buf_puts(o, "</p>\n");
}

/* The unit's heading: its rank and score while it is in the bottom
 * three. */
static void unit_heading(kh_buf *o, const kh_node *u)
{
    kh_buf_puts(o, "<h2>");
    kh_html_text(o, sget(u, "name"));
    const kh_node *bottom = kh_node_get(u, "bottom");
    if (bottom && bottom->type == KH_NODE_SCALAR &&
        strcmp(bottom->u.text, "true") == 0) {
        kh_buf_puts(o, W_(" (place "));
        kh_html_text(o, sget(u, "rank"));
        kh_buf_puts(o, W_(", score "));
        kh_html_text(o, sget(u, "score"));
        kh_buf_puts(o, W_(")"));
    } else {
        kh_buf_puts(o, W_(" (no longer in the bottom places)"));
    }
    kh_buf_puts(o, "</h2>");
}

static void talk_list(kh_buf *o, const kh_node *u)
{
    kh_buf_printf(o, "<h3>%s</h3><ul class=\"talks\">", W_("Reminder talks"));
    const kh_node *talks = kh_node_get(u, "talks");
    for (size_t k = 0; talks && k < talks->n; k++) {
        const kh_node *t = &talks->u.kids[k];
        kh_buf_puts(o, "<li>");
        web_day_out(o, sget(t, "date"));
        kh_buf_printf(o, " %s", W_("Interviewer:"));
        kh_html_text(o, sget(t, "by"));
        if (sget(t, "to")) {
            kh_buf_printf(o, " %s", W_("Talked with:"));
            kh_html_text(o, sget(t, "to"));
        }
        kh_buf_puts(o, "<br>");
        kh_html_text(o, sget(t, "summary"));
        kh_buf_puts(o, "</li>");
    }
    if (!talks || !talks->n)
        kh_buf_printf(o, "<li class=\"std\">%s</li>", W_("None recorded"));
    kh_buf_puts(o, "</ul>");
}

/* The form that closes item id (admin, item still open). */
static void close_form(web_req *r, int year, const char *id)
{
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<form method=\"post\" action=\"/years/%d/"
                     "followup/items/", year);
    kh_html_url(o, id);
    kh_buf_puts(o, "/close\" id=\"item-close-");
    kh_html_attr(o, id);
    kh_buf_puts(o, "\">");
    web_csrf_field(r);
    kh_buf_printf(o, "<input type=\"date\" name=\"date\" required> "
                     "<button type=\"submit\">%s</button></form>",
                  W_("Done"));
}

static void item_row(web_req *r, int year, const kh_node *it, bool admin)
{
    kh_buf *o = &r->out;
    const char *id = sget(it, "id");
    bool done = sget(it, "status") && strcmp(sget(it, "status"),
                                             "done") == 0;
    const char *od = sget(it, "overdue");
    bool overdue = od && strcmp(od, "true") == 0;
    kh_buf_puts(o, "<tr id=\"item-");
    kh_html_attr(o, id);
    kh_buf_printf(o, "\"%s><td>", overdue ? " class=\"overdue\"" : "");
    kh_html_text(o, sget(it, "text"));
    web_fu_reports(r, year, it, admin);
    kh_buf_puts(o, "</td><td>");
    web_day_out(o, sget(it, "deadline"));
    kh_buf_puts(o, "</td><td class=\"mark\">");
    if (done) {
        kh_buf day;
        kh_buf_init(&day, 0);
        web_day_out(&day, sget(it, "closed_date"));
        kh_buf_printf(o, W_("done (%s)"), kh_buf_str(&day));
        kh_buf_free(&day);
    } else {
        kh_buf_puts(o, overdue ? W_("open, overdue") : W_("open"));
    }
    kh_buf_puts(o, "<br>");
    web_fu_badge(o, it);
    kh_buf_puts(o, "</td><td>");
    if (!done && admin)
        close_form(r, year, id);
    kh_buf_puts(o, "</td></tr>");
}

/* One unit of the report: heading, talks, rectification items. */
static void unit_section(web_req *r, int year, const kh_node *u, bool admin)
{
    kh_buf *o = &r->out;
    kh_buf_puts(o, "<section class=\"followup\" id=\"followup-");
    kh_html_attr(o, sget(u, "unit"));
    kh_buf_puts(o, "\">");
    unit_heading(o, u);
    talk_list(o, u);
    const kh_node *items = kh_node_get(u, "items");
    if (!items || !items->n) {
        kh_buf_printf(o, "<h3>%s</h3><p class=\"std\">%s</p></section>\n",
                      W_("Rectification items"), W_("None recorded"));
        return;
    }
    kh_buf_printf(o, "<h3>%s</h3><table class=\"items cards\"><thead><tr><th>%s"
                     "</th><th>%s</th><th>%s</th><th>%s</th></tr></thead>"
                     "<tbody>",
                  W_("Rectification items"), W_("Rectification items"),
                  W_("Deadline"), W_("Status"), W_("Action"));
    for (size_t k = 0; items && k < items->n; k++)
        item_row(r, year, &items->u.kids[k], admin);
    kh_buf_puts(o, "</tbody></table></section>\n");
}

/* The admin's forms to record a talk and to add an item. */
static void talk_item_forms(web_req *r, int year, const kh_node *units)
{
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<h2>%s</h2><form method=\"post\" action=\"/years/%d/"
                     "followup/talks\" id=\"talk-add\">",
                  W_("Record a reminder talk"), year);
    web_csrf_field(r);
    kh_buf_printf(o, "<label>%s ", W_("Unit"));
    unit_options(o, units);
    kh_buf_printf(o, "</label> <label>%s <input type=\"date\" name=\"date\" "
                     "required></label> <label>%s <input type=\"text\" "
                     "name=\"by\" required></label> <label>%s <input "
                     "type=\"text\" name=\"to\" required></label><label>%s "
                     "<textarea name=\"summary\" rows=\"2\" cols=\"60\" "
                     "required></textarea></label><button type=\"submit\">"
                     "%s</button></form>\n",
                  W_("Date"), W_("Interviewer"),
                  W_("Talked with (the unit's leader in charge and head)"),
                  W_("Summary"), W_("Save"));
    kh_buf_printf(o, "<h2>%s</h2><form method=\"post\" action=\"/years/%d/"
                     "followup/items\" id=\"item-add\">",
                  W_("Add a rectification item"), year);
    web_csrf_field(r);
    kh_buf_printf(o, "<label>%s ", W_("Unit"));
    unit_options(o, units);
    kh_buf_printf(o, "</label> <label>%s <input type=\"date\" name=\""
                     "deadline\" required></label><label>%s <textarea "
                     "name=\"text\" rows=\"2\" cols=\"60\" required>"
                     "</textarea></label><button type=\"submit\">%s</button>"
                     "</form>\n",
                  W_("Deadline"), W_("Rectification item"), W_("Save"));
}

/* Good practices, and the admin's form to add one. */
static void practices(web_req *r, int year, const kh_node *prac, bool admin)
{
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<h2>%s</h2><ul id=\"practices\">",
                  W_("Good practices and distinctive experience"));
    const kh_node *ps = prac ? kh_node_get(prac, "practices") : NULL;
    for (size_t k = 0; ps && k < ps->n; k++) {
        const kh_node *p = &ps->u.kids[k];
        kh_buf_puts(o, "<li><strong>");
        kh_html_text(o, sget(p, "title"));
        kh_buf_puts(o, "</strong>（");
        kh_html_text(o, sget(p, "name"));
        kh_buf_puts(o, "）<br>");
        kh_html_text(o, sget(p, "text"));
        kh_buf_puts(o, "</li>");
    }
    if (!ps || !ps->n)
        kh_buf_printf(o, "<li class=\"std\">%s</li>", W_("None recorded"));
    kh_buf_puts(o, "</ul>\n");
    if (!admin)
        return;
    kh_buf_printf(o, "<form method=\"post\" action=\"/years/%d/practices\" "
                     "id=\"practice-add\">", year);
    web_csrf_field(r);
    kh_buf_printf(o, "<label>%s ", W_("Unit"));
    web_unit_select(r, year, "unit");   /* by name: web_admin_year.c */
    kh_buf_printf(o, "</label> <label>%s <input type=\"text\" "
                     "name=\"title\" required></label><label>%s <textarea "
                     "name=\"text\" rows=\"3\" cols=\"60\" required>"
                     "</textarea></label><button type=\"submit\">%s</button>"
                     "</form>\n",
                  W_("Title"), W_("Text"), W_("Save"));
}

/* One JSON report parsed into ar (NULL when there is none).  A year not
 * published has no report (KH_ESTATE: nothing to list); a store failure
 * (KH_EDB, KH_ENOMEM, KH_EIO) fails the page. */
static const kh_node *report_doc(web_req *r, kh_status st, kh_arena *ar,
                                 const kh_buf *b, kh_err *e)
{
    if (st == KH_OK)
        return parse(ar, b, e);
    if (st == KH_EDB || st == KH_ENOMEM || st == KH_EIO)
        web_store_check(r, st, e);
    return NULL;
}

/* The page of a published year, from its two reports. */
static void followup_body(web_req *r, int year, bool admin,
                          const kh_node *rep, const kh_node *prac)
{
    kh_buf *o = &r->out;
    const kh_node *units = rep ? kh_node_get(rep, "units") : NULL;
    totals_line(o, rep);
    for (size_t i = 0; units && i < units->n; i++)
        unit_section(r, year, &units->u.kids[i], admin);
    if (!units || !units->n)
        web_msg_box(o, "", W_("No unit is in the bottom places this year."));
    if (admin && units && units->n)
        talk_item_forms(r, year, units);
    practices(r, year, prac, admin);
}

void web_followup_page(web_req *r, int year, kh_year_state state)
{
    if (!web_may(r, WEB_A_READ_ALL, year, NULL)) {
        web_refuse_page(r, "follow-up page: role");
        return;
    }
    bool admin = r->sess.role == KH_ROLE_ADMIN &&
                 state == KH_YEAR_PUBLISHED;
    char title[64];
    snprintf(title, sizeof title, W_("Using the results of year %d"), year);
    kh_err *e = kh_err_new();
    kh_arena *ar = kh_arena_new();
    kh_buf fb, pb;
    kh_buf_init(&fb, 0);
    kh_buf_init(&pb, 0);
    if (!e || !ar) {
        web_fail_why(r, KH_ENOMEM, "out of memory");
        goto out;
    }
    web_page_begin(r, title);
    kh_buf *o = &r->out;
    if (MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "ok"))
        web_msg_box(o, "ok", W_("Done."));
    if (state < KH_YEAR_PUBLISHED) {
        web_msg_box(o, "", W_("Talks and rectification start once the "
                              "results are published."));
        web_page_end(r);
        goto out;
    }
    if (web_may(r, WEB_A_READ_ALL, year, NULL))
        kh_buf_printf(o, "<nav class=\"noprint\"><a href=\"/years/%d/followup/"
                         "report\" id=\"link-followup-report\">%s</a> · <a "
                         "href=\"/years/%d/compilation\" id=\"link-"
                         "compilation\">%s</a></nav>\n",
                      year, W_("Follow-up report (print)"), year,
                      W_("Compilation of good practices (print)"));
    kh_status st = kh_store_followup_report(r->store, year, KH_FOLLOWUP_JSON,
                                            &fb, e);
    const kh_node *rep = report_doc(r, st, ar, &fb, e);
    st = kh_store_practice_report(r->store, year, KH_FOLLOWUP_JSON, &pb, e);
    const kh_node *prac = report_doc(r, st, ar, &pb, e);
    followup_body(r, year, admin, rep, prac);
    web_page_end(r);
out:
    kh_buf_free(&fb);
    kh_buf_free(&pb);
    kh_arena_free(ar);
    kh_err_free(e);
}

/* Is id one of the year's follow-up items?  The URL names the year;
 * an item of another year is "no such item" here (scope check).  A
 * store failure is returned as is. */
static kh_status item_of_year(web_req *r, int year, const char *id,
                              bool *found, kh_err *e)
{
    *found = false;
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_arena *ar = kh_arena_new();
    kh_status st = ar ? kh_store_followup_report(r->store, year,
                                                 KH_FOLLOWUP_JSON, &b, e)
                      : KH_ENOMEM;
    const kh_node *rep = st == KH_OK ? parse(ar, &b, e) : NULL;
    if (st == KH_OK && !rep)
        st = KH_EDB;
    const kh_node *units = rep ? kh_node_get(rep, "units") : NULL;
    for (size_t i = 0; units && i < units->n && !*found; i++) {
        const kh_node *items = kh_node_get(&units->u.kids[i], "items");
        for (size_t k = 0; items && k < items->n && !*found; k++) {
            const char *v = sget(&items->u.kids[k], "id");
            *found = v && strcmp(v, id) == 0;
        }
    }
    kh_arena_free(ar);
    kh_buf_free(&b);
    return st;
}

void web_followup_post(web_req *r, int year, const char *what,
                       const char *id)
{
    if (!web_may(r, WEB_A_ADMIN, year, NULL)) {
        web_refuse_page(r, "follow-up change: role");
        return;
    }
    const char *names[5] = {"unit", "date", "by", "to", "summary"};
    if (strcmp(what, "items") == 0) {
        names[1] = "text";
        names[2] = "deadline";
        names[3] = names[4] = NULL;
    } else if (strcmp(what, "close") == 0) {
        names[0] = "date";
        names[1] = names[2] = names[3] = names[4] = NULL;
    } else if (strcmp(what, "practices") == 0) {
        names[1] = "title";
        names[2] = "text";
        names[3] = names[4] = NULL;
    }
    char *v[5] = {NULL, NULL, NULL, NULL, NULL};
    kh_err *e = kh_err_new();
    kh_status st = e ? KH_OK : KH_ENOMEM;
    for (int i = 0; i < 5 && names[i] && st == KH_OK; i++) {
        v[i] = web_form_get(r, names[i]);
        if (!v[i] || !*v[i])
            kh_err_at(e, 0, 0, names[i], "is required");
    }
    if (e && kh_err_errors(e))
        st = KH_EINVAL;
    if (st == KH_OK) {
        if (strcmp(what, "talks") == 0) {
            st = kh_store_followup_talk_add(r->store, r->sess.user, year, v[0],
                                            v[1], v[2], v[3], v[4], NULL, e);
        } else if (strcmp(what, "items") == 0) {
            st = kh_store_followup_item_add(r->store, r->sess.user, year, v[0],
                                            v[1], v[2], NULL, e);
        } else if (strcmp(what, "close") == 0) {
            char *end;
            long long n = id ? strtoll(id, &end, 10) : 0;
            bool found = false;
            if (id && !*end && n > 0)
                st = item_of_year(r, year, id, &found, e);
            if (st == KH_OK)
                st = !found ? kh_err_at(e, 0, 0, "id", "no such item")
                            : kh_store_followup_item_close(
                                  r->store, r->sess.user, (int64_t)n, v[0],
                                  NULL, e);
        } else {
            st = kh_store_practice_add(r->store, r->sess.user, year, v[0],
                                       v[1], v[2], NULL, e);
        }
    }
    char back[64];
    snprintf(back, sizeof back, "/years/%d/followup", year);
    if (st == KH_OK) {
        char ok[80];
        snprintf(ok, sizeof ok, "%s?ok=1", back);
        web_redirect(r, ok);
    } else if (st == KH_ENOMEM || st == KH_EDB || st == KH_EIO) {
        web_fail(r, st, e);
    } else {
        web_errors_page(r, 422, W_("Not done"), e, back);
    }
    for (int i = 0; i < 5; i++)
        free(v[i]);
    kh_err_free(e);
}

void web_page_compilation(web_req *r, const web_year *y)
{
    if (web_may(r, WEB_A_READ_ALL, y->year, NULL) &&
        y->state < KH_YEAR_PUBLISHED) {
        web_error_page(r, 409, W_("The compilation of good practices comes "
                                  "once the results are published."));
        return;
    }
    web_page_followup_doc(r, y, true);
}
