/*
 * store_fixture.c - the shared fixture of the store's cmocka programs
 * (see store_fixture.h): opening a store on the engine the environment
 * picks, filling it with a rubric and a year, and removing it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kaohe/buf.h"
#include "kaohe/store.h"
#include "store_fixture.h"

/* Opens f->db (already named) with the clock at now; data_dir, when
 * given, is where evidence goes on PostgreSQL. */
static fx *fx_start(fx *f, const char *data_dir, int64_t now)
{
    f->e = kh_err_new();
    if (kh_store_open(f->db, KH_STORE_CREATE, f->e, &f->s) != KH_OK) {
        fx_close(f);
        return NULL;
    }
    if (data_dir && test_on_pg() &&
        kh_store_set_data_dir(f->s, data_dir, f->e) != KH_OK) {
        fx_close(f);
        return NULL;
    }
    kh_store_set_time(f->s, now);
    return f;
}

fx *fx_open(const char *prefix, int64_t now)
{
    fx *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    snprintf(f->dir, sizeof f->dir, "/tmp/%s_XXXXXX", prefix);
    if (!mkdtemp(f->dir)) {
        f->dir[0] = '\0';
        fx_close(f);
        return NULL;
    }
    char file[128];
    snprintf(file, sizeof file, "%s/kaohe.db", f->dir);
    const char *target = test_target(file, f->db, sizeof f->db);
    if (target != f->db)
        snprintf(f->db, sizeof f->db, "%s", target);
    /* No file to put it beside: the directory the file would be in. */
    snprintf(file, sizeof file, "%s/kaohe.db.data", f->dir);
    return fx_start(f, file, now);
}

fx *fx_open_memory(int64_t now)
{
    fx *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    const char *target = test_target(":memory:", f->db, sizeof f->db);
    if (target != f->db)
        snprintf(f->db, sizeof f->db, "%s", target);
    return fx_start(f, NULL, now);
}

void fx_close(fx *f)
{
    if (!f)
        return;
    kh_store_close(f->s);
    kh_err_free(f->e);
    if (f->dir[0])
        nftw(f->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
    free(f);
}

char *fx_slurp(const char *path, size_t *len)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_err *e = kh_err_new();
    if (kh_buf_read_file(&b, path, e) != KH_OK)
        fail_msg("cannot read %s", path);
    kh_err_free(e);
    char *d = kh_buf_take(&b, len);
    return d ? d : strdup("");
}

void fx_rubric(fx *f, const char *path)
{
    size_t len;
    char *d = fx_slurp(path, &len);
    expect_ok(kh_store_rubric_import(f->s, "admin", path, d, len, f->e,
                                     NULL, NULL),
              f->e);
    free(d);
}

void fx_year(fx *f, int year, const char *rubric_id, const char *path,
             int steps, unsigned flags)
{
    kh_err_clear(f->e);
    expect_ok(kh_store_year_open(f->s, "admin", year, rubric_id, f->e),
              f->e);
    size_t len;
    char *d = fx_slurp(path, &len);
    expect_ok(kh_store_import_assessment(f->s, "admin", year, path, d, len,
                                         f->e, NULL),
              f->e);
    free(d);
    for (int i = 0; i < steps; i++)
        expect_ok(kh_store_year_advance(f->s, "admin", year, flags, NULL,
                                        NULL, f->e),
                  f->e);
}
