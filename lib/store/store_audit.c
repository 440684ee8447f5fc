/*
 * store_audit.c - the audit log: every change appended in the same
 * transaction as the change, each record chained to the previous one by
 * SHA-256, and the verification that names the first broken record.
 *
 * A record's hash covers a tagged, length-prefixed encoding of its
 * sequence number, time, actor, action, year, unit, object, old and new
 * values, reason and the previous record's hash, so no two different
 * records encode alike.  meta.audit_head holds "SEQ HASH" of the last
 * record, so records cut off the end are noticed as well.  On
 * PostgreSQL the append runs under the writers' advisory lock (taken
 * here when the transaction began without it), so two instances never
 * fork the chain.
 */
#include "store_impl.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

static void hash_field(crypto_hash_sha256_state *h, const char *s)
{
    if (!s) {
        crypto_hash_sha256_update(h, (const unsigned char *)"-\n", 2);
        return;
    }
    char len[32];
    size_t n = strlen(s);
    int k = snprintf(len, sizeof len, "%zu:", n);
    crypto_hash_sha256_update(h, (const unsigned char *)len, (size_t)k);
    crypto_hash_sha256_update(h, (const unsigned char *)s, n);
    crypto_hash_sha256_update(h, (const unsigned char *)"\n", 1);
}

static void record_hash(int64_t seq, const char *at, const kh_audit_rec *r,
                        const char *prev, char out[KH_STORE_HEX_SZ])
{
    crypto_hash_sha256_state h;
    char num[32];
    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, (const unsigned char *)"kaohe-audit-1\n",
                              14);
    snprintf(num, sizeof num, "%" PRId64, seq);
    hash_field(&h, num);
    hash_field(&h, at);
    hash_field(&h, r->actor);
    hash_field(&h, r->action);
    if (r->year) {
        snprintf(num, sizeof num, "%d", r->year);
        hash_field(&h, num);
    } else {
        hash_field(&h, NULL);
    }
    hash_field(&h, r->unit);
    hash_field(&h, r->object);
    hash_field(&h, r->old_value);
    hash_field(&h, r->new_value);
    hash_field(&h, r->reason);
    hash_field(&h, prev);
    unsigned char bin[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&h, bin);
    sodium_bin2hex(out, KH_STORE_HEX_SZ, bin, sizeof bin);
}

/* Reads meta.audit_head into *seq and head (64 hex digits + NUL). */
static kh_status read_head(kh_store *s, int64_t *seq,
                           char head[KH_STORE_HEX_SZ], kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s, "SELECT value FROM meta WHERE key = 'audit_head'", &st, e);
    if (rc != KH_OK)
        return rc;
    if (kh_db_step(st) != KH_DB_ROW) {
        kh_db_reset(st);
        if (kh_db_errcode(s->db) != KH_DB_DONE &&
            kh_db_errcode(s->db) != KH_DB_OK)
            return kh_store_db_fail(s, e, "reading the audit head");
        return kh_err_fail(e, KH_EDB, "audit head is missing from meta");
    }
    const char *v = kh_store_col_str(st, 0);
    char hex[KH_STORE_HEX_SZ] = {0};
    long long n = -1;
    int ok = v && sscanf(v, "%lld %64s", &n, hex) == 2 &&
             strlen(hex) == 64 && n >= 0;
    kh_db_reset(st);
    if (!ok)
        return kh_err_fail(e, KH_EDB, "audit head in meta is malformed");
    *seq = n;
    memcpy(head, hex, KH_STORE_HEX_SZ);
    return KH_OK;
}

kh_status kh_store_change_seq(kh_store *s, int64_t *seq, kh_err *e)
{
    char head[KH_STORE_HEX_SZ];
    return read_head(s, seq, head, e);
}

kh_status kh_store_audit_head(kh_store *s, char head[KH_AUDIT_HEAD_SZ],
                              kh_err *e)
{
    int64_t seq = 0;
    char hash[KH_STORE_HEX_SZ];
    kh_status rc = read_head(s, &seq, hash, e);
    if (rc == KH_OK)
        snprintf(head, KH_AUDIT_HEAD_SZ, "%" PRId64 ":%s", seq, hash);
    return rc;
}

kh_status kh_store_audit(kh_store *s, const kh_audit_rec *r, kh_err *e)
{
    kh_status rc = kh_store_need_tx(s, e);
    if (rc != KH_OK)
        return rc;
    if (!r->actor || !*r->actor)
        return kh_err_fail(e, KH_EINVAL, "a change needs an actor (user name)");
    if (!r->action || !*r->action)
        return kh_err_fail(e, KH_EINVAL, "internal: audit record without action");
    int64_t seq;
    char prev[KH_STORE_HEX_SZ], hash[KH_STORE_HEX_SZ], at[KH_STORE_TIME_SZ];
    /* The head is read, extended and written under the writers' lock:
     * taken here by a transaction that began late, which re-checks
     * under it what it saw before (kh_store_begin_late). */
    if ((rc = kh_store_lock_writers(s, e)) != KH_OK ||
        (rc = read_head(s, &seq, prev, e)) != KH_OK)
        return rc;
    seq++;
    if (!s->tx_first)
        s->tx_first = seq;
    s->tx_last = seq;
    kh_store_now(s, at);
    record_hash(seq, at, r, prev, hash);

    kh_db_stmt *st;
    rc = kh_store_stmt(s,
                       "INSERT INTO audit (seq, at, actor, action, year, unit,"
                       " object, old_value, new_value, reason, prev, hash)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, seq);
    kh_store_bind_str(st, 2, at);
    kh_store_bind_str(st, 3, r->actor);
    kh_store_bind_str(st, 4, r->action);
    if (r->year)
        kh_db_bind_int(st, 5, r->year);
    kh_store_bind_str(st, 6, r->unit);
    kh_store_bind_str(st, 7, r->object);
    kh_store_bind_str(st, 8, r->old_value);
    kh_store_bind_str(st, 9, r->new_value);
    kh_store_bind_str(st, 10, r->reason);
    kh_store_bind_str(st, 11, prev);
    kh_store_bind_str(st, 12, hash);
    if ((rc = kh_store_exec(s, st, e, "appending to the audit log")) != KH_OK)
        return rc;

    char head[100];
    snprintf(head, sizeof head, "%" PRId64 " %s", seq, hash);
    rc = kh_store_stmt(s,
                       "UPDATE meta SET value = ? WHERE key = 'audit_head'",
                       &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, head);
    return kh_store_exec(s, st, e, "updating the audit head");
}

/* Fills row from the current result row of a SELECT of the audit
 * columns in table order. */
static void read_row(kh_db_stmt *st, kh_audit_row *row)
{
    memset(row, 0, sizeof *row);
    row->seq = kh_db_column_int64(st, 0);
    row->at = kh_store_col_str(st, 1);
    row->rec.actor = kh_store_col_str(st, 2);
    row->rec.action = kh_store_col_str(st, 3);
    row->rec.year = kh_db_column_is_null(st, 4)
                        ? 0
                        : kh_db_column_int(st, 4);
    row->rec.unit = kh_store_col_str(st, 5);
    row->rec.object = kh_store_col_str(st, 6);
    row->rec.old_value = kh_store_col_str(st, 7);
    row->rec.new_value = kh_store_col_str(st, 8);
    row->rec.reason = kh_store_col_str(st, 9);
    row->prev = kh_store_col_str(st, 10);
    row->hash = kh_store_col_str(st, 11);
}

/* The caller's function and context, for each_row. */
typedef struct audit_each_ctx {
    kh_audit_fn fn;
    void *ctx;
} audit_each_ctx;

/* kh_store_each's row: the record read, then the caller's function. */
static kh_status each_row(kh_db_stmt *st, void *ctx)
{
    audit_each_ctx *c = ctx;
    kh_audit_row row;
    read_row(st, &row);
    return c->fn(c->ctx, &row);
}

kh_status kh_store_audit_each(kh_store *s, int year, const char *unit,
                              kh_audit_fn fn, void *ctx, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s,
        "SELECT seq, at, actor, action, year, unit, object, old_value,"
        " new_value, reason, prev, hash FROM audit"
        " WHERE (? = 0 OR year = ?) AND (? IS NULL OR unit = ?)"
        " ORDER BY seq",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    kh_db_bind_int(st, 2, year);
    kh_store_bind_str(st, 3, unit);
    kh_store_bind_str(st, 4, unit);
    return kh_store_each(s, st, each_row, &(audit_each_ctx){fn, ctx}, e,
                         "reading the audit log");
}

/* How many records lie in (after, upto]; one indexed count. */
static kh_status count_since(kh_store *s, int64_t after, int64_t upto,
                             int64_t *n, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s, "SELECT count(*) FROM audit WHERE seq > ? AND seq <= ?", &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, after);
    kh_db_bind_int64(st, 2, upto);
    return kh_store_int64(s, st, n, e, "reading the audit log");
}

kh_status kh_store_audit_since(kh_store *s, int64_t after, int64_t upto,
                               size_t max, kh_audit_fn fn, void *ctx,
                               kh_err *e)
{
    int64_t n = 0;
    kh_status rc = count_since(s, after, upto, &n, e);
    if (rc != KH_OK)
        return rc;
    if (n > (int64_t)max)
        return KH_ELIMIT;   /* not an error of the store: no message */
    kh_db_stmt *st;
    rc = kh_store_stmt(
        s,
        "SELECT seq, at, actor, action, year, unit, object, old_value,"
        " new_value, reason, prev, hash FROM audit"
        " WHERE seq > ? AND seq <= ? ORDER BY seq",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, after);
    kh_db_bind_int64(st, 2, upto);
    return kh_store_each(s, st, each_row, &(audit_each_ctx){fn, ctx}, e,
                         "reading the audit log");
}


kh_status kh_store_audit_verify(kh_store *s, int64_t *count, kh_err *e)
{
    int64_t head_seq;
    char head[KH_STORE_HEX_SZ];
    kh_status rc = read_head(s, &head_seq, head, e);
    if (rc != KH_OK)
        return rc;
    /* Not the cached statement: verification may run beside other reads. */
    kh_db_stmt *st = NULL;
    if (kh_db_prepare(s->db,
                           "SELECT seq, at, actor, action, year, unit, object,"
                           " old_value, new_value, reason, prev, hash"
                           " FROM audit ORDER BY seq", &st) != KH_DB_OK)
        return kh_store_db_fail(s, e, "reading the audit log");
    char prev[KH_STORE_HEX_SZ] = GENESIS;
    int64_t want = 1;
    int step;
    rc = KH_OK;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        kh_audit_row row;
        read_row(st, &row);
        char hash[KH_STORE_HEX_SZ];
        if (row.seq != want) {
            rc = kh_err_fail(e, KH_EINVAL,
                             "audit record %" PRId64
                             ": missing (removed); the log jumps to record "
                             "%" PRId64,
                             want, row.seq);
            break;
        }
        if (!row.prev || strcmp(row.prev, prev) != 0) {
            rc = kh_err_fail(e, KH_EINVAL,
                             "audit record %" PRId64
                             ": does not follow record %" PRId64
                             " (a record was removed, reordered or altered)",
                             row.seq, row.seq - 1);
            break;
        }
        if (!row.at || !row.rec.actor || !row.rec.action || !row.hash) {
            rc = kh_err_fail(e, KH_EINVAL,
                             "audit record %" PRId64 ": altered (fields "
                             "missing)",
                             row.seq);
            break;
        }
        record_hash(row.seq, row.at, &row.rec, prev, hash);
        if (strcmp(hash, row.hash) != 0) {
            rc = kh_err_fail(e, KH_EINVAL,
                             "audit record %" PRId64
                             ": altered (its content does not match its "
                             "hash)",
                             row.seq);
            break;
        }
        memcpy(prev, row.hash, KH_STORE_HEX_SZ);
        want++;
    }
    if (rc == KH_OK && step != KH_DB_DONE)
        rc = kh_store_db_fail(s, e, "reading the audit log");
    kh_db_finalize(st);
    if (rc != KH_OK)
        return rc;
    int64_t n = want - 1;
    if (n < head_seq)
        return kh_err_fail(e, KH_EINVAL,
                           "audit record %" PRId64
                           ": missing (removed); the log ends at record "
                           "%" PRId64 " but %" PRId64 " were written",
                           n + 1, n, head_seq);
    if (n > head_seq || strcmp(prev, head) != 0)
        return kh_err_fail(e, KH_EINVAL,
                           "audit record %" PRId64
                           ": not the recorded head of the log (records "
                           "added or altered outside kaohe)",
                           n);
    if (count)
        *count = n;
    return KH_OK;
}
