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
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kaohe/error.h"
#include "kaohe/store.h"

#define KH_TEST_UNUSED __attribute__((unused))

/* A store in a temporary directory, with its error object. */
typedef struct fx {
    char dir[64];
    char db[96];
    kh_store *s;
    kh_err *e;
} fx;

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
