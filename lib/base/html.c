/*
 * html.c - the HTML escapers of kaohe/html.h (moved here from the web
 * server's src/web/web_html.c so the printable reports share them).
 * Control characters but newline and tab are dropped; invalid UTF-8 and
 * the characters that reorder or break the text around them are shown
 * as U+FFFD.
 */
#include "kaohe/html.h"

#include <stdbool.h>
#include <string.h>

#include "kaohe/name.h"
#include "kaohe/utf8.h"

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
        size_t n = kh_utf8_len(p);
        /* Invalid UTF-8, and what the name rule refuses (a C1 control,
         * U+2028/2029, a direction control) that an older store may hold
         * and that would change how the text around it shows. */
        if (n == 0 || kh_text_char_bad(p, n, KH_TEXT_LINES)) {
            kh_buf_puts(out, "\xEF\xBF\xBD");   /* U+FFFD */
            p += n ? n : 1;
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
