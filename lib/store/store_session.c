/*
 * store_session.c - the web server's sessions and login throttle counters
 * (kaohe/store_session.h; tables web_session and web_throttle, migration
 * 6).  Shared by every `kaohe serve` instance of the store; the SQL is
 * plain enough for SQLite and PostgreSQL alike.
 */
#include "store_impl.h"

#include <stdio.h>
#include <string.h>

#include "kaohe/store_session.h"

static void id_hash(const char *id, char hex[KH_STORE_HEX_SZ])
{
    kh_store_sha256_hex(id, strlen(id), hex);
}

static void copy_str(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

static kh_status drop_expired(kh_store *s, const kh_session_limits *lim,
                              int64_t now, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "DELETE FROM web_session WHERE seen <= ?"
                                    " OR created <= ? OR created > ?",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, now - lim->idle);
    kh_db_bind_int64(st, 2, now - lim->absolute);
    kh_db_bind_int64(st, 3, now);
    return kh_store_exec(s, st, e, "ending expired sessions");
}

/* Drops the user's oldest sessions until fewer than per_user are left:
 * one statement, so that however many there are (a limit lowered since
 * they were made), one login meets the limit. */
static kh_status make_room(kh_store *s, const char *user, int per_user,
                           kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "DELETE FROM web_session WHERE"
                                    " user_name = ? AND id_hash NOT IN"
                                    " (SELECT id_hash FROM web_session"
                                    " WHERE user_name = ?"
                                    " ORDER BY created DESC, id_hash"
                                    " LIMIT ?)",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, user);
    kh_store_bind_str(st, 2, user);
    kh_db_bind_int(st, 3, per_user > 1 ? per_user - 1 : 0);
    return kh_store_exec(s, st, e, "ending a user's oldest sessions");
}

static kh_status insert(kh_store *s, const char *hash,
                        const kh_store_session *in, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "INSERT INTO web_session (id_hash, csrf,"
                                    " user_name, role, unit, created, seen)"
                                    " VALUES (?, ?, ?, ?, ?, ?, ?)", &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, hash);
    kh_store_bind_str(st, 2, in->csrf);
    kh_store_bind_str(st, 3, in->user);
    kh_db_bind_int(st, 4, in->role);
    kh_store_bind_str(st, 5, in->unit);
    kh_db_bind_int64(st, 6, in->created);
    kh_db_bind_int64(st, 7, in->seen);
    return kh_store_exec(s, st, e, "starting a session");
}

kh_status kh_store_session_add(kh_store *s, const char *id,
                               const kh_store_session *in,
                               const kh_session_limits *lim, int64_t now,
                               kh_err *e)
{
    char hash[KH_STORE_HEX_SZ];
    id_hash(id, hash);
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    if ((rc = drop_expired(s, lim, now, e)) == KH_OK &&
        (rc = make_room(s, in->user, lim->per_user, e)) == KH_OK)
        rc = insert(s, hash, in, e);
    if (rc == KH_OK)
        return kh_store_commit(s, e);
    kh_store_rollback(s);
    return rc;
}

kh_status kh_store_session_get(kh_store *s, const char *id,
                               const kh_session_limits *lim, int64_t now,
                               kh_store_session *out, kh_err *e)
{
    char hash[KH_STORE_HEX_SZ];
    id_hash(id, hash);
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "SELECT csrf, user_name, role, unit,"
                                    " created, seen FROM web_session"
                                    " WHERE id_hash = ?", &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, hash);
    int r = kh_db_step(st);
    if (r == KH_DB_ROW) {
        copy_str(out->csrf, sizeof out->csrf, kh_store_col_str(st, 0));
        copy_str(out->user, sizeof out->user, kh_store_col_str(st, 1));
        out->role = kh_db_column_int(st, 2);
        copy_str(out->unit, sizeof out->unit, kh_store_col_str(st, 3));
        out->created = kh_db_column_int64(st, 4);
        out->seen = kh_db_column_int64(st, 5);
    }
    kh_db_reset(st);
    if (r == KH_DB_DONE)
        return KH_ENOTFOUND;
    if (r != KH_DB_ROW)
        return kh_store_db_fail(s, e, "reading a session");
    if (now - out->seen >= lim->idle || now - out->created >= lim->absolute ||
        now < out->created) {
        rc = kh_store_session_drop(s, id, e);
        return rc == KH_OK ? KH_ENOTFOUND : rc;
    }
    return KH_OK;
}

kh_status kh_store_session_seen(kh_store *s, const char *id, int64_t now,
                                kh_err *e)
{
    char hash[KH_STORE_HEX_SZ];
    id_hash(id, hash);
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "UPDATE web_session SET seen = ?"
                                    " WHERE id_hash = ? AND seen < ?",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, now);
    kh_store_bind_str(st, 2, hash);
    kh_db_bind_int64(st, 3, now);
    return kh_store_exec(s, st, e, "marking a session seen");
}

kh_status kh_store_session_drop(kh_store *s, const char *id, kh_err *e)
{
    char hash[KH_STORE_HEX_SZ];
    id_hash(id, hash);
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "DELETE FROM web_session"
                                    " WHERE id_hash = ?", &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, hash);
    return kh_store_exec(s, st, e, "ending a session");
}

kh_status kh_store_session_drop_user(kh_store *s, const char *user,
                                     const char *keep, kh_err *e)
{
    char hash[KH_STORE_HEX_SZ] = "";
    if (keep)
        id_hash(keep, hash);
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "DELETE FROM web_session"
                                    " WHERE user_name = ? AND id_hash <> ?",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, user);
    kh_store_bind_str(st, 2, hash);
    return kh_store_exec(s, st, e, "ending a user's sessions");
}

/* ---- login throttle counters ----------------------------------------- */

kh_status kh_store_throttle_get(kh_store *s, const char *key, int64_t window,
                                int64_t now, kh_store_throttle *out,
                                kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "SELECT fails, first_at, lock_seq"
                                    " FROM web_throttle WHERE tkey = ?",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, key);
    *out = (kh_store_throttle){0, now, 0};
    int r = kh_db_step(st);
    if (r == KH_DB_ROW) {
        out->fails = kh_db_column_int64(st, 0);
        out->first_at = kh_db_column_int64(st, 1);
        out->lock_seq = kh_db_column_int64(st, 2);
    }
    kh_db_reset(st);
    if (r != KH_DB_ROW && r != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading a login counter");
    if (now - out->first_at >= window || now < out->first_at)
        *out = (kh_store_throttle){0, now, 0};
    return KH_OK;
}

kh_status kh_store_throttle_put(kh_store *s, const char *key,
                                const kh_store_throttle *in, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "INSERT INTO web_throttle (tkey, fails,"
                                    " first_at, lock_seq) VALUES (?, ?, ?, ?)"
                                    " ON CONFLICT (tkey) DO UPDATE SET"
                                    " fails = excluded.fails,"
                                    " first_at = excluded.first_at,"
                                    " lock_seq = excluded.lock_seq",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, key);
    kh_db_bind_int64(st, 2, in->fails);
    kh_db_bind_int64(st, 3, in->first_at);
    kh_db_bind_int64(st, 4, in->lock_seq);
    return kh_store_exec(s, st, e, "writing a login counter");
}

kh_status kh_store_throttle_purge(kh_store *s, int64_t before, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "DELETE FROM web_throttle"
                                    " WHERE first_at < ?", &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, before);
    return kh_store_exec(s, st, e, "forgetting old login counters");
}
