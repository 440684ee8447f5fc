/*
 * web_inbox.c - the user's inbox in the web server (站内消息,
 * kaohe/store_inbox.h): the header's link with the unread count, the
 * /inbox page (newest first, each message marked read on its own), and
 * the POST that marks one read.  Every call names the session's user:
 * nobody reads or marks another user's messages.
 */
#include "web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/store_inbox.h"

void web_inbox_link(web_req *r)
{
    kh_err *e = kh_err_new();
    int64_t n = 0;
    kh_status st = e ? kh_store_inbox_unread(r->store, r->sess.user, &n, e)
                     : KH_ENOMEM;
    web_store_check(r, st, e);
    kh_err_free(e);
    kh_buf_printf(&r->out, "<a href=\"/inbox\" id=\"nav-inbox\">%s", W_("inbox"));
    if (n > 0)
        kh_buf_printf(&r->out, " <span class=\"unread\" id=\"unread\">%" PRId64
                               "</span>", n);
    kh_buf_puts(&r->out, "</a>");
}

typedef struct inbox_ctx {
    web_req *r;
    size_t n;
} inbox_ctx;

static kh_status inbox_row(void *ctx, const kh_inbox_row *m)
{
    inbox_ctx *c = ctx;
    kh_buf *o = &c->r->out;
    c->n++;
    kh_buf_printf(o, "<li id=\"m-%" PRId64 "\" class=\"%s\"><span class=\""
                     "when\">", m->id, m->read ? "read" : "unread");
    web_time_out(o, m->made_at);   /* Beijing time, in Chinese */
    kh_buf_puts(o, "</span> ");
    if (m->link && m->link[0] == '/') {
        kh_buf_puts(o, "<a href=\"");
        kh_html_attr(o, m->link);
        kh_buf_puts(o, "\">");
        kh_html_text(o, m->body);
        kh_buf_puts(o, "</a>");
    } else {
        kh_html_text(o, m->body);
    }
    if (!m->read) {
        kh_buf_printf(o, " <form method=\"post\" action=\"/inbox/%" PRId64
                         "/read\" class=\"inline\">", m->id);
        web_csrf_field(c->r);
        kh_buf_printf(o, "<button type=\"submit\">%s</button></form>",
                      W_("mark read"));
    }
    kh_buf_puts(o, "</li>\n");
    return KH_OK;
}

void web_inbox_page(web_req *r)
{
    web_page_begin(r, W_("inbox"));
    kh_buf *o = &r->out;
    kh_err *e = kh_err_new();
    if (e) {
        /* the reminders due now are made before the list is read */
        web_store_check(r, kh_store_remind(r->store, NULL, e), e);
        kh_err_clear(e);
    }
    kh_buf_puts(o, "<ul id=\"inbox\" class=\"inbox\">\n");
    inbox_ctx c = {r, 0};
    if (e)
        web_store_check(r, kh_store_inbox_each(r->store, r->sess.user,
                                               inbox_row, &c, e), e);
    kh_buf_puts(o, "</ul>\n");
    if (c.n == 0)
        web_msg_box(o, "", W_("no messages"));
    kh_err_free(e);
    web_page_end(r);
}

void web_inbox_read(web_req *r, const char *id)
{
    char *end = NULL;
    long long v = id ? strtoll(id, &end, 10) : 0;
    if (!id || !*id || *end || v <= 0) {
        web_error_page(r, 404, NULL);
        return;
    }
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_inbox_mark_read(r->store, r->sess.user,
                                                (int64_t)v, e)
                     : KH_ENOMEM;
    if (st == KH_OK)
        web_redirect(r, "/inbox");
    else if (st == KH_ENOTFOUND)
        web_error_page(r, 404, NULL);   /* not theirs, or no such message */
    else
        web_fail(r, st, e);
    kh_err_free(e);
}
