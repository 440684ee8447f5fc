/*
 * kaohe/gongwen.h - the official documents of a year as 公文 (issue 14):
 * Word (.docx, WordprocessingML written by kaohe) and PDF (cairo +
 * pango), laid out after GB/T 9704-2012 (A4, margins 37/35/28/26 mm,
 * 22 lines of 28 characters, page numbers — 1 —).
 *
 * Documents:
 *   notice       考核结果通报: a Party committee document (红头: 发文机关
 *                标志, 发文字号, the red line; 主送; 落款 and 成文日期;
 *                版记 with 抄送 and 印发) holding both ranking lists,
 *                the reminder talks and the rectification deadlines
 *   sheet        意识形态工作责任制考核评分表 of one unit
 *   followup     整改跟踪 of a published year (KH_ESTATE before)
 *   compilation  有效做法和特色经验汇编 (the good practices)
 * The frame comes from the year's document settings
 * (kaohe/store_docset.h); a year without 文号 says （文号待定）.  A draft
 * year's documents say （草稿） in the title and carry a watermark.
 * Every name, 文号 and reason is written as text, never as markup.
 *
 * Memory: x is borrowed; the document is appended to out.
 */
#ifndef KAOHE_GONGWEN_H
#define KAOHE_GONGWEN_H

#include <stddef.h>
#include "kaohe/buf.h"
#include "kaohe/error.h"
#include "kaohe/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum kh_gongwen_kind {
    KH_GONGWEN_NOTICE = 0,
    KH_GONGWEN_SHEET,
    KH_GONGWEN_FOLLOWUP,
    KH_GONGWEN_COMPILATION
} kh_gongwen_kind;

typedef enum kh_gongwen_format {
    KH_GONGWEN_DOCX = 0,
    KH_GONGWEN_PDF
} kh_gongwen_format;

/* Writes document `what` of x (sheet: of unit u, an index from
 * kh_export_unit; ignored otherwise) as fmt, appended to out. */
kh_status kh_gongwen_write(const kh_export *x, kh_gongwen_kind what,
                           size_t u, kh_gongwen_format fmt, kh_buf *out,
                           kh_err *e);

#ifdef __cplusplus
}
#endif
#endif
