/*
 * store_pgschema.c - the integrity check of a store on PostgreSQL: the
 * server checks its own pages, but a table or column of kaohe's can be
 * dropped or altered under the store (psql).  The reference is the schema
 * the same migrations make on an in-memory SQLite store: every table and
 * column there must be in the database's schema, with the type the
 * driver gives it (INTEGER -> bigint, TEXT -> text, BLOB -> bytea).
 * Used by kh_store_check and kh_store_quick_check (`kaohe serve` at
 * start); quiet when the schema is whole.
 */
#include "store_impl.h"

#include <stdio.h>
#include <string.h>

/* The PostgreSQL type the driver makes of a SQLite declared type (NULL:
 * not checked). */
static const char *pg_type_of(const char *decl)
{
    if (!decl)
        return NULL;
    if (strcmp(decl, "INTEGER") == 0)
        return "bigint";
    if (strcmp(decl, "TEXT") == 0)
        return "text";
    if (strcmp(decl, "BLOB") == 0)
        return "bytea";
    return NULL;
}

/* The type of table.column in s's schema into type (empty: no such
 * column). */
static kh_status pg_column(kh_store *s, const char *table, const char *col,
                           char *type, size_t sz, kh_err *e)
{
    kh_db_stmt *st = NULL;
    kh_status rc = kh_store_stmt(s, "SELECT data_type FROM"
                                    " information_schema.columns WHERE"
                                    " table_schema = current_schema() AND"
                                    " table_name = ? AND column_name = ?",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    if (kh_store_bind_str(st, 1, table) != KH_DB_OK ||
        kh_store_bind_str(st, 2, col) != KH_DB_OK)
        return kh_store_db_fail(s, e, "reading the schema");
    int step = kh_db_step(st);
    type[0] = '\0';
    if (step == KH_DB_ROW)
        snprintf(type, sz, "%s", kh_store_col_str(st, 0));
    kh_db_reset(st);
    return step == KH_DB_ROW || step == KH_DB_DONE
               ? KH_OK
               : kh_store_db_fail(s, e, "reading the schema");
}

/* Whether table exists in s's schema. */
static kh_status pg_table(kh_store *s, const char *table, bool *found,
                          kh_err *e)
{
    kh_db_stmt *st = NULL;
    kh_status rc = kh_store_stmt(s, "SELECT count(*) FROM"
                                    " information_schema.tables WHERE"
                                    " table_schema = current_schema() AND"
                                    " table_name = ?",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    if (kh_store_bind_str(st, 1, table) != KH_DB_OK)
        return kh_store_db_fail(s, e, "reading the schema");
    int step = kh_db_step(st);
    *found = step == KH_DB_ROW && kh_db_column_int64(st, 0) > 0;
    kh_db_reset(st);
    return step == KH_DB_ROW ? KH_OK
                             : kh_store_db_fail(s, e, "reading the schema");
}

/* One column of the reference against s; *table_ok is cleared (and the
 * damage reported once) when its table is missing. */
static kh_status check_column(kh_store *s, const char *table,
                              const char *col, const char *decl,
                              bool first, bool *table_ok, kh_err *e)
{
    kh_status rc = KH_OK;
    if (first && (rc = pg_table(s, table, table_ok, e)) == KH_OK &&
        !*table_ok) {
        kh_err_set_cause(e, KH_CAUSE_DAMAGED);
        return kh_err_fail(e, KH_EDB, "%s: the database is damaged (table "
                           "%s is missing); restore it from a backup",
                           s->path, table);
    }
    if (rc != KH_OK || !*table_ok)
        return rc;
    char type[64];
    if ((rc = pg_column(s, table, col, type, sizeof type, e)) != KH_OK)
        return rc;
    const char *want = pg_type_of(decl);
    if (type[0] && (!want || strcmp(type, want) == 0))
        return KH_OK;
    kh_err_set_cause(e, KH_CAUSE_DAMAGED);
    if (!type[0])
        return kh_err_fail(e, KH_EDB, "%s: the database is damaged (table "
                           "%s: column %s is missing); restore it from a "
                           "backup",
                           s->path, table, col);
    return kh_err_fail(e, KH_EDB, "%s: the database is damaged (table %s: "
                       "column %s is %s, not %s); restore it from a backup",
                       s->path, table, col, type, want);
}

kh_status kh_store_pg_schema_check(kh_store *s, kh_err *e)
{
    kh_store *ref = NULL;
    kh_status rc = kh_store_open(":memory:", KH_STORE_CREATE, e, &ref);
    kh_db_stmt *st = NULL;
    if (rc == KH_OK &&
        kh_db_prepare(ref->db, "SELECT m.name, p.name, upper(p.type) FROM"
                               " sqlite_master m, pragma_table_info(m.name) p"
                               " WHERE m.type = 'table' AND m.name NOT LIKE"
                               " 'sqlite\\_%' ESCAPE '\\'"
                               " ORDER BY m.rowid, p.cid",
                      &st) != KH_DB_OK)
        rc = kh_store_db_fail(ref, e, "reading the reference schema");
    char table[128] = "";
    bool table_ok = true;
    kh_status worst = KH_OK;
    int step = KH_DB_DONE;
    while (rc == KH_OK && (step = kh_db_step(st)) == KH_DB_ROW) {
        const char *t = kh_store_col_str(st, 0);
        bool first = strcmp(t, table) != 0;
        snprintf(table, sizeof table, "%s", t);
        kh_status c = check_column(s, table, kh_store_col_str(st, 1),
                                   kh_store_col_str(st, 2), first,
                                   &table_ok, e);
        if (c == KH_EDB && kh_err_cause(e) == KH_CAUSE_DAMAGED)
            worst = c;   /* go on: name every missing part */
        else
            rc = c;
    }
    if (rc == KH_OK && step != KH_DB_DONE)
        rc = kh_store_db_fail(ref, e, "reading the reference schema");
    kh_db_finalize(st);
    kh_store_close(ref);
    return rc != KH_OK ? rc : worst;
}
