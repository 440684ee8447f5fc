/*
 * web_claims.c - bonus claims on the web (特色加分申报, docs/CLAIMS.md):
 * /years/Y/claims lists them (a unit user: its own unit's only, with the
 * filing form during the self-check; admin and auditor: every unit's,
 * admin with approve/reject forms during inspection and review), POST
 * /years/Y/units/U/claims files one, POST /years/Y/claims/N/decide
 * decides one.  Who may do what is policy.c's (WEB_A_CLAIMS_READ,
 * WEB_A_CLAIM_FILE, WEB_A_ADMIN); states and ceilings are the store's.
 *
 * Stable element ids: #claims (the table), #claim-N (a row), #claim-add
 * (the filing form), #claim-approve-N / #claim-reject-N (the decision
 * forms), #claim-msg (the confirmation).
 */
#include "web.h"

#include <inttypes.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/store_claims.h"

typedef struct list_ctx {
    web_req *r;
    const web_year *y;
    bool decide;               /* admin in inspection or review */
    size_t n;
} list_ctx;

static void kind_name(kh_buf *o, const kh_rubric *rb, const char *kind)
{
    int k = kh_rubric_bonus_kind_find(rb, kind);
    kh_html_text(o, k >= 0 ? kh_rubric_bonus_kind_name(rb, (size_t)k) : kind);
}

static void unit_name(kh_buf *o, const kh_assess *a, const char *unit)
{
    int u = kh_assess_unit_find(a, unit);
    kh_html_text(o, u >= 0 ? kh_assess_unit_name(a, (size_t)u) : unit);
}

/* The state cell: 待审核, 已通过 +P, 未通过（理由）. */
static void state_cell(kh_buf *o, const kh_claim_row *row)
{
    kh_buf_printf(o, "<td class=\"claim-state %s\">",
                  kh_claim_state_name(row->state));
    if (row->state == KH_CLAIM_PENDING) {
        kh_buf_puts(o, W_("pending"));
    } else if (row->state == KH_CLAIM_APPROVED) {
        kh_buf_printf(o, "%s +", W_("approved"));
        web_cp_out(o, row->points);
    } else {
        kh_buf_printf(o, "%s: ", W_("rejected"));
        kh_html_text(o, row->reason ? row->reason : "");
    }
    kh_buf_puts(o, "</td>");
}

/* Approve (points) and reject (reason) forms of a pending claim. */
static void decide_forms(list_ctx *c, const kh_claim_row *row)
{
    kh_buf *o = &c->r->out;
    int year = c->y->year;
    kh_buf_printf(o, "<td class=\"noprint\"><form method=\"post\" "
                     "class=\"inline\" id=\"claim-approve-%" PRId64 "\" "
                     "action=\"/years/%d/claims/%" PRId64 "/decide\">",
                  row->id, year, row->id);
    web_csrf_field(c->r);
    kh_buf_printf(o, "<input type=\"hidden\" name=\"decision\" "
                     "value=\"approve\"><label>%s <input type=\"text\" "
                     "name=\"points\" inputmode=\"decimal\" size=\"5\" "
                     "required></label> <button type=\"submit\">%s</button>"
                     "</form> <form method=\"post\" class=\"inline\" "
                     "id=\"claim-reject-%" PRId64 "\" action=\"/years/%d/"
                     "claims/%" PRId64 "/decide\">",
                  W_("Points"), W_("Approve"), row->id, year, row->id);
    web_csrf_field(c->r);
    kh_buf_printf(o, "<input type=\"hidden\" name=\"decision\" "
                     "value=\"reject\"><label>%s <input type=\"text\" "
                     "name=\"reason\" required></label> <button "
                     "type=\"submit\">%s</button></form></td>",
                  W_("Reason"), W_("Reject"));
}

static kh_status list_row(void *ctx, const kh_claim_row *row)
{
    list_ctx *c = ctx;
    kh_buf *o = &c->r->out;
    c->n++;
    kh_buf_printf(o, "<tr id=\"claim-%" PRId64 "\"><td class=\"num\">%" PRId64
                     "</td><td>", row->id, row->id);
    unit_name(o, c->y->assess, row->unit);
    kh_buf_puts(o, "</td><td>");
    kind_name(o, c->y->rubric, row->kind);
    kh_buf_puts(o, "</td><td>");
    kh_html_text(o, row->description);
    kh_buf_puts(o, "</td><td>");
    if (row->evidence) {
        kh_buf_printf(o, "<a href=\"/years/%d/units/", c->y->year);
        kh_html_url(o, row->unit);
        kh_buf_printf(o, "/evidence/%s\">%s</a>", row->evidence,
                      W_("evidence"));
    }
    kh_buf_puts(o, "</td>");
    state_cell(o, row);
    if (c->decide && row->state == KH_CLAIM_PENDING)
        decide_forms(c, row);
    else if (c->decide)
        kh_buf_puts(o, "<td></td>");
    kh_buf_puts(o, "</tr>\n");
    return KH_OK;
}

/* The filing form of unit (self-check only). */
static void add_form(web_req *r, const web_year *y, const char *unit)
{
    kh_buf *o = &r->out;
    const kh_rubric *rb = y->rubric;
    kh_buf_printf(o, "<h2>%s</h2><form method=\"post\" class=\"item\" "
                     "id=\"claim-add\" action=\"/years/%d/units/",
                  W_("File a bonus claim"), y->year);
    kh_html_url(o, unit);
    kh_buf_puts(o, "/claims\">");
    web_csrf_field(r);
    kh_buf_printf(o, "<label>%s <select name=\"kind\" required>",
                  W_("Kind"));
    for (size_t k = 0; k < kh_rubric_bonus_kind_count(rb); k++) {
        kh_buf_puts(o, "<option value=\"");
        kh_html_attr(o, kh_rubric_bonus_kind_id(rb, k));
        kh_buf_puts(o, "\">");
        kh_html_text(o, kh_rubric_bonus_kind_name(rb, k));
        kh_buf_printf(o, " (%s ", W_("at most"));
        web_cp_out(o, kh_rubric_bonus_kind_ceiling(rb, k));
        kh_buf_puts(o, ")</option>");
    }
    kh_buf_printf(o, "</select></label><label>%s <textarea "
                     "name=\"description\" rows=\"4\" required></textarea>"
                     "</label><label>%s <input type=\"text\" "
                     "name=\"evidence\" size=\"20\"> <span class=\"std\">%s"
                     "</span></label><button type=\"submit\">%s</button>"
                     "</form>\n",
                  W_("What the unit did"), W_("Evidence (optional)"),
                  W_("the hash of an evidence file already uploaded, or "
                     "its first 8 digits"),
                  W_("File the claim"));
}

size_t web_claims_table(web_req *r, const web_year *y, const char *unit,
                        bool decide)
{
    kh_buf *o = &r->out;
    list_ctx c = {.r = r, .y = y, .decide = decide};
    kh_buf_printf(o, "<div class=\"wide\"><table id=\"claims\"><thead><tr>"
                     "<th>#</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                     "<th>%s</th>%s</tr></thead><tbody>\n",
                  W_("Unit"), W_("Kind"), W_("Description"), W_("Evidence"),
                  W_("Decision"), c.decide ? "<th class=\"noprint\"></th>"
                                           : "");
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_claim_each(r->store, y->year, unit, list_row,
                                           &c, e)
                     : KH_ENOMEM;
    web_store_check(r, st, e);
    kh_err_free(e);
    kh_buf_puts(o, "</tbody></table></div>\n");
    if (!c.n)
        kh_buf_printf(o, "<p class=\"std\" id=\"claims-none\">%s</p>\n",
                      W_("No claims yet."));
    return c.n;
}

void web_claims_page(web_req *r, const web_year *y)
{
    bool unit_user = r->sess.role == KH_ROLE_UNIT;
    const char *unit = unit_user ? r->sess.unit : NULL;
    if (!web_may(r, WEB_A_CLAIMS_READ, y->year, unit)) {
        web_refuse_page(r, "claims: role");
        return;
    }
    char title[96];
    snprintf(title, sizeof title, W_("%d bonus claims"), y->year);
    web_page_begin(r, title);
    kh_buf *o = &r->out;
    if (MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "done"))
        kh_buf_printf(o, "<p class=\"msg ok\" id=\"claim-msg\">%s</p>\n",
                      W_("Saved."));
    web_claims_table(r, y, unit,
                     r->sess.role == KH_ROLE_ADMIN &&
                         (y->state == KH_YEAR_INSPECTION ||
                          y->state == KH_YEAR_REVIEW));
    if (unit_user && y->state == KH_YEAR_SELF_CHECK)
        add_form(r, y, unit);
    else if (unit_user)
        kh_buf_printf(o, "<p class=\"std\">%s</p>\n",
                      W_("Claims are filed during the self-check."));
    web_page_end(r);
}

/* ---- the writes ------------------------------------------------------- */

static void answer(web_req *r, int year, kh_status st, kh_err *e,
                   const char *title)
{
    char back[64];
    snprintf(back, sizeof back, "/years/%d/claims", year);
    if (st == KH_OK) {
        char to[80];
        snprintf(to, sizeof to, "/years/%d/claims?done=1", year);
        web_redirect(r, to);
    } else if (st == KH_ESTATE) {
        web_refuse_page(r, "claims: the year's state does not allow it");
    } else if (st == KH_EINVAL || st == KH_ECONFLICT) {
        web_errors_page(r, st == KH_EINVAL ? 422 : 409, title, e, back);
    } else if (st == KH_ENOTFOUND) {
        web_error_page(r, 404, NULL);
    } else {
        web_fail(r, st, e);
    }
}

void web_claim_add_post(web_req *r, const web_year *y, const char *unit)
{
    if (!web_may(r, WEB_A_CLAIM_FILE, y->year, unit)) {
        web_refuse_page(r, "claims: another unit's claims");
        return;
    }
    if (kh_assess_unit_find(y->assess, unit) < 0) {
        web_error_page(r, 404, NULL);
        return;
    }
    char *kind = web_form_get(r, "kind");
    char *desc = web_form_get(r, "description");
    char *ev = web_form_get(r, "evidence");
    kh_err *e = kh_err_new();
    kh_status st = e ? KH_OK : KH_ENOMEM;
    if (st == KH_OK) {
        web_cache_write_begin(r);
        st = kh_store_claim_add(r->store, r->sess.user, y->year, unit,
                                kind ? kind : "", desc ? desc : "",
                                ev && *ev ? ev : NULL, NULL, e);
        web_cache_wrote(r, st, y->year, unit, NULL, KH_PHASE_SELF);
    }
    answer(r, y->year, st, e, W_("The claim was not filed"));
    free(kind);
    free(desc);
    free(ev);
    kh_err_free(e);
}

static kh_status claim_unit(void *ctx, const kh_claim_row *row)
{
    snprintf(ctx, KH_UNIT_ID_MAX + 1, "%s", row->unit);
    return KH_OK;
}

void web_claim_decide_post(web_req *r, const web_year *y, const char *arg)
{
    if (!web_may(r, WEB_A_ADMIN, y->year, NULL)) {
        web_refuse_page(r, "claims: only admin decides");
        return;
    }
    char *end;
    long long id = strtoll(arg, &end, 10);
    if (*end || id <= 0) {
        web_error_page(r, 404, NULL);
        return;
    }
    char *dec = web_form_get(r, "decision");
    char *pts = web_form_get(r, "points");
    char *reason = web_form_get(r, "reason");
    kh_err *e = kh_err_new();
    kh_status st = e ? KH_OK : KH_ENOMEM;
    bool approve = dec && strcmp(dec, "approve") == 0;
    kh_cp cp = 0;
    kh_num_err ne;
    if (st == KH_OK && !approve && !(dec && strcmp(dec, "reject") == 0))
        st = kh_err_at(e, 0, 0, "decision", "must be approve or reject");
    else if (st == KH_OK && approve &&
             (ne = kh_num_parse(pts ? pts : "", pts ? strlen(pts) : 0,
                                &cp)) != KH_NUM_OK)
        st = kh_err_at(e, 0, 0, "points", "\"%.32s\" %s", pts ? pts : "",
                       kh_num_err_str(ne));
    char unit[KH_UNIT_ID_MAX + 1] = "";
    if (st == KH_OK)
        st = kh_store_claim_get(r->store, y->year, id, claim_unit, unit, e);
    if (st == KH_OK) {
        web_cache_write_begin(r);
        st = kh_store_claim_decide(r->store, r->sess.user, y->year, id,
                                   approve, cp, reason, e);
        web_cache_wrote(r, st, y->year, unit, NULL, KH_PHASE_INSPECTION);
    }
    answer(r, y->year, st, e, W_("The decision was not saved"));
    free(dec);
    free(pts);
    free(reason);
    kh_err_free(e);
}
