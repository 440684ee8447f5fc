/* Unit tests: the assessment model, its builder and the file loader
 * (kaohe/assess.h; SCORING.md sections 3, 4 and 6).  Every input error
 * has a test asserting the exact message with its line:col and path;
 * one file with many errors must report all of them; key order in the
 * file is free (entries before units). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kaohe/assess.h"
#include "kaohe/score.h"
#include "kaohe/rubric.h"
#include "kaohe/error.h"

#include "small_rubric.h"

static kh_rubric *rubric(void)
{
    return small_rubric("prorate");
}

static void dump(const kh_err *e)
{
    for (size_t i = 0; i < kh_err_count(e); i++) {
        char *m = kh_err_format(e, i);
        fprintf(stderr, "  got: %s\n", m);
        free(m);
    }
}

/* Loads yaml expecting success. */
static kh_assess *load_ok(const kh_rubric *r, const char *yaml)
{
    kh_err *e = kh_err_new();
    kh_assess *a = NULL;
    kh_status st = kh_assess_load_mem(r, "a.yaml", yaml, strlen(yaml), e, &a);
    if (st != KH_OK || kh_err_count(e))
        dump(e);
    assert_int_equal(st, KH_OK);
    assert_int_equal(kh_err_count(e), 0);
    assert_non_null(a);
    kh_err_free(e);
    return a;
}

/* Loads yaml expecting failure with exactly the messages want (NULL
 * terminated), in order. */
static void load_bad(const char *yaml, const char *const *want)
{
    kh_rubric *r = rubric();
    kh_err *e = kh_err_new();
    kh_assess *a = (kh_assess *)1;
    kh_status st = kh_assess_load_mem(r, "a.yaml", yaml, strlen(yaml), e, &a);
    size_t n = 0;
    while (want[n])
        n++;
    bool same = kh_err_count(e) == n;
    for (size_t i = 0; same && i < n; i++) {
        char *m = kh_err_format(e, i);
        same = strcmp(m, want[i]) == 0;
        free(m);
    }
    if (!same) {
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, " want: %s\n", want[i]);
        dump(e);
    }
    assert_true(same);
    assert_int_equal(st, KH_EINVAL);
    assert_null(a);
    kh_err_free(e);
    kh_rubric_free(r);
}

#define BAD(yaml, ...)                                                        \
    do {                                                                      \
        static const char *const want_[] = {__VA_ARGS__, NULL};               \
        load_bad(yaml, want_);                                                \
    } while (0)

/* The head of most test files: three units on lines 3-5, then (HEAD)
 * the entries key on line 6.  Columns count characters, not bytes. */
#define UNITS                                                                 \
    "year: 2025\n"                                                            \
    "units:\n"                                                                \
    "  - {id: jd, name: 机电系, kind: faculty}\n"                             \
    "  - {id: dbgs, name: 党办, kind: office, branch: admin-1}\n"             \
    "  - {id: zzb, name: 组织部, kind: office, branch: admin-1}\n"
#define HEAD UNITS "entries:\n"
/* An entry of jd on line 7, in block style:
 *   - unit: jd          (line 7)
 *     item: ...         (line 8, value at col 11)
 *     phase: ...        (line 9, value at col 12)
 *     inputs: ...       (line 10, value at col 13)  */
#define ENTRY(item, phase, inputs)                                            \
    "  - unit: jd\n"                                                          \
    "    item: " item "\n"                                                    \
    "    phase: " phase "\n"                                                  \
    "    inputs: " inputs "\n"

/* ---- good files ----------------------------------------------------- */

static void test_load_values(void **state)
{
    (void)state;
    kh_rubric *r = rubric();
    kh_assess *a = load_ok(r,
        HEAD
        ENTRY("\"1.1\"", "inspection", "{doc: true}")
        ENTRY("\"1.2\"", "inspection", "{report: late}")
        ENTRY("\"1.3\"", "self", "{meetings: 2}")
        ENTRY("\"2.1\"", "inspection", "{rating: 3.5}")
        "    note: 材料不全\n"
        "branches:\n"
        "  - {id: admin-1, name: 机关第一党支部}\n"
        "rosters:\n"
        "  - {unit: jd, roster: xuexi, people: [{name: 张三, value: 5000},\n"
        "     {name: 李四, value: 4999.5}, {name: 王五, value: 100}]}\n"
        "bonus:\n"
        "  - {unit: jd, points: 2, reason: 精品项目}\n"
        "  - {unit: jd, points: 1.5, reason: 表彰}\n"
        "negative:\n"
        "  - {unit: zzb, points: 3, reason: 第十七条}\n");
    assert_int_equal(kh_assess_year(a), 2025);
    assert_ptr_equal(kh_assess_rubric(a), r);
    assert_int_equal(kh_assess_unit_count(a), 3);
    assert_string_equal(kh_assess_unit_id(a, 1), "dbgs");
    assert_string_equal(kh_assess_unit_name(a, 1), "党办");
    assert_int_equal(kh_assess_unit_kind(a, 0), 0);
    assert_int_equal(kh_assess_unit_kind(a, 2), 1);
    assert_int_equal(kh_assess_unit_find(a, "zzb"), 2);
    assert_int_equal(kh_assess_unit_find(a, "nope"), -1);

    /* jd is its own branch; dbgs and zzb share admin-1. */
    assert_int_equal(kh_assess_branch_count(a), 2);
    size_t bj = kh_assess_unit_branch(a, 0), ba = kh_assess_unit_branch(a, 1);
    assert_int_equal(kh_assess_unit_branch(a, 2), ba);
    assert_string_equal(kh_assess_branch_id(a, bj), "jd");
    assert_string_equal(kh_assess_branch_name(a, bj), "机电系");
    assert_string_equal(kh_assess_branch_id(a, ba), "admin-1");
    assert_string_equal(kh_assess_branch_name(a, ba), "机关第一党支部");

    bool present;
    const kh_entry *en = kh_assess_entry(a, 0, 0, KH_PHASE_INSPECTION);
    assert_non_null(en);
    assert_int_equal(kh_entry_value(en, 0, &present), 1);
    assert_true(present);
    assert_null(kh_entry_note(en));
    assert_null(kh_assess_entry(a, 0, 0, KH_PHASE_SELF));
    en = kh_assess_entry(a, 0, 1, KH_PHASE_INSPECTION);
    assert_int_equal(kh_entry_value(en, 0, &present), 1);   /* option index */
    en = kh_assess_entry(a, 0, 2, KH_PHASE_SELF);
    assert_int_equal(kh_entry_value(en, 0, &present), 200);
    assert_true(present);
    assert_int_equal(kh_entry_value(en, 1, &present), 0);
    assert_false(present);
    en = kh_assess_entry(a, 0, 4, KH_PHASE_INSPECTION);
    assert_int_equal(kh_entry_value(en, 0, NULL), 350);
    assert_string_equal(kh_entry_note(en), "材料不全");
    assert_null(kh_assess_entry(a, 1, 0, KH_PHASE_INSPECTION));

    /* Rosters: a value equal to the threshold passes. */
    const kh_term *t = kh_term_child(kh_term_child(kh_rubric_item_root(r, 5), 0), 0);
    size_t below = 99;
    assert_true(kh_assess_roster_count(a, 0, t, &below));
    assert_int_equal(below, 2);
    assert_false(kh_assess_roster_count(a, 1, t, &below));
    const char *const *names;
    const kh_cp *values;
    assert_int_equal(kh_assess_roster_people(a, 0, "xuexi", &names, &values), 3);
    assert_string_equal(names[1], "李四");
    assert_int_equal(values[1], 499950);
    assert_int_equal(kh_assess_roster_people(a, 1, "xuexi", &names, &values), 0);

    assert_int_equal(kh_assess_bonus_count(a, 0), 2);
    assert_int_equal(kh_assess_bonus_points(a, 0, 1), 150);
    assert_string_equal(kh_assess_bonus_reason(a, 0, 0), "精品项目");
    assert_int_equal(kh_assess_bonus_count(a, 2), 0);
    assert_int_equal(kh_assess_negative_count(a, 2), 1);
    assert_int_equal(kh_assess_negative_points(a, 2, 0), 300);
    assert_string_equal(kh_assess_negative_reason(a, 2, 0), "第十七条");
    kh_assess_free(a);
    kh_rubric_free(r);
}

/* Key order is free: entries, rosters and bonus before the units they
 * name. */
static void test_entries_before_units(void **state)
{
    (void)state;
    kh_rubric *r = rubric();
    kh_assess *a = load_ok(r,
        "entries:\n"
        "  - {unit: dbgs, item: \"1.3\", phase: inspection, inputs: {proofs: 4}}\n"
        "  - {unit: jd, item: \"1.1\", phase: self, inputs: {doc: true}}\n"
        "rosters:\n"
        "  - {unit: jd, roster: xuexi, people: [{name: a, value: 1}]}\n"
        "bonus:\n"
        "  - {unit: dbgs, points: 1, reason: x}\n"
        "units:\n"
        "  - {id: jd, name: 机电系, kind: faculty}\n"
        "  - {id: dbgs, name: 党办, kind: office}\n"
        "year: 2025\n");
    assert_int_equal(kh_assess_unit_count(a), 2);
    const kh_entry *en = kh_assess_entry(a, 1, 2, KH_PHASE_INSPECTION);
    assert_non_null(en);
    assert_int_equal(kh_entry_value(en, 1, NULL), 400);
    assert_non_null(kh_assess_entry(a, 0, 0, KH_PHASE_SELF));
    assert_int_equal(kh_assess_bonus_count(a, 1), 1);
    assert_int_equal(kh_assess_roster_people(a, 0, "xuexi", NULL, NULL), 1);
    assert_int_equal(kh_score_item(a, 1, 2, KH_PHASE_INSPECTION), 400);
    kh_assess_free(a);
    kh_rubric_free(r);
}

/* The same data as JSON. */
static void test_json(void **state)
{
    (void)state;
    kh_rubric *r = rubric();
    kh_assess *a = load_ok(r,
        "{\"year\": 2025,\n"
        " \"units\": [{\"id\": \"jd\", \"name\": \"机电系\", \"kind\": \"faculty\"}],\n"
        " \"entries\": [{\"unit\": \"jd\", \"item\": \"1.3\", \"phase\": \"inspection\",\n"
        "               \"inputs\": {\"meetings\": 2, \"proofs\": 5}, \"note\": \"n\"}]}\n");
    assert_int_equal(kh_score_item(a, 0, 2, KH_PHASE_INSPECTION), 600);
    kh_assess_free(a);
    kh_rubric_free(r);
}

/* ---- SCORING.md section 3: input values ------------------------------ */

static void test_bad_unknown_input(void **state)
{
    (void)state;
    BAD(HEAD ENTRY("\"1.3\"", "inspection", "{meetings: 1, meetingz: 2}"),
        "a.yaml:10:27: entries[0].inputs.meetingz: unit \"jd\" item \"1.3\": "
        "unknown input \"meetingz\" (expected one of: meetings, proofs)");
}

static void test_bad_type_check(void **state)
{
    (void)state;
    BAD(HEAD ENTRY("\"1.1\"", "inspection", "{doc: yes}"),
        "a.yaml:10:19: entries[0].inputs.doc: unit \"jd\" item \"1.1\": "
        "expected true or false, got \"yes\"");
}

static void test_bad_type_count(void **state)
{
    (void)state;
    BAD(HEAD ENTRY("\"1.3\"", "inspection", "{meetings: \"2\", proofs: [1]}"),
        "a.yaml:10:24: entries[0].inputs.meetings: unit \"jd\" item \"1.3\": "
        "expected a whole number >= 0, got a string \"2\"",
        "a.yaml:10:37: entries[0].inputs.proofs: unit \"jd\" item \"1.3\": "
        "expected a whole number >= 0, got a sequence");
}

static void test_bad_type_judgement(void **state)
{
    (void)state;
    BAD(HEAD ENTRY("\"2.1\"", "inspection", "{rating: good}"),
        "a.yaml:10:22: entries[0].inputs.rating: unit \"jd\" item \"2.1\": "
        "expected a number, got \"good\"");
}

static void test_bad_negative_count(void **state)
{
    (void)state;
    BAD(HEAD ENTRY("\"1.3\"", "inspection", "{meetings: -1}"),
        "a.yaml:10:24: entries[0].inputs.meetings: unit \"jd\" item \"1.3\": "
        "expected a whole number >= 0, got \"-1\"");
}

static void test_bad_fraction_count(void **state)
{
    (void)state;
    BAD(HEAD ENTRY("\"2.3\"", "inspection", "{violations: 2.5}"),
        "a.yaml:10:26: entries[0].inputs.violations: unit \"jd\" item \"2.3\": "
        "expected a whole number >= 0, got \"2.5\"");
}

static void test_bad_option(void **state)
{
    (void)state;
    BAD(HEAD ENTRY("\"1.2\"", "inspection", "{report: later}"),
        "a.yaml:10:22: entries[0].inputs.report: unit \"jd\" item \"1.2\": "
        "unknown option \"later\" (expected one of: \"on_time\", \"late\", "
        "\"none\")");
}

static void test_bad_judgement_range(void **state)
{
    (void)state;
    BAD(HEAD ENTRY("\"2.1\"", "inspection", "{rating: 4.5}")
        ENTRY("\"2.1\"", "self", "{rating: -1}"),
        "a.yaml:10:22: entries[0].inputs.rating: unit \"jd\" item \"2.1\": "
        "judgement 4.5 is out of range 0 to 4",
        "a.yaml:14:22: entries[1].inputs.rating: unit \"jd\" item \"2.1\": "
        "judgement -1 is out of range 0 to 4");
}

static void test_bad_judgement_step(void **state)
{
    (void)state;
    BAD(HEAD ENTRY("\"2.1\"", "inspection", "{rating: 3.25}")
        "    note: x\n",
        "a.yaml:10:22: entries[0].inputs.rating: unit \"jd\" item \"2.1\": "
        "judgement 3.25 is not a multiple of 0.5");
}

static void test_bad_missing_choice(void **state)
{
    (void)state;
    BAD(HEAD ENTRY("\"1.2\"", "inspection", "{}")
        "  - {unit: jd, item: \"1.2\", phase: self}\n",
        "a.yaml:10:13: entries[0].inputs: unit \"jd\" item \"1.2\": "
        "missing input \"report\"",
        "a.yaml:11:5: entries[1].inputs: unit \"jd\" item \"1.2\": "
        "missing input \"report\"");
}

static void test_bad_missing_judgement(void **state)
{
    (void)state;
    BAD(HEAD ENTRY("\"2.1\"", "self", "{}"),
        "a.yaml:10:13: entries[0].inputs: unit \"jd\" item \"2.1\": "
        "missing input \"rating\"");
}

static void test_bad_judgement_note(void **state)
{
    (void)state;
    /* Full marks need no note; less does, in both phases; a blank note
     * does not count. */
    BAD(HEAD ENTRY("\"2.1\"", "inspection", "{rating: 4}")
        ENTRY("\"2.1\"", "self", "{rating: 3.5}")
        ENTRY("\"2.1\"", "inspection", "{rating: 0}")
        "    note: \"  \"\n",
        "a.yaml:14:22: entries[1].inputs.rating: unit \"jd\" item \"2.1\": "
        "judgement 3.5 is below the full 4 points, so the entry needs a "
        "non-empty note saying why",
        "a.yaml:18:22: entries[2].inputs.rating: unit \"jd\" item \"2.1\": "
        "judgement 0 is below the full 4 points, so the entry needs a "
        "non-empty note saying why",
        "a.yaml:15:5: entries[2]: unit \"jd\" item \"2.1\" phase "
        "\"inspection\": duplicate entry (first at line 7)");
}

static void test_bad_inputs_not_map(void **state)
{
    (void)state;
    BAD(HEAD ENTRY("\"1.3\"", "inspection", "[1, 2]"),
        "a.yaml:10:13: entries[0].inputs: unit \"jd\" item \"1.3\": "
        "expected a mapping of input names to values, got a sequence");
}

/* ---- SCORING.md section 4: records ----------------------------------- */

static void test_bad_unknown_unit(void **state)
{
    (void)state;
    BAD(HEAD
        "  - unit: jdd\n"
        "    item: \"1.1\"\n"
        "    phase: self\n",
        "a.yaml:7:11: entries[0].unit: unknown unit \"jdd\"");
}

static void test_bad_unknown_item(void **state)
{
    (void)state;
    BAD(HEAD ENTRY("\"9.9\"", "inspection", "{doc: true}"),
        "a.yaml:8:11: entries[0].item: unknown item \"9.9\"");
}

static void test_bad_unknown_kind(void **state)
{
    (void)state;
    /* The unit still exists, so its entries are not each reported. */
    BAD("year: 2025\n"
        "units:\n"
        "  - {id: jd, name: 机电系, kind: facutly}\n"
        "entries:\n"
        "  - {unit: jd, item: \"1.1\", phase: self, inputs: {doc: true}}\n",
        "a.yaml:3:31: units[0].kind: unknown kind \"facutly\" (expected one "
        "of: \"faculty\", \"office\")");
}

static void test_bad_unknown_phase(void **state)
{
    (void)state;
    BAD(HEAD ENTRY("\"1.1\"", "insp", "{doc: true}"),
        "a.yaml:9:12: entries[0].phase: unknown phase \"insp\" (expected "
        "\"self\" or \"inspection\")");
}

static void test_bad_not_applicable(void **state)
{
    (void)state;
    BAD(HEAD
        "  - unit: dbgs\n"
        "    item: \"1.4\"\n"
        "    phase: inspection\n"
        "    inputs: {lectures: true}\n",
        "a.yaml:8:11: entries[0].item: item \"1.4\" does not apply to unit "
        "\"dbgs\" of kind \"office\"");
}

static void test_bad_duplicate_entry(void **state)
{
    (void)state;
    /* Same unit, item and phase; the other phase is fine. */
    BAD(HEAD ENTRY("\"1.1\"", "inspection", "{doc: true}")
        ENTRY("\"1.1\"", "self", "{doc: true}")
        ENTRY("\"1.1\"", "inspection", "{doc: false}"),
        "a.yaml:15:5: entries[2]: unit \"jd\" item \"1.1\" phase "
        "\"inspection\": duplicate entry (first at line 7)");
}

static void test_bad_branch_kinds(void **state)
{
    (void)state;
    BAD("year: 2025\n"
        "units:\n"
        "  - {id: dbgs, name: 党办, kind: office, branch: mix}\n"
        "  - {id: jd, name: 机电系, kind: faculty, branch: mix}\n"
        "  - {id: zzb, name: 组织部, kind: office, branch: mix}\n",
        "a.yaml:4:48: units[1].branch: branch \"mix\" mixes kinds: unit "
        "\"jd\" is \"faculty\" but unit \"dbgs\" is \"office\"");
}

static void test_bad_branch_kinds_implicit(void **state)
{
    (void)state;
    /* A unit without branch is the branch named by its id. */
    BAD("year: 2025\n"
        "units:\n"
        "  - {id: jd, name: 机电系, kind: faculty}\n"
        "  - {id: dbgs, name: 党办, kind: office, branch: jd}\n",
        "a.yaml:4:48: units[1].branch: branch \"jd\" mixes kinds: unit "
        "\"dbgs\" is \"office\" but unit \"jd\" is \"faculty\"");
}

static void test_bad_unit_twice(void **state)
{
    (void)state;
    BAD("year: 2025\n"
        "units:\n"
        "  - {id: jd, name: 机电系, kind: faculty}\n"
        "  - {id: jd, name: 机电系二, kind: faculty}\n",
        "a.yaml:4:10: units[1].id: duplicate unit id \"jd\" (first at line 3)");
}

static void test_bad_points(void **state)
{
    (void)state;
    BAD(UNITS
        "bonus:\n"
        "  - {unit: jd, points: 0, reason: a}\n"
        "negative:\n"
        "  - {unit: jd, points: -2, reason: b}\n"
        "  - {unit: jd, points: 0.005, reason: c}\n",
        "a.yaml:7:24: bonus[0].points: bonus points must be positive, got 0",
        "a.yaml:9:24: negative[0].points: negative points must be "
        "positive, got -2",
        "a.yaml:10:24: negative[1].points: \"0.005\" has more than two "
        "decimal places");
}

static void test_bad_points_unit(void **state)
{
    (void)state;
    BAD(UNITS
        "bonus:\n"
        "  - {unit: nobody, points: 1, reason: a}\n",
        "a.yaml:7:12: bonus[0].unit: unknown unit \"nobody\"");
}

/* ---- SCORING.md section 6: rosters ------------------------------------ */

static void test_bad_roster_input(void **state)
{
    (void)state;
    /* The roster comes after the entry in the file: checked at the end.
     * dbgs has no roster, so its entry may give the input. */
    BAD(HEAD ENTRY("\"2.2\"", "self", "{xuexi_below: 2, activities: 1}")
        "  - {unit: dbgs, item: \"2.2\", phase: self, inputs: {xuexi_below: 1}}\n"
        "rosters:\n"
        "  - {unit: jd, roster: xuexi, people: []}\n",
        "a.yaml:10:27: entries[0].inputs.xuexi_below: unit \"jd\" item "
        "\"2.2\": input \"xuexi_below\" is counted from the unit's roster "
        "\"xuexi\", so the entry must not give it");
}

static void test_bad_roster_twice(void **state)
{
    (void)state;
    BAD(UNITS
        "rosters:\n"
        "  - {unit: jd, roster: xuexi, people: []}\n"
        "  - {unit: jd, roster: xuexi, people: [{name: a, value: 1}]}\n",
        "a.yaml:8:5: rosters[1]: unit \"jd\" has two rosters \"xuexi\" "
        "(first at line 7)");
}

static void test_bad_roster_fields(void **state)
{
    (void)state;
    BAD(UNITS
        "rosters:\n"
        "  - {unit: jd, roster: xuexii, people: []}\n"
        "  - {unit: jd, roster: xuexi, people: [{name: a, value: x}, {name: b}]}\n"
        "  - {unit: jd, roster: xuexi, people: 3}\n",
        "a.yaml:7:24: rosters[0].roster: unknown roster \"xuexii\" (no term "
        "of the rubric uses it)",
        "a.yaml:8:57: rosters[1].people[0].value: \"x\" is not a decimal "
        "number",
        "a.yaml:8:61: rosters[1].people[1]: missing key \"value\"",
        "a.yaml:9:39: rosters[2].people: expected a sequence of people, "
        "got \"3\"");
}

/* ---- keys ------------------------------------------------------------- */

static void test_bad_unknown_keys(void **state)
{
    (void)state;
    BAD("year: 2025\n"
        "unit:\n"
        "  - {id: jd, name: 机电系, kind: faculty}\n"
        "units:\n"
        "  - {id: jd, name: 机电系, kind: faculty, brnach: x}\n"
        "entries:\n"
        "  - {unit: jd, item: \"1.1\", phase: self, input: {doc: true}}\n",
        "a.yaml:2:1: unknown key \"unit\" (expected one of: year, branches, "
        "units, entries, rosters, bonus, negative)",
        "a.yaml:5:40: units[0]: unknown key \"brnach\" (expected one of: id, "
        "name, kind, branch)",
        "a.yaml:7:42: entries[0]: unknown key \"input\" (expected one of: "
        "unit, item, phase, inputs, note)");
}

static void test_bad_missing_keys(void **state)
{
    (void)state;
    BAD("units:\n"
        "  - {id: jd, kind: faculty}\n"
        "entries:\n"
        "  - {unit: jd, item: \"1.1\"}\n"
        "bonus:\n"
        "  - {unit: jd, points: 1}\n"
        "branches:\n"
        "  - {id: x}\n",
        "a.yaml:2:5: units[0]: missing key \"name\"",
        "a.yaml:4:5: entries[0]: missing key \"phase\"",
        "a.yaml:6:5: bonus[0]: missing key \"reason\"",
        "a.yaml:8:5: branches[0]: missing key \"name\"",
        "a.yaml:1:1: missing key \"year\"");
}

static void test_bad_shapes(void **state)
{
    (void)state;
    BAD("year: twenty\n"
        "units:\n"
        "  - jd\n"
        "  - {id: [x], name: n, kind: office}\n"
        "entries: {}\n",
        "a.yaml:1:7: year: expected a whole number, got \"twenty\"",
        "a.yaml:3:5: units[0]: expected a mapping, got \"jd\"",
        "a.yaml:4:10: units[1].id: expected a string, got a sequence",
        "a.yaml:5:10: expected a sequence, got a mapping");
}

static void test_bad_year(void **state)
{
    (void)state;
    BAD("year: 0\nunits: []\n",
        "a.yaml:1:7: year: year must be between 1900 and 9999, got 0");
}

static void test_bad_not_a_map(void **state)
{
    (void)state;
    BAD("- 1\n- 2\n", "a.yaml:1:1: expected a mapping, got a sequence");
}

static void test_bad_syntax(void **state)
{
    (void)state;
    /* A syntax error stops the load: nothing after it is checked. */
    kh_rubric *r = rubric();
    kh_err *e = kh_err_new();
    kh_assess *a = NULL;
    const char *y = "year: 2025\nunits: [{id: jd, name: x, kind: office}\n";
    assert_int_equal(kh_assess_load_mem(r, "a.yaml", y, strlen(y), e, &a),
                     KH_EINVAL);
    assert_null(a);
    assert_true(kh_err_errors(e) >= 1);
    char *m = kh_err_format(e, 0);
    assert_true(strncmp(m, "a.yaml:", 7) == 0);
    free(m);
    kh_err_free(e);
    kh_rubric_free(r);
}

/* Every error of a file is reported, in file order, not only the first;
 * errors found at the end (unknown units of earlier records, rosters)
 * follow. */
static void test_all_errors(void **state)
{
    (void)state;
    BAD("entries:\n"
        "  - {unit: ghost, item: \"1.1\", phase: self, inputs: {doc: true}}\n"
        "  - {unit: jd, item: \"7\", phase: self}\n"
        "  - {unit: jd, item: \"1.3\", phase: self, inputs: {meetings: -2, proofs: x}}\n"
        "year: 2025\n"
        "units:\n"
        "  - {id: jd, name: 机电系, kind: faculty}\n"
        "  - {id: jd, name: 机电系, kind: faculty}\n"
        "bonus:\n"
        "  - {unit: jd, points: -1, reason: r}\n",
        "a.yaml:3:22: entries[1].item: unknown item \"7\"",
        "a.yaml:4:61: entries[2].inputs.meetings: unit \"jd\" item \"1.3\": "
        "expected a whole number >= 0, got \"-2\"",
        "a.yaml:4:73: entries[2].inputs.proofs: unit \"jd\" item \"1.3\": "
        "expected a whole number >= 0, got \"x\"",
        "a.yaml:8:10: units[1].id: duplicate unit id \"jd\" (first at line 7)",
        "a.yaml:10:24: bonus[0].points: bonus points must be positive, got -1",
        "a.yaml:2:12: entries[0].unit: unknown unit \"ghost\"");
}

/* ---- the builder ----------------------------------------------------- */

static kh_node scalar(const char *s, bool quoted)
{
    kh_node n;
    memset(&n, 0, sizeof n);
    n.type = KH_NODE_SCALAR;
    n.style = quoted ? KH_SCALAR_QUOTED : KH_SCALAR_PLAIN;
    n.line = 0;
    n.n = (uint32_t)strlen(s);
    n.u.text = s;
    return n;
}

static void test_builder(void **state)
{
    (void)state;
    kh_rubric *r = rubric();
    kh_err *e = kh_err_new();
    kh_assess *a = kh_assess_new(r);
    assert_non_null(a);
    kh_assess_set_year(a, 2024);
    kh_loc lu = {0, 0, "units[0]"};
    size_t idx = 9;
    assert_int_equal(kh_assess_add_unit(a, "jd", "机电系", "faculty", NULL,
                                        &lu, e, &idx), KH_OK);
    assert_int_equal(idx, 0);
    assert_int_equal(kh_assess_add_unit(a, "xx", "x", "bogus", NULL, NULL, e,
                                        NULL), KH_EINVAL);
    kh_node kv[2] = {scalar("meetings", false), scalar("3", false)};
    kh_node inputs;
    memset(&inputs, 0, sizeof inputs);
    inputs.type = KH_NODE_MAP;
    inputs.n = 1;
    inputs.u.kids = kv;
    kh_loc le = {0, 0, "entry 7"};
    assert_int_equal(kh_assess_add_entry(a, "jd", "1.3", KH_PHASE_INSPECTION,
                                         &inputs, NULL, &le, e), KH_OK);
    kv[1] = scalar("3", true);
    assert_int_equal(kh_assess_add_entry(a, "jd", "1.3", KH_PHASE_SELF,
                                         &inputs, NULL, &le, e), KH_EINVAL);
    assert_int_equal(kh_assess_add_entry(a, "jd", "1.1", KH_PHASE_SELF,
                                         NULL, NULL, NULL, e), KH_OK);
    const char *names[] = {"a", "b"};
    kh_cp vals[] = {100, 600000};
    assert_int_equal(kh_assess_add_roster(a, "jd", "xuexi", 2, names, vals,
                                          NULL, e), KH_OK);
    assert_int_equal(kh_assess_add_bonus(a, "jd", 0, "r", NULL, e), KH_EINVAL);
    assert_int_equal(kh_assess_add_negative(a, "jd", 100, NULL, NULL, e),
                     KH_OK);
    assert_int_equal(kh_assess_finish(a, e), KH_EINVAL);
    const char *want[] = {
        "units[0].kind: unknown kind \"bogus\" (expected one of: "
        "\"faculty\", \"office\")",
        "entry 7.inputs.meetings: unit \"jd\" item \"1.3\": expected a "
        "whole number >= 0, got a string \"3\"",
        "bonus points must be positive, got 0",
    };
    if (kh_err_count(e) != 3)
        dump(e);
    assert_int_equal(kh_err_count(e), 3);
    for (size_t i = 0; i < 3; i++) {
        char *m = kh_err_format(e, i);
        /* The unknown kind had no loc: its message has no path. */
        if (i == 0)
            assert_string_equal(m, want[0] + strlen("units[0].kind: "));
        else
            assert_string_equal(m, want[i]);
        free(m);
    }
    assert_int_equal(kh_assess_year(a), 2024);
    assert_int_equal(kh_score_item(a, 0, 2, KH_PHASE_INSPECTION), 300);
    const kh_term *t = kh_term_child(kh_term_child(kh_rubric_item_root(r, 5), 0), 0);
    size_t below;
    assert_true(kh_assess_roster_count(a, 0, t, &below));
    assert_int_equal(below, 1);
    assert_int_equal(kh_assess_negative_count(a, 0), 1);
    assert_null(kh_assess_negative_reason(a, 0, 0));

    /* A scored result needs a valid assessment. */
    kh_result *res = (kh_result *)1;
    assert_int_equal(kh_score(a, 0, e, &res), KH_ESTATE);
    assert_null(res);
    kh_assess_free(a);
    kh_err_free(e);
    kh_rubric_free(r);
}

static void test_phase_names(void **state)
{
    (void)state;
    kh_phase p = KH_PHASE_SELF;
    assert_true(kh_phase_parse("inspection", &p));
    assert_int_equal(p, KH_PHASE_INSPECTION);
    assert_true(kh_phase_parse("self", &p));
    assert_int_equal(p, KH_PHASE_SELF);
    assert_false(kh_phase_parse("Self", &p));
    assert_false(kh_phase_parse(NULL, &p));
    assert_string_equal(kh_phase_name(KH_PHASE_SELF), "self");
    assert_string_equal(kh_phase_name(KH_PHASE_INSPECTION), "inspection");
}

/* A file that cannot be read. */
static void test_missing_file(void **state)
{
    (void)state;
    kh_rubric *r = rubric();
    kh_err *e = kh_err_new();
    kh_assess *a = (kh_assess *)1;
    assert_int_not_equal(kh_assess_load(r, "/nonexistent/x.yaml", e, &a),
                         KH_OK);
    assert_null(a);
    assert_true(kh_err_errors(e) >= 1);
    kh_err_free(e);
    kh_rubric_free(r);
}

/* The unit id alphabet (kh_unit_id_ok): every import checks it. */
static void test_unit_id_alphabet(void **state)
{
    (void)state;
    static const char *const good[] = {"jd", "admin-1", "u000001", "a.b_c-d", "9",
                                       "Z", "a..b"};
    static const char *const bad[] = {"", "a/b", "../../etc", ".x", "-x", "_x",
                                      "a b", "a%2F", "a\tb", "a\x01", "机电",
                                      "a\\b", "a:b"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        assert_true(kh_unit_id_ok(good[i]));
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_false(kh_unit_id_ok(bad[i]));
    assert_false(kh_unit_id_ok(NULL));
    char id[KH_UNIT_ID_MAX + 2];
    memset(id, 'a', sizeof id);
    id[KH_UNIT_ID_MAX] = '\0';
    assert_true(kh_unit_id_ok(id));
    id[KH_UNIT_ID_MAX] = 'a';
    id[KH_UNIT_ID_MAX + 1] = '\0';
    assert_false(kh_unit_id_ok(id));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_values),
        cmocka_unit_test(test_unit_id_alphabet),
        cmocka_unit_test(test_entries_before_units),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_bad_unknown_input),
        cmocka_unit_test(test_bad_type_check),
        cmocka_unit_test(test_bad_type_count),
        cmocka_unit_test(test_bad_type_judgement),
        cmocka_unit_test(test_bad_negative_count),
        cmocka_unit_test(test_bad_fraction_count),
        cmocka_unit_test(test_bad_option),
        cmocka_unit_test(test_bad_judgement_range),
        cmocka_unit_test(test_bad_judgement_step),
        cmocka_unit_test(test_bad_missing_choice),
        cmocka_unit_test(test_bad_missing_judgement),
        cmocka_unit_test(test_bad_judgement_note),
        cmocka_unit_test(test_bad_inputs_not_map),
        cmocka_unit_test(test_bad_unknown_unit),
        cmocka_unit_test(test_bad_unknown_item),
        cmocka_unit_test(test_bad_unknown_kind),
        cmocka_unit_test(test_bad_unknown_phase),
        cmocka_unit_test(test_bad_not_applicable),
        cmocka_unit_test(test_bad_duplicate_entry),
        cmocka_unit_test(test_bad_branch_kinds),
        cmocka_unit_test(test_bad_branch_kinds_implicit),
        cmocka_unit_test(test_bad_unit_twice),
        cmocka_unit_test(test_bad_points),
        cmocka_unit_test(test_bad_points_unit),
        cmocka_unit_test(test_bad_roster_input),
        cmocka_unit_test(test_bad_roster_twice),
        cmocka_unit_test(test_bad_roster_fields),
        cmocka_unit_test(test_bad_unknown_keys),
        cmocka_unit_test(test_bad_missing_keys),
        cmocka_unit_test(test_bad_shapes),
        cmocka_unit_test(test_bad_year),
        cmocka_unit_test(test_bad_not_a_map),
        cmocka_unit_test(test_bad_syntax),
        cmocka_unit_test(test_all_errors),
        cmocka_unit_test(test_builder),
        cmocka_unit_test(test_phase_names),
        cmocka_unit_test(test_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
