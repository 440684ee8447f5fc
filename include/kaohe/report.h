/*
 * kaohe/report.h - a scored result written out as JSON (SCORING.md
 * section 8), a terminal table aligned for Chinese text, or CSV for Excel.
 */
#ifndef KAOHE_REPORT_H
#define KAOHE_REPORT_H

#include "kaohe/buf.h"
#include "kaohe/score.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The JSON of SCORING.md section 8, one line per unit/branch/row,
 * ending in a newline.  Appends to out. */
kh_status kh_report_json(const kh_result *res, kh_buf *out);
/* The same JSON in pieces, for a cache that renders one unit again:
 * head, then each unit's line (with its separator), then the tail
 * (branches and rankings); in that order they are kh_report_json's
 * output.  Each appends to out. */
kh_status kh_report_json_head(const kh_result *res, kh_buf *out);
kh_status kh_report_json_unit(const kh_result *res, size_t u, kh_buf *out);
kh_status kh_report_json_tail(const kh_result *res, kh_buf *out);
/* The tail in its own pieces, for a cache that renders again only the
 * lines that changed: branches_open (closes the units), each branch k,
 * rankings_open, then per ranking list i: ranking_open, each row j,
 * ranking_close; end.  Each piece carries its own separator, so in that
 * order they are kh_report_json_tail's output.  Each appends to out. */
kh_status kh_report_json_branches_open(const kh_result *res, kh_buf *out);
kh_status kh_report_json_branch(const kh_result *res, size_t k, kh_buf *out);
kh_status kh_report_json_rankings_open(const kh_result *res, kh_buf *out);
kh_status kh_report_json_ranking_open(const kh_result *res, size_t i,
                                      kh_buf *out);
kh_status kh_report_json_row(const kh_result *res, size_t i, size_t j,
                             kh_buf *out);
kh_status kh_report_json_ranking_close(const kh_result *res, size_t i,
                                       kh_buf *out);
kh_status kh_report_json_end(const kh_result *res, kh_buf *out);
/* What a person reads in a terminal: each ranking list (rank, name,
 * score, a mark on the bottom ones), branch means, and per unit its
 * category scores, base, bonus, negative and total.  Columns are aligned
 * by display width (CJK characters count two). */
kh_status kh_report_table(const kh_result *res, kh_buf *out);
/* UTF-8 with BOM, CRLF line ends; cells starting with = + - @ are
 * prefixed with ' against formula injection. */
kh_status kh_report_csv(const kh_result *res, kh_buf *out);

/* ---- helpers shared by the writers ---- */
/* Appends s as a JSON string literal (with quotes). */
void kh_json_str(kh_buf *out, const char *s);
/* Appends a score as a JSON number (section 1). */
void kh_json_cp(kh_buf *out, kh_cp v);
/* Appends one CSV cell (quoted when needed, formula-escaped). */
void kh_csv_cell(kh_buf *out, const char *s);
/* Display width of a UTF-8 string in terminal columns. */
size_t kh_text_width(const char *s);
/* Appends s padded with spaces to width w (left-aligned, or right-aligned
 * when right is true). */
void kh_text_pad(kh_buf *out, const char *s, size_t w, bool right);

#ifdef __cplusplus
}
#endif
#endif
