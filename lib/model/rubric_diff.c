/*
 * rubric_diff.c - comparing two rubrics item by item (kaohe rubric diff).
 *
 * Items, categories, kinds and rankings are matched by id.  An item's
 * scoring is compared through a canonical one-line signature per term
 * (kind, input, label and every parameter), so any change that could
 * change a score shows up, whatever the wording of the terms.
 *
 * kh_rubric_diff_each walks the differences and hands each one, as a
 * kh_rdiff, to a callback (the web app words them for people);
 * kh_rubric_diff is the callback that writes the CLI's lines.
 */
#include "kaohe/rubric_diff.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/num.h"
#include "kaohe/vec.h"

typedef struct diff {
    kh_rdiff_fn fn;
    void *ctx;
    kh_status st;           /* the first failure; no call after it */
} diff;

static bool same(const char *a, const char *b)
{
    if (!a)
        a = "";
    if (!b)
        b = "";
    return strcmp(a, b) == 0;
}

static void emit(diff *d, const kh_rdiff *c)
{
    if (d->st == KH_OK)
        d->st = d->fn(d->ctx, c);
}

/* A change of text value key of the thing (scope, id, ia, ib). */
static void text_change(diff *d, kh_rdiff_scope sc, const char *id,
                        size_t ia, size_t ib, kh_rdiff_key key,
                        const char *a, const char *b)
{
    if (same(a, b))
        return;
    kh_rdiff c = {.scope = sc, .op = KH_RDIFF_CHANGED, .key = key, .id = id,
                  .ia = ia, .ib = ib, .text_a = a, .text_b = b};
    emit(d, &c);
}

static void cp_change(diff *d, kh_rdiff_scope sc, const char *id, size_t ia,
                      size_t ib, kh_rdiff_key key, kh_cp a, kh_cp b)
{
    if (a == b)
        return;
    kh_rdiff c = {.scope = sc, .op = KH_RDIFF_CHANGED, .key = key, .id = id,
                  .ia = ia, .ib = ib, .is_cp = true, .cp_a = a, .cp_b = b};
    emit(d, &c);
}

static void added(diff *d, kh_rdiff_scope sc, const char *id, size_t ib)
{
    kh_rdiff c = {.scope = sc, .op = KH_RDIFF_ADDED, .id = id, .ib = ib};
    emit(d, &c);
}

static void removed(diff *d, kh_rdiff_scope sc, const char *id, size_t ia)
{
    kh_rdiff c = {.scope = sc, .op = KH_RDIFF_REMOVED, .id = id, .ia = ia};
    emit(d, &c);
}

/* ---- term signatures ------------------------------------------------ */

static void sig_cp(kh_buf *b, const char *key, kh_cp v)
{
    char x[KH_NUM_BUFSZ];
    kh_num_format(v, x);
    kh_buf_printf(b, " %s=%s", key, x);
}

/* One line per term, children of groups indented under them. */
static void term_lines(const kh_term *t, int depth, kh_buf *b)
{
    kh_term_kind k = kh_term_get_kind(t);
    for (int i = 0; i < depth; i++)
        kh_buf_puts(b, "  ");
    kh_buf_puts(b, kh_term_kind_name(k));
    if (kh_term_input(t))
        kh_buf_printf(b, " %s", kh_term_input(t));
    if (kh_term_label(t))
        kh_buf_printf(b, "「%s」", kh_term_label(t));
    switch (k) {
    case KH_TERM_CHECK:
        sig_cp(b, "points", kh_term_points(t));
        break;
    case KH_TERM_COUNT:
        sig_cp(b, "per", kh_term_per(t));
        if (kh_term_has_cap(t))
            sig_cp(b, "cap", kh_term_cap(t));
        break;
    case KH_TERM_DEDUCT:
        sig_cp(b, "per", kh_term_per(t));
        break;
    case KH_TERM_CHOICE:
        kh_buf_puts(b, " options=[");
        for (size_t o = 0; o < kh_term_option_count(t); o++) {
            char x[KH_NUM_BUFSZ];
            kh_num_format(kh_term_option_points(t, o), x);
            const char *lab = kh_term_option_label(t, o);
            kh_buf_printf(b, "%s%s%s%s%s:%s", o ? ", " : "",
                          kh_term_option_id(t, o), lab ? "「" : "",
                          lab ? lab : "", lab ? "」" : "", x);
        }
        kh_buf_putc(b, ']');
        break;
    case KH_TERM_JUDGEMENT:
        sig_cp(b, "points", kh_term_points(t));
        sig_cp(b, "step", kh_term_step(t));
        break;
    case KH_TERM_GROUP:
        sig_cp(b, "max", kh_term_max(t));
        sig_cp(b, "start", kh_term_start(t));
        break;
    }
    if (kh_term_roster(t)) {
        char x[KH_NUM_BUFSZ];
        kh_num_format(kh_term_roster_below(t), x);
        kh_buf_printf(b, " roster=%s below=%s", kh_term_roster(t), x);
    }
    kh_buf_putc(b, '\n');
    if (k == KH_TERM_GROUP)
        for (size_t c = 0; c < kh_term_child_count(t); c++)
            term_lines(kh_term_child(t, c), depth + 1, b);
}

/* The item's terms (children of its root group) as lines. */
static void item_terms(const kh_rubric *r, size_t i, kh_buf *b)
{
    const kh_term *root = kh_rubric_item_root(r, i);
    for (size_t c = 0; c < kh_term_child_count(root); c++)
        term_lines(kh_term_child(root, c), 0, b);
}

/* Splits text into lines (pointers into it; text is modified). */
static size_t split_lines(char *text, char ***out)
{
    size_t n = 0, cap = 0;
    char **v = NULL;
    for (char *p = text; p && *p;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        if (KH_VEC_GROW(v, cap, n + 1, 8) != KH_OK)
            break;

        v[n++] = p;
        p = nl ? nl + 1 : NULL;
    }
    *out = v;
    return n;
}

static bool in_list(char **v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0)
            return true;
    return false;
}

/* Kind ids an item applies to, comma separated. */
static void item_kinds(const kh_rubric *r, size_t i, kh_buf *b)
{
    bool first = true;
    for (size_t k = 0; k < kh_rubric_kind_count(r); k++) {
        if (!kh_rubric_item_applies(r, i, k))
            continue;
        kh_buf_printf(b, "%s%s", first ? "" : ", ", kh_rubric_kind_id(r, k));
        first = false;
    }
}

/* Kinds and terms: compared as listings (ids; signature lines). */
static void listing_change(diff *d, const char *id, size_t ia, size_t ib,
                           kh_rdiff_key key, const kh_rubric *a,
                           const kh_rubric *b)
{
    kh_buf la, lb;
    kh_buf_init(&la, 0);
    kh_buf_init(&lb, 0);
    if (key == KH_RDIFF_KINDS) {
        item_kinds(a, ia, &la);
        item_kinds(b, ib, &lb);
    } else {
        item_terms(a, ia, &la);
        item_terms(b, ib, &lb);
    }
    if (kh_buf_status(&la) != KH_OK || kh_buf_status(&lb) != KH_OK) {
        if (d->st == KH_OK)
            d->st = KH_ENOMEM;
    } else {
        text_change(d, KH_RDIFF_ITEM, id, ia, ib, key, kh_buf_str(&la),
                    kh_buf_str(&lb));
    }
    kh_buf_free(&la);
    kh_buf_free(&lb);
}

static void item_changes(diff *d, const kh_rubric *a, size_t ia,
                         const kh_rubric *b, size_t ib)
{
    const char *id = kh_rubric_item_id(a, ia);
    text_change(d, KH_RDIFF_ITEM, id, ia, ib, KH_RDIFF_ITEM_CATEGORY,
                kh_rubric_category_id(a, kh_rubric_item_category(a, ia)),
                kh_rubric_category_id(b, kh_rubric_item_category(b, ib)));
    cp_change(d, KH_RDIFF_ITEM, id, ia, ib, KH_RDIFF_MAX,
              kh_rubric_item_max(a, ia), kh_rubric_item_max(b, ib));
    cp_change(d, KH_RDIFF_ITEM, id, ia, ib, KH_RDIFF_START,
              kh_term_start(kh_rubric_item_root(a, ia)),
              kh_term_start(kh_rubric_item_root(b, ib)));
    listing_change(d, id, ia, ib, KH_RDIFF_KINDS, a, b);
    listing_change(d, id, ia, ib, KH_RDIFF_TERMS, a, b);
    text_change(d, KH_RDIFF_ITEM, id, ia, ib, KH_RDIFF_TEXT,
                kh_rubric_item_text(a, ia), kh_rubric_item_text(b, ib));
    text_change(d, KH_RDIFF_ITEM, id, ia, ib, KH_RDIFF_STANDARD,
                kh_rubric_item_standard(a, ia),
                kh_rubric_item_standard(b, ib));
}

static int ranking_find(const kh_rubric *r, const char *id)
{
    for (size_t i = 0; i < kh_rubric_ranking_count(r); i++)
        if (strcmp(kh_rubric_ranking_id(r, i), id) == 0)
            return (int)i;
    return -1;
}

static int category_find(const kh_rubric *r, const char *id)
{
    for (size_t i = 0; i < kh_rubric_category_count(r); i++)
        if (strcmp(kh_rubric_category_id(r, i), id) == 0)
            return (int)i;
    return -1;
}

static const char *na_name(kh_na_mode m)
{
    return m == KH_NA_RAW ? "raw" : "prorate";
}

static const char *level_name(kh_level l)
{
    return l == KH_LEVEL_BRANCH ? "branch" : "unit";
}

static void rubric_changes(diff *d, const kh_rubric *a, const kh_rubric *b)
{
    const kh_rdiff_scope R = KH_RDIFF_RUBRIC;
    text_change(d, R, NULL, 0, 0, KH_RDIFF_ID, kh_rubric_id(a),
                kh_rubric_id(b));
    text_change(d, R, NULL, 0, 0, KH_RDIFF_TITLE, kh_rubric_title(a),
                kh_rubric_title(b));
    text_change(d, R, NULL, 0, 0, KH_RDIFF_DOCUMENT, kh_rubric_document(a),
                kh_rubric_document(b));
    cp_change(d, R, NULL, 0, 0, KH_RDIFF_BASE_MAX, kh_rubric_base_max(a),
              kh_rubric_base_max(b));
    cp_change(d, R, NULL, 0, 0, KH_RDIFF_BONUS_MAX, kh_rubric_bonus_max(a),
              kh_rubric_bonus_max(b));
    cp_change(d, R, NULL, 0, 0, KH_RDIFF_BOTTOM_N,
              KH_CP(kh_rubric_bottom_n(a)), KH_CP(kh_rubric_bottom_n(b)));
    text_change(d, R, NULL, 0, 0, KH_RDIFF_NA, na_name(kh_rubric_na_mode(a)),
                na_name(kh_rubric_na_mode(b)));
    text_change(d, R, NULL, 0, 0, KH_RDIFF_BONUS_TEXT,
                kh_rubric_bonus_text(a), kh_rubric_bonus_text(b));
    text_change(d, R, NULL, 0, 0, KH_RDIFF_NEGATIVE_TEXT,
                kh_rubric_negative_text(a), kh_rubric_negative_text(b));
}

static void kind_changes(diff *d, const kh_rubric *a, const kh_rubric *b)
{
    for (size_t k = 0; k < kh_rubric_kind_count(a); k++) {
        const char *id = kh_rubric_kind_id(a, k);
        int kb = kh_rubric_kind_find(b, id);
        if (kb < 0)
            removed(d, KH_RDIFF_KIND, id, k);
        else
            text_change(d, KH_RDIFF_KIND, id, k, (size_t)kb, KH_RDIFF_NAME,
                        kh_rubric_kind_name(a, k),
                        kh_rubric_kind_name(b, (size_t)kb));
    }
    for (size_t k = 0; k < kh_rubric_kind_count(b); k++)
        if (kh_rubric_kind_find(a, kh_rubric_kind_id(b, k)) < 0)
            added(d, KH_RDIFF_KIND, kh_rubric_kind_id(b, k), k);
}

static void ranking_changes(diff *d, const kh_rubric *a, const kh_rubric *b)
{
    const kh_rdiff_scope S = KH_RDIFF_RANKING;
    for (size_t i = 0; i < kh_rubric_ranking_count(a); i++) {
        const char *id = kh_rubric_ranking_id(a, i);
        int j = ranking_find(b, id);
        if (j < 0) {
            removed(d, S, id, i);
            continue;
        }
        size_t jb = (size_t)j;
        text_change(d, S, id, i, jb, KH_RDIFF_NAME,
                    kh_rubric_ranking_name(a, i), kh_rubric_ranking_name(b, jb));
        text_change(d, S, id, i, jb, KH_RDIFF_RANK_KIND,
                    kh_rubric_kind_id(a, kh_rubric_ranking_kind(a, i)),
                    kh_rubric_kind_id(b, kh_rubric_ranking_kind(b, jb)));
        text_change(d, S, id, i, jb, KH_RDIFF_LEVEL,
                    level_name(kh_rubric_ranking_level(a, i)),
                    level_name(kh_rubric_ranking_level(b, jb)));
    }
    for (size_t i = 0; i < kh_rubric_ranking_count(b); i++)
        if (ranking_find(a, kh_rubric_ranking_id(b, i)) < 0)
            added(d, S, kh_rubric_ranking_id(b, i), i);
}

static void category_changes(diff *d, const kh_rubric *a, const kh_rubric *b)
{
    const kh_rdiff_scope S = KH_RDIFF_CATEGORY;
    for (size_t c = 0; c < kh_rubric_category_count(a); c++) {
        const char *id = kh_rubric_category_id(a, c);
        int j = category_find(b, id);
        if (j < 0) {
            removed(d, S, id, c);
            continue;
        }
        size_t jb = (size_t)j;
        text_change(d, S, id, c, jb, KH_RDIFF_NAME,
                    kh_rubric_category_name(a, c),
                    kh_rubric_category_name(b, jb));
        cp_change(d, S, id, c, jb, KH_RDIFF_MAX, kh_rubric_category_max(a, c),
                  kh_rubric_category_max(b, jb));
    }
    for (size_t c = 0; c < kh_rubric_category_count(b); c++)
        if (category_find(a, kh_rubric_category_id(b, c)) < 0)
            added(d, S, kh_rubric_category_id(b, c), c);
}

kh_status kh_rubric_diff_each(const kh_rubric *a, const kh_rubric *b,
                              kh_rdiff_fn fn, void *ctx)
{
    diff d = {fn, ctx, KH_OK};
    rubric_changes(&d, a, b);
    kind_changes(&d, a, b);
    ranking_changes(&d, a, b);
    category_changes(&d, a, b);
    /* Items, in the old rubric's order, then the new ones. */
    for (size_t i = 0; i < kh_rubric_item_count(a); i++) {
        int j = kh_rubric_item_find(b, kh_rubric_item_id(a, i));
        if (j < 0)
            removed(&d, KH_RDIFF_ITEM, kh_rubric_item_id(a, i), i);
        else
            item_changes(&d, a, i, b, (size_t)j);
    }
    for (size_t i = 0; i < kh_rubric_item_count(b); i++)
        if (kh_rubric_item_find(a, kh_rubric_item_id(b, i)) < 0)
            added(&d, KH_RDIFF_ITEM, kh_rubric_item_id(b, i), i);
    return d.st;
}

/* ---- the CLI's lines ------------------------------------------------- */

typedef struct lines {
    kh_buf *out;
    const kh_rubric *a, *b;
    size_t n;
} lines;

/* The bilingual label of a key, as the CLI has always written it. */
static const char *key_label(kh_rdiff_key k)
{
    static const char *const labels[] = {
        [KH_RDIFF_ID] = "编号 id", [KH_RDIFF_TITLE] = "标题 title",
        [KH_RDIFF_DOCUMENT] = "文号 document",
        [KH_RDIFF_BASE_MAX] = "基础满分 base_max",
        [KH_RDIFF_BONUS_MAX] = "加分上限 bonus_max",
        [KH_RDIFF_BOTTOM_N] = "末位数 bottom_n",
        [KH_RDIFF_NA] = "不适用项 not_applicable",
        [KH_RDIFF_BONUS_TEXT] = "特色加分说明 bonus.text",
        [KH_RDIFF_NEGATIVE_TEXT] = "负面清单说明 negative.text",
        [KH_RDIFF_NAME] = "名称 name", [KH_RDIFF_RANK_KIND] = "单位类别 kind",
        [KH_RDIFF_LEVEL] = "层级 level", [KH_RDIFF_MAX] = "满分 max",
        [KH_RDIFF_ITEM_CATEGORY] = "所属类别 category",
        [KH_RDIFF_START] = "起始分 start",
        [KH_RDIFF_KINDS] = "适用单位类别 kinds",
        [KH_RDIFF_TERMS] = "评分项 terms", [KH_RDIFF_TEXT] = "考核要点 text",
        [KH_RDIFF_STANDARD] = "考核标准 standard"};
    return labels[k] ? labels[k] : "";
}

/* "单位类别 kind ID " ...: what the line is about. */
static void subject(kh_buf *out, const kh_rdiff *c)
{
    static const char *const pre[] = {
        [KH_RDIFF_RUBRIC] = "", [KH_RDIFF_KIND] = "单位类别 kind ",
        [KH_RDIFF_RANKING] = "排名 ranking ",
        [KH_RDIFF_CATEGORY] = "类别 category ", [KH_RDIFF_ITEM] = ""};
    kh_buf_puts(out, pre[c->scope]);
    if (c->id)
        kh_buf_printf(out, "%s ", c->id);
}

static void put_quoted(kh_buf *out, const char *s)
{
    if (!s) {
        kh_buf_puts(out, "(无)");
        return;
    }
    kh_buf_putc(out, '"');
    kh_buf_puts(out, s);
    kh_buf_putc(out, '"');
}

static void terms_lines(lines *l, const kh_rdiff *c)
{
    kh_buf_printf(l->out, "  ~ %s 评分项 terms:\n", c->id);
    char *ta = strdup(c->text_a), *tb = strdup(c->text_b);
    char **la = NULL, **lb = NULL;
    size_t na = ta ? split_lines(ta, &la) : 0;
    size_t nb = tb ? split_lines(tb, &lb) : 0;
    for (size_t i = 0; i < na; i++)
        if (!in_list(lb, nb, la[i]))
            kh_buf_printf(l->out, "      - %s\n", la[i]);
    for (size_t i = 0; i < nb; i++)
        if (!in_list(la, na, lb[i]))
            kh_buf_printf(l->out, "      + %s\n", lb[i]);
    /* Same lines in another order. */
    bool reorder = true;
    for (size_t i = 0; i < na && reorder; i++)
        reorder = in_list(lb, nb, la[i]);
    for (size_t i = 0; i < nb && reorder; i++)
        reorder = in_list(la, na, lb[i]);
    if (reorder)
        kh_buf_puts(l->out, "      （顺序改变 order changed）\n");
    free(la);
    free(lb);
    free(ta);
    free(tb);
}

/* "删除 (max 5): NAME" of an added or removed thing. */
static void whole_line(lines *l, const kh_rdiff *c)
{
    bool add = c->op == KH_RDIFF_ADDED;
    const kh_rubric *r = add ? l->b : l->a;
    size_t i = add ? c->ib : c->ia;
    char x[KH_NUM_BUFSZ];
    kh_buf_printf(l->out, "  %c ", add ? '+' : '-');
    switch (c->scope) {
    case KH_RDIFF_KIND:
        kh_buf_printf(l->out, "单位类别 kind %s %s: %s\n", c->id,
                      add ? "新增" : "删除", kh_rubric_kind_name(r, i));
        break;
    case KH_RDIFF_RANKING:
        kh_buf_printf(l->out, "排名 ranking %s %s: %s\n", c->id,
                      add ? "新增" : "删除", kh_rubric_ranking_name(r, i));
        break;
    case KH_RDIFF_CATEGORY:
        kh_num_format(kh_rubric_category_max(r, i), x);
        kh_buf_printf(l->out, "类别 category %s %s (max %s): %s\n", c->id,
                      add ? "新增" : "删除", x,
                      kh_rubric_category_name(r, i));
        break;
    default:
        kh_num_format(kh_rubric_item_max(r, i), x);
        kh_buf_printf(l->out, "%s %s (max %s): %s\n", c->id,
                      add ? "新增考核项 added" : "删除考核项 removed", x,
                      kh_rubric_item_text(r, i) ? kh_rubric_item_text(r, i)
                                                : "");
        break;
    }
}

static kh_status line_out(void *ctx, const kh_rdiff *c)
{
    lines *l = ctx;
    l->n++;
    if (c->op != KH_RDIFF_CHANGED) {
        whole_line(l, c);
    } else if (c->key == KH_RDIFF_TERMS) {
        terms_lines(l, c);
    } else {
        kh_buf_puts(l->out, "  ~ ");
        subject(l->out, c);
        kh_buf_printf(l->out, "%s: ", key_label(c->key));
        if (c->is_cp) {
            char x[KH_NUM_BUFSZ], y[KH_NUM_BUFSZ];
            kh_num_format(c->cp_a, x);
            kh_num_format(c->cp_b, y);
            kh_buf_printf(l->out, "%s → %s", x, y);
        } else if (c->key == KH_RDIFF_KINDS) {
            kh_buf_printf(l->out, "%s → %s", c->text_a, c->text_b);
        } else {
            put_quoted(l->out, c->text_a);
            kh_buf_puts(l->out, " → ");
            put_quoted(l->out, c->text_b);
        }
        kh_buf_putc(l->out, '\n');
    }
    return KH_OK;
}

kh_status kh_rubric_diff(const kh_rubric *a, const char *a_name,
                         const kh_rubric *b, const char *b_name, kh_buf *out,
                         size_t *changes)
{
    lines l = {out, a, b, 0};
    kh_buf_printf(out, "评分体系对比 rubric diff: %s → %s\n",
                  a_name ? a_name : kh_rubric_id(a),
                  b_name ? b_name : kh_rubric_id(b));
    kh_status st = kh_rubric_diff_each(a, b, line_out, &l);
    if (l.n == 0)
        kh_buf_puts(out, "  无差异 (no differences)\n");
    else
        kh_buf_printf(out, "共 %zu 处差异 (%zu differences)\n", l.n, l.n);
    if (changes)
        *changes = l.n;
    return st != KH_OK ? st : kh_buf_status(out);
}
