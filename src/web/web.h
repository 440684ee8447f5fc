/*
 * web.h - what the parts of `kaohe serve` share (private to src/cli/cmd_serve.c
 * and src/web/web_*.c): the server object, one request, the escapers, the
 * session table, the per-year cache and the route handlers.
 *
 * Memory: strings passed in are borrowed for the call unless a comment
 * says otherwise; a web_req owns its body and output buffers.
 */
#ifndef KAOHE_WEB_H
#define KAOHE_WEB_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kaohe/buf.h"
#include "kaohe/error.h"
#include "kaohe/html.h"
#include "kaohe/store.h"
#include "kaohe/store_users.h"

/* ---- limits -------------------------------------------------------- */

#define WEB_BODY_CAP ((size_t)1 << 20)        /* forms and JSON: 1 MiB */
#define WEB_UPLOAD_CAP ((size_t)20 << 20)     /* evidence uploads: 20 MiB */
#define WEB_SESSION_IDLE (30 * 60)            /* seconds */
#define WEB_SESSION_ABSOLUTE (8 * 3600)
#define WEB_THROTTLE_FAILS 5                  /* failures per window ... */
#define WEB_THROTTLE_WINDOW (15 * 60)         /* ... lock for this long */
#define WEB_SESSIONS_MAX 4096
#define WEB_STORE_CACHE_KIB 2048              /* SQLite page cache per thread */
#define WEB_SURVEY_BODY_CAP ((size_t)64 << 10) /* a questionnaire answer */

/* ---- HTML escapers (web_html.c): one per context ------------------- */

/* The escapers are kh_html_text/attr/url (kaohe/html.h). */
/* A JSON string literal safe inside HTML too (< > & escaped as \u). */
void web_json_str(kh_buf *out, const char *s);

/* ---- sessions and login throttling (web_session.c) ------------------ */

#define WEB_ID_HEX 33   /* 128 bits as 32 hex digits + NUL */

typedef struct web_session {
    char id[WEB_ID_HEX];
    char csrf[WEB_ID_HEX];
    char user[KH_USER_NAME_MAX + 1];
    kh_role role;
    char unit[KH_USER_NAME_MAX + 1];   /* "" unless role unit */
    int64_t created, seen;             /* unix seconds */
} web_session;

typedef struct web_sessions web_sessions;

/* A table of at most max sessions (and throttle records); NULL on OOM.
 * Thread-safe: every call takes the table's mutex. */
web_sessions *web_sessions_new(size_t max);
void web_sessions_free(web_sessions *t);
/* Starts a new session with fresh random id and CSRF token (a login
 * always gets a new id: no fixation).  When the table is full the
 * oldest session is dropped.  *out gets a copy. */
void web_session_create(web_sessions *t, const char *user, kh_role role,
                        const char *unit, int64_t now, web_session *out);
/* Finds a live session by id (constant-time compare) and marks it seen;
 * a session idle for WEB_SESSION_IDLE or older than WEB_SESSION_ABSOLUTE
 * is removed and not found.  *out gets a copy. */
bool web_session_find(web_sessions *t, const char *id, int64_t now,
                      web_session *out);
/* Ends the session (server side); unknown ids are ignored. */
void web_session_destroy(web_sessions *t, const char *id);
/* Ends every session of a user (after a password change, except keep). */
void web_session_destroy_user(web_sessions *t, const char *user,
                              const char *keep);
/* True when token equals the session's CSRF token (constant time). */
bool web_csrf_ok(const web_session *s, const char *token);
/* The Set-Cookie value for id (NULL: one that deletes the cookie).
 * secure: the `__Host-` name with Secure (behind a TLS proxy); else a
 * plain HttpOnly SameSite=Strict cookie for loopback. */
void web_session_cookie(kh_buf *out, const char *id, bool secure);
/* The cookie's name for the mode. */
const char *web_session_cookie_name(bool secure);

/* Login throttling: key is "u:NAME" or "ip:ADDR".  Allowed unless
 * WEB_THROTTLE_FAILS failures within WEB_THROTTLE_WINDOW seconds. */
bool web_throttle_allowed(web_sessions *t, const char *key, int64_t now);
void web_throttle_fail(web_sessions *t, const char *key, int64_t now);
void web_throttle_clear(web_sessions *t, const char *key);

/* ---- the server ---------------------------------------------------- */

typedef struct web_year web_year;

typedef struct kh_web {
    char *db_path;              /* owned */
    bool secure_cookie;         /* --behind-tls-proxy */
    web_sessions *sessions;
    /* One store connection per worker thread (see web_http.c). */
    pthread_key_t store_key;
    pthread_mutex_t stores_mu;
    kh_store **stores;          /* every connection opened, closed at end */
    size_t nstores, astores;
    /* The per-year cache (web_cache.c). */
    pthread_mutex_t cache_mu;
    web_year *years[16];
    size_t nyears;
    int64_t fixed_now;          /* $KAOHE_NOW, 0 = the clock */
} kh_web;

/* One field of a multipart/form-data body (uploads). */
typedef struct web_field {
    struct web_field *next;
    char *name;                 /* owned */
    char *filename;             /* owned; NULL for a plain field */
    kh_buf data;                /* the value or the file's bytes */
} web_field;

struct MHD_PostProcessor;

/* One request as the handlers see it. */
typedef struct web_req {
    kh_web *app;
    struct MHD_Connection *conn;
    const char *method;
    const char *url;
    char ip[64];
    kh_buf body;                /* the request body (capped) */
    bool too_big;
    /* multipart/form-data bodies go through MHD's post processor into
     * fields instead of body (web_http.c); bad_form: it was malformed. */
    struct MHD_PostProcessor *pp;
    web_field *fields, *fields_last;
    size_t upload_total, upload_cap;
    bool bad_form;
    kh_store *store;            /* this thread's connection */
    bool logged_in;
    web_session sess;           /* valid when logged_in */
    int64_t now;
    /* The response. */
    unsigned status;
    kh_buf out;
    const char *ctype;          /* static string */
    kh_buf cookie;              /* Set-Cookie value, or empty */
    /* A cached body placed at out[cached_at] without a copy
     * (web_out_cached): the request holds a reference to cached until
     * the response is freed. */
    web_year *cached;
    int cached_what;            /* web_cached */
    size_t cached_at;
    char *location;             /* redirect target (owned), or NULL */
    char *disposition;          /* Content-Disposition (owned), or NULL */
} web_req;

/* Seconds since the epoch ($KAOHE_NOW when set). */
int64_t web_now(const kh_web *app);
/* Starts the server; returns an exit code when it ends (after SIGTERM or
 * SIGINT).  listen is "ADDR:PORT". */
int web_run(kh_web *app, const char *listen);

/* Request helpers (web_http.c). */
const char *web_header(web_req *r, const char *name);
/* Records a refused access in the audit log (who, what, why). */
void web_audit_refusal(web_req *r, const char *why);
/* Writes an audit record in its own transaction; failures are ignored
 * (the request's outcome does not depend on them). */
void web_audit(web_req *r, const char *actor, const char *action,
               const char *object, const char *new_value);
/* Redirects (303) to a local path. */
void web_redirect(web_req *r, const char *path);
/* A generic error page (HTML) or JSON error for status, never echoing
 * internals; msg is a fixed Chinese sentence (may be NULL). */
void web_error_page(web_req *r, unsigned status, const char *msg);
void web_error_json(web_req *r, unsigned status, const char *code);

/* The decoded value of a field of an urlencoded form body, or of a
 * plain field of a multipart one (malloc'd, caller frees), or NULL when
 * absent or malformed. */
char *web_form_get(web_req *r, const char *name);
/* Every value of an urlencoded field (a repeated one: a multiple
 * choice), decoded, in order, into vals (each malloc'd, caller frees; a
 * malformed one is NULL).  Returns how many, or max + 1 when there are
 * more than max (vals then holds max of them). */
size_t web_form_values(web_req *r, const char *name, char **vals,
                       size_t max);
/* The first uploaded file field named name of a multipart body (NULL
 * when absent or not multipart); borrowed from the request. */
const web_field *web_form_file(web_req *r, const char *name);
/* True when the URL takes uploads (the 20 MiB cap and multipart):
 * evidence and the administration's imports. */
bool web_upload_url(const char *url);
/* Splits a path into at most max segments (decoded, NUL-terminated, in
 * buf); returns the count or -1 when it has more or is malformed. */
int web_split_path(const char *url, char *buf, size_t bufsz,
                   const char **seg, int max);

/* ---- the per-year cache (web_cache.c) ------------------------------ */

struct web_year {
    int refs;                   /* guarded by app->cache_mu */
    int year;
    int64_t seq;                /* store change seq it was built at */
    kh_year_state state;
    kh_rubric *rubric;
    kh_assess *assess;
    kh_result *result;          /* scored allowing missing items; may be NULL */
    char *json;                 /* the results JSON (snapshot once published) */
    size_t json_len;
    char *results_html;         /* the results page body, rendered once */
    size_t results_html_len;
    /* Both bodies compressed once (web_deflate, not final; NULL when
     * compression failed) with the CRC-32 of the identity bytes, so
     * that a response can wrap them in one gzip member. */
    unsigned char *json_z, *results_html_z;
    size_t json_zlen, results_html_zlen;
    uint32_t json_crc, results_html_crc;
};

/* Which cached body web_out_cached places. */
typedef enum web_cached { WEB_CACHED_JSON, WEB_CACHED_RESULTS_HTML } web_cached;

/* The year's cached data, rebuilt when the store changed since; caller
 * releases it with web_year_put.  KH_ENOTFOUND when there is no such
 * year. */
kh_status web_year_get(web_req *r, int year, web_year **out);
void web_year_put(kh_web *app, web_year *y);
void web_cache_free(kh_web *app);
/* Places y's cached body what at the end of r->out without copying it
 * (the request takes its own reference to y); whatever the handler
 * writes after it follows it.  The response is gzip when the client
 * accepts it (web_http.c). */
void web_out_cached(web_req *r, web_year *y, web_cached what);
/* Raw deflate (no header) of in[0..n) into *out (malloc'd, caller
 * frees), not final: the stream ends with a sync flush on a byte
 * boundary, so that more deflate blocks may follow it.  False on
 * failure. */
bool web_deflate(const void *in, size_t n, unsigned char **out,
                 size_t *outlen);
/* Does an Accept-Encoding header value (NULL: absent) allow gzip?
 * "gzip", "x-gzip" or "*" with a q-value above 0 (web_http.c). */
bool web_accepts_gzip(const char *accept_encoding);

/* ---- handlers ------------------------------------------------------ */

/* The JSON API under /api/v1 (web_api.c); true when the path was one. */
bool web_api_route(web_req *r);
/* The HTML pages (web_pages.c); true when the path was one. */
bool web_pages_route(web_req *r);
/* Renders the results page body of a year (web_pages.c), for the cache. */
void web_pages_results_body(const web_year *y, kh_buf *out);

/* Permissions (web_api.c), shared by the pages. */
typedef enum web_access { WEB_READ, WEB_WRITE } web_access;
/* May the session read/write entries of (year, unit, phase)? */
bool web_may_entry(web_req *r, int year, const char *unit, kh_phase phase,
                   web_access acc);
/* May the session read the year's whole results? */
bool web_may_results(web_req *r, kh_year_state st);
/* Login: checks throttles and the password, audits the outcome, creates
 * the session and sets the cookie.  Returns KH_OK, KH_EPERM (wrong) or
 * KH_ELIMIT (throttled). */
kh_status web_login(web_req *r, const char *user, const char *password);
void web_logout(web_req *r);

/* The frame and pieces of every page (web_pages.c), shared by the
 * other page modules: page_begin sets status 200 and writes the header
 * and the <h1> title; page_end closes the page. */
void web_page_begin(web_req *r, const char *title);
void web_page_end(web_req *r);
/* A message paragraph #msg of class cls ("", "ok", "error"). */
void web_msg_box(kh_buf *o, const char *cls, const char *text);
/* The hidden csrf field of a form. */
void web_csrf_field(web_req *r);
/* A centipoint value as people write it ("12.5"). */
void web_cp_out(kh_buf *o, kh_cp v);
/* Audits the refusal and answers with the generic 403 page. */
void web_refuse_page(web_req *r, const char *why);

/* A page listing located errors (in <ul id="errors">) with a link
 * back; used after a refused form (web_admin.c). */
void web_errors_page(web_req *r, unsigned status, const char *title,
                     const kh_err *e, const char *back);
/* The administration pages and the audit log viewer (web_admin.c);
 * true when the path was one.  The session is logged in. */
bool web_admin_route(web_req *r);

/* Evidence (web_evidence.c).  The block of an item on a form: its
 * files with download links and, when may_write, the upload form. */
void web_evidence_block(web_req *r, int year, const char *unit,
                        kh_phase phase, const char *item, bool may_write);
/* POST .../PHASE/ITEM/evidence: stores and attaches the uploaded file. */
void web_evidence_upload(web_req *r, int year, const char *unit,
                         kh_phase phase, const char *item);
/* GET /years/Y/units/U/evidence/HASH, with the entry's read rules. */
void web_evidence_download(web_req *r, int year, const char *unit,
                           const char *hash);
/* Entry evidence per unit index of a (calloc'd, caller frees; NULL on
 * OOM). */
size_t *web_evidence_counts(web_req *r, int year, const kh_assess *a);

/* The follow-up page of a year (web_followup.c) and its POSTs: what is
 * "talks", "items", "close" (id: the item) or "practices". */
void web_followup_page(web_req *r, int year, kh_year_state state);
void web_followup_post(web_req *r, int year, const char *what,
                       const char *id);

/* The inspection pages' extras (web_inspect.c).  True when item i's
 * standard says the propaganda department supplies it (由党委宣传部提供). */
bool web_dept_item(const kh_rubric *rb, size_t i);
/* The #records section of a unit's inspection form: its bonus and
 * negative records and, for admin in the inspection and review states,
 * the forms that add and remove them. */
void web_records_block(web_req *r, int year, const char *unit,
                       kh_year_state state);
/* POST /years/Y/units/U/records (ref NULL: add) and
 * .../records/KIND-ID/remove (ref "bonus-3", "negative-7"): admin only;
 * 422 with located errors on bad fields; the store audits. */
void web_records_post(web_req *r, const web_year *y, const char *unit,
                      const char *ref);
/* GET /years/Y/dept-items: every unit by the department's items (admin
 * with edit links; auditor reads). */
void web_dept_items_page(web_req *r, const web_year *y);

/* The official documents of issue 5 (web_reports.c).  May the session
 * see unit's printable score sheet?  Admin and auditor always, a unit
 * user its own once published, an inspector its assigned units. */
bool web_may_sheet(web_req *r, int year, kh_year_state st, const char *unit);
/* GET /years/Y/export.xlsx, /years/Y/notice, /years/Y/followup/report
 * and /years/Y/units/U/sheet (seg: the n decoded path segments); true
 * when the path was one. */
bool web_reports_year_route(web_req *r, const web_year *y, int n,
                            const char *const *seg);
/* GET /compare?years=A,B and /units/U/history; true when the path was
 * one. */
bool web_reports_route(web_req *r, int n, const char *const *seg);

/* Questionnaires (web_survey.c): the public answer form under /q/ and
 * the rounds, codes and tallies under /surveys.  web_survey_public: is
 * url the public form (no login, no CSRF token: the code is the
 * credential; small body cap)?  web_survey_route: true when it handled
 * the request. */
bool web_survey_public(const char *url);
bool web_survey_route(web_req *r);
/* On the inspection form: the judgement the year's questionnaire rounds
 * suggest for term t of item (a rubric `source:`), with the figure behind
 * it, appended to o (nothing when t has no source). */
void web_survey_suggestion(web_req *r, int year, const char *unit,
                           const char *item, const kh_term *t, kh_buf *o);

/* Static files (web_static.c). */
bool web_static_route(web_req *r);

#endif
