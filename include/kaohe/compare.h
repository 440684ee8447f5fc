/*
 * kaohe/compare.h - year over year (issue 5 item 3): each unit's total
 * and rank in two years with the change, category changes, units new or
 * gone, and - when the two years were scored with different rubric
 * versions - the rubric diff beside it, so a reader knows when a change
 * comes from the rules rather than the work.  And a line chart (SVG) of
 * one unit's totals over every year in the store.
 *
 * Both years are loaded through kh_export_open (published figures are
 * checked against their snapshot; a draft year adds a warning to e).
 */
#ifndef KAOHE_COMPARE_H
#define KAOHE_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include "kaohe/buf.h"
#include "kaohe/error.h"
#include "kaohe/num.h"
#include "kaohe/store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum kh_compare_format {
    KH_COMPARE_TABLE = 0,   /* aligned text for people (Chinese) */
    KH_COMPARE_JSON,
    KH_COMPARE_CSV,         /* UTF-8 with BOM, CRLF, formula-escaped */
    KH_COMPARE_HTML         /* an HTML fragment for the web page: table
                               #compare (rows #cmp-ID, class new/gone) and,
                               when the rubrics differ, #rubric-diff;
                               every value through kh_html_text */
} kh_compare_format;

/* Compares year `from` with year `to` (either order is allowed; the
 * output reads from -> to).  An unknown year is KH_ENOTFOUND with an
 * error at "--years".  Appends to out. */
kh_status kh_compare(kh_store *s, int from, int to, kh_compare_format fmt,
                     kh_buf *out, kh_err *e);

/* An SVG line chart (a whole <svg> element, no XML prolog) of values
 * over n points labelled labels[i]; points with present[i] false are
 * gaps.  Every label and the title go through kh_html_text.  Appends to
 * out; returns the buffer's status. */
kh_status kh_svg_line_chart(kh_buf *out, const char *title, size_t n,
                            const char *const *labels, const kh_cp *values,
                            const bool *present);

/* The chart of unit's totals in every year of the store (years in which
 * it is not registered are gaps).  A unit registered in no year is
 * KH_ENOTFOUND with an error at "--unit". */
kh_status kh_compare_unit_svg(kh_store *s, const char *unit, kh_buf *out,
                              kh_err *e);

#ifdef __cplusplus
}
#endif
#endif
