/*
 * docx_body.c - the body markup of a .docx (word/document.xml): the
 * 公文 frame (发文机关标志, 发文字号 over the red line, title, 主送,
 * 落款, 成文日期, 版记), paragraphs, runs, tables and page breaks of a
 * kh_gw, and the section's page setup (A4, GB/T 9704 margins, the
 * 22 × 28 grid).  The styles these paragraphs name are defined in
 * docx_pkg.c.  Every text goes through kh_docx_text.
 */
#include "gw_impl.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/html.h"

/* Style ids of gw_style, in order (styles.xml defines them). */
static const char *const db_style[GW_STYLE_COUNT] = {
    "Body", "H1", "H2", "Plain", "GwTitle", "Center", "Sign", "Note"};

/* Tenths of a millimetre to twips. */
static long db_twips(long mm10)
{
    return (mm10 * 1440 + 127) / 254;
}

/* A helper buffer failed: reserving past any cap puts out in its sticky
 * error state too, so the caller's single check sees it. */
static void db_poison(kh_buf *out)
{
    (void)kh_buf_reserve(out, SIZE_MAX);
}

static void db_segment(kh_buf *out, kh_buf *seg)
{
    if (!seg->len)
        return;
    kh_buf_puts(out, "<w:t xml:space=\"preserve\">");
    kh_html_text(out, kh_buf_str(seg));
    kh_buf_puts(out, "</w:t>");
    kh_buf_reset(seg);
}

void kh_docx_text(kh_buf *out, const char *s)
{
    kh_buf seg;
    kh_buf_init(&seg, 0);
    for (; s && *s; s++) {
        if (*s == '\n' || *s == '\t') {
            db_segment(out, &seg);
            kh_buf_puts(out, *s == '\n' ? "<w:br/>" : "<w:tab/>");
        } else {
            kh_buf_putc(&seg, *s);
        }
    }
    db_segment(out, &seg);
    if (kh_buf_status(&seg) != KH_OK)
        db_poison(out);
    kh_buf_free(&seg);
}

/* A paragraph of style id with one run (rpr: run properties or ""). */
static void db_para(kh_buf *out, const char *style, const char *ppr,
                    const char *rpr, const char *text)
{
    kh_buf_printf(out, "<w:p><w:pPr><w:pStyle w:val=\"%s\"/>%s</w:pPr>",
                  style, ppr);
    if (text && *text) {
        kh_buf_printf(out, "<w:r>%s%s%s", *rpr ? "<w:rPr>" : "", rpr,
                      *rpr ? "</w:rPr>" : "");
        kh_docx_text(out, text);
        kh_buf_puts(out, "</w:r>");
    }
    kh_buf_puts(out, "</w:p>\n");
}

static void db_blank(kh_buf *out)
{
    db_para(out, "Plain", "", "", NULL);
}

static void db_table(const gw_table *t, kh_buf *out)
{
    long width = db_twips(KH_GW_PAGE_W_MM10 - KH_GW_LEFT_MM10 -
                          KH_GW_RIGHT_MM10);
    unsigned sum = 0;
    for (size_t c = 0; c < t->ncols; c++)
        sum += t->widths[c];
    kh_buf_puts(out, "<w:tbl><w:tblPr><w:tblW w:w=\"5000\" w:type=\"pct\"/>"
                     "<w:jc w:val=\"center\"/><w:tblBorders>");
    static const char *const sides[] = {"top", "left", "bottom", "right",
                                        "insideH", "insideV"};
    for (size_t i = 0; i < 6; i++)
        kh_buf_printf(out, "<w:%s w:val=\"single\" w:sz=\"4\" w:space=\"0\""
                           " w:color=\"000000\"/>", sides[i]);
    kh_buf_puts(out, "</w:tblBorders><w:tblLayout w:type=\"fixed\"/>"
                     "<w:tblCellMar><w:left w:w=\"57\" w:type=\"dxa\"/>"
                     "<w:right w:w=\"57\" w:type=\"dxa\"/></w:tblCellMar>"
                     "</w:tblPr><w:tblGrid>");
    long *cw = calloc(t->ncols ? t->ncols : 1, sizeof *cw);
    for (size_t c = 0; cw && c < t->ncols; c++) {
        cw[c] = sum ? width * (long)t->widths[c] / (long)sum : 0;
        kh_buf_printf(out, "<w:gridCol w:w=\"%ld\"/>", cw[c]);
    }
    kh_buf_puts(out, "</w:tblGrid>\n");
    for (size_t r = 0; cw && r < t->nrows; r++) {
        unsigned f = t->flags[r];
        kh_buf_printf(out, "<w:tr><w:trPr><w:cantSplit/>%s</w:trPr>",
                      f & GW_ROW_HEAD ? "<w:tblHeader/>" : "");
        for (size_t c = 0; c < t->ncols; c++) {
            size_t i = r * t->ncols + c;
            if (!t->span[i])
                continue;
            long w = 0;
            for (size_t k = c; k < c + t->span[i]; k++)
                w += cw[k];
            const char *fill = f & GW_ROW_HEAD   ? "E7E6E6"
                               : f & GW_ROW_MARK ? "F8CBAD"
                                                 : NULL;
            kh_buf_printf(out, "<w:tc><w:tcPr><w:tcW w:w=\"%ld\" "
                               "w:type=\"dxa\"/>", w);
            if (t->span[i] > 1)
                kh_buf_printf(out, "<w:gridSpan w:val=\"%u\"/>",
                              t->span[i]);
            if (fill)
                kh_buf_printf(out, "<w:shd w:val=\"clear\" w:color=\"auto\""
                                   " w:fill=\"%s\"/>", fill);
            char al = f & GW_ROW_HEAD ? 'c' : t->align[c];
            char ppr[64];
            snprintf(ppr, sizeof ppr, "<w:jc w:val=\"%s\"/>",
                     al == 'c' ? "center" : al == 'r' ? "right" : "left");
            kh_buf_puts(out, "<w:vAlign w:val=\"center\"/></w:tcPr>");
            db_para(out, "Cell", ppr,
                    f & (GW_ROW_HEAD | GW_ROW_BOLD) ? "<w:b/>" : "",
                    t->cells[i]);
            kh_buf_puts(out, "</w:tc>");
        }
        kh_buf_puts(out, "</w:tr>\n");
    }
    if (!cw)
        db_poison(out);
    free(cw);
    kh_buf_puts(out, "</w:tbl>\n");
}

/* 发文机关标志, blank, 发文字号 over the red line, blank. */
static void db_redhead(const kh_gw *g, kh_buf *out)
{
    kh_buf mark;
    kh_buf_init(&mark, 0);
    kh_buf_printf(&mark, "%s文件", g->issuer);
    db_para(out, "Mark", "", "", kh_buf_str(&mark));
    kh_buf_free(&mark);
    db_blank(out);
    db_para(out, "Number", "", "", g->number);
    db_blank(out);
}

/* 落款 and 成文日期, then the 版记 (抄送, 印发机关 and 印发日期). */
static void db_tail(const kh_gw *g, kh_buf *out)
{
    db_blank(out);
    db_blank(out);
    db_para(out, "Sign", "", "", g->issuer);
    db_para(out, "Sign", "", "", g->date);
    db_blank(out);
    kh_buf cc;
    kh_buf_init(&cc, 0);
    kh_buf_printf(&cc, "抄送：%s。", g->cc);
    db_para(out, "Banji", "<w:pBdr><w:top w:val=\"single\" w:sz=\"8\" "
                 "w:space=\"1\" w:color=\"000000\"/><w:bottom "
                 "w:val=\"single\" w:sz=\"6\" w:space=\"1\" "
                 "w:color=\"000000\"/></w:pBdr>", "", kh_buf_str(&cc));
    kh_buf_reset(&cc);
    kh_buf_printf(&cc, "%s\t%s印发", g->printer, g->date);
    db_para(out, "Banji", "<w:pBdr><w:bottom w:val=\"single\" w:sz=\"8\" "
                 "w:space=\"1\" w:color=\"000000\"/></w:pBdr>", "",
            kh_buf_str(&cc));
    if (kh_buf_status(&cc) != KH_OK)
        db_poison(out);
    kh_buf_free(&cc);
}

static void db_sect(const kh_gw *g, kh_buf *out)
{
    kh_buf_puts(out, "<w:sectPr>");
    if (g->draft)
        kh_buf_puts(out, "<w:headerReference w:type=\"default\" "
                         "r:id=\"rId12\"/><w:headerReference w:type=\"even\""
                         " r:id=\"rId12\"/>");
    kh_buf_puts(out, "<w:footerReference w:type=\"default\" r:id=\"rId10\"/>"
                     "<w:footerReference w:type=\"even\" r:id=\"rId11\"/>");
    kh_buf_printf(out, "<w:pgSz w:w=\"%ld\" w:h=\"%ld\"/>",
                  db_twips(KH_GW_PAGE_W_MM10), db_twips(KH_GW_PAGE_H_MM10));
    /* Page number 7 mm under the type area: the footer's distance is
     * the bottom margin less 7 mm and one 四号 line. */
    kh_buf_printf(out, "<w:pgMar w:top=\"%ld\" w:right=\"%ld\" "
                       "w:bottom=\"%ld\" w:left=\"%ld\" w:header=\"851\" "
                       "w:footer=\"%ld\" w:gutter=\"0\"/>",
                  db_twips(KH_GW_TOP_MM10), db_twips(KH_GW_RIGHT_MM10),
                  db_twips(KH_GW_BOTTOM_MM10), db_twips(KH_GW_LEFT_MM10),
                  db_twips(KH_GW_BOTTOM_MM10 - 70 - 56));
    /* A line grid only: LibreOffice and Word disagree on a character
     * grid's pitch, so 28 characters a line come from the characters'
     * spacing instead (styles.xml, KH_GW_CHAR_SPACING). */
    kh_buf_printf(out, "<w:pgNumType w:fmt=\"decimal\"/><w:docGrid "
                       "w:type=\"lines\" w:linePitch=\"%d\"/></w:sectPr>",
                  KH_GW_LINE_CPT / 5);
}

void kh_docx_document_xml(const kh_gw *g, kh_buf *out)
{
    kh_buf_puts(out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/"
        "wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats"
        ".org/officeDocument/2006/relationships\"><w:body>\n");
    if (g->redhead)
        db_redhead(g, out);
    db_para(out, "GwTitle", "", "", g->title);
    db_blank(out);
    if (g->redhead) {
        kh_buf to;
        kh_buf_init(&to, 0);
        kh_buf_printf(&to, "%s：", g->to);
        db_para(out, "Plain", "", "", kh_buf_str(&to));
        kh_buf_free(&to);
    }
    for (size_t i = 0; i < g->n; i++) {
        const gw_block *b = &g->b[i];
        if (b->kind == GW_PARA)
            db_para(out, db_style[b->style], "", "", b->text);
        else if (b->kind == GW_TABLE)
            db_table(&b->t, out);
        else
            kh_buf_puts(out, "<w:p><w:r><w:br w:type=\"page\"/></w:r>"
                             "</w:p>\n");
    }
    if (g->redhead)
        db_tail(g, out);
    else
        db_blank(out);
    db_sect(g, out);
    kh_buf_puts(out, "</w:body></w:document>\n");
}
