/*
 * web_audit.c - the audit log as the 纪委 (the auditor) reads it:
 * GET /audit (admin and auditor, the route's WEB_A_READ_ALL).
 *
 * Each record is shown with its action in words (every action the code
 * writes has a name here; an unknown one is shown as it is), Beijing
 * time ("2026年12月6日 14:05"), the unit's name, and a one-line summary
 * built from the record ("2.2 自查 评分 4 → 3.5", "草稿 → 自查"); the raw
 * record (object, old and new values, reason, hash) is one click away in
 * a <details>.  Filters: year, unit and user (pickers by name), action
 * (a picker of the names); pages of WEB_AUDIT_PAGE, newest first.  The
 * chain is verified on every view.
 *
 * The page's records are copied out of the store's iteration first and
 * rendered after it, so the summaries may read the store (the year's
 * rubric, the units' names) without a statement open underneath.
 */
#include "web.h"

#include <ctype.h>

#include <inttypes.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kaohe/cnday.h"
#include "kaohe/doc.h"

/* ---- action names ------------------------------------------------------ */

static const struct {
    const char *action, *label;
} ACTIONS[] = {
    {"year.open", N_("Year opened")},
    {"year.advance", N_("Year moved to the next state")},
    {"year.reopen", N_("Year sent back one state")},
    {"year.set", N_("Document settings changed")},
    {"unit.add", N_("Unit added")},
    {"unit.change", N_("Unit changed")},
    {"unit.remove", N_("Unit removed")},
    {"branches.set", N_("Branch names set")},
    {"assessment.import", N_("Assessment file imported")},
    {"import.unit", N_("Unit imported with its entries")},
    {"import.bonus", N_("Bonus records imported")},
    {"import.negative", N_("Negative records imported")},
    {"entry.set", N_("Score entry saved")},
    {"bonus.add", N_("Bonus record added")},
    {"bonus.remove", N_("Bonus record removed")},
    {"bonus.replace", N_("Bonus records replaced")},
    {"negative.add", N_("Negative record added")},
    {"negative.remove", N_("Negative record removed")},
    {"negative.replace", N_("Negative records replaced")},
    {"roster.import", N_("Roster imported")},
    {"roster.set", N_("Roster set")},
    {"rubric.import", N_("Rubric imported")},
    {"evidence.add", N_("Evidence uploaded")},
    {"evidence.attach", N_("Evidence attached")},
    {"claim.add", N_("Bonus claim filed")},
    {"claim.file", N_("File filed with a bonus claim")},
    {"claim.approve", N_("Bonus claim approved")},
    {"selfcheck.submit", N_("Self-check submitted")},
    {"selfcheck.return", N_("Self-check returned")},
    {"year.dates", N_("Year's dates set")},
    {"negative.case", N_("Negative-list case recorded")},
    {"evidence.detach", N_("Evidence removed")},
    {"followup.report", N_("Rectification report submitted")},
    {"followup.accept", N_("Rectification report accepted")},
    {"followup.return", N_("Rectification report returned")},
    {"symposium.set", N_("Symposium record corrected")},
    {"interview.set", N_("Interview record corrected")},
    {"finding.set", N_("Finding corrected")},
    {"finding.remove", N_("Finding removed")},
    {"source.keep", N_("Questionnaire suggestion kept")},
    {"source.override", N_("Questionnaire suggestion overridden")},
    {"user.name", N_("Display name set")},
    {"claim.reject", N_("Bonus claim rejected")},
    {"followup.item", N_("Rectification item added")},
    {"followup.close", N_("Rectification item closed")},
    {"followup.talk", N_("Reminder talk recorded")},
    {"practice.add", N_("Good practice added")},
    {"visit.add", N_("On-site visit planned")},
    {"visit.set", N_("On-site visit changed")},
    {"visit.remove", N_("On-site visit cancelled")},
    {"symposium.add", N_("Symposium recorded")},
    {"interview.add", N_("Interview recorded")},
    {"interview.read", N_("Interview record read")},
    {"finding.add", N_("Finding recorded")},
    {"questionnaire.import", N_("Questionnaire responses imported")},
    {"survey.round.open", N_("Survey round opened")},
    {"survey.round.close", N_("Survey round closed")},
    {"survey.codes", N_("Survey codes issued")},
    {"survey.paper", N_("Paper questionnaire entered")},
    {"survey.response", N_("Survey response received")},
    {"user.add", N_("User added")},
    {"user.passwd", N_("Password set")},
    {"user.disable", N_("User disabled")},
    {"user.enable", N_("User enabled")},
    {"user.assign", N_("Inspector assigned to a unit")},
    {"user.unassign", N_("Inspector's unit taken away")},
    {"web.login", N_("Logged in")},
    {"web.logout", N_("Logged out")},
    {"web.login_failed", N_("Login failed")},
    {"web.login_throttled", N_("Login blocked after failures")},
    {"web.password_failed", N_("Password change failed")},
    {"web.refused", N_("Access refused")},
};
#define NACTIONS (sizeof ACTIONS / sizeof ACTIONS[0])

static const char *action_label(const char *action)
{
    for (size_t i = 0; action && i < NACTIONS; i++)
        if (strcmp(ACTIONS[i].action, action) == 0)
            return W_(ACTIONS[i].label);
    return action ? action : "";
}

/* ---- Beijing time ---------------------------------------------------------- */

void web_time_out(kh_buf *o, const char *utc)
{
    struct tm tm = {0};
    const char *end = utc ? strptime(utc, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
    if (!end) {
        kh_html_text(o, utc ? utc : "");
        return;
    }
    time_t t = timegm(&tm) + KH_CNDAY_OFFSET;   /* one zone, no DST */
    struct tm bj;
    gmtime_r(&t, &bj);
    kh_buf_printf(o, W_("%d-%d-%d %02d:%02d"), bj.tm_year + 1900,
                  bj.tm_mon + 1, bj.tm_mday, bj.tm_hour, bj.tm_min);
}

void web_day_out(kh_buf *o, const char *day)
{
    int y, m, d, h, mi, used = 0;
    size_t len = day ? strlen(day) : 0;
    if (len == 10 && sscanf(day, "%4d-%2d-%2d%n", &y, &m, &d, &used) == 3 &&
        used == 10)
        kh_buf_printf(o, W_("%d-%d-%d"), y, m, d);
    else if (len == 16 && sscanf(day, "%4d-%2d-%2d %2d:%2d%n", &y, &m, &d,
                                 &h, &mi, &used) == 5 && used == 16)
        kh_buf_printf(o, W_("%d-%d-%d %02d:%02d"), y, m, d, h, mi);
    else
        kh_html_text(o, day ? day : "");
}

/* ---- the page's records ------------------------------------------------------ */

/* One record of the page, copied (every string malloc'd or NULL). */
typedef struct arow {
    int64_t seq;
    int year;
    char *at, *actor, *action, *unit, *object, *oldv, *newv, *reason, *hash;
} arow;

static void arow_free(arow *a)
{
    char *f[] = {a->at,   a->actor, a->action, a->unit, a->object,
                 a->oldv, a->newv,  a->reason, a->hash};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        free(f[i]);
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

typedef struct audit_ctx {
    const char *actor, *action;
    size_t total;                /* matching records */
    size_t from, to;             /* the page: match indexes [from, to) */
    arow *rows;                  /* the page, oldest first */
    size_t nrows;
    bool counting;
} audit_ctx;

static bool audit_match(const audit_ctx *c, const kh_audit_row *row)
{
    if (c->actor && strcmp(row->rec.actor, c->actor) != 0)
        return false;
    if (c->action && (!row->rec.action ||
                      strncmp(row->rec.action, c->action,
                              strlen(c->action)) != 0))
        return false;
    return true;
}

static kh_status audit_cb(void *ctx, const kh_audit_row *row)
{
    audit_ctx *c = ctx;
    if (!audit_match(c, row))
        return KH_OK;
    size_t k = c->total++;
    if (c->counting || k < c->from || k >= c->to)
        return KH_OK;
    arow *a = &c->rows[c->nrows++];
    a->seq = row->seq;
    a->year = row->rec.year;
    a->at = dup_or_null(row->at);
    a->actor = dup_or_null(row->rec.actor);
    a->action = dup_or_null(row->rec.action);
    a->unit = dup_or_null(row->rec.unit);
    a->object = dup_or_null(row->rec.object);
    a->oldv = dup_or_null(row->rec.old_value);
    a->newv = dup_or_null(row->rec.new_value);
    a->reason = dup_or_null(row->rec.reason);
    a->hash = dup_or_null(row->hash);
    return KH_OK;
}

/* ---- summaries ------------------------------------------------------------- */

/* A state's label from a stored value ("self_check", "published sha256:…"). */
static const char *state_word(const char *v)
{
    char name[32];
    snprintf(name, sizeof name, "%s", v ? v : "");
    name[strcspn(name, " ")] = '\0';
    kh_year_state st;
    return kh_year_state_parse(name, &st) ? kh_year_state_label(st) : v;
}

/* Parses a stored JSON value into arena ar; NULL when it is not JSON. */
static const kh_node *json_of(const char *v, kh_arena *ar)
{
    if (!v || *v != '{')
        return NULL;
    kh_err *e = kh_err_new();
    kh_doc *d = NULL;
    const kh_node *top = NULL;
    if (!e || kh_doc_open_mem("audit", v, strlen(v), 'j', e, &d) != KH_OK ||
        kh_doc_read(d, ar, &top) != KH_OK || kh_doc_finish(d) != KH_OK)
        top = NULL;
    kh_doc_free(d);
    kh_err_free(e);
    return top && top->type == KH_NODE_MAP ? top : NULL;
}

static const char *scalar(const kh_node *n)
{
    if (!n || n->type != KH_NODE_SCALAR || kh_node_is_null(n))
        return "—";
    if (kh_node_eq(n, "true"))
        return W_("yes");
    if (kh_node_eq(n, "false"))
        return W_("no");
    return n->u.text;
}

static kh_status rubric_ref(void *ctx, const kh_year_info *y)
{
    snprintf(ctx, 256, "%s", y->rubric);
    return KH_OK;
}

/* The rubric of the year the page shows last (one load for the rows of
 * a year; freed by page_rubric(r, 0)). */
static const kh_rubric *page_rubric(web_req *r, int year)
{
    static _Thread_local kh_rubric *rb;
    static _Thread_local int rb_year;
    if (rb && rb_year == year)
        return rb;
    kh_rubric_free(rb);
    rb = NULL;
    rb_year = year;
    kh_err *e = year ? kh_err_new() : NULL;
    char ref[256] = "";
    if (e && kh_store_year_each(r->store, year, rubric_ref, ref, e) == KH_OK &&
        kh_store_rubric_load(r->store, ref, e, &rb, NULL) != KH_OK)
        rb = NULL;
    kh_err_free(e);
    return rb;
}

/* The label of input key of item (the rubric's term label), else key. */
/* The term that holds input key of item, or NULL. */
static const kh_term *input_term(const kh_rubric *rb, const char *item,
                                 const char *key)
{
    for (size_t i = 0; rb && i < kh_rubric_item_count(rb); i++) {
        if (strcmp(kh_rubric_item_id(rb, i), item) != 0)
            continue;
        int s = kh_rubric_item_slot_find(rb, i, key);
        return s >= 0 ? kh_rubric_item_slot(rb, i, (size_t)s) : NULL;
    }
    return NULL;
}

static const char *input_label(const kh_rubric *rb, const char *item,
                               const char *key)
{
    const kh_term *t = input_term(rb, item, key);
    const char *l = t ? kh_term_label(t) : NULL;
    return l ? l : key;
}

/* A choice's value by its option's label (on_time: 按时报送). */
static const char *value_label(const kh_rubric *rb, const char *item,
                               const char *key, const char *v)
{
    const kh_term *t = input_term(rb, item, key);
    int o = t && kh_term_option_count(t) ? kh_term_option_find(t, v) : -1;
    const char *l = o >= 0 ? kh_term_option_label(t, (size_t)o) : NULL;
    return l ? l : v;
}

/* entry.set: "2.2 自查 评分 4 → 3.5; 说明 …" from the two JSON values. */
static void entry_summary(web_req *r, kh_buf *o, const arow *a)
{
    char item[64] = "", phase[32] = "";
    const char *p1 = a->object ? strchr(a->object, '/') : NULL;
    const char *p2 = p1 ? strchr(p1 + 1, '/') : NULL;
    if (!p2)
        return;
    snprintf(item, sizeof item, "%.*s", (int)(p2 - p1 - 1), p1 + 1);
    snprintf(phase, sizeof phase, "%s", p2 + 1);
    const kh_rubric *rb = page_rubric(r, a->year);
    kh_arena *ar = kh_arena_new();
    const kh_node *ov = ar ? json_of(a->oldv, ar) : NULL;
    const kh_node *nv = ar ? json_of(a->newv, ar) : NULL;
    kh_html_text(o, item);
    kh_buf_putc(o, ' ');
    kh_buf_puts(o, strcmp(phase, "self") == 0 ? W_("self-check")
                                              : W_("inspection"));
    const kh_node *oi = ov ? kh_node_get(ov, "inputs") : NULL;
    const kh_node *ni = nv ? kh_node_get(nv, "inputs") : NULL;
    for (uint32_t k = 0; ni && ni->type == KH_NODE_MAP && k < ni->n; k++) {
        const kh_node *key = &ni->u.kids[2 * k];
        const char *was = scalar(oi && oi->type == KH_NODE_MAP
                                     ? kh_node_get(oi, key->u.text)
                                     : NULL);
        const char *is = scalar(&ni->u.kids[2 * k + 1]);
        if (strcmp(was, is) == 0)
            continue;
        kh_buf_putc(o, ' ');
        kh_html_text(o, input_label(rb, item, key->u.text));
        kh_buf_putc(o, ' ');
        kh_html_text(o, value_label(rb, item, key->u.text, was));
        kh_buf_puts(o, " → ");
        kh_html_text(o, value_label(rb, item, key->u.text, is));
    }
    const char *on = ov ? scalar(kh_node_get(ov, "note")) : "—";
    const char *nn = nv ? scalar(kh_node_get(nv, "note")) : "—";
    if (strcmp(on, nn) != 0) {
        kh_buf_printf(o, " %s ", W_("note:"));
        kh_html_text(o, nn);
    }
    kh_arena_free(ar);
}

/* unit.add / unit.change: the name (and kind or branch) now. */
static void unit_summary(kh_buf *o, const arow *a)
{
    kh_arena *ar = kh_arena_new();
    const kh_node *ov = ar ? json_of(a->oldv, ar) : NULL;
    const kh_node *nv = ar ? json_of(a->newv, ar) : NULL;
    const char *was = ov ? scalar(kh_node_get(ov, "name")) : NULL;
    const char *is = nv ? scalar(kh_node_get(nv, "name")) : NULL;
    if (was && is && strcmp(was, is) != 0) {
        kh_buf_printf(o, "%s ", W_("name"));
        kh_html_text(o, was);
        kh_buf_puts(o, " → ");
        kh_html_text(o, is);
    } else if (is) {
        kh_html_text(o, is);
    }
    kh_arena_free(ar);
}

/* Does v hold an English word (two ASCII letters in a row)?  Such a
 * record's value is for the raw record, not the summary. */
static bool has_word(const char *v)
{
    for (; v[0] && v[1]; v++)
        if (isalpha((unsigned char)v[0]) && isalpha((unsigned char)v[1]))
            return true;
    return false;
}

/* claim.approve "approved points=N": the points granted. */
static void claim_points(kh_buf *o, const char *v)
{
    const char *p = v ? strstr(v, "points=") : NULL;
    if (!p)
        return;
    p += strlen("points=");
    size_t n = strspn(p, "0123456789.");
    if (n == 0 || n > 16)
        return;
    char num[17];
    memcpy(num, p, n);
    num[n] = '\0';
    kh_buf_printf(o, W_("%s points granted"), num);
}

static void summary(web_req *r, kh_buf *o, const arow *a)
{
    const char *act = a->action ? a->action : "";
    if (!strcmp(act, "entry.set")) {
        entry_summary(r, o, a);
    } else if (!strcmp(act, "year.advance") || !strcmp(act, "year.reopen")) {
        kh_html_text(o, state_word(a->oldv));
        kh_buf_puts(o, " → ");
        kh_html_text(o, state_word(a->newv));
    } else if (!strcmp(act, "unit.add") || !strcmp(act, "unit.change")) {
        unit_summary(o, a);
    } else if (!strncmp(act, "user.", 5) || !strncmp(act, "web.", 4)) {
        kh_html_text(o, a->object);
    } else if (!strcmp(act, "claim.approve")) {
        claim_points(o, a->newv);
    } else if (a->newv && !strchr(a->newv, '\n') && strlen(a->newv) < 80 &&
               !has_word(a->newv)) {
        kh_html_text(o, a->newv);
    }
}

/* ---- rendering ------------------------------------------------------------- */

/* The unit's name for the row (the record's year), else its code. */
static void unit_cell(web_req *r, kh_buf *o, const char *unit)
{
    if (!unit)
        return;
    char *name = NULL;
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_unit_name(r->store, unit, &name, e)
                     : KH_ENOMEM;
    if (st != KH_ENOTFOUND)
        web_store_check(r, st, e);
    kh_html_text(o, name ? name : unit);
    free(name);
    kh_err_free(e);
}

/* The raw record, one click away. */
static void raw_record(kh_buf *o, const arow *a)
{
    kh_buf_printf(o, "<details><summary>%s</summary><dl class=\"raw\">",
                  W_("Record"));
    const struct {
        const char *k, *v;
    } f[] = {{N_("Action code"), a->action}, {N_("Object"), a->object},
             {N_("Old value"), a->oldv},     {N_("New value"), a->newv},
             {N_("Time (UTC)"), a->at},      {N_("SHA-256"), a->hash}};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        if (!f[i].v)
            continue;
        kh_buf_puts(o, "<dt>");
        kh_html_text(o, W_(f[i].k));
        kh_buf_puts(o, "</dt><dd><code>");
        kh_html_text(o, f[i].v);
        kh_buf_puts(o, "</code></dd>");
    }
    kh_buf_puts(o, "</dl></details>");
}

static void audit_row_out(web_req *r, const arow *a)
{
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<tr id=\"audit-%" PRId64 "\"><td class=\"num\">%" PRId64
                     "</td><td>", a->seq, a->seq);
    web_time_out(o, a->at);
    kh_buf_puts(o, "</td><td><span title=\"");
    kh_html_attr(o, a->actor);
    kh_buf_puts(o, "\">");
    web_person(r, o, a->actor);
    kh_buf_printf(o, "</span></td><td class=\"action\" data-action=\"");
    kh_html_attr(o, a->action);
    kh_buf_puts(o, "\">");
    kh_html_text(o, action_label(a->action));
    /* data-label: the column's name on a phone, where rows are cards */
    kh_buf_printf(o, "</td><td data-label=\"%s\">", W_("Year"));
    if (a->year)
        kh_buf_printf(o, "%d", a->year);
    kh_buf_printf(o, "</td><td data-label=\"%s\">", W_("Unit"));
    unit_cell(r, o, a->unit);
    kh_buf_printf(o, "</td><td class=\"wrap summary\" data-label=\"%s\">",
                  W_("What changed"));
    summary(r, o, a);
    kh_buf_printf(o, "</td><td class=\"wrap\" data-label=\"%s\">",
                  W_("Reason"));
    kh_html_text(o, a->reason);
    kh_buf_puts(o, "</td><td>");
    raw_record(o, a);
    kh_buf_puts(o, "</td></tr>\n");
}

static void audit_link(kh_buf *o, int year, const char *unit,
                       const char *actor, const char *action, size_t page)
{
    kh_buf_printf(o, "/audit?page=%zu", page);
    if (year)
        kh_buf_printf(o, "&amp;year=%d", year);
    struct {
        const char *k, *v;
    } q[] = {{"unit", unit}, {"actor", actor}, {"action", action}};
    for (size_t i = 0; i < 3; i++) {
        if (!q[i].v)
            continue;
        kh_buf_printf(o, "&amp;%s=", q[i].k);
        kh_html_url(o, q[i].v);
    }
}

/* ---- the filter's pickers ------------------------------------------------------ */

typedef struct pick_ctx {
    kh_buf *o;
    const char *cur;
    kh_buf seen;                 /* "\nID\n" of the options written */
} pick_ctx;

static void option(pick_ctx *c, const char *value, const char *label)
{
    kh_buf key;
    kh_buf_init(&key, 0);
    kh_buf_printf(&key, "\n%s\n", value);
    if (c->seen.len && strstr(kh_buf_str(&c->seen), kh_buf_str(&key))) {
        kh_buf_free(&key);
        return;
    }
    kh_buf_printf(&c->seen, "%s", kh_buf_str(&key) + 1);
    kh_buf_free(&key);
    kh_buf_puts(c->o, "<option value=\"");
    kh_html_attr(c->o, value);
    kh_buf_printf(c->o, "\"%s>", c->cur && strcmp(c->cur, value) == 0
                                      ? " selected"
                                      : "");
    kh_html_text(c->o, label);
    kh_buf_puts(c->o, "</option>");
}

static kh_status unit_opt(void *ctx, const kh_unit_row *u)
{
    option(ctx, u->id, u->name);
    return KH_OK;
}

typedef struct years_units {
    web_req *r;
    pick_ctx *p;
} years_units;

static kh_status year_units(void *ctx, const kh_year_info *y)
{
    years_units *c = ctx;
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_unit_each(c->r->store, y->year, unit_opt,
                                          c->p, e)
                     : KH_ENOMEM;
    web_store_check(c->r, st, e);
    kh_err_free(e);
    return KH_OK;
}

static kh_status user_opt(void *ctx, const kh_user_row *u)
{
    /* the person's name with the role, the login only without a name */
    kh_buf label;
    kh_buf_init(&label, 0);
    if (u->display_name)
        kh_buf_printf(&label, W_("%s, %s"), u->display_name,
                      kh_role_label(u->role));
    option(ctx, u->name,
           u->display_name && label.len ? kh_buf_str(&label) : u->name);
    kh_buf_free(&label);
    return KH_OK;
}

/* A <select> opened with its label and "all". */
static void select_open(pick_ctx *c, const char *label, const char *name)
{
    kh_buf_printf(c->o, "<label>%s <select name=\"%s\"><option value=\"\">%s"
                        "</option>", label, name, W_("all"));
    kh_buf_init(&c->seen, 0);
    kh_buf_puts(&c->seen, "\n");
}

static void select_close(pick_ctx *c)
{
    kh_buf_puts(c->o, "</select></label> ");
    kh_buf_free(&c->seen);
}

/* The units of the year (or of every year, newest name last). */
static void unit_select(web_req *r, int year, const char *cur, kh_err *e)
{
    pick_ctx c = {&r->out, cur, {0}};
    select_open(&c, W_("Unit"), "unit");
    years_units yu = {r, &c};
    kh_err_clear(e);
    if (year)
        web_store_check(r, kh_store_unit_each(r->store, year, unit_opt, &c, e),
                        e);
    else
        web_store_check(r, kh_store_year_each(r->store, 0, year_units, &yu,
                                              e), e);
    if (cur)
        option(&c, cur, cur);   /* a code typed into the URL stays shown */
    select_close(&c);
}

static void filter_form(web_req *r, int year, const char *unit,
                        const char *actor, const char *action, kh_err *e)
{
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<form method=\"get\" action=\"/audit\" id=\"audit-"
                     "filter\" class=\"noprint\"><label>%s <input type=\""
                     "number\" name=\"year\" min=\"%d\" max=\"%d\" value=\"",
                  W_("Year"), KH_YEAR_MIN, KH_YEAR_MAX);
    if (year)
        kh_buf_printf(o, "%d", year);
    kh_buf_puts(o, "\"></label> ");
    unit_select(r, year, unit, e);
    pick_ctx c = {o, actor, {0}};
    select_open(&c, W_("User"), "actor");
    kh_err_clear(e);
    web_store_check(r, kh_store_user_each(r->store, NULL, user_opt, &c, e), e);
    if (actor)
        option(&c, actor, actor);   /* the CLI's actors are not users */
    select_close(&c);
    pick_ctx ca = {o, action, {0}};
    select_open(&ca, W_("Action"), "action");
    for (size_t i = 0; i < NACTIONS; i++)
        option(&ca, ACTIONS[i].action, W_(ACTIONS[i].label));
    if (action)
        option(&ca, action, action);
    select_close(&ca);
    kh_buf_printf(o, "<button type=\"submit\">%s</button></form>\n",
                  W_("Filter"));
}

/* The chain's check, shown above the records. */
static void verify_line(web_req *r, kh_err *e)
{
    kh_buf *o = &r->out;
    int64_t count = 0;
    kh_err_clear(e);
    kh_status vst = kh_store_audit_verify(r->store, &count, e);
    if (vst != KH_EINVAL)   /* a broken chain is shown; a failure fails */
        web_store_check(r, vst, e);
    if (vst == KH_OK) {
        kh_buf_puts(o, "<p class=\"msg ok\" id=\"audit-verify\">");
        kh_buf_printf(o, W_("The audit log checks out: %" PRId64 " records, "
                            "the hash chain is whole."), count);
        kh_buf_puts(o, "</p>\n");
        return;
    }
    kh_buf_printf(o, "<p class=\"msg error\" id=\"audit-verify\">%s",
                  W_("The audit log does not check out: "));
    for (size_t i = 0; i < kh_err_count(e); i++)
        kh_html_text(o, web_msg_text(kh_err_get(e, i)));
    kh_buf_puts(o, "</p>\n");
}

static const char *query(web_req *r, const char *name)
{
    const char *v = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND,
                                                name);
    return v && *v ? v : NULL;
}

/* Counts the matches, then copies the page's records: c->rows. */
static size_t load_page(web_req *r, int year, const char *unit,
                        audit_ctx *c, long *page, kh_err *e)
{
    web_store_check(r, kh_store_audit_each(r->store, year, unit, audit_cb, c,
                                           e), e);
    /* Newest first: page 1 holds the last WEB_AUDIT_PAGE matches. */
    size_t pages = c->total ? (c->total + WEB_AUDIT_PAGE - 1) / WEB_AUDIT_PAGE
                            : 1;
    if ((size_t)*page > pages)
        *page = (long)pages;
    size_t skip = (size_t)(*page - 1) * WEB_AUDIT_PAGE;
    c->to = c->total > skip ? c->total - skip : 0;
    c->from = c->to > WEB_AUDIT_PAGE ? c->to - WEB_AUDIT_PAGE : 0;
    c->rows = calloc(WEB_AUDIT_PAGE + 1, sizeof *c->rows);
    c->counting = false;
    c->total = 0;
    kh_err_clear(e);
    if (c->rows)
        web_store_check(r, kh_store_audit_each(r->store, year, unit, audit_cb,
                                               c, e), e);
    return pages;
}

static void pager(kh_buf *o, int year, const char *unit, const char *actor,
                  const char *action, long page, size_t pages)
{
    kh_buf_puts(o, "<nav id=\"audit-pages\" class=\"noprint\">");
    if (page > 1) {
        kh_buf_puts(o, "<a id=\"audit-prev\" href=\"");
        audit_link(o, year, unit, actor, action, (size_t)page - 1);
        kh_buf_printf(o, "\">%s</a> ", W_("Newer"));
    }
    if ((size_t)page < pages) {
        kh_buf_puts(o, "<a id=\"audit-next\" href=\"");
        audit_link(o, year, unit, actor, action, (size_t)page + 1);
        kh_buf_printf(o, "\">%s</a>", W_("Older"));
    }
    kh_buf_puts(o, "</nav>\n");
}

void web_page_audit(web_req *r)
{
    const char *ys = query(r, "year"), *unit = query(r, "unit");
    const char *actor = query(r, "actor"), *action = query(r, "action");
    const char *ps = query(r, "page");
    int year = ys ? atoi(ys) : 0;
    if (year < 0 || year > KH_YEAR_MAX)
        year = 0;
    long page = ps ? strtol(ps, NULL, 10) : 1;
    if (page < 1)
        page = 1;
    audit_ctx c = {actor, action, 0, 0, 0, NULL, 0, true};
    kh_err *e = kh_err_new();
    if (!e) {
        web_fail_why(r, KH_ENOMEM, "out of memory");
        return;
    }
    size_t pages = load_page(r, year, unit, &c, &page, e);
    web_page_begin(r, W_("Audit log"));
    kh_buf *o = &r->out;
    verify_line(r, e);
    filter_form(r, year, unit, actor, action, e);
    kh_buf_puts(o, "<p id=\"audit-count\">");
    kh_buf_printf(o, W_("%zu records match; page %ld of %zu (newest first)."),
                  c.total, page, pages);
    kh_buf_printf(o, "</p>\n<div class=\"wide\"><table id=\"audit\"><thead>"
                     "<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s"
                     "</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>"
                     "</thead><tbody>\n", W_("No."), W_("Time (Beijing)"),
                  W_("By"), W_("Action"), W_("Year"), W_("Unit"),
                  W_("What changed"), W_("Reason"), W_("Record"));
    for (size_t i = c.nrows; i-- > 0;) {
        audit_row_out(r, &c.rows[i]);
        arow_free(&c.rows[i]);
    }
    free(c.rows);
    page_rubric(r, 0);
    kh_buf_puts(o, "</tbody></table></div>\n");
    pager(o, year, unit, actor, action, page, pages);
    kh_err_free(e);
    web_page_end(r);
}
