/*
 * kaohe/handover.h - the results handed over to the annual assessment
 * (考核结果运用, issue 14) and term totals (任期).
 *
 * Handover: one row per unit, then one per branch, of a published (or
 * closed) year: the score (a unit's total, a branch's mean), its grade
 * and converted points (the year's settings `grades` and `scale`,
 * kaohe/convert.h), the ranking list it was ranked in, its place and
 * whether it was flagged (排名后N位).  A unit of a list ranked by branch
 * shows its branch's list, place and flag.
 *
 * Term: each unit's totals over the published years FROM..TO, matched
 * by unit id across rubric versions (totals are on the same 100-point
 * scale), the years it was not assessed marked, and the mean (rounded
 * as the scoring contract rounds) or the sum over the years it was.
 * A year of the range not in the store or not published counts as a
 * year no unit was assessed, and a warning says so.
 *
 * Memory: the output is appended to out; x and s are borrowed.
 */
#ifndef KAOHE_HANDOVER_H
#define KAOHE_HANDOVER_H

#include <stdbool.h>
#include "kaohe/buf.h"
#include "kaohe/error.h"
#include "kaohe/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum kh_handover_format {
    KH_HANDOVER_CSV = 0,   /* UTF-8 with BOM, CRLF, formulas neutralised */
    KH_HANDOVER_JSON
} kh_handover_format;

/* KH_ESTATE for a year not published. */
kh_status kh_export_handover(const kh_export *x, kh_handover_format fmt,
                             kh_buf *out, kh_err *e);
/* The same rows as a workbook written to path (sheet 考核结果运用; text
 * as string cells, figures as number cells shown with two decimals).
 * The caller writes to a temporary name and renames. */
kh_status kh_export_handover_xlsx(const kh_export *x, const char *path,
                                  kh_err *e);

/* Longest range of years a term covers. */
#define KH_TERM_YEARS_MAX 20

kh_status kh_export_term(kh_store *s, int from, int to, bool sum,
                         kh_handover_format fmt, kh_buf *out, kh_err *e);

#ifdef __cplusplus
}
#endif
#endif
