/*
 * web_cache.c - per year, the loaded rubric and assessment and its scored
 * result (the model), and the published versions of the results JSON and
 * the results page built from it, compressed once.
 *
 * Writes through this server do not make the year stale: the handler
 * tells the cache (web_cache_write_begin / wrote / apply), which reads
 * the changed entry or records back from the store into the model,
 * rescores that unit (kh_result_update_unit: its branch mean, the rows it
 * moves, ranks and the bottom rule) and publishes new bodies, recompressing
 * only the blocks whose bytes changed (web_body.c).  The write's
 * response is sent after that, so the next read shows it.
 *
 * Anything else that changes the store (another process, an import, a
 * state change, or a change of this server that is not applied here)
 * raises the store's change sequence past what the cache accounted for:
 * every audit record has a seq, this server's own writes report theirs
 * (kh_store_last_commit_seqs) and `seen` is the seq up to which every
 * change is reflected.  A reader that finds the store ahead of `seen`
 * first waits for this server's writes in flight once it has read the
 * seq (they may not have reported theirs yet); if the store is still
 * ahead, one request reads the audit records after `seen`
 * (kh_store_audit_since) and catches up: another instance's entry and
 * record writes are applied like this server's own, a year changed in
 * any other way (import, state, units, rosters) is dropped, and
 * everything is dropped for a change of no year (a rubric) or more than
 * WEB_CACHE_FOREIGN_MAX records.  Dropped years are rebuilt on demand;
 * exactly one request builds a year, the others wait for it.
 *
 * Locks: cache_mu (app) guards the slots, seqs and reference counts;
 * a model's rwlock guards its assessment and result (handlers read
 * between web_year_get and web_year_put, an edit writes); edit_mu orders
 * the edits of one model; refresh_mu makes one refresh at a time publish
 * (a refresh covers every edit made before it started, so writers that
 * queued behind it have nothing left to do).  A refresh renders under
 * the read lock, from the model itself: it lists the bodies' parts and
 * renders only those that changed since the published version (a unit's
 * own part is keyed by its edit count, uver), which costs far less than
 * a copy of the result.
 */
#include "web.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kaohe/doc.h"
#include "kaohe/score.h"

struct web_model {
    int refs;                    /* cache_mu: slot + versions + users */
    pthread_rwlock_t lock;       /* assess, result, mver */
    pthread_mutex_t edit_mu;
    pthread_mutex_t refresh_mu;
    kh_rubric *rubric;
    kh_assess *assess;
    kh_result *result;           /* NULL when the year cannot be scored */
    kh_year_state state;
    uint64_t mver;               /* edits applied */
    size_t edits;                /* since the build: edits_cap */
    /* Per unit, the edits applied to it (under the write lock): the key
     * of the parts that show the unit alone (web_body.c). */
    uint32_t *uver;
    /* The whole year's roster warning (web_roster.c): rosters and the
     * state never change within a model, and the box goes over every
     * unit, so it is made once here, not per results page. */
    char *roster_warn;
};

typedef struct web_slot {
    int year;
    web_model *m;                /* NULL: not built (or dropped) */
    web_year *cur;               /* the published version of m */
    bool building;
    uint64_t used;               /* for eviction */
} web_slot;

typedef struct web_cache {
    pthread_cond_t cv;           /* a build, a write or a refresh ended */
    web_slot slots[WEB_CACHE_YEARS];
    size_t nslots;
    uint64_t clock;
    int64_t seen;                /* changes up to this seq are reflected */
    int64_t own[WEB_CACHE_OWN_MAX];   /* own seqs > seen, ascending */
    size_t nown;
    uint64_t epoch;              /* bumped when everything is dropped */
    uint64_t tickets;            /* writes begun */
    uint64_t active[WEB_CACHE_WRITERS_MAX];
    size_t nactive;
    bool catching;               /* a request applies others' changes */
} web_cache;

/* Years this thread holds (web_year_get .. web_year_put): a request that
 * holds one never applies other processes' changes (it would wait for
 * its own read lock) and never waits for the request that does. */
static _Thread_local int held;

/* ---- models and versions ------------------------------------------- */

static void model_free(web_model *m)
{
    free(m->roster_warn);
    free(m->uver);
    kh_result_free(m->result);
    kh_assess_free(m->assess);
    kh_rubric_free(m->rubric);
    pthread_rwlock_destroy(&m->lock);
    pthread_mutex_destroy(&m->edit_mu);
    pthread_mutex_destroy(&m->refresh_mu);
    free(m);
}

static void model_unref(kh_web *app, web_model *m)
{
    if (!m)
        return;
    pthread_mutex_lock(&app->cache_mu);
    bool last = --m->refs == 0;
    pthread_mutex_unlock(&app->cache_mu);
    if (last)
        model_free(m);
}

static void year_free(kh_web *app, web_year *y)
{
    web_model *m = y->model;
    web_version_free(y);
    model_unref(app, m);
}

void web_year_unref(kh_web *app, web_year *y)
{
    if (!y)
        return;
    pthread_mutex_lock(&app->cache_mu);
    bool last = --y->refs == 0;
    pthread_mutex_unlock(&app->cache_mu);
    if (last)
        year_free(app, y);
}

void web_year_put(kh_web *app, web_year *y)
{
    if (!y)
        return;
    held--;
    pthread_rwlock_unlock(&y->model->lock);
    web_year_unref(app, y);
}

/* Empties slot s, handing its references to the caller. */
static void slot_drop(web_slot *s, web_year **cur, web_model **m)
{
    *cur = s->cur;
    *m = s->m;
    s->cur = NULL;
    s->m = NULL;
}

void web_cache_free(kh_web *app)
{
    web_cache *c = app->cache;
    if (!c)
        return;
    for (size_t i = 0; i < c->nslots; i++) {
        web_year *y;
        web_model *m;
        slot_drop(&c->slots[i], &y, &m);
        web_year_unref(app, y);
        model_unref(app, m);
    }
    pthread_cond_destroy(&c->cv);
    free(c);
    app->cache = NULL;
    web_body_pool_free();
}

/* The cache state, created on first use; cache_mu held. */
static web_cache *cache_of(kh_web *app)
{
    if (app->cache)
        return app->cache;
    web_cache *c = calloc(1, sizeof *c);
    if (!c || pthread_cond_init(&c->cv, NULL) != 0) {
        free(c);
        return NULL;
    }
    /* Bodies of a large year are megabytes and replaced on every write:
     * a fixed mmap threshold gives them back to the system when freed
     * instead of letting the heap grow (glibc raises the threshold
     * after each freed mapping otherwise). */
    mallopt(M_MMAP_THRESHOLD, 256 << 10);
    app->cache = c;
    return c;
}

void web_out_cached(web_req *r, web_year *y, web_cached what)
{
    if (r->cached) {   /* one cached body per response: copy a second */
        size_t len;
        const char *t = web_body_text(what == WEB_CACHED_JSON ? &y->json
                                                               : &y->html,
                                      &len);
        if (t)
            kh_buf_add(&r->out, t, len);
        else   /* out of memory: fail the response (sticky) */
            (void)kh_buf_reserve(&r->out, (size_t)-1);
        return;
    }
    pthread_mutex_lock(&r->app->cache_mu);
    y->refs++;
    pthread_mutex_unlock(&r->app->cache_mu);
    r->cached = y;
    r->cached_what = what;
    r->cached_at = r->out.len;
}

/* ---- building ------------------------------------------------------ */

/* A version of m's current state after prev (NULL: from scratch);
 * m's lock held (read) or m not yet shared. */
static kh_status render(kh_store *store, int year, web_model *m,
                        const web_year *prev, web_year **out)
{
    web_version_in in = {year,      m->state,  m->rubric,
                         m->assess, m->result, m->uver};
    return web_version_render(store, &in, prev, out, NULL);
}

/* The model's whole-year roster warning (m->roster_warn). */
static kh_status roster_warning(web_model *m)
{
    kh_buf w;
    kh_buf_init(&w, 0);
    web_roster_warning_html(&w, m->rubric, m->assess, -1);
    kh_status st = kh_buf_status(&w);
    if (st == KH_OK)
        m->roster_warn = w.len ? kh_buf_take(&w, NULL) : strdup("");
    kh_buf_free(&w);
    return st != KH_OK ? st : m->roster_warn ? KH_OK : KH_ENOMEM;
}

const char *web_year_roster_warning(const web_year *y)
{
    return y->model ? y->model->roster_warn : NULL;
}

/* Loads and scores the year from the store: a new model and its first
 * version (which holds a reference to it). */
static kh_status build(web_req *r, int year, web_model **mout,
                       web_year **yout)
{
    kh_err *e = kh_err_new();
    web_model *m = calloc(1, sizeof *m);
    if (!e || !m) {
        kh_err_free(e);
        free(m);
        return KH_ENOMEM;
    }
    pthread_rwlock_init(&m->lock, NULL);
    pthread_mutex_init(&m->edit_mu, NULL);
    pthread_mutex_init(&m->refresh_mu, NULL);
    m->refs = 1;
    kh_status st = kh_store_year_state(r->store, year, &m->state, e);
    if (st == KH_OK)
        st = kh_store_load_assess(r->store, year, e, &m->rubric, &m->assess);
    /* In progress some items have no inspection entry yet: score what
     * is there (the page says the figures are provisional). */
    if (st == KH_OK &&
        kh_score(m->assess, KH_SCORE_ALLOW_MISSING, e, &m->result) != KH_OK)
        m->result = NULL;
    kh_err_free(e);
    web_year *y = NULL;
    if (st == KH_OK && m->result &&
        !(m->uver = calloc(kh_result_unit_count(m->result) + 1,
                           sizeof *m->uver)))
        st = KH_ENOMEM;
    if (st == KH_OK)
        st = roster_warning(m);
    if (st == KH_OK)
        st = render(r->store, year, m, NULL, &y);
    if (st != KH_OK) {
        model_free(m);
        return st;
    }
    y->model = m;
    m->refs++;
    y->result = m->result;
    *mout = m;
    *yout = y;
    return KH_OK;
}

/* ---- freshness ------------------------------------------------------ */

static bool writes_before(const web_cache *c, uint64_t snap)
{
    for (size_t i = 0; i < c->nactive; i++)
        if (c->active[i] <= snap)
            return true;
    return false;
}

static kh_status catch_up(web_req *r, web_cache *c, int64_t seq);

/* Makes sure the cache reflects every change up to the store's current
 * seq; cache_mu held (released while reading the store). */
static kh_status check_fresh(web_req *r, web_cache *c)
{
    kh_web *app = r->app;
    pthread_mutex_unlock(&app->cache_mu);
    int64_t seq = 0;
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_change_seq(r->store, &seq, e) : KH_ENOMEM;
    kh_err_free(e);
    pthread_mutex_lock(&app->cache_mu);
    if (st != KH_OK || c->seen >= seq)
        return st;
    /* A write of this server with a seq up to the one read began before
     * now and may not have reported it yet: wait for every write begun
     * so far (one begun later cannot have committed a seq read). */
    uint64_t snap = c->tickets;
    while (writes_before(c, snap) && c->seen < seq)
        pthread_cond_wait(&c->cv, &app->cache_mu);
    if (held > 0)
        return KH_OK;   /* a nested read: the next request catches up */
    while (c->catching && c->seen < seq)
        pthread_cond_wait(&c->cv, &app->cache_mu);
    if (c->seen >= seq)
        return KH_OK;
    return catch_up(r, c, seq);
}

/* The slot of year (a free or the least recently used one when absent);
 * cache_mu held.  *evict gets what the slot held before. */
static web_slot *slot_for(web_cache *c, int year, web_year **ey,
                          web_model **em)
{
    *ey = NULL;
    *em = NULL;
    web_slot *s = NULL;
    for (size_t i = 0; i < c->nslots; i++)
        if (c->slots[i].year == year)
            s = &c->slots[i];
    if (!s && c->nslots < WEB_CACHE_YEARS) {
        s = &c->slots[c->nslots++];
        memset(s, 0, sizeof *s);
        s->year = year;
    }
    for (size_t i = 0; !s && i < c->nslots; i++) {
        web_slot *t = &c->slots[i];
        if (!t->building && (!s || t->used < s->used))
            s = t;
    }
    if (!s)
        return NULL;   /* every slot is building: the caller waits */
    if (s->year != year) {
        slot_drop(s, ey, em);
        s->year = year;
    }
    s->used = ++c->clock;
    return s;
}

static kh_status year_get(web_req *r, int year, bool fresh, web_year **out)
{
    kh_web *app = r->app;
    kh_status st = KH_OK;
    pthread_mutex_lock(&app->cache_mu);
    web_cache *c = cache_of(app);
    if (!c) {
        pthread_mutex_unlock(&app->cache_mu);
        return KH_ENOMEM;
    }
    bool cached = false;
    for (size_t i = 0; !fresh && i < c->nslots; i++)
        cached = cached || (c->slots[i].year == year && c->slots[i].cur);
    if (!cached && (st = check_fresh(r, c)) != KH_OK) {
        pthread_mutex_unlock(&app->cache_mu);
        return st;
    }
    for (;;) {
        web_year *ey;
        web_model *em;
        web_slot *s = slot_for(c, year, &ey, &em);
        if (ey || em) {
            pthread_mutex_unlock(&app->cache_mu);
            web_year_unref(app, ey);
            model_unref(app, em);
            pthread_mutex_lock(&app->cache_mu);
            continue;
        }
        if (!s || s->building) {
            pthread_cond_wait(&c->cv, &app->cache_mu);
            continue;
        }
        if (s->cur) {
            web_year *y = s->cur;
            y->refs++;
            pthread_mutex_unlock(&app->cache_mu);
            pthread_rwlock_rdlock(&y->model->lock);
            held++;
            *out = y;
            return KH_OK;
        }
        /* This request builds; the others wait on cv. */
        s->building = true;
        uint64_t epoch = c->epoch;
        pthread_mutex_unlock(&app->cache_mu);
        web_model *m = NULL;
        web_year *y = NULL;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        st = build(r, year, &m, &y);
        /* Loading freed megabytes under the bodies' small blocks, which
         * keep the heap from shrinking: give those pages back. */
        malloc_trim(0);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        /* One line per full build: they should be rare (start, imports,
         * state changes, changes by other processes). */
        if (st == KH_OK)
            fprintf(stderr, "kaohe serve: year %d: results built from the "
                            "store in %ld ms\n", year,
                    (long)((t1.tv_sec - t0.tv_sec) * 1000 +
                           (t1.tv_nsec - t0.tv_nsec) / 1000000));
        pthread_mutex_lock(&app->cache_mu);
        s->building = false;
        pthread_cond_broadcast(&c->cv);
        if (st != KH_OK) {
            pthread_mutex_unlock(&app->cache_mu);
            return st;
        }
        if (c->epoch != epoch || s->year != year) {
            /* The store changed elsewhere while this loaded: again. */
            pthread_mutex_unlock(&app->cache_mu);
            year_free(app, y);
            model_unref(app, m);
            pthread_mutex_lock(&app->cache_mu);
            continue;
        }
        s->m = m;       /* the slot keeps the build's model reference */
        s->cur = y;     /* ... and the version's */
    }
}

kh_status web_year_get(web_req *r, int year, web_year **out)
{
    return year_get(r, year, true, out);
}

kh_status web_year_peek(web_req *r, int year, web_year **out)
{
    return year_get(r, year, false, out);
}

/* ---- writes -------------------------------------------------------- */

void web_cache_write_begin(web_req *r)
{
    kh_web *app = r->app;
    pthread_mutex_lock(&app->cache_mu);
    web_cache *c = cache_of(app);
    if (c && c->nactive < WEB_CACHE_WRITERS_MAX) {
        r->write_ticket = ++c->tickets;
        c->active[c->nactive++] = r->write_ticket;
    }
    pthread_mutex_unlock(&app->cache_mu);
}

/* Counts seq as this server's own; cache_mu held. */
static void own_add(web_cache *c, int64_t seq)
{
    if (seq <= c->seen)
        return;
    size_t i = c->nown;
    if (i == WEB_CACHE_OWN_MAX)
        return;   /* left unaccounted: a later read rebuilds */
    while (i > 0 && c->own[i - 1] > seq)
        i--;
    if (i > 0 && c->own[i - 1] == seq)
        return;
    memmove(&c->own[i + 1], &c->own[i], (c->nown - i) * sizeof *c->own);
    c->own[i] = seq;
    c->nown++;
    size_t k = 0;
    while (k < c->nown && c->own[k] == c->seen + 1) {
        c->seen++;
        k++;
    }
    memmove(c->own, c->own + k, (c->nown - k) * sizeof *c->own);
    c->nown -= k;
}

void web_cache_wrote(web_req *r, kh_status st, int year, const char *unit,
                     const char *item, kh_phase phase)
{
    kh_web *app = r->app;
    int64_t first = 0, last = 0;
    if (st == KH_OK)
        kh_store_last_commit_seqs(r->store, &first, &last);
    pthread_mutex_lock(&app->cache_mu);
    web_cache *c = app->cache;
    for (size_t i = 0; c && i < c->nactive; i++) {
        if (c->active[i] == r->write_ticket) {
            c->active[i] = c->active[--c->nactive];
            break;
        }
    }
    r->write_ticket = 0;
    for (int64_t s = first; c && first > 0 && s <= last; s++)
        own_add(c, s);
    if (c)
        pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&app->cache_mu);
    if (first <= 0)
        return;   /* nothing changed */
    r->wrote_year = year;
    r->wrote_phase = phase;
    r->wrote_records = item == NULL;
    r->wrote_unknown = strlen(unit) >= sizeof r->wrote_unit ||
                       (item && strlen(item) >= sizeof r->wrote_item);
    snprintf(r->wrote_unit, sizeof r->wrote_unit, "%s", unit);
    snprintf(r->wrote_item, sizeof r->wrote_item, "%s", item ? item : "");
}

/* One change to apply to a cached year: an entry, or (item NULL) a
 * unit's bonus and negative records. */
typedef struct web_change {
    int year;
    const char *unit, *item;
    kh_phase phase;
} web_change;

typedef struct entry_read {
    kh_phase phase;
    bool found;
    char *inputs, *note;         /* malloc'd */
} entry_read;

static kh_status entry_read_cb(void *ctx, const kh_entry_row *row)
{
    entry_read *er = ctx;
    if (row->phase != er->phase)
        return KH_OK;
    er->found = true;
    er->inputs = strdup(row->inputs ? row->inputs : "{}");
    er->note = row->note ? strdup(row->note) : NULL;
    return er->inputs && (er->note || !row->note) ? KH_DONE : KH_ENOMEM;
}

/* Sets the stored entry (or its absence) of unit u into the model;
 * the model's write lock is taken here, around the edit alone. */
static kh_status edit_entry(web_req *r, web_model *m, const web_change *w,
                            size_t u, int item, kh_err *e)
{
    entry_read er = {w->phase, false, NULL, NULL};
    kh_status st = kh_store_entry_each(r->store, w->year, w->unit, w->item,
                                       entry_read_cb, &er, e);
    kh_arena *ar = kh_arena_new();
    kh_doc *d = NULL;
    const kh_node *in = NULL;
    if ((st == KH_OK || st == KH_DONE) && er.found && ar)
        st = kh_doc_open_mem("entry", er.inputs, strlen(er.inputs), 'j', e,
                             &d);
    if ((st == KH_OK || st == KH_DONE) && d &&
        (st = kh_doc_read(d, ar, &in)) == KH_OK)
        st = kh_doc_finish(d);
    kh_doc_free(d);
    if (st == KH_DONE)
        st = KH_OK;
    if (st == KH_OK && !ar)
        st = KH_ENOMEM;
    if (st == KH_OK) {
        pthread_rwlock_wrlock(&m->lock);
        if (er.found)
            st = kh_assess_set_entry(m->assess, u, (size_t)item, w->phase,
                                     in, er.note, NULL, e);
        else
            kh_assess_clear_entry(m->assess, u, (size_t)item, w->phase);
        if (st == KH_OK && m->result)
            st = kh_result_update_unit(m->result, u, e);
        if (m->uver)
            m->uver[u]++;
        m->mver++;
        pthread_rwlock_unlock(&m->lock);
    }
    kh_arena_free(ar);
    free(er.inputs);
    free(er.note);
    return st;
}

typedef struct rec_read {
    kh_cp *pts[2];
    size_t n[2], cap[2];
    bool oom;
} rec_read;

static kh_status rec_read_cb(void *ctx, const kh_record_row *row)
{
    rec_read *rr = ctx;
    int k = row->negative ? 1 : 0;
    if (rr->n[k] == rr->cap[k]) {
        size_t nc = rr->cap[k] ? 2 * rr->cap[k] : 8;
        kh_cp *np = realloc(rr->pts[k], nc * sizeof *np);
        if (!np)
            return KH_ENOMEM;
        rr->pts[k] = np;
        rr->cap[k] = nc;
    }
    rr->pts[k][rr->n[k]++] = row->points;
    return KH_OK;
}

/* Sets the unit's stored bonus and negative records into the model. */
static kh_status edit_records(web_req *r, web_model *m, const web_change *w,
                              size_t u, kh_err *e)
{
    rec_read rr;
    memset(&rr, 0, sizeof rr);
    kh_status st = kh_store_record_each(r->store, w->year, w->unit,
                                        rec_read_cb, &rr, e);
    if (st == KH_OK) {
        pthread_rwlock_wrlock(&m->lock);
        st = kh_assess_set_points(m->assess, u, false, rr.n[0], rr.pts[0],
                                  NULL, e);
        if (st == KH_OK)
            st = kh_assess_set_points(m->assess, u, true, rr.n[1], rr.pts[1],
                                      NULL, e);
        if (st == KH_OK && m->result)
            st = kh_result_update_unit(m->result, u, e);
        if (m->uver)
            m->uver[u]++;
        m->mver++;
        pthread_rwlock_unlock(&m->lock);
    }
    free(rr.pts[0]);
    free(rr.pts[1]);
    return st;
}

/* Publishes a version of m showing every edit up to mver or later. */
static void refresh(kh_web *app, kh_store *store, web_slot *s, web_model *m,
                    uint64_t mver)
{
    pthread_mutex_lock(&m->refresh_mu);
    pthread_mutex_lock(&app->cache_mu);
    web_year *prev = s->m == m ? s->cur : NULL;
    bool done = !prev || prev->mver >= mver;
    if (!done)
        prev->refs++;
    pthread_mutex_unlock(&app->cache_mu);
    if (done) {
        pthread_mutex_unlock(&m->refresh_mu);
        return;
    }
    /* Rendered under the read lock: edits wait (the parts that changed
     * are few), readers do not. */
    pthread_rwlock_rdlock(&m->lock);
    uint64_t v = m->mver;
    web_year *y = NULL;
    kh_status st = render(store, prev->year, m, prev, &y);
    pthread_rwlock_unlock(&m->lock);
    pthread_mutex_lock(&app->cache_mu);
    web_year *old = NULL;
    bool published = false;
    if (st == KH_OK && s->m == m && s->cur == prev) {
        published = true;
        y->model = m;
        m->refs++;
        y->mver = v;
        y->result = m->result;
        old = prev;
        s->cur = y;
        y = NULL;
    } else if (st != KH_OK && s->m == m) {
        /* Could not publish: the next read rebuilds the year. */
        web_model *dm;
        slot_drop(s, &old, &dm);
        m->refs--;   /* the slot's; m is still held by the caller */
    }
    pthread_mutex_unlock(&app->cache_mu);
    if (y)
        year_free(app, y);
    if (published) {
        /* Superseded: no refresh compares with its parts again (this
         * one held refresh_mu); responses use its blocks only. */
        web_body_forget_parts(&prev->json);
        web_body_forget_parts(&prev->html);
    }
    web_year_unref(app, old);
    web_year_unref(app, prev);
    pthread_mutex_unlock(&m->refresh_mu);
}

/* Applies w to its year's cached model and, with publish, publishes the
 * result (a catch-up applies its changes, then publishes once per year:
 * publish_year); a change that cannot be applied (unknown to the model:
 * unknown is true, or an error) drops the year, which the next read
 * rebuilds. */
/* Edits before m is rebuilt (web.h, WEB_CACHE_EDITS_MAX). */
static size_t edits_cap(const web_model *m)
{
    size_t per_unit = kh_assess_unit_count(m->assess) *
                      WEB_CACHE_EDITS_PER_UNIT;
    return per_unit > WEB_CACHE_EDITS_MAX ? per_unit : WEB_CACHE_EDITS_MAX;
}

static void apply_change(web_req *r, const web_change *w, bool unknown,
                         bool publish)
{
    kh_web *app = r->app;
    int year = w->year;
    pthread_mutex_lock(&app->cache_mu);
    web_cache *c = app->cache;
    web_slot *s = NULL;
    for (size_t i = 0; c && i < c->nslots; i++)
        if (c->slots[i].year == year)
            s = &c->slots[i];
    while (s && s->building && s->year == year)
        pthread_cond_wait(&c->cv, &app->cache_mu);
    web_model *m = s && s->year == year ? s->m : NULL;
    if (!m) {   /* not cached: the next read builds it */
        pthread_mutex_unlock(&app->cache_mu);
        return;
    }
    m->refs++;
    pthread_mutex_unlock(&app->cache_mu);

    pthread_mutex_lock(&m->edit_mu);
    kh_err *e = kh_err_new();
    long u = kh_assess_unit_find(m->assess, w->unit);
    int item = !w->item ? 0 : kh_rubric_item_find(m->rubric, w->item);
    kh_status st = !e ? KH_ENOMEM
                   : unknown || u < 0 || item < 0 ||
                           m->edits >= edits_cap(m)
                       ? KH_ENOTFOUND
                   : !w->item ? edit_records(r, m, w, (size_t)u, e)
                              : edit_entry(r, m, w, (size_t)u, item, e);
    m->edits++;
    pthread_rwlock_rdlock(&m->lock);
    uint64_t mver = m->mver;
    pthread_rwlock_unlock(&m->lock);
    pthread_mutex_unlock(&m->edit_mu);
    if (st != KH_OK && st != KH_ENOTFOUND) {
        char *msg = e && kh_err_count(e) ? kh_err_format(e, 0) : NULL;
        fprintf(stderr, "kaohe serve: year %d unit %s: write not applied to "
                        "the cached results (%s); rebuilding\n",
                year, w->unit, msg ? msg : kh_status_str(st));
        free(msg);
    }
    kh_err_free(e);
    if (st == KH_OK && publish && atomic_load(&app->pub_on) && !r->pub_m) {
        r->pub_m = m;   /* the reference goes with it */
        r->pub_slot = s;
        r->pub_mver = mver;
        return;
    }
    if (st == KH_OK) {
        if (publish)
            refresh(app, r->store, s, m, mver);
    } else {
        /* Not applied (or time to give the pool back): rebuild. */
        web_year *oy = NULL;
        web_model *om = NULL;
        pthread_mutex_lock(&app->cache_mu);
        if (s->m == m)
            slot_drop(s, &oy, &om);
        pthread_mutex_unlock(&app->cache_mu);
        web_year_unref(app, oy);
        model_unref(app, om);
    }
    model_unref(app, m);
}

void web_cache_apply(web_req *r)
{
    if (!r->wrote_year)
        return;
    web_change w = {r->wrote_year, r->wrote_unit,
                    r->wrote_records ? NULL : r->wrote_item, r->wrote_phase};
    apply_change(r, &w, r->wrote_unknown, true);
    r->wrote_year = 0;
}

void web_cache_publish(web_req *r, kh_store *store)
{
    web_model *m = r->pub_m;
    if (!m)
        return;
    /* A refresh covers every edit made before it: of writes queued
     * together, the first one's does the work. */
    refresh(r->app, store, r->pub_slot, m, r->pub_mver);
    r->pub_m = NULL;
    r->pub_slot = NULL;
    model_unref(r->app, m);
}

/* Publishes the cached year's edits made so far (after a catch-up). */
static void publish_year(web_req *r, int year)
{
    kh_web *app = r->app;
    pthread_mutex_lock(&app->cache_mu);
    web_cache *c = app->cache;
    web_slot *s = NULL;
    for (size_t i = 0; c && i < c->nslots; i++)
        if (c->slots[i].year == year)
            s = &c->slots[i];
    web_model *m = s && !s->building ? s->m : NULL;
    if (m)
        m->refs++;
    pthread_mutex_unlock(&app->cache_mu);
    if (!m)
        return;
    pthread_rwlock_rdlock(&m->lock);
    uint64_t mver = m->mver;
    pthread_rwlock_unlock(&m->lock);
    refresh(app, r->store, s, m, mver);
    model_unref(app, m);
}

/* ---- other processes' changes -------------------------------------- */

/* What another process's audit record means for the cached years. */
typedef enum {
    FX_NONE,      /* nothing cached depends on it (users, evidence, ...) */
    FX_ENTRY,     /* one entry: applied like this server's own writes */
    FX_RECORDS,   /* a unit's bonus/negative records: applied as well */
    FX_YEAR,      /* anything else of one year: that year is rebuilt */
    FX_ALL        /* of no year (a rubric): every year is rebuilt */
} fx_kind;

typedef struct fx_change {
    fx_kind kind;
    int year;
    kh_phase phase;
    char unit[KH_UNIT_ID_MAX + 1];
    char item[64];
} fx_change;

typedef struct fx_list {
    const int64_t *own;          /* this server's seqs: skipped */
    size_t nown;
    fx_change *ch;               /* WEB_CACHE_FOREIGN_MAX */
    size_t n;
    bool all;
} fx_list;

/* Actions that change nothing a cached year holds (its rubric, units,
 * entries, records and state): the results stay as they are. */
static bool no_effect(const char *a)
{
    static const char *const prefixes[] = {
        "claim.", "evidence.", "finding.", "followup.", "interview.",
        "practice.", "questionnaire.", "selfcheck.", "source.", "survey.",
        "symposium.", "user.", "visit."};
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
        if (strncmp(a, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return strcmp(a, "year.set") == 0 || strcmp(a, "year.dates") == 0;
}

static bool records_action(const char *a)
{
    return strcmp(a, "bonus.add") == 0 || strcmp(a, "bonus.remove") == 0 ||
           strcmp(a, "bonus.replace") == 0 ||
           strcmp(a, "negative.add") == 0 ||
           strcmp(a, "negative.remove") == 0 ||
           strcmp(a, "negative.replace") == 0 ||
           strcmp(a, "negative.case") == 0;
}

/* Reads "UNIT/ITEM/PHASE" (kh_store_entry_name) into x; false when it is
 * not one. */
static bool entry_object(const char *obj, fx_change *x)
{
    const char *s1 = obj ? strchr(obj, '/') : NULL;
    const char *s2 = s1 ? strchr(s1 + 1, '/') : NULL;
    if (!s2 || (size_t)(s1 - obj) > KH_UNIT_ID_MAX ||
        (size_t)(s2 - s1 - 1) >= sizeof x->item)
        return false;
    if (strcmp(s2 + 1, kh_phase_name(KH_PHASE_SELF)) == 0)
        x->phase = KH_PHASE_SELF;
    else if (strcmp(s2 + 1, kh_phase_name(KH_PHASE_INSPECTION)) == 0)
        x->phase = KH_PHASE_INSPECTION;
    else
        return false;
    snprintf(x->unit, sizeof x->unit, "%.*s", (int)(s1 - obj), obj);
    snprintf(x->item, sizeof x->item, "%.*s", (int)(s2 - s1 - 1), s1 + 1);
    return true;
}

static bool fx_same(const fx_change *a, const fx_change *b)
{
    return a->kind == b->kind && a->year == b->year &&
           a->phase == b->phase && strcmp(a->unit, b->unit) == 0 &&
           strcmp(a->item, b->item) == 0;
}

static kh_status fx_collect(void *ctx, const kh_audit_row *row)
{
    fx_list *l = ctx;
    for (size_t i = 0; i < l->nown; i++)
        if (l->own[i] == row->seq)
            return KH_OK;   /* this server's own: applied by its writer */
    const char *a = row->rec.action;
    const char *unit = row->rec.unit;
    fx_change x;
    memset(&x, 0, sizeof x);
    x.year = row->rec.year;
    if (!a || no_effect(a))
        return KH_OK;
    if (x.year && strcmp(a, "entry.set") == 0 &&
        entry_object(row->rec.object, &x))
        x.kind = FX_ENTRY;
    else if (x.year && records_action(a) && unit &&
             strlen(unit) <= KH_UNIT_ID_MAX) {
        x.kind = FX_RECORDS;
        snprintf(x.unit, sizeof x.unit, "%s", unit);
    } else
        x.kind = x.year ? FX_YEAR : FX_ALL;
    if (x.kind == FX_ALL)
        l->all = true;
    for (size_t i = 0; i < l->n; i++)
        if (fx_same(&l->ch[i], &x))
            return KH_OK;   /* applying reads the store's latest anyway */
    l->ch[l->n++] = x;   /* n <= WEB_CACHE_FOREIGN_MAX (the walk's bound) */
    return KH_OK;
}

/* Drops the cached year (every year when year is 0); cache_mu held,
 * released to let the references go. */
static void drop_years(kh_web *app, web_cache *c, int year)
{
    web_year *ys[WEB_CACHE_YEARS];
    web_model *ms[WEB_CACHE_YEARS];
    size_t n = 0;
    for (size_t i = 0; i < c->nslots; i++)
        if (!year || c->slots[i].year == year) {
            slot_drop(&c->slots[i], &ys[n], &ms[n]);
            n++;
        }
    c->epoch++;   /* a build that began before the change loads again */
    pthread_mutex_unlock(&app->cache_mu);
    for (size_t i = 0; i < n; i++) {
        web_year_unref(app, ys[i]);
        model_unref(app, ms[i]);
    }
    pthread_mutex_lock(&app->cache_mu);
}

/* Every change up to seq is reflected: own seqs up to it are done with;
 * cache_mu held. */
static void advance_seen(web_cache *c, int64_t seq)
{
    if (seq > c->seen)
        c->seen = seq;
    size_t k = 0;
    for (size_t i = 0; i < c->nown; i++)
        if (c->own[i] > c->seen)
            c->own[k++] = c->own[i];
    c->nown = k;
}

/* Reads the audit records after `seen` up to seq (another process's
 * changes; this server's own are skipped) and applies them: entries and
 * records through the path of this server's own writes, a year changed
 * otherwise rebuilt, and everything rebuilt when there are more than
 * WEB_CACHE_FOREIGN_MAX of them.  cache_mu held, released meanwhile;
 * other readers wait on `catching`. */
static kh_status catch_up(web_req *r, web_cache *c, int64_t seq)
{
    kh_web *app = r->app;
    bool any = false;
    for (size_t i = 0; i < c->nslots; i++)
        any = any || c->slots[i].m || c->slots[i].building;
    if (!any) {   /* nothing cached, nothing to apply */
        advance_seen(c, seq);
        return KH_OK;
    }
    c->catching = true;
    int64_t from = c->seen;
    size_t nown = c->nown;
    int64_t *own = malloc((nown + 1) * sizeof *own);
    fx_list l = {own, nown, malloc(WEB_CACHE_FOREIGN_MAX * sizeof *l.ch), 0,
                 false};
    if (own)
        memcpy(own, c->own, nown * sizeof *own);
    pthread_mutex_unlock(&app->cache_mu);
    kh_err *e = kh_err_new();
    kh_status st = !own || !l.ch || !e
                       ? KH_ENOMEM
                       : kh_store_audit_since(r->store, from, seq,
                                              WEB_CACHE_FOREIGN_MAX,
                                              fx_collect, &l, e);
    kh_err_free(e);
    pthread_mutex_lock(&app->cache_mu);
    if (st != KH_OK || l.all) {
        fprintf(stderr, "kaohe serve: the store changed elsewhere (records "
                        "%lld to %lld%s): every cached year is rebuilt\n",
                (long long)from + 1, (long long)seq,
                st == KH_ELIMIT ? ", too many to apply" : "");
        drop_years(app, c, 0);
        l.n = 0;
    }
    for (size_t i = 0; i < l.n; i++) {
        const fx_change *x = &l.ch[i];
        if (x->kind == FX_YEAR) {
            fprintf(stderr, "kaohe serve: year %d: changed elsewhere (audit "
                            "records after %lld): rebuilt on the next read\n",
                    x->year, (long long)from);
            drop_years(app, c, x->year);
        }
    }
    pthread_mutex_unlock(&app->cache_mu);
    for (size_t i = 0; i < l.n; i++) {
        const fx_change *x = &l.ch[i];
        web_change w = {x->year, x->unit,
                        x->kind == FX_ENTRY ? x->item : NULL, x->phase};
        if (x->kind == FX_ENTRY || x->kind == FX_RECORDS)
            apply_change(r, &w, false, false);
    }
    for (size_t i = 0; i < l.n; i++) {   /* each year once */
        bool first = true;
        for (size_t j = 0; j < i && first; j++)
            first = l.ch[j].year != l.ch[i].year;
        if (first && l.ch[i].kind != FX_YEAR)
            publish_year(r, l.ch[i].year);
    }
    free(own);
    free(l.ch);
    pthread_mutex_lock(&app->cache_mu);
    advance_seen(c, seq);
    c->catching = false;
    pthread_cond_broadcast(&c->cv);
    return KH_OK;
}
