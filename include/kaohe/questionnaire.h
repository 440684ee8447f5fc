/*
 * kaohe/questionnaire.h - a questionnaire (问卷): its file format, the
 * loader with located errors, the accessors, checking one respondent's
 * answers, and the views (table, JSON).  docs/SURVEY.md has the format.
 *
 * A kh_questionnaire is immutable once loaded.  Questions are numbered
 * 0..n-1 in file order.  A Likert question has five implicit choices,
 * ids "1".."5" with values 1..5, so tallies treat every choice question
 * alike.
 */
#ifndef KAOHE_QUESTIONNAIRE_H
#define KAOHE_QUESTIONNAIRE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "kaohe/error.h"
#include "kaohe/num.h"
#include "kaohe/buf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Limits of a questionnaire file (defined here only). */
#define KH_Q_MAX_QUESTIONS 100     /* questions in one questionnaire */
#define KH_Q_MAX_CHOICES 20        /* choices of one question */
#define KH_Q_TEXT_DEFAULT 500      /* free text: max_length when not given */
#define KH_Q_TEXT_MAX 2000         /* free text: largest max_length (chars) */
#define KH_Q_NUMBER_LIMIT 1000000000 /* |min|, |max| of a number question */
#define KH_Q_LIKERT_LEVELS 5

typedef struct kh_questionnaire kh_questionnaire;

typedef enum kh_q_type {
    KH_Q_SINGLE = 0,   /* one choice */
    KH_Q_MULTIPLE,     /* any number of choices */
    KH_Q_LIKERT,       /* 1..5, labels 非常不同意 .. 非常同意 unless given */
    KH_Q_NUMBER,       /* an integer between min and max */
    KH_Q_TEXT          /* free text up to max_length characters */
} kh_q_type;

/* ---- loading ---- */

/* Loads and validates a questionnaire file (YAML or JSON); every problem
 * is added to e as FILE:LINE:COL: PATH: text.  On KH_OK the caller owns
 * *out and frees it with kh_questionnaire_free(). */
kh_status kh_questionnaire_load(const char *path, kh_err *e,
                                kh_questionnaire **out);
/* The same from memory; name is shown in messages; data is borrowed for
 * the call only. */
kh_status kh_questionnaire_load_mem(const char *name, const char *data,
                                    size_t len, kh_err *e,
                                    kh_questionnaire **out);
void kh_questionnaire_free(kh_questionnaire *q);

/* ---- accessors: strings are owned by q ---- */
const char *kh_questionnaire_id(const kh_questionnaire *q);
const char *kh_questionnaire_title(const kh_questionnaire *q);
const char *kh_questionnaire_audience(const kh_questionnaire *q);
const char *kh_questionnaire_intro(const kh_questionnaire *q); /* or NULL */
size_t kh_questionnaire_count(const kh_questionnaire *q);
/* Index of the question with this id, or -1. */
int kh_questionnaire_find(const kh_questionnaire *q, const char *id);

const char *kh_question_id(const kh_questionnaire *q, size_t i);
kh_q_type kh_question_type(const kh_questionnaire *q, size_t i);
const char *kh_question_text(const kh_questionnaire *q, size_t i);
const char *kh_question_item(const kh_questionnaire *q, size_t i); /* or NULL */
bool kh_question_required(const kh_questionnaire *q, size_t i);
/* Choices of single, multiple and Likert questions (0 for the others). */
size_t kh_question_choices(const kh_questionnaire *q, size_t i);
const char *kh_question_choice_id(const kh_questionnaire *q, size_t i,
                                  size_t c);
const char *kh_question_choice_label(const kh_questionnaire *q, size_t i,
                                     size_t c);
kh_cp kh_question_choice_value(const kh_questionnaire *q, size_t i,
                               size_t c);
/* Index of the choice with this id, or -1. */
int kh_question_choice_find(const kh_questionnaire *q, size_t i,
                            const char *id);
int64_t kh_question_min(const kh_questionnaire *q, size_t i);  /* number */
int64_t kh_question_max(const kh_questionnaire *q, size_t i);  /* number */
size_t kh_question_max_length(const kh_questionnaire *q, size_t i); /* text */
/* "single", "multiple", "likert", "number", "text". */
const char *kh_q_type_name(kh_q_type t);

/* ---- answers ---- */

/* One respondent's answer to question i, as the form or the paper sheet
 * gives it: vals[0..n) are the raw strings (several only for a multiple
 * choice; empty strings count as not given).  On success the answer is
 * appended to json as `"ID":VALUE` (VALUE a choice id string, an array of
 * choice ids, an integer or a string) and *given says whether anything
 * was answered (nothing is appended when not).  A bad answer adds one
 * message in Chinese at place (a form field or "第 3 行「q4」列") and
 * returns KH_EINVAL. */
kh_status kh_question_answer(const kh_questionnaire *q, size_t i,
                             const char *const *vals, size_t n,
                             const char *place, kh_err *e, kh_buf *json,
                             bool *given);

/* ---- views ---- */
/* The questionnaire as a person reads it (Chinese), appended to out. */
kh_status kh_questionnaire_show_table(const kh_questionnaire *q, kh_buf *out);
/* As JSON with the keys of the file format, appended to out. */
kh_status kh_questionnaire_show_json(const kh_questionnaire *q, kh_buf *out);

#ifdef __cplusplus
}
#endif
#endif
