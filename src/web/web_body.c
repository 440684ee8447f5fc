/*
 * web_body.c - the cached results bodies of a version (web.h, "the
 * per-year cache"): rendering the results JSON in pieces and the results
 * page, and compressing them in blocks so that a refresh after a write
 * compresses again only what changed (web_body_pack, web_version_render).
 * The models, versions and freshness live in web_cache.c.
 */
#include "web.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "kaohe/report.h"
#include "kaohe/score.h"

/* ---- compression in blocks ------------------------------------------ */

bool web_deflate(const void *in, size_t n, unsigned char **out,
                 size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return false;
    size_t cap = deflateBound(&z, (uLong)n) + 16;
    unsigned char *buf = malloc(cap);
    if (!buf || n > (uInt)-1) {
        free(buf);
        deflateEnd(&z);
        return false;
    }
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)n;
    z.next_out = buf;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_SYNC_FLUSH);
    bool ok = rc == Z_OK && z.avail_in == 0 && z.avail_out > 0;
    size_t len = cap - z.avail_out;
    deflateEnd(&z);
    if (!ok) {
        free(buf);
        return false;
    }
    /* Cached bodies live long: give back deflateBound's slack. */
    unsigned char *fit = realloc(buf, len ? len : 1);
    *out = fit ? fit : buf;
    *outlen = len;
    return true;
}

/* Does the line [p, end) end a block?  Chosen by the line's first bytes
 * (its id), so that inserting or moving a line leaves the other
 * boundaries where they were. */
static bool block_edge(const char *p, const char *end)
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < 48 && p < end; i++, p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return (h >> 7) % WEB_BLOCK_LINES == 0;
}

/* Cuts body into blocks (whole lines); *out malloc'd. */
static bool block_cut(const char *body, size_t len, web_block **out,
                      size_t *n)
{
    size_t cap = 64, k = 0;
    web_block *b = malloc(cap * sizeof *b);
    if (!b)
        return false;
    size_t start = 0, at = 0, lines = 0;
    while (at < len) {
        const char *nl = memchr(body + at, '\n', len - at);
        size_t next = nl ? (size_t)(nl - body) + 1 : len;
        bool edge = next == len || next - start >= WEB_BLOCK_BYTES ||
                    (++lines >= WEB_BLOCK_LINES_MIN &&
                     block_edge(body + at, body + next));
        at = next;
        if (!edge)
            continue;
        lines = 0;
        if (k == cap) {
            web_block *nb = realloc(b, 2 * cap * sizeof *b);
            if (!nb) {
                free(b);
                return false;
            }
            b = nb;
            cap *= 2;
        }
        b[k++] = (web_block){start, at - start, 0, 0, 0};
        start = at;
    }
    *out = b;
    *n = k;
    return true;
}

/* An old block with the same length and CRC, or NULL.  Blocks keep
 * their order, so the search starts where the last one matched. */
static const web_block *block_find(const web_block *old, size_t nold,
                                   size_t *hint, size_t len, uint32_t crc)
{
    for (size_t t = 0; t < nold; t++) {
        size_t i = (*hint + t) % nold;
        if (old[i].len == len && old[i].crc == crc) {
            *hint = i + 1;
            return &old[i];
        }
    }
    return NULL;
}

bool web_body_pack(const char *body, size_t len, const unsigned char *oldz,
                   const web_block *old, size_t nold, unsigned char **z,
                   size_t *zlen, uint32_t *crc, web_block **blocks,
                   size_t *nblocks, size_t *recompressed)
{
    *z = NULL;
    *zlen = 0;
    *recompressed = 0;
    web_block *b;
    size_t n;
    if (!block_cut(body, len, &b, &n))
        return false;
    unsigned char **fresh = calloc(n ? n : 1, sizeof *fresh);
    const unsigned char **src = calloc(n ? n : 1, sizeof *src);
    bool ok = fresh && src;
    size_t total = 0, hint = 0;
    uLong all = crc32_z(0L, NULL, 0);
    for (size_t i = 0; ok && i < n; i++) {
        b[i].crc = (uint32_t)crc32_z(0L, (const Bytef *)body + b[i].off,
                                     b[i].len);
        const web_block *o = oldz ? block_find(old, nold, &hint, b[i].len,
                                               b[i].crc)
                                  : NULL;
        if (o) {
            src[i] = oldz + o->zoff;
            b[i].zlen = o->zlen;
        } else {
            ok = web_deflate(body + b[i].off, b[i].len, &fresh[i],
                             &b[i].zlen);
            src[i] = fresh[i];
            ++*recompressed;
        }
        all = crc32_combine(all, b[i].crc, (z_off_t)b[i].len);
        b[i].zoff = total;
        total += b[i].zlen;
    }
    unsigned char *out = ok ? malloc(total ? total : 1) : NULL;
    for (size_t i = 0; out && i < n; i++)
        memcpy(out + b[i].zoff, src[i], b[i].zlen);
    for (size_t i = 0; fresh && i < n; i++)
        free(fresh[i]);
    free(fresh);
    free(src);
    if (!out) {
        free(b);
        return false;
    }
    *z = out;
    *zlen = total;
    *crc = (uint32_t)all;
    *blocks = b;
    *nblocks = n;
    return true;
}

/* kh_buf grows by doubling: the long-lived copy gets exactly its size. */
static char *take_fit(kh_buf *b, size_t *len)
{
    char *d = kh_buf_take(b, len);
    if (!d)
        return NULL;
    char *fit = realloc(d, *len + 1);
    return fit ? fit : d;
}

/* ---- the results JSON in pieces ------------------------------------ */

typedef struct piece {
    const unsigned char *z;      /* compressed bytes (old or fresh) */
    unsigned char *fresh;        /* owned when compressed here */
    web_block b;
} piece;

/* Compresses body[off, off + len) into p unless old (may be NULL) has
 * the same bytes: same length and CRC, or known to be copied from it
 * (same: no CRC computed).  False on OOM. */
static bool piece_make(piece *p, const char *body, size_t off, size_t len,
                       const unsigned char *oldz, const web_block *old,
                       bool same)
{
    p->b = (web_block){off, len, 0, 0, 0};
    p->fresh = NULL;
    if (same && old && oldz && old->len == len) {
        p->z = oldz + old->zoff;
        p->b.zlen = old->zlen;
        p->b.crc = old->crc;
        return true;
    }
    p->b.crc = (uint32_t)crc32_z(0L, (const Bytef *)body + off, len);
    if (old && oldz && old->len == len && old->crc == p->b.crc) {
        p->z = oldz + old->zoff;
        p->b.zlen = old->zlen;
        return true;
    }
    if (!web_deflate(body + off, len, &p->fresh, &p->b.zlen))
        return false;
    p->z = p->fresh;
    return true;
}

/* The JSON text into y->json with its piece offsets; reuse: copy the
 * lines of units not in dirty from prev. */
static bool json_text(const kh_result *res, const web_year *prev,
                      const uint8_t *dirty, bool reuse, web_year *y)
{
    size_t n = kh_result_unit_count(res);
    size_t *off = malloc((n + 2) * sizeof *off);
    kh_buf b;
    kh_buf_init(&b, reuse ? prev->json_len + 4096 : 0);
    if (!off)
        return false;
    kh_report_json_head(res, &b);
    for (size_t u = 0; u < n; u++) {
        off[u] = b.len;
        if (reuse && !dirty[u])
            kh_buf_add(&b, prev->json + prev->json_off[u],
                       prev->json_off[u + 1] - prev->json_off[u]);
        else
            kh_report_json_unit(res, u, &b);
    }
    off[n] = b.len;
    kh_report_json_tail(res, &b);
    off[n + 1] = b.len;
    if (kh_buf_status(&b) != KH_OK) {
        kh_buf_free(&b);
        free(off);
        return false;
    }
    y->json = take_fit(&b, &y->json_len);
    kh_buf_free(&b);
    y->json_off = off;
    y->json_units = n;
    return y->json != NULL;
}

/* Renders the JSON of res into y: unit lines not in dirty are copied
 * from prev (dirty NULL or prev without pieces: all rendered), then
 * compressed by pieces: only groups with a dirty unit, and the head and
 * tail blocks whose bytes changed, are compressed again. */
static bool json_pieces(const kh_result *res, const web_year *prev,
                        const uint8_t *dirty, web_year *y)
{
    size_t n = kh_result_unit_count(res);
    bool reuse = dirty && prev && prev->json_off && prev->json_units == n;
    if (!json_text(res, prev, dirty, reuse, y))
        return false;
    const size_t *off = y->json_off;
    size_t ngroups = (n + WEB_JSON_GROUP - 1) / WEB_JSON_GROUP;
    /* The tail's blocks, cut by content like any body. */
    const web_block *oldt = reuse ? prev->json_blocks + 1 + ngroups : NULL;
    size_t noldt = reuse ? prev->njson_blocks - 1 - ngroups : 0;
    unsigned char *tz = NULL;
    web_block *tb = NULL;
    size_t tzlen = 0, ntb = 0, rz;
    uint32_t tcrc;
    if (!web_body_pack(y->json + off[n], off[n + 1] - off[n],
                       reuse ? prev->json_z : NULL, oldt, noldt, &tz, &tzlen,
                       &tcrc, &tb, &ntb, &rz))
        return false;
    size_t np = 1 + ngroups;
    piece *p = calloc(np, sizeof *p);
    web_block *blocks = malloc((np + ntb) * sizeof *blocks);
    bool ok = p && blocks &&
              piece_make(&p[0], y->json, 0, off[0],
                         reuse ? prev->json_z : NULL,
                         reuse ? &prev->json_blocks[0] : NULL, false);
    for (size_t g = 0; ok && g < ngroups; g++) {
        size_t u0 = g * WEB_JSON_GROUP;
        size_t u1 = u0 + WEB_JSON_GROUP < n ? u0 + WEB_JSON_GROUP : n;
        bool same = reuse;
        for (size_t u = u0; same && u < u1; u++)
            same = !dirty[u];
        ok = piece_make(&p[1 + g], y->json, off[u0], off[u1] - off[u0],
                        same ? prev->json_z : NULL,
                        same ? &prev->json_blocks[1 + g] : NULL, same);
    }
    size_t total = tzlen;
    for (size_t i = 0; ok && i < np; i++)
        total += p[i].b.zlen;
    unsigned char *z = ok ? malloc(total ? total : 1) : NULL;
    if (z) {
        size_t at = 0;
        uLong crc = crc32_z(0L, NULL, 0);
        for (size_t i = 0; i < np; i++) {
            memcpy(z + at, p[i].z, p[i].b.zlen);
            blocks[i] = p[i].b;
            blocks[i].zoff = at;
            at += p[i].b.zlen;
            crc = crc32_combine(crc, p[i].b.crc, (z_off_t)p[i].b.len);
        }
        memcpy(z + at, tz, tzlen);
        for (size_t i = 0; i < ntb; i++) {
            blocks[np + i] = tb[i];
            blocks[np + i].off += off[n];
            blocks[np + i].zoff += at;
        }
        crc = crc32_combine(crc, tcrc, (z_off_t)(off[n + 1] - off[n]));
        y->json_z = z;
        y->json_zlen = total;
        y->json_crc = (uint32_t)crc;
        y->json_blocks = blocks;
        y->njson_blocks = np + ntb;
        blocks = NULL;
    }
    for (size_t i = 0; p && i < np; i++)
        free(p[i].fresh);
    free(p);
    free(blocks);
    free(tz);
    free(tb);
    return z != NULL;
}

/* ---- versions ------------------------------------------------------ */

void web_version_free(web_year *y)
{
    free(y->json);
    free(y->results_html);
    free(y->json_z);
    free(y->results_html_z);
    free(y->json_blocks);
    free(y->html_blocks);
    free(y->json_off);
    free(y);
}

kh_status web_version_render(kh_store *store, const web_version_in *in,
                             const web_year *prev, const uint8_t *dirty,
                             web_year **out)
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
    kh_result *res = in->result;
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st = KH_OK;
    if (in->state >= KH_YEAR_PUBLISHED) {
        kh_err *e = kh_err_new();
        st = e ? kh_store_results(store, y->year, KH_RESULT_JSON,
                                  KH_SCORE_ALLOW_MISSING, &b, e)
               : KH_ENOMEM;
        kh_err_free(e);
    } else if (res && !json_pieces(res, prev, dirty, y)) {
        st = KH_ENOMEM;
    }
    if (st == KH_OK && b.len)
        y->json = take_fit(&b, &y->json_len);
    kh_buf_free(&b);
    kh_buf_init(&b, 0);
    web_pages_results_body(y, &b);
    y->results_html = take_fit(&b, &y->results_html_len);
    kh_buf_free(&b);
    y->result = NULL;   /* the model's own result is what handlers read */
    size_t rz;
    if (y->json && !y->json_z &&
        !web_body_pack(y->json, y->json_len, prev ? prev->json_z : NULL,
                       prev ? prev->json_blocks : NULL,
                       prev ? prev->njson_blocks : 0, &y->json_z,
                       &y->json_zlen, &y->json_crc, &y->json_blocks,
                       &y->njson_blocks, &rz))
        y->json_z = NULL;   /* served as it is */
    if (y->results_html &&
        !web_body_pack(y->results_html, y->results_html_len,
                       prev ? prev->results_html_z : NULL,
                       prev ? prev->html_blocks : NULL,
                       prev ? prev->nhtml_blocks : 0, &y->results_html_z,
                       &y->results_html_zlen, &y->results_html_crc,
                       &y->html_blocks, &y->nhtml_blocks, &rz))
        y->results_html_z = NULL;
    if (st != KH_OK || !y->results_html) {
        web_version_free(y);
        return st != KH_OK ? st : KH_ENOMEM;
    }
    *out = y;
    return KH_OK;
}
