/*
 * tally.c - counting a questionnaire round's responses per unit and
 * question (kaohe/tally.h), and writing the tally as JSON, a table or CSV.
 */
#include "kaohe/tally.h"

#include <stdlib.h>
#include <string.h>

#include "kaohe/doc.h"
#include "kaohe/report.h"
#include "kaohe/vec.h"

typedef struct tq {            /* one question of one unit */
    size_t answered;
    int64_t sum;               /* choice values (kh_cp) or numbers */
    size_t *counts;            /* [nchoices] */
    const char **texts;        /* free text, in the arena */
    size_t ntexts, atexts;
} tq;

typedef struct tu {
    const char *id, *name;
    size_t invited, responses, paper;
    tq *qs;                    /* [nquestions] */
} tu;

struct kh_tally {
    const kh_questionnaire *q;
    int64_t round;
    unsigned min;
    kh_arena *a;               /* unit strings, counts, texts */
    tu *units;
    size_t nunits, aunits;
};

kh_status kh_tally_new(const kh_questionnaire *q, int64_t round,
                       unsigned min_responses, kh_tally **out)
{
    *out = NULL;
    kh_tally *t = calloc(1, sizeof *t);
    if (!t || !(t->a = kh_arena_new())) {
        free(t);
        return KH_ENOMEM;
    }
    t->q = q;
    t->round = round;
    t->min = min_responses;
    *out = t;
    return KH_OK;
}

void kh_tally_free(kh_tally *t)
{
    if (!t)
        return;
    for (size_t u = 0; u < t->nunits; u++)
        for (size_t i = 0; i < kh_questionnaire_count(t->q); i++)
            free(t->units[u].qs[i].texts);
    free(t->units);
    kh_arena_free(t->a);
    free(t);
}

kh_status kh_tally_unit(kh_tally *t, const char *unit, const char *name,
                        size_t invited, size_t *idx)
{
    if (KH_VEC_GROW(t->units, t->aunits, t->nunits + 1, 8) != KH_OK)
        return KH_ENOMEM;
    size_t nq = kh_questionnaire_count(t->q);
    tu *u = &t->units[t->nunits];
    memset(u, 0, sizeof *u);
    u->id = kh_arena_strndup(t->a, unit, strlen(unit));
    u->name = kh_arena_strndup(t->a, name ? name : unit,
                               strlen(name ? name : unit));
    u->invited = invited;
    u->qs = kh_arena_alloc(t->a, nq * sizeof *u->qs);
    if (!u->id || !u->name || !u->qs)
        return KH_ENOMEM;
    for (size_t i = 0; i < nq; i++) {
        size_t nc = kh_question_choices(t->q, i);
        u->qs[i].counts = kh_arena_alloc(t->a, (nc ? nc : 1) * sizeof(size_t));
        if (!u->qs[i].counts)
            return KH_ENOMEM;
    }
    *idx = t->nunits++;
    return KH_OK;
}

static kh_status add_text(kh_tally *t, tq *x, const kh_node *v)
{
    if (KH_VEC_GROW(x->texts, x->atexts, x->ntexts + 1, 8) != KH_OK)
        return KH_ENOMEM;

    const char *s = kh_arena_strndup(t->a, v->u.text, v->n);
    if (!s)
        return KH_ENOMEM;
    x->texts[x->ntexts++] = s;
    return KH_OK;
}

/* Counts choice id node v of question qi. */
static bool add_choice(const kh_tally *t, tq *x, size_t qi, const kh_node *v)
{
    if (v->type != KH_NODE_SCALAR)
        return false;
    int c = kh_question_choice_find(t->q, qi, v->u.text);
    if (c < 0)
        return false;
    x->counts[c]++;
    x->sum += kh_question_choice_value(t->q, qi, (size_t)c);
    return true;
}

static kh_status add_answer(kh_tally *t, tq *x, size_t qi, const kh_node *v,
                            const char *path, kh_err *e)
{
    kh_q_type ty = kh_question_type(t->q, qi);
    bool ok = true;
    if (ty == KH_Q_MULTIPLE) {
        ok = v->type == KH_NODE_SEQ;
        for (uint32_t k = 0; ok && k < v->n; k++)
            ok = add_choice(t, x, qi, &v->u.kids[k]);
    } else if (ty == KH_Q_NUMBER) {
        int64_t n;
        ok = kh_node_int(v, e, path, &n) == KH_OK;
        if (ok)
            x->sum += n;
    } else if (ty == KH_Q_TEXT) {
        ok = v->type == KH_NODE_SCALAR;
        if (ok && add_text(t, x, v) != KH_OK)
            return KH_ENOMEM;
    } else {
        ok = add_choice(t, x, qi, v);
    }
    if (!ok)
        return kh_err_at(e, v->line, v->col, path,
                         "stored answer does not fit the questionnaire");
    x->answered++;
    return KH_OK;
}

kh_status kh_tally_add(kh_tally *t, size_t idx, const char *name,
                       const char *json, size_t len, bool paper, kh_err *e)
{
    kh_doc *d = NULL;
    kh_status st = kh_doc_open_mem(name, json, len, 'j', e, &d);
    if (st != KH_OK)
        return st;
    kh_arena *a = kh_arena_new();
    const kh_node *root = NULL;
    if (!a)
        st = KH_ENOMEM;
    else
        st = kh_doc_read(d, a, &root);
    if (st == KH_OK && root->type != KH_NODE_MAP)
        st = kh_err_at(e, root->line, root->col, NULL, "expected a mapping");
    tu *u = &t->units[idx];
    for (uint32_t i = 0; st == KH_OK && i < root->n; i++) {
        const kh_node *k = &root->u.kids[2 * i];
        int qi = kh_questionnaire_find(t->q, k->u.text);
        if (qi < 0) {
            st = kh_err_at(e, k->line, k->col, NULL,
                           "unknown question \"%s\"", k->u.text);
            break;
        }
        st = add_answer(t, &u->qs[qi], (size_t)qi, &root->u.kids[2 * i + 1],
                        k->u.text, e);
    }
    if (st == KH_OK) {
        u->responses++;
        u->paper += paper;
    }
    kh_arena_free(a);
    kh_doc_free(d);
    return st;
}

/* ---- reading ---------------------------------------------------------- */

const kh_questionnaire *kh_tally_questionnaire(const kh_tally *t)
{
    return t->q;
}
int64_t kh_tally_round(const kh_tally *t) { return t->round; }
unsigned kh_tally_min(const kh_tally *t) { return t->min; }
size_t kh_tally_units(const kh_tally *t) { return t->nunits; }
const char *kh_tally_unit_id(const kh_tally *t, size_t u)
{
    return t->units[u].id;
}
const char *kh_tally_unit_name(const kh_tally *t, size_t u)
{
    return t->units[u].name;
}
size_t kh_tally_invited(const kh_tally *t, size_t u)
{
    return t->units[u].invited;
}
size_t kh_tally_responses(const kh_tally *t, size_t u)
{
    return t->units[u].responses;
}
size_t kh_tally_paper(const kh_tally *t, size_t u)
{
    return t->units[u].paper;
}
bool kh_tally_suppressed(const kh_tally *t, size_t u)
{
    return t->units[u].responses < t->min;
}
kh_cp kh_tally_rate(const kh_tally *t, size_t u)
{
    const tu *x = &t->units[u];
    if (!x->invited)
        return 0;
    return kh_num_muldiv_round((int64_t)(x->responses - x->paper), 10000,
                               (int64_t)x->invited);
}
size_t kh_tally_answered(const kh_tally *t, size_t u, size_t qi)
{
    return t->units[u].qs[qi].answered;
}
size_t kh_tally_count(const kh_tally *t, size_t u, size_t qi, size_t c)
{
    return t->units[u].qs[qi].counts[c];
}
kh_cp kh_tally_percent(const kh_tally *t, size_t u, size_t qi, size_t c)
{
    const tq *x = &t->units[u].qs[qi];
    if (!x->answered)
        return 0;
    return kh_num_muldiv_round((int64_t)x->counts[c], 10000,
                               (int64_t)x->answered);
}
bool kh_tally_mean(const kh_tally *t, size_t u, size_t qi, kh_cp *out)
{
    const tq *x = &t->units[u].qs[qi];
    kh_q_type ty = kh_question_type(t->q, qi);
    if (!x->answered || ty == KH_Q_MULTIPLE || ty == KH_Q_TEXT)
        return false;
    /* Choice values are already hundredths; numbers are whole. */
    *out = ty == KH_Q_NUMBER
               ? kh_num_muldiv_round(x->sum, 100, (int64_t)x->answered)
               : kh_num_div_round(x->sum, (int64_t)x->answered);
    return true;
}
size_t kh_tally_texts(const kh_tally *t, size_t u, size_t qi)
{
    return t->units[u].qs[qi].ntexts;
}
const char *kh_tally_text(const kh_tally *t, size_t u, size_t qi, size_t k)
{
    return t->units[u].qs[qi].texts[k];
}

/* Count of the k choices of highest value (ties: the earlier choice). */
static size_t top_count(const kh_tally *t, size_t u, size_t qi, size_t k)
{
    size_t nc = kh_question_choices(t->q, qi), sum = 0;
    bool taken[KH_Q_MAX_CHOICES] = {false};
    for (size_t n = 0; n < k && n < nc; n++) {
        size_t best = nc;
        for (size_t c = 0; c < nc; c++)
            if (!taken[c] && (best == nc ||
                              kh_question_choice_value(t->q, qi, c) >
                                  kh_question_choice_value(t->q, qi, best)))
                best = c;
        taken[best] = true;
        sum += t->units[u].qs[qi].counts[best];
    }
    return sum;
}

bool kh_tally_figure(const kh_tally *t, size_t u, size_t qi,
                     const char *figure, kh_cp *out)
{
    const tq *x = &t->units[u].qs[qi];
    kh_q_type ty = kh_question_type(t->q, qi);
    if (kh_tally_suppressed(t, u) || !x->answered)
        return false;
    if (strcmp(figure, "mean") == 0)
        return kh_tally_mean(t, u, qi, out);
    size_t k = strcmp(figure, "percent_top1") == 0   ? 1
               : strcmp(figure, "percent_top2") == 0 ? 2
                                                      : 0;
    if (k == 0 || (ty != KH_Q_SINGLE && ty != KH_Q_LIKERT))
        return false;
    *out = kh_num_muldiv_round((int64_t)top_count(t, u, qi, k), 10000,
                               (int64_t)x->answered);
    return true;
}
