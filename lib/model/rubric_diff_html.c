/*
 * rubric_diff_html.c - the differences between two rubric versions in
 * words, for the web pages (the admin's /admin/rubrics/diff and the
 * year-over-year comparison): each difference kh_rubric_diff_each
 * reports becomes one list item in Chinese from the catalogue
 * (kh_i18n_zh, whatever the process's locale) - the thing by its name
 * (考核要点 2.2「…」, 类别「体制机制」), the value by what it means (满分,
 * 评分项, 标题), scores as 2.50 分 and terms in words (kh_term_describe)
 * - never the rubric file's keys.
 */
#include "kaohe/rubric_diff.h"

#include <stdlib.h>
#include <string.h>

#include "kaohe/html.h"
#include "kaohe/i18n.h"
#include "kaohe/num.h"
#include "kaohe/utf8.h"

#define W_(s) kh_i18n_zh(s)

typedef struct rd_ctx {
    kh_buf *o;
    const kh_rubric *a, *b;
    size_t n;
} rd_ctx;

/* What each changed value is called (indexed by kh_rdiff_key). */
static const char *const key_names[] = {
    [KH_RDIFF_NONE] = "",
    [KH_RDIFF_ID] = N_("rubric code"),
    [KH_RDIFF_TITLE] = N_("rubric title"),
    [KH_RDIFF_DOCUMENT] = N_("document number"),
    [KH_RDIFF_BASE_MAX] = N_("full base score"),
    [KH_RDIFF_BONUS_MAX] = N_("bonus cap"),
    [KH_RDIFF_BOTTOM_N] = N_("bottom places given a reminder talk"),
    [KH_RDIFF_NA] = N_("scoring of items that do not apply"),
    [KH_RDIFF_BONUS_TEXT] = N_("bonus rules"),
    [KH_RDIFF_NEGATIVE_TEXT] = N_("negative list rules"),
    [KH_RDIFF_NAME] = N_("name"),
    [KH_RDIFF_RANK_KIND] = N_("kind of unit ranked"),
    [KH_RDIFF_LEVEL] = N_("ranked by"),
    [KH_RDIFF_MAX] = N_("full score"),
    [KH_RDIFF_ITEM_CATEGORY] = N_("category it belongs to"),
    [KH_RDIFF_START] = N_("starting score"),
    [KH_RDIFF_KINDS] = N_("kinds of unit it applies to"),
    [KH_RDIFF_TERMS] = N_("scoring terms"),
    [KH_RDIFF_TEXT] = N_("assessment point text"),
    [KH_RDIFF_STANDARD] = N_("assessment standard"),
};

/* s cut to KH_RDIFF_TEXT_CHARS characters, "…" when cut (escaped). */
static void short_text(kh_buf *o, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    const unsigned char *end = p + strlen((const char *)p), *q = p;
    size_t chars = 0;
    while (q < end && chars < KH_RDIFF_TEXT_CHARS) {
        size_t k = kh_utf8_seq(q, end);
        q += k ? k : 1;
        chars++;
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_buf_add(&b, (const char *)p, (size_t)(q - p));
    kh_html_text(o, kh_buf_str(&b));
    kh_buf_free(&b);
    if (q < end)
        kh_buf_puts(o, W_("…"));
}

/* The thing a difference is about, by its name (escaped). */
static void subject(kh_buf *o, const rd_ctx *x, const kh_rdiff *d)
{
    bool in_b = d->op == KH_RDIFF_ADDED;
    const kh_rubric *r = in_b ? x->b : x->a;
    size_t i = in_b ? d->ib : d->ia;
    kh_buf name;
    kh_buf_init(&name, 0);
    switch (d->scope) {
    case KH_RDIFF_RUBRIC:
        kh_buf_puts(o, W_("the rubric"));
        break;
    case KH_RDIFF_KIND:
        kh_html_text(&name, kh_rubric_kind_name(r, i));
        kh_buf_printf(o, W_("kind of unit \"%s\""), kh_buf_str(&name));
        break;
    case KH_RDIFF_RANKING:
        kh_html_text(&name, kh_rubric_ranking_name(r, i));
        kh_buf_printf(o, W_("ranking list \"%s\""), kh_buf_str(&name));
        break;
    case KH_RDIFF_CATEGORY:
        kh_html_text(&name, kh_rubric_category_name(r, i));
        kh_buf_printf(o, W_("category \"%s\""), kh_buf_str(&name));
        break;
    case KH_RDIFF_ITEM: {
        kh_buf id;
        kh_buf_init(&id, 0);
        kh_html_text(&id, d->id);
        short_text(&name, kh_rubric_item_text(r, i));
        kh_buf_printf(o, W_("item %s \"%s\""), kh_buf_str(&id),
                      kh_buf_str(&name));
        kh_buf_free(&id);
        break;
    }
    }
    kh_buf_free(&name);
}

static void score(kh_buf *o, kh_cp v)
{
    char n[KH_NUM_BUFSZ];
    kh_num_format2(v, n);
    kh_buf_printf(o, W_("%s points"), n);
}

static void quoted(kh_buf *o, const char *s)
{
    if (!s) {
        kh_buf_puts(o, W_("(none)"));
        return;
    }
    kh_buf t;
    kh_buf_init(&t, 0);
    kh_html_text(&t, s);
    kh_buf_printf(o, W_("\"%s\""), kh_buf_str(&t));
    kh_buf_free(&t);
}

/* The kinds item i of r applies to, by name. */
static void kinds(kh_buf *o, const kh_rubric *r, size_t i)
{
    size_t shown = 0;
    for (size_t k = 0; k < kh_rubric_kind_count(r); k++) {
        if (!kh_rubric_item_applies(r, i, k))
            continue;
        kh_buf_puts(o, shown++ ? W_(", ") : "");
        kh_html_text(o, kh_rubric_kind_name(r, k));
    }
    if (!shown)
        kh_buf_puts(o, W_("(none)"));
}

/* One side (b: the new rubric) of a changed value, as people read it. */
static void value(kh_buf *o, const rd_ctx *x, const kh_rdiff *d, bool b)
{
    const kh_rubric *r = b ? x->b : x->a;
    size_t i = b ? d->ib : d->ia;
    const char *t = b ? d->text_b : d->text_a;
    kh_cp v = b ? d->cp_b : d->cp_a;
    char n[KH_NUM_BUFSZ];
    switch (d->key) {
    case KH_RDIFF_BOTTOM_N:
        kh_num_format(v, n);
        kh_buf_printf(o, W_("the last %s"), n);
        break;
    case KH_RDIFF_NA:
        kh_buf_puts(o, kh_rubric_na_mode(r) == KH_NA_RAW
                           ? W_("the raw score of the items that apply")
                           : W_("prorated to the full base score"));
        break;
    case KH_RDIFF_LEVEL:
        kh_buf_puts(o, kh_rubric_ranking_level(r, i) == KH_LEVEL_BRANCH
                           ? W_("by Party branch")
                           : W_("unit by unit"));
        break;
    case KH_RDIFF_RANK_KIND:
        quoted(o, kh_rubric_kind_name(r, kh_rubric_ranking_kind(r, i)));
        break;
    case KH_RDIFF_ITEM_CATEGORY:
        quoted(o, kh_rubric_category_name(r, kh_rubric_item_category(r, i)));
        break;
    case KH_RDIFF_KINDS:
        kinds(o, r, i);
        break;
    default:
        if (d->is_cp)
            score(o, v);
        else
            quoted(o, t);
        break;
    }
}

/* The terms of item i of r in words, one line each (appended to l). */
static void term_words(kh_buf *l, const kh_rubric *r, size_t i)
{
    const kh_term *root = kh_rubric_item_root(r, i);
    for (size_t c = 0; c < kh_term_child_count(root); c++) {
        kh_term_describe(kh_term_child(root, c), l);
        kh_buf_putc(l, '\n');
    }
}

/* Does the '\n'-separated list hay hold the line [s, s+n)? */
static bool has_line(const char *hay, const char *s, size_t n)
{
    for (const char *p = hay; *p;) {
        const char *nl = strchr(p, '\n');
        size_t k = nl ? (size_t)(nl - p) : strlen(p);
        if (k == n && memcmp(p, s, n) == 0)
            return true;
        p += k + (nl ? 1 : 0);
    }
    return false;
}

/* Lines of from missing in to, each as <li class=cls>label: line. */
static size_t lines_not_in(kh_buf *o, const char *from, const char *to,
                           const char *cls, const char *label)
{
    size_t shown = 0;
    for (const char *p = from; *p;) {
        const char *nl = strchr(p, '\n');
        size_t k = nl ? (size_t)(nl - p) : strlen(p);
        if (!has_line(to, p, k)) {
            kh_buf line;
            kh_buf_init(&line, 0);
            kh_buf_add(&line, p, k);
            kh_buf_printf(o, "<li class=\"%s\">%s", cls, label);
            kh_html_text(o, kh_buf_str(&line));
            kh_buf_puts(o, "</li>");
            kh_buf_free(&line);
            shown++;
        }
        p += k + (nl ? 1 : 0);
    }
    return shown;
}

/* The item's terms before and after, in words: what went, what came. */
static void terms(kh_buf *o, const rd_ctx *x, const kh_rdiff *d)
{
    kh_buf la, lb;
    kh_buf_init(&la, 0);
    kh_buf_init(&lb, 0);
    term_words(&la, x->a, d->ia);
    term_words(&lb, x->b, d->ib);
    kh_buf_puts(o, "<ul>");
    size_t n = lines_not_in(o, kh_buf_str(&la), kh_buf_str(&lb), "del",
                            W_("before: "));
    n += lines_not_in(o, kh_buf_str(&lb), kh_buf_str(&la), "ins",
                      W_("now: "));
    /* Nothing differs in words: the order, or what only the file shows
     * (an input's name). */
    if (!n)
        kh_buf_printf(o, "<li>%s</li>",
                      strcmp(kh_buf_str(&la), kh_buf_str(&lb)) == 0
                          ? W_("the same terms, with other input names")
                          : W_("the same terms in another order"));
    kh_buf_puts(o, "</ul>");
    kh_buf_free(&la);
    kh_buf_free(&lb);
}

static kh_status rd_item(void *ctx, const kh_rdiff *d)
{
    rd_ctx *x = ctx;
    kh_buf s, va, vb;
    kh_buf_init(&s, 0);
    kh_buf_init(&va, 0);
    kh_buf_init(&vb, 0);
    subject(&s, x, d);
    const kh_rubric *r = d->op == KH_RDIFF_ADDED ? x->b : x->a;
    size_t i = d->op == KH_RDIFF_ADDED ? d->ib : d->ia;
    bool has_max = d->scope == KH_RDIFF_ITEM || d->scope == KH_RDIFF_CATEGORY;
    if (d->op != KH_RDIFF_CHANGED && has_max)
        score(&va, d->scope == KH_RDIFF_ITEM ? kh_rubric_item_max(r, i)
                                             : kh_rubric_category_max(r, i));
    switch (d->op) {
    case KH_RDIFF_ADDED:
        kh_buf_printf(x->o, "<li class=\"ins\">");
        kh_buf_printf(x->o, has_max ? W_("Added: %s (full score %s)")
                                    : W_("Added: %s"),
                      kh_buf_str(&s), kh_buf_str(&va));
        break;
    case KH_RDIFF_REMOVED:
        kh_buf_printf(x->o, "<li class=\"del\">");
        kh_buf_printf(x->o, has_max ? W_("Removed: %s (full score %s)")
                                    : W_("Removed: %s"),
                      kh_buf_str(&s), kh_buf_str(&va));
        break;
    case KH_RDIFF_CHANGED:
        kh_buf_puts(x->o, "<li>");
        if (d->key == KH_RDIFF_TERMS) {
            kh_buf_printf(x->o, W_("%s, %s:"), kh_buf_str(&s),
                          W_(key_names[d->key]));
            terms(x->o, x, d);
        } else {
            value(&va, x, d, false);
            value(&vb, x, d, true);
            kh_buf_printf(x->o, W_("%s, %s: %s → %s"), kh_buf_str(&s),
                          W_(key_names[d->key]), kh_buf_str(&va),
                          kh_buf_str(&vb));
        }
        break;
    }
    kh_buf_puts(x->o, "</li>\n");
    x->n++;
    kh_status st = kh_buf_status(&s);
    kh_buf_free(&s);
    kh_buf_free(&va);
    kh_buf_free(&vb);
    return st == KH_OK ? kh_buf_status(x->o) : st;
}

kh_status kh_rubric_diff_html(const kh_rubric *a, const kh_rubric *b,
                              const char *id, kh_buf *o, size_t *n)
{
    rd_ctx x = {o, a, b, 0};
    kh_buf_puts(o, "<ul id=\"");
    kh_html_attr(o, id);
    kh_buf_puts(o, "\" class=\"rdiff\">\n");
    kh_status st = kh_rubric_diff_each(a, b, rd_item, &x);
    kh_buf_puts(o, "</ul>\n");
    *n = x.n;
    return st == KH_OK ? kh_buf_status(o) : st;
}
