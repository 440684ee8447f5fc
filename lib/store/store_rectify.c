/*
 * store_rectify.c - the rectification loop with the unit in it (issue 12
 * section 3): a bottom unit's rectification reports (整改报告) on its
 * items, the admin's decision on each (accept = 销号, which closes the
 * item; return with a reason), every report kept; the deadline colours
 * of the items; one unit's follow-up as JSON for its own pages.
 */
#include "store_followup_impl.h"
#include "kaohe/assess.h"
#include "kaohe/i18n.h"
#include "kaohe/report.h"
#include "kaohe/store_followup.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- deadline colours ---------------------------------------------- */

/* Seconds of midnight UTC of a YYYY-MM-DD day (0 when unreadable). */
static time_t day_secs(const char *d)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!d || sscanf(d, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon,
                     &tm.tm_mday) != 3)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return timegm(&tm);
}

long kh_date_days_between(const char *a, const char *b)
{
    return (long)((day_secs(b) - day_secs(a)) / 86400);
}

kh_followup_colour kh_followup_colour_of(const char *deadline,
                                         const char *today, bool done)
{
    if (done)
        return KH_FOLLOWUP_GREY;
    long left = kh_date_days_between(today, deadline);
    if (left < 0)
        return KH_FOLLOWUP_RED;     /* the deadline day itself is not late */
    return left > KH_FOLLOWUP_GREEN_DAYS ? KH_FOLLOWUP_GREEN
                                         : KH_FOLLOWUP_YELLOW;
}

const char *kh_followup_colour_name(kh_followup_colour c)
{
    static const char *const names[] = {"red", "yellow", "green", "grey"};
    return c <= KH_FOLLOWUP_GREY ? names[c] : "grey";
}

const char *kh_followup_colour_label(kh_followup_colour c)
{
    static const char *const labels[] = {N_("overdue"), N_("due soon"),
                                         N_("on schedule"), N_("closed")};
    return c <= KH_FOLLOWUP_GREY ? labels[c] : labels[KH_FOLLOWUP_GREY];
}

/* ---- listing an item's reports ------------------------------------- */

static void json_opt(kh_buf *out, const char *key, const char *v)
{
    kh_buf_printf(out, ", \"%s\": ", key);
    if (v)
        kh_json_str(out, v);
    else
        kh_buf_puts(out, "null");
}

/* The label of a report's status for people (msgid). */
static const char *status_label(const char *status)
{
    if (strcmp(status, "accepted") == 0)
        return N_("accepted (item closed)");
    if (strcmp(status, "returned") == 0)
        return N_("returned");
    return N_("waiting for a decision");
}

static void report_row(kh_db_stmt *st, bool json, size_t n, kh_buf *out)
{
    int64_t id = kh_db_column_int64(st, 0);
    const char *status = kh_store_col_str(st, 3);
    char day[KH_STORE_DATE_SZ];
    kh_fu_stamp_day(kh_store_col_str(st, 5), day);
    if (!json) {
        kh_buf_printf(out, kh_i18n_zh("\n        report #%lld (%s, %s): %s"),
                      (long long)id, day, kh_store_col_str(st, 6),
                      kh_i18n_zh(status_label(status)));
        if (kh_store_col_str(st, 4))
            kh_buf_printf(out, kh_i18n_zh("; reason: %s"),
                          kh_store_col_str(st, 4));
        return;
    }
    kh_buf_printf(out, "%s{\"id\": %" PRId64, n ? ", " : "", id);
    json_opt(out, "text", kh_store_col_str(st, 1));
    json_opt(out, "evidence", kh_store_col_str(st, 2));
    json_opt(out, "evidence_name", kh_store_col_str(st, 9));
    json_opt(out, "status", status);
    json_opt(out, "reason", kh_store_col_str(st, 4));
    json_opt(out, "added_at", kh_store_col_str(st, 5));
    json_opt(out, "added_day", day);
    json_opt(out, "added_by", kh_store_col_str(st, 6));
    json_opt(out, "decided_at", kh_store_col_str(st, 7));
    json_opt(out, "decided_by", kh_store_col_str(st, 8));
    kh_buf_putc(out, '}');
}

kh_status kh_fu_reports_put(kh_store *s, int64_t item, bool json,
                            kh_buf *out, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s,
        "SELECT r.id, r.text, r.evidence, r.status, r.reason, r.added_at,"
        " r.added_by, r.decided_at, r.decided_by, ev.name"
        " FROM followup_report r LEFT JOIN evidence ev"
        " ON ev.sha256 = r.evidence WHERE r.item = ? ORDER BY r.id",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, item);
    if (json)
        kh_buf_putc(out, '[');
    int step;
    size_t n = 0;
    while ((step = kh_db_step(st)) == KH_DB_ROW)
        report_row(st, json, n++, out);
    kh_db_reset(st);
    if (step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading rectification reports");
    if (json)
        kh_buf_putc(out, ']');
    return KH_OK;
}

/* ---- submitting a report ------------------------------------------- */

/* An item as a report on it needs it. */
typedef struct rep_item {
    int year;
    char unit[KH_UNIT_ID_MAX + 1];
    bool done;
    bool waiting;               /* a report waits for a decision */
} rep_item;

/* Reads item id; KH_ENOTFOUND (located at `item`) unless it is an item
 * of (year, unit) -- unit NULL: any unit, year 0: any year. */
static kh_status rep_item_read(kh_store *s, int64_t id, int year,
                               const char *unit, rep_item *it, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s,
        "SELECT i.year, i.unit, i.status, (SELECT count(*) FROM"
        " followup_report r WHERE r.item = i.id AND r.status ="
        " 'submitted') FROM followup_item i WHERE i.id = ?",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, id);
    int step = kh_db_step(st);
    bool mine = false;
    if (step == KH_DB_ROW) {
        it->year = kh_db_column_int(st, 0);
        snprintf(it->unit, sizeof it->unit, "%s", kh_store_col_str(st, 1));
        it->done = strcmp(kh_store_col_str(st, 2), "done") == 0;
        it->waiting = kh_db_column_int64(st, 3) > 0;
        mine = (!year || it->year == year) &&
               (!unit || strcmp(it->unit, unit) == 0);
    }
    kh_db_reset(st);
    if (step != KH_DB_ROW && step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading a rectification item");
    if (!mine) {
        kh_err_at(e, 0, 0, "followup_item", "no rectification item %" PRId64
                  " of this unit", id);
        return KH_ENOTFOUND;
    }
    return KH_OK;
}

/* Stored evidence named by its full hash. */
static kh_status evidence_known(kh_store *s, const char *hash, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "SELECT 1 FROM evidence WHERE sha256 = ?",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, hash);
    int step = kh_db_step(st);
    kh_db_reset(st);
    if (step == KH_DB_ROW)
        return KH_OK;
    if (step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading evidence");
    return kh_err_at(e, 0, 0, "evidence", "no evidence with hash \"%s\"",
                     hash);
}

/* The item may take a report: open, none waiting, year published. */
static kh_status rep_add_check(kh_store *s, int64_t item,
                               const rep_item *it, kh_err *e)
{
    kh_status rc = kh_store_year_require(
        s, it->year, KH_YEAR_BIT(KH_YEAR_PUBLISHED),
        "submitting a rectification report", NULL, e);
    if (rc != KH_OK)
        return rc;
    if (it->done)
        return kh_err_fail(e, KH_ESTATE, "rectification item %" PRId64
                           " is closed already", item);
    if (it->waiting)
        return kh_err_fail(e, KH_ESTATE, "rectification item %" PRId64
                           " has a report waiting for a decision", item);
    return KH_OK;
}

static kh_status rep_insert(kh_store *s, const char *actor, int64_t item,
                            const rep_item *it, const char *text,
                            const char *evidence, int64_t *id, kh_err *e)
{
    char *val = NULL;
    if (asprintf(&val, "item %" PRId64 ", submitted%s%s: %s", item,
                 evidence ? ", evidence " : "", evidence ? evidence : "",
                 text) < 0)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    const kh_store_val row[] = {KH_SV_INT64(item), KH_SV_TEXT(text),
                                KH_SV_TEXT(evidence), KH_SV_NOW,
                                KH_SV_TEXT(actor)};
    kh_audit_rec a = {.actor = actor, .action = "followup.report",
                      .year = it->year, .unit = it->unit, .new_value = val};
    kh_status rc = kh_store_insert_audited(
        s,
        "INSERT INTO followup_report (item, text, evidence, status,"
        " added_at, added_by) VALUES (?, ?, ?, 'submitted', ?, ?)",
        row, KH_SV_COUNT(row), "submitting a rectification report",
        "report ", &a, id, e);
    free(val);
    return rc;
}

kh_status kh_store_followup_report_add(kh_store *s, const char *actor,
                                       int year, const char *unit,
                                       int64_t item, const char *text,
                                       const char *evidence, int64_t *id,
                                       kh_err *e)
{
    size_t before = kh_err_errors(e);
    kh_fu_text_check(text, "text", KH_FU_TEXT_LONG_MAX, e);
    bool bad = kh_err_errors(e) > before;
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    rep_item it = {0};
    int64_t rid = 0;
    if ((rc = rep_item_read(s, item, year, unit, &it, e)) == KH_OK &&
        (rc = rep_add_check(s, item, &it, e)) == KH_OK &&
        (!evidence || (rc = evidence_known(s, evidence, e)) == KH_OK) &&
        bad)
        rc = KH_EINVAL;
    if (rc == KH_OK &&
        (rc = rep_insert(s, actor, item, &it, text, evidence, &rid, e)) ==
            KH_OK &&
        (rc = kh_store_commit(s, e)) == KH_OK) {
        if (id)
            *id = rid;
        return KH_OK;
    }
    kh_store_rollback(s);
    return rc;
}

/* ---- deciding on a report ------------------------------------------ */

/* A report as a decision needs it. */
typedef struct rep_row {
    int64_t item;
    bool waiting;
    char *evidence;             /* owned, or NULL */
} rep_row;

static kh_status rep_read(kh_store *s, int64_t id, rep_row *r, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s,
                                 "SELECT item, status, evidence FROM"
                                 " followup_report WHERE id = ?",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, id);
    int step = kh_db_step(st);
    bool nomem = false;
    if (step == KH_DB_ROW) {
        r->item = kh_db_column_int64(st, 0);
        r->waiting = strcmp(kh_store_col_str(st, 1), "submitted") == 0;
        const char *ev = kh_store_col_str(st, 2);
        r->evidence = ev ? strdup(ev) : NULL;
        nomem = ev && !r->evidence;
    }
    kh_db_reset(st);
    if (nomem)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    if (step == KH_DB_DONE) {
        kh_err_at(e, 0, 0, "report", "no rectification report %" PRId64, id);
        return KH_ENOTFOUND;
    }
    return step == KH_DB_ROW
               ? KH_OK
               : kh_store_db_fail(s, e, "reading a rectification report");
}

static kh_status rep_mark(kh_store *s, const char *actor, int64_t id,
                          bool accept, const char *reason, const char *at,
                          kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s,
                                 "UPDATE followup_report SET status = ?,"
                                 " reason = ?, decided_at = ?, decided_by = ?"
                                 " WHERE id = ?",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, accept ? "accepted" : "returned");
    kh_store_bind_str(st, 2, accept ? NULL : reason);
    kh_store_bind_str(st, 3, at);
    kh_store_bind_str(st, 4, actor);
    kh_db_bind_int64(st, 5, id);
    return kh_store_exec(s, st, e, "deciding on a rectification report");
}

/* Accepting closes the item today with the report's evidence. */
static kh_status item_close(kh_store *s, const char *actor, int64_t item,
                            const char *evidence, const char *at,
                            kh_err *e)
{
    char day[KH_STORE_DATE_SZ];
    kh_store_today(s, day);
    return kh_fu_item_done(s, actor, item, day, evidence, at, e);
}

static kh_status rep_audit(kh_store *s, const char *actor, int64_t id,
                           bool accept, const char *reason,
                           const rep_item *it, kh_err *e)
{
    char obj[48];
    snprintf(obj, sizeof obj, "report %" PRId64, id);
    char *val = NULL;
    if (asprintf(&val, "%s%s%s", accept ? "accepted" : "returned",
                 accept ? "" : ": ", accept ? "" : reason) < 0)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    kh_audit_rec a = {.actor = actor,
                      .action = accept ? "followup.accept"
                                       : "followup.return",
                      .year = it->year, .unit = it->unit, .object = obj,
                      .old_value = "submitted", .new_value = val};
    kh_status rc = kh_store_audit(s, &a, e);
    free(val);
    return rc;
}

kh_status kh_store_followup_report_decide(kh_store *s, const char *actor,
                                          int year, int64_t report,
                                          bool accept, const char *reason,
                                          kh_err *e)
{
    size_t before = kh_err_errors(e);
    if (!accept)
        kh_fu_text_check(reason, "reason", KH_FU_TEXT_LONG_MAX, e);
    bool bad = kh_err_errors(e) > before;
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    rep_row r = {0};
    rep_item it = {0};
    char at[KH_STORE_TIME_SZ];
    kh_store_now(s, at);
    if ((rc = rep_read(s, report, &r, e)) == KH_OK &&
        (rc = rep_item_read(s, r.item, year, NULL, &it, e)) == KH_OK &&
        (rc = kh_store_year_require(s, it.year,
                                    KH_YEAR_BIT(KH_YEAR_PUBLISHED),
                                    "deciding on a rectification report",
                                    NULL, e)) == KH_OK) {
        if (!r.waiting)
            rc = kh_err_fail(e, KH_ESTATE, "rectification report %" PRId64
                             " was decided already", report);
        else if (bad)
            rc = KH_EINVAL;
    }
    if (rc == KH_OK &&
        (rc = rep_mark(s, actor, report, accept, reason, at, e)) == KH_OK &&
        (!accept ||
         (rc = item_close(s, actor, r.item, r.evidence, at, e)) == KH_OK) &&
        (rc = rep_audit(s, actor, report, accept, reason, &it, e)) == KH_OK)
        rc = kh_store_commit(s, e);
    if (rc != KH_OK)
        kh_store_rollback(s);
    free(r.evidence);
    return rc;
}
