/*
 * store_check.c - `kaohe check`: SQLite's integrity and foreign key
 * checks, the audit chain and the hashes of frozen results.
 */
#include "kaohe/store_evidence.h"
#include "store_impl.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static kh_status integrity(kh_store *s, kh_buf *report, kh_err *e)
{
    if (kh_db_engine_of(s->db) == KH_DB_POSTGRES) {
        /* The server checks its pages itself (checksums, WAL); what can
         * be damaged under kaohe is the schema (store_pgschema.c). */
        kh_status rc = kh_store_pg_schema_check(s, e);
        if (rc == KH_OK)
            kh_buf_puts(report, "数据库完整性：PostgreSQL 服务器自行保证\n");
        return rc;
    }
    kh_db_stmt *st = NULL;
    if (kh_db_prepare(s->db, "PRAGMA integrity_check", &st) !=
        KH_DB_OK)
        return kh_store_db_fail(s, e, "checking integrity");
    kh_status rc = KH_OK;
    int step;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        const char *msg = kh_store_col_str(st, 0);
        if (msg && strcmp(msg, "ok") == 0)
            continue;
        rc = kh_err_fail(e, KH_EDB, "integrity check: %s", msg ? msg : "?");
    }
    if (step != KH_DB_DONE && rc == KH_OK)
        rc = kh_store_db_fail(s, e, "checking integrity");
    kh_db_finalize(st);
    if (rc == KH_OK)
        kh_buf_puts(report, "数据库完整性（integrity_check）：正常\n");
    return rc;
}

static kh_status foreign_keys(kh_store *s, kh_buf *report, kh_err *e)
{
    if (kh_db_engine_of(s->db) == KH_DB_POSTGRES) {
        /* Always enforced there: no row can refer to a missing one. */
        kh_buf_puts(report, "外键引用：正常（PostgreSQL 始终强制）\n");
        return KH_OK;
    }
    kh_db_stmt *st = NULL;
    if (kh_db_prepare(s->db, "PRAGMA foreign_key_check", &st) != KH_DB_OK)
        return kh_store_db_fail(s, e, "checking foreign keys");
    kh_status rc = KH_OK;
    int step;
    while ((step = kh_db_step(st)) == KH_DB_ROW)
        rc = kh_err_fail(e, KH_EDB,
                         "foreign key check: table %s row %" PRId64
                         " refers to a missing row of %s",
                         kh_store_col_str(st, 0),
                         (int64_t)kh_db_column_int64(st, 1),
                         kh_store_col_str(st, 2));
    if (step != KH_DB_DONE && rc == KH_OK)
        rc = kh_store_db_fail(s, e, "checking foreign keys");
    kh_db_finalize(st);
    if (rc == KH_OK)
        kh_buf_puts(report, "外键引用：正常\n");
    return rc;
}

static kh_status snapshots(kh_store *s, kh_buf *report, kh_err *e)
{
    kh_db_stmt *st = NULL;
    if (kh_db_prepare(s->db,
                      "SELECT year, format, body, sha256, audit_head"
                      " FROM snapshot ORDER BY year, format", &st) != KH_DB_OK)
        return kh_store_db_fail(s, e, "checking snapshots");
    kh_status rc = KH_OK;
    int step, n = 0;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        const void *b = kh_db_column_blob(st, 2);
        size_t len = (size_t)kh_db_column_bytes(st, 2);
        char hash[KH_STORE_HEX_SZ];
        kh_store_sha256_hex(b ? b : "", len, hash);
        const char *want = kh_store_col_str(st, 3);
        if (!want || strcmp(hash, want) != 0)
            rc = kh_err_fail(e, KH_EINVAL,
                             "year %d: frozen %s results altered (SHA-256 "
                             "mismatch)",
                             kh_db_column_int(st, 0),
                             kh_store_col_str(st, 1));
        /* The log must still hold the head the year was frozen at. */
        const char *head = kh_store_col_str(st, 4);
        if (head && strcmp(kh_store_col_str(st, 1), "json") == 0 &&
            kh_store_audit_check_head(s, head, "snapshot", e) != KH_OK)
            rc = kh_err_fail(e, KH_EINVAL,
                             "year %d: the audit head of its frozen results "
                             "(%s) is not in the log",
                             kh_db_column_int(st, 0), head);
        n++;
    }
    if (step != KH_DB_DONE && rc == KH_OK)
        rc = kh_store_db_fail(s, e, "checking snapshots");
    kh_db_finalize(st);
    if (rc == KH_OK)
        kh_buf_printf(report, "已公布结果快照：%d 份，SHA-256 一致\n", n);
    return rc;
}

kh_status kh_store_check(kh_store *s, kh_buf *report, kh_err *e)
{
    kh_status worst = KH_OK, rc;
    if ((rc = integrity(s, report, e)) != KH_OK)
        worst = rc;
    if ((rc = foreign_keys(s, report, e)) != KH_OK && worst == KH_OK)
        worst = rc;
    int64_t n = 0;
    if ((rc = kh_store_audit_verify(s, &n, e)) != KH_OK) {
        if (worst == KH_OK)
            worst = rc;
    } else {
        kh_buf_printf(report, "审计日志：%" PRId64 " 条记录，哈希链完整\n", n);
    }
    if (rc == KH_OK && (rc = kh_store_audit_replay(s, report, e)) != KH_OK &&
        worst == KH_OK)
        worst = rc;
    if ((rc = snapshots(s, report, e)) != KH_OK && worst == KH_OK)
        worst = rc;
    if ((rc = kh_store_evidence_verify(s, report, NULL, e)) != KH_OK &&
        worst == KH_OK)
        worst = rc;
    return worst;
}

kh_status kh_store_quick_check(kh_store *s, kh_err *e)
{
    if (kh_db_engine_of(s->db) == KH_DB_POSTGRES)   /* its own pages: */
        return kh_store_pg_schema_check(s, e);       /* the server's */
    kh_db_stmt *st = NULL;
    if (kh_db_prepare(s->db, "PRAGMA quick_check", &st) != KH_DB_OK)
        return kh_store_db_fail(s, e, "checking the database");
    kh_status rc = KH_OK;
    int step;
    while (rc == KH_OK && (step = kh_db_step(st)) == KH_DB_ROW) {
        const char *msg = kh_store_col_str(st, 0);
        if (msg && strcmp(msg, "ok") == 0)
            continue;
        /* One line: SQLite's report spans several. */
        char line[256];
        snprintf(line, sizeof line, "%s", msg ? msg : "?");
        for (char *c = line; *c; c++)
            if (*c == '\n')
                *c = ' ';
        kh_err_set_cause(e, KH_CAUSE_DAMAGED);
        rc = kh_err_fail(e, KH_EDB, "%s: the database is damaged (%s); "
                         "restore it from a backup", s->path, line);
    }
    if (rc == KH_OK && step != KH_DB_DONE)
        rc = kh_store_db_fail(s, e, "checking the database");
    kh_db_finalize(st);
    return rc;
}

bool kh_store_damaged(const kh_store *s)
{
    return kh_db_corrupt(s->db);
}
