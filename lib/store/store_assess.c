/*
 * store_assess.c - a year's assessment in the store: rebuilding a
 * kh_assess through the builder, results (computed or the frozen
 * snapshot), exporting an assessment file and importing one.
 */
#include "store_impl.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/report.h"
#include "kaohe/vec.h"

/* ---- rebuilding ---------------------------------------------------- */

/* People of one roster being collected. */
typedef struct people {
    char **names;
    kh_cp *values;
    size_t n, alloc;
} people;

static void people_clear(people *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->names[i]);
    p->n = 0;
}

static void people_free(people *p)
{
    people_clear(p);
    free(p->names);
    free(p->values);
    memset(p, 0, sizeof *p);
}

static bool people_add(people *p, const char *name, kh_cp v)
{
    /* Two arrays of one length: each grows from the common room. */
    size_t an = p->alloc, av = p->alloc;
    if (KH_VEC_GROW(p->names, an, p->n + 1, 16) != KH_OK ||
        KH_VEC_GROW(p->values, av, p->n + 1, 16) != KH_OK)
        return false;
    p->alloc = av;
    p->names[p->n] = strdup(name ? name : "");
    if (!p->names[p->n])
        return false;
    p->values[p->n++] = v;
    return true;
}

static kh_status flush_roster(kh_assess *a, const char *unit,
                              const char *roster, people *p, kh_err *e)
{
    char path[512];
    snprintf(path, sizeof path, "roster %s/%s", unit, roster);
    kh_loc loc = {0, 0, path};
    kh_status rc = kh_assess_add_roster(a, unit, roster, p->n,
                                        (const char *const *)p->names,
                                        p->values, &loc, e);
    people_clear(p);
    return rc;
}

kh_status kh_store_add_rosters(kh_store *s, int year, const char *unit,
                               kh_assess *a, kh_err *e)
{
    kh_db_stmt *st;
    /* Two statements, so one unit's rosters are an index range (a single
     * entry's check must not scan the whole year). */
    kh_status rc = kh_store_stmt(
        s,
        unit ? "SELECT unit, roster, person, value FROM roster WHERE year = ?"
               " AND unit = ? ORDER BY unit, roster, pos"
             : "SELECT unit, roster, person, value FROM roster WHERE year = ?"
               " ORDER BY unit, roster, pos",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    if (unit)
        kh_store_bind_str(st, 2, unit);
    people p = {0};
    char *cur_unit = NULL, *cur_roster = NULL;
    kh_status bad = KH_OK;
    int step;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        const char *u = kh_store_col_str(st, 0);
        const char *r = kh_store_col_str(st, 1);
        if (!cur_unit || strcmp(u, cur_unit) != 0 ||
            strcmp(r, cur_roster) != 0) {
            if (cur_unit &&
                flush_roster(a, cur_unit, cur_roster, &p, e) != KH_OK)
                bad = KH_EINVAL;
            free(cur_unit);
            free(cur_roster);
            cur_unit = strdup(u);
            cur_roster = strdup(r);
            if (!cur_unit || !cur_roster) {
                rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
                break;
            }
        }
        if (!people_add(&p, kh_store_col_str(st, 2),
                        kh_db_column_int64(st, 3))) {
            rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
            break;
        }
    }
    kh_db_reset(st);
    if (rc == KH_OK && step != KH_DB_DONE)
        rc = kh_store_db_fail(s, e, "reading rosters");
    if (rc == KH_OK && cur_unit &&
        flush_roster(a, cur_unit, cur_roster, &p, e) != KH_OK)
        bad = KH_EINVAL;
    free(cur_unit);
    free(cur_roster);
    people_free(&p);
    return rc != KH_OK ? rc : bad;
}

static kh_status add_records(kh_store *s, int year, kh_assess *a,
                             bool negative, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s,
        negative ? "SELECT id, unit, points, reason FROM negative"
                   " WHERE year = ? ORDER BY id"
                 : "SELECT id, unit, points, reason FROM bonus"
                   " WHERE year = ? ORDER BY id",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    kh_status bad = KH_OK;
    int step;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        char path[64];
        snprintf(path, sizeof path, "%s#%" PRId64,
                 negative ? "negative" : "bonus",
                 (int64_t)kh_db_column_int64(st, 0));
        kh_loc loc = {0, 0, path};
        const char *u = kh_store_col_str(st, 1);
        kh_cp pts = kh_db_column_int64(st, 2);
        const char *why = kh_store_col_str(st, 3);
        kh_status r2 = negative
                           ? kh_assess_add_negative(a, u, pts, why, &loc, e)
                           : kh_assess_add_bonus(a, u, pts, why, &loc, e);
        if (r2 == KH_ENOMEM) {
            rc = r2;
            break;
        }
        if (r2 != KH_OK)
            bad = KH_EINVAL;
    }
    kh_db_reset(st);
    if (rc == KH_OK && step != KH_DB_DONE)
        rc = kh_store_db_fail(s, e, "reading records");
    return rc != KH_OK ? rc : bad;
}

/* ---- entries, in batches ---- */

/* Entries are parsed many at a time: their inputs objects joined into one
 * JSON array read by one kh_doc, which costs far less than a reader per
 * entry when a year has hundreds of thousands of them. */
#define BATCH 4096

typedef struct batch {
    kh_buf json;          /* "[{...},{...}]" */
    kh_buf strs;          /* unit, item, note (NUL-separated) */
    size_t unit[BATCH], item[BATCH], note[BATCH]; /* offsets; note SIZE_MAX: none */
    kh_phase phase[BATCH];
    size_t n;
} batch;

static size_t batch_str(batch *b, const char *s)
{
    size_t off = b->strs.len;
    kh_buf_add(&b->strs, s, strlen(s) + 1);
    return off;
}

/* "entry UNIT/ITEM/PHASE" into buf (sz > 0), for messages. */
static void entry_path(char *buf, size_t sz, const char *unit,
                       const char *item, kh_phase ph)
{
    const char *parts[] = {"entry ", unit, "/", item, "/", kh_phase_name(ph)};
    size_t n = 0;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        size_t l = strlen(parts[i]);
        if (l > sz - 1 - n)
            l = sz - 1 - n;
        memcpy(buf + n, parts[i], l);
        n += l;
    }
    buf[n] = '\0';
}

/* Adds the batch's entries to a; KH_EINVAL when some were bad. */
static kh_status batch_flush(batch *b, const char *name, kh_assess *a,
                             kh_arena *ar, kh_err *e)
{
    if (b->n == 0)
        return KH_OK;
    kh_buf_putc(&b->json, ']');
    if (kh_buf_status(&b->json) != KH_OK || kh_buf_status(&b->strs) != KH_OK)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    kh_doc *d = NULL;
    kh_status bad = KH_OK;
    const char *old_file = kh_err_file(e);
    kh_status rc = kh_doc_open_mem(name, b->json.data, b->json.len, 'j', e,
                                   &d);
    if (rc == KH_OK)
        rc = kh_doc_enter(d, KH_NODE_SEQ, NULL, NULL);
    kh_err_set_file(e, old_file);
    const char *strs = b->strs.data;
    for (size_t i = 0; rc == KH_OK && i < b->n; i++) {
        const kh_node *m = NULL;
        kh_arena_reset(ar);
        if (!kh_doc_more(d, &rc) || rc != KH_OK ||
            (rc = kh_doc_read(d, ar, &m)) != KH_OK)
            break;
        const char *unit = strs + b->unit[i], *item = strs + b->item[i];
        const char *note = b->note[i] == SIZE_MAX ? NULL : strs + b->note[i];
        char path[600];
        entry_path(path, sizeof path, unit, item, b->phase[i]);
        kh_loc loc = {0, 0, path};
        kh_status r2;
        if (m->type != KH_NODE_MAP) {
            r2 = kh_err_at(e, 0, 0, path, "stored inputs are not a JSON "
                                          "object");
        } else {
            kh_store_unlocate((kh_node *)m);
            r2 = kh_assess_add_entry(a, unit, item, b->phase[i], m, note,
                                     &loc, e);
        }
        if (r2 == KH_ENOMEM) {
            rc = r2;
            break;
        }
        if (r2 != KH_OK)
            bad = KH_EINVAL;
    }
    kh_doc_free(d);
    kh_err_set_file(e, old_file);
    kh_buf_reset(&b->json);
    kh_buf_reset(&b->strs);
    b->n = 0;
    if (rc == KH_EINVAL)
        return kh_err_fail(e, KH_EDB, "%s: stored inputs are not valid JSON",
                           name);
    return rc != KH_OK ? rc : bad;
}

static kh_status add_entries(kh_store *s, int year, kh_assess *a,
                             kh_arena *ar, kh_err *e)
{
    /* A year's entries are mostly one run of row ids (imported at once):
     * scan that range of the table rather than look every row up through
     * the (year, unit, item, phase) index; `+year` keeps the planner on
     * the row id. */
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s, "SELECT min(id), max(id) FROM entry WHERE year = ?", &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    if (kh_db_step(st) != KH_DB_ROW) {
        kh_db_reset(st);
        return kh_store_db_fail(s, e, "reading entries");
    }
    int64_t lo = kh_db_column_int64(st, 0), hi = kh_db_column_int64(st, 1);
    bool none = kh_db_column_is_null(st, 0);
    kh_db_reset(st);
    if (none)
        return KH_OK;
    rc = kh_store_stmt(s,
                       "SELECT unit, item, phase, inputs, note FROM entry"
                       " WHERE id BETWEEN ? AND ? AND +year = ?",
                       &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, lo);
    kh_db_bind_int64(st, 2, hi);
    kh_db_bind_int(st, 3, year);
    batch *b = calloc(1, sizeof *b);
    if (!b)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    kh_buf_init(&b->json, 0);
    kh_buf_init(&b->strs, 0);
    char name[64];
    snprintf(name, sizeof name, "stored entries of year %d", year);
    kh_status bad = KH_OK;
    int step;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        size_t i = b->n;
        kh_buf_putc(&b->json, i ? ',' : '[');
        kh_buf_add(&b->json, kh_db_column_text(st, 3),
                   (size_t)kh_db_column_bytes(st, 3));
        b->unit[i] = batch_str(b, kh_store_col_str(st, 0));
        b->item[i] = batch_str(b, kh_store_col_str(st, 1));
        const char *note = kh_store_col_str(st, 4);
        b->note[i] = note ? batch_str(b, note) : SIZE_MAX;
        b->phase[i] = KH_PHASE_INSPECTION;
        kh_phase_parse(kh_store_col_str(st, 2), &b->phase[i]);
        if (++b->n == BATCH) {
            kh_status r2 = batch_flush(b, name, a, ar, e);
            if (r2 == KH_EINVAL)
                bad = r2;
            else if (r2 != KH_OK) {
                rc = r2;
                break;
            }
        }
    }
    kh_db_reset(st);
    if (rc == KH_OK && step != KH_DB_DONE)
        rc = kh_store_db_fail(s, e, "reading entries");
    if (rc == KH_OK) {
        kh_status r2 = batch_flush(b, name, a, ar, e);
        if (r2 == KH_EINVAL)
            bad = r2;
        else
            rc = r2;
    }
    kh_buf_free(&b->json);
    kh_buf_free(&b->strs);
    free(b);
    return rc != KH_OK ? rc : bad;
}

/* Adds the year's branch names to a: KH_EINVAL (after every bad row is
 * reported) when one does not fit, another status when the store
 * fails. */
static kh_status load_branches(kh_store *s, int year, kh_assess *a,
                               kh_err *e)
{
    kh_status bad = KH_OK;
    kh_db_stmt *st;
    int step;
    kh_status rc = kh_store_stmt(s, "SELECT id, name FROM branch WHERE year = ?"
                                    " ORDER BY id", &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        char path[300];
        snprintf(path, sizeof path, "branch %s", kh_store_col_str(st, 0));
        kh_loc loc = {0, 0, path};
        if (kh_assess_add_branch(a, kh_store_col_str(st, 0),
                                 kh_store_col_str(st, 1), &loc, e) != KH_OK)
            bad = KH_EINVAL;
    }
    kh_db_reset(st);
    if (step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading branches");
    return bad;
}

/* Adds the year's units to a, in order; statuses as load_branches. */
static kh_status load_units(kh_store *s, int year, kh_assess *a, kh_err *e)
{
    kh_status bad = KH_OK;
    kh_db_stmt *st;
    int step;
    kh_status rc = kh_store_stmt(s,
                                 "SELECT id, name, kind, branch FROM unit"
                                 " WHERE year = ? ORDER BY pos",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        char path[300];
        snprintf(path, sizeof path, "unit %s", kh_store_col_str(st, 0));
        kh_loc loc = {0, 0, path};
        if (kh_assess_add_unit(a, kh_store_col_str(st, 0),
                               kh_store_col_str(st, 1),
                               kh_store_col_str(st, 2),
                               kh_store_col_str(st, 3), &loc, e,
                               NULL) != KH_OK)
            bad = KH_EINVAL;
    }
    kh_db_reset(st);
    if (step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading units");
    return bad;
}

/* Keeps loading after bad records (KH_EINVAL, noted in *bad) so all are
 * reported; true when r2 is a failure that stops the load. */
static bool load_stops(kh_status r2, kh_status *bad)
{
    if (r2 == KH_EINVAL)
        *bad = KH_EINVAL;
    return r2 != KH_OK && r2 != KH_EINVAL;
}

/* Adds everything stored for the year to a; entries' inputs live in
 * ar. */
static kh_status load_all(kh_store *s, int year, kh_assess *a, kh_arena *ar,
                          kh_err *e)
{
    kh_status bad = KH_OK, r2;
    if (load_stops(r2 = load_branches(s, year, a, e), &bad) ||
        load_stops(r2 = load_units(s, year, a, e), &bad) ||
        load_stops(r2 = add_entries(s, year, a, ar, e), &bad))
        return r2;
    kh_err_set_file(e, s->path);
    if (load_stops(r2 = kh_store_add_rosters(s, year, NULL, a, e), &bad))
        return r2;
    for (int neg = 0; neg < 2; neg++)
        if (load_stops(r2 = add_records(s, year, a, neg, e), &bad))
            return r2;
    return bad != KH_OK ? bad : kh_assess_finish(a, e);
}

kh_status kh_store_load_assess(kh_store *s, int year, kh_err *e,
                               kh_rubric **rubric, kh_assess **out)
{
    *rubric = NULL;
    *out = NULL;
    kh_rubric *r = NULL;
    kh_status rc = kh_store_year_rubric(s, year, e, &r, NULL);
    if (rc != KH_OK)
        return rc;
    kh_assess *a = kh_assess_new(r);
    kh_arena *ar = kh_arena_new();
    if (!a || !ar) {
        kh_assess_free(a);
        kh_arena_free(ar);
        kh_rubric_free(r);
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    kh_assess_set_year(a, year);
    /* Messages about stored records name the database. */
    const char *old_file = kh_err_file(e);
    kh_err_set_file(e, s->path);
    rc = load_all(s, year, a, ar, e);
    kh_err_set_file(e, old_file);
    kh_arena_free(ar);
    if (rc != KH_OK) {
        kh_assess_free(a);
        kh_rubric_free(r);
        return rc;
    }
    *rubric = r;
    *out = a;
    return KH_OK;
}

/* ---- results ------------------------------------------------------- */

kh_status kh_store_compute_results(kh_store *s, int year,
                                   kh_result_format fmt, unsigned flags,
                                   kh_buf *out, kh_err *e)
{
    kh_rubric *r = NULL;
    kh_assess *a = NULL;
    kh_result *res = NULL;
    kh_status rc = kh_store_load_assess(s, year, e, &r, &a);
    if (rc != KH_OK)
        return rc;
    rc = kh_score(a, flags, e, &res);
    if (rc == KH_OK) {
        switch (fmt) {
        case KH_RESULT_JSON:
            rc = kh_report_json(res, out);
            break;
        case KH_RESULT_CSV:
            rc = kh_report_csv(res, out);
            break;
        case KH_RESULT_TABLE:
        default:
            rc = kh_report_table(res, out);
            break;
        }
        if (rc != KH_OK)
            rc = kh_err_fail(e, rc, "cannot write the results: %s",
                             kh_status_str(rc));
    }
    kh_result_free(res);
    kh_assess_free(a);
    kh_rubric_free(r);
    return rc;
}

static const char *format_name(kh_result_format fmt)
{
    return fmt == KH_RESULT_JSON ? "json" : fmt == KH_RESULT_CSV ? "csv"
                                                                 : "table";
}

kh_status kh_store_results(kh_store *s, int year, kh_result_format fmt,
                           unsigned flags, kh_buf *out, kh_err *e)
{
    kh_year_state state;
    kh_status rc = kh_store_year_state(s, year, &state, e);
    if (rc != KH_OK)
        return rc;
    if (state < KH_YEAR_PUBLISHED)
        return kh_store_compute_results(s, year, fmt, flags, out, e);
    kh_db_stmt *st;
    rc = kh_store_stmt(s,
                       "SELECT body, sha256 FROM snapshot WHERE year = ? AND"
                       " format = ?",
                       &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    kh_store_bind_str(st, 2, format_name(fmt));
    if (kh_db_step(st) != KH_DB_ROW) {
        kh_db_reset(st);
        return kh_err_fail(e, KH_EDB,
                           "year %d is published but its %s snapshot is "
                           "missing",
                           year, format_name(fmt));
    }
    const void *body = kh_db_column_blob(st, 0);
    size_t len = (size_t)kh_db_column_bytes(st, 0);
    char hash[KH_STORE_HEX_SZ];
    kh_store_sha256_hex(body ? body : "", len, hash);
    if (strcmp(hash, kh_store_col_str(st, 1)) != 0) {
        kh_db_reset(st);
        return kh_err_fail(e, KH_EDB,
                           "year %d: the frozen %s results do not match "
                           "their SHA-256 (altered)",
                           year, format_name(fmt));
    }
    kh_buf_add(out, body ? body : "", len);
    kh_db_reset(st);
    return KH_OK;
}

/* ---- export -------------------------------------------------------- */

typedef struct xrow {
    int item;
    kh_phase phase;
    char *inputs, *note;
} xrow;

static int xrow_cmp(const void *a, const void *b)
{
    const xrow *x = a, *y = b;
    if (x->item != y->item)
        return x->item < y->item ? -1 : 1;
    return (int)x->phase - (int)y->phase;
}

static kh_status export_entries(kh_store *s, int year, const kh_rubric *r,
                                kh_buf *out, kh_err *e)
{
    /* Units in order; each unit's entries sorted by rubric item order. */
    kh_db_stmt *us = NULL, *es;
    if (kh_db_prepare(s->db,
                           "SELECT id FROM unit WHERE year = ? ORDER BY pos", &us) != KH_DB_OK)
        return kh_store_db_fail(s, e, "exporting");
    kh_db_bind_int(us, 1, year);
    kh_status rc = kh_store_stmt(s,
                                 "SELECT item, phase, inputs, note FROM entry"
                                 " WHERE year = ? AND unit = ?",
                                 &es, e);
    xrow *rows = NULL;
    size_t alloc = 0;
    bool any = false;
    int step;
    while (rc == KH_OK && (step = kh_db_step(us)) == KH_DB_ROW) {
        const char *unit = kh_store_col_str(us, 0);
        kh_db_reset(es);
        kh_db_bind_int(es, 1, year);
        kh_store_bind_str(es, 2, unit);
        size_t n = 0;
        int st2;
        while ((st2 = kh_db_step(es)) == KH_DB_ROW) {
            if (KH_VEC_GROW(rows, alloc, n + 1, 64) != KH_OK) {
                rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
                break;
            }

            xrow *x = &rows[n++];
            x->item = kh_rubric_item_find(r, kh_store_col_str(es, 0));
            x->phase = KH_PHASE_INSPECTION;
            kh_phase_parse(kh_store_col_str(es, 1), &x->phase);
            x->inputs = strdup(kh_store_col_str(es, 2));
            const char *note = kh_store_col_str(es, 3);
            x->note = note ? strdup(note) : NULL;
            if (!x->inputs || (note && !x->note))
                rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
            if (x->item < 0)
                rc = kh_err_fail(e, KH_EDB, "stored entry with unknown item");
            if (rc != KH_OK)
                break;
        }
        if (rc == KH_OK && st2 != KH_DB_DONE)
            rc = kh_store_db_fail(s, e, "exporting entries");
        if (rc == KH_OK && n > 1)
            qsort(rows, n, sizeof *rows, xrow_cmp);
        for (size_t i = 0; i < n; i++) {
            if (rc == KH_OK) {
                if (!any)
                    kh_buf_puts(out, "entries:\n");
                any = true;
                kh_buf_puts(out, "  - {unit: ");
                kh_json_str(out, unit);
                kh_buf_puts(out, ", item: ");
                kh_json_str(out, kh_rubric_item_id(r, (size_t)rows[i].item));
                kh_buf_printf(out, ", phase: %s, inputs: %s",
                              kh_phase_name(rows[i].phase), rows[i].inputs);
                if (rows[i].note) {
                    kh_buf_puts(out, ", note: ");
                    kh_json_str(out, rows[i].note);
                }
                kh_buf_puts(out, "}\n");
            }
            free(rows[i].inputs);
            free(rows[i].note);
        }
    }
    if (rc == KH_OK && step != KH_DB_DONE)
        rc = kh_store_db_fail(s, e, "exporting units");
    kh_db_reset(es);
    kh_db_finalize(us);
    free(rows);
    if (rc == KH_OK && !any)
        kh_buf_puts(out, "entries: []\n");
    return rc;
}

static kh_status export_rosters(kh_store *s, int year, kh_buf *out,
                                kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s,
        "SELECT r.unit, r.roster, r.person, r.value FROM roster r"
        " JOIN unit u ON u.year = r.year AND u.id = r.unit"
        " WHERE r.year = ? ORDER BY u.pos, r.roster, r.pos",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    char *cu = NULL, *cr = NULL;
    int step;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        const char *u = kh_store_col_str(st, 0), *r = kh_store_col_str(st, 1);
        if (!cu) {
            kh_buf_puts(out, "rosters:\n");
        }
        if (!cu || strcmp(u, cu) != 0 || strcmp(r, cr) != 0) {
            free(cu);
            free(cr);
            cu = strdup(u);
            cr = strdup(r);
            if (!cu || !cr) {
                rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
                break;
            }
            kh_buf_puts(out, "  - unit: ");
            kh_json_str(out, u);
            kh_buf_puts(out, "\n    roster: ");
            kh_json_str(out, r);
            kh_buf_puts(out, "\n    people:\n");
        }
        char num[KH_NUM_BUFSZ];
        kh_num_format(kh_db_column_int64(st, 3), num);
        kh_buf_puts(out, "      - {name: ");
        kh_json_str(out, kh_store_col_str(st, 2));
        kh_buf_printf(out, ", value: %s}\n", num);
    }
    kh_db_reset(st);
    free(cu);
    free(cr);
    if (rc == KH_OK && step != KH_DB_DONE)
        rc = kh_store_db_fail(s, e, "exporting rosters");
    return rc;
}

static kh_status export_records(kh_store *s, int year, bool negative,
                                kh_buf *out, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s,
        negative ? "SELECT n.unit, n.points, n.reason FROM negative n"
                   " JOIN unit u ON u.year = n.year AND u.id = n.unit"
                   " WHERE n.year = ? ORDER BY u.pos, n.id"
                 : "SELECT n.unit, n.points, n.reason FROM bonus n"
                   " JOIN unit u ON u.year = n.year AND u.id = n.unit"
                   " WHERE n.year = ? ORDER BY u.pos, n.id",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    bool any = false;
    int step;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        if (!any)
            kh_buf_puts(out, negative ? "negative:\n" : "bonus:\n");
        any = true;
        char num[KH_NUM_BUFSZ];
        kh_num_format(kh_db_column_int64(st, 1), num);
        kh_buf_puts(out, "  - {unit: ");
        kh_json_str(out, kh_store_col_str(st, 0));
        kh_buf_printf(out, ", points: %s", num);
        const char *why = kh_store_col_str(st, 2);
        if (why) {
            kh_buf_puts(out, ", reason: ");
            kh_json_str(out, why);
        }
        kh_buf_puts(out, "}\n");
    }
    kh_db_reset(st);
    if (step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "exporting records");
    return KH_OK;
}

kh_status kh_store_export_assessment(kh_store *s, int year, kh_buf *out,
                                     kh_err *e)
{
    kh_rubric *r = NULL;
    char *ver = NULL;
    kh_status rc = kh_store_year_rubric(s, year, e, &r, &ver);
    if (rc != KH_OK)
        return rc;
    kh_year_state state;
    if ((rc = kh_store_year_state(s, year, &state, e)) != KH_OK)
        goto out;
    kh_buf_printf(out,
                  "# kaohe export: year %d (%s), rubric %s\n"
                  "year: %d\n",
                  year, kh_year_state_name(state), ver, year);
    kh_db_stmt *st;
    if ((rc = kh_store_stmt(s,
                            "SELECT id, name FROM branch WHERE year = ?"
                            " ORDER BY id",
                            &st, e)) != KH_OK)
        goto out;
    kh_db_bind_int(st, 1, year);
    int step, n = 0;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        if (n++ == 0)
            kh_buf_puts(out, "branches:\n");
        kh_buf_puts(out, "  - {id: ");
        kh_json_str(out, kh_store_col_str(st, 0));
        kh_buf_puts(out, ", name: ");
        kh_json_str(out, kh_store_col_str(st, 1));
        kh_buf_puts(out, "}\n");
    }
    kh_db_reset(st);
    if (step != KH_DB_DONE) {
        rc = kh_store_db_fail(s, e, "exporting branches");
        goto out;
    }
    if ((rc = kh_store_stmt(s,
                            "SELECT id, name, kind, branch FROM unit"
                            " WHERE year = ? ORDER BY pos",
                            &st, e)) != KH_OK)
        goto out;
    kh_db_bind_int(st, 1, year);
    n = 0;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        if (n++ == 0)
            kh_buf_puts(out, "units:\n");
        const char *id = kh_store_col_str(st, 0);
        const char *br = kh_store_col_str(st, 3);
        kh_buf_puts(out, "  - {id: ");
        kh_json_str(out, id);
        kh_buf_puts(out, ", name: ");
        kh_json_str(out, kh_store_col_str(st, 1));
        kh_buf_puts(out, ", kind: ");
        kh_json_str(out, kh_store_col_str(st, 2));
        if (strcmp(br, id) != 0) {
            kh_buf_puts(out, ", branch: ");
            kh_json_str(out, br);
        }
        kh_buf_puts(out, "}\n");
    }
    kh_db_reset(st);
    if (step != KH_DB_DONE) {
        rc = kh_store_db_fail(s, e, "exporting units");
        goto out;
    }
    if (n == 0)
        kh_buf_puts(out, "units: []\n");
    if ((rc = export_entries(s, year, r, out, e)) != KH_OK ||
        (rc = export_rosters(s, year, out, e)) != KH_OK ||
        (rc = export_records(s, year, false, out, e)) != KH_OK ||
        (rc = export_records(s, year, true, out, e)) != KH_OK)
        goto out;
    if (kh_buf_status(out) != KH_OK)
        rc = kh_err_fail(e, kh_buf_status(out), "cannot write the export");
out:
    free(ver);
    kh_rubric_free(r);
    return rc;
}
