/*
 * web_admin_year.c - what the admin year page changes, each asked for
 * before it is done (issue 11 items 4 and 5):
 *
 *   GET  /admin/years/Y/advance   the confirmation: units not complete
 *                                 (items filled of applicable, by name),
 *                                 and before publishing what will be
 *                                 frozen (units, totals, bottom three,
 *                                 rubric); its form posts `from`
 *   POST /admin/years/Y/advance   advances only with `from` = the state
 *                                 the confirmation showed: without it
 *                                 the confirmation is shown again
 *                                 (nothing changes), a stale one is 409
 *   POST /admin/years/Y/reopen    one step back, reason required
 *   POST /admin/years/Y/units/add           one unit (draft)
 *   POST /admin/years/Y/units/rename        a new name (draft)
 *   POST /admin/years/Y/assign    the unit x inspector grid as a whole
 *                                 (cells `a` = "UNIT USER", rows `i` =
 *                                 the inspectors shown); answers with
 *                                 what changed
 *
 * The policy (WEB_A_ADMIN, routes.c) has decided who; the store checks
 * the year's state and audits every change.
 */
#include "web.h"
#include "kaohe/vec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the year's units by id and name ---------------------------------- */

typedef struct names {
    char **id, **name;
    size_t n, alloc;
} names;

static void names_free(names *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->id[i]);
        free(l->name[i]);
    }
    free(l->id);
    free(l->name);
    memset(l, 0, sizeof *l);
}

static kh_status names_add(names *l, const char *id, const char *name)
{
    /* Two arrays of one length: each grows from the common room. */
    size_t ai = l->alloc, an = l->alloc;
    if (KH_VEC_GROW(l->id, ai, l->n + 1, 32) != KH_OK ||
        KH_VEC_GROW(l->name, an, l->n + 1, 32) != KH_OK)
        return KH_ENOMEM;
    l->alloc = an;
    l->id[l->n] = strdup(id);
    l->name[l->n] = strdup(name);
    if (!l->id[l->n] || !l->name[l->n]) {
        free(l->id[l->n]);
        free(l->name[l->n]);
        return KH_ENOMEM;
    }
    l->n++;
    return KH_OK;
}

static kh_status unit_name_cb(void *ctx, const kh_unit_row *u)
{
    return names_add(ctx, u->id, u->name);
}

static kh_status inspector_cb(void *ctx, const kh_user_row *u)
{
    if (u->role != KH_ROLE_INSPECTOR || u->disabled)
        return KH_OK;
    /* by the display name; the login the admin typed when none is set */
    return names_add(ctx, u->name, u->display_name ? u->display_name
                                                   : u->name);
}

static const char *name_of(const names *l, const char *id)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->id[i], id) == 0)
            return l->name[i];
    return id;
}

/* The year's units and the enabled inspectors; false after a failure
 * (recorded on the request). */
static bool load_names(web_req *r, int year, names *units, names *insp)
{
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_unit_each(r->store, year, unit_name_cb,
                                          units, e)
                     : KH_ENOMEM;
    if (st == KH_OK && insp)
        st = kh_store_user_each(r->store, NULL, inspector_cb, insp, e);
    bool ok = web_store_check(r, st, e);
    kh_err_free(e);
    return ok;
}

static kh_status unit_select_cb(void *ctx, const kh_unit_row *u)
{
    kh_buf *o = ctx;
    kh_buf_puts(o, "<option value=\"");
    kh_html_attr(o, u->id);
    kh_buf_puts(o, "\">");
    kh_html_text(o, u->name);
    kh_buf_puts(o, "</option>");
    return kh_buf_status(o);
}

void web_unit_select(web_req *r, int year, const char *name)
{
    kh_buf *o = &r->out;
    kh_buf_puts(o, "<select name=\"");
    kh_html_attr(o, name);
    kh_buf_puts(o, "\" required>");
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_unit_each(r->store, year, unit_select_cb, o, e)
                     : KH_ENOMEM;
    web_store_check(r, st, e);
    kh_err_free(e);
    kh_buf_puts(o, "</select>");
}

/* ---- the confirmation of advancing -------------------------------------- */

static void year_back(int year, char *back, size_t sz)
{
    snprintf(back, sz, "/admin/years/%d", year);
}

/* Whose entries must be complete to leave state st: self entries leaving
 * self_check, inspection entries leaving inspection and review. */
static bool phase_due(kh_year_state st, kh_phase *p)
{
    if (st == KH_YEAR_SELF_CHECK)
        *p = KH_PHASE_SELF;
    else if (st == KH_YEAR_INSPECTION || st == KH_YEAR_REVIEW)
        *p = KH_PHASE_INSPECTION;
    else
        return false;
    return true;
}

/* One row of #incomplete: the unit, filled of applicable, the first
 * missing items. */
static void incomplete_row(kh_buf *o, const web_year *y, size_t u,
                           kh_phase p, size_t filled, size_t n)
{
    const kh_rubric *rb = y->rubric;
    size_t k = kh_assess_unit_kind(y->assess, u), shown = 0;
    kh_buf_puts(o, "<tr><td>");
    kh_html_text(o, kh_assess_unit_name(y->assess, u));
    kh_buf_printf(o, "</td><td class=\"num\">%zu / %zu</td><td>", filled, n);
    for (size_t i = 0; i < kh_rubric_item_count(rb); i++) {
        if (!kh_rubric_item_applies(rb, i, k) ||
            kh_assess_entry(y->assess, u, i, p))
            continue;
        if (shown++ == WEB_CONFIRM_ITEMS_SHOWN) {
            kh_buf_puts(o, W_("…"));
            break;
        }
        kh_buf_puts(o, shown > 1 ? W_(", ") : "");
        kh_html_text(o, kh_rubric_item_id(rb, i));
    }
    kh_buf_puts(o, "</td></tr>\n");
}

/* The units whose entries of phase p are not all filled; how many. */
static size_t incomplete_units(kh_buf *o, const web_year *y, kh_phase p)
{
    const kh_rubric *rb = y->rubric;
    size_t bad = 0;
    for (size_t u = 0; u < kh_assess_unit_count(y->assess); u++) {
        size_t k = kh_assess_unit_kind(y->assess, u), n = 0, filled = 0;
        for (size_t i = 0; i < kh_rubric_item_count(rb); i++) {
            if (!kh_rubric_item_applies(rb, i, k))
                continue;
            n++;
            filled += kh_assess_entry(y->assess, u, i, p) != NULL;
        }
        if (filled == n)
            continue;
        if (bad++ == 0)
            kh_buf_printf(o, "<table id=\"incomplete\"><thead><tr><th>%s</th>"
                             "<th>%s</th><th>%s</th></tr></thead><tbody>\n",
                          W_("Unit"), W_("Filled / applicable"),
                          W_("Items not filled"));
        incomplete_row(o, y, u, p, filled, n);
    }
    if (bad)
        kh_buf_puts(o, "</tbody></table>\n");
    return bad;
}

/* Ranking k as it would be frozen, the bottom rows marked (the rubric's
 * own bottom rule, else the last WEB_BOTTOM_SHOWN). */
static void publish_ranking(kh_buf *o, const web_year *y, size_t k)
{
    const kh_result *res = y->result;
    size_t rows = kh_result_ranking_rows(res, k);
    kh_buf_puts(o, "<h3>");
    kh_html_text(o, kh_rubric_ranking_name(y->rubric, k));
    kh_buf_printf(o, "</h3><table class=\"freeze-ranking\" id=\"freeze-"
                     "ranking-%zu\"><thead><tr><th>%s</th><th>%s</th><th>%s"
                     "</th><th></th></tr></thead><tbody>\n", k, W_("Rank"),
                  W_("Name"), W_("Total"));
    bool flagged = false;
    for (size_t i = 0; i < rows; i++)
        flagged |= kh_result_ranking_row(res, k, i)->bottom;
    for (size_t i = 0; i < rows; i++) {
        const kh_rank_row *row = kh_result_ranking_row(res, k, i);
        bool low = flagged ? row->bottom : i + WEB_BOTTOM_SHOWN >= rows;
        kh_buf_printf(o, "<tr%s><td class=\"num\">%u</td><td>",
                      low ? " class=\"bottom\"" : "", row->rank);
        kh_html_text(o, row->name);
        kh_buf_puts(o, "</td><td class=\"num\">");
        web_cp_out(o, row->score);
        kh_buf_printf(o, "</td><td>%s</td></tr>\n",
                      low ? W_("bottom of the ranking") : "");
    }
    kh_buf_puts(o, "</tbody></table>\n");
}

/* What publishing freezes: units, rubric, totals, the bottom three. */
static void publish_summary(web_req *r, const web_year *y)
{
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<section id=\"freeze\"><h2>%s</h2><p>", W_("What "
                  "publishing freezes"));
    kh_buf_printf(o, W_("%zu units; rubric: "),
                  kh_assess_unit_count(y->assess));
    web_rubric_label(o, y->rubric);
    kh_buf_printf(o, "%s</p><p>%s</p>", W_("."),
                  W_("Once published, the totals below are frozen and sealed "
                     "in the audit log: changing them needs a reopen with a "
                     "reason, which the audit log keeps."));
    for (size_t k = 0; y->result && k < kh_rubric_ranking_count(y->rubric);
         k++)
        publish_ranking(o, y, k);
    if (!y->result)
        kh_buf_printf(o, "<p class=\"msg error\">%s</p>",
                      W_("The results cannot be computed yet."));
    kh_buf_puts(o, "</section>\n");
}

/* The form that confirms: from = the state shown. */
static void confirm_form(web_req *r, const web_year *y, bool missing)
{
    kh_buf *o = &r->out;
    kh_year_state next = (kh_year_state)(y->state + 1);
    kh_buf_printf(o, "<form method=\"post\" action=\"/admin/years/%d/advance"
                     "\" id=\"advance-confirm\">", y->year);
    web_csrf_field(r);
    kh_buf_printf(o, "<input type=\"hidden\" name=\"from\" value=\"%s\">",
                  kh_year_state_name(y->state));
    if (y->state == KH_YEAR_REVIEW && missing)
        kh_buf_printf(o, "<p><label><input type=\"checkbox\" name=\""
                         "allow_missing\" value=\"1\"> %s</label></p>",
                      W_("Publish with the missing items scored 0"));
    kh_buf_printf(o, "<p><label>%s <input type=\"text\" name=\"reason\" "
                     "size=\"40\"></label></p><p><button type=\"submit\" "
                     "id=\"advance-yes\">", W_("Note (kept in the audit log)"));
    kh_buf_printf(o, W_("Confirm: move to %s"), kh_year_state_label(next));
    kh_buf_printf(o, "</button> <a href=\"/admin/years/%d\" id=\"advance-no"
                     "\">%s</a></p></form>\n", y->year, W_("Cancel"));
}

/* The confirmation page of advancing year (status 200). */
static void confirm_page(web_req *r, int year)
{
    web_year *y = NULL;
    kh_status st = web_year_get(r, year, &y);
    if (st == KH_ENOTFOUND) {
        web_error_page(r, 404, NULL);
        return;
    }
    if (st != KH_OK) {
        web_fail(r, st, NULL);
        return;
    }
    char title[96];
    snprintf(title, sizeof title, W_("Year %d: move to the next state?"),
             year);
    kh_buf_reset(&r->out);
    web_page_begin(r, title);
    kh_buf *o = &r->out;
    if (y->state >= KH_YEAR_CLOSED) {
        kh_buf_printf(o, "<p class=\"msg error\" id=\"msg\">%s</p>",
                      W_("This year is closed: it does not move on."));
    } else {
        kh_buf_printf(o, "<p id=\"advance-from\">");
        kh_buf_printf(o, W_("From %s to %s."), kh_year_state_label(y->state),
                      kh_year_state_label((kh_year_state)(y->state + 1)));
        kh_buf_puts(o, "</p>\n");
        kh_phase p;
        size_t bad = 0;
        if (phase_due(y->state, &p)) {
            kh_buf table;              /* the count goes above the list */
            kh_buf_init(&table, 0);
            kh_buf_puts(&table, "");
            bad = incomplete_units(&table, y, p);
            kh_buf_printf(o, "<p id=\"incomplete-count\" class=\"msg %s\">",
                          bad ? "error" : "ok");
            if (bad)
                kh_buf_printf(o, W_("%zu units have not filled every "
                                    "applicable item."), bad);
            else
                kh_buf_puts(o, W_("Every unit has filled every applicable "
                                  "item."));
            kh_buf_puts(o, "</p>\n");
            kh_buf_puts(o, kh_buf_str(&table));
            kh_buf_free(&table);
        }
        if (y->state == KH_YEAR_REVIEW)
            publish_summary(r, y);
        confirm_form(r, y, bad > 0);
    }
    web_page_end(r);
    web_year_put(r->app, y);
}

void web_page_advance_confirm(web_req *r, int year)
{
    confirm_page(r, year);
}

/* The outcome of a POST: back to the year page or the located errors. */
static void outcome(web_req *r, kh_status st, const kh_err *e, int year)
{
    char back[64];
    year_back(year, back, sizeof back);
    if (st == KH_ENOTFOUND) {
        web_error_page(r, 404, NULL);
    } else if (st == KH_OK) {
        char to[80];
        snprintf(to, sizeof to, "%s?ok=1", back);
        web_redirect(r, to);
    } else if (st == KH_ENOMEM || st == KH_EDB || st == KH_EIO) {
        web_fail(r, st, e);
    } else {
        web_admin_errors_page(r, st == KH_ECONFLICT ? 409 : 422,
                              W_("Not done"), e, back);
    }
}

/* The state the confirmation was shown for, checked against the year's
 * now: a second submit or a change by someone else is a conflict. */
static kh_status check_from(web_req *r, int year, const char *from,
                            kh_err *e)
{
    kh_year_state cur, want;
    kh_status st = kh_store_year_state(r->store, year, &cur, e);
    if (st != KH_OK)
        return st;
    if (!kh_year_state_parse(from, &want))
        return kh_err_at(e, 0, 0, "from", "unknown state \"%s\"", from);
    if (want != cur)
        return kh_err_fail(e, KH_ECONFLICT,
                           "the year moved from %s to %s since the "
                           "confirmation was shown: look again",
                           kh_year_state_label(want),
                           kh_year_state_label(cur));
    return KH_OK;
}

void web_post_advance(web_req *r, int year)
{
    char *from = web_form_get(r, "from");
    if (!from || !*from) {        /* not confirmed: ask, change nothing */
        free(from);
        confirm_page(r, year);
        return;
    }
    char *reason = web_form_get(r, "reason");
    char *allow = web_form_get(r, "allow_missing");
    kh_err *e = kh_err_new();
    kh_status st = e ? check_from(r, year, from, e) : KH_ENOMEM;
    if (st == KH_OK)
        st = kh_store_year_advance(r->store, r->sess.user, year,
                                   allow ? KH_ADVANCE_ALLOW_MISSING : 0u,
                                   reason && *reason ? reason : NULL, NULL,
                                   e);
    outcome(r, st == KH_ESTATE ? KH_EINVAL : st, e, year);
    kh_err_free(e);
    free(from);
    free(reason);
    free(allow);
}

void web_post_reopen(web_req *r, int year)
{
    char *reason = web_form_get(r, "reason");
    kh_err *e = kh_err_new();
    kh_status st = KH_ENOMEM;
    if (e && (!reason || !*reason))
        st = kh_err_at(e, 0, 0, "reason", "a reason is required to reopen "
                                          "a year");
    else if (e)
        st = kh_store_year_reopen(r->store, r->sess.user, year, reason, NULL,
                                  e);
    outcome(r, st == KH_ESTATE ? KH_EINVAL : st, e, year);
    kh_err_free(e);
    free(reason);
}

/* ---- one unit ------------------------------------------------------------- */

void web_post_unit_add(web_req *r, int year)
{
    char *f[4] = {web_form_get(r, "id"), web_form_get(r, "name"),
                  web_form_get(r, "kind"), web_form_get(r, "branch")};
    kh_unit_add u = {f[0], f[1], f[2], f[3]};
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_unit_add(r->store, r->sess.user, year, &u, e)
                     : KH_ENOMEM;
    outcome(r, st == KH_ESTATE ? KH_EINVAL : st, e, year);
    kh_err_free(e);
    for (int i = 0; i < 4; i++)
        free(f[i]);
}

void web_post_unit_rename(web_req *r, int year)
{
    char *id = web_form_get(r, "id");
    char *name = web_form_get(r, "name");
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_unit_rename(r->store, r->sess.user, year,
                                            id ? id : "", name ? name : "", e)
                     : KH_ENOMEM;
    outcome(r, st == KH_ESTATE ? KH_EINVAL : st, e, year);
    kh_err_free(e);
    free(id);
    free(name);
}

/* ---- the assignment grid ------------------------------------------------ */

/* "UNIT USER" pairs assigned now (each malloc'd). */
typedef struct pairs {
    char **p;
    size_t n, alloc;
} pairs;

static void pairs_free(pairs *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->p[i]);
    free(l->p);
    memset(l, 0, sizeof *l);
}

static bool pairs_has(const pairs *l, const char *unit, const char *user)
{
    size_t ul = strlen(unit);
    for (size_t i = 0; i < l->n; i++)
        if (strncmp(l->p[i], unit, ul) == 0 && l->p[i][ul] == ' ' &&
            strcmp(l->p[i] + ul + 1, user) == 0)
            return true;
    return false;
}

static kh_status pair_cb(void *ctx, const kh_assign_row *a)
{
    pairs *l = ctx;
    if (KH_VEC_GROW(l->p, l->alloc, l->n + 1, 32) != KH_OK)
        return KH_ENOMEM;

    char *s = NULL;
    if (asprintf(&s, "%s %s", a->unit, a->user) < 0)
        return KH_ENOMEM;
    l->p[l->n++] = s;
    return KH_OK;
}

static bool load_pairs(web_req *r, int year, pairs *l)
{
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_assign_each(r->store, NULL, year, pair_cb, l,
                                            e)
                     : KH_ENOMEM;
    bool ok = web_store_check(r, st, e);
    kh_err_free(e);
    return ok;
}

/* One grid row: a unit, a checkbox per inspector showing the state. */
static void grid_row(kh_buf *o, const names *units, size_t u,
                     const names *insp, const pairs *now)
{
    kh_buf_puts(o, "<tr><th scope=\"row\">");
    kh_html_text(o, units->name[u]);
    kh_buf_puts(o, "</th>");
    for (size_t j = 0; j < insp->n; j++) {
        bool on = pairs_has(now, units->id[u], insp->id[j]);
        kh_buf_puts(o, "<td><input type=\"checkbox\" name=\"a\" value=\"");
        kh_html_attr(o, units->id[u]);
        kh_buf_putc(o, ' ');
        kh_html_attr(o, insp->id[j]);
        kh_buf_puts(o, "\" aria-label=\"");
        kh_html_attr(o, units->name[u]);
        kh_buf_puts(o, W_(" / "));
        kh_html_attr(o, insp->name[j]);
        kh_buf_printf(o, "\"%s></td>", on ? " checked" : "");
    }
    kh_buf_puts(o, "</tr>\n");
}

/* An inspector's column: the display name; without one (the name is
 * the login) the login, marked, with a link to the users page where the
 * name is set. */
static void grid_head(kh_buf *o, const char *login, const char *name)
{
    kh_buf_puts(o, "<th scope=\"col\">");
    if (strcmp(login, name) != 0) {
        kh_html_text(o, name);
    } else {
        kh_buf_printf(o, "%s", W_("Login "));
        kh_html_text(o, login);
        kh_buf_puts(o, "<br><a class=\"set-name\" href=\"/admin/users#user-");
        kh_html_attr(o, login);
        kh_buf_printf(o, "\">%s</a>", W_("set a name"));
    }
    kh_buf_puts(o, "</th>");
}

void web_assign_grid(web_req *r, int year)
{
    names units = {0}, insp = {0};
    pairs now = {0};
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<h2>%s</h2>", W_("Inspectors and their units"));
    if (!load_names(r, year, &units, &insp) || !load_pairs(r, year, &now))
        goto out;
    if (!insp.n) {
        kh_buf_printf(o, "<p id=\"assign-none\">%s</p>",
                      W_("No inspector yet: add users with the role "
                         "inspector first."));
        goto out;
    }
    kh_buf_printf(o, "<form method=\"post\" action=\"/admin/years/%d/assign"
                     "\" id=\"assign\">", year);
    web_csrf_field(r);
    for (size_t j = 0; j < insp.n; j++) {
        kh_buf_puts(o, "<input type=\"hidden\" name=\"i\" value=\"");
        kh_html_attr(o, insp.id[j]);
        kh_buf_puts(o, "\">");
    }
    kh_buf_printf(o, "<div class=\"wide\"><table id=\"assign-grid\"><thead>"
                     "<tr><th>%s</th>", W_("Unit"));
    for (size_t j = 0; j < insp.n; j++)
        grid_head(o, insp.id[j], insp.name[j]);
    kh_buf_puts(o, "</tr></thead><tbody>\n");
    for (size_t u = 0; u < units.n; u++)
        grid_row(o, &units, u, &insp, &now);
    kh_buf_printf(o, "</tbody></table></div><button type=\"submit\">%s"
                     "</button></form>\n", W_("Save the assignments"));
out:
    names_free(&units);
    names_free(&insp);
    pairs_free(&now);
}

/* The posted grid as one set per inspector row (units borrowed from
 * cells, whose values are cut at their space). */
typedef struct grid_in {
    char *rows[WEB_ASSIGN_MAX], *cells[WEB_ASSIGN_MAX];
    size_t nrows, ncells;
    kh_assign_set *sets;
    const char **units;
} grid_in;

static void grid_in_free(grid_in *g)
{
    for (size_t i = 0; i < g->nrows && i < WEB_ASSIGN_MAX; i++)
        free(g->rows[i]);
    for (size_t i = 0; i < g->ncells && i < WEB_ASSIGN_MAX; i++)
        free(g->cells[i]);
    free(g->sets);
    free(g->units);
}

/* Groups the checked cells by inspector: sets[j] for rows[j]. */
static kh_status grid_sets(grid_in *g, kh_err *e)
{
    if (g->nrows > WEB_ASSIGN_MAX || g->ncells > WEB_ASSIGN_MAX)
        return kh_err_at(e, 0, 0, "a", "the grid has more than %d cells",
                         WEB_ASSIGN_MAX);
    g->sets = calloc(g->nrows + 1, sizeof *g->sets);
    g->units = calloc(g->ncells + 1, sizeof *g->units);
    if (!g->sets || !g->units)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    size_t k = 0;
    for (size_t j = 0; j < g->nrows; j++) {
        if (!g->rows[j])
            return kh_err_at(e, 0, 0, "i", "a malformed inspector");
        g->sets[j].user = g->rows[j];
        g->sets[j].units = g->units + k;
        for (size_t c = 0; c < g->ncells; c++) {
            char *sp = g->cells[c] ? strchr(g->cells[c], ' ') : NULL;
            if (!sp)
                return kh_err_at(e, 0, 0, "a", "a malformed grid cell");
            if (strcmp(sp + 1, g->rows[j]) != 0)
                continue;
            *sp = '\0';           /* the unit, borrowed by the set */
            g->units[k++] = g->cells[c];
            g->sets[j].n++;
            *sp = ' ';
        }
    }
    return KH_OK;
}

/* The store takes the units as strings: cut each cell at its space for
 * the call, and restore after. */
static kh_status grid_save(web_req *r, int year, grid_in *g, kh_err *e)
{
    for (size_t c = 0; c < g->ncells; c++)
        *strchr(g->cells[c], ' ') = '\0';
    kh_status st = kh_store_assign_grid(r->store, r->sess.user, year,
                                        g->nrows, g->sets, e);
    for (size_t c = 0; c < g->ncells; c++)
        g->cells[c][strlen(g->cells[c])] = ' ';
    return st;
}

/* One list of the diff: pairs in a but not in b. */
static size_t diff_list(kh_buf *o, const char *id, const char *label,
                        const pairs *a, const pairs *b, const names *units,
                        const names *insp)
{
    size_t n = 0;
    kh_buf_printf(o, "<h2>%s</h2><ul id=\"%s\">", label, id);
    for (size_t i = 0; i < a->n; i++) {
        char *sp = strchr(a->p[i], ' ');
        *sp = '\0';
        if (!pairs_has(b, a->p[i], sp + 1)) {
            kh_buf_puts(o, "<li>");
            kh_html_text(o, name_of(insp, sp + 1));
            kh_buf_puts(o, W_(" — "));
            kh_html_text(o, name_of(units, a->p[i]));
            kh_buf_puts(o, "</li>");
            n++;
        }
        *sp = ' ';
    }
    if (!n)
        kh_buf_printf(o, "<li>%s</li>", W_("none"));
    kh_buf_puts(o, "</ul>\n");
    return n;
}

/* The page after saving: what was added and removed. */
static void grid_done(web_req *r, int year, const pairs *before)
{
    names units = {0}, insp = {0};
    pairs after = {0};
    if (!load_names(r, year, &units, &insp) || !load_pairs(r, year, &after))
        goto out;
    web_page_begin(r, W_("Assignments saved"));
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<p class=\"msg ok\" id=\"msg\">%s</p>",
                  W_("The assignments are saved."));
    diff_list(o, "assign-added", W_("Added"), &after, before, &units, &insp);
    diff_list(o, "assign-removed", W_("Removed"), before, &after, &units,
              &insp);
    kh_buf_printf(o, "<p><a id=\"back\" href=\"/admin/years/%d\">%s</a></p>",
                  year, W_("Back to the year"));
    web_page_end(r);
out:
    names_free(&units);
    names_free(&insp);
    pairs_free(&after);
}

void web_post_assign(web_req *r, int year)
{
    grid_in *g = calloc(1, sizeof *g);
    pairs before = {0};
    kh_err *e = kh_err_new();
    kh_status st = g && e ? KH_OK : KH_ENOMEM;
    if (st == KH_OK) {
        g->nrows = web_form_values(r, "i", g->rows, WEB_ASSIGN_MAX);
        g->ncells = web_form_values(r, "a", g->cells, WEB_ASSIGN_MAX);
        st = g->nrows ? grid_sets(g, e)
                      : kh_err_at(e, 0, 0, "i", "the grid lists no inspector");
    }
    if (st == KH_OK && !load_pairs(r, year, &before))
        st = KH_EDB;           /* recorded on the request */
    if (st == KH_OK)
        st = grid_save(r, year, g, e);
    if (st == KH_OK)
        grid_done(r, year, &before);
    else if (st != KH_EDB || kh_err_count(e))
        outcome(r, st, e, year);
    pairs_free(&before);
    if (g)
        grid_in_free(g);
    free(g);
    kh_err_free(e);
}
