/*
 * rubric_show.c - a loaded rubric for people: a Chinese text view
 * (kh_rubric_show_table), JSON with the file format's keys
 * (kh_rubric_show_json), and one term in words (kh_term_describe).
 */
#include "rubric_impl.h"

#include <stdio.h>
#include <string.h>

static void put_num(kh_buf *out, kh_cp v)
{
    char num[KH_NUM_BUFSZ];
    kh_num_format(v, num);
    kh_buf_puts(out, num);
}

/* ---- words ---------------------------------------------------------------- */

/* A roster by its title, never by its id (the id is for data files). */
static void describe_roster(const kh_term *t, kh_buf *out)
{
    if (!t->roster)
        return;
    kh_buf_printf(out, "（%s，低于 ",
                  t->roster_title ? t->roster_title : "本项名单");
    put_num(out, t->roster_below);
    kh_buf_puts(out, "）");
}

void kh_term_describe(const kh_term *t, kh_buf *out)
{
    const char *name = t->label ? t->label : t->input;
    if (name && t->kind != KH_TERM_GROUP) {
        kh_buf_puts(out, name);
        kh_buf_puts(out, "：");
    }
    switch (t->kind) {
    case KH_TERM_CHECK:
        kh_buf_puts(out, t->points < 0 ? "是则扣 " : "是则得 ");
        put_num(out, t->points < 0 ? -t->points : t->points);
        kh_buf_puts(out, " 分");
        break;
    case KH_TERM_COUNT:
        kh_buf_puts(out, t->roster ? "每人 " : "每次 ");
        put_num(out, t->per);
        kh_buf_puts(out, " 分");
        if (t->has_cap) {
            kh_buf_puts(out, "，最高 ");
            put_num(out, t->cap);
            kh_buf_puts(out, " 分");
        }
        describe_roster(t, out);
        break;
    case KH_TERM_DEDUCT:
        kh_buf_puts(out, t->roster ? "每人扣 " : "每次扣 ");
        put_num(out, t->per);
        kh_buf_puts(out, " 分");
        describe_roster(t, out);
        break;
    case KH_TERM_CHOICE:
        for (size_t o = 0; o < t->nopts; o++) {
            if (o)
                kh_buf_puts(out, " / ");
            kh_buf_puts(out, t->opts[o].label ? t->opts[o].label
                                              : t->opts[o].id);
            kh_buf_putc(out, ' ');
            put_num(out, t->opts[o].points);
            kh_buf_puts(out, " 分");
        }
        break;
    case KH_TERM_JUDGEMENT:
        kh_buf_puts(out, "评分 0–");
        put_num(out, t->points);
        kh_buf_puts(out, " 分，步长 ");
        put_num(out, t->step);
        break;
    case KH_TERM_GROUP:
        if (t->label) {
            kh_buf_puts(out, t->label);
            kh_buf_puts(out, "，");
        }
        if (t->start) {
            kh_buf_puts(out, "起评 ");
            put_num(out, t->start);
            kh_buf_puts(out, " 分，");
        }
        kh_buf_puts(out, "最高 ");
        put_num(out, t->max);
        kh_buf_puts(out, " 分：");
        for (size_t i = 0; i < t->nkids; i++) {
            if (i)
                kh_buf_puts(out, "；");
            kh_term_describe(&t->kids[i], out);
        }
        break;
    }
}

/* ---- table ---------------------------------------------------------------- */

static void text_block(kh_buf *out, const char *what, const char *text)
{
    if (text)
        kh_buf_printf(out, "    %s：%s\n", what, text);
}

kh_status kh_rubric_show_table(const kh_rubric *r, kh_buf *out)
{
    kh_buf_printf(out, "%s\n", r->title);
    if (r->document)
        kh_buf_printf(out, "%s\n", r->document);
    kh_buf_printf(out, "编号：%s\n", r->id);
    kh_buf_puts(out, "基本分：");
    put_num(out, r->base_max);
    kh_buf_puts(out, r->na_mode == KH_NA_PRORATE
                         ? " 分（不适用的项目按比例折算）\n"
                         : " 分（不适用的项目不计分，不折算）\n");
    kh_buf_puts(out, "考核对象：");
    for (size_t k = 0; k < r->nkinds; k++)
        kh_buf_printf(out, "%s%s（%s）", k ? "、" : "", r->kinds[k].name,
                      r->kinds[k].id);
    kh_buf_puts(out, "\n排名：");
    for (size_t i = 0; i < r->nrankings; i++) {
        const kh_ranking *rk = &r->rankings[i];
        kh_buf_printf(out, "%s%s——%s，%s", i ? "；" : "", rk->name,
                      r->kinds[rk->kind].name,
                      rk->level == KH_LEVEL_BRANCH ? "按支部排队"
                                                   : "按单位排队");
    }
    kh_buf_printf(out, "%s排名后 %u 位的进行提醒谈话\n",
                  r->nrankings ? "；" : "", r->bottom_n);

    for (size_t c = 0; c < r->ncats; c++) {
        const kh_category *cat = &r->cats[c];
        kh_buf_printf(out, "\n%s. %s（", cat->id, cat->name);
        put_num(out, cat->max);
        kh_buf_puts(out, "分）\n");
        for (size_t i = cat->first; i < cat->first + cat->count; i++) {
            const kh_item *it = &r->items[i];
            kh_buf_printf(out, "\n  %s（", it->id);
            put_num(out, it->root.max);
            kh_buf_puts(out, "分");
            if (it->root.start) {
                kh_buf_puts(out, "，起评 ");
                put_num(out, it->root.start);
                kh_buf_puts(out, " 分");
            }
            if (!it->all_kinds) {
                kh_buf_puts(out, "，适用于");
                bool first = true;
                for (size_t k = 0; k < r->nkinds; k++)
                    if (it->applies[k]) {
                        kh_buf_printf(out, "%s%s", first ? "" : "、",
                                      r->kinds[k].name);
                        first = false;
                    }
            }
            kh_buf_puts(out, "）\n");
            text_block(out, "考核要点", it->text);
            text_block(out, "考核标准", it->standard);
            kh_buf_puts(out, "    评分：\n");
            for (size_t t = 0; t < it->root.nkids; t++) {
                kh_buf_puts(out, "      - ");
                kh_term_describe(&it->root.kids[t], out);
                kh_buf_putc(out, '\n');
            }
        }
    }
    if (r->bonus_text) {
        kh_buf_puts(out, "\n特色加分（最高 ");
        put_num(out, r->bonus_max);
        kh_buf_puts(out, " 分）\n");
        text_block(out, "考核要点", r->bonus_text);
        text_block(out, "考核标准", r->bonus_standard);
    }
    if (r->negative_text) {
        kh_buf_puts(out, "\n负面清单（扣分不设上限）\n");
        text_block(out, "考核要点", r->negative_text);
        text_block(out, "考核标准", r->negative_standard);
    }
    return kh_buf_status(out);
}

/* ---- JSON ----------------------------------------------------------------- */

/* Appends s as a JSON string literal.  UTF-8 passes through; quotes,
 * backslashes and control characters are escaped. */
static void json_str(kh_buf *out, const char *s)
{
    kh_buf_putc(out, '"');
    const char *run = s;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
            continue;
        kh_buf_add(out, run, (size_t)(s - run));
        switch (c) {
        case '"': kh_buf_puts(out, "\\\""); break;
        case '\\': kh_buf_puts(out, "\\\\"); break;
        case '\n': kh_buf_puts(out, "\\n"); break;
        case '\t': kh_buf_puts(out, "\\t"); break;
        case '\r': kh_buf_puts(out, "\\r"); break;
        default: kh_buf_printf(out, "\\u%04x", c); break;
        }
        run = s + 1;
    }
    kh_buf_add(out, run, (size_t)(s - run));
    kh_buf_putc(out, '"');
}

static void json_key_str(kh_buf *out, const char *sep, const char *key,
                         const char *val)
{
    kh_buf_printf(out, "%s\"%s\": ", sep, key);
    json_str(out, val);
}

static void json_key_num(kh_buf *out, const char *sep, const char *key,
                         kh_cp v)
{
    kh_buf_printf(out, "%s\"%s\": ", sep, key);
    put_num(out, v);
}

static void json_term(kh_buf *out, const kh_term *t)
{
    kh_buf_putc(out, '{');
    const char *sep = "";
    if (t->input) {
        json_key_str(out, "", "input", t->input);
        sep = ", ";
    }
    json_key_str(out, sep, "kind", kh_term_kind_name(t->kind));
    if (t->label)
        json_key_str(out, ", ", "label", t->label);
    switch (t->kind) {
    case KH_TERM_CHECK:
        json_key_num(out, ", ", "points", t->points);
        break;
    case KH_TERM_COUNT:
        json_key_num(out, ", ", "per", t->per);
        if (t->has_cap)
            json_key_num(out, ", ", "cap", t->cap);
        break;
    case KH_TERM_DEDUCT:
        json_key_num(out, ", ", "per", t->per);
        break;
    case KH_TERM_CHOICE:
        kh_buf_puts(out, ", \"options\": [");
        for (size_t o = 0; o < t->nopts; o++) {
            json_key_str(out, o ? ", {" : "{", "id", t->opts[o].id);
            if (t->opts[o].label)
                json_key_str(out, ", ", "label", t->opts[o].label);
            json_key_num(out, ", ", "points", t->opts[o].points);
            kh_buf_putc(out, '}');
        }
        kh_buf_putc(out, ']');
        break;
    case KH_TERM_JUDGEMENT:
        json_key_num(out, ", ", "points", t->points);
        json_key_num(out, ", ", "step", t->step);
        break;
    case KH_TERM_GROUP:
        json_key_num(out, ", ", "max", t->max);
        json_key_num(out, ", ", "start", t->start);
        kh_buf_puts(out, ", \"terms\": [");
        for (size_t i = 0; i < t->nkids; i++) {
            if (i)
                kh_buf_puts(out, ", ");
            json_term(out, &t->kids[i]);
        }
        kh_buf_putc(out, ']');
        break;
    }
    if (t->source) {
        const kh_source *src = t->source;
        json_key_str(out, ", \"source\": {", "questionnaire",
                     src->questionnaire);
        json_key_str(out, ", ", "question", src->question);
        json_key_str(out, ", ", "figure", src->figure);
        kh_buf_puts(out, ", \"bands\": [");
        for (size_t b = 0; b < src->nbands; b++) {
            kh_buf_puts(out, b ? ", [" : "[");
            put_num(out, src->at[b]);
            kh_buf_puts(out, ", ");
            put_num(out, src->value[b]);
            kh_buf_putc(out, ']');
        }
        kh_buf_puts(out, "]}");
    }
    if (t->roster) {
        json_key_str(out, ", \"roster\": {", "name", t->roster);
        json_key_num(out, ", ", "below", t->roster_below);
        kh_buf_putc(out, '}');
    }
    kh_buf_putc(out, '}');
}

static void json_text(kh_buf *out, const char *key, const char *text,
                      const char *standard)
{
    if (!text)
        return;
    kh_buf_printf(out, ",\n  \"%s\": {", key);
    json_key_str(out, "", "text", text);
    if (standard)
        json_key_str(out, ", ", "standard", standard);
    kh_buf_putc(out, '}');
}

kh_status kh_rubric_show_json(const kh_rubric *r, kh_buf *out)
{
    json_key_str(out, "{\n  ", "id", r->id);
    json_key_str(out, ",\n  ", "title", r->title);
    if (r->document)
        json_key_str(out, ",\n  ", "document", r->document);
    json_key_num(out, ",\n  ", "base_max", r->base_max);
    json_key_num(out, ",\n  ", "bonus_max", r->bonus_max);
    kh_buf_printf(out, ",\n  \"bottom_n\": %u", r->bottom_n);
    json_key_str(out, ",\n  ", "not_applicable",
                 r->na_mode == KH_NA_PRORATE ? "prorate" : "raw");
    kh_buf_puts(out, ",\n  \"kinds\": [");
    for (size_t k = 0; k < r->nkinds; k++) {
        json_key_str(out, k ? ",\n    {" : "\n    {", "id", r->kinds[k].id);
        json_key_str(out, ", ", "name", r->kinds[k].name);
        kh_buf_putc(out, '}');
    }
    kh_buf_puts(out, r->nkinds ? "\n  ]" : "]");
    kh_buf_puts(out, ",\n  \"rankings\": [");
    for (size_t i = 0; i < r->nrankings; i++) {
        const kh_ranking *rk = &r->rankings[i];
        json_key_str(out, i ? ",\n    {" : "\n    {", "id", rk->id);
        json_key_str(out, ", ", "name", rk->name);
        json_key_str(out, ", ", "kind", r->kinds[rk->kind].id);
        json_key_str(out, ", ", "level",
                     rk->level == KH_LEVEL_BRANCH ? "branch" : "unit");
        kh_buf_putc(out, '}');
    }
    kh_buf_puts(out, r->nrankings ? "\n  ]" : "]");
    kh_buf_puts(out, ",\n  \"categories\": [");
    for (size_t c = 0; c < r->ncats; c++) {
        const kh_category *cat = &r->cats[c];
        json_key_str(out, c ? ",\n    {\n      " : "\n    {\n      ", "id",
                     cat->id);
        json_key_str(out, ",\n      ", "name", cat->name);
        json_key_num(out, ",\n      ", "max", cat->max);
        kh_buf_puts(out, ",\n      \"items\": [");
        for (size_t i = cat->first; i < cat->first + cat->count; i++) {
            const kh_item *it = &r->items[i];
            json_key_str(out, i > cat->first ? ",\n        {\n          "
                                             : "\n        {\n          ",
                         "id", it->id);
            json_key_str(out, ",\n          ", "text", it->text);
            if (it->standard)
                json_key_str(out, ",\n          ", "standard", it->standard);
            json_key_num(out, ",\n          ", "max", it->root.max);
            if (!it->all_kinds) {
                kh_buf_puts(out, ",\n          \"kinds\": [");
                bool first = true;
                for (size_t k = 0; k < r->nkinds; k++)
                    if (it->applies[k]) {
                        kh_buf_puts(out, first ? "" : ", ");
                        json_str(out, r->kinds[k].id);
                        first = false;
                    }
                kh_buf_putc(out, ']');
            }
            if (it->root.start)
                json_key_num(out, ",\n          ", "start", it->root.start);
            kh_buf_puts(out, ",\n          \"terms\": [");
            for (size_t t = 0; t < it->root.nkids; t++) {
                kh_buf_puts(out, t ? ",\n            " : "\n            ");
                json_term(out, &it->root.kids[t]);
            }
            kh_buf_puts(out, "\n          ]\n        }");
        }
        kh_buf_puts(out, "\n      ]\n    }");
    }
    kh_buf_puts(out, r->ncats ? "\n  ]" : "]");
    json_text(out, "bonus", r->bonus_text, r->bonus_standard);
    json_text(out, "negative", r->negative_text, r->negative_standard);
    kh_buf_puts(out, "\n}\n");
    return kh_buf_status(out);
}
