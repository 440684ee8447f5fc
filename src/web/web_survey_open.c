/*
 * web_survey_open.c - opening a questionnaire round in the web
 * application (admin, /surveys): the form and its POST.  People pick
 * names, never type codes: the year first (a GET form, so the page works
 * without JavaScript), then the questionnaire by its title and the
 * year's units by name, as checkboxes grouped by ranking list with an
 * "all units of this list" box per list; the opening and closing times
 * are Beijing time.  The POST checks every value before the store is
 * asked and names a refused unit (unknown, or of another year) in the
 * refusal; a refused form writes nothing.  The other survey pages are
 * web_survey.c.
 */
#include "web.h"

#include <inttypes.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kaohe/cnday.h"
#include "kaohe/store_survey.h"

/* ---- what the form offers --------------------------------------------- */

/* Years a round may be opened in: draft to review (kh_store_round_open). */
typedef struct oyears {
    int v[WEB_SURVEY_YEARS_MAX];
    size_t n;
} oyears;

static kh_status oyear_add(void *ctx, const kh_year_info *y)
{
    oyears *ys = ctx;
    if (y->state <= KH_YEAR_REVIEW && ys->n < WEB_SURVEY_YEARS_MAX)
        ys->v[ys->n++] = y->year;
    return KH_OK;
}

/* A year's units, copied (each string malloc'd). */
typedef struct ounit {
    char *id, *name, *kind;
} ounit;
typedef struct ounits {
    ounit *v;
    size_t n;
} ounits;

static kh_status ounit_add(void *ctx, const kh_unit_row *row)
{
    ounits *us = ctx;
    ounit *v = realloc(us->v, (us->n + 1) * sizeof *v);
    if (!v)
        return KH_ENOMEM;
    us->v = v;
    ounit *u = &v[us->n];
    u->id = strdup(row->id);
    u->name = strdup(row->name);
    u->kind = strdup(row->kind);
    us->n++;
    return u->id && u->name && u->kind ? KH_OK : KH_ENOMEM;
}

static void ounits_free(ounits *us)
{
    for (size_t i = 0; i < us->n; i++) {
        free(us->v[i].id);
        free(us->v[i].name);
        free(us->v[i].kind);
    }
    free(us->v);
}

static long ounit_find(const ounits *us, const char *id)
{
    for (size_t i = 0; i < us->n; i++)
        if (!strcmp(us->v[i].id, id))
            return (long)i;
    return -1;
}

static kh_status keep_rubric(void *ctx, const kh_year_info *y)
{
    char **ref = ctx;
    return (*ref = strdup(y->rubric)) ? KH_OK : KH_ENOMEM;
}

/* The year's rubric (for the lists' names) and units; caller frees. */
static kh_status year_load(web_req *r, int year, kh_rubric **rb,
                           ounits *us, kh_err *e)
{
    char *ref = NULL;
    kh_status st = kh_store_year_each(r->store, year, keep_rubric, &ref, e);
    if (st == KH_OK)
        st = kh_store_rubric_load(r->store, ref, e, rb, NULL);
    if (st == KH_OK)
        st = kh_store_unit_each(r->store, year, ounit_add, us, e);
    free(ref);
    return st;
}

/* ---- the form ---------------------------------------------------------- */

/* The year of ?year= when it takes a round, else the newest that does. */
static int chosen_year(web_req *r, const oyears *ys)
{
    const char *q = MHD_lookup_connection_value(r->conn,
                                                MHD_GET_ARGUMENT_KIND, "year");
    for (size_t i = 0; q && i < ys->n; i++)
        if (atoi(q) == ys->v[i])
            return ys->v[i];
    int best = 0;
    for (size_t i = 0; i < ys->n; i++)
        best = ys->v[i] > best ? ys->v[i] : best;
    return best;
}

/* The year picker: a GET form of its own, so no script is needed. */
static void year_switch(kh_buf *o, const oyears *ys, int year)
{
    kh_buf_printf(o, "<form method=\"get\" action=\"/surveys\" id=\""
                     "round-year\"><p><label>%s <select name=\"year\">",
                  W_("Year"));
    for (size_t i = 0; i < ys->n; i++)
        kh_buf_printf(o, "<option value=\"%d\"%s>%d</option>", ys->v[i],
                      ys->v[i] == year ? " selected" : "", ys->v[i]);
    kh_buf_printf(o, "</select></label> <button type=\"submit\" class=\""
                     "secondary\">%s</button></p></form>\n",
                  W_("Show its units"));
}

/* What a refused POST sent, shown again with its messages (NULL: a
 * fresh form).  Borrowed. */
typedef struct kept {
    const char *questionnaire, *audience, *min, *opens, *closes;
    char *const *unit, *const *all;
    size_t nunit, nall;
    const kh_err *e;
} kept;

static bool kept_has(char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] && !strcmp(v[i], s))
            return true;
    return false;
}

/* The form's field a message's place names ("--min" is "min"). */
static const char *msg_field(const kh_msg *m)
{
    const char *p = m->path ? m->path : "";
    return p[0] == '-' && p[1] == '-' ? p + 2 : p;
}

static bool is_field(const char *f)
{
    static const char *const fields[] = {"questionnaire", "audience", "unit",
                                         "min", "opens", "closes"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (!strcmp(f, fields[i]))
            return true;
    return false;
}

/* The messages of field beside it; field NULL: those of no field, above
 * the form. */
static void field_errors(kh_buf *o, const kept *k, const char *field)
{
    for (size_t i = 0; k && k->e && i < kh_err_count(k->e); i++) {
        const kh_msg *m = kh_err_get(k->e, i);
        const char *f = msg_field(m);
        if (field ? strcmp(f, field) != 0 : is_field(f))
            continue;
        kh_buf_puts(o, field ? "<p class=\"field-error\" id=\"error-"
                             : "<p class=\"msg error\">");
        if (field)
            kh_buf_printf(o, "%s\">", field);
        kh_html_text(o, web_msg_text(m));
        kh_buf_puts(o, "</p>");
    }
}

/* A value attribute: the kept one, else dflt (may be NULL). */
static void value_attr(kh_buf *o, const char *v, const char *dflt)
{
    if (!v)
        v = dflt;
    if (!v)
        return;
    kh_buf_puts(o, " value=\"");
    kh_html_attr(o, v);
    kh_buf_putc(o, '"');
}

typedef struct q_ctx {
    kh_buf *o;
    const char *selected;
} q_ctx;

static kh_status q_option(void *ctx, const kh_q_version *v)
{
    q_ctx *x = ctx;
    kh_buf_puts(x->o, "<option value=\"");
    kh_html_attr(x->o, v->id);
    kh_buf_printf(x->o, "\"%s>", x->selected && !strcmp(x->selected, v->id)
                                     ? " selected" : "");
    kh_html_text(x->o, v->title);
    kh_buf_puts(x->o, "</option>");
    return kh_buf_status(x->o);
}

/* A list's name: the ranking of kind k, else the kind's own name. */
static const char *list_name(const kh_rubric *rb, size_t k)
{
    for (size_t i = 0; i < kh_rubric_ranking_count(rb); i++)
        if (kh_rubric_ranking_kind(rb, i) == k)
            return kh_rubric_ranking_name(rb, i);
    return kh_rubric_kind_name(rb, k);
}

/* One checkbox (name "unit" or "all"), ticked when the refused POST
 * had it. */
static void box(kh_buf *o, const char *cls, const char *name,
                const char *value, const char *label, bool on)
{
    kh_buf_printf(o, "<label class=\"%s\"><input type=\"checkbox\" "
                     "name=\"%s\" value=\"", cls, name);
    kh_html_attr(o, value);
    kh_buf_printf(o, "\"%s> ", on ? " checked" : "");
    kh_html_text(o, label);
    kh_buf_puts(o, "</label>");
}

/* One fieldset per list: its "all" box, then a box per unit. */
static void unit_boxes(kh_buf *o, const kh_rubric *rb, const ounits *us,
                       const kept *k)
{
    for (size_t kd = 0; kd < kh_rubric_kind_count(rb); kd++) {
        const char *kid = kh_rubric_kind_id(rb, kd);
        bool any = false;
        for (size_t i = 0; i < us->n && !any; i++)
            any = !strcmp(us->v[i].kind, kid);
        if (!any)
            continue;
        kh_buf_puts(o, "<fieldset class=\"units\" id=\"units-");
        kh_html_attr(o, kid);
        kh_buf_puts(o, "\"><legend>");
        kh_html_text(o, list_name(rb, kd));
        kh_buf_puts(o, "</legend>");
        box(o, "check all", "all", kid, W_("All units of this list"),
            k && kept_has(k->all, k->nall, kid));
        for (size_t i = 0; i < us->n; i++)
            if (!strcmp(us->v[i].kind, kid))
                box(o, "check", "unit", us->v[i].id, us->v[i].name,
                    k && kept_has(k->unit, k->nunit, us->v[i].id));
        kh_buf_puts(o, "</fieldset>\n");
    }
    field_errors(o, k, "unit");
}

/* The fields after the units: the minimum and the two times. */
static void tail_fields(kh_buf *o, const kept *k)
{
    char dflt[16];
    snprintf(dflt, sizeof dflt, "%d", KH_TALLY_MIN_DEFAULT);
    kh_buf_printf(o, "<p><label>%s <input name=\"min\" type=\"number\" "
                     "inputmode=\"numeric\" min=\"1\" max=\"%d\"",
                  W_("Fewest responses shown"), KH_SURVEY_MIN_MAX);
    value_attr(o, k ? k->min : NULL, dflt);
    kh_buf_printf(o, "></label></p><p class=\"hint\">%s</p>",
                  W_("A unit with fewer responses shows no figures."));
    field_errors(o, k, "min");
    kh_buf_printf(o, "<p><label>%s <input name=\"opens\" type=\""
                     "datetime-local\"", W_("Opens (Beijing time, may be "
                                            "empty)"));
    value_attr(o, k ? k->opens : NULL, NULL);
    kh_buf_puts(o, "></label></p>");
    field_errors(o, k, "opens");
    kh_buf_printf(o, "<p><label>%s <input name=\"closes\" type=\""
                     "datetime-local\"", W_("Closes (Beijing time, may be "
                                             "empty)"));
    value_attr(o, k ? k->closes : NULL, NULL);
    kh_buf_puts(o, "></label></p>");
    field_errors(o, k, "closes");
    kh_buf_printf(o, "<p><button type=\"submit\">%s</button></p></form>\n",
                  W_("Open the round"));
}

/* The questionnaire and the audience. */
static kh_status head_fields(web_req *r, const kept *k, kh_err *e)
{
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<p><label>%s <select name=\"questionnaire\" required>",
                  W_("Questionnaire"));
    q_ctx qc = {o, k ? k->questionnaire : NULL};
    kh_status st = kh_store_questionnaire_each(r->store, q_option, &qc, e);
    kh_buf_puts(o, "</select></label></p>");
    field_errors(o, k, "questionnaire");
    kh_buf_printf(o, "<p><label>%s <input name=\"audience\" required "
                     "placeholder=\"%s\"", W_("Audience"), W_("students"));
    value_attr(o, k ? k->audience : NULL, NULL);
    kh_buf_puts(o, "></label></p>");
    field_errors(o, k, "audience");
    return st;
}

static void open_fields(web_req *r, int year, const kept *k)
{
    kh_buf *o = &r->out;
    kh_rubric *rb = NULL;
    ounits us = {0};
    kh_err *e = kh_err_new();
    kh_status st = e ? year_load(r, year, &rb, &us, e) : KH_ENOMEM;
    bool have = st == KH_OK;
    if (st == KH_ENOTFOUND)   /* a refused POST for a year not stored */
        st = KH_OK;
    field_errors(o, k, NULL);
    kh_buf_printf(o, "<form method=\"post\" action=\"/surveys\" id=\""
                     "round-open\">");
    web_csrf_field(r);
    kh_buf_printf(o, "<input type=\"hidden\" name=\"year\" value=\"%d\">",
                  year);
    if (st == KH_OK)
        st = head_fields(r, k, e);
    if (st == KH_OK && have)
        unit_boxes(o, rb, &us, k);
    else
        field_errors(o, k, "unit");
    tail_fields(o, k);
    web_store_check(r, st, e);
    kh_err_free(e);
    kh_rubric_free(rb);
    ounits_free(&us);
}

void web_survey_open_form(web_req *r)
{
    kh_buf *o = &r->out;
    oyears ys = {.n = 0};
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_year_each(r->store, 0, oyear_add, &ys, e)
                     : KH_ENOMEM;
    bool ok = web_store_check(r, st, e);
    kh_err_free(e);
    kh_buf_printf(o, "<h2 id=\"open\">%s</h2>", W_("Open a round"));
    if (!ok)
        return;
    if (!ys.n) {
        kh_buf_printf(o, "<p id=\"no-year\">%s</p>",
                      W_("No year takes a new round now (a round is opened "
                         "from the draft to the review)."));
        return;
    }
    int year = chosen_year(r, &ys);
    year_switch(o, &ys, year);
    open_fields(r, year, NULL);
}

/* ---- the POST ------------------------------------------------------------ */

/* A Beijing time of the form ("2025-11-03T08:00", seconds optional, a
 * space for the T) as the store's UTC stamp; false when it is none. */
static bool bj_to_utc(const char *s, char out[KH_STORE_TIME_SZ])
{
    char v[32];
    if (strlen(s) >= sizeof v)
        return false;
    snprintf(v, sizeof v, "%s", s);
    if (v[0] && v[10] == ' ')
        v[10] = 'T';
    struct tm tm = {0};
    const char *end = strptime(v, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!end || *end) {
        memset(&tm, 0, sizeof tm);
        end = strptime(v, "%Y-%m-%dT%H:%M", &tm);
    }
    if (!end || *end || strlen(v) < 16)
        return false;
    int mday = tm.tm_mday, mon = tm.tm_mon;   /* timegm normalizes tm */
    struct tm back;
    time_t t = timegm(&tm);
    gmtime_r(&t, &back);
    if (back.tm_mday != mday || back.tm_mon != mon)
        return false;   /* 2025-02-30 */
    t -= KH_CNDAY_OFFSET;
    gmtime_r(&t, &back);
    return strftime(out, KH_STORE_TIME_SZ, "%Y-%m-%dT%H:%M:%SZ", &back) > 0;
}

static void time_field(const char *v, const char *path, char *out,
                       const char **to, kh_err *e)
{
    if (!v || !v[0])
        return;
    if (bj_to_utc(v, out))
        *to = out;
    else
        kh_err_at(e, 0, 0, path, "\"%s\" is not a date and time such as "
                  "2025-11-03 08:00", v);
}

/* A unit the form named that the year lacks: by its name when another
 * year knows it, else as sent. */
static kh_status unit_refused(web_req *r, int year, const char *id,
                              kh_err *e)
{
    char *name = NULL;
    kh_status st = kh_store_unit_name(r->store, id, &name, e);
    if (st == KH_OK)
        kh_err_at(e, 0, 0, "unit", "%s is not a unit of year %d", name,
                  year);
    else if (st == KH_ENOTFOUND)
        kh_err_at(e, 0, 0, "unit", "no unit \"%s\" in year %d", id, year);
    free(name);
    return st == KH_ENOTFOUND ? KH_OK : st;
}

/* The units picked (boxes and whole lists), in the year's order, into
 * sp->units; every unknown one refused on e. */
static kh_status units_pick(web_req *r, const ounits *us, char **unit,
                            size_t nunit, char **all, size_t nall,
                            kh_round_spec *sp, const char **out, kh_err *e)
{
    kh_status st = KH_OK;
    for (size_t i = 0; i < nunit && st == KH_OK; i++)
        if (!unit[i] || ounit_find(us, unit[i]) < 0)
            st = unit_refused(r, sp->year, unit[i] ? unit[i] : "", e);
    for (size_t k = 0; k < nall; k++) {
        bool known = false;
        for (size_t i = 0; all[k] && i < us->n && !known; i++)
            known = !strcmp(us->v[i].kind, all[k]);
        if (!known)
            kh_err_at(e, 0, 0, "unit", "no list \"%s\" in year %d",
                      all[k] ? all[k] : "", sp->year);
    }
    for (size_t i = 0; i < us->n; i++) {
        bool in = false;
        for (size_t k = 0; k < nunit && !in; k++)
            in = unit[k] && !strcmp(unit[k], us->v[i].id);
        for (size_t k = 0; k < nall && !in; k++)
            in = all[k] && !strcmp(all[k], us->v[i].kind);
        if (in)
            out[sp->nunits++] = us->v[i].id;
    }
    sp->units = out;
    if (st == KH_OK && !sp->nunits && !kh_err_count(e))
        kh_err_at(e, 0, 0, "unit", "choose at least one unit");
    return st;
}

/* The single fields: year, questionnaire, audience, minimum, times. */
static void spec_fields(web_req *r, char **f, kh_round_spec *sp,
                        char times[2][KH_STORE_TIME_SZ], kh_err *e)
{
    static const char *const names[] = {"year", "questionnaire", "audience",
                                        "min", "opens", "closes"};
    for (size_t i = 0; i < 6; i++)
        f[i] = web_form_get(r, names[i]);
    char *end = NULL;
    long y = f[0] ? strtol(f[0], &end, 10) : 0;
    if (!f[0] || !end || *end || y < 1900 || y > 2999)
        kh_err_at(e, 0, 0, "year", "give a year, e.g. 2025");
    sp->year = (int)(y >= 1900 && y <= 2999 ? y : 0);
    sp->questionnaire = f[1] ? f[1] : "";
    if (!sp->questionnaire[0])
        kh_err_at(e, 0, 0, "questionnaire", "choose a questionnaire");
    sp->audience = f[2] ? f[2] : "";
    long min = KH_TALLY_MIN_DEFAULT;
    if (f[3] && f[3][0]) {
        min = strtol(f[3], &end, 10);
        if (*end || min < 1 || min > KH_SURVEY_MIN_MAX) {
            kh_err_at(e, 0, 0, "min", "give a whole number from 1 to %d",
                      KH_SURVEY_MIN_MAX);
            min = KH_TALLY_MIN_DEFAULT;
        }
    }
    sp->min_responses = (unsigned)min;
    time_field(f[4], "opens", times[0], &sp->opens, e);
    time_field(f[5], "closes", times[1], &sp->closes, e);
    /* Said here by the form's words (the store's names its options). */
    if (sp->opens && sp->closes && strcmp(sp->closes, sp->opens) <= 0)
        kh_err_at(e, 0, 0, "closes", "must be after the opening time");
}

/* A refused form again: every value kept, each message beside its
 * field (those of no field above it), status 422; nothing was written. */
static void refused_page(web_req *r, int year, const kept *k)
{
    kh_buf_reset(&r->out);
    web_page_begin(r, W_("Open a round"));
    r->status = 422;
    web_msg_box(&r->out, "error", W_("The round was not opened: change what "
                                     "is marked below."));
    kh_buf_printf(&r->out, "<p id=\"open-year\">%s%s%d</p>", W_("Year"),
                  W_(": "), year);
    open_fields(r, year, k);
    web_page_end(r);
}

static void open_outcome(web_req *r, kh_status st, int year, int64_t id,
                         const kept *k)
{
    char back[64];
    if (st == KH_OK) {
        snprintf(back, sizeof back, "/surveys/%" PRId64, id);
        web_redirect(r, back);
    } else if ((st == KH_EINVAL || st == KH_ENOTFOUND || st == KH_ESTATE) &&
               year) {
        refused_page(r, year, k);
    } else if (st == KH_EINVAL || st == KH_ENOTFOUND || st == KH_ESTATE) {
        web_admin_errors_page(r, 422, W_("Not done"), k->e, "/surveys#open");
    } else {
        web_fail(r, st, k->e);
    }
}

void web_survey_open_post(web_req *r)
{
    char *f[6] = {NULL};
    char times[2][KH_STORE_TIME_SZ];
    kh_round_spec sp = {.year = 0};
    ounits us = {0};
    char **unit = calloc(KH_SURVEY_UNITS_MAX, sizeof *unit);
    char **all = calloc(KH_SURVEY_UNITS_MAX, sizeof *all);
    const char **picked = calloc(KH_SURVEY_UNITS_MAX, sizeof *picked);
    kh_err *e = kh_err_new();
    kh_status st = e && unit && all && picked ? KH_OK : KH_ENOMEM;
    size_t nu = 0, na = 0;
    if (st == KH_OK) {
        spec_fields(r, f, &sp, times, e);
        nu = web_form_values(r, "unit", unit, KH_SURVEY_UNITS_MAX);
        na = web_form_values(r, "all", all, KH_SURVEY_UNITS_MAX);
        if (nu > KH_SURVEY_UNITS_MAX || na > KH_SURVEY_UNITS_MAX)
            kh_err_at(e, 0, 0, "unit", "give 1 to %d units, not %zu",
                      KH_SURVEY_UNITS_MAX, nu);
        nu = nu > KH_SURVEY_UNITS_MAX ? KH_SURVEY_UNITS_MAX : nu;
        na = na > KH_SURVEY_UNITS_MAX ? KH_SURVEY_UNITS_MAX : na;
        if (sp.year)
            st = kh_store_unit_each(r->store, sp.year, ounit_add, &us, e);
        if (st == KH_OK && sp.year)
            st = units_pick(r, &us, unit, nu, all, na, &sp, picked, e);
    }
    int64_t id = 0;
    if (st == KH_OK)
        st = kh_err_count(e) ? KH_EINVAL
                             : kh_store_round_open(r->store, r->sess.user,
                                                   &sp, e, &id);
    kept k = {f[1], f[2], f[3], f[4], f[5], unit, all, nu, na, e};
    open_outcome(r, st, sp.year, id, &k);
    for (size_t i = 0; i < 6; i++)
        free(f[i]);
    for (size_t i = 0; unit && i < nu; i++)
        free(unit[i]);
    for (size_t i = 0; all && i < na; i++)
        free(all[i]);
    free(unit);
    free(all);
    free(picked);
    ounits_free(&us);
    kh_err_free(e);
}
