/*
 * web_onsite.c - the on-site inspection pages (docs/ONSITE.md):
 *
 *   GET  /years/Y/visits          the visits of a year: admin and auditor
 *                                 all units (sortable by date, ?sort=desc),
 *                                 admin with the planning form; an
 *                                 inspector the timetable of their own
 *                                 visits; a unit user its own visit
 *                                 (date, place, team) once planned
 *   POST /years/Y/visits          admin: plans a visit (#visit-add: unit,
 *                                 at, place, lead, members, planned)
 *   GET  /years/Y/visits/print    the printable timetable (考核安排表, A4
 *                                 through the print stylesheet)
 *   GET  /years/Y/visits/ID       a visit's records and findings: admin
 *                                 and auditor with interviewees' names
 *                                 (each such read audited by the store),
 *                                 an inspector of the team or of the
 *                                 unit without names; unit users never
 *
 * and, on the inspection form, the findings heard on site about an item
 * (web_onsite_findings).
 */
#include "web.h"

#include <inttypes.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/store_onsite.h"
#include "kaohe/utf8.h"
#include "kaohe/vec.h"

/* Rows of the visits table, kept so they can be shown in either order. */
typedef struct vrows {
    kh_buf *rows;
    size_t n, a;
    bool links;       /* link each visit to its records */
    bool oom;
} vrows;

static kh_status vrow(void *ctx, const kh_visit_row *v)
{
    vrows *l = ctx;
    if (KH_VEC_GROW(l->rows, l->a, l->n + 1, 16) != KH_OK)
        return KH_ENOMEM;

    kh_buf *o = &l->rows[l->n++];
    kh_buf_init(o, 0);
    char planned[128], used[128];
    kh_methods_label(v->planned, planned, sizeof planned);
    kh_methods_label(v->used, used, sizeof used);
    kh_buf_printf(o, "<tr id=\"visit-%" PRId64 "\"><td>", v->id);
    web_day_out(o, v->at);   /* China time, as people write it */
    kh_buf_puts(o, "</td><td>");
    kh_html_text(o, v->unit_name);
    kh_buf_puts(o, "</td><td>");
    kh_html_text(o, v->place);
    kh_buf_printf(o, "</td><td>%s ", W_("lead"));
    kh_html_text(o, v->lead);
    if (*v->members) {
        kh_buf_printf(o, "%s ", W_("; members"));
        kh_html_text(o, v->members);
    }
    kh_buf_puts(o, "</td><td>");
    kh_html_text(o, planned);
    kh_buf_puts(o, "</td><td>");
    kh_html_text(o, used);
    kh_buf_puts(o, "</td>");
    if (l->links)
        kh_buf_printf(o, "<td class=\"noprint\"><a href=\"/years/%d/visits/%"
                         PRId64 "\">%s</a></td>", v->year, v->id,
                      W_("Records"));
    kh_buf_puts(o, "</tr>\n");
    return kh_buf_status(o);
}

static void vrows_free(vrows *l)
{
    for (size_t i = 0; i < l->n; i++)
        kh_buf_free(&l->rows[i]);
    free(l->rows);
}

/* The visits a user may see: all (admin, auditor), their own team's
 * (inspector) or their unit's (unit user). */
static kh_status visits_for(web_req *r, int year, bool print, vrows *l,
                            kh_err *e)
{
    const char *insp = NULL, *unit = NULL;
    if (r->sess.role == KH_ROLE_INSPECTOR)
        insp = r->sess.user;
    else if (r->sess.role == KH_ROLE_UNIT)
        unit = r->sess.unit;
    l->links = !print && r->sess.role != KH_ROLE_UNIT;
    return kh_store_visit_each(r->store, year, insp, unit, 0, vrow, l, e);
}

static void table_out(kh_buf *o, const vrows *l, bool desc, int year,
                      bool sortable)
{
    kh_buf_puts(o, "<table id=\"visits\" class=\"cards\"><thead><tr><th>");
    if (sortable)
        kh_buf_printf(o, "<a href=\"/years/%d/visits%s\" id=\"sort-date\">"
                         "%s%s</a>", year, desc ? "" : "?sort=desc",
                      W_("Time"), desc ? " ↓" : " ↑");
    else
        kh_buf_puts(o, W_("Time"));
    kh_buf_printf(o, "</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                     "<th>%s</th>", W_("Unit"), W_("Place"), W_("Team"),
                  W_("Methods planned"), W_("Methods used"));
    if (l->links)
        kh_buf_puts(o, "<th class=\"noprint\"></th>");
    kh_buf_puts(o, "</tr></thead><tbody>\n");
    for (size_t i = 0; i < l->n; i++) {
        const kh_buf *row = &l->rows[desc ? l->n - 1 - i : i];
        kh_buf_add(o, row->data ? row->data : "", row->len);
    }
    kh_buf_puts(o, "</tbody></table>\n");
}

/* ---- pickers: names shown, ids sent ---------------------------------- */

/* What a picker writes into: the page, and the field's name. */
typedef struct picker {
    kh_buf *o;
    const char *field;
    size_t n;
} picker;

static kh_status unit_option(void *ctx, const kh_unit_row *u)
{
    picker *p = ctx;
    kh_buf_puts(p->o, "<option value=\"");
    kh_html_attr(p->o, u->id);
    kh_buf_puts(p->o, "\">");
    kh_html_text(p->o, u->name);
    kh_buf_puts(p->o, "</option>");
    p->n++;
    return kh_buf_status(p->o);
}

static kh_status person_option(void *ctx, const kh_person_row *row)
{
    picker *p = ctx;
    kh_buf_puts(p->o, "<option value=\"");
    kh_html_attr(p->o, row->login);
    kh_buf_puts(p->o, "\">");
    kh_html_text(p->o, row->name);
    kh_buf_puts(p->o, "</option>");
    p->n++;
    return kh_buf_status(p->o);
}

static kh_status person_box(void *ctx, const kh_person_row *row)
{
    picker *p = ctx;
    kh_buf_printf(p->o, "<label class=\"check\"><input type=\"checkbox\" "
                        "name=\"%s\" value=\"", p->field);
    kh_html_attr(p->o, row->login);
    kh_buf_puts(p->o, "\"> ");
    kh_html_text(p->o, row->name);
    kh_buf_puts(p->o, "</label> ");
    p->n++;
    return kh_buf_status(p->o);
}

/* <label>LABEL <select name=FIELD required>: the first option asks to
 * choose. */
static void select_open(kh_buf *o, const char *label, const char *field)
{
    kh_buf_printf(o, "<label>%s <select name=\"%s\" required><option "
                     "value=\"\">%s</option>", label, field,
                  W_("(choose)"));
}

/* The planning form (admin): units and inspectors by name. */
static void add_form(web_req *r, int year)
{
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<h2>%s</h2><form method=\"post\" action=\""
                     "/years/%d/visits\" id=\"visit-add\">",
                  W_("Plan a visit"), year);
    web_csrf_field(r);
    kh_err *e = kh_err_new();
    picker p = {o, "unit", 0};
    select_open(o, W_("Unit"), "unit");
    kh_status st = e ? kh_store_unit_each(r->store, year, unit_option, &p, e)
                     : KH_ENOMEM;
    kh_buf_printf(o, "</select></label> <label>%s <input type=\""
                     "datetime-local\" name=\"at\" required></label> <label>"
                     "%s <input type=\"text\" name=\"place\" required>"
                     "</label> ", W_("Time"), W_("Place"));
    select_open(o, W_("Team lead"), "lead");
    p.field = "lead";
    if (st == KH_OK)
        st = kh_store_year_inspectors(r->store, year, person_option, &p, e);
    kh_buf_printf(o, "</select></label><fieldset id=\"members\"><legend>%s"
                     "</legend>", W_("Team members"));
    p.field = "members";
    if (st == KH_OK)
        st = kh_store_year_inspectors(r->store, year, person_box, &p, e);
    web_store_check(r, st, e);
    kh_err_free(e);
    kh_buf_printf(o, "</fieldset><fieldset><legend>%s</legend>",
                  W_("Methods planned"));
    const char *methods[][2] = {{"symposium", W_("symposium")},
                                {"documents", W_("reading documents")},
                                {"questionnaire", W_("questionnaire")},
                                {"interview", W_("individual interviews")}};
    for (size_t i = 0; i < 4; i++)
        kh_buf_printf(o, "<label class=\"check\"><input type=\"checkbox\" "
                         "name=\"planned\" value=\"%s\"> %s</label> ",
                      methods[i][0], methods[i][1]);
    kh_buf_printf(o, "</fieldset><button type=\"submit\">%s</button>"
                     "</form>\n", W_("Save"));
}

void web_visits_page(web_req *r, int year, kh_year_state state, bool print)
{
    if (!web_may(r, print ? WEB_A_READ_ALL : WEB_A_SIGNED_IN, year, NULL)) {
        web_refuse_page(r, "visits page: role");
        return;
    }
    kh_err *e = kh_err_new();
    vrows l = {0};
    kh_status st = e ? visits_for(r, year, print, &l, e) : KH_ENOMEM;
    if (!web_store_check(r, st, e))
        goto out;
    const char *sort = MHD_lookup_connection_value(r->conn,
                                                   MHD_GET_ARGUMENT_KIND,
                                                   "sort");
    bool desc = sort && strcmp(sort, "desc") == 0;
    char title[64];
    bool unit = r->sess.role == KH_ROLE_UNIT;
    snprintf(title, sizeof title,
             print ? W_("Inspection timetable %d")
             : unit ? W_("On-site inspection plan %d")
                    : W_("On-site inspection %d"), year);
    web_page_begin(r, title);
    kh_buf *o = &r->out;
    if (MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "ok"))
        web_msg_box(o, "ok", W_("Saved."));
    if (!print && web_may(r, WEB_A_READ_ALL, year, NULL))
        kh_buf_printf(o, "<nav class=\"noprint\"><a href=\"/years/%d/visits/"
                         "print\" id=\"link-visits-print\">%s</a></nav>\n",
                      year, W_("Inspection timetable (to print)"));
    if (r->sess.role == KH_ROLE_INSPECTOR)
        kh_buf_printf(o, "<h2>%s</h2>\n", W_("My visits"));
    if (l.n == 0)
        web_msg_box(o, "", unit ? W_("Your unit's visit is not planned yet.")
                                : W_("No visit is planned yet."));
    else
        table_out(o, &l, desc, year, !print && !unit);
    if (!print && r->sess.role == KH_ROLE_ADMIN &&
        state <= KH_YEAR_INSPECTION)
        add_form(r, year);
    web_page_end(r);
out:
    vrows_free(&l);
    kh_err_free(e);
}

/* Turns the full-width separators "，" and "；" into ',' in place, so
 * that a list can be split on ASCII bytes (strtok on a multi-byte
 * separator would cut characters that share its bytes). */
static void ascii_separators(char *s)
{
    char *w = s;
    for (const char *p = s; *p;) {
        if (strncmp(p, "，", 3) == 0 || strncmp(p, "；", 3) == 0) {
            *w++ = ',';
            p += 3;
        } else {
            *w++ = *p++;
        }
    }
    *w = '\0';
}

/* Splits "a, b c" into at most max names (pointers into s, modified). */
static size_t split_names(char *s, const char **out, size_t max)
{
    size_t n = 0;
    char *save = NULL;
    ascii_separators(s);
    for (char *tok = strtok_r(s, ", ", &save); tok;
         tok = strtok_r(NULL, ", ", &save)) {
        if (n == max)
            return max + 1;
        out[n++] = tok;
    }
    return n;
}

/* The methods checked in the form, as bits (errors on e). */
static unsigned planned_of(web_req *r, kh_err *e)
{
    char *vals[8] = {0};
    size_t n = web_form_values(r, "planned", vals, 4);
    unsigned bits = 0;
    for (size_t i = 0; i < n && i < 4; i++) {
        unsigned b = 0;
        if (kh_methods_parse(vals[i] ? vals[i] : "?", "planned", &b, e) ==
            KH_OK)
            bits |= b;
    }
    if (n > 4)
        kh_err_at(e, 0, 0, "planned", "a method is named twice");
    for (size_t i = 0; i < 4; i++)
        free(vals[i]);
    return bits;
}

void web_visit_add(web_req *r, int year)
{
    if (!web_may(r, WEB_A_ADMIN, year, NULL)) {
        web_refuse_page(r, "visit planning: role");
        return;
    }
    kh_err *e = kh_err_new();
    char *unit = web_form_get(r, "unit"), *at = web_form_get(r, "at"),
         *place = web_form_get(r, "place"), *lead = web_form_get(r, "lead");
    char *picked[KH_ONSITE_MEMBERS_MAX + 1] = {0};
    size_t npicked = web_form_values(r, "members", picked,
                                     KH_ONSITE_MEMBERS_MAX);
    kh_status st = e ? KH_OK : KH_ENOMEM;
    if (st == KH_OK) {
        /* datetime-local sends "YYYY-MM-DDTHH:MM". */
        if (at && strlen(at) == KH_ONSITE_TIME_SZ - 1 && at[10] == 'T')
            at[10] = ' ';
        const char *names[KH_ONSITE_MEMBERS_MAX + 1];
        size_t n = 0;   /* each box, or a list typed by a script */
        for (size_t i = 0; i < npicked && n <= KH_ONSITE_MEMBERS_MAX; i++)
            if (picked[i])
                n += split_names(picked[i], names + n,
                                 KH_ONSITE_MEMBERS_MAX - n);
        if (npicked > KH_ONSITE_MEMBERS_MAX)
            n = KH_ONSITE_MEMBERS_MAX + 1;
        if (n > KH_ONSITE_MEMBERS_MAX)
            kh_err_at(e, 0, 0, "members", "at most %d team members",
                      KH_ONSITE_MEMBERS_MAX);
        kh_visit_spec v = {.year = year, .unit = unit, .at = at,
                           .place = place, .lead = lead, .members = names,
                           .nmembers = n > KH_ONSITE_MEMBERS_MAX ? 0 : n,
                           .set_members = true};
        v.planned = planned_of(r, e);
        v.refused = kh_err_errors(e) > 0;
        st = kh_store_visit_add(r->store, r->sess.user, &v, NULL, e);
    }
    char back[64];
    snprintf(back, sizeof back, "/years/%d/visits", year);
    if (st == KH_OK) {
        char ok[80];
        snprintf(ok, sizeof ok, "%s?ok=1", back);
        web_redirect(r, ok);
    } else if (st == KH_ENOMEM || st == KH_EDB || st == KH_EIO) {
        web_fail(r, st, e);
    } else {
        web_errors_page(r, st == KH_ESTATE ? 409 : 422,
                        W_("The visit was not planned"), e,
                        back);
    }
    free(unit);
    free(at);
    free(place);
    free(lead);
    for (size_t i = 0; i < KH_ONSITE_MEMBERS_MAX + 1; i++)
        free(picked[i]);
    kh_err_free(e);
}

/* May the user write the records of visit id (admin, or an inspector of
 * its team)?  False with the failure recorded on a store error. */
static bool may_record(web_req *r, int64_t id)
{
    if (r->sess.role == KH_ROLE_ADMIN)
        return true;
    if (r->sess.role != KH_ROLE_INSPECTOR)
        return false;
    kh_err *e = kh_err_new();
    bool in = false;
    kh_status st = e ? kh_store_visit_in_team(r->store, id, r->sess.user, &in,
                                              e)
                     : KH_ENOMEM;
    if (!web_store_check(r, st, e))
        in = false;
    kh_err_free(e);
    return in;
}

/* The visit's unit when it belongs to year (found false otherwise). */
typedef struct vfind {
    bool found;
    char unit[KH_ONSITE_SHORT_MAX + 1];
} vfind;

static kh_status vfind_cb(void *ctx, const kh_visit_row *v)
{
    vfind *f = ctx;
    f->found = true;
    snprintf(f->unit, sizeof f->unit, "%s", v->unit);
    return KH_OK;
}

void web_visit_records(web_req *r, int year, kh_year_state state,
                       const char *arg)
{
    char *end;
    long long id = arg ? strtoll(arg, &end, 10) : 0;
    kh_err *e = kh_err_new();
    vfind f = {0};
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st = !e ? KH_ENOMEM : id > 0 && !*end
                       ? kh_store_visit_each(r->store, year, NULL, NULL,
                                             (int64_t)id, vfind_cb, &f, e)
                       : KH_OK;
    if (!web_store_check(r, st, e))
        goto out;
    if (!f.found) {
        web_error_page(r, 404, NULL);
        goto out;
    }
    bool in_team = false;
    kh_onsite_reader who = KH_ONSITE_NAMES;
    if (r->sess.role == KH_ROLE_INSPECTOR) {
        st = kh_store_visit_in_team(r->store, (int64_t)id, r->sess.user,
                                    &in_team, e);
        if (!web_store_check(r, st, e))
            goto out;
        if (!in_team && !web_may(r, WEB_A_INSPECTION_READ, year, f.unit)) {
            web_refuse_page(r, "visit records: not the unit's inspector");
            goto out;
        }
        who = KH_ONSITE_NO_NAMES;
    } else if (!web_may(r, WEB_A_READ_ALL, year, NULL)) {
        web_refuse_page(r, "visit records: role");
        goto out;
    }
    st = kh_store_onsite_report(r->store, r->sess.user, (int64_t)id, who, &b,
                                e);
    if (!web_store_check(r, st, e))
        goto out;
    char title[80];
    snprintf(title, sizeof title, W_("Records of visit %lld"), id);
    web_page_begin(r, title);
    kh_buf *o = &r->out;
    if (MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "ok"))
        web_msg_box(o, "ok", W_("Saved."));
    if (who == KH_ONSITE_NO_NAMES)
        web_msg_box(o, "", W_("Interviewees' names are shown to admins and "
                              "auditors only."));
    if (b.len == 0)
        web_msg_box(o, "", W_("No symposium or interview recorded yet."));
    else {
        kh_buf_puts(o, "<pre id=\"records\" class=\"records\">");
        kh_html_text(o, kh_buf_str(&b));
        kh_buf_puts(o, "</pre>\n");
    }
    if (may_record(r, (int64_t)id) && state >= KH_YEAR_INSPECTION &&
        state <= KH_YEAR_REVIEW)
        web_visit_forms(r, year, (int64_t)id);
    kh_buf_printf(o, "<nav><a href=\"/years/%d/visits\">%s</a></nav>\n",
                  year, W_("Back to the visits"));
    web_page_end(r);
out:
    kh_buf_free(&b);
    kh_err_free(e);
}

typedef struct fctx {
    kh_buf *o;
    size_t n;
} fctx;

static kh_status finding_li(void *ctx, const kh_finding_row *f)
{
    fctx *c = ctx;
    if (c->n++ == 0)
        kh_buf_printf(c->o, "%s<ul>", W_("Heard on site: "));
    kh_buf_puts(c->o, "<li>");
    kh_html_text(c->o, f->date);
    kh_buf_putc(c->o, ' ');
    kh_buf_puts(c->o, strcmp(f->source, "symposium") == 0
                          ? W_("symposium") : W_("individual interviews"));
    if (f->dir != KH_FINDING_PLAIN) {
        kh_buf_puts(c->o, "（");
        kh_html_text(c->o, kh_finding_dir_label(f->dir));
        kh_buf_puts(c->o, "）");
    }
    kh_buf_puts(c->o, "：");
    kh_html_text(c->o, f->text);
    kh_buf_puts(c->o, "</li>");
    return KH_OK;
}

void web_onsite_findings(web_req *r, int year, const char *unit,
                         const char *item, kh_buf *o)
{
    kh_err *e = kh_err_new();
    kh_buf_puts(o, "<div class=\"std findings\" id=\"findings-");
    kh_html_attr(o, item);
    kh_buf_puts(o, "\">");
    fctx c = {o, 0};
    kh_status st = e ? kh_store_finding_each(r->store, year, unit, item,
                                             finding_li, &c, e)
                     : KH_ENOMEM;
    if (web_store_check(r, st, e) && c.n)
        kh_buf_puts(o, "</ul>");
    kh_buf_puts(o, "</div>");
    kh_err_free(e);
}

/* ---- recording (a team member or admin) ------------------------------ */

/* <option>s of the year's rubric items ("2.2 支部书记……", value the id). */
static void item_options(web_req *r, int year, kh_buf *o)
{
    web_year *y = NULL;
    kh_status st = web_year_get(r, year, &y);
    if (!web_store_check(r, st, NULL) || !y)
        return;
    for (size_t i = 0; i < kh_rubric_item_count(y->rubric); i++) {
        const char *id = kh_rubric_item_id(y->rubric, i);
        const char *text = kh_rubric_item_text(y->rubric, i);
        kh_buf_puts(o, "<option value=\"");
        kh_html_attr(o, id);
        kh_buf_puts(o, "\">");
        kh_html_text(o, id);
        kh_buf_putc(o, ' ');
        /* the first 20 characters of its text: enough to know it */
        const char *end = text;
        for (int k = 0; *end && k < 20; k++) {
            size_t len = kh_utf8_len((const unsigned char *)end);
            end += len ? len : 1;
        }
        kh_buf t;
        kh_buf_init(&t, 0);
        kh_buf_add(&t, text, (size_t)(end - text));
        kh_html_text(o, kh_buf_str(&t));
        kh_buf_free(&t);
        kh_buf_puts(o, *end ? "…</option>" : "</option>");
    }
    web_year_put(r->app, y);
}

/* A correction form's number field: which record (as the records above
 * show it, #N). */
static void number_field(kh_buf *o, const char *label)
{
    kh_buf_printf(o, "<label>%s <input type=\"number\" name=\"record\" "
                     "min=\"1\" required></label> ", label);
}

/* The symposium form: a new record, or (edit) a correction of record N,
 * every field written again. */
static void symposium_form(web_req *r, int year, int64_t id, bool edit)
{
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<h2>%s</h2><form method=\"post\" action=\""
                     "/years/%d/visits/%" PRId64 "/symposiums%s\" "
                     "id=\"symposium-%s\">",
                  edit ? W_("Correct a symposium record")
                       : W_("Record a symposium"),
                  year, id, edit ? "/edit" : "", edit ? "edit" : "add");
    web_csrf_field(r);
    if (edit)
        number_field(o, W_("Symposium record number"));
    kh_buf_printf(o,
                  "<label>%s <input type=\"date\" name=\"date\" required>"
                  "</label> <label>%s <input type=\"text\" name=\"place\" "
                  "required></label> <label>%s <input type=\"text\" "
                  "name=\"host\" required></label> <label>%s <input "
                  "type=\"text\" name=\"recorder\" required></label> <label>"
                  "%s <input type=\"text\" name=\"groups\" required></label>"
                  "<label>%s <textarea name=\"outline\" rows=\"3\" "
                  "cols=\"60\" required></textarea></label><label>%s "
                  "<textarea name=\"minutes\" rows=\"5\" cols=\"60\" "
                  "required></textarea></label><button type=\"submit\">%s"
                  "</button></form>\n",
                  W_("Date"), W_("Place"), W_("Host"), W_("Recorder"),
                  W_("Attendees (each group \"label=count\", separated by "
                     "commas)"),
                  W_("Outline"), W_("Minutes"), W_("Save"));
}

static void interview_form(web_req *r, int year, int64_t id, bool edit)
{
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<h2>%s</h2><form method=\"post\" action=\""
                     "/years/%d/visits/%" PRId64 "/interviews%s\" "
                     "id=\"interview-%s\">",
                  edit ? W_("Correct an interview record")
                       : W_("Record an individual interview"),
                  year, id, edit ? "/edit" : "", edit ? "edit" : "add");
    web_csrf_field(r);
    if (edit)
        number_field(o, W_("Interview record number"));
    kh_buf_printf(o, "<label>%s <input type=\"text\" name=\"category\" "
                     "required></label> <label>%s <input type=\"text\" "
                     "name=\"name\"></label> ", W_("Interviewee category"),
                  W_("Name (optional)"));
    kh_err *e = kh_err_new();
    picker p = {o, "interviewer", 0};
    select_open(o, W_("Interviewer"), "interviewer");
    kh_status st = e ? kh_store_visit_team_each(r->store, id, person_option,
                                                &p, e)
                     : KH_ENOMEM;
    kh_buf_puts(o, "</select></label> ");
    select_open(o, W_("Recorder"), "recorder");
    if (st == KH_OK)
        st = kh_store_visit_team_each(r->store, id, person_option, &p, e);
    web_store_check(r, st, e);
    kh_err_free(e);
    kh_buf_printf(o, "</select></label> <label>%s <input type=\""
                     "datetime-local\" name=\"start\" required></label> "
                     "<label>%s <input type=\"datetime-local\" name=\"end\" "
                     "required></label> <label>%s <input type=\"text\" "
                     "name=\"place\" required></label><label>%s <textarea "
                     "name=\"summary\" rows=\"4\" cols=\"60\" required>"
                     "</textarea></label><button type=\"submit\">%s</button>"
                     "</form>\n",
                  W_("Start"), W_("End"), W_("Place"), W_("Summary"),
                  W_("Save"));
}

static void finding_form(web_req *r, int year, int64_t id)
{
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<h2>%s</h2><form method=\"post\" action=\""
                     "/years/%d/visits/%" PRId64 "/findings\" "
                     "id=\"finding-add\">", W_("Record a finding"), year,
                  id);
    web_csrf_field(r);
    kh_buf_printf(o, "<label>%s <select name=\"source\"><option value=\""
                     "symposium\">%s</option><option value=\"interview\">"
                     "%s</option></select></label> <label>%s <input type=\""
                     "number\" name=\"record\" min=\"1\" required></label> ",
                  W_("Heard at"), W_("symposium"),
                  W_("individual interviews"), W_("Record number"));
    select_open(o, W_("Assessment item"), "item");
    item_options(r, year, o);
    kh_buf_printf(o, "</select></label> <label>%s <select name=\"direction\">"
                     "<option value=\"\">%s</option><option value=\"good\">"
                     "%s</option><option value=\"problem\">%s</option>"
                     "</select></label><label>%s <textarea name=\"text\" "
                     "rows=\"3\" cols=\"60\" required></textarea></label>"
                     "<button type=\"submit\">%s</button></form>\n",
                  W_("Direction"), W_("(none)"), W_("strength"),
                  W_("problem"), W_("Text"), W_("Save"));
}

/* Correcting or removing a finding by its number. */
static void finding_edit_forms(web_req *r, int year, int64_t id)
{
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<h2>%s</h2><form method=\"post\" action=\""
                     "/years/%d/visits/%" PRId64 "/findings/edit\" "
                     "id=\"finding-edit\">", W_("Correct a finding"), year,
                  id);
    web_csrf_field(r);
    number_field(o, W_("Finding number"));
    select_open(o, W_("Assessment item"), "item");
    item_options(r, year, o);
    kh_buf_printf(o, "</select></label> <label>%s <select name=\"direction\">"
                     "<option value=\"\">%s</option><option value=\"good\">"
                     "%s</option><option value=\"problem\">%s</option>"
                     "</select></label><label>%s <textarea name=\"text\" "
                     "rows=\"3\" cols=\"60\" required></textarea></label>"
                     "<button type=\"submit\">%s</button></form>\n",
                  W_("Direction"), W_("(none)"), W_("strength"),
                  W_("problem"), W_("Text"), W_("Save"));
    kh_buf_printf(o, "<form method=\"post\" action=\"/years/%d/visits/%"
                     PRId64 "/findings/remove\" id=\"finding-remove\">",
                  year, id);
    web_csrf_field(r);
    number_field(o, W_("Finding number"));
    kh_buf_printf(o, "<button type=\"submit\">%s</button></form>\n",
                  W_("Remove the finding"));
}

/* The recording forms under a visit's records, then the corrections
 * (their author's or an admin's: the store refuses anyone else). */
void web_visit_forms(web_req *r, int year, int64_t id)
{
    symposium_form(r, year, id, false);
    interview_form(r, year, id, false);
    finding_form(r, year, id);
    kh_buf_printf(&r->out, "<details id=\"corrections\"><summary>%s"
                           "</summary><p>%s</p>",
                  W_("Corrections"),
                  W_("A record or finding is corrected by whoever wrote it, "
                     "or by an admin; give its number (#N above) and every "
                     "field again. Each correction is kept in the audit "
                     "log."));
    symposium_form(r, year, id, true);
    interview_form(r, year, id, true);
    finding_edit_forms(r, year, id);
    kh_buf_puts(&r->out, "</details>\n");
}

/* Splits "教师=12，学生=30" into groups; errors on e. */
static size_t groups_split(char *s, const char **labels, int *counts,
                           kh_err *e)
{
    size_t n = 0;
    char *save = NULL;
    ascii_separators(s);
    for (char *tok = strtok_r(s, ",;\n", &save); tok;
         tok = strtok_r(NULL, ",;\n", &save)) {
        if (n == KH_ONSITE_GROUPS_MAX) {
            kh_err_at(e, 0, 0, "groups", "at most %d groups of attendees",
                      KH_ONSITE_GROUPS_MAX);
            break;
        }
        char *eq = strrchr(tok, '=');
        char *end = NULL;
        long v = eq ? strtol(eq + 1, &end, 10) : 0;
        if (eq)
            *eq = '\0';
        labels[n] = tok;
        counts[n] = eq && end != eq + 1 && !*end && v > 0 &&
                            v <= KH_ONSITE_COUNT_MAX ? (int)v : 0;
        n++;
    }
    return n;
}

static void local_time(char *t)
{
    if (t && strlen(t) == KH_ONSITE_TIME_SZ - 1 && t[10] == 'T')
        t[10] = ' ';
}

enum { NF = 8 };

static kh_status post_symposium(web_req *r, int64_t id, int64_t edit,
                                char **v, kh_err *e)
{
    const char *labels[KH_ONSITE_GROUPS_MAX];
    int counts[KH_ONSITE_GROUPS_MAX];
    size_t n = v[4] ? groups_split(v[4], labels, counts, e) : 0;
    kh_symposium_spec sp = {.visit = id, .date = v[0], .place = v[1],
                            .host = v[2], .recorder = v[3],
                            .group_labels = labels, .group_counts = counts,
                            .ngroups = n, .outline = v[5], .minutes = v[6],
                            .refused = kh_err_errors(e) > 0};
    if (edit)   /* a correction of record `edit` of this visit */
        return kh_store_symposium_set(r->store, r->sess.user,
                                      r->sess.role == KH_ROLE_ADMIN, id,
                                      edit, &sp, e);
    return kh_store_symposium_add(r->store, r->sess.user, &sp, NULL, e);
}

static kh_status post_interview(web_req *r, int64_t id, int64_t edit,
                                char **v, kh_err *e)
{
    local_time(v[4]);
    local_time(v[5]);
    kh_interview_spec sp = {.visit = id, .category = v[0],
                            .name = v[1] && *v[1] ? v[1] : NULL,
                            .interviewer = v[2], .recorder = v[3],
                            .starts = v[4], .ends = v[5], .place = v[6],
                            .summary = v[7]};
    if (edit)
        return kh_store_interview_set(r->store, r->sess.user,
                                      r->sess.role == KH_ROLE_ADMIN, id,
                                      edit, &sp, e);
    return kh_store_interview_add(r->store, r->sess.user, &sp, NULL, e);
}

/* A finding corrected (v: item, direction, text) or removed. */
static kh_status post_finding_edit(web_req *r, int64_t id, int64_t edit,
                                   bool remove, char **v, kh_err *e)
{
    bool admin = r->sess.role == KH_ROLE_ADMIN;
    if (remove)
        return kh_store_finding_remove(r->store, r->sess.user, admin, id,
                                       edit, e);
    kh_finding_dir d = KH_FINDING_PLAIN;
    kh_status st = kh_finding_dir_parse(v[1], "direction", &d, e);
    if (st != KH_OK)
        return st;
    return kh_store_finding_set(r->store, r->sess.user, admin, id, edit,
                                v[0], d, v[2], e);
}

static kh_status post_finding(web_req *r, int64_t id, char **v, kh_err *e)
{
    char *end = NULL;
    long long rec = v[1] ? strtoll(v[1], &end, 10) : 0;
    kh_finding_dir d = KH_FINDING_PLAIN;
    if (rec <= 0 || !end || *end)
        return kh_err_at(e, 0, 0, "record", "give the record's number");
    kh_status st = kh_finding_dir_parse(v[3], "direction", &d, e);
    if (st != KH_OK)
        return st;
    /* The record must belong to the visit of the URL (the store checks:
     * the team's right covers only its own visit). */
    return kh_store_finding_add(r->store, r->sess.user, id, v[0],
                                (int64_t)rec, v[2], d, v[4], NULL, e);
}

/* What a POST under a visit does: the form's fields and the number of the
 * record it corrects (edit) or removes, by the route's `what`. */
typedef struct vpost {
    int kind;          /* 0 symposium, 1 interview, 2 finding */
    bool edit, remove; /* a correction / a finding removed */
} vpost;

static vpost vpost_of(const char *what)
{
    vpost p = {!strncmp(what, "symposiums", 10) ? 0
               : !strncmp(what, "interviews", 10) ? 1 : 2,
               strstr(what, "/edit") != NULL, strstr(what, "/remove") != NULL};
    return p;
}

/* The record number the correction form names ("record"), or 0 after a
 * 400. */
static int64_t edit_number(web_req *r)
{
    char *s = web_form_get(r, "record"), *end = NULL;
    long long n = s ? strtoll(s, &end, 10) : 0;
    bool ok = s && *s && !*end && n > 0;
    free(s);
    if (!ok)
        web_error_page(r, 400, NULL);
    return ok ? (int64_t)n : 0;
}

static kh_status vpost_run(web_req *r, const vpost *p, int64_t id,
                           int64_t edit, char **v, kh_err *e)
{
    static const char *const fields[4][NF] = {
        {"date", "place", "host", "recorder", "groups", "outline", "minutes",
         NULL},
        {"category", "name", "interviewer", "recorder", "start", "end",
         "place", "summary"},
        {"source", "record", "item", "direction", "text", NULL, NULL, NULL},
        {"item", "direction", "text", NULL, NULL, NULL, NULL, NULL}};
    int k = p->kind == 2 && p->edit ? 3 : p->kind;
    for (int i = 0; i < NF && fields[k][i] && !p->remove; i++)
        v[i] = web_form_get(r, fields[k][i]);
    if (p->kind == 0)
        return post_symposium(r, id, edit, v, e);
    if (p->kind == 1)
        return post_interview(r, id, edit, v, e);
    if (p->edit || p->remove)
        return post_finding_edit(r, id, edit, p->remove, v, e);
    return post_finding(r, id, v, e);
}

void web_visit_post(web_req *r, int year, const char *arg, const char *what)
{
    vpost p = vpost_of(what);
    char *end;
    long long id = arg ? strtoll(arg, &end, 10) : 0;
    vfind f = {0};
    kh_err *e = kh_err_new();
    char *v[NF] = {0};
    kh_status st = !e ? KH_ENOMEM : id > 0 && !*end
                       ? kh_store_visit_each(r->store, year, NULL, NULL,
                                             (int64_t)id, vfind_cb, &f, e)
                       : KH_OK;
    if (!web_store_check(r, st, e))
        goto out;
    if (!f.found) {
        web_error_page(r, 404, NULL);
        goto out;
    }
    if (!may_record(r, (int64_t)id)) {
        web_refuse_page(r, "visit records: not in the team");
        goto out;
    }
    int64_t edit = p.edit || p.remove ? edit_number(r) : 0;
    if ((p.edit || p.remove) && !edit)
        goto out;
    st = vpost_run(r, &p, (int64_t)id, edit, v, e);
    char back[80];
    snprintf(back, sizeof back, "/years/%d/visits/%lld", year, id);
    if (st == KH_OK) {
        char ok[96];
        snprintf(ok, sizeof ok, "%s?ok=1", back);
        web_redirect(r, ok);
    } else if (st == KH_ENOMEM || st == KH_EDB || st == KH_EIO) {
        web_fail(r, st, e);
    } else if (st == KH_EPERM) {
        web_refuse_page(r, "visit records: neither the author nor admin");
    } else if (st == KH_ENOTFOUND) {
        web_error_page(r, 404, NULL);
    } else {
        web_errors_page(r, st == KH_ESTATE ? 409 : 422,
                        W_("The record was not saved"), e, back);
    }
out:
    for (int i = 0; i < NF; i++)
        free(v[i]);
    kh_err_free(e);
}
