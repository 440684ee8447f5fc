/*
 * store.c - opening the store (pragmas, migrations), transactions, the
 * prepared-statement cache, time stamps and shared SQL helpers.
 */
#include "store_impl.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* 'kaoh': marks the file as a kaohe store (PRAGMA application_id). */
#define KH_STORE_APP_ID 0x6B616F68
#define KH_STORE_BUSY_MS 5000
/* The WAL's bound (docs/STORE.md): a passive checkpoint every
 * KH_STORE_WAL_PASSIVE_PAGES pages written (SQLite's own default), and
 * once the WAL holds KH_STORE_WAL_LIMIT bytes a TRUNCATE checkpoint,
 * which waits (up to the busy timeout) for the readers still using the
 * WAL and then empties it: under a storm of writes beside readers that
 * always overlap, a passive checkpoint never gets to restart the WAL. */
#define KH_STORE_WAL_PASSIVE_PAGES 1000
#define KH_STORE_WAL_LIMIT (16 * 1024 * 1024)

int kh_store_latest_version(void)
{
    return (int)kh_store_migration_count;
}

/* ---- helpers ------------------------------------------------------- */

kh_status kh_store_db_fail(kh_store *s, kh_err *e, const char *what)
{
    int rc = s && s->db ? sqlite3_errcode(s->db) : SQLITE_ERROR;
    const char *msg = s && s->db ? sqlite3_errmsg(s->db) : "no database";
    if (rc == SQLITE_NOMEM)
        return kh_err_fail(e, KH_ENOMEM, "out of memory while %s", what);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        return kh_err_fail(e, KH_EDB,
                           "database is busy (another writer) while %s", what);
    return kh_err_fail(e, KH_EDB, "database error while %s: %s", what, msg);
}

kh_status kh_store_need_tx(kh_store *s, kh_err *e)
{
    if (s->depth > 0)
        return KH_OK;
    return kh_err_fail(e, KH_ESTATE, "internal: write outside a transaction");
}

int kh_store_bind_str(sqlite3_stmt *st, int col, const char *s)
{
    if (!s)
        return sqlite3_bind_null(st, col);
    return sqlite3_bind_text(st, col, s, -1, SQLITE_TRANSIENT);
}

const char *kh_store_col_str(sqlite3_stmt *st, int col)
{
    /* NULL for SQL NULL; text (even empty) is never NULL short of running
     * out of memory. */
    return (const char *)sqlite3_column_text(st, col);
}

kh_status kh_store_stmt(kh_store *s, const char *sql, sqlite3_stmt **out,
                        kh_err *e)
{
    for (size_t i = 0; i < s->ncache; i++) {
        if (s->cache[i].sql == sql) {
            sqlite3_reset(s->cache[i].st);
            sqlite3_clear_bindings(s->cache[i].st);
            *out = s->cache[i].st;
            return KH_OK;
        }
    }
    if (s->ncache == s->acache) {
        size_t na = s->acache ? s->acache * 2 : 32;
        kh_store_cached *nc = realloc(s->cache, na * sizeof *nc);
        if (!nc)
            return kh_err_fail(e, KH_ENOMEM, "out of memory");
        s->cache = nc;
        s->acache = na;
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
                           NULL) != SQLITE_OK)
        return kh_store_db_fail(s, e, "preparing a statement");
    s->cache[s->ncache].sql = sql;
    s->cache[s->ncache].st = st;
    s->ncache++;
    *out = st;
    return KH_OK;
}

kh_status kh_store_exec(kh_store *s, sqlite3_stmt *st, kh_err *e,
                        const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW)
        return KH_OK;
    return kh_store_db_fail(s, e, what);
}

void kh_store_sha256_hex(const void *data, size_t len,
                         char hex[KH_STORE_HEX_SZ])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(hex, KH_STORE_HEX_SZ, h, sizeof h);
}

/* Runs fixed SQL with no parameters and no result (pragmas, DDL). */
static kh_status exec_sql(kh_store *s, const char *sql, kh_err *e,
                          const char *what)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return kh_store_db_fail(s, e, what);
    return KH_OK;
}

/* Reads one integer pragma. */
static kh_status pragma_int(kh_store *s, const char *sql, int *out, kh_err *e)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return kh_store_db_fail(s, e, "reading the schema version");
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return kh_store_db_fail(s, e, "reading the schema version");
    return KH_OK;
}

/* ---- time ---------------------------------------------------------- */

void kh_store_set_time(kh_store *s, int64_t unix_seconds)
{
    s->fixed_time = unix_seconds;
}

void kh_store_now(const kh_store *s, char buf[KH_STORE_TIME_SZ])
{
    time_t t = s && s->fixed_time ? (time_t)s->fixed_time : time(NULL);
    struct tm tm;
    if (!gmtime_r(&t, &tm) ||
        strftime(buf, KH_STORE_TIME_SZ, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, KH_STORE_TIME_SZ, "1970-01-01T00:00:00Z");
}

void kh_store_today(const kh_store *s, char buf[KH_STORE_DATE_SZ])
{
    /* Deadlines and report dates are the college's calendar days: China
     * Standard Time, UTC+8 all year (no daylight saving). */
    time_t t = s && s->fixed_time ? (time_t)s->fixed_time : time(NULL);
    t += 8 * 3600;
    struct tm tm;
    if (!gmtime_r(&t, &tm) ||
        strftime(buf, KH_STORE_DATE_SZ, "%Y-%m-%d", &tm) == 0)
        snprintf(buf, KH_STORE_DATE_SZ, "1970-01-01");
}

/* ---- the WAL's bound ----------------------------------------------- */

/* sqlite3_wal_hook: called after each commit with the WAL's size in
 * pages; replaces SQLite's autocheckpoint. */
static int wal_hook(void *ctx, sqlite3 *db, const char *name, int pages)
{
    kh_store *s = ctx;
    int64_t bytes = (int64_t)pages * s->page_size;
    if (s->wal_limit > 0 && bytes >= s->wal_limit)
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_TRUNCATE, NULL,
                                  NULL);
    else if (pages >= KH_STORE_WAL_PASSIVE_PAGES)
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL,
                                  NULL);
    return SQLITE_OK;   /* a checkpoint that could not finish is retried */
}

kh_status kh_store_set_wal_limit(kh_store *s, int64_t bytes, kh_err *e)
{
    char sql[64];
    s->wal_limit = bytes;
    /* A WAL reset after a checkpoint is cut back to the limit too. */
    snprintf(sql, sizeof sql, "PRAGMA journal_size_limit = %" PRId64,
             bytes > 0 ? bytes : (int64_t)-1);
    return exec_sql(s, sql, e, "setting the WAL limit");
}

static kh_status wal_bound(kh_store *s, kh_err *e)
{
    kh_status st = pragma_int(s, "PRAGMA page_size", &s->page_size, e);
    if (st != KH_OK)
        return st;
    sqlite3_wal_hook(s->db, wal_hook, s);
    return kh_store_set_wal_limit(s, KH_STORE_WAL_LIMIT, e);
}

/* ---- opening ------------------------------------------------------- */

static kh_status migrate(kh_store *s, kh_err *e)
{
    int v = 0;
    kh_status st = pragma_int(s, "PRAGMA user_version", &v, e);
    if (st != KH_OK)
        return st;
    int latest = kh_store_latest_version();
    if (v > latest)
        return kh_err_fail(e, KH_EDB,
                           "%s: database schema version %d is newer than "
                           "this kaohe knows (%d)",
                           s->path, v, latest);
    if (v == latest)
        return KH_OK;
    if (v == 0) {
        /* A fresh store must be an empty file, not someone else's. */
        int tables = 0;
        st = pragma_int(s, "SELECT count(*) FROM sqlite_master", &tables, e);
        if (st != KH_OK)
            return st;
        if (tables > 0)
            return kh_err_fail(e, KH_EDB, "%s: not a kaohe database",
                               s->path);
    }
    if ((st = kh_store_begin(s, e)) != KH_OK)
        return st;
    /* Another process may have migrated while we waited for the lock. */
    if ((st = pragma_int(s, "PRAGMA user_version", &v, e)) != KH_OK)
        goto fail;
    for (int i = v; i < latest; i++) {
        char what[64];
        snprintf(what, sizeof what, "applying schema migration %d", i + 1);
        if ((st = exec_sql(s, kh_store_migrations[i], e, what)) != KH_OK)
            goto fail;
        char sql[64];
        /* Pragmas take no parameters; i + 1 is our own integer. */
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", i + 1);
        if ((st = exec_sql(s, sql, e, what)) != KH_OK)
            goto fail;
    }
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA application_id = %d", KH_STORE_APP_ID);
    if ((st = exec_sql(s, sql, e, "marking the database")) != KH_OK)
        goto fail;
    return kh_store_commit(s, e);
fail:
    kh_store_rollback(s);
    return st;
}

kh_status kh_store_open(const char *path, unsigned flags, kh_err *e,
                        kh_store **out)
{
    *out = NULL;
    if (sodium_init() < 0)
        return kh_err_fail(e, KH_EDB, "cannot initialise libsodium");
    bool mem = strcmp(path, ":memory:") == 0;
    if (!mem && !(flags & KH_STORE_CREATE)) {
        struct stat sb;
        if (stat(path, &sb) != 0)
            return kh_err_fail(e, KH_ENOTFOUND,
                               "%s: no such database (create it with "
                               "'kaohe init')",
                               path);
    }
    kh_store *s = calloc(1, sizeof *s);
    if (!s)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    s->path = strdup(path);
    if (!mem && s->path && asprintf(&s->data_dir, "%s.data", path) < 0)
        s->data_dir = NULL;
    if (!s->path || (!mem && !s->data_dir)) {
        kh_store_close(s);
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (flags & KH_STORE_CREATE)
        oflags |= SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(path, &s->db, oflags, NULL) != SQLITE_OK) {
        kh_status st = s->db
            ? kh_err_fail(e, KH_EDB, "%s: cannot open database: %s", path,
                          sqlite3_errmsg(s->db))
            : kh_err_fail(e, KH_ENOMEM, "out of memory");
        kh_store_close(s);
        return st;
    }
    sqlite3_extended_result_codes(s->db, 0);
    sqlite3_busy_timeout(s->db, KH_STORE_BUSY_MS);
    kh_status st;
    int app = 0, v = 0;
    /* Reading the header first tells a non-database file apart. */
    if (pragma_int(s, "PRAGMA application_id", &app, NULL) != KH_OK ||
        pragma_int(s, "PRAGMA user_version", &v, NULL) != KH_OK ||
        (v > 0 && app != KH_STORE_APP_ID)) {
        kh_store_close(s);
        return kh_err_fail(e, KH_EDB, "%s: not a kaohe database", path);
    }
    if ((st = exec_sql(s, "PRAGMA foreign_keys = ON", e, "opening")) != KH_OK ||
        (st = exec_sql(s, "PRAGMA synchronous = NORMAL", e, "opening")) !=
            KH_OK ||
        /* 32 MiB of page cache: a large import touches many pages. */
        (st = exec_sql(s, "PRAGMA cache_size = -32768", e, "opening")) !=
            KH_OK ||
        (!mem && (st = exec_sql(s, "PRAGMA journal_mode = WAL", e,
                                "switching to WAL")) != KH_OK) ||
        (!mem && (st = wal_bound(s, e)) != KH_OK) ||
        (st = migrate(s, e)) != KH_OK) {
        kh_store_close(s);
        return st;
    }
    *out = s;
    return KH_OK;
}

kh_status kh_store_set_cache_kib(kh_store *s, int kib, kh_err *e)
{
    char sql[48];
    snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d", kib > 0 ? kib : 1);
    return exec_sql(s, sql, e, "setting the page cache");
}

void kh_store_close(kh_store *s)
{
    if (!s)
        return;
    if (s->depth > 0 && s->db)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    for (size_t i = 0; i < s->ncache; i++)
        sqlite3_finalize(s->cache[i].st);
    for (size_t i = 0; i < s->nrcache; i++)
        kh_rubric_free(s->rcache[i].r);
    free(s->rcache);
    free(s->cache);
    if (s->db)
        sqlite3_close_v2(s->db);
    free(s->path);
    free(s->data_dir);
    free(s);
}

int kh_store_version(const kh_store *s)
{
    int v = 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) ==
            SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

const char *kh_store_path(const kh_store *s)
{
    return s->path;
}

const char *kh_store_data_dir(const kh_store *s)
{
    return s->data_dir;
}

/* ---- transactions -------------------------------------------------- */

kh_status kh_store_begin(kh_store *s, kh_err *e)
{
    const char *sql = s->depth == 0 ? "BEGIN IMMEDIATE" : "SAVEPOINT kh_sp";
    if (s->depth == 0)
        s->tx_first = s->tx_last = s->done_first = s->done_last = 0;
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return kh_store_db_fail(s, e, "starting a transaction");
    s->depth++;
    return KH_OK;
}

kh_status kh_store_commit(kh_store *s, kh_err *e)
{
    if (s->depth <= 0)
        return kh_err_fail(e, KH_ESTATE, "internal: commit without begin");
    const char *sql = s->depth == 1 ? "COMMIT" : "RELEASE kh_sp";
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        kh_status st = kh_store_db_fail(s, e, "committing");
        kh_store_rollback(s);
        return st;
    }
    s->depth--;
    if (s->depth == 0) {
        s->done_first = s->tx_first;
        s->done_last = s->tx_last;
    }
    return KH_OK;
}

void kh_store_last_commit_seqs(const kh_store *s, int64_t *first,
                               int64_t *last)
{
    *first = s->done_first;
    *last = s->done_last;
}

void kh_store_rollback(kh_store *s)
{
    if (s->depth <= 0)
        return;
    if (s->depth == 1)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    else
        sqlite3_exec(s->db, "ROLLBACK TO kh_sp; RELEASE kh_sp", NULL, NULL,
                     NULL);
    s->depth--;
}

bool kh_store_in_tx(const kh_store *s)
{
    return s->depth > 0;
}

/* ---- progress ------------------------------------------------------ */

void kh_store_set_progress(kh_store *s, kh_progress_fn fn, void *ctx)
{
    s->progress = fn;
    s->progress_ctx = ctx;
}

void kh_store_progress(kh_store *s, const char *stage, size_t done,
                       size_t total)
{
    if (s->progress)
        s->progress(s->progress_ctx, stage, done, total);
}
