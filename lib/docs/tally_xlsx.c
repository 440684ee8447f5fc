/*
 * tally_xlsx.c - a questionnaire tally as an Excel workbook.  Answers are
 * people's free text: each goes in as a string cell (worksheet_write_
 * string never makes a formula), cleaned of what XML cannot hold.
 * A reader meets names first (unit, question text); the unit code and
 * the question id stay as the last two columns, for whoever re-imports
 * or joins the sheet.
 */
#include "kaohe/survey_doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "kaohe/utf8.h"

typedef struct wx {
    lxw_worksheet *ws;
    lxw_row_t row;
    lxw_error err;
    kh_buf tmp;
} wx;

/* s without control characters or invalid UTF-8 (borrowed from w). */
static const char *clean(wx *w, const char *s)
{
    kh_buf_reset(&w->tmp);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t n = *p < 0x20 || *p == 0x7f ? 0 : kh_utf8_len(p);
        if (n == 0) {
            if (*p == '\n' || *p == '\t')
                kh_buf_putc(&w->tmp, (char)*p);
            p++;
            continue;
        }
        kh_buf_add(&w->tmp, p, n);
        p += n;
    }
    return kh_buf_str(&w->tmp);
}

static void cell(wx *w, lxw_col_t c, const char *s)
{
    lxw_error e = s[0] ? worksheet_write_string(w->ws, w->row, c,
                                                clean(w, s), NULL)
                       : LXW_NO_ERROR;
    if (e != LXW_NO_ERROR && w->err == LXW_NO_ERROR)
        w->err = e;
}

static void num(wx *w, lxw_col_t c, double v)
{
    lxw_error e = worksheet_write_number(w->ws, w->row, c, v, NULL);
    if (e != LXW_NO_ERROR && w->err == LXW_NO_ERROR)
        w->err = e;
}

/* The first columns of a row: the unit's name and the question. */
static void row_start(wx *w, const kh_tally *t, size_t u, size_t qi)
{
    const kh_questionnaire *q = kh_tally_questionnaire(t);
    w->row++;
    cell(w, 0, kh_tally_unit_name(t, u));
    cell(w, 1, kh_question_text(q, qi));
    cell(w, 6, kh_tally_unit_id(t, u));
    cell(w, 7, kh_question_id(q, qi));
}

/* Columns wide enough to read the names and the question. */
static void widths(wx *w)
{
    static const double width[] = {16, 40, 24, 8, 8, 8, 10, 8};
    for (lxw_col_t c = 0; c < 8; c++) {
        lxw_error e = w->ws ? worksheet_set_column(w->ws, c, c, width[c],
                                                   NULL)
                            : LXW_ERROR_NULL_PARAMETER_IGNORED;
        if (e != LXW_NO_ERROR && w->err == LXW_NO_ERROR)
            w->err = e;
    }
}

static void unit_rows(wx *w, const kh_tally *t, size_t u, bool with_text)
{
    const kh_questionnaire *q = kh_tally_questionnaire(t);
    for (size_t qi = 0; qi < kh_questionnaire_count(q); qi++) {
        kh_cp mean = 0;
        bool has_mean = kh_tally_mean(t, u, qi, &mean);
        for (size_t c = 0; c < kh_question_choices(q, qi); c++) {
            row_start(w, t, u, qi);
            cell(w, 2, kh_question_choice_label(q, qi, c));
            num(w, 3, (double)kh_tally_count(t, u, qi, c));
            num(w, 4, (double)kh_tally_percent(t, u, qi, c) / 100.0);
            if (has_mean)
                num(w, 5, (double)mean / 100.0);
        }
        if (!kh_question_choices(q, qi) && has_mean) {
            row_start(w, t, u, qi);
            num(w, 5, (double)mean / 100.0);
        }
        for (size_t k = 0; with_text && k < kh_tally_texts(t, u, qi); k++) {
            row_start(w, t, u, qi);
            cell(w, 2, kh_tally_text(t, u, qi, k));
        }
    }
}

static kh_status write_book(const kh_tally *t, bool with_text,
                            const char *path, kh_err *e)
{
    lxw_workbook *wb = workbook_new(path);
    if (!wb)
        return kh_err_fail(e, KH_EIO, "cannot create the workbook");
    wx w = {.ws = workbook_add_worksheet(wb, "问卷统计")};
    kh_buf_init(&w.tmp, 0);
    widths(&w);
    static const char *const head[] = {"单位", "题目", "选项/回答", "人数",
                                       "百分比", "平均", "单位编号",
                                       "题号"};
    for (lxw_col_t c = 0; c < 8; c++)
        cell(&w, c, head[c]);
    for (size_t u = 0; u < kh_tally_units(t); u++)
        if (!kh_tally_suppressed(t, u))
            unit_rows(&w, t, u, with_text);
    lxw_error err = workbook_close(wb);
    kh_status st = kh_buf_status(&w.tmp);
    kh_buf_free(&w.tmp);
    if (st == KH_OK && (w.err != LXW_NO_ERROR || err != LXW_NO_ERROR))
        st = kh_err_fail(e, KH_EIO, "cannot write the workbook: %s",
                         lxw_strerror(w.err ? w.err : err));
    return st;
}

kh_status kh_tally_xlsx(const kh_tally *t, bool with_text, kh_buf *out,
                        kh_err *e)
{
    const char *tmpdir = getenv("TMPDIR");
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/kaohe-tally-XXXXXX",
             tmpdir && tmpdir[0] ? tmpdir : "/tmp");
    if (!mkdtemp(dir))
        return kh_err_fail(e, KH_EIO, "cannot make a temporary directory");
    snprintf(path, sizeof path, "%s/tally.xlsx", dir);
    kh_status st = write_book(t, with_text, path, e);
    if (st == KH_OK)
        st = kh_buf_read_file(out, path, e);
    unlink(path);
    rmdir(dir);
    return st;
}
