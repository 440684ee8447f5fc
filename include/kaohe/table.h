/*
 * kaohe/table.h - reading tabular files people make in Excel: CSV (UTF-8
 * with or without BOM, or GB18030 as Excel on Chinese Windows saves it,
 * detected) and XLSX (first worksheet, read with libzip + expat).
 *
 * A kh_table is a list of rows of text cells, each remembering its 1-based
 * row and column in the file, so importers can say `units.csv:7:3: ...`
 * (for XLSX the location is row and column of the sheet, and messages say
 * the cell, e.g. "C7").
 */
#ifndef KAOHE_TABLE_H
#define KAOHE_TABLE_H

#include <stddef.h>
#include <stdbool.h>
#include "kaohe/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kh_table kh_table;

typedef enum kh_table_format {
    KH_TABLE_CSV = 1,
    KH_TABLE_XLSX
} kh_table_format;

/* Reads path; the format is detected from content (an XLSX is a ZIP file
 * starting "PK\3\4"), not from the name.  Every cell is converted to UTF-8;
 * trailing empty rows are dropped; cells are trimmed of surrounding
 * whitespace.  Errors (bad encoding, unterminated quote, broken XLSX, more
 * than max_rows rows) are located.  On KH_OK the caller owns *out
 * (kh_table_free). */
kh_status kh_table_read(const char *path, size_t max_rows, kh_err *e,
                        kh_table **out);
/* The same from memory (data borrowed during the call). */
kh_status kh_table_read_mem(const char *name, const void *data, size_t len,
                            size_t max_rows, kh_err *e, kh_table **out);
void kh_table_free(kh_table *t);

kh_table_format kh_table_get_format(const kh_table *t);
/* "UTF-8", "UTF-8 (BOM)", "GB18030" or "XLSX". */
const char *kh_table_encoding(const kh_table *t);

size_t kh_table_rows(const kh_table *t);
size_t kh_table_cols(const kh_table *t, size_t row);
/* Cell text (borrowed, "" for a missing cell); never NULL. */
const char *kh_table_cell(const kh_table *t, size_t row, size_t col);
/* 1-based row number of row in the file (CSV: physical line where the
 * record starts; XLSX: the sheet row). */
unsigned kh_table_line(const kh_table *t, size_t row);

/* Finds the header row's column for any of the given names (NULL-
 * terminated list, compared exactly after trimming); -1 when absent. */
int kh_table_find_col(const kh_table *t, const char *const *names);

/* Formats a cell reference for messages: "C7" for XLSX, "7:3" for CSV,
 * into buf (at least 32 bytes). */
const char *kh_table_ref(const kh_table *t, size_t row, size_t col,
                         char *buf);

#ifdef __cplusplus
}
#endif
#endif
