/*
 * kaohe/store_survey.h - questionnaires in the store (issue 13 section
 * 4): versions (id + SHA-256 of the file text, like rubrics), rounds of a
 * year, one-time codes kept only as their SHA-256, responses and paper
 * responses, and the tally of a round.  Tables in migration 3
 * (lib/store/store_schema.c); docs/SURVEY.md has the rules.
 *
 * Anonymity: a response row holds its round, unit, day and channel (web
 * or paper) and the answers; nothing links it to the code that admitted
 * it.  The code row is marked used in the same transaction as the
 * response is inserted, and holds no time of use.  The audit record of a
 * response names the round and unit only.
 *
 * Memory: as kaohe/store.h (strings in are borrowed for the call, `char
 * **` out are the caller's, rows in callbacks are borrowed).
 */
#ifndef KAOHE_STORE_SURVEY_H
#define KAOHE_STORE_SURVEY_H

#include "kaohe/store.h"
#include "kaohe/questionnaire.h"
#include "kaohe/tally.h"
#include "kaohe/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Limits (defined here only). */
#define KH_SURVEY_CODES_MAX 2000   /* codes made for one unit in one call */
#define KH_SURVEY_CODE_BYTES 10    /* random bytes of a code: 80 bits */
#define KH_SURVEY_CODE_LEN 16      /* its base32 text */
#define KH_SURVEY_MIN_MAX 1000     /* largest --min of a round */
#define KH_SURVEY_UNITS_MAX 1000   /* units of one round */

/* ---- questionnaire versions ---- */

/* Checks the text (kh_questionnaire_load_mem, errors located in name) and
 * stores it as version ID@SHA256; the same text again changes nothing
 * (*created false).  *version (may be NULL) gets "ID@HASH" (caller
 * frees). */
kh_status kh_store_questionnaire_import(kh_store *s, const char *actor,
                                        const char *name, const char *data,
                                        size_t len, kh_err *e,
                                        char **version, bool *created);
/* Loads a stored questionnaire by "ID" (latest import) or "ID@HASHPREFIX";
 * caller owns *out (kh_questionnaire_free) and *version (may be NULL). */
kh_status kh_store_questionnaire_load(kh_store *s, const char *ref,
                                      kh_err *e, kh_questionnaire **out,
                                      char **version);

/* The latest version of each stored questionnaire, by id: for a picker
 * (the web's round-opening form).  Rows borrowed for the call. */
typedef struct kh_q_version {
    const char *id, *title, *hash;
} kh_q_version;
typedef kh_status (*kh_q_version_fn)(void *ctx, const kh_q_version *v);
kh_status kh_store_questionnaire_each(kh_store *s, kh_q_version_fn fn,
                                      void *ctx, kh_err *e);

/* ---- rounds ---- */

typedef struct kh_round_spec {
    int year;
    const char *questionnaire;   /* "ID" or "ID@HASHPREFIX" */
    const char *audience;        /* a free label: 教职工, 学生 */
    const char *const *units;    /* unit ids of the year */
    size_t nunits;
    unsigned min_responses;      /* 0: KH_TALLY_MIN_DEFAULT */
    const char *opens, *closes;  /* UTC "YYYY-MM-DDTHH:MM:SSZ" or NULL */
} kh_round_spec;

/* Opens a round; *id gets its number.  Unknown year, questionnaire or
 * unit, a repeated unit, closes before opens: KH_EINVAL/KH_ENOTFOUND with
 * a message naming the option. */
kh_status kh_store_round_open(kh_store *s, const char *actor,
                              const kh_round_spec *spec, kh_err *e,
                              int64_t *id);
/* Closes a round for good (no more answers); closing a closed round is
 * KH_ESTATE. */
kh_status kh_store_round_close(kh_store *s, const char *actor, int64_t round,
                               kh_err *e);

typedef struct kh_round_info {
    int64_t id;
    int year;
    const char *questionnaire;   /* "ID@HASH" */
    const char *title;
    const char *audience;
    unsigned min_responses;
    const char *opens, *closes;  /* NULL when unbounded */
    bool closed;
    const char *opened_at, *opened_by;
    size_t units, invited, used, responses;
} kh_round_info;
typedef kh_status (*kh_round_fn)(void *ctx, const kh_round_info *r);
/* Rounds of a year (0: all), newest first. */
kh_status kh_store_round_each(kh_store *s, int year, kh_round_fn fn,
                              void *ctx, kh_err *e);
/* One round (KH_ENOTFOUND with a message when absent). */
kh_status kh_store_round_get(kh_store *s, int64_t round, kh_round_fn fn,
                             void *ctx, kh_err *e);
/* Whether the round takes answers now: KH_OK, or KH_ESTATE with a Chinese
 * message (closed, not yet open, past its closing time). */
kh_status kh_store_round_accepting(kh_store *s, int64_t round, kh_err *e);
/* The questionnaire a round asks (caller frees *out); *min (may be
 * NULL) gets the round's minimum number of responses. */
kh_status kh_store_round_questionnaire(kh_store *s, int64_t round,
                                       kh_err *e, kh_questionnaire **out,
                                       unsigned *min);
/* The same, loaded once per store handle and owned by it (valid until
 * kh_store_close): for the answer form, which reads it per request. */
kh_status kh_store_round_questionnaire_shared(kh_store *s, int64_t round,
                                              kh_err *e,
                                              const kh_questionnaire **out);
/* True when unit is one of the round's units. */
kh_status kh_store_round_has_unit(kh_store *s, int64_t round,
                                  const char *unit, bool *yes, kh_err *e);

/* ---- codes ---- */

/* Makes n one-time codes for a unit of an open round (randombytes_buf,
 * KH_SURVEY_CODE_BYTES bytes each, base32); stores their SHA-256 only.
 * *codes gets n malloc'd strings in a malloc'd array (caller frees each
 * and the array); they cannot be shown again. */
kh_status kh_store_codes_create(kh_store *s, const char *actor,
                                int64_t round, const char *unit, size_t n,
                                kh_err *e, char ***codes);

typedef struct kh_code_info {
    int64_t round;
    char unit[128];
    bool used;
} kh_code_info;
/* Looks a code up (KH_ENOTFOUND without a message when unknown). */
kh_status kh_store_code_lookup(kh_store *s, const char *code,
                               kh_code_info *out, kh_err *e);

/* Codes per unit of a round: made and used. */
typedef struct kh_code_count {
    const char *unit, *name;
    size_t made, used, responses, paper;
} kh_code_count;
typedef kh_status (*kh_code_count_fn)(void *ctx, const kh_code_count *c);
kh_status kh_store_code_counts(kh_store *s, int64_t round,
                               kh_code_count_fn fn, void *ctx, kh_err *e);

/* ---- responses ---- */

/* Stores one web response admitted by code: in one transaction the code
 * is marked used (KH_ENOTFOUND unknown, KH_ECONFLICT already used, both
 * without a message), the round checked (KH_ESTATE), the answers (a JSON
 * object from kh_question_answer) inserted with the unit and today's
 * date, and the audit record appended. */
kh_status kh_store_response_submit(kh_store *s, const char *code,
                                   const char *answers, kh_err *e);
/* Imports paper responses: a table (kh_table: CSV or XLSX) with a column
 * 单位 (or unit) and one column per question id; multiple choices
 * separated by ';' or '；'.  All or nothing; messages located as
 * "第 3 行「q4」列".  *count gets the number stored. */
kh_status kh_store_responses_import(kh_store *s, const char *actor,
                                    int64_t round, const char *name,
                                    const char *data, size_t len, kh_err *e,
                                    size_t *count);
/* The tally of a round; caller frees *out (kh_tally_free) and *q
 * (kh_questionnaire_free, after the tally). */
kh_status kh_store_round_tally(kh_store *s, int64_t round, kh_err *e,
                               kh_questionnaire **q, kh_tally **out);

#ifdef __cplusplus
}
#endif
#endif
