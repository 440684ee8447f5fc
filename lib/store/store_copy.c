/*
 * store_copy.c - copying a whole store into a new one (`kaohe store copy`,
 * e.g. a college moving from SQLite to PostgreSQL): every table row for
 * row, so that the audit chain, users, published snapshots and follow-up
 * carry over unchanged, then the evidence files the rows name.  Each
 * table goes in as one bulk load (kh_db_bulk_*: COPY on PostgreSQL); a
 * row the target refuses is named by its table and place.  The other
 * way round (PostgreSQL into a SQLite file) is the backup of a
 * PostgreSQL store (store_backup.c): its source is read in one snapshot.
 */
#include "store_impl.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/store_evidence.h"

/* Whether name is a plain lower-case SQL name: table and column names come
 * from the source's catalogue and go into the text of statements. */
static bool plain_name(const char *name)
{
    if (!name || !*name)
        return false;
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
              *c == '_'))
            return false;
    return true;
}

/* The column names of sel into a new array (borrowed from sel, valid
 * while it is not stepped again); NULL when out of memory. */
static const char **column_names(kh_db_stmt *sel, int n)
{
    const char **cols = calloc((size_t)n, sizeof *cols);
    for (int i = 0; cols && i < n; i++)
        cols[i] = kh_db_column_name(sel, i);
    return cols;
}

/* Appends value i of sel's current row to the load. */
static int load_value(kh_db_stmt *sel, kh_db_bulk *load, int i)
{
    /* The kind first: asking SQLite an integer's length converts it. */
    switch (kh_db_column_kind(sel, i)) {
    case KH_DB_T_INTEGER:
        return kh_db_bulk_int64(load, kh_db_column_int64(sel, i));
    case KH_DB_T_NULL:
        return kh_db_bulk_null(load);
    case KH_DB_T_BLOB: {
        const void *v = kh_db_column_blob(sel, i);
        return kh_db_bulk_blob(load, v, (size_t)kh_db_column_bytes(sel, i));
    }
    default: {
        const char *v = kh_db_column_text(sel, i);
        return kh_db_bulk_text(load, v, (size_t)kh_db_column_bytes(sel, i));
    }
    }
}

/* Appends the current row of sel to the load, value by value. */
static int load_row(kh_db_stmt *sel, kh_db_bulk *load, int n)
{
    int rc = KH_DB_OK;
    for (int i = 0; i < n && rc == KH_DB_OK; i++)
        rc = load_value(sel, load, i);
    return rc == KH_DB_OK ? kh_db_bulk_row(load) : rc;
}

/* The failure of a load into table: a row the target refused (a
 * constraint: the source holds what a store cannot) is bad input, named
 * by its table and place; anything else is the target's trouble. */
static kh_status load_fail(kh_store *to, const char *table, int64_t row,
                           int64_t done, kh_err *e)
{
    if (kh_db_errcode(to->db) == KH_DB_CONSTRAINT && row > 0)
        return kh_err_fail(e, KH_EINVAL, "%s: table %s, row %lld of the "
                           "source: refused by the target: %s", to->path,
                           table, (long long)row, kh_db_errmsg(to->db));
    if (kh_db_errcode(to->db) == KH_DB_CONSTRAINT)
        return kh_err_fail(e, KH_EINVAL, "%s: table %s of the source: "
                           "refused by the target: %s", to->path, table,
                           kh_db_errmsg(to->db));
    char what[160];
    if (row > 0)
        snprintf(what, sizeof what, "copying table %s (row %lld)", table,
                 (long long)row);
    else   /* e.g. the server went away: how far the load had come */
        snprintf(what, sizeof what, "copying table %s (%lld rows sent)",
                 table, (long long)done);
    return kh_store_db_fail(to, e, what);
}

/* Streams the rows of sel (stepped once: *step) into table of `to` in
 * one bulk load; *rows counts them. */
static kh_status load_table(kh_store *from, kh_store *to, const char *table,
                            kh_db_stmt *sel, int step, int64_t *rows,
                            kh_err *e)
{
    int n = kh_db_column_count(sel);
    const char **cols = column_names(sel, n);
    if (!cols)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    for (int i = 0; i < n; i++)
        if (!plain_name(cols[i])) {   /* they go into the COPY's text */
            free(cols);
            return kh_err_fail(e, KH_EDB, "%s: cannot copy table %s",
                               from->path, table);
        }
    kh_db_bulk *load = NULL;
    int rc = kh_db_bulk_begin(to->db, table, cols, n, &load);
    free(cols);   /* the names were used by begin */
    if (rc != KH_DB_OK)
        return load_fail(to, table, 0, 0, e);
    int64_t done = 0;
    for (; step == KH_DB_ROW && rc == KH_DB_OK; step = kh_db_step(sel))
        if ((rc = load_row(sel, load, n)) == KH_DB_OK)
            done++;
    *rows += done;
    bool src_failed = rc == KH_DB_OK && step != KH_DB_DONE;
    int64_t bad = 0;
    rc = kh_db_bulk_finish(load, src_failed, &bad);
    if (src_failed)
        return kh_store_db_fail(from, e, "reading the source");
    if (rc != KH_DB_OK)
        return load_fail(to, table, bad, done, e);
    return KH_OK;
}

/* Copies every row of table from `from` to `to`; *rows counts them. */
static kh_status copy_table(kh_store *from, kh_store *to, const char *table,
                            int64_t *rows, kh_err *e)
{
    char *sql = NULL;
    if (!plain_name(table))
        return kh_err_fail(e, KH_EDB, "%s: unexpected table name", from->path);
    if (asprintf(&sql, "SELECT * FROM %s", table) < 0)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    kh_db_stmt *sel = NULL;
    kh_status rc = KH_OK;
    if (kh_db_prepare(from->db, sql, &sel) != KH_DB_OK) {
        rc = kh_store_db_fail(from, e, "reading the source");
        goto out;
    }
    int step = kh_db_step(sel);
    if (step == KH_DB_DONE)
        goto out;
    if (step != KH_DB_ROW)
        rc = kh_store_db_fail(from, e, "reading the source");
    else
        rc = load_table(from, to, table, sel, step, rows, e);
    if (rc == KH_OK && kh_db_identity_resync(to->db, table) != KH_DB_OK)
        rc = kh_store_db_fail(to, e, "copying");
out:
    kh_db_finalize(sel);
    free(sql);
    return rc;
}

/* Refuses a target that holds anything beyond what `kaohe init` made. */
static kh_status target_empty(kh_store *to, kh_err *e)
{
    kh_db_stmt *st = NULL;
    if (kh_db_prepare(to->db, "SELECT (SELECT count(*) FROM rubric) +"
                              " (SELECT count(*) FROM audit) +"
                              " (SELECT count(*) FROM app_user)",
                      &st) != KH_DB_OK)
        return kh_store_db_fail(to, e, "reading the target");
    int step = kh_db_step(st);
    int64_t n = step == KH_DB_ROW ? kh_db_column_int64(st, 0) : 0;
    kh_db_finalize(st);
    if (step != KH_DB_ROW)
        return kh_store_db_fail(to, e, "reading the target");
    if (n > 0)
        return kh_err_fail(e, KH_ESTATE, "%s: the target store is not empty "
                           "(copy or restore only into an empty database "
                           "or a store just made by 'kaohe init')",
                           to->path);
    return KH_OK;
}

/* The tables in the order they were made (so a table comes after those
 * it refers to), read from whichever side is SQLite: both were made by
 * the same migrations; SQLite's own and the version table left out. */
static kh_status source_tables(kh_store *from, kh_store *to, char ***out,
                               size_t *n, kh_err *e)
{
    *out = NULL;
    *n = 0;
    kh_store *lite = kh_db_engine_of(from->db) == KH_DB_SQLITE ? from
                     : kh_db_engine_of(to->db) == KH_DB_SQLITE ? to
                                                               : NULL;
    if (!lite)
        return kh_err_fail(e, KH_EINVAL, "%s: copy from or into a SQLite "
                           "store (a file)", from->path);
    kh_db_stmt *st = NULL;
    if (kh_db_prepare(lite->db, "SELECT name FROM sqlite_master WHERE"
                                " type = 'table' AND name NOT LIKE"
                                " 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid",
                      &st) != KH_DB_OK)
        return kh_store_db_fail(lite, e, "reading the list of tables");
    kh_status rc = KH_OK;
    int step;
    while (rc == KH_OK && (step = kh_db_step(st)) == KH_DB_ROW) {
        char **nt = realloc(*out, (*n + 1) * sizeof *nt);
        if (!nt || !(nt[*n] = strdup(kh_db_column_text(st, 0)))) {
            if (nt)
                *out = nt;
            rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
            break;
        }
        *out = nt;
        (*n)++;
    }
    if (rc == KH_OK && step != KH_DB_DONE)
        rc = kh_store_db_fail(lite, e, "reading the list of tables");
    kh_db_finalize(st);
    return rc;
}

/* The PostgreSQL server process of s's connection, into *pid. */
static kh_status backend_pid(kh_store *s, int64_t *pid, kh_err *e)
{
    kh_db_stmt *st = NULL;
    if (kh_db_prepare(s->db, "SELECT pg_backend_pid()", &st) != KH_DB_OK)
        return kh_store_db_fail(s, e, "reading the source");
    int step = kh_db_step(st);
    *pid = step == KH_DB_ROW ? kh_db_column_int64(st, 0) : 0;
    kh_db_finalize(st);
    return step == KH_DB_ROW ? KH_OK
                             : kh_store_db_fail(s, e, "reading the source");
}

/* Holds the source still while it is read: SQLite's write lock (the
 * store's own transaction); on PostgreSQL one REPEATABLE READ snapshot,
 * read only, so that servers keep writing while every table is read as
 * of one moment.  *pid: the server process that holds the snapshot. */
static kh_status source_begin(kh_store *from, int64_t *pid, kh_err *e)
{
    *pid = 0;
    if (kh_db_engine_of(from->db) == KH_DB_SQLITE)
        return kh_store_begin(from, e);
    if (kh_db_exec(from->db, "BEGIN ISOLATION LEVEL REPEATABLE READ,"
                             " READ ONLY") != KH_DB_OK)
        return kh_store_db_fail(from, e, "starting a snapshot");
    kh_status rc = backend_pid(from, pid, e);
    if (rc != KH_OK)
        (void)kh_db_exec(from->db, "ROLLBACK");
    return rc;
}

/* Ends what source_begin started.  On PostgreSQL the snapshot held only
 * if the connection was never replaced (the driver reconnects a lost
 * connection outside the store's transactions, and a read on the new one
 * would see a later moment): the server process must be the same. */
static kh_status source_end(kh_store *from, int64_t pid, kh_status rc,
                            kh_err *e)
{
    if (kh_db_engine_of(from->db) == KH_DB_SQLITE) {
        kh_store_rollback(from);   /* nothing was written there */
        return rc;
    }
    int64_t now = 0;
    if (rc == KH_OK && (rc = backend_pid(from, &now, e)) == KH_OK &&
        now != pid)
        rc = kh_err_fail(e, KH_EDB, "%s: the connection was lost while "
                         "it was read; run the copy again", from->path);
    (void)kh_db_exec(from->db, "ROLLBACK");
    return rc;
}

/* Writes each evidence file the copied rows name into to's data dir,
 * after checking its hash in from's. */
static kh_status copy_files(kh_store *from, kh_store *to, const char *actor,
                            int64_t *files, kh_err *e)
{
    kh_db_stmt *st = NULL;
    if (kh_db_prepare(from->db, "SELECT sha256 FROM evidence ORDER BY sha256",
                      &st) != KH_DB_OK)
        return kh_store_db_fail(from, e, "reading the source");
    kh_status rc = KH_OK;
    kh_buf b;
    kh_buf_init(&b, KH_STORE_COPY_FILE_MAX);
    int step;
    while (rc == KH_OK && (step = kh_db_step(st)) == KH_DB_ROW) {
        char *name = NULL;
        kh_buf_reset(&b);
        rc = kh_store_evidence_get(from, kh_db_column_text(st, 0), &b, &name,
                                   e);
        /* Known content: put writes the file again, records nothing. */
        if (rc == KH_OK)
            rc = kh_store_evidence_put(to, actor, name, b.data, b.len,
                                       b.len ? b.len : 1, NULL, e);
        free(name);
        if (rc == KH_OK)
            (*files)++;
    }
    if (rc == KH_OK && step != KH_DB_DONE)
        rc = kh_store_db_fail(from, e, "reading the source");
    kh_buf_free(&b);
    kh_db_finalize(st);
    return rc;
}

/* kh_store_copy with or without the evidence files. */
static kh_status copy_all(kh_store *from, kh_store *to, const char *actor,
                          bool files, kh_store_copy_counts *counts,
                          kh_err *e)
{
    memset(counts, 0, sizeof *counts);
    char **tables = NULL;
    size_t n = 0;
    kh_status rc = source_tables(from, to, &tables, &n, e);
    if (rc == KH_OK)
        rc = target_empty(to, e);
    bool from_tx = false, to_tx = false;
    int64_t pid = 0;
    if (rc == KH_OK && (rc = source_begin(from, &pid, e)) == KH_OK)
        from_tx = true;
    if (rc == KH_OK && (rc = kh_store_begin(to, e)) == KH_OK)
        to_tx = true;
    kh_db_stmt *st = NULL;
    /* init's own meta rows (the empty audit head) give way to the
     * source's. */
    if (rc == KH_OK && (rc = kh_store_stmt(to, "DELETE FROM meta", &st, e)) ==
                           KH_OK)
        rc = kh_store_exec(to, st, e, "copying");
    for (size_t i = 0; i < n && rc == KH_OK; i++) {
        rc = copy_table(from, to, tables[i], &counts->rows, e);
        counts->tables++;
    }
    if (rc == KH_OK && files)
        rc = copy_files(from, to, actor, &counts->files, e);
    if (from_tx)
        rc = source_end(from, pid, rc, e);
    if (rc == KH_OK && to_tx) {
        to_tx = false;
        rc = kh_store_commit(to, e);
    }
    if (to_tx)
        kh_store_rollback(to);
    for (size_t i = 0; i < n; i++)
        free(tables[i]);
    free(tables);
    return rc;
}

kh_status kh_store_copy(kh_store *from, kh_store *to, const char *actor,
                        kh_store_copy_counts *counts, kh_err *e)
{
    return copy_all(from, to, actor, true, counts, e);
}

kh_status kh_store_copy_rows(kh_store *from, kh_store *to,
                             kh_store_copy_counts *counts, kh_err *e)
{
    return copy_all(from, to, NULL, false, counts, e);
}
