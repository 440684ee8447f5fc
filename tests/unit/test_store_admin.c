/* Unit tests: the store side of the administration (issue 11 items 4-6):
 * one unit added and renamed in draft (refusals located by field, nothing
 * written, audited as unit.add/unit.change and proven by the replay),
 * reopening inspection -> self_check, the assignment grid saved as a
 * whole (inspectors not listed keep their units; one bad set changes
 * nothing), a unit's latest name.  Data: tests/store/data/ (run from the
 * repository root); the .pg variant runs the same on PostgreSQL. */
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
#include "kaohe/store_users.h"
#include "store_impl.h"
#include "store_fixture.h"

#define RUBRIC "tests/store/data/mini-rubric.yaml"
#define ASSESS "tests/store/data/mini-2025.yaml"

/* A store with the mini rubric, year 2025 in draft with the mini
 * assessment's units, and two inspectors. */
static kh_store *setup_store(void)
{
    kh_err *e = kh_err_new();
    kh_store *s = NULL;
    char buf[512];
    expect_ok(kh_store_open(test_target(":memory:", buf, sizeof buf),
                            KH_STORE_CREATE, e, &s), e);
    kh_store_set_time(s, 1767225600);
    size_t len;
    char *d = fx_slurp(RUBRIC, &len);
    expect_ok(kh_store_rubric_import(s, "t", RUBRIC, d, len, e, NULL, NULL),
              e);
    free(d);
    expect_ok(kh_store_year_open(s, "t", 2025, "mini-2025", e), e);
    d = fx_slurp(ASSESS, &len);
    expect_ok(kh_store_import_assessment(s, "t", 0, ASSESS, d, len, e, NULL),
              e);
    free(d);
    expect_ok(kh_store_user_add(s, "t", "insp1", KH_ROLE_INSPECTOR, NULL,
                                "password123", e), e);
    expect_ok(kh_store_user_add(s, "t", "insp2", KH_ROLE_INSPECTOR, NULL,
                                "password123", e), e);
    kh_err_free(e);
    return s;
}

static int64_t audit_count(kh_store *s)
{
    kh_err *e = kh_err_new();
    int64_t n = 0;
    expect_ok(kh_store_change_seq(s, &n, e), e);
    kh_err_free(e);
    return n;
}

static kh_status list_cb(void *ctx, const kh_unit_row *u)
{
    kh_buf_printf(ctx, "%s=%s/%s/%s;", u->id, u->name, u->kind, u->branch);
    return KH_OK;
}

static char *units_text(kh_store *s)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_err *e = kh_err_new();
    expect_ok(kh_store_unit_each(s, 2025, list_cb, &b, e), e);
    kh_err_free(e);
    return kh_buf_take(&b, NULL);
}

/* A refused call: the status, the message at its field, nothing written. */
static void refused(kh_store *s, kh_status want, kh_status got, kh_err *e,
                    const char *path, const char *text, const char *before,
                    int64_t seq)
{
    assert_int_equal(got, want);
    const kh_msg *m = kh_err_get(e, 0);
    assert_non_null(m);
    if (path) {
        assert_non_null(m->path);
        assert_string_equal(m->path, path);
    }
    expect_msg(e, text, NULL);
    char *after = units_text(s);
    assert_string_equal(after, before);
    free(after);
    assert_int_equal(audit_count(s), seq);
    kh_err_clear(e);
}

static void test_unit_add(void **state)
{
    (void)state;
    kh_store *s = setup_store();
    kh_err *e = kh_err_new();
    kh_unit_add u = {"tw", "团委", "处室", "admin"};
    expect_ok(kh_store_unit_add(s, "admin1", 2025, &u, e), e);
    char *before = units_text(s);
    assert_non_null(strstr(before, "tw=团委/office/admin;"));
    int64_t seq = audit_count(s);
    kh_unit_add own = {"gh", "工会", "office", ""};
    expect_ok(kh_store_unit_add(s, "admin1", 2025, &own, e), e);
    char *two = units_text(s);
    assert_non_null(strstr(two, "gh=工会/office/gh;"));
    assert_int_equal(audit_count(s), seq + 1);
    free(two);
    /* back to the list without gh for the refusals below */
    expect_ok(kh_store_unit_rename(s, "admin1", 2025, "gh", "工会委员会", e),
              e);
    free(before);
    before = units_text(s);
    seq = audit_count(s);
    kh_unit_add bad[] = {
        {"jd", "新系", "faculty", NULL},          /* id taken */
        {"b d", "新系", "faculty", NULL},         /* bad id */
        {"nn", "组织部", "office", NULL},         /* name taken */
        {"nn", "", "office", NULL},               /* empty name */
        {"nn", "新系", "学院", NULL},             /* unknown kind */
        {"nn", "新系", "faculty", "nobranch"},    /* unknown branch */
        {"nn", "a\tb", "faculty", NULL},          /* control character */
    };
    const char *path[] = {"id", "id", "name", "name", "kind", "branch", "name"};
    const char *text[] = {"already", "invalid unit id", "is named",
                          "empty unit name", "unknown kind", "unknown branch",
                          "control"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        refused(s, KH_EINVAL, kh_store_unit_add(s, "admin1", 2025, &bad[i], e),
                e, path[i], text[i], before, seq);
    free(before);
    kh_err_free(e);
    kh_store_close(s);
}

static void test_unit_rename(void **state)
{
    (void)state;
    kh_store *s = setup_store();
    kh_err *e = kh_err_new();
    expect_ok(kh_store_unit_rename(s, "admin1", 2025, "jd", "机电系", e), e);
    char *name = NULL;
    expect_ok(kh_store_unit_name(s, "jd", &name, e), e);
    assert_string_equal(name, "机电系");
    free(name);
    assert_int_equal(kh_store_unit_name(s, "nosuch", &name, e), KH_ENOTFOUND);
    assert_null(name);
    char *before = units_text(s);
    int64_t seq = audit_count(s);
    refused(s, KH_EINVAL, kh_store_unit_rename(s, "a", 2025, "nn", "x", e), e,
            "id", "no unit", before, seq);
    refused(s, KH_EINVAL, kh_store_unit_rename(s, "a", 2025, "xx", "机电系", e),
            e, "name", "is named", before, seq);
    refused(s, KH_EINVAL, kh_store_unit_rename(s, "a", 2025, "jd", "机电系", e),
            e, "name", "already", before, seq);
    kh_year_state now;
    expect_ok(kh_store_year_advance(s, "a", 2025, 0, NULL, &now, e), e);
    refused(s, KH_ESTATE, kh_store_unit_rename(s, "a", 2025, "jd", "x", e), e,
            NULL, "needs state draft", before, seq + 1);
    kh_unit_add u = {"tw", "团委", "office", NULL};
    refused(s, KH_ESTATE, kh_store_unit_add(s, "a", 2025, &u, e), e, NULL,
            "needs state draft", before, seq + 1);
    free(before);
    kh_err_free(e);
    kh_store_close(s);
}

static void test_reopen_inspection(void **state)
{
    (void)state;
    kh_store *s = setup_store();
    kh_err *e = kh_err_new();
    kh_year_state now;
    expect_ok(kh_store_year_advance(s, "a", 2025, 0, NULL, &now, e), e);
    assert_int_equal(kh_store_year_reopen(s, "a", 2025, "x", &now, e),
                     KH_ESTATE);   /* self_check does not reopen */
    kh_err_clear(e);
    expect_ok(kh_store_year_advance(s, "a", 2025, 0, NULL, &now, e), e);
    assert_int_equal(now, KH_YEAR_INSPECTION);
    assert_int_equal(kh_store_year_reopen(s, "a", 2025, "", &now, e),
                     KH_EINVAL);
    kh_err_clear(e);
    expect_ok(kh_store_year_reopen(s, "a", 2025, "补充自查", &now, e), e);
    assert_int_equal(now, KH_YEAR_SELF_CHECK);
    kh_year_state st;
    expect_ok(kh_store_year_state(s, 2025, &st, e), e);
    assert_int_equal(st, KH_YEAR_SELF_CHECK);
    kh_err_free(e);
    kh_store_close(s);
}

static kh_status assign_cb(void *ctx, const kh_assign_row *a)
{
    kh_buf_printf(ctx, "%s:%s;", a->user, a->unit);
    return KH_OK;
}

static char *assigned(kh_store *s)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_buf_puts(&b, "");
    kh_err *e = kh_err_new();
    expect_ok(kh_store_assign_each(s, NULL, 2025, assign_cb, &b, e), e);
    kh_err_free(e);
    return kh_buf_take(&b, NULL);
}

static void test_assign_grid(void **state)
{
    (void)state;
    kh_store *s = setup_store();
    kh_err *e = kh_err_new();
    const char *u1[] = {"jd", "xx"}, *u2[] = {"jd"};
    kh_assign_set both[] = {{"insp1", 2, u1}, {"insp2", 1, u2}};
    expect_ok(kh_store_assign_grid(s, "admin1", 2025, 2, both, e), e);
    char *a = assigned(s);
    assert_string_equal(a, "insp1:jd;insp1:xx;insp2:jd;");
    free(a);
    /* insp2 alone: insp1 keeps jd and xx (the bug of the old form) */
    const char *u3[] = {"zzb"};
    kh_assign_set one[] = {{"insp2", 1, u3}};
    expect_ok(kh_store_assign_grid(s, "admin1", 2025, 1, one, e), e);
    a = assigned(s);
    assert_string_equal(a, "insp1:jd;insp1:xx;insp2:zzb;");
    int64_t seq = audit_count(s);
    /* one bad set: nothing changes */
    const char *bad[] = {"nosuch"}, *none[] = {NULL};
    kh_assign_set mixed[] = {{"insp1", 0, none}, {"insp2", 1, bad}};
    assert_int_equal(kh_store_assign_grid(s, "admin1", 2025, 2, mixed, e),
                     KH_EINVAL);
    expect_msg(e, "nosuch", NULL);
    kh_err_clear(e);
    char *b = assigned(s);
    assert_string_equal(a, b);
    free(b);
    assert_int_equal(audit_count(s), seq);
    free(a);
    kh_err_free(e);
    kh_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unit_add),
        cmocka_unit_test(test_unit_rename),
        cmocka_unit_test(test_reopen_inspection),
        cmocka_unit_test(test_assign_grid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
