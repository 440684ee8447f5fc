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

/* The printable pages' stylesheet (A4), the text a page carries inline
 * in <style> unless kh_export_set_css_href was called.  Static. */
const char *kh_export_html_css(void);
/* Makes the printable pages link href (e.g. "/print.css", served with
 * kh_export_html_css) instead of carrying the sheet inline: the web
 * app's Content-Security-Policy refuses inline styles.  href is copied;
 * KH_ENOMEM when it cannot be. */
kh_status kh_export_set_css_href(kh_export *x, const char *href);
/* Makes the printable pages carry html (trusted markup the caller built,
 * e.g. the web app's links to the PDF and Word files in a <nav
 * class="files">, which the stylesheet shows on screen and never
 * prints) right after <body>.  html is copied; KH_ENOMEM when it cannot
 * be. */
kh_status kh_export_set_screen_html(kh_export *x, const char *html);

/* The short verification code (核验码) printed on every printable page:
 * the audit chain's head when the page was made, "SEQ-HHHHHHHH" (the
 * record's sequence number and the first 8 hex digits of its hash).
 * `kaohe audit verify --head CODE` checks that the record is still in
 * the log with that hash (docs/STORE.md, "Verification codes"); the full
 * head is in the page's <meta name="kaohe-audit-head">.  Written to buf
 * (KH_EXPORT_CODE_SZ), returned. */
#define KH_EXPORT_CODE_SZ 32   /* 20 digits, '-', 8 hex digits, NUL */
const char *kh_export_code(const kh_export *x, char *buf);

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

/* One plain table as a workbook of one sheet (a list for download, e.g.
 * the progress of the units): a title row, a heading row and the rows,
 * with the year's workbook's formats.  cells holds nrows * ncols texts
 * row by row (NULL: blank); a column whose numeric flag is set is written
 * as integer number cells when its text is a decimal integer.  Strings
 * are borrowed for the call. */
typedef struct kh_xlsx_table {
    const char *title;          /* the title row and the document title */
    const char *sheet;          /* the sheet's name (cleaned, cut at 31) */
    size_t ncols, nrows;        /* ncols at most 64 */
    const char *const *head;    /* ncols headings */
    const bool *numeric;        /* ncols flags, or NULL */
    const double *widths;       /* ncols widths in characters, or NULL */
    const char *const *cells;
} kh_xlsx_table;
kh_status kh_export_table_xlsx(const kh_xlsx_table *t, const char *path,
                               kh_err *e);

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
