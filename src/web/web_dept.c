/*
 * web_dept.c - a department scorer's grid (部门评分员, docs/CLAIMS.md):
 * /years/Y/dept shows the inputs its provider supplies (the rubric's
 * `provider` on items and terms) for every unit on one table, item x
 * units, and POST /years/Y/dept saves the whole grid in one transaction
 * (all or nothing) in the inspection state.  Only those inputs are
 * written (kh_store_entry_set keeps the others of the entry).  Admin and
 * auditor read every provider's grid.  Who may is policy.c's WEB_A_DEPT.
 *
 * Field names: "v*UNIT*ITEM*INPUT" ('*' is never percent-encoded in a
 * form and no unit id holds it).  An empty field leaves the stored value
 * as it is.  Stable ids: #dept-grid, #grid-U (a
 * row), #dept-save, #dept-msg.
 */
#include "web.h"

#include <inttypes.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Is input s of item i on the grid of provider (NULL: any provider)? */
static bool on_grid(const kh_rubric *rb, size_t i, size_t s,
                    const char *provider)
{
    const char *p = kh_rubric_input_provider(rb, i, s);
    return p && (!provider || strcmp(p, provider) == 0);
}

static void field_name(kh_buf *o, const char *unit, const char *item,
                       const char *input)
{
    kh_buf_puts(o, "v*");
    kh_html_attr(o, unit);
    kh_buf_putc(o, '*');
    kh_html_attr(o, item);
    kh_buf_putc(o, '*');
    kh_html_attr(o, input);
}

/* One cell's widget: a select for checks and choices, a text box for
 * numbers; the stored value shown. */
static void cell(kh_buf *o, const kh_term *t, const kh_entry *en, size_t s,
                 const char *name, bool ro)
{
    bool present = false;
    kh_cp v = en ? kh_entry_value(en, s, &present) : 0;
    const char *dis = ro ? " disabled" : "";
    kh_term_kind k = kh_term_get_kind(t);
    if (k == KH_TERM_CHECK || k == KH_TERM_CHOICE) {
        kh_buf_printf(o, "<select name=\"%s\" aria-label=\"%s\"%s>"
                         "<option value=\"\">%s</option>", name, name, dis,
                      W_("not scored"));
        size_t n = k == KH_TERM_CHECK ? 2 : kh_term_option_count(t);
        for (size_t j = 0; j < n; j++) {
            bool sel = present && (k == KH_TERM_CHECK ? (v != 0) == (j == 0)
                                                      : (size_t)v == j);
            kh_buf_puts(o, "<option value=\"");
            kh_html_attr(o, k == KH_TERM_CHECK ? (j ? "false" : "true")
                                               : kh_term_option_id(t, j));
            kh_buf_printf(o, "\"%s>", sel ? " selected" : "");
            if (k == KH_TERM_CHECK)
                kh_buf_puts(o, j ? W_("no") : W_("yes"));
            else
                kh_html_text(o, kh_term_option_label(t, j)
                                    ? kh_term_option_label(t, j)
                                    : kh_term_option_id(t, j));
            kh_buf_puts(o, "</option>");
        }
        kh_buf_puts(o, "</select>");
        return;
    }
    kh_buf_printf(o, "<input type=\"text\" inputmode=\"decimal\" size=\"4\" "
                     "name=\"%s\" aria-label=\"%s\" value=\"", name, name);
    if (present && (k == KH_TERM_COUNT || k == KH_TERM_DEDUCT))
        kh_buf_printf(o, "%" PRId64, v / 100);
    else if (present)
        web_cp_out(o, v);
    kh_buf_printf(o, "\"%s>", dis);
}

static void grid_head(kh_buf *o, const kh_rubric *rb, const char *provider)
{
    kh_buf_printf(o, "<div class=\"wide\"><table id=\"dept-grid\"><thead><tr>"
                     "<th>%s</th>", W_("Unit"));
    for (size_t i = 0; i < kh_rubric_item_count(rb); i++)
        for (size_t s = 0; s < kh_rubric_item_slots(rb, i); s++) {
            if (!on_grid(rb, i, s, provider))
                continue;
            const kh_term *t = kh_rubric_item_slot(rb, i, s);
            kh_buf_puts(o, "<th>");
            kh_html_text(o, kh_rubric_item_id(rb, i));
            kh_buf_puts(o, " ");
            kh_html_text(o, kh_term_label(t) ? kh_term_label(t)
                                             : kh_term_input(t));
            kh_buf_puts(o, "</th>");
        }
    kh_buf_puts(o, "</tr></thead><tbody>\n");
}

static void grid_row(web_req *r, const web_year *y, size_t u,
                     const char *provider, bool ro)
{
    kh_buf *o = &r->out;
    const kh_rubric *rb = y->rubric;
    const kh_assess *a = y->assess;
    const char *id = kh_assess_unit_id(a, u);
    size_t k = kh_assess_unit_kind(a, u);
    kh_buf_puts(o, "<tr id=\"grid-");
    kh_html_attr(o, id);
    kh_buf_puts(o, "\"><th scope=\"row\">");
    kh_html_text(o, kh_assess_unit_name(a, u));
    kh_buf_puts(o, "</th>");
    for (size_t i = 0; i < kh_rubric_item_count(rb); i++)
        for (size_t s = 0; s < kh_rubric_item_slots(rb, i); s++) {
            if (!on_grid(rb, i, s, provider))
                continue;
            if (!kh_rubric_item_applies(rb, i, k)) {
                kh_buf_printf(o, "<td class=\"std\">%s</td>",
                              W_("not applicable"));
                continue;
            }
            const kh_term *t = kh_rubric_item_slot(rb, i, s);
            kh_buf name;
            kh_buf_init(&name, 0);
            field_name(&name, id, kh_rubric_item_id(rb, i), kh_term_input(t));
            kh_buf_puts(o, "<td>");
            cell(o, t, kh_assess_entry(a, u, i, KH_PHASE_INSPECTION), s,
                 kh_buf_str(&name), ro);
            kh_buf_puts(o, "</td>");
            kh_buf_free(&name);
        }
    kh_buf_puts(o, "</tr>\n");
}

void web_dept_page(web_req *r, const web_year *y)
{
    char provider[KH_PROVIDER_MAX + 1] = "";
    bool dept = r->sess.role == KH_ROLE_DEPARTMENT;
    if (!web_may(r, WEB_A_DEPT, y->year, NULL) ||
        (dept && !web_dept_provider(r, provider))) {
        web_refuse_page(r, "department grid: role");
        return;
    }
    bool write = dept && y->state == KH_YEAR_INSPECTION;
    char title[160];
    snprintf(title, sizeof title, W_("%d: items supplied by %s"), y->year,
             dept ? provider : W_("departments"));
    web_page_begin(r, title);
    kh_buf *o = &r->out;
    if (MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "done"))
        kh_buf_printf(o, "<p class=\"msg ok\" id=\"dept-msg\">%s</p>\n",
                      W_("Saved."));
    if (dept && !write)
        kh_buf_printf(o, "<p class=\"std\">%s</p>\n",
                      W_("The grid is filled in during the inspection."));
    if (write) {
        kh_buf_printf(o, "<form method=\"post\" id=\"dept-form\" "
                         "action=\"/years/%d/dept\">", y->year);
        web_csrf_field(r);
    }
    grid_head(o, y->rubric, dept ? provider : NULL);
    for (size_t u = 0; u < kh_assess_unit_count(y->assess); u++)
        grid_row(r, y, u, dept ? provider : NULL, !write);
    kh_buf_puts(o, "</tbody></table></div>\n");
    if (write)
        kh_buf_printf(o, "<button type=\"submit\" id=\"dept-save\">%s"
                         "</button></form>\n", W_("Save the grid"));
    web_page_end(r);
}

/* ---- saving ----------------------------------------------------------- */

/* Writes the grid's values of item i for unit u (those given). */
static kh_status save_entry(web_req *r, const web_year *y, size_t u,
                            size_t i, const char *provider, kh_err *e)
{
    const kh_rubric *rb = y->rubric;
    const char *uid = kh_assess_unit_id(y->assess, u);
    const char *iid = kh_rubric_item_id(rb, i);
    kh_input_kv kv[WEB_INPUTS_MAX];
    char *vals[WEB_INPUTS_MAX];
    size_t n = 0;
    for (size_t s = 0; s < kh_rubric_item_slots(rb, i) && n < WEB_INPUTS_MAX;
         s++) {
        if (!on_grid(rb, i, s, provider))
            continue;
        const char *in = kh_term_input(kh_rubric_item_slot(rb, i, s));
        kh_buf name;
        kh_buf_init(&name, 0);
        kh_buf_printf(&name, "v*%s*%s*%s", uid, iid, in);
        char *v = web_form_get(r, kh_buf_str(&name));
        kh_buf_free(&name);
        if (!v || !*v) {
            free(v);
            continue;
        }
        vals[n] = v;
        kv[n].name = in;
        kv[n].value = v;
        n++;
    }
    kh_status st = KH_OK;
    if (n) {
        kh_entry_write w = {r->sess.user, y->year, uid, iid,
                            KH_PHASE_INSPECTION, n, kv, NULL, KH_VERSION_ANY};
        size_t before = kh_err_errors(e);
        st = kh_store_entry_set(r->store, &w, NULL, e);
        if (st == KH_EINVAL && kh_err_errors(e) > before)
            kh_err_at(e, 0, 0, kh_assess_unit_name(y->assess, u),
                      "item %s was not saved", iid);
    }
    for (size_t j = 0; j < n; j++)
        free(vals[j]);
    return st;
}

/* Every applicable (unit, item) of the provider; keeps going after a
 * refused value so that every error is listed. */
static kh_status save_grid(web_req *r, const web_year *y,
                           const char *provider, kh_err *e)
{
    const kh_rubric *rb = y->rubric;
    kh_status worst = KH_OK;
    for (size_t u = 0; u < kh_assess_unit_count(y->assess); u++) {
        size_t k = kh_assess_unit_kind(y->assess, u);
        for (size_t i = 0; i < kh_rubric_item_count(rb); i++) {
            bool mine = false;
            for (size_t s = 0; s < kh_rubric_item_slots(rb, i); s++)
                mine |= on_grid(rb, i, s, provider);
            if (!mine || !kh_rubric_item_applies(rb, i, k))
                continue;
            kh_status st = save_entry(r, y, u, i, provider, e);
            if (st != KH_OK && st != KH_EINVAL)
                return st;
            if (st != KH_OK)
                worst = st;
        }
    }
    return worst;
}

void web_dept_post(web_req *r, const web_year *y)
{
    char provider[KH_PROVIDER_MAX + 1];
    if (!web_may(r, WEB_A_DEPT, y->year, NULL) ||
        !web_dept_provider(r, provider)) {
        web_refuse_page(r, "department grid: only its scorer writes it");
        return;
    }
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_begin(r->store, e) : KH_ENOMEM;
    if (st == KH_OK) {
        st = save_grid(r, y, provider, e);
        if (st == KH_OK)
            st = kh_store_commit(r->store, e);
        else
            kh_store_rollback(r->store);
    }
    char back[64];
    snprintf(back, sizeof back, "/years/%d/dept", y->year);
    if (st == KH_OK) {
        char to[80];
        snprintf(to, sizeof to, "/years/%d/dept?done=1", y->year);
        web_redirect(r, to);
    } else if (st == KH_ESTATE) {
        web_refuse_page(r, "department grid: the year's state");
    } else if (st == KH_EINVAL) {
        web_errors_page(r, 422, W_("The grid was not saved"), e, back);
    } else {
        web_fail(r, st, e);
    }
    kh_err_free(e);
}

/* Text that web_pages.c and web_inspect.c show about providers and
 * claims: those files are not in po/POTFILES yet (their own literals are
 * Chinese), so their new msgids are marked here for the catalogue. */
static const char *const shared_msgids[] = {
    N_("Bonus claims"),
    N_("Items supplied by departments"),
    N_("supplied by"),
    N_("%d: items supplied by departments"),
    N_("The rubric names a provider for these items: that department "
       "scores them for every unit on its grid."),
    N_("This year's rubric names no provider for any item."),
    N_("Negative-list case"),
    N_("other (give the reason)"),
};

const char *web_dept_shared_msgid(size_t i)
{
    return i < sizeof shared_msgids / sizeof *shared_msgids
               ? shared_msgids[i]
               : NULL;
}
