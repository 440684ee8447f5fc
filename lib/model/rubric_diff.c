/*
 * rubric_diff.c - comparing two rubrics item by item (kaohe rubric diff).
 *
 * Items, categories, kinds and rankings are matched by id.  An item's
 * scoring is compared through a canonical one-line signature per term
 * (kind, input, label and every parameter), so any change that could
 * change a score shows up, whatever the wording of the terms.
 */
#include "kaohe/rubric_diff.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/num.h"
#include "kaohe/vec.h"

typedef struct diff {
    kh_buf *out;
    size_t n;
} diff;

static bool same(const char *a, const char *b)
{
    if (!a)
        a = "";
    if (!b)
        b = "";
    return strcmp(a, b) == 0;
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

static void text_change(diff *d, const char *what, const char *a,
                        const char *b)
{
    if (same(a, b))
        return;
    kh_buf_printf(d->out, "  ~ %s: ", what);
    put_quoted(d->out, a);
    kh_buf_puts(d->out, " → ");
    put_quoted(d->out, b);
    kh_buf_putc(d->out, '\n');
    d->n++;
}

static void cp_change(diff *d, const char *what, kh_cp a, kh_cp b)
{
    if (a == b)
        return;
    char x[KH_NUM_BUFSZ], y[KH_NUM_BUFSZ];
    kh_num_format(a, x);
    kh_num_format(b, y);
    kh_buf_printf(d->out, "  ~ %s: %s → %s\n", what, x, y);
    d->n++;
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

static void terms_change(diff *d, const char *item, const kh_rubric *a,
                         size_t ia, const kh_rubric *b, size_t ib)
{
    kh_buf ta, tb;
    kh_buf_init(&ta, 0);
    kh_buf_init(&tb, 0);
    item_terms(a, ia, &ta);
    item_terms(b, ib, &tb);
    if (strcmp(kh_buf_str(&ta), kh_buf_str(&tb)) != 0) {
        kh_buf_printf(d->out, "  ~ %s 评分项 terms:\n", item);
        char **la, **lb;
        size_t na = split_lines(ta.data, &la), nb = split_lines(tb.data, &lb);
        for (size_t i = 0; i < na; i++)
            if (!in_list(lb, nb, la[i]))
                kh_buf_printf(d->out, "      - %s\n", la[i]);
        for (size_t i = 0; i < nb; i++)
            if (!in_list(la, na, lb[i]))
                kh_buf_printf(d->out, "      + %s\n", lb[i]);
        /* Same lines in another order. */
        bool reorder = true;
        for (size_t i = 0; i < na && reorder; i++)
            reorder = in_list(lb, nb, la[i]);
        for (size_t i = 0; i < nb && reorder; i++)
            reorder = in_list(la, na, lb[i]);
        if (reorder)
            kh_buf_puts(d->out, "      （顺序改变 order changed）\n");
        free(la);
        free(lb);
        d->n++;
    }
    kh_buf_free(&ta);
    kh_buf_free(&tb);
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

static void item_changes(diff *d, const kh_rubric *a, size_t ia,
                         const kh_rubric *b, size_t ib)
{
    const char *id = kh_rubric_item_id(a, ia);
    char what[256];
    const char *ca = kh_rubric_category_id(a, kh_rubric_item_category(a, ia));
    const char *cb = kh_rubric_category_id(b, kh_rubric_item_category(b, ib));
    snprintf(what, sizeof what, "%s 所属类别 category", id);
    text_change(d, what, ca, cb);
    snprintf(what, sizeof what, "%s 满分 max", id);
    cp_change(d, what, kh_rubric_item_max(a, ia), kh_rubric_item_max(b, ib));
    snprintf(what, sizeof what, "%s 起始分 start", id);
    cp_change(d, what, kh_term_start(kh_rubric_item_root(a, ia)),
              kh_term_start(kh_rubric_item_root(b, ib)));
    kh_buf ka, kb;
    kh_buf_init(&ka, 0);
    kh_buf_init(&kb, 0);
    item_kinds(a, ia, &ka);
    item_kinds(b, ib, &kb);
    if (strcmp(kh_buf_str(&ka), kh_buf_str(&kb)) != 0) {
        kh_buf_printf(d->out, "  ~ %s 适用单位类别 kinds: %s → %s\n", id,
                      kh_buf_str(&ka), kh_buf_str(&kb));
        d->n++;
    }
    kh_buf_free(&ka);
    kh_buf_free(&kb);
    terms_change(d, id, a, ia, b, ib);
    snprintf(what, sizeof what, "%s 考核要点 text", id);
    text_change(d, what, kh_rubric_item_text(a, ia),
                kh_rubric_item_text(b, ib));
    snprintf(what, sizeof what, "%s 考核标准 standard", id);
    text_change(d, what, kh_rubric_item_standard(a, ia),
                kh_rubric_item_standard(b, ib));
}

static void item_line(diff *d, char sign, const char *label,
                      const kh_rubric *r, size_t i)
{
    char x[KH_NUM_BUFSZ];
    kh_num_format(kh_rubric_item_max(r, i), x);
    kh_buf_printf(d->out, "  %c %s %s (max %s): %s\n", sign,
                  kh_rubric_item_id(r, i), label, x,
                  kh_rubric_item_text(r, i) ? kh_rubric_item_text(r, i) : "");
    d->n++;
}

static int kind_find(const kh_rubric *r, const char *id)
{
    return kh_rubric_kind_find(r, id);
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

kh_status kh_rubric_diff(const kh_rubric *a, const char *a_name,
                         const kh_rubric *b, const char *b_name, kh_buf *out,
                         size_t *changes)
{
    diff d = {out, 0};
    kh_buf_printf(out, "评分体系对比 rubric diff: %s → %s\n",
                  a_name ? a_name : kh_rubric_id(a),
                  b_name ? b_name : kh_rubric_id(b));

    /* The rubric's own settings. */
    text_change(&d, "编号 id", kh_rubric_id(a), kh_rubric_id(b));
    text_change(&d, "标题 title", kh_rubric_title(a), kh_rubric_title(b));
    text_change(&d, "文号 document", kh_rubric_document(a),
                kh_rubric_document(b));
    cp_change(&d, "基础满分 base_max", kh_rubric_base_max(a),
              kh_rubric_base_max(b));
    cp_change(&d, "加分上限 bonus_max", kh_rubric_bonus_max(a),
              kh_rubric_bonus_max(b));
    cp_change(&d, "末位数 bottom_n", KH_CP(kh_rubric_bottom_n(a)),
              KH_CP(kh_rubric_bottom_n(b)));
    text_change(&d, "不适用项 not_applicable", na_name(kh_rubric_na_mode(a)),
                na_name(kh_rubric_na_mode(b)));
    text_change(&d, "特色加分说明 bonus.text", kh_rubric_bonus_text(a),
                kh_rubric_bonus_text(b));
    text_change(&d, "负面清单说明 negative.text", kh_rubric_negative_text(a),
                kh_rubric_negative_text(b));

    /* Kinds of unit. */
    for (size_t k = 0; k < kh_rubric_kind_count(a); k++) {
        const char *id = kh_rubric_kind_id(a, k);
        int kb = kind_find(b, id);
        if (kb < 0) {
            kh_buf_printf(out, "  - 单位类别 kind %s 删除: %s\n", id,
                          kh_rubric_kind_name(a, k));
            d.n++;
            continue;
        }
        char what[128];
        snprintf(what, sizeof what, "单位类别 kind %s 名称 name", id);
        text_change(&d, what, kh_rubric_kind_name(a, k),
                    kh_rubric_kind_name(b, (size_t)kb));
    }
    for (size_t k = 0; k < kh_rubric_kind_count(b); k++) {
        if (kind_find(a, kh_rubric_kind_id(b, k)) >= 0)
            continue;
        kh_buf_printf(out, "  + 单位类别 kind %s 新增: %s\n",
                      kh_rubric_kind_id(b, k), kh_rubric_kind_name(b, k));
        d.n++;
    }

    /* Ranking lists. */
    for (size_t i = 0; i < kh_rubric_ranking_count(a); i++) {
        const char *id = kh_rubric_ranking_id(a, i);
        int j = ranking_find(b, id);
        if (j < 0) {
            kh_buf_printf(out, "  - 排名 ranking %s 删除: %s\n", id,
                          kh_rubric_ranking_name(a, i));
            d.n++;
            continue;
        }
        char what[128];
        snprintf(what, sizeof what, "排名 ranking %s 名称 name", id);
        text_change(&d, what, kh_rubric_ranking_name(a, i),
                    kh_rubric_ranking_name(b, (size_t)j));
        snprintf(what, sizeof what, "排名 ranking %s 单位类别 kind", id);
        text_change(&d, what,
                    kh_rubric_kind_id(a, kh_rubric_ranking_kind(a, i)),
                    kh_rubric_kind_id(b, kh_rubric_ranking_kind(b, (size_t)j)));
        snprintf(what, sizeof what, "排名 ranking %s 层级 level", id);
        text_change(&d, what, level_name(kh_rubric_ranking_level(a, i)),
                    level_name(kh_rubric_ranking_level(b, (size_t)j)));
    }
    for (size_t i = 0; i < kh_rubric_ranking_count(b); i++) {
        if (ranking_find(a, kh_rubric_ranking_id(b, i)) >= 0)
            continue;
        kh_buf_printf(out, "  + 排名 ranking %s 新增: %s\n",
                      kh_rubric_ranking_id(b, i), kh_rubric_ranking_name(b, i));
        d.n++;
    }

    /* Categories. */
    for (size_t c = 0; c < kh_rubric_category_count(a); c++) {
        const char *id = kh_rubric_category_id(a, c);
        int j = category_find(b, id);
        char x[KH_NUM_BUFSZ];
        if (j < 0) {
            kh_num_format(kh_rubric_category_max(a, c), x);
            kh_buf_printf(out, "  - 类别 category %s 删除 (max %s): %s\n", id,
                          x, kh_rubric_category_name(a, c));
            d.n++;
            continue;
        }
        char what[128];
        snprintf(what, sizeof what, "类别 category %s 名称 name", id);
        text_change(&d, what, kh_rubric_category_name(a, c),
                    kh_rubric_category_name(b, (size_t)j));
        snprintf(what, sizeof what, "类别 category %s 满分 max", id);
        cp_change(&d, what, kh_rubric_category_max(a, c),
                  kh_rubric_category_max(b, (size_t)j));
    }
    for (size_t c = 0; c < kh_rubric_category_count(b); c++) {
        if (category_find(a, kh_rubric_category_id(b, c)) >= 0)
            continue;
        char x[KH_NUM_BUFSZ];
        kh_num_format(kh_rubric_category_max(b, c), x);
        kh_buf_printf(out, "  + 类别 category %s 新增 (max %s): %s\n",
                      kh_rubric_category_id(b, c), x,
                      kh_rubric_category_name(b, c));
        d.n++;
    }

    /* Items, in the old rubric's order, then the new ones. */
    for (size_t i = 0; i < kh_rubric_item_count(a); i++) {
        int j = kh_rubric_item_find(b, kh_rubric_item_id(a, i));
        if (j < 0)
            item_line(&d, '-', "删除考核项 removed", a, i);
        else
            item_changes(&d, a, i, b, (size_t)j);
    }
    for (size_t i = 0; i < kh_rubric_item_count(b); i++)
        if (kh_rubric_item_find(a, kh_rubric_item_id(b, i)) < 0)
            item_line(&d, '+', "新增考核项 added", b, i);

    if (d.n == 0)
        kh_buf_puts(out, "  无差异 (no differences)\n");
    else
        kh_buf_printf(out, "共 %zu 处差异 (%zu differences)\n", d.n, d.n);
    if (changes)
        *changes = d.n;
    return kh_buf_status(out);
}
