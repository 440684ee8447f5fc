/*
 * kaohe/store_session.h - the web server's sessions and login throttle
 * counters in the store (tables web_session and web_throttle, migration
 * 6), so that several `kaohe serve` instances of one store share them: a
 * login through one instance is served by any other, a logout ends the
 * session everywhere, failures count across instances.
 *
 * A session is keyed by the SHA-256 of its id (the store hashes the id it
 * is given and never keeps the id itself).  The web server decides the
 * limits (idle and absolute expiry, sessions per user) and passes them in.
 * Sessions and throttle counters are no assessment data: no audit record.
 *
 * Memory: strings passed in are borrowed for the call; the structs are
 * filled by value.
 */
#ifndef KAOHE_STORE_SESSION_H
#define KAOHE_STORE_SESSION_H

#include <stdint.h>
#include "kaohe/error.h"
#include "kaohe/store.h"
#include "kaohe/store_users.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KH_SESSION_TOKEN_MAX 64   /* a CSRF token's characters at most */

typedef struct kh_store_session {
    char csrf[KH_SESSION_TOKEN_MAX + 1];
    char user[KH_USER_NAME_MAX + 1];
    int role;                          /* kh_role */
    char unit[KH_USER_NAME_MAX + 1];   /* "" unless role unit */
    int64_t created, seen;             /* unix seconds */
} kh_store_session;

/* The limits a session lives by (seconds; sessions per user). */
typedef struct kh_session_limits {
    int64_t idle, absolute;
    int per_user;
} kh_session_limits;

/* Adds the session with id `id` (in one transaction): first drops every
 * expired session, then the user's own oldest until fewer than
 * lim->per_user are left. */
kh_status kh_store_session_add(kh_store *s, const char *id,
                               const kh_store_session *in,
                               const kh_session_limits *lim, int64_t now,
                               kh_err *e);
/* Finds the live session of id (one indexed SELECT) into *out; an
 * expired one is deleted.  KH_ENOTFOUND when there is none. */
kh_status kh_store_session_get(kh_store *s, const char *id,
                               const kh_session_limits *lim, int64_t now,
                               kh_store_session *out, kh_err *e);
/* Marks the session seen at now. */
kh_status kh_store_session_seen(kh_store *s, const char *id, int64_t now,
                                kh_err *e);
/* Ends the session (unknown ids are no error). */
kh_status kh_store_session_drop(kh_store *s, const char *id, kh_err *e);
/* Ends every session of user except keep's (keep may be NULL). */
kh_status kh_store_session_drop_user(kh_store *s, const char *user,
                                     const char *keep, kh_err *e);

/* One throttle counter: failures counted since first_at, and lock_seq
 * (the account locks': the audit seq when the lock started). */
typedef struct kh_store_throttle {
    int64_t fails, first_at, lock_seq;
} kh_store_throttle;

/* Reads the counter of key into *out; an absent one or one whose window
 * (seconds) has passed reads as {0, now, 0}.  Inside kh_store_begin ...
 * commit for an atomic check-and-count. */
kh_status kh_store_throttle_get(kh_store *s, const char *key, int64_t window,
                                int64_t now, kh_store_throttle *out,
                                kh_err *e);
/* Writes the counter of key (insert or update). */
kh_status kh_store_throttle_put(kh_store *s, const char *key,
                                const kh_store_throttle *in, kh_err *e);
/* Deletes the counters whose window started before `before`. */
kh_status kh_store_throttle_purge(kh_store *s, int64_t before, kh_err *e);

#ifdef __cplusplus
}
#endif

#endif
