/*
 * web_evidence.c - evidence (佐证材料) on the self-check and inspection
 * forms: the list of files attached to an item with their download
 * links, the upload form (multipart, 20 MiB cap, stored and attached
 * through kaohe/store_evidence.h in one transaction), the download, and
 * the per-unit counts of the progress table.
 *
 * Permissions are the entry's: uploading needs write access to the
 * entry (web_may_entry WEB_WRITE; the store enforces the year's state),
 * downloading needs read access to an entry of that unit the file is
 * attached to; follow-up evidence is for admin and auditor.  A refused
 * type is answered with a Chinese sentence and the sniffer's reason.
 *
 * Forms and links:
 *   #evidence-ITEM  POST /years/Y/units/U/PHASE/ITEM/evidence  file
 *   a.evidence      GET  /years/Y/units/U/evidence/SHA256
 */
#include "web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/store_evidence.h"

typedef struct list_ctx {
    web_req *r;
    const char *item;
    const char *phase;
    int year;
    size_t n;
} list_ctx;

static kh_status list_cb(void *ctx, const kh_evidence_row *row)
{
    list_ctx *c = ctx;
    if (!row->item || strcmp(row->item, c->item) != 0 || !row->phase ||
        strcmp(row->phase, c->phase) != 0)
        return KH_OK;
    kh_buf *o = &c->r->out;
    if (c->n++ == 0)
        kh_buf_puts(o, "<ul class=\"evidence\">");
    kh_buf_printf(o, "<li><a class=\"evidence\" href=\"/years/%d/units/",
                  c->year);
    kh_html_url(o, row->unit);
    kh_buf_puts(o, "/evidence/");
    kh_html_url(o, row->sha256);
    kh_buf_puts(o, "\">");
    kh_html_text(o, row->name);
    kh_buf_printf(o, "</a> <span class=\"std\">（%s，%" PRId64 " 字节，",
                  row->type, row->size);
    kh_html_text(o, row->added_by);
    kh_buf_puts(o, " ");
    kh_html_text(o, row->added_at);
    kh_buf_puts(o, "）</span></li>");
    return KH_OK;
}

void web_evidence_block(web_req *r, int year, const char *unit,
                        kh_phase phase, const char *item, bool may_write)
{
    kh_buf *o = &r->out;
    kh_buf_puts(o, "<div class=\"evidence-block\"><strong>佐证材料</strong>");
    list_ctx c = {r, item, kh_phase_name(phase), year, 0};
    kh_err *e = kh_err_new();
    if (e)
        web_store_check(r,
                        kh_store_evidence_each(r->store, year, unit, list_cb, &c, e), e);
    kh_err_free(e);
    if (c.n)
        kh_buf_puts(o, "</ul>");
    else
        kh_buf_puts(o, "<span class=\"std\">（无）</span>");
    if (may_write) {
        kh_buf_puts(o, "<form method=\"post\" enctype=\"multipart/form-data\" "
                       "class=\"evidence\" id=\"evidence-");
        kh_html_attr(o, item);
        kh_buf_printf(o, "\" action=\"/years/%d/units/", year);
        kh_html_url(o, unit);
        kh_buf_printf(o, "/%s/", kh_phase_name(phase));
        kh_html_url(o, item);
        kh_buf_puts(o, "/evidence\">");
        web_csrf_field(r);
        kh_buf_puts(o, "<input type=\"file\" name=\"file\" accept=\".pdf,.jpg,"
                       ".jpeg,.png,.docx,.xlsx,.doc,.xls\" required> <button "
                       "type=\"submit\">上传</button> <span class=\"std\">PDF、"
                       "JPG、PNG、Word、Excel，每个文件不超过 20 MB</span>"
                       "</form>");
    }
    kh_buf_puts(o, "</div>\n");
}

static void back_url(kh_buf *b, int year, const char *unit, kh_phase phase)
{
    kh_buf_printf(b, "/years/%d/units/", year);
    kh_html_url(b, unit);
    kh_buf_printf(b, "/%s", kh_phase_name(phase));
}

/* The name a file is stored under: the uploaded name when its
 * extension matches the type detected from the content, else the name
 * without its extension plus the type's ("poly.html" holding a PDF is
 * stored as "poly.pdf"): a download never carries an extension that
 * makes a browser or desktop treat the bytes as another type.  NULL on
 * OOM (caller frees). */
char *web_evidence_name(const char *name, kh_evidence_type type)
{
    const char *ext = kh_evidence_type_name(type);
    const char *dot = name ? strrchr(name, '.') : NULL;
    if (dot && (strcasecmp(dot + 1, ext) == 0 ||
                (type == KH_EVIDENCE_JPG && strcasecmp(dot + 1, "jpeg") == 0)))
        return strdup(name);
    size_t base = name ? (dot ? (size_t)(dot - name) : strlen(name)) : 0;
    kh_buf b;
    kh_buf_init(&b, 0);
    if (base)
        kh_buf_add(&b, name, base);
    else
        kh_buf_puts(&b, "evidence");
    kh_buf_printf(&b, ".%s", ext);
    char *out = kh_buf_take(&b, NULL);
    kh_buf_free(&b);
    return out;
}

void web_evidence_upload(web_req *r, int year, const char *unit,
                         kh_phase phase, const char *item)
{
    if (!web_may_entry(r, year, unit, phase, WEB_WRITE)) {
        web_refuse_page(r, "evidence upload: role or unit");
        return;
    }
    kh_buf back;
    kh_buf_init(&back, 0);
    back_url(&back, year, unit, phase);
    const web_field *f = web_form_file(r, "file");
    kh_err *e = kh_err_new();
    kh_evidence_type type;
    char hash[KH_EVIDENCE_HASH_SZ];
    const char *why = NULL;
    char *name = NULL;
    kh_status st = KH_ENOMEM;
    if (!e)
        goto out;
    if (!f || !f->data.len) {
        st = KH_EINVAL;
        why = "请选择要上传的文件（文件不能为空）。";
    } else if ((st = kh_evidence_sniff(f->filename, f->data.data, f->data.len,
                                       &type, e)) != KH_OK) {
        why = "文件类型不符合要求，未上传。佐证材料只接受 PDF、JPG、PNG、"
              "Word（DOC/DOCX）和 Excel（XLS/XLSX）文件。";
    } else if (!(name = web_evidence_name(f->filename, type))) {
        st = KH_ENOMEM;
    } else if ((st = kh_store_begin(r->store, e)) == KH_OK) {
        st = kh_store_evidence_put(r->store, r->sess.user, name,
                                   f->data.data, f->data.len, 0, hash, e);
        if (st == KH_OK)
            st = kh_store_evidence_attach(r->store, r->sess.user, year, unit,
                                          item, phase, hash, name, e);
        if (st == KH_OK)
            st = kh_store_commit(r->store, e);
        else
            kh_store_rollback(r->store);
        if (st == KH_ENOTFOUND)
            why = "请先保存本项，再上传佐证材料。";
        else if (st == KH_ELIMIT)
            why = "文件超过 20 MB，未上传。";
        else if (st == KH_EINVAL)
            why = "文件名不符合要求，未上传。";
    }
out:
    if (st == KH_OK) {
        kh_buf_puts(&back, "?evidence=1#item-");
        kh_html_url(&back, item);
        web_redirect(r, kh_buf_str(&back));
    } else if (st == KH_ESTATE) {
        web_refuse_page(r, "evidence upload: the year's state does not allow it");
    } else if (why) {
        web_page_begin(r, "佐证材料未上传");
        r->status = 422;
        web_msg_box(&r->out, "error", why);
        if (e && kh_err_count(e)) {
            kh_buf_puts(&r->out, "<p class=\"std\" id=\"reason\">原因：");
            for (size_t i = 0; i < kh_err_count(e); i++)
                kh_html_text(&r->out, web_msg_text(kh_err_get(e, i)));
            kh_buf_puts(&r->out, "</p>");
        }
        kh_buf_puts(&r->out, "<p><a id=\"back\" href=\"");
        kh_html_attr(&r->out, kh_buf_str(&back));
        kh_buf_puts(&r->out, "\">返回表单</a></p>");
        web_page_end(r);
    } else {
        web_fail(r, st, e);
    }
    kh_buf_free(&back);
    kh_err_free(e);
    free(name);
}

typedef struct find_ctx {
    web_req *r;
    const char *hash;
    bool found, allowed;
    char type[8];
    char *name;         /* the name attached to the allowed link (owned) */
} find_ctx;

static kh_status find_cb(void *ctx, const kh_evidence_row *row)
{
    find_ctx *c = ctx;
    if (strcmp(row->sha256, c->hash) != 0)
        return KH_OK;
    c->found = true;
    snprintf(c->type, sizeof c->type, "%s", row->type);
    kh_phase ph;
    if (row->item && row->phase && kh_phase_parse(row->phase, &ph)) {
        if (web_may_entry(c->r, row->year, row->unit, ph, WEB_READ))
            c->allowed = true;
    } else if (web_may(c->r, WEB_A_READ_ALL, row->year, NULL)) {
        c->allowed = true;
    }
    if (c->allowed && !c->name && !(c->name = strdup(row->name)))
        return KH_ENOMEM;
    return c->allowed ? KH_DONE : KH_OK;
}

static const char *mime(const char *type)
{
    static const struct { const char *t, *m; } map[] = {
        {"pdf", "application/pdf"},
        {"jpg", "image/jpeg"},
        {"png", "image/png"},
        {"docx", "application/vnd.openxmlformats-officedocument."
                 "wordprocessingml.document"},
        {"xlsx", "application/vnd.openxmlformats-officedocument."
                 "spreadsheetml.sheet"},
        {"doc", "application/msword"},
        {"xls", "application/vnd.ms-excel"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].t, type) == 0)
            return map[i].m;
    return "application/octet-stream";
}

void web_evidence_download(web_req *r, int year, const char *unit,
                           const char *hash)
{
    find_ctx c = {r, hash, false, false, "", NULL};
    kh_err *e = kh_err_new();
    if (!e) {
        web_error_page(r, 500, NULL);
        return;
    }
    bool full = strlen(hash) == KH_EVIDENCE_HASH_SZ - 1;
    if (full)
        web_store_check(r,
                        kh_store_evidence_each(r->store, year, unit, find_cb, &c, e), e);
    if (!c.found || !c.allowed) {
        kh_err_free(e);
        free(c.name);
        if (!c.found)
            web_error_page(r, 404, NULL);
        else
            web_refuse_page(r, "evidence download: role or unit");
        return;
    }
    /* The name served is the one attached to this unit's entry, not the
     * first uploader's of the same bytes (evidence.name). */
    char *first = NULL;
    kh_err_clear(e);
    kh_buf_reset(&r->out);
    kh_status st = kh_store_evidence_get(r->store, hash, &r->out, &first, e);
    free(first);
    if (st != KH_OK) {
        if (st == KH_ENOTFOUND)
            web_error_page(r, 404, NULL);
        else
            web_fail(r, st, e);
        kh_err_free(e);
        free(c.name);
        return;
    }
    kh_err_free(e);
    char *name = c.name;
    r->status = 200;
    r->ctype = mime(c.type);
    kh_buf d;
    kh_buf_init(&d, 0);
    /* RFC 6266/5987: an ASCII fallback and the UTF-8 name, encoded. */
    kh_buf_printf(&d, "attachment; filename=\"evidence.%s\"; filename*=UTF-8''",
                  c.type);
    kh_html_url(&d, name ? name : "evidence");
    r->disposition = kh_buf_take(&d, NULL);
    kh_buf_free(&d);
    free(name);
}

typedef struct count_ctx {
    const kh_assess *a;
    size_t *counts;
} count_ctx;

static kh_status count_cb(void *ctx, const kh_evidence_row *row)
{
    count_ctx *c = ctx;
    if (!row->item)
        return KH_OK;
    long u = kh_assess_unit_find(c->a, row->unit);
    if (u >= 0)
        c->counts[u]++;
    return KH_OK;
}

size_t *web_evidence_counts(web_req *r, int year, const kh_assess *a)
{
    size_t *counts = calloc(kh_assess_unit_count(a) + 1, sizeof *counts);
    kh_err *e = kh_err_new();
    if (counts && e) {
        count_ctx c = {a, counts};
        web_store_check(r,
                        kh_store_evidence_each(r->store, year, NULL, count_cb, &c, e), e);
    }
    kh_err_free(e);
    return counts;
}
