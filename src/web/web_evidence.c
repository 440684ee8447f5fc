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
 * attached to; follow-up evidence is for admin and auditor.  Removing
 * or replacing a file is for the uploader's side only (policy
 * WEB_A_EVIDENCE_REMOVE: admin, or the unit's own user), with write
 * access to the entry; never an inspector or the auditor.  The store
 * audits each link and unlink; an unlinked file's bytes stay in the
 * store (content-addressed, named by the audit trail).
 *
 * One upload takes up to WEB_EVIDENCE_FILES_MAX files, all or nothing:
 * every file is checked first (empty, type by content), then all are
 * stored in one transaction; a refusal lists each refused file by name.
 *
 * On the inspection form the unit's own (self-check) files of the item
 * are listed first, read-only.
 *
 * Forms and links:
 *   #evidence-ITEM        POST /years/Y/units/U/PHASE/ITEM/evidence  file...
 *   form.evidence-remove  POST .../PHASE/ITEM/evidence/remove   sha256
 *   form.evidence-replace POST .../PHASE/ITEM/evidence/replace  sha256, file
 *   a.evidence            GET  /years/Y/units/U/evidence/SHA256
 */
#include "web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kaohe/store_evidence.h"
#include "kaohe/cnday.h"

typedef struct list_ctx {
    web_req *r;
    const char *item;
    const char *phase;
    int year;
    bool may_remove;   /* remove and replace forms beside each file */
    size_t n;
} list_ctx;

void web_size_out(kh_buf *o, int64_t n)
{
    if (n < 1024)
        kh_buf_printf(o, W_("%" PRId64 " bytes"), n);
    else if (n < (1 << 20))
        kh_buf_printf(o, "%" PRId64 " KB", (n + 512) / 1024);
    else
        kh_buf_printf(o, "%" PRId64 ".%" PRId64 " MB", n >> 20,
                      ((n & ((1 << 20) - 1)) * 10) >> 20);
}

/* A store time "2026-12-06T22:16:27Z" as Beijing time people read
 * ("2026-12-07 06:16"); another string is copied as it is. */
static void time_out(kh_buf *o, const char *utc)
{
    struct tm tm = {0};
    const char *end = utc ? strptime(utc, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;
    time_t t = end && !*end ? timegm(&tm) : (time_t)-1;
    char b[32];
    if (t == (time_t)-1 || !(t += KH_CNDAY_OFFSET, gmtime_r(&t, &tm)) ||
        !strftime(b, sizeof b, "%Y-%m-%d %H:%M", &tm)) {
        kh_html_text(o, utc);
        return;
    }
    kh_buf_puts(o, b);
}

/* The action URL of an item's evidence forms: .../PHASE/ITEM/evidence
 * followed by what ("" for the upload, "/remove", "/replace"). */
static void form_action(kh_buf *o, const list_ctx *c, const char *unit,
                        const char *what)
{
    kh_buf_printf(o, "/years/%d/units/", c->year);
    kh_html_url(o, unit);
    kh_buf_printf(o, "/%s/", c->phase);
    kh_html_url(o, c->item);
    kh_buf_printf(o, "/evidence%s", what);
}

/* The remove and replace forms of one file (the uploader's side only). */
static void file_forms(web_req *r, const list_ctx *c,
                       const kh_evidence_row *row)
{
    kh_buf *o = &r->out;
    kh_buf_puts(o, "<form method=\"post\" class=\"evidence-remove\" action=\"");
    form_action(o, c, row->unit, "/remove");
    kh_buf_puts(o, "\">");
    web_csrf_field(r);
    kh_buf_printf(o, "<input type=\"hidden\" name=\"sha256\" value=\"%s\">"
                     "<button type=\"submit\" class=\"danger\" aria-label=\"",
                  row->sha256);
    kh_html_attr(o, W_("Remove"));
    kh_buf_puts(o, " ");
    kh_html_attr(o, row->name);
    kh_buf_puts(o, "\">");
    kh_html_text(o, W_("Remove"));
    kh_buf_puts(o, "</button></form><form method=\"post\" "
                   "enctype=\"multipart/form-data\" class=\"evidence-replace\" "
                   "action=\"");
    form_action(o, c, row->unit, "/replace");
    kh_buf_puts(o, "\">");
    web_csrf_field(r);
    kh_buf_printf(o, "<input type=\"hidden\" name=\"sha256\" value=\"%s\">"
                     "<label>", row->sha256);
    kh_html_text(o, W_("Replace with"));
    kh_buf_puts(o, " <input type=\"file\" name=\"file\" required></label> "
                   "<button type=\"submit\">");
    kh_html_text(o, W_("Replace"));
    kh_buf_puts(o, "</button></form>");
}

static kh_status list_cb(void *ctx, const kh_evidence_row *row)
{
    list_ctx *c = ctx;
    if (!row->item || strcmp(row->item, c->item) != 0 || !row->phase ||
        strcmp(row->phase, c->phase) != 0)
        return KH_OK;
    kh_buf *o = &c->r->out;
    if (c->n++ == 0)
        kh_buf_puts(o, "<ul class=\"evidence\">");
    kh_buf_printf(o, "<li data-sha256=\"%s\"><a class=\"evidence\" "
                     "href=\"/years/%d/units/", row->sha256, c->year);
    kh_html_url(o, row->unit);
    kh_buf_puts(o, "/evidence/");
    kh_html_url(o, row->sha256);
    kh_buf_puts(o, "\">");
    kh_html_text(o, row->name);
    kh_buf_printf(o, "</a> <span class=\"std\">（%s，", row->type);
    web_size_out(o, row->size);
    kh_buf_puts(o, "，");
    web_person(c->r, o, row->added_by);
    kh_buf_puts(o, " ");
    time_out(o, row->added_at);
    kh_buf_puts(o, "）</span>");
    if (c->may_remove)
        file_forms(c->r, c, row);
    kh_buf_puts(o, "</li>");
    return KH_OK;
}

/* The files of (unit, item, phase) as a list, "（无）" when none. */
static void file_list(web_req *r, list_ctx *c, const char *unit)
{
    kh_err *e = kh_err_new();
    if (e)
        web_store_check(r, kh_store_evidence_each(r->store, c->year, unit,
                                                  list_cb, c, e), e);
    kh_err_free(e);
    if (c->n)
        kh_buf_puts(&r->out, "</ul>");
    else
        kh_buf_printf(&r->out, "<span class=\"std\">（%s）</span>",
                      W_("none"));
}

void web_evidence_block(web_req *r, int year, const char *unit,
                        kh_phase phase, const char *item, bool may_write)
{
    kh_buf *o = &r->out;
    /* The inspection form shows what the unit provided first, read-only:
     * the inspector scores against it. */
    if (phase == KH_PHASE_INSPECTION) {
        kh_buf_puts(o, "<div class=\"evidence-block evidence-self\"><strong>");
        kh_html_text(o, W_("Evidence provided by the unit"));
        kh_buf_puts(o, "</strong>");
        list_ctx s = {r, item, kh_phase_name(KH_PHASE_SELF), year, false, 0};
        file_list(r, &s, unit);
        kh_buf_puts(o, "</div>\n");
    }
    kh_buf_puts(o, "<div class=\"evidence-block\"><strong>");
    kh_html_text(o, phase == KH_PHASE_INSPECTION
                        ? W_("Evidence of the inspection") : W_("Evidence"));
    kh_buf_puts(o, "</strong>");
    list_ctx c = {r, item, kh_phase_name(phase), year,
                  may_write && web_may(r, WEB_A_EVIDENCE_REMOVE, year, unit),
                  0};
    file_list(r, &c, unit);
    if (may_write) {
        kh_buf_puts(o, "<form method=\"post\" enctype=\"multipart/form-data\" "
                       "class=\"evidence\" id=\"evidence-");
        kh_html_attr(o, item);
        kh_buf_puts(o, "\" action=\"");
        form_action(o, &c, unit, "");
        kh_buf_puts(o, "\">");
        web_csrf_field(r);
        kh_buf_puts(o, "<input type=\"file\" name=\"file\" multiple "
                       "accept=\".pdf,.jpg,.jpeg,.png,.docx,.xlsx,.doc,.xls\" "
                       "required aria-label=\"");
        kh_html_attr(o, W_("Evidence files"));
        kh_buf_puts(o, "\"> <button type=\"submit\">");
        kh_html_text(o, W_("Upload"));
        kh_buf_puts(o, "</button> <span class=\"std\">");
        kh_buf_printf(o, W_("PDF, JPG, PNG, Word or Excel; several files at "
                            "once (at most %d), each at most 20 MB"),
                      WEB_EVIDENCE_FILES_MAX);
        kh_buf_puts(o, "</span></form>");
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

/* The place of an upload's file in messages: its name, or its number. */
static const char *file_place(const web_field *f, char *buf, size_t n,
                              size_t i)
{
    if (f->filename && *f->filename)
        return f->filename;
    snprintf(buf, n, W_("file %zu"), i + 1);
    return buf;
}

/* The sniffer's own reason, in English parts, is not shown: the name and
 * the allowed types say enough. */
kh_status web_evidence_collect(web_req *r, size_t max, bool required,
                               web_upload *files, size_t *n, kh_err *e)
{
    *n = 0;
    for (const web_field *f = r->fields; f; f = f->next) {
        if (!f->filename || strcmp(f->name, "file") != 0 ||
            (!*f->filename && !f->data.len))
            continue;   /* a browser's empty file input */
        if (*n == max)
            return kh_err_at(e, 0, 0, W_("files"),
                             "at most %zu files at once; nothing was stored",
                             max);
        files[(*n)++].f = f;
    }
    if (!*n && required)
        return kh_err_at(e, 0, 0, W_("files"), "choose the files to upload");
    for (size_t i = 0; i < *n; i++) {
        web_upload *u = &files[i];
        char num[32];
        const char *place = file_place(u->f, num, sizeof num, i);
        kh_err *why = kh_err_new();
        if (!why)
            return KH_ENOMEM;
        if (!u->f->data.len)
            kh_err_at(e, 0, 0, place, "the file is empty");
        else if (u->f->data.len > KH_EVIDENCE_MAX_DEFAULT)
            kh_err_at(e, 0, 0, place, "larger than 20 MB; nothing was "
                      "stored");
        else if (kh_evidence_sniff(place, u->f->data.data, u->f->data.len,
                                   &u->type, why) != KH_OK)
            kh_err_at(e, 0, 0, place, "not an allowed type (PDF, JPG, PNG, "
                      "Word or Excel); nothing was stored");
        else if (!(u->name = web_evidence_name(u->f->filename, u->type))) {
            kh_err_free(why);
            return KH_ENOMEM;
        }
        kh_err_free(why);
    }
    return kh_err_count(e) ? KH_EINVAL : KH_OK;
}

/* Stores and attaches every file, after unlinking old (replace) when not
 * NULL, in one transaction: all or nothing.  A refusal names the file. */
static kh_status store_all(web_req *r, int year, const char *unit,
                           kh_phase phase, const char *item, const char *old,
                           web_upload *files, size_t n, kh_err *e)
{
    kh_status st = kh_store_begin(r->store, e);
    if (st != KH_OK)
        return st;
    if (old)
        st = kh_store_evidence_detach(r->store, r->sess.user, year, unit, item,
                                      phase, old, e);
    for (size_t i = 0; st == KH_OK && i < n; i++) {
        char hash[KH_EVIDENCE_HASH_SZ], num[32];
        kh_err *why = kh_err_new();
        st = why ? kh_store_evidence_put(r->store, r->sess.user, files[i].name,
                                         files[i].f->data.data,
                                         files[i].f->data.len, 0, hash, why)
                 : KH_ENOMEM;
        if (st == KH_OK)
            st = kh_store_evidence_attach(r->store, r->sess.user, year, unit,
                                          item, phase, hash, files[i].name,
                                          why);
        const char *place = file_place(files[i].f, num, sizeof num, i);
        if (st == KH_ENOTFOUND)   /* no entry yet: a form error (422) */
            st = kh_err_at(e, 0, 0, place, "save this item first, then "
                           "upload its evidence");
        else if (st == KH_ELIMIT)
            kh_err_at(e, 0, 0, place, "larger than 20 MB; nothing was "
                      "stored");
        else if (st == KH_EINVAL)
            kh_err_at(e, 0, 0, place, "%s",
                      why && kh_err_count(why)
                          ? web_msg_text(kh_err_get(why, 0)) : "");
        else if (st != KH_OK) {
            for (size_t k = 0; why && k < kh_err_count(why); k++)
                kh_err_fail(e, st, "%s", kh_err_get(why, k)->text);
            kh_err_set_cause(e, kh_err_cause(why));   /* busy, full: 503/507 */
        }
        kh_err_free(why);
    }
    if (st == KH_OK)
        return kh_store_commit(r->store, e);
    kh_store_rollback(r->store);
    return st;
}

/* The page of a refused upload, remove or replace: every message with
 * its place (the file's name), nothing stored, a link back. */
static void refused_page(web_req *r, kh_status st, const kh_err *e,
                         const char *back)
{
    if (st == KH_ESTATE)
        web_refuse_page(r, "evidence: the year's state does not allow it");
    else if (st == KH_ENOTFOUND || st == KH_EINVAL || st == KH_ELIMIT)
        web_errors_page(r, st == KH_ENOTFOUND ? 404 : 422,
                        W_("Evidence not changed"), e, back);
    else
        web_fail(r, st, e);
}

/* Upload (old NULL) or replace (old: the hash of the file replaced). */
static void upload(web_req *r, int year, const char *unit, kh_phase phase,
                   const char *item, bool replace)
{
    if (!web_may_entry(r, year, unit, phase, WEB_WRITE) ||
        (replace && !web_may(r, WEB_A_EVIDENCE_REMOVE, year, unit))) {
        web_refuse_page(r, "evidence upload: role or unit");
        return;
    }
    kh_buf back;
    kh_buf_init(&back, 0);
    back_url(&back, year, unit, phase);
    web_upload files[WEB_EVIDENCE_FILES_MAX] = {{0}};
    size_t n = 0;
    char *old = replace ? web_form_get(r, "sha256") : NULL;
    kh_err *e = kh_err_new();
    kh_status st = e ? KH_OK : KH_ENOMEM;
    if (st == KH_OK && replace && (!old || !*old))
        st = kh_err_at(e, 0, 0, W_("files"), "no file to replace was named");
    if (st == KH_OK)
        st = web_evidence_collect(r, replace ? 1 : WEB_EVIDENCE_FILES_MAX,
                                  true, files, &n, e);
    if (st == KH_OK)
        st = store_all(r, year, unit, phase, item, old, files, n, e);
    if (st == KH_OK) {
        kh_buf_puts(&back, "?evidence=1#item-");
        kh_html_url(&back, item);
        web_redirect(r, kh_buf_str(&back));
    } else {
        refused_page(r, st, e, kh_buf_str(&back));
    }
    for (size_t i = 0; i < n; i++)
        free(files[i].name);
    free(old);
    kh_buf_free(&back);
    kh_err_free(e);
}

void web_evidence_upload(web_req *r, int year, const char *unit,
                         kh_phase phase, const char *item)
{
    upload(r, year, unit, phase, item, false);
}

void web_evidence_replace(web_req *r, int year, const char *unit,
                          kh_phase phase, const char *item)
{
    upload(r, year, unit, phase, item, true);
}

void web_evidence_remove(web_req *r, int year, const char *unit,
                         kh_phase phase, const char *item)
{
    if (!web_may_entry(r, year, unit, phase, WEB_WRITE) ||
        !web_may(r, WEB_A_EVIDENCE_REMOVE, year, unit)) {
        web_refuse_page(r, "evidence removal: role or unit");
        return;
    }
    kh_buf back;
    kh_buf_init(&back, 0);
    back_url(&back, year, unit, phase);
    char *hash = web_form_get(r, "sha256");
    kh_err *e = kh_err_new();
    kh_status st = !e ? KH_ENOMEM
                   : hash && *hash
                       ? kh_store_evidence_detach(r->store, r->sess.user, year,
                                                  unit, item, phase, hash, e)
                       : kh_err_at(e, 0, 0, W_("files"),
                                   "no file to remove was named");
    if (st == KH_OK) {
        kh_buf_puts(&back, "?evidence=1#item-");
        kh_html_url(&back, item);
        web_redirect(r, kh_buf_str(&back));
    } else {
        refused_page(r, st, e, kh_buf_str(&back));
    }
    free(hash);
    kh_buf_free(&back);
    kh_err_free(e);
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
        web_fail_why(r, KH_ENOMEM, "out of memory");
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
    kh_err_free(e);
    /* The name served is the one attached to this unit's entry, not the
     * first uploader's of the same bytes (evidence.name). */
    web_evidence_send(r, hash, c.type, c.name);
    free(c.name);
}

void web_evidence_send(web_req *r, const char *hash, const char *type,
                       const char *name)
{
    char *first = NULL;
    kh_err *e = kh_err_new();
    kh_buf_reset(&r->out);
    kh_status st = e ? kh_store_evidence_get(r->store, hash, &r->out, &first,
                                             e)
                     : KH_ENOMEM;
    free(first);
    if (st != KH_OK) {
        if (st == KH_ENOTFOUND)
            web_error_page(r, 404, NULL);
        else
            web_fail(r, st, e);
        kh_err_free(e);
        return;
    }
    kh_err_free(e);
    r->status = 200;
    r->ctype = mime(type);
    kh_buf d;
    kh_buf_init(&d, 0);
    /* RFC 6266/5987: an ASCII fallback and the UTF-8 name, encoded. */
    kh_buf_printf(&d, "attachment; filename=\"evidence.%s\"; filename*=UTF-8''",
                  type);
    kh_html_url(&d, name ? name : "evidence");
    r->disposition = kh_buf_take(&d, NULL);
    kh_buf_free(&d);
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
