/*
 * num.c - parsing, formatting and rounding of centipoint scores.
 */
#include "kaohe/i18n.h"
#include "kaohe/num.h"

#include <string.h>

kh_num_err kh_num_parse(const char *s, size_t len, kh_cp *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < len && (s[i] == '-' || s[i] == '+')) {
        neg = s[i] == '-';
        i++;
    }
    if (i >= len || s[i] < '0' || s[i] > '9')
        return KH_NUM_SYNTAX;
    int64_t whole = 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
        whole = whole * 10 + (s[i] - '0');
        if (whole > KH_CP_LIMIT / 100)
            return KH_NUM_RANGE;
    }
    int64_t frac = 0;
    if (i < len && s[i] == '.') {
        i++;
        size_t nd = 0;
        if (i >= len || s[i] < '0' || s[i] > '9')
            return KH_NUM_SYNTAX;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, nd++) {
            if (nd < 2)
                frac = frac * 10 + (s[i] - '0');
            else if (s[i] != '0')
                return KH_NUM_DIGITS;   /* 1.250 is fine, 1.255 is not */
        }
        if (nd == 1)
            frac *= 10;
    }
    if (i != len)
        return KH_NUM_SYNTAX;
    kh_cp v = whole * 100 + frac;
    *out = neg ? -v : v;
    return KH_NUM_OK;
}

kh_num_err kh_num_parse_int(const char *s, size_t len, int64_t *out)
{
    kh_cp v;
    size_t i = 0;
    if (i < len && (s[i] == '-' || s[i] == '+'))
        i++;
    for (size_t j = i; j < len; j++)
        if (s[j] < '0' || s[j] > '9')
            return KH_NUM_SYNTAX;
    kh_num_err r = kh_num_parse(s, len, &v);
    if (r != KH_NUM_OK)
        return r;
    *out = v / 100;
    return KH_NUM_OK;
}

const char *kh_num_err_str(kh_num_err e)
{
    switch (e) {
    case KH_NUM_OK: return N_("is a number");
    case KH_NUM_SYNTAX: return N_("is not a decimal number");
    case KH_NUM_DIGITS: return N_("has more than two decimal places");
    case KH_NUM_RANGE: return N_("is too large");
    }
    return N_("is not a number");
}

static size_t fmt(kh_cp v, char *buf, bool fixed)
{
    char tmp[KH_NUM_BUFSZ];
    size_t n = 0;
    /* Work on the magnitude as unsigned so INT64_MIN cannot overflow. */
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    uint64_t whole = m / 100;
    unsigned frac = (unsigned)(m % 100);
    if (v < 0)
        buf[n++] = '-';
    size_t k = 0;
    do {
        tmp[k++] = (char)('0' + whole % 10);
        whole /= 10;
    } while (whole);
    while (k)
        buf[n++] = tmp[--k];
    if (fixed || frac) {
        buf[n++] = '.';
        buf[n++] = (char)('0' + frac / 10);
        if (fixed || frac % 10)
            buf[n++] = (char)('0' + frac % 10);
    }
    buf[n] = '\0';
    return n;
}

size_t kh_num_format(kh_cp v, char *buf)
{
    return fmt(v, buf, false);
}

size_t kh_num_format2(kh_cp v, char *buf)
{
    return fmt(v, buf, true);
}

int64_t kh_num_div_round(int64_t num, int64_t den)
{
    return kh_num_muldiv_round(num, 1, den);
}

int64_t kh_num_muldiv_round(int64_t a, int64_t b, int64_t c)
{
    __int128 p = (__int128)a * b;
    bool neg = (p < 0) != (c < 0);
    __int128 pa = p < 0 ? -p : p;
    __int128 ca = c < 0 ? -(__int128)c : c;
    __int128 q = pa / ca, r = pa % ca;
    if (r * 2 >= ca)     /* half away from zero */
        q++;
    return (int64_t)(neg ? -q : q);
}
