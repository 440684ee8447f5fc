/*
 * kaohe/rubric_diff.h - what changed between two rubrics (the year-to-year
 * adjustment, 动态调整机制): items added, removed and changed (max, terms,
 * kinds, texts), and changes to kinds, rankings, categories and the
 * rubric's own settings.  Built on the public accessors of kaohe/rubric.h.
 */
#ifndef KAOHE_RUBRIC_DIFF_H
#define KAOHE_RUBRIC_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include "kaohe/buf.h"
#include "kaohe/rubric.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One difference, as kh_rubric_diff_each reports it. */
typedef enum kh_rdiff_scope {
    KH_RDIFF_RUBRIC,     /* the rubric's own settings */
    KH_RDIFF_KIND,       /* a kind of unit */
    KH_RDIFF_RANKING,    /* a ranking list */
    KH_RDIFF_CATEGORY,
    KH_RDIFF_ITEM
} kh_rdiff_scope;

typedef enum kh_rdiff_op {
    KH_RDIFF_CHANGED,    /* a value of it changed: key says which */
    KH_RDIFF_ADDED,      /* only in b */
    KH_RDIFF_REMOVED     /* only in a */
} kh_rdiff_op;

/* The value that changed, named after the rubric file's key. */
typedef enum kh_rdiff_key {
    KH_RDIFF_NONE,          /* added or removed */
    KH_RDIFF_ID,            /* rubric: id */
    KH_RDIFF_TITLE,         /* rubric: title */
    KH_RDIFF_DOCUMENT,      /* rubric: document */
    KH_RDIFF_BASE_MAX,      /* rubric: base_max (score) */
    KH_RDIFF_BONUS_MAX,     /* rubric: bonus_max (score) */
    KH_RDIFF_BOTTOM_N,      /* rubric: bottom_n (a count, as KH_CP(n)) */
    KH_RDIFF_NA,            /* rubric: not_applicable ("raw"/"prorate") */
    KH_RDIFF_BONUS_TEXT,    /* rubric: bonus.text */
    KH_RDIFF_NEGATIVE_TEXT, /* rubric: negative.text */
    KH_RDIFF_NAME,          /* kind, ranking, category: name */
    KH_RDIFF_RANK_KIND,     /* ranking: kind (kind ids) */
    KH_RDIFF_LEVEL,         /* ranking: level ("branch"/"unit") */
    KH_RDIFF_MAX,           /* category, item: max (score) */
    KH_RDIFF_ITEM_CATEGORY, /* item: its category (category ids) */
    KH_RDIFF_START,         /* item: start (score) */
    KH_RDIFF_KINDS,         /* item: kinds it applies to (ids, ", ") */
    KH_RDIFF_TERMS,         /* item: terms (one signature line a term) */
    KH_RDIFF_TEXT,          /* item: text (考核要点) */
    KH_RDIFF_STANDARD       /* item: standard (考核标准) */
} kh_rdiff_key;

typedef struct kh_rdiff {
    kh_rdiff_scope scope;
    kh_rdiff_op op;
    kh_rdiff_key key;
    const char *id;          /* the kind's, ranking's, category's or
                              * item's id; NULL for the rubric */
    size_t ia, ib;           /* its index in a (not when added) and in b
                              * (not when removed) */
    bool is_cp;              /* the values are cp_a, cp_b (else text) */
    kh_cp cp_a, cp_b;
    const char *text_a;      /* the old and new text (NULL: absent) */
    const char *text_b;
} kh_rdiff;

/* Called once per difference; all pointers are borrowed for the call. */
typedef kh_status (*kh_rdiff_fn)(void *ctx, const kh_rdiff *d);

/* Calls fn for every difference from a (old) to b (new), in the order
 * kh_rubric_diff lists them; stops at fn's first failure and returns it
 * (KH_ENOMEM when a term listing cannot be made). */
kh_status kh_rubric_diff_each(const kh_rubric *a, const kh_rubric *b,
                              kh_rdiff_fn fn, void *ctx);

/* Characters of an item's 考核要点 that name it in kh_rubric_diff_html. */
#define KH_RDIFF_TEXT_CHARS 20

/* Appends to o the differences from a to b in Chinese words for a web
 * page: <ul id=ID class="rdiff">, one escaped <li> per difference (the
 * thing by its name, the value by what it means, scores as "2.50 分",
 * terms in words).  *n gets their number.  Returns o's status, or the
 * walk's failure. */
kh_status kh_rubric_diff_html(const kh_rubric *a, const kh_rubric *b,
                              const char *id, kh_buf *o, size_t *n);

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
