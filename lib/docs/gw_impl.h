/*
 * gw_impl.h - the laid-out official document (公文) that the writers
 * share: lib/docs/gongwen.c fills it from a year (what the documents
 * say), lib/docs/docx_pkg.c + docx_body.c write it as WordprocessingML
 * and lib/docs/pdf.c draws it with cairo + pango (how they look).  One
 * content, two formats, so the .docx and the PDF never disagree.
 * Private to lib/docs/.
 *
 * Text is plain UTF-8 (never markup): each writer escapes or lays it out
 * as text.  A '\n' in a paragraph or cell is a line break.
 */
#ifndef KAOHE_GW_IMPL_H
#define KAOHE_GW_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include "kaohe/buf.h"
#include "kaohe/error.h"

/* GB/T 9704-2012 geometry, in tenths of a millimetre and in twips
 * (1/1440 inch), defined once. */
#define KH_GW_PAGE_W_MM10 2100
#define KH_GW_PAGE_H_MM10 2970
#define KH_GW_TOP_MM10 370
#define KH_GW_BOTTOM_MM10 350
#define KH_GW_LEFT_MM10 280
#define KH_GW_RIGHT_MM10 260
/* 22 lines of 28 characters: exact line pitch 28.95 pt (in 1/100 pt). */
#define KH_GW_LINE_CPT 2895
#define KH_GW_LINES 22
#define KH_GW_CHARS 28
/* 28 三号 characters fill the 156 mm line when each is 0.25 pt narrower
 * (28 × 15.75 pt = 441 pt of 442.2; a 29th does not fit).  In 1/100 pt;
 * Word's w:spacing is in 1/20 pt. */
#define KH_GW_CHAR_SPACING_CPT (-25)
/* Type sizes in half points (Word's unit): 二号 22 pt, 三号 16 pt,
 * 四号 14 pt, 五号 10.5 pt; the 发文机关标志 26 pt. */
#define KH_GW_SZ_MARK 52
#define KH_GW_SZ_TITLE 44
#define KH_GW_SZ_BODY 32
#define KH_GW_SZ_NOTE 28
#define KH_GW_SZ_CELL 21
/* Most blocks a document holds (the large year's sheet stays far below). */
#define KH_GW_MAX_BLOCKS 100000
/* Most columns a table has (the documents use at most 7). */
#define KH_GW_MAX_COLS 64

typedef enum gw_style {
    GW_BODY = 0,   /* 仿宋 三号, first line indented two characters */
    GW_H1,         /* 黑体 三号: 一、… */
    GW_H2,         /* 楷体 三号: （一）… */
    GW_PLAIN,      /* 仿宋 三号, not indented (主送机关, 附件 label) */
    GW_TITLE,      /* 小标宋 二号, centred */
    GW_CENTER,     /* 仿宋 三号, centred (the line under a title) */
    GW_SIGN,       /* 仿宋 三号, right, four characters in (落款, date) */
    GW_NOTE,       /* 仿宋 四号, not indented (under tables, signatures) */
    GW_STYLE_COUNT
} gw_style;

/* Row flags of a table. */
#define GW_ROW_HEAD 1u   /* heading row: bold, shaded, repeated per page */
#define GW_ROW_BOLD 2u   /* subtotal and total rows */
#define GW_ROW_MARK 4u   /* a bottom unit: shaded */

typedef enum gw_kind { GW_PARA, GW_TABLE, GW_BREAK } gw_kind;

typedef struct gw_table {
    size_t ncols, nrows;
    unsigned *widths;      /* ncols relative widths, owned */
    char *align;           /* ncols of 'l', 'c', 'r'; owned, NUL-ended */
    char **cells;          /* nrows * ncols, owned ("" for empty) */
    unsigned *flags;       /* nrows GW_ROW_*, owned */
    unsigned char *span;   /* per cell: columns it covers (1), 0 when
                              covered by the cell before; owned */
    size_t acells;
} gw_table;

typedef struct gw_block {
    gw_kind kind;
    gw_style style;        /* GW_PARA */
    char *text;            /* GW_PARA, owned */
    gw_table t;            /* GW_TABLE */
} gw_block;

/* The document: its frame (红头, 版记) and its blocks in order. */
typedef struct kh_gw {
    bool redhead;          /* 发文机关标志, 发文字号, red line, 落款, 版记 */
    bool draft;            /* （草稿） in the title and a watermark */
    char *issuer;          /* 发文机关 (署名 and 标志 "…文件") */
    char *number;          /* 发文字号, or "（文号待定）" */
    char *to;              /* 主送机关 */
    char *cc;              /* 抄送 */
    char *printer;         /* 印发机关 */
    char *date;            /* 成文日期 "2026年12月7日" */
    char *title;           /* with （草稿） for a draft */
    gw_block *b;
    size_t n, cap;
    kh_status st;          /* sticky: KH_ENOMEM or KH_ELIMIT */
} kh_gw;

/* A new empty document; NULL when out of memory.  Caller owns it
 * (kh_gw_free).  Strings passed to the setters are copied. */
kh_gw *kh_gw_new(void);
void kh_gw_free(kh_gw *g);
/* Sets a frame string (field points into g, e.g. &g->issuer). */
void kh_gw_set(kh_gw *g, char **field, const char *s);
/* Appends a paragraph (text copied). */
void kh_gw_para(kh_gw *g, gw_style style, const char *text);
/* Appends a paragraph from a printf format. */
void kh_gw_paraf(kh_gw *g, gw_style style, const char *fmt, ...)
    KH_PRINTF(3, 4);
/* Appends a page break. */
void kh_gw_break(kh_gw *g);
/* Starts a table of ncols columns: widths (relative) and align ("lcr"
 * letters) are copied.  Rows follow with kh_gw_row + kh_gw_cell. */
void kh_gw_table(kh_gw *g, size_t ncols, const unsigned *widths,
                 const char *align);
/* Starts a row of the last table with flags GW_ROW_*. */
void kh_gw_row(kh_gw *g, unsigned flags);
/* Appends the next cell of the current row (text copied; NULL is ""). */
void kh_gw_cell(kh_gw *g, const char *text);
/* Appends the next cell covering n columns (n >= 1) of the row. */
void kh_gw_cell_span(kh_gw *g, const char *text, size_t n);
/* The sticky status, with a message on e when not KH_OK. */
kh_status kh_gw_status(const kh_gw *g, kh_err *e);

/* "2026年12月7日" from "2026-12-07" into out (at least 32 bytes). */
void kh_gw_date_cn(const char *iso, char *out, size_t sz);

/* The writers (each appends the whole file to out). */
kh_status kh_docx_write(const kh_gw *g, kh_buf *out, kh_err *e);
kh_status kh_pdf_write(const kh_gw *g, kh_buf *out, kh_err *e);

/* docx_body.c: word/document.xml of g (used by docx_pkg.c).  The
 * section properties name footers rId10 (odd) and rId11 (even) and, for
 * a draft, header rId12 (the watermark). */
void kh_docx_document_xml(const kh_gw *g, kh_buf *out);
/* Text as runs' content: escaped, '\n' as <w:br/>, '\t' as <w:tab/>;
 * invalid UTF-8 as U+FFFD, other control characters dropped. */
void kh_docx_text(kh_buf *out, const char *s);

#endif
