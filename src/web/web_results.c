/*
 * web_results.c - the body of the results page (rankings, branch means,
 * the charts of totals and category rates in inline SVG, the self-check
 * vs inspection gaps, the score sheet links), cached per version by
 * web_cache.c.  The body is a sequence of parts (web.h, web_part): one
 * per ranking row, branch row and gap row, and the frames around them,
 * each keyed by what its bytes depend on, so that a refresh after a
 * write renders again only the rows that changed (web_body_build).
 * Every text is an English msgid of the catalogue, shown in Chinese.
 */
#include "web.h"

#include <limits.h>
#include <stdlib.h>

#include "kaohe/score.h"

/* The parts of the page, in page order. */
enum {
    RP_NONE,           /* the year cannot be scored */
    RP_HEAD,           /* a: state */
    RP_RANK_OPEN,      /* i: list */
    RP_RANK_ROW,       /* i, j: row; a: rank << 1 | bottom; k1: ref; k2: score */
    RP_RANK_CLOSE,
    RP_BRANCHES_OPEN,
    RP_BRANCH,         /* i: row; k1: branch; k2: mean */
    RP_BRANCHES_CLOSE,
    RP_COMPACT,        /* many units: what the page leaves out */
    RP_CHARTS,         /* few units: the charts (volatile) */
    RP_GAP_OPEN,
    RP_GAP_ROW,        /* i: unit; a: has a self-check base; k1: base; k2: it */
    RP_GAP_CLOSE,
    RP_SHEETS,         /* few units: the list of score sheets */
};

static void bar_chart(const web_year *y, kh_buf *o)
{
    const kh_assess *a = y->assess;
    size_t n = kh_assess_unit_count(a);
    kh_cp max = 1;
    for (size_t u = 0; u < n; u++)
        if (kh_result_total(y->result, u) > max)
            max = kh_result_total(y->result, u);
    const unsigned row = 22, label = 200, width = 760;
    kh_buf_printf(o, "<svg class=\"chart\" id=\"chart-totals\" "
                     "xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %u %zu\""
                     " role=\"img\" aria-label=\"", width, (size_t)row * n + 10);
    kh_html_attr(o, W_("Totals of the units"));
    kh_buf_puts(o, "\">");
    for (size_t u = 0; u < n; u++) {
        kh_cp t = kh_result_total(y->result, u);
        long w = t > 0 ? (long)((int64_t)(width - label - 60) * t / max) : 0;
        unsigned yy = (unsigned)(u * row + 5);
        kh_buf_printf(o, "<text x=\"%u\" y=\"%u\" text-anchor=\"end\" "
                         "font-size=\"13\">", label - 6, yy + 15);
        kh_html_text(o, kh_assess_unit_name(a, u));
        kh_buf_printf(o, "</text><rect x=\"%u\" y=\"%u\" width=\"%ld\" "
                         "height=\"16\" fill=\"#b0151e\"></rect><text x=\"%ld\""
                         " y=\"%u\" font-size=\"12\">",
                      label, yy + 2, w, (long)label + w + 4, yy + 15);
        web_cp_out(o, t);
        kh_buf_puts(o, "</text>");
    }
    kh_buf_puts(o, "</svg>\n");
}

/* The max of category c over the items that apply to kind (an office
 * has no 1.7: its 体制机制 is out of 19, not 25). */
static kh_cp kind_category_max(const kh_rubric *rb, size_t c, size_t kind)
{
    kh_cp m = 0;
    size_t first = kh_rubric_category_first(rb, c);
    for (size_t j = 0; j < kh_rubric_category_items(rb, c); j++)
        if (kh_rubric_item_applies(rb, first + j, kind))
            m += kh_rubric_item_max(rb, first + j);
    return m;
}

/* Per ranking list, the category scores of each of its units as a
 * percentage of the category's max for their kind: small multiples, one column per
 * category, one row per unit (a unit-level list charts its units, a
 * branch-level one the units of its kind).  No script: plain SVG with
 * <title> tooltips, every text escaped. */
static void category_chart(const web_year *y, size_t k, kh_buf *o)
{
    const kh_rubric *rb = y->rubric;
    const kh_assess *a = y->assess;
    size_t kind = kh_rubric_ranking_kind(rb, k);
    size_t nu = 0, nc = kh_rubric_category_count(rb);
    for (size_t u = 0; u < kh_assess_unit_count(a); u++)
        nu += kh_assess_unit_kind(a, u) == kind;
    if (!nu || !nc)
        return;
    const unsigned label = 170, col = 130, bar = 84, row = 20, head = 40;
    unsigned width = label + col * (unsigned)nc + 10;
    kh_buf_puts(o, "<svg class=\"chart catchart\" id=\"chart-categories-");
    kh_html_attr(o, kh_rubric_ranking_id(rb, k));
    kh_buf_printf(o, "\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %u "
                     "%zu\" role=\"img\" aria-label=\"", width,
                  (size_t)head + nu * row + 8);
    kh_html_attr(o, kh_rubric_ranking_name(rb, k));
    kh_buf_puts(o, "：");
    kh_html_attr(o, W_("Score rates by category"));
    kh_buf_puts(o, "\">");
    for (size_t c = 0; c < nc; c++) {
        unsigned x = label + col * (unsigned)c;
        kh_buf_printf(o, "<text x=\"%u\" y=\"16\" font-size=\"13\" "
                         "font-weight=\"bold\">", x);
        kh_html_text(o, kh_rubric_category_name(rb, c));
        kh_buf_printf(o, "</text><text x=\"%u\" y=\"32\" font-size=\"11\" "
                         "fill=\"#666\">", x);
        kh_html_text(o, W_("full marks "));
        web_cp_out(o, kind_category_max(rb, c, kind));
        kh_buf_printf(o, "</text><line x1=\"%u\" y1=\"%u\" x2=\"%u\" y2=\"%zu\""
                         " stroke=\"#ccc\"></line>", x + bar, head,
                      x + bar, (size_t)head + nu * row);
    }
    size_t j = 0;
    for (size_t u = 0; u < kh_assess_unit_count(a); u++) {
        if (kh_assess_unit_kind(a, u) != kind)
            continue;
        unsigned yy = head + (unsigned)j++ * row;
        kh_buf_printf(o, "<text x=\"%u\" y=\"%u\" text-anchor=\"end\" "
                         "font-size=\"12\">", label - 8, yy + 14);
        kh_html_text(o, kh_assess_unit_name(a, u));
        kh_buf_puts(o, "</text>");
        for (size_t c = 0; c < nc; c++) {
            unsigned x = label + col * (unsigned)c;
            kh_cp v, max = kind_category_max(rb, c, kind);
            if (!kh_result_category(y->result, u, c, &v) || max <= 0) {
                kh_buf_printf(o, "<text x=\"%u\" y=\"%u\" font-size=\"11\" "
                                 "fill=\"#666\">", x, yy + 14);
                kh_html_text(o, W_("n/a"));
                kh_buf_puts(o, "</text>");
                continue;
            }
            kh_cp cl = v < 0 ? 0 : v > max ? max : v;
            long w = (long)((int64_t)bar * cl / max);
            long pct = (long)((v * 1000 / max + 5) / 10);
            kh_buf_printf(o, "<rect x=\"%u\" y=\"%u\" width=\"%ld\" "
                             "height=\"14\" fill=\"%s\"><title>", x, yy + 3, w,
                          pct < 60 ? "#d9822b" : "#b0151e");
            kh_html_text(o, kh_assess_unit_name(a, u));
            kh_buf_puts(o, " ");
            kh_html_text(o, kh_rubric_category_name(rb, c));
            kh_buf_puts(o, " ");
            web_cp_out(o, v);
            kh_buf_puts(o, "/");
            web_cp_out(o, max);
            kh_buf_printf(o, "</title></rect><text x=\"%u\" y=\"%u\" "
                             "font-size=\"11\">%ld%%</text>",
                          x + bar + 4, yy + 14, pct);
        }
    }
    kh_buf_puts(o, "</svg>\n");
}

/* A gap between the self-check and the inspection base this large or
 * more is highlighted (5 points). */
#define GAP_LARGE 500

/* Above this many units the results page stays a summary: per-unit charts
 * would be unreadable (the workbook's native charts serve then), the gap
 * table lists only large gaps, and the ranking rows link to the score
 * sheets instead of a second list of every unit.  It keeps the cached
 * page small enough to serve fast (bench/web). */
#define RESULTS_FULL_MAX 300

static bool results_compact(const web_year *y)
{
    return kh_assess_unit_count(y->assess) > RESULTS_FULL_MAX;
}

/* Self-check base beside the inspection base, per unit: where the units
 * judged themselves differently from the inspectors. */
static void gap_open(kh_buf *o)
{
    static const char *const heads[] = {
        N_("Unit"), N_("Category"), N_("Self-check base score"),
        N_("Assessed base score"), N_("Difference (self-check − assessed)")};
    kh_buf_puts(o, "<h2 id=\"gaps-title\">");
    kh_html_text(o, W_("Self-check and assessment differences"));
    kh_buf_puts(o, "</h2>\n");
    kh_buf_puts(o, "<table id=\"gaps\" class=\"gaps\">");
    web_thead(o, heads, sizeof heads / sizeof heads[0]);
    kh_buf_puts(o, "<tbody>\n");
}

/* The gap of unit u: whether it has a self-check base, and whether the
 * difference is large. */
static bool gap_of(const web_year *y, size_t u, kh_cp *b, kh_cp *sb,
                   bool *large)
{
    *b = kh_result_base(y->result, u);
    bool has = kh_result_self_base(y->result, u, sb);
    kh_cp d = has ? *sb - *b : 0;
    *large = has && (d >= GAP_LARGE || d <= -GAP_LARGE);
    if (!has)
        *sb = 0;
    return has;
}

static void gap_row(const web_year *y, size_t u, kh_buf *o)
{
    const kh_assess *a = y->assess;
    kh_cp sb, b;
    bool large;
    bool has = gap_of(y, u, &b, &sb, &large);
    kh_cp d = sb - b;
    kh_buf_puts(o, "<tr id=\"gap-");
    kh_html_attr(o, kh_assess_unit_id(a, u));
    kh_buf_printf(o, "\"%s><td>", large ? " class=\"gap-large\"" : "");
    kh_html_text(o, kh_assess_unit_name(a, u));
    kh_buf_puts(o, "</td><td>");
    kh_html_text(o, kh_rubric_kind_name(y->rubric, kh_assess_unit_kind(a, u)));
    kh_buf_puts(o, "</td><td class=\"num\">");
    if (has)
        web_cp_out(o, sb);
    else
        kh_html_text(o, W_("self-check not finished"));
    kh_buf_puts(o, "</td><td class=\"num\">");
    web_cp_out(o, b);
    kh_buf_puts(o, "</td><td class=\"num diff\">");
    if (has) {
        if (d > 0)
            kh_buf_putc(o, '+');
        web_cp_out(o, d);
    } else {
        kh_buf_puts(o, "—");
    }
    kh_buf_puts(o, "</td></tr>\n");
}

static void gap_close(const web_year *y, kh_buf *o)
{
    kh_buf_puts(o, "</tbody></table>\n<p class=\"std\">");
    kh_html_text(o, results_compact(y)
                        ? W_("Many units: only those whose difference is "
                             "5 points or more are listed; every unit is "
                             "on the self-check comparison sheet of the "
                             "Excel workbook.")
                        : W_("Units whose difference is 5 points or more "
                             "are shaded."));
    kh_buf_puts(o, "</p>\n");
}

static void head_part(const web_year *y, kh_buf *o)
{
    if (y->state < KH_YEAR_PUBLISHED) {
        kh_buf_puts(o, "<p class=\"msg\">");
        kh_html_text(o, W_("The results are not published yet: below are "
                           "provisional results from the data entered so far "
                           "(items not scored count 0)."));
        kh_buf_puts(o, "</p>\n");
    }
    kh_buf_printf(o, "<nav class=\"noprint\" id=\"documents\"><a href=\""
                     "/years/%d/export.xlsx\" id=\"download-xlsx\">", y->year);
    kh_html_text(o, W_("Download the Excel workbook"));
    kh_buf_printf(o, "</a> · <a href=\"/years/%d/notice\" id=\"link-notice\">",
                  y->year);
    kh_html_text(o, W_("Results notice (print)"));
    kh_buf_puts(o, "</a>");
    /* The 公文 downloads (src/web/web_gongwen.c). */
    kh_buf_printf(o, "（<a href=\"/years/%d/notice.docx\" id=\""
                     "download-notice-docx\">Word</a> · <a href=\"/years/%d/"
                     "notice.pdf\" id=\"download-notice-pdf\">PDF</a>） · ",
                  y->year, y->year);
    kh_html_text(o, W_("Good practices"));
    kh_buf_printf(o, "（<a href=\"/years/%d/compilation.docx\" id=\""
                     "download-compilation-docx\">Word</a> · <a href=\""
                     "/years/%d/compilation.pdf\" id=\"download-compilation-"
                     "pdf\">PDF</a>）", y->year, y->year);
    if (y->state >= KH_YEAR_PUBLISHED) {
        kh_buf_printf(o, " · <a href=\"/years/%d/followup/report\" id=\""
                         "link-followup-report\">", y->year);
        kh_html_text(o, W_("Rectification follow-up report (print)"));
        kh_buf_printf(o, "</a>（<a href=\"/years/%d/followup/report.docx\" id=\""
                         "download-followup-docx\">Word</a> · <a href=\""
                         "/years/%d/followup/report.pdf\" id=\"download-"
                         "followup-pdf\">PDF</a>）", y->year, y->year);
    }
    kh_buf_puts(o, "</nav>\n");
}

static void rank_open(const web_year *y, size_t k, kh_buf *o)
{
    static const char *const heads[] = {N_("Rank"), N_("Name"), N_("Score"),
                                        N_("Remark")};
    kh_buf_puts(o, "<h2>");
    kh_html_text(o, kh_rubric_ranking_name(y->rubric, k));
    kh_buf_puts(o, "</h2><table id=\"ranking-");
    kh_html_attr(o, kh_rubric_ranking_id(y->rubric, k));
    kh_buf_puts(o, "\" class=\"ranking\">");
    web_thead(o, heads, sizeof heads / sizeof heads[0]);
    kh_buf_puts(o, "<tbody>\n");
}

static void rank_row(const web_year *y, size_t k, size_t j, kh_buf *o)
{
    const kh_rank_row *row = kh_result_ranking_row(y->result, k, j);
    kh_buf_printf(o, "<tr%s><td class=\"num\">%u</td><td>",
                  row->bottom ? " class=\"bottom\"" : "", row->rank);
    if (kh_rubric_ranking_level(y->rubric, k) == KH_LEVEL_UNIT) {
        kh_buf_printf(o, "<a href=\"/years/%d/results/", y->year);
        kh_html_url(o, row->id);
        kh_buf_puts(o, "\">");
        kh_html_text(o, row->name);
        kh_buf_puts(o, "</a>");
    } else {
        kh_html_text(o, row->name);
    }
    kh_buf_puts(o, "</td><td class=\"num\">");
    web_cp_out(o, row->score);
    kh_buf_puts(o, "</td><td class=\"mark\">");
    if (row->bottom)
        kh_html_text(o, W_("bottom three (talk)"));
    kh_buf_puts(o, "</td></tr>\n");
}

static void branches_open(kh_buf *o)
{
    static const char *const bheads[] = {N_("Branch"), N_("Units"),
                                         N_("Mean score")};
    kh_buf_puts(o, "<h2>");
    kh_html_text(o, W_("Branch means"));
    kh_buf_puts(o, "</h2><table id=\"branches\">");
    web_thead(o, bheads, sizeof bheads / sizeof bheads[0]);
    kh_buf_puts(o, "<tbody>\n");
}

static void branch_row(const web_year *y, size_t k, kh_buf *o)
{
    kh_buf_puts(o, "<tr><td>");
    kh_html_text(o, kh_assess_branch_name(y->assess,
                                          kh_result_branch(y->result, k)));
    kh_buf_printf(o, "</td><td class=\"num\">%zu</td><td class=\"num\">",
                  kh_result_branch_unit_count(y->result, k));
    web_cp_out(o, kh_result_branch_score(y->result, k));
    kh_buf_puts(o, "</td></tr>\n");
}

static void compact_note(const web_year *y, kh_buf *o)
{
    kh_buf_puts(o, "<p class=\"std\" id=\"results-compact\">");
    kh_buf_printf(o, W_("This year has %zu units: the page lists only "
                        "the rankings, the branch means and the units "
                        "with large differences; the charts of totals "
                        "and categories are in the Excel workbook, each "
                        "unit's sheet is reached from its name in the "
                        "ranking."), kh_assess_unit_count(y->assess));
    kh_buf_puts(o, "</p>\n");
}

static void charts(const web_year *y, kh_buf *o)
{
    const kh_rubric *rb = y->rubric;
    kh_buf_puts(o, "<h2>");
    kh_html_text(o, W_("Totals of the units"));
    kh_buf_puts(o, "</h2>\n");
    bar_chart(y, o);
    kh_buf_puts(o, "<h2>");
    kh_html_text(o, W_("Score rates by category"));
    kh_buf_puts(o, "</h2>\n");
    for (size_t k = 0; k < kh_rubric_ranking_count(rb); k++) {
        kh_buf_puts(o, "<h3>");
        kh_html_text(o, kh_rubric_ranking_name(rb, k));
        kh_buf_puts(o, "</h3>\n");
        category_chart(y, k, o);
    }
    kh_buf_puts(o, "<p class=\"std\">");
    kh_html_text(o, W_("score rate = category score ÷ full marks of the "
                       "items that apply to the unit's kind; orange is "
                       "below 60%."));
    kh_buf_puts(o, "</p>\n");
}

static void sheets(const web_year *y, kh_buf *o)
{
    const kh_assess *a = y->assess;
    kh_buf_puts(o, "<h2>");
    kh_html_text(o, W_("Score sheets of the units"));
    kh_buf_puts(o, "</h2><ul id=\"sheets\">\n");
    for (size_t u = 0; u < kh_assess_unit_count(a); u++) {
        kh_buf_printf(o, "<li><a href=\"/years/%d/results/", y->year);
        kh_html_url(o, kh_assess_unit_id(a, u));
        kh_buf_puts(o, "\">");
        kh_html_text(o, kh_assess_unit_name(a, u));
        kh_buf_printf(o, "</a> <a href=\"/years/%d/units/", y->year);
        kh_html_url(o, kh_assess_unit_id(a, u));
        kh_buf_puts(o, "/sheet\" id=\"link-sheet-");
        kh_html_attr(o, kh_assess_unit_id(a, u));
        kh_buf_puts(o, "\">");
        kh_html_text(o, W_("Score sheet (print)"));
        kh_buf_puts(o, "</a> ");
        for (int f = 0; f < 2; f++) {
            kh_buf_printf(o, "<a href=\"/years/%d/units/", y->year);
            kh_html_url(o, kh_assess_unit_id(a, u));
            kh_buf_printf(o, "/sheet.%s\">%s</a> ", f ? "pdf" : "docx",
                          f ? "PDF" : "Word");
        }
        kh_buf_puts(o, "<a href=\"/units/");
        kh_html_url(o, kh_assess_unit_id(a, u));
        kh_buf_puts(o, "/history\" id=\"link-history-");
        kh_html_attr(o, kh_assess_unit_id(a, u));
        kh_buf_puts(o, "\">");
        kh_html_text(o, W_("Over the years"));
        kh_buf_puts(o, "</a></li>\n");
    }
    kh_buf_puts(o, "</ul>\n");
}

void web_results_part(const void *ctx, const web_part *p, kh_buf *o)
{
    const web_year *y = ctx;
    switch (p->kind & ~(WEB_PART_VOLATILE | WEB_PART_BIG)) {
    case RP_NONE:
        web_msg_box(o, "error", W_("This year's data cannot be scored yet."));
        break;
    case RP_HEAD: head_part(y, o); break;
    case RP_RANK_OPEN: rank_open(y, p->i, o); break;
    case RP_RANK_ROW: rank_row(y, p->i, p->j, o); break;
    case RP_RANK_CLOSE: kh_buf_puts(o, "</tbody></table>\n"); break;
    case RP_BRANCHES_OPEN: branches_open(o); break;
    case RP_BRANCH: branch_row(y, p->i, o); break;
    case RP_BRANCHES_CLOSE: kh_buf_puts(o, "</tbody></table>\n"); break;
    case RP_COMPACT: compact_note(y, o); break;
    case RP_CHARTS: charts(y, o); break;
    case RP_GAP_OPEN: gap_open(o); break;
    case RP_GAP_ROW: gap_row(y, p->i, o); break;
    case RP_GAP_CLOSE: gap_close(y, o); break;
    case RP_SHEETS: sheets(y, o); break;
    }
}

void web_results_parts(const web_year *y, kh_buf *v)
{
    if (!y->result) {
        web_part_add(v, RP_NONE, 0, 0, 0, 0, 0);
        return;
    }
    const kh_rubric *rb = y->rubric;
    web_part_add(v, RP_HEAD, 0, 0, (uint32_t)y->state, 0, 0);
    for (size_t k = 0; k < kh_rubric_ranking_count(rb); k++) {
        web_part_add(v, RP_RANK_OPEN, k, 0, 0, 0, 0);
        for (size_t j = 0; j < kh_result_ranking_rows(y->result, k); j++) {
            const kh_rank_row *row = kh_result_ranking_row(y->result, k, j);
            web_part_add(v, RP_RANK_ROW, k, j, row->rank << 1 | row->bottom, row->ref,
                (uint64_t)row->score);
        }
        web_part_add(v, RP_RANK_CLOSE, k, 0, 0, 0, 0);
    }
    web_part_add(v, RP_BRANCHES_OPEN, 0, 0, 0, 0, 0);
    for (size_t k = 0; k < kh_result_branch_count(y->result); k++)
        web_part_add(v, RP_BRANCH, k, 0, 0, kh_result_branch(y->result, k),
            (uint64_t)kh_result_branch_score(y->result, k));
    web_part_add(v, RP_BRANCHES_CLOSE, 0, 0, 0, 0, 0);
    bool compact = results_compact(y);
    if (compact)
        web_part_add(v, RP_COMPACT, 0, 0, 0, 0, 0);
    else
        web_part_add(v, RP_CHARTS | WEB_PART_VOLATILE, 0, 0, 0, 0, 0);
    web_part_add(v, RP_GAP_OPEN, 0, 0, 0, 0, 0);
    for (size_t u = 0; u < kh_assess_unit_count(y->assess); u++) {
        kh_cp b, sb;
        bool large, has = gap_of(y, u, &b, &sb, &large);
        if (!compact || large)
            web_part_add(v, RP_GAP_ROW, u, 0, has, (uint64_t)b, (uint64_t)sb);
    }
    web_part_add(v, RP_GAP_CLOSE, 0, 0, 0, 0, 0);
    if (!compact)
        web_part_add(v, RP_SHEETS, 0, 0, 0, 0, 0);
}

void web_pages_results_body(const web_year *y, kh_buf *o)
{
    kh_buf v;
    kh_buf_init(&v, 0);
    web_results_parts(y, &v);
    const web_part *p = (const web_part *)v.data;
    for (size_t n = v.len / sizeof *p, k = 0; k < n; k++)
        web_results_part(y, &p[k], o);
    kh_buf_free(&v);
}
