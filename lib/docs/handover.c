/*
 * handover.c - the results in the shape the organisation or HR
 * department takes in (kaohe/handover.h): the handover rows of a
 * published year with grades and converted points, and term totals over
 * several years.  CSV and JSON.
 */
#include "export_impl.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/convert.h"
#include "kaohe/handover.h"
#include "kaohe/report.h"
#include "kaohe/store_docset.h"
#include "kaohe/vec.h"

#include <xlsxwriter.h>

/* Where a unit or branch was ranked. */
typedef struct ho_place {
    const char *list;       /* ranking name, NULL when not ranked */
    unsigned rank;
    bool bottom;
} ho_place;

typedef struct ho_row {
    const char *type, *id, *name, *kind, *branch;
    kh_cp score;
    ho_place p;
} ho_row;

/* The place of unit u (level unit) or branch k (level branch). */
static ho_place ho_find(const kh_export *x, bool branch, size_t ref)
{
    ho_place p = {NULL, 0, false};
    for (size_t i = 0; i < kh_rubric_ranking_count(x->rubric); i++) {
        bool lb = kh_rubric_ranking_level(x->rubric, i) == KH_LEVEL_BRANCH;
        for (size_t j = 0; lb == branch &&
                           j < kh_result_ranking_rows(x->res, i); j++) {
            const kh_rank_row *rr = kh_result_ranking_row(x->res, i, j);
            if (rr->ref == ref) {
                p.list = kh_rubric_ranking_name(x->rubric, i);
                p.rank = rr->rank;
                p.bottom = rr->bottom;
                return p;
            }
        }
    }
    return p;
}

/* The result's branch k holding assessment unit u, or SIZE_MAX. */
static size_t ho_branch_of(const kh_export *x, size_t u)
{
    for (size_t k = 0; k < kh_result_branch_count(x->res); k++)
        for (size_t j = 0; j < kh_result_branch_unit_count(x->res, k); j++)
            if (kh_result_branch_unit(x->res, k, j) == u)
                return k;
    return SIZE_MAX;
}

static void ho_csv_row(kh_buf *out, const ho_row *r, const kh_conversion *cv)
{
    char nb[KH_NUM_BUFSZ], rank[16];
    const char *cells[4] = {r->type, r->id, r->name, r->kind};
    for (size_t i = 0; i < 4; i++) {
        kh_csv_cell(out, cells[i]);
        kh_buf_putc(out, ',');
    }
    kh_csv_cell(out, r->branch ? r->branch : "");
    kh_num_format2(r->score, nb);
    kh_buf_printf(out, ",%s,", nb);
    kh_csv_cell(out, kh_conversion_grade(cv, r->score));
    kh_cp pts;
    if (kh_conversion_points(cv, r->score, &pts)) {
        kh_num_format2(pts, nb);
        kh_buf_printf(out, ",%s,", nb);
    } else {
        kh_buf_puts(out, ",,");
    }
    kh_csv_cell(out, r->p.list ? r->p.list : "");
    snprintf(rank, sizeof rank, "%u", r->p.rank);
    kh_buf_printf(out, ",%s,%s\r\n", r->p.list ? rank : "",
                  r->p.bottom ? "是" : "否");
}

static void ho_json_row(kh_buf *out, const ho_row *r, const kh_conversion *cv,
                        bool first)
{
    kh_buf_puts(out, first ? "\n    {\"id\": " : ",\n    {\"id\": ");
    kh_json_str(out, r->id);
    kh_buf_puts(out, ", \"name\": ");
    kh_json_str(out, r->name);
    kh_buf_puts(out, ", \"kind\": ");
    kh_json_str(out, r->kind);
    if (r->branch) {
        kh_buf_puts(out, ", \"branch\": ");
        kh_json_str(out, r->branch);
    }
    kh_buf_puts(out, ", \"score\": ");
    kh_json_cp(out, r->score);
    kh_buf_puts(out, ", \"grade\": ");
    kh_json_str(out, kh_conversion_grade(cv, r->score));
    kh_cp pts;
    kh_buf_puts(out, ", \"points\": ");
    if (kh_conversion_points(cv, r->score, &pts))
        kh_json_cp(out, pts);
    else
        kh_buf_puts(out, "null");
    kh_buf_puts(out, ", \"ranking\": ");
    if (r->p.list) {
        kh_json_str(out, r->p.list);
        kh_buf_printf(out, ", \"rank\": %u", r->p.rank);
    } else {
        kh_buf_puts(out, "null, \"rank\": null");
    }
    kh_buf_printf(out, ", \"flagged\": %s}", r->p.bottom ? "true" : "false");
}

/* Where rows go: a buffer (CSV, JSON) or a worksheet. */
typedef struct ho_out {
    kh_handover_format fmt;
    kh_buf *out;
    lxw_worksheet *ws;
    lxw_format *num;
    lxw_row_t row;
    lxw_error err;
} ho_out;

static void ho_xcheck(ho_out *o, lxw_error err)
{
    if (err != LXW_NO_ERROR && o->err == LXW_NO_ERROR)
        o->err = err;
}

/* A row of the sheet: text as string cells (never formulas), figures as
 * number cells. */
static void ho_xlsx_row(ho_out *o, const ho_row *r, const kh_conversion *cv)
{
    lxw_worksheet *ws = o->ws;
    lxw_row_t y = o->row++;
    const char *t[] = {r->type, r->id, r->name, r->kind,
                       r->branch ? r->branch : ""};
    for (lxw_col_t c = 0; c < 5; c++)
        ho_xcheck(o, *t[c] ? worksheet_write_string(ws, y, c, t[c], NULL)
                           : worksheet_write_blank(ws, y, c, NULL));
    ho_xcheck(o, worksheet_write_number(ws, y, 5, (double)r->score / 100.0,
                                        o->num));
    ho_xcheck(o, worksheet_write_string(ws, y, 6,
                                        kh_conversion_grade(cv, r->score),
                                        NULL));
    kh_cp pts;
    if (kh_conversion_points(cv, r->score, &pts))
        ho_xcheck(o, worksheet_write_number(ws, y, 7, (double)pts / 100.0,
                                            o->num));
    if (r->p.list) {
        ho_xcheck(o, worksheet_write_string(ws, y, 8, r->p.list, NULL));
        ho_xcheck(o, worksheet_write_number(ws, y, 9, r->p.rank, NULL));
    }
    ho_xcheck(o, worksheet_write_string(ws, y, 10, r->p.bottom ? "是" : "否",
                                        NULL));
}

static void ho_emit(ho_out *o, const ho_row *r, const kh_conversion *cv,
                    size_t *n)
{
    if (o->fmt == KH_HANDOVER_CSV)
        ho_csv_row(o->out, r, cv);
    else if (o->ws)
        ho_xlsx_row(o, r, cv);
    else
        ho_json_row(o->out, r, cv, (*n)++ == 0);
}

static void ho_head(const kh_export *x, kh_handover_format fmt,
                    const kh_conversion *cv, kh_buf *out)
{
    if (fmt == KH_HANDOVER_CSV) {
        kh_buf_puts(out, "\xEF\xBB\xBF类型,编号,名称,类别,所在支部,得分,等次,"
                         "折算分,排名类别,名次,排名靠后\r\n");
        return;
    }
    kh_buf_printf(out, "{\n  \"year\": %d,\n  \"grades\": [", x->year);
    for (size_t i = 0; i < cv->nbands; i++) {
        kh_buf_puts(out, i ? ", {\"name\": " : "{\"name\": ");
        kh_json_str(out, cv->band[i].name);
        kh_buf_puts(out, ", \"min\": ");
        if (i + 1 < cv->nbands)
            kh_json_cp(out, cv->band[i].min);
        else
            kh_buf_puts(out, "null");
        kh_buf_putc(out, '}');
    }
    kh_buf_puts(out, "],\n  \"scale\": ");
    if (cv->scaled) {
        kh_buf_puts(out, "{\"target\": ");
        kh_json_cp(out, cv->target);
        kh_buf_puts(out, ", \"base\": ");
        kh_json_cp(out, cv->base);
        kh_buf_putc(out, '}');
    } else {
        kh_buf_puts(out, "null");
    }
    kh_buf_puts(out, ",\n  \"units\": [");
}

static void ho_units(const kh_export *x, ho_out *o, const kh_conversion *cv)
{
    bool json = o->fmt == KH_HANDOVER_JSON && !o->ws;
    const kh_assess *a = x->assess;
    size_t n = 0;
    for (size_t u = 0; u < kh_result_unit_count(x->res); u++) {
        size_t b = kh_assess_unit_branch(a, u);
        ho_row r = {"单位", kh_assess_unit_id(a, u), kh_assess_unit_name(a, u),
                    kh_rubric_kind_name(x->rubric, kh_assess_unit_kind(a, u)),
                    kh_assess_branch_name(a, b), kh_result_total(x->res, u),
                    ho_find(x, false, u)};
        size_t k = ho_branch_of(x, u);
        if (!r.p.list && k != SIZE_MAX)
            r.p = ho_find(x, true, k);
        ho_emit(o, &r, cv, &n);
    }
    if (json)
        kh_buf_puts(o->out, "\n  ],\n  \"branches\": [");
    n = 0;
    for (size_t k = 0; k < kh_result_branch_count(x->res); k++) {
        size_t b = kh_result_branch(x->res, k);
        ho_row r = {"支部", kh_assess_branch_id(a, b),
                    kh_assess_branch_name(a, b),
                    kh_rubric_kind_name(x->rubric,
                                        kh_result_branch_kind(x->res, k)),
                    NULL, kh_result_branch_score(x->res, k),
                    ho_find(x, true, k)};
        ho_emit(o, &r, cv, &n);
    }
    if (json)
        kh_buf_puts(o->out, "\n  ]\n}\n");
}

/* The year's conversion; published years only. */
static kh_status ho_conversion(const kh_export *x, kh_conversion *cv,
                               kh_err *e)
{
    if (kh_export_is_draft(x))
        return kh_err_fail(e, KH_ESTATE, "year %d is not published: the "
                           "handover takes published results only", x->year);
    kh_docset d;
    kh_status rc = kh_store_docset_get(x->s, x->year, &d, e);
    if (rc != KH_OK)
        return rc;
    rc = kh_conversion_parse(d.grades, d.scale, cv, e);
    kh_docset_clear(&d);
    return rc;
}

kh_status kh_export_handover(const kh_export *x, kh_handover_format fmt,
                             kh_buf *out, kh_err *e)
{
    kh_conversion cv;
    kh_status rc = ho_conversion(x, &cv, e);
    if (rc != KH_OK)
        return rc;
    ho_out o = {.fmt = fmt, .out = out};
    ho_head(x, fmt, &cv, out);
    ho_units(x, &o, &cv);
    return kh_buf_status(out);
}

kh_status kh_export_handover_xlsx(const kh_export *x, const char *path,
                                  kh_err *e)
{
    kh_conversion cv;
    kh_status rc = ho_conversion(x, &cv, e);
    if (rc != KH_OK)
        return rc;
    lxw_workbook *wb = workbook_new(path);
    if (!wb)
        return kh_err_fail(e, KH_EIO, "%s: cannot create the workbook", path);
    ho_out o = {.fmt = KH_HANDOVER_JSON, .row = 1};
    o.ws = workbook_add_worksheet(wb, "考核结果运用");
    lxw_format *head = workbook_add_format(wb);
    o.num = workbook_add_format(wb);
    if (!o.ws || !head || !o.num) {
        workbook_close(wb);
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    format_set_bold(head);
    format_set_num_format(o.num, "0.00");
    static const char *const h[] = {"类型", "编号", "名称", "类别",
                                    "所在支部", "得分", "等次", "折算分",
                                    "排名类别", "名次", "排名靠后"};
    for (lxw_col_t c = 0; c < 11; c++)
        ho_xcheck(&o, worksheet_write_string(o.ws, 0, c, h[c], head));
    ho_xcheck(&o, worksheet_set_column(o.ws, 0, 10, 12, NULL));
    ho_xcheck(&o, worksheet_set_column(o.ws, 2, 2, 24, NULL));
    ho_units(x, &o, &cv);
    lxw_error err = workbook_close(wb);
    if (o.err == LXW_NO_ERROR)
        o.err = err;
    if (o.err != LXW_NO_ERROR)
        return kh_err_fail(e, KH_EIO, "%s: %s", path, lxw_strerror(o.err));
    return KH_OK;
}

/* ---- term totals --------------------------------------------------- */

typedef struct tm_unit {
    char *id, *name;
    kh_cp total[KH_TERM_YEARS_MAX];
    bool has[KH_TERM_YEARS_MAX];
} tm_unit;

typedef struct tm_term {
    tm_unit *u;
    size_t n, cap;
    int from, nyears;
    bool year_ok[KH_TERM_YEARS_MAX];
} tm_term;

static tm_unit *tm_get(tm_term *t, const char *id)
{
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->u[i].id, id))
            return &t->u[i];
    if (KH_VEC_GROW(t->u, t->cap, t->n + 1, 64) != KH_OK)
        return NULL;
    tm_unit *u = &t->u[t->n];
    memset(u, 0, sizeof *u);
    if (!(u->id = strdup(id)))
        return NULL;
    t->n++;
    return u;
}

static kh_status tm_year(tm_term *t, kh_store *s, int y, kh_err *e)
{
    kh_err *tmp = kh_err_new();
    if (!tmp)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    kh_export *x = NULL;
    kh_status rc = kh_export_open(s, y, tmp, &x);
    if (rc == KH_OK && kh_export_is_draft(x))
        rc = KH_ESTATE;
    if (rc == KH_ENOTFOUND || rc == KH_ESTATE) {
        kh_err_warn(e, 0, 0, "--years", "year %d is %s: no unit counted in "
                    "it", y, rc == KH_ENOTFOUND ? "not in the store"
                                                : "not published");
        rc = KH_OK;
    } else if (rc != KH_OK) {
        for (size_t i = 0; i < kh_err_count(tmp); i++)
            kh_err_fail(e, rc, "%s", kh_err_get(tmp, i)->text);
        kh_err_set_cause(e, kh_err_cause(tmp));   /* busy: exit 4 */
    } else {
        t->year_ok[y - t->from] = true;
        for (size_t u = 0; rc == KH_OK && u < kh_result_unit_count(x->res);
             u++) {
            tm_unit *tu = tm_get(t, kh_assess_unit_id(x->assess, u));
            free(tu ? tu->name : NULL);
            if (!tu || !(tu->name = strdup(kh_assess_unit_name(x->assess,
                                                               u)))) {
                rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
                break;
            }
            tu->total[y - t->from] = kh_result_total(x->res, u);
            tu->has[y - t->from] = true;
        }
    }
    kh_export_free(x);
    kh_err_free(tmp);
    return rc;
}

/* The unit's mean (rounded) or sum over the years it has; *n the count. */
static kh_cp tm_value(const tm_term *t, const tm_unit *u, bool sum,
                      size_t *n)
{
    kh_cp total = 0;
    *n = 0;
    for (int i = 0; i < t->nyears; i++)
        if (u->has[i]) {
            total += u->total[i];
            (*n)++;
        }
    return sum || !*n ? total : kh_num_div_round(total, (int64_t)*n);
}

static void tm_csv(const tm_term *t, bool sum, kh_buf *out)
{
    kh_buf_puts(out, "\xEF\xBB\xBF编号,名称");
    for (int i = 0; i < t->nyears; i++)
        kh_buf_printf(out, ",%d", t->from + i);
    kh_buf_printf(out, ",参评年数,%s\r\n", sum ? "合计" : "平均分");
    for (size_t k = 0; k < t->n; k++) {
        const tm_unit *u = &t->u[k];
        kh_csv_cell(out, u->id);
        kh_buf_putc(out, ',');
        kh_csv_cell(out, u->name);
        char nb[KH_NUM_BUFSZ];
        for (int i = 0; i < t->nyears; i++) {
            kh_num_format2(u->total[i], nb);
            kh_buf_printf(out, ",%s", u->has[i] ? nb : "缺");
        }
        size_t n;
        kh_num_format2(tm_value(t, u, sum, &n), nb);
        kh_buf_printf(out, ",%zu,%s\r\n", n, nb);
    }
}

static void tm_json(const tm_term *t, bool sum, kh_buf *out)
{
    kh_buf_printf(out, "{\n  \"from\": %d,\n  \"to\": %d,\n  \"mode\": "
                       "\"%s\",\n  \"years\": [", t->from,
                  t->from + t->nyears - 1, sum ? "sum" : "mean");
    for (int i = 0; i < t->nyears; i++)
        kh_buf_printf(out, "%s{\"year\": %d, \"published\": %s}",
                      i ? ", " : "", t->from + i,
                      t->year_ok[i] ? "true" : "false");
    kh_buf_puts(out, "],\n  \"units\": [");
    for (size_t k = 0; k < t->n; k++) {
        const tm_unit *u = &t->u[k];
        kh_buf_puts(out, k ? ",\n    {\"id\": " : "\n    {\"id\": ");
        kh_json_str(out, u->id);
        kh_buf_puts(out, ", \"name\": ");
        kh_json_str(out, u->name);
        kh_buf_puts(out, ", \"totals\": [");
        for (int i = 0; i < t->nyears; i++) {
            kh_buf_puts(out, i ? ", " : "");
            if (u->has[i])
                kh_json_cp(out, u->total[i]);
            else
                kh_buf_puts(out, "null");
        }
        size_t n;
        kh_cp v = tm_value(t, u, sum, &n);
        kh_buf_printf(out, "], \"years_assessed\": %zu, \"%s\": ", n,
                      sum ? "sum" : "mean");
        kh_json_cp(out, v);
        kh_buf_putc(out, '}');
    }
    kh_buf_puts(out, t->n ? "\n  ]\n}\n" : "]\n}\n");
}

kh_status kh_export_term(kh_store *s, int from, int to, bool sum,
                         kh_handover_format fmt, kh_buf *out, kh_err *e)
{
    if (to < from || to - from >= KH_TERM_YEARS_MAX)
        return kh_err_at(e, 0, 0, "--years", "%d-%d: a term is 1 to %d "
                         "years, first year first", from, to,
                         KH_TERM_YEARS_MAX);
    tm_term t = {.from = from, .nyears = to - from + 1};
    kh_status rc = KH_OK;
    for (int y = from; rc == KH_OK && y <= to; y++)
        rc = tm_year(&t, s, y, e);
    if (rc == KH_OK) {
        if (fmt == KH_HANDOVER_CSV)
            tm_csv(&t, sum, out);
        else
            tm_json(&t, sum, out);
        rc = kh_buf_status(out);
    }
    for (size_t k = 0; k < t.n; k++) {
        free(t.u[k].id);
        free(t.u[k].name);
    }
    free(t.u);
    return rc;
}
