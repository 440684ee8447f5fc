/*
 * store_docset.c - a year's document settings (kaohe/store_docset.h):
 * table year_docset (migration 3), defaults, validation, audit.  The SQL
 * is plain enough for SQLite and PostgreSQL alike.
 */
#include "store_impl.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/convert.h"
#include "kaohe/store_docset.h"
#include "kaohe/store_followup.h"

/* The keys, in the order help and messages list them, with defaults
 * (NULL: none). */
static const struct ds_key {
    const char *name;
    const char *def;
    size_t off;
} ds_keys[] = {
    {"issuer", "中共晋城职业技术学院委员会", offsetof(kh_docset, issuer)},
    {"number", NULL, offsetof(kh_docset, number)},
    {"to", "各党支部、各处室系", offsetof(kh_docset, to)},
    {"cc", "学院纪委", offsetof(kh_docset, cc)},
    {"printer", "晋城职业技术学院办公室", offsetof(kh_docset, printer)},
    {"date", NULL, offsetof(kh_docset, date)},
    {"grades", KH_GRADES_DEFAULT, offsetof(kh_docset, grades)},
    {"scale", NULL, offsetof(kh_docset, scale)},
};
#define DS_NKEYS (sizeof ds_keys / sizeof ds_keys[0])

static char **ds_slot(kh_docset *d, size_t k)
{
    return (char **)(void *)((char *)d + ds_keys[k].off);
}

static int ds_find(const char *name, size_t len)
{
    for (size_t k = 0; k < DS_NKEYS; k++)
        if (strlen(ds_keys[k].name) == len &&
            !memcmp(ds_keys[k].name, name, len))
            return (int)k;
    return -1;
}

void kh_docset_clear(kh_docset *d)
{
    for (size_t k = 0; k < DS_NKEYS; k++) {
        free(*ds_slot(d, k));
        *ds_slot(d, k) = NULL;
    }
}

static kh_status ds_put(kh_docset *d, size_t k, const char *v, kh_err *e)
{
    free(*ds_slot(d, k));
    *ds_slot(d, k) = v ? strdup(v) : NULL;
    if (v && !*ds_slot(d, k))
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    return KH_OK;
}

kh_status kh_store_docset_get(kh_store *s, int year, kh_docset *out,
                              kh_err *e)
{
    memset(out, 0, sizeof *out);
    kh_status rc = kh_store_year_require(s, year, ~0u, "reading its "
                                         "document settings", NULL, e);
    for (size_t k = 0; rc == KH_OK && k < DS_NKEYS; k++)
        rc = ds_put(out, k, ds_keys[k].def, e);
    kh_db_stmt *st;
    if (rc == KH_OK)
        rc = kh_store_stmt(s, "SELECT name, value FROM year_docset"
                              " WHERE year = ?", &st, e);
    if (rc != KH_OK) {
        kh_docset_clear(out);
        return rc;
    }
    kh_db_bind_int(st, 1, year);
    int r;
    while (rc == KH_OK && (r = kh_db_step(st)) == KH_DB_ROW) {
        const char *name = kh_store_col_str(st, 0);
        int k = name ? ds_find(name, strlen(name)) : -1;
        if (k >= 0)
            rc = ds_put(out, (size_t)k, kh_store_col_str(st, 1), e);
    }
    if (rc == KH_OK && r != KH_DB_DONE)
        rc = kh_store_db_fail(s, e, "reading document settings");
    kh_db_reset(st);
    if (rc != KH_OK)
        kh_docset_clear(out);
    return rc;
}

/* Checks one "KEY=VALUE" (argument i, counted from 1); *key and *val
 * point into pair. */
static kh_status ds_check(const char *pair, size_t i, int *key,
                          const char **val, kh_err *e)
{
    char where[32];
    snprintf(where, sizeof where, "argument %zu", i);
    const char *eq = strchr(pair, '=');
    if (!eq)
        return kh_err_at(e, 0, 0, where, "\"%s\" is not KEY=VALUE", pair);
    *key = ds_find(pair, (size_t)(eq - pair));
    *val = eq + 1;
    if (*key < 0)
        return kh_err_at(e, 0, 0, where, "unknown setting \"%.*s\" "
                         "(expected issuer, number, to, cc, printer, "
                         "date, grades or scale)", (int)(eq - pair), pair);
    const char *name = ds_keys[*key].name;
    if (strlen(*val) > KH_DOCSET_VALUE_MAX)
        return kh_err_at(e, 0, 0, name, "longer than %d bytes",
                         KH_DOCSET_VALUE_MAX);
    if (**val && kh_text_check(e, 0, 0, name, *val, KH_TEXT_NAME,
                               SIZE_MAX) != KH_OK)
        return KH_EINVAL;
    if (!strcmp(name, "date") && **val)
        return kh_date_check(*val, name, e);
    kh_conversion cv;
    if (!strcmp(name, "grades") && **val)
        return kh_conversion_parse(*val, NULL, &cv, e);
    if (!strcmp(name, "scale") && **val)
        return kh_conversion_parse(NULL, *val, &cv, e);
    return KH_OK;
}

static kh_status ds_write(kh_store *s, const char *actor, int year,
                          size_t k, const char *val, const char *old,
                          kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = *val
        ? kh_store_stmt(s, "INSERT INTO year_docset (year, name, value)"
                           " VALUES (?, ?, ?) ON CONFLICT (year, name)"
                           " DO UPDATE SET value = excluded.value", &st, e)
        : kh_store_stmt(s, "DELETE FROM year_docset WHERE year = ?"
                           " AND name = ?", &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    kh_store_bind_str(st, 2, ds_keys[k].name);
    if (*val)
        kh_store_bind_str(st, 3, val);
    if ((rc = kh_store_exec(s, st, e, "writing a document setting")) != KH_OK)
        return rc;
    char obj[48];
    snprintf(obj, sizeof obj, "%d/%s", year, ds_keys[k].name);
    kh_audit_rec a = {.actor = actor, .action = "year.set", .year = year,
                      .object = obj, .old_value = old,
                      .new_value = *val ? val : NULL};
    return kh_store_audit(s, &a, e);
}

kh_status kh_store_docset_set(kh_store *s, const char *actor, int year,
                              const char *const *pairs, size_t n,
                              kh_err *e)
{
    size_t before = kh_err_errors(e);
    for (size_t i = 0; i < n; i++) {
        int k;
        const char *v;
        ds_check(pairs[i], i + 1, &k, &v, e);
    }
    if (kh_err_errors(e) > before)
        return KH_EINVAL;
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    unsigned open = ~KH_YEAR_BIT(KH_YEAR_CLOSED);
    kh_docset cur = {0};
    rc = kh_store_year_require(s, year, open, "changing its document "
                               "settings", NULL, e);
    if (rc == KH_OK)
        rc = kh_store_docset_get(s, year, &cur, e);
    for (size_t i = 0; rc == KH_OK && i < n; i++) {
        int k;
        const char *v;
        ds_check(pairs[i], i + 1, &k, &v, e);
        char *old = *ds_slot(&cur, (size_t)k);
        const char *def = ds_keys[k].def;
        /* Unchanged, or back to a default already in force. */
        if ((old && !strcmp(old, v)) ||
            (!*v && (!old || (def && !strcmp(old, def)))))
            continue;
        rc = ds_write(s, actor, year, (size_t)k, v, old, e);
        if (rc == KH_OK)
            rc = ds_put(&cur, (size_t)k, *v ? v : ds_keys[k].def, e);
    }
    kh_docset_clear(&cur);
    if (rc == KH_OK)
        return kh_store_commit(s, e);
    kh_store_rollback(s);
    return rc;
}
