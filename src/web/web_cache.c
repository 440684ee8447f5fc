/*
 * web_cache.c - "render once, serve many": per year, the loaded rubric and
 * assessment, the scored result, the results JSON and the results page
 * body, built once and shared by every request until the store changes.
 *
 * Staleness is one indexed read per request: the store's change sequence
 * (kh_store_change_seq, the last audit record's number, which every
 * change raises).  Entries are reference counted so a request can keep
 * using a year while another request replaces it.
 *
 * The results JSON and page are also compressed here, once per build:
 * a raw deflate stream of each with its CRC-32, which web_http.c wraps
 * with the request's own head and tail into one gzip response (for a
 * 3,000-unit year the page is 1.2 MB and compresses about 20 times).
 */
#include "web.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "kaohe/score.h"

static void year_free(web_year *y)
{
    if (!y)
        return;
    kh_result_free(y->result);
    kh_assess_free(y->assess);
    kh_rubric_free(y->rubric);
    free(y->json);
    free(y->results_html);
    free(y->json_z);
    free(y->results_html_z);
    free(y);
}

void web_year_put(kh_web *app, web_year *y)
{
    if (!y)
        return;
    pthread_mutex_lock(&app->cache_mu);
    bool last = --y->refs == 0;
    pthread_mutex_unlock(&app->cache_mu);
    if (last)
        year_free(y);
}

void web_cache_free(kh_web *app)
{
    for (size_t i = 0; i < app->nyears; i++)
        web_year_put(app, app->years[i]);
    app->nyears = 0;
}

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

/* Compresses a cached body once; on failure z stays NULL and the body
 * is served as it is. */
static void compress_body(const char *data, size_t len, unsigned char **z,
                          size_t *zlen, uint32_t *crc)
{
    if (!data)
        return;
    *crc = (uint32_t)crc32_z(0L, (const Bytef *)data, len);
    if (!web_deflate(data, len, z, zlen)) {
        *z = NULL;
        *zlen = 0;
    }
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

void web_out_cached(web_req *r, web_year *y, web_cached what)
{
    if (r->cached) {   /* one cached body per response: copy a second */
        if (what == WEB_CACHED_JSON)
            kh_buf_add(&r->out, y->json, y->json_len);
        else
            kh_buf_add(&r->out, y->results_html, y->results_html_len);
        return;
    }
    pthread_mutex_lock(&r->app->cache_mu);
    y->refs++;
    pthread_mutex_unlock(&r->app->cache_mu);
    r->cached = y;
    r->cached_what = what;
    r->cached_at = r->out.len;
}

static kh_status build(web_req *r, int year, int64_t seq, web_year **out)
{
    kh_err *e = kh_err_new();
    web_year *y = calloc(1, sizeof *y);
    if (!e || !y) {
        kh_err_free(e);
        free(y);
        return KH_ENOMEM;
    }
    y->refs = 1;
    y->year = year;
    y->seq = seq;
    kh_status st = kh_store_year_state(r->store, year, &y->state, e);
    if (st == KH_OK)
        st = kh_store_load_assess(r->store, year, e, &y->rubric, &y->assess);
    if (st == KH_OK) {
        /* In progress some items have no inspection entry yet: score
         * what is there (the page says the figures are provisional). */
        if (kh_score(y->assess, KH_SCORE_ALLOW_MISSING, e, &y->result) != KH_OK)
            y->result = NULL;
        kh_buf b;
        kh_buf_init(&b, 0);
        kh_err_clear(e);
        if (kh_store_results(r->store, year, KH_RESULT_JSON,
                             KH_SCORE_ALLOW_MISSING, &b, e) == KH_OK)
            y->json = take_fit(&b, &y->json_len);
        kh_buf_free(&b);
        kh_buf_init(&b, 0);
        web_pages_results_body(y, &b);
        y->results_html = take_fit(&b, &y->results_html_len);
        kh_buf_free(&b);
        compress_body(y->json, y->json_len, &y->json_z, &y->json_zlen,
                      &y->json_crc);
        compress_body(y->results_html, y->results_html_len,
                      &y->results_html_z, &y->results_html_zlen,
                      &y->results_html_crc);
    }
    kh_err_free(e);
    if (st != KH_OK) {
        year_free(y);
        return st;
    }
    *out = y;
    return KH_OK;
}

kh_status web_year_get(web_req *r, int year, web_year **out)
{
    kh_web *app = r->app;
    int64_t seq = 0;
    kh_err *e = kh_err_new();
    if (!e)
        return KH_ENOMEM;
    kh_status st = kh_store_change_seq(r->store, &seq, e);
    kh_err_free(e);
    if (st != KH_OK)
        return st;
    pthread_mutex_lock(&app->cache_mu);
    for (size_t i = 0; i < app->nyears; i++) {
        web_year *y = app->years[i];
        if (y->year == year && y->seq == seq) {
            y->refs++;
            *out = y;
            pthread_mutex_unlock(&app->cache_mu);
            return KH_OK;
        }
    }
    pthread_mutex_unlock(&app->cache_mu);

    /* Built outside the lock: two requests may build the same year at
     * once; the later one simply replaces the earlier. */
    web_year *y;
    if ((st = build(r, year, seq, &y)) != KH_OK)
        return st;
    web_year *old = NULL;
    pthread_mutex_lock(&app->cache_mu);
    size_t i;
    for (i = 0; i < app->nyears; i++)
        if (app->years[i]->year == year)
            break;
    if (i < app->nyears) {
        old = app->years[i];
    } else if (app->nyears == sizeof app->years / sizeof app->years[0]) {
        old = app->years[0];   /* evict the first (oldest added) year */
        i = 0;
    } else {
        app->nyears++;
    }
    if (old && old->year == year && old->seq > seq) {
        /* A newer build landed meanwhile: keep it, serve ours once. */
        pthread_mutex_unlock(&app->cache_mu);
        *out = y;
        return KH_OK;
    }
    app->years[i] = y;
    y->refs++;   /* the cache's reference */
    pthread_mutex_unlock(&app->cache_mu);
    web_year_put(app, old);
    *out = y;
    return KH_OK;
}
