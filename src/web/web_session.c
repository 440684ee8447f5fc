/*
 * web_session.c - the web server's sessions (at most WEB_SESSIONS_PER_USER
 * a user), login throttling and the per-address event counters, kept
 * in memory (a restart logs everyone out, which is the safe direction).
 *
 * Session ids and CSRF tokens are 128 random bits from libsodium
 * (randombytes_buf) written as hex; ids are compared in constant time.
 * A session ends on logout (server side), after WEB_SESSION_IDLE seconds
 * without a request, or WEB_SESSION_ABSOLUTE seconds after login.  The
 * tables are small arrays under one mutex: a college has dozens of users,
 * and a linear scan of a few thousand entries costs microseconds.
 */
#include "web.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct throttle {
    char key[KH_USER_NAME_MAX + 80];
    int fails;
    int64_t first;      /* start of the current window */
    int64_t seq;        /* account locks: the store's audit seq at lock */
} throttle;

struct web_sessions {
    pthread_mutex_t mu;
    web_session *s;
    size_t n, max;
    throttle *t;
    size_t nt, maxt;
};

web_sessions *web_sessions_new(size_t max)
{
    if (sodium_init() < 0)
        return NULL;
    web_sessions *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->max = max ? max : 1;
    t->maxt = t->max;
    t->s = calloc(t->max, sizeof *t->s);
    t->t = calloc(t->maxt, sizeof *t->t);
    if (!t->s || !t->t || pthread_mutex_init(&t->mu, NULL) != 0) {
        free(t->s);
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
    sodium_memzero(t->s, t->max * sizeof *t->s);
    free(t->s);
    free(t->t);
    pthread_mutex_destroy(&t->mu);
    free(t);
}

static void random_hex(char out[WEB_ID_HEX])
{
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(out, WEB_ID_HEX, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
}

static void drop(web_sessions *t, size_t i)
{
    t->s[i] = t->s[--t->n];
    sodium_memzero(&t->s[t->n], sizeof t->s[t->n]);
}

static bool expired(const web_session *s, int64_t now)
{
    return now - s->seen >= WEB_SESSION_IDLE ||
           now - s->created >= WEB_SESSION_ABSOLUTE || now < s->created;
}

/* The index of user's oldest session and their count; -1 when none. */
static long oldest_of(const web_sessions *t, const char *user, size_t *count)
{
    long old = -1;
    *count = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(t->s[i].user, user) != 0)
            continue;
        ++*count;
        if (old < 0 || t->s[i].created < t->s[old].created)
            old = (long)i;
    }
    return old;
}

bool web_session_create(web_sessions *t, const char *user, kh_role role,
                        const char *unit, int64_t now, web_session *out)
{
    web_session s;
    memset(&s, 0, sizeof s);
    random_hex(s.id);
    random_hex(s.csrf);
    snprintf(s.user, sizeof s.user, "%s", user);
    snprintf(s.unit, sizeof s.unit, "%s", unit ? unit : "");
    s.role = role;
    s.created = s.seen = now;
    pthread_mutex_lock(&t->mu);
    for (size_t i = 0; i < t->n;)
        if (expired(&t->s[i], now))
            drop(t, i);
        else
            i++;
    size_t mine;
    long old = oldest_of(t, user, &mine);
    if (old >= 0 && (mine >= WEB_SESSIONS_PER_USER || t->n == t->max))
        drop(t, (size_t)old);
    bool ok = t->n < t->max;
    if (ok)
        t->s[t->n++] = s;
    pthread_mutex_unlock(&t->mu);
    *out = s;
    sodium_memzero(&s, sizeof s);
    return ok;
}

static bool id_eq(const char *a, const char *b)
{
    return strlen(b) == WEB_ID_HEX - 1 &&
           sodium_memcmp(a, b, WEB_ID_HEX - 1) == 0;
}

bool web_session_find(web_sessions *t, const char *id, int64_t now,
                      web_session *out)
{
    if (!id || strlen(id) != WEB_ID_HEX - 1)
        return false;
    bool found = false;
    pthread_mutex_lock(&t->mu);
    for (size_t i = 0; i < t->n; i++) {
        if (!id_eq(t->s[i].id, id))
            continue;
        if (expired(&t->s[i], now)) {
            drop(t, i);
        } else {
            t->s[i].seen = now;
            *out = t->s[i];
            found = true;
        }
        break;
    }
    pthread_mutex_unlock(&t->mu);
    return found;
}

void web_session_destroy(web_sessions *t, const char *id)
{
    if (!id || strlen(id) != WEB_ID_HEX - 1)
        return;
    pthread_mutex_lock(&t->mu);
    for (size_t i = 0; i < t->n; i++)
        if (id_eq(t->s[i].id, id)) {
            drop(t, i);
            break;
        }
    pthread_mutex_unlock(&t->mu);
}

void web_session_destroy_user(web_sessions *t, const char *user,
                              const char *keep)
{
    pthread_mutex_lock(&t->mu);
    for (size_t i = 0; i < t->n;)
        if (strcmp(t->s[i].user, user) == 0 &&
            !(keep && id_eq(t->s[i].id, keep)))
            drop(t, i);
        else
            i++;
    pthread_mutex_unlock(&t->mu);
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

web_login_gate web_login_begin(web_sessions *t, const char *user,
                               const char *ip, bool known, int64_t now,
                               bool *new_addr, int64_t *lock_seq)
{
    char a[160], p[160], u[160];
    login_keys(user, ip, a, p, u, sizeof a);
    pthread_mutex_lock(&t->mu);
    throttle *ta = throttle_now(t, a, now);
    throttle *tp = throttle_now(t, p, now);
    throttle *tu = throttle_now(t, u, now);
    web_login_gate g = WEB_LOGIN_OK;
    if (ta->fails >= WEB_THROTTLE_ADDR_FAILS || tp->fails >= WEB_THROTTLE_FAILS)
        g = WEB_LOGIN_ADDRESS;
    else if (!known && tu->fails >= WEB_THROTTLE_ACCOUNT_ADDRS)
        g = WEB_LOGIN_ACCOUNT;
    *lock_seq = tu->seq;
    *new_addr = false;
    if (g == WEB_LOGIN_OK) {   /* counted now, undone on success */
        ta->fails++;
        *new_addr = tp->fails++ == 0;
        tu->fails += *new_addr;
    }
    pthread_mutex_unlock(&t->mu);
    return g;
}

void web_login_done(web_sessions *t, const char *user, const char *ip,
                    bool ok, bool new_addr, int64_t seq, int64_t now)
{
    char a[160], p[160], u[160];
    login_keys(user, ip, a, p, u, sizeof a);
    pthread_mutex_lock(&t->mu);
    throttle *ta = throttle_now(t, a, now);
    throttle *tp = throttle_now(t, p, now);
    throttle *tu = throttle_now(t, u, now);
    if (ok) {
        ta->fails -= ta->fails > 0;
        tp->fails = 0;
        tu->fails -= new_addr && tu->fails > 0;
    } else if (tu->fails >= WEB_THROTTLE_ACCOUNT_ADDRS && !tu->seq) {
        tu->seq = seq ? seq : 1;   /* the lock starts: remember where */
    }
    pthread_mutex_unlock(&t->mu);
}

void web_login_unlock(web_sessions *t, const char *user, int64_t seq)
{
    char u[160];
    snprintf(u, sizeof u, "u:%.64s", user);
    pthread_mutex_lock(&t->mu);
    throttle *tu = throttle_find(t, u);
    if (tu) {
        tu->fails = 0;
        tu->seq = seq;
    }
    pthread_mutex_unlock(&t->mu);
}
