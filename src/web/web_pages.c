/*
 * web_pages.c - the server-rendered HTML pages, in Simplified Chinese,
 * usable without JavaScript: login, logout, change password, dashboard,
 * a year's progress, the rubric, the results page's frame (its cached
 * body is web_results.c), each unit's score sheet with its derivation,
 * and the frame and pieces every page shares (the entry form is
 * web_form.c).
 *
 * Every value from the store or the request goes through the escaper of
 * its context (web_html.c).  Element ids and form field names are stable
 * (tests drive them): #login, #year-Y, #unit-U, #item-ID (a rubric
 * row), #ranking-ID; fields csrf, user, password, next.  Every text is
 * an English msgid of the catalogue, shown in Chinese (W_).
 */
#include "web.h"

#include <inttypes.h>
#include <stdio.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/score.h"

/* ---- the frame of every page --------------------------------------- */

/* What people know a user by (web_person, the header). */
typedef struct person {
    char *display;               /* malloc'd; NULL: none set */
    char *unit;                  /* malloc'd: a unit user's unit id, then
                                  * its name (person_load) */
    kh_role role;
    bool found;                  /* a user, not a CLI --as name */
} person;

static kh_status person_cb(void *ctx, const kh_user_row *u)
{
    person *p = ctx;
    p->found = true;
    p->role = u->role;
    p->display = u->display_name ? strdup(u->display_name) : NULL;
    p->unit = u->unit ? strdup(u->unit) : NULL;
    return (u->display_name && !p->display) || (u->unit && !p->unit)
               ? KH_ENOMEM : KH_OK;
}

/* Reads login's display name and a unit user's unit name (a failure is
 * recorded on the request; what could not be read stays NULL). */
static void person_load(web_req *r, const char *login, person *p)
{
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_user_each(r->store, login, person_cb, p, e)
                     : KH_ENOMEM;
    if (st != KH_ENOTFOUND)
        web_store_check(r, st, e);
    if (p->unit) {
        char *name = NULL;
        kh_err_clear(e);
        st = e ? kh_store_unit_name(r->store, p->unit, &name, e) : KH_ENOMEM;
        if (st != KH_ENOTFOUND)
            web_store_check(r, st, e);
        free(p->unit);
        p->unit = name;
    }
    kh_err_free(e);
}

static void person_free(person *p)
{
    free(p->display);
    free(p->unit);
}

void web_person(web_req *r, kh_buf *o, const char *login)
{
    person p = {0};
    person_load(r, login, &p);
    kh_html_text(o, p.display ? p.display
                    : p.unit  ? p.unit
                    : p.found ? kh_role_label(p.role)
                              : login);
    person_free(&p);
}

/* Who is logged in, as people know them (the login stays in the title
 * attribute): 王芳（管理员）, 赵强（机电工程系）, 机电工程系（被考核单位）,
 * or the role alone (管理员) when no name is set. */
static void web_who(web_req *r, kh_buf *o)
{
    person p = {0};
    person_load(r, r->sess.user, &p);
    const char *name = p.display ? p.display : p.unit;
    const char *after = p.display && p.unit ? p.unit
                        : name              ? kh_role_label(r->sess.role)
                                            : NULL;
    kh_buf_puts(o, "<span title=\"");
    kh_html_attr(o, r->sess.user);
    kh_buf_puts(o, "\">");
    kh_html_text(o, name ? name : kh_role_label(r->sess.role));
    kh_buf_puts(o, "</span>");
    if (after) {
        kh_buf_puts(o, W_(" ("));
        kh_html_text(o, after);
        kh_buf_puts(o, W_(")"));
    }
    person_free(&p);
}

void web_page_begin(web_req *r, const char *title)
{
    kh_buf *o = &r->out;
    r->status = 200;
    r->ctype = "text/html; charset=utf-8";
    kh_buf_puts(o, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta "
                   "charset=\"utf-8\"><meta name=\"viewport\" content=\""
                   "width=device-width, initial-scale=1\"><title>");
    kh_html_text(o, title);
    const char *app = W_("Ideological work responsibility assessment");
    kh_buf_puts(o, " - ");
    kh_html_text(o, app);
    kh_buf_puts(o, "</title><link rel=\"stylesheet\" "
                   "href=\"/static/kaohe.css\"><script src=\"/static/kaohe.js\" "
                   "defer></script></head><body>\n<a class=\"skip\" "
                   "href=\"#content\">");
    /* first in the tab order: keyboard users pass the header */
    kh_html_text(o, W_("Skip to the content"));
    kh_buf_puts(o, "</a><header class=\"top\"><a href=\"/\" id=\"home\">");
    kh_html_text(o, app);
    kh_buf_puts(o, "</a>");
    if (r->logged_in) {
        kh_buf_puts(o, "<span class=\"who\" id=\"who\">");
        web_who(r, o);
        kh_buf_puts(o, "</span>");
        web_inbox_link(r);
        kh_buf_puts(o, "<a href=\"/password\" id=\"nav-password\">");
        kh_html_text(o, W_("Change password"));
        kh_buf_puts(o, "</a><form method=\"post\" action=\"/logout\" "
                       "id=\"logout\"><input type=\"hidden\" name=\"csrf\" "
                       "value=\"");
        kh_html_attr(o, r->sess.csrf);
        kh_buf_puts(o, "\"><button type=\"submit\">");
        kh_html_text(o, W_("Log out"));
        kh_buf_puts(o, "</button></form>");
    }
    kh_buf_puts(o, "</header>\n<main id=\"content\" tabindex=\"-1\">\n<h1>");
    kh_html_text(o, title);
    kh_buf_puts(o, "</h1>\n");
}

void web_thead(kh_buf *o, const char *const *heads, size_t n)
{
    kh_buf_puts(o, "<thead><tr>");
    for (size_t i = 0; i < n; i++) {
        kh_buf_puts(o, "<th>");
        kh_html_text(o, W_(heads[i]));
        kh_buf_puts(o, "</th>");
    }
    kh_buf_puts(o, "</tr></thead>");
}

void web_empty_row(kh_buf *o, size_t at, int cols, const char *text)
{
    if (o->len != at)
        return;
    kh_buf_printf(o, "<tr class=\"empty\"><td colspan=\"%d\">", cols);
    kh_html_text(o, text);
    kh_buf_puts(o, "</td></tr>\n");
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

/* The login form; next: where a login returns (already checked with
 * web_next_ok, or NULL). */
/* "Too many attempts" with the throttle's own window (in minutes). */
static const char *too_many(char *buf, size_t sz)
{
    snprintf(buf, sz, W_("Too many attempts; please try again in %d "
                         "minutes."), WEB_THROTTLE_WINDOW / 60);
    return buf;
}

static void login_form(web_req *r, const char *error, const char *next)
{
    kh_buf *o = &r->out;
    web_page_begin(r, W_("Log in"));
    if (error)
        web_msg_box(o, "error", error);
    kh_buf_puts(o, "<form method=\"post\" action=\"/login\" class=\"login\" "
                   "id=\"login\"><label>");
    kh_html_text(o, W_("User name"));
    kh_buf_puts(o, " <input type=\"text\" name=\"user\" id=\"user\" "
                   "autocomplete=\"username\" required></label><label>");
    kh_html_text(o, W_("Password"));
    kh_buf_puts(o, " <input type=\"password\" name=\"password\" "
                   "id=\"password\" autocomplete=\"current-password\" "
                   "required></label>");
    if (next) {
        kh_buf_puts(o, "<input type=\"hidden\" name=\"next\" value=\"");
        kh_html_attr(o, next);
        kh_buf_puts(o, "\">");
    }
    kh_buf_puts(o, "<button type=\"submit\" id=\"login-submit\">");
    kh_html_text(o, W_("Log in"));
    kh_buf_puts(o, "</button></form>\n");
    web_page_end(r);
}

/* ?next= or the posted next, when it is a safe path (else NULL);
 * malloc'd, caller frees. */
static char *login_next(web_req *r, bool post)
{
    char *n = post ? web_form_get(r, "next") : NULL;
    if (!post) {
        const char *q = MHD_lookup_connection_value(r->conn,
                                                    MHD_GET_ARGUMENT_KIND,
                                                    "next");
        n = q ? strdup(q) : NULL;
    }
    if (!web_next_ok(n)) {
        free(n);
        return NULL;
    }
    return n;
}

void web_page_login(web_req *r)
{
    bool post = strcmp(r->method, "POST") == 0;
    char *next = login_next(r, post);
    if (!post && r->logged_in) {
        web_redirect(r, next ? next : "/");
        free(next);
        return;
    }
    if (!post) {
        bool expired = MHD_lookup_connection_value(
                           r->conn, MHD_GET_ARGUMENT_KIND, "expired") != NULL;
        login_form(r, expired ? W_("Your login has expired; please log in "
                                   "again.") : NULL, next);
        free(next);
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
    char wait[128];
    if (st == KH_OK) {
        web_redirect(r, next ? next : "/");
    } else {
        login_form(r, r->hash_busy ? W_("Many people are logging in right "
                                        "now; please try again in a few "
                                        "seconds.")
                      : st == KH_ELIMIT ? too_many(wait, sizeof wait)
                                        : W_("Wrong user name or password."),
                   next);
        r->status = r->hash_busy ? 503 : st == KH_ELIMIT ? 429 : 401;
    }
    free(next);
}

void web_page_password(web_req *r)
{
    const char *done = NULL, *error = NULL;
    char wait[128];
    if (strcmp(r->method, "POST") == 0) {
        char *old = web_form_get(r, "old");
        char *pw = web_form_get(r, "new");
        char *pw2 = web_form_get(r, "new2");
        kh_err *e = kh_err_new();
        kh_role role;
        kh_status vst = KH_OK;
        if (!old || !pw || !pw2 || !e) {
            error = W_("Please fill in every field.");
        } else if (strcmp(pw, pw2) != 0) {
            error = W_("The two new passwords differ.");
        } else if ((vst = web_check_password(r, r->sess.user, old, &role,
                                              NULL)) == KH_ELIMIT) {
            error = r->hash_busy ? W_("Many people are logging in right "
                                      "now; please try again in a few "
                                      "seconds.")
                                 : too_many(wait, sizeof wait);
            r->status = r->hash_busy ? 503 : 429;
        } else if (vst != KH_OK) {
            web_audit(r, r->sess.user, "web.password_failed", NULL, NULL);
            error = W_("The old password is wrong.");
        } else if (kh_password_check(pw, e) != KH_OK) {
            error = W_("The new password needs at least 8 characters.");
        } else if (kh_store_user_passwd(r->store, r->sess.user, r->sess.user,
                                        pw, e) != KH_OK) {
            error = W_("The password was not changed; please try again later.");
        } else {
            web_session_destroy_user(r, r->sess.user,
                                     r->sess.id);
            done = W_("The password was changed.");
        }
        kh_err_free(e);
        free(old);
        free(pw);
        free(pw2);
    }
    unsigned status = r->status == 429 || r->status == 503 ? r->status
                                                           : 422;
    web_page_begin(r, W_("Change password"));
    if (error) {
        web_msg_box(&r->out, "error", error);
        r->status = status;
    }
    if (done)
        web_msg_box(&r->out, "ok", done);
    kh_buf_puts(&r->out, "<form method=\"post\" action=\"/password\" "
                         "class=\"login\" id=\"password-form\">");
    web_csrf_field(r);
    kh_buf *o = &r->out;
    kh_buf_puts(o, "<label>");
    kh_html_text(o, W_("Old password"));
    kh_buf_puts(o, " <input type=\"password\" name=\"old\" "
                   "autocomplete=\"current-password\" required></label><label>");
    kh_html_text(o, W_("New password"));
    kh_buf_puts(o, " <input type=\"password\" name=\"new\" "
                   "autocomplete=\"new-password\" minlength=\"8\" required>"
                   "</label><label>");
    kh_html_text(o, W_("New password again"));
    kh_buf_puts(o, " <input type=\"password\" name=\"new2\" "
                   "autocomplete=\"new-password\" minlength=\"8\" "
                   "required></label><button type=\"submit\">");
    kh_html_text(o, W_("Save"));
    kh_buf_puts(o, "</button></form>\n");
    web_page_end(r);
}

/* ---- dashboard ----------------------------------------------------- */

static const char *next_step(kh_role role, kh_year_state st)
{
    switch (role) {
    case KH_ROLE_UNIT:
        return st == KH_YEAR_SELF_CHECK ? W_("Fill in your unit's self-check and save each item.")
               : st >= KH_YEAR_PUBLISHED ? W_("The results are published: your unit's score can be read.")
                                         : W_("Nothing to do now.");
    case KH_ROLE_INSPECTOR:
        return st == KH_YEAR_INSPECTION || st == KH_YEAR_REVIEW
                   ? W_("Score the units assigned to you item by item.")
                   : W_("Nothing to do now.");
    case KH_ROLE_ADMIN:
        switch (st) {
        case KH_YEAR_DRAFT: return W_("Import the units, then start the self-check.");
        case KH_YEAR_SELF_CHECK: return W_("Once the units finished their self-checks, start the inspection.");
        case KH_YEAR_INSPECTION: return W_("Once the inspection is done, start the review.");
        case KH_YEAR_REVIEW: return W_("Once the review found nothing wrong, publish the results.");
        case KH_YEAR_PUBLISHED: return W_("Talk with the bottom three units and follow their rectification.");
        case KH_YEAR_CLOSED: return W_("This year is closed.");
        }
        return "";
    case KH_ROLE_AUDITOR:
        return W_("Every record and the audit log can be read.");
    case KH_ROLE_DEPARTMENT:
        return st == KH_YEAR_INSPECTION
                   ? W_("Please score your department's items for every unit.")
                   : W_("Nothing to do now.");
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
    kh_buf_printf(o, "<tr id=\"year-%d\"><td><a href=\"/years/%d\">", y->year,
                  y->year);
    kh_buf_printf(o, W_("year %d"), y->year);
    kh_buf_puts(o, "</a>");
    /* A department scorer's work is its grid; it reads the rubric. */
    if (r->sess.role == KH_ROLE_DEPARTMENT) {
        kh_buf_printf(o, "<br><a href=\"/years/%d/dept\" id=\"grid-%d\">",
                      y->year, y->year);
        kh_html_text(o, W_("Your department's grid"));
        kh_buf_printf(o, "</a> · <a href=\"/years/%d/rubric\" "
                         "id=\"rubric-%d\">", y->year, y->year);
        kh_html_text(o, W_("Rubric"));
        kh_buf_puts(o, "</a>");
    }
    kh_buf_puts(o, "</td><td>");
    kh_html_text(o, kh_year_state_label(y->state));
    kh_buf_printf(o, "</td><td class=\"num\">%zu</td><td>", y->units);
    kh_html_text(o, next_step(r->sess.role, y->state));
    kh_buf_puts(o, "</td></tr>\n");
    return KH_OK;
}

void web_page_home(web_req *r)
{
    web_page_begin(r, W_("Home"));
    kh_buf *o = &r->out;
    if (r->sess.role == KH_ROLE_ADMIN || r->sess.role == KH_ROLE_AUDITOR) {
        kh_buf_puts(o, "<nav class=\"noprint\" id=\"home-nav\"><a ");
        if (r->sess.role == KH_ROLE_ADMIN) {
            kh_buf_puts(o, "href=\"/admin/years\" id=\"nav-admin\">");
            kh_html_text(o, W_("Administration"));
            kh_buf_puts(o, "</a> · <a ");
        }
        kh_buf_puts(o, "href=\"/audit\" id=\"nav-audit\">");
        kh_html_text(o, W_("Audit log"));
        kh_buf_puts(o, "</a> · <a href=\"/compare\" id=\"nav-compare\">");
        kh_html_text(o, W_("Year comparison"));
        kh_buf_puts(o, "</a></nav>\n");
    }
    static const char *const heads[] = {N_("Year"), N_("State"),
                                        N_("Units"), N_("Next step")};
    kh_buf_puts(o, "<table id=\"years\" class=\"cards\">");
    web_thead(o, heads, sizeof heads / sizeof heads[0]);
    kh_buf_puts(o, "<tbody>\n");
    size_t at = o->len;
    kh_err *e = kh_err_new();
    dash_ctx c = {r};
    if (e)
        web_store_check(r,
                        kh_store_year_each(r->store, 0, dash_year, &c, e), e);
    kh_err_free(e);
    web_empty_row(&r->out, at, 4, W_("No assessment year yet."));
    kh_buf_puts(&r->out, "</tbody></table>\n");
    web_sched_home(r);
    web_unitview_home(r);
    web_page_end(r);
}

/* Is the session allowed to see unit u of the year at all? */
static bool sees_unit(web_req *r, int year, const char *unit)
{
    return web_may_entry(r, year, unit, KH_PHASE_SELF, WEB_READ) ||
           web_may_entry(r, year, unit, KH_PHASE_INSPECTION, WEB_READ);
}

/* A department scorer's overview of the year: its grid and the items
 * its provider supplies, read-only (no unit's form or sheet). */
static void dept_year(web_req *r, const web_year *y)
{
    kh_buf *o = &r->out;
    char provider[KH_PROVIDER_MAX + 1];
    kh_buf_printf(o, " · <a href=\"/years/%d/dept\" id=\"nav-grid\">",
                  y->year);
    kh_html_text(o, W_("Your department's grid"));
    kh_buf_puts(o, "</a></nav>\n");
    if (!web_dept_provider(r, provider)) {
        web_page_end(r);
        return;
    }
    kh_buf_puts(o, "<h2>");
    kh_html_text(o, W_("Items your department supplies"));
    kh_buf_puts(o, "</h2><ul id=\"dept-items\">");
    const kh_rubric *rb = y->rubric;
    for (size_t i = 0; i < kh_rubric_item_count(rb); i++) {
        bool mine = false;
        for (size_t s = 0; s < kh_rubric_item_slots(rb, i); s++) {
            const char *p = kh_rubric_input_provider(rb, i, s);
            mine |= p && strcmp(p, provider) == 0;
        }
        if (!mine)
            continue;
        kh_buf_printf(o, "<li><a href=\"/years/%d/rubric#item-", y->year);
        kh_html_url(o, kh_rubric_item_id(rb, i));
        kh_buf_puts(o, "\">");
        kh_html_text(o, kh_rubric_item_id(rb, i));
        kh_buf_puts(o, "</a> ");
        kh_html_text(o, kh_rubric_item_text(rb, i));
        kh_buf_puts(o, "</li>");
    }
    kh_buf_puts(o, "</ul>\n");
    web_page_end(r);
}

void web_page_year(web_req *r, web_year *y)
{
    const kh_assess *a = y->assess;
    const kh_rubric *rb = y->rubric;
    char title[64];
    snprintf(title, sizeof title, W_("Assessment of %d"), y->year);
    web_page_begin(r, title);
    kh_buf *o = &r->out;
    kh_buf_puts(o, "<p>");
    kh_html_text(o, W_("State: "));
    kh_buf_puts(o, "<strong id=\"year-state\">");
    kh_html_text(o, kh_year_state_label(y->state));
    kh_buf_puts(o, "</strong>。");
    kh_html_text(o, next_step(r->sess.role, y->state));
    kh_buf_printf(o, "</p><nav class=\"noprint\"><a href=\"/years/%d/rubric\" "
                     "id=\"nav-rubric\">", y->year);
    kh_html_text(o, W_("Rubric"));
    kh_buf_puts(o, "</a>");
    if (r->sess.role == KH_ROLE_DEPARTMENT) {
        dept_year(r, y);
        return;
    }
    kh_buf_printf(o, " · <a href=\"/years/%d/visits\" id=\"nav-visits\">",
                  y->year);
    kh_html_text(o, W_("On-site inspection schedule"));
    kh_buf_puts(o, "</a>");
    if (web_may(r, WEB_A_READ_ALL, y->year, NULL)) {
        kh_buf_printf(o, " · <a href=\"/years/%d/results\" id=\"nav-results\">",
                      y->year);
        kh_html_text(o, W_("Results"));
        kh_buf_printf(o, "</a> · <a href=\"/years/%d/followup\" "
                         "id=\"nav-followup\">", y->year);
        kh_html_text(o, W_("Use of the results"));
        kh_buf_printf(o, "</a> · <a href=\"/years/%d/dept-items\" "
                         "id=\"nav-dept-items\">", y->year);
        kh_html_text(o, W_("Items supplied by departments"));
        kh_buf_printf(o, "</a> · <a href=\"/years/%d/claims\" "
                         "id=\"nav-claims\">", y->year);
        kh_html_text(o, W_("Bonus claims"));
        kh_buf_puts(o, "</a>");
    } else if (r->sess.role == KH_ROLE_UNIT) {
        kh_buf_printf(o, " · <a href=\"/years/%d/claims\" id=\"nav-claims\">",
                      y->year);
        kh_html_text(o, W_("Bonus claims"));
        kh_buf_puts(o, "</a>");
    }
    static const char *const heads[] = {
        N_("Unit"), N_("Category"), N_("Applicable items"),
        N_("Self-check filled"), N_("Inspection scored"), N_("Evidence"),
        N_("Actions")};
    kh_buf_puts(o, "</nav>\n<table id=\"progress\" class=\"cards\">");
    web_thead(o, heads, sizeof heads / sizeof heads[0]);
    kh_buf_puts(o, "<tbody>\n");
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
        const char *labels[2] = {W_("Self-check form"),
                                 W_("Inspection score form")};
        for (int p = 0; p < 2; p++) {
            if (!web_may_entry(r, y->year, id, (kh_phase)p, WEB_READ))
                continue;
            kh_buf_printf(o, "<a href=\"/years/%d/units/", y->year);
            kh_html_url(o, id);
            kh_buf_printf(o, "/%s\">", links[p]);
            kh_html_text(o, labels[p]);
            kh_buf_puts(o, "</a> ");
        }
        bool sheet = web_may(r, WEB_A_SHEET, y->year, id);
        if (sheet) {
            kh_buf_printf(o, "<a href=\"/years/%d/results/", y->year);
            kh_html_url(o, id);
            kh_buf_puts(o, "\">");
            kh_html_text(o, W_("Score"));
            kh_buf_puts(o, "</a>");
        }
        if (sheet) {
            kh_buf_printf(o, " <a href=\"/years/%d/units/", y->year);
            kh_html_url(o, id);
            kh_buf_puts(o, "/sheet\">");
            kh_html_text(o, W_("Score sheet (print)"));
            kh_buf_puts(o, "</a>");
        }
        kh_buf_puts(o, "</td></tr>\n");
    }
    free(evc);
    kh_buf_puts(o, "</tbody></table>\n");
    if (!shown)
        web_msg_box(o, "", W_("There is no unit you may see."));
    web_page_end(r);
}

/* ---- the rubric ---------------------------------------------------- */

void web_page_rubric(web_req *r, web_year *y)
{
    const kh_rubric *rb = y->rubric;
    char title[64];
    snprintf(title, sizeof title, W_("Rubric of %d"), y->year);
    web_page_begin(r, title);
    kh_buf *o = &r->out;
    kh_buf_puts(o, "<p>");
    kh_html_text(o, kh_rubric_title(rb));
    static const char *const heads[] = {
        N_("Assessment area"), N_("No."), N_("Assessment point"),
        N_("Standard"), N_("Points"), N_("Scoring method")};
    kh_buf_puts(o, "</p>\n<table id=\"rubric\">");
    web_thead(o, heads, sizeof heads / sizeof heads[0]);
    kh_buf_puts(o, "<tbody>\n");
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
                kh_html_text(o, W_("points"));
                kh_buf_puts(o, "）</td>");
            }
            /* data-label: a phone shows each row as a card (CSS). */
            kh_buf_puts(o, "<td class=\"rubric-id\">");
            kh_html_text(o, kh_rubric_item_id(rb, i));
            kh_buf_puts(o, "</td><td>");
            kh_html_text(o, kh_rubric_item_text(rb, i));
            kh_buf_puts(o, "</td><td class=\"std\" data-label=\"");
            kh_html_attr(o, W_("Standard"));
            kh_buf_puts(o, "\">");
            kh_html_text(o, kh_rubric_item_standard(rb, i));
            kh_buf_puts(o, "</td><td class=\"num\" data-label=\"");
            kh_html_attr(o, W_("Points"));
            kh_buf_puts(o, "\">");
            web_cp_out(o, kh_rubric_item_max(rb, i));
            kh_buf_puts(o, "</td><td data-label=\"");
            kh_html_attr(o, W_("Scoring method"));
            kh_buf_puts(o, "\">");
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

/* ---- results (the body: web_results.c) ---------------------------- */

void web_page_results(web_req *r, web_year *y)
{
    if (!web_may(r, WEB_A_READ_ALL, y->year, NULL)) {
        web_refuse_page(r, "results page: role");
        return;
    }
    char title[64];
    snprintf(title, sizeof title, W_("Results of %d"), y->year);
    web_page_begin(r, title);
    web_roster_warning(r, y, -1);
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
    kh_buf title;
    kh_buf_init(&title, 0);
    kh_buf_printf(&title, W_("Score sheet of %d: %s"), y->year,
                  kh_assess_unit_name(y->assess, (size_t)u));
    web_page_begin(r, kh_buf_str(&title));
    kh_buf_free(&title);
    web_sheet_section(r, y, (size_t)u);
    web_page_end(r);
}

void web_sheet_section(web_req *r, const web_year *y, size_t u)
{
    const kh_rubric *rb = y->rubric;
    const kh_assess *a = y->assess;
    kh_buf *o = &r->out;
    static const char *const heads[] = {N_("Assessment area"),
                                        N_("Full marks"), N_("Score")};
    kh_buf_puts(o, "<section class=\"sheet\" id=\"sheet\"><table>");
    web_thead(o, heads, sizeof heads / sizeof heads[0]);
    kh_buf_puts(o, "<tbody>\n");
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
        {W_("Base score"), kh_result_base(y->result, (size_t)u)},
        {W_("Distinction bonus"), kh_result_bonus(y->result, (size_t)u)},
        {W_("Negative list deduction"), kh_result_negative(y->result, (size_t)u)},
        {W_("Total"), kh_result_total(y->result, (size_t)u)},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kh_buf_puts(o, "<tr><th colspan=\"2\">");
        kh_html_text(o, rows[i].label);
        kh_buf_puts(o, "</th><td class=\"num score\">");
        web_cp_out(o, rows[i].v);
        kh_buf_puts(o, "</td></tr>\n");
    }
    kh_cp sb;
    if (kh_result_self_base(y->result, (size_t)u, &sb)) {
        kh_buf_puts(o, "<tr><th colspan=\"2\">");
        kh_html_text(o, W_("Self-check base score"));
        kh_buf_puts(o, "</th><td class=\"num\">");
        web_cp_out(o, sb);
        kh_buf_puts(o, "</td></tr>\n");
    }
    kh_buf_puts(o, "</tbody></table>\n<h2>");
    kh_html_text(o, W_("How it was scored"));
    kh_buf_puts(o, "</h2><pre class=\"explain\" id=\"explain\">");
    kh_buf ex;
    kh_buf_init(&ex, 0);
    web_source_explain(r, a, u, y->year, kh_assess_unit_id(a, u), &ex);
    kh_html_text(o, kh_buf_str(&ex));
    kh_buf_free(&ex);
    kh_buf_puts(o, "</pre></section>\n");
}
