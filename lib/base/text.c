/*
 * text.c - text helpers shared by the report writers: display width of
 * UTF-8 (utf8proc), padding to a width, JSON string and number output, CSV
 * cells with RFC 4180 quoting and formula-injection escaping.  A padded
 * cell shows control and direction characters as U+FFFD.
 */
#include "kaohe/report.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "kaohe/name.h"
#include "kaohe/utf8.h"

size_t kh_text_width(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t w = 0;
    while (*p) {
        if (*p < 0x80) {
            /* ASCII control characters take no column, like wcwidth. */
            w += *p >= 0x20 && *p != 0x7f;
            p++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);
        if (n <= 0) {
            w++;   /* an invalid byte shows as one replacement column */
            p++;
            continue;
        }
        int cw = utf8proc_charwidth(cp);
        w += cw > 0 ? (size_t)cw : 0;
        p += n;
    }
    return w;
}

static void spaces(kh_buf *out, size_t n)
{
    char *w = kh_buf_reserve(out, n);
    if (!w)
        return;
    memset(w, ' ', n);
    kh_buf_commit(out, n);
}

/* s with each character the name rule refuses (kaohe/name.h: controls,
 * separators, direction controls, which an older store may hold and which
 * would move a terminal's cursor or reorder its line) as U+FFFD; NULL
 * when s has none (or on OOM, when s is shown as it is).  Caller frees. */
static char *shown(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t k;
    while (*p && !((k = kh_utf8_len(p)) && kh_text_char_bad(p, k,
                                                            KH_TEXT_NAME)))
        p += k ? k : 1;
    if (!*p)
        return NULL;
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_buf_add(&b, s, (size_t)(p - (const unsigned char *)s));
    while (*p) {
        k = kh_utf8_len(p);
        if (k && kh_text_char_bad(p, k, KH_TEXT_NAME))
            kh_buf_puts(&b, "\xEF\xBF\xBD");
        else
            kh_buf_add(&b, p, k ? k : 1);
        p += k ? k : 1;
    }
    return kh_buf_take(&b, NULL);
}

void kh_text_pad(kh_buf *out, const char *s, size_t w, bool right)
{
    char *safe = shown(s);
    const char *t = safe ? safe : s;
    size_t sw = kh_text_width(t);
    size_t fill = sw < w ? w - sw : 0;
    if (right)
        spaces(out, fill);
    kh_buf_puts(out, t);
    if (!right)
        spaces(out, fill);
    free(safe);
}

void kh_json_str(kh_buf *out, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    kh_buf_putc(out, '"');
    for (;;) {
        /* Copy the longest run that needs no escaping in one go. */
        const unsigned char *run = p;
        while (*p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
            p++;
        if (p > run)
            kh_buf_add(out, run, (size_t)(p - run));
        unsigned char c = *p;
        if (c == '\0')
            break;
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            kh_buf_add(out, esc, 2);
            p++;
        } else if (c < 0x20) {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            kh_buf_add(out, esc, 6);
            p++;
        } else {
            /* Valid UTF-8 is kept as is; an invalid byte becomes U+FFFD
             * so the output is always valid JSON. */
            utf8proc_int32_t cp;
            utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);
            if (n <= 0) {
                kh_buf_puts(out, "\\ufffd");
                p++;
            } else {
                kh_buf_add(out, p, (size_t)n);
                p += n;
            }
        }
    }
    kh_buf_putc(out, '"');
}

void kh_json_cp(kh_buf *out, kh_cp v)
{
    char num[KH_NUM_BUFSZ];
    size_t n = kh_num_format(v, num);
    kh_buf_add(out, num, n);
}

void kh_csv_cell(kh_buf *out, const char *s)
{
    /* A spreadsheet runs a cell starting with one of these as a formula
     * (TAB and CR too, after trimming); a leading ' makes it text. */
    bool formula = strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0';
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        kh_buf_putc(out, '"');
    if (formula)
        kh_buf_putc(out, '\'');
    if (!quote) {
        kh_buf_puts(out, s);
        return;
    }
    for (const char *p = s; *p; ) {
        const char *q = strchr(p, '"');
        if (!q) {
            kh_buf_puts(out, p);
            break;
        }
        kh_buf_add(out, p, (size_t)(q - p + 1));
        kh_buf_putc(out, '"');   /* "" inside a quoted cell */
        p = q + 1;
    }
    kh_buf_putc(out, '"');
}
