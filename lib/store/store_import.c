/*
 * store_import.c - importing a whole assessment file into its year, in
 * one transaction: every value passes the file loader's checks
 * (kh_assess_load_mem) before anything is written.
 *
 * In draft the file replaces the year's data and the import is recorded
 * as one audit record carrying the file's SHA-256.  In a later state only
 * what the state allows is accepted and each changed entry, roster and
 * record list gets its own audit record.
 */
#include "kaohe/store_schedule.h"
#include "store_impl.h"
#include "kaohe/i18n.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/report.h"
#include "kaohe/vec.h"

/* Reads the top-level `year` of an assessment file without loading it. */
static kh_status file_year(const char *name, const char *data, size_t len,
                           int *year, kh_err *e)
{
    kh_doc *d = NULL;
    kh_arena *ar = kh_arena_new();
    if (!ar)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    kh_status rc = kh_doc_open_mem(name, data, len, 0, e, &d);
    if (rc == KH_OK)
        rc = kh_doc_enter(d, KH_NODE_MAP, NULL, NULL);
    bool found = false;
    while (rc == KH_OK && kh_doc_more(d, &rc)) {
        const kh_node *k, *v;
        if ((rc = kh_doc_read(d, ar, &k)) != KH_OK ||
            (rc = kh_doc_read(d, ar, &v)) != KH_OK)
            break;
        if (kh_node_eq(k, "year")) {
            int64_t y;
            rc = kh_node_int(v, e, "year", &y);
            if (rc == KH_OK && (y < KH_YEAR_MIN || y > KH_YEAR_MAX))
                rc = kh_err_at(e, v->line, v->col, "year",
                               "year %" PRId64 " is out of range", y);
            if (rc == KH_OK)
                *year = (int)y;
            found = true;
            break;
        }
        kh_arena_reset(ar);
    }
    kh_doc_free(d);
    kh_arena_free(ar);
    if (rc == KH_OK && !found)
        rc = kh_err_at(e, 0, 0, "year",
                       "the file names no year: add `year:` or give --year");
    return rc;
}

/* The Chinese of message e's last line names the year's state (and the
 * entries' phase, the records' kind) in words, not by id. */
static void zh_ids(kh_err *e, const char *state, const char *phase,
                   const char *kind)
{
    size_t i = kh_err_count(e);
    kh_year_state st;
    if (i-- == 0)
        return;
    if (state && kh_year_state_parse(state, &st))
        kh_err_zh_sub(e, i, state, kh_year_state_label(st));
    if (phase)
        kh_err_zh_sub(e, i, phase,
                      kh_i18n_zh(strcmp(phase, "self") == 0
                                     ? N_("self-check")
                                     : N_("inspection")));
    if (kind)
        kh_err_zh_sub(e, i, kind,
                      kh_i18n_zh(strcmp(kind, "bonus") == 0 ? N_("bonus")
                                                            : N_("negative")));
}

/* In a state after draft: finds, with their places, the records of the
 * file that the state does not allow (entries of the wrong phase, bonus
 * or negative records).  Syntax errors are left to the loader. */
static kh_status scan_phases(const char *name, const char *data, size_t len,
                             int year, kh_year_state state, kh_err *e)
{
    bool self_ok = state == KH_YEAR_SELF_CHECK;
    bool insp_ok = state == KH_YEAR_INSPECTION || state == KH_YEAR_REVIEW;
    const char *sname = kh_year_state_name(state);
    kh_err *quiet = kh_err_new();
    kh_arena *ar = kh_arena_new();
    kh_doc *d = NULL;
    kh_status bad = KH_OK, rc;
    if (!quiet || !ar) {
        kh_err_free(quiet);
        kh_arena_free(ar);
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    rc = kh_doc_open_mem(name, data, len, 0, quiet, &d);
    if (rc == KH_OK)
        rc = kh_doc_enter(d, KH_NODE_MAP, NULL, NULL);
    while (rc == KH_OK && kh_doc_more(d, &rc)) {
        const kh_node *k, *v;
        if ((rc = kh_doc_read(d, ar, &k)) != KH_OK)
            break;
        if (kh_node_eq(k, "entries")) {
            if ((rc = kh_doc_enter(d, KH_NODE_SEQ, NULL, NULL)) != KH_OK)
                break;
            for (size_t i = 0; rc == KH_OK && kh_doc_more(d, &rc); i++) {
                if ((rc = kh_doc_read(d, ar, &v)) != KH_OK)
                    break;
                const kh_node *ph = v->type == KH_NODE_MAP
                                        ? kh_node_get(v, "phase")
                                        : NULL;
                const kh_node *un = v->type == KH_NODE_MAP
                                        ? kh_node_get(v, "unit")
                                        : NULL;
                const kh_node *it = v->type == KH_NODE_MAP
                                        ? kh_node_get(v, "item")
                                        : NULL;
                kh_phase p;
                if (ph && ph->type == KH_NODE_SCALAR &&
                    kh_phase_parse(ph->u.text, &p) &&
                    !(p == KH_PHASE_SELF ? self_ok : insp_ok)) {
                    char path[64];
                    snprintf(path, sizeof path, "entries[%zu].phase", i);
                    bad = kh_err_at(
                        e, ph->line, ph->col, path,
                        "unit \"%s\" item \"%s\": %s entries cannot be "
                        "written while year %d is in state %s",
                        un && un->type == KH_NODE_SCALAR ? un->u.text : "?",
                        it && it->type == KH_NODE_SCALAR ? it->u.text : "?",
                        ph->u.text, year, sname);
                    zh_ids(e, sname, ph->u.text, NULL);
                }
                kh_arena_reset(ar);
            }
            continue;
        }
        if ((rc = kh_doc_read(d, ar, &v)) != KH_OK)
            break;
        if ((kh_node_eq(k, "bonus") || kh_node_eq(k, "negative")) &&
            !insp_ok && v->type == KH_NODE_SEQ && v->n > 0) {
            bad = kh_err_at(e, v->line, v->col, k->u.text,
                            "%s records cannot be written while year %d is "
                            "in state %s",
                            k->u.text, year, sname);
            zh_ids(e, sname, NULL, k->u.text);
        }
        kh_arena_reset(ar);
    }
    kh_doc_free(d);
    kh_arena_free(ar);
    kh_err_free(quiet);
    return bad;
}

/* The terms of the rubric that read a roster, one per roster name. */
typedef struct roster_terms {
    const kh_term **t;
    size_t n;
} roster_terms;

static kh_status collect_rosters(const kh_rubric *r, roster_terms *rt,
                                 kh_err *e)
{
    rt->t = NULL;
    rt->n = 0;
    size_t cap = 0;
    for (size_t i = 0; i < kh_rubric_item_count(r); i++) {
        for (size_t k = 0; k < kh_rubric_item_slots(r, i); k++) {
            const kh_term *t = kh_rubric_item_slot(r, i, k);
            const char *name = kh_term_roster(t);
            if (!name)
                continue;
            bool dup = false;
            for (size_t j = 0; j < rt->n && !dup; j++)
                dup = strcmp(kh_term_roster(rt->t[j]), name) == 0;
            if (dup)
                continue;
            if (KH_VEC_GROW(rt->t, cap, rt->n + 1, 4) != KH_OK) {
                free(rt->t);
                rt->t = NULL;
                return kh_err_fail(e, KH_ENOMEM, "out of memory");
            }

            rt->t[rt->n++] = t;
        }
    }
    return KH_OK;
}

static kh_status del_year(kh_store *s, const char *sql, int year, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, sql, &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    return kh_store_exec(s, st, e, "replacing the year's data");
}

static int64_t count_year(kh_store *s, const char *sql, int year)
{
    kh_db_stmt *st;
    if (kh_store_stmt(s, sql, &st, NULL) != KH_OK)
        return 0;
    kh_db_bind_int(st, 1, year);
    int64_t n = kh_db_step(st) == KH_DB_ROW ? kh_db_column_int64(st, 0)
                                               : 0;
    kh_db_reset(st);
    return n;
}

static kh_status insert_roster(kh_store *s, int year, const char *unit,
                               const char *roster, size_t n,
                               const char *const *names, const kh_cp *values,
                               kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s,
                                 "INSERT INTO roster (year, unit, roster, pos,"
                                 " person, value) VALUES (?, ?, ?, ?, ?, ?)",
                                 &st, e);
    for (size_t k = 0; k < n && rc == KH_OK; k++) {
        kh_db_reset(st);
        kh_db_bind_int(st, 1, year);
        kh_store_bind_str(st, 2, unit);
        kh_store_bind_str(st, 3, roster);
        kh_db_bind_int64(st, 4, (int64_t)k);
        kh_store_bind_str(st, 5, names[k]);
        kh_db_bind_int64(st, 6, values[k]);
        rc = kh_store_exec(s, st, e, "storing a roster");
    }
    return rc;
}

static kh_status insert_record(kh_store *s, int year, const char *unit,
                               bool negative, kh_cp points,
                               const char *reason, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s,
        negative ? "INSERT INTO negative (year, unit, points, reason)"
                   " VALUES (?, ?, ?, ?)"
                 : "INSERT INTO bonus (year, unit, points, reason)"
                   " VALUES (?, ?, ?, ?)",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    kh_store_bind_str(st, 2, unit);
    kh_db_bind_int64(st, 3, points);
    kh_store_bind_str(st, 4, reason);
    return kh_store_exec(s, st, e, "storing a record");
}

/* Removes everything the year's assessment file describes. */
static kh_status clear_year(kh_store *s, int year, kh_err *e)
{
    static const char *const sql[] = {
        "DELETE FROM entry WHERE year = ?",
        "DELETE FROM roster WHERE year = ?",
        "DELETE FROM bonus WHERE year = ?",
        "DELETE FROM negative WHERE year = ?",
        "DELETE FROM unit WHERE year = ?",
        "DELETE FROM branch WHERE year = ?",
    };
    kh_status rc = KH_OK;
    for (size_t i = 0; i < sizeof sql / sizeof *sql && rc == KH_OK; i++)
        rc = del_year(s, sql[i], year, e);
    return rc;
}

/* Stores the branch names; those equal to the derived default (the only
 * unit's name, or the branch id) are not stored. */
static kh_status put_branches(kh_store *s, int year, const kh_assess *a,
                              kh_import_stats *stats, kh_err *e)
{
    size_t nu = kh_assess_unit_count(a), nb = kh_assess_branch_count(a);
    size_t *members = calloc(nb ? nb : 1, sizeof *members);
    size_t *first = calloc(nb ? nb : 1, sizeof *first);
    kh_status rc = members && first
                       ? KH_OK
                       : kh_err_fail(e, KH_ENOMEM, "out of memory");
    for (size_t u = nu; rc == KH_OK && u-- > 0;) {
        size_t b = kh_assess_unit_branch(a, u);
        members[b]++;
        first[b] = u;
    }
    kh_db_stmt *st;
    if (rc == KH_OK)
        rc = kh_store_stmt(
            s, "INSERT INTO branch (year, id, name) VALUES (?, ?, ?)", &st, e);
    for (size_t b = 0; b < nb && rc == KH_OK; b++) {
        const char *bid = kh_assess_branch_id(a, b);
        const char *bname = kh_assess_branch_name(a, b);
        const char *dflt = members[b] == 1 ? kh_assess_unit_name(a, first[b])
                                           : bid;
        if (!bname || strcmp(bname, dflt) == 0)
            continue;
        kh_db_reset(st);
        kh_db_bind_int(st, 1, year);
        kh_store_bind_str(st, 2, bid);
        kh_store_bind_str(st, 3, bname);
        rc = kh_store_exec(s, st, e, "storing a branch");
        stats->branches++;
    }
    free(members);
    free(first);
    return rc;
}

/* Stores the units in file order. */
static kh_status put_units(kh_store *s, int year, const kh_rubric *r,
                           const kh_assess *a, kh_import_stats *stats,
                           kh_err *e)
{
    size_t nu = kh_assess_unit_count(a);
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s,
                                 "INSERT INTO unit (year, id, pos, name, kind,"
                                 " branch) VALUES (?, ?, ?, ?, ?, ?)",
                                 &st, e);
    for (size_t u = 0; u < nu && rc == KH_OK; u++) {
        kh_db_reset(st);
        kh_db_bind_int(st, 1, year);
        kh_store_bind_str(st, 2, kh_assess_unit_id(a, u));
        kh_db_bind_int64(st, 3, (int64_t)u);
        kh_store_bind_str(st, 4, kh_assess_unit_name(a, u));
        kh_store_bind_str(st, 5,
                          kh_rubric_kind_id(r, kh_assess_unit_kind(a, u)));
        kh_store_bind_str(st, 6,
                          kh_assess_branch_id(a, kh_assess_unit_branch(a, u)));
        rc = kh_store_exec(s, st, e, "storing a unit");
    }
    if (rc == KH_OK)
        stats->units = nu;
    return rc;
}

/* The state put_entries shares with put_entry. */
typedef struct entry_ins {
    kh_store *s;
    kh_db_stmt *st; /* the prepared INSERT */
    const kh_rubric *r;
    const kh_assess *a;
    const char *actor;
    int year;
    char now[KH_STORE_TIME_SZ];
    kh_buf jb; /* scratch for the inputs JSON */
} entry_ins;

/* Stores entry en of unit u, item i, phase p at version 1. */
static kh_status put_entry(entry_ins *x, const kh_entry *en, size_t u,
                           size_t i, kh_phase p, kh_err *e)
{
    kh_buf_reset(&x->jb);
    kh_store_inputs_json(x->r, i, en, &x->jb);
    if (kh_buf_status(&x->jb) != KH_OK)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    kh_db_stmt *st = x->st;
    kh_db_reset(st);
    kh_db_bind_int(st, 1, x->year);
    kh_store_bind_str(st, 2, kh_assess_unit_id(x->a, u));
    kh_store_bind_str(st, 3, kh_rubric_item_id(x->r, i));
    kh_store_bind_str(st, 4, kh_phase_name(p));
    kh_db_bind_text(st, 5, kh_buf_str(&x->jb), (int)x->jb.len);
    kh_store_bind_str(st, 6, kh_entry_note(en));
    kh_store_bind_str(st, 7, x->now);
    kh_store_bind_str(st, 8, x->actor);
    return kh_store_exec(x->s, st, e, "storing an entry");
}

/* How many entries a holds (for progress). */
static size_t count_entries(const kh_rubric *r, const kh_assess *a)
{
    size_t total = 0, nu = kh_assess_unit_count(a);
    for (size_t u = 0; u < nu; u++)
        for (size_t i = 0; i < kh_rubric_item_count(r); i++)
            for (int p = 0; p < 2; p++)
                total += kh_assess_entry(a, u, i, (kh_phase)p) != NULL;
    return total;
}

/* Stores every entry, reporting progress about every 1%. */
static kh_status put_entries(kh_store *s, const char *actor, int year,
                             const kh_rubric *r, const kh_assess *a,
                             kh_import_stats *stats, kh_err *e)
{
    size_t total = count_entries(r, a), done = 0;
    size_t nu = kh_assess_unit_count(a), ni = kh_rubric_item_count(r);
    entry_ins x = {.s = s, .r = r, .a = a, .actor = actor, .year = year};
    kh_store_now(s, x.now);
    kh_status rc = kh_store_stmt(s,
                                 "INSERT INTO entry (year, unit, item, phase,"
                                 " inputs, note, version, updated_at,"
                                 " updated_by)"
                                 " VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
                                 &x.st, e);
    kh_buf_init(&x.jb, 0);
    size_t step = total / 100 ? total / 100 : 1;
    kh_store_progress(s, "entries", 0, total);
    for (size_t k = 0; k < nu * ni * 2 && rc == KH_OK; k++) {
        size_t u = k / (ni * 2), i = k / 2 % ni;
        kh_phase p = (kh_phase)(k % 2);
        const kh_entry *en = kh_assess_entry(a, u, i, p);
        if (!en)
            continue;
        rc = put_entry(&x, en, u, i, p, e);
        if (++done % step == 0)
            kh_store_progress(s, "entries", done, total);
    }
    kh_buf_free(&x.jb);
    if (rc == KH_OK)
        stats->entries = total;
    return rc;
}

/* Stores each unit's rosters, for the roster terms of r. */
static kh_status put_rosters(kh_store *s, int year, const kh_rubric *r,
                             const kh_assess *a, kh_import_stats *stats,
                             kh_err *e)
{
    roster_terms rt;
    kh_status rc = collect_rosters(r, &rt, e);
    if (rc != KH_OK)
        return rc;
    for (size_t u = 0; u < kh_assess_unit_count(a) && rc == KH_OK; u++) {
        for (size_t k = 0; k < rt.n && rc == KH_OK; k++) {
            size_t below;
            if (!kh_assess_roster_count(a, u, rt.t[k], &below))
                continue;
            const char *const *names;
            const kh_cp *values;
            const char *rname = kh_term_roster(rt.t[k]);
            size_t n = kh_assess_roster_people(a, u, rname, &names, &values);
            rc = insert_roster(s, year, kh_assess_unit_id(a, u), rname, n,
                               names, values, e);
            stats->rosters++;
            stats->people += n;
        }
    }
    free(rt.t);
    return rc;
}

/* Stores each unit's bonus and negative records. */
static kh_status put_records(kh_store *s, int year, const kh_assess *a,
                             kh_import_stats *stats, kh_err *e)
{
    kh_status rc = KH_OK;
    for (size_t u = 0; u < kh_assess_unit_count(a) && rc == KH_OK; u++) {
        const char *uid = kh_assess_unit_id(a, u);
        for (size_t k = 0; k < kh_assess_bonus_count(a, u) && rc == KH_OK;
             k++, stats->bonus++)
            rc = insert_record(s, year, uid, false,
                               kh_assess_bonus_points(a, u, k),
                               kh_assess_bonus_reason(a, u, k), e);
        for (size_t k = 0; k < kh_assess_negative_count(a, u) && rc == KH_OK;
             k++, stats->negative++)
            rc = insert_record(s, year, uid, true,
                               kh_assess_negative_points(a, u, k),
                               kh_assess_negative_reason(a, u, k), e);
    }
    return rc;
}

/* Audits assessment.import (old counts, the file's hash and counts) and
 * the units it brought. */
static kh_status audit_replace(kh_store *s, const char *actor, int year,
                               const char *name, const char *hash,
                               const char *oldv, kh_import_stats *stats,
                               kh_err *e)
{
    stats->changed = stats->units + stats->entries + stats->rosters +
                     stats->bonus + stats->negative;
    char newv[300];
    snprintf(newv, sizeof newv,
             "sha256:%s units=%zu entries=%zu rosters=%zu bonus=%zu "
             "negative=%zu",
             hash, stats->units, stats->entries, stats->rosters, stats->bonus,
             stats->negative);
    kh_audit_rec ar = {.actor = actor, .action = "assessment.import",
                       .year = year, .object = name, .old_value = oldv,
                       .new_value = newv};
    kh_status rc = kh_store_audit(s, &ar, e);
    if (rc != KH_OK)
        return rc;
    return kh_store_audit_import_units(s, actor, year, e);
}

/* Replaces everything of the year with the file's data (state draft). */
static kh_status replace_all(kh_store *s, const char *actor, int year,
                             const kh_rubric *r, const kh_assess *a,
                             const char *name, const char *hash,
                             kh_import_stats *stats, kh_err *e)
{
    char oldv[160];
    snprintf(oldv, sizeof oldv, "units=%" PRId64 " entries=%" PRId64,
             count_year(s, "SELECT count(*) FROM unit WHERE year = ?", year),
             count_year(s, "SELECT count(*) FROM entry WHERE year = ?", year));
    kh_status rc;
    if ((rc = clear_year(s, year, e)) != KH_OK ||
        (rc = put_branches(s, year, a, stats, e)) != KH_OK ||
        (rc = put_units(s, year, r, a, stats, e)) != KH_OK ||
        (rc = put_entries(s, actor, year, r, a, stats, e)) != KH_OK ||
        (rc = put_rosters(s, year, r, a, stats, e)) != KH_OK ||
        (rc = put_records(s, year, a, stats, e)) != KH_OK)
        return rc;
    return audit_replace(s, actor, year, name, hash, oldv, stats, e);
}

/* ---- importing into a later state ---------------------------------- */

static bool str_eq(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* One entry of the file, to merge into the store. */
typedef struct mentry {
    const char *unit, *item;
    kh_phase phase;
    const char *json, *note; /* inputs JSON and note (may be NULL) */
} mentry;

/* What the store holds for it: id 0 when nothing; old (owned) is the
 * audit state when it differs; same when nothing changes. */
typedef struct mstored {
    int64_t id, version;
    char *old;
    bool same;
} mstored;

static kh_status read_stored(kh_store *s, int year, const mentry *m,
                             mstored *o, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s,
                                 "SELECT id, inputs, note, version FROM entry"
                                 " WHERE year = ? AND unit = ? AND item = ?"
                                 " AND phase = ?",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    kh_store_bind_str(st, 2, m->unit);
    kh_store_bind_str(st, 3, m->item);
    kh_store_bind_str(st, 4, kh_phase_name(m->phase));
    int step = kh_db_step(st);
    if (step == KH_DB_ROW) {
        o->id = kh_db_column_int64(st, 0);
        o->version = kh_db_column_int64(st, 3);
        const char *oi = kh_store_col_str(st, 1), *on = kh_store_col_str(st, 2);
        o->same = strcmp(oi, m->json) == 0 && str_eq(on, m->note);
        if (!o->same)
            o->old = kh_store_entry_state_json(oi, on, o->version);
        if (!o->same && !o->old)
            rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    kh_db_reset(st);
    if (step != KH_DB_ROW && step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading an entry");
    return rc;
}

/* Updates the stored entry o (version + 1) or inserts m at version 1. */
static kh_status write_merged(kh_store *s, const char *actor, int year,
                              const mentry *m, const mstored *o, kh_err *e)
{
    char now[KH_STORE_TIME_SZ];
    kh_store_now(s, now);
    kh_db_stmt *st;
    kh_status rc;
    if (o->id) {
        rc = kh_store_stmt(s,
                           "UPDATE entry SET inputs = ?, note = ?, version = ?,"
                           " updated_at = ?, updated_by = ? WHERE id = ?",
                           &st, e);
        if (rc != KH_OK)
            return rc;
        kh_store_bind_str(st, 1, m->json);
        kh_store_bind_str(st, 2, m->note);
        kh_db_bind_int64(st, 3, o->version + 1);
        kh_store_bind_str(st, 4, now);
        kh_store_bind_str(st, 5, actor);
        kh_db_bind_int64(st, 6, o->id);
    } else {
        rc = kh_store_stmt(s,
                           "INSERT INTO entry (year, unit, item, phase, inputs,"
                           " note, version, updated_at, updated_by)"
                           " VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
                           &st, e);
        if (rc != KH_OK)
            return rc;
        kh_db_bind_int(st, 1, year);
        kh_store_bind_str(st, 2, m->unit);
        kh_store_bind_str(st, 3, m->item);
        kh_store_bind_str(st, 4, kh_phase_name(m->phase));
        kh_store_bind_str(st, 5, m->json);
        kh_store_bind_str(st, 6, m->note);
        kh_store_bind_str(st, 7, now);
        kh_store_bind_str(st, 8, actor);
    }
    return kh_store_exec(s, st, e, "writing an entry");
}

/* Writes entry m when it differs from what is stored, audited with why;
 * *changed says whether it did. */
static kh_status merge_entry(kh_store *s, const char *actor, int year,
                             const mentry *m, const char *why, bool *changed,
                             kh_err *e)
{
    *changed = false;
    mstored o = {0};
    kh_status rc = read_stored(s, year, m, &o, e);
    if (rc != KH_OK || o.same) {
        free(o.old);
        return rc;
    }
    char ename[600];
    kh_store_entry_name(ename, sizeof ename, m->unit, m->item, m->phase);
    bool locked = false;
    if (m->phase == KH_PHASE_SELF &&
        (rc = kh_store_selfcheck_locked(s, year, m->unit, &locked, e)) ==
            KH_OK &&
        locked)
        rc = kh_err_fail(e, KH_ECONFLICT,
                         "entry %s: the self-check of unit \"%s\" is "
                         "submitted: it must be returned first",
                         ename, m->unit);
    if (rc != KH_OK) {
        free(o.old);
        return rc;
    }
    rc = write_merged(s, actor, year, m, &o, e);
    char *newv = kh_store_entry_state_json(m->json, m->note, o.version + 1);
    if (rc == KH_OK && !newv)
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
    kh_audit_rec ar = {.actor = actor, .action = "entry.set", .year = year,
                       .unit = m->unit, .object = ename, .old_value = o.old,
                       .new_value = newv, .reason = why};
    if (rc == KH_OK)
        rc = kh_store_audit(s, &ar, e);
    free(o.old);
    free(newv);
    *changed = rc == KH_OK;
    return rc;
}

/* A roster's or record list's content as text, for comparing and the
 * audit log: one "name=value" / "points reason" per line. */
static char *stored_list(kh_store *s, const char *sql, int year,
                         const char *unit, const char *roster, kh_err *e)
{
    kh_db_stmt *st;
    if (kh_store_stmt(s, sql, &st, e) != KH_OK)
        return NULL;
    kh_db_bind_int(st, 1, year);
    kh_store_bind_str(st, 2, unit);
    if (roster)
        kh_store_bind_str(st, 3, roster);
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_buf_puts(&b, "");
    while (kh_db_step(st) == KH_DB_ROW) {
        char num[KH_NUM_BUFSZ];
        kh_num_format(kh_db_column_int64(st, 1), num);
        const char *t = kh_store_col_str(st, 0);
        kh_buf_printf(&b, "%s\t%s\n", num, t ? t : "");
    }
    kh_db_reset(st);
    char *out = kh_buf_take(&b, NULL);
    if (!out)
        out = strdup("");
    return out;
}

static kh_status merge_roster(kh_store *s, const char *actor, int year,
                              const char *unit, const char *roster, size_t n,
                              const char *const *names, const kh_cp *values,
                              const char *why, bool *changed, kh_err *e)
{
    *changed = false;
    char *old = stored_list(s,
                            "SELECT person, value FROM roster WHERE year = ?"
                            " AND unit = ? AND roster = ? ORDER BY pos",
                            year, unit, roster, e);
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_buf_puts(&b, "");
    for (size_t k = 0; k < n; k++) {
        char num[KH_NUM_BUFSZ];
        kh_num_format(values[k], num);
        kh_buf_printf(&b, "%s\t%s\n", num, names[k]);
    }
    char *newv = kh_buf_take(&b, NULL);
    if (!newv)
        newv = strdup("");
    kh_status rc = KH_OK;
    if (!old || !newv) {
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
    } else if (strcmp(old, newv) != 0) {
        kh_db_stmt *st;
        rc = kh_store_stmt(s,
                           "DELETE FROM roster WHERE year = ? AND unit = ?"
                           " AND roster = ?",
                           &st, e);
        if (rc == KH_OK) {
            kh_db_bind_int(st, 1, year);
            kh_store_bind_str(st, 2, unit);
            kh_store_bind_str(st, 3, roster);
            rc = kh_store_exec(s, st, e, "replacing a roster");
        }
        if (rc == KH_OK)
            rc = insert_roster(s, year, unit, roster, n, names, values, e);
        char obj[300];
        snprintf(obj, sizeof obj, "%s/%s", unit, roster);
        kh_audit_rec ar = {.actor = actor, .action = "roster.set",
                           .year = year, .unit = unit, .object = obj,
                           .old_value = *old ? old : NULL, .new_value = newv,
                           .reason = why};
        if (rc == KH_OK)
            rc = kh_store_audit(s, &ar, e);
        *changed = rc == KH_OK;
    }
    free(old);
    free(newv);
    return rc;
}

static kh_status merge_records(kh_store *s, const char *actor, int year,
                               const kh_assess *a, size_t u, bool negative,
                               const char *why, bool *changed, kh_err *e)
{
    *changed = false;
    const char *unit = kh_assess_unit_id(a, u);
    size_t n = negative ? kh_assess_negative_count(a, u)
                        : kh_assess_bonus_count(a, u);
    char *old = stored_list(
        s,
        negative ? "SELECT reason, points FROM negative WHERE year = ? AND"
                   " unit = ? ORDER BY id"
                 : "SELECT reason, points FROM bonus WHERE year = ? AND"
                   " unit = ? ORDER BY id",
        year, unit, NULL, e);
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_buf_puts(&b, "");
    for (size_t k = 0; k < n; k++) {
        char num[KH_NUM_BUFSZ];
        kh_num_format(negative ? kh_assess_negative_points(a, u, k)
                               : kh_assess_bonus_points(a, u, k),
                      num);
        const char *reason = negative ? kh_assess_negative_reason(a, u, k)
                                      : kh_assess_bonus_reason(a, u, k);
        kh_buf_printf(&b, "%s\t%s\n", num, reason ? reason : "");
    }
    char *newv = kh_buf_take(&b, NULL);
    if (!newv)
        newv = strdup("");
    kh_status rc = KH_OK;
    if (!old || !newv) {
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
    } else if (strcmp(old, newv) != 0) {
        kh_db_stmt *st;
        rc = kh_store_stmt(s,
                           negative ? "DELETE FROM negative WHERE year = ? AND"
                                      " unit = ?"
                                    : "DELETE FROM bonus WHERE year = ? AND"
                                      " unit = ?",
                           &st, e);
        if (rc == KH_OK) {
            kh_db_bind_int(st, 1, year);
            kh_store_bind_str(st, 2, unit);
            rc = kh_store_exec(s, st, e, "replacing records");
        }
        for (size_t k = 0; k < n && rc == KH_OK; k++)
            rc = insert_record(
                s, year, unit, negative,
                negative ? kh_assess_negative_points(a, u, k)
                         : kh_assess_bonus_points(a, u, k),
                negative ? kh_assess_negative_reason(a, u, k)
                         : kh_assess_bonus_reason(a, u, k),
                e);
        kh_audit_rec ar = {.actor = actor,
                           .action = negative ? "negative.replace"
                                              : "bonus.replace",
                           .year = year, .unit = unit,
                           .object = negative ? "negative" : "bonus",
                           .old_value = *old ? old : NULL, .new_value = newv,
                           .reason = why};
        if (rc == KH_OK)
            rc = kh_store_audit(s, &ar, e);
        *changed = rc == KH_OK;
    }
    free(old);
    free(newv);
    return rc;
}

/* Which phases and records the year's state lets an import write. */
typedef struct merge_allow {
    bool self, insp;
    const char *state; /* its name, for messages */
} merge_allow;

/* Unit u of the file must be registered as it is stored; mismatches go
 * on e and *bad, KH_ENOTFOUND when it is not registered at all. */
static kh_status check_unit_same(kh_store *s, int year, const kh_rubric *r,
                                 const kh_assess *a, size_t u,
                                 const char *path, kh_status *bad, kh_err *e)
{
    const char *uid = kh_assess_unit_id(a, u);
    kh_store_unit su;
    kh_status rc = kh_store_unit_get(s, year, uid, &su, e);
    if (rc == KH_ENOTFOUND) {
        *bad = kh_err_at(e, 0, 0, path,
                         "unit \"%s\" is not registered in year %d (units "
                         "change only in draft)",
                         uid, year);
        return KH_ENOTFOUND;
    }
    if (rc != KH_OK)
        return rc;
    const char *kind = kh_rubric_kind_id(r, kh_assess_unit_kind(a, u));
    const char *br = kh_assess_branch_id(a, kh_assess_unit_branch(a, u));
    if (strcmp(su.name, kh_assess_unit_name(a, u)) != 0 ||
        strcmp(su.kind, kind) != 0 || strcmp(su.branch, br) != 0)
        *bad = kh_err_at(e, 0, 0, path,
                         "unit \"%s\" differs from the one registered in "
                         "year %d (units change only in draft)",
                         uid, year);
    kh_store_unit_clear(&su);
    return KH_OK;
}

/* Unit u's entries and records must be ones the state allows. */
static kh_status check_unit_phases(int year, const kh_rubric *r,
                                   const kh_assess *a, size_t u,
                                   const merge_allow *ok, kh_err *e)
{
    kh_status bad = KH_OK;
    const char *uid = kh_assess_unit_id(a, u);
    for (size_t i = 0; i < kh_rubric_item_count(r); i++)
        for (int p = 0; p < 2; p++)
            if (kh_assess_entry(a, u, i, (kh_phase)p) &&
                !(p == KH_PHASE_SELF ? ok->self : ok->insp) &&
                (bad = kh_err_at(e, 0, 0, "entries",
                                "unit \"%s\" item \"%s\": %s entries "
                                "cannot be written while year %d is in "
                                "state %s",
                                uid, kh_rubric_item_id(r, i),
                                kh_phase_name((kh_phase)p), year,
                                ok->state)) != KH_OK)
                zh_ids(e, ok->state, kh_phase_name((kh_phase)p), NULL);
    if (!ok->insp && kh_assess_bonus_count(a, u)) {
        bad = kh_err_at(e, 0, 0, "bonus",
                        "unit \"%s\": bonus records cannot be written "
                        "while year %d is in state %s",
                        uid, year, ok->state);
        zh_ids(e, ok->state, NULL, NULL);
    }
    if (!ok->insp && kh_assess_negative_count(a, u)) {
        bad = kh_err_at(e, 0, 0, "negative",
                        "unit \"%s\": negative records cannot be written "
                        "while year %d is in state %s",
                        uid, year, ok->state);
        zh_ids(e, ok->state, NULL, NULL);
    }
    return bad;
}

/* Everything the state does not allow, reported at once. */
static kh_status merge_check(kh_store *s, int year, const kh_rubric *r,
                             const kh_assess *a, const merge_allow *ok,
                             kh_err *e)
{
    kh_status bad = KH_OK;
    for (size_t u = 0; u < kh_assess_unit_count(a); u++) {
        char path[300];
        snprintf(path, sizeof path, "units[%zu]", u);
        kh_status rc = check_unit_same(s, year, r, a, u, path, &bad, e);
        if (rc == KH_ENOTFOUND)
            continue;
        if (rc != KH_OK)
            return rc;
        if ((rc = check_unit_phases(year, r, a, u, ok, e)) != KH_OK)
            bad = rc;
    }
    return bad;
}

/* Merges every entry of the file, audited as the import `why`. */
static kh_status merge_entries(kh_store *s, const char *actor, int year,
                               const kh_rubric *r, const kh_assess *a,
                               const char *why, kh_import_stats *stats,
                               kh_err *e)
{
    size_t nu = kh_assess_unit_count(a), ni = kh_rubric_item_count(r);
    kh_status rc = KH_OK;
    kh_buf jb;
    kh_buf_init(&jb, 0);
    for (size_t k = 0; k < nu * ni * 2 && rc == KH_OK; k++) {
        size_t u = k / (ni * 2), i = k / 2 % ni;
        kh_phase p = (kh_phase)(k % 2);
        const kh_entry *en = kh_assess_entry(a, u, i, p);
        if (!en)
            continue;
        kh_buf_reset(&jb);
        kh_store_inputs_json(r, i, en, &jb);
        mentry m = {kh_assess_unit_id(a, u), kh_rubric_item_id(r, i), p,
                    kh_buf_str(&jb), kh_entry_note(en)};
        bool ch;
        rc = merge_entry(s, actor, year, &m, why, &ch, e);
        stats->entries++;
        stats->changed += ch;
    }
    kh_buf_free(&jb);
    return rc;
}

/* Merges each unit's rosters, for the roster terms of r. */
static kh_status merge_rosters(kh_store *s, const char *actor, int year,
                               const kh_rubric *r, const kh_assess *a,
                               const char *why, kh_import_stats *stats,
                               kh_err *e)
{
    roster_terms rt;
    kh_status rc = collect_rosters(r, &rt, e);
    if (rc != KH_OK)
        return rc;
    for (size_t u = 0; u < kh_assess_unit_count(a) && rc == KH_OK; u++) {
        for (size_t k = 0; k < rt.n && rc == KH_OK; k++) {
            size_t below;
            if (!kh_assess_roster_count(a, u, rt.t[k], &below))
                continue;
            const char *const *names;
            const kh_cp *values;
            const char *rname = kh_term_roster(rt.t[k]);
            size_t n = kh_assess_roster_people(a, u, rname, &names, &values);
            bool ch;
            rc = merge_roster(s, actor, year, kh_assess_unit_id(a, u), rname,
                              n, names, values, why, &ch, e);
            stats->rosters++;
            stats->people += n;
            stats->changed += ch;
        }
    }
    free(rt.t);
    return rc;
}

/* Merges each unit's bonus and negative lists (a list in the file
 * replaces the stored one). */
static kh_status merge_all_records(kh_store *s, const char *actor, int year,
                                   const kh_assess *a, const char *why,
                                   kh_import_stats *stats, kh_err *e)
{
    kh_status rc = KH_OK;
    for (size_t u = 0; u < kh_assess_unit_count(a) && rc == KH_OK; u++) {
        bool ch;
        if (kh_assess_bonus_count(a, u)) {
            rc = merge_records(s, actor, year, a, u, false, why, &ch, e);
            stats->bonus += kh_assess_bonus_count(a, u);
            stats->changed += ch;
        }
        if (rc == KH_OK && kh_assess_negative_count(a, u)) {
            rc = merge_records(s, actor, year, a, u, true, why, &ch, e);
            stats->negative += kh_assess_negative_count(a, u);
            stats->changed += ch;
        }
    }
    return rc;
}

static kh_status merge(kh_store *s, const char *actor, int year,
                       kh_year_state state, const kh_rubric *r,
                       const kh_assess *a, const char *name,
                       kh_import_stats *stats, kh_err *e)
{
    merge_allow ok = {state == KH_YEAR_SELF_CHECK,
                      state == KH_YEAR_INSPECTION || state == KH_YEAR_REVIEW,
                      kh_year_state_name(state)};
    kh_status rc = merge_check(s, year, r, a, &ok, e);
    if (rc != KH_OK)
        return rc;
    char why[600];
    snprintf(why, sizeof why, "import %s", name);
    if ((rc = merge_entries(s, actor, year, r, a, why, stats, e)) != KH_OK)
        return rc;
    rc = merge_rosters(s, actor, year, r, a, why, stats, e);
    if (rc == KH_OK && ok.insp)
        rc = merge_all_records(s, actor, year, a, why, stats, e);
    stats->units = kh_assess_unit_count(a);
    return rc;
}

kh_status kh_store_import_assessment(kh_store *s, const char *actor,
                                     int year, const char *name,
                                     const char *data, size_t len, kh_err *e,
                                     kh_import_stats *stats)
{
    kh_import_stats dummy;
    if (!stats)
        stats = &dummy;
    memset(stats, 0, sizeof *stats);
    kh_err_set_file(e, name);
    int fy = year;
    kh_status rc = KH_OK;
    if (!fy && (rc = file_year(name, data, len, &fy, e)) != KH_OK)
        return rc;
    kh_rubric *r = NULL;
    kh_assess *a = NULL;
    if ((rc = kh_store_begin(s, e)) != KH_OK)
        return rc;
    kh_year_state state;
    rc = kh_store_year_require(s, fy,
                               KH_YEAR_BIT(KH_YEAR_DRAFT) |
                                   KH_YEAR_BIT(KH_YEAR_SELF_CHECK) |
                                   KH_YEAR_BIT(KH_YEAR_INSPECTION) |
                                   KH_YEAR_BIT(KH_YEAR_REVIEW),
                               N_("importing an assessment"), &state, e);
    if (rc != KH_OK || (rc = kh_store_year_rubric(s, fy, e, &r, NULL)) != KH_OK)
        goto fail;
    kh_err_set_file(e, name);
    kh_status scan = state == KH_YEAR_DRAFT
                         ? KH_OK
                         : scan_phases(name, data, len, fy, state, e);
    if (scan == KH_ENOMEM) {
        rc = scan;
        goto fail;
    }
    kh_err_set_file(e, name);
    rc = kh_assess_load_mem(r, name, data, len, e, &a);
    if (rc == KH_OK)
        rc = scan;
    if (rc != KH_OK)
        goto fail;
    kh_err_set_file(e, name);
    if (kh_assess_year(a) != 0 && kh_assess_year(a) != fy) {
        rc = kh_err_at(e, 0, 0, "year", "the file is for year %d, not %d",
                       kh_assess_year(a), fy);
        goto fail;
    }
    if (state == KH_YEAR_DRAFT) {
        char hash[KH_STORE_HEX_SZ];
        kh_store_sha256_hex(data ? data : "", len, hash);
        rc = replace_all(s, actor, fy, r, a, name, hash, stats, e);
    } else {
        rc = merge(s, actor, fy, state, r, a, name, stats, e);
        if (rc == KH_OK) {
            /* Checks across stored and new data (a roster now supplying an
             * input an entry gives, ...). */
            kh_rubric *r2 = NULL;
            kh_assess *a2 = NULL;
            rc = kh_store_load_assess(s, fy, e, &r2, &a2);
            kh_assess_free(a2);
            kh_rubric_free(r2);
        }
    }
    if (rc != KH_OK)
        goto fail;
    rc = kh_store_commit(s, e);
    kh_assess_free(a);
    kh_rubric_free(r);
    return rc;
fail:
    kh_store_rollback(s);
    kh_assess_free(a);
    kh_rubric_free(r);
    return rc;
}
