/* Unit tests: users, roles, passwords and inspector assignments in the
 * store (issue 3 item 10).  Each test uses a store file in its own
 * temporary directory, so the bytes of the database can be scanned for
 * passwords. */
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

#include "db.h"
#include "kaohe/store.h"
#include "kaohe/store_users.h"
#include "store_impl.h"
#include "store_fixture.h"

/* ---- fixtures ------------------------------------------------------ */


static void sql(kh_store *s, const char *q)
{
    if (kh_db_exec(s->db, q) != KH_DB_OK)
        fail_msg("%s: %s", q, kh_db_errmsg(s->db));
}

/* Year 2025 (and 2024) with units, written directly: these tests are
 * about users, not about importing. */
static void add_years(kh_store *s)
{
    sql(s, "INSERT INTO rubric (id, rubric_id, sha256, title, source,"
           " imported_at, imported_by) VALUES (1, 'mini', 'ab', 't', 'x',"
           " '2026-01-01T00:00:00Z', 'tester');"
           "INSERT INTO year (year, rubric, state, opened_at, opened_by)"
           " VALUES (2025, 1, 'inspection', '2026-01-01T00:00:00Z', 't'),"
           " (2024, 1, 'closed', '2025-01-01T00:00:00Z', 't');"
           "INSERT INTO unit (year, id, pos, name, kind, branch) VALUES"
           " (2025, 'jd', 1, '机电工程系', 'faculty', 'jd'),"
           " (2025, 'xx', 2, '信息工程系', 'faculty', 'xx'),"
           " (2025, 'dbgs', 3, '党委办公室', 'office', 'admin'),"
           " (2024, 'old', 1, '旧系', 'faculty', 'old');");
}

static int setup(void **state)
{
    fx *f = fx_open("kh_users", 1767225600);   /* 2026-01-01T00:00:00Z */
    if (!f)
        return -1;
    add_years(f->s);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx_close(*state);
    return 0;
}

static void add(fx *f, const char *name, kh_role role, const char *unit,
                const char *pw)
{
    kh_err_clear(f->e);
    expect_ok(kh_store_user_add(f->s, "admin", name, role, unit, pw, f->e),
              f->e);
}

/* ---- roles --------------------------------------------------------- */

static void test_roles(void **state)
{
    (void)state;
    kh_role r;
    assert_true(kh_role_parse("admin", &r));
    assert_int_equal(r, KH_ROLE_ADMIN);
    assert_true(kh_role_parse("inspector", &r));
    assert_int_equal(r, KH_ROLE_INSPECTOR);
    assert_true(kh_role_parse("unit", &r));
    assert_int_equal(r, KH_ROLE_UNIT);
    assert_true(kh_role_parse("auditor", &r));
    assert_int_equal(r, KH_ROLE_AUDITOR);
    assert_false(kh_role_parse("boss", &r));
    assert_false(kh_role_parse("Admin", &r));
    assert_false(kh_role_parse("", &r));
    assert_string_equal(kh_role_name(KH_ROLE_UNIT), "unit");
    assert_string_equal(kh_role_label(KH_ROLE_INSPECTOR), "考核组成员");
}

/* ---- adding -------------------------------------------------------- */

typedef struct seen {
    char names[8][32];
    char units[8][16];
    kh_role roles[8];
    bool disabled[8];
    size_t n;
} seen;

static kh_status collect_user(void *ctx, const kh_user_row *r)
{
    seen *s = ctx;
    if (s->n < 8) {
        snprintf(s->names[s->n], sizeof s->names[0], "%s", r->name);
        snprintf(s->units[s->n], sizeof s->units[0], "%s",
                 r->unit ? r->unit : "-");
        s->roles[s->n] = r->role;
        s->disabled[s->n] = r->disabled;
    }
    s->n++;
    return KH_OK;
}

static void test_add_and_list(void **state)
{
    fx *f = *state;
    add(f, "wang", KH_ROLE_ADMIN, NULL, "correct horse");
    add(f, "李老师", KH_ROLE_INSPECTOR, NULL, "battery staple");
    add(f, "jd-sec", KH_ROLE_UNIT, "jd", "jd password 1");
    add(f, "audit", KH_ROLE_AUDITOR, NULL, "look but don't touch");
    seen s = {0};
    expect_ok(kh_store_user_each(f->s, NULL, collect_user, &s, f->e), f->e);
    assert_int_equal(s.n, 4);
    /* By name (byte order: ASCII before the Chinese name). */
    assert_string_equal(s.names[0], "audit");
    assert_string_equal(s.names[1], "jd-sec");
    assert_string_equal(s.units[1], "jd");
    assert_int_equal(s.roles[1], KH_ROLE_UNIT);
    assert_string_equal(s.names[2], "wang");
    assert_string_equal(s.units[2], "-");
    assert_string_equal(s.names[3], "李老师");
    assert_int_equal(s.roles[3], KH_ROLE_INSPECTOR);

    /* One user; an unknown one is named. */
    memset(&s, 0, sizeof s);
    expect_ok(kh_store_user_each(f->s, "wang", collect_user, &s, f->e), f->e);
    assert_int_equal(s.n, 1);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_user_each(f->s, "nobody", collect_user, &s,
                                        f->e),
                     KH_ENOTFOUND);
    expect_msg(f->e, "no user \"nobody\"", NULL);

    /* A name is taken once. */
    kh_err_clear(f->e);
    assert_int_equal(kh_store_user_add(f->s, "admin", "wang", KH_ROLE_ADMIN,
                                       NULL, "another password", f->e),
                     KH_ECONFLICT);
    expect_msg(f->e, "user \"wang\" exists already", NULL);
}

static void test_add_bad(void **state)
{
    fx *f = *state;
    struct {
        const char *name;
        kh_role role;
        const char *unit;
        const char *pw;
        kh_status st;
        const char *msg1, *msg2;
    } cases[] = {
        {"u1", KH_ROLE_UNIT, NULL, "long enough", KH_EINVAL, "unit: ",
         "must name its unit"},
        {"u2", KH_ROLE_UNIT, "", "long enough", KH_EINVAL, "unit: ",
         "must name its unit"},
        {"u3", KH_ROLE_INSPECTOR, "jd", "long enough", KH_EINVAL, "unit: ",
         "not one of role inspector"},
        {"u4", KH_ROLE_ADMIN, "jd", "long enough", KH_EINVAL, "unit: ",
         "only a user of role unit"},
        {"u5", KH_ROLE_UNIT, "nosuch", "long enough", KH_EINVAL, "unit: ",
         "unknown unit \"nosuch\""},
        {"u6", (kh_role)9, NULL, "long enough", KH_EINVAL, "role: ",
         "unknown role"},
        {"u7", KH_ROLE_ADMIN, NULL, "short", KH_EINVAL, "password: ",
         "at least 8 characters"},
        {"u8", KH_ROLE_ADMIN, NULL, "1234567", KH_EINVAL, "password: ",
         "too short"},
        {"u9", KH_ROLE_ADMIN, NULL, "", KH_EINVAL, "password: ", "too short"},
        {"", KH_ROLE_ADMIN, NULL, "long enough", KH_EINVAL, "user: ",
         "required"},
        {"two words", KH_ROLE_ADMIN, NULL, "long enough", KH_EINVAL,
         "user: ", "contains a space"},
        {"tab\there", KH_ROLE_ADMIN, NULL, "long enough", KH_EINVAL,
         "user: ", "control character"},
        {"全角\xe3\x80\x80空格", KH_ROLE_ADMIN, NULL, "long enough",
         KH_EINVAL, "user: ", "contains a space"},
        {"bad\xff", KH_ROLE_ADMIN, NULL, "long enough", KH_EINVAL, "user: ",
         "not valid UTF-8"},
        {"x123456789x123456789x123456789x123456789x123456789x123456789xxxxx",
         KH_ROLE_ADMIN, NULL, "long enough", KH_EINVAL, "user: ",
         "longer than 64"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kh_err_clear(f->e);
        kh_status st = kh_store_user_add(f->s, "admin", cases[i].name,
                                         cases[i].role, cases[i].unit,
                                         cases[i].pw, f->e);
        if (st != cases[i].st)
            fail_msg("case %zu: status %s", i, kh_status_str(st));
        expect_msg(f->e, cases[i].msg1, cases[i].msg2);
    }
    /* Every problem of one request is reported at once. */
    kh_err_clear(f->e);
    assert_int_equal(kh_store_user_add(f->s, "admin", "a b", KH_ROLE_UNIT,
                                       NULL, "short", f->e),
                     KH_EINVAL);
    assert_int_equal(kh_err_errors(f->e), 3);
    /* Nothing was stored. */
    seen s = {0};
    expect_ok(kh_store_user_each(f->s, NULL, collect_user, &s, f->e), f->e);
    assert_int_equal(s.n, 0);
    /* A unit registered only in an earlier year is known. */
    add(f, "old-sec", KH_ROLE_UNIT, "old", "password for old");
}

static void test_password_rules(void **state)
{
    (void)state;
    kh_err *e = kh_err_new();
    /* Characters, not bytes: eight Chinese characters pass, seven not. */
    expect_ok(kh_password_check("意识形态工作考核", e), e);
    assert_int_equal(kh_password_check("意识形态工作考", e), KH_EINVAL);
    kh_err_clear(e);
    expect_ok(kh_password_check("12345678", e), e);
    char big[KH_PASSWORD_MAX + 2];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(kh_password_check(big, e), KH_EINVAL);
    expect_msg(e, "password: ", "longer than 1024");
    /* The message never shows the password. */
    kh_err_clear(e);
    assert_int_equal(kh_password_check("hunter2", e), KH_EINVAL);
    assert_false(has_msg(e, "hunter2", NULL));
    kh_err_free(e);
}

/* ---- login --------------------------------------------------------- */

static void test_verify(void **state)
{
    fx *f = *state;
    add(f, "jd-sec", KH_ROLE_UNIT, "jd", "jd password 1");
    add(f, "wang", KH_ROLE_ADMIN, NULL, "correct horse");
    kh_role role = KH_ROLE_AUDITOR;
    char *unit = NULL;
    expect_ok(kh_store_user_verify(f->s, "jd-sec", "jd password 1", &role,
                                   &unit, f->e),
              f->e);
    assert_int_equal(role, KH_ROLE_UNIT);
    assert_string_equal(unit, "jd");
    free(unit);
    expect_ok(kh_store_user_verify(f->s, "wang", "correct horse", &role,
                                   &unit, f->e),
              f->e);
    assert_int_equal(role, KH_ROLE_ADMIN);
    assert_null(unit);

    /* Wrong password, unknown user, empty and NULL password: the same
     * answer, which says nothing about which was wrong. */
    const char *bad[][2] = {{"wang", "correct horse!"},
                            {"wang", "Correct horse"},
                            {"nobody", "correct horse"},
                            {"", "correct horse"},
                            {"wang", ""}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        kh_err_clear(f->e);
        assert_int_equal(kh_store_user_verify(f->s, bad[i][0], bad[i][1],
                                              &role, &unit, f->e),
                         KH_EPERM);
        assert_null(unit);
        assert_int_equal(kh_err_count(f->e), 1);
        assert_string_equal(kh_err_get(f->e, 0)->text,
                            "wrong user name or password");
    }
    kh_err_clear(f->e);
    assert_int_equal(kh_store_user_verify(f->s, "wang", NULL, &role, &unit,
                                          f->e),
                     KH_EPERM);

    /* Disabled: refused with the right password; enabled again: fine. */
    expect_ok(kh_store_user_set_disabled(f->s, "admin", "wang", true, f->e),
              f->e);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_user_verify(f->s, "wang", "correct horse",
                                          &role, NULL, f->e),
                     KH_EPERM);
    expect_msg(f->e, "wrong user name or password", NULL);
    seen s = {0};
    expect_ok(kh_store_user_each(f->s, "wang", collect_user, &s, f->e), f->e);
    assert_true(s.disabled[0]);
    expect_ok(kh_store_user_set_disabled(f->s, "admin", "wang", false, f->e),
              f->e);
    expect_ok(kh_store_user_verify(f->s, "wang", "correct horse", &role,
                                   NULL, f->e),
              f->e);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_user_set_disabled(f->s, "admin", "nobody", true,
                                                f->e),
                     KH_ENOTFOUND);
    expect_msg(f->e, "no user \"nobody\"", NULL);
}

static void test_passwd(void **state)
{
    fx *f = *state;
    add(f, "wang", KH_ROLE_ADMIN, NULL, "old password");
    expect_ok(kh_store_user_passwd(f->s, "wang", "wang", "new password",
                                   f->e),
              f->e);
    kh_role role;
    expect_ok(kh_store_user_verify(f->s, "wang", "new password", &role, NULL,
                                   f->e),
              f->e);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_user_verify(f->s, "wang", "old password", &role,
                                          NULL, f->e),
                     KH_EPERM);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_user_passwd(f->s, "wang", "wang", "2short",
                                          f->e),
                     KH_EINVAL);
    expect_msg(f->e, "password: ", "too short");
    kh_err_clear(f->e);
    assert_int_equal(kh_store_user_passwd(f->s, "admin", "nobody",
                                          "long enough", f->e),
                     KH_ENOTFOUND);
    expect_msg(f->e, "no user \"nobody\"", NULL);
    /* The failed change left the password as it was. */
    expect_ok(kh_store_user_verify(f->s, "wang", "new password", &role, NULL,
                                   f->e),
              f->e);
}

/* ---- assignments --------------------------------------------------- */

typedef struct assigned {
    char rows[8][48];
    size_t n;
} assigned;

static kh_status collect_assign(void *ctx, const kh_assign_row *r)
{
    assigned *a = ctx;
    if (a->n < 8)
        snprintf(a->rows[a->n], sizeof a->rows[0], "%s %d %s", r->user,
                 r->year, r->unit);
    a->n++;
    return KH_OK;
}

static void test_assign(void **state)
{
    fx *f = *state;
    add(f, "li", KH_ROLE_INSPECTOR, NULL, "inspector pw");
    add(f, "wang", KH_ROLE_ADMIN, NULL, "correct horse");
    add(f, "jd-sec", KH_ROLE_UNIT, "jd", "jd password 1");
    const char *two[] = {"jd", "dbgs"};
    expect_ok(kh_store_user_assign(f->s, "wang", "li", 2025, 2, two, false,
                                   f->e),
              f->e);
    /* Again, plus one: the old ones stay, nothing is doubled. */
    const char *more[] = {"xx", "jd"};
    expect_ok(kh_store_user_assign(f->s, "wang", "li", 2025, 2, more, false,
                                   f->e),
              f->e);
    assigned a = {0};
    expect_ok(kh_store_assign_each(f->s, "li", 0, collect_assign, &a, f->e),
              f->e);
    assert_int_equal(a.n, 3);
    assert_string_equal(a.rows[0], "li 2025 dbgs");
    assert_string_equal(a.rows[1], "li 2025 jd");
    assert_string_equal(a.rows[2], "li 2025 xx");

    /* Replace: exactly these. */
    const char *one[] = {"xx"};
    expect_ok(kh_store_user_assign(f->s, "wang", "li", 2025, 1, one, true,
                                   f->e),
              f->e);
    memset(&a, 0, sizeof a);
    expect_ok(kh_store_assign_each(f->s, NULL, 2025, collect_assign, &a,
                                   f->e),
              f->e);
    assert_int_equal(a.n, 1);
    assert_string_equal(a.rows[0], "li 2025 xx");

    /* Only inspectors. */
    kh_err_clear(f->e);
    assert_int_equal(kh_store_user_assign(f->s, "wang", "wang", 2025, 1, one,
                                          false, f->e),
                     KH_EINVAL);
    expect_msg(f->e, "user \"wang\" has role admin",
               "only inspectors are assigned");
    kh_err_clear(f->e);
    assert_int_equal(kh_store_user_assign(f->s, "wang", "jd-sec", 2025, 1,
                                          one, false, f->e),
                     KH_EINVAL);
    expect_msg(f->e, "has role unit", NULL);
    /* Units must exist in that year: every unknown one is named. */
    kh_err_clear(f->e);
    const char *bad[] = {"jd", "nosuch", "old"};
    assert_int_equal(kh_store_user_assign(f->s, "wang", "li", 2025, 3, bad,
                                          false, f->e),
                     KH_EINVAL);
    assert_int_equal(kh_err_errors(f->e), 2);
    expect_msg(f->e, "unit[2]: ", "unknown unit \"nosuch\" in year 2025");
    expect_msg(f->e, "unit[3]: ", "unknown unit \"old\" in year 2025");
    /* ... and nothing of the request was stored. */
    memset(&a, 0, sizeof a);
    expect_ok(kh_store_assign_each(f->s, "li", 2025, collect_assign, &a,
                                   f->e),
              f->e);
    assert_int_equal(a.n, 1);
    /* Unknown year, unknown user, no unit. */
    kh_err_clear(f->e);
    assert_int_equal(kh_store_user_assign(f->s, "wang", "li", 2030, 1, one,
                                          false, f->e),
                     KH_ENOTFOUND);
    expect_msg(f->e, "year 2030 does not exist", NULL);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_user_assign(f->s, "wang", "zhao", 2025, 1, one,
                                          false, f->e),
                     KH_ENOTFOUND);
    expect_msg(f->e, "no user \"zhao\"", NULL);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_user_assign(f->s, "wang", "li", 2025, 0, NULL,
                                          false, f->e),
                     KH_EINVAL);
    expect_msg(f->e, "unit: ", "no unit to assign");
    /* A disabled inspector is not assigned. */
    expect_ok(kh_store_user_set_disabled(f->s, "wang", "li", true, f->e),
              f->e);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_user_assign(f->s, "wang", "li", 2025, 1, one,
                                          false, f->e),
                     KH_EINVAL);
    expect_msg(f->e, "user \"li\" is disabled", NULL);
}

/* ---- the audit log and the bytes of the database -------------------- */

typedef struct audit_scan {
    const char *const *secrets;
    size_t nsecrets;
    size_t records;
    char actions[16][24];
} audit_scan;

static void no_secret(const audit_scan *a, const char *field)
{
    if (!field)
        return;
    assert_null(strstr(field, "$argon2"));
    for (size_t i = 0; i < a->nsecrets; i++)
        if (strstr(field, a->secrets[i]))
            fail_msg("audit field \"%s\" holds a password", field);
}

static kh_status scan_audit(void *ctx, const kh_audit_row *r)
{
    audit_scan *a = ctx;
    if (a->records < 16)
        snprintf(a->actions[a->records], sizeof a->actions[0], "%s",
                 r->rec.action);
    a->records++;
    no_secret(a, r->rec.object);
    no_secret(a, r->rec.old_value);
    no_secret(a, r->rec.new_value);
    no_secret(a, r->rec.reason);
    no_secret(a, r->rec.unit);
    return KH_OK;
}

/* True when the file holds needle anywhere. */
static bool file_has(const char *path, const char *needle)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return false;
    kh_buf b;
    kh_buf_init(&b, 0);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        kh_buf_add(&b, chunk, n);
    fclose(fp);
    bool found = b.len && memmem(b.data, b.len, needle, strlen(needle));
    kh_buf_free(&b);
    return found;
}

static void test_no_password_in_clear(void **state)
{
    fx *f = *state;
    const char *secrets[] = {"Plaintext-Secret-1", "Plaintext-Secret-2",
                             "Plaintext-Secret-3"};
    add(f, "wang", KH_ROLE_ADMIN, NULL, secrets[0]);
    add(f, "jd-sec", KH_ROLE_UNIT, "jd", secrets[1]);
    expect_ok(kh_store_user_passwd(f->s, "wang", "wang", secrets[2], f->e),
              f->e);
    /* A refused login leaves no trace of its password either. */
    kh_err_clear(f->e);
    assert_int_equal(kh_store_user_verify(f->s, "wang", "Plaintext-Wrong-4",
                                          NULL, NULL, f->e),
                     KH_EPERM);

    audit_scan a = {.secrets = secrets, .nsecrets = 3};
    expect_ok(kh_store_audit_each(f->s, 0, NULL, scan_audit, &a, f->e), f->e);
    assert_int_equal(a.records, 3);
    assert_string_equal(a.actions[0], "user.add");
    assert_string_equal(a.actions[1], "user.add");
    assert_string_equal(a.actions[2], "user.passwd");
    int64_t count = 0;
    expect_ok(kh_store_audit_verify(f->s, &count, f->e), f->e);
    assert_int_equal(count, 3);

    /* The hashes are argon2id strings made with the interactive limits. */
    kh_db_stmt *st;
    assert_int_equal(kh_db_prepare(f->s->db,
                                        "SELECT pwhash FROM app_user", &st),
                     KH_DB_OK);
    int rows = 0;
    while (kh_db_step(st) == KH_DB_ROW) {
        const char *h = kh_db_column_text(st, 0);
        assert_non_null(strstr(h, "$argon2id$"));
        assert_non_null(strstr(h, "m=65536,t=2,p=1"));
        rows++;
    }
    kh_db_finalize(st);
    assert_int_equal(rows, 2);

    /* The bytes of the database (and its write-ahead log, before and
     * after the close folds it in) never hold a password.  (A file of
     * SQLite's; PostgreSQL's files are the server's.) */
    if (test_on_pg())
        return;
    char wal[600];
    snprintf(wal, sizeof wal, "%s-wal", f->db);
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < 3; i++) {
            assert_false(file_has(f->db, secrets[i]));
            assert_false(file_has(wal, secrets[i]));
        }
        assert_false(file_has(f->db, "Plaintext-Wrong-4"));
        assert_false(file_has(wal, "Plaintext-Wrong-4"));
        if (round == 0) {
            /* Make sure the scan can see what is there: a user name is. */
            assert_true(file_has(f->db, "jd-sec") || file_has(wal, "jd-sec"));
            kh_store_close(f->s);
            f->s = NULL;
            kh_err_clear(f->e);
            expect_ok(kh_store_open(f->db, 0, f->e, &f->s), f->e);
        }
    }
}

static void test_audit_records(void **state)
{
    fx *f = *state;
    add(f, "li", KH_ROLE_INSPECTOR, NULL, "inspector pw");
    const char *u[] = {"jd", "dbgs"};
    expect_ok(kh_store_user_assign(f->s, "wang", "li", 2025, 2, u, false,
                                   f->e),
              f->e);
    const char *one[] = {"dbgs"};
    expect_ok(kh_store_user_assign(f->s, "wang", "li", 2025, 1, one, true,
                                   f->e),
              f->e);
    expect_ok(kh_store_user_set_disabled(f->s, "wang", "li", true, f->e),
              f->e);
    /* Disabling twice records nothing the second time. */
    expect_ok(kh_store_user_set_disabled(f->s, "wang", "li", true, f->e),
              f->e);
    audit_scan a = {0};
    expect_ok(kh_store_audit_each(f->s, 0, NULL, scan_audit, &a, f->e), f->e);
    assert_int_equal(a.records, 5);
    assert_string_equal(a.actions[0], "user.add");
    assert_string_equal(a.actions[1], "user.assign");
    assert_string_equal(a.actions[2], "user.assign");
    assert_string_equal(a.actions[3], "user.unassign");
    assert_string_equal(a.actions[4], "user.disable");
    /* Assignments are found by unit in the log. */
    memset(&a, 0, sizeof a);
    expect_ok(kh_store_audit_each(f->s, 2025, "jd", scan_audit, &a, f->e),
              f->e);
    assert_int_equal(a.records, 2);
    int64_t count = 0;
    expect_ok(kh_store_audit_verify(f->s, &count, f->e), f->e);
    assert_int_equal(count, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_password_rules),
        cmocka_unit_test_setup_teardown(test_add_and_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_bad, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify, setup, teardown),
        cmocka_unit_test_setup_teardown(test_passwd, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assign, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_password_in_clear, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_audit_records, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
