/* Unit tests: the on-site inspection (issue 13 sections 1-3) - the team
 * of a visit must be the year's inspectors, an interview's interviewer
 * and recorder are two people of the team, an interview ends after it
 * starts, findings name an item of the unit, refused writes leave
 * nothing, and a read of interviewees' names is audited.
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
#include "kaohe/store_onsite.h"
#include "kaohe/store_users.h"
#include "store_fixture.h"

#define RUBRIC "tests/store/data/mini-rubric.yaml"
#define ASSESS "tests/store/data/mini-2025.yaml"

static void add_user(fx *f, const char *name, kh_role role)
{
    expect_ok(kh_store_user_add(f->s, "admin", name, role, NULL,
                                "password 12", f->e),
              f->e);
}

/* 2025 in draft with units jd, xx, dbgs, zzb; inspectors li and zhao
 * assigned in 2025, sun an inspector without assignment, boss an admin. */
static int setup(void **state)
{
    fx *f = fx_open_memory(1767225600);
    if (!f)
        return -1;
    fx_rubric(f, RUBRIC);
    fx_year(f, 2025, "mini-2025", ASSESS, 0, 0);
    add_user(f, "li", KH_ROLE_INSPECTOR);
    add_user(f, "zhao", KH_ROLE_INSPECTOR);
    add_user(f, "sun", KH_ROLE_INSPECTOR);
    add_user(f, "boss", KH_ROLE_ADMIN);
    const char *jd[] = {"jd"};
    expect_ok(kh_store_user_assign(f->s, "admin", "li", 2025, 1, jd, false,
                                   f->e), f->e);
    expect_ok(kh_store_user_assign(f->s, "admin", "zhao", 2025, 1, jd, false,
                                   f->e), f->e);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx_close(*state);
    return 0;
}

static kh_status count_visit(void *ctx, const kh_visit_row *r)
{
    (void)r;
    (*(size_t *)ctx)++;
    return KH_OK;
}

static size_t visits(fx *f, const char *inspector)
{
    size_t n = 0;
    expect_ok(kh_store_visit_each(f->s, 2025, inspector, NULL, 0, count_visit,
                                  &n, f->e),
              f->e);
    return n;
}

static kh_status plan(fx *f, const char *lead, const char *member)
{
    const char *m[] = {member};
    kh_visit_spec v = {.year = 2025, .unit = "jd", .at = "2025-12-10 09:00",
                       .place = "机电楼", .lead = lead,
                       .members = m, .nmembers = member ? 1 : 0,
                       .set_members = true,
                       .planned = KH_METHOD_SYMPOSIUM | KH_METHOD_INTERVIEW};
    kh_err_clear(f->e);
    return kh_store_visit_add(f->s, "admin", &v, NULL, f->e);
}

static void test_values(void **state)
{
    (void)state;
    kh_err *e = kh_err_new();
    unsigned bits = 0;
    assert_int_equal(kh_methods_parse("symposium,问卷", "m", &bits, e), KH_OK);
    assert_int_equal(bits, KH_METHOD_SYMPOSIUM | KH_METHOD_QUESTIONNAIRE);
    assert_int_equal(kh_methods_parse("symposium,,x", "m", &bits, e),
                     KH_EINVAL);
    assert_int_equal(kh_onsite_time_check("2025-12-10 09:00", "at", e), KH_OK);
    assert_int_equal(kh_onsite_time_check("2025-12-10 24:00", "at", e),
                     KH_EINVAL);
    assert_int_equal(kh_onsite_time_check("2025-02-29 09:00", "at", e),
                     KH_EINVAL);
    assert_int_equal(kh_onsite_time_check("2025-12-10T09:00", "at", e),
                     KH_EINVAL);
    expect_msg(e, "at: ", "is not a real date");
    kh_err_free(e);
}

static void test_team(void **state)
{
    fx *f = *state;
    /* An inspector with no unit this year, an admin, the lead twice. */
    assert_int_equal(plan(f, "sun", NULL), KH_EINVAL);
    expect_msg(f->e, "lead: ", "sun");
    assert_int_equal(plan(f, "li", "boss"), KH_EINVAL);
    expect_msg(f->e, "members[0]: ", "boss");
    assert_int_equal(plan(f, "li", "li"), KH_EINVAL);
    expect_msg(f->e, "members", "the lead");
    assert_int_equal(visits(f, NULL), 0);
    assert_int_equal(plan(f, "li", "zhao"), KH_OK);
    assert_int_equal(visits(f, "zhao"), 1);
    assert_int_equal(visits(f, "sun"), 0);
    assert_int_equal(plan(f, "zhao", NULL), KH_ECONFLICT);
    assert_int_equal(visits(f, NULL), 1);
}

static kh_status interview(fx *f, const char *who, const char *rec,
                           const char *start, const char *end)
{
    kh_interview_spec sp = {.visit = 1, .category = "支部书记",
                            .name = "王五", .interviewer = who,
                            .recorder = rec, .starts = start, .ends = end,
                            .place = "办公室", .summary = "谈支部工作"};
    kh_err_clear(f->e);
    return kh_store_interview_add(f->s, "li", &sp, NULL, f->e);
}

/* The visit's report as a reader sees it (malloc'd). */
static char *report(fx *f, kh_onsite_reader who)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_err_clear(f->e);
    expect_ok(kh_store_onsite_report(f->s, "reader", 1, who, &b, f->e), f->e);
    size_t len;
    char *t = kh_buf_take(&b, &len);
    return t ? t : strdup("");
}

static void to_inspection(fx *f)
{
    for (int i = 0; i < 2; i++)
        expect_ok(kh_store_year_advance(f->s, "admin", 2025,
                                        KH_ADVANCE_ALLOW_MISSING, NULL, NULL,
                                        f->e),
                  f->e);
}

static void test_interview_rules(void **state)
{
    fx *f = *state;
    assert_int_equal(plan(f, "li", "zhao"), KH_OK);
    /* Records wait for the inspection. */
    assert_int_equal(interview(f, "li", "zhao", "2025-12-10 10:00",
                               "2025-12-10 10:30"),
                     KH_ESTATE);
    to_inspection(f);
    assert_int_equal(interview(f, "li", "li", "2025-12-10 10:00",
                               "2025-12-10 10:30"),
                     KH_EINVAL);
    expect_msg(f->e, "recorder: ", "must not be the interviewer");
    assert_int_equal(interview(f, "li", "sun", "2025-12-10 10:00",
                               "2025-12-10 10:30"),
                     KH_EINVAL);
    expect_msg(f->e, "recorder: ", "sun");
    assert_int_equal(interview(f, "li", "zhao", "2025-12-10 10:00",
                               "2025-12-10 10:00"),
                     KH_EINVAL);
    expect_msg(f->e, "end: ", "must be after the start");
    assert_int_equal(interview(f, "li", "zhao", "2025-12-10 10:00",
                               "2025-12-09 23:00"),
                     KH_EINVAL);
    char *t = report(f, KH_ONSITE_NAMES);
    assert_null(strstr(t, "个别访谈"));
    free(t);
    assert_int_equal(interview(f, "zhao", "li", "2025-12-10 10:00",
                               "2025-12-10 10:30"),
                     KH_OK);
    t = report(f, KH_ONSITE_NAMES);
    assert_non_null(strstr(t, "个别访谈 #1"));
    free(t);
}

typedef struct reads {
    size_t n;
} reads;

static kh_status count_reads(void *ctx, const kh_audit_row *r)
{
    if (strcmp(r->rec.action, "interview.read") == 0)
        ((reads *)ctx)->n++;
    return KH_OK;
}

static size_t audited_reads(fx *f)
{
    reads r = {0};
    expect_ok(kh_store_audit_each(f->s, 2025, NULL, count_reads, &r, f->e),
              f->e);
    return r.n;
}

static void test_confidential(void **state)
{
    fx *f = *state;
    assert_int_equal(plan(f, "li", "zhao"), KH_OK);
    to_inspection(f);
    assert_int_equal(interview(f, "li", "zhao", "2025-12-10 10:00",
                               "2025-12-10 10:30"),
                     KH_OK);
    char *t = report(f, KH_ONSITE_NO_NAMES);
    assert_non_null(strstr(t, "支部书记"));
    assert_null(strstr(t, "王五"));
    free(t);
    assert_int_equal(audited_reads(f), 0);
    t = report(f, KH_ONSITE_NO_INTERVIEWS);
    assert_null(strstr(t, "支部书记"));
    free(t);
    t = report(f, KH_ONSITE_NAMES);
    assert_non_null(strstr(t, "王五"));
    free(t);
    assert_int_equal(audited_reads(f), 1);
}

static kh_status count_finding(void *ctx, const kh_finding_row *r)
{
    assert_string_equal(r->item, "2.2");
    (*(size_t *)ctx)++;
    return KH_OK;
}

static void test_findings(void **state)
{
    fx *f = *state;
    assert_int_equal(plan(f, "li", "zhao"), KH_OK);
    to_inspection(f);
    assert_int_equal(interview(f, "li", "zhao", "2025-12-10 10:00",
                               "2025-12-10 10:30"),
                     KH_OK);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_finding_add(f->s, "li", 0, "interview", 1, "9.9",
                                          KH_FINDING_PROBLEM, "x", NULL, f->e),
                     KH_EINVAL);
    expect_msg(f->e, "item: ", "9.9");
    assert_int_equal(kh_store_finding_add(f->s, "li", 2, "interview", 1, "2.2",
                                          KH_FINDING_PROBLEM, "x", NULL, f->e),
                     KH_EINVAL);
    expect_msg(f->e, "record: ", NULL);
    assert_int_equal(kh_store_finding_add(f->s, "li", 0, "interview", 7, "2.2",
                                          KH_FINDING_PROBLEM, "x", NULL, f->e),
                     KH_EINVAL);
    assert_int_equal(kh_store_finding_add(f->s, "li", 0, "interview", 1, "2.2",
                                          KH_FINDING_PROBLEM, " ", NULL, f->e),
                     KH_EINVAL);
    expect_msg(f->e, "text: ", NULL);
    size_t n = 0;
    expect_ok(kh_store_finding_each(f->s, 2025, "jd", "2.2", count_finding,
                                    &n, f->e), f->e);
    assert_int_equal(n, 0);
    kh_err_clear(f->e);
    expect_ok(kh_store_finding_add(f->s, "li", 0, "interview", 1, "2.2",
                                   KH_FINDING_PROBLEM, "述职不具体", NULL,
                                   f->e), f->e);
    expect_ok(kh_store_finding_each(f->s, 2025, "jd", "2.2", count_finding,
                                    &n, f->e), f->e);
    assert_int_equal(n, 1);
    n = 0;
    expect_ok(kh_store_finding_each(f->s, 2025, "xx", "2.2", count_finding,
                                    &n, f->e), f->e);
    assert_int_equal(n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),
        cmocka_unit_test_setup_teardown(test_team, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interview_rules, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_confidential, setup, teardown),
        cmocka_unit_test_setup_teardown(test_findings, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
