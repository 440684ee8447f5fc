/*
 * web_admin.c - the administration pages (admin only): years and their
 * page (states, units, the assignment grid), units import by upload,
 * rubric import by upload and the diff of two stored versions, users
 * (add with a unit picker, disable/enable, password reset).  What the
 * year page changes is in web_admin_year.c, the audit log in
 * web_audit.c.
 *
 * Every state change is a POST carrying the session's CSRF token (the
 * gate in web_http.c checks it before any handler runs); GET never
 * changes anything.  The route table and the policy (WEB_A_ADMIN) decide
 * who.  The store enforces the year's state and writes the audit record
 * of each change.
 *
 * Forms (ids are stable, the end-to-end tests use them):
 *   #year-open        POST /admin/years                 year, rubric
 *   #year-advance     GET  /admin/years/Y/advance       (the confirmation)
 *   #year-reopen      POST /admin/years/Y/reopen        reason (required)
 *   #units-import     POST /admin/years/Y/units/import  file (multipart)
 *   #unit-add         POST /admin/years/Y/units/add     id, name, kind,
 *                                                       branch
 *   #unit-rename      POST /admin/years/Y/units/rename  id (a picker of
 *                                                       names), name
 *   #assign           POST /admin/years/Y/assign        (web_admin_year.c)
 *   #year-docset      POST /admin/years/Y/docset        (web_gongwen.c)
 *   #rubric-import    POST /admin/rubrics/import        file (multipart)
 *   #rubric-diff      GET  /admin/rubrics/diff          a, b
 *   #user-add         POST /admin/users                 name, role, unit,
 *                                                       password
 *   #user-toggle-NAME POST /admin/users/NAME/disable    disabled (1 or 0)
 *   #user-pw-NAME     POST /admin/users/NAME/password   password
 */
#include "web.h"

#include <inttypes.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/rubric_diff.h"

static const char *query(web_req *r, const char *name)
{
    const char *v = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND,
                                                name);
    return v && *v ? v : NULL;
}

/* The label of a form field a message names (the engine's place), as
 * the form shows it; other places as they are. */
static const char *field_label(const char *path)
{
    static const struct {
        const char *field, *label;
    } L[] = {
        {"year", N_("Year")},     {"rubric", N_("Rubric")},
        {"reason", N_("Reason")}, {"file", N_("File")},
        {"id", N_("Code")},       {"name", N_("Name")},
        {"kind", N_("Kind")},     {"branch", N_("Branch")},
        {"user", N_("User")},     {"role", N_("Role")},
        {"unit", N_("Unit")},     {"password", N_("Password")},
        {"from", N_("Confirmation")}, {"i", N_("Assignments")},
        {"a", N_("Assignments")}, {"disabled", N_("Status")},
        /* the questionnaire forms (web_survey*.c) and the store's
         * options of a round (--min ...) */
        {"questionnaire", N_("Questionnaire")},
        {"audience", N_("Audience")}, {"min", N_("Fewest responses shown")},
        {"opens", N_("Opens")}, {"closes", N_("Closes")},
        {"count", N_("Copies")}, {"confirm", N_("Confirmation")},
        {"display_name", N_("Full name")},
    };
    if (path[0] == '-' && path[1] == '-')
        path += 2;
    size_t n = strcspn(path, "[");   /* unit[2]: the field of a list */
    for (size_t i = 0; i < sizeof L / sizeof L[0]; i++)
        if (strlen(L[i].field) == n && strncmp(path, L[i].field, n) == 0)
            return W_(L[i].label);
    return path;
}

/* The errors page; labels: places that name a field of the admin forms
 * are shown by the field's label. */
static void errors_page(web_req *r, unsigned status, const char *title,
                        const kh_err *e, const char *back, bool labels)
{
    kh_buf_reset(&r->out);
    web_page_begin(r, title);
    r->status = status;
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<p>%s</p><ul id=\"errors\">",
                  W_("These did not pass the checks; nothing was saved:"));
    for (size_t m = 0; e && m < kh_err_count(e); m++) {
        const kh_msg *msg = kh_err_get(e, m);
        kh_buf_puts(o, "<li>");
        if (msg->line) {
            kh_buf_printf(o, W_("line %u"), msg->line);
            if (msg->col)
                kh_buf_printf(o, W_(", column %u"), msg->col);
            kh_buf_puts(o, W_(": "));
        }
        if (msg->path) {
            kh_html_text(o, labels ? field_label(msg->path) : msg->path);
            kh_buf_puts(o, W_(": "));
        }
        kh_html_text(o, web_msg_text(msg));
        kh_buf_puts(o, "</li>");
    }
    kh_buf_puts(o, "</ul><p><a id=\"back\" href=\"");
    kh_html_attr(o, back);
    kh_buf_printf(o, "\">%s</a></p>", W_("Back"));
    web_page_end(r);
}

void web_errors_page(web_req *r, unsigned status, const char *title,
                     const kh_err *e, const char *back)
{
    errors_page(r, status, title, e, back, false);
}

void web_admin_errors_page(web_req *r, unsigned status, const char *title,
                           const kh_err *e, const char *back)
{
    errors_page(r, status, title, e, back, true);
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
        web_admin_errors_page(r, st == KH_ECONFLICT ? 409 : 422,
                              W_("Not done"), e, back);
    }
}

static void ok_msg(web_req *r)
{
    if (query(r, "ok"))
        web_msg_box(&r->out, "ok", W_("Done."));
}

static void admin_nav(kh_buf *o)
{
    kh_buf_printf(o, "<nav class=\"noprint\" id=\"admin-nav\"><a href=\""
                     "/admin/years\">%s</a> · <a href=\"/admin/rubrics\">%s"
                     "</a> · <a href=\"/admin/users\">%s</a> · <a href=\""
                     "/audit\">%s</a></nav>\n", W_("Years"),
                  W_("Rubric versions"), W_("Users"), W_("Audit log"));
}

/* ---- years ----------------------------------------------------------- */

/* A rubric version in the year-open picker: its title and when it was
 * imported (Beijing time), which tells two versions apart. */
static kh_status rubric_option(void *ctx, const kh_rubric_row *row)
{
    kh_buf *o = ctx;
    kh_buf_puts(o, "<option value=\"");
    kh_html_attr(o, row->id);
    kh_buf_putc(o, '@');
    kh_html_attr(o, row->hash);
    kh_buf_puts(o, "\">");
    kh_html_text(o, row->title);
    kh_buf_puts(o, W_(", imported "));
    web_time_out(o, row->imported_at);
    kh_buf_puts(o, "</option>");
    return KH_OK;
}

void web_rubric_label(kh_buf *o, const kh_rubric *rb)
{
    const char *doc = rb ? kh_rubric_document(rb) : NULL;
    if (!rb) {
        kh_html_text(o, W_("(the rubric cannot be read)"));
    } else {
        kh_html_text(o, kh_rubric_title(rb));
        if (doc) {
            kh_buf_puts(o, W_(" ("));
            kh_html_text(o, doc);
            kh_buf_puts(o, W_(")"));
        }
    }
}

void web_rubric_verify(kh_buf *o, const char *ref)
{
    const char *at = strchr(ref, '@');
    kh_buf_printf(o, "<details class=\"verify\"><summary>%s</summary>",
                  W_("Version details"));
    kh_buf_printf(o, W_("Rubric id %.*s, version fingerprint %.*s"),
                  at ? (int)(at - ref) : (int)strlen(ref), ref,
                  KH_STORE_HASH_SHOW, at ? at + 1 : "");
    kh_buf_puts(o, "</details>");
}

/* A stored rubric version ("ID@HASH") by web_rubric_label; loaded here
 * (the admin's pages only: a parse per year listed). */
static void rubric_label_load(web_req *r, kh_buf *o, const char *ref)
{
    kh_rubric *rb = NULL;
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_rubric_load(r->store, ref, e, &rb, NULL)
                     : KH_ENOMEM;
    web_store_check(r, st, e);
    web_rubric_label(o, rb);
    web_rubric_verify(o, ref);
    kh_rubric_free(rb);
    kh_err_free(e);
}

static kh_status year_row(void *ctx, const kh_year_info *y)
{
    web_req *r = ctx;
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<tr id=\"admin-year-%d\"><td><a href=\"/admin/years/%d"
                     "\">%d</a></td><td>", y->year, y->year, y->year);
    kh_html_text(o, kh_year_state_label(y->state));
    kh_buf_puts(o, "</td><td>");
    rubric_label_load(r, o, y->rubric);
    kh_buf_printf(o, "</td><td class=\"num\">%zu</td><td class=\"num\">%zu"
                     "</td></tr>\n", y->units, y->entries);
    return KH_OK;
}

void web_page_admin_years(web_req *r)
{
    web_page_begin(r, W_("Years"));
    kh_buf *o = &r->out;
    ok_msg(r);
    admin_nav(o);
    kh_buf_printf(o, "<table id=\"admin-years\"><thead><tr><th>%s</th><th>%s"
                     "</th><th>%s</th><th>%s</th><th>%s</th></tr></thead>"
                     "<tbody>\n", W_("Year"), W_("State"), W_("Rubric version"),
                  W_("Units"), W_("Entries"));
    size_t at = o->len;
    kh_err *e = kh_err_new();
    if (e)
        web_store_check(r, kh_store_year_each(r->store, 0, year_row, r, e), e);
    web_empty_row(o, at, 5, W_("No year yet: open one below."));
    kh_buf_printf(o, "</tbody></table>\n<h2>%s</h2><form method=\"post\" "
                     "action=\"/admin/years\" id=\"year-open\">",
                  W_("Open a year"));
    web_csrf_field(r);
    kh_buf_printf(o, "<label>%s <input type=\"number\" name=\"year\" min=\"%d"
                     "\" max=\"%d\" required></label> <label>%s <select "
                     "name=\"rubric\" required>", W_("Year"), KH_YEAR_MIN,
                  KH_YEAR_MAX, W_("Rubric"));
    if (e) {
        kh_err_clear(e);
        web_store_check(r,
                        kh_store_rubric_each(r->store, rubric_option, o, e), e);
    }
    kh_err_free(e);
    kh_buf_printf(o, "</select></label> <button type=\"submit\">%s</button>"
                     "</form>\n", W_("Open"));
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
    char rubric[256];            /* "ID@HASH" */
    size_t units, entries;
} year_ctx;

static kh_status year_info_cb(void *ctx, const kh_year_info *y)
{
    year_ctx *c = ctx;
    c->found = true;
    c->state = y->state;
    c->units = y->units;
    c->entries = y->entries;
    snprintf(c->rubric, sizeof c->rubric, "%s", y->rubric);
    return KH_OK;
}

/* The year's state, its rubric by title and its counts. */
static void year_info_out(kh_buf *o, const year_ctx *c, const kh_rubric *rb)
{
    kh_buf_printf(o, "<p>%s<strong id=\"year-state\">", W_("State: "));
    kh_html_text(o, kh_year_state_label(c->state));
    kh_buf_printf(o, "</strong>%s<span id=\"year-rubric\">",
                  W_("; rubric: "));
    web_rubric_label(o, rb);
    kh_buf_puts(o, "</span>");
    kh_buf_printf(o, W_("; %zu units, %zu entries."), c->units, c->entries);
    kh_buf_puts(o, "</p>\n");
    web_rubric_verify(o, c->rubric);
}

/* A unit's kind by its rubric name (系, 处室), for the units table; the
 * code only in draft, where units are imported and added by code. */
typedef struct units_ctx {
    kh_buf *o;
    const kh_rubric *rb;
    bool codes;
} units_ctx;

static const char *kind_label(const kh_rubric *rb, const char *kind)
{
    for (size_t k = 0; rb && k < kh_rubric_kind_count(rb); k++)
        if (strcmp(kh_rubric_kind_id(rb, k), kind) == 0)
            return kh_rubric_kind_name(rb, k);
    return W_("(a kind the rubric does not know)");
}

static kh_status unit_row(void *ctx, const kh_unit_row *u)
{
    units_ctx *c = ctx;
    kh_buf *o = c->o;
    kh_buf_puts(o, "<tr><td>");
    kh_html_text(o, u->name);
    kh_buf_puts(o, "</td><td>");
    kh_html_text(o, kind_label(c->rb, u->kind));
    kh_buf_puts(o, "</td><td>");
    if (u->branch_name) {
        kh_html_text(o, u->branch_name);
    } else {
        kh_html_text(o, u->name);
        kh_buf_puts(o, W_(" (its own branch)"));
    }
    if (c->codes) {
        kh_buf_puts(o, "</td><td><code>");
        kh_html_text(o, u->id);
        kh_buf_puts(o, "</code>");
    }
    kh_buf_puts(o, "</td></tr>\n");
    return KH_OK;
}

static kh_status unit_option(void *ctx, const kh_unit_row *u)
{
    kh_buf *o = ctx;
    kh_buf_puts(o, "<option value=\"");
    kh_html_attr(o, u->id);
    kh_buf_puts(o, "\">");
    kh_html_text(o, u->name);
    kh_buf_puts(o, "</option>");
    return KH_OK;
}

/* The branches of the year's units, each once, by name. */
typedef struct branch_ctx {
    kh_buf *o;
    kh_buf seen;                 /* "\nID\n..." of the branches listed */
} branch_ctx;

static kh_status branch_option(void *ctx, const kh_unit_row *u)
{
    branch_ctx *c = ctx;
    kh_buf key;
    kh_buf_init(&key, 0);
    kh_buf_printf(&key, "\n%s\n", u->branch);
    bool seen = strstr(kh_buf_str(&c->seen), kh_buf_str(&key)) != NULL;
    kh_buf_puts(&c->seen, kh_buf_str(&key) + 1);
    kh_buf_free(&key);
    if (seen)
        return kh_buf_status(&c->seen);
    kh_buf_puts(c->o, "<option value=\"");
    kh_html_attr(c->o, u->branch);
    kh_buf_puts(c->o, "\">");
    if (u->branch_name) {
        kh_html_text(c->o, u->branch_name);
    } else {
        kh_html_text(c->o, u->name);
        kh_buf_puts(c->o, W_(" (its own branch)"));
    }
    kh_buf_puts(c->o, "</option>");
    return kh_buf_status(&c->seen);
}

/* Next step or back: the link to the confirmation, the reopen form. */
static void year_transitions(web_req *r, int year, kh_year_state state)
{
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<h2>%s</h2>", W_("State"));
    if (state < KH_YEAR_CLOSED) {
        kh_buf_printf(o, "<form method=\"get\" action=\"/admin/years/%d/"
                         "advance\" id=\"year-advance\"><button type=\""
                         "submit\">", year);
        kh_buf_printf(o, W_("Move to the next state: %s…"),
                      kh_year_state_label((kh_year_state)(state + 1)));
        kh_buf_printf(o, "</button> <span class=\"hint\">%s</span></form>\n",
                      W_("The next page lists the units not complete and "
                         "asks you to confirm."));
    }
    if (KH_YEAR_REOPENABLE & (1u << state)) {
        kh_buf_printf(o, "<form method=\"post\" action=\"/admin/years/%d/"
                         "reopen\" id=\"year-reopen\">", year);
        web_csrf_field(r);
        kh_buf_printf(o, "<label>%s <textarea name=\"reason\" rows=\"2\" "
                         "cols=\"50\" required></textarea></label><button "
                         "type=\"submit\">", W_("Reason for going back "
                                               "(required)"));
        kh_buf_printf(o, W_("Back to: %s"),
                      kh_year_state_label((kh_year_state)(state - 1)));
        kh_buf_puts(o, "</button></form>\n");
    }
}

/* Draft: the list by upload, one unit added, one renamed. */
static void year_unit_forms(web_req *r, int year, const kh_rubric *rb,
                            kh_err *e)
{
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<form method=\"post\" action=\"/admin/years/%d/units/"
                     "import\" enctype=\"multipart/form-data\" id=\""
                     "units-import\">", year);
    web_csrf_field(r);
    kh_buf_printf(o, "<label>%s <input type=\"file\" name=\"file\" accept=\""
                     ".csv,.xlsx,.yaml,.json\" required></label><button type="
                     "\"submit\">%s</button></form>\n",
                  W_("Unit list (CSV or XLSX, header: 编号,名称,类别,支部编号,"
                     "支部名称)"), W_("Import (replaces the year's units)"));
    kh_buf_printf(o, "<form method=\"post\" action=\"/admin/years/%d/units/"
                     "add\" id=\"unit-add\"><fieldset><legend>%s</legend>",
                  year, W_("Add one unit"));
    web_csrf_field(r);
    kh_buf_printf(o, "<label>%s <input type=\"text\" name=\"name\" required "
                     "maxlength=\"%d\"></label> <label>%s <input type=\"text\" "
                     "name=\"id\" required maxlength=\"%d\" pattern=\"[A-Za-z0-9]"
                     "[A-Za-z0-9_.\\-]*\"></label> <label>%s <select name=\""
                     "kind\">", W_("Name"), KH_UNIT_NAME_MAX,
                  W_("Code (letters and digits)"), KH_UNIT_ID_MAX, W_("Kind"));
    for (size_t k = 0; rb && k < kh_rubric_kind_count(rb); k++) {
        kh_buf_puts(o, "<option value=\"");
        kh_html_attr(o, kh_rubric_kind_id(rb, k));
        kh_buf_puts(o, "\">");
        kh_html_text(o, kh_rubric_kind_name(rb, k));
        kh_buf_puts(o, "</option>");
    }
    kh_buf_printf(o, "</select></label> <label>%s <select name=\"branch\">"
                     "<option value=\"\">%s</option>", W_("Branch"),
                  W_("its own branch"));
    kh_err_clear(e);
    branch_ctx bc = {o, {0}};
    kh_buf_init(&bc.seen, 0);
    kh_buf_puts(&bc.seen, "\n");
    web_store_check(r, kh_store_unit_each(r->store, year, branch_option, &bc,
                                          e), e);
    kh_buf_free(&bc.seen);
    kh_buf_printf(o, "</select></label> <button type=\"submit\">%s</button>"
                     "</fieldset></form>\n", W_("Add"));
}

/* Draft: a new name for the unit picked (by its name). */
static void year_rename_form(web_req *r, int year, kh_err *e)
{
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<form method=\"post\" action=\"/admin/years/%d/units/"
                     "rename\" id=\"unit-rename\"><fieldset><legend>%s"
                     "</legend>", year, W_("Rename a unit"));
    web_csrf_field(r);
    kh_buf_printf(o, "<label>%s <select name=\"id\" required>", W_("Unit"));
    kh_err_clear(e);
    web_store_check(r, kh_store_unit_each(r->store, year, unit_option, o, e),
                    e);
    kh_buf_printf(o, "</select></label> <label>%s <input type=\"text\" "
                     "name=\"name\" required maxlength=\"%d\"></label> "
                     "<button type=\"submit\">%s</button></fieldset></form>\n",
                  W_("New name"), KH_UNIT_NAME_MAX, W_("Rename"));
}

void web_page_admin_year(web_req *r, int year)
{
    char title[64];
    snprintf(title, sizeof title, W_("Year %d: administration"), year);
    web_page_begin(r, title);
    kh_buf *o = &r->out;
    ok_msg(r);
    admin_nav(o);
    kh_err *e = kh_err_new();
    year_ctx c = {r, year, KH_YEAR_DRAFT, false, "", 0, 0};
    kh_status st = e ? kh_store_year_each(r->store, year, year_info_cb, &c, e)
                     : KH_ENOMEM;
    if (st != KH_ENOTFOUND)
        web_store_check(r, st, e);
    if ((st != KH_OK && st != KH_DONE) || !c.found) {
        kh_err_free(e);
        web_error_page(r, 404, NULL);   /* replaced by web_fail on failure */
        return;
    }
    kh_rubric *rb = NULL;
    kh_err_clear(e);
    web_store_check(r, kh_store_rubric_load(r->store, c.rubric, e, &rb, NULL),
                    e);
    year_info_out(o, &c, rb);
    year_transitions(r, year, c.state);
    kh_buf_printf(o, "<h2>%s</h2>", W_("Units assessed"));
    web_roster_link(o, year);
    if (c.state == KH_YEAR_DRAFT)
        year_unit_forms(r, year, rb, e);
    bool draft = c.state == KH_YEAR_DRAFT;
    kh_buf_printf(o, "<div class=\"wide\"><table id=\"units\"><thead><tr><th>"
                     "%s</th><th>%s</th><th>%s</th>", W_("Name"), W_("Kind"),
                  W_("Branch"));
    if (draft)
        kh_buf_printf(o, "<th>%s</th>", W_("Code"));
    kh_buf_puts(o, "</tr></thead><tbody>\n");
    size_t at = o->len;
    kh_err_clear(e);
    units_ctx uc = {o, rb, draft};
    web_store_check(r, kh_store_unit_each(r->store, year, unit_row, &uc, e),
                    e);
    web_empty_row(o, at, draft ? 4 : 3,
                  W_("No unit yet: import the list or add units above."));
    kh_buf_puts(o, "</tbody></table></div>\n");
    if (c.state == KH_YEAR_DRAFT)
        year_rename_form(r, year, e);
    kh_rubric_free(rb);
    kh_err_free(e);
    web_dates_form(r, year);
    web_assign_grid(r, year);
    web_docset_form(r, year);
    web_page_end(r);
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

/* ---- rubrics --------------------------------------------------------- */

static kh_status rubric_row(void *ctx, const kh_rubric_row *row)
{
    web_req *r = ctx;
    kh_buf *o = &r->out;
    kh_buf_puts(o, "<tr><td>");
    kh_html_text(o, row->title);
    /* id and hash are for checking a file, not for reading */
    kh_buf_printf(o, "</td><td><details class=\"verify\"><summary>%s"
                     "</summary><code>", W_("Version details"));
    kh_html_text(o, row->id);
    kh_buf_printf(o, "@%.*s</code></details></td><td>", KH_STORE_HASH_SHOW,
                  row->hash);
    web_time_out(o, row->imported_at);
    kh_buf_puts(o, "</td><td>");
    web_person(r, o, row->imported_by);
    kh_buf_puts(o, "</td></tr>\n");
    return KH_OK;
}

/* A <select name=NAME> of the stored rubric versions. */
static void rubric_select(web_req *r, const char *label, const char *name,
                          kh_err *e)
{
    kh_buf_printf(&r->out, "<label>%s <select name=\"%s\">", label, name);
    kh_err_clear(e);
    web_store_check(r, kh_store_rubric_each(r->store, rubric_option, &r->out,
                                            e), e);
    kh_buf_puts(&r->out, "</select></label> ");
}

void web_page_rubrics(web_req *r)
{
    web_page_begin(r, W_("Rubric versions"));
    kh_buf *o = &r->out;
    ok_msg(r);
    admin_nav(o);
    kh_buf_printf(o, "<table id=\"rubrics\"><thead><tr><th>%s</th><th>%s"
                     "</th><th>%s</th><th>%s</th></tr></thead><tbody>\n",
                  W_("Title"), W_("Version"), W_("Imported at"),
                  W_("Imported by"));
    kh_err *e = kh_err_new();
    if (!e) {
        web_fail_why(r, KH_ENOMEM, "out of memory");
        return;
    }
    size_t at = o->len;
    web_store_check(r, kh_store_rubric_each(r->store, rubric_row, r, e), e);
    web_empty_row(o, at, 4, W_("No rubric yet: import the college's rubric "
                               "file below."));
    kh_buf_printf(o, "</tbody></table>\n<h2>%s</h2><form method=\"post\" "
                     "action=\"/admin/rubrics/import\" enctype=\"multipart/"
                     "form-data\" id=\"rubric-import\">",
                  W_("Import a rubric"));
    web_csrf_field(r);
    kh_buf_printf(o, "<label>%s <input type=\"file\" name=\"file\" accept=\""
                     ".yaml,.yml,.json\" required></label><button type=\""
                     "submit\">%s</button></form>\n<h2>%s</h2><form method=\""
                     "get\" action=\"/admin/rubrics/diff\" id=\"rubric-diff\">",
                  W_("Rubric file (YAML or JSON)"), W_("Import"),
                  W_("Compare two versions"));
    rubric_select(r, W_("Old version"), "a", e);
    rubric_select(r, W_("New version"), "b", e);
    kh_err_free(e);
    kh_buf_printf(o, "<button type=\"submit\">%s</button></form>\n",
                  W_("Compare"));
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
    kh_buf d;
    kh_buf_init(&d, 0);
    size_t n = 0;
    /* The page names the versions itself (the CLI's first line, ids and
     * hashes, is not shown) and words every difference for people. */
    if (st == KH_OK && kh_rubric_diff_html(ra, rb, "rubric-diff-out", &d,
                                           &n) != KH_OK) {
        web_fail(r, KH_ENOMEM, NULL);   /* not a diff cut short */
    } else if (st != KH_OK && st != KH_EINVAL && st != KH_ENOTFOUND) {
        web_fail(r, st, e);
    } else if (st != KH_OK) {
        web_errors_page(r, 422, W_("Cannot compare"), e, "/admin/rubrics");
    } else {
        web_page_begin(r, W_("Two rubric versions compared"));
        admin_nav(&r->out);
        kh_buf_puts(&r->out, "<p id=\"rubric-diff-count\">");
        kh_buf_printf(&r->out, W_("%zu differences."), n);
        kh_buf_puts(&r->out, "</p>");
        if (n)
            kh_buf_add(&r->out, d.data, d.len);
        web_page_end(r);
    }
    kh_buf_free(&d);
    kh_rubric_free(ra);
    kh_rubric_free(rb);
    free(va);
    free(vb);
    kh_err_free(e);
}

/* ---- users ----------------------------------------------------------- */

/* The users page: a row per user, the units' names known. */
typedef struct users_ctx {
    web_req *r;
    kh_buf units;                /* "ID\tNAME\n" of every unit, latest name */
} users_ctx;

/* A unit user's unit by name (the latest year's), else its code. */
static void unit_name_out(web_req *r, kh_buf *o, const char *id)
{
    char *name = NULL;
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_unit_name(r->store, id, &name, e) : KH_ENOMEM;
    if (st != KH_ENOTFOUND)
        web_store_check(r, st, e);
    kh_html_text(o, name ? name : id);
    free(name);
    kh_err_free(e);
}

/* Opens the form of user u's action (POST /admin/users/U/action, id
 * user-id-U) with its CSRF field. */
static void user_form(web_req *r, const kh_user_row *u, const char *action,
                      const char *id)
{
    kh_buf *o = &r->out;
    kh_buf_puts(o, "<form method=\"post\" action=\"/admin/users/");
    kh_html_url(o, u->name);
    kh_buf_printf(o, "/%s\" id=\"user-%s-", action, id);
    kh_html_attr(o, u->name);
    kh_buf_puts(o, "\">");
    web_csrf_field(r);
}

/* The admin's forms of one user: the display name (open when none is
 * set: the assignment grid links here), enable/disable, a new password. */
static void user_actions(web_req *r, const kh_user_row *u)
{
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<details%s><summary>%s</summary>",
                  u->display_name ? "" : " open",
                  u->display_name ? W_("Change the name") : W_("Set a name"));
    user_form(r, u, "name", "name");
    kh_buf_printf(o, "<label>%s <input type=\"text\" name=\"display_name\" "
                     "maxlength=\"%d\" autocomplete=\"off\" required value=\"",
                  W_("Full name"), KH_USER_DISPLAY_MAX);
    kh_html_attr(o, u->display_name ? u->display_name : "");
    kh_buf_printf(o, "\"></label> <button type=\"submit\">%s</button></form>"
                     "</details>", W_("Save the name"));
    user_form(r, u, "disable", "toggle");
    kh_buf_printf(o, "<input type=\"hidden\" name=\"disabled\" value=\"%s\">"
                     "<button type=\"submit\">%s</button></form>",
                  u->disabled ? "0" : "1",
                  u->disabled ? W_("Enable") : W_("Disable"));
    kh_buf_puts(o, "<details><summary>");
    kh_buf_puts(o, W_("Reset the password"));
    kh_buf_puts(o, "</summary>");
    user_form(r, u, "password", "pw");
    kh_buf_printf(o, "<label>%s <input type=\"password\" name=\"password\" "
                     "minlength=\"%d\" autocomplete=\"new-password\" required>"
                     "</label> <button type=\"submit\">%s</button></form>"
                     "</details>", W_("New password"), KH_PASSWORD_MIN,
                  W_("Set and log the user out"));
}

static kh_status user_row(void *ctx, const kh_user_row *u)
{
    web_req *r = ctx;
    kh_buf *o = &r->out;
    kh_buf_puts(o, "<tr id=\"user-");
    kh_html_attr(o, u->name);
    /* data-label: the column's name on a phone, where rows are cards */
    kh_buf_puts(o, "\"><td>");
    kh_html_text(o, u->display_name ? u->display_name : "");
    kh_buf_printf(o, "</td><td data-label=\"%s\">", W_("Login"));
    kh_html_text(o, u->name);
    kh_buf_printf(o, "</td><td data-label=\"%s\">", W_("Role"));
    kh_html_text(o, kh_role_label(u->role));
    kh_buf_printf(o, "</td><td data-label=\"%s\">", W_("Unit"));
    if (u->unit)
        unit_name_out(r, o, u->unit);
    kh_buf_printf(o, "</td><td data-label=\"%s\">%s</td><td>", W_("Status"),
                  u->disabled ? W_("disabled") : W_("active"));
    user_actions(r, u);
    kh_buf_puts(o, "</td></tr>\n");
    return KH_OK;
}

/* Every unit of every year once, by name (the latest year first). */
static kh_status unit_pick_cb(void *ctx, const kh_unit_row *u)
{
    kh_buf *seen = ctx;
    kh_buf_printf(seen, "%s\t", u->id);
    /* One line per unit: a name imported with a newline or tab in it
     * (an assessment file's unit may have one) must not split it. */
    for (const char *p = u->name ? u->name : ""; *p; p++)
        kh_buf_putc(seen, (unsigned char)*p < 0x20 ? ' ' : *p);
    kh_buf_putc(seen, '\n');
    return kh_buf_status(seen);
}

static kh_status year_units_cb(void *ctx, const kh_year_info *y)
{
    users_ctx *c = ctx;
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_unit_each(c->r->store, y->year, unit_pick_cb,
                                          &c->units, e)
                     : KH_ENOMEM;
    web_store_check(c->r, st, e);
    kh_err_free(e);
    return KH_OK;
}

/* The unit picker of user creation: each unit id once, by its name. */
static void unit_picker(web_req *r, kh_err *e)
{
    users_ctx c = {r, {0}};
    kh_buf_init(&c.units, 0);
    kh_buf_puts(&c.units, "");
    kh_err_clear(e);
    web_store_check(r, kh_store_year_each(r->store, 0, year_units_cb, &c, e),
                    e);
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<label>%s <select name=\"unit\"><option value=\"\">%s"
                     "</option>", W_("Unit (for a unit's user)"), W_("none"));
    /* Later years come last: an id listed again later is skipped, so
     * its latest name is the one shown. */
    char *all = kh_buf_take(&c.units, NULL);
    for (char *line = all; line && *line;) {
        char *nl = strchr(line, '\n'), *tab = strchr(line, '\t');
        if (!nl || !tab || tab > nl)
            break;   /* every line is "id TAB name NL" (unit_pick_cb) */
        char *next = nl + 1;
        char key[KH_UNIT_ID_MAX + 3];
        snprintf(key, sizeof key, "\n%.*s\t", (int)(tab - line), line);
        bool later = strncmp(next, key + 1, strlen(key + 1)) == 0 ||
                     strstr(next, key);
        *nl = *tab = '\0';
        if (!later) {
            kh_buf_puts(o, "<option value=\"");
            kh_html_attr(o, line);
            kh_buf_puts(o, "\">");
            kh_html_text(o, tab + 1);
            kh_buf_puts(o, "</option>");
        }
        line = next;
    }
    free(all);
    kh_buf_free(&c.units);
    kh_buf_puts(o, "</select></label> ");
}

void web_page_users(web_req *r)
{
    web_page_begin(r, W_("Users"));
    kh_buf *o = &r->out;
    ok_msg(r);
    admin_nav(o);
    kh_buf_printf(o, "<div class=\"wide\"><table id=\"users\"><thead><tr><th>"
                     "%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>"
                     "%s</th></tr></thead><tbody>\n", W_("Full name"),
                  W_("Login"), W_("Role"),
                  W_("Unit"), W_("Status"), W_("Actions"));
    kh_err *e = kh_err_new();
    if (!e) {
        web_fail_why(r, KH_ENOMEM, "out of memory");
        return;
    }
    web_store_check(r, kh_store_user_each(r->store, NULL, user_row, r, e), e);
    kh_buf_printf(o, "</tbody></table></div>\n<h2>%s</h2><form method=\"post\" "
                     "action=\"/admin/users\" id=\"user-add\">",
                  W_("Add a user"));
    web_csrf_field(r);
    kh_buf_printf(o, "<label>%s <input type=\"text\" name=\"display_name\" "
                     "maxlength=\"%d\" autocomplete=\"off\"></label> ",
                  W_("Full name (shown to people)"), KH_USER_DISPLAY_MAX);
    kh_buf_printf(o, "<label>%s <input type=\"text\" name=\"name\" required "
                     "maxlength=\"%d\" autocomplete=\"off\"></label> <label>%s "
                     "<select name=\"role\">", W_("Login (letters and digits)"),
                  KH_USER_NAME_MAX, W_("Role"));
    for (int k = KH_ROLE_ADMIN; k <= KH_ROLE_AUDITOR; k++)
        kh_buf_printf(o, "<option value=\"%s\">%s</option>",
                      kh_role_name((kh_role)k), kh_role_label((kh_role)k));
    kh_buf_puts(o, "</select></label> ");
    unit_picker(r, e);
    kh_err_free(e);
    kh_buf_printf(o, "<label>%s <input type=\"password\" name=\"password\" "
                     "minlength=\"%d\" autocomplete=\"new-password\" required>"
                     "</label> <button type=\"submit\">%s</button></form>\n",
                  W_("First password"), KH_PASSWORD_MIN, W_("Add"));
    web_page_end(r);
}

void web_post_user_add(web_req *r)
{
    char *name = web_form_get(r, "name");
    char *role = web_form_get(r, "role");
    char *unit = web_form_get(r, "unit");
    char *pw = web_form_get(r, "password");
    char *display = web_form_get(r, "display_name");
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
            st = kh_store_user_add_named(r->store, r->sess.user,
                &(kh_user_new){.name = name, .role = rl,
                               .unit = unit && *unit ? unit : NULL,
                               .display = display && *display ? display
                                                              : NULL,
                               .password = pw}, e);
    }
    done(r, st, e, "/admin/users");
    kh_err_free(e);
    free(display);
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

void web_post_user_name(web_req *r, const char *name)
{
    char *display = web_form_get(r, "display_name");
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_user_set_display(r->store, r->sess.user, name,
                                                 display ? display : "", e)
                     : KH_ENOMEM;
    if (st == KH_ENOTFOUND)
        web_error_page(r, 404, NULL);
    else
        done(r, st, e, "/admin/users");
    kh_err_free(e);
    free(display);
}

void web_post_user_password(web_req *r, const char *name)
{
    char *pw = web_form_get(r, "password");
    kh_err *e = kh_err_new();
    kh_status st = KH_ENOMEM;
    if (e && !pw)
        st = kh_err_at(e, 0, 0, "password", "a password is required");
    else if (e)
        st = kh_store_user_passwd(r->store, r->sess.user, name, pw, e);
    /* Whoever knew the old password is logged out now (the admin's own
     * session stays when they reset their own). */
    if (st == KH_OK)
        web_session_destroy_user(r, name, strcmp(name, r->sess.user) == 0
                                              ? r->sess.id
                                              : NULL);
    if (st == KH_ENOTFOUND)
        web_error_page(r, 404, NULL);
    else
        done(r, st, e, "/admin/users");
    kh_err_free(e);
    if (pw) {
        memset(pw, 0, strlen(pw));
        free(pw);
    }
}
