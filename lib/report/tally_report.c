/*
 * tally_report.c - a questionnaire round's tally (kaohe/tally.h) written
 * as JSON (the interface of issue 13), a table for a terminal, or CSV for
 * Excel.  A suppressed unit shows its counts of responses only.
 */
#include "kaohe/tally.h"

#include <inttypes.h>
#include <stdio.h>

#include "kaohe/report.h"

/* Short names for the questionnaire behind the tally. */
static const char *qid(const kh_tally *t, size_t qi)
{
    return kh_question_id(kh_tally_questionnaire(t), qi);
}
static size_t nchoices(const kh_tally *t, size_t qi)
{
    return kh_question_choices(kh_tally_questionnaire(t), qi);
}
static const char *choice_id(const kh_tally *t, size_t qi, size_t c)
{
    return kh_question_choice_id(kh_tally_questionnaire(t), qi, c);
}
static const char *choice_label(const kh_tally *t, size_t qi, size_t c)
{
    return kh_question_choice_label(kh_tally_questionnaire(t), qi, c);
}
static size_t nquestions(const kh_tally *t)
{
    return kh_questionnaire_count(kh_tally_questionnaire(t));
}

static void json_question(const kh_tally *t, size_t u, size_t qi,
                          bool with_text, kh_buf *out)
{
    kh_buf_puts(out, "{\"id\":");
    kh_json_str(out, qid(t, qi));
    kh_buf_printf(out, ",\"answered\":%zu", kh_tally_answered(t, u, qi));
    size_t nc = nchoices(t, qi);
    if (nc) {
        kh_buf_puts(out, ",\"counts\":{");
        for (size_t c = 0; c < nc; c++) {
            kh_buf_puts(out, c ? "," : "");
            kh_json_str(out, choice_id(t, qi, c));
            kh_buf_printf(out, ":%zu", kh_tally_count(t, u, qi, c));
        }
        kh_buf_puts(out, "},\"percent\":{");
        for (size_t c = 0; c < nc; c++) {
            kh_buf_puts(out, c ? "," : "");
            kh_json_str(out, choice_id(t, qi, c));
            kh_buf_putc(out, ':');
            kh_json_cp(out, kh_tally_percent(t, u, qi, c));
        }
        kh_buf_putc(out, '}');
    }
    kh_cp mean;
    if (kh_tally_mean(t, u, qi, &mean)) {
        kh_buf_puts(out, ",\"mean\":");
        kh_json_cp(out, mean);
    }
    size_t nt = kh_tally_texts(t, u, qi);
    if (with_text && nt) {
        kh_buf_puts(out, ",\"texts\":[");
        for (size_t k = 0; k < nt; k++) {
            kh_buf_puts(out, k ? "," : "");
            kh_json_str(out, kh_tally_text(t, u, qi, k));
        }
        kh_buf_putc(out, ']');
    }
    kh_buf_putc(out, '}');
}

kh_status kh_tally_json(const kh_tally *t, bool with_text, kh_buf *out)
{
    kh_buf_printf(out, "{\"round\":%" PRId64 ",\"questionnaire\":",
                  kh_tally_round(t));
    kh_json_str(out, kh_questionnaire_id(kh_tally_questionnaire(t)));
    kh_buf_printf(out, ",\"min\":%u,\"units\":[", kh_tally_min(t));
    for (size_t u = 0; u < kh_tally_units(t); u++) {
        kh_buf_puts(out, u ? ",\n{\"unit\":" : "\n{\"unit\":");
        kh_json_str(out, kh_tally_unit_id(t, u));
        kh_buf_printf(out, ",\"invited\":%zu,\"responses\":%zu,\"paper\":%zu,"
                      "\"rate\":", kh_tally_invited(t, u),
                      kh_tally_responses(t, u), kh_tally_paper(t, u));
        kh_json_cp(out, kh_tally_rate(t, u));
        bool sup = kh_tally_suppressed(t, u);
        kh_buf_printf(out, ",\"suppressed\":%s", sup ? "true" : "false");
        if (!sup) {
            kh_buf_puts(out, ",\"questions\":[");
            for (size_t qi = 0; qi < nquestions(t); qi++) {
                kh_buf_puts(out, qi ? "," : "");
                json_question(t, u, qi, with_text, out);
            }
            kh_buf_putc(out, ']');
        }
        kh_buf_putc(out, '}');
    }
    kh_buf_puts(out, "]}\n");
    return kh_buf_status(out);
}

static void table_question(const kh_tally *t, size_t u, size_t qi,
                           bool with_text, kh_buf *out)
{
    kh_buf_printf(out, "  %s（%zu 人作答）", qid(t, qi),
                  kh_tally_answered(t, u, qi));
    char num[KH_NUM_BUFSZ];
    kh_cp mean;
    if (kh_tally_mean(t, u, qi, &mean)) {
        kh_num_format2(mean, num);
        kh_buf_printf(out, " 平均 %s", num);
    }
    kh_buf_putc(out, '\n');
    for (size_t c = 0; c < nchoices(t, qi); c++) {
        kh_num_format2(kh_tally_percent(t, u, qi, c), num);
        kh_buf_puts(out, "    ");
        kh_text_pad(out, choice_label(t, qi, c), 24, false);
        kh_buf_printf(out, " %5zu  %6s%%\n", kh_tally_count(t, u, qi, c),
                      num);
    }
    for (size_t k = 0; with_text && k < kh_tally_texts(t, u, qi); k++)
        kh_buf_printf(out, "    · %s\n", kh_tally_text(t, u, qi, k));
}

kh_status kh_tally_table(const kh_tally *t, bool with_text, kh_buf *out)
{
    kh_buf_printf(out, "问卷 %s，第 %" PRId64 " 轮（少于 %u 份不显示）\n",
                  kh_questionnaire_id(kh_tally_questionnaire(t)), kh_tally_round(t),
                  kh_tally_min(t));
    for (size_t u = 0; u < kh_tally_units(t); u++) {
        char num[KH_NUM_BUFSZ];
        kh_num_format2(kh_tally_rate(t, u), num);
        kh_buf_printf(out, "\n%s %s：发放 %zu，回收 %zu（纸质 %zu），回收率 "
                      "%s%%\n", kh_tally_unit_id(t, u),
                      kh_tally_unit_name(t, u), kh_tally_invited(t, u),
                      kh_tally_responses(t, u), kh_tally_paper(t, u), num);
        if (kh_tally_suppressed(t, u)) {
            kh_buf_puts(out, "  答卷不足，不显示统计\n");
            continue;
        }
        for (size_t qi = 0; qi < nquestions(t); qi++)
            table_question(t, u, qi, with_text, out);
    }
    return kh_buf_status(out);
}

static void csv_row(kh_buf *out, const char *const *cells, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            kh_buf_putc(out, ',');
        kh_csv_cell(out, cells[i]);
    }
    kh_buf_puts(out, "\r\n");
}

static void csv_unit(const kh_tally *t, size_t u, bool with_text,
                     kh_buf *out)
{
    char cnt[32], pct[KH_NUM_BUFSZ], mean[KH_NUM_BUFSZ];
    const char *id = kh_tally_unit_id(t, u), *name = kh_tally_unit_name(t, u);
    for (size_t qi = 0; qi < nquestions(t); qi++) {
        const char *question = qid(t, qi);
        kh_cp m;
        mean[0] = '\0';
        if (kh_tally_mean(t, u, qi, &m))
            kh_num_format2(m, mean);
        for (size_t c = 0; c < nchoices(t, qi); c++) {
            snprintf(cnt, sizeof cnt, "%zu", kh_tally_count(t, u, qi, c));
            kh_num_format2(kh_tally_percent(t, u, qi, c), pct);
            const char *row[] = {id, name, question,
                                 choice_label(t, qi, c), cnt, pct,
                                 mean};
            csv_row(out, row, 7);
        }
        if (!nchoices(t, qi) && mean[0]) {
            const char *row[] = {id, name, question, "", "", "", mean};
            csv_row(out, row, 7);
        }
        for (size_t k = 0; with_text && k < kh_tally_texts(t, u, qi); k++) {
            const char *row[] = {id, name, question, kh_tally_text(t, u, qi, k),
                                 "", "", ""};
            csv_row(out, row, 7);
        }
    }
}

kh_status kh_tally_csv(const kh_tally *t, bool with_text, kh_buf *out)
{
    kh_buf_puts(out, "\xEF\xBB\xBF");
    const char *head[] = {"单位编号", "单位", "题号", "选项/回答", "人数",
                          "百分比", "平均"};
    csv_row(out, head, 7);
    for (size_t u = 0; u < kh_tally_units(t); u++)
        if (!kh_tally_suppressed(t, u))
            csv_unit(t, u, with_text, out);
    return kh_buf_status(out);
}
