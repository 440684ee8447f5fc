/*
 * score.c - item scores (SCORING.md section 3), unit totals (section 5),
 * branch means and rankings (section 7).  Everything is exact integer
 * arithmetic on centipoints; the only rounding is prorating and branch
 * means, half away from zero, through kh_num_*_round.
 */
#include "kaohe/score.h"
#include "assess_impl.h"

#include <stdlib.h>
#include <string.h>

/* Intermediate sums are 128-bit (a count of 1e12 times a per of 1e12
 * points does not fit 64 bits); values leaving a group are clamped to
 * its range, and unit sums are saturated at this bound. */
#define SC_BOUND ((kh_cp)1000000000000000000LL)

static kh_cp sc_sat(__int128 v)
{
    return v > SC_BOUND ? SC_BOUND : v < -SC_BOUND ? -SC_BOUND : (kh_cp)v;
}

typedef struct sc_unit {
    kh_cp raw_base, applicable_max, base, bonus, negative, total;
    kh_cp self_base;
    bool self_ok;
    uint32_t nmiss;                /* in its row of kh_result.missing */
} sc_unit;

typedef struct sc_branch {
    const char *id;
    uint32_t b;                    /* assessment branch index */
    uint32_t kind;
    kh_cp score;
} sc_branch;

typedef struct sc_ranking {
    kh_rank_row *rows;
    size_t n;
    bool by_branch;
    size_t kind;
    uint32_t *pos;                 /* row of each ref (unit u or branch k) */
} sc_ranking;

struct kh_result {
    const kh_assess *a;
    unsigned flags;
    size_t nunits, nitems;
    kh_cp *items;                  /* nunits * nitems */
    sc_unit *units;
    /* Item indices, a row of nitems per unit (only with
     * KH_SCORE_ALLOW_MISSING; else NULL). */
    uint32_t *missing;
    sc_branch *branches;           /* ordered by id */
    size_t nbranches;
    uint32_t *branch_k;            /* assessment branch -> k, or UINT32_MAX */
    kh_cp *scratch;                /* nitems: a unit being rescored */
    uint32_t *scratch_miss;        /* nitems */
    sc_ranking *rankings;          /* one per rubric ranking */
    size_t nrankings;
};

/* ---- items ---------------------------------------------------------- */

/* The number a count or deduct term reads: the roster count when the
 * unit has the term's roster, else the entry's input (absent = 0). */
static __int128 sc_count(const kh_assess *a, size_t u, const kh_entry *en,
                         const kh_term *t)
{
    size_t below;
    if (kh_term_roster(t) && kh_assess_roster_count(a, u, t, &below))
        return (__int128)below;
    return kh_entry_value(en, kh_term_slot(t), NULL) / 100;
}

static __int128 sc_term(const kh_assess *a, size_t u, const kh_entry *en,
                        const kh_term *t)
{
    bool present;
    kh_cp v;
    switch (kh_term_get_kind(t)) {
    case KH_TERM_CHECK:
        v = kh_entry_value(en, kh_term_slot(t), &present);
        return present && v ? kh_term_points(t) : 0;
    case KH_TERM_COUNT: {
        __int128 c = sc_count(a, u, en, t) * kh_term_per(t);
        if (kh_term_has_cap(t) && c > kh_term_cap(t))
            c = kh_term_cap(t);
        return c;
    }
    case KH_TERM_DEDUCT:
        return -(sc_count(a, u, en, t) * kh_term_per(t));
    case KH_TERM_CHOICE:
        v = kh_entry_value(en, kh_term_slot(t), &present);
        /* A missing choice is a load error; score it 0 if built anyway. */
        if (!present || v < 0 || (size_t)v >= kh_term_option_count(t))
            return 0;
        return kh_term_option_points(t, (size_t)v);
    case KH_TERM_JUDGEMENT:
        return kh_entry_value(en, kh_term_slot(t), NULL);
    case KH_TERM_GROUP: {
        __int128 s = kh_term_start(t);
        for (size_t i = 0; i < kh_term_child_count(t); i++)
            s += sc_term(a, u, en, kh_term_child(t, i));
        __int128 max = kh_term_max(t);
        return s < 0 ? 0 : s > max ? max : s;
    }
    }
    return 0;
}

kh_cp kh_score_item(const kh_assess *a, size_t u, size_t item, kh_phase p)
{
    const kh_entry *en = kh_assess_entry(a, u, item, p);
    if (!en)
        return 0;
    return sc_sat(sc_term(a, u, en, kh_rubric_item_root(a->r, item)));
}

/* ---- units ---------------------------------------------------------- */

static kh_cp sc_base(const kh_rubric *r, kh_cp raw, kh_cp applicable)
{
    if (kh_rubric_na_mode(r) == KH_NA_RAW)
        return raw;
    if (applicable <= 0)
        return 0;
    return kh_num_muldiv_round(raw, kh_rubric_base_max(r), applicable);
}

/* Scores unit u into *su, its item row and its missing row (nitems
 * each; miss may be NULL without KH_SCORE_ALLOW_MISSING).  Without that
 * flag every missing inspection entry is reported on e and false
 * returned. */
static bool sc_unit_score(const kh_result *res, size_t u, kh_err *e,
                          sc_unit *su, kh_cp *items, uint32_t *miss)
{
    const kh_assess *a = res->a;
    const kh_rubric *r = a->r;
    const kh_assess_unit_rec *ur = &a->units[u];
    __int128 raw = 0, appl = 0, self = 0;
    bool self_ok = true, complete = true;
    uint32_t nmiss = 0;
    for (size_t i = 0; i < res->nitems; i++) {
        items[i] = 0;
        if (!kh_rubric_item_applies(r, i, ur->kind))
            continue;
        kh_cp s = kh_score_item(a, u, i, KH_PHASE_INSPECTION);
        items[i] = s;
        raw += s;
        appl += kh_rubric_item_max(r, i);
        if (kh_assess_entry(a, u, i, KH_PHASE_SELF))
            self += kh_score_item(a, u, i, KH_PHASE_SELF);
        else
            self_ok = false;
        if (kh_assess_entry(a, u, i, KH_PHASE_INSPECTION))
            continue;
        if (!(res->flags & KH_SCORE_ALLOW_MISSING)) {
            kh_err_at(e, ur->at.line, ur->at.col, ur->at.path,
                      "unit \"%s\" has no inspection entry for item "
                      "\"%s\"", ur->id, kh_rubric_item_id(r, i));
            complete = false;
            continue;
        }
        miss[nmiss++] = (uint32_t)i;
    }
    su->nmiss = nmiss;
    su->raw_base = sc_sat(raw);
    su->applicable_max = sc_sat(appl);
    su->base = sc_base(r, su->raw_base, su->applicable_max);
    su->self_ok = self_ok;
    su->self_base = self_ok ? sc_base(r, sc_sat(self), su->applicable_max) : 0;
    __int128 bonus = 0, neg = 0;
    for (size_t k = 0; k < kh_assess_bonus_count(a, u); k++)
        bonus += kh_assess_bonus_points(a, u, k);
    for (size_t k = 0; k < kh_assess_negative_count(a, u); k++)
        neg += kh_assess_negative_points(a, u, k);
    if (bonus > kh_rubric_bonus_max(r))
        bonus = kh_rubric_bonus_max(r);
    su->bonus = sc_sat(bonus);
    su->negative = sc_sat(neg);
    __int128 total = (__int128)su->base + su->bonus - su->negative;
    su->total = total < 0 ? 0 : sc_sat(total);
    return complete;
}

static uint32_t *sc_miss_row(const kh_result *res, size_t u)
{
    return res->missing ? res->missing + u * res->nitems : NULL;
}

static bool sc_units(kh_result *res, kh_err *e)
{
    bool complete = true;
    for (size_t u = 0; u < res->nunits; u++)
        if (!sc_unit_score(res, u, e, &res->units[u],
                           res->items + u * res->nitems, sc_miss_row(res, u)))
            complete = false;
    return complete;
}

/* ---- branches ------------------------------------------------------- */

static int sc_branch_cmp(const void *x, const void *y)
{
    const sc_branch *p = x, *q = y;
    return strcmp(p->id, q->id);
}

/* The mean of branch b's unit totals (b has units). */
static kh_cp sc_branch_mean(const kh_result *res, size_t b)
{
    const kh_assess *a = res->a;
    const kh_assess_branch_rec *br = &a->branches[b];
    __int128 sum = 0;
    for (size_t j = 0; j < br->nunits; j++)
        sum += res->units[a->branch_units[br->first + j]].total;
    return kh_num_div_round(sc_sat(sum), (int64_t)br->nunits);
}

static bool sc_branches(kh_result *res)
{
    const kh_assess *a = res->a;
    res->branches = malloc((a->nbranches ? a->nbranches : 1) *
                           sizeof *res->branches);
    if (!res->branches)
        return false;
    res->branch_k = malloc((a->nbranches ? a->nbranches : 1) *
                           sizeof *res->branch_k);
    if (!res->branch_k)
        return false;
    size_t n = 0;
    for (size_t b = 0; b < a->nbranches; b++) {
        const kh_assess_branch_rec *br = &a->branches[b];
        res->branch_k[b] = UINT32_MAX;
        if (br->nunits == 0)
            continue;
        sc_branch *sb = &res->branches[n++];
        sb->id = br->id;
        sb->b = (uint32_t)b;
        sb->kind = br->kind;
        sb->score = sc_branch_mean(res, b);
    }
    res->nbranches = n;
    qsort(res->branches, n, sizeof *res->branches, sc_branch_cmp);
    for (size_t k = 0; k < n; k++)
        res->branch_k[res->branches[k].b] = (uint32_t)k;
    return true;
}

/* ---- rankings ------------------------------------------------------- */

static int sc_row_cmp(const void *x, const void *y)
{
    const kh_rank_row *p = x, *q = y;
    if (p->score != q->score)
        return p->score > q->score ? -1 : 1;
    return strcmp(p->id, q->id);
}

/* Competition rank; bottom when fewer than bottom_n rows score strictly
 * lower, so a tie at the edge is flagged whole. */
static void sc_rank_marks(sc_ranking *rk, unsigned bottom_n)
{
    size_t n = rk->n;
    for (size_t j = 0; j < n;) {
        size_t end = j;
        while (end < n && rk->rows[end].score == rk->rows[j].score)
            end++;
        size_t lower = n - end;
        for (size_t t = j; t < end; t++) {
            rk->rows[t].rank = (unsigned)(j + 1);
            rk->rows[t].bottom = lower < bottom_n;
        }
        j = end;
    }
}

static bool sc_rankings(kh_result *res)
{
    const kh_assess *a = res->a;
    const kh_rubric *r = a->r;
    res->nrankings = kh_rubric_ranking_count(r);
    res->rankings = calloc(res->nrankings ? res->nrankings : 1,
                           sizeof *res->rankings);
    if (!res->rankings)
        return false;
    unsigned bottom_n = kh_rubric_bottom_n(r);
    for (size_t ri = 0; ri < res->nrankings; ri++) {
        sc_ranking *rk = &res->rankings[ri];
        size_t kind = kh_rubric_ranking_kind(r, ri);
        bool by_branch = kh_rubric_ranking_level(r, ri) == KH_LEVEL_BRANCH;
        size_t cap = by_branch ? res->nbranches : res->nunits;
        rk->by_branch = by_branch;
        rk->kind = kind;
        rk->rows = calloc(cap ? cap : 1, sizeof *rk->rows);
        rk->pos = malloc((cap ? cap : 1) * sizeof *rk->pos);
        if (!rk->rows || !rk->pos)
            return false;
        size_t n = 0;
        if (by_branch) {
            for (size_t k = 0; k < res->nbranches; k++) {
                const sc_branch *sb = &res->branches[k];
                if (sb->kind != kind)
                    continue;
                kh_rank_row *row = &rk->rows[n++];
                row->ref = k;
                row->id = a->branches[sb->b].id;
                row->name = kh_assess_branch_name(a, sb->b);
                row->score = sb->score;
            }
        } else {
            for (size_t u = 0; u < res->nunits; u++) {
                if (a->units[u].kind != kind)
                    continue;
                kh_rank_row *row = &rk->rows[n++];
                row->ref = u;
                row->id = a->units[u].id;
                row->name = a->units[u].name;
                row->score = res->units[u].total;
            }
        }
        rk->n = n;
        qsort(rk->rows, n, sizeof *rk->rows, sc_row_cmp);
        for (size_t j = 0; j < n; j++)
            rk->pos[rk->rows[j].ref] = (uint32_t)j;
        sc_rank_marks(rk, bottom_n);
    }
    return true;
}

/* ---- the whole ------------------------------------------------------ */

void kh_result_free(kh_result *res)
{
    if (!res)
        return;
    free(res->items);
    free(res->units);
    free(res->missing);
    free(res->branches);
    free(res->branch_k);
    free(res->scratch);
    free(res->scratch_miss);
    for (size_t i = 0; res->rankings && i < res->nrankings; i++) {
        free(res->rankings[i].rows);
        free(res->rankings[i].pos);
    }
    free(res->rankings);
    free(res);
}

kh_status kh_score(const kh_assess *a, unsigned flags, kh_err *e,
                   kh_result **out)
{
    *out = NULL;
    if (!a->finished || a->nbad || a->oom)
        return kh_err_fail(e, KH_ESTATE,
                           "the assessment is not complete and valid");
    kh_result *res = calloc(1, sizeof *res);
    if (!res)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    res->a = a;
    res->flags = flags;
    res->nunits = a->nunits;
    res->nitems = a->nitems;
    size_t nslots = res->nunits * res->nitems;
    res->items = calloc(nslots > 0 ? nslots : 1, sizeof *res->items);
    res->units = calloc(res->nunits ? res->nunits : 1, sizeof *res->units);
    if (flags & KH_SCORE_ALLOW_MISSING)
        res->missing = malloc((nslots ? nslots : 1) * sizeof *res->missing);
    res->scratch = malloc((res->nitems ? res->nitems : 1) *
                          sizeof *res->scratch);
    res->scratch_miss = malloc((res->nitems ? res->nitems : 1) *
                               sizeof *res->scratch_miss);
    if (!res->items || !res->units || !res->scratch || !res->scratch_miss ||
        ((flags & KH_SCORE_ALLOW_MISSING) && !res->missing)) {
        kh_result_free(res);
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    /* Missing-item messages point at the unit's record in its file. */
    kh_err_set_file(e, a->file);
    size_t err0 = kh_err_errors(e);
    bool complete = sc_units(res, e);
    if (!complete) {
        kh_result_free(res);
        return kh_err_errors(e) > err0 ? KH_EINVAL
                                       : kh_err_fail(e, KH_ENOMEM,
                                                     "out of memory");
    }
    if (!sc_branches(res) || !sc_rankings(res)) {
        kh_result_free(res);
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    *out = res;
    return KH_OK;
}

/* ---- incremental: one unit changed ----------------------------------- */

/* Moves the row of ref to the place its new score sorts to, shifting the
 * rows between (O(distance)), and marks ranks again. */
static void sc_rank_move(sc_ranking *rk, size_t ref, kh_cp score,
                         unsigned bottom_n)
{
    size_t j = rk->pos[ref];
    kh_rank_row row = rk->rows[j];
    row.score = score;
    while (j > 0 && sc_row_cmp(&row, &rk->rows[j - 1]) < 0) {
        rk->rows[j] = rk->rows[j - 1];
        rk->pos[rk->rows[j].ref] = (uint32_t)j;
        j--;
    }
    while (j + 1 < rk->n && sc_row_cmp(&rk->rows[j + 1], &row) < 0) {
        rk->rows[j] = rk->rows[j + 1];
        rk->pos[rk->rows[j].ref] = (uint32_t)j;
        j++;
    }
    rk->rows[j] = row;
    rk->pos[ref] = (uint32_t)j;
    sc_rank_marks(rk, bottom_n);
}

kh_status kh_result_update_unit(kh_result *res, size_t u, kh_err *e)
{
    const kh_assess *a = res->a;
    if (u >= res->nunits || a->nunits != res->nunits)
        return kh_err_fail(e, KH_EINVAL, "internal: unit %zu out of range", u);
    sc_unit su;
    kh_err_set_file(e, a->file);
    if (!sc_unit_score(res, u, e, &su, res->scratch, res->scratch_miss))
        return KH_EINVAL;   /* unchanged: a required entry is missing */
    res->units[u] = su;
    memcpy(res->items + u * res->nitems, res->scratch,
           res->nitems * sizeof *res->scratch);
    if (res->missing)
        memcpy(sc_miss_row(res, u), res->scratch_miss,
               su.nmiss * sizeof *res->scratch_miss);
    size_t b = a->units[u].branch;
    uint32_t k = res->branch_k[b];
    res->branches[k].score = sc_branch_mean(res, b);
    unsigned bottom_n = kh_rubric_bottom_n(a->r);
    for (size_t ri = 0; ri < res->nrankings; ri++) {
        sc_ranking *rk = &res->rankings[ri];
        if (rk->by_branch && rk->kind == res->branches[k].kind)
            sc_rank_move(rk, k, res->branches[k].score, bottom_n);
        else if (!rk->by_branch && rk->kind == a->units[u].kind)
            sc_rank_move(rk, u, su.total, bottom_n);
    }
    return KH_OK;
}

static void *sc_dup(const void *p, size_t n)
{
    void *q = malloc(n ? n : 1);
    if (q && n)
        memcpy(q, p, n);
    return q;
}

kh_result *kh_result_clone(const kh_result *res)
{
    kh_result *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    *c = *res;
    size_t nslots = res->nunits * res->nitems;
    size_t nab = res->a->nbranches;
    c->items = sc_dup(res->items, nslots * sizeof *c->items);
    c->units = sc_dup(res->units, res->nunits * sizeof *c->units);
    c->missing = res->missing ? sc_dup(res->missing,
                                       nslots * sizeof *c->missing)
                              : NULL;
    c->branches = sc_dup(res->branches, res->nbranches * sizeof *c->branches);
    c->branch_k = sc_dup(res->branch_k, nab * sizeof *c->branch_k);
    c->scratch = sc_dup(res->scratch, res->nitems * sizeof *c->scratch);
    c->scratch_miss = sc_dup(res->scratch_miss,
                             res->nitems * sizeof *c->scratch_miss);
    c->rankings = calloc(res->nrankings ? res->nrankings : 1,
                         sizeof *c->rankings);
    bool ok = c->items && c->units && (c->missing || !res->missing) &&
              c->branches && c->branch_k && c->scratch && c->scratch_miss &&
              c->rankings;
    for (size_t i = 0; ok && i < res->nrankings; i++) {
        const sc_ranking *rk = &res->rankings[i];
        size_t cap = rk->by_branch ? res->nbranches : res->nunits;
        c->rankings[i] = *rk;
        c->rankings[i].rows = sc_dup(rk->rows, rk->n * sizeof *rk->rows);
        c->rankings[i].pos = sc_dup(rk->pos, cap * sizeof *rk->pos);
        ok = c->rankings[i].rows && c->rankings[i].pos;
    }
    if (!ok) {
        if (!c->rankings)
            c->nrankings = 0;
        kh_result_free(c);
        return NULL;
    }
    return c;
}

const kh_assess *kh_result_assess(const kh_result *res)
{
    return res->a;
}

size_t kh_result_unit_count(const kh_result *res)
{
    return res->nunits;
}

bool kh_result_item_applies(const kh_result *res, size_t u, size_t item)
{
    return kh_rubric_item_applies(res->a->r, item, res->a->units[u].kind);
}

kh_cp kh_result_item(const kh_result *res, size_t u, size_t item)
{
    return res->items[u * res->nitems + item];
}

bool kh_result_category(const kh_result *res, size_t u, size_t c, kh_cp *out)
{
    const kh_rubric *r = res->a->r;
    size_t first = kh_rubric_category_first(r, c);
    size_t n = kh_rubric_category_items(r, c);
    bool any = false;
    kh_cp sum = 0;
    for (size_t i = first; i < first + n; i++) {
        if (!kh_result_item_applies(res, u, i))
            continue;
        any = true;
        sum += kh_result_item(res, u, i);
    }
    if (out)
        *out = any ? sum : 0;
    return any;
}

kh_cp kh_result_raw_base(const kh_result *res, size_t u)
{
    return res->units[u].raw_base;
}

kh_cp kh_result_applicable_max(const kh_result *res, size_t u)
{
    return res->units[u].applicable_max;
}

kh_cp kh_result_base(const kh_result *res, size_t u)
{
    return res->units[u].base;
}

kh_cp kh_result_bonus(const kh_result *res, size_t u)
{
    return res->units[u].bonus;
}

kh_cp kh_result_negative(const kh_result *res, size_t u)
{
    return res->units[u].negative;
}

kh_cp kh_result_total(const kh_result *res, size_t u)
{
    return res->units[u].total;
}

bool kh_result_self_base(const kh_result *res, size_t u, kh_cp *out)
{
    const sc_unit *su = &res->units[u];
    if (out)
        *out = su->self_ok ? su->self_base : 0;
    return su->self_ok;
}

size_t kh_result_missing_count(const kh_result *res, size_t u)
{
    return res->units[u].nmiss;
}

size_t kh_result_missing_item(const kh_result *res, size_t u, size_t k)
{
    return res->missing[u * res->nitems + k];
}

size_t kh_result_branch_count(const kh_result *res)
{
    return res->nbranches;
}

size_t kh_result_branch(const kh_result *res, size_t k)
{
    return res->branches[k].b;
}

size_t kh_result_branch_kind(const kh_result *res, size_t k)
{
    return res->branches[k].kind;
}

size_t kh_result_branch_unit_count(const kh_result *res, size_t k)
{
    return res->a->branches[res->branches[k].b].nunits;
}

size_t kh_result_branch_unit(const kh_result *res, size_t k, size_t j)
{
    const kh_assess_branch_rec *br = &res->a->branches[res->branches[k].b];
    return res->a->branch_units[br->first + j];
}

kh_cp kh_result_branch_score(const kh_result *res, size_t k)
{
    return res->branches[k].score;
}

size_t kh_result_ranking_rows(const kh_result *res, size_t ranking)
{
    return ranking < res->nrankings ? res->rankings[ranking].n : 0;
}

const kh_rank_row *kh_result_ranking_row(const kh_result *res, size_t ranking,
                                         size_t row)
{
    if (ranking >= res->nrankings || row >= res->rankings[ranking].n)
        return NULL;
    return &res->rankings[ranking].rows[row];
}
