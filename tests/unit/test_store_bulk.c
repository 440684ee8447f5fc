/* Unit tests: the driver's bulk load (kh_db_bulk_*, lib/store/db.c) on
 * SQLite (one reused INSERT) and, as unit.test_store_bulk.pg, on
 * PostgreSQL (COPY FROM STDIN in text format): values that COPY's text
 * format must escape (tabs, newlines, carriage returns, backslashes, a
 * text "\N", quotes), NULL beside the empty string, CJK text, integer
 * extremes, every byte value in a blob, and a large text and blob that
 * span many chunks come back byte for byte; a refused row (a CHECK, a
 * foreign key) fails the load with its row number where the engine says
 * it, after rows were already sent too, and leaves the table empty once
 * the transaction is rolled back; on PostgreSQL a load by a role that
 * may not drop the table's keys keeps them and still refuses a bad key;
 * a server killed in the middle of a COPY fails the load with the
 * "down" cause and nothing is stored. */
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

static const char schema[] =
    "CREATE TABLE t ("
    "  id INTEGER PRIMARY KEY,"
    "  s TEXT,"
    "  b BLOB,"
    "  n INTEGER);"
    "CREATE TABLE u ("
    "  id INTEGER PRIMARY KEY,"
    "  v TEXT NOT NULL CHECK (v <> 'bad'));"
    "CREATE TABLE c ("
    "  id INTEGER PRIMARY KEY,"
    "  p INTEGER NOT NULL REFERENCES u(id));";

typedef struct bk {
    char dir[64];
    char file[128], buf[512];
    const char *target;   /* the file, or a new PostgreSQL database */
    kh_db *db;
} bk;

static int setup(void **state)
{
    bk *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/kh_bulk_XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->file, sizeof f->file, "%s/b.db", f->dir);
    f->target = test_target(f->file, f->buf, sizeof f->buf);
    if (kh_db_open(f->target, KH_DB_OPEN_CREATE, &f->db) != KH_DB_OK)
        fail_msg("%s: %s", f->target, kh_db_errmsg(f->db));
    if (kh_db_engine_of(f->db) == KH_DB_SQLITE)
        assert_int_equal(kh_db_exec(f->db, "PRAGMA foreign_keys = ON"),
                         KH_DB_OK);
    if (kh_db_exec_schema(f->db, schema) != KH_DB_OK)
        fail_msg("schema: %s", kh_db_errmsg(f->db));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    bk *f = *state;
    kh_db_close(f->db);
    nftw(f->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

/* One row of t: text and blob NULL when their pointer is. */
typedef struct row {
    int64_t id;
    const char *s;
    size_t slen;
    const unsigned char *b;
    size_t blen;
    bool n_null;
    int64_t n;
} row;

static void put_row(kh_db_bulk *load, const row *r)
{
    assert_int_equal(kh_db_bulk_int64(load, r->id), KH_DB_OK);
    assert_int_equal(r->s ? kh_db_bulk_text(load, r->s, r->slen)
                          : kh_db_bulk_null(load),
                     KH_DB_OK);
    assert_int_equal(r->b ? kh_db_bulk_blob(load, r->b, r->blen)
                          : kh_db_bulk_null(load),
                     KH_DB_OK);
    assert_int_equal(r->n_null ? kh_db_bulk_null(load)
                               : kh_db_bulk_int64(load, r->n),
                     KH_DB_OK);
    assert_int_equal(kh_db_bulk_row(load), KH_DB_OK);
}

static void expect_bytes(kh_db_stmt *st, int col, const void *want,
                         size_t len, bool blob)
{
    if (!want) {
        assert_true(kh_db_column_is_null(st, col));
        return;
    }
    assert_false(kh_db_column_is_null(st, col));
    const void *got = blob ? kh_db_column_blob(st, col)
                           : kh_db_column_text(st, col);
    assert_int_equal((size_t)kh_db_column_bytes(st, col), len);
    assert_true(len == 0 || memcmp(got, want, len) == 0);
}

static int64_t count_of(kh_db *db, const char *table)
{
    char sql[64];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    kh_db_stmt *st = NULL;
    assert_int_equal(kh_db_prepare(db, sql, &st), KH_DB_OK);
    assert_int_equal(kh_db_step(st), KH_DB_ROW);
    int64_t n = kh_db_column_int64(st, 0);
    kh_db_finalize(st);
    return n;
}

static void test_values_round_trip(void **state)
{
    bk *f = *state;
    unsigned char every[256];
    for (int i = 0; i < 256; i++)
        every[i] = (unsigned char)i;
    /* Larger than several chunks, with everything COPY escapes. */
    static const char piece[] = "a\tb\nc\r\\d \\N 考核要点「评分」 '\" ";
    size_t big_len = 3 * KH_DB_BULK_CHUNK + 17;
    char *big = malloc(big_len);
    unsigned char *blob = malloc(big_len * 2);
    assert_non_null(big);
    assert_non_null(blob);
    for (size_t i = 0; i < big_len; i++)
        big[i] = piece[i % (sizeof piece - 1)];
    big[big_len - 1] = '\\';   /* an escape as the very last byte */
    for (size_t i = 0; i < big_len * 2; i++)
        blob[i] = (unsigned char)(i * 7919 >> 3);
    static const char cjk[] = "中文：考核要点 2.2「评分」";
    const row rows[] = {
        {1, "tab\there", 8, every, 256, false, INT64_MIN},
        {2, "line\nbreak\r\nCRLF", 16, NULL, 0, false, INT64_MAX},
        {3, "back\\slash \\N \\\\N", 17, (const unsigned char *)"\\N", 2,
         false, 0},
        {4, "\\N", 2, (const unsigned char *)"", 0, false, -1},
        {5, NULL, 0, (const unsigned char *)"quote ' and \" ", 14, true, 0},
        {6, cjk, sizeof cjk - 1, (const unsigned char *)cjk, sizeof cjk - 1,
         false, 42},
        {7, big, big_len, blob, big_len * 2, false, 7},
        {8, "", 0, NULL, 0, true, 0},
    };
    size_t nrows = sizeof rows / sizeof *rows;
    static const char *const cols[] = {"id", "s", "b", "n"};
    assert_int_equal(kh_db_begin(f->db), KH_DB_OK);
    kh_db_bulk *load = NULL;
    assert_int_equal(kh_db_bulk_begin(f->db, "t", cols, 4, &load), KH_DB_OK);
    for (size_t i = 0; i < nrows; i++)
        put_row(load, &rows[i]);
    int64_t bad = -1;
    if (kh_db_bulk_finish(load, false, &bad) != KH_DB_OK)
        fail_msg("load: %s", kh_db_errmsg(f->db));
    assert_int_equal(bad, 0);
    assert_int_equal(kh_db_commit(f->db), KH_DB_OK);

    kh_db_stmt *st = NULL;
    assert_int_equal(kh_db_prepare(f->db, "SELECT id, s, b, n FROM t"
                                          " ORDER BY id", &st),
                     KH_DB_OK);
    for (size_t i = 0; i < nrows; i++) {
        assert_int_equal(kh_db_step(st), KH_DB_ROW);
        const row *r = &rows[i];
        assert_int_equal(kh_db_column_int64(st, 0), r->id);
        expect_bytes(st, 1, r->s, r->slen, false);
        expect_bytes(st, 2, r->b, r->blen, true);
        if (r->n_null)
            assert_true(kh_db_column_is_null(st, 3));
        else
            assert_int_equal(kh_db_column_int64(st, 3), r->n);
    }
    assert_int_equal(kh_db_step(st), KH_DB_DONE);
    kh_db_finalize(st);
    free(big);
    free(blob);
}

/* Loads n rows into u, row `bad` (from 1) refused by its CHECK; returns
 * the load's outcome and the row it names. */
static int load_u(kh_db *db, int n, int bad, int64_t *bad_row)
{
    static const char *const cols[] = {"id", "v"};
    kh_db_bulk *load = NULL;
    assert_int_equal(kh_db_bulk_begin(db, "u", cols, 2, &load), KH_DB_OK);
    char v[128];
    int rc = KH_DB_OK;
    for (int i = 1; i <= n && rc == KH_DB_OK; i++) {
        snprintf(v, sizeof v, "%s row %d: some words to fill the chunks "
                 "sooner\twith a tab", i == bad ? "bad" : "good", i);
        if (i == bad)
            v[3] = '\0';
        if ((rc = kh_db_bulk_int64(load, i)) == KH_DB_OK &&
            (rc = kh_db_bulk_text(load, v, strlen(v))) == KH_DB_OK)
            rc = kh_db_bulk_row(load);
    }
    int end = kh_db_bulk_finish(load, false, bad_row);
    return rc != KH_DB_OK && end == KH_DB_OK ? rc : end;
}

static void test_refused_row(void **state)
{
    bk *f = *state;
    /* Early, in the only chunk; then after thousands of rows were sent. */
    static const int cases[][2] = {{5, 4}, {30000, 25000}};
    for (size_t k = 0; k < 2; k++) {
        assert_int_equal(kh_db_begin(f->db), KH_DB_OK);
        int64_t bad = -1;
        int rc = load_u(f->db, cases[k][0], cases[k][1], &bad);
        assert_int_equal(rc, KH_DB_CONSTRAINT);
        assert_int_equal(bad, cases[k][1]);
        const char *m = kh_db_errmsg(f->db);
        assert_true(strstr(m, "check") || strstr(m, "CHECK"));
        assert_int_equal(kh_db_rollback(f->db), KH_DB_OK);
        assert_int_equal(count_of(f->db, "u"), 0);
    }
    /* The connection goes on: the same load without the bad row. */
    assert_int_equal(kh_db_begin(f->db), KH_DB_OK);
    int64_t bad = -1;
    assert_int_equal(load_u(f->db, 100, 0, &bad), KH_DB_OK);
    assert_int_equal(kh_db_commit(f->db), KH_DB_OK);
    assert_int_equal(count_of(f->db, "u"), 100);
}

/* A foreign key: SQLite refuses the row as it goes in; PostgreSQL checks
 * the keys at the end of the COPY and names the key instead. */
static void test_refused_key(void **state)
{
    bk *f = *state;
    assert_int_equal(kh_db_begin(f->db), KH_DB_OK);
    int64_t bad = -1;
    assert_int_equal(load_u(f->db, 2, 0, &bad), KH_DB_OK);
    static const char *const cols[] = {"id", "p"};
    kh_db_bulk *load = NULL;
    assert_int_equal(kh_db_bulk_begin(f->db, "c", cols, 2, &load), KH_DB_OK);
    int rc = KH_DB_OK;
    for (int i = 1; i <= 3 && rc == KH_DB_OK; i++)
        if ((rc = kh_db_bulk_int64(load, i)) == KH_DB_OK &&
            (rc = kh_db_bulk_int64(load, i == 2 ? 7 : 1)) == KH_DB_OK)
            rc = kh_db_bulk_row(load);
    int end = kh_db_bulk_finish(load, false, &bad);
    assert_int_equal(rc != KH_DB_OK ? rc : end, KH_DB_CONSTRAINT);
    assert_int_equal(end, KH_DB_CONSTRAINT);
    if (test_on_pg()) {
        assert_int_equal(bad, 0);
        assert_non_null(strstr(kh_db_errmsg(f->db), "(p)=(7)"));
    } else {
        assert_int_equal(bad, 2);
    }
    assert_int_equal(kh_db_rollback(f->db), KH_DB_OK);
    assert_int_equal(count_of(f->db, "c"), 0);
    assert_int_equal(count_of(f->db, "u"), 0);
    /* A load that goes through leaves the key in force (PostgreSQL drops
     * it for the load and adds it again). */
    assert_int_equal(kh_db_begin(f->db), KH_DB_OK);
    assert_int_equal(load_u(f->db, 2, 0, &bad), KH_DB_OK);
    assert_int_equal(kh_db_bulk_begin(f->db, "c", cols, 2, &load), KH_DB_OK);
    assert_int_equal(kh_db_bulk_int64(load, 1), KH_DB_OK);
    assert_int_equal(kh_db_bulk_int64(load, 2), KH_DB_OK);
    assert_int_equal(kh_db_bulk_row(load), KH_DB_OK);
    assert_int_equal(kh_db_bulk_finish(load, false, &bad), KH_DB_OK);
    assert_int_equal(kh_db_commit(f->db), KH_DB_OK);
    assert_int_equal(kh_db_exec(f->db, "INSERT INTO c VALUES (2, 9)"),
                     KH_DB_CONSTRAINT);
    assert_int_equal(count_of(f->db, "c"), 1);
}

/* PostgreSQL: a connection that may not alter the table (not its owner)
 * cannot drop its keys for the load; the load goes on with the keys in
 * place, a bad key still refused, good rows stored. */
static void test_keys_not_ours(void **state)
{
    bk *f = *state;
    if (!test_on_pg())
        skip();   /* SQLite has no owners */
    assert_int_equal(kh_db_exec(f->db, "DO $$ BEGIN CREATE ROLE"
                                " kh_bulk_nonowner; EXCEPTION WHEN"
                                " duplicate_object OR unique_violation"
                                " THEN NULL; END $$"),
                     KH_DB_OK);
    assert_int_equal(kh_db_exec(f->db, "GRANT SELECT, INSERT ON u, c TO"
                                " kh_bulk_nonowner;"
                                " SET ROLE kh_bulk_nonowner"),
                     KH_DB_OK);
    static const char *const cols[] = {"id", "p"};
    for (int bad_key = 1; bad_key >= 0; bad_key--) {
        assert_int_equal(kh_db_begin(f->db), KH_DB_OK);
        int64_t bad = -1;
        assert_int_equal(load_u(f->db, 2, 0, &bad), KH_DB_OK);
        kh_db_bulk *load = NULL;
        assert_int_equal(kh_db_bulk_begin(f->db, "c", cols, 2, &load),
                         KH_DB_OK);
        assert_int_equal(kh_db_bulk_int64(load, 1), KH_DB_OK);
        assert_int_equal(kh_db_bulk_int64(load, bad_key ? 7 : 2), KH_DB_OK);
        assert_int_equal(kh_db_bulk_row(load), KH_DB_OK);
        int rc = kh_db_bulk_finish(load, false, &bad);
        if (bad_key) {
            assert_int_equal(rc, KH_DB_CONSTRAINT);
            assert_non_null(strstr(kh_db_errmsg(f->db), "(p)=(7)"));
            assert_int_equal(kh_db_rollback(f->db), KH_DB_OK);
        } else {
            if (rc != KH_DB_OK)
                fail_msg("load: %s", kh_db_errmsg(f->db));
            assert_int_equal(kh_db_commit(f->db), KH_DB_OK);
        }
    }
    assert_int_equal(count_of(f->db, "c"), 1);
    assert_int_equal(kh_db_exec(f->db, "RESET ROLE"), KH_DB_OK);
}

/* The caller's own failure cancels the load: nothing of it stays. */
static void test_abort(void **state)
{
    bk *f = *state;
    assert_int_equal(kh_db_begin(f->db), KH_DB_OK);
    static const char *const cols[] = {"id", "v"};
    kh_db_bulk *load = NULL;
    assert_int_equal(kh_db_bulk_begin(f->db, "u", cols, 2, &load), KH_DB_OK);
    assert_int_equal(kh_db_bulk_int64(load, 1), KH_DB_OK);
    /* One value short: the row is refused before the engine sees it. */
    assert_int_not_equal(kh_db_bulk_row(load), KH_DB_OK);
    int64_t bad = -1;
    assert_int_not_equal(kh_db_bulk_finish(load, true, &bad), KH_DB_OK);
    assert_int_equal(kh_db_rollback(f->db), KH_DB_OK);
    assert_int_equal(count_of(f->db, "u"), 0);
    /* Names that are not plain are refused before any SQL is made. */
    static const char *const odd[] = {"id", "v; DROP TABLE u"};
    assert_int_not_equal(kh_db_bulk_begin(f->db, "u", odd, 2, &load),
                         KH_DB_OK);
    assert_null(load);
}

/* The server process of the connection is terminated in the middle of a
 * COPY (after chunks were sent): the load fails as "down", and the rows
 * sent before are not stored. */
static void test_killed_mid_copy(void **state)
{
    bk *f = *state;
    if (!test_on_pg())
        skip();   /* a server that goes away */
    kh_db_stmt *st = NULL;
    assert_int_equal(kh_db_prepare(f->db, "SELECT pg_backend_pid()", &st),
                     KH_DB_OK);
    assert_int_equal(kh_db_step(st), KH_DB_ROW);
    int pid = kh_db_column_int(st, 0);
    kh_db_finalize(st);
    assert_int_equal(kh_db_begin(f->db), KH_DB_OK);
    static const char *const cols[] = {"id", "v"};
    kh_db_bulk *load = NULL;
    assert_int_equal(kh_db_bulk_begin(f->db, "u", cols, 2, &load), KH_DB_OK);
    char v[200];
    memset(v, 'x', sizeof v - 1);
    v[sizeof v - 1] = '\0';
    int rc = KH_DB_OK;
    int64_t i = 1;
    /* Several chunks sent, then the kill, then rows until the broken
     * connection shows (a bounded number). */
    for (; i <= 20000 && rc == KH_DB_OK; i++)
        if ((rc = kh_db_bulk_int64(load, i)) == KH_DB_OK &&
            (rc = kh_db_bulk_text(load, v, strlen(v))) == KH_DB_OK)
            rc = kh_db_bulk_row(load);
    assert_int_equal(rc, KH_DB_OK);
    kh_db *other = NULL;
    assert_int_equal(kh_db_open(f->target, 0, &other), KH_DB_OK);
    char sql[80];
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%d)", pid);
    assert_int_equal(kh_db_exec(other, sql), KH_DB_OK);
    for (; i <= 2000000 && rc == KH_DB_OK; i++)
        if ((rc = kh_db_bulk_int64(load, i)) == KH_DB_OK &&
            (rc = kh_db_bulk_text(load, v, strlen(v))) == KH_DB_OK)
            rc = kh_db_bulk_row(load);
    int64_t bad = -1;
    int end = kh_db_bulk_finish(load, false, &bad);
    assert_int_not_equal(end, KH_DB_OK);
    assert_int_equal(kh_db_cause(end), KH_CAUSE_DOWN);
    (void)kh_db_rollback(f->db);   /* the connection is gone */
    assert_int_equal(count_of(other, "u"), 0);
    kh_db_close(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_values_round_trip, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_refused_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keys_not_ours, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort, setup, teardown),
        cmocka_unit_test_setup_teardown(test_killed_mid_copy, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
