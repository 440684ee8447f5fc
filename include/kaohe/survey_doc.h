/*
 * kaohe/survey_doc.h - printable questionnaire invitations: an A4 sheet
 * of slips, each with the answer link and its QR code (libqrencode,
 * drawn as inline SVG, so the page needs no image files).
 */
#ifndef KAOHE_SURVEY_DOC_H
#define KAOHE_SURVEY_DOC_H

#include <stddef.h>
#include <stdbool.h>
#include "kaohe/buf.h"
#include "kaohe/tally.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Slips per A4 page (2 columns x 4 rows). */
#define KH_SLIPS_PER_PAGE 8

/* The link of a code: base (no trailing slash needed) + "/q/" + code,
 * appended to out. */
void kh_survey_link(const char *base, const char *code, kh_buf *out);
/* A QR code of text (error correction M) as an <svg> element of the
 * given size in millimetres, appended to out.  KH_ENOMEM or KH_EINVAL
 * (text too long for a QR code). */
kh_status kh_qr_svg(const char *text, unsigned mm, kh_buf *out);
/* The whole printable page: title (the questionnaire's), unit name,
 * audience, and one slip per code.  Everything shown is escaped.  The
 * style sheet is inline, or linked from css_href when not NULL (a server
 * whose Content-Security-Policy forbids inline styles). */
kh_status kh_survey_slips_html(const char *title, const char *unit,
                               const char *audience, const char *base,
                               const char *css_href,
                               const char *const *codes, size_t n,
                               kh_buf *out);
/* The slips' style sheet (static text). */
const char *kh_survey_slips_css(void);
/* The same as CSV: a header "code,link", then one line per code. */
kh_status kh_survey_codes_csv(const char *base, const char *const *codes,
                              size_t n, kh_buf *out);

/* The tally as an Excel workbook (one sheet, a row per unit, question
 * and choice), appended to out.  Every text is written as a string cell,
 * never a formula.  Built in a private temporary directory (libxlsxwriter
 * writes files); messages on e. */
kh_status kh_tally_xlsx(const kh_tally *t, bool with_text, kh_buf *out,
                        kh_err *e);

#ifdef __cplusplus
}
#endif
#endif
