/* Unit tests: the follow-up of a published year's bottom units (issue 3
 * item 9) - the bottom list from the frozen results, reminder talks,
 * rectification items with deadlines and evidence, overdue marking by
 * the store's clock, good practices, refusals (unpublished year, unit
 * not in the bottom list, bad dates) and the audit records.
 * Data: tests/store/data/mini-*.yaml and tests/followup/data/ (run from
 * the repository root). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "kaohe/store.h"
#include "kaohe/store_evidence.h"
#include "kaohe/store_followup.h"
#include "store_fixture.h"

#define RUBRIC "tests/store/data/mini-rubric.yaml"
#define ASSESS "tests/store/data/mini-2025.yaml"
#define ASSESS_2024 "tests/followup/data/mini-2024.yaml"

/* 2026-01-01T00:00:00Z */
#define NEW_YEAR 1767225600

/* ---- helpers ------------------------------------------------------- */

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

/* A file-backed store (evidence needs one) with the mini rubric and
 * 2025 published: bottom units xx (faculty, its own branch) and dbgs
 * (office, ranked alone although its branch has zzb too). */
static int setup(void **state)
{
    fx *f = fx_open("kh_fu", NEW_YEAR);
    if (!f)
        return -1;
    fx_rubric(f, RUBRIC);
    fx_year(f, 2025, "mini-2025", ASSESS, 4, KH_ADVANCE_ALLOW_MISSING);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx_close(*state);
    return 0;
}

typedef struct bottoms {
    char rows[8][160];
    size_t n;
} bottoms;

static kh_status collect_bottom(void *ctx, const kh_bottom_row *r)
{
    bottoms *b = ctx;
    char num[KH_NUM_BUFSZ];
    kh_num_format(r->score, num);
    if (b->n < 8)
        snprintf(b->rows[b->n], sizeof b->rows[0], "%s %s %s %u %s %s %s",
                 r->unit, r->name, r->ranking, r->rank, num,
                 r->branch ? r->branch : "-",
                 r->branch_name ? r->branch_name : "-");
    b->n++;
    return KH_OK;
}

static kh_status talk(fx *f, int year, const char *unit, const char *date)
{
    kh_err_clear(f->e);
    return kh_store_followup_talk_add(f->s, "admin", year, unit, date,
                                      "党委副书记 王五",
                                      "分管领导 李四、负责人 赵六",
                                      "就意识形态工作薄弱环节进行提醒谈话",
                                      NULL, f->e);
}

static char *report(fx *f, int year, kh_followup_format fmt)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_err_clear(f->e);
    expect_ok(kh_store_followup_report(f->s, year, fmt, &b, f->e), f->e);
    char *s = kh_buf_take(&b, NULL);
    return s ? s : strdup("");
}

static void expect_in(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("\"%s\" not in:\n%s", needle, hay);
}

/* ---- dates --------------------------------------------------------- */

static void test_dates(void **state)
{
    (void)state;
    kh_err *e = kh_err_new();
    const char *good[] = {"2026-01-10", "2024-02-29", "2000-02-29",
                          "1900-01-01", "9999-12-31"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        expect_ok(kh_date_check(good[i], "date", e), e);
    struct {
        const char *s, *msg;
    } bad[] = {
        {"2026/01/10", "not a date: write it YYYY-MM-DD"},
        {"2026-1-10", "not a date"},
        {"20260110", "not a date"},
        {"2026-01-10T00:00", "not a date"},
        {"", "not a date"},
        {" 2026-01-10", "not a date"},
        {"2026-0a-10", "not a date"},
        {"2026-02-30", "not a real date"},
        {"2025-02-29", "not a real date"},
        {"1900-02-29", "not a real date"},
        {"2026-13-01", "not a real date"},
        {"2026-00-10", "not a real date"},
        {"2026-04-31", "not a real date"},
        {"2026-01-00", "not a real date"},
        {"1899-12-31", "not a real date"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        kh_err_clear(e);
        if (kh_date_check(bad[i].s, "deadline", e) != KH_EINVAL)
            fail_msg("\"%s\" accepted", bad[i].s);
        expect_msg(e, "deadline: ", bad[i].msg);
    }
    kh_err_clear(e);
    assert_int_equal(kh_date_check(NULL, "date", e), KH_EINVAL);
    kh_err_free(e);
}

/* ---- the bottom list ----------------------------------------------- */

static void test_bottom_units(void **state)
{
    fx *f = *state;
    bottoms b = {0};
    expect_ok(kh_store_bottom_each(f->s, 2025, collect_bottom, &b, f->e),
              f->e);
    assert_int_equal(b.n, 2);
    /* Faculties rank by branch: xx is its own branch. */
    assert_string_equal(b.rows[0], "xx 信息工程系 faculty 2 16.5 xx 信息工程系");
    /* Offices rank by unit: dbgs alone, not zzb of the same branch. */
    assert_string_equal(b.rows[1], "dbgs 党委办公室 office 2 12.29 - -");

    /* A branch of two faculties ranked last: both are bottom units. */
    fx_year(f, 2024, "mini-2025", ASSESS_2024, 4, KH_ADVANCE_ALLOW_MISSING);
    memset(&b, 0, sizeof b);
    expect_ok(kh_store_bottom_each(f->s, 2024, collect_bottom, &b, f->e),
              f->e);
    assert_int_equal(b.n, 3);
    assert_string_equal(b.rows[0],
                        "xx 信息工程系 faculty 2 1.5 lg 理工联合党支部");
    assert_string_equal(b.rows[1],
                        "yy 应用技术系 faculty 2 1.5 lg 理工联合党支部");
    assert_string_equal(b.rows[2], "dbgs 党委办公室 office 1 3.53 - -");
    expect_ok(talk(f, 2024, "yy", "2025-12-29"), f->e);

    /* No such year. */
    kh_err_clear(f->e);
    assert_int_equal(kh_store_bottom_each(f->s, 2030, collect_bottom, &b,
                                          f->e),
                     KH_ENOTFOUND);
    expect_msg(f->e, "year 2030 does not exist", NULL);
}

static void test_refused(void **state)
{
    fx *f = *state;
    /* A unit not in the bottom list: named, with the ones that are. */
    assert_int_equal(talk(f, 2025, "zzb", "2025-12-29"), KH_EINVAL);
    expect_msg(f->e, "unit: unit \"zzb\" is not one of the bottom units of "
                     "year 2025 (xx, dbgs)",
               NULL);
    assert_int_equal(talk(f, 2025, "nosuch", "2025-12-29"), KH_EINVAL);
    expect_msg(f->e, "unit \"nosuch\" is not one of the bottom units", NULL);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_followup_item_add(f->s, "admin", 2025, "jd",
                                                "完善会议记录", "2026-03-31",
                                                NULL, f->e),
                     KH_EINVAL);
    expect_msg(f->e, "unit \"jd\" is not one of the bottom units", NULL);

    /* Bad values: every one is reported, each with its place. */
    kh_err_clear(f->e);
    assert_int_equal(kh_store_followup_talk_add(f->s, "admin", 2025, "xx",
                                                "2026/1/5", "  ", "\x01",
                                                "", NULL, f->e),
                     KH_EINVAL);
    assert_int_equal(kh_err_errors(f->e), 4);
    expect_msg(f->e, "date: \"2026/1/5\" is not a date", NULL);
    expect_msg(f->e, "by: must not be empty", NULL);
    expect_msg(f->e, "to: holds the control character U+0001", NULL);
    expect_msg(f->e, "summary: must not be empty", NULL);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_followup_item_add(f->s, "admin", 2025, "xx",
                                                "text\x01", "2026-02-30",
                                                NULL, f->e),
                     KH_EINVAL);
    expect_msg(f->e, "text: holds the control character U+0001", NULL);
    expect_msg(f->e, "deadline: \"2026-02-30\" is not a real date", NULL);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_followup_item_add(f->s, "admin", 2025, "xx",
                                                "bad \xc3\x28 utf8",
                                                "2026-02-28", NULL, f->e),
                     KH_EINVAL);
    expect_msg(f->e, "text: is not valid UTF-8", NULL);

    /* A year not published: review after reopening, and a draft year. */
    kh_err_clear(f->e);
    expect_ok(kh_store_year_reopen(f->s, "admin", 2025, "复核发现计分错误",
                                   NULL, f->e),
              f->e);
    assert_int_equal(talk(f, 2025, "xx", "2025-12-29"), KH_ESTATE);
    expect_msg(f->e, "year 2025 is in state review",
               "recording a reminder talk needs state published");
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_followup_report(f->s, 2025, KH_FOLLOWUP_TABLE,
                                              &b, f->e),
                     KH_ESTATE);
    expect_msg(f->e, "listing the follow-up needs state published or closed",
               NULL);
    kh_buf_free(&b);
    assert_int_equal(talk(f, 2030, "xx", "2025-12-29"), KH_ENOTFOUND);
    expect_msg(f->e, "year 2030 does not exist", NULL);

    /* Nothing refused was recorded. */
    expect_ok(kh_store_year_advance(f->s, "admin", 2025, 0, NULL, NULL, f->e),
              f->e);
    char *r = report(f, 2025, KH_FOLLOWUP_JSON);
    expect_in(r, "\"items\": 0");
    assert_null(strstr(r, "\"talks\": [{"));
    free(r);
}

/* ---- talks, items, overdue ----------------------------------------- */

static const char pdf[] = "%PDF-1.4\n% 整改报告\n%%EOF\n";

static void test_talks_items(void **state)
{
    fx *f = *state;
    int64_t t1 = 0, i1 = 0, i2 = 0, i3 = 0;
    expect_ok(kh_store_followup_talk_add(f->s, "admin", 2025, "xx",
                                         "2025-12-29", "党委副书记 王五",
                                         NULL, "指出体制机制方面的不足", &t1,
                                         f->e),
              f->e);
    assert_true(t1 > 0);
    expect_ok(kh_store_followup_item_add(f->s, "admin", 2025, "xx",
                                         "健全意识形态工作机制", "2025-12-31",
                                         &i1, f->e),
              f->e);
    expect_ok(kh_store_followup_item_add(f->s, "admin", 2025, "xx",
                                         "完善专题会议记录", "2026-03-31",
                                         &i2, f->e),
              f->e);
    expect_ok(kh_store_followup_item_add(f->s, "admin", 2025, "dbgs",
                                         "整改负面清单事项", "2025-12-01", &i3,
                                         f->e),
              f->e);
    /* Due today: not overdue yet. */
    int64_t i4 = 0;
    expect_ok(kh_store_followup_item_add(f->s, "admin", 2025, "dbgs",
                                         "报送整改报告", "2026-01-01", &i4,
                                         f->e),
              f->e);
    /* Close i3 with evidence stored first. */
    char hash[KH_EVIDENCE_HASH_SZ];
    expect_ok(kh_store_evidence_put(f->s, "admin", "整改报告.pdf", pdf,
                                    sizeof pdf - 1, 0, hash, f->e),
              f->e);
    expect_ok(kh_store_followup_item_close(f->s, "admin", i3, "2026-01-01",
                                           hash, f->e),
              f->e);
    /* Closing twice, an unknown item, unknown evidence, a bad date. */
    kh_err_clear(f->e);
    assert_int_equal(kh_store_followup_item_close(f->s, "admin", i3,
                                                  "2026-01-01", NULL, f->e),
                     KH_ESTATE);
    expect_msg(f->e, "was closed already on 2026-01-01", NULL);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_followup_item_close(f->s, "admin", 999,
                                                  "2026-01-01", NULL, f->e),
                     KH_ENOTFOUND);
    expect_msg(f->e, "no rectification item 999", NULL);
    kh_err_clear(f->e);
    char zero[KH_EVIDENCE_HASH_SZ];
    memset(zero, '0', 64);
    zero[64] = '\0';
    assert_int_equal(kh_store_followup_item_close(f->s, "admin", i2,
                                                  "2026-01-02", zero, f->e),
                     KH_ENOTFOUND);
    expect_msg(f->e, "no evidence with hash", NULL);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_followup_item_close(f->s, "admin", i2,
                                                  "2026-1-2", NULL, f->e),
                     KH_EINVAL);
    expect_msg(f->e, "date: \"2026-1-2\" is not a date", NULL);

    /* Today is 2026-01-01: i1 (due 2025-12-31) is overdue, i2 not yet,
     * i3 is done. */
    char *r = report(f, 2025, KH_FOLLOWUP_JSON);
    char want[256];
    snprintf(want, sizeof want,
             "{\"id\": %lld, \"text\": \"健全意识形态工作机制\", \"deadline\": "
             "\"2025-12-31\", \"status\": \"open\", \"overdue\": true",
             (long long)i1);
    expect_in(r, want);
    snprintf(want, sizeof want,
             "{\"id\": %lld, \"text\": \"完善专题会议记录\", \"deadline\": "
             "\"2026-03-31\", \"status\": \"open\", \"overdue\": false",
             (long long)i2);
    expect_in(r, want);
    snprintf(want, sizeof want,
             "\"status\": \"done\", \"overdue\": false, \"closed_date\": "
             "\"2026-01-01\", \"evidence\": \"%s\", \"colour\": \"grey\"",
             hash);
    expect_in(r, want);
    expect_in(r, "\"talks\": [{\"id\": 1, \"date\": \"2025-12-29\", \"by\": "
                 "\"党委副书记 王五\", \"to\": null, \"summary\": "
                 "\"指出体制机制方面的不足\"}]");
    expect_in(r, "\"today\": \"2026-01-01\"");
    snprintf(want, sizeof want,
             "{\"id\": %lld, \"text\": \"报送整改报告\", \"deadline\": "
             "\"2026-01-01\", \"status\": \"open\", \"overdue\": false",
             (long long)i4);
    expect_in(r, want);
    expect_in(r, "\"totals\": {\"bottom_units\": 2, \"items\": 4, \"done\": "
                 "1, \"overdue\": 1}");
    free(r);
    r = report(f, 2025, KH_FOLLOWUP_TABLE);
    expect_in(r, "2025 年度考核排名后一位单位的提醒谈话与整改（截至 2026-01-01）");
    expect_in(r, "信息工程系（xx）：各系（按支部）第 2 名，得分 16.50");
    expect_in(r, "期限 2025-12-31，未完成，已逾期");
    expect_in(r, "期限 2026-03-31，未完成 [on schedule]\n");
    expect_in(r, "期限 2025-12-01，已完成（2026-01-01），证据 ");
    expect_in(r, "合计：单位 2 个；整改意见 4 条，已完成 1 条，逾期 1 条");
    free(r);

    /* The clock moves on past i2's deadline. */
    kh_store_set_time(f->s, NEW_YEAR + 100 * 86400);   /* 2026-04-11 */
    r = report(f, 2025, KH_FOLLOWUP_JSON);
    expect_in(r, "\"overdue\": 3}");
    free(r);
    /* Closing it late clears the mark. */
    expect_ok(kh_store_followup_item_close(f->s, "admin", i2, "2026-04-10",
                                           NULL, f->e),
              f->e);
    r = report(f, 2025, KH_FOLLOWUP_JSON);
    expect_in(r, "\"done\": 2, \"overdue\": 2}");
    free(r);

}

/* Collects evidence rows of follow-up items. */
static kh_status count_fu(void *ctx, const kh_evidence_row *r)
{
    int64_t *n = ctx;
    if (r->followup > 0 && strcmp(r->unit, "dbgs") == 0 && !r->item)
        (*n)++;
    return KH_OK;
}

static void test_closed_year_and_evidence(void **state)
{
    fx *f = *state;
    int64_t id = 0;
    expect_ok(kh_store_followup_item_add(f->s, "admin", 2025, "dbgs",
                                         "整改负面清单事项", "2026-02-01", &id,
                                         f->e),
              f->e);
    /* Closing with a file: the CLI's way, in one transaction. */
    char path[128];
    snprintf(path, sizeof path, "%s/report.pdf", f->dir);
    FILE *fp = fopen(path, "wb");
    fwrite(pdf, 1, sizeof pdf - 1, fp);
    fclose(fp);
    char hash[KH_EVIDENCE_HASH_SZ];
    expect_ok(kh_store_begin(f->s, f->e), f->e);
    expect_ok(kh_store_evidence_put_file(f->s, "admin", path, 0, hash, f->e),
              f->e);
    expect_ok(kh_store_followup_item_close(f->s, "admin", id, "2026-01-20",
                                           hash, f->e),
              f->e);
    expect_ok(kh_store_commit(f->s, f->e), f->e);
    int64_t n = 0;
    expect_ok(kh_store_evidence_each(f->s, 2025, NULL, count_fu, &n, f->e),
              f->e);
    assert_int_equal(n, 1);

    /* Closed: the list still shows, nothing more is written. */
    expect_ok(kh_store_year_advance(f->s, "admin", 2025, 0, NULL, NULL, f->e),
              f->e);
    char *r = report(f, 2025, KH_FOLLOWUP_TABLE);
    expect_in(r, "已完成（2026-01-20）");
    free(r);
    assert_int_equal(talk(f, 2025, "dbgs", "2025-12-25"), KH_ESTATE);
    expect_msg(f->e, "year 2025 is in state closed", NULL);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_practice_add(f->s, "admin", 2025, "jd", "标题",
                                           "内容", NULL, f->e),
                     KH_ESTATE);
    expect_msg(f->e, "recording a good practice needs state inspection, "
                     "review or published",
               NULL);
}

/* A talk later than today and a closing dated before the item was
 * recorded are refused with the field named, and nothing is stored;
 * today itself is accepted. */
static void test_dates_against_today(void **state)
{
    fx *f = *state;
    assert_int_equal(talk(f, 2025, "xx", "2026-01-02"), KH_EINVAL);
    expect_msg(f->e, "date: \"2026-01-02\" is in the future (today is "
                     "2026-01-01)",
               NULL);
    char *r = report(f, 2025, KH_FOLLOWUP_JSON);
    assert_null(strstr(r, "\"talks\": [{"));
    free(r);
    int64_t id = 0;
    kh_err_clear(f->e);
    expect_ok(kh_store_followup_item_add(f->s, "admin", 2025, "xx", "整改",
                                         "2026-03-31", &id, f->e),
              f->e);
    assert_int_equal(kh_store_followup_item_close(f->s, "admin", id,
                                                  "2025-12-31", NULL, f->e),
                     KH_EINVAL);
    expect_msg(f->e, "date: \"2025-12-31\" is before rectification item",
               "was recorded (2026-01-01)");
    r = report(f, 2025, KH_FOLLOWUP_JSON);
    expect_in(r, "\"status\": \"open\"");
    assert_null(strstr(r, "\"status\": \"done\""));
    free(r);
    expect_ok(talk(f, 2025, "xx", "2026-01-01"), f->e);
    kh_err_clear(f->e);
    expect_ok(kh_store_followup_item_close(f->s, "admin", id, "2026-01-01",
                                           NULL, f->e),
              f->e);
}

/* A year published again with another bottom unit keeps the records of
 * the old one, marked as no longer bottom. */
static void test_republished(void **state)
{
    fx *f = *state;
    expect_ok(talk(f, 2025, "dbgs", "2025-12-29"), f->e);
    kh_err_clear(f->e);
    expect_ok(kh_store_year_reopen(f->s, "admin", 2025, "复核", NULL, f->e),
              f->e);
    /* dbgs gets full marks on 1.2 and overtakes zzb. */
    kh_input_kv kv = {"report", "on_time"};
    expect_ok(entry_set(f->s, "admin", 2025, "dbgs", "1.2",
                        KH_PHASE_INSPECTION, 1, &kv, NULL,
                        KH_VERSION_ANY, NULL, f->e),
              f->e);
    expect_ok(kh_store_year_advance(f->s, "admin", 2025, 0, NULL, NULL, f->e),
              f->e);
    bottoms b = {0};
    expect_ok(kh_store_bottom_each(f->s, 2025, collect_bottom, &b, f->e),
              f->e);
    assert_int_equal(b.n, 2);
    assert_non_null(strstr(b.rows[1], "zzb 组织部 office 2"));
    char *r = report(f, 2025, KH_FOLLOWUP_JSON);
    expect_in(r, "{\"unit\": \"zzb\", \"name\": \"组织部\", \"bottom\": true");
    expect_in(r, "{\"unit\": \"dbgs\", \"name\": \"党委办公室\", \"bottom\": "
                 "false, \"ranking\": null");
    expect_in(r, "\"bottom_units\": 2");
    free(r);
    r = report(f, 2025, KH_FOLLOWUP_TABLE);
    expect_in(r, "党委办公室（dbgs）：已不在后一位名单中");
    free(r);
    /* The old bottom unit takes no new records. */
    assert_int_equal(talk(f, 2025, "dbgs", "2025-12-30"), KH_EINVAL);
}

/* ---- good practices ------------------------------------------------ */

static void test_practices(void **state)
{
    fx *f = *state;
    int64_t id = 0;
    expect_ok(kh_store_practice_add(f->s, "admin", 2025, "jd",
                                     "思政课联系制度",
                                     "系领导每学期听课讲课，建立台账", &id,
                                     f->e),
              f->e);
    assert_true(id > 0);
    /* Any unit, not only the bottom ones. */
    expect_ok(kh_store_practice_add(f->s, "admin", 2025, "zzb", "理论学习",
                                    "\"学习强国\"全员达标", NULL, f->e),
              f->e);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_practice_add(f->s, "admin", 2025, "nosuch", "t",
                                           "x", NULL, f->e),
                     KH_EINVAL);
    expect_msg(f->e, "unit: unknown unit \"nosuch\" in year 2025", NULL);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_practice_add(f->s, "admin", 2025, "jd", "",
                                           "\t", NULL, f->e),
                     KH_EINVAL);
    assert_int_equal(kh_err_errors(f->e), 2);
    expect_msg(f->e, "title: must not be empty", NULL);
    expect_msg(f->e, "text: must not be empty", NULL);

    kh_buf b;
    kh_buf_init(&b, 0);
    expect_ok(kh_store_practice_report(f->s, 2025, KH_FOLLOWUP_JSON, &b, f->e),
              f->e);
    expect_in(kh_buf_str(&b),
              "\"unit\": \"jd\", \"name\": \"机电工程系\", \"title\": "
              "\"思政课联系制度\"");
    expect_in(kh_buf_str(&b), "\"text\": \"\\\"学习强国\\\"全员达标\"");
    /* jd (position 1) before zzb (position 4). */
    assert_true(strstr(kh_buf_str(&b), "\"jd\"") <
                strstr(kh_buf_str(&b), "\"zzb\""));
    kh_buf_reset(&b);
    expect_ok(kh_store_practice_report(f->s, 2025, KH_FOLLOWUP_TABLE, &b,
                                       f->e),
              f->e);
    expect_in(kh_buf_str(&b), "机电工程系（jd）：思政课联系制度");
    kh_buf_free(&b);

    /* Draft years take none. */
    fx_year(f, 2024, "mini-2025", ASSESS_2024, 0, KH_ADVANCE_ALLOW_MISSING);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_practice_add(f->s, "admin", 2024, "jd", "t",
                                           "x", NULL, f->e),
                     KH_ESTATE);
    expect_msg(f->e, "year 2024 is in state draft", NULL);
}

/* ---- the audit log ------------------------------------------------- */

typedef struct actions {
    char rows[16][96];
    size_t n;
} actions;

static kh_status collect_action(void *ctx, const kh_audit_row *r)
{
    actions *a = ctx;
    if (strncmp(r->rec.action, "followup.", 9) != 0 &&
        strncmp(r->rec.action, "practice.", 9) != 0)
        return KH_OK;
    if (a->n < 16)
        snprintf(a->rows[a->n], sizeof a->rows[0], "%s %d %s %s",
                 r->rec.action, r->rec.year, r->rec.unit ? r->rec.unit : "-",
                 r->rec.object ? r->rec.object : "-");
    a->n++;
    return KH_OK;
}

static int64_t last_audit_count(fx *f)
{
    actions a = {0};
    expect_ok(kh_store_audit_each(f->s, 2025, NULL, collect_action, &a, f->e),
              f->e);
    return (int64_t)a.n;
}

static void test_audit(void **state)
{
    fx *f = *state;
    int64_t id = 0;
    expect_ok(talk(f, 2025, "xx", "2025-12-29"), f->e);
    expect_ok(kh_store_followup_item_add(f->s, "admin", 2025, "xx", "整改",
                                         "2026-03-31", &id, f->e),
              f->e);
    expect_ok(kh_store_followup_item_close(f->s, "admin", id, "2026-03-01",
                                           NULL, f->e),
              f->e);
    expect_ok(kh_store_practice_add(f->s, "admin", 2025, "jd", "t", "x", NULL,
                                    f->e),
              f->e);
    actions a = {0};
    expect_ok(kh_store_audit_each(f->s, 2025, NULL, collect_action, &a, f->e),
              f->e);
    assert_int_equal(a.n, 4);
    assert_string_equal(a.rows[0], "followup.talk 2025 xx talk 1");
    assert_string_equal(a.rows[1], "followup.item 2025 xx item 1");
    assert_string_equal(a.rows[2], "followup.close 2025 xx item 1");
    assert_string_equal(a.rows[3], "practice.add 2025 jd practice 1");
    int64_t n = 0;
    expect_ok(kh_store_audit_verify(f->s, &n, f->e), f->e);
    assert_true(n > 4);
}

/* Deadline colours: the deadline day itself is not late (yellow);
 * more than KH_FOLLOWUP_GREEN_DAYS days left is green. */
static void test_colours(void **state)
{
    (void)state;
    const char *today = "2026-01-01";
    assert_int_equal(kh_followup_colour_of("2025-12-31", today, false),
                     KH_FOLLOWUP_RED);
    assert_int_equal(kh_followup_colour_of("2026-01-01", today, false),
                     KH_FOLLOWUP_YELLOW);
    assert_int_equal(kh_followup_colour_of("2026-01-11", today, false),
                     KH_FOLLOWUP_YELLOW);            /* 10 days */
    assert_int_equal(kh_followup_colour_of("2026-01-21", today, false),
                     KH_FOLLOWUP_YELLOW);            /* 20 days */
    assert_int_equal(kh_followup_colour_of("2026-01-22", today, false),
                     KH_FOLLOWUP_GREEN);             /* 21 days */
    assert_int_equal(kh_followup_colour_of("2025-01-01", today, true),
                     KH_FOLLOWUP_GREY);
    /* Across a leap day and a year end. */
    assert_int_equal(kh_date_days_between("2028-02-28", "2028-03-01"), 2);
    assert_int_equal(kh_date_days_between("2025-12-31", "2026-01-01"), 1);
    assert_string_equal(kh_followup_colour_name(KH_FOLLOWUP_RED), "red");
    assert_string_equal(kh_followup_colour_label(KH_FOLLOWUP_GREY),
                        "closed");
}

/* Items are listed most urgent first: red, yellow, green, then grey. */
static void test_item_order(void **state)
{
    fx *f = *state;
    const char *dl[] = {"2026-06-30", "2026-01-05", "2025-12-20",
                        "2026-01-15"};
    int64_t ids[4];
    for (int i = 0; i < 4; i++)
        expect_ok(kh_store_followup_item_add(f->s, "admin", 2025, "xx", "x",
                                             dl[i], &ids[i], f->e),
                  f->e);
    expect_ok(kh_store_followup_item_close(f->s, "admin", ids[2],
                                           "2026-01-01", NULL, f->e),
              f->e);
    kh_buf b;
    kh_buf_init(&b, 0);
    expect_ok(kh_store_followup_unit_json(f->s, 2025, "xx", &b, f->e), f->e);
    const char *j = kh_buf_str(&b);
    const char *y1 = strstr(j, "\"deadline\": \"2026-01-05\"");
    const char *y2 = strstr(j, "\"deadline\": \"2026-01-15\"");
    const char *g = strstr(j, "\"deadline\": \"2026-06-30\"");
    const char *grey = strstr(j, "\"deadline\": \"2025-12-20\"");
    assert_non_null(y1);
    assert_true(y1 < y2 && y2 < g && g < grey);
    expect_in(j, "\"colour\": \"grey\"");
    expect_in(j, "\"colour\": \"green\", \"days_left\": 180");
    kh_buf_free(&b);
}

static int64_t last_audit_count(fx *f);

/* The loop: a report, a second one refused while it waits, another
 * unit's item refused, a return without a reason refused, a return, a
 * new report, acceptance closing the item; nothing more after it. */
static void test_reports(void **state)
{
    fx *f = *state;
    int64_t item = 0, other = 0, r1 = 0, r2 = 0;
    expect_ok(kh_store_followup_item_add(f->s, "admin", 2025, "xx", "整改",
                                         "2026-03-31", &item, f->e),
              f->e);
    expect_ok(kh_store_followup_item_add(f->s, "admin", 2025, "dbgs", "整改",
                                         "2026-03-31", &other, f->e),
              f->e);
    /* Bad values: located, nothing written. */
    int64_t before = last_audit_count(f);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_followup_report_add(f->s, "xx", 2025, "xx",
                                                  item, " \n", NULL, NULL,
                                                  f->e),
                     KH_EINVAL);
    expect_msg(f->e, "text: must not be empty", NULL);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_followup_report_add(f->s, "xx", 2025, "xx",
                                                  item, "ok", "00ff", NULL,
                                                  f->e),
                     KH_EINVAL);
    expect_msg(f->e, "evidence: no evidence with hash", NULL);
    /* Another unit's item is not found, whatever it is. */
    kh_err_clear(f->e);
    assert_int_equal(kh_store_followup_report_add(f->s, "xx", 2025, "xx",
                                                  other, "ok", NULL, NULL,
                                                  f->e),
                     KH_ENOTFOUND);
    expect_msg(f->e, "item: no rectification item", NULL);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_followup_report_add(f->s, "xx", 2024, "xx",
                                                  item, "ok", NULL, NULL,
                                                  f->e),
                     KH_ENOTFOUND);
    assert_int_equal(last_audit_count(f), before);

    kh_err_clear(f->e);
    expect_ok(kh_store_followup_report_add(f->s, "xx", 2025, "xx", item,
                                           "已完成整改", NULL, &r1, f->e),
              f->e);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_followup_report_add(f->s, "xx", 2025, "xx",
                                                  item, "again", NULL, NULL,
                                                  f->e),
                     KH_ESTATE);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_followup_report_decide(f->s, "admin", 2025, r1,
                                                     false, "", f->e),
                     KH_EINVAL);
    expect_msg(f->e, "reason: must not be empty", NULL);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_followup_report_decide(f->s, "admin", 2025,
                                                     r1 + 100, true, NULL,
                                                     f->e),
                     KH_ENOTFOUND);
    kh_err_clear(f->e);
    expect_ok(kh_store_followup_report_decide(f->s, "admin", 2025, r1, false,
                                              "缺少佐证材料", f->e),
              f->e);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_followup_report_decide(f->s, "admin", 2025, r1,
                                                     true, NULL, f->e),
                     KH_ESTATE);
    kh_err_clear(f->e);
    expect_ok(kh_store_followup_report_add(f->s, "xx", 2025, "xx", item,
                                           "补充材料后再报", NULL, &r2, f->e),
              f->e);
    expect_ok(kh_store_followup_report_decide(f->s, "admin", 2025, r2, true,
                                              NULL, f->e),
              f->e);
    kh_buf b;
    kh_buf_init(&b, 0);
    expect_ok(kh_store_followup_unit_json(f->s, 2025, "xx", &b, f->e), f->e);
    expect_in(kh_buf_str(&b), "\"status\": \"done\"");
    expect_in(kh_buf_str(&b), "\"status\": \"returned\", \"reason\": "
                              "\"缺少佐证材料\"");
    expect_in(kh_buf_str(&b), "\"status\": \"accepted\", \"reason\": null");
    kh_buf_free(&b);
    /* Closed: no more reports. */
    kh_err_clear(f->e);
    assert_int_equal(kh_store_followup_report_add(f->s, "xx", 2025, "xx",
                                                  item, "x", NULL, NULL,
                                                  f->e),
                     KH_ESTATE);
    assert_int_equal(last_audit_count(f), before + 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_colours),
        cmocka_unit_test_setup_teardown(test_item_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reports, setup, teardown),
        cmocka_unit_test(test_dates),
        cmocka_unit_test_setup_teardown(test_bottom_units, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dates_against_today, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_talks_items, setup, teardown),
        cmocka_unit_test_setup_teardown(test_closed_year_and_evidence, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_republished, setup, teardown),
        cmocka_unit_test_setup_teardown(test_practices, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
