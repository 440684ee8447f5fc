/*
 * store_test_util.h - helpers shared by the store's cmocka programs
 * (test_store*.c): asserting on a kh_err's messages, and the temp-store
 * fixture type.  Each program includes it once; helpers a program does
 * not use are marked unused.
 */
#ifndef KH_TEST_STORE_UTIL_H
#define KH_TEST_STORE_UTIL_H

#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "kaohe/error.h"
#include "kaohe/store.h"

#define KH_TEST_UNUSED __attribute__((unused))

/* A store in a temporary directory, with its error object. */
typedef struct fx {
    char dir[64];
    char db[512];  /* a file path, or a PostgreSQL URI (test_target) */
    kh_store *s;
    kh_err *e;
} fx;

/* The store a test opens: file (a path or ":memory:") on SQLite.  With
 * $KH_TEST_PG set (a URI template, %s = database name; tests/pg/cluster.sh)
 * a fresh PostgreSQL database instead, its URI written to buf, so the
 * same cases run on both engines.  Open it with KH_STORE_CREATE. */
KH_TEST_UNUSED static const char *test_target(const char *file, char *buf,
                                              size_t sz)
{
    const char *t = getenv("KH_TEST_PG");
    if (!t || !*t)
        return file;
    static unsigned n;
    char name[64], uri[512], sql[192];
    snprintf(name, sizeof name, "kh_u%ld_%ld_%u", (long)getpid(),
             (long)time(NULL), ++n);
    snprintf(uri, sizeof uri, t, "postgres");
    kh_db *db = NULL;
    if (kh_db_open(uri, 0, &db) != KH_DB_OK)
        fail_msg("%s: %s", uri, kh_db_errmsg(db));
    /* A Chinese collation, as a college's server may well have: kaohe
     * must not depend on the database's text order (db.c's COLLATE "C"). */
    snprintf(sql, sizeof sql, "CREATE DATABASE %s LOCALE_PROVIDER icu"
             " ICU_LOCALE 'zh' LOCALE 'C.UTF-8' TEMPLATE template0", name);
    if (kh_db_exec(db, sql) != KH_DB_OK)
        fail_msg("%s: %s", sql, kh_db_errmsg(db));
    kh_db_close(db);
    snprintf(buf, sz, t, name);
    return buf;
}

/* True when the tests run on PostgreSQL (test_target). */
KH_TEST_UNUSED static bool test_on_pg(void)
{
    const char *t = getenv("KH_TEST_PG");
    return t && *t;
}

/* nftw callback removing the fixture directory. */
KH_TEST_UNUSED static int rm_one(const char *p, const struct stat *sb, int flag,
                  struct FTW *f)
{
    (void)sb, (void)flag, (void)f;
    return remove(p);
}

/* Fails the test showing every message of e. */
KH_TEST_UNUSED static void expect_ok(kh_status st, kh_err *e)
{
    if (st == KH_OK)
        return;
    for (size_t i = 0; i < kh_err_count(e); i++) {
        char *m = kh_err_format(e, i);
        print_error("%s\n", m);
        free(m);
    }
    fail_msg("status %s", kh_status_str(st));
}

/* True when some message of e contains a (and b, when given). */
KH_TEST_UNUSED static bool has_msg(const kh_err *e, const char *a, const char *b)
{
    for (size_t i = 0; i < kh_err_count(e); i++) {
        char *m = kh_err_format(e, i);
        bool ok = m && strstr(m, a) && (!b || strstr(m, b));
        free(m);
        if (ok)
            return true;
    }
    return false;
}

/* Fails the test unless some message contains a (and b). */
KH_TEST_UNUSED static void expect_msg(const kh_err *e, const char *a, const char *b)
{
    if (has_msg(e, a, b))
        return;
    for (size_t i = 0; i < kh_err_count(e); i++) {
        char *m = kh_err_format(e, i);
        print_error("  got: %s\n", m);
        free(m);
    }
    fail_msg("no message with \"%s\"%s%s", a, b ? " and " : "", b ? b : "");
}

#endif
