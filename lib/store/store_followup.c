/*
 * store_followup.c - the follow-up of a published year's bottom units
 * (reminder talks, rectification items with deadlines and evidence) and
 * the good practices of units, with their listings.
 *
 * The bottom list comes from the frozen JSON snapshot (kh_store_results
 * of a published year) read through kh_doc, and the year's rubric for
 * each ranking's level, so it is exactly what was published.
 */
#include "store_followup_impl.h"
#include "kaohe/store_followup.h"
#include "kaohe/i18n.h"
#include "kaohe/doc.h"
#include "kaohe/report.h"
#include "kaohe/cnday.h"
#include "kaohe/vec.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

#define TEXT_SHORT_MAX KH_FU_TEXT_SHORT_MAX
#define TEXT_LONG_MAX KH_FU_TEXT_LONG_MAX

/* ---- checks -------------------------------------------------------- */

static bool is_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

kh_status kh_date_check(const char *s, const char *path, kh_err *e)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
        !is_digits(s, 4) || !is_digits(s + 5, 2) || !is_digits(s + 8, 2))
        return kh_err_at(e, 0, 0, path,
                         "\"%s\" is not a date: write it YYYY-MM-DD",
                         s ? s : "");
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int max = m >= 1 && m <= 12 ? mdays[m - 1] + (m == 2 && leap) : 0;
    if (y < KH_YEAR_MIN || m < 1 || m > 12 || d < 1 || d > max)
        return kh_err_at(e, 0, 0, path, "\"%s\" is not a real date", s);
    return KH_OK;
}

/* The China calendar day (UTC+8, as kh_store_today) of a UTC time stamp
 * "YYYY-MM-DDTHH:MM:SSZ"; "" when it is not one. */
void kh_fu_stamp_day(const char *at, char day[KH_STORE_DATE_SZ])
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    day[0] = '\0';
    if (!at || sscanf(at, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon,
                      &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                      &tm.tm_sec) != 6)
        return;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm) + KH_CNDAY_OFFSET;
    if (!gmtime_r(&t, &tm) ||
        strftime(day, KH_STORE_DATE_SZ, "%Y-%m-%d", &tm) == 0)
        day[0] = '\0';
}

/* A talk is recorded after it took place: not later than today. */
static kh_status check_past(kh_store *s, const char *date, const char *path,
                            kh_err *e)
{
    char today[KH_STORE_DATE_SZ];
    kh_store_today(s, today);
    if (strcmp(date, today) > 0)
        return kh_err_at(e, 0, 0, path,
                         "\"%s\" is in the future (today is %s)", date,
                         today);
    return KH_OK;
}

/* A free text: non-blank, valid UTF-8, no control characters other than
 * newlines and tabs, at most max bytes. */
kh_status kh_fu_text_check(const char *s, const char *path, size_t max,
                           kh_err *e)
{
    size_t n = s ? strlen(s) : 0;
    bool blank = true;
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            blank = false;
    if (blank)
        return kh_err_at(e, 0, 0, path, "must not be empty");
    if (n > max)
        return kh_err_at(e, 0, 0, path, "is longer than %zu bytes", max);
    /* Names and titles are one line; summaries and reports free text. */
    return kh_text_check(e, 0, 0, path, s,
                         max <= KH_FU_TEXT_SHORT_MAX ? KH_TEXT_NAME
                                                     : KH_TEXT_LINES,
                         SIZE_MAX);
}

/* ---- the bottom list ----------------------------------------------- */

typedef struct bottom {
    char *unit, *name, *ranking, *ranking_name, *branch, *branch_name;
                               /* owned */
    unsigned rank;
    kh_cp score;
} bottom;

typedef struct bottom_list {
    bottom *v;
    size_t n, a;
    unsigned bottom_n;         /* the rubric's number of bottom places */
} bottom_list;

static void bottom_free(bottom_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].unit);
        free(l->v[i].name);
        free(l->v[i].ranking);
        free(l->v[i].ranking_name);
        free(l->v[i].branch);
        free(l->v[i].branch_name);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

static const bottom *bottom_find(const bottom_list *l, const char *unit)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].unit, unit) == 0)
            return &l->v[i];
    return NULL;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* Adds a unit once (the first ranking that flags it wins). */
static kh_status bottom_push(bottom_list *l, const kh_bottom_row *b,
                             kh_err *e)
{
    if (bottom_find(l, b->unit))
        return KH_OK;
    if (KH_VEC_GROW(l->v, l->a, l->n + 1, 8) != KH_OK)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");

    bottom *d = &l->v[l->n];
    memset(d, 0, sizeof *d);
    d->unit = strdup(b->unit);
    d->name = dup_or_null(b->name ? b->name : b->unit);
    d->ranking = dup_or_null(b->ranking);
    d->ranking_name = dup_or_null(b->ranking_name);
    d->branch = dup_or_null(b->branch);
    d->branch_name = dup_or_null(b->branch_name);
    d->rank = b->rank;
    d->score = b->score;
    l->n++;
    if (!d->unit || !d->name || !d->ranking || !d->ranking_name ||
        (b->branch && !d->branch) || (b->branch_name && !d->branch_name))
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    return KH_OK;
}

/* The name of unit id in the snapshot's unit list, or NULL. */
static const char *snap_unit_name(const kh_node *units, const char *id)
{
    for (size_t i = 0; units && i < units->n; i++) {
        const kh_node *u = kh_node_at(units, i);
        if (kh_node_eq(kh_node_get(u, "id"), id)) {
            const kh_node *nm = kh_node_get(u, "name");
            return nm && nm->type == KH_NODE_SCALAR ? nm->u.text : NULL;
        }
    }
    return NULL;
}

/* The branch with this id in the snapshot, or NULL. */
static const kh_node *snap_branch(const kh_node *branches, const char *id)
{
    for (size_t i = 0; branches && i < branches->n; i++) {
        const kh_node *b = kh_node_at(branches, i);
        if (kh_node_eq(kh_node_get(b, "id"), id))
            return b;
    }
    return NULL;
}

static kh_status bad_snapshot(kh_err *e, int year, const char *what)
{
    return kh_err_fail(e, KH_EDB,
                       "year %d: the frozen results cannot be read (%s)",
                       year, what);
}

/* Collects the bottom units of one ranking (rubric index i). */
static kh_status bottom_ranking(const kh_rubric *r, size_t i,
                                const kh_node *root, int year,
                                bottom_list *out, kh_err *e)
{
    const char *rid = kh_rubric_ranking_id(r, i);
    const kh_node *rows = kh_node_get(kh_node_get(root, "rankings"), rid);
    const kh_node *units = kh_node_get(root, "units");
    const kh_node *branches = kh_node_get(root, "branches");
    if (!rows || rows->type != KH_NODE_SEQ)
        return bad_snapshot(e, year, "a ranking is missing");
    kh_status rc = KH_OK;
    for (size_t j = 0; j < rows->n && rc == KH_OK; j++) {
        const kh_node *row = kh_node_at(rows, j);
        const char *id = NULL;
        bool flagged = false;
        kh_cp score = 0;
        int64_t rank = 0;
        char path[128];
        snprintf(path, sizeof path, "rankings.%s[%zu]", rid, j);
        if (kh_node_str(kh_node_get(row, "id"), e, path, &id) != KH_OK ||
            kh_node_bool(kh_node_get(row, "bottom"), e, path, &flagged) !=
                KH_OK ||
            kh_node_cp(kh_node_get(row, "score"), e, path, &score) != KH_OK ||
            kh_node_int(kh_node_get(row, "rank"), e, path, &rank) != KH_OK)
            return bad_snapshot(e, year, path);
        if (!flagged)
            continue;
        kh_bottom_row b = {.ranking = rid,
                           .ranking_name = kh_rubric_ranking_name(r, i),
                           .rank = (unsigned)rank,
                           .score = score};
        if (kh_rubric_ranking_level(r, i) == KH_LEVEL_UNIT) {
            b.unit = id;
            b.name = snap_unit_name(units, id);
            rc = bottom_push(out, &b, e);
            continue;
        }
        const kh_node *br = snap_branch(branches, id);
        const kh_node *bu = kh_node_get(br, "units");
        if (!bu || bu->type != KH_NODE_SEQ)
            return bad_snapshot(e, year, "a flagged branch is missing");
        b.branch = id;
        const kh_node *bn = kh_node_get(br, "name");
        b.branch_name = bn && bn->type == KH_NODE_SCALAR ? bn->u.text : NULL;
        for (size_t k = 0; k < bu->n && rc == KH_OK; k++) {
            const kh_node *u = kh_node_at(bu, k);
            if (!u || u->type != KH_NODE_SCALAR)
                return bad_snapshot(e, year, "a branch's unit list");
            b.unit = u->u.text;
            b.name = snap_unit_name(units, u->u.text);
            rc = bottom_push(out, &b, e);
        }
    }
    return rc;
}

/* Reads the bottom units of a published or closed year. */
static kh_status bottom_load(kh_store *s, int year, const char *doing,
                             bottom_list *out, kh_err *e)
{
    memset(out, 0, sizeof *out);
    kh_status rc = kh_store_year_require(
        s, year,
        KH_YEAR_BIT(KH_YEAR_PUBLISHED) | KH_YEAR_BIT(KH_YEAR_CLOSED), doing,
        NULL, e);
    if (rc != KH_OK)
        return rc;
    kh_rubric *r = NULL;
    kh_buf snap;
    kh_buf_init(&snap, 0);
    kh_doc *d = NULL;
    kh_arena *a = NULL;
    kh_db_stmt *st;
    char *ref = NULL;
    /* Reading the snapshot names it on e; the caller's file comes back. */
    const char *old_file = kh_err_file(e);
    /* The year's rubric version, "ID@HASH". */
    if ((rc = kh_store_stmt(s,
                            "SELECT r.rubric_id, r.sha256 FROM year y JOIN"
                            " rubric r ON r.id = y.rubric WHERE y.year = ?",
                            &st, e)) != KH_OK)
        goto out;
    kh_db_bind_int(st, 1, year);
    if (kh_db_step(st) == KH_DB_ROW &&
        asprintf(&ref, "%s@%s", kh_store_col_str(st, 0),
                 kh_store_col_str(st, 1)) < 0)
        ref = NULL;
    kh_db_reset(st);
    if (!ref) {
        rc = kh_store_db_fail(s, e, "reading the year's rubric");
        goto out;
    }
    if ((rc = kh_store_rubric_load(s, ref, e, &r, NULL)) != KH_OK ||
        (rc = kh_store_results(s, year, KH_RESULT_JSON, 0, &snap, e)) !=
            KH_OK)
        goto out;
    if ((rc = kh_doc_open_mem("frozen results", kh_buf_str(&snap), snap.len,
                              'j', e, &d)) != KH_OK)
        goto out;
    a = kh_arena_new();
    if (!a) {
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
        goto out;
    }
    const kh_node *root = NULL;
    if ((rc = kh_doc_read(d, a, &root)) != KH_OK || !root ||
        root->type != KH_NODE_MAP) {
        rc = bad_snapshot(e, year, "not a JSON object");
        goto out;
    }
    out->bottom_n = kh_rubric_bottom_n(r);
    for (size_t i = 0; i < kh_rubric_ranking_count(r) && rc == KH_OK; i++)
        rc = bottom_ranking(r, i, root, year, out, e);
out:
    if (rc != KH_OK)
        bottom_free(out);
    kh_arena_free(a);
    kh_doc_free(d);
    kh_err_set_file(e, old_file);
    kh_buf_free(&snap);
    kh_rubric_free(r);
    free(ref);
    return rc;
}

kh_status kh_store_bottom_each(kh_store *s, int year, kh_bottom_fn fn,
                               void *ctx, kh_err *e)
{
    bottom_list l;
    kh_status rc = bottom_load(s, year, "listing the bottom units", &l, e);
    for (size_t i = 0; rc == KH_OK && i < l.n; i++) {
        kh_bottom_row row = {.unit = l.v[i].unit,
                             .name = l.v[i].name,
                             .ranking = l.v[i].ranking,
                             .ranking_name = l.v[i].ranking_name,
                             .branch = l.v[i].branch,
                             .branch_name = l.v[i].branch_name,
                             .rank = l.v[i].rank,
                             .score = l.v[i].score};
        rc = fn(ctx, &row);
    }
    bottom_free(&l);
    return rc;
}

/* Inside a transaction: the year must be published and unit one of its
 * bottom units. */
static kh_status require_bottom(kh_store *s, int year, const char *unit,
                                const char *doing, kh_err *e)
{
    kh_status rc = kh_store_year_require(
        s, year, KH_YEAR_BIT(KH_YEAR_PUBLISHED), doing, NULL, e);
    if (rc != KH_OK)
        return rc;
    bottom_list l;
    if ((rc = bottom_load(s, year, doing, &l, e)) != KH_OK)
        return rc;
    if (!bottom_find(&l, unit)) {
        /* Name the bottom units so the right id is at hand. */
        kh_buf ids;
        kh_buf_init(&ids, 0);
        for (size_t i = 0; i < l.n; i++)
            kh_buf_printf(&ids, "%s%s", i ? ", " : "", l.v[i].unit);
        rc = kh_err_at(e, 0, 0, "unit",
                       "unit \"%s\" is not one of the bottom units of year "
                       "%d (%s)",
                       unit, year, l.n ? kh_buf_str(&ids) : "none");
        kh_buf_free(&ids);
    }
    bottom_free(&l);
    return rc;
}

/* ---- writing ------------------------------------------------------- */

kh_status kh_store_followup_talk_add(kh_store *s, const char *actor,
                                     int year, const char *unit,
                                     const char *date, const char *by,
                                     const char *to, const char *summary,
                                     int64_t *id, kh_err *e)
{
    size_t before = kh_err_errors(e);
    if (kh_date_check(date, "date", e) == KH_OK)
        check_past(s, date, "date", e);
    kh_fu_text_check(by, "by", TEXT_SHORT_MAX, e);
    if (to)
        kh_fu_text_check(to, "to", TEXT_SHORT_MAX, e);
    kh_fu_text_check(summary, "summary", TEXT_LONG_MAX, e);
    bool bad = kh_err_errors(e) > before;
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    /* The unit is checked even after a bad value: every error is told. */
    if ((rc = require_bottom(s, year, unit, "recording a reminder talk",
                             e)) != KH_OK)
        goto fail;
    if (bad) {
        rc = KH_EINVAL;
        goto fail;
    }
    char *val = NULL;
    if (asprintf(&val, "%s %s%s%s: %s", date, by, to ? " -> " : "",
                 to ? to : "", summary) < 0) {
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
        goto fail;
    }
    const kh_store_val row[] = {
        KH_SV_INT(year), KH_SV_TEXT(unit), KH_SV_TEXT(date), KH_SV_TEXT(by),
        KH_SV_TEXT(summary), KH_SV_NOW, KH_SV_TEXT(actor), KH_SV_TEXT(to)};
    kh_audit_rec a = {.actor = actor, .action = "followup.talk",
                      .year = year, .unit = unit, .new_value = val};
    rc = kh_store_insert_audited(s,
                                 "INSERT INTO followup_talk (year, unit,"
                                 " talk_date, talked_by, summary, added_at,"
                                 " added_by, talked_to)"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                 row, KH_SV_COUNT(row), "recording a talk",
                                 "talk ", &a, id, e);
    free(val);
    if (rc != KH_OK || (rc = kh_store_commit(s, e)) != KH_OK)
        goto fail;
    return KH_OK;
fail:
    kh_store_rollback(s);
    return rc;
}

kh_status kh_store_followup_item_add(kh_store *s, const char *actor,
                                     int year, const char *unit,
                                     const char *text, const char *deadline,
                                     int64_t *id, kh_err *e)
{
    size_t before = kh_err_errors(e);
    kh_fu_text_check(text, "text", TEXT_LONG_MAX, e);
    kh_date_check(deadline, "deadline", e);
    bool bad = kh_err_errors(e) > before;
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    if ((rc = require_bottom(s, year, unit, "adding a rectification item",
                             e)) != KH_OK)
        goto fail;
    if (bad) {
        rc = KH_EINVAL;
        goto fail;
    }
    char *val = NULL;
    if (asprintf(&val, "open, deadline %s: %s", deadline, text) < 0) {
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
        goto fail;
    }
    const kh_store_val row[] = {KH_SV_INT(year), KH_SV_TEXT(unit),
                                KH_SV_TEXT(text), KH_SV_TEXT(deadline),
                                KH_SV_NOW, KH_SV_TEXT(actor)};
    kh_audit_rec a = {.actor = actor, .action = "followup.item",
                      .year = year, .unit = unit, .new_value = val};
    rc = kh_store_insert_audited(s,
                                 "INSERT INTO followup_item (year, unit,"
                                 " text, deadline, status, added_at,"
                                 " added_by)"
                                 " VALUES (?, ?, ?, ?, 'open', ?, ?)",
                                 row, KH_SV_COUNT(row),
                                 "adding a rectification item", "item ", &a,
                                 id, e);
    free(val);
    if (rc != KH_OK || (rc = kh_store_commit(s, e)) != KH_OK)
        goto fail;
    return KH_OK;
fail:
    kh_store_rollback(s);
    return rc;
}

/* A rectification item as closing it needs it; unit is owned. */
typedef struct close_item {
    int year;
    char *unit;
    bool done;
    char closed[16], added[KH_STORE_DATE_SZ];
} close_item;

static kh_status close_item_read(kh_store *s, int64_t id, close_item *it,
                                 kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s,
                                 "SELECT year, unit, status, closed_date,"
                                 " added_at FROM followup_item WHERE id = ?",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, id);
    int step = kh_db_step(st);
    if (step == KH_DB_ROW) {
        it->year = kh_db_column_int(st, 0);
        it->unit = strdup(kh_store_col_str(st, 1));
        it->done = strcmp(kh_store_col_str(st, 2), "done") == 0;
        const char *cd = kh_store_col_str(st, 3);
        snprintf(it->closed, sizeof it->closed, "%s", cd ? cd : "");
        kh_fu_stamp_day(kh_store_col_str(st, 4), it->added);
    }
    kh_db_reset(st);
    if (step != KH_DB_ROW)
        return step == KH_DB_DONE
                   ? kh_err_fail(e, KH_ENOTFOUND,
                                 "no rectification item %" PRId64, id)
                   : kh_store_db_fail(s, e, "reading a rectification item");
    if (!it->unit)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    return KH_OK;
}

/* The year is published, the item still open and recorded by date. */
static kh_status close_item_check(kh_store *s, int64_t id, const char *date,
                                  const close_item *it, kh_err *e)
{
    kh_status rc = kh_store_year_require(s, it->year,
                                         KH_YEAR_BIT(KH_YEAR_PUBLISHED),
                                         "closing a rectification item", NULL,
                                         e);
    if (rc != KH_OK)
        return rc;
    if (it->done)
        return kh_err_fail(e, KH_ESTATE,
                           "rectification item %" PRId64
                           " was closed already on %s",
                           id, it->closed);
    if (it->added[0] && strcmp(date, it->added) < 0)
        return kh_err_at(e, 0, 0, "date",
                         "\"%s\" is before rectification item %" PRId64
                         " was recorded (%s)",
                         date, id, it->added);
    return KH_OK;
}

/* The evidence named by its hash must be stored. */
static kh_status close_evidence_check(kh_store *s, const char *evidence,
                                      kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "SELECT 1 FROM evidence WHERE sha256 = ?",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, evidence);
    int step = kh_db_step(st);
    kh_db_reset(st);
    if (step == KH_DB_ROW)
        return KH_OK;
    return step == KH_DB_DONE
               ? kh_err_fail(e, KH_ENOTFOUND, "no evidence with hash \"%s\"",
                             evidence)
               : kh_store_db_fail(s, e, "reading evidence");
}

kh_status kh_fu_item_done(kh_store *s, const char *actor, int64_t item,
                          const char *date, const char *evidence,
                          const char *at, kh_err *e)
{
    const kh_store_val vals[] = {KH_SV_TEXT(date), KH_SV_TEXT(evidence),
                                 KH_SV_TEXT(at), KH_SV_TEXT(actor),
                                 KH_SV_INT64(item)};
    return kh_store_write(s,
                          "UPDATE followup_item SET status = 'done',"
                          " closed_date = ?, evidence = ?,"
                          " closed_at = ?, closed_by = ? WHERE id = ?",
                          vals, KH_SV_COUNT(vals),
                          "closing a rectification item", NULL, e);
}

/* Marks the item done and audits followup.close. */
static kh_status close_item_write(kh_store *s, const char *actor, int64_t id,
                                  const char *date, const char *evidence,
                                  const close_item *it, kh_err *e)
{
    char at[KH_STORE_TIME_SZ];
    kh_store_now(s, at);
    kh_status rc = kh_fu_item_done(s, actor, id, date, evidence, at, e);
    if (rc != KH_OK)
        return rc;
    char obj[48], *val = NULL;
    snprintf(obj, sizeof obj, "item %" PRId64, id);
    if (asprintf(&val, "done %s%s%s", date, evidence ? ", evidence " : "",
                 evidence ? evidence : "") < 0)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    kh_audit_rec a = {.actor = actor, .action = "followup.close",
                      .year = it->year, .unit = it->unit, .object = obj,
                      .old_value = "open", .new_value = val};
    rc = kh_store_audit(s, &a, e);
    free(val);
    return rc;
}

kh_status kh_store_followup_item_close(kh_store *s, const char *actor,
                                       int64_t id, const char *date,
                                       const char *evidence, kh_err *e)
{
    kh_status rc = kh_date_check(date, "date", e);
    if (rc != KH_OK)
        return rc;
    if ((rc = kh_store_begin(s, e)) != KH_OK)
        return rc;
    close_item it = {0};
    if ((rc = close_item_read(s, id, &it, e)) != KH_OK ||
        (rc = close_item_check(s, id, date, &it, e)) != KH_OK ||
        (evidence && (rc = close_evidence_check(s, evidence, e)) != KH_OK) ||
        (rc = close_item_write(s, actor, id, date, evidence, &it, e)) !=
            KH_OK) {
        kh_store_rollback(s);
    } else {
        rc = kh_store_commit(s, e);
    }
    free(it.unit);
    return rc;
}

kh_status kh_store_practice_add(kh_store *s, const char *actor, int year,
                                const char *unit, const char *title,
                                const char *text, int64_t *id, kh_err *e)
{
    size_t before = kh_err_errors(e);
    kh_fu_text_check(title, "title", TEXT_SHORT_MAX, e);
    kh_fu_text_check(text, "text", TEXT_LONG_MAX, e);
    bool bad = kh_err_errors(e) > before;
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    if ((rc = kh_store_year_require(s, year,
                                    KH_YEAR_BIT(KH_YEAR_INSPECTION) |
                                        KH_YEAR_BIT(KH_YEAR_REVIEW) |
                                        KH_YEAR_BIT(KH_YEAR_PUBLISHED),
                                    "recording a good practice", NULL, e)) !=
        KH_OK)
        goto fail;
    kh_db_stmt *st;
    if ((rc = kh_store_stmt(s, "SELECT 1 FROM unit WHERE year = ? AND id = ?",
                            &st, e)) != KH_OK)
        goto fail;
    kh_db_bind_int(st, 1, year);
    kh_store_bind_str(st, 2, unit);
    int step = kh_db_step(st);
    kh_db_reset(st);
    if (step != KH_DB_ROW) {
        rc = step == KH_DB_DONE
                 ? kh_err_at(e, 0, 0, "unit", "unknown unit \"%s\" in year %d",
                             unit, year)
                 : kh_store_db_fail(s, e, "reading units");
        goto fail;
    }
    if (bad) {
        rc = KH_EINVAL;
        goto fail;
    }
    char *val = NULL;
    if (asprintf(&val, "%s: %s", title, text) < 0) {
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
        goto fail;
    }
    const kh_store_val row[] = {KH_SV_INT(year), KH_SV_TEXT(unit),
                                KH_SV_TEXT(title), KH_SV_TEXT(text),
                                KH_SV_NOW, KH_SV_TEXT(actor)};
    kh_audit_rec a = {.actor = actor, .action = "practice.add", .year = year,
                      .unit = unit, .new_value = val};
    rc = kh_store_insert_audited(s,
                                 "INSERT INTO practice (year, unit, title,"
                                 " text, added_at, added_by)"
                                 " VALUES (?, ?, ?, ?, ?, ?)",
                                 row, KH_SV_COUNT(row),
                                 "recording a good practice", "practice ",
                                 &a, id, e);
    free(val);
    if (rc != KH_OK || (rc = kh_store_commit(s, e)) != KH_OK)
        goto fail;
    return KH_OK;
fail:
    kh_store_rollback(s);
    return rc;
}

/* ---- listings ------------------------------------------------------ */

/* "三" for 3: the number of bottom places as people write it. */
static const char *places_text(unsigned n, char buf[16])
{
    static const char *const zh[] = {"", "一", "二", "三", "四", "五",
                                     "六", "七", "八", "九", "十"};
    if (n >= 1 && n <= 10)
        return zh[n];
    snprintf(buf, 16, " %u ", n);
    return buf;
}

/* Appends a JSON string or null. */
static void json_str_or_null(kh_buf *out, const char *s)
{
    if (s)
        kh_json_str(out, s);
    else
        kh_buf_puts(out, "null");
}

/* Writes the talks of (year, unit). */
static kh_status put_talks(kh_store *s, int year, const char *unit,
                           kh_followup_format fmt, kh_buf *out, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s,
        "SELECT id, talk_date, talked_by, summary, talked_to"
        " FROM followup_talk"
        " WHERE year = ? AND unit = ? ORDER BY talk_date, id",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    kh_store_bind_str(st, 2, unit);
    int step;
    size_t n = 0;
    if (fmt == KH_FOLLOWUP_JSON)
        kh_buf_puts(out, "\"talks\": [");
    else
        kh_buf_puts(out, "  提醒谈话：");
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        int64_t id = kh_db_column_int64(st, 0);
        const char *date = kh_store_col_str(st, 1);
        const char *by = kh_store_col_str(st, 2);
        const char *summary = kh_store_col_str(st, 3);
        const char *to = kh_store_col_str(st, 4);
        if (fmt == KH_FOLLOWUP_JSON) {
            kh_buf_printf(out, "%s{\"id\": %" PRId64 ", \"date\": ",
                          n ? ", " : "", id);
            kh_json_str(out, date);
            kh_buf_puts(out, ", \"by\": ");
            kh_json_str(out, by);
            kh_buf_puts(out, ", \"to\": ");
            json_str_or_null(out, to);
            kh_buf_puts(out, ", \"summary\": ");
            kh_json_str(out, summary);
            kh_buf_putc(out, '}');
        } else {
            kh_buf_printf(out, "\n    %s  谈话人：%s", date, by);
            if (to)
                kh_buf_printf(out, kh_i18n_zh("; talked with: %s"), to);
            kh_buf_printf(out, "\n      %s", summary);
        }
        n++;
    }
    kh_db_reset(st);
    if (step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading talks");
    if (fmt == KH_FOLLOWUP_JSON)
        kh_buf_puts(out, "]");
    else
        kh_buf_puts(out, n ? "\n" : "尚未记录\n");
    return KH_OK;
}

/* Counts across the report. */
typedef struct item_totals {
    size_t items, done, overdue;
} item_totals;

/* Writes the rectification items of (year, unit). */
static kh_status put_items(kh_store *s, int year, const char *unit,
                           const char *day, kh_followup_format fmt,
                           kh_buf *out, item_totals *t, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s,
        "SELECT id, text, deadline, status, evidence, closed_date"
        " FROM followup_item WHERE year = ? AND unit = ?"
        /* Open items by deadline are red, yellow, green; grey last. */
        " ORDER BY CASE WHEN status = 'done' THEN 1 ELSE 0 END,"
        " deadline, id",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    kh_store_bind_str(st, 2, unit);
    int step;
    size_t n = 0;
    if (fmt == KH_FOLLOWUP_JSON)
        kh_buf_puts(out, "\"items\": [");
    else
        kh_buf_puts(out, "  整改意见：");
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        int64_t id = kh_db_column_int64(st, 0);
        const char *text = kh_store_col_str(st, 1);
        const char *deadline = kh_store_col_str(st, 2);
        bool done = strcmp(kh_store_col_str(st, 3), "done") == 0;
        const char *ev = kh_store_col_str(st, 4);
        const char *closed = kh_store_col_str(st, 5);
        bool overdue = !done && strcmp(deadline, day) < 0;
        kh_followup_colour col = kh_followup_colour_of(deadline, day, done);
        t->items++;
        t->done += done;
        t->overdue += overdue;
        if (fmt == KH_FOLLOWUP_JSON) {
            kh_buf_printf(out, "%s{\"id\": %" PRId64 ", \"text\": ",
                          n ? ", " : "", id);
            kh_json_str(out, text);
            kh_buf_puts(out, ", \"deadline\": ");
            kh_json_str(out, deadline);
            kh_buf_printf(out, ", \"status\": \"%s\", \"overdue\": %s",
                          done ? "done" : "open", overdue ? "true" : "false");
            kh_buf_puts(out, ", \"closed_date\": ");
            json_str_or_null(out, closed);
            kh_buf_puts(out, ", \"evidence\": ");
            json_str_or_null(out, ev);
            kh_buf_printf(out, ", \"colour\": \"%s\", \"days_left\": %ld"
                               ", \"reports\": ",
                          kh_followup_colour_name(col),
                          kh_date_days_between(day, deadline));
            if ((rc = kh_fu_reports_put(s, id, true, out, e)) != KH_OK) {
                kh_db_reset(st);
                return rc;
            }
            kh_buf_putc(out, '}');
        } else {
            kh_buf_printf(out, "\n    [%" PRId64 "] %s\n        期限 %s，", id,
                          text, deadline);
            if (done)
                kh_buf_printf(out, "已完成（%s）", closed ? closed : "");
            else
                kh_buf_puts(out, overdue ? "未完成，已逾期" : "未完成");
            if (ev)
                kh_buf_printf(out, "，证据 %.*s", KH_STORE_HASH_SHOW, ev);
            if (col != KH_FOLLOWUP_RED)   /* "已逾期" is said above */
                kh_buf_printf(out, kh_i18n_zh(" [%s]"),
                              kh_i18n_zh(kh_followup_colour_label(col)));
            if ((rc = kh_fu_reports_put(s, id, false, out, e)) != KH_OK) {
                kh_db_reset(st);
                return rc;
            }
        }
        n++;
    }
    kh_db_reset(st);
    if (step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading rectification items");
    if (fmt == KH_FOLLOWUP_JSON)
        kh_buf_puts(out, "]");
    else
        kh_buf_puts(out, n ? "\n" : "尚未提出\n");
    return KH_OK;
}

/* One unit of the report: b is its bottom entry, or NULL for a unit
 * with records that is no longer a bottom unit (then name given). */
static kh_status put_unit(kh_store *s, int year, const char *unit,
                          const char *name, const bottom *b,
                          unsigned bottom_n, const char *day,
                          kh_followup_format fmt, bool first, kh_buf *out,
                          item_totals *t, kh_err *e)
{
    if (fmt == KH_FOLLOWUP_JSON) {
        kh_buf_puts(out, first ? "\n    {\"unit\": " : ",\n    {\"unit\": ");
        kh_json_str(out, unit);
        kh_buf_puts(out, ", \"name\": ");
        kh_json_str(out, name);
        kh_buf_printf(out, ", \"bottom\": %s, \"ranking\": ",
                      b ? "true" : "false");
        json_str_or_null(out, b ? b->ranking : NULL);
        kh_buf_puts(out, ", \"branch\": ");
        json_str_or_null(out, b ? b->branch : NULL);
        kh_buf_puts(out, ", \"branch_name\": ");
        json_str_or_null(out, b ? b->branch_name : NULL);
        if (b) {
            kh_buf_printf(out, ", \"rank\": %u, \"score\": ", b->rank);
            kh_json_cp(out, b->score);
        } else {
            kh_buf_puts(out, ", \"rank\": null, \"score\": null");
        }
        kh_buf_puts(out, ",\n     ");
    } else if (b) {
        char num[KH_NUM_BUFSZ];
        kh_num_format2(b->score, num);
        kh_buf_printf(out, "\n%s（%s）：%s第 %u 名", name, unit,
                      b->ranking_name, b->rank);
        /* Ranked as part of a branch of several units: say which. */
        if (b->branch && strcmp(b->branch, unit) != 0)
            kh_buf_printf(out, "（%s）", b->branch_name ? b->branch_name
                                                        : b->branch);
        kh_buf_printf(out, "，得分 %s\n", num);
    } else {
        char places[16];
        kh_buf_printf(out, "\n%s（%s）：已不在后%s位名单中\n", name, unit,
                      places_text(bottom_n, places));
    }
    kh_status rc = put_talks(s, year, unit, fmt, out, e);
    if (rc != KH_OK)
        return rc;
    if (fmt == KH_FOLLOWUP_JSON)
        kh_buf_puts(out, ",\n     ");
    if ((rc = put_items(s, year, unit, day, fmt, out, t, e)) != KH_OK)
        return rc;
    if (fmt == KH_FOLLOWUP_JSON)
        kh_buf_putc(out, '}');
    return KH_OK;
}

/* Units of the year with follow-up records, in unit order; strings are
 * malloc'd pairs (id, name) in *v. */
static kh_status units_with_records(kh_store *s, int year, char ***v,
                                    size_t *n, kh_err *e)
{
    *v = NULL;
    *n = 0;
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s,
        "SELECT u.id, u.name FROM unit u WHERE u.year = ? AND ("
        " EXISTS (SELECT 1 FROM followup_talk t WHERE t.year = u.year"
        "  AND t.unit = u.id) OR"
        " EXISTS (SELECT 1 FROM followup_item i WHERE i.year = u.year"
        "  AND i.unit = u.id)) ORDER BY u.pos",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    int step;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        char **g = realloc(*v, (*n + 2) * sizeof **v);
        if (!g) {
            rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
            break;
        }
        *v = g;
        g[*n] = strdup(kh_store_col_str(st, 0));
        g[*n + 1] = strdup(kh_store_col_str(st, 1));
        *n += 2;
        if (!g[*n - 2] || !g[*n - 1]) {
            rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
            break;
        }
    }
    kh_db_reset(st);
    if (rc == KH_OK && step != KH_DB_DONE)
        rc = kh_store_db_fail(s, e, "reading follow-up records");
    return rc;
}

kh_status kh_store_followup_report(kh_store *s, int year,
                                   kh_followup_format fmt, kh_buf *out,
                                   kh_err *e)
{
    bottom_list l;
    kh_status rc = bottom_load(s, year, "listing the follow-up", &l, e);
    if (rc != KH_OK)
        return rc;
    char day[KH_STORE_DATE_SZ];
    kh_store_today(s, day);
    char **others = NULL;
    size_t nothers = 0;
    item_totals t = {0};
    char places[16];
    if ((rc = units_with_records(s, year, &others, &nothers, e)) != KH_OK)
        goto out;
    if (fmt == KH_FOLLOWUP_JSON)
        kh_buf_printf(out,
                      "{\"year\": %d, \"today\": \"%s\", \"bottom_n\": %u, "
                      "\"units\": [",
                      year, day, l.bottom_n);
    else
        kh_buf_printf(out, "%d 年度考核排名后%s位单位的提醒谈话与整改（截至 %s）\n",
                      year, places_text(l.bottom_n, places), day);
    bool first = true;
    for (size_t i = 0; i < l.n && rc == KH_OK; i++, first = false)
        rc = put_unit(s, year, l.v[i].unit, l.v[i].name, &l.v[i], l.bottom_n,
                      day, fmt, first, out, &t, e);
    for (size_t i = 0; i + 1 < nothers && rc == KH_OK; i += 2) {
        if (bottom_find(&l, others[i]))
            continue;
        rc = put_unit(s, year, others[i], others[i + 1], NULL, l.bottom_n,
                      day, fmt, first, out, &t, e);
        first = false;
    }
    if (rc != KH_OK)
        goto out;
    if (fmt == KH_FOLLOWUP_JSON)
        kh_buf_printf(out,
                      "%s],\n \"totals\": {\"bottom_units\": %zu, \"items\": "
                      "%zu, \"done\": %zu, \"overdue\": %zu}}\n",
                      first ? "" : "\n", l.n, t.items, t.done, t.overdue);
    else
        kh_buf_printf(out,
                      "\n合计：单位 %zu 个；整改意见 %zu 条，已完成 %zu "
                      "条，逾期 %zu 条\n",
                      l.n, t.items, t.done, t.overdue);
out:
    for (size_t i = 0; i < nothers; i++)
        free(others[i]);
    free(others);
    bottom_free(&l);
    return rc;
}

kh_status kh_store_followup_unit_json(kh_store *s, int year,
                                      const char *unit, kh_buf *out,
                                      kh_err *e)
{
    kh_status rc = kh_store_year_require(
        s, year, KH_YEAR_BIT(KH_YEAR_PUBLISHED) | KH_YEAR_BIT(KH_YEAR_CLOSED),
        "listing the follow-up", NULL, e);
    if (rc != KH_OK)
        return rc;
    char day[KH_STORE_DATE_SZ];
    kh_store_today(s, day);
    item_totals t = {0};
    kh_buf_puts(out, "{\"unit\": ");
    kh_json_str(out, unit);
    kh_buf_printf(out, ", \"today\": \"%s\", ", day);
    if ((rc = put_talks(s, year, unit, KH_FOLLOWUP_JSON, out, e)) != KH_OK)
        return rc;
    kh_buf_puts(out, ", ");
    if ((rc = put_items(s, year, unit, day, KH_FOLLOWUP_JSON, out, &t, e)) !=
        KH_OK)
        return rc;
    kh_buf_puts(out, "}\n");
    return kh_buf_status(out);
}

kh_status kh_store_practice_report(kh_store *s, int year,
                                   kh_followup_format fmt, kh_buf *out,
                                   kh_err *e)
{
    kh_year_state ys;
    kh_status rc = kh_store_year_state(s, year, &ys, e);
    if (rc != KH_OK)
        return rc;
    kh_db_stmt *st;
    if ((rc = kh_store_stmt(s,
                            "SELECT p.id, p.unit, u.name, p.title, p.text,"
                            " p.added_at, p.added_by FROM practice p"
                            " JOIN unit u ON u.year = p.year AND u.id = p.unit"
                            " WHERE p.year = ? ORDER BY u.pos, p.id",
                            &st, e)) != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    if (fmt == KH_FOLLOWUP_JSON)
        kh_buf_printf(out, "{\"year\": %d, \"practices\": [", year);
    else
        kh_buf_printf(out, "%d 年度有效做法和特色经验\n", year);
    int step;
    size_t n = 0;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        int64_t id = kh_db_column_int64(st, 0);
        const char *unit = kh_store_col_str(st, 1);
        const char *name = kh_store_col_str(st, 2);
        const char *title = kh_store_col_str(st, 3);
        const char *text = kh_store_col_str(st, 4);
        const char *at = kh_store_col_str(st, 5);
        const char *by = kh_store_col_str(st, 6);
        if (fmt == KH_FOLLOWUP_JSON) {
            kh_buf_printf(out, "%s\n  {\"id\": %" PRId64 ", \"unit\": ",
                          n ? "," : "", id);
            kh_json_str(out, unit);
            kh_buf_puts(out, ", \"name\": ");
            kh_json_str(out, name);
            kh_buf_puts(out, ", \"title\": ");
            kh_json_str(out, title);
            kh_buf_puts(out, ", \"text\": ");
            kh_json_str(out, text);
            kh_buf_puts(out, ", \"added_at\": ");
            kh_json_str(out, at);
            kh_buf_puts(out, ", \"added_by\": ");
            kh_json_str(out, by);
            kh_buf_putc(out, '}');
        } else {
            kh_buf_printf(out, "\n[%" PRId64 "] %s（%s）：%s\n    %s\n"
                               "    （%s 记录于 %s）\n",
                          id, name, unit, title, text, by, at);
        }
        n++;
    }
    kh_db_reset(st);
    if (step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading good practices");
    if (fmt == KH_FOLLOWUP_JSON)
        kh_buf_printf(out, "%s]}\n", n ? "\n" : "");
    else if (n == 0)
        kh_buf_puts(out, "\n尚未记录\n");
    return KH_OK;
}
