/*
 * table_impl.h - private interface between table.c (the kh_table object,
 * its builder and the CSV reader) and xlsx_read.c (the XLSX reader).
 */
#ifndef KAOHE_TABLE_IMPL_H
#define KAOHE_TABLE_IMPL_H

#include "kaohe/table.h"

/* Longest cell accepted, in bytes of UTF-8 (Excel itself stops at 32767
 * characters). */
#define KH_TABLE_MAX_CELL ((size_t)64 * 1024)
/* Most cells (and XLSX shared strings) one file may hold: a guard against
 * files that decompress or expand into something huge. */
#define KH_TABLE_MAX_CELLS ((size_t)1 << 21)
/* Largest file kh_table_read() loads. */
#define KH_TABLE_MAX_FILE ((size_t)256 * 1024 * 1024)
/* Errors reported for one file before giving up. */
#define KH_TABLE_MAX_ERRORS 50

/* Creates an empty table being built; encoding is a static string.
 * max_rows is the row cap (0 = KH_TABLE_MAX_CELLS).  NULL on OOM.  The
 * caller owns it (kh_table_free). */
kh_table *kh_table_build_new(kh_table_format fmt, const char *encoding,
                             size_t max_rows);
/* Starts a row numbered line (1-based) in the file. */
void kh_table_build_row(kh_table *t, unsigned line);
/* Adds a cell at 0-based column col of the current row; cells come in
 * increasing column order.  s[0..n) is copied and trimmed.  Returns
 * KH_ENOMEM, or KH_ELIMIT after KH_TABLE_MAX_CELLS cells. */
kh_status kh_table_build_cell(kh_table *t, unsigned col, const char *s,
                              size_t n);
/* Ends the current row.  Returns KH_ELIMIT when the row is not empty and
 * the table already holds max_rows rows (empty rows past the cap are
 * dropped, as they may be trailing), KH_ENOMEM on out of memory. */
kh_status kh_table_build_row_end(kh_table *t);
/* Drops the trailing empty rows; the table is complete. */
void kh_table_build_finish(kh_table *t);

/* Reads an XLSX file (a ZIP archive) from memory into a new table.  Errors
 * go to e (its current file is the file's name); on KH_OK the caller owns
 * *out. */
kh_status kh_table_xlsx_read(const void *data, size_t len, size_t max_rows,
                             kh_err *e, kh_table **out);

/* Writes the spreadsheet column name of 0-based col ("A", "Z", "AA"...)
 * into buf (at least 8 bytes). */
void kh_table_col_name(unsigned col, char *buf);

#endif
