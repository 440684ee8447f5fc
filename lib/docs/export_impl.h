/*
 * export_impl.h - what the export writers (lib/docs/export*.c) share: the
 * loaded year and helpers that describe its figures the same way in the
 * workbook and in the printable pages.  Private to lib/.
 */
#ifndef KAOHE_EXPORT_IMPL_H
#define KAOHE_EXPORT_IMPL_H

#include "kaohe/export.h"
#include "kaohe/doc.h"
#include "kaohe/rubric.h"
#include "kaohe/assess.h"

struct kh_export {
    kh_store *s;               /* borrowed */
    int year;
    kh_year_state state;
    char *rubric_version;      /* "ID@HASH", owned */
    char today[11];            /* the store's date, YYYY-MM-DD */
    /* The audit chain's head when the document was made, printed in
     * every document so a cut-off log is caught against any copy. */
    char audit_head[KH_AUDIT_HEAD_SZ];
    /* The printable pages link this stylesheet instead of carrying it
     * inline (kh_export_set_css_href), or NULL; owned. */
    char *css_href;
    /* Markup written right after <body> (kh_export_set_screen_html), or
     * NULL; owned. */
    char *screen_html;
    kh_rubric *rubric;         /* owned */
    kh_assess *assess;         /* owned */
    kh_result *res;            /* owned */
    /* Follow-up of a published year: the parsed JSON of
     * kh_store_followup_report (nodes live in fu_arena), or NULL. */
    kh_arena *fu_arena;
    const kh_node *fu;         /* the report's "units" sequence */
    const kh_node *pr;         /* the good practices (also in fu_arena),
                                * or NULL */
};

/* "（草稿）" for a draft, "" otherwise. */
const char *kh_xp_draft_mark(const kh_export *x);
/* The unit whose figures a ranking row shows: the unit itself (level
 * unit) or the only unit of a one-unit branch; SIZE_MAX for a branch of
 * several units (only its mean is shown). */
size_t kh_xp_row_unit(const kh_export *x, size_t ranking,
                      const kh_rank_row *row);
/* Describes the inputs of unit u's entry for item in phase p, e.g.
 * "相关会议记录：2；相关印证材料：3" (roster counts say so).  Appends
 * "未录入" when there is no entry. */
void kh_xp_inputs(const kh_export *x, size_t u, size_t item, kh_phase p,
                  kh_buf *out);
/* Formats v with two decimals into buf (KH_NUM_BUFSZ). */
const char *kh_xp_num(kh_cp v, char *buf);

/* "2026-12-06" -> "2026年12月6日" in buf (KH_XP_DATE_CN_SZ); a string
 * that is not such a date is copied as it is. */
#define KH_XP_DATE_CN_SZ 32
const char *kh_xp_date_cn(const char *iso, char *buf);

/* Good practices (有效做法和特色经验) of a published year: their count
 * and the i-th ({"name", "title", "text", ...}). */
size_t kh_xp_pr_count(const kh_export *x);
const kh_node *kh_xp_pr_at(const kh_export *x, size_t i);
/* The notice's section on the good practices (h2 numbered `ordinal`):
 * nothing when there is none (lib/docs/export_followup.c). */
void kh_xp_practices_html(const kh_export *x, const char *ordinal,
                          kh_buf *out);
/* Follow-up nodes (x->fu may be NULL: no units). */
size_t kh_xp_fu_count(const kh_export *x);
const kh_node *kh_xp_fu_unit(const kh_export *x, size_t i);
/* A string field of a follow-up node, "" when absent or null. */
const char *kh_xp_fu_str(const kh_node *n, const char *key);
/* True when the field is the JSON literal true. */
bool kh_xp_fu_true(const kh_node *n, const char *key);

/* The printable pages' frame (lib/docs/export_html.c): doctype, A4 print
 * stylesheet (landscape when wide), the draft watermark; and the closing
 * line with the Chinese date, the state and the verification code. */
void kh_xp_html_head(const kh_export *x, kh_buf *out, const char *title,
                     bool wide);
void kh_xp_html_foot(const kh_export *x, kh_buf *out);

#endif
