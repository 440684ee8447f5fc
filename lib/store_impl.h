/*
 * store_impl.h - private declarations shared by lib/store*.c: the store
 * struct, the prepared-statement cache, error helpers.  Not installed.
 */
#ifndef KAOHE_STORE_IMPL_H
#define KAOHE_STORE_IMPL_H

#include <sqlite3.h>
#include "kaohe/store.h"

/* hex SHA-256: 64 digits + NUL */
#define KH_STORE_HEX_SZ 65

typedef struct kh_store_cached {
    const char *sql;       /* key: the literal's address */
    sqlite3_stmt *st;
} kh_store_cached;

struct kh_store {
    sqlite3 *db;
    char *path;            /* owned */
    char *data_dir;        /* owned; NULL for :memory: */
    int depth;             /* transaction nesting: 0 = none */
    int64_t fixed_time;    /* 0 = use the clock */
    kh_store_cached *cache;/* owned; statements finalized on close */
    size_t ncache, acache;
};

/* The migrations, oldest first: migration i+1 is kh_store_migrations[i]
 * (lib/store_schema.c). */
extern const char *const kh_store_migrations[];
extern const size_t kh_store_migration_count;

/* Returns in *out the prepared statement for sql, reset with its bindings
 * cleared.  sql must be a string literal: its address is the cache key.
 * The statement stays owned by the store; a statement must not be used by
 * two loops at once (nested use resets the outer one). */
kh_status kh_store_stmt(kh_store *s, const char *sql, sqlite3_stmt **out,
                        kh_err *e);
/* Adds "database error while WHAT: sqlite message" to e and returns
 * KH_EDB (KH_ENOMEM for SQLITE_NOMEM). */
kh_status kh_store_db_fail(kh_store *s, kh_err *e, const char *what);
/* KH_ESTATE with a message unless inside a transaction. */
kh_status kh_store_need_tx(kh_store *s, kh_err *e);
/* Binds s (NULL binds SQL NULL) as text; returns the sqlite code. */
int kh_store_bind_str(sqlite3_stmt *st, int col, const char *s);
/* Column text as a C string (NULL for SQL NULL); borrowed until the next
 * step/reset. */
const char *kh_store_col_str(sqlite3_stmt *st, int col);
/* Runs a statement that returns no rows (after binding); resets it. */
kh_status kh_store_exec(kh_store *s, sqlite3_stmt *st, kh_err *e,
                        const char *what);

/* SHA-256 of data as 64 lower-case hex digits into hex. */
void kh_store_sha256_hex(const void *data, size_t len,
                         char hex[KH_STORE_HEX_SZ]);
/* Checks the year exists and is in one of the allowed states (a bit mask
 * of 1u << kh_year_state); otherwise a message saying what `doing` needs.
 * *state (may be NULL) receives the state. */
kh_status kh_store_year_require(kh_store *s, int year, unsigned allowed,
                                const char *doing, kh_year_state *state,
                                kh_err *e);
#define KH_YEAR_BIT(st) (1u << (st))

#endif
