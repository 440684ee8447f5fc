/*
 * store.c - opening the store (pragmas, migrations), transactions, the
 * prepared-statement cache, time stamps and shared SQL helpers.
 */
#include "store_impl.h"

#include <errno.h>
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

int kh_store_latest_version(void)
{
    return (int)kh_store_migration_count;
}

/* ---- helpers ------------------------------------------------------- */

kh_status kh_store_db_fail(kh_store *s, kh_err *e, const char *what)
{
    int rc = s && s->db ? kh_db_errcode(s->db) : KH_DB_ERROR;
    const char *msg = s && s->db ? kh_db_errmsg(s->db) : "no database";
    switch (rc) {
    case KH_DB_NOMEM:
        return kh_err_fail(e, KH_ENOMEM, "out of memory while %s", what);
    case KH_DB_BUSY:
    case KH_DB_RETRY:
        return kh_err_fail(e, KH_EDB,
                           "database is busy (another writer) while %s", what);
    case KH_DB_FULL:
        return kh_err_fail(e, KH_EIO, "disk full while %s", what);
    case KH_DB_IOERR:
        return kh_err_fail(e, KH_EIO, "I/O error while %s: %s", what, msg);
    case KH_DB_CORRUPT:
        return kh_err_fail(e, KH_EDB, "database is damaged (%s) while %s",
                           msg, what);
    case KH_DB_NOTADB:
        return kh_err_fail(e, KH_EDB, "not a database file while %s", what);
    default:
        return kh_err_fail(e, KH_EDB, "database error while %s: %s", what,
                           msg);
    }
}

kh_status kh_store_need_tx(kh_store *s, kh_err *e)
{
    if (s->depth > 0)
        return KH_OK;
    return kh_err_fail(e, KH_ESTATE, "internal: write outside a transaction");
}

int kh_store_bind_str(kh_db_stmt *st, int col, const char *s)
{
    if (!s)
        return kh_db_bind_null(st, col);
    return kh_db_bind_text(st, col, s, -1);
}

const char *kh_store_col_str(kh_db_stmt *st, int col)
{
    /* NULL for SQL NULL; text (even empty) is never NULL short of running
     * out of memory. */
    return kh_db_column_text(st, col);
}

kh_status kh_store_stmt(kh_store *s, const char *sql, kh_db_stmt **out,
                        kh_err *e)
{
    for (size_t i = 0; i < s->ncache; i++) {
        if (s->cache[i].sql == sql) {
            kh_db_reset(s->cache[i].st);
            kh_db_clear_bindings(s->cache[i].st);
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
    kh_db_stmt *st = NULL;
    if (kh_db_prepare_persistent(s->db, sql, &st) != KH_DB_OK)
        return kh_store_db_fail(s, e, "preparing a statement");
    s->cache[s->ncache].sql = sql;
    s->cache[s->ncache].st = st;
    s->ncache++;
    *out = st;
    return KH_OK;
}

kh_status kh_store_exec(kh_store *s, kh_db_stmt *st, kh_err *e,
                        const char *what)
{
    int rc = kh_db_step(st);
    kh_db_reset(st);
    if (rc == KH_DB_DONE || rc == KH_DB_ROW)
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
    if (kh_db_exec(s->db, sql) != KH_DB_OK)
        return kh_store_db_fail(s, e, what);
    return KH_OK;
}

/* Reads one integer pragma. */
static kh_status pragma_int(kh_store *s, const char *sql, int *out, kh_err *e)
{
    kh_db_stmt *st = NULL;
    if (kh_db_prepare(s->db, sql, &st) != KH_DB_OK)
        return kh_store_db_fail(s, e, "reading the schema version");
    int rc = kh_db_step(st);
    if (rc == KH_DB_ROW)
        *out = kh_db_column_int(st, 0);
    kh_db_finalize(st);
    if (rc != KH_DB_ROW)
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
    unsigned oflags = (flags & KH_STORE_CREATE) ? KH_DB_OPEN_CREATE : 0;
    if (kh_db_open(path, oflags, &s->db) != KH_DB_OK) {
        kh_status st = s->db
            ? kh_err_fail(e, KH_EDB, "%s: cannot open database: %s", path,
                          kh_db_errmsg(s->db))
            : kh_err_fail(e, KH_ENOMEM, "out of memory");
        kh_store_close(s);
        return st;
    }
    kh_db_busy_timeout(s->db, KH_STORE_BUSY_MS);
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
    /* Closing ends the transaction anyway; nothing to report to. */
    if (s->depth > 0 && s->db)
        (void)kh_db_rollback(s->db);
    for (size_t i = 0; i < s->ncache; i++)
        kh_db_finalize(s->cache[i].st);
    for (size_t i = 0; i < s->nrcache; i++)
        kh_rubric_free(s->rcache[i].r);
    free(s->rcache);
    free(s->cache);
    kh_db_close(s->db);
    free(s->path);
    free(s->data_dir);
    free(s);
}

int kh_store_version(const kh_store *s)
{
    int v = 0;
    kh_db_stmt *st = NULL;
    if (kh_db_prepare(s->db, "PRAGMA user_version", &st) ==
            KH_DB_OK &&
        kh_db_step(st) == KH_DB_ROW)
        v = kh_db_column_int(st, 0);
    kh_db_finalize(st);
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
    int rc = s->depth == 0 ? kh_db_begin(s->db) : kh_db_savepoint(s->db);
    if (rc != KH_DB_OK)
        return kh_store_db_fail(s, e, "starting a transaction");
    s->depth++;
    return KH_OK;
}

kh_status kh_store_commit(kh_store *s, kh_err *e)
{
    if (s->depth <= 0)
        return kh_err_fail(e, KH_ESTATE, "internal: commit without begin");
    int rc = s->depth == 1 ? kh_db_commit(s->db) : kh_db_release(s->db);
    if (rc != KH_DB_OK) {
        kh_status st = kh_store_db_fail(s, e, "committing");
        kh_store_rollback(s);
        return st;
    }
    s->depth--;
    return KH_OK;
}

void kh_store_rollback(kh_store *s)
{
    if (s->depth <= 0)
        return;
    /* A failed rollback leaves nothing better to do: the engine rolls
     * the transaction back itself when it cannot. */
    if (s->depth == 1)
        (void)kh_db_rollback(s->db);
    else
        (void)kh_db_rollback_to(s->db);
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
