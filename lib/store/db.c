/*
 * db.c - the driver layer under the store (db.h): connections, statements,
 * transactions and error mapping on SQLite.  The only file that includes
 * sqlite3.h.
 */
#include "db.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

struct kh_db {
    kh_db_engine engine;
    sqlite3 *lite;
    int err;               /* KH_DB_* of the last failure */
};

struct kh_db_stmt {
    kh_db *db;
    sqlite3_stmt *lite;
};

/* ---- errors -------------------------------------------------------- */

static int lite_map(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK: return KH_DB_OK;
    case SQLITE_ROW: return KH_DB_ROW;
    case SQLITE_DONE: return KH_DB_DONE;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return KH_DB_BUSY;
    case SQLITE_FULL: return KH_DB_FULL;
    case SQLITE_CORRUPT: return KH_DB_CORRUPT;
    case SQLITE_IOERR: return KH_DB_IOERR;
    case SQLITE_CONSTRAINT: return KH_DB_CONSTRAINT;
    case SQLITE_NOTADB: return KH_DB_NOTADB;
    case SQLITE_CANTOPEN: return KH_DB_CANTOPEN;
    case SQLITE_AUTH:
    case SQLITE_PERM: return KH_DB_AUTH;
    case SQLITE_NOMEM: return KH_DB_NOMEM;
    default: return KH_DB_ERROR;
    }
}

/* Records a SQLite result code on db and returns its mapping. */
static int lite_rc(kh_db *db, int rc)
{
    /* Like sqlite3_errcode: the outcome of the most recent call. */
    return db->err = lite_map(rc);
}

int kh_db_errcode(const kh_db *db)
{
    return db ? db->err : KH_DB_NOMEM;
}

const char *kh_db_errmsg(const kh_db *db)
{
    if (!db)
        return "out of memory";
    return db->lite ? sqlite3_errmsg(db->lite) : "no database";
}

/* ---- connections --------------------------------------------------- */

bool kh_db_is_uri(const char *target)
{
    return strncmp(target, "postgresql://", 13) == 0 ||
           strncmp(target, "postgres://", 11) == 0;
}

int kh_db_open(const char *target, unsigned flags, kh_db **out)
{
    kh_db *db = calloc(1, sizeof *db);
    *out = db;
    if (!db)
        return KH_DB_NOMEM;
    db->engine = KH_DB_SQLITE;
    int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (flags & KH_DB_OPEN_CREATE)
        oflags |= SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2(target, &db->lite, oflags, NULL);
    if (!db->lite)
        return db->err = KH_DB_NOMEM;
    sqlite3_extended_result_codes(db->lite, 0);
    return lite_rc(db, rc);
}

void kh_db_close(kh_db *db)
{
    if (!db)
        return;
    if (db->lite)
        sqlite3_close_v2(db->lite);
    free(db);
}

kh_db_engine kh_db_engine_of(const kh_db *db)
{
    return db->engine;
}

int kh_db_exec(kh_db *db, const char *sql)
{
    return lite_rc(db, sqlite3_exec(db->lite, sql, NULL, NULL, NULL));
}

void kh_db_busy_timeout(kh_db *db, int ms)
{
    sqlite3_busy_timeout(db->lite, ms);
}

int64_t kh_db_changes(kh_db *db)
{
    return sqlite3_changes64(db->lite);
}

int64_t kh_db_last_insert_rowid(kh_db *db)
{
    return sqlite3_last_insert_rowid(db->lite);
}

/* ---- statements ---------------------------------------------------- */

static int prepare(kh_db *db, const char *sql, unsigned pflags,
                   kh_db_stmt **out)
{
    *out = NULL;
    kh_db_stmt *st = calloc(1, sizeof *st);
    if (!st)
        return db->err = KH_DB_NOMEM;
    st->db = db;
    int rc = sqlite3_prepare_v3(db->lite, sql, -1, pflags, &st->lite, NULL);
    if (rc != SQLITE_OK) {
        free(st);
        return lite_rc(db, rc);
    }
    *out = st;
    return KH_DB_OK;
}

int kh_db_prepare(kh_db *db, const char *sql, kh_db_stmt **out)
{
    return prepare(db, sql, 0, out);
}

int kh_db_prepare_persistent(kh_db *db, const char *sql, kh_db_stmt **out)
{
    return prepare(db, sql, SQLITE_PREPARE_PERSISTENT, out);
}

void kh_db_finalize(kh_db_stmt *st)
{
    if (!st)
        return;
    sqlite3_finalize(st->lite);
    free(st);
}

int kh_db_reset(kh_db_stmt *st)
{
    /* sqlite3_reset repeats the last step's error; the step reported it. */
    sqlite3_reset(st->lite);
    return KH_DB_OK;
}

int kh_db_clear_bindings(kh_db_stmt *st)
{
    return lite_rc(st->db, sqlite3_clear_bindings(st->lite));
}

int kh_db_bind_int(kh_db_stmt *st, int col, int v)
{
    return lite_rc(st->db, sqlite3_bind_int(st->lite, col, v));
}

int kh_db_bind_int64(kh_db_stmt *st, int col, int64_t v)
{
    return lite_rc(st->db, sqlite3_bind_int64(st->lite, col, v));
}

int kh_db_bind_text(kh_db_stmt *st, int col, const char *v, int n)
{
    if (!v)
        return kh_db_bind_null(st, col);
    return lite_rc(st->db,
                   sqlite3_bind_text(st->lite, col, v, n, SQLITE_TRANSIENT));
}

int kh_db_bind_blob(kh_db_stmt *st, int col, const void *v, size_t n)
{
    return lite_rc(st->db, sqlite3_bind_blob64(st->lite, col, v ? v : "", n,
                                               SQLITE_TRANSIENT));
}

int kh_db_bind_null(kh_db_stmt *st, int col)
{
    return lite_rc(st->db, sqlite3_bind_null(st->lite, col));
}

int kh_db_step(kh_db_stmt *st)
{
    return lite_rc(st->db, sqlite3_step(st->lite));
}

int kh_db_column_int(kh_db_stmt *st, int col)
{
    return sqlite3_column_int(st->lite, col);
}

int64_t kh_db_column_int64(kh_db_stmt *st, int col)
{
    return sqlite3_column_int64(st->lite, col);
}

const char *kh_db_column_text(kh_db_stmt *st, int col)
{
    return (const char *)sqlite3_column_text(st->lite, col);
}

const void *kh_db_column_blob(kh_db_stmt *st, int col)
{
    return sqlite3_column_blob(st->lite, col);
}

int kh_db_column_bytes(kh_db_stmt *st, int col)
{
    return sqlite3_column_bytes(st->lite, col);
}

bool kh_db_column_is_null(kh_db_stmt *st, int col)
{
    return sqlite3_column_type(st->lite, col) == SQLITE_NULL;
}

/* ---- transactions -------------------------------------------------- */

int kh_db_begin(kh_db *db)
{
    return kh_db_exec(db, "BEGIN IMMEDIATE");
}

int kh_db_commit(kh_db *db)
{
    return kh_db_exec(db, "COMMIT");
}

int kh_db_rollback(kh_db *db)
{
    return kh_db_exec(db, "ROLLBACK");
}

int kh_db_savepoint(kh_db *db)
{
    return kh_db_exec(db, "SAVEPOINT kh_sp");
}

int kh_db_release(kh_db *db)
{
    return kh_db_exec(db, "RELEASE kh_sp");
}

int kh_db_rollback_to(kh_db *db)
{
    return kh_db_exec(db, "ROLLBACK TO kh_sp; RELEASE kh_sp");
}
