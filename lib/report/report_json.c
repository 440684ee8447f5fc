/*
 * report_json.c - a scored result as the JSON of SCORING.md section 8.
 *
 * Layout: 2-space indent, one line per unit, per branch and per ranking
 * row, keys in the order the contract shows, a final newline.  Written
 * straight into the output buffer: no allocation per unit.
 */
#include "kaohe/report.h"

#include "kaohe/assess.h"
#include "kaohe/rubric.h"

static void key(kh_buf *out, const char *k)
{
    kh_json_str(out, k);
    kh_buf_add(out, ": ", 2);
}

static void unit_line(const kh_result *res, size_t u, kh_buf *out)
{
    const kh_assess *a = kh_result_assess(res);
    const kh_rubric *r = kh_assess_rubric(a);

    kh_buf_puts(out, "    {\"id\": ");
    kh_json_str(out, kh_assess_unit_id(a, u));
    kh_buf_puts(out, ", \"name\": ");
    kh_json_str(out, kh_assess_unit_name(a, u));
    kh_buf_puts(out, ", \"kind\": ");
    kh_json_str(out, kh_rubric_kind_id(r, kh_assess_unit_kind(a, u)));
    kh_buf_puts(out, ", \"branch\": ");
    kh_json_str(out, kh_assess_branch_id(a, kh_assess_unit_branch(a, u)));

    kh_buf_puts(out, ", \"items\": {");
    bool first = true;
    for (size_t i = 0; i < kh_rubric_item_count(r); i++) {
        if (!kh_result_item_applies(res, u, i))
            continue;
        if (!first)
            kh_buf_add(out, ", ", 2);
        first = false;
        key(out, kh_rubric_item_id(r, i));
        kh_json_cp(out, kh_result_item(res, u, i));
    }
    kh_buf_puts(out, "}, \"categories\": {");
    first = true;
    for (size_t c = 0; c < kh_rubric_category_count(r); c++) {
        kh_cp v;
        if (!kh_result_category(res, u, c, &v))
            continue;
        if (!first)
            kh_buf_add(out, ", ", 2);
        first = false;
        key(out, kh_rubric_category_id(r, c));
        kh_json_cp(out, v);
    }
    kh_buf_puts(out, "}, \"raw_base\": ");
    kh_json_cp(out, kh_result_raw_base(res, u));
    kh_buf_puts(out, ", \"applicable_max\": ");
    kh_json_cp(out, kh_result_applicable_max(res, u));
    kh_buf_puts(out, ", \"base\": ");
    kh_json_cp(out, kh_result_base(res, u));
    kh_buf_puts(out, ", \"bonus\": ");
    kh_json_cp(out, kh_result_bonus(res, u));
    kh_buf_puts(out, ", \"negative\": ");
    kh_json_cp(out, kh_result_negative(res, u));
    kh_buf_puts(out, ", \"total\": ");
    kh_json_cp(out, kh_result_total(res, u));
    kh_buf_puts(out, ", \"self_base\": ");
    kh_cp sb;
    if (kh_result_self_base(res, u, &sb))
        kh_json_cp(out, sb);
    else
        kh_buf_puts(out, "null");
    kh_buf_puts(out, ", \"missing\": [");
    for (size_t k = 0; k < kh_result_missing_count(res, u); k++) {
        if (k)
            kh_buf_add(out, ", ", 2);
        kh_json_str(out,
                    kh_rubric_item_id(r, kh_result_missing_item(res, u, k)));
    }
    kh_buf_puts(out, "]}");
}

static void branch_line(const kh_result *res, size_t k, kh_buf *out)
{
    const kh_assess *a = kh_result_assess(res);
    const kh_rubric *r = kh_assess_rubric(a);
    size_t b = kh_result_branch(res, k);

    kh_buf_puts(out, "    {\"id\": ");
    kh_json_str(out, kh_assess_branch_id(a, b));
    kh_buf_puts(out, ", \"name\": ");
    kh_json_str(out, kh_assess_branch_name(a, b));
    kh_buf_puts(out, ", \"kind\": ");
    kh_json_str(out, kh_rubric_kind_id(r, kh_result_branch_kind(res, k)));
    kh_buf_puts(out, ", \"units\": [");
    for (size_t j = 0; j < kh_result_branch_unit_count(res, k); j++) {
        if (j)
            kh_buf_add(out, ", ", 2);
        kh_json_str(out,
                    kh_assess_unit_id(a, kh_result_branch_unit(res, k, j)));
    }
    kh_buf_puts(out, "], \"score\": ");
    kh_json_cp(out, kh_result_branch_score(res, k));
    kh_buf_putc(out, '}');
}

static void row_line(const kh_rank_row *row, kh_buf *out)
{
    kh_buf_puts(out, "      {\"id\": ");
    kh_json_str(out, row->id);
    kh_buf_puts(out, ", \"name\": ");
    kh_json_str(out, row->name);
    kh_buf_puts(out, ", \"score\": ");
    kh_json_cp(out, row->score);
    kh_buf_printf(out, ", \"rank\": %u, \"bottom\": %s}", row->rank,
                  row->bottom ? "true" : "false");
}

kh_status kh_report_json_head(const kh_result *res, kh_buf *out)
{
    const kh_assess *a = kh_result_assess(res);
    const kh_rubric *r = kh_assess_rubric(a);

    kh_buf_puts(out, "{\n  \"rubric\": ");
    kh_json_str(out, kh_rubric_id(r));
    if (kh_assess_year(a))
        kh_buf_printf(out, ",\n  \"year\": %d", kh_assess_year(a));
    else
        kh_buf_puts(out, ",\n  \"year\": null");
    kh_buf_puts(out, ",\n  \"units\": [");
    return kh_buf_status(out);
}

kh_status kh_report_json_unit(const kh_result *res, size_t u, kh_buf *out)
{
    kh_buf_puts(out, u ? ",\n" : "\n");
    unit_line(res, u, out);
    return kh_buf_status(out);
}

kh_status kh_report_json(const kh_result *res, kh_buf *out)
{
    kh_report_json_head(res, out);
    for (size_t u = 0; u < kh_result_unit_count(res); u++)
        kh_report_json_unit(res, u, out);
    return kh_report_json_tail(res, out);
}

/* ---- the tail in parts (kh_report_json_tail is their sequence) ---- */

kh_status kh_report_json_branches_open(const kh_result *res, kh_buf *out)
{
    kh_buf_puts(out, kh_result_unit_count(res) ? "\n  ]" : "]");
    kh_buf_puts(out, ",\n  \"branches\": [");
    return kh_buf_status(out);
}

kh_status kh_report_json_branch(const kh_result *res, size_t k, kh_buf *out)
{
    kh_buf_puts(out, k ? ",\n" : "\n");
    branch_line(res, k, out);
    return kh_buf_status(out);
}

kh_status kh_report_json_rankings_open(const kh_result *res, kh_buf *out)
{
    kh_buf_puts(out, kh_result_branch_count(res) ? "\n  ]" : "]");
    kh_buf_puts(out, ",\n  \"rankings\": {");
    return kh_buf_status(out);
}

kh_status kh_report_json_ranking_open(const kh_result *res, size_t i,
                                      kh_buf *out)
{
    const kh_rubric *r = kh_assess_rubric(kh_result_assess(res));
    kh_buf_puts(out, i ? ",\n    " : "\n    ");
    key(out, kh_rubric_ranking_id(r, i));
    kh_buf_putc(out, '[');
    return kh_buf_status(out);
}

kh_status kh_report_json_row(const kh_result *res, size_t i, size_t j,
                             kh_buf *out)
{
    kh_buf_puts(out, j ? ",\n" : "\n");
    row_line(kh_result_ranking_row(res, i, j), out);
    return kh_buf_status(out);
}

kh_status kh_report_json_ranking_close(const kh_result *res, size_t i,
                                       kh_buf *out)
{
    kh_buf_puts(out, kh_result_ranking_rows(res, i) ? "\n    ]" : "]");
    return kh_buf_status(out);
}

kh_status kh_report_json_end(const kh_result *res, kh_buf *out)
{
    const kh_rubric *r = kh_assess_rubric(kh_result_assess(res));
    kh_buf_puts(out, kh_rubric_ranking_count(r) ? "\n  }\n}\n" : "}\n}\n");
    return kh_buf_status(out);
}

kh_status kh_report_json_tail(const kh_result *res, kh_buf *out)
{
    const kh_rubric *r = kh_assess_rubric(kh_result_assess(res));
    kh_report_json_branches_open(res, out);
    for (size_t k = 0; k < kh_result_branch_count(res); k++)
        kh_report_json_branch(res, k, out);
    kh_report_json_rankings_open(res, out);
    for (size_t i = 0; i < kh_rubric_ranking_count(r); i++) {
        kh_report_json_ranking_open(res, i, out);
        for (size_t j = 0; j < kh_result_ranking_rows(res, i); j++)
            kh_report_json_row(res, i, j, out);
        kh_report_json_ranking_close(res, i, out);
    }
    return kh_report_json_end(res, out);
}
