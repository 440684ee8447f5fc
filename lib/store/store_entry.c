/*
 * store_entry.c - single entries (set with a version check, list), bonus
 * and negative records, and the JSON form of an entry's inputs.
 *
 * Inputs are stored as a JSON object text and re-read through kh_doc, so
 * a stored entry passes the same builder checks (kh_assess_add_entry) as
 * one read from a file.
 */
#include "store_impl.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/report.h"

void kh_store_entry_name(char *buf, size_t sz, const char *unit,
                         const char *item, kh_phase phase)
{
    snprintf(buf, sz, "%s/%s/%s", unit, item, kh_phase_name(phase));
}

void kh_store_inputs_json(const kh_rubric *r, size_t item,
                          const kh_entry *en, kh_buf *out)
{
    kh_buf_putc(out, '{');
    bool first = true;
    size_t n = kh_rubric_item_slots(r, item);
    for (size_t s = 0; s < n; s++) {
        bool present = false;
        kh_cp v = kh_entry_value(en, s, &present);
        if (!present)
            continue;
        const kh_term *t = kh_rubric_item_slot(r, item, s);
        if (!first)
            kh_buf_puts(out, ", ");
        first = false;
        kh_json_str(out, kh_term_input(t));
        kh_buf_puts(out, ": ");
        char num[KH_NUM_BUFSZ];
        switch (kh_term_get_kind(t)) {
        case KH_TERM_CHECK:
            kh_buf_puts(out, v ? "true" : "false");
            break;
        case KH_TERM_COUNT:
        case KH_TERM_DEDUCT:
            kh_buf_printf(out, "%" PRId64, v / 100);
            break;
        case KH_TERM_CHOICE:
            kh_json_str(out, kh_term_option_id(t, (size_t)v));
            break;
        case KH_TERM_JUDGEMENT:
        default:
            kh_num_format(v, num);
            kh_buf_puts(out, num);
            break;
        }
    }
    kh_buf_putc(out, '}');
}

void kh_store_unlocate(kh_node *n)
{
    n->line = n->col = 0;
    if (n->type == KH_NODE_MAP || n->type == KH_NODE_SEQ) {
        size_t k = n->type == KH_NODE_MAP ? 2 * (size_t)n->n : n->n;
        for (size_t i = 0; i < k; i++)
            kh_store_unlocate(&n->u.kids[i]);
    }
}

kh_status kh_store_parse_inputs(const char *name, const char *json,
                                size_t len, kh_arena *ar,
                                const kh_node **out, kh_err *e)
{
    kh_doc *d = NULL;
    const char *old_file = kh_err_file(e);
    kh_status rc = kh_doc_open_mem(name, json, len, 'j', e, &d);
    if (rc == KH_OK)
        rc = kh_doc_read(d, ar, out);
    if (rc == KH_OK)
        rc = kh_doc_finish(d);
    kh_doc_free(d);
    kh_err_set_file(e, old_file);
    if (rc != KH_OK)
        return rc;
    /* The nodes live in the caller's arena, which is writable. */
    kh_store_unlocate((kh_node *)*out);
    if (rc == KH_OK && (*out)->type != KH_NODE_MAP)
        rc = kh_err_fail(e, KH_EDB, "%s: stored inputs are not a JSON object",
                         name);
    return rc;
}

kh_status kh_store_unit_get(kh_store *s, int year, const char *id,
                            kh_store_unit *out, kh_err *e)
{
    memset(out, 0, sizeof *out);
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s, "SELECT name, kind, branch FROM unit WHERE year = ? AND id = ?",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    kh_store_bind_str(st, 2, id);
    int step = kh_db_step(st);
    if (step == KH_DB_ROW) {
        out->name = strdup(kh_store_col_str(st, 0));
        out->kind = strdup(kh_store_col_str(st, 1));
        out->branch = strdup(kh_store_col_str(st, 2));
    }
    kh_db_reset(st);
    if (step == KH_DB_DONE)
        return KH_ENOTFOUND;
    if (step != KH_DB_ROW)
        return kh_store_db_fail(s, e, "reading a unit");
    if (!out->name || !out->kind || !out->branch) {
        kh_store_unit_clear(out);
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    return KH_OK;
}

void kh_store_unit_clear(kh_store_unit *u)
{
    free(u->name);
    free(u->kind);
    free(u->branch);
    memset(u, 0, sizeof *u);
}

/* ---- setting one entry --------------------------------------------- */

/* One input of an entry being edited: its JSON value text. */
typedef struct pair {
    char *name;
    char *json;
    int slot;      /* slot index, or a large number for unknown inputs */
    size_t order;  /* insertion order, for a stable sort */
} pair;

static bool is_json_number(const char *s)
{
    const char *p = s;
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (*p >= '0' && *p <= '9')
            p++;
    else
        return false;
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == '\0';
}

/* The JSON text for what a person typed, by the kind of the term that
 * reads it: numbers and booleans stay bare where the term expects them,
 * everything else becomes a string, so the builder's type check applies
 * exactly as for a file. */
static char *typed_json(const kh_term *t, const char *v)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    int kind = t ? (int)kh_term_get_kind(t) : -1;
    bool bare = false;
    if (kind == KH_TERM_CHECK)
        bare = strcmp(v, "true") == 0 || strcmp(v, "false") == 0;
    else if (kind == KH_TERM_COUNT || kind == KH_TERM_DEDUCT ||
             kind == KH_TERM_JUDGEMENT)
        bare = is_json_number(v);
    if (bare)
        kh_buf_puts(&b, v);
    else
        kh_json_str(&b, v);
    return kh_buf_take(&b, NULL);
}

/* The JSON text of a stored scalar node. */
static char *node_json(const kh_node *n)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    if (n->type != KH_NODE_SCALAR)
        kh_buf_puts(&b, "null");
    else if (n->style == KH_SCALAR_PLAIN &&
             (strcmp(n->u.text, "true") == 0 ||
              strcmp(n->u.text, "false") == 0 ||
              strcmp(n->u.text, "null") == 0 || is_json_number(n->u.text)))
        kh_buf_puts(&b, n->u.text);
    else
        kh_json_str(&b, n->u.text);
    return kh_buf_take(&b, NULL);
}

static int pair_cmp(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    if (x->slot != y->slot)
        return x->slot < y->slot ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static void pairs_free(pair *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(p[i].name);
        free(p[i].json);
    }
    free(p);
}

/* Appends input name with its JSON (NULL: remove it) to the list; the
 * duplicates are resolved once by pairs_merge (a scan per key here made
 * a save of n keys take n^2 comparisons). */
static kh_status pairs_add(pair **p, size_t *n, size_t *alloc,
                           const kh_rubric *r, size_t item, const char *name,
                           char *json, size_t *order)
{
    if (*n == *alloc) {
        size_t na = *alloc ? *alloc * 2 : 8;
        pair *np = realloc(*p, na * sizeof *np);
        if (!np) {
            free(json);
            return KH_ENOMEM;
        }
        *p = np;
        *alloc = na;
    }
    int slot = kh_rubric_item_slot_find(r, item, name);
    (*p)[*n] = (pair){.name = strdup(name), .json = json,
                      .slot = slot < 0 ? 1 << 30 : slot, .order = (*order)++};
    if (!(*p)[*n].name) {
        free(json);
        return KH_ENOMEM;
    }
    (*n)++;
    return KH_OK;
}

static int pair_name_cmp(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->order < y->order ? -1 : x->order > y->order);
}

/* Resolves the duplicates of pairs_add in O(n log n): of the entries of
 * one name the last value wins (NULL: the input is removed), kept at the
 * place (order) of the first, as a stored input updated in place. */
static void pairs_merge(pair *p, size_t *n)
{
    if (*n > 1)
        qsort(p, *n, sizeof *p, pair_name_cmp);
    size_t w = 0;
    for (size_t i = 0; i < *n;) {
        size_t k = i + 1;
        while (k < *n && strcmp(p[k].name, p[i].name) == 0)
            k++;
        pair keep = p[i];
        keep.json = p[k - 1].json;
        for (size_t d = i; d < k - 1; d++)
            free(p[d].json);
        for (size_t d = i + 1; d < k; d++)
            free(p[d].name);
        if (keep.json)
            p[w++] = keep;
        else
            free(keep.name);
        i = k;
    }
    *n = w;
}

/* `{"inputs": ..., "note": ..., "version": N}` for the audit log. */
char *kh_store_entry_state_json(const char *inputs, const char *note,
                                 int64_t version)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_buf_printf(&b, "{\"inputs\": %s, \"note\": ", inputs);
    if (note)
        kh_json_str(&b, note);
    else
        kh_buf_puts(&b, "null");
    kh_buf_printf(&b, ", \"version\": %" PRId64 "}", version);
    return kh_buf_take(&b, NULL);
}

static bool str_eq(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

kh_status kh_store_entry_set(kh_store *s, const char *actor, int year,
                             const char *unit, const char *item,
                             kh_phase phase, size_t n,
                             const kh_input_kv *inputs, const char *note,
                             int64_t expect_version, int64_t *version,
                             kh_err *e)
{
    unsigned allowed = phase == KH_PHASE_SELF
                           ? KH_YEAR_BIT(KH_YEAR_SELF_CHECK)
                           : KH_YEAR_BIT(KH_YEAR_INSPECTION) |
                                 KH_YEAR_BIT(KH_YEAR_REVIEW);
    char doing[64], ename[512];
    snprintf(doing, sizeof doing, "writing %s entries", kh_phase_name(phase));
    kh_store_entry_name(ename, sizeof ename, unit, item, phase);

    const kh_rubric *r = NULL;
    kh_assess *a = NULL;
    kh_arena *ar = NULL;
    pair *pairs = NULL;
    size_t np = 0, ap = 0, order = 0;
    char *old_inputs = NULL, *old_note = NULL, *new_inputs = NULL;
    char *old_state = NULL, *new_state = NULL;
    kh_store_unit su = {0};
    int64_t old_version = 0, row_id = 0;
    bool exists = false;
    kh_db_stmt *st;

    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    if ((rc = kh_store_year_require(s, year, allowed, doing, NULL, e)) !=
            KH_OK ||
        (rc = kh_store_year_rubric_shared(s, year, e, &r)) != KH_OK)
        goto fail;
    int ii = kh_rubric_item_find(r, item);
    if (ii < 0) {
        rc = kh_err_fail(e, KH_EINVAL, "entry %s: unknown item \"%s\"", ename,
                         item);
        goto fail;
    }
    rc = kh_store_unit_get(s, year, unit, &su, e);
    if (rc == KH_ENOTFOUND) {
        rc = kh_err_fail(e, KH_EINVAL,
                         "entry %s: unknown unit \"%s\" in year %d", ename,
                         unit, year);
        goto fail;
    }
    if (rc != KH_OK)
        goto fail;

    rc = kh_store_stmt(s,
                       "SELECT id, inputs, note, version FROM entry"
                       " WHERE year = ? AND unit = ? AND item = ? AND phase = ?",
                       &st, e);
    if (rc != KH_OK)
        goto fail;
    kh_db_bind_int(st, 1, year);
    kh_store_bind_str(st, 2, unit);
    kh_store_bind_str(st, 3, item);
    kh_store_bind_str(st, 4, kh_phase_name(phase));
    int step = kh_db_step(st);
    if (step == KH_DB_ROW) {
        exists = true;
        row_id = kh_db_column_int64(st, 0);
        old_inputs = strdup(kh_store_col_str(st, 1));
        const char *on = kh_store_col_str(st, 2);
        old_note = on ? strdup(on) : NULL;
        old_version = kh_db_column_int64(st, 3);
    }
    kh_db_reset(st);
    if (step != KH_DB_ROW && step != KH_DB_DONE) {
        rc = kh_store_db_fail(s, e, "reading an entry");
        goto fail;
    }
    if (exists && !old_inputs) {
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
        goto fail;
    }
    if (expect_version >= 0 && expect_version != old_version) {
        if (!exists)
            rc = kh_err_fail(e, KH_ECONFLICT,
                             "entry %s does not exist, but version %" PRId64
                             " was expected",
                             ename, expect_version);
        else if (expect_version == KH_VERSION_NEW)
            rc = kh_err_fail(e, KH_ECONFLICT,
                             "entry %s exists already (version %" PRId64 ")",
                             ename, old_version);
        else
            rc = kh_err_fail(e, KH_ECONFLICT,
                             "entry %s is at version %" PRId64
                             ", not %" PRId64
                             ": someone changed it meanwhile; reload and "
                             "try again",
                             ename, old_version, expect_version);
        goto fail;
    }

    /* Merge: stored inputs, then the new values. */
    ar = kh_arena_new();
    if (!ar) {
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
        goto fail;
    }
    if (exists) {
        const kh_node *m;
        rc = kh_store_parse_inputs(ename, old_inputs, strlen(old_inputs), ar,
                                   &m, e);
        if (rc != KH_OK)
            goto fail;
        for (uint32_t k = 0; k < m->n && rc == KH_OK; k++) {
            const kh_node *key = &m->u.kids[2 * k];
            char *j = node_json(&m->u.kids[2 * k + 1]);
            if (!j || key->type != KH_NODE_SCALAR)
                rc = KH_ENOMEM;
            else
                rc = pairs_add(&pairs, &np, &ap, r, (size_t)ii, key->u.text,
                               j, &order);
        }
    }
    for (size_t k = 0; k < n && rc == KH_OK; k++) {
        char *j = NULL;
        if (inputs[k].value) {
            int sl = kh_rubric_item_slot_find(r, (size_t)ii, inputs[k].name);
            j = typed_json(sl < 0 ? NULL
                                  : kh_rubric_item_slot(r, (size_t)ii,
                                                        (size_t)sl),
                           inputs[k].value);
            if (!j) {
                rc = KH_ENOMEM;
                break;
            }
        }
        rc = pairs_add(&pairs, &np, &ap, r, (size_t)ii, inputs[k].name, j,
                       &order);
    }
    if (rc != KH_OK) {
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
        goto fail;
    }
    pairs_merge(pairs, &np);
    if (np > 1)
        qsort(pairs, np, sizeof *pairs, pair_cmp);
    kh_buf jb;
    kh_buf_init(&jb, 0);
    kh_buf_putc(&jb, '{');
    for (size_t k = 0; k < np; k++) {
        if (k)
            kh_buf_puts(&jb, ", ");
        kh_json_str(&jb, pairs[k].name);
        kh_buf_puts(&jb, ": ");
        kh_buf_puts(&jb, pairs[k].json);
    }
    kh_buf_putc(&jb, '}');
    new_inputs = kh_buf_take(&jb, NULL);
    if (!new_inputs) {
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
        goto fail;
    }
    const char *new_note = note ? (*note ? note : NULL) : old_note;

    /* The same checks as a file: this unit, its rosters, this entry. */
    a = kh_assess_new(r);
    if (!a) {
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
        goto fail;
    }
    kh_assess_set_year(a, year);
    const kh_node *m;
    char lpath[600];
    snprintf(lpath, sizeof lpath, "entry %s", ename);
    kh_loc loc = {0, 0, lpath};
    if ((rc = kh_assess_add_unit(a, unit, su.name, su.kind, su.branch, &loc,
                                 e, NULL)) != KH_OK ||
        (rc = kh_store_add_rosters(s, year, unit, a, e)) != KH_OK ||
        (rc = kh_store_parse_inputs(ename, new_inputs, strlen(new_inputs), ar,
                                    &m, e)) != KH_OK ||
        (rc = kh_assess_add_entry(a, unit, item, phase, m, new_note, &loc,
                                  e)) != KH_OK ||
        (rc = kh_assess_finish(a, e)) != KH_OK)
        goto fail;

    if (exists && strcmp(old_inputs, new_inputs) == 0 &&
        str_eq(old_note, new_note)) {
        /* Nothing changes: no new version, no audit record. */
        kh_store_rollback(s);
        if (version)
            *version = old_version;
        goto done;
    }
    char now[KH_STORE_TIME_SZ];
    kh_store_now(s, now);
    int64_t new_version = old_version + 1;
    if (exists) {
        rc = kh_store_stmt(s,
                           "UPDATE entry SET inputs = ?, note = ?, version = ?,"
                           " updated_at = ?, updated_by = ? WHERE id = ?"
                           " AND version = ?",
                           &st, e);
        if (rc != KH_OK)
            goto fail;
        kh_store_bind_str(st, 1, new_inputs);
        kh_store_bind_str(st, 2, new_note);
        kh_db_bind_int64(st, 3, new_version);
        kh_store_bind_str(st, 4, now);
        kh_store_bind_str(st, 5, actor);
        kh_db_bind_int64(st, 6, row_id);
        kh_db_bind_int64(st, 7, old_version);
    } else {
        rc = kh_store_stmt(s,
                           "INSERT INTO entry (year, unit, item, phase, inputs,"
                           " note, version, updated_at, updated_by)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           &st, e);
        if (rc != KH_OK)
            goto fail;
        kh_db_bind_int(st, 1, year);
        kh_store_bind_str(st, 2, unit);
        kh_store_bind_str(st, 3, item);
        kh_store_bind_str(st, 4, kh_phase_name(phase));
        kh_store_bind_str(st, 5, new_inputs);
        kh_store_bind_str(st, 6, new_note);
        kh_db_bind_int64(st, 7, new_version);
        kh_store_bind_str(st, 8, now);
        kh_store_bind_str(st, 9, actor);
    }
    if ((rc = kh_store_exec(s, st, e, "writing an entry")) != KH_OK)
        goto fail;
    if (exists && kh_db_changes(s->db) != 1) {
        rc = kh_err_fail(e, KH_ECONFLICT, "entry %s changed meanwhile", ename);
        goto fail;
    }
    old_state = exists ? kh_store_entry_state_json(old_inputs, old_note,
                                                   old_version)
                       : NULL;
    new_state = kh_store_entry_state_json(new_inputs, new_note, new_version);
    if (!new_state || (exists && !old_state)) {
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
        goto fail;
    }
    kh_audit_rec ar_rec = {.actor = actor, .action = "entry.set",
                           .year = year, .unit = unit, .object = ename,
                           .old_value = old_state, .new_value = new_state};
    if ((rc = kh_store_audit(s, &ar_rec, e)) != KH_OK)
        goto fail;
    if ((rc = kh_store_commit(s, e)) != KH_OK)
        goto done;
    if (version)
        *version = new_version;
    goto done;
fail:
    kh_store_rollback(s);
done:
    kh_assess_free(a);
    kh_arena_free(ar);
    pairs_free(pairs, np);
    kh_store_unit_clear(&su);
    free(old_inputs);
    free(old_note);
    free(new_inputs);
    free(old_state);
    free(new_state);
    return rc;
}

/* ---- listing entries ----------------------------------------------- */

typedef struct erow {
    kh_entry_row row;
    int64_t upos;
    int item;
    char *strs[6];
} erow;

static int erow_cmp(const void *a, const void *b)
{
    const erow *x = a, *y = b;
    if (x->upos != y->upos)
        return x->upos < y->upos ? -1 : 1;
    if (x->item != y->item)
        return x->item < y->item ? -1 : 1;
    return (int)x->row.phase - (int)y->row.phase;
}

kh_status kh_store_entry_each(kh_store *s, int year, const char *unit,
                              const char *item, kh_entry_fn fn, void *ctx,
                              kh_err *e)
{
    kh_rubric *r = NULL;
    kh_status rc = kh_store_year_rubric(s, year, e, &r, NULL);
    if (rc != KH_OK)
        return rc;
    /* "? IS NULL OR" defeats the (year, unit, item, phase) index: one
     * entry read that way scanned the whole year (0.1 s at 3,000 units),
     * so the filters given pick the statement. */
#define ENTRY_SELECT                                                     \
    "SELECT e.id, e.unit, e.item, e.phase, e.inputs, e.note,"            \
    " e.version, e.updated_at, e.updated_by, u.pos"                      \
    " FROM entry e JOIN unit u ON u.year = e.year AND u.id = e.unit"     \
    " WHERE e.year = ?"
    const char *sql =
        unit && item ? ENTRY_SELECT " AND e.unit = ? AND e.item = ?"
        : unit       ? ENTRY_SELECT " AND e.unit = ?"
        : item       ? ENTRY_SELECT " AND e.item = ?"
                     : ENTRY_SELECT;
#undef ENTRY_SELECT
    kh_db_stmt *st = NULL;
    if (kh_db_prepare(s->db, sql, &st) != KH_DB_OK) {
        kh_rubric_free(r);
        return kh_store_db_fail(s, e, "listing entries");
    }
    int col = 1;
    kh_db_bind_int(st, col++, year);
    if (unit)
        kh_store_bind_str(st, col++, unit);
    if (item)
        kh_store_bind_str(st, col++, item);
    erow *rows = NULL;
    size_t n = 0, alloc = 0;
    int step;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        if (n == alloc) {
            size_t na = alloc ? alloc * 2 : 64;
            erow *nr = realloc(rows, na * sizeof *nr);
            if (!nr) {
                rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
                break;
            }
            rows = nr;
            alloc = na;
        }
        erow *x = &rows[n];
        memset(x, 0, sizeof *x);
        x->row.id = kh_db_column_int64(st, 0);
        const int cols[6] = {1, 2, 4, 5, 7, 8};
        bool oom = false;
        for (int k = 0; k < 6; k++) {
            const char *v = kh_store_col_str(st, cols[k]);
            x->strs[k] = v ? strdup(v) : NULL;
            if (v && !x->strs[k])
                oom = true;
        }
        n++;
        if (oom) {
            rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
            break;
        }
        x->row.unit = x->strs[0];
        x->row.item = x->strs[1];
        x->row.inputs = x->strs[2];
        x->row.note = x->strs[3];
        x->row.updated_at = x->strs[4];
        x->row.updated_by = x->strs[5];
        kh_phase_parse(kh_store_col_str(st, 3), &x->row.phase);
        x->row.version = kh_db_column_int64(st, 6);
        x->upos = kh_db_column_int64(st, 9);
        x->item = kh_rubric_item_find(r, x->row.item);
    }
    if (rc == KH_OK && step != KH_DB_DONE)
        rc = kh_store_db_fail(s, e, "listing entries");
    kh_db_finalize(st);
    if (rc == KH_OK && n > 1)
        qsort(rows, n, sizeof *rows, erow_cmp);
    for (size_t i = 0; i < n && rc == KH_OK; i++)
        rc = fn(ctx, &rows[i].row);
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 6; k++)
            free(rows[i].strs[k]);
    free(rows);
    kh_rubric_free(r);
    return rc;
}

/* ---- bonus and negative records ------------------------------------ */

kh_status kh_store_record_add(kh_store *s, const char *actor, int year,
                              const char *unit, bool negative, kh_cp points,
                              const char *reason, int64_t *id, kh_err *e)
{
    const char *what = negative ? "negative" : "bonus";
    char doing[64];
    snprintf(doing, sizeof doing, "writing %s records", what);
    if (points <= 0) {
        char num[KH_NUM_BUFSZ];
        kh_num_format(points, num);
        return kh_err_fail(e, KH_EINVAL, "%s points must be positive, not %s",
                           what, num);
    }
    if (!reason || !*reason)
        return kh_err_fail(e, KH_EINVAL, "a %s record needs a reason", what);
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    kh_store_unit su;
    rc = kh_store_year_require(s, year,
                               KH_YEAR_BIT(KH_YEAR_INSPECTION) |
                                   KH_YEAR_BIT(KH_YEAR_REVIEW),
                               doing, NULL, e);
    if (rc != KH_OK)
        goto fail;
    rc = kh_store_unit_get(s, year, unit, &su, e);
    if (rc == KH_ENOTFOUND)
        rc = kh_err_fail(e, KH_EINVAL, "unknown unit \"%s\" in year %d", unit,
                         year);
    if (rc != KH_OK)
        goto fail;
    kh_store_unit_clear(&su);
    kh_db_stmt *st;
    rc = kh_store_stmt(s,
                       negative ? "INSERT INTO negative (year, unit, points,"
                                  " reason) VALUES (?, ?, ?, ?)"
                                : "INSERT INTO bonus (year, unit, points,"
                                  " reason) VALUES (?, ?, ?, ?)",
                       &st, e);
    if (rc != KH_OK)
        goto fail;
    kh_db_bind_int(st, 1, year);
    kh_store_bind_str(st, 2, unit);
    kh_db_bind_int64(st, 3, points);
    kh_store_bind_str(st, 4, reason);
    if ((rc = kh_store_exec(s, st, e, "adding a record")) != KH_OK)
        goto fail;
    int64_t rid = kh_db_last_insert_rowid(s->db);
    char obj[64], val[KH_NUM_BUFSZ], action[32];
    snprintf(obj, sizeof obj, "%s#%" PRId64, what, rid);
    snprintf(action, sizeof action, "%s.add", what);
    kh_num_format(points, val);
    kh_audit_rec a = {.actor = actor, .action = action, .year = year,
                      .unit = unit, .object = obj, .new_value = val,
                      .reason = reason};
    if ((rc = kh_store_audit(s, &a, e)) != KH_OK)
        goto fail;
    if ((rc = kh_store_commit(s, e)) != KH_OK)
        return rc;
    if (id)
        *id = rid;
    return KH_OK;
fail:
    kh_store_rollback(s);
    return rc;
}

kh_status kh_store_record_remove(kh_store *s, const char *actor, int year,
                                 bool negative, int64_t id,
                                 const char *reason, kh_err *e)
{
    const char *what = negative ? "negative" : "bonus";
    char doing[64];
    snprintf(doing, sizeof doing, "removing %s records", what);
    if (!reason || !*reason)
        return kh_err_fail(e, KH_EINVAL, "removing a %s record needs a reason",
                           what);
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    rc = kh_store_year_require(s, year,
                               KH_YEAR_BIT(KH_YEAR_INSPECTION) |
                                   KH_YEAR_BIT(KH_YEAR_REVIEW),
                               doing, NULL, e);
    if (rc != KH_OK)
        goto fail;
    kh_db_stmt *st;
    rc = kh_store_stmt(s,
                       negative ? "SELECT unit, points, reason FROM negative"
                                  " WHERE year = ? AND id = ?"
                                : "SELECT unit, points, reason FROM bonus"
                                  " WHERE year = ? AND id = ?",
                       &st, e);
    if (rc != KH_OK)
        goto fail;
    kh_db_bind_int(st, 1, year);
    kh_db_bind_int64(st, 2, id);
    if (kh_db_step(st) != KH_DB_ROW) {
        kh_db_reset(st);
        rc = kh_err_fail(e, KH_ENOTFOUND, "no %s record %" PRId64 " in year %d",
                         what, id, year);
        goto fail;
    }
    char *unit = strdup(kh_store_col_str(st, 0));
    char *old = NULL;
    char num[KH_NUM_BUFSZ];
    kh_num_format(kh_db_column_int64(st, 1), num);
    const char *oreason = kh_store_col_str(st, 2);
    if (asprintf(&old, "%s %s", num, oreason ? oreason : "") < 0)
        old = NULL;
    kh_db_reset(st);
    if (!unit || !old) {
        free(unit);
        free(old);
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
        goto fail;
    }
    rc = kh_store_stmt(s,
                       negative ? "DELETE FROM negative WHERE year = ? AND id = ?"
                                : "DELETE FROM bonus WHERE year = ? AND id = ?",
                       &st, e);
    if (rc == KH_OK) {
        kh_db_bind_int(st, 1, year);
        kh_db_bind_int64(st, 2, id);
        rc = kh_store_exec(s, st, e, "removing a record");
    }
    char obj[64], action[32];
    snprintf(obj, sizeof obj, "%s#%" PRId64, what, id);
    snprintf(action, sizeof action, "%s.remove", what);
    kh_audit_rec a = {.actor = actor, .action = action, .year = year,
                      .unit = unit, .object = obj, .old_value = old,
                      .reason = reason};
    if (rc == KH_OK)
        rc = kh_store_audit(s, &a, e);
    free(unit);
    free(old);
    if (rc != KH_OK)
        goto fail;
    return kh_store_commit(s, e);
fail:
    kh_store_rollback(s);
    return rc;
}

kh_status kh_store_record_each(kh_store *s, int year, const char *unit,
                               kh_record_fn fn, void *ctx, kh_err *e)
{
    kh_year_state state;
    kh_status rc = kh_store_year_state(s, year, &state, e);
    if (rc != KH_OK)
        return rc;
    for (int neg = 0; neg < 2 && rc == KH_OK; neg++) {
        kh_db_stmt *st = NULL;
        const char *sql =
            neg ? "SELECT n.id, n.unit, n.points, n.reason FROM negative n"
                  " JOIN unit u ON u.year = n.year AND u.id = n.unit"
                  " WHERE n.year = ? AND (? IS NULL OR n.unit = ?)"
                  " ORDER BY u.pos, n.id"
                : "SELECT n.id, n.unit, n.points, n.reason FROM bonus n"
                  " JOIN unit u ON u.year = n.year AND u.id = n.unit"
                  " WHERE n.year = ? AND (? IS NULL OR n.unit = ?)"
                  " ORDER BY u.pos, n.id";
        if (kh_db_prepare(s->db, sql, &st) != KH_DB_OK)
            return kh_store_db_fail(s, e, "listing records");
        kh_db_bind_int(st, 1, year);
        kh_store_bind_str(st, 2, unit);
        kh_store_bind_str(st, 3, unit);
        int step;
        while ((step = kh_db_step(st)) == KH_DB_ROW) {
            kh_record_row row = {
                .id = kh_db_column_int64(st, 0),
                .unit = kh_store_col_str(st, 1),
                .negative = neg,
                .points = kh_db_column_int64(st, 2),
                .reason = kh_store_col_str(st, 3),
            };
            if ((rc = fn(ctx, &row)) != KH_OK)
                break;
        }
        if (rc == KH_OK && step != KH_DB_DONE)
            rc = kh_store_db_fail(s, e, "listing records");
        kh_db_finalize(st);
    }
    return rc;
}
