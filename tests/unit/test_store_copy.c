/* Unit tests: kh_store_copy (`kaohe store copy`, and `kaohe restore`
 * into PostgreSQL) through the bulk load, from a SQLite store into a new
 * file (unit.test_store_copy) or a new PostgreSQL database (.pg).  A
 * store with a year, users, evidence and audit records holding what
 * COPY's text format must escape (tabs, newlines, backslashes, "\N",
 * quotes, CJK, a 1 MiB value) is copied, and every table of the copy
 * equals the source's value for value; kh_store_check and
 * kh_store_audit_verify pass on it.  The copy backed up (on PostgreSQL
 * read back into SQLite) and that backup restored into a new store
 * (on PostgreSQL through the bulk load again) equal the source too.  A source holding a row the target
 * refuses (a CHECK, a foreign key; planted with SQLite's checks off)
 * fails the copy with the table and the row (or the key), exit status 1,
 * and leaves the target as `kaohe init` made it: the same copy succeeds
 * once the row is mended. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "store_fixture.h"
#include "store_impl.h"

#include "kaohe/store_evidence.h"
#include "kaohe/store_users.h"

#define NOW 1767225600

typedef struct cfx {
    fx src;       /* always a SQLite file */
    fx *to;       /* a file or a PostgreSQL database (test_target) */
} cfx;

static int setup(void **state)
{
    cfx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->src.dir, sizeof f->src.dir, "/tmp/kh_copy_XXXXXX");
    assert_non_null(mkdtemp(f->src.dir));
    snprintf(f->src.db, sizeof f->src.db, "%s/src.db", f->src.dir);
    f->src.e = kh_err_new();
    assert_non_null(f->src.e);
    expect_ok(kh_store_open(f->src.db, KH_STORE_CREATE, f->src.e,
                            &f->src.s),
              f->src.e);
    kh_store_set_time(f->src.s, NOW);
    f->to = fx_open("kh_copyto", NOW);
    assert_non_null(f->to);
    if (!kh_store_data_dir(f->to->s)) {
        char data[300];
        snprintf(data, sizeof data, "%s/to.data", f->src.dir);
        expect_ok(kh_store_set_data_dir(f->to->s, data, f->to->e), f->to->e);
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    cfx *f = *state;
    kh_store_close(f->src.s);
    kh_err_free(f->src.e);
    nftw(f->src.dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
    fx_close(f->to);
    free(f);
    return 0;
}

static void audited(kh_store *s, const char *value, kh_err *e)
{
    expect_ok(kh_store_begin(s, e), e);
    kh_audit_rec r = {.actor = "测试员", .action = "test.write",
                      .object = "a\tb", .new_value = value,
                      .reason = "\\N"};
    expect_ok(kh_store_audit(s, &r, e), e);
    expect_ok(kh_store_commit(s, e), e);
}

/* The source: the example college's year in inspection, a user with a
 * Chinese name, an evidence file and audit records with hard values. */
static void fill(cfx *f)
{
    fx *s = &f->src;
    fx_rubric(s, "rubrics/ideology-2020.yaml");
    fx_year(s, 2025, "ideology-2020", "examples/college-2025.yaml", 2, 0);
    kh_user_new u = {.name = "li", .role = KH_ROLE_ADMIN,
                     .display = "李明", .password = "a-long-password"};
    expect_ok(kh_store_user_add_named(s->s, "admin", &u, s->e), s->e);
    static const char pdf[] = "%PDF-1.4\n\\N\t\r\n%%EOF\n";
    expect_ok(kh_store_evidence_put(s->s, "admin", "会议记录.pdf", pdf,
                                    sizeof pdf - 1, 0, NULL, s->e),
              s->e);
    static const char *const hard[] = {
        "tab\there", "line\nbreak\r\nCRLF", "back\\slash \\\\ \\N",
        "\\N", "", "quote ' and \" 考核要点 2.2「评分」",
    };
    for (size_t i = 0; i < sizeof hard / sizeof *hard; i++)
        audited(s->s, hard[i], s->e);
    size_t n = (size_t)1 << 20;
    char *big = malloc(n + 1);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        big[i] = "ab\t\n\\c中"[i % 9];
    big[n] = '\0';
    audited(s->s, big, s->e);
    free(big);
}

/* Fails unless table has the same rows, value for value, in a and b
 * (ordered by every column; text and blob compared as bytes). */
static void same_table(kh_db *a, kh_db *b, const char *table)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT * FROM %s", table);
    kh_db_stmt *sa = NULL, *sb = NULL;
    assert_int_equal(kh_db_prepare(a, sql, &sa), KH_DB_OK);
    int ra = kh_db_step(sa);
    int n = kh_db_column_count(sa);
    kh_db_finalize(sa);
    (void)ra;
    char order[400] = " ORDER BY 1";
    for (int i = 2; i <= n; i++) {
        size_t len = strlen(order);
        snprintf(order + len, sizeof order - len, ", %d", i);
    }
    char full[600];
    snprintf(full, sizeof full, "%s%s", sql, order);
    assert_int_equal(kh_db_prepare(a, full, &sa), KH_DB_OK);
    assert_int_equal(kh_db_prepare(b, full, &sb), KH_DB_OK);
    int64_t rows = 0;
    for (;;) {
        ra = kh_db_step(sa);
        int rb = kh_db_step(sb);
        if (ra != rb)
            fail_msg("%s: %lld rows in one, more in the other", table,
                     (long long)rows);
        if (ra == KH_DB_DONE)
            break;
        assert_int_equal(ra, KH_DB_ROW);
        rows++;
        for (int i = 0; i < n; i++) {
            bool na = kh_db_column_is_null(sa, i);
            if (na != kh_db_column_is_null(sb, i))
                fail_msg("%s row %lld column %d: NULL in one only", table,
                         (long long)rows, i);
            if (na)
                continue;
            if (kh_db_column_kind(sa, i) == KH_DB_T_INTEGER) {
                assert_int_equal(kh_db_column_int64(sa, i),
                                 kh_db_column_int64(sb, i));
                continue;
            }
            const void *va = kh_db_column_blob(sa, i);
            const void *vb = kh_db_column_blob(sb, i);
            int la = kh_db_column_bytes(sa, i), lb = kh_db_column_bytes(sb, i);
            if (la != lb || (la && memcmp(va, vb, (size_t)la)))
                fail_msg("%s row %lld column %s differs", table,
                         (long long)rows, kh_db_column_name(sa, i));
        }
    }
    kh_db_finalize(sa);
    kh_db_finalize(sb);
}

static void test_copy_equal(void **state)
{
    cfx *f = *state;
    fill(f);
    kh_store_copy_counts n;
    expect_ok(kh_store_copy(f->src.s, f->to->s, "test", &n, f->to->e),
              f->to->e);
    assert_true(n.rows > 1000);
    assert_int_equal(n.files, 1);
    kh_db_stmt *st = NULL;
    assert_int_equal(kh_db_prepare(f->src.s->db, "SELECT name FROM"
                                   " sqlite_master WHERE type = 'table' AND"
                                   " name NOT LIKE 'sqlite%'", &st),
                     KH_DB_OK);
    int tables = 0;
    while (kh_db_step(st) == KH_DB_ROW) {
        same_table(f->src.s->db, f->to->s->db, kh_db_column_text(st, 0));
        tables++;
    }
    kh_db_finalize(st);
    assert_int_equal(tables, n.tables);
    kh_buf rep;
    kh_buf_init(&rep, 0);
    expect_ok(kh_store_check(f->to->s, &rep, f->to->e), f->to->e);
    kh_buf_free(&rep);
    int64_t records = 0;
    expect_ok(kh_store_audit_verify(f->to->s, &records, f->to->e), f->to->e);
    assert_true(records > 7);
}

/* Every table of the SQLite store src equal in the store at target. */
static void same_store(kh_store *src, const char *target, kh_err *e)
{
    kh_store *t = NULL;
    expect_ok(kh_store_open(target, 0, e, &t), e);
    kh_db_stmt *st = NULL;
    assert_int_equal(kh_db_prepare(src->db, "SELECT name FROM sqlite_master"
                                   " WHERE type = 'table' AND name NOT LIKE"
                                   " 'sqlite%'", &st),
                     KH_DB_OK);
    while (kh_db_step(st) == KH_DB_ROW)
        same_table(src->db, t->db, kh_db_column_text(st, 0));
    kh_db_finalize(st);
    kh_store_close(t);
}

/* The copy backed up (on PostgreSQL: read back into a SQLite file) and
 * the backup restored into a new store: both equal to the source, and
 * the restored store passes its check (run by the restore's caller). */
static void test_backup_restore_equal(void **state)
{
    cfx *f = *state;
    fill(f);
    kh_store_copy_counts n;
    expect_ok(kh_store_copy(f->src.s, f->to->s, "test", &n, f->to->e),
              f->to->e);
    char bk[200], db[300], file[300], rbuf[512], data[300];
    snprintf(bk, sizeof bk, "%s/bk", f->src.dir);
    kh_buf rep;
    kh_buf_init(&rep, 0);
    expect_ok(kh_store_backup_to(f->to->s, bk, &rep, f->to->e), f->to->e);
    snprintf(file, sizeof file, "%s/r.db", f->src.dir);
    snprintf(data, sizeof data, "%s/r.data", f->src.dir);
    const char *r = test_target(file, rbuf, sizeof rbuf);
    expect_ok(kh_store_restore_from(bk, r, data, false, &rep, f->to->e),
              f->to->e);
    kh_buf_free(&rep);
    /* After the restore: opening the backup's file may write to it. */
    snprintf(db, sizeof db, "%s/%s", bk, KH_BACKUP_DB);
    same_store(f->src.s, db, f->to->e);
    same_store(f->src.s, r, f->to->e);
    kh_store *rs = NULL;
    expect_ok(kh_store_open(r, 0, f->to->e, &rs), f->to->e);
    expect_ok(kh_store_set_data_dir(rs, data, f->to->e), f->to->e);
    kh_buf_init(&rep, 0);
    expect_ok(kh_store_check(rs, &rep, f->to->e), f->to->e);
    kh_buf_free(&rep);
    int64_t records = 0;
    expect_ok(kh_store_audit_verify(rs, &records, f->to->e), f->to->e);
    kh_store_close(rs);
}

static int64_t count_rows(kh_store *s, const char *sql)
{
    kh_db_stmt *st = NULL;
    assert_int_equal(kh_db_prepare(s->db, sql, &st), KH_DB_OK);
    assert_int_equal(kh_db_step(st), KH_DB_ROW);
    int64_t v = kh_db_column_int64(st, 0);
    kh_db_finalize(st);
    return v;
}

/* The target holds nothing but what init made. */
static void target_as_made(cfx *f)
{
    kh_store *t = f->to->s;
    assert_int_equal(count_rows(t, "SELECT count(*) FROM rubric"), 0);
    assert_int_equal(count_rows(t, "SELECT count(*) FROM audit"), 0);
    assert_int_equal(count_rows(t, "SELECT count(*) FROM app_user"), 0);
    assert_int_equal(count_rows(t, "SELECT count(*) FROM entry"), 0);
    assert_int_equal(count_rows(t, "SELECT count(*) FROM year_docset"), 0);
    assert_true(count_rows(t, "SELECT count(*) FROM meta") > 0);
}

/* Runs sql on the source with SQLite's checks off (planting a row no
 * store would hold). */
static void plant(cfx *f, const char *sql)
{
    kh_db *db = f->src.s->db;
    assert_int_equal(kh_db_exec(db, "PRAGMA foreign_keys = OFF;"
                                    " PRAGMA ignore_check_constraints = ON"),
                     KH_DB_OK);
    if (kh_db_exec(db, sql) != KH_DB_OK)
        fail_msg("%s: %s", sql, kh_db_errmsg(db));
    assert_int_equal(kh_db_exec(db, "PRAGMA foreign_keys = ON;"
                                    " PRAGMA ignore_check_constraints = OFF"),
                     KH_DB_OK);
}

static void copy_refused(cfx *f, const char *a, const char *b)
{
    kh_store_copy_counts n;
    kh_err_clear(f->to->e);
    assert_int_equal(kh_store_copy(f->src.s, f->to->s, "test", &n,
                                   f->to->e),
                     KH_EINVAL);
    expect_msg(f->to->e, a, b);
    target_as_made(f);
}

static void test_refused_row(void **state)
{
    cfx *f = *state;
    fill(f);
    /* The second user breaks app_user's CHECK on disabled. */
    kh_user_new u = {.name = "zhao", .role = KH_ROLE_INSPECTOR,
                     .password = "a-long-password"};
    expect_ok(kh_store_user_add_named(f->src.s, "admin", &u, f->src.e),
              f->src.e);
    plant(f, "UPDATE app_user SET disabled = 2 WHERE name = 'zhao'");
    copy_refused(f, "table app_user, row 2 of the source: refused by the "
                    "target: ", NULL);
    plant(f, "UPDATE app_user SET disabled = 0 WHERE name = 'zhao'");
    /* A document setting of a year that does not exist: a foreign key
     * (PostgreSQL checks keys at the end of the table and names the key
     * instead of the row). */
    plant(f, "INSERT INTO year_docset VALUES (1999, 'issuer', 'x')");
    if (test_on_pg())
        copy_refused(f, "table year_docset of the source: refused by the "
                        "target: ", "(year)=(1999)");
    else
        copy_refused(f, "table year_docset, row 1 of the source: refused by "
                        "the target: ", "FOREIGN KEY");
    plant(f, "DELETE FROM year_docset WHERE year = 1999");
    kh_store_copy_counts n;
    kh_err_clear(f->to->e);
    expect_ok(kh_store_copy(f->src.s, f->to->s, "test", &n, f->to->e),
              f->to->e);
    kh_buf rep;
    kh_buf_init(&rep, 0);
    expect_ok(kh_store_check(f->to->s, &rep, f->to->e), f->to->e);
    kh_buf_free(&rep);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_copy_equal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backup_restore_equal, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_refused_row, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
