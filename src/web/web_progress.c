/*
 * web_progress.c - the year on a schedule in the web server
 * (docs/SCHEDULE.md): the dates on every home page with the days left
 * (China calendar day), the admin's dates form, a unit's self-check
 * submission (提交自查) and the admin's return (退回) as forms and as
 * JSON API calls, and the progress of the units (JSON and page).  The
 * store enforces the rules (kaohe/store_schedule.h); the route table
 * and web_may decide who may.
 */
#include "web.h"

#include <inttypes.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kaohe/cnday.h"
#include "kaohe/export.h"
#include "kaohe/store_evidence.h"
#include "kaohe/store_inbox.h"
#include "kaohe/store_schedule.h"

#define KH_SCHED_HOME_YEARS 8   /* open years shown on a home page */

static const char *qarg(web_req *r, const char *name)
{
    const char *v = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND,
                                                name);
    return v && *v ? v : NULL;
}

/* "（还有 3 天）" for a date. */
static void left_text(kh_buf *o, int64_t today, const char *date)
{
    int64_t due;
    long long n = 0;
    if (!kh_cnday_parse(date, &due))
        return;
    const char *msg = kh_cnday_left_msgid(today, due, &n);
    kh_buf_puts(o, "（");
    kh_buf_printf(o, W_(msg), n);
    kh_buf_puts(o, "）");
}

/* A message's place as people call it: the form field's label, never
 * its name ("items" is the self-check form). */
static const char *field_label(const char *path)
{
    for (int i = 0; i < KH_SCHED_DATES; i++)
        if (strcmp(path, kh_sched_date_field(i)) == 0)
            return W_(kh_sched_date_label(i));
    if (strcmp(path, "items") == 0)
        return W_("self-check form");
    if (strcmp(path, "report") == 0)
        return W_("self-check report");
    if (strcmp(path, "scan") == 0)
        return W_("signed scan");
    if (strcmp(path, "reason") == 0)
        return W_("reason for returning");
    return path;
}

/* web_errors_page with the places named by their labels. */
static void errors_page(web_req *r, unsigned status, const char *title,
                        const kh_err *e, const char *back)
{
    kh_err *named = kh_err_new();
    for (size_t i = 0; named && e && i < kh_err_count(e); i++) {
        kh_msg m = *kh_err_get(e, i);
        if (m.path)
            m.path = field_label(m.path);
        if (kh_err_copy_msg(named, &m) != KH_OK) {
            kh_err_free(named);
            named = NULL;
        }
    }
    web_errors_page(r, status, title, named ? named : e, back);
    kh_err_free(named);
}

/* ---- an inspector's units ------------------------------------------- */

typedef struct units_ctx {
    char **v;
    size_t n;
} units_ctx;

static kh_status assigned_cb(void *ctx, const kh_assign_row *row)
{
    units_ctx *c = ctx;
    char **nv = realloc(c->v, (c->n + 1) * sizeof *nv);
    if (!nv)
        return KH_ENOMEM;
    c->v = nv;
    if (!(c->v[c->n] = strdup(row->unit)))
        return KH_ENOMEM;
    c->n++;
    return KH_OK;
}

static void units_free(units_ctx *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->v[i]);
    free(c->v);
}

/* ---- the home page --------------------------------------------------- */

typedef struct count_ctx {
    size_t units, submitted, late;
    const char *unit;      /* a unit user's own unit, else NULL */
    bool own_submitted;
    int64_t own_late;
} count_ctx;

static kh_status count_cb(void *ctx, const kh_unit_progress *p)
{
    count_ctx *c = ctx;
    c->units++;
    c->submitted += p->submitted;
    c->late += p->days_late > 0;
    if (c->unit && strcmp(c->unit, p->unit) == 0) {
        c->own_submitted = p->submitted;
        c->own_late = p->days_late;
    }
    return KH_OK;
}

/* The counts over the units the session may see: a unit its own, an
 * inspector theirs, admin and auditor all. */
static kh_status home_count(web_req *r, int year, count_ctx *c, kh_err *e)
{
    const char *own[1] = {r->sess.unit};
    if (r->sess.role == KH_ROLE_UNIT)
        return kh_store_progress_each(r->store, year, own, 1, count_cb, c, e);
    if (r->sess.role != KH_ROLE_INSPECTOR)
        return kh_store_progress_each(r->store, year, NULL, 0, count_cb, c,
                                      e);
    units_ctx u = {0};
    kh_status st = kh_store_assign_each(r->store, r->sess.user, year,
                                        assigned_cb, &u, e);
    if (st == KH_OK && u.n)
        st = kh_store_progress_each(r->store, year,
                                    (const char *const *)u.v, u.n, count_cb,
                                    c, e);
    units_free(&u);
    return st;
}

static void home_counts(web_req *r, int year, kh_err *e)
{
    kh_buf *o = &r->out;
    bool unit = r->sess.role == KH_ROLE_UNIT;
    count_ctx c = {.unit = unit ? r->sess.unit : NULL};
    if (!web_store_check(r, home_count(r, year, &c, e), e))
        return;
    if (unit) {
        kh_buf_printf(o, "<p class=\"counts\" id=\"own-%d\">", year);
        kh_html_text(o, c.own_submitted ? W_("self-check submitted")
                                        : W_("self-check not submitted"));
        if (c.own_late > 0)
            kh_buf_printf(o, W_(" (%lld days late)"), (long long)c.own_late);
        kh_buf_puts(o, "</p>");
        return;
    }
    kh_buf_printf(o, "<p class=\"counts\" id=\"counts-%d\">", year);
    kh_buf_printf(o, W_("%zu of %zu units submitted, %zu late"), c.submitted,
                  c.units, c.late);
    if (web_may(r, WEB_A_PROGRESS, year, NULL))
        kh_buf_printf(o, " · <a href=\"/years/%d/progress\">%s</a>", year,
                      W_("progress"));
    kh_buf_puts(o, "</p>");
}

static void home_year(web_req *r, int year, kh_year_state state,
                      int64_t today, kh_err *e)
{
    kh_year_dates d;
    kh_status st = kh_store_dates_get(r->store, year, &d, e);
    if (st == KH_ENOTFOUND || !web_store_check(r, st, e))
        return;
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<section class=\"dates\" id=\"dates-%d\"><h2>", year);
    kh_buf_printf(o, W_("%d schedule"), year);
    kh_buf_puts(o, "</h2><ul>");
    for (int i = 0; i < KH_SCHED_DATES; i++) {
        kh_buf_printf(o, "<li id=\"date-%d-%s\">", year,
                      kh_sched_date_field(i));
        kh_html_text(o, W_(kh_sched_date_label(i)));
        kh_buf_puts(o, "：");
        kh_html_text(o, d.d[i]);
        left_text(o, today, d.d[i]);
        kh_buf_puts(o, "</li>");
    }
    kh_buf_puts(o, "</ul>");
    if (state <= KH_YEAR_REVIEW && (r->sess.role != KH_ROLE_UNIT ||
                                    web_may(r, WEB_A_SELF_READ, year,
                                            r->sess.unit)))
        home_counts(r, year, e);
    kh_buf_puts(o, "</section>\n");
}

typedef struct home_ctx {
    int year[KH_SCHED_HOME_YEARS];
    kh_year_state state[KH_SCHED_HOME_YEARS];
    size_t n;
} home_ctx;

/* The years to show, collected first: no store reads nested in the
 * listing. */
static kh_status home_cb(void *ctx, const kh_year_info *y)
{
    home_ctx *c = ctx;
    if (y->state == KH_YEAR_CLOSED || y->state == KH_YEAR_DRAFT)
        return KH_OK;
    if (c->n == KH_SCHED_HOME_YEARS)
        return KH_DONE;
    c->year[c->n] = y->year;
    c->state[c->n++] = y->state;
    return KH_OK;
}

void web_sched_home(web_req *r)
{
    kh_err *e = kh_err_new();
    if (!e)
        return;
    /* The derived reminders are made when someone looks (and by
     * `kaohe remind`): idempotent, keyed per user. */
    web_store_check(r, kh_store_remind(r->store, NULL, e), e);
    kh_err_clear(e);
    home_ctx c = {.n = 0};
    if (web_store_check(r, kh_store_year_each(r->store, 0, home_cb, &c, e),
                        e))
        for (size_t i = 0; i < c.n; i++)
            home_year(r, c.year[i], c.state[i],
                      kh_store_today_days(r->store), e);
    kh_err_free(e);
}

/* ---- dates (admin year page) ----------------------------------------- */

void web_dates_form(web_req *r, int year)
{
    kh_err *e = kh_err_new();
    kh_year_dates d;
    memset(&d, 0, sizeof d);
    kh_status st = e ? kh_store_dates_get(r->store, year, &d, e) : KH_ENOMEM;
    if (st != KH_ENOTFOUND)
        web_store_check(r, st, e);
    kh_err_free(e);
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<h2>%s</h2><form method=\"post\" action=\"/admin/years/"
                     "%d/dates\" id=\"year-dates\" class=\"dates\">",
                  W_("schedule (China time)"), year);
    web_csrf_field(r);
    for (int i = 0; i < KH_SCHED_DATES; i++) {
        kh_buf_puts(o, "<label>");
        kh_html_text(o, W_(kh_sched_date_label(i)));
        kh_buf_printf(o, " <input type=\"date\" name=\"%s\" value=\"",
                      kh_sched_date_field(i));
        kh_html_attr(o, d.d[i]);
        kh_buf_puts(o, "\" required></label> ");
    }
    kh_buf_printf(o, "<button type=\"submit\">%s</button></form>\n",
                  W_("save the dates"));
}

void web_dates_post(web_req *r, int year)
{
    char back[64];
    snprintf(back, sizeof back, "/admin/years/%d", year);
    kh_year_dates d;
    memset(&d, 0, sizeof d);
    for (int i = 0; i < KH_SCHED_DATES; i++) {
        char *v = web_form_get(r, kh_sched_date_field(i));
        /* a longer value is cut to "?", refused by the store's check */
        snprintf(d.d[i], KH_CNDAY_SZ, "%s",
                 v && strlen(v) < KH_CNDAY_SZ ? v : v ? "?" : "");
        free(v);
    }
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_dates_set(r->store, r->sess.user, year, &d, e)
                     : KH_ENOMEM;
    if (st == KH_OK) {
        char to[80];
        snprintf(to, sizeof to, "%s?ok=1", back);
        web_redirect(r, to);
    } else if (st == KH_EINVAL || st == KH_ESTATE || st == KH_ENOTFOUND) {
        errors_page(r, st == KH_EINVAL ? 422 : 409,
                    W_("the dates were not saved"), e, back);
    } else {
        web_fail(r, st, e);
    }
    kh_err_free(e);
}

/* ---- submit and return ----------------------------------------------- */

typedef struct sub_ctx {
    bool found, submitted;
    int64_t returns;
    char reason[KH_SCHED_REASON_MAX + 1];
} sub_ctx;

static kh_status sub_cb(void *ctx, const kh_unit_progress *p)
{
    sub_ctx *c = ctx;
    c->found = true;
    c->submitted = p->submitted;
    c->returns = p->returns;
    snprintf(c->reason, sizeof c->reason, "%s", p->reason ? p->reason : "");
    return KH_DONE;
}

static void block_submit_form(web_req *r, int year, const char *unit)
{
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<form method=\"post\" enctype=\"multipart/form-data\" "
                     "action=\"/years/%d/units/", year);
    kh_html_url(o, unit);
    kh_buf_puts(o, "/selfcheck\" id=\"selfcheck-submit\">");
    web_csrf_field(r);
    kh_buf_printf(o, "<label>%s <textarea name=\"report\" rows=\"5\" "
                     "required></textarea></label>",
                  W_("self-check report"));
    kh_buf_printf(o, "<label>%s <input type=\"file\" name=\"scan\" "
                     "accept=\".pdf,.jpg,.jpeg,.png\"></label>",
                  W_("signed scan (optional)"));
    kh_buf_printf(o, "<p class=\"confirm\">%s</p>",
                  W_("Submitting sends every item of this form with the "
                     "report above; the items are then locked until the "
                     "administrator returns the self-check."));
    kh_buf_printf(o, "<label><input type=\"checkbox\" name=\"confirm\" "
                     "value=\"1\" required> %s</label> ",
                  W_("I have checked the items"));
    kh_buf_printf(o, "<button type=\"submit\">%s</button></form>",
                  W_("submit the self-check"));
}

static void block_return_form(web_req *r, int year, const char *unit)
{
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<form method=\"post\" action=\"/years/%d/units/", year);
    kh_html_url(o, unit);
    kh_buf_puts(o, "/selfcheck/return\" id=\"selfcheck-return\">");
    web_csrf_field(r);
    kh_buf_printf(o, "<label>%s <textarea name=\"reason\" rows=\"2\" "
                     "required></textarea></label><button type=\"submit\">"
                     "%s</button></form>",
                  W_("reason for returning"), W_("return"));
}

void web_selfcheck_block(web_req *r, int year, const char *unit,
                         kh_year_state state)
{
    kh_err *e = kh_err_new();
    sub_ctx c = {0};
    const char *only[1] = {unit};
    kh_status st = e ? kh_store_progress_each(r->store, year, only, 1, sub_cb,
                                              &c, e)
                     : KH_ENOMEM;
    bool ok = web_store_check(r, st, e);
    kh_err_free(e);
    if (!ok || !c.found)
        return;
    kh_buf *o = &r->out;
    kh_buf_puts(o, "<section id=\"selfcheck\" class=\"selfcheck\"><h2>");
    kh_html_text(o, W_("self-check submission"));
    kh_buf_puts(o, "</h2><p id=\"selfcheck-state\">");
    kh_html_text(o, c.submitted ? W_("submitted: the items are locked")
                 : c.returns ? W_("returned by the administrator")
                             : W_("not submitted"));
    if (!c.submitted && c.returns) {
        kh_buf_puts(o, W_(": "));
        kh_html_text(o, c.reason);
    }
    kh_buf_puts(o, "</p>");
    if (state == KH_YEAR_SELF_CHECK && !c.submitted &&
        web_may(r, WEB_A_SELF_WRITE, year, unit))
        block_submit_form(r, year, unit);
    if (state == KH_YEAR_SELF_CHECK && c.submitted &&
        web_may(r, WEB_A_ADMIN, year, unit))
        block_return_form(r, year, unit);
    kh_buf_puts(o, "</section>\n");
}

/* Stores the form's scan, if any, as evidence: *hash set, or "" */
static kh_status scan_put(web_req *r, char hash[KH_EVIDENCE_HASH_SZ],
                          kh_err *e)
{
    const web_field *f = web_form_file(r, "scan");
    hash[0] = '\0';
    if (!f || f->data.len == 0)
        return KH_OK;
    return kh_store_evidence_put(r->store, r->sess.user,
                                 f->filename ? f->filename : "scan",
                                 f->data.data, f->data.len, 0, hash, e);
}

static void form_done(web_req *r, kh_status st, const kh_err *e, int year,
                      const char *unit)
{
    kh_buf back;
    kh_buf_init(&back, 0);
    kh_buf_printf(&back, "/years/%d/units/", year);
    kh_html_url(&back, unit);
    kh_buf_puts(&back, "/self");
    if (st == KH_OK) {
        kh_buf_puts(&back, "#selfcheck");
        web_redirect(r, kh_buf_str(&back));
    } else if (st == KH_EINVAL || st == KH_ECONFLICT || st == KH_ESTATE) {
        errors_page(r, st == KH_EINVAL ? 422 : 409,
                    W_("the self-check was not submitted"), e,
                    kh_buf_str(&back));
    } else {
        web_fail(r, st, e);
    }
    kh_buf_free(&back);
}

void web_selfcheck_post(web_req *r, int year, const char *unit, bool ret)
{
    kh_err *e = kh_err_new();
    char *text = web_form_get(r, ret ? "reason" : "report");
    char hash[KH_EVIDENCE_HASH_SZ];
    kh_status st = e ? KH_OK : KH_ENOMEM;
    if (st == KH_OK && ret)
        st = kh_store_selfcheck_return(r->store, r->sess.user, year, unit,
                                       text, e);
    else if (st == KH_OK && (st = scan_put(r, hash, e)) == KH_OK)
        st = kh_store_selfcheck_submit(r->store, r->sess.user, year, unit,
                                       text, hash[0] ? hash : NULL, e);
    form_done(r, st, e, year, unit);
    free(text);
    kh_err_free(e);
}

const char *web_selfcheck_locked_msg(const kh_err *e)
{
    for (size_t i = 0; e && i < kh_err_count(e); i++) {
        const kh_msg *m = kh_err_get(e, i);
        if (m->path && strcmp(m->path, "selfcheck") == 0)
            return web_msg_text(m);
    }
    return NULL;
}

/* ---- the JSON API ---------------------------------------------------- */

static const char *json_text(const kh_node *root, const char *key,
                             kh_err *e)
{
    const kh_node *n = kh_node_get(root, key);
    const char *v = NULL;
    if (!n || kh_node_is_null(n))
        return NULL;
    if (n->type != KH_NODE_SCALAR || n->style != KH_SCALAR_QUOTED) {
        kh_err_at(e, n->line, n->col, key, "must be a text, not a %s",
                  kh_node_kind(n));
        return NULL;
    }
    return kh_node_str(n, e, key, &v) == KH_OK ? v : NULL;
}

static void api_answer(web_req *r, kh_status st, const kh_err *e, bool ret,
                       int year)
{
    switch (st) {
    case KH_OK:
        r->status = 200;
        r->ctype = "application/json";
        kh_buf_printf(&r->out, "{\"%s\":true}\n",
                      ret ? "returned" : "submitted");
        break;
    case KH_EINVAL:
        web_api_errors(r, e, year);
        break;
    case KH_ECONFLICT:
    case KH_ESTATE:
        web_conflict_json(r, e);
        break;
    default:
        web_fail(r, st, e);
    }
}

void web_api_selfcheck(web_req *r, int year, const char *unit, bool ret)
{
    kh_err *e = kh_err_new();
    kh_arena *ar = NULL;
    const kh_node *root = NULL;
    if (!e) {
        web_fail_why(r, KH_ENOMEM, "out of memory");
        return;
    }
    kh_status st = web_api_body(r, &ar, &root, e);
    const char *text = NULL, *scan = NULL;
    if (st == KH_OK) {
        text = json_text(root, ret ? "reason" : "report", e);
        scan = ret ? NULL : json_text(root, "scan", e);
        st = kh_err_errors(e) ? KH_EINVAL : KH_OK;
    }
    if (st == KH_OK && ret)
        st = kh_store_selfcheck_return(r->store, r->sess.user, year, unit,
                                       text, e);
    else if (st == KH_OK)
        st = kh_store_selfcheck_submit(r->store, r->sess.user, year, unit,
                                       text, scan, e);
    api_answer(r, st, e, ret, year);
    kh_arena_free(ar);
    kh_err_free(e);
}

/* ---- progress -------------------------------------------------------- */

typedef struct prog_rows {
    kh_unit_progress *v;
    char **strs;           /* owned copies of the rows' strings */
    size_t n, nstrs;
} prog_rows;

static const char *keep(prog_rows *p, const char *s)
{
    if (!s)
        return NULL;
    char **ns = realloc(p->strs, (p->nstrs + 1) * sizeof *ns);
    if (!ns)
        return NULL;
    p->strs = ns;
    return p->strs[p->nstrs++] = strdup(s);
}

static kh_status rows_cb(void *ctx, const kh_unit_progress *row)
{
    prog_rows *p = ctx;
    kh_unit_progress *nv = realloc(p->v, (p->n + 1) * sizeof *nv);
    if (!nv)
        return KH_ENOMEM;
    p->v = nv;
    kh_unit_progress *c = &p->v[p->n++];
    *c = *row;
    c->unit = keep(p, row->unit);
    c->name = keep(p, row->name);
    c->reason = keep(p, row->reason);
    c->submitted_at = keep(p, row->submitted_at);
    return c->unit && c->name ? KH_OK : KH_ENOMEM;
}

static void rows_free(prog_rows *p)
{
    for (size_t i = 0; i < p->nstrs; i++)
        free(p->strs[i]);
    free(p->strs);
    free(p->v);
}

/* The rows the session may see: an inspector's units only. */
static kh_status rows_load(web_req *r, int year, prog_rows *p, kh_err *e)
{
    units_ctx u = {0};
    kh_status st = KH_OK;
    bool insp = r->sess.role == KH_ROLE_INSPECTOR;
    if (insp)
        st = kh_store_assign_each(r->store, r->sess.user, year, assigned_cb,
                                  &u, e);
    if (st == KH_OK && !(insp && u.n == 0))
        st = kh_store_progress_each(r->store, year,
                                    insp ? (const char *const *)u.v : NULL,
                                    u.n, rows_cb, p, e);
    units_free(&u);
    return st;
}

static void row_json(kh_buf *o, const kh_unit_progress *p)
{
    kh_buf_puts(o, "{\"unit\":");
    web_json_str(o, p->unit);
    kh_buf_puts(o, ",\"name\":");
    web_json_str(o, p->name);
    kh_buf_printf(o, ",\"applicable\":%" PRId64 ",\"filled\":%" PRId64
                     ",\"scored\":%" PRId64 ",\"evidence\":%" PRId64
                     ",\"submitted\":%s,\"returned\":%s,\"returns\":%" PRId64
                     ",\"reason\":",
                  p->applicable, p->filled, p->scored, p->evidence,
                  p->submitted ? "true" : "false",
                  !p->submitted && p->returns ? "true" : "false", p->returns);
    if (p->reason)
        web_json_str(o, p->reason);
    else
        kh_buf_puts(o, "null");
    kh_buf_printf(o, ",\"days_late\":%" PRId64 "}", p->days_late);
}

void web_api_progress(web_req *r, int year)
{
    kh_err *e = kh_err_new();
    prog_rows p = {0};
    kh_status st = e ? rows_load(r, year, &p, e) : KH_ENOMEM;
    if (st == KH_ENOTFOUND) {
        web_error_json(r, 404, "not_found");
    } else if (st != KH_OK) {
        web_fail(r, st, e);
    } else {
        r->status = 200;
        r->ctype = "application/json";
        kh_buf_printf(&r->out, "{\"year\":%d,\"units\":[", year);
        for (size_t i = 0; i < p.n; i++) {
            if (i)
                kh_buf_putc(&r->out, ',');
            row_json(&r->out, &p.v[i]);
        }
        kh_buf_puts(&r->out, "]}\n");
    }
    rows_free(&p);
    kh_err_free(e);
}

static int late_cmp(const void *a, const void *b)
{
    const kh_unit_progress *x = a, *y = b;
    return x->days_late < y->days_late ? 1 : x->days_late > y->days_late;
}

static void page_row(web_req *r, int year, const kh_unit_progress *p,
                     bool insp)
{
    kh_buf *o = &r->out;
    kh_buf_puts(o, "<tr id=\"p-");
    kh_html_attr(o, p->unit);
    kh_buf_printf(o, "\"%s><td><a href=\"/years/%d/units/",
                  p->days_late > 0 ? " class=\"late\"" : "", year);
    kh_html_url(o, p->unit);
    kh_buf_printf(o, "/%s\">", insp ? "inspection" : "self");
    kh_html_text(o, p->name);
    kh_buf_printf(o, "</a></td><td class=\"num\">%" PRId64 " / %" PRId64
                     "</td>",
                  insp ? p->scored : p->filled, p->applicable);
    if (insp) {
        kh_buf_printf(o, "<td class=\"num\">%" PRId64 "</td></tr>\n",
                      p->applicable - p->scored);
        return;
    }
    kh_buf_printf(o, "<td class=\"num\">%" PRId64 "</td><td>", p->evidence);
    kh_html_text(o, p->submitted ? W_("submitted")
                    : p->returns ? W_("returned")
                                 : W_("not submitted"));
    kh_buf_printf(o, "</td><td class=\"num\">%" PRId64 "</td></tr>\n",
                  p->days_late);
}

static void page_table(web_req *r, int year, prog_rows *p, bool late_only)
{
    kh_buf *o = &r->out;
    bool insp = r->sess.role == KH_ROLE_INSPECTOR;
    kh_buf_puts(o, "<div class=\"wide\"><table id=\"progress-list\"><thead>"
                   "<tr>");
    if (insp)
        kh_buf_printf(o, "<th>%s</th><th>%s</th><th>%s</th>", W_("unit"),
                      W_("items scored"), W_("items left"));
    else
        kh_buf_printf(o, "<th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                         "<th>%s</th>",
                      W_("unit"), W_("items filled"), W_("evidence files"),
                      W_("self-check"), W_("days late"));
    kh_buf_puts(o, "</tr></thead><tbody>\n");
    for (size_t i = 0; i < p->n; i++)
        if (!late_only || p->v[i].days_late > 0)
            page_row(r, year, &p->v[i], insp);
    kh_buf_puts(o, "</tbody></table></div>\n");
}

void web_progress_page(web_req *r, int year)
{
    kh_err *e = kh_err_new();
    prog_rows p = {0};
    kh_status st = e ? rows_load(r, year, &p, e) : KH_ENOMEM;
    if (st != KH_OK) {
        web_fail(r, st, e);
        goto out;
    }
    bool late = qarg(r, "late") != NULL;
    if (qarg(r, "sort") && strcmp(qarg(r, "sort"), "late") == 0)
        qsort(p.v, p.n, sizeof *p.v, late_cmp);
    char title[64];
    snprintf(title, sizeof title, W_("%d progress"), year);
    web_page_begin(r, title);
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<nav class=\"noprint\" id=\"progress-nav\"><a href=\""
                     "/years/%d\">%s</a> · <a href=\"/years/%d/progress\">%s"
                     "</a> · <a href=\"/years/%d/progress?late=1\" id=\""
                     "only-late\">%s</a> · <a href=\"/years/%d/progress?sort="
                     "late\" id=\"sort-late\">%s</a> · <a href=\"/years/%d/"
                     "progress.xlsx\" id=\"progress-xlsx\">%s</a></nav>\n",
                  year, W_("the year"), year, W_("all units"), year,
                  W_("late units only"), year, W_("sorted by lateness"), year,
                  W_("download (xlsx)"));
    page_table(r, year, &p, late);
    web_page_end(r);
out:
    rows_free(&p);
    kh_err_free(e);
}

/* ---- the list as a workbook ------------------------------------------ */

#define XLSX_COLS 8

static const char *state_text(const kh_unit_progress *p)
{
    return p->submitted ? W_("submitted")
           : p->returns ? W_("returned")
                        : W_("not submitted");
}

/* The rows' texts (numbers printed in nums, XLSX_COLS - 2 a row). */
static kh_status xlsx_cells(const prog_rows *p, const char **cells,
                            char (*nums)[24])
{
    for (size_t i = 0; i < p->n; i++) {
        const kh_unit_progress *u = &p->v[i];
        const char **c = cells + i * XLSX_COLS;
        char (*n)[24] = nums + i * (XLSX_COLS - 2);
        int64_t v[] = {u->applicable, u->filled, u->scored, u->evidence,
                       u->returns, u->days_late};
        for (int k = 0; k < XLSX_COLS - 2; k++)
            snprintf(n[k], sizeof n[k], "%" PRId64, v[k]);
        c[0] = u->name;
        c[1] = n[0];
        c[2] = n[1];
        c[3] = n[2];
        c[4] = n[3];
        c[5] = state_text(u);
        c[6] = n[4];
        c[7] = n[5];
    }
    return KH_OK;
}

/* Writes the workbook in a private temporary directory and reads it into
 * r->out (libxlsxwriter writes files only). */
static kh_status xlsx_write(web_req *r, const kh_xlsx_table *t, kh_err *e)
{
    const char *tmp = getenv("TMPDIR");
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/kaohe-xlsx-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return kh_err_fail(e, KH_EIO, "cannot make a temporary directory");
    snprintf(path, sizeof path, "%s/progress.xlsx", dir);
    kh_status st = kh_export_table_xlsx(t, path, e);
    kh_buf_reset(&r->out);
    if (st == KH_OK)
        st = kh_buf_read_file(&r->out, path, e);
    unlink(path);
    rmdir(dir);
    return st;
}

static void xlsx_answer(web_req *r, int year)
{
    r->status = 200;
    r->ctype = "application/vnd.openxmlformats-officedocument."
               "spreadsheetml.sheet";
    kh_buf d, name;
    kh_buf_init(&d, 0);
    kh_buf_init(&name, 0);
    kh_buf_printf(&name, W_("%d progress"), year);
    kh_buf_puts(&name, ".xlsx");
    /* RFC 6266/5987: an ASCII fallback and the UTF-8 name, encoded. */
    kh_buf_printf(&d, "attachment; filename=\"progress-%d.xlsx\"; "
                      "filename*=UTF-8''", year);
    kh_html_url(&d, kh_buf_str(&name));
    r->disposition = kh_buf_take(&d, NULL);
    kh_buf_free(&d);
    kh_buf_free(&name);
}

void web_progress_xlsx(web_req *r, int year)
{
    kh_err *e = kh_err_new();
    prog_rows p = {0};
    kh_status st = e ? rows_load(r, year, &p, e) : KH_ENOMEM;
    const char **cells = calloc(p.n * XLSX_COLS + 1, sizeof *cells);
    char (*nums)[24] = calloc(p.n * (XLSX_COLS - 2) + 1, sizeof *nums);
    if (st == KH_OK && (!cells || !nums))
        st = KH_ENOMEM;
    if (st == KH_OK)
        st = xlsx_cells(&p, cells, nums);
    const char *head[XLSX_COLS] = {
        W_("unit"), W_("items that apply"), W_("items filled"),
        W_("items scored"), W_("evidence files"), W_("self-check"),
        W_("times returned"), W_("days late")};
    static const bool numeric[XLSX_COLS] = {false, true, true, true,
                                            true, false, true, true};
    static const double widths[XLSX_COLS] = {24, 10, 10, 10, 10, 10, 10,
                                             10};
    char title[64];
    snprintf(title, sizeof title, W_("%d progress"), year);
    kh_xlsx_table t = {title, W_("progress"), XLSX_COLS, p.n, head,
                       numeric, widths, cells};
    if (st == KH_OK)
        st = xlsx_write(r, &t, e);
    if (st == KH_OK)
        xlsx_answer(r, year);
    else
        web_fail(r, st, e);
    free(cells);
    free(nums);
    rows_free(&p);
    kh_err_free(e);
}
