/*
 * web_inspect.c - what the inspection pages hold besides the entries:
 * a unit's bonus (特色加分) and negative (负面清单) records, listed on its
 * inspection form and added or removed there by admin (the store allows
 * it in the inspection and review states and audits every change), and
 * the items a department supplies (an input with a rubric `provider`,
 * docs/CLAIMS.md) gathered on one page, /years/Y/dept-items.
 *
 * Stable element ids: #records (the section), #record-add (the add form),
 * #record-KIND-ID (a row) and #record-remove-KIND-ID (its remove form),
 * KIND being bonus or negative; #dept-items (the table), #dept-U (a row),
 * #dept-edit-U (its link to the inspection form).
 */
#include "web.h"

#include <inttypes.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/score.h"
#include "kaohe/store_claims.h"

const char *web_dept_item_provider(const kh_rubric *rb, size_t i)
{
    for (size_t s = 0; s < kh_rubric_item_slots(rb, i); s++) {
        const char *p = kh_rubric_input_provider(rb, i, s);
        if (p)
            return p;
    }
    return NULL;
}

bool web_dept_item(const kh_rubric *rb, size_t i)
{
    return web_dept_item_provider(rb, i) != NULL;
}

/* ---- bonus and negative records ------------------------------------ */

typedef struct rec_ctx {
    web_req *r;
    int year;
    const char *unit;
    bool may_write;
    size_t n;
    /* for a removal: the record looked for, and whether it is the unit's */
    bool negative;
    int64_t id;
    bool found;
} rec_ctx;

static kh_status rec_row(void *ctx, const kh_record_row *row)
{
    rec_ctx *c = ctx;
    kh_buf *o = &c->r->out;
    const char *kind = row->negative ? "negative" : "bonus";
    c->n++;
    kh_buf_printf(o, "<tr id=\"record-%s-%" PRId64 "\"><td>%s</td>"
                     "<td class=\"num\">%s", kind, row->id,
                  row->negative ? W_("Negative list deduction")
                                : W_("Distinctive work bonus"),
                  row->negative ? "−" : "+");
    web_cp_out(o, row->points);
    kh_buf_puts(o, "</td><td>");
    kh_html_text(o, row->reason);
    kh_buf_puts(o, "</td>");
    if (c->may_write) {
        kh_buf_printf(o, "<td><form method=\"post\" class=\"inline\" "
                         "id=\"record-remove-%s-%" PRId64 "\" action=\"/years/"
                         "%d/units/", kind, row->id, c->year);
        kh_html_url(o, c->unit);
        kh_buf_printf(o, "/records/%s-%" PRId64 "/remove\">", kind, row->id);
        web_csrf_field(c->r);
        kh_buf_printf(o, "<input type=\"text\" name=\"reason\" required "
                         "placeholder=\"%s\" aria-label=\"%s\"> "
                         "<button type=\"submit\">%s</button></form></td>",
                      W_("Reason for removing"), W_("Reason for removing"),
                      W_("Remove"));
    }
    kh_buf_puts(o, "</tr>\n");
    return KH_OK;
}

/* The negative-list catalogue of the year's rubric as a select (none
 * when the rubric has no catalogue): a case, or "other". */
static void case_select(web_req *r, const kh_rubric *rb)
{
    kh_buf *o = &r->out;
    if (kh_rubric_negative_case_count(rb)) {
        kh_buf_printf(o, "<label>%s <select name=\"case\" id=\"record-case\">"
                         "<option value=\"\">-</option>",
                      W_("Negative-list case"));
        for (size_t c = 0; c < kh_rubric_negative_case_count(rb); c++) {
            kh_buf_puts(o, "<option value=\"");
            kh_html_attr(o, kh_rubric_negative_case_id(rb, c));
            kh_buf_puts(o, "\">");
            kh_html_text(o, kh_rubric_negative_case_text(rb, c));
            kh_buf_puts(o, " (");
            web_cp_out(o, kh_rubric_negative_case_min(rb, c));
            kh_buf_puts(o, "-");
            web_cp_out(o, kh_rubric_negative_case_max(rb, c));
            kh_buf_puts(o, ")</option>");
        }
        kh_buf_printf(o, "<option value=\"other\">%s</option></select>"
                         "</label>", W_("other (give the reason)"));
    }
}

void web_records_block(web_req *r, int year, const char *unit,
                       kh_year_state state, const kh_rubric *rb)
{
    kh_buf *o = &r->out;
    rec_ctx c = {.r = r, .year = year, .unit = unit};
    c.may_write = r->sess.role == KH_ROLE_ADMIN &&
                  (state == KH_YEAR_INSPECTION || state == KH_YEAR_REVIEW);
    kh_buf_printf(o, "<section class=\"records\" id=\"records\"><h2>%s</h2>\n",
                  W_("Bonus and negative list"));
    if (MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "record"))
        kh_buf_printf(o, "<p class=\"msg ok\" id=\"record-msg\">%s</p>\n",
                      W_("The records were updated."));
    kh_buf_printf(o, "<table id=\"records-table\"><thead><tr><th>%s</th>"
                     "<th>%s</th><th>%s</th>", W_("Type"), W_("Points"),
                  W_("Reason"));
    if (c.may_write)
        kh_buf_printf(o, "<th class=\"noprint\">%s</th>", W_("Actions"));
    kh_buf_puts(o, "</tr></thead><tbody>\n");
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_record_each(r->store, year, unit, rec_row, &c, e)
                     : KH_ENOMEM;
    kh_err_free(e);
    kh_buf_puts(o, "</tbody></table>\n");
    if (st != KH_OK)
        kh_buf_printf(o, "<p class=\"msg error\">%s</p>\n",
                      W_("The records cannot be read."));
    else if (!c.n)
        kh_buf_printf(o, "<p class=\"std\" id=\"records-none\">%s</p>\n",
                      W_("No records yet."));
    if (c.may_write) {
        kh_buf_printf(o, "<form method=\"post\" class=\"item\" id=\"record-add\""
                         " action=\"/years/%d/units/", year);
        kh_html_url(o, unit);
        kh_buf_puts(o, "/records\">");
        web_csrf_field(r);
        kh_buf_printf(o, "<label>%s <select name=\"type\"><option "
                         "value=\"bonus\">%s</option><option value=\"negative\">"
                         "%s</option></select></label>",
                      W_("Type"), W_("Distinctive work bonus"),
                      W_("Negative list deduction"));
        kh_buf_printf(o, "<label>%s <input type=\"text\" name=\"points\" "
                         "inputmode=\"decimal\" required placeholder=\"%s\"> "
                         "<span class=\"std\">%s</span></label>",
                      W_("Points"), W_("e.g. 1.5"),
                      W_("A positive number with at most two decimals; the "
                         "bonus total is capped by the rubric"));
        case_select(r, rb);
        kh_buf_printf(o, "<label>%s <input type=\"text\" name=\"reason\" "
                         "size=\"60\"></label><button "
                         "type=\"submit\">%s</button></form>\n",
                      W_("Reason"), W_("Add the record"));
    } else if (r->sess.role == KH_ROLE_ADMIN) {
        kh_buf_printf(o, "<p class=\"std\">%s</p>\n",
                      W_("Records can be added or removed only during the "
                         "inspection and the review."));
    }
    kh_buf_puts(o, "</section>\n");
}

static kh_status rec_find(void *ctx, const kh_record_row *row)
{
    rec_ctx *c = ctx;
    if (row->negative == c->negative && row->id == c->id) {
        c->found = true;
        return KH_DONE;
    }
    return KH_OK;
}

/* "bonus-12" / "negative-3" -> kind and id. */
static bool parse_record_ref(const char *s, bool *negative, int64_t *id)
{
    const char *p;
    if (strncmp(s, "bonus-", 6) == 0) {
        *negative = false;
        p = s + 6;
    } else if (strncmp(s, "negative-", 9) == 0) {
        *negative = true;
        p = s + 9;
    } else {
        return false;
    }
    if (*p < '1' || *p > '9')
        return false;
    char *end;
    long long n = strtoll(p, &end, 10);
    if (*end || n <= 0)
        return false;
    *id = n;
    return true;
}

void web_records_post(web_req *r, const web_year *y, const char *unit,
                      const char *ref)
{
    if (!web_may(r, WEB_A_ADMIN, y->year, unit)) {
        web_refuse_page(r, "records: only admin changes bonus and negative "
                           "records");
        return;
    }
    if (kh_assess_unit_find(y->assess, unit) < 0) {
        web_error_page(r, 404, NULL);
        return;
    }
    int year = y->year;
    kh_buf back;
    kh_buf_init(&back, 0);
    kh_buf_printf(&back, "/years/%d/units/", year);
    kh_html_url(&back, unit);
    kh_buf_puts(&back, "/inspection");
    char *type = NULL, *points = NULL;
    char *reason = web_form_get(r, "reason");
    kh_err *e = kh_err_new();
    kh_status st = e ? KH_OK : KH_ENOMEM;
    if (st == KH_OK && !ref) {
        type = web_form_get(r, "type");
        points = web_form_get(r, "points");
        bool negative = false;
        kh_cp cp = 0;
        if (!type || (strcmp(type, "bonus") != 0 &&
                      strcmp(type, "negative") != 0))
            kh_err_at(e, 0, 0, W_("Type"), "must be a bonus or a negative list deduction");
        else
            negative = strcmp(type, "negative") == 0;
        kh_num_err ne;
        if (!points || !*points)
            kh_err_at(e, 0, 0, W_("Points"), "is required");
        else if ((ne = kh_num_parse(points, strlen(points), &cp)) != KH_NUM_OK)
            kh_err_at(e, 0, 0, W_("Points"), "\"%.32s\" %s", points,
                      kh_num_err_str(ne));
        else if (cp <= 0)
            kh_err_at(e, 0, 0, W_("Points"), "must be positive, not %.32s", points);
        char *ncase = negative ? web_form_get(r, "case") : NULL;
        if ((!reason || !*reason) && !(ncase && *ncase))
            kh_err_at(e, 0, 0, W_("Reason"), "is required");
        if (kh_err_errors(e))
            st = KH_EINVAL;
        else if (ncase && *ncase) {
            web_cache_write_begin(r);
            st = kh_store_negative_add(r->store, r->sess.user, year, unit,
                                       ncase, cp, reason, NULL, NULL, e);
            web_cache_wrote(r, st, year, unit, NULL, KH_PHASE_INSPECTION);
        } else {
            web_cache_write_begin(r);
            st = kh_store_record_add(r->store, r->sess.user, year, unit,
                                     negative, cp, reason, NULL, e);
            web_cache_wrote(r, st, year, unit, NULL, KH_PHASE_INSPECTION);
        }
        free(ncase);
    } else if (st == KH_OK) {
        rec_ctx c = {.r = r};
        if (!parse_record_ref(ref, &c.negative, &c.id)) {
            st = KH_ENOTFOUND;
        } else {
            web_store_check(r,
                            kh_store_record_each(r->store, year, unit, rec_find, &c, e), e);
            if (!c.found) {
                st = KH_ENOTFOUND;
            } else {
                if (!reason || !*reason)
                    st = kh_err_at(e, 0, 0, W_("Reason"), "is required");
                else {
                    web_cache_write_begin(r);
                    st = kh_store_record_remove(r->store, r->sess.user, year,
                                                c.negative, c.id, reason, e);
                    web_cache_wrote(r, st, year, unit, NULL,
                                    KH_PHASE_INSPECTION);
                }
            }
        }
    }
    if (st == KH_OK) {
        kh_buf_puts(&back, "?record=1#records");
        web_redirect(r, kh_buf_str(&back));
    } else if (st == KH_ESTATE) {
        web_refuse_page(r, "records: the year's state does not allow it");
    } else if (st == KH_ENOTFOUND) {
        web_error_page(r, 404, NULL);
    } else if (st == KH_EINVAL) {
        kh_buf_puts(&back, "#records");
        web_errors_page(r, 422, W_("Record not saved"), e, kh_buf_str(&back));
    } else {
        web_fail(r, st, e);
    }
    kh_buf_free(&back);
    free(type);
    free(points);
    free(reason);
    kh_err_free(e);
}

/* ---- the propaganda department's items ------------------------------ */

/* Has the entry any input?  An entry whose inputs were all cleared is
 * not scored yet (未评), not a 0. */
static bool entry_filled(const kh_rubric *rb, size_t item, const kh_entry *en)
{
    if (!en)
        return false;
    size_t n = kh_rubric_item_slots(rb, item);
    for (size_t sl = 0; sl < n; sl++) {
        bool present = false;
        kh_entry_value(en, sl, &present);
        if (present)
            return true;
    }
    return n == 0;
}

void web_dept_items_page(web_req *r, const web_year *y)
{
    if (!web_may(r, WEB_A_READ_ALL, y->year, NULL)) {
        web_refuse_page(r, "department items: role");
        return;
    }
    const kh_rubric *rb = y->rubric;
    const kh_assess *a = y->assess;
    bool admin = r->sess.role == KH_ROLE_ADMIN;
    bool open = y->state == KH_YEAR_INSPECTION || y->state == KH_YEAR_REVIEW;
    char title[96];
    snprintf(title, sizeof title, W_("%d: items supplied by departments"),
             y->year);
    web_page_begin(r, title);
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<p>%s", W_("The rubric names a provider for these "
                                 "items: that department scores them for "
                                 "every unit on its grid."));
    if (admin && !open)
        kh_buf_puts(o, W_("Not open for entries now: for reading only."));
    kh_buf_printf(o, "</p>\n<table id=\"dept-items\" class=\"cards\"><thead><tr><th>%s</th>"
                     "<th>%s</th>", W_("Unit"), W_("Kind"));
    size_t nd = 0;
    for (size_t i = 0; i < kh_rubric_item_count(rb); i++) {
        if (!web_dept_item(rb, i))
            continue;
        nd++;
        kh_buf_puts(o, "<th>");
        kh_html_text(o, kh_rubric_item_id(rb, i));
        kh_buf_puts(o, " ");
        kh_html_text(o, kh_rubric_item_text(rb, i));
        kh_buf_puts(o, W_(" (max "));
        web_cp_out(o, kh_rubric_item_max(rb, i));
        kh_buf_puts(o, W_(")"));
        kh_buf_puts(o, "</th>");
    }
    if (admin)
        kh_buf_printf(o, "<th class=\"noprint\">%s</th>", W_("Action"));
    kh_buf_puts(o, "</tr></thead><tbody>\n");
    for (size_t u = 0; u < kh_assess_unit_count(a); u++) {
        const char *id = kh_assess_unit_id(a, u);
        size_t k = kh_assess_unit_kind(a, u);
        kh_buf_puts(o, "<tr id=\"dept-");
        kh_html_attr(o, id);
        kh_buf_puts(o, "\"><td>");
        kh_html_text(o, kh_assess_unit_name(a, u));
        kh_buf_puts(o, "</td><td>");
        kh_html_text(o, kh_rubric_kind_name(rb, k));
        kh_buf_puts(o, "</td>");
        const char *first = NULL;
        for (size_t i = 0; i < kh_rubric_item_count(rb); i++) {
            if (!web_dept_item(rb, i))
                continue;
            if (!kh_rubric_item_applies(rb, i, k)) {
                kh_buf_printf(o, "<td class=\"std\">%s</td>",
                              W_("not applicable"));
                continue;
            }
            bool done = entry_filled(rb, i,
                                     kh_assess_entry(a, u, i,
                                                     KH_PHASE_INSPECTION));
            if (!done && !first)
                first = kh_rubric_item_id(rb, i);
            kh_buf_printf(o, "<td class=\"num%s\">", done ? "" : " todo");
            if (done)
                web_cp_out(o, kh_score_item(a, u, i, KH_PHASE_INSPECTION));
            else
                kh_buf_puts(o, W_("not scored"));
            kh_buf_puts(o, "</td>");
        }
        if (admin) {
            /* to the first item not filled in yet, else the first one */
            if (!first)
                for (size_t i = 0; i < kh_rubric_item_count(rb) && !first; i++)
                    if (web_dept_item(rb, i) && kh_rubric_item_applies(rb, i, k))
                        first = kh_rubric_item_id(rb, i);
            kh_buf_puts(o, "<td class=\"noprint\"><a id=\"dept-edit-");
            kh_html_attr(o, id);
            kh_buf_printf(o, "\" href=\"/years/%d/units/", y->year);
            kh_html_url(o, id);
            kh_buf_puts(o, "/inspection");
            if (first) {
                kh_buf_puts(o, "#item-");
                kh_html_url(o, first);
            }
            kh_buf_printf(o, "\">%s</a></td>", open ? W_("Fill in") : W_("View"));
        }
        kh_buf_puts(o, "</tr>\n");
    }
    kh_buf_puts(o, "</tbody></table>\n");
    if (!nd)
        web_msg_box(o, "", W_("This year's rubric names no provider for "
                              "any item."));
    web_page_end(r);
}
