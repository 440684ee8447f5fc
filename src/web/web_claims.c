/*
 * web_claims.c - bonus claims on the web (特色加分申报, docs/CLAIMS.md):
 * /years/Y/claims lists them (a unit user: its own unit's only, with the
 * filing form during the self-check; admin and auditor: every unit's,
 * admin with approve/reject forms during inspection and review), POST
 * /years/Y/units/U/claims files one with its files (multipart: stored as
 * the unit's evidence and linked to the claim in the claim's
 * transaction, all or nothing), GET /years/Y/units/U/claim-files/HASH
 * opens one of them, POST /years/Y/claims/N/decide decides one.  Who may
 * do what is policy.c's (WEB_A_CLAIMS_READ, WEB_A_CLAIM_FILE,
 * WEB_A_ADMIN); states and ceilings are the store's.  A refused filing
 * shows the page again with every typed value kept and each message
 * beside its field (the refused file named beside the file field).
 *
 * Stable element ids: #claims (the table), #claim-N (a row), #claim-add
 * (the filing form), #claim-approve-N / #claim-reject-N (the decision
 * forms), #claim-msg (the confirmation), #claim-err-kind,
 * #claim-err-description, #claim-err-file (messages beside the fields),
 * ul.claim-files (a claim's files).
 */
#include "web.h"

#include <inttypes.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/store_claims.h"
#include "kaohe/vec.h"

/* One claim's file as listed (strings owned). */
typedef struct claim_file {
    int64_t claim;
    char *unit, *sha256, *name, *type, *added_at;
    int64_t size;
} claim_file;

typedef struct list_ctx {
    web_req *r;
    const web_year *y;
    bool decide;               /* admin in inspection or review */
    size_t n;
    claim_file *files;         /* every listed claim's files (owned) */
    size_t nfiles, afiles;
} list_ctx;

/* The form's typed values and messages by field, for a refused filing. */
typedef struct add_state {
    const char *kind, *description;    /* borrowed */
    kh_buf kind_msg, desc_msg, file_msg, other_msg;
} add_state;

static void kind_name(kh_buf *o, const kh_rubric *rb, const char *kind)
{
    int k = kh_rubric_bonus_kind_find(rb, kind);
    kh_html_text(o, k >= 0 ? kh_rubric_bonus_kind_name(rb, (size_t)k) : kind);
}

static void unit_name(kh_buf *o, const kh_assess *a, const char *unit)
{
    long u = kh_assess_unit_find(a, unit);
    kh_html_text(o, u >= 0 ? kh_assess_unit_name(a, (size_t)u) : unit);
}

/* The state cell: 待审核, 已通过 +P, 未通过（理由）. */
static void state_cell(kh_buf *o, const kh_claim_row *row)
{
    kh_buf_printf(o, "<td class=\"claim-state %s\">",
                  kh_claim_state_name(row->state));
    if (row->state == KH_CLAIM_PENDING) {
        kh_buf_puts(o, W_("pending"));
    } else if (row->state == KH_CLAIM_APPROVED) {
        char n[KH_NUM_BUFSZ];
        kh_num_format2(row->points, n);
        kh_buf_printf(o, W_("approved, +%s points"), n);
    } else {
        kh_buf_puts(o, W_("rejected: "));
        kh_html_text(o, row->reason ? row->reason : "");
    }
    kh_buf_puts(o, "</td>");
}

/* Approve (points) and reject (reason) forms of a pending claim. */
static void decide_forms(list_ctx *c, const kh_claim_row *row)
{
    kh_buf *o = &c->r->out;
    int year = c->y->year;
    kh_buf_printf(o, "<td class=\"noprint\"><form method=\"post\" "
                     "class=\"inline\" id=\"claim-approve-%" PRId64 "\" "
                     "action=\"/years/%d/claims/%" PRId64 "/decide\">",
                  row->id, year, row->id);
    web_csrf_field(c->r);
    kh_buf_printf(o, "<input type=\"hidden\" name=\"decision\" "
                     "value=\"approve\"><label>%s <input type=\"text\" "
                     "name=\"points\" inputmode=\"decimal\" size=\"5\" "
                     "required></label> <button type=\"submit\">%s</button>"
                     "</form> <form method=\"post\" class=\"inline\" "
                     "id=\"claim-reject-%" PRId64 "\" action=\"/years/%d/"
                     "claims/%" PRId64 "/decide\">",
                  W_("Points"), W_("Approve"), row->id, year, row->id);
    web_csrf_field(c->r);
    kh_buf_printf(o, "<input type=\"hidden\" name=\"decision\" "
                     "value=\"reject\"><label>%s <input type=\"text\" "
                     "name=\"reason\" required></label> <button "
                     "type=\"submit\">%s</button></form></td>",
                  W_("Reason"), W_("Reject"));
}

static kh_status file_keep(void *ctx, const kh_claim_file_row *row)
{
    list_ctx *c = ctx;
    if (KH_VEC_GROW(c->files, c->afiles, c->nfiles + 1, 8) != KH_OK)
        return KH_ENOMEM;

    claim_file *f = &c->files[c->nfiles];
    *f = (claim_file){.claim = row->claim, .size = row->size,
                      .unit = strdup(row->unit), .sha256 = strdup(row->sha256),
                      .name = strdup(row->name), .type = strdup(row->type),
                      .added_at = strdup(row->added_at)};
    c->nfiles++;
    return f->unit && f->sha256 && f->name && f->type && f->added_at
               ? KH_OK : KH_ENOMEM;
}

static void files_free(list_ctx *c)
{
    for (size_t i = 0; i < c->nfiles; i++) {
        claim_file *f = &c->files[i];
        free(f->unit);
        free(f->sha256);
        free(f->name);
        free(f->type);
        free(f->added_at);
    }
    free(c->files);
}

/* Claim id's files: name (the open link), size, Beijing time. */
static void files_cell(list_ctx *c, int64_t id)
{
    kh_buf *o = &c->r->out;
    size_t shown = 0;
    for (size_t i = 0; i < c->nfiles; i++) {
        const claim_file *f = &c->files[i];
        if (f->claim != id)
            continue;
        if (!shown++)
            kh_buf_puts(o, "<ul class=\"claim-files\">");
        kh_buf_printf(o, "<li><a class=\"evidence\" href=\"/years/%d/units/",
                      c->y->year);
        kh_html_url(o, f->unit);
        kh_buf_puts(o, "/claim-files/");
        kh_html_url(o, f->sha256);
        kh_buf_puts(o, "\">");
        kh_html_text(o, f->name);
        kh_buf_puts(o, "</a> <span class=\"std\">（");
        web_size_out(o, f->size);
        kh_buf_puts(o, "，");
        web_time_out(o, f->added_at);
        kh_buf_puts(o, "）</span></li>");
    }
    if (shown)
        kh_buf_puts(o, "</ul>");
}

static kh_status list_row(void *ctx, const kh_claim_row *row)
{
    list_ctx *c = ctx;
    kh_buf *o = &c->r->out;
    c->n++;
    /* its place in the list: the store's number stays in the id */
    kh_buf_printf(o, "<tr id=\"claim-%" PRId64 "\"><td class=\"num\" "
                     "data-label=\"%s\">%zu</td><td>", row->id,
                  W_("No."), c->n);
    unit_name(o, c->y->assess, row->unit);
    kh_buf_puts(o, "</td><td>");
    kind_name(o, c->y->rubric, row->kind);
    kh_buf_puts(o, "</td><td>");
    kh_html_text(o, row->description);
    kh_buf_puts(o, "</td><td>");
    files_cell(c, row->id);
    kh_buf_puts(o, "</td>");
    state_cell(o, row);
    if (c->decide && row->state == KH_CLAIM_PENDING)
        decide_forms(c, row);
    else if (c->decide)
        kh_buf_puts(o, "<td></td>");
    kh_buf_puts(o, "</tr>\n");
    return KH_OK;
}

/* A message beside a field: role alert, the id the tests and the
 * browser year look for. */
static void field_msg(kh_buf *o, const char *id, const kh_buf *m)
{
    if (!m || !m->len)
        return;
    kh_buf_printf(o, "<span class=\"field-error\" id=\"claim-err-%s\" "
                     "role=\"alert\">", id);
    kh_html_text(o, kh_buf_str(m));
    kh_buf_puts(o, "</span>");
}

static void kind_options(kh_buf *o, const kh_rubric *rb, const char *kept)
{
    for (size_t k = 0; k < kh_rubric_bonus_kind_count(rb); k++) {
        const char *id = kh_rubric_bonus_kind_id(rb, k);
        kh_buf_puts(o, "<option value=\"");
        kh_html_attr(o, id);
        kh_buf_printf(o, "\"%s>", kept && !strcmp(kept, id) ? " selected"
                                                             : "");
        kh_html_text(o, kh_rubric_bonus_kind_name(rb, k));
        kh_buf_printf(o, " (%s ", W_("at most"));
        web_cp_out(o, kh_rubric_bonus_kind_ceiling(rb, k));
        kh_buf_puts(o, ")</option>");
    }
}

/* The filing form of unit (self-check only); f (may be NULL) holds what
 * a refused filing typed and its messages. */
static void add_form(web_req *r, const web_year *y, const char *unit,
                     const add_state *f)
{
    kh_buf *o = &r->out;
    kh_buf_printf(o, "<h2>%s</h2>", W_("File a bonus claim"));
    if (f && f->other_msg.len)
        web_msg_box(o, "error", kh_buf_str(&f->other_msg));
    kh_buf_printf(o, "<form method=\"post\" class=\"item\" id=\"claim-add\" "
                     "enctype=\"multipart/form-data\" action=\"/years/%d/"
                     "units/", y->year);
    kh_html_url(o, unit);
    kh_buf_puts(o, "/claims\">");
    web_csrf_field(r);
    kh_buf_printf(o, "<label>%s <select name=\"kind\" required>",
                  W_("Kind"));
    kind_options(o, y->rubric, f ? f->kind : NULL);
    kh_buf_puts(o, "</select></label>");
    field_msg(o, "kind", f ? &f->kind_msg : NULL);
    kh_buf_printf(o, "<label>%s <textarea name=\"description\" rows=\"4\" "
                     "required>", W_("What the unit did"));
    kh_html_text(o, f && f->description ? f->description : "");
    kh_buf_puts(o, "</textarea></label>");
    field_msg(o, "description", f ? &f->desc_msg : NULL);
    kh_buf_printf(o, "<label>%s <input type=\"file\" name=\"file\" "
                     "multiple accept=\".pdf,.jpg,.jpeg,.png,.docx,.xlsx,"
                     ".doc,.xls\"></label> <span class=\"std\">",
                  W_("Evidence files (optional)"));
    kh_buf_printf(o, W_("PDF, JPG, PNG, Word or Excel; several files at "
                        "once (at most %d), each at most 20 MB"),
                  WEB_EVIDENCE_FILES_MAX);
    kh_buf_puts(o, "</span>");
    if (f && f->file_msg.len)
        kh_buf_printf(o, "<span class=\"field-error\" role=\"alert\">%s"
                         "</span>", W_("Choose the files again: nothing "
                                       "was stored."));
    field_msg(o, "file", f ? &f->file_msg : NULL);
    kh_buf_printf(o, "<button type=\"submit\">%s</button></form>\n",
                  W_("File the claim"));
}

size_t web_claims_table(web_req *r, const web_year *y, const char *unit,
                        bool decide)
{
    kh_buf *o = &r->out;
    list_ctx c = {.r = r, .y = y, .decide = decide};
    kh_buf_printf(o, "<div class=\"wide\"><table id=\"claims\"><thead><tr>"
                     "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                     "<th>%s</th>%s</tr></thead><tbody>\n", W_("No."),
                  W_("Unit"), W_("Kind"), W_("Description"), W_("Evidence"),
                  W_("Decision"), c.decide ? "<th class=\"noprint\"></th>"
                                           : "");
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_claim_files_each(r->store, y->year, unit,
                                                 file_keep, &c, e)
                     : KH_ENOMEM;
    if (st == KH_OK)
        st = kh_store_claim_each(r->store, y->year, unit, list_row, &c, e);
    web_store_check(r, st, e);
    kh_err_free(e);
    files_free(&c);
    kh_buf_puts(o, "</tbody></table></div>\n");
    if (!c.n)
        kh_buf_printf(o, "<p class=\"std\" id=\"claims-none\">%s</p>\n",
                      W_("No claims yet."));
    return c.n;
}

/* The page of unit's (NULL: every unit's) claims; f: a refused filing. */
static void claims_page(web_req *r, const web_year *y, const add_state *f)
{
    bool unit_user = r->sess.role == KH_ROLE_UNIT;
    const char *unit = unit_user ? r->sess.unit : NULL;
    char title[96];
    snprintf(title, sizeof title, W_("%d bonus claims"), y->year);
    web_page_begin(r, title);
    kh_buf *o = &r->out;
    if (!f && MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND,
                                          "done"))
        kh_buf_printf(o, "<p class=\"msg ok\" id=\"claim-msg\">%s</p>\n",
                      W_("Saved."));
    web_claims_table(r, y, unit,
                     r->sess.role == KH_ROLE_ADMIN &&
                         (y->state == KH_YEAR_INSPECTION ||
                          y->state == KH_YEAR_REVIEW));
    if (unit_user && y->state == KH_YEAR_SELF_CHECK)
        add_form(r, y, unit, f);
    else if (unit_user)
        kh_buf_printf(o, "<p class=\"std\">%s</p>\n",
                      W_("Claims are filed during the self-check."));
    web_page_end(r);
}

void web_claims_page(web_req *r, const web_year *y)
{
    if (!web_may(r, WEB_A_CLAIMS_READ, y->year,
                 r->sess.role == KH_ROLE_UNIT ? r->sess.unit : NULL)) {
        web_refuse_page(r, "claims: role");
        return;
    }
    claims_page(r, y, NULL);
}

typedef struct file_find {
    const char *hash;
    char type[8];
    char *name;                /* owned */
    bool found;
} file_find;

static kh_status file_find_cb(void *ctx, const kh_claim_file_row *row)
{
    file_find *f = ctx;
    if (strcmp(row->sha256, f->hash) != 0)
        return KH_OK;
    f->found = true;
    snprintf(f->type, sizeof f->type, "%s", row->type);
    f->name = strdup(row->name);
    return f->name ? KH_DONE : KH_ENOMEM;
}

void web_claim_file_get(web_req *r, const web_year *y, const char *unit,
                        const char *hash)
{
    if (!web_may(r, WEB_A_CLAIMS_READ, y->year, unit)) {
        web_refuse_page(r, "claims: another unit's files");
        return;
    }
    file_find f = {.hash = hash};
    kh_err *e = kh_err_new();
    kh_status st = e ? kh_store_claim_files_each(r->store, y->year, unit,
                                                 file_find_cb, &f, e)
                     : KH_ENOMEM;
    if (st == KH_DONE)
        st = KH_OK;
    if (st != KH_OK)
        web_fail(r, st, e);
    else if (!f.found)
        web_error_page(r, 404, NULL);
    else
        web_evidence_send(r, hash, f.type, f.name);
    free(f.name);
    kh_err_free(e);
}

/* ---- the writes ------------------------------------------------------- */

static void answer(web_req *r, int year, kh_status st, kh_err *e,
                   const char *title)
{
    char back[64];
    snprintf(back, sizeof back, "/years/%d/claims", year);
    if (st == KH_OK) {
        char to[80];
        snprintf(to, sizeof to, "/years/%d/claims?done=1", year);
        web_redirect(r, to);
    } else if (st == KH_ESTATE) {
        web_refuse_page(r, "claims: the year's state does not allow it");
    } else if (st == KH_EINVAL || st == KH_ECONFLICT) {
        web_errors_page(r, st == KH_EINVAL ? 422 : 409, title, e, back);
    } else if (st == KH_ENOTFOUND) {
        web_error_page(r, 404, NULL);
    } else {
        web_fail(r, st, e);
    }
}

/* Sorts each message of a refused filing beside its field: kind,
 * description, the files (a file's name or "files"), else the top. */
static void sort_msgs(add_state *f, const kh_err *e)
{
    for (size_t i = 0; i < kh_err_count(e); i++) {
        const kh_msg *m = kh_err_get(e, i);
        const char *p = m->path ? m->path : "";
        kh_buf *b = !strcmp(p, "kind")          ? &f->kind_msg
                    : !strcmp(p, "description") ? &f->desc_msg
                    : !strcmp(p, "unit") || !*p ? &f->other_msg
                                                : &f->file_msg;
        if (b->len)
            kh_buf_puts(b, "；");
        if (b == &f->file_msg && *p) {   /* the file's name */
            kh_buf_puts(b, p);
            kh_buf_puts(b, "：");
        }
        kh_buf_puts(b, web_msg_text(m));
    }
}

/* Files the claim with its checked files (in the store's one
 * transaction).  When a file is refused the claim is only checked
 * (nothing is written, not even a number taken from PostgreSQL's
 * sequence), so every refusal is shown at once. */
static kh_status file_claim(web_req *r, const web_year *y, const char *unit,
                            const char *kind, const char *desc, kh_err *e)
{
    web_upload up[WEB_EVIDENCE_FILES_MAX] = {{0}};
    kh_claim_file cf[WEB_EVIDENCE_FILES_MAX];
    size_t n = 0;
    kh_status cst = web_evidence_collect(r, WEB_EVIDENCE_FILES_MAX, false, up,
                                         &n, e);
    for (size_t i = 0; i < n; i++)
        cf[i] = (kh_claim_file){.name = up[i].name,
                                .data = up[i].f->data.data,
                                .len = up[i].f->data.len};
    kh_status st = cst == KH_ENOMEM ? cst
                   : cst != KH_OK   ? kh_store_claim_check(r->store, y->year,
                                                           unit, kind, desc, e)
                                    : kh_store_claim_add(r->store, r->sess.user,
                                                         y->year, unit, kind,
                                                         desc, NULL, cf, n,
                                                         NULL, e);
    for (size_t i = 0; i < n; i++)
        free(up[i].name);
    /* A refused file outranks the claim's own refusals (both shown). */
    return cst != KH_OK && (st == KH_OK || st == KH_EINVAL) ? cst : st;
}

void web_claim_add_post(web_req *r, const web_year *y, const char *unit)
{
    if (!web_may(r, WEB_A_CLAIM_FILE, y->year, unit)) {
        web_refuse_page(r, "claims: another unit's claims");
        return;
    }
    if (kh_assess_unit_find(y->assess, unit) < 0) {
        web_error_page(r, 404, NULL);
        return;
    }
    char *kind = web_form_get(r, "kind");
    char *desc = web_form_get(r, "description");
    kh_err *e = kh_err_new();
    kh_status st = e ? KH_OK : KH_ENOMEM;
    if (st == KH_OK) {
        web_cache_write_begin(r);
        st = file_claim(r, y, unit, kind ? kind : "", desc ? desc : "", e);
        web_cache_wrote(r, st, y->year, unit, NULL, KH_PHASE_SELF);
    }
    /* A refusal, or a store failure (busy, full: logged, 503/507), shows
     * the unit's form again with what was typed. */
    if ((st == KH_EINVAL || st == KH_EDB) && r->sess.role == KH_ROLE_UNIT) {
        add_state f = {.kind = kind, .description = desc};
        kh_buf *bs[] = {&f.kind_msg, &f.desc_msg, &f.file_msg, &f.other_msg};
        for (size_t i = 0; i < 4; i++)
            kh_buf_init(bs[i], 0);
        unsigned status = 422;
        if (st == KH_EDB)
            status = web_fail_keep(r, st, e, &f.other_msg);
        else
            sort_msgs(&f, e);
        claims_page(r, y, &f);
        r->status = status;
        for (size_t i = 0; i < 4; i++)
            kh_buf_free(bs[i]);
    } else {
        answer(r, y->year, st, e, W_("The claim was not filed"));
    }
    free(kind);
    free(desc);
    kh_err_free(e);
}

static kh_status claim_unit(void *ctx, const kh_claim_row *row)
{
    snprintf(ctx, KH_UNIT_ID_MAX + 1, "%s", row->unit);
    return KH_OK;
}

void web_claim_decide_post(web_req *r, const web_year *y, const char *arg)
{
    if (!web_may(r, WEB_A_ADMIN, y->year, NULL)) {
        web_refuse_page(r, "claims: only admin decides");
        return;
    }
    char *end;
    long long id = strtoll(arg, &end, 10);
    if (*end || id <= 0) {
        web_error_page(r, 404, NULL);
        return;
    }
    char *dec = web_form_get(r, "decision");
    char *pts = web_form_get(r, "points");
    char *reason = web_form_get(r, "reason");
    kh_err *e = kh_err_new();
    kh_status st = e ? KH_OK : KH_ENOMEM;
    bool approve = dec && strcmp(dec, "approve") == 0;
    kh_cp cp = 0;
    kh_num_err ne;
    if (st == KH_OK && !approve && !(dec && strcmp(dec, "reject") == 0))
        st = kh_err_at(e, 0, 0, "decision", "must be approve or reject");
    else if (st == KH_OK && approve &&
             (ne = kh_num_parse(pts ? pts : "", pts ? strlen(pts) : 0,
                                &cp)) != KH_NUM_OK)
        st = kh_err_at(e, 0, 0, "points", "\"%.32s\" %s", pts ? pts : "",
                       kh_num_err_str(ne));
    char unit[KH_UNIT_ID_MAX + 1] = "";
    if (st == KH_OK)
        st = kh_store_claim_get(r->store, y->year, id, claim_unit, unit, e);
    if (st == KH_OK) {
        web_cache_write_begin(r);
        st = kh_store_claim_decide(r->store, r->sess.user, y->year, id,
                                   approve, cp, reason, e);
        web_cache_wrote(r, st, y->year, unit, NULL, KH_PHASE_INSPECTION);
    }
    answer(r, y->year, st, e, W_("The decision was not saved"));
    free(dec);
    free(pts);
    free(reason);
    kh_err_free(e);
}
