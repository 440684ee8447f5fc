/*
 * store_fixture.h - the fixture the store's cmocka programs share
 * (store_fixture.c, linked into the test_store* programs only by
 * tests/CMakeLists.txt): a new store on the engine the environment
 * picks (test_target: SQLite, or PostgreSQL with $KH_TEST_PG), and the
 * steps that fill it - a rubric, a year with its assessment, states
 * advanced.  A step that fails fails the test with every message.
 * Include it after <cmocka.h>.
 */
#ifndef KH_TEST_STORE_FIXTURE_H
#define KH_TEST_STORE_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "store_test_util.h"

/* A new store whose clock reads `now`: the file kaohe.db in a fresh
 * directory /tmp/PREFIX_XXXXXX, or on PostgreSQL a fresh database whose
 * data directory is the one the file would have had (evidence files go
 * there).  NULL when it cannot be made.  The caller owns the result and
 * frees it with fx_close. */
fx *fx_open(const char *prefix, int64_t now);

/* The same on SQLite's ":memory:" (no directory, no data directory), or
 * a fresh PostgreSQL database. */
fx *fx_open_memory(int64_t now);

/* Closes the store, frees the error object, removes the directory (if
 * any) and frees f.  NULL is a no-op. */
void fx_close(fx *f);

/* The whole file at path (len bytes, NUL-terminated); fails the test if
 * it cannot be read.  The caller frees the result. */
char *fx_slurp(const char *path, size_t *len);

/* Imports the rubric file at path as "admin". */
void fx_rubric(fx *f, const char *path);

/* As "admin": opens `year` on the rubric rubric_id, imports the
 * assessment file at path into it and advances it `steps` states with
 * the kh_store_year_advance flags (e.g. KH_ADVANCE_ALLOW_MISSING). */
void fx_year(fx *f, int year, const char *rubric_id, const char *path,
             int steps, unsigned flags);

#endif
