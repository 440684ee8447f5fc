/*
 * store_entry.c - single entries (set with a version check, list), bonus
 * and negative records, and the JSON form of an entry's inputs.
 *
 * Inputs are stored as a JSON object text and re-read through kh_doc, so
 * a stored entry passes the same builder checks (kh_assess_add_entry) as
 * one read from a file.
 */
#include "kaohe/store_schedule.h"
#include "kaohe/store_source.h"
#include "store_impl.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/report.h"
#include "kaohe/vec.h"

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
    if (kh_vec_grow(p, alloc, *n + 1, sizeof **p, 8) != KH_OK) {
        free(json);
        return KH_ENOMEM;
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

/* What kh_store_entry_set works on: the request, what is stored, what
 * it becomes.  Owns every pointer except w and r. */
typedef struct eset {
    kh_store *s;
    const kh_entry_write *w;
    const kh_rubric *r; /* shared with the store */
    size_t item;        /* index of w->item in r */
    kh_store_unit su;
    char ename[512];
    bool exists;
    int64_t row_id, old_version, new_version;
    char *old_inputs, *old_note, *new_inputs;
    const char *new_note; /* w->note or old_note: not owned */
    kh_arena *ar;
    kh_assess *a;
    pair *pairs;
    size_t np, ap, order;
} eset;

static void eset_clear(eset *x)
{
    kh_assess_free(x->a);
    kh_arena_free(x->ar);
    pairs_free(x->pairs, x->np);
    kh_store_unit_clear(&x->su);
    free(x->old_inputs);
    free(x->old_note);
    free(x->new_inputs);
}

/* A submitted self-check locks the unit's self entries until it is
 * returned (docs/SCHEDULE.md). */
static kh_status eset_check_lock(const eset *x, kh_err *e)
{
    bool locked = false;
    kh_status rc = x->w->phase == KH_PHASE_SELF
                       ? kh_store_selfcheck_locked(x->s, x->w->year,
                                                   x->w->unit, &locked, e)
                       : KH_OK;
    if (rc == KH_OK && locked) {
        kh_err_at(e, 0, 0, "selfcheck",
                  "the self-check of %s is submitted: its entries can be "
                  "changed only after the administrator returns it",
                  x->su.name);
        return KH_ECONFLICT;
    }
    return rc;
}

/* The year's state allows the phase; item and unit exist. */
static kh_status eset_check_target(eset *x, kh_err *e)
{
    const kh_entry_write *w = x->w;
    unsigned allowed = w->phase == KH_PHASE_SELF
                           ? KH_YEAR_BIT(KH_YEAR_SELF_CHECK)
                           : KH_YEAR_BIT(KH_YEAR_INSPECTION) |
                                 KH_YEAR_BIT(KH_YEAR_REVIEW);
    char doing[64];
    snprintf(doing, sizeof doing, "writing %s entries",
             kh_phase_name(w->phase));
    kh_status rc;
    if ((rc = kh_store_year_require(x->s, w->year, allowed, doing, NULL, e)) !=
            KH_OK ||
        (rc = kh_store_year_rubric_shared(x->s, w->year, e, &x->r)) != KH_OK)
        return rc;
    int ii = kh_rubric_item_find(x->r, w->item);
    if (ii < 0)
        return kh_err_fail(e, KH_EINVAL, "entry %s: unknown item \"%s\"",
                           x->ename, w->item);
    x->item = (size_t)ii;
    rc = kh_store_unit_get(x->s, w->year, w->unit, &x->su, e);
    if (rc == KH_ENOTFOUND)
        return kh_err_fail(e, KH_EINVAL,
                           "entry %s: unknown unit \"%s\" in year %d",
                           x->ename, w->unit, w->year);
    return rc == KH_OK ? eset_check_lock(x, e) : rc;
}

/* Reads the stored row, if any, into x->old_*. */
static kh_status eset_load_old(eset *x, kh_err *e)
{
    const kh_entry_write *w = x->w;
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        x->s,
        "SELECT id, inputs, note, version FROM entry"
        " WHERE year = ? AND unit = ? AND item = ? AND phase = ?",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, w->year);
    kh_store_bind_str(st, 2, w->unit);
    kh_store_bind_str(st, 3, w->item);
    kh_store_bind_str(st, 4, kh_phase_name(w->phase));
    int step = kh_db_step(st);
    if (step == KH_DB_ROW) {
        x->exists = true;
        x->row_id = kh_db_column_int64(st, 0);
        x->old_inputs = strdup(kh_store_col_str(st, 1));
        const char *on = kh_store_col_str(st, 2);
        x->old_note = on ? strdup(on) : NULL;
        x->old_version = kh_db_column_int64(st, 3);
    }
    kh_db_reset(st);
    if (step != KH_DB_ROW && step != KH_DB_DONE)
        return kh_store_db_fail(x->s, e, "reading an entry");
    if (x->exists && !x->old_inputs)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    return KH_OK;
}

/* Refuses a lost update: the stored version must be the expected one. */
static kh_status eset_check_version(const eset *x, kh_err *e)
{
    int64_t want = x->w->expect_version;
    if (want < 0 || want == x->old_version)
        return KH_OK;
    if (!x->exists)
        return kh_err_fail(e, KH_ECONFLICT,
                           "entry %s does not exist, but version %" PRId64
                           " was expected",
                           x->ename, want);
    if (want == KH_VERSION_NEW)
        return kh_err_fail(e, KH_ECONFLICT,
                           "entry %s exists already (version %" PRId64 ")",
                           x->ename, x->old_version);
    return kh_err_fail(e, KH_ECONFLICT,
                       "entry %s is at version %" PRId64 ", not %" PRId64
                       ": someone changed it meanwhile; reload and "
                       "try again",
                       x->ename, x->old_version, want);
}

/* Adds the stored inputs m to the pairs (status only: caller reports). */
static kh_status eset_pairs_old(eset *x, const kh_node *m)
{
    kh_status rc = KH_OK;
    for (uint32_t k = 0; k < m->n && rc == KH_OK; k++) {
        const kh_node *key = &m->u.kids[2 * k];
        char *j = node_json(&m->u.kids[2 * k + 1]);
        if (!j || key->type != KH_NODE_SCALAR)
            rc = KH_ENOMEM;
        else
            rc = pairs_add(&x->pairs, &x->np, &x->ap, x->r, x->item,
                           key->u.text, j, &x->order);
    }
    return rc;
}

/* Adds the new values, typed by their slot (NULL value: removal). */
static kh_status eset_pairs_new(eset *x)
{
    const kh_entry_write *w = x->w;
    kh_status rc = KH_OK;
    for (size_t k = 0; k < w->n && rc == KH_OK; k++) {
        char *j = NULL;
        if (w->inputs[k].value) {
            int sl = kh_rubric_item_slot_find(x->r, x->item, w->inputs[k].name);
            j = typed_json(sl < 0 ? NULL
                                  : kh_rubric_item_slot(x->r, x->item,
                                                        (size_t)sl),
                           w->inputs[k].value);
            if (!j)
                return KH_ENOMEM;
        }
        rc = pairs_add(&x->pairs, &x->np, &x->ap, x->r, x->item,
                       w->inputs[k].name, j, &x->order);
    }
    return rc;
}

/* new_inputs: stored inputs, then the new values, as sorted JSON. */
static kh_status eset_merge(eset *x, kh_err *e)
{
    x->ar = kh_arena_new();
    if (!x->ar)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    const kh_node *m = NULL;
    kh_status rc;
    if (x->exists &&
        (rc = kh_store_parse_inputs(x->ename, x->old_inputs,
                                    strlen(x->old_inputs), x->ar, &m, e)) !=
            KH_OK)
        return rc;
    rc = m ? eset_pairs_old(x, m) : KH_OK;
    if (rc == KH_OK)
        rc = eset_pairs_new(x);
    if (rc != KH_OK)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    pairs_merge(x->pairs, &x->np);
    if (x->np > 1)
        qsort(x->pairs, x->np, sizeof *x->pairs, pair_cmp);
    kh_buf jb;
    kh_buf_init(&jb, 0);
    kh_buf_putc(&jb, '{');
    for (size_t k = 0; k < x->np; k++) {
        if (k)
            kh_buf_puts(&jb, ", ");
        kh_json_str(&jb, x->pairs[k].name);
        kh_buf_puts(&jb, ": ");
        kh_buf_puts(&jb, x->pairs[k].json);
    }
    kh_buf_putc(&jb, '}');
    x->new_inputs = kh_buf_take(&jb, NULL);
    if (!x->new_inputs)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    const char *note = x->w->note;
    x->new_note = note ? (*note ? note : NULL) : x->old_note;
    if (note && *note) {
        /* A new note is free text (kaohe/name.h); a stored one written
         * by an older version is kept as it is. */
        char npath[600];
        snprintf(npath, sizeof npath, "%s.note", x->ename);
        return kh_text_check(e, 0, 0, npath, note, KH_TEXT_LINES, SIZE_MAX);
    }
    return KH_OK;
}

/* The same checks as a file: this unit, its rosters, this entry. */
static kh_status eset_validate(eset *x, kh_err *e)
{
    const kh_entry_write *w = x->w;
    x->a = kh_assess_new(x->r);
    if (!x->a)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    kh_assess_set_year(x->a, w->year);
    const kh_node *m;
    char lpath[600];
    snprintf(lpath, sizeof lpath, "entry %s", x->ename);
    kh_loc loc = {0, 0, lpath};
    kh_status rc;
    if ((rc = kh_assess_add_unit(x->a, w->unit, x->su.name, x->su.kind,
                                 x->su.branch, &loc, e, NULL)) != KH_OK ||
        (rc = kh_store_add_rosters(x->s, w->year, w->unit, x->a, e)) !=
            KH_OK ||
        (rc = kh_store_parse_inputs(x->ename, x->new_inputs,
                                    strlen(x->new_inputs), x->ar, &m, e)) !=
            KH_OK ||
        (rc = kh_assess_add_entry(x->a, w->unit, w->item, w->phase, m,
                                  x->new_note, &loc, e)) != KH_OK)
        return rc;
    return kh_assess_finish(x->a, e);
}

/* Prepares the UPDATE (guarded by the old version) or the INSERT. */
static kh_status eset_prepare_write(eset *x, const char *now,
                                    kh_db_stmt **out, kh_err *e)
{
    const kh_entry_write *w = x->w;
    kh_db_stmt *st;
    kh_status rc;
    if (x->exists) {
        rc = kh_store_stmt(x->s,
                           "UPDATE entry SET inputs = ?, note = ?, version = ?,"
                           " updated_at = ?, updated_by = ? WHERE id = ?"
                           " AND version = ?",
                           &st, e);
        if (rc != KH_OK)
            return rc;
        kh_store_bind_str(st, 1, x->new_inputs);
        kh_store_bind_str(st, 2, x->new_note);
        kh_db_bind_int64(st, 3, x->new_version);
        kh_store_bind_str(st, 4, now);
        kh_store_bind_str(st, 5, w->actor);
        kh_db_bind_int64(st, 6, x->row_id);
        kh_db_bind_int64(st, 7, x->old_version);
    } else {
        rc = kh_store_stmt(x->s,
                           "INSERT INTO entry (year, unit, item, phase, inputs,"
                           " note, version, updated_at, updated_by)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           &st, e);
        if (rc != KH_OK)
            return rc;
        kh_db_bind_int(st, 1, w->year);
        kh_store_bind_str(st, 2, w->unit);
        kh_store_bind_str(st, 3, w->item);
        kh_store_bind_str(st, 4, kh_phase_name(w->phase));
        kh_store_bind_str(st, 5, x->new_inputs);
        kh_store_bind_str(st, 6, x->new_note);
        kh_db_bind_int64(st, 7, x->new_version);
        kh_store_bind_str(st, 8, now);
        kh_store_bind_str(st, 9, w->actor);
    }
    *out = st;
    return KH_OK;
}

/* Audits the change as entry.set with the old and new states. */
static kh_status eset_audit(eset *x, kh_err *e)
{
    char *old_state = x->exists ? kh_store_entry_state_json(
                                      x->old_inputs, x->old_note,
                                      x->old_version)
                                : NULL;
    char *new_state = kh_store_entry_state_json(x->new_inputs, x->new_note,
                                                x->new_version);
    kh_status rc;
    if (!new_state || (x->exists && !old_state)) {
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
    } else {
        kh_audit_rec rec = {.actor = x->w->actor, .action = "entry.set",
                            .year = x->w->year, .unit = x->w->unit,
                            .object = x->ename, .old_value = old_state,
                            .new_value = new_state};
        rc = kh_store_audit(x->s, &rec, e);
    }
    free(old_state);
    free(new_state);
    return rc;
}

/* Writes the new version and audits it (inside the transaction). */
static kh_status eset_write(eset *x, kh_err *e)
{
    char now[KH_STORE_TIME_SZ];
    kh_store_now(x->s, now);
    x->new_version = x->old_version + 1;
    kh_db_stmt *st;
    kh_status rc = eset_prepare_write(x, now, &st, e);
    if (rc != KH_OK)
        return rc;
    /* Before the writers' lock: a concurrent writer of this entry holds
     * its row (or its key) until it ends; then the version guard finds
     * no row, or the key is taken. */
    int step = kh_db_step(st);
    int code = kh_db_errcode(x->s->db);
    kh_db_reset(st);
    bool lost = step != KH_DB_DONE && !x->exists && code == KH_DB_CONSTRAINT;
    if (step != KH_DB_DONE && !lost)
        return kh_store_db_fail(x->s, e, "writing an entry");
    if (lost || (x->exists && kh_db_changes(x->s->db) != 1)) {
        /* A write without an expected version merges into whatever is
         * stored: kh_store_retry runs it again on the new version. */
        x->s->retry = x->w->expect_version < 0;
        return kh_err_fail(e, KH_ECONFLICT,
                           "entry %s changed meanwhile; reload and try again",
                           x->ename);
    }
    return eset_audit(x, e);
}

static bool eset_unchanged(const eset *x)
{
    return x->exists && strcmp(x->old_inputs, x->new_inputs) == 0 &&
           str_eq(x->old_note, x->new_note);
}

typedef struct eset_call {
    const kh_entry_write *w;
    int64_t *version;
} eset_call;

/* One run of kh_store_entry_set.  The writers' lock comes late: the
 * checks, the validation and the guarded UPDATE run beside other
 * writers; the audit append takes the lock and re-checks the year's
 * state and the self-check's submission under it. */
static kh_status eset_run(kh_store *s, void *ctx, kh_err *e)
{
    const kh_entry_write *w = ((eset_call *)ctx)->w;
    int64_t *version = ((eset_call *)ctx)->version;
    eset x = {.s = s, .w = w};
    kh_store_entry_name(x.ename, sizeof x.ename, w->unit, w->item, w->phase);
    kh_status rc = kh_store_begin_late(s, e);
    if (rc != KH_OK)
        return rc;
    if ((rc = eset_check_target(&x, e)) != KH_OK ||
        (rc = eset_load_old(&x, e)) != KH_OK ||
        (rc = eset_check_version(&x, e)) != KH_OK ||
        (rc = eset_merge(&x, e)) != KH_OK ||
        (rc = eset_validate(&x, e)) != KH_OK ||
        (rc = kh_store_source_check(s, w, x.r, x.item,
                                    x.exists ? x.old_inputs : NULL, e)) !=
            KH_OK) {
        kh_store_rollback(s);
    } else if (eset_unchanged(&x)) {
        /* Nothing changes: no new version, no audit record. */
        kh_store_rollback(s);
        if (version)
            *version = x.old_version;
    } else if ((rc = eset_write(&x, e)) != KH_OK) {
        kh_store_rollback(s);
    } else if ((rc = kh_store_commit(s, e)) == KH_OK && version) {
        *version = x.new_version;
    }
    eset_clear(&x);
    return rc;
}

kh_status kh_store_entry_set(kh_store *s, const kh_entry_write *w,
                             int64_t *version, kh_err *e)
{
    eset_call c = {w, version};
    return kh_store_retry(s, eset_run, &c, e);
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
    /* The store's parsed copy: parsing the rubric's YAML on every read
     * of one entry cost more than the read (the cache re-reads each
     * written entry through here). */
    const kh_rubric *r = NULL;
    kh_status rc = kh_store_year_rubric_shared(s, year, e, &r);
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
    if (kh_db_prepare(s->db, sql, &st) != KH_DB_OK)
        return kh_store_db_fail(s, e, "listing entries");
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
        if (KH_VEC_GROW(rows, alloc, n + 1, 64) != KH_OK) {
            rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
            break;
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
    char prefix[32], val[KH_NUM_BUFSZ], action[32];
    snprintf(prefix, sizeof prefix, "%s#", what);
    snprintf(action, sizeof action, "%s.add", what);
    kh_num_format(points, val);
    const kh_store_val row[] = {KH_SV_INT(year), KH_SV_TEXT(unit),
                                KH_SV_INT64(points), KH_SV_TEXT(reason)};
    kh_audit_rec a = {.actor = actor, .action = action, .year = year,
                      .unit = unit, .new_value = val, .reason = reason};
    int64_t rid = 0;
    if ((rc = kh_store_insert_audited(
             s,
             negative ? "INSERT INTO negative (year, unit, points, reason)"
                        " VALUES (?, ?, ?, ?)"
                      : "INSERT INTO bonus (year, unit, points, reason)"
                        " VALUES (?, ?, ?, ?)",
             row, KH_SV_COUNT(row), "adding a record", prefix, &a, &rid,
             e)) != KH_OK)
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
