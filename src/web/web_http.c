/*
 * web_http.c - the HTTP side of `kaohe serve`: the libmicrohttpd daemon
 * (internal polling thread with a thread pool over epoll, connection and
 * per-IP limits, timeouts), the request pipeline (docs/DESIGN.md: path,
 * route table, session and role, policy - all on the headers, before the
 * body - then the body under its caps, its form indexed once
 * (web_formidx.c; web_form_get and friends), CSRF, scope, handler and
 * the failure check), the failure log and error pages, security headers on
 * every response, the access log, and signal handling for a graceful
 * stop.
 *
 * Store connections: one kh_store per worker thread, opened on the
 * thread's first request (pthread key) and closed after the daemon has
 * stopped.  SQLite connections must not be used by two threads at once;
 * a private connection per thread needs no lock of ours, and in WAL mode
 * readers run concurrently with each other and with the one writer
 * (writes serialise on BEGIN IMMEDIATE with the store's busy timeout).
 */
#include "web.h"

#include "kaohe/vec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

static const char CSP[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'";

int64_t web_now(const kh_web *app)
{
    return app->fixed_now ? app->fixed_now : (int64_t)time(NULL);
}

/* ---- store connections, one per worker thread ---------------------- */

/* A new connection to the store for one thread, closed with the server
 * (app->stores); NULL when it cannot be opened, with the reason in
 * *failed (owned by the caller; NULL on OOM). */
static kh_store *store_open(kh_web *app, kh_err **failed)
{
    *failed = NULL;
    kh_store *s = NULL;
    kh_err *e = kh_err_new();
    if (!e)
        return NULL;
    kh_status st = kh_store_open(app->db_path, 0, e, &s);
    if (st == KH_OK && app->data_dir &&
        (st = kh_store_set_data_dir(s, app->data_dir, e)) != KH_OK) {
        kh_store_close(s);
        s = NULL;
    }
    if (st != KH_OK) {
        *failed = e;
        return NULL;
    }
    /* The store's 32 MiB page cache is for the CLI's large imports; one
     * connection per worker thread with the year's data cached above it
     * (web_cache.c) needs little: a rebuild reads the store once. */
    if (kh_store_set_cache_kib(s, WEB_STORE_CACHE_KIB, e) != KH_OK) {
        *failed = e;   /* logged with the request, not dropped */
        kh_store_close(s);
        return NULL;
    }
    kh_err_free(e);
    if (app->fixed_now)
        kh_store_set_time(s, app->fixed_now);
    pthread_mutex_lock(&app->stores_mu);
    if (KH_VEC_GROW(app->stores, app->astores, app->nstores + 1, 8) != KH_OK) {
        pthread_mutex_unlock(&app->stores_mu);
        kh_store_close(s);
        return NULL;
    }
    app->stores[app->nstores++] = s;
    pthread_mutex_unlock(&app->stores_mu);
    return s;
}

/* This thread's connection, opened on first use; NULL when it cannot
 * be opened, with the reason in *failed (owned by the caller, who logs
 * it with the request; NULL on OOM). */
static kh_store *thread_store(kh_web *app, kh_err **failed)
{
    *failed = NULL;
    kh_store *s = pthread_getspecific(app->store_key);
    if (!s && (s = store_open(app, failed)))
        pthread_setspecific(app->store_key, s);
    return s;
}

/* ---- request helpers ----------------------------------------------- */

const char *web_header(web_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

kh_status web_audit(web_req *r, const char *actor, const char *action,
                    const char *object, const char *new_value)
{
    kh_err *e = r->store ? kh_err_new() : NULL;
    if (!e) {
        kh_status st = r->store ? KH_ENOMEM : KH_EDB;
        web_store_check(r, st, NULL);
        return st;
    }
    kh_audit_rec rec = {.actor = actor && *actor ? actor : "-",
                        .action = action,
                        .object = object,
                        .new_value = new_value};
    kh_status st = kh_store_begin(r->store, e);
    if (st == KH_OK) {
        st = kh_store_audit(r->store, &rec, e);
        if (st == KH_OK)
            st = kh_store_commit(r->store, e);
        else
            kh_store_rollback(r->store);
    }
    web_store_check(r, st, e);
    kh_err_free(e);
    return st;
}

/* The request's path cut at WEB_AUDIT_URL_MAX bytes (a 30 KB URL must
 * not cost 30 KB of audit log); returns buf. */
static const char *audit_url(const web_req *r, char *buf)
{
    snprintf(buf, WEB_AUDIT_URL_MAX + 1, "%s",
             r->raw_path ? r->raw_path : r->url);
    return buf;
}

/* The refusal's details as JSON. */
static void refusal_json(web_req *r, const char *why, int count, kh_buf *v)
{
    kh_buf_printf(v, "{\"method\":");
    web_json_str(v, r->method);
    kh_buf_puts(v, ",\"ip\":");
    web_json_str(v, r->ip);
    kh_buf_puts(v, ",\"why\":");
    web_json_str(v, why);
    if (count >= 0)
        kh_buf_printf(v, ",\"refused_in_previous_window\":%d", count);
    kh_buf_putc(v, '}');
}

void web_audit_refusal(web_req *r, const char *why)
{
    if (!r->logged_in) {
        web_count_refusal(r, why);
        return;
    }
    char url[WEB_AUDIT_URL_MAX + 1];
    kh_buf v;
    kh_buf_init(&v, 4096);
    refusal_json(r, why, -1, &v);
    web_audit(r, r->sess.user, "web.refused", audit_url(r, url),
              kh_buf_str(&v));
    kh_buf_free(&v);
}

void web_count_event(web_req *r, const char *actor, const char *action,
                     const char *why)
{
    char key[160];
    snprintf(key, sizeof key, "%.16s:%.64s", action, r->ip);
    int prev = 0;
    if (!web_refusal_count(r->app->sessions, key, r->now, &prev))
        return;
    char url[WEB_AUDIT_URL_MAX + 1];
    kh_buf v;
    kh_buf_init(&v, 4096);
    refusal_json(r, why, prev, &v);
    web_audit(r, actor, action, audit_url(r, url), kh_buf_str(&v));
    kh_buf_free(&v);
}

void web_count_refusal(web_req *r, const char *why)
{
    web_count_event(r, "-", "web.refused", why);
}

void web_redirect(web_req *r, const char *path)
{
    free(r->location);
    r->location = strdup(path);
    r->status = MHD_HTTP_SEE_OTHER;
    kh_buf_reset(&r->out);
    r->ctype = "text/plain; charset=utf-8";
}

/* The status's title: an English msgid (W_() it for a page). */
static const char *status_title(unsigned status)
{
    switch (status) {
    case 400: return N_("Bad request");
    case 401: return N_("Please log in first");
    case 403: return N_("Access denied");
    case 404: return N_("Page not found");
    case 410: return N_("This link is no longer valid");
    case 405: return N_("Request method not supported");
    case 409: return N_("The data were changed by someone else");
    case 413: return N_("What you submitted is too large");
    case 422: return N_("Some values you filled in are wrong");
    case 429: return N_("Too many attempts, please try again later");
    case 503: return N_("Service temporarily unavailable");
    case 507: return N_("The server's storage is full");
    default: return N_("Internal server error");
    }
}

void web_error_page(web_req *r, unsigned status, const char *msg)
{
    r->status = status;
    r->ctype = "text/html; charset=utf-8";
    kh_buf_reset(&r->out);
    kh_buf_puts(&r->out,
                "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta "
                "charset=\"utf-8\"><meta name=\"viewport\" "
                "content=\"width=device-width, initial-scale=1\"><title>");
    kh_html_text(&r->out, W_(status_title(status)));
    kh_buf_puts(&r->out, "</title><link rel=\"stylesheet\" "
                         "href=\"/static/kaohe.css\"></head><body><main "
                         "class=\"error\" id=\"error\"><h1>");
    kh_html_text(&r->out, W_(status_title(status)));
    kh_buf_puts(&r->out, "</h1><p>");
    kh_html_text(&r->out, msg ? msg : W_("Please go back and try again, or "
                                         "contact the administrator."));
    kh_buf_puts(&r->out, "</p><p><a href=\"/\">");
    kh_html_text(&r->out, W_("Back to the home page"));
    kh_buf_puts(&r->out, "</a></p></main></body></html>\n");
}

void web_error_json(web_req *r, unsigned status, const char *code)
{
    r->status = status;
    r->ctype = "application/json";
    kh_buf_reset(&r->out);
    kh_buf_puts(&r->out, "{\"error\":");
    web_json_str(&r->out, code);
    kh_buf_puts(&r->out, ",\"message\":");
    web_json_str(&r->out, status_title(status));   /* English, stable */
    kh_buf_puts(&r->out, ",\"message_zh\":");
    web_json_str(&r->out, W_(status_title(status)));
    kh_buf_puts(&r->out, "}\n");
}

int web_split_path(const char *url, char *buf, size_t bufsz,
                   const char **seg, int max)
{
    if (url[0] != '/')
        return -1;
    size_t len = strlen(url);
    if (len >= bufsz)
        return -1;
    int n = 0;
    const char *p = url + 1;
    char *w = buf;
    while (*p) {
        const char *end = strchr(p, '/');
        size_t sl = end ? (size_t)(end - p) : strlen(p);
        if (sl == 0) {
            if (!end)
                break;
            return -2;   /* "//" */
        }
        if (n == max)
            return -1;
        if (!web_pct_decode(p, sl, false, w) || strcmp(w, ".") == 0 ||
            strcmp(w, "..") == 0 || strpbrk(w, "/\\") ||
            memmem(p, sl, "%25", 3))
            return -2;
        seg[n++] = w;
        w += strlen(w) + 1;
        p += sl;
        if (*p == '/')
            p++;
    }
    return n;
}

const web_field *web_form_file(web_req *r, const char *name)
{
    for (const web_field *f = r->fields; f; f = f->next)
        if (f->filename && strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

static bool inflight_take(web_req *r, size_t n);

/* Indexes the request's form once (web_req_form): KH_ELIMIT past
 * WEB_FORM_FIELDS_MAX or the in-flight cap (inflight_full), KH_ENOMEM.
 * A request outside a server (tests, fuzzing) has no app to count in. */
static kh_status form_index(web_req *r)
{
    if (r->form_done)
        return r->form ? KH_OK : r->form_st;
    r->form_done = true;
    kh_status st = r->pp ? web_form_from_fields(r->fields,
                                                WEB_FORM_FIELDS_MAX, &r->form)
                         : web_form_parse(r->body.data ? r->body.data : "",
                                          r->body.len, WEB_FORM_FIELDS_MAX,
                                          &r->form);
    if (st == KH_OK && r->app && !inflight_take(r, web_form_bytes(r->form))) {
        web_form_free(r->form);
        r->form = NULL;
        r->inflight_full = true;
        st = KH_ELIMIT;
    }
    r->form_st = st;
    return st;
}

const web_form *web_req_form(web_req *r)
{
    (void)form_index(r);
    return r->form;
}

char *web_form_get(web_req *r, const char *name)
{
    const web_form *w = web_req_form(r);
    size_t at = web_form_first(w, name);
    const char *v = at ? web_form_value(w, at) : NULL;
    return v ? strdup(v) : NULL;
}

size_t web_form_values(web_req *r, const char *name, char **vals,
                       size_t max)
{
    const web_form *w = web_req_form(r);
    size_t n = 0;
    for (size_t at = web_form_first(w, name); at; at = web_form_next(w, at)) {
        if (n == max)
            return max + 1;
        const char *v = web_form_value(w, at);
        vals[n++] = v ? strdup(v) : NULL;
    }
    return n;
}

const char *web_msg_text(const kh_msg *m)
{
    return m->text_zh ? m->text_zh : m->text;
}

void web_places_load(web_req *r, int year, web_places *out)
{
    memset(out, 0, sizeof *out);
    kh_err *scratch = year ? kh_err_new() : NULL;
    /* Names only make a message clearer: a year that does not load
     * (or no memory) leaves the places as the message wrote them. */
    if (scratch && kh_store_load_assess(r->store, year, scratch, &out->rubric,
                                        &out->assess) != KH_OK) {
        kh_assess_free(out->assess);
        kh_rubric_free(out->rubric);
        out->assess = NULL;
        out->rubric = NULL;
    }
    kh_err_free(scratch);
    out->ctx.rubric = out->rubric;
    out->ctx.assess = out->assess;
}

void web_places_free(web_places *p)
{
    kh_assess_free(p->assess);
    kh_rubric_free(p->rubric);
    memset(p, 0, sizeof *p);
}

char *web_msg_line(const web_places *p, const kh_msg *m)
{
    return kh_place_line(m, p ? &p->ctx : NULL);
}

/* ---- failures: logged, answered ---------------------------------- */

void web_log_failure(web_req *r, kh_status st, const kh_err *e)
{
    char when[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    kh_buf line;
    kh_buf_init(&line, 8192);
    kh_buf_printf(&line, "kaohe serve: %s req=%llu route=\"%s %s\" user=%s "
                  "status=%d:", when, r->id, r->method,
                  r->route ? r->route->pattern : "-",
                  r->logged_in ? r->sess.user : "-", (int)st);
    for (size_t k = 0; e && k < kh_err_count(e); k++) {
        char *m = kh_err_format(e, k);
        kh_buf_printf(&line, " %s", m ? m : "?");
        free(m);
    }
    if (!e || !kh_err_count(e))   /* at least what kind of failure */
        kh_buf_printf(&line, " (%s)", kh_status_str(st));
    fprintf(stderr, "%s\n", kh_buf_str(&line));
    kh_buf_free(&line);
}

bool web_store_check(web_req *r, kh_status st, const kh_err *e)
{
    if (st == KH_OK || st == KH_DONE)
        return true;
    if (r->fail_st != KH_OK)
        return false;
    r->fail_st = st;
    r->fail_err = kh_err_new();
    /* Copies keep their Chinese (text_zh); a copy that fails for memory
     * leaves the answer with fewer messages, the status is kept. */
    for (size_t k = 0; e && r->fail_err && k < kh_err_count(e); k++)
        if (kh_err_copy_msg(r->fail_err, kh_err_get(e, k)) != KH_OK)
            break;
    kh_err_set_cause(r->fail_err, kh_err_cause(e));
    return false;
}

/* Answers the recorded store failure, if any; true when there was one. */
static bool answer_failure(web_req *r)
{
    if (r->fail_st == KH_OK)
        return false;
    web_fail(r, r->fail_st, r->fail_err);
    return true;
}

static bool is_api(const web_req *r)
{
    return strncmp(r->url, "/api/", 5) == 0;
}

/* What a failure of this cause is answered with. */
typedef struct fail_answer {
    unsigned status;
    const char *code;           /* the JSON error code */
    const char *msg;            /* an English msgid, or NULL */
    const char *retry_after;    /* static, or NULL */
} fail_answer;

/* By the cause the store's driver gave, never by message text: the
 * temporary ones get 503 and a Retry-After, a full disk 507; io, not a
 * store and anything else 500. */
static fail_answer fail_answer_of(kh_cause c)
{
    switch (c) {
    case KH_CAUSE_BUSY:
        return (fail_answer){503, "busy",
                             N_("The system is busy, please try again "
                                "later."), "2"};
    case KH_CAUSE_DOWN:
        return (fail_answer){503, "unavailable",
                             N_("The database cannot be reached at the "
                                "moment, please try again later."), "5"};
    case KH_CAUSE_FULL:
        return (fail_answer){507, "disk_full",
                             N_("The server's storage is full and this "
                                "submission was not saved. Please contact "
                                "the administrator."), NULL};
    case KH_CAUSE_DAMAGED:
        return (fail_answer){503, "damaged",
                             N_("The data store is damaged; the "
                                "administrator has to restore it. Nothing "
                                "was saved."), "60"};
    default:
        return (fail_answer){500, "internal", NULL, NULL};
    }
}

void web_fail(web_req *r, kh_status st, const kh_err *e)
{
    web_log_failure(r, st, e);
    fail_answer a = fail_answer_of(kh_err_cause(e));
    r->retry_after = a.retry_after;
    if (is_api(r))
        web_error_json(r, a.status, a.code);
    else
        web_error_page(r, a.status, a.msg ? W_(a.msg) : NULL);
}

void web_fail_why(web_req *r, kh_status st, const char *why)
{
    kh_err *e = kh_err_new();
    if (e)
        kh_err_fail(e, st, "%s", why);
    web_fail(r, st, e);
    kh_err_free(e);
}

unsigned web_fail_keep(web_req *r, kh_status st, const kh_err *e,
                       kh_buf *msg)
{
    web_log_failure(r, st, e);
    fail_answer a = fail_answer_of(kh_err_cause(e));
    r->retry_after = a.retry_after;
    kh_buf_puts(msg, W_(a.msg ? a.msg : N_("The server could not save this "
                                           "submission.")));
    kh_buf_puts(msg, W_(" What you entered is kept below: submit it again "
                        "later."));
    return a.status;
}

/* ---- the gate in front of every handler ---------------------------- */

static bool unsafe_method(const char *m)
{
    return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0;
}

/* A cross-site request: an Origin header that names another host. */
static bool foreign_origin(web_req *r)
{
    const char *origin = web_header(r, "Origin");
    const char *host = web_header(r, "Host");
    if (!origin)
        return false;
    if (!host)
        return true;
    const char *o = strstr(origin, "://");
    return !o || strcmp(o + 3, host) != 0;
}

static void answer(web_req *r, unsigned status, const char *code)
{
    if (is_api(r))
        web_error_json(r, status, code);
    else
        web_error_page(r, status, NULL);
}

static enum MHD_Result count_cl(void *cls, enum MHD_ValueKind kind,
                                const char *key, const char *value)
{
    (void)kind;
    (void)value;
    if (strcasecmp(key, "Content-Length") == 0)
        ++*(int *)cls;
    return MHD_YES;
}

/* The route's action for this path (an entry action by the phase). */
static web_action route_action(const web_req *r)
{
    web_action a = r->route->action;
    if (a == WEB_A_ENTRY_READ || a == WEB_A_ENTRY_WRITE)
        a = web_entry_action(r->m->phase, a == WEB_A_ENTRY_WRITE);
    return a;
}

/* Audits a refusal naming the route ("GET /years/:year/results: role")
 * and answers 403. */
static void refuse_route(web_req *r, const char *why)
{
    char w[160];
    snprintf(w, sizeof w, "%s %s: %s", r->method, r->route->pattern, why);
    web_audit_refusal(r, w);
    answer(r, 403, "forbidden");
}

/* To the login form; a page asked for by GET is where the login returns
 * (?next=), and a session cookie that no longer finds its session says
 * the login expired (?expired=1). */
static void login_redirect(web_req *r, bool had_cookie)
{
    kh_buf to;
    kh_buf_init(&to, 0);
    kh_buf_puts(&to, "/login");
    const char *path = r->raw_path ? r->raw_path : r->url;
    char sep = '?';
    if (strcmp(r->method, "GET") == 0 && web_next_ok(path) &&
        strcmp(path, "/") != 0) {
        kh_buf_puts(&to, "?next=");
        kh_html_url(&to, path);
        sep = '&';
    }
    if (had_cookie)
        kh_buf_printf(&to, "%cexpired=1", sep);
    web_redirect(r, kh_buf_status(&to) == KH_OK ? kh_buf_str(&to) : "/login");
    kh_buf_free(&to);
}

/* The decision made on the headers alone, before any byte of the body:
 * the route, the session, the role and the policy.  True when the
 * request has been answered (its body is never read). */
static bool gate(web_req *r)
{
    kh_web *app = r->app;
    int ncl = 0;
    MHD_get_connection_values(r->conn, MHD_HEADER_KIND, count_cl, &ncl);
    if (ncl > 1) {
        answer(r, 400, "bad_request");
        return true;
    }
    unsigned status = 0;
    r->route = web_route_find(r->method, r->raw_path ? r->raw_path : r->url,
                              r->m, &status, r->allow, sizeof r->allow);
    if (!r->route) {
        answer(r, status, status == 405 ? "method" : status == 400
                                              ? "bad_request" : "not_found");
        return true;
    }
    const char *sid = MHD_lookup_connection_value(
        r->conn, MHD_COOKIE_KIND, web_session_cookie_name(app->secure_cookie));
    if (sid && web_session_find(r, sid, &r->sess))
        r->logged_in = true;
    if (!r->logged_in && !(r->route->roles & WEB_ANON)) {
        web_count_refusal(r, "login required");
        if (is_api(r))
            web_error_json(r, 401, "login_required");
        else
            login_redirect(r, sid != NULL);
        return true;
    }
    if (r->logged_in && !(r->route->roles & (2u << r->sess.role))) {
        refuse_route(r, "role");
        return true;
    }
    if (unsafe_method(r->method) && foreign_origin(r)) {
        web_count_refusal(r, "cross-site request");
        answer(r, 403, "forbidden");
        return true;
    }
    return false;
}

/* The policy on the route's object; WEB_A_SHEET needs the store, so it
 * is asked after the store is open, still before the body for GETs. */
static bool policy_ok(web_req *r)
{
    const web_match *m = r->m;
    if (web_may(r, route_action(r), m->year, m->unit))
        return true;
    refuse_route(r, "role, unit or state");
    return false;
}

static bool csrf_ok(web_req *r)
{
    if (!unsafe_method(r->method) || !r->logged_in ||
        r->route->action == WEB_A_ANYONE ||
        r->route->action == WEB_A_SURVEY_ANSWER)
        return true;
    const char *tok = web_header(r, "X-CSRF-Token");
    char *form_tok = NULL;
    if (!tok && !is_api(r))
        tok = form_tok = web_form_get(r, "csrf");
    bool ok = web_csrf_ok(&r->sess, tok);
    free(form_tok);
    if (!ok) {
        web_audit_refusal(r, "missing or wrong CSRF token");
        if (is_api(r))
            web_error_json(r, 403, "csrf");
        else
            web_error_page(r, 403, W_("This page has expired; reload it and "
                                      "submit again."));
    }
    return ok;
}

/* Loads what the route's scope names; false when it answered. */
static bool load_scope(web_req *r)
{
    if (r->route->scope != WEB_SCOPE_YEAR)
        return true;
    kh_status st = web_year_get(r, r->m->year, &r->m->y);
    if (st == KH_OK) {
        if (r->route->states & (1u << r->m->y->state))
            return true;
        refuse_route(r, "the year's state");
        return false;
    }
    r->m->y = NULL;
    if (st == KH_ENOTFOUND)
        answer(r, 404, "not_found");
    else
        web_fail(r, st, NULL);
    return false;
}

/* Once the store met a damaged page: logged, 503 until restored. */
static void refuse_damaged(web_req *r)
{
    kh_err *e = kh_err_new();
    if (e)
        kh_err_fail(e, KH_EDB, "the store is damaged: writes refused "
                    "until an admin restores it (kaohe check, kaohe "
                    "restore)");
    web_log_failure(r, KH_EDB, e);
    kh_err_free(e);
    r->retry_after = "60";
    answer(r, 503, "damaged");
}

/* The first request that met a damaged page says so once (its own
 * answer may be a plain 500 from a handler that does not log). */
static void log_damage_met(web_req *r)
{
    kh_err *e = kh_err_new();
    if (e)
        kh_err_fail(e, KH_EDB, "the store is damaged (a damaged page was "
                    "read): writes are refused from now on");
    web_log_failure(r, KH_EDB, e);
    kh_err_free(e);
}

/* No connection for this thread: a damaged file marks the store
 * damaged (as a damaged page met later does), anything else is a
 * server failure; both logged with the request. */
static void refuse_no_store(web_req *r, kh_err *e)
{
    if (kh_err_cause(e) == KH_CAUSE_DAMAGED) {
        r->app->damaged = true;
        web_log_failure(r, KH_EDB, e);
        r->retry_after = "60";
        answer(r, 503, "damaged");
    } else {
        web_fail(r, KH_EDB, e);
    }
}

/* The 413 of a form of more than WEB_FORM_FIELDS_MAX fields, naming
 * the cap. */
static void too_many_fields(web_req *r)
{
    if (is_api(r)) {
        web_error_json(r, 413, "too_many_fields");
        return;
    }
    char msg[512];
    snprintf(msg, sizeof msg,
             W_("A form may send at most %d fields at once, and this one "
                "sent more. Save the page in parts, or ask the "
                "administrator."),
             WEB_FORM_FIELDS_MAX);
    web_error_page(r, 413, msg);
}

/* Every body that is not JSON is indexed before the handler (the CSRF
 * field is its first lookup); true when r was answered. */
static bool form_refused(web_req *r)
{
    const char *ct = web_header(r, "Content-Type");
    if (!r->pp && (!r->body.len ||
                   (ct && strncasecmp(ct, "application/json", 16) == 0)))
        return false;
    kh_status st = form_index(r);
    if (st == KH_OK)
        return false;
    if (r->inflight_full) {
        r->retry_after = "5";
        answer(r, 503, "busy");
    } else if (st == KH_ELIMIT) {
        too_many_fields(r);
    } else {
        web_fail_why(r, st, "indexing the form body");
    }
    return true;
}

static void dispatch(web_req *r)
{
    if (r->bad_form) {
        answer(r, 400, "bad_request");
        return;
    }
    if (r->too_big) {
        answer(r, 413, "too_large");
        return;
    }
    if (r->inflight_full) {
        r->retry_after = "5";
        answer(r, 503, "busy");
        return;
    }
    if (form_refused(r) || !csrf_ok(r))
        return;
    if (unsafe_method(r->method) && r->app->damaged) {
        refuse_damaged(r);
        return;
    }
    if (!load_scope(r))
        return;
    r->route->handler(r, r->m);
    if (r->store && kh_store_damaged(r->store) &&
        !atomic_exchange(&r->app->damaged, true))
        log_damage_met(r);
    answer_failure(r);
    if (r->m->y)
        web_year_put(r->app, r->m->y);
    r->m->y = NULL;
    web_cache_apply(r);   /* a write above lands in the cached year now
                           * that the request holds none */
}

/* ---- libmicrohttpd callbacks --------------------------------------- */

/* Counts n more body bytes held by r against WEB_INFLIGHT_CAP; false
 * (nothing counted) when the server-wide cap would be passed. */
static bool inflight_take(web_req *r, size_t n)
{
    kh_web *app = r->app;
    pthread_mutex_lock(&app->inflight_mu);
    bool ok = app->inflight + n <= WEB_INFLIGHT_CAP;
    if (ok) {
        app->inflight += n;
        r->inflight += n;
    }
    pthread_mutex_unlock(&app->inflight_mu);
    return ok;
}

static void inflight_release(web_req *r)
{
    if (!r->inflight)
        return;
    pthread_mutex_lock(&r->app->inflight_mu);
    r->app->inflight -= r->inflight;
    pthread_mutex_unlock(&r->app->inflight_mu);
    r->inflight = 0;
}

static void req_free(web_req *r)
{
    web_form_free(r->form);
    if (r->pp)
        MHD_destroy_post_processor(r->pp);
    while (r->fields) {
        web_field *f = r->fields;
        r->fields = f->next;
        free(f->name);
        free(f->filename);
        kh_buf_free(&f->data);
        free(f);
    }
    web_cache_publish(r, r->store);   /* a write whose connection closed */
    free(r->disposition);
    inflight_release(r);
    if (r->m && r->m->y)
        web_year_put(r->app, r->m->y);
    free(r->m);
    free(r->raw_path);
    kh_err_free(r->fail_err);
    web_year_unref(r->app, r->cached);
    kh_buf_free(&r->body);
    kh_buf_free(&r->out);
    kh_buf_free(&r->cookie);
    free(r->location);
    free(r);
}

/* ---- responses ----------------------------------------------------- */

/* Skips optional whitespace (RFC 9110 OWS). */
static const char *ows(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* The q-value at p ("q=0.5"), 1000 when absent, -1 when malformed; in
 * thousandths (RFC 9110: "0" ["." 0*3DIGIT] / "1" ["." 0*3"0"]). */
static int qvalue(const char *p, const char *end)
{
    p = ows(p);
    if (p >= end)
        return 1000;
    if (*p != ';')
        return -1;
    p = ows(p + 1);
    if (end - p < 3 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=')
        return -1;
    p += 2;
    if (*p != '0' && *p != '1')
        return -1;
    int q = (*p++ - '0') * 1000, scale = 100;
    if (p < end && *p == '.') {
        p++;
        for (int i = 0; i < 3 && p < end && *p >= '0' && *p <= '9'; i++) {
            q += (*p++ - '0') * scale;
            scale /= 10;
        }
    }
    p = ows(p);
    return p == end && q <= 1000 ? q : -1;
}

bool web_accepts_gzip(const char *ae)
{
    if (!ae)
        return false;
    int gzip = -1, star = -1;   /* q of each, -1 when not listed */
    for (const char *p = ae; *p;) {
        const char *end = strchr(p, ',');
        if (!end)
            end = p + strlen(p);
        p = ows(p);
        const char *tok = p;
        while (p < end && *p != ';' && *p != ' ' && *p != '\t')
            p++;
        size_t n = (size_t)(p - tok);
        int q = qvalue(p, end);
        if (q < 0)
            q = 0;   /* a malformed member allows nothing */
        if ((n == 4 && strncasecmp(tok, "gzip", 4) == 0) ||
            (n == 6 && strncasecmp(tok, "x-gzip", 6) == 0))
            gzip = q > gzip ? q : gzip;
        else if (n == 1 && *tok == '*')
            star = q;
        p = *end ? end + 1 : end;
    }
    return gzip >= 0 ? gzip > 0 : star > 0;
}

/* What an iovec response owns until MHD has sent it. */
typedef struct spliced {
    kh_web *app;
    web_year *y;            /* a reference */
    char *out;              /* the handler's head and tail */
    unsigned char *zhead, *ztail;
    char *plain;            /* identity: the body inflated (web_body.c
                             * keeps compressed blocks only) */
} spliced;

static void spliced_free(void *cls)
{
    spliced *sp = cls;
    web_year_unref(sp->app, sp->y);
    free(sp->out);
    free(sp->zhead);
    free(sp->ztail);
    free(sp->plain);
    free(sp);
}

static void put_le32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* Appends n bytes as deflate stored blocks (at most 65,535 bytes each;
 * final: the last ends the deflate data).  The cached body's stream
 * ends on a byte boundary, so stored blocks may follow it directly. */
static void stored_blocks(kh_buf *o, const char *p, size_t n, bool final)
{
    do {
        size_t k = n < 65535 ? n : 65535;
        unsigned char h[5] = {final && k == n ? 1 : 0, (unsigned char)k,
                              (unsigned char)(k >> 8), (unsigned char)~k,
                              (unsigned char)(~k >> 8)};
        kh_buf_add(o, h, 5);
        kh_buf_add(o, p, k);
        p += k;
        n -= k;
    } while (n);
}

/* One gzip member: header, the head as stored blocks, the cached body's
 * deflate blocks (compressed once, sync flushed), the tail as final
 * stored blocks, then CRC-32 (crc32_combine) and length of the whole.
 * The head and tail are a few KiB of per-request HTML: storing them
 * costs a copy where compressing them cost more time than sending the
 * body. */
static bool gzip_pieces(spliced *sp, const char *head, size_t hlen,
                        uint32_t crc, size_t blen, const char *tail,
                        size_t tlen, size_t *zhlen, size_t *ztlen)
{
    static const unsigned char hdr[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    kh_buf h, t;
    kh_buf_init(&h, hlen + 32);
    kh_buf_init(&t, tlen + 32);
    kh_buf_add(&h, hdr, 10);
    if (hlen)
        stored_blocks(&h, head, hlen, false);
    stored_blocks(&t, tail, tlen, true);
    uLong c = crc32_z(0L, (const Bytef *)head, hlen);
    c = crc32_combine(c, crc, (z_off_t)blen);
    c = crc32_combine(c, crc32_z(0L, (const Bytef *)tail, tlen), (z_off_t)tlen);
    unsigned char trailer[8];
    put_le32(trailer, (uint32_t)c);
    put_le32(trailer + 4, (uint32_t)(hlen + blen + tlen));
    kh_buf_add(&t, trailer, 8);
    sp->zhead = (unsigned char *)kh_buf_take(&h, zhlen);
    sp->ztail = (unsigned char *)kh_buf_take(&t, ztlen);
    kh_buf_free(&h);
    kh_buf_free(&t);
    return sp->zhead && sp->ztail;
}

/* The response for a request whose handler placed a cached body
 * (web_out_cached): head, the body's blocks as they are cached and tail,
 * without a copy of the body; gzip (the blocks' deflate streams) when
 * the client accepts it.  NULL on failure. */
static struct MHD_Response *spliced_response(web_req *r, bool *gzipped)
{
    web_year *y = r->cached;
    web_body *b = r->cached_what == WEB_CACHED_JSON ? &y->json : &y->html;
    spliced *sp = calloc(1, sizeof *sp);
    /* The blocks, or (identity) the body inflated, between head and
     * tail. */
    struct MHD_IoVec *iov = calloc(b->nchunks + 3, sizeof *iov);
    if (!sp || !iov) {
        free(sp);
        free(iov);
        return NULL;
    }
    sp->app = r->app;
    size_t len = r->out.len, at = r->cached_at;
    sp->out = kh_buf_take(&r->out, &len);
    const char *head = sp->out ? sp->out : "";
    size_t zhl = 0, ztl = 0, n = b->nchunks;
    *gzipped = web_accepts_gzip(web_header(r, "Accept-Encoding")) &&
               gzip_pieces(sp, head, at, b->crc, b->len, head + at,
                           len - at, &zhl, &ztl);
    if (!*gzipped) {   /* one element: the body inflated */
        if (!(sp->plain = web_body_inflate(b))) {
            free(iov);
            spliced_free(sp);
            return NULL;
        }
        iov[1] = (struct MHD_IoVec){sp->plain, b->len};
        n = 1;
    }
    iov[0] = *gzipped ? (struct MHD_IoVec){sp->zhead, zhl}
                      : (struct MHD_IoVec){head, at};
    for (size_t c = 0; *gzipped && c < n && n + 2 <= WEB_IOV_MAX; c++)
        iov[1 + c] = (struct MHD_IoVec){b->chunk[c]->z, b->chunk[c]->zlen};
    if (*gzipped && n + 2 > WEB_IOV_MAX) {   /* too many pieces: one */
        const unsigned char *j = web_body_joined(b);
        if (!j) {
            free(iov);
            spliced_free(sp);
            return NULL;
        }
        iov[1] = (struct MHD_IoVec){j, b->zlen};
        n = 1;
    }
    iov[n + 1] = *gzipped ? (struct MHD_IoVec){sp->ztail, ztl}
                          : (struct MHD_IoVec){head + at, len - at};
    struct MHD_Response *resp =
        MHD_create_response_from_iovec(iov, (unsigned)(n + 2), spliced_free,
                                       sp);
    free(iov);   /* MHD keeps its own copy */
    if (!resp) {
        spliced_free(sp);
        return NULL;
    }
    sp->y = y;   /* the response owns the request's reference now (and
                  * through it the blocks) */
    r->cached = NULL;
    return resp;
}

/* One access-log line on stdout (--access-log): time, request id,
 * address, user, method, path (cut), status. */
static void access_line(const web_req *r)
{
    char when[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    printf("%s req=%llu ip=%s user=%s \"%s %.256s\" %u\n", when, r->id,
           r->ip, r->logged_in ? r->sess.user : "-", r->method,
           r->raw_path ? r->raw_path : r->url, r->status ? r->status : 200);
    fflush(stdout);
}

static enum MHD_Result send_response(web_req *r)
{
    struct MHD_Response *resp;
    bool by_ref = false, gzipped = false;
    if (r->cached && (r->status == 200 || r->status == 0) &&
        r->cached_at <= r->out.len) {
        if (!(resp = spliced_response(r, &gzipped)))
            return MHD_NO;
        by_ref = true;
    } else {
        size_t len = r->out.len;
        char *data = kh_buf_take(&r->out, &len);
        resp = data ? MHD_create_response_from_buffer(len, data,
                                                      MHD_RESPMEM_MUST_FREE)
                    : MHD_create_response_from_buffer(0, (void *)"",
                                                      MHD_RESPMEM_PERSISTENT);
        if (!resp) {
            free(data);
            return MHD_NO;
        }
    }
    if (by_ref)
        MHD_add_response_header(resp, "Vary", "Accept-Encoding");
    if (gzipped)
        MHD_add_response_header(resp, "Content-Encoding", "gzip");
    MHD_add_response_header(resp, "Content-Type",
                            r->ctype ? r->ctype : "text/plain; charset=utf-8");
    MHD_add_response_header(resp, "Content-Security-Policy", CSP);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Cache-Control",
                            strncmp(r->url, "/static/", 8) == 0
                                ? "public, max-age=3600"
                                : "no-store");
    if (r->cookie.len)
        MHD_add_response_header(resp, "Set-Cookie", kh_buf_str(&r->cookie));
    if (r->location)
        MHD_add_response_header(resp, "Location", r->location);
    if (r->disposition)
        MHD_add_response_header(resp, "Content-Disposition", r->disposition);
    if (r->allow[0])
        MHD_add_response_header(resp, "Allow", r->allow);
    if (r->retry_after)
        MHD_add_response_header(resp, "Retry-After", r->retry_after);
    if (r->app->access_log)
        access_line(r);
    enum MHD_Result ret =
        MHD_queue_response(r->conn, r->status ? r->status : 200, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* MHD's post processor calls this for each piece of a multipart field;
 * off 0 starts a new field.  Everything is kept under the upload cap
 * and counted in flight, a part's name and bookkeeping too (a body of
 * empty parts held memory that neither counted), and a body has at most
 * WEB_FORM_PARTS_MAX parts. */
static enum MHD_Result on_post_data(void *cls, enum MHD_ValueKind kind,
                                    const char *key, const char *filename,
                                    const char *content_type,
                                    const char *transfer_encoding,
                                    const char *data, uint64_t off,
                                    size_t size)
{
    (void)kind;
    (void)content_type;
    (void)transfer_encoding;
    web_req *r = cls;
    web_field *f = r->fields_last;
    size_t held = size;
    if (off == 0 || !f) {
        if (++r->nparts > WEB_FORM_PARTS_MAX) {
            r->too_big = true;
            return MHD_NO;
        }
        held += sizeof *f + (key ? strlen(key) : 0) + 1 +
                (filename ? strlen(filename) + 1 : 0);
        f = calloc(1, sizeof *f);
        if (!f)
            return MHD_NO;
        f->name = strdup(key ? key : "");
        f->filename = filename ? strdup(filename) : NULL;
        kh_buf_init(&f->data, r->upload_cap);
        if (!f->name || (filename && !f->filename)) {
            free(f->name);
            free(f->filename);
            free(f);
            return MHD_NO;
        }
        if (r->fields_last)
            r->fields_last->next = f;
        else
            r->fields = f;
        r->fields_last = f;
    }
    r->upload_total += held;
    if (r->upload_total > r->upload_cap) {
        r->too_big = true;
        return MHD_NO;
    }
    if (!inflight_take(r, held)) {
        r->inflight_full = true;
        return MHD_NO;
    }
    if (size)
        kh_buf_add(&f->data, data, size);
    return kh_buf_status(&f->data) == KH_OK ? MHD_YES : MHD_NO;
}

/* MHD's URI log callback: the first sight of a request, with its URI
 * as sent.  The request object is created here so that routing reads
 * the raw path, decoded exactly once by web_split_path (MHD's own
 * decoding of url would make "%252F" a "/" after a second pass). */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)conn;
    static unsigned long long next_id;
    web_req *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->app = cls;
    r->id = __atomic_add_fetch(&next_id, 1, __ATOMIC_RELAXED);
    size_t n = strcspn(uri, "?");
    r->raw_path = strndup(uri, n);
    r->m = calloc(1, sizeof *r->m);
    return r;
}

static void peer_ip(web_req *r)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
        r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(r->ip, sizeof r->ip, "?");
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
                  r->ip, sizeof r->ip);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
                  r->ip, sizeof r->ip);
}

/* The client's address: the peer's, or behind the TLS proxy
 * (--behind-tls-proxy) the proxy's X-Real-IP when the peer is the
 * loopback proxy itself, so that the per-address counters count
 * clients, not the proxy. */
static void client_ip(web_req *r)
{
    peer_ip(r);
    const char *real = web_header(r, "X-Real-IP");
    if (r->app->secure_cookie && real && *real && strlen(real) < sizeof r->ip &&
        (strcmp(r->ip, "127.0.0.1") == 0 || strcmp(r->ip, "::1") == 0))
        snprintf(r->ip, sizeof r->ip, "%s", real);
}

/* The headers-only first call: route, session, role, policy, then the
 * body's cap.  True when the request was answered already. */
static bool start(web_req *r, struct MHD_Connection *conn, const char *url,
                  const char *method)
{
    r->started = true;
    r->conn = conn;
    r->method = method;
    r->url = url;
    r->now = web_now(r->app);
    kh_buf_init(&r->out, 0);
    kh_buf_init(&r->cookie, 1024);
    client_ip(r);
    kh_buf_init(&r->body, 0);
    if (!r->raw_path || !r->m) {
        web_fail_why(r, KH_ENOMEM, "out of memory");
        return true;
    }
    kh_err *open_err;
    r->store = thread_store(r->app, &open_err);
    if (!r->store) {
        refuse_no_store(r, open_err);
        kh_err_free(open_err);
        return true;
    }
    bool answered = gate(r) || !policy_ok(r);
    if (answer_failure(r) || answered)
        return true;
    size_t cap = r->logged_in || r->route->action == WEB_A_SURVEY_ANSWER
                     ? r->route->body_limit
                     : WEB_ANON_BODY_CAP;
    if (r->route->action == WEB_A_ANYONE && cap > WEB_ANON_BODY_CAP)
        cap = WEB_ANON_BODY_CAP;
    kh_buf_init(&r->body, cap);
    r->upload_cap = cap;
    const char *cl = web_header(r, "Content-Length");
    if (cl && strtoull(cl, NULL, 10) > cap) {
        answer(r, 413, "too_large");
        return true;
    }
    const char *ct = web_header(r, "Content-Type");
    if (ct && strncasecmp(ct, "multipart/form-data", 19) == 0) {
        r->pp = MHD_create_post_processor(conn, 64 * 1024, on_post_data, r);
        if (!r->pp)
            r->bad_form = true;
    }
    return false;
}

/* A piece of the body, kept under the request's and the server's caps. */
static void body_piece(web_req *r, const char *data, size_t size)
{
    if (r->too_big || r->bad_form || r->inflight_full)
        return;
    if (r->pp) {
        if (MHD_post_process(r->pp, data, size) != MHD_YES && !r->too_big &&
            !r->inflight_full)
            r->bad_form = true;
        return;
    }
    if (r->body.len + size > r->upload_cap) {
        r->too_big = true;
        return;
    }
    if (!inflight_take(r, size)) {
        r->inflight_full = true;
        return;
    }
    kh_buf_add(&r->body, data, size);
    if (kh_buf_status(&r->body) != KH_OK)
        r->too_big = true;
}

/* ---- the publisher -------------------------------------------------- */

/* Suspends r's connection until the publisher has run the refresh its
 * write left (r->pub_m); false when the publisher is stopping (then the
 * caller runs it). */
static bool park(web_req *r)
{
    kh_web *app = r->app;
    pthread_mutex_lock(&app->pub_mu);
    bool ok = !app->pub_stop;
    if (ok) {
        MHD_suspend_connection(r->conn);
        r->parked = true;
        r->park_next = NULL;
        if (app->pub_tail)
            app->pub_tail->park_next = r;
        else
            app->pub_head = r;
        app->pub_tail = r;
        pthread_cond_signal(&app->pub_cv);
    }
    pthread_mutex_unlock(&app->pub_mu);
    return ok;
}

/* The publisher thread (app->pub_store: its own connection): runs the refreshes
 * that writes left, in order, then resumes their connections, which send
 * the responses (on_request).  While a refresh renders, the writer's
 * worker thread goes on with its other connections, and writes queued
 * together are published by one refresh.  Ends, its queue empty, when
 * pub_stop is set. */
static void *publisher(void *arg)
{
    kh_web *app = arg;
    pthread_mutex_lock(&app->pub_mu);
    for (;;) {
        while (!app->pub_head && !app->pub_stop)
            pthread_cond_wait(&app->pub_cv, &app->pub_mu);
        web_req *q = app->pub_head;
        if (!q)
            break;   /* stopping, nothing left */
        app->pub_head = app->pub_tail = NULL;
        pthread_mutex_unlock(&app->pub_mu);
        while (q) {
            web_req *next = q->park_next;   /* q is the worker's again
                                             * once resumed */
            web_cache_publish(q, app->pub_store);
            MHD_resume_connection(q->conn);
            q = next;
        }
        pthread_mutex_lock(&app->pub_mu);
    }
    pthread_mutex_unlock(&app->pub_mu);
    return NULL;
}

/* Starts the publisher with its own store connection; without one (the
 * store cannot be opened now) writes refresh in their requests. */
static void publisher_start(kh_web *app)
{
    kh_err *failed = NULL;
    pthread_mutex_init(&app->pub_mu, NULL);
    pthread_cond_init(&app->pub_cv, NULL);
    app->pub_store = store_open(app, &failed);
    kh_err_free(failed);
    if (app->pub_store &&
        pthread_create(&app->pub_thread, NULL, publisher, app) == 0)
        atomic_store(&app->pub_on, true);
}

/* Stops the publisher once its queue is empty; later writes refresh in
 * their requests (park refuses). */
static void publisher_stop(kh_web *app)
{
    if (!atomic_load(&app->pub_on))
        return;
    pthread_mutex_lock(&app->pub_mu);
    app->pub_stop = true;
    pthread_cond_signal(&app->pub_cv);
    pthread_mutex_unlock(&app->pub_mu);
    pthread_join(app->pub_thread, NULL);
    atomic_store(&app->pub_on, false);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    (void)version;
    (void)cls;
    web_req *r = *con_cls;
    if (!r)
        return MHD_NO;
    if (!r->started) {
        if (start(r, conn, url, method))
            return send_response(r);
        return MHD_YES;
    }
    if (*upload_size) {
        body_piece(r, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (r->parked) {   /* resumed: the write's refresh is published */
        r->parked = false;
        return send_response(r);
    }
    dispatch(r);
    if (r->pub_m && park(r))
        return MHD_YES;
    web_cache_publish(r, r->store);
    return send_response(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn,
                         void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    if (*con_cls)
        req_free(*con_cls);
    *con_cls = NULL;
}

/* ---- signals and the main loop ------------------------------------- */

static int stop_pipe[2] = {-1, -1};

static void on_signal(int sig)
{
    (void)sig;
    int saved = errno;
    char c = 1;
    if (write(stop_pipe[1], &c, 1) < 0) {
        /* nothing to do: the pipe is full, a stop is pending anyway */
    }
    errno = saved;
}

static bool parse_listen(const char *s, struct sockaddr_storage *ss,
                         socklen_t *len)
{
    memset(ss, 0, sizeof *ss);
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s)
        return false;
    char host[64];
    size_t hl = (size_t)(colon - s);
    if (hl >= sizeof host)
        return false;
    memcpy(host, s, hl);
    host[hl] = '\0';
    char *end;
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (*end || colon[1] == '\0' || port > 65535)
        return false;
    if (host[0] == '[' && host[hl - 1] == ']') {
        host[hl - 1] = '\0';
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        *len = sizeof *a;
        return inet_pton(AF_INET6, host + 1, &a->sin6_addr) == 1;
    }
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    *len = sizeof *a;
    return inet_pton(AF_INET, host, &a->sin_addr) == 1;
}

int web_run(kh_web *app, const char *listen)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    if (!parse_listen(listen, &ss, &sl)) {
        fprintf(stderr, "kaohe serve: --listen wants ADDR:PORT, e.g. "
                        "127.0.0.1:8080 (got \"%s\")\n", listen);
        return 2;
    }
    if (pipe(stop_pipe) != 0) {
        perror("kaohe serve: pipe");
        return 3;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned threads = app->threads ? app->threads
                       : ncpu > 0 ? (unsigned)ncpu : 2;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                     MHD_ALLOW_SUSPEND_RESUME;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, app,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)WEB_CONN_MAX,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        app->secure_cookie ? (unsigned)WEB_CONN_MAX
                           : (unsigned)WEB_CONN_PER_ADDR,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)WEB_CONN_TIMEOUT,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, app,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, app,
        MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "kaohe serve: cannot listen on %s\n", listen);
        return 3;
    }
    publisher_start(app);
    const union MHD_DaemonInfo *di =
        MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char host[64];
    snprintf(host, sizeof host, "%.*s", (int)(strrchr(listen, ':') - listen),
             listen);
    printf("kaohe serve: listening on http://%s:%u/ (%u threads)\n", host,
           di ? di->port : 0, threads);
    fflush(stdout);

    for (;;) {
        struct pollfd p = {.fd = stop_pipe[0], .events = POLLIN};
        int n = poll(&p, 1, -1);
        if (n > 0)
            break;
        if (n < 0 && errno != EINTR)
            break;
    }
    printf("kaohe serve: stopping\n");
    fflush(stdout);
    publisher_stop(app);   /* resumes every parked connection */
    MHD_stop_daemon(d);
    pthread_cond_destroy(&app->pub_cv);
    pthread_mutex_destroy(&app->pub_mu);
    close(stop_pipe[0]);
    close(stop_pipe[1]);
    return 0;
}
