/*
 * kaohe/store_schedule.h - the year on a schedule (issue 12 section 1):
 * the year's dates, the units' self-check submissions (提交自查 / 退回)
 * and the progress of every unit.  docs/SCHEDULE.md says why.
 *
 * Rules the store enforces: dates are real calendar days in order
 * (self-check due <= inspection from <= inspection to <= review due <=
 * publication); a unit submits in the self_check state only, with every
 * applicable item filled and a 自查报告 text; once submitted, its self
 * entries are refused (KH_ECONFLICT, path "selfcheck") by
 * kh_store_entry_set - the CLI, imports through it and the web alike -
 * until an admin returns it with a reason (self_check state only).
 * Every accepted change is audited in its own transaction; a refused one
 * writes nothing.
 *
 * Memory: strings passed in are borrowed for the call; strings in
 * callback rows are borrowed for the duration of the callback only.
 */
#ifndef KAOHE_STORE_SCHEDULE_H
#define KAOHE_STORE_SCHEDULE_H

#include <stdbool.h>
#include <stdint.h>
#include "kaohe/cnday.h"
#include "kaohe/error.h"
#include "kaohe/store.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KH_SCHED_REPORT_MAX 20000   /* bytes of a 自查报告 */
#define KH_SCHED_REASON_MAX 2000    /* bytes of a return's reason */
#define KH_SCHED_DATES 5            /* dates of a year */

/* The year's dates, "YYYY-MM-DD" China days, in their order. */
typedef enum kh_sched_date {
    KH_DATE_SELFCHECK_DUE = 0,      /* 自查截止 */
    KH_DATE_INSPECT_FROM,           /* 实地检查开始 */
    KH_DATE_INSPECT_TO,             /* 实地检查结束 */
    KH_DATE_REVIEW_DUE,             /* 审核截止 */
    KH_DATE_PUBLISH,                /* 公布日期 */
} kh_sched_date;
typedef struct kh_year_dates {
    char d[KH_SCHED_DATES][KH_CNDAY_SZ];
} kh_year_dates;
/* "selfcheck_due", "inspect_from", ... (the form's field names and the
 * paths of messages); static. */
const char *kh_sched_date_field(kh_sched_date i);
/* Its English label (a catalogue msgid: "self-check due", ...); static. */
const char *kh_sched_date_label(kh_sched_date i);

/* Sets all five dates of year (every one given; any state but closed).
 * Bad values: one located message per field (path = the field name),
 * KH_EINVAL, nothing written.  Audited as year.dates. */
kh_status kh_store_dates_set(kh_store *s, const char *actor, int year,
                             const kh_year_dates *d, kh_err *e);
/* The year's dates; KH_ENOTFOUND (no message) when none were set. */
kh_status kh_store_dates_get(kh_store *s, int year, kh_year_dates *out,
                             kh_err *e);

/* Submits the unit's self-check with its report text (required) and
 * optional scan (the hash of stored evidence, or NULL).  Missing items
 * are one message each (path "items", naming 考核要点 N and its text),
 * KH_EINVAL.  Already submitted: KH_ECONFLICT.  Audited. */
kh_status kh_store_selfcheck_submit(kh_store *s, const char *actor, int year,
                                    const char *unit, const char *report,
                                    const char *scan, kh_err *e);
/* Returns (退回) a submitted self-check with a reason (required),
 * unlocking the unit's self entries; the unit's users get an inbox
 * message.  Not submitted: KH_ECONFLICT.  Audited. */
kh_status kh_store_selfcheck_return(kh_store *s, const char *actor, int year,
                                    const char *unit, const char *reason,
                                    kh_err *e);
/* *locked: the unit's self-check is submitted (not returned). */
kh_status kh_store_selfcheck_locked(kh_store *s, int year, const char *unit,
                                    bool *locked, kh_err *e);

/* One unit's progress. */
typedef struct kh_unit_progress {
    const char *unit, *name;
    int64_t applicable;    /* items of the rubric that apply to its kind
                            * and take at least one input from people */
    int64_t filled;        /* of those, self entries with inputs */
    int64_t scored;        /* of those, inspection entries with inputs */
    int64_t evidence;      /* files linked to its entries (both phases) */
    bool submitted;        /* submitted and not returned */
    int64_t returns;       /* times returned */
    const char *reason;    /* the last return's reason, or NULL */
    const char *submitted_at; /* UTC stamp of the last submission, or NULL */
    int64_t days_late;     /* China days past the self-check due date:
                            * until today when not submitted, else until
                            * the day it was submitted; 0 without dates */
} kh_unit_progress;
typedef kh_status (*kh_unit_progress_fn)(void *ctx, const kh_unit_progress *row);
/* Calls fn for every unit of year in input order (only: NULL for all,
 * else a unit list of n ids, e.g. an inspector's units). */
kh_status kh_store_progress_each(kh_store *s, int year,
                                 const char *const *only, size_t n,
                                 kh_unit_progress_fn fn, void *ctx, kh_err *e);
/* Today (the store's clock, China day) as days since 1970-01-01. */
int64_t kh_store_today_days(const kh_store *s);

#ifdef __cplusplus
}
#endif
#endif
