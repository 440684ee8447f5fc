/*
 * db.h - the store's driver layer: one connection and its statements on
 * SQLite or PostgreSQL, with the call shapes of SQLite's C API (by name:
 * sqlite3_step -> kh_db_step) so that store code reads the same on both.
 * lib/store/db.c is the only file that includes sqlite3.h or libpq-fe.h.
 * Private to lib/store; not installed.
 */
#ifndef KAOHE_STORE_DB_H
#define KAOHE_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kaohe/error.h"

/* Result codes of kh_db_* calls.  KH_DB_OK, _ROW and _DONE are not
 * errors; every other code says what kind of failure it was, whatever the
 * engine. */
enum {
    KH_DB_OK = 0,
    KH_DB_ERROR,      /* anything else (the message says what) */
    KH_DB_BUSY,       /* locked by another writer; retrying may succeed */
    KH_DB_RETRY,      /* serialization failure or deadlock: redo the tx */
    KH_DB_FULL,       /* disk or quota full */
    KH_DB_CORRUPT,    /* damaged or truncated database */
    KH_DB_IOERR,      /* the operating system could not read or write */
    KH_DB_CONSTRAINT, /* a UNIQUE, CHECK or foreign key refused a row */
    KH_DB_NOTADB,     /* the file is not a database at all */
    KH_DB_CANTOPEN,   /* cannot open or connect */
    KH_DB_AUTH,       /* the server refused the credentials */
    KH_DB_NOMEM,      /* out of memory */
    KH_DB_ROW = 100,  /* kh_db_step: a row is ready */
    KH_DB_DONE = 101  /* kh_db_step: no more rows */
};

typedef enum kh_db_engine {
    KH_DB_SQLITE = 0,
    KH_DB_POSTGRES = 1
} kh_db_engine;

/* Open flags. */
#define KH_DB_OPEN_CREATE 1u  /* SQLite: create a missing file */

typedef struct kh_db kh_db;
typedef struct kh_db_stmt kh_db_stmt;

/* True when target names a PostgreSQL database (a postgres:// or
 * postgresql:// URI), false for a SQLite file path. */
bool kh_db_is_uri(const char *target);

/* Opens target (a file path, ":memory:" or a PostgreSQL URI).  *out is
 * set even on failure (except out of memory) so kh_db_errmsg can say why;
 * the caller owns it and closes it with kh_db_close. */
int kh_db_open(const char *target, unsigned flags, kh_db **out);
void kh_db_close(kh_db *db);
kh_db_engine kh_db_engine_of(const kh_db *db);
/* True once any call on db has failed with KH_DB_CORRUPT. */
bool kh_db_corrupt(const kh_db *db);

/* The code and text of the connection's last failure (text borrowed until
 * the next call on db; never contains a password). */
int kh_db_errcode(const kh_db *db);
const char *kh_db_errmsg(const kh_db *db);

/* The cause a KH_DB_* code stands for, whatever the engine: what the
 * store puts on its kh_err so that front ends answer by cause (SQLite's
 * BUSY/LOCKED and PostgreSQL's 40001/40P01/55P03/57014 are busy; FULL
 * and 53xxx full; CORRUPT and XX001/XX002 damaged; IOERR and 58xxx io;
 * NOTADB not a store; a server that cannot be reached (08xxx, 57P0x)
 * down). */
kh_cause kh_db_cause(int code);

/* Runs one or more statements with no parameters and no result rows
 * (DDL, pragmas, BEGIN/COMMIT). */
int kh_db_exec(kh_db *db, const char *sql);

/* Runs schema DDL written for SQLite (migrations); on PostgreSQL the
 * column types are rewritten first (INTEGER PRIMARY KEY -> identity,
 * INTEGER -> BIGINT, BLOB -> BYTEA, TEXT -> TEXT COLLATE "C"). */
int kh_db_exec_schema(kh_db *db, const char *sql);

/* Loosens a CHECK constraint of table (a migration's widening of a list
 * of allowed values: every stored row still passes).  SQLite cannot alter
 * a constraint: the text `from` of the table's stored CREATE statement
 * becomes `to` and the schema is reloaded (rows and file format are
 * untouched).  PostgreSQL: constraint `name` is dropped and added again
 * as `pg_check`.  The names are the caller's constants. */
int kh_db_widen_check(kh_db *db, const char *table, const char *name,
                      const char *from, const char *to,
                      const char *pg_check);

/* The store's schema version and application id (SQLite: PRAGMA
 * user_version and application_id; PostgreSQL: table kaohe_schema, 0 and
 * 0 when it does not exist). */
int kh_db_get_version(kh_db *db, int *version, int *app_id);
int kh_db_set_version(kh_db *db, int version, int app_id);
/* Number of tables in the database (the current schema on PostgreSQL). */
int kh_db_count_tables(kh_db *db, int64_t *n);

/* Prepares one statement, written for SQLite with ? placeholders; the
 * caller owns *out (kh_db_finalize).  A persistent statement is kept for
 * the life of the connection (the store's cache). */
int kh_db_prepare(kh_db *db, const char *sql, kh_db_stmt **out);
int kh_db_prepare_persistent(kh_db *db, const char *sql, kh_db_stmt **out);
/* Finalizes st (NULL is fine). */
void kh_db_finalize(kh_db_stmt *st);
/* Makes st ready to run again; bindings stay unless cleared. */
int kh_db_reset(kh_db_stmt *st);
int kh_db_clear_bindings(kh_db_stmt *st);

/* Parameters are numbered from 1; values are copied.  A failed bind is
 * kept: the next step returns its code without running the statement
 * (until kh_db_reset or kh_db_clear_bindings). */
int kh_db_bind_int(kh_db_stmt *st, int col, int v);
int kh_db_bind_int64(kh_db_stmt *st, int col, int64_t v);
/* n < 0: up to the NUL. */
int kh_db_bind_text(kh_db_stmt *st, int col, const char *v, int n);
int kh_db_bind_blob(kh_db_stmt *st, int col, const void *v, size_t n);
int kh_db_bind_null(kh_db_stmt *st, int col);

/* KH_DB_ROW, KH_DB_DONE or an error code. */
int kh_db_step(kh_db_stmt *st);

/* Columns of the current row, numbered from 0.  Text and blobs are
 * borrowed until the next step/reset/finalize of st; text is NULL for SQL
 * NULL. */
int kh_db_column_int(kh_db_stmt *st, int col);
int64_t kh_db_column_int64(kh_db_stmt *st, int col);
const char *kh_db_column_text(kh_db_stmt *st, int col);
const void *kh_db_column_blob(kh_db_stmt *st, int col);
int kh_db_column_bytes(kh_db_stmt *st, int col);
bool kh_db_column_is_null(kh_db_stmt *st, int col);

/* The columns of a statement's result (kaohe store copy): how many,
 * their names (borrowed like text) and the kind of value in the current
 * row. */
enum { KH_DB_T_INTEGER = 1, KH_DB_T_TEXT, KH_DB_T_BLOB, KH_DB_T_NULL };
int kh_db_column_count(kh_db_stmt *st);
const char *kh_db_column_name(kh_db_stmt *st, int col);
int kh_db_column_kind(kh_db_stmt *st, int col);
/* After rows with given ids were copied into table: moves its identity
 * columns past them (PostgreSQL; nothing to do on SQLite). */
int kh_db_identity_resync(kh_db *db, const char *table);

/* Bulk loading (store copy, restore): rows appended to one table of a
 * transaction already begun on db.  PostgreSQL: one COPY ... FROM STDIN
 * in text format, streamed in chunks of KH_DB_BULK_CHUNK bytes (each
 * value escaped; a bytea column takes any value's bytes in hex);
 * SQLite: one prepared INSERT reused for every row.  Values are given
 * in column order, then kh_db_bulk_row ends the row.  The engine may
 * report a refused row only at kh_db_bulk_finish: a failure of any call
 * ends the load (finish it, then roll the transaction back). */
#define KH_DB_BULK_CHUNK ((size_t)256 << 10)
typedef struct kh_db_bulk kh_db_bulk;
/* cols: ncols plain lower-case names (borrowed for the call).  *out is
 * the caller's (kh_db_bulk_finish frees it), NULL on failure. */
int kh_db_bulk_begin(kh_db *db, const char *table, const char *const *cols,
                     int ncols, kh_db_bulk **out);
int kh_db_bulk_int64(kh_db_bulk *b, int64_t v);
/* n bytes of v (text: UTF-8; blob: any bytes); v NULL is SQL NULL. */
int kh_db_bulk_text(kh_db_bulk *b, const char *v, size_t n);
int kh_db_bulk_blob(kh_db_bulk *b, const void *v, size_t n);
int kh_db_bulk_null(kh_db_bulk *b);
int kh_db_bulk_row(kh_db_bulk *b);
/* Ends the load and frees b (NULL is fine): abort cancels it (the
 * caller's own failure).  Returns the outcome of the whole load; when a
 * row was refused, *bad_row is its number (from 1, in the order given;
 * 0 when the engine did not say, e.g. a foreign key checked at the end
 * of the load) and kh_db_errmsg says why, with the engine's detail. */
int kh_db_bulk_finish(kh_db_bulk *b, bool abort, int64_t *bad_row);

/* Rows changed by the last INSERT/UPDATE/DELETE on db. */
int64_t kh_db_changes(kh_db *db);
/* The id given to the row of the last INSERT into a table with an
 * INTEGER PRIMARY KEY (on PostgreSQL: lastval() of its identity). */
int64_t kh_db_last_insert_rowid(kh_db *db);

/* Transactions: a write transaction that excludes other writers until it
 * ends (BEGIN IMMEDIATE on SQLite; on PostgreSQL a transaction-scoped
 * advisory lock taken at BEGIN); savepoints nest inside it. */
int kh_db_begin(kh_db *db);
/* The same without the writers' lock on PostgreSQL (SQLite: BEGIN
 * IMMEDIATE all the same): rows it changes are locked row by row until
 * kh_db_writer_lock, which takes the writers' lock once per transaction
 * (held to its end; a no-op on SQLite and when already held).  A wait
 * that closes a cycle with row locks fails with KH_DB_RETRY. */
int kh_db_begin_deferred(kh_db *db);
int kh_db_writer_lock(kh_db *db);
int kh_db_commit(kh_db *db);
int kh_db_rollback(kh_db *db);
int kh_db_savepoint(kh_db *db);
int kh_db_release(kh_db *db);
int kh_db_rollback_to(kh_db *db);

/* How long a writer waits for another one before KH_DB_BUSY. */
void kh_db_busy_timeout(kh_db *db, int ms);

/* SQLite in WAL mode: after each commit, a PASSIVE checkpoint once the WAL
 * holds passive_pages pages, and a TRUNCATE checkpoint (waiting for the
 * readers still using it) once it holds limit bytes; limit <= 0 leaves
 * SQLite's own checkpoints.  A WAL reset after a checkpoint is cut back to
 * the limit too (journal_size_limit).  Nothing to do on PostgreSQL. */
int kh_db_wal_bound(kh_db *db, int64_t limit, int passive_pages);

/* SQLite: copies the whole database to a new file at path, online (one
 * backup step inside one read transaction, so the copy is the database as
 * of one commit while others write); a busy source is retried `tries`
 * times, 50 ms apart.  On failure the reason goes into msg (size sz).
 * PostgreSQL: KH_DB_ERROR (pg_dump is the tool). */
int kh_db_backup_to(kh_db *db, const char *path, int tries, char *msg,
                    size_t sz);

#endif
