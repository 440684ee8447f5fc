/*
 * fuzz_rubric.c - libFuzzer target for the rubric loader and its views.
 *
 * Any input must load or fail cleanly (no crash, leak or UB).  A rubric
 * that loads must show as a table and as JSON, and that JSON must load
 * again and show the same JSON (the views keep the file format's keys).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/rubric.h"
#include "kaohe/buf.h"
#include "kaohe/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void drain(kh_err *e)
{
    for (size_t i = 0; i < kh_err_count(e); i++)
        free(kh_err_format(e, i));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kh_err *e = kh_err_new();
    if (!e)
        return 0;
    kh_rubric *r = NULL;
    if (kh_rubric_load_mem("fuzz.yaml", (const char *)data, size, e, &r) ==
        KH_OK) {
        kh_buf t, j;
        kh_buf_init(&t, 0);
        kh_buf_init(&j, 0);
        kh_rubric_show_table(r, &t);
        kh_rubric_show_json(r, &j);
        for (size_t i = 0; i < kh_rubric_item_count(r); i++) {
            if (kh_rubric_item_find(r, kh_rubric_item_id(r, i)) < 0)
                abort();
            for (size_t s = 0; s < kh_rubric_item_slots(r, i); s++) {
                const kh_term *term = kh_rubric_item_slot(r, i, s);
                if (kh_term_slot(term) != s ||
                    kh_rubric_item_slot_find(r, i, kh_term_input(term)) !=
                        (int)s)
                    abort();
            }
        }
        kh_err *e2 = kh_err_new();
        kh_rubric *r2 = NULL;
        if (e2 && kh_buf_status(&j) == KH_OK) {
            if (kh_rubric_load_mem("show.json", kh_buf_str(&j), j.len, e2,
                                   &r2) != KH_OK)
                abort();   /* what we show must load again */
            kh_buf j2;
            kh_buf_init(&j2, 0);
            kh_rubric_show_json(r2, &j2);
            if (j2.len != j.len || memcmp(j2.data, j.data, j.len) != 0)
                abort();
            kh_buf_free(&j2);
            kh_rubric_free(r2);
            drain(e2);
        }
        kh_err_free(e2);
        kh_buf_free(&t);
        kh_buf_free(&j);
        kh_rubric_free(r);
    }
    drain(e);
    kh_err_free(e);
    return 0;
}
