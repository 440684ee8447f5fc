/*
 * store_claims.c - bonus claims (kaohe/store_claims.h, table claim of
 * migration 9): filing during the self-check, deciding in inspection and
 * review, listing.  An approval writes its bonus record through
 * kh_store_record_add inside the same transaction.
 */
#include "store_impl.h"
#include "kaohe/store_claims.h"
#include "kaohe/store_evidence.h"
#include "kaohe/assess.h"
#include "kaohe/rubric.h"
#include "kaohe/utf8.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_names[] = {"pending", "approved",
                                           "rejected"};

const char *kh_claim_state_name(kh_claim_state st)
{
    return (unsigned)st < 3 ? state_names[st] : "?";
}

static bool state_parse(const char *s, kh_claim_state *out)
{
    for (unsigned i = 0; s && i < 3; i++)
        if (strcmp(s, state_names[i]) == 0) {
            *out = (kh_claim_state)i;
            return true;
        }
    return false;
}

/* A required text of at most KH_CLAIM_TEXT_MAX bytes, free text by the
 * rule of kaohe/name.h. */
static kh_status check_text(const char *t, const char *path, kh_err *e)
{
    if (!t || !*t)
        return kh_err_at(e, 0, 0, path, "must not be empty");
    size_t n = strlen(t);
    if (n > KH_CLAIM_TEXT_MAX)
        return kh_err_at(e, 0, 0, path, "is %zu bytes long, at most %d are "
                         "allowed", n, KH_CLAIM_TEXT_MAX);
    return kh_text_check(e, 0, 0, path, t, KH_TEXT_LINES, SIZE_MAX);
}

/* The year's rubric index of bonus kind `kind`, or a located error
 * naming the kinds there are. */
static kh_status find_kind(kh_store *s, int year, const char *kind,
                           const kh_rubric **r, size_t *k, kh_err *e)
{
    kh_status rc = kh_store_year_rubric_shared(s, year, e, r);
    if (rc != KH_OK)
        return rc;
    int i = kh_rubric_bonus_kind_find(*r, kind);
    if (i >= 0) {
        *k = (size_t)i;
        return KH_OK;
    }
    char known[512] = "";
    size_t o = 0;
    for (size_t j = 0; j < kh_rubric_bonus_kind_count(*r) && o < 400; j++)
        o += (size_t)snprintf(known + o, sizeof known - o, "%s%s",
                              j ? ", " : "", kh_rubric_bonus_kind_id(*r, j));
    if (!kh_rubric_bonus_kind_count(*r))
        return kh_err_at(e, 0, 0, "kind", "the year's rubric has no bonus "
                         "claim kinds (bonus.kinds)");
    return kh_err_at(e, 0, 0, "kind", "unknown bonus claim kind \"%s\" "
                     "(known: %s)", kind ? kind : "", known);
}

static kh_status unit_exists(kh_store *s, int year, const char *unit,
                             kh_err *e)
{
    kh_store_unit su;
    kh_status rc = kh_store_unit_get(s, year, unit, &su, e);
    if (rc == KH_ENOTFOUND)
        return kh_err_at(e, 0, 0, "unit", "unknown unit \"%s\" in year %d",
                         unit ? unit : "", year);
    if (rc == KH_OK)
        kh_store_unit_clear(&su);
    return rc;
}

/* Checks everything a new claim needs; hash gets the evidence's full
 * hash ("" when none). */
static kh_status add_checks(kh_store *s, int year, const char *unit,
                            const char *kind, const char *description,
                            const char *evidence,
                            char hash[KH_EVIDENCE_HASH_SZ], kh_err *e)
{
    kh_status rc = kh_store_year_require(s, year,
                                         KH_YEAR_BIT(KH_YEAR_SELF_CHECK),
                                         "filing a bonus claim", NULL, e);
    if (rc != KH_OK)
        return rc;
    if ((rc = unit_exists(s, year, unit, e)) != KH_OK)
        return rc;
    const kh_rubric *r = NULL;
    size_t k = 0;
    size_t bad = kh_err_errors(e);
    if ((rc = find_kind(s, year, kind, &r, &k, e)) != KH_OK &&
        rc != KH_EINVAL)
        return rc;
    if (check_text(description, "description", e) != KH_OK)
        rc = KH_EINVAL;
    hash[0] = '\0';
    if (evidence && *evidence) {
        kh_status ev = kh_store_evidence_resolve(s, evidence, hash, e);
        if (ev != KH_OK)
            return ev == KH_ENOTFOUND ? KH_EINVAL : ev;
    }
    return kh_err_errors(e) > bad ? KH_EINVAL : rc;
}

static kh_status audit_claim(kh_store *s, const char *actor,
                             const char *action, int year, const char *unit,
                             int64_t id, const char *old_value,
                             const char *new_value, const char *reason,
                             kh_err *e)
{
    char obj[48];
    snprintf(obj, sizeof obj, "claim#%" PRId64, id);
    kh_audit_rec a = {.actor = actor, .action = action, .year = year,
                      .unit = unit, .object = obj, .old_value = old_value,
                      .new_value = new_value, .reason = reason};
    return kh_store_audit(s, &a, e);
}

static kh_status insert_claim(kh_store *s, const char *actor, int year,
                              const char *unit, const char *kind,
                              const char *description, const char *hash,
                              int64_t *id, kh_err *e)
{
    const kh_store_val row[] = {KH_SV_INT(year), KH_SV_TEXT(unit),
                                KH_SV_TEXT(kind), KH_SV_TEXT(description),
                                KH_SV_TEXT(*hash ? hash : NULL), KH_SV_NOW,
                                KH_SV_TEXT(actor)};
    return kh_store_write(
        s, "INSERT INTO claim (year, unit, kind, description, evidence,"
           " state, filed_at, filed_by) VALUES (?, ?, ?, ?, ?, 'pending',"
           " ?, ?)", row, KH_SV_COUNT(row), "filing a bonus claim", id, e);
}

/* Links stored evidence hash to claim id under name (the same file twice
 * is linked once), audited as claim.file. */
static kh_status link_file(kh_store *s, const char *actor, int year,
                           const char *unit, int64_t id, const char *hash,
                           const char *name, size_t pos, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s, "INSERT INTO claim_evidence (claim, sha256, name, pos, added_at,"
           " added_by) SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1"
           " FROM claim_evidence WHERE claim = ? AND sha256 = ?)", &st, e);
    if (rc != KH_OK)
        return rc;
    char at[KH_STORE_TIME_SZ];
    kh_store_now(s, at);
    kh_db_bind_int64(st, 1, id);
    kh_store_bind_str(st, 2, hash);
    kh_store_bind_str(st, 3, name);
    kh_db_bind_int64(st, 4, (int64_t)pos);
    kh_store_bind_str(st, 5, at);
    kh_store_bind_str(st, 6, actor);
    kh_db_bind_int64(st, 7, id);
    kh_store_bind_str(st, 8, hash);
    if ((rc = kh_store_exec(s, st, e, "linking a claim's file")) != KH_OK ||
        kh_db_changes(s->db) <= 0)
        return rc;
    char val[KH_EVIDENCE_HASH_SZ + 300];
    snprintf(val, sizeof val, "%s %.280s", hash, name);
    return audit_claim(s, actor, "claim.file", year, unit, id, NULL, val,
                       NULL, e);
}

/* The name a claim's file is shown under: name's last path component,
 * else path's. */
static const char *file_name(const kh_claim_file *f)
{
    const char *n = f->name && *f->name ? f->name : f->path ? f->path : "";
    const char *slash = strrchr(n, '/');
    return slash && slash[1] ? slash + 1 : n;
}

/* Stores and links every file; goes on after a refused file so that each
 * is named, then returns KH_EINVAL. */
static kh_status add_files(kh_store *s, const char *actor, int year,
                           const char *unit, int64_t id,
                           const kh_claim_file *files, size_t n, kh_err *e)
{
    if (n > KH_EVIDENCE_FILES_MAX)
        return kh_err_at(e, 0, 0, "files", "%zu files: at most %d are "
                         "allowed at once", n, KH_EVIDENCE_FILES_MAX);
    kh_status worst = KH_OK;
    for (size_t i = 0; i < n; i++) {
        const kh_claim_file *f = &files[i];
        const char *name = file_name(f);
        char hash[KH_EVIDENCE_HASH_SZ];
        kh_status rc = f->data ? kh_store_evidence_put(s, actor, name, f->data,
                                                       f->len, 0, hash, e)
                               : kh_store_evidence_put_file(s, actor, f->path,
                                                            0, hash, e);
        if (rc == KH_OK)
            rc = link_file(s, actor, year, unit, id, hash, name, i, e);
        if (rc != KH_OK && rc != KH_EINVAL)
            return rc;
        if (rc != KH_OK)
            worst = rc;
    }
    return worst;
}

kh_status kh_store_claim_add(kh_store *s, const char *actor, int year,
                             const char *unit, const char *kind,
                             const char *description, const char *evidence,
                             const kh_claim_file *files, size_t n,
                             int64_t *id, kh_err *e)
{
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    char hash[KH_EVIDENCE_HASH_SZ];
    int64_t cid = 0;
    if ((rc = add_checks(s, year, unit, kind, description, evidence, hash,
                         e)) != KH_OK ||
        (rc = insert_claim(s, actor, year, unit, kind, description, hash,
                           &cid, e)) != KH_OK)
        goto fail;
    char val[96];
    snprintf(val, sizeof val, "kind=%s%s%.16s", kind, *hash ? " evidence="
                                                            : "", hash);
    if ((rc = audit_claim(s, actor, "claim.add", year, unit, cid, NULL, val,
                          description, e)) != KH_OK ||
        (rc = add_files(s, actor, year, unit, cid, files, n, e)) != KH_OK ||
        (rc = kh_store_commit(s, e)) != KH_OK)
        goto fail;
    if (id)
        *id = cid;
    return KH_OK;
fail:
    kh_store_rollback(s);
    return rc;
}

kh_status kh_store_claim_check(kh_store *s, int year, const char *unit,
                               const char *kind, const char *description,
                               kh_err *e)
{
    char hash[KH_EVIDENCE_HASH_SZ];
    return add_checks(s, year, unit, kind, description, NULL, hash, e);
}

/* The caller's function and context, for file_row. */
typedef struct files_ctx {
    kh_claim_file_fn fn;
    void *ctx;
} files_ctx;

/* kh_store_each's row: a claim's file, then the caller's function. */
static kh_status file_row(kh_db_stmt *st, void *ctx)
{
    files_ctx *c = ctx;
    kh_claim_file_row row = {
        .claim = kh_db_column_int64(st, 0),
        .unit = kh_store_col_str(st, 1),
        .sha256 = kh_store_col_str(st, 2),
        .name = kh_store_col_str(st, 3),
        .type = kh_store_col_str(st, 4),
        .size = kh_db_column_int64(st, 5),
        .added_at = kh_store_col_str(st, 6),
        .added_by = kh_store_col_str(st, 7)};
    return c->fn(c->ctx, &row);
}

kh_status kh_store_claim_files_each(kh_store *s, int year, const char *unit,
                                    kh_claim_file_fn fn, void *ctx,
                                    kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s, "SELECT l.claim, l.unit, l.sha256, l.name, v.type, v.size,"
           " l.added_at, l.added_by FROM ("
           "  SELECT c.id AS claim, c.unit AS unit, ce.sha256 AS sha256,"
           "   ce.name AS name, ce.pos AS pos, ce.added_at AS added_at,"
           "   ce.added_by AS added_by"
           "  FROM claim_evidence ce JOIN claim c ON c.id = ce.claim"
           "  WHERE c.year = ?"
           "  UNION ALL"
           "  SELECT c.id, c.unit, c.evidence, ev.name, -1, c.filed_at,"
           "   c.filed_by FROM claim c JOIN evidence ev"
           "   ON ev.sha256 = c.evidence WHERE c.year = ?"
           " ) l JOIN evidence v ON v.sha256 = l.sha256"
           " WHERE (? IS NULL OR l.unit = ?) ORDER BY l.claim, l.pos",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    kh_db_bind_int(st, 2, year);
    kh_store_bind_str(st, 3, unit);
    kh_store_bind_str(st, 4, unit);
    return kh_store_each(s, st, file_row, &(files_ctx){fn, ctx}, e,
                         "reading bonus claims' files");
}

/* ---- reading ---------------------------------------------------------- */

#define CLAIM_COLS                                                        \
    "SELECT id, year, unit, kind, description, evidence, state, points," \
    " reason, bonus, filed_by, filed_at, decided_by, decided_at FROM claim"

static kh_status row_from(kh_db_stmt *st, kh_claim_row *row, kh_err *e)
{
    memset(row, 0, sizeof *row);
    row->id = kh_db_column_int64(st, 0);
    row->year = (int)kh_db_column_int64(st, 1);
    row->unit = kh_store_col_str(st, 2);
    row->kind = kh_store_col_str(st, 3);
    row->description = kh_store_col_str(st, 4);
    row->evidence = kh_store_col_str(st, 5);
    if (!state_parse(kh_store_col_str(st, 6), &row->state))
        return kh_err_fail(e, KH_EDB, "claim %" PRId64 " has an unknown "
                           "state", row->id);
    row->points = kh_db_column_int64(st, 7);
    row->reason = kh_store_col_str(st, 8);
    row->bonus = kh_db_column_int64(st, 9);
    row->filed_by = kh_store_col_str(st, 10);
    row->filed_at = kh_store_col_str(st, 11);
    row->decided_by = kh_store_col_str(st, 12);
    row->decided_at = kh_store_col_str(st, 13);
    return KH_OK;
}

/* The caller's function and context, and the rows seen, for claim_row. */
typedef struct claims_ctx {
    kh_claim_fn fn;
    void *ctx;
    size_t rows;
    kh_err *e;
} claims_ctx;

/* kh_store_each's row: a claim, then the caller's function. */
static kh_status claim_row(kh_db_stmt *st, void *ctx)
{
    claims_ctx *c = ctx;
    kh_claim_row row;
    kh_status rc = row_from(st, &row, c->e);
    c->rows++;
    return rc == KH_OK ? c->fn(c->ctx, &row) : rc;
}

/* Steps st to its end, calling fn per row; *rows counts them. */
static kh_status each_row(kh_store *s, kh_db_stmt *st, kh_claim_fn fn,
                          void *ctx, size_t *rows, kh_err *e)
{
    claims_ctx c = {fn, ctx, 0, e};
    kh_status rc = kh_store_each(s, st, claim_row, &c, e,
                                 "reading bonus claims");
    *rows = c.rows;
    return rc;
}


kh_status kh_store_claim_each(kh_store *s, int year, const char *unit,
                              kh_claim_fn fn, void *ctx, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s, CLAIM_COLS " WHERE year = ? AND (? IS NULL OR unit = ?)"
                      " ORDER BY unit, id", &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    kh_store_bind_str(st, 2, unit);
    kh_store_bind_str(st, 3, unit);
    size_t rows = 0;
    return each_row(s, st, fn, ctx, &rows, e);
}

kh_status kh_store_claim_get(kh_store *s, int year, int64_t id,
                             kh_claim_fn fn, void *ctx, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, CLAIM_COLS " WHERE year = ? AND id = ?",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    kh_db_bind_int64(st, 2, id);
    size_t rows = 0;
    rc = each_row(s, st, fn, ctx, &rows, e);
    if (rc == KH_OK && !rows)
        return kh_err_fail(e, KH_ENOTFOUND, "no bonus claim %" PRId64
                           " in year %d", id, year);
    return rc;
}

/* ---- deciding --------------------------------------------------------- */

typedef struct pending {
    char unit[KH_UNIT_ID_MAX + 1];
    char kind[128];
    kh_claim_state state;
    char *description;
} pending;

static kh_status on_pending(void *ctx, const kh_claim_row *row)
{
    pending *p = ctx;
    snprintf(p->unit, sizeof p->unit, "%s", row->unit);
    snprintf(p->kind, sizeof p->kind, "%s", row->kind);
    p->state = row->state;
    p->description = strdup(row->description ? row->description : "");
    return p->description ? KH_OK : KH_ENOMEM;
}

/* The claim, checked to be pending, into *p. */
static kh_status load_pending(kh_store *s, int year, int64_t id, pending *p,
                              kh_err *e)
{
    kh_status rc = kh_store_claim_get(s, year, id, on_pending, p, e);
    if (rc == KH_ENOMEM)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    if (rc == KH_ENOTFOUND)
        return KH_EINVAL;
    if (rc == KH_OK && p->state != KH_CLAIM_PENDING)
        return kh_err_fail(e, KH_ECONFLICT, "bonus claim %" PRId64 " is "
                           "already %s", id,
                           p->state == KH_CLAIM_APPROVED ? "approved"
                                                         : "rejected");
    return rc;
}

/* Points within (0, the kind's ceiling]. */
static kh_status check_points(kh_store *s, int year, const char *kind,
                              kh_cp points, kh_err *e)
{
    const kh_rubric *r = NULL;
    size_t k = 0;
    kh_status rc = find_kind(s, year, kind, &r, &k, e);
    if (rc != KH_OK)
        return rc;
    kh_cp ceiling = kh_rubric_bonus_kind_ceiling(r, k);
    if (points > 0 && points <= ceiling)
        return KH_OK;
    char a[KH_NUM_BUFSZ], b[KH_NUM_BUFSZ];
    kh_num_format(points, a);
    kh_num_format(ceiling, b);
    return kh_err_at(e, 0, 0, "points", "points %s are outside 0.01 to the "
                     "ceiling %s of the kind %s", a, b,
                     kh_rubric_bonus_kind_name(r, k));
}

static kh_status write_decision(kh_store *s, const char *actor, int64_t id,
                                bool approve, kh_cp points,
                                const char *reason, int64_t bonus,
                                kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s, "UPDATE claim SET state = ?, points = ?, reason = ?, bonus = ?,"
           " decided_by = ?, decided_at = ? WHERE id = ?", &st, e);
    if (rc != KH_OK)
        return rc;
    char at[KH_STORE_TIME_SZ];
    kh_store_now(s, at);
    kh_store_bind_str(st, 1, approve ? "approved" : "rejected");
    if (approve)
        kh_db_bind_int64(st, 2, points);
    else
        kh_db_bind_null(st, 2);
    kh_store_bind_str(st, 3, reason && *reason ? reason : NULL);
    if (approve)
        kh_db_bind_int64(st, 4, bonus);
    else
        kh_db_bind_null(st, 4);
    kh_store_bind_str(st, 5, actor);
    kh_store_bind_str(st, 6, at);
    kh_db_bind_int64(st, 7, id);
    return kh_store_exec(s, st, e, "deciding a bonus claim");
}

/* Approves: the bonus record first (its reason names the claim), then
 * the claim. */
static kh_status approve_claim(kh_store *s, const char *actor, int year,
                               int64_t id, const pending *p, kh_cp points,
                               const char *reason, kh_err *e)
{
    kh_status rc = check_points(s, year, p->kind, points, e);
    if (rc != KH_OK)
        return rc;
    /* The record says what was claimed: the kind's name, the text. */
    const kh_rubric *r = NULL;
    size_t k = 0;
    if ((rc = find_kind(s, year, p->kind, &r, &k, e)) != KH_OK)
        return rc;
    const char *kname = kh_rubric_bonus_kind_name(r, k);
    size_t n = strlen(kname) + strlen(p->description) + 4;
    char *why = malloc(n);
    if (!why)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    snprintf(why, n, "%s: %s", kname, p->description);
    int64_t bonus = 0;
    rc = kh_store_record_add(s, actor, year, p->unit, false, points, why,
                             &bonus, e);
    free(why);
    if (rc == KH_OK)
        rc = write_decision(s, actor, id, true, points, reason, bonus, e);
    return rc;
}

kh_status kh_store_claim_decide(kh_store *s, const char *actor, int year,
                                int64_t id, bool approve, kh_cp points,
                                const char *reason, kh_err *e)
{
    if (!approve && check_text(reason, "reason", e) != KH_OK)
        return KH_EINVAL;
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    pending p = {0};
    if ((rc = kh_store_year_require(s, year,
                                    KH_YEAR_BIT(KH_YEAR_INSPECTION) |
                                        KH_YEAR_BIT(KH_YEAR_REVIEW),
                                    "deciding a bonus claim", NULL, e)) !=
            KH_OK ||
        (rc = load_pending(s, year, id, &p, e)) != KH_OK)
        goto fail;
    rc = approve ? approve_claim(s, actor, year, id, &p, points, reason, e)
                 : write_decision(s, actor, id, false, 0, reason, 0, e);
    char val[64] = "rejected";
    if (approve) {
        char num[KH_NUM_BUFSZ];
        kh_num_format(points, num);
        snprintf(val, sizeof val, "approved points=%s", num);
    }
    if (rc != KH_OK ||
        (rc = audit_claim(s, actor, approve ? "claim.approve" : "claim.reject",
                          year, p.unit, id, "pending", val, reason, e)) !=
            KH_OK ||
        (rc = kh_store_commit(s, e)) != KH_OK)
        goto fail;
    free(p.description);
    return KH_OK;
fail:
    free(p.description);
    kh_store_rollback(s);
    return rc;
}

/* ---- negative-list cases ------------------------------------------- */

/* The case's index in the year's rubric (-1 for "other"), its points
 * range checked; a located error naming the known cases otherwise. */
static kh_status check_case(kh_store *s, int year, const char *case_id,
                            kh_cp points, const char *reason,
                            const kh_rubric **r, int *c, kh_err *e)
{
    kh_status rc = kh_store_year_rubric_shared(s, year, e, r);
    if (rc != KH_OK)
        return rc;
    *c = -1;
    if (!case_id || !*case_id || strcmp(case_id, "other") == 0)
        return reason && *reason ? KH_OK
                                 : kh_err_at(e, 0, 0, "reason", "a case "
                                             "outside the catalogue needs a "
                                             "reason");
    *c = kh_rubric_negative_case_find(*r, case_id);
    if (*c < 0)
        return kh_err_at(e, 0, 0, "case", "unknown negative-list case \"%s\""
                         " (see the rubric's negative.cases, or \"other\")",
                         case_id);
    kh_cp lo = kh_rubric_negative_case_min(*r, (size_t)*c);
    kh_cp hi = kh_rubric_negative_case_max(*r, (size_t)*c);
    if (points >= lo && points <= hi)
        return KH_OK;
    char a[KH_NUM_BUFSZ], b[KH_NUM_BUFSZ], d[KH_NUM_BUFSZ];
    kh_num_format(points, a);
    kh_num_format(lo, b);
    kh_num_format(hi, d);
    return kh_err_at(e, 0, 0, "points", "points %s are outside the case's "
                     "range %s to %s", a, b, d);
}

static kh_status mark_case(kh_store *s, int64_t rid, const char *case_id,
                           const char *hash, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s, "UPDATE negative SET case_id = ?, evidence = ? WHERE id = ?", &st,
        e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, case_id);
    kh_store_bind_str(st, 2, *hash ? hash : NULL);
    kh_db_bind_int64(st, 3, rid);
    return kh_store_exec(s, st, e, "recording a negative-list case");
}

static kh_status audit_case(kh_store *s, const char *actor, int year,
                            const char *unit, int64_t rid,
                            const char *case_id, const char *hash,
                            kh_err *e)
{
    char obj[48], val[160];
    snprintf(obj, sizeof obj, "negative#%" PRId64, rid);
    snprintf(val, sizeof val, "case=%s%s%s", case_id,
             *hash ? " evidence=" : "", hash);
    kh_audit_rec a = {.actor = actor, .action = "negative.case",
                      .year = year, .unit = unit, .object = obj,
                      .new_value = val};
    return kh_store_audit(s, &a, e);
}

/* The record's reason: the case's text, ": " and the reason given. */
static char *case_reason(const kh_rubric *r, int c, const char *reason)
{
    const char *text = c >= 0 ? kh_rubric_negative_case_text(r, (size_t)c)
                              : NULL;
    size_t n = (text ? strlen(text) : 0) + (reason ? strlen(reason) : 0) + 4;
    char *why = malloc(n);
    if (!why)
        return NULL;
    if (text && reason && *reason)
        snprintf(why, n, "%s: %s", text, reason);
    else
        snprintf(why, n, "%s", text ? text : reason);
    return why;
}

kh_status kh_store_negative_add(kh_store *s, const char *actor, int year,
                                const char *unit, const char *case_id,
                                kh_cp points, const char *reason,
                                const char *evidence, int64_t *id,
                                kh_err *e)
{
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    const kh_rubric *r = NULL;
    int c = -1;
    char hash[KH_EVIDENCE_HASH_SZ] = "";
    char *why = NULL;
    int64_t rid = 0;
    if ((rc = check_case(s, year, case_id, points, reason, &r, &c, e)) !=
            KH_OK ||
        (evidence && *evidence &&
         (rc = kh_store_evidence_resolve(s, evidence, hash, e)) != KH_OK))
        goto fail;
    if (!(why = case_reason(r, c, reason))) {
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
        goto fail;
    }
    const char *cid = c >= 0 ? kh_rubric_negative_case_id(r, (size_t)c)
                             : "other";
    if ((rc = kh_store_record_add(s, actor, year, unit, true, points, why,
                                  &rid, e)) != KH_OK ||
        (rc = mark_case(s, rid, cid, hash, e)) != KH_OK ||
        (rc = audit_case(s, actor, year, unit, rid, cid, hash, e)) !=
            KH_OK ||
        (rc = kh_store_commit(s, e)) != KH_OK)
        goto fail;
    free(why);
    if (id)
        *id = rid;
    return KH_OK;
fail:
    free(why);
    kh_store_rollback(s);
    return rc == KH_ENOTFOUND ? KH_EINVAL : rc;
}
