/*
 * store_units.c - importing a year's units and branches (CSV/XLSX through
 * kh_table, YAML/JSON through kh_doc) and rosters (CSV/XLSX), each in one
 * transaction, every bad row reported with its row and column.
 */
#include "store_impl.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kaohe/i18n.h"
#include "kaohe/report.h"
#include "kaohe/table.h"
#include "kaohe/vec.h"

#define MAX_ROWS 1000000

/* One unit read from a file, before it is written. */
typedef struct urow {
    const char *id, *name, *kind, *branch; /* borrowed from table/arena */
} urow;

typedef struct ulist {
    urow *u;
    size_t n, alloc;
    /* Branch names given in the file, (id, name) pairs. */
    const char **bid, **bname;
    size_t nb, ab;
} ulist;

static void ulist_free(ulist *l)
{
    free(l->u);
    free(l->bid);
    free(l->bname);
    memset(l, 0, sizeof *l);
}

static bool ulist_add(ulist *l, urow r)
{
    if (KH_VEC_GROW(l->u, l->alloc, l->n + 1, 32) != KH_OK)
        return false;
    l->u[l->n++] = r;
    return true;
}

/* Records a branch name; a second, different name for the same branch is
 * an error at loc. */
static kh_status branch_name(ulist *l, const char *id, const char *name,
                             const kh_loc *loc, kh_err *e)
{
    for (size_t i = 0; i < l->nb; i++) {
        if (strcmp(l->bid[i], id) != 0)
            continue;
        if (strcmp(l->bname[i], name) == 0)
            return KH_OK;
        return kh_err_at(e, loc->line, loc->col, loc->path,
                         "branch \"%s\" is named \"%s\" here but \"%s\" "
                         "before",
                         id, name, l->bname[i]);
    }
    /* Two arrays of one length: each grows from the common room. */
    size_t ai = l->ab, an = l->ab;
    if (KH_VEC_GROW(l->bid, ai, l->nb + 1, 16) != KH_OK ||
        KH_VEC_GROW(l->bname, an, l->nb + 1, 16) != KH_OK)
        return KH_ENOMEM;
    l->ab = an;

    l->bid[l->nb] = id;
    l->bname[l->nb++] = name;
    return KH_OK;
}

/* Maps 类别 (a kind name such as 系, or a kind id) to the kind id. */
static const char *kind_id(const kh_rubric *r, const char *v)
{
    int k = kh_rubric_kind_find(r, v);
    if (k >= 0)
        return kh_rubric_kind_id(r, (size_t)k);
    for (size_t i = 0; i < kh_rubric_kind_count(r); i++)
        if (strcmp(kh_rubric_kind_name(r, i), v) == 0)
            return kh_rubric_kind_id(r, i);
    return NULL;
}

static void kinds_text(const kh_rubric *r, kh_buf *b)
{
    for (size_t i = 0; i < kh_rubric_kind_count(r); i++)
        kh_buf_printf(b, "%s%s, %s", i ? ", " : "", kh_rubric_kind_name(r, i),
                      kh_rubric_kind_id(r, i));
}

static kh_status bad_kind(const kh_rubric *r, const kh_loc *loc,
                          const char *v, kh_err *e)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    kinds_text(r, &b);
    kh_status rc = kh_err_at(e, loc->line, loc->col, loc->path,
                             "unknown kind \"%s\" (expected one of %s)", v,
                             kh_buf_str(&b));
    kh_buf_free(&b);
    return rc;
}

/* Where a table cell is, for messages: CSV line:col, XLSX the cell. */
static kh_loc cell_loc(const kh_table *t, size_t row, int col, char *buf)
{
    kh_loc loc = {0, 0, NULL};
    if (kh_table_get_format(t) == KH_TABLE_XLSX) {
        loc.path = kh_table_ref(t, row, col < 0 ? 0 : (size_t)col, buf);
    } else {
        loc.line = kh_table_line(t, row);
        loc.col = col < 0 ? 0 : (unsigned)col + 1;
    }
    return loc;
}

/* Finds a header column; a missing required one is an error. */
static int need_col(const kh_table *t, const char *const *names,
                    bool required, kh_err *e, kh_status *bad)
{
    int c = kh_table_find_col(t, names);
    if (c < 0 && required) {
        char ref[32];
        kh_loc loc = cell_loc(t, 0, -1, ref);
        if (kh_table_get_format(t) == KH_TABLE_XLSX)
            loc.path = "row 1";
        *bad = kh_err_at(e, loc.line, loc.col, loc.path,
                         "missing column %s (or %s)", names[0],
                         names[2] ? names[2] : names[1]);
    }
    return c;
}

static bool row_empty(const kh_table *t, size_t row)
{
    for (size_t c = 0; c < kh_table_cols(t, row); c++)
        if (*kh_table_cell(t, row, c))
            return false;
    return true;
}

/* A table cell that is not a valid unit id (kh_unit_id_ok). */
static kh_status bad_unit_id(const kh_loc *loc, const char *id, kh_err *e)
{
    if (!*id)
        return kh_err_at(e, loc->line, loc->col, loc->path, "empty unit id");
    kh_buf q;
    kh_buf_init(&q, 0);
    kh_json_str(&q, id);
    kh_status rc = kh_err_at(e, loc->line, loc->col, loc->path,
                             "invalid unit id %s (use 1 to 64 letters A-Z or a-z, digits, \"_\", "
               "\".\" or \"-\", starting with a letter or digit)",
                             kh_buf_str(&q));
    kh_buf_free(&q);
    return rc;
}

/* A name read from a table cell or a units file, by the one rule of
 * kaohe/name.h: false (the error at loc on e) when it breaks it. */
static bool name_ok(const kh_loc *loc, const char *name, kh_err *e)
{
    return kh_text_check(e, loc->line, loc->col, loc->path, name,
                         KH_TEXT_NAME, KH_NAME_MAX) == KH_OK;
}

static const char *const COL_ID[] = {"编号", "单位编号", "id", NULL};
static const char *const COL_NAME[] = {"名称", "单位名称", "name", NULL};
static const char *const COL_KIND[] = {"类别", "kind", NULL, NULL};
static const char *const COL_BRANCH[] = {"支部编号", "branch", NULL, NULL};
static const char *const COL_BNAME[] = {"支部名称", "branch_name", NULL, NULL};

static kh_status units_from_table(const kh_table *t, const kh_rubric *r,
                                  kh_assess *a, ulist *l, kh_err *e)
{
    kh_status bad = KH_OK;
    if (kh_table_rows(t) == 0)
        return kh_err_at(e, 1, 0, NULL, "the table is empty (no header row)");
    int ci = need_col(t, COL_ID, true, e, &bad);
    int cn = need_col(t, COL_NAME, true, e, &bad);
    int ck = need_col(t, COL_KIND, true, e, &bad);
    int cb = need_col(t, COL_BRANCH, false, e, &bad);
    int cbn = need_col(t, COL_BNAME, false, e, &bad);
    if (bad != KH_OK)
        return bad;
    char ref[32];
    for (size_t row = 1; row < kh_table_rows(t); row++) {
        if (row_empty(t, row))
            continue;
        const char *id = kh_table_cell(t, row, (size_t)ci);
        const char *name = kh_table_cell(t, row, (size_t)cn);
        const char *kind = kh_table_cell(t, row, (size_t)ck);
        const char *br = cb >= 0 ? kh_table_cell(t, row, (size_t)cb) : "";
        const char *bn = cbn >= 0 ? kh_table_cell(t, row, (size_t)cbn) : "";
        kh_loc loc;
        bool ok = true;
        if (!*id || !kh_unit_id_ok(id)) {
            loc = cell_loc(t, row, ci, ref);
            bad = bad_unit_id(&loc, id, e);
            ok = false;
        }
        if (!*name) {
            loc = cell_loc(t, row, cn, ref);
            bad = kh_err_at(e, loc.line, loc.col, loc.path,
                            "empty unit name");
            ok = false;
        } else if (loc = cell_loc(t, row, cn, ref), !name_ok(&loc, name, e)) {
            bad = KH_EINVAL;
            ok = false;
        }
        if (*bn && (loc = cell_loc(t, row, cbn, ref), !name_ok(&loc, bn, e))) {
            bad = KH_EINVAL;
            ok = false;
        }
        const char *kid = kind_id(r, kind);
        if (!kid) {
            loc = cell_loc(t, row, ck, ref);
            bad = bad_kind(r, &loc, kind, e);
            ok = false;
        }
        if (*bn && !*br) {
            loc = cell_loc(t, row, cbn, ref);
            bad = kh_err_at(e, loc.line, loc.col, loc.path,
                            "a branch name needs a branch id");
            ok = false;
        }
        if (!ok)
            continue;
        if (*bn) {
            loc = cell_loc(t, row, cbn, ref);
            kh_status rc = branch_name(l, br, bn, &loc, e);
            if (rc == KH_ENOMEM)
                return kh_err_fail(e, rc, "out of memory");
            if (rc != KH_OK)
                bad = rc;
        }
        loc = cell_loc(t, row, cb >= 0 && *br ? cb : ci, ref);
        kh_status rc = kh_assess_add_unit(a, id, name, kid, *br ? br : NULL,
                                          &loc, e, NULL);
        if (rc == KH_ENOMEM)
            return kh_err_fail(e, rc, "out of memory");
        if (rc != KH_OK) {
            bad = rc;
            continue;
        }
        if (!ulist_add(l, (urow){id, name, kid, *br ? br : id}))
            return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    return bad;
}

/* Checks the `year` key of a units file against year. */
static kh_status doc_year(const kh_node *v, int year, kh_err *e)
{
    int64_t y;
    if (kh_node_int(v, e, "year", &y) != KH_OK)
        return KH_EINVAL;
    if (y != year)
        return kh_err_at(e, v->line, v->col, "year",
                         "the file is for year %" PRId64 ", not %d", y, year);
    return KH_OK;
}

/* Finds units and branches in a mapping at the top of a units file;
 * bad keys and a wrong year go on e and *bad. */
static kh_status doc_top_map(const kh_node *top, int year,
                             const kh_node **units, const kh_node **branches,
                             kh_status *bad, kh_err *e)
{
    for (uint32_t k = 0; k < top->n; k++) {
        const kh_node *key = &top->u.kids[2 * k];
        const kh_node *v = &top->u.kids[2 * k + 1];
        if (kh_node_eq(key, "units")) {
            *units = v;
        } else if (kh_node_eq(key, "branches")) {
            *branches = v;
        } else if (kh_node_eq(key, "year")) {
            kh_status rc = doc_year(v, year, e);
            if (rc != KH_OK)
                *bad = rc;
        } else {
            *bad = kh_err_at(e, key->line, key->col,
                             key->type == KH_NODE_SCALAR ? key->u.text : NULL,
                             "unexpected key in a units file (expected "
                             "units, branches, year)");
        }
    }
    if (!*units)
        return kh_err_at(e, top->line, top->col, "units", "missing key units");
    return KH_OK;
}

/* The units (a sequence) and branches (a sequence or NULL) of a file. */
static kh_status doc_top(const kh_node *top, int year, const kh_node **units,
                         const kh_node **branches, kh_status *bad, kh_err *e)
{
    *units = *branches = NULL;
    if (top->type == KH_NODE_SEQ) {
        *units = top;
    } else if (top->type != KH_NODE_MAP) {
        return kh_err_at(e, top->line, top->col, NULL,
                         "expected a list of units or a mapping with units, "
                         "got a %s",
                         kh_node_kind(top));
    } else {
        kh_status rc = doc_top_map(top, year, units, branches, bad, e);
        if (rc != KH_OK)
            return rc;
    }
    if ((*units)->type != KH_NODE_SEQ)
        return kh_err_at(e, (*units)->line, (*units)->col, "units",
                         "expected a sequence, got a %s",
                         kh_node_kind(*units));
    if (*branches && (*branches)->type != KH_NODE_SEQ)
        return kh_err_at(e, (*branches)->line, (*branches)->col, "branches",
                         "expected a sequence, got a %s",
                         kh_node_kind(*branches));
    return KH_OK;
}

/* One entry of `branches`: errors on e and *bad; KH_ENOMEM is fatal. */
static kh_status doc_branch(const kh_node *b, uint32_t i, ulist *l,
                            kh_status *bad, kh_err *e)
{
    char path[64], p2[80];
    const char *id = NULL, *name = NULL;
    snprintf(path, sizeof path, "branches[%u]", i);
    if (b->type != KH_NODE_MAP) {
        *bad = kh_err_at(e, b->line, b->col, path,
                         "expected a mapping, got a %s", kh_node_kind(b));
        return KH_OK;
    }
    snprintf(p2, sizeof p2, "%s.id", path);
    if (kh_node_str(kh_node_get(b, "id"), e, p2, &id) != KH_OK)
        *bad = KH_EINVAL;
    snprintf(p2, sizeof p2, "%s.name", path);
    if (kh_node_str(kh_node_get(b, "name"), e, p2, &name) != KH_OK)
        *bad = KH_EINVAL;
    if (!id || !name)
        return KH_OK;
    const kh_node *nn = kh_node_get(b, "name");
    kh_loc nloc = {nn->line, nn->col, p2};
    if (!name_ok(&nloc, name, e)) {
        *bad = KH_EINVAL;
        return KH_OK;
    }
    kh_loc loc = {b->line, b->col, path};
    kh_status rc = branch_name(l, id, name, &loc, e);
    if (rc == KH_ENOMEM)
        return kh_err_fail(e, rc, "out of memory");
    if (rc != KH_OK)
        *bad = rc;
    return KH_OK;
}

/* The string fields of one entry of `units`. */
typedef struct ufields {
    const char *id, *name, *kind, *br, *bn;
} ufields;

/* Reads the keys of unit u at path into f; false (errors on e and *bad)
 * when a key is unknown, not a string, or a required one is missing. */
static bool doc_unit_fields(const kh_node *u, const char *path, ufields *f,
                            kh_status *bad, kh_err *e)
{
    bool ok = true;
    char p2[96];
    for (uint32_t k = 0; k < u->n; k++) {
        const kh_node *key = &u->u.kids[2 * k];
        const char **dst = kh_node_eq(key, "id")            ? &f->id
                           : kh_node_eq(key, "name")        ? &f->name
                           : kh_node_eq(key, "kind")        ? &f->kind
                           : kh_node_eq(key, "branch")      ? &f->br
                           : kh_node_eq(key, "branch_name") ? &f->bn
                                                            : NULL;
        snprintf(p2, sizeof p2, "%s.%s", path,
                 key->type == KH_NODE_SCALAR ? key->u.text : "?");
        if (!dst) {
            *bad = kh_err_at(e, key->line, key->col, p2,
                             "unknown key (expected id, name, kind, "
                             "branch, branch_name)");
            ok = false;
        } else if (kh_node_str(&u->u.kids[2 * k + 1], e, p2, dst) != KH_OK) {
            *bad = KH_EINVAL;
            ok = false;
        }
    }
    const char *const req[] = {"id", "name", "kind"};
    const char *vals[] = {f->id, f->name, f->kind};
    for (int k = 0; k < 3 && ok; k++) {
        if (!vals[k]) {
            snprintf(p2, sizeof p2, "%s.%s", path, req[k]);
            *bad = kh_err_at(e, u->line, u->col, p2, "missing key %s",
                             req[k]);
            ok = false;
        }
    }
    return ok;
}

/* One entry of `units`, added to a and l when good: errors on e and
 * *bad; KH_ENOMEM is fatal. */
static kh_status doc_unit(const kh_node *u, uint32_t i, const kh_rubric *r,
                          kh_assess *a, ulist *l, kh_status *bad, kh_err *e)
{
    char path[64], p2[96];
    snprintf(path, sizeof path, "units[%u]", i);
    if (u->type != KH_NODE_MAP) {
        *bad = kh_err_at(e, u->line, u->col, path,
                         "expected a mapping, got a %s", kh_node_kind(u));
        return KH_OK;
    }
    ufields f = {0};
    if (!doc_unit_fields(u, path, &f, bad, e))
        return KH_OK;
    const kh_node *kn = kh_node_get(u, "kind");
    snprintf(p2, sizeof p2, "%s.kind", path);
    kh_loc kloc = {kn->line, kn->col, p2};
    const char *kid = kind_id(r, f.kind);
    if (!kid) {
        *bad = bad_kind(r, &kloc, f.kind, e);
        return KH_OK;
    }
    const char *const nkeys[] = {"name", "branch_name"};
    const char *const nvals[] = {f.name, f.bn};
    bool named = true;
    for (int k = 0; k < 2; k++) {
        const kh_node *nn = kh_node_get(u, nkeys[k]);
        snprintf(p2, sizeof p2, "%s.%s", path, nkeys[k]);
        kh_loc nloc = {nn ? nn->line : u->line, nn ? nn->col : u->col, p2};
        if (nvals[k] && !name_ok(&nloc, nvals[k], e)) {
            *bad = KH_EINVAL;
            named = false;
        }
    }
    if (!named)
        return KH_OK;
    kh_loc loc = {u->line, u->col, path};
    kh_status rc = KH_OK;
    if (f.bn && !f.br) {
        *bad = kh_err_at(e, u->line, u->col, path,
                         "a branch_name needs a branch");
        return KH_OK;
    }
    if (f.bn && (rc = branch_name(l, f.br, f.bn, &loc, e)) != KH_OK) {
        if (rc == KH_ENOMEM)
            return kh_err_fail(e, rc, "out of memory");
        *bad = rc;
    }
    rc = kh_assess_add_unit(a, f.id, f.name, kid, f.br, &loc, e, NULL);
    if (rc == KH_ENOMEM)
        return kh_err_fail(e, rc, "out of memory");
    if (rc != KH_OK) {
        *bad = rc;
        return KH_OK;
    }
    if (!ulist_add(l, (urow){f.id, f.name, kid, f.br ? f.br : f.id}))
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    return KH_OK;
}

/* A YAML/JSON units file: a list of units, or a mapping with `units` and
 * optional `branches` (and `year`). */
static kh_status units_from_doc(const kh_node *top, const kh_rubric *r,
                                int year, kh_assess *a, ulist *l, kh_err *e)
{
    kh_status bad = KH_OK;
    const kh_node *units, *branches;
    kh_status rc = doc_top(top, year, &units, &branches, &bad, e);
    for (uint32_t i = 0; rc == KH_OK && branches && i < branches->n; i++)
        rc = doc_branch(&branches->u.kids[i], i, l, &bad, e);
    for (uint32_t i = 0; rc == KH_OK && i < units->n; i++)
        rc = doc_unit(&units->u.kids[i], i, r, a, l, &bad, e);
    return rc != KH_OK ? rc : bad;
}

/* "{"name": ..., "kind": ..., "branch": ...}" for the audit log. */
char *kh_store_unit_json(const char *name, const char *kind,
                         const char *branch)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_buf_puts(&b, "{\"name\": ");
    kh_json_str(&b, name);
    kh_buf_puts(&b, ", \"kind\": ");
    kh_json_str(&b, kind);
    kh_buf_puts(&b, ", \"branch\": ");
    kh_json_str(&b, branch);
    kh_buf_puts(&b, "}");
    return kh_buf_take(&b, NULL);
}

static kh_status audit_unit(kh_store *s, const char *actor, int year,
                            const char *action, const char *id,
                            const char *oldv, const char *newv, kh_err *e)
{
    kh_audit_rec a = {.actor = actor, .action = action, .year = year,
                      .unit = id, .object = id, .old_value = oldv,
                      .new_value = newv};
    return kh_store_audit(s, &a, e);
}

/* Adds unit u at position pos. */
static kh_status insert_unit(kh_store *s, const char *actor, int year,
                             size_t pos, const urow *u, const char *newv,
                             kh_err *e)
{
    kh_db_stmt *q;
    kh_status rc = kh_store_stmt(s,
                                 "INSERT INTO unit (year, id, pos, name, kind,"
                                 " branch) VALUES (?, ?, ?, ?, ?, ?)",
                                 &q, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(q, 1, year);
    kh_store_bind_str(q, 2, u->id);
    kh_db_bind_int64(q, 3, (int64_t)pos);
    kh_store_bind_str(q, 4, u->name);
    kh_store_bind_str(q, 5, u->kind);
    kh_store_bind_str(q, 6, u->branch);
    rc = kh_store_exec(s, q, e, "adding a unit");
    if (rc == KH_OK)
        rc = audit_unit(s, actor, year, "unit.add", u->id, NULL, newv, e);
    return rc;
}

/* Moves the stored unit su (cleared here) to pos and gives it u's
 * values; audited, and *changed set, only when name, kind or branch
 * differ. */
static kh_status update_unit(kh_store *s, const char *actor, int year,
                             size_t pos, const urow *u, kh_store_unit *su,
                             const char *newv, bool *changed, kh_err *e)
{
    bool same = strcmp(su->name, u->name) == 0 &&
                strcmp(su->kind, u->kind) == 0 &&
                strcmp(su->branch, u->branch) == 0;
    char *oldv = same ? NULL
                      : kh_store_unit_json(su->name, su->kind, su->branch);
    kh_store_unit_clear(su);
    kh_db_stmt *q;
    kh_status rc = kh_store_stmt(s,
                                 "UPDATE unit SET pos = ?, name = ?, kind = ?,"
                                 " branch = ? WHERE year = ? AND id = ?",
                                 &q, e);
    if (rc == KH_OK) {
        kh_db_bind_int64(q, 1, (int64_t)pos);
        kh_store_bind_str(q, 2, u->name);
        kh_store_bind_str(q, 3, u->kind);
        kh_store_bind_str(q, 4, u->branch);
        kh_db_bind_int(q, 5, year);
        kh_store_bind_str(q, 6, u->id);
        rc = kh_store_exec(s, q, e, "updating a unit");
    }
    if (rc == KH_OK && !same) {
        rc = oldv ? audit_unit(s, actor, year, "unit.change", u->id, oldv,
                               newv, e)
                  : kh_err_fail(e, KH_ENOMEM, "out of memory");
        *changed = true;
    }
    free(oldv);
    return rc;
}

/* Adds or updates the file's unit u, listed at position pos. */
static kh_status put_unit(kh_store *s, const char *actor, int year,
                          size_t pos, const urow *u, kh_import_stats *st,
                          kh_err *e)
{
    kh_store_unit su;
    kh_status rc = kh_store_unit_get(s, year, u->id, &su, e);
    char *newv = kh_store_unit_json(u->name, u->kind, u->branch);
    if (!newv) {
        if (rc == KH_OK)
            kh_store_unit_clear(&su);
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    bool changed = false;
    if (rc == KH_ENOTFOUND) {
        rc = insert_unit(s, actor, year, pos, u, newv, e);
        changed = true;
    } else if (rc == KH_OK) {
        rc = update_unit(s, actor, year, pos, u, &su, newv, &changed, e);
    }
    if (changed)
        st->changed++;
    free(newv);
    st->units++;
    return rc;
}

/* Ids of units to remove (owned strings). */
typedef struct idlist {
    char **id;
    size_t n;
} idlist;

static bool unit_listed(const ulist *l, const char *id)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->u[i].id, id) == 0)
            return true;
    return false;
}

/* Audits the removal of the unit in row sel (with its entry count) and
 * keeps its id in g. */
static kh_status unit_gone(kh_store *s, const char *actor, int year,
                           kh_db_stmt *sel, idlist *g, kh_err *e)
{
    const char *id = kh_store_col_str(sel, 0);
    char *oldv = kh_store_unit_json(kh_store_col_str(sel, 1),
                                    kh_store_col_str(sel, 2),
                                    kh_store_col_str(sel, 3));
    char reason[64];
    snprintf(reason, sizeof reason, "not in the imported file; %" PRId64
             " entries removed", (int64_t)kh_db_column_int64(sel, 4));
    char **ng = realloc(g->id, (g->n + 1) * sizeof *ng);
    if (ng)
        g->id = ng;
    if (!oldv || !ng || !(ng[g->n] = strdup(id))) {
        free(oldv);
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    g->n++;
    kh_audit_rec a = {.actor = actor, .action = "unit.remove",
                      .year = year, .unit = id, .object = id,
                      .old_value = oldv, .reason = reason};
    kh_status rc = kh_store_audit(s, &a, e);
    free(oldv);
    return rc;
}

/* Audits each stored unit the file no longer lists; their ids go to g. */
static kh_status audit_unlisted(kh_store *s, const char *actor, int year,
                                const ulist *l, idlist *g,
                                kh_import_stats *st, kh_err *e)
{
    kh_db_stmt *sel = NULL;
    if (kh_db_prepare(s->db,
                           "SELECT id, name, kind, branch, (SELECT count(*)"
                           " FROM entry n WHERE n.year = u.year AND"
                           " n.unit = u.id) FROM unit u WHERE year = ?"
                           " ORDER BY pos", &sel) != KH_DB_OK)
        return kh_store_db_fail(s, e, "updating units");
    kh_db_bind_int(sel, 1, year);
    kh_status rc = KH_OK;
    int step;
    while (rc == KH_OK && (step = kh_db_step(sel)) == KH_DB_ROW) {
        if (unit_listed(l, kh_store_col_str(sel, 0)))
            continue;
        rc = unit_gone(s, actor, year, sel, g, e);
        if (rc == KH_OK)
            st->changed++;
    }
    if (rc == KH_OK && step != KH_DB_DONE)
        rc = kh_store_db_fail(s, e, "updating units");
    kh_db_finalize(sel);
    return rc;
}

/* Deletes the units in g (their entries go with them) while rc is KH_OK;
 * frees g either way. */
static kh_status delete_units(kh_store *s, int year, idlist *g,
                              kh_status rc, kh_err *e)
{
    kh_db_stmt *q;
    for (size_t i = 0; i < g->n; i++) {
        if (rc == KH_OK) {
            rc = kh_store_stmt(s, "DELETE FROM unit WHERE year = ? AND id = ?",
                               &q, e);
            if (rc == KH_OK) {
                kh_db_bind_int(q, 1, year);
                kh_store_bind_str(q, 2, g->id[i]);
                rc = kh_store_exec(s, q, e, "removing a unit");
            }
        }
        free(g->id[i]);
    }
    free(g->id);
    return rc;
}

/* Units no longer listed go, with what was stored for them. */
static kh_status remove_unlisted(kh_store *s, const char *actor, int year,
                                 const ulist *l, kh_import_stats *st,
                                 kh_err *e)
{
    idlist g = {0};
    kh_status rc = audit_unlisted(s, actor, year, l, &g, st, e);
    return delete_units(s, year, &g, rc, e);
}

/* The stored branch names as "id\tname\n" lines sorted by id. */
static kh_status stored_branches(kh_store *s, int year, kh_buf *out,
                                 kh_err *e)
{
    kh_db_stmt *q;
    kh_status rc = kh_store_stmt(s, "SELECT id, name FROM branch WHERE year = ?"
                                    " ORDER BY id", &q, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(q, 1, year);
    int step;
    while ((step = kh_db_step(q)) == KH_DB_ROW)
        kh_buf_printf(out, "%s\t%s\n", kh_store_col_str(q, 0),
                      kh_store_col_str(q, 1));
    if (step != KH_DB_DONE)
        rc = kh_store_db_fail(s, e, "reading the branches");
    kh_db_reset(q);
    return rc;
}

/* The file's branch names in the same form, sorted by id. */
static kh_status file_branches(const ulist *l, kh_buf *out, kh_err *e)
{
    size_t *ord = malloc((l->nb ? l->nb : 1) * sizeof *ord);
    if (!ord)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    for (size_t i = 0; i < l->nb; i++) {
        size_t j = i;
        while (j > 0 && strcmp(l->bid[ord[j - 1]], l->bid[i]) > 0) {
            ord[j] = ord[j - 1];
            j--;
        }
        ord[j] = i;
    }
    for (size_t i = 0; i < l->nb; i++)
        kh_buf_printf(out, "%s\t%s\n", l->bid[ord[i]], l->bname[ord[i]]);
    free(ord);
    return KH_OK;
}

/* Stores the file's branch names in place of the year's. */
static kh_status write_branches(kh_store *s, int year, const ulist *l,
                                kh_err *e)
{
    kh_db_stmt *q;
    kh_status rc = kh_store_stmt(s, "DELETE FROM branch WHERE year = ?", &q, e);
    if (rc == KH_OK) {
        kh_db_bind_int(q, 1, year);
        rc = kh_store_exec(s, q, e, "replacing branch names");
    }
    if (rc == KH_OK)
        rc = kh_store_stmt(s,
                           "INSERT INTO branch (year, id, name)"
                           " VALUES (?, ?, ?)",
                           &q, e);
    for (size_t i = 0; i < l->nb && rc == KH_OK; i++) {
        kh_db_reset(q);
        kh_db_bind_int(q, 1, year);
        kh_store_bind_str(q, 2, l->bid[i]);
        kh_store_bind_str(q, 3, l->bname[i]);
        rc = kh_store_exec(s, q, e, "storing a branch name");
    }
    return rc;
}

/* Branch names: replaced by the file's, audited when they differ. */
static kh_status replace_branches(kh_store *s, const char *actor, int year,
                                  const ulist *l, kh_import_stats *st,
                                  kh_err *e)
{
    kh_buf oldb, newb;
    kh_buf_init(&oldb, 0);
    kh_buf_init(&newb, 0);
    kh_buf_puts(&oldb, "");
    kh_buf_puts(&newb, "");
    kh_status rc = stored_branches(s, year, &oldb, e);
    if (rc == KH_OK)
        rc = file_branches(l, &newb, e);
    if (rc == KH_OK && strcmp(kh_buf_str(&oldb), kh_buf_str(&newb)) != 0) {
        rc = write_branches(s, year, l, e);
        kh_audit_rec a = {.actor = actor, .action = "branches.set",
                          .year = year, .object = "branches",
                          .old_value = oldb.len ? kh_buf_str(&oldb) : NULL,
                          .new_value = newb.len ? kh_buf_str(&newb) : NULL};
        if (rc == KH_OK)
            rc = kh_store_audit(s, &a, e);
        st->changed++;
    }
    st->branches = l->nb;
    kh_buf_free(&oldb);
    kh_buf_free(&newb);
    return rc;
}

/* Writes the list: updates, inserts, removes (with their entries). */
static kh_status write_units(kh_store *s, const char *actor, int year,
                             const ulist *l, kh_import_stats *st, kh_err *e)
{
    kh_status rc = KH_OK;
    for (size_t i = 0; i < l->n && rc == KH_OK; i++)
        rc = put_unit(s, actor, year, i, &l->u[i], st, e);
    if (rc == KH_OK)
        rc = remove_unlisted(s, actor, year, l, st, e);
    if (rc == KH_OK)
        rc = replace_branches(s, actor, year, l, st, e);
    return rc;
}

/* CSV/XLSX or YAML/JSON?  The name's extension decides when it is one of
 * the known ones; otherwise the content (a ZIP is XLSX, `{`/`[` JSON, a
 * first line without a comma but with `:` or starting "- " YAML). */
static bool is_table(const char *name, const char *data, size_t len)
{
    const char *dot = strrchr(name, '.');
    if (dot) {
        if (!strcasecmp(dot, ".csv") || !strcasecmp(dot, ".xlsx"))
            return true;
        if (!strcasecmp(dot, ".yaml") || !strcasecmp(dot, ".yml") ||
            !strcasecmp(dot, ".json"))
            return false;
    }
    if (len >= 4 && memcmp(data, "PK\3\4", 4) == 0)
        return true;
    size_t i = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        return true;
    while (i < len && (data[i] == ' ' || data[i] == '\n' || data[i] == '\r' ||
                       data[i] == '\t'))
        i++;
    if (i < len && (data[i] == '{' || data[i] == '[' || data[i] == '-' ||
                    data[i] == '#'))
        return false;
    for (; i < len && data[i] != '\n'; i++) {
        if (data[i] == ',')
            return true;
        if (data[i] == ':')
            return false;
    }
    return true;
}

kh_status kh_store_units_import(kh_store *s, const char *actor, int year,
                                const char *name, const char *data,
                                size_t len, kh_err *e, kh_import_stats *st)
{
    kh_import_stats dummy;
    if (!st)
        st = &dummy;
    memset(st, 0, sizeof *st);
    kh_rubric *r = NULL;
    kh_assess *a = NULL;
    kh_table *t = NULL;
    kh_doc *d = NULL;
    kh_arena *ar = NULL;
    ulist l = {0};
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    if ((rc = kh_store_year_require(s, year, KH_YEAR_BIT(KH_YEAR_DRAFT),
                                    "importing units", NULL, e)) != KH_OK ||
        (rc = kh_store_year_rubric(s, year, e, &r, NULL)) != KH_OK)
        goto fail;
    a = kh_assess_new(r);
    if (!a) {
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
        goto fail;
    }
    kh_assess_set_year(a, year);
    kh_err_set_file(e, name);
    if (is_table(name, data, len)) {
        if ((rc = kh_table_read_mem(name, data, len, MAX_ROWS, e, &t)) !=
            KH_OK)
            goto fail;
        kh_err_set_file(e, name);
        rc = units_from_table(t, r, a, &l, e);
    } else {
        const kh_node *top;
        ar = kh_arena_new();
        if (!ar) {
            rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
            goto fail;
        }
        if ((rc = kh_doc_open_mem(name, data, len, 0, e, &d)) != KH_OK ||
            (rc = kh_doc_read(d, ar, &top)) != KH_OK ||
            (rc = kh_doc_finish(d)) != KH_OK)
            goto fail;
        kh_err_set_file(e, name);
        rc = units_from_doc(top, r, year, a, &l, e);
    }
    /* Branch names go through the builder as well (after the units, so
     * the builder knows every branch); the whole-list checks (a branch
     * mixing kinds) run even after row errors, so every error is listed:
     * rows with errors were left out of the builder. */
    if (rc == KH_OK || rc == KH_EINVAL) {
        kh_status r2 = KH_OK;
        for (size_t i = 0; r2 == KH_OK && i < l.nb; i++) {
            kh_loc loc = {0, 0, "branches"};
            r2 = kh_assess_add_branch(a, l.bid[i], l.bname[i], &loc, e);
        }
        if (r2 == KH_OK)
            r2 = kh_assess_finish(a, e);
        if (rc == KH_OK)
            rc = r2;
    }
    if (rc == KH_OK && l.n == 0)
        rc = kh_err_at(e, 0, 0, NULL, "the file lists no units");
    if (rc != KH_OK)
        goto fail;
    if ((rc = write_units(s, actor, year, &l, st, e)) != KH_OK)
        goto fail;
    rc = kh_store_commit(s, e);
    goto out;
fail:
    kh_store_rollback(s);
out:
    ulist_free(&l);
    kh_table_free(t);
    kh_doc_free(d);
    kh_arena_free(ar);
    kh_assess_free(a);
    kh_rubric_free(r);
    return rc;
}

/* ---- rosters ------------------------------------------------------- */

static const char *const COL_RUNIT[] = {"单位编号", "编号", "unit", NULL};
static const char *const COL_PERSON[] = {"姓名", "name", NULL, NULL};
static const char *const COL_VALUE[] = {"积分", "value", NULL, NULL};

/* The roster file's columns. */
typedef struct rcols {
    int unit, person, value;
} rcols;

/* Does an item of r read the roster? */
static bool roster_used(const kh_rubric *r, const char *roster)
{
    for (size_t i = 0; i < kh_rubric_item_count(r); i++)
        for (size_t k = 0; k < kh_rubric_item_slots(r, i); k++) {
            const char *rn = kh_term_roster(kh_rubric_item_slot(r, i, k));
            if (rn && strcmp(rn, roster) == 0)
                return true;
        }
    return false;
}

/* The year takes rosters now and its rubric reads this one. */
static kh_status roster_check_year(kh_store *s, int year, const char *roster,
                                   kh_err *e)
{
    kh_rubric *r = NULL;
    kh_status rc = kh_store_year_require(s, year,
                                         KH_YEAR_BIT(KH_YEAR_DRAFT) |
                                             KH_YEAR_BIT(KH_YEAR_SELF_CHECK) |
                                             KH_YEAR_BIT(KH_YEAR_INSPECTION) |
                                             KH_YEAR_BIT(KH_YEAR_REVIEW),
                                         "importing a roster", NULL, e);
    if (rc != KH_OK || (rc = kh_store_year_rubric(s, year, e, &r, NULL)) != KH_OK)
        return rc;
    if (!roster_used(r, roster))
        rc = kh_err_fail(e, KH_EINVAL,
                         "no item of rubric \"%s\" reads a roster named "
                         "\"%s\"",
                         kh_rubric_id(r), roster);
    kh_rubric_free(r);
    return rc;
}

/* Reads the table (*t owned by the caller) and finds its columns. */
static kh_status roster_table(const char *name, const char *data, size_t len,
                              kh_table **t, rcols *c, kh_err *e)
{
    kh_status bad = KH_OK, rc;
    kh_err_set_file(e, name);
    if ((rc = kh_table_read_mem(name, data, len, MAX_ROWS, e, t)) != KH_OK)
        return rc;
    kh_err_set_file(e, name);
    if (kh_table_rows(*t) == 0)
        return kh_err_at(e, 1, 0, NULL, "the table is empty (no header row)");
    c->unit = need_col(*t, COL_RUNIT, true, e, &bad);
    c->person = need_col(*t, COL_PERSON, true, e, &bad);
    c->value = need_col(*t, COL_VALUE, true, e, &bad);
    return bad;
}

/* Checks one row: a known unit, a name, a number.  Errors go on e and
 * *bad; the status is KH_OK unless the store fails. */
static kh_status roster_check_row(kh_store *s, int year, const kh_table *t,
                                  size_t row, const rcols *c, kh_status *bad,
                                  kh_err *e)
{
    const char *u = kh_table_cell(t, row, (size_t)c->unit);
    const char *p = kh_table_cell(t, row, (size_t)c->person);
    const char *v = kh_table_cell(t, row, (size_t)c->value);
    char ref[32];
    kh_loc loc;
    kh_store_unit su;
    kh_status r2 = kh_unit_id_ok(u) ? kh_store_unit_get(s, year, u, &su, e)
                                     : KH_ENOTFOUND;
    if (r2 == KH_OK) {
        kh_store_unit_clear(&su);
    } else if (r2 == KH_ENOTFOUND) {
        loc = cell_loc(t, row, c->unit, ref);
        *bad = kh_unit_id_ok(u)
                   ? kh_err_at(e, loc.line, loc.col, loc.path,
                               "unknown unit \"%s\" in year %d", u, year)
                   : bad_unit_id(&loc, u, e);
    } else {
        return r2;
    }
    if (!*p) {
        loc = cell_loc(t, row, c->person, ref);
        *bad = kh_err_at(e, loc.line, loc.col, loc.path, "empty name");
    } else if (loc = cell_loc(t, row, c->person, ref),
               !name_ok(&loc, p, e)) {
        *bad = KH_EINVAL;
    }
    kh_cp val;
    kh_num_err ne = kh_num_parse(v, strlen(v), &val);
    if (ne != KH_NUM_OK) {
        loc = cell_loc(t, row, c->value, ref);
        *bad = kh_err_at(e, loc.line, loc.col, loc.path, "value \"%s\" %s", v,
                         *v ? kh_num_err_str(ne) : "is empty");
    }
    return KH_OK;
}

/* Check every row first; nothing is written while any is bad. */
static kh_status roster_check_rows(kh_store *s, int year, const kh_table *t,
                                   const rcols *c, kh_err *e)
{
    kh_status bad = KH_OK;
    for (size_t row = 1; row < kh_table_rows(t); row++) {
        if (row_empty(t, row))
            continue;
        kh_status rc = roster_check_row(s, year, t, row, c, &bad, e);
        if (rc != KH_OK)
            return rc;
    }
    return bad;
}

/* "units=N people=M" of the stored roster, for the audit record. */
static kh_status roster_summary(kh_store *s, int year, const char *roster,
                                char *out, size_t sz, kh_err *e)
{
    kh_db_stmt *q;
    kh_status rc = kh_store_stmt(s,
                                 "SELECT count(DISTINCT unit), count(*) FROM"
                                 " roster WHERE year = ? AND roster = ?",
                                 &q, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(q, 1, year);
    kh_store_bind_str(q, 2, roster);
    int step = kh_db_step(q);
    if (step == KH_DB_ROW)
        snprintf(out, sz, "units=%" PRId64 " people=%" PRId64,
                 (int64_t)kh_db_column_int64(q, 0),
                 (int64_t)kh_db_column_int64(q, 1));
    else
        rc = kh_store_db_fail(s, e, "reading a roster");
    kh_db_reset(q);
    return rc;
}

/* Replaces the stored roster by the table's rows (counted in st). */
static kh_status roster_write(kh_store *s, int year, const char *roster,
                              const kh_table *t, const rcols *c,
                              kh_import_stats *st, kh_err *e)
{
    kh_db_stmt *q;
    kh_status rc = kh_store_stmt(
        s, "DELETE FROM roster WHERE year = ? AND roster = ?", &q, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(q, 1, year);
    kh_store_bind_str(q, 2, roster);
    if ((rc = kh_store_exec(s, q, e, "replacing a roster")) != KH_OK)
        return rc;
    /* Positions count per unit, in file order. */
    rc = kh_store_stmt(s,
                       "INSERT INTO roster (year, unit, roster, pos, person,"
                       " value) VALUES (?, ?, ?, (SELECT count(*) FROM roster"
                       " WHERE year = ? AND unit = ? AND roster = ?), ?, ?)",
                       &q, e);
    for (size_t row = 1; rc == KH_OK && row < kh_table_rows(t); row++) {
        if (row_empty(t, row))
            continue;
        const char *u = kh_table_cell(t, row, (size_t)c->unit);
        const char *v = kh_table_cell(t, row, (size_t)c->value);
        kh_cp val = 0;
        kh_num_parse(v, strlen(v), &val);
        kh_db_reset(q);
        kh_db_bind_int(q, 1, year);
        kh_store_bind_str(q, 2, u);
        kh_store_bind_str(q, 3, roster);
        kh_db_bind_int(q, 4, year);
        kh_store_bind_str(q, 5, u);
        kh_store_bind_str(q, 6, roster);
        kh_store_bind_str(q, 7, kh_table_cell(t, row, (size_t)c->person));
        kh_db_bind_int64(q, 8, val);
        rc = kh_store_exec(s, q, e, "storing a roster");
        st->people++;
    }
    return rc;
}

/* st->rosters: how many units the stored roster now covers. */
static kh_status roster_units(kh_store *s, int year, const char *roster,
                              kh_import_stats *st, kh_err *e)
{
    kh_db_stmt *q;
    kh_status rc = kh_store_stmt(s,
                                 "SELECT count(DISTINCT unit) FROM roster"
                                 " WHERE year = ? AND roster = ?",
                                 &q, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(q, 1, year);
    kh_store_bind_str(q, 2, roster);
    if (kh_db_step(q) == KH_DB_ROW)
        st->rosters = (size_t)kh_db_column_int64(q, 0);
    kh_db_reset(q);
    return KH_OK;
}

/* Checks across stored data: an entry must not give an input that the
 * roster now supplies. */
static kh_status roster_recheck(kh_store *s, int year, kh_err *e)
{
    kh_rubric *r2 = NULL;
    kh_assess *a2 = NULL;
    kh_status rc = kh_store_load_assess(s, year, e, &r2, &a2);
    kh_assess_free(a2);
    kh_rubric_free(r2);
    return rc;
}

/* Audits roster.import: the old summary, the file's hash and counts,
 * and each unit's tag (kh_store_roster_tags). */
static kh_status roster_audit(kh_store *s, const char *actor, int year,
                              const char *roster, const char *name,
                              const char *data, size_t len, const char *oldv,
                              const kh_import_stats *st, kh_err *e)
{
    char hash[KH_STORE_HEX_SZ];
    kh_store_sha256_hex(data ? data : "", len, hash);
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_buf_printf(&b, "sha256:%s units=%zu people=%zu", hash, st->rosters,
                  st->people);
    /* then "UNIT TAG" per unit: the replay proves the stored roster */
    kh_status rc = kh_store_roster_tags(s, year, roster, &b, e);
    kh_audit_rec au = {.actor = actor, .action = "roster.import",
                       .year = year, .object = roster, .old_value = oldv,
                       .new_value = kh_buf_str(&b), .reason = name};
    if (rc == KH_OK)
        rc = kh_store_audit(s, &au, e);
    kh_buf_free(&b);
    return rc;
}

kh_status kh_store_roster_import(kh_store *s, const char *actor, int year,
                                 const char *roster, const char *name,
                                 const char *data, size_t len, kh_err *e,
                                 kh_import_stats *st)
{
    kh_import_stats dummy;
    if (!st)
        st = &dummy;
    memset(st, 0, sizeof *st);
    kh_table *t = NULL;
    rcols c = {-1, -1, -1};
    char oldv[96] = "";
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    if ((rc = roster_check_year(s, year, roster, e)) != KH_OK ||
        (rc = roster_table(name, data, len, &t, &c, e)) != KH_OK ||
        (rc = roster_check_rows(s, year, t, &c, e)) != KH_OK ||
        (rc = roster_summary(s, year, roster, oldv, sizeof oldv, e)) !=
            KH_OK ||
        (rc = roster_write(s, year, roster, t, &c, st, e)) != KH_OK ||
        (rc = roster_units(s, year, roster, st, e)) != KH_OK ||
        (rc = roster_recheck(s, year, e)) != KH_OK ||
        (rc = roster_audit(s, actor, year, roster, name, data, len, oldv, st,
                           e)) != KH_OK) {
        kh_store_rollback(s);
    } else {
        st->changed = st->people;
        rc = kh_store_commit(s, e);
    }
    kh_table_free(t);
    return rc;
}

kh_status kh_store_unit_each(kh_store *s, int year, kh_unit_fn fn, void *ctx,
                             kh_err *e)
{
    kh_year_state state;
    kh_status rc = kh_store_year_state(s, year, &state, e);
    if (rc != KH_OK)
        return rc;
    kh_db_stmt *st = NULL;
    if (kh_db_prepare(s->db,
                           "SELECT u.id, u.name, u.kind, u.branch, b.name"
                           " FROM unit u LEFT JOIN branch b ON b.year = u.year"
                           " AND b.id = u.branch WHERE u.year = ?"
                           " ORDER BY u.pos", &st) != KH_DB_OK)
        return kh_store_db_fail(s, e, "listing units");
    kh_db_bind_int(st, 1, year);
    int step;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        kh_unit_row row = {
            .id = kh_store_col_str(st, 0),
            .name = kh_store_col_str(st, 1),
            .kind = kh_store_col_str(st, 2),
            .branch = kh_store_col_str(st, 3),
            .branch_name = kh_store_col_str(st, 4),
        };
        if ((rc = fn(ctx, &row)) != KH_OK)
            break;
    }
    if (rc == KH_OK && step != KH_DB_DONE)
        rc = kh_store_db_fail(s, e, "listing units");
    kh_db_finalize(st);
    return rc;
}

/* ---- one unit at a time (draft): add, rename ------------------------- */

/* A unit name: 1 to KH_UNIT_NAME_MAX bytes, no control characters, not
 * the name of another unit of the year (pickers list units by name). */
static kh_status check_unit_name(kh_store *s, int year, const char *id,
                                 const char *name, kh_err *e)
{
    if (!name || !*name)
        return kh_err_at(e, 0, 0, "name", "empty unit name");
    if (kh_text_check(e, 0, 0, "name", name, KH_TEXT_NAME,
                      KH_UNIT_NAME_MAX) != KH_OK)
        return KH_EINVAL;
    kh_db_stmt *q;
    kh_status rc = kh_store_stmt(s, "SELECT id FROM unit WHERE year = ? AND"
                                    " name = ? AND id <> ?", &q, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(q, 1, year);
    kh_store_bind_str(q, 2, name);
    kh_store_bind_str(q, 3, id);
    int step = kh_db_step(q);
    kh_db_reset(q);
    if (step == KH_DB_ROW)
        return kh_err_at(e, 0, 0, "name",
                         "another unit of year %d is named \"%s\"", year, name);
    if (step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading the units");
    return KH_OK;
}

/* A branch given for a new unit must be one of the year's already. */
static kh_status check_branch(kh_store *s, int year, const char *branch,
                              kh_err *e)
{
    kh_db_stmt *q;
    kh_status rc = kh_store_stmt(s, "SELECT count(*) FROM unit WHERE year = ?"
                                    " AND branch = ?", &q, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(q, 1, year);
    kh_store_bind_str(q, 2, branch);
    int step = kh_db_step(q);
    int64_t n = step == KH_DB_ROW ? kh_db_column_int64(q, 0) : 0;
    kh_db_reset(q);
    if (step != KH_DB_ROW)
        return kh_store_db_fail(s, e, "reading the branches");
    if (n == 0)
        return kh_err_at(e, 0, 0, "branch",
                         "unknown branch \"%s\" (use the id of a branch "
                         "a unit of year %d belongs to, or leave it out)",
                         branch, year);
    return KH_OK;
}

/* The position after the year's last unit. */
static kh_status next_pos(kh_store *s, int year, size_t *pos, kh_err *e)
{
    kh_db_stmt *q;
    kh_status rc = kh_store_stmt(s, "SELECT count(*), max(pos) FROM unit"
                                    " WHERE year = ?", &q, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(q, 1, year);
    int step = kh_db_step(q);
    *pos = step == KH_DB_ROW && kh_db_column_int64(q, 0) > 0
               ? (size_t)kh_db_column_int64(q, 1) + 1
               : 0;
    kh_db_reset(q);
    return step == KH_DB_ROW ? KH_OK
                             : kh_store_db_fail(s, e, "reading the units");
}

/* The checks of kh_store_unit_add inside its transaction; *kid gets the
 * kind's id (borrowed from the year's rubric). */
static kh_status unit_add_check(kh_store *s, int year, const kh_unit_add *u,
                                const char **kid, kh_err *e)
{
    kh_store_unit su;
    const kh_rubric *r;
    kh_status rc = kh_store_year_require(s, year, KH_YEAR_BIT(KH_YEAR_DRAFT),
                                         N_("adding a unit"), NULL, e);
    if (rc == KH_OK)
        rc = kh_store_year_rubric_shared(s, year, e, &r);
    if (rc != KH_OK)
        return rc;
    kh_loc loc = {.path = "id"};
    if (!u->id || !kh_unit_id_ok(u->id))
        return bad_unit_id(&loc, u->id ? u->id : "", e);
    rc = kh_store_unit_get(s, year, u->id, &su, e);
    if (rc == KH_OK) {
        kh_store_unit_clear(&su);
        return kh_err_at(e, 0, 0, "id", "year %d has a unit \"%s\" already",
                         year, u->id);
    }
    if (rc != KH_ENOTFOUND)
        return rc;
    loc.path = "kind";
    if (!(*kid = kind_id(r, u->kind ? u->kind : "")))
        return bad_kind(r, &loc, u->kind ? u->kind : "", e);
    if ((rc = check_unit_name(s, year, u->id, u->name, e)) != KH_OK)
        return rc;
    if (u->branch && *u->branch && strcmp(u->branch, u->id) != 0)
        return check_branch(s, year, u->branch, e);
    return KH_OK;
}

kh_status kh_store_unit_add(kh_store *s, const char *actor, int year,
                            const kh_unit_add *u, kh_err *e)
{
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    const char *kid = NULL;
    size_t pos = 0;
    if ((rc = unit_add_check(s, year, u, &kid, e)) == KH_OK)
        rc = next_pos(s, year, &pos, e);
    if (rc == KH_OK) {
        const char *br = u->branch && *u->branch ? u->branch : u->id;
        urow row = {u->id, u->name, kid, br};
        char *newv = kh_store_unit_json(u->name, kid, br);
        rc = newv ? insert_unit(s, actor, year, pos, &row, newv, e)
                  : kh_err_fail(e, KH_ENOMEM, "out of memory");
        free(newv);
    }
    if (rc != KH_OK) {
        kh_store_rollback(s);
        return rc;
    }
    return kh_store_commit(s, e);
}

/* The checks and the change of kh_store_unit_rename, in its transaction. */
static kh_status unit_rename(kh_store *s, const char *actor, int year,
                             const char *id, const char *name, kh_err *e)
{
    kh_store_unit su;
    kh_status rc = kh_store_year_require(s, year, KH_YEAR_BIT(KH_YEAR_DRAFT),
                                         N_("renaming a unit"), NULL, e);
    if (rc != KH_OK)
        return rc;
    rc = kh_store_unit_get(s, year, id ? id : "", &su, e);
    if (rc == KH_ENOTFOUND)
        return kh_err_at(e, 0, 0, "id", "year %d has no unit \"%s\"", year,
                         id ? id : "");
    if (rc != KH_OK)
        return rc;
    if ((rc = check_unit_name(s, year, id, name, e)) == KH_OK &&
        strcmp(su.name, name) == 0)
        rc = kh_err_at(e, 0, 0, "name", "unit \"%s\" is named \"%s\" already",
                       id, name);
    urow row = {id, name, su.kind, su.branch};
    char *newv = kh_store_unit_json(name, su.kind, su.branch);
    char *oldv = kh_store_unit_json(su.name, su.kind, su.branch);
    if (rc == KH_OK && (!newv || !oldv))
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
    kh_db_stmt *q;
    if (rc == KH_OK)
        rc = kh_store_stmt(s, "UPDATE unit SET name = ? WHERE year = ? AND"
                              " id = ?", &q, e);
    if (rc == KH_OK) {
        kh_store_bind_str(q, 1, row.name);
        kh_db_bind_int(q, 2, year);
        kh_store_bind_str(q, 3, id);
        rc = kh_store_exec(s, q, e, "renaming a unit");
    }
    if (rc == KH_OK)
        rc = audit_unit(s, actor, year, "unit.change", id, oldv, newv, e);
    free(newv);
    free(oldv);
    kh_store_unit_clear(&su);
    return rc;
}

kh_status kh_store_unit_rename(kh_store *s, const char *actor, int year,
                               const char *id, const char *name, kh_err *e)
{
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    if ((rc = unit_rename(s, actor, year, id, name, e)) != KH_OK) {
        kh_store_rollback(s);
        return rc;
    }
    return kh_store_commit(s, e);
}

kh_status kh_store_unit_name(kh_store *s, const char *id, char **name,
                             kh_err *e)
{
    *name = NULL;
    kh_db_stmt *q;
    kh_status rc = kh_store_stmt(s, "SELECT name FROM unit WHERE id = ?"
                                    " ORDER BY year DESC LIMIT 1", &q, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(q, 1, id);
    int step = kh_db_step(q);
    if (step == KH_DB_ROW && !(*name = strdup(kh_store_col_str(q, 0))))
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
    kh_db_reset(q);
    if (step == KH_DB_DONE)
        return KH_ENOTFOUND;
    if (step != KH_DB_ROW)
        return kh_store_db_fail(s, e, "reading a unit");
    return rc;
}
