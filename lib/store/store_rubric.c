/*
 * store_rubric.c - rubric versions in the store: the original file text
 * kept byte for byte with its SHA-256; a version is "ID@HASH".
 */
#include "store_impl.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Splits "ID" / "ID@HEX" into id (copied into idbuf) and the hash prefix
 * (NULL when none).  KH_EINVAL with a message on a malformed ref. */
static kh_status parse_ref(const char *ref, char *idbuf, size_t idsz,
                           const char **prefix, kh_err *e)
{
    const char *at = strchr(ref, '@');
    size_t n = at ? (size_t)(at - ref) : strlen(ref);
    if (n == 0 || n >= idsz)
        return kh_err_fail(e, KH_EINVAL, "bad rubric reference \"%s\"", ref);
    memcpy(idbuf, ref, n);
    idbuf[n] = '\0';
    *prefix = NULL;
    if (at) {
        const char *h = at + 1;
        size_t hl = strlen(h);
        bool hex = hl >= 4 && hl <= 64;
        for (size_t i = 0; hex && i < hl; i++)
            hex = isxdigit((unsigned char)h[i]) && !isupper((unsigned char)h[i]);
        if (!hex)
            return kh_err_fail(e, KH_EINVAL,
                               "bad rubric reference \"%s\": after @ give at "
                               "least 4 lower-case hex digits of the hash",
                               ref);
        *prefix = h;
    }
    return KH_OK;
}

/* Resolves ref to the row id, full hash (hex) and optionally the source
 * text.  Most recent import first when no prefix is given. */
kh_status kh_store_rubric_resolve(kh_store *s, const char *ref,
                                  int64_t *row_id, char hash[KH_STORE_HEX_SZ],
                                  char **text, size_t *len, kh_err *e)
{
    char id[256];
    const char *prefix;
    kh_status rc = parse_ref(ref, id, sizeof id, &prefix, e);
    if (rc != KH_OK)
        return rc;
    kh_db_stmt *st;
    rc = kh_store_stmt(s,
                       "SELECT id, sha256 FROM rubric WHERE rubric_id = ?"
                       " ORDER BY id DESC",
                       &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, id);
    int found = 0, step;
    int64_t rid = 0;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        const char *h = kh_store_col_str(st, 1);
        if (prefix && strncmp(h, prefix, strlen(prefix)) != 0)
            continue;
        if (found == 0) {
            rid = kh_db_column_int64(st, 0);
            snprintf(hash, KH_STORE_HEX_SZ, "%s", h);
        }
        found++;
        if (!prefix)
            break;
    }
    kh_db_reset(st);
    if (step != KH_DB_DONE && step != KH_DB_ROW)
        return kh_store_db_fail(s, e, "looking up a rubric");
    if (found == 0)
        return kh_err_fail(e, KH_ENOTFOUND,
                           "no rubric \"%s\" in the store (import it with "
                           "'kaohe rubric import FILE')",
                           ref);
    if (found > 1)
        return kh_err_fail(e, KH_EINVAL,
                           "rubric reference \"%s\" is ambiguous: give more "
                           "digits of the hash",
                           ref);
    if (row_id)
        *row_id = rid;
    if (text) {
        rc = kh_store_stmt(s, "SELECT source FROM rubric WHERE id = ?", &st,
                           e);
        if (rc != KH_OK)
            return rc;
        kh_db_bind_int64(st, 1, rid);
        if (kh_db_step(st) != KH_DB_ROW) {
            kh_db_reset(st);
            return kh_store_db_fail(s, e, "reading a rubric");
        }
        int n = kh_db_column_bytes(st, 0);
        const void *p = kh_db_column_blob(st, 0);
        char *copy = malloc((size_t)n + 1);
        if (!copy) {
            kh_db_reset(st);
            return kh_err_fail(e, KH_ENOMEM, "out of memory");
        }
        if (n)
            memcpy(copy, p, (size_t)n);
        copy[n] = '\0';
        kh_db_reset(st);
        *text = copy;
        if (len)
            *len = (size_t)n;
    }
    return KH_OK;
}

kh_status kh_store_rubric_import(kh_store *s, const char *actor,
                                 const char *name, const char *data,
                                 size_t len, kh_err *e, char **version,
                                 bool *created)
{
    if (version)
        *version = NULL;
    if (created)
        *created = false;
    kh_rubric *r = NULL;
    kh_status rc = kh_rubric_load_mem(name, data, len, e, &r);
    if (rc != KH_OK)
        return rc;
    char hash[KH_STORE_HEX_SZ];
    kh_store_sha256_hex(data, len, hash);
    const char *rid = kh_rubric_id(r);
    char *ver = NULL;
    if (asprintf(&ver, "%s@%s", rid, hash) < 0) {
        kh_rubric_free(r);
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    kh_db_stmt *st;
    if ((rc = kh_store_begin(s, e)) != KH_OK)
        goto out;
    rc = kh_store_stmt(s,
                       "SELECT id FROM rubric WHERE rubric_id = ? AND sha256 = ?",
                       &st, e);
    if (rc != KH_OK)
        goto fail;
    kh_store_bind_str(st, 1, rid);
    kh_store_bind_str(st, 2, hash);
    int step = kh_db_step(st);
    kh_db_reset(st);
    if (step == KH_DB_ROW) {
        /* The same text again: nothing changes, nothing is recorded. */
        kh_store_rollback(s);
        goto out;
    }
    if (step != KH_DB_DONE) {
        rc = kh_store_db_fail(s, e, "looking up a rubric");
        goto fail;
    }
    char now[KH_STORE_TIME_SZ];
    kh_store_now(s, now);
    rc = kh_store_stmt(s,
                       "INSERT INTO rubric (rubric_id, sha256, title, source,"
                       " file_name, imported_at, imported_by)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?)",
                       &st, e);
    if (rc != KH_OK)
        goto fail;
    kh_store_bind_str(st, 1, rid);
    kh_store_bind_str(st, 2, hash);
    kh_store_bind_str(st, 3, kh_rubric_title(r));
    kh_db_bind_blob(st, 4, data ? data : "", len);
    kh_store_bind_str(st, 5, name);
    kh_store_bind_str(st, 6, now);
    kh_store_bind_str(st, 7, actor);
    if ((rc = kh_store_exec(s, st, e, "storing a rubric")) != KH_OK)
        goto fail;
    kh_audit_rec a = {.actor = actor, .action = "rubric.import",
                      .object = ver, .new_value = name};
    if ((rc = kh_store_audit(s, &a, e)) != KH_OK)
        goto fail;
    if ((rc = kh_store_commit(s, e)) != KH_OK)
        goto out;
    if (created)
        *created = true;
    goto out;
fail:
    kh_store_rollback(s);
out:
    kh_rubric_free(r);
    if (rc == KH_OK && version)
        *version = ver;
    else
        free(ver);
    return rc;
}

kh_status kh_store_rubric_get(kh_store *s, const char *ref, kh_err *e,
                              char **text, size_t *len, char **version)
{
    char hash[KH_STORE_HEX_SZ];
    if (text)
        *text = NULL;
    if (version)
        *version = NULL;
    kh_status rc = kh_store_rubric_resolve(s, ref, NULL, hash, text, len, e);
    if (rc != KH_OK)
        return rc;
    if (version) {
        const char *at = strchr(ref, '@');
        int idlen = at ? (int)(at - ref) : (int)strlen(ref);
        if (asprintf(version, "%.*s@%s", idlen, ref, hash) < 0) {
            *version = NULL;
            if (text) {
                free(*text);
                *text = NULL;
            }
            return kh_err_fail(e, KH_ENOMEM, "out of memory");
        }
    }
    return KH_OK;
}

kh_status kh_store_rubric_load(kh_store *s, const char *ref, kh_err *e,
                               kh_rubric **out, char **version)
{
    *out = NULL;
    char *text = NULL, *ver = NULL;
    size_t len = 0;
    kh_status rc = kh_store_rubric_get(s, ref, e, &text, &len, &ver);
    if (rc != KH_OK)
        return rc;
    /* Messages name the stored version, not a file. */
    char name[300];
    snprintf(name, sizeof name, "%.*s", (int)(strchr(ver, '@') - ver) + 1 +
                                            KH_STORE_HASH_SHOW, ver);
    const char *old_file = kh_err_file(e);
    rc = kh_rubric_load_mem(name, text, len, e, out);
    kh_err_set_file(e, old_file);
    free(text);
    if (rc == KH_OK && version)
        *version = ver;
    else
        free(ver);
    return rc;
}

kh_status kh_store_rubric_by_row(kh_store *s, int64_t row, kh_err *e,
                                 kh_rubric **out, char **version)
{
    *out = NULL;
    if (version)
        *version = NULL;
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s, "SELECT rubric_id, sha256, source FROM rubric WHERE id = ?", &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, row);
    if (kh_db_step(st) != KH_DB_ROW) {
        kh_db_reset(st);
        return kh_err_fail(e, KH_EDB, "rubric row %lld is missing",
                           (long long)row);
    }
    char *ver = NULL, *name = NULL;
    if (asprintf(&ver, "%s@%s", kh_store_col_str(st, 0),
                 kh_store_col_str(st, 1)) < 0)
        ver = NULL;
    if (asprintf(&name, "%s@%.*s", kh_store_col_str(st, 0), KH_STORE_HASH_SHOW,
                 kh_store_col_str(st, 1)) < 0)
        name = NULL;
    if (!ver || !name) {
        kh_db_reset(st);
        free(ver);
        free(name);
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    /* The rubric names itself in its own messages only. */
    const char *old_file = kh_err_file(e);
    rc = kh_rubric_load_mem(name, kh_db_column_blob(st, 2),
                            (size_t)kh_db_column_bytes(st, 2), e, out);
    kh_err_set_file(e, old_file);
    kh_db_reset(st);
    free(name);
    if (rc == KH_OK && version)
        *version = ver;
    else
        free(ver);
    return rc;
}

kh_status kh_store_rubric_each(kh_store *s, kh_rubric_fn fn, void *ctx,
                               kh_err *e)
{
    /* Own statement: the callback may look rubrics up. */
    kh_db_stmt *st = NULL;
    if (kh_db_prepare(s->db,
                           "SELECT rubric_id, sha256, title, imported_at,"
                           " imported_by FROM rubric ORDER BY rubric_id, id", &st) != KH_DB_OK)
        return kh_store_db_fail(s, e, "listing rubrics");
    int step;
    kh_status rc = KH_OK;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        kh_rubric_row row = {
            .id = kh_store_col_str(st, 0),
            .hash = kh_store_col_str(st, 1),
            .title = kh_store_col_str(st, 2),
            .imported_at = kh_store_col_str(st, 3),
            .imported_by = kh_store_col_str(st, 4),
        };
        if ((rc = fn(ctx, &row)) != KH_OK)
            break;
    }
    if (rc == KH_OK && step != KH_DB_DONE)
        rc = kh_store_db_fail(s, e, "listing rubrics");
    kh_db_finalize(st);
    return rc;
}
