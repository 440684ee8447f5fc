/*
 * store_replay_rows.c - the audit replay's table-driven part: tables
 * whose rows are each one object of a unit, replayed from their records
 * and compared with the live rows by one comparer driven by a table of
 * {SQL, object kind, how the live state is written, messages}.  Covers
 * the on-site records (visits, symposia, interviews, findings), good
 * practices, self-check submissions, questionnaire decisions
 * (judgement_source), the codes issued per round and unit (counts only:
 * which code answered what is never known) and claim files.  store_replay_tables.c keeps the special cases (rosters,
 * users, follow-up, rounds, claims).
 *
 * Objects (first character of the key; name "UNIT/ID" so that a removed
 * unit drops them):
 *   v YEAR UNIT/ID   a visit, "AT\tPLACE\tLEAD[ state=HEX]" (HEX: its
 *                    team and methods, kh_store_visit_state)
 *   s, i, f          a symposium, interview, finding: "a" + the summary
 *                    its .add record carries, or "j" + the JSON its last
 *                    correction (.set) carries
 *   p YEAR UNIT/ID   a good practice, "TITLE: TEXT"
 *   c YEAR UNIT/     a self-check, "STATE\tREPORT\tRETURNS\tREASON"
 *   j YEAR UNIT/ITEM INPUT  a questionnaire decision, its JSON
 *   q YEAR UNIT/ROUND  how many codes were issued
 *   e YEAR UNIT/CLAIM HASH  a claim's file, the name it was filed under
 *   C, K, F, O       claims, reminder talks, rectification items and
 *                    reports: replayed in store_replay_tables.c, compared
 *                    here
 */
#include "store_replay.h"

#include "kaohe/i18n.h"
#include "kaohe/store_onsite.h"

#include <ctype.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- replaying the records ------------------------------------------- */

/* The number after the first space of an object "visit 3" ("" -> ""). */
static const char *obj_id(const char *object)
{
    const char *sp = object ? strchr(object, ' ') : NULL;
    return sp ? sp + 1 : "";
}

/* The object kind/year/"UNIT/NAME". */
static rp_obj *unit_obj(rp *r, char kind, const kh_audit_row *w,
                        const char *name)
{
    char key[600];
    snprintf(key, sizeof key, "%s/%s", w->rec.unit ? w->rec.unit : "",
             name ? name : "");
    return kh_replay_obj(r, kind, w->rec.year, key);
}

static void obj_set(rp *r, rp_obj *o, const char *v, int64_t seq)
{
    if (!o)
        return;
    if (!kh_replay_set(&o->val, v))
        r->nomem = true;
    o->seq = seq;
}

/* Where v's " state=HEX" suffix starts (the digest is always the last
 * part of a visit's record and state), or NULL when v has none. */
static const char *state_at(const char *v)
{
    size_t n = strlen(v), k = 7 + KH_ONSITE_STATE_HEX;
    if (n < k || strncmp(v + n - k, " state=", 7) != 0)
        return NULL;
    for (size_t i = n - KH_ONSITE_STATE_HEX; i < n; i++)
        if (!isxdigit((unsigned char)v[i]))
            return NULL;
    return v + n - k;
}

/* The " lead " that separates the place from the lead in v (ending at
 * end): the last one, since the lead is a login (no spaces) while the
 * place is free text that may hold " lead " itself. */
static const char *lead_at(const char *v, const char *end)
{
    const char *ld = NULL;
    for (const char *p = v; (p = strstr(p, " lead ")) && p + 6 <= end; p++)
        ld = p;
    return ld;
}

/* The at, place and lead of a replayed state "AT\tPLACE\tLEAD[ state=
 * HEX]": the place is what lies between the first and the last tab (a
 * place may hold tabs; at and lead never do). */
static void visit_was(const char *val, char *at, char *place, char *lead,
                      size_t sz)
{
    const char *v = val ? val : "";
    const char *t1 = strchr(v, '\t'), *t2 = strrchr(v, '\t');
    const char *sf = state_at(v), *end = sf ? sf : v + strlen(v);
    if (!t1 || t2 == t1 || t2 > end) {
        *at = *place = *lead = '\0';
        return;
    }
    snprintf(at, sz, "%.*s", (int)(t1 - v), v);
    snprintf(place, sz, "%.*s", (int)(t2 - t1 - 1), t1 + 1);
    snprintf(lead, sz, "%.*s", (int)(end - t2 - 1), t2 + 1);
}

/* visit.add "AT PLACE lead LEAD" (AT is "YYYY-MM-DD HH:MM"); visit.set
 * "at AT place PLACE lead LEAD", "-" for a field left as it was; both
 * end with " state=HEX" since the state digests. */
static void on_visit(rp *r, const kh_audit_row *w)
{
    rp_obj *o = unit_obj(r, 'v', w, obj_id(w->rec.object));
    const char *a = w->rec.action + 6, *v = w->rec.new_value;
    if (!o)
        return;
    if (strcmp(a, "remove") == 0 || !v) {
        obj_set(r, o, NULL, w->seq);
        return;
    }
    char at[600], place[600], lead[600];
    const char *sf = state_at(v), *end = sf ? sf : v + strlen(v);
    const char *pl, *ld = lead_at(v, end);
    if (!ld)
        return;
    snprintf(lead, sizeof lead, "%.*s", (int)(end - ld - 6), ld + 6);
    if (strcmp(a, "add") == 0) {
        snprintf(at, sizeof at, "%.16s", v);
        pl = strlen(v) > 17 ? v + 17 : ld;
        snprintf(place, sizeof place, "%.*s", (int)(ld > pl ? ld - pl : 0),
                 pl);
    } else {
        pl = strstr(v, " place ");
        if (strncmp(v, "at ", 3) != 0 || !pl || pl > ld)
            return;
        snprintf(at, sizeof at, "%.*s", (int)(pl - v - 3), v + 3);
        snprintf(place, sizeof place, "%.*s", (int)(ld - pl - 7), pl + 7);
        char was[3][600];   /* the state the last record proved */
        visit_was(o->val, was[0], was[1], was[2], sizeof was[0]);
        if (strcmp(at, "-") == 0)
            snprintf(at, sizeof at, "%s", was[0]);
        if (strcmp(place, "-") == 0)
            snprintf(place, sizeof place, "%s", was[1]);
        if (strcmp(lead, "-") == 0)
            snprintf(lead, sizeof lead, "%s", was[2]);
    }
    char *nv = NULL;
    if (asprintf(&nv, "%s\t%s\t%s%s", at, place, lead, sf ? sf : "") < 0) {
        r->nomem = true;
        return;
    }
    obj_set(r, o, nv, w->seq);
    free(nv);
}

/* symposium/interview/finding .add (summary), .set (JSON), .remove. */
static void on_onsite(rp *r, const kh_audit_row *w, char kind)
{
    const char *a = strchr(w->rec.action, '.') + 1, *v = w->rec.new_value;
    rp_obj *o = unit_obj(r, kind, w, obj_id(w->rec.object));
    if (!o)
        return;
    if (strcmp(a, "remove") == 0 || !v) {
        obj_set(r, o, NULL, w->seq);
        return;
    }
    char *nv = NULL;
    if (asprintf(&nv, "%c%s", strcmp(a, "add") == 0 ? 'a' : 'j', v) < 0) {
        r->nomem = true;
        return;
    }
    obj_set(r, o, nv, w->seq);
    free(nv);
}

/* Field i of a tab-separated state, malloc'd ("" when absent); NULL
 * when out of memory. */
static char *field_dup(const char *src, int i)
{
    const char *p = src ? src : "";
    for (; i > 0 && p; i--)
        if ((p = strchr(p, '\t')))
            p++;
    return p ? strndup(p, strcspn(p, "\t")) : strdup("");
}

/* selfcheck.submit (the report) and selfcheck.return (the reason); a
 * submission keeps the count of returns and the last reason.  State
 * "STATE\tREPORT\tRETURNS\tREASON", the texts escaped (kh_replay_tab_escape). */
static void on_selfcheck(rp *r, const kh_audit_row *w)
{
    rp_obj *o = unit_obj(r, 'c', w, "");
    if (!o)
        return;
    bool submit = strcmp(w->rec.action, "selfcheck.submit") == 0;
    char *n = field_dup(o->val, 2), *keep = field_dup(o->val, submit ? 3 : 1);
    kh_buf b;
    kh_buf_init(&b, 0);
    if (n && keep) {
        kh_buf_puts(&b, submit ? "submitted\t" : "returned\t");
        if (submit)
            kh_replay_tab_escape(&b, w->rec.new_value);
        else
            kh_buf_puts(&b, keep);
        kh_buf_printf(&b, "\t%lld\t", atoll(n) + (submit ? 0 : 1));
        if (submit)
            kh_buf_puts(&b, keep);
        else
            kh_replay_tab_escape(&b, w->rec.reason);
    }
    if (!n || !keep || kh_buf_status(&b) != KH_OK)
        r->nomem = true;
    else
        obj_set(r, o, kh_buf_str(&b), w->seq);
    free(n);
    free(keep);
    kh_buf_free(&b);
}

/* source.keep/override: object "UNIT/ITEM/inspection/INPUT". */
static void on_source(rp *r, const kh_audit_row *w)
{
    const char *ob = w->rec.object ? w->rec.object : "";
    const char *s1 = strchr(ob, '/'), *s3 = strrchr(ob, '/');
    const char *s2 = s1 ? strchr(s1 + 1, '/') : NULL;
    if (!s1 || !s2 || s3 <= s1)
        return;
    char name[400];
    snprintf(name, sizeof name, "%.*s %s", (int)(s2 - s1 - 1), s1 + 1,
             s3 + 1);
    obj_set(r, unit_obj(r, 'j', w, name), w->rec.new_value, w->seq);
}

/* survey.codes "N codes" for a unit of round ID: the count adds up. */
static void on_codes(rp *r, const kh_audit_row *w)
{
    rp_obj *o = unit_obj(r, 'q', w, obj_id(w->rec.object));
    if (!o)
        return;
    char n[32];
    snprintf(n, sizeof n, "%lld",
             (o->val ? atoll(o->val) : 0) +
                 (w->rec.new_value ? atoll(w->rec.new_value) : 0));
    obj_set(r, o, n, w->seq);
}

/* claim.file "HASH NAME", object "claim#ID". */
static void on_claim_file(rp *r, const kh_audit_row *w)
{
    const char *v = w->rec.new_value ? w->rec.new_value : "";
    const char *ob = w->rec.object ? w->rec.object : "";
    const char *sp = strchr(v, ' ');
    if (!sp || strncmp(ob, "claim#", 6) != 0)
        return;
    char name[400];
    snprintf(name, sizeof name, "%s %.*s", ob + 6, (int)(sp - v), v);
    obj_set(r, unit_obj(r, 'e', w, name), sp + 1, w->seq);
}

bool kh_replay_rows_record(rp *r, const kh_audit_row *w)
{
    const char *a = w->rec.action;
    if (strncmp(a, "visit.", 6) == 0 && strcmp(a, "visit.report") != 0) {
        on_visit(r, w);
    } else if (strncmp(a, "symposium.", 10) == 0) {
        on_onsite(r, w, 's');
    } else if (strncmp(a, "interview.", 10) == 0 &&
               strcmp(a, "interview.read") != 0) {
        on_onsite(r, w, 'i');
    } else if (strncmp(a, "finding.", 8) == 0) {
        on_onsite(r, w, 'f');
    } else if (strcmp(a, "practice.add") == 0) {
        obj_set(r, unit_obj(r, 'p', w, obj_id(w->rec.object)),
                w->rec.new_value, w->seq);
    } else if (strcmp(a, "selfcheck.submit") == 0 ||
               strcmp(a, "selfcheck.return") == 0) {
        on_selfcheck(r, w);
    } else if (strcmp(a, "source.keep") == 0 ||
               strcmp(a, "source.override") == 0) {
        on_source(r, w);
    } else if (strcmp(a, "survey.codes") == 0) {
        on_codes(r, w);
    } else if (strcmp(a, "claim.file") == 0) {
        on_claim_file(r, w);
    } else {
        return false;
    }
    return true;
}

/* ---- comparing with the live tables ----------------------------------- */

/* How a table's live row becomes the state its records give. */
typedef kh_status (*rp_live_fn)(rp *r, kh_db_stmt *st, const rp_obj *o,
                                kh_buf *out);

/* One table of the comparer.  sql: year, unit, name (the object's name
 * after "UNIT/"), label (how messages name the row), then the state
 * columns.  Messages take the unit's name, the label, the year and the
 * audit record (the last three only where they say it). */
typedef struct rp_table {
    char kind;
    const char *sql, *what;
    rp_live_fn live;           /* NULL: the state columns joined by tabs */
    const char *differs, *added, *missing;
    const char *prefix;        /* of the name: "talk " (NULL: none) */
    bool label_first;          /* messages name the label, then the unit */
} rp_table;

/* The state columns 4.. joined by tabs (NULL as ""). */
static kh_status live_join(rp *r, kh_db_stmt *st, const rp_obj *o,
                           kh_buf *out)
{
    (void)r;
    (void)o;
    int n = kh_db_column_count(st);
    for (int i = 4; i < n; i++) {
        const char *v = kh_store_col_str(st, i);
        kh_buf_printf(out, "%s%s", i > 4 ? "\t" : "", v ? v : "");
    }
    return KH_OK;
}

/* An .add record's " state=HEX" (records before it have none): the
 * digest of the record's fields as kh_store_onsite_row_json gives them,
 * appended to out when the object's state has one. */
static kh_status state_of(rp *r, char kind, int64_t id, const rp_obj *o,
                          kh_buf *out)
{
    if (!o->val || !state_at(o->val))
        return KH_OK;
    kh_buf j;
    kh_buf_init(&j, 0);
    kh_status rc = kh_store_onsite_row_json(r->s, kind, id, &j, r->e);
    char hex[KH_STORE_HEX_SZ];
    if (rc == KH_OK && (rc = kh_buf_status(&j)) == KH_OK) {
        kh_store_sha256_hex(kh_buf_str(&j), j.len, hex);
        kh_buf_printf(out, " state=%.*s", KH_ONSITE_STATE_HEX, hex);
    }
    kh_buf_free(&j);
    return rc;
}

/* A visit: starts_at, place, lead, then its id; " state=HEX" of its
 * team and methods when its last record carries one. */
static kh_status live_visit(rp *r, kh_db_stmt *st, const rp_obj *o,
                           kh_buf *out)
{
    kh_buf_printf(out, "%s\t%s\t%s", kh_store_col_str(st, 4),
                  kh_store_col_str(st, 5), kh_store_col_str(st, 6));
    if (!o->val || !state_at(o->val))
        return KH_OK;
    char sfx[40];
    kh_status rc = kh_store_visit_state(r->s, kh_db_column_int64(st, 7), sfx,
                                        sizeof sfx, r->e);
    if (rc == KH_OK)
        kh_buf_puts(out, sfx);
    return rc;
}

/* A symposium: id, visit, held_on, attendees.  Its .add record says
 * "visit V DATE GROUPS"; a correction the JSON of its text fields. */
static kh_status live_symposium(rp *r, kh_db_stmt *st, const rp_obj *o,
                                kh_buf *out)
{
    if (o->val && o->val[0] == 'j') {
        kh_buf_putc(out, 'j');
        return kh_store_onsite_row_json(r->s, 's', kh_db_column_int64(st, 4),
                                        out, r->e);
    }
    kh_buf_printf(out, "avisit %" PRId64 " %.400s %.100s",
                  kh_db_column_int64(st, 5), kh_store_col_str(st, 6),
                  kh_store_col_str(st, 7));
    return state_of(r, 's', kh_db_column_int64(st, 4), o, out);
}

/* An interview: id, visit, category, starts, ends, named (0/1); the
 * .add record never carries the interviewee's name, only whether there
 * is one. */
static kh_status live_interview(rp *r, kh_db_stmt *st, const rp_obj *o,
                                kh_buf *out)
{
    if (o->val && o->val[0] == 'j') {
        kh_buf_putc(out, 'j');
        return kh_store_onsite_row_json(r->s, 'i', kh_db_column_int64(st, 4),
                                        out, r->e);
    }
    const char *ends = kh_store_col_str(st, 8);
    kh_buf_printf(out, "avisit %" PRId64 " %.200s %.40s-%.40s%s",
                  kh_db_column_int64(st, 5), kh_store_col_str(st, 6),
                  kh_store_col_str(st, 7),
                  ends && strlen(ends) > 11 ? ends + 11 : "",
                  kh_db_column_int(st, 9) ? " (named)" : "");
    return state_of(r, 'i', kh_db_column_int64(st, 4), o, out);
}

/* A finding: id, source, record, item, direction. */
static kh_status live_finding(rp *r, kh_db_stmt *st, const rp_obj *o,
                              kh_buf *out)
{
    if (o->val && o->val[0] == 'j') {
        kh_buf_putc(out, 'j');
        return kh_store_onsite_row_json(r->s, 'f', kh_db_column_int64(st, 4),
                                        out, r->e);
    }
    int dir = kh_db_column_int(st, 8);
    kh_buf_printf(out, "a%.20s %" PRId64 " item %.40s %s",
                  kh_store_col_str(st, 5), kh_db_column_int64(st, 6),
                  kh_store_col_str(st, 7),
                  kh_finding_dir_label(dir < 0 || dir > KH_FINDING_PROBLEM
                                           ? KH_FINDING_PLAIN
                                           : (kh_finding_dir)dir));
    return state_of(r, 'f', kh_db_column_int64(st, 4), o, out);
}

/* A self-check submission: state, report, returns, reason, each
 * escaped as on_selfcheck writes them. */
static kh_status live_selfcheck(rp *r, kh_db_stmt *st, const rp_obj *o,
                                kh_buf *out)
{
    (void)r;
    (void)o;
    for (int i = 4; i < 8; i++) {
        if (i > 4)
            kh_buf_putc(out, '\t');
        kh_replay_tab_escape(out, kh_store_col_str(st, i));
    }
    return KH_OK;
}

/* A questionnaire decision: decision, round, ... (source.keep's JSON). */
static kh_status live_source(rp *r, kh_db_stmt *st, const rp_obj *o,
                             kh_buf *out)
{
    (void)r;
    (void)o;
    kh_store_source_row_json(st, 4, out);
    return KH_OK;
}

/* A bonus claim: kind, description, evidence, state, points, reason;
 * as on_claim (store_replay_tables.c) builds it from claim.add and the
 * decision: "kind=K[ evidence=HASH16]\tDESCRIPTION\tDECISION\tREASON". */
static kh_status live_claim(rp *r, kh_db_stmt *st, const rp_obj *o,
                            kh_buf *out)
{
    (void)r;
    (void)o;
    const char *ev = kh_store_col_str(st, 6), *state = kh_store_col_str(st, 7),
               *why = kh_store_col_str(st, 9);
    char num[KH_NUM_BUFSZ];
    kh_num_format(kh_db_column_int64(st, 8), num);
    kh_buf_printf(out, "kind=%s%s%.16s\t", kh_store_col_str(st, 4),
                  ev && *ev ? " evidence=" : "", ev ? ev : "");
    kh_replay_tab_escape(out, kh_store_col_str(st, 5));
    kh_buf_putc(out, '\t');
    if (strcmp(state, "approved") == 0)
        kh_buf_printf(out, "approved points=%s", num);
    else
        kh_buf_puts(out, state);
    kh_buf_putc(out, '\t');
    kh_replay_tab_escape(out, strcmp(state, "pending") && why ? why : "");
    return KH_OK;
}

/* A reminder talk: talk_date, talked_by, talked_to, summary, as
 * followup.talk records it. */
static kh_status live_talk(rp *r, kh_db_stmt *st, const rp_obj *o,
                           kh_buf *out)
{
    (void)r;
    (void)o;
    const char *to = kh_store_col_str(st, 6);
    kh_buf_printf(out, "%s %s%s%s: %s", kh_store_col_str(st, 4),
                  kh_store_col_str(st, 5), to ? " -> " : "", to ? to : "",
                  kh_store_col_str(st, 7));
    return KH_OK;
}

/* A rectification item: deadline, text, status, closed_date, evidence;
 * the text escaped (kh_replay_tab_escape), as on_followup keeps it.
 * Closed by an accepted report ("done *"): its date is not proved. */
static kh_status live_item(rp *r, kh_db_stmt *st, const rp_obj *o,
                           kh_buf *out)
{
    (void)r;
    const char *ev = kh_store_col_str(st, 8);
    kh_buf_printf(out, "deadline %s: ", kh_store_col_str(st, 4));
    kh_replay_tab_escape(out, kh_store_col_str(st, 5));   /* as recorded */
    kh_buf_putc(out, '\t');
    if (strcmp(kh_store_col_str(st, 6), "open") == 0)
        kh_buf_puts(out, "open");
    else
        kh_buf_printf(out, "done %s%s%s",
                      o->val && strstr(o->val, "\tdone *")
                          ? "*"
                          : kh_store_col_str(st, 7),
                      ev ? ", evidence " : "", ev ? ev : "");
    return KH_OK;
}

/* A rectification report: item, evidence, text, status, reason. */
static kh_status live_report(rp *r, kh_db_stmt *st, const rp_obj *o,
                             kh_buf *out)
{
    (void)r;
    (void)o;
    const char *ev = kh_store_col_str(st, 5), *stt = kh_store_col_str(st, 7),
               *why = kh_store_col_str(st, 8);
    bool ret = strcmp(stt, "returned") == 0;
    kh_buf_printf(out, "item %" PRId64 ", submitted%s%s: ",
                  kh_db_column_int64(st, 4), ev ? ", evidence " : "",
                  ev ? ev : "");
    kh_replay_tab_escape(out, kh_store_col_str(st, 6));   /* as recorded */
    kh_buf_printf(out, "\t%s%s", stt, ret ? ": " : "");
    kh_replay_tab_escape(out, ret && why ? why : "");
    return KH_OK;
}

static const rp_table TABLES[] = {
    {'C',
     "SELECT year, unit, CAST(id AS TEXT), CAST(id AS TEXT), kind,"
     " description, evidence, state, points, reason FROM claim"
     " ORDER BY year, unit, id",
     "reading claims", live_claim,
     N_("bonus claim %s of %s (%d): differs from the audit log (audit "
        "record %" PRId64 ")"),
     N_("bonus claim %s of %s (%d): not in the audit log (added outside "
        "kaohe)"),
     N_("bonus claim %s of %s (%d): missing (deleted outside kaohe; audit "
        "record %" PRId64 ")"),
     "claim#", true},
    {'K',
     "SELECT year, unit, CAST(id AS TEXT), CAST(id AS TEXT), talk_date,"
     " talked_by, talked_to, summary FROM followup_talk ORDER BY id",
     "reading talks", live_talk,
     N_("reminder talk %s with %s (%d): differs from the audit log (audit "
        "record %" PRId64 ")"),
     N_("reminder talk %s with %s (%d): not in the audit log (added outside "
        "kaohe)"),
     N_("reminder talk %s with %s (%d): missing (deleted outside kaohe; "
        "audit record %" PRId64 ")"),
     "talk ", true},
    {'F',
     "SELECT year, unit, CAST(id AS TEXT), CAST(id AS TEXT), deadline,"
     " text, status, closed_date, evidence FROM followup_item ORDER BY id",
     "reading rectification items", live_item,
     N_("rectification item %s of %s (%d): differs from the audit log "
        "(audit record %" PRId64 ")"),
     N_("rectification item %s of %s (%d): not in the audit log (added "
        "outside kaohe)"),
     N_("rectification item %s of %s (%d): missing (deleted outside kaohe; "
        "audit record %" PRId64 ")"),
     "item ", true},
    {'O',
     "SELECT i.year, i.unit, CAST(p.id AS TEXT), CAST(p.id AS TEXT), p.item,"
     " p.evidence, p.text, p.status, p.reason FROM followup_report p JOIN"
     " followup_item i ON i.id = p.item ORDER BY p.id",
     "reading rectification reports", live_report,
     N_("rectification report %s of %s (%d): differs from the audit log "
        "(audit record %" PRId64 ")"),
     N_("rectification report %s of %s (%d): not in the audit log (added "
        "outside kaohe)"),
     N_("rectification report %s of %s (%d): missing (deleted outside "
        "kaohe; audit record %" PRId64 ")"),
     "report ", true},
    {'v',
     "SELECT v.year, v.unit, CAST(v.id AS TEXT), CAST(v.id AS TEXT),"
     " v.starts_at, v.place, v.lead, v.id FROM visit v ORDER BY v.id",
     "reading visits", live_visit,
     N_("on-site visit of %s (number %s, %d): differs from the audit log "
        "(audit record %" PRId64 ")"),
     N_("on-site visit of %s (number %s, %d): not in the audit log (added "
        "outside kaohe)"),
     N_("on-site visit of %s (number %s, %d): missing (deleted outside "
        "kaohe; audit record %" PRId64 ")"),
     NULL, false},
    {'s',
     "SELECT v.year, v.unit, CAST(x.id AS TEXT), CAST(x.id AS TEXT), x.id,"
     " x.visit, x.held_on, x.attendees FROM symposium x JOIN visit v"
     " ON v.id = x.visit ORDER BY x.id",
     "reading symposia", live_symposium,
     N_("symposium record at %s (number %s, %d): differs from the audit log "
        "(audit record %" PRId64 ")"),
     N_("symposium record at %s (number %s, %d): not in the audit log "
        "(added outside kaohe)"),
     N_("symposium record at %s (number %s, %d): missing (deleted outside "
        "kaohe; audit record %" PRId64 ")"),
     NULL, false},
    {'i',
     "SELECT v.year, v.unit, CAST(x.id AS TEXT), CAST(x.id AS TEXT), x.id,"
     " x.visit, x.category, x.starts, x.ends, CASE WHEN x.person IS NULL"
     " THEN 0 ELSE 1 END FROM interview x JOIN visit v ON v.id = x.visit"
     " ORDER BY x.id",
     "reading interviews", live_interview,
     N_("interview record at %s (number %s, %d): differs from the audit log "
        "(audit record %" PRId64 ")"),
     N_("interview record at %s (number %s, %d): not in the audit log "
        "(added outside kaohe)"),
     N_("interview record at %s (number %s, %d): missing (deleted outside "
        "kaohe; audit record %" PRId64 ")"),
     NULL, false},
    {'f',
     "SELECT v.year, v.unit, CAST(x.id AS TEXT), CAST(x.id AS TEXT), x.id,"
     " x.source, x.record, x.item, x.direction FROM finding x JOIN visit v"
     " ON v.id = x.visit ORDER BY x.id",
     "reading findings", live_finding,
     N_("finding at %s (number %s, %d): differs from the audit log (audit "
        "record %" PRId64 ")"),
     N_("finding at %s (number %s, %d): not in the audit log (added outside "
        "kaohe)"),
     N_("finding at %s (number %s, %d): missing (deleted outside kaohe; "
        "audit record %" PRId64 ")"),
     NULL, false},
    {'p',
     "SELECT year, unit, CAST(id AS TEXT), CAST(id AS TEXT), title || ': '"
     " || text FROM practice ORDER BY id",
     "reading good practices", NULL,
     N_("good practice of %s (number %s, %d): differs from the audit log "
        "(audit record %" PRId64 ")"),
     N_("good practice of %s (number %s, %d): not in the audit log (added "
        "outside kaohe)"),
     N_("good practice of %s (number %s, %d): missing (deleted outside "
        "kaohe; audit record %" PRId64 ")"),
     NULL, false},
    {'c',
     "SELECT year, unit, CAST('' AS TEXT), CAST('' AS TEXT), state, report, CAST(returns AS TEXT),"
     " reason FROM selfcheck ORDER BY year, unit",
     "reading self-check submissions", live_selfcheck,
     N_("self-check submission of %s%s (%d): differs from the audit log "
        "(audit record %" PRId64 ")"),
     N_("self-check submission of %s%s (%d): not in the audit log (added "
        "outside kaohe)"),
     N_("self-check submission of %s%s (%d): missing (deleted outside "
        "kaohe; audit record %" PRId64 ")"),
     NULL, false},
    {'j',
     "SELECT year, unit, item || ' ' || input, item, decision, round,"
     " responses, figure, suggested, value, reason FROM judgement_source"
     " ORDER BY year, unit, item, input",
     "reading questionnaire decisions", live_source,
     N_("questionnaire decision for %s, item %s (%d): differs from the "
        "audit log (audit record %" PRId64 ")"),
     N_("questionnaire decision for %s, item %s (%d): not in the audit log "
        "(added outside kaohe)"),
     N_("questionnaire decision for %s, item %s (%d): missing (deleted "
        "outside kaohe; audit record %" PRId64 ")"),
     NULL, false},
    {'q',
     "SELECT r.year, c.unit, CAST(c.round AS TEXT), CAST(c.round AS TEXT),"
     " CAST(count(*) AS TEXT) FROM q_code c JOIN q_round r ON r.id ="
     " c.round GROUP BY r.year, c.unit, c.round ORDER BY c.round, c.unit",
     "reading questionnaire codes", NULL,
     N_("questionnaire codes of %s in round %s (%d): their number differs "
        "from the audit log (audit record %" PRId64 ")"),
     N_("questionnaire codes of %s in round %s (%d): not in the audit log "
        "(added outside kaohe)"),
     N_("questionnaire codes of %s in round %s (%d): missing (deleted "
        "outside kaohe; audit record %" PRId64 ")"),
     NULL, false},
    {'e',
     "SELECT c.year, c.unit, CAST(c.id AS TEXT) || ' ' || f.sha256,"
     " CAST(c.id AS TEXT), f.name FROM claim_evidence f JOIN claim c ON"
     " c.id = f.claim ORDER BY c.id, f.pos",
     "reading claim files", NULL,
     N_("file of bonus claim of %s (number %s, %d): differs from the audit "
        "log (audit record %" PRId64 ")"),
     N_("file of bonus claim of %s (number %s, %d): not in the audit log "
        "(added outside kaohe)"),
     N_("file of bonus claim of %s (number %s, %d): missing (deleted "
        "outside kaohe; audit record %" PRId64 ")"),
     NULL, false},
};
#define NTABLES (sizeof TABLES / sizeof TABLES[0])

typedef struct rows_walk {
    rp_count *c;
    const rp_table *t;
    kh_buf live;
} rows_walk;

static void report(rp *r, const rp_table *t, const char *fmt, int year,
                   const char *unit, const char *label, int64_t seq)
{
    char uname[300];
    kh_replay_unit_name(r, year, unit, uname, sizeof uname);
    if (t->label_first)
        kh_err_fail(r->e, KH_EINVAL, fmt, label, uname, year, seq);
    else
        kh_err_fail(r->e, KH_EINVAL, fmt, uname, label, year, seq);
}

/* One live row of table w->t against its object. */
static kh_status row_generic(rp *r, kh_db_stmt *st, void *ctx)
{
    rows_walk *w = ctx;
    int y = kh_db_column_int(st, 0);
    const char *u = kh_store_col_str(st, 1);
    char key[600];
    snprintf(key, sizeof key, "%s/%s%s", u ? u : "",
             w->t->prefix ? w->t->prefix : "", kh_store_col_str(st, 2));
    rp_obj *o = kh_replay_obj(r, w->t->kind, y, key);
    if (!o)
        return kh_err_fail(r->e, KH_ENOMEM, "out of memory");
    o->flags |= RP_SEEN;
    w->c->rows++;
    if (!o->val) {
        report(r, w->t, w->t->added, y, u, kh_store_col_str(st, 3), 0);
        w->c->bad++;
        return KH_OK;
    }
    kh_buf_reset(&w->live);
    kh_status rc = (w->t->live ? w->t->live : live_join)(r, st, o, &w->live);
    if (rc == KH_OK && kh_buf_status(&w->live) != KH_OK)
        rc = kh_err_fail(r->e, KH_ENOMEM, "out of memory");
    if (rc != KH_OK)
        return rc;
    if (strcmp(o->val, kh_buf_str(&w->live)) != 0) {
        report(r, w->t, w->t->differs, y, u, kh_store_col_str(st, 3), o->seq);
        w->c->bad++;
    }
    return KH_OK;
}

kh_status kh_replay_rows_check(rp *r, rp_count *c)
{
    rows_walk w = {.c = c};
    kh_buf_init(&w.live, 0);
    kh_status rc = KH_OK;
    for (size_t i = 0; i < NTABLES && rc == KH_OK; i++) {
        w.t = &TABLES[i];
        rc = kh_replay_each_row(r, w.t->sql, w.t->what, row_generic, &w);
    }
    kh_buf_free(&w.live);
    return rc;
}

bool kh_replay_rows_gone(rp *r, rp_count *c, const rp_obj *o)
{
    const rp_table *t = NULL;
    for (size_t i = 0; i < NTABLES && !t; i++)
        if (TABLES[i].kind == o->key[0])
            t = &TABLES[i];
    if (!t)
        return false;
    const char *yr = o->key + 2, *name = strchr(yr, '\t') + 1;
    char unit[300], label[300];
    snprintf(unit, sizeof unit, "%.*s", (int)strcspn(name, "/"), name);
    const char *rest = name + strlen(unit);
    size_t pl = t->prefix ? strlen(t->prefix) : 0;
    snprintf(label, sizeof label, "%s",
             *rest && strlen(rest + 1) >= pl ? rest + 1 + pl : "");
    label[strcspn(label, " ")] = '\0';   /* the claim or item, as rows */
    report(r, t, t->missing, atoi(yr), unit, label, o->seq);
    c->bad++;
    return true;
}
