/*
 * cnday.c - the college's calendar days (kaohe/cnday.h): dates read and
 * checked, the China day of an instant, days left and days late.  The
 * arithmetic is the civil-from-days algorithm on the proleptic Gregorian
 * calendar, in integers: no time zone database, no floating point.
 */
#include "kaohe/cnday.h"
#include "kaohe/i18n.h"

#include <stdio.h>
#include <string.h>

static bool leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int64_t y, int m)
{
    static const int md[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return md[m - 1] + (m == 2 && leap(y));
}

/* Days since 1970-01-01 of a valid y-m-d. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int num(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* 0: a real date; 1: not the YYYY-MM-DD shape; 2: no such day. */
static int parse(const char *s, int64_t *days)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
        !digits(s, 4) || !digits(s + 5, 2) || !digits(s + 8, 2))
        return 1;
    int y = num(s, 4), m = num(s + 5, 2), d = num(s + 8, 2);
    if (y < KH_CNDAY_YEAR_MIN || m < 1 || m > 12 || d < 1 ||
        d > month_days(y, m))
        return 2;
    if (days)
        *days = days_from_civil(y, m, d);
    return 0;
}

bool kh_cnday_parse(const char *s, int64_t *days)
{
    return parse(s, days) == 0;
}

kh_status kh_cnday_check(const char *s, const char *path, int64_t *days,
                         kh_err *e)
{
    switch (parse(s, days)) {
    case 0:
        return KH_OK;
    case 1:
        return kh_err_at(e, 0, 0, path,
                         "\"%s\" is not a date: write it YYYY-MM-DD",
                         s ? s : "");
    default:
        return kh_err_at(e, 0, 0, path, "\"%s\" is not a real date", s);
    }
}

int64_t kh_cnday_of(int64_t t)
{
    int64_t x = t + KH_CNDAY_OFFSET;
    /* floor division: an instant before 1970 is still in its day */
    return x >= 0 ? x / 86400 : -((-x + 86399) / 86400);
}

void kh_cnday_format(int64_t days, char buf[KH_CNDAY_SZ])
{
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > KH_CNDAY_YEAR_MAX)
        y = 0;
    snprintf(buf, KH_CNDAY_SZ, "%04d-%02d-%02d", (int)y, m, d);
}

int64_t kh_cnday_left(int64_t today, int64_t due)
{
    return due - today;
}

int64_t kh_cnday_late(int64_t today, int64_t due)
{
    return today > due ? today - due : 0;
}

const char *kh_cnday_left_msgid(int64_t today, int64_t due, long long *n)
{
    int64_t left = kh_cnday_left(today, due);
    *n = (long long)(left < 0 ? -left : left);
    if (left > 0)
        return N_("%lld days left");
    if (left == 0)
        return N_("due today");
    return N_("%lld days overdue");
}
