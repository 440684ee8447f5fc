/*
 * kaohe/place.h - where a message is, as a person names it.
 *
 * The engine keeps every message located and structured (kh_msg: file,
 * line, column, data path).  A reader of Chinese is shown the place by
 * name instead: 第 3 行「类别」列 for a table import, 机电工程系 考核要点 2.2
 * （自查）「第一责任人履责情况」 for `jd/2.2/self.inputs.rating`, 第 6 条考核
 * 记录「考核要点」 for `entries[5].item`, the file's name for a YAML or
 * JSON place.  The labels are msgids of the catalogue (kh_i18n_zh), so
 * without the catalogue the names are English.  docs/DESIGN.md, "Places
 * as names".
 */
#ifndef KAOHE_PLACE_H
#define KAOHE_PLACE_H

#include <stdbool.h>
#include <stddef.h>

#include "kaohe/assess.h"
#include "kaohe/buf.h"
#include "kaohe/error.h"
#include "kaohe/rubric.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a front end knows about the data a message is about.  Every
 * member may be zero/NULL: the place is then named from the message
 * alone (ids shown as written).  Everything is borrowed for the call. */
typedef struct kh_place_ctx {
    const kh_rubric *rubric;  /* item texts, input and option labels */
    const kh_assess *assess;  /* unit names by id */
    /* Another source of unit names (the store): the name or NULL. */
    const char *(*unit_name)(void *arg, const char *id);
    /* The unit and item of the file's entry number index (0-based), for
     * `entries[5]...`; false when unknown. */
    bool (*entry)(void *arg, size_t index, const char **unit,
                  const char **item);
    void *arg;
    /* A table import's header row (column 0 first), for 「类别」列. */
    const char *const *columns;
    size_t ncolumns;
} kh_place_ctx;

/* Appends m's place, named, to out ("" when m has none).  Only out's
 * status can fail (kh_buf_status). */
void kh_place_name(const kh_msg *m, const kh_place_ctx *ctx, kh_buf *out);

/* The whole line for a reader of Chinese: the named place, "：", then
 * 警告： for a warning and the message's Chinese (its English when the
 * catalogue has none).  malloc'd, the caller frees; NULL on out of
 * memory. */
char *kh_place_line(const kh_msg *m, const kh_place_ctx *ctx);

#ifdef __cplusplus
}
#endif
#endif
