/*
 * store_survey.c - questionnaires in the store (kaohe/store_survey.h):
 * versions, rounds, one-time codes, web and paper responses, tallies.
 * Every SQL text of the survey is in this file.
 *
 * A code is KH_SURVEY_CODE_BYTES random bytes (libsodium) written in
 * base32; only its SHA-256 is stored.  A web response marks its code used
 * and is inserted in one transaction (BEGIN IMMEDIATE), so two taps of
 * the same code store one response; the response row has no column that
 * could lead back to the code.
 */
#include "store_impl.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "kaohe/store_survey.h"

/* Crockford's base32, lower case: no i, l, o, u. */
static const char b32[] = "0123456789abcdefghjkmnpqrstvwxyz";

/* ---- questionnaire versions ------------------------------------------- */

/* Resolves "ID" / "ID@HEX" to a row of table questionnaire. */
static kh_status q_resolve(kh_store *s, const char *ref, int64_t *row,
                           kh_err *e)
{
    char id[256];
    const char *at = strchr(ref, '@');
    size_t n = at ? (size_t)(at - ref) : strlen(ref);
    if (n == 0 || n >= sizeof id)
        return kh_err_fail(e, KH_EINVAL, "bad questionnaire reference "
                           "\"%s\"", ref);
    memcpy(id, ref, n);
    id[n] = '\0';
    const char *prefix = at ? at + 1 : NULL;
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "SELECT id, sha256 FROM questionnaire"
                                 " WHERE q_id = ? ORDER BY id DESC", &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, id);
    int step, found = 0;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        const char *h = kh_store_col_str(st, 1);
        if (prefix && (strlen(prefix) < 4 ||
                       strncmp(h, prefix, strlen(prefix)) != 0))
            continue;
        if (!found++)
            *row = kh_db_column_int64(st, 0);
        if (!prefix)
            break;
    }
    kh_db_reset(st);
    if (step != KH_DB_DONE && step != KH_DB_ROW)
        return kh_store_db_fail(s, e, "looking up a questionnaire");
    if (found == 0)
        return kh_err_fail(e, KH_ENOTFOUND, "no questionnaire \"%s\" in the "
                           "store (import it with 'kaohe questionnaire "
                           "import FILE')", ref);
    if (found > 1)
        return kh_err_fail(e, KH_EINVAL, "questionnaire reference \"%s\" is "
                           "ambiguous: give more digits of the hash", ref);
    return KH_OK;
}

/* Loads the questionnaire of row `row`; *version "ID@HASH" (may be NULL). */
static kh_status q_by_row(kh_store *s, int64_t row, kh_err *e,
                          kh_questionnaire **out, char **version)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "SELECT q_id, sha256, source FROM "
                                 "questionnaire WHERE id = ?", &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, row);
    if (kh_db_step(st) != KH_DB_ROW) {
        kh_db_reset(st);
        return kh_store_db_fail(s, e, "reading a questionnaire");
    }
    char name[320];
    snprintf(name, sizeof name, "%s@%s", kh_store_col_str(st, 0),
             kh_store_col_str(st, 1));
    rc = kh_questionnaire_load_mem(name, kh_db_column_blob(st, 2),
                                   (size_t)kh_db_column_bytes(st, 2), e,
                                   out);
    kh_db_reset(st);
    if (rc == KH_OK && version && !(*version = strdup(name))) {
        kh_questionnaire_free(*out);
        *out = NULL;
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    return rc;
}

kh_status kh_store_questionnaire_load(kh_store *s, const char *ref,
                                      kh_err *e, kh_questionnaire **out,
                                      char **version)
{
    *out = NULL;
    if (version)
        *version = NULL;
    int64_t row = 0;
    kh_status rc = q_resolve(s, ref, &row, e);
    return rc == KH_OK ? q_by_row(s, row, e, out, version) : rc;
}

kh_status kh_store_questionnaire_each(kh_store *s, kh_q_version_fn fn,
                                      void *ctx, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s,
        "SELECT q_id, title, sha256 FROM questionnaire q WHERE id ="
        " (SELECT MAX(id) FROM questionnaire WHERE q_id = q.q_id)"
        " ORDER BY q_id", &st, e);
    if (rc != KH_OK)
        return rc;
    int step = KH_DB_DONE;
    while (rc == KH_OK && (step = kh_db_step(st)) == KH_DB_ROW) {
        kh_q_version v = {kh_store_col_str(st, 0), kh_store_col_str(st, 1),
                          kh_store_col_str(st, 2)};
        rc = fn(ctx, &v);
    }
    kh_db_reset(st);
    if (rc == KH_OK && step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "listing questionnaires");
    return rc;
}

static kh_status q_insert(kh_store *s, const char *actor, const char *name,
                          const char *data, size_t len,
                          const kh_questionnaire *q, const char *hash,
                          const char *ver, kh_err *e)
{
    char now[KH_STORE_TIME_SZ];
    kh_store_now(s, now);
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s,
        "INSERT INTO questionnaire (q_id, sha256, title, source, file_name,"
        " imported_at, imported_by) VALUES (?, ?, ?, ?, ?, ?, ?)", &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, kh_questionnaire_id(q));
    kh_store_bind_str(st, 2, hash);
    kh_store_bind_str(st, 3, kh_questionnaire_title(q));
    kh_db_bind_blob(st, 4, data ? data : "", len);
    kh_store_bind_str(st, 5, name);
    kh_store_bind_str(st, 6, now);
    kh_store_bind_str(st, 7, actor);
    if ((rc = kh_store_exec(s, st, e, "storing a questionnaire")) != KH_OK)
        return rc;
    kh_audit_rec a = {.actor = actor, .action = "questionnaire.import",
                      .object = ver, .new_value = name};
    return kh_store_audit(s, &a, e);
}

kh_status kh_store_questionnaire_import(kh_store *s, const char *actor,
                                        const char *name, const char *data,
                                        size_t len, kh_err *e,
                                        char **version, bool *created)
{
    if (version)
        *version = NULL;
    if (created)
        *created = false;
    kh_questionnaire *q = NULL;
    kh_status rc = kh_questionnaire_load_mem(name, data, len, e, &q);
    if (rc != KH_OK)
        return rc;
    char hash[KH_STORE_HEX_SZ], *ver = NULL;
    kh_store_sha256_hex(data, len, hash);
    if (asprintf(&ver, "%s@%s", kh_questionnaire_id(q), hash) < 0) {
        kh_questionnaire_free(q);
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    kh_db_stmt *st;
    bool fresh = false;
    if ((rc = kh_store_begin(s, e)) != KH_OK)
        goto out;
    rc = kh_store_stmt(s, "SELECT id FROM questionnaire WHERE q_id = ? AND"
                       " sha256 = ?", &st, e);
    if (rc == KH_OK) {
        kh_store_bind_str(st, 1, kh_questionnaire_id(q));
        kh_store_bind_str(st, 2, hash);
        int step = kh_db_step(st);
        kh_db_reset(st);
        if (step == KH_DB_DONE) {
            fresh = true;
            rc = q_insert(s, actor, name, data, len, q, hash, ver, e);
        } else if (step != KH_DB_ROW) {
            rc = kh_store_db_fail(s, e, "looking up a questionnaire");
        }
    }
    /* The same text again: nothing changes, nothing is recorded. */
    if (rc == KH_OK && fresh)
        rc = kh_store_commit(s, e);
    else
        kh_store_rollback(s);
out:
    kh_questionnaire_free(q);
    if (rc == KH_OK && created)
        *created = fresh;
    if (rc == KH_OK && version)
        *version = ver;
    else
        free(ver);
    return rc;
}

/* ---- rounds ---------------------------------------------------------- */

/* "YYYY-MM-DDTHH:MM:SSZ". */
static bool is_time(const char *t)
{
    static const char pat[] = "dddd-dd-ddTdd:dd:ddZ";
    if (strlen(t) != sizeof pat - 1)
        return false;
    for (size_t i = 0; pat[i]; i++)
        if (pat[i] == 'd' ? !isdigit((unsigned char)t[i]) : t[i] != pat[i])
            return false;
    return true;
}

static kh_status round_check_spec(kh_store *s, const kh_round_spec *sp,
                                  kh_err *e)
{
    size_t bad = kh_err_errors(e);
    if (!sp->audience || !sp->audience[0])
        kh_err_at(e, 0, 0, "--audience", "must not be empty");
    if (sp->nunits == 0 || sp->nunits > KH_SURVEY_UNITS_MAX)
        kh_err_at(e, 0, 0, "--unit", "give 1 to %d units, not %zu",
                  KH_SURVEY_UNITS_MAX, sp->nunits);
    if (sp->min_responses > KH_SURVEY_MIN_MAX)
        kh_err_at(e, 0, 0, "--min", "must be between 1 and %d, not %u",
                  KH_SURVEY_MIN_MAX, sp->min_responses);
    if (sp->opens && !is_time(sp->opens))
        kh_err_at(e, 0, 0, "--opens", "\"%s\" is not a UTC time such as "
                  "2025-11-03T00:00:00Z", sp->opens);
    if (sp->closes && !is_time(sp->closes))
        kh_err_at(e, 0, 0, "--closes", "\"%s\" is not a UTC time such as "
                  "2025-11-03T00:00:00Z", sp->closes);
    if (sp->opens && sp->closes && is_time(sp->opens) &&
        is_time(sp->closes) && strcmp(sp->closes, sp->opens) <= 0)
        kh_err_at(e, 0, 0, "--closes", "must be after --opens");
    for (size_t i = 0; i < sp->nunits; i++) {
        kh_store_unit u = {0};
        kh_status rc = kh_store_unit_get(s, sp->year, sp->units[i], &u, e);
        kh_store_unit_clear(&u);
        if (rc == KH_ENOTFOUND)
            kh_err_at(e, 0, 0, "--unit", "no unit \"%s\" in year %d",
                      sp->units[i], sp->year);
        else if (rc != KH_OK)
            return rc;
        for (size_t j = 0; j < i; j++)
            if (strcmp(sp->units[i], sp->units[j]) == 0) {
                kh_err_at(e, 0, 0, "--unit", "unit \"%s\" given twice",
                          sp->units[i]);
                break;
            }
    }
    return kh_err_errors(e) > bad ? KH_EINVAL : KH_OK;
}

static kh_status round_insert(kh_store *s, const char *actor,
                              const kh_round_spec *sp, int64_t qrow,
                              kh_err *e, int64_t *id)
{
    char now[KH_STORE_TIME_SZ];
    kh_store_now(s, now);
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s,
        "INSERT INTO q_round (year, questionnaire, audience, min_responses,"
        " opens_at, closes_at, closed, opened_at, opened_by)"
        " VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?) RETURNING id", &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, sp->year);
    kh_db_bind_int64(st, 2, qrow);
    kh_store_bind_str(st, 3, sp->audience);
    kh_db_bind_int(st, 4, sp->min_responses ? (int)sp->min_responses
                                              : KH_TALLY_MIN_DEFAULT);
    kh_store_bind_str(st, 5, sp->opens);
    kh_store_bind_str(st, 6, sp->closes);
    kh_store_bind_str(st, 7, now);
    kh_store_bind_str(st, 8, actor);
    int step = kh_db_step(st);
    if (step == KH_DB_ROW)
        *id = kh_db_column_int64(st, 0);
    kh_db_reset(st);
    if (step != KH_DB_ROW)
        return kh_store_db_fail(s, e, "opening a round");
    for (size_t i = 0; i < sp->nunits; i++) {
        rc = kh_store_stmt(s, "INSERT INTO q_round_unit (round, unit, pos)"
                           " VALUES (?, ?, ?)", &st, e);
        if (rc != KH_OK)
            return rc;
        kh_db_bind_int64(st, 1, *id);
        kh_store_bind_str(st, 2, sp->units[i]);
        kh_db_bind_int64(st, 3, (int64_t)i);
        if ((rc = kh_store_exec(s, st, e, "opening a round")) != KH_OK)
            return rc;
    }
    return KH_OK;
}

kh_status kh_store_round_open(kh_store *s, const char *actor,
                              const kh_round_spec *sp, kh_err *e,
                              int64_t *id)
{
    unsigned allowed = KH_YEAR_BIT(KH_YEAR_DRAFT) |
                       KH_YEAR_BIT(KH_YEAR_SELF_CHECK) |
                       KH_YEAR_BIT(KH_YEAR_INSPECTION) |
                       KH_YEAR_BIT(KH_YEAR_REVIEW);
    kh_status rc = kh_store_year_require(s, sp->year, allowed,
                                         "opening a questionnaire round",
                                         NULL, e);
    int64_t qrow = 0;
    if (rc == KH_OK)
        rc = q_resolve(s, sp->questionnaire, &qrow, e);
    if (rc == KH_OK)
        rc = round_check_spec(s, sp, e);
    if (rc != KH_OK || (rc = kh_store_begin(s, e)) != KH_OK)
        return rc;
    rc = round_insert(s, actor, sp, qrow, e, id);
    char obj[64], val[512];
    snprintf(obj, sizeof obj, "round %" PRId64, *id);
    snprintf(val, sizeof val, "%s %s (%zu units)", sp->questionnaire,
             sp->audience, sp->nunits);
    kh_audit_rec a = {.actor = actor, .action = "survey.round.open",
                      .year = sp->year, .object = obj, .new_value = val};
    if (rc == KH_OK)
        rc = kh_store_audit(s, &a, e);
    if (rc == KH_OK)
        return kh_store_commit(s, e);
    kh_store_rollback(s);
    return rc;
}

/* Year, closed flag, opening and closing times of a round (strings into
 * the caller's buffers, "" for NULL). */
typedef struct round_row {
    int year;
    bool closed;
    unsigned min;
    int64_t qrow;
    char opens[KH_STORE_TIME_SZ], closes[KH_STORE_TIME_SZ];
} round_row;

static kh_status round_row_get(kh_store *s, int64_t round, round_row *r,
                               kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "SELECT year, closed, opens_at, "
                                 "closes_at, min_responses, questionnaire "
                                 "FROM q_round WHERE id = ?", &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, round);
    int step = kh_db_step(st);
    if (step == KH_DB_ROW) {
        r->year = kh_db_column_int(st, 0);
        r->closed = kh_db_column_int(st, 1) != 0;
        const char *o = kh_store_col_str(st, 2), *c = kh_store_col_str(st, 3);
        snprintf(r->opens, sizeof r->opens, "%s", o ? o : "");
        snprintf(r->closes, sizeof r->closes, "%s", c ? c : "");
        r->min = (unsigned)kh_db_column_int(st, 4);
        r->qrow = kh_db_column_int64(st, 5);
    }
    kh_db_reset(st);
    if (step == KH_DB_DONE)
        return kh_err_fail(e, KH_ENOTFOUND, "no questionnaire round %" PRId64,
                           round);
    return step == KH_DB_ROW ? KH_OK
                              : kh_store_db_fail(s, e, "reading a round");
}

kh_status kh_store_round_close(kh_store *s, const char *actor, int64_t round,
                               kh_err *e)
{
    round_row r;
    kh_status rc = round_row_get(s, round, &r, e);
    if (rc != KH_OK)
        return rc;
    if (r.closed)
        return kh_err_fail(e, KH_ESTATE, "round %" PRId64 " is already "
                           "closed", round);
    if ((rc = kh_store_begin(s, e)) != KH_OK)
        return rc;
    kh_db_stmt *st;
    rc = kh_store_stmt(s, "UPDATE q_round SET closed = 1 WHERE id = ?", &st,
                       e);
    if (rc == KH_OK) {
        kh_db_bind_int64(st, 1, round);
        rc = kh_store_exec(s, st, e, "closing a round");
    }
    char obj[64];
    snprintf(obj, sizeof obj, "round %" PRId64, round);
    kh_audit_rec a = {.actor = actor, .action = "survey.round.close",
                      .year = r.year, .object = obj, .old_value = "open",
                      .new_value = "closed"};
    if (rc == KH_OK)
        rc = kh_store_audit(s, &a, e);
    if (rc == KH_OK)
        return kh_store_commit(s, e);
    kh_store_rollback(s);
    return rc;
}

static kh_status round_check_open(kh_store *s, const round_row *r, kh_err *e)
{
    char now[KH_STORE_TIME_SZ];
    kh_store_now(s, now);
    if (r->closed)
        return kh_err_fail(e, KH_ESTATE, "this round is closed");
    if (r->opens[0] && strcmp(now, r->opens) < 0)
        return kh_err_fail(e, KH_ESTATE, "this round has not opened yet");
    if (r->closes[0] && strcmp(now, r->closes) >= 0)
        return kh_err_fail(e, KH_ESTATE, "this round is past its closing time");
    return KH_OK;
}

kh_status kh_store_round_accepting(kh_store *s, int64_t round, kh_err *e)
{
    round_row r;
    kh_status rc = round_row_get(s, round, &r, e);
    return rc == KH_OK ? round_check_open(s, &r, e) : rc;
}

kh_status kh_store_round_has_unit(kh_store *s, int64_t round,
                                  const char *unit, bool *yes, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "SELECT 1 FROM q_round_unit WHERE "
                                 "round = ? AND unit = ?", &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, round);
    kh_store_bind_str(st, 2, unit);
    int step = kh_db_step(st);
    kh_db_reset(st);
    *yes = step == KH_DB_ROW;
    return step == KH_DB_ROW || step == KH_DB_DONE
               ? KH_OK
               : kh_store_db_fail(s, e, "reading a round");
}

static const char round_sql[] =
    "SELECT r.id, r.year, q.q_id || '@' || q.sha256, q.title, r.audience,"
    " r.min_responses, r.opens_at, r.closes_at, r.closed, r.opened_at,"
    " r.opened_by,"
    " (SELECT COUNT(*) FROM q_round_unit ru WHERE ru.round = r.id),"
    " (SELECT COUNT(*) FROM q_code c WHERE c.round = r.id),"
    " (SELECT COUNT(*) FROM q_code c WHERE c.round = r.id AND c.used = 1),"
    " (SELECT COUNT(*) FROM q_response p WHERE p.round = r.id)"
    " FROM q_round r JOIN questionnaire q ON q.id = r.questionnaire"
    " WHERE (? = 0 OR r.year = ?) AND (? = 0 OR r.id = ?)"
    " ORDER BY r.id DESC";

static kh_status round_query(kh_store *s, int year, int64_t round,
                             kh_round_fn fn, void *ctx, kh_err *e,
                             size_t *n)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, round_sql, &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    kh_db_bind_int(st, 2, year);
    kh_db_bind_int64(st, 3, round);
    kh_db_bind_int64(st, 4, round);
    int step;
    *n = 0;
    while (rc == KH_OK && (step = kh_db_step(st)) == KH_DB_ROW) {
        kh_round_info r = {
            .id = kh_db_column_int64(st, 0),
            .year = kh_db_column_int(st, 1),
            .questionnaire = kh_store_col_str(st, 2),
            .title = kh_store_col_str(st, 3),
            .audience = kh_store_col_str(st, 4),
            .min_responses = (unsigned)kh_db_column_int(st, 5),
            .opens = kh_store_col_str(st, 6),
            .closes = kh_store_col_str(st, 7),
            .closed = kh_db_column_int(st, 8) != 0,
            .opened_at = kh_store_col_str(st, 9),
            .opened_by = kh_store_col_str(st, 10),
            .units = (size_t)kh_db_column_int64(st, 11),
            .invited = (size_t)kh_db_column_int64(st, 12),
            .used = (size_t)kh_db_column_int64(st, 13),
            .responses = (size_t)kh_db_column_int64(st, 14)};
        (*n)++;
        rc = fn(ctx, &r);
    }
    if (rc == KH_OK && step != KH_DB_DONE)
        rc = kh_store_db_fail(s, e, "listing rounds");
    kh_db_reset(st);
    return rc;
}

kh_status kh_store_round_each(kh_store *s, int year, kh_round_fn fn,
                              void *ctx, kh_err *e)
{
    size_t n;
    return round_query(s, year, 0, fn, ctx, e, &n);
}

kh_status kh_store_round_get(kh_store *s, int64_t round, kh_round_fn fn,
                             void *ctx, kh_err *e)
{
    size_t n;
    kh_status rc = round_query(s, 0, round, fn, ctx, e, &n);
    if (rc == KH_OK && n == 0)
        return kh_err_fail(e, KH_ENOTFOUND, "no questionnaire round %" PRId64,
                           round);
    return rc;
}

kh_status kh_store_round_questionnaire(kh_store *s, int64_t round,
                                       kh_err *e, kh_questionnaire **out,
                                       unsigned *min)
{
    round_row r;
    *out = NULL;
    kh_status rc = round_row_get(s, round, &r, e);
    if (rc != KH_OK)
        return rc;
    if (min)
        *min = r.min;
    return q_by_row(s, r.qrow, e, out, NULL);
}

kh_status kh_store_round_questionnaire_shared(kh_store *s, int64_t round,
                                              kh_err *e,
                                              const kh_questionnaire **out)
{
    round_row r;
    *out = NULL;
    kh_status rc = round_row_get(s, round, &r, e);
    if (rc != KH_OK)
        return rc;
    for (size_t i = 0; i < s->nqcache; i++)
        if (s->qcache[i].row == r.qrow) {
            *out = s->qcache[i].q;
            return KH_OK;
        }
    struct kh_store_qcache *nc =
        realloc(s->qcache, (s->nqcache + 1) * sizeof *nc);
    if (!nc)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    s->qcache = nc;
    kh_questionnaire *q = NULL;
    if ((rc = q_by_row(s, r.qrow, e, &q, NULL)) != KH_OK)
        return rc;
    s->qcache[s->nqcache].row = r.qrow;
    s->qcache[s->nqcache++].q = q;
    *out = q;
    return KH_OK;
}

/* ---- codes ------------------------------------------------------------- */

/* A new code: KH_SURVEY_CODE_BYTES random bytes as base32 (5 bits per
 * character; 80 bits make 16 characters). */
static void code_make(char out[KH_SURVEY_CODE_LEN + 1])
{
    unsigned char raw[KH_SURVEY_CODE_BYTES];
    randombytes_buf(raw, sizeof raw);
    unsigned acc = 0, bits = 0;
    size_t n = 0;
    for (size_t i = 0; i < sizeof raw; i++) {
        acc = (acc << 8) | raw[i];
        bits += 8;
        while (bits >= 5) {
            out[n++] = b32[(acc >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    out[n] = '\0';
    sodium_memzero(raw, sizeof raw);
}

/* SHA-256 of a code after normalising it (lower case); false when it
 * cannot be a code at all. */
static bool code_hash(const char *code, char hex[KH_STORE_HEX_SZ])
{
    char norm[KH_SURVEY_CODE_LEN + 1];
    if (strlen(code) != KH_SURVEY_CODE_LEN)
        return false;
    for (size_t i = 0; i < KH_SURVEY_CODE_LEN; i++) {
        norm[i] = (char)tolower((unsigned char)code[i]);
        if (!strchr(b32, norm[i]) || !norm[i])
            return false;
    }
    norm[KH_SURVEY_CODE_LEN] = '\0';
    kh_store_sha256_hex(norm, KH_SURVEY_CODE_LEN, hex);
    return true;
}

static kh_status codes_insert(kh_store *s, int64_t round, const char *unit,
                              char **codes, size_t n, kh_err *e)
{
    for (size_t i = 0; i < n; i++) {
        if (!(codes[i] = malloc(KH_SURVEY_CODE_LEN + 1)))
            return kh_err_fail(e, KH_ENOMEM, "out of memory");
        code_make(codes[i]);
        char hex[KH_STORE_HEX_SZ];
        code_hash(codes[i], hex);
        kh_db_stmt *st;
        kh_status rc = kh_store_stmt(s, "INSERT INTO q_code (hash, round, "
                                     "unit, used) VALUES (?, ?, ?, 0)", &st,
                                     e);
        if (rc != KH_OK)
            return rc;
        kh_store_bind_str(st, 1, hex);
        kh_db_bind_int64(st, 2, round);
        kh_store_bind_str(st, 3, unit);
        if ((rc = kh_store_exec(s, st, e, "storing codes")) != KH_OK)
            return rc;
    }
    return KH_OK;
}

kh_status kh_store_codes_create(kh_store *s, const char *actor,
                                int64_t round, const char *unit, size_t n,
                                kh_err *e, char ***codes)
{
    *codes = NULL;
    round_row r;
    bool member = false;
    kh_status rc = round_row_get(s, round, &r, e);
    if (rc == KH_OK && r.closed)
        rc = kh_err_fail(e, KH_ESTATE, "round %" PRId64 " is closed",
                         round);
    if (rc == KH_OK)
        rc = kh_store_round_has_unit(s, round, unit, &member, e);
    if (rc == KH_OK && !member)
        rc = kh_err_at(e, 0, 0, "--unit", "unit \"%s\" is not in round %"
                       PRId64, unit, round);
    if (rc == KH_OK && (n == 0 || n > KH_SURVEY_CODES_MAX))
        rc = kh_err_at(e, 0, 0, "--count", "must be between 1 and %d, not "
                       "%zu", KH_SURVEY_CODES_MAX, n);
    if (rc != KH_OK)
        return rc;
    char **v = calloc(n, sizeof *v);
    if (!v)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    if ((rc = kh_store_begin(s, e)) == KH_OK) {
        rc = codes_insert(s, round, unit, v, n, e);
        char obj[64], val[32];
        snprintf(obj, sizeof obj, "round %" PRId64, round);
        snprintf(val, sizeof val, "%zu codes", n);
        kh_audit_rec a = {.actor = actor, .action = "survey.codes",
                          .year = r.year, .unit = unit, .object = obj,
                          .new_value = val};
        if (rc == KH_OK)
            rc = kh_store_audit(s, &a, e);
        if (rc == KH_OK)
            rc = kh_store_commit(s, e);
        else
            kh_store_rollback(s);
    }
    if (rc != KH_OK) {
        for (size_t i = 0; i < n; i++)
            free(v[i]);
        free(v);
        return rc;
    }
    *codes = v;
    return KH_OK;
}

kh_status kh_store_code_lookup(kh_store *s, const char *code,
                               kh_code_info *out, kh_err *e)
{
    char hex[KH_STORE_HEX_SZ];
    if (!code_hash(code, hex))
        return KH_ENOTFOUND;
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "SELECT round, unit, used FROM q_code "
                                 "WHERE hash = ?", &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, hex);
    int step = kh_db_step(st);
    if (step == KH_DB_ROW) {
        out->round = kh_db_column_int64(st, 0);
        snprintf(out->unit, sizeof out->unit, "%s", kh_store_col_str(st, 1));
        out->used = kh_db_column_int(st, 2) != 0;
    }
    kh_db_reset(st);
    if (step == KH_DB_DONE)
        return KH_ENOTFOUND;
    return step == KH_DB_ROW ? KH_OK
                              : kh_store_db_fail(s, e, "looking up a code");
}

kh_status kh_store_code_counts(kh_store *s, int64_t round,
                               kh_code_count_fn fn, void *ctx, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s,
        "SELECT ru.unit, u.name,"
        " (SELECT COUNT(*) FROM q_code c WHERE c.round = ru.round"
        "  AND c.unit = ru.unit),"
        " (SELECT COUNT(*) FROM q_code c WHERE c.round = ru.round"
        "  AND c.unit = ru.unit AND c.used = 1),"
        " (SELECT COUNT(*) FROM q_response p WHERE p.round = ru.round"
        "  AND p.unit = ru.unit),"
        " (SELECT COUNT(*) FROM q_response p WHERE p.round = ru.round"
        "  AND p.unit = ru.unit AND p.channel = 'paper')"
        " FROM q_round_unit ru JOIN q_round r ON r.id = ru.round"
        " LEFT JOIN unit u ON u.year = r.year AND u.id = ru.unit"
        " WHERE ru.round = ? ORDER BY ru.pos", &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, round);
    int step;
    while (rc == KH_OK && (step = kh_db_step(st)) == KH_DB_ROW) {
        const char *unit = kh_store_col_str(st, 0);
        const char *name = kh_store_col_str(st, 1);
        kh_code_count c = {.unit = unit, .name = name ? name : unit,
                           .made = (size_t)kh_db_column_int64(st, 2),
                           .used = (size_t)kh_db_column_int64(st, 3),
                           .responses = (size_t)kh_db_column_int64(st, 4),
                           .paper = (size_t)kh_db_column_int64(st, 5)};
        rc = fn(ctx, &c);
    }
    if (rc == KH_OK && step != KH_DB_DONE)
        rc = kh_store_db_fail(s, e, "counting codes");
    kh_db_reset(st);
    return rc;
}

/* ---- responses ------------------------------------------------------- */

static kh_status response_insert(kh_store *s, int64_t round,
                                 const char *unit, const char *channel,
                                 const char *answers, kh_err *e)
{
    char day[KH_STORE_DATE_SZ];
    kh_store_today(s, day);
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "INSERT INTO q_response (round, unit, "
                                 "day, channel, answers) VALUES (?, ?, ?, "
                                 "?, ?)", &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, round);
    kh_store_bind_str(st, 2, unit);
    kh_store_bind_str(st, 3, day);
    kh_store_bind_str(st, 4, channel);
    kh_store_bind_str(st, 5, answers);
    return kh_store_exec(s, st, e, "storing a response");
}

/* Marks the code used; KH_ENOTFOUND / KH_ECONFLICT without a message. */
static kh_status code_take(kh_store *s, const char *hex, int64_t *round,
                           char *unit, size_t unitsz, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "UPDATE q_code SET used = 1 WHERE hash ="
                                 " ? AND used = 0 RETURNING round, unit",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, hex);
    int step = kh_db_step(st);
    if (step == KH_DB_ROW) {
        *round = kh_db_column_int64(st, 0);
        snprintf(unit, unitsz, "%s", kh_store_col_str(st, 1));
    }
    kh_db_reset(st);
    if (step == KH_DB_ROW)
        return KH_OK;
    if (step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "using a code");
    rc = kh_store_stmt(s, "SELECT 1 FROM q_code WHERE hash = ?", &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, hex);
    step = kh_db_step(st);
    kh_db_reset(st);
    return step == KH_DB_ROW ? KH_ECONFLICT : KH_ENOTFOUND;
}

kh_status kh_store_response_submit(kh_store *s, const char *code,
                                   const char *answers, kh_err *e)
{
    char hex[KH_STORE_HEX_SZ], unit[128], obj[64];
    if (!code_hash(code, hex))
        return KH_ENOTFOUND;
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    int64_t round = 0;
    round_row r;
    rc = code_take(s, hex, &round, unit, sizeof unit, e);
    if (rc == KH_OK)
        rc = round_row_get(s, round, &r, e);
    if (rc == KH_OK)
        rc = round_check_open(s, &r, e);
    if (rc == KH_OK)
        rc = response_insert(s, round, unit, "web", answers, e);
    /* Names the round and unit only: nothing that leads to the code. */
    snprintf(obj, sizeof obj, "round %" PRId64, round);
    kh_audit_rec a = {.actor = "questionnaire", .action = "survey.response",
                      .year = rc == KH_OK ? r.year : 0, .unit = unit,
                      .object = obj, .new_value = "web"};
    if (rc == KH_OK)
        rc = kh_store_audit(s, &a, e);
    if (rc == KH_OK)
        return kh_store_commit(s, e);
    kh_store_rollback(s);
    return rc;
}

/* ---- paper responses ------------------------------------------------- */

static const char *const unit_cols[] = {"单位", "unit", NULL};

/* Maps the header row: qcol[qi] = column of question qi or -1. */
static kh_status paper_header(const kh_questionnaire *q, const kh_table *t,
                              int *qcol, int *ucol, kh_err *e)
{
    size_t bad = kh_err_errors(e);
    *ucol = kh_table_find_col(t, unit_cols);
    if (*ucol < 0)
        kh_err_at(e, kh_table_line(t, 0), 1, "第 1 行",
                  "no column 单位 (or unit)");
    for (size_t qi = 0; qi < kh_questionnaire_count(q); qi++)
        qcol[qi] = -1;
    for (size_t c = 0; c < kh_table_cols(t, 0); c++) {
        const char *h = kh_table_cell(t, 0, c);
        if ((int)c == *ucol || !h[0])
            continue;
        int qi = kh_questionnaire_find(q, h);
        if (qi < 0)
            kh_err_at(e, kh_table_line(t, 0), (unsigned)c + 1, "第 1 行",
                      "the questionnaire has no question \"%s\"", h);
        else if (qcol[qi] >= 0)
            kh_err_at(e, kh_table_line(t, 0), (unsigned)c + 1, "第 1 行",
                      "question \"%s\" has two columns", h);
        else
            qcol[qi] = (int)c;
    }
    return kh_err_errors(e) > bad ? KH_EINVAL : KH_OK;
}

/* Splits a multiple-choice cell at ';', '；', ',', '，' or spaces (in
 * place); vals gets at most max pieces. */
static size_t split_choices(char *cell, const char **vals, size_t max)
{
    size_t n = 0;
    char *p = cell;
    while (*p && n < max) {
        char *end = p + strcspn(p, ";, ");
        char *fw = strstr(p, "；"), *fc = strstr(p, "，");
        if (fw && fw < end)
            end = fw;
        if (fc && fc < end)
            end = fc;
        size_t skip = (*end == ';' || *end == ',' || *end == ' ') ? 1
                      : *end ? strlen("；")
                             : 0;
        *end = '\0';
        if (*p)
            vals[n++] = p;
        p = end + skip;
    }
    return n;
}

/* Checks one data row into json; errors located at the row. */
static kh_status paper_row(kh_store *s, int64_t round,
                           const kh_questionnaire *q, const kh_table *t,
                           size_t row, const int *qcol, int ucol,
                           kh_buf *json, kh_err *e)
{
    unsigned line = kh_table_line(t, row);
    char place[256];
    const char *unit = kh_table_cell(t, row, (size_t)ucol);
    bool member = false;
    snprintf(place, sizeof place, "第 %u 行「单位」列", line);
    kh_status rc = kh_store_round_has_unit(s, round, unit, &member, e);
    if (rc != KH_OK)
        return rc;
    if (!member && unit[0])
        kh_err_at(e, line, (unsigned)ucol + 1, place,
                  "unit \"%s\" is not in this round", unit);
    else if (!member)
        kh_err_at(e, line, (unsigned)ucol + 1, place, "the unit is empty");
    kh_buf_putc(json, '{');
    bool any = false;
    for (size_t qi = 0; qi < kh_questionnaire_count(q); qi++) {
        const char *vals[KH_Q_MAX_CHOICES + 1];
        char *cell = NULL;   /* a multiple choice's copy, split in place */
        size_t n = 0;
        if (qcol[qi] >= 0) {
            const char *text = kh_table_cell(t, row, (size_t)qcol[qi]);
            if (kh_question_type(q, qi) != KH_Q_MULTIPLE)
                n = (vals[0] = text)[0] ? 1 : 0;
            else if (!(cell = strdup(text)))
                return kh_err_fail(e, KH_ENOMEM, "out of memory");
            else
                n = split_choices(cell, vals, KH_Q_MAX_CHOICES + 1);
        }
        snprintf(place, sizeof place, "第 %u 行「%s」列", line,
                 kh_question_id(q, qi));
        size_t mark = json->len;
        if (any)
            kh_buf_putc(json, ',');
        bool given = false;
        if (kh_question_answer(q, qi, vals, n, place, e, json, &given) !=
                KH_OK || !given)
            json->len = mark;   /* drops the comma again */
        else
            any = true;
        free(cell);
    }
    kh_buf_putc(json, '}');
    return kh_buf_status(json);
}

static kh_status paper_store(kh_store *s, const char *actor, int64_t round,
                             int year, const char *name, char **rows,
                             const char **units, size_t n, kh_err *e)
{
    kh_status rc = kh_store_begin(s, e);
    for (size_t i = 0; rc == KH_OK && i < n; i++)
        rc = response_insert(s, round, units[i], "paper", rows[i], e);
    char obj[64], val[512];
    snprintf(obj, sizeof obj, "round %" PRId64, round);
    snprintf(val, sizeof val, "%zu paper responses from %s", n, name);
    kh_audit_rec a = {.actor = actor, .action = "survey.paper",
                      .year = year, .object = obj, .new_value = val};
    if (rc == KH_OK)
        rc = kh_store_audit(s, &a, e);
    if (rc == KH_OK)
        return kh_store_commit(s, e);
    kh_store_rollback(s);
    return rc;
}

static kh_status paper_rows(kh_store *s, const char *actor, int64_t round,
                            const round_row *r, const char *name,
                            const kh_questionnaire *q, const kh_table *t,
                            kh_err *e, size_t *count)
{
    int qcol[KH_Q_MAX_QUESTIONS], ucol;
    kh_status rc = paper_header(q, t, qcol, &ucol, e);
    if (rc != KH_OK)
        return rc;
    size_t n = kh_table_rows(t) - 1, bad = kh_err_errors(e);
    char **rows = calloc(n ? n : 1, sizeof *rows);
    const char **units = calloc(n ? n : 1, sizeof *units);
    if (!rows || !units)
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
    for (size_t i = 0; rc == KH_OK && i < n; i++) {
        kh_buf b;
        kh_buf_init(&b, 0);
        rc = paper_row(s, round, q, t, i + 1, qcol, ucol, &b, e);
        units[i] = kh_table_cell(t, i + 1, (size_t)ucol);
        rows[i] = kh_buf_take(&b, NULL);
        kh_buf_free(&b);
        if (rc == KH_OK && !rows[i])
            rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    if (rc == KH_OK && kh_err_errors(e) > bad)
        rc = KH_EINVAL;   /* all or nothing */
    if (rc == KH_OK && n == 0)
        rc = kh_err_at(e, 0, 0, NULL, "no responses: the table has only its "
                                      "header row");
    if (rc == KH_OK)
        rc = paper_store(s, actor, round, r->year, name, rows, units, n, e);
    if (rc == KH_OK)
        *count = n;
    for (size_t i = 0; rows && i < n; i++)
        free(rows[i]);
    free(rows);
    free(units);
    return rc;
}

kh_status kh_store_responses_import(kh_store *s, const char *actor,
                                    int64_t round, const char *name,
                                    const char *data, size_t len, kh_err *e,
                                    size_t *count)
{
    *count = 0;
    round_row r;
    kh_status rc = round_row_get(s, round, &r, e);
    if (rc == KH_OK && r.closed)
        rc = kh_err_fail(e, KH_ESTATE, "round %" PRId64 " is closed",
                         round);
    if (rc != KH_OK)
        return rc;
    kh_questionnaire *q = NULL;
    kh_table *t = NULL;
    rc = q_by_row(s, r.qrow, e, &q, NULL);
    kh_err_set_file(e, name);
    if (rc == KH_OK)
        rc = kh_table_read_mem(name, data, len, KH_SURVEY_CODES_MAX * 10, e,
                               &t);
    if (rc == KH_OK && kh_table_rows(t) == 0)
        rc = kh_err_at(e, 0, 0, NULL, "empty file: a header row and "
                                      "responses are needed");
    if (rc == KH_OK)
        rc = paper_rows(s, actor, round, &r, name, q, t, e, count);
    kh_table_free(t);
    kh_questionnaire_free(q);
    return rc;
}

/* ---- tallies --------------------------------------------------------- */

static kh_status tally_unit(void *ctx, const kh_code_count *c)
{
    size_t idx;
    return kh_tally_unit(ctx, c->unit, c->name, c->made, &idx);
}

static kh_status tally_rows(kh_store *s, int64_t round, kh_tally *t,
                            kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "SELECT id, unit, channel, answers FROM"
                                 " q_response WHERE round = ? ORDER BY id",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, round);
    int step;
    while (rc == KH_OK && (step = kh_db_step(st)) == KH_DB_ROW) {
        const char *unit = kh_store_col_str(st, 1);
        size_t u = 0;
        while (u < kh_tally_units(t) && strcmp(kh_tally_unit_id(t, u), unit))
            u++;
        char name[64];
        snprintf(name, sizeof name, "response %" PRId64,
                 (int64_t)kh_db_column_int64(st, 0));
        if (u == kh_tally_units(t))
            rc = kh_err_fail(e, KH_EDB, "%s: unit \"%s\" not in the round",
                             name, unit);
        else
            rc = kh_tally_add(t, u, name, kh_store_col_str(st, 3),
                              (size_t)kh_db_column_bytes(st, 3),
                              strcmp(kh_store_col_str(st, 2), "paper") == 0,
                              e);
    }
    if (rc == KH_OK && step != KH_DB_DONE)
        rc = kh_store_db_fail(s, e, "reading responses");
    kh_db_reset(st);
    return rc;
}

kh_status kh_store_round_tally(kh_store *s, int64_t round, kh_err *e,
                               kh_questionnaire **q, kh_tally **out)
{
    *out = NULL;
    unsigned min = 0;
    kh_status rc = kh_store_round_questionnaire(s, round, e, q, &min);
    if (rc == KH_OK && kh_tally_new(*q, round, min, out) != KH_OK)
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
    if (rc == KH_OK)
        rc = kh_store_code_counts(s, round, tally_unit, *out, e);
    if (rc == KH_OK)
        rc = tally_rows(s, round, *out, e);
    if (rc != KH_OK) {
        kh_tally_free(*out);
        *out = NULL;
    }
    return rc;
}
