/*
 * kaohe/num.h - exact scores as integer hundredths (centipoints).
 *
 * SCORING.md section 1: every score, point value, cap and step is a
 * decimal with at most two fractional digits, held exactly.  Rounding
 * happens only where the contract says, half away from zero.
 */
#ifndef KAOHE_NUM_H
#define KAOHE_NUM_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "kaohe/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A score in hundredths of a point: 92.5 is 9250. */
typedef int64_t kh_cp;

#define KH_CP(whole) ((kh_cp)(whole) * 100)
/* Largest magnitude accepted from input: 1e12 points. */
#define KH_CP_LIMIT ((kh_cp)100000000000000LL)

/* The years kaohe accepts anywhere (files, command line, forms, dates). */
#define KH_YEAR_MIN 1900
#define KH_YEAR_MAX 9999

/* Why a number was rejected. */
typedef enum kh_num_err {
    KH_NUM_OK = 0,
    KH_NUM_SYNTAX,    /* not a decimal number */
    KH_NUM_DIGITS,    /* more than two fractional digits */
    KH_NUM_RANGE      /* too large */
} kh_num_err;

/* Parses a decimal "[-]D[.D[D]]" (also "+D", ".5" is rejected, no
 * exponent, no spaces) of exactly len bytes. */
kh_num_err kh_num_parse(const char *s, size_t len, kh_cp *out);
/* Parses a non-negative or negative integer "[-]D"; no fraction. */
kh_num_err kh_num_parse_int(const char *s, size_t len, int64_t *out);
/* A sentence describing e, e.g. "has more than two decimal places". */
const char *kh_num_err_str(kh_num_err e);

/* Formats v with at most two fractional digits, no trailing zeros and
 * no exponent: 9250 -> "92.5", 9096 -> "90.96", 0 -> "0".  buf must hold
 * KH_NUM_BUFSZ bytes; returns the length written. */
#define KH_NUM_BUFSZ 32
size_t kh_num_format(kh_cp v, char *buf);
/* Formats with exactly two decimals ("92.50"), for aligned tables. */
size_t kh_num_format2(kh_cp v, char *buf);

/* num / den rounded to the nearest integer, half away from zero.
 * den must not be 0. */
int64_t kh_num_div_round(int64_t num, int64_t den);
/* a * b / c rounded half away from zero, without intermediate overflow
 * for the magnitudes used here (uses 128-bit arithmetic). */
int64_t kh_num_muldiv_round(int64_t a, int64_t b, int64_t c);

/* The value of hexadecimal digit c (0-9, a-f, A-F), or -1. */
static inline int kh_hex_digit(int c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

static inline kh_cp kh_cp_clamp(kh_cp v, kh_cp lo, kh_cp hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

#ifdef __cplusplus
}
#endif
#endif
