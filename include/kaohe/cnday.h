/*
 * kaohe/cnday.h - the college's calendar days: dates "YYYY-MM-DD" read
 * and checked, and the China calendar day (Asia/Shanghai, UTC+8 all
 * year, no daylight saving) of an instant.  Deadlines are days: a
 * deadline is met all through its own day, so a unit is late from the
 * next China day on.  Pure functions, no clock: callers pass "now"
 * (kh_store_now / $KAOHE_NOW).
 *
 * Memory: nothing is allocated; strings are borrowed for the call.
 */
#ifndef KAOHE_CNDAY_H
#define KAOHE_CNDAY_H

#include <stdbool.h>
#include <stdint.h>
#include "kaohe/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KH_CNDAY_SZ 11                 /* "YYYY-MM-DD" + NUL */
#define KH_CNDAY_OFFSET (8 * 3600)     /* China Standard Time, seconds */
#define KH_CNDAY_YEAR_MIN 1970         /* dates before are refused */
#define KH_CNDAY_YEAR_MAX 9999

/* Parses s as a real calendar date written YYYY-MM-DD; *days gets the
 * days since 1970-01-01.  False on anything else ("2025-2-1",
 * "2025-02-30", " 2025-02-01"). */
bool kh_cnday_parse(const char *s, int64_t *days);
/* The same with a message at path on e when it is not one:
 * KH_EINVAL ("\"x\" is not a date: write it YYYY-MM-DD" or "... is not
 * a real date"). */
kh_status kh_cnday_check(const char *s, const char *path, int64_t *days,
                         kh_err *e);
/* The China calendar day of the unix time t, as days since 1970-01-01. */
int64_t kh_cnday_of(int64_t t);
/* Days since 1970-01-01 written YYYY-MM-DD into buf. */
void kh_cnday_format(int64_t days, char buf[KH_CNDAY_SZ]);
/* Days from today to due: 0 on the day, negative once past. */
int64_t kh_cnday_left(int64_t today, int64_t due);
/* Days late: 0 up to and including the due day, else today - due. */
int64_t kh_cnday_late(int64_t today, int64_t due);

/* How a deadline stands today, as a catalogue msgid taking *n through
 * one "%lld" (translate it with _() or W_()): "%lld days left", "due
 * today" (no directive) or "%lld days overdue". */
const char *kh_cnday_left_msgid(int64_t today, int64_t due, long long *n);

#ifdef __cplusplus
}
#endif
#endif
