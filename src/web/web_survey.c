/*
 * web_survey.c - questionnaires in the web application (issue 13 section
 * 4): the public answer form opened from a one-time code, and the
 * administration of rounds, codes and tallies.  All survey web code is
 * here; its routes are rows of routes.c (the answer form's action,
 * WEB_A_SURVEY_ANSWER, needs no login or CSRF token: the code is the
 * credential; its body limit is the row's 64 KiB).
 *
 * The suggested judgements on the inspection form are web_source.c.
 *
 * Handlers (method, path, roles, body limit):
 *   GET  /q/CODE            anyone (the code)       -            answer_get
 *   POST /q/CODE            anyone (the code)       64 KiB       answer_post
 *   GET  /q/thanks          anyone                  -            thanks_page
 *   GET  /q/survey.css      anyone                  -            style_get
 *   GET  /surveys           admin auditor inspector -            rounds_page
 *   POST /surveys           admin (CSRF)            1 MiB        (web_survey_open.c)
 *   GET  /surveys/R         admin auditor inspector -            round_page
 *   POST /surveys/R/close   admin (CSRF)            1 MiB        round_close
 *   POST /surveys/R/codes   admin (CSRF)            1 MiB        codes_post
 *   GET  /surveys/R/tally   admin auditor inspector -            tally_page
 *   GET  /surveys/R/tally.xlsx  admin auditor       -            tally_xlsx
 * Unit users get 403 on every /surveys page.  Inspectors see only the
 * units of the round assigned to them (with free text); auditors see
 * every unit without free text; admin sees all.  The workbook holds
 * every unit, so inspectors read the page only.
 *
 * The answer form is for a phone first (375 px, touch targets of 44 px,
 * no horizontal scrolling) and needs no JavaScript.  Rate limits (the
 * throttle table of web_session.c): an address that asks for
 * WEB_THROTTLE_FAILS unknown codes within WEB_THROTTLE_WINDOW gets 429;
 * so does a code refused that often (422).  Every answer shown is
 * escaped (kh_html_text / kh_html_attr).
 */
#include "web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/store_survey.h"
#include "kaohe/survey_doc.h"

#define PATH_SEGS 4

/* ---- the answer form ------------------------------------------------ */

/* Served as /q/survey.css (the server's Content-Security-Policy allows
 * no inline styles), with the slips' sheet after it. */
static const char q_style[] =
    "*{box-sizing:border-box}\n"
    "body{margin:0;font-family:'WenQuanYi Micro Hei',sans-serif;"
    "font-size:17px;line-height:1.5;color:#222;background:#f6f6f6}\n"
    "main.q{max-width:640px;margin:0 auto;padding:12px}\n"
    "main.q h1{font-size:20px;color:#b0151e;margin:8px 0}\n"
    ".intro{color:#555;font-size:15px}\n"
    "fieldset{border:0;background:#fff;border-radius:8px;margin:12px 0;"
    "padding:12px;min-width:0}\n"
    "fieldset.bad{outline:2px solid #b0151e}\n"
    "legend{font-weight:bold;padding:0;float:left;width:100%;"
    "margin-bottom:8px;overflow-wrap:anywhere}\n"
    ".req{color:#b0151e;font-weight:normal;font-size:14px}\n"
    "label.choice{display:flex;align-items:center;gap:10px;min-height:44px;"
    "padding:6px 8px;border:1px solid #ddd;border-radius:6px;margin:6px 0;"
    "clear:both;overflow-wrap:anywhere}\n"
    "label.choice input{width:22px;height:22px;flex:none;margin:0}\n"
    "input[type=number],textarea{width:100%;font-size:17px;padding:10px;"
    "border:1px solid #bbb;border-radius:6px;clear:both;display:block}\n"
    "textarea{min-height:110px}\n"
    ".field-error{color:#b0151e;margin:4px 0;clear:both}\n"
    ".msg{padding:10px;border-radius:6px}\n"
    ".msg.error{background:#fde8e8;color:#b0151e}\n"
    "button{width:100%;min-height:48px;font-size:18px;background:#b0151e;"
    "color:#fff;border:0;border-radius:8px;margin:8px 0 24px}\n";

static void style_get(web_req *r)
{
    r->status = 200;
    r->ctype = "text/css; charset=utf-8";
    kh_buf_puts(&r->out, q_style);
    kh_buf_puts(&r->out, kh_survey_slips_css());
}

static void q_begin(kh_buf *o, const char *title)
{
    kh_buf_puts(o, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta "
                   "charset=\"utf-8\"><meta name=\"viewport\" content=\""
                   "width=device-width, initial-scale=1\"><title>");
    kh_html_text(o, title);
    kh_buf_puts(o, "</title>\n<link rel=\"stylesheet\" href=\"/q/survey.css"
                   "\"></head><body><main class=\"q\">\n<h1>");
    kh_html_text(o, title);
    kh_buf_puts(o, "</h1>\n");
}

/* A short page of the public side (thanks, used, closed...). */
static void q_note(web_req *r, unsigned status, const char *title,
                   const char *text)
{
    kh_buf_reset(&r->out);
    r->status = status;
    r->ctype = "text/html; charset=utf-8";
    q_begin(&r->out, title);
    kh_buf_puts(&r->out, "<p id=\"note\">");
    kh_html_text(&r->out, text);
    kh_buf_puts(&r->out, "</p></main></body></html>\n");
}

/* The refusals of a code, on the form and on its submission alike. */
static void note_unknown(web_req *r)
{
    q_note(r, 404, W_("Unknown code"),
           W_("There is no such code: check the link or QR code on your "
              "slip."));
}

static void note_used(web_req *r)
{
    q_note(r, 410, W_("Code already used"),
           W_("This code has already been used to answer. Each code can "
              "answer once only. Thank you for taking part!"));
}

static void note_closed(web_req *r)
{
    q_note(r, 403, W_("Questionnaire not open"),
           W_("This questionnaire does not take answers now (it has not "
              "started yet, or it has ended)."));
}

/* The values a respondent gave, per question (for 422: kept values). */
typedef struct given {
    char *v[KH_Q_MAX_CHOICES + 1];
    size_t n;
} given;

static bool has_value(const given *g, const char *v)
{
    for (size_t k = 0; g && k < g->n; k++)
        if (g->v[k] && strcmp(g->v[k], v) == 0)
            return true;
    return false;
}

static void q_choices(kh_buf *o, const kh_questionnaire *q, size_t i,
                      const given *g)
{
    const char *id = kh_question_id(q, i);
    const char *type = kh_question_type(q, i) == KH_Q_MULTIPLE ? "checkbox"
                                                               : "radio";
    for (size_t c = 0; c < kh_question_choices(q, i); c++) {
        const char *cid = kh_question_choice_id(q, i, c);
        kh_buf_printf(o, "<label class=\"choice\"><input type=\"%s\" "
                      "name=\"", type);
        kh_html_attr(o, id);
        kh_buf_puts(o, "\" value=\"");
        kh_html_attr(o, cid);
        kh_buf_printf(o, "\"%s> ", has_value(g, cid) ? " checked" : "");
        kh_html_text(o, kh_question_choice_label(q, i, c));
        kh_buf_puts(o, "</label>\n");
    }
}

static void q_field(kh_buf *o, const kh_questionnaire *q, size_t i,
                    const given *g)
{
    const char *id = kh_question_id(q, i);
    const char *val = g && g->n && g->v[0] ? g->v[0] : "";
    if (kh_question_type(q, i) == KH_Q_NUMBER) {
        kh_buf_puts(o, "<input type=\"number\" inputmode=\"numeric\" name=\"");
        kh_html_attr(o, id);
        kh_buf_printf(o, "\" min=\"%" PRId64 "\" max=\"%" PRId64
                      "\" value=\"", kh_question_min(q, i),
                      kh_question_max(q, i));
        kh_html_attr(o, val);
        kh_buf_puts(o, "\">\n");
    } else if (kh_question_type(q, i) == KH_Q_TEXT) {
        kh_buf_puts(o, "<textarea name=\"");
        kh_html_attr(o, id);
        kh_buf_printf(o, "\" maxlength=\"%zu\">",
                      kh_question_max_length(q, i));
        kh_html_text(o, val);
        kh_buf_puts(o, "</textarea>\n");
    } else {
        q_choices(o, q, i, g);
    }
}

/* The message of question id on e, or NULL. */
static const char *q_error(const kh_err *e, const char *id)
{
    for (size_t m = 0; e && m < kh_err_count(e); m++) {
        const kh_msg *msg = kh_err_get(e, m);
        if (msg->path && strcmp(msg->path, id) == 0)
            return web_msg_text(msg);
    }
    return NULL;
}

/* The form; gv and e (may be NULL) give kept values and messages. */
static void q_form(web_req *r, unsigned status, const char *code,
                   const kh_questionnaire *q, const given *gv,
                   const kh_err *e, const char *failed)
{
    kh_buf *o = &r->out;
    kh_buf_reset(o);
    r->status = status;
    r->ctype = "text/html; charset=utf-8";
    q_begin(o, kh_questionnaire_title(q));
    if (kh_questionnaire_intro(q)) {
        kh_buf_puts(o, "<p class=\"intro\">");
        kh_html_text(o, kh_questionnaire_intro(q));
        kh_buf_puts(o, "</p>\n");
    }
    if (e && kh_err_count(e)) {
        kh_buf_puts(o, "<p class=\"msg error\" id=\"msg\">");
        kh_buf_printf(o, W_("%zu answers need changing: see the questions "
                            "marked in red."), kh_err_count(e));
        kh_buf_puts(o, "</p>\n");
    }
    if (failed) {   /* the store failed: the answers are shown again */
        kh_buf_puts(o, "<p class=\"msg error\" id=\"msg\">");
        kh_html_text(o, failed);
        kh_buf_puts(o, "</p>\n");
    }
    kh_buf_puts(o, "<form method=\"post\" id=\"qform\" action=\"/q/");
    kh_html_attr(o, code);
    kh_buf_puts(o, "\">\n");
    for (size_t i = 0; i < kh_questionnaire_count(q); i++) {
        const char *id = kh_question_id(q, i);
        const char *err = q_error(e, id);
        kh_buf_printf(o, "<fieldset class=\"question%s\" id=\"question-",
                      err ? " bad" : "");
        kh_html_attr(o, id);
        kh_buf_printf(o, "\"><legend>%zu. ", i + 1);
        kh_html_text(o, kh_question_text(q, i));
        if (kh_question_required(q, i))
            kh_buf_printf(o, " <span class=\"req\">%s</span>",
                          W_("(required)"));
        if (kh_question_type(q, i) == KH_Q_MULTIPLE)
            kh_buf_printf(o, " <span class=\"req\">%s</span>",
                          W_("(choose any)"));
        kh_buf_puts(o, "</legend>\n");
        if (err) {
            kh_buf_puts(o, "<p class=\"field-error\" id=\"error-");
            kh_html_attr(o, id);
            kh_buf_puts(o, "\">");
            kh_html_text(o, err);
            kh_buf_puts(o, "</p>\n");
        }
        q_field(o, q, i, gv ? &gv[i] : NULL);
        kh_buf_puts(o, "</fieldset>\n");
    }
    kh_buf_printf(o, "<button type=\"submit\" id=\"submit\">%s</button>"
                  "\n</form></main></body></html>\n", W_("Submit"));
}

/* Looks the code up and answers 429/404/410/403 itself; true when the
 * form may be shown or taken. */
static bool code_usable(web_req *r, const char *code, kh_code_info *ci)
{
    char key[96];
    snprintf(key, sizeof key, "qip:%s", r->ip);
    if (!web_throttle_allowed(r->app->sessions, key, r->now)) {
        char wait[128];   /* the window, as the throttle counts it */
        snprintf(wait, sizeof wait,
                 W_("Too many tries: please try again in %d minutes."),
                 WEB_THROTTLE_WINDOW / 60);
        q_note(r, 429, W_("Please try again later"), wait);
        return false;
    }
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_code_lookup(r->store, code, ci, e) : KH_ENOMEM;
    if (st == KH_OK)
        st = kh_store_round_accepting(r->store, ci->round, e);
    if (st == KH_ENOTFOUND) {
        web_throttle_fail(r->app->sessions, key, r->now);
        note_unknown(r);
    } else if (st == KH_OK && ci->used) {
        note_used(r);
        st = KH_ECONFLICT;
    } else if (st == KH_ESTATE) {
        note_closed(r);
    } else if (st != KH_OK) {
        web_fail(r, st, e);
    }
    kh_err_free(e);
    return st == KH_OK;
}

/* The round's questionnaire, parsed once per store connection (owned by
 * the store): parsing its YAML per answer was a third of the time of a
 * submission (docs/PERFORMANCE.md, bench/survey). */
static const kh_questionnaire *round_q(web_req *r, int64_t round)
{
    kh_err *e = kh_err_new();
    const kh_questionnaire *q = NULL;
    kh_status st = e ? kh_store_round_questionnaire_shared(r->store, round,
                                                           e, &q)
                     : KH_ENOMEM;
    web_store_check(r, st, e);
    kh_err_free(e);
    return q;
}

static void answer_get(web_req *r, const char *code)
{
    kh_code_info ci;
    if (!code_usable(r, code, &ci))
        return;
    const kh_questionnaire *q = round_q(r, ci.round);
    if (q)
        q_form(r, 200, code, q, NULL, NULL, NULL);
}

/* Reads and checks every answer of the form into json; messages on e,
 * each with the question id as its place. */
static void answer_parse(web_req *r, const kh_questionnaire *q, given *gv,
                         kh_buf *json, kh_err *e)
{
    kh_buf_putc(json, '{');
    bool any = false;
    for (size_t i = 0; i < kh_questionnaire_count(q); i++) {
        const char *id = kh_question_id(q, i);
        given *g = &gv[i];
        g->n = web_form_values(r, id, g->v, KH_Q_MAX_CHOICES);
        if (g->n > KH_Q_MAX_CHOICES) {
            g->n = KH_Q_MAX_CHOICES;
            kh_err_at(e, 0, 0, id, "too many choices");
            continue;
        }
        bool bad = false;
        for (size_t k = 0; k < g->n; k++)
            bad |= !g->v[k];
        if (bad) {
            kh_err_at(e, 0, 0, id, "cannot be read");
            continue;
        }
        size_t mark = json->len;
        bool ok_given = false;
        if (any)
            kh_buf_putc(json, ',');
        if (kh_question_answer(q, i, (const char *const *)g->v, g->n, id, e,
                               json, &ok_given) != KH_OK || !ok_given)
            json->len = mark;
        else
            any = true;
    }
    kh_buf_putc(json, '}');
}

/* Stores the answers; a store failure (busy, full) shows the form again
 * with what was chosen and typed, answered 503/507 and logged. */
static void answer_store(web_req *r, const char *code, const kh_buf *json,
                         const kh_questionnaire *q, const given *gv)
{
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_response_submit(r->store, code,
                                                kh_buf_str(json), e)
                     : KH_ENOMEM;
    if (st == KH_OK) {
        web_redirect(r, "/q/thanks");
    } else if (st == KH_ECONFLICT) {   /* the other tap won */
        note_used(r);
    } else if (st == KH_ESTATE) {
        note_closed(r);
    } else if (st == KH_ENOTFOUND) {
        note_unknown(r);
    } else {
        kh_buf msg;
        kh_buf_init(&msg, 0);
        unsigned status = web_fail_keep(r, st, e, &msg);
        q_form(r, status, code, q, gv, NULL, kh_buf_str(&msg));
        kh_buf_free(&msg);
    }
    kh_err_free(e);
}

static void answer_post(web_req *r, const char *code)
{
    kh_code_info ci;
    char key[64];
    snprintf(key, sizeof key, "q:%s", code);
    if (!web_throttle_allowed(r->app->sessions, key, r->now)) {
        char wait[128];
        snprintf(wait, sizeof wait,
                 W_("Too many submissions: please try again in %d "
                    "minutes."), WEB_THROTTLE_WINDOW / 60);
        q_note(r, 429, W_("Please try again later"), wait);
        return;
    }
    if (!code_usable(r, code, &ci))
        return;
    const kh_questionnaire *q = round_q(r, ci.round);
    given *gv = q ? calloc(kh_questionnaire_count(q), sizeof *gv) : NULL;
    kh_err *e = kh_err_new();
    kh_buf json;
    kh_buf_init(&json, WEB_SURVEY_BODY_CAP);
    if (q && gv && e) {
        answer_parse(r, q, gv, &json, e);
        if (kh_err_count(e)) {
            web_throttle_fail(r->app->sessions, key, r->now);
            q_form(r, 422, code, q, gv, e, NULL);
        } else if (kh_buf_status(&json) != KH_OK) {
            /* Escaped answers longer than the cap: never store a cut
             * (invalid) JSON. */
            web_error_page(r, 413, NULL);
        } else {
            answer_store(r, code, &json, q, gv);
        }
    } else if (q) {
        web_fail_why(r, KH_ENOMEM, "out of memory");
    }
    for (size_t i = 0; gv && i < kh_questionnaire_count(q); i++)
        for (size_t k = 0; k < gv[i].n; k++)
            free(gv[i].v[k]);
    free(gv);
    kh_buf_free(&json);
    kh_err_free(e);
}

static void thanks_page(web_req *r)
{
    q_note(r, 200, W_("Submitted"),
           W_("Your answers are in. Thank you for taking part! They are "
              "anonymous and used only for the figures."));
}

/* ---- administration: who sees what ------------------------------------ */

/* The units of year assigned to the session's inspector. */
typedef struct assigned {
    char **units;
    size_t n;
} assigned;

static kh_status assign_row(void *ctx, const kh_assign_row *row)
{
    assigned *a = ctx;
    char **v = realloc(a->units, (a->n + 1) * sizeof *v);
    if (!v)
        return KH_ENOMEM;
    a->units = v;
    if (!(v[a->n] = strdup(row->unit)))
        return KH_ENOMEM;
    a->n++;
    return KH_OK;
}

static void assigned_free(assigned *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->units[i]);
    free(a->units);
}

/* May the session see unit's figures?  (admin, auditor: all.) */
static bool sees_unit(web_req *r, const assigned *a, const char *unit)
{
    if (r->sess.role != KH_ROLE_INSPECTOR)
        return true;
    for (size_t i = 0; i < a->n; i++)
        if (!strcmp(a->units[i], unit))
            return true;
    return false;
}

/* ---- administration: pages ------------------------------------------ */

static void round_state(kh_buf *o, const kh_round_info *ri)
{
    kh_buf_puts(o, ri->closed ? W_("ended") : W_("taking answers"));
}

static kh_status round_li(void *ctx, const kh_round_info *ri)
{
    kh_buf *o = ctx;
    kh_buf_printf(o, "<tr id=\"round-%" PRId64 "\"><td><a href=\"/surveys/%"
                  PRId64 "\">", ri->id, ri->id);
    kh_buf_printf(o, W_("Round %" PRId64), ri->id);
    kh_buf_printf(o, "</a></td><td>%d</td><td>", ri->year);
    kh_html_text(o, ri->title);
    kh_buf_puts(o, "</td><td>");
    kh_html_text(o, ri->audience);
    kh_buf_printf(o, "</td><td>%zu</td><td>%zu / %zu</td><td>%zu</td><td>",
                  ri->units, ri->used, ri->invited, ri->responses);
    round_state(o, ri);
    kh_buf_puts(o, "</td></tr>\n");
    return kh_buf_status(o);
}

static void rounds_page(web_req *r)
{
    static const char *const heads[] = {
        N_("Round"), N_("Year"), N_("Questionnaire"), N_("Audience"),
        N_("Units"), N_("Codes used / made"), N_("Responses"), N_("Status")};
    web_page_begin(r, W_("Questionnaires"));
    kh_buf *o = &r->out;
    kh_buf_puts(o, "<div class=\"wide\"><table id=\"rounds\" class=\"cards\">");
    web_thead(o, heads, sizeof heads / sizeof heads[0]);
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_round_each(r->store, 0, round_li, o, e)
                     : KH_ENOMEM;
    if (st != KH_OK) {
        web_fail(r, st, e);
        kh_err_free(e);
        return;
    }
    kh_err_free(e);
    kh_buf_puts(o, "</table></div>\n");
    if (r->sess.role == KH_ROLE_ADMIN)
        web_survey_open_form(r);
    web_page_end(r);
}

/* POST outcome: back to `back`, or the located errors (422). */
static void post_outcome(web_req *r, kh_status st, kh_err *e,
                         const char *back)
{
    if (st == KH_OK)
        web_redirect(r, back);
    else if (st == KH_EINVAL || st == KH_ENOTFOUND || st == KH_ESTATE)
        web_admin_errors_page(r, 422, W_("Not done"), e, back);
    else
        web_fail(r, st, e);
}

typedef struct round_ctx {
    web_req *r;
    const assigned *as;
    kh_round_info info;
    char *title, *audience, *opens, *closes;   /* owned copies */
} round_ctx;

static void round_ctx_free(round_ctx *x)
{
    free(x->title);
    free(x->audience);
    free(x->opens);
    free(x->closes);
}

/* The round's opening and closing times, in Beijing time. */
static void round_times(kh_buf *o, const round_ctx *x)
{
    if (x->opens) {
        kh_buf_printf(o, " · %s", W_("opens "));
        web_time_out(o, x->opens);
    }
    if (x->closes) {
        kh_buf_printf(o, " · %s", W_("closes "));
        web_time_out(o, x->closes);
    }
}

static kh_status code_row(void *ctx, const kh_code_count *c)
{
    round_ctx *x = ctx;
    if (!sees_unit(x->r, x->as, c->unit))
        return KH_OK;
    kh_buf *o = &x->r->out;
    kh_buf_puts(o, "<tr id=\"unit-");
    kh_html_attr(o, c->unit);
    kh_buf_puts(o, "\"><td>");
    kh_html_text(o, c->name);
    kh_buf_printf(o, "</td><td>%zu</td><td>%zu</td><td>%zu</td><td>%zu</td>"
                  "</tr>\n", c->made, c->used, c->made - c->used, c->paper);
    return kh_buf_status(o);
}

static kh_status keep_info(void *ctx, const kh_round_info *ri)
{
    round_ctx *x = ctx;
    x->info = *ri;
    x->info.questionnaire = x->info.opens = x->info.closes = NULL;
    x->info.opened_at = x->info.opened_by = NULL;
    x->title = strdup(ri->title);
    x->audience = strdup(ri->audience);
    x->opens = ri->opens ? strdup(ri->opens) : NULL;
    x->closes = ri->closes ? strdup(ri->closes) : NULL;
    x->info.title = x->title;
    x->info.audience = x->audience;
    return x->title && x->audience && (x->opens || !ri->opens) &&
                   (x->closes || !ri->closes)
               ? KH_OK
               : KH_ENOMEM;
}

/* One <option> of the codes form: a unit of the round by its name. */
static kh_status unit_option(void *ctx, const kh_code_count *c)
{
    kh_buf *o = ctx;
    kh_buf_puts(o, "<option value=\"");
    kh_html_attr(o, c->unit);
    kh_buf_puts(o, "\">");
    kh_html_text(o, c->name);
    kh_buf_puts(o, "</option>");
    return kh_buf_status(o);
}

static void codes_form(web_req *r, int64_t round)
{
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<h2>%s</h2><p>%s</p><form method=\"post\" "
                     "action=\"/surveys/%" PRId64 "/codes\" "
                     "id=\"codes-form\">", W_("Make codes"),
                  W_("Codes are shown this once: print them right away."),
                  round);
    web_csrf_field(r);
    kh_buf_printf(o, "<p><label>%s <select name=\"unit\" required>",
                  W_("Unit"));
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_code_counts(r->store, round, unit_option, o,
                                            e)
                     : KH_ENOMEM;
    web_store_check(r, st, e);
    kh_err_free(e);
    kh_buf_printf(o, "</select></label> <label>%s <input name=\"count\" "
                     "value=\"30\" required></label> <button type=\"submit\">"
                     "%s</button></p></form>\n<form method=\"post\" action=\""
                     "/surveys/%" PRId64 "/close\" id=\"round-close\">",
                  W_("Copies"), W_("Make and print"), round);
    web_csrf_field(r);
    /* Irreversible: the box must be ticked (checked again on the POST). */
    kh_buf_printf(o, "<p><label><input type=\"checkbox\" name=\"confirm\" "
                     "value=\"1\" required> %s</label></p><p><button type=\""
                     "submit\">%s</button></p></form>\n",
                  W_("Yes, end it: an ended round takes no more answers and "
                     "cannot be reopened"), W_("End this round"));
}

/* Loads the round's header info and the inspector's units; false (and
 * the response written) when the round does not exist. */
static bool round_load(web_req *r, int64_t round, round_ctx *x,
                       assigned *as)
{
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_round_get(r->store, round, keep_info, x, e)
                     : KH_ENOMEM;
    if (st == KH_OK && r->sess.role == KH_ROLE_INSPECTOR)
        st = kh_store_assign_each(r->store, r->sess.user, x->info.year,
                                  assign_row, as, e);
    if (st == KH_ENOTFOUND)
        web_error_page(r, 404, NULL);
    else if (st != KH_OK)
        web_fail(r, st, e);
    kh_err_free(e);
    return st == KH_OK;
}

static void round_page(web_req *r, int64_t round)
{
    assigned as = {0};
    round_ctx x = {.r = r, .as = &as};
    if (round_load(r, round, &x, &as)) {
        char title[128];
        snprintf(title, sizeof title, W_("Questionnaire round %" PRId64),
                 round);
        web_page_begin(r, title);
        kh_buf *o = &r->out;
        kh_buf_puts(o, "<p id=\"round-info\">");
        kh_html_text(o, x.info.title);
        kh_buf_puts(o, " · ");
        kh_html_text(o, x.info.audience);
        kh_buf_puts(o, " · ");
        kh_buf_printf(o, W_("year %d"), x.info.year);
        kh_buf_puts(o, " · ");
        kh_buf_printf(o, W_("no figures below %u responses"),
                      x.info.min_responses);
        kh_buf_puts(o, " · ");
        round_state(o, &x.info);
        round_times(o, &x);
        kh_buf_printf(o, "</p><p><a id=\"link-tally\" href=\"/surveys/%"
                      PRId64 "/tally\">%s</a>", round, W_("Tally"));
        if (r->sess.role != KH_ROLE_INSPECTOR)
            kh_buf_printf(o, " · <a id=\"link-tally-xlsx\" href=\"/surveys/%"
                          PRId64 "/tally.xlsx\">%s</a>", round,
                          W_("Download Excel"));
        static const char *const heads[] = {
            N_("Unit"), N_("Codes made"), N_("Used"), N_("Unused"),
            N_("Paper forms")};
        kh_buf_puts(o, "</p>\n<div class=\"wide\"><table id=\"codes\">");
        web_thead(o, heads, sizeof heads / sizeof heads[0]);
        kh_err *e = kh_err_new();
        kh_status st = e ? kh_store_code_counts(r->store, round, code_row,
                                                &x, e)
                         : KH_ENOMEM;
        kh_buf_puts(o, "</table></div>\n");
        if (r->sess.role == KH_ROLE_ADMIN && !x.info.closed)
            codes_form(r, round);
        web_page_end(r);
        if (st != KH_OK)
            web_fail(r, st, e);
        kh_err_free(e);
    }
    round_ctx_free(&x);
    assigned_free(&as);
}

static void round_close(web_req *r, int64_t round)
{
    kh_err *e = kh_err_new();
    char *confirm = web_form_get(r, "confirm");
    kh_status st = !e ? KH_ENOMEM
                   : !confirm || strcmp(confirm, "1")
                       ? kh_err_at(e, 0, 0, "confirm", "tick the box to "
                                   "confirm that the round ends")
                       : kh_store_round_close(r->store, r->sess.user, round,
                                              e);
    free(confirm);
    char back[64];
    snprintf(back, sizeof back, "/surveys/%" PRId64, round);
    post_outcome(r, st, e, back);
    kh_err_free(e);
}


typedef struct name_ctx {
    const char *unit;
    char *name;
} name_ctx;

static kh_status name_row(void *ctx, const kh_code_count *c)
{
    name_ctx *x = ctx;
    if (!x->name && !strcmp(c->unit, x->unit) && !(x->name = strdup(c->name)))
        return KH_ENOMEM;
    return KH_OK;
}

/* The name of a unit of the round (*out malloc'd, NULL if not found). */
static kh_status unit_name(web_req *r, int64_t round, const char *unit,
                           char **out, kh_err *e)
{
    name_ctx x = {.unit = unit};
    kh_status st = kh_store_code_counts(r->store, round, name_row, &x, e);
    *out = x.name;
    return st;
}

/* POST .../codes: makes the codes and answers with the printable slips
 * (shown once: they are not stored). */
static void codes_post(web_req *r, int64_t round)
{
    char *unit = web_form_get(r, "unit"), *count = web_form_get(r, "count");
    kh_err *e = kh_err_new();
    char *end = NULL;
    long n = count ? strtol(count, &end, 10) : 0;
    char **codes = NULL;
    kh_status st = KH_EINVAL;
    if (!count || !end || *end || n < 1 || n > KH_SURVEY_CODES_MAX)
        kh_err_at(e, 0, 0, "count", "give a whole number from 1 to %d",
                  KH_SURVEY_CODES_MAX);
    else
        st = kh_store_codes_create(r->store, r->sess.user, round,
                                   unit ? unit : "", (size_t)n, e, &codes);
    round_ctx x = {.r = r};
    char *name = NULL;
    if (st == KH_OK)
        st = kh_store_round_get(r->store, round, keep_info, &x, e);
    if (st == KH_OK)
        st = unit_name(r, round, unit, &name, e);
    if (st == KH_OK) {
        char base[300];
        const char *host = web_header(r, "Host");
        snprintf(base, sizeof base, "%s://%s",
                 r->app->secure_cookie ? "https" : "http",
                 host ? host : "127.0.0.1");
        kh_buf_reset(&r->out);
        r->status = 200;
        r->ctype = "text/html; charset=utf-8";
        st = kh_survey_slips_html(x.title, name ? name : unit, x.audience,
                                  base,
                                  "/q/survey.css",
                                  (const char *const *)codes, (size_t)n,
                                  &r->out);
        if (st != KH_OK)
            web_fail_why(r, st, "the code slips cannot be rendered");
    } else {
        char back[64];
        snprintf(back, sizeof back, "/surveys/%" PRId64, round);
        post_outcome(r, st, e, back);
    }
    for (long i = 0; codes && i < n; i++)
        free(codes[i]);
    free(codes);
    round_ctx_free(&x);
    kh_err_free(e);
    free(name);
    free(unit);
    free(count);
}

/* ---- the tally page ----------------------------------------------------- */

/* One question's bars: a list, one row per choice with its label, its
 * count and percentage as text, and a <meter> drawing the percentage
 * (no style attribute: the Content-Security-Policy refuses them).  The
 * stylesheet puts the label and the figures above a full-width bar on a
 * phone. */
static void tally_chart(kh_buf *o, const kh_tally *t, size_t u, size_t qi)
{
    const kh_questionnaire *q = kh_tally_questionnaire(t);
    size_t nc = kh_question_choices(q, qi);
    kh_buf_printf(o, "<ul class=\"bars\" aria-label=\"%s\">",
                  W_("Percent per choice"));
    for (size_t c = 0; c < nc; c++) {
        kh_cp p = kh_tally_percent(t, u, qi, c);
        kh_buf_puts(o, "<li><span class=\"bar-label\">");
        kh_html_text(o, kh_question_choice_label(q, qi, c));
        kh_buf_puts(o, "</span><span class=\"bar-num\">");
        kh_buf_printf(o, W_("%zu people"), kh_tally_count(t, u, qi, c));
        kh_buf_puts(o, W_(" ("));
        web_cp_out(o, p);
        kh_buf_printf(o, "%%%s</span><meter min=\"0\" max=\"100\" value=\"",
                      W_(")"));
        web_cp_out(o, p);
        kh_buf_puts(o, "\" aria-hidden=\"true\"></meter></li>");
    }
    kh_buf_puts(o, "</ul>\n");
}

static void tally_question(kh_buf *o, const kh_tally *t, size_t u, size_t qi,
                           bool with_text)
{
    const kh_questionnaire *q = kh_tally_questionnaire(t);
    /* Numbered as the respondents saw it, never by its id. */
    kh_buf_printf(o, "<h4>%zu. ", qi + 1);
    kh_html_text(o, kh_question_text(q, qi));
    kh_buf_puts(o, W_(" ("));
    kh_buf_printf(o, W_("%zu answered"), kh_tally_answered(t, u, qi));
    kh_cp mean;
    if (kh_tally_mean(t, u, qi, &mean)) {
        kh_buf_puts(o, W_(", mean "));
        web_cp_out(o, mean);
    }
    kh_buf_printf(o, "%s</h4>\n", W_(")"));
    if (kh_question_choices(q, qi))
        tally_chart(o, t, u, qi);
    size_t nt = kh_tally_texts(t, u, qi);
    if (!with_text || !nt)
        return;
    kh_buf_puts(o, "<ul class=\"texts\" id=\"texts-");
    kh_html_attr(o, kh_tally_unit_id(t, u));
    kh_buf_putc(o, '-');
    kh_html_attr(o, kh_question_id(q, qi));
    kh_buf_puts(o, "\">");
    for (size_t k = 0; k < nt; k++) {
        kh_buf_puts(o, "<li>");
        kh_html_text(o, kh_tally_text(t, u, qi, k));
        kh_buf_puts(o, "</li>");
    }
    kh_buf_puts(o, "</ul>\n");
}

static void tally_unit(kh_buf *o, const kh_tally *t, size_t u,
                       bool with_text)
{
    kh_buf_puts(o, "<section class=\"tally-unit\" id=\"tally-");
    kh_html_attr(o, kh_tally_unit_id(t, u));
    kh_buf_puts(o, "\"><h3>");
    kh_html_text(o, kh_tally_unit_name(t, u));
    kh_buf_puts(o, "</h3><p>");
    kh_buf_printf(o, W_("codes %zu, responses %zu (paper %zu), response "
                        "rate "), kh_tally_invited(t, u),
                  kh_tally_responses(t, u), kh_tally_paper(t, u));
    web_cp_out(o, kh_tally_rate(t, u));
    kh_buf_puts(o, "%</p>\n");
    if (kh_tally_suppressed(t, u)) {
        kh_buf_puts(o, "<p class=\"suppressed\">");
        kh_buf_printf(o, W_("Fewer than %u responses: no figures are shown."),
                      kh_tally_min(t));
        kh_buf_puts(o, "</p>");
    } else {
        const kh_questionnaire *q = kh_tally_questionnaire(t);
        for (size_t qi = 0; qi < kh_questionnaire_count(q); qi++)
            tally_question(o, t, u, qi, with_text);
    }
    kh_buf_puts(o, "</section>\n");
}

static void tally_page(web_req *r, int64_t round)
{
    assigned as = {0};
    round_ctx x = {.r = r, .as = &as};
    kh_questionnaire *q = NULL;
    kh_tally *t = NULL;
    kh_err *e = kh_err_new();
    if (e && round_load(r, round, &x, &as)) {
        kh_status st = kh_store_round_tally(r->store, round, e, &q, &t);
        if (st != KH_OK) {
            web_fail(r, st, e);
        } else {
            char title[128];
            snprintf(title, sizeof title,
                     W_("Questionnaire round %" PRId64 ": tally"), round);
            web_page_begin(r, title);
            bool text = r->sess.role != KH_ROLE_AUDITOR;
            for (size_t u = 0; u < kh_tally_units(t); u++)
                if (sees_unit(r, &as, kh_tally_unit_id(t, u)))
                    tally_unit(&r->out, t, u, text);
            web_page_end(r);
        }
    } else if (!e) {
        web_fail_why(r, KH_ENOMEM, "out of memory");
    }
    kh_tally_free(t);
    kh_questionnaire_free(q);
    kh_err_free(e);
    round_ctx_free(&x);
    assigned_free(&as);
}

/* The tally as a workbook: admin with the free text, auditor without. */
static void tally_xlsx(web_req *r, int64_t round)
{
    if (r->sess.role == KH_ROLE_INSPECTOR) {
        web_refuse_page(r, "survey workbook: inspector");
        return;
    }
    kh_questionnaire *q = NULL;
    kh_tally *t = NULL;
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_round_tally(r->store, round, e, &q, &t)
                     : KH_ENOMEM;
    if (st == KH_OK)
        st = kh_tally_xlsx(t, r->sess.role == KH_ROLE_ADMIN, &r->out, e);
    kh_tally_free(t);
    kh_questionnaire_free(q);
    if (st != KH_OK) {
        kh_buf_reset(&r->out);
        if (st == KH_ENOTFOUND)
            web_error_page(r, 404, NULL);
        else
            web_fail(r, st, e);
        kh_err_free(e);
        return;
    }
    kh_err_free(e);
    r->status = 200;
    r->ctype = "application/vnd.openxmlformats-officedocument."
               "spreadsheetml.sheet";
    kh_buf d;
    kh_buf_init(&d, 0);
    kh_buf_printf(&d, "attachment; filename=\"survey-%" PRId64 ".xlsx\"",
                  round);
    r->disposition = kh_buf_take(&d, NULL);
    kh_buf_free(&d);
}

/* ---- the route table's entry points (routes.c) --------------------- */

void web_survey_answer(web_req *r, const char *code)
{
    if (!strcmp(r->method, "POST"))
        answer_post(r, code);
    else
        answer_get(r, code);
}

void web_survey_thanks(web_req *r)
{
    thanks_page(r);
}

void web_survey_css(web_req *r)
{
    style_get(r);
}

void web_survey_rounds(web_req *r)
{
    if (!strcmp(r->method, "POST"))
        web_survey_open_post(r);
    else
        rounds_page(r);
}

/* The round of the path, or 0 after a 404. */
static int64_t path_round(web_req *r, const char *arg)
{
    char *end;
    long long round = strtoll(arg, &end, 10);
    if (*end || round <= 0 || arg[0] < '0' || arg[0] > '9') {
        web_error_page(r, 404, NULL);
        return 0;
    }
    return round;
}

void web_survey_round(web_req *r, const char *arg, web_survey_view v)
{
    int64_t round = path_round(r, arg);
    if (!round)
        return;
    switch (v) {
    case WEB_SURVEY_ROUND: round_page(r, round); break;
    case WEB_SURVEY_TALLY: tally_page(r, round); break;
    case WEB_SURVEY_TALLY_XLSX: tally_xlsx(r, round); break;
    case WEB_SURVEY_CLOSE: round_close(r, round); break;
    case WEB_SURVEY_CODES: codes_post(r, round); break;
    }
}
