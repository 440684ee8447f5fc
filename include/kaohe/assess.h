/*
 * kaohe/assess.h - one year's assessment data (SCORING.md sections 4, 6):
 * units, branches, entries (self and inspection), rosters, bonus and
 * negative records, checked against a rubric.
 *
 * The file loader and the store both build a kh_assess through the same
 * builder calls, so every value passes the same checks.  Checks that need
 * the whole data set (a branch mixing kinds, an entry giving an input that
 * a roster supplies) run in kh_assess_finish().
 */
#ifndef KAOHE_ASSESS_H
#define KAOHE_ASSESS_H

#include <stddef.h>
#include <stdbool.h>
#include "kaohe/error.h"
#include "kaohe/num.h"
#include "kaohe/doc.h"
#include "kaohe/rubric.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kh_assess kh_assess;

/* Unit ids are restricted to a safe alphabet at every import (they end up
 * in URLs, file names and sheet names): 1 to KH_UNIT_ID_MAX bytes of
 * [A-Za-z0-9_.-], the first a letter or digit. */
#define KH_UNIT_ID_MAX 64
/* The rule in words is spelt out in each message that refuses an id
 * ("invalid unit id %s (use 1 to 64 letters ...)"): a msgid must be one
 * literal for gettext to find it, so no macro splices it. */
/* True when id (NUL-terminated, may be NULL) follows the rule. */
bool kh_unit_id_ok(const char *id);

typedef enum kh_phase {
    KH_PHASE_SELF = 0,
    KH_PHASE_INSPECTION = 1
} kh_phase;

/* "self" / "inspection". */
const char *kh_phase_name(kh_phase p);
/* Parses a phase name; false when unknown. */
bool kh_phase_parse(const char *s, kh_phase *out);

/* ---- loading a file ---- */

/* Loads an assessment file (YAML or JSON) against rubric r (borrowed: it
 * must outlive the result).  Reports every error found, each located
 * (FILE:LINE:COL: entries[5].item: ...), and runs kh_assess_finish().
 * On KH_OK the caller owns *out (kh_assess_free). */
kh_status kh_assess_load(const kh_rubric *r, const char *path, kh_err *e,
                         kh_assess **out);
kh_status kh_assess_load_mem(const kh_rubric *r, const char *name,
                             const char *data, size_t len, kh_err *e,
                             kh_assess **out);

/* ---- building ---- */

/* An empty assessment for rubric r (borrowed).  NULL on OOM. */
kh_assess *kh_assess_new(const kh_rubric *r);
void kh_assess_free(kh_assess *a);

/* Where a builder call's values came from, for messages: line/col in the
 * current file of e (0 if none) and the data path of the record
 * ("units[3]").  May be NULL: then messages carry no location. */
typedef struct kh_loc {
    unsigned line, col;
    const char *path;
} kh_loc;

void kh_assess_set_year(kh_assess *a, int year);
/* Adds a branch name (the optional `branches` list).  Strings copied. */
kh_status kh_assess_add_branch(kh_assess *a, const char *id, const char *name,
                               const kh_loc *loc, kh_err *e);
/* Adds a unit; branch NULL means the unit is its own branch (branch id =
 * unit id).  *idx (may be NULL) receives its index. */
kh_status kh_assess_add_unit(kh_assess *a, const char *id, const char *name,
                             const char *kind, const char *branch,
                             const kh_loc *loc, kh_err *e, size_t *idx);
/* Adds an entry whose inputs are a mapping node (input name -> value);
 * inputs may be NULL (no inputs).  note may be NULL.  Type, range, step,
 * option, note-for-lost-judgement and duplicate checks happen here;
 * errors name the unit, item and input. */
kh_status kh_assess_add_entry(kh_assess *a, const char *unit, const char *item,
                              kh_phase phase, const kh_node *inputs,
                              const char *note, const kh_loc *loc, kh_err *e);
/* Adds a roster of people for a unit: names[i] with values[i]. */
kh_status kh_assess_add_roster(kh_assess *a, const char *unit,
                               const char *roster, size_t n,
                               const char *const *names, const kh_cp *values,
                               const kh_loc *loc, kh_err *e);
/* Bonus (特色加分) / negative (负面清单) record: points must be > 0. */
kh_status kh_assess_add_bonus(kh_assess *a, const char *unit, kh_cp points,
                              const char *reason, const kh_loc *loc,
                              kh_err *e);
kh_status kh_assess_add_negative(kh_assess *a, const char *unit, kh_cp points,
                                 const char *reason, const kh_loc *loc,
                                 kh_err *e);
/* Whole-data checks; call once after the last add. */
kh_status kh_assess_finish(kh_assess *a, kh_err *e);

/* ---- editing a finished, valid assessment (the server's cache) ----
 * Each call checks like the builder and changes nothing when refused
 * (errors go to e; the assessment stays valid).  Replaced values stay in
 * the pool until kh_assess_free: a long-lived copy is rebuilt now and
 * then to give the memory back.  Not thread-safe against readers. */

/* Replaces (or creates) the entry of unit u, item, phase p. */
kh_status kh_assess_set_entry(kh_assess *a, size_t u, size_t item,
                              kh_phase p, const kh_node *inputs,
                              const char *note, const kh_loc *loc, kh_err *e);
/* Removes the entry (none left in that slot). */
void kh_assess_clear_entry(kh_assess *a, size_t u, size_t item, kh_phase p);
/* Replaces unit u's roster named roster (n == 0 removes it). */
kh_status kh_assess_set_roster(kh_assess *a, size_t u, const char *roster,
                               size_t n, const char *const *names,
                               const kh_cp *values, kh_err *e);
/* Replaces all of unit u's bonus (negative false) or negative records;
 * reasons may be NULL. */
kh_status kh_assess_set_points(kh_assess *a, size_t u, bool negative,
                               size_t n, const kh_cp *points,
                               const char *const *reasons, kh_err *e);

/* ---- reading ---- */
const kh_rubric *kh_assess_rubric(const kh_assess *a);
int kh_assess_year(const kh_assess *a);  /* 0 when not set */

size_t kh_assess_unit_count(const kh_assess *a);
const char *kh_assess_unit_id(const kh_assess *a, size_t u);
const char *kh_assess_unit_name(const kh_assess *a, size_t u);
size_t kh_assess_unit_kind(const kh_assess *a, size_t u);
size_t kh_assess_unit_branch(const kh_assess *a, size_t u);
/* Index of the unit with this id, or -1. */
long kh_assess_unit_find(const kh_assess *a, const char *id);

size_t kh_assess_branch_count(const kh_assess *a);
const char *kh_assess_branch_id(const kh_assess *a, size_t b);
const char *kh_assess_branch_name(const kh_assess *a, size_t b);

/* The entry of unit u, item i, phase p: NULL when there is none. */
typedef struct kh_entry kh_entry;
const kh_entry *kh_assess_entry(const kh_assess *a, size_t u, size_t i,
                                kh_phase p);
/* Value of slot s: *present false when the entry did not give it.
 * Values: check 0/1, count/deduct n*100 (as kh_cp of an integer),
 * choice the option index, judgement the value. */
kh_cp kh_entry_value(const kh_entry *en, size_t s, bool *present);
const char *kh_entry_note(const kh_entry *en);  /* NULL if none */

/* For a term with a roster: true when unit u has that roster; then *below
 * gets the number of people whose value is below the threshold. */
bool kh_assess_roster_count(const kh_assess *a, size_t u, const kh_term *t,
                            size_t *below);
/* People of unit u's roster named name (NULL if none). */
size_t kh_assess_roster_people(const kh_assess *a, size_t u, const char *name,
                               const char *const **names,
                               const kh_cp **values);

size_t kh_assess_bonus_count(const kh_assess *a, size_t u);
kh_cp kh_assess_bonus_points(const kh_assess *a, size_t u, size_t k);
const char *kh_assess_bonus_reason(const kh_assess *a, size_t u, size_t k);
size_t kh_assess_negative_count(const kh_assess *a, size_t u);
kh_cp kh_assess_negative_points(const kh_assess *a, size_t u, size_t k);
const char *kh_assess_negative_reason(const kh_assess *a, size_t u, size_t k);

#ifdef __cplusplus
}
#endif
#endif
