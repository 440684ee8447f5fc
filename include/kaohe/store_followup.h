/*
 * kaohe/store_followup.h - using the results (考核结果运用, issue 3 item
 * 9): for each bottom unit of a published year, the reminder talk
 * (提醒谈话) and the rectification items (整改意见) with deadlines, and
 * the good practices (有效做法和特色经验) of any unit.
 *
 * The bottom units are read from the year's frozen results (the JSON
 * snapshot made when it was published) and the rubric's rankings: a
 * unit is a bottom unit when it is flagged in a unit-level ranking, or
 * when its branch is flagged in a branch-level ranking (all the units of
 * that branch are talked to).  Follow-up records can be written only
 * while the year is published (a closed year changes no more); each
 * write appends its audit record in the same transaction.
 *
 * "Today", which decides what is overdue, is the date of the store's
 * clock (kh_store_now, UTC; kh_store_set_time in tests).  Dates are
 * written YYYY-MM-DD.
 *
 * Memory: strings passed in are borrowed for the call; strings in
 * callback rows are borrowed for the duration of the callback only.
 */
#ifndef KAOHE_STORE_FOLLOWUP_H
#define KAOHE_STORE_FOLLOWUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kaohe/error.h"
#include "kaohe/buf.h"
#include "kaohe/num.h"
#include "kaohe/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Checks that s is a real calendar date written YYYY-MM-DD (years
 * KH_YEAR_MIN to KH_YEAR_MAX); otherwise adds an error at data path `path` and returns
 * KH_EINVAL. */
kh_status kh_date_check(const char *s, const char *path, kh_err *e);

/* One bottom unit of a published year. */
typedef struct kh_bottom_row {
    const char *unit;          /* unit id */
    const char *name;          /* unit name, as frozen */
    const char *ranking;       /* ranking id */
    const char *ranking_name;
    const char *branch;        /* the flagged branch (level branch), or NULL */
    const char *branch_name;   /* its name, or NULL */
    unsigned rank;             /* its place in the ranking */
    kh_cp score;               /* the score that was ranked */
} kh_bottom_row;
typedef kh_status (*kh_bottom_fn)(void *ctx, const kh_bottom_row *row);
/* Calls fn for each bottom unit of a published or closed year, in
 * ranking order then ranking place; a unit is listed once. */
kh_status kh_store_bottom_each(kh_store *s, int year, kh_bottom_fn fn,
                               void *ctx, kh_err *e);

/* Records a reminder talk with a bottom unit: date (YYYY-MM-DD, not
 * later than today), who talked (by: the interviewer), whom with (to:
 * the unit's 分管领导 and 负责人; NULL only for the records made before
 * it was asked) and a summary.  *id (may be NULL) gets its id. */
kh_status kh_store_followup_talk_add(kh_store *s, const char *actor,
                                     int year, const char *unit,
                                     const char *date, const char *by,
                                     const char *to, const char *summary,
                                     int64_t *id, kh_err *e);
/* Records a rectification item for a bottom unit, open until closed. */
kh_status kh_store_followup_item_add(kh_store *s, const char *actor,
                                     int year, const char *unit,
                                     const char *text, const char *deadline,
                                     int64_t *id, kh_err *e);
/* Closes item id as done on date; evidence is the full hash of stored
 * evidence (kh_store_evidence_put) or NULL.  Closing a closed item is
 * KH_ESTATE. */
kh_status kh_store_followup_item_close(kh_store *s, const char *actor,
                                       int64_t id, const char *date,
                                       const char *evidence, kh_err *e);

/* ---- deadline colours (docs/FOLLOWUP.md) ---- */

/* An open item with more than this many days left is green; 0 to this
 * many days left (the deadline day itself included) is yellow. */
#define KH_FOLLOWUP_GREEN_DAYS 20

/* In the order lists sort by: the most urgent first. */
typedef enum kh_followup_colour {
    KH_FOLLOWUP_RED = 0,        /* open, deadline passed */
    KH_FOLLOWUP_YELLOW,         /* open, at most GREEN_DAYS days left */
    KH_FOLLOWUP_GREEN,          /* open, more days left */
    KH_FOLLOWUP_GREY            /* closed (销号) */
} kh_followup_colour;

/* The colour of an item due on deadline (YYYY-MM-DD) seen on today. */
kh_followup_colour kh_followup_colour_of(const char *deadline,
                                         const char *today, bool done);
/* "red", "yellow", "green", "grey": the JSON value and CSS class. */
const char *kh_followup_colour_name(kh_followup_colour c);
/* Its label for people, an English msgid of the catalogue ("overdue",
 * ...); static. */
const char *kh_followup_colour_label(kh_followup_colour c);
/* Days from day a to day b (both YYYY-MM-DD, checked): b - a. */
long kh_date_days_between(const char *a, const char *b);

/* ---- rectification reports (整改报告) ---- */

/* A unit submits a report on its open rectification item: text and
 * evidence (the full hash of stored evidence, or NULL).  The item must
 * be of (year, unit) -- another unit's item is "no such item", so a
 * unit learns nothing of another's -- and have no report waiting for a
 * decision.  Audited followup.report.  *id (may be NULL) gets its id. */
kh_status kh_store_followup_report_add(kh_store *s, const char *actor,
                                       int year, const char *unit,
                                       int64_t item, const char *text,
                                       const char *evidence, int64_t *id,
                                       kh_err *e);
/* The admin's decision on a submitted report of year (0: any year):
 * accept closes its item as done today (销号, the report's evidence
 * kept on the item); return needs a reason and leaves the item open for
 * a new report.  Audited followup.accept / followup.return. */
kh_status kh_store_followup_report_decide(kh_store *s, const char *actor,
                                          int year, int64_t report,
                                          bool accept, const char *reason,
                                          kh_err *e);

/* Output formats of the listings. */
typedef enum kh_followup_format {
    KH_FOLLOWUP_TABLE = 0,     /* text for people (Chinese) */
    KH_FOLLOWUP_JSON
} kh_followup_format;

/* Every bottom unit of a published or closed year with its talks and
 * items, overdue items (deadline before today, not done) marked, then
 * any unit with records that is no longer a bottom unit (the year was
 * reopened and published again).  Appends to out. */
kh_status kh_store_followup_report(kh_store *s, int year,
                                   kh_followup_format fmt, kh_buf *out,
                                   kh_err *e);

/* One unit's follow-up as JSON: {"unit", "today", "talks": [...],
 * "items": [...]} like one unit of kh_store_followup_report's JSON
 * (items with their colours and reports), for the unit's own pages.
 * The year must be published or closed.  Appends to out. */
kh_status kh_store_followup_unit_json(kh_store *s, int year,
                                      const char *unit, kh_buf *out,
                                      kh_err *e);

/* Records a good practice of a unit of the year (state inspection,
 * review or published).  *id (may be NULL) gets its id. */
kh_status kh_store_practice_add(kh_store *s, const char *actor, int year,
                                const char *unit, const char *title,
                                const char *text, int64_t *id, kh_err *e);
/* The good practices of a year, by unit then order recorded. */
kh_status kh_store_practice_report(kh_store *s, int year,
                                   kh_followup_format fmt, kh_buf *out,
                                   kh_err *e);

#ifdef __cplusplus
}
#endif
#endif
