/*
 * questionnaire.c - loading and validating a questionnaire file
 * (docs/SURVEY.md) and the accessors of kh_questionnaire.
 *
 * Like the rubric loader (rubric.c): the whole file is read as one node
 * tree into the arena that becomes the questionnaire's, and the loader
 * keeps going after an error so that one run reports every problem, each
 * at its node with a data path.
 */
#include "model_path.h"
#include "questionnaire_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


typedef struct ld {
    kh_model_ld m;         /* errors, arena (model_path.h) */
    kh_questionnaire *q;
} ld;

/* The shared loader helpers (model_path.h) on this loader's context. */
#define err(L, ...) kh_model_err(&(L)->m, __VA_ARGS__)
#define alloc(L, n, size) kh_model_alloc(&(L)->m, n, size)
#define expect(L, n, path, t) kh_model_expect(&(L)->m, n, path, t)
#define check_keys(L, ...) kh_model_check_keys(&(L)->m, __VA_ARGS__)
#define get_str(L, map, path, key, out) \
    kh_model_get_str(&(L)->m, map, path, key, true, out)
/* A title or label (one line) and a text (lines): kaohe/name.h. */
#define get_name(L, map, path, key, out) \
    kh_model_get_text(&(L)->m, map, path, key, true, out, KH_TEXT_NAME)
#define get_lines(L, map, path, key, out) \
    kh_model_get_text(&(L)->m, map, path, key, true, out, KH_TEXT_LINES)

static const char *const likert_labels[KH_Q_LIKERT_LEVELS] = {
    "非常不同意", "不同意", "一般", "同意", "非常同意"};

static const char *const type_names[] = {"single", "multiple", "likert",
                                         "number", "text"};

/* ---- typed values (the others are model_path.h's) --------------------- */

static const kh_node *get_id(ld *L, const kh_node *map, const char *path,
                             const char **out)
{
    const kh_node *n = get_str(L, map, path, "id", out);
    if (n && !kh_model_is_slug(*out)) {
        char p[KH_MODEL_PATH_SZ];
        kh_model_path_key(p, path, "id");
        err(L, n, p, "invalid id \"%s\": must match [a-z0-9][a-z0-9._-]*",
            *out);
        *out = NULL;
        return NULL;
    }
    return n;
}

static const kh_node *get_int(ld *L, const kh_node *map, const char *path,
                              const char *key, int64_t lo, int64_t hi,
                              int64_t *out)
{
    const kh_node *n = kh_node_get(map, key);
    if (!n)
        return NULL;
    char p[KH_MODEL_PATH_SZ];
    kh_model_path_key(p, path, key);
    if (kh_node_int(n, L->m.e, p, out) != KH_OK) {
        L->m.nbad++;
        return NULL;
    }
    if (*out < lo || *out > hi) {
        err(L, n, p, "must be between %lld and %lld, not %lld",
            (long long)lo, (long long)hi, (long long)*out);
        return NULL;
    }
    return n;
}

/* ---- questions ---------------------------------------------------------- */

static const char *const choice_keys[] = {"id", "label", "value", NULL};
static const char *const q_common[] = {"id", "type", "text", "required",
                                       "item", NULL};
static const char *const q_keys[][9] = {
    [KH_Q_SINGLE] = {"id", "type", "text", "required", "item", "choices",
                     NULL},
    [KH_Q_MULTIPLE] = {"id", "type", "text", "required", "item", "choices",
                       NULL},
    [KH_Q_LIKERT] = {"id", "type", "text", "required", "item", "labels",
                     NULL},
    [KH_Q_NUMBER] = {"id", "type", "text", "required", "item", "min", "max",
                     NULL},
    [KH_Q_TEXT] = {"id", "type", "text", "required", "item", "max_length",
                   NULL},
};
static const char *const q_required[] = {"id", "type", "text", NULL};
static const char *const q_qual[] = {
    "for a single question", "for a multiple question",
    "for a likert question", "for a number question", "for a text question"};

static void load_choices(ld *L, kh_q_question *qq, const kh_node *seq,
                         const char *path)
{
    if (!expect(L, seq, path, KH_NODE_SEQ))
        return;
    if (seq->n < 2 || seq->n > KH_Q_MAX_CHOICES) {
        err(L, seq, path, "needs 2 to %d choices, not %u", KH_Q_MAX_CHOICES,
            (unsigned)seq->n);
        return;
    }
    qq->choices = alloc(L, seq->n, sizeof *qq->choices);
    if (!qq->choices)
        return;
    for (uint32_t i = 0; i < seq->n; i++) {
        const kh_node *m = &seq->u.kids[i];
        char p[KH_MODEL_PATH_SZ], pp[KH_MODEL_PATH_SZ];
        kh_model_path_idx(p, path, i);
        kh_q_choice *c = &qq->choices[qq->nchoices++];
        if (!expect(L, m, p, KH_NODE_MAP))
            continue;
        check_keys(L, m, p, choice_keys, choice_keys, NULL);
        const kh_node *idn = get_id(L, m, p, &c->id);
        get_name(L, m, p, "label", &c->label);
        const kh_node *vn = kh_node_get(m, "value");
        if (vn) {
            kh_model_path_key(pp, p, "value");
            if (kh_node_cp(vn, L->m.e, pp, &c->value) != KH_OK)
                L->m.nbad++;
        }
        for (size_t j = 0; idn && c->id && j + 1 < qq->nchoices; j++)
            if (qq->choices[j].id && strcmp(qq->choices[j].id, c->id) == 0) {
                kh_model_path_key(pp, p, "id");
                err(L, idn, pp, "duplicate choice id \"%s\"", c->id);
                break;
            }
    }
}

static void load_likert(ld *L, kh_q_question *qq, const kh_node *labels,
                        const char *path)
{
    qq->choices = alloc(L, KH_Q_LIKERT_LEVELS, sizeof *qq->choices);
    if (!qq->choices)
        return;
    static const char *const ids[] = {"1", "2", "3", "4", "5"};
    qq->nchoices = KH_Q_LIKERT_LEVELS;
    for (size_t i = 0; i < KH_Q_LIKERT_LEVELS; i++) {
        qq->choices[i].id = ids[i];
        qq->choices[i].label = likert_labels[i];
        qq->choices[i].value = (kh_cp)(i + 1) * 100;
    }
    if (!labels || !expect(L, labels, path, KH_NODE_SEQ))
        return;
    if (labels->n != KH_Q_LIKERT_LEVELS) {
        err(L, labels, path, "needs exactly %d labels, not %u",
            KH_Q_LIKERT_LEVELS, (unsigned)labels->n);
        return;
    }
    for (uint32_t i = 0; i < labels->n; i++) {
        char p[KH_MODEL_PATH_SZ];
        kh_model_path_idx(p, path, i);
        const char *s = NULL;
        if (kh_node_str(&labels->u.kids[i], L->m.e, p, &s) != KH_OK)
            L->m.nbad++;
        else if (!s[0])
            err(L, &labels->u.kids[i], p, "must not be empty");
        else if (kh_text_check(L->m.e, labels->u.kids[i].line,
                               labels->u.kids[i].col, p, s, KH_TEXT_NAME,
                               KH_NAME_MAX) != KH_OK)
            L->m.nbad++;
        else
            qq->choices[i].label = s;
    }
}

static void load_number(ld *L, kh_q_question *qq, const kh_node *m,
                        const char *path)
{
    const kh_node *lo = get_int(L, m, path, "min", -KH_Q_NUMBER_LIMIT,
                                KH_Q_NUMBER_LIMIT, &qq->min);
    const kh_node *hi = get_int(L, m, path, "max", -KH_Q_NUMBER_LIMIT,
                                KH_Q_NUMBER_LIMIT, &qq->max);
    if (!kh_node_get(m, "max"))
        err(L, m, path, "missing key \"max\" (a number question needs one)");
    if (!lo)
        qq->min = 0;
    if (hi && qq->min > qq->max) {
        char p[KH_MODEL_PATH_SZ];
        kh_model_path_key(p, path, "max");
        err(L, hi, p, "must not be below min (%lld), not %lld",
            (long long)qq->min, (long long)qq->max);
    }
}

static kh_q_type parse_type(ld *L, const kh_node *m, const char *path,
                            bool *ok)
{
    const char *t = NULL;
    const kh_node *n = get_str(L, m, path, "type", &t);
    *ok = false;
    if (!n)
        return KH_Q_SINGLE;
    for (size_t k = 0; k < sizeof type_names / sizeof type_names[0]; k++)
        if (strcmp(t, type_names[k]) == 0) {
            *ok = true;
            return (kh_q_type)k;
        }
    char p[KH_MODEL_PATH_SZ];
    kh_model_path_key(p, path, "type");
    err(L, n, p, "unknown type \"%s\" (expected single, multiple, likert, "
        "number or text)", t);
    return KH_Q_SINGLE;
}

static void load_question(ld *L, kh_q_question *qq, const kh_node *m,
                          const char *p)
{
    char pp[KH_MODEL_PATH_SZ];
    bool typed;
    qq->type = parse_type(L, m, p, &typed);
    check_keys(L, m, p, typed ? q_keys[qq->type] : q_common, q_required,
               typed ? q_qual[qq->type] : NULL);
    get_id(L, m, p, &qq->id);
    get_lines(L, m, p, "text", &qq->text);
    get_str(L, m, p, "item", &qq->item);
    const kh_node *rn = kh_node_get(m, "required");
    if (rn) {
        kh_model_path_key(pp, p, "required");
        if (kh_node_bool(rn, L->m.e, pp, &qq->required) != KH_OK)
            L->m.nbad++;
    }
    if (!typed)
        return;
    switch (qq->type) {
    case KH_Q_SINGLE:
    case KH_Q_MULTIPLE: {
        const kh_node *cn = kh_node_get(m, "choices");
        kh_model_path_key(pp, p, "choices");
        if (cn)
            load_choices(L, qq, cn, pp);
        else
            err(L, m, p, "missing key \"choices\" (a %s question needs "
                "them)", type_names[qq->type]);
        break;
    }
    case KH_Q_LIKERT:
        kh_model_path_key(pp, p, "labels");
        load_likert(L, qq, kh_node_get(m, "labels"), pp);
        break;
    case KH_Q_NUMBER:
        load_number(L, qq, m, p);
        break;
    case KH_Q_TEXT: {
        int64_t n = KH_Q_TEXT_DEFAULT;
        get_int(L, m, p, "max_length", 1, KH_Q_TEXT_MAX, &n);
        qq->max_length = (size_t)n;
        break;
    }
    }
}

static void load_questions(ld *L, const kh_node *seq)
{
    kh_questionnaire *q = L->q;
    if (!expect(L, seq, "questions", KH_NODE_SEQ))
        return;
    if (seq->n == 0 || seq->n > KH_Q_MAX_QUESTIONS) {
        err(L, seq, "questions", "needs 1 to %d questions, not %u",
            KH_Q_MAX_QUESTIONS, (unsigned)seq->n);
        return;
    }
    q->questions = alloc(L, seq->n, sizeof *q->questions);
    if (!q->questions)
        return;
    for (uint32_t i = 0; i < seq->n; i++) {
        const kh_node *m = &seq->u.kids[i];
        char p[KH_MODEL_PATH_SZ], pp[KH_MODEL_PATH_SZ];
        kh_model_path_idx(p, "questions", i);
        kh_q_question *qq = &q->questions[q->nquestions++];
        qq->max_length = KH_Q_TEXT_DEFAULT;
        if (!expect(L, m, p, KH_NODE_MAP))
            continue;
        load_question(L, qq, m, p);
        for (size_t j = 0; qq->id && j + 1 < q->nquestions; j++)
            if (q->questions[j].id &&
                strcmp(q->questions[j].id, qq->id) == 0) {
                kh_model_path_key(pp, p, "id");
                err(L, kh_node_get(m, "id"), pp,
                    "duplicate question id \"%s\"", qq->id);
                break;
            }
    }
}

/* ---- the whole ------------------------------------------------------ */

static const char *const top_keys[] = {"id", "title", "audience", "intro",
                                       "questions", NULL};
static const char *const top_required[] = {"id", "title", "audience",
                                           "questions", NULL};

static kh_status load_doc(kh_doc *d, kh_err *e, kh_questionnaire **out)
{
    kh_questionnaire *q = calloc(1, sizeof *q);
    if (!q || !(q->arena = kh_arena_new())) {
        free(q);
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    ld L = {.m = {.e = e, .a = q->arena, .raw_keys = true}, .q = q};
    const kh_node *root = NULL;
    kh_status st = kh_doc_read(d, q->arena, &root);
    if (st == KH_OK && root) {
        if (expect(&L, root, "", KH_NODE_MAP)) {
            check_keys(&L, root, "", top_keys, top_required, NULL);
            get_id(&L, root, "", &q->id);
            get_name(&L, root, "", "title", &q->title);
            get_name(&L, root, "", "audience", &q->audience);
            get_lines(&L, root, "", "intro", &q->intro);
            const kh_node *qs = kh_node_get(root, "questions");
            if (qs)
                load_questions(&L, qs);
        }
        kh_status fin = kh_doc_finish(d);
        if (fin != KH_OK && st == KH_OK)
            st = fin;
    } else if (st == KH_DONE) {
        st = kh_err_at(e, 1, 1, NULL, "empty file: expected a mapping");
    }
    if (L.m.oom)
        st = kh_err_fail(e, KH_ENOMEM, "out of memory");
    else if (st == KH_OK && L.m.nbad)
        st = KH_EINVAL;
    if (st != KH_OK) {
        kh_questionnaire_free(q);
        return st;
    }
    *out = q;
    return KH_OK;
}

kh_status kh_questionnaire_load(const char *path, kh_err *e,
                                kh_questionnaire **out)
{
    *out = NULL;
    kh_doc *d = NULL;
    kh_status st = kh_doc_open_file(path, e, &d);
    if (st != KH_OK)
        return st;
    st = load_doc(d, e, out);
    kh_doc_free(d);
    return st;
}

kh_status kh_questionnaire_load_mem(const char *name, const char *data,
                                    size_t len, kh_err *e,
                                    kh_questionnaire **out)
{
    *out = NULL;
    kh_doc *d = NULL;
    kh_status st = kh_doc_open_mem(name, data, len, 0, e, &d);
    if (st != KH_OK)
        return st;
    st = load_doc(d, e, out);
    kh_doc_free(d);
    return st;
}

void kh_questionnaire_free(kh_questionnaire *q)
{
    if (!q)
        return;
    kh_arena_free(q->arena);
    free(q);
}

/* ---- accessors ---------------------------------------------------------- */

const char *kh_questionnaire_id(const kh_questionnaire *q) { return q->id; }
const char *kh_questionnaire_title(const kh_questionnaire *q)
{
    return q->title;
}
const char *kh_questionnaire_audience(const kh_questionnaire *q)
{
    return q->audience;
}
const char *kh_questionnaire_intro(const kh_questionnaire *q)
{
    return q->intro;
}
size_t kh_questionnaire_count(const kh_questionnaire *q)
{
    return q->nquestions;
}

int kh_questionnaire_find(const kh_questionnaire *q, const char *id)
{
    for (size_t i = 0; i < q->nquestions; i++)
        if (strcmp(q->questions[i].id, id) == 0)
            return (int)i;
    return -1;
}

const char *kh_question_id(const kh_questionnaire *q, size_t i)
{
    return q->questions[i].id;
}
kh_q_type kh_question_type(const kh_questionnaire *q, size_t i)
{
    return q->questions[i].type;
}
const char *kh_question_text(const kh_questionnaire *q, size_t i)
{
    return q->questions[i].text;
}
const char *kh_question_item(const kh_questionnaire *q, size_t i)
{
    return q->questions[i].item;
}
bool kh_question_required(const kh_questionnaire *q, size_t i)
{
    return q->questions[i].required;
}
size_t kh_question_choices(const kh_questionnaire *q, size_t i)
{
    return q->questions[i].nchoices;
}
const char *kh_question_choice_id(const kh_questionnaire *q, size_t i,
                                  size_t c)
{
    return q->questions[i].choices[c].id;
}
const char *kh_question_choice_label(const kh_questionnaire *q, size_t i,
                                     size_t c)
{
    return q->questions[i].choices[c].label;
}
kh_cp kh_question_choice_value(const kh_questionnaire *q, size_t i, size_t c)
{
    return q->questions[i].choices[c].value;
}
int kh_question_choice_find(const kh_questionnaire *q, size_t i,
                            const char *id)
{
    const kh_q_question *qq = &q->questions[i];
    for (size_t c = 0; c < qq->nchoices; c++)
        if (strcmp(qq->choices[c].id, id) == 0)
            return (int)c;
    return -1;
}
int64_t kh_question_min(const kh_questionnaire *q, size_t i)
{
    return q->questions[i].min;
}
int64_t kh_question_max(const kh_questionnaire *q, size_t i)
{
    return q->questions[i].max;
}
size_t kh_question_max_length(const kh_questionnaire *q, size_t i)
{
    return q->questions[i].max_length;
}
const char *kh_q_type_name(kh_q_type t)
{
    return (size_t)t < sizeof type_names / sizeof type_names[0]
               ? type_names[t]
               : "?";
}
