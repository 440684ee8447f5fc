/*
 * web_source.c - questionnaire-suggested judgements in the web
 * application (the rubric's `source:`, docs/SURVEY.md): the suggestion
 * beside a judgement on the inspection form, with the figure behind it
 * and what was decided; keeping it in one click or overriding it with a
 * reason (POST /years/Y/units/U/inspection/ITEM/source, policy action
 * entry-write, CSRF as every form); the score sheet's explanation with
 * each decision.
 *
 * The buttons belong to the entry form of the page (form="entry",
 * web_form.c) and post it elsewhere (formaction): no nested form, no
 * script, and the note and version typed for the item go with the
 * decision.  The button's value names what to do: "keep INPUT" or
 * "override INPUT"; an override takes the value typed in
 * in_INPUT.ITEM and the reason in reason_INPUT.ITEM (the entry form's
 * field names; the item's note.ITEM and version.ITEM go with it).
 *
 * Stable ids: #suggest-ITEM-INPUT (the suggestion), #keep-ITEM-INPUT,
 * #override-ITEM-INPUT (the buttons), #reason-ITEM-INPUT (the reason).
 */
#include "web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/score.h"
#include "kaohe/store_source.h"

/* ---- the suggestion on the inspection form --------------------------- */

/* The decision stored for one input, copied out of the row. */
typedef struct decided {
    const char *input;
    bool found, kept, current;
    char *reason;          /* owned */
    kh_cp value;
} decided;

static kh_status decided_row(void *ctx, const kh_source_row *row)
{
    decided *d = ctx;
    if (strcmp(row->input, d->input) != 0)
        return KH_OK;
    d->found = true;
    d->kept = row->kept;
    d->current = row->current;
    d->value = row->value;
    free(d->reason);
    d->reason = row->reason ? strdup(row->reason) : NULL;
    return row->reason && !d->reason ? KH_ENOMEM : KH_OK;
}

static void figure_text(kh_buf *o, const kh_source *src,
                        const kh_suggestion *sg)
{
    bool mean = !strcmp(src->figure, "mean");
    /* The question by the number the respondents saw, not its id. */
    kh_buf_printf(o, W_("(round %lld, %zu answers: question %zu"),
                  (long long)sg->round, sg->responses, sg->question + 1);
    kh_buf_puts(o, mean ? W_(", mean ")
                   : !strcmp(src->figure, "percent_top1")
                       ? W_(", share choosing the top answer ")
                       : W_(", share choosing the top two answers "));
    web_cp_out(o, sg->figure);
    kh_buf_puts(o, mean ? W_(")") : W_("%)"));
}

static void decision_text(kh_buf *o, const decided *d)
{
    if (!d->found)
        return;
    kh_buf_puts(o, " <span class=\"decided\">");
    if (d->kept) {
        kh_buf_puts(o, W_("kept"));
    } else {
        kh_buf_puts(o, W_("overridden to "));
        web_cp_out(o, d->value);
        kh_buf_puts(o, W_(", because: "));
        kh_html_text(o, d->reason);
    }
    if (!d->current)
        kh_buf_puts(o, W_(" (changed by hand since)"));
    kh_buf_puts(o, "</span>");
}

/* Writes ` id="KIND-ITEM-INPUT"` (escaped for an attribute). */
static void id_attr(kh_buf *o, const char *kind, const char *item,
                    const char *input)
{
    kh_buf_printf(o, " id=\"%s-", kind);
    kh_html_attr(o, item);
    kh_buf_putc(o, '-');
    kh_html_attr(o, input);
    kh_buf_putc(o, '"');
}

/* A submit button posting the item's form to act: "keep"/"override". */
static void button(kh_buf *o, const char *act, const char *what,
                   const char *item, const char *input, const char *label)
{
    kh_buf_printf(o, " <button type=\"submit\" form=\"entry\" "
                     "name=\"source\" value=\"%s ", what);
    kh_html_attr(o, input);
    kh_buf_puts(o, "\" formaction=\"");
    kh_html_attr(o, act);
    kh_buf_putc(o, '"');
    id_attr(o, what, item, input);
    kh_buf_printf(o, ">%s</button>", label);
}

static void buttons(kh_buf *o, int year, const char *unit, const char *item,
                    const char *input)
{
    kh_buf act;
    kh_buf_init(&act, 0);
    kh_buf_printf(&act, "/years/%d/units/", year);
    kh_html_url(&act, unit);
    kh_buf_puts(&act, "/inspection/");
    kh_html_url(&act, item);
    kh_buf_puts(&act, "/source");
    button(o, kh_buf_str(&act), "keep", item, input,
           W_("Keep the suggestion"));
    kh_buf_printf(o, " <label>%s <input type=\"text\" form=\"entry\" "
                     "maxlength=\"%d\" name=\"reason_",
                  W_("Reason for overriding"), KH_SOURCE_REASON_MAX);
    kh_html_attr(o, input);
    kh_buf_putc(o, '.');
    kh_html_attr(o, item);
    kh_buf_putc(o, '"');
    id_attr(o, "reason", item, input);
    kh_buf_puts(o, "></label>");
    button(o, kh_buf_str(&act), "override", item, input,
           W_("Override with the value above"));
    kh_buf_free(&act);
}

void web_survey_suggestion(web_req *r, int year, const char *unit,
                           const char *item, const kh_term *t, bool may_write,
                           kh_buf *o)
{
    const kh_source *src = kh_term_source(t);
    if (!src)
        return;
    const char *input = kh_term_input(t);
    kh_err *e = kh_err_new();
    kh_suggestion sg;
    decided d = {.input = input};
    kh_status st = e ? kh_store_suggestion(r->store, year, unit, src, &sg, e)
                     : KH_ENOMEM;
    bool have = st == KH_OK;
    if (st == KH_OK || st == KH_ENOTFOUND)
        st = kh_store_source_each(r->store, year, unit, item, decided_row,
                                  &d, e);
    web_store_check(r, st, e);
    kh_err_free(e);
    kh_buf_puts(o, " <span class=\"suggest\"");
    id_attr(o, "suggest", item, input);
    kh_buf_printf(o, ">%s", W_("Questionnaire suggests: "));
    if (!have) {
        kh_buf_printf(o, "%s</span>",
                      W_("none yet (too few answers, or no round)"));
    } else {
        web_cp_out(o, sg.value);
        figure_text(o, src, &sg);
        decision_text(o, &d);
        if (may_write)
            buttons(o, year, unit, item, input);
        kh_buf_puts(o, "</span>");
    }
    free(d.reason);
}

/* ---- keeping or overriding ------------------------------------------- */

/* The form field a store message names, as the user knows it. */
static const char *field_name(const char *path)
{
    if (!path)
        return NULL;
    if (!strcmp(path, "value"))
        return W_("the overriding value");
    if (!strcmp(path, "reason"))
        return W_("reason for overriding");
    if (!strcmp(path, "input") || !strcmp(path, "item"))
        return W_("questionnaire suggestion");
    return path;
}

static void refused_page(web_req *r, const kh_err *e, const char *back)
{
    web_page_begin(r, W_("The decision was not saved"));
    r->status = 422;
    kh_buf_printf(&r->out, "<p>%s</p><ul id=\"errors\">",
                  W_("Not saved, because:"));
    for (size_t m = 0; m < kh_err_count(e); m++) {
        const kh_msg *msg = kh_err_get(e, m);
        const char *f = field_name(msg->path);
        kh_buf_puts(&r->out, "<li>");
        if (f) {
            kh_html_text(&r->out, f);
            kh_buf_puts(&r->out, W_(": "));
        }
        kh_html_text(&r->out, web_msg_text(msg));
        kh_buf_puts(&r->out, "</li>");
    }
    kh_buf_printf(&r->out, "</ul><p><a href=\"");
    kh_html_attr(&r->out, back);
    kh_buf_printf(&r->out, "\">%s</a></p>", W_("Back to the form"));
    web_page_end(r);
}

/* The form's fields for w; false (400 sent) when the button is unknown.
 * The strings are owned by f. */
typedef struct source_form {
    char *button, *value, *reason, *note, *version;
} source_form;

static void form_free(source_form *f)
{
    free(f->button);
    free(f->value);
    free(f->reason);
    free(f->note);
    free(f->version);
}

/* A field of the entry form: NAME.ITEM (web_form.c's names). */
static char *item_field(web_req *r, const char *name, const char *item)
{
    char field[KH_USER_NAME_MAX + 120];
    snprintf(field, sizeof field, "%s.%s", name, item);
    return web_form_get(r, field);
}

static bool form_read(web_req *r, source_form *f, kh_source_write *w)
{
    f->button = web_form_get(r, "source");
    f->note = item_field(r, "note", w->item);
    f->version = item_field(r, "version", w->item);
    const char *b = f->button ? f->button : "";
    w->keep = !strncmp(b, "keep ", 5);
    if (!w->keep && strncmp(b, "override ", 9) != 0)
        return false;
    w->input = b + (w->keep ? 5 : 9);
    char name[KH_USER_NAME_MAX + 80];
    snprintf(name, sizeof name, "in_%s", w->input);
    f->value = item_field(r, name, w->item);
    snprintf(name, sizeof name, "reason_%s", w->input);
    f->reason = item_field(r, name, w->item);
    w->value = f->value;
    w->reason = f->reason;
    w->note = f->note;
    char *end = NULL;
    long long v = f->version ? strtoll(f->version, &end, 10) : -1;
    if (!f->version || *end || v < 0)
        return false;
    w->expect_version = v;
    return true;
}

static void back_url(kh_buf *b, int year, const char *unit, const char *item,
                     bool saved)
{
    kh_buf_printf(b, "/years/%d/units/", year);
    kh_html_url(b, unit);
    kh_buf_puts(b, "/inspection");
    if (saved) {
        kh_buf_puts(b, "?saved=");
        kh_html_url(b, item);
    }
    kh_buf_puts(b, "#item-");
    kh_html_url(b, item);
}

static void decide_answer(web_req *r, web_year *y, kh_source_write *w,
                          kh_status st, const kh_err *e)
{
    kh_buf back;
    kh_buf_init(&back, 0);
    back_url(&back, y->year, w->unit, w->item, st == KH_OK);
    if (st == KH_OK)
        web_redirect(r, kh_buf_str(&back));
    else if (st == KH_ECONFLICT)
        web_error_page(r, 409, W_("Someone else changed this item: your "
                                  "decision was not saved. Reload the page "
                                  "and decide again."));
    else if (st == KH_ESTATE)
        web_refuse_page(r, "source decision: the year's state does not "
                           "allow it");
    else if (st == KH_EINVAL)
        refused_page(r, e, kh_buf_str(&back));
    else
        web_fail(r, st, e);
    kh_buf_free(&back);
}

void web_source_post(web_req *r, web_year *y, const char *unit,
                     kh_phase phase, const char *item)
{
    if (phase != KH_PHASE_INSPECTION || kh_rubric_item_find(y->rubric, item)
        < 0 || kh_assess_unit_find(y->assess, unit) < 0) {
        web_error_page(r, 404, NULL);
        return;
    }
    if (!web_may_entry(r, y->year, unit, phase, WEB_WRITE)) {
        web_refuse_page(r, "source decision: role or unit");
        return;
    }
    source_form f = {0};
    kh_source_write w = {.actor = r->sess.user, .year = y->year,
                         .unit = unit, .item = item};
    kh_err *e = kh_err_new();
    if (!e) {
        web_fail_why(r, KH_ENOMEM, "out of memory");
    } else if (!form_read(r, &f, &w)) {
        web_error_page(r, 400, NULL);
    } else {
        web_cache_write_begin(r);
        kh_status st = kh_store_source_decide(r->store, &w, e);
        web_cache_wrote(r, st, y->year, unit, item, phase);
        decide_answer(r, y, &w, st, e);
    }
    form_free(&f);
    kh_err_free(e);
}

/* ---- the score sheet's explanation ----------------------------------- */

void web_source_explain(web_req *r, const kh_assess *a, size_t u, int year,
                        const char *unit, kh_buf *out)
{
    kh_err *e = kh_err_new();
    kh_source_explain x = {r->store, year, unit, e ? KH_OK : KH_ENOMEM, e};
    kh_status st = kh_explain_with(a, u, KH_PHASE_INSPECTION,
                                   kh_source_explain_item, &x, out);
    web_store_check(r, x.st != KH_OK ? x.st : st, e);
    kh_err_free(e);
}
