/*
 * model_path.h - what the model loaders (rubric.c, questionnaire.c)
 * share: the data paths of their messages ("items[3].terms[0].max") and
 * the loader context with its checks on the node tree (errors counted,
 * keys checked, strings read).  Private to lib/model.
 */
#ifndef KAOHE_MODEL_PATH_H
#define KAOHE_MODEL_PATH_H

#include "kaohe/doc.h"
#include "kaohe/error.h"
#include "kaohe/name.h"

#include <stdbool.h>
#include <stddef.h>

/* Size of a path buffer; longer paths are cut. */
#define KH_MODEL_PATH_SZ 512

/* out = parent.key (key alone at the root); out may not alias parent. */
void kh_model_path_key(char *out, const char *parent, const char *key);
/* out = parent[i]; out may not alias parent. */
void kh_model_path_idx(char *out, const char *parent, size_t i);

/* A loader's context, the first member of each loader's own.  The loader
 * keeps going after an error so that one run reports every problem. */
typedef struct kh_model_ld {
    kh_err *e;          /* borrowed; may be NULL */
    kh_arena *a;        /* borrowed: the loaded object's arena */
    size_t nbad;        /* errors added so far (e may be NULL) */
    bool oom;
    /* Keys are quoted raw inside the msgid ("unknown key \"%s\"", the
     * questionnaire's messages) rather than escaped by kh_model_quote
     * ("unknown key %s", the rubric's): both stay, byte for byte. */
    bool raw_keys;
} kh_model_ld;

/* Adds an error at n (may be NULL) and path (NULL or "": none). */
void kh_model_err(kh_model_ld *L, const kh_node *n, const char *path,
                  const char *fmt, ...) KH_PRINTF(4, 5);
/* n elements of size bytes from the arena; NULL (and L->oom) when out of
 * memory or the size overflows. */
void *kh_model_alloc(kh_model_ld *L, size_t n, size_t size);
/* A user value quoted for a message: "…", control characters escaped,
 * long values cut at a character boundary.  Lives in the arena. */
const char *kh_model_quote(kh_model_ld *L, const char *s);
/* [a-z0-9][a-z0-9._-]* */
bool kh_model_is_slug(const char *s);
/* Whether n is of type t (a mapping or a sequence); if not, says so. */
bool kh_model_expect(kh_model_ld *L, const kh_node *n, const char *path,
                     kh_node_type t);
/* Reports keys of map that are not in allowed (NULL-ended), duplicate
 * keys, and required keys (NULL-ended, or NULL) that are missing.  what
 * (may be NULL) qualifies the unknown-key message ("for a check term"). */
void kh_model_check_keys(kh_model_ld *L, const kh_node *map,
                         const char *path, const char *const *allowed,
                         const char *const *required, const char *what);
/* map.key as a string into *out (in the tree), nonempty when asked.
 * Returns its node; NULL when absent or invalid (reported). */
const kh_node *kh_model_get_str(kh_model_ld *L, const kh_node *map,
                                const char *path, const char *key,
                                bool nonempty, const char **out);
/* kh_model_get_str, then the one rule of kaohe/name.h for a name, title
 * or label (KH_TEXT_NAME, at most KH_NAME_MAX bytes) or a text
 * (KH_TEXT_LINES): NULL when absent or invalid (reported).  An empty
 * value is refused when nonempty, else passes. */
const kh_node *kh_model_get_text(kh_model_ld *L, const kh_node *map,
                                 const char *path, const char *key,
                                 bool nonempty, const char **out,
                                 kh_text_kind kind);

#endif
