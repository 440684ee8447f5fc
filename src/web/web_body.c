/*
 * web_body.c - the cached results bodies of a version (web.h, "the
 * per-year cache"), built by parts: the results JSON's parts are listed
 * here (kh_report_json_* renders each), the results page's in
 * web_results.c.  Consecutive parts form blocks, each rendered and
 * compressed once (a raw deflate stream ending in a sync flush, after
 * the end of the block before as its dictionary, so the blocks join into
 * one stream, their CRCs by crc32_combine) and shared with the next
 * version when its parts and the block before it compare equal: a
 * refresh after a write lists the parts (a few bytes each) and renders
 * and compresses only the blocks that changed and the one after each.  A response sends the compressed blocks
 * as they are (web_http.c); only the compressed bytes are kept (but for
 * volatile blocks), and the identity body is inflated for a client
 * without gzip (web_body_inflate) or a handler that needs it whole
 * (web_body_text).
 * The models, versions and freshness live in web_cache.c.
 */
#include "web.h"

#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <zlib.h>

#include "kaohe/report.h"
#include "kaohe/score.h"

/* ---- compression ---------------------------------------------------- */

/* Raw deflate of in[0..n) with z (initialised raw, reset here), after
 * the dictionary dict[0..dlen) (dlen 0: none): the bytes the stream
 * holds just before in[0], which its matches may then refer to. */
static bool deflate_with(z_stream *z, const void *in, size_t n,
                         const char *dict, size_t dlen, unsigned char **out,
                         size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    if (deflateReset(z) != Z_OK || n > (uInt)-1 ||
        (dlen && deflateSetDictionary(z, (const Bytef *)dict, (uInt)dlen) !=
                     Z_OK))
        return false;
    size_t cap = deflateBound(z, (uLong)n) + 16;
    unsigned char *buf = malloc(cap);
    if (!buf)
        return false;
    z->next_in = (Bytef *)in;
    z->avail_in = (uInt)n;
    z->next_out = buf;
    z->avail_out = (uInt)cap;
    int rc = deflate(z, Z_SYNC_FLUSH);
    if (rc != Z_OK || z->avail_in != 0 || z->avail_out == 0) {
        free(buf);
        return false;
    }
    size_t len = cap - z->avail_out;
    /* Cached blocks live long: give back deflateBound's slack. */
    unsigned char *fit = realloc(buf, len ? len : 1);
    *out = fit ? fit : buf;
    *outlen = len;
    return true;
}

static bool deflate_open(z_stream *z, int level)
{
    memset(z, 0, sizeof *z);
    return deflateInit2(z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) ==
           Z_OK;
}

bool web_deflate(const void *in, size_t n, unsigned char **out,
                 size_t *outlen)
{
    z_stream z;
    *out = NULL;
    *outlen = 0;
    if (!deflate_open(&z, WEB_DEFLATE_LEVEL))
        return false;
    bool ok = deflate_with(&z, in, n, NULL, 0, out, outlen);
    deflateEnd(&z);
    return ok;
}

/* ---- blocks ---------------------------------------------------------- */

/* The deflate streams of one build, opened on first use: blocks of big
 * or volatile parts (a unit's JSON line, the charts) at the usual level;
 * blocks of rows, which repeat their markup, at the fast level, which
 * packs them nearly as small in about half the time. */
typedef struct packer {
    z_stream z[2];               /* [0] fast, [1] usual */
    bool open[2];
} packer;

static z_stream *packer_for(packer *pk, bool usual)
{
    if (!pk->open[usual] &&
        !(pk->open[usual] = deflate_open(&pk->z[usual],
                                         usual ? WEB_DEFLATE_LEVEL
                                               : WEB_DEFLATE_LEVEL_ROWS)))
        return NULL;
    return &pk->z[usual];
}

static void packer_close(packer *pk)
{
    for (int k = 0; k < 2; k++)
        if (pk->open[k])
            deflateEnd(&pk->z[k]);
}

static void chunk_unref(web_chunk *c)
{
    if (c && atomic_fetch_sub(&c->refs, 1) == 1) {
        free(c->text);
        free(c->z);
        free(c);
    }
}

/* A block of the bytes text[0..len), compressed with z after the
 * previous block's text dict[0..dlen) (block_dict); the bytes
 * themselves are kept (copied) only when keep (a volatile block, whose
 * next render is compared with them): a year's identity bytes are
 * megabytes, about 8 times its compressed ones, and a client without
 * gzip is rare (web_body_inflate).  NULL on OOM. */
static web_chunk *chunk_new(z_stream *z, const char *text, size_t len,
                            bool keep, const char *dict, size_t dlen)
{
    web_chunk *c = z ? calloc(1, sizeof *c) : NULL;
    if (!c)
        return NULL;
    atomic_init(&c->refs, 1);
    if ((keep && !(c->text = malloc(len ? len : 1))) ||
        !deflate_with(z, text, len, dict, dlen, &c->z, &c->zlen)) {
        free(c->text);
        free(c);
        return NULL;
    }
    if (keep)
        memcpy(c->text, text, len);
    c->len = len;
    c->crc = (uint32_t)crc32_z(0L, (const Bytef *)text, len);
    c->op = crc32_combine_gen64((z_off64_t)len);
    return c;
}

/* ---- parts lists kept for reuse ------------------------------------- */

/* A large year's parts list is about a megabyte and replaced on every
 * write.  Above the fixed mmap threshold (web_cache.c) each new list was
 * a fresh mapping whose pages faulted in as the parts were written:
 * about 40% of a write's CPU at 10,000 units (perf, bench/deadline).
 * Lists a version no longer needs wait here for the next listing. */
#define WEB_PARTS_POOL 4
static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
    char *data;
    size_t alloc;
} pool[WEB_PARTS_POOL];

/* Starts the empty v on a kept list of at least want bytes, if any. */
static void parts_reuse(kh_buf *v, size_t want)
{
    char *data = NULL;
    size_t alloc = 0;
    pthread_mutex_lock(&pool_mu);
    for (size_t k = 0; k < WEB_PARTS_POOL; k++) {
        if (pool[k].data && pool[k].alloc >= want) {
            data = pool[k].data;
            alloc = pool[k].alloc;
            pool[k].data = NULL;
            break;
        }
    }
    pthread_mutex_unlock(&pool_mu);
    if (data)
        kh_buf_adopt(v, data, alloc);
}

/* Keeps b's parts list for a later listing, else frees it. */
static void parts_release(web_body *b)
{
    char *data = (char *)b->parts;
    size_t alloc = b->parts_alloc;
    b->parts = NULL;
    b->parts_alloc = 0;
    if (!data || !alloc) {
        free(data);
        return;
    }
    pthread_mutex_lock(&pool_mu);
    size_t k = 0;
    while (k < WEB_PARTS_POOL && pool[k].data)
        k++;
    if (k < WEB_PARTS_POOL) {
        pool[k].data = data;
        pool[k].alloc = alloc;
        data = NULL;
    }
    pthread_mutex_unlock(&pool_mu);
    free(data);   /* the pool is full */
}

void web_body_pool_free(void)
{
    pthread_mutex_lock(&pool_mu);
    for (size_t k = 0; k < WEB_PARTS_POOL; k++) {
        free(pool[k].data);
        pool[k].data = NULL;
    }
    pthread_mutex_unlock(&pool_mu);
}

void web_body_free(web_body *b)
{
    for (size_t c = 0; b->chunk && c < b->nchunks; c++)
        chunk_unref(b->chunk[c]);
    free(b->chunk);
    free(b->first);
    parts_release(b);
    free(atomic_load(&b->text));
    free(atomic_load(&b->joined));
    memset(b, 0, sizeof *b);
}

void web_body_forget_parts(web_body *b)
{
    free(b->first);
    parts_release(b);
    b->first = NULL;
    b->nparts = 0;
}

/* Does a block end after part p (count: its parts so far; big: the
 * blocks of big parts' span, web.h)?  Chosen by the part's identity
 * (kind, i, j), so that a part appearing, leaving or changing moves no
 * boundary but its own; a volatile part is a block of its own. */
static bool block_edge(const web_part *parts, size_t n, size_t p,
                       size_t count, unsigned big_span)
{
    if (p + 1 == n || (parts[p].kind & WEB_PART_VOLATILE) ||
        (parts[p + 1].kind & WEB_PART_VOLATILE) ||
        count >= WEB_BLOCK_PARTS_MAX)
        return true;
    bool big = parts[p].kind & WEB_PART_BIG;
    if (count < (big ? big_span / 2 : WEB_BLOCK_PARTS_MIN))
        return false;
    uint32_t h = 2166136261u;
    uint32_t id[3] = {parts[p].kind, parts[p].i, parts[p].j};
    for (int k = 0; k < 3; k++)
        h = (h ^ id[k]) * 16777619u;
    return (h >> 7) % (big ? big_span : WEB_BLOCK_PARTS) == 0;
}

static bool same_id(const web_part *a, const web_part *b)
{
    return a->kind == b->kind && a->i == b->i && a->j == b->j;
}

static size_t id_hash(const web_part *p)
{
    uint64_t h = ((uint64_t)p->kind << 40) ^ ((uint64_t)p->i << 20) ^ p->j;
    h *= 0x9e3779b97f4a7c15ULL;
    return (size_t)(h >> 17);
}

/* prev's blocks by the identity of their first part (open addressing;
 * slots hold index + 1).  *mask + 1 slots, malloc'd; NULL when prev has
 * no blocks or on OOM (then nothing is shared). */
static size_t *prev_index(const web_body *prev, size_t *mask)
{
    if (!prev || !prev->present || !prev->nchunks || !prev->first)
        return NULL;
    size_t cap = 16;
    while (cap < 2 * prev->nchunks)
        cap *= 2;
    size_t *t = calloc(cap, sizeof *t);
    if (!t)
        return NULL;
    for (size_t c = 0; c < prev->nchunks; c++) {
        size_t h = id_hash(&prev->parts[prev->first[c]]) & (cap - 1);
        while (t[h])
            h = (h + 1) & (cap - 1);
        t[h] = c + 1;
    }
    *mask = cap - 1;
    return t;
}

/* The block of prev that starts with part p's identity, or -1. */
static long prev_find(const web_body *prev, const size_t *t, size_t mask,
                      const web_part *p)
{
    if (!t)
        return -1;
    for (size_t h = id_hash(p) & mask; t[h]; h = (h + 1) & mask)
        if (same_id(&prev->parts[prev->first[t[h] - 1]], p))
            return (long)t[h] - 1;
    return -1;
}

/* Renders parts [q0, q1) of out into o (emptied first). */
static bool block_render(const web_body *out, size_t q0, size_t q1,
                         web_part_fn fn, const void *ctx, kh_buf *o)
{
    kh_buf_reset(o);
    for (size_t p = q0; p < q1; p++)
        fn(ctx, &out->parts[p], o);
    return kh_buf_status(o) == KH_OK;
}

/* A block's deflate dictionary: the previous block's text, its last
 * WEB_DEFLATE_DICT bytes.  Matches into it pack a year's rows and units
 * about a third smaller than blocks on their own (the reads' bytes are
 * the read path's cost), at the price that a block is shared with the
 * previous version only when the block before it is too (block_make). */
static size_t block_dict(const kh_buf *last, const char **dict)
{
    size_t n = last->len < WEB_DEFLATE_DICT ? last->len
                                              : WEB_DEFLATE_DICT;
    *dict = last->data ? last->data + last->len - n : "";
    return n;
}

/* One walk over a body's blocks in order (web_body_build). */
typedef struct block_walk {
    kh_buf tmp, last;            /* the block's text, the one before's */
    bool last_known;             /* last holds block c - 1's text */
    long last_same;              /* prev's block whose text block c - 1
                                  * has, or -1 */
    packer pk;
    size_t *rendered;
} block_walk;

/* Block c - 1's text into w->last (rendered again when that block was
 * shared), so that block c can be compressed after it. */
static bool walk_last(const web_body *out, size_t c, web_part_fn fn,
                      const void *ctx, block_walk *w)
{
    if (c == 0) {
        kh_buf_reset(&w->last);
        return true;
    }
    if (!w->last_known &&
        !block_render(out, out->first[c - 1], out->first[c], fn, ctx,
                      &w->last))
        return false;
    w->last_known = true;
    return true;
}

/* Block c of out: prev's block pc when its text is the same (equal
 * parts, or a volatile block's equal bytes) and it follows a block of
 * the same text there as here (its matches may reach into that one),
 * else rendered and compressed after block c - 1's text. */
static web_chunk *block_make(web_body *out, size_t c, const web_body *prev,
                             long pc, web_part_fn fn, const void *ctx,
                             block_walk *w)
{
    size_t q0 = out->first[c], q1 = out->first[c + 1];
    web_chunk *k = pc >= 0 ? prev->chunk[pc] : NULL;
    bool chained = k && (c == 0 ? pc == 0 : pc > 0 && w->last_same == pc - 1);
    bool vol = out->parts[q0].kind & WEB_PART_VOLATILE;
    bool same = k && !vol &&
                prev->first[pc + 1] - prev->first[pc] == q1 - q0 &&
                memcmp(&prev->parts[prev->first[pc]], &out->parts[q0],
                       (q1 - q0) * sizeof *out->parts) == 0;
    w->last_same = -1;
    if (same && chained) {
        atomic_fetch_add(&k->refs, 1);
        w->last_known = false;
        w->last_same = pc;
        return k;
    }
    if (!block_render(out, q0, q1, fn, ctx, &w->tmp))
        return NULL;
    kh_buf *t = &w->tmp;
    if (k && vol)
        same = k->len == t->len && memcmp(k->text, t->data, t->len) == 0;
    if (same && chained) {
        atomic_fetch_add(&k->refs, 1);
    } else {
        z_stream *z = packer_for(&w->pk, out->parts[q0].kind &
                                             (WEB_PART_BIG | WEB_PART_VOLATILE));
        const char *dict = NULL;
        if (!z || !walk_last(out, c, fn, ctx, w))
            return NULL;
        size_t dlen = block_dict(&w->last, &dict);
        if (!(k = chunk_new(z, t->data ? t->data : "", t->len, vol, dict,
                            dlen)))
            return NULL;
        if (w->rendered)
            ++*w->rendered;
    }
    kh_buf swap = w->last;   /* block c's text is the next one's dict */
    w->last = w->tmp;
    w->tmp = swap;
    w->last_known = true;
    w->last_same = same ? pc : -1;
    return k;
}

/* Cuts out's parts into blocks: out->first and out->nchunks. */
static bool blocks_cut(web_body *out)
{
    size_t n = out->nparts;
    out->first = malloc((n + 1) * sizeof *out->first);
    if (!out->first)
        return false;
    size_t nbig = 0;
    for (size_t p = 0; p < n; p++)
        nbig += (out->parts[p].kind & WEB_PART_BIG) != 0;
    unsigned span = nbig > WEB_BLOCK_BIG_SMALL_MAX ? WEB_BLOCK_BIG
                                                   : WEB_BLOCK_BIG_SMALL;
    size_t k = 0, start = 0;
    for (size_t p = 0; p < n; p++) {
        if (!block_edge(out->parts, n, p, p - start + 1, span))
            continue;
        out->first[k++] = start;
        start = p + 1;
    }
    out->first[k] = n;
    out->nchunks = k;
    return true;
}

/* The body's length and CRC from its blocks' (crc32_combine_op: one
 * multiplication per block).  The compressed blocks are not joined: a
 * response sends them as they are (web_http.c). */
static void blocks_sum(web_body *out)
{
    size_t zlen = 0, len = 0;
    uLong crc = crc32_z(0L, NULL, 0);
    for (size_t c = 0; c < out->nchunks; c++) {
        const web_chunk *k = out->chunk[c];
        zlen += k->zlen;
        len += k->len;
        crc = crc32_combine_op(crc, k->crc, k->op);
    }
    out->crc = (uint32_t)crc;
    out->len = len;
    out->zlen = zlen;
}

bool web_body_build(web_body *out, web_part *parts, size_t n,
                    const web_body *prev, web_part_fn fn, const void *ctx,
                    size_t *rendered)
{
    memset(out, 0, sizeof *out);
    out->present = true;
    out->parts = parts;
    out->nparts = n;
    block_walk w;
    memset(&w, 0, sizeof w);
    w.rendered = rendered;
    w.last_same = -1;
    kh_buf_init(&w.tmp, 0);
    kh_buf_init(&w.last, 0);
    bool ok = blocks_cut(out) &&
              (out->chunk = calloc(out->nchunks + 1, sizeof *out->chunk));
    size_t mask = 0;
    size_t *t = ok ? prev_index(prev, &mask) : NULL;
    for (size_t c = 0; ok && c < out->nchunks; c++) {
        long pc = prev_find(prev, t, mask, &parts[out->first[c]]);
        out->chunk[c] = block_make(out, c, prev, pc, fn, ctx, &w);
        ok = out->chunk[c] != NULL;
    }
    kh_buf_free(&w.tmp);
    kh_buf_free(&w.last);
    free(t);
    packer_close(&w.pk);
    if (!ok) {
        web_body_free(out);
        return false;
    }
    blocks_sum(out);
    return true;
}

/* Renders the frozen text (ctx) of web_body_of_text. */
static void text_part(const void *ctx, const web_part *p, kh_buf *o)
{
    kh_buf_add(o, ctx, (size_t)p->k1);
}

bool web_body_of_text(web_body *out, const char *text, size_t len)
{
    web_part *p = calloc(1, sizeof *p);
    if (!p) {
        memset(out, 0, sizeof *out);
        return false;
    }
    *p = (web_part){WEB_PART_VOLATILE, 0, 0, 0, (uint64_t)len, 0};
    return web_body_build(out, p, 1, NULL, text_part, text, NULL);
}

/* Inflates block c (raw deflate, ending in a sync flush) into out, which
 * has room for its len bytes and is preceded by the at bytes of the
 * blocks before it (its dictionary: block_dict). */
static bool chunk_inflate(const web_chunk *c, char *out, size_t at)
{
    if (c->text || !c->len) {
        memcpy(out, c->text ? c->text : "", c->len);
        return true;
    }
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, -15) != Z_OK)
        return false;
    size_t dlen = at < WEB_DEFLATE_DICT ? at : WEB_DEFLATE_DICT;
    if (dlen && inflateSetDictionary(&z, (const Bytef *)out - dlen,
                                     (uInt)dlen) != Z_OK) {
        inflateEnd(&z);
        return false;
    }
    z.next_in = c->z;
    z.avail_in = (uInt)c->zlen;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)c->len;
    /* Output full ends it: the sync flush's empty block may be left. */
    int rc = inflate(&z, Z_SYNC_FLUSH);
    bool ok = (rc == Z_OK || rc == Z_BUF_ERROR) && z.avail_out == 0;
    inflateEnd(&z);
    return ok;
}

char *web_body_inflate(const web_body *b)
{
    char *t = malloc(b->len + 1);   /* an absent body is empty */
    size_t at = 0;
    for (size_t c = 0; t && c < b->nchunks; c++) {
        if (!chunk_inflate(b->chunk[c], t + at, at)) {
            free(t);
            return NULL;
        }
        at += b->chunk[c]->len;
    }
    if (t)
        t[at] = '\0';
    return t;
}

const char *web_body_text(web_body *b, size_t *len)
{
    *len = b->len;
    char *t = atomic_load(&b->text);
    if (t || !b->present)
        return t;
    if (!(t = web_body_inflate(b)))
        return NULL;
    char *none = NULL;
    if (!atomic_compare_exchange_strong(&b->text, &none, t)) {
        free(t);   /* another request joined it first */
        t = none;
    }
    return t;
}

const unsigned char *web_body_joined(web_body *b)
{
    unsigned char *j = atomic_load(&b->joined);
    if (j || !b->present)
        return j;
    if (!(j = malloc(b->zlen ? b->zlen : 1)))
        return NULL;
    size_t at = 0;
    for (size_t c = 0; c < b->nchunks; c++) {
        memcpy(j + at, b->chunk[c]->z, b->chunk[c]->zlen);
        at += b->chunk[c]->zlen;
    }
    unsigned char *none = NULL;
    if (!atomic_compare_exchange_strong(&b->joined, &none, j)) {
        free(j);   /* another request joined it first */
        j = none;
    }
    return j;
}

/* ---- the results JSON by parts -------------------------------------- */

enum {
    JP_HEAD, JP_UNIT, JP_BRANCHES_OPEN, JP_BRANCH, JP_RANKINGS_OPEN,
    JP_RANK_OPEN, JP_ROW, JP_RANK_CLOSE, JP_END
};

static void json_part(const void *ctx, const web_part *p, kh_buf *o)
{
    const kh_result *res = ctx;
    switch (p->kind & ~(WEB_PART_VOLATILE | WEB_PART_BIG)) {
    case JP_HEAD: kh_report_json_head(res, o); break;
    case JP_UNIT: kh_report_json_unit(res, p->i, o); break;
    case JP_BRANCHES_OPEN: kh_report_json_branches_open(res, o); break;
    case JP_BRANCH: kh_report_json_branch(res, p->i, o); break;
    case JP_RANKINGS_OPEN: kh_report_json_rankings_open(res, o); break;
    case JP_RANK_OPEN: kh_report_json_ranking_open(res, p->i, o); break;
    case JP_ROW: kh_report_json_row(res, p->i, p->j, o); break;
    case JP_RANK_CLOSE: kh_report_json_ranking_close(res, p->i, o); break;
    case JP_END: kh_report_json_end(res, o); break;
    }
}

void web_part_add(kh_buf *v, uint32_t kind, size_t i, size_t j, uint32_t a,
                  uint64_t k1, uint64_t k2)
{
    web_part p = {kind, (uint32_t)i, (uint32_t)j, a, k1, k2};
    /* With room left (the list starts on the last one's size), a plain
     * store: a large year lists some 40,000 parts a write, and
     * kh_buf_add's calls were a tenth of it (perf, bench/deadline). */
    if (v->st == KH_OK && v->alloc - v->len > sizeof p &&
        v->len + sizeof p <= v->cap) {
        memcpy(v->data + v->len, &p, sizeof p);
        v->len += sizeof p;
        v->data[v->len] = '\0';
        return;
    }
    kh_buf_add(v, &p, sizeof p);
}

/* Renders made without edit counts never share a unit's line. */
static atomic_uint_fast64_t unkeyed = 1;

/* The JSON's parts: a unit's line is keyed by its edit count (uver),
 * a branch's by the branch and its mean, a ranking row by its unit or branch, score,
 * rank and mark; the frames by nothing (fixed for the model). */
static void json_parts(const kh_result *res, const uint32_t *uver,
                       kh_buf *v)
{
    const kh_rubric *r = kh_assess_rubric(kh_result_assess(res));
    uint64_t gen = uver ? 0 : atomic_fetch_add(&unkeyed, 1);
    web_part_add(v, JP_HEAD, 0, 0, 0, 0, 0);
    for (size_t u = 0; u < kh_result_unit_count(res); u++)
        web_part_add(v, JP_UNIT | WEB_PART_BIG, u, 0, 0, uver ? uver[u] : 0,
                 gen);
    web_part_add(v, JP_BRANCHES_OPEN, 0, 0, 0, 0, 0);
    for (size_t k = 0; k < kh_result_branch_count(res); k++)
        web_part_add(v, JP_BRANCH, k, 0, 0, kh_result_branch(res, k),
                 (uint64_t)kh_result_branch_score(res, k));
    web_part_add(v, JP_RANKINGS_OPEN, 0, 0, 0, 0, 0);
    for (size_t i = 0; i < kh_rubric_ranking_count(r); i++) {
        web_part_add(v, JP_RANK_OPEN, i, 0, 0, 0, 0);
        for (size_t j = 0; j < kh_result_ranking_rows(res, i); j++) {
            const kh_rank_row *row = kh_result_ranking_row(res, i, j);
            web_part_add(v, JP_ROW, i, j, row->rank << 1 | row->bottom, row->ref,
                     (uint64_t)row->score);
        }
        web_part_add(v, JP_RANK_CLOSE, i, 0, 0, 0, 0);
    }
    web_part_add(v, JP_END, 0, 0, 0, 0, 0);
}

/* Builds body out from the parts listed in v (taken) after prev. */
static bool body_from(web_body *out, kh_buf *v, const web_body *prev,
                      web_part_fn fn, const void *ctx, size_t *rendered)
{
    if (kh_buf_status(v) != KH_OK) {
        kh_buf_free(v);
        return false;
    }
    size_t len = 0, alloc = v->alloc;
    web_part *parts = (web_part *)kh_buf_take(v, &len);
    kh_buf_free(v);
    if (!parts)
        return false;
    if (!web_body_build(out, parts, len / sizeof *parts, prev, fn, ctx,
                        rendered))
        return false;
    out->parts_alloc = alloc;
    return true;
}

/* ---- versions ------------------------------------------------------ */

void web_version_free(web_year *y)
{
    web_body_free(&y->json);
    web_body_free(&y->html);
    free(y);
}

/* The JSON body: the published year's frozen snapshot from the store,
 * or built by parts from res. */
static kh_status json_body(kh_store *store, const web_version_in *in,
                           const web_year *prev, web_year *y,
                           size_t *rendered)
{
    if (in->state >= KH_YEAR_PUBLISHED) {
        kh_buf b;
        kh_buf_init(&b, 0);
        kh_err *e = kh_err_new();
        kh_status st = e ? kh_store_results(store, y->year, KH_RESULT_JSON,
                                            KH_SCORE_ALLOW_MISSING, &b, e)
                         : KH_ENOMEM;
        kh_err_free(e);
        if (st == KH_OK && b.len && !web_body_of_text(&y->json, b.data, b.len))
            st = KH_ENOMEM;
        kh_buf_free(&b);
        return st;
    }
    if (!in->result)
        return KH_OK;
    kh_buf v;
    kh_buf_init(&v, 0);
    if (prev) {   /* about as many parts as last time: no regrowth */
        parts_reuse(&v, (prev->json.nparts + 64) * sizeof(web_part));
        (void)kh_buf_reserve(&v, (prev->json.nparts + 64) * sizeof(web_part));
    }
    json_parts(in->result, in->uver, &v);
    return body_from(&y->json, &v, prev ? &prev->json : NULL, json_part,
                     in->result, rendered)
               ? KH_OK
               : KH_ENOMEM;
}

kh_status web_version_render(kh_store *store, const web_version_in *in,
                             const web_year *prev, web_year **out,
                             size_t *rendered)
{
    web_year *y = calloc(1, sizeof *y);
    if (!y)
        return KH_ENOMEM;
    y->refs = 1;
    y->year = in->year;
    y->state = in->state;
    y->rubric = in->rubric;
    y->assess = in->assess;
    y->result = in->result;
    kh_status st = json_body(store, in, prev, y, rendered);
    kh_buf v;
    kh_buf_init(&v, 0);
    if (st == KH_OK) {
        if (prev) {
            size_t want = (prev->html.nparts + 64) * sizeof(web_part);
            parts_reuse(&v, want);
            (void)kh_buf_reserve(&v, want);
        }
        web_results_parts(y, &v);
        if (!body_from(&y->html, &v, prev ? &prev->html : NULL,
                       web_results_part, y, rendered))
            st = KH_ENOMEM;
    }
    kh_buf_free(&v);
    y->result = NULL;   /* the model's own result is what handlers read */
    if (st != KH_OK) {
        web_version_free(y);
        return st;
    }
    *out = y;
    return KH_OK;
}
