/*
 * model_path.c - what the rubric and questionnaire loaders share
 * (model_path.h): the data paths of their messages and the loader
 * context's checks.  The one copy of each; the messages are the loaders'
 * msgids, unchanged.
 */
#include "model_path.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Appends s to out[0..*n), cutting at KH_MODEL_PATH_SZ - 1 bytes. */
static void path_add(char *out, size_t *n, const char *s)
{
    size_t k = strlen(s);
    if (k > KH_MODEL_PATH_SZ - 1 - *n)
        k = KH_MODEL_PATH_SZ - 1 - *n;
    memmove(out + *n, s, k);
    *n += k;
    out[*n] = '\0';
}

void kh_model_path_key(char *out, const char *parent, const char *key)
{
    size_t n = 0;
    out[0] = '\0';
    path_add(out, &n, parent);
    if (parent[0])
        path_add(out, &n, ".");
    path_add(out, &n, key);
}

void kh_model_path_idx(char *out, const char *parent, size_t i)
{
    char num[32];
    size_t n = 0;
    snprintf(num, sizeof num, "[%zu]", i);
    out[0] = '\0';
    path_add(out, &n, parent);
    path_add(out, &n, num);
}

/* ---- the loader context ------------------------------------------------- */

void kh_model_err(kh_model_ld *L, const kh_node *n, const char *path,
                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kh_err_vat(L->e, KH_SEV_ERROR, n ? n->line : 0, n ? n->col : 0,
               path && path[0] ? path : NULL, fmt, ap);
    va_end(ap);
    L->nbad++;
}

void *kh_model_alloc(kh_model_ld *L, size_t n, size_t size)
{
    if (n && size > SIZE_MAX / n) {
        L->oom = true;
        return NULL;
    }
    size_t bytes = n * size;
    void *p = kh_arena_alloc(L->a, bytes ? bytes : 1);
    if (!p)
        L->oom = true;
    return p;
}

const char *kh_model_quote(kh_model_ld *L, const char *s)
{
    char tmp[160];
    size_t n = 0;
    tmp[n++] = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (n > 120 && (*p & 0xC0) != 0x80) {
            memcpy(tmp + n, "...", 3);
            n += 3;
            break;
        }
        if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\') {
            n += (size_t)snprintf(tmp + n, sizeof tmp - n,
                                  *p == '"' || *p == '\\' ? "\\%c" : "\\x%02x",
                                  *p);
        } else {
            tmp[n++] = (char)*p;
        }
    }
    tmp[n++] = '"';
    char *c = kh_arena_strndup(L->a, tmp, n);
    if (!c) {
        L->oom = true;
        return "\"\"";
    }
    return c;
}

bool kh_model_is_slug(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
        return false;
    for (s++; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '.' || *s == '_' || *s == '-'))
            return false;
    return true;
}

/* What a node is, for a message ("a string", "null"). */
static const char *node_what(const kh_node *n)
{
    const char *k = kh_node_kind(n);
    return strcmp(k, "null") == 0 ? "null" : k;
}

bool kh_model_expect(kh_model_ld *L, const kh_node *n, const char *path,
                     kh_node_type t)
{
    if (n->type == t)
        return true;
    const char *what = node_what(n);
    kh_model_err(L, n, path, "expected a %s, got %s%s",
                 t == KH_NODE_MAP ? "mapping" : "sequence",
                 strcmp(what, "null") == 0 ? "" : "a ", what);
    return false;
}

/* The unknown-key and duplicate-key messages, in the loader's quoting. */
static void key_unknown(kh_model_ld *L, const kh_node *k, const char *path,
                        const char *what)
{
    const char *sp = what ? " " : "", *w = what ? what : "";
    if (L->raw_keys)
        kh_model_err(L, k, path, "unknown key \"%s\"%s%s", k->u.text, sp, w);
    else
        kh_model_err(L, k, path, "unknown key %s%s%s",
                     kh_model_quote(L, k->u.text), sp, w);
}

static void key_twice(kh_model_ld *L, const kh_node *k, const char *path,
                      const kh_node *first)
{
    unsigned line = (unsigned)first->line;
    if (L->raw_keys)
        kh_model_err(L, k, path, "duplicate key \"%s\" (first at line %u)",
                     k->u.text, line);
    else
        kh_model_err(L, k, path, "duplicate key %s (first at line %u)",
                     kh_model_quote(L, k->u.text), line);
}

void kh_model_check_keys(kh_model_ld *L, const kh_node *map,
                         const char *path, const char *const *allowed,
                         const char *const *required, const char *what)
{
    for (uint32_t i = 0; i < map->n; i++) {
        const kh_node *k = &map->u.kids[2 * i];
        if (k->type != KH_NODE_SCALAR) {
            kh_model_err(L, k, path, "keys must be strings, got a %s",
                         node_what(k));
            continue;
        }
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, k->u.text) == 0;
        if (!ok) {
            key_unknown(L, k, path, what);
            continue;
        }
        for (uint32_t j = 0; j < i; j++) {
            const kh_node *o = &map->u.kids[2 * j];
            if (o->type == KH_NODE_SCALAR &&
                strcmp(o->u.text, k->u.text) == 0) {
                key_twice(L, k, path, o);
                break;
            }
        }
    }
    for (const char *const *r = required; r && *r; r++)
        if (!kh_node_get(map, *r))
            kh_model_err(L, map, path, "missing key \"%s\"", *r);
}

const kh_node *kh_model_get_str(kh_model_ld *L, const kh_node *map,
                                const char *path, const char *key,
                                bool nonempty, const char **out)
{
    const kh_node *n = kh_node_get(map, key);
    if (!n)
        return NULL;
    char p[KH_MODEL_PATH_SZ];
    kh_model_path_key(p, path, key);
    if (kh_node_str(n, L->e, p, out) != KH_OK) {
        L->nbad++;
        return NULL;
    }
    if (nonempty && !(*out)[0]) {
        kh_model_err(L, n, p, "must not be empty");
        return NULL;
    }
    return n;
}

const kh_node *kh_model_get_text(kh_model_ld *L, const kh_node *map,
                                 const char *path, const char *key,
                                 bool nonempty, const char **out,
                                 kh_text_kind kind)
{
    const kh_node *n = kh_model_get_str(L, map, path, key, nonempty, out);
    if (!n || !(*out)[0])
        return n;
    char p[KH_MODEL_PATH_SZ];
    kh_model_path_key(p, path, key);
    if (kh_text_check(L->e, n->line, n->col, p, *out, kind,
                      kind == KH_TEXT_NAME ? KH_NAME_MAX : SIZE_MAX) !=
        KH_OK) {
        L->nbad++;
        *out = NULL;
        return NULL;
    }
    return n;
}
