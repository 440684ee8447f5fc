/*
 * kaohe/convert.h - the conversion of a total for the annual assessment
 * (考核结果运用, issue 14): grade bands and a weight on a target scale,
 * as a year's settings `grades` and `scale` give them
 * (kaohe/store_docset.h).  Pure: no I/O.
 *
 *   grades  "优秀:90,良好:80,一般:70,较差" - bands from the top, each
 *           NAME:MIN (a total >= MIN), the last one NAME alone (below);
 *           MINs strictly falling, decimals of at most two digits
 *   scale   "10" or "10/100" - the result counts TARGET points of the
 *           annual assessment: total × TARGET ÷ BASE (BASE 100 unless
 *           given), rounded to hundredths half away from zero as the
 *           scoring contract rounds
 */
#ifndef KAOHE_CONVERT_H
#define KAOHE_CONVERT_H

#include <stdbool.h>
#include <stddef.h>
#include "kaohe/error.h"
#include "kaohe/num.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KH_GRADES_MAX 8
#define KH_GRADE_NAME_MAX 64      /* bytes, with the NUL */
/* The method's bands (优秀 ≥ 90, 良好 ≥ 80, 一般 ≥ 70, 较差 below). */
#define KH_GRADES_DEFAULT "优秀:90,良好:80,一般:70,较差"

typedef struct kh_conversion {
    size_t nbands;
    struct {
        char name[KH_GRADE_NAME_MAX];
        kh_cp min;                /* unused for the last band */
    } band[KH_GRADES_MAX];
    bool scaled;                  /* a scale was given */
    kh_cp target, base;
} kh_conversion;

/* Parses grades (NULL: the default) and scale (NULL or "": none) into
 * *out.  Errors go on e at path "grades" / "scale"; KH_EINVAL then. */
kh_status kh_conversion_parse(const char *grades, const char *scale,
                              kh_conversion *out, kh_err *e);
/* The band of total (borrowed from c). */
const char *kh_conversion_grade(const kh_conversion *c, kh_cp total);
/* total on the target scale; false when no scale is set. */
bool kh_conversion_points(const kh_conversion *c, kh_cp total, kh_cp *out);

#ifdef __cplusplus
}
#endif
#endif
