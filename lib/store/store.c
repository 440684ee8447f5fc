/*
 * store.c - opening the store (pragmas, migrations), transactions, the
 * prepared-statement cache, time stamps and shared SQL helpers.
 */
#include "store_impl.h"
#include "kaohe/questionnaire.h"
#include "kaohe/store_schedule.h"
#include "kaohe/cnday.h"
#include "kaohe/vec.h"

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
    int rc = s && s->db ? kh_db_errcode(s->db) : KH_DB_ERROR;
    /* Busy, full, damaged and I/O are the machine's trouble, not the
     * input's: KH_EDB (exit status 3). */
    const char *msg = s && s->db ? kh_db_errmsg(s->db) : "no database";
    if (s)   /* kh_store_retry runs the transaction again */
        s->retry = rc == KH_DB_RETRY;
    kh_err_set_cause(e, kh_db_cause(rc));   /* the front ends answer by it */
    switch (rc) {
    case KH_DB_NOMEM:
        return kh_err_fail(e, KH_ENOMEM, "out of memory while %s", what);
    case KH_DB_BUSY:
    case KH_DB_RETRY:
        return kh_err_fail(e, KH_EDB,
                           "database is busy (another writer) while %s", what);
    case KH_DB_FULL:
        return kh_err_fail(e, KH_EDB, "disk full while %s", what);
    case KH_DB_IOERR:
        return kh_err_fail(e, KH_EDB, "I/O error while %s: %s", what, msg);
    case KH_DB_CORRUPT:
        return kh_err_fail(e, KH_EDB, "database is damaged (%s) while %s",
                           msg, what);
    case KH_DB_NOTADB:
        return kh_err_fail(e, KH_EDB, "not a database file while %s", what);
    case KH_DB_CANTOPEN:
        return kh_err_fail(e, KH_EDB, "the database cannot be reached while "
                           "%s: %s", what, msg);
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
    if (KH_VEC_GROW(s->cache, s->acache, s->ncache + 1, 32) != KH_OK)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");

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

kh_status kh_store_int64(kh_store *s, kh_db_stmt *st, int64_t *n,
                         kh_err *e, const char *what)
{
    int step = kh_db_step(st);
    *n = step == KH_DB_ROW ? kh_db_column_int64(st, 0) : 0;
    kh_db_reset(st);
    return step == KH_DB_ROW ? KH_OK : kh_store_db_fail(s, e, what);
}

kh_status kh_store_each(kh_store *s, kh_db_stmt *st, kh_store_row_fn fn,
                        void *ctx, kh_err *e, const char *what)
{
    int step = KH_DB_DONE;
    kh_status rc = KH_OK;
    while (rc == KH_OK && (step = kh_db_step(st)) == KH_DB_ROW)
        rc = fn(st, ctx);
    kh_db_reset(st);
    if (rc == KH_OK && step != KH_DB_DONE)
        return kh_store_db_fail(s, e, what);
    return rc;
}

/* Binds one value; a KH_DB_ code. */

static int bind_val(kh_db_stmt *st, int col, const kh_store_val *v,
                    const char *now)
{
    switch (v->kind) {
    case KH_STORE_VAL_INT:
        return kh_db_bind_int(st, col, (int)v->i);
    case KH_STORE_VAL_INT64:
        return kh_db_bind_int64(st, col, v->i);
    case KH_STORE_VAL_NOW:
        return kh_store_bind_str(st, col, now);
    case KH_STORE_VAL_TEXT:
    default:
        return kh_store_bind_str(st, col, v->s);
    }
}

kh_status kh_store_write(kh_store *s, const char *sql,
                          const kh_store_val *vals, size_t n,
                          const char *what, int64_t *id, kh_err *e)
{
    char at[KH_STORE_TIME_SZ];
    kh_store_now(s, at);
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, sql, &st, e);
    if (rc != KH_OK)
        return rc;
    for (size_t i = 0; i < n; i++)
        if (bind_val(st, (int)i + 1, &vals[i], at) != KH_DB_OK)
            return kh_store_db_fail(s, e, what);
    if ((rc = kh_store_exec(s, st, e, what)) != KH_OK)
        return rc;
    if (id)
        *id = kh_db_last_insert_rowid(s->db);
    return KH_OK;
}

kh_status kh_store_insert_audited(kh_store *s, const char *sql,
                                  const kh_store_val *vals, size_t n,
                                  const char *what, const char *prefix,
                                  kh_audit_rec *rec, int64_t *id, kh_err *e)
{
    int64_t rid = 0;
    kh_status rc = kh_store_write(s, sql, vals, n, what, &rid, e);
    if (rc != KH_OK)
        return rc;
    char obj[64];
    snprintf(obj, sizeof obj, "%s%" PRId64, prefix, rid);
    rec->object = obj;
    rc = kh_store_audit(s, rec, e);
    rec->object = NULL;
    if (rc == KH_OK && id)
        *id = rid;
    return rc;
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
    t += KH_CNDAY_OFFSET;
    struct tm tm;
    if (!gmtime_r(&t, &tm) ||
        strftime(buf, KH_STORE_DATE_SZ, "%Y-%m-%d", &tm) == 0)
        snprintf(buf, KH_STORE_DATE_SZ, "1970-01-01");
}

/* ---- the WAL's bound ----------------------------------------------- */

kh_status kh_store_set_wal_limit(kh_store *s, int64_t bytes, kh_err *e)
{
    if (kh_db_wal_bound(s->db, bytes, KH_STORE_WAL_PASSIVE_PAGES) != KH_DB_OK)
        return kh_store_db_fail(s, e, "setting the WAL limit");
    return KH_OK;
}

/* ---- opening ------------------------------------------------------- */

/* Applies the migrations after version v, in one transaction. */
static kh_status migrate(kh_store *s, kh_err *e)
{
    int latest = kh_store_latest_version(), v = 0, app = 0;
    kh_status st = kh_store_begin(s, e);
    if (st != KH_OK)
        return st;
    /* Another process may have migrated while we waited for the lock. */
    if (kh_db_get_version(s->db, &v, &app) != KH_DB_OK) {
        st = kh_store_db_fail(s, e, "reading the schema version");
        goto fail;
    }
    for (int i = v; i < latest; i++) {
        char what[64];
        snprintf(what, sizeof what, "applying schema migration %d", i + 1);
        if (kh_db_exec_schema(s->db, kh_store_migrations[i]) != KH_DB_OK ||
            (kh_store_migration_hooks[i] &&
             kh_store_migration_hooks[i](s->db) != KH_DB_OK) ||
            kh_db_set_version(s->db, i + 1, KH_STORE_APP_ID) != KH_DB_OK) {
            st = kh_store_db_fail(s, e, what);
            goto fail;
        }
    }
    return kh_store_commit(s, e);
fail:
    kh_store_rollback(s);
    return st;
}

/* A message naming why the store at s->path cannot be used, for a driver
 * failure while opening it. */
static kh_status open_fail(kh_store *s, kh_err *e)
{
    const char *p = s->path, *m = kh_db_errmsg(s->db);
    kh_err_set_cause(e, kh_db_cause(kh_db_errcode(s->db)));
    switch (kh_db_errcode(s->db)) {
    case KH_DB_NOTADB:
        return kh_err_fail(e, KH_EDB, "%s: not a kaohe database (not a "
                           "database file at all)", p);
    case KH_DB_CORRUPT:
        return kh_err_fail(e, KH_EDB, "%s: the database is damaged (%s); "
                           "restore it from a backup", p, m);
    case KH_DB_BUSY:
        return kh_err_fail(e, KH_EDB, "%s: the database is busy (another "
                           "program holds a lock); try again", p);
    case KH_DB_FULL:
        return kh_err_fail(e, KH_EDB, "%s: disk full", p);
    case KH_DB_IOERR:
        return kh_err_fail(e, KH_EDB, "%s: I/O error: %s", p, m);
    case KH_DB_AUTH:
        return kh_err_fail(e, KH_EDB, "%s: access refused: %s", p, m);
    case KH_DB_NOMEM:
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    default:
        return kh_err_fail(e, KH_EDB, "%s: cannot open database: %s", p, m);
    }
}

/* Reads the schema version and refuses what is not a kaohe store: a
 * database of another program, one made by a newer kaohe, or (unless
 * creating) an empty one. */
static kh_status identify(kh_store *s, bool create, int *version, kh_err *e)
{
    int v = 0, app = 0;
    int64_t tables = 0;
    if (kh_db_get_version(s->db, &v, &app) != KH_DB_OK ||
        (v == 0 && kh_db_count_tables(s->db, &tables) != KH_DB_OK))
        return open_fail(s, e);
    if ((v > 0 && app != KH_STORE_APP_ID) || (v == 0 && tables > 0) ||
        v > kh_store_latest_version() || (v == 0 && !create))
        kh_err_set_cause(e, KH_CAUSE_NOTSTORE);
    if ((v > 0 && app != KH_STORE_APP_ID) || (v == 0 && tables > 0))
        return kh_err_fail(e, KH_EDB, "%s: not a kaohe database (a "
                           "database of another program)", s->path);
    if (v > kh_store_latest_version())
        return kh_err_fail(e, KH_EDB,
                           "%s: database schema version %d is newer than "
                           "this kaohe knows (%d)",
                           s->path, v, kh_store_latest_version());
    if (v == 0 && !create)
        return kh_err_fail(e, KH_EDB, "%s: not a kaohe database (an empty "
                           "database; create a store with 'kaohe init')",
                           s->path);
    *version = v;
    return KH_OK;
}

/* Whether path-wal exists and is not empty. */
static bool wal_in_use(const char *path)
{
    char *wal = NULL;
    struct stat sb;
    if (asprintf(&wal, "%s-wal", path) < 0)
        return true;   /* cannot tell: do not claim damage */
    bool in_use = stat(wal, &sb) == 0 && sb.st_size > 0;
    free(wal);
    return in_use;
}

/* Refuses a missing or empty file before SQLite touches it: SQLite would
 * silently treat either as a new database. */
static kh_status check_file(const char *path, bool create, kh_err *e)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (create && errno == ENOENT)
            return KH_OK;
        return kh_err_fail(e, KH_ENOTFOUND,
                           "%s: no such database (create it with "
                           "'kaohe init')",
                           path);
    }
    if (sb.st_size == 0 && !create)
        return kh_err_fail(e, KH_EDB, "%s: not a kaohe database (an empty "
                           "file; create a store with 'kaohe init')",
                           path);
    return KH_OK;
}

static kh_status open_fail(kh_store *s, kh_err *e);

/* Reads one integer with a statement of no parameters. */
static kh_status query_int(kh_store *s, const char *sql, int64_t *out,
                           kh_err *e)
{
    kh_db_stmt *st = NULL;
    if (kh_db_prepare(s->db, sql, &st) != KH_DB_OK)
        return open_fail(s, e);
    int rc = kh_db_step(st);
    *out = rc == KH_DB_ROW ? kh_db_column_int64(st, 0) : 0;
    kh_status ret = rc == KH_DB_ROW ? KH_OK : open_fail(s, e);
    kh_db_finalize(st);
    return ret;
}

/* A file shorter than its header says lost pages.  Read through SQLite,
 * not by opening the file: closing a second descriptor of it would drop
 * the locks of this process's other connections.  While a WAL holds
 * pages the count includes them, so only a file without one is judged. */
static kh_status check_truncated(kh_store *s, const char *path, kh_err *e)
{
    struct stat sb;
    int64_t pages = 0, psz = 0;
    kh_status st;
    if (wal_in_use(path) || stat(path, &sb) != 0)
        return KH_OK;
    if ((st = query_int(s, "PRAGMA page_count", &pages, e)) != KH_OK ||
        (st = query_int(s, "PRAGMA page_size", &psz, e)) != KH_OK)
        return st;
    if ((int64_t)sb.st_size < pages * psz) {
        kh_err_set_cause(e, KH_CAUSE_DAMAGED);
        return kh_err_fail(e, KH_EDB, "%s: the database is damaged "
                           "(truncated: %lld of %lld bytes)", s->path,
                           (long long)sb.st_size, (long long)(pages * psz));
    }
    return KH_OK;
}

/* The connection target for messages: a URI without its password. */
static char *shown_target(const char *path)
{
    char *t = strdup(path);
    if (!t || !kh_db_is_uri(t))
        return t;
    char *auth = strstr(t, "://") + 3;
    char *at = strchr(auth, '@'), *colon = strchr(auth, ':');
    if (at && colon && colon < at)
        memmove(colon, at, strlen(at) + 1);
    char *pw = strstr(t, "password=");
    if (pw) {
        char *shown = NULL;
        const char *end = pw + 9 + strcspn(pw + 9, "&");
        if (asprintf(&shown, "%.*s***%s", (int)(pw + 9 - t), t, end) < 0)
            shown = NULL;
        free(t);
        t = shown;
    }
    return t;
}

/* SQLite's per-connection settings. */
static kh_status lite_pragmas(kh_store *s, bool mem, kh_err *e)
{
    kh_status st;
    if ((st = exec_sql(s, "PRAGMA foreign_keys = ON", e, "opening")) != KH_OK ||
        (st = exec_sql(s, "PRAGMA synchronous = NORMAL", e, "opening")) !=
            KH_OK ||
        /* 32 MiB of page cache: a large import touches many pages. */
        (st = exec_sql(s, "PRAGMA cache_size = -32768", e, "opening")) !=
            KH_OK)
        return st;
    if (mem)
        return KH_OK;
    if ((st = exec_sql(s, "PRAGMA journal_mode = WAL", e,
                       "switching to WAL")) != KH_OK)
        return st;
    return kh_store_set_wal_limit(s, KH_STORE_WAL_LIMIT, e);
}

kh_status kh_store_open(const char *path, unsigned flags, kh_err *e,
                        kh_store **out)
{
    *out = NULL;
    if (sodium_init() < 0)
        return kh_err_fail(e, KH_EDB, "cannot initialise libsodium");
    bool pg = kh_db_is_uri(path);
    bool mem = !pg && strcmp(path, ":memory:") == 0;
    /* Only `kaohe init` creates a store (and tests, in memory). */
    bool create = mem || (flags & KH_STORE_CREATE);
    kh_status st;
    if (!pg && !mem && (st = check_file(path, create, e)) != KH_OK)
        return st;
    kh_store *s = calloc(1, sizeof *s);
    if (!s)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    s->path = shown_target(path);
    if (!mem && !pg && s->path &&
        asprintf(&s->data_dir, "%s.data", path) < 0)
        s->data_dir = NULL;
    if (!s->path || (!mem && !pg && !s->data_dir)) {
        kh_store_close(s);
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    int v = 0;
    if (kh_db_open(path, create ? KH_DB_OPEN_CREATE : 0, &s->db) !=
        KH_DB_OK) {
        st = s->db ? open_fail(s, e)
                   : kh_err_fail(e, KH_ENOMEM, "out of memory");
        kh_store_close(s);
        return st;
    }
    kh_db_busy_timeout(s->db, KH_STORE_BUSY_MS);
    if ((!pg && !mem && (st = check_truncated(s, path, e)) != KH_OK) ||
        (st = identify(s, create, &v, e)) != KH_OK ||
        (!pg && (st = lite_pragmas(s, mem, e)) != KH_OK) ||
        (v < kh_store_latest_version() && (st = migrate(s, e)) != KH_OK)) {
        kh_store_close(s);
        return st;
    }
    *out = s;
    return KH_OK;
}

kh_status kh_store_set_data_dir(kh_store *s, const char *dir, kh_err *e)
{
    char *d = strdup(dir);
    if (!d)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    free(s->data_dir);
    s->data_dir = d;
    return KH_OK;
}

bool kh_store_is_postgres(const kh_store *s)
{
    return kh_db_engine_of(s->db) == KH_DB_POSTGRES;
}

kh_status kh_store_set_cache_kib(kh_store *s, int kib, kh_err *e)
{
    if (kh_db_engine_of(s->db) != KH_DB_SQLITE)
        return KH_OK;    /* the server's shared buffers */
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
    for (size_t i = 0; i < s->nqcache; i++)
        kh_questionnaire_free(s->qcache[i].q);
    free(s->qcache);
    free(s->cache);
    kh_db_close(s->db);
    free(s->path);
    free(s->data_dir);
    free(s);
}

int kh_store_version(const kh_store *s)
{
    int v = 0, app = 0;
    if (kh_db_get_version(s->db, &v, &app) != KH_DB_OK)
        return 0;
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
    if (s->depth == 0) {
        s->tx_first = s->tx_last = s->done_first = s->done_last = 0;
        s->late = s->late_locked = false;
        s->nrecheck = 0;
    }
    int rc = s->depth == 0 ? kh_db_begin(s->db) : kh_db_savepoint(s->db);
    if (rc != KH_DB_OK)
        return kh_store_db_fail(s, e, "starting a transaction");
    s->depth++;
    return KH_OK;
}

kh_status kh_store_begin_late(kh_store *s, kh_err *e)
{
    if (s->depth > 0 || kh_db_engine_of(s->db) == KH_DB_SQLITE)
        return kh_store_begin(s, e);   /* SQLite: one writer per file */
    s->tx_first = s->tx_last = s->done_first = s->done_last = 0;
    s->nrecheck = 0;
    if (kh_db_begin_deferred(s->db) != KH_DB_OK)
        return kh_store_db_fail(s, e, "starting a transaction");
    s->late = true;
    s->late_locked = false;
    s->depth = 1;
    return KH_OK;
}

static kh_status recheck_run(kh_store *s, const kh_store_recheck *r,
                             kh_err *e);

kh_status kh_store_recheck_add(kh_store *s, const kh_store_recheck *r,
                               kh_err *e)
{
    if (s->depth <= 0 || !s->late || s->late_locked)
        return KH_OK;
    if (s->nrecheck < KH_STORE_RECHECK_MAX) {
        s->recheck[s->nrecheck++] = *r;
        return KH_OK;
    }
    /* Full: lock now, and r too is checked again under the lock. */
    kh_status rc = kh_store_lock_writers(s, e);
    return rc == KH_OK ? recheck_run(s, r, e) : rc;
}

/* Runs check r again (under the writers' lock): what it saw must hold. */
static kh_status recheck_run(kh_store *s, const kh_store_recheck *r,
                             kh_err *e)
{
    if (r->kind == KH_RECHECK_YEAR)
        return kh_store_year_require(s, r->year, r->allowed, r->doing, NULL,
                                     e);
    bool locked = false;
    kh_status rc = kh_store_selfcheck_locked(s, r->year, r->unit, &locked, e);
    if (rc != KH_OK || locked == r->locked)
        return rc;
    kh_store_unit u = {0};   /* users read the unit's name */
    rc = kh_store_unit_get(s, r->year, r->unit, &u, e);
    if (rc == KH_OK || rc == KH_ENOTFOUND)
        rc = kh_err_fail(e, KH_ECONFLICT,
                         "the self-check of unit \"%s\" was submitted or "
                         "returned meanwhile; reload and try again",
                         u.name ? u.name : r->unit);
    kh_store_unit_clear(&u);
    return rc;
}

kh_status kh_store_lock_writers(kh_store *s, kh_err *e)
{
    if (s->depth <= 0 || !s->late || s->late_locked)
        return KH_OK;
    if (kh_db_writer_lock(s->db) != KH_DB_OK)
        return kh_store_db_fail(s, e, "waiting for the other writers");
    s->late_locked = true;   /* the checks below record nothing */
    kh_status rc = KH_OK;
    for (size_t i = 0; i < s->nrecheck && rc == KH_OK; i++)
        rc = recheck_run(s, &s->recheck[i], e);
    return rc;
}

kh_status kh_store_retry(kh_store *s, kh_store_tx_fn fn, void *ctx,
                         kh_err *e)
{
    kh_err *t = s->depth > 0 || kh_db_engine_of(s->db) == KH_DB_SQLITE
                    ? NULL
                    : kh_err_new();
    if (!t)   /* nothing to retry (or no memory to keep a run's messages) */
        return fn(s, ctx, e);
    kh_err_set_file(t, kh_err_file(e));
    kh_status rc;
    for (int run = 1;; run++) {
        s->retry = false;
        rc = fn(s, ctx, t);
        if (rc == KH_OK || !s->retry || run == KH_STORE_TX_TRIES)
            break;
        kh_err_clear(t);
        kh_err_set_file(t, kh_err_file(e));
    }
    for (size_t i = 0; i < kh_err_count(t); i++)
        if (kh_err_copy_msg(e, kh_err_get(t, i)) != KH_OK && rc == KH_OK)
            rc = KH_ENOMEM;
    kh_err_set_cause(e, kh_err_cause(t));
    kh_err_free(t);
    return rc;
}

kh_status kh_store_commit(kh_store *s, kh_err *e)
{
    if (s->depth <= 0)
        return kh_err_fail(e, KH_ESTATE, "internal: commit without begin");
    kh_status st = s->depth == 1 ? kh_store_lock_writers(s, e) : KH_OK;
    if (st != KH_OK) {
        kh_store_rollback(s);
        return st;
    }
    int rc = s->depth == 1 ? kh_db_commit(s->db) : kh_db_release(s->db);
    if (rc != KH_DB_OK) {
        st = kh_store_db_fail(s, e, "committing");
        kh_store_rollback(s);
        return st;
    }
    s->depth--;
    if (s->depth == 0) {
        s->done_first = s->tx_first;
        s->done_last = s->tx_last;
        s->late = false;
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
    /* A failed rollback leaves nothing better to do: the engine rolls
     * the transaction back itself when it cannot. */
    if (s->depth == 1)
        (void)kh_db_rollback(s->db);
    else
        (void)kh_db_rollback_to(s->db);
    s->depth--;
    if (s->depth == 0)
        s->late = false;
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
