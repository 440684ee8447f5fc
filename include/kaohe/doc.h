/*
 * kaohe/doc.h - reading YAML and JSON documents as located values.
 *
 * A kh_doc is a pull reader over one file.  JSON (a file whose first
 * non-blank character is '{' or '[') goes through kaohe's own streaming
 * tokenizer, which is fast and tracks line and column; anything else is
 * YAML 1.2 read with libfyaml's event parser.  Both produce the same
 * events, and kh_doc_read() builds the next complete value as a small tree
 * of kh_node in an arena.  Loaders stream large top-level sequences one
 * element at a time (kh_doc_enter / kh_doc_more), so memory stays
 * proportional to one element, not to the file.
 *
 * Scalars keep their source text; types are decided by the loader that
 * knows what it expects (YAML 1.2 core: only true/false are booleans, so
 * `yes`/`no`/`on`/`off` are strings).  YAML anchors, aliases and merge
 * keys are resolved (a value that came through an alias is placed at the
 * alias; an alias bomb stops the reader); tags are reported as located
 * errors.
 *
 * Errors: a syntax error (or nesting deeper than 64 levels, or a scalar
 * over 1 MiB) stops the reader: every later call fails.  Other errors
 * (duplicate keys, non-scalar keys, tags, undefined or recursive aliases,
 * a bad merge value, a value of the wrong kind for kh_doc_enter) are
 * reported, the bad value is consumed and reading can go on;
 * kh_doc_finish() then returns KH_EINVAL.
 */
#ifndef KAOHE_DOC_H
#define KAOHE_DOC_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "kaohe/error.h"
#include "kaohe/num.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- arena ---------------------------------------------------------- */

typedef struct kh_arena kh_arena;

/* Creates an arena; caller frees it with kh_arena_free(). */
kh_arena *kh_arena_new(void);
void kh_arena_free(kh_arena *a);
/* Frees everything allocated since creation but keeps one block. */
void kh_arena_reset(kh_arena *a);
/* Allocates n bytes, 8-aligned, zeroed; owned by the arena.  NULL on OOM. */
void *kh_arena_alloc(kh_arena *a, size_t n);
/* Copies s[0..n) plus a NUL into the arena. */
char *kh_arena_strndup(kh_arena *a, const char *s, size_t n);

/* ---- nodes ---------------------------------------------------------- */

typedef enum kh_node_type {
    KH_NODE_SCALAR = 1,
    KH_NODE_MAP,
    KH_NODE_SEQ
} kh_node_type;

typedef enum kh_scalar_style {
    KH_SCALAR_PLAIN = 0,   /* YAML plain, or a JSON number/true/false/null */
    KH_SCALAR_QUOTED       /* YAML quoted or block scalar, or a JSON string */
} kh_scalar_style;

/* A value.  Everything it points to is owned by the arena it was built
 * in.  For a map, kids holds 2*n nodes: key, value, key, value... */
typedef struct kh_node {
    uint8_t type;          /* kh_node_type */
    uint8_t style;         /* kh_scalar_style, for scalars */
    uint32_t line, col;    /* 1-based position of the value's start */
    uint32_t n;            /* scalar: byte length; seq: items; map: pairs */
    union {
        const char *text;  /* scalar text, NUL-terminated */
        struct kh_node *kids;
    } u;
} kh_node;

/* Value of key in a map node, or NULL. */
const kh_node *kh_node_get(const kh_node *map, const char *key);
/* The i-th item of a seq, or NULL. */
const kh_node *kh_node_at(const kh_node *seq, size_t i);
/* True for a plain null scalar (~, null, empty). */
bool kh_node_is_null(const kh_node *n);
/* True when n is a scalar equal to s. */
bool kh_node_eq(const kh_node *n, const char *s);
/* "string", "number", "boolean", "null", "mapping" or "sequence": what
 * the value looks like, for messages such as "expected a number, got a
 * mapping". */
const char *kh_node_kind(const kh_node *n);

/* ---- typed getters: each adds a located error on mismatch ------------
 * path names the value for messages ("entries[5].item").  They return
 * KH_OK or KH_EINVAL. */
kh_status kh_node_str(const kh_node *n, kh_err *e, const char *path,
                      const char **out);
kh_status kh_node_bool(const kh_node *n, kh_err *e, const char *path,
                       bool *out);
/* A decimal with at most two fractional digits. */
kh_status kh_node_cp(const kh_node *n, kh_err *e, const char *path,
                     kh_cp *out);
/* An integer (no fraction). */
kh_status kh_node_int(const kh_node *n, kh_err *e, const char *path,
                      int64_t *out);

/* ---- the reader ----------------------------------------------------- */

typedef struct kh_doc kh_doc;

/* Opens a file (read whole into memory).  The file name is what error
 * messages show: it becomes e's current file (kh_err_set_file).  e is
 * borrowed and must outlive the doc.  Caller frees with kh_doc_free(). */
kh_status kh_doc_open_file(const char *path, kh_err *e, kh_doc **out);
/* Opens a memory buffer (borrowed: must outlive the doc); name is shown in
 * messages.  format: 0 = detect, 'j' = JSON, 'y' = YAML. */
kh_status kh_doc_open_mem(const char *name, const char *data, size_t len,
                          int format, kh_err *e, kh_doc **out);
void kh_doc_free(kh_doc *d);
/* True when the document is read by the JSON tokenizer. */
bool kh_doc_is_json(const kh_doc *d);

/* Reads the next complete value into arena a (inside an entered mapping:
 * the key, then its value).  On an error *out is NULL.  KH_DONE (no
 * message) once the top-level value has been read. */
kh_status kh_doc_read(kh_doc *d, kh_arena *a, const kh_node **out);
/* Expects the start of a mapping (type KH_NODE_MAP) or sequence
 * (KH_NODE_SEQ) and consumes it; reports a located error otherwise.
 * line/col (may be NULL) receive its position. */
kh_status kh_doc_enter(kh_doc *d, kh_node_type type, unsigned *line,
                       unsigned *col);
/* After kh_doc_enter: returns true while the container has more values
 * (for a mapping: more keys), false after consuming its end. On a syntax
 * error returns false and *st (if not NULL) is set to the error.  What
 * the caller left unread since the last call (an item, or the value of
 * the key it read) is skipped. */
bool kh_doc_more(kh_doc *d, kh_status *st);
/* Expects the end of input (after the top-level value); anything not
 * read yet is skipped but still checked.  KH_EINVAL when any error was
 * reported while reading the document. */
kh_status kh_doc_finish(kh_doc *d);

#ifdef __cplusplus
}
#endif
#endif
