/*
 * web_unitview.c - the rectification loop with the unit in it and a
 * unit's own view (issue 12 sections 3 and 4; docs/FOLLOWUP.md):
 *   - the deadline colour badges and the rectification reports of an
 *     item, shared with the admin's follow-up page (web_followup.c);
 *   - on a unit user's home page, per published year, its reminder talks
 *     and its rectification items with deadlines, and the form to submit
 *     a rectification report (整改报告: text, optional evidence);
 *   - the admin's accept (销号) and return (with a reason) of a report;
 *   - GET /years/Y/units/U/view: the unit's own view after publication:
 *     rank, score sheet with every point explained, self-check vs
 *     inspection per item, findings that are not confidential, claims,
 *     rectification items; one column, usable at 375 px.
 *
 * Who may do what is decided by policy.c (WEB_A_UNIT_VIEW,
 * WEB_A_FOLLOWUP_REPORT, WEB_A_ADMIN); the store checks that an item is
 * the unit's own (another unit's item is "not found").
 */
#include "web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/assess.h"
#include "kaohe/doc.h"
#include "kaohe/rubric.h"
#include "kaohe/score.h"
#include "kaohe/store_evidence.h"
#include "kaohe/store_followup.h"
#include "kaohe/store_onsite.h"

/* Years a unit's home page lists at most. */
#define UV_YEARS_MAX 64

/* ---- pieces shared with the follow-up page ------------------------- */

const char *web_fu_get(const kh_node *map, const char *key)
{
    const kh_node *n = map ? kh_node_get(map, key) : NULL;
    if (!n || kh_node_is_null(n) || n->type != KH_NODE_SCALAR)
        return NULL;
    return n->u.text;
}

static bool is(const kh_node *map, const char *key, const char *v)
{
    const char *s = web_fu_get(map, key);
    return s && strcmp(s, v) == 0;
}

void web_fu_badge(kh_buf *o, const kh_node *it)
{
    const char *name = web_fu_get(it, "colour");
    kh_followup_colour c = KH_FOLLOWUP_GREY;
    for (int k = KH_FOLLOWUP_RED; k <= KH_FOLLOWUP_GREY; k++)
        if (name && !strcmp(name, kh_followup_colour_name(k)))
            c = (kh_followup_colour)k;
    kh_buf_printf(o, "<span class=\"fu fu-%s\">",
                  kh_followup_colour_name(c));
    kh_html_text(o, W_(kh_followup_colour_label(c)));
    const char *left = web_fu_get(it, "days_left");
    long n = left ? strtol(left, NULL, 10) : 0;
    if (c == KH_FOLLOWUP_RED)
        kh_buf_printf(o, W_(", %ld days late"), -n);
    else if (c != KH_FOLLOWUP_GREY)
        kh_buf_printf(o, W_(", %ld days left"), n);
    kh_buf_puts(o, "</span>");
}

/* The admin's two forms on a report waiting for a decision. */
static void decide_forms(web_req *r, int year, const char *id)
{
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<form method=\"post\" class=\"inline\" action=\"/years/"
                     "%d/followup/reports/", year);
    kh_html_url(o, id);
    kh_buf_puts(o, "/accept\" id=\"report-accept-");
    kh_html_attr(o, id);
    kh_buf_puts(o, "\">");
    web_csrf_field(r);
    kh_buf_printf(o, "<button type=\"submit\">%s</button></form>",
                  W_("Accept and close the item"));
    kh_buf_printf(o, "<form method=\"post\" action=\"/years/%d/followup/"
                     "reports/", year);
    kh_html_url(o, id);
    kh_buf_puts(o, "/return\" id=\"report-return-");
    kh_html_attr(o, id);
    kh_buf_puts(o, "\">");
    web_csrf_field(r);
    kh_buf_printf(o, "<label>%s <textarea name=\"reason\" rows=\"2\" "
                     "required></textarea></label><button type=\"submit\">"
                     "%s</button></form>",
                  W_("Reason for returning"), W_("Return to the unit"));
}

static const char *report_status(const kh_node *rep)
{
    if (is(rep, "status", "accepted"))
        return W_("accepted (item closed)");
    if (is(rep, "status", "returned"))
        return W_("returned");
    return W_("waiting for a decision");
}

void web_fu_reports(web_req *r, int year, const kh_node *it, bool admin)
{
    const kh_node *reps = kh_node_get(it, "reports");
    if (!reps || reps->type != KH_NODE_SEQ || !reps->n)
        return;
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<h4>%s</h4><ol class=\"fu-reports\">",
                  W_("Rectification reports"));
    for (size_t k = 0; k < reps->n; k++) {
        const kh_node *rep = kh_node_at(reps, k);
        const char *id = web_fu_get(rep, "id");
        kh_buf_puts(o, "<li id=\"report-");
        kh_html_attr(o, id);
        kh_buf_puts(o, "\"><p>");
        /* its place among the item's reports, not the store's number */
        kh_buf_printf(o, W_("Report %zu, submitted on "), k + 1);
        web_day_out(o, web_fu_get(rep, "added_day"));
        kh_buf_puts(o, " <strong class=\"report-status\">");
        kh_html_text(o, report_status(rep));
        kh_buf_puts(o, "</strong></p><p class=\"report-text\">");
        kh_html_text(o, web_fu_get(rep, "text"));
        kh_buf_puts(o, "</p>");
        if (web_fu_get(rep, "evidence_name")) {
            kh_buf_printf(o, "<p class=\"std\">%s ", W_("Evidence:"));
            kh_html_text(o, web_fu_get(rep, "evidence_name"));
            kh_buf_puts(o, "</p>");
        }
        if (web_fu_get(rep, "reason")) {
            kh_buf_printf(o, "<p class=\"report-reason\">%s ",
                          W_("Returned because:"));
            kh_html_text(o, web_fu_get(rep, "reason"));
            kh_buf_puts(o, "</p>");
        }
        if (admin && is(rep, "status", "submitted"))
            decide_forms(r, year, id);
        kh_buf_puts(o, "</li>");
    }
    kh_buf_puts(o, "</ol>");
}

/* ---- a unit's follow-up -------------------------------------------- */

/* The unit's JSON follow-up of a published year parsed into ar; NULL
 * when the year has none (not published) or on a store failure (then
 * recorded on the request). */
static const kh_node *unit_doc(web_req *r, int year, const char *unit,
                               kh_arena *ar, kh_buf *b)
{
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_followup_unit_json(r->store, year, unit, b, e)
                     : KH_ENOMEM;
    const kh_node *root = NULL;
    kh_doc *d = NULL;
    if (st == KH_OK &&
        kh_doc_open_mem("follow-up", kh_buf_str(b), b->len, 'j', e, &d) ==
            KH_OK &&
        kh_doc_read(d, ar, &root) == KH_OK && root &&
        root->type == KH_NODE_MAP) {
        kh_doc_free(d);
        kh_err_free(e);
        return root;
    }
    kh_doc_free(d);
    if (st != KH_ESTATE && st != KH_ENOTFOUND)
        web_store_check(r, st == KH_OK ? KH_EDB : st, e);
    kh_err_free(e);
    return NULL;
}

static size_t seq_len(const kh_node *n)
{
    return n && n->type == KH_NODE_SEQ ? n->n : 0;
}

static void talks_list(kh_buf *o, const kh_node *talks)
{
    kh_buf_printf(o, "<h3>%s</h3><ul class=\"talks\">",
                  W_("Reminder talks"));
    for (size_t k = 0; k < seq_len(talks); k++) {
        const kh_node *t = kh_node_at(talks, k);
        kh_buf_puts(o, "<li>");
        web_day_out(o, web_fu_get(t, "date"));
        kh_buf_printf(o, " %s", W_("Interviewer:"));
        kh_html_text(o, web_fu_get(t, "by"));
        if (web_fu_get(t, "to")) {
            kh_buf_printf(o, " %s", W_("Talked with:"));
            kh_html_text(o, web_fu_get(t, "to"));
        }
        kh_buf_puts(o, "<br>");
        kh_html_text(o, web_fu_get(t, "summary"));
        kh_buf_puts(o, "</li>");
    }
    if (!seq_len(talks))
        kh_buf_printf(o, "<li class=\"std\">%s</li>", W_("None recorded"));
    kh_buf_puts(o, "</ul>");
}

/* The unit's form to report on an open item with no report waiting. */
static void report_form(web_req *r, int year, const char *unit,
                        const kh_node *it)
{
    if (is(it, "status", "done"))
        return;
    const kh_node *reps = kh_node_get(it, "reports");
    size_t n = seq_len(reps);
    if (n && is(kh_node_at(reps, n - 1), "status", "submitted"))
        return;
    const char *id = web_fu_get(it, "id");
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<form method=\"post\" enctype=\"multipart/form-data\" "
                     "action=\"/years/%d/units/", year);
    kh_html_url(o, unit);
    kh_buf_puts(o, "/followup/");
    kh_html_url(o, id);
    kh_buf_puts(o, "/report\" id=\"report-form-");
    kh_html_attr(o, id);
    kh_buf_puts(o, "\">");
    web_csrf_field(r);
    kh_buf_printf(o, "<label>%s <textarea name=\"text\" rows=\"4\" "
                     "required></textarea></label><label>%s <input "
                     "type=\"file\" name=\"file\"></label><button "
                     "type=\"submit\">%s</button></form>",
                  n ? W_("Rectification report (again, after the return)")
                    : W_("Rectification report"),
                  W_("Evidence (optional: PDF, image, Word or Excel)"),
                  W_("Submit the report"));
}

static void items_list(web_req *r, int year, const char *unit,
                       const kh_node *items, bool forms)
{
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<h3>%s</h3><ul class=\"fu-items\">",
                  W_("Rectification items"));
    for (size_t k = 0; k < seq_len(items); k++) {
        const kh_node *it = kh_node_at(items, k);
        kh_buf_puts(o, "<li id=\"item-");
        kh_html_attr(o, web_fu_get(it, "id"));
        kh_buf_puts(o, "\"><p>");
        kh_html_text(o, web_fu_get(it, "text"));
        kh_buf_printf(o, "</p><p>%s ", W_("Deadline:"));
        web_day_out(o, web_fu_get(it, "deadline"));
        kh_buf_puts(o, " ");
        web_fu_badge(o, it);
        kh_buf_puts(o, "</p>");
        web_fu_reports(r, year, it, false);
        if (forms)
            report_form(r, year, unit, it);
        kh_buf_puts(o, "</li>");
    }
    if (!seq_len(items))
        kh_buf_printf(o, "<li class=\"std\">%s</li>", W_("None"));
    kh_buf_puts(o, "</ul>");
}

/* The unit's talks and items of year; quiet: nothing at all when it has
 * neither (a unit that was not in the bottom places). */
static void unit_followup(web_req *r, int year, const char *unit,
                          bool forms, bool quiet)
{
    kh_arena *ar = kh_arena_new();
    kh_buf b;
    kh_buf_init(&b, 0);
    const kh_node *d = ar ? unit_doc(r, year, unit, ar, &b) : NULL;
    const kh_node *talks = d ? kh_node_get(d, "talks") : NULL;
    const kh_node *items = d ? kh_node_get(d, "items") : NULL;
    if (d && (!quiet || seq_len(talks) || seq_len(items))) {
        kh_buf_printf(&r->out, "<section class=\"unit-followup\" "
                               "id=\"followup-%d\"><h2>", year);
        kh_buf_printf(&r->out, W_("Rectification, year %d"), year);
        kh_buf_puts(&r->out, "</h2>");
        talks_list(&r->out, talks);
        items_list(r, year, unit, items, forms);
        kh_buf_puts(&r->out, "</section>\n");
    }
    kh_buf_free(&b);
    kh_arena_free(ar);
}

typedef struct home_years {
    int year[UV_YEARS_MAX];
    kh_year_state state[UV_YEARS_MAX];
    size_t n;
} home_years;

static kh_status home_year_cb(void *ctx, const kh_year_info *y)
{
    home_years *h = ctx;
    if (y->state >= KH_YEAR_PUBLISHED && h->n < UV_YEARS_MAX) {
        h->year[h->n] = y->year;
        h->state[h->n++] = y->state;
    }
    return KH_OK;
}

void web_unitview_home(web_req *r)
{
    if (r->sess.role != KH_ROLE_UNIT)
        return;
    home_years h = {.n = 0};
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_year_each(r->store, 0, home_year_cb, &h, e)
                     : KH_ENOMEM;
    bool ok = web_store_check(r, st, e);
    kh_err_free(e);
    if (!ok)
        return;
    /* The latest year first. */
    for (size_t i = h.n; i-- > 0;) {
        kh_buf_printf(&r->out, "<p class=\"noprint\"><a href=\"/years/%d/"
                               "units/", h.year[i]);
        kh_html_url(&r->out, r->sess.unit);
        kh_buf_printf(&r->out, "/view\" id=\"link-view-%d\">", h.year[i]);
        kh_buf_printf(&r->out, W_("Our results of year %d"), h.year[i]);
        kh_buf_puts(&r->out, "</a></p>\n");
        unit_followup(r, h.year[i], r->sess.unit,
                      h.state[i] == KH_YEAR_PUBLISHED, true);
    }
}

/* ---- the unit's own view ------------------------------------------- */

/* Is unit index u ranked in row (a unit row, or its branch's row)? */
static bool row_is_unit(const kh_result *res, const kh_rubric *rb,
                        size_t k, const kh_rank_row *row, size_t u)
{
    if (kh_rubric_ranking_level(rb, k) == KH_LEVEL_UNIT)
        return row->ref == u;
    for (size_t j = 0; j < kh_result_branch_unit_count(res, row->ref); j++)
        if (kh_result_branch_unit(res, row->ref, j) == u)
            return true;
    return false;
}

static void rank_section(kh_buf *o, const web_year *y, size_t u)
{
    kh_buf_printf(o, "<section id=\"rank\"><h2>%s</h2><ul>",
                  W_("Rank in its list"));
    for (size_t k = 0; k < kh_rubric_ranking_count(y->rubric); k++) {
        size_t n = kh_result_ranking_rows(y->result, k);
        for (size_t i = 0; i < n; i++) {
            const kh_rank_row *row = kh_result_ranking_row(y->result, k, i);
            if (!row_is_unit(y->result, y->rubric, k, row, u))
                continue;
            kh_buf_puts(o, "<li>");
            kh_html_text(o, kh_rubric_ranking_name(y->rubric, k));
            kh_buf_printf(o, W_(": place %u of %zu, score "), row->rank, n);
            web_cp_out(o, row->score);
            if (row->bottom)
                kh_buf_printf(o, " <strong>%s</strong>",
                              W_("(in the bottom places: reminder talk)"));
            kh_buf_puts(o, "</li>");
        }
    }
    kh_buf_puts(o, "</ul></section>\n");
}

/* Self-check against inspection, item by item. */
static void gaps_section(kh_buf *o, const web_year *y, size_t u)
{
    const kh_rubric *rb = y->rubric;
    kh_buf_printf(o, "<section id=\"gaps\"><h2>%s</h2><table><thead><tr>"
                     "<th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>"
                     "</thead><tbody>",
                  W_("Self-check and inspection, item by item"),
                  W_("Assessment point"), W_("Self-check"),
                  W_("Inspection"), W_("Difference"));
    for (size_t i = 0; i < kh_rubric_item_count(rb); i++) {
        if (!kh_result_item_applies(y->result, u, i))
            continue;
        bool has_self = kh_assess_entry(y->assess, u, i, KH_PHASE_SELF);
        kh_cp self = kh_score_item(y->assess, u, i, KH_PHASE_SELF);
        kh_cp insp = kh_result_item(y->result, u, i);
        bool gap = !has_self || self != insp;
        kh_buf_printf(o, "<tr%s><td>", gap ? " class=\"gap\"" : "");
        kh_html_text(o, kh_rubric_item_id(rb, i));
        kh_buf_puts(o, " ");
        kh_html_text(o, kh_rubric_item_text(rb, i));
        kh_buf_puts(o, "</td><td class=\"num\">");
        if (has_self)
            web_cp_out(o, self);
        else
            kh_html_text(o, W_("not filled"));
        kh_buf_puts(o, "</td><td class=\"num\">");
        web_cp_out(o, insp);
        kh_buf_puts(o, "</td><td class=\"num\">");
        if (has_self)
            web_cp_out(o, insp - self);
        kh_buf_puts(o, "</td></tr>");
    }
    kh_buf_puts(o, "</tbody></table></section>\n");
}

typedef struct find_ctx {
    kh_buf *o;
    const kh_rubric *rb;
    size_t n;
} find_ctx;

/* Interview findings are confidential: a unit user never reads interview
 * records (KH_ONSITE_NO_INTERVIEWS, lib/store/store_onsite.c), so only
 * what was said at symposiums is shown. */
static kh_status finding_cb(void *ctx, const kh_finding_row *f)
{
    find_ctx *c = ctx;
    if (strcmp(f->source, "symposium") != 0)
        return KH_OK;
    int i = kh_rubric_item_find(c->rb, f->item);
    kh_buf_puts(c->o, "<li>");
    kh_html_text(c->o, f->item);
    if (i >= 0) {
        kh_buf_puts(c->o, " ");
        kh_html_text(c->o, kh_rubric_item_text(c->rb, (size_t)i));
    }
    const char *dir = kh_finding_dir_label(f->dir);
    if (dir && *dir) {
        kh_buf_puts(c->o, " <strong>");
        kh_html_text(c->o, dir);
        kh_buf_puts(c->o, "</strong>");
    }
    kh_buf_puts(c->o, "<br>");
    kh_html_text(c->o, f->text);
    kh_buf_puts(c->o, "</li>");
    c->n++;
    return KH_OK;
}

static void findings_section(web_req *r, const web_year *y, const char *unit)
{
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<section id=\"findings\"><h2>%s</h2><ul>",
                  W_("Findings of the on-site inspection"));
    find_ctx c = {o, y->rubric, 0};
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_finding_each(r->store, y->year, unit, NULL,
                                             finding_cb, &c, e)
                     : KH_ENOMEM;
    web_store_check(r, st, e);
    kh_err_free(e);
    if (!c.n)
        kh_buf_printf(o, "<li class=\"std\">%s</li>", W_("None"));
    kh_buf_puts(o, "</ul></section>\n");
}

/* CLAIMS: the bonus claims (特色加分申报) are built on branch `claims`
 * (lib/store/store_claims.c).  Until it is merged this one section says
 * there are none; the merge replaces its body with the unit's approved
 * and rejected claims. */
/* The unit's bonus claims with their decisions (web_claims.c). */
static void claims_section(web_req *r, const web_year *y, const char *unit)
{
    kh_buf_printf(&r->out, "<section id=\"unit-claims\"><h2>%s</h2>",
                  W_("Bonus claims"));
    web_claims_table(r, y, unit, false);
    kh_buf_puts(&r->out, "</section>\n");
}

void web_page_unit_view(web_req *r, web_year *y, const char *unit)
{
    if (!web_may(r, WEB_A_UNIT_VIEW, y->year, unit)) {
        web_refuse_page(r, "unit view: role or unit");
        return;
    }
    long u = kh_assess_unit_find(y->assess, unit);
    if (u < 0 || !y->result) {
        web_error_page(r, 404, NULL);
        return;
    }
    kh_buf title;
    kh_buf_init(&title, 0);
    kh_buf_printf(&title, W_("Year %d: %s"), y->year,
                  kh_assess_unit_name(y->assess, (size_t)u));
    web_page_begin(r, kh_buf_str(&title));
    kh_buf_free(&title);
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<nav class=\"noprint\" id=\"view-nav\"><a href=\"#rank\">"
                     "%s</a> · <a href=\"#sheet\">%s</a> · <a href=\"#gaps\">"
                     "%s</a> · <a href=\"#findings\">%s</a> · <a href=\""
                     "#claims\">%s</a> · <a href=\"#followup-%d\">%s</a></nav>"
                     "\n",
                  W_("Rank"), W_("Score sheet"), W_("Gaps"), W_("Findings"),
                  W_("Claims"), y->year, W_("Rectification"));
    rank_section(o, y, (size_t)u);
    kh_buf_printf(o, "<h2>%s</h2>\n", W_("Score sheet"));
    web_sheet_section(r, y, (size_t)u);
    gaps_section(o, y, (size_t)u);
    findings_section(r, y, unit);
    claims_section(r, y, unit);
    unit_followup(r, y->year, unit,
                  r->sess.role == KH_ROLE_UNIT &&
                      y->state == KH_YEAR_PUBLISHED,
                  false);
    web_page_end(r);
}

/* ---- the POSTs ----------------------------------------------------- */

static bool parse_id(const char *s, int64_t *out)
{
    char *end;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || *end || v <= 0)
        return false;
    *out = v;
    return true;
}

/* Stores the uploaded file (if any) as the report's evidence: *hash
 * stays "" without one.  Inside the caller's transaction. */
static kh_status report_file(web_req *r, char hash[KH_EVIDENCE_HASH_SZ],
                             kh_err *e)
{
    const web_field *f = web_form_file(r, "file");
    hash[0] = '\0';
    if (!f || !f->filename || !*f->filename || !f->data.len)
        return KH_OK;
    kh_evidence_type type;
    kh_status st = kh_evidence_sniff(f->filename, f->data.data, f->data.len,
                                     &type, e);
    if (st != KH_OK) {
        kh_err_at(e, 0, 0, "file", "%s", W_("Evidence must be a PDF, JPG, "
                  "PNG, Word (DOC/DOCX) or Excel (XLS/XLSX) file"));
        return KH_EINVAL;
    }
    char *name = web_evidence_name(f->filename, type);
    st = name ? kh_store_evidence_put(r->store, r->sess.user, name,
                                      f->data.data, f->data.len, 0, hash, e)
              : kh_err_fail(e, KH_ENOMEM, "out of memory");
    free(name);
    return st;
}

/* Answers a refused or failed POST: back to `back` on success is the
 * caller's; located errors are 422, a missing item 404. */
static void post_answer(web_req *r, kh_status st, kh_err *e,
                        const char *back)
{
    if (st == KH_ENOMEM || st == KH_EDB || st == KH_EIO)
        web_fail(r, st, e);
    else if (st == KH_ENOTFOUND)
        web_errors_page(r, 404, W_("Not done"), e, back);
    else
        web_errors_page(r, st == KH_ESTATE ? 409 : 422, W_("Not done"), e,
                        back);
}

void web_fu_report_post(web_req *r, int year, const char *unit,
                        const char *item)
{
    if (!web_may(r, WEB_A_FOLLOWUP_REPORT, year, unit)) {
        web_refuse_page(r, "rectification report: role or unit");
        return;
    }
    kh_err *e = kh_err_new();
    char *text = web_form_get(r, "text");
    int64_t id = 0;
    char hash[KH_EVIDENCE_HASH_SZ];
    kh_status st = e ? KH_OK : KH_ENOMEM;
    if (st == KH_OK && !parse_id(item, &id)) {
        kh_err_at(e, 0, 0, "followup_item", "no such item");
        st = KH_ENOTFOUND;
    }
    if (st == KH_OK && (st = kh_store_begin(r->store, e)) == KH_OK) {
        st = report_file(r, hash, e);
        if (st == KH_OK)
            st = kh_store_followup_report_add(r->store, r->sess.user, year,
                                              unit, id, text,
                                              hash[0] ? hash : NULL, NULL, e);
        if (st == KH_OK)
            st = kh_store_commit(r->store, e);
        else
            kh_store_rollback(r->store);
    }
    if (st == KH_OK)
        web_redirect(r, "/?reported=1");
    else
        post_answer(r, st, e, "/");
    free(text);
    kh_err_free(e);
}

void web_fu_decide_post(web_req *r, int year, const char *report,
                        bool accept)
{
    if (!web_may(r, WEB_A_ADMIN, year, NULL)) {
        web_refuse_page(r, "rectification report decision: role");
        return;
    }
    kh_err *e = kh_err_new();
    char *reason = accept ? NULL : web_form_get(r, "reason");
    int64_t id = 0;
    kh_status st = e ? KH_OK : KH_ENOMEM;
    if (st == KH_OK && !parse_id(report, &id)) {
        kh_err_at(e, 0, 0, "report", "no such report");
        st = KH_ENOTFOUND;
    }
    if (st == KH_OK)
        st = kh_store_followup_report_decide(r->store, r->sess.user, year, id,
                                             accept, reason, e);
    char back[64];
    snprintf(back, sizeof back, "/years/%d/followup", year);
    if (st == KH_OK) {
        char ok[80];
        snprintf(ok, sizeof ok, "%s?ok=1", back);
        web_redirect(r, ok);
    } else {
        post_answer(r, st, e, back);
    }
    free(reason);
    kh_err_free(e);
}
