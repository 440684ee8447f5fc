/* Unit tests: the assessment model's compact layout (assess_impl.h):
 * entries of 16 bytes in a table cut to the units' count in finish,
 * record lines kept beside it only while loading, and input values and
 * notes shared by equal entries while loading (KH_ASSESS_SHARED_MAX).
 * Round trips, edits of one sharer, the bound, and the duplicate's
 * message that still names the first entry's line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "assess_impl.h"
#include "kaohe/assess.h"
#include "kaohe/error.h"
#include "kaohe/rubric.h"
#include "kaohe/score.h"

#include "small_rubric.h"

static kh_node scalar(const char *s)
{
    kh_node n;
    memset(&n, 0, sizeof n);
    n.type = KH_NODE_SCALAR;
    n.style = KH_SCALAR_PLAIN;
    n.n = (uint32_t)strlen(s);
    n.u.text = s;
    return n;
}

/* inputs {name: value} in kv (2 nodes) and map. */
static const kh_node *inputs1(kh_node *kv, kh_node *map, const char *name,
                              const char *value)
{
    kv[0] = scalar(name);
    kv[1] = scalar(value);
    memset(map, 0, sizeof *map);
    map->type = KH_NODE_MAP;
    map->n = 1;
    map->u.kids = kv;
    return map;
}

static long item_of(const kh_rubric *r, const char *id)
{
    long i = kh_rubric_item_find(r, id);
    assert_true(i >= 0);
    return i;
}

/* Meetings of unit u's item 1.3 (inspection): repeats every 3 units. */
static const char *meetings_of(size_t u)
{
    static const char *const v[] = {"0", "3", "5"};
    return v[u % 3];
}

/* Note of unit u: a standard remark on even units, its own otherwise. */
static const char *note_of(size_t u, char *buf, size_t n)
{
    if (u % 2 == 0)
        return "材料齐全，符合要求";
    snprintf(buf, n, "unit %zu: own remark", u);
    return buf;
}

/* n units u0..u(n-1), faculties, each with item 1.3 (inspection) and
 * 1.1 (self, no note); finished. */
static kh_assess *build(const kh_rubric *r, size_t n, kh_err *e)
{
    kh_assess *a = kh_assess_new(r);
    assert_non_null(a);
    kh_assess_set_year(a, 2025);
    for (size_t u = 0; u < n; u++) {
        char id[24], note[48];
        snprintf(id, sizeof id, "u%zu", u);
        assert_int_equal(kh_assess_add_unit(a, id, id, "faculty", NULL, NULL,
                                            e, NULL), KH_OK);
        kh_node kv[2], map;
        assert_int_equal(
            kh_assess_add_entry(a, id, "1.3", KH_PHASE_INSPECTION,
                                inputs1(kv, &map, "meetings", meetings_of(u)),
                                note_of(u, note, sizeof note), NULL, e),
            KH_OK);
        assert_int_equal(
            kh_assess_add_entry(a, id, "1.1", KH_PHASE_SELF,
                                inputs1(kv, &map, "doc", "true"), NULL, NULL,
                                e),
            KH_OK);
    }
    assert_int_equal(kh_assess_finish(a, e), KH_OK);
    return a;
}

static void check_unit(const kh_assess *a, size_t u, long i13, long i11)
{
    char note[48];
    const kh_entry *en = kh_assess_entry(a, u, (size_t)i13,
                                         KH_PHASE_INSPECTION);
    assert_non_null(en);
    bool present = false;
    assert_int_equal(kh_entry_value(en, 0, &present),
                     100 * atoi(meetings_of(u)));
    assert_true(present);
    kh_entry_value(en, 1, &present);   /* proofs: not given */
    assert_false(present);
    assert_string_equal(kh_entry_note(en), note_of(u, note, sizeof note));
    const kh_entry *self = kh_assess_entry(a, u, (size_t)i11, KH_PHASE_SELF);
    assert_non_null(self);
    assert_int_equal(kh_entry_value(self, 0, NULL), 1);
    assert_null(kh_entry_note(self));
    assert_null(kh_assess_entry(a, u, (size_t)i11, KH_PHASE_INSPECTION));
}

/* 100 units: the table grew to 128 and is cut to 100; every value and
 * note reads back, and equal notes are one copy. */
static void test_round_trip(void **state)
{
    (void)state;
    kh_rubric *r = small_rubric("prorate");
    kh_err *e = kh_err_new();
    kh_assess *a = build(r, 100, e);
    long i13 = item_of(r, "1.3"), i11 = item_of(r, "1.1");
    assert_int_equal(kh_assess_unit_count(a), 100);
    for (size_t u = 0; u < 100; u++)
        check_unit(a, u, i13, i11);
    const char *n0 = kh_entry_note(
        kh_assess_entry(a, 0, (size_t)i13, KH_PHASE_INSPECTION));
    const char *n98 = kh_entry_note(
        kh_assess_entry(a, 98, (size_t)i13, KH_PHASE_INSPECTION));
    assert_ptr_equal(n0, n98);
    /* The loading tables are gone once finished. */
    assert_null(a->vshared.s);
    assert_null(a->nshared.s);
    assert_null(a->lines);
    assert_int_equal(a->aunits, 100);
    /* Scores come out as from unshared values. */
    kh_result *res = NULL;
    assert_int_equal(kh_score(a, KH_SCORE_ALLOW_MISSING, e, &res), KH_OK);
    assert_int_equal(kh_score_item(a, 1, (size_t)i13, KH_PHASE_INSPECTION),
                     300);
    kh_result_free(res);
    kh_assess_free(a);
    kh_err_free(e);
    kh_rubric_free(r);
}

/* An edit of one entry that shared its values and note with others
 * leaves the others as they were; so does clearing it.  The last unit
 * (at the end of the cut table) can be edited. */
static void test_edit_one_sharer(void **state)
{
    (void)state;
    kh_rubric *r = small_rubric("prorate");
    kh_err *e = kh_err_new();
    kh_assess *a = build(r, 100, e);
    long i13 = item_of(r, "1.3"), i11 = item_of(r, "1.1");
    kh_node kv[2], map;
    assert_int_equal(
        kh_assess_set_entry(a, 3, (size_t)i13, KH_PHASE_INSPECTION,
                            inputs1(kv, &map, "meetings", "6"), "changed",
                            NULL, e),
        KH_OK);
    const kh_entry *en = kh_assess_entry(a, 3, (size_t)i13,
                                         KH_PHASE_INSPECTION);
    assert_int_equal(kh_entry_value(en, 0, NULL), 600);
    assert_string_equal(kh_entry_note(en), "changed");
    kh_assess_clear_entry(a, 6, (size_t)i13, KH_PHASE_INSPECTION);
    assert_null(kh_assess_entry(a, 6, (size_t)i13, KH_PHASE_INSPECTION));
    assert_int_equal(
        kh_assess_set_entry(a, 99, (size_t)i13, KH_PHASE_INSPECTION,
                            inputs1(kv, &map, "meetings", "4"), NULL, NULL,
                            e),
        KH_OK);
    assert_int_equal(kh_entry_value(kh_assess_entry(a, 99, (size_t)i13,
                                                    KH_PHASE_INSPECTION),
                                    0, NULL),
                     400);
    /* A refused edit changes nothing either. */
    assert_int_equal(
        kh_assess_set_entry(a, 0, (size_t)i13, KH_PHASE_INSPECTION,
                            inputs1(kv, &map, "meetings", "-1"), NULL, NULL,
                            e),
        KH_EINVAL);
    for (size_t u = 0; u < 99; u++)
        if (u != 3 && u != 6)
            check_unit(a, u, i13, i11);
    kh_assess_free(a);
    kh_err_free(e);
    kh_rubric_free(r);
}

/* Past KH_ASSESS_SHARED_MAX listed notes, new notes are kept each on
 * their own (still right); notes listed before are still shared. */
static void test_shared_bound(void **state)
{
    (void)state;
    kh_rubric *r = small_rubric("prorate");
    kh_err *e = kh_err_new();
    kh_assess *a = kh_assess_new(r);
    kh_assess_set_year(a, 2025);
    long i13 = item_of(r, "1.3");
    size_t n = KH_ASSESS_SHARED_MAX + 4;
    char id[24], note[32];
    for (size_t u = 0; u < n; u++) {
        snprintf(id, sizeof id, "u%zu", u);
        assert_int_equal(kh_assess_add_unit(a, id, id, "faculty", NULL, NULL,
                                            e, NULL), KH_OK);
        kh_node kv[2], map;
        /* Units 0..MAX-1: a note each (the table fills up; a value each
         * as well); the last four: two repeat note 7, two a new one. */
        if (u < KH_ASSESS_SHARED_MAX)
            snprintf(note, sizeof note, "n%zu", u);
        else
            snprintf(note, sizeof note, u % 2 ? "n7" : "late");
        char v[24];
        snprintf(v, sizeof v, "%zu", u);
        assert_int_equal(kh_assess_add_entry(a, id, "1.3",
                                             KH_PHASE_INSPECTION,
                                             inputs1(kv, &map, "meetings", v),
                                             note, NULL, e),
                         KH_OK);
    }
    assert_int_equal(a->nshared.n, KH_ASSESS_SHARED_MAX);
    assert_int_equal(a->vshared.n, KH_ASSESS_SHARED_MAX);
    assert_int_equal(kh_assess_finish(a, e), KH_OK);
    size_t m = KH_ASSESS_SHARED_MAX;
    const char *nt[4];
    for (size_t k = 0; k < 4; k++) {
        const kh_entry *en = kh_assess_entry(a, m + k, (size_t)i13,
                                             KH_PHASE_INSPECTION);
        assert_int_equal(kh_entry_value(en, 0, NULL), (kh_cp)(100 * (m + k)));
        nt[k] = kh_entry_note(en);
        assert_string_equal(nt[k], (m + k) % 2 ? "n7" : "late");
    }
    const char *n7 = kh_entry_note(
        kh_assess_entry(a, 7, (size_t)i13, KH_PHASE_INSPECTION));
    assert_ptr_equal(nt[1], n7);
    assert_ptr_equal(nt[3], n7);
    assert_ptr_not_equal(nt[0], nt[2]);   /* "late" came after the bound */
    kh_assess_free(a);
    kh_err_free(e);
    kh_rubric_free(r);
}

/* A duplicate entry still names the first one's line (kept beside the
 * table while loading), even after the table grew; nothing else is
 * reported and the first entry stays. */
static void test_duplicate_line(void **state)
{
    (void)state;
    kh_rubric *r = small_rubric("prorate");
    kh_err *e = kh_err_new();
    kh_assess *a = kh_assess_new(r);
    kh_assess_set_year(a, 2025);
    kh_node kv[2], map;
    assert_int_equal(kh_assess_add_unit(a, "jd", "jd", "faculty", NULL, NULL,
                                        e, NULL), KH_OK);
    kh_loc l1 = {12, 3, "entries[0]"};
    assert_int_equal(kh_assess_add_entry(a, "jd", "1.3", KH_PHASE_INSPECTION,
                                         inputs1(kv, &map, "meetings", "2"),
                                         NULL, &l1, e),
                     KH_OK);
    /* 200 more units: the table and its lines grow past 64 and 128. */
    for (size_t u = 0; u < 200; u++) {
        char id[24];
        snprintf(id, sizeof id, "x%zu", u);
        assert_int_equal(kh_assess_add_unit(a, id, id, "office", NULL, NULL,
                                            e, NULL), KH_OK);
    }
    kh_loc l2 = {40, 3, "entries[1]"};
    assert_int_equal(kh_assess_add_entry(a, "jd", "1.3", KH_PHASE_INSPECTION,
                                         inputs1(kv, &map, "meetings", "9"),
                                         NULL, &l2, e),
                     KH_EINVAL);
    assert_int_equal(kh_err_count(e), 1);
    char *m = kh_err_format(e, 0);
    /* (No file: the place is just line, column and path.) */
    assert_non_null(strstr(m, "entries[1]: unit \"jd\" item \"1.3\" phase "
                              "\"inspection\": duplicate entry (first at "
                              "line 12)"));
    assert_non_null(strstr(m, "40:3"));
    free(m);
    kh_assess_free(a);
    kh_err_free(e);
    kh_rubric_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_edit_one_sharer),
        cmocka_unit_test(test_shared_bound),
        cmocka_unit_test(test_duplicate_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
