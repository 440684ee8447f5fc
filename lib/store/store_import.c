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
#include "store_impl.h"
#include "kaohe/i18n.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/report.h"

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
                }
                kh_arena_reset(ar);
            }
            continue;
        }
        if ((rc = kh_doc_read(d, ar, &v)) != KH_OK)
            break;
        if ((kh_node_eq(k, "bonus") || kh_node_eq(k, "negative")) &&
            !insp_ok && v->type == KH_NODE_SEQ && v->n > 0)
            bad = kh_err_at(e, v->line, v->col, k->u.text,
                            "%s records cannot be written while year %d is "
                            "in state %s",
                            k->u.text, year, sname);
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
            if (rt->n == cap) {
                cap = cap ? cap * 2 : 4;
                const kh_term **nt = realloc(rt->t, cap * sizeof *nt);
                if (!nt) {
                    free(rt->t);
                    rt->t = NULL;
                    return kh_err_fail(e, KH_ENOMEM, "out of memory");
                }
                rt->t = nt;
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
    if ((rc = del_year(s, "DELETE FROM entry WHERE year = ?", year, e)) !=
            KH_OK ||
        (rc = del_year(s, "DELETE FROM roster WHERE year = ?", year, e)) !=
            KH_OK ||
        (rc = del_year(s, "DELETE FROM bonus WHERE year = ?", year, e)) !=
            KH_OK ||
        (rc = del_year(s, "DELETE FROM negative WHERE year = ?", year, e)) !=
            KH_OK ||
        (rc = del_year(s, "DELETE FROM unit WHERE year = ?", year, e)) !=
            KH_OK ||
        (rc = del_year(s, "DELETE FROM branch WHERE year = ?", year, e)) !=
            KH_OK)
        return rc;

    size_t nu = kh_assess_unit_count(a), nb = kh_assess_branch_count(a);
    size_t ni = kh_rubric_item_count(r);
    /* Branch names equal to the derived default are not stored. */
    size_t *members = calloc(nb ? nb : 1, sizeof *members);
    size_t *first = calloc(nb ? nb : 1, sizeof *first);
    if (!members || !first) {
        free(members);
        free(first);
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    for (size_t u = nu; u-- > 0;) {
        size_t b = kh_assess_unit_branch(a, u);
        members[b]++;
        first[b] = u;
    }
    kh_db_stmt *st;
    rc = kh_store_stmt(s, "INSERT INTO branch (year, id, name) VALUES (?, ?, ?)",
                       &st, e);
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
    if (rc != KH_OK)
        return rc;

    rc = kh_store_stmt(s,
                       "INSERT INTO unit (year, id, pos, name, kind, branch)"
                       " VALUES (?, ?, ?, ?, ?, ?)",
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
    if (rc != KH_OK)
        return rc;
    stats->units = nu;

    /* Entries: count first so progress can say how far along it is. */
    size_t total = 0, done = 0;
    for (size_t u = 0; u < nu; u++)
        for (size_t i = 0; i < ni; i++)
            for (int p = 0; p < 2; p++)
                total += kh_assess_entry(a, u, i, (kh_phase)p) != NULL;
    char now[KH_STORE_TIME_SZ];
    kh_store_now(s, now);
    rc = kh_store_stmt(s,
                       "INSERT INTO entry (year, unit, item, phase, inputs,"
                       " note, version, updated_at, updated_by)"
                       " VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
                       &st, e);
    kh_buf jb;
    kh_buf_init(&jb, 0);
    size_t step = total / 100 ? total / 100 : 1;
    kh_store_progress(s, "entries", 0, total);
    for (size_t u = 0; u < nu && rc == KH_OK; u++) {
        for (size_t i = 0; i < ni && rc == KH_OK; i++) {
            for (int p = 0; p < 2 && rc == KH_OK; p++) {
                const kh_entry *en = kh_assess_entry(a, u, i, (kh_phase)p);
                if (!en)
                    continue;
                kh_buf_reset(&jb);
                kh_store_inputs_json(r, i, en, &jb);
                if (kh_buf_status(&jb) != KH_OK) {
                    rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
                    break;
                }
                kh_db_reset(st);
                kh_db_bind_int(st, 1, year);
                kh_store_bind_str(st, 2, kh_assess_unit_id(a, u));
                kh_store_bind_str(st, 3, kh_rubric_item_id(r, i));
                kh_store_bind_str(st, 4, kh_phase_name((kh_phase)p));
                kh_db_bind_text(st, 5, kh_buf_str(&jb), (int)jb.len);
                kh_store_bind_str(st, 6, kh_entry_note(en));
                kh_store_bind_str(st, 7, now);
                kh_store_bind_str(st, 8, actor);
                rc = kh_store_exec(s, st, e, "storing an entry");
                if (++done % step == 0)
                    kh_store_progress(s, "entries", done, total);
            }
        }
    }
    kh_buf_free(&jb);
    if (rc != KH_OK)
        return rc;
    stats->entries = total;

    roster_terms rt;
    if ((rc = collect_rosters(r, &rt, e)) != KH_OK)
        return rc;
    for (size_t u = 0; u < nu && rc == KH_OK; u++) {
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
    for (size_t u = 0; u < nu && rc == KH_OK; u++) {
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
    if (rc != KH_OK)
        return rc;
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
    if ((rc = kh_store_audit(s, &ar, e)) != KH_OK)
        return rc;
    return kh_store_audit_import_units(s, actor, year, e);
}

/* ---- importing into a later state ---------------------------------- */

static bool str_eq(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Writes one entry when it differs from the stored one, with its audit
 * record; *changed tells whether it did. */
static kh_status merge_entry(kh_store *s, const char *actor, int year,
                             const char *unit, const char *item,
                             kh_phase phase, const char *json,
                             const char *note, const char *why,
                             bool *changed, kh_err *e)
{
    *changed = false;
    char ename[600];
    kh_store_entry_name(ename, sizeof ename, unit, item, phase);
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s,
                                 "SELECT id, inputs, note, version FROM entry"
                                 " WHERE year = ? AND unit = ? AND item = ?"
                                 " AND phase = ?",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    kh_store_bind_str(st, 2, unit);
    kh_store_bind_str(st, 3, item);
    kh_store_bind_str(st, 4, kh_phase_name(phase));
    int step = kh_db_step(st);
    int64_t id = 0, version = 0;
    char *old = NULL;
    if (step == KH_DB_ROW) {
        id = kh_db_column_int64(st, 0);
        version = kh_db_column_int64(st, 3);
        const char *oi = kh_store_col_str(st, 1), *on = kh_store_col_str(st, 2);
        if (strcmp(oi, json) == 0 && str_eq(on, note)) {
            kh_db_reset(st);
            return KH_OK;
        }
        kh_buf b;
        kh_buf_init(&b, 0);
        kh_buf_printf(&b, "{\"inputs\": %s, \"note\": ", oi);
        if (on)
            kh_json_str(&b, on);
        else
            kh_buf_puts(&b, "null");
        kh_buf_printf(&b, ", \"version\": %" PRId64 "}", version);
        old = kh_buf_take(&b, NULL);
        if (!old) {
            kh_db_reset(st);
            return kh_err_fail(e, KH_ENOMEM, "out of memory");
        }
    }
    kh_db_reset(st);
    if (step != KH_DB_ROW && step != KH_DB_DONE) {
        free(old);
        return kh_store_db_fail(s, e, "reading an entry");
    }
    char now[KH_STORE_TIME_SZ];
    kh_store_now(s, now);
    if (id) {
        rc = kh_store_stmt(s,
                           "UPDATE entry SET inputs = ?, note = ?, version = ?,"
                           " updated_at = ?, updated_by = ? WHERE id = ?",
                           &st, e);
        if (rc == KH_OK) {
            kh_store_bind_str(st, 1, json);
            kh_store_bind_str(st, 2, note);
            kh_db_bind_int64(st, 3, version + 1);
            kh_store_bind_str(st, 4, now);
            kh_store_bind_str(st, 5, actor);
            kh_db_bind_int64(st, 6, id);
        }
    } else {
        rc = kh_store_stmt(s,
                           "INSERT INTO entry (year, unit, item, phase, inputs,"
                           " note, version, updated_at, updated_by)"
                           " VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
                           &st, e);
        if (rc == KH_OK) {
            kh_db_bind_int(st, 1, year);
            kh_store_bind_str(st, 2, unit);
            kh_store_bind_str(st, 3, item);
            kh_store_bind_str(st, 4, kh_phase_name(phase));
            kh_store_bind_str(st, 5, json);
            kh_store_bind_str(st, 6, note);
            kh_store_bind_str(st, 7, now);
            kh_store_bind_str(st, 8, actor);
        }
    }
    if (rc == KH_OK)
        rc = kh_store_exec(s, st, e, "writing an entry");
    kh_buf nb;
    kh_buf_init(&nb, 0);
    kh_buf_printf(&nb, "{\"inputs\": %s, \"note\": ", json);
    if (note)
        kh_json_str(&nb, note);
    else
        kh_buf_puts(&nb, "null");
    kh_buf_printf(&nb, ", \"version\": %" PRId64 "}", version + 1);
    char *newv = kh_buf_take(&nb, NULL);
    if (rc == KH_OK && !newv)
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
    kh_audit_rec ar = {.actor = actor, .action = "entry.set", .year = year,
                       .unit = unit, .object = ename, .old_value = old,
                       .new_value = newv, .reason = why};
    if (rc == KH_OK)
        rc = kh_store_audit(s, &ar, e);
    free(old);
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

static kh_status merge(kh_store *s, const char *actor, int year,
                       kh_year_state state, const kh_rubric *r,
                       const kh_assess *a, const char *name,
                       kh_import_stats *stats, kh_err *e)
{
    bool self_ok = state == KH_YEAR_SELF_CHECK;
    bool insp_ok = state == KH_YEAR_INSPECTION || state == KH_YEAR_REVIEW;
    size_t nu = kh_assess_unit_count(a), ni = kh_rubric_item_count(r);
    kh_status bad = KH_OK, rc = KH_OK;
    const char *sname = kh_year_state_name(state);

    /* Everything the state does not allow, reported at once. */
    for (size_t u = 0; u < nu; u++) {
        const char *uid = kh_assess_unit_id(a, u);
        kh_store_unit su;
        char path[300];
        snprintf(path, sizeof path, "units[%zu]", u);
        rc = kh_store_unit_get(s, year, uid, &su, e);
        if (rc == KH_ENOTFOUND) {
            bad = kh_err_at(e, 0, 0, path,
                            "unit \"%s\" is not registered in year %d (units "
                            "change only in draft)",
                            uid, year);
            rc = KH_OK;
            continue;
        }
        if (rc != KH_OK)
            return rc;
        const char *kind = kh_rubric_kind_id(r, kh_assess_unit_kind(a, u));
        const char *br = kh_assess_branch_id(a, kh_assess_unit_branch(a, u));
        if (strcmp(su.name, kh_assess_unit_name(a, u)) != 0 ||
            strcmp(su.kind, kind) != 0 || strcmp(su.branch, br) != 0)
            bad = kh_err_at(e, 0, 0, path,
                            "unit \"%s\" differs from the one registered in "
                            "year %d (units change only in draft)",
                            uid, year);
        kh_store_unit_clear(&su);
        for (size_t i = 0; i < ni; i++) {
            for (int p = 0; p < 2; p++) {
                if (!kh_assess_entry(a, u, i, (kh_phase)p))
                    continue;
                bool ok = p == KH_PHASE_SELF ? self_ok : insp_ok;
                if (!ok)
                    bad = kh_err_at(e, 0, 0, "entries",
                                    "unit \"%s\" item \"%s\": %s entries "
                                    "cannot be written while year %d is in "
                                    "state %s",
                                    uid, kh_rubric_item_id(r, i),
                                    kh_phase_name((kh_phase)p), year, sname);
            }
        }
        if (!insp_ok && kh_assess_bonus_count(a, u))
            bad = kh_err_at(e, 0, 0, "bonus",
                            "unit \"%s\": bonus records cannot be written "
                            "while year %d is in state %s",
                            uid, year, sname);
        if (!insp_ok && kh_assess_negative_count(a, u))
            bad = kh_err_at(e, 0, 0, "negative",
                            "unit \"%s\": negative records cannot be written "
                            "while year %d is in state %s",
                            uid, year, sname);
    }
    if (bad != KH_OK)
        return bad;

    char why[600];
    snprintf(why, sizeof why, "import %s", name);
    kh_buf jb;
    kh_buf_init(&jb, 0);
    for (size_t u = 0; u < nu && rc == KH_OK; u++) {
        const char *uid = kh_assess_unit_id(a, u);
        for (size_t i = 0; i < ni && rc == KH_OK; i++) {
            for (int p = 0; p < 2 && rc == KH_OK; p++) {
                const kh_entry *en = kh_assess_entry(a, u, i, (kh_phase)p);
                if (!en)
                    continue;
                kh_buf_reset(&jb);
                kh_store_inputs_json(r, i, en, &jb);
                bool ch;
                rc = merge_entry(s, actor, year, uid, kh_rubric_item_id(r, i),
                                 (kh_phase)p, kh_buf_str(&jb),
                                 kh_entry_note(en), why, &ch, e);
                stats->entries++;
                stats->changed += ch;
            }
        }
    }
    kh_buf_free(&jb);
    if (rc != KH_OK)
        return rc;
    roster_terms rt;
    if ((rc = collect_rosters(r, &rt, e)) != KH_OK)
        return rc;
    for (size_t u = 0; u < nu && rc == KH_OK; u++) {
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
    for (size_t u = 0; u < nu && rc == KH_OK && insp_ok; u++) {
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
    stats->units = nu;
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
