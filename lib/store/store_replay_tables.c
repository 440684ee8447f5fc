/*
 * store_replay_tables.c - the audit replay of the tables beside the
 * entries (store_replay.c owns years, units, entries and record lists):
 * rosters, branch names, users and their assignments, entries' evidence
 * links, negative records' cases, follow-up (talks, rectification items,
 * reports and their decisions), bonus claims and their decisions, the
 * year's dates and its document settings, questionnaire rounds (not
 * their anonymous answers, only how many), users' password digests.
 * Each record below gives the state of its object; `kaohe check`
 * compares it with the live row: here, or for claims and follow-up in
 * the table-driven comparer of store_replay_rows.c.
 *
 * Objects (the first character of the key; year 0 = not a year's):
 *   R YEAR UNIT/ROSTER   a unit's roster, "VALUE\tPERSON\n" per person in
 *                        order, or "#TAG" (roster_tag of that text)
 *   Q YEAR ROSTER        "tags" or "file": how its last import proves it
 *   J YEAR               "lists": the last draft import recorded the
 *                        units' rosters and branch names (import.unit)
 *   G YEAR #ID           a branch's stored name
 *   P 0 LOGIN            "role=R[ unit=U| provider=P]" (user.add)
 *   X 0 LOGIN            "enabled" / "disabled"
 *   M 0 LOGIN            display name ("" = none)
 *   w 0 LOGIN            password digest (" pwdigest=HEX" of user.add or
 *                        user.passwd; "?" when the record has none)
 *   W 0 LOGIN/YEAR/UNIT  "assigned" (an inspector's unit)
 *   C YEAR UNIT/claim#ID a bonus claim, "ADD\tDESCRIPTION\tDECISION\tREASON"
 *   L YEAR UNIT/ITEM/PHASE/HASH  an entry's evidence, the name shown
 *   K YEAR UNIT/talk ID  a reminder talk, as followup.talk records it
 *   F YEAR UNIT/item ID  a rectification item, "deadline D: TEXT\tSTATUS"
 *   O YEAR UNIT/report ID  a rectification report, "NEW\tSTATUS"
 *                        (C, F, O: free text escaped, kh_replay_tab_escape)
 *   V YEAR UNIT/negative#ID  a negative record's case, "case=C[ evidence=H]"
 *   Z YEAR "round ID"    a questionnaire round, "AUDIENCE UNITS open|closed"
 *   H YEAR "round ID"    how many answers it has (they are anonymous)
 *   A YEAR               the year's dates, as year.dates records them
 *   S YEAR NAME          one document setting
 */
#include "store_replay.h"

#include "kaohe/store_schedule.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a roster's tag ------------------------------------------------- */

/* The first RP_ROSTER_TAG_HEX hex digits of SHA-256 of a unit's roster
 * text: 128 bits, so the tag alone proves the roster. */
#define RP_ROSTER_TAG_HEX 32
static void roster_tag(const char *list, char tag[RP_ROSTER_TAG_HEX + 1])
{
    char hex[KH_STORE_HEX_SZ];
    kh_store_sha256_hex(list, strlen(list), hex);
    memcpy(tag, hex, RP_ROSTER_TAG_HEX);
    tag[RP_ROSTER_TAG_HEX] = '\0';
}

/* Appends "\nUNIT TAG" for each unit of the stored roster (unit order). */
kh_status kh_store_roster_tags(kh_store *s, int year, const char *roster,
                               kh_buf *out, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s,
                                 "SELECT unit, person, value FROM roster"
                                 " WHERE year = ? AND roster = ?"
                                 " ORDER BY unit, pos",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    kh_store_bind_str(st, 2, roster);
    kh_buf list, unit;
    kh_buf_init(&list, 0);
    kh_buf_init(&unit, 0);
    char tag[RP_ROSTER_TAG_HEX + 1];
    int step;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        const char *u = kh_store_col_str(st, 0);
        if (unit.len && strcmp(kh_buf_str(&unit), u) != 0) {
            roster_tag(kh_buf_str(&list), tag);
            kh_buf_printf(out, "\n%s %s", kh_buf_str(&unit), tag);
            kh_buf_reset(&list);
        }
        kh_buf_reset(&unit);
        kh_buf_puts(&unit, u);
        char num[KH_NUM_BUFSZ];
        kh_num_format(kh_db_column_int64(st, 2), num);
        kh_buf_printf(&list, "%s\t%s\n", num, kh_store_col_str(st, 1));
    }
    kh_db_reset(st);
    if (unit.len) {
        roster_tag(kh_buf_str(&list), tag);
        kh_buf_printf(out, "\n%s %s", kh_buf_str(&unit), tag);
    }
    if (step != KH_DB_DONE)
        rc = kh_store_db_fail(s, e, "reading a roster");
    else if (kh_buf_status(&list) != KH_OK || kh_buf_status(&unit) != KH_OK ||
             kh_buf_status(out) != KH_OK)
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
    kh_buf_free(&list);
    kh_buf_free(&unit);
    return rc;
}

/* ---- the records of a draft import ----------------------------------- */

/* The unit's rosters: "\nroster\tNAME\tTAG" each, counted in *n. */
static kh_status unit_rosters(kh_store *s, int year, const char *unit,
                              kh_buf *out, int *n, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s,
                                 "SELECT roster, person, value FROM roster"
                                 " WHERE year = ? AND unit = ?"
                                 " ORDER BY roster, pos",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    kh_store_bind_str(st, 2, unit);
    kh_buf list, name;
    kh_buf_init(&list, 0);
    kh_buf_init(&name, 0);
    char tag[RP_ROSTER_TAG_HEX + 1];
    int step;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        const char *ro = kh_store_col_str(st, 0);
        if (name.len && strcmp(kh_buf_str(&name), ro) != 0) {
            roster_tag(kh_buf_str(&list), tag);
            kh_buf_printf(out, "\nroster\t%s\t%s", kh_buf_str(&name), tag);
            kh_buf_reset(&list);
            ++*n;
        }
        kh_buf_reset(&name);
        kh_buf_puts(&name, ro);
        char num[KH_NUM_BUFSZ];
        kh_num_format(kh_db_column_int64(st, 2), num);
        kh_buf_printf(&list, "%s\t%s\n", num, kh_store_col_str(st, 1));
    }
    kh_db_reset(st);
    if (name.len) {
        roster_tag(kh_buf_str(&list), tag);
        kh_buf_printf(out, "\nroster\t%s\t%s", kh_buf_str(&name), tag);
        ++*n;
    }
    if (step != KH_DB_DONE)
        rc = kh_store_db_fail(s, e, "reading a roster");
    else if (kh_buf_status(&list) != KH_OK || kh_buf_status(&name) != KH_OK)
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
    kh_buf_free(&list);
    kh_buf_free(&name);
    return rc;
}

kh_status kh_replay_unit_lines(kh_store *s, int year, const char *unit,
                               kh_buf *out, kh_err *e)
{
    kh_buf ro;
    kh_buf_init(&ro, 0);
    kh_buf_puts(&ro, "");
    int n = 0;
    kh_status rc = unit_rosters(s, year, unit, &ro, &n, e);
    kh_buf_printf(out, "\nrosters %d%s", n, kh_buf_str(&ro));
    kh_buf_free(&ro);
    kh_db_stmt *st;
    if (rc != KH_OK ||
        (rc = kh_store_stmt(s,
                            "SELECT b.id, b.name FROM unit u JOIN branch b"
                            " ON b.year = u.year AND b.id = u.branch"
                            " WHERE u.year = ? AND u.id = ?",
                            &st, e)) != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    kh_store_bind_str(st, 2, unit);
    int step = kh_db_step(st);
    if (step == KH_DB_ROW)
        kh_buf_printf(out, "\nbranch\t%s\t%s", kh_store_col_str(st, 0),
                      kh_store_col_str(st, 1));
    kh_db_reset(st);
    if (step != KH_DB_ROW && step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading the branches");
    return kh_buf_status(out) == KH_OK
               ? KH_OK
               : kh_err_fail(e, KH_ENOMEM, "out of memory");
}

/* ---- replaying the records ------------------------------------------- */

/* Marks absent every R object of the roster in the year (a roster
 * import replaces the whole roster). */
static void roster_drop(rp *r, int year, const char *roster, int64_t seq)
{
    char pre[32];
    int n = snprintf(pre, sizeof pre, "R\t%d\t", year);
    size_t rl = strlen(roster);
    for (size_t i = 0; i < r->m.cap; i++) {
        rp_obj *o = &r->m.v[i];
        if (!o->key || strncmp(o->key, pre, (size_t)n) != 0)
            continue;
        size_t kl = strlen(o->key);
        if (kl < rl + 1 || o->key[kl - rl - 1] != '/' ||
            strcmp(o->key + kl - rl, roster) != 0)
            continue;
        free(o->val);
        o->val = NULL;
        o->seq = seq;
    }
}

/* Marks absent the year's branch names (branches.set replaces them). */
static void branches_drop(rp *r, int year, int64_t seq)
{
    char pre[32];
    int n = snprintf(pre, sizeof pre, "G\t%d\t", year);
    for (size_t i = 0; i < r->m.cap; i++) {
        rp_obj *o = &r->m.v[i];
        if (o->key && strncmp(o->key, pre, (size_t)n) == 0) {
            free(o->val);
            o->val = NULL;
            o->seq = seq;
        }
    }
}

/* A branch name: object G YEAR "#ID" ('#': no unit removal drops it). */
static void branch_put(rp *r, int year, const char *id, const char *name,
                       int64_t seq)
{
    char key[300];
    snprintf(key, sizeof key, "#%s", id);
    kh_replay_put(r, 'G', year, key, name, seq);
}

/* branches.set: the year's names, "ID\tNAME\n" by id (NULL: none). */
static void on_branches(rp *r, const kh_audit_row *w)
{
    branches_drop(r, w->rec.year, w->seq);
    char *c = strdup(w->rec.new_value ? w->rec.new_value : "");
    if (!c) {
        r->nomem = true;
        return;
    }
    char *save = NULL;
    for (char *l = strtok_r(c, "\n", &save); l;
         l = strtok_r(NULL, "\n", &save)) {
        char *tab = strchr(l, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        branch_put(r, w->rec.year, l, tab + 1, w->seq);
    }
    free(c);
}

bool kh_replay_unit_line(rp *r, const kh_audit_row *w, char *l)
{
    int y = w->rec.year;
    const char *unit = w->rec.unit ? w->rec.unit : "";
    if (strncmp(l, "rosters ", 8) == 0) {
        kh_replay_put(r, 'J', y, NULL, "lists", w->seq);
        return true;
    }
    char *t1 = strchr(l, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
    if (!t2 || (strncmp(l, "roster\t", 7) != 0 &&
                strncmp(l, "branch\t", 7) != 0))
        return false;
    *t2 = '\0';
    if (l[0] == 'b') {
        branch_put(r, y, t1 + 1, t2 + 1, w->seq);
    } else {
        char name[400], tag[RP_ROSTER_TAG_HEX + 2];
        snprintf(name, sizeof name, "%s/%s", unit, t1 + 1);
        snprintf(tag, sizeof tag, "#%s", t2 + 1);
        kh_replay_put(r, 'R', y, name, tag, w->seq);
    }
    return true;
}

/* "UNIT TAG" lines (after skip lines): R(UNIT/ROSTER) = "#TAG".  Returns
 * how many were read. */
static int roster_tags_put(rp *r, int year, const char *roster,
                           const char *v, int skip, int64_t seq)
{
    char *c = strdup(v ? v : "");
    if (!c) {
        r->nomem = true;
        return 0;
    }
    int n = 0, i = 0;
    char *save = NULL;
    for (char *l = strtok_r(c, "\n", &save); l;
         l = strtok_r(NULL, "\n", &save), i++) {
        char *sp = strchr(l, ' ');
        if (i < skip || !sp)
            continue;
        *sp = '\0';
        char name[400], tag[RP_ROSTER_TAG_HEX + 2];
        snprintf(name, sizeof name, "%s/%s", l, roster);
        snprintf(tag, sizeof tag, "#%s", sp + 1);
        kh_replay_put(r, 'R', year, name, tag, seq);
        n++;
    }
    free(c);
    return n;
}

/* roster.import: "sha256:.. units=N people=M" then, since the replay
 * covers rosters, one "UNIT TAG" line per unit.  Older records (no
 * lines) prove the roster by their file only. */
static void on_roster_import(rp *r, const kh_audit_row *w)
{
    int y = w->rec.year;
    const char *roster = w->rec.object ? w->rec.object : "";
    roster_drop(r, y, roster, w->seq);
    int n = roster_tags_put(r, y, roster, w->rec.new_value, 1, w->seq);
    bool tagged = n > 0 ||
                  strstr(w->rec.new_value ? w->rec.new_value : "",
                         " units=0 ") != NULL;
    kh_replay_put(r, 'Q', y, roster, tagged ? "tags" : "file", w->seq);
}

/* The password digest a user.add or user.passwd value ends with
 * (" pwdigest=HEX"), "?" when it has none (records before it: the hash
 * is then not proved), and that value without it into role. */
static const char *pw_split(const char *v, char *role, size_t sz)
{
    const char *d = v ? strstr(v, " pwdigest=") : NULL;
    snprintf(role, sz, "%.*s", (int)(d ? d - v : (ptrdiff_t)strlen(v ? v : "")),
             v ? v : "");
    return d ? d + 10 : "?";
}

static void on_user(rp *r, const kh_audit_row *w)
{
    const char *a = w->rec.action + 5, *who = w->rec.object;
    char role[300];
    if (strcmp(a, "add") == 0) {
        const char *pw = pw_split(w->rec.new_value, role, sizeof role);
        kh_replay_put(r, 'P', 0, who, role, w->seq);
        kh_replay_put(r, 'X', 0, who, "enabled", w->seq);
        kh_replay_put(r, 'M', 0, who, "", w->seq);
        kh_replay_put(r, 'w', 0, who, pw, w->seq);
    } else if (strcmp(a, "passwd") == 0) {
        kh_replay_put(r, 'w', 0, who,
                      pw_split(w->rec.new_value, role, sizeof role), w->seq);
    } else if (strcmp(a, "disable") == 0 || strcmp(a, "enable") == 0) {
        kh_replay_put(r, 'X', 0, who, w->rec.new_value, w->seq);
    } else if (strcmp(a, "name") == 0) {
        kh_replay_put(r, 'M', 0, who, w->rec.new_value, w->seq);
    } else if (strcmp(a, "assign") == 0 || strcmp(a, "unassign") == 0) {
        char name[400];
        snprintf(name, sizeof name, "%s/%d/%s", who, w->rec.year,
                 w->rec.unit ? w->rec.unit : "");
        kh_replay_put(r, 'W', 0, name, a[0] == 'a' ? "assigned" : NULL,
                      w->seq);
    }
}

/* claim.add: "kind=K[ evidence=HASH16]" and the description (its
 * reason); claim.approve/reject: the decision and its reason.  The
 * state: "ADD\tDESCRIPTION\tDECISION\tREASON" (claim_state). */
static void on_claim(rp *r, const kh_audit_row *w)
{
    const char *ob = w->rec.object ? w->rec.object : "";
    char name[400];
    snprintf(name, sizeof name, "%s/%s", w->rec.unit ? w->rec.unit : "", ob);
    rp_obj *o = kh_replay_obj(r, 'C', w->rec.year, name);
    if (!o)
        return;
    const char *nv = w->rec.new_value ? w->rec.new_value : "",
               *why = w->rec.reason ? w->rec.reason : "";
    char *v = NULL;
    int n;
    /* The description and the reason are free text: escaped, so that a
     * decision finds the second tab (kh_replay_tab_escape). */
    kh_buf x;
    kh_buf_init(&x, 0);
    kh_replay_tab_escape(&x, why);
    if (kh_buf_status(&x) != KH_OK) {
        n = -1;
    } else if (strcmp(w->rec.action, "claim.add") == 0) {
        n = asprintf(&v, "%s\t%s\tpending\t", nv, kh_buf_str(&x));
    } else {
        const char *p = o->val ? o->val : "";
        const char *t = strchr(p, '\t');
        t = t ? strchr(t + 1, '\t') : NULL;
        n = asprintf(&v, "%.*s\t%s\t%s", (int)(t ? t - p : (ptrdiff_t)strlen(p)),
                     p, nv, kh_buf_str(&x));
    }
    kh_buf_free(&x);
    if (n < 0) {
        r->nomem = true;
        return;
    }
    free(o->val);
    o->val = v;
    o->seq = w->seq;
}

/* evidence.attach: new "HASH NAME"; evidence.detach: old "HASH NAME".
 * Object L YEAR UNIT/ITEM/PHASE/HASH = the name it is shown by. */
static void on_link(rp *r, const kh_audit_row *w, bool attach)
{
    const char *v = attach ? w->rec.new_value : w->rec.old_value;
    const char *sp = v ? strchr(v, ' ') : NULL;
    if (!sp)
        return;
    char name[400];
    snprintf(name, sizeof name, "%s/%.*s", w->rec.object ? w->rec.object : "",
             (int)(sp - v), v);
    kh_replay_put(r, 'L', w->rec.year, name, attach ? sp + 1 : NULL, w->seq);
}

/* Sets the tail (after the first tab) of object o's state to tail,
 * escaped (kh_replay_tab_escape: a reason may hold tabs). */
static void set_tail(rp *r, rp_obj *o, const char *tail, int64_t seq)
{
    const char *p = o->val ? o->val : "", *t = strchr(p, '\t');
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_buf_printf(&b, "%.*s\t", (int)(t ? t - p : (ptrdiff_t)strlen(p)), p);
    kh_replay_tab_escape(&b, tail);
    if (kh_buf_status(&b) != KH_OK || !kh_replay_set(&o->val, kh_buf_str(&b)))
        r->nomem = true;
    else
        o->seq = seq;
    kh_buf_free(&b);
}

/* The follow-up object of a record: K talk, F item, O report; name
 * "UNIT/OBJECT" ("talk 3", "item 5", "report 2"). */
static rp_obj *fu_obj(rp *r, char kind, int year, const char *unit,
                      const char *object)
{
    char name[400];
    snprintf(name, sizeof name, "%s/%s", unit ? unit : "",
             object ? object : "");
    return kh_replay_obj(r, kind, year, name);
}

/* An accepted report closes its item (today, with its evidence): the
 * item is proved done with that evidence; the date is not recorded. */
static void on_accept(rp *r, const kh_audit_row *w, const rp_obj *rep)
{
    long long item = 0;
    const char *v = rep && rep->val ? rep->val : "";
    if (sscanf(v, "item %lld", &item) != 1)
        return;
    char obj[48], tail[200];
    snprintf(obj, sizeof obj, "item %lld", item);
    const char *ev = strstr(v, ", evidence "), *end = strchr(v, ':');
    int n = ev && (!end || ev < end) ? (int)strcspn(ev + 11, ":\t") : 0;
    snprintf(tail, sizeof tail, "done *%s%.*s", n ? ", evidence " : "", n,
             n ? ev + 11 : "");
    rp_obj *o = fu_obj(r, 'F', w->rec.year, w->rec.unit, obj);
    if (o)
        set_tail(r, o, tail, w->seq);
}

static void on_followup(rp *r, const kh_audit_row *w)
{
    const char *a = w->rec.action + 9, *nv = w->rec.new_value;
    char kind = strcmp(a, "talk") == 0 ? 'K'
                : strcmp(a, "item") == 0 || strcmp(a, "close") == 0 ? 'F'
                                                                   : 'O';
    rp_obj *o = fu_obj(r, kind, w->rec.year, w->rec.unit, w->rec.object);
    if (!o)
        return;
    if (strcmp(a, "talk") == 0) {
        if (!kh_replay_set(&o->val, nv))
            r->nomem = true;
        o->seq = w->seq;
    } else if (strcmp(a, "item") == 0 && nv &&
               strncmp(nv, "open, ", 6) == 0) {
        if (!kh_replay_set_escaped(&o->val, nv + 6))
            r->nomem = true;
        set_tail(r, o, "open", w->seq);
    } else if (strcmp(a, "close") == 0) {
        set_tail(r, o, nv ? nv : "", w->seq);
    } else if (strcmp(a, "report") == 0) {
        if (!kh_replay_set_escaped(&o->val, nv))
            r->nomem = true;
        set_tail(r, o, "submitted", w->seq);
    } else if (strcmp(a, "accept") == 0 || strcmp(a, "return") == 0) {
        set_tail(r, o, nv ? nv : "", w->seq);
        if (a[0] == 'a')
            on_accept(r, w, o);
    }
}

/* survey.round.open "QUESTIONNAIRE AUDIENCE (N units)": Z YEAR "round
 * ID" = "AUDIENCE N open"; survey.round.close: "... closed";
 * survey.response (one) and survey.paper ("N paper responses ..."):
 * H YEAR "round ID" = how many answers.  Answers are anonymous: the
 * log proves how many each round has, not what they say. */
static void on_survey(rp *r, const kh_audit_row *w)
{
    const char *a = w->rec.action + 7, *nv = w->rec.new_value;
    int y = w->rec.year;
    const char *ob = w->rec.object ? w->rec.object : "";
    if (strcmp(a, "round.open") == 0 && nv) {
        /* "QUESTIONNAIRE AUDIENCE (N units)": the questionnaire's id is
         * a slug, the audience free text (spaces and brackets too). */
        const char *par = strrchr(nv, '(');
        long long n = par ? atoll(par + 1) : 0;
        const char *end = par && par > nv ? par - 1 : nv + strlen(nv);
        const char *sp = strchr(nv, ' ');
        sp = sp && sp < end ? sp + 1 : end;
        char v[300];
        snprintf(v, sizeof v, "%.*s %lld open", (int)(end - sp), sp, n);
        kh_replay_put(r, 'Z', y, ob, v, w->seq);
        kh_replay_put(r, 'H', y, ob, "0", w->seq);
    } else if (strcmp(a, "round.close") == 0) {
        rp_obj *o = kh_replay_obj(r, 'Z', y, ob);
        const char *p = o && o->val ? o->val : "";
        const char *last = strrchr(p, ' ');
        char v[300];
        snprintf(v, sizeof v, "%.*s closed",
                 (int)(last ? last - p : (ptrdiff_t)strlen(p)), p);
        kh_replay_put(r, 'Z', y, ob, v, w->seq);
    } else if (strcmp(a, "response") == 0 || strcmp(a, "paper") == 0) {
        rp_obj *o = kh_replay_obj(r, 'H', y, ob);
        long long n = (o && o->val ? atoll(o->val) : 0) +
                      (a[0] == 'r' ? 1 : (nv ? atoll(nv) : 0));
        char v[32];
        snprintf(v, sizeof v, "%lld", n);
        kh_replay_put(r, 'H', y, ob, v, w->seq);
    }
}

bool kh_replay_tables_record(rp *r, const kh_audit_row *w)
{
    const char *a = w->rec.action;
    int y = w->rec.year;
    if (strcmp(a, "roster.import") == 0) {
        on_roster_import(r, w);
    } else if (strcmp(a, "roster.set") == 0) {
        kh_replay_put(r, 'R', y, w->rec.object,
                      w->rec.new_value ? w->rec.new_value : "", w->seq);
    } else if (strcmp(a, "branches.set") == 0) {
        on_branches(r, w);
    } else if (strncmp(a, "user.", 5) == 0) {
        on_user(r, w);
    } else if (strcmp(a, "evidence.attach") == 0 ||
               strcmp(a, "evidence.detach") == 0) {
        on_link(r, w, a[9] == 'a');
    } else if (strcmp(a, "followup.talk") == 0 ||
               strcmp(a, "followup.item") == 0 ||
               strcmp(a, "followup.close") == 0 ||
               strcmp(a, "followup.report") == 0 ||
               strcmp(a, "followup.accept") == 0 ||
               strcmp(a, "followup.return") == 0) {
        on_followup(r, w);
    } else if (strncmp(a, "survey.", 7) == 0 && strcmp(a, "survey.codes")) {
        on_survey(r, w);
    } else if (strcmp(a, "negative.case") == 0) {
        char name[400];
        snprintf(name, sizeof name, "%s/%s", w->rec.unit ? w->rec.unit : "",
                 w->rec.object ? w->rec.object : "");
        kh_replay_put(r, 'V', y, name, w->rec.new_value, w->seq);
    } else if (strncmp(a, "claim.", 6) == 0 && strcmp(a, "claim.file")) {
        on_claim(r, w);
    } else if (strcmp(a, "year.dates") == 0) {
        kh_replay_put(r, 'A', y, NULL, w->rec.new_value, w->seq);
    } else if (strcmp(a, "year.set") == 0) {
        const char *o = w->rec.object ? w->rec.object : "";
        const char *sl = strchr(o, '/');
        kh_replay_put(r, 'S', y, sl ? sl + 1 : o, w->rec.new_value, w->seq);
    } else {
        return false;
    }
    return true;
}

/* ---- comparing with the live tables ---------------------------------- */

void kh_replay_unit_name(rp *r, int year, const char *id, char *out,
                         size_t sz)
{
    kh_db_stmt *st;
    snprintf(out, sz, "%s", id);
    if (kh_store_stmt(r->s, "SELECT name FROM unit WHERE year = ? AND id = ?",
                      &st, r->e) != KH_OK)
        return;
    kh_db_bind_int(st, 1, year);
    kh_store_bind_str(st, 2, id);
    if (kh_db_step(st) == KH_DB_ROW)
        snprintf(out, sz, "%s", kh_store_col_str(st, 0));
    kh_db_reset(st);
}

/* The object of key kind/year/name marked seen; NULL: no memory. */
static rp_obj *seen(rp *r, char kind, int year, const char *name)
{
    rp_obj *o = kh_replay_obj(r, kind, year, name);
    if (o)
        o->flags |= RP_SEEN;
    return o;
}

/* How a live roster or branch list without a record is judged: false
 * when the year's import predates the records that prove it. */
static bool lists_proved(rp *r, int year)
{
    rp_obj *j = kh_replay_obj(r, 'J', year, NULL);
    return (j && j->val) || kh_replay_year_proof(r, year) == BY_NONE;
}

typedef struct roster_group {
    int year;
    char unit[200], roster[200];
    kh_buf list;
    bool open;
} roster_group;

static void roster_judge(rp *r, rp_count *c, roster_group *g)
{
    char name[400], uname[300], tag[RP_ROSTER_TAG_HEX + 2];
    snprintf(name, sizeof name, "%s/%s", g->unit, g->roster);
    rp_obj *o = seen(r, 'R', g->year, name);
    if (!o)
        return;
    const char *live = kh_buf_str(&g->list);
    if (o->val && o->val[0] == '#') {
        roster_tag(live, tag + 1);
        tag[0] = '#';
        live = tag;
    }
    if (o->val && strcmp(o->val, live) == 0)
        return;
    rp_obj *q = kh_replay_obj(r, 'Q', g->year, g->roster);
    if (!o->val && ((q && q->val && strcmp(q->val, "file") == 0) ||
                    (!(q && q->val) && !lists_proved(r, g->year)))) {
        c->unproved++;
        return;
    }
    kh_replay_unit_name(r, g->year, g->unit, uname, sizeof uname);
    if (o->val)
        kh_err_fail(r->e, KH_EINVAL,
                    "roster %s of %s (%d): differs from the audit log "
                    "(audit record %" PRId64 ")",
                    g->roster, uname, g->year, o->seq);
    else
        kh_err_fail(r->e, KH_EINVAL,
                    "roster %s of %s (%d): not in the audit log (added "
                    "outside kaohe)",
                    g->roster, uname, g->year);
    c->bad++;
}

typedef struct roster_walk {
    rp_count *c;
    roster_group g;
} roster_walk;

/* One roster row: year, unit, roster, person, value (grouped). */
static kh_status row_roster(rp *r, kh_db_stmt *st, void *ctx)
{
    roster_walk *w = ctx;
    roster_group *g = &w->g;
    int y = kh_db_column_int(st, 0);
    const char *u = kh_store_col_str(st, 1), *ro = kh_store_col_str(st, 2);
    if (!g->open || g->year != y || strcmp(g->unit, u) != 0 ||
        strcmp(g->roster, ro) != 0) {
        if (g->open)
            roster_judge(r, w->c, g);
        g->open = true;
        g->year = y;
        snprintf(g->unit, sizeof g->unit, "%s", u);
        snprintf(g->roster, sizeof g->roster, "%s", ro);
        kh_buf_reset(&g->list);
        kh_buf_puts(&g->list, "");
        w->c->rows++;
    }
    char num[KH_NUM_BUFSZ];
    kh_num_format(kh_db_column_int64(st, 4), num);
    kh_buf_printf(&g->list, "%s\t%s\n", num, kh_store_col_str(st, 3));
    return kh_buf_status(&g->list) == KH_OK
               ? KH_OK
               : kh_err_fail(r->e, KH_ENOMEM, "out of memory");
}

static kh_status rosters_check(rp *r, rp_count *c)
{
    roster_walk w = {.c = c};
    kh_buf_init(&w.g.list, 0);
    kh_status rc = kh_replay_each_row(
        r,
        "SELECT year, unit, roster, person, value FROM roster"
        " ORDER BY year, unit, roster, pos",
        "reading rosters", row_roster, &w);
    if (rc == KH_OK && w.g.open)
        roster_judge(r, c, &w.g);
    kh_buf_free(&w.g.list);
    return rc;
}

/* One branch row: year, id, name against G. */
static kh_status row_branch(rp *r, kh_db_stmt *st, void *ctx)
{
    rp_count *c = ctx;
    int y = kh_db_column_int(st, 0);
    const char *id = kh_store_col_str(st, 1), *name = kh_store_col_str(st, 2);
    char key[300];
    snprintf(key, sizeof key, "#%s", id);
    rp_obj *o = seen(r, 'G', y, key);
    c->rows++;
    if (!o)
        return kh_err_fail(r->e, KH_ENOMEM, "out of memory");
    if (o->val && strcmp(o->val, name) == 0)
        return KH_OK;
    if (!o->val && !lists_proved(r, y)) {
        c->unproved++;
        return KH_OK;
    }
    if (o->val)
        kh_err_fail(r->e, KH_EINVAL,
                    "branch %s (%d): name differs from the audit log (now "
                    "%s; audit record %" PRId64 ")",
                    o->val, y, name, o->seq);
    else
        kh_err_fail(r->e, KH_EINVAL,
                    "branch %s (%d): not in the audit log (added outside "
                    "kaohe)",
                    name, y);
    c->bad++;
    return KH_OK;
}

/* A user's role line as user.add records it. */
static void user_role(kh_db_stmt *st, char *out, size_t sz)
{
    const char *role = kh_store_col_str(st, 1), *unit = kh_store_col_str(st, 2),
               *prov = kh_store_col_str(st, 3);
    if (unit && *unit)
        snprintf(out, sz, "role=%s unit=%s", role, unit);
    else if (prov && *prov)
        snprintf(out, sz, "role=%s provider=%s", role, prov);
    else
        snprintf(out, sz, "role=%s", role);
}

/* A user as messages name them: the display name and the login. */
static void user_label(const char *login, const char *display, char *out,
                       size_t sz)
{
    if (display && *display)
        snprintf(out, sz, "%s (%s)", display, login);
    else
        snprintf(out, sz, "%s", login);
}

/* Does the stored hash (column 6) differ from the one the log's last
 * password record saw?  Not judged when that record carries no digest. */
static bool pw_changed(kh_db_stmt *st, const rp_obj *pw)
{
    if (!pw->val || strcmp(pw->val, "?") == 0)
        return false;
    const char *h = kh_store_col_str(st, 6);
    char hex[KH_STORE_HEX_SZ];
    kh_store_sha256_hex(h ? h : "", strlen(h ? h : ""), hex);
    return strncmp(hex, pw->val, KH_PW_DIGEST_HEX) != 0 ||
           strlen(pw->val) != KH_PW_DIGEST_HEX;
}

/* One user row: name, role, unit, provider, disabled, display_name,
 * pwhash. */
static kh_status row_user(rp *r, kh_db_stmt *st, void *ctx)
{
    rp_count *c = ctx;
    const char *login = kh_store_col_str(st, 0),
               *disp = kh_store_col_str(st, 5);
    char role[300], who[400];
    user_role(st, role, sizeof role);
    user_label(login, disp, who, sizeof who);
    c->rows++;
    rp_obj *p = seen(r, 'P', 0, login), *x = seen(r, 'X', 0, login),
           *m = seen(r, 'M', 0, login);
    if (!p || !x || !m)
        return kh_err_fail(r->e, KH_ENOMEM, "out of memory");
    if (!p->val) {
        kh_err_fail(r->e, KH_EINVAL, "user %s: not in the audit log (added "
                    "outside kaohe)", who);
        c->bad++;
        return KH_OK;
    }
    rp_obj *pw = seen(r, 'w', 0, login);
    if (!pw)
        return kh_err_fail(r->e, KH_ENOMEM, "out of memory");
    if (pw_changed(st, pw)) {
        kh_err_fail(r->e, KH_EINVAL, "user %s: password changed outside "
                    "kaohe (not by a password record; last one: audit "
                    "record %" PRId64 ")", who, pw->seq);
        c->bad++;
    }
    const char *dis = kh_db_column_int(st, 4) ? "disabled" : "enabled";
    if (strcmp(p->val, role) != 0)
        kh_err_fail(r->e, KH_EINVAL, "user %s: role or unit differs from the "
                    "audit log (audit record %" PRId64 ")", who, p->seq);
    if (x->val && strcmp(x->val, dis) != 0)
        kh_err_fail(r->e, KH_EINVAL, "user %s: enabled or disabled unlike "
                    "the audit log (audit record %" PRId64 ")", who, x->seq);
    if (strcmp(m->val ? m->val : "", disp ? disp : "") != 0)
        kh_err_fail(r->e, KH_EINVAL, "user %s: display name differs from "
                    "the audit log (audit record %" PRId64 ")", who, m->seq);
    c->bad += (strcmp(p->val, role) != 0) +
              (x->val && strcmp(x->val, dis) != 0) +
              (strcmp(m->val ? m->val : "", disp ? disp : "") != 0);
    return KH_OK;
}

/* One assignment row: user_name, year, unit. */
static kh_status row_assign(rp *r, kh_db_stmt *st, void *ctx)
{
    rp_count *c = ctx;
    int y = kh_db_column_int(st, 1);
    const char *login = kh_store_col_str(st, 0), *u = kh_store_col_str(st, 2);
    char name[400], uname[300];
    snprintf(name, sizeof name, "%s/%d/%s", login, y, u);
    rp_obj *o = seen(r, 'W', 0, name);
    c->rows++;
    if (!o || o->val)
        return o ? KH_OK : kh_err_fail(r->e, KH_ENOMEM, "out of memory");
    kh_replay_unit_name(r, y, u, uname, sizeof uname);
    kh_err_fail(r->e, KH_EINVAL, "assignment of %s to %s (%d): not in the "
                "audit log (added outside kaohe)", login, uname, y);
    c->bad++;
    return KH_OK;
}

/* An entry's evidence link: year, unit, item, phase, sha256, name. */
static kh_status row_link(rp *r, kh_db_stmt *st, void *ctx)
{
    rp_count *c = ctx;
    int y = kh_db_column_int(st, 0);
    const char *u = kh_store_col_str(st, 1), *item = kh_store_col_str(st, 2),
               *file = kh_store_col_str(st, 5);
    char name[600], uname[300];
    snprintf(name, sizeof name, "%s/%s/%s/%s", u, item,
             kh_store_col_str(st, 3), kh_store_col_str(st, 4));
    rp_obj *o = seen(r, 'L', y, name);
    c->rows++;
    if (!o)
        return kh_err_fail(r->e, KH_ENOMEM, "out of memory");
    if (o->val && strcmp(o->val, file) == 0)
        return KH_OK;
    kh_replay_unit_name(r, y, u, uname, sizeof uname);
    if (o->val)
        kh_err_fail(r->e, KH_EINVAL, "evidence %s of %s, item %s (%d): "
                    "differs from the audit log (audit record %" PRId64 ")",
                    file, uname, item, y, o->seq);
    else
        kh_err_fail(r->e, KH_EINVAL, "evidence %s of %s, item %s (%d): not "
                    "in the audit log (attached outside kaohe)",
                    file, uname, item, y);
    c->bad++;
    return KH_OK;
}

/* A negative record: year, unit, id, case_id, evidence; its case as
 * negative.case records it ("" when it has none).  A removed record's
 * case is not judged here: the unit's negative list names the removal. */
static kh_status row_negative(rp *r, kh_db_stmt *st, void *ctx)
{
    rp_count *c = ctx;
    int y = kh_db_column_int(st, 0);
    const char *u = kh_store_col_str(st, 1), *cs = kh_store_col_str(st, 3),
               *ev = kh_store_col_str(st, 4);
    int64_t id = kh_db_column_int64(st, 2);
    char live[300] = "", name[400], uname[300];
    if (cs)
        snprintf(live, sizeof live, "case=%s%s%s", cs, ev ? " evidence=" : "",
                 ev ? ev : "");
    snprintf(name, sizeof name, "%s/negative#%" PRId64, u, id);
    char key[450];
    snprintf(key, sizeof key, "V\t%d\t%s", y, name);
    const rp_obj *o = kh_replay_map_get(&r->m, key, false);
    if (strcmp(o && o->val ? o->val : "", live) == 0)
        return KH_OK;
    kh_replay_unit_name(r, y, u, uname, sizeof uname);
    if (o && o->val)
        kh_err_fail(r->e, KH_EINVAL, "negative-list case of record %" PRId64
                    " of %s (%d): differs from the audit log (audit record "
                    "%" PRId64 ")", id, uname, y, o->seq);
    else
        kh_err_fail(r->e, KH_EINVAL, "negative-list case of record %" PRId64
                    " of %s (%d): not in the audit log (set outside kaohe)",
                    id, uname, y);
    c->bad++;
    return KH_OK;
}

/* A round: year, id, audience, closed, units, answers. */
static kh_status row_round(rp *r, kh_db_stmt *st, void *ctx)
{
    rp_count *c = ctx;
    int y = kh_db_column_int(st, 0);
    int64_t id = kh_db_column_int64(st, 1);
    char name[48], live[300], n[32];
    snprintf(name, sizeof name, "round %" PRId64, id);
    snprintf(live, sizeof live, "%s %" PRId64 " %s", kh_store_col_str(st, 2),
             kh_db_column_int64(st, 4),
             kh_db_column_int(st, 3) ? "closed" : "open");
    snprintf(n, sizeof n, "%" PRId64, kh_db_column_int64(st, 5));
    rp_obj *o = seen(r, 'Z', y, name), *h = seen(r, 'H', y, name);
    c->rows++;
    if (!o || !h)
        return kh_err_fail(r->e, KH_ENOMEM, "out of memory");
    if (!o->val) {
        kh_err_fail(r->e, KH_EINVAL, "questionnaire round %" PRId64 " (%d): "
                    "not in the audit log (added outside kaohe)", id, y);
        c->bad++;
        return KH_OK;
    }
    if (strcmp(o->val, live) != 0) {
        kh_err_fail(r->e, KH_EINVAL, "questionnaire round %" PRId64 " (%d): "
                    "differs from the audit log (audit record %" PRId64 ")",
                    id, y, o->seq);
        c->bad++;
    }
    if (h->val && strcmp(h->val, n) != 0) {
        kh_err_fail(r->e, KH_EINVAL, "questionnaire round %" PRId64 " (%d): "
                    "%s answers, the audit log records %s (audit record "
                    "%" PRId64 ")", id, y, n, h->val, h->seq);
        c->bad++;
    }
    return KH_OK;
}

/* One year_dates row: year and the dates in kh_sched_date order. */
static kh_status row_dates(rp *r, kh_db_stmt *st, void *ctx)
{
    rp_count *c = ctx;
    int y = kh_db_column_int(st, 0);
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_buf_putc(&b, '{');
    for (int i = 0; i < KH_SCHED_DATES; i++)
        kh_buf_printf(&b, "%s\"%s\": \"%s\"", i ? ", " : "",
                      kh_sched_date_field((kh_sched_date)i),
                      kh_store_col_str(st, 1 + i));
    kh_buf_putc(&b, '}');
    rp_obj *o = seen(r, 'A', y, NULL);
    kh_status rc = kh_buf_status(&b) == KH_OK && o
                       ? KH_OK
                       : kh_err_fail(r->e, KH_ENOMEM, "out of memory");
    c->rows++;
    if (rc == KH_OK && !o->val) {
        kh_err_fail(r->e, KH_EINVAL, "dates of %d: not in the audit log "
                    "(set outside kaohe)", y);
        c->bad++;
    } else if (rc == KH_OK && strcmp(o->val, kh_buf_str(&b)) != 0) {
        kh_err_fail(r->e, KH_EINVAL, "dates of %d: differ from the audit log "
                    "(audit record %" PRId64 ")", y, o->seq);
        c->bad++;
    }
    kh_buf_free(&b);
    return rc;
}

/* One year_docset row: year, name, value. */
static kh_status row_docset(rp *r, kh_db_stmt *st, void *ctx)
{
    rp_count *c = ctx;
    int y = kh_db_column_int(st, 0);
    const char *name = kh_store_col_str(st, 1);
    rp_obj *o = seen(r, 'S', y, name);
    c->rows++;
    if (!o)
        return kh_err_fail(r->e, KH_ENOMEM, "out of memory");
    if (!o->val) {
        kh_err_fail(r->e, KH_EINVAL, "document setting %s of %d: not in the "
                    "audit log (set outside kaohe)", name, y);
        c->bad++;
    } else if (strcmp(o->val, kh_store_col_str(st, 2)) != 0) {
        kh_err_fail(r->e, KH_EINVAL, "document setting %s of %d: differs "
                    "from the audit log (audit record %" PRId64 ")",
                    name, y, o->seq);
        c->bad++;
    }
    return KH_OK;
}

/* An object of these tables the log has and no live row matched. */
static void gone(rp *r, rp_count *c, const rp_obj *o)
{
    const char *yr = o->key + 2, *name = strchr(yr, '\t') + 1;
    int y = atoi(yr);
    char buf[400], uname[300];
    switch (o->key[0]) {
    case 'R':
        if (!*o->val)
            return;   /* an empty roster has no rows */
        snprintf(buf, sizeof buf, "%s", name);
        char *sl = strchr(buf, '/');
        if (!sl)
            return;
        *sl = '\0';
        kh_replay_unit_name(r, y, buf, uname, sizeof uname);
        kh_err_fail(r->e, KH_EINVAL, "roster %s of %s (%d): missing "
                    "(deleted outside kaohe; audit record %" PRId64 ")",
                    sl + 1, uname, y, o->seq);
        break;
    case 'G':
        kh_err_fail(r->e, KH_EINVAL, "branch %s (%d): missing (deleted "
                    "outside kaohe; audit record %" PRId64 ")",
                    o->val, y, o->seq);
        break;
    case 'P':
        kh_err_fail(r->e, KH_EINVAL, "user %s: missing (deleted outside "
                    "kaohe; audit record %" PRId64 ")", name, o->seq);
        break;
    case 'W': {
        snprintf(buf, sizeof buf, "%s", name);
        char *s1 = strchr(buf, '/'), *s2 = s1 ? strchr(s1 + 1, '/') : NULL;
        if (!s2)
            return;
        *s1 = *s2 = '\0';
        kh_replay_unit_name(r, atoi(s1 + 1), s2 + 1, uname, sizeof uname);
        kh_err_fail(r->e, KH_EINVAL, "assignment of %s to %s (%d): missing "
                    "(deleted outside kaohe; audit record %" PRId64 ")",
                    buf, uname, atoi(s1 + 1), o->seq);
        break;
    }
    case 'L': {
        /* UNIT/ITEM/PHASE/HASH */
        snprintf(buf, sizeof buf, "%s", name);
        char *s1 = strchr(buf, '/'), *s2 = s1 ? strchr(s1 + 1, '/') : NULL;
        if (!s2)
            return;
        *s1 = *s2 = '\0';
        kh_replay_unit_name(r, y, buf, uname, sizeof uname);
        kh_err_fail(r->e, KH_EINVAL, "evidence %s of %s, item %s (%d): "
                    "missing (detached outside kaohe; audit record "
                    "%" PRId64 ")", o->val, uname, s1 + 1, y, o->seq);
        break;
    }
    case 'Z':
        kh_err_fail(r->e, KH_EINVAL, "questionnaire round %s (%d): missing "
                    "(deleted outside kaohe; audit record %" PRId64 ")",
                    strncmp(name, "round ", 6) ? name : name + 6, y, o->seq);
        break;
    case 'A':
        kh_err_fail(r->e, KH_EINVAL, "dates of %d: missing (deleted outside "
                    "kaohe; audit record %" PRId64 ")", y, o->seq);
        break;
    case 'S':
        kh_err_fail(r->e, KH_EINVAL, "document setting %s of %d: missing "
                    "(deleted outside kaohe; audit record %" PRId64 ")",
                    name, y, o->seq);
        break;
    default:
        kh_replay_rows_gone(r, c, o);
        return;
    }
    c->bad++;
}

static void tables_missing(rp *r, rp_count *c)
{
    for (size_t i = 0; i < r->m.cap; i++) {
        const rp_obj *o = &r->m.v[i];
        if (o->key && o->val && !(o->flags & RP_SEEN))
            gone(r, c, o);
    }
}

kh_status kh_replay_tables_check(rp *r, rp_count *c)
{
    kh_status rc = rosters_check(r, c);
    if (rc == KH_OK)
        rc = kh_replay_each_row(r,
                                "SELECT year, id, name FROM branch"
                                " ORDER BY year, id",
                                "reading branches", row_branch, c);
    if (rc == KH_OK)
        rc = kh_replay_each_row(r,
                                "SELECT name, role, unit, provider, disabled,"
                                " display_name, pwhash FROM app_user"
                                " ORDER BY name",
                                "reading users", row_user, c);
    if (rc == KH_OK)
        rc = kh_replay_each_row(r,
                                "SELECT user_name, year, unit FROM user_assign"
                                " ORDER BY user_name, year, unit",
                                "reading assignments", row_assign, c);
    if (rc == KH_OK)
        rc = kh_replay_each_row(r,
                                "SELECT en.year, en.unit, en.item, en.phase,"
                                " ee.sha256, ee.name FROM entry_evidence ee"
                                " JOIN entry en ON en.id = ee.entry"
                                " ORDER BY en.year, en.unit, en.item,"
                                " en.phase, ee.sha256",
                                "reading evidence links", row_link, c);
    if (rc == KH_OK)
        rc = kh_replay_each_row(r,
                                "SELECT r.year, r.id, r.audience, r.closed,"
                                " (SELECT count(*) FROM q_round_unit u"
                                " WHERE u.round = r.id), (SELECT count(*)"
                                " FROM q_response a WHERE a.round = r.id)"
                                " FROM q_round r ORDER BY r.id",
                                "reading questionnaire rounds", row_round, c);
    if (rc == KH_OK)
        rc = kh_replay_each_row(r,
                                "SELECT year, unit, id, case_id, evidence"
                                " FROM negative ORDER BY id",
                                "reading negative records", row_negative, c);
    if (rc == KH_OK)
        rc = kh_replay_each_row(r,
                                "SELECT year, selfcheck_due, inspect_from,"
                                " inspect_to, review_due, publish FROM"
                                " year_dates ORDER BY year",
                                "reading dates", row_dates, c);
    if (rc == KH_OK)
        rc = kh_replay_each_row(r,
                                "SELECT year, name, value FROM year_docset"
                                " ORDER BY year, name",
                                "reading document settings", row_docset, c);
    if (rc == KH_OK)
        rc = kh_replay_rows_check(r, c);
    if (rc == KH_OK)
        tables_missing(r, c);
    return rc;
}
