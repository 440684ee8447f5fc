/*
 * apply.c - bench/deadline: the time to apply one write to a scored year
 * as `kaohe serve` does it (web_cache.c), against the full rebuild it
 * replaced, on the same data in the same run:
 *
 *   edit      kh_assess_set_entry + kh_result_update_unit (rescore the
 *             unit, its branch mean, move its ranking rows, ranks and
 *             the bottom rule);
 *   refresh   web_version_render after the previous version: the parts
 *             of the results JSON and the results page listed and
 *             compared with the previous version's, only the blocks
 *             whose parts changed rendered and compressed again, the
 *             compressed blocks joined (wall and CPU time);
 *   rebuild   what every write cost before: load the year from the store
 *             (with --db), kh_score, render both bodies and compress them
 *             whole.
 *
 * Each write sets one inspection entry of a random unit and item to
 * inputs some unit has for that item in the input file (so a real,
 * valid change).  Prints one line per figure for run.sh.
 *
 * Usage: deadline_apply --rubric R --input FILE [--db DB --year Y]
 *                       [--writes N] [--seed S]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "kaohe/assess.h"
#include "kaohe/doc.h"
#include "kaohe/report.h"
#include "kaohe/rubric.h"
#include "kaohe/score.h"
#include "kaohe/store.h"
#include "web.h"

static double clock_ms(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double now_ms(void)
{
    return clock_ms(CLOCK_MONOTONIC);
}

/* This thread's CPU time: beside the wall time on a loaded machine. */
static double cpu_ms(void)
{
    return clock_ms(CLOCK_THREAD_CPUTIME_ID);
}

static uint64_t rng = 88172645463325252ULL;
static size_t rnd(size_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (size_t)(rng % n);
}

/* Do body b's compressed blocks, in order (one raw deflate stream, not
 * final), inflate to want, and is b's CRC want's? */
static int inflates_to(const web_body *b, const char *want, size_t len)
{
    z_stream s;
    memset(&s, 0, sizeof s);
    if (inflateInit2(&s, -15) != Z_OK)
        return 0;
    unsigned char *out = malloc(len + 1);
    int ok = out != NULL;
    s.next_out = out;
    s.avail_out = (uInt)len + 1;
    for (size_t c = 0; ok && c < b->nchunks; c++) {
        s.next_in = b->chunk[c]->z;
        s.avail_in = (uInt)b->chunk[c]->zlen;
        int rc = inflate(&s, Z_SYNC_FLUSH);
        ok = (rc == Z_OK || rc == Z_BUF_ERROR) && s.avail_in == 0;
    }
    ok = ok && s.total_out == len && memcmp(out, want, len) == 0 &&
         crc32_z(0L, (const Bytef *)want, len) == b->crc;
    inflateEnd(&s);
    free(out);
    return ok;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void stats(const char *name, double *v, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    qsort(v, n, sizeof *v, cmp_d);
    printf("%s_ms mean=%.3f p50=%.3f p99=%.3f max=%.3f n=%zu\n", name,
           n ? sum / (double)n : 0, n ? v[n / 2] : 0,
           n ? v[(n * 99) / 100] : 0, n ? v[n - 1] : 0, n);
}

/* Inspection inputs per item from the file's lines
 * {"unit":..,"item":"X","phase":"inspection","inputs":{...}...}. */
typedef struct pool {
    char **text;
    size_t n, cap;
} pool;

static void collect(const char *path, const kh_rubric *r, pool *pools)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        exit(3);
    }
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        char *it = strstr(line, "\"item\":\"");
        char *in = strstr(line, "\"phase\":\"inspection\",\"inputs\":");
        if (!it || !in)
            continue;
        it += 8;
        char *q = strchr(it, '"');
        if (!q)
            continue;
        *q = '\0';
        int i = kh_rubric_item_find(r, it);
        in += strlen("\"phase\":\"inspection\",\"inputs\":");
        char *end = strchr(in, '}');
        if (i < 0 || !end)
            continue;
        pool *p = &pools[i];
        if (p->n == 200)
            continue;
        if (p->n == p->cap) {
            p->cap = p->cap ? 2 * p->cap : 16;
            p->text = realloc(p->text, p->cap * sizeof *p->text);
            if (!p->text)
                exit(3);
        }
        p->text[p->n++] = strndup(in, (size_t)(end - in) + 1);
    }
    fclose(f);
}

/* A version of the year's bodies showing res after prev (NULL: from
 * scratch); uver: the edits per unit; *blocks: blocks rendered. */
static web_year *render(const kh_rubric *r, const kh_assess *a,
                        kh_result *res, int year, const web_year *prev,
                        const uint32_t *uver, size_t *blocks)
{
    web_version_in in = {year,          KH_YEAR_INSPECTION, (kh_rubric *)r,
                         (kh_assess *)a, res,                uver};
    web_year *y = NULL;
    if (web_version_render(NULL, &in, prev, &y, blocks) != KH_OK)
        exit(3);
    return y;
}

/* Does body b (identity joined from its blocks, and its deflate stream)
 * equal want? */
static int body_is(web_body *b, const char *want, size_t len)
{
    size_t blen = 0;
    const char *t = web_body_text(b, &blen);
    return t && blen == len && memcmp(t, want, len) == 0 &&
           inflates_to(b, want, len);
}

int main(int argc, char **argv)
{
    const char *rubric = NULL, *input = NULL, *db = NULL;
    int year = 2025;
    size_t writes = 300;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--rubric") == 0)
            rubric = argv[i + 1];
        else if (strcmp(argv[i], "--input") == 0)
            input = argv[i + 1];
        else if (strcmp(argv[i], "--db") == 0)
            db = argv[i + 1];
        else if (strcmp(argv[i], "--year") == 0)
            year = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--writes") == 0)
            writes = (size_t)atol(argv[i + 1]);
        else if (strcmp(argv[i], "--seed") == 0)
            rng = (uint64_t)atoll(argv[i + 1]) | 1;
    }
    if (!rubric || !input) {
        fprintf(stderr, "usage: deadline_apply --rubric R --input FILE "
                        "[--db DB --year Y] [--writes N] [--seed S]\n");
        return 2;
    }
    kh_err *e = kh_err_new();
    kh_rubric *r = NULL;
    kh_assess *a = NULL;
    if (kh_rubric_load(rubric, e, &r) != KH_OK ||
        kh_assess_load(r, input, e, &a) != KH_OK) {
        fprintf(stderr, "deadline_apply: cannot load %s\n", input);
        return 3;
    }
    size_t nu = kh_assess_unit_count(a), ni = kh_rubric_item_count(r);
    printf("units=%zu items=%zu\n", nu, ni);

    /* ---- the full rebuild (the reference) */
    if (db) {
        kh_store *s = NULL;
        kh_rubric *sr = NULL;
        kh_assess *sa = NULL;
        double t0 = now_ms();
        if (kh_store_open(db, 0, e, &s) != KH_OK ||
            kh_store_load_assess(s, year, e, &sr, &sa) != KH_OK) {
            fprintf(stderr, "deadline_apply: cannot load year %d from %s\n",
                    year, db);
            return 3;
        }
        printf("rebuild_load_ms %.3f\n", now_ms() - t0);
        kh_assess_free(sa);
        kh_rubric_free(sr);
        kh_store_close(s);
    }
    kh_result *res = NULL;
    double t0 = now_ms();
    if (kh_score(a, KH_SCORE_ALLOW_MISSING, e, &res) != KH_OK)
        return 3;
    printf("rebuild_score_ms %.3f\n", now_ms() - t0);
    uint32_t *uver = calloc(nu + 1, sizeof *uver);
    size_t nblocks = 0;
    t0 = now_ms();
    web_year *cur = render(r, a, res, year, NULL, uver, &nblocks);
    printf("rebuild_render_compress_ms %.3f json_bytes=%zu json_gz=%zu "
           "html_bytes=%zu html_gz=%zu blocks=%zu\n",
           now_ms() - t0, cur->json.len, cur->json.zlen, cur->html.len,
           cur->html.zlen, nblocks);

    /* ---- writes applied one by one */
    pool *pools = calloc(ni, sizeof *pools);
    collect(input, r, pools);
    double *edit = calloc(writes, sizeof *edit);
    double *fresh = calloc(writes, sizeof *fresh);
    double *cpu = calloc(writes, sizeof *cpu);
    size_t rendered = 0;
    kh_arena *ar = kh_arena_new();
    size_t done = 0, refused = 0, moved = 0;
    while (done < writes) {
        size_t u = rnd(nu), i = rnd(ni);
        if (!kh_rubric_item_applies(r, i, kh_assess_unit_kind(a, u)) ||
            !pools[i].n)
            continue;
        const char *js = pools[i].text[rnd(pools[i].n)];
        kh_doc *d = NULL;
        const kh_node *in = NULL;
        kh_err_clear(e);
        if (kh_doc_open_mem("in", js, strlen(js), 'j', e, &d) != KH_OK ||
            kh_doc_read(d, ar, &in) != KH_OK)
            return 3;
        kh_doc_free(d);
        kh_cp before = kh_result_total(res, u);
        double a0 = now_ms();
        if (kh_assess_set_entry(a, u, i, KH_PHASE_INSPECTION, in, "bench",
                                NULL, e) != KH_OK) {
            refused++;   /* e.g. the unit's roster supplies that input */
            continue;
        }
        if (kh_result_update_unit(res, u, e) != KH_OK)
            return 3;
        uver[u]++;
        double a1 = now_ms(), c1 = cpu_ms();
        web_year *next = render(r, a, res, year, cur, uver, &rendered);
        double a2 = now_ms();
        cpu[done] = cpu_ms() - c1;
        web_version_free(cur);
        cur = next;
        edit[done] = a1 - a0;
        fresh[done] = a2 - a1;
        moved += kh_result_total(res, u) != before;
        done++;
    }
    printf("writes=%zu refused=%zu score_changed=%zu json_gz=%zu "
           "html_gz=%zu\n",
           done, refused, moved, cur->json.zlen, cur->html.zlen);
    printf("blocks_per_write %.2f\n",
           done ? (double)rendered / (double)done : 0);
    stats("edit", edit, done);
    stats("refresh", fresh, done);
    stats("refresh_cpu", cpu, done);
    for (size_t k = 0; k < done; k++)
        edit[k] += fresh[k];
    stats("apply", edit, done);

    /* The incremental result must still equal a full rescore. */
    kh_result *full = NULL;
    if (kh_score(a, KH_SCORE_ALLOW_MISSING, e, &full) != KH_OK)
        return 3;
    kh_buf x, y;
    kh_buf_init(&x, 0);
    kh_buf_init(&y, 0);
    kh_report_json(full, &x);
    kh_report_json(res, &y);
    /* ... and so must the bodies built by parts, and their gzip: equal
     * to the page rendered whole from the full rescore. */
    web_year py;
    memset(&py, 0, sizeof py);
    py.year = year;
    py.state = KH_YEAR_INSPECTION;
    py.rubric = (kh_rubric *)r;
    py.assess = a;
    py.result = full;
    kh_buf hb;
    kh_buf_init(&hb, 0);
    web_pages_results_body(&py, &hb);
    int same = x.len == y.len && memcmp(x.data, y.data, x.len) == 0 &&
               body_is(&cur->json, x.data, x.len) &&
               body_is(&cur->html, hb.data, hb.len);
    kh_buf_free(&hb);
    printf("incremental_equals_full=%s\n", same ? "yes" : "NO");
    kh_buf_free(&x);
    kh_buf_free(&y);
    kh_result_free(full);
    web_version_free(cur);
    free(uver);
    for (size_t i = 0; i < ni; i++) {
        for (size_t k = 0; k < pools[i].n; k++)
            free(pools[i].text[k]);
        free(pools[i].text);
    }
    free(pools);
    free(edit);
    free(fresh);
    free(cpu);
    kh_arena_free(ar);
    kh_result_free(res);
    kh_assess_free(a);
    kh_rubric_free(r);
    kh_err_free(e);
    return same ? 0 : 1;
}
