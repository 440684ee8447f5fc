/*
 * policy.c - the one authorization policy of `kaohe serve`: web_may
 * decides, for the request's user, whether an action on (year, unit) is
 * allowed.  Pages, the JSON API, documents and downloads all ask it; the
 * route table (routes.c) names each route's action and the dispatcher
 * asks before the body is read.
 *
 *   admin      everything;
 *   auditor    reads everything, writes nothing;
 *   inspector  inspection entries of the units assigned to them for that
 *              year (read and write) and those units' self entries (read:
 *              the inspection form shows them); no results, no score
 *              sheets (a sheet carries every unit's place);
 *              Removing or replacing evidence is the uploader's side's:
 *              admin or the unit's own user, never an inspector;
 *   unit       its own unit's self entries and submitting them; its own
 *              score sheet, result and own view once the year is
 *              published, and its rectification reports; its
 *              own visit's date, place and team, never the on-site
 *              records; never the progress list; its own unit's bonus
 *              claims (read and file);
 *   department its provider's inputs of every unit on its grid
 *              (web_dept.c narrows to the provider), nothing else.
 * Everyone reads only their own inbox (the store call takes the
 * session's user).
 *
 * The year's state for writes is enforced by the store (KH_ESTATE).
 */
#include "web.h"

#include <stdio.h>
#include <string.h>

typedef struct assign_ctx {
    const char *unit;
    bool found;
} assign_ctx;

static kh_status assign_cb(void *ctx, const kh_assign_row *row)
{
    assign_ctx *a = ctx;
    if (strcmp(row->unit, a->unit) == 0) {
        a->found = true;
        return KH_DONE;
    }
    return KH_OK;
}

/* Is the inspector assigned to (year, unit)?  A store failure refuses
 * and fails the request (web_store_check): never allow on an error. */
static bool assigned(web_req *r, int year, const char *unit)
{
    kh_err *e = kh_err_new();
    if (!e)
        return false;
    assign_ctx a = {unit, false};
    kh_status st = kh_store_assign_each(r->store, r->sess.user, year,
                                        assign_cb, &a, e);
    if (!web_store_check(r, st, e))
        a.found = false;
    kh_err_free(e);
    return a.found;
}

/* Is the year published (or later)?  False on any error. */
static bool published(web_req *r, int year)
{
    kh_err *e = kh_err_new();
    kh_year_state st = KH_YEAR_DRAFT;
    kh_status s = e ? kh_store_year_state(r->store, year, &st, e) : KH_ENOMEM;
    if (s != KH_ENOTFOUND)
        web_store_check(r, s, e);
    kh_err_free(e);
    return s == KH_OK && st >= KH_YEAR_PUBLISHED;
}

static kh_status provider_cb(void *ctx, const kh_user_row *row)
{
    snprintf(ctx, KH_PROVIDER_MAX + 1, "%s", row->provider ? row->provider
                                                           : "");
    return KH_OK;
}

bool web_dept_provider(web_req *r, char out[KH_PROVIDER_MAX + 1])
{
    out[0] = '\0';
    if (!r->logged_in || r->sess.role != KH_ROLE_DEPARTMENT)
        return false;
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_user_each(r->store, r->sess.user, provider_cb,
                                          out, e)
                     : KH_ENOMEM;
    if (st != KH_ENOTFOUND)
        web_store_check(r, st, e);
    kh_err_free(e);
    return st == KH_OK && out[0];
}

/* Does the user's provider supply input (NULL: any input) of item in the
 * year's rubric?  False on any error. */
static bool provider_input(web_req *r, const kh_rubric *rb,
                           const char *provider, const char *item,
                           const char *input)
{
    int i = item ? kh_rubric_item_find(rb, item) : -1;
    if (i < 0)
        return false;
    for (size_t sl = 0; sl < kh_rubric_item_slots(rb, (size_t)i); sl++) {
        const char *p = kh_rubric_input_provider(rb, (size_t)i, sl);
        const char *in = kh_term_input(kh_rubric_item_slot(rb, (size_t)i, sl));
        if (p && strcmp(p, provider) == 0 && (!input || !strcmp(in, input)))
            return true;
    }
    (void)r;
    return false;
}

bool web_may_dept_input(web_req *r, int year, const char *item,
                        const char *input)
{
    char provider[KH_PROVIDER_MAX + 1];
    if (!web_dept_provider(r, provider))
        return false;
    web_year *y = NULL;
    if (web_year_peek(r, year, &y) != KH_OK)
        return false;
    bool ok = provider_input(r, y->rubric, provider, item, input);
    web_year_put(r->app, y);
    return ok;
}

/* A department scorer: inspection entries of an item its provider
 * supplies (the route's :arg), of any unit. */
static bool dept_entry(web_req *r, bool inspection, int year)
{
    return inspection && r->m && r->m->phase == KH_PHASE_INSPECTION &&
           r->m->arg && web_may_dept_input(r, year, r->m->arg, NULL);
}

static bool own_unit(const web_req *r, const char *unit)
{
    return r->sess.role == KH_ROLE_UNIT && unit &&
           strcmp(unit, r->sess.unit) == 0;
}

/* Reads of a unit's entries of one phase. */
static bool entry_read(web_req *r, bool inspection, int year,
                       const char *unit)
{
    switch (r->sess.role) {
    case KH_ROLE_ADMIN:
    case KH_ROLE_AUDITOR:
        return true;
    case KH_ROLE_UNIT:
        return !inspection && own_unit(r, unit);
    case KH_ROLE_INSPECTOR:
        return unit && assigned(r, year, unit);
    case KH_ROLE_DEPARTMENT:
        return unit && dept_entry(r, inspection, year);
    }
    return false;
}

static bool entry_write(web_req *r, bool inspection, int year,
                        const char *unit)
{
    switch (r->sess.role) {
    case KH_ROLE_ADMIN:
        return true;
    case KH_ROLE_AUDITOR:
        return false;
    case KH_ROLE_UNIT:
        return !inspection && own_unit(r, unit);
    case KH_ROLE_INSPECTOR:
        return inspection && unit && assigned(r, year, unit);
    case KH_ROLE_DEPARTMENT:
        return unit && dept_entry(r, inspection, year);
    }
    return false;
}

bool web_may(web_req *r, web_action act, int year, const char *unit)
{
    if (act == WEB_A_ANYONE || act == WEB_A_SURVEY_ANSWER)
        return true;
    if (!r->logged_in)
        return false;
    bool reader = r->sess.role == KH_ROLE_ADMIN ||
                  r->sess.role == KH_ROLE_AUDITOR;
    switch (act) {
    case WEB_A_NONE:
        return false;
    case WEB_A_ANYONE:
    case WEB_A_SURVEY_ANSWER:
    case WEB_A_SIGNED_IN:
        return true;
    case WEB_A_SURVEY_READ:
    case WEB_A_ONSITE_READ:
    case WEB_A_PROGRESS:
        return reader || r->sess.role == KH_ROLE_INSPECTOR;
    case WEB_A_ADMIN:
        return r->sess.role == KH_ROLE_ADMIN;
    case WEB_A_ONSITE_WRITE:
        return r->sess.role == KH_ROLE_ADMIN ||
               r->sess.role == KH_ROLE_INSPECTOR;
    case WEB_A_READ_ALL:
        return reader;
    case WEB_A_SHEET:
    case WEB_A_UNIT_VIEW:
        return reader || (own_unit(r, unit) && published(r, year));
    case WEB_A_FOLLOWUP_REPORT:
        return own_unit(r, unit) && published(r, year);
    case WEB_A_ENTRY_READ:     /* either phase */
    case WEB_A_EVIDENCE_READ:
        return entry_read(r, false, year, unit) ||
               entry_read(r, true, year, unit);
    case WEB_A_ENTRY_WRITE:
        return entry_write(r, false, year, unit) ||
               entry_write(r, true, year, unit);
    case WEB_A_SELF_READ:
        return entry_read(r, false, year, unit);
    case WEB_A_SELF_WRITE:
        return entry_write(r, false, year, unit);
    case WEB_A_INSPECTION_READ:
        return entry_read(r, true, year, unit);
    case WEB_A_INSPECTION_WRITE:
        return entry_write(r, true, year, unit);
    case WEB_A_EVIDENCE_REMOVE:
        return r->sess.role == KH_ROLE_ADMIN || own_unit(r, unit);
    case WEB_A_CLAIMS_READ:
        return reader || (r->sess.role == KH_ROLE_UNIT &&
                          (!unit || own_unit(r, unit)));
    case WEB_A_CLAIM_FILE:
        return r->sess.role == KH_ROLE_ADMIN || own_unit(r, unit);
    case WEB_A_DEPT:
        return reader || r->sess.role == KH_ROLE_DEPARTMENT;
    }
    return false;
}

web_action web_entry_action(kh_phase phase, bool write)
{
    if (phase == KH_PHASE_INSPECTION)
        return write ? WEB_A_INSPECTION_WRITE : WEB_A_INSPECTION_READ;
    return write ? WEB_A_SELF_WRITE : WEB_A_SELF_READ;
}

bool web_may_entry(web_req *r, int year, const char *unit, kh_phase phase,
                   web_access acc)
{
    return web_may(r, web_entry_action(phase, acc == WEB_WRITE), year, unit);
}

const char *web_action_name(web_action a)
{
    static const char *const names[] = {
        "-", "anyone", "signed-in", "admin", "read-all", "sheet",
        "entry-read", "entry-write", "self-read", "self-write",
        "inspection-read", "inspection-write", "evidence-read",
        "survey-answer", "survey-read", "onsite-read", "onsite-write",
        "evidence-remove", "progress", "claims-read", "claim-file",
        "dept", "unit-view", "followup-report"};
    return (size_t)a < sizeof names / sizeof *names ? names[a] : "-";
}
