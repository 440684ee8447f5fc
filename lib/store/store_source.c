/*
 * store_source.c - a questionnaire's suggested judgement and the
 * inspector's decision on it (kaohe/store_source.h; table
 * judgement_source, migration 8; docs/SURVEY.md "The rubric's source").
 * The suggestion is always computed here from the stored tallies, never
 * taken from a form, so a kept value is the one the figures give.
 */
#include "store_impl.h"
#include "kaohe/i18n.h"
#include "kaohe/report.h"
#include "kaohe/store_source.h"
#include "kaohe/store_survey.h"
#include "kaohe/tally.h"
#include "kaohe/utf8.h"
#include "kaohe/cnday.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the suggestion -------------------------------------------------- */

/* Rounds examined for one suggestion, newest first (a year has a few). */
#define SOURCE_ROUNDS_MAX 64

typedef struct round_ids {
    const char *qid;
    int64_t ids[SOURCE_ROUNDS_MAX];
    size_t n;
} round_ids;

static kh_status round_id(void *ctx, const kh_round_info *ri)
{
    round_ids *x = ctx;
    size_t l = strlen(x->qid);
    if (x->n < SOURCE_ROUNDS_MAX && !strncmp(ri->questionnaire, x->qid, l) &&
        ri->questionnaire[l] == '@')
        x->ids[x->n++] = ri->id;
    return KH_OK;
}

/* The suggestion of one round for unit: KH_ENOTFOUND when it has none. */
static kh_status round_suggestion(kh_store *s, int64_t round,
                                  const char *unit, const kh_source *src,
                                  kh_suggestion *out, kh_err *e)
{
    kh_questionnaire *q = NULL;
    kh_tally *t = NULL;
    /* Its own messages: reading a tally names the stored responses as
     * the file of the messages that follow. */
    kh_err *te = kh_err_new();
    kh_status rc = te ? kh_store_round_tally(s, round, te, &q, &t)
                      : KH_ENOMEM;
    if (rc != KH_OK) {
        char *m = te && kh_err_count(te) ? kh_err_format(te, 0) : NULL;
        kh_err_fail(e, rc, "reading the tally of round %lld: %s",
                    (long long)round, m ? m : kh_status_str(rc));
        free(m);
        kh_err_free(te);
        return rc;
    }
    kh_err_free(te);
    rc = KH_ENOTFOUND;
    int qi = kh_questionnaire_find(q, src->question);
    for (size_t u = 0; qi >= 0 && u < kh_tally_units(t); u++)
        if (!strcmp(kh_tally_unit_id(t, u), unit) &&
            kh_tally_figure(t, u, (size_t)qi, src->figure, &out->figure) &&
            kh_source_value(src, out->figure, &out->value)) {
            out->round = round;
            out->question = (size_t)qi;
            out->responses = kh_tally_responses(t, u);
            rc = KH_OK;
        }
    kh_tally_free(t);
    kh_questionnaire_free(q);
    return rc;
}

kh_status kh_store_suggestion(kh_store *s, int year, const char *unit,
                              const kh_source *src, kh_suggestion *out,
                              kh_err *e)
{
    round_ids x = {.qid = src->questionnaire};
    /* The ids first: the tallies below reuse the cached statements. */
    kh_status rc = kh_store_round_each(s, year, round_id, &x, e);
    for (size_t k = 0; rc == KH_OK && k < x.n; k++) {
        rc = round_suggestion(s, x.ids[k], unit, src, out, e);
        if (rc == KH_OK)
            return KH_OK;
        if (rc == KH_ENOTFOUND)
            rc = KH_OK;
    }
    return rc == KH_OK ? KH_ENOTFOUND : rc;
}

/* ---- deciding ---------------------------------------------------------- */

/* The judgement term of item/input with a source, or a message; a NULL
 * input names the item's only such judgement. */
static kh_status find_term(kh_store *s, const kh_source_write *w,
                           const kh_term **out, kh_err *e)
{
    const kh_rubric *rb;
    kh_status rc = kh_store_year_rubric_shared(s, w->year, e, &rb);
    if (rc != KH_OK)
        return rc;
    int i = kh_rubric_item_find(rb, w->item);
    if (i < 0)
        return kh_err_at(e, 0, 0, "item", "no item %s in the year's rubric",
                         w->item);
    size_t n = 0;
    for (size_t k = 0; k < kh_rubric_item_slots(rb, (size_t)i); k++) {
        const kh_term *t = kh_rubric_item_slot(rb, (size_t)i, k);
        if (kh_term_source(t) &&
            (!w->input || !strcmp(kh_term_input(t), w->input))) {
            *out = t;
            n++;
        }
    }
    if (n == 1)
        return KH_OK;
    if (n > 1)
        return kh_err_at(e, 0, 0, "input", "item %s has several judgements "
                         "suggested by questionnaires: name one", w->item);
    if (w->input)
        return kh_err_at(e, 0, 0, "input", "item %s has no judgement %s "
                         "suggested by a questionnaire", w->item, w->input);
    return kh_err_at(e, 0, 0, "input", "item %s has no judgement "
                     "suggested by a questionnaire", w->item);
}

/* Free text by the rule of kaohe/name.h (blank is the caller's). */
static bool text_ok(const char *s)
{
    kh_text_problem pr = kh_text_problem_of(s, KH_TEXT_LINES, SIZE_MAX,
                                            NULL, NULL);
    return pr == KH_TEXT_FINE || pr == KH_TEXT_EMPTY;
}

/* The value to write: the suggestion, or the override checked. */
static kh_status decided_value(const kh_source_write *w,
                               const kh_suggestion *sg, kh_cp *v, kh_err *e)
{
    char a[KH_NUM_BUFSZ];
    if (w->keep) {
        *v = sg->value;
        return KH_OK;
    }
    size_t bad = kh_err_errors(e);
    const char *val = w->value ? w->value : "";
    if (kh_num_parse(val, strlen(val), v) != KH_NUM_OK)
        kh_err_at(e, 0, 0, "value", "\"%s\" is not a judgement (a number "
                  "such as 3.5)", val);
    else if (*v == sg->value) {
        kh_num_format(sg->value, a);
        kh_err_at(e, 0, 0, "value", "%s is the suggestion itself: keep it "
                  "instead of overriding it", a);
    }
    const char *r = w->reason ? w->reason : "";
    size_t rl = strlen(r);
    if (!rl || strspn(r, " \t\r\n") == rl)
        kh_err_at(e, 0, 0, "reason", "an override needs a reason");
    else if (rl > KH_SOURCE_REASON_MAX || !text_ok(r))
        kh_err_at(e, 0, 0, "reason", "the reason must be text of at most "
                  "%d bytes", KH_SOURCE_REASON_MAX);
    return kh_err_errors(e) > bad ? KH_EINVAL : KH_OK;
}

/* The entry's input set to v, inside the open transaction. */
static kh_status write_entry(kh_store *s, const kh_source_write *w, kh_cp v,
                             kh_err *e)
{
    char val[KH_NUM_BUFSZ];
    kh_num_format(v, val);
    kh_input_kv kv = {w->input, val};
    kh_entry_write ew = {w->actor, w->year, w->unit, w->item,
                         KH_PHASE_INSPECTION, 1, &kv, w->note,
                         w->expect_version};
    return kh_store_entry_set(s, &ew, NULL, e);
}

/* The decision as the audit log records it. */
static void decision_json(kh_buf *b, bool kept, const kh_suggestion *sg,
                          kh_cp value, const char *reason)
{
    kh_buf_printf(b, "{\"decision\": \"%s\", \"round\": %" PRId64
                  ", \"responses\": %zu, \"figure\": ",
                  kept ? "kept" : "overridden", sg->round, sg->responses);
    kh_json_cp(b, sg->figure);
    kh_buf_puts(b, ", \"suggested\": ");
    kh_json_cp(b, sg->value);
    kh_buf_puts(b, ", \"value\": ");
    kh_json_cp(b, value);
    if (reason) {
        kh_buf_puts(b, ", \"reason\": ");
        kh_json_str(b, reason);
    }
    kh_buf_putc(b, '}');
}

void kh_store_source_row_json(kh_db_stmt *st, int c, kh_buf *b)
{
    kh_suggestion sg = {kh_db_column_int64(st, c + 1),
                        (size_t)kh_db_column_int64(st, c + 2),
                        kh_db_column_int64(st, c + 3),
                        kh_db_column_int64(st, c + 4), 0};
    decision_json(b, !strcmp(kh_store_col_str(st, c), "kept"), &sg,
                  kh_db_column_int64(st, c + 5), kh_store_col_str(st, c + 6));
}

/* The stored decision as JSON into b (nothing when none). */
static kh_status old_decision(kh_store *s, const kh_source_write *w,
                              kh_buf *b, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "SELECT decision, round, responses, "
                                 "figure, suggested, value, reason FROM "
                                 "judgement_source WHERE year = ? AND unit "
                                 "= ? AND item = ? AND input = ?", &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, w->year);
    kh_store_bind_str(st, 2, w->unit);
    kh_store_bind_str(st, 3, w->item);
    kh_store_bind_str(st, 4, w->input);
    int step = kh_db_step(st);
    if (step == KH_DB_ROW)
        kh_store_source_row_json(st, 0, b);
    kh_db_reset(st);
    if (step != KH_DB_ROW && step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading a judgement's decision");
    return kh_buf_status(b);
}

static kh_status store_decision(kh_store *s, const kh_source_write *w,
                                const kh_suggestion *sg, kh_cp v,
                                kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "DELETE FROM judgement_source WHERE "
                                 "year = ? AND unit = ? AND item = ? AND "
                                 "input = ?", &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, w->year);
    kh_store_bind_str(st, 2, w->unit);
    kh_store_bind_str(st, 3, w->item);
    kh_store_bind_str(st, 4, w->input);
    if ((rc = kh_store_exec(s, st, e, "replacing a decision")) != KH_OK)
        return rc;
    rc = kh_store_stmt(s, "INSERT INTO judgement_source (year, unit, item, "
                       "input, decision, round, responses, figure, "
                       "suggested, value, reason, decided_at, decided_by) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       &st, e);
    if (rc != KH_OK)
        return rc;
    char now[KH_STORE_TIME_SZ];
    kh_store_now(s, now);
    kh_db_bind_int(st, 1, w->year);
    kh_store_bind_str(st, 2, w->unit);
    kh_store_bind_str(st, 3, w->item);
    kh_store_bind_str(st, 4, w->input);
    kh_store_bind_str(st, 5, w->keep ? "kept" : "overridden");
    kh_db_bind_int64(st, 6, sg->round);
    kh_db_bind_int64(st, 7, (int64_t)sg->responses);
    kh_db_bind_int64(st, 8, sg->figure);
    kh_db_bind_int64(st, 9, sg->value);
    kh_db_bind_int64(st, 10, v);
    kh_store_bind_str(st, 11, w->keep ? NULL : w->reason);
    kh_store_bind_str(st, 12, now);
    kh_store_bind_str(st, 13, w->actor);
    return kh_store_exec(s, st, e, "storing a decision");
}

static kh_status audit_decision(kh_store *s, const kh_source_write *w,
                                const kh_suggestion *sg, kh_cp v,
                                kh_err *e)
{
    kh_buf old, neu;
    kh_buf_init(&old, 0);
    kh_buf_init(&neu, 0);
    kh_status rc = old_decision(s, w, &old, e);
    decision_json(&neu, w->keep, sg, v, w->keep ? NULL : w->reason);
    char obj[512];
    snprintf(obj, sizeof obj, "%s/%s/inspection/%s", w->unit, w->item,
             w->input);
    kh_audit_rec a = {.actor = w->actor,
                      .action = w->keep ? "source.keep" : "source.override",
                      .year = w->year, .unit = w->unit, .object = obj,
                      .old_value = old.len ? kh_buf_str(&old) : NULL,
                      .new_value = kh_buf_str(&neu),
                      .reason = w->keep ? NULL : w->reason};
    if (rc == KH_OK && (rc = kh_buf_status(&neu)) == KH_OK)
        rc = kh_store_audit(s, &a, e);
    kh_buf_free(&old);
    kh_buf_free(&neu);
    return rc;
}

static kh_status decide(kh_store *s, kh_source_write *w, kh_err *e)
{
    const kh_term *t = NULL;
    kh_suggestion sg;
    kh_cp v = 0;
    kh_status rc = find_term(s, w, &t, e);
    if (rc != KH_OK)
        return rc;
    w->input = kh_term_input(t);   /* borrowed from the shared rubric */
    rc = kh_store_suggestion(s, w->year, w->unit, kh_term_source(t), &sg, e);
    if (rc == KH_ENOTFOUND)
        return kh_err_at(e, 0, 0, "input", "the questionnaires suggest "
                         "nothing for item %s of this unit yet", w->item);
    /* The decision first: the entry's write checks that a value other
     * than the suggestion is an override (kh_store_source_check). */
    if (rc != KH_OK || (rc = decided_value(w, &sg, &v, e)) != KH_OK ||
        (rc = audit_decision(s, w, &sg, v, e)) != KH_OK ||
        (rc = store_decision(s, w, &sg, v, e)) != KH_OK)
        return rc;
    return write_entry(s, w, v, e);
}

kh_status kh_store_source_decide(kh_store *s, const kh_source_write *w,
                                 kh_err *e)
{
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    kh_source_write x = *w;
    if ((rc = decide(s, &x, e)) != KH_OK) {
        kh_store_rollback(s);
        return rc;
    }
    return kh_store_commit(s, e);
}

/* ---- the check on every entry write ------------------------------------ */

static bool still_holds(const char *inputs, const char *input, kh_cp value);

/* Is v the value of an override decided for item/input (with its
 * reason)? */
static kh_status overridden_to(kh_store *s, const kh_entry_write *w,
                               const char *input, kh_cp v, bool *yes,
                               kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "SELECT value FROM judgement_source "
                                 "WHERE year = ? AND unit = ? AND item = ? "
                                 "AND input = ? AND decision = 'overridden'",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, w->year);
    kh_store_bind_str(st, 2, w->unit);
    kh_store_bind_str(st, 3, w->item);
    kh_store_bind_str(st, 4, input);
    int step = kh_db_step(st);
    *yes = step == KH_DB_ROW && kh_db_column_int64(st, 0) == v;
    kh_db_reset(st);
    if (step != KH_DB_ROW && step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading a judgement's decision");
    return KH_OK;
}

/* One input of w set to text: refused when its term has a source whose
 * suggestion it leaves without an override. */
static kh_status check_input(kh_store *s, const kh_entry_write *w,
                             const kh_term *t, const char *text,
                             const char *old, kh_err *e)
{
    kh_cp v;
    kh_suggestion sg;
    if (!text || kh_num_parse(text, strlen(text), &v) != KH_NUM_OK)
        return KH_OK;   /* removed, or refused by the entry's own checks */
    if (old && still_holds(old, kh_term_input(t), v))
        return KH_OK;   /* unchanged: decided (or not) before */
    kh_status rc = kh_store_suggestion(s, w->year, w->unit,
                                       kh_term_source(t), &sg, e);
    if (rc == KH_ENOTFOUND)
        return KH_OK;
    bool ok = false;
    if (rc != KH_OK || v == sg.value ||
        (rc = overridden_to(s, w, kh_term_input(t), v, &ok, e)) != KH_OK ||
        ok)
        return rc;
    char path[600], sug[KH_NUM_BUFSZ];
    snprintf(path, sizeof path, "%s/%s/inspection.inputs.%s", w->unit,
             w->item, kh_term_input(t));
    kh_num_format(sg.value, sug);
    return kh_err_at(e, 0, 0, path, "the questionnaires suggest %s here: "
                     "keep the suggestion, or override it with a reason",
                     sug);
}

kh_status kh_store_source_check(kh_store *s, const kh_entry_write *w,
                                const kh_rubric *r, size_t item,
                                const char *old_inputs, kh_err *e)
{
    if (w->phase != KH_PHASE_INSPECTION)
        return KH_OK;
    kh_status rc = KH_OK;
    for (size_t k = 0; rc == KH_OK && k < w->n; k++)
        for (size_t j = 0; j < kh_rubric_item_slots(r, item); j++) {
            const kh_term *t = kh_rubric_item_slot(r, item, j);
            if (kh_term_source(t) && kh_term_input(t) &&
                strcmp(kh_term_input(t), w->inputs[k].name) == 0) {
                rc = check_input(s, w, t, w->inputs[k].value, old_inputs,
                                 e);
                break;
            }
        }
    return rc;
}

/* ---- reading ------------------------------------------------------------ */

/* Does the stored inputs JSON still hold value for input?  A plain save
 * of the form after the decision may have changed it. */
static bool still_holds(const char *inputs, const char *input, kh_cp value)
{
    kh_arena *ar = kh_arena_new();
    kh_err *e = kh_err_new();
    const kh_node *root = NULL, *n;
    bool same = false;
    kh_cp v;
    if (ar && e && inputs &&
        kh_store_parse_inputs("entry", inputs, strlen(inputs), ar, &root,
                              e) == KH_OK &&
        (n = kh_node_get(root, input)) != NULL &&
        kh_node_cp(n, e, input, &v) == KH_OK)
        same = v == value;
    kh_err_free(e);
    kh_arena_free(ar);
    return same;
}

/* "2026-01-01T00:00:00Z" as China time "2026-01-01 08:00" (UTC+8 all
 * year); the text itself when it is not such a time. */
static void china_time(const char *utc, char out[20])
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *end = utc ? strptime(utc, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;
    time_t t = end && !*end ? timegm(&tm) + KH_CNDAY_OFFSET : (time_t)-1;
    if (t == (time_t)-1 || !gmtime_r(&t, &tm) ||
        !strftime(out, 20, "%Y-%m-%d %H:%M", &tm))
        snprintf(out, 20, "%s", utc ? utc : "");
}

#define SOURCE_SELECT                                                       \
    "SELECT j.unit, j.item, j.input, j.decision, j.round, j.responses,"    \
    " j.figure, j.suggested, j.value, j.reason, j.decided_at,"             \
    " j.decided_by, e.inputs FROM judgement_source j"                      \
    " JOIN unit u ON u.year = j.year AND u.id = j.unit"                    \
    " LEFT JOIN entry e ON e.year = j.year AND e.unit = j.unit"            \
    " AND e.item = j.item AND e.phase = 'inspection'"                      \
    " WHERE j.year = ?"

kh_status kh_store_source_each(kh_store *s, int year, const char *unit,
                               const char *item, kh_source_fn fn, void *ctx,
                               kh_err *e)
{
    const char *sql =
        unit && item ? SOURCE_SELECT " AND j.unit = ? AND j.item = ?"
                       " ORDER BY u.pos, j.item, j.input"
        : unit       ? SOURCE_SELECT " AND j.unit = ?"
                       " ORDER BY u.pos, j.item, j.input"
                     : SOURCE_SELECT " ORDER BY u.pos, j.item, j.input";
    kh_db_stmt *st = NULL;
    if (item && !unit)
        return kh_err_fail(e, KH_EINVAL, "internal: item without unit");
    if (kh_db_prepare(s->db, sql, &st) != KH_DB_OK)
        return kh_store_db_fail(s, e, "listing decisions");
    kh_db_bind_int(st, 1, year);
    if (unit)
        kh_store_bind_str(st, 2, unit);
    if (item)
        kh_store_bind_str(st, 3, item);
    kh_status rc = KH_OK;
    int step;
    while (rc == KH_OK && (step = kh_db_step(st)) == KH_DB_ROW) {
        kh_source_row r = {
            kh_store_col_str(st, 0), kh_store_col_str(st, 1),
            kh_store_col_str(st, 2), !strcmp(kh_store_col_str(st, 3), "kept"),
            kh_db_column_int64(st, 4), (size_t)kh_db_column_int64(st, 5),
            kh_db_column_int64(st, 6), kh_db_column_int64(st, 7),
            kh_db_column_int64(st, 8), kh_store_col_str(st, 9),
            kh_store_col_str(st, 10), kh_store_col_str(st, 11), "", false};
        china_time(r.decided_at, r.decided_cn);
        r.current = still_holds(kh_store_col_str(st, 12), r.input, r.value);
        rc = fn(ctx, &r);
    }
    if (rc == KH_OK && step != KH_DB_DONE)
        rc = kh_store_db_fail(s, e, "listing decisions");
    kh_db_finalize(st);
    return rc;
}

void kh_source_describe(const kh_source_row *row, kh_buf *out)
{
    char sug[KH_NUM_BUFSZ], val[KH_NUM_BUFSZ];
    kh_num_format(row->suggested, sug);
    kh_num_format(row->value, val);
    kh_buf_printf(out, kh_i18n_zh(N_("questionnaire: round %lld, %zu "
                                     "answers, suggested %s")),
                  (long long)row->round, row->responses, sug);
    if (row->kept)
        kh_buf_puts(out, kh_i18n_zh(N_(", kept by the inspectors")));
    else
        kh_buf_printf(out, kh_i18n_zh(N_(", overridden by the inspectors "
                                         "to %s because: %s")),
                      val, row->reason ? row->reason : "");
    if (!row->current)
        kh_buf_puts(out, kh_i18n_zh(N_(" (the value was changed by hand "
                                       "since)")));
}

static kh_status explain_row(void *ctx, const kh_source_row *row)
{
    kh_buf *out = ctx;
    kh_buf_puts(out, "      ");
    kh_source_describe(row, out);
    kh_buf_putc(out, '\n');
    return kh_buf_status(out);
}

void kh_source_explain_item(void *ctx, const char *item, kh_buf *out)
{
    kh_source_explain *x = ctx;
    if (x->st != KH_OK)
        return;
    x->st = kh_store_source_each(x->s, x->year, x->unit, item, explain_row,
                                 out, x->e);
}
