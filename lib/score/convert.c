/*
 * convert.c - grade bands and the weighted scale of a total
 * (kaohe/convert.h): parsing the settings' text, applying them.
 */
#include "kaohe/convert.h"

#include <stdio.h>
#include <string.h>

/* One "NAME:MIN" or (last) "NAME" of length len at s. */
static kh_status cv_band(kh_conversion *c, const char *s, size_t len,
                         bool last, kh_err *e)
{
    const char *colon = memchr(s, ':', len);
    size_t nl = colon ? (size_t)(colon - s) : len;
    if (c->nbands == KH_GRADES_MAX)
        return kh_err_at(e, 0, 0, "grades", "more than %d bands",
                         KH_GRADES_MAX);
    if (!nl || nl >= KH_GRADE_NAME_MAX)
        return kh_err_at(e, 0, 0, "grades", "band %zu: a name of 1 to %d "
                         "bytes is needed", c->nbands + 1,
                         KH_GRADE_NAME_MAX - 1);
    memcpy(c->band[c->nbands].name, s, nl);
    c->band[c->nbands].name[nl] = '\0';
    if (!colon && !last)
        return kh_err_at(e, 0, 0, "grades", "band \"%s\" needs NAME:MIN "
                         "(only the last band has no minimum)",
                         c->band[c->nbands].name);
    kh_cp min = 0;
    if (colon) {
        kh_num_err ne = kh_num_parse(colon + 1, len - nl - 1, &min);
        if (ne != KH_NUM_OK)
            return kh_err_at(e, 0, 0, "grades", "band \"%s\": minimum %s",
                             c->band[c->nbands].name, kh_num_err_str(ne));
        if (c->nbands && min >= c->band[c->nbands - 1].min)
            return kh_err_at(e, 0, 0, "grades", "band \"%s\": minimum must "
                             "be below the band before it",
                             c->band[c->nbands].name);
    }
    c->band[c->nbands++].min = min;
    return KH_OK;
}

static kh_status cv_grades(kh_conversion *c, const char *s, kh_err *e)
{
    while (*s) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        kh_status rc = cv_band(c, s, len, !comma, e);
        if (rc != KH_OK)
            return rc;
        s += len + (comma ? 1 : 0);
        if (comma && !*s)
            return kh_err_at(e, 0, 0, "grades", "ends with ','");
    }
    if (!c->nbands)
        return kh_err_at(e, 0, 0, "grades", "no band given");
    return KH_OK;
}

static kh_status cv_scale(kh_conversion *c, const char *s, kh_err *e)
{
    const char *slash = strchr(s, '/');
    size_t tl = slash ? (size_t)(slash - s) : strlen(s);
    c->base = KH_CP(100);
    kh_num_err ne = kh_num_parse(s, tl, &c->target);
    if (ne == KH_NUM_OK && slash)
        ne = kh_num_parse(slash + 1, strlen(slash + 1), &c->base);
    if (ne != KH_NUM_OK)
        return kh_err_at(e, 0, 0, "scale", "\"%s\": %s (expected TARGET or "
                         "TARGET/BASE, e.g. 10/100)", s, kh_num_err_str(ne));
    if (c->target <= 0 || c->base <= 0)
        return kh_err_at(e, 0, 0, "scale", "\"%s\": TARGET and BASE must be "
                         "above 0", s);
    c->scaled = true;
    return KH_OK;
}

kh_status kh_conversion_parse(const char *grades, const char *scale,
                              kh_conversion *out, kh_err *e)
{
    memset(out, 0, sizeof *out);
    kh_status rc = cv_grades(out, grades ? grades : KH_GRADES_DEFAULT, e);
    if (scale && *scale) {
        kh_status r2 = cv_scale(out, scale, e);
        if (rc == KH_OK)
            rc = r2;
    }
    return rc;
}

const char *kh_conversion_grade(const kh_conversion *c, kh_cp total)
{
    for (size_t i = 0; i + 1 < c->nbands; i++)
        if (total >= c->band[i].min)
            return c->band[i].name;
    return c->nbands ? c->band[c->nbands - 1].name : "";
}

bool kh_conversion_points(const kh_conversion *c, kh_cp total, kh_cp *out)
{
    if (!c->scaled)
        return false;
    *out = kh_num_muldiv_round(total, c->target, c->base);
    return true;
}
