/*
 * html.c - the HTML escapers of kaohe/html.h (moved here from the web
 * server's src/web_html.c so the printable reports share them).
 */
#include "kaohe/html.h"

#include <stdbool.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t html_utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned min;
    if ((c & 0xE0) == 0xC0) {
        n = 2;
        min = 0x80;
        c &= 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3;
        min = 0x800;
        c &= 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4;
        min = 0x10000;
        c &= 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    return n;
}

static void html_escape(kh_buf *out, const char *s, bool attr)
{
    if (!s)
        return;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        const unsigned char *run = p;
        /* Copy runs of harmless bytes at once. */
        while (*p && *p != '&' && *p != '<' && *p != '>' && *p != '"' &&
               *p != '\'' && *p != '`' && *p != '=' && *p >= 0x20 &&
               *p < 0x7F)
            p++;
        kh_buf_add(out, run, (size_t)(p - run));
        if (!*p)
            break;
        switch (*p) {
        case '&': kh_buf_puts(out, "&amp;"); p++; continue;
        case '<': kh_buf_puts(out, "&lt;"); p++; continue;
        case '>': kh_buf_puts(out, "&gt;"); p++; continue;
        case '"': kh_buf_puts(out, "&quot;"); p++; continue;
        case '\'': kh_buf_puts(out, "&#39;"); p++; continue;
        case '`': kh_buf_puts(out, attr ? "&#96;" : "`"); p++; continue;
        case '=': kh_buf_puts(out, attr ? "&#61;" : "="); p++; continue;
        default: break;
        }
        if (*p < 0x20 || *p == 0x7F) {
            if (*p == '\n' || *p == '\t')
                kh_buf_putc(out, (char)*p);
            p++;   /* other control characters are dropped */
            continue;
        }
        size_t n = html_utf8_len(p);
        if (n == 0) {
            kh_buf_puts(out, "\xEF\xBF\xBD");   /* U+FFFD */
            p++;
        } else {
            kh_buf_add(out, p, n);
            p += n;
        }
    }
}

void kh_html_text(kh_buf *out, const char *s)
{
    html_escape(out, s, false);
}

void kh_html_attr(kh_buf *out, const char *s)
{
    html_escape(out, s, true);
}

void kh_html_url(kh_buf *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    if (!s)
        return;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned c = *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
            c == '~') {
            kh_buf_putc(out, (char)c);
        } else {
            char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
            kh_buf_add(out, esc, 3);
        }
    }
}
