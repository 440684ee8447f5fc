/*
 * kaohe/tally.h - the tally of a questionnaire round (问卷统计): per unit
 * and question the counts and percentages per choice, the mean of Likert,
 * single-choice and number questions, the free-text answers, and the
 * response rate; a unit with fewer responses than the round's minimum is
 * suppressed (no figures at all).  docs/SURVEY.md has the rounding.
 *
 * Percentages and means are kh_cp (integer hundredths: 33.33 % is 3333),
 * rounded half away from zero (SCORING.md section 1):
 *   percent of a choice = count * 100 / answered (answered: responses
 *                         that answered the question);
 *   mean                = sum of values / answered.
 */
#ifndef KAOHE_TALLY_H
#define KAOHE_TALLY_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "kaohe/error.h"
#include "kaohe/num.h"
#include "kaohe/buf.h"
#include "kaohe/questionnaire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The round's minimum when none is given. */
#define KH_TALLY_MIN_DEFAULT 5

typedef struct kh_tally kh_tally;

/* A tally of round `round` of questionnaire q (borrowed: must outlive
 * the tally).  Caller frees *out with kh_tally_free(). */
kh_status kh_tally_new(const kh_questionnaire *q, int64_t round,
                       unsigned min_responses, kh_tally **out);
void kh_tally_free(kh_tally *t);
/* Adds a unit (strings copied) with the number of codes handed out;
 * *idx gets its index. */
kh_status kh_tally_unit(kh_tally *t, const char *unit, const char *name,
                        size_t invited, size_t *idx);
/* Adds one response of unit idx: its stored answers, a JSON object as
 * kh_question_answer() writes them.  name names it in messages.  After
 * an error the tally is only fit for kh_tally_free (stored answers that
 * do not fit the questionnaire mean a damaged store). */
kh_status kh_tally_add(kh_tally *t, size_t idx, const char *name,
                       const char *json, size_t len, bool paper, kh_err *e);

/* ---- reading it ---- */
const kh_questionnaire *kh_tally_questionnaire(const kh_tally *t);
int64_t kh_tally_round(const kh_tally *t);
unsigned kh_tally_min(const kh_tally *t);
size_t kh_tally_units(const kh_tally *t);
const char *kh_tally_unit_id(const kh_tally *t, size_t u);
const char *kh_tally_unit_name(const kh_tally *t, size_t u);
size_t kh_tally_invited(const kh_tally *t, size_t u);
size_t kh_tally_responses(const kh_tally *t, size_t u);
size_t kh_tally_paper(const kh_tally *t, size_t u);
bool kh_tally_suppressed(const kh_tally *t, size_t u);
/* Web responses per code made, in percent (hundredths; paper forms
 * have no codes and are not counted); 0 with no codes. */
kh_cp kh_tally_rate(const kh_tally *t, size_t u);
/* Responses that answered question qi. */
size_t kh_tally_answered(const kh_tally *t, size_t u, size_t qi);
size_t kh_tally_count(const kh_tally *t, size_t u, size_t qi, size_t c);
kh_cp kh_tally_percent(const kh_tally *t, size_t u, size_t qi, size_t c);
/* False when the question has no mean (multiple, text) or no answers. */
bool kh_tally_mean(const kh_tally *t, size_t u, size_t qi, kh_cp *out);
/* A figure of question qi for a rubric source (kaohe/rubric.h): "mean",
 * "percent_top1" or "percent_top2" (the percent of those who answered
 * that chose the one or two choices of highest value; single choice and
 * Likert only).  False when the unit is suppressed, nobody answered or
 * the question has no such figure. */
bool kh_tally_figure(const kh_tally *t, size_t u, size_t qi,
                     const char *figure, kh_cp *out);
/* Free-text answers of question qi, in the order added (borrowed). */
size_t kh_tally_texts(const kh_tally *t, size_t u, size_t qi);
const char *kh_tally_text(const kh_tally *t, size_t u, size_t qi, size_t k);

/* ---- writing it ---- */
/* with_text: list the free-text answers (admin and the unit's
 * inspectors only). */
kh_status kh_tally_json(const kh_tally *t, bool with_text, kh_buf *out);
kh_status kh_tally_table(const kh_tally *t, bool with_text, kh_buf *out);
/* UTF-8 with BOM, CRLF; one row per unit, question and choice; every
 * text cell formula-escaped (kh_csv_cell). */
kh_status kh_tally_csv(const kh_tally *t, bool with_text, kh_buf *out);

#ifdef __cplusplus
}
#endif
#endif
