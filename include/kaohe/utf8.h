/*
 * kaohe/utf8.h - the one UTF-8 validator, shared by the JSON tokenizer,
 * the HTML and XML escapers and the web server.
 */
#ifndef KAOHE_UTF8_H
#define KAOHE_UTF8_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Length of the valid UTF-8 sequence at p (2..4, p[0] >= 0x80), or 0
 * when invalid: overlong forms, surrogates and values above U+10FFFF are
 * invalid.  Never reads at or past end, nor past a byte that is not a
 * continuation byte (so end = p + 4 is safe on a NUL-terminated string). */
size_t kh_utf8_seq(const unsigned char *p, const unsigned char *end);

/* Length of the character at p of a NUL-terminated string: 1 for ASCII
 * (including the NUL), else kh_utf8_seq (0 when invalid). */
static inline size_t kh_utf8_len(const unsigned char *p)
{
    return p[0] < 0x80 ? 1 : kh_utf8_seq(p, p + 4);
}

#ifdef __cplusplus
}
#endif
#endif
