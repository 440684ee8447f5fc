/*
 * store_followup_impl.h - what the follow-up files of lib/store share
 * (store_followup.c, store_rectify.c): the free-text check, the China
 * calendar day of a time stamp and the check that a day is not later
 * than today.  Private to lib/store.
 */
#ifndef KAOHE_STORE_FOLLOWUP_IMPL_H
#define KAOHE_STORE_FOLLOWUP_IMPL_H

#include "store_impl.h"

/* Longest free texts accepted (bytes). */
#define KH_FU_TEXT_SHORT_MAX 200     /* names, titles */
#define KH_FU_TEXT_LONG_MAX 20000    /* summaries, texts, reports */

/* A free text: non-blank, at most max bytes, then the one rule of
 * kaohe/name.h: a name or title (max KH_FU_TEXT_SHORT_MAX) is one line,
 * a longer text may hold newlines and tabs; else an error at path. */
kh_status kh_fu_text_check(const char *s, const char *path, size_t max,
                           kh_err *e);
/* The China calendar day (UTC+8) of a UTC stamp "YYYY-MM-DDTHH:MM:SSZ"
 * into day; "" when it is not one. */
void kh_fu_stamp_day(const char *at, char day[KH_STORE_DATE_SZ]);
/* Marks rectification item `item` done: closed on day `date` with
 * evidence (a hash, or NULL), by actor at time stamp at. */
kh_status kh_fu_item_done(kh_store *s, const char *actor, int64_t item,
                          const char *date, const char *evidence,
                          const char *at, kh_err *e);
/* Writes one item's reports, oldest first: a JSON array (json), else
 * lines of text for people (nothing when there is none). */
kh_status kh_fu_reports_put(kh_store *s, int64_t item, bool json,
                            kh_buf *out, kh_err *e);

#endif
