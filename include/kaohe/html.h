/*
 * kaohe/html.h - the one set of HTML escapers, one per output context
 * (as in cgit's html.c).  Every value written into an HTML page or an
 * SVG drawing - the printable reports of lib/docs/export_html.c, the charts
 * of lib/docs/compare.c, and the web server's pages - goes through one of
 * these; nothing user-supplied is written any other way.
 *
 * Invalid UTF-8 is written as U+FFFD; control characters other than tab
 * and newline are dropped.  s may be NULL (writes nothing).  All append
 * to out (a kh_buf keeps any failure sticky).
 */
#ifndef KAOHE_HTML_H
#define KAOHE_HTML_H

#include "kaohe/buf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Element text (also SVG <text>): & < > " ' escaped. */
void kh_html_text(kh_buf *out, const char *s);
/* A quoted attribute value (the quotes are the caller's): as
 * kh_html_text, plus ` and = escaped. */
void kh_html_attr(kh_buf *out, const char *s);
/* One URL path segment or query value: everything but the unreserved
 * characters of RFC 3986 percent-encoded (so '/', '?', '#', ':' too).
 * The result is also safe inside a quoted attribute. */
void kh_html_url(kh_buf *out, const char *s);

#ifdef __cplusplus
}
#endif
#endif
