/* Unit tests: the store over the engine - rubric versions, the year state
 * machine, imports (all or nothing), entries with versions, records,
 * results and snapshots, export round trip, check (issue 3 items 2-7, 11,
 * 12).  Data: tests/store/data/ (run from the repository root). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "db.h"
#include "kaohe/store.h"
#include "kaohe/report.h"
#include "kaohe/rubric_diff.h"
#include "store_impl.h"
#include "store_fixture.h"

#define RUBRIC "tests/store/data/mini-rubric.yaml"
#define ASSESS "tests/store/data/mini-2025.yaml"

/* kh_store_entry_set with the fields of kh_entry_write as arguments,
 * so the cases below stay short. */
static kh_status entry_set(kh_store *s, const char *actor, int year,
                           const char *unit, const char *item, kh_phase phase,
                           size_t n, const kh_input_kv *kv, const char *note,
                           int64_t expect, int64_t *version, kh_err *e)
{
    kh_entry_write w = {actor, year, unit, item, phase, n, kv, note, expect};
    return kh_store_entry_set(s, &w, version, e);
}

static kh_store *open_mem(void)
{
    kh_err *e = kh_err_new();
    kh_store *s = NULL;
    char buf[512];
    expect_ok(kh_store_open(test_target(":memory:", buf, sizeof buf),
                            KH_STORE_CREATE, e, &s),
              e);
    kh_store_set_time(s, 1767225600);   /* 2026-01-01T00:00:00Z */
    kh_err_free(e);
    return s;
}

static void import_rubric(kh_store *s, const char *path)
{
    size_t len;
    char *d = fx_slurp(path, &len);
    kh_err *e = kh_err_new();
    expect_ok(kh_store_rubric_import(s, "tester", path, d, len, e, NULL, NULL),
              e);
    kh_err_free(e);
    free(d);
}

/* A store with the mini rubric and year 2025 open in draft. */
static kh_store *setup_year(void)
{
    kh_store *s = open_mem();
    import_rubric(s, RUBRIC);
    kh_err *e = kh_err_new();
    expect_ok(kh_store_year_open(s, "tester", 2025, "mini-2025", e), e);
    kh_err_free(e);
    return s;
}

static kh_status import_text(kh_store *s, int year, const char *name,
                             const char *text, kh_err *e)
{
    return kh_store_import_assessment(s, "tester", year, name, text,
                                      strlen(text), e, NULL);
}

static void import_file(kh_store *s, const char *path)
{
    size_t len;
    char *d = fx_slurp(path, &len);
    kh_err *e = kh_err_new();
    expect_ok(kh_store_import_assessment(s, "tester", 0, path, d, len, e,
                                         NULL),
              e);
    kh_err_free(e);
    free(d);
}

static void advance_to(kh_store *s, int year, kh_year_state want)
{
    kh_err *e = kh_err_new();
    kh_year_state cur;
    expect_ok(kh_store_year_state(s, year, &cur, e), e);
    while (cur < want)
        expect_ok(kh_store_year_advance(s, "tester", year, 0, NULL, &cur, e),
                  e);
    kh_err_free(e);
}

/* Everything the store holds for a year, as text: the export plus the
 * number of audit records. */
static char *year_state_text(kh_store *s, int year)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_err *e = kh_err_new();
    expect_ok(kh_store_export_assessment(s, year, &b, e), e);
    int64_t n = 0;
    expect_ok(kh_store_audit_verify(s, &n, e), e);
    kh_buf_printf(&b, "audit=%lld\n", (long long)n);
    kh_err_free(e);
    return kh_buf_take(&b, NULL);
}

static int64_t audit_count(kh_store *s)
{
    kh_err *e = kh_err_new();
    int64_t n = -1;
    expect_ok(kh_store_audit_verify(s, &n, e), e);
    kh_err_free(e);
    return n;
}

/* The JSON `kaohe score` writes for the two files. */
static char *score_files(const char *rubric, const char *assess)
{
    kh_err *e = kh_err_new();
    kh_rubric *r = NULL;
    kh_assess *a = NULL;
    kh_result *res = NULL;
    expect_ok(kh_rubric_load(rubric, e, &r), e);
    expect_ok(kh_assess_load(r, assess, e, &a), e);
    expect_ok(kh_score(a, 0, e, &res), e);
    kh_buf b;
    kh_buf_init(&b, 0);
    assert_int_equal(kh_report_json(res, &b), KH_OK);
    kh_result_free(res);
    kh_assess_free(a);
    kh_rubric_free(r);
    kh_err_free(e);
    return kh_buf_take(&b, NULL);
}

static char *results_json(kh_store *s, int year)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_err *e = kh_err_new();
    expect_ok(kh_store_results(s, year, KH_RESULT_JSON, 0, &b, e), e);
    kh_err_free(e);
    return kh_buf_take(&b, NULL);
}

/* ---- rubrics ------------------------------------------------------- */

static kh_status count_rubric(void *ctx, const kh_rubric_row *r)
{
    (void)r;
    (*(int *)ctx)++;
    return KH_OK;
}

static void test_rubric_versions(void **state)
{
    (void)state;
    kh_store *s = open_mem();
    kh_err *e = kh_err_new();
    size_t len;
    char *text = fx_slurp(RUBRIC, &len);
    char *v1 = NULL, *v2 = NULL;
    bool created;
    expect_ok(kh_store_rubric_import(s, "tester", RUBRIC, text, len, e, &v1,
                                     &created),
              e);
    assert_true(created);
    assert_int_equal(strncmp(v1, "mini-2025@", 10), 0);
    assert_int_equal(strlen(v1), 10 + 64);
    /* The same text again changes nothing, not even the audit log. */
    expect_ok(kh_store_rubric_import(s, "other", "copy.yaml", text, len, e,
                                     &v2, &created),
              e);
    assert_false(created);
    assert_string_equal(v1, v2);
    assert_int_equal(audit_count(s), 1);
    int n = 0;
    expect_ok(kh_store_rubric_each(s, count_rubric, &n, e), e);
    assert_int_equal(n, 1);

    /* Export gives the text back byte for byte. */
    char *back = NULL;
    size_t blen = 0;
    char *ver = NULL;
    expect_ok(kh_store_rubric_get(s, "mini-2025", e, &back, &blen, &ver), e);
    assert_int_equal(blen, len);
    assert_memory_equal(back, text, len);
    assert_string_equal(ver, v1);
    free(back);
    free(ver);

    /* An edited text is a second version; ID alone is the latest. */
    char *edited = malloc(len + 32);
    memcpy(edited, text, len);
    memcpy(edited + len, "# 2026 adjustment\n", 18);
    char *v3 = NULL;
    expect_ok(kh_store_rubric_import(s, "tester", "b.yaml", edited, len + 18,
                                     e, &v3, &created),
              e);
    assert_true(created);
    assert_string_not_equal(v1, v3);
    expect_ok(kh_store_rubric_get(s, "mini-2025", e, NULL, NULL, &ver), e);
    assert_string_equal(ver, v3);
    free(ver);
    /* ID@prefix picks one; a bad or missing one is an error. */
    char ref[32];
    snprintf(ref, sizeof ref, "%.16s", v1);   /* "mini-2025@" + 6 hex */
    expect_ok(kh_store_rubric_get(s, ref, e, NULL, NULL, &ver), e);
    assert_string_equal(ver, v1);
    free(ver);
    assert_int_equal(kh_store_rubric_get(s, "mini-2025@ab", e, NULL, NULL,
                                         NULL),
                     KH_EINVAL);
    expect_msg(e, "bad rubric reference", NULL);
    kh_err_clear(e);
    assert_int_equal(kh_store_rubric_get(s, "nope", e, NULL, NULL, NULL),
                     KH_ENOTFOUND);
    expect_msg(e, "no rubric \"nope\"", NULL);
    kh_err_clear(e);
    assert_int_equal(kh_store_rubric_get(s, "mini-2025@ffffffff", e, NULL,
                                         NULL, NULL),
                     KH_ENOTFOUND);
    kh_err_clear(e);

    /* An invalid rubric is not stored; its errors are located. */
    const char *bad = "id: Bad Id\ntitle: x\n";
    assert_int_not_equal(kh_store_rubric_import(s, "tester", "bad.yaml", bad,
                                                strlen(bad), e, NULL, NULL),
                         KH_OK);
    expect_msg(e, "bad.yaml", NULL);
    n = 0;
    expect_ok(kh_store_rubric_each(s, count_rubric, &n, e), e);
    assert_int_equal(n, 2);
    free(v1);
    free(v2);
    free(v3);
    free(edited);
    free(text);
    kh_err_free(e);
    kh_store_close(s);
}

static void test_rubric_diff(void **state)
{
    (void)state;
    kh_err *e = kh_err_new();
    size_t len;
    char *text = fx_slurp(RUBRIC, &len);
    kh_rubric *a = NULL, *b = NULL;
    expect_ok(kh_rubric_load_mem("a.yaml", text, len, e, &a), e);
    expect_ok(kh_rubric_load_mem("a.yaml", text, len, e, &b), e);
    kh_buf out;
    kh_buf_init(&out, 0);
    size_t n = 99;
    assert_int_equal(kh_rubric_diff(a, "a", b, "b", &out, &n), KH_OK);
    assert_int_equal(n, 0);
    assert_non_null(strstr(kh_buf_str(&out), "无差异"));
    kh_rubric_free(b);

    /* 1.3 max 4 -> 5 (category 12 -> 13, base 20 -> 21), 1.4 removed
     * (category back to 10 + ... ), a new item 2.3, a text change. */
    const char *edits[][2] = {
        {"        max: 4\n        terms:\n          - {input: meetings",
         "        max: 5\n        terms:\n          - {input: meetings"},
        {"label: 相关会议记录, per: 1}", "label: 相关会议记录, per: 2}"},
        {"text: 理论学习", "text: 理论学习（每季度）"},
        {"kinds: [faculty]\n", "kinds: [faculty, office]\n"},
    };
    char *t2 = strdup(text);
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        char *p = strstr(t2, edits[i][0]);
        assert_non_null(p);
        size_t pre = (size_t)(p - t2);
        char *nt = NULL;
        assert_true(asprintf(&nt, "%.*s%s%s", (int)pre, t2, edits[i][1],
                             p + strlen(edits[i][0])) > 0);
        free(t2);
        t2 = nt;
    }
    /* Keep the sums right: category 1 max 12 -> 13, base 20 -> 21. */
    char *p = strstr(t2, "    max: 12\n");
    assert_non_null(p);
    p[10] = '3';
    p = strstr(t2, "base_max: 20");
    assert_non_null(p);
    p[11] = '1';
    kh_err_clear(e);
    expect_ok(kh_rubric_load_mem("b.yaml", t2, strlen(t2), e, &b), e);
    kh_buf_reset(&out);
    assert_int_equal(kh_rubric_diff(a, "a", b, "b", &out, &n), KH_OK);
    const char *o = kh_buf_str(&out);
    assert_non_null(strstr(o, "~ 1.3 满分 max: 4 → 5"));
    assert_non_null(strstr(o, "~ 1.3 评分项 terms:"));
    assert_non_null(strstr(o, "- count meetings「相关会议记录」 per=1"));
    assert_non_null(strstr(o, "+ count meetings「相关会议记录」 per=2"));
    assert_non_null(strstr(o, "~ 2.1 考核要点 text: \"理论学习\" → "
                              "\"理论学习（每季度）\""));
    assert_non_null(strstr(o, "~ 1.4 适用单位类别 kinds: faculty → faculty, "
                              "office"));
    assert_non_null(strstr(o, "~ 基础满分 base_max: 20 → 21"));
    assert_non_null(strstr(o, "~ 类别 category 1 满分 max: 12 → 13"));
    assert_int_equal(n, 6);
    /* The other way round: removed and added items. */
    kh_buf_reset(&out);
    kh_rubric *c = NULL;
    char *t3 = strdup(text);
    p = strstr(t3, "      - id: \"2.2\"");
    assert_non_null(p);
    memcpy(p + 13, "2.9", 3);
    expect_ok(kh_rubric_load_mem("c.yaml", t3, strlen(t3), e, &c), e);
    assert_int_equal(kh_rubric_diff(a, "a", c, "c", &out, &n), KH_OK);
    o = kh_buf_str(&out);
    assert_non_null(strstr(o, "- 2.2 删除考核项 removed (max 4)"));
    assert_non_null(strstr(o, "+ 2.9 新增考核项 added (max 4)"));
    assert_int_equal(n, 2);
    kh_rubric_free(a);
    kh_rubric_free(b);
    kh_rubric_free(c);
    kh_buf_free(&out);
    free(text);
    free(t2);
    free(t3);
    kh_err_free(e);
}

/* ---- years and the state machine ----------------------------------- */

static void test_year_states(void **state)
{
    (void)state;
    kh_store *s = open_mem();
    kh_err *e = kh_err_new();
    /* No such rubric. */
    assert_int_equal(kh_store_year_open(s, "tester", 2025, "mini-2025", e),
                     KH_ENOTFOUND);
    kh_err_clear(e);
    import_rubric(s, RUBRIC);
    assert_int_equal(kh_store_year_open(s, "tester", 1800, "mini-2025", e),
                     KH_EINVAL);
    kh_err_clear(e);
    expect_ok(kh_store_year_open(s, "tester", 2025, "mini-2025", e), e);
    assert_int_equal(kh_store_year_open(s, "tester", 2025, "mini-2025", e),
                     KH_ESTATE);
    expect_msg(e, "year 2025 exists already", NULL);
    kh_err_clear(e);
    /* Leaving draft needs units. */
    kh_year_state now;
    assert_int_equal(kh_store_year_advance(s, "tester", 2025, 0, NULL, &now,
                                           e),
                     KH_ESTATE);
    expect_msg(e, "year 2025 has no units", NULL);
    kh_err_clear(e);
    /* Reopen only from review or published, with a reason. */
    assert_int_equal(kh_store_year_reopen(s, "tester", 2025, "x", &now, e),
                     KH_ESTATE);
    expect_msg(e, "year 2025 is in state draft: reopening needs state "
                  "inspection, review or published", NULL);
    kh_err_clear(e);
    import_file(s, ASSESS);
    int64_t before = audit_count(s);
    expect_ok(kh_store_year_advance(s, "tester", 2025, 0, NULL, &now, e), e);
    assert_int_equal(now, KH_YEAR_SELF_CHECK);
    expect_ok(kh_store_year_advance(s, "tester", 2025, 0, NULL, &now, e), e);
    expect_ok(kh_store_year_advance(s, "tester", 2025, 0, NULL, &now, e), e);
    assert_int_equal(now, KH_YEAR_REVIEW);
    assert_int_equal(kh_store_year_reopen(s, "tester", 2025, "", &now, e),
                     KH_EINVAL);
    expect_msg(e, "needs a reason", NULL);
    kh_err_clear(e);
    expect_ok(kh_store_year_reopen(s, "tester", 2025, "复核发现1.3项有误",
                                   &now, e),
              e);
    assert_int_equal(now, KH_YEAR_INSPECTION);
    advance_to(s, 2025, KH_YEAR_PUBLISHED);
    /* Every move is in the audit log. */
    assert_int_equal(audit_count(s), before + 6);
    expect_ok(kh_store_year_reopen(s, "tester", 2025, "公示期异议", &now, e),
              e);
    assert_int_equal(now, KH_YEAR_REVIEW);
    advance_to(s, 2025, KH_YEAR_CLOSED);
    assert_int_equal(kh_store_year_advance(s, "tester", 2025, 0, NULL, &now,
                                           e),
                     KH_ESTATE);
    expect_msg(e, "closed", NULL);
    kh_err_clear(e);
    assert_int_equal(kh_store_year_reopen(s, "tester", 2025, "x", &now, e),
                     KH_ESTATE);
    kh_err_clear(e);
    assert_int_equal(kh_store_year_state(s, 2030, &now, e), KH_ENOTFOUND);
    expect_msg(e, "year 2030 does not exist", NULL);
    kh_err_free(e);
    kh_store_close(s);
}

static kh_status self_inputs_cb(void *ctx, const kh_entry_row *row)
{
    if (row->phase == KH_PHASE_SELF && strcmp(row->item, "1.3") == 0)
        snprintf(ctx, 256, "%s", row->inputs);
    return KH_OK;
}

/* A save merges the new inputs into the stored ones: NULL removes one,
 * the last of a repeated name wins, every other stored input stays
 * (the merge sorts once instead of scanning the list per key). */
static void test_entry_merge(void **state)
{
    (void)state;
    kh_store *s = setup_year();
    import_file(s, ASSESS);
    advance_to(s, 2025, KH_YEAR_SELF_CHECK);
    kh_err *e = kh_err_new();
    int64_t v;
    char got[256] = "";
    kh_input_kv a[] = {{"meetings", "1"}};
    expect_ok(entry_set(s, "u", 2025, "jd", "1.3", KH_PHASE_SELF, 1,
                        a, NULL, KH_VERSION_ANY, &v, e), e);
    kh_input_kv b[] = {{"meetings", "3"}, {"nosuch", NULL}, {"meetings", "2"}};
    expect_ok(entry_set(s, "u", 2025, "jd", "1.3", KH_PHASE_SELF, 3,
                        b, NULL, KH_VERSION_ANY, &v, e), e);
    expect_ok(kh_store_entry_each(s, 2025, "jd", "1.3", self_inputs_cb, got,
                                  e), e);
    assert_string_equal(got, "{\"meetings\": 2}");
    kh_input_kv c[] = {{"meetings", "4"}, {"meetings", NULL}};
    expect_ok(entry_set(s, "u", 2025, "jd", "1.3", KH_PHASE_SELF, 2,
                        c, NULL, KH_VERSION_ANY, &v, e), e);
    expect_ok(kh_store_entry_each(s, 2025, "jd", "1.3", self_inputs_cb, got,
                                  e), e);
    assert_string_equal(got, "{}");
    kh_err_free(e);
    kh_store_close(s);
}

/* Writing in the wrong state: each write is refused, naming the state. */
static void test_write_permissions(void **state)
{
    (void)state;
    kh_store *s = setup_year();
    import_file(s, ASSESS);
    kh_err *e = kh_err_new();
    kh_input_kv kv[] = {{"meetings", "2"}};
    int64_t v;
    /* draft: no single entries. */
    assert_int_equal(entry_set(s, "u", 2025, "jd", "1.3",
                               KH_PHASE_SELF, 1, kv, NULL,
                               KH_VERSION_ANY, &v, e),
                     KH_ESTATE);
    expect_msg(e, "year 2025 is in state draft: writing self entries needs "
                  "state self_check", NULL);
    kh_err_clear(e);
    advance_to(s, 2025, KH_YEAR_SELF_CHECK);
    expect_ok(entry_set(s, "u", 2025, "jd", "1.3", KH_PHASE_SELF, 1,
                        kv, NULL, KH_VERSION_ANY, &v, e),
              e);
    assert_int_equal(entry_set(s, "u", 2025, "jd", "1.3",
                               KH_PHASE_INSPECTION, 1, kv, NULL,
                               KH_VERSION_ANY, &v, e),
                     KH_ESTATE);
    expect_msg(e, "writing inspection entries needs state inspection or "
                  "review", NULL);
    kh_err_clear(e);
    assert_int_equal(kh_store_record_add(s, "u", 2025, "jd", false, 100, "x",
                                         NULL, e),
                     KH_ESTATE);
    kh_err_clear(e);
    /* Units change only in draft. */
    const char *csv = "id,name,kind\njd,机电工程系,faculty\n";
    assert_int_equal(kh_store_units_import(s, "u", 2025, "u.csv", csv,
                                           strlen(csv), e, NULL),
                     KH_ESTATE);
    expect_msg(e, "importing units needs state draft", NULL);
    kh_err_clear(e);
    advance_to(s, 2025, KH_YEAR_INSPECTION);
    assert_int_equal(entry_set(s, "u", 2025, "jd", "1.3",
                               KH_PHASE_SELF, 1, kv, NULL,
                               KH_VERSION_ANY, &v, e),
                     KH_ESTATE);
    kh_err_clear(e);
    expect_ok(entry_set(s, "u", 2025, "jd", "1.3",
                        KH_PHASE_INSPECTION, 1, kv, NULL,
                        KH_VERSION_ANY, &v, e),
              e);
    int64_t id = 0;
    expect_ok(kh_store_record_add(s, "u", 2025, "xx", false, 50, "市级表彰",
                                  &id, e),
              e);
    expect_ok(kh_store_record_remove(s, "u", 2025, false, id, "重复录入", e),
              e);
    assert_int_equal(kh_store_record_remove(s, "u", 2025, false, id, "again",
                                            e),
                     KH_ENOTFOUND);
    kh_err_clear(e);
    advance_to(s, 2025, KH_YEAR_PUBLISHED);
    /* published: nothing. */
    assert_int_equal(entry_set(s, "u", 2025, "jd", "1.3",
                               KH_PHASE_INSPECTION, 1, kv, NULL,
                               KH_VERSION_ANY, &v, e),
                     KH_ESTATE);
    expect_msg(e, "year 2025 is in state published", NULL);
    kh_err_clear(e);
    size_t len;
    char *d = fx_slurp(ASSESS, &len);
    assert_int_equal(kh_store_import_assessment(s, "u", 0, ASSESS, d, len, e,
                                                NULL),
                     KH_ESTATE);
    kh_err_clear(e);
    free(d);
    const char *roster = "unit,name,value\njd,张三,100\n";
    assert_int_equal(kh_store_roster_import(s, "u", 2025, "xuexi", "r.csv",
                                            roster, strlen(roster), e, NULL),
                     KH_ESTATE);
    kh_err_free(e);
    kh_store_close(s);
}

/* ---- entries and versions ------------------------------------------ */

/* Copies the inspection entry of the listed ones into ctx. */
static kh_status get_entry(void *ctx, const kh_entry_row *r)
{
    kh_entry_row *out = ctx;
    if (r->phase != KH_PHASE_INSPECTION)
        return KH_OK;
    assert_null(out->inputs);
    out->version = r->version;
    out->inputs = strdup(r->inputs);
    out->note = r->note ? strdup(r->note) : NULL;
    return KH_OK;
}

static void test_entry_versions(void **state)
{
    (void)state;
    kh_store *s = setup_year();
    import_file(s, ASSESS);
    advance_to(s, 2025, KH_YEAR_INSPECTION);
    kh_err *e = kh_err_new();
    int64_t v = 0;
    kh_input_kv k1[] = {{"meetings", "4"}};
    /* Imported entries start at version 1. */
    expect_ok(entry_set(s, "alice", 2025, "jd", "1.3",
                        KH_PHASE_INSPECTION, 1, k1, NULL, 1, &v, e),
              e);
    assert_int_equal(v, 2);
    /* Bob edited version 1 too: his update is stale and refused. */
    kh_input_kv k2[] = {{"meetings", "1"}};
    int64_t before = audit_count(s);
    assert_int_equal(entry_set(s, "bob", 2025, "jd", "1.3",
                               KH_PHASE_INSPECTION, 1, k2, NULL, 1,
                               &v, e),
                     KH_ECONFLICT);
    expect_msg(e, "entry jd/1.3/inspection is at version 2, not 1", NULL);
    kh_err_clear(e);
    assert_int_equal(audit_count(s), before);
    kh_entry_row got = {0};
    expect_ok(kh_store_entry_each(s, 2025, "jd", "1.3", get_entry, &got, e),
              e);
    assert_int_equal(got.version, 2);
    assert_string_equal(got.inputs, "{\"meetings\": 4}");
    /* The note was kept. */
    assert_string_equal(got.note, "上半年专题会议记录3份");
    free((char *)got.inputs);
    free((char *)got.note);
    /* Version 0: must not exist. */
    assert_int_equal(entry_set(s, "bob", 2025, "jd", "1.3",
                               KH_PHASE_INSPECTION, 1, k2, NULL,
                               KH_VERSION_NEW, &v, e),
                     KH_ECONFLICT);
    kh_err_clear(e);
    /* The same values again: no new version, no audit record. */
    expect_ok(entry_set(s, "alice", 2025, "jd", "1.3",
                        KH_PHASE_INSPECTION, 1, k1, NULL, 2, &v, e),
              e);
    assert_int_equal(v, 2);
    assert_int_equal(audit_count(s), before);
    /* Merge, remove with NULL, change the note. */
    kh_input_kv k3[] = {{"xuexi_below", "2"}, {"events", "1"}};
    expect_ok(entry_set(s, "alice", 2025, "xx", "2.2",
                        KH_PHASE_INSPECTION, 1, k3 + 1, "改", 
                        KH_VERSION_ANY, &v, e),
              e);
    memset(&got, 0, sizeof got);
    expect_ok(kh_store_entry_each(s, 2025, "xx", "2.2", get_entry, &got, e),
              e);
    assert_string_equal(got.inputs, "{\"xuexi_below\": 1, \"events\": 1}");
    assert_string_equal(got.note, "改");
    free((char *)got.inputs);
    free((char *)got.note);
    kh_input_kv k4[] = {{"xuexi_below", NULL}};
    expect_ok(entry_set(s, "alice", 2025, "xx", "2.2",
                        KH_PHASE_INSPECTION, 1, k4, "",
                        KH_VERSION_ANY, &v, e),
              e);
    memset(&got, 0, sizeof got);
    expect_ok(kh_store_entry_each(s, 2025, "xx", "2.2", get_entry, &got, e),
              e);
    assert_string_equal(got.inputs, "{\"events\": 1}");
    assert_null(got.note);
    free((char *)got.inputs);
    /* A new entry with version 0 (a self entry would need self_check, so
     * use an inspection entry of a unit that has none for 1.4: offices do
     * not have 1.4, which is an error). */
    kh_input_kv k5[] = {{"lectures", "true"}};
    assert_int_equal(entry_set(s, "alice", 2025, "dbgs", "1.4",
                               KH_PHASE_INSPECTION, 1, k5, NULL,
                               KH_VERSION_NEW, &v, e),
                     KH_EINVAL);
    expect_msg(e, "1.4", NULL);
    kh_err_clear(e);
    kh_err_free(e);
    kh_store_close(s);
}

/* Bad values are refused with the builder's located messages. */
static void test_entry_bad_values(void **state)
{
    (void)state;
    kh_store *s = setup_year();
    import_file(s, ASSESS);
    advance_to(s, 2025, KH_YEAR_INSPECTION);
    char *before = year_state_text(s, 2025);
    kh_err *e = kh_err_new();
    int64_t v;
    struct {
        const char *unit, *item, *name, *value, *want;
    } cases[] = {
        {"jd", "1.3", "meetings", "x", "meetings"},
        {"jd", "1.3", "meetings", "-1", "meetings"},
        {"jd", "1.3", "meetings", "2.5", "meetings"},
        {"jd", "1.3", "nosuch", "1", "nosuch"},
        {"jd", "1.1", "plan", "yes", "plan"},
        {"jd", "1.2", "report", "sometimes", "sometimes"},
        {"jd", "2.1", "study", "5", "study"},
        {"jd", "2.1", "study", "3.3", "study"},
        /* jd has a xuexi roster: the input comes from it. */
        {"jd", "2.2", "xuexi_below", "1", "xuexi_below"},
        {"jd", "9.9", "a", "1", "unknown item \"9.9\""},
        {"nobody", "1.1", "plan", "true", "unknown unit \"nobody\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kh_input_kv kv[] = {{cases[i].name, cases[i].value}};
        kh_status st = entry_set(s, "u", 2025, cases[i].unit,
                                 cases[i].item, KH_PHASE_INSPECTION,
                                 1, kv, "备注", KH_VERSION_ANY, &v,
                                 e);
        if (st != KH_EINVAL)
            fail_msg("case %zu (%s=%s): status %s", i, cases[i].name,
                     cases[i].value, kh_status_str(st));
        expect_msg(e, cases[i].want, NULL);
        kh_err_clear(e);
    }
    /* A judgement below its points needs a note. */
    kh_input_kv kv[] = {{"study", "3"}};
    assert_int_equal(entry_set(s, "u", 2025, "xx", "2.1",
                               KH_PHASE_INSPECTION, 1, kv, "",
                               KH_VERSION_ANY, &v, e),
                     KH_EINVAL);
    kh_err_clear(e);
    char *after = year_state_text(s, 2025);
    assert_string_equal(before, after);
    free(before);
    free(after);
    kh_err_free(e);
    kh_store_close(s);
}

/* ---- imports: all or nothing --------------------------------------- */

static void test_import_all_or_nothing(void **state)
{
    (void)state;
    kh_store *s = setup_year();
    import_file(s, ASSESS);
    char *before = year_state_text(s, 2025);
    kh_err *e = kh_err_new();
    size_t len;
    char *good = fx_slurp(ASSESS, &len);
    /* Many bad values: nothing of the file lands. */
    const char *bad_file =
        "year: 2025\n"
        "units:\n"
        "  - {id: jd, name: 机电工程系, kind: faculty}\n"
        "  - {id: jd, name: 重复, kind: faculty}\n"
        "  - {id: x1, name: 某处, kind: dept}\n"
        "entries:\n"
        "  - {unit: jd, item: \"1.3\", phase: inspection, inputs: {meetings: "
        "many}}\n"
        "  - {unit: jd, item: \"7.7\", phase: inspection, inputs: {}}\n";
    assert_int_equal(import_text(s, 0, "bad.yaml", bad_file, e), KH_EINVAL);
    /* Every error, each located. */
    expect_msg(e, "bad.yaml:4:", NULL);
    expect_msg(e, "bad.yaml:5:", "dept");
    expect_msg(e, "bad.yaml:7:", "meetings");
    expect_msg(e, "bad.yaml:8:", "7.7");
    kh_err_clear(e);
    char *after = year_state_text(s, 2025);
    assert_string_equal(before, after);
    free(after);
    /* A branch mixing kinds. */
    const char *mix =
        "year: 2025\n"
        "units:\n"
        "  - {id: a, name: 甲, kind: faculty, branch: b1}\n"
        "  - {id: c, name: 乙, kind: office, branch: b1}\n";
    assert_int_equal(import_text(s, 0, "mix.yaml", mix, e), KH_EINVAL);
    expect_msg(e, "b1", NULL);
    kh_err_clear(e);
    /* The file's year must be open; given --year must agree. */
    assert_int_equal(import_text(s, 2026, "x.yaml", good, e), KH_ENOTFOUND);
    kh_err_clear(e);
    after = year_state_text(s, 2025);
    assert_string_equal(before, after);
    free(after);
    /* Importing the same file again in draft gives the same data. */
    import_file(s, ASSESS);
    after = year_state_text(s, 2025);
    /* (one more audit record for the import) */
    assert_int_not_equal(strcmp(before, after), 0);
    char *cut = strstr(after, "audit=");
    char *cut2 = strstr(before, "audit=");
    *cut = *cut2 = '\0';
    assert_string_equal(before, after);
    free(after);
    free(before);
    free(good);
    kh_err_free(e);
    kh_store_close(s);
}

static void test_import_later_state(void **state)
{
    (void)state;
    kh_store *s = setup_year();
    import_file(s, ASSESS);
    advance_to(s, 2025, KH_YEAR_SELF_CHECK);
    kh_err *e = kh_err_new();
    /* In self_check the full file (inspection entries, bonus, negative)
     * is refused, every offending record named. */
    size_t len;
    char *full = fx_slurp(ASSESS, &len);
    char *before = year_state_text(s, 2025);
    assert_int_equal(kh_store_import_assessment(s, "u", 0, ASSESS, full, len,
                                                e, NULL),
                     KH_EINVAL);
    expect_msg(e, "unit \"jd\" item \"1.3\": inspection entries cannot be "
                  "written while year 2025 is in state self_check", NULL);
    expect_msg(e, "mini-2025.yaml:17:36: entries[6].phase: unit \"jd\"",
               NULL);
    expect_msg(e, "bonus: bonus records cannot be written", NULL);
    expect_msg(e, "negative: negative records cannot be written", NULL);
    kh_err_clear(e);
    char *after = year_state_text(s, 2025);
    assert_string_equal(before, after);
    free(after);
    free(before);
    /* Self entries of one unit: accepted, versions bumped where changed. */
    const char *self =
        "year: 2025\n"
        "units:\n"
        "  - {id: xx, name: 信息工程系, kind: faculty}\n"
        "entries:\n"
        "  - {unit: xx, item: \"1.1\", phase: self, inputs: {plan: true}}\n";
    kh_import_stats st;
    expect_ok(kh_store_import_assessment(s, "u", 0, "self.yaml", self,
                                         strlen(self), e, &st),
              e);
    assert_int_equal(st.changed, 1);
    expect_ok(kh_store_import_assessment(s, "u", 0, "self.yaml", self,
                                         strlen(self), e, &st),
              e);
    assert_int_equal(st.changed, 0);
    /* A unit that differs from the registered one. */
    const char *other =
        "year: 2025\n"
        "units:\n"
        "  - {id: xx, name: 信息系, kind: faculty}\n"
        "  - {id: new, name: 新单位, kind: office}\n";
    assert_int_equal(kh_store_import_assessment(s, "u", 0, "o.yaml", other,
                                                strlen(other), e, NULL),
                     KH_EINVAL);
    expect_msg(e, "unit \"xx\" differs", NULL);
    expect_msg(e, "unit \"new\" is not registered", NULL);
    kh_err_clear(e);
    free(full);
    kh_err_free(e);
    kh_store_close(s);
}

/* ---- units and rosters --------------------------------------------- */

static kh_status count_units(void *ctx, const kh_unit_row *u)
{
    (void)u;
    (*(int *)ctx)++;
    return KH_OK;
}

static int n_units(kh_store *s)
{
    kh_err *e = kh_err_new();
    int n = 0;
    expect_ok(kh_store_unit_each(s, 2025, count_units, &n, e), e);
    kh_err_free(e);
    return n;
}

static void test_units_import(void **state)
{
    (void)state;
    kh_store *s = setup_year();
    kh_err *e = kh_err_new();
    kh_import_stats st;
    const char *csv =
        "\xEF\xBB\xBF编号,名称,类别,支部编号,支部名称\n"
        "jd,机电工程系,系,,\n"
        "dbgs,党委办公室,处室,admin,机关党支部\n"
        "zzb,组织部,office,admin,机关党支部\n";
    expect_ok(kh_store_units_import(s, "u", 2025, "units.csv", csv,
                                    strlen(csv), e, &st),
              e);
    assert_int_equal(st.units, 3);
    assert_int_equal(n_units(s), 3);
    char *before = year_state_text(s, 2025);

    struct {
        const char *name, *text, *want1, *want2;
    } bad[] = {
        {"missing.csv", "编号,类别\njd,系\n", "missing column 名称", NULL},
        {"dup.csv", "id,name,kind\njd,甲,faculty\njd,乙,faculty\n",
         "dup.csv:3:", "jd"},
        {"kind.csv", "id,name,kind\njd,甲,学院\n", "kind.csv:2:3:",
         "unknown kind \"学院\""},
        {"mix.csv",
         "id,name,kind,branch\na,甲,faculty,b1\nc,乙,office,b1\n",
         "mix.csv", "b1"},
        {"bname.csv",
         "id,name,kind,branch,branch_name\na,甲,office,b1,一支部\n"
         "c,乙,office,b1,二支部\n",
         "bname.csv:3:5:", "\"二支部\""},
        {"enc.csv", "id,name,kind\njd,\xff\xfe\xfd,faculty\n", "enc.csv",
         NULL},
        {"units.yaml", "- {id: jd, name: 甲, kind: faculty, colour: red}\n",
         "units.yaml:1:", "colour"},
        {"u.json", "{\"units\": [{\"id\": \"jd\", \"kind\": \"faculty\"}]}",
         "units[0].name", "missing"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        kh_status r = kh_store_units_import(s, "u", 2025, bad[i].name,
                                            bad[i].text, strlen(bad[i].text),
                                            e, NULL);
        if (r == KH_OK)
            fail_msg("case %s was accepted", bad[i].name);
        expect_msg(e, bad[i].want1, bad[i].want2);
        kh_err_clear(e);
        char *after = year_state_text(s, 2025);
        assert_string_equal(before, after);
        free(after);
    }
    /* GB18030 (Excel on Chinese Windows): 编号,名称,类别 / jd,机电系,系 */
    const char gb[] = "\xb1\xe0\xba\xc5,\xc3\xfb\xb3\xc6,\xc0\xe0\xb1\xf0\n"
                      "jd,\xbb\xfa\xb5\xe7\xcf\xb5,\xcf\xb5\n";
    expect_ok(kh_store_units_import(s, "u", 2025, "gb.csv", gb,
                                    sizeof gb - 1, e, &st),
              e);
    assert_int_equal(n_units(s), 1);
    /* YAML: a mapping like an assessment file. */
    const char *yaml =
        "year: 2025\n"
        "branches: [{id: admin, name: 机关党支部}]\n"
        "units:\n"
        "  - {id: jd, name: 机电工程系, kind: faculty}\n"
        "  - {id: dbgs, name: 党委办公室, kind: 处室, branch: admin}\n";
    expect_ok(kh_store_units_import(s, "u", 2025, "units.yaml", yaml,
                                    strlen(yaml), e, &st),
              e);
    assert_int_equal(n_units(s), 2);
    free(before);
    kh_err_free(e);
    kh_store_close(s);
}

static void test_roster_import(void **state)
{
    (void)state;
    kh_store *s = setup_year();
    import_file(s, ASSESS);
    kh_err *e = kh_err_new();
    char *before = year_state_text(s, 2025);
    const char *bad = "单位编号,姓名,积分\njd,张三,5230\nnobody,李四,1\n"
                      "jd,,1\nxx,王五,lots\n";
    assert_int_equal(kh_store_roster_import(s, "u", 2025, "xuexi", "r.csv",
                                            bad, strlen(bad), e, NULL),
                     KH_EINVAL);
    expect_msg(e, "r.csv:3:1:", "unknown unit \"nobody\"");
    expect_msg(e, "r.csv:4:2:", "empty name");
    expect_msg(e, "r.csv:5:3:", "lots");
    kh_err_clear(e);
    assert_int_equal(kh_store_roster_import(s, "u", 2025, "xuexi", "r.csv",
                                            "name,value\n", 11, e, NULL),
                     KH_EINVAL);
    expect_msg(e, "missing column 单位编号", NULL);
    kh_err_clear(e);
    const char *ok = "unit,name,value\nxx,赵六,4999\nxx,钱七,6000\n";
    assert_int_equal(kh_store_roster_import(s, "u", 2025, "nosuch", "r.csv",
                                            ok, strlen(ok), e, NULL),
                     KH_EINVAL);
    expect_msg(e, "roster named \"nosuch\"", NULL);
    kh_err_clear(e);
    /* xx's entry gives xuexi_below, which a roster would now supply. */
    assert_int_equal(kh_store_roster_import(s, "u", 2025, "xuexi", "r.csv",
                                            ok, strlen(ok), e, NULL),
                     KH_EINVAL);
    expect_msg(e, "xuexi_below", NULL);
    kh_err_clear(e);
    char *after = year_state_text(s, 2025);
    assert_string_equal(before, after);
    free(after);
    const char *ok2 = "unit,name,value\njd,赵六,4999\njd,钱七,6000\n";
    kh_import_stats st;
    expect_ok(kh_store_roster_import(s, "u", 2025, "xuexi", "r.csv", ok2,
                                     strlen(ok2), e, &st),
              e);
    assert_int_equal(st.people, 2);
    assert_int_equal(st.rosters, 1);
    after = year_state_text(s, 2025);
    assert_non_null(strstr(after, "{name: \"赵六\", value: 4999}"));
    assert_null(strstr(after, "张三"));
    free(after);
    free(before);
    kh_err_free(e);
    kh_store_close(s);
}

/* ---- results, snapshot, round trip --------------------------------- */

static void test_round_trip(void **state)
{
    (void)state;
    kh_store *s = setup_year();
    import_file(s, ASSESS);
    char *want = score_files(RUBRIC, ASSESS);
    char *got = results_json(s, 2025);
    assert_string_equal(want, got);
    free(got);
    /* Export, score the export: the same. */
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_err *e = kh_err_new();
    expect_ok(kh_store_export_assessment(s, 2025, &b, e), e);
    const char *tmp = "/tmp/kh_store_export_test.yaml";
    FILE *f = fopen(tmp, "w");
    fwrite(b.data, 1, b.len, f);
    fclose(f);
    got = score_files(RUBRIC, tmp);
    assert_string_equal(want, got);
    free(got);
    /* The export imported again exports the same text. */
    kh_store *s2 = setup_year();
    import_file(s2, tmp);
    kh_buf b2;
    kh_buf_init(&b2, 0);
    expect_ok(kh_store_export_assessment(s2, 2025, &b2, e), e);
    assert_string_equal(kh_buf_str(&b), kh_buf_str(&b2));
    remove(tmp);
    kh_buf_free(&b);
    kh_buf_free(&b2);
    free(want);
    kh_err_free(e);
    kh_store_close(s);
    kh_store_close(s2);
}

static void test_snapshot(void **state)
{
    (void)state;
    kh_store *s = setup_year();
    import_file(s, ASSESS);
    advance_to(s, 2025, KH_YEAR_REVIEW);
    char *live = results_json(s, 2025);
    kh_err *e = kh_err_new();
    kh_year_state now;
    expect_ok(kh_store_year_advance(s, "tester", 2025, 0, NULL, &now, e), e);
    assert_int_equal(now, KH_YEAR_PUBLISHED);
    char *frozen = results_json(s, 2025);
    assert_string_equal(live, frozen);
    /* The stored data changing underneath (only possible behind kaohe's
     * back) does not change the published figures. */
    expect_ok(kh_store_begin(s, e), e);
    kh_db_stmt *st;
    expect_ok(kh_store_stmt(s, "UPDATE entry SET inputs = '{\"plan\": false}'"
                               " WHERE unit = 'jd' AND item = '1.1'",
                            &st, e),
              e);
    expect_ok(kh_store_exec(s, st, e, "test"), e);
    expect_ok(kh_store_commit(s, e), e);
    char *again = results_json(s, 2025);
    assert_string_equal(frozen, again);
    /* Check names the change made behind kaohe's back (the audit replay)
     * and still finds the snapshot intact; altering it is found too. */
    kh_buf rep;
    kh_buf_init(&rep, 0);
    assert_int_equal(kh_store_check(s, &rep, e), KH_EINVAL);
    expect_msg(e, "entry 2025 jd/1.1/self: value differs from the audit log",
               "(imported in audit record");
    assert_non_null(strstr(kh_buf_str(&rep), "已公布结果快照：3 份"));
    kh_err_clear(e);
    expect_ok(kh_store_begin(s, e), e);
    expect_ok(kh_store_stmt(s, "UPDATE snapshot SET body = 'x' WHERE"
                               " format = 'csv'",
                            &st, e),
              e);
    expect_ok(kh_store_exec(s, st, e, "test"), e);
    expect_ok(kh_store_commit(s, e), e);
    kh_buf_reset(&rep);
    assert_int_not_equal(kh_store_check(s, &rep, e), KH_OK);
    expect_msg(e, "year 2025: frozen csv results altered", NULL);
    kh_err_clear(e);
    kh_buf reb;
    kh_buf_init(&reb, 0);
    assert_int_equal(kh_store_results(s, 2025, KH_RESULT_CSV, 0, &reb, e),
                     KH_EDB);
    kh_err_clear(e);
    /* Reopening drops the snapshot: figures are live again. */
    expect_ok(kh_store_year_reopen(s, "tester", 2025, "数据更正", &now, e),
              e);
    char *live2 = results_json(s, 2025);
    assert_string_not_equal(live2, frozen);
    free(live);
    free(live2);
    free(frozen);
    free(again);
    kh_buf_free(&rep);
    kh_buf_free(&reb);
    kh_err_free(e);
    kh_store_close(s);
}

static void test_publish_needs_complete(void **state)
{
    (void)state;
    kh_store *s = setup_year();
    const char *partial =
        "year: 2025\n"
        "units:\n"
        "  - {id: jd, name: 机电工程系, kind: faculty}\n"
        "entries:\n"
        "  - {unit: jd, item: \"1.1\", phase: inspection, inputs: {plan: "
        "true}}\n";
    kh_err *e = kh_err_new();
    expect_ok(import_text(s, 0, "p.yaml", partial, e), e);
    advance_to(s, 2025, KH_YEAR_REVIEW);
    kh_year_state now;
    assert_int_equal(kh_store_year_advance(s, "t", 2025, 0, NULL, &now, e),
                     KH_EINVAL);
    expect_msg(e, "1.2", NULL);
    kh_err_clear(e);
    expect_ok(kh_store_year_state(s, 2025, &now, e), e);
    assert_int_equal(now, KH_YEAR_REVIEW);
    expect_ok(kh_store_year_advance(s, "t", 2025, KH_ADVANCE_ALLOW_MISSING,
                                    NULL, &now, e),
              e);
    assert_int_equal(now, KH_YEAR_PUBLISHED);
    kh_err_free(e);
    kh_store_close(s);
}

/* Every change is in the audit log, with who and what. */
struct audit_find {
    const char *action;
    const char *actor;
    int found;
};

static kh_status find_audit(void *ctx, const kh_audit_row *r)
{
    struct audit_find *f = ctx;
    if (!strcmp(r->rec.action, f->action) && !strcmp(r->rec.actor, f->actor))
        f->found++;
    return KH_OK;
}

static void test_audit_records(void **state)
{
    (void)state;
    kh_store *s = setup_year();
    import_file(s, ASSESS);
    advance_to(s, 2025, KH_YEAR_INSPECTION);
    kh_err *e = kh_err_new();
    kh_input_kv kv[] = {{"meetings", "2"}};   /* stored: 1 */
    int64_t v;
    expect_ok(entry_set(s, "张检查", 2025, "zzb", "1.3",
                        KH_PHASE_INSPECTION, 1, kv, NULL,
                        KH_VERSION_ANY, &v, e),
              e);
    struct audit_find f = {"entry.set", "张检查", 0};
    expect_ok(kh_store_audit_each(s, 2025, "zzb", find_audit, &f, e), e);
    assert_int_equal(f.found, 1);
    f = (struct audit_find){"rubric.import", "tester", 0};
    expect_ok(kh_store_audit_each(s, 0, NULL, find_audit, &f, e), e);
    assert_int_equal(f.found, 1);
    f = (struct audit_find){"assessment.import", "tester", 0};
    expect_ok(kh_store_audit_each(s, 2025, NULL, find_audit, &f, e), e);
    assert_int_equal(f.found, 1);
    int64_t n = 0;
    expect_ok(kh_store_audit_verify(s, &n, e), e);
    /* rubric, year, import (and its 7 per-unit records), 2 advances,
     * entry */
    assert_int_equal(n, 13);
    kh_err_free(e);
    kh_store_close(s);
}

/* Stored values go through the builder again: a value altered behind
 * kaohe's back is caught and named; years interleaved in the table are
 * read apart. */
static void test_stored_values_checked(void **state)
{
    (void)state;
    kh_store *s = setup_year();
    import_file(s, ASSESS);
    kh_err *e = kh_err_new();
    char *r2025 = results_json(s, 2025);
    /* A second year imported after the first, then a change to the
     * first: its rows are no longer one run of ids. */
    size_t len;
    char *text = fx_slurp(ASSESS, &len);
    char *p = strstr(text, "year: 2025");
    assert_non_null(p);
    p[9] = '6';
    expect_ok(kh_store_year_open(s, "tester", 2026, "mini-2025", e), e);
    expect_ok(import_text(s, 0, "2026.yaml", text, e), e);
    char *again = results_json(s, 2025);
    assert_string_equal(r2025, again);
    free(again);
    advance_to(s, 2025, KH_YEAR_INSPECTION);
    kh_input_kv kv[] = {{"meetings", "0"}};
    int64_t v;
    expect_ok(entry_set(s, "u", 2025, "zzb", "1.3",
                        KH_PHASE_INSPECTION, 1, kv, NULL,
                        KH_VERSION_ANY, &v, e),
              e);
    again = results_json(s, 2025);
    assert_non_null(strstr(again, "\"id\": \"zzb\", \"name\": \"组织部\", "
                                  "\"kind\": \"office\", \"branch\": "
                                  "\"admin\", \"items\": {\"1.1\": 3, "
                                  "\"1.2\": 2, \"1.3\": 0,"));
    free(again);
    /* Altered behind kaohe's back. */
    kh_db_stmt *st;
    expect_ok(kh_store_begin(s, e), e);
    expect_ok(kh_store_stmt(s, "UPDATE entry SET inputs = '{\"meetings\": -1}'"
                               " WHERE year = 2025 AND unit = 'jd' AND"
                               " item = '1.3' AND phase = 'inspection'",
                            &st, e),
              e);
    expect_ok(kh_store_exec(s, st, e, "test"), e);
    expect_ok(kh_store_commit(s, e), e);
    kh_buf b;
    kh_buf_init(&b, 0);
    assert_int_equal(kh_store_results(s, 2025, KH_RESULT_JSON, 0, &b, e),
                     KH_EINVAL);
    /* Named by the store's path (":memory:" or the URI) and the entry. */
    expect_msg(e, kh_store_path(s),
               ": entry jd/1.3/inspection.inputs.meetings");
    kh_err_clear(e);
    expect_ok(kh_store_begin(s, e), e);
    expect_ok(kh_store_stmt(s, "UPDATE entry SET inputs = '{\"meetings\": '"
                               " WHERE year = 2025 AND unit = 'jd' AND"
                               " item = '1.3' AND phase = 'inspection'",
                            &st, e),
              e);
    expect_ok(kh_store_exec(s, st, e, "test"), e);
    expect_ok(kh_store_commit(s, e), e);
    assert_int_equal(kh_store_results(s, 2025, KH_RESULT_JSON, 0, &b, e),
                     KH_EDB);
    expect_msg(e, "stored inputs are not valid JSON", NULL);
    kh_err_clear(e);
    /* The other year is untouched. */
    again = results_json(s, 2026);
    assert_non_null(strstr(again, "\"year\": 2026"));
    free(again);
    kh_buf_free(&b);
    free(r2025);
    free(text);
    kh_err_free(e);
    kh_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rubric_versions),
        cmocka_unit_test(test_rubric_diff),
        cmocka_unit_test(test_year_states),
        cmocka_unit_test(test_write_permissions),
        cmocka_unit_test(test_entry_merge),
        cmocka_unit_test(test_entry_versions),
        cmocka_unit_test(test_entry_bad_values),
        cmocka_unit_test(test_import_all_or_nothing),
        cmocka_unit_test(test_import_later_state),
        cmocka_unit_test(test_units_import),
        cmocka_unit_test(test_roster_import),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_snapshot),
        cmocka_unit_test(test_publish_needs_complete),
        cmocka_unit_test(test_audit_records),
        cmocka_unit_test(test_stored_values_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
