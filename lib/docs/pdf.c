/*
 * pdf.c - a kh_gw drawn as PDF with cairo (the PDF surface) and pango
 * (line breaking and shaping of Chinese text): the same GB/T 9704 page
 * as the .docx - A4, margins 37/35/28/26 mm, lines on a 28.95 pt pitch
 * of 28 三号 characters, page numbers — N — (odd pages right, even
 * left), the red head, 版记 at the foot of the last page, a watermark on
 * every page of a draft.  Text is laid out as text (never pango markup),
 * so names stay what they are.  Faces: AR PL UMing (Debian's Song/Ming
 * face) for 仿宋 and 小标宋, WenQuanYi Micro Hei for 黑体.
 */
#include "gw_impl.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <string.h>

#define PD_MM(mm10) ((double)(mm10) * 72.0 / 254.0)
#define PD_PITCH (KH_GW_LINE_CPT / 100.0)
#define PD_SERIF "AR PL UMing CN, WenQuanYi Micro Hei"
#define PD_SANS "WenQuanYi Micro Hei, AR PL UMing CN"
#define PD_CELL_PAD 2.8

typedef struct pd {
    cairo_t *cr;
    PangoContext *ctx;     /* 72 dpi: sizes are points */
    const kh_gw *g;
    double y;              /* top of the next line, from the page top */
    int page;              /* pages begun */
    double left, width, top, bottom;
} pd;

static void pd_watermark(pd *p)
{
    cairo_t *cr = p->cr;
    PangoLayout *l = pango_layout_new(p->ctx);
    PangoFontDescription *fd = pango_font_description_from_string(
        PD_SANS " 120");
    pango_layout_set_font_description(l, fd);
    pango_layout_set_text(l, "草稿", -1);
    int w, h;
    pango_layout_get_size(l, &w, &h);
    cairo_save(cr);
    cairo_translate(cr, PD_MM(KH_GW_PAGE_W_MM10) / 2,
                    PD_MM(KH_GW_PAGE_H_MM10) / 2);
    cairo_rotate(cr, -0.5236);   /* 30 degrees */
    cairo_set_source_rgba(cr, 0.75, 0, 0, 0.15);
    cairo_move_to(cr, -w / 2.0 / PANGO_SCALE, -h / 2.0 / PANGO_SCALE);
    pango_cairo_show_layout(cr, l);
    cairo_restore(cr);
    pango_font_description_free(fd);
    g_object_unref(l);
}

/* — N —, 四号, 7 mm under the type area. */
static void pd_page_number(pd *p)
{
    cairo_t *cr = p->cr;
    PangoLayout *l = pango_layout_new(p->ctx);
    PangoFontDescription *fd = pango_font_description_from_string(
        PD_SERIF " 14");
    pango_layout_set_font_description(l, fd);
    char num[32];
    snprintf(num, sizeof num, "— %d —", p->page);
    pango_layout_set_text(l, num, -1);
    int w, h;
    pango_layout_get_size(l, &w, &h);
    double x = p->page % 2 ? p->left + p->width - 14 - w / (double)PANGO_SCALE
                           : p->left + 14;
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_move_to(cr, x, p->bottom + PD_MM(70));
    pango_cairo_show_layout(cr, l);
    pango_font_description_free(fd);
    g_object_unref(l);
}

static void pd_new_page(pd *p)
{
    if (p->page) {
        pd_page_number(p);
        cairo_show_page(p->cr);
    }
    p->page++;
    p->y = p->top;
    if (p->g->draft)
        pd_watermark(p);
}

/* A layout of text in face/size (points), letter-spaced like the docx. */
static PangoLayout *pd_layout(pd *p, const char *face, double size,
                              bool bold, const char *text, double width)
{
    PangoLayout *l = pango_layout_new(p->ctx);
    PangoFontDescription *fd = pango_font_description_from_string(face);
    pango_font_description_set_size(fd, (gint)(size * PANGO_SCALE));
    if (bold)
        pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    PangoAttrList *al = pango_attr_list_new();
    pango_attr_list_insert(al, pango_attr_letter_spacing_new(
        (int)(KH_GW_CHAR_SPACING_CPT / 100.0 * PANGO_SCALE)));
    pango_layout_set_attributes(l, al);
    pango_attr_list_unref(al);
    pango_layout_set_width(l, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_text(l, text, -1);
    return l;
}

typedef struct pd_look {
    const char *face;
    double size;
    bool bold;
    double r, gr, b;
    PangoAlignment align;
    double indent;     /* first line, points */
    double right;      /* right indent, points */
} pd_look;

static pd_look pd_style(gw_style s)
{
    pd_look k = {PD_SERIF, 16, false, 0, 0, 0, PANGO_ALIGN_LEFT, 0, 0};
    double ch = 16 + KH_GW_CHAR_SPACING_CPT / 100.0;
    switch (s) {
    case GW_BODY:
    case GW_H2:
        k.indent = 2 * ch;
        break;
    case GW_H1:
        k.face = PD_SANS;
        k.indent = 2 * ch;
        break;
    case GW_TITLE:
        k.size = KH_GW_SZ_TITLE / 2.0;
        k.bold = true;
        k.align = PANGO_ALIGN_CENTER;
        break;
    case GW_CENTER:
        k.align = PANGO_ALIGN_CENTER;
        break;
    case GW_SIGN:
        k.align = PANGO_ALIGN_RIGHT;
        k.right = 4 * ch;
        break;
    case GW_NOTE:
        k.size = KH_GW_SZ_NOTE / 2.0;
        break;
    default:
        break;
    }
    return k;
}

/* Draws text on the grid: one 28.95 pt line per laid-out line. */
static void pd_lines(pd *p, const pd_look *k, const char *text)
{
    if (!*text) {
        if (p->y + PD_PITCH > p->bottom)
            pd_new_page(p);
        p->y += PD_PITCH;
        return;
    }
    PangoLayout *l = pd_layout(p, k->face, k->size, k->bold, text,
                               p->width - k->right);
    pango_layout_set_alignment(l, k->align);
    pango_layout_set_indent(l, (int)(k->indent * PANGO_SCALE));
    PangoLayoutIter *it = pango_layout_get_iter(l);
    do {
        if (p->y + PD_PITCH > p->bottom + 0.01)
            pd_new_page(p);
        PangoLayoutLine *ln = pango_layout_iter_get_line_readonly(it);
        PangoRectangle log;
        /* Layout coordinates: alignment and indent included. */
        pango_layout_iter_get_line_extents(it, NULL, &log);
        double x = p->left + log.x / (double)PANGO_SCALE;
        double base = p->y + PD_PITCH * 0.5 + k->size * 0.36;
        cairo_set_source_rgb(p->cr, k->r, k->gr, k->b);
        cairo_move_to(p->cr, x, base);
        pango_cairo_show_layout_line(p->cr, ln);
        p->y += PD_PITCH;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    g_object_unref(l);
}

/* ---- tables --------------------------------------------------------- */

static double pd_cell_x(const double *cw, size_t c, double left)
{
    for (size_t k = 0; k < c; k++)
        left += cw[k];
    return left;
}

static double pd_span_w(const gw_table *t, const double *cw, size_t i,
                        size_t c)
{
    double w = 0;
    for (size_t k = c; k < c + t->span[i] && k < t->ncols; k++)
        w += cw[k];
    return w;
}

static double pd_row_height(pd *p, const gw_table *t, const double *cw,
                            size_t r)
{
    double h = 0;
    bool bold = t->flags[r] & (GW_ROW_HEAD | GW_ROW_BOLD);
    for (size_t c = 0; c < t->ncols; c++) {
        size_t i = r * t->ncols + c;
        if (!t->span[i])
            continue;
        PangoLayout *l = pd_layout(p, PD_SERIF, KH_GW_SZ_CELL / 2.0, bold,
                                   t->cells[i] ? t->cells[i] : "",
                                   pd_span_w(t, cw, i, c) - 2 * PD_CELL_PAD);
        int lw, lh;
        pango_layout_get_size(l, &lw, &lh);
        if (lh / (double)PANGO_SCALE > h)
            h = lh / (double)PANGO_SCALE;
        g_object_unref(l);
    }
    return h + 2 * PD_CELL_PAD;
}

static void pd_row(pd *p, const gw_table *t, const double *cw, size_t r,
                   double h)
{
    cairo_t *cr = p->cr;
    unsigned f = t->flags[r];
    for (size_t c = 0; c < t->ncols; c++) {
        size_t i = r * t->ncols + c;
        if (!t->span[i])
            continue;
        double x = pd_cell_x(cw, c, p->left), w = pd_span_w(t, cw, i, c);
        if (f & (GW_ROW_HEAD | GW_ROW_MARK)) {
            if (f & GW_ROW_HEAD)
                cairo_set_source_rgb(cr, 0.906, 0.902, 0.902);
            else
                cairo_set_source_rgb(cr, 0.973, 0.796, 0.678);
            cairo_rectangle(cr, x, p->y, w, h);
            cairo_fill(cr);
        }
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_set_line_width(cr, 0.5);
        cairo_rectangle(cr, x, p->y, w, h);
        cairo_stroke(cr);
        PangoLayout *l = pd_layout(p, PD_SERIF, KH_GW_SZ_CELL / 2.0,
                                   f & (GW_ROW_HEAD | GW_ROW_BOLD),
                                   t->cells[i] ? t->cells[i] : "",
                                   w - 2 * PD_CELL_PAD);
        char al = f & GW_ROW_HEAD ? 'c' : t->align[c];
        pango_layout_set_alignment(l, al == 'c'   ? PANGO_ALIGN_CENTER
                                      : al == 'r' ? PANGO_ALIGN_RIGHT
                                                  : PANGO_ALIGN_LEFT);
        int lw, lh;
        pango_layout_get_size(l, &lw, &lh);
        cairo_move_to(cr, x + PD_CELL_PAD,
                      p->y + (h - lh / (double)PANGO_SCALE) / 2);
        pango_cairo_show_layout(cr, l);
        g_object_unref(l);
    }
    p->y += h;
}

static void pd_table(pd *p, const gw_table *t)
{
    double cw[KH_GW_MAX_COLS];
    size_t nc = t->ncols;
    if (!nc || nc > KH_GW_MAX_COLS)
        return;
    unsigned sum = 0;
    for (size_t c = 0; c < nc; c++)
        sum += t->widths[c];
    for (size_t c = 0; c < nc; c++)
        cw[c] = sum ? p->width * t->widths[c] / sum : 0;
    size_t heads = 0;
    while (heads < t->nrows && t->flags[heads] & GW_ROW_HEAD)
        heads++;
    for (size_t r = 0; r < t->nrows; r++) {
        double h = pd_row_height(p, t, cw, r);
        if (p->y + h > p->bottom && p->y > p->top + 1) {
            pd_new_page(p);
            for (size_t k = 0; k < heads && r >= heads; k++)
                pd_row(p, t, cw, k, pd_row_height(p, t, cw, k));
        }
        pd_row(p, t, cw, r, h);
    }
    /* Back onto the line grid. */
    double off = (p->y - p->top) / PD_PITCH;
    p->y = p->top + PD_PITCH * (double)(long)(off + 0.999);
}

/* ---- the 公文 frame ------------------------------------------------- */

static void pd_rule(pd *p, double y, double w, double r)
{
    cairo_set_source_rgb(p->cr, r, 0, 0);
    cairo_set_line_width(p->cr, w);
    cairo_move_to(p->cr, p->left, y);
    cairo_line_to(p->cr, p->left + p->width, y);
    cairo_stroke(p->cr);
}

static void pd_redhead(pd *p)
{
    const kh_gw *g = p->g;
    char mark[512];
    snprintf(mark, sizeof mark, "%s文件", g->issuer);
    pd_look k = {PD_SERIF, KH_GW_SZ_MARK / 2.0, true, 1, 0, 0,
                 PANGO_ALIGN_CENTER, 0, 0};
    pd_lines(p, &k, mark);
    p->y += PD_PITCH;
    pd_look n = pd_style(GW_CENTER);
    pd_lines(p, &n, g->number);
    pd_rule(p, p->y + PD_MM(40) - PD_PITCH / 2 + 8, 1.5, 1);
    p->y += PD_PITCH;
}

/* 落款, 成文日期; then the 版记 at the foot of the last page. */
static void pd_tail(pd *p)
{
    const kh_gw *g = p->g;
    pd_look s = pd_style(GW_SIGN);
    p->y += 2 * PD_PITCH;
    pd_lines(p, &s, g->issuer);
    pd_lines(p, &s, g->date);
    double need = 2 * PD_PITCH;
    if (p->y + need > p->bottom)
        pd_new_page(p);
    p->y = p->bottom - need;
    pd_rule(p, p->y, 1, 0);
    char cc[512];
    snprintf(cc, sizeof cc, "抄送：%s。", g->cc);
    pd_look k = {PD_SERIF, 14, false, 0, 0, 0, PANGO_ALIGN_LEFT, 14, 0};
    pd_lines(p, &k, cc);
    pd_rule(p, p->y, 0.7, 0);
    char issued[256];
    snprintf(issued, sizeof issued, "%s印发", g->date);
    double y = p->y;
    pd_lines(p, &k, g->printer);
    p->y = y;
    k.align = PANGO_ALIGN_RIGHT;
    k.indent = 0;
    k.right = 14;
    pd_lines(p, &k, issued);
    pd_rule(p, p->y, 1, 0);
}

static void pd_document(pd *p)
{
    const kh_gw *g = p->g;
    pd_new_page(p);
    if (g->redhead)
        pd_redhead(p);
    pd_look t = pd_style(GW_TITLE);
    pd_lines(p, &t, g->title);
    p->y += PD_PITCH;
    if (g->redhead) {
        char to[512];
        snprintf(to, sizeof to, "%s：", g->to);
        pd_look k = pd_style(GW_PLAIN);
        pd_lines(p, &k, to);
    }
    for (size_t i = 0; i < g->n; i++) {
        const gw_block *b = &g->b[i];
        if (b->kind == GW_PARA) {
            pd_look k = pd_style(b->style);
            pd_lines(p, &k, b->text);
        } else if (b->kind == GW_TABLE) {
            pd_table(p, &b->t);
        } else {
            pd_new_page(p);
        }
    }
    if (g->redhead)
        pd_tail(p);
    pd_page_number(p);
    cairo_show_page(p->cr);
}

static cairo_status_t pd_sink(void *closure, const unsigned char *data,
                              unsigned int len)
{
    kh_buf *out = closure;
    kh_buf_add(out, data, len);
    return kh_buf_status(out) == KH_OK ? CAIRO_STATUS_SUCCESS
                                       : CAIRO_STATUS_WRITE_ERROR;
}

kh_status kh_pdf_write(const kh_gw *g, kh_buf *out, kh_err *e)
{
    kh_status rc = kh_gw_status(g, e);
    if (rc != KH_OK)
        return rc;
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(
        pd_sink, out, PD_MM(KH_GW_PAGE_W_MM10), PD_MM(KH_GW_PAGE_H_MM10));
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, g->title);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "kaohe");
    cairo_t *cr = cairo_create(s);
    pd p = {.cr = cr, .g = g,
            .left = PD_MM(KH_GW_LEFT_MM10),
            .width = PD_MM(KH_GW_PAGE_W_MM10 - KH_GW_LEFT_MM10 -
                           KH_GW_RIGHT_MM10),
            .top = PD_MM(KH_GW_TOP_MM10),
            .bottom = PD_MM(KH_GW_PAGE_H_MM10 - KH_GW_BOTTOM_MM10)};
    /* A font map of our own, freed with the document, rather than
     * pango's per-thread default that lives until the process ends. */
    PangoFontMap *fm = pango_cairo_font_map_new();
    p.ctx = pango_font_map_create_context(fm);
    pango_cairo_update_context(cr, p.ctx);
    pango_cairo_context_set_resolution(p.ctx, 72);
    if (cairo_status(cr) == CAIRO_STATUS_SUCCESS)
        pd_document(&p);
    g_object_unref(p.ctx);
    g_object_unref(fm);
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    if (cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (kh_buf_status(out) != KH_OK)
        return kh_err_fail(e, kh_buf_status(out), "pdf: the document does "
                           "not fit in memory");
    if (cs != CAIRO_STATUS_SUCCESS)
        return kh_err_fail(e, KH_EIO, "pdf: %s", cairo_status_to_string(cs));
    return KH_OK;
}
