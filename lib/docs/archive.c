/*
 * archive.c - the year's archive (kaohe/archive.h): the documents, the
 * frozen snapshot, the audit records, the rubric and the evidence in one
 * zip with a MANIFEST of SHA-256 hashes (libzip, libsodium), and its
 * verification.
 */
#include "export_impl.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "kaohe/archive.h"
#include "kaohe/gongwen.h"
#include "kaohe/report.h"
#include "kaohe/store_evidence.h"
#include "kaohe/vec.h"

#define AR_HEX_SZ 65

typedef struct ar {
    kh_store *s;
    const kh_export *x;
    zip_t *z;
    kh_buf manifest;       /* "HASH  PATH" lines */
    kh_err *e;
    kh_status rc;
    char **paths;          /* evidence paths in use (owned) */
    size_t npaths;
} ar;

static void ar_hex(const void *data, size_t len, char hex[AR_HEX_SZ])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(hex, AR_HEX_SZ, h, sizeof h);
}

/* Adds data (emptied: its memory goes to the zip) as path. */
static void ar_add(ar *a, const char *path, kh_buf *data)
{
    if (a->rc == KH_OK && kh_buf_status(data) != KH_OK)
        a->rc = kh_err_fail(a->e, kh_buf_status(data), "%s: out of memory",
                            path);
    if (a->rc != KH_OK) {
        kh_buf_free(data);
        return;
    }
    size_t len = 0;
    char *d = kh_buf_take(data, &len);
    char hex[AR_HEX_SZ];
    ar_hex(d ? d : "", len, hex);
    kh_buf_printf(&a->manifest, "%s  %s\n", hex, path);
    zip_source_t *src = zip_source_buffer(a->z, d ? d : "", len, d ? 1 : 0);
    zip_int64_t i = src ? zip_file_add(a->z, path, src, ZIP_FL_ENC_UTF_8)
                        : -1;
    if (i < 0) {
        if (src)
            zip_source_free(src);
        else
            free(d);
        a->rc = kh_err_fail(a->e, KH_ENOMEM, "%s: cannot add to the "
                            "archive: %s", path, zip_strerror(a->z));
        return;
    }
    zip_file_set_dostime(a->z, (zip_uint64_t)i, 0, (1 << 5) | 1, 0);
}

static void ar_doc(ar *a, const char *path, kh_gongwen_kind k, size_t u,
                   kh_gongwen_format f)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    if (a->rc == KH_OK)
        a->rc = kh_gongwen_write(a->x, k, u, f, &b, a->e);
    ar_add(a, path, &b);
}

/* One path component: '/', '\' and control characters as '_', never
 * "", "." or "..". */
static void ar_component(kh_buf *out, const char *s)
{
    if (!s || !*s || !strcmp(s, ".") || !strcmp(s, "..")) {
        kh_buf_putc(out, '_');
        return;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        kh_buf_putc(out, *p < 0x20 || *p == '/' || *p == '\\' || *p == 0x7f
                             ? '_' : (char)*p);
}

static void ar_sheets(ar *a)
{
    kh_buf p;
    kh_buf_init(&p, 0);
    for (size_t u = 0; a->rc == KH_OK && u < kh_result_unit_count(a->x->res);
         u++) {
        kh_buf_reset(&p);
        kh_buf_puts(&p, "sheets/");
        ar_component(&p, kh_assess_unit_id(a->x->assess, u));
        kh_buf_puts(&p, ".pdf");
        ar_doc(a, kh_buf_str(&p), KH_GONGWEN_SHEET, u, KH_GONGWEN_PDF);
    }
    kh_buf_free(&p);
}

/* The workbook: libxlsxwriter writes files, so through a private
 * temporary directory. */
static void ar_workbook(ar *a)
{
    const char *tmp = getenv("TMPDIR");
    char dir[4096], file[4200];
    snprintf(dir, sizeof dir, "%s/kaohe-archive-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (a->rc != KH_OK)
        return;
    if (!mkdtemp(dir)) {
        a->rc = kh_err_fail(a->e, KH_EIO, "%s: cannot create a temporary "
                            "directory", dir);
        return;
    }
    snprintf(file, sizeof file, "%s/workbook.xlsx", dir);
    kh_buf b;
    kh_buf_init(&b, 0);
    a->rc = kh_export_xlsx(a->x, file, 0, a->e);
    if (a->rc == KH_OK)
        a->rc = kh_buf_read_file(&b, file, a->e);
    unlink(file);
    rmdir(dir);
    ar_add(a, "workbook.xlsx", &b);
}

static void ar_results(ar *a)
{
    static const struct {
        kh_result_format f;
        const char *name;
    } r[] = {{KH_RESULT_JSON, "results.json"},
             {KH_RESULT_TABLE, "results.txt"},
             {KH_RESULT_CSV, "results.csv"}};
    for (size_t i = 0; i < 3; i++) {
        kh_buf b;
        kh_buf_init(&b, 0);
        if (a->rc == KH_OK)
            a->rc = kh_store_results(a->s, a->x->year, r[i].f, 0, &b, a->e);
        ar_add(a, r[i].name, &b);
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    if (a->rc == KH_OK)
        a->rc = kh_export_followup_csv(a->x, &b, a->e);
    ar_add(a, "followup.csv", &b);
}

static void ar_json_field(kh_buf *b, const char *key, const char *v)
{
    kh_buf_printf(b, ", \"%s\": ", key);
    if (v)
        kh_json_str(b, v);
    else
        kh_buf_puts(b, "null");
}

static kh_status ar_audit_cb(void *ctx, const kh_audit_row *r)
{
    kh_buf *b = ctx;
    kh_buf_printf(b, "{\"seq\": %lld", (long long)r->seq);
    ar_json_field(b, "at", r->at);
    ar_json_field(b, "actor", r->rec.actor);
    ar_json_field(b, "action", r->rec.action);
    kh_buf_printf(b, ", \"year\": %d", r->rec.year);
    ar_json_field(b, "unit", r->rec.unit);
    ar_json_field(b, "object", r->rec.object);
    ar_json_field(b, "old", r->rec.old_value);
    ar_json_field(b, "new", r->rec.new_value);
    ar_json_field(b, "reason", r->rec.reason);
    ar_json_field(b, "prev", r->prev);
    ar_json_field(b, "hash", r->hash);
    kh_buf_puts(b, "}\n");
    return kh_buf_status(b);
}

typedef struct ar_head {
    long long seq;
    char hash[AR_HEX_SZ];
} ar_head;

static kh_status ar_head_cb(void *ctx, const kh_audit_row *r)
{
    ar_head *h = ctx;
    h->seq = (long long)r->seq;
    snprintf(h->hash, sizeof h->hash, "%s", r->hash ? r->hash : "");
    return KH_OK;
}

static void ar_audit(ar *a, ar_head *head)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    if (a->rc == KH_OK)
        a->rc = kh_store_audit_each(a->s, a->x->year, NULL, ar_audit_cb, &b,
                                    a->e);
    if (a->rc == KH_OK)
        a->rc = kh_store_audit_each(a->s, 0, NULL, ar_head_cb, head, a->e);
    ar_add(a, "audit.jsonl", &b);
}

static void ar_rubric(ar *a)
{
    char *text = NULL;
    size_t len = 0;
    if (a->rc == KH_OK)
        a->rc = kh_store_rubric_get(a->s, a->x->rubric_version, a->e, &text,
                                    &len, NULL);
    kh_buf b;
    kh_buf_init(&b, 0);
    if (text)
        kh_buf_add(&b, text, len);
    ar_add(a, text && text[0] == '{' ? "rubric.json" : "rubric.yaml", &b);
    free(text);
}

/* ---- evidence ------------------------------------------------------- */

typedef struct ar_ev {
    char *sha, *path;
} ar_ev;

typedef struct ar_evs {
    ar_ev *v;
    size_t n, cap;
    kh_status rc;
} ar_evs;

static kh_status ar_ev_cb(void *ctx, const kh_evidence_row *r)
{
    ar_evs *l = ctx;
    if (KH_VEC_GROW(l->v, l->cap, l->n + 1, 32) != KH_OK)
        return KH_ENOMEM;
    kh_buf p;
    kh_buf_init(&p, 0);
    kh_buf_puts(&p, "evidence/");
    ar_component(&p, r->unit);
    kh_buf_putc(&p, '/');
    if (r->item) {
        ar_component(&p, r->item);
    } else {
        char f[48];
        snprintf(f, sizeof f, "整改-%lld", (long long)r->followup);
        kh_buf_puts(&p, f);
    }
    kh_buf_putc(&p, '/');
    ar_component(&p, r->name);
    ar_ev *ev = &l->v[l->n];
    ev->sha = strdup(r->sha256);
    ev->path = kh_buf_take(&p, NULL);
    kh_buf_free(&p);
    if (!ev->sha || !ev->path) {
        free(ev->sha);
        free(ev->path);
        return KH_ENOMEM;
    }
    l->n++;
    return KH_OK;
}

/* The same name twice (self and inspection, two files of one name):
 * once when the content is the same, else "name~2". */
static bool ar_ev_dup(const ar_evs *l, size_t i, kh_buf *path)
{
    for (size_t k = 0; k < i; k++)
        if (!strcmp(l->v[k].path, l->v[i].path) &&
            !strcmp(l->v[k].sha, l->v[i].sha))
            return true;
    unsigned n = 1;
    for (size_t k = 0; k < i; k++)
        if (!strcmp(l->v[k].path, l->v[i].path))
            n++;
    kh_buf_puts(path, l->v[i].path);
    if (n > 1)
        kh_buf_printf(path, "~%u", n);
    return false;
}

static void ar_evidence(ar *a)
{
    ar_evs l = {0};
    if (a->rc == KH_OK)
        a->rc = kh_store_evidence_each(a->s, a->x->year, NULL, ar_ev_cb, &l,
                                       a->e);
    if (a->rc == KH_ENOMEM)
        kh_err_fail(a->e, KH_ENOMEM, "out of memory");
    kh_buf path;
    kh_buf_init(&path, 0);
    for (size_t i = 0; a->rc == KH_OK && i < l.n; i++) {
        kh_buf_reset(&path);
        if (ar_ev_dup(&l, i, &path))
            continue;
        kh_buf b;
        kh_buf_init(&b, 0);
        a->rc = kh_store_evidence_get(a->s, l.v[i].sha, &b, NULL, a->e);
        ar_add(a, kh_buf_str(&path), &b);
    }
    kh_buf_free(&path);
    for (size_t i = 0; i < l.n; i++) {
        free(l.v[i].sha);
        free(l.v[i].path);
    }
    free(l.v);
}

static kh_status ar_snapshot_cb(void *ctx, const kh_year_info *y)
{
    snprintf(ctx, AR_HEX_SZ, "%s", y->snapshot_hash ? y->snapshot_hash : "");
    return KH_OK;
}

static void ar_manifest(ar *a, const ar_head *head)
{
    char snap[AR_HEX_SZ] = "";
    if (a->rc == KH_OK)
        a->rc = kh_store_year_each(a->s, a->x->year, ar_snapshot_cb, snap,
                                   a->e);
    kh_buf m;
    kh_buf_init(&m, 0);
    kh_buf_printf(&m, "kaohe archive of year %d (%s)\nrubric: %s\n"
                      "snapshot-sha256: %s\naudit-chain-head: %s (record "
                      "%lld)\n\n", a->x->year,
                  kh_year_state_name(a->x->state), a->x->rubric_version, snap,
                  head->hash, head->seq);
    kh_buf_add(&m, a->manifest.data, a->manifest.len);
    if (kh_buf_status(&a->manifest) != KH_OK)
        kh_buf_reserve(&m, SIZE_MAX);   /* carry the failure over */
    ar_add(a, "MANIFEST", &m);
}

kh_status kh_archive_write(kh_store *s, int year, const char *path,
                           kh_err *e)
{
    kh_export *x = NULL;
    kh_status rc = kh_export_open(s, year, e, &x);
    if (rc == KH_OK && kh_export_is_draft(x))
        rc = kh_err_fail(e, KH_ESTATE, "year %d is in state %s: only "
                         "published or closed years are archived", year,
                         kh_year_state_name(x->state));
    int zerr = 0;
    zip_t *z = rc == KH_OK ? zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr)
                           : NULL;
    if (rc == KH_OK && !z)
        rc = kh_err_fail(e, KH_EIO, "%s: cannot create the archive", path);
    if (rc != KH_OK) {
        kh_export_free(x);
        return rc;
    }
    ar a = {.s = s, .x = x, .z = z, .e = e};
    kh_buf_init(&a.manifest, 0);
    ar_head head = {0, ""};
    ar_doc(&a, "notice.docx", KH_GONGWEN_NOTICE, 0, KH_GONGWEN_DOCX);
    ar_doc(&a, "notice.pdf", KH_GONGWEN_NOTICE, 0, KH_GONGWEN_PDF);
    ar_sheets(&a);
    ar_workbook(&a);
    ar_doc(&a, "followup.pdf", KH_GONGWEN_FOLLOWUP, 0, KH_GONGWEN_PDF);
    ar_results(&a);
    ar_audit(&a, &head);
    ar_rubric(&a);
    ar_evidence(&a);
    ar_manifest(&a, &head);
    if (a.rc != KH_OK) {
        zip_discard(z);
    } else if (zip_close(z) < 0) {
        a.rc = kh_err_fail(e, KH_EIO, "%s: cannot write the archive: %s",
                           path, zip_strerror(z));
        zip_discard(z);
    }
    kh_buf_free(&a.manifest);
    kh_export_free(x);
    return a.rc;
}
