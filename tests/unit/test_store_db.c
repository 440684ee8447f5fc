/* Unit tests: the store's driver layer (lib/store/db.c) on SQLite, and as
 * unit.test_store_db.pg on PostgreSQL: a migration written in SQLite's
 * style runs unchanged, ids, blobs, placeholders, NULL tests, byte order,
 * constraint errors, a failed bind stopping the statement. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "db.h"
#include "store_test_util.h"

/* A new migration as another engineer would write it for SQLite. */
static const char schema[] =
    "CREATE TABLE parent ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  data BLOB,"
    "  flag INTEGER NOT NULL DEFAULT 0 CHECK (flag IN (0, 1)));"
    "CREATE TABLE child ("
    "  id INTEGER PRIMARY KEY,"
    "  parent INTEGER NOT NULL REFERENCES parent(id) ON DELETE CASCADE,"
    "  text TEXT,"                       /* a column named like a type */
    "  note TEXT DEFAULT 'a ''BLOB'' INTEGER?',"
    "  UNIQUE (parent, text));";

static kh_db *open_db(void)
{
    char buf[512];
    kh_db *db = NULL;
    const char *t = test_target(":memory:", buf, sizeof buf);
    if (kh_db_open(t, KH_DB_OPEN_CREATE, &db) != KH_DB_OK)
        fail_msg("%s: %s", t, kh_db_errmsg(db));
    if (kh_db_engine_of(db) == KH_DB_SQLITE)
        assert_int_equal(kh_db_exec(db, "PRAGMA foreign_keys = ON"),
                         KH_DB_OK);
    if (kh_db_exec_schema(db, schema) != KH_DB_OK)
        fail_msg("schema: %s", kh_db_errmsg(db));
    return db;
}

/* Inserts a parent; returns the id the engine gave it. */
static int64_t add_parent(kh_db *db, const char *name, const void *data,
                          size_t len)
{
    kh_db_stmt *st;
    assert_int_equal(kh_db_prepare_persistent(
                         db, "INSERT INTO parent (name, data) VALUES (?, ?)",
                         &st),
                     KH_DB_OK);
    assert_int_equal(kh_db_bind_text(st, 1, name, -1), KH_DB_OK);
    assert_int_equal(kh_db_bind_blob(st, 2, data, len), KH_DB_OK);
    if (kh_db_step(st) != KH_DB_DONE)
        fail_msg("insert %s: %s", name, kh_db_errmsg(db));
    kh_db_finalize(st);
    return kh_db_last_insert_rowid(db);
}

static void test_ids_and_blobs(void **state)
{
    (void)state;
    kh_db *db = open_db();
    unsigned char bytes[256];
    for (size_t i = 0; i < sizeof bytes; i++)
        bytes[i] = (unsigned char)i;       /* NULs, quotes, backslashes */
    assert_int_equal(add_parent(db, "甲", bytes, sizeof bytes), 1);
    assert_int_equal(add_parent(db, "乙", "", 0), 2);
    kh_db_stmt *st;
    assert_int_equal(kh_db_prepare(db, "SELECT data, flag, id FROM parent"
                                       " WHERE name = ?", &st),
                     KH_DB_OK);
    assert_int_equal(kh_db_bind_text(st, 1, "甲", -1), KH_DB_OK);
    assert_int_equal(kh_db_step(st), KH_DB_ROW);
    assert_int_equal(kh_db_column_bytes(st, 0), 256);
    assert_memory_equal(kh_db_column_blob(st, 0), bytes, sizeof bytes);
    assert_int_equal(kh_db_column_int(st, 1), 0);   /* DEFAULT */
    assert_int_equal(kh_db_column_int64(st, 2), 1);
    assert_int_equal(kh_db_column_kind(st, 2), KH_DB_T_INTEGER);
    assert_int_equal(kh_db_step(st), KH_DB_DONE);
    kh_db_finalize(st);
    kh_db_close(db);
}

static void test_placeholders(void **state)
{
    (void)state;
    kh_db *db = open_db();
    add_parent(db, "b", "x", 1);
    add_parent(db, "B", "x", 1);
    add_parent(db, "a", "x", 1);
    kh_db_stmt *st;
    /* A ? inside a literal is text; ? IS NULL gets a type; byte order. */
    assert_int_equal(kh_db_prepare(db, "SELECT 'what?', name FROM parent"
                                       " WHERE (? IS NULL OR name = ?)"
                                       " AND id > ? ORDER BY name",
                                   &st),
                     KH_DB_OK);
    assert_int_equal(kh_db_bind_null(st, 1), KH_DB_OK);
    assert_int_equal(kh_db_bind_null(st, 2), KH_DB_OK);
    assert_int_equal(kh_db_bind_int(st, 3, 0), KH_DB_OK);
    const char *want[] = {"B", "a", "b"};
    for (size_t i = 0; i < 3; i++) {
        if (kh_db_step(st) != KH_DB_ROW)
            fail_msg("row %zu: %s", i, kh_db_errmsg(db));
        assert_string_equal(kh_db_column_text(st, 0), "what?");
        assert_string_equal(kh_db_column_text(st, 1), want[i]);
    }
    assert_int_equal(kh_db_step(st), KH_DB_DONE);
    /* Run again with the filter set. */
    assert_int_equal(kh_db_reset(st), KH_DB_OK);
    assert_int_equal(kh_db_bind_text(st, 1, "a", -1), KH_DB_OK);
    assert_int_equal(kh_db_bind_text(st, 2, "a", -1), KH_DB_OK);
    assert_int_equal(kh_db_step(st), KH_DB_ROW);
    assert_string_equal(kh_db_column_text(st, 1), "a");
    assert_int_equal(kh_db_step(st), KH_DB_DONE);
    kh_db_finalize(st);
    /* Rows changed. */
    assert_int_equal(kh_db_exec(db, "UPDATE parent SET flag = 1"), KH_DB_OK);
    assert_int_equal(kh_db_changes(db), 3);
    kh_db_close(db);
}

static void test_errors(void **state)
{
    (void)state;
    kh_db *db = open_db();
    int64_t id = add_parent(db, "甲", "x", 1);
    kh_db_stmt *st;
    assert_int_equal(kh_db_prepare(db, "INSERT INTO parent (name) VALUES (?)",
                                   &st),
                     KH_DB_OK);
    assert_int_equal(kh_db_bind_text(st, 1, "甲", -1), KH_DB_OK);
    assert_int_equal(kh_db_step(st), KH_DB_CONSTRAINT);   /* UNIQUE */
    assert_int_equal(kh_db_errcode(db), KH_DB_CONSTRAINT);
    kh_db_finalize(st);
    assert_int_equal(kh_db_exec(db, "UPDATE parent SET flag = 2"),
                     KH_DB_CONSTRAINT);                   /* CHECK */
    assert_int_equal(kh_db_prepare(db, "INSERT INTO child (parent, text)"
                                       " VALUES (?, ?)", &st),
                     KH_DB_OK);
    assert_int_equal(kh_db_bind_int64(st, 1, id + 99), KH_DB_OK);
    assert_int_equal(kh_db_bind_text(st, 2, "x", -1), KH_DB_OK);
    assert_int_equal(kh_db_step(st), KH_DB_CONSTRAINT);   /* REFERENCES */
    kh_db_finalize(st);
    /* The default with quotes and a ? in it is stored as written. */
    assert_int_equal(kh_db_exec(db, "INSERT INTO child (parent, text)"
                                    " VALUES (1, 'y')"),
                     KH_DB_OK);
    assert_int_equal(kh_db_prepare(db, "SELECT note FROM child", &st),
                     KH_DB_OK);
    assert_int_equal(kh_db_step(st), KH_DB_ROW);
    assert_string_equal(kh_db_column_text(st, 0), "a 'BLOB' INTEGER?");
    kh_db_finalize(st);
    assert_int_equal(kh_db_exec(db, "SELEC 1"), KH_DB_ERROR);
    assert_true(strlen(kh_db_errmsg(db)) > 0);
    assert_null(strchr(kh_db_errmsg(db), '\n'));
    kh_db_close(db);
}

static void test_transactions(void **state)
{
    (void)state;
    kh_db *db = open_db();
    assert_int_equal(kh_db_begin(db), KH_DB_OK);
    add_parent(db, "kept", "x", 1);
    assert_int_equal(kh_db_savepoint(db), KH_DB_OK);
    add_parent(db, "dropped", "x", 1);
    assert_int_equal(kh_db_rollback_to(db), KH_DB_OK);
    assert_int_equal(kh_db_commit(db), KH_DB_OK);
    assert_int_equal(kh_db_begin(db), KH_DB_OK);
    add_parent(db, "rolled back", "x", 1);
    assert_int_equal(kh_db_rollback(db), KH_DB_OK);
    kh_db_stmt *st;
    assert_int_equal(kh_db_prepare(db, "SELECT count(*), max(name) FROM"
                                       " parent", &st),
                     KH_DB_OK);
    assert_int_equal(kh_db_step(st), KH_DB_ROW);
    assert_int_equal(kh_db_column_int64(st, 0), 1);
    assert_string_equal(kh_db_column_text(st, 1), "kept");
    kh_db_finalize(st);
    kh_db_close(db);
}

/* A bind that fails (here: a parameter the statement does not have)
 * must stop the statement: run with that parameter NULL, this DELETE
 * would delete nothing and report success. */
static void test_failed_bind_stops_step(void **state)
{
    (void)state;
    kh_db *db = open_db();
    add_parent(db, "甲", "x", 1);
    kh_db_stmt *st;
    assert_int_equal(kh_db_prepare(db, "DELETE FROM parent WHERE name = ?",
                                   &st),
                     KH_DB_OK);
    assert_int_not_equal(kh_db_bind_text(st, 2, "甲", -1), KH_DB_OK);
    assert_int_equal(kh_db_bind_text(st, 1, "乙", -1), KH_DB_OK);
    assert_int_not_equal(kh_db_step(st), KH_DB_DONE);
    assert_int_not_equal(kh_db_step(st), KH_DB_DONE);   /* still failing */
    /* Cleared bindings start again. */
    kh_db_reset(st);
    kh_db_clear_bindings(st);
    assert_int_equal(kh_db_bind_text(st, 1, "甲", -1), KH_DB_OK);
    assert_int_equal(kh_db_step(st), KH_DB_DONE);
    kh_db_finalize(st);
    assert_int_equal(kh_db_prepare(db, "SELECT count(*) FROM parent", &st),
                     KH_DB_OK);
    assert_int_equal(kh_db_step(st), KH_DB_ROW);
    assert_int_equal(kh_db_column_int64(st, 0), 0);
    kh_db_finalize(st);
    kh_db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids_and_blobs),
        cmocka_unit_test(test_placeholders),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_transactions),
        cmocka_unit_test(test_failed_bind_stops_step),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
