/*
 * questionnaire_show.c - a questionnaire as a person reads it (Chinese
 * table) and as JSON with the keys of the file format.
 */
#include "questionnaire_impl.h"

#include <inttypes.h>

#include "kaohe/report.h"

static const char *const type_zh[] = {"单选", "多选", "五级量表", "数字",
                                      "文字"};

kh_status kh_questionnaire_show_table(const kh_questionnaire *q, kh_buf *out)
{
    kh_buf_printf(out, "%s（%s）\n问卷：%s\n对象：%s\n", q->title, q->id,
                  q->id, q->audience);
    if (q->intro)
        kh_buf_printf(out, "说明：%s\n", q->intro);
    for (size_t i = 0; i < q->nquestions; i++) {
        const kh_q_question *qq = &q->questions[i];
        kh_buf_printf(out, "\n%s. [%s%s] %s", qq->id, type_zh[qq->type],
                      qq->required ? "，必答" : "", qq->text);
        if (qq->item)
            kh_buf_printf(out, "（考核项目 %s）", qq->item);
        kh_buf_putc(out, '\n');
        for (size_t c = 0; c < qq->nchoices; c++) {
            char num[KH_NUM_BUFSZ];
            kh_num_format(qq->choices[c].value, num);
            kh_buf_printf(out, "   %s) %s  [%s]\n", qq->choices[c].id,
                          qq->choices[c].label, num);
        }
        if (qq->type == KH_Q_NUMBER)
            kh_buf_printf(out, "   范围 %" PRId64 " 至 %" PRId64 "\n",
                          qq->min, qq->max);
        if (qq->type == KH_Q_TEXT)
            kh_buf_printf(out, "   不超过 %zu 字\n", qq->max_length);
    }
    return kh_buf_status(out);
}

static void key_str(kh_buf *out, const char *sep, const char *key,
                    const char *v)
{
    kh_buf_printf(out, "%s\"%s\": ", sep, key);
    kh_json_str(out, v);
}

static void json_question(kh_buf *out, const kh_q_question *qq)
{
    key_str(out, "    {", "id", qq->id);
    key_str(out, ", ", "type", kh_q_type_name(qq->type));
    key_str(out, ", ", "text", qq->text);
    if (qq->item)
        key_str(out, ", ", "item", qq->item);
    kh_buf_printf(out, ", \"required\": %s", qq->required ? "true" : "false");
    if (qq->type == KH_Q_SINGLE || qq->type == KH_Q_MULTIPLE) {
        kh_buf_puts(out, ", \"choices\": [");
        for (size_t c = 0; c < qq->nchoices; c++) {
            key_str(out, c ? ", {" : "{", "id", qq->choices[c].id);
            key_str(out, ", ", "label", qq->choices[c].label);
            kh_buf_puts(out, ", \"value\": ");
            kh_json_cp(out, qq->choices[c].value);
            kh_buf_putc(out, '}');
        }
        kh_buf_putc(out, ']');
    } else if (qq->type == KH_Q_LIKERT) {
        kh_buf_puts(out, ", \"labels\": [");
        for (size_t c = 0; c < qq->nchoices; c++) {
            if (c)
                kh_buf_puts(out, ", ");
            kh_json_str(out, qq->choices[c].label);
        }
        kh_buf_putc(out, ']');
    } else if (qq->type == KH_Q_NUMBER) {
        kh_buf_printf(out, ", \"min\": %" PRId64 ", \"max\": %" PRId64,
                      qq->min, qq->max);
    } else {
        kh_buf_printf(out, ", \"max_length\": %zu", qq->max_length);
    }
    kh_buf_putc(out, '}');
}

kh_status kh_questionnaire_show_json(const kh_questionnaire *q, kh_buf *out)
{
    key_str(out, "{\n  ", "id", q->id);
    key_str(out, ",\n  ", "title", q->title);
    key_str(out, ",\n  ", "audience", q->audience);
    if (q->intro)
        key_str(out, ",\n  ", "intro", q->intro);
    kh_buf_puts(out, ",\n  \"questions\": [\n");
    for (size_t i = 0; i < q->nquestions; i++) {
        json_question(out, &q->questions[i]);
        kh_buf_puts(out, i + 1 < q->nquestions ? ",\n" : "\n");
    }
    kh_buf_puts(out, "  ]\n}\n");
    return kh_buf_status(out);
}
