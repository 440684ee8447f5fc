/*
 * store_onsite.c - visits, their teams, symposium and interview records
 * and findings (kaohe/store_onsite.h): the checks, the writes with their
 * audit records, the listings and the audited report of a visit.
 */
#include "kaohe/store_inbox.h"
#include "store_impl.h"
#include "kaohe/store_onsite.h"
#include "kaohe/report.h"
#include "kaohe/store_followup.h"
#include "kaohe/rubric.h"
#include "kaohe/utf8.h"
#include "kaohe/vec.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- value checks ---------------------------------------------------- */

static const struct method {
    unsigned bit;
    const char *name, *label;
} methods[] = {
    {KH_METHOD_SYMPOSIUM, "symposium", "座谈会"},
    {KH_METHOD_DOCUMENTS, "documents", "查阅资料"},
    {KH_METHOD_QUESTIONNAIRE, "questionnaire", "问卷"},
    {KH_METHOD_INTERVIEW, "interview", "个别访谈"},
};
#define NMETHODS (sizeof methods / sizeof methods[0])

kh_status kh_methods_parse(const char *s, const char *path, unsigned *out,
                           kh_err *e)
{
    *out = 0;
    const char *p = s ? s : "";
    while (*p) {
        size_t n = strcspn(p, ",");
        bool found = false;
        for (size_t i = 0; i < NMETHODS && !found; i++)
            if ((strlen(methods[i].name) == n &&
                 memcmp(p, methods[i].name, n) == 0) ||
                (strlen(methods[i].label) == n &&
                 memcmp(p, methods[i].label, n) == 0)) {
                *out |= methods[i].bit;
                found = true;
            }
        if (!found)
            return kh_err_at(e, 0, 0, path,
                             "\"%.*s\" is not a method: symposium, "
                             "documents, questionnaire or interview",
                             (int)n, p);
        p += n;
        if (*p == ',')
            p++;
    }
    return KH_OK;
}

void kh_methods_label(unsigned bits, char *buf, size_t sz)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < NMETHODS; i++) {
        if (!(bits & methods[i].bit))
            continue;
        int k = snprintf(buf + len, sz - len, "%s%s", len ? "、" : "",
                         methods[i].label);
        if (k < 0 || (size_t)k >= sz - len)
            return;
        len += (size_t)k;
    }
    if (!len)
        snprintf(buf, sz, "无");
}

static bool two_digits(const char *p, int lo, int hi)
{
    if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
        return false;
    int v = (p[0] - '0') * 10 + (p[1] - '0');
    return v >= lo && v <= hi;
}

/* kh_date_check with the message in Chinese (shown is what was
 * written). */
static kh_status check_day(const char *day, const char *shown,
                           const char *path, kh_err *e)
{
    kh_err *tmp = kh_err_new();
    if (!tmp)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    kh_status rc = kh_date_check(day, path, tmp);
    kh_err_free(tmp);
    if (rc == KH_OK)
        return KH_OK;
    if (!day || strlen(day) != KH_STORE_DATE_SZ - 1)
        return kh_err_at(e, 0, 0, path, "\"%s\" is not a date: write "
                                        "YYYY-MM-DD",
                         shown ? shown : "");
    return kh_err_at(e, 0, 0, path, "\"%s\" is not a real date", shown);
}

kh_status kh_onsite_time_check(const char *s, const char *path, kh_err *e)
{
    if (!s || strlen(s) != KH_ONSITE_TIME_SZ - 1 || s[10] != ' ' ||
        s[13] != ':' || !two_digits(s + 11, 0, 23) ||
        !two_digits(s + 14, 0, 59))
        return kh_err_at(e, 0, 0, path,
                         "\"%s\" is not a time: write YYYY-MM-DD HH:MM",
                         s ? s : "");
    char day[KH_STORE_DATE_SZ];
    memcpy(day, s, 10);
    day[10] = '\0';
    return check_day(day, s, path, e);
}

/* A text: non-blank, at most max bytes, then the one rule of
 * kaohe/name.h (a short one is a name, a long one free text). */
static kh_status check_text(const char *s, const char *path, size_t max,
                            kh_err *e)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || strspn(s, " \t\r\n") == n)
        return kh_err_at(e, 0, 0, path, "must not be empty");
    if (n > max)
        return kh_err_at(e, 0, 0, path, "longer than %zu bytes", max);
    /* Places, names and labels are one line; minutes free text. */
    return kh_text_check(e, 0, 0, path, s,
                         max <= KH_ONSITE_SHORT_MAX ? KH_TEXT_NAME
                                                    : KH_TEXT_LINES,
                         SIZE_MAX);
}

/* ---- lookups --------------------------------------------------------- */

/* KH_OK when name is an enabled inspector assigned in year; else an
 * error at path. */
static kh_status check_inspector(kh_store *s, int year, const char *name,
                                 const char *path, kh_err *e)
{
    if (check_text(name, path, KH_ONSITE_SHORT_MAX, e) != KH_OK)
        return KH_EINVAL;
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s,
                                 "SELECT 1 FROM app_user u WHERE u.name = ?"
                                 " AND u.role = 'inspector' AND u.disabled = 0"
                                 " AND EXISTS (SELECT 1 FROM user_assign a"
                                 " WHERE a.user_name = u.name AND a.year = ?)",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, name);
    kh_db_bind_int(st, 2, year);
    int r = kh_db_step(st);
    kh_db_reset(st);
    if (r == KH_DB_ROW)
        return KH_OK;
    if (r != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading an inspector");
    return kh_err_at(e, 0, 0, path,
                     "\"%s\" is not an inspector of year %d (an enabled "
                     "inspector assigned to a unit)",
                     name, year);
}

/* acc, or st when st is the first failure that is not a refused value
 * (the store's: busy, I/O, out of memory), which callers must return
 * as it is rather than as KH_EINVAL. */
static kh_status hard_fail(kh_status acc, kh_status st)
{
    bool soft = acc == KH_OK || acc == KH_EINVAL;
    return soft && st != KH_OK && st != KH_EINVAL ? st : acc;
}

/* Checks the team: lead and members are the year's inspectors, each
 * named once.  Refusals are messages on e; returns the store's failure,
 * else KH_OK. */
static kh_status check_team(kh_store *s, int year, const char *lead,
                            const char *const *members, size_t n, kh_err *e)
{
    kh_status rc = KH_OK;
    if (lead)
        rc = hard_fail(rc, check_inspector(s, year, lead, "lead", e));
    if (rc != KH_OK)
        return rc;
    if (n > KH_ONSITE_MEMBERS_MAX) {
        kh_err_at(e, 0, 0, "members", "at most %d team members",
                  KH_ONSITE_MEMBERS_MAX);
        return rc;
    }
    for (size_t i = 0; i < n; i++) {
        char path[32];
        snprintf(path, sizeof path, "members[%zu]", i);
        kh_status st = check_inspector(s, year, members[i], path, e);
        if ((rc = hard_fail(rc, st)) != KH_OK)
            return rc;
        if (st != KH_OK)
            continue;
        bool dup = lead && strcmp(lead, members[i]) == 0;
        for (size_t j = 0; j < i && !dup; j++)
            dup = strcmp(members[j], members[i]) == 0;
        if (dup)
            kh_err_at(e, 0, 0, path, "\"%s\" is named twice in the team",
                      members[i]);
    }
    return rc;
}

/* The year and unit of visit id (KH_ENOTFOUND with a message). */
static kh_status visit_find(kh_store *s, int64_t id, const char *path,
                            int *year, char unit[KH_ONSITE_SHORT_MAX + 1],
                            kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "SELECT year, unit FROM visit WHERE id = ?",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, id);
    int r = kh_db_step(st);
    if (r == KH_DB_ROW) {
        *year = kh_db_column_int(st, 0);
        snprintf(unit, KH_ONSITE_SHORT_MAX + 1, "%s",
                 kh_store_col_str(st, 1));
    }
    kh_db_reset(st);
    if (r == KH_DB_ROW)
        return KH_OK;
    if (r != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading a visit");
    kh_err_at(e, 0, 0, path, "no visit number %lld", (long long)id);
    return KH_ENOTFOUND;
}

kh_status kh_store_visit_in_team(kh_store *s, int64_t id, const char *user,
                                 bool *in, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s,
                                 "SELECT 1 FROM visit v WHERE v.id = ? AND"
                                 " (v.lead = ? OR EXISTS (SELECT 1 FROM"
                                 " visit_member m WHERE m.visit = v.id AND"
                                 " m.user_name = ?))",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, id);
    kh_store_bind_str(st, 2, user);
    kh_store_bind_str(st, 3, user);
    int r = kh_db_step(st);
    kh_db_reset(st);
    if (r != KH_DB_ROW && r != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading a team");
    *in = r == KH_DB_ROW;
    return KH_OK;
}

/* The text fields of the on-site records as their audit records name
 * them (row_json, state_suffix). */
static const char *const SYMPOSIUM_COLS[] = {
    "date", "place", "host", "recorder", "groups", "outline", "minutes",
    NULL};
static const char *const INTERVIEW_COLS[] = {
    "category", "named", "interviewer", "recorder", "start", "end", "place",
    "summary", NULL};
static const char *const FINDING_COLS[] = {"source", "record", "item",
                                           "direction", "text", NULL};

/* Field values as one JSON object (names[i] for vals[i]; NULL: null),
 * the form a correction's record carries. */
static void fields_json(kh_buf *b, const char *const *names,
                        const char *const *vals)
{
    kh_buf_putc(b, '{');
    for (int i = 0; names[i]; i++) {
        kh_buf_printf(b, "%s\"%s\": ", i ? ", " : "", names[i]);
        if (vals[i])
            kh_json_str(b, vals[i]);
        else
            kh_buf_puts(b, "null");
    }
    kh_buf_putc(b, '}');
}

/* " state=HEX": the first hex digits of SHA-256 of the record's fields
 * as JSON, appended to an .add record's summary so that `kaohe check`
 * proves every field of a record never corrected. */
static kh_status state_suffix(const char *const *names,
                              const char *const *vals, char *out, size_t sz)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    fields_json(&b, names, vals);
    kh_status rc = kh_buf_status(&b);
    char hex[KH_STORE_HEX_SZ];
    if (rc == KH_OK) {
        kh_store_sha256_hex(kh_buf_str(&b), b.len, hex);
        snprintf(out, sz, " state=%.*s", KH_ONSITE_STATE_HEX, hex);
    }
    kh_buf_free(&b);
    return rc;
}

kh_status kh_store_visit_state(kh_store *s, int64_t id, char *out,
                               size_t sz, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s,
                                 "SELECT starts_at, place, lead, planned, used"
                                 " FROM visit WHERE id = ?",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, id);
    kh_buf b;
    kh_buf_init(&b, 0);
    int r = kh_db_step(st);
    if (r == KH_DB_ROW)
        kh_buf_printf(&b, "%s\t%s\t%s\t%d\t%d", kh_store_col_str(st, 0),
                      kh_store_col_str(st, 1), kh_store_col_str(st, 2),
                      kh_db_column_int(st, 3), kh_db_column_int(st, 4));
    kh_db_reset(st);
    if (r != KH_DB_ROW)
        rc = kh_store_db_fail(s, e, "reading a visit");
    if (rc == KH_OK)
        rc = kh_store_stmt(s, "SELECT user_name FROM visit_member WHERE"
                              " visit = ? ORDER BY pos", &st, e);
    if (rc == KH_OK) {
        kh_db_bind_int64(st, 1, id);
        while ((r = kh_db_step(st)) == KH_DB_ROW)
            kh_buf_printf(&b, "\t%s", kh_store_col_str(st, 0));
        kh_db_reset(st);
        if (r != KH_DB_DONE)
            rc = kh_store_db_fail(s, e, "reading a team");
    }
    if (rc == KH_OK && (rc = kh_buf_status(&b)) == KH_OK) {
        char hex[KH_STORE_HEX_SZ];
        kh_store_sha256_hex(kh_buf_str(&b), b.len, hex);
        snprintf(out, sz, " state=%.*s", KH_ONSITE_STATE_HEX, hex);
    }
    kh_buf_free(&b);
    return rc;
}

/* Writes one audit record. */
static kh_status audit(kh_store *s, const char *actor, const char *action,
                       int year, const char *unit, const char *what,
                       int64_t id, const char *value, kh_err *e)
{
    char obj[64];
    snprintf(obj, sizeof obj, "%s %" PRId64, what, id);
    kh_audit_rec a = {.actor = actor, .action = action, .year = year,
                      .unit = unit, .object = obj, .new_value = value};
    return kh_store_audit(s, &a, e);
}

/* ---- visits ---------------------------------------------------------- */

#define PLAN_STATES                                                         \
    (KH_YEAR_BIT(KH_YEAR_DRAFT) | KH_YEAR_BIT(KH_YEAR_SELF_CHECK) |         \
     KH_YEAR_BIT(KH_YEAR_INSPECTION))
#define RECORD_STATES                                                       \
    (KH_YEAR_BIT(KH_YEAR_INSPECTION) | KH_YEAR_BIT(KH_YEAR_REVIEW))

static kh_status members_write(kh_store *s, int64_t id,
                               const kh_visit_spec *v, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "DELETE FROM visit_member WHERE visit = ?",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, id);
    if ((rc = kh_store_exec(s, st, e, "changing a team")) != KH_OK)
        return rc;
    for (size_t i = 0; i < v->nmembers; i++) {
        if ((rc = kh_store_stmt(s,
                                "INSERT INTO visit_member (visit, user_name,"
                                " pos) VALUES (?, ?, ?)",
                                &st, e)) != KH_OK)
            return rc;
        kh_db_bind_int64(st, 1, id);
        kh_store_bind_str(st, 2, v->members[i]);
        kh_db_bind_int(st, 3, (int)i);
        if ((rc = kh_store_exec(s, st, e, "changing a team")) != KH_OK)
            return rc;
    }
    return KH_OK;
}

/* Checks the fields a spec sets; errors are added to e.  Returns the
 * store's failure (a busy store is not a bad value), else KH_OK. */
static kh_status visit_check(kh_store *s, int year, const kh_visit_spec *v,
                             bool all, kh_err *e)
{
    kh_status rc = KH_OK;
    if (all || v->at)
        kh_onsite_time_check(v->at, "at", e);
    if (all || v->place)
        check_text(v->place, "place", KH_ONSITE_SHORT_MAX, e);
    if (all || v->lead)
        rc = hard_fail(rc, check_inspector(s, year, v->lead, "lead", e));
    if (rc == KH_OK && v->set_members)
        rc = hard_fail(rc, check_team(s, year, NULL, v->members,
                                      v->nmembers, e));
    if (v->planned & ~(unsigned)KH_METHOD_ALL)
        kh_err_at(e, 0, 0, "planned", "unknown method");
    if (v->used & ~(unsigned)KH_METHOD_ALL)
        kh_err_at(e, 0, 0, "used", "unknown method");
    return rc;
}

/* The lead must not also be a member (after a change of either). */
static kh_status lead_not_member(kh_store *s, int64_t id, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s,
                                 "SELECT v.lead FROM visit v JOIN visit_member"
                                 " m ON m.visit = v.id AND m.user_name ="
                                 " v.lead WHERE v.id = ?",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, id);
    int r = kh_db_step(st);
    if (r == KH_DB_ROW)
        kh_err_at(e, 0, 0, "members", "the lead \"%s\" cannot also be a "
                                      "member",
                  kh_store_col_str(st, 0));
    kh_db_reset(st);
    if (r == KH_DB_ROW)
        return KH_EINVAL;
    return r == KH_DB_DONE ? KH_OK : kh_store_db_fail(s, e, "reading a team");
}

kh_status kh_store_visit_add(kh_store *s, const char *actor,
                             const kh_visit_spec *v, int64_t *id, kh_err *e)
{
    size_t before = kh_err_errors(e);
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    if ((rc = kh_store_year_require(s, v->year, PLAN_STATES,
                                    "planning a visit", NULL, e)) != KH_OK)
        goto fail;
    kh_store_unit u;
    rc = kh_store_unit_get(s, v->year, v->unit ? v->unit : "", &u, e);
    if (rc == KH_ENOTFOUND)
        kh_err_at(e, 0, 0, "unit", "year %d has no unit \"%s\"", v->year,
                  v->unit ? v->unit : "");
    else if (rc != KH_OK)
        goto fail;
    else
        kh_store_unit_clear(&u);
    if ((rc = visit_check(s, v->year, v, true, e)) != KH_OK)
        goto fail;
    if (kh_err_errors(e) > before || v->refused) {
        rc = KH_EINVAL;
        goto fail;
    }
    kh_db_stmt *st;
    if ((rc = kh_store_stmt(s, "SELECT id FROM visit WHERE year = ? AND"
                               " unit = ?", &st, e)) != KH_OK)
        goto fail;
    kh_db_bind_int(st, 1, v->year);
    kh_store_bind_str(st, 2, v->unit);
    int r = kh_db_step(st);
    int64_t other = r == KH_DB_ROW ? kh_db_column_int64(st, 0) : 0;
    kh_db_reset(st);
    if (r == KH_DB_ROW) {
        rc = kh_err_fail(e, KH_ECONFLICT,
                         "unit: %s has a visit already (number %lld): "
                         "change that one", v->unit, (long long)other);
        goto fail;
    }
    const kh_store_val row[] = {
        KH_SV_INT(v->year),    KH_SV_TEXT(v->unit), KH_SV_TEXT(v->at),
        KH_SV_TEXT(v->place),  KH_SV_TEXT(v->lead), KH_SV_INT(v->planned),
        KH_SV_INT(v->used),    KH_SV_NOW,           KH_SV_TEXT(actor)};
    int64_t vid = 0;
    if ((rc = kh_store_write(s,
                              "INSERT INTO visit (year, unit, starts_at,"
                              " place, lead, planned, used, added_at,"
                              " added_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                              row, KH_SV_COUNT(row), "planning a visit", &vid,
                              e)) != KH_OK)
        goto fail;
    if ((v->set_members && (rc = members_write(s, vid, v, e)) != KH_OK) ||
        (rc = lead_not_member(s, vid, e)) != KH_OK)
        goto fail;
    char val[600], sfx[40];
    if ((rc = kh_store_visit_state(s, vid, sfx, sizeof sfx, e)) != KH_OK)
        goto fail;
    snprintf(val, sizeof val, "%.100s %.300s lead %.100s%s", v->at, v->place,
             v->lead, sfx);
    if ((rc = audit(s, actor, "visit.add", v->year, v->unit, "visit", vid,
                    val, e)) != KH_OK ||
        (rc = kh_store_commit(s, e)) != KH_OK)
        goto fail;
    if (id)
        *id = vid;
    return KH_OK;
fail:
    kh_store_rollback(s);
    return rc;
}

/* Sets one text column of a visit (col is a literal picked by caller). */
static kh_status visit_set_col(kh_store *s, int64_t id, const char *sql,
                               const char *val, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, sql, &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, val);
    kh_db_bind_int64(st, 2, id);
    return kh_store_exec(s, st, e, "changing a visit");
}

static kh_status visit_set_bits(kh_store *s, int64_t id, const char *sql,
                                unsigned bits, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, sql, &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, (int)bits);
    kh_db_bind_int64(st, 2, id);
    return kh_store_exec(s, st, e, "changing a visit");
}

static kh_status visit_apply(kh_store *s, int64_t id, const kh_visit_spec *v,
                             kh_err *e)
{
    kh_status rc = KH_OK;
    if (v->at)
        rc = visit_set_col(s, id, "UPDATE visit SET starts_at = ? WHERE id = ?",
                           v->at, e);
    if (rc == KH_OK && v->place)
        rc = visit_set_col(s, id, "UPDATE visit SET place = ? WHERE id = ?",
                           v->place, e);
    if (rc == KH_OK && v->lead)
        rc = visit_set_col(s, id, "UPDATE visit SET lead = ? WHERE id = ?",
                           v->lead, e);
    if (rc == KH_OK && v->set_planned)
        rc = visit_set_bits(s, id, "UPDATE visit SET planned = ? WHERE id = ?",
                            v->planned, e);
    if (rc == KH_OK && v->set_used)
        rc = visit_set_bits(s, id, "UPDATE visit SET used = ? WHERE id = ?",
                            v->used, e);
    if (rc == KH_OK && v->set_members)
        rc = members_write(s, id, v, e);
    return rc;
}

kh_status kh_store_visit_set(kh_store *s, const char *actor, int64_t id,
                             const kh_visit_spec *v, kh_err *e)
{
    size_t before = kh_err_errors(e);
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    int year = 0;
    char unit[KH_ONSITE_SHORT_MAX + 1];
    if ((rc = visit_find(s, id, "visit", &year, unit, e)) != KH_OK ||
        (rc = kh_store_year_require(s, year, PLAN_STATES, "changing a visit",
                                    NULL, e)) != KH_OK)
        goto fail;
    if ((rc = visit_check(s, year, v, false, e)) != KH_OK)
        goto fail;
    if (kh_err_errors(e) > before || v->refused) {
        rc = KH_EINVAL;
        goto fail;
    }
    if ((rc = visit_apply(s, id, v, e)) != KH_OK ||
        (rc = lead_not_member(s, id, e)) != KH_OK)
        goto fail;
    char val[600], sfx[40];
    if ((rc = kh_store_visit_state(s, id, sfx, sizeof sfx, e)) != KH_OK)
        goto fail;
    snprintf(val, sizeof val, "at %.100s place %.300s lead %.100s%s",
             v->at ? v->at : "-", v->place ? v->place : "-",
             v->lead ? v->lead : "-", sfx);
    if ((rc = audit(s, actor, "visit.set", year, unit, "visit", id, val,
                    e)) != KH_OK ||
        (rc = kh_store_commit(s, e)) != KH_OK)
        goto fail;
    return KH_OK;
fail:
    kh_store_rollback(s);
    return rc;
}

/* Number of rows of a count query bound to id. */
static kh_status count_of(kh_store *s, const char *sql, int64_t id,
                          int64_t *n, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, sql, &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, id);
    int r = kh_db_step(st);
    *n = r == KH_DB_ROW ? kh_db_column_int64(st, 0) : 0;
    kh_db_reset(st);
    return r == KH_DB_ROW ? KH_OK : kh_store_db_fail(s, e, "counting");
}

kh_status kh_store_visit_remove(kh_store *s, const char *actor, int64_t id,
                                kh_err *e)
{
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    int year = 0;
    char unit[KH_ONSITE_SHORT_MAX + 1];
    int64_t a = 0, b = 0;
    if ((rc = visit_find(s, id, "visit", &year, unit, e)) != KH_OK ||
        (rc = kh_store_year_require(s, year, PLAN_STATES,
                                    "removing a visit", NULL, e)) != KH_OK ||
        (rc = count_of(s, "SELECT COUNT(*) FROM symposium WHERE visit = ?",
                       id, &a, e)) != KH_OK ||
        (rc = count_of(s, "SELECT COUNT(*) FROM interview WHERE visit = ?",
                       id, &b, e)) != KH_OK)
        goto fail;
    if (a + b > 0) {
        rc = kh_err_fail(e, KH_ESTATE, "visit: visit number %lld has "
                         "records and cannot be removed", (long long)id);
        goto fail;
    }
    kh_db_stmt *st;
    if ((rc = kh_store_stmt(s, "DELETE FROM visit_member WHERE visit = ?", &st,
                            e)) != KH_OK)
        goto fail;
    kh_db_bind_int64(st, 1, id);
    if ((rc = kh_store_exec(s, st, e, "removing a visit")) != KH_OK ||
        (rc = kh_store_stmt(s, "DELETE FROM visit WHERE id = ?", &st, e)) !=
            KH_OK)
        goto fail;
    kh_db_bind_int64(st, 1, id);
    if ((rc = kh_store_exec(s, st, e, "removing a visit")) != KH_OK ||
        (rc = audit(s, actor, "visit.remove", year, unit, "visit", id, NULL,
                    e)) != KH_OK ||
        (rc = kh_store_commit(s, e)) != KH_OK)
        goto fail;
    return KH_OK;
fail:
    kh_store_rollback(s);
    return rc;
}

/* Runs a prepared statement of (login, name) rows into fn. */
static kh_status persons(kh_store *s, kh_db_stmt *st, kh_person_fn fn,
                         void *ctx, kh_err *e)
{
    kh_status rc = KH_OK;
    int r = KH_DB_DONE;
    while (rc == KH_OK && (r = kh_db_step(st)) == KH_DB_ROW) {
        kh_person_row p = {kh_store_col_str(st, 0), kh_store_col_str(st, 1)};
        rc = fn(ctx, &p);
    }
    kh_db_finalize(st);
    if (rc == KH_OK && r != KH_DB_DONE)
        rc = kh_store_db_fail(s, e, "reading people");
    return rc;
}

kh_status kh_store_year_inspectors(kh_store *s, int year, kh_person_fn fn,
                                   void *ctx, kh_err *e)
{
    kh_db_stmt *st;
    if (kh_db_prepare(s->db, "SELECT u.name, COALESCE(u.display_name,"
                      " u.name) FROM app_user u WHERE u.role = 'inspector'"
                      " AND u.disabled = 0 AND EXISTS (SELECT 1 FROM"
                      " user_assign a WHERE a.user_name = u.name AND"
                      " a.year = ?) ORDER BY 2, 1", &st) != KH_DB_OK)
        return kh_store_db_fail(s, e, "reading inspectors");
    kh_db_bind_int(st, 1, year);
    return persons(s, st, fn, ctx, e);
}

kh_status kh_store_visit_team_each(kh_store *s, int64_t id, kh_person_fn fn,
                                   void *ctx, kh_err *e)
{
    kh_db_stmt *st;
    if (kh_db_prepare(s->db, "SELECT t.login, COALESCE(u.display_name,"
                      " t.login) FROM (SELECT lead AS login, -1 AS pos FROM"
                      " visit WHERE id = ? UNION ALL SELECT user_name, pos"
                      " FROM visit_member WHERE visit = ?) t LEFT JOIN"
                      " app_user u ON u.name = t.login ORDER BY t.pos",
                      &st) != KH_DB_OK)
        return kh_store_db_fail(s, e, "reading a team");
    kh_db_bind_int64(st, 1, id);
    kh_db_bind_int64(st, 2, id);
    return persons(s, st, fn, ctx, e);
}

/* The members of visit id joined by ", " into b. */
static kh_status members_join(kh_store *s, int64_t id, kh_buf *b, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s,
                                 "SELECT COALESCE(u.display_name,"
                                 " m.user_name) FROM visit_member m"
                                 " LEFT JOIN app_user u ON u.name ="
                                 " m.user_name WHERE m.visit = ?"
                                 " ORDER BY m.pos",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, id);
    int r;
    kh_buf_reset(b);
    while ((r = kh_db_step(st)) == KH_DB_ROW) {
        if (b->len)
            kh_buf_puts(b, ", ");
        kh_buf_puts(b, kh_store_col_str(st, 0));
    }
    kh_db_reset(st);
    if (r != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading a team");
    return kh_buf_status(b) != KH_OK
               ? kh_err_fail(e, kh_buf_status(b), "out of memory")
               : KH_OK;
}

typedef struct visit_copy {
    int64_t id;
    int year;
    char *unit, *unit_name, *at, *place, *lead;
    unsigned planned, used;
} visit_copy;

static void copies_free(visit_copy *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].unit);
        free(v[i].unit_name);
        free(v[i].at);
        free(v[i].place);
        free(v[i].lead);
    }
    free(v);
}

/* Reads the matching visits into a malloc'd array (so that the team can
 * be read per row with another statement). */
static kh_status visits_read(kh_store *s, int year, const char *inspector,
                             const char *unit, int64_t id, visit_copy **out,
                             size_t *n, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s,
        "SELECT v.id, v.year, v.unit, u.name, v.starts_at, v.place,"
        " COALESCE(lu.display_name, v.lead), v.planned, v.used FROM visit v"
        " JOIN unit u ON u.year = v.year AND u.id = v.unit"
        " LEFT JOIN app_user lu ON lu.name = v.lead WHERE v.year = ? AND (? IS NULL OR v.unit = ?) AND"
        " (? = 0 OR v.id = ?) AND (? IS NULL OR v.lead = ? OR EXISTS (SELECT"
        " 1 FROM visit_member m WHERE m.visit = v.id AND m.user_name = ?))"
        " ORDER BY v.starts_at, u.pos",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    kh_store_bind_str(st, 2, unit);
    kh_store_bind_str(st, 3, unit);
    kh_db_bind_int64(st, 4, id);
    kh_db_bind_int64(st, 5, id);
    kh_store_bind_str(st, 6, inspector);
    kh_store_bind_str(st, 7, inspector);
    kh_store_bind_str(st, 8, inspector);
    visit_copy *v = NULL;
    size_t a = 0;
    int r;
    *n = 0;
    while ((r = kh_db_step(st)) == KH_DB_ROW) {
        if (KH_VEC_GROW(v, a, *n + 1, 16) != KH_OK)
            break;
        visit_copy *c = &v[(*n)++];
        c->id = kh_db_column_int64(st, 0);
        c->year = kh_db_column_int(st, 1);
        c->unit = strdup(kh_store_col_str(st, 2));
        c->unit_name = strdup(kh_store_col_str(st, 3));
        c->at = strdup(kh_store_col_str(st, 4));
        c->place = strdup(kh_store_col_str(st, 5));
        c->lead = strdup(kh_store_col_str(st, 6));
        c->planned = (unsigned)kh_db_column_int(st, 7);
        c->used = (unsigned)kh_db_column_int(st, 8);
        if (!c->unit || !c->unit_name || !c->at || !c->place || !c->lead)
            break;
    }
    kh_db_reset(st);
    *out = v;
    if (r == KH_DB_ROW)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    return r == KH_DB_DONE ? KH_OK : kh_store_db_fail(s, e, "reading visits");
}

kh_status kh_store_visit_each(kh_store *s, int year, const char *inspector,
                              const char *unit, int64_t id, kh_visit_fn fn,
                              void *ctx, kh_err *e)
{
    visit_copy *v = NULL;
    size_t n = 0;
    kh_status rc = visits_read(s, year, inspector, unit, id, &v, &n, e);
    kh_buf b;
    kh_buf_init(&b, 0);
    for (size_t i = 0; i < n && rc == KH_OK; i++) {
        if ((rc = members_join(s, v[i].id, &b, e)) != KH_OK)
            break;
        kh_visit_row row = {.id = v[i].id, .year = v[i].year,
                            .unit = v[i].unit, .unit_name = v[i].unit_name,
                            .at = v[i].at, .place = v[i].place,
                            .lead = v[i].lead, .members = kh_buf_str(&b),
                            .planned = v[i].planned, .used = v[i].used};
        rc = fn(ctx, &row);
    }
    kh_buf_free(&b);
    copies_free(v, n);
    return rc;
}

/* ---- records ----------------------------------------------------------- */

/* Opens the transaction of a record write: the visit exists and its year
 * is in inspection or review.  On failure the transaction is rolled back. */
static kh_status record_begin(kh_store *s, int64_t visit, int *year,
                              char unit[KH_ONSITE_SHORT_MAX + 1], kh_err *e)
{
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    if ((rc = visit_find(s, visit, "visit", year, unit, e)) != KH_OK ||
        (rc = kh_store_year_require(s, *year, RECORD_STATES,
                                    "recording an on-site record", NULL,
                                    e)) != KH_OK)
        kh_store_rollback(s);
    return rc;
}

/* "教师 12；学生 30" into b, checking each group. */
static void groups_text(const kh_symposium_spec *sp, kh_buf *b, kh_err *e)
{
    if (sp->ngroups == 0)
        kh_err_at(e, 0, 0, "groups", "name at least one group of attendees "
                                     "(e.g. 教师=12)");
    if (sp->ngroups > KH_ONSITE_GROUPS_MAX)
        kh_err_at(e, 0, 0, "groups", "at most %d groups of attendees",
                  KH_ONSITE_GROUPS_MAX);
    for (size_t i = 0; i < sp->ngroups && i < KH_ONSITE_GROUPS_MAX; i++) {
        char path[32];
        snprintf(path, sizeof path, "groups[%zu]", i);
        if (check_text(sp->group_labels[i], path, KH_ONSITE_SHORT_MAX, e) ==
                KH_OK &&
            (strpbrk(sp->group_labels[i], "=\n") ||
             strstr(sp->group_labels[i], "；")))
            kh_err_at(e, 0, 0, path, "a group's label cannot hold \"=\" or a "
                                     "line break");
        if (sp->group_counts[i] < 1 ||
            sp->group_counts[i] > KH_ONSITE_COUNT_MAX)
            kh_err_at(e, 0, 0, path, "the count must be a whole number from "
                                     "1 to %d",
                      KH_ONSITE_COUNT_MAX);
        kh_buf_printf(b, "%s%s %d", i ? "；" : "",
                      sp->group_labels[i] ? sp->group_labels[i] : "",
                      sp->group_counts[i]);
    }
}

/* Every field of a symposium record; its groups as text into g. */
static void symposium_check(const kh_symposium_spec *sp, kh_buf *g,
                            kh_err *e)
{
    check_day(sp->date, sp->date, "date", e);
    check_text(sp->place, "place", KH_ONSITE_SHORT_MAX, e);
    check_text(sp->host, "host", KH_ONSITE_SHORT_MAX, e);
    check_text(sp->recorder, "recorder", KH_ONSITE_SHORT_MAX, e);
    groups_text(sp, g, e);
    check_text(sp->outline, "outline", KH_ONSITE_LONG_MAX, e);
    check_text(sp->minutes, "minutes", KH_ONSITE_LONG_MAX, e);
}

kh_status kh_store_symposium_add(kh_store *s, const char *actor,
                                 const kh_symposium_spec *sp, int64_t *id,
                                 kh_err *e)
{
    size_t before = kh_err_errors(e);
    int year = 0;
    char unit[KH_ONSITE_SHORT_MAX + 1];
    kh_status rc = record_begin(s, sp->visit, &year, unit, e);
    if (rc != KH_OK)
        return rc;
    kh_buf g;
    kh_buf_init(&g, 0);
    symposium_check(sp, &g, e);
    if (kh_err_errors(e) > before || sp->refused) {
        rc = KH_EINVAL;
        goto fail;
    }
    const char *fv[] = {sp->date,        sp->place,   sp->host,
                        sp->recorder,    kh_buf_str(&g), sp->outline,
                        sp->minutes};
    char val[600], sfx[40];
    if ((rc = state_suffix(SYMPOSIUM_COLS, fv, sfx, sizeof sfx)) != KH_OK)
        goto fail;
    snprintf(val, sizeof val, "visit %" PRId64 " %.400s %.100s%s", sp->visit,
             sp->date, kh_buf_str(&g), sfx);
    const kh_store_val row[] = {
        KH_SV_INT64(sp->visit),    KH_SV_TEXT(sp->date),
        KH_SV_TEXT(sp->place),     KH_SV_TEXT(sp->host),
        KH_SV_TEXT(sp->recorder),  KH_SV_TEXT(kh_buf_str(&g)),
        KH_SV_TEXT(sp->outline),   KH_SV_TEXT(sp->minutes),
        KH_SV_NOW,                 KH_SV_TEXT(actor)};
    kh_audit_rec a = {.actor = actor, .action = "symposium.add",
                      .year = year, .unit = unit, .new_value = val};
    if ((rc = kh_store_insert_audited(
             s,
             "INSERT INTO symposium (visit, held_on, place, host, recorder,"
             " attendees, outline, minutes, added_at, added_by)"
             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
             row, KH_SV_COUNT(row), "recording a symposium", "symposium ",
             &a, id, e)) != KH_OK ||
        (rc = kh_store_commit(s, e)) != KH_OK)
        goto fail;
    kh_buf_free(&g);
    return KH_OK;
fail:
    kh_buf_free(&g);
    kh_store_rollback(s);
    return rc;
}

/* The interview's people: members of the team, two different ones. */
static kh_status interview_people(kh_store *s, const kh_interview_spec *sp,
                                  kh_err *e)
{
    const char *who[2] = {sp->interviewer, sp->recorder};
    const char *path[2] = {"interviewer", "recorder"};
    bool ok[2] = {false, false};
    for (int i = 0; i < 2; i++) {
        if (check_text(who[i], path[i], KH_ONSITE_SHORT_MAX, e) != KH_OK)
            continue;
        kh_status rc = kh_store_visit_in_team(s, sp->visit, who[i], &ok[i], e);
        if (rc != KH_OK)
            return rc;
        if (!ok[i])
            kh_err_at(e, 0, 0, path[i], "\"%s\" is not in this visit's team",
                      who[i]);
    }
    if (ok[0] && ok[1] && strcmp(who[0], who[1]) == 0)
        kh_err_at(e, 0, 0, "recorder",
                  "the recorder must not be the interviewer (\"%s\" cannot "
                  "be both)", who[1]);
    return KH_OK;
}

/* Every field of an interview record (messages on e); a store failure
 * as its status. */
static kh_status interview_check(kh_store *s, const kh_interview_spec *sp,
                                 kh_err *e)
{
    check_text(sp->category, "category", KH_ONSITE_SHORT_MAX, e);
    if (sp->name)
        check_text(sp->name, "name", KH_ONSITE_SHORT_MAX, e);
    kh_status rc = interview_people(s, sp, e);
    if (rc != KH_OK)
        return rc;
    bool times = kh_onsite_time_check(sp->starts, "start", e) == KH_OK;
    times = kh_onsite_time_check(sp->ends, "end", e) == KH_OK && times;
    if (times && strcmp(sp->ends, sp->starts) <= 0)
        kh_err_at(e, 0, 0, "end", "the end %s must be after the start %s",
                  sp->ends, sp->starts);
    check_text(sp->place, "place", KH_ONSITE_SHORT_MAX, e);
    check_text(sp->summary, "summary", KH_ONSITE_LONG_MAX, e);
    return KH_OK;
}

kh_status kh_store_interview_add(kh_store *s, const char *actor,
                                 const kh_interview_spec *sp, int64_t *id,
                                 kh_err *e)
{
    size_t before = kh_err_errors(e);
    int year = 0;
    char unit[KH_ONSITE_SHORT_MAX + 1];
    kh_status rc = record_begin(s, sp->visit, &year, unit, e);
    if (rc != KH_OK)
        return rc;
    if ((rc = interview_check(s, sp, e)) != KH_OK)
        goto fail;
    if (kh_err_errors(e) > before) {
        rc = KH_EINVAL;
        goto fail;
    }
    /* The audit log never carries the interviewee's name. */
    const char *fv[] = {sp->category, sp->name ? "yes" : "no",
                        sp->interviewer, sp->recorder, sp->starts, sp->ends,
                        sp->place, sp->summary};
    char val[600], sfx[40];
    if ((rc = state_suffix(INTERVIEW_COLS, fv, sfx, sizeof sfx)) != KH_OK)
        goto fail;
    snprintf(val, sizeof val, "visit %" PRId64 " %.200s %.40s-%.40s%s%s",
             sp->visit, sp->category, sp->starts, sp->ends + 11,
             sp->name ? " (named)" : "", sfx);
    const kh_store_val row[] = {
        KH_SV_INT64(sp->visit),      KH_SV_TEXT(sp->category),
        KH_SV_TEXT(sp->name),        KH_SV_TEXT(sp->interviewer),
        KH_SV_TEXT(sp->recorder),    KH_SV_TEXT(sp->starts),
        KH_SV_TEXT(sp->ends),        KH_SV_TEXT(sp->place),
        KH_SV_TEXT(sp->summary),     KH_SV_NOW,
        KH_SV_TEXT(actor)};
    kh_audit_rec a = {.actor = actor, .action = "interview.add",
                      .year = year, .unit = unit, .new_value = val};
    if ((rc = kh_store_insert_audited(
             s,
             "INSERT INTO interview (visit, category, person, interviewer,"
             " recorder, starts, ends, place, summary, added_at, added_by)"
             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
             row, KH_SV_COUNT(row), "recording an interview", "interview ",
             &a, id, e)) != KH_OK ||
        (rc = kh_store_commit(s, e)) != KH_OK)
        goto fail;
    return KH_OK;
fail:
    kh_store_rollback(s);
    return rc;
}

/* ---- findings -------------------------------------------------------- */

kh_status kh_finding_dir_parse(const char *s, const char *path,
                               kh_finding_dir *out, kh_err *e)
{
    if (!s || !*s)
        *out = KH_FINDING_PLAIN;
    else if (strcmp(s, "good") == 0 || strcmp(s, "亮点") == 0)
        *out = KH_FINDING_GOOD;
    else if (strcmp(s, "problem") == 0 || strcmp(s, "问题") == 0)
        *out = KH_FINDING_PROBLEM;
    else
        return kh_err_at(e, 0, 0, path,
                         "\"%s\" is not a direction: good or problem",
                         s);
    return KH_OK;
}

const char *kh_finding_dir_label(kh_finding_dir d)
{
    return d == KH_FINDING_GOOD ? "亮点" : d == KH_FINDING_PROBLEM ? "问题"
                                                                   : "";
}

/* The visit and day of a record (KH_ENOTFOUND with a message). */
static kh_status record_find(kh_store *s, const char *source, int64_t record,
                             int64_t *visit, char day[KH_STORE_DATE_SZ],
                             kh_err *e)
{
    const char *sql;
    if (source && strcmp(source, "symposium") == 0)
        sql = "SELECT visit, held_on FROM symposium WHERE id = ?";
    else if (source && strcmp(source, "interview") == 0)
        sql = "SELECT visit, starts FROM interview WHERE id = ?";
    else
        return kh_err_at(e, 0, 0, "source",
                         "the kind of record must be symposium or interview");
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, sql, &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, record);
    int r = kh_db_step(st);
    if (r == KH_DB_ROW) {
        *visit = kh_db_column_int64(st, 0);
        snprintf(day, KH_STORE_DATE_SZ, "%.10s", kh_store_col_str(st, 1));
    }
    kh_db_reset(st);
    if (r == KH_DB_ROW)
        return KH_OK;
    if (r != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading a record");
    if (strcmp(source, "symposium") == 0)
        kh_err_at(e, 0, 0, source, "no symposium record number %lld",
                  (long long)record);
    else
        kh_err_at(e, 0, 0, source, "no interview record number %lld",
                  (long long)record);
    return KH_ENOTFOUND;
}

/* The item must be one of the rubric's that apply to the unit's kind. */
static kh_status check_item(kh_store *s, int year, const char *unit,
                            const char *item, kh_err *e)
{
    const kh_rubric *r;
    kh_store_unit u;
    kh_status rc = kh_store_year_rubric_shared(s, year, e, &r);
    if (rc != KH_OK || (rc = kh_store_unit_get(s, year, unit, &u, e)) != KH_OK)
        return rc == KH_ENOTFOUND ? kh_err_fail(e, KH_EDB, "unit %s lost",
                                                unit)
                                  : rc;
    int i = item ? kh_rubric_item_find(r, item) : -1;
    int k = kh_rubric_kind_find(r, u.kind);
    bool ok = i >= 0 && k >= 0 && kh_rubric_item_applies(r, (size_t)i,
                                                         (size_t)k);
    kh_store_unit_clear(&u);
    if (!ok)
        return kh_err_at(e, 0, 0, "item", "\"%s\" is not an item that "
                                          "applies to unit %s",
                         item ? item : "", unit);
    return KH_OK;
}

kh_status kh_store_finding_add(kh_store *s, const char *actor, int64_t only,
                               const char *source, int64_t record,
                               const char *item, kh_finding_dir dir,
                               const char *text, int64_t *id, kh_err *e)
{
    size_t before = kh_err_errors(e);
    int64_t visit = 0;
    char day[KH_STORE_DATE_SZ];
    kh_status rc = record_find(s, source, record, &visit, day, e);
    if (rc == KH_OK && only && visit != only)
        rc = kh_err_at(e, 0, 0, "record", "visit number %lld has no "
                       "record number %lld", (long long)only,
                       (long long)record);
    if (rc != KH_OK)
        return rc == KH_ENOTFOUND ? KH_EINVAL : rc;
    int year = 0;
    char unit[KH_ONSITE_SHORT_MAX + 1];
    if ((rc = record_begin(s, visit, &year, unit, e)) != KH_OK)
        return rc;
    if ((rc = check_item(s, year, unit, item, e)) != KH_OK &&
        rc != KH_EINVAL)
        goto fail;
    if (dir > KH_FINDING_PROBLEM)
        kh_err_at(e, 0, 0, "direction", "unknown direction");
    check_text(text, "text", KH_ONSITE_LONG_MAX, e);
    if (kh_err_errors(e) > before) {
        rc = KH_EINVAL;
        goto fail;
    }
    char rec[32], dn[8], val[240], sfx[40];
    snprintf(rec, sizeof rec, "%" PRId64, record);
    snprintf(dn, sizeof dn, "%d", (int)dir);
    const char *fv[] = {source, rec, item, dn, text};
    if ((rc = state_suffix(FINDING_COLS, fv, sfx, sizeof sfx)) != KH_OK)
        goto fail;
    snprintf(val, sizeof val, "%.20s %" PRId64 " item %.40s %s%s", source,
             record, item, kh_finding_dir_label(dir), sfx);
    const kh_store_val row[] = {
        KH_SV_INT64(visit), KH_SV_TEXT(source), KH_SV_INT64(record),
        KH_SV_TEXT(item),   KH_SV_INT((int)dir), KH_SV_TEXT(text),
        KH_SV_TEXT(day),    KH_SV_NOW,          KH_SV_TEXT(actor)};
    kh_audit_rec a = {.actor = actor, .action = "finding.add", .year = year,
                      .unit = unit, .new_value = val};
    int64_t rid = 0;
    if ((rc = kh_store_insert_audited(
             s,
             "INSERT INTO finding (visit, source, record, item, direction,"
             " body, day, added_at, added_by)"
             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
             row, KH_SV_COUNT(row), "recording a finding", "finding ", &a,
             &rid, e)) != KH_OK ||
        (rc = kh_store_inbox_finding(s, year, unit, item, rid, e)) != KH_OK ||
        (rc = kh_store_commit(s, e)) != KH_OK)
        goto fail;
    if (id)
        *id = rid;
    return KH_OK;
fail:
    kh_store_rollback(s);
    return rc;
}

kh_status kh_store_finding_each(kh_store *s, int year, const char *unit,
                                const char *item, kh_finding_fn fn,
                                void *ctx, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s,
        "SELECT f.id, f.source, f.record, f.item, f.direction, f.body, f.day"
        " FROM finding f JOIN visit v ON v.id = f.visit WHERE v.year = ? AND"
        " v.unit = ? AND (? IS NULL OR f.item = ?) ORDER BY f.day, f.id",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    kh_store_bind_str(st, 2, unit);
    kh_store_bind_str(st, 3, item);
    kh_store_bind_str(st, 4, item);
    int r = KH_DB_DONE;
    while (rc == KH_OK && (r = kh_db_step(st)) == KH_DB_ROW) {
        int d = kh_db_column_int(st, 4);
        kh_finding_row row = {
            .id = kh_db_column_int64(st, 0),
            .source = kh_store_col_str(st, 1),
            .record = kh_db_column_int64(st, 2),
            .item = kh_store_col_str(st, 3),
            .dir = d == 1 ? KH_FINDING_GOOD
                          : d == 2 ? KH_FINDING_PROBLEM : KH_FINDING_PLAIN,
            .text = kh_store_col_str(st, 5),
            .date = kh_store_col_str(st, 6)};
        rc = fn(ctx, &row);
    }
    if (rc == KH_OK && r != KH_DB_DONE)
        rc = kh_store_db_fail(s, e, "reading findings");
    kh_db_reset(st);
    return rc;
}

/* ---- the report of a visit --------------------------------------------- */

/* Appends the findings of one record. */
static kh_status report_findings(kh_store *s, const char *source,
                                 int64_t record, kh_buf *out, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s,
                                 "SELECT item, direction, body, id FROM"
                                 " finding WHERE source = ? AND record = ?"
                                 " ORDER BY id",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, source);
    kh_db_bind_int64(st, 2, record);
    int r;
    while ((r = kh_db_step(st)) == KH_DB_ROW) {
        int d = kh_db_column_int(st, 1);
        /* its number: what a correction names */
        kh_buf_printf(out, "    发现 #%lld（%s%s%s）：%s\n",
                      (long long)kh_db_column_int64(st, 3),
                      kh_store_col_str(st, 0),
                      d ? " " : "",
                      kh_finding_dir_label(d == 1 ? KH_FINDING_GOOD
                                           : d == 2 ? KH_FINDING_PROBLEM
                                                    : KH_FINDING_PLAIN),
                      kh_store_col_str(st, 2));
    }
    kh_db_reset(st);
    return r == KH_DB_DONE ? KH_OK : kh_store_db_fail(s, e, "reading findings");
}


/* Reads the ids a query bound to the visit returns (so that findings can
 * be read per record with another statement). */
static kh_status ids_of(kh_store *s, const char *sql, int64_t visit,
                        int64_t **ids, size_t *n, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, sql, &st, e);
    *ids = NULL;
    *n = 0;
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, visit);
    size_t a = 0;
    int r;
    while ((r = kh_db_step(st)) == KH_DB_ROW) {
        if (KH_VEC_GROW(*ids, a, *n + 1, 8) != KH_OK)
            break;

        (*ids)[(*n)++] = kh_db_column_int64(st, 0);
    }
    kh_db_reset(st);
    if (r == KH_DB_ROW)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    return r == KH_DB_DONE ? KH_OK : kh_store_db_fail(s, e, "reading records");
}

static kh_status report_symposium(kh_store *s, int64_t id, kh_buf *out,
                                  kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s,
                                 "SELECT held_on, place, host, recorder,"
                                 " attendees, outline, minutes FROM symposium"
                                 " WHERE id = ?",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, id);
    int r = kh_db_step(st);
    if (r == KH_DB_ROW)
        kh_buf_printf(out,
                      "座谈会 #%" PRId64 "：%s，%s；主持人 %s，记录人 %s\n"
                      "  参会人员：%s\n  提纲：%s\n  纪要：%s\n",
                      id, kh_store_col_str(st, 0), kh_store_col_str(st, 1),
                      kh_store_col_str(st, 2), kh_store_col_str(st, 3),
                      kh_store_col_str(st, 4), kh_store_col_str(st, 5),
                      kh_store_col_str(st, 6));
    kh_db_reset(st);
    if (r != KH_DB_ROW)
        return kh_store_db_fail(s, e, "reading a symposium");
    return report_findings(s, "symposium", id, out, e);
}

static kh_status report_interview(kh_store *s, int64_t id, bool names,
                                  kh_buf *out, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s,
                                 "SELECT i.category, i.person,"
                                 " COALESCE(a.display_name, i.interviewer),"
                                 " COALESCE(b.display_name, i.recorder),"
                                 " i.starts, i.ends, i.place, i.summary"
                                 " FROM interview i"
                                 " LEFT JOIN app_user a ON a.name ="
                                 " i.interviewer LEFT JOIN app_user b ON"
                                 " b.name = i.recorder WHERE i.id = ?",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, id);
    int r = kh_db_step(st);
    if (r == KH_DB_ROW) {
        const char *person = kh_store_col_str(st, 1);
        kh_buf_printf(out,
                      "个别访谈 #%" PRId64 "：%s%s%s%s，%s 至 %s，%s；"
                      "访谈人 %s，记录人 %s\n  摘要：%s\n",
                      id, kh_store_col_str(st, 0),
                      names && person ? "（" : "",
                      names && person ? person : "",
                      names && person ? "）" : "", kh_store_col_str(st, 4),
                      kh_store_col_str(st, 5) + 11, kh_store_col_str(st, 6),
                      kh_store_col_str(st, 2), kh_store_col_str(st, 3),
                      kh_store_col_str(st, 7));
    }
    kh_db_reset(st);
    if (r != KH_DB_ROW)
        return kh_store_db_fail(s, e, "reading an interview");
    return report_findings(s, "interview", id, out, e);
}

/* Writes the audit record of a read of named interviews. */
static kh_status audit_read(kh_store *s, const char *actor, int year,
                            const char *unit, int64_t visit, kh_err *e)
{
    int64_t named = 0;
    kh_status rc = count_of(s,
                            "SELECT COUNT(*) FROM interview WHERE visit = ?"
                            " AND person IS NOT NULL",
                            visit, &named, e);
    if (rc != KH_OK || named == 0)
        return rc;
    if ((rc = kh_store_begin(s, e)) != KH_OK)
        return rc;
    char val[64];
    snprintf(val, sizeof val, "%" PRId64 " named", named);
    if ((rc = audit(s, actor, "interview.read", year, unit, "visit", visit,
                    val, e)) != KH_OK ||
        (rc = kh_store_commit(s, e)) != KH_OK)
        kh_store_rollback(s);
    return rc;
}

kh_status kh_store_onsite_report(kh_store *s, const char *actor, int64_t id,
                                 kh_onsite_reader who, kh_buf *out,
                                 kh_err *e)
{
    int year = 0;
    char unit[KH_ONSITE_SHORT_MAX + 1];
    kh_status rc = visit_find(s, id, "visit", &year, unit, e);
    if (rc != KH_OK)
        return rc;
    if (who == KH_ONSITE_NAMES &&
        (rc = audit_read(s, actor, year, unit, id, e)) != KH_OK)
        return rc;
    int64_t *ids = NULL;
    size_t n = 0;
    rc = ids_of(s, "SELECT id FROM symposium WHERE visit = ? ORDER BY"
                   " held_on, id", id, &ids, &n, e);
    for (size_t i = 0; i < n && rc == KH_OK; i++)
        rc = report_symposium(s, ids[i], out, e);
    free(ids);
    ids = NULL;
    n = 0;
    if (rc == KH_OK && who != KH_ONSITE_NO_INTERVIEWS) {
        rc = ids_of(s, "SELECT id FROM interview WHERE visit = ? ORDER BY"
                       " starts, id", id, &ids, &n, e);
        for (size_t i = 0; i < n && rc == KH_OK; i++)
            rc = report_interview(s, ids[i], who == KH_ONSITE_NAMES, out, e);
        free(ids);
    }
    if (rc == KH_OK && kh_buf_status(out) != KH_OK)
        rc = kh_err_fail(e, kh_buf_status(out), "out of memory");
    return rc;
}

/* ---- corrections (docs/ONSITE.md, "Corrections") ----------------------- */

/* The kinds of row a correction names: their table's statements. */
typedef struct edit_kind {
    const char *what;          /* "symposium", "interview", "finding" */
    const char *owner_sql;     /* id -> visit, added_by */
} edit_kind;
static const edit_kind EDIT_SYMPOSIUM = {
    "symposium", "SELECT visit, added_by FROM symposium WHERE id = ?"};
static const edit_kind EDIT_INTERVIEW = {
    "interview", "SELECT visit, added_by FROM interview WHERE id = ?"};
static const edit_kind EDIT_FINDING = {
    "finding", "SELECT visit, added_by FROM finding WHERE id = ?"};

/* Opens the transaction of a correction of row id: it exists, in visit
 * *visit unless that is 0 (else KH_ENOTFOUND at "id"), the actor wrote it or is an admin (else
 * KH_EPERM), its year is in inspection or review (KH_ESTATE).  *visit,
 * *year and unit get where it belongs.  Rolled back on failure. */
static kh_status edit_begin(kh_store *s, const edit_kind *k, int64_t id,
                            const char *actor, bool admin, int64_t *visit,
                            int *year, char unit[KH_ONSITE_SHORT_MAX + 1],
                            kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, k->owner_sql, &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, id);
    int r = kh_db_step(st);
    bool mine = r == KH_DB_ROW && !strcmp(kh_store_col_str(st, 1), actor);
    int64_t only = *visit;   /* 0: any visit */
    if (r == KH_DB_ROW)
        *visit = kh_db_column_int64(st, 0);
    kh_db_reset(st);
    if (r != KH_DB_ROW && r != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading a record");
    if (r == KH_DB_DONE || (only && *visit != only)) {
        kh_err_at(e, 0, 0, "id", "no %s number %lld", k->what,
                  (long long)id);
        return KH_ENOTFOUND;
    }
    if (!mine && !admin)
        return kh_err_fail(e, KH_EPERM, "only its author or an admin may "
                           "correct %s number %lld", k->what, (long long)id);
    return record_begin(s, *visit, year, unit, e);
}

/* Audits a correction (before and after) and commits; rolls back on
 * failure. */
static kh_status edit_end(kh_store *s, const char *actor, const char *action,
                          int year, const char *unit, const edit_kind *k,
                          int64_t id, const char *before, const char *after,
                          kh_err *e)
{
    char obj[64];
    snprintf(obj, sizeof obj, "%s %lld", k->what, (long long)id);
    kh_audit_rec a = {.actor = actor, .action = action, .year = year,
                      .unit = unit, .object = obj, .old_value = before,
                      .new_value = after};
    kh_status rc = kh_store_audit(s, &a, e);
    if (rc == KH_OK)
        rc = kh_store_commit(s, e);
    if (rc != KH_OK)
        kh_store_rollback(s);
    return rc;
}

/* A row's text fields as the audit log records them: one JSON object of
 * the statement's columns (names[i] for column i). */
static kh_status row_json(kh_store *s, const char *sql, int64_t id,
                          const char *const *names, kh_buf *b, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, sql, &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, id);
    int r = kh_db_step(st);
    const char *vals[16] = {0};
    for (int i = 0; r == KH_DB_ROW && names[i] && i < 16; i++)
        vals[i] = kh_store_col_str(st, i);
    if (r == KH_DB_ROW)
        fields_json(b, names, vals);
    kh_db_reset(st);
    if (r != KH_DB_ROW)
        return kh_store_db_fail(s, e, "reading a record");
    return kh_buf_status(b);
}

/* A correction's write (edit_apply): the row as JSON before (json_sql,
 * cols), sql with vals bound (an UPDATE, or a DELETE that removes the
 * row), the row after (none when removed). */
typedef struct edit_change {
    const edit_kind *k;
    const char *action;        /* "symposium.set" */
    const char *json_sql;
    const char *const *cols;
    const char *sql;           /* a literal (kh_store_write) */
    const kh_store_val *vals;
    size_t n;
    const char *what;          /* "correcting a symposium" */
    bool removes;
} edit_change;

/* Ends a correction opened by edit_begin: with rc KH_OK, writes c and
 * audits it (edit_end); otherwise, or when that fails, rolls back. */
static kh_status edit_apply(kh_store *s, kh_status rc, const char *actor,
                            int year, const char *unit, int64_t id,
                            const edit_change *c, kh_err *e)
{
    kh_buf old, neu;
    kh_buf_init(&old, 0);
    kh_buf_init(&neu, 0);
    if (rc == KH_OK)
        rc = row_json(s, c->json_sql, id, c->cols, &old, e);
    if (rc == KH_OK)
        rc = kh_store_write(s, c->sql, c->vals, c->n, c->what, NULL, e);
    if (rc == KH_OK && !c->removes)
        rc = row_json(s, c->json_sql, id, c->cols, &neu, e);
    if (rc == KH_OK)
        rc = edit_end(s, actor, c->action, year, unit, c->k, id,
                      kh_buf_str(&old), c->removes ? NULL : kh_buf_str(&neu),
                      e);
    else
        kh_store_rollback(s);
    kh_buf_free(&old);
    kh_buf_free(&neu);
    return rc;
}

static const char SYMPOSIUM_JSON_SQL[] =
    "SELECT held_on, place, host, recorder, attendees, outline, minutes"
    " FROM symposium WHERE id = ?";

kh_status kh_store_symposium_set(kh_store *s, const char *actor,
                                 bool admin, int64_t visit_id, int64_t id, const kh_symposium_spec *sp,
                                 kh_err *e)
{
    size_t before = kh_err_errors(e);
    int64_t visit = visit_id;
    int year = 0;
    char unit[KH_ONSITE_SHORT_MAX + 1];
    kh_status rc = edit_begin(s, &EDIT_SYMPOSIUM, id, actor, admin, &visit,
                              &year, unit, e);
    if (rc != KH_OK)
        return rc;
    kh_buf g;
    kh_buf_init(&g, 0);
    symposium_check(sp, &g, e);
    if (kh_err_errors(e) > before || sp->refused)
        rc = KH_EINVAL;
    const kh_store_val vals[] = {
        KH_SV_TEXT(sp->date),      KH_SV_TEXT(sp->place),
        KH_SV_TEXT(sp->host),      KH_SV_TEXT(sp->recorder),
        KH_SV_TEXT(kh_buf_str(&g)), KH_SV_TEXT(sp->outline),
        KH_SV_TEXT(sp->minutes),   KH_SV_INT64(id)};
    const edit_change c = {
        &EDIT_SYMPOSIUM, "symposium.set", SYMPOSIUM_JSON_SQL, SYMPOSIUM_COLS,
        "UPDATE symposium SET held_on = ?, place = ?, host = ?,"
        " recorder = ?, attendees = ?, outline = ?, minutes = ?"
        " WHERE id = ?",
        vals, KH_SV_COUNT(vals), "correcting a symposium", false};
    rc = edit_apply(s, rc, actor, year, unit, id, &c, e);
    kh_buf_free(&g);
    return rc;
}

/* The interviewee's name never enters the audit log: only whether there
 * is one. */
static const char INTERVIEW_JSON_SQL[] =
    "SELECT category, CASE WHEN person IS NULL THEN 'no' ELSE 'yes' END,"
    " interviewer, recorder, starts, ends, place, summary FROM interview"
    " WHERE id = ?";

kh_status kh_store_interview_set(kh_store *s, const char *actor,
                                 bool admin, int64_t visit_id, int64_t id, const kh_interview_spec *sp,
                                 kh_err *e)
{
    size_t before = kh_err_errors(e);
    int64_t visit = visit_id;
    int year = 0;
    char unit[KH_ONSITE_SHORT_MAX + 1];
    kh_status rc = edit_begin(s, &EDIT_INTERVIEW, id, actor, admin, &visit,
                              &year, unit, e);
    if (rc != KH_OK)
        return rc;
    kh_interview_spec x = *sp;
    x.visit = visit;   /* the team of the record's own visit */
    if ((rc = interview_check(s, &x, e)) == KH_OK &&
        kh_err_errors(e) > before)
        rc = KH_EINVAL;
    const kh_store_val vals[] = {
        KH_SV_TEXT(x.category), KH_SV_TEXT(x.name),  KH_SV_TEXT(x.interviewer),
        KH_SV_TEXT(x.recorder), KH_SV_TEXT(x.starts), KH_SV_TEXT(x.ends),
        KH_SV_TEXT(x.place),    KH_SV_TEXT(x.summary), KH_SV_INT64(id)};
    const edit_change c = {
        &EDIT_INTERVIEW, "interview.set", INTERVIEW_JSON_SQL, INTERVIEW_COLS,
        "UPDATE interview SET category = ?, person = ?, interviewer = ?,"
        " recorder = ?, starts = ?, ends = ?, place = ?, summary = ?"
        " WHERE id = ?",
        vals, KH_SV_COUNT(vals), "correcting an interview", false};
    return edit_apply(s, rc, actor, year, unit, id, &c, e);
}

static const char FINDING_JSON_SQL[] =
    "SELECT source, CAST(record AS TEXT), item, CAST(direction AS TEXT),"
    " body FROM finding WHERE id = ?";

kh_status kh_store_finding_set(kh_store *s, const char *actor,
                               bool admin, int64_t visit_id, int64_t id,
                               const char *item,
                               kh_finding_dir dir, const char *text,
                               kh_err *e)
{
    size_t before = kh_err_errors(e);
    int64_t visit = visit_id;
    int year = 0;
    char unit[KH_ONSITE_SHORT_MAX + 1];
    kh_status rc = edit_begin(s, &EDIT_FINDING, id, actor, admin, &visit,
                              &year, unit, e);
    if (rc != KH_OK)
        return rc;
    if ((rc = check_item(s, year, unit, item, e)) == KH_EINVAL)
        rc = KH_OK;
    if (dir > KH_FINDING_PROBLEM)
        kh_err_at(e, 0, 0, "direction", "unknown direction");
    check_text(text, "text", KH_ONSITE_LONG_MAX, e);
    if (rc == KH_OK && kh_err_errors(e) > before)
        rc = KH_EINVAL;
    const kh_store_val vals[] = {KH_SV_TEXT(item), KH_SV_INT((int)dir),
                                 KH_SV_TEXT(text), KH_SV_INT64(id)};
    const edit_change c = {
        &EDIT_FINDING, "finding.set", FINDING_JSON_SQL, FINDING_COLS,
        "UPDATE finding SET item = ?, direction = ?, body = ? WHERE id = ?",
        vals, KH_SV_COUNT(vals), "correcting a finding", false};
    return edit_apply(s, rc, actor, year, unit, id, &c, e);
}

kh_status kh_store_finding_remove(kh_store *s, const char *actor,
                                  bool admin, int64_t visit_id, int64_t id,
                                  kh_err *e)
{
    int64_t visit = visit_id;
    int year = 0;
    char unit[KH_ONSITE_SHORT_MAX + 1];
    kh_status rc = edit_begin(s, &EDIT_FINDING, id, actor, admin, &visit,
                              &year, unit, e);
    if (rc != KH_OK)
        return rc;
    const kh_store_val vals[] = {KH_SV_INT64(id)};
    const edit_change c = {&EDIT_FINDING, "finding.remove", FINDING_JSON_SQL,
                           FINDING_COLS, "DELETE FROM finding WHERE id = ?",
                           vals, 1, "removing a finding", true};
    return edit_apply(s, KH_OK, actor, year, unit, id, &c, e);
}

kh_status kh_store_onsite_row_json(kh_store *s, char kind, int64_t id,
                                   kh_buf *b, kh_err *e)
{
    const char *sql = kind == 's'   ? SYMPOSIUM_JSON_SQL
                      : kind == 'i' ? INTERVIEW_JSON_SQL
                                    : FINDING_JSON_SQL;
    const char *const *cols = kind == 's'   ? SYMPOSIUM_COLS
                              : kind == 'i' ? INTERVIEW_COLS
                                            : FINDING_COLS;
    return row_json(s, sql, id, cols, b, e);
}
