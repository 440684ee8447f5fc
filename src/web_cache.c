/*
 * web_cache.c - "render once, serve many": per year, the loaded rubric and
 * assessment, the scored result, the results JSON and the results page
 * body, built once and shared by every request until the store changes.
 *
 * Staleness is one indexed read per request: the store's change sequence
 * (kh_store_change_seq, the last audit record's number, which every
 * change raises).  Entries are reference counted so a request can keep
 * using a year while another request replaces it.
 */
#include "web.h"

#include <stdlib.h>
#include <string.h>

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
            y->json = kh_buf_take(&b, &y->json_len);
        kh_buf_free(&b);
        kh_buf_init(&b, 0);
        web_pages_results_body(y, &b);
        y->results_html = kh_buf_take(&b, &y->results_html_len);
        kh_buf_free(&b);
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
