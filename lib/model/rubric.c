/*
 * rubric.c - loading and validating a rubric file (SCORING.md sections 2,
 * 3 and 6) and the accessors of kh_rubric / kh_term.
 *
 * The whole file is read as one node tree (rubrics are small) into the
 * arena that then becomes the rubric's: scalar texts are used in place.
 * The loader keeps going after an error so that one run reports every
 * problem, each located at its node with a data path.
 */
#include "model_path.h"
#include "rubric_impl.h"
#include "kaohe/vec.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "No bound": what a count without cap can add.  Far above any sum of
 * accepted values (KH_CP_LIMIT each), so sums saturate here. */
#define UNBOUNDED ((kh_cp)(INT64_MAX / 4))

typedef struct ld {
    kh_model_ld m;         /* errors, arena (model_path.h) */
    kh_rubric *r;
    bool bonus_max_ok;     /* bonus_max was read (ceilings compare to it) */
} ld;

/* The shared loader helpers (model_path.h) on this loader's context. */
#define err(L, ...) kh_model_err(&(L)->m, __VA_ARGS__)
#define alloc(L, n, size) kh_model_alloc(&(L)->m, n, size)
#define q(L, s) kh_model_quote(&(L)->m, s)
#define expect_type(L, n, path, t) kh_model_expect(&(L)->m, n, path, t)
#define check_keys(L, ...) kh_model_check_keys(&(L)->m, __VA_ARGS__)
#define get_str(L, ...) kh_model_get_str(&(L)->m, __VA_ARGS__)
/* A name, title or label (one line) and a text (lines): kaohe/name.h. */
#define get_name(L, ...) \
    kh_model_get_text(&(L)->m, __VA_ARGS__, KH_TEXT_NAME)
#define get_lines(L, ...) \
    kh_model_get_text(&(L)->m, __VA_ARGS__, KH_TEXT_LINES)

typedef struct slotlist {  /* an item's input-reading terms, growing */
    const kh_term **v;
    size_t n, alloc;
} slotlist;

/* ---- small helpers ------------------------------------------------------ */

static kh_cp sat_add(kh_cp a, kh_cp b)
{
    kh_cp s = a + b;   /* both within +-UNBOUNDED: cannot overflow int64 */
    return s > UNBOUNDED ? UNBOUNDED : s < -UNBOUNDED ? -UNBOUNDED : s;
}

static void warn(ld *L, unsigned line, unsigned col, const char *path,
                 const char *fmt, ...) KH_PRINTF(5, 6);
static void warn(ld *L, unsigned line, unsigned col, const char *path,
                 const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kh_err_vat(L->m.e, KH_SEV_WARNING, line, col,
               path && path[0] ? path : NULL, fmt, ap);
    va_end(ap);
}

/* ---- typed values: each returns the value node (NULL when absent or
 * invalid) ------------------------------------------------------------- */

static const kh_node *get_id(ld *L, const kh_node *map, const char *path,
                             const char **out)
{
    const kh_node *n = get_str(L, map, path, "id", true, out);
    if (n && !kh_model_is_slug(*out)) {
        char p[KH_MODEL_PATH_SZ];
        kh_model_path_key(p, path, "id");
        err(L, n, p, "invalid id %s: must match [a-z0-9][a-z0-9._-]*",
            q(L, *out));
        return NULL;
    }
    return n;
}

static const kh_node *get_cp(ld *L, const kh_node *map, const char *path,
                             const char *key, kh_cp *out)
{
    const kh_node *n = kh_node_get(map, key);
    if (!n)
        return NULL;
    char p[KH_MODEL_PATH_SZ];
    kh_model_path_key(p, path, key);
    if (kh_node_cp(n, L->m.e, p, out) != KH_OK) {
        L->m.nbad++;
        return NULL;
    }
    return n;
}

/* A number that must be > 0 (min_zero: >= 0). */
static const kh_node *get_pos(ld *L, const kh_node *map, const char *path,
                              const char *key, bool min_zero, kh_cp *out)
{
    const kh_node *n = get_cp(L, map, path, key, out);
    if (n && (min_zero ? *out < 0 : *out <= 0)) {
        char p[KH_MODEL_PATH_SZ], num[KH_NUM_BUFSZ];
        kh_model_path_key(p, path, key);
        kh_num_format(*out, num);
        if (min_zero)
            err(L, n, p, "must be at least 0, not %s", num);
        else
            err(L, n, p, "must be greater than 0, not %s", num);
        return NULL;
    }
    return n;
}

static const kh_node *get_seq(ld *L, const kh_node *map, const char *path,
                              const char *key, bool nonempty)
{
    const kh_node *n = kh_node_get(map, key);
    if (!n)
        return NULL;
    char p[KH_MODEL_PATH_SZ];
    kh_model_path_key(p, path, key);
    if (!expect_type(L, n, p, KH_NODE_SEQ))
        return NULL;
    if (nonempty && n->n == 0) {
        err(L, n, p, "must not be empty");
        return NULL;
    }
    return n;
}

/* ---- kinds and rankings --------------------------------------------------- */

static const char *const kind_keys[] = {"id", "name", NULL};
static const char *const ranking_keys[] = {"id", "name", "kind", "level",
                                           NULL};

static long find_kind(const kh_rubric *r, const char *id)
{
    for (size_t k = 0; k < r->nkinds; k++)
        if (r->kinds[k].id && strcmp(r->kinds[k].id, id) == 0)
            return (long)k;
    return -1;
}

static void load_kinds(ld *L, const kh_node *seq)
{
    kh_rubric *r = L->r;
    r->kinds = alloc(L, seq->n, sizeof *r->kinds);
    if (!r->kinds)
        return;
    for (uint32_t i = 0; i < seq->n; i++) {
        const kh_node *m = &seq->u.kids[i];
        char p[KH_MODEL_PATH_SZ];
        kh_model_path_idx(p, "kinds", i);
        if (!expect_type(L, m, p, KH_NODE_MAP)) {
            r->nkinds++;   /* keeps later kinds at their file index */
            continue;
        }
        check_keys(L, m, p, kind_keys, kind_keys, NULL);
        const char *id = NULL, *name = NULL;
        const kh_node *idn = get_id(L, m, p, &id);
        get_name(L, m, p, "name", true, &name);
        if (idn) {
            long o = find_kind(r, id);
            if (o >= 0) {
                char pp[KH_MODEL_PATH_SZ];
                kh_model_path_key(pp, p, "id");
                err(L, idn, pp, "duplicate kind id %s", q(L, id));
                id = NULL;
            }
        }
        /* Kept in file position even when invalid, so indices stay put;
         * an invalid kind has a NULL id and is never found. */
        r->kinds[r->nkinds].id = id;
        r->kinds[r->nkinds].name = name ? name : id;
        r->nkinds++;
    }
}

static void load_rankings(ld *L, const kh_node *seq)
{
    kh_rubric *r = L->r;
    r->rankings = alloc(L, seq->n, sizeof *r->rankings);
    if (!r->rankings)
        return;
    for (uint32_t i = 0; i < seq->n; i++) {
        const kh_node *m = &seq->u.kids[i];
        char p[KH_MODEL_PATH_SZ], pp[KH_MODEL_PATH_SZ];
        kh_model_path_idx(p, "rankings", i);
        kh_ranking *rk = &r->rankings[r->nrankings++];
        if (!expect_type(L, m, p, KH_NODE_MAP))
            continue;
        check_keys(L, m, p, ranking_keys, ranking_keys, NULL);
        const kh_node *idn = get_id(L, m, p, &rk->id);
        get_name(L, m, p, "name", true, &rk->name);
        if (idn) {
            for (size_t j = 0; j + 1 < r->nrankings; j++)
                if (r->rankings[j].id && strcmp(r->rankings[j].id, rk->id) == 0) {
                    kh_model_path_key(pp, p, "id");
                    err(L, idn, pp, "duplicate ranking id %s", q(L, rk->id));
                    break;
                }
        }
        const char *kind = NULL;
        const kh_node *kn = get_str(L, m, p, "kind", true, &kind);
        if (kn) {
            long k = find_kind(r, kind);
            if (k < 0) {
                kh_model_path_key(pp, p, "kind");
                err(L, kn, pp, "unknown kind %s", q(L, kind));
            } else {
                rk->kind = (size_t)k;
            }
        }
        const char *level = NULL;
        const kh_node *ln = get_str(L, m, p, "level", false, &level);
        if (ln) {
            if (strcmp(level, "unit") == 0) {
                rk->level = KH_LEVEL_UNIT;
            } else if (strcmp(level, "branch") == 0) {
                rk->level = KH_LEVEL_BRANCH;
            } else {
                kh_model_path_key(pp, p, "level");
                err(L, ln, pp, "must be \"unit\" or \"branch\", not %s",
                    q(L, level));
            }
        }
    }
}

/* ---- terms ------------------------------------------------------------ */

static const char *const kind_names[] = {"check", "count", "deduct",
                                         "choice", "judgement", "group"};

static const char *const term_keys[][9] = {
    [KH_TERM_CHECK] = {"kind", "input", "label", "roster", "points",
                       "provider", NULL},
    [KH_TERM_COUNT] = {"kind", "input", "label", "roster", "per", "cap",
                       "provider", NULL},
    [KH_TERM_DEDUCT] = {"kind", "input", "label", "roster", "per",
                        "provider", NULL},
    [KH_TERM_CHOICE] = {"kind", "input", "label", "roster", "options",
                        "provider", NULL},
    [KH_TERM_JUDGEMENT] = {"kind", "input", "label", "roster", "points",
                           "step", "source", "provider", NULL},
    [KH_TERM_GROUP] = {"kind", "label", "max", "start", "terms", NULL},
};
static const char *const term_required[][4] = {
    [KH_TERM_CHECK] = {"input", "points", NULL},
    [KH_TERM_COUNT] = {"input", "per", NULL},
    [KH_TERM_DEDUCT] = {"input", "per", NULL},
    [KH_TERM_CHOICE] = {"input", "options", NULL},
    [KH_TERM_JUDGEMENT] = {"input", "points", NULL},
    [KH_TERM_GROUP] = {"max", "terms", NULL},
};
static const char *const option_keys[] = {"id", "label", "points", NULL};
static const char *const option_required[] = {"id", "points", NULL};
static const char *const roster_keys[] = {"name", "below", "title", NULL};
static const char *const roster_required[] = {"name", "below", NULL};

/* Item being loaded, for the terms below it. */
typedef struct itemctx {
    const char *id;
    slotlist slots;
    const kh_node **slot_nodes;  /* the input name nodes, parallel */
    size_t slot_nodes_alloc;
} itemctx;

static bool add_slot(ld *L, itemctx *ic, const kh_term *t, const kh_node *in)
{
    if (KH_VEC_GROW(ic->slots.v, ic->slots.alloc, ic->slots.n + 1, 8) !=
            KH_OK ||
        KH_VEC_GROW(ic->slot_nodes, ic->slot_nodes_alloc, ic->slots.n + 1,
                    8) != KH_OK) {
        L->m.oom = true;
        return false;
    }

    ic->slots.v[ic->slots.n] = t;
    ic->slot_nodes[ic->slots.n] = in;
    ic->slots.n++;
    return true;
}

/* Most a term can add to its group's sum (for the reachability warning). */
static kh_cp term_reach(const kh_term *t)
{
    switch (t->kind) {
    case KH_TERM_CHECK:
        return t->points > 0 ? t->points : 0;
    case KH_TERM_COUNT:
        return t->has_cap ? t->cap : UNBOUNDED;
    case KH_TERM_DEDUCT:
        return 0;
    case KH_TERM_CHOICE: {
        kh_cp m = -UNBOUNDED;
        for (size_t o = 0; o < t->nopts; o++)
            if (t->opts[o].points > m)
                m = t->opts[o].points;
        return t->nopts ? m : 0;
    }
    case KH_TERM_JUDGEMENT:
        return t->points;
    case KH_TERM_GROUP: {
        kh_cp s = t->start;
        for (size_t i = 0; i < t->nkids; i++)
            s = sat_add(s, term_reach(&t->kids[i]));
        return s > t->max ? t->max : s < 0 ? 0 : s;
    }
    }
    return 0;
}

/* The unclamped most of start + children (to report "at most X"). */
static kh_cp group_sum_reach(const kh_term *g)
{
    kh_cp s = g->start;
    for (size_t i = 0; i < g->nkids; i++)
        s = sat_add(s, term_reach(&g->kids[i]));
    return s < 0 ? 0 : s;
}

static void load_terms(ld *L, itemctx *ic, kh_term *g, const kh_node *seq,
                       const char *path, int depth);

/* ---- who supplies a value (`provider:`, docs/CLAIMS.md) --------------- */

/* Reads map's `provider` (absent: *out stays NULL): a name of 1 to
 * KH_PROVIDER_MAX bytes without control characters. */
static void load_provider(ld *L, const kh_node *map, const char *path,
                          const char **out)
{
    const kh_node *n = get_str(L, map, path, "provider", true, out);
    if (!n) {
        *out = NULL;
        return;
    }
    char p[KH_MODEL_PATH_SZ];
    kh_model_path_key(p, path, "provider");
    bool ctl = false;
    for (const unsigned char *c = (const unsigned char *)*out; *c; c++)
        ctl |= *c < 0x20 || *c == 0x7f;
    if (strlen(*out) > KH_PROVIDER_MAX || ctl) {
        err(L, n, p, "a provider is a name of at most %d bytes without "
            "control characters, not %s", KH_PROVIDER_MAX, q(L, *out));
        *out = NULL;
    }
}

/* ---- a judgement's questionnaire source ------------------------------- */

static const char *const source_keys[] = {"questionnaire", "question",
                                          "figure", "bands", NULL};
static const char *const source_figures[] = {"mean", "percent_top1",
                                             "percent_top2", NULL};

/* One band [threshold, value]: value within 0..points on the step. */
static void load_band(ld *L, const kh_term *t, kh_source *src,
                      const kh_node *b, const char *path)
{
    if (!expect_type(L, b, path, KH_NODE_SEQ))
        return;
    if (b->n != 2) {
        err(L, b, path, "a band is two numbers [threshold, value], got %u",
            (unsigned)b->n);
        return;
    }
    char p[KH_MODEL_PATH_SZ], a[KH_NUM_BUFSZ], c[KH_NUM_BUFSZ];
    kh_cp at, v;
    kh_model_path_idx(p, path, 0);
    if (kh_node_cp(&b->u.kids[0], L->m.e, p, &at) != KH_OK) {
        L->m.nbad++;
        return;
    }
    kh_model_path_idx(p, path, 1);
    if (kh_node_cp(&b->u.kids[1], L->m.e, p, &v) != KH_OK) {
        L->m.nbad++;
        return;
    }
    if (v < 0 || v > t->points || (t->step && v % t->step)) {
        kh_num_format(v, a);
        kh_num_format(t->points, c);
        err(L, &b->u.kids[1], p, "value %s is not a judgement of this term "
            "(0 to %s on its step)", a, c);
    }
    if (src->nbands && at >= src->at[src->nbands - 1]) {
        kh_model_path_idx(p, path, 0);
        kh_num_format(at, a);
        err(L, &b->u.kids[0], p, "thresholds must fall from band to band, "
            "not rise to %s", a);
    }
    src->at[src->nbands] = at;
    src->value[src->nbands] = v;
    src->nbands++;
}

/* The source's questionnaire and question are ids of a questionnaire
 * file (slugs).  (An empty bands list is refused by get_seq.) */
static void check_source_ids(ld *L, const kh_node *m, const char *path,
                             const kh_source *src)
{
    char p[KH_MODEL_PATH_SZ];
    const char *keys[] = {"questionnaire", "question"};
    const char *vals[] = {src->questionnaire, src->question};
    for (size_t i = 0; i < 2; i++)
        if (vals[i] && !kh_model_is_slug(vals[i])) {
            kh_model_path_key(p, path, keys[i]);
            err(L, kh_node_get(m, keys[i]), p, "invalid %s id %s: must "
                "match [a-z0-9][a-z0-9._-]*", keys[i], q(L, vals[i]));
        }
}

static void load_source(ld *L, kh_term *t, const kh_node *m,
                        const char *path)
{
    char p[KH_MODEL_PATH_SZ];
    if (!expect_type(L, m, path, KH_NODE_MAP))
        return;
    check_keys(L, m, path, source_keys, source_keys, "for a source");
    kh_source *src = alloc(L, 1, sizeof *src);
    if (!src)
        return;
    get_str(L, m, path, "questionnaire", true, &src->questionnaire);
    get_str(L, m, path, "question", true, &src->question);
    const kh_node *fn = get_str(L, m, path, "figure", true, &src->figure);
    bool known = false;
    for (const char *const *f = source_figures; fn && *f; f++)
        known |= strcmp(*f, src->figure) == 0;
    if (fn && !known) {
        kh_model_path_key(p, path, "figure");
        err(L, fn, p, "unknown figure %s (expected mean, percent_top1 or "
            "percent_top2)", q(L, src->figure));
    }
    const kh_node *bs = get_seq(L, m, path, "bands", true);
    if (bs && bs->n > KH_SOURCE_BANDS_MAX) {
        kh_model_path_key(p, path, "bands");
        err(L, bs, p, "at most %d bands, not %u", KH_SOURCE_BANDS_MAX,
            (unsigned)bs->n);
        bs = NULL;
    }
    check_source_ids(L, m, path, src);
    for (uint32_t i = 0; bs && i < bs->n; i++) {
        char pb[KH_MODEL_PATH_SZ];
        kh_model_path_key(p, path, "bands");
        kh_model_path_idx(pb, p, i);
        load_band(L, t, src, &bs->u.kids[i], pb);
    }
    t->source = src;
}

static void load_options(ld *L, kh_term *t, const kh_node *seq,
                         const char *path)
{
    t->opts = alloc(L, seq->n, sizeof *t->opts);
    if (!t->opts)
        return;
    for (uint32_t i = 0; i < seq->n; i++) {
        const kh_node *m = &seq->u.kids[i];
        char p[KH_MODEL_PATH_SZ];
        kh_model_path_idx(p, path, i);
        if (!expect_type(L, m, p, KH_NODE_MAP))
            continue;
        check_keys(L, m, p, option_keys, option_required, NULL);
        kh_option *o = &t->opts[t->nopts];
        const kh_node *idn = get_str(L, m, p, "id", true, &o->id);
        get_name(L, m, p, "label", true, &o->label);
        get_cp(L, m, p, "points", &o->points);
        if (!idn)
            continue;
        for (size_t j = 0; j < t->nopts; j++)
            if (strcmp(t->opts[j].id, o->id) == 0) {
                char pp[KH_MODEL_PATH_SZ];
                kh_model_path_key(pp, p, "id");
                err(L, idn, pp, "duplicate option id %s", q(L, o->id));
                idn = NULL;
                break;
            }
        if (idn)
            t->nopts++;
    }
}

static void load_roster(ld *L, kh_term *t, const kh_node *rn,
                        const char *path)
{
    char p[KH_MODEL_PATH_SZ];
    kh_model_path_key(p, path, "roster");
    if (t->kind != KH_TERM_COUNT && t->kind != KH_TERM_DEDUCT) {
        err(L, rn, p, "a roster is allowed only on count and deduct terms");
        return;
    }
    if (!expect_type(L, rn, p, KH_NODE_MAP))
        return;
    check_keys(L, rn, p, roster_keys, roster_required, NULL);
    get_str(L, rn, p, "name", true, &t->roster);
    get_name(L, rn, p, "title", true, &t->roster_title);
    get_cp(L, rn, p, "below", &t->roster_below);
}

static void load_term(ld *L, itemctx *ic, kh_term *t, const kh_node *m,
                      const char *path, int depth)
{
    char p[KH_MODEL_PATH_SZ];
    t->line = m->line;
    t->col = m->col;
    t->slot = SIZE_MAX;
    const char *kind = NULL;
    const kh_node *kn = kh_node_get(m, "kind");
    if (!kn) {
        err(L, m, path, "missing key \"kind\"");
        return;
    }
    if (!get_str(L, m, path, "kind", true, &kind))
        return;
    size_t k = 0;
    while (k < 6 && strcmp(kind_names[k], kind) != 0)
        k++;
    if (k == 6) {
        kh_model_path_key(p, path, "kind");
        err(L, kn, p,
            "unknown term kind %s (expected check, count, deduct, choice, "
            "judgement or group)", q(L, kind));
        return;
    }
    t->kind = (kh_term_kind)k;
    char what[32];
    snprintf(what, sizeof what, "for a %s term", kind_names[k]);
    check_keys(L, m, path, term_keys[k], term_required[k], what);
    get_name(L, m, path, "label", true, &t->label);
    if (t->kind != KH_TERM_GROUP)
        load_provider(L, m, path, &t->provider);

    if (t->kind != KH_TERM_GROUP) {
        const kh_node *in = get_str(L, m, path, "input", true, &t->input);
        if (in) {
            for (size_t s = 0; s < ic->slots.n; s++)
                if (strcmp(ic->slots.v[s]->input, t->input) == 0) {
                    kh_model_path_key(p, path, "input");
                    err(L, in, p, "duplicate input %s in item %s (first at "
                        "line %u)", q(L, t->input), q(L, ic->id),
                        (unsigned)ic->slot_nodes[s]->line);
                    in = NULL;
                    break;
                }
        }
        if (in) {
            t->slot = ic->slots.n;
            add_slot(L, ic, t, in);
        }
    }
    /* On a group, `roster` is already an unknown key. */
    const kh_node *rn = kh_node_get(m, "roster");
    if (rn && t->kind != KH_TERM_GROUP)
        load_roster(L, t, rn, path);

    switch (t->kind) {
    case KH_TERM_CHECK: {
        const kh_node *pn = get_cp(L, m, path, "points", &t->points);
        if (pn && t->points == 0) {
            kh_model_path_key(p, path, "points");
            err(L, pn, p, "must not be 0");
        }
        break;
    }
    case KH_TERM_COUNT:
        get_pos(L, m, path, "per", false, &t->per);
        t->has_cap = get_pos(L, m, path, "cap", false, &t->cap) != NULL;
        break;
    case KH_TERM_DEDUCT:
        get_pos(L, m, path, "per", false, &t->per);
        break;
    case KH_TERM_CHOICE: {
        const kh_node *os = get_seq(L, m, path, "options", true);
        if (os) {
            kh_model_path_key(p, path, "options");
            load_options(L, t, os, p);
        }
        break;
    }
    case KH_TERM_JUDGEMENT: {
        t->step = 50;
        const kh_node *pn = get_pos(L, m, path, "points", false, &t->points);
        const kh_node *sn = kh_node_get(m, "step");
        bool step_ok = true;
        if (sn)
            step_ok = get_pos(L, m, path, "step", false, &t->step) != NULL;
        if (pn && step_ok && t->points % t->step != 0) {
            char a[KH_NUM_BUFSZ], b[KH_NUM_BUFSZ];
            kh_num_format(t->points, a);
            kh_num_format(t->step, b);
            kh_model_path_key(p, path, sn ? "step" : "points");
            err(L, sn ? sn : pn, p, "points %s is not a multiple of the "
                "step %s", a, b);
        }
        const kh_node *src = kh_node_get(m, "source");
        if (src && pn && step_ok) {
            kh_model_path_key(p, path, "source");
            load_source(L, t, src, p);
        }
        break;
    }
    case KH_TERM_GROUP: {
        size_t bad0 = L->m.nbad;
        const kh_node *mx = get_pos(L, m, path, "max", false, &t->max);
        const kh_node *st = get_cp(L, m, path, "start", &t->start);
        if (mx && st && (t->start < 0 || t->start > t->max)) {
            char a[KH_NUM_BUFSZ], b[KH_NUM_BUFSZ];
            kh_num_format(t->start, a);
            kh_num_format(t->max, b);
            kh_model_path_key(p, path, "start");
            err(L, st, p, "must be between 0 and max %s, not %s", b, a);
        }
        const kh_node *ts = get_seq(L, m, path, "terms", true);
        if (ts) {
            if (depth >= KH_RUBRIC_MAX_DEPTH) {
                kh_model_path_key(p, path, "terms");
                err(L, ts, p, "groups are nested more than %d deep",
                    KH_RUBRIC_MAX_DEPTH);
                break;
            }
            kh_model_path_key(p, path, "terms");
            load_terms(L, ic, t, ts, p, depth + 1);
        }
        if (L->m.nbad == bad0 && !L->m.oom) {
            kh_cp most = group_sum_reach(t);
            if (most < t->max) {
                char a[KH_NUM_BUFSZ], b[KH_NUM_BUFSZ];
                kh_num_format(t->max, a);
                kh_num_format(most, b);
                warn(L, m->line, m->col, path, "group max %s cannot be "
                     "reached by its terms (at most %s)", a, b);
            }
        }
        break;
    }
    }
}

static void load_terms(ld *L, itemctx *ic, kh_term *g, const kh_node *seq,
                       const char *path, int depth)
{
    g->kids = alloc(L, seq->n, sizeof *g->kids);
    if (!g->kids)
        return;
    g->nkids = seq->n;
    for (uint32_t i = 0; i < seq->n; i++) {
        const kh_node *m = &seq->u.kids[i];
        kh_term *t = &g->kids[i];
        char p[KH_MODEL_PATH_SZ];
        kh_model_path_idx(p, path, i);
        /* An invalid term stays as a zero check (contributes nothing). */
        t->slot = SIZE_MAX;
        t->line = m->line;
        t->col = m->col;
        if (!expect_type(L, m, p, KH_NODE_MAP))
            continue;
        load_term(L, ic, t, m, p, depth);
    }
}

/* ---- categories and items ----------------------------------------------- */

static const char *const cat_keys[] = {"id", "name", "max", "items", NULL};
static const char *const item_keys[] = {"id", "text", "standard", "max",
                                        "kinds", "start", "terms",
                                        "provider", NULL};
static const char *const item_required[] = {"id", "text", "max", "terms",
                                            NULL};

/* Loads item it; *max_ok tells whether its max could be read. */
static void load_item(ld *L, kh_item *it, const kh_node *m, const char *path,
                      bool *max_ok)
{
    kh_rubric *r = L->r;
    char p[KH_MODEL_PATH_SZ];
    size_t bad0 = L->m.nbad;
    *max_ok = false;
    it->line = m->line;
    it->col = m->col;
    it->all_kinds = true;
    it->root.kind = KH_TERM_GROUP;
    it->root.slot = SIZE_MAX;
    it->root.line = m->line;
    it->root.col = m->col;
    if (!expect_type(L, m, path, KH_NODE_MAP))
        return;
    check_keys(L, m, path, item_keys, item_required, NULL);
    const kh_node *idn = get_str(L, m, path, "id", true, &it->id);
    if (idn) {
        it->line = idn->line;
        it->col = idn->col;
    }
    get_lines(L, m, path, "text", true, &it->text);
    get_lines(L, m, path, "standard", false, &it->standard);
    load_provider(L, m, path, &it->provider);
    const kh_node *mx = get_pos(L, m, path, "max", false, &it->root.max);
    *max_ok = mx != NULL;
    const kh_node *st = get_cp(L, m, path, "start", &it->root.start);
    if (mx && st && (it->root.start < 0 || it->root.start > it->root.max)) {
        char a[KH_NUM_BUFSZ], b[KH_NUM_BUFSZ];
        kh_num_format(it->root.start, a);
        kh_num_format(it->root.max, b);
        kh_model_path_key(p, path, "start");
        err(L, st, p, "must be between 0 and max %s, not %s", b, a);
    }

    it->applies = alloc(L, r->nkinds ? r->nkinds : 1, sizeof *it->applies);
    if (!it->applies)
        return;
    const kh_node *ks = get_seq(L, m, path, "kinds", true);
    if (ks) {
        it->all_kinds = false;
        for (uint32_t i = 0; i < ks->n; i++) {
            const kh_node *kn = &ks->u.kids[i];
            char kp[KH_MODEL_PATH_SZ];
            kh_model_path_key(p, path, "kinds");
            kh_model_path_idx(kp, p, i);
            const char *kid;
            if (kh_node_str(kn, L->m.e, kp, &kid) != KH_OK) {
                L->m.nbad++;
                continue;
            }
            long k = find_kind(r, kid);
            if (k < 0)
                err(L, kn, kp, "unknown kind %s", q(L, kid));
            else if (it->applies[k])
                err(L, kn, kp, "duplicate kind %s", q(L, kid));
            else
                it->applies[k] = true;
        }
    } else if (!kh_node_get(m, "kinds")) {
        for (size_t k = 0; k < r->nkinds; k++)
            it->applies[k] = true;
    }

    itemctx ic = {.id = it->id ? it->id : ""};
    const kh_node *ts = get_seq(L, m, path, "terms", true);
    if (ts) {
        kh_model_path_key(p, path, "terms");
        load_terms(L, &ic, &it->root, ts, p, 1);
    }
    if (ic.slots.n) {
        it->slots = alloc(L, ic.slots.n, sizeof *it->slots);
        if (it->slots) {
            memcpy(it->slots, ic.slots.v, ic.slots.n * sizeof *it->slots);
            it->nslots = ic.slots.n;
        }
    }
    free(ic.slots.v);
    free(ic.slot_nodes);

    if (L->m.nbad == bad0 && !L->m.oom && it->root.nkids) {
        kh_cp most = group_sum_reach(&it->root);
        if (most < it->root.max) {
            char a[KH_NUM_BUFSZ], b[KH_NUM_BUFSZ];
            kh_num_format(it->root.max, a);
            kh_num_format(most, b);
            warn(L, m->line, m->col, path, "item %s max %s cannot be reached "
                 "by its terms (at most %s)", q(L, it->id), a, b);
        }
    }
}

static int cmp_item_order(const void *a, const void *b, void *ctx)
{
    const kh_item *items = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    const char *ix = items[x].id ? items[x].id : "";
    const char *iy = items[y].id ? items[y].id : "";
    int c = strcmp(ix, iy);
    return c ? c : (x > y) - (x < y);
}

/* Sorts the item index by id and reports duplicate item ids, in file
 * order, at the later of each pair. */
static void index_items(ld *L)
{
    kh_rubric *r = L->r;
    r->item_order = alloc(L, r->nitems, sizeof *r->item_order);
    if (!r->item_order)
        return;
    for (size_t i = 0; i < r->nitems; i++)
        r->item_order[i] = i;
    qsort_r(r->item_order, r->nitems, sizeof *r->item_order, cmp_item_order,
            r->items);
    size_t *first = calloc(r->nitems ? r->nitems : 1, sizeof *first);
    if (!first) {
        L->m.oom = true;
        return;
    }
    for (size_t k = 1; k < r->nitems; k++) {
        size_t a = r->item_order[k - 1], b = r->item_order[k];
        if (r->items[a].id && r->items[b].id &&
            strcmp(r->items[a].id, r->items[b].id) == 0)
            first[b] = first[a] ? first[a] : a + 1;   /* 1-based; 0 = none */
    }
    for (size_t i = 0; i < r->nitems; i++) {
        if (!first[i])
            continue;
        const kh_item *it = &r->items[i], *f = &r->items[first[i] - 1];
        const kh_category *c = &r->cats[it->category];
        char p[KH_MODEL_PATH_SZ];
        snprintf(p, sizeof p, "categories[%zu].items[%zu].id", it->category,
                 i - c->first);
        kh_node at = {.line = it->line, .col = it->col};
        err(L, &at, p, "duplicate item id %s (first at line %u)",
            q(L, it->id), f->line);
    }
    free(first);
}

static void load_categories(ld *L, const kh_node *seq, bool *sum_ok)
{
    kh_rubric *r = L->r;
    size_t total = 0;
    for (uint32_t i = 0; i < seq->n; i++) {
        const kh_node *m = &seq->u.kids[i];
        const kh_node *is = m->type == KH_NODE_MAP ? kh_node_get(m, "items")
                                                   : NULL;
        if (is && is->type == KH_NODE_SEQ)
            total += is->n;
    }
    r->cats = alloc(L, seq->n, sizeof *r->cats);
    r->items = alloc(L, total, sizeof *r->items);
    if (!r->cats || !r->items)
        return;
    r->ncats = seq->n;
    *sum_ok = true;
    for (uint32_t i = 0; i < seq->n; i++) {
        const kh_node *m = &seq->u.kids[i];
        kh_category *c = &r->cats[i];
        char p[KH_MODEL_PATH_SZ], pp[KH_MODEL_PATH_SZ];
        kh_model_path_idx(p, "categories", i);
        c->first = r->nitems;
        if (!expect_type(L, m, p, KH_NODE_MAP)) {
            *sum_ok = false;
            continue;
        }
        check_keys(L, m, p, cat_keys, cat_keys, NULL);
        const kh_node *idn = get_str(L, m, p, "id", true, &c->id);
        if (idn)
            for (size_t j = 0; j < i; j++)
                if (r->cats[j].id && strcmp(r->cats[j].id, c->id) == 0) {
                    kh_model_path_key(pp, p, "id");
                    err(L, idn, pp, "duplicate category id %s", q(L, c->id));
                    break;
                }
        get_name(L, m, p, "name", true, &c->name);
        const kh_node *mx = get_pos(L, m, p, "max", false, &c->max);
        if (!mx)
            *sum_ok = false;
        const kh_node *is = get_seq(L, m, p, "items", true);
        if (!is)
            continue;
        bool items_ok = true;
        kh_cp sum = 0;
        for (uint32_t j = 0; j < is->n; j++) {
            kh_item *it = &r->items[r->nitems++];
            it->category = i;
            char ip[KH_MODEL_PATH_SZ];
            kh_model_path_key(pp, p, "items");
            kh_model_path_idx(ip, pp, j);
            bool ok;
            load_item(L, it, &is->u.kids[j], ip, &ok);
            items_ok = items_ok && ok;
            sum = sat_add(sum, it->root.max);
        }
        c->count = is->n;
        if (mx && items_ok && sum != c->max) {
            char a[KH_NUM_BUFSZ], b[KH_NUM_BUFSZ];
            kh_num_format(sum, a);
            kh_num_format(c->max, b);
            kh_model_path_key(pp, p, "max");
            err(L, mx, pp, "category max %s is not the sum of its items' "
                "max (%s)", b, a);
        }
    }
}

/* ---- the whole file ----------------------------------------------------- */

static const char *const top_keys[] = {
    "id", "title", "document", "base_max", "bonus_max", "bottom_n",
    "not_applicable", "kinds", "rankings", "categories", "bonus", "negative",
    NULL};
static const char *const top_required[] = {
    "id", "title", "base_max", "bonus_max", "bottom_n", "not_applicable",
    "kinds", "rankings", "categories", NULL};
static const char *const bonus_keys[] = {"text", "standard", "kinds", NULL};
static const char *const negative_keys[] = {"text", "standard", "provider",
                                            "cases", NULL};
static const char *const text_required[] = {"text", NULL};
static const char *const bkind_keys[] = {"id", "name", "ceiling", NULL};
static const char *const case_keys[] = {"id", "text", "min", "max", NULL};

/* One bonus claim kind: an id, a name and a ceiling in (0, bonus_max]. */
static void load_bonus_kind(ld *L, const kh_node *m, const char *path)
{
    kh_rubric *r = L->r;
    if (!expect_type(L, m, path, KH_NODE_MAP))
        return;
    check_keys(L, m, path, bkind_keys, bkind_keys, NULL);
    kh_bonus_kind *k = &r->bkinds[r->nbkinds];
    const kh_node *idn = get_id(L, m, path, &k->id);
    get_name(L, m, path, "name", true, &k->name);
    const kh_node *cn = get_pos(L, m, path, "ceiling", false, &k->ceiling);
    char p[KH_MODEL_PATH_SZ];
    if (cn && L->bonus_max_ok && k->ceiling > r->bonus_max) {
        char a[KH_NUM_BUFSZ], b[KH_NUM_BUFSZ];
        kh_num_format(k->ceiling, a);
        kh_num_format(r->bonus_max, b);
        kh_model_path_key(p, path, "ceiling");
        err(L, cn, p, "ceiling %s is above bonus_max %s", a, b);
    }
    if (idn && kh_rubric_bonus_kind_find(r, k->id) >= 0) {
        kh_model_path_key(p, path, "id");
        err(L, idn, p, "duplicate bonus kind id %s", q(L, k->id));
        return;
    }
    if (idn)
        r->nbkinds++;
}

/* One negative-list case: an id, a text and a range 0 < min <= max. */
static void load_case(ld *L, const kh_node *m, const char *path)
{
    kh_rubric *r = L->r;
    if (!expect_type(L, m, path, KH_NODE_MAP))
        return;
    check_keys(L, m, path, case_keys, case_keys, NULL);
    kh_neg_case *c = &r->cases[r->ncases];
    const kh_node *idn = get_id(L, m, path, &c->id);
    get_lines(L, m, path, "text", true, &c->text);
    const kh_node *lo = get_pos(L, m, path, "min", false, &c->min);
    const kh_node *hi = get_pos(L, m, path, "max", false, &c->max);
    char p[KH_MODEL_PATH_SZ];
    if (lo && hi && c->min > c->max) {
        char a[KH_NUM_BUFSZ], b[KH_NUM_BUFSZ];
        kh_num_format(c->min, a);
        kh_num_format(c->max, b);
        kh_model_path_key(p, path, "min");
        err(L, lo, p, "min %s is above max %s", a, b);
    }
    if (idn && kh_rubric_negative_case_find(r, c->id) >= 0) {
        kh_model_path_key(p, path, "id");
        err(L, idn, p, "duplicate negative case id %s", q(L, c->id));
        return;
    }
    if (idn)
        r->ncases++;
}

static void load_bonus(ld *L, const kh_node *root)
{
    kh_rubric *r = L->r;
    const kh_node *m = kh_node_get(root, "bonus");
    if (!m || !expect_type(L, m, "bonus", KH_NODE_MAP))
        return;
    check_keys(L, m, "bonus", bonus_keys, text_required, NULL);
    get_lines(L, m, "bonus", "text", true, &r->bonus_text);
    get_str(L, m, "bonus", "standard", false, &r->bonus_standard);
    const kh_node *ks = get_seq(L, m, "bonus", "kinds", true);
    if (!ks || !(r->bkinds = alloc(L, ks->n, sizeof *r->bkinds)))
        return;
    for (uint32_t i = 0; i < ks->n; i++) {
        char p[KH_MODEL_PATH_SZ];
        kh_model_path_idx(p, "bonus.kinds", i);
        load_bonus_kind(L, &ks->u.kids[i], p);
    }
}

static void load_negative(ld *L, const kh_node *root)
{
    kh_rubric *r = L->r;
    const kh_node *m = kh_node_get(root, "negative");
    if (!m || !expect_type(L, m, "negative", KH_NODE_MAP))
        return;
    check_keys(L, m, "negative", negative_keys, text_required, NULL);
    get_str(L, m, "negative", "text", true, &r->negative_text);
    get_str(L, m, "negative", "standard", false, &r->negative_standard);
    load_provider(L, m, "negative", &r->negative_provider);
    const kh_node *cs = get_seq(L, m, "negative", "cases", true);
    if (!cs || !(r->cases = alloc(L, cs->n, sizeof *r->cases)))
        return;
    for (uint32_t i = 0; i < cs->n; i++) {
        char p[KH_MODEL_PATH_SZ];
        kh_model_path_idx(p, "negative.cases", i);
        load_case(L, &cs->u.kids[i], p);
    }
}

static void add_provider(ld *L, const char *name)
{
    kh_rubric *r = L->r;
    if (!name || kh_rubric_provider_known(r, name))
        return;
    r->providers[r->nproviders++] = name;
}

/* Collects the distinct providers of items, terms and the negative list. */
static void collect_providers(ld *L)
{
    kh_rubric *r = L->r;
    size_t most = 1;
    for (size_t i = 0; i < r->nitems; i++)
        most += 1 + r->items[i].nslots;
    if (!(r->providers = alloc(L, most, sizeof *r->providers)))
        return;
    for (size_t i = 0; i < r->nitems; i++) {
        add_provider(L, r->items[i].provider);
        for (size_t s = 0; s < r->items[i].nslots; s++)
            add_provider(L, r->items[i].slots[s]->provider);
    }
    add_provider(L, r->negative_provider);
}

static void load_root(ld *L, const kh_node *root)
{
    kh_rubric *r = L->r;
    if (!expect_type(L, root, "", KH_NODE_MAP))
        return;
    check_keys(L, root, "", top_keys, top_required, NULL);
    get_id(L, root, "", &r->id);
    get_name(L, root, "", "title", true, &r->title);
    get_name(L, root, "", "document", false, &r->document);
    const kh_node *bm = get_pos(L, root, "", "base_max", false, &r->base_max);
    L->bonus_max_ok =
        get_pos(L, root, "", "bonus_max", true, &r->bonus_max) != NULL;

    const kh_node *bn = kh_node_get(root, "bottom_n");
    int64_t bottom = 0;
    if (bn && kh_node_int(bn, L->m.e, "bottom_n", &bottom) != KH_OK)
        L->m.nbad++;
    else if (bn && bottom < 1)
        err(L, bn, "bottom_n", "must be at least 1, not %lld",
            (long long)bottom);
    else if (bn && bottom > INT_MAX)
        err(L, bn, "bottom_n", "is too large");
    else if (bn)
        r->bottom_n = (unsigned)bottom;

    const char *na = NULL;
    const kh_node *nan = get_str(L, root, "", "not_applicable", false, &na);
    if (nan) {
        if (strcmp(na, "prorate") == 0)
            r->na_mode = KH_NA_PRORATE;
        else if (strcmp(na, "raw") == 0)
            r->na_mode = KH_NA_RAW;
        else
            err(L, nan, "not_applicable",
                "must be \"prorate\" or \"raw\", not %s", q(L, na));
    }

    const kh_node *ks = get_seq(L, root, "", "kinds", true);
    if (ks)
        load_kinds(L, ks);
    const kh_node *rs = get_seq(L, root, "", "rankings", false);
    if (rs)
        load_rankings(L, rs);
    const kh_node *cs = get_seq(L, root, "", "categories", true);
    bool sum_ok = false;
    if (cs)
        load_categories(L, cs, &sum_ok);
    if (!L->m.oom)
        index_items(L);
    if (bm && sum_ok) {
        kh_cp sum = 0;
        for (size_t c = 0; c < r->ncats; c++)
            sum = sat_add(sum, r->cats[c].max);
        if (sum != r->base_max) {
            char a[KH_NUM_BUFSZ], b[KH_NUM_BUFSZ];
            kh_num_format(sum, a);
            kh_num_format(r->base_max, b);
            err(L, bm, "base_max", "base_max %s is not the sum of the "
                "categories' max (%s)", b, a);
        }
    }
    load_bonus(L, root);
    load_negative(L, root);
    if (!L->m.oom)
        collect_providers(L);
}

static kh_status load_doc(kh_doc *d, kh_err *e, kh_rubric **out)
{
    kh_rubric *r = calloc(1, sizeof *r);
    if (!r)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    r->arena = kh_arena_new();
    if (!r->arena) {
        free(r);
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    const kh_node *root = NULL;
    kh_status st = kh_doc_read(d, r->arena, &root);
    if (st == KH_OK)
        st = kh_doc_finish(d);
    if (st != KH_OK) {
        kh_rubric_free(r);
        return st;
    }
    ld L = {.m = {.e = e, .a = r->arena}, .r = r};
    load_root(&L, root);
    if (L.m.oom) {
        kh_rubric_free(r);
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    if (L.m.nbad) {
        kh_rubric_free(r);
        return KH_EINVAL;
    }
    *out = r;
    return KH_OK;
}

kh_status kh_rubric_load(const char *path, kh_err *e, kh_rubric **out)
{
    *out = NULL;
    kh_err_set_file(e, path);
    kh_doc *d = NULL;
    kh_status st = kh_doc_open_file(path, e, &d);
    if (st != KH_OK)
        return st;
    st = load_doc(d, e, out);
    kh_doc_free(d);
    return st;
}

kh_status kh_rubric_load_mem(const char *name, const char *data, size_t len,
                             kh_err *e, kh_rubric **out)
{
    *out = NULL;
    kh_err_set_file(e, name);
    kh_doc *d = NULL;
    kh_status st = kh_doc_open_mem(name, data, len, 0, e, &d);
    if (st != KH_OK)
        return st;
    st = load_doc(d, e, out);
    kh_doc_free(d);
    return st;
}

void kh_rubric_free(kh_rubric *r)
{
    if (!r)
        return;
    kh_arena_free(r->arena);
    free(r);
}

/* ---- accessors ------------------------------------------------------------ */

const char *kh_rubric_id(const kh_rubric *r) { return r->id; }
const char *kh_rubric_title(const kh_rubric *r) { return r->title; }
const char *kh_rubric_document(const kh_rubric *r) { return r->document; }
kh_cp kh_rubric_base_max(const kh_rubric *r) { return r->base_max; }
kh_cp kh_rubric_bonus_max(const kh_rubric *r) { return r->bonus_max; }
unsigned kh_rubric_bottom_n(const kh_rubric *r) { return r->bottom_n; }
kh_na_mode kh_rubric_na_mode(const kh_rubric *r) { return r->na_mode; }
const char *kh_rubric_bonus_text(const kh_rubric *r) { return r->bonus_text; }

const char *kh_rubric_negative_text(const kh_rubric *r)
{
    return r->negative_text;
}

size_t kh_rubric_kind_count(const kh_rubric *r) { return r->nkinds; }

const char *kh_rubric_kind_id(const kh_rubric *r, size_t k)
{
    return k < r->nkinds ? r->kinds[k].id : NULL;
}

const char *kh_rubric_kind_name(const kh_rubric *r, size_t k)
{
    return k < r->nkinds ? r->kinds[k].name : NULL;
}

int kh_rubric_kind_find(const kh_rubric *r, const char *id)
{
    return id ? (int)find_kind(r, id) : -1;
}

size_t kh_rubric_ranking_count(const kh_rubric *r) { return r->nrankings; }

const char *kh_rubric_ranking_id(const kh_rubric *r, size_t i)
{
    return i < r->nrankings ? r->rankings[i].id : NULL;
}

const char *kh_rubric_ranking_name(const kh_rubric *r, size_t i)
{
    return i < r->nrankings ? r->rankings[i].name : NULL;
}

size_t kh_rubric_ranking_kind(const kh_rubric *r, size_t i)
{
    return i < r->nrankings ? r->rankings[i].kind : 0;
}

kh_level kh_rubric_ranking_level(const kh_rubric *r, size_t i)
{
    return i < r->nrankings ? r->rankings[i].level : KH_LEVEL_UNIT;
}

size_t kh_rubric_category_count(const kh_rubric *r) { return r->ncats; }

const char *kh_rubric_category_id(const kh_rubric *r, size_t c)
{
    return c < r->ncats ? r->cats[c].id : NULL;
}

const char *kh_rubric_category_name(const kh_rubric *r, size_t c)
{
    return c < r->ncats ? r->cats[c].name : NULL;
}

kh_cp kh_rubric_category_max(const kh_rubric *r, size_t c)
{
    return c < r->ncats ? r->cats[c].max : 0;
}

size_t kh_rubric_category_first(const kh_rubric *r, size_t c)
{
    return c < r->ncats ? r->cats[c].first : 0;
}

size_t kh_rubric_category_items(const kh_rubric *r, size_t c)
{
    return c < r->ncats ? r->cats[c].count : 0;
}

size_t kh_rubric_item_count(const kh_rubric *r) { return r->nitems; }

int kh_rubric_item_find(const kh_rubric *r, const char *id)
{
    if (!id)
        return -1;
    size_t lo = 0, hi = r->nitems;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(r->items[r->item_order[mid]].id, id);
        if (c == 0)
            return (int)r->item_order[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

const char *kh_rubric_item_id(const kh_rubric *r, size_t i)
{
    return i < r->nitems ? r->items[i].id : NULL;
}

const char *kh_rubric_item_text(const kh_rubric *r, size_t i)
{
    return i < r->nitems ? r->items[i].text : NULL;
}

const char *kh_rubric_item_standard(const kh_rubric *r, size_t i)
{
    return i < r->nitems ? r->items[i].standard : NULL;
}

kh_cp kh_rubric_item_max(const kh_rubric *r, size_t i)
{
    return i < r->nitems ? r->items[i].root.max : 0;
}

size_t kh_rubric_item_category(const kh_rubric *r, size_t i)
{
    return i < r->nitems ? r->items[i].category : 0;
}

bool kh_rubric_item_applies(const kh_rubric *r, size_t i, size_t k)
{
    return i < r->nitems && k < r->nkinds && r->items[i].applies[k];
}

const kh_term *kh_rubric_item_root(const kh_rubric *r, size_t i)
{
    return i < r->nitems ? &r->items[i].root : NULL;
}

size_t kh_rubric_item_slots(const kh_rubric *r, size_t i)
{
    return i < r->nitems ? r->items[i].nslots : 0;
}

const kh_term *kh_rubric_item_slot(const kh_rubric *r, size_t i, size_t s)
{
    return i < r->nitems && s < r->items[i].nslots ? r->items[i].slots[s]
                                                   : NULL;
}

int kh_rubric_item_slot_find(const kh_rubric *r, size_t i, const char *input)
{
    if (i >= r->nitems || !input)
        return -1;
    const kh_item *it = &r->items[i];
    for (size_t s = 0; s < it->nslots; s++)
        if (strcmp(it->slots[s]->input, input) == 0)
            return (int)s;
    return -1;
}

kh_term_kind kh_term_get_kind(const kh_term *t) { return t->kind; }

const char *kh_term_kind_name(kh_term_kind k)
{
    return (unsigned)k < 6 ? kind_names[k] : "unknown";
}

const char *kh_term_label(const kh_term *t) { return t->label; }
const char *kh_term_input(const kh_term *t) { return t->input; }
size_t kh_term_slot(const kh_term *t) { return t->slot; }
kh_cp kh_term_points(const kh_term *t) { return t->points; }
kh_cp kh_term_per(const kh_term *t) { return t->per; }
bool kh_term_has_cap(const kh_term *t) { return t->has_cap; }
kh_cp kh_term_cap(const kh_term *t) { return t->cap; }
kh_cp kh_term_step(const kh_term *t) { return t->step; }
kh_cp kh_term_max(const kh_term *t) { return t->max; }
kh_cp kh_term_start(const kh_term *t) { return t->start; }
size_t kh_term_child_count(const kh_term *t) { return t->nkids; }

const kh_term *kh_term_child(const kh_term *t, size_t i)
{
    return i < t->nkids ? &t->kids[i] : NULL;
}

size_t kh_term_option_count(const kh_term *t) { return t->nopts; }

const char *kh_term_option_id(const kh_term *t, size_t o)
{
    return o < t->nopts ? t->opts[o].id : NULL;
}

const char *kh_term_option_label(const kh_term *t, size_t o)
{
    return o < t->nopts ? t->opts[o].label : NULL;
}

kh_cp kh_term_option_points(const kh_term *t, size_t o)
{
    return o < t->nopts ? t->opts[o].points : 0;
}

int kh_term_option_find(const kh_term *t, const char *id)
{
    if (!id)
        return -1;
    for (size_t o = 0; o < t->nopts; o++)
        if (strcmp(t->opts[o].id, id) == 0)
            return (int)o;
    return -1;
}

const char *kh_term_roster(const kh_term *t) { return t->roster; }
kh_cp kh_term_roster_below(const kh_term *t) { return t->roster_below; }
const char *kh_term_roster_title(const kh_term *t) { return t->roster_title; }

const kh_source *kh_term_source(const kh_term *t) { return t->source; }

bool kh_source_value(const kh_source *src, kh_cp figure, kh_cp *value)
{
    for (size_t b = 0; b < src->nbands; b++)
        if (figure >= src->at[b]) {
            *value = src->value[b];
            return true;
        }
    return false;
}

/* ---- bonus kinds, negative cases, providers ------------------------- */

size_t kh_rubric_bonus_kind_count(const kh_rubric *r) { return r->nbkinds; }

const char *kh_rubric_bonus_kind_id(const kh_rubric *r, size_t k)
{
    return k < r->nbkinds ? r->bkinds[k].id : NULL;
}

const char *kh_rubric_bonus_kind_name(const kh_rubric *r, size_t k)
{
    return k < r->nbkinds ? r->bkinds[k].name : NULL;
}

kh_cp kh_rubric_bonus_kind_ceiling(const kh_rubric *r, size_t k)
{
    return k < r->nbkinds ? r->bkinds[k].ceiling : 0;
}

int kh_rubric_bonus_kind_find(const kh_rubric *r, const char *id)
{
    for (size_t k = 0; id && k < r->nbkinds; k++)
        if (strcmp(r->bkinds[k].id, id) == 0)
            return (int)k;
    return -1;
}

size_t kh_rubric_negative_case_count(const kh_rubric *r) { return r->ncases; }

const char *kh_rubric_negative_case_id(const kh_rubric *r, size_t c)
{
    return c < r->ncases ? r->cases[c].id : NULL;
}

const char *kh_rubric_negative_case_text(const kh_rubric *r, size_t c)
{
    return c < r->ncases ? r->cases[c].text : NULL;
}

kh_cp kh_rubric_negative_case_min(const kh_rubric *r, size_t c)
{
    return c < r->ncases ? r->cases[c].min : 0;
}

kh_cp kh_rubric_negative_case_max(const kh_rubric *r, size_t c)
{
    return c < r->ncases ? r->cases[c].max : 0;
}

int kh_rubric_negative_case_find(const kh_rubric *r, const char *id)
{
    for (size_t c = 0; id && c < r->ncases; c++)
        if (strcmp(r->cases[c].id, id) == 0)
            return (int)c;
    return -1;
}

const char *kh_rubric_item_provider(const kh_rubric *r, size_t i)
{
    return i < r->nitems ? r->items[i].provider : NULL;
}

const char *kh_term_provider(const kh_term *t) { return t->provider; }

const char *kh_rubric_negative_provider(const kh_rubric *r)
{
    return r->negative_provider;
}

const char *kh_rubric_input_provider(const kh_rubric *r, size_t i, size_t s)
{
    const kh_term *t = kh_rubric_item_slot(r, i, s);
    if (!t)
        return NULL;
    return t->provider ? t->provider : r->items[i].provider;
}

size_t kh_rubric_provider_count(const kh_rubric *r) { return r->nproviders; }

const char *kh_rubric_provider_name(const kh_rubric *r, size_t p)
{
    return p < r->nproviders ? r->providers[p] : NULL;
}

bool kh_rubric_provider_known(const kh_rubric *r, const char *name)
{
    for (size_t p = 0; name && p < r->nproviders; p++)
        if (strcmp(r->providers[p], name) == 0)
            return true;
    return false;
}
