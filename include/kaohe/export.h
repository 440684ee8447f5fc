/*
 * kaohe/export.h - the official documents of a year (issue 5): the Excel
 * workbook, the printable score sheet (意识形态工作责任制考核评分表) and
 * result notice (考核结果通报) as HTML for A4, and the follow-up report
 * (整改跟踪) as CSV and HTML.
 *
 * Every document starts from a kh_export: the year's data loaded from the
 * store and scored.  For a published (or closed) year the figures are
 * checked against the frozen JSON snapshot byte for byte: when the store
 * recomputed now would differ from what was published (the program or
 * the data changed behind kaohe's back), kh_export_open refuses with
 * KH_ESTATE, since an official document must carry the published
 * figures.  A year not yet published is exported as a draft: every title
 * carries （草稿） and kh_export_open adds a warning to e.  Missing items
 * of a draft score 0 and are marked.
 *
 * Memory: the caller owns *out of kh_export_open (kh_export_free); the
 * store s is borrowed and must stay open while the kh_export is used.
 */
#ifndef KAOHE_EXPORT_H
#define KAOHE_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include "kaohe/buf.h"
#include "kaohe/error.h"
#include "kaohe/score.h"
#include "kaohe/store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kh_export kh_export;

/* Loads and scores year.  An unknown year is KH_ENOTFOUND with an error
 * at "--year".  A draft adds a warning (not an error) to e. */
kh_status kh_export_open(kh_store *s, int year, kh_err *e, kh_export **out);
void kh_export_free(kh_export *x);
/* True unless the year is published or closed. */
bool kh_export_is_draft(const kh_export *x);
/* The scored result (borrowed from x). */
const kh_result *kh_export_result(const kh_export *x);
/* Index of the unit with this id, or KH_EINVAL with an error at
 * "--unit" naming the unknown unit. */
kh_status kh_export_unit(const kh_export *x, const char *id, kh_err *e,
                         size_t *u);

/* kh_export_xlsx() flags. */
#define KH_XLSX_CONSTANT_MEMORY 1u  /* rows streamed to temporary files,
                                       one open file per sheet (KH_ELIMIT
                                       when over the open-file limit) */

/* Writes the workbook to path (libxlsxwriter writes files, not buffers:
 * the caller writes to a temporary name and renames).  Sheets: 汇总,
 * 支部, 自查对比, 图表 (a native bar chart per ranking list), 整改跟踪
 * (published years), then one score sheet per unit.  Numbers are number
 * cells shown with two decimals; text is always written as a string cell
 * (never read as a formula). */
kh_status kh_export_xlsx(const kh_export *x, const char *path,
                         unsigned flags, kh_err *e);

/* The result notice (考核结果通报), a whole HTML page for A4 printing.
 * Appends to out; returns the buffer's status. */
kh_status kh_export_html_notice(const kh_export *x, kh_buf *out);
/* The score sheet of unit u, a whole HTML page for A4 printing. */
kh_status kh_export_html_sheet(const kh_export *x, size_t u, kh_buf *out);

/* The follow-up of a published year (each bottom unit's talks and items,
 * status and overdue marks): CSV (UTF-8 with BOM, CRLF, cells starting
 * with = + - @ prefixed with ') and a whole HTML page.  A year not
 * published has no follow-up: KH_ESTATE with a message. */
kh_status kh_export_followup_csv(const kh_export *x, kh_buf *out, kh_err *e);
kh_status kh_export_followup_html(const kh_export *x, kh_buf *out, kh_err *e);
/* The compilation of good practices (经验汇编) of a published year, a
 * whole HTML page for A4 printing; KH_ESTATE before publication. */
kh_status kh_export_compilation_html(const kh_export *x, kh_buf *out,
                                     kh_err *e);

#ifdef __cplusplus
}
#endif
#endif
