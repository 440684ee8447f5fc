/*
 * export_xlsx.c - the year's Excel workbook (kaohe export xlsx) written
 * with libxlsxwriter: 汇总 (every ranking list), 支部 (branches with
 * their units and means), 自查对比 (self-check against inspection base),
 * 图表 (a native bar chart of each ranking list's totals), 整改跟踪
 * (follow-up, published years), then one score sheet per unit.
 *
 * Cells: every score is a number cell (format 0.00); every text is a
 * string cell (worksheet_write_string), which Excel never evaluates, so
 * a unit named "=1+2" shows as that text.  The text is written exactly:
 * no ' is prefixed, since a visible apostrophe would change the unit
 * names in an official document (libxlsxwriter 1.1.4 has no quotePrefix
 * style).  Control characters other than tab and newline are dropped
 * and invalid UTF-8 becomes U+FFFD, as XML requires.
 *
 * Constant-memory mode (KH_XLSX_CONSTANT_MEMORY) streams each sheet's
 * rows to a temporary file, so every sheet writes its rows strictly in
 * order here.  It is not the default: it keeps one open file and its
 * buffers per sheet until the workbook is closed and writes strings
 * inline, and for a year's workbook (many short unit sheets) that costs
 * more memory, not less (bench/export: 3,000 units, 437 MB against
 * 185 MB in memory; docs/PERFORMANCE.md).  It is refused when the sheets
 * would not fit well within the open-file limit.
 */
#include "export_impl.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kaohe/report.h"
#include "kaohe/utf8.h"
#include <sys/resource.h>
#include <xlsxwriter.h>

/* Excel's limit on a sheet name, in UTF-16 code units. */
#define XS_SHEET_NAME_MAX 31
/* Columns whose widths are remembered for the heading rows' heights. */
#define XS_COLS_MAX 64
/* Height of one line of 11 pt 宋体 (points), and Excel's default width
 * of a column (in character units). */
#define XS_LINE_PT 14.25
#define XS_DEFAULT_COL_W 8.43

typedef struct xs_fmt {
    lxw_format *title, *subtitle, *head, *text, *wrap, *num, *num_bold,
        *bold_text, *bottom_text, *bottom_num, *cat, *cat_num, *note;
} xs_fmt;

typedef struct xs {
    const kh_export *x;
    lxw_workbook *wb;
    xs_fmt f;
    kh_buf tmp;            /* scratch for cleaned strings */
    lxw_error err;         /* first libxlsxwriter error */
    char **names;          /* sheet names in use (owned) */
    size_t nnames;
    /* 汇总 rows of each ranking (for the charts) */
    lxw_row_t *rank_first, *rank_last;
    /* The current sheet's column widths and the most lines a heading of
     * its heading row wraps to (LibreOffice does not grow a row for
     * wrapped text written without a height: headings overlapped). */
    double colw[XS_COLS_MAX];
    unsigned head_lines;
} xs;

/* ---- cells --------------------------------------------------------- */

static void xs_check(xs *w, lxw_error err)
{
    if (err != LXW_NO_ERROR && w->err == LXW_NO_ERROR)
        w->err = err;
}

/* s cleaned for XML (see the file comment), in w->tmp (borrowed until the
 * next call). */
static const char *xs_clean(xs *w, const char *s)
{
    kh_buf_reset(&w->tmp);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;) {
        if (*p < 0x20 || *p == 0x7F) {
            if (*p == '\n' || *p == '\t')
                kh_buf_putc(&w->tmp, (char)*p);
            p++;
            continue;
        }
        size_t n = kh_utf8_len(p);
        if (n == 0) {
            kh_buf_puts(&w->tmp, "\xEF\xBF\xBD");
            p++;
        } else {
            kh_buf_add(&w->tmp, p, n);
            p += n;
        }
    }
    return kh_buf_str(&w->tmp);
}

/* Lines heading text s takes in column c (CJK characters count two
 * units, bold ones a tenth more). */
static unsigned xs_lines(const xs *w, lxw_col_t c, const char *s)
{
    double cw = c < XS_COLS_MAX && w->colw[c] > 0 ? w->colw[c]
                                                   : XS_DEFAULT_COL_W;
    double need = (double)kh_text_width(s) * 1.1;
    unsigned n = 1;
    while (need > cw * n)
        n++;
    return n;
}

static void xs_str(xs *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                   const char *s, lxw_format *f)
{
    if (f && f == w->f.head) {
        unsigned n = xs_lines(w, c, s ? s : "");
        if (n > w->head_lines)
            w->head_lines = n;
    }
    const char *t = xs_clean(w, s);
    if (*t)
        xs_check(w, worksheet_write_string(ws, r, c, t, f));
    else
        xs_check(w, worksheet_write_blank(ws, r, c, f));
}

static void xs_num(xs *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                   kh_cp v, lxw_format *f)
{
    /* v / 100.0 is the nearest double to the two-decimal value, and Excel
     * shows it through the 0.00 format exactly. */
    xs_check(w, worksheet_write_number(ws, r, c, (double)v / 100.0, f));
}

static void xs_printf(xs *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                      lxw_format *f, const char *fmt, ...) KH_PRINTF(6, 7);
static void xs_printf(xs *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                      lxw_format *f, const char *fmt, ...)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    va_list ap;
    va_start(ap, fmt);
    kh_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    xs_str(w, ws, r, c, kh_buf_str(&b), f);
    kh_buf_free(&b);
}

/* Column widths, remembered for xs_head_end. */
static void xs_col(xs *w, lxw_worksheet *ws, lxw_col_t first,
                   lxw_col_t last, double width)
{
    for (lxw_col_t c = first; c <= last && c < XS_COLS_MAX; c++)
        w->colw[c] = width;
    xs_check(w, worksheet_set_column(ws, first, last, width, NULL));
}

/* The heading row r is as tall as its longest heading wraps. */
static void xs_head_end(xs *w, lxw_worksheet *ws, lxw_row_t r)
{
    xs_check(w, worksheet_set_row(ws, r, XS_LINE_PT * w->head_lines + 3,
                                  NULL));
}

/* A title across columns 0..last of row r. */
static void xs_title(xs *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t last,
                     const char *s, lxw_format *f)
{
    const char *t = xs_clean(w, s);
    xs_check(w, worksheet_merge_range(ws, r, 0, r, last, t, f));
}

/* ---- page setup ---------------------------------------------------- */

/* Header/footer text: & doubled (it starts a code), at most 200 bytes
 * of whole UTF-8 characters (Excel's limit is 255 with the codes). */
static void xs_hf_text(kh_buf *out, const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && n < 200;) {
        size_t k = kh_utf8_len(p);
        if (k == 0 || *p < 0x20) {
            p++;
            continue;
        }
        if (*p == '&')
            kh_buf_putc(out, '&');
        kh_buf_add(out, p, k);
        n += k;
        p += k;
    }
}

static void xs_page(xs *w, lxw_worksheet *ws, const char *what,
                    bool landscape, lxw_row_t repeat_last)
{
    worksheet_set_paper(ws, 9);   /* A4 */
    if (landscape)
        worksheet_set_landscape(ws);
    else
        worksheet_set_portrait(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_set_margins(ws, 0.5, 0.5, 0.75, 0.75);
    kh_buf h;
    kh_buf_init(&h, 0);
    kh_buf_printf(&h, "&C%d 年度", w->x->year);
    xs_hf_text(&h, what);
    xs_hf_text(&h, kh_xp_draft_mark(w->x));
    xs_check(w, worksheet_set_header(ws, kh_buf_str(&h)));
    kh_buf_reset(&h);
    kh_buf_puts(&h, "&L审计日志头 ");
    xs_hf_text(&h, w->x->audit_head);
    kh_buf_puts(&h, "&R第 &P 页，共 &N 页");
    xs_check(w, worksheet_set_footer(ws, kh_buf_str(&h)));
    kh_buf_free(&h);
    if (repeat_last != (lxw_row_t)-1)
        xs_check(w, worksheet_repeat_rows(ws, 0, repeat_last));
}

/* ---- sheet names --------------------------------------------------- */

static bool xs_name_used(const xs *w, const char *name)
{
    for (size_t i = 0; i < w->nnames; i++)
        if (strcasecmp(w->names[i], name) == 0)
            return true;
    return false;
}

/* Cleans base into a valid sheet name: []:*?/\ and control characters
 * become _, a leading or trailing ' is dropped, at most max UTF-16 units;
 * writes into out (size >= 4 * XS_SHEET_NAME_MAX + 1). */
static void xs_name_clean(const char *base, size_t max, char *out)
{
    size_t o = 0, units = 0;
    for (const unsigned char *p = (const unsigned char *)base; *p;) {
        size_t n = kh_utf8_len(p);
        size_t u = n == 4 ? 2 : 1;
        if (units + u > max)
            break;
        if (n == 0 || *p < 0x20 || *p == 0x7F || strchr("[]:*?/\\", *p)) {
            out[o++] = '_';
            p += n ? n : 1;
        } else {
            memcpy(out + o, p, n);
            o += n;
            p += n;
        }
        units += u;
    }
    out[o] = '\0';
    while (out[0] == '\'')
        memmove(out, out + 1, strlen(out));
    while (o && out[o - 1] == '\'')
        out[--o] = '\0';
    if (!out[0])
        strcpy(out, "_");
}

/* Adds a worksheet named after base, unique (case-insensitively) and
 * valid; NULL (w->err set) on failure. */
static lxw_worksheet *xs_sheet(xs *w, const char *base)
{
    char name[4 * XS_SHEET_NAME_MAX + 16];
    xs_name_clean(base, XS_SHEET_NAME_MAX, name);
    /* "History" is reserved by Excel. */
    for (unsigned k = 2; xs_name_used(w, name) ||
                         strcasecmp(name, "History") == 0;
         k++) {
        char suffix[16];
        int sl = snprintf(suffix, sizeof suffix, "~%u", k);
        xs_name_clean(base, XS_SHEET_NAME_MAX - (size_t)sl, name);
        strcat(name, suffix);
    }
    char **v = realloc(w->names, (w->nnames + 1) * sizeof *v);
    if (!v) {
        xs_check(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return NULL;
    }
    w->names = v;
    if (!(v[w->nnames] = strdup(name))) {
        xs_check(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return NULL;
    }
    w->nnames++;
    memset(w->colw, 0, sizeof w->colw);
    w->head_lines = 1;
    lxw_worksheet *ws = workbook_add_worksheet(w->wb, name);
    if (!ws)
        xs_check(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
    return ws;
}

/* ---- formats ------------------------------------------------------- */

static lxw_format *xs_format(xs *w, bool border, bool bold, bool wrap,
                             const char *num, lxw_color_t bg)
{
    lxw_format *f = workbook_add_format(w->wb);
    if (!f)
        return NULL;
    format_set_font_name(f, "宋体");
    if (border)
        format_set_border(f, LXW_BORDER_THIN);
    if (bold)
        format_set_bold(f);
    if (wrap)
        format_set_text_wrap(f);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    if (num)
        format_set_num_format(f, num);
    if (bg)
        format_set_bg_color(f, bg);
    return f;
}

static void xs_formats(xs *w)
{
    xs_fmt *f = &w->f;
    f->title = xs_format(w, false, true, false, NULL, 0);
    format_set_font_size(f->title, 14);
    format_set_align(f->title, LXW_ALIGN_CENTER);
    f->subtitle = xs_format(w, false, false, true, NULL, 0);
    f->head = xs_format(w, true, true, true, NULL, 0xD9D9D9);
    format_set_align(f->head, LXW_ALIGN_CENTER);
    f->text = xs_format(w, true, false, false, NULL, 0);
    f->wrap = xs_format(w, true, false, true, NULL, 0);
    f->num = xs_format(w, true, false, false, "0.00", 0);
    f->num_bold = xs_format(w, true, true, false, "0.00", 0);
    f->bold_text = xs_format(w, true, true, false, NULL, 0);
    f->bottom_text = xs_format(w, true, false, false, NULL, 0xF8CBAD);
    f->bottom_num = xs_format(w, true, false, false, "0.00", 0xF8CBAD);
    f->cat = xs_format(w, true, true, false, NULL, 0xEDEDED);
    f->cat_num = xs_format(w, true, true, false, "0.00", 0xEDEDED);
    f->note = xs_format(w, false, false, true, NULL, 0);
    format_set_font_color(f->note, 0x595959);
}

/* ---- 汇总 ---------------------------------------------------------- */

static void xs_summary(xs *w)
{
    const kh_export *x = w->x;
    const kh_rubric *r = x->rubric;
    size_t nc = kh_rubric_category_count(r);
    lxw_col_t last = (lxw_col_t)(2 + nc + 4 + 1 - 1 + 1);
    lxw_worksheet *ws = xs_sheet(w, "汇总");
    if (!ws)
        return;
    xs_page(w, ws, "意识形态工作责任制考核结果汇总", true, 1);
    xs_col(w, ws, 0, 0, 18);
    xs_col(w, ws, 1, 1, 6);
    xs_col(w, ws, 2, 2, 22);
    xs_col(w, ws, 3, last, 10);
    kh_buf t;
    kh_buf_init(&t, 0);
    kh_buf_printf(&t, "%d 年度意识形态工作责任制考核结果汇总%s（%s）",
                  x->year, kh_xp_draft_mark(x), kh_rubric_title(r));
    xs_title(w, ws, 0, last, kh_buf_str(&t), w->f.title);
    kh_buf_free(&t);
    lxw_col_t c = 0;
    xs_str(w, ws, 1, c++, "排名类别", w->f.head);
    xs_str(w, ws, 1, c++, "名次", w->f.head);
    xs_str(w, ws, 1, c++, "名称", w->f.head);
    for (size_t k = 0; k < nc; k++)
        xs_str(w, ws, 1, c++, kh_rubric_category_name(r, k), w->f.head);
    xs_str(w, ws, 1, c++, "基础分", w->f.head);
    xs_str(w, ws, 1, c++, "加分", w->f.head);
    xs_str(w, ws, 1, c++, "减分", w->f.head);
    xs_str(w, ws, 1, c++, "总分", w->f.head);
    xs_printf(w, ws, 1, c, w->f.head, "排名后%u位",
              kh_rubric_bottom_n(r));
    xs_head_end(w, ws, 1);
    worksheet_freeze_panes(ws, 2, 0);

    lxw_row_t row = 2;
    for (size_t i = 0; i < kh_rubric_ranking_count(r); i++) {
        size_t n = kh_result_ranking_rows(x->res, i);
        w->rank_first[i] = row;
        for (size_t j = 0; j < n; j++, row++) {
            const kh_rank_row *rr = kh_result_ranking_row(x->res, i, j);
            size_t u = kh_xp_row_unit(x, i, rr);
            lxw_format *ft = rr->bottom ? w->f.bottom_text : w->f.text;
            lxw_format *fn = rr->bottom ? w->f.bottom_num : w->f.num;
            c = 0;
            xs_str(w, ws, row, c++, kh_rubric_ranking_name(r, i), ft);
            xs_check(w, worksheet_write_number(ws, row, c++, rr->rank, ft));
            xs_str(w, ws, row, c++, rr->name, ft);
            for (size_t k = 0; k < nc; k++, c++) {
                kh_cp v;
                if (u != SIZE_MAX && kh_result_category(x->res, u, k, &v))
                    xs_num(w, ws, row, c, v, fn);
                else
                    xs_str(w, ws, row, c, "", ft);
            }
            if (u != SIZE_MAX) {
                xs_num(w, ws, row, c++, kh_result_base(x->res, u), fn);
                xs_num(w, ws, row, c++, kh_result_bonus(x->res, u), fn);
                xs_num(w, ws, row, c++, kh_result_negative(x->res, u), fn);
            } else {
                for (int k = 0; k < 3; k++)
                    xs_str(w, ws, row, c++, "", ft);
            }
            xs_num(w, ws, row, c++, rr->score, fn);
            xs_str(w, ws, row, c, rr->bottom ? "是" : "", ft);
        }
        w->rank_last[i] = row ? row - 1 : 0;
    }
    row++;
    xs_title(w, ws, row, last,
             "说明：按支部排队的，支部得分为所属单位总分的平均值；多个单位"
             "组成的支部只列平均分，各单位得分见“支部”表和各单位评分表。",
             w->f.note);
}

/* ---- 支部 ---------------------------------------------------------- */

static void xs_branches(xs *w)
{
    const kh_export *x = w->x;
    lxw_worksheet *ws = xs_sheet(w, "支部");
    if (!ws)
        return;
    xs_page(w, ws, "各支部考核得分", false, 1);
    xs_col(w, ws, 0, 0, 12);
    xs_col(w, ws, 1, 1, 24);
    xs_col(w, ws, 2, 2, 8);
    xs_col(w, ws, 3, 3, 12);
    xs_col(w, ws, 4, 4, 24);
    xs_col(w, ws, 5, 5, 10);
    kh_buf t;
    kh_buf_init(&t, 0);
    kh_buf_printf(&t, "%d 年度各支部考核得分%s", x->year,
                  kh_xp_draft_mark(x));
    xs_title(w, ws, 0, 5, kh_buf_str(&t), w->f.title);
    kh_buf_free(&t);
    static const char *const head[] = {"支部编号", "支部名称", "类别",
                                       "单位编号", "单位名称", "总分"};
    for (lxw_col_t c = 0; c < 6; c++)
        xs_str(w, ws, 1, c, head[c], w->f.head);
    xs_head_end(w, ws, 1);
    worksheet_freeze_panes(ws, 2, 0);
    lxw_row_t row = 2;
    for (size_t k = 0; k < kh_result_branch_count(x->res); k++) {
        size_t b = kh_result_branch(x->res, k);
        const char *bid = kh_assess_branch_id(x->assess, b);
        const char *bname = kh_assess_branch_name(x->assess, b);
        const char *kind = kh_rubric_kind_name(
            x->rubric, kh_result_branch_kind(x->res, k));
        for (size_t j = 0; j < kh_result_branch_unit_count(x->res, k);
             j++, row++) {
            size_t u = kh_result_branch_unit(x->res, k, j);
            xs_str(w, ws, row, 0, bid, w->f.text);
            xs_str(w, ws, row, 1, bname, w->f.text);
            xs_str(w, ws, row, 2, kind, w->f.text);
            xs_str(w, ws, row, 3, kh_assess_unit_id(x->assess, u), w->f.text);
            xs_str(w, ws, row, 4, kh_assess_unit_name(x->assess, u),
                   w->f.text);
            xs_num(w, ws, row, 5, kh_result_total(x->res, u), w->f.num);
        }
        xs_str(w, ws, row, 0, bid, w->f.cat);
        xs_str(w, ws, row, 1, bname, w->f.cat);
        xs_str(w, ws, row, 2, kind, w->f.cat);
        xs_str(w, ws, row, 3, "", w->f.cat);
        xs_str(w, ws, row, 4, "支部平均分", w->f.cat);
        xs_num(w, ws, row, 5, kh_result_branch_score(x->res, k),
               w->f.cat_num);
        row++;
    }
}

/* ---- 自查对比 ------------------------------------------------------ */

static void xs_selfcheck(xs *w)
{
    const kh_export *x = w->x;
    lxw_worksheet *ws = xs_sheet(w, "自查对比");
    if (!ws)
        return;
    xs_page(w, ws, "自查与实地检查基础分对比", false, 1);
    xs_col(w, ws, 0, 0, 12);
    xs_col(w, ws, 1, 1, 24);
    xs_col(w, ws, 2, 2, 8);
    xs_col(w, ws, 3, 5, 14);
    kh_buf t;
    kh_buf_init(&t, 0);
    kh_buf_printf(&t, "%d 年度自查与实地检查基础分对比%s", x->year,
                  kh_xp_draft_mark(x));
    xs_title(w, ws, 0, 5, kh_buf_str(&t), w->f.title);
    kh_buf_free(&t);
    static const char *const head[] = {"单位编号", "单位名称", "类别",
                                       "自查基础分", "检查基础分",
                                       "差值（自查−检查）"};
    for (lxw_col_t c = 0; c < 6; c++)
        xs_str(w, ws, 1, c, head[c], w->f.head);
    xs_head_end(w, ws, 1);
    worksheet_freeze_panes(ws, 2, 0);
    size_t n = kh_result_unit_count(x->res);
    lxw_row_t row = 2;
    for (size_t u = 0; u < n; u++, row++) {
        xs_str(w, ws, row, 0, kh_assess_unit_id(x->assess, u), w->f.text);
        xs_str(w, ws, row, 1, kh_assess_unit_name(x->assess, u), w->f.text);
        xs_str(w, ws, row, 2,
               kh_rubric_kind_name(x->rubric,
                                   kh_assess_unit_kind(x->assess, u)),
               w->f.text);
        kh_cp self, base = kh_result_base(x->res, u);
        bool has = kh_result_self_base(x->res, u, &self);
        if (has)
            xs_num(w, ws, row, 3, self, w->f.num);
        else
            xs_str(w, ws, row, 3, "未完成自查", w->f.text);
        xs_num(w, ws, row, 4, base, w->f.num);
        if (has)
            xs_num(w, ws, row, 5, self - base, w->f.num);
        else
            xs_str(w, ws, row, 5, "", w->f.text);
    }
    if (n) {
        /* Self-rating above the inspection's (red) or below it (green). */
        lxw_format *hi = workbook_add_format(w->wb);
        lxw_format *lo = workbook_add_format(w->wb);
        format_set_bg_color(hi, 0xFFC7CE);
        format_set_font_color(hi, 0x9C0006);
        format_set_bg_color(lo, 0xC6EFCE);
        format_set_font_color(lo, 0x006100);
        lxw_conditional_format cf = {0};
        cf.type = LXW_CONDITIONAL_TYPE_CELL;
        cf.criteria = LXW_CONDITIONAL_CRITERIA_GREATER_THAN;
        cf.value = 0;
        cf.format = hi;
        xs_check(w, worksheet_conditional_format_range(ws, 2, 5, row - 1, 5,
                                                       &cf));
        cf.criteria = LXW_CONDITIONAL_CRITERIA_LESS_THAN;
        cf.format = lo;
        xs_check(w, worksheet_conditional_format_range(ws, 2, 5, row - 1, 5,
                                                       &cf));
    }
    row++;
    xs_title(w, ws, row, 5,
             "说明：差值为正（红色）表示自查基础分高于实地检查，为负（绿色）"
             "表示低于实地检查。",
             w->f.note);
}

/* ---- 图表 ---------------------------------------------------------- */

static void xs_charts(xs *w)
{
    const kh_export *x = w->x;
    const kh_rubric *r = x->rubric;
    lxw_worksheet *ws = xs_sheet(w, "图表");
    if (!ws)
        return;
    xs_page(w, ws, "各排名总分图", false, (lxw_row_t)-1);
    /* the 汇总 column of 总分 */
    lxw_col_t total_col = (lxw_col_t)(3 + kh_rubric_category_count(r) + 3);
    lxw_row_t at = 0;
    for (size_t i = 0; i < kh_rubric_ranking_count(r); i++) {
        size_t n = kh_result_ranking_rows(x->res, i);
        if (n == 0)
            continue;
        lxw_chart *ch = workbook_add_chart(w->wb, LXW_CHART_BAR);
        if (!ch) {
            xs_check(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
            return;
        }
        lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
        chart_series_set_categories(se, "汇总", w->rank_first[i], 2,
                                    w->rank_last[i], 2);
        chart_series_set_values(se, "汇总", w->rank_first[i], total_col,
                                w->rank_last[i], total_col);
        chart_series_set_labels(se);
        chart_series_set_name(se, "总分");
        kh_buf t;
        kh_buf_init(&t, 0);
        kh_buf_printf(&t, "%s总分%s", kh_rubric_ranking_name(r, i),
                      kh_xp_draft_mark(x));
        chart_title_set_name(ch, xs_clean(w, kh_buf_str(&t)));
        kh_buf_free(&t);
        chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
        /* Highest score on top: categories read from the bottom up. */
        chart_axis_set_reverse(ch->y_axis);
        lxw_chart_options opt = {0};
        opt.x_scale = 1.5;
        /* about 20 px a bar, at least the default height (288 px) */
        double h = (double)n * 20.0 + 80.0;
        opt.y_scale = h < 288.0 ? 1.0 : h / 288.0;
        xs_check(w, worksheet_insert_chart_opt(ws, at, 0, ch, &opt));
        at += (lxw_row_t)(opt.y_scale * 288.0 / 20.0) + 2;
    }
}

/* ---- 整改跟踪 ------------------------------------------------------ */

static void xs_followup(xs *w)
{
    const kh_export *x = w->x;
    lxw_worksheet *ws = xs_sheet(w, "整改跟踪");
    if (!ws)
        return;
    xs_page(w, ws, "考核结果运用整改跟踪", true, 1);
    static const char *const head[] = {"单位编号", "单位名称", "排名类别",
                                       "名次", "得分", "事项", "日期/期限",
                                       "内容", "状态", "逾期"};
    static const double widths[] = {10, 18, 18, 6, 8, 10, 12, 40, 16, 6};
    for (lxw_col_t c = 0; c < 10; c++)
        xs_col(w, ws, c, c, widths[c]);
    kh_buf t;
    kh_buf_init(&t, 0);
    kh_buf_printf(&t, "%d 年度考核排名后%u位单位提醒谈话与整改跟踪"
                  "（截至 %s）", x->year, kh_rubric_bottom_n(x->rubric),
                  x->today);
    xs_title(w, ws, 0, 9, kh_buf_str(&t), w->f.title);
    kh_buf_free(&t);
    for (lxw_col_t c = 0; c < 10; c++)
        xs_str(w, ws, 1, c, head[c], w->f.head);
    xs_head_end(w, ws, 1);
    worksheet_freeze_panes(ws, 2, 0);
    lxw_row_t row = 2;
    for (size_t i = 0; i < kh_xp_fu_count(x); i++) {
        const kh_node *un = kh_xp_fu_unit(x, i);
        const kh_node *talks = kh_node_get(un, "talks");
        const kh_node *items = kh_node_get(un, "items");
        size_t nt = talks && talks->type == KH_NODE_SEQ ? talks->n : 0;
        size_t ni = items && items->type == KH_NODE_SEQ ? items->n : 0;
        size_t lines = nt + ni ? nt + ni : 1;
        const char *rname = kh_xp_fu_str(un, "ranking");
        int ri = -1;
        for (size_t k = 0; k < kh_rubric_ranking_count(x->rubric); k++)
            if (!strcmp(kh_rubric_ranking_id(x->rubric, k), rname))
                ri = (int)k;
        for (size_t l = 0; l < lines; l++, row++) {
            bool overdue = false;
            xs_str(w, ws, row, 0, kh_xp_fu_str(un, "unit"), w->f.text);
            xs_str(w, ws, row, 1, kh_xp_fu_str(un, "name"), w->f.text);
            xs_str(w, ws, row, 2,
                   ri >= 0 ? kh_rubric_ranking_name(x->rubric, (size_t)ri)
                           : "（重新公布后已不在后位）",
                   w->f.text);
            const char *rank = kh_xp_fu_str(un, "rank");
            kh_cp sc = 0;
            const kh_node *scn = kh_node_get(un, "score");
            if (*rank)
                xs_check(w, worksheet_write_number(
                                ws, row, 3, (double)strtol(rank, NULL, 10),
                                w->f.text));
            else
                xs_str(w, ws, row, 3, "", w->f.text);
            if (scn && scn->type == KH_NODE_SCALAR &&
                kh_num_parse(scn->u.text, scn->n, &sc) == KH_NUM_OK)
                xs_num(w, ws, row, 4, sc, w->f.num);
            else
                xs_str(w, ws, row, 4, "", w->f.text);
            if (l < nt) {
                const kh_node *tk = kh_node_at(talks, l);
                xs_str(w, ws, row, 5, "提醒谈话", w->f.text);
                xs_str(w, ws, row, 6, kh_xp_fu_str(tk, "date"), w->f.text);
                xs_printf(w, ws, row, 7, w->f.wrap, "谈话人：%s。%s",
                          kh_xp_fu_str(tk, "by"),
                          kh_xp_fu_str(tk, "summary"));
                xs_str(w, ws, row, 8, "已谈话", w->f.text);
            } else if (l - nt < ni) {
                const kh_node *it = kh_node_at(items, l - nt);
                bool done = !strcmp(kh_xp_fu_str(it, "status"), "done");
                overdue = kh_xp_fu_true(it, "overdue");
                xs_str(w, ws, row, 5, "整改意见", w->f.text);
                xs_str(w, ws, row, 6, kh_xp_fu_str(it, "deadline"),
                       w->f.text);
                xs_str(w, ws, row, 7, kh_xp_fu_str(it, "text"), w->f.wrap);
                if (done)
                    xs_printf(w, ws, row, 8, w->f.text, "已完成（%s）",
                              kh_xp_fu_str(it, "closed_date"));
                else
                    xs_str(w, ws, row, 8, "未完成", w->f.text);
            } else {
                xs_str(w, ws, row, 5, "", w->f.text);
                xs_str(w, ws, row, 6, "", w->f.text);
                xs_str(w, ws, row, 7, "尚未记录提醒谈话和整改意见", w->f.wrap);
                xs_str(w, ws, row, 8, "", w->f.text);
            }
            xs_str(w, ws, row, 9, overdue ? "逾期" : "",
                   overdue ? w->f.bottom_text : w->f.text);
        }
    }
    if (row == 2)
        xs_title(w, ws, row, 9, "本年度没有排名后位的单位。", w->f.note);
}

/* ---- one unit's score sheet ---------------------------------------- */

static void xs_unit(xs *w, size_t u)
{
    const kh_export *x = w->x;
    const kh_rubric *r = x->rubric;
    const kh_assess *a = x->assess;
    const char *name = kh_assess_unit_name(a, u);
    lxw_worksheet *ws = xs_sheet(w, name && *name ? name
                                                  : kh_assess_unit_id(a, u));
    if (!ws)
        return;
    xs_page(w, ws, "意识形态工作责任制考核评分表", false, 2);
    static const double widths[] = {6, 46, 30, 8, 8, 8, 30};
    for (lxw_col_t c = 0; c < 7; c++)
        xs_col(w, ws, c, c, widths[c]);
    kh_buf t;
    kh_buf_init(&t, 0);
    kh_buf_printf(&t, "意识形态工作责任制考核评分表（%d 年度）%s", x->year,
                  kh_xp_draft_mark(x));
    xs_title(w, ws, 0, 6, kh_buf_str(&t), w->f.title);
    kh_buf_reset(&t);
    size_t b = kh_assess_unit_branch(a, u);
    kh_buf_printf(&t, "单位：%s（%s）　类别：%s　所在支部：%s",
                  name, kh_assess_unit_id(a, u),
                  kh_rubric_kind_name(r, kh_assess_unit_kind(a, u)),
                  kh_assess_branch_name(a, b));
    xs_title(w, ws, 1, 6, kh_buf_str(&t), w->f.subtitle);
    static const char *const head[] = {"项目", "考核要点", "检查录入",
                                       "得分", "满分", "自查得分",
                                       "检查说明"};
    for (lxw_col_t c = 0; c < 7; c++)
        xs_str(w, ws, 2, c, head[c], w->f.head);
    xs_head_end(w, ws, 2);
    worksheet_freeze_panes(ws, 3, 0);

    /* missing items of a draft */
    size_t nm = kh_result_missing_count(x->res, u);
    lxw_row_t row = 3;
    for (size_t c = 0; c < kh_rubric_category_count(r); c++) {
        xs_printf(w, ws, row, 0, w->f.cat, "%s", kh_rubric_category_id(r, c));
        xs_str(w, ws, row, 1, kh_rubric_category_name(r, c), w->f.cat);
        for (lxw_col_t k = 2; k < 7; k++)
            xs_str(w, ws, row, k, "", w->f.cat);
        row++;
        size_t first = kh_rubric_category_first(r, c);
        kh_cp cmax = 0;
        for (size_t i = first; i < first + kh_rubric_category_items(r, c);
             i++, row++) {
            bool applies = kh_result_item_applies(x->res, u, i);
            bool missing = false;
            for (size_t k = 0; k < nm; k++)
                if (kh_result_missing_item(x->res, u, k) == i)
                    missing = true;
            xs_str(w, ws, row, 0, kh_rubric_item_id(r, i), w->f.text);
            xs_str(w, ws, row, 1, kh_rubric_item_text(r, i), w->f.wrap);
            kh_buf_reset(&t);
            if (applies)
                kh_xp_inputs(x, u, i, KH_PHASE_INSPECTION, &t);
            xs_str(w, ws, row, 2, applies ? kh_buf_str(&t) : "", w->f.wrap);
            if (applies)
                xs_num(w, ws, row, 3, kh_result_item(x->res, u, i),
                       w->f.num);
            else
                xs_str(w, ws, row, 3, "不适用", w->f.text);
            xs_num(w, ws, row, 4, kh_rubric_item_max(r, i), w->f.num);
            if (applies) {
                cmax += kh_rubric_item_max(r, i);
                if (kh_assess_entry(a, u, i, KH_PHASE_SELF))
                    xs_num(w, ws, row, 5,
                           kh_score_item(a, u, i, KH_PHASE_SELF), w->f.num);
                else
                    xs_str(w, ws, row, 5, "", w->f.text);
            } else {
                xs_str(w, ws, row, 5, "", w->f.text);
            }
            const kh_entry *en =
                kh_assess_entry(a, u, i, KH_PHASE_INSPECTION);
            const char *note = en ? kh_entry_note(en) : NULL;
            if (missing)
                note = "未录入实地检查结果（按 0 分计）";
            xs_str(w, ws, row, 6, note ? note : "", w->f.wrap);
        }
        kh_cp sub;
        bool has = kh_result_category(x->res, u, c, &sub);
        xs_str(w, ws, row, 0, "", w->f.bold_text);
        xs_printf(w, ws, row, 1, w->f.bold_text, "%s 小计",
                  kh_rubric_category_name(r, c));
        xs_str(w, ws, row, 2, "", w->f.bold_text);
        if (has)
            xs_num(w, ws, row, 3, sub, w->f.num_bold);
        else
            xs_str(w, ws, row, 3, "不适用", w->f.bold_text);
        xs_num(w, ws, row, 4, cmax, w->f.num_bold);
        xs_str(w, ws, row, 5, "", w->f.bold_text);
        xs_str(w, ws, row, 6, "", w->f.bold_text);
        row++;
    }
    /* the totals: label, value, max / reasons */
    struct {
        const char *label;
        kh_cp v;
        bool has_max;
        kh_cp max;
    } tot[] = {
        {"原始分合计", kh_result_raw_base(x->res, u), true,
         kh_result_applicable_max(x->res, u)},
        {"基础分（折算）", kh_result_base(x->res, u), true,
         kh_rubric_base_max(r)},
        {"特色加分", kh_result_bonus(x->res, u), true,
         kh_rubric_bonus_max(r)},
        {"负面清单减分", kh_result_negative(x->res, u), false, 0},
        {"总分", kh_result_total(x->res, u), false, 0},
    };
    for (size_t k = 0; k < sizeof tot / sizeof tot[0]; k++, row++) {
        xs_str(w, ws, row, 0, "", w->f.bold_text);
        xs_str(w, ws, row, 1, tot[k].label, w->f.bold_text);
        xs_str(w, ws, row, 2, "", w->f.bold_text);
        xs_num(w, ws, row, 3, tot[k].v, w->f.num_bold);
        if (tot[k].has_max)
            xs_num(w, ws, row, 4, tot[k].max, w->f.num_bold);
        else
            xs_str(w, ws, row, 4, "", w->f.bold_text);
        xs_str(w, ws, row, 5, "", w->f.bold_text);
        kh_buf_reset(&t);
        if (k == 2 || k == 3) {
            bool neg = k == 3;
            size_t n = neg ? kh_assess_negative_count(a, u)
                           : kh_assess_bonus_count(a, u);
            for (size_t j = 0; j < n; j++) {
                char nb[KH_NUM_BUFSZ];
                kh_num_format(neg ? kh_assess_negative_points(a, u, j)
                                  : kh_assess_bonus_points(a, u, j), nb);
                kh_buf_printf(&t, "%s%s（%s 分）", j ? "；" : "",
                              neg ? kh_assess_negative_reason(a, u, j)
                                  : kh_assess_bonus_reason(a, u, j), nb);
            }
        }
        xs_str(w, ws, row, 6, kh_buf_str(&t), w->f.wrap);
    }
    kh_buf_free(&t);
}

/* ---- the workbook -------------------------------------------------- */

/* Whether constant-memory mode fits: each sheet keeps a temporary file
 * open until the end. */
static bool xs_constant_fits(size_t sheets)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return false;
    return rl.rlim_cur == RLIM_INFINITY ||
           (rlim_t)sheets + 64 < rl.rlim_cur / 2;
}

kh_status kh_export_xlsx(const kh_export *x, const char *path,
                         unsigned flags, kh_err *e)
{
    xs w = {0};
    w.x = x;
    kh_buf_init(&w.tmp, 0);
    size_t nr = kh_rubric_ranking_count(x->rubric);
    size_t nu = kh_result_unit_count(x->res);
    w.rank_first = calloc(nr + 1, sizeof *w.rank_first);
    w.rank_last = calloc(nr + 1, sizeof *w.rank_last);
    if (!w.rank_first || !w.rank_last) {
        free(w.rank_first);
        free(w.rank_last);
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    lxw_workbook_options opt = {0};
    opt.constant_memory = (flags & KH_XLSX_CONSTANT_MEMORY) != 0;
    opt.use_zip64 = LXW_TRUE;
    if (opt.constant_memory && !xs_constant_fits(nu + 6)) {
        free(w.rank_first);
        free(w.rank_last);
        return kh_err_fail(e, KH_ELIMIT, "constant-memory mode keeps one "
                           "open file per sheet (%zu sheets): over the "
                           "open-file limit; export without it", nu + 6);
    }
    w.wb = workbook_new_opt(path, &opt);
    kh_status rc = KH_OK;
    if (!w.wb) {
        rc = kh_err_fail(e, KH_EIO, "%s: cannot create the workbook", path);
        goto done;
    }
    lxw_doc_properties props = {0};
    kh_buf title;
    kh_buf_init(&title, 0);
    kh_buf_printf(&title, "%d 年度意识形态工作责任制考核结果%s", x->year,
                  kh_xp_draft_mark(x));
    props.title = (char *)kh_buf_str(&title);
    props.subject = (char *)kh_rubric_title(x->rubric);
    props.comments = x->rubric_version;
    workbook_set_properties(w.wb, &props);
    xs_formats(&w);
    xs_summary(&w);
    xs_branches(&w);
    xs_selfcheck(&w);
    xs_charts(&w);
    if (!kh_export_is_draft(x))
        xs_followup(&w);
    for (size_t u = 0; u < nu && w.err == LXW_NO_ERROR; u++)
        xs_unit(&w, u);
    lxw_error err = workbook_close(w.wb);
    kh_buf_free(&title);
    if (w.err == LXW_NO_ERROR)
        w.err = err;
    if (w.err != LXW_NO_ERROR) {
        rc = kh_err_fail(e, w.err == LXW_ERROR_MEMORY_MALLOC_FAILED
                                ? KH_ENOMEM : KH_EIO,
                         "%s: cannot write the workbook: %s", path,
                         lxw_strerror(w.err));
        remove(path);
    }
done:
    for (size_t i = 0; i < w.nnames; i++)
        free(w.names[i]);
    free(w.names);
    free(w.rank_first);
    free(w.rank_last);
    kh_buf_free(&w.tmp);
    return rc;
}

/* ---- one plain table (kh_export_table_xlsx) -------------------------- */

static bool xs_integer(const char *s)
{
    size_t i = s && s[0] == '-';
    if (!s || !s[i] || strlen(s + i) > 15)
        return false;
    for (; s[i]; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static void xs_table_rows(xs *w, lxw_worksheet *ws, const kh_xlsx_table *t)
{
    for (size_t r = 0; r < t->nrows && w->err == LXW_NO_ERROR; r++)
        for (size_t c = 0; c < t->ncols; c++) {
            const char *v = t->cells[r * t->ncols + c];
            lxw_row_t row = (lxw_row_t)(r + 2);
            if (t->numeric && t->numeric[c] && xs_integer(v))
                xs_check(w, worksheet_write_number(ws, row, (lxw_col_t)c,
                                                   (double)atoll(v),
                                                   w->f.text));
            else
                xs_str(w, ws, row, (lxw_col_t)c, v, w->f.text);
        }
}

kh_status kh_export_table_xlsx(const kh_xlsx_table *t, const char *path,
                               kh_err *e)
{
    if (t->ncols == 0 || t->ncols > XS_COLS_MAX)
        return kh_err_fail(e, KH_EINVAL, "a table of %zu columns", t->ncols);
    xs w = {0};
    kh_buf_init(&w.tmp, 0);
    w.wb = workbook_new(path);
    if (!w.wb) {
        kh_buf_free(&w.tmp);
        return kh_err_fail(e, KH_EIO, "%s: cannot create the workbook", path);
    }
    lxw_doc_properties props = {0};
    props.title = (char *)t->title;
    workbook_set_properties(w.wb, &props);
    xs_formats(&w);
    lxw_worksheet *ws = xs_sheet(&w, t->sheet);
    if (ws) {
        lxw_col_t last = (lxw_col_t)(t->ncols - 1);
        for (size_t c = 0; c < t->ncols; c++)
            xs_col(&w, ws, (lxw_col_t)c, (lxw_col_t)c,
                   t->widths ? t->widths[c] : 12);
        xs_title(&w, ws, 0, last, t->title, w.f.title);
        for (size_t c = 0; c < t->ncols; c++)
            xs_str(&w, ws, 1, (lxw_col_t)c, t->head[c], w.f.head);
        xs_head_end(&w, ws, 1);
        xs_table_rows(&w, ws, t);
        worksheet_set_paper(ws, 9);   /* A4 */
        worksheet_fit_to_pages(ws, 1, 0);
        xs_check(&w, worksheet_repeat_rows(ws, 0, 1));
    }
    lxw_error err = workbook_close(w.wb);
    if (w.err == LXW_NO_ERROR)
        w.err = err;
    kh_status rc = KH_OK;
    if (w.err != LXW_NO_ERROR) {
        rc = kh_err_fail(e, w.err == LXW_ERROR_MEMORY_MALLOC_FAILED
                                ? KH_ENOMEM : KH_EIO,
                         "%s: cannot write the workbook: %s", path,
                         lxw_strerror(w.err));
        remove(path);
    }
    for (size_t i = 0; i < w.nnames; i++)
        free(w.names[i]);
    free(w.names);
    kh_buf_free(&w.tmp);
    return rc;
}
