/*
 * assess.c - the assessment model (SCORING.md sections 4 and 6): its
 * builder, which checks every value, and the file loader, which streams
 * the file through kh_doc and feeds the builder.
 *
 * Key order in the file is free, so a record may name a unit that comes
 * later.  Entries whose unit is already known are checked and placed at
 * once (the common case: units first); otherwise the entry is validated
 * against its item right away (its values do not depend on the unit) and
 * kept, values already parsed, in a pending list that kh_assess_finish()
 * places.  Rosters, bonus and negative records are few and are always
 * resolved in finish, as are the whole-data checks (branch kinds, entries
 * that give an input a roster supplies).
 */
#include "assess_impl.h"
#include "kaohe/i18n.h"
#include "kaohe/name.h"
#include "kaohe/vec.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- private records kept for finish -------------------------------- */

struct kh_assess_pending {
    const char *unit_id;           /* pool */
    uint32_t item;
    uint32_t phase;
    const kh_cp *vals;
    const char *note;
    kh_assess_where at;            /* the record; path in the pool */
    uint32_t uline, ucol, iline, icol;
};

/* An entry that gave an input whose term can be supplied by a roster. */
struct kh_assess_ruse {
    const char *unit_id;           /* pool */
    uint32_t item, slot;
    kh_assess_where at;            /* the input value; full path */
};

/* ---- block pool: values and strings with stable addresses ----------- */

struct kh_assess_block {
    kh_assess_block *next;
    size_t used, size;             /* bytes */
    uint64_t data[];
};

#define AS_BLOCK (256u * 1024u)

static void *as_alloc(kh_assess *a, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    if (n == 0)
        n = 8;
    kh_assess_block *b = a->blocks;
    if (b && b->size - b->used >= n) {
        void *p = (char *)b->data + b->used;
        b->used += n;
        return p;
    }
    size_t size = n > AS_BLOCK / 4 ? n : AS_BLOCK;
    kh_assess_block *nb = malloc(sizeof *nb + size);
    if (!nb)
        return NULL;
    nb->used = n;
    nb->size = size;
    if (size == n && b) {
        /* A big one-off: keep the current block for small requests. */
        nb->next = b->next;
        b->next = nb;
    } else {
        nb->next = b;
        a->blocks = nb;
    }
    return nb->data;
}

static char *as_strndup(kh_assess *a, const char *s, size_t n)
{
    char *p = as_alloc(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static char *as_strdup(kh_assess *a, const char *s)
{
    return s ? as_strndup(a, s, strlen(s)) : NULL;
}

/* Gives back the pool's last allocation p of n bytes (as as_alloc
 * rounded it); anything else stays allocated. */
static void as_unalloc(kh_assess *a, const void *p, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    kh_assess_block *b = a->blocks;
    if (b && n && b->used >= n && (const char *)b->data + b->used - n == p)
        b->used -= n;
}

/* ---- shared values and notes while loading (assess_impl.h) ---------- */

static uint32_t as_hash_bytes(const void *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *c = p; n--; c++)
        h = (h ^ *c) * 16777619u;
    return h;
}

static kh_assess_shared_slot *as_shared_slot(const kh_assess_shared *t,
                                             const void *p, uint32_t len,
                                             uint32_t h)
{
    for (size_t i = h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        kh_assess_shared_slot *s = &t->s[i];
        if (!s->p || (s->hash == h && s->len == len &&
                      memcmp(s->p, p, len) == 0))
            return s;
    }
}

/* Lists copy p (len bytes, pooled); false when the table is full or on
 * OOM (then p is simply not shared). */
static bool as_shared_add(kh_assess_shared *t, const void *p, uint32_t len,
                          uint32_t h)
{
    if (t->n >= KH_ASSESS_SHARED_MAX)
        return false;
    if (2 * (t->n + 1) > t->cap) {
        size_t nc = t->cap ? 2 * t->cap : 1024;
        kh_assess_shared_slot *ns = calloc(nc, sizeof *ns);
        if (!ns)
            return false;
        kh_assess_shared old = *t;
        t->s = ns;
        t->cap = nc;
        for (size_t i = 0; i < old.cap; i++)
            if (old.s[i].p)
                *as_shared_slot(t, old.s[i].p, old.s[i].len,
                                old.s[i].hash) = old.s[i];
        free(old.s);
    }
    *as_shared_slot(t, p, len, h) = (kh_assess_shared_slot){p, h, len};
    t->n++;
    return true;
}

/* The shared copy of the len bytes at p, which the caller just took
 * from the pool (as_alloc): an earlier copy of the same bytes (p is then
 * given back), or p, now listed.  Only while loading. */
static const void *as_share(kh_assess *a, kh_assess_shared *t,
                            const void *p, size_t len)
{
    if (a->finished || len > UINT32_MAX)
        return p;
    uint32_t h = as_hash_bytes(p, len);
    if (t->cap) {
        const kh_assess_shared_slot *s =
            as_shared_slot(t, p, (uint32_t)len, h);
        if (s->p) {
            as_unalloc(a, p, len);
            return s->p;
        }
    }
    (void)as_shared_add(t, p, (uint32_t)len, h);
    return p;
}

static void as_shared_free(kh_assess_shared *t)
{
    free(t->s);
    memset(t, 0, sizeof *t);
}

/* ---- string -> index hash table (open addressing, linear probing) --- */

static uint32_t as_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static long as_map_find(const kh_assess_map *m, const char *key)
{
    if (!m->cap)
        return -1;
    uint32_t h = as_hash(key);
    for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        const kh_assess_map_slot *s = &m->s[i];
        if (!s->key)
            return -1;
        if (s->hash == h && strcmp(s->key, key) == 0)
            return (long)s->val;
    }
}

static void as_map_insert(kh_assess_map *m, const char *key, uint32_t h,
                          uint32_t val)
{
    size_t i = h & (m->cap - 1);
    while (m->s[i].key)
        i = (i + 1) & (m->cap - 1);
    m->s[i].key = key;
    m->s[i].hash = h;
    m->s[i].val = val;
    m->n++;
}

/* Adds key (borrowed; must stay valid) unless present. */
static bool as_map_put(kh_assess_map *m, const char *key, uint32_t val)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 64;
        kh_assess_map_slot *ns = calloc(nc, sizeof *ns);
        if (!ns)
            return false;
        kh_assess_map old = *m;
        m->s = ns;
        m->cap = nc;
        m->n = 0;
        for (size_t i = 0; i < old.cap; i++)
            if (old.s[i].key)
                as_map_insert(m, old.s[i].key, old.s[i].hash, old.s[i].val);
        free(old.s);
    }
    as_map_insert(m, key, as_hash(key), val);
    return true;
}

/* ---- where a value is, for messages -------------------------------- */

/* A record's location while it is being added: an explicit path, or a
 * list name and index whose path ("entries[5]") is only formatted when a
 * message needs it (the loader adds 500k entries). */
typedef struct as_at {
    uint32_t line, col;
    const char *path;
    const char *list;
    size_t index;
} as_at;

typedef struct as_pos {
    uint32_t line, col;
} as_pos;

/* A position; a call rather than a compound literal so that xgettext
 * (scripts/po.sh) counts the arguments of as_err() right. */
static as_pos as_pos_at(uint32_t line, uint32_t col)
{
    return (as_pos){line, col};
}

static as_pos as_node_pos(const kh_node *n)
{
    as_pos p = {0, 0};
    if (n) {
        p.line = n->line;
        p.col = n->col;
    }
    return p;
}

static void as_at_loc(as_at *at, const kh_loc *loc)
{
    memset(at, 0, sizeof *at);
    if (loc) {
        at->line = loc->line;
        at->col = loc->col;
        at->path = loc->path;
    }
}

static void as_at_where(as_at *at, const kh_assess_where *w)
{
    memset(at, 0, sizeof *at);
    at->line = w->line;
    at->col = w->col;
    at->path = w->path;
}

/* "entries[5].inputs.meetings"; NULL when the record has no path.
 * Caller frees. */
static char *as_path(const as_at *at, const char *f1, const char *f2)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    if (at->path)
        kh_buf_puts(&b, at->path);
    else if (at->list)
        kh_buf_printf(&b, "%s[%zu]", at->list, at->index);
    else
        return NULL;
    if (f1)
        kh_buf_printf(&b, ".%s", f1);
    if (f2)
        kh_buf_printf(&b, ".%s", f2);
    return kh_buf_take(&b, NULL);
}

/* The record's path (plus fields) copied into the pool. */
static kh_assess_where as_keep(kh_assess *a, const as_at *at, as_pos pos,
                               const char *f1, const char *f2)
{
    kh_assess_where w = {pos.line ? pos.line : at->line,
                         pos.line ? pos.col : at->col, NULL};
    char *p = as_path(at, f1, f2);
    if (p) {
        w.path = as_strdup(a, p);
        free(p);
    }
    return w;
}

/* Adds an error at pos (or the record when pos is unset) with the
 * record's path plus fields f1.f2. */
static void as_verr(kh_assess *a, kh_err *e, const as_at *at, as_pos pos,
                    const char *f1, const char *f2, const char *fmt,
                    va_list ap) KH_PRINTF(7, 0);
static void as_verr(kh_assess *a, kh_err *e, const as_at *at, as_pos pos,
                    const char *f1, const char *f2, const char *fmt,
                    va_list ap)
{
    a->nbad++;
    char *path = as_path(at, f1, f2);
    if (pos.line)
        kh_err_vat(e, KH_SEV_ERROR, pos.line, pos.col, path, fmt, ap);
    else
        kh_err_vat(e, KH_SEV_ERROR, at->line, at->col, path, fmt, ap);
    free(path);
}

static void as_err(kh_assess *a, kh_err *e, const as_at *at, as_pos pos,
                   const char *f1, const char *f2, const char *fmt, ...)
    KH_PRINTF(7, 8);
static void as_err(kh_assess *a, kh_err *e, const as_at *at, as_pos pos,
                   const char *f1, const char *f2, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    as_verr(a, e, at, pos, f1, f2, fmt, ap);
    va_end(ap);
}

static void as_oom(kh_assess *a)
{
    a->nbad++;
    a->oom = true;
}

/* A user value quoted for a message: "…", with control characters,
 * quotes and backslashes escaped and long values cut at a character
 * boundary, so a message stays one line.  Returns buf. */
#define AS_QSZ 160
static const char *as_q(char *buf, const char *s)
{
    size_t n = 0;
    buf[n++] = '"';
    for (const unsigned char *p = (const unsigned char *)(s ? s : "");
         *p; p++) {
        if (n > 120 && (*p & 0xC0) != 0x80) {
            memcpy(buf + n, "...", 3);
            n += 3;
            break;
        }
        if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\')
            n += (size_t)snprintf(buf + n, AS_QSZ - n,
                                  *p == '"' || *p == '\\' ? "\\%c"
                                                           : "\\x%02x",
                                  *p);
        else
            buf[n++] = (char)*p;
    }
    buf[n++] = '"';
    buf[n] = '\0';
    return buf;
}

/* How a value looks in "expected X, got Y" messages, its words through
 * tr (the English as they are, or kh_i18n_zh).  Long text is cut at a
 * UTF-8 boundary. */
static const char *as_same(const char *s) { return s; }

static void as_got_in(const kh_node *v, char *buf, size_t size,
                      const char *(*tr)(const char *))
{
    if (!v) {
        snprintf(buf, size, "%s", tr(N_("nothing")));
        return;
    }
    if (v->type == KH_NODE_MAP) {
        snprintf(buf, size, "%s", tr(N_("a mapping")));
        return;
    }
    if (v->type == KH_NODE_SEQ) {
        snprintf(buf, size, "%s", tr(N_("a sequence")));
        return;
    }
    if (v->style == KH_SCALAR_PLAIN && kh_node_is_null(v)) {
        snprintf(buf, size, "%s", tr(N_("null")));
        return;
    }
    char q[AS_QSZ];
    snprintf(buf, size,
             v->style == KH_SCALAR_QUOTED ? tr(N_("a string %s")) : "%s",
             as_q(q, v->u.text));
}

static void as_got(const kh_node *v, char *buf, size_t size)
{
    as_got_in(v, buf, size, as_same);
}

/* The messages from index from on (just added, quoting got) read as
 * Chinese whole: got in Chinese too ("字符串 \"x\""). */
static void as_got_fix(kh_err *e, size_t from, const kh_node *v,
                       const char *got)
{
    char zh[AS_QSZ + 32];
    as_got_in(v, zh, sizeof zh, kh_i18n_zh);
    for (size_t i = from; i < kh_err_count(e); i++)
        kh_err_zh_sub(e, i, got, zh);
}

/* ---- phases --------------------------------------------------------- */

const char *kh_phase_name(kh_phase p)
{
    return p == KH_PHASE_SELF ? "self" : "inspection";
}

bool kh_phase_parse(const char *s, kh_phase *out)
{
    if (!s)
        return false;
    if (strcmp(s, "self") == 0) {
        *out = KH_PHASE_SELF;
        return true;
    }
    if (strcmp(s, "inspection") == 0) {
        *out = KH_PHASE_INSPECTION;
        return true;
    }
    return false;
}

/* ---- creating and freeing ------------------------------------------- */

kh_assess *kh_assess_new(const kh_rubric *r)
{
    kh_assess *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->r = r;
    a->nitems = kh_rubric_item_count(r);
    for (size_t i = 0; i < a->nitems; i++) {
        if (!as_map_put(&a->item_map, kh_rubric_item_id(r, i), (uint32_t)i))
            goto fail;
        /* The distinct roster names the rubric's terms use. */
        for (size_t s = 0; s < kh_rubric_item_slots(r, i); s++) {
            const char *rn = kh_term_roster(kh_rubric_item_slot(r, i, s));
            if (!rn)
                continue;
            size_t k = 0;
            while (k < a->nrnames && strcmp(a->rnames[k], rn) != 0)
                k++;
            if (k < a->nrnames)
                continue;
            const char **nn =
                realloc(a->rnames, (a->nrnames + 1) * sizeof *nn);
            if (!nn)
                goto fail;
            a->rnames = nn;
            a->rnames[a->nrnames++] = rn;
        }
    }
    return a;
fail:
    kh_assess_free(a);
    return NULL;
}

void kh_assess_free(kh_assess *a)
{
    if (!a)
        return;
    for (kh_assess_block *b = a->blocks, *nb; b; b = nb) {
        nb = b->next;
        free(b);
    }
    free(a->units);
    free(a->unit_map.s);
    free(a->branches);
    free(a->branch_map.s);
    free(a->branch_units);
    free(a->slots);
    free(a->lines);
    as_shared_free(&a->vshared);
    as_shared_free(&a->nshared);
    free(a->item_map.s);
    free(a->rnames);
    free(a->rosters);
    free(a->unit_roster);
    free(a->bonus.recs);
    free(a->bonus.off);
    free(a->bonus.idx);
    free(a->negative.recs);
    free(a->negative.off);
    free(a->negative.idx);
    free(a->pend);
    free(a->ruses);
    free(a);
}

void kh_assess_set_year(kh_assess *a, int year)
{
    a->year = year;
}

static bool as_is_blank(const char *s)
{
    if (!s)
        return true;
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

/* ---- branches ------------------------------------------------------- */

/* Index of branch id, creating it (unnamed) when new; -1 on OOM. */
static long as_branch_get(kh_assess *a, const char *id)
{
    long b = as_map_find(&a->branch_map, id);
    if (b >= 0)
        return b;
    if (KH_VEC_GROW(a->branches, a->abranches, a->nbranches + 1, 16) != KH_OK)
        return -1;
    kh_assess_branch_rec *br = &a->branches[a->nbranches];
    memset(br, 0, sizeof *br);
    br->id = as_strdup(a, id);
    br->kind = KH_ASSESS_NONE;
    if (!br->id || !as_map_put(&a->branch_map, br->id, (uint32_t)a->nbranches))
        return -1;
    return (long)a->nbranches++;
}

static kh_status as_add_branch(kh_assess *a, kh_err *e, const char *id,
                               as_pos ipos, const char *name, const as_at *at)
{
    size_t bad0 = a->nbad;
    if (!id || !*id) {
        as_err(a, e, at, ipos, "id", NULL, "branch id must not be empty");
        return KH_EINVAL;
    }
    long b = as_branch_get(a, id);
    if (b < 0) {
        as_oom(a);
        return KH_ENOMEM;
    }
    kh_assess_branch_rec *br = &a->branches[b];
    if (br->given) {
        char q[AS_QSZ];
        if (br->at.line)
            as_err(a, e, at, ipos, "id", NULL,
                   "duplicate branch id %s (first at line %u)", as_q(q, id),
                   (unsigned)br->at.line);
        else
            as_err(a, e, at, ipos, "id", NULL, "duplicate branch id %s",
                   as_q(q, id));
        return KH_EINVAL;
    }
    br->given = as_strdup(a, name ? name : "");
    br->at = as_keep(a, at, as_pos_at(0, 0), NULL, NULL);
    if (!br->given) {
        as_oom(a);
        return KH_ENOMEM;
    }
    return a->nbad > bad0 ? KH_EINVAL : KH_OK;
}

kh_status kh_assess_add_branch(kh_assess *a, const char *id, const char *name,
                               const kh_loc *loc, kh_err *e)
{
    as_at at;
    as_at_loc(&at, loc);
    return as_add_branch(a, e, id, as_pos_at(0, 0), name, &at);
}

/* ---- units ---------------------------------------------------------- */

static bool id_char(char c, bool first)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || (!first && (c == '_' || c == '.' || c == '-'));
}

bool kh_unit_id_ok(const char *id)
{
    if (!id || !id_char(id[0], true))
        return false;
    size_t n = 1;
    for (; id[n]; n++)
        if (n >= KH_UNIT_ID_MAX || !id_char(id[n], false))
            return false;
    return true;
}

/* Grows the entry table (and its lines) to na units.  The new room is
 * not zeroed here but unit by unit as units come (as_zero_slots): room
 * never used is never touched, so it costs no resident memory. */
static bool as_grow_slots(kh_assess *a, size_t na)
{
    size_t per = a->nitems * 2;
    if (!per)
        return true;
    kh_entry *ns = realloc(a->slots, na * per * sizeof *ns);
    if (!ns)
        return false;
    a->slots = ns;
    if (a->lines) {
        uint32_t *nl = realloc(a->lines, na * per * sizeof *nl);
        if (!nl)
            return false;
        a->lines = nl;
    }
    return true;
}

static void as_zero_slots(kh_assess *a, size_t u)
{
    size_t per = a->nitems * 2;
    if (!per)
        return;
    memset(&a->slots[u * per], 0, per * sizeof *a->slots);
    if (a->lines)
        memset(&a->lines[u * per], 0, per * sizeof *a->lines);
}

/* Records the line of the entry in slot k (for a duplicate's message);
 * false on OOM. */
static bool as_line_set(kh_assess *a, size_t k, uint32_t line)
{
    if (!a->lines && line) {
        /* Zero for every unit so far: their entries had no line. */
        size_t n = a->aunits * a->nitems * 2;
        if (!(a->lines = calloc(n ? n : 1, sizeof *a->lines)))
            return false;
    }
    if (a->lines)
        a->lines[k] = line;
    return true;
}

/* After finish: the entry table cut to the units' count (a table grown
 * by doubling holds up to twice the room), the lines dropped. */
static void as_fit_slots(kh_assess *a)
{
    free(a->lines);
    a->lines = NULL;
    as_shared_free(&a->vshared);
    as_shared_free(&a->nshared);
    size_t per = a->nitems * 2;
    if (!per || !a->nunits || a->nunits == a->aunits)
        return;
    kh_entry *ns = realloc(a->slots, a->nunits * per * sizeof *ns);
    kh_assess_unit_rec *nu = realloc(a->units, a->nunits * sizeof *nu);
    if (ns)
        a->slots = ns;
    if (nu)
        a->units = nu;
    if (ns && nu)
        a->aunits = a->nunits;
}

typedef struct as_unit_in {
    const char *id, *name, *kind, *branch;
    as_pos idpos, kindpos, branchpos;
    bool reported;     /* a bad kind/name/branch was already reported */
} as_unit_in;

static kh_status as_add_unit(kh_assess *a, kh_err *e, const as_unit_in *in,
                             const as_at *at, size_t *idx)
{
    const kh_rubric *r = a->r;
    if (!in->id || !*in->id) {
        as_err(a, e, at, in->idpos, "id", NULL, "unit id must not be empty");
        return KH_EINVAL;
    }
    kh_status st = KH_OK;
    char q[AS_QSZ];
    if (!kh_unit_id_ok(in->id)) {
        /* Still added (as with a bad kind), so its entries do not each
         * report an unknown unit. */
        as_err(a, e, at, in->idpos, "id", NULL,
               "invalid unit id %s (use 1 to 64 letters A-Z or a-z, digits, \"_\", "
               "\".\" or \"-\", starting with a letter or digit)", as_q(q, in->id));
        st = KH_EINVAL;
    }
    long old = as_map_find(&a->unit_map, in->id);
    if (old >= 0) {
        uint32_t line = a->units[old].at.line;
        if (line)
            as_err(a, e, at, in->idpos, "id", NULL,
                   "duplicate unit id %s (first at line %u)", as_q(q, in->id),
                   (unsigned)line);
        else
            as_err(a, e, at, in->idpos, "id", NULL, "duplicate unit id %s",
                   as_q(q, in->id));
        return KH_EINVAL;
    }
    if (a->nunits >= KH_ASSESS_NONE - 1) {
        as_err(a, e, at, in->idpos, "id", NULL, "too many units");
        return KH_EINVAL;
    }
    uint32_t kind = KH_ASSESS_NONE;
    int k = in->kind ? kh_rubric_kind_find(r, in->kind) : -1;
    if (k >= 0) {
        kind = (uint32_t)k;
    } else if (!in->kind && in->reported) {
        st = KH_EINVAL;
    } else if (!in->kind) {
        as_err(a, e, at, in->kindpos, "kind", NULL, "unit %s has no kind",
               as_q(q, in->id));
        st = KH_EINVAL;
    } else {
        /* The unit is still added, so entries naming it do not each
         * report an unknown unit. */
        kh_buf h;
        kh_buf_init(&h, 0);
        for (size_t i = 0; i < kh_rubric_kind_count(r); i++)
            kh_buf_printf(&h, "%s\"%s\"", i ? ", " : "",
                          kh_rubric_kind_id(r, i));
        as_err(a, e, at, in->kindpos, "kind", NULL,
               "unknown kind %s (expected one of: %s)", as_q(q, in->kind),
               kh_buf_str(&h));
        kh_buf_free(&h);
        st = KH_EINVAL;
    }
    const char *bid = in->branch ? in->branch : in->id;
    if (in->branch && !*in->branch) {
        as_err(a, e, at, in->branchpos, "branch", NULL,
               "branch id must not be empty");
        st = KH_EINVAL;
        bid = in->id;
    }

    /* Room for the unit and its entry slots. */
    if (a->nunits == a->aunits) {
        size_t na = a->aunits;
        if (KH_VEC_GROW(a->units, na, a->nunits + 1, 64) != KH_OK ||
            !as_grow_slots(a, na)) {
            as_oom(a);
            return KH_ENOMEM;
        }
        a->aunits = na;
    }
    as_zero_slots(a, a->nunits);
    kh_assess_unit_rec *u = &a->units[a->nunits];
    memset(u, 0, sizeof *u);
    u->id = as_strdup(a, in->id);
    u->name = as_strdup(a, in->name ? in->name : in->id);
    u->kind = kind;
    long b = as_branch_get(a, bid);
    if (!u->id || !u->name || b < 0 ||
        !as_map_put(&a->unit_map, u->id, (uint32_t)a->nunits)) {
        as_oom(a);
        return KH_ENOMEM;
    }
    u->branch = (uint32_t)b;
    u->at = as_keep(a, at, as_pos_at(0, 0), NULL, NULL);
    as_pos bp = in->branch ? in->branchpos : as_pos_at(0, 0);
    u->bline = bp.line ? bp.line : at->line;
    u->bcol = bp.line ? bp.col : at->col;
    if (idx)
        *idx = a->nunits;
    a->nunits++;
    return st;
}

kh_status kh_assess_add_unit(kh_assess *a, const char *id, const char *name,
                             const char *kind, const char *branch,
                             const kh_loc *loc, kh_err *e, size_t *idx)
{
    as_at at;
    as_at_loc(&at, loc);
    as_unit_in in = {id, name, kind, branch, {0, 0}, {0, 0}, {0, 0}, false};
    return as_add_unit(a, e, &in, &at, idx);
}

/* ---- entries -------------------------------------------------------- */

typedef struct as_entry_in {
    const char *unit, *item;
    kh_phase phase;
    const kh_node *inputs;
    const char *note;
    as_pos upos, ipos;
} as_entry_in;

/* The Chinese of message i, an entry's error: the prefix and the text
 * translated each (kh_err_set_zh); kept English when either has none. */
static void as_eerr_zh(kh_assess *a, kh_err *e, size_t i, const char *qu,
                       const char *qi, const char *fmt, va_list ap)
    KH_PRINTF(6, 0);
static void as_eerr_zh(kh_assess *a, kh_err *e, size_t i, const char *qu,
                       const char *qi, const char *fmt, va_list ap)
{
    const char *pre = kh_i18n_zh("unit %s item %s: %s");
    const char *zfmt = kh_i18n_zh(fmt);
    if (i >= kh_err_count(e) || zfmt == fmt)
        return;
    char *inner = NULL, *whole = NULL;
    if (vasprintf(&inner, zfmt, ap) < 0 ||
        asprintf(&whole, pre, qu, qi, inner) < 0 ||
        kh_err_set_zh(e, i, whole) != KH_OK)
        as_oom(a);
    free(inner);
    free(whole);
}

/* Errors about an entry start with its unit and item. */
static void as_eerr(kh_assess *a, kh_err *e, const as_at *at, as_pos pos,
                    const char *f1, const char *f2, const as_entry_in *in,
                    const char *fmt, ...) KH_PRINTF(8, 9);
static void as_eerr(kh_assess *a, kh_err *e, const as_at *at, as_pos pos,
                    const char *f1, const char *f2, const as_entry_in *in,
                    const char *fmt, ...)
{
    char *text = NULL;
    va_list ap, ap2;
    va_start(ap, fmt);
    va_start(ap2, fmt);
    int n = vasprintf(&text, fmt, ap);
    va_end(ap);
    if (n < 0) {
        va_end(ap2);
        as_oom(a);
        return;
    }
    char qu[AS_QSZ], qi[AS_QSZ];
    as_q(qu, in->unit);
    as_q(qi, in->item);
    size_t at_msg = kh_err_count(e);
    as_err(a, e, at, pos, f1, f2, "unit %s item %s: %s", qu, qi, text);
    free(text);
    as_eerr_zh(a, e, at_msg, qu, qi, fmt, ap2);
    va_end(ap2);
}

/* Parses the value v of input slot term t; false after an error. */
static bool as_input(kh_assess *a, kh_err *e, const as_at *at,
                     const as_entry_in *in, const char *name,
                     const kh_term *t, const kh_node *v, kh_cp *out)
{
    char got[AS_QSZ + 16];
    size_t got_at = 0;          /* where a message quoting got starts */
    as_pos pos = as_node_pos(v);
    bool isnull = v->type == KH_NODE_SCALAR && v->style == KH_SCALAR_PLAIN &&
                  kh_node_is_null(v);
    bool plain = v->type == KH_NODE_SCALAR && v->style == KH_SCALAR_PLAIN &&
                 !isnull;
    switch (kh_term_get_kind(t)) {
    case KH_TERM_CHECK:
        if (plain && strcmp(v->u.text, "true") == 0) {
            *out = 1;
            return true;
        }
        if (plain && strcmp(v->u.text, "false") == 0) {
            *out = 0;
            return true;
        }
        got_at = kh_err_count(e);
        as_got(v, got, sizeof got);
        as_eerr(a, e, at, pos, "inputs", name, in,
                "expected true or false, got %s", got);
        as_got_fix(e, got_at, v, got);
        return false;
    case KH_TERM_COUNT:
    case KH_TERM_DEDUCT: {
        int64_t n = 0;
        kh_num_err ne = plain ? kh_num_parse_int(v->u.text, v->n, &n)
                              : KH_NUM_SYNTAX;
        if (ne == KH_NUM_OK && n >= 0) {
            *out = (kh_cp)n * 100;
            return true;
        }
        got_at = kh_err_count(e);
        as_got(v, got, sizeof got);
        as_eerr(a, e, at, pos, "inputs", name, in,
                "expected a whole number >= 0, got %s%s", got,
                ne == KH_NUM_RANGE ? N_(" (too large)") : "");
        as_got_fix(e, got_at, v, got);
        if (ne == KH_NUM_RANGE)
            kh_err_zh_word(e, got_at, N_(" (too large)"));
        return false;
    }
    case KH_TERM_CHOICE: {
        int o = -1;
        if (v->type == KH_NODE_SCALAR && !isnull)
            o = kh_term_option_find(t, v->u.text);
        if (o >= 0) {
            *out = o;
            return true;
        }
        kh_buf h;
        kh_buf_init(&h, 0);
        for (size_t i = 0; i < kh_term_option_count(t); i++)
            kh_buf_printf(&h, "%s\"%s\"", i ? ", " : "",
                          kh_term_option_id(t, i));
        if (v->type == KH_NODE_SCALAR && !isnull) {
            char q[AS_QSZ];
            as_eerr(a, e, at, pos, "inputs", name, in,
                    "unknown option %s (expected one of: %s)",
                    as_q(q, v->u.text), kh_buf_str(&h));
        }
        else {
            got_at = kh_err_count(e);
            as_got(v, got, sizeof got);
            as_eerr(a, e, at, pos, "inputs", name, in,
                    "expected one of: %s, got %s", kh_buf_str(&h), got);
            as_got_fix(e, got_at, v, got);
        }
        kh_buf_free(&h);
        return false;
    }
    case KH_TERM_JUDGEMENT: {
        kh_cp x = 0;
        kh_num_err ne = plain ? kh_num_parse(v->u.text, v->n, &x)
                              : KH_NUM_SYNTAX;
        if (ne != KH_NUM_OK) {
            got_at = kh_err_count(e);
            as_got(v, got, sizeof got);
            as_eerr(a, e, at, pos, "inputs", name, in,
                    "expected a number, got %s%s", got,
                    ne == KH_NUM_DIGITS ? N_(" (more than two decimal places)")
                    : ne == KH_NUM_RANGE ? N_(" (too large)") : "");
            as_got_fix(e, got_at, v, got);
            kh_err_zh_word(e, got_at, ne == KH_NUM_DIGITS
                                          ? N_(" (more than two decimal places)")
                                          : ne == KH_NUM_RANGE ? N_(" (too large)")
                                                               : NULL);
            return false;
        }
        kh_cp max = kh_term_points(t), step = kh_term_step(t);
        char xs[KH_NUM_BUFSZ], ms[KH_NUM_BUFSZ], ss[KH_NUM_BUFSZ];
        kh_num_format(x, xs);
        if (x < 0 || x > max) {
            kh_num_format(max, ms);
            as_eerr(a, e, at, pos, "inputs", name, in,
                    "judgement %s is out of range 0 to %s", xs, ms);
            return false;
        }
        if (step > 0 && x % step != 0) {
            kh_num_format(step, ss);
            as_eerr(a, e, at, pos, "inputs", name, in,
                    "judgement %s is not a multiple of %s", xs, ss);
            return false;
        }
        *out = x;
        return true;
    }
    case KH_TERM_GROUP:
        break;
    }
    return false;
}

/* Records that the entry gave input slot s of a roster term. */
static void as_ruse(kh_assess *a, const as_at *at, const as_entry_in *in,
                    size_t item, size_t s, const char *name, as_pos pos)
{
    if (KH_VEC_GROW(a->ruses, a->aruses, a->nruses + 1, 16) != KH_OK) {
        as_oom(a);
        return;
    }
    struct kh_assess_ruse *ru = &a->ruses[a->nruses++];
    ru->unit_id = as_strdup(a, in->unit);
    ru->item = (uint32_t)item;
    ru->slot = (uint32_t)s;
    ru->at = as_keep(a, at, pos, "inputs", name);
    if (!ru->unit_id)
        as_oom(a);
}

#define AS_SLOTS_INLINE 64

/* Fills vals (one per slot of item) from the inputs mapping, reporting
 * every bad, unknown or missing input. */
static void as_inputs(kh_assess *a, kh_err *e, const as_at *at,
                      const as_entry_in *in, size_t item, kh_cp *vals)
{
    const kh_rubric *r = a->r;
    size_t ns = kh_rubric_item_slots(r, item);
    uint8_t seen_in[AS_SLOTS_INLINE];
    as_pos pos_in[AS_SLOTS_INLINE];
    uint8_t *seen = seen_in;
    as_pos *pos = pos_in;
    if (ns > AS_SLOTS_INLINE) {
        seen = malloc(ns);
        pos = malloc(ns * sizeof *pos);
        if (!seen || !pos) {
            free(seen);
            free(pos);
            as_oom(a);
            return;
        }
    }
    for (size_t s = 0; s < ns; s++) {
        vals[s] = KH_ASSESS_ABSENT;
        seen[s] = 0;
    }
    const kh_node *inp = in->inputs;
    as_pos ipos = as_node_pos(inp);
    if (inp && inp->type == KH_NODE_SCALAR && kh_node_is_null(inp))
        inp = NULL;
    if (inp && inp->type != KH_NODE_MAP) {
        char got[AS_QSZ + 16];
        size_t got_at = kh_err_count(e);
        as_got(inp, got, sizeof got);
        as_eerr(a, e, at, ipos, "inputs", NULL, in,
                "expected a mapping of input names to values, got %s", got);
        as_got_fix(e, got_at, inp, got);
        inp = NULL;
        /* Missing inputs are not reported on top of this. */
        memset(seen, 1, ns);
    }
    for (size_t k = 0; inp && k < inp->n; k++) {
        const kh_node *key = &inp->u.kids[2 * k];
        const kh_node *v = &inp->u.kids[2 * k + 1];
        if (key->type != KH_NODE_SCALAR) {
            as_eerr(a, e, at, as_node_pos(key), "inputs", NULL, in,
                    "input names must be strings");
            continue;
        }
        const char *name = key->u.text;
        char q[AS_QSZ];
        int s = kh_rubric_item_slot_find(r, item, name);
        if (s < 0) {
            kh_buf h;
            kh_buf_init(&h, 0);
            for (size_t j = 0; j < ns; j++)
                kh_buf_printf(&h, "%s%s", j ? ", " : "",
                              kh_term_input(kh_rubric_item_slot(r, item, j)));
            as_eerr(a, e, at, as_node_pos(key), "inputs", name, in,
                    "unknown input %s (expected one of: %s)", as_q(q, name),
                    ns ? kh_buf_str(&h) : "none");
            kh_buf_free(&h);
            continue;
        }
        if (seen[s]) {
            as_eerr(a, e, at, as_node_pos(key), "inputs", name, in,
                    "input %s given twice", as_q(q, name));
            continue;
        }
        seen[s] = 1;
        pos[s] = as_node_pos(v);
        const kh_term *t = kh_rubric_item_slot(r, item, (size_t)s);
        if (as_input(a, e, at, in, name, t, v, &vals[s]) &&
            kh_term_roster(t))
            as_ruse(a, at, in, item, (size_t)s, name, pos[s]);
    }
    bool has_note = !as_is_blank(in->note);
    for (size_t s = 0; s < ns; s++) {
        const kh_term *t = kh_rubric_item_slot(r, item, s);
        kh_term_kind k = kh_term_get_kind(t);
        if (!seen[s] && (k == KH_TERM_CHOICE || k == KH_TERM_JUDGEMENT)) {
            as_eerr(a, e, at, ipos, "inputs", NULL, in,
                    "missing input \"%s\"", kh_term_input(t));
        } else if (k == KH_TERM_JUDGEMENT && vals[s] != KH_ASSESS_ABSENT &&
                   vals[s] < kh_term_points(t) && !has_note) {
            char xs[KH_NUM_BUFSZ], ms[KH_NUM_BUFSZ];
            kh_num_format(vals[s], xs);
            kh_num_format(kh_term_points(t), ms);
            as_eerr(a, e, at, pos[s], "inputs", kh_term_input(t), in,
                    "judgement %s is below the full %s points, so the entry "
                    "needs a non-empty note saying why", xs, ms);
        }
    }
    if (seen != seen_in) {
        free(seen);
        free(pos);
    }
}

/* Message i names a unit kind by its id in quotes: its Chinese names it
 * by the rubric's name of it ("office" -> “处室”). */
static void as_kind_zh(const kh_assess *a, kh_err *e, size_t i,
                       uint32_t kind)
{
    const char *q = kh_i18n_zh(N_("\"%s\""));
    char from[AS_QSZ], to[AS_QSZ];
    snprintf(from, sizeof from, q, kh_rubric_kind_id(a->r, kind));
    snprintf(to, sizeof to, q, kh_rubric_kind_name(a->r, kind));
    kh_err_zh_sub(e, i, from, to);
}

/* Puts a checked entry of known unit u into its slot. */
static void as_place(kh_assess *a, kh_err *e, const as_at *at,
                     const as_entry_in *in, uint32_t u, uint32_t item,
                     const kh_cp *vals, const char *note)
{
    const kh_assess_unit_rec *ur = &a->units[u];
    if (ur->kind != KH_ASSESS_NONE &&
        !kh_rubric_item_applies(a->r, item, ur->kind)) {
        char q[AS_QSZ];
        size_t i = kh_err_count(e);
        as_err(a, e, at, in->ipos, "item", NULL,
               "item \"%s\" does not apply to unit %s of kind \"%s\"",
               kh_rubric_item_id(a->r, item), as_q(q, ur->id),
               kh_rubric_kind_id(a->r, ur->kind));
        as_kind_zh(a, e, i, ur->kind);
        return;
    }
    size_t k = ((size_t)u * a->nitems + item) * 2 + in->phase;
    kh_entry *en = &a->slots[k];
    if (en->vals) {
        char q[AS_QSZ];
        as_q(q, ur->id);
        uint32_t line = a->lines ? a->lines[k] : 0;
        if (line)
            as_err(a, e, at, as_pos_at(0, 0), NULL, NULL,
                   "unit %s item \"%s\" phase \"%s\": duplicate entry "
                   "(first at line %u)", q, kh_rubric_item_id(a->r, item),
                   kh_phase_name(in->phase), (unsigned)line);
        else
            as_err(a, e, at, as_pos_at(0, 0), NULL, NULL,
                   "unit %s item \"%s\" phase \"%s\": duplicate entry", q,
                   kh_rubric_item_id(a->r, item), kh_phase_name(in->phase));
        return;
    }
    if (!as_line_set(a, k, at->line)) {
        as_oom(a);
        return;
    }
    en->vals = vals;
    en->note = note;
}

static const kh_cp as_novals[1] = {0};

static kh_status as_add_entry(kh_assess *a, kh_err *e, const as_entry_in *in,
                              const as_at *at)
{
    size_t bad0 = a->nbad;
    long item = as_map_find(&a->item_map, in->item ? in->item : "");
    if (item < 0) {
        char q[AS_QSZ];
        as_err(a, e, at, in->ipos, "item", NULL, "unknown item %s",
               as_q(q, in->item));
        return KH_EINVAL;
    }
    size_t ns = kh_rubric_item_slots(a->r, (size_t)item);
    kh_cp *vals = ns ? as_alloc(a, ns * sizeof *vals) : NULL;
    if (ns && !vals) {
        as_oom(a);
        return KH_ENOMEM;
    }
    as_inputs(a, e, at, in, (size_t)item, vals);
    const kh_cp *stored =
        ns ? as_share(a, &a->vshared, vals, ns * sizeof *vals) : as_novals;
    const char *note = NULL;
    if (in->note && *in->note) {
        if (!(note = as_strdup(a, in->note))) {
            as_oom(a);
            return KH_ENOMEM;
        }
        note = as_share(a, &a->nshared, note, strlen(note) + 1);
    }
    long u = as_map_find(&a->unit_map, in->unit ? in->unit : "");
    if (u >= 0) {
        as_place(a, e, at, in, (uint32_t)u, (uint32_t)item, stored, note);
    } else {
        /* The unit may come later in the file: place it in finish. */
        if (KH_VEC_GROW(a->pend, a->apend, a->npend + 1, 16) != KH_OK) {
            as_oom(a);
            return KH_ENOMEM;
        }
        struct kh_assess_pending *p = &a->pend[a->npend++];
        p->unit_id = as_strdup(a, in->unit ? in->unit : "");
        p->item = (uint32_t)item;
        p->phase = (uint32_t)in->phase;
        p->vals = stored;
        p->note = note;
        p->at = as_keep(a, at, as_pos_at(0, 0), NULL, NULL);
        p->uline = in->upos.line;
        p->ucol = in->upos.col;
        p->iline = in->ipos.line;
        p->icol = in->ipos.col;
        if (!p->unit_id)
            as_oom(a);
    }
    if (a->oom)
        return KH_ENOMEM;
    return a->nbad > bad0 ? KH_EINVAL : KH_OK;
}

kh_status kh_assess_add_entry(kh_assess *a, const char *unit, const char *item,
                              kh_phase phase, const kh_node *inputs,
                              const char *note, const kh_loc *loc, kh_err *e)
{
    as_at at;
    as_at_loc(&at, loc);
    as_entry_in in = {unit, item, phase, inputs, note, {0, 0}, {0, 0}};
    return as_add_entry(a, e, &in, &at);
}

/* ---- rosters, bonus, negative --------------------------------------- */

static kh_status as_add_roster(kh_assess *a, kh_err *e, const char *unit,
                               as_pos upos, const char *roster, as_pos rpos,
                               size_t n, const char *const *names,
                               const kh_cp *values, const as_at *at)
{
    size_t ri = 0;
    while (ri < a->nrnames && strcmp(a->rnames[ri], roster ? roster : "") != 0)
        ri++;
    if (ri == a->nrnames) {
        char q[AS_QSZ];
        as_err(a, e, at, rpos, "roster", NULL,
               "unknown roster %s (no term of the rubric uses it)",
               as_q(q, roster));
        return KH_EINVAL;
    }
    if (KH_VEC_GROW(a->rosters, a->arosters, a->nrosters + 1, 16) != KH_OK) {
        as_oom(a);
        return KH_ENOMEM;
    }
    kh_assess_roster_rec *rr = &a->rosters[a->nrosters++];
    memset(rr, 0, sizeof *rr);
    rr->unit_id = as_strdup(a, unit ? unit : "");
    rr->unit = KH_ASSESS_NONE;
    rr->name = (uint32_t)ri;
    rr->uline = upos.line;
    rr->ucol = upos.col;
    rr->n = n;
    rr->at = as_keep(a, at, as_pos_at(0, 0), NULL, NULL);
    const char **pn = as_alloc(a, (n ? n : 1) * sizeof *pn);
    kh_cp *pv = as_alloc(a, (n ? n : 1) * sizeof *pv);
    if (!rr->unit_id || !pn || !pv) {
        as_oom(a);
        return KH_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        pn[i] = as_strdup(a, names[i] ? names[i] : "");
        pv[i] = values[i];
        if (!pn[i]) {
            as_oom(a);
            return KH_ENOMEM;
        }
    }
    rr->people = pn;
    rr->values = pv;
    return KH_OK;
}

kh_status kh_assess_add_roster(kh_assess *a, const char *unit,
                               const char *roster, size_t n,
                               const char *const *names, const kh_cp *values,
                               const kh_loc *loc, kh_err *e)
{
    as_at at;
    as_at_loc(&at, loc);
    return as_add_roster(a, e, unit, as_pos_at(0, 0), roster, as_pos_at(0, 0),
                         n, names, values, &at);
}

static kh_status as_add_points(kh_assess *a, kh_err *e,
                               kh_assess_points_set *set, const char *what,
                               const char *unit, as_pos upos, kh_cp points,
                               as_pos ppos, const char *reason,
                               const as_at *at)
{
    if (points <= 0) {
        char ps[KH_NUM_BUFSZ];
        kh_num_format(points, ps);
        if (strcmp(what, "bonus") == 0)
            as_err(a, e, at, ppos, "points", NULL,
                   "bonus points must be positive, got %s", ps);
        else
            as_err(a, e, at, ppos, "points", NULL,
                   "negative points must be positive, got %s", ps);
        return KH_EINVAL;
    }
    if (KH_VEC_GROW(set->recs, set->alloc, set->n + 1, 16) != KH_OK) {
        as_oom(a);
        return KH_ENOMEM;
    }
    kh_assess_points_rec *p = &set->recs[set->n++];
    memset(p, 0, sizeof *p);
    p->unit_id = as_strdup(a, unit ? unit : "");
    p->unit = KH_ASSESS_NONE;
    p->uline = upos.line;
    p->ucol = upos.col;
    p->points = points;
    p->reason = reason ? as_strdup(a, reason) : NULL;
    p->at = as_keep(a, at, as_pos_at(0, 0), NULL, NULL);
    if (!p->unit_id || (reason && !p->reason)) {
        as_oom(a);
        return KH_ENOMEM;
    }
    return KH_OK;
}

kh_status kh_assess_add_bonus(kh_assess *a, const char *unit, kh_cp points,
                              const char *reason, const kh_loc *loc,
                              kh_err *e)
{
    as_at at;
    as_at_loc(&at, loc);
    return as_add_points(a, e, &a->bonus, "bonus", unit, as_pos_at(0, 0),
                         points, as_pos_at(0, 0), reason, &at);
}

kh_status kh_assess_add_negative(kh_assess *a, const char *unit, kh_cp points,
                                 const char *reason, const kh_loc *loc,
                                 kh_err *e)
{
    as_at at;
    as_at_loc(&at, loc);
    return as_add_points(a, e, &a->negative, "negative", unit, as_pos_at(0, 0),
                         points, as_pos_at(0, 0), reason, &at);
}

/* ---- editing a finished assessment ---------------------------------- */

/* A roster term of item whose input vals gives while unit u has that
 * roster; -1 when none. */
static long as_roster_clash(const kh_assess *a, size_t u, size_t item,
                            const kh_cp *vals)
{
    for (size_t s = 0; s < kh_rubric_item_slots(a->r, item); s++) {
        const kh_term *t = kh_rubric_item_slot(a->r, item, s);
        size_t below;
        if (vals[s] != KH_ASSESS_ABSENT && kh_term_roster(t) &&
            kh_assess_roster_count(a, u, t, &below))
            return (long)s;
    }
    return -1;
}

kh_status kh_assess_set_entry(kh_assess *a, size_t u, size_t item,
                              kh_phase p, const kh_node *inputs,
                              const char *note, const kh_loc *loc, kh_err *e)
{
    if (!a->finished || a->nbad || a->oom || u >= a->nunits ||
        item >= a->nitems)
        return kh_err_fail(e, KH_EINVAL, "internal: bad entry edit");
    const kh_assess_unit_rec *ur = &a->units[u];
    as_at at;
    as_at_loc(&at, loc);
    as_entry_in in = {ur->id, kh_rubric_item_id(a->r, item), p, inputs, note,
                      {0, 0}, {0, 0}};
    if (!kh_rubric_item_applies(a->r, item, ur->kind)) {
        char q[AS_QSZ];
        as_err(a, e, &at, in.ipos, "item", NULL,
               "item \"%s\" does not apply to unit %s", in.item,
               as_q(q, ur->id));
        a->nbad = 0;   /* refused: the assessment is unchanged */
        return KH_EINVAL;
    }
    size_t ns = kh_rubric_item_slots(a->r, item);
    kh_cp *vals = ns ? as_alloc(a, ns * sizeof *vals) : NULL;
    const char *kept = note && *note ? as_strdup(a, note) : NULL;
    if ((ns && !vals) || (note && *note && !kept)) {
        a->oom = false;   /* the pool is intact; only this edit failed */
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    as_inputs(a, e, &at, &in, item, vals);
    a->nruses = 0;   /* checked right here instead of in finish */
    long clash = a->nbad || a->oom ? -1 : as_roster_clash(a, u, item, vals);
    if (clash >= 0) {
        const kh_term *t = kh_rubric_item_slot(a->r, item, (size_t)clash);
        as_eerr(a, e, &at, as_pos_at(0, 0), "inputs", kh_term_input(t), &in,
                "input \"%s\" is counted from the unit's roster \"%s\", so "
                "the entry must not give it",
                kh_term_input(t), kh_term_roster(t));
    }
    kh_status rc = a->oom ? KH_ENOMEM : a->nbad ? KH_EINVAL : KH_OK;
    a->nbad = 0;
    a->oom = false;
    if (rc != KH_OK)
        return rc == KH_ENOMEM ? kh_err_fail(e, rc, "out of memory") : rc;
    kh_entry *en = &a->slots[(u * a->nitems + item) * 2 + p];
    en->vals = ns ? vals : as_novals;
    en->note = kept;
    return KH_OK;
}

void kh_assess_clear_entry(kh_assess *a, size_t u, size_t item, kh_phase p)
{
    if (u < a->nunits && item < a->nitems)
        memset(&a->slots[(u * a->nitems + item) * 2 + p], 0,
               sizeof(kh_entry));
}

kh_status kh_assess_set_roster(kh_assess *a, size_t u, const char *roster,
                               size_t n, const char *const *names,
                               const kh_cp *values, kh_err *e)
{
    if (!a->finished || a->nbad || a->oom || u >= a->nunits)
        return kh_err_fail(e, KH_EINVAL, "internal: bad roster edit");
    size_t ri = 0;
    while (ri < a->nrnames && strcmp(a->rnames[ri], roster) != 0)
        ri++;
    if (ri == a->nrnames || !a->unit_roster)
        return kh_err_fail(e, KH_EINVAL,
                           "unknown roster \"%s\" (no term of the rubric "
                           "uses it)", roster);
    int32_t *slot = &a->unit_roster[u * a->nrnames + ri];
    if (n == 0) {
        *slot = -1;
        return KH_OK;
    }
    /* Entries of the unit must not give an input the roster supplies. */
    for (size_t i = 0; i < a->nitems; i++) {
        for (size_t s = 0; s < kh_rubric_item_slots(a->r, i); s++) {
            const kh_term *t = kh_rubric_item_slot(a->r, i, s);
            const char *tr = kh_term_roster(t);
            for (int p = 0; tr && strcmp(tr, roster) == 0 && p < 2; p++) {
                const kh_entry *en = &a->slots[(u * a->nitems + i) * 2 +
                                               (size_t)p];
                if (en->vals && en->vals[s] != KH_ASSESS_ABSENT)
                    return kh_err_fail(
                        e, KH_EINVAL,
                        "unit \"%s\" item \"%s\": input \"%s\" is given by "
                        "an entry, so the unit cannot have roster \"%s\"",
                        a->units[u].id, kh_rubric_item_id(a->r, i),
                        kh_term_input(t), roster);
            }
        }
    }
    size_t nr0 = a->nrosters;
    as_at at;
    as_at_loc(&at, NULL);
    kh_status rc = as_add_roster(a, e, a->units[u].id, as_pos_at(0, 0), roster,
                                 as_pos_at(0, 0), n, names, values, &at);
    if (rc != KH_OK) {
        a->nrosters = nr0;
        a->nbad = 0;
        a->oom = false;
        return rc == KH_ENOMEM ? kh_err_fail(e, rc, "out of memory") : rc;
    }
    a->rosters[nr0].unit = (uint32_t)u;
    /* rosters may have moved (realloc): the table holds indices. */
    *slot = (int32_t)nr0;
    return KH_OK;
}

/* ---- finish: whole-data checks -------------------------------------- */

/* Resolves a record's unit id; reports an unknown unit at its value. */
static uint32_t as_resolve(kh_assess *a, kh_err *e, const char *id,
                           const kh_assess_where *w, uint32_t line,
                           uint32_t col)
{
    long u = as_map_find(&a->unit_map, id);
    if (u >= 0)
        return (uint32_t)u;
    as_at at;
    as_at_where(&at, w);
    char q[AS_QSZ];
    if (!kh_unit_id_ok(id))
        as_err(a, e, &at, as_pos_at(line, col), "unit", NULL,
               "invalid unit id %s (use 1 to 64 letters A-Z or a-z, digits, \"_\", "
               "\".\" or \"-\", starting with a letter or digit)", as_q(q, id));
    else
        as_err(a, e, &at, as_pos_at(line, col), "unit", NULL, "unknown unit %s",
               as_q(q, id));
    return KH_ASSESS_NONE;
}

static bool as_group_points(kh_assess *a, kh_err *e, kh_assess_points_set *s)
{
    s->off = calloc(a->nunits + 1, sizeof *s->off);
    s->idx = malloc((s->n ? s->n : 1) * sizeof *s->idx);
    if (!s->off || !s->idx)
        return false;
    for (size_t k = 0; k < s->n; k++) {
        kh_assess_points_rec *p = &s->recs[k];
        p->unit = as_resolve(a, e, p->unit_id, &p->at, p->uline, p->ucol);
        if (p->unit != KH_ASSESS_NONE)
            s->off[p->unit + 1]++;
    }
    for (size_t u = 0; u < a->nunits; u++)
        s->off[u + 1] += s->off[u];
    uint32_t *fill = calloc(a->nunits + 1, sizeof *fill);
    if (!fill)
        return false;
    for (size_t k = 0; k < s->n; k++) {
        uint32_t u = s->recs[k].unit;
        if (u != KH_ASSESS_NONE)
            s->idx[s->off[u] + fill[u]++] = (uint32_t)k;
    }
    free(fill);
    return true;
}

static bool as_finish_branches(kh_assess *a, kh_err *e)
{
    a->branch_units = malloc((a->nunits ? a->nunits : 1) *
                             sizeof *a->branch_units);
    uint32_t *firstu = malloc((a->nbranches ? a->nbranches : 1) *
                              sizeof *firstu);
    if (!a->branch_units || !firstu) {
        free(firstu);
        return false;
    }
    for (size_t b = 0; b < a->nbranches; b++) {
        a->branches[b].nunits = 0;
        firstu[b] = KH_ASSESS_NONE;
    }
    for (size_t u = 0; u < a->nunits; u++)
        a->branches[a->units[u].branch].nunits++;
    uint32_t off = 0;
    for (size_t b = 0; b < a->nbranches; b++) {
        a->branches[b].first = off;
        off += a->branches[b].nunits;
        a->branches[b].nunits = 0;
    }
    for (size_t u = 0; u < a->nunits; u++) {
        const kh_assess_unit_rec *ur = &a->units[u];
        kh_assess_branch_rec *br = &a->branches[ur->branch];
        a->branch_units[br->first + br->nunits++] = (uint32_t)u;
        if (ur->kind == KH_ASSESS_NONE)
            continue;
        if (br->kind == KH_ASSESS_NONE) {
            br->kind = ur->kind;
            firstu[ur->branch] = (uint32_t)u;
        } else if (br->kind != ur->kind) {
            const kh_assess_unit_rec *f = &a->units[firstu[ur->branch]];
            as_at at;
            as_at_where(&at, &ur->at);
            char qb[AS_QSZ], qu[AS_QSZ], qf[AS_QSZ];
            size_t i = kh_err_count(e);
            as_err(a, e, &at, as_pos_at(ur->bline, ur->bcol), "branch", NULL,
                   "branch %s mixes kinds: unit %s is \"%s\" but unit %s "
                   "is \"%s\"",
                   as_q(qb, br->id), as_q(qu, ur->id),
                   kh_rubric_kind_id(a->r, ur->kind), as_q(qf, f->id),
                   kh_rubric_kind_id(a->r, f->kind));
            as_kind_zh(a, e, i, ur->kind);
            as_kind_zh(a, e, i, f->kind);
        }
    }
    free(firstu);
    for (size_t b = 0; b < a->nbranches; b++) {
        kh_assess_branch_rec *br = &a->branches[b];
        if (br->given && *br->given)
            br->name = br->given;
        else if (br->nunits == 1)
            br->name = a->units[a->branch_units[br->first]].name;
        else
            br->name = br->id;
        if (br->given && br->nunits == 0) {
            char q[AS_QSZ];
            kh_err_warn(e, br->at.line, br->at.col, br->at.path,
                        "branch %s has no units", as_q(q, br->id));
        }
    }
    return true;
}

kh_status kh_assess_finish(kh_assess *a, kh_err *e)
{
    if (a->finished)
        return a->oom ? KH_ENOMEM : a->nbad ? KH_EINVAL : KH_OK;
    a->finished = true;
    if (a->oom)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    if (a->file)
        kh_err_set_file(e, a->file);

    /* Entries read before their unit. */
    for (size_t k = 0; k < a->npend; k++) {
        const struct kh_assess_pending *p = &a->pend[k];
        uint32_t u = as_resolve(a, e, p->unit_id, &p->at, p->uline, p->ucol);
        if (u == KH_ASSESS_NONE)
            continue;
        as_at at;
        as_at_where(&at, &p->at);
        as_entry_in in = {p->unit_id, kh_rubric_item_id(a->r, p->item),
                          (kh_phase)p->phase, NULL, p->note,
                          {p->uline, p->ucol}, {p->iline, p->icol}};
        as_place(a, e, &at, &in, u, p->item, p->vals, p->note);
    }
    free(a->pend);
    a->pend = NULL;
    a->npend = a->apend = 0;
    as_fit_slots(a);

    /* Rosters: one per unit and name. */
    size_t nr = a->nrnames;
    if (nr) {
        a->unit_roster = malloc((a->nunits ? a->nunits : 1) * nr *
                                sizeof *a->unit_roster);
        if (!a->unit_roster) {
            a->oom = true;
            return kh_err_fail(e, KH_ENOMEM, "out of memory");
        }
        for (size_t i = 0; i < a->nunits * nr; i++)
            a->unit_roster[i] = -1;
    }
    for (size_t k = 0; k < a->nrosters; k++) {
        kh_assess_roster_rec *rr = &a->rosters[k];
        rr->unit = as_resolve(a, e, rr->unit_id, &rr->at, rr->uline, rr->ucol);
        if (rr->unit == KH_ASSESS_NONE)
            continue;
        int32_t *slot = &a->unit_roster[(size_t)rr->unit * nr + rr->name];
        if (*slot >= 0) {
            char q[AS_QSZ];
            uint32_t line = a->rosters[*slot].at.line;
            as_at at;
            as_at_where(&at, &rr->at);
            as_q(q, rr->unit_id);
            if (line)
                as_err(a, e, &at, as_pos_at(0, 0), NULL, NULL,
                       "unit %s has two rosters \"%s\" (first at line %u)",
                       q, a->rnames[rr->name], (unsigned)line);
            else
                as_err(a, e, &at, as_pos_at(0, 0), NULL, NULL,
                       "unit %s has two rosters \"%s\"", q,
                       a->rnames[rr->name]);
            continue;
        }
        *slot = (int32_t)k;
    }

    /* An input a roster supplies must not also come from an entry. */
    for (size_t k = 0; k < a->nruses; k++) {
        const struct kh_assess_ruse *ru = &a->ruses[k];
        long u = as_map_find(&a->unit_map, ru->unit_id);
        if (u < 0)
            continue;   /* reported with the entry */
        const kh_term *t = kh_rubric_item_slot(a->r, ru->item, ru->slot);
        size_t below;
        if (!kh_assess_roster_count(a, (size_t)u, t, &below))
            continue;
        as_at at;
        as_at_where(&at, &ru->at);
        char q[AS_QSZ];
        as_err(a, e, &at, as_pos_at(0, 0), NULL, NULL,
               "unit %s item \"%s\": input \"%s\" is counted from the "
               "unit's roster \"%s\", so the entry must not give it",
               as_q(q, ru->unit_id), kh_rubric_item_id(a->r, ru->item),
               kh_term_input(t), kh_term_roster(t));
    }
    free(a->ruses);
    a->ruses = NULL;
    a->nruses = a->aruses = 0;

    if (!as_group_points(a, e, &a->bonus) ||
        !as_group_points(a, e, &a->negative) || !as_finish_branches(a, e)) {
        a->oom = true;
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    return a->nbad ? KH_EINVAL : KH_OK;
}

/* ---- editing records of a finished assessment ----------------------- */

/* Groups the resolved records of s by unit again (after an edit). */
static bool as_regroup(kh_assess *a, kh_assess_points_set *s)
{
    uint32_t *off = calloc(a->nunits + 1, sizeof *off);
    uint32_t *idx = malloc((s->n ? s->n : 1) * sizeof *idx);
    uint32_t *fill = calloc(a->nunits + 1, sizeof *fill);
    if (!off || !idx || !fill) {
        free(off);
        free(idx);
        free(fill);
        return false;
    }
    for (size_t k = 0; k < s->n; k++)
        if (s->recs[k].unit != KH_ASSESS_NONE)
            off[s->recs[k].unit + 1]++;
    for (size_t u = 0; u < a->nunits; u++)
        off[u + 1] += off[u];
    for (size_t k = 0; k < s->n; k++) {
        uint32_t u = s->recs[k].unit;
        if (u != KH_ASSESS_NONE)
            idx[off[u] + fill[u]++] = (uint32_t)k;
    }
    free(fill);
    free(s->off);
    free(s->idx);
    s->off = off;
    s->idx = idx;
    return true;
}

kh_status kh_assess_set_points(kh_assess *a, size_t u, bool negative,
                               size_t n, const kh_cp *points,
                               const char *const *reasons, kh_err *e)
{
    if (!a->finished || a->nbad || a->oom || u >= a->nunits)
        return kh_err_fail(e, KH_EINVAL, "internal: bad record edit");
    kh_assess_points_set *s = negative ? &a->negative : &a->bonus;
    size_t n0 = s->n;
    as_at at;
    as_at_loc(&at, NULL);
    kh_status rc = KH_OK;
    for (size_t k = 0; k < n && rc == KH_OK; k++)
        rc = as_add_points(a, e, s, negative ? "negative" : "bonus",
                           a->units[u].id, as_pos_at(0, 0), points[k],
                           as_pos_at(0, 0), reasons ? reasons[k] : NULL, &at);
    if (rc != KH_OK) {
        s->n = n0;
        a->nbad = 0;
        a->oom = false;
        return rc == KH_ENOMEM ? kh_err_fail(e, rc, "out of memory") : rc;
    }
    for (size_t k = 0; k < n0; k++)
        if (s->recs[k].unit == u)
            s->recs[k].unit = KH_ASSESS_NONE;   /* replaced */
    for (size_t k = n0; k < s->n; k++)
        s->recs[k].unit = (uint32_t)u;
    if (!as_regroup(a, s)) {
        /* Leave the old grouping valid: the new records were never in it. */
        for (size_t k = n0; k < s->n; k++)
            s->recs[k].unit = KH_ASSESS_NONE;
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    return KH_OK;
}

/* ---- reading -------------------------------------------------------- */

const kh_rubric *kh_assess_rubric(const kh_assess *a)
{
    return a->r;
}

int kh_assess_year(const kh_assess *a)
{
    return a->year;
}

size_t kh_assess_unit_count(const kh_assess *a)
{
    return a->nunits;
}

const char *kh_assess_unit_id(const kh_assess *a, size_t u)
{
    return a->units[u].id;
}

const char *kh_assess_unit_name(const kh_assess *a, size_t u)
{
    return a->units[u].name;
}

size_t kh_assess_unit_kind(const kh_assess *a, size_t u)
{
    return a->units[u].kind;
}

size_t kh_assess_unit_branch(const kh_assess *a, size_t u)
{
    return a->units[u].branch;
}

long kh_assess_unit_find(const kh_assess *a, const char *id)
{
    return as_map_find(&a->unit_map, id);
}

size_t kh_assess_branch_count(const kh_assess *a)
{
    return a->nbranches;
}

const char *kh_assess_branch_id(const kh_assess *a, size_t b)
{
    return a->branches[b].id;
}

const char *kh_assess_branch_name(const kh_assess *a, size_t b)
{
    const kh_assess_branch_rec *br = &a->branches[b];
    return br->name ? br->name : br->given && *br->given ? br->given : br->id;
}

const kh_entry *kh_assess_entry(const kh_assess *a, size_t u, size_t i,
                                kh_phase p)
{
    if (u >= a->nunits || i >= a->nitems)
        return NULL;
    const kh_entry *en = &a->slots[(u * a->nitems + i) * 2 + p];
    return en->vals ? en : NULL;
}

kh_cp kh_entry_value(const kh_entry *en, size_t s, bool *present)
{
    kh_cp v = en->vals[s];
    if (present)
        *present = v != KH_ASSESS_ABSENT;
    return v == KH_ASSESS_ABSENT ? 0 : v;
}

const char *kh_entry_note(const kh_entry *en)
{
    return en->note;
}

static const kh_assess_roster_rec *as_roster(const kh_assess *a, size_t u,
                                             const char *name)
{
    if (!name || !a->unit_roster || u >= a->nunits)
        return NULL;
    for (size_t ri = 0; ri < a->nrnames; ri++) {
        if (strcmp(a->rnames[ri], name) != 0)
            continue;
        int32_t k = a->unit_roster[u * a->nrnames + ri];
        return k >= 0 ? &a->rosters[k] : NULL;
    }
    return NULL;
}

bool kh_assess_roster_count(const kh_assess *a, size_t u, const kh_term *t,
                            size_t *below)
{
    const kh_assess_roster_rec *rr = as_roster(a, u, kh_term_roster(t));
    if (!rr)
        return false;
    kh_cp lim = kh_term_roster_below(t);
    size_t n = 0;
    for (size_t i = 0; i < rr->n; i++)
        if (rr->values[i] < lim)   /* equal to the threshold passes */
            n++;
    *below = n;
    return true;
}

size_t kh_assess_roster_people(const kh_assess *a, size_t u, const char *name,
                               const char *const **names,
                               const kh_cp **values)
{
    const kh_assess_roster_rec *rr = as_roster(a, u, name);
    if (!rr) {
        if (names)
            *names = NULL;
        if (values)
            *values = NULL;
        return 0;
    }
    if (names)
        *names = rr->people;
    if (values)
        *values = rr->values;
    return rr->n;
}

static size_t as_pcount(const kh_assess_points_set *s, size_t u)
{
    return s->off ? s->off[u + 1] - s->off[u] : 0;
}

static const kh_assess_points_rec *as_prec(const kh_assess_points_set *s,
                                           size_t u, size_t k)
{
    return &s->recs[s->idx[s->off[u] + k]];
}

size_t kh_assess_bonus_count(const kh_assess *a, size_t u)
{
    return as_pcount(&a->bonus, u);
}

kh_cp kh_assess_bonus_points(const kh_assess *a, size_t u, size_t k)
{
    return as_prec(&a->bonus, u, k)->points;
}

const char *kh_assess_bonus_reason(const kh_assess *a, size_t u, size_t k)
{
    return as_prec(&a->bonus, u, k)->reason;
}

size_t kh_assess_negative_count(const kh_assess *a, size_t u)
{
    return as_pcount(&a->negative, u);
}

kh_cp kh_assess_negative_points(const kh_assess *a, size_t u, size_t k)
{
    return as_prec(&a->negative, u, k)->points;
}

const char *kh_assess_negative_reason(const kh_assess *a, size_t u, size_t k)
{
    return as_prec(&a->negative, u, k)->reason;
}

/* ---- the file loader ------------------------------------------------ */

typedef struct as_loader {
    kh_assess *a;
    kh_err *e;
    kh_arena *ar;
    /* scratch for roster people */
    const char **names;
    kh_cp *values;
    size_t apeople;
} as_loader;

/* Splits record rec into the values of the named keys; reports unknown
 * and missing keys (required: bit i for names[i]).  False when rec is not
 * a mapping. */
static bool as_fields(as_loader *L, const kh_node *rec, const as_at *at,
                      const char *const *names, size_t n, unsigned required,
                      const kh_node **vals)
{
    kh_assess *a = L->a;
    for (size_t i = 0; i < n; i++)
        vals[i] = NULL;
    if (rec->type != KH_NODE_MAP) {
        char got[AS_QSZ + 16];
        size_t got_at = kh_err_count(L->e);
        as_got(rec, got, sizeof got);
        as_err(a, L->e, at, as_node_pos(rec), NULL, NULL,
               "expected a mapping, got %s", got);
        as_got_fix(L->e, got_at, rec, got);
        return false;
    }
    for (size_t k = 0; k < rec->n; k++) {
        const kh_node *key = &rec->u.kids[2 * k];
        size_t i = 0;
        if (key->type == KH_NODE_SCALAR)
            while (i < n && (names[i][0] != key->u.text[0] ||
                             strcmp(names[i], key->u.text) != 0))
                i++;
        else
            i = n;
        if (i == n) {
            kh_buf h;
            kh_buf_init(&h, 0);
            for (size_t j = 0; j < n; j++)
                kh_buf_printf(&h, "%s%s", j ? ", " : "", names[j]);
            char got[AS_QSZ + 16];
            size_t got_at = kh_err_count(L->e);
            as_got(key, got, sizeof got);
            as_err(a, L->e, at, as_node_pos(key), NULL, NULL,
                   "unknown key %s (expected one of: %s)", got,
                   kh_buf_str(&h));
            as_got_fix(L->e, got_at, key, got);
            kh_buf_free(&h);
            continue;
        }
        if (vals[i]) {
            as_err(a, L->e, at, as_node_pos(key), NULL, NULL,
                   "duplicate key \"%s\"", names[i]);
            continue;
        }
        vals[i] = &rec->u.kids[2 * k + 1];
    }
    for (size_t i = 0; i < n; i++)
        if ((required >> i & 1u) && !vals[i])
            as_err(a, L->e, at, as_pos_at(0, 0), NULL, NULL,
                   "missing key \"%s\"", names[i]);
    return true;
}

/* A string field: quoted scalars directly (the fast path), anything else
 * through kh_node_str, which decides and reports.  NULL when absent or
 * bad. */
static const char *as_str(as_loader *L, const kh_node *v, const as_at *at,
                          const char *field)
{
    if (!v)
        return NULL;
    if (v->type == KH_NODE_SCALAR && v->style == KH_SCALAR_QUOTED)
        return v->u.text;
    const char *s = NULL;
    char *path = as_path(at, field, NULL);
    kh_status st = kh_node_str(v, L->e, path, &s);
    free(path);
    if (st != KH_OK) {
        L->a->nbad++;
        return NULL;
    }
    return s;
}

/* A name (KH_TEXT_NAME) or free text (KH_TEXT_LINES) field: as_str,
 * then the one rule of kaohe/name.h at the value's place.  A blank
 * optional text passes (an empty note or reason was always allowed). */
static const char *as_text(as_loader *L, const kh_node *v, const as_at *at,
                           const char *field, kh_text_kind kind,
                           bool optional)
{
    const char *s = as_str(L, v, at, field);
    size_t max = kind == KH_TEXT_NAME ? KH_NAME_MAX : SIZE_MAX;
    kh_text_problem pr = s ? kh_text_problem_of(s, kind, max, NULL, NULL)
                           : KH_TEXT_FINE;
    /* One scan for a good value; the message is made only for a bad one. */
    if (pr == KH_TEXT_FINE || (optional && pr == KH_TEXT_EMPTY))
        return s;
    char *path = as_path(at, field, NULL);
    kh_status st = kh_text_check(L->e, v->line, v->col, path, s, kind, max);
    free(path);
    if (st != KH_OK) {
        L->a->nbad++;
        return NULL;
    }
    return s;
}

/* A decimal field (at most two fractional digits). */
static bool as_cp(as_loader *L, const kh_node *v, const as_at *at,
                  const char *field, kh_cp *out)
{
    if (v->type == KH_NODE_SCALAR && v->style == KH_SCALAR_PLAIN &&
        kh_num_parse(v->u.text, v->n, out) == KH_NUM_OK)
        return true;
    char *path = as_path(at, field, NULL);
    kh_status st = kh_node_cp(v, L->e, path, out);
    free(path);
    if (st != KH_OK) {
        L->a->nbad++;
        return false;
    }
    return true;
}

static void as_load_branch(as_loader *L, const kh_node *rec, size_t k)
{
    static const char *const keys[] = {"id", "name"};
    const kh_node *f[2];
    as_at at = {rec->line, rec->col, NULL, "branches", k};
    if (!as_fields(L, rec, &at, keys, 2, 3u, f))
        return;
    const char *id = as_str(L, f[0], &at, "id");
    const char *name = as_text(L, f[1], &at, "name", KH_TEXT_NAME, false);
    if (id && name)
        as_add_branch(L->a, L->e, id, as_node_pos(f[0]), name, &at);
}

static void as_load_unit(as_loader *L, const kh_node *rec, size_t k)
{
    static const char *const keys[] = {"id", "name", "kind", "branch"};
    const kh_node *f[4];
    as_at at = {rec->line, rec->col, NULL, "units", k};
    if (!as_fields(L, rec, &at, keys, 4, 7u, f))
        return;
    as_unit_in in;
    memset(&in, 0, sizeof in);
    in.id = as_str(L, f[0], &at, "id");
    in.name = as_text(L, f[1], &at, "name", KH_TEXT_NAME, false);
    in.kind = as_str(L, f[2], &at, "kind");
    in.branch = as_str(L, f[3], &at, "branch");
    in.idpos = as_node_pos(f[0]);
    in.kindpos = as_node_pos(f[2]);
    in.branchpos = as_node_pos(f[3]);
    /* With a usable id the unit is added even when other fields are bad
     * (already reported), so entries naming it do not cascade. */
    in.reported = !in.name || !in.kind || (f[3] && !in.branch);
    if (in.id)
        as_add_unit(L->a, L->e, &in, &at, NULL);
}

static void as_load_entry(as_loader *L, const kh_node *rec, size_t k)
{
    static const char *const keys[] = {"unit", "item", "phase", "inputs",
                                       "note"};
    const kh_node *f[5];
    as_at at = {rec->line, rec->col, NULL, "entries", k};
    if (!as_fields(L, rec, &at, keys, 5, 7u, f))
        return;
    as_entry_in in;
    memset(&in, 0, sizeof in);
    in.unit = as_str(L, f[0], &at, "unit");
    in.item = as_str(L, f[1], &at, "item");
    const char *ph = as_str(L, f[2], &at, "phase");
    in.inputs = f[3];
    in.note = as_text(L, f[4], &at, "note", KH_TEXT_LINES, true);
    in.upos = as_node_pos(f[0]);
    in.ipos = as_node_pos(f[1]);
    bool ok = in.unit && in.item && ph && !(f[4] && !in.note);
    if (ph && !kh_phase_parse(ph, &in.phase)) {
        char q[AS_QSZ];
        as_err(L->a, L->e, &at, as_node_pos(f[2]), "phase", NULL,
               "unknown phase %s (expected \"self\" or \"inspection\")",
               as_q(q, ph));
        ok = false;
    }
    if (ok)
        as_add_entry(L->a, L->e, &in, &at);
}

static void as_load_roster(as_loader *L, const kh_node *rec, size_t k)
{
    static const char *const keys[] = {"unit", "roster", "people"};
    static const char *const pkeys[] = {"name", "value"};
    const kh_node *f[3];
    as_at at = {rec->line, rec->col, NULL, "rosters", k};
    if (!as_fields(L, rec, &at, keys, 3, 7u, f))
        return;
    const char *unit = as_str(L, f[0], &at, "unit");
    const char *roster = as_str(L, f[1], &at, "roster");
    const kh_node *pp = f[2];
    if (!pp)
        return;
    if (pp->type != KH_NODE_SEQ) {
        char got[AS_QSZ + 16];
        size_t got_at = kh_err_count(L->e);
        as_got(pp, got, sizeof got);
        as_err(L->a, L->e, &at, as_node_pos(pp), "people", NULL,
               "expected a sequence of people, got %s", got);
        as_got_fix(L->e, got_at, pp, got);
        return;
    }
    if (KH_VEC_GROW(L->names, L->apeople, pp->n, 16) != KH_OK) {
        as_oom(L->a);
        return;
    }
    kh_cp *nv = realloc(L->values, (L->apeople ? L->apeople : 1) *
                                       sizeof *nv);
    if (!nv) {
        as_oom(L->a);
        return;
    }
    L->values = nv;
    bool ok = unit && roster;
    char buf[48];
    for (size_t i = 0; i < pp->n; i++) {
        const kh_node *p = &pp->u.kids[i];
        snprintf(buf, sizeof buf, "people[%zu]", i);
        char *base = as_path(&at, buf, NULL);
        as_at pat = {p->line, p->col, base, NULL, 0};
        const kh_node *pf[2];
        if (as_fields(L, p, &pat, pkeys, 2, 3u, pf)) {
            L->names[i] = as_text(L, pf[0], &pat, "name", KH_TEXT_NAME,
                                  false);
            if (!L->names[i] || !pf[1] ||
                !as_cp(L, pf[1], &pat, "value", &L->values[i]))
                ok = false;
        } else {
            ok = false;
        }
        free(base);
    }
    if (ok)
        as_add_roster(L->a, L->e, unit, as_node_pos(f[0]), roster,
                      as_node_pos(f[1]), pp->n, L->names, L->values, &at);
}

static void as_load_points(as_loader *L, const kh_node *rec, size_t k,
                           bool bonus)
{
    static const char *const keys[] = {"unit", "points", "reason"};
    const kh_node *f[3];
    as_at at = {rec->line, rec->col, NULL, bonus ? "bonus" : "negative", k};
    if (!as_fields(L, rec, &at, keys, 3, 7u, f))
        return;
    const char *unit = as_str(L, f[0], &at, "unit");
    const char *reason = as_text(L, f[2], &at, "reason", KH_TEXT_LINES,
                                 true);
    kh_cp pts = 0;
    bool ok = f[1] && as_cp(L, f[1], &at, "points", &pts);
    if (unit && reason && ok)
        as_add_points(L->a, L->e, bonus ? &L->a->bonus : &L->a->negative,
                      bonus ? "bonus" : "negative", unit, as_node_pos(f[0]),
                      pts, as_node_pos(f[1]), reason, &at);
}

enum {
    AS_K_YEAR, AS_K_BRANCHES, AS_K_UNITS, AS_K_ENTRIES, AS_K_ROSTERS,
    AS_K_BONUS, AS_K_NEGATIVE, AS_K_N
};
static const char *const as_top_keys[AS_K_N] = {
    "year", "branches", "units", "entries", "rosters", "bonus", "negative"};

static void as_load_year(as_loader *L, const kh_node *v)
{
    int64_t y = 0;
    if (kh_node_int(v, L->e, "year", &y) != KH_OK) {
        L->a->nbad++;
        return;
    }
    if (y < KH_YEAR_MIN || y > KH_YEAR_MAX) {
        as_at at = {v->line, v->col, "year", NULL, 0};
        as_err(L->a, L->e, &at, as_pos_at(0, 0), NULL, NULL,
               "year must be between %d and %d, got %lld", KH_YEAR_MIN,
               KH_YEAR_MAX, (long long)y);
        return;
    }
    kh_assess_set_year(L->a, (int)y);
}

/* kh_doc reports two kinds of problems: soft ones (a duplicate key, an
 * undefined alias, a value of the wrong kind for kh_doc_enter), after which the
 * value is consumed and reading goes on, and fatal ones (syntax), after
 * which every call fails.  A soft error of kh_doc_read() or
 * kh_doc_enter() just skips that value; the fatal ones surface from
 * kh_doc_more() and end the load. */

/* Reads the whole document into L->a.  Returns false on a fatal error
 * (already reported), after which nothing else is checked; *soft is set
 * when kh_doc reported soft errors. */
static bool as_load_doc(as_loader *L, kh_doc *d, bool *soft)
{
    kh_assess *a = L->a;
    unsigned tl = 0, tc = 0;
    if (kh_doc_enter(d, KH_NODE_MAP, &tl, &tc) != KH_OK)
        return false;
    unsigned seen = 0;
    kh_status st = KH_OK, rs;
    while (kh_doc_more(d, &st)) {
        const kh_node *key = NULL;
        kh_arena_reset(L->ar);
        if ((rs = kh_doc_read(d, L->ar, &key)) != KH_OK) {
            if (rs != KH_EINVAL)
                return false;
            continue;   /* soft: kh_doc_more skips the value */
        }
        int which = -1;
        if (key->type == KH_NODE_SCALAR)
            for (int i = 0; i < AS_K_N; i++)
                if (strcmp(as_top_keys[i], key->u.text) == 0)
                    which = i;
        if (which < 0 || (seen >> which & 1u)) {
            as_at at = {key->line, key->col, NULL, NULL, 0};
            if (which < 0) {
                char got[AS_QSZ + 16];
                size_t got_at = kh_err_count(L->e);
                as_got(key, got, sizeof got);
                as_err(a, L->e, &at, as_pos_at(0, 0), NULL, NULL,
                       "unknown key %s (expected one of: year, branches, "
                       "units, entries, rosters, bonus, negative)", got);
                as_got_fix(L->e, got_at, key, got);
            } else {
                as_err(a, L->e, &at, as_pos_at(0, 0), NULL, NULL,
                       "duplicate key \"%s\"", as_top_keys[which]);
            }
            continue;
        }
        seen |= 1u << which;
        kh_arena_reset(L->ar);
        if (which == AS_K_YEAR) {
            const kh_node *v;
            if ((rs = kh_doc_read(d, L->ar, &v)) == KH_OK)
                as_load_year(L, v);
            else if (rs != KH_EINVAL)
                return false;
            continue;
        }
        if ((rs = kh_doc_enter(d, KH_NODE_SEQ, NULL, NULL)) != KH_OK) {
            if (rs != KH_EINVAL)
                return false;
            continue;
        }
        size_t k = 0;
        while (kh_doc_more(d, &st)) {
            const kh_node *rec;
            kh_arena_reset(L->ar);
            rs = kh_doc_read(d, L->ar, &rec);
            if (rs == KH_OK) {
                switch (which) {
                case AS_K_BRANCHES: as_load_branch(L, rec, k); break;
                case AS_K_UNITS: as_load_unit(L, rec, k); break;
                case AS_K_ENTRIES: as_load_entry(L, rec, k); break;
                case AS_K_ROSTERS: as_load_roster(L, rec, k); break;
                case AS_K_BONUS: as_load_points(L, rec, k, true); break;
                case AS_K_NEGATIVE: as_load_points(L, rec, k, false); break;
                }
            } else if (rs != KH_EINVAL) {
                return false;
            }
            k++;
        }
        if (st != KH_OK)
            return false;
    }
    if (st != KH_OK)
        return false;
    kh_arena_reset(L->ar);
    if (kh_doc_finish(d) != KH_OK)
        *soft = true;
    as_at top = {tl, tc, NULL, NULL, 0};
    if (!(seen >> AS_K_YEAR & 1u))
        as_err(a, L->e, &top, as_pos_at(0, 0), NULL, NULL,
               "missing key \"year\"");
    if (!(seen >> AS_K_UNITS & 1u))
        as_err(a, L->e, &top, as_pos_at(0, 0), NULL, NULL,
               "missing key \"units\"");
    return true;
}

static kh_status as_load(const kh_rubric *r, const char *name, kh_doc *d,
                         kh_err *e, kh_assess **out)
{
    as_loader L;
    memset(&L, 0, sizeof L);
    L.e = e;
    L.a = kh_assess_new(r);
    L.ar = kh_arena_new();
    if (!L.a || !L.ar) {
        kh_assess_free(L.a);
        kh_arena_free(L.ar);
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    L.a->file = as_strdup(L.a, name);
    kh_status st;
    bool soft = false;
    if (!as_load_doc(&L, d, &soft)) {
        st = L.a->oom ? KH_ENOMEM : KH_EINVAL;
    } else {
        st = kh_assess_finish(L.a, e);
        if (st == KH_OK && soft)
            st = KH_EINVAL;
    }
    if (L.a->oom && st != KH_ENOMEM)
        st = kh_err_fail(e, KH_ENOMEM, "out of memory");
    kh_arena_free(L.ar);
    free(L.names);
    free(L.values);
    if (st != KH_OK) {
        kh_assess_free(L.a);
        return st;
    }
    *out = L.a;
    return KH_OK;
}

kh_status kh_assess_load_mem(const kh_rubric *r, const char *name,
                             const char *data, size_t len, kh_err *e,
                             kh_assess **out)
{
    *out = NULL;
    kh_err_set_file(e, name);
    kh_doc *d = NULL;
    kh_status st = kh_doc_open_mem(name, data, len, 0, e, &d);
    if (st != KH_OK)
        return st;
    st = as_load(r, name, d, e, out);
    kh_doc_free(d);
    return st;
}

kh_status kh_assess_load(const kh_rubric *r, const char *path, kh_err *e,
                         kh_assess **out)
{
    *out = NULL;
    kh_err_set_file(e, path);
    kh_doc *d = NULL;
    kh_status st = kh_doc_open_file(path, e, &d);
    if (st != KH_OK)
        return st;
    st = as_load(r, path, d, e, out);
    kh_doc_free(d);
    return st;
}
