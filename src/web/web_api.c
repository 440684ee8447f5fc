/*
 * web_api.c - the JSON API under /api/v1 (reached through routes.c).
 * Every request is checked on the server against the session's role and
 * the object it names by the one policy (policy.c); the year's state is
 * enforced by the store (KH_ESTATE -> 403).
 */
#include "web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/doc.h"
#include "kaohe/report.h"
#include "kaohe/score.h"

/* ---- login and logout ---------------------------------------------- */

typedef struct unlock_ctx {
    const char *user;
    int64_t after;
    bool found;
} unlock_ctx;

static kh_status unlock_cb(void *ctx, const kh_audit_row *row)
{
    unlock_ctx *c = ctx;
    if (row->seq > c->after && row->rec.object &&
        strcmp(row->rec.object, c->user) == 0 &&
        (strcmp(row->rec.action, "user.passwd") == 0 ||
         strcmp(row->rec.action, "user.enable") == 0)) {
        c->found = true;
        return KH_DONE;
    }
    return KH_OK;
}

/* An account lock ends when the password was changed or the user
 * enabled (kaohe user passwd / enable) after it started: the audit log
 * is the store's record of it, read only while the account is locked
 * and the log grew since the last look. */
static bool unlocked_by_cli(web_req *r, const char *user, int64_t lock_seq)
{
    kh_err *e = kh_err_new();
    int64_t seq = 0;
    unlock_ctx c = {user, lock_seq, false};
    kh_status st = e ? kh_store_change_seq(r->store, &seq, e) : KH_ENOMEM;
    if (st == KH_OK && seq > lock_seq)
        st = kh_store_audit_each(r->store, 0, NULL, unlock_cb, &c, e);
    web_store_check(r, st, e);
    kh_err_free(e);
    if (st == KH_OK || st == KH_DONE)
        web_login_unlock(r, user, c.found ? 0 : seq);
    return c.found;
}

static int64_t audit_seq(web_req *r)
{
    kh_err *e = kh_err_new();
    int64_t seq = 0;
    kh_status st = e ? kh_store_change_seq(r->store, &seq, e) : KH_ENOMEM;
    web_store_check(r, st, e);
    kh_err_free(e);
    return seq;
}

kh_status web_check_password(web_req *r, const char *user,
                             const char *password, kh_role *role,
                             char **unit)
{
    bool known = r->logged_in && strcmp(r->sess.user, user) == 0;
    bool new_addr;
    int64_t lock_seq;
    web_sessions *hs = r->app ? r->app->sessions : NULL;
    if (!web_hash_enter(hs)) {   /* before the store: a flood writes nothing */
        r->hash_busy = true;
        r->retry_after = "2";
        return KH_ELIMIT;
    }
    web_login_gate g = web_login_begin(r, user, known, &new_addr, &lock_seq);
    if (g == WEB_LOGIN_ACCOUNT && unlocked_by_cli(r, user, lock_seq))
        g = web_login_begin(r, user, known, &new_addr, &lock_seq);
    if (g != WEB_LOGIN_OK) {
        web_hash_leave(hs);
        web_count_event(r, user, "web.login_throttled",
                        g == WEB_LOGIN_ACCOUNT ? "account locked"
                                               : "address throttled");
        return KH_ELIMIT;
    }
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_user_verify(r->store, user, password, role,
                                            unit, e)
                     : KH_ENOMEM;
    web_hash_leave(hs);
    bool failed = st == KH_EDB || st == KH_ENOMEM || st == KH_EIO;
    if (failed)   /* a store failure, not a wrong password */
        web_store_check(r, st, e);
    kh_err_free(e);
    web_login_done(r, user, st == KH_OK, new_addr,
                   st == KH_OK ? 0 : audit_seq(r));
    return st == KH_OK ? KH_OK : KH_EPERM;
}

kh_status web_login(web_req *r, const char *user, const char *password)
{
    kh_web *app = r->app;
    char actor[KH_USER_NAME_MAX + 1];
    snprintf(actor, sizeof actor, "%s", user);
    kh_buf v;
    kh_buf_init(&v, 1024);
    kh_buf_puts(&v, "{\"ip\":");
    web_json_str(&v, r->ip);
    kh_buf_putc(&v, '}');
    kh_role role = KH_ROLE_AUDITOR;
    char *unit = NULL;
    kh_status st = web_check_password(r, user, password, &role, &unit);
    if (st != KH_OK) {
        if (st == KH_EPERM)
            web_audit(r, actor, "web.login_failed", NULL, kh_buf_str(&v));
        kh_buf_free(&v);
        free(unit);
        return st;
    }
    if (r->logged_in)   /* a new id at every login */
        web_session_destroy(r, r->sess.id);
    r->logged_in = web_session_create(r, user, role, unit, &r->sess);
    free(unit);
    if (!r->logged_in) {
        kh_buf_free(&v);
        return KH_ELIMIT;
    }
    kh_buf_reset(&r->cookie);
    web_session_cookie(&r->cookie, r->sess.id, app->secure_cookie);
    kh_status ast = web_audit(r, r->sess.user, "web.login", NULL,
                              kh_buf_str(&v));
    kh_buf_free(&v);
    if (ast != KH_OK) {   /* no session that the log does not record */
        web_session_destroy(r, r->sess.id);
        r->logged_in = false;
        kh_buf_reset(&r->cookie);
        return ast;
    }
    return KH_OK;
}

void web_logout(web_req *r)
{
    if (r->logged_in) {
        web_audit(r, r->sess.user, "web.logout", NULL, NULL);
        web_session_destroy(r, r->sess.id);
        r->logged_in = false;
    }
    kh_buf_reset(&r->cookie);
    web_session_cookie(&r->cookie, NULL, r->app->secure_cookie);
}

/* ---- JSON bodies ----------------------------------------------------- */

typedef struct json_body {
    kh_arena *arena;
    const kh_node *root;
} json_body;

static kh_status body_parse(web_req *r, json_body *jb, kh_err *e)
{
    jb->arena = kh_arena_new();
    jb->root = NULL;
    if (!jb->arena)
        return KH_ENOMEM;
    kh_doc *d = NULL;
    kh_status st = kh_doc_open_mem("body", r->body.data ? r->body.data : "",
                                   r->body.len, 'j', e, &d);
    if (st == KH_OK)
        st = kh_doc_read(d, jb->arena, &jb->root);
    if (st == KH_OK)
        st = kh_doc_finish(d);
    kh_doc_free(d);
    if (st == KH_OK && jb->root->type != KH_NODE_MAP)
        st = kh_err_at(e, jb->root->line, jb->root->col, NULL,
                       "the body must be a JSON object");
    return st;
}

/* 422 with every error: its data path and place as the code wrote them
 * (for scripts), message in English and message_zh, the place named and
 * the Chinese (web_msg_line) from year's rubric and units (0: none). */
static void errors_json(web_req *r, const kh_err *e, int year)
{
    web_places names;
    web_places_load(r, year, &names);
    r->status = 422;
    r->ctype = "application/json";
    kh_buf_reset(&r->out);
    kh_buf_puts(&r->out, "{\"error\":\"invalid\",\"errors\":[");
    size_t k = 0;
    for (size_t i = 0; i < kh_err_count(e); i++) {
        const kh_msg *m = kh_err_get(e, i);
        if (m->severity != KH_SEV_ERROR)
            continue;
        if (k++)
            kh_buf_putc(&r->out, ',');
        kh_buf_puts(&r->out, "{\"path\":");
        if (m->path)
            web_json_str(&r->out, m->path);
        else
            kh_buf_puts(&r->out, "null");
        if (m->line)
            kh_buf_printf(&r->out, ",\"line\":%u,\"col\":%u", m->line, m->col);
        kh_buf_puts(&r->out, ",\"message\":");
        web_json_str(&r->out, m->text);
        kh_buf_puts(&r->out, ",\"message_zh\":");
        /* The body is the caller's own: no file or line to name. */
        kh_msg shown = *m;
        shown.file = NULL;
        shown.line = shown.col = 0;
        char *zh = web_msg_line(&names, &shown);
        web_json_str(&r->out, zh ? zh : web_msg_text(m));
        free(zh);
        kh_buf_putc(&r->out, '}');
    }
    kh_buf_puts(&r->out, "]}\n");
    web_places_free(&names);
}

kh_status web_api_body(web_req *r, kh_arena **arena, const kh_node **root,
                       kh_err *e)
{
    json_body jb = {0};
    kh_status st = body_parse(r, &jb, e);
    *arena = jb.arena;
    *root = jb.root;
    return st;
}

void web_api_errors(web_req *r, const kh_err *e, int year)
{
    errors_json(r, e, year);
}

void web_conflict_json(web_req *r, const kh_err *e)
{
    const kh_msg *m = NULL;
    for (size_t i = 0; e && i < kh_err_count(e) && !m; i++)
        if (kh_err_get(e, i)->severity == KH_SEV_ERROR)
            m = kh_err_get(e, i);
    if (!m) {
        web_error_json(r, 409, "stale");
        return;
    }
    /* A submitted self-check (path "selfcheck") or a stale version. */
    bool sub = m->path && strcmp(m->path, "selfcheck") == 0;
    r->status = 409;
    r->ctype = "application/json";
    kh_buf_reset(&r->out);
    kh_buf_printf(&r->out, "{\"error\":\"%s\",\"message\":",
                  sub ? "submitted" : "stale");
    web_json_str(&r->out, m->text);
    kh_buf_puts(&r->out, ",\"message_zh\":");
    web_json_str(&r->out, web_msg_text(m));
    kh_buf_puts(&r->out, "}\n");
}

static void refuse(web_req *r, const char *why)
{
    web_audit_refusal(r, why);
    web_error_json(r, 403, "forbidden");
}

/* ---- routes ---------------------------------------------------------- */

void web_api_login(web_req *r)
{
    kh_err *e = kh_err_new();
    json_body jb = {0};   /* freed below even when e is NULL */
    if (!e || body_parse(r, &jb, e) != KH_OK) {
        if (e)
            errors_json(r, e, 0);
        kh_err_free(e);
        kh_arena_free(jb.arena);
        return;
    }
    const kh_node *u = kh_node_get(jb.root, "user");
    const kh_node *p = kh_node_get(jb.root, "password");
    const char *user = NULL, *pw = NULL;
    if (!u || kh_node_str(u, e, "user", &user) != KH_OK)
        kh_err_at(e, 0, 0, "user", "a user name is required");
    if (!p || kh_node_str(p, e, "password", &pw) != KH_OK)
        kh_err_at(e, 0, 0, "password", "a password is required");
    if (kh_err_errors(e)) {
        errors_json(r, e, 0);
    } else {
        kh_status st = web_login(r, user, pw);
        if (st == KH_OK) {
            r->status = 200;
            r->ctype = "application/json";
            kh_buf_puts(&r->out, "{\"csrf\":");
            web_json_str(&r->out, r->sess.csrf);
            kh_buf_puts(&r->out, ",\"user\":");
            web_json_str(&r->out, r->sess.user);
            kh_buf_printf(&r->out, ",\"role\":\"%s\"}\n",
                          kh_role_name(r->sess.role));
        } else if (st == KH_ELIMIT && r->hash_busy) {
            web_error_json(r, 503, "busy");   /* Retry-After is set */
        } else if (st == KH_ELIMIT) {
            web_error_json(r, 429, "throttled");
        } else {
            web_error_json(r, 401, "login_failed");
        }
    }
    kh_err_free(e);
    kh_arena_free(jb.arena);
}

void web_api_me(web_req *r)
{
    r->status = 200;
    r->ctype = "application/json";
    kh_buf_puts(&r->out, "{\"user\":");
    web_json_str(&r->out, r->sess.user);
    kh_buf_printf(&r->out, ",\"role\":\"%s\",\"unit\":",
                  kh_role_name(r->sess.role));
    if (r->sess.unit[0])
        web_json_str(&r->out, r->sess.unit);
    else
        kh_buf_puts(&r->out, "null");
    kh_buf_puts(&r->out, ",\"csrf\":");
    web_json_str(&r->out, r->sess.csrf);
    kh_buf_puts(&r->out, "}\n");
}

void web_api_results(web_req *r, int year)
{
    web_year *y;
    kh_status st = web_year_get(r, year, &y);
    if (st == KH_ENOTFOUND) {
        web_error_json(r, 404, "not_found");
        return;
    }
    if (st != KH_OK) {
        web_fail(r, st, NULL);
        return;
    }
    if (!web_may(r, WEB_A_READ_ALL, year, NULL)) {
        web_year_put(r->app, y);
        refuse(r, "results: role");
        return;
    }
    if (!y->json.present) {
        web_year_put(r->app, y);
        web_fail_why(r, KH_EINVAL, "the year's results JSON was not built");
        return;
    }
    r->status = 200;
    r->ctype = "application/json";
    web_out_cached(r, y, WEB_CACHED_JSON);
    web_year_put(r->app, y);
}

/* Writes a parsed JSON value back as JSON (strings re-escaped, numbers
 * and literals as they were), for pieces of the results JSON. */
static void node_json(kh_buf *o, const kh_node *n)
{
    switch (n->type) {
    case KH_NODE_SCALAR:
        if (n->style == KH_SCALAR_QUOTED)
            web_json_str(o, n->u.text);
        else
            kh_buf_puts(o, n->u.text);
        break;
    case KH_NODE_SEQ:
        kh_buf_putc(o, '[');
        for (size_t i = 0; i < n->n; i++) {
            if (i)
                kh_buf_putc(o, ',');
            node_json(o, &n->u.kids[i]);
        }
        kh_buf_putc(o, ']');
        break;
    case KH_NODE_MAP:
        kh_buf_putc(o, '{');
        for (size_t i = 0; i < n->n; i++) {
            if (i)
                kh_buf_putc(o, ',');
            web_json_str(o, n->u.kids[2 * i].u.text);
            kh_buf_putc(o, ':');
            node_json(o, &n->u.kids[2 * i + 1]);
        }
        kh_buf_putc(o, '}');
        break;
    }
}

/* GET /api/v1/years/Y/units/U/result: one unit's object of the results
 * JSON (SCORING.md section 8; the frozen snapshot once published) and
 * its rows of the ranking lists (its own row in a unit-level list, its
 * branch's row in a branch-level one):
 *   {"year": Y, "state": "...", "unit": {...},
 *    "ranks": [{"ranking": ID, "name": ..., "level": "unit"|"branch",
 *               "row": {...}}]}
 * Admin and auditor always; a unit user for its own unit once the year
 * is published; everyone else 403. */
void web_api_unit_result(web_req *r, int year, const char *unit)
{
    web_year *y;
    kh_status st = web_year_get(r, year, &y);
    if (st == KH_ENOTFOUND) {
        web_error_json(r, 404, "not_found");
        return;
    }
    if (st != KH_OK) {
        web_fail(r, st, NULL);
        return;
    }
    if (!web_may(r, WEB_A_SHEET, year, unit)) {
        web_year_put(r->app, y);
        refuse(r, "unit result: role, unit or not yet published");
        return;
    }
    kh_err *e = kh_err_new();
    kh_arena *ar = kh_arena_new();
    kh_doc *d = NULL;
    const kh_node *root = NULL;
    size_t jlen = 0;
    const char *json = web_body_text(&y->json, &jlen);
    if (!e || !ar || !json ||
        kh_doc_open_mem("results", json, jlen, 'j', e, &d) != KH_OK ||
        kh_doc_read(d, ar, &root) != KH_OK || kh_doc_finish(d) != KH_OK ||
        root->type != KH_NODE_MAP) {
        web_fail_why(r, KH_EINVAL, "the year's results JSON cannot be read "
                     "back");
        goto out;
    }
    const kh_node *units = kh_node_get(root, "units"), *me = NULL;
    for (size_t i = 0; units && units->type == KH_NODE_SEQ && i < units->n; i++)
        if (kh_node_eq(kh_node_get(&units->u.kids[i], "id"), unit))
            me = &units->u.kids[i];
    if (!me) {
        web_error_json(r, 404, "not_found");
        goto out;
    }
    const kh_node *branch = kh_node_get(me, "branch");
    r->status = 200;
    r->ctype = "application/json";
    kh_buf *o = &r->out;
    kh_buf_printf(o, "{\"year\":%d,\"state\":\"%s\",\"unit\":", year,
                  kh_year_state_name(y->state));
    node_json(o, me);
    kh_buf_puts(o, ",\"ranks\":[");
    const kh_node *rk = kh_node_get(root, "rankings");
    size_t nr = 0;
    for (size_t k = 0; k < kh_rubric_ranking_count(y->rubric); k++) {
        const char *rid = kh_rubric_ranking_id(y->rubric, k);
        bool by_branch = kh_rubric_ranking_level(y->rubric, k) == KH_LEVEL_BRANCH;
        const char *want = by_branch ? (branch ? branch->u.text : NULL) : unit;
        const kh_node *rows = rk ? kh_node_get(rk, rid) : NULL;
        for (size_t j = 0; want && rows && rows->type == KH_NODE_SEQ &&
                           j < rows->n; j++) {
            const kh_node *row = &rows->u.kids[j];
            if (!kh_node_eq(kh_node_get(row, "id"), want))
                continue;
            if (nr++)
                kh_buf_putc(o, ',');
            kh_buf_puts(o, "{\"ranking\":");
            web_json_str(o, rid);
            kh_buf_puts(o, ",\"name\":");
            web_json_str(o, kh_rubric_ranking_name(y->rubric, k));
            kh_buf_printf(o, ",\"level\":\"%s\",\"row\":",
                          by_branch ? "branch" : "unit");
            node_json(o, row);
            kh_buf_putc(o, '}');
        }
    }
    kh_buf_puts(o, "]}\n");
out:
    kh_doc_free(d);
    kh_arena_free(ar);
    kh_err_free(e);
    web_year_put(r->app, y);
}

typedef struct entry_find {
    kh_phase phase;
    bool found;
    kh_buf *out;
    int64_t version;
} entry_find;

static kh_status entry_cb(void *ctx, const kh_entry_row *row)
{
    entry_find *f = ctx;
    if (row->phase != f->phase)
        return KH_OK;
    f->found = true;
    f->version = row->version;
    kh_buf_puts(f->out, "{\"inputs\":");
    kh_buf_puts(f->out, row->inputs);
    kh_buf_puts(f->out, ",\"note\":");
    if (row->note)
        web_json_str(f->out, row->note);
    else
        kh_buf_puts(f->out, "null");
    kh_buf_printf(f->out, ",\"version\":%" PRId64, row->version);
    return KH_DONE;
}

void web_api_entry_get(web_req *r, int year, const char *unit,
                          const char *item, kh_phase phase)
{
    web_year *y;
    kh_status st = web_year_peek(r, year, &y);   /* never rebuilds */
    if (st == KH_ENOTFOUND) {
        web_error_json(r, 404, "not_found");
        return;
    }
    if (st != KH_OK) {
        web_fail(r, st, NULL);
        return;
    }
    long u = kh_assess_unit_find(y->assess, unit);
    int it = kh_rubric_item_find(y->rubric, item);
    if (u < 0 || it < 0) {
        web_year_put(r->app, y);
        web_error_json(r, 404, "not_found");
        return;
    }
    kh_err *e = kh_err_new();
    entry_find f = {phase, false, &r->out, 0};
    st = e ? kh_store_entry_each(r->store, year, unit, item, entry_cb, &f, e)
           : KH_ENOMEM;
    if (st != KH_OK && st != KH_DONE) {
        web_year_put(r->app, y);
        web_fail(r, st, e);
        kh_err_free(e);
        return;
    }
    kh_err_free(e);
    if (!f.found)
        kh_buf_puts(&r->out, "{\"inputs\":{},\"note\":null,\"version\":0");
    char num[KH_NUM_BUFSZ];
    kh_num_format(kh_score_item(y->assess, (size_t)u, (size_t)it, phase), num);
    kh_buf_printf(&r->out, ",\"score\":%s}\n", num);
    web_year_put(r->app, y);
    r->status = 200;
    r->ctype = "application/json";
}

void web_api_entry_put(web_req *r, int year, const char *unit,
                          const char *item, kh_phase phase)
{
    kh_err *e = kh_err_new();
    json_body jb = {0};
    kh_input_kv *kv = NULL;
    if (!e) {
        web_fail_why(r, KH_ENOMEM, "out of memory");
        return;
    }
    if (body_parse(r, &jb, e) != KH_OK) {
        errors_json(r, e, year);
        goto out;
    }
    const kh_node *inputs = kh_node_get(jb.root, "inputs");
    const kh_node *note = kh_node_get(jb.root, "note");
    const kh_node *ver = kh_node_get(jb.root, "version");
    int64_t version = 0;
    const char *note_s = NULL;
    if (!ver)
        kh_err_at(e, jb.root->line, jb.root->col, "version",
                  "the version you edited is required (0 for a new entry)");
    else if (kh_node_int(ver, e, "version", &version) == KH_OK && version < 0)
        kh_err_at(e, ver->line, ver->col, "version", "must be 0 or more");
    if (note && !kh_node_is_null(note))
        kh_node_str(note, e, "note", &note_s);
    size_t n = 0;
    if (inputs && !kh_node_is_null(inputs)) {
        if (inputs->type != KH_NODE_MAP) {
            kh_err_at(e, inputs->line, inputs->col, "inputs",
                      "must be an object of input names and values");
        } else if (inputs->n > WEB_INPUTS_MAX) {
            /* An item has a handful of inputs; a wide object is refused
             * before the store merges it. */
            kh_err_at(e, inputs->line, inputs->col, "inputs",
                      "has %u keys; an entry takes at most %d",
                      (unsigned)inputs->n, WEB_INPUTS_MAX);
        } else {
            kv = calloc(inputs->n + 1, sizeof *kv);
            if (!kv) {
                web_fail_why(r, KH_ENOMEM, "out of memory");
                goto out;
            }
            for (size_t i = 0; i < inputs->n; i++) {
                const kh_node *k = &inputs->u.kids[2 * i];
                const kh_node *v = &inputs->u.kids[2 * i + 1];
                if (k->type != KH_NODE_SCALAR)
                    continue;
                kv[n].name = k->u.text;
                if (kh_node_is_null(v)) {
                    kv[n].value = NULL;
                } else if (v->type != KH_NODE_SCALAR) {
                    char path[KH_USER_NAME_MAX + 80];
                    snprintf(path, sizeof path, "inputs.%.64s", k->u.text);
                    kh_err_at(e, v->line, v->col, path,
                              "must be a number, true/false or a text");
                    continue;
                } else {
                    kv[n].value = v->u.text;
                }
                n++;
            }
        }
    }
    if (kh_err_errors(e)) {
        errors_json(r, e, year);
        goto out;
    }
    /* A department scorer writes its provider's inputs only (policy.c). */
    for (size_t i = 0; r->sess.role == KH_ROLE_DEPARTMENT && i < n; i++)
        if (!web_may_dept_input(r, year, item, kv[i].name)) {
            refuse(r, "entry: an input of another provider");
            goto out;
        }
    int64_t newv = 0;
    web_cache_write_begin(r);
    kh_entry_write w = {r->sess.user, year, unit, item, phase, n, kv, note_s,
                        version};
    kh_status st = kh_store_entry_set(r->store, &w, &newv, e);
    web_cache_wrote(r, st, year, unit, item, phase);
    web_cache_apply(r);   /* the next read of the results shows it */
    switch (st) {
    case KH_OK:
        r->status = 200;
        r->ctype = "application/json";
        kh_buf_printf(&r->out, "{\"version\":%" PRId64 "}\n", newv);
        break;
    case KH_ECONFLICT:
        web_conflict_json(r, e);
        break;
    case KH_ESTATE:
        refuse(r, "entry: the year's state does not allow it");
        break;
    case KH_EINVAL:
        errors_json(r, e, year);
        break;
    case KH_ENOTFOUND:
        web_error_json(r, 404, "not_found");
        break;
    default:
        web_fail(r, st, e);
        break;
    }
out:
    free(kv);
    kh_arena_free(jb.arena);
    kh_err_free(e);
}

/* ---- score preview: the item's score for inputs not saved ------------- */

static bool numeric(const char *v)
{
    const char *p = v;
    if (*p == '-')
        p++;
    if (!(*p >= '0' && *p <= '9'))
        return false;
    while (*p >= '0' && *p <= '9')
        p++;
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == '\0';
}

/* POST /api/v1/years/Y/preview/UNIT/ITEM/PHASE {"inputs": {NAME: TEXT}}:
 * scores the item for these inputs through the same builder as a save
 * (a one-unit assessment with the unit's rosters), without saving;
 * 200 {"score": N} or 422 with located errors.  Values are what a
 * person typed; they are typed by the term that reads them, as a save
 * does. */
void web_api_preview(web_req *r, int year, const char *unit,
                        const char *item, kh_phase phase)
{
    web_year *y = NULL;
    kh_err *e = kh_err_new();
    json_body jb = {0};
    kh_arena *ar = kh_arena_new();
    kh_assess *mini = NULL;
    kh_buf js;
    kh_buf_init(&js, 0);
    if (!e || !ar) {
        web_fail_why(r, KH_ENOMEM, "out of memory");
        goto out;
    }
    kh_status st = web_year_peek(r, year, &y);   /* never rebuilds */
    if (st != KH_OK) {
        if (st == KH_ENOTFOUND)
            web_error_json(r, 404, "not_found");
        else
            web_fail(r, st, NULL);
        y = NULL;
        goto out;
    }
    long u = kh_assess_unit_find(y->assess, unit);
    int it = kh_rubric_item_find(y->rubric, item);
    if (u < 0 || it < 0) {
        web_error_json(r, 404, "not_found");
        goto out;
    }
    if (body_parse(r, &jb, e) != KH_OK) {
        errors_json(r, e, year);
        goto out;
    }
    const kh_node *inputs = kh_node_get(jb.root, "inputs");
    kh_buf_putc(&js, '{');
    size_t k = 0;
    for (size_t s = 0; s < kh_rubric_item_slots(y->rubric, (size_t)it); s++) {
        const kh_term *t = kh_rubric_item_slot(y->rubric, (size_t)it, s);
        if (kh_term_roster(t) || !inputs || inputs->type != KH_NODE_MAP)
            continue;
        const kh_node *v = kh_node_get(inputs, kh_term_input(t));
        if (!v || v->type != KH_NODE_SCALAR || !*v->u.text)
            continue;
        if (k++)
            kh_buf_putc(&js, ',');
        web_json_str(&js, kh_term_input(t));
        kh_buf_putc(&js, ':');
        bool bare = kh_term_get_kind(t) == KH_TERM_CHECK
                        ? strcmp(v->u.text, "true") == 0 ||
                              strcmp(v->u.text, "false") == 0
                        : kh_term_get_kind(t) != KH_TERM_CHOICE &&
                              numeric(v->u.text);
        if (bare)
            kh_buf_puts(&js, v->u.text);
        else
            web_json_str(&js, v->u.text);
    }
    kh_buf_putc(&js, '}');
    kh_doc *d = NULL;
    const kh_node *in = NULL;
    if (kh_doc_open_mem("inputs", kh_buf_str(&js), js.len, 'j', e, &d) !=
            KH_OK ||
        kh_doc_read(d, ar, &in) != KH_OK || kh_doc_finish(d) != KH_OK) {
        kh_doc_free(d);
        errors_json(r, e, year);
        goto out;
    }
    kh_doc_free(d);
    const kh_rubric *rb = y->rubric;
    const kh_assess *a = y->assess;
    mini = kh_assess_new(rb);
    if (!mini) {
        web_fail_why(r, KH_ENOMEM, "out of memory");
        goto out;
    }
    /* Bad values are messages on e; out of memory may leave none. */
    bool nomem = kh_assess_add_unit(mini, unit,
                                    kh_assess_unit_name(a, (size_t)u),
                                    kh_rubric_kind_id(rb, kh_assess_unit_kind(
                                                              a, (size_t)u)),
                                    NULL, NULL, e, NULL) == KH_ENOMEM;
    for (size_t s = 0; s < kh_rubric_item_slots(rb, (size_t)it); s++) {
        const char *ros = kh_term_roster(kh_rubric_item_slot(rb, (size_t)it, s));
        const char *const *names;
        const kh_cp *vals;
        size_t np = ros ? kh_assess_roster_people(a, (size_t)u, ros, &names,
                                                  &vals)
                        : 0;
        if (np && kh_assess_add_roster(mini, unit, ros, np, names, vals,
                                       NULL, e) == KH_ENOMEM)
            nomem = true;
    }
    /* A judgement below full marks wants a reason: the preview scores
     * the values whatever the note says. */
    kh_loc loc = {0, 0, "entry"};
    if (kh_assess_add_entry(mini, unit, item, phase, in, "-", &loc, e) ==
            KH_ENOMEM ||
        nomem) {
        web_fail_why(r, KH_ENOMEM, "out of memory");   /* logged, 500 */
        goto out;
    }
    if (kh_err_errors(e) || kh_assess_finish(mini, e) != KH_OK) {
        errors_json(r, e, year);
        goto out;
    }
    char num[KH_NUM_BUFSZ];
    kh_num_format(kh_score_item(mini, 0, (size_t)it, phase), num);
    r->status = 200;
    r->ctype = "application/json";
    kh_buf_printf(&r->out, "{\"score\":%s}\n", num);
out:
    kh_assess_free(mini);
    kh_buf_free(&js);
    kh_arena_free(jb.arena);
    kh_arena_free(ar);
    kh_err_free(e);
    if (y)
        web_year_put(r->app, y);
}
