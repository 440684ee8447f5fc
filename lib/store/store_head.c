/*
 * store_head.c - anchoring the audit chain outside the store: checking a
 * published head "SEQ:HASH" against the log, and signing the head with
 * an Ed25519 key kept outside the store (libsodium crypto_sign).
 *
 * Only the holder of the secret key can sign, so a store rewritten
 * behind kaohe's back (a cut tail with meta.audit_head rewritten, or a
 * whole new chain) no longer matches its signed head.
 */
#include "store_impl.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECRET_TAG "kaohe-audit-secret "
#define PUBLIC_TAG "kaohe-audit-public "
/* What is signed: the head behind a fixed context line. */
#define SIGN_CONTEXT "kaohe-audit-head-1\n"

/* Parses "SEQ:HASH" (64 hex digits) or a printed page's verification
 * code "SEQ-HHHHHHHH" (the hash's first 8 hex digits, kh_export_code);
 * *hash_len gets the number of hex digits to compare. */
static bool parse_head(const char *s, int64_t *seq, char hash[KH_STORE_HEX_SZ],
                       size_t *hash_len)
{
    long long n = -1;
    int used = 0;
    char sep = 0;
    if (!s || sscanf(s, "%lld%c%n", &n, &sep, &used) != 2 || n < 0 ||
        s[0] < '0' || s[0] > '9')
        return false;
    size_t want = sep == ':' ? 64 : sep == '-' ? 8 : 0;
    if (!want || strlen(s + used) != want)
        return false;
    for (const char *p = s + used; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    *seq = n;
    memset(hash, 0, KH_STORE_HEX_SZ);
    memcpy(hash, s + used, want);
    *hash_len = want;
    return true;
}

kh_status kh_store_audit_check_head(kh_store *s, const char *head,
                                    const char *path, kh_err *e)
{
    int64_t seq;
    char want[KH_STORE_HEX_SZ];
    size_t want_len;
    if (!parse_head(head, &seq, want, &want_len))
        return kh_err_at(e, 0, 0, path,
                         "\"%s\" is not an audit head: write SEQ:HASH (the "
                         "sequence number, a colon, 64 hex digits) or a "
                         "verification code SEQ-HHHHHHHH",
                         head ? head : "");
    if (seq == 0)
        return KH_OK;   /* the empty log precedes every log */
    kh_db_stmt *st;
    kh_status rc =
        kh_store_stmt(s, "SELECT hash FROM audit WHERE seq = ?", &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, seq);
    int step = kh_db_step(st);
    char got[KH_STORE_HEX_SZ] = "";
    if (step == KH_DB_ROW)
        snprintf(got, sizeof got, "%s",
                 kh_store_col_str(st, 0) ? kh_store_col_str(st, 0) : "");
    kh_db_reset(st);
    if (step != KH_DB_ROW && step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading the audit log");
    if (step == KH_DB_DONE)
        return kh_err_fail(e, KH_EINVAL,
                           "audit record %" PRId64
                           ": missing, but the head %s names it (records "
                           "were cut off the end of the log)",
                           seq, head);
    if (strncmp(got, want, want_len) != 0 || strlen(got) < want_len)
        return kh_err_fail(e, KH_EINVAL,
                           "audit record %" PRId64
                           ": its hash differs from the head %s (the log "
                           "was rewritten)",
                           seq, head);
    return KH_OK;
}

/* Reads "TAG HEX" of n bytes from a key file's text into out. */
static kh_status read_key(const char *text, const char *tag,
                          unsigned char *out, size_t n, const char *path,
                          kh_err *e)
{
    size_t tl = strlen(tag), hl = 0;
    const char *hex = text && strncmp(text, tag, tl) == 0 ? text + tl : NULL;
    while (hex && ((hex[hl] >= '0' && hex[hl] <= '9') ||
                   (hex[hl] >= 'a' && hex[hl] <= 'f')))
        hl++;
    size_t got = 0;
    if (!hex || hl != 2 * n || (hex[hl] && strcmp(hex + hl, "\n") != 0) ||
        sodium_hex2bin(out, n, hex, hl, NULL, &got, NULL) != 0 || got != n)
        return kh_err_fail(e, KH_EINVAL,
                           "%s: not a kaohe %s key file (expected one line "
                           "\"%sHEX\")",
                           path,
                           strcmp(tag, SECRET_TAG) == 0 ? "secret" : "public",
                           tag);
    return KH_OK;
}

kh_status kh_audit_keygen(kh_buf *secret, kh_buf *public_key, kh_err *e)
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    char hex[2 * crypto_sign_SECRETKEYBYTES + 1];
    if (sodium_init() < 0 || crypto_sign_keypair(pk, sk) != 0)
        return kh_err_fail(e, KH_EIO, "cannot make a key pair");
    sodium_bin2hex(hex, sizeof hex, sk, sizeof sk);
    kh_buf_printf(secret, SECRET_TAG "%s\n", hex);
    sodium_memzero(sk, sizeof sk);
    sodium_memzero(hex, sizeof hex);
    sodium_bin2hex(hex, sizeof hex, pk, sizeof pk);
    kh_buf_printf(public_key, PUBLIC_TAG "%s\n", hex);
    if (kh_buf_status(secret) != KH_OK || kh_buf_status(public_key) != KH_OK)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    return KH_OK;
}

/* The message signed for head. */
static size_t sign_message(const char *head, char *msg, size_t sz)
{
    int n = snprintf(msg, sz, SIGN_CONTEXT "%s\n", head);
    return n > 0 ? (size_t)n : 0;
}

kh_status kh_store_audit_sign(kh_store *s, const char *key_text,
                              const char *path, char head[KH_AUDIT_HEAD_SZ],
                              kh_err *e)
{
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    kh_status rc = read_key(key_text, SECRET_TAG, sk, sizeof sk, path, e);
    if (rc != KH_OK)
        return rc;
    if ((rc = kh_store_begin(s, e)) != KH_OK)
        goto done;
    if ((rc = kh_store_audit_head(s, head, e)) != KH_OK)
        goto fail;
    char msg[200], sighex[2 * crypto_sign_BYTES + 1], val[300];
    unsigned char sig[crypto_sign_BYTES];
    size_t len = sign_message(head, msg, sizeof msg);
    crypto_sign_detached(sig, NULL, (const unsigned char *)msg, len, sk);
    sodium_bin2hex(sighex, sizeof sighex, sig, sizeof sig);
    snprintf(val, sizeof val, "%s %s", head, sighex);
    kh_db_stmt *st;
    if ((rc = kh_store_stmt(s,
                            "INSERT INTO meta (key, value) VALUES"
                            " ('audit_signature', ?) ON CONFLICT (key)"
                            " DO UPDATE SET value = excluded.value",
                            &st, e)) != KH_OK)
        goto fail;
    kh_store_bind_str(st, 1, val);
    if ((rc = kh_store_exec(s, st, e, "storing the signature")) != KH_OK)
        goto fail;
    rc = kh_store_commit(s, e);
    goto done;
fail:
    kh_store_rollback(s);
done:
    sodium_memzero(sk, sizeof sk);
    return rc;
}

/* Reads meta.audit_signature "SEQ:HASH SIG" into head and sig. */
static kh_status read_signature(kh_store *s, char head[KH_AUDIT_HEAD_SZ],
                                unsigned char sig[crypto_sign_BYTES],
                                kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s, "SELECT value FROM meta WHERE key = 'audit_signature'", &st, e);
    if (rc != KH_OK)
        return rc;
    int step = kh_db_step(st);
    char val[300] = "";
    if (step == KH_DB_ROW)
        snprintf(val, sizeof val, "%s",
                 kh_store_col_str(st, 0) ? kh_store_col_str(st, 0) : "");
    kh_db_reset(st);
    if (step == KH_DB_DONE)
        return kh_err_fail(e, KH_ENOTFOUND,
                           "the audit head was never signed (kaohe audit "
                           "sign --key FILE)");
    if (step != KH_DB_ROW)
        return kh_store_db_fail(s, e, "reading the signature");
    char *sp = strchr(val, ' ');
    size_t got = 0;
    if (!sp || (size_t)(sp - val) >= KH_AUDIT_HEAD_SZ ||
        sodium_hex2bin(sig, crypto_sign_BYTES, sp + 1, strlen(sp + 1), NULL,
                       &got, NULL) != 0 ||
        got != crypto_sign_BYTES)
        return kh_err_fail(e, KH_EINVAL,
                           "the stored signature of the audit head is "
                           "malformed (altered outside kaohe)");
    memcpy(head, val, (size_t)(sp - val));
    head[sp - val] = '\0';
    return KH_OK;
}

kh_status kh_store_audit_check_signature(kh_store *s, const char *key_text,
                                         const char *path,
                                         char head[KH_AUDIT_HEAD_SZ],
                                         kh_err *e)
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
    kh_status rc = read_key(key_text, PUBLIC_TAG, pk, sizeof pk, path, e);
    if (rc == KH_OK)
        rc = read_signature(s, head, sig, e);
    if (rc != KH_OK)
        return rc;
    char msg[200];
    size_t len = sign_message(head, msg, sizeof msg);
    if (crypto_sign_verify_detached(sig, (const unsigned char *)msg, len,
                                    pk) != 0)
        return kh_err_fail(e, KH_EINVAL,
                           "the signature of the audit head %s does not "
                           "match the key %s (signed with another key, or "
                           "altered outside kaohe)",
                           head, path);
    return kh_store_audit_check_head(s, head, "signed head", e);
}
