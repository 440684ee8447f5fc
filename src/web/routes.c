/*
 * routes.c - the one route table of `kaohe serve` (cgit's cmd.c is the
 * model): every URL the server answers is one row below, matched on
 * path segments.  The dispatcher (web_http.c) reads the row before the
 * request's body: no row is a 404, a row for another method a 405 with
 * Allow, a role not in the row a 401/403, all answered without reading
 * one byte of the body; the row's body_limit is the cap of a logged-in
 * user (anonymous bodies are capped at WEB_ANON_BODY_CAP).
 *
 * Adding a route: write the handler in its module (declared in web.h),
 * a wrapper here taking (web_req *, web_match *), and one row:
 *
 *   {methods, "/years/:year/thing/:arg", wrapper, roles, states,
 *    body_limit, scope, action}
 *
 * Pattern segments: a literal, :year (KH_YEAR_MIN..KH_YEAR_MAX), :phase (self or
 * inspection), :unit, :arg (any one segment).  scope WEB_SCOPE_YEAR
 * loads the year's cached data into m->y (404 when the year does not
 * exist) and then checks states (WEB_STATES_ANY, or bits 1 << state:
 * another state is a 403); rows without that scope leave the state to
 * the store (KH_ESTATE).  action is the policy rule (policy.c) the dispatcher applies
 * to (m->year, m->unit); WEB_A_NONE is refused, and the route matrix
 * test (tests/web/routes.sh, through `kaohe serve --dump-routes`) fails
 * for a row without a rule.  Order matters only between a literal and a
 * variable in the same place: the first matching row wins.
 */
#include "web.h"

#include "kaohe/gongwen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- wrappers: the table's calls into the modules ------------------ */

static void login_fn(web_req *r, web_match *m)
{
    (void)m;
    web_page_login(r);   /* a live session goes on to its next page */
}

static void logout_fn(web_req *r, web_match *m)
{
    (void)m;
    web_logout(r);
    web_redirect(r, "/login");
}

static void password_fn(web_req *r, web_match *m)
{
    (void)m;
    web_page_password(r);
}

static void home_fn(web_req *r, web_match *m)
{
    (void)m;
    web_page_home(r);
}

static void css_fn(web_req *r, web_match *m)
{
    (void)m;
    web_static_css(r);
}

static void print_css_fn(web_req *r, web_match *m)
{
    (void)m;
    web_static_print_css(r);
}

static void js_fn(web_req *r, web_match *m)
{
    (void)m;
    web_static_js(r);
}

static void audit_fn(web_req *r, web_match *m)
{
    (void)m;
    web_page_audit(r);
}

static void admin_fn(web_req *r, web_match *m)
{
    (void)m;
    web_redirect(r, "/admin/years");
}

static void admin_years_fn(web_req *r, web_match *m)
{
    (void)m;
    web_page_admin_years(r);
}

static void year_open_fn(web_req *r, web_match *m)
{
    (void)m;
    web_post_year_open(r);
}

static void admin_year_fn(web_req *r, web_match *m)
{
    web_page_admin_year(r, m->year);
}

static void advance_fn(web_req *r, web_match *m)
{
    if (strcmp(r->method, "POST") == 0)
        web_post_advance(r, m->year);
    else
        web_page_advance_confirm(r, m->year);
}

static void reopen_fn(web_req *r, web_match *m)
{
    web_post_reopen(r, m->year);
}

static void unit_add_fn(web_req *r, web_match *m)
{
    web_post_unit_add(r, m->year);
}

static void unit_rename_fn(web_req *r, web_match *m)
{
    web_post_unit_rename(r, m->year);
}

static void user_password_fn(web_req *r, web_match *m)
{
    web_post_user_password(r, m->arg);
}

static void user_name_fn(web_req *r, web_match *m)
{
    web_post_user_name(r, m->arg);
}

static void assign_fn(web_req *r, web_match *m)
{
    web_post_assign(r, m->year);
}

static void rosters_fn(web_req *r, web_match *m)
{
    if (strcmp(r->method, "POST") == 0)
        web_post_roster_import(r, m->y);
    else
        web_page_rosters(r, m->y);
}

static void units_import_fn(web_req *r, web_match *m)
{
    web_post_units_import(r, m->year);
}

static void rubrics_fn(web_req *r, web_match *m)
{
    (void)m;
    web_page_rubrics(r);
}

static void rubric_import_fn(web_req *r, web_match *m)
{
    (void)m;
    web_post_rubric_import(r);
}

static void rubric_diff_fn(web_req *r, web_match *m)
{
    (void)m;
    web_page_rubric_diff(r);
}

static void users_fn(web_req *r, web_match *m)
{
    (void)m;
    web_page_users(r);
}

static void user_add_fn(web_req *r, web_match *m)
{
    (void)m;
    web_post_user_add(r);
}

static void user_disable_fn(web_req *r, web_match *m)
{
    web_post_user_disable(r, m->arg);
}

static void compare_fn(web_req *r, web_match *m)
{
    (void)m;
    web_page_compare(r);
}

static void history_fn(web_req *r, web_match *m)
{
    web_page_history(r, m->unit);
}

static void year_fn(web_req *r, web_match *m)
{
    web_page_year(r, m->y);
}

static void rubric_fn(web_req *r, web_match *m)
{
    web_page_rubric(r, m->y);
}

static void results_fn(web_req *r, web_match *m)
{
    web_page_results(r, m->y);
}

static void sheet_fn(web_req *r, web_match *m)
{
    web_page_sheet(r, m->y, m->unit);
}

static void dept_items_fn(web_req *r, web_match *m)
{
    web_dept_items_page(r, m->y);
}

static void record_add_fn(web_req *r, web_match *m)
{
    web_records_post(r, m->y, m->unit, NULL);
}

static void record_remove_fn(web_req *r, web_match *m)
{
    web_records_post(r, m->y, m->unit, m->arg);
}

static void followup_fn(web_req *r, web_match *m)
{
    web_followup_page(r, m->year, m->y->state);
}

static void talks_fn(web_req *r, web_match *m)
{
    web_followup_post(r, m->year, "talks", NULL);
}

static void items_fn(web_req *r, web_match *m)
{
    web_followup_post(r, m->year, "items", NULL);
}

static void close_fn(web_req *r, web_match *m)
{
    web_followup_post(r, m->year, "close", m->arg);
}

static void practices_fn(web_req *r, web_match *m)
{
    web_followup_post(r, m->year, "practices", NULL);
}

static void xlsx_fn(web_req *r, web_match *m)
{
    web_export_xlsx(r, m->y);
}

static void notice_fn(web_req *r, web_match *m)
{
    web_page_notice(r, m->y);
}

static void visits_fn(web_req *r, web_match *m)
{
    web_visits_page(r, m->year, m->y->state, false);
}

static void visits_print_fn(web_req *r, web_match *m)
{
    web_visits_page(r, m->year, m->y->state, true);
}

static void visit_add_fn(web_req *r, web_match *m)
{
    web_visit_add(r, m->year);
}

static void visit_records_fn(web_req *r, web_match *m)
{
    web_visit_records(r, m->year, m->y->state, m->arg);
}

static void symposium_post_fn(web_req *r, web_match *m)
{
    web_visit_post(r, m->year, m->arg, "symposiums");
}

static void interview_post_fn(web_req *r, web_match *m)
{
    web_visit_post(r, m->year, m->arg, "interviews");
}

static void finding_post_fn(web_req *r, web_match *m)
{
    web_visit_post(r, m->year, m->arg, "findings");
}

/* The rectification loop and the unit's own view (web_unitview.c). */
static void unit_view_fn(web_req *r, web_match *m)
{
    web_page_unit_view(r, m->y, m->unit);
}

static void fu_report_fn(web_req *r, web_match *m)
{
    web_fu_report_post(r, m->year, m->unit, m->arg);
}

static void fu_accept_fn(web_req *r, web_match *m)
{
    web_fu_decide_post(r, m->year, m->arg, true);
}

static void fu_return_fn(web_req *r, web_match *m)
{
    web_fu_decide_post(r, m->year, m->arg, false);
}

static void compilation_fn(web_req *r, web_match *m)
{
    web_page_compilation(r, m->y);
}

static void symposium_edit_fn(web_req *r, web_match *m)
{
    web_visit_post(r, m->year, m->arg, "symposiums/edit");
}

static void interview_edit_fn(web_req *r, web_match *m)
{
    web_visit_post(r, m->year, m->arg, "interviews/edit");
}

static void finding_edit_fn(web_req *r, web_match *m)
{
    web_visit_post(r, m->year, m->arg, "findings/edit");
}

static void finding_remove_fn(web_req *r, web_match *m)
{
    web_visit_post(r, m->year, m->arg, "findings/remove");
}

static void followup_report_fn(web_req *r, web_match *m)
{
    web_page_followup_report(r, m->y);
}

static void print_sheet_fn(web_req *r, web_match *m)
{
    web_page_print_sheet(r, m->y, m->unit);
}

static void form_fn(web_req *r, web_match *m)
{
    web_page_entry_form(r, m->y, m->unit, m->phase);
}

static void item_post_fn(web_req *r, web_match *m)
{
    web_post_item(r, m->y, m->unit, m->phase, m->arg);
}

static void source_post_fn(web_req *r, web_match *m)
{
    web_source_post(r, m->y, m->unit, m->phase, m->arg);
}

static void evidence_get_fn(web_req *r, web_match *m)
{
    web_evidence_download(r, m->year, m->unit, m->arg);
}

static void evidence_post_fn(web_req *r, web_match *m)
{
    web_evidence_upload(r, m->year, m->unit, m->phase, m->arg);
}

static void evidence_replace_fn(web_req *r, web_match *m)
{
    web_evidence_replace(r, m->year, m->unit, m->phase, m->arg);
}

static void evidence_remove_fn(web_req *r, web_match *m)
{
    web_evidence_remove(r, m->year, m->unit, m->phase, m->arg);
}

static void api_login_fn(web_req *r, web_match *m)
{
    (void)m;
    web_api_login(r);
}

static void api_logout_fn(web_req *r, web_match *m)
{
    (void)m;
    web_logout(r);
    r->status = 200;
    r->ctype = "application/json";
    kh_buf_puts(&r->out, "{}\n");
}

static void api_me_fn(web_req *r, web_match *m)
{
    (void)m;
    web_api_me(r);
}

static void api_results_fn(web_req *r, web_match *m)
{
    web_api_results(r, m->year);
}

static void api_unit_result_fn(web_req *r, web_match *m)
{
    web_api_unit_result(r, m->year, m->unit);
}

static void api_preview_fn(web_req *r, web_match *m)
{
    web_api_preview(r, m->year, m->unit, m->arg, m->phase);
}

static void form_post_fn(web_req *r, web_match *m)
{
    web_post_form(r, m->y, m->unit, m->phase);
}

static void api_keepalive_fn(web_req *r, web_match *m)
{
    (void)m;
    web_api_keepalive(r);
}

static void api_entry_get_fn(web_req *r, web_match *m)
{
    web_api_entry_get(r, m->year, m->unit, m->arg, m->phase);
}

static void api_entry_put_fn(web_req *r, web_match *m)
{
    web_api_entry_put(r, m->year, m->unit, m->arg, m->phase);
}

/* The 公文 downloads (web_gongwen.c). */
static void gw_notice_docx_fn(web_req *r, web_match *m)
{
    web_gongwen_get(r, m->y, KH_GONGWEN_NOTICE, NULL, KH_GONGWEN_DOCX);
}

static void gw_notice_pdf_fn(web_req *r, web_match *m)
{
    web_gongwen_get(r, m->y, KH_GONGWEN_NOTICE, NULL, KH_GONGWEN_PDF);
}

static void gw_compilation_docx_fn(web_req *r, web_match *m)
{
    web_gongwen_get(r, m->y, KH_GONGWEN_COMPILATION, NULL, KH_GONGWEN_DOCX);
}

static void gw_compilation_pdf_fn(web_req *r, web_match *m)
{
    web_gongwen_get(r, m->y, KH_GONGWEN_COMPILATION, NULL, KH_GONGWEN_PDF);
}

static void gw_followup_docx_fn(web_req *r, web_match *m)
{
    web_gongwen_get(r, m->y, KH_GONGWEN_FOLLOWUP, NULL, KH_GONGWEN_DOCX);
}

static void gw_followup_pdf_fn(web_req *r, web_match *m)
{
    web_gongwen_get(r, m->y, KH_GONGWEN_FOLLOWUP, NULL, KH_GONGWEN_PDF);
}

static void gw_sheet_docx_fn(web_req *r, web_match *m)
{
    web_gongwen_get(r, m->y, KH_GONGWEN_SHEET, m->unit, KH_GONGWEN_DOCX);
}

static void gw_sheet_pdf_fn(web_req *r, web_match *m)
{
    web_gongwen_get(r, m->y, KH_GONGWEN_SHEET, m->unit, KH_GONGWEN_PDF);
}

static void docset_fn(web_req *r, web_match *m)
{
    web_docset_post(r, m->year);
}

/* Questionnaires (web_survey.c). */
static void q_answer_fn(web_req *r, web_match *m)
{
    web_survey_answer(r, m->arg);
}

static void q_thanks_fn(web_req *r, web_match *m)
{
    (void)m;
    web_survey_thanks(r);
}

static void q_css_fn(web_req *r, web_match *m)
{
    (void)m;
    web_survey_css(r);
}

static void surveys_fn(web_req *r, web_match *m)
{
    (void)m;
    web_survey_rounds(r);
}

static void survey_round_fn(web_req *r, web_match *m)
{
    web_survey_round(r, m->arg, WEB_SURVEY_ROUND);
}

static void survey_tally_fn(web_req *r, web_match *m)
{
    web_survey_round(r, m->arg, WEB_SURVEY_TALLY);
}

static void survey_xlsx_fn(web_req *r, web_match *m)
{
    web_survey_round(r, m->arg, WEB_SURVEY_TALLY_XLSX);
}

static void survey_close_fn(web_req *r, web_match *m)
{
    web_survey_round(r, m->arg, WEB_SURVEY_CLOSE);
}

static void survey_codes_fn(web_req *r, web_match *m)
{
    web_survey_round(r, m->arg, WEB_SURVEY_CODES);
}

/* The schedule (web_progress.c) and the inbox (web_inbox.c). */
static void dates_post_fn(web_req *r, web_match *m)
{
    web_dates_post(r, m->year);
}

static void selfcheck_submit_fn(web_req *r, web_match *m)
{
    web_selfcheck_post(r, m->year, m->unit, false);
}

static void selfcheck_return_fn(web_req *r, web_match *m)
{
    web_selfcheck_post(r, m->year, m->unit, true);
}

static void api_submit_fn(web_req *r, web_match *m)
{
    web_api_selfcheck(r, m->year, m->unit, false);
}

static void api_return_fn(web_req *r, web_match *m)
{
    web_api_selfcheck(r, m->year, m->unit, true);
}

static void api_progress_fn(web_req *r, web_match *m)
{
    web_api_progress(r, m->year);
}

static void progress_fn(web_req *r, web_match *m)
{
    web_progress_page(r, m->year);
}

static void progress_xlsx_fn(web_req *r, web_match *m)
{
    web_progress_xlsx(r, m->year);
}

static void inbox_fn(web_req *r, web_match *m)
{
    (void)m;
    web_inbox_page(r);
}

static void inbox_read_fn(web_req *r, web_match *m)
{
    web_inbox_read(r, m->arg);
}

static void dept_fn(web_req *r, web_match *m)
{
    if (strcmp(r->method, "POST") == 0)
        web_dept_post(r, m->y);
    else
        web_dept_page(r, m->y);
}

static void claim_file_fn(web_req *r, web_match *m)
{
    web_claim_file_get(r, m->y, m->unit, m->arg);
}

static void claims_fn(web_req *r, web_match *m)
{
    web_claims_page(r, m->y);
}

static void claim_add_fn(web_req *r, web_match *m)
{
    web_claim_add_post(r, m->y, m->unit);
}

static void claim_decide_fn(web_req *r, web_match *m)
{
    web_claim_decide_post(r, m->y, m->arg);
}

/* ---- the table ----------------------------------------------------- */

#define ANY WEB_STATES_ANY
#define FORM WEB_BODY_CAP
#define UPLOAD WEB_UPLOAD_CAP
#define LOGIN WEB_ANON_BODY_CAP
#define ENTRY WEB_ENTRY_BODY_CAP
#define YEAR WEB_SCOPE_YEAR
#define NOSCOPE WEB_SCOPE_NONE
#define GP (WEB_GET | WEB_POST)
#define PLAN_STATES ((1u << KH_YEAR_DRAFT) | (1u << KH_YEAR_SELF_CHECK) | \
                     (1u << KH_YEAR_INSPECTION))
#define RECORD_STATES ((1u << KH_YEAR_INSPECTION) | (1u << KH_YEAR_REVIEW))
#define SELF_STATE (1u << KH_YEAR_SELF_CHECK)
#define PUBLISHED (1u << KH_YEAR_PUBLISHED)
#define AFTER_PUBLISHED (PUBLISHED | (1u << KH_YEAR_CLOSED))

static const web_route ROUTES[] = {
    /* sessions and static files */
    {GP, "/login", login_fn, WEB_ANON | WEB_ANY_USER, ANY, LOGIN, NOSCOPE, WEB_A_ANYONE},
    {WEB_POST, "/logout", logout_fn, WEB_ANY_USER, ANY, LOGIN, NOSCOPE, WEB_A_SIGNED_IN},
    {GP, "/password", password_fn, WEB_ANY_USER, ANY, LOGIN, NOSCOPE, WEB_A_SIGNED_IN},
    {WEB_GET, "/", home_fn, WEB_ANY_USER, ANY, 0, NOSCOPE, WEB_A_SIGNED_IN},
    {WEB_GET, "/inbox", inbox_fn, WEB_ANY_USER, ANY, 0, NOSCOPE, WEB_A_SIGNED_IN},
    {WEB_POST, "/inbox/:arg/read", inbox_read_fn, WEB_ANY_USER, ANY, LOGIN, NOSCOPE, WEB_A_SIGNED_IN},
    {WEB_GET, "/static/kaohe.css", css_fn, WEB_ANON | WEB_ANY_USER, ANY, 0, NOSCOPE, WEB_A_ANYONE},
    {WEB_GET, WEB_PRINT_CSS, print_css_fn, WEB_ANON | WEB_ANY_USER, ANY, 0, NOSCOPE, WEB_A_ANYONE},
    {WEB_GET, "/static/kaohe.js", js_fn, WEB_ANON | WEB_ANY_USER, ANY, 0, NOSCOPE, WEB_A_ANYONE},
    /* the audit log and administration */
    {WEB_GET, "/audit", audit_fn, WEB_READERS, ANY, 0, NOSCOPE, WEB_A_READ_ALL},
    {WEB_GET, "/admin", admin_fn, WEB_ADMIN, ANY, 0, NOSCOPE, WEB_A_ADMIN},
    {WEB_GET, "/admin/years", admin_years_fn, WEB_ADMIN, ANY, 0, NOSCOPE, WEB_A_ADMIN},
    {WEB_POST, "/admin/years", year_open_fn, WEB_ADMIN, ANY, FORM, NOSCOPE, WEB_A_ADMIN},
    {WEB_GET, "/admin/years/:year", admin_year_fn, WEB_ADMIN, ANY, 0, NOSCOPE, WEB_A_ADMIN},
    {GP, "/admin/years/:year/advance", advance_fn, WEB_ADMIN, ANY, FORM, NOSCOPE, WEB_A_ADMIN},
    {WEB_POST, "/admin/years/:year/reopen", reopen_fn, WEB_ADMIN, ANY, FORM, NOSCOPE, WEB_A_ADMIN},
    {WEB_POST, "/admin/years/:year/assign", assign_fn, WEB_ADMIN, ANY, FORM, NOSCOPE, WEB_A_ADMIN},
    {WEB_POST, "/admin/years/:year/dates", dates_post_fn, WEB_ADMIN, ANY, FORM, NOSCOPE, WEB_A_ADMIN},
    {WEB_POST, "/admin/years/:year/docset", docset_fn, WEB_ADMIN, ANY, FORM, NOSCOPE, WEB_A_ADMIN},
    {WEB_GET, "/admin/years/:year/rosters", rosters_fn, WEB_ADMIN, ANY, 0, YEAR, WEB_A_ADMIN},
    {WEB_POST, "/admin/years/:year/rosters", rosters_fn, WEB_ADMIN, ANY, UPLOAD, YEAR, WEB_A_ADMIN},
    {WEB_POST, "/admin/years/:year/units/import", units_import_fn, WEB_ADMIN, ANY, UPLOAD, NOSCOPE, WEB_A_ADMIN},
    {WEB_POST, "/admin/years/:year/units/add", unit_add_fn, WEB_ADMIN, ANY, FORM, NOSCOPE, WEB_A_ADMIN},
    {WEB_POST, "/admin/years/:year/units/rename", unit_rename_fn, WEB_ADMIN, ANY, FORM, NOSCOPE, WEB_A_ADMIN},
    {WEB_GET, "/admin/rubrics", rubrics_fn, WEB_ADMIN, ANY, 0, NOSCOPE, WEB_A_ADMIN},
    {WEB_POST, "/admin/rubrics/import", rubric_import_fn, WEB_ADMIN, ANY, UPLOAD, NOSCOPE, WEB_A_ADMIN},
    {WEB_GET, "/admin/rubrics/diff", rubric_diff_fn, WEB_ADMIN, ANY, 0, NOSCOPE, WEB_A_ADMIN},
    {WEB_GET, "/admin/users", users_fn, WEB_ADMIN, ANY, 0, NOSCOPE, WEB_A_ADMIN},
    {WEB_POST, "/admin/users", user_add_fn, WEB_ADMIN, ANY, FORM, NOSCOPE, WEB_A_ADMIN},
    {WEB_POST, "/admin/users/:arg/disable", user_disable_fn, WEB_ADMIN, ANY, FORM, NOSCOPE, WEB_A_ADMIN},
    {WEB_POST, "/admin/users/:arg/password", user_password_fn, WEB_ADMIN, ANY, FORM, NOSCOPE, WEB_A_ADMIN},
    {WEB_POST, "/admin/users/:arg/name", user_name_fn, WEB_ADMIN, ANY, FORM, NOSCOPE, WEB_A_ADMIN},
    /* across years */
    {WEB_GET, "/compare", compare_fn, WEB_READERS, ANY, 0, NOSCOPE, WEB_A_READ_ALL},
    {WEB_GET, "/units/:unit/history", history_fn, WEB_READERS, ANY, 0, NOSCOPE, WEB_A_READ_ALL},
    /* a year's pages */
    /* the year's overview and its rubric: every role, a department
     * scorer too (read-only) */
    {WEB_GET, "/years/:year", year_fn, WEB_ANY_USER, ANY, 0, YEAR, WEB_A_SIGNED_IN},
    {WEB_GET, "/years/:year/rubric", rubric_fn, WEB_ANY_USER, ANY, 0, YEAR, WEB_A_SIGNED_IN},
    {WEB_GET, "/years/:year/results", results_fn, WEB_READERS, ANY, 0, YEAR, WEB_A_READ_ALL},
    {WEB_GET, "/years/:year/results/:unit", sheet_fn, WEB_READERS | WEB_UNIT, ANY, 0, YEAR, WEB_A_SHEET},
    {WEB_GET, "/years/:year/dept-items", dept_items_fn, WEB_READERS, ANY, 0, YEAR, WEB_A_READ_ALL},
    {WEB_GET, "/years/:year/export.xlsx", xlsx_fn, WEB_READERS, ANY, 0, YEAR, WEB_A_READ_ALL},
    {WEB_GET, "/years/:year/notice", notice_fn, WEB_READERS, ANY, 0, YEAR, WEB_A_READ_ALL},
    {WEB_GET, "/years/:year/notice.docx", gw_notice_docx_fn, WEB_READERS, ANY, 0, YEAR, WEB_A_READ_ALL},
    {WEB_GET, "/years/:year/notice.pdf", gw_notice_pdf_fn, WEB_READERS, ANY, 0, YEAR, WEB_A_READ_ALL},
    {WEB_GET, "/years/:year/compilation", compilation_fn, WEB_READERS, ANY, 0, YEAR, WEB_A_READ_ALL},
    {WEB_GET, "/years/:year/compilation.docx", gw_compilation_docx_fn, WEB_READERS, ANY, 0, YEAR, WEB_A_READ_ALL},
    {WEB_GET, "/years/:year/compilation.pdf", gw_compilation_pdf_fn, WEB_READERS, ANY, 0, YEAR, WEB_A_READ_ALL},
    {WEB_GET, "/years/:year/followup", followup_fn, WEB_READERS, ANY, 0, YEAR, WEB_A_READ_ALL},
    {WEB_GET, "/years/:year/followup/report", followup_report_fn, WEB_READERS, ANY, 0, YEAR, WEB_A_READ_ALL},
    {WEB_GET, "/years/:year/followup/report.docx", gw_followup_docx_fn, WEB_READERS, ANY, 0, YEAR, WEB_A_READ_ALL},
    {WEB_GET, "/years/:year/followup/report.pdf", gw_followup_pdf_fn, WEB_READERS, ANY, 0, YEAR, WEB_A_READ_ALL},
    {WEB_POST, "/years/:year/followup/talks", talks_fn, WEB_ADMIN, ANY, FORM, YEAR, WEB_A_ADMIN},
    {WEB_POST, "/years/:year/followup/items", items_fn, WEB_ADMIN, ANY, FORM, YEAR, WEB_A_ADMIN},
    {WEB_POST, "/years/:year/followup/items/:arg/close", close_fn, WEB_ADMIN, ANY, FORM, YEAR, WEB_A_ADMIN},
    {WEB_POST, "/years/:year/practices", practices_fn, WEB_ADMIN, ANY, FORM, YEAR, WEB_A_ADMIN},
    {WEB_POST, "/years/:year/followup/reports/:arg/accept", fu_accept_fn, WEB_ADMIN, PUBLISHED, FORM, YEAR, WEB_A_ADMIN},
    {WEB_POST, "/years/:year/followup/reports/:arg/return", fu_return_fn, WEB_ADMIN, PUBLISHED, FORM, YEAR, WEB_A_ADMIN},
    {WEB_GET, "/years/:year/units/:unit/view", unit_view_fn, WEB_READERS | WEB_UNIT, AFTER_PUBLISHED, 0, YEAR, WEB_A_UNIT_VIEW},
    {WEB_POST, "/years/:year/units/:unit/followup/:arg/report", fu_report_fn, WEB_UNIT, PUBLISHED, UPLOAD, YEAR, WEB_A_FOLLOWUP_REPORT},
    /* the on-site inspection (web_onsite.c); visits are planned until
     * the inspection is over */
    {WEB_GET, "/years/:year/visits", visits_fn, WEB_USERS, ANY, 0, YEAR, WEB_A_SIGNED_IN},
    {WEB_POST, "/years/:year/visits", visit_add_fn, WEB_ADMIN, PLAN_STATES, FORM, YEAR, WEB_A_ADMIN},
    {WEB_GET, "/years/:year/visits/print", visits_print_fn, WEB_READERS, ANY, 0, YEAR, WEB_A_READ_ALL},
    {WEB_GET, "/years/:year/visits/:arg", visit_records_fn, WEB_READERS | WEB_INSPECTOR, ANY, 0, YEAR, WEB_A_ONSITE_READ},
    {WEB_POST, "/years/:year/visits/:arg/symposiums", symposium_post_fn, WEB_ADMIN | WEB_INSPECTOR, RECORD_STATES, FORM, YEAR, WEB_A_ONSITE_WRITE},
    {WEB_POST, "/years/:year/visits/:arg/interviews", interview_post_fn, WEB_ADMIN | WEB_INSPECTOR, RECORD_STATES, FORM, YEAR, WEB_A_ONSITE_WRITE},
    {WEB_POST, "/years/:year/visits/:arg/findings", finding_post_fn, WEB_ADMIN | WEB_INSPECTOR, RECORD_STATES, FORM, YEAR, WEB_A_ONSITE_WRITE},
    {WEB_GET, "/years/:year/progress", progress_fn, WEB_READERS | WEB_INSPECTOR, ANY, 0, YEAR, WEB_A_PROGRESS},
    {WEB_GET, "/years/:year/progress.xlsx", progress_xlsx_fn, WEB_READERS | WEB_INSPECTOR, ANY, 0, YEAR, WEB_A_PROGRESS},
    {WEB_POST, "/years/:year/units/:unit/selfcheck", selfcheck_submit_fn, WEB_ADMIN | WEB_UNIT, SELF_STATE, UPLOAD, YEAR, WEB_A_SELF_WRITE},
    {WEB_POST, "/years/:year/units/:unit/selfcheck/return", selfcheck_return_fn, WEB_ADMIN, SELF_STATE, FORM, YEAR, WEB_A_ADMIN},
    /* a department scorer's grid (web_dept.c): written in inspection */
    {WEB_GET, "/years/:year/dept", dept_fn, WEB_READERS | WEB_DEPARTMENT, ANY, 0, YEAR, WEB_A_DEPT},
    {WEB_POST, "/years/:year/dept", dept_fn, WEB_DEPARTMENT, (1u << KH_YEAR_INSPECTION), FORM, YEAR, WEB_A_DEPT},
    /* bonus claims (web_claims.c): filed in the self-check, decided in
     * inspection and review */
    {WEB_GET, "/years/:year/claims", claims_fn, WEB_READERS | WEB_UNIT, ANY, 0, YEAR, WEB_A_CLAIMS_READ},
    {WEB_POST, "/years/:year/units/:unit/claims", claim_add_fn, WEB_ADMIN | WEB_UNIT, (1u << KH_YEAR_SELF_CHECK), WEB_EVIDENCE_BODY_CAP, YEAR, WEB_A_CLAIM_FILE},
    {WEB_GET, "/years/:year/units/:unit/claim-files/:arg", claim_file_fn, WEB_READERS | WEB_UNIT, ANY, 0, YEAR, WEB_A_CLAIMS_READ},
    {WEB_POST, "/years/:year/claims/:arg/decide", claim_decide_fn, WEB_ADMIN, RECORD_STATES, FORM, YEAR, WEB_A_ADMIN},
    /* corrections: by the record's author or admin (the store decides) */
    {WEB_POST, "/years/:year/visits/:arg/symposiums/edit", symposium_edit_fn, WEB_ADMIN | WEB_INSPECTOR, RECORD_STATES, FORM, YEAR, WEB_A_ONSITE_WRITE},
    {WEB_POST, "/years/:year/visits/:arg/interviews/edit", interview_edit_fn, WEB_ADMIN | WEB_INSPECTOR, RECORD_STATES, FORM, YEAR, WEB_A_ONSITE_WRITE},
    {WEB_POST, "/years/:year/visits/:arg/findings/edit", finding_edit_fn, WEB_ADMIN | WEB_INSPECTOR, RECORD_STATES, FORM, YEAR, WEB_A_ONSITE_WRITE},
    {WEB_POST, "/years/:year/visits/:arg/findings/remove", finding_remove_fn, WEB_ADMIN | WEB_INSPECTOR, RECORD_STATES, FORM, YEAR, WEB_A_ONSITE_WRITE},
    {WEB_POST, "/years/:year/units/:unit/records", record_add_fn, WEB_ADMIN, ANY, FORM, YEAR, WEB_A_ADMIN},
    {WEB_POST, "/years/:year/units/:unit/records/:arg/remove", record_remove_fn, WEB_ADMIN, ANY, FORM, YEAR, WEB_A_ADMIN},
    {WEB_GET, "/years/:year/units/:unit/sheet", print_sheet_fn, WEB_READERS | WEB_UNIT, ANY, 0, YEAR, WEB_A_SHEET},
    {WEB_GET, "/years/:year/units/:unit/sheet.docx", gw_sheet_docx_fn, WEB_READERS | WEB_UNIT, ANY, 0, YEAR, WEB_A_SHEET},
    {WEB_GET, "/years/:year/units/:unit/sheet.pdf", gw_sheet_pdf_fn, WEB_READERS | WEB_UNIT, ANY, 0, YEAR, WEB_A_SHEET},
    {WEB_GET, "/years/:year/units/:unit/evidence/:arg", evidence_get_fn, WEB_USERS, ANY, 0, NOSCOPE, WEB_A_EVIDENCE_READ},
    {WEB_GET, "/years/:year/units/:unit/:phase", form_fn, WEB_USERS, ANY, 0, YEAR, WEB_A_ENTRY_READ},
    {WEB_POST, "/years/:year/units/:unit/:phase", form_post_fn, WEB_USERS, ANY, FORM, YEAR, WEB_A_ENTRY_WRITE},
    {WEB_POST, "/years/:year/units/:unit/:phase/:arg", item_post_fn, WEB_USERS, ANY, ENTRY, YEAR, WEB_A_ENTRY_WRITE},
    {WEB_POST, "/years/:year/units/:unit/:phase/:arg/source", source_post_fn, WEB_USERS, ANY, FORM, YEAR, WEB_A_ENTRY_WRITE},
    {WEB_POST, "/years/:year/units/:unit/:phase/:arg/evidence", evidence_post_fn, WEB_USERS, ANY, WEB_EVIDENCE_BODY_CAP, NOSCOPE, WEB_A_ENTRY_WRITE},
    {WEB_POST, "/years/:year/units/:unit/:phase/:arg/evidence/replace", evidence_replace_fn, WEB_USERS, ANY, UPLOAD, NOSCOPE, WEB_A_EVIDENCE_REMOVE},
    {WEB_POST, "/years/:year/units/:unit/:phase/:arg/evidence/remove", evidence_remove_fn, WEB_USERS, ANY, FORM, NOSCOPE, WEB_A_EVIDENCE_REMOVE},
    /* questionnaires: the public answer form (the code is the credential)
     * and the rounds */
    {WEB_GET, "/q/thanks", q_thanks_fn, WEB_ANON | WEB_USERS, ANY, 0, NOSCOPE, WEB_A_ANYONE},
    {WEB_GET, "/q/survey.css", q_css_fn, WEB_ANON | WEB_USERS, ANY, 0, NOSCOPE, WEB_A_ANYONE},
    {GP, "/q/:arg", q_answer_fn, WEB_ANON | WEB_USERS, ANY, WEB_SURVEY_BODY_CAP, NOSCOPE, WEB_A_SURVEY_ANSWER},
    {WEB_GET, "/surveys", surveys_fn, WEB_READERS | WEB_INSPECTOR, ANY, 0, NOSCOPE, WEB_A_SURVEY_READ},
    {WEB_POST, "/surveys", surveys_fn, WEB_ADMIN, ANY, FORM, NOSCOPE, WEB_A_ADMIN},
    {WEB_GET, "/surveys/:arg", survey_round_fn, WEB_READERS | WEB_INSPECTOR, ANY, 0, NOSCOPE, WEB_A_SURVEY_READ},
    {WEB_GET, "/surveys/:arg/tally", survey_tally_fn, WEB_READERS | WEB_INSPECTOR, ANY, 0, NOSCOPE, WEB_A_SURVEY_READ},
    {WEB_GET, "/surveys/:arg/tally.xlsx", survey_xlsx_fn, WEB_READERS, ANY, 0, NOSCOPE, WEB_A_READ_ALL},
    {WEB_POST, "/surveys/:arg/close", survey_close_fn, WEB_ADMIN, ANY, FORM, NOSCOPE, WEB_A_ADMIN},
    {WEB_POST, "/surveys/:arg/codes", survey_codes_fn, WEB_ADMIN, ANY, FORM, NOSCOPE, WEB_A_ADMIN},
    /* the JSON API */
    {WEB_POST, "/api/v1/login", api_login_fn, WEB_ANON | WEB_ANY_USER, ANY, LOGIN, NOSCOPE, WEB_A_ANYONE},
    {WEB_POST, "/api/v1/logout", api_logout_fn, WEB_ANY_USER, ANY, LOGIN, NOSCOPE, WEB_A_SIGNED_IN},
    {WEB_POST, "/api/v1/keepalive", api_keepalive_fn, WEB_ANY_USER, ANY, 0, NOSCOPE, WEB_A_SIGNED_IN},
    {WEB_GET, "/api/v1/me", api_me_fn, WEB_ANY_USER, ANY, 0, NOSCOPE, WEB_A_SIGNED_IN},
    {WEB_GET, "/api/v1/years/:year/progress", api_progress_fn, WEB_READERS | WEB_INSPECTOR, ANY, 0, YEAR, WEB_A_PROGRESS},
    {WEB_POST, "/api/v1/years/:year/units/:unit/submit", api_submit_fn, WEB_ADMIN | WEB_UNIT, SELF_STATE, FORM, YEAR, WEB_A_SELF_WRITE},
    {WEB_POST, "/api/v1/years/:year/units/:unit/return", api_return_fn, WEB_ADMIN, SELF_STATE, FORM, YEAR, WEB_A_ADMIN},
    {WEB_GET, "/api/v1/years/:year/results", api_results_fn, WEB_READERS, ANY, 0, NOSCOPE, WEB_A_READ_ALL},
    {WEB_GET, "/api/v1/years/:year/units/:unit/result", api_unit_result_fn, WEB_READERS | WEB_UNIT, ANY, 0, NOSCOPE, WEB_A_SHEET},
    {WEB_POST, "/api/v1/years/:year/preview/:unit/:arg/:phase", api_preview_fn, WEB_USERS, ANY, ENTRY, NOSCOPE, WEB_A_ENTRY_READ},
    {WEB_GET, "/api/v1/years/:year/entries/:unit/:arg/:phase", api_entry_get_fn, WEB_ANY_USER, ANY, 0, NOSCOPE, WEB_A_ENTRY_READ},
    {WEB_PUT, "/api/v1/years/:year/entries/:unit/:arg/:phase", api_entry_put_fn, WEB_ANY_USER, ANY, ENTRY, NOSCOPE, WEB_A_ENTRY_WRITE},
};

size_t web_route_count(void)
{
    return sizeof ROUTES / sizeof *ROUTES;
}

const web_route *web_route_at(size_t i)
{
    return i < web_route_count() ? &ROUTES[i] : NULL;
}

/* ---- matching ------------------------------------------------------ */

static unsigned method_bit(const char *method)
{
    if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
        return WEB_GET;
    if (strcmp(method, "POST") == 0)
        return WEB_POST;
    if (strcmp(method, "PUT") == 0)
        return WEB_PUT;
    return 0;
}

static bool parse_year(const char *s, int *out)
{
    if (s[0] < '1' || s[0] > '9' || strlen(s) != 4)
        return false;
    for (int i = 1; i < 4; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    int y = atoi(s);
    if (y < KH_YEAR_MIN || y > KH_YEAR_MAX)
        return false;
    *out = y;
    return true;
}

/* Does the pattern match the n segments?  Fills m's values. */
static bool match(const char *pattern, web_match *m)
{
    int i = 0;
    const char *p = pattern + 1;
    m->year = 0;
    m->unit = m->arg = NULL;
    m->phase = KH_PHASE_SELF;
    while (*p) {
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (i >= m->n)
            return false;
        const char *s = m->seg[i++];
        if (*p != ':') {
            if (strlen(s) != len || memcmp(s, p, len) != 0)
                return false;
        } else if (strncmp(p, ":year", len) == 0) {
            if (!parse_year(s, &m->year))
                return false;
        } else if (strncmp(p, ":phase", len) == 0) {
            if (!kh_phase_parse(s, &m->phase))
                return false;
        } else if (strncmp(p, ":unit", len) == 0) {
            m->unit = s;
        } else {
            m->arg = s;
        }
        p += len;
        if (*p == '/')
            p++;
    }
    return i == m->n;
}

static void allow_add(char *allow, size_t sz, unsigned methods)
{
    static const char *const names[] = {"GET, HEAD", "POST", "PUT"};
    for (unsigned b = 0; b < 3; b++) {
        if (!(methods & (1u << b)) || strstr(allow, names[b]))
            continue;
        size_t l = strlen(allow);
        snprintf(allow + l, sz - l, "%s%s", l ? ", " : "", names[b]);
    }
}

const web_route *web_route_find(const char *method, const char *path,
                                web_match *m, unsigned *status,
                                char *allow, size_t allowsz)
{
    allow[0] = '\0';
    m->n = web_split_path(path, m->buf, sizeof m->buf, m->seg, WEB_SEG_MAX);
    if (m->n < 0) {
        *status = m->n == -2 ? 400 : 404;
        return NULL;
    }
    unsigned bit = method_bit(method), seen = 0;
    for (size_t i = 0; i < web_route_count(); i++) {
        if (!match(ROUTES[i].pattern, m))
            continue;
        if (ROUTES[i].methods & bit)
            return &ROUTES[i];
        seen |= ROUTES[i].methods;
    }
    if (seen)
        allow_add(allow, allowsz, seen);
    *status = seen ? 405 : 404;
    return NULL;
}
