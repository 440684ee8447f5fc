/*
 * kaohe/rubric.h - the rubric (评分体系): kinds, rankings, categories,
 * items and their scoring terms (SCORING.md sections 2, 3 and 6).
 *
 * A kh_rubric is immutable once loaded.  Items are numbered 0..n-1 across
 * all categories in file order; each item's terms form a tree whose root is
 * a group with the item's max and start.  Every term that reads an input
 * (all but groups) has a slot number within its item: entries store their
 * input values by slot.
 */
#ifndef KAOHE_RUBRIC_H
#define KAOHE_RUBRIC_H

#include <stddef.h>
#include <stdbool.h>
#include "kaohe/error.h"
#include "kaohe/num.h"
#include "kaohe/buf.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kh_rubric kh_rubric;
typedef struct kh_term kh_term;

typedef enum kh_term_kind {
    KH_TERM_CHECK = 0,
    KH_TERM_COUNT,
    KH_TERM_DEDUCT,
    KH_TERM_CHOICE,
    KH_TERM_JUDGEMENT,
    KH_TERM_GROUP
} kh_term_kind;

typedef enum kh_na_mode {
    KH_NA_PRORATE = 0,
    KH_NA_RAW
} kh_na_mode;

typedef enum kh_level {
    KH_LEVEL_UNIT = 0,
    KH_LEVEL_BRANCH
} kh_level;

/* A judgement's suggested value from a questionnaire figure (docs/
 * SURVEY.md, "The rubric's source"): the first band whose threshold the
 * figure reaches gives the value.  Owned by the rubric. */
#define KH_SOURCE_BANDS_MAX 10
typedef struct kh_source {
    const char *questionnaire;  /* questionnaire id */
    const char *question;       /* question id */
    const char *figure;         /* "mean", "percent_top1", "percent_top2" */
    size_t nbands;
    kh_cp at[KH_SOURCE_BANDS_MAX];     /* thresholds, strictly falling */
    kh_cp value[KH_SOURCE_BANDS_MAX];  /* the judgement for each */
} kh_source;

/* ---- loading ---- */

/* Loads and validates a rubric file (YAML or JSON).  Every problem is
 * added to e as FILE:LINE:COL; warnings (an item max its terms cannot
 * reach) are added as warnings and do not fail the load.  On KH_OK the
 * caller owns *out and frees it with kh_rubric_free(). */
kh_status kh_rubric_load(const char *path, kh_err *e, kh_rubric **out);
/* The same from memory; name is shown in messages.  data is borrowed only
 * for the duration of the call. */
kh_status kh_rubric_load_mem(const char *name, const char *data, size_t len,
                             kh_err *e, kh_rubric **out);
void kh_rubric_free(kh_rubric *r);

/* ---- the whole ---- */
const char *kh_rubric_id(const kh_rubric *r);
const char *kh_rubric_title(const kh_rubric *r);
const char *kh_rubric_document(const kh_rubric *r);   /* NULL if absent */
kh_cp kh_rubric_base_max(const kh_rubric *r);
kh_cp kh_rubric_bonus_max(const kh_rubric *r);
unsigned kh_rubric_bottom_n(const kh_rubric *r);
kh_na_mode kh_rubric_na_mode(const kh_rubric *r);
const char *kh_rubric_bonus_text(const kh_rubric *r);    /* NULL if absent */
const char *kh_rubric_negative_text(const kh_rubric *r); /* NULL if absent */

/* ---- kinds of unit ---- */
size_t kh_rubric_kind_count(const kh_rubric *r);
const char *kh_rubric_kind_id(const kh_rubric *r, size_t k);
const char *kh_rubric_kind_name(const kh_rubric *r, size_t k);
/* Index of the kind with this id, or -1. */
int kh_rubric_kind_find(const kh_rubric *r, const char *id);

/* ---- rankings ---- */
size_t kh_rubric_ranking_count(const kh_rubric *r);
const char *kh_rubric_ranking_id(const kh_rubric *r, size_t i);
const char *kh_rubric_ranking_name(const kh_rubric *r, size_t i);
size_t kh_rubric_ranking_kind(const kh_rubric *r, size_t i);
kh_level kh_rubric_ranking_level(const kh_rubric *r, size_t i);

/* ---- categories ---- */
size_t kh_rubric_category_count(const kh_rubric *r);
const char *kh_rubric_category_id(const kh_rubric *r, size_t c);
const char *kh_rubric_category_name(const kh_rubric *r, size_t c);
kh_cp kh_rubric_category_max(const kh_rubric *r, size_t c);
/* Items of category c are first .. first+count-1. */
size_t kh_rubric_category_first(const kh_rubric *r, size_t c);
size_t kh_rubric_category_items(const kh_rubric *r, size_t c);

/* ---- items ---- */
size_t kh_rubric_item_count(const kh_rubric *r);
/* Index of the item with this id, or -1. */
int kh_rubric_item_find(const kh_rubric *r, const char *id);
const char *kh_rubric_item_id(const kh_rubric *r, size_t i);
const char *kh_rubric_item_text(const kh_rubric *r, size_t i);     /* 考核要点 */
const char *kh_rubric_item_standard(const kh_rubric *r, size_t i); /* 考核标准, may be NULL */
kh_cp kh_rubric_item_max(const kh_rubric *r, size_t i);
size_t kh_rubric_item_category(const kh_rubric *r, size_t i);
/* True when item i applies to units of kind k. */
bool kh_rubric_item_applies(const kh_rubric *r, size_t i, size_t k);
/* The item's root term: a group with the item's max and start. */
const kh_term *kh_rubric_item_root(const kh_rubric *r, size_t i);
/* Inputs of the item (the terms that read one), in file order. */
size_t kh_rubric_item_slots(const kh_rubric *r, size_t i);
const kh_term *kh_rubric_item_slot(const kh_rubric *r, size_t i, size_t s);
/* Slot of the input with this name in item i, or -1. */
int kh_rubric_item_slot_find(const kh_rubric *r, size_t i, const char *input);

/* ---- terms ---- */
kh_term_kind kh_term_get_kind(const kh_term *t);
const char *kh_term_kind_name(kh_term_kind k);  /* "check", "count", ... */
const char *kh_term_label(const kh_term *t);    /* may be NULL */
const char *kh_term_input(const kh_term *t);    /* NULL for a group */
size_t kh_term_slot(const kh_term *t);          /* undefined for a group */
kh_cp kh_term_points(const kh_term *t);  /* check, judgement */
kh_cp kh_term_per(const kh_term *t);     /* count, deduct */
bool kh_term_has_cap(const kh_term *t);  /* count */
kh_cp kh_term_cap(const kh_term *t);
kh_cp kh_term_step(const kh_term *t);    /* judgement (default 0.5) */
kh_cp kh_term_max(const kh_term *t);     /* group */
kh_cp kh_term_start(const kh_term *t);   /* group */
size_t kh_term_child_count(const kh_term *t);  /* group */
const kh_term *kh_term_child(const kh_term *t, size_t i);
size_t kh_term_option_count(const kh_term *t); /* choice */
const char *kh_term_option_id(const kh_term *t, size_t o);
const char *kh_term_option_label(const kh_term *t, size_t o);
kh_cp kh_term_option_points(const kh_term *t, size_t o);
/* Index of the option with this id, or -1. */
int kh_term_option_find(const kh_term *t, const char *id);
/* The judgement's questionnaire source, or NULL. */
const kh_source *kh_term_source(const kh_term *t);
/* The value the bands give figure, or false when it reaches none. */
bool kh_source_value(const kh_source *src, kh_cp figure, kh_cp *value);
/* Roster (section 6): NULL when the term has none. */
const char *kh_term_roster(const kh_term *t);
kh_cp kh_term_roster_below(const kh_term *t);
/* The roster's optional `title` (学习强国积分), what pages name it by;
 * NULL when the rubric gives none. */
const char *kh_term_roster_title(const kh_term *t);

/* ---- bonus claim kinds, negative cases, providers (docs/CLAIMS.md) ---- */

/* Longest provider name, in bytes. */
#define KH_PROVIDER_MAX 64

/* The kinds of bonus claim (bonus.kinds), in file order. */
size_t kh_rubric_bonus_kind_count(const kh_rubric *r);
const char *kh_rubric_bonus_kind_id(const kh_rubric *r, size_t k);
const char *kh_rubric_bonus_kind_name(const kh_rubric *r, size_t k);
/* The most one claim of this kind may be approved for (> 0). */
kh_cp kh_rubric_bonus_kind_ceiling(const kh_rubric *r, size_t k);
/* Index of the kind with this id, or -1. */
int kh_rubric_bonus_kind_find(const kh_rubric *r, const char *id);

/* The negative-list catalogue (negative.cases), in file order. */
size_t kh_rubric_negative_case_count(const kh_rubric *r);
const char *kh_rubric_negative_case_id(const kh_rubric *r, size_t c);
const char *kh_rubric_negative_case_text(const kh_rubric *r, size_t c);
/* The case's range of points: 0 < min <= max. */
kh_cp kh_rubric_negative_case_min(const kh_rubric *r, size_t c);
kh_cp kh_rubric_negative_case_max(const kh_rubric *r, size_t c);
/* Index of the case with this id, or -1. */
int kh_rubric_negative_case_find(const kh_rubric *r, const char *id);

/* Who supplies what (`provider:`); every string is owned by the rubric
 * and NULL when the rubric names no provider there. */
const char *kh_rubric_item_provider(const kh_rubric *r, size_t i);
const char *kh_term_provider(const kh_term *t);
const char *kh_rubric_negative_provider(const kh_rubric *r);
/* The provider of input s of item i: its term's, else its item's. */
const char *kh_rubric_input_provider(const kh_rubric *r, size_t i, size_t s);
/* The distinct provider names of the rubric, in order of first use. */
size_t kh_rubric_provider_count(const kh_rubric *r);
const char *kh_rubric_provider_name(const kh_rubric *r, size_t p);
/* True when the rubric names this provider somewhere. */
bool kh_rubric_provider_known(const kh_rubric *r, const char *name);

/* ---- views ---- */
/* Writes the rubric as a person reads it: categories, items, max, the
 * standard text and the terms in words (Chinese). */
kh_status kh_rubric_show_table(const kh_rubric *r, kh_buf *out);
/* Writes the rubric as JSON (same keys as the file format). */
kh_status kh_rubric_show_json(const kh_rubric *r, kh_buf *out);
/* Describes one term in words, e.g. "相关会议记录：每次 1 分" (appended). */
void kh_term_describe(const kh_term *t, kh_buf *out);

#ifdef __cplusplus
}
#endif
#endif
