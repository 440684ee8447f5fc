/*
 * web_form.c - the self-check and inspection form of one unit and phase
 * (issue 11 item 1): one page whose items are saved one by one by the
 * page script (kaohe.js, through the JSON entry API with each item's
 * version), or all at once without JavaScript by 保存全部 (POST
 * /years/Y/units/U/PHASE); the one-item POST of older clients
 * (.../PHASE/ITEM) goes through the same code.
 *
 * A save that is refused never loses what was typed: the page comes
 * back (422) with every posted value and each refusal beside its field.
 * Each item is its own store write (its own transaction and version):
 * a partly refused 保存全部 keeps the items that passed (docs/DESIGN.md,
 * "The entry form").
 *
 * Field names of the whole form: in_NAME.ITEM, has_NAME.ITEM (a
 * checkbox was shown, older clients), note.ITEM, version.ITEM; the
 * one-item POST uses the names without .ITEM.  Element ids: #entry (the form), #item-ID
 * (an item's section), #status-ID, #err-ID, #form-progress, #save-all.
 */
#include "web.h"

#include <inttypes.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kaohe/score.h"
#include "kaohe/cnday.h"

/* What the page knows of one item beyond the cached model. */
typedef struct form_item {
    int64_t version;            /* the stored version, 0: none */
    char saved_at[32];          /* Beijing time of the last save, or "" */
    bool posted;                /* the values below were posted */
    bool saved;                 /* ... and saved by this request */
    char **vals;                /* posted value per slot (owned; NULL: none) */
    char *note;                 /* posted note (owned) */
    kh_buf *msgs;               /* per slot, and [slots] for the item */
    size_t nmsgs;               /* slots + 1 */
    bool refused;
    bool unsaved;               /* posted, changed, not saved: the store
                                 * failed (busy, full) */
} form_item;

typedef struct form_state {
    size_t n;                   /* rubric items */
    form_item *it;
    size_t saved, refused, conflicts;
    unsigned failed;            /* the store failed: 503/507/500, 0: no */
    kh_buf fail_msg;            /* what to say above the form */
} form_state;

/* ---- the state: versions and save times from the store ------------ */

static void form_state_free(form_state *fs)
{
    for (size_t i = 0; fs->it && i < fs->n; i++) {
        form_item *f = &fs->it[i];
        for (size_t s = 0; f->msgs && s < f->nmsgs; s++)
            kh_buf_free(&f->msgs[s]);
        free(f->msgs);
        for (size_t s = 0; f->vals && s < f->nmsgs; s++)
            free(f->vals[s]);
        free(f->vals);
        free(f->note);
    }
    free(fs->it);
    kh_buf_free(&fs->fail_msg);
}

/* Beijing time (UTC+8) of a store time stamp "YYYY-MM-DDTHH:MM:SSZ":
 * "HH:MM" when it is today, else "M月D日 HH:MM". */
static void beijing_time(const char *iso, int64_t now, char *out, size_t sz)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    out[0] = '\0';
    if (!iso || sscanf(iso, "%d-%d-%dT%d:%d", &tm.tm_year, &tm.tm_mon,
                       &tm.tm_mday, &tm.tm_hour, &tm.tm_min) != 5)
        return;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm) + KH_CNDAY_OFFSET;
    time_t n = (time_t)now + KH_CNDAY_OFFSET;
    struct tm a, b;
    if (!gmtime_r(&t, &a) || !gmtime_r(&n, &b))
        return;
    if (a.tm_year == b.tm_year && a.tm_yday == b.tm_yday)
        snprintf(out, sz, "%02d:%02d", a.tm_hour, a.tm_min);
    else
        snprintf(out, sz, W_("%d/%d %02d:%02d"), a.tm_mon + 1, a.tm_mday,
                 a.tm_hour, a.tm_min);
}

typedef struct load_ctx {
    web_req *r;
    const kh_rubric *rb;
    kh_phase phase;
    form_state *fs;
} load_ctx;

static kh_status load_cb(void *ctx, const kh_entry_row *row)
{
    load_ctx *c = ctx;
    if (row->phase != c->phase)
        return KH_OK;
    int i = kh_rubric_item_find(c->rb, row->item);
    if (i < 0)
        return KH_OK;
    form_item *f = &c->fs->it[i];
    f->version = row->version;
    beijing_time(row->updated_at, c->r->now, f->saved_at, sizeof f->saved_at);
    return KH_OK;
}

/* One store read for the unit's versions and save times.  False when
 * it failed (recorded on the request) or on OOM. */
static bool form_state_load(web_req *r, const web_year *y, const char *unit,
                            kh_phase phase, form_state *fs)
{
    memset(fs, 0, sizeof *fs);
    kh_buf_init(&fs->fail_msg, 0);
    fs->n = kh_rubric_item_count(y->rubric);
    fs->it = calloc(fs->n + 1, sizeof *fs->it);
    for (size_t i = 0; fs->it && i < fs->n; i++) {
        size_t ns = kh_rubric_item_slots(y->rubric, i) + 1;
        form_item *f = &fs->it[i];
        f->msgs = calloc(ns, sizeof *f->msgs);
        f->vals = calloc(ns, sizeof *f->vals);
        if (!f->msgs || !f->vals)
            return false;
        f->nmsgs = ns;
        for (size_t s = 0; s < ns; s++)
            kh_buf_init(&f->msgs[s], 0);
    }
    kh_err *e = kh_err_new();
    if (!fs->it || !e) {
        kh_err_free(e);
        return false;
    }
    load_ctx c = {r, y->rubric, phase, fs};
    kh_status st = kh_store_entry_each(r->store, y->year, unit, NULL, load_cb,
                                       &c, e);
    bool ok = web_store_check(r, st, e);
    kh_err_free(e);
    return ok;
}

/* ---- values as the form writes them --------------------------------- */

/* The stored value of slot s as a form field holds it ("" when none). */
static void stored_value(const kh_term *t, const kh_entry *en, size_t s,
                         kh_buf *o)
{
    bool present = false;
    kh_cp v = en ? kh_entry_value(en, s, &present) : 0;
    if (!present)
        return;
    switch (kh_term_get_kind(t)) {
    case KH_TERM_CHECK:
        kh_buf_puts(o, v ? "true" : "false");
        break;
    case KH_TERM_CHOICE:
        kh_buf_puts(o, kh_term_option_id(t, (size_t)v));
        break;
    case KH_TERM_COUNT:
    case KH_TERM_DEDUCT:
        kh_buf_printf(o, "%" PRId64, v / 100);
        break;
    default:
        web_cp_out(o, v);
        break;
    }
}

/* The same as people read it (the self value beside the inspector's). */
static void value_text(const kh_term *t, const kh_entry *en, size_t s,
                       kh_buf *o)
{
    bool present = false;
    kh_cp v = en ? kh_entry_value(en, s, &present) : 0;
    if (!present)
        return;
    switch (kh_term_get_kind(t)) {
    case KH_TERM_CHECK:
        kh_buf_puts(o, v ? W_("yes") : W_("no"));
        break;
    case KH_TERM_CHOICE:
        kh_buf_puts(o, kh_term_option_label(t, (size_t)v)
                           ? kh_term_option_label(t, (size_t)v)
                           : kh_term_option_id(t, (size_t)v));
        break;
    default:
        stored_value(t, en, s, o);
        break;
    }
}

/* The name of a field: PREFIX NAME, then .ITEM on the whole form. */
static void field_name(kh_buf *o, const char *prefix, const char *name,
                       const char *item)
{
    kh_buf_reset(o);
    kh_buf_puts(o, prefix);
    kh_buf_puts(o, name);
    if (item) {
        kh_buf_putc(o, '.');   /* a byte no form encoding escapes */
        kh_buf_puts(o, item);
    }
}

/* ---- the page ------------------------------------------------------- */

typedef struct form_page {
    web_req *r;
    const web_year *y;
    const char *unit;
    kh_phase phase;
    size_t u;                   /* unit index */
    bool write;                 /* the user may save */
    form_state *fs;
} form_page;

static void attr_name(kh_buf *o, const char *prefix, const char *name,
                      const char *item)
{
    kh_buf n;
    kh_buf_init(&n, 0);
    field_name(&n, prefix, name, item);
    kh_buf_puts(o, " name=\"");
    kh_html_attr(o, kh_buf_str(&n));
    kh_buf_puts(o, "\" form=\"entry\"");
    kh_buf_free(&n);
}

/* One control of slot t holding val ("" none); id: the control's id. */
static void widget(form_page *p, kh_buf *o, const kh_term *t, const char *iid,
                   const char *val, const char *id)
{
    const char *name = kh_term_input(t);
    const char *dis = p->write ? "" : " disabled";
    switch (kh_term_get_kind(t)) {
    case KH_TERM_CHECK:
        /* 是 / 否 as two buttons: a saved 否 is not an untouched box */
        for (int k = 1; k >= 0; k--) {
            const char *v = k ? "true" : "false";
            kh_buf_puts(o, "<label class=\"opt\"><input type=\"radio\"");
            attr_name(o, "in_", name, iid);
            kh_buf_printf(o, " value=\"%s\"%s%s> ", v,
                          strcmp(val, v) == 0 ? " checked" : "", dis);
            kh_html_text(o, k ? W_("yes") : W_("no"));
            kh_buf_puts(o, "</label> ");
        }
        break;
    case KH_TERM_COUNT:
    case KH_TERM_DEDUCT:
    case KH_TERM_JUDGEMENT:
        kh_buf_puts(o, "<input type=\"text\" inputmode=\"decimal\" "
                       "autocomplete=\"off\" size=\"6\" id=\"");
        kh_html_attr(o, id);
        kh_buf_putc(o, '"');
        attr_name(o, "in_", name, iid);
        kh_buf_puts(o, " value=\"");
        kh_html_attr(o, val);
        kh_buf_printf(o, "\"%s>", dis);
        break;
    case KH_TERM_CHOICE:
        for (size_t k = 0; k < kh_term_option_count(t); k++) {
            const char *oid = kh_term_option_id(t, k);
            kh_buf_puts(o, "<label class=\"opt\"><input type=\"radio\"");
            attr_name(o, "in_", name, iid);
            kh_buf_puts(o, " value=\"");
            kh_html_attr(o, oid);
            kh_buf_printf(o, "\"%s%s> ", strcmp(val, oid) == 0 ? " checked" : "",
                          dis);
            kh_html_text(o, kh_term_option_label(t, k) ? kh_term_option_label(t, k)
                                                        : oid);
            kh_buf_puts(o, "</label> ");
        }
        break;
    case KH_TERM_GROUP:
        break;
    }
}

/* The one hint of a field (its describe text names the points and the
 * step already): only what it does not say. */
static void hint(kh_buf *o, const kh_term *t)
{
    if (kh_term_get_kind(t) == KH_TERM_JUDGEMENT) {
        kh_buf_puts(o, "<small class=\"hint\">");
        kh_html_text(o, W_("below full marks: say why in the note"));
        kh_buf_puts(o, "</small>");
    }
}

/* A field's messages, beside it. */
static void field_msgs(kh_buf *o, const kh_buf *m)
{
    if (!m->len)
        return;
    kh_buf_puts(o, "<span class=\"field-error\" role=\"alert\">");
    kh_html_text(o, kh_buf_str(m));
    kh_buf_puts(o, "</span>");
}

/* The shown value of slot s: the posted one, else the stored one. */
static void shown_value(const form_item *f, const kh_term *t,
                        const kh_entry *en, size_t s, kh_buf *o)
{
    kh_buf_reset(o);
    if (f->posted)
        kh_buf_puts(o, f->vals[s] ? f->vals[s] : "");
    else
        stored_value(t, en, s, o);
}

static void slot_field(form_page *p, size_t i, size_t s)
{
    kh_buf *o = &p->r->out;
    const kh_rubric *rb = p->y->rubric;
    const kh_assess *a = p->y->assess;
    const kh_term *t = kh_rubric_item_slot(rb, i, s);
    const char *iid = kh_rubric_item_id(rb, i);
    const kh_entry *en = kh_assess_entry(a, p->u, i, p->phase);
    const kh_entry *self = kh_assess_entry(a, p->u, i, KH_PHASE_SELF);
    bool insp = p->phase == KH_PHASE_INSPECTION;
    form_item *f = &p->fs->it[i];
    kh_buf val, theirs, id, d;
    kh_buf_init(&val, 0);
    kh_buf_init(&theirs, 0);
    kh_buf_init(&id, 0);
    kh_buf_init(&d, 0);
    shown_value(f, t, en, s, &val);
    kh_buf mine;
    kh_buf_init(&mine, 0);
    value_text(t, en, s, &mine);
    value_text(t, self, s, &theirs);
    bool gap = insp && strcmp(kh_buf_str(&mine), kh_buf_str(&theirs)) != 0;
    kh_buf_free(&mine);
    kh_buf_printf(&id, "f-%s-%s", iid, kh_term_input(t));
    kh_term_describe(t, &d);
    kh_buf_printf(o, "<div class=\"field%s%s\" data-label=\"",
                  gap ? " gap" : "", f->msgs[s].len ? " invalid" : "");
    kh_html_attr(o, kh_term_label(t) ? kh_term_label(t) : kh_term_input(t));
    kh_buf_puts(o, "\" data-input=\"");
    kh_html_attr(o, kh_term_input(t));
    bool choice = kh_term_get_kind(t) == KH_TERM_CHOICE ||
                  kh_term_get_kind(t) == KH_TERM_CHECK;
    kh_buf_puts(o, choice ? "\"><span class=\"label\">" : "\"><label for=\"");
    if (!choice) {
        kh_html_attr(o, kh_buf_str(&id));
        kh_buf_puts(o, "\">");
    }
    kh_html_text(o, kh_buf_str(&d));
    kh_buf_puts(o, choice ? "</span> " : "</label> ");
    widget(p, o, t, iid, kh_buf_str(&val), kh_buf_str(&id));
    hint(o, t);
    if (insp) {
        kh_buf_puts(o, " <span class=\"self\">");
        kh_html_text(o, W_("self-check: "));
        kh_html_text(o, theirs.len ? kh_buf_str(&theirs) : W_("not filled"));
        kh_buf_puts(o, "</span>");
        web_survey_suggestion(p->r, p->y->year, p->unit, iid, t, p->write, o);
    }
    field_msgs(o, &f->msgs[s]);
    kh_buf_puts(o, "</div>");
    kh_buf_free(&val);
    kh_buf_free(&theirs);
    kh_buf_free(&id);
    kh_buf_free(&d);
}

/* The status line of an item: 已保存 HH:MM, 未填 or 有误. */
static void item_status(kh_buf *o, const char *iid, const form_item *f)
{
    const char *cls = f->refused || f->unsaved ? "error"
                      : f->version           ? "saved"
                                             : "empty";
    kh_buf_printf(o, "<p class=\"status %s\" id=\"status-", cls);
    kh_html_attr(o, iid);
    kh_buf_puts(o, "\" aria-live=\"polite\">");
    if (f->unsaved) {
        kh_html_text(o, W_("not saved"));
    } else if (f->refused) {
        kh_html_text(o, W_("has errors, not saved"));
    } else if (f->version) {
        kh_buf s;
        kh_buf_init(&s, 0);
        kh_buf_printf(&s, W_("saved %s"), f->saved_at);
        kh_html_text(o, kh_buf_str(&s));
        kh_buf_free(&s);
    } else {
        kh_html_text(o, W_("not filled"));
    }
    kh_buf_puts(o, "</p>");
}

static void item_head(form_page *p, size_t i)
{
    kh_buf *o = &p->r->out;
    const kh_rubric *rb = p->y->rubric;
    const char *iid = kh_rubric_item_id(rb, i);
    form_item *f = &p->fs->it[i];
    kh_buf_printf(o, "<section class=\"item %s\" id=\"item-",
                  f->refused ? "error" : f->version ? "saved" : "empty");
    kh_html_attr(o, iid);
    kh_buf_puts(o, "\" data-item=\"");
    kh_html_attr(o, iid);
    kh_buf_printf(o, "\" data-version=\"%" PRId64 "\"><h3>", f->version);
    kh_html_text(o, iid);
    kh_buf_puts(o, " ");
    kh_html_text(o, kh_rubric_item_text(rb, i));
    kh_buf_puts(o, "（");
    kh_html_text(o, W_("full marks "));
    web_cp_out(o, kh_rubric_item_max(rb, i));
    kh_buf_puts(o, "，");
    kh_html_text(o, W_("score "));
    kh_buf_puts(o, "<span class=\"score\">");
    web_cp_out(o, kh_score_item(p->y->assess, p->u, i, p->phase));
    kh_buf_puts(o, "</span>）");
    if (web_dept_item(rb, i)) {
        kh_buf_printf(o, " <span class=\"dept\">%s ", W_("supplied by"));
        kh_html_text(o, web_dept_item_provider(rb, i));
        kh_buf_puts(o, "</span>");
    }
    kh_buf_puts(o, "</h3>");
    item_status(o, iid, f);
    kh_buf_puts(o, "<p class=\"std\">");
    kh_html_text(o, kh_rubric_item_standard(rb, i));
    kh_buf_puts(o, "</p>");
}

static void item_note(form_page *p, size_t i)
{
    kh_buf *o = &p->r->out;
    const char *iid = kh_rubric_item_id(p->y->rubric, i);
    const kh_entry *en = kh_assess_entry(p->y->assess, p->u, i, p->phase);
    const kh_entry *self = kh_assess_entry(p->y->assess, p->u, i, KH_PHASE_SELF);
    form_item *f = &p->fs->it[i];
    size_t ns = kh_rubric_item_slots(p->y->rubric, i);
    kh_buf_puts(o, "<div class=\"field note\" data-label=\"");
    kh_html_attr(o, W_("note"));
    kh_buf_puts(o, "\"><label>");
    kh_html_text(o, W_("note"));
    kh_buf_puts(o, " <textarea rows=\"2\" cols=\"60\"");
    attr_name(o, "note", "", iid);
    kh_buf_puts(o, p->write ? ">" : " disabled>");
    kh_html_text(o, f->posted ? f->note : en ? kh_entry_note(en) : NULL);
    kh_buf_puts(o, "</textarea></label>");
    kh_buf_puts(o, "<span class=\"item-error\" id=\"err-");
    kh_html_attr(o, iid);
    kh_buf_puts(o, "\" role=\"alert\">");
    kh_html_text(o, kh_buf_str(&f->msgs[ns]));
    kh_buf_puts(o, "</span></div>");
    if (p->phase == KH_PHASE_INSPECTION && self && kh_entry_note(self)) {
        kh_buf_puts(o, "<p class=\"std\">");
        kh_html_text(o, W_("self-check note: "));
        kh_html_text(o, kh_entry_note(self));
        kh_buf_puts(o, "</p>");
    }
    kh_buf_printf(o, "<input type=\"hidden\" value=\"%" PRId64 "\"", f->version);
    attr_name(o, "version", "", iid);
    kh_buf_puts(o, ">");
}

static void item_section(form_page *p, size_t i)
{
    const char *iid = kh_rubric_item_id(p->y->rubric, i);
    item_head(p, i);
    for (size_t s = 0; s < kh_rubric_item_slots(p->y->rubric, i); s++)
        if (!kh_term_roster(kh_rubric_item_slot(p->y->rubric, i, s)))
            slot_field(p, i, s);   /* a roster's slot comes from the roster */
    item_note(p, i);
    if (p->phase == KH_PHASE_INSPECTION)   /* what the team heard on site */
        web_onsite_findings(p->r, p->y->year, p->unit, iid, &p->r->out);
    /* its own upload form: #entry is closed above, nothing is nested */
    web_evidence_block(p->r, p->y->year, p->unit, p->phase, iid, p->write);
    kh_buf_puts(&p->r->out, "</section>\n");
}

/* The texts of the page script, from the catalogue (kaohe.js reads
 * them: no Chinese in the script). */
static void script_texts(kh_buf *o)
{
    static const char *const keys[][2] = {
        {"saved", N_("saved %s")},
        {"saving", N_("saving…")},
        {"empty", N_("not filled")},
        {"error", N_("has errors, not saved")},
        {"draft", N_("typed, not saved yet")},
        {"conflict", N_("Someone else changed this item since you opened "
                        "the page; your value is kept here but not saved. "
                        "Change this item again to replace theirs, or "
                        "reload the page to see theirs.")},
        {"offline", N_("Not saved: the server cannot be reached. What you "
                       "typed is kept in this browser.")},
        {"expiring", N_("Your login expires in about two minutes; typing "
                        "or any click keeps it.")},
        {"expired", N_("Your login has expired. What you typed is kept in "
                       "this browser: log in again to save it.")},
        {"login", N_("Log in again")},
        {"field", N_("item %s \"%s\": %s")},
        {"pre", "unit %s item %s: %s"},     /* stripped: the engine's start */
        {"restored", N_("Unsaved values typed earlier in this browser were "
                        "restored; they are being saved.")},
    };
    kh_buf_puts(o, "<script type=\"application/json\" id=\"form-text\">{");
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        kh_buf_printf(o, "%s\"%s\":", k ? "," : "", keys[k][0]);
        web_json_str(o, W_(keys[k][1]));
    }
    kh_buf_puts(o, "}</script>\n");
}

/* The empty form every field names (form="entry"), with the page
 * script's settings. */
static void form_open(form_page *p)
{
    kh_buf *o = &p->r->out;
    kh_buf_printf(o, "<form method=\"post\" id=\"entry\" action=\"/years/%d"
                     "/units/", p->y->year);
    kh_html_url(o, p->unit);
    kh_buf_printf(o, "/%s\" data-year=\"%d\" data-phase=\"%s\" data-unit=\"",
                  kh_phase_name(p->phase), p->y->year, kh_phase_name(p->phase));
    kh_html_attr(o, p->unit);
    kh_buf_puts(o, "\" data-user=\"");
    kh_html_attr(o, p->r->sess.user);
    kh_buf_printf(o, "\" data-idle=\"%" PRId64 "\" data-write=\"%d\">",
                  p->r->app->session_idle, p->write ? 1 : 0);
    web_csrf_field(p->r);
    kh_buf_puts(o, "</form>\n");
    script_texts(o);
}

/* The sticky bar: filled of applicable, the running total, the links to
 * the missing items and 保存全部. */
static void progress_bar(form_page *p)
{
    kh_buf *o = &p->r->out;
    const kh_rubric *rb = p->y->rubric;
    size_t k = kh_assess_unit_kind(p->y->assess, p->u);
    size_t filled = 0, all = 0;
    kh_cp total = 0;
    kh_buf missing;
    kh_buf_init(&missing, 0);
    for (size_t i = 0; i < kh_rubric_item_count(rb); i++) {
        if (!kh_rubric_item_applies(rb, i, k))
            continue;
        all++;
        total += kh_score_item(p->y->assess, p->u, i, p->phase);
        if (p->fs->it[i].version) {
            filled++;
            continue;
        }
        const char *iid = kh_rubric_item_id(rb, i);
        kh_buf_puts(&missing, " <a href=\"#item-");
        kh_html_attr(&missing, iid);
        kh_buf_puts(&missing, "\">");
        kh_html_text(&missing, iid);
        kh_buf_puts(&missing, "</a>");
    }
    kh_buf_puts(o, "<div class=\"progress\" id=\"form-progress\"><span>");
    kh_html_text(o, W_("filled"));
    kh_buf_printf(o, " <b id=\"filled-n\">%zu</b> / <b id=\"applicable-n\">%zu"
                     "</b></span><span>", filled, all);
    kh_html_text(o, W_("total"));
    kh_buf_puts(o, " <b id=\"total\">");
    web_cp_out(o, total);
    kh_buf_puts(o, "</b> ");
    kh_html_text(o, W_("points"));
    kh_buf_puts(o, "</span><span id=\"missing\"");
    kh_buf_puts(o, missing.len ? ">" : " hidden>");
    kh_html_text(o, W_("missing:"));
    kh_buf_add(o, missing.data, missing.len);
    kh_buf_puts(o, "</span><span id=\"autosave\" aria-live=\"polite\"></span>");
    if (p->write) {
        kh_buf_puts(o, "<button type=\"submit\" form=\"entry\" id=\"save-all\">");
        kh_html_text(o, W_("Save all"));
        kh_buf_puts(o, "</button>");
    }
    kh_buf_puts(o, "</div>\n");
    kh_buf_free(&missing);
}

static void page_msgs(form_page *p)
{
    kh_buf *o = &p->r->out;
    web_req *r = p->r;
    kh_buf m;
    kh_buf_init(&m, 0);
    if (p->fs->failed) {
        web_msg_box(o, "error", kh_buf_str(&p->fs->fail_msg));
    } else if (p->fs->refused) {
        kh_buf_printf(&m, W_("%zu item(s) saved; %zu item(s) were not saved: "
                             "see the messages beside them, your values are "
                             "kept."), p->fs->saved, p->fs->refused);
        web_msg_box(o, "error", kh_buf_str(&m));
    } else if (MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND,
                                           "saved")) {
        web_msg_box(o, "ok", W_("Saved."));
    }
    kh_buf_free(&m);
    if (MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "evidence"))
        web_msg_box(o, "ok", W_("The evidence was uploaded."));
    if (!p->write)
        web_msg_box(o, "", W_("This phase or your role does not allow changes "
                              "to this form; it is shown read-only."));
    web_roster_warning(r, p->y, (long)p->u);
}

static void render(web_req *r, const web_year *y, const char *unit,
                   kh_phase phase, form_state *fs)
{
    long u = kh_assess_unit_find(y->assess, unit);
    bool insp = phase == KH_PHASE_INSPECTION;
    form_page p = {r, y, unit, phase, (size_t)u, false, fs};
    p.write = web_may_entry(r, y->year, unit, phase, WEB_WRITE) &&
              (insp ? (y->state == KH_YEAR_INSPECTION ||
                       y->state == KH_YEAR_REVIEW)
                    : y->state == KH_YEAR_SELF_CHECK);
    kh_buf title;
    kh_buf_init(&title, 0);
    kh_buf_printf(&title, "%s：%s",
                  insp ? W_("Inspection score sheet") : W_("Self-check form"),
                  kh_assess_unit_name(y->assess, (size_t)u));
    unsigned status = r->status;
    web_page_begin(r, kh_buf_str(&title));
    if (status >= 400)
        r->status = status;
    kh_buf_free(&title);
    page_msgs(&p);
    if (!insp)
        web_selfcheck_block(r, y->year, unit, y->state);
    form_open(&p);
    progress_bar(&p);
    size_t k = kh_assess_unit_kind(y->assess, p.u);
    for (size_t i = 0; i < kh_rubric_item_count(y->rubric); i++)
        if (kh_rubric_item_applies(y->rubric, i, k))
            item_section(&p, i);
    if (insp)
        web_records_block(r, y->year, unit, y->state, y->rubric);
    web_page_end(r);
}

void web_page_entry_form(web_req *r, web_year *y, const char *unit,
                         kh_phase phase)
{
    if (!web_may_entry(r, y->year, unit, phase, WEB_READ)) {
        web_refuse_page(r, "entry form: role or unit");
        return;
    }
    if (kh_assess_unit_find(y->assess, unit) < 0) {
        web_error_page(r, 404, NULL);
        return;
    }
    form_state fs;
    if (form_state_load(r, y, unit, phase, &fs))
        render(r, y, unit, phase, &fs);
    else if (!r->fail_st)
        web_fail_why(r, KH_ENOMEM, "out of memory");
    form_state_free(&fs);
}

/* ---- saving ----------------------------------------------------------- */

/* Reads item i's posted fields (suffix: the item id on the whole form,
 * NULL on the one-item POST).  False when none of them was posted. */
static bool item_read(web_req *r, const kh_rubric *rb, size_t i,
                      const char *suffix, form_item *f)
{
    kh_buf n;
    kh_buf_init(&n, 0);
    bool any = false;
    for (size_t s = 0; s < kh_rubric_item_slots(rb, i); s++) {
        const kh_term *t = kh_rubric_item_slot(rb, i, s);
        if (kh_term_roster(t))
            continue;
        field_name(&n, "in_", kh_term_input(t), suffix);
        char *v = web_form_get(r, kh_buf_str(&n));
        if (kh_term_get_kind(t) == KH_TERM_CHECK) {
            field_name(&n, "has_", kh_term_input(t), suffix);
            char *has = web_form_get(r, kh_buf_str(&n));
            if (has && !v)
                v = strdup("false");
            free(has);
        }
        any |= v != NULL;
        f->vals[s] = v;
    }
    field_name(&n, "note", "", suffix);
    f->note = web_form_get(r, kh_buf_str(&n));
    kh_buf_free(&n);
    f->posted = any || f->note;
    return f->posted;
}

/* True when the posted values are the stored ones (nothing to save). */
static bool item_unchanged(const kh_rubric *rb, size_t i, const kh_entry *en,
                           const form_item *f)
{
    kh_buf v;
    kh_buf_init(&v, 0);
    bool same = true;
    for (size_t s = 0; same && s < kh_rubric_item_slots(rb, i); s++) {
        const kh_term *t = kh_rubric_item_slot(rb, i, s);
        if (kh_term_roster(t))
            continue;
        kh_buf_reset(&v);
        stored_value(t, en, s, &v);
        const char *posted = f->vals[s] ? f->vals[s] : "";
        same = strcmp(kh_buf_str(&v), posted) == 0;
    }
    const char *note = en && kh_entry_note(en) ? kh_entry_note(en) : "";
    kh_buf_free(&v);
    return same && strcmp(note, f->note ? f->note : "") == 0;
}

/* The slot an engine message is about (its path ends in inputs.NAME),
 * or slots (the item). */
static size_t msg_slot(const kh_rubric *rb, size_t i, const kh_msg *m)
{
    size_t ns = kh_rubric_item_slots(rb, i);
    const char *p = m->path ? strstr(m->path, "inputs.") : NULL;
    for (size_t s = 0; p && s < ns; s++) {
        const char *in = kh_term_input(kh_rubric_item_slot(rb, i, s));
        if (in && strcmp(p + 7, in) == 0)
            return s;
    }
    return ns;
}

/* An engine message without its 单位 "jd" 考核要点 "2.2"： start: the
 * page names the item and field itself, and people read no codes. */
static const char *without_entry_prefix(const char *text, const char *unit,
                                        const char *item)
{
    kh_buf pre;
    kh_buf_init(&pre, 0);
    kh_buf qu, qi;
    kh_buf_init(&qu, 0);
    kh_buf_init(&qi, 0);
    kh_buf_printf(&qu, "\"%s\"", unit);
    kh_buf_printf(&qi, "\"%s\"", item);
    kh_buf_printf(&pre, kh_i18n_zh("unit %s item %s: %s"), kh_buf_str(&qu),
                  kh_buf_str(&qi), "");
    if (pre.len && strncmp(text, kh_buf_str(&pre), pre.len) == 0)
        text += pre.len;
    kh_buf_free(&pre);
    kh_buf_free(&qu);
    kh_buf_free(&qi);
    return text;
}

/* The refusal of item i beside its field, the field named as people
 * know it: 考核要点 2.2「第一责任人履责情况」：... */
static void item_refused(const kh_rubric *rb, size_t i, const char *unit,
                         const kh_err *e, form_item *f)
{
    f->refused = true;
    for (size_t k = 0; k < kh_err_count(e); k++) {
        const kh_msg *m = kh_err_get(e, k);
        if (m->severity != KH_SEV_ERROR)
            continue;
        size_t s = msg_slot(rb, i, m);
        size_t ns = kh_rubric_item_slots(rb, i);
        const kh_term *t = s < ns ? kh_rubric_item_slot(rb, i, s) : NULL;
        const char *what = !t ? W_("note")
                           : kh_term_label(t) ? kh_term_label(t)
                                              : kh_term_input(t);
        kh_buf *b = &f->msgs[s];
        if (b->len)
            kh_buf_puts(b, " ");
        const char *iid = kh_rubric_item_id(rb, i);
        kh_buf_printf(b, W_("item %s \"%s\": %s"), iid, what,
                      without_entry_prefix(web_msg_text(m), unit, iid));
    }
}

/* Saves item i of fs.  KH_OK saved (or nothing to save), KH_EINVAL and
 * KH_ECONFLICT refused (the message is on the item); a store failure is
 * logged and kept on fs (the form comes back with the values, 503/507),
 * KH_ESTATE and KH_ENOMEM fail the request. */
static kh_status item_save(web_req *r, const web_year *y, const char *unit,
                           kh_phase phase, size_t i, form_state *fs,
                           int64_t version)
{
    form_item *f = &fs->it[i];
    const kh_rubric *rb = y->rubric;
    long u = kh_assess_unit_find(y->assess, unit);
    const kh_entry *en = kh_assess_entry(y->assess, (size_t)u, i, phase);
    if (item_unchanged(rb, i, en, f))
        return KH_OK;   /* stale or not, nothing of it changes */
    size_t ns = kh_rubric_item_slots(rb, i), n = 0;
    kh_input_kv *kv = calloc(ns + 1, sizeof *kv);
    kh_err *e = kh_err_new();
    if (!kv || !e) {
        free(kv);
        kh_err_free(e);
        return KH_ENOMEM;
    }
    for (size_t s = 0; s < ns; s++) {
        if (!f->vals[s])
            continue;
        kv[n].name = kh_term_input(kh_rubric_item_slot(rb, i, s));
        kv[n++].value = *f->vals[s] ? f->vals[s] : NULL;  /* emptied: removed */
    }
    const char *iid = kh_rubric_item_id(rb, i);
    web_cache_write_begin(r);
    kh_entry_write w = {r->sess.user, y->year, unit, iid, phase, n, kv,
                        f->note ? f->note : "", version};
    int64_t newv = 0;
    kh_status st = kh_store_entry_set(r->store, &w, &newv, e);
    web_cache_wrote(r, st, y->year, unit, iid, phase);
    if (st == KH_OK) {
        f->saved = true;
        f->version = newv;
        char iso[32];
        time_t now = (time_t)r->now;
        struct tm tm;
        if (gmtime_r(&now, &tm) &&
            strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm))
            beijing_time(iso, r->now, f->saved_at, sizeof f->saved_at);
    } else if (st == KH_EINVAL) {
        item_refused(rb, i, unit, e, f);
    } else if (st == KH_ECONFLICT && web_selfcheck_locked_msg(e)) {
        f->refused = true;   /* the unit's self-check is submitted */
        kh_buf_puts(&f->msgs[ns], web_selfcheck_locked_msg(e));
    } else if (st == KH_ECONFLICT) {
        f->refused = true;
        kh_buf_printf(&f->msgs[ns], W_("item %s: someone else saved this item "
                                       "after you opened the form; your values "
                                       "are kept here but were not saved. Save "
                                       "again to replace theirs."), iid);
    } else if (st == KH_EDB) {
        f->unsaved = true;
        fs->failed = web_fail_keep(r, st, e, &fs->fail_msg);
    } else if (st != KH_ESTATE) {
        web_fail(r, st, e);
    }
    free(kv);
    kh_err_free(e);
    return st;
}

/* The version an item's form was built on; -1 when malformed. */
static int64_t posted_version(web_req *r, const char *suffix)
{
    kh_buf n;
    kh_buf_init(&n, 0);
    field_name(&n, "version", "", suffix);
    char *v = web_form_get(r, kh_buf_str(&n));
    kh_buf_free(&n);
    char *end = NULL;
    long long x = v && *v ? strtoll(v, &end, 10) : -1;
    if (!v || !end || *end || x < 0)
        x = -1;
    free(v);
    return x;
}

/* After a conflict the refused item shows the stored version, so that
 * saving again replaces the other person's values knowingly. */
static void conflict_version(form_state *fs, size_t i, int64_t stored)
{
    fs->it[i].version = stored;
}

/* Saves items [from, to) of the posted form (suffix: with .ITEM); true
 * when the request may go on (nothing failed the store). */
static bool save_items(web_req *r, const web_year *y, const char *unit,
                       kh_phase phase, form_state *fs, size_t from, size_t to,
                       bool suffix)
{
    const kh_rubric *rb = y->rubric;
    size_t k = kh_assess_unit_kind(y->assess,
                                   (size_t)kh_assess_unit_find(y->assess, unit));
    for (size_t i = from; i < to; i++) {
        if (!kh_rubric_item_applies(rb, i, k))
            continue;
        const char *iid = kh_rubric_item_id(rb, i);
        form_item *f = &fs->it[i];
        if (!item_read(r, rb, i, suffix ? iid : NULL, f))
            continue;
        int64_t ver = posted_version(r, suffix ? iid : NULL);
        if (ver < 0) {
            web_error_page(r, 400, NULL);
            return false;
        }
        if (fs->failed) {   /* the store failed: keep, do not wait again */
            long u = kh_assess_unit_find(y->assess, unit);
            f->unsaved = !item_unchanged(
                rb, i, kh_assess_entry(y->assess, (size_t)u, i, phase), f);
            continue;
        }
        int64_t stored = f->version;
        kh_status st = item_save(r, y, unit, phase, i, fs, ver);
        if (st == KH_ESTATE) {
            web_refuse_page(r, "entry save: the year's state does not allow it");
            return false;
        }
        if (st == KH_ECONFLICT) {
            conflict_version(fs, i, stored);
            fs->conflicts++;
        }
        if (st != KH_OK && st != KH_EINVAL && st != KH_ECONFLICT &&
            !fs->failed)
            return false;
        fs->saved += f->saved;
        fs->refused += f->refused;
    }
    return true;
}

/* After the saves: back to the form (303) when all passed, else the form
 * again (422, 409 for a conflict alone) with every posted value. */
static void save_done(web_req *r, const web_year *y, const char *unit,
                      kh_phase phase, form_state *fs, const char *anchor)
{
    if (fs->saved > 1)
        r->wrote_unknown = true;   /* the cache rebuilds: several items */
    if (fs->failed) {   /* logged; the values are shown again */
        r->status = fs->failed;
        render(r, y, unit, phase, fs);
        return;
    }
    if (!fs->refused) {
        kh_buf back;
        kh_buf_init(&back, 0);
        kh_buf_printf(&back, "/years/%d/units/", y->year);
        kh_html_url(&back, unit);
        kh_buf_printf(&back, "/%s?saved=%zu", kh_phase_name(phase), fs->saved);
        if (anchor) {
            kh_buf_puts(&back, "#item-");
            kh_html_url(&back, anchor);
        }
        web_redirect(r, kh_buf_str(&back));
        kh_buf_free(&back);
        return;
    }
    r->status = fs->refused > fs->conflicts ? 422 : 409;
    render(r, y, unit, phase, fs);
}

static bool save_gate(web_req *r, const web_year *y, const char *unit,
                      kh_phase phase)
{
    if (!web_may_entry(r, y->year, unit, phase, WEB_WRITE)) {
        web_refuse_page(r, "entry save: role or unit");
        return false;
    }
    if (kh_assess_unit_find(y->assess, unit) < 0) {
        web_error_page(r, 404, NULL);
        return false;
    }
    return true;
}

void web_post_form(web_req *r, web_year *y, const char *unit, kh_phase phase)
{
    form_state fs;
    memset(&fs, 0, sizeof fs);
    if (save_gate(r, y, unit, phase) &&
        form_state_load(r, y, unit, phase, &fs) &&
        save_items(r, y, unit, phase, &fs, 0, fs.n, true))
        save_done(r, y, unit, phase, &fs, NULL);
    else if (r->status == 0 && !r->fail_st)
        web_fail_why(r, KH_ENOMEM, "out of memory");
    form_state_free(&fs);
}

void web_post_item(web_req *r, web_year *y, const char *unit,
                   kh_phase phase, const char *item)
{
    int i = kh_rubric_item_find(y->rubric, item);
    if (i < 0) {
        web_error_page(r, 404, NULL);
        return;
    }
    form_state fs;
    memset(&fs, 0, sizeof fs);
    if (save_gate(r, y, unit, phase) &&
        form_state_load(r, y, unit, phase, &fs) &&
        save_items(r, y, unit, phase, &fs, (size_t)i, (size_t)i + 1, false)) {
        if (!fs.it[i].posted && posted_version(r, NULL) < 0)
            web_error_page(r, 400, NULL);
        else
            save_done(r, y, unit, phase, &fs, item);
    } else if (r->status == 0 && !r->fail_st) {
        web_fail_why(r, KH_ENOMEM, "out of memory");
    }
    form_state_free(&fs);
}
