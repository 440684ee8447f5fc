/*
 * questionnaire_impl.h - the body of kh_questionnaire, private to lib/.
 *
 * Owned by questionnaire.c; the views and answer checks read the fields
 * directly (a loaded questionnaire is immutable).  Every string and array
 * lives in the arena and is freed with it.
 */
#ifndef KAOHE_QUESTIONNAIRE_IMPL_H
#define KAOHE_QUESTIONNAIRE_IMPL_H

#include "kaohe/questionnaire.h"
#include "kaohe/doc.h"

typedef struct kh_q_choice {
    const char *id, *label;
    kh_cp value;
} kh_q_choice;

typedef struct kh_q_question {
    const char *id, *text;
    const char *item;            /* rubric item it informs; may be NULL */
    kh_q_type type;
    bool required;
    size_t nchoices;             /* single, multiple, likert */
    kh_q_choice *choices;
    int64_t min, max;            /* number */
    size_t max_length;           /* text, in characters */
} kh_q_question;

struct kh_questionnaire {
    kh_arena *arena;             /* owns everything below */
    const char *id, *title, *audience, *intro;
    size_t nquestions;
    kh_q_question *questions;
};

#endif
