/*
 * kaohe/rubric_diff.h - what changed between two rubrics (the year-to-year
 * adjustment, 动态调整机制): items added, removed and changed (max, terms,
 * kinds, texts), and changes to kinds, rankings, categories and the
 * rubric's own settings.  Built on the public accessors of kaohe/rubric.h.
 */
#ifndef KAOHE_RUBRIC_DIFF_H
#define KAOHE_RUBRIC_DIFF_H

#include <stddef.h>
#include "kaohe/buf.h"
#include "kaohe/rubric.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Appends to out, one line per difference, the changes from a (old) to b
 * (new); labels in Chinese with the file keys in English, e.g.
 *   ~ 1.3 满分 max: 6 → 8
 *   + 1.8 新增考核项 (max 2): 建立……
 * a_name / b_name (e.g. "ideology-2020@3f2a9c1b7d4e" or a file name) head
 * the output.  *changes (may be NULL) gets the number of differences;
 * with none a single line says so.  Returns the buffer's status. */
kh_status kh_rubric_diff(const kh_rubric *a, const char *a_name,
                         const kh_rubric *b, const char *b_name, kh_buf *out,
                         size_t *changes);

#ifdef __cplusplus
}
#endif
#endif
