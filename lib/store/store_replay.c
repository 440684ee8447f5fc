/*
 * store_replay.c - the audit log proves the data: replaying its records
 * gives the state every year, unit, entry and bonus/negative list must
 * have, and `kaohe check` compares that with the live tables, so a change
 * made outside kaohe (a direct SQL UPDATE or DELETE) is named.  The
 * other audited tables (rosters, branches, users, claims, dates,
 * settings) are replayed in store_replay_tables.c.
 *
 * A draft import is one record for the file plus, per unit, an
 * "import.unit" record (the unit and a SHA-256 over its entries in
 * item/phase order) and "import.bonus"/"import.negative" (its lists):
 * entries imported in draft are proved per unit, entries written later
 * one by one through their "entry.set" records.
 */
#include "store_replay.h"
#include "kaohe/vec.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the digest of a unit's entries -------------------------------- */


static void digest_init(rp_digest *d)
{
    crypto_hash_sha256_init(&d->h);
    d->n = 0;
}

static void digest_add(rp_digest *d, const char *ename, const char *state)
{
    crypto_hash_sha256_update(&d->h, (const unsigned char *)ename,
                              strlen(ename));
    crypto_hash_sha256_update(&d->h, (const unsigned char *)"\t", 1);
    crypto_hash_sha256_update(&d->h, (const unsigned char *)state,
                              strlen(state));
    crypto_hash_sha256_update(&d->h, (const unsigned char *)"\n", 1);
    d->n++;
}

#define RP_DIGEST_SZ (32 + KH_STORE_HEX_SZ)
static void digest_end(rp_digest *d, char out[RP_DIGEST_SZ])
{
    unsigned char bin[crypto_hash_sha256_BYTES];
    char hex[KH_STORE_HEX_SZ];
    crypto_hash_sha256_final(&d->h, bin);
    sodium_bin2hex(hex, sizeof hex, bin, sizeof bin);
    snprintf(out, RP_DIGEST_SZ, "entries %" PRId64 " %s", d->n, hex);
}

/* An entry's tag: the first hex digits of SHA-256("NAME\tSTATE").  The
 * unit's digest proves the entries; the tags only say which one
 * differs. */
#define RP_TAG_HEX 12
static void entry_tag(const char *ename, const char *state,
                      char tag[RP_TAG_HEX + 1])
{
    crypto_hash_sha256_state h;
    unsigned char bin[crypto_hash_sha256_BYTES];
    char hex[KH_STORE_HEX_SZ];
    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, (const unsigned char *)ename,
                              strlen(ename));
    crypto_hash_sha256_update(&h, (const unsigned char *)"\t", 1);
    crypto_hash_sha256_update(&h, (const unsigned char *)state,
                              strlen(state));
    crypto_hash_sha256_final(&h, bin);
    sodium_bin2hex(hex, sizeof hex, bin, sizeof bin);
    memcpy(tag, hex, RP_TAG_HEX);
    tag[RP_TAG_HEX] = '\0';
}

/* The state of an entry row (item, phase, inputs, note, version in
 * columns c..c+4) and its name, fed to d; "ITEM/PHASE TAG" lines appended
 * to tags.  KH_ENOMEM only. */
static kh_status digest_row(rp_digest *d, const char *unit, kh_db_stmt *st,
                            int c, kh_buf *tags, kh_err *e)
{
    char ename[300];
    snprintf(ename, sizeof ename, "%s/%s/%s", unit, kh_store_col_str(st, c),
             kh_store_col_str(st, c + 1));
    char *state = kh_store_entry_state_json(kh_store_col_str(st, c + 2),
                                            kh_store_col_str(st, c + 3),
                                            kh_db_column_int64(st, c + 4));
    if (!state)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    digest_add(d, ename, state);
    char tag[RP_TAG_HEX + 1];
    entry_tag(ename, state, tag);
    kh_buf_printf(tags, "\n%s/%s %s", kh_store_col_str(st, c),
                  kh_store_col_str(st, c + 1), tag);
    free(state);
    return KH_OK;
}

/* ---- writing the per-unit records of a draft import ---------------- */

/* The stored list of a unit's bonus or negative records, "POINTS\tREASON\n"
 * per record in id order, appended to out. */
static kh_status record_list(kh_store *s, bool negative, int year,
                             const char *unit, kh_buf *out, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s,
        negative ? "SELECT points, reason FROM negative WHERE year = ? AND"
                   " unit = ? ORDER BY id"
                 : "SELECT points, reason FROM bonus WHERE year = ? AND"
                   " unit = ? ORDER BY id",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    kh_store_bind_str(st, 2, unit);
    int step;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        char num[KH_NUM_BUFSZ];
        kh_num_format(kh_db_column_int64(st, 0), num);
        const char *why = kh_store_col_str(st, 1);
        kh_buf_printf(out, "%s\t%s\n", num, why ? why : "");
    }
    kh_db_reset(st);
    if (step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading records");
    return kh_buf_status(out);
}

/* The digest of the unit's stored entries. */
static kh_status unit_digest(kh_store *s, int year, const char *unit,
                             char out[RP_DIGEST_SZ], kh_buf *tags, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s,
        "SELECT item, phase, inputs, note, version FROM entry"
        " WHERE year = ? AND unit = ? ORDER BY item, phase",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    kh_store_bind_str(st, 2, unit);
    rp_digest d;
    digest_init(&d);
    int step;
    while (rc == KH_OK && (step = kh_db_step(st)) == KH_DB_ROW)
        rc = digest_row(&d, unit, st, 0, tags, e);
    kh_db_reset(st);
    if (rc == KH_OK && step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading entries");
    digest_end(&d, out);
    return rc;
}

typedef struct rp_unit {
    char *id, *json;   /* owned */
} rp_unit;

static void units_free(rp_unit *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].id);
        free(v[i].json);
    }
    free(v);
}

/* The year's units (id order) with their audit JSON; caller frees. */
static kh_status load_units(kh_store *s, int year, rp_unit **out, size_t *n,
                            kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s,
                                 "SELECT id, name, kind, branch FROM unit"
                                 " WHERE year = ? ORDER BY id",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    rp_unit *v = NULL;
    size_t len = 0, cap = 0;
    int step;
    while (rc == KH_OK && (step = kh_db_step(st)) == KH_DB_ROW) {
        if (KH_VEC_GROW(v, cap, len + 1, 64) != KH_OK) {
            rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
            break;
        }
        v[len].id = strdup(kh_store_col_str(st, 0));
        v[len].json = kh_store_unit_json(kh_store_col_str(st, 1),
                                         kh_store_col_str(st, 2),
                                         kh_store_col_str(st, 3));
        len++;
        if (!v[len - 1].id || !v[len - 1].json)
            rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    kh_db_reset(st);
    if (rc == KH_OK && step != KH_DB_DONE)
        rc = kh_store_db_fail(s, e, "reading units");
    if (rc != KH_OK) {
        units_free(v, len);
        return rc;
    }
    *out = v;
    *n = len;
    return KH_OK;
}

/* The import.unit record of one unit and its non-empty record lists. */
static kh_status audit_one_unit(kh_store *s, const char *actor, int year,
                                const rp_unit *u, kh_err *e)
{
    char dg[RP_DIGEST_SZ];
    kh_buf tags;
    kh_buf_init(&tags, 0);
    kh_status rc = unit_digest(s, year, u->id, dg, &tags, e);
    if (rc == KH_OK)
        rc = kh_replay_unit_lines(s, year, u->id, &tags, e);
    if (rc != KH_OK) {
        kh_buf_free(&tags);
        return rc;
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_buf_printf(&b, "%s\n%s%s", u->json, dg, kh_buf_str(&tags));
    kh_buf_free(&tags);
    kh_audit_rec a = {.actor = actor, .action = "import.unit", .year = year,
                      .unit = u->id, .object = u->id,
                      .new_value = kh_buf_str(&b)};
    rc = kh_buf_status(&b) != KH_OK ? kh_err_fail(e, KH_ENOMEM,
                                                  "out of memory")
                                    : kh_store_audit(s, &a, e);
    for (int neg = 0; neg < 2 && rc == KH_OK; neg++) {
        kh_buf_reset(&b);
        if ((rc = record_list(s, neg, year, u->id, &b, e)) != KH_OK ||
            b.len == 0)
            continue;
        kh_audit_rec r = {.actor = actor,
                          .action = neg ? "import.negative" : "import.bonus",
                          .year = year, .unit = u->id,
                          .object = neg ? "negative" : "bonus",
                          .new_value = kh_buf_str(&b)};
        rc = kh_store_audit(s, &r, e);
    }
    kh_buf_free(&b);
    return rc;
}

kh_status kh_store_audit_import_units(kh_store *s, const char *actor,
                                      int year, kh_err *e)
{
    rp_unit *v = NULL;
    size_t n = 0;
    kh_status rc = load_units(s, year, &v, &n, e);
    for (size_t i = 0; i < n && rc == KH_OK; i++)
        rc = audit_one_unit(s, actor, year, &v[i], e);
    units_free(v, n);
    return rc;
}

/* ---- the replayed state: objects by key ----------------------------- */




static uint64_t hash_key(const char *k)
{
    uint64_t h = 1469598103934665603ULL;   /* FNV-1a */
    for (; *k; k++)
        h = (h ^ (unsigned char)*k) * 1099511628211ULL;
    return h;
}

static rp_obj *map_slot(rp_obj *v, size_t cap, const char *key)
{
    size_t i = (size_t)hash_key(key) & (cap - 1);
    while (v[i].key && strcmp(v[i].key, key) != 0)
        i = (i + 1) & (cap - 1);
    return &v[i];
}

static bool map_grow(rp_map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 1024;
    rp_obj *v = calloc(cap, sizeof *v);
    if (!v)
        return false;
    for (size_t i = 0; i < m->cap; i++)
        if (m->v[i].key)
            *map_slot(v, cap, m->v[i].key) = m->v[i];
    free(m->v);
    m->v = v;
    m->cap = cap;
    return true;
}

/* The object of key, created (absent) when new; NULL: no memory. */
rp_obj *kh_replay_map_get(rp_map *m, const char *key, bool create)
{
    if (m->cap) {
        rp_obj *o = map_slot(m->v, m->cap, key);
        if (o->key || !create)
            return o->key ? o : NULL;
    }
    if (!create)
        return NULL;
    if ((m->n + 1) * 2 > m->cap && !map_grow(m))
        return NULL;
    rp_obj *o = map_slot(m->v, m->cap, key);
    if (!(o->key = strdup(key)))
        return NULL;
    m->n++;
    return o;
}

static void map_free(rp_map *m)
{
    for (size_t i = 0; i < m->cap; i++) {
        free(m->v[i].key);
        free(m->v[i].val);
        free(m->v[i].first);
    }
    free(m->v);
}

bool kh_replay_set(char **dst, const char *s)
{
    char *c = s ? strdup(s) : NULL;
    if (s && !c)
        return false;
    free(*dst);
    *dst = c;
    return true;
}

void kh_replay_tab_escape(kh_buf *b, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == '\t')
            kh_buf_puts(b, "\\t");
        else if (*p == '\\')
            kh_buf_puts(b, "\\\\");
        else
            kh_buf_putc(b, *p);
    }
}

bool kh_replay_set_escaped(char **dst, const char *s)
{
    if (!s)
        return kh_replay_set(dst, NULL);
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_replay_tab_escape(&b, s);
    bool ok = kh_buf_status(&b) == KH_OK && kh_replay_set(dst, kh_buf_str(&b));
    kh_buf_free(&b);
    return ok;
}

/* ---- replaying the records ----------------------------------------- */


rp_obj *kh_replay_obj(rp *r, char kind, int year, const char *name)
{
    char key[400];
    snprintf(key, sizeof key, "%c\t%d\t%s", kind, year, name ? name : "");
    rp_obj *o = kh_replay_map_get(&r->m, key, true);
    if (!o)
        r->nomem = true;
    return o;
}

void kh_replay_put(rp *r, char kind, int year, const char *name, const char *v,
                int64_t seq)
{
    rp_obj *o = kh_replay_obj(r, kind, year, name);
    if (!o)
        return;
    if (!kh_replay_set(&o->val, v))
        r->nomem = true;
    o->seq = seq;
}

/* Marks absent every object of the year (unit NULL) or of one unit. */
static void drop(rp *r, int year, const char *unit, int64_t seq)
{
    char pre[400];
    int n = snprintf(pre, sizeof pre, "\t%d\t%s", year, unit ? unit : "");
    for (size_t i = 0; i < r->m.cap; i++) {
        rp_obj *o = &r->m.v[i];
        if (!o->key || strchr("YASZH", o->key[0]) ||
            strncmp(o->key + 1, pre, (size_t)n))
            continue;   /* state, dates, settings, rounds outlive imports */
        const char *rest = o->key + 1 + n;
        if (unit && *rest && *rest != '/')
            continue;   /* another unit whose id starts alike */
        free(o->val);
        free(o->first);
        o->val = o->first = NULL;
        o->flags = 0;
        o->seq = seq;
    }
}

/* The state name a year.advance record leads to ("published sha256:.."). */
static void year_state(char *out, size_t sz, const char *v)
{
    size_t n = v ? strcspn(v, " ") : 0;
    snprintf(out, sz, "%.*s", (int)n, v ? v : "");
}

/* bonus.remove/negative.remove: old value "POINTS REASON"; removes the
 * first line "POINTS\tREASON\n" from the list. */
static void list_remove(rp *r, rp_obj *o, const char *old)
{
    if (!o || !old || !o->val)
        return;
    size_t sp = strcspn(old, " ");
    char *line = NULL;
    if (asprintf(&line, "%.*s\t%s\n", (int)sp, old,
                 old[sp] ? old + sp + 1 : "") < 0) {
        r->nomem = true;
        return;
    }
    size_t ln = strlen(line);
    for (char *p = o->val; *p;) {
        if (strncmp(p, line, ln) == 0) {
            memmove(p, p + ln, strlen(p + ln) + 1);
            break;
        }
        p = strchr(p, '\n');
        if (!p)
            break;
        p++;
    }
    free(line);
}

static void list_add(rp *r, rp_obj *o, const char *points, const char *why)
{
    if (!o)
        return;
    char *nv = NULL;
    if (asprintf(&nv, "%s%s\t%s\n", o->val ? o->val : "",
                 points ? points : "", why ? why : "") < 0) {
        r->nomem = true;
        return;
    }
    free(o->val);
    o->val = nv;
}

static void on_entry_set(rp *r, const kh_audit_row *w)
{
    rp_obj *o = kh_replay_obj(r, 'E', w->rec.year, w->rec.object);
    if (!o)
        return;
    if (!(o->flags & RP_FIRST)) {
        o->flags |= RP_FIRST;
        if (!kh_replay_set(&o->first, w->rec.old_value))
            r->nomem = true;
    }
    if (!kh_replay_set(&o->val, w->rec.new_value))
        r->nomem = true;
    o->seq = w->seq;
}

/* import.unit: "UNIT_JSON\nentries N HASH", the lines of
 * kh_replay_unit_lines (rosters, branch name), then "ITEM/PHASE TAG"
 * lines: the unit (U), its digest (D) and the rosters and branch; the
 * entries' tags are not kept (name_unit reads them when needed). */
static void on_import_unit(rp *r, const kh_audit_row *w)
{
    char *v = strdup(w->rec.new_value ? w->rec.new_value : "");
    if (!v) {
        r->nomem = true;
        return;
    }
    int y = w->rec.year, i = 0;
    for (char *save = NULL, *l = strtok_r(v, "\n", &save); l;
         l = strtok_r(NULL, "\n", &save), i++) {
        if (i == 0) {
            kh_replay_put(r, 'U', y, w->rec.unit, l, w->seq);
            continue;
        }
        if (kh_replay_unit_line(r, w, l))
            continue;   /* rosters and branch names */
        if (i == 1)
            kh_replay_put(r, 'D', y, w->rec.unit, l, w->seq);
        /* entry tags: read again only for a unit that differs
         * (name_unit), so memory grows with units, not entries */
    }
    free(v);
}

static kh_status on_record(void *ctx, const kh_audit_row *w)
{
    rp *r = ctx;
    const char *a = w->rec.action;
    int y = w->rec.year;
    char st[32];
    if (kh_replay_tables_record(r, w) || kh_replay_rows_record(r, w)) {
        /* rosters, branches, users, dates, settings, on-site, ... */
    } else if (strcmp(a, "entry.set") == 0) {
        on_entry_set(r, w);
    } else if (strcmp(a, "assessment.import") == 0) {
        drop(r, y, NULL, w->seq);
        kh_replay_put(r, 'I', y, NULL, "", w->seq);   /* entries come from a file */
    } else if (strcmp(a, "import.unit") == 0) {
        on_import_unit(r, w);
        kh_replay_put(r, 'I', y, NULL, "units", w->seq);   /* ... proved per unit */
    } else if (strcmp(a, "import.bonus") == 0 ||
               strcmp(a, "bonus.replace") == 0) {
        kh_replay_put(r, 'B', y, w->rec.unit, w->rec.new_value, w->seq);
    } else if (strcmp(a, "import.negative") == 0 ||
               strcmp(a, "negative.replace") == 0) {
        kh_replay_put(r, 'N', y, w->rec.unit, w->rec.new_value, w->seq);
    } else if (strcmp(a, "bonus.add") == 0 || strcmp(a, "negative.add") == 0) {
        rp_obj *o = kh_replay_obj(r, a[0] == 'b' ? 'B' : 'N', y, w->rec.unit);
        list_add(r, o, w->rec.new_value, w->rec.reason);
        if (o)
            o->seq = w->seq;
    } else if (strcmp(a, "bonus.remove") == 0 ||
               strcmp(a, "negative.remove") == 0) {
        rp_obj *o = kh_replay_obj(r, a[0] == 'b' ? 'B' : 'N', y, w->rec.unit);
        list_remove(r, o, w->rec.old_value);
        if (o)
            o->seq = w->seq;
    } else if (strcmp(a, "unit.add") == 0 || strcmp(a, "unit.change") == 0) {
        kh_replay_put(r, 'U', y, w->rec.unit, w->rec.new_value, w->seq);
    } else if (strcmp(a, "unit.remove") == 0) {
        drop(r, y, w->rec.unit, w->seq);
    } else if (strcmp(a, "year.open") == 0) {
        kh_replay_put(r, 'Y', y, NULL, "draft", w->seq);
    } else if (strcmp(a, "year.advance") == 0 ||
               strcmp(a, "year.reopen") == 0) {
        year_state(st, sizeof st, w->rec.new_value);
        kh_replay_put(r, 'Y', y, NULL, st, w->seq);
    }
    return r->nomem ? kh_err_fail(r->e, KH_ENOMEM, "out of memory") : KH_OK;
}

/* ---- comparing with the live tables -------------------------------- */


rp_proof kh_replay_year_proof(rp *r, int year)
{
    char key[32];
    snprintf(key, sizeof key, "I\t%d\t", year);
    rp_obj *o = kh_replay_map_get(&r->m, key, false);
    if (!o || !o->val)
        return BY_NONE;
    return *o->val ? BY_UNITS : BY_FILE;
}


/* Ends a unit's group: its digest is kept on its D object and judged
 * at the end (digests_check), once every entry had its say. */
static void unit_done(rp *r, rp_live *g)
{
    if (!g->open)
        return;
    g->open = false;
    char dg[RP_DIGEST_SZ];
    digest_end(&g->d, dg);
    rp_obj *o = kh_replay_obj(r, 'D', g->year, g->unit);
    if (!o)
        return;
    o->flags |= RP_SEEN;
    if (!kh_replay_set(&o->first, dg))
        r->nomem = true;
}

/* Marks the unit of entry ename as named already (its digest then
 * differs too, which would only repeat it). */
static void unit_bad(rp *r, int year, const char *ename)
{
    char key[400];
    snprintf(key, sizeof key, "D\t%d\t%.*s", year, (int)strcspn(ename, "/"),
             ename);
    rp_obj *o = kh_replay_map_get(&r->m, key, false);   /* no insertion: callers
                                                 may be iterating */
    if (o)
        o->flags |= RP_BAD;
}

/* One live entry row: year, unit, item, phase, inputs, note, version.
 * An entry with records of its own is judged by them; one imported
 * (none) only feeds its unit's digest, judged at the end
 * (digests_check).  No object is made for it: memory stays per unit. */
static kh_status live_entry(rp *r, kh_db_stmt *st, rp_live *g, int *bad,
                            int64_t *unproved)
{
    int year = kh_db_column_int(st, 0);
    const char *unit = kh_store_col_str(st, 1);
    if (!g->open || g->year != year || strcmp(g->unit, unit) != 0) {
        unit_done(r, g);
        g->year = year;
        snprintf(g->unit, sizeof g->unit, "%s", unit);
        digest_init(&g->d);
        g->open = true;
    }
    char ename[300], key[400];
    snprintf(ename, sizeof ename, "%s/%s/%s", unit, kh_store_col_str(st, 2),
             kh_store_col_str(st, 3));
    snprintf(key, sizeof key, "E\t%d\t%s", year, ename);
    char *state = kh_store_entry_state_json(kh_store_col_str(st, 4),
                                            kh_store_col_str(st, 5),
                                            kh_db_column_int64(st, 6));
    if (!state)
        return kh_err_fail(r->e, KH_ENOMEM, "out of memory");
    rp_obj *o = kh_replay_map_get(&r->m, key, false);
    if (o) {
        o->flags |= RP_SEEN;
        if (o->flags & RP_FIRST && o->first)
            digest_add(&g->d, ename, o->first);   /* its state when imported */
    }
    if (o && o->val) {
        if (strcmp(o->val, state) != 0) {
            kh_err_fail(r->e, KH_EINVAL,
                        "entry %d %s: value differs from the audit log "
                        "(audit record %" PRId64 ")",
                        year, ename, o->seq);
            unit_bad(r, year, ename);
            ++*bad;
        }
    } else {
        rp_proof p = kh_replay_year_proof(r, year);
        if (p == BY_UNITS) {
            digest_add(&g->d, ename, state);
        } else if (p == BY_FILE) {
            ++*unproved;   /* imported before per-unit digests existed */
        } else {
            kh_err_fail(r->e, KH_EINVAL,
                        "entry %d %s: not in the audit log (added outside "
                        "kaohe)",
                        year, ename);
            unit_bad(r, year, ename);
            ++*bad;
        }
    }
    free(state);
    return KH_OK;
}

/* ---- naming the entries of a unit whose digest differs --------------- */

/* One "ITEM/PHASE TAG" line of a unit's import.unit record. */
typedef struct rp_tag {
    char name[200];
    char tag[RP_TAG_HEX + 1];
    bool seen;
} rp_tag;

typedef struct rp_tags {
    rp_tag *v;
    size_t n, cap;
    bool nomem;
} rp_tags;

/* The tag lines of one import.unit record (audit record seq). */
static kh_status read_tags(void *ctx, const kh_audit_row *w)
{
    rp_tags *t = ctx;
    const char *p = w->rec.new_value ? w->rec.new_value : "";
    for (int i = 0; *p; i++) {
        size_t len = strcspn(p, "\n");
        const char *sp = memchr(p, ' ', len);
        bool tagline = i >= 2 && sp && (size_t)(p + len - sp - 1) == RP_TAG_HEX &&
                       memchr(p, '/', (size_t)(sp - p)) && !memchr(p, '\t', len);
        if (tagline && KH_VEC_GROW(t->v, t->cap, t->n + 1, 64) != KH_OK) {
            t->nomem = true;
            return KH_OK;
        }

        if (tagline) {
            rp_tag *g = &t->v[t->n++];
            snprintf(g->name, sizeof g->name, "%.*s", (int)(sp - p), p);
            memcpy(g->tag, sp + 1, RP_TAG_HEX);
            g->tag[RP_TAG_HEX] = '\0';
            g->seen = false;
        }
        p += len;
        if (*p)
            p++;
    }
    return KH_OK;
}

/* Does entry "UNIT/ITEM/PHASE" have records of its own (then they
 * judge it, not its import)? */
static bool own_records(rp *r, int year, const char *ename)
{
    char key[400];
    int n = snprintf(key, sizeof key, "E\t%d\t%s", year, ename);
    if (n < 0 || (size_t)n >= sizeof key)
        return false;   /* longer than any stored key */
    const rp_obj *o = kh_replay_map_get(&r->m, key, false);
    return o && (o->flags & RP_FIRST);
}

/* One live entry of the unit against the tags: item, phase, inputs,
 * note, version.  Returns how many it named (0 or 1). */
static int name_entry(rp *r, int year, const char *unit, int64_t seq,
                      kh_db_stmt *st, rp_tags *t)
{
    char ename[300], tag[RP_TAG_HEX + 1], iname[200];
    snprintf(iname, sizeof iname, "%s/%s", kh_store_col_str(st, 0),
             kh_store_col_str(st, 1));
    snprintf(ename, sizeof ename, "%s/%s", unit, iname);
    if (own_records(r, year, ename))
        return 0;
    char *state = kh_store_entry_state_json(kh_store_col_str(st, 2),
                                            kh_store_col_str(st, 3),
                                            kh_db_column_int64(st, 4));
    if (!state) {
        r->nomem = true;
        return 0;
    }
    entry_tag(ename, state, tag);
    free(state);
    rp_tag *g = NULL;
    for (size_t i = 0; i < t->n && !g; i++)
        if (strcmp(t->v[i].name, iname) == 0)
            g = &t->v[i];
    if (g)
        g->seen = true;
    if (g && strcmp(g->tag, tag) == 0)
        return 0;
    if (g)
        kh_err_fail(r->e, KH_EINVAL,
                    "entry %d %s: value differs from the audit log (imported "
                    "in audit record %" PRId64 ")",
                    year, ename, seq);
    else
        kh_err_fail(r->e, KH_EINVAL,
                    "entry %d %s: not in the audit log (added outside kaohe)",
                    year, ename);
    return 1;
}

/* Names the entries of a unit whose digest differs from its import
 * (audit record seq, 0: none): changed, added or deleted; *named counts
 * them.  A failed read is the store's failure (busy, I/O), returned with
 * its message on r->e, not a difference nor out of memory. */
static kh_status name_unit(rp *r, int year, const char *unit, int64_t seq,
                           int *named)
{
    rp_tags t = {0};
    kh_status rc = seq ? kh_store_audit_since(r->s, seq - 1, seq, 1,
                                              read_tags, &t, r->e)
                       : KH_OK;
    kh_db_stmt *st = NULL;
    if (rc == KH_OK)
        rc = kh_store_stmt(r->s,
                           "SELECT item, phase, inputs, note, version FROM"
                           " entry WHERE year = ? AND unit = ?"
                           " ORDER BY item, phase",
                           &st, r->e);
    if (rc == KH_OK) {
        int step;
        kh_db_bind_int(st, 1, year);
        kh_store_bind_str(st, 2, unit);
        while ((step = kh_db_step(st)) == KH_DB_ROW)
            *named += name_entry(r, year, unit, seq, st, &t);
        kh_db_reset(st);
        if (step != KH_DB_DONE)
            rc = kh_store_db_fail(r->s, r->e, "reading a unit's entries");
    }
    for (size_t i = 0; rc == KH_OK && i < t.n; i++) {
        char ename[400];
        snprintf(ename, sizeof ename, "%s/%s", unit, t.v[i].name);
        if (t.v[i].seen || own_records(r, year, ename))
            continue;
        kh_err_fail(r->e, KH_EINVAL,
                    "entry %d %s: missing (deleted outside kaohe; imported "
                    "in audit record %" PRId64 ")",
                    year, ename, seq);
        ++*named;
    }
    if (t.nomem)
        r->nomem = true;   /* reported as out of memory at the end */
    free(t.v);
    return rc;
}

/* Runs fn over the rows of sql (no parameters). */
kh_status kh_replay_each_row(rp *r, const char *sql, const char *what,
                          kh_status (*fn)(rp *, kh_db_stmt *, void *),
                          void *ctx)
{
    kh_db_stmt *st = NULL;
    if (kh_db_prepare(r->s->db, sql, &st) != KH_DB_OK)
        return kh_store_db_fail(r->s, r->e, what);
    kh_status rc = KH_OK;
    int step;
    while (rc == KH_OK && (step = kh_db_step(st)) == KH_DB_ROW)
        rc = fn(r, st, ctx);
    if (rc == KH_OK && step != KH_DB_DONE)
        rc = kh_store_db_fail(r->s, r->e, what);
    kh_db_finalize(st);
    return rc;
}


static kh_status row_entry(rp *r, kh_db_stmt *st, void *ctx)
{
    rp_count *c = ctx;
    c->rows++;
    return live_entry(r, st, &c->g, &c->bad, &c->unproved);
}

/* Compares a live value with the object of the log; absent objects of a
 * year proved only by its file are not judged. */
static void compare(rp *r, rp_count *c, char kind, int year, const char *name,
                    const char *live, const char *what)
{
    rp_obj *o = kh_replay_obj(r, kind, year, name);
    if (!o)
        return;
    o->flags |= RP_SEEN;
    const char *want = o->val;
    if (kind == 'B' || kind == 'N') {
        if (!want && kh_replay_year_proof(r, year) == BY_FILE)
            return;
        if (strcmp(want ? want : "", live) != 0) {
            if (o->seq)
                kh_err_fail(r->e, KH_EINVAL,
                            "%s of unit %d %s: differ from the audit log "
                            "(audit record %" PRId64 ")",
                            what, year, name, o->seq);
            else
                kh_err_fail(r->e, KH_EINVAL,
                            "%s of unit %d %s: not in the audit log (added "
                            "outside kaohe)",
                            what, year, name);
            c->bad++;
        }
        return;
    }
    if (!want) {
        if (kind == 'U' && kh_replay_year_proof(r, year) == BY_FILE)
            return;
        kh_err_fail(r->e, KH_EINVAL, "%s: not in the audit log (added "
                    "outside kaohe)", what);
        c->bad++;
    } else if (strcmp(want, live) != 0) {
        kh_err_fail(r->e, KH_EINVAL,
                    "%s: value differs from the audit log (audit record "
                    "%" PRId64 ")",
                    what, o->seq);
        c->bad++;
    }
}

static kh_status row_year(rp *r, kh_db_stmt *st, void *ctx)
{
    int y = kh_db_column_int(st, 0);
    char what[64];
    snprintf(what, sizeof what, "year %d state", y);
    compare(r, ctx, 'Y', y, NULL, kh_store_col_str(st, 1), what);
    ((rp_count *)ctx)->rows++;
    return KH_OK;
}

static kh_status row_unit(rp *r, kh_db_stmt *st, void *ctx)
{
    int y = kh_db_column_int(st, 0);
    const char *id = kh_store_col_str(st, 1);
    char *json = kh_store_unit_json(kh_store_col_str(st, 2),
                                    kh_store_col_str(st, 3),
                                    kh_store_col_str(st, 4));
    if (!json)
        return kh_err_fail(r->e, KH_ENOMEM, "out of memory");
    char what[300];
    snprintf(what, sizeof what, "unit %d %s", y, id);
    compare(r, ctx, 'U', y, id, json, what);
    free(json);
    ((rp_count *)ctx)->rows++;
    return KH_OK;
}

/* Every unit's bonus (or negative) list, "POINTS\tREASON\n" per record. */
static kh_status unit_lists(rp *r, rp_count *c, bool neg)
{
    char kind = neg ? 'N' : 'B';
    const char *what = neg ? "negative records" : "bonus records";
    kh_db_stmt *st = NULL;
    if (kh_db_prepare(r->s->db,
                           "SELECT year, id FROM unit ORDER BY year, id", &st) != KH_DB_OK)
        return kh_store_db_fail(r->s, r->e, "reading units");
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status rc = KH_OK;
    int step;
    while (rc == KH_OK && (step = kh_db_step(st)) == KH_DB_ROW) {
        int y = kh_db_column_int(st, 0);
        const char *id = kh_store_col_str(st, 1);
        kh_buf_reset(&b);
        if ((rc = record_list(r->s, neg, y, id, &b, r->e)) == KH_OK)
            compare(r, c, kind, y, id, kh_buf_str(&b), what);
    }
    if (rc == KH_OK && step != KH_DB_DONE)
        rc = kh_store_db_fail(r->s, r->e, "reading units");
    kh_db_finalize(st);
    kh_buf_free(&b);
    return rc;
}

/* Objects the log has and no live row matched: removed outside kaohe. */
static void missing(rp *r, rp_count *c)
{
    for (size_t i = 0; i < r->m.cap; i++) {
        rp_obj *o = &r->m.v[i];
        if (!o->key || (o->flags & RP_SEEN) || !o->val)
            continue;
        char kind = o->key[0];
        const char *yr = o->key + 2, *name = strchr(yr, '\t') + 1;
        int y = atoi(yr);
        if (kind == 'E') {
            kh_err_fail(r->e, KH_EINVAL,
                        "entry %d %s: missing (deleted outside kaohe; "
                        "last written by audit record %" PRId64 ")",
                        y, name, o->seq);
            unit_bad(r, y, name);
        } else if (kind == 'U')
            kh_err_fail(r->e, KH_EINVAL,
                        "unit %d %s: missing (deleted outside kaohe)", y,
                        name);
        else if (kind == 'Y')
            kh_err_fail(r->e, KH_EINVAL,
                        "year %d: missing (deleted outside kaohe)", y);
        else
            continue;
        c->bad++;
    }
}

/* A unit whose digest differs from its import (or that has entries
 * without records and no import): its entries are named from the
 * import's tags (name_unit); when none is (a tag matching by chance, or
 * an import record's lines altered consistently), the digest still
 * tells.  Returns the store's failure while naming them. */
static kh_status digests_check(rp *r, rp_count *c)
{
    kh_status rc = KH_OK;
    for (size_t i = 0; i < r->m.cap && rc == KH_OK; i++) {
        rp_obj *o = &r->m.v[i];
        if (!o->key || o->key[0] != 'D' || (o->flags & RP_BAD))
            continue;
        const char *yr = o->key + 2, *name = strchr(yr, '\t') + 1;
        int y = atoi(yr), named = 0;
        bool none = !o->first || strncmp(o->first, "entries 0 ", 10) == 0;
        if (!o->val) {
            if (none || kh_replay_year_proof(r, y) != BY_UNITS)
                continue;
            rc = name_unit(r, y, name, 0, &named);
            c->bad += named;
            continue;
        }
        if (o->first ? strcmp(o->first, o->val) == 0
                     : strncmp(o->val, "entries 0 ", 10) == 0)
            continue;
        rc = name_unit(r, y, name, o->seq, &named);
        c->bad += named;
        if (named || rc != KH_OK)
            continue;
        kh_err_fail(r->e, KH_EINVAL,
                    "unit %d %s: entries differ from those imported (audit "
                    "record %" PRId64 "): changed outside kaohe",
                    y, name, o->seq);
        c->bad++;
    }
    return rc;
}

kh_status kh_store_audit_replay(kh_store *s, kh_buf *report, kh_err *e)
{
    rp r = {.s = s, .e = e};
    rp_count c;
    memset(&c, 0, sizeof c);
    kh_status rc = kh_store_audit_each(s, 0, NULL, on_record, &r, e);
    if (rc == KH_OK)
        rc = kh_replay_each_row(&r, "SELECT year, state FROM year ORDER BY year",
                      "reading years", row_year, &c);
    if (rc == KH_OK)
        rc = kh_replay_each_row(&r,
                      "SELECT year, id, name, kind, branch FROM unit"
                      " ORDER BY year, id",
                      "reading units", row_unit, &c);
    if (rc == KH_OK)
        rc = kh_replay_each_row(&r,
                      "SELECT year, unit, item, phase, inputs, note, version"
                      " FROM entry ORDER BY year, unit, item, phase",
                      "reading entries", row_entry, &c);
    if (rc == KH_OK)
        unit_done(&r, &c.g);
    if (rc == KH_OK && (rc = unit_lists(&r, &c, false)) == KH_OK)
        rc = unit_lists(&r, &c, true);
    if (rc == KH_OK)
        rc = kh_replay_tables_check(&r, &c);
    if (rc == KH_OK) {
        missing(&r, &c);
        rc = digests_check(&r, &c);
        if (rc == KH_OK && r.nomem)
            rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    map_free(&r.m);
    if (rc != KH_OK)
        return rc;
    if (c.bad)
        return KH_EINVAL;
    kh_buf_printf(report, "审计重放：%" PRId64 " 个对象与审计日志一致",
                  c.rows);
    if (c.unproved)
        kh_buf_printf(report, "（%" PRId64 " 条旧版导入的记录无法逐条核对）",
                      c.unproved);
    kh_buf_puts(report, "\n");
    return KH_OK;
}
