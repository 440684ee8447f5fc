/*
 * web_session.c - the web server's sessions (at most WEB_SESSIONS_PER_USER
 * a user) and login throttling, kept in the store (kaohe/store_session.h)
 * so that every `kaohe serve` instance of one store shares them; the
 * questionnaire's plain throttle and the per-address event counters stay
 * in this instance's memory (they only pace one address's tries and its
 * audit records; several instances at most multiply those allowances).
 *
 * Session ids and CSRF tokens are 128 random bits from libsodium
 * (randombytes_buf) written as hex; the store keeps only the id's
 * SHA-256, looked up by an index (an equality match on a hash needs no
 * constant-time compare).  A session ends on logout (server side), after
 * WEB_SESSION_IDLE seconds without a request (counted from the last
 * mark, which is written at most every WEB_SESSION_SEEN_EVERY), or
 * WEB_SESSION_ABSOLUTE seconds after login.  The in-memory counters are
 * a small array under one mutex.
 *
 * Password hashing is bounded server-wide (WEB_HASH_MAX argon2id runs of
 * 64 MiB at once, a counter and a condition under the same mutex), so a
 * flood of logins costs waiting time and 503s, never memory.
 */
#include "web.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/store_session.h"

typedef struct throttle {
    char key[KH_USER_NAME_MAX + 80];
    int fails;
    int64_t first;      /* start of the current window */
    int64_t seq;        /* account locks: the store's audit seq at lock */
} throttle;

struct web_sessions {
    pthread_mutex_t mu;
    throttle *t;
    size_t nt, maxt;
    pthread_cond_t hash_cv;     /* a hashing slot came free */
    int hashing;                /* hashes running, <= WEB_HASH_MAX */
};

web_sessions *web_sessions_new(size_t max)
{
    if (sodium_init() < 0)
        return NULL;
    web_sessions *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->maxt = max ? max : 1;
    t->t = calloc(t->maxt, sizeof *t->t);
    if (!t->t || pthread_mutex_init(&t->mu, NULL) != 0) {
        free(t->t);
        free(t);
        return NULL;
    }
    if (pthread_cond_init(&t->hash_cv, NULL) != 0) {
        pthread_mutex_destroy(&t->mu);
        free(t->t);
        free(t);
        return NULL;
    }
    return t;
}

void web_sessions_free(web_sessions *t)
{
    if (!t)
        return;
    free(t->t);
    pthread_cond_destroy(&t->hash_cv);
    pthread_mutex_destroy(&t->mu);
    free(t);
}

bool web_hash_enter(web_sessions *t)
{
    if (!t)
        return true;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);   /* the condition's clock */
    until.tv_sec += WEB_HASH_WAIT_MS / 1000;
    until.tv_nsec += (long)(WEB_HASH_WAIT_MS % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&t->mu);
    int rc = 0;
    while (t->hashing >= WEB_HASH_MAX && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&t->hash_cv, &t->mu, &until);
    bool got = t->hashing < WEB_HASH_MAX;
    t->hashing += got;
    pthread_mutex_unlock(&t->mu);
    return got;
}

void web_hash_leave(web_sessions *t)
{
    if (!t)
        return;
    pthread_mutex_lock(&t->mu);
    t->hashing--;
    pthread_cond_signal(&t->hash_cv);
    pthread_mutex_unlock(&t->mu);
}

static void random_hex(char out[WEB_ID_HEX])
{
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(out, WEB_ID_HEX, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
}

/* The session limits of docs/DESIGN.md, for the store's calls (the
 * idle time is the server's: --session-idle; a request without a server,
 * in the unit tests, has the default). */
static kh_session_limits limits_of(const web_req *r)
{
    kh_session_limits l = {r->app ? r->app->session_idle : 0,
                           WEB_SESSION_ABSOLUTE, WEB_SESSIONS_PER_USER};
    if (l.idle <= 0)
        l.idle = WEB_SESSION_IDLE;
    return l;
}

/* Seconds between seen marks: a quarter of a short idle time, so that
 * a session in use never lapses between two marks. */
static int64_t seen_every(const web_req *r)
{
    int64_t q = limits_of(r).idle / 4;
    return q < 1 ? 1 : q < WEB_SESSION_SEEN_EVERY ? q : WEB_SESSION_SEEN_EVERY;
}

/* Records a failed store call on the request; true when st is KH_OK. */
static bool store_ok(web_req *r, kh_status st, kh_err *e)
{
    bool ok = web_store_check(r, st, e);
    kh_err_free(e);
    return ok;
}

bool web_session_create(web_req *r, const char *user, kh_role role,
                        const char *unit, web_session *out)
{
    kh_store_session row;
    kh_session_limits lim = limits_of(r);
    memset(&row, 0, sizeof row);
    memset(out, 0, sizeof *out);
    random_hex(out->id);
    random_hex(out->csrf);
    snprintf(out->user, sizeof out->user, "%s", user);
    snprintf(out->unit, sizeof out->unit, "%s", unit ? unit : "");
    out->role = role;
    out->created = out->seen = r->now;
    snprintf(row.csrf, sizeof row.csrf, "%s", out->csrf);
    snprintf(row.user, sizeof row.user, "%s", out->user);
    snprintf(row.unit, sizeof row.unit, "%s", out->unit);
    row.role = (int)role;
    row.created = row.seen = r->now;
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_session_add(r->store, out->id, &row, &lim,
                                            r->now, e)
                     : KH_ENOMEM;
    sodium_memzero(&row, sizeof row);
    if (store_ok(r, st, e))
        return true;
    sodium_memzero(out, sizeof *out);
    return false;
}

bool web_session_find(web_req *r, const char *id, web_session *out)
{
    if (!id || strlen(id) != WEB_ID_HEX - 1)
        return false;
    kh_store_session row;
    kh_session_limits lim = limits_of(r);
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_session_get(r->store, id, &lim, r->now,
                                            &row, e)
                     : KH_ENOMEM;
    if (st == KH_ENOTFOUND) {
        kh_err_free(e);
        return false;
    }
    /* Marked seen at most once a WEB_SESSION_SEEN_EVERY: a read is one
     * SELECT, not a write per request. */
    if (st == KH_OK && r->now - row.seen >= seen_every(r)) {
        kh_status sst = kh_store_session_seen(r->store, id, r->now, e);
        /* The mark only moves the idle limit on (a missed one ends a
         * session early, never late): a busy store or a full disk must
         * not fail a read with it.  Logged; the next request marks. */
        kh_cause c = kh_err_cause(e);
        if (sst != KH_OK && (c == KH_CAUSE_BUSY || c == KH_CAUSE_FULL))
            web_log_failure(r, sst, e);
        else
            st = sst;
    }
    if (!store_ok(r, st, e))
        return false;
    memset(out, 0, sizeof *out);
    snprintf(out->id, sizeof out->id, "%s", id);
    snprintf(out->csrf, sizeof out->csrf, "%.32s", row.csrf);
    snprintf(out->user, sizeof out->user, "%s", row.user);
    snprintf(out->unit, sizeof out->unit, "%s", row.unit);
    out->role = (kh_role)row.role;
    out->created = row.created;
    out->seen = row.seen;
    sodium_memzero(&row, sizeof row);
    return true;
}

void web_session_destroy(web_req *r, const char *id)
{
    if (!id || strlen(id) != WEB_ID_HEX - 1)
        return;
    kh_err *e = kh_err_new();
    store_ok(r, e ? kh_store_session_drop(r->store, id, e) : KH_ENOMEM, e);
}

void web_session_destroy_user(web_req *r, const char *user,
                              const char *keep)
{
    kh_err *e = kh_err_new();
    store_ok(r, e ? kh_store_session_drop_user(r->store, user, keep, e)
                  : KH_ENOMEM, e);
}

void web_api_keepalive(web_req *r)
{
    kh_err *e = kh_err_new();
    if (!store_ok(r, e ? kh_store_session_seen(r->store, r->sess.id, r->now, e)
                       : KH_ENOMEM, e))
        return;
    r->status = 200;
    r->ctype = "application/json";
    kh_buf_printf(&r->out, "{\"idle\":%lld}\n",
                  (long long)limits_of(r).idle);
}

bool web_next_ok(const char *s)
{
    if (!s || s[0] != '/' || s[1] == '/' || s[1] == '\\' ||
        strlen(s) > WEB_NEXT_MAX)
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= 0x20 || *p >= 0x7f || *p == '\\')
            return false;   /* encoded: a path as the server sent it */
    return true;
}

static bool id_eq(const char *a, const char *b)
{
    return strlen(b) == WEB_ID_HEX - 1 &&
           sodium_memcmp(a, b, WEB_ID_HEX - 1) == 0;
}

bool web_csrf_ok(const web_session *s, const char *token)
{
    return token && s->csrf[0] && id_eq(s->csrf, token);
}

const char *web_session_cookie_name(bool secure)
{
    return secure ? "__Host-kh_session" : "kh_session";
}

void web_session_cookie(kh_buf *out, const char *id, bool secure)
{
    kh_buf_printf(out, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s",
                  web_session_cookie_name(secure), id ? id : "",
                  secure ? "; Secure" : "", id ? "" : "; Max-Age=0");
}

/* ---- throttling ---------------------------------------------------- */

static throttle *throttle_find(web_sessions *t, const char *key)
{
    for (size_t i = 0; i < t->nt; i++)
        if (strcmp(t->t[i].key, key) == 0)
            return &t->t[i];
    return NULL;
}

/* The record of key, created (window starting now) when absent; the
 * caller holds the mutex. */
static throttle *throttle_get(web_sessions *t, const char *key, int64_t now)
{
    throttle *th = throttle_find(t, key);
    if (th)
        return th;
    /* Forget records whose window has passed; when still full, the
     * oldest goes (an attacker filling the table only frees keys). */
    for (size_t i = 0; i < t->nt;)
        if (now - t->t[i].first >= WEB_THROTTLE_WINDOW)
            t->t[i] = t->t[--t->nt];
        else
            i++;
    if (t->nt == t->maxt) {
        size_t old = 0;
        for (size_t i = 1; i < t->nt; i++)
            if (t->t[i].first < t->t[old].first)
                old = i;
        t->t[old] = t->t[--t->nt];
    }
    th = &t->t[t->nt++];
    memset(th, 0, sizeof *th);
    snprintf(th->key, sizeof th->key, "%s", key);
    th->first = now;
    return th;
}

bool web_refusal_count(web_sessions *t, const char *key, int64_t now,
                       int *prev)
{
    pthread_mutex_lock(&t->mu);
    throttle *th = throttle_get(t, key, now);
    bool opens = th->fails == 0 || now - th->first >= WEB_REFUSAL_WINDOW;
    *prev = 0;
    if (opens && th->fails) {
        *prev = th->fails;
        th->fails = 0;
        th->first = now;
    }
    th->fails++;
    pthread_mutex_unlock(&t->mu);
    return opens;
}

/* The record of key with its window restarted when it has passed. */
static throttle *throttle_now(web_sessions *t, const char *key, int64_t now)
{
    throttle *th = throttle_get(t, key, now);
    if (now - th->first >= WEB_THROTTLE_WINDOW) {
        th->fails = 0;
        th->first = now;
        th->seq = 0;
    }
    return th;
}

bool web_throttle_allowed(web_sessions *t, const char *key, int64_t now)
{
    pthread_mutex_lock(&t->mu);
    throttle *th = throttle_now(t, key, now);
    bool ok = th->fails < WEB_THROTTLE_FAILS;
    pthread_mutex_unlock(&t->mu);
    return ok;
}

void web_throttle_fail(web_sessions *t, const char *key, int64_t now)
{
    pthread_mutex_lock(&t->mu);
    throttle_now(t, key, now)->fails++;
    pthread_mutex_unlock(&t->mu);
}

static void login_keys(const char *user, const char *ip, char *a, char *p,
                       char *u, size_t n)
{
    snprintf(a, n, "a:%.64s", ip);
    snprintf(p, n, "p:%.64s@%.64s", user, ip);
    snprintf(u, n, "u:%.64s", user);
}

/* The three counters of a login, read inside the open transaction. */
typedef struct login_rec {
    char ka[160], kp[160], ku[160];
    kh_store_throttle a, p, u;
} login_rec;

static kh_status login_read(web_req *r, const char *user, login_rec *l,
                            kh_err *e)
{
    memset(l, 0, sizeof *l);   /* zeros when a read fails part way */
    login_keys(user, r->ip, l->ka, l->kp, l->ku, sizeof l->ka);
    kh_store *s = r->store;
    int64_t w = WEB_THROTTLE_WINDOW;
    kh_status st = kh_store_throttle_purge(s, r->now - w, e);
    if (st == KH_OK)
        st = kh_store_throttle_get(s, l->ka, w, r->now, &l->a, e);
    if (st == KH_OK)
        st = kh_store_throttle_get(s, l->kp, w, r->now, &l->p, e);
    if (st == KH_OK)
        st = kh_store_throttle_get(s, l->ku, w, r->now, &l->u, e);
    return st;
}

static kh_status login_write(web_req *r, const login_rec *l, kh_err *e)
{
    kh_status st = kh_store_throttle_put(r->store, l->ka, &l->a, e);
    if (st == KH_OK)
        st = kh_store_throttle_put(r->store, l->kp, &l->p, e);
    if (st == KH_OK)
        st = kh_store_throttle_put(r->store, l->ku, &l->u, e);
    return st;
}

/* Commits when st is KH_OK, else rolls back; the result is recorded on
 * the request. */
static bool login_end(web_req *r, kh_status st, kh_err *e)
{
    if (st == KH_OK)
        st = kh_store_commit(r->store, e);
    else
        kh_store_rollback(r->store);
    return store_ok(r, st, e);
}

web_login_gate web_login_begin(web_req *r, const char *user, bool known,
                               bool *new_addr, int64_t *lock_seq)
{
    login_rec l;
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_begin(r->store, e) : KH_ENOMEM;
    if (st != KH_OK) {
        store_ok(r, st, e);
        return WEB_LOGIN_ADDRESS;   /* refused: the failure is answered */
    }
    st = login_read(r, user, &l, e);
    web_login_gate g = WEB_LOGIN_OK;
    if (l.a.fails >= WEB_THROTTLE_ADDR_FAILS ||
        l.p.fails >= WEB_THROTTLE_FAILS)
        g = WEB_LOGIN_ADDRESS;
    else if (!known && l.u.fails >= WEB_THROTTLE_ACCOUNT_ADDRS)
        g = WEB_LOGIN_ACCOUNT;
    *lock_seq = l.u.lock_seq;
    *new_addr = false;
    if (st == KH_OK && g == WEB_LOGIN_OK) {   /* counted now, undone on success */
        l.a.fails++;
        *new_addr = l.p.fails++ == 0;
        l.u.fails += *new_addr;
        st = login_write(r, &l, e);
    }
    if (!login_end(r, st, e))
        return WEB_LOGIN_ADDRESS;
    return g;
}

void web_login_done(web_req *r, const char *user, bool ok, bool new_addr,
                    int64_t seq)
{
    login_rec l;
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_begin(r->store, e) : KH_ENOMEM;
    if (st != KH_OK) {
        store_ok(r, st, e);
        return;
    }
    st = login_read(r, user, &l, e);
    if (ok) {
        l.a.fails -= l.a.fails > 0;
        l.p.fails = 0;
        l.u.fails -= new_addr && l.u.fails > 0;
    } else if (l.u.fails >= WEB_THROTTLE_ACCOUNT_ADDRS && !l.u.lock_seq) {
        l.u.lock_seq = seq ? seq : 1;   /* the lock starts: remember where */
    }
    if (st == KH_OK)
        st = login_write(r, &l, e);
    login_end(r, st, e);
}

void web_login_unlock(web_req *r, const char *user, int64_t seq)
{
    login_rec l;
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_begin(r->store, e) : KH_ENOMEM;
    if (st != KH_OK) {
        store_ok(r, st, e);
        return;
    }
    st = login_read(r, user, &l, e);
    if (st == KH_OK && (l.u.fails || l.u.lock_seq)) {
        l.u.fails = 0;
        l.u.lock_seq = seq;
        st = kh_store_throttle_put(r->store, l.ku, &l.u, e);
    }
    login_end(r, st, e);
}
