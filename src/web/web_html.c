/*
 * web_html.c - JSON string literals embedded in pages.  The HTML
 * escapers themselves (text, attribute, URL) are the library's one set,
 * kh_html_* of include/kaohe/html.h.
 */
#include "web.h"

#include "kaohe/utf8.h"

#include <string.h>

void web_json_str(kh_buf *out, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    kh_buf_putc(out, '"');
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        unsigned c = *p;
        if (c == '"' || c == '\\') {
            kh_buf_putc(out, '\\');
            kh_buf_putc(out, (char)c);
            p++;
        } else if (c < 0x20 || c == '<' || c == '>' || c == '&' ||
                   c == 0x7F) {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            kh_buf_add(out, esc, 6);
            p++;
        } else if (c < 0x80) {
            kh_buf_putc(out, (char)c);
            p++;
        } else {
            size_t n = kh_utf8_len(p);
            if (n == 0) {
                kh_buf_puts(out, "\\ufffd");
                p++;
            } else {
                kh_buf_add(out, p, n);
                p += n;
            }
        }
    }
    kh_buf_putc(out, '"');
}
