/*
 * compare.c - year over year (kaohe/compare.h): two years' units matched
 * by id, totals, ranks and category scores with their changes, units new
 * or gone, the rubric diff (lib/model/rubric_diff.c) when the years used
 * different rubric versions; and the SVG line chart of a unit's totals.
 *
 * A unit's rank is its place in the ranking list of its kind: its own
 * row in a unit-level list, its branch's row in a branch-level one.
 * Since two years' lists may differ in size, a rank is shown as "rank of
 * N" and compared as a percentile position: the share of the others in
 * its list ranked below it, 100 at the top, 0 at the bottom (a list of
 * one: 100), rounded half up to a whole percent.  The change of rank is
 * the change of that percentile ("↑17": 17 percentile points up).
 * Categories are matched by id; a category only one rubric has shows a
 * score on one side only.  The labels are the catalogue's (Chinese).
 */
#include "kaohe/compare.h"
#include "kaohe/vec.h"
#include "export_impl.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/html.h"
#include "kaohe/i18n.h"
#include "kaohe/report.h"
#include "kaohe/rubric_diff.h"

/* Notes printed with every comparison (catalogue msgids). */
#define CMP_RUBRIC_NOTE                                                     \
    N_("Note: the two years used different rubrics; a change of score "   \
       "may come from the rules rather than the work (see the rubric "     \
       "changes below).")
#define CMP_RANK_NOTE                                                       \
    N_("Ranks are shown as \"rank of N\"; since the lists may differ in "  \
       "size, the rank change is the change of the percentile position "   \
       "(100 at the top of the list, 0 at the bottom).")

/* One side (year) of a unit. */
typedef struct cmp_side {
    bool present;
    size_t u;           /* unit index in that year */
    kh_cp total;
    unsigned rank;      /* 0: not ranked */
    size_t places;      /* entries in its ranking list */
    int pct;            /* percentile position, 0..100 (when ranked) */
} cmp_side;

/* The percentile position of rank among places (see the top). */
static int cmp_pct(unsigned rank, size_t places)
{
    if (!rank || places <= 1)
        return 100;
    size_t below = places - rank, others = places - 1;
    return (int)((200 * below + others) / (2 * others));
}

typedef struct cmp_unit {
    const char *id, *name;   /* borrowed from the newer year when present */
    cmp_side s[2];
} cmp_unit;

/* A category of either rubric, matched by id. */
typedef struct cmp_cat {
    const char *id, *name;
    long c[2];               /* index in each rubric, -1 when absent */
} cmp_cat;

typedef struct cmp {
    kh_export *x[2];
    cmp_unit *units;
    size_t n;
    cmp_cat *cats;
    size_t ncat;
    bool rubric_changed;
    kh_buf diff;             /* kh_rubric_diff output */
    size_t diff_n;
} cmp;

/* rank of each unit of x (by unit index) */
static void cmp_ranks(const kh_export *x, unsigned *rank, size_t *places)
{
    const kh_result *res = x->res;
    for (size_t i = 0; i < kh_rubric_ranking_count(x->rubric); i++) {
        size_t n = kh_result_ranking_rows(res, i);
        bool branch =
            kh_rubric_ranking_level(x->rubric, i) == KH_LEVEL_BRANCH;
        for (size_t j = 0; j < n; j++) {
            const kh_rank_row *rr = kh_result_ranking_row(res, i, j);
            if (!branch) {
                rank[rr->ref] = rr->rank;
                places[rr->ref] = n;
                continue;
            }
            for (size_t k = 0; k < kh_result_branch_unit_count(res, rr->ref);
                 k++) {
                size_t u = kh_result_branch_unit(res, rr->ref, k);
                rank[u] = rr->rank;
                places[u] = n;
            }
        }
    }
}

static kh_status cmp_build(cmp *c, kh_err *e)
{
    size_t n0 = kh_result_unit_count(c->x[0]->res);
    size_t n1 = kh_result_unit_count(c->x[1]->res);
    c->units = calloc(n0 + n1 + 1, sizeof *c->units);
    unsigned *rank[2] = {calloc(n0 + 1, sizeof(unsigned)),
                         calloc(n1 + 1, sizeof(unsigned))};
    size_t *places[2] = {calloc(n0 + 1, sizeof(size_t)),
                         calloc(n1 + 1, sizeof(size_t))};
    size_t nr0 = kh_rubric_category_count(c->x[0]->rubric);
    size_t nr1 = kh_rubric_category_count(c->x[1]->rubric);
    c->cats = calloc(nr0 + nr1 + 1, sizeof *c->cats);
    kh_status rc = KH_OK;
    if (!c->units || !rank[0] || !rank[1] || !places[0] || !places[1] ||
        !c->cats) {
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
        goto done;
    }
    for (int y = 0; y < 2; y++)
        cmp_ranks(c->x[y], rank[y], places[y]);
    /* the newer year's units in its order, then the gone ones */
    const kh_assess *a1 = c->x[1]->assess, *a0 = c->x[0]->assess;
    for (size_t u = 0; u < n1; u++) {
        cmp_unit *cu = &c->units[c->n++];
        cu->id = kh_assess_unit_id(a1, u);
        cu->name = kh_assess_unit_name(a1, u);
        cu->s[1] = (cmp_side){true, u, kh_result_total(c->x[1]->res, u),
                              rank[1][u], places[1][u],
                              cmp_pct(rank[1][u], places[1][u])};
        long o = kh_assess_unit_find(a0, cu->id);
        if (o >= 0)
            cu->s[0] = (cmp_side){true, (size_t)o,
                                  kh_result_total(c->x[0]->res, (size_t)o),
                                  rank[0][o], places[0][o],
                                  cmp_pct(rank[0][o], places[0][o])};
    }
    for (size_t u = 0; u < n0; u++) {
        const char *id = kh_assess_unit_id(a0, u);
        if (kh_assess_unit_find(a1, id) >= 0)
            continue;
        cmp_unit *cu = &c->units[c->n++];
        cu->id = id;
        cu->name = kh_assess_unit_name(a0, u);
        cu->s[0] = (cmp_side){true, u, kh_result_total(c->x[0]->res, u),
                              rank[0][u], places[0][u],
                              cmp_pct(rank[0][u], places[0][u])};
    }
    /* categories: the newer rubric's, then the older one's others */
    const kh_rubric *r0 = c->x[0]->rubric, *r1 = c->x[1]->rubric;
    for (size_t k = 0; k < nr1; k++) {
        cmp_cat *cc = &c->cats[c->ncat++];
        cc->id = kh_rubric_category_id(r1, k);
        cc->name = kh_rubric_category_name(r1, k);
        cc->c[1] = (long)k;
        cc->c[0] = -1;
        for (size_t j = 0; j < nr0; j++)
            if (!strcmp(kh_rubric_category_id(r0, j), cc->id))
                cc->c[0] = (long)j;
    }
    for (size_t j = 0; j < nr0; j++) {
        bool seen = false;
        for (size_t k = 0; k < nr1; k++)
            if (!strcmp(kh_rubric_category_id(r1, k),
                        kh_rubric_category_id(r0, j)))
                seen = true;
        if (seen)
            continue;
        cmp_cat *cc = &c->cats[c->ncat++];
        cc->id = kh_rubric_category_id(r0, j);
        cc->name = kh_rubric_category_name(r0, j);
        cc->c[0] = (long)j;
        cc->c[1] = -1;
    }
    c->rubric_changed =
        strcmp(c->x[0]->rubric_version, c->x[1]->rubric_version) != 0;
    if (c->rubric_changed) {
        char a[128], b[128];
        snprintf(a, sizeof a, "%.*s", (int)(strcspn(c->x[0]->rubric_version,
                                                    "@") + 1 +
                                            KH_STORE_HASH_SHOW),
                 c->x[0]->rubric_version);
        snprintf(b, sizeof b, "%.*s", (int)(strcspn(c->x[1]->rubric_version,
                                                    "@") + 1 +
                                            KH_STORE_HASH_SHOW),
                 c->x[1]->rubric_version);
        rc = kh_rubric_diff(r0, a, r1, b, &c->diff, &c->diff_n);
        if (rc != KH_OK)
            kh_err_fail(e, rc, "cannot compare the rubrics");
    }
done:
    for (int y = 0; y < 2; y++) {
        free(rank[y]);
        free(places[y]);
    }
    return rc;
}

/* Category score of side y of cu for category cc. */
static bool cmp_cat_score(const cmp *c, const cmp_unit *cu,
                          const cmp_cat *cc, int y, kh_cp *out)
{
    if (!cu->s[y].present || cc->c[y] < 0)
        return false;
    return kh_result_category(c->x[y]->res, cu->s[y].u, (size_t)cc->c[y],
                              out);
}

static const char *cmp_status(const cmp_unit *cu)
{
    return !cu->s[0].present ? "new" : !cu->s[1].present ? "gone" : "both";
}

static const char *cmp_status_label(const cmp_unit *cu)
{
    return !cu->s[0].present
               ? kh_i18n_zh("new this year")
               : !cu->s[1].present
                     ? kh_i18n_zh("did not take part in this year's "
                                  "assessment")
                     : "";
}

/* Both sides ranked: the percentile change is defined. */
static bool cmp_ranked(const cmp_unit *cu)
{
    return cu->s[0].present && cu->s[1].present && cu->s[0].rank &&
           cu->s[1].rank;
}

/* "+1.5" / "-2" / "0" */
static void cmp_signed(kh_buf *out, kh_cp v)
{
    char nb[KH_NUM_BUFSZ];
    kh_num_format(v, nb);
    kh_buf_printf(out, "%s%s", v > 0 ? "+" : "", nb);
}

/* ---- JSON ---------------------------------------------------------- */

static void cmp_json_cp_or_null(kh_buf *out, bool has, kh_cp v)
{
    if (has)
        kh_json_cp(out, v);
    else
        kh_buf_puts(out, "null");
}

static void cmp_json(const cmp *c, kh_buf *out)
{
    kh_buf_printf(out, "{\"years\": [%d, %d], \"rubrics\": [",
                  c->x[0]->year, c->x[1]->year);
    kh_json_str(out, c->x[0]->rubric_version);
    kh_buf_puts(out, ", ");
    kh_json_str(out, c->x[1]->rubric_version);
    kh_buf_printf(out, "], \"drafts\": [%s, %s], \"rubric_changed\": %s,\n"
                       " \"rubric_diff\": [",
                  kh_export_is_draft(c->x[0]) ? "true" : "false",
                  kh_export_is_draft(c->x[1]) ? "true" : "false",
                  c->rubric_changed ? "true" : "false");
    /* the diff, one string per line */
    const char *p = kh_buf_str(&c->diff);
    bool first = true;
    while (c->rubric_changed && *p) {
        size_t l = strcspn(p, "\n");
        char *line = strndup(p, l);
        if (line) {
            kh_buf_puts(out, first ? "\n   " : ",\n   ");
            kh_json_str(out, line);
            first = false;
            free(line);
        }
        p += l + (p[l] == '\n');
    }
    kh_buf_puts(out, "],\n \"units\": [");
    for (size_t i = 0; i < c->n; i++) {
        const cmp_unit *cu = &c->units[i];
        kh_buf_puts(out, i ? ",\n  {\"id\": " : "\n  {\"id\": ");
        kh_json_str(out, cu->id);
        kh_buf_puts(out, ", \"name\": ");
        kh_json_str(out, cu->name);
        kh_buf_printf(out, ", \"status\": \"%s\", \"totals\": [",
                      cmp_status(cu));
        cmp_json_cp_or_null(out, cu->s[0].present, cu->s[0].total);
        kh_buf_puts(out, ", ");
        cmp_json_cp_or_null(out, cu->s[1].present, cu->s[1].total);
        kh_buf_puts(out, "], \"ranks\": [");
        for (int y = 0; y < 2; y++) {
            if (cu->s[y].present && cu->s[y].rank)
                kh_buf_printf(out, "%u", cu->s[y].rank);
            else
                kh_buf_puts(out, "null");
            kh_buf_puts(out, y ? "]" : ", ");
        }
        bool both = cu->s[0].present && cu->s[1].present;
        kh_buf_puts(out, ", \"change\": ");
        cmp_json_cp_or_null(out, both, cu->s[1].total - cu->s[0].total);
        for (int f = 0; f < 2; f++) {   /* "places", then "percentiles" */
            kh_buf_puts(out, f ? ", \"percentiles\": [" : ", \"places\": [");
            for (int y = 0; y < 2; y++) {
                if (cu->s[y].present && cu->s[y].rank)
                    kh_buf_printf(out, "%zu", f ? (size_t)cu->s[y].pct
                                                : cu->s[y].places);
                else
                    kh_buf_puts(out, "null");
                kh_buf_puts(out, y ? "]" : ", ");
            }
        }
        kh_buf_puts(out, ", \"rank_change\": ");
        if (cmp_ranked(cu))
            kh_buf_printf(out, "%d", (int)cu->s[0].rank - (int)cu->s[1].rank);
        else
            kh_buf_puts(out, "null");
        kh_buf_puts(out, ", \"percentile_change\": ");
        if (cmp_ranked(cu))
            kh_buf_printf(out, "%d", cu->s[1].pct - cu->s[0].pct);
        else
            kh_buf_puts(out, "null");
        kh_buf_puts(out, ", \"categories\": {");
        for (size_t k = 0; k < c->ncat; k++) {
            kh_cp v0 = 0, v1 = 0;
            bool h0 = cmp_cat_score(c, cu, &c->cats[k], 0, &v0);
            bool h1 = cmp_cat_score(c, cu, &c->cats[k], 1, &v1);
            if (k)
                kh_buf_puts(out, ", ");
            kh_json_str(out, c->cats[k].id);
            kh_buf_puts(out, ": [");
            cmp_json_cp_or_null(out, h0, v0);
            kh_buf_puts(out, ", ");
            cmp_json_cp_or_null(out, h1, v1);
            kh_buf_puts(out, ", ");
            cmp_json_cp_or_null(out, h0 && h1, v1 - v0);
            kh_buf_puts(out, "]");
        }
        kh_buf_puts(out, "}}");
    }
    kh_buf_puts(out, "\n]}\n");
}

/* ---- CSV and table ------------------------------------------------- */

/* The cells of one unit row (strings in cells[], built in b). */
enum { CMP_FIXED = 9 };

static void cmp_row_cells(const cmp *c, const cmp_unit *cu, kh_buf *cell,
                          size_t ncells, size_t *off)
{
    char nb[KH_NUM_BUFSZ];
    size_t k = 0;
#define CELL_START() (off[k++] = cell->len)
#define CELL_END() kh_buf_putc(cell, '\0')
    CELL_START(); kh_buf_puts(cell, cu->id); CELL_END();
    CELL_START(); kh_buf_puts(cell, cu->name ? cu->name : ""); CELL_END();
    CELL_START(); kh_buf_puts(cell, cmp_status_label(cu)); CELL_END();
    for (int y = 0; y < 2; y++) {
        CELL_START();
        if (cu->s[y].present)
            kh_buf_puts(cell, kh_xp_num(cu->s[y].total, nb));
        CELL_END();
        CELL_START();
        if (cu->s[y].present && cu->s[y].rank)
            kh_buf_printf(cell, kh_i18n_zh("%u of %zu"), cu->s[y].rank,
                          cu->s[y].places);
        CELL_END();
    }
    bool both = cu->s[0].present && cu->s[1].present;
    CELL_START();
    if (both)
        cmp_signed(cell, cu->s[1].total - cu->s[0].total);
    CELL_END();
    CELL_START();
    if (cmp_ranked(cu)) {
        int d = cu->s[1].pct - cu->s[0].pct;
        kh_buf_printf(cell, d > 0 ? "↑%d" : d < 0 ? "↓%d" : "-",
                      d < 0 ? -d : d);
    }
    CELL_END();
    for (size_t j = 0; j < c->ncat && k < ncells; j++) {
        kh_cp v0 = 0, v1 = 0;
        bool h0 = cmp_cat_score(c, cu, &c->cats[j], 0, &v0);
        bool h1 = cmp_cat_score(c, cu, &c->cats[j], 1, &v1);
        CELL_START();
        if (h0 && h1)
            cmp_signed(cell, v1 - v0);
        CELL_END();
    }
#undef CELL_START
#undef CELL_END
}

static void cmp_head_cells(const cmp *c, kh_buf *cell, size_t *off)
{
    size_t k = 0;
    const char *fixed[] = {kh_i18n_zh("Code"), kh_i18n_zh("Name"),
                           kh_i18n_zh("Status")};
    for (size_t i = 0; i < 3; i++) {
        off[k++] = cell->len;
        kh_buf_puts(cell, fixed[i]);
        kh_buf_putc(cell, '\0');
    }
    for (int y = 0; y < 2; y++) {
        off[k++] = cell->len;
        kh_buf_printf(cell, kh_i18n_zh("%d total"), c->x[y]->year);
        kh_buf_putc(cell, '\0');
        off[k++] = cell->len;
        kh_buf_printf(cell, kh_i18n_zh("%d rank"), c->x[y]->year);
        kh_buf_putc(cell, '\0');
    }
    off[k++] = cell->len;
    kh_buf_puts(cell, kh_i18n_zh("Total change"));
    kh_buf_putc(cell, '\0');
    off[k++] = cell->len;
    kh_buf_puts(cell, kh_i18n_zh("Rank change (percentile points)"));
    kh_buf_putc(cell, '\0');
    for (size_t j = 0; j < c->ncat; j++) {
        off[k++] = cell->len;
        kh_buf_printf(cell, kh_i18n_zh("%s change"), c->cats[j].name);
        kh_buf_putc(cell, '\0');
    }
}

static kh_status cmp_text(const cmp *c, kh_buf *out, bool csv)
{
    size_t ncol = CMP_FIXED + c->ncat;
    size_t nrow = c->n + 1;
    size_t *off = calloc(nrow * ncol, sizeof *off);
    size_t *width = calloc(ncol, sizeof *width);
    kh_buf cell;
    kh_buf_init(&cell, 0);
    if (!off || !width) {
        free(off);
        free(width);
        return KH_ENOMEM;
    }
    cmp_head_cells(c, &cell, off);
    for (size_t i = 0; i < c->n; i++)
        cmp_row_cells(c, &c->units[i], &cell, ncol, off + (i + 1) * ncol);
    kh_status rc = kh_buf_status(&cell);
    if (rc != KH_OK)
        goto done;
    const char *base = cell.data;
    if (csv) {
        kh_buf_puts(out, "\xEF\xBB\xBF");
        for (size_t r = 0; r < nrow; r++) {
            for (size_t k = 0; k < ncol; k++) {
                if (k)
                    kh_buf_putc(out, ',');
                kh_csv_cell(out, base + off[r * ncol + k]);
            }
            kh_buf_puts(out, "\r\n");
        }
        if (c->rubric_changed) {
            kh_buf_puts(out, "\r\n");
            kh_csv_cell(out, kh_i18n_zh("Rubric changes"));
            kh_buf_puts(out, "\r\n");
            const char *p = kh_buf_str(&c->diff);
            while (*p) {
                size_t l = strcspn(p, "\n");
                char *line = strndup(p, l);
                if (line)
                    kh_csv_cell(out, line);
                free(line);
                kh_buf_puts(out, "\r\n");
                p += l + (p[l] == '\n');
            }
        }
        goto done;
    }
    kh_buf_printf(out, kh_i18n_zh("Assessment %d → %d compared"),
                  c->x[0]->year, c->x[1]->year);
    for (int y = 0; y < 2; y++)
        if (kh_export_is_draft(c->x[y]))
            kh_buf_printf(out, kh_i18n_zh(" (%d is a draft)"),
                          c->x[y]->year);
    kh_buf_puts(out, "\n");
    if (c->rubric_changed)
        kh_buf_printf(out, "%s\n", kh_i18n_zh(CMP_RUBRIC_NOTE));
    kh_buf_printf(out, "%s\n", kh_i18n_zh(CMP_RANK_NOTE));
    kh_buf_puts(out, "\n");
    for (size_t r = 0; r < nrow; r++)
        for (size_t k = 0; k < ncol; k++) {
            size_t wd = kh_text_width(base + off[r * ncol + k]);
            if (wd > width[k])
                width[k] = wd;
        }
    for (size_t r = 0; r < nrow; r++) {
        size_t last = ncol;
        while (last > 0 && !base[off[r * ncol + last - 1]])
            last--;
        for (size_t k = 0; k < last; k++) {
            if (k)
                kh_buf_puts(out, "  ");
            kh_text_pad(out, base + off[r * ncol + k],
                        k + 1 < last ? width[k] : 0, k >= 3 && r > 0);
        }
        kh_buf_putc(out, '\n');
    }
    if (c->rubric_changed) {
        kh_buf_printf(out, "\n%s\n", kh_i18n_zh("Rubric changes:"));
        kh_buf_add(out, c->diff.data ? c->diff.data : "", c->diff.len);
    }
done:
    kh_buf_free(&cell);
    free(off);
    free(width);
    return rc;
}

/* The web page's fragment: the same cells as the table, as HTML. */
static kh_status cmp_html(const cmp *c, kh_buf *out)
{
    size_t ncol = CMP_FIXED + c->ncat;
    size_t *off = calloc(ncol, sizeof *off);
    kh_buf cell;
    kh_buf_init(&cell, 0);
    if (!off)
        return KH_ENOMEM;
    for (int y = 0; y < 2; y++)
        if (kh_export_is_draft(c->x[y])) {
            kh_buf_printf(out, "<p class=\"msg\" id=\"draft-%d\">",
                          c->x[y]->year);
            kh_buf_printf(out, kh_i18n_zh("The results of %d are not "
                                          "published yet (draft)."),
                          c->x[y]->year);
            kh_buf_puts(out, "</p>\n");
        }
    if (c->rubric_changed) {
        kh_buf_puts(out, "<p class=\"msg\" id=\"rubric-changed\">");
        kh_html_text(out, kh_i18n_zh(CMP_RUBRIC_NOTE));
        kh_buf_puts(out, "</p>\n");
    }
    kh_buf_puts(out, "<p class=\"std\" id=\"rank-note\">");
    kh_html_text(out, kh_i18n_zh(CMP_RANK_NOTE));
    kh_buf_puts(out, "</p>\n");
    kh_buf_puts(out, "<table id=\"compare\" class=\"compare\"><thead><tr>");
    cmp_head_cells(c, &cell, off);
    for (size_t k = 1; k < ncol; k++) {   /* people read names, not codes */
        kh_buf_puts(out, "<th>");
        kh_html_text(out, cell.data ? cell.data + off[k] : "");
        kh_buf_puts(out, "</th>");
    }
    kh_buf_puts(out, "</tr></thead><tbody>\n");
    for (size_t i = 0; i < c->n; i++) {
        const cmp_unit *cu = &c->units[i];
        kh_buf_reset(&cell);
        cmp_row_cells(c, cu, &cell, ncol, off);
        if (kh_buf_status(&cell) != KH_OK)
            break;
        kh_buf_puts(out, "<tr id=\"cmp-");
        kh_html_attr(out, cu->id);
        const char *st = cmp_status(cu);
        kh_buf_puts(out, "\" class=\"");
        kh_html_attr(out, st);
        kh_buf_puts(out, "\">");
        /* the name links to the unit's history */
        kh_buf_puts(out, "<td><a href=\"/units/");
        kh_html_url(out, cu->id);
        kh_buf_puts(out, "/history\">");
        kh_html_text(out, cell.data + off[1]);
        kh_buf_puts(out, "</a></td>");
        for (size_t k = 2; k < ncol; k++) {
            kh_buf_puts(out, k >= 3 ? "<td class=\"num\">" : "<td>");
            kh_html_text(out, cell.data + off[k]);
            kh_buf_puts(out, "</td>");
        }
        kh_buf_puts(out, "</tr>\n");
    }
    kh_buf_puts(out, "</tbody></table>\n");
    if (c->rubric_changed) {
        kh_buf_puts(out, "<h2>");
        kh_html_text(out, kh_i18n_zh("Rubric changes"));
        kh_buf_puts(out, "</h2>\n");
        /* in words, as the admin's rubric diff page has them */
        size_t n;
        kh_status st = kh_rubric_diff_html(c->x[0]->rubric, c->x[1]->rubric,
                                           "rubric-diff", out, &n);
        if (st != KH_OK)
            return st;
    }
    kh_status rc = kh_buf_status(&cell);
    kh_buf_free(&cell);
    free(off);
    return rc;
}

kh_status kh_compare(kh_store *s, int from, int to, kh_compare_format fmt,
                     kh_buf *out, kh_err *e)
{
    cmp c = {0};
    kh_buf_init(&c.diff, 0);
    kh_status rc = KH_OK;
    int years[2] = {from, to};
    for (int y = 0; y < 2; y++) {
        kh_year_state st;
        kh_err *tmp = kh_err_new();
        if (!tmp) {
            rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
            break;
        }
        kh_status r = kh_store_year_state(s, years[y], &st, tmp);
        kh_err_free(tmp);
        if (r == KH_ENOTFOUND)
            kh_err_at(e, 0, 0, "--years", "year %d does not exist in the "
                      "store", years[y]);
        else if (r != KH_OK)
            kh_err_fail(e, r, "year %d cannot be read", years[y]);
        if (r != KH_OK && rc == KH_OK)
            rc = r;
    }
    for (int y = 0; y < 2 && rc == KH_OK; y++)
        rc = kh_export_open(s, years[y], e, &c.x[y]);
    if (rc == KH_OK)
        rc = cmp_build(&c, e);
    if (rc == KH_OK) {
        if (fmt == KH_COMPARE_JSON)
            cmp_json(&c, out);
        else if (fmt == KH_COMPARE_HTML)
            rc = cmp_html(&c, out);
        else
            rc = cmp_text(&c, out, fmt == KH_COMPARE_CSV);
        if (rc == KH_OK)
            rc = kh_buf_status(out);
    }
    kh_export_free(c.x[0]);
    kh_export_free(c.x[1]);
    free(c.units);
    free(c.cats);
    kh_buf_free(&c.diff);
    return rc;
}

/* ---- the SVG chart ------------------------------------------------- */

kh_status kh_svg_line_chart(kh_buf *out, const char *title, size_t n,
                            const char *const *labels, const kh_cp *values,
                            const bool *present)
{
    /* Layout in px: plot area inside fixed margins; the value axis runs
     * from 0 to the largest value rounded up to a multiple of 10 (at
     * least 100, the base maximum).  Integer arithmetic only: the
     * coordinates are written in hundredths of a pixel. */
    const long W = 640, H = 320, L = 56, R = 24, T = 40, B = 48;
    kh_cp max = KH_CP(100);
    for (size_t i = 0; i < n; i++)
        if (present[i] && values[i] > max)
            max = values[i];
    max = (max + KH_CP(10) - 1) / KH_CP(10) * KH_CP(10);
    long pw = W - L - R, ph = H - T - B;
    kh_buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                       "viewBox=\"0 0 %ld %ld\" width=\"%ld\" height=\"%ld\" "
                       "role=\"img\" font-family=\"sans-serif\" "
                       "font-size=\"12\">\n<title>",
                  W, H, W, H);
    kh_html_text(out, title);
    kh_buf_printf(out, "</title>\n<text x=\"%ld\" y=\"24\" "
                       "text-anchor=\"middle\" font-size=\"15\">",
                  W / 2);
    kh_html_text(out, title);
    kh_buf_puts(out, "</text>\n");
    /* grid and value labels: 5 steps */
    for (int k = 0; k <= 5; k++) {
        long y = T + ph - ph * k / 5;
        char nb[KH_NUM_BUFSZ];
        kh_num_format(max * k / 5, nb);
        kh_buf_printf(out, "<line x1=\"%ld\" y1=\"%ld\" x2=\"%ld\" "
                           "y2=\"%ld\" stroke=\"#ddd\"/>"
                           "<text x=\"%ld\" y=\"%ld\" text-anchor=\"end\">"
                           "%s</text>\n",
                      L, y, W - R, y, L - 6, y + 4, nb);
    }
    /* x positions in hundredths of a pixel */
    long step = n > 1 ? pw * 100 / (long)(n - 1) : 0;
    bool open = false;
    for (size_t i = 0; i < n; i++) {
        long x = L * 100 + (n > 1 ? step * (long)i : pw * 50);
        if (!present[i]) {
            if (open)
                kh_buf_puts(out, "\"/>\n");
            open = false;
            continue;
        }
        long y = (T + ph) * 100 - (long)(values[i] * ph * 100 / max);
        kh_buf_printf(out, "%s%ld.%02ld,%ld.%02ld",
                      open ? " " : "<polyline fill=\"none\" "
                                   "stroke=\"#c00000\" stroke-width=\"2\" "
                                   "points=\"",
                      x / 100, x % 100, y / 100, y % 100);
        open = true;
    }
    if (open)
        kh_buf_puts(out, "\"/>\n");
    for (size_t i = 0; i < n; i++) {
        long x = L * 100 + (n > 1 ? step * (long)i : pw * 50);
        kh_buf_printf(out, "<text x=\"%ld.%02ld\" y=\"%ld\" "
                           "text-anchor=\"middle\">",
                      x / 100, x % 100, H - B + 18);
        kh_html_text(out, labels[i]);
        kh_buf_puts(out, "</text>\n");
        if (!present[i])
            continue;
        long y = (T + ph) * 100 - (long)(values[i] * ph * 100 / max);
        char nb[KH_NUM_BUFSZ];
        kh_num_format(values[i], nb);
        kh_buf_printf(out, "<circle cx=\"%ld.%02ld\" cy=\"%ld.%02ld\" "
                           "r=\"4\" fill=\"#c00000\"/>"
                           "<text x=\"%ld.%02ld\" y=\"%ld.%02ld\" "
                           "text-anchor=\"middle\">%s</text>\n",
                      x / 100, x % 100, y / 100, y % 100, x / 100, x % 100,
                      (y - 900) / 100, (y - 900) % 100, nb);
    }
    kh_buf_puts(out, "</svg>\n");
    return kh_buf_status(out);
}

typedef struct cmp_years {
    int *v;
    size_t n, alloc;
} cmp_years;

static kh_status cmp_year_cb(void *ctx, const kh_year_info *y)
{
    cmp_years *c = ctx;
    if (KH_VEC_GROW(c->v, c->alloc, c->n + 1, 8) != KH_OK)
        return KH_ENOMEM;
    c->v[c->n++] = y->year;
    return KH_OK;
}

kh_status kh_compare_unit_svg(kh_store *s, const char *unit, kh_buf *out,
                              kh_err *e)
{
    cmp_years ys = {0};
    kh_status rc = kh_store_year_each(s, 0, cmp_year_cb, &ys, e);
    char (*labels)[16] = calloc(ys.n + 1, sizeof *labels);
    const char **lp = calloc(ys.n + 1, sizeof *lp);
    kh_cp *vals = calloc(ys.n + 1, sizeof *vals);
    bool *present = calloc(ys.n + 1, sizeof *present);
    char *name = NULL;
    size_t found = 0;
    if (rc == KH_OK && (!labels || !lp || !vals || !present))
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
    for (size_t i = 0; rc == KH_OK && i < ys.n; i++) {
        kh_export *x = NULL;
        kh_err *tmp = kh_err_new();   /* draft warnings are not wanted */
        if (!tmp) {
            rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
            break;
        }
        rc = kh_export_open(s, ys.v[i], tmp, &x);
        for (size_t k = 0; rc != KH_OK && k < kh_err_count(tmp); k++)
            if (kh_err_get(tmp, k)->severity == KH_SEV_ERROR)
                kh_err_fail(e, rc, "year %d: %s", ys.v[i],
                            kh_err_get(tmp, k)->text);
        kh_err_free(tmp);
        snprintf(labels[i], sizeof labels[i], "%d", ys.v[i]);
        lp[i] = labels[i];
        if (rc != KH_OK)
            break;
        long u = kh_assess_unit_find(x->assess, unit);
        if (u >= 0) {
            present[i] = true;
            vals[i] = kh_result_total(x->res, (size_t)u);
            found++;
            free(name);
            name = strdup(kh_assess_unit_name(x->assess, (size_t)u));
        }
        kh_export_free(x);
    }
    if (rc == KH_OK && !found) {
        kh_err_at(e, 0, 0, "--unit", "unit \"%s\" is in no year of the "
                  "store", unit);
        rc = KH_ENOTFOUND;   /* as the header says */
    }
    if (rc == KH_OK) {
        kh_buf t;
        kh_buf_init(&t, 0);
        kh_buf_printf(&t, kh_i18n_zh("%s: totals over the years"),
                      name ? name : unit);
        rc = kh_svg_line_chart(out, kh_buf_str(&t), ys.n, lp, vals, present);
        kh_buf_free(&t);
    }
    free(name);
    free(labels);
    free(lp);
    free(vals);
    free(present);
    free(ys.v);
    return rc;
}
