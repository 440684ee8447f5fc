/* Unit tests: a store failure carries its cause (kh_err_cause), set from
 * the driver's codes, each produced for real: busy (a second connection
 * holds the writer lock: BEGIN IMMEDIATE on SQLite, the advisory lock
 * with lock_timeout on PostgreSQL), full (SQLite's max_page_count at the
 * file's size), damaged (a file cut to half its pages), not a store (a
 * text file, another program's database), down (PostgreSQL: the
 * connection's server process terminated; the next call reconnects, but
 * never inside a transaction that was lost).  Runs on both engines as
 * unit.test_store_cause and .pg; the SQLite-file cases skip on
 * PostgreSQL. */
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

typedef struct cfx {
    char dir[64];
    char path[256];
    char target[512];
    kh_store *s;
    kh_err *e;
} cfx;

static int setup(void **state)
{
    cfx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/kh_cause_XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
    char uri[512];
    snprintf(f->target, sizeof f->target, "%s",
             test_target(f->path, uri, sizeof uri));
    f->e = kh_err_new();
    assert_non_null(f->e);
    kh_status st = kh_store_open(f->target, KH_STORE_CREATE, f->e, &f->s);
    expect_ok(st, f->e);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    cfx *f = *state;
    kh_store_close(f->s);
    kh_err_free(f->e);
    nftw(f->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

/* One audited write in its own transaction. */
static kh_status write_one(kh_store *s, const char *value, kh_err *e)
{
    kh_status st = kh_store_begin(s, e);
    if (st != KH_OK)
        return st;
    kh_audit_rec r = {.actor = "test", .action = "test.write",
                      .new_value = value};
    if ((st = kh_store_audit(s, &r, e)) != KH_OK) {
        kh_store_rollback(s);
        return st;
    }
    return kh_store_commit(s, e);
}

static void test_busy(void **state)
{
    cfx *f = *state;
    kh_db *other = NULL;
    assert_int_equal(kh_db_open(f->target, 0, &other), KH_DB_OK);
    assert_int_equal(kh_db_begin(other), KH_DB_OK);   /* the writer lock */
    kh_db_busy_timeout(f->s->db, 100);
    kh_status st = write_one(f->s, "x", f->e);
    assert_int_equal(st, KH_EDB);
    assert_int_equal(kh_err_cause(f->e), KH_CAUSE_BUSY);
    assert_string_equal(kh_cause_name(kh_err_cause(f->e)), "busy");
    kh_db_rollback(other);
    kh_db_close(other);
    /* Once the lock is gone the same write passes; clear resets it. */
    kh_err_clear(f->e);
    assert_int_equal(kh_err_cause(f->e), KH_CAUSE_NONE);
    expect_ok(write_one(f->s, "x", f->e), f->e);
}

static void test_full(void **state)
{
    cfx *f = *state;
    if (test_on_pg())
        skip();   /* SQLite's page limit; a full PostgreSQL disk is 53100 */
    int64_t pages = 0;
    kh_db_stmt *st = NULL;
    assert_int_equal(kh_db_prepare(f->s->db, "PRAGMA page_count", &st),
                     KH_DB_OK);
    assert_int_equal(kh_db_step(st), KH_DB_ROW);
    pages = kh_db_column_int64(st, 0);
    kh_db_finalize(st);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld",
             (long long)pages);
    assert_int_equal(kh_db_exec(f->s->db, sql), KH_DB_OK);
    char *big = malloc(64 * 1024);
    assert_non_null(big);
    memset(big, 'x', 64 * 1024 - 1);
    big[64 * 1024 - 1] = '\0';
    kh_status rc = write_one(f->s, big, f->e);
    free(big);
    assert_int_equal(rc, KH_EDB);
    assert_int_equal(kh_err_cause(f->e), KH_CAUSE_FULL);
    /* Nothing was written: the log's head did not move. */
    int64_t seq = -1;
    kh_err_clear(f->e);
    expect_ok(kh_store_change_seq(f->s, &seq, f->e), f->e);
    assert_int_equal(seq, 0);
}

static void test_damaged(void **state)
{
    cfx *f = *state;
    if (test_on_pg())
        skip();   /* a cut file is SQLite's */
    for (int i = 0; i < 30; i++)   /* a file of several pages */
        expect_ok(write_one(f->s, "some text to take room in the file "
                                  "so that it spans pages",
                            f->e),
                  f->e);
    kh_store_close(f->s);
    f->s = NULL;
    struct stat sb;
    assert_int_equal(stat(f->path, &sb), 0);
    assert_int_equal(truncate(f->path, sb.st_size / 2), 0);
    kh_status st = kh_store_open(f->target, 0, f->e, &f->s);
    assert_int_equal(st, KH_EDB);
    assert_int_equal(kh_err_cause(f->e), KH_CAUSE_DAMAGED);
}

static void test_not_a_store(void **state)
{
    cfx *f = *state;
    if (test_on_pg())
        skip();   /* tests/pg/test_bad.sh: another application's database */
    char p[300];
    snprintf(p, sizeof p, "%s/text.db", f->dir);
    FILE *fp = fopen(p, "w");
    assert_non_null(fp);
    for (int i = 0; i < 200; i++)
        fputs("this is a plain text file, not a database\n", fp);
    fclose(fp);
    kh_store *s = NULL;
    assert_int_equal(kh_store_open(p, 0, f->e, &s), KH_EDB);
    assert_int_equal(kh_err_cause(f->e), KH_CAUSE_NOTSTORE);
    kh_store_close(s);
    /* Another program's SQLite database. */
    kh_err_clear(f->e);
    snprintf(p, sizeof p, "%s/other.db", f->dir);
    kh_db *db = NULL;
    assert_int_equal(kh_db_open(p, KH_DB_OPEN_CREATE, &db), KH_DB_OK);
    assert_int_equal(kh_db_exec(db, "CREATE TABLE t (x INTEGER)"), KH_DB_OK);
    kh_db_close(db);
    s = NULL;
    assert_int_equal(kh_store_open(p, 0, f->e, &s), KH_EDB);
    assert_int_equal(kh_err_cause(f->e), KH_CAUSE_NOTSTORE);
    kh_store_close(s);
}

static void test_down(void **state)
{
    cfx *f = *state;
    if (!test_on_pg())
        skip();   /* a server that goes away */
    kh_db_stmt *st = NULL;
    assert_int_equal(kh_db_prepare(f->s->db, "SELECT pg_backend_pid()", &st),
                     KH_DB_OK);
    assert_int_equal(kh_db_step(st), KH_DB_ROW);
    int pid = kh_db_column_int(st, 0);
    kh_db_finalize(st);
    kh_db *other = NULL;
    assert_int_equal(kh_db_open(f->target, 0, &other), KH_DB_OK);
    char sql[80];
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%d)", pid);
    assert_int_equal(kh_db_prepare(other, sql, &st), KH_DB_OK);
    assert_int_equal(kh_db_step(st), KH_DB_ROW);
    kh_db_finalize(st);
    kh_db_close(other);
    int64_t seq = 0;
    assert_int_equal(kh_store_change_seq(f->s, &seq, f->e), KH_EDB);
    assert_int_equal(kh_err_cause(f->e), KH_CAUSE_DOWN);
    /* The server is there again: the next call opens a new connection,
     * re-prepares its statements and writes. */
    kh_err_clear(f->e);
    expect_ok(kh_store_change_seq(f->s, &seq, f->e), f->e);
    expect_ok(write_one(f->s, "after", f->e), f->e);
    expect_ok(kh_store_change_seq(f->s, &seq, f->e), f->e);
    assert_int_equal(seq, 1);
}

/* A connection lost inside a transaction: its COMMIT fails (down) and
 * does not succeed on a new connection; nothing was written, and the
 * next transaction works. */
static void test_down_in_tx(void **state)
{
    cfx *f = *state;
    if (!test_on_pg())
        skip();
    expect_ok(kh_store_begin(f->s, f->e), f->e);
    kh_audit_rec r = {.actor = "test", .action = "test.write"};
    expect_ok(kh_store_audit(f->s, &r, f->e), f->e);
    kh_db_stmt *st = NULL;
    assert_int_equal(kh_db_prepare(f->s->db, "SELECT pg_backend_pid()", &st),
                     KH_DB_OK);
    assert_int_equal(kh_db_step(st), KH_DB_ROW);
    int pid = kh_db_column_int(st, 0);
    kh_db_finalize(st);
    kh_db *other = NULL;
    assert_int_equal(kh_db_open(f->target, 0, &other), KH_DB_OK);
    char sql[80];
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%d)", pid);
    assert_int_equal(kh_db_exec(other, sql), KH_DB_OK);
    kh_db_close(other);
    assert_int_equal(kh_store_commit(f->s, f->e), KH_EDB);
    assert_int_equal(kh_err_cause(f->e), KH_CAUSE_DOWN);
    kh_err_clear(f->e);
    int64_t seq = -1;
    expect_ok(kh_store_change_seq(f->s, &seq, f->e), f->e);
    assert_int_equal(seq, 0);
    expect_ok(write_one(f->s, "again", f->e), f->e);
}

/* The first cause stays: a failure while cleaning up does not hide it. */
static void test_first_cause_stays(void **state)
{
    (void)state;
    kh_err *e = kh_err_new();
    assert_non_null(e);
    kh_err_set_cause(e, KH_CAUSE_FULL);
    kh_err_set_cause(e, KH_CAUSE_IO);
    assert_int_equal(kh_err_cause(e), KH_CAUSE_FULL);
    assert_string_equal(kh_cause_name(KH_CAUSE_FULL), "disk_full");
    kh_err_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_busy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_a_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_down, setup, teardown),
        cmocka_unit_test_setup_teardown(test_down_in_tx, setup, teardown),
        cmocka_unit_test(test_first_cause_stays),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
