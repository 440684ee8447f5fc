/*
 * kaohe/store_evidence.h - evidence files (印证材料) in the store (issue 3
 * item 8): content-addressed by SHA-256 under the store's data directory
 * (kh_store_data_dir()/evidence/ab/abcdef..., ab being the hash's first
 * two hex digits), with a size limit and an allow-list of file types
 * recognised by content, never by name: PDF, JPEG, PNG, Word (.docx,
 * .doc) and Excel (.xlsx, .xls).
 *
 * A file is written to a temporary file, flushed to disk and renamed
 * before its row is inserted, so the database never names a file that
 * is not complete on disk.  A file whose transaction is rolled back stays
 * on disk, unreferenced, and is reused when the same content comes again.
 *
 * Memory: strings passed in are borrowed for the call; strings returned
 * through `char **` are malloc'd and owned by the caller; strings in
 * callback rows are borrowed for the duration of the callback only.
 */
#ifndef KAOHE_STORE_EVIDENCE_H
#define KAOHE_STORE_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>
#include "kaohe/error.h"
#include "kaohe/buf.h"
#include "kaohe/assess.h"
#include "kaohe/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Default size limit of one evidence file: 20 MiB. */
#define KH_EVIDENCE_MAX_DEFAULT ((size_t)20 << 20)
/* Files of one upload (an item's evidence, a bonus claim's files): at
 * most this many at once. */
#define KH_EVIDENCE_FILES_MAX 10
/* A SHA-256 in hex: 64 digits + NUL. */
#define KH_EVIDENCE_HASH_SZ 65

typedef enum kh_evidence_type {
    KH_EVIDENCE_PDF = 0,
    KH_EVIDENCE_JPG,
    KH_EVIDENCE_PNG,
    KH_EVIDENCE_DOCX,
    KH_EVIDENCE_XLSX,
    KH_EVIDENCE_DOC,
    KH_EVIDENCE_XLS
} kh_evidence_type;

/* "pdf", "jpg", "png", "docx", "xlsx", "doc", "xls". */
const char *kh_evidence_type_name(kh_evidence_type t);

/* Recognises the type of data by its content.  When it is not one of the
 * allowed types, adds an error naming `name` and what the content really
 * looks like ("an .exe (Windows program)") and returns KH_EINVAL. */
kh_status kh_evidence_sniff(const char *name, const void *data, size_t len,
                            kh_evidence_type *out, kh_err *e);

/* Stores data (max_size 0: KH_EVIDENCE_MAX_DEFAULT; larger is KH_EINVAL)
 * as evidence named `name` (shown in messages; its last path component
 * is kept).  Content stored already is not written again.  hash (may be
 * NULL) gets the hex SHA-256.  Needs a file-backed store. */
kh_status kh_store_evidence_put(kh_store *s, const char *actor,
                                const char *name, const void *data,
                                size_t len, size_t max_size,
                                char hash[KH_EVIDENCE_HASH_SZ], kh_err *e);
/* The same for a file, refused before reading it when it is larger than
 * the limit. */
kh_status kh_store_evidence_put_file(kh_store *s, const char *actor,
                                     const char *path, size_t max_size,
                                     char hash[KH_EVIDENCE_HASH_SZ],
                                     kh_err *e);

/* Links stored evidence (full hash) to the entry (year, unit, item,
 * phase), which must exist; the year's state must allow writing that
 * phase, as for kh_store_entry_set.  name: the file name shown in the
 * entry's list (NULL: the one stored with the evidence).  Linking the
 * same file twice changes nothing.  The entry's version is not bumped:
 * evidence does not change its score. */
kh_status kh_store_evidence_attach(kh_store *s, const char *actor, int year,
                                   const char *unit, const char *item,
                                   kh_phase phase, const char *hash,
                                   const char *name, kh_err *e);
/* Unlinks the file hash (full hash) from the entry: same states as
 * kh_store_evidence_attach; KH_ENOTFOUND with a message when the entry
 * or the link does not exist.  Audited ("evidence.detach", the old value
 * "HASH NAME").  The file's bytes stay in the store, content-addressed:
 * the audit trail names them and other entries may link them. */
kh_status kh_store_evidence_detach(kh_store *s, const char *actor, int year,
                                   const char *unit, const char *item,
                                   kh_phase phase, const char *hash,
                                   kh_err *e);
/* kh_store_evidence_put_file + kh_store_evidence_attach in one
 * transaction: what `kaohe entry set ... --evidence FILE` does for each
 * file after setting the entry. */
kh_status kh_store_evidence_add(kh_store *s, const char *actor, int year,
                                const char *unit, const char *item,
                                kh_phase phase, const char *path,
                                size_t max_size,
                                char hash[KH_EVIDENCE_HASH_SZ], kh_err *e);

/* Resolves a hash or a unique prefix of at least 4 hex digits to the
 * full hash (KH_ENOTFOUND / KH_EINVAL with a message otherwise). */
kh_status kh_store_evidence_resolve(kh_store *s, const char *ref,
                                    char hash[KH_EVIDENCE_HASH_SZ],
                                    kh_err *e);
/* Reads the evidence ref (hash or prefix) into out, after checking that
 * its content still has its hash (KH_EIO when the file is damaged or
 * gone).  *name (may be NULL) gets the stored file name, caller frees. */
kh_status kh_store_evidence_get(kh_store *s, const char *ref, kh_buf *out,
                                char **name, kh_err *e);

/* One link of evidence to a year's unit. */
typedef struct kh_evidence_row {
    const char *sha256;
    const char *type;      /* "pdf", ... */
    int64_t size;
    const char *name;      /* file name as attached */
    int year;
    const char *unit;
    const char *item;      /* entry evidence: item id; else NULL */
    const char *phase;     /* "self" / "inspection"; else NULL */
    int64_t followup;      /* follow-up item id (整改), else 0 */
    const char *added_at;
    const char *added_by;
} kh_evidence_row;
typedef kh_status (*kh_evidence_fn)(void *ctx, const kh_evidence_row *row);
/* Evidence of a year (linked to its entries or follow-up items), unit
 * (NULL: all) filtering, by unit, item, phase, then time added.  Stops
 * early when fn returns non-KH_OK and returns that status. */
kh_status kh_store_evidence_each(kh_store *s, int year, const char *unit,
                                 kh_evidence_fn fn, void *ctx, kh_err *e);

/* Re-reads every stored evidence file and checks its size and SHA-256
 * (for `kaohe check`).  Appends a line to report (Chinese, for people);
 * adds an error per missing or damaged file.  *count (may be NULL) gets
 * the number of files checked.  KH_OK when all are intact. */
kh_status kh_store_evidence_verify(kh_store *s, kh_buf *report,
                                   size_t *count, kh_err *e);

#ifdef __cplusplus
}
#endif
#endif
