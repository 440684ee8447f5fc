/*
 * kaohe/store_claims.h - bonus claims (特色加分申报, issue 12 section 2,
 * docs/CLAIMS.md): a unit claims under one of the rubric's bonus kinds
 * during the self-check; the admin approves (points up to the kind's
 * ceiling) or rejects (with a reason) in inspection or review.  An
 * approved claim becomes a bonus record through kh_store_record_add, in
 * the same transaction, so scoring, explain, replay and the sheets see it
 * as any other bonus record.
 *
 * Who may call what is the caller's business (the web policy, the CLI's
 * --as); the store checks states, kinds, ceilings and that a claim
 * belongs to the year and unit named.  Each change appends its audit
 * record in the same transaction.
 *
 * Memory: strings passed in are borrowed for the call; strings in
 * callback rows are borrowed for the duration of the callback only.
 */
#ifndef KAOHE_STORE_CLAIMS_H
#define KAOHE_STORE_CLAIMS_H

#include <stdbool.h>
#include <stdint.h>
#include "kaohe/error.h"
#include "kaohe/num.h"
#include "kaohe/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A claim's description and a rejection's reason: at most this many
 * bytes of UTF-8. */
#define KH_CLAIM_TEXT_MAX 4000

typedef enum kh_claim_state {
    KH_CLAIM_PENDING = 0,   /* filed, not decided */
    KH_CLAIM_APPROVED,      /* points given, a bonus record made */
    KH_CLAIM_REJECTED       /* refused with a reason */
} kh_claim_state;

/* "pending", "approved", "rejected". */
const char *kh_claim_state_name(kh_claim_state st);

/* One file filed with a claim: its bytes (data, len), or the file at
 * path when data is NULL (read after its size is checked).  name: the
 * name shown in the claim's list and in messages (NULL: path's last
 * component).  All borrowed for the call. */
typedef struct kh_claim_file {
    const char *name;
    const void *data;
    size_t len;
    const char *path;
} kh_claim_file;

/* Files a claim of unit under bonus kind `kind` (an id of the year's
 * rubric) in the self-check state.  evidence (may be NULL) is a hash or
 * prefix of a stored evidence file.  files (n of them, at most
 * KH_EVIDENCE_FILES_MAX) are stored as evidence (kh_store_evidence_put:
 * its size limit and allowed types) and linked to the claim, all in the
 * claim's transaction: a refused file (empty, too large, another type)
 * is an error placed at its name and nothing is written.  *id (may be
 * NULL) gets the claim's number. */
kh_status kh_store_claim_add(kh_store *s, const char *actor, int year,
                             const char *unit, const char *kind,
                             const char *description, const char *evidence,
                             const kh_claim_file *files, size_t n,
                             int64_t *id, kh_err *e);

/* The checks of kh_store_claim_add without writing (no evidence): for a
 * form whose files were refused before the store saw them, so that every
 * refusal is listed at once. */
kh_status kh_store_claim_check(kh_store *s, int year, const char *unit,
                               const char *kind, const char *description,
                               kh_err *e);

/* Decides pending claim id of year (inspection or review): approve with
 * 0 < points <= the kind's ceiling, or reject with a non-empty reason
 * (points ignored).  unit (may be NULL) must be the claim's unit. */
kh_status kh_store_claim_decide(kh_store *s, const char *actor, int year,
                                int64_t id, bool approve, kh_cp points,
                                const char *reason, kh_err *e);

typedef struct kh_claim_row {
    int64_t id;
    int year;
    const char *unit;
    const char *kind;          /* bonus kind id */
    const char *description;
    const char *evidence;      /* full hash, or NULL */
    kh_claim_state state;
    kh_cp points;              /* approved only */
    const char *reason;        /* rejected only (may be NULL otherwise) */
    int64_t bonus;             /* the bonus record of an approved claim */
    const char *filed_by, *filed_at;
    const char *decided_by, *decided_at;   /* NULL while pending */
} kh_claim_row;
typedef kh_status (*kh_claim_fn)(void *ctx, const kh_claim_row *row);

/* Claims of year by unit then number; unit NULL means every unit.  Stops
 * early when fn returns non-KH_OK and returns that status. */
kh_status kh_store_claim_each(kh_store *s, int year, const char *unit,
                              kh_claim_fn fn, void *ctx, kh_err *e);

/* One claim of year (KH_ENOTFOUND with a message when absent), for fn. */
kh_status kh_store_claim_get(kh_store *s, int year, int64_t id,
                             kh_claim_fn fn, void *ctx, kh_err *e);

/* A file filed with a claim (or linked by hash: the claim's evidence). */
typedef struct kh_claim_file_row {
    int64_t claim;
    const char *unit;
    const char *sha256;
    const char *name;          /* as uploaded */
    const char *type;          /* "pdf", ... */
    int64_t size;
    const char *added_at, *added_by;
} kh_claim_file_row;
typedef kh_status (*kh_claim_file_fn)(void *ctx, const kh_claim_file_row *r);

/* The files of year's claims (unit NULL: every unit's) by claim, then
 * the order they were filed in.  Stops early as kh_store_claim_each. */
kh_status kh_store_claim_files_each(kh_store *s, int year, const char *unit,
                                    kh_claim_file_fn fn, void *ctx,
                                    kh_err *e);

/* ---- negative-list cases (负面清单) ---------------------------------- */

/* Records a negative item of unit under case `case_id` of the year's
 * rubric (negative.cases), points within the case's range; case_id NULL
 * or "other" records a case outside the catalogue, which needs a reason.
 * The record is written through kh_store_record_add (inspection or
 * review); its reason is the case's text, then ": " and reason when one
 * is given, so every sheet names the case.  evidence (may be NULL) is a
 * stored evidence file (hash or prefix).  *id (may be NULL) gets the
 * record's id. */
kh_status kh_store_negative_add(kh_store *s, const char *actor, int year,
                                const char *unit, const char *case_id,
                                kh_cp points, const char *reason,
                                const char *evidence, int64_t *id,
                                kh_err *e);

#ifdef __cplusplus
}
#endif
#endif
