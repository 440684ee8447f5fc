/*
 * doc_impl.h - private declarations shared by doc.c, json_lex.c and
 * yaml_events.c: the event both readers produce, the JSON tokenizer and
 * the libfyaml event adapter.
 */
#ifndef KAOHE_DOC_IMPL_H
#define KAOHE_DOC_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "kaohe/error.h"
#include "kaohe/utf8.h"

/* Fuzz safety limits (shared so both readers report them identically). */
#define KH_DOC_MAX_DEPTH 64
#define KH_DOC_MAX_SCALAR ((size_t)1 << 20)

/* Alias bombs: the nodes (and scalar bytes) that YAML aliases add may not
 * exceed KH_DOC_ALIAS_RATIO times the nodes (bytes) written in the text,
 * plus KH_DOC_ALIAS_SLACK for small files, nor KH_DOC_MAX_ALIAS_NODES. */
#define KH_DOC_ALIAS_RATIO 10
#define KH_DOC_ALIAS_SLACK 1000
#define KH_DOC_MAX_ALIAS_NODES ((size_t)1 << 20)

typedef enum kh_ev_type {
    KH_EV_END = 0,      /* end of input, after the top-level value */
    KH_EV_SCALAR,
    KH_EV_MAP,          /* start of a mapping */
    KH_EV_MAP_END,
    KH_EV_SEQ,          /* start of a sequence */
    KH_EV_SEQ_END
} kh_ev_type;

/* One event.  text is borrowed from the reader (input buffer, a scratch
 * buffer or a libfyaml token) and valid only until the next call to the
 * reader; it is not NUL-terminated. */
typedef struct kh_ev {
    uint8_t type;       /* kh_ev_type */
    uint8_t style;      /* kh_scalar_style, for scalars */
    bool bad;           /* a non-fatal error was already reported for it */
    unsigned line, col; /* 1-based */
    const char *text;
    size_t len;
} kh_ev;

/* ---- JSON tokenizer (json_lex.c) --------------------------------------
 * Streams the events of one JSON text held in memory, checking the full
 * grammar.  Every error is fatal: it is reported on e with its line and
 * column (columns count characters) and later calls return KH_EINVAL. */
typedef struct kh_jlex {
    const char *p, *end;
    const char *line_start;   /* first byte of the current line */
    size_t extra;             /* UTF-8 continuation bytes in [line_start, p) */
    unsigned line;
    int state;
    int depth;
    uint8_t stack[KH_DOC_MAX_DEPTH]; /* '{' or '[' per open container */
    char *scratch;            /* owned: decoded strings with escapes */
    size_t scap;
    kh_err *e;
} kh_jlex;


/* data[0..len) is borrowed and must outlive the tokenizer.  A leading
 * UTF-8 byte order mark is skipped. */
void kh_jlex_init(kh_jlex *l, const char *data, size_t len, kh_err *e);
void kh_jlex_free(kh_jlex *l);
kh_status kh_jlex_next(kh_jlex *l, kh_ev *ev);

/* ---- YAML via libfyaml (yaml_events.c) --------------------------------
 * Parse errors are fatal and reported located; tags are reported but do
 * not stop the stream (the event is marked bad).  Aliases are replaced
 * by the events of their anchored node, placed at the alias; an undefined
 * or recursive alias is reported and reads as a bad null scalar; an alias
 * bomb is fatal. */
typedef struct kh_yev kh_yev;

/* data[0..len) is borrowed.  *out is owned by the caller (kh_yev_free). */
kh_status kh_yev_open(const char *data, size_t len, kh_err *e, kh_yev **out);
void kh_yev_free(kh_yev *y);
kh_status kh_yev_next(kh_yev *y, kh_ev *ev);

#endif
