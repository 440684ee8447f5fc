/*
 * store_schedule.c - the year on a schedule (kaohe/store_schedule.h): the
 * year's dates, the self-check submissions and their lock on the self
 * entries, and the progress of every unit.  Date rules are
 * lib/base/cnday.c's; see docs/SCHEDULE.md for the decisions.
 */
#include "kaohe/store_schedule.h"
#include "kaohe/store_inbox.h"
#include "kaohe/i18n.h"
#include "kaohe/rubric.h"
#include "kaohe/utf8.h"
#include "kaohe/vec.h"
#include "store_impl.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const FIELDS[KH_SCHED_DATES] = {
    "selfcheck_due", "inspect_from", "inspect_to", "review_due", "publish"};
static const char *const LABELS[KH_SCHED_DATES] = {
    N_("self-check due"), N_("inspection from"), N_("inspection to"),
    N_("review due"), N_("publication")};

const char *kh_sched_date_field(kh_sched_date i)
{
    return (unsigned)i < KH_SCHED_DATES ? FIELDS[i] : "";
}

const char *kh_sched_date_label(kh_sched_date i)
{
    return (unsigned)i < KH_SCHED_DATES ? LABELS[i] : "";
}

int64_t kh_store_today_days(const kh_store *s)
{
    char today[KH_STORE_DATE_SZ];
    int64_t d = 0;
    kh_store_today(s, today);
    if (!kh_cnday_parse(today, &d))
        d = 0;
    return d;
}

/* ---- dates ----------------------------------------------------------- */

/* Each date real; each not before the one it follows. */
static void dates_check(const kh_year_dates *d, kh_err *e)
{
    int64_t v[KH_SCHED_DATES];
    bool ok[KH_SCHED_DATES];
    for (int i = 0; i < KH_SCHED_DATES; i++)
        ok[i] = kh_cnday_check(d->d[i], FIELDS[i], &v[i], e) == KH_OK;
    for (int i = 1; i < KH_SCHED_DATES; i++)
        if (ok[i] && ok[i - 1] && v[i] < v[i - 1])
            kh_err_at(e, 0, 0, FIELDS[i],
                      "%s (%s) is before %s (%s)", LABELS[i], d->d[i],
                      LABELS[i - 1], d->d[i - 1]);
}

static void dates_json(const kh_year_dates *d, kh_buf *b)
{
    kh_buf_putc(b, '{');
    for (int i = 0; i < KH_SCHED_DATES; i++)
        kh_buf_printf(b, "%s\"%s\": \"%s\"", i ? ", " : "", FIELDS[i],
                      d->d[i]);
    kh_buf_putc(b, '}');
}

kh_status kh_store_dates_get(kh_store *s, int year, kh_year_dates *out,
                             kh_err *e)
{
    memset(out, 0, sizeof *out);
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s,
        "SELECT selfcheck_due, inspect_from, inspect_to, review_due, publish"
        " FROM year_dates WHERE year = ?",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    int step = kh_db_step(st);
    if (step == KH_DB_ROW)
        for (int i = 0; i < KH_SCHED_DATES; i++) {
            const char *v = kh_store_col_str(st, i);
            snprintf(out->d[i], KH_CNDAY_SZ, "%s", v ? v : "");
        }
    kh_db_reset(st);
    if (step == KH_DB_DONE)
        return KH_ENOTFOUND;
    if (step != KH_DB_ROW)
        return kh_store_db_fail(s, e, "reading the year's dates");
    return KH_OK;
}

static kh_status dates_write(kh_store *s, const char *actor, int year,
                             const kh_year_dates *d, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "DELETE FROM year_dates WHERE year = ?",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    if ((rc = kh_store_exec(s, st, e, "setting the year's dates")) != KH_OK)
        return rc;
    rc = kh_store_stmt(s,
                       "INSERT INTO year_dates (year, selfcheck_due,"
                       " inspect_from, inspect_to, review_due, publish,"
                       " set_at, set_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       &st, e);
    if (rc != KH_OK)
        return rc;
    char now[KH_STORE_TIME_SZ];
    kh_store_now(s, now);
    kh_db_bind_int(st, 1, year);
    for (int i = 0; i < KH_SCHED_DATES; i++)
        kh_store_bind_str(st, 2 + i, d->d[i]);
    kh_store_bind_str(st, 7, now);
    kh_store_bind_str(st, 8, actor);
    return kh_store_exec(s, st, e, "setting the year's dates");
}

static kh_status dates_audit(kh_store *s, const char *actor, int year,
                             const kh_year_dates *old, bool had,
                             const kh_year_dates *d, kh_err *e)
{
    kh_buf ob, nb;
    kh_buf_init(&ob, 0);
    kh_buf_init(&nb, 0);
    if (had)
        dates_json(old, &ob);
    dates_json(d, &nb);
    kh_status rc;
    if (kh_buf_status(&ob) != KH_OK || kh_buf_status(&nb) != KH_OK) {
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
    } else {
        char obj[32];
        snprintf(obj, sizeof obj, "dates %d", year);
        kh_audit_rec a = {.actor = actor, .action = "year.dates",
                          .year = year, .object = obj,
                          .old_value = had ? kh_buf_str(&ob) : NULL,
                          .new_value = kh_buf_str(&nb)};
        rc = kh_store_audit(s, &a, e);
    }
    kh_buf_free(&ob);
    kh_buf_free(&nb);
    return rc;
}

kh_status kh_store_dates_set(kh_store *s, const char *actor, int year,
                             const kh_year_dates *d, kh_err *e)
{
    size_t before = kh_err_errors(e);
    dates_check(d, e);
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    unsigned open = 0x3fu & ~KH_YEAR_BIT(KH_YEAR_CLOSED);
    kh_year_dates old;
    bool had = false;
    if ((rc = kh_store_year_require(s, year, open, "setting the dates", NULL,
                                    e)) != KH_OK)
        goto fail;
    if (kh_err_errors(e) > before) {
        rc = KH_EINVAL;
        goto fail;
    }
    rc = kh_store_dates_get(s, year, &old, e);
    if (rc != KH_OK && rc != KH_ENOTFOUND)
        goto fail;
    had = rc == KH_OK;
    if ((rc = dates_write(s, actor, year, d, e)) != KH_OK ||
        (rc = dates_audit(s, actor, year, &old, had, d, e)) != KH_OK ||
        (rc = kh_store_commit(s, e)) != KH_OK)
        goto fail;
    return KH_OK;
fail:
    kh_store_rollback(s);
    return rc;
}

/* ---- submissions ----------------------------------------------------- */

/* A free text: non-blank, at most max bytes, then the one rule of
 * kaohe/name.h for free text. */
static kh_status check_text(const char *t, const char *path, size_t max,
                            kh_err *e)
{
    size_t n = t ? strlen(t) : 0;
    size_t lead = t ? strspn(t, " \t\r\n") : 0;
    if (lead == n)
        return kh_err_at(e, 0, 0, path, "must not be empty");
    if (n > max)
        return kh_err_at(e, 0, 0, path, "is longer than %zu bytes", max);
    return kh_text_check(e, 0, 0, path, t, KH_TEXT_LINES, SIZE_MAX);
}

/* The stored state of a unit's submission: "" when none. */
static kh_status sub_state(kh_store *s, int year, const char *unit,
                           char state[16], kh_err *e)
{
    state[0] = '\0';
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s, "SELECT state FROM selfcheck WHERE year = ? AND unit = ?", &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    kh_store_bind_str(st, 2, unit);
    int step = kh_db_step(st);
    if (step == KH_DB_ROW)
        snprintf(state, 16, "%s", kh_store_col_str(st, 0));
    kh_db_reset(st);
    if (step != KH_DB_ROW && step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading a self-check submission");
    return KH_OK;
}

kh_status kh_store_selfcheck_locked(kh_store *s, int year, const char *unit,
                                    bool *locked, kh_err *e)
{
    char state[16];
    kh_status rc = sub_state(s, year, unit, state, e);
    *locked = rc == KH_OK && strcmp(state, "submitted") == 0;
    if (rc != KH_OK)
        return rc;
    /* A late-locked write checks it again under the writers' lock. */
    kh_store_recheck r = {.kind = KH_RECHECK_SELFCHECK, .year = year,
                          .locked = *locked};
    snprintf(r.unit, sizeof r.unit, "%s", unit);
    return kh_store_recheck_add(s, &r, e);
}

/* Does item i take at least one input from people (not only rosters)? */
static bool item_takes_input(const kh_rubric *r, size_t i)
{
    for (size_t k = 0; k < kh_rubric_item_slots(r, i); k++)
        if (!kh_term_roster(kh_rubric_item_slot(r, i, k)))
            return true;
    return false;
}

/* Items of the unit's phase entries with inputs, as flags by item. */
static kh_status filled_items(kh_store *s, int year, const char *unit,
                              const char *phase, const kh_rubric *r,
                              bool *has, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s,
        "SELECT item FROM entry WHERE year = ? AND unit = ? AND phase = ?"
        " AND inputs <> '{}'",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    kh_store_bind_str(st, 2, unit);
    kh_store_bind_str(st, 3, phase);
    int step;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        int i = kh_rubric_item_find(r, kh_store_col_str(st, 0));
        if (i >= 0)
            has[i] = true;
    }
    kh_db_reset(st);
    if (step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading a unit's entries");
    return KH_OK;
}

/* One message per applicable item without a self entry. */
static kh_status check_filled(kh_store *s, int year, const char *unit,
                              const char *kind, kh_err *e)
{
    const kh_rubric *r;
    kh_status rc = kh_store_year_rubric_shared(s, year, e, &r);
    if (rc != KH_OK)
        return rc;
    size_t n = kh_rubric_item_count(r);
    int k = kh_rubric_kind_find(r, kind);
    bool *has = calloc(n + 1, sizeof *has);
    if (!has)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    rc = filled_items(s, year, unit, "self", r, has, e);
    for (size_t i = 0; rc == KH_OK && i < n; i++)
        if (k >= 0 && kh_rubric_item_applies(r, i, (size_t)k) &&
            item_takes_input(r, i) && !has[i])
            kh_err_at(e, 0, 0, "items", "item %s \"%s\" is not filled in",
                      kh_rubric_item_id(r, i), kh_rubric_item_text(r, i));
    free(has);
    return rc;
}

static kh_status sub_write(kh_store *s, const char *actor, int year,
                           const char *unit, const char *report,
                           const char *scan, kh_err *e)
{
    const kh_store_val row[] = {KH_SV_INT(year), KH_SV_TEXT(unit),
                                KH_SV_TEXT(report), KH_SV_TEXT(scan),
                                KH_SV_NOW, KH_SV_TEXT(actor)};
    return kh_store_write(
        s,
        "INSERT INTO selfcheck (year, unit, state, report, scan,"
        " submitted_at, submitted_by) VALUES (?, ?, 'submitted', ?, ?, ?, ?)"
        " ON CONFLICT (year, unit) DO UPDATE SET state = 'submitted',"
        " report = excluded.report, scan = excluded.scan,"
        " submitted_at = excluded.submitted_at,"
        " submitted_by = excluded.submitted_by",
        row, KH_SV_COUNT(row), "submitting a self-check", NULL, e);
}

static kh_status sub_audit(kh_store *s, const char *actor, const char *action,
                           int year, const char *unit, const char *value,
                           const char *reason, kh_err *e)
{
    char obj[KH_UNIT_ID_MAX + 32];
    snprintf(obj, sizeof obj, "selfcheck %s", unit);
    kh_audit_rec a = {.actor = actor, .action = action, .year = year,
                      .unit = unit, .object = obj, .new_value = value,
                      .reason = reason};
    return kh_store_audit(s, &a, e);
}

/* Year in self_check, unit known: its kind and name into u (owned). */
static kh_status sub_target(kh_store *s, int year, const char *unit,
                            const char *doing, kh_store_unit *u, kh_err *e)
{
    memset(u, 0, sizeof *u);
    kh_status rc = kh_store_year_require(
        s, year, KH_YEAR_BIT(KH_YEAR_SELF_CHECK), doing, NULL, e);
    if (rc != KH_OK)
        return rc;
    rc = kh_store_unit_get(s, year, unit, u, e);
    if (rc == KH_ENOTFOUND)
        return kh_err_fail(e, KH_EINVAL, "unknown unit \"%s\" in year %d",
                           unit, year);
    return rc;
}

static kh_status check_scan(kh_store *s, const char *scan, kh_err *e)
{
    if (!scan)
        return KH_OK;
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "SELECT 1 FROM evidence WHERE sha256 = ?",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, scan);
    int step = kh_db_step(st);
    kh_db_reset(st);
    if (step == KH_DB_DONE)
        return kh_err_at(e, 0, 0, "scan", "no stored evidence \"%s\"", scan);
    return step == KH_DB_ROW ? KH_OK
                             : kh_store_db_fail(s, e, "reading evidence");
}

kh_status kh_store_selfcheck_submit(kh_store *s, const char *actor, int year,
                                    const char *unit, const char *report,
                                    const char *scan, kh_err *e)
{
    size_t before = kh_err_errors(e);
    char state[16];
    kh_store_unit u = {0};
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    if ((rc = sub_target(s, year, unit, "submitting a self-check", &u,
                         e)) != KH_OK ||
        (rc = sub_state(s, year, unit, state, e)) != KH_OK)
        goto fail;
    if (strcmp(state, "submitted") == 0) {
        rc = kh_err_fail(e, KH_ECONFLICT,
                         "the self-check of %s is submitted already",
                         u.name);
        goto fail;
    }
    check_text(report, "report", KH_SCHED_REPORT_MAX, e);
    if ((rc = check_scan(s, scan, e)) != KH_OK && rc != KH_EINVAL)
        goto fail;
    if ((rc = check_filled(s, year, unit, u.kind, e)) != KH_OK)
        goto fail;
    if (kh_err_errors(e) > before) {
        rc = KH_EINVAL;
        goto fail;
    }
    if ((rc = sub_write(s, actor, year, unit, report, scan, e)) != KH_OK ||
        (rc = sub_audit(s, actor, "selfcheck.submit", year, unit, report,
                        NULL, e)) != KH_OK ||
        (rc = kh_store_commit(s, e)) != KH_OK)
        goto fail;
    kh_store_unit_clear(&u);
    return KH_OK;
fail:
    kh_store_unit_clear(&u);
    kh_store_rollback(s);
    return rc;
}

static kh_status ret_write(kh_store *s, const char *actor, int year,
                           const char *unit, const char *reason, int64_t *n,
                           kh_err *e)
{
    char now[KH_STORE_TIME_SZ];
    kh_store_now(s, now);
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s,
        "UPDATE selfcheck SET state = 'returned', returns = returns + 1,"
        " reason = ?, returned_at = ?, returned_by = ?"
        " WHERE year = ? AND unit = ? AND state = 'submitted'",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, reason);
    kh_store_bind_str(st, 2, now);
    kh_store_bind_str(st, 3, actor);
    kh_db_bind_int(st, 4, year);
    kh_store_bind_str(st, 5, unit);
    if ((rc = kh_store_exec(s, st, e, "returning a self-check")) != KH_OK)
        return rc;
    if ((rc = kh_store_stmt(s,
                            "SELECT returns FROM selfcheck WHERE year = ?"
                            " AND unit = ?",
                            &st, e)) != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    kh_store_bind_str(st, 2, unit);
    return kh_store_int64(s, st, n, e, "returning a self-check");
}

/* The unit's users are told, with the reason. */
static kh_status ret_notify(kh_store *s, int year, const char *unit,
                           const char *reason, int64_t n, kh_err *e)
{
    char key[KH_INBOX_KEY_MAX], link[128];
    snprintf(key, sizeof key, "returned:%d:%.64s:%" PRId64, year, unit, n);
    snprintf(link, sizeof link, "/years/%d/units/%.40s/self", year, unit);
    kh_buf b;
    kh_buf_init(&b, KH_INBOX_BODY_MAX);
    kh_buf_printf(&b, kh_i18n_zh("%d self-check returned: %s"), year,
                  reason);
    kh_status rc = kh_buf_status(&b) != KH_OK
                       ? kh_err_fail(e, KH_ENOMEM, "out of memory")
                       : kh_store_inbox_add_unit(s, year, unit, "returned",
                                                 key, kh_buf_str(&b), link,
                                                 e);
    kh_buf_free(&b);
    return rc;
}

kh_status kh_store_selfcheck_return(kh_store *s, const char *actor, int year,
                                    const char *unit, const char *reason,
                                    kh_err *e)
{
    size_t before = kh_err_errors(e);
    char state[16];
    kh_store_unit u = {0};
    int64_t n = 0;
    check_text(reason, "reason", KH_SCHED_REASON_MAX, e);
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    if ((rc = sub_target(s, year, unit, "returning a self-check", &u,
                         e)) != KH_OK ||
        (rc = sub_state(s, year, unit, state, e)) != KH_OK)
        goto fail;
    if (strcmp(state, "submitted") != 0) {
        rc = kh_err_fail(e, KH_ECONFLICT,
                         "the self-check of %s is not submitted", u.name);
        goto fail;
    }
    if (kh_err_errors(e) > before) {
        rc = KH_EINVAL;
        goto fail;
    }
    if ((rc = ret_write(s, actor, year, unit, reason, &n, e)) != KH_OK ||
        (rc = sub_audit(s, actor, "selfcheck.return", year, unit, NULL,
                        reason, e)) != KH_OK ||
        (rc = ret_notify(s, year, unit, reason, n, e)) != KH_OK ||
        (rc = kh_store_commit(s, e)) != KH_OK)
        goto fail;
    kh_store_unit_clear(&u);
    return KH_OK;
fail:
    kh_store_unit_clear(&u);
    kh_store_rollback(s);
    return rc;
}

/* ---- progress -------------------------------------------------------- */

typedef struct prow {
    char *unit, *name, *kind, *reason, *submitted_at, *state;
    int64_t returns;
} prow;

static void prows_free(prow *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(p[i].unit);
        free(p[i].name);
        free(p[i].kind);
        free(p[i].reason);
        free(p[i].submitted_at);
        free(p[i].state);
    }
    free(p);
}

static char *dup_or_null(const char *v)
{
    return v ? strdup(v) : NULL;
}

/* The year's units with their submission, in input order. */
static kh_status prows_load(kh_store *s, int year, prow **out, size_t *n,
                            kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s,
        "SELECT u.id, u.name, u.kind, c.state, c.returns, c.reason,"
        " c.submitted_at FROM unit u LEFT JOIN selfcheck c ON c.year ="
        " u.year AND c.unit = u.id WHERE u.year = ? ORDER BY u.pos",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    prow *p = NULL;
    size_t k = 0, cap = 0;
    int step;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        if (KH_VEC_GROW(p, cap, k + 1, 32) != KH_OK)
            break;

        prow *r = &p[k++];
        r->unit = strdup(kh_store_col_str(st, 0));
        r->name = strdup(kh_store_col_str(st, 1));
        r->kind = strdup(kh_store_col_str(st, 2));
        r->state = dup_or_null(kh_store_col_str(st, 3));
        r->returns = kh_db_column_int64(st, 4);
        r->reason = dup_or_null(kh_store_col_str(st, 5));
        r->submitted_at = dup_or_null(kh_store_col_str(st, 6));
        if (!r->unit || !r->name || !r->kind)
            break;
    }
    kh_db_reset(st);
    *out = p;
    *n = k;
    if (step == KH_DB_ROW)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    if (step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading the units' progress");
    return KH_OK;
}

static kh_status evidence_count(kh_store *s, int year, const char *unit,
                                int64_t *n, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s,
        "SELECT COUNT(*) FROM entry_evidence x JOIN entry n ON n.id ="
        " x.entry WHERE n.year = ? AND n.unit = ?",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    kh_store_bind_str(st, 2, unit);
    return kh_store_int64(s, st, n, e, "counting evidence");
}


/* The China day of a UTC stamp "YYYY-MM-DDTHH:MM:SSZ" (-1: not one). */
static int64_t stamp_day(const char *at)
{
    char d[KH_CNDAY_SZ];
    int64_t day;
    int h = 0;
    if (!at || strlen(at) < 20)
        return -1;
    memcpy(d, at, 10);
    d[10] = '\0';
    if (!kh_cnday_parse(d, &day))
        return -1;
    h = atoi(at + 11);
    return h >= 16 ? day + 1 : day;
}

typedef struct pctx {
    kh_store *s;
    int year;
    const kh_rubric *r;
    int64_t today, due;      /* due -1: no dates */
} pctx;

static kh_status prow_fill(pctx *c, const prow *p, kh_unit_progress *row,
                           bool *has_self, bool *has_insp, kh_err *e)
{
    size_t n = kh_rubric_item_count(c->r);
    memset(has_self, 0, n + 1);
    memset(has_insp, 0, n + 1);
    kh_status rc;
    if ((rc = filled_items(c->s, c->year, p->unit, "self", c->r, has_self,
                           e)) != KH_OK ||
        (rc = filled_items(c->s, c->year, p->unit, "inspection", c->r,
                           has_insp, e)) != KH_OK ||
        (rc = evidence_count(c->s, c->year, p->unit, &row->evidence, e)) !=
            KH_OK)
        return rc;
    int k = kh_rubric_kind_find(c->r, p->kind);
    for (size_t i = 0; k >= 0 && i < n; i++) {
        if (!kh_rubric_item_applies(c->r, i, (size_t)k) ||
            !item_takes_input(c->r, i))
            continue;
        row->applicable++;
        row->filled += has_self[i];
        row->scored += has_insp[i];
    }
    row->unit = p->unit;
    row->name = p->name;
    row->submitted = p->state && strcmp(p->state, "submitted") == 0;
    row->returns = p->returns;
    row->reason = p->reason;
    row->submitted_at = row->submitted ? p->submitted_at : NULL;
    int64_t upto = row->submitted ? stamp_day(p->submitted_at) : c->today;
    row->days_late = c->due >= 0 && upto >= 0 ? kh_cnday_late(upto, c->due)
                                              : 0;
    return KH_OK;
}

static bool wanted(const char *unit, const char *const *only, size_t n)
{
    if (!only)
        return true;
    for (size_t i = 0; i < n; i++)
        if (strcmp(only[i], unit) == 0)
            return true;
    return false;
}

kh_status kh_store_progress_each(kh_store *s, int year,
                                 const char *const *only, size_t n,
                                 kh_unit_progress_fn fn, void *ctx, kh_err *e)
{
    pctx c = {.s = s, .year = year, .today = kh_store_today_days(s),
              .due = -1};
    kh_year_dates d;
    kh_status rc = kh_store_year_rubric_shared(s, year, e, &c.r);
    if (rc != KH_OK)
        return rc;
    rc = kh_store_dates_get(s, year, &d, e);
    if (rc == KH_OK && !kh_cnday_parse(d.d[KH_DATE_SELFCHECK_DUE], &c.due))
        c.due = -1;
    if (rc != KH_OK && rc != KH_ENOTFOUND)
        return rc;
    prow *p = NULL;
    size_t np = 0, items = kh_rubric_item_count(c.r);
    bool *hs = malloc(items + 1), *hi = malloc(items + 1);
    rc = hs && hi ? prows_load(s, year, &p, &np, e)
                  : kh_err_fail(e, KH_ENOMEM, "out of memory");
    for (size_t i = 0; rc == KH_OK && i < np; i++) {
        if (!wanted(p[i].unit, only, n))
            continue;
        kh_unit_progress row;
        memset(&row, 0, sizeof row);
        if ((rc = prow_fill(&c, &p[i], &row, hs, hi, e)) == KH_OK)
            rc = fn(ctx, &row);
    }
    prows_free(p, np);
    free(hs);
    free(hi);
    return rc == KH_DONE ? KH_OK : rc;
}
