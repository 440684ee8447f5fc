/*
 * fuzz_questionnaire.c - libFuzzer target for the questionnaire loader
 * and its views.
 *
 * Any input must load or fail cleanly (no crash, leak or UB).  A
 * questionnaire that loads must show as a table and as JSON, and that
 * JSON must load again and show the same JSON.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/questionnaire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void drain(kh_err *e)
{
    for (size_t i = 0; i < kh_err_count(e); i++)
        free(kh_err_format(e, i));
}

static void roundtrip(const kh_buf *j)
{
    kh_err *e = kh_err_new();
    kh_questionnaire *q = NULL;
    if (!e)
        return;
    if (kh_questionnaire_load_mem("show.json", kh_buf_str(j), j->len, e,
                                  &q) != KH_OK)
        abort();   /* what we show must load again */
    kh_buf j2;
    kh_buf_init(&j2, 0);
    kh_questionnaire_show_json(q, &j2);
    if (j2.len != j->len || memcmp(j2.data, j->data, j->len) != 0)
        abort();
    kh_buf_free(&j2);
    kh_questionnaire_free(q);
    drain(e);
    kh_err_free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kh_err *e = kh_err_new();
    if (!e)
        return 0;
    kh_questionnaire *q = NULL;
    if (kh_questionnaire_load_mem("fuzz.yaml", (const char *)data, size, e,
                                  &q) == KH_OK) {
        kh_buf t, j;
        kh_buf_init(&t, 0);
        kh_buf_init(&j, 0);
        kh_questionnaire_show_table(q, &t);
        kh_questionnaire_show_json(q, &j);
        for (size_t i = 0; i < kh_questionnaire_count(q); i++)
            if (kh_questionnaire_find(q, kh_question_id(q, i)) != (int)i)
                abort();
        if (kh_buf_status(&j) == KH_OK)
            roundtrip(&j);
        kh_buf_free(&t);
        kh_buf_free(&j);
        kh_questionnaire_free(q);
    }
    drain(e);
    kh_err_free(e);
    return 0;
}
