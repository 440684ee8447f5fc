/*
 * export.c - loading a year for the official documents (kaohe/export.h):
 * data from the store, scored, checked against the published snapshot;
 * the follow-up records of a published year; helpers shared by the
 * writers (lib/docs/export_xlsx.c, export_html.c, export_followup.c).
 */
#include "export_impl.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/report.h"
#include "kaohe/store_followup.h"

typedef struct xp_year_ctx {
    kh_year_info info;
    char *rubric;
} xp_year_ctx;

static kh_status xp_year_cb(void *ctx, const kh_year_info *y)
{
    xp_year_ctx *c = ctx;
    c->info = *y;
    c->rubric = strdup(y->rubric ? y->rubric : "");
    return c->rubric ? KH_OK : KH_ENOMEM;
}

/* Parses the good practices' JSON into x->fu_arena; keeps x->pr. */
static kh_status xp_load_practices(kh_export *x, kh_buf *b, kh_err *e)
{
    kh_status rc = kh_store_practice_report(x->s, x->year, KH_FOLLOWUP_JSON,
                                            b, e);
    kh_doc *d = NULL;
    const kh_node *root = NULL;
    if (rc == KH_OK)
        rc = kh_doc_open_mem("practices", kh_buf_str(b), b->len, 'j', e, &d);
    if (rc == KH_OK)
        rc = kh_doc_read(d, x->fu_arena, &root);
    const kh_node *p = root ? kh_node_get(root, "practices") : NULL;
    if (p && p->type == KH_NODE_SEQ)
        x->pr = p;
    kh_doc_free(d);
    return rc;
}

size_t kh_xp_pr_count(const kh_export *x)
{
    return x->pr ? x->pr->n : 0;
}

const kh_node *kh_xp_pr_at(const kh_export *x, size_t i)
{
    return kh_node_at(x->pr, i);
}

/* Parses the follow-up report's JSON and keeps its "units" node. */
static kh_status xp_load_followup(kh_export *x, kh_err *e)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status rc = kh_store_followup_report(x->s, x->year, KH_FOLLOWUP_JSON,
                                            &b, e);
    if (rc == KH_OK)
        rc = kh_buf_status(&b);
    kh_doc *d = NULL;
    kh_err *tmp = kh_err_new();
    if (!tmp)
        rc = KH_ENOMEM;
    if (rc == KH_OK && !(x->fu_arena = kh_arena_new()))
        rc = KH_ENOMEM;
    if (rc == KH_OK)
        rc = kh_doc_open_mem("follow-up", kh_buf_str(&b), b.len, 'j', tmp,
                             &d);
    const kh_node *root = NULL;
    if (rc == KH_OK)
        rc = kh_doc_read(d, x->fu_arena, &root);
    if (rc == KH_OK && root && root->type == KH_NODE_MAP) {
        const kh_node *u = kh_node_get(root, "units");
        if (u && u->type == KH_NODE_SEQ)
            x->fu = u;
    }
    kh_buf_reset(&b);
    if (rc == KH_OK)
        rc = xp_load_practices(x, &b, tmp);
    if (rc == KH_OK && !x->fu)
        rc = kh_err_fail(e, KH_EDB, "year %d: the follow-up report cannot "
                         "be read", x->year);
    else if (rc != KH_OK && rc != KH_ENOMEM && tmp && kh_err_count(tmp))
        rc = kh_err_fail(e, KH_EDB, "year %d: the follow-up report cannot "
                         "be read", x->year);
    kh_doc_free(d);
    kh_err_free(tmp);
    kh_buf_free(&b);
    return rc;
}

kh_status kh_export_open(kh_store *s, int year, kh_err *e, kh_export **out)
{
    *out = NULL;
    kh_export *x = calloc(1, sizeof *x);
    if (!x)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    x->s = s;
    x->year = year;
    xp_year_ctx yc = {0};
    kh_err *tmp = kh_err_new();
    if (!tmp) {
        free(x);
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    kh_status rc = kh_store_year_each(s, year, xp_year_cb, &yc, tmp);
    if (rc == KH_ENOTFOUND) {
        kh_err_at(e, 0, 0, "--year", "year %d does not exist in the store",
                  year);
        rc = KH_ENOTFOUND;
    } else if (rc != KH_OK) {
        for (size_t i = 0; i < kh_err_count(tmp); i++)
            kh_err_fail(e, rc, "%s", kh_err_get(tmp, i)->text);
        kh_err_set_cause(e, kh_err_cause(tmp));   /* busy: exit 4 */
    }
    kh_err_free(tmp);
    if (rc != KH_OK) {
        free(yc.rubric);
        free(x);
        return rc;
    }
    x->state = yc.info.state;
    x->rubric_version = yc.rubric;
    kh_store_today(s, x->today);
    rc = kh_store_audit_head(s, x->audit_head, e);
    if (rc == KH_OK)
        rc = kh_store_load_assess(s, year, e, &x->rubric, &x->assess);
    /* Missing items score 0 and are marked; a published year was scored
     * the same way when it was frozen with --allow-missing, and its JSON
     * is identical to a complete one's otherwise. */
    if (rc == KH_OK)
        rc = kh_score(x->assess, KH_SCORE_ALLOW_MISSING, e, &x->res);
    if (rc == KH_OK && !kh_export_is_draft(x)) {
        kh_buf now_json, frozen;
        kh_buf_init(&now_json, 0);
        kh_buf_init(&frozen, 0);
        rc = kh_report_json(x->res, &now_json);
        if (rc == KH_OK)
            rc = kh_store_results(s, year, KH_RESULT_JSON, 0, &frozen, e);
        if (rc == KH_OK && kh_buf_status(&frozen) != KH_OK)
            rc = kh_buf_status(&frozen);
        if (rc == KH_OK && (now_json.len != frozen.len ||
                            memcmp(kh_buf_str(&now_json), kh_buf_str(&frozen),
                                   now_json.len) != 0))
            rc = kh_err_fail(e, KH_ESTATE,
                             "year %d: the store's data scored now differ "
                             "from the published results (changed since "
                             "publishing?); refusing to export figures that "
                             "were not published (`kaohe results --year %d` "
                             "shows the frozen ones)", year, year);
        kh_buf_free(&now_json);
        kh_buf_free(&frozen);
        if (rc == KH_OK)
            rc = xp_load_followup(x, e);
    }
    if (rc == KH_OK && kh_export_is_draft(x))
        kh_err_warn(e, 0, 0, NULL,
                    "year %d is not published (state %s): the export is a "
                    "draft (草稿)", year, kh_year_state_name(x->state));
    if (rc != KH_OK) {
        kh_export_free(x);
        return rc;
    }
    *out = x;
    return KH_OK;
}

void kh_export_free(kh_export *x)
{
    if (!x)
        return;
    kh_result_free(x->res);
    kh_assess_free(x->assess);
    kh_rubric_free(x->rubric);
    kh_arena_free(x->fu_arena);
    free(x->rubric_version);
    free(x->css_href);
    free(x->screen_html);
    free(x);
}

kh_status kh_export_set_css_href(kh_export *x, const char *href)
{
    char *h = strdup(href);
    if (!h)
        return KH_ENOMEM;
    free(x->css_href);
    x->css_href = h;
    return KH_OK;
}

kh_status kh_export_set_screen_html(kh_export *x, const char *html)
{
    char *h = strdup(html);
    if (!h)
        return KH_ENOMEM;
    free(x->screen_html);
    x->screen_html = h;
    return KH_OK;
}

const char *kh_export_code(const kh_export *x, char *buf)
{
    const char *colon = strchr(x->audit_head, ':');
    int seq_len = colon ? (int)(colon - x->audit_head) : 0;
    snprintf(buf, KH_EXPORT_CODE_SZ, "%.*s-%.8s", seq_len, x->audit_head,
             colon ? colon + 1 : "");
    return buf;
}

bool kh_export_is_draft(const kh_export *x)
{
    return x->state != KH_YEAR_PUBLISHED && x->state != KH_YEAR_CLOSED;
}

const kh_result *kh_export_result(const kh_export *x)
{
    return x->res;
}

kh_status kh_export_unit(const kh_export *x, const char *id, kh_err *e,
                         size_t *u)
{
    long i = id ? kh_assess_unit_find(x->assess, id) : -1;
    if (i < 0)
        return kh_err_at(e, 0, 0, "--unit", "unknown unit \"%s\" in year %d",
                         id ? id : "", x->year);
    *u = (size_t)i;
    return KH_OK;
}

/* ---- shared helpers ------------------------------------------------ */

const char *kh_xp_date_cn(const char *iso, char *buf)
{
    int y, m, d, used = 0;
    if (sscanf(iso, "%4d-%2d-%2d%n", &y, &m, &d, &used) == 3 &&
        used == 10 && !iso[used])
        snprintf(buf, KH_XP_DATE_CN_SZ, "%d年%d月%d日", y, m, d);
    else
        snprintf(buf, KH_XP_DATE_CN_SZ, "%s", iso);
    return buf;
}

const char *kh_xp_draft_mark(const kh_export *x)
{
    return kh_export_is_draft(x) ? "（草稿）" : "";
}

size_t kh_xp_row_unit(const kh_export *x, size_t ranking,
                      const kh_rank_row *row)
{
    if (kh_rubric_ranking_level(x->rubric, ranking) == KH_LEVEL_UNIT)
        return row->ref;
    if (kh_result_branch_unit_count(x->res, row->ref) == 1)
        return kh_result_branch_unit(x->res, row->ref, 0);
    return SIZE_MAX;
}

const char *kh_xp_num(kh_cp v, char *buf)
{
    kh_num_format2(v, buf);
    return buf;
}

void kh_xp_inputs(const kh_export *x, size_t u, size_t item, kh_phase p,
                  kh_buf *out)
{
    const kh_entry *en = kh_assess_entry(x->assess, u, item, p);
    size_t n = kh_rubric_item_slots(x->rubric, item);
    size_t shown = 0;
    for (size_t s = 0; s < n; s++) {
        const kh_term *t = kh_rubric_item_slot(x->rubric, item, s);
        const char *label = kh_term_label(t);
        if (!label)
            label = kh_term_input(t);
        size_t below;
        bool roster = kh_term_roster(t) &&
                      kh_assess_roster_count(x->assess, u, t, &below);
        bool present = false;
        kh_cp v = 0;
        if (!roster && en)
            v = kh_entry_value(en, s, &present);
        if (!roster && !present)
            continue;
        if (shown++)
            kh_buf_puts(out, "；");
        kh_buf_printf(out, "%s：", label);
        char nb[KH_NUM_BUFSZ];
        if (roster) {
            kh_buf_printf(out, "%zu（名单统计）", below);
            continue;
        }
        switch (kh_term_get_kind(t)) {
        case KH_TERM_CHECK:
            kh_buf_puts(out, v ? "是" : "否");
            break;
        case KH_TERM_CHOICE: {
            const char *ol = v >= 0 && (size_t)v < kh_term_option_count(t)
                                 ? kh_term_option_label(t, (size_t)v)
                                 : NULL;
            if (!ol && v >= 0 && (size_t)v < kh_term_option_count(t))
                ol = kh_term_option_id(t, (size_t)v);
            kh_buf_puts(out, ol ? ol : "?");
            break;
        }
        case KH_TERM_COUNT:
        case KH_TERM_DEDUCT:
            kh_buf_printf(out, "%lld", (long long)(v / 100));
            break;
        default:
            kh_num_format(v, nb);
            kh_buf_puts(out, nb);
            break;
        }
    }
    if (!en && !shown)
        kh_buf_puts(out, "未录入");
}

size_t kh_xp_fu_count(const kh_export *x)
{
    return x->fu ? x->fu->n : 0;
}

const kh_node *kh_xp_fu_unit(const kh_export *x, size_t i)
{
    return kh_node_at(x->fu, i);
}

const char *kh_xp_fu_str(const kh_node *n, const char *key)
{
    const kh_node *v = n ? kh_node_get(n, key) : NULL;
    if (!v || v->type != KH_NODE_SCALAR || kh_node_is_null(v))
        return "";
    return v->u.text;
}

bool kh_xp_fu_true(const kh_node *n, const char *key)
{
    const kh_node *v = n ? kh_node_get(n, key) : NULL;
    return v && v->type == KH_NODE_SCALAR && v->style == KH_SCALAR_PLAIN &&
           kh_node_eq(v, "true");
}
