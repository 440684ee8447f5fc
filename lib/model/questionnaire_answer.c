/*
 * questionnaire_answer.c - checking one respondent's answer to one
 * question (from the web form or a paper sheet) and writing it as JSON,
 * the form responses are stored in.  Messages are in Chinese: the person
 * who reads them filled in the form.
 */
#include "questionnaire_impl.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/report.h"
#include "kaohe/name.h"
#include "kaohe/utf8.h"

/* Characters in s, or (size_t)-1 when s is not free text by the rule of
 * kaohe/name.h (invalid UTF-8, a control character other than TAB, CR,
 * LF, a line separator, a direction control); blank is the caller's. */
static size_t text_chars(const char *s)
{
    kh_text_problem pr = kh_text_problem_of(s, KH_TEXT_LINES, SIZE_MAX,
                                            NULL, NULL);
    if (pr != KH_TEXT_FINE && pr != KH_TEXT_EMPTY)
        return (size_t)-1;
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; n++)
        p += kh_utf8_len(p);
    return n;
}

static kh_status choice(const kh_q_question *qq, const char *const *vals,
                        size_t n, const char *place, kh_err *e, kh_buf *json)
{
    if (qq->type != KH_Q_MULTIPLE && n > 1)
        return kh_err_at(e, 0, 0, place, "只能选择一项");
    kh_buf_printf(json, "\"%s\":", qq->id);
    if (qq->type == KH_Q_MULTIPLE)
        kh_buf_putc(json, '[');
    for (size_t k = 0; k < n; k++) {
        size_t c = 0;
        while (c < qq->nchoices && strcmp(qq->choices[c].id, vals[k]) != 0)
            c++;
        if (c == qq->nchoices)
            return kh_err_at(e, 0, 0, place, "没有这个选项：「%.60s」",
                             vals[k]);
        for (size_t j = 0; j < k; j++)
            if (strcmp(vals[j], vals[k]) == 0)
                return kh_err_at(e, 0, 0, place, "选项「%s」选了两次",
                                 vals[k]);
        if (k)
            kh_buf_putc(json, ',');
        kh_json_str(json, qq->choices[c].id);
    }
    if (qq->type == KH_Q_MULTIPLE)
        kh_buf_putc(json, ']');
    return KH_OK;
}

static kh_status number(const kh_q_question *qq, const char *v,
                        const char *place, kh_err *e, kh_buf *json)
{
    char *end = NULL;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    bool ok = errno == 0 && end != v && *end == '\0' &&
              (v[0] == '-' || (v[0] >= '0' && v[0] <= '9'));
    if (!ok)
        return kh_err_at(e, 0, 0, place, "请填写整数，而不是「%.60s」", v);
    if (x < qq->min || x > qq->max)
        return kh_err_at(e, 0, 0, place, "应在 %lld 到 %lld 之间，而不是 %lld",
                         (long long)qq->min, (long long)qq->max, x);
    kh_buf_printf(json, "\"%s\":%lld", qq->id, x);
    return KH_OK;
}

kh_status kh_question_answer(const kh_questionnaire *q, size_t i,
                             const char *const *vals, size_t n,
                             const char *place, kh_err *e, kh_buf *json,
                             bool *given)
{
    const kh_q_question *qq = &q->questions[i];
    /* Empty values are what an untouched field sends: not an answer. */
    const char *got[KH_Q_MAX_CHOICES];
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
        if (!vals[k][0])
            continue;
        if (m == KH_Q_MAX_CHOICES)
            return kh_err_at(e, 0, 0, place, "选项太多");
        got[m++] = vals[k];
    }
    *given = m > 0;
    if (m == 0)
        return qq->required ? kh_err_at(e, 0, 0, place, "此题为必答题")
                            : KH_OK;
    switch (qq->type) {
    case KH_Q_SINGLE:
    case KH_Q_MULTIPLE:
    case KH_Q_LIKERT:
        return choice(qq, got, m, place, e, json);
    case KH_Q_NUMBER:
        if (m > 1)
            return kh_err_at(e, 0, 0, place, "只能填写一个数");
        return number(qq, got[0], place, e, json);
    case KH_Q_TEXT: {
        if (m > 1)
            return kh_err_at(e, 0, 0, place, "只能填写一段文字");
        size_t chars = text_chars(got[0]);
        if (chars == (size_t)-1)
            return kh_err_at(e, 0, 0, place, "含有无法识别的字符");
        if (chars > qq->max_length)
            return kh_err_at(e, 0, 0, place, "不能超过 %zu 个字（现在 %zu 个）",
                             qq->max_length, chars);
        kh_buf_printf(json, "\"%s\":", qq->id);
        kh_json_str(json, got[0]);
        return KH_OK;
    }
    }
    return KH_OK;
}
