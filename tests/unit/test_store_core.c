/* Unit tests: opening the store, migrations, transactions and the audit
 * chain (issue 3 items 1 and 11). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>
#include "kaohe/store.h"

/* A temporary database path; removed (with -wal/-shm) by rm_db. */
static char *tmp_db(void)
{
    char *p = strdup("/tmp/kh_store_test_XXXXXX");
    int fd = mkstemp(p);
    assert_true(fd >= 0);
    close(fd);
    unlink(p);
    return p;
}

static void rm_db(char *p)
{
    char q[512];
    unlink(p);
    snprintf(q, sizeof q, "%s-wal", p);
    unlink(q);
    snprintf(q, sizeof q, "%s-shm", p);
    unlink(q);
    free(p);
}

/* Runs raw SQL on the file behind kaohe's back (tampering). */
static void raw_sql(const char *path, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
    sqlite3_close(db);
}

static const char *msg0(const kh_err *e)
{
    assert_true(kh_err_count(e) > 0);
    return kh_err_get(e, 0)->text;
}

static void audit_one(kh_store *s, const char *what, int year, const char *unit)
{
    kh_err *e = kh_err_new();
    kh_audit_rec r = {.actor = "tester", .action = "test.change",
                      .year = year, .unit = unit, .object = what,
                      .old_value = "a", .new_value = "b", .reason = NULL};
    assert_int_equal(kh_store_begin(s, e), KH_OK);
    assert_int_equal(kh_store_audit(s, &r, e), KH_OK);
    assert_int_equal(kh_store_commit(s, e), KH_OK);
    kh_err_free(e);
}

static void test_open_missing(void **state)
{
    (void)state;
    kh_err *e = kh_err_new();
    kh_store *s = NULL;
    assert_int_equal(kh_store_open("/tmp/kh-no-such-dir/x.db", 0, e, &s),
                     KH_ENOTFOUND);
    assert_null(s);
    assert_non_null(strstr(msg0(e), "kaohe init"));
    kh_err_free(e);
}

/* Deadlines are China calendar days (UTC+8): 16:00Z is already the next
 * day in Jincheng, and the audit time stamps stay UTC. */
static void test_today_china(void **state)
{
    (void)state;
    kh_err *e = kh_err_new();
    kh_store *s = NULL;
    assert_int_equal(kh_store_open(":memory:", KH_STORE_CREATE, e, &s), KH_OK);
    char day[KH_STORE_DATE_SZ], now[KH_STORE_TIME_SZ];
    kh_store_set_time(s, 1767283199);   /* 2026-01-01T15:59:59Z */
    kh_store_today(s, day);
    assert_string_equal(day, "2026-01-01");
    kh_store_set_time(s, 1767283200);   /* 2026-01-01T16:00:00Z */
    kh_store_today(s, day);
    assert_string_equal(day, "2026-01-02");
    kh_store_now(s, now);
    assert_string_equal(now, "2026-01-01T16:00:00Z");
    kh_store_close(s);
    kh_err_free(e);
}

static void test_create_and_reopen(void **state)
{
    (void)state;
    char *p = tmp_db();
    kh_err *e = kh_err_new();
    kh_store *s = NULL;
    assert_int_equal(kh_store_open(p, KH_STORE_CREATE, e, &s), KH_OK);
    assert_int_equal(kh_store_version(s), kh_store_latest_version());
    assert_true(kh_store_latest_version() >= 1);
    char want[600];
    snprintf(want, sizeof want, "%s.data", p);
    assert_string_equal(kh_store_data_dir(s), want);
    kh_store_close(s);
    /* Reopening applies nothing and keeps the version. */
    assert_int_equal(kh_store_open(p, 0, e, &s), KH_OK);
    assert_int_equal(kh_store_version(s), kh_store_latest_version());
    kh_store_close(s);
    /* WAL mode sticks to the file. */
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
    sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    sqlite3_close(db);
    kh_err_free(e);
    rm_db(p);
}

static void test_not_kaohe(void **state)
{
    (void)state;
    char *p = tmp_db();
    kh_err *e = kh_err_new();
    kh_store *s = NULL;
    /* Some other SQLite database. */
    raw_sql(p, "CREATE TABLE t (x)");
    assert_int_equal(kh_store_open(p, 0, e, &s), KH_EDB);
    assert_non_null(strstr(msg0(e), "not a kaohe database (a database of "
                                    "another program)"));
    /* ... even for init, and it is left alone. */
    kh_err_clear(e);
    assert_int_equal(kh_store_open(p, KH_STORE_CREATE, e, &s), KH_EDB);
    assert_non_null(strstr(msg0(e), "another program"));
    raw_sql(p, "INSERT INTO t VALUES (1)");   /* still its own schema */
    rm_db(p);
    /* Not a database at all. */
    p = tmp_db();
    FILE *f = fopen(p, "w");
    fputs("id,name\nthis is a CSV file, not a database at all.........\n", f);
    fclose(f);
    kh_err_clear(e);
    assert_int_equal(kh_store_open(p, 0, e, &s), KH_EDB);
    assert_non_null(strstr(msg0(e), "not a kaohe database (not a database "
                                    "file at all)"));
    rm_db(p);
    kh_err_free(e);
}

/* Size of the file at p. */
static long file_size(const char *p)
{
    FILE *f = fopen(p, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fclose(f);
    return n;
}

/* Only `kaohe init` makes a store: an empty file is refused, and stays
 * empty (issue 9 item 2). */
static void test_refuse_empty(void **state)
{
    (void)state;
    char *p = tmp_db();
    kh_err *e = kh_err_new();
    kh_store *s = NULL;
    FILE *f = fopen(p, "w");
    fclose(f);
    assert_int_equal(kh_store_open(p, 0, e, &s), KH_EDB);
    assert_null(s);
    assert_non_null(strstr(msg0(e), "not a kaohe database (an empty file"));
    assert_non_null(strstr(msg0(e), "kaohe init"));
    assert_int_equal(file_size(p), 0);
    /* init may. */
    kh_err_clear(e);
    assert_int_equal(kh_store_open(p, KH_STORE_CREATE, e, &s), KH_OK);
    kh_store_close(s);
    kh_err_free(e);
    rm_db(p);
}

/* A store cut short (a copy that stopped half way) is damaged, not new. */
static void test_refuse_truncated(void **state)
{
    (void)state;
    char *p = tmp_db();
    kh_err *e = kh_err_new();
    kh_store *s = NULL;
    assert_int_equal(kh_store_open(p, KH_STORE_CREATE, e, &s), KH_OK);
    kh_store_close(s);   /* folds the WAL into the file */
    long n = file_size(p);
    assert_true(n > 8 * 4096);
    assert_int_equal(truncate(p, n / 2), 0);
    assert_int_equal(kh_store_open(p, 0, e, &s), KH_EDB);
    assert_non_null(strstr(msg0(e), ": the database is damaged ("));
    assert_int_equal(file_size(p), n / 2);
    kh_err_free(e);
    rm_db(p);
}

/* Damaged pages: the quick check at a server's start names them, and a
 * statement that meets one marks the store damaged. */
static void test_quick_check(void **state)
{
    (void)state;
    char *p = tmp_db();
    kh_err *e = kh_err_new();
    kh_store *s = NULL;
    assert_int_equal(kh_store_open(p, KH_STORE_CREATE, e, &s), KH_OK);
    assert_int_equal(kh_store_quick_check(s, e), KH_OK);
    assert_false(kh_store_damaged(s));
    kh_store_close(s);
    /* Page 2 is table meta's root (the first table made): an invalid
     * b-tree page type. */
    FILE *f = fopen(p, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, 4096, SEEK_SET), 0);
    fputc(0x77, f);
    fclose(f);
    assert_int_equal(kh_store_open(p, 0, e, &s), KH_OK);
    assert_int_equal(kh_store_quick_check(s, e), KH_EDB);
    assert_non_null(strstr(msg0(e), "the database is damaged"));
    int64_t count = 0;
    kh_err_clear(e);
    assert_int_equal(kh_store_audit_verify(s, &count, e), KH_EDB);
    assert_non_null(strstr(msg0(e), "damaged"));
    assert_true(kh_store_damaged(s));
    kh_store_close(s);
    kh_err_free(e);
    rm_db(p);
}

static void test_newer_schema(void **state)
{
    (void)state;
    char *p = tmp_db();
    kh_err *e = kh_err_new();
    kh_store *s = NULL;
    assert_int_equal(kh_store_open(p, KH_STORE_CREATE, e, &s), KH_OK);
    kh_store_close(s);
    raw_sql(p, "PRAGMA user_version = 999");
    assert_int_equal(kh_store_open(p, 0, e, &s), KH_EDB);
    assert_non_null(strstr(msg0(e), "newer"));
    kh_err_free(e);
    rm_db(p);
}

static void test_tx_nesting(void **state)
{
    (void)state;
    kh_err *e = kh_err_new();
    kh_store *s = NULL;
    assert_int_equal(kh_store_open(":memory:", 0, e, &s), KH_OK);
    assert_null(kh_store_data_dir(s));
    kh_store_set_time(s, 1735689600);   /* 2025-01-01T00:00:00Z */
    char now[KH_STORE_TIME_SZ];
    kh_store_now(s, now);
    assert_string_equal(now, "2025-01-01T00:00:00Z");

    /* Outside a transaction an audit append is refused. */
    kh_audit_rec r = {.actor = "a", .action = "x"};
    assert_int_equal(kh_store_audit(s, &r, e), KH_ESTATE);
    kh_err_clear(e);
    assert_false(kh_store_in_tx(s));

    /* Outer commit keeps the inner savepoint's work; an inner rollback
     * drops only its own. */
    assert_int_equal(kh_store_begin(s, e), KH_OK);
    assert_int_equal(kh_store_audit(s, &r, e), KH_OK);
    assert_int_equal(kh_store_begin(s, e), KH_OK);
    assert_int_equal(kh_store_audit(s, &r, e), KH_OK);
    kh_store_rollback(s);
    assert_true(kh_store_in_tx(s));
    assert_int_equal(kh_store_commit(s, e), KH_OK);
    assert_false(kh_store_in_tx(s));
    int64_t n = -1;
    assert_int_equal(kh_store_audit_verify(s, &n, e), KH_OK);
    assert_int_equal(n, 1);

    /* A rolled back outer transaction leaves nothing. */
    assert_int_equal(kh_store_begin(s, e), KH_OK);
    assert_int_equal(kh_store_audit(s, &r, e), KH_OK);
    kh_store_rollback(s);
    assert_int_equal(kh_store_audit_verify(s, &n, e), KH_OK);
    assert_int_equal(n, 1);

    /* An actor is required. */
    kh_audit_rec noactor = {.actor = "", .action = "x"};
    assert_int_equal(kh_store_begin(s, e), KH_OK);
    assert_int_equal(kh_store_audit(s, &noactor, e), KH_EINVAL);
    kh_store_rollback(s);
    kh_store_close(s);
    kh_err_free(e);
}

struct collect {
    int n;
    int64_t seqs[16];
};

static kh_status collect_fn(void *ctx, const kh_audit_row *row)
{
    struct collect *c = ctx;
    c->seqs[c->n++] = row->seq;
    assert_string_equal(row->rec.actor, "tester");
    assert_int_equal(strlen(row->hash), 64);
    return KH_OK;
}

static void test_audit_filter(void **state)
{
    (void)state;
    kh_err *e = kh_err_new();
    kh_store *s = NULL;
    assert_int_equal(kh_store_open(":memory:", 0, e, &s), KH_OK);
    audit_one(s, "r1", 0, NULL);
    audit_one(s, "r2", 2025, "jd");
    audit_one(s, "r3", 2025, "zzb");
    audit_one(s, "r4", 2026, "jd");
    struct collect c = {0};
    assert_int_equal(kh_store_audit_each(s, 0, NULL, collect_fn, &c, e), KH_OK);
    assert_int_equal(c.n, 4);
    memset(&c, 0, sizeof c);
    assert_int_equal(kh_store_audit_each(s, 2025, NULL, collect_fn, &c, e),
                     KH_OK);
    assert_int_equal(c.n, 2);
    assert_int_equal(c.seqs[0], 2);
    assert_int_equal(c.seqs[1], 3);
    memset(&c, 0, sizeof c);
    assert_int_equal(kh_store_audit_each(s, 0, "jd", collect_fn, &c, e), KH_OK);
    assert_int_equal(c.n, 2);
    assert_int_equal(c.seqs[1], 4);
    kh_store_close(s);
    kh_err_free(e);
}

/* Makes a store with five records, applies tampering SQL, and expects
 * verify to fail naming `want` in its message. */
static void tamper_case(const char *sql, const char *want)
{
    char *p = tmp_db();
    kh_err *e = kh_err_new();
    kh_store *s = NULL;
    assert_int_equal(kh_store_open(p, KH_STORE_CREATE, e, &s), KH_OK);
    for (int i = 0; i < 5; i++)
        audit_one(s, "rec", 2025, "jd");
    int64_t n;
    assert_int_equal(kh_store_audit_verify(s, &n, e), KH_OK);
    assert_int_equal(n, 5);
    kh_store_close(s);
    raw_sql(p, sql);
    assert_int_equal(kh_store_open(p, 0, e, &s), KH_OK);
    assert_int_equal(kh_store_audit_verify(s, &n, e), KH_EINVAL);
    assert_int_equal(kh_err_errors(e), 1);
    if (!strstr(msg0(e), want))
        fail_msg("expected \"%s\" in \"%s\"", want, msg0(e));
    kh_store_close(s);
    kh_err_free(e);
    rm_db(p);
}

static void test_audit_tamper(void **state)
{
    (void)state;
    tamper_case("UPDATE audit SET new_value = 'c' WHERE seq = 3",
                "audit record 3: altered");
    tamper_case("UPDATE audit SET actor = 'mallory' WHERE seq = 1",
                "audit record 1: altered");
    tamper_case("UPDATE audit SET reason = 'x' WHERE seq = 5",
                "audit record 5: altered");
    tamper_case("DELETE FROM audit WHERE seq = 2",
                "audit record 2: missing");
    /* Removed and renumbered: the next one no longer follows. */
    tamper_case("DELETE FROM audit WHERE seq = 2;"
                "UPDATE audit SET seq = seq - 1 WHERE seq > 2",
                "audit record 2: does not follow record 1");
    /* Records 3 and 4 swapped. */
    tamper_case("UPDATE audit SET seq = 100 WHERE seq = 3;"
                "UPDATE audit SET seq = 3 WHERE seq = 4;"
                "UPDATE audit SET seq = 4 WHERE seq = 100",
                "audit record 3: does not follow record 2");
    /* Cut off the end. */
    tamper_case("DELETE FROM audit WHERE seq >= 4",
                "audit record 4: missing");
    /* A record appended outside kaohe. */
    tamper_case("INSERT INTO audit SELECT 6, at, actor, action, year, unit,"
                " object, old_value, new_value, reason, hash, hash"
                " FROM audit WHERE seq = 5",
                "audit record 6: altered");
}

/* WAL: a reader is not blocked by an open write transaction and sees
 * only what was committed. */
static void test_wal_readers(void **state)
{
    (void)state;
    char *p = tmp_db();
    kh_err *e = kh_err_new();
    kh_store *w = NULL, *r = NULL;
    assert_int_equal(kh_store_open(p, KH_STORE_CREATE, e, &w), KH_OK);
    assert_int_equal(kh_store_open(p, 0, e, &r), KH_OK);
    audit_one(w, "first", 0, NULL);
    kh_audit_rec rec = {.actor = "w", .action = "test.change"};
    assert_int_equal(kh_store_begin(w, e), KH_OK);
    assert_int_equal(kh_store_audit(w, &rec, e), KH_OK);
    int64_t n = 0;
    /* The reader sees the committed state only. */
    assert_int_equal(kh_store_audit_verify(r, &n, e), KH_OK);
    assert_int_equal(n, 1);
    assert_int_equal(kh_store_commit(w, e), KH_OK);
    assert_int_equal(kh_store_audit_verify(r, &n, e), KH_OK);
    assert_int_equal(n, 2);
    kh_store_close(w);
    kh_store_close(r);
    kh_err_free(e);
    rm_db(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_missing),
        cmocka_unit_test(test_today_china),
        cmocka_unit_test(test_create_and_reopen),
        cmocka_unit_test(test_not_kaohe),
        cmocka_unit_test(test_refuse_empty),
        cmocka_unit_test(test_refuse_truncated),
        cmocka_unit_test(test_quick_check),
        cmocka_unit_test(test_newer_schema),
        cmocka_unit_test(test_tx_nesting),
        cmocka_unit_test(test_audit_filter),
        cmocka_unit_test(test_audit_tamper),
        cmocka_unit_test(test_wal_readers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
