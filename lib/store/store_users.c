/*
 * store_users.c - users, roles, passwords (argon2id through libsodium's
 * crypto_pwhash_str) and the assignment of inspectors to units of a year.
 *
 * The password and its hash never leave this file: audit records of a
 * user change say what changed (role, unit, "password changed") and
 * listings carry no hash.
 */
#include "store_impl.h"
#include "kaohe/store_users.h"
#include "kaohe/rubric.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A crypto_pwhash_str of a random password, made once with the
 * interactive limits: an unknown user is checked against it so that a
 * login costs the same whether or not the name exists. */
static const char dummy_hash[crypto_pwhash_STRBYTES] =
    "$argon2id$v=19$m=65536,t=2,p=1$tsAaaecAqeL8s2ntOnOy/w$"
    "5y2hoyP1CH28LuqI344dukaTSr3WwYfQ/Dq264rAmXA";

static const char *const role_names[] = {"admin", "inspector", "unit",
                                         "auditor", "department"};
static const char *const role_labels[] = {"管理员", "考核组成员",
                                          "被考核单位", "审计员",
                                          "部门评分员"};
#define NROLES (sizeof role_names / sizeof role_names[0])

const char *kh_role_name(kh_role r)
{
    return (size_t)r < NROLES ? role_names[r] : "?";
}

const char *kh_role_label(kh_role r)
{
    return (size_t)r < NROLES ? role_labels[r] : "?";
}

bool kh_role_parse(const char *s, kh_role *out)
{
    for (size_t i = 0; s && i < NROLES; i++) {
        if (strcmp(s, role_names[i]) == 0) {
            *out = (kh_role)i;
            return true;
        }
    }
    return false;
}

/* Decodes one UTF-8 code point at s (n bytes left); returns its length,
 * or 0 when the bytes are not valid UTF-8 (overlongs, surrogates and
 * values past U+10FFFF included). */
static size_t utf8_next(const unsigned char *s, size_t n, unsigned long *cp)
{
    unsigned long c = s[0];
    size_t len;
    unsigned long min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2, c &= 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, c &= 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, c &= 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

/* A user name: 1..KH_USER_NAME_MAX bytes of UTF-8 without controls or
 * spaces (so it shows and types unambiguously). */
static kh_status check_name(const char *name, kh_err *e)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0)
        return kh_err_at(e, 0, 0, "user", "a user name is required");
    if (n > KH_USER_NAME_MAX)
        return kh_err_at(e, 0, 0, "user",
                         "user name \"%.20s...\" is longer than %d bytes",
                         name, KH_USER_NAME_MAX);
    const unsigned char *p = (const unsigned char *)name;
    for (size_t i = 0; i < n;) {
        unsigned long cp;
        size_t k = utf8_next(p + i, n - i, &cp);
        if (k == 0)
            return kh_err_at(e, 0, 0, "user",
                             "user name is not valid UTF-8");
        if (cp <= 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) ||
            cp == 0x3000 || cp == 0xA0)
            return kh_err_at(e, 0, 0, "user",
                             "user name \"%s\" contains a space or a "
                             "control character",
                             name);
        i += k;
    }
    /* Line separators and direction controls: the one rule's. */
    return kh_text_check(e, 0, 0, "user", name, KH_TEXT_NAME, SIZE_MAX);
}

kh_status kh_password_check(const char *password, kh_err *e)
{
    size_t n = password ? strlen(password) : 0;
    if (n > KH_PASSWORD_MAX)
        return kh_err_at(e, 0, 0, "password",
                         "password is longer than %d bytes", KH_PASSWORD_MAX);
    /* Count code points: every byte that does not continue one. */
    size_t chars = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)password[i] & 0xC0) != 0x80)
            chars++;
    if (chars < KH_PASSWORD_MIN)
        return kh_err_at(e, 0, 0, "password",
                         "password is too short: at least %d characters "
                         "are required",
                         KH_PASSWORD_MIN);
    return KH_OK;
}

/* The digest of a stored password hash the audit record carries, so
 * that `kaohe check` notices a hash changed outside kaohe without the
 * log ever holding the hash. */
static void pw_digest(const char *hash, char out[KH_PW_DIGEST_HEX + 1])
{
    char hex[KH_STORE_HEX_SZ];
    kh_store_sha256_hex(hash, strlen(hash), hex);
    memcpy(out, hex, KH_PW_DIGEST_HEX);
    out[KH_PW_DIGEST_HEX] = '\0';
}

/* Hashes password into out (crypto_pwhash_STRBYTES). */
static kh_status hash_password(const char *password,
                               char out[crypto_pwhash_STRBYTES], kh_err *e)
{
    if (crypto_pwhash_str(out, password, strlen(password),
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return kh_err_fail(e, KH_ENOMEM,
                           "out of memory while hashing the password");
    return KH_OK;
}

/* One user's role, unit and state; KH_ENOTFOUND (no message) when the
 * name is unknown.  *unit (may be NULL) is malloc'd or NULL. */
static kh_status user_get(kh_store *s, const char *name, kh_role *role,
                          char **unit, bool *disabled, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s, "SELECT role, unit, disabled FROM app_user WHERE name = ?", &st,
        e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, name);
    int step = kh_db_step(st);
    if (step != KH_DB_ROW) {
        kh_db_reset(st);
        return step == KH_DB_DONE ? KH_ENOTFOUND
                                   : kh_store_db_fail(s, e, "reading a user");
    }
    rc = KH_OK;
    if (role && !kh_role_parse(kh_store_col_str(st, 0), role))
        rc = kh_err_fail(e, KH_EDB, "user \"%s\" has an unknown role", name);
    if (disabled)
        *disabled = kh_db_column_int(st, 2) != 0;
    if (rc == KH_OK && unit) {
        const char *u = kh_store_col_str(st, 1);
        *unit = NULL;
        if (u && !(*unit = strdup(u)))
            rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    kh_db_reset(st);
    return rc;
}

static kh_status no_user(kh_err *e, const char *name)
{
    return kh_err_fail(e, KH_ENOTFOUND,
                       "no user \"%s\" (add one with 'kaohe user add')", name);
}

/* True when unit id is registered in at least one year. */
static kh_status unit_known(kh_store *s, int year, const char *unit,
                            bool *known, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s,
        "SELECT 1 FROM unit WHERE id = ? AND (? = 0 OR year = ?) LIMIT 1",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, unit);
    kh_db_bind_int(st, 2, year);
    kh_db_bind_int(st, 3, year);
    int step = kh_db_step(st);
    kh_db_reset(st);
    if (step != KH_DB_ROW && step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading units");
    *known = step == KH_DB_ROW;
    return KH_OK;
}

/* Appends ", " and the provider names of the rubric in row to known
 * (those not there yet); *found tells whether name is one of them. */
static kh_status rubric_providers(kh_store *s, int64_t row, const char *name,
                                  kh_buf *known, bool *found, kh_err *e)
{
    kh_rubric *r = NULL;
    kh_status rc = kh_store_rubric_by_row(s, row, e, &r, NULL);
    if (rc != KH_OK)
        return rc;
    for (size_t p = 0; p < kh_rubric_provider_count(r); p++) {
        const char *pn = kh_rubric_provider_name(r, p);
        *found |= strcmp(pn, name) == 0;
        char quoted[KH_PROVIDER_MAX + 8];
        snprintf(quoted, sizeof quoted, "\"%s\"", pn);
        if (!strstr(kh_buf_str(known), quoted))
            kh_buf_printf(known, "%s%s", *kh_buf_str(known) ? ", " : "",
                          quoted);
    }
    kh_rubric_free(r);
    return KH_OK;
}

/* The provider must be named by a `provider` field of a stored rubric;
 * otherwise a message naming the known ones. */
static kh_status provider_known(kh_store *s, const char *provider, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "SELECT id FROM rubric ORDER BY id", &st,
                                 e);
    if (rc != KH_OK)
        return rc;
    kh_buf known;
    kh_buf_init(&known, 1 << 16);
    bool found = false;
    int step;
    while (rc == KH_OK && (step = kh_db_step(st)) == KH_DB_ROW)
        rc = rubric_providers(s, kh_db_column_int64(st, 0), provider, &known,
                              &found, e);
    kh_db_reset(st);
    if (rc == KH_OK && step != KH_DB_DONE)
        rc = kh_store_db_fail(s, e, "reading rubrics");
    if (rc == KH_OK && !found)
        rc = kh_err_at(e, 0, 0, "provider",
                       "unknown provider \"%s\" (the stored rubrics name: "
                       "%s)", provider,
                       *kh_buf_str(&known) ? kh_buf_str(&known) : "none");
    kh_buf_free(&known);
    return rc;
}

/* The role's companion: a unit for role unit, a provider for role
 * department, neither for the others. */
/* The message just added names the role by its id: in its Chinese, by
 * the role's Chinese name. */
static void role_zh(kh_err *e, kh_status st, kh_role role)
{
    (void)st;   /* always KH_EINVAL: the caller counts the messages */
    size_t n = kh_err_count(e);
    if (n)
        kh_err_zh_sub(e, n - 1, role_names[role], role_labels[role]);
}

static void check_companions(kh_role role, const char *unit,
                             const char *provider, kh_err *e)
{
    if (role == KH_ROLE_UNIT && (!unit || !*unit))
        kh_err_at(e, 0, 0, "unit",
                  "a user of role unit must name its unit (--unit ID)");
    else if (role != KH_ROLE_UNIT && unit)
        role_zh(e, kh_err_at(e, 0, 0, "unit",
                             "only a user of role unit belongs to a unit, not "
                             "one of role %s",
                             role_names[role]), role);
    if (role == KH_ROLE_DEPARTMENT && (!provider || !*provider))
        kh_err_at(e, 0, 0, "provider", "a user of role department must "
                  "name its provider (--provider NAME)");
    else if (role != KH_ROLE_DEPARTMENT && provider)
        role_zh(e, kh_err_at(e, 0, 0, "provider", "only a user of role "
                             "department belongs to a provider, not one of "
                             "role %s",
                             role_names[role]), role);
}

kh_status kh_store_user_add(kh_store *s, const char *actor, const char *name,
                            kh_role role, const char *unit,
                            const char *password, kh_err *e)
{
    return kh_store_user_add_provider(s, actor, name, role, unit, NULL,
                                      password, e);
}

kh_status kh_store_user_add_provider(kh_store *s, const char *actor,
                                     const char *name, kh_role role,
                                     const char *unit, const char *provider,
                                     const char *password, kh_err *e)
{
    /* Every problem with the request is reported, then we stop. */
    size_t before = kh_err_errors(e);
    check_name(name, e);
    if ((size_t)role >= NROLES)
        kh_err_at(e, 0, 0, "role", "unknown role");
    else
        check_companions(role, unit, provider, e);
    kh_password_check(password, e);
    if (role == KH_ROLE_DEPARTMENT && provider && *provider) {
        kh_status prc = provider_known(s, provider, e);
        if (prc != KH_OK && prc != KH_EINVAL)
            return prc;
    }
    if (role == KH_ROLE_UNIT && unit && *unit) {
        bool known = false;
        kh_status urc = unit_known(s, 0, unit, &known, e);
        if (urc != KH_OK)
            return urc;
        if (!known)
            kh_err_at(e, 0, 0, "unit",
                      "unknown unit \"%s\" (not registered in any year)",
                      unit);
    }
    if (kh_err_errors(e) > before)
        return KH_EINVAL;

    char hash[crypto_pwhash_STRBYTES];
    kh_status rc = hash_password(password, hash, e);
    if (rc != KH_OK)
        return rc;
    if ((rc = kh_store_begin(s, e)) != KH_OK)
        goto out;
    rc = user_get(s, name, NULL, NULL, NULL, e);
    if (rc == KH_OK) {
        rc = kh_err_fail(e, KH_ECONFLICT, "user \"%s\" exists already",
                         name);
        goto fail;
    }
    if (rc != KH_ENOTFOUND)
        goto fail;
    char at[KH_STORE_TIME_SZ];
    kh_store_now(s, at);
    kh_db_stmt *st;
    if ((rc = kh_store_stmt(s,
                            "INSERT INTO app_user (name, role, unit, pwhash,"
                            " disabled, created_at, created_by, provider)"
                            " VALUES (?, ?, ?, ?, 0, ?, ?, ?)",
                            &st, e)) != KH_OK)
        goto fail;
    kh_store_bind_str(st, 1, name);
    kh_store_bind_str(st, 2, role_names[role]);
    kh_store_bind_str(st, 3, unit);
    kh_store_bind_str(st, 4, hash);
    kh_store_bind_str(st, 5, at);
    kh_store_bind_str(st, 6, actor);
    kh_store_bind_str(st, 7, provider);
    if ((rc = kh_store_exec(s, st, e, "adding a user")) != KH_OK)
        goto fail;
    char val[200], dg[KH_PW_DIGEST_HEX + 1];
    pw_digest(hash, dg);
    if (unit)
        snprintf(val, sizeof val, "role=%s unit=%s pwdigest=%s",
                 role_names[role], unit, dg);
    else if (provider)
        snprintf(val, sizeof val, "role=%s provider=%s pwdigest=%s",
                 role_names[role], provider, dg);
    else
        snprintf(val, sizeof val, "role=%s pwdigest=%s", role_names[role],
                 dg);
    kh_audit_rec a = {.actor = actor, .action = "user.add", .unit = unit,
                      .object = name, .new_value = val};
    if ((rc = kh_store_audit(s, &a, e)) != KH_OK)
        goto fail;
    rc = kh_store_commit(s, e);
    goto out;
fail:
    kh_store_rollback(s);
out:
    sodium_memzero(hash, sizeof hash);
    return rc;
}

kh_status kh_store_user_passwd(kh_store *s, const char *actor,
                               const char *name, const char *password,
                               kh_err *e)
{
    kh_status rc = kh_password_check(password, e);
    if (rc != KH_OK)
        return rc;
    char hash[crypto_pwhash_STRBYTES];
    if ((rc = hash_password(password, hash, e)) != KH_OK)
        return rc;
    if ((rc = kh_store_begin(s, e)) != KH_OK)
        goto out;
    rc = user_get(s, name, NULL, NULL, NULL, e);
    if (rc == KH_ENOTFOUND)
        rc = no_user(e, name);
    if (rc != KH_OK)
        goto fail;
    kh_db_stmt *st;
    if ((rc = kh_store_stmt(s, "UPDATE app_user SET pwhash = ? WHERE name = ?",
                            &st, e)) != KH_OK)
        goto fail;
    kh_store_bind_str(st, 1, hash);
    kh_store_bind_str(st, 2, name);
    if ((rc = kh_store_exec(s, st, e, "changing a password")) != KH_OK)
        goto fail;
    char val[64], dg[KH_PW_DIGEST_HEX + 1];
    pw_digest(hash, dg);
    snprintf(val, sizeof val, "password changed pwdigest=%s", dg);
    kh_audit_rec a = {.actor = actor, .action = "user.passwd",
                      .object = name, .new_value = val};
    if ((rc = kh_store_audit(s, &a, e)) != KH_OK)
        goto fail;
    rc = kh_store_commit(s, e);
    goto out;
fail:
    kh_store_rollback(s);
out:
    sodium_memzero(hash, sizeof hash);
    return rc;
}

kh_status kh_store_user_set_disabled(kh_store *s, const char *actor,
                                     const char *name, bool disabled,
                                     kh_err *e)
{
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    bool was = false;
    rc = user_get(s, name, NULL, NULL, &was, e);
    if (rc == KH_ENOTFOUND)
        rc = no_user(e, name);
    if (rc != KH_OK)
        goto fail;
    if (was == disabled) {
        kh_store_rollback(s);
        return KH_OK;
    }
    kh_db_stmt *st;
    if ((rc = kh_store_stmt(s,
                            "UPDATE app_user SET disabled = ? WHERE name = ?",
                            &st, e)) != KH_OK)
        goto fail;
    kh_db_bind_int(st, 1, disabled ? 1 : 0);
    kh_store_bind_str(st, 2, name);
    if ((rc = kh_store_exec(s, st, e, "changing a user")) != KH_OK)
        goto fail;
    kh_audit_rec a = {.actor = actor,
                      .action = disabled ? "user.disable" : "user.enable",
                      .object = name,
                      .old_value = was ? "disabled" : "enabled",
                      .new_value = disabled ? "disabled" : "enabled"};
    if ((rc = kh_store_audit(s, &a, e)) != KH_OK)
        goto fail;
    return kh_store_commit(s, e);
fail:
    kh_store_rollback(s);
    return rc;
}

/* A display name: non-blank, at most KH_USER_DISPLAY_MAX bytes, a name
 * by the rule of kaohe/name.h. */
kh_status kh_user_display_check(const char *d, kh_err *e)
{
    size_t n = d ? strlen(d) : 0;
    if (n == 0 || strspn(d, " \t") == n)
        return kh_err_at(e, 0, 0, "display_name", "a name must not be empty");
    if (n > KH_USER_DISPLAY_MAX)
        return kh_err_at(e, 0, 0, "display_name", "a name has at most %d "
                         "bytes, not %zu", KH_USER_DISPLAY_MAX, n);
    return kh_text_check(e, 0, 0, "display_name", d, KH_TEXT_NAME,
                         SIZE_MAX);
}

kh_status kh_store_user_set_display(kh_store *s, const char *actor,
                                    const char *name, const char *display,
                                    kh_err *e)
{
    if (kh_user_display_check(display, e) != KH_OK)
        return KH_EINVAL;
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    rc = user_get(s, name, NULL, NULL, NULL, e);
    if (rc == KH_ENOTFOUND)
        rc = no_user(e, name);
    kh_db_stmt *st;
    if (rc != KH_OK ||
        (rc = kh_store_stmt(s, "UPDATE app_user SET display_name = ? WHERE "
                            "name = ?", &st, e)) != KH_OK)
        goto fail;
    kh_store_bind_str(st, 1, display);
    kh_store_bind_str(st, 2, name);
    if ((rc = kh_store_exec(s, st, e, "naming a user")) != KH_OK)
        goto fail;
    kh_audit_rec a = {.actor = actor, .action = "user.name", .object = name,
                      .new_value = display};
    if ((rc = kh_store_audit(s, &a, e)) != KH_OK)
        goto fail;
    return kh_store_commit(s, e);
fail:
    kh_store_rollback(s);
    return rc;
}

/* Is (name, year, unit) assigned already? */
static kh_status is_assigned(kh_store *s, const char *name, int year,
                             const char *unit, bool *yes, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s,
                                 "SELECT 1 FROM user_assign WHERE user_name = ?"
                                 " AND year = ? AND unit = ?",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, name);
    kh_db_bind_int(st, 2, year);
    kh_store_bind_str(st, 3, unit);
    int step = kh_db_step(st);
    kh_db_reset(st);
    if (step != KH_DB_ROW && step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading assignments");
    *yes = step == KH_DB_ROW;
    return KH_OK;
}

/* Removes the year's assignments of name that are not among units,
 * each with its audit record. */
static kh_status unassign_others(kh_store *s, const char *actor,
                                 const char *name, int year, size_t n,
                                 const char *const *units, kh_err *e)
{
    /* Collect first: the statement cannot stay open across the deletes. */
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s,
                                 "SELECT unit FROM user_assign WHERE"
                                 " user_name = ? AND year = ? ORDER BY unit",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, name);
    kh_db_bind_int(st, 2, year);
    char **old = NULL;
    size_t nold = 0;
    int step;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        char **grown = realloc(old, (nold + 1) * sizeof *old);
        char *u = strdup(kh_store_col_str(st, 0));
        if (!grown || !u) {
            free(u);
            if (grown)
                old = grown;
            rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
            break;
        }
        old = grown;
        old[nold++] = u;
    }
    kh_db_reset(st);
    if (rc == KH_OK && step != KH_DB_DONE)
        rc = kh_store_db_fail(s, e, "reading assignments");
    for (size_t i = 0; rc == KH_OK && i < nold; i++) {
        bool keep = false;
        for (size_t j = 0; j < n && !keep; j++)
            keep = strcmp(old[i], units[j]) == 0;
        if (keep)
            continue;
        if ((rc = kh_store_stmt(s,
                                "DELETE FROM user_assign WHERE user_name = ?"
                                " AND year = ? AND unit = ?",
                                &st, e)) != KH_OK)
            break;
        kh_store_bind_str(st, 1, name);
        kh_db_bind_int(st, 2, year);
        kh_store_bind_str(st, 3, old[i]);
        if ((rc = kh_store_exec(s, st, e, "removing an assignment")) != KH_OK)
            break;
        kh_audit_rec a = {.actor = actor, .action = "user.unassign",
                          .year = year, .unit = old[i], .object = name,
                          .old_value = "assigned"};
        rc = kh_store_audit(s, &a, e);
    }
    for (size_t i = 0; i < nold; i++)
        free(old[i]);
    free(old);
    return rc;
}

kh_status kh_store_user_assign(kh_store *s, const char *actor,
                               const char *name, int year, size_t n,
                               const char *const *units, bool replace,
                               kh_err *e)
{
    if (n == 0 && !replace)
        return kh_err_at(e, 0, 0, "unit", "no unit to assign");
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    kh_role role;
    bool disabled = false;
    rc = user_get(s, name, &role, NULL, &disabled, e);
    if (rc == KH_ENOTFOUND)
        rc = no_user(e, name);
    if (rc != KH_OK)
        goto fail;
    if (role != KH_ROLE_INSPECTOR) {
        rc = kh_err_fail(e, KH_EINVAL,
                         "user \"%s\" has role %s: only inspectors are "
                         "assigned to units",
                         name, role_names[role]);
        goto fail;
    }
    if (disabled) {
        rc = kh_err_fail(e, KH_EINVAL, "user \"%s\" is disabled", name);
        goto fail;
    }
    kh_year_state ys;
    if ((rc = kh_store_year_state(s, year, &ys, e)) != KH_OK)
        goto fail;
    /* Every unknown unit is reported, not only the first. */
    size_t before = kh_err_errors(e);
    for (size_t i = 0; i < n; i++) {
        bool known = false;
        char path[32];
        snprintf(path, sizeof path, "unit[%zu]", i + 1);
        if ((rc = unit_known(s, year, units[i], &known, e)) != KH_OK)
            goto fail;
        if (!known)
            kh_err_at(e, 0, 0, path, "unknown unit \"%s\" in year %d",
                      units[i], year);
    }
    if (kh_err_errors(e) > before) {
        rc = KH_EINVAL;
        goto fail;
    }
    if (replace &&
        (rc = unassign_others(s, actor, name, year, n, units, e)) != KH_OK)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        bool yes = false;
        if ((rc = is_assigned(s, name, year, units[i], &yes, e)) != KH_OK)
            goto fail;
        if (yes)
            continue;
        kh_db_stmt *st;
        if ((rc = kh_store_stmt(s,
                                "INSERT INTO user_assign (user_name, year,"
                                " unit) VALUES (?, ?, ?)",
                                &st, e)) != KH_OK)
            goto fail;
        kh_store_bind_str(st, 1, name);
        kh_db_bind_int(st, 2, year);
        kh_store_bind_str(st, 3, units[i]);
        if ((rc = kh_store_exec(s, st, e, "assigning a unit")) != KH_OK)
            goto fail;
        kh_audit_rec a = {.actor = actor, .action = "user.assign",
                          .year = year, .unit = units[i], .object = name,
                          .new_value = "assigned"};
        if ((rc = kh_store_audit(s, &a, e)) != KH_OK)
            goto fail;
    }
    return kh_store_commit(s, e);
fail:
    kh_store_rollback(s);
    return rc;
}

kh_status kh_store_user_verify(kh_store *s, const char *name,
                               const char *password, kh_role *role,
                               char **unit, kh_err *e)
{
    if (unit)
        *unit = NULL;
    char hash[crypto_pwhash_STRBYTES] = {0};
    kh_role r = KH_ROLE_ADMIN;
    char *u = NULL;
    bool disabled = true, found = false;
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s,
        "SELECT role, unit, disabled, pwhash FROM app_user WHERE name = ?",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, name ? name : "");
    int step = kh_db_step(st);
    if (step == KH_DB_ROW) {
        const char *h = kh_store_col_str(st, 3);
        const char *un = kh_store_col_str(st, 1);
        found = h && strlen(h) < sizeof hash &&
                kh_role_parse(kh_store_col_str(st, 0), &r);
        if (found) {
            memcpy(hash, h, strlen(h) + 1);
            disabled = kh_db_column_int(st, 2) != 0;
            if (un && !(u = strdup(un))) {
                kh_db_reset(st);
                return kh_err_fail(e, KH_ENOMEM, "out of memory");
            }
        }
    }
    kh_db_reset(st);
    if (step != KH_DB_ROW && step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading a user");
    /* The same work whether or not the user exists. */
    size_t plen = password ? strlen(password) : 0;
    if (plen > KH_PASSWORD_MAX)
        plen = KH_PASSWORD_MAX;
    bool ok = crypto_pwhash_str_verify(found ? hash : dummy_hash,
                                       password ? password : "",
                                       plen) == 0;
    ok = ok && found && !disabled && password &&
         strlen(password) <= KH_PASSWORD_MAX;
    sodium_memzero(hash, sizeof hash);
    if (!ok) {
        free(u);
        return kh_err_fail(e, KH_EPERM, "wrong user name or password");
    }
    if (role)
        *role = r;
    if (unit)
        *unit = u;
    else
        free(u);
    return KH_OK;
}

kh_status kh_store_user_each(kh_store *s, const char *name, kh_user_fn fn,
                             void *ctx, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s,
        "SELECT name, role, unit, disabled, created_at, created_by, provider,"
        " display_name FROM app_user WHERE (? IS NULL OR name = ?)"
        " ORDER BY name",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, name);
    kh_store_bind_str(st, 2, name);
    int step;
    size_t rows = 0;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        kh_user_row row = {
            .name = kh_store_col_str(st, 0),
            .unit = kh_store_col_str(st, 2),
            .disabled = kh_db_column_int(st, 3) != 0,
            .created_at = kh_store_col_str(st, 4),
            .created_by = kh_store_col_str(st, 5),
            .provider = kh_store_col_str(st, 6),
            .display_name = kh_store_col_str(st, 7),
        };
        if (!kh_role_parse(kh_store_col_str(st, 1), &row.role)) {
            kh_db_reset(st);
            return kh_err_fail(e, KH_EDB, "user \"%s\" has an unknown role",
                               row.name);
        }
        rows++;
        if ((rc = fn(ctx, &row)) != KH_OK) {
            kh_db_reset(st);
            return rc;
        }
    }
    kh_db_reset(st);
    if (step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading users");
    if (name && rows == 0)
        return no_user(e, name);
    return KH_OK;
}

kh_status kh_store_assign_each(kh_store *s, const char *user, int year,
                               kh_assign_fn fn, void *ctx, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s,
        "SELECT user_name, year, unit FROM user_assign"
        " WHERE (? IS NULL OR user_name = ?) AND (? = 0 OR year = ?)"
        " ORDER BY user_name, year, unit",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, user);
    kh_store_bind_str(st, 2, user);
    kh_db_bind_int(st, 3, year);
    kh_db_bind_int(st, 4, year);
    int step;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        kh_assign_row row = {.user = kh_store_col_str(st, 0),
                             .year = kh_db_column_int(st, 1),
                             .unit = kh_store_col_str(st, 2)};
        if ((rc = fn(ctx, &row)) != KH_OK) {
            kh_db_reset(st);
            return rc;
        }
    }
    kh_db_reset(st);
    if (step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading assignments");
    return KH_OK;
}

kh_status kh_store_assign_grid(kh_store *s, const char *actor, int year,
                               size_t n, const kh_assign_set *sets,
                               kh_err *e)
{
    kh_status rc = kh_store_begin(s, e);
    for (size_t i = 0; i < n && rc == KH_OK; i++)
        rc = kh_store_user_assign(s, actor, sets[i].user, year, sets[i].n,
                                  sets[i].units, true, e);
    if (rc != KH_OK) {
        kh_store_rollback(s);
        return rc;
    }
    return kh_store_commit(s, e);
}

kh_status kh_store_user_add_named(kh_store *s, const char *actor,
                                  const kh_user_new *u, kh_err *e)
{
    /* both refusals at once: the name's and the user's */
    bool bad = u->display && kh_user_display_check(u->display, e) != KH_OK;
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    rc = kh_store_user_add_provider(s, actor, u->name, u->role, u->unit,
                                    u->provider, u->password, e);
    if (rc == KH_OK && bad)
        rc = KH_EINVAL;
    if (rc == KH_OK && u->display)
        rc = kh_store_user_set_display(s, actor, u->name, u->display, e);
    if (rc != KH_OK) {
        kh_store_rollback(s);
        return rc;
    }
    return kh_store_commit(s, e);
}
