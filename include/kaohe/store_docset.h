/*
 * kaohe/store_docset.h - a year's document settings (issue 14): who
 * issues the official documents (公文) and to whom, kept per year in the
 * store (table year_docset, migration 3).
 *
 * Keys and their defaults (the 2020 method's own):
 *   issuer   发文机关   中共晋城职业技术学院委员会
 *   number   发文字号   none: documents say （文号待定）
 *   to       主送机关   各党支部、各处室系
 *   cc       抄送机关   学院纪委
 *   printer  印发机关   晋城职业技术学院办公室
 *   date     成文日期   none: the store's date (YYYY-MM-DD when set)
 *   grades   等次       优秀:90,良好:80,一般:70,较差 (kaohe/convert.h)
 *   scale    折算       none (e.g. 10/100: counts 10 points of 100)
 * A value given empty goes back to the default.  Every change appends an
 * audit record ("year.set", object "YEAR/KEY") in the same transaction;
 * a closed year changes no more.
 *
 * Memory: strings passed in are borrowed for the call; the caller owns
 * the strings of a filled kh_docset (kh_docset_clear).
 */
#ifndef KAOHE_STORE_DOCSET_H
#define KAOHE_STORE_DOCSET_H

#include <stddef.h>
#include "kaohe/error.h"
#include "kaohe/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longest value of a setting, in bytes. */
#define KH_DOCSET_VALUE_MAX 200

/* The settings of one year, defaults filled in.  number, date and scale
 * are NULL when not set; the others are never NULL.  All owned. */
typedef struct kh_docset {
    char *issuer, *number, *to, *cc, *printer, *date, *grades, *scale;
} kh_docset;

/* Reads year's settings into *out (defaults where not set).  An unknown
 * year is KH_ENOTFOUND with a message. */
kh_status kh_store_docset_get(kh_store *s, int year, kh_docset *out,
                              kh_err *e);
void kh_docset_clear(kh_docset *d);

/* Sets each "KEY=VALUE" of pairs[0..n): all or nothing.  A pair without
 * '=', an unknown key, a value too long, with a control character or
 * (date) not a real YYYY-MM-DD date is an error at the pair's place
 * ("argument 2: ...", path the key) and nothing changes; so are grades
 * and scale that kh_conversion_parse refuses. */
kh_status kh_store_docset_set(kh_store *s, const char *actor, int year,
                              const char *const *pairs, size_t n,
                              kh_err *e);

#ifdef __cplusplus
}
#endif
#endif
