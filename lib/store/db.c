/*
 * db.c - the driver layer under the store (db.h): connections, statements,
 * transactions and error mapping on SQLite and PostgreSQL, the few
 * dialect rewrites (placeholders, DDL types, schema version) and the bulk
 * load of a store copy (COPY FROM STDIN on PostgreSQL).  The only file
 * that includes sqlite3.h or libpq-fe.h.
 */
#include "db.h"

#include "kaohe/buf.h"

#include <ctype.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* PostgreSQL type oids of the parameters we type (pg_type.h). */
#define PG_INT4 23
#define PG_INT8 20
#define PG_BYTEA 17
/* Writers on PostgreSQL take this transaction-scoped advisory lock
 * ('kaoh'), so they follow each other as on SQLite: at BEGIN
 * (kh_db_begin), or later, for the audit append and the commit only
 * (kh_db_begin_deferred + kh_db_writer_lock; docs/STORE.md). */
#define PG_WRITER_LOCK "SELECT pg_advisory_xact_lock(1801547624)"
#define PG_MSG_MAX 512

struct kh_db {
    kh_db_engine engine;
    sqlite3 *lite;
    PGconn *pg;
    int err;               /* KH_DB_* of the most recent call */
    char msg[PG_MSG_MAX];  /* PostgreSQL: text of the last failure */
    int64_t changes;       /* PostgreSQL: rows of the last command */
    unsigned next_name;    /* PostgreSQL: names of prepared statements */
    bool corrupt;          /* the engine has reported damage */
    /* PostgreSQL: a connection lost outside a transaction is opened again
     * at the next call (pg_revive); gen counts the connections, so that
     * statements prepared on an older one are prepared again. */
    bool in_tx;
    bool writer_locked;    /* PG_WRITER_LOCK held by the open transaction */
    unsigned gen;
    int lock_ms;           /* kh_db_busy_timeout's, set again on revival */
    /* SQLite's WAL bound (kh_db_wal_bound). */
    int64_t wal_limit;     /* bytes; <= 0: SQLite's checkpoints only */
    int wal_passive;       /* pages */
    int page_size;         /* bytes */
};

/* A bound PostgreSQL parameter: text form (binary for bytea). */
typedef struct pg_param {
    char *val;             /* owned; NULL for SQL NULL */
    int len;
    int fmt;               /* 0 text, 1 binary */
    unsigned type;         /* oid; 0 lets the server infer it */
} pg_param;

struct kh_db_stmt {
    kh_db *db;
    sqlite3_stmt *lite;
    /* PostgreSQL */
    char *sql;             /* owned; ? rewritten to $n */
    bool persistent;
    char name[24];         /* server-side name once prepared, else "" */
    unsigned gen;          /* the connection (kh_db.gen) it was prepared on */
    unsigned *types;       /* owned; the types it was prepared with */
    int nparams;
    pg_param *params;      /* owned, nparams */
    PGresult *res;         /* owned; the rows of the current run */
    bool ran;
    int row, nrows;
    unsigned char **blobs; /* owned; decoded bytea of the current row */
    size_t *blen;
    int nblobs;
    /* The first failed bind since the bindings were last cleared: the
     * step reports it instead of running with that parameter NULL
     * (a DELETE ... WHERE user_name = NULL would quietly delete
     * nothing).  Callers need not check each bind. */
    int bind_err;
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
    db->err = lite_map(rc);
    if (db->err == KH_DB_CORRUPT)
        db->corrupt = true;
    return db->err;
}

/* Maps a SQLSTATE (PostgreSQL appendix A) to a KH_DB_ code. */
static int pg_map(const char *state)
{
    if (!state)
        return KH_DB_IOERR;   /* no answer from the server */
    if (!strcmp(state, "40001") || !strcmp(state, "40P01"))
        return KH_DB_RETRY;
    if (!strcmp(state, "55P03") || !strcmp(state, "57014"))
        return KH_DB_BUSY;    /* lock_timeout, statement_timeout */
    if (!strcmp(state, "53200"))
        return KH_DB_NOMEM;
    if (!strncmp(state, "53", 2))
        return KH_DB_FULL;
    if (!strncmp(state, "58", 2))
        return KH_DB_IOERR;
    if (!strncmp(state, "XX00", 4) && state[4] != '0')
        return KH_DB_CORRUPT;
    /* kaohe's own statements on kaohe's own schema: a table or column
     * missing, or a column whose type no longer fits, means the schema
     * was changed under the store (psql): damaged, as a corrupt page is
     * on SQLite (the server refuses writes; kaohe check names it). */
    if (!strcmp(state, "42P01") || !strcmp(state, "42703") ||
        !strcmp(state, "42883") || !strcmp(state, "42804"))
        return KH_DB_CORRUPT;
    if (!strncmp(state, "23", 2))
        return KH_DB_CONSTRAINT;
    if (!strncmp(state, "28", 2))
        return KH_DB_AUTH;
    if (!strncmp(state, "08", 2) || !strcmp(state, "3D000") ||
        !strncmp(state, "57P0", 4))   /* shut down, cannot connect now */
        return KH_DB_CANTOPEN;
    return KH_DB_ERROR;
}

kh_cause kh_db_cause(int code)
{
    switch (code) {
    case KH_DB_BUSY:
    case KH_DB_RETRY: return KH_CAUSE_BUSY;
    case KH_DB_FULL: return KH_CAUSE_FULL;
    case KH_DB_CORRUPT: return KH_CAUSE_DAMAGED;
    case KH_DB_IOERR: return KH_CAUSE_IO;
    case KH_DB_NOTADB: return KH_CAUSE_NOTSTORE;
    case KH_DB_CANTOPEN: return KH_CAUSE_DOWN;
    default: return KH_CAUSE_NONE;
    }
}

/* Keeps the first line of text as db's message. */
static void pg_set_msg(kh_db *db, const char *text)
{
    size_t n = strcspn(text, "\n");
    if (n >= sizeof db->msg)
        n = sizeof db->msg - 1;
    memcpy(db->msg, text, n);
    db->msg[n] = '\0';
}

/* Records the outcome of a PostgreSQL command result (NULL: the
 * connection failed); returns KH_DB_OK or an error code. */
static int pg_check(kh_db *db, const PGresult *res)
{
    ExecStatusType t = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK) {
        const char *n = PQcmdTuples((PGresult *)res);
        db->changes = n && *n ? strtoll(n, NULL, 10) : 0;
        return db->err = KH_DB_OK;
    }
    const char *m = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)
                        : NULL;
    pg_set_msg(db, m ? m : PQerrorMessage(db->pg));
    /* No answer: out of memory, or the server went away (down). */
    if (!res || PQstatus(db->pg) != CONNECTION_OK)
        return db->err = PQstatus(db->pg) == CONNECTION_OK ? KH_DB_NOMEM
                                                            : KH_DB_CANTOPEN;
    db->err = pg_map(PQresultErrorField(res, PG_DIAG_SQLSTATE));
    if (db->err == KH_DB_CORRUPT)
        db->corrupt = true;
    return db->err;
}

int kh_db_errcode(const kh_db *db)
{
    return db ? db->err : KH_DB_NOMEM;
}

const char *kh_db_errmsg(const kh_db *db)
{
    if (!db)
        return "out of memory";
    if (db->engine == KH_DB_POSTGRES)
        return db->msg;
    return db->lite ? sqlite3_errmsg(db->lite) : "no database";
}

/* ---- connections --------------------------------------------------- */

bool kh_db_is_uri(const char *target)
{
    return strncmp(target, "postgresql://", 13) == 0 ||
           strncmp(target, "postgres://", 11) == 0;
}

/* libpq prints notices to stderr by default; the engine never prints. */
static void pg_quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* A PostgreSQL connection that was lost (the server restarted, a
 * failover, a terminated backend) is opened again before the next
 * statement, unless a transaction was open on it: that transaction is
 * gone, and its COMMIT must fail rather than succeed on a new
 * connection (the store rolls back; the next BEGIN revives). */
static void pg_revive(kh_db *db)
{
    if (db->engine != KH_DB_POSTGRES || db->in_tx ||
        PQstatus(db->pg) != CONNECTION_BAD)
        return;
    PQreset(db->pg);
    if (PQstatus(db->pg) != CONNECTION_OK)
        return;   /* the next call fails: down */
    db->gen++;
    PQclear(PQexec(db->pg, "SET client_min_messages = warning"));
    if (db->lock_ms > 0) {
        char sql[64];
        snprintf(sql, sizeof sql, "SET lock_timeout = %d", db->lock_ms);
        PQclear(PQexec(db->pg, sql));
    }
}

static int pg_open(kh_db *db, const char *uri)
{
    db->engine = KH_DB_POSTGRES;
    db->pg = PQconnectdb(uri);
    if (!db->pg) {
        pg_set_msg(db, "out of memory");
        return db->err = KH_DB_NOMEM;
    }
    if (PQstatus(db->pg) != CONNECTION_OK) {
        /* libpq's message never contains the password. */
        const char *m = PQerrorMessage(db->pg);
        const char *fatal = strstr(m, "FATAL:");
        pg_set_msg(db, fatal ? fatal + 6 + strspn(fatal + 6, " ") : m);
        db->err = strstr(m, "password") || strstr(m, "authentication")
                      ? KH_DB_AUTH
                      : KH_DB_CANTOPEN;
        return db->err;
    }
    PQsetNoticeProcessor(db->pg, pg_quiet, NULL);
    return kh_db_exec(db, "SET client_min_messages = warning");
}

int kh_db_open(const char *target, unsigned flags, kh_db **out)
{
    kh_db *db = calloc(1, sizeof *db);
    *out = db;
    if (!db)
        return KH_DB_NOMEM;
    if (kh_db_is_uri(target))
        return pg_open(db, target);
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
    if (db->pg)
        PQfinish(db->pg);
    free(db);
}

kh_db_engine kh_db_engine_of(const kh_db *db)
{
    return db->engine;
}

bool kh_db_corrupt(const kh_db *db)
{
    return db->corrupt;
}

int kh_db_exec(kh_db *db, const char *sql)
{
    if (db->engine == KH_DB_SQLITE)
        return lite_rc(db, sqlite3_exec(db->lite, sql, NULL, NULL, NULL));
    pg_revive(db);
    PGresult *res = PQexec(db->pg, sql);
    int rc = pg_check(db, res);
    PQclear(res);
    return rc;
}

void kh_db_busy_timeout(kh_db *db, int ms)
{
    if (db->engine == KH_DB_SQLITE) {
        sqlite3_busy_timeout(db->lite, ms);
        return;
    }
    db->lock_ms = ms;
    char sql[64];
    snprintf(sql, sizeof sql, "SET lock_timeout = %d", ms);
    /* A server that refuses it keeps waiting without a bound: no harm. */
    (void)kh_db_exec(db, sql);
}

/* sqlite3_wal_hook: called after each commit with the WAL's size in
 * pages; replaces SQLite's autocheckpoint. */
static int wal_hook(void *ctx, sqlite3 *lite, const char *name, int pages)
{
    kh_db *db = ctx;
    int64_t bytes = (int64_t)pages * db->page_size;
    if (db->wal_limit > 0 && bytes >= db->wal_limit)
        sqlite3_wal_checkpoint_v2(lite, name, SQLITE_CHECKPOINT_TRUNCATE,
                                  NULL, NULL);
    else if (pages >= db->wal_passive)
        sqlite3_wal_checkpoint_v2(lite, name, SQLITE_CHECKPOINT_PASSIVE,
                                  NULL, NULL);
    return SQLITE_OK;   /* a checkpoint that could not finish is retried */
}

int kh_db_wal_bound(kh_db *db, int64_t limit, int passive_pages)
{
    if (db->engine != KH_DB_SQLITE)
        return KH_DB_OK;
    kh_db_stmt *st;
    int rc = kh_db_prepare(db, "PRAGMA page_size", &st);
    if (rc != KH_DB_OK)
        return rc;
    rc = kh_db_step(st);
    if (rc == KH_DB_ROW)
        db->page_size = kh_db_column_int(st, 0);
    kh_db_finalize(st);
    if (rc != KH_DB_ROW)
        return rc == KH_DB_DONE ? KH_DB_ERROR : rc;
    db->wal_limit = limit;
    db->wal_passive = passive_pages;
    sqlite3_wal_hook(db->lite, wal_hook, db);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA journal_size_limit = %" PRId64,
             limit > 0 ? limit : (int64_t)-1);
    return kh_db_exec(db, sql);
}

int kh_db_backup_to(kh_db *db, const char *path, int tries, char *msg,
                    size_t sz)
{
    if (db->engine != KH_DB_SQLITE) {
        snprintf(msg, sz, "a PostgreSQL store is backed up with pg_dump");
        return KH_DB_ERROR;
    }
    sqlite3 *dst = NULL;
    if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        NULL) != SQLITE_OK) {
        snprintf(msg, sz, "cannot create: %s",
                 dst ? sqlite3_errmsg(dst) : "no memory");
        sqlite3_close(dst);
        return dst ? KH_DB_CANTOPEN : KH_DB_NOMEM;
    }
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", db->lite, "main");
    int step = SQLITE_ERROR;
    for (int i = 0; b && i < tries; i++) {
        step = sqlite3_backup_step(b, -1);
        if (step != SQLITE_BUSY && step != SQLITE_LOCKED)
            break;
        sqlite3_sleep(50);
    }
    if (b)
        sqlite3_backup_finish(b);
    int rc = KH_DB_OK;
    if (step != SQLITE_DONE || sqlite3_errcode(dst) != SQLITE_OK) {
        snprintf(msg, sz, "%s", sqlite3_errmsg(dst));
        rc = KH_DB_ERROR;
    }
    if (sqlite3_close(dst) != SQLITE_OK && rc == KH_DB_OK) {
        snprintf(msg, sz, "cannot close the copy");
        rc = KH_DB_IOERR;
    }
    return rc;
}

int64_t kh_db_changes(kh_db *db)
{
    if (db->engine == KH_DB_POSTGRES)
        return db->changes;
    return sqlite3_changes64(db->lite);
}

int64_t kh_db_last_insert_rowid(kh_db *db)
{
    if (db->engine == KH_DB_SQLITE)
        return sqlite3_last_insert_rowid(db->lite);
    /* Identity columns draw from a sequence: lastval() is its last value
     * in this session. */
    PGresult *res = PQexec(db->pg, "SELECT lastval()");
    int64_t v = 0;
    if (pg_check(db, res) == KH_DB_OK && PQntuples(res) == 1)
        v = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return v;
}

/* ---- dialect: SQL text for PostgreSQL ------------------------------- */

/* Length of the quoted literal or identifier at p (quote char q, doubled
 * to escape), or of a -- comment. */
static size_t skip_quoted(const char *p)
{
    if (p[0] == '-' && p[1] == '-')
        return strcspn(p, "\n");
    char q = p[0];
    size_t i = 1;
    while (p[i]) {
        if (p[i] == q && p[i + 1] == q)
            i += 2;
        else if (p[i++] == q)
            break;
    }
    return i;
}

static bool is_word(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* Whether the word w (upper case) starts at p, case-insensitively. */
static bool word_at(const char *start, const char *p, const char *w)
{
    size_t n = strlen(w);
    if (p > start && is_word(p[-1]))
        return false;
    return strncasecmp(p, w, n) == 0 && !is_word(p[n]);
}

/* Whether the token before p (skipping white space) ends a name. */
static bool follows_name(const char *start, const char *p)
{
    while (p > start && isspace((unsigned char)p[-1]))
        p--;
    return p > start && (is_word(p[-1]) || p[-1] == '"');
}

/* Rewrites sql for PostgreSQL: ? -> $n (a `? IS NULL` test gets a type,
 * which the server cannot infer from it) and, for DDL, SQLite's column
 * types (INTEGER PRIMARY KEY -> identity, INTEGER -> BIGINT, BLOB ->
 * BYTEA, TEXT -> TEXT COLLATE "C").  Returns malloc'd text (NULL: out of memory); *nparams gets
 * the number of placeholders. */
static char *pg_rewrite(const char *sql, bool ddl, int *nparams)
{
    static const struct { const char *from, *to; } types[] = {
        {"INTEGER PRIMARY KEY",
         "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"},
        {"INTEGER", "BIGINT"},
        {"BLOB", "BYTEA"},
        /* Byte order and equality, as SQLite's BINARY collation, whatever
         * locale the database was created with. */
        {"TEXT", "TEXT COLLATE \"C\""},
    };
    size_t len = strlen(sql), cap = len * 3 + 64, o = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    int n = 0;
    for (const char *p = sql; *p;) {
        if (o + 64 >= cap) {
            char *no = realloc(out, cap *= 2);
            if (!no) {
                free(out);
                return NULL;
            }
            out = no;
        }
        if (*p == '\'' || *p == '"' || (p[0] == '-' && p[1] == '-')) {
            size_t k = skip_quoted(p);
            if (o + k + 64 >= cap) {
                char *no = realloc(out, cap = cap * 2 + k);
                if (!no) {
                    free(out);
                    return NULL;
                }
                out = no;
            }
            memcpy(out + o, p, k);
            o += k;
            p += k;
            continue;
        }
        if (*p == '?') {
            const char *q = p + 1 + strspn(p + 1, " ");
            bool isnull = word_at(sql, q, "IS");
            o += (size_t)sprintf(out + o, isnull ? "CAST($%d AS TEXT)" : "$%d",
                                 ++n);
            p++;
            continue;
        }
        bool done = false;
        /* A type follows its column's name: "text TEXT" names a column
         * text of type TEXT. */
        bool after_name = p > sql && follows_name(sql, p);
        for (size_t t = 0; ddl && after_name && !done &&
                           t < sizeof types / sizeof *types;
             t++) {
            if (word_at(sql, p, types[t].from)) {
                o += (size_t)sprintf(out + o, "%s", types[t].to);
                p += strlen(types[t].from);
                done = true;
            }
        }
        if (!done)
            out[o++] = *p++;
    }
    out[o] = '\0';
    *nparams = n;
    return out;
}

int kh_db_exec_schema(kh_db *db, const char *sql)
{
    if (db->engine == KH_DB_SQLITE)
        return kh_db_exec(db, sql);
    int n;
    char *pg = pg_rewrite(sql, true, &n);
    if (!pg)
        return db->err = KH_DB_NOMEM;
    int rc = kh_db_exec(db, pg);
    free(pg);
    return rc;
}

static int lite_widen_check(kh_db *db, const char *table, const char *from,
                            const char *to)
{
    int rc = kh_db_exec(db, "PRAGMA writable_schema = ON");
    if (rc != KH_DB_OK)
        return rc;
    kh_db_stmt *st;
    rc = kh_db_prepare(db, "UPDATE sqlite_schema SET sql = replace(sql, ?, ?)"
                           " WHERE type = 'table' AND name = ?", &st);
    if (rc == KH_DB_OK) {
        kh_db_bind_text(st, 1, from, -1);
        kh_db_bind_text(st, 2, to, -1);
        kh_db_bind_text(st, 3, table, -1);
        rc = kh_db_step(st);
        rc = rc == KH_DB_DONE ? KH_DB_OK : rc;
        kh_db_finalize(st);
    }
    int rc2 = kh_db_exec(db, "PRAGMA writable_schema = RESET");
    return rc != KH_DB_OK ? rc : rc2;
}

int kh_db_widen_check(kh_db *db, const char *table, const char *name,
                      const char *from, const char *to,
                      const char *pg_check)
{
    if (db->engine == KH_DB_SQLITE)
        return lite_widen_check(db, table, from, to);
    size_t n = strlen(table) * 2 + strlen(name) * 2 + strlen(pg_check) + 96;
    char *sql = malloc(n);
    if (!sql)
        return db->err = KH_DB_NOMEM;
    snprintf(sql, n, "ALTER TABLE %s DROP CONSTRAINT %s; ALTER TABLE %s ADD"
             " CONSTRAINT %s %s", table, name, table, name, pg_check);
    int rc = kh_db_exec(db, sql);
    free(sql);
    return rc;
}

/* ---- dialect: schema version and emptiness -------------------------- */

/* Runs sql returning one integer (0 when no row). */
static int query_int(kh_db *db, const char *sql, int64_t *out)
{
    kh_db_stmt *st;
    int rc = kh_db_prepare(db, sql, &st);
    if (rc != KH_DB_OK)
        return rc;
    rc = kh_db_step(st);
    *out = rc == KH_DB_ROW ? kh_db_column_int64(st, 0) : 0;
    if (rc == KH_DB_ROW || rc == KH_DB_DONE)
        rc = KH_DB_OK;
    kh_db_finalize(st);
    return rc;
}

int kh_db_get_version(kh_db *db, int *version, int *app_id)
{
    int64_t v = 0, a = 0;
    int rc;
    if (db->engine == KH_DB_SQLITE) {
        if ((rc = query_int(db, "PRAGMA user_version", &v)) == KH_DB_OK)
            rc = query_int(db, "PRAGMA application_id", &a);
    } else {
        int64_t has = 0;
        rc = query_int(db, "SELECT count(*) FROM information_schema.tables"
                           " WHERE table_schema = current_schema()"
                           " AND table_name = 'kaohe_schema'", &has);
        if (rc == KH_DB_OK && has &&
            (rc = query_int(db, "SELECT version FROM kaohe_schema", &v)) ==
                KH_DB_OK)
            rc = query_int(db, "SELECT app_id FROM kaohe_schema", &a);
    }
    *version = (int)v;
    *app_id = (int)a;
    return rc;
}

int kh_db_set_version(kh_db *db, int version, int app_id)
{
    char sql[256];
    /* Our own integers: no parameters needed (pragmas take none). */
    if (db->engine == KH_DB_SQLITE)
        snprintf(sql, sizeof sql,
                 "PRAGMA user_version = %d; PRAGMA application_id = %d",
                 version, app_id);
    else
        snprintf(sql, sizeof sql,
                 "CREATE TABLE IF NOT EXISTS kaohe_schema (version INTEGER"
                 " NOT NULL, app_id INTEGER NOT NULL);"
                 " DELETE FROM kaohe_schema;"
                 " INSERT INTO kaohe_schema VALUES (%d, %d)",
                 version, app_id);
    return kh_db_exec(db, sql);
}

int kh_db_count_tables(kh_db *db, int64_t *n)
{
    if (db->engine == KH_DB_SQLITE)
        return query_int(db, "SELECT count(*) FROM sqlite_master", n);
    return query_int(db, "SELECT count(*) FROM information_schema.tables"
                         " WHERE table_schema = current_schema()", n);
}

/* ---- statements ---------------------------------------------------- */

static int pg_prepare(kh_db *db, const char *sql, bool persistent,
                      kh_db_stmt *st)
{
    st->persistent = persistent;
    st->sql = pg_rewrite(sql, false, &st->nparams);
    if (!st->sql)
        return db->err = KH_DB_NOMEM;
    if (st->nparams) {
        st->params = calloc((size_t)st->nparams, sizeof *st->params);
        st->types = calloc((size_t)st->nparams, sizeof *st->types);
        if (!st->params || !st->types)
            return db->err = KH_DB_NOMEM;
    }
    return db->err = KH_DB_OK;
}

static int prepare(kh_db *db, const char *sql, bool persistent,
                   kh_db_stmt **out)
{
    *out = NULL;
    kh_db_stmt *st = calloc(1, sizeof *st);
    if (!st)
        return db->err = KH_DB_NOMEM;
    st->db = db;
    int rc;
    if (db->engine == KH_DB_POSTGRES)
        rc = pg_prepare(db, sql, persistent, st);
    else
        rc = lite_rc(db, sqlite3_prepare_v3(db->lite, sql, -1,
                                            persistent
                                                ? SQLITE_PREPARE_PERSISTENT
                                                : 0,
                                            &st->lite, NULL));
    if (rc != KH_DB_OK) {
        kh_db_finalize(st);
        return rc;
    }
    *out = st;
    return KH_DB_OK;
}

int kh_db_prepare(kh_db *db, const char *sql, kh_db_stmt **out)
{
    return prepare(db, sql, false, out);
}

int kh_db_prepare_persistent(kh_db *db, const char *sql, kh_db_stmt **out)
{
    return prepare(db, sql, true, out);
}

/* Drops the rows of the current run. */
static void pg_clear_run(kh_db_stmt *st)
{
    for (int i = 0; i < st->nblobs; i++)
        free(st->blobs[i]);
    free(st->blobs);
    free(st->blen);
    st->blobs = NULL;
    st->blen = NULL;
    st->nblobs = 0;
    PQclear(st->res);
    st->res = NULL;
    st->ran = false;
    st->row = st->nrows = 0;
}

void kh_db_finalize(kh_db_stmt *st)
{
    if (!st)
        return;
    if (st->lite)
        sqlite3_finalize(st->lite);
    pg_clear_run(st);
    if (st->name[0] && st->gen == st->db->gen &&
        PQstatus(st->db->pg) == CONNECTION_OK) {
        char sql[48];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", st->name);
        /* Only at close of a persistent statement: nothing to report to. */
        PQclear(PQexec(st->db->pg, sql));
    }
    for (int i = 0; i < st->nparams && st->params; i++)
        free(st->params[i].val);
    free(st->params);
    free(st->types);
    free(st->sql);
    free(st);
}

int kh_db_reset(kh_db_stmt *st)
{
    st->bind_err = KH_DB_OK;
    if (st->db->engine == KH_DB_POSTGRES) {
        pg_clear_run(st);
        return KH_DB_OK;
    }
    /* sqlite3_reset repeats the last step's error; the step reported it. */
    sqlite3_reset(st->lite);
    return KH_DB_OK;
}

int kh_db_clear_bindings(kh_db_stmt *st)
{
    st->bind_err = KH_DB_OK;
    if (st->db->engine == KH_DB_SQLITE)
        return lite_rc(st->db, sqlite3_clear_bindings(st->lite));
    for (int i = 0; i < st->nparams; i++) {
        free(st->params[i].val);
        memset(&st->params[i], 0, sizeof st->params[i]);
    }
    return st->db->err = KH_DB_OK;
}

/* Sets PostgreSQL parameter col (1-based) to a copy of n bytes of v. */
static int pg_bind(kh_db_stmt *st, int col, const void *v, size_t n, int fmt,
                   unsigned type)
{
    if (col < 1 || col > st->nparams || n > INT32_MAX)
        return st->db->err = KH_DB_ERROR;
    pg_param *p = &st->params[col - 1];
    free(p->val);
    memset(p, 0, sizeof *p);
    if (!v)
        return st->db->err = KH_DB_OK;
    p->val = malloc(n + 1);
    if (!p->val)
        return st->db->err = KH_DB_NOMEM;
    memcpy(p->val, v, n);
    p->val[n] = '\0';
    p->len = (int)n;
    p->fmt = fmt;
    p->type = type;
    return st->db->err = KH_DB_OK;
}

/* Keeps the first failed bind for the step (bind_err); returns rc. */
static int bound(kh_db_stmt *st, int rc)
{
    if (rc != KH_DB_OK && st->bind_err == KH_DB_OK)
        st->bind_err = rc;
    return rc;
}

int kh_db_bind_int(kh_db_stmt *st, int col, int v)
{
    if (st->db->engine == KH_DB_SQLITE)
        return bound(st, lite_rc(st->db, sqlite3_bind_int(st->lite, col, v)));
    char num[16];
    int n = snprintf(num, sizeof num, "%d", v);
    return bound(st, pg_bind(st, col, num, (size_t)n, 0, PG_INT4));
}

int kh_db_bind_int64(kh_db_stmt *st, int col, int64_t v)
{
    if (st->db->engine == KH_DB_SQLITE)
        return bound(st,
                     lite_rc(st->db, sqlite3_bind_int64(st->lite, col, v)));
    char num[24];
    int n = snprintf(num, sizeof num, "%" PRId64, v);
    return bound(st, pg_bind(st, col, num, (size_t)n, 0, PG_INT8));
}

int kh_db_bind_text(kh_db_stmt *st, int col, const char *v, int n)
{
    if (!v)
        return kh_db_bind_null(st, col);
    if (st->db->engine == KH_DB_SQLITE)
        return bound(st, lite_rc(st->db, sqlite3_bind_text(
                                             st->lite, col, v, n,
                                             SQLITE_TRANSIENT)));
    /* Untyped, like a quoted literal: the server infers the type from
     * where it is used, as SQLite's affinity would. */
    size_t len = n < 0 ? strlen(v) : (size_t)n;
    return bound(st, pg_bind(st, col, v, len, 0, 0));
}

int kh_db_bind_blob(kh_db_stmt *st, int col, const void *v, size_t n)
{
    if (st->db->engine == KH_DB_SQLITE)
        return bound(st, lite_rc(st->db, sqlite3_bind_blob64(
                                             st->lite, col, v ? v : "", n,
                                             SQLITE_TRANSIENT)));
    return bound(st, pg_bind(st, col, v ? v : "", n, 1, PG_BYTEA));
}

int kh_db_bind_null(kh_db_stmt *st, int col)
{
    if (st->db->engine == KH_DB_SQLITE)
        return bound(st, lite_rc(st->db, sqlite3_bind_null(st->lite, col)));
    return bound(st, pg_bind(st, col, NULL, 0, 0, 0));
}

static int pg_exec_stmt(kh_db_stmt *st, const char **vals, const int *lens,
                        const int *fmts, const Oid *types, bool same);

/* Runs the statement with its bindings and keeps the rows. */
static int pg_run(kh_db_stmt *st)
{
    kh_db *db = st->db;
    int n = st->nparams;
    size_t k = n ? (size_t)n : 1;
    const char **vals = malloc(k * sizeof *vals);
    int *lens = malloc(k * sizeof *lens), *fmts = malloc(k * sizeof *fmts);
    Oid *types = malloc(k * sizeof *types);
    int rc = vals && lens && fmts && types ? KH_DB_OK : KH_DB_NOMEM;
    pg_revive(db);
    if (st->gen != db->gen)
        st->name[0] = '\0';   /* prepared on a connection that was lost */
    bool same = st->name[0] != '\0';
    for (int i = 0; i < n && rc == KH_DB_OK; i++) {
        vals[i] = st->params[i].val;
        lens[i] = st->params[i].len;
        fmts[i] = st->params[i].fmt;
        types[i] = st->params[i].type;
        same = same && types[i] == st->types[i];
    }
    if (rc == KH_DB_OK)
        rc = pg_exec_stmt(st, vals, lens, fmts, types, same);
    free(vals);
    free(lens);
    free(fmts);
    free(types);
    return db->err = rc;
}

/* pg_run's second half: prepares once if persistent, then executes. */
static int pg_exec_stmt(kh_db_stmt *st, const char **vals, const int *lens,
                        const int *fmts, const Oid *types, bool same)
{
    kh_db *db = st->db;
    int n = st->nparams;
    if (st->persistent && !st->name[0]) {
        /* Prepared on the server once, with the types of the first run. */
        char name[24];
        snprintf(name, sizeof name, "kh%u", ++db->next_name);
        PGresult *pr = PQprepare(db->pg, name, st->sql, n, types);
        int prc = pg_check(db, pr);
        PQclear(pr);
        if (prc != KH_DB_OK)
            return prc;
        memcpy(st->name, name, sizeof name);
        st->gen = db->gen;
        for (int i = 0; i < n; i++)
            st->types[i] = types[i];
        same = true;
    }
    st->res = same ? PQexecPrepared(db->pg, st->name, n, vals, lens, fmts, 0)
                   : PQexecParams(db->pg, st->sql, n, types, vals, lens,
                                  fmts, 0);
    int rc = pg_check(db, st->res);
    if (rc != KH_DB_OK) {
        PQclear(st->res);
        st->res = NULL;
        return rc;
    }
    st->ran = true;
    st->row = -1;
    st->nrows = PQresultStatus(st->res) == PGRES_TUPLES_OK
                    ? PQntuples(st->res)
                    : 0;
    return KH_DB_OK;
}

int kh_db_step(kh_db_stmt *st)
{
    if (st->bind_err != KH_DB_OK)   /* never run without a parameter */
        return st->db->err = st->bind_err;
    if (st->db->engine == KH_DB_SQLITE)
        return lite_rc(st->db, sqlite3_step(st->lite));
    if (!st->ran) {
        int rc = pg_run(st);
        if (rc != KH_DB_OK)
            return rc;
    }
    for (int i = 0; i < st->nblobs; i++) {
        free(st->blobs[i]);
        st->blobs[i] = NULL;
    }
    if (st->row + 1 < st->nrows) {
        st->row++;
        return st->db->err = KH_DB_ROW;
    }
    st->row = st->nrows;
    return st->db->err = KH_DB_DONE;
}

/* The decoded bytea of column col of the current row (NULL: not bytea,
 * SQL NULL or out of memory). */
static const unsigned char *pg_bytea(kh_db_stmt *st, int col, size_t *len)
{
    if (PQftype(st->res, col) != PG_BYTEA ||
        PQgetisnull(st->res, st->row, col))
        return NULL;
    if (!st->blobs) {
        int nf = PQnfields(st->res);
        st->blobs = calloc((size_t)nf, sizeof *st->blobs);
        st->blen = calloc((size_t)nf, sizeof *st->blen);
        if (!st->blobs || !st->blen)
            return NULL;
        st->nblobs = nf;
    }
    if (!st->blobs[col]) {
        size_t n = 0;
        unsigned char *raw = PQunescapeBytea(
            (const unsigned char *)PQgetvalue(st->res, st->row, col), &n);
        if (!raw)
            return NULL;
        /* A NUL after the bytes, so that text readers get a C string. */
        st->blobs[col] = malloc(n + 1);
        if (st->blobs[col]) {
            memcpy(st->blobs[col], raw, n);
            st->blobs[col][n] = '\0';
            st->blen[col] = n;
        }
        PQfreemem(raw);
    }
    *len = st->blen[col];
    return st->blobs[col];
}

/* Whether col is a column of the current PostgreSQL row. */
static bool pg_has(const kh_db_stmt *st, int col)
{
    return st->res && st->row >= 0 && st->row < st->nrows && col >= 0 &&
           col < PQnfields(st->res);
}

int kh_db_column_int(kh_db_stmt *st, int col)
{
    return (int)kh_db_column_int64(st, col);
}

int64_t kh_db_column_int64(kh_db_stmt *st, int col)
{
    if (st->db->engine == KH_DB_SQLITE)
        return sqlite3_column_int64(st->lite, col);
    if (!pg_has(st, col) || PQgetisnull(st->res, st->row, col))
        return 0;
    const char *v = PQgetvalue(st->res, st->row, col);
    if (v[0] == 't' || v[0] == 'f')   /* boolean: SQLite gives 1/0 */
        return v[0] == 't';
    return strtoll(v, NULL, 10);
}

const char *kh_db_column_text(kh_db_stmt *st, int col)
{
    if (st->db->engine == KH_DB_SQLITE)
        return (const char *)sqlite3_column_text(st->lite, col);
    if (!pg_has(st, col) || PQgetisnull(st->res, st->row, col))
        return NULL;
    size_t n;
    const unsigned char *b = pg_bytea(st, col, &n);
    if (b)
        return (const char *)b;
    return PQgetvalue(st->res, st->row, col);
}

const void *kh_db_column_blob(kh_db_stmt *st, int col)
{
    if (st->db->engine == KH_DB_SQLITE)
        return sqlite3_column_blob(st->lite, col);
    if (!pg_has(st, col))
        return NULL;
    size_t n;
    const unsigned char *b = pg_bytea(st, col, &n);
    return b ? (const void *)b : kh_db_column_text(st, col);
}

int kh_db_column_bytes(kh_db_stmt *st, int col)
{
    if (st->db->engine == KH_DB_SQLITE)
        return sqlite3_column_bytes(st->lite, col);
    if (!pg_has(st, col))
        return 0;
    size_t n;
    if (pg_bytea(st, col, &n))
        return (int)n;
    return PQgetlength(st->res, st->row, col);
}

bool kh_db_column_is_null(kh_db_stmt *st, int col)
{
    if (st->db->engine == KH_DB_SQLITE)
        return sqlite3_column_type(st->lite, col) == SQLITE_NULL;
    return !pg_has(st, col) || PQgetisnull(st->res, st->row, col);
}

int kh_db_column_count(kh_db_stmt *st)
{
    if (st->db->engine == KH_DB_SQLITE)
        return sqlite3_column_count(st->lite);
    return st->res ? PQnfields(st->res) : 0;
}

const char *kh_db_column_name(kh_db_stmt *st, int col)
{
    if (st->db->engine == KH_DB_SQLITE)
        return sqlite3_column_name(st->lite, col);
    return st->res ? PQfname(st->res, col) : NULL;
}

int kh_db_column_kind(kh_db_stmt *st, int col)
{
    if (st->db->engine == KH_DB_SQLITE) {
        switch (sqlite3_column_type(st->lite, col)) {
        case SQLITE_INTEGER: return KH_DB_T_INTEGER;
        case SQLITE_BLOB: return KH_DB_T_BLOB;
        case SQLITE_NULL: return KH_DB_T_NULL;
        default: return KH_DB_T_TEXT;
        }
    }
    if (kh_db_column_is_null(st, col))
        return KH_DB_T_NULL;
    switch (PQftype(st->res, col)) {
    case PG_INT8:
    case PG_INT4:
    case 21: /* int2 */
        return KH_DB_T_INTEGER;
    case PG_BYTEA: return KH_DB_T_BLOB;
    default: return KH_DB_T_TEXT;
    }
}

/* Whether name is a plain lower-case SQL name (a-z, 0-9, _). */
static bool plain_name(const char *name)
{
    if (!*name)
        return false;
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
              *c == '_'))
            return false;
    return true;
}

int kh_db_identity_resync(kh_db *db, const char *table)
{
    if (db->engine == KH_DB_SQLITE)
        return db->err = KH_DB_OK;
    if (!plain_name(table)) {
        pg_set_msg(db, "not a table name");
        return db->err = KH_DB_ERROR;
    }
    kh_db_stmt *cols;
    int rc = kh_db_prepare(db, "SELECT column_name FROM"
                               " information_schema.columns WHERE"
                               " table_schema = current_schema() AND"
                               " table_name = ? AND is_identity = 'YES'",
                           &cols);
    if (rc != KH_DB_OK)
        return rc;
    rc = kh_db_bind_text(cols, 1, table, -1);
    char *col = NULL;
    if (rc == KH_DB_OK && (rc = kh_db_step(cols)) == KH_DB_ROW)
        col = strdup(kh_db_column_text(cols, 0));
    kh_db_finalize(cols);
    if (rc == KH_DB_DONE)
        return db->err = KH_DB_OK;   /* no identity column */
    if (rc != KH_DB_ROW || !col || !plain_name(col)) {
        free(col);
        return rc == KH_DB_ROW ? (db->err = KH_DB_ERROR) : rc;
    }
    /* Plain names (checked above): safe in the text of the statement. */
    char *sql = NULL;
    if (asprintf(&sql, "SELECT setval(pg_get_serial_sequence('%s', '%s'),"
                       " coalesce(max(%s), 0) + 1, false) FROM %s",
                 table, col, col, table) < 0)
        sql = NULL;
    free(col);
    if (!sql)
        return db->err = KH_DB_NOMEM;
    rc = kh_db_exec(db, sql);
    free(sql);
    return rc;
}

/* ---- transactions -------------------------------------------------- */

int kh_db_begin_deferred(kh_db *db)
{
    if (db->engine == KH_DB_SQLITE)
        return kh_db_exec(db, "BEGIN IMMEDIATE");
    int rc = kh_db_exec(db, "BEGIN ISOLATION LEVEL READ COMMITTED");
    if (rc == KH_DB_OK) {
        db->in_tx = true;
        db->writer_locked = false;
    }
    return rc;
}

int kh_db_writer_lock(kh_db *db)
{
    if (db->engine == KH_DB_SQLITE || db->writer_locked)
        return KH_DB_OK;   /* SQLite: BEGIN IMMEDIATE excluded writers */
    int rc = kh_db_exec(db, PG_WRITER_LOCK);
    if (rc == KH_DB_OK)
        db->writer_locked = true;
    return rc;
}

int kh_db_begin(kh_db *db)
{
    int rc = kh_db_begin_deferred(db);
    if (rc != KH_DB_OK || db->engine == KH_DB_SQLITE)
        return rc;
    /* One writer at a time, as on SQLite: the version checks, the audit
     * chain's head and the state machine need no further locking, and
     * writers cannot deadlock each other.  lock_timeout bounds the wait. */
    if ((rc = kh_db_writer_lock(db)) != KH_DB_OK) {
        char keep[PG_MSG_MAX];
        memcpy(keep, db->msg, sizeof keep);
        db->in_tx = false;
        (void)kh_db_exec(db, "ROLLBACK");
        memcpy(db->msg, keep, sizeof keep);
        db->err = rc;
    }
    return rc;
}

int kh_db_commit(kh_db *db)
{
    int rc = kh_db_exec(db, "COMMIT");   /* on the same connection only */
    db->in_tx = db->writer_locked = false;
    return rc;
}

int kh_db_rollback(kh_db *db)
{
    db->in_tx = db->writer_locked = false;
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

/* ---- bulk loading --------------------------------------------------- */

struct kh_db_bulk {
    kh_db *db;
    int ncols, col;        /* columns, and the next one of the row */
    int64_t rows;          /* rows ended so far */
    int err;               /* first failure; later calls return it */
    kh_db_stmt *ins;       /* SQLite: the INSERT, reused */
    /* PostgreSQL */
    bool copying;          /* the connection is in COPY IN */
    bool send_failed;      /* PQputCopyData failed: the result says why */
    bool *bytea;           /* owned, ncols: the column is bytea */
    kh_buf out;            /* rows not sent yet */
    char **readd;          /* owned: ADD CONSTRAINT of the keys dropped */
    int nreadd;
};

/* Records a failure of b (the first one stays). */
static int bulk_fail(kh_db_bulk *b, int rc)
{
    if (b->err == KH_DB_OK)
        b->err = rc;
    return b->err;
}

/* Sends what is buffered once it reaches a chunk (all when force). */
static int pg_bulk_flush(kh_db_bulk *b, bool force)
{
    if (b->out.len == 0 || (!force && b->out.len < KH_DB_BULK_CHUNK))
        return KH_DB_OK;
    if (kh_buf_status(&b->out) != KH_OK) {
        pg_set_msg(b->db, "out of memory");
        return bulk_fail(b, KH_DB_NOMEM);
    }
    if (b->out.len > INT32_MAX ||
        PQputCopyData(b->db->pg, b->out.data, (int)b->out.len) != 1) {
        /* The server ended the COPY (a refused row) or went away: the
         * result read at finish says which. */
        b->send_failed = true;
        return bulk_fail(b, KH_DB_ERROR);
    }
    kh_buf_reset(&b->out);
    return KH_DB_OK;
}

/* The next value's separator (a tab between values of a row). */
static int bulk_next(kh_db_bulk *b)
{
    if (b->err != KH_DB_OK)
        return b->err;
    if (b->col >= b->ncols) {
        if (b->db->engine == KH_DB_POSTGRES)
            pg_set_msg(b->db, "more values than columns in a row");
        return bulk_fail(b, KH_DB_ERROR);
    }
    if (b->db->engine == KH_DB_POSTGRES && b->col > 0)
        kh_buf_putc(&b->out, '\t');
    return KH_DB_OK;
}

/* Bytes in COPY's text format: the four characters that delimit rows,
 * values and escapes are escaped; everything else is itself. */
static void copy_text(kh_buf *o, const char *v, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *esc = v[i] == '\\'   ? "\\\\"
                          : v[i] == '\t' ? "\\t"
                          : v[i] == '\n' ? "\\n"
                          : v[i] == '\r' ? "\\r"
                                         : NULL;
        if (!esc)
            continue;
        kh_buf_add(o, v + run, i - run);
        kh_buf_add(o, esc, 2);
        run = i + 1;
    }
    kh_buf_add(o, v + run, n - run);
}

/* Bytes as a bytea value in COPY's text format: \\x and hex. */
static void copy_hex(kh_buf *o, const unsigned char *v, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    kh_buf_add(o, "\\\\x", 3);
    char *p = kh_buf_reserve(o, n * 2);
    if (!p)
        return;   /* the buffer's status says so at the flush */
    for (size_t i = 0; i < n; i++) {
        p[2 * i] = hex[v[i] >> 4];
        p[2 * i + 1] = hex[v[i] & 15];
    }
    kh_buf_commit(o, n * 2);
}

/* One value of the row: bytes (text or blob) or NULL. */
static int bulk_bytes(kh_db_bulk *b, const void *v, size_t n, bool blob)
{
    int rc = bulk_next(b);
    if (rc != KH_DB_OK)
        return rc;
    int col = b->col++;
    if (b->db->engine == KH_DB_SQLITE) {
        rc = !v     ? kh_db_bind_null(b->ins, col + 1)
             : blob ? kh_db_bind_blob(b->ins, col + 1, v, n)
             : n > INT32_MAX
                 ? KH_DB_ERROR
                 : kh_db_bind_text(b->ins, col + 1, v, (int)n);
        return rc == KH_DB_OK ? rc : bulk_fail(b, rc);
    }
    if (!v)
        kh_buf_add(&b->out, "\\N", 2);
    else if (b->bytea[col])
        copy_hex(&b->out, v, n);
    else
        copy_text(&b->out, v, n);
    return KH_DB_OK;
}

int kh_db_bulk_int64(kh_db_bulk *b, int64_t v)
{
    if (b->db->engine == KH_DB_SQLITE) {
        int rc = bulk_next(b);
        if (rc != KH_DB_OK)
            return rc;
        rc = kh_db_bind_int64(b->ins, ++b->col, v);
        return rc == KH_DB_OK ? rc : bulk_fail(b, rc);
    }
    char num[24];
    int n = snprintf(num, sizeof num, "%" PRId64, v);
    return bulk_bytes(b, num, (size_t)n, false);
}

int kh_db_bulk_text(kh_db_bulk *b, const char *v, size_t n)
{
    return bulk_bytes(b, v, n, false);
}

int kh_db_bulk_blob(kh_db_bulk *b, const void *v, size_t n)
{
    return bulk_bytes(b, v ? v : "", n, true);
}

int kh_db_bulk_null(kh_db_bulk *b)
{
    return bulk_bytes(b, NULL, 0, false);
}

int kh_db_bulk_row(kh_db_bulk *b)
{
    if (b->err != KH_DB_OK)
        return b->err;
    if (b->col != b->ncols) {
        if (b->db->engine == KH_DB_POSTGRES)
            pg_set_msg(b->db, "fewer values than columns in a row");
        return bulk_fail(b, KH_DB_ERROR);
    }
    b->col = 0;
    if (b->db->engine == KH_DB_POSTGRES) {
        b->rows++;
        kh_buf_putc(&b->out, '\n');
        return pg_bulk_flush(b, false);
    }
    int rc = kh_db_step(b->ins);
    kh_db_reset(b->ins);
    if (rc != KH_DB_DONE)
        return bulk_fail(b, rc);
    b->rows++;
    return KH_DB_OK;
}

/* "a, b, c" of cols, all plain names; malloc'd, NULL when not plain or
 * out of memory. */
static char *bulk_cols(const char *table, const char *const *cols, int n)
{
    if (!table || !plain_name(table) || n < 1)
        return NULL;
    kh_buf l;
    kh_buf_init(&l, 1 << 20);
    for (int i = 0; i < n; i++) {
        if (!cols[i] || !plain_name(cols[i])) {
            kh_buf_free(&l);
            return NULL;
        }
        kh_buf_printf(&l, "%s%s", i ? ", " : "", cols[i]);
    }
    if (kh_buf_status(&l) != KH_OK) {
        kh_buf_free(&l);
        return NULL;
    }
    return kh_buf_take(&l, NULL);
}

/* SQLite: INSERT INTO table (list) VALUES (?, ...), prepared once. */
static int lite_bulk_begin(kh_db_bulk *b, const char *table, const char *list)
{
    kh_buf q;
    kh_buf_init(&q, 1 << 20);
    kh_buf_printf(&q, "INSERT INTO %s (%s) VALUES (", table, list);
    for (int i = 0; i < b->ncols; i++)
        kh_buf_puts(&q, i ? ", ?" : "?");
    kh_buf_putc(&q, ')');
    int rc = kh_buf_status(&q) == KH_OK
                 ? kh_db_prepare(b->db, kh_buf_str(&q), &b->ins)
                 : (b->db->err = KH_DB_NOMEM);
    kh_buf_free(&q);
    return rc;
}

/* Runs "HEAD list MID table TAIL" (our own plain names only); *res is
 * its result (NULL when out of memory). */
static PGresult *pg_bulk_exec(kh_db *db, const char *head, const char *list,
                              const char *mid, const char *table,
                              const char *tail)
{
    kh_buf q;
    kh_buf_init(&q, 1 << 20);
    kh_buf_printf(&q, "%s%s%s%s%s", head, list, mid, table, tail);
    PGresult *res = kh_buf_status(&q) == KH_OK
                        ? PQexec(db->pg, kh_buf_str(&q))
                        : NULL;
    kh_buf_free(&q);
    return res;
}

static int pg_copy_result(kh_db *db, PGresult *res, int64_t *bad_row);

/* The table's own foreign keys are dropped for the load and added again
 * at its end (pg_bulk_keys_back), as pg_restore does: checking every row
 * as it comes (a trigger's lookup each) took half of the COPY of the
 * entries; adding a key checks all rows in one join.  Safe: the drop,
 * the load and the re-adding are in the caller's one transaction, under
 * ALTER TABLE's exclusive lock (no other session sees the table without
 * its keys), and a row the key refuses fails the re-adding, hence the
 * load.  A table kaohe may not alter (another owner) keeps its keys. */
static void pg_bulk_keys_off(kh_db_bulk *b, const char *table)
{
    PGconn *c = b->db->pg;
    if (!b->db->in_tx)
        return;   /* a key dropped must come back in the same transaction */
    /* Whatever fails here is taken back to the savepoint: the keys stay,
     * checked row by row (no right to alter, no memory). */
    PQclear(PQexec(c, "SAVEPOINT kh_bulk_keys"));
    const char *param[1] = {table};
    PGresult *res = PQexecParams(
        c, "SELECT format('ALTER TABLE %s DROP CONSTRAINT %I',"
           " CAST($1 AS text), conname), format('ALTER TABLE %s ADD"
           " CONSTRAINT %I %s', CAST($1 AS text), conname,"
           " pg_get_constraintdef(oid)) FROM pg_constraint WHERE conrelid ="
           " CAST($1 AS text)::regclass AND contype = 'f' ORDER BY conname",
        1, NULL, param, NULL, NULL, 0);
    bool ok = PQresultStatus(res) == PGRES_TUPLES_OK;
    int n = ok ? PQntuples(res) : 0;
    if (n > 0 && !(b->readd = calloc((size_t)n, sizeof *b->readd)))
        ok = false;
    for (int i = 0; i < n && ok; i++) {
        PGresult *d = PQexec(c, PQgetvalue(res, i, 0));
        ok = PQresultStatus(d) == PGRES_COMMAND_OK &&
             (b->readd[i] = strdup(PQgetvalue(res, i, 1))) != NULL;
        PQclear(d);
        b->nreadd += ok;
    }
    PQclear(PQexec(c, ok ? "RELEASE kh_bulk_keys"
                         : "ROLLBACK TO kh_bulk_keys; RELEASE kh_bulk_keys"));
    for (int i = 0; !ok && b->readd && i < n; i++)
        free(b->readd[i]);
    if (!ok)
        b->nreadd = 0;
    PQclear(res);
}

/* Adds the keys pg_bulk_keys_off dropped; a row one refuses fails the
 * load (no row number: the engine names the key). */
static int pg_bulk_keys_back(kh_db_bulk *b, int64_t *bad_row)
{
    int rc = KH_DB_OK;
    for (int i = 0; i < b->nreadd && rc == KH_DB_OK; i++) {
        PGresult *res = PQexec(b->db->pg, b->readd[i]);
        rc = pg_copy_result(b->db, res, bad_row);
        PQclear(res);
    }
    return rc;
}

/* PostgreSQL: which columns are bytea (their values go as hex), then
 * COPY table (list) FROM STDIN. */
static int pg_bulk_begin(kh_db_bulk *b, const char *table, const char *list)
{
    kh_db *db = b->db;
    kh_buf_init(&b->out, INT32_MAX);   /* PQputCopyData's int length */
    b->bytea = calloc((size_t)b->ncols, sizeof *b->bytea);
    if (!b->bytea)
        return db->err = KH_DB_NOMEM;
    PGresult *res = pg_bulk_exec(db, "SELECT ", list, " FROM ", table,
                                 " WHERE false");
    int rc = pg_check(db, res);
    for (int i = 0; rc == KH_DB_OK && i < b->ncols; i++)
        b->bytea[i] = PQftype(res, i) == PG_BYTEA;
    PQclear(res);
    if (rc != KH_DB_OK)
        return rc;
    pg_bulk_keys_off(b, table);
    res = pg_bulk_exec(db, "COPY ", table, " (", list, ") FROM STDIN");
    if (res && PQresultStatus(res) == PGRES_COPY_IN)
        b->copying = true;
    else if ((rc = pg_check(db, res)) == KH_DB_OK)
        rc = db->err = KH_DB_ERROR;   /* not a COPY: cannot happen */
    PQclear(res);
    return rc;
}

int kh_db_bulk_begin(kh_db *db, const char *table, const char *const *cols,
                     int ncols, kh_db_bulk **out)
{
    *out = NULL;
    char *list = bulk_cols(table, cols, ncols);
    if (!list) {
        if (db->engine == KH_DB_POSTGRES)
            pg_set_msg(db, "not a plain table or column name");
        return db->err = KH_DB_ERROR;
    }
    kh_db_bulk *b = calloc(1, sizeof *b);
    int rc = KH_DB_NOMEM;
    if (b) {
        b->db = db;
        b->ncols = ncols;
        rc = db->engine == KH_DB_SQLITE ? lite_bulk_begin(b, table, list)
                                        : pg_bulk_begin(b, table, list);
    }
    free(list);
    if (rc != KH_DB_OK) {
        int64_t unused;
        (void)kh_db_bulk_finish(b, true, &unused);
        return db->err = rc;
    }
    *out = b;
    return KH_DB_OK;
}

/* The COPY's outcome; a refused row's number from the error's context
 * ("COPY entry, line 7"), the engine's detail kept in the message. */
static int pg_copy_result(kh_db *db, PGresult *res, int64_t *bad_row)
{
    int rc = pg_check(db, res);
    if (rc == KH_DB_OK || !res)
        return rc;
    const char *ctx = PQresultErrorField(res, PG_DIAG_CONTEXT);
    const char *line = ctx ? strstr(ctx, ", line ") : NULL;
    if (line)
        *bad_row = strtoll(line + 7, NULL, 10);
    const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
    size_t n = strlen(db->msg);
    if (detail && n + 4 < sizeof db->msg) {
        snprintf(db->msg + n, sizeof db->msg - n, " (%s", detail);
        n = strcspn(db->msg, "\n");   /* one line, closed */
        if (n > sizeof db->msg - 2)
            n = sizeof db->msg - 2;
        db->msg[n] = ')';
        db->msg[n + 1] = '\0';
    }
    return rc;
}

/* Ends the COPY: the rest sent, or the load cancelled; every result
 * read (the first says how it went). */
static int pg_bulk_end(kh_db_bulk *b, bool abort, int64_t *bad_row)
{
    kh_db *db = b->db;
    int own = b->send_failed ? KH_DB_OK : b->err;   /* ours, not the server's */
    bool cancel = abort || own != KH_DB_OK;
    if (!cancel && !b->send_failed && pg_bulk_flush(b, true) != KH_DB_OK &&
        !b->send_failed)
        own = b->err, cancel = true;
    (void)PQputCopyEnd(db->pg, cancel ? "kaohe: the load was cancelled"
                                      : NULL);
    int rc = KH_DB_OK;
    bool first = true;
    PGresult *res;
    while ((res = PQgetResult(db->pg))) {
        if (first)
            rc = pg_copy_result(db, res, bad_row);
        first = false;
        PQclear(res);
        if (PQstatus(db->pg) != CONNECTION_OK)
            break;   /* a lost connection may never end its results */
    }
    if (first)   /* no result at all: the connection failed */
        rc = pg_check(db, NULL);
    if (own != KH_DB_OK)
        return db->err = own;   /* the server only saw the cancel */
    if (abort)   /* the caller's own failure is the one it reports */
        return db->err = KH_DB_ERROR;
    return rc == KH_DB_OK ? pg_bulk_keys_back(b, bad_row) : rc;
}

int kh_db_bulk_finish(kh_db_bulk *b, bool abort, int64_t *bad_row)
{
    *bad_row = 0;
    if (!b)
        return KH_DB_OK;
    int rc = b->err;
    if (b->db->engine == KH_DB_POSTGRES && b->copying)
        rc = pg_bulk_end(b, abort, bad_row);
    else if (rc != KH_DB_OK && b->ins)
        *bad_row = b->rows + 1;   /* SQLite refuses the row as it runs */
    kh_db_finalize(b->ins);
    kh_buf_free(&b->out);
    free(b->bytea);
    for (int i = 0; b->readd && i < b->nreadd; i++)
        free(b->readd[i]);
    free(b->readd);
    free(b);
    return rc;
}
