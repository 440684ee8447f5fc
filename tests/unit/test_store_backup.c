/* Unit tests: kh_store_backup_to and kh_store_restore_from on both
 * engines (unit.test_store_backup and .pg).  A store with audited writes
 * and an evidence file is backed up (on PostgreSQL: read in one snapshot
 * into the backup's SQLite file), restored into a new store (a file, or
 * a new PostgreSQL database), and the copy has the same audit head and
 * passes kh_store_check; a restore over a store that holds data, and of
 * a backup with a changed byte, are refused and write nothing.  On
 * PostgreSQL a table dropped under an open store is damage
 * (KH_CAUSE_DAMAGED, kh_store_damaged), as a corrupt page is on SQLite,
 * and the schema check (kh_store_quick_check) names a missing table, a
 * missing column and a changed type. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "store_impl.h"
#include "store_test_util.h"

#include "kaohe/store_evidence.h"

typedef struct bfx {
    char dir[64];
    char path[256], uri[512], target[512];
    kh_store *s;
    kh_err *e;
} bfx;

static int setup(void **state)
{
    bfx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/kh_backup_XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/s.db", f->dir);
    snprintf(f->target, sizeof f->target, "%s",
             test_target(f->path, f->uri, sizeof f->uri));
    f->e = kh_err_new();
    assert_non_null(f->e);
    expect_ok(kh_store_open(f->target, KH_STORE_CREATE, f->e, &f->s), f->e);
    char data[300];
    snprintf(data, sizeof data, "%s/s.db.data", f->dir);
    expect_ok(kh_store_set_data_dir(f->s, data, f->e), f->e);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    bfx *f = *state;
    kh_store_close(f->s);
    kh_err_free(f->e);
    nftw(f->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

/* One audited write in its own transaction. */
static void write_one(kh_store *s, const char *value, kh_err *e)
{
    expect_ok(kh_store_begin(s, e), e);
    kh_audit_rec r = {.actor = "test", .action = "test.write",
                      .new_value = value};
    expect_ok(kh_store_audit(s, &r, e), e);
    expect_ok(kh_store_commit(s, e), e);
}

/* A few audited writes and one evidence file in f's store. */
static void fill(bfx *f)
{
    for (int i = 0; i < 5; i++)
        write_one(f->s, i % 2 ? "odd" : "even", f->e);
    static const char pdf[] = "%PDF-1.4\nsome minutes of a meeting\n%%EOF\n";
    expect_ok(kh_store_evidence_put(f->s, "test", "minutes.pdf", pdf,
                                    sizeof pdf - 1, 0, NULL, f->e),
              f->e);
}

/* Backs f's store up into f->dir/bk. */
static void backup(bfx *f, char *bk, size_t sz)
{
    snprintf(bk, sz, "%s/bk", f->dir);
    kh_buf rep;
    kh_buf_init(&rep, 0);
    expect_ok(kh_store_backup_to(f->s, bk, &rep, f->e), f->e);
    kh_buf_free(&rep);
}

/* The restore target: a new file, or a new PostgreSQL database. */
static const char *new_target(bfx *f, const char *name, char *buf,
                              size_t sz)
{
    char file[300];
    snprintf(file, sizeof file, "%s/%s.db", f->dir, name);
    const char *t = test_target(file, buf, sz);
    if (t == file) {
        snprintf(buf, sz, "%s", file);
        return buf;
    }
    return t;
}

static void head_of(const char *target, const char *data, kh_err *e,
                    char head[KH_AUDIT_HEAD_SZ])
{
    kh_store *s = NULL;
    expect_ok(kh_store_open(target, 0, e, &s), e);
    expect_ok(kh_store_set_data_dir(s, data, e), e);
    expect_ok(kh_store_audit_head(s, head, e), e);
    kh_buf rep;
    kh_buf_init(&rep, 0);
    expect_ok(kh_store_check(s, &rep, e), e);
    kh_buf_free(&rep);
    kh_store_close(s);
}

static void test_roundtrip(void **state)
{
    bfx *f = *state;
    fill(f);
    char bk[128], want[KH_AUDIT_HEAD_SZ], got[KH_AUDIT_HEAD_SZ];
    expect_ok(kh_store_audit_head(f->s, want, f->e), f->e);
    backup(f, bk, sizeof bk);
    char rbuf[512], data[300];
    const char *r = new_target(f, "r", rbuf, sizeof rbuf);
    snprintf(data, sizeof data, "%s/r.data", f->dir);
    kh_buf rep;
    kh_buf_init(&rep, 0);
    expect_ok(kh_store_restore_from(bk, r, data, false, &rep, f->e), f->e);
    kh_buf_free(&rep);
    head_of(r, data, f->e, got);
    assert_string_equal(got, want);
    /* A second restore onto it is refused and changes nothing. */
    kh_buf_init(&rep, 0);
    assert_int_not_equal(kh_store_restore_from(bk, r, data, false, &rep,
                                               f->e),
                         KH_OK);
    kh_buf_free(&rep);
    expect_msg(f->e, test_on_pg() ? "not empty" : "exists", NULL);
    kh_err_clear(f->e);
    head_of(r, data, f->e, got);
    assert_string_equal(got, want);
}

/* A byte of the backup's database changed: refused before anything is
 * written (no file; on PostgreSQL no table in the new database). */
static void test_damaged_backup(void **state)
{
    bfx *f = *state;
    fill(f);
    char bk[128], db[200];
    backup(f, bk, sizeof bk);
    snprintf(db, sizeof db, "%s/%s", bk, KH_BACKUP_DB);
    FILE *fp = fopen(db, "r+b");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, 200, SEEK_SET), 0);
    int c = fgetc(fp);
    assert_int_equal(fseek(fp, 200, SEEK_SET), 0);
    fputc(c ^ 1, fp);
    fclose(fp);
    char rbuf[512], data[300];
    const char *r = new_target(f, "r", rbuf, sizeof rbuf);
    snprintf(data, sizeof data, "%s/r.data", f->dir);
    kh_buf rep;
    kh_buf_init(&rep, 0);
    assert_int_not_equal(kh_store_restore_from(bk, r, data, false, &rep,
                                               f->e),
                         KH_OK);
    kh_buf_free(&rep);
    expect_msg(f->e, "damaged", NULL);
    struct stat sb;
    assert_int_not_equal(stat(data, &sb), 0);
    if (!test_on_pg()) {
        assert_int_not_equal(stat(r, &sb), 0);
        return;
    }
    kh_db *db2 = NULL;
    assert_int_equal(kh_db_open(r, 0, &db2), KH_DB_OK);
    int64_t n = -1;
    assert_int_equal(kh_db_count_tables(db2, &n), KH_DB_OK);
    assert_int_equal(n, 0);
    kh_db_close(db2);
}

/* PostgreSQL: a table of kaohe's schema dropped under an open store. */
static void test_dropped_table(void **state)
{
    bfx *f = *state;
    if (!test_on_pg())
        skip();   /* the SQLite counterpart is a corrupt page (test_store_cause) */
    write_one(f->s, "before", f->e);
    kh_db *other = NULL;
    assert_int_equal(kh_db_open(f->target, 0, &other), KH_DB_OK);
    assert_int_equal(kh_db_exec(other, "DROP TABLE audit CASCADE"), KH_DB_OK);
    kh_db_close(other);
    assert_false(kh_store_damaged(f->s));
    kh_db_stmt *st = NULL;
    expect_ok(kh_store_stmt(f->s, "SELECT count(*) FROM audit", &st, f->e),
              f->e);
    assert_int_not_equal(kh_db_step(st), KH_DB_ROW);
    assert_int_equal(kh_store_db_fail(f->s, f->e, "reading the log"), KH_EDB);
    assert_int_equal(kh_err_cause(f->e), KH_CAUSE_DAMAGED);
    expect_msg(f->e, "damaged", "\"audit\" does not exist");
    assert_true(kh_store_damaged(f->s));
    /* The schema check names it (kaohe check, serve at start). */
    kh_err_clear(f->e);
    assert_int_equal(kh_store_quick_check(f->s, f->e), KH_EDB);
    assert_int_equal(kh_err_cause(f->e), KH_CAUSE_DAMAGED);
    expect_msg(f->e, "table audit is missing", NULL);
}

/* PostgreSQL: a column dropped and one whose type changed, each named;
 * a whole schema passes. */
static void test_altered_columns(void **state)
{
    bfx *f = *state;
    if (!test_on_pg())
        skip();
    expect_ok(kh_store_quick_check(f->s, f->e), f->e);
    kh_db *other = NULL;
    assert_int_equal(kh_db_open(f->target, 0, &other), KH_DB_OK);
    assert_int_equal(kh_db_exec(other, "ALTER TABLE entry DROP COLUMN note;"
                                       " ALTER TABLE audit ALTER COLUMN seq"
                                       " TYPE integer"),
                     KH_DB_OK);
    kh_db_close(other);
    assert_int_equal(kh_store_quick_check(f->s, f->e), KH_EDB);
    expect_msg(f->e, "table entry: column note is missing", NULL);
    expect_msg(f->e, "table audit: column seq is integer, not bigint", NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_backup, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_dropped_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_altered_columns, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
