/* Unit tests: the year on a schedule (lib/store/store_schedule.c,
 * store_inbox.c) - dates checked and audited, the self-check submission
 * refused with the missing items, the lock on self entries until a
 * return, the return's inbox message for the unit's users only, the
 * derived reminders (3 days / 1 day / passed, on China days, once each)
 * and the progress rows.  Both engines (test_target).
 * Data: tests/store/data/mini-*.yaml (run from the repository root). */
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
#include "kaohe/store_followup.h"
#include "kaohe/store_inbox.h"
#include "kaohe/store_schedule.h"
#include "kaohe/store_users.h"
#include "store_fixture.h"

#define RUBRIC "tests/store/data/mini-rubric.yaml"
#define ASSESS "tests/store/data/mini-2025.yaml"

/* 2026-01-01T00:00:00Z: 08:00 on 2026-01-01 in Beijing */
#define NEW_YEAR 1767225600
#define DAY 86400

/* 2025 in self_check; admin1, jd1 (unit jd), xx1 (unit xx). */
static int setup(void **state)
{
    fx *f = fx_open("kh_sc", NEW_YEAR);
    if (!f)
        return -1;
    fx_rubric(f, RUBRIC);
    fx_year(f, 2025, "mini-2025", ASSESS, 1, 0);
    expect_ok(kh_store_user_add(f->s, "admin", "admin1", KH_ROLE_ADMIN, NULL,
                                "password123", f->e), f->e);
    expect_ok(kh_store_user_add(f->s, "admin", "jd1", KH_ROLE_UNIT, "jd",
                                "password123", f->e), f->e);
    expect_ok(kh_store_user_add(f->s, "admin", "xx1", KH_ROLE_UNIT, "xx",
                                "password123", f->e), f->e);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx_close(*state);
    return 0;
}

static kh_year_dates dates(const char *a, const char *b, const char *c,
                           const char *d, const char *p)
{
    kh_year_dates x;
    memset(&x, 0, sizeof x);
    const char *v[] = {a, b, c, d, p};
    for (int i = 0; i < KH_SCHED_DATES; i++)
        snprintf(x.d[i], KH_CNDAY_SZ, "%s", v[i]);
    return x;
}

static int64_t audit_count(fx *f, const char *action);

typedef struct count_ctx {
    const char *action;
    int64_t n;
} count_ctx;

static kh_status count_cb(void *ctx, const kh_audit_row *row)
{
    count_ctx *c = ctx;
    c->n += strcmp(row->rec.action, c->action) == 0;
    return KH_OK;
}

static int64_t audit_count(fx *f, const char *action)
{
    count_ctx c = {action, 0};
    expect_ok(kh_store_audit_each(f->s, 0, NULL, count_cb, &c, f->e), f->e);
    return c.n;
}

static void test_dates(void **state)
{
    fx *f = *state;
    kh_year_dates got;
    assert_int_equal(kh_store_dates_get(f->s, 2025, &got, f->e),
                     KH_ENOTFOUND);
    kh_year_dates bad = dates("2026-02-29", "2026-1-05", "2026-01-20",
                              "2026-01-19", "2026-02-10");
    assert_int_equal(kh_store_dates_set(f->s, "admin1", 2025, &bad, f->e),
                     KH_EINVAL);
    expect_msg(f->e, "selfcheck_due", "not a real date");
    expect_msg(f->e, "inspect_from", "YYYY-MM-DD");
    expect_msg(f->e, "review_due", "is before");
    assert_int_equal(kh_store_dates_get(f->s, 2025, &got, f->e),
                     KH_ENOTFOUND);
    assert_int_equal(audit_count(f, "year.dates"), 0);
    kh_err_clear(f->e);
    kh_year_dates ok = dates("2026-01-04", "2026-01-05", "2026-01-20",
                             "2026-02-01", "2026-02-10");
    expect_ok(kh_store_dates_set(f->s, "admin1", 2025, &ok, f->e), f->e);
    expect_ok(kh_store_dates_get(f->s, 2025, &got, f->e), f->e);
    assert_string_equal(got.d[KH_DATE_REVIEW_DUE], "2026-02-01");
    assert_int_equal(audit_count(f, "year.dates"), 1);
    /* the same day twice is in order */
    kh_year_dates same = dates("2026-01-05", "2026-01-05", "2026-01-05",
                               "2026-01-05", "2026-01-05");
    expect_ok(kh_store_dates_set(f->s, "admin1", 2025, &same, f->e), f->e);
    assert_int_equal(kh_store_dates_set(f->s, "admin1", 2031, &same, f->e),
                     KH_ENOTFOUND);
}

static kh_status entry(fx *f, const char *unit, const char *value)
{
    kh_input_kv kv[] = {{"meetings", value}};
    kh_entry_write w = {"jd1", 2025, unit, "1.3", KH_PHASE_SELF, 1, kv, NULL,
                        -1};
    return kh_store_entry_set(f->s, &w, NULL, f->e);
}

typedef struct box {
    size_t n, unread;
    char last[512];
    int64_t id;
} box;

static kh_status box_cb(void *ctx, const kh_inbox_row *row)
{
    box *b = ctx;
    if (b->n++ == 0) {
        snprintf(b->last, sizeof b->last, "%s", row->body);
        b->id = row->id;
    }
    b->unread += !row->read;
    return KH_OK;
}

static box inbox(fx *f, const char *user)
{
    box b = {0};
    expect_ok(kh_store_inbox_each(f->s, user, box_cb, &b, f->e), f->e);
    return b;
}

static void test_submit_lock_return(void **state)
{
    fx *f = *state;
    /* xx has no self entries: every applicable item is listed */
    assert_int_equal(kh_store_selfcheck_submit(f->s, "xx1", 2025, "xx", "报告",
                                               NULL, f->e),
                     KH_EINVAL);
    expect_msg(f->e, "items", "1.4");
    expect_msg(f->e, "items", "2.2");
    assert_int_equal(kh_err_errors(f->e), 6);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_selfcheck_submit(f->s, "jd1", 2025, "jd", " \n",
                                               NULL, f->e),
                     KH_EINVAL);
    expect_msg(f->e, "report", "empty");
    kh_err_clear(f->e);
    assert_int_equal(kh_store_selfcheck_return(f->s, "admin1", 2025, "jd",
                                               "理由", f->e),
                     KH_ECONFLICT);
    kh_err_clear(f->e);
    expect_ok(kh_store_selfcheck_submit(f->s, "jd1", 2025, "jd", "自查报告",
                                        NULL, f->e), f->e);
    bool locked = false;
    expect_ok(kh_store_selfcheck_locked(f->s, 2025, "jd", &locked, f->e),
              f->e);
    assert_true(locked);
    assert_int_equal(entry(f, "jd", "1"), KH_ECONFLICT);
    expect_msg(f->e, "selfcheck", "机电工程系");
    kh_err_clear(f->e);
    expect_ok(entry(f, "xx", "1"), f->e);   /* another unit is not locked */
    assert_int_equal(kh_store_selfcheck_submit(f->s, "jd1", 2025, "jd", "再次",
                                               NULL, f->e),
                     KH_ECONFLICT);
    kh_err_clear(f->e);
    /* the return: a reason, the unit's users told, unlocked */
    assert_int_equal(kh_store_selfcheck_return(f->s, "admin1", 2025, "jd", "",
                                               f->e),
                     KH_EINVAL);
    kh_err_clear(f->e);
    assert_int_equal(inbox(f, "jd1").n, 0);
    expect_ok(kh_store_selfcheck_return(f->s, "admin1", 2025, "jd",
                                        "缺少会议记录", f->e), f->e);
    box b = inbox(f, "jd1");
    assert_int_equal(b.n, 1);
    assert_non_null(strstr(b.last, "缺少会议记录"));
    assert_int_equal(inbox(f, "xx1").n, 0);
    assert_int_equal(inbox(f, "admin1").n, 0);
    expect_ok(entry(f, "jd", "2"), f->e);
    assert_int_equal(audit_count(f, "selfcheck.submit"), 1);
    assert_int_equal(audit_count(f, "selfcheck.return"), 1);
    /* marking read: one's own only */
    int64_t n = -1;
    expect_ok(kh_store_inbox_unread(f->s, "jd1", &n, f->e), f->e);
    assert_int_equal(n, 1);
    assert_int_equal(kh_store_inbox_mark_read(f->s, "xx1", b.id, f->e),
                     KH_ENOTFOUND);
    expect_ok(kh_store_inbox_mark_read(f->s, "jd1", b.id, f->e), f->e);
    expect_ok(kh_store_inbox_unread(f->s, "jd1", &n, f->e), f->e);
    assert_int_equal(n, 0);
}

static size_t remind(fx *f, int64_t t)
{
    size_t made = 99;
    kh_store_set_time(f->s, t);
    expect_ok(kh_store_remind(f->s, &made, f->e), f->e);
    return made;
}

/* Due 2026-01-04 (China day): 3 days before, 1 day, passed - for the two
 * unit users whose units have not submitted, each step once. */
static void test_reminders(void **state)
{
    fx *f = *state;
    kh_year_dates d = dates("2026-01-04", "2026-01-05", "2026-01-20",
                            "2026-02-01", "2026-02-10");
    expect_ok(kh_store_dates_set(f->s, "admin1", 2025, &d, f->e), f->e);
    assert_int_equal(remind(f, NEW_YEAR - 2 * DAY), 0);   /* 5 days left */
    assert_int_equal(remind(f, NEW_YEAR), 2);             /* 3 days */
    assert_int_equal(remind(f, NEW_YEAR), 0);             /* once */
    assert_int_equal(remind(f, NEW_YEAR + DAY), 0);       /* 2 days */
    assert_int_equal(remind(f, NEW_YEAR + 2 * DAY), 2);   /* 1 day */
    /* 23:59:59 in Beijing on the due day: still the "1 day" step */
    assert_int_equal(remind(f, NEW_YEAR + 3 * DAY + 16 * 3600 - 1), 0);
    assert_int_equal(remind(f, NEW_YEAR + 3 * DAY + 16 * 3600), 2);
    assert_int_equal(inbox(f, "jd1").n, 3);
    /* Chinese when the catalogue is installed, else the msgid */
    box b = inbox(f, "jd1");
    assert_true(strstr(b.last, "已过") || strstr(b.last, "has passed"));
    assert_int_equal(inbox(f, "admin1").n, 0);
}

static void test_submitted_not_reminded(void **state)
{
    fx *f = *state;
    kh_year_dates d = dates("2026-01-04", "2026-01-05", "2026-01-20",
                            "2026-02-01", "2026-02-10");
    expect_ok(kh_store_dates_set(f->s, "admin1", 2025, &d, f->e), f->e);
    expect_ok(kh_store_selfcheck_submit(f->s, "jd1", 2025, "jd", "报告", NULL,
                                        f->e), f->e);
    assert_int_equal(remind(f, NEW_YEAR), 1);
    assert_int_equal(inbox(f, "jd1").n, 0);
    assert_int_equal(inbox(f, "xx1").n, 1);
}

typedef struct rows {
    kh_unit_progress v[8];
    char units[8][16];
    size_t n;
} rows;

static kh_status rows_cb(void *ctx, const kh_unit_progress *p)
{
    rows *r = ctx;
    if (r->n < 8) {
        r->v[r->n] = *p;
        snprintf(r->units[r->n], sizeof r->units[0], "%s", p->unit);
        r->v[r->n].unit = r->units[r->n];
        r->v[r->n].name = r->v[r->n].reason = r->v[r->n].submitted_at = NULL;
    }
    r->n++;
    return KH_OK;
}

static void test_progress(void **state)
{
    fx *f = *state;
    kh_year_dates d = dates("2025-12-30", "2026-01-05", "2026-01-20",
                            "2026-02-01", "2026-02-10");
    expect_ok(kh_store_dates_set(f->s, "admin1", 2025, &d, f->e), f->e);
    rows r = {0};
    expect_ok(kh_store_progress_each(f->s, 2025, NULL, 0, rows_cb, &r, f->e),
              f->e);
    assert_int_equal(r.n, 4);
    assert_string_equal(r.units[0], "jd");
    assert_int_equal(r.v[0].applicable, 6);
    assert_int_equal(r.v[0].filled, 6);
    assert_int_equal(r.v[0].scored, 6);
    assert_int_equal(r.v[2].applicable, 5);   /* dbgs: 1.4 is faculty only */
    assert_int_equal(r.v[1].filled, 0);
    assert_int_equal(r.v[1].days_late, 2);    /* 01-01 vs due 12-30 */
    /* submitted late: late by the day it was submitted, no further */
    expect_ok(kh_store_selfcheck_submit(f->s, "jd1", 2025, "jd", "报告", NULL,
                                        f->e), f->e);
    kh_store_set_time(f->s, NEW_YEAR + 5 * DAY);
    const char *only[] = {"jd", "zzb"};
    memset(&r, 0, sizeof r);
    expect_ok(kh_store_progress_each(f->s, 2025, only, 2, rows_cb, &r, f->e),
              f->e);
    assert_int_equal(r.n, 2);
    assert_true(r.v[0].submitted);
    assert_int_equal(r.v[0].days_late, 2);
    assert_string_equal(r.units[1], "zzb");
    assert_int_equal(r.v[1].days_late, 7);
}

/* Published: every user of the year told once; xx (a bottom unit) told
 * of its rectification item 2 days before the deadline, then overdue. */
static void test_published_and_rectification(void **state)
{
    fx *f = *state;
    for (int i = 0; i < 3; i++)
        expect_ok(kh_store_year_advance(f->s, "admin", 2025,
                                        KH_ADVANCE_ALLOW_MISSING, NULL, NULL,
                                        f->e), f->e);
    int64_t id = 0;
    expect_ok(kh_store_followup_item_add(f->s, "admin1", 2025, "xx",
                                         "完善学习制度", "2026-01-03", &id,
                                         f->e), f->e);
    assert_int_equal(remind(f, NEW_YEAR), 4);   /* 3 published + xx1 due */
    assert_int_equal(remind(f, NEW_YEAR), 0);
    box b = inbox(f, "xx1");
    assert_int_equal(b.n, 2);
    assert_non_null(strstr(b.last, "完善学习制度"));
    assert_int_equal(inbox(f, "jd1").n, 1);
    assert_int_equal(remind(f, NEW_YEAR + 2 * DAY), 0);   /* due today */
    assert_int_equal(remind(f, NEW_YEAR + 3 * DAY), 1);   /* overdue */
    assert_int_equal(inbox(f, "jd1").n, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_dates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_submit_lock_return, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_reminders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_submitted_not_reminded, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_progress, setup, teardown),
        cmocka_unit_test_setup_teardown(test_published_and_rectification,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
