/* Unit tests: a bonus claim's own files (lib/store/store_claims.c,
 * migration 12 claim_evidence; docs/CLAIMS.md "A claim's files"): files
 * stored as evidence and linked to the claim in its transaction, listed
 * in order; a refused file (another type, empty, too many) leaves no
 * claim, no evidence row and no audit record; kh_store_claim_check
 * writes nothing.  Both engines (the .pg variant). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "db.h"
#include "kaohe/store.h"
#include "kaohe/store_claims.h"
#include "kaohe/store_evidence.h"
#include "store_impl.h"
#include "store_fixture.h"

#define RUBRIC "rubrics/ideology-2020.yaml"
#define ASSESS "examples/college-2025.yaml"

static const char PDF[] = "%PDF-1.4\n% a claim's scan\n";
static const char PNG[] = "\x89PNG\r\n\x1a\n0000";
static const char EXE[] = "MZ\x90\x00";

/* 2025 of the shipped rubric (its bonus kinds) in the self-check. */
static int setup(void **state)
{
    fx *f = fx_open("kh_claim", 1767225600);
    if (!f)
        return -1;
    fx_rubric(f, RUBRIC);
    fx_year(f, 2025, "ideology-2020", ASSESS, 1, 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx_close(*state);
    return 0;
}

/* SELECT COUNT(*) ... as a number. */
static int64_t count(fx *f, const char *q)
{
    kh_db_stmt *st = NULL;
    if (kh_db_prepare(f->s->db, q, &st) != KH_DB_OK ||
        kh_db_step(st) != KH_DB_ROW)
        fail_msg("%s: %s", q, kh_db_errmsg(f->s->db));
    int64_t n = kh_db_column_int64(st, 0);
    kh_db_finalize(st);
    return n;
}

typedef struct seen {
    size_t n;
    char names[4][64];
    char types[4][8];
    int64_t sizes[4];
} seen;

static kh_status on_file(void *ctx, const kh_claim_file_row *r)
{
    seen *s = ctx;
    if (s->n < 4) {
        snprintf(s->names[s->n], sizeof s->names[0], "%s", r->name);
        snprintf(s->types[s->n], sizeof s->types[0], "%s", r->type);
        s->sizes[s->n] = r->size;
    }
    s->n++;
    return KH_OK;
}

static kh_status on_claim(void *ctx, const kh_claim_row *r)
{
    (void)r;
    ++*(size_t *)ctx;
    return KH_OK;
}

static size_t claims(fx *f)
{
    size_t n = 0;
    expect_ok(kh_store_claim_each(f->s, 2025, NULL, on_claim, &n, f->e), f->e);
    return n;
}

static void test_files_linked(void **state)
{
    fx *f = *state;
    kh_claim_file files[] = {
        {.name = "通报.pdf", .data = PDF, .len = sizeof PDF - 1},
        {.name = "dir/photo.png", .data = PNG, .len = sizeof PNG - 1}};
    int64_t id = 0;
    expect_ok(kh_store_claim_add(f->s, "jd1", 2025, "jd", "honour", "表彰",
                                 NULL, files, 2, &id, f->e), f->e);
    assert_int_equal(id, 1);
    seen s = {0};
    expect_ok(kh_store_claim_files_each(f->s, 2025, "jd", on_file, &s, f->e),
              f->e);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.names[0], "通报.pdf");
    assert_string_equal(s.types[0], "pdf");
    assert_int_equal(s.sizes[0], (int64_t)sizeof PDF - 1);
    assert_string_equal(s.names[1], "photo.png");   /* its last component */
    assert_string_equal(s.types[1], "png");
    assert_int_equal(count(f, "SELECT COUNT(*) FROM audit WHERE action ="
                              " 'claim.file'"), 2);
    /* another unit's listing does not hold them */
    seen o = {0};
    expect_ok(kh_store_claim_files_each(f->s, 2025, "xx", on_file, &o, f->e),
              f->e);
    assert_int_equal(o.n, 0);
}

/* A refusal writes nothing: no claim, no evidence, no audit record. */
static void expect_nothing(fx *f, int64_t audits)
{
    assert_int_equal(claims(f), 0);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM evidence"), 0);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM claim_evidence"), 0);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM audit"), audits);
}

static void test_refused_files(void **state)
{
    fx *f = *state;
    int64_t audits = count(f, "SELECT COUNT(*) FROM audit");
    kh_claim_file files[] = {
        {.name = "ok.pdf", .data = PDF, .len = sizeof PDF - 1},
        {.name = "tool.pdf", .data = EXE, .len = sizeof EXE - 1},
        {.name = "empty.pdf", .data = "", .len = 0}};
    assert_int_equal(kh_store_claim_add(f->s, "jd1", 2025, "jd", "honour",
                                        "表彰", NULL, files, 3, NULL, f->e),
                     KH_EINVAL);
    expect_msg(f->e, "tool.pdf", "not accepted as evidence");
    expect_msg(f->e, "empty.pdf", "empty");
    expect_nothing(f, audits);
}

static void test_too_many(void **state)
{
    fx *f = *state;
    int64_t audits = count(f, "SELECT COUNT(*) FROM audit");
    kh_claim_file files[KH_EVIDENCE_FILES_MAX + 1];
    for (size_t i = 0; i <= KH_EVIDENCE_FILES_MAX; i++)
        files[i] = (kh_claim_file){.name = "a.pdf", .data = PDF,
                                   .len = sizeof PDF - 1};
    assert_int_equal(kh_store_claim_add(f->s, "jd1", 2025, "jd", "honour",
                                        "表彰", NULL, files,
                                        KH_EVIDENCE_FILES_MAX + 1, NULL, f->e),
                     KH_EINVAL);
    expect_msg(f->e, "files", "at most 10");
    expect_nothing(f, audits);
}

static void test_check_writes_nothing(void **state)
{
    fx *f = *state;
    int64_t audits = count(f, "SELECT COUNT(*) FROM audit");
    assert_int_equal(kh_store_claim_check(f->s, 2025, "jd", "medal", "",
                                          f->e), KH_EINVAL);
    expect_msg(f->e, "kind", "medal");
    expect_msg(f->e, "description", NULL);
    kh_err_clear(f->e);
    expect_ok(kh_store_claim_check(f->s, 2025, "jd", "honour", "表彰", f->e),
              f->e);
    expect_nothing(f, audits);
    /* the next claim filed is number 1: the check took no number */
    int64_t id = 0;
    expect_ok(kh_store_claim_add(f->s, "jd1", 2025, "jd", "honour", "表彰",
                                 NULL, NULL, 0, &id, f->e), f->e);
    assert_int_equal(id, 1);
}

static void test_file_by_path(void **state)
{
    fx *f = *state;
    char path[160];
    snprintf(path, sizeof path, "%s/会议记录.pdf", f->dir);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fwrite(PDF, 1, sizeof PDF - 1, fp);
    fclose(fp);
    kh_claim_file files[] = {{.path = path}};
    expect_ok(kh_store_claim_add(f->s, "setup", 2025, "xx", "article", "文章",
                                 NULL, files, 1, NULL, f->e), f->e);
    seen s = {0};
    expect_ok(kh_store_claim_files_each(f->s, 2025, NULL, on_file, &s, f->e),
              f->e);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.names[0], "会议记录.pdf");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_files_linked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_many, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_writes_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_file_by_path, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
