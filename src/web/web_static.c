/*
 * web_static.c - the stylesheet and the small script of the pages:
 * src/web/static/kaohe.css and kaohe.js, compiled into the binary at
 * build time (cmake/embed.cmake writes each as a C array), so nothing
 * is read from disk or another host at run time; fonts come from the
 * reader's system through the stylesheet's font stack.  The printable
 * pages' A4 sheet is the library's (kh_export_html_css), so the web app
 * and the files `kaohe export html` writes look the same.
 */
#include "web.h"

#include <string.h>

#include "kaohe/export.h"

/* The generated arrays (build/static/web_asset_*.c). */
extern const unsigned char web_asset_css[];
extern const size_t web_asset_css_len;
extern const unsigned char web_asset_js[];
extern const size_t web_asset_js_len;

void web_static_css(web_req *r)
{
    r->status = 200;
    r->ctype = "text/css; charset=utf-8";
    kh_buf_add(&r->out, web_asset_css, web_asset_css_len);
}

void web_static_js(web_req *r)
{
    r->status = 200;
    r->ctype = "text/javascript; charset=utf-8";
    kh_buf_add(&r->out, web_asset_js, web_asset_js_len);
}

void web_static_print_css(web_req *r)
{
    r->status = 200;
    r->ctype = "text/css; charset=utf-8";
    kh_buf_puts(&r->out, kh_export_html_css());
}
