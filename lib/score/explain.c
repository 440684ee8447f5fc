/*
 * explain.c - how a unit's score in one phase was reached, in words
 * (Chinese), item by item: each term with its input and contribution,
 * group clamps, missing items, category subtotals, prorating, bonus,
 * negative and total.  The format is pinned by golden tests; keep it
 * stable.
 *
 * An item is written in one of two ways:
 * - a chain, when its terms are plain: "[起评 S] a + b − c = V [→ 上限 M]",
 *   e.g. "1.3 相关会议记录 2×1 + 相关印证材料 5×1 = 7 → 上限 6";
 * - segments, when a term shows its own result (a nested group, a count
 *   cut by its cap): "seg；seg；合计 V", e.g. "3.2 学习强国积分不足5000分
 *   的人数 起评 2 − 3×0.5 = 0.5；主题活动 4×1 = 4 → 上限 3；合计 3.5".
 * A group of one check, count or deduct term puts that term's label first
 * (instead of the group's): "违规情况 起评 5 − 2×1 = 3".  Nested groups inside a chain are
 * bracketed （…）.  The values computed here are the ones kh_score_item
 * computes (tests compare them).
 */
#include "kaohe/score.h"
#include "assess_impl.h"

#include <stdlib.h>
#include <string.h>

typedef struct ex_ctx {
    const kh_assess *a;
    size_t u;
    const kh_entry *en;
    bool note_used;                /* the note was shown with a judgement */
} ex_ctx;

static kh_cp ex_sat(__int128 v)
{
    const kh_cp b = (kh_cp)1000000000000000000LL;
    return v > b ? b : v < -b ? -b : (kh_cp)v;
}

static void ex_num(kh_buf *b, __int128 v)
{
    char s[KH_NUM_BUFSZ];
    kh_num_format(ex_sat(v), s);
    kh_buf_puts(b, s);
}

static const char *ex_label(const kh_term *t)
{
    const char *l = kh_term_label(t);
    if (l && *l)
        return l;
    l = kh_term_input(t);
    return l ? l : "";
}

/* The number a count/deduct term reads (roster or entry). */
static __int128 ex_count(const ex_ctx *c, const kh_term *t)
{
    size_t below;
    if (kh_term_roster(t) && kh_assess_roster_count(c->a, c->u, t, &below))
        return (__int128)below;
    return kh_entry_value(c->en, kh_term_slot(t), NULL) / 100;
}

typedef struct ex_out {
    __int128 value;     /* the term's contribution */
    bool shows;         /* the text ends in its own "= value" */
    bool evident;       /* the text shows the value itself (✓ 3, 迟报 1.5) */
} ex_out;

static ex_out ex_group(ex_ctx *c, const kh_term *g, kh_buf *b, bool root);

/* Writes term t's magnitude form ("相关预案 ✓ 1", "违规情况 2×1"); the
 * caller writes the sign.  nolabel: the label is already written. */
static ex_out ex_term(ex_ctx *c, const kh_term *t, kh_buf *b, bool nolabel)
{
    ex_out o = {0, false, false};
    bool present;
    kh_cp v;
    if (!nolabel && kh_term_get_kind(t) != KH_TERM_GROUP &&
        kh_term_get_kind(t) != KH_TERM_CHOICE &&
        !(kh_term_get_kind(t) == KH_TERM_JUDGEMENT && !kh_term_label(t))) {
        kh_buf_puts(b, ex_label(t));
        kh_buf_putc(b, ' ');
    }
    switch (kh_term_get_kind(t)) {
    case KH_TERM_CHECK: {
        v = kh_entry_value(c->en, kh_term_slot(t), &present);
        kh_cp p = kh_term_points(t);
        o.evident = true;
        if (present && v) {
            kh_buf_puts(b, "✓ ");
            ex_num(b, p < 0 ? -(__int128)p : p);
            o.value = p;
        } else {
            kh_buf_puts(b, "✗ 0");
        }
        break;
    }
    case KH_TERM_COUNT:
    case KH_TERM_DEDUCT: {
        __int128 n = ex_count(c, t);
        __int128 x = n * kh_term_per(t);
        kh_buf_printf(b, "%lld×", (long long)ex_sat(n));
        ex_num(b, kh_term_per(t));
        if (kh_term_get_kind(t) == KH_TERM_DEDUCT) {
            o.value = -x;
        } else if (kh_term_has_cap(t) && x > kh_term_cap(t)) {
            kh_buf_puts(b, " = ");
            ex_num(b, x);
            kh_buf_puts(b, " → 上限 ");
            ex_num(b, kh_term_cap(t));
            o.value = kh_term_cap(t);
            o.shows = true;
        } else {
            o.value = x;
        }
        break;
    }
    case KH_TERM_CHOICE:
        v = kh_entry_value(c->en, kh_term_slot(t), &present);
        o.evident = true;
        if (present && v >= 0 && (size_t)v < kh_term_option_count(t)) {
            kh_cp p = kh_term_option_points(t, (size_t)v);
            const char *ol = kh_term_option_label(t, (size_t)v);
            kh_buf_puts(b, ol && *ol ? ol : kh_term_option_id(t, (size_t)v));
            kh_buf_putc(b, ' ');
            ex_num(b, p < 0 ? -(__int128)p : p);
            o.value = p;
        } else {
            kh_buf_printf(b, "%s 未填 0", ex_label(t));
        }
        break;
    case KH_TERM_JUDGEMENT: {
        v = kh_entry_value(c->en, kh_term_slot(t), &present);
        o.evident = true;
        o.value = v;
        kh_buf_puts(b, "评分 ");
        ex_num(b, v);
        const char *note = kh_entry_note(c->en);
        if (note && *note && !c->note_used) {
            kh_buf_printf(b, "（理由：%s）", note);
            c->note_used = true;
        }
        break;
    }
    case KH_TERM_GROUP:
        return ex_group(c, t, b, false);
    }
    return o;
}

/* Is the contribution written with a minus sign? */
static bool ex_minus(const kh_term *t, __int128 value)
{
    return kh_term_get_kind(t) == KH_TERM_DEDUCT || value < 0;
}

static void ex_clamp(kh_buf *b, __int128 sum, kh_cp max)
{
    if (sum > max) {
        kh_buf_puts(b, " → 上限 ");
        ex_num(b, max);
    } else if (sum < 0) {
        kh_buf_puts(b, " → 下限 0");
    }
}

static ex_out ex_group(ex_ctx *c, const kh_term *g, kh_buf *b, bool root)
{
    size_t n = kh_term_child_count(g);
    kh_cp start = kh_term_start(g), max = kh_term_max(g);
    const char *glabel = root ? NULL : kh_term_label(g);
    if (glabel && !*glabel)
        glabel = NULL;
    kh_term_kind k0 = n ? kh_term_get_kind(kh_term_child(g, 0))
                        : KH_TERM_GROUP;
    /* One input-reading term: its label says more than the group's. */
    bool hoist = n == 1 && (k0 == KH_TERM_CHECK || k0 == KH_TERM_COUNT ||
                            k0 == KH_TERM_DEDUCT);
    if (hoist)
        glabel = NULL;

    /* Each child into its own buffer first: the layout depends on them. */
    kh_buf *parts = calloc(n ? n : 1, sizeof *parts);
    ex_out *outs = calloc(n ? n : 1, sizeof *outs);
    ex_out o = {0, true, false};
    if (!parts || !outs) {
        free(parts);
        free(outs);
        b->st = KH_ENOMEM;
        return o;
    }
    __int128 sum = start;
    bool any_shows = false;
    for (size_t i = 0; i < n; i++) {
        kh_buf_init(&parts[i], 0);
        outs[i] = ex_term(c, kh_term_child(g, i), &parts[i], hoist);
        sum += outs[i].value;
        any_shows |= outs[i].shows;
    }
    __int128 val = sum < 0 ? 0 : sum > max ? max : sum;
    o.value = val;

    if (glabel) {
        kh_buf_puts(b, glabel);
        kh_buf_putc(b, ' ');
    }
    if (hoist) {
        kh_buf_puts(b, ex_label(kh_term_child(g, 0)));
        kh_buf_putc(b, ' ');
    }
    if (root && any_shows) {
        /* Segments, each showing its own result. */
        bool first = true;
        if (start != 0) {
            kh_buf_puts(b, "起评 ");
            ex_num(b, start);
            first = false;
        }
        for (size_t i = 0; i < n; i++) {
            if (!first)
                kh_buf_puts(b, "；");
            first = false;
            kh_buf_puts(b, kh_buf_str(&parts[i]));
            if (!outs[i].shows && (!outs[i].evident || outs[i].value < 0)) {
                kh_buf_puts(b, " = ");
                ex_num(b, outs[i].value);
            }
        }
        if (!(n == 1 && start == 0)) {
            kh_buf_puts(b, "；合计 ");
            ex_num(b, sum);
        }
        ex_clamp(b, sum, max);
    } else {
        bool first = true;
        if (start != 0) {
            kh_buf_puts(b, "起评 ");
            ex_num(b, start);
            first = false;
        }
        for (size_t i = 0; i < n; i++) {
            bool minus = ex_minus(kh_term_child(g, i), outs[i].value);
            if (first)
                kh_buf_puts(b, minus ? "− " : "");
            else
                kh_buf_puts(b, minus ? " − " : " + ");
            first = false;
            if (outs[i].shows)
                kh_buf_printf(b, "（%s）", kh_buf_str(&parts[i]));
            else
                kh_buf_puts(b, kh_buf_str(&parts[i]));
        }
        if (n == 0 && start == 0)
            kh_buf_puts(b, "0");
        bool evident = n == 1 && start == 0 && outs[0].evident &&
                       outs[0].value >= 0;
        if (!evident && !(n == 0)) {
            kh_buf_puts(b, " = ");
            ex_num(b, sum);
        }
        ex_clamp(b, sum, max);
        o.shows = !evident || sum > max || sum < 0;
        o.evident = evident;
    }
    for (size_t i = 0; i < n; i++)
        kh_buf_free(&parts[i]);
    free(parts);
    free(outs);
    return o;
}

/* For each roster term of item i the unit has a roster for: who is below
 * the threshold. */
static void ex_rosters(const ex_ctx *c, size_t i, kh_buf *out)
{
    const kh_rubric *r = c->a->r;
    for (size_t s = 0; s < kh_rubric_item_slots(r, i); s++) {
        const kh_term *t = kh_rubric_item_slot(r, i, s);
        const char *rn = kh_term_roster(t);
        const char *const *names;
        const kh_cp *values;
        size_t below;
        if (!rn || !kh_assess_roster_count(c->a, c->u, t, &below))
            continue;
        size_t n = kh_assess_roster_people(c->a, c->u, rn, &names, &values);
        /* named as people know it, never by its id (issue 11) */
        if (kh_term_roster_title(t))
            kh_buf_printf(out, "      %s（%zu 人）低于 ",
                          kh_term_roster_title(t), n);
        else
            kh_buf_printf(out, "      考核要点 %s 名单（%zu 人）低于 ",
                          kh_rubric_item_id(r, i), n);
        ex_num(out, kh_term_roster_below(t));
        if (below == 0) {
            kh_buf_puts(out, " 的：无\n");
            continue;
        }
        kh_buf_printf(out, " 的 %zu 人：", below);
        bool first = true;
        for (size_t k = 0; k < n; k++) {
            if (values[k] >= kh_term_roster_below(t))
                continue;
            kh_buf_printf(out, "%s%s ", first ? "" : "、", names[k]);
            ex_num(out, values[k]);
            first = false;
        }
        kh_buf_putc(out, '\n');
    }
}

/* Writes "reason 2；reason 3；合计 5 → 上限 5" and returns the capped sum
 * (cap < 0: none). */
static __int128 ex_points(kh_buf *out, const char *title, size_t n,
                          const kh_assess *a, size_t u, bool bonus, kh_cp cap)
{
    kh_buf_printf(out, "%s：", title);
    if (n == 0) {
        kh_buf_puts(out, "无\n");
        return 0;
    }
    __int128 sum = 0;
    for (size_t k = 0; k < n; k++) {
        const char *why = bonus ? kh_assess_bonus_reason(a, u, k)
                                : kh_assess_negative_reason(a, u, k);
        kh_cp p = bonus ? kh_assess_bonus_points(a, u, k)
                        : kh_assess_negative_points(a, u, k);
        kh_buf_printf(out, "%s ", why && *why ? why : "（未注明）");
        ex_num(out, p);
        kh_buf_puts(out, "；");
        sum += p;
    }
    kh_buf_puts(out, "合计 ");
    ex_num(out, sum);
    if (cap >= 0 && sum > cap) {
        kh_buf_puts(out, " → 上限 ");
        ex_num(out, cap);
        sum = cap;
    }
    kh_buf_putc(out, '\n');
    return sum;
}

kh_status kh_explain(const kh_assess *a, size_t u, kh_phase p, kh_buf *out)
{
    return kh_explain_with(a, u, p, NULL, NULL, out);
}

kh_status kh_explain_with(const kh_assess *a, size_t u, kh_phase p,
                          kh_explain_item_fn fn, void *ctx, kh_buf *out)
{
    if (u >= a->nunits || !a->finished)
        return KH_EINVAL;
    const kh_rubric *r = a->r;
    const kh_assess_unit_rec *ur = &a->units[u];
    bool insp = p == KH_PHASE_INSPECTION;
    kh_buf_printf(out, "%s%s得分\n", ur->name, insp ? "考核" : "自评");

    __int128 raw = 0, appl = 0;
    kh_buf missing;
    kh_buf_init(&missing, 0);
    for (size_t cat = 0; cat < kh_rubric_category_count(r); cat++) {
        size_t first = kh_rubric_category_first(r, cat);
        size_t nci = kh_rubric_category_items(r, cat);
        kh_buf_printf(out, "%s %s\n", kh_rubric_category_id(r, cat),
                      kh_rubric_category_name(r, cat));
        __int128 csum = 0, cmax = 0;
        bool any = false;
        for (size_t i = first; i < first + nci; i++) {
            const char *iid = kh_rubric_item_id(r, i);
            if (!kh_rubric_item_applies(r, i, ur->kind)) {
                kh_buf_printf(out, "  %s 不适用\n", iid);
                continue;
            }
            any = true;
            cmax += kh_rubric_item_max(r, i);
            const kh_entry *en = kh_assess_entry(a, u, i, p);
            if (!en) {
                kh_buf_printf(out, "  %s 缺少%s记录，计 0 分\n", iid,
                              insp ? "考核" : "自评");
                kh_buf_printf(&missing, "%s%s", missing.len ? "、" : "",
                              iid);
                continue;
            }
            ex_ctx c = {a, u, en, false};
            kh_buf_printf(out, "  %s ", iid);
            ex_out o = ex_group(&c, kh_rubric_item_root(r, i), out, true);
            const char *note = kh_entry_note(en);
            if (note && *note && !c.note_used)
                kh_buf_printf(out, "（说明：%s）", note);
            kh_buf_putc(out, '\n');
            ex_rosters(&c, i, out);
            if (fn)   /* what the caller knows besides: kh_explain_with */
                fn(ctx, iid, out);
            csum += o.value;
        }
        if (any) {
            kh_buf_puts(out, "  小计 ");
            ex_num(out, csum);
            kh_buf_puts(out, "（满分 ");
            ex_num(out, cmax);
            kh_buf_puts(out, "）\n");
        }
        raw += csum;
        appl += cmax;
    }

    kh_cp base_max = kh_rubric_base_max(r);
    kh_cp rawc = ex_sat(raw), applc = ex_sat(appl), base = rawc;
    kh_buf_puts(out, "基础分 ");
    ex_num(out, raw);
    if (kh_rubric_na_mode(r) == KH_NA_RAW) {
        kh_buf_puts(out, "（适用满分 ");
        ex_num(out, appl);
        kh_buf_puts(out, "，不折算）\n");
    } else if (applc == base_max || applc <= 0) {
        kh_buf_puts(out, "（满分 ");
        ex_num(out, appl);
        kh_buf_puts(out, "）\n");
        if (applc <= 0)
            base = 0;
    } else {
        base = kh_num_muldiv_round(rawc, base_max, applc);
        kh_buf_puts(out, "（适用满分 ");
        ex_num(out, appl);
        kh_buf_puts(out, "）\n按适用满分折算：");
        ex_num(out, raw);
        kh_buf_puts(out, " × ");
        ex_num(out, base_max);
        kh_buf_puts(out, " / ");
        ex_num(out, appl);
        kh_buf_puts(out, " = ");
        ex_num(out, base);
        kh_buf_putc(out, '\n');
    }

    if (!insp) {
        if (missing.len)
            kh_buf_printf(out, "自评基础分：无（缺少自评记录：%s）\n",
                          kh_buf_str(&missing));
        else {
            kh_buf_puts(out, "自评基础分 ");
            ex_num(out, base);
            kh_buf_putc(out, '\n');
        }
        kh_buf_free(&missing);
        return kh_buf_status(out);
    }
    if (missing.len)
        kh_buf_printf(out, "缺少考核记录的项目：%s（按 0 分计）\n",
                      kh_buf_str(&missing));
    kh_buf_free(&missing);

    __int128 bonus = ex_points(out, "特色加分", kh_assess_bonus_count(a, u),
                               a, u, true, kh_rubric_bonus_max(r));
    __int128 neg = ex_points(out, "负面清单", kh_assess_negative_count(a, u),
                             a, u, false, -1);
    __int128 total = (__int128)base + bonus - neg;
    kh_buf_puts(out, "总分：");
    ex_num(out, base);
    kh_buf_puts(out, " + ");
    ex_num(out, bonus);
    kh_buf_puts(out, " − ");
    ex_num(out, neg);
    kh_buf_puts(out, " = ");
    ex_num(out, total);
    if (total < 0)
        kh_buf_puts(out, " → 下限 0");
    kh_buf_putc(out, '\n');
    return kh_buf_status(out);
}
