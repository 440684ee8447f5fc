/*
 * doc.c - the document reader: the arena, node trees built from the
 * events of json_lex.c / yaml_events.c, streaming through big top-level
 * containers, and the typed getters loaders use on nodes.
 *
 * Errors come in two kinds.  Syntax errors (and the depth and size caps)
 * are fatal: the reader stops and every later call fails.  Errors about
 * well-formed input (duplicate keys, non-scalar keys, YAML tags, bad
 * aliases and merge values, a value of the wrong kind for kh_doc_enter) are
 * reported, the offending value is consumed, and reading can go on, so a
 * loader can report every error in one run; kh_doc_finish() then fails.
 * YAML merge keys (<<) are applied here, when a mapping is built.
 */
#include "kaohe/doc.h"
#include "kaohe/buf.h"
#include "kaohe/i18n.h"
#include "kaohe/vec.h"
#include "doc_impl.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- arena ---------------------------------------------------------- */

#define ARENA_BLOCK ((size_t)64 * 1024)
#define ARENA_BIG (ARENA_BLOCK / 4)   /* larger requests get their own block */

typedef struct arena_block {
    struct arena_block *next;
    size_t size;                   /* bytes of data after the header */
} arena_block;

struct kh_arena {
    arena_block *head;             /* the block cur points into is first */
    char *cur, *lim;
};

kh_arena *kh_arena_new(void)
{
    return calloc(1, sizeof(kh_arena));
}

void kh_arena_free(kh_arena *a)
{
    if (!a)
        return;
    for (arena_block *b = a->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(a);
}

void kh_arena_reset(kh_arena *a)
{
    arena_block *keep = NULL;
    for (arena_block *b = a->head, *next; b; b = next) {
        next = b->next;
        if (!keep && b->size == ARENA_BLOCK)
            keep = b;
        else
            free(b);
    }
    a->head = keep;
    if (keep) {
        keep->next = NULL;
        a->cur = (char *)(keep + 1);
        a->lim = a->cur + keep->size;
    } else {
        a->cur = a->lim = NULL;
    }
}

static void *arena_slow(kh_arena *a, size_t n)
{
    if (n > ARENA_BIG) {
        /* A dedicated block behind the current one, which stays in use. */
        arena_block *b = malloc(sizeof *b + n);
        if (!b)
            return NULL;
        b->size = n;
        if (a->head) {
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = NULL;
            a->head = b;
            a->cur = a->lim = (char *)(b + 1) + n;
        }
        return b + 1;
    }
    arena_block *b = malloc(sizeof *b + ARENA_BLOCK);
    if (!b)
        return NULL;
    b->size = ARENA_BLOCK;
    b->next = a->head;
    a->head = b;
    a->cur = (char *)(b + 1) + n;
    a->lim = (char *)(b + 1) + ARENA_BLOCK;
    return b + 1;
}

/* Uninitialised, 8-aligned. */
static inline void *arena_raw(kh_arena *a, size_t n)
{
    if (n > SIZE_MAX / 2)
        return NULL;
    n = (n + 7) & ~(size_t)7;
    if ((size_t)(a->lim - a->cur) >= n) {
        void *p = a->cur;
        a->cur += n;
        return p;
    }
    return arena_slow(a, n);
}

void *kh_arena_alloc(kh_arena *a, size_t n)
{
    void *p = arena_raw(a, n ? n : 1);
    if (p)
        memset(p, 0, n);
    return p;
}

char *kh_arena_strndup(kh_arena *a, const char *s, size_t n)
{
    char *p = arena_raw(a, n + 1);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* ---- node accessors ------------------------------------------------- */

static bool text_is_null(const char *t, size_t n)
{
    return n == 0 || (n == 1 && t[0] == '~') || (n == 4 && memcmp(t, "null", 4) == 0);
}

static bool is_digit(char c)
{
    return (unsigned char)(c - '0') < 10;
}

/* [-+]?(D+(.D*)?|.D+)([eE][-+]?D+)? : what reads as a number. */
static bool text_is_number(const char *t, size_t n)
{
    size_t i = 0, d = 0;
    if (i < n && (t[i] == '-' || t[i] == '+'))
        i++;
    for (; i < n && is_digit(t[i]); i++)
        d++;
    if (i < n && t[i] == '.') {
        i++;
        for (; i < n && is_digit(t[i]); i++)
            d++;
    }
    if (!d)
        return false;
    if (i < n && (t[i] == 'e' || t[i] == 'E')) {
        i++;
        if (i < n && (t[i] == '-' || t[i] == '+'))
            i++;
        if (i >= n || !is_digit(t[i]))
            return false;
        while (i < n && is_digit(t[i]))
            i++;
    }
    return i == n;
}

static const char *scalar_kind(int style, const char *t, size_t n)
{
    if (style != KH_SCALAR_PLAIN)
        return "string";
    if (text_is_null(t, n))
        return "null";
    if ((n == 4 && memcmp(t, "true", 4) == 0) || (n == 5 && memcmp(t, "false", 5) == 0))
        return "boolean";
    if (text_is_number(t, n))
        return "number";
    return "string";
}

const kh_node *kh_node_get(const kh_node *map, const char *key)
{
    if (!map || map->type != KH_NODE_MAP || !key)
        return NULL;
    size_t kl = strlen(key);
    for (uint32_t i = 0; i < map->n; i++) {
        const kh_node *k = &map->u.kids[2 * i];
        if (k->type == KH_NODE_SCALAR && k->n == kl && memcmp(k->u.text, key, kl) == 0)
            return &map->u.kids[2 * i + 1];
    }
    return NULL;
}

const kh_node *kh_node_at(const kh_node *seq, size_t i)
{
    if (!seq || seq->type != KH_NODE_SEQ || i >= seq->n)
        return NULL;
    return &seq->u.kids[i];
}

bool kh_node_is_null(const kh_node *n)
{
    return n && n->type == KH_NODE_SCALAR && n->style == KH_SCALAR_PLAIN &&
           text_is_null(n->u.text, n->n);
}

bool kh_node_eq(const kh_node *n, const char *s)
{
    if (!n || n->type != KH_NODE_SCALAR || !s)
        return false;
    size_t l = strlen(s);
    return n->n == l && memcmp(n->u.text, s, l) == 0;
}

const char *kh_node_kind(const kh_node *n)
{
    if (!n)
        return "null";
    switch (n->type) {
    case KH_NODE_MAP: return "mapping";
    case KH_NODE_SEQ: return "sequence";
    default: return scalar_kind(n->style, n->u.text, n->n);
    }
}

/* "a mapping", "null": the kind with its article, for "got ..." */
static const char *with_article(const char *kind)
{
    if (strcmp(kind, "null") == 0)
        return N_("null");
    if (strcmp(kind, "mapping") == 0)
        return N_("a mapping");
    if (strcmp(kind, "sequence") == 0)
        return N_("a sequence");
    if (strcmp(kind, "number") == 0)
        return N_("a number");
    if (strcmp(kind, "boolean") == 0)
        return N_("a boolean");
    return N_("a string");
}

/* Message i (just added) reads as Chinese whole: its English words (a
 * kind, what was expected) translated too.  Returns st. */
static kh_status zh_words(kh_err *e, size_t i, kh_status st, const char *w1,
                          const char *w2)
{
    kh_err_zh_word(e, i, w1);
    kh_err_zh_word(e, i, w2);
    return st;
}

/* A user value for a message: at most ~40 bytes, cut on a character
 * boundary, control characters shown as '?'. */
typedef struct quoted {
    char s[56];
} quoted;

static quoted quote(const char *t, size_t n)
{
    quoted q;
    size_t max = 40, i = 0, w = 0;
    if (n > max) {
        i = max;
        while (i > 0 && ((unsigned char)t[i] & 0xC0) == 0x80)
            i--;
        n = i;
    } else {
        max = 0;
    }
    for (i = 0; i < n; i++)
        q.s[w++] = (unsigned char)t[i] < 0x20 ? '?' : t[i];
    if (max) {
        memcpy(q.s + w, "...", 3);
        w += 3;
    }
    q.s[w] = '\0';
    return q;
}

static kh_status missing(kh_err *e, const char *path)
{
    return kh_err_at(e, 0, 0, path, "missing value");
}

kh_status kh_node_str(const kh_node *n, kh_err *e, const char *path,
                      const char **out)
{
    if (!n)
        return missing(e, path);
    size_t i = kh_err_count(e);
    const char *got = with_article(kh_node_kind(n));
    if (n->type != KH_NODE_SCALAR || kh_node_is_null(n))
        return zh_words(e, i, kh_err_at(e, n->line, n->col, path,
                                        "expected a string, got %s", got),
                        got, NULL);
    *out = n->u.text;
    return KH_OK;
}

kh_status kh_node_bool(const kh_node *n, kh_err *e, const char *path,
                       bool *out)
{
    if (!n)
        return missing(e, path);
    if (n->type == KH_NODE_SCALAR && n->style == KH_SCALAR_PLAIN) {
        if (kh_node_eq(n, "true")) {
            *out = true;
            return KH_OK;
        }
        if (kh_node_eq(n, "false")) {
            *out = false;
            return KH_OK;
        }
        if (!kh_node_is_null(n))
            return kh_err_at(e, n->line, n->col, path,
                             "expected true or false, got \"%s\"",
                             quote(n->u.text, n->n).s);
    }
    size_t i = kh_err_count(e);
    const char *got = with_article(kh_node_kind(n));
    return zh_words(e, i, kh_err_at(e, n->line, n->col, path,
                                    "expected true or false, got %s", got),
                    got, NULL);
}

/* Shared checks of the number getters: a plain scalar that is not null
 * or a boolean. */
static kh_status number_node(const kh_node *n, kh_err *e, const char *path,
                             const char *what)
{
    if (!n)
        return missing(e, path);
    const char *kind = kh_node_kind(n);
    if (n->type != KH_NODE_SCALAR || n->style != KH_SCALAR_PLAIN ||
        strcmp(kind, "null") == 0 || strcmp(kind, "boolean") == 0) {
        size_t i = kh_err_count(e);
        const char *got = with_article(kind);
        return zh_words(e, i, kh_err_at(e, n->line, n->col, path,
                                        "expected %s, got %s", what, got),
                        got, what);
    }
    return KH_OK;
}

kh_status kh_node_cp(const kh_node *n, kh_err *e, const char *path,
                     kh_cp *out)
{
    kh_status st = number_node(n, e, path, N_("a number"));
    if (st != KH_OK)
        return st;
    kh_num_err r = kh_num_parse(n->u.text, n->n, out);
    size_t i = kh_err_count(e);
    if (r != KH_NUM_OK)
        return zh_words(e, i, kh_err_at(e, n->line, n->col, path, "\"%s\" %s",
                                        quote(n->u.text, n->n).s,
                                        kh_num_err_str(r)),
                        kh_num_err_str(r), NULL);
    return KH_OK;
}

kh_status kh_node_int(const kh_node *n, kh_err *e, const char *path,
                      int64_t *out)
{
    kh_status st = number_node(n, e, path, N_("a whole number"));
    if (st != KH_OK)
        return st;
    kh_num_err r = kh_num_parse_int(n->u.text, n->n, out);
    size_t i = kh_err_count(e);
    if (r == KH_NUM_RANGE)
        return zh_words(e, i, kh_err_at(e, n->line, n->col, path, "\"%s\" %s",
                                        quote(n->u.text, n->n).s,
                                        kh_num_err_str(r)),
                        kh_num_err_str(r), NULL);
    if (r != KH_NUM_OK)
        return kh_err_at(e, n->line, n->col, path,
                         "expected a whole number, got \"%s\"",
                         quote(n->u.text, n->n).s);
    return KH_OK;
}

/* ---- the reader ----------------------------------------------------- */

/* Keys of an entered mapping, to find duplicates: an open-addressing set
 * of length-prefixed copies. */
typedef struct doc_key {
    size_t len;
    char s[];
} doc_key;

typedef struct doc_level {
    uint8_t type;          /* KH_NODE_MAP or KH_NODE_SEQ */
    bool want_value;       /* map: a key was read, its value not yet */
    bool offered;          /* kh_doc_more said yes and nothing was read */
    doc_key **keys;        /* owned */
    size_t nkeys, kcap;
} doc_level;

struct kh_doc {
    kh_err *e;
    bool json;
    bool failed;           /* a fatal error happened */
    size_t nsoft;          /* non-fatal errors reported */
    kh_jlex jl;
    kh_yev *y;
    kh_buf file;           /* contents, when opened from a file */
    kh_ev la;              /* lookahead */
    bool have_la;
    unsigned depth;        /* containers open in the events fetched */
    int nlv;
    doc_level lv[KH_DOC_MAX_DEPTH];
    kh_node *vs;           /* value stack of kh_doc_read; owned */
    size_t nvs, avs;
};

static bool detect_json(const char *p, size_t len)
{
    size_t i = 0;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    return i < len && (p[i] == '{' || p[i] == '[');
}

kh_status kh_doc_open_mem(const char *name, const char *data, size_t len,
                          int format, kh_err *e, kh_doc **out)
{
    *out = NULL;
    kh_err_set_file(e, name);
    kh_doc *d = calloc(1, sizeof *d);
    if (!d)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    d->e = e;
    kh_buf_init(&d->file, 0);
    if (!data)
        data = "";
    d->json = format == 'j' || (format != 'y' && detect_json(data, len));
    if (d->json) {
        kh_jlex_init(&d->jl, data, len, e);
    } else {
        kh_status st = kh_yev_open(data, len, e, &d->y);
        if (st != KH_OK) {
            free(d);
            return st;
        }
    }
    *out = d;
    return KH_OK;
}

kh_status kh_doc_open_file(const char *path, kh_err *e, kh_doc **out)
{
    *out = NULL;
    /* The read error names the file itself; do not let it carry the name
     * of a previous file. */
    kh_err_set_file(e, NULL);
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st = kh_buf_read_file(&b, path, e);
    if (st != KH_OK) {
        kh_buf_free(&b);
        return st;
    }
    st = kh_doc_open_mem(path, b.data, b.len, 0, e, out);
    if (st != KH_OK) {
        kh_buf_free(&b);
        return st;
    }
    (*out)->file = b;    /* the doc keeps the bytes its events point into */
    return KH_OK;
}

static void free_keys(doc_level *lv)
{
    for (size_t i = 0; i < lv->kcap; i++)
        free(lv->keys[i]);
    free(lv->keys);
    lv->keys = NULL;
    lv->nkeys = lv->kcap = 0;
}

void kh_doc_free(kh_doc *d)
{
    if (!d)
        return;
    for (int i = 0; i < d->nlv; i++)
        free_keys(&d->lv[i]);
    if (d->json)
        kh_jlex_free(&d->jl);
    else
        kh_yev_free(d->y);
    kh_buf_free(&d->file);
    free(d->vs);
    free(d);
}

bool kh_doc_is_json(const kh_doc *d)
{
    return d && d->json;
}

static kh_status fatal_nomem(kh_doc *d)
{
    d->failed = true;
    return kh_err_fail(d->e, KH_ENOMEM, "out of memory");
}

/* Gets the next event from the reader and applies the caps. */
static inline kh_status fetch(kh_doc *d, kh_ev *ev)
{
    kh_status st = d->json ? kh_jlex_next(&d->jl, ev) : kh_yev_next(d->y, ev);
    if (st != KH_OK) {
        d->failed = true;
        return st;
    }
    if (ev->bad)
        d->nsoft++;
    switch (ev->type) {
    case KH_EV_SCALAR:
        if (ev->len > KH_DOC_MAX_SCALAR) {
            d->failed = true;
            return kh_err_at(d->e, ev->line, ev->col, NULL,
                             "value longer than %zu bytes", KH_DOC_MAX_SCALAR);
        }
        break;
    case KH_EV_MAP:
    case KH_EV_SEQ:
        if (++d->depth > KH_DOC_MAX_DEPTH) {
            d->failed = true;
            return kh_err_at(d->e, ev->line, ev->col, NULL,
                             "nesting deeper than %d levels", KH_DOC_MAX_DEPTH);
        }
        break;
    case KH_EV_MAP_END:
    case KH_EV_SEQ_END:
        d->depth--;
        break;
    default:
        break;
    }
    return KH_OK;
}

static kh_status peek(kh_doc *d, const kh_ev **ev)
{
    if (d->failed)
        return KH_EINVAL;
    if (!d->have_la) {
        kh_status st = fetch(d, &d->la);
        if (st != KH_OK)
            return st;
        d->have_la = true;
    }
    *ev = &d->la;
    return KH_OK;
}

static inline kh_status next(kh_doc *d, kh_ev *ev)
{
    if (d->failed)
        return KH_EINVAL;
    if (d->have_la) {
        *ev = d->la;
        d->have_la = false;
        return KH_OK;
    }
    return fetch(d, ev);
}

static bool is_end(const kh_ev *ev)
{
    return ev->type == KH_EV_END || ev->type == KH_EV_MAP_END ||
           ev->type == KH_EV_SEQ_END;
}

static const char *ev_kind(const kh_ev *ev)
{
    switch (ev->type) {
    case KH_EV_MAP: return "mapping";
    case KH_EV_SEQ: return "sequence";
    default: return scalar_kind(ev->style, ev->text, ev->len);
    }
}

/* A non-fatal error: reported, counted, reading goes on. */
static kh_status KH_PRINTF(4, 5)
soft_err(kh_doc *d, unsigned line, unsigned col, const char *fmt, ...)
{
    va_list ap;
    d->nsoft++;
    va_start(ap, fmt);
    kh_err_vat(d->e, KH_SEV_ERROR, line, col, NULL, fmt, ap);
    va_end(ap);
    return KH_EINVAL;
}

/* Consumes the rest of a value whose first event is ev. */
static kh_status skip_rest(kh_doc *d, const kh_ev *first)
{
    if (first->type != KH_EV_MAP && first->type != KH_EV_SEQ)
        return KH_OK;
    unsigned depth = 1;
    kh_ev ev;
    while (depth) {
        kh_status st = next(d, &ev);
        if (st != KH_OK)
            return st;
        if (ev.type == KH_EV_MAP || ev.type == KH_EV_SEQ)
            depth++;
        else if (ev.type == KH_EV_MAP_END || ev.type == KH_EV_SEQ_END)
            depth--;
        else if (ev.type == KH_EV_END)
            return KH_EINVAL;   /* the readers never do this */
    }
    return KH_OK;
}

static bool is_merge_key(const kh_doc *d, const kh_ev *ev)
{
    return !d->json && ev->type == KH_EV_SCALAR && ev->style == KH_SCALAR_PLAIN &&
           ev->len == 2 && memcmp(ev->text, "<<", 2) == 0;
}

/* Checks an event in key position.  Returns false when it is not a
 * usable key (the error is reported).  A merge key is usable only where
 * the whole mapping is built (merge_ok); a mapping streamed with
 * kh_doc_enter cannot take pairs back. */
static bool check_key(kh_doc *d, const kh_ev *ev, bool merge_ok)
{
    if (ev->type != KH_EV_SCALAR) {
        size_t i = kh_err_count(d->e);
        const char *got = with_article(ev_kind(ev));
        zh_words(d->e, i, soft_err(d, ev->line, ev->col,
                                   "mapping keys must be scalars, got %s", got),
                 got, NULL);
        return false;
    }
    if (!merge_ok && is_merge_key(d, ev)) {
        soft_err(d, ev->line, ev->col,
                 "merge keys (<<) are not supported in the top-level mapping");
        return false;
    }
    return true;
}

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* Adds a key to an entered mapping's set.  Returns KH_OK, KH_ECONFLICT
 * for a duplicate, or KH_ENOMEM. */
static kh_status keyset_add(doc_level *lv, const char *s, size_t n)
{
    if (lv->nkeys * 2 >= lv->kcap) {
        size_t nc = lv->kcap ? lv->kcap * 2 : 16;
        doc_key **nk = calloc(nc, sizeof *nk);
        if (!nk)
            return KH_ENOMEM;
        for (size_t i = 0; i < lv->kcap; i++) {
            doc_key *k = lv->keys[i];
            if (!k)
                continue;
            size_t j = hash_bytes(k->s, k->len) & (nc - 1);
            while (nk[j])
                j = (j + 1) & (nc - 1);
            nk[j] = k;
        }
        free(lv->keys);
        lv->keys = nk;
        lv->kcap = nc;
    }
    size_t j = hash_bytes(s, n) & (lv->kcap - 1);
    while (lv->keys[j]) {
        if (lv->keys[j]->len == n && memcmp(lv->keys[j]->s, s, n) == 0)
            return KH_ECONFLICT;
        j = (j + 1) & (lv->kcap - 1);
    }
    doc_key *k = malloc(sizeof *k + n);
    if (!k)
        return KH_ENOMEM;
    k->len = n;
    if (n)
        memcpy(k->s, s, n);
    lv->keys[j] = k;
    lv->nkeys++;
    return KH_OK;
}

/* A complete value was consumed at the current level. */
static void value_done(kh_doc *d)
{
    if (d->nlv > 0) {
        doc_level *lv = &d->lv[d->nlv - 1];
        lv->offered = false;
        if (lv->type == KH_NODE_MAP)
            lv->want_value = !lv->want_value;
    }
}

static kh_status make_scalar(kh_doc *d, kh_arena *a, const kh_ev *ev,
                             kh_node *n)
{
    size_t len = ev->len;
    const char *src = ev->text;
    char *t = arena_raw(a, len + 1);
    if (!t)
        return fatal_nomem(d);
    /* Most scalars are short: fixed-size overlapping copies beat a call
     * to memcpy, and never read outside the source. */
    if (len >= 8 && len <= 16) {
        memcpy(t, src, 8);
        memcpy(t + len - 8, src + len - 8, 8);
    } else if (len >= 4 && len < 8) {
        memcpy(t, src, 4);
        memcpy(t + len - 4, src + len - 4, 4);
    } else if (len < 4) {
        for (size_t i = 0; i < len; i++)
            t[i] = src[i];
    } else {
        memcpy(t, src, len);
    }
    t[len] = '\0';
    n->type = KH_NODE_SCALAR;
    n->style = ev->style;
    n->line = ev->line;
    n->col = ev->col;
    n->n = (uint32_t)ev->len;
    n->u.text = t;
    return KH_OK;
}

static kh_status vs_push(kh_doc *d, const kh_node *n)
{
    if (KH_VEC_GROW(d->vs, d->avs, d->nvs + 1, 256) != KH_OK)
        return fatal_nomem(d);
    d->vs[d->nvs++] = *n;
    return KH_OK;
}

static int key_cmp(const void *pa, const void *pb)
{
    const kh_node *a = *(const kh_node *const *)pa;
    const kh_node *b = *(const kh_node *const *)pb;
    size_t n = a->n < b->n ? a->n : b->n;
    int c = memcmp(a->u.text, b->u.text, n);
    if (c)
        return c;
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    return a < b ? -1 : a > b;   /* keep file order among equals */
}

/* Reports duplicate keys of a built mapping (kids[2*i] are the keys);
 * the later occurrence is the one reported.  Returns true if any. */
static bool map_dups(kh_doc *d, const kh_node *kids, uint32_t n)
{
    bool dup = false;
    if (n <= 16) {
        for (uint32_t i = 1; i < n; i++) {
            const kh_node *k = &kids[2 * i];
            if (k->type != KH_NODE_SCALAR)
                continue;
            for (uint32_t j = 0; j < i; j++) {
                const kh_node *o = &kids[2 * j];
                if (o->type == KH_NODE_SCALAR && o->n == k->n &&
                    memcmp(o->u.text, k->u.text, k->n) == 0) {
                    soft_err(d, k->line, k->col, "duplicate key \"%s\"",
                             quote(k->u.text, k->n).s);
                    dup = true;
                    break;
                }
            }
        }
        return dup;
    }
    const kh_node **v = malloc(n * sizeof *v);
    if (!v) {
        fatal_nomem(d);
        return true;
    }
    uint32_t m = 0;
    for (uint32_t i = 0; i < n; i++)
        if (kids[2 * i].type == KH_NODE_SCALAR)
            v[m++] = &kids[2 * i];
    qsort(v, m, sizeof *v, key_cmp);
    for (uint32_t i = 1; i < m; i++) {
        if (v[i]->n == v[i - 1]->n &&
            memcmp(v[i]->u.text, v[i - 1]->u.text, v[i]->n) == 0) {
            soft_err(d, v[i]->line, v[i]->col, "duplicate key \"%s\"",
                     quote(v[i]->u.text, v[i]->n).s);
            dup = true;
        }
    }
    free(v);
    return dup;
}

/* A pair whose key is a YAML merge key (a plain <<, never in JSON). */
static bool is_merge_pair(const kh_doc *d, const kh_node *k)
{
    return !d->json && k->type == KH_NODE_SCALAR && k->style == KH_SCALAR_PLAIN &&
           k->n == 2 && memcmp(k->u.text, "<<", 2) == 0;
}

/* The mappings a merge key's value names (itself, or each item of a
 * list); false after reporting a value that is not one of these. */
static bool merge_sources(kh_doc *d, const kh_node *v, const kh_node **src,
                          size_t *n)
{
    if (v->type == KH_NODE_MAP) {
        *src = v;
        *n = 1;
        return true;
    }
    bool ok = v->type == KH_NODE_SEQ;
    for (uint32_t i = 0; ok && i < v->n; i++)
        ok = v->u.kids[i].type == KH_NODE_MAP;
    if (!ok) {
        size_t i = kh_err_count(d->e);
        const char *got = with_article(kh_node_kind(v));
        zh_words(d->e, i, soft_err(d, v->line, v->col,
                                   "the value of a merge key (<<) must be a "
                                   "mapping or a list of mappings, got %s",
                                   got),
                 got, NULL);
        return false;
    }
    *src = v->u.kids;
    *n = v->n;
    return true;
}

/* Adds pair i of map m to out unless seen has its key (ENOMEM aside). */
static kh_status merge_pair(doc_level *seen, const kh_node *m, uint32_t i,
                            kh_node *out, uint32_t *w)
{
    const kh_node *k = &m->u.kids[2 * i];
    if (k->type == KH_NODE_SCALAR) {
        kh_status r = keyset_add(seen, k->u.text, k->n);
        if (r == KH_ENOMEM)
            return r;
        if (r == KH_ECONFLICT)
            return KH_OK;
    }
    out[2 * *w] = *k;
    out[2 * *w + 1] = m->u.kids[2 * i + 1];
    (*w)++;
    return KH_OK;
}

/* Applies the merge keys of a built mapping (YAML's merge type): the
 * pairs of the mapping, or of each mapping of the list, that a << names
 * take its place, except keys the mapping has itself or that an earlier
 * merged mapping gave.  Merged mappings were built with their own merges
 * applied. */
static kh_status merge_map(kh_doc *d, kh_arena *a, kh_node *map, bool *bad)
{
    doc_level seen = {0};
    size_t cap = 0;
    const kh_node *src;
    size_t ns;
    for (uint32_t i = 0; i < map->n; i++) {
        const kh_node *k = &map->u.kids[2 * i], *v = k + 1;
        if (!is_merge_pair(d, k)) {
            cap++;
            if (k->type == KH_NODE_SCALAR &&
                keyset_add(&seen, k->u.text, k->n) == KH_ENOMEM)
                goto nomem;
        } else if (merge_sources(d, v, &src, &ns)) {
            for (size_t j = 0; j < ns; j++)
                cap += src[j].n;
        } else {
            *bad = true;
        }
    }
    kh_node *out = arena_raw(a, (2 * cap + 1) * sizeof *out);
    if (!out)
        goto nomem;
    uint32_t w = 0;
    for (uint32_t i = 0; i < map->n; i++) {
        const kh_node *k = &map->u.kids[2 * i];
        if (!is_merge_pair(d, k)) {
            out[2 * w] = *k;
            out[2 * w + 1] = k[1];
            w++;
            continue;
        }
        if (!(k[1].type == KH_NODE_MAP || k[1].type == KH_NODE_SEQ))
            continue;
        size_t nsrc = k[1].type == KH_NODE_MAP ? 1 : k[1].n;
        const kh_node *s0 = k[1].type == KH_NODE_MAP ? &k[1] : k[1].u.kids;
        for (size_t j = 0; j < nsrc; j++)
            for (uint32_t p = 0; s0[j].type == KH_NODE_MAP && p < s0[j].n; p++)
                if (merge_pair(&seen, &s0[j], p, out, &w) != KH_OK)
                    goto nomem;
    }
    free_keys(&seen);
    map->u.kids = out;
    map->n = w;
    return KH_OK;
nomem:
    free_keys(&seen);
    return fatal_nomem(d);
}

/* Builds the value whose first event is first.  *bad is set when a
 * non-fatal error was reported inside it. */
static kh_status build(kh_doc *d, kh_arena *a, const kh_ev *first,
                       kh_node *out, bool *bad)
{
    if (first->type == KH_EV_SCALAR)
        return make_scalar(d, a, first, out);
    struct frame {
        kh_node hdr;
        size_t base;    /* its first kid in d->vs */
        bool merge;     /* a map with a merge key */
    } fr[KH_DOC_MAX_DEPTH];
    int nf = 0;
    kh_status st;
    kh_ev ev = *first;
    d->nvs = 0;
    for (;;) {
        switch (ev.type) {
        case KH_EV_MAP:
        case KH_EV_SEQ:
            if (nf > 0 && fr[nf - 1].hdr.type == KH_NODE_MAP &&
                (d->nvs - fr[nf - 1].base) % 2 == 0) {
                check_key(d, &ev, true);
                *bad = true;
            }
            if (nf == KH_DOC_MAX_DEPTH) {   /* fetch() caps depth first */
                d->failed = true;
                return KH_EINVAL;
            }
            memset(&fr[nf], 0, sizeof fr[nf]);
            fr[nf].hdr.type = ev.type == KH_EV_MAP ? KH_NODE_MAP : KH_NODE_SEQ;
            fr[nf].hdr.line = ev.line;
            fr[nf].hdr.col = ev.col;
            fr[nf].base = d->nvs;
            nf++;
            break;
        case KH_EV_SCALAR: {
            if (nf > 0 && fr[nf - 1].hdr.type == KH_NODE_MAP &&
                (d->nvs - fr[nf - 1].base) % 2 == 0) {
                if (!check_key(d, &ev, true))
                    *bad = true;
                else if (is_merge_key(d, &ev))
                    fr[nf - 1].merge = true;
            }
            kh_node n;
            if ((st = make_scalar(d, a, &ev, &n)) != KH_OK ||
                (st = vs_push(d, &n)) != KH_OK)
                return st;
            break;
        }
        case KH_EV_MAP_END:
        case KH_EV_SEQ_END: {
            if (nf == 0)
                return KH_EINVAL;   /* unbalanced: the readers never do this */
            struct frame *f = &fr[--nf];
            size_t cnt = d->nvs - f->base;
            kh_node n = f->hdr;
            if (cnt) {
                kh_node *kids = arena_raw(a, cnt * sizeof *kids);
                if (!kids)
                    return fatal_nomem(d);
                memcpy(kids, d->vs + f->base, cnt * sizeof *kids);
                n.u.kids = kids;
            }
            n.n = (uint32_t)(n.type == KH_NODE_MAP ? cnt / 2 : cnt);
            if (f->merge && (st = merge_map(d, a, &n, bad)) != KH_OK)
                return st;
            if (n.type == KH_NODE_MAP && n.n > 1 && map_dups(d, n.u.kids, n.n))
                *bad = true;
            d->nvs = f->base;
            if (nf == 0) {
                *out = n;
                return d->failed ? KH_EINVAL : KH_OK;
            }
            if ((st = vs_push(d, &n)) != KH_OK)
                return st;
            break;
        }
        default:
            d->failed = true;
            return kh_err_at(d->e, ev.line, ev.col, NULL, "unexpected end of input");
        }
        if ((st = next(d, &ev)) != KH_OK)
            return st;
        if (ev.bad)
            *bad = true;
    }
}

kh_status kh_doc_read(kh_doc *d, kh_arena *a, const kh_node **out)
{
    *out = NULL;
    const kh_ev *pe;
    kh_status st = peek(d, &pe);
    if (st != KH_OK)
        return st;
    if (pe->type == KH_EV_END)
        return KH_DONE;
    if (is_end(pe))
        return kh_err_fail(d->e, KH_ESTATE,
                           "internal error: kh_doc_read at the end of a container");
    kh_ev ev;
    next(d, &ev);
    bool bad = ev.bad;
    doc_level *lv = d->nlv ? &d->lv[d->nlv - 1] : NULL;
    if (lv && lv->type == KH_NODE_MAP && !lv->want_value) {
        /* a key of an entered mapping */
        if (!check_key(d, &ev, false)) {
            bad = true;
        } else {
            kh_status r = keyset_add(lv, ev.text, ev.len);
            if (r == KH_ENOMEM)
                return fatal_nomem(d);
            if (r == KH_ECONFLICT) {
                soft_err(d, ev.line, ev.col, "duplicate key \"%s\"",
                         quote(ev.text, ev.len).s);
                bad = true;
            }
        }
    }
    kh_node *n = arena_raw(a, sizeof *n);
    if (!n)
        return fatal_nomem(d);
    st = build(d, a, &ev, n, &bad);
    if (st != KH_OK)
        return st;
    value_done(d);
    if (bad)
        return KH_EINVAL;
    *out = n;
    return KH_OK;
}

kh_status kh_doc_enter(kh_doc *d, kh_node_type type, unsigned *line,
                       unsigned *col)
{
    const kh_ev *pe;
    kh_status st = peek(d, &pe);
    if (st != KH_OK)
        return st;
    doc_level *lv = d->nlv ? &d->lv[d->nlv - 1] : NULL;
    if (is_end(pe) || (lv && lv->type == KH_NODE_MAP && !lv->want_value))
        return kh_err_fail(d->e, KH_ESTATE,
                           "internal error: kh_doc_enter where no value is");
    kh_ev ev;
    next(d, &ev);
    if (line)
        *line = ev.line;
    if (col)
        *col = ev.col;
    kh_ev_type want = type == KH_NODE_MAP ? KH_EV_MAP : KH_EV_SEQ;
    if (ev.type != want) {
        size_t i = kh_err_count(d->e);
        const char *got = with_article(ev_kind(&ev));
        zh_words(d->e, i, soft_err(d, ev.line, ev.col, type == KH_NODE_MAP
                                   ? "expected a mapping, got %s"
                                   : "expected a sequence, got %s", got),
                 got, NULL);
        if ((st = skip_rest(d, &ev)) != KH_OK)
            return st;
        value_done(d);
        return KH_EINVAL;
    }
    if (lv)
        lv->offered = false;
    doc_level *nl = &d->lv[d->nlv++];   /* fetch() caps the depth */
    memset(nl, 0, sizeof *nl);
    nl->type = (uint8_t)type;
    return KH_OK;
}

bool kh_doc_more(kh_doc *d, kh_status *st)
{
    kh_status s = KH_OK;
    const kh_ev *pe;
    bool more = false;
    if (d->failed) {
        s = KH_EINVAL;
        goto out;
    }
    if (d->nlv == 0) {
        s = KH_ESTATE;
        goto out;
    }
    doc_level *lv = &d->lv[d->nlv - 1];
    /* Whatever the caller left unread is skipped: a whole item after a
     * "yes" with nothing read, or the value of the last key read. */
    int skip = lv->offered ? (lv->type == KH_NODE_MAP ? 2 : 1)
                           : (lv->type == KH_NODE_MAP && lv->want_value);
    for (; skip > 0; skip--) {
        kh_ev ev;
        if ((s = next(d, &ev)) != KH_OK || (s = skip_rest(d, &ev)) != KH_OK)
            goto out;
    }
    lv->offered = false;
    lv->want_value = false;
    if ((s = peek(d, &pe)) != KH_OK)
        goto out;
    if (pe->type == KH_EV_END) {   /* unbalanced: the readers never do this */
        d->failed = true;
        s = KH_EINVAL;
        goto out;
    }
    if (pe->type == KH_EV_MAP_END || pe->type == KH_EV_SEQ_END) {
        d->have_la = false;
        free_keys(lv);
        d->nlv--;
        value_done(d);
    } else {
        more = true;
        lv->offered = true;
    }
out:
    if (st)
        *st = s;
    return more;
}

kh_status kh_doc_finish(kh_doc *d)
{
    if (d->failed)
        return KH_EINVAL;
    /* Whatever was not read is still checked for syntax. */
    kh_ev ev;
    do {
        kh_status st = next(d, &ev);
        if (st != KH_OK)
            return st;
    } while (ev.type != KH_EV_END);
    d->have_la = true;    /* stay at the end */
    d->la = ev;
    while (d->nlv > 0)
        free_keys(&d->lv[--d->nlv]);
    return d->nsoft ? KH_EINVAL : KH_OK;
}
