/*
 * kaohe/store_users.h - users, roles and inspector assignments in the
 * store (issue 3 item 10), for the web server's login and permissions.
 *
 * Passwords are hashed with libsodium's crypto_pwhash_str (argon2id,
 * OPSLIMIT_INTERACTIVE / MEMLIMIT_INTERACTIVE); neither the password nor
 * its hash is ever written to the audit log or returned by a listing.
 * Like every store write, each change appends its audit record in the
 * same transaction.  The store checks data rules (a unit user names one
 * unit, only inspectors are assigned); who may call what is the caller's
 * business.
 *
 * Memory: strings passed in are borrowed for the call; strings returned
 * through `char **` are malloc'd and owned by the caller; strings in
 * callback rows are borrowed for the duration of the callback only.
 */
#ifndef KAOHE_STORE_USERS_H
#define KAOHE_STORE_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include "kaohe/error.h"
#include "kaohe/store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum kh_role {
    KH_ROLE_ADMIN = 0,   /* runs the assessment: years, rubrics, users */
    KH_ROLE_INSPECTOR,   /* 考核组: scores the units assigned to them */
    KH_ROLE_UNIT,        /* one assessed unit: its self-check */
    KH_ROLE_AUDITOR,     /* reads everything, the audit log included */
    KH_ROLE_DEPARTMENT   /* 部门评分员: scores its provider's inputs */
} kh_role;

/* "admin", "inspector", "unit", "auditor", "department". */
const char *kh_role_name(kh_role r);
/* 管理员, 考核组成员, 被考核单位, 审计员, 部门评分员 (for people). */
const char *kh_role_label(kh_role r);
bool kh_role_parse(const char *s, kh_role *out);

/* Passwords: at least this many characters (code points). */
#define KH_PASSWORD_MIN 8
/* ... and at most this many bytes. */
#define KH_PASSWORD_MAX 1024
/* User names: 1 to this many bytes of UTF-8, no spaces or controls. */
#define KH_USER_NAME_MAX 64
/* The longest display name (姓名), in bytes. */
#define KH_USER_DISPLAY_MAX 64

/* Checks a password against the rules; adds a message (never quoting
 * the password) and returns KH_EINVAL when it breaks one. */
kh_status kh_password_check(const char *password, kh_err *e);

/* Adds a user.  unit is required for KH_ROLE_UNIT (an id registered in
 * at least one year) and must be NULL for every other role.  A name that
 * exists already is KH_ECONFLICT. */
kh_status kh_store_user_add(kh_store *s, const char *actor, const char *name,
                            kh_role role, const char *unit,
                            const char *password, kh_err *e);
/* The same with a provider: required for KH_ROLE_DEPARTMENT (a name a
 * `provider` field of a stored rubric uses; an unknown one is refused
 * naming the known ones) and NULL for every other role. */
kh_status kh_store_user_add_provider(kh_store *s, const char *actor,
                                     const char *name, kh_role role,
                                     const char *unit, const char *provider,
                                     const char *password, kh_err *e);
/* A new user as a front end's form or command line gives it (every
 * member borrowed); display (姓名) may be NULL. */
typedef struct kh_user_new {
    const char *name;
    kh_role role;
    const char *unit, *provider;
    const char *display;
    const char *password;
} kh_user_new;
/* kh_store_user_add_provider and kh_store_user_set_display in one
 * transaction: a bad display name (reported beside the user's own
 * refusals) adds nothing. */
kh_status kh_store_user_add_named(kh_store *s, const char *actor,
                                  const kh_user_new *u, kh_err *e);
/* Checks a display name (KH_EINVAL with a message at "display_name"). */
kh_status kh_user_display_check(const char *display, kh_err *e);
/* Sets a new password. */
kh_status kh_store_user_passwd(kh_store *s, const char *actor,
                               const char *name, const char *password,
                               kh_err *e);
/* Sets the name people see for a user (姓名, e.g. 李明): non-blank text of
 * at most KH_USER_DISPLAY_MAX bytes, no control characters (KH_EINVAL
 * with a message at "display_name").  Audited as user.name. */
kh_status kh_store_user_set_display(kh_store *s, const char *actor,
                                    const char *name, const char *display,
                                    kh_err *e);
/* Disables (true) or enables (false) a user; a disabled user cannot log
 * in.  Setting the state a user already has changes nothing. */
kh_status kh_store_user_set_disabled(kh_store *s, const char *actor,
                                     const char *name, bool disabled,
                                     kh_err *e);
/* Assigns an inspector (role inspector, not disabled) to n units of a
 * year; every unit must exist in that year (each unknown one is
 * reported).  Units already assigned stay; with replace the year's
 * assignments of the user become exactly these (n may then be 0). */
kh_status kh_store_user_assign(kh_store *s, const char *actor,
                               const char *name, int year, size_t n,
                               const char *const *units, bool replace,
                               kh_err *e);

/* One inspector's units of a year (borrowed), for kh_store_assign_grid. */
typedef struct kh_assign_set {
    const char *user;
    size_t n;
    const char *const *units;
} kh_assign_set;
/* Sets the year's assignments of each listed inspector to exactly its
 * units (kh_store_user_assign with replace), all in one transaction:
 * one bad set and nothing changes.  Inspectors not listed keep theirs. */
kh_status kh_store_assign_grid(kh_store *s, const char *actor, int year,
                               size_t n, const kh_assign_set *sets,
                               kh_err *e);

/* Checks a login.  KH_OK when the user exists, is enabled and the
 * password matches: *role gets the role and *unit (may be NULL) the unit
 * id for a unit user (malloc'd, caller frees) or NULL.  Otherwise
 * KH_EPERM with the same message whatever the reason, after the same
 * work (an unknown user is checked against a dummy hash). */
kh_status kh_store_user_verify(kh_store *s, const char *name,
                               const char *password, kh_role *role,
                               char **unit, kh_err *e);

typedef struct kh_user_row {
    const char *name;
    kh_role role;
    const char *unit;        /* NULL unless role unit */
    const char *provider;    /* NULL unless role department */
    bool disabled;
    const char *created_at;
    const char *created_by;
    const char *display_name;  /* 姓名 shown to people; NULL: the login */
} kh_user_row;
typedef kh_status (*kh_user_fn)(void *ctx, const kh_user_row *row);
/* Calls fn for every user by name (name NULL) or for one user
 * (KH_ENOTFOUND with a message when absent).  Stops early when fn
 * returns non-KH_OK and returns that status. */
kh_status kh_store_user_each(kh_store *s, const char *name, kh_user_fn fn,
                             void *ctx, kh_err *e);

typedef struct kh_assign_row {
    const char *user;
    int year;
    const char *unit;
} kh_assign_row;
typedef kh_status (*kh_assign_fn)(void *ctx, const kh_assign_row *row);
/* Assignments by user, year and unit; user NULL and year 0 mean all. */
kh_status kh_store_assign_each(kh_store *s, const char *user, int year,
                               kh_assign_fn fn, void *ctx, kh_err *e);

#ifdef __cplusplus
}
#endif
#endif
