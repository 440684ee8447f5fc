/*
 * kaohe/store_source.h - a judgement suggested by a questionnaire (the
 * rubric's `source:`, docs/SURVEY.md): the suggestion for a unit, and what
 * the inspector did with it - kept in one click, or overridden with a
 * reason - written with the entry in one audited transaction.
 */
#ifndef KAOHE_STORE_SOURCE_H
#define KAOHE_STORE_SOURCE_H

#include "kaohe/rubric.h"
#include "kaohe/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The longest override reason, in bytes. */
#define KH_SOURCE_REASON_MAX 2000

/* A suggestion and the figure behind it. */
typedef struct kh_suggestion {
    int64_t round;       /* the round whose tally gives it */
    size_t responses;    /* the unit's answers in that round */
    kh_cp figure;        /* percent or mean, hundredths */
    kh_cp value;         /* the suggested judgement */
    size_t question;     /* the question's index (people see it + 1) */
} kh_suggestion;

/* The suggestion of src for unit in year: from the newest round of the
 * year asking src's questionnaire of the unit whose tally gives the
 * figure (not suppressed, someone answered, a band reached).
 * KH_ENOTFOUND without a message when no round does. */
kh_status kh_store_suggestion(kh_store *s, int year, const char *unit,
                              const kh_source *src, kh_suggestion *out,
                              kh_err *e);

/* One decision to write; every pointer borrowed for the call. */
typedef struct kh_source_write {
    const char *actor;
    int year;
    const char *unit, *item;
    const char *input;     /* NULL: the item's only suggested judgement */
    bool keep;             /* true: take the suggestion */
    const char *value;     /* override: the judgement typed ("3") */
    const char *reason;    /* override: why (required) */
    const char *note;      /* the entry's note: NULL keeps it */
    int64_t expect_version;/* as kh_entry_write */
} kh_source_write;

/* Sets the inspection entry's input to the suggestion (keep) or to
 * value (override, with its reason) and records the decision, in one
 * transaction with the audit records `entry.set` and `source.keep` /
 * `source.override` (before and after).  Refused (KH_EINVAL, nothing
 * written) with a message whose place is the form field (`input`,
 * `value`, `reason`): an input without a source, no suggestion now, an
 * override equal to the suggestion or without a reason; the entry's
 * own checks as kh_store_entry_set. */
kh_status kh_store_source_decide(kh_store *s, const kh_source_write *w,
                                 kh_err *e);

/* A stored decision. */
typedef struct kh_source_row {
    const char *unit, *item, *input;
    bool kept;
    int64_t round;
    size_t responses;
    kh_cp figure, suggested, value;
    const char *reason;    /* NULL when kept */
    const char *decided_at, *decided_by;   /* UTC "…T…Z"; a login */
    char decided_cn[20];   /* decided_at in China time "YYYY-MM-DD HH:MM" */
    bool current;          /* the entry still holds value */
} kh_source_row;
typedef kh_status (*kh_source_fn)(void *ctx, const kh_source_row *row);
/* The decisions of a year (unit, item: NULL for all) in unit, item and
 * input order. */
kh_status kh_store_source_each(kh_store *s, int year, const char *unit,
                               const char *item, kh_source_fn fn, void *ctx,
                               kh_err *e);

/* One line in Chinese saying what became of the suggestion, for the
 * explanation and the score sheet: "问卷建议：第 3 轮 28 份答卷建议 3.5，
 * 检查组采用" or "…，检查组改判为 3，理由：…"; a decision the entry no
 * longer holds says so. */
void kh_source_describe(const kh_source_row *row, kh_buf *out);

/* kh_explain_with()'s item callback (kaohe/score.h): one line per
 * decision of the item, "      问卷建议：…\n".  A store failure is kept
 * in st / e (the first only) for the caller to check afterwards. */
typedef struct kh_source_explain {
    kh_store *s;
    int year;
    const char *unit;
    kh_status st;          /* KH_OK until a read fails */
    kh_err *e;             /* borrowed: gets the failure's message */
} kh_source_explain;
void kh_source_explain_item(void *ctx, const char *item, kh_buf *out);

/* Called by kh_store_entry_set inside its transaction: an inspection
 * input whose term has a questionnaire source may take a value other
 * than the live suggestion only through an override with its reason
 * (kh_store_source_decide, issue 13); KH_EINVAL with the input named
 * otherwise; an input left at its stored value (old_inputs, the entry's
 * stored inputs JSON, NULL for a new entry) passes.  item: w->item's
 * index in r. */
kh_status kh_store_source_check(kh_store *s, const kh_entry_write *w,
                                const kh_rubric *r, size_t item,
                                const char *old_inputs, kh_err *e);

#ifdef __cplusplus
}
#endif
#endif
