/* Unit tests: one row written through kh_store_write and
 * kh_store_insert_audited (lib/store/store_impl.h) - every kind of
 * value bound in order (int, int64 beyond 32 bits, text, NULL text, the
 * store's time stamp), the new row's id, the audit record named by it,
 * and a failing statement named by its step with nothing audited; the
 * row walk (kh_store_each) and the one-value read (kh_store_int64).  Runs
 * on SQLite and, as unit.test_store_write.pg, on PostgreSQL. */
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

/* 2026-01-01T00:00:00Z */
#define NEW_YEAR 1767225600
/* Beyond 32 bits: an int64 bound as an int would lose it. */
#define BIG 5000000000LL

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    f->e = kh_err_new();
    const char *db = test_target(":memory:", f->db, sizeof f->db);
    expect_ok(kh_store_open(db, KH_STORE_CREATE, f->e, &f->s), f->e);
    kh_store_set_time(f->s, NEW_YEAR);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    kh_store_close(f->s);
    kh_err_free(f->e);
    free(f);
    return 0;
}

/* Counts the audit records with action "test.add". */
static kh_status count_test_add(void *ctx, const kh_audit_row *row)
{
    if (!strcmp(row->rec.action, "test.add"))
        ++*(int *)ctx;
    return KH_OK;
}

/* Finds the audit record "test.add" and copies its object. */
static kh_status find_object(void *ctx, const kh_audit_row *row)
{
    if (!strcmp(row->rec.action, "test.add"))
        snprintf(ctx, 64, "%s", row->rec.object);
    return KH_OK;
}

static void test_insert_audited(void **state)
{
    fx *f = *state;
    const kh_store_val row[] = {
        KH_SV_TEXT("t-rubric"), KH_SV_TEXT("abc"),  KH_SV_TEXT("T"),
        KH_SV_TEXT("source"),   KH_SV_TEXT(NULL),   KH_SV_NOW,
        KH_SV_TEXT("tester")};
    kh_audit_rec a = {.actor = "tester", .action = "test.add",
                      .new_value = "added"};
    int64_t id = 0;
    expect_ok(kh_store_begin(f->s, f->e), f->e);
    expect_ok(kh_store_insert_audited(
                  f->s,
                  "INSERT INTO rubric (rubric_id, sha256, title, source,"
                  " file_name, imported_at, imported_by)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?)",
                  row, KH_SV_COUNT(row), "testing a write", "rubric ", &a,
                  &id, f->e),
              f->e);
    expect_ok(kh_store_commit(f->s, f->e), f->e);
    assert_true(id > 0);
    assert_null(a.object);   /* the caller's record is left as it was */

    kh_db_stmt *st;
    expect_ok(kh_store_stmt(f->s,
                            "SELECT id, file_name, imported_at, imported_by"
                            " FROM rubric WHERE rubric_id = 't-rubric'",
                            &st, f->e),
              f->e);
    assert_int_equal(kh_db_step(st), KH_DB_ROW);
    assert_int_equal(kh_db_column_int64(st, 0), id);
    assert_null(kh_store_col_str(st, 1));
    assert_string_equal(kh_store_col_str(st, 2), "2026-01-01T00:00:00Z");
    assert_string_equal(kh_store_col_str(st, 3), "tester");
    kh_db_reset(st);

    char obj[64] = "", want[64];
    snprintf(want, sizeof want, "rubric %lld", (long long)id);
    expect_ok(kh_store_audit_each(f->s, 0, NULL, find_object, obj, f->e),
              f->e);
    assert_string_equal(obj, want);
}

static void test_write_int_kinds(void **state)
{
    fx *f = *state;
    const kh_store_val row[] = {KH_SV_TEXT("h"), KH_SV_TEXT("c"),
                                KH_SV_TEXT("u"), KH_SV_INT(3),
                                KH_SV_TEXT(""),  KH_SV_INT64(BIG),
                                KH_SV_INT64(BIG + 1)};
    expect_ok(kh_store_write(f->s,
                             "INSERT INTO web_session (id_hash, csrf,"
                             " user_name, role, unit, created, seen)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?)",
                             row, KH_SV_COUNT(row), "testing a write", NULL,
                             f->e),
              f->e);
    const kh_store_val upd[] = {KH_SV_INT64(BIG + 2), KH_SV_TEXT("h")};
    expect_ok(kh_store_write(f->s,
                             "UPDATE web_session SET seen = ?"
                             " WHERE id_hash = ?",
                             upd, KH_SV_COUNT(upd), "testing a write", NULL,
                             f->e),
              f->e);
    kh_db_stmt *st;
    expect_ok(kh_store_stmt(f->s,
                            "SELECT role, created, seen FROM web_session"
                            " WHERE id_hash = 'h'",
                            &st, f->e),
              f->e);
    assert_int_equal(kh_db_step(st), KH_DB_ROW);
    assert_int_equal(kh_db_column_int64(st, 0), 3);
    assert_int_equal(kh_db_column_int64(st, 1), BIG);
    assert_int_equal(kh_db_column_int64(st, 2), BIG + 2);
    kh_db_reset(st);
}

/* A statement that fails is named by its step, and the audited insert
 * adds no record. */
static void test_failure_named(void **state)
{
    fx *f = *state;
    const kh_store_val row[] = {KH_SV_TEXT("dup"), KH_SV_INT(1),
                                KH_SV_INT64(0), KH_SV_INT64(0)};
    expect_ok(kh_store_write(f->s,
                             "INSERT INTO web_throttle (tkey, fails,"
                             " first_at, lock_seq) VALUES (?, ?, ?, ?)",
                             row, KH_SV_COUNT(row), "testing a write", NULL,
                             f->e),
              f->e);
    kh_audit_rec a = {.actor = "tester", .action = "test.add"};
    int64_t id = -1;
    expect_ok(kh_store_begin(f->s, f->e), f->e);
    kh_status st = kh_store_insert_audited(
        f->s,
        "INSERT INTO web_throttle (tkey, fails, first_at, lock_seq)"
        " VALUES (?, ?, ?, ?)",
        row, KH_SV_COUNT(row), "adding a test row twice", "throttle ", &a,
        &id, f->e);
    kh_store_rollback(f->s);
    assert_int_equal(st, KH_EDB);
    assert_int_equal(id, -1);
    expect_msg(f->e, "adding a test row twice", NULL);
    int n = 0;
    expect_ok(kh_store_audit_each(f->s, 0, NULL, count_test_add, &n, f->e),
              f->e);
    assert_int_equal(n, 0);
}

/* Three throttle rows, keys a, b and c. */
static void add_keys(fx *f)
{
    const char *keys[] = {"a", "b", "c"};
    for (size_t i = 0; i < 3; i++) {
        const kh_store_val row[] = {KH_SV_TEXT(keys[i]), KH_SV_INT(1),
                                    KH_SV_INT64(0), KH_SV_INT64(0)};
        expect_ok(kh_store_write(f->s,
                                 "INSERT INTO web_throttle (tkey, fails,"
                                 " first_at, lock_seq) VALUES (?, ?, ?, ?)",
                                 row, KH_SV_COUNT(row), "testing a write",
                                 NULL, f->e),
                  f->e);
    }
}

/* kh_store_each's rows: the keys seen, and the key that stops it. */
typedef struct keys {
    char got[8];
    const char *stop;
} keys;

static kh_status key_row(kh_db_stmt *st, void *ctx)
{
    keys *k = ctx;
    const char *key = kh_store_col_str(st, 0);
    strncat(k->got, key, sizeof k->got - strlen(k->got) - 1);
    return k->stop && !strcmp(key, k->stop) ? KH_EINVAL : KH_OK;
}

#define KEYS_SQL "SELECT tkey FROM web_throttle ORDER BY tkey"
#define DUP_SQL                                                         \
    "INSERT INTO web_throttle (tkey, fails, first_at, lock_seq)"        \
    " VALUES ('a', 1, 0, 0)"

/* kh_store_each: every row in order; a row's failure stops the walk and
 * is returned, the statement reset; a failed step is the store's,
 * named, without a row. */
static void test_each(void **state)
{
    fx *f = *state;
    add_keys(f);
    kh_db_stmt *st;
    keys k = {"", NULL};
    expect_ok(kh_store_stmt(f->s, KEYS_SQL, &st, f->e), f->e);
    expect_ok(kh_store_each(f->s, st, key_row, &k, f->e, "reading keys"),
              f->e);
    assert_string_equal(k.got, "abc");

    keys stop = {"", "b"};
    expect_ok(kh_store_stmt(f->s, KEYS_SQL, &st, f->e), f->e);
    assert_int_equal(kh_store_each(f->s, st, key_row, &stop, f->e,
                                   "reading keys"),
                     KH_EINVAL);
    assert_string_equal(stop.got, "ab");
    assert_int_equal(kh_db_step(st), KH_DB_ROW);   /* reset: from "a" */
    assert_string_equal(kh_store_col_str(st, 0), "a");
    kh_db_reset(st);

    keys none = {"", NULL};
    expect_ok(kh_store_stmt(f->s, DUP_SQL, &st, f->e), f->e);
    assert_int_equal(kh_store_each(f->s, st, key_row, &none, f->e,
                                   "adding a key twice"),
                     KH_EDB);
    expect_msg(f->e, "adding a key twice", NULL);
    assert_string_equal(none.got, "");
}

/* kh_store_int64: the one row's first column; a failed step is the
 * store's, named, with 0. */
static void test_int64(void **state)
{
    fx *f = *state;
    add_keys(f);
    kh_db_stmt *st;
    int64_t n = -1;
    expect_ok(kh_store_stmt(f->s, "SELECT count(*) FROM web_throttle", &st,
                            f->e),
              f->e);
    expect_ok(kh_store_int64(f->s, st, &n, f->e, "counting keys"), f->e);
    assert_int_equal(n, 3);
    expect_ok(kh_store_stmt(f->s, DUP_SQL, &st, f->e), f->e);
    assert_int_equal(kh_store_int64(f->s, st, &n, f->e, "adding a key"),
                     KH_EDB);
    expect_msg(f->e, "adding a key", NULL);
    assert_int_equal(n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_insert_audited, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_write_int_kinds, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_failure_named, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_each, setup, teardown),
        cmocka_unit_test_setup_teardown(test_int64, setup, teardown),

    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
