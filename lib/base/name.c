/*
 * name.c - the one rule for names and free text (kaohe/name.h,
 * docs/DESIGN.md "Names"): valid UTF-8, not empty, at most max bytes, no
 * C0/C1 control characters (free text: newline, CR and tab allowed), no
 * line or paragraph separator, no bidirectional override or isolate, and
 * a name has no space at either end (refused, not trimmed).
 */
#include "kaohe/name.h"

#include <stdbool.h>
#include <string.h>

#include "kaohe/utf8.h"

static uint32_t decode(const unsigned char *p, size_t n)
{
    if (n == 1)
        return p[0];
    uint32_t cp = p[0] & (0x7Fu >> n);
    for (size_t i = 1; i < n; i++)
        cp = cp << 6 | (p[i] & 0x3Fu);
    return cp;
}

/* Spaces a name may not begin or end with (Unicode Zs). */
static bool is_space(uint32_t c)
{
    return c == 0x20 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F ||
           c == 0x3000;
}

static kh_text_problem char_problem(uint32_t c, kh_text_kind kind)
{
    if (c < 0x20 || (c >= 0x7F && c <= 0x9F))
        return kind == KH_TEXT_LINES && (c == '\n' || c == '\r' || c == '\t')
                   ? KH_TEXT_FINE : KH_TEXT_CONTROL;
    if (c == 0x2028 || c == 0x2029)
        return KH_TEXT_SEPARATOR;
    if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069))
        return KH_TEXT_BIDI;
    return KH_TEXT_FINE;
}

bool kh_text_char_bad(const unsigned char *p, size_t n, kh_text_kind kind)
{
    return n > 0 && char_problem(decode(p, n), kind) != KH_TEXT_FINE;
}

kh_text_problem kh_text_problem_of(const char *s, kh_text_kind kind,
                                   size_t max, size_t *at, uint32_t *cp)
{
    size_t n = s ? strlen(s) : 0;
    const unsigned char *p = (const unsigned char *)s;
    bool blank = true;
    uint32_t first = 0, last = 0;
    size_t chars = 0;
    for (size_t i = 0; i < n;) {
        size_t k = kh_utf8_len(p + i);
        uint32_t c = k ? decode(p + i, k) : p[i];
        chars++;
        kh_text_problem pr = k ? char_problem(c, kind) : KH_TEXT_UTF8;
        if (pr != KH_TEXT_FINE) {
            if (at)
                *at = chars;
            if (cp)
                *cp = c;
            return pr;
        }
        if (chars == 1)
            first = c;
        last = c;
        blank = blank && (is_space(c) || c == '\n' || c == '\r' || c == '\t');
        i += k;
    }
    if (blank)
        return KH_TEXT_EMPTY;
    if (n > max)
        return KH_TEXT_LONG;
    if (kind == KH_TEXT_NAME && (is_space(first) || is_space(last)))
        return KH_TEXT_EDGE;
    return KH_TEXT_FINE;
}

kh_status kh_text_check(kh_err *e, unsigned line, unsigned col,
                        const char *path, const char *s, kh_text_kind kind,
                        size_t max)
{
    size_t at = 0;
    uint32_t cp = 0;
    switch (kh_text_problem_of(s, kind, max, &at, &cp)) {
    case KH_TEXT_FINE:
        return KH_OK;
    case KH_TEXT_EMPTY:
        return kh_err_at(e, line, col, path, "must not be empty");
    case KH_TEXT_LONG:
        return kh_err_at(e, line, col, path,
                         "is longer than %zu bytes (%zu given)", max,
                         strlen(s));
    case KH_TEXT_UTF8:
        return kh_err_at(e, line, col, path,
                         "is not valid UTF-8 (byte 0x%02X at character %zu)",
                         (unsigned)cp, at);
    case KH_TEXT_CONTROL:
        if (kind == KH_TEXT_NAME)
            return kh_err_at(e, line, col, path,
                             "holds the control character U+%04X at "
                             "character %zu (a name is one line without "
                             "control characters)", (unsigned)cp, at);
        return kh_err_at(e, line, col, path,
                         "holds the control character U+%04X at character "
                         "%zu (only newlines and tabs are allowed)",
                         (unsigned)cp, at);
    case KH_TEXT_SEPARATOR:
        return kh_err_at(e, line, col, path,
                         "holds the line separator U+%04X at character %zu",
                         (unsigned)cp, at);
    case KH_TEXT_BIDI:
        return kh_err_at(e, line, col, path,
                         "holds the text direction control U+%04X at "
                         "character %zu", (unsigned)cp, at);
    case KH_TEXT_EDGE:
        return kh_err_at(e, line, col, path,
                         "begins or ends with a space");
    }
    return KH_OK;
}
