/*
 * web.h - what the parts of `kaohe serve` share (private to src/cli/cmd_serve.c
 * and the files of src/web/): the limits, the server object, one request, the
 * escapers, the session table and login throttling, the per-year cache,
 * the route table (routes.c), the policy (policy.c) and the handlers.
 *
 * Memory: strings passed in are borrowed for the call unless a comment
 * says otherwise; a web_req owns its body and output buffers.
 */
#ifndef KAOHE_WEB_H
#define KAOHE_WEB_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kaohe/buf.h"
#include "kaohe/doc.h"
#include "kaohe/error.h"
#include "kaohe/html.h"
#include "kaohe/i18n.h"
#include "kaohe/place.h"
#include "kaohe/store.h"
#include "kaohe/store_evidence.h"
#include "kaohe/store_users.h"

/* ---- limits -------------------------------------------------------- */

#define WEB_BODY_CAP ((size_t)1 << 20)        /* forms and JSON: 1 MiB */
#define WEB_UPLOAD_CAP ((size_t)20 << 20)     /* evidence uploads: 20 MiB */
#define WEB_EVIDENCE_FILES_MAX KH_EVIDENCE_FILES_MAX /* files of one upload */
#define WEB_EVIDENCE_BODY_CAP ((size_t)64 << 20) /* and their whole body */
#define WEB_ANON_BODY_CAP ((size_t)16 << 10)  /* any body without a session */
#define WEB_ENTRY_BODY_CAP ((size_t)64 << 10) /* one entry's save or preview */
#define WEB_INPUTS_MAX 64                     /* keys of an entry's inputs */
#define WEB_FORM_PARTS_MAX 256                /* parts of a multipart body */
#define WEB_FORM_FIELDS_MAX 65536             /* fields of a form body (413) */
#define WEB_INFLIGHT_CAP ((size_t)64 << 20)   /* body bytes held, all requests */
#define WEB_SEG_MAX 8                         /* path segments of a route */
#define WEB_PATH_MAX 2048                     /* bytes of a request path */
#define WEB_SESSION_IDLE (30 * 60)            /* seconds */
#define WEB_SESSION_ABSOLUTE (8 * 3600)
#define WEB_THROTTLE_FAILS 5                  /* failures per window ... */
#define WEB_THROTTLE_WINDOW (15 * 60)         /* ... lock for this long */
#define WEB_THROTTLE_ADDR_FAILS 20            /* one address, any accounts */
#define WEB_THROTTLE_ACCOUNT_ADDRS 5          /* addresses that lock an account */
#define WEB_SESSIONS_PER_USER 8               /* a user's oldest goes first */
#define WEB_SESSION_SEEN_EVERY 60             /* seconds between seen marks */
#define WEB_SESSION_IDLE_MIN 10               /* --session-idle's floor */
#define WEB_NEXT_MAX 512                      /* bytes of a login's next path */
#define WEB_SESSIONS_MAX 4096                 /* in-memory throttle records */
#define WEB_HASH_MAX 2                        /* argon2id hashes at once */
#define WEB_HASH_WAIT_MS 1500                 /* ms a login waits, then 503 */
#define WEB_REFUSAL_WINDOW 600                /* one audit record per address */
#define WEB_AUDIT_URL_MAX 256                 /* bytes of a URL in the audit log */
#define WEB_AUDIT_PAGE 50                     /* audit records per page */
#define WEB_ASSIGN_MAX 4096                   /* cells of the assignment grid */
#define WEB_CONFIRM_ITEMS_SHOWN 12            /* missing items named per unit */
#define WEB_BOTTOM_SHOWN 3                    /* bottom units before publishing */
#define WEB_STORE_CACHE_KIB 1024              /* SQLite page cache per thread */
#define WEB_CONN_MAX 1024                     /* connections at once */
#define WEB_THREADS_MAX 64                    /* --threads' ceiling */
#define WEB_CONN_PER_ADDR 16                  /* per client address (direct) */
#define WEB_CONN_TIMEOUT 15                   /* seconds without a byte */
/* The results cache (web_cache.c). */
#define WEB_CACHE_YEARS 16            /* years kept at once */
#define WEB_CACHE_OWN_MAX 4096        /* own changes waiting behind a gap */
#define WEB_CACHE_WRITERS_MAX 256     /* writes in flight tracked at once */
/* Edits a model takes before a rebuild frees what they left in its
 * pool (about 40 bytes an edit): WEB_CACHE_EDITS_MAX, or
 * WEB_CACHE_EDITS_PER_UNIT a unit for a larger year, whose rebuild
 * costs in proportion (0.45 s and a 5 MiB peak beside the old model at
 * 10,000 units), so that its cost per edit stays the same. */
#define WEB_CACHE_EDITS_MAX 20000
#define WEB_CACHE_EDITS_PER_UNIT 4
#define WEB_CACHE_FOREIGN_MAX 512     /* other processes' changes applied at
                                       * once; more rebuild every year */
/* Blocks of a cached body (web_body.c): a block ends after a part whose
 * identity hash is 0 modulo WEB_BLOCK_PARTS once it has
 * WEB_BLOCK_PARTS_MIN parts, and after WEB_BLOCK_PARTS_MAX at the
 * latest; blocks of big parts (a unit's JSON line) use WEB_BLOCK_BIG and
 * half of it as their minimum, smaller blocks being cheaper to compress
 * again: WEB_BLOCK_BIG_SMALL in a body of at most WEB_BLOCK_BIG_SMALL_MAX
 * big parts (a write redoes half the bytes: bench/deadline, 3,000
 * units), WEB_BLOCK_BIG beyond, so that a 10,000-unit year's JSON stays
 * under WEB_IOV_MAX blocks.
 * Blocks of big or volatile parts are deflated at WEB_DEFLATE_LEVEL,
 * blocks of rows (which repeat their markup) at WEB_DEFLATE_LEVEL_ROWS. */
#define WEB_BLOCK_PARTS 32
#define WEB_BLOCK_PARTS_MIN 16
#define WEB_BLOCK_PARTS_MAX 128
#define WEB_BLOCK_BIG 16
#define WEB_BLOCK_BIG_SMALL 8
#define WEB_BLOCK_BIG_SMALL_MAX 5000
#define WEB_DEFLATE_LEVEL 6
#define WEB_DEFLATE_LEVEL_ROWS 1
/* Pieces one response may have (the kernel's IOV_MAX): a cached body of
 * more blocks is sent joined (web_body_joined); libmicrohttpd cut such a
 * response short (gzip, about 12,000 units). */
#define WEB_IOV_MAX 1024
#define WEB_DEFLATE_DICT 8192   /* a block's deflate dictionary: the
                                 * end of the block before (at most
                                 * deflate's 32 KiB window; 8 KiB packs
                                 * the results as small) */
#define WEB_SURVEY_BODY_CAP ((size_t)64 << 10) /* a questionnaire answer
                                               * (anonymous: the code) */
#define WEB_SURVEY_YEARS_MAX 64       /* years offered for a new round */

/* A page's own text: an English msgid of the catalogue (po/zh_CN.po),
 * shown in Chinese whatever the server's locale, English only without
 * the catalogue.  Borrowed.  scripts/po.sh extracts W_ like _. */
#define W_(s) kh_i18n_zh(s)

/* ---- HTML escapers (web_html.c): one per context ------------------- */

/* The escapers are kh_html_text/attr/url (kaohe/html.h). */
/* A JSON string literal safe inside HTML too (< > & escaped as \u). */
void web_json_str(kh_buf *out, const char *s);
/* The text of an engine message for a page: its Chinese from the
 * catalogue (kh_msg.text_zh), else its English.  Borrowed from m. */
const char *web_msg_text(const kh_msg *m);
/* Names for the places of a year's messages (kaohe/place.h: 机电工程系
 * 考核要点 2.2（检查）「第一责任人履责情况」, 第 3 行「类别」列): the year's
 * rubric and units read from the request's store.  Year 0, or a year
 * that does not load, names places from the message alone.  Owns what
 * it loaded: free with web_places_free. */
struct web_req;
typedef struct web_places {
    kh_rubric *rubric;
    kh_assess *assess;
    kh_place_ctx ctx;
} web_places;
void web_places_load(struct web_req *r, int year, web_places *out);
void web_places_free(web_places *p);
/* m as a person reads it: its place named, "：", its Chinese text
 * (kh_place_line; p may be NULL).  Not escaped: pass it to the page's or
 * the JSON's escaper.  malloc'd, the caller frees; NULL on OOM. */
char *web_msg_line(const web_places *p, const kh_msg *m);

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
struct web_req;

/* The in-memory counters (at most max records): the questionnaire's
 * plain throttle and the refusal counts; NULL on OOM.  Thread-safe:
 * every call takes the table's mutex. */
web_sessions *web_sessions_new(size_t max);
void web_sessions_free(web_sessions *t);
/* The server-wide bound on password hashing (argon2id, 64 MiB each):
 * at most WEB_HASH_MAX at once, whatever the thread count.  Enter waits
 * up to WEB_HASH_WAIT_MS for a slot; false: none came free (the login
 * is answered 503 with Retry-After), and leave must not be called.
 * A NULL t (unit tests without a server) never waits. */
bool web_hash_enter(web_sessions *t);
void web_hash_leave(web_sessions *t);
/* Sessions live in the store (kaohe/store_session.h), shared by every
 * instance; these calls use the request's store connection and now, and
 * a store failure is recorded on the request (web_store_check): it is
 * answered with the failure page.
 * Starts a new session with fresh random id and CSRF token (a login
 * always gets a new id: no fixation).  A user holds at most
 * WEB_SESSIONS_PER_USER: their own oldest goes first.  False when the
 * store failed.  *out gets a copy. */
bool web_session_create(struct web_req *r, const char *user, kh_role role,
                        const char *unit, web_session *out);
/* Finds a live session by id (one indexed SELECT) and marks it seen when
 * the last mark is WEB_SESSION_SEEN_EVERY old; a session idle for
 * WEB_SESSION_IDLE or older than WEB_SESSION_ABSOLUTE is removed and not
 * found.  *out gets a copy. */
bool web_session_find(struct web_req *r, const char *id, web_session *out);
/* Ends the session everywhere; unknown ids are ignored. */
void web_session_destroy(struct web_req *r, const char *id);
/* Ends every session of a user (after a password change, except keep). */
void web_session_destroy_user(struct web_req *r, const char *user,
                              const char *keep);
/* True when token equals the session's CSRF token (constant time). */
bool web_csrf_ok(const web_session *s, const char *token);
/* A plain throttle of one key (the questionnaire's answer form: "qip:ADDR",
 * "qcode:HASH"): allowed unless WEB_THROTTLE_FAILS failures were counted
 * within WEB_THROTTLE_WINDOW seconds. */
bool web_throttle_allowed(web_sessions *t, const char *key, int64_t now);
void web_throttle_fail(web_sessions *t, const char *key, int64_t now);
/* The Set-Cookie value for id (NULL: one that deletes the cookie).
 * secure: the `__Host-` name with Secure (behind a TLS proxy); else a
 * plain HttpOnly SameSite=Strict cookie for loopback. */
void web_session_cookie(kh_buf *out, const char *id, bool secure);
/* The cookie's name for the mode. */
const char *web_session_cookie_name(bool secure);

/* Login throttling (docs/DESIGN.md, "Login throttling").  Three
 * counters per WEB_THROTTLE_WINDOW: the address (WEB_THROTTLE_ADDR_FAILS
 * failures, any account), the (account, address) pair
 * (WEB_THROTTLE_FAILS) and the account, which counts the distinct
 * addresses that failed on it and locks at WEB_THROTTLE_ACCOUNT_ADDRS:
 * a stranger at one address can lock the account only for that address.
 * The counters are in the store (shared by every instance): web_login_begin
 * checks all three and counts the attempt as a failure in one store
 * transaction (parallel tries, on any instance, cannot pass the limit);
 * web_login_done undoes the count on success.  A store failure refuses
 * the login (recorded on the request: the failure page answers).  known: the
 * request comes from a live session of that user (the account lock does
 * not apply).  *lock_seq gets the audit seq at which the account lock
 * started (0: none). */
typedef enum web_login_gate {
    WEB_LOGIN_OK,
    WEB_LOGIN_ADDRESS,          /* this address (for this account) waits */
    WEB_LOGIN_ACCOUNT,          /* the account is locked */
} web_login_gate;
web_login_gate web_login_begin(struct web_req *r, const char *user,
                               bool known, bool *new_addr,
                               int64_t *lock_seq);
/* seq: the store's audit seq now (remembered when a lock starts). */
void web_login_done(struct web_req *r, const char *user, bool ok,
                    bool new_addr, int64_t seq);
/* Ends the account lock (a password change or enable through the CLI
 * since the lock started); seq: the audit seq checked up to. */
void web_login_unlock(struct web_req *r, const char *user, int64_t seq);
/* Counts an event under key ("r:ADDR": refused anonymous requests of
 * an address).  True when it opens a new window of WEB_REFUSAL_WINDOW
 * seconds for the key (the caller writes one audit record for the
 * window); *prev gets the count of the window that ended (0: none). */
bool web_refusal_count(web_sessions *t, const char *key, int64_t now,
                       int *prev);

/* ---- the server ---------------------------------------------------- */

typedef struct web_year web_year;

typedef struct kh_web {
    char *db_path;              /* owned */
    char *data_dir;             /* owned; NULL: the store's own */
    bool secure_cookie;         /* --behind-tls-proxy */
    bool access_log;            /* --access-log: one stdout line a request */
    web_sessions *sessions;
    /* One store connection per worker thread (see web_http.c). */
    pthread_key_t store_key;
    pthread_mutex_t stores_mu;
    kh_store **stores;          /* every connection opened, closed at end */
    size_t nstores, astores;
    /* The per-year cache (web_cache.c): cache_mu guards it; the state
     * is created on first use. */
    pthread_mutex_t cache_mu;
    struct web_cache *cache;
    int64_t fixed_now;          /* $KAOHE_NOW, 0 = the clock */
    unsigned threads;           /* --threads (tests), 0: one per CPU */
    int64_t session_idle;       /* seconds; --session-idle, else
                                   WEB_SESSION_IDLE */
    /* Body bytes held by requests in flight (WEB_INFLIGHT_CAP). */
    pthread_mutex_t inflight_mu;
    size_t inflight;
    /* Set once any connection met a damaged page: writes are refused
     * (503) from then on, reads go on. */
    _Atomic bool damaged;
    /* The publisher (web_http.c): writes' refreshes run on it while
     * their connections are suspended, so that the reads sharing the
     * writer's worker thread do not wait for a render.  pub_on: running
     * (else web_cache_apply refreshes in the request). */
    pthread_mutex_t pub_mu;
    pthread_cond_t pub_cv;
    struct web_req *pub_head, *pub_tail;   /* parked, in order */
    _Atomic bool pub_on;
    bool pub_stop;
    pthread_t pub_thread;
    kh_store *pub_store;        /* its connection (in stores) */
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
    const struct web_route *route;  /* the row matched (routes.c) */
    struct web_match *m;        /* its path values (owned) */
    char *raw_path;             /* the path as sent, not decoded (owned) */
    bool started;               /* the headers-only first call is done */
    size_t inflight;            /* body bytes counted in app->inflight */
    char allow[32];             /* Allow header of a 405, or "" */
    unsigned long long id;      /* request id, for the logs */
    const char *retry_after;    /* Retry-After header (static), or NULL */
    bool hash_busy;             /* a login found no hashing slot (503) */
    kh_status fail_st;          /* first store failure (web_store_check) */
    kh_err *fail_err;           /* its messages (owned), or NULL */
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
    size_t upload_total, upload_cap;   /* bytes held: data and parts */
    size_t nparts;              /* parts so far (WEB_FORM_PARTS_MAX) */
    bool bad_form;
    /* The body's fields, indexed once (web_form_get); form_done: tried
     * (form is NULL when there are more than WEB_FORM_FIELDS_MAX). */
    struct web_form *form;
    bool form_done;
    kh_status form_st;          /* why form is NULL once done */
    bool inflight_full;         /* WEB_INFLIGHT_CAP reached: 503 */
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
    /* A write this request made (web_cache_write_begin/wrote), applied
     * to the cached year by web_cache_apply. */
    uint64_t write_ticket;      /* 0: none in flight */
    int wrote_year;             /* 0: nothing to apply */
    char wrote_unit[KH_USER_NAME_MAX + 1];
    char wrote_item[64];        /* "" with wrote_records: the records */
    kh_phase wrote_phase;
    bool wrote_records, wrote_unknown;
    /* The refresh that makes the write visible, when the server does it
     * on its publisher thread (web_cache_publish): the model (a
     * reference), its slot and the edits it must show.  parked: the
     * connection is suspended until that refresh is done. */
    struct web_model *pub_m;
    void *pub_slot;
    uint64_t pub_mver;
    bool parked;
    struct web_req *park_next;  /* the publisher's queue */
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
/* Logs one line for a server-side failure to stderr: time, request
 * id, route, user and the messages on e (may be NULL). */
void web_log_failure(web_req *r, kh_status st, const kh_err *e);
/* Checks a store call's status: KH_OK and KH_DONE pass (true); any
 * other is recorded (the first one) and false is returned.  After the
 * handler the dispatcher answers a recorded failure with web_fail's
 * page in place of whatever the handler wrote: a page never shows an
 * empty table for a store error. */
bool web_store_check(web_req *r, kh_status st, const kh_err *e);
/* Answers a failed store call: logs it, then 503 with Retry-After when
 * the store is busy, 507 when the disk is full, else 500 (a Chinese
 * page, or JSON under /api/). */
void web_fail(web_req *r, kh_status st, const kh_err *e);
/* The same for a failure that is not the store's (out of memory, a
 * document that cannot be rendered): why (English, for the log) is
 * logged with the request, the answer is 500. */
void web_fail_why(web_req *r, kh_status st, const char *why);
/* For a handler that shows its form again on a failure, so that what
 * was typed is kept: logs the failure like web_fail, sets Retry-After,
 * returns the status web_fail would answer (503, 507, 500) and appends
 * to msg (not escaped) the Chinese sentences to show above the form:
 * what failed, and that the values are kept. */
unsigned web_fail_keep(web_req *r, kh_status st, const kh_err *e,
                       kh_buf *msg);
/* Counts a refused anonymous request: one audit record per address and
 * WEB_REFUSAL_WINDOW with the previous window's count, not one each. */
void web_count_refusal(web_req *r, const char *why);
/* The same for any repeated event: one audit record (actor, action,
 * why) per address, action and window. */
void web_count_event(web_req *r, const char *actor, const char *action,
                     const char *why);
/* Records a refused access in the audit log (who, what, why). */
void web_audit_refusal(web_req *r, const char *why);
/* Writes an audit record in its own transaction.  A failure is
 * recorded on the request (web_store_check): the request it records
 * fails with it. */
kh_status web_audit(web_req *r, const char *actor, const char *action,
                    const char *object, const char *new_value);
/* Redirects (303) to a local path. */
void web_redirect(web_req *r, const char *path);
/* A generic error page (HTML) or JSON error for status, never echoing
 * internals; msg is a fixed Chinese sentence (may be NULL). */
void web_error_page(web_req *r, unsigned status, const char *msg);
void web_error_json(web_req *r, unsigned status, const char *code);

/* ---- form bodies (web_formidx.c; the request's in web_http.c) ------- */

/* Percent-decodes n bytes of s into out (room for n + 1; out may be s:
 * decoding never lengthens), '+' as space when plus, NUL-terminated;
 * false on a bad escape or an escaped NUL ("%00"). */
bool web_pct_decode(const char *s, size_t n, bool plus, char *out);

/* A form body read once: its fields by name, each value decoded once.
 * Names are compared byte for byte as sent (case matters, no decoding);
 * a segment without '=' is no field; a repeated name keeps every value
 * in body order and its first one is the value (web_form_get). */
typedef struct web_form web_form;
/* Indexes the urlencoded body s[0..n) (up to a NUL in it, where the
 * body ends); *out is owned by the caller (web_form_free).  KH_ELIMIT,
 * with nothing allocated, when it has more than max fields; KH_ENOMEM. */
kh_status web_form_parse(const char *s, size_t n, size_t max,
                         web_form **out);
/* The same for the plain (not file) fields of a multipart body, their
 * values as sent; fields is borrowed for the call. */
kh_status web_form_from_fields(const web_field *fields, size_t max,
                               web_form **out);
void web_form_free(web_form *w);
/* Its fields, and the bytes it holds (counted in flight by the server). */
size_t web_form_count(const web_form *w);
size_t web_form_bytes(const web_form *w);
/* The fields named name, in body order: web_form_first gives the first
 * (0: none), web_form_next the one after at (0: no more), and
 * web_form_value the value of one (borrowed from w; NULL when
 * malformed: a bad escape or "%00"). */
size_t web_form_first(const web_form *w, const char *name);
size_t web_form_next(const web_form *w, size_t at);
const char *web_form_value(const web_form *w, size_t at);

/* The request's form (urlencoded, or the plain fields of a multipart
 * body), indexed on the first call and freed with the request: the
 * dispatcher indexes every body that is not JSON before the handler and
 * answers 413 (naming WEB_FORM_FIELDS_MAX) past the cap; a JSON body is
 * indexed only if a handler asks (the CSRF fallback) and is then read
 * as having no fields when over the cap.  Returns the index, or NULL
 * (no body, over the cap, out of memory, or its bytes would pass the
 * server's in-flight cap). */
const web_form *web_req_form(web_req *r);
/* The first value of a field (malloc'd, caller frees), or NULL when
 * absent or malformed. */
char *web_form_get(web_req *r, const char *name);
/* Every value of a field (a repeated one: a multiple choice), in order,
 * into vals (each malloc'd, caller frees; a malformed one is NULL).
 * Returns how many, or max + 1 when there are more than max (vals then
 * holds max of them). */
size_t web_form_values(web_req *r, const char *name, char **vals,
                       size_t max);
/* The first uploaded file field named name of a multipart body (NULL
 * when absent or not multipart); borrowed from the request. */
const web_field *web_form_file(web_req *r, const char *name);
/* Splits a path into at most max segments (decoded once, NUL-terminated,
 * in buf); returns the count, -1 when it has more segments or is too
 * long, -2 when it is malformed: a bad escape, "//", "." or "..", or a
 * segment holding NUL, '/' or '\\' once decoded, or "%25" (a double
 * encoding). */
int web_split_path(const char *url, char *buf, size_t bufsz,
                   const char **seg, int max);

/* ---- the per-year cache (web_cache.c) ------------------------------ */

/* One published version of a year: the bodies as of one state of its
 * model.  The model (rubric, assessment, result) is shared by the
 * versions and edited in place by writes (web_cache_apply); a handler
 * holds its read lock from web_year_get to web_year_put, so rubric,
 * assess and result may be read there. */
typedef struct web_model web_model;

/* A cached body is a sequence of parts (a ranking row, a unit's JSON
 * line, ...), each rendered by its renderer from the model.  A part's
 * bytes are a function of its kind, i, j and keys alone (given the model
 * and the version's state): two versions whose parts compare equal have
 * the same bytes, so a refresh renders again only the blocks whose
 * parts changed (web_body_build).  32 bytes, no padding (compared with
 * memcmp).  WEB_PART_VOLATILE: no key says what the bytes depend on;
 * rendered every time, in a block of its own, whose compression is kept
 * when the bytes did not change.  WEB_PART_BIG: the part renders half a
 * kilobyte or more (blocks of them hold fewer parts). */
#define WEB_PART_VOLATILE 0x80000000u
#define WEB_PART_BIG 0x40000000u
typedef struct web_part {
    uint32_t kind;              /* the renderer's kind | WEB_PART_* flags */
    uint32_t i, j;              /* which one (list, row; unit; branch) */
    uint32_t a;                 /* small key (rank and bottom mark, ...) */
    uint64_t k1, k2;            /* keys (score, edit count, ...) */
} web_part;

/* Lists a part (its fields in order) at the end of the parts list v. */
void web_part_add(kh_buf *v, uint32_t kind, size_t i, size_t j, uint32_t a,
                  uint64_t k1, uint64_t k2);

/* Renders part p of a body (ctx: the renderer's) at the end of o. */
typedef void (*web_part_fn)(const void *ctx, const web_part *p, kh_buf *o);

/* One block of a body: consecutive parts rendered and compressed (a
 * raw deflate stream ending in a sync flush), shared by the versions
 * that show these bytes.  Immutable once made; refs is atomic because
 * versions are freed on any thread. */
typedef struct web_chunk {
    atomic_int refs;
    char *text;                 /* the identity bytes: volatile blocks
                                 * only (NULL otherwise) */
    size_t len;
    unsigned char *z;           /* compressed */
    size_t zlen;
    uint32_t crc;               /* CRC-32 of text */
    unsigned long op;           /* crc32_combine_gen(len): joins CRCs */
} web_chunk;

/* A body of a version: its blocks, the parts they were rendered from
 * (the next refresh compares its parts with these) and the identity
 * bytes, joined only when first asked for (web_body_text).  The blocks'
 * compressed bytes in order are one deflate stream (not final), their
 * identity bytes in order the body: a response sends them as they are. */
typedef struct web_body {
    bool present;               /* false: this version has no such body */
    web_chunk **chunk;          /* nchunks references */
    size_t nchunks;
    size_t *first;              /* chunk c holds parts [first[c], first[c + 1]) */
    web_part *parts;
    size_t nparts;
    size_t parts_alloc;         /* bytes malloc'd for parts (0: unknown) */
    size_t len;                 /* identity length */
    size_t zlen;                /* compressed length */
    uint32_t crc;               /* CRC-32 of the identity bytes */
    _Atomic(char *) text;       /* joined identity bytes, made on demand */
    /* The compressed blocks joined, made on demand for a body of more
     * blocks than a response may have pieces (WEB_IOV_MAX). */
    _Atomic(unsigned char *) joined;
} web_body;

struct web_year {
    int refs;                   /* guarded by app->cache_mu */
    int year;
    uint64_t mver;              /* edits of the model the bodies show */
    kh_year_state state;
    web_model *model;           /* a reference */
    kh_rubric *rubric;          /* the model's */
    kh_assess *assess;
    kh_result *result;          /* scored allowing missing items; may be NULL */
    /* The results JSON (the frozen snapshot once published: one
     * volatile part) and the results page, built by parts. */
    web_body json, html;
};

/* The identity bytes of body b (inflated from its blocks on first use,
 * then kept with the version; *len their length), or NULL when the
 * body is absent or memory ran out.  Borrowed from the version. */
const char *web_body_text(web_body *b, size_t *len);
/* The compressed blocks of b in order in one piece (b->zlen bytes),
 * joined on first use and kept with the version; NULL when out of
 * memory.  Borrowed. */
const unsigned char *web_body_joined(web_body *b);
/* The identity bytes of body b inflated from its blocks (b->len bytes
 * and a NUL; empty when b is absent), malloc'd for the caller; NULL
 * when out of memory or the blocks do not inflate. */
char *web_body_inflate(const web_body *b);

/* Which cached body web_out_cached places. */
typedef enum web_cached { WEB_CACHED_JSON, WEB_CACHED_RESULTS_HTML } web_cached;

/* The year's cached data, rebuilt when another process (or a change
 * this server does not apply itself) changed the store since; exactly
 * one request builds, the others wait for it.  Holds the model's read
 * lock until web_year_put.  KH_ENOTFOUND when there is no such year. */
kh_status web_year_get(web_req *r, int year, web_year **out);
/* The same, but serves whatever version is cached, however old: built
 * only when the year is not cached at all (one entry, the preview). */
kh_status web_year_peek(web_req *r, int year, web_year **out);
void web_year_put(kh_web *app, web_year *y);
/* The warning box of rosters missing anywhere in y's year, made once
 * when the model was built ("" when none); NULL when out of memory then.
 * Borrowed from the version. */
const char *web_year_roster_warning(const web_year *y);
/* Drops a reference taken without the read lock (a cached body). */
void web_year_unref(kh_web *app, web_year *y);
void web_cache_free(kh_web *app);

/* A write through this server, in three steps, so that it lands in the
 * cached year instead of making it stale:
 *   web_cache_write_begin(r)   before the store call;
 *   web_cache_wrote(r, ...)    right after it, whatever its status
 *                              (records the store's change seqs as this
 *                              server's own when st is KH_OK);
 *   web_cache_apply(r)         when the request holds no year: rescores
 *                              the unit and refreshes the bodies, so the
 *                              next read shows the write; with the
 *                              publisher running, the refresh is left in
 *                              r->pub_* for web_cache_publish, which the
 *                              server runs before the response is sent.
 * item NULL: the unit's bonus and negative records changed. */
void web_cache_write_begin(web_req *r);
void web_cache_wrote(web_req *r, kh_status st, int year, const char *unit,
                     const char *item, kh_phase phase);
void web_cache_apply(web_req *r);
/* Runs the refresh web_cache_apply left in r (nothing when none) with
 * store, and drops its reference: after it, reads show r's write. */
void web_cache_publish(web_req *r, kh_store *store);

/* What a version shows: the year's state and its model.  The caller
 * keeps result (and uver) unchanged while web_version_render runs (the
 * server holds the model's read lock). */
typedef struct web_version_in {
    int year;
    kh_year_state state;
    kh_rubric *rubric;
    kh_assess *assess;
    kh_result *result;          /* may be NULL (the year cannot be scored) */
    /* Per unit, how many edits the model applied to it: the key of the
     * unit's own JSON line.  NULL: unknown, every unit's line is
     * rendered again. */
    const uint32_t *uver;
} web_version_in;
/* Renders and compresses both bodies of a version after prev (NULL:
 * from scratch): the parts of each body are listed and compared with
 * prev's, and only the blocks whose parts changed are rendered and
 * compressed again; the others are shared with prev (the refresh after
 * a write; bench/deadline times it).  store: for a published year's
 * frozen JSON.  The caller owns *out (web_version_free; it holds no
 * model reference).  *rendered (may be NULL) gets the number of blocks
 * rendered again. */
kh_status web_version_render(kh_store *store, const web_version_in *in,
                             const web_year *prev, web_year **out,
                             size_t *rendered);
void web_version_free(web_year *y);

/* Builds body out from its parts (n, malloc'd: out takes them) after
 * prev (may be NULL or absent): blocks whose parts equal a block of
 * prev are shared, the others rendered with fn(ctx) and compressed.
 * *rendered (may be NULL) is increased by the blocks rendered.  False
 * on OOM (out is then empty, parts freed). */
bool web_body_build(web_body *out, web_part *parts, size_t n,
                    const web_body *prev, web_part_fn fn, const void *ctx,
                    size_t *rendered);
/* A body of one volatile part whose bytes are text (len): the frozen
 * JSON of a published year.  False on OOM. */
bool web_body_of_text(web_body *out, const char *text, size_t len);
void web_body_free(web_body *b);
/* Frees b's parts (and the block starts), which only the next refresh
 * after b compares with: called once a newer version is published, so
 * that versions still being sent keep their blocks only (a parts list
 * is a megabyte at 10,000 units).  b then shares nothing as a prev. */
void web_body_forget_parts(web_body *b);
/* Frees the parts lists kept for reuse (web_body.c); at shutdown. */
void web_body_pool_free(void);

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

/* ---- the route table (routes.c) ------------------------------------ */

/* What a route asks the policy (policy.c): one rule per action. */
typedef enum web_action {
    WEB_A_NONE = 0,         /* no rule: a route must never have it */
    WEB_A_ANYONE,           /* the login form, static files */
    WEB_A_SIGNED_IN,        /* any logged-in user */
    WEB_A_ADMIN,            /* administration and every admin-only change */
    WEB_A_READ_ALL,         /* the whole year: results, documents, audit */
    WEB_A_SHEET,            /* one unit's score sheet or result */
    WEB_A_ENTRY_READ,       /* a unit's entries of the path's phase */
    WEB_A_ENTRY_WRITE,
    WEB_A_SELF_READ,        /* the same by phase (web_entry_action) */
    WEB_A_SELF_WRITE,
    WEB_A_INSPECTION_READ,
    WEB_A_INSPECTION_WRITE,
    WEB_A_EVIDENCE_READ,    /* a unit's evidence (either phase) */
    WEB_A_SURVEY_ANSWER,    /* a questionnaire's answer form: anyone, the
                             * one-time code is the credential; the row's
                             * body limit applies without a login too */
    WEB_A_SURVEY_READ,      /* rounds and tallies: admin, auditor,
                             * inspector (the page narrows to the units) */
    WEB_A_ONSITE_READ,      /* a visit's records: admin, auditor, an
                             * inspector (the page checks the team or the
                             * unit); never a unit user */
    WEB_A_ONSITE_WRITE,     /* recording them: admin, an inspector (the
                             * handler checks the team) */
    WEB_A_EVIDENCE_REMOVE,  /* removing or replacing a unit's evidence:
                             * the uploader's side, admin or the unit's
                             * own user (the handler checks the phase) */
    WEB_A_PROGRESS,         /* a year's progress: admin, auditor, an
                             * inspector (narrowed to their units) */
    WEB_A_CLAIMS_READ,      /* bonus claims: admin, auditor, a unit user
                             * (the page narrows to its own unit) */
    WEB_A_CLAIM_FILE,       /* filing one for a unit: admin, that unit */
    WEB_A_DEPT,             /* a department's grid: admin, auditor, a
                             * department user (its provider's inputs) */
    WEB_A_UNIT_VIEW,        /* a unit's own view: admin, auditor, the
                             * unit's users once the year is published */
    WEB_A_FOLLOWUP_REPORT,  /* a unit's rectification report: the unit's
                             * own users only */
} web_action;

/* Methods of a route (GET also answers HEAD). */
enum { WEB_GET = 1, WEB_POST = 2, WEB_PUT = 4 };
/* Roles a route lets through before the body is read; ANON: no login. */
enum {
    WEB_ANON = 1,
    WEB_ADMIN = 2 << KH_ROLE_ADMIN,
    WEB_INSPECTOR = 2 << KH_ROLE_INSPECTOR,
    WEB_UNIT = 2 << KH_ROLE_UNIT,
    WEB_AUDITOR = 2 << KH_ROLE_AUDITOR,
    WEB_DEPARTMENT = 2 << KH_ROLE_DEPARTMENT,
    WEB_USERS = WEB_ADMIN | WEB_INSPECTOR | WEB_UNIT | WEB_AUDITOR,
    /* Every login, the department scorers too: they reach only the rows
     * that name them (home, password, static files, their grid). */
    WEB_ANY_USER = WEB_USERS | WEB_DEPARTMENT,
    WEB_READERS = WEB_ADMIN | WEB_AUDITOR,
};
/* Year states a route serves (bits of 1 << kh_year_state). */
#define WEB_STATES_ANY 0xffu
/* What the dispatcher loads before the handler. */
typedef enum web_scope {
    WEB_SCOPE_NONE,         /* nothing */
    WEB_SCOPE_YEAR,         /* the :year's cached data (404 when absent) */
} web_scope;

/* The values of a matched path.  Pattern segments: a literal, or
 * :year (KH_YEAR_MIN..KH_YEAR_MAX), :phase (self|inspection), :unit, or :arg (any
 * other value: an item, an id, a hash, a user name). */
typedef struct web_match {
    int n;
    const char *seg[WEB_SEG_MAX];
    char buf[WEB_PATH_MAX];
    int year;               /* 0 when the pattern has no :year */
    const char *unit;       /* NULL when none */
    kh_phase phase;
    const char *arg;        /* NULL when none */
    web_year *y;            /* WEB_SCOPE_YEAR: a reference the dispatcher
                               releases after the handler */
} web_match;

typedef void web_handler(web_req *r, web_match *m);

typedef struct web_route {
    unsigned methods;       /* WEB_GET | WEB_POST | WEB_PUT */
    const char *pattern;    /* "/years/:year/units/:unit/:phase" */
    web_handler *handler;
    unsigned roles;         /* WEB_ANON, WEB_ADMIN, ... */
    unsigned states;        /* WEB_STATES_ANY or bits of kh_year_state */
    size_t body_limit;      /* for a logged-in user; 0: no body */
    web_scope scope;
    web_action action;      /* the policy rule (policy.c) */
} web_route;

/* Matches method and path (raw, percent-encoded) against the table.
 * Returns the row, or NULL with *status 400 (malformed path), 404 (no
 * row) or 405 (rows for the path, none for the method; allow gets the
 * Allow header's value). */
const web_route *web_route_find(const char *method, const char *path,
                                web_match *m, unsigned *status,
                                char *allow, size_t allowsz);
/* The table, for the tests and `kaohe serve --dump-routes`. */
size_t web_route_count(void);
const web_route *web_route_at(size_t i);
/* Names for the dump. */
const char *web_action_name(web_action a);

/* ---- the policy (policy.c) ----------------------------------------- */

/* May the request's user do act on (year, unit)?  year 0 and unit NULL
 * when the action names none.  Every page, API call, document and
 * download asks this one function. */
bool web_may(web_req *r, web_action act, int year, const char *unit);
/* A department scorer's provider into out (false, out "", for another
 * role or on a store failure). */
bool web_dept_provider(web_req *r, char out[KH_PROVIDER_MAX + 1]);
/* May the department scorer write input (NULL: any of its inputs) of
 * item in year?  Its provider must supply it (the rubric's `provider`). */
bool web_may_dept_input(web_req *r, int year, const char *item,
                        const char *input);
/* The entry action for a phase (WEB_A_SELF_READ, ...). */
web_action web_entry_action(kh_phase phase, bool write);

typedef enum web_access { WEB_READ, WEB_WRITE } web_access;
/* Shorthand: web_may with web_entry_action(phase, acc == WEB_WRITE). */
bool web_may_entry(web_req *r, int year, const char *unit, kh_phase phase,
                   web_access acc);

/* ---- handlers (reached through routes.c) --------------------------- */

/* Login: checks throttles and the password, audits the outcome, creates
 * the session and sets the cookie.  Returns KH_OK, KH_EPERM (wrong) or
 * KH_ELIMIT (throttled). */
kh_status web_login(web_req *r, const char *user, const char *password);
/* The throttled password check of a login and of /password's old
 * password: KH_OK (role and unit set; *unit malloc'd, caller frees),
 * KH_EPERM (wrong) or KH_ELIMIT (throttled, counted in the audit log
 * once per address and window). */
kh_status web_check_password(web_req *r, const char *user,
                             const char *password, kh_role *role,
                             char **unit);
void web_logout(web_req *r);
/* POST /api/v1/keepalive: marks the session seen now (the form's script
 * calls it while someone types) and answers {"idle":SECONDS}. */
void web_api_keepalive(web_req *r);
/* Is s a safe place to return to after a login: a same-origin path
 * ("/x", never "//host", "/\\host", a scheme, a control byte or a
 * space), at most WEB_NEXT_MAX bytes? */
bool web_next_ok(const char *s);

/* The JSON API (web_api.c). */
void web_api_login(web_req *r);
void web_api_me(web_req *r);
void web_api_results(web_req *r, int year);
void web_api_unit_result(web_req *r, int year, const char *unit);
void web_api_preview(web_req *r, int year, const char *unit,
                     const char *item, kh_phase phase);
void web_api_entry_get(web_req *r, int year, const char *unit,
                       const char *item, kh_phase phase);
void web_api_entry_put(web_req *r, int year, const char *unit,
                       const char *item, kh_phase phase);

/* A JSON object body parsed into *root (*arena: the caller frees it,
 * also on failure); located errors on e (web_api.c). */
kh_status web_api_body(web_req *r, kh_arena **arena, const kh_node **root,
                       kh_err *e);
/* 422 with e's located errors as JSON, with message_zh naming places
 * from year's rubric and units (0: none). */
void web_api_errors(web_req *r, const kh_err *e, int year);
/* 409 with e's first message: "submitted" when a submitted self-check
 * refused the change (path "selfcheck"), else "stale". */
void web_conflict_json(web_req *r, const kh_err *e);

/* The schedule (web_progress.c, docs/SCHEDULE.md): the home page's
 * dates and counts; the submit/return block of a unit's self-check form
 * (called by the form page); the dates form of the admin year page and
 * its POST; the submit/return form POSTs (ret: return); the same in the
 * JSON API; the progress list as JSON, page and xlsx. */
void web_sched_home(web_req *r);
/* The Chinese message of a refusal by a submitted self-check (the
 * store's path "selfcheck"), or NULL; borrowed from e. */
const char *web_selfcheck_locked_msg(const kh_err *e);
void web_selfcheck_block(web_req *r, int year, const char *unit,
                         kh_year_state state);
void web_dates_form(web_req *r, int year);
void web_dates_post(web_req *r, int year);
void web_selfcheck_post(web_req *r, int year, const char *unit, bool ret);
void web_api_selfcheck(web_req *r, int year, const char *unit, bool ret);
void web_api_progress(web_req *r, int year);
void web_progress_page(web_req *r, int year);
void web_progress_xlsx(web_req *r, int year);
/* The inbox (web_inbox.c): the header's link with the unread count, the
 * page, marking one message read (id: the path's). */
void web_inbox_link(web_req *r);
void web_inbox_page(web_req *r);
void web_inbox_read(web_req *r, const char *id);

/* The pages (web_pages.c). */
void web_page_login(web_req *r);
void web_page_password(web_req *r);
void web_page_home(web_req *r);
void web_page_year(web_req *r, web_year *y);
void web_page_rubric(web_req *r, web_year *y);
void web_page_results(web_req *r, web_year *y);
void web_page_sheet(web_req *r, web_year *y, const char *unit);
/* The entry form (web_form.c): the page, 保存全部 (every item, each
 * its own write) and the one-item POST; a refusal answers with the form
 * again, every posted value kept and each message beside its field. */
void web_page_entry_form(web_req *r, web_year *y, const char *unit,
                         kh_phase phase);
void web_post_form(web_req *r, web_year *y, const char *unit,
                   kh_phase phase);
void web_post_item(web_req *r, web_year *y, const char *unit,
                   kh_phase phase, const char *item);
/* The results page body of a year (web_results.c), for the cache: its
 * parts (web_part structs appended to v, in page order), one part
 * rendered (ctx: the web_year), and the whole body at once. */
void web_results_parts(const web_year *y, kh_buf *v);
void web_results_part(const void *ctx, const web_part *p, kh_buf *o);
void web_pages_results_body(const web_year *y, kh_buf *out);

/* Administration (web_admin.c, admin only). */
void web_page_admin_years(web_req *r);
void web_post_year_open(web_req *r);
void web_page_admin_year(web_req *r, int year);
void web_post_units_import(web_req *r, int year);
/* Rosters (web_roster.c): the admin's page of a year's rosters, the
 * import (POST, multipart: roster, file), and the warning box listing
 * the items that count from a roster not loaded for unit u (-1: for any
 * unit of the year). */
void web_page_rosters(web_req *r, web_year *y);
void web_post_roster_import(web_req *r, web_year *y);
void web_roster_warning(web_req *r, const web_year *y, long u);
/* The same box for rubric rb and assessment a into o (nothing when no
 * roster is missing): web_cache.c makes the whole year's once a model. */
void web_roster_warning_html(kh_buf *o, const kh_rubric *rb,
                             const kh_assess *a, long u);
/* The admin year page's link to the rosters page (#link-rosters). */
void web_roster_link(kh_buf *o, int year);
void web_page_rubrics(web_req *r);
void web_post_rubric_import(web_req *r);
void web_page_rubric_diff(web_req *r);
/* The year page's changes, each confirmed or checked first
 * (web_admin_year.c): the confirmation of advancing (GET), advancing
 * (POST: confirmed by `from`, else the confirmation again), reopening,
 * one unit added or renamed, the assignment grid (shown on the year
 * page) and its POST. */
void web_page_advance_confirm(web_req *r, int year);
void web_post_advance(web_req *r, int year);
void web_post_reopen(web_req *r, int year);
void web_post_unit_add(web_req *r, int year);
void web_post_unit_rename(web_req *r, int year);
void web_assign_grid(web_req *r, int year);
/* A picker of the year's units by name (value: the unit's id), for any
 * form that asks for a unit: <select name=NAME required>. */
void web_unit_select(web_req *r, int year, const char *name);
void web_post_assign(web_req *r, int year);
/* The audit log for people (web_audit.c); a stored UTC time stamp
 * ("2026-12-06T06:05:00Z") as Beijing time, "2026年12月6日 14:05". */
void web_page_audit(web_req *r);
void web_time_out(kh_buf *o, const char *utc);
/* A China calendar day ("2026-01-15") as people write it, "2026年1月15日",
 * or a China local time ("2025-12-10 09:00") as "2025年12月10日 09:00";
 * anything else as it is (escaped). */
void web_day_out(kh_buf *o, const char *day);
/* POST /admin/users/NAME/password: a new password set by the admin;
 * the user's sessions end. */
void web_post_user_password(web_req *r, const char *name);
/* POST /admin/users/NAME/name: the name people see (display_name). */
void web_post_user_name(web_req *r, const char *name);
void web_page_users(web_req *r);
/* A rubric version as people know it (web_admin.c): its title and
 * document (文号); "cannot be read" when rb is NULL.  verify: the id and
 * short hash inside a closed <details> labelled in Chinese (a block:
 * never inside a <p>). */
void web_rubric_label(kh_buf *o, const kh_rubric *rb);
void web_rubric_verify(kh_buf *o, const char *ref);
void web_post_user_add(web_req *r);
void web_post_user_disable(web_req *r, const char *name);

/* The official documents of issue 5 (web_reports.c). */
void web_export_xlsx(web_req *r, const web_year *y);
void web_page_notice(web_req *r, const web_year *y);
void web_page_followup_report(web_req *r, const web_year *y);
/* The follow-up report, or (compilation) the printable compilation of
 * good practices (经验汇编), GET /years/Y/compilation. */
void web_page_followup_doc(web_req *r, const web_year *y, bool compilation);
void web_page_print_sheet(web_req *r, const web_year *y, const char *unit);
void web_page_compare(web_req *r);
void web_page_history(web_req *r, const char *unit);

/* Static files (web_static.c). */
void web_static_css(web_req *r);
void web_static_js(web_req *r);
/* The printable pages' A4 stylesheet (WEB_PRINT_CSS). */
void web_static_print_css(web_req *r);
#define WEB_PRINT_CSS "/static/print.css"

/* The frame and pieces of every page (web_pages.c), shared by the
 * other page modules: page_begin sets status 200 and writes the header
 * and the <h1> title; page_end closes the page. */
void web_page_begin(web_req *r, const char *title);
void web_page_end(web_req *r);
/* A table head of n msgids (N_), each shown in Chinese (W_). */
void web_thead(kh_buf *o, const char *const *heads, size_t n);
/* A table body that got no row since o's length was at: one row saying
 * so (text, already translated), across cols columns. */
void web_empty_row(kh_buf *o, size_t at, int cols, const char *text);
/* A message paragraph #msg of class cls ("", "ok", "error"). */
void web_msg_box(kh_buf *o, const char *cls, const char *text);
/* The hidden csrf field of a form. */
void web_csrf_field(web_req *r);
/* A user (login) as people know them, escaped into o: the display name
 * (姓名), a unit user's unit name, else the role's Chinese name; an
 * actor who is no user (a CLI --as name) as written. */
void web_person(web_req *r, kh_buf *o, const char *login);
/* A centipoint value as people write it ("12.5"). */
void web_cp_out(kh_buf *o, kh_cp v);
/* Audits the refusal and answers with the generic 403 page. */
void web_refuse_page(web_req *r, const char *why);

/* A page listing located errors (in <ul id="errors">) with a link
 * back; used after a refused form (web_admin.c). */
void web_errors_page(web_req *r, unsigned status, const char *title,
                     const kh_err *e, const char *back);
/* The same for the admin forms: a place naming one of their fields
 * ("name", "unit[2]") is shown by the field's label (名称, 单位). */
void web_admin_errors_page(web_req *r, unsigned status, const char *title,
                           const kh_err *e, const char *back);

/* Evidence (web_evidence.c).  The block of an item on a form: its
 * files with download links and, when may_write, the upload form. */
void web_evidence_block(web_req *r, int year, const char *unit,
                        kh_phase phase, const char *item, bool may_write);
/* POST .../PHASE/ITEM/evidence: stores and attaches the uploaded files
 * (all or nothing). */
void web_evidence_upload(web_req *r, int year, const char *unit,
                         kh_phase phase, const char *item);
/* POST .../evidence/replace (sha256 + one file) and .../evidence/remove
 * (sha256): the uploader's side only (WEB_A_EVIDENCE_REMOVE). */
void web_evidence_replace(web_req *r, int year, const char *unit,
                          kh_phase phase, const char *item);
void web_evidence_remove(web_req *r, int year, const char *unit,
                         kh_phase phase, const char *item);
/* The name an uploaded file is stored under: its own when its
 * extension matches the type found in its bytes, else with the type's
 * extension (malloc'd, caller frees; NULL on OOM). */
char *web_evidence_name(const char *name, kh_evidence_type type);
/* A size as people read it: "812 字节", "35 KB", "2.4 MB" (integer
 * arithmetic, rounded down to a tenth). */
void web_size_out(kh_buf *o, int64_t n);
/* One file of an upload: the form field (borrowed from the request), its
 * detected type and the name it is stored under (owned by the caller). */
typedef struct web_upload {
    const web_field *f;
    kh_evidence_type type;
    char *name;
} web_upload;
/* Collects the request's "file" fields into files (at most max, one
 * error at "files" when there are more; required: none is an error) and
 * checks each: not empty, at most KH_EVIDENCE_MAX_DEFAULT bytes, an
 * allowed type by content.  Every refused file gets an error placed at
 * its name; *n gets the number collected (free each files[i].name). */
kh_status web_evidence_collect(web_req *r, size_t max, bool required,
                               web_upload *files, size_t *n, kh_err *e);
/* Answers with the stored evidence hash as a download of type ("pdf",
 * ...) named name; the caller has checked who may read it. */
void web_evidence_send(web_req *r, const char *hash, const char *type,
                       const char *name);
/* GET /years/Y/units/U/evidence/HASH, with the entry's read rules. */
void web_evidence_download(web_req *r, int year, const char *unit,
                           const char *hash);
/* Entry evidence per unit index of a (calloc'd, caller frees; NULL on
 * OOM). */
size_t *web_evidence_counts(web_req *r, int year, const kh_assess *a);

/* A department scorer's grid (web_dept.c): GET shows it, POST saves it
 * (all or nothing). */
void web_dept_page(web_req *r, const web_year *y);
void web_dept_post(web_req *r, const web_year *y);
/* The msgids web_dept.c marks for web_pages.c and web_inspect.c, one by
 * one (NULL past the last). */
const char *web_dept_shared_msgid(size_t i);

/* Bonus claims (web_claims.c): the year's list (a unit user's own), a
 * unit's filing (POST), the admin's decision on claim arg (POST). */
/* The claims table of year y (unit NULL: every unit), with the admin's
 * approve/reject forms when decide; "no claims" when empty.  Returns
 * how many rows (web_claims.c). */
size_t web_claims_table(web_req *r, const web_year *y, const char *unit,
                        bool decide);
void web_claims_page(web_req *r, const web_year *y);
void web_claim_add_post(web_req *r, const web_year *y, const char *unit);
/* GET /years/Y/units/U/claim-files/HASH: a file filed with one of U's
 * claims (who may read U's claims). */
void web_claim_file_get(web_req *r, const web_year *y, const char *unit,
                        const char *hash);
void web_claim_decide_post(web_req *r, const web_year *y, const char *arg);

/* The follow-up page of a year (web_followup.c) and its POSTs: what is
 * "talks", "items", "close" (id: the item) or "practices". */
void web_followup_page(web_req *r, int year, kh_year_state state);
void web_followup_post(web_req *r, int year, const char *what,
                       const char *id);
/* GET /years/Y/compilation: the printable compilation of good practices
 * (经验汇编) once the year is published (409 before). */
void web_page_compilation(web_req *r, const web_year *y);

/* The score sheet of unit index u (categories, totals and the
 * explanation of every point) as a <section>, for the sheet page and
 * the unit's own view (web_pages.c). */
void web_sheet_section(web_req *r, const web_year *y, size_t u);

/* The rectification loop with the unit in it and a unit's own view
 * (web_unitview.c, docs/FOLLOWUP.md).  A scalar of a parsed JSON report
 * (NULL when absent or null). */
const char *web_fu_get(const kh_node *map, const char *key);
/* An item's deadline colour as a text label with its colour class. */
void web_fu_badge(kh_buf *o, const kh_node *item);
/* An item's rectification reports; admin: the accept and return forms
 * of the one waiting for a decision. */
void web_fu_reports(web_req *r, int year, const kh_node *item, bool admin);
/* On the home page of a unit user: per published year, its reminder
 * talks and rectification items, and the link to its own view.  Writes
 * nothing for other roles. */
void web_unitview_home(web_req *r);
/* GET /years/Y/units/U/view: the unit's own view after publication. */
void web_page_unit_view(web_req *r, web_year *y, const char *unit);
/* POST /years/Y/units/U/followup/ITEM/report: the unit's report
 * (multipart: text, optional file). */
void web_fu_report_post(web_req *r, int year, const char *unit,
                        const char *item);
/* POST /years/Y/followup/reports/ID/accept|return (admin). */
void web_fu_decide_post(web_req *r, int year, const char *report,
                        bool accept);

/* The on-site inspection (web_onsite.c): the visits page of a year
 * (print: the printable timetable), planning a visit (POST), a visit's
 * records (arg: its id), and the findings about an item on the
 * inspection form. */
void web_visits_page(web_req *r, int year, kh_year_state state, bool print);
void web_visit_add(web_req *r, int year);
void web_visit_records(web_req *r, int year, kh_year_state state,
                       const char *arg);
/* The recording forms of visit id (admin and its team), and their POSTs:
 * what is "symposiums", "interviews" or "findings". */
void web_visit_forms(web_req *r, int year, int64_t id);
void web_visit_post(web_req *r, int year, const char *arg, const char *what);
void web_onsite_findings(web_req *r, int year, const char *unit,
                         const char *item, kh_buf *o);

/* The inspection pages' extras (web_inspect.c).  True when an input of
 * item i names a provider (the rubric's `provider`, docs/CLAIMS.md). */
bool web_dept_item(const kh_rubric *rb, size_t i);
/* The provider of item i's first input that has one, or NULL. */
const char *web_dept_item_provider(const kh_rubric *rb, size_t i);
/* The #records section of a unit's inspection form: its bonus and
 * negative records and, for admin in the inspection and review states,
 * the forms that add and remove them (rb: the year's rubric, for the
 * negative-list catalogue). */
void web_records_block(web_req *r, int year, const char *unit,
                       kh_year_state state, const kh_rubric *rb);
/* POST /years/Y/units/U/records (ref NULL: add) and
 * .../records/KIND-ID/remove (ref "bonus-3", "negative-7"): admin only;
 * 422 with located errors on bad fields; the store audits. */
void web_records_post(web_req *r, const web_year *y, const char *unit,
                      const char *ref);
/* GET /years/Y/dept-items: every unit by the department's items (admin
 * with edit links; auditor reads). */
void web_dept_items_page(web_req *r, const web_year *y);

/* The 公文 downloads (web_gongwen.c): the document `what` of year y in
 * format fmt (unit: the sheet's unit, else NULL), as an attachment; the
 * route's policy has decided who may. */
void web_gongwen_get(web_req *r, const web_year *y, int what,
                     const char *unit, int fmt);
/* The year's document settings on the admin year page: the form, and
 * POST /admin/years/Y/docset. */
void web_docset_form(web_req *r, int year);
void web_docset_post(web_req *r, int year);
/* Questionnaires (web_survey.c), reached through routes.c: the public
 * answer form /q/CODE (GET shows, POST stores), its thank-you page and
 * style sheet; the rounds under /surveys (GET lists, POST opens one) and
 * one round's views. */
void web_survey_answer(web_req *r, const char *code);
void web_survey_thanks(web_req *r);
void web_survey_css(web_req *r);
void web_survey_rounds(web_req *r);
/* The round-opening form of /surveys (admin; the year of ?year=, else
 * the newest that takes a round) and its POST (web_survey_open.c):
 * units picked by name, every value checked before the store is asked. */
void web_survey_open_form(web_req *r);
void web_survey_open_post(web_req *r);
typedef enum web_survey_view {
    WEB_SURVEY_ROUND, WEB_SURVEY_TALLY, WEB_SURVEY_TALLY_XLSX,
    WEB_SURVEY_CLOSE, WEB_SURVEY_CODES
} web_survey_view;
void web_survey_round(web_req *r, const char *round, web_survey_view v);
/* Suggested judgements (web_source.c, the rubric's `source:`).  On the
 * inspection form: the judgement the year's questionnaire rounds suggest
 * for term t of item, with the figure behind it and what was decided,
 * and (may_write) the buttons 采用建议 and 改判 with its reason field,
 * appended to o (nothing when t has no source). */
void web_survey_suggestion(web_req *r, int year, const char *unit,
                           const char *item, const kh_term *t, bool may_write,
                           kh_buf *o);
/* POST /years/Y/units/U/inspection/ITEM/source: keep or override. */
void web_source_post(web_req *r, web_year *y, const char *unit,
                     kh_phase phase, const char *item);
/* kh_explain() of unit u of the year with what became of each
 * suggestion (a store failure is recorded on r). */
void web_source_explain(web_req *r, const kh_assess *a, size_t u, int year,
                        const char *unit, kh_buf *out);

#endif
