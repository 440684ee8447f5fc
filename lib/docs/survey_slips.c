/*
 * survey_slips.c - printable slips of one-time questionnaire codes (A4,
 * KH_SLIPS_PER_PAGE a page), each with the link and a QR code as inline
 * SVG; and the same codes as CSV.
 */
#include "kaohe/survey_doc.h"

#include <errno.h>
#include <string.h>
#include <qrencode.h>

#include "kaohe/html.h"

void kh_survey_link(const char *base, const char *code, kh_buf *out)
{
    size_t n = strlen(base);
    while (n && base[n - 1] == '/')
        n--;
    kh_buf_add(out, base, n);
    kh_buf_printf(out, "/q/%s", code);
}

kh_status kh_qr_svg(const char *text, unsigned mm, kh_buf *out)
{
    QRcode *qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
    if (!qr)
        return errno == ENOMEM ? KH_ENOMEM : KH_EINVAL;
    int w = qr->width, q = 4;   /* quiet zone of four modules */
    kh_buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                  "width=\"%umm\" height=\"%umm\" viewBox=\"0 0 %d %d\" "
                  "shape-rendering=\"crispEdges\" role=\"img\" "
                  "aria-label=\"二维码\"><rect width=\"%d\" height=\"%d\" "
                  "fill=\"#fff\"/><path fill=\"#000\" d=\"", mm, mm,
                  w + 2 * q, w + 2 * q, w + 2 * q, w + 2 * q);
    for (int y = 0; y < w; y++)
        for (int x = 0; x < w; x++)
            if (qr->data[y * w + x] & 1)
                kh_buf_printf(out, "M%d %dh1v1h-1z", x + q, y + q);
    kh_buf_puts(out, "\"/></svg>");
    QRcode_free(qr);
    return kh_buf_status(out);
}

static const char style[] =
    "@page{size:A4;margin:10mm}\n"
    "body{font-family:'WenQuanYi Micro Hei',sans-serif;margin:0;"
    "background:#fff;font-size:11pt}\n"
    ".page{display:grid;grid-template-columns:1fr 1fr;gap:0;"
    "page-break-after:always}\n"
    ".slip{border:1px dashed #888;padding:4mm;height:62mm;"
    "box-sizing:border-box;display:flex;gap:3mm;align-items:center}\n"
    ".slip h2{font-size:11pt;margin:0 0 2mm}\n"
    ".slip p{font-size:9pt;margin:1mm 0;word-break:break-all}\n"
    ".code{font-family:monospace;font-size:11pt;letter-spacing:1px}\n";

const char *kh_survey_slips_css(void)
{
    return style;
}

static kh_status slip(const char *title, const char *unit,
                      const char *audience, const char *base,
                      const char *code, kh_buf *out)
{
    kh_buf link;
    kh_buf_init(&link, 0);
    kh_survey_link(base, code, &link);
    kh_buf_puts(out, "<div class=\"slip\">");
    kh_status st = kh_qr_svg(kh_buf_str(&link), 36, out);
    kh_buf_puts(out, "<div><h2>");
    kh_html_text(out, title);
    kh_buf_puts(out, "</h2><p>");
    kh_html_text(out, unit);
    kh_buf_puts(out, " · ");
    kh_html_text(out, audience);
    kh_buf_puts(out, "</p><p>匿名填写，扫码或在浏览器中打开：</p><p>");
    kh_html_text(out, kh_buf_str(&link));
    kh_buf_puts(out, "</p><p>答题码 <span class=\"code\">");
    kh_html_text(out, code);
    kh_buf_puts(out, "</span>（只能提交一次）</p></div></div>\n");
    kh_buf_free(&link);
    return st;
}

kh_status kh_survey_slips_html(const char *title, const char *unit,
                               const char *audience, const char *base,
                               const char *css_href,
                               const char *const *codes, size_t n,
                               kh_buf *out)
{
    kh_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head>"
                "<meta charset=\"utf-8\"><title>问卷答题码 ");
    kh_html_text(out, unit);
    if (css_href) {
        kh_buf_puts(out, "</title>\n<link rel=\"stylesheet\" href=\"");
        kh_html_attr(out, css_href);
        kh_buf_puts(out, "\"></head><body>\n");
    } else {
        kh_buf_printf(out, "</title>\n<style>\n%s</style>\n</head><body>\n",
                      style);
    }
    kh_status st = KH_OK;
    for (size_t i = 0; st == KH_OK && i < n; i++) {
        if (i % KH_SLIPS_PER_PAGE == 0)
            kh_buf_puts(out, i ? "</div>\n<div class=\"page\">\n"
                               : "<div class=\"page\">\n");
        st = slip(title, unit, audience, base, codes[i], out);
    }
    kh_buf_puts(out, n ? "</div>\n</body></html>\n" : "</body></html>\n");
    return st != KH_OK ? st : kh_buf_status(out);
}

kh_status kh_survey_codes_csv(const char *base, const char *const *codes,
                              size_t n, kh_buf *out)
{
    kh_buf_puts(out, "code,link\n");
    for (size_t i = 0; i < n; i++) {
        kh_buf_printf(out, "%s,", codes[i]);
        kh_survey_link(base, codes[i], out);
        kh_buf_putc(out, '\n');
    }
    return kh_buf_status(out);
}
