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
 * form and no unit id holds it) and, for an item with a judgement on the
 * grid, its note "n*UNIT*ITEM" (required by the store when the judgement
 * is below full marks; the hint beside it says so).  An empty value
 * leaves the stored value as it is; a note is written when it differs
 * from the stored one.  A refused save shows the grid again (422) with
 * every typed value and each refused entry's message beside its cell.
 * On a phone (CSS) each unit is one card, each value labelled
 * (data-label).  Stable ids: #dept-grid, #grid-U (a row), #dept-save,
 * #dept-msg, #grid-err-U-ITEM (a refused entry's message).
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

/* Does item i have an input on the grid (any, or a judgement)? */
static bool item_on_grid(const kh_rubric *rb, size_t i, const char *provider,
                         bool judgement)
{
    for (size_t s = 0; s < kh_rubric_item_slots(rb, i); s++)
        if (on_grid(rb, i, s, provider) &&
            (!judgement || kh_term_get_kind(kh_rubric_item_slot(rb, i, s)) ==
                               KH_TERM_JUDGEMENT))
            return true;
    return false;
}

/* A page of the grid: the saved one, or (posted) a refused post shown
 * again with every typed value and each refused entry's message. */
typedef struct grid_view {
    web_req *r;
    const web_year *y;
    const char *provider;      /* NULL: every provider's (admin, auditor) */
    bool ro;
    bool posted;
    char **msgs;               /* [unit * items + item], owned, or NULL */
} grid_view;

static char *posted(const grid_view *g, const char *name)
{
    return g->posted ? web_form_get(g->r, name) : NULL;
}

/* What a screen reader says of the cell of unit u, item i, label:
 * "机电工程系 考核要点 3.3 报告数", escaped for an attribute, into a. */
static void cell_aria(kh_buf *a, const grid_view *g, size_t u, size_t i,
                      const char *label)
{
    kh_html_attr(a, kh_assess_unit_name(g->y->assess, u));
    kh_buf_putc(a, ' ');
    char item[96];
    snprintf(item, sizeof item, W_("item %s"),
             kh_rubric_item_id(g->y->rubric, i));
    kh_html_attr(a, item);
    kh_buf_putc(a, ' ');
    kh_html_attr(a, label);
}

/* One cell's widget: a select for checks and choices, a text box for
 * numbers; the posted value (shown) else the stored one.  aria: its
 * spoken name (cell_aria). */
static void cell(const grid_view *g, const kh_term *t, const kh_entry *en,
                 size_t s, const char *name, const char *aria)
{
    kh_buf *o = &g->r->out;
    char *typed = posted(g, name);
    bool present = false;
    kh_cp v = en ? kh_entry_value(en, s, &present) : 0;
    const char *dis = g->ro ? " disabled" : "";
    kh_term_kind k = kh_term_get_kind(t);
    if (k == KH_TERM_CHECK || k == KH_TERM_CHOICE) {
        kh_buf_printf(o, "<select name=\"%s\" aria-label=\"%s\"%s>"
                         "<option value=\"\">%s</option>", name, aria, dis,
                      W_("not scored"));
        size_t n = k == KH_TERM_CHECK ? 2 : kh_term_option_count(t);
        for (size_t j = 0; j < n; j++) {
            const char *val = k == KH_TERM_CHECK ? (j ? "false" : "true")
                                                 : kh_term_option_id(t, j);
            bool sel = typed ? strcmp(typed, val) == 0
                       : present && (k == KH_TERM_CHECK
                                         ? (v != 0) == (j == 0)
                                         : (size_t)v == j);
            kh_buf_puts(o, "<option value=\"");
            kh_html_attr(o, val);
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
        free(typed);
        return;
    }
    kh_buf_printf(o, "<input type=\"text\" inputmode=\"decimal\" size=\"4\" "
                     "name=\"%s\" aria-label=\"%s\" value=\"", name, aria);
    if (typed)
        kh_html_attr(o, typed);
    else if (present && (k == KH_TERM_COUNT || k == KH_TERM_DEDUCT))
        kh_buf_printf(o, "%" PRId64, v / 100);
    else if (present)
        web_cp_out(o, v);
    kh_buf_printf(o, "\"%s>", dis);
    free(typed);
}

/* The cell label a phone shows above each value (the header is hidden
 * there, CSS #dept-grid td::before). */
static void cell_label(kh_buf *o, const kh_rubric *rb, size_t i,
                       const char *label)
{
    kh_buf_puts(o, " data-label=\"");
    kh_html_attr(o, kh_rubric_item_id(rb, i));
    kh_buf_puts(o, " ");
    kh_html_attr(o, label);
    kh_buf_puts(o, "\"");
}

static const char *term_label(const kh_term *t)
{
    return kh_term_label(t) ? kh_term_label(t) : kh_term_input(t);
}

static void grid_head(kh_buf *o, const kh_rubric *rb, const char *provider)
{
    kh_buf_printf(o, "<div class=\"wide\"><table id=\"dept-grid\"><thead><tr>"
                     "<th>%s</th>", W_("Unit"));
    for (size_t i = 0; i < kh_rubric_item_count(rb); i++) {
        for (size_t s = 0; s < kh_rubric_item_slots(rb, i); s++) {
            if (!on_grid(rb, i, s, provider))
                continue;
            kh_buf_puts(o, "<th>");
            kh_html_text(o, kh_rubric_item_id(rb, i));
            kh_buf_puts(o, " ");
            kh_html_text(o, term_label(kh_rubric_item_slot(rb, i, s)));
            kh_buf_puts(o, "</th>");
        }
        if (item_on_grid(rb, i, provider, true)) {
            kh_buf_puts(o, "<th>");
            kh_html_text(o, kh_rubric_item_id(rb, i));
            kh_buf_printf(o, " %s</th>", W_("Note"));
        }
    }
    kh_buf_puts(o, "</tr></thead><tbody>\n");
}

/* The note of (unit u, item i): required when a judgement is below full
 * marks, which the hint beside it says. */
static void note_cell(const grid_view *g, size_t u, size_t i,
                      const kh_entry *en)
{
    kh_buf *o = &g->r->out;
    const char *id = kh_assess_unit_id(g->y->assess, u);
    const char *item = kh_rubric_item_id(g->y->rubric, i);
    kh_buf name;
    kh_buf_init(&name, 0);
    kh_buf_puts(&name, "n*");
    kh_html_attr(&name, id);
    kh_buf_putc(&name, '*');
    kh_html_attr(&name, item);
    char *typed = posted(g, kh_buf_str(&name));
    const char *stored = en ? kh_entry_note(en) : NULL;
    kh_buf aria;
    kh_buf_init(&aria, 0);
    cell_aria(&aria, g, u, i, W_("Note"));
    kh_buf_puts(o, "<td class=\"grid-note\"");
    cell_label(o, g->y->rubric, i, W_("Note"));
    kh_buf_printf(o, "><textarea name=\"%s\" rows=\"2\" cols=\"18\" "
                     "aria-label=\"%s\" aria-describedby=\"hint-%s\"%s>",
                  kh_buf_str(&name), kh_buf_str(&aria), kh_buf_str(&name),
                  g->ro ? " disabled" : "");
    kh_html_text(o, typed ? typed : stored ? stored : "");
    kh_buf_printf(o, "</textarea><small class=\"hint\" id=\"hint-%s\">",
                  kh_buf_str(&name));
    kh_html_text(o, W_("below full marks: say why in the note"));
    kh_buf_puts(o, "</small>");
    free(typed);
    kh_buf_free(&aria);
    kh_buf_free(&name);
}

/* The message of a refused (unit, item) beside its last cell. */
static void cell_msg(const grid_view *g, size_t u, size_t i)
{
    size_t ni = kh_rubric_item_count(g->y->rubric);
    const char *m = g->msgs ? g->msgs[u * ni + i] : NULL;
    if (!m)
        return;
    kh_buf *o = &g->r->out;
    kh_buf_puts(o, "<span class=\"field-error\" role=\"alert\" id=\"grid-err-");
    kh_html_attr(o, kh_assess_unit_id(g->y->assess, u));
    kh_buf_puts(o, "-");
    kh_html_attr(o, kh_rubric_item_id(g->y->rubric, i));
    kh_buf_puts(o, "\">");
    kh_html_text(o, m);
    kh_buf_puts(o, "</span>");
}

/* Item i's cells of unit u: its inputs, then its note (judgements). */
static void item_cells(const grid_view *g, size_t u, size_t i)
{
    kh_buf *o = &g->r->out;
    const kh_rubric *rb = g->y->rubric;
    const char *id = kh_assess_unit_id(g->y->assess, u);
    bool note = item_on_grid(rb, i, g->provider, true);
    const kh_entry *en = kh_assess_entry(g->y->assess, u, i,
                                         KH_PHASE_INSPECTION);
    size_t last = 0;
    for (size_t s = 0; s < kh_rubric_item_slots(rb, i); s++)
        if (on_grid(rb, i, s, g->provider))
            last = s;
    for (size_t s = 0; s < kh_rubric_item_slots(rb, i); s++) {
        if (!on_grid(rb, i, s, g->provider))
            continue;
        const kh_term *t = kh_rubric_item_slot(rb, i, s);
        kh_buf name;
        kh_buf_init(&name, 0);
        kh_buf_puts(&name, "v*");
        kh_html_attr(&name, id);
        kh_buf_putc(&name, '*');
        kh_html_attr(&name, kh_rubric_item_id(rb, i));
        kh_buf_putc(&name, '*');
        kh_html_attr(&name, kh_term_input(t));
        kh_buf_puts(o, "<td");
        cell_label(o, rb, i, term_label(t));
        kh_buf_puts(o, ">");
        kh_buf aria;
        kh_buf_init(&aria, 0);
        cell_aria(&aria, g, u, i, term_label(t));
        cell(g, t, en, s, kh_buf_str(&name), kh_buf_str(&aria));
        kh_buf_free(&aria);
        if (s == last && !note)
            cell_msg(g, u, i);
        kh_buf_puts(o, "</td>");
        kh_buf_free(&name);
    }
    if (note) {
        note_cell(g, u, i, en);
        cell_msg(g, u, i);
        kh_buf_puts(o, "</td>");
    }
}

static void grid_row(const grid_view *g, size_t u)
{
    kh_buf *o = &g->r->out;
    const kh_rubric *rb = g->y->rubric;
    const kh_assess *a = g->y->assess;
    size_t k = kh_assess_unit_kind(a, u);
    kh_buf_puts(o, "<tr id=\"grid-");
    kh_html_attr(o, kh_assess_unit_id(a, u));
    kh_buf_puts(o, "\"><th scope=\"row\">");
    kh_html_text(o, kh_assess_unit_name(a, u));
    kh_buf_puts(o, "</th>");
    for (size_t i = 0; i < kh_rubric_item_count(rb); i++) {
        if (!item_on_grid(rb, i, g->provider, false))
            continue;
        if (kh_rubric_item_applies(rb, i, k)) {
            item_cells(g, u, i);
            continue;
        }
        size_t cols = item_on_grid(rb, i, g->provider, true);
        for (size_t s = 0; s < kh_rubric_item_slots(rb, i); s++)
            cols += on_grid(rb, i, s, g->provider);
        for (size_t c = 0; c < cols; c++) {
            kh_buf_puts(o, "<td class=\"std na\"");
            cell_label(o, rb, i, "");
            kh_buf_printf(o, ">%s</td>", W_("not applicable"));
        }
    }
    kh_buf_puts(o, "</tr>\n");
}

/* The grid's page: GET, or a refused POST shown again (422). */
static void grid_page(grid_view *g)
{
    web_req *r = g->r;
    const web_year *y = g->y;
    bool dept = r->sess.role == KH_ROLE_DEPARTMENT;
    char title[160];
    snprintf(title, sizeof title, W_("%d: items supplied by %s"), y->year,
             dept ? g->provider : W_("departments"));
    web_page_begin(r, title);
    kh_buf *o = &r->out;
    if (!g->posted &&
        MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "done"))
        kh_buf_printf(o, "<p class=\"msg ok\" id=\"dept-msg\">%s</p>\n",
                      W_("Saved."));
    if (g->posted)
        kh_buf_printf(o, "<p class=\"msg error\" id=\"dept-msg\" "
                         "role=\"alert\">%s</p>\n",
                      W_("The grid was not saved: correct the values marked "
                         "below and save again."));
    if (dept && g->ro)
        kh_buf_printf(o, "<p class=\"std\">%s</p>\n",
                      W_("The grid is filled in during the inspection."));
    if (!g->ro) {
        kh_buf_printf(o, "<form method=\"post\" id=\"dept-form\" "
                         "action=\"/years/%d/dept\" data-year=\"%d\" "
                         "data-saved=\"", y->year, y->year);
        kh_html_attr(o, W_("Saved."));
        kh_buf_puts(o, "\" data-error=\"");
        kh_html_attr(o, W_("Not saved: check the value and the note."));
        kh_buf_puts(o, "\">");
        web_csrf_field(r);
    }
    grid_head(o, y->rubric, g->provider);
    for (size_t u = 0; u < kh_assess_unit_count(y->assess); u++)
        grid_row(g, u);
    kh_buf_puts(o, "</tbody></table></div>\n");
    if (!g->ro)
        kh_buf_printf(o, "<button type=\"submit\" id=\"dept-save\">%s"
                         "</button></form>\n", W_("Save the grid"));
    web_page_end(r);
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
    grid_view g = {.r = r, .y = y, .provider = dept ? provider : NULL,
                   .ro = !(dept && y->state == KH_YEAR_INSPECTION)};
    grid_page(&g);
}

/* ---- saving ----------------------------------------------------------- */

/* The posted values of item i for unit u (those given) into kv/vals
 * (vals owned by the caller); returns how many. */
static size_t posted_inputs(web_req *r, const kh_rubric *rb, const char *uid,
                            size_t i, const char *provider, kh_input_kv *kv,
                            char **vals)
{
    const char *iid = kh_rubric_item_id(rb, i);
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
    return n;
}

/* The posted note of (unit, item) when the grid has one and it differs
 * from the stored note (owned), else NULL: the stored note is kept. */
static char *posted_note(web_req *r, const web_year *y, size_t u, size_t i,
                         const char *provider)
{
    if (!item_on_grid(y->rubric, i, provider, true))
        return NULL;
    kh_buf name;
    kh_buf_init(&name, 0);
    kh_buf_printf(&name, "n*%s*%s", kh_assess_unit_id(y->assess, u),
                  kh_rubric_item_id(y->rubric, i));
    char *note = web_form_get(r, kh_buf_str(&name));
    kh_buf_free(&name);
    const kh_entry *en = kh_assess_entry(y->assess, u, i,
                                         KH_PHASE_INSPECTION);
    const char *stored = en ? kh_entry_note(en) : NULL;
    if (note && strcmp(note, stored ? stored : "") == 0) {
        free(note);
        return NULL;
    }
    return note;
}

/* The text of a refused entry's messages, for beside its cell, each
 * with its place named as the JSON API names it (owned). */
static char *msgs_text(const web_year *y, const kh_err *ce)
{
    web_places names = {.ctx = {.rubric = y->rubric, .assess = y->assess}};
    kh_buf b;
    kh_buf_init(&b, 0);
    for (size_t k = 0; k < kh_err_count(ce); k++) {
        kh_msg shown = *kh_err_get(ce, k);
        shown.file = NULL;
        shown.line = shown.col = 0;
        char *line = web_msg_line(&names, &shown);
        if (k)
            kh_buf_puts(&b, "；");
        kh_buf_puts(&b, line ? line : web_msg_text(&shown));
        free(line);
    }
    char *t = kh_buf_take(&b, NULL);
    kh_buf_free(&b);
    return t;
}

/* Writes the grid's values and note of item i for unit u (those given);
 * a refusal's text goes to *msg. */
static kh_status save_entry(web_req *r, const web_year *y, size_t u,
                            size_t i, const char *provider, char **msg,
                            kh_err *e)
{
    const char *uid = kh_assess_unit_id(y->assess, u);
    kh_input_kv kv[WEB_INPUTS_MAX];
    char *vals[WEB_INPUTS_MAX];
    size_t n = posted_inputs(r, y->rubric, uid, i, provider, kv, vals);
    char *note = posted_note(r, y, u, i, provider);
    kh_status st = KH_OK;
    if (n || note) {
        kh_entry_write w = {r->sess.user, y->year, uid,
                            kh_rubric_item_id(y->rubric, i),
                            KH_PHASE_INSPECTION, n, kv, note, KH_VERSION_ANY};
        kh_err *ce = kh_err_new();
        st = ce ? kh_store_entry_set(r->store, &w, NULL, ce) : KH_ENOMEM;
        if (st == KH_EINVAL && !(*msg = msgs_text(y, ce)))
            st = KH_ENOMEM;
        else if (st != KH_OK && st != KH_EINVAL && ce) {
            for (size_t k = 0; k < kh_err_count(ce); k++)
                if (kh_err_copy_msg(e, kh_err_get(ce, k)) != KH_OK)
                    break;   /* st is the failure; its text is lost */
            /* busy or disk full decides 503 or 507 (web_fail) */
            kh_err_set_cause(e, kh_err_cause(ce));
        }
        kh_err_free(ce);
    }
    for (size_t j = 0; j < n; j++)
        free(vals[j]);
    free(note);
    return st;
}

/* Every applicable (unit, item) of the provider; keeps going after a
 * refused value so that every refusal is shown beside its cell. */
static kh_status save_grid(web_req *r, const web_year *y,
                           const char *provider, char **msgs, kh_err *e)
{
    const kh_rubric *rb = y->rubric;
    size_t ni = kh_rubric_item_count(rb);
    kh_status worst = KH_OK;
    for (size_t u = 0; u < kh_assess_unit_count(y->assess); u++) {
        size_t k = kh_assess_unit_kind(y->assess, u);
        for (size_t i = 0; i < ni; i++) {
            if (!item_on_grid(rb, i, provider, false) ||
                !kh_rubric_item_applies(rb, i, k))
                continue;
            kh_status st = save_entry(r, y, u, i, provider,
                                      &msgs[u * ni + i], e);
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
    size_t cells = kh_assess_unit_count(y->assess) *
                   kh_rubric_item_count(y->rubric);
    char **msgs = calloc(cells + 1, sizeof *msgs);
    kh_err *e = kh_err_new();
    kh_status st = e && msgs ? kh_store_begin(r->store, e) : KH_ENOMEM;
    if (st == KH_OK) {
        st = save_grid(r, y, provider, msgs, e);
        if (st == KH_OK)
            st = kh_store_commit(r->store, e);
        else
            kh_store_rollback(r->store);
    }
    if (st == KH_OK) {
        char to[80];
        snprintf(to, sizeof to, "/years/%d/dept?done=1", y->year);
        web_redirect(r, to);
    } else if (st == KH_ESTATE) {
        web_refuse_page(r, "department grid: the year's state");
    } else if (st == KH_EINVAL) {
        grid_view g = {.r = r, .y = y, .provider = provider, .posted = true,
                       .msgs = msgs};
        grid_page(&g);
        r->status = 422;
    } else {
        web_fail(r, st, e);
    }
    for (size_t c = 0; msgs && c < cells; c++)
        free(msgs[c]);
    free(msgs);
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
