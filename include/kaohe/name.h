/*
 * kaohe/name.h - the one rule for names and free text that people type
 * or import (docs/DESIGN.md, "Names"): unit, branch, person and display
 * names, titles, file names (KH_TEXT_NAME) and multi-line texts such as
 * notes, reasons and findings (KH_TEXT_LINES).
 */
#ifndef KAOHE_NAME_H
#define KAOHE_NAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kaohe/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes of a name at most (unit, branch, person, title, label). */
#define KH_NAME_MAX 200

typedef enum kh_text_kind {
    KH_TEXT_NAME,    /* one line: no control character at all, no space at
                        either end */
    KH_TEXT_LINES    /* free text: newline, CR and tab allowed */
} kh_text_kind;

/* What is wrong with a text, first problem found. */
typedef enum kh_text_problem {
    KH_TEXT_FINE,
    KH_TEXT_EMPTY,      /* empty or only spaces */
    KH_TEXT_LONG,       /* more than max bytes */
    KH_TEXT_UTF8,       /* not valid UTF-8 */
    KH_TEXT_CONTROL,    /* C0/C1 control character, DEL */
    KH_TEXT_SEPARATOR,  /* U+2028 / U+2029 */
    KH_TEXT_BIDI,       /* U+202A-202E, U+2066-2069 */
    KH_TEXT_EDGE        /* a name begins or ends with a space */
} kh_text_problem;

/* The problem of s (NUL-terminated; NULL counts as empty) as a text of
 * that kind of at most max bytes; on a bad character *at is its
 * position (1-based, in characters) and *cp its code point (the byte
 * for invalid UTF-8).  at and cp may be NULL. */
kh_text_problem kh_text_problem_of(const char *s, kh_text_kind kind,
                                   size_t max, size_t *at, uint32_t *cp);

/* Whether the character at p (a valid UTF-8 sequence of n bytes, see
 * kh_utf8_len) is one the rule refuses in a text of that kind: a control
 * character (newline, CR and tab pass in KH_TEXT_LINES), a line
 * separator or a direction control.  For front ends showing what an
 * older version stored (as U+FFFD). */
bool kh_text_char_bad(const unsigned char *p, size_t n, kh_text_kind kind);

/* The validator every reader, store write and form calls: KH_OK, or
 * KH_EINVAL with one message located at line:col and path on e (either
 * may be 0/NULL) saying what is wrong and where in the text. */
kh_status kh_text_check(kh_err *e, unsigned line, unsigned col,
                        const char *path, const char *s, kh_text_kind kind,
                        size_t max);

#ifdef __cplusplus
}
#endif
#endif
