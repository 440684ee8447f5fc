/*
 * store_inbox.c - each user's inbox (kaohe/store_inbox.h): adding a
 * message once per key, listing, the unread count, marking read, and the
 * derived reminders (kh_store_remind: deadlines, publication,
 * rectification).  Texts are made in Chinese from catalogue msgids when
 * the message is added.
 */
#include "kaohe/store_inbox.h"
#include "kaohe/cnday.h"
#include "kaohe/i18n.h"
#include "kaohe/store_schedule.h"
#include "kaohe/vec.h"
#include "store_impl.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "%d ..." made Chinese: fmt is a msgid. */
static void text(char *buf, size_t sz, const char *fmt, ...) KH_PRINTF(3, 4);
static void text(char *buf, size_t sz, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sz, fmt, ap);
    va_end(ap);
}

kh_status kh_store_inbox_add(kh_store *s, const char *user, int year,
                             const char *kind, const char *key,
                             const char *body, const char *link,
                             bool *added, kh_err *e)
{
    char now[KH_STORE_TIME_SZ];
    kh_store_now(s, now);
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s,
        "INSERT INTO inbox (user_name, year, kind, msg_key, body, link,"
        " made_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (user_name, msg_key) DO NOTHING",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, user);
    kh_db_bind_int(st, 2, year);
    kh_store_bind_str(st, 3, kind);
    kh_store_bind_str(st, 4, key);
    kh_store_bind_str(st, 5, body);
    kh_store_bind_str(st, 6, link);
    kh_store_bind_str(st, 7, now);
    if ((rc = kh_store_exec(s, st, e, "adding an inbox message")) != KH_OK)
        return rc;
    if (added)
        *added = kh_db_changes(s->db) == 1;
    return KH_OK;
}

/* ---- recipients ------------------------------------------------------ */

typedef struct names {
    char **v;
    size_t n, cap;
} names;

static void names_free(names *x)
{
    for (size_t i = 0; i < x->n; i++)
        free(x->v[i]);
    free(x->v);
    memset(x, 0, sizeof *x);
}

/* The first column of sql's rows (binds: year, then str when given). */
static kh_status names_load(kh_store *s, const char *sql, int year,
                            const char *str, names *out, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, sql, &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    if (str)
        kh_store_bind_str(st, 2, str);
    int step;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        if (KH_VEC_GROW(out->v, out->cap, out->n + 1, 8) != KH_OK)
            break;
        if (!(out->v[out->n] = strdup(kh_store_col_str(st, 0))))
            break;
        out->n++;
    }
    kh_db_reset(st);
    if (step == KH_DB_ROW)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    if (step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading the users of a message");
    return KH_OK;
}

static kh_status add_all(kh_store *s, const names *to, int year,
                         const char *kind, const char *key, const char *body,
                         const char *link, size_t *made, kh_err *e)
{
    kh_status rc = KH_OK;
    for (size_t i = 0; rc == KH_OK && i < to->n; i++) {
        bool added = false;
        rc = kh_store_inbox_add(s, to->v[i], year, kind, key, body, link,
                                &added, e);
        if (made && added)
            (*made)++;
    }
    return rc;
}

/* year is bound but unused by the first SQL (kept so one binder serves). */
#define UNIT_USERS                                                          \
    "SELECT name FROM app_user WHERE ? > 0 AND role = 'unit' AND"           \
    " disabled = 0 AND unit = ? ORDER BY name"
#define ADMINS                                                              \
    "SELECT name FROM app_user WHERE ? > 0 AND role = 'admin' AND"          \
    " disabled = 0 ORDER BY name"
#define YEAR_USERS                                                          \
    "SELECT name FROM app_user WHERE disabled = 0 AND (role <> 'unit' OR"   \
    " unit IN (SELECT id FROM unit WHERE year = ?)) ORDER BY name"

static kh_status to_unit(kh_store *s, int year, const char *unit,
                         const char *kind, const char *key, const char *body,
                         const char *link, size_t *made, kh_err *e)
{
    names to = {0};
    kh_status rc = names_load(s, UNIT_USERS, year, unit, &to, e);
    if (rc == KH_OK)
        rc = add_all(s, &to, year, kind, key, body, link, made, e);
    names_free(&to);
    return rc;
}

static kh_status to_admins(kh_store *s, int year, const char *kind,
                           const char *key, const char *body,
                           const char *link, size_t *made, kh_err *e)
{
    names to = {0};
    kh_status rc = names_load(s, ADMINS, year, NULL, &to, e);
    if (rc == KH_OK)
        rc = add_all(s, &to, year, kind, key, body, link, made, e);
    names_free(&to);
    return rc;
}

kh_status kh_store_inbox_add_unit(kh_store *s, int year, const char *unit,
                                  const char *kind, const char *key,
                                  const char *body, const char *link,
                                  kh_err *e)
{
    return to_unit(s, year, unit, kind, key, body, link, NULL, e);
}

kh_status kh_store_inbox_add_admins(kh_store *s, int year, const char *kind,
                                    const char *key, const char *body,
                                    const char *link, kh_err *e)
{
    return to_admins(s, year, kind, key, body, link, NULL, e);
}

kh_status kh_store_inbox_finding(kh_store *s, int year, const char *unit,
                                 const char *item, int64_t id, kh_err *e)
{
    kh_store_unit u;
    kh_status rc = kh_store_unit_get(s, year, unit, &u, e);
    if (rc != KH_OK)
        return rc == KH_ENOTFOUND ? KH_OK : rc;
    char body[512], key[64], link[128];
    text(body, sizeof body,
         kh_i18n_zh("a finding was recorded on item %s of %s"), item, u.name);
    snprintf(key, sizeof key, "finding:%" PRId64, id);
    snprintf(link, sizeof link, "/years/%d/units/%.40s/inspection", year,
             unit);
    kh_store_unit_clear(&u);
    return to_admins(s, year, "finding", key, body, link, NULL, e);
}

/* ---- reading --------------------------------------------------------- */

kh_status kh_store_inbox_each(kh_store *s, const char *user, kh_inbox_fn fn,
                              void *ctx, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s,
        "SELECT id, year, kind, body, link, made_at, read_at, mailed_at"
        " FROM inbox WHERE user_name = ? ORDER BY id DESC LIMIT ?",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, user);
    kh_db_bind_int(st, 2, KH_INBOX_LIST_MAX);
    int step;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        kh_inbox_row row = {
            .id = kh_db_column_int64(st, 0),
            .year = (int)kh_db_column_int64(st, 1),
            .kind = kh_store_col_str(st, 2),
            .body = kh_store_col_str(st, 3),
            .link = kh_store_col_str(st, 4),
            .made_at = kh_store_col_str(st, 5),
            .read = kh_store_col_str(st, 6) != NULL,
            .mailed = kh_store_col_str(st, 7) != NULL};
        if ((rc = fn(ctx, &row)) != KH_OK)
            break;
    }
    kh_db_reset(st);
    if (rc != KH_OK)
        return rc == KH_DONE ? KH_OK : rc;
    if (step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading an inbox");
    return KH_OK;
}

kh_status kh_store_inbox_unread(kh_store *s, const char *user, int64_t *n,
                                kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s,
                                 "SELECT COUNT(*) FROM inbox WHERE"
                                 " user_name = ? AND read_at IS NULL",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, user);
    return kh_store_int64(s, st, n, e, "counting messages");
}


kh_status kh_store_inbox_mark_read(kh_store *s, const char *user, int64_t id,
                                   kh_err *e)
{
    char now[KH_STORE_TIME_SZ];
    kh_store_now(s, now);
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s,
        "UPDATE inbox SET read_at = COALESCE(read_at, ?) WHERE id = ? AND"
        " user_name = ?",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, now);
    kh_db_bind_int64(st, 2, id);
    kh_store_bind_str(st, 3, user);
    if ((rc = kh_store_exec(s, st, e, "marking a message read")) != KH_OK)
        return rc;
    return kh_db_changes(s->db) == 1 ? KH_OK : KH_ENOTFOUND;
}

/* ---- mail ------------------------------------------------------------ */

typedef struct mail_row {
    kh_inbox_row row;
    char *user, *kind, *body, *link, *made_at;
} mail_row;

static void mail_rows_free(mail_row *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].user);
        free(v[i].kind);
        free(v[i].body);
        free(v[i].link);
        free(v[i].made_at);
    }
    free(v);
}

/* The messages not mailed yet, copied out (no statement stays open
 * while mail is sent). */
static kh_status mail_load(kh_store *s, mail_row **out, size_t *n, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s,
        "SELECT id, year, user_name, kind, body, link, made_at FROM inbox"
        " WHERE mailed_at IS NULL ORDER BY id LIMIT ?",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, KH_INBOX_MAIL_MAX);
    mail_row *v = calloc(KH_INBOX_MAIL_MAX, sizeof *v);
    size_t k = 0;
    int step = KH_DB_DONE;
    bool oom = !v;
    while (v && k < KH_INBOX_MAIL_MAX && (step = kh_db_step(st)) == KH_DB_ROW) {
        mail_row *m = &v[k++];
        const char *link = kh_store_col_str(st, 5);
        m->row.id = kh_db_column_int64(st, 0);
        m->row.year = (int)kh_db_column_int64(st, 1);
        m->user = strdup(kh_store_col_str(st, 2));
        m->kind = strdup(kh_store_col_str(st, 3));
        m->body = strdup(kh_store_col_str(st, 4));
        m->link = link ? strdup(link) : NULL;
        m->made_at = strdup(kh_store_col_str(st, 6));
        if (!m->user || !m->kind || !m->body || !m->made_at ||
            (link && !m->link)) {
            oom = true;
            break;
        }
        m->row.kind = m->kind;
        m->row.body = m->body;
        m->row.link = m->link;
        m->row.made_at = m->made_at;
    }
    kh_db_reset(st);
    *out = v;
    *n = k;
    if (oom)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    if (step != KH_DB_DONE && step != KH_DB_ROW)
        return kh_store_db_fail(s, e, "reading the messages to mail");
    return KH_OK;
}

static kh_status mark_mailed(kh_store *s, int64_t id, kh_err *e)
{
    char now[KH_STORE_TIME_SZ];
    kh_store_now(s, now);
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s, "UPDATE inbox SET mailed_at = ? WHERE id = ?", &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, now);
    kh_db_bind_int64(st, 2, id);
    return kh_store_exec(s, st, e, "marking a message mailed");
}

kh_status kh_store_inbox_mail(kh_store *s, kh_inbox_mail_fn fn, void *ctx,
                              size_t *sent, kh_err *e)
{
    mail_row *v = NULL;
    size_t n = 0, done = 0;
    kh_status rc = mail_load(s, &v, &n, e);
    for (size_t i = 0; rc == KH_OK && i < n; i++) {
        rc = fn(ctx, v[i].user, &v[i].row);
        if (rc == KH_ENOTFOUND) {
            rc = KH_OK;
            continue;
        }
        if (rc == KH_OK && (rc = mark_mailed(s, v[i].row.id, e)) == KH_OK)
            done++;
    }
    mail_rows_free(v, n);
    if (sent)
        *sent = done;
    return rc;
}

/* ---- derived reminders ----------------------------------------------- */

typedef struct remind {
    kh_store *s;
    int year;
    kh_year_state state;
    int64_t today;
    size_t made;
    kh_err *e;
} remind;

/* "3", "1" or "passed": the step of a deadline reached, NULL before. */
static const char *step_of(int64_t left)
{
    if (left < 0)
        return "passed";
    if (left <= 1)
        return "1";
    if (left <= 3)
        return "3";
    return NULL;
}

static void deadline_text(char *buf, size_t sz, int year, const char *what,
                          const char *date, int64_t left)
{
    if (left < 0)
        text(buf, sz, kh_i18n_zh("%d %s (%s) has passed"), year,
             kh_i18n_zh(what), date);
    else
        text(buf, sz, kh_i18n_zh("%d %s is %s: %" PRId64 " days left"), year,
             kh_i18n_zh(what), date, left);
}

typedef struct unit_row {
    char *id, *name;
} unit_row;

/* The self-check due date to the units that have not submitted. */
static kh_status remind_selfcheck(remind *r, const char *date, int64_t due)
{
    const char *stp = step_of(due - r->today);
    if (!stp)
        return KH_OK;
    names ids = {0};
    kh_status rc = names_load(
        r->s,
        "SELECT u.id FROM unit u LEFT JOIN selfcheck c ON c.year = u.year"
        " AND c.unit = u.id WHERE u.year = ? AND (c.state IS NULL OR"
        " c.state <> 'submitted') ORDER BY u.pos",
        r->year, NULL, &ids, r->e);
    char body[512], key[KH_INBOX_KEY_MAX], link[128];
    deadline_text(body, sizeof body, r->year,
                  kh_sched_date_label(KH_DATE_SELFCHECK_DUE), date,
                  due - r->today);
    for (size_t i = 0; rc == KH_OK && i < ids.n; i++) {
        snprintf(key, sizeof key, "due:%d:selfcheck_due:%s:%s", r->year, stp,
                 ids.v[i]);
        snprintf(link, sizeof link, "/years/%d/units/%.40s/self", r->year,
                 ids.v[i]);
        rc = to_unit(r->s, r->year, ids.v[i], "deadline", key, body, link,
                     &r->made, r->e);
    }
    names_free(&ids);
    return rc;
}

/* The other dates of the state the year is in, to the admins. */
static kh_status remind_admins(remind *r, kh_sched_date which,
                               const char *date, int64_t due)
{
    const char *stp = step_of(due - r->today);
    if (!stp)
        return KH_OK;
    char body[512], key[KH_INBOX_KEY_MAX], link[128];
    deadline_text(body, sizeof body, r->year, kh_sched_date_label(which),
                  date, due - r->today);
    snprintf(key, sizeof key, "due:%d:%s:%s", r->year,
             kh_sched_date_field(which), stp);
    snprintf(link, sizeof link, "/years/%d/progress", r->year);
    return to_admins(r->s, r->year, "deadline", key, body, link, &r->made,
                     r->e);
}

static kh_status remind_dates(remind *r)
{
    kh_year_dates d;
    kh_status rc = kh_store_dates_get(r->s, r->year, &d, r->e);
    if (rc == KH_ENOTFOUND)
        return KH_OK;
    int64_t v[KH_SCHED_DATES];
    for (int i = 0; rc == KH_OK && i < KH_SCHED_DATES; i++)
        if (!kh_cnday_parse(d.d[i], &v[i]))
            return KH_OK;   /* checked when set: never here */
    if (rc != KH_OK)
        return rc;
    switch (r->state) {
    case KH_YEAR_SELF_CHECK:
        return remind_selfcheck(r, d.d[KH_DATE_SELFCHECK_DUE],
                                v[KH_DATE_SELFCHECK_DUE]);
    case KH_YEAR_INSPECTION:
        return remind_admins(r, KH_DATE_INSPECT_TO, d.d[KH_DATE_INSPECT_TO],
                             v[KH_DATE_INSPECT_TO]);
    case KH_YEAR_REVIEW:
        if ((rc = remind_admins(r, KH_DATE_REVIEW_DUE,
                                d.d[KH_DATE_REVIEW_DUE],
                                v[KH_DATE_REVIEW_DUE])) != KH_OK)
            return rc;
        return remind_admins(r, KH_DATE_PUBLISH, d.d[KH_DATE_PUBLISH],
                             v[KH_DATE_PUBLISH]);
    default:
        return KH_OK;
    }
}

static kh_status remind_published(remind *r)
{
    names to = {0};
    char body[256], key[64], link[128];
    text(body, sizeof body, kh_i18n_zh("the results of %d are published"),
         r->year);
    snprintf(key, sizeof key, "published:%d", r->year);
    snprintf(link, sizeof link, "/years/%d", r->year);
    kh_status rc = names_load(r->s, YEAR_USERS, r->year, NULL, &to, r->e);
    if (rc == KH_OK)
        rc = add_all(r->s, &to, r->year, "published", key, body, link,
                     &r->made, r->e);
    names_free(&to);
    return rc;
}

typedef struct rect_item {
    int64_t id;
    char *unit, *text, *deadline;
} rect_item;

static kh_status remind_rect_one(remind *r, const rect_item *it)
{
    int64_t due;
    if (!kh_cnday_parse(it->deadline, &due) || due - r->today > 3)
        return KH_OK;
    bool over = due < r->today;
    char body[KH_INBOX_BODY_MAX], key[KH_INBOX_KEY_MAX], link[128];
    text(body, sizeof body,
         over ? kh_i18n_zh("rectification overdue since %s: %.300s")
              : kh_i18n_zh("rectification due on %s: %.300s"),
         it->deadline, it->text);
    snprintf(key, sizeof key, "rect:%s:%" PRId64, over ? "overdue" : "due",
             it->id);
    snprintf(link, sizeof link, "/years/%d", r->year);
    return to_unit(r->s, r->year, it->unit, over ? "overdue" : "due", key,
                   body, link, &r->made, r->e);
}

static kh_status remind_rect(remind *r)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        r->s,
        "SELECT id, unit, text, deadline FROM followup_item WHERE year = ?"
        " AND status = 'open' ORDER BY id",
        &st, r->e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, r->year);
    rect_item *v = NULL;
    size_t n = 0, cap = 0;
    int step;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        if (KH_VEC_GROW(v, cap, n + 1, 16) != KH_OK)
            break;

        rect_item *it = &v[n++];
        it->id = kh_db_column_int64(st, 0);
        it->unit = strdup(kh_store_col_str(st, 1));
        it->text = strdup(kh_store_col_str(st, 2));
        it->deadline = strdup(kh_store_col_str(st, 3));
        if (!it->unit || !it->text || !it->deadline)
            break;
    }
    kh_db_reset(st);
    if (step == KH_DB_ROW)
        rc = kh_err_fail(r->e, KH_ENOMEM, "out of memory");
    else if (step != KH_DB_DONE)
        rc = kh_store_db_fail(r->s, r->e, "reading rectification items");
    for (size_t i = 0; rc == KH_OK && i < n; i++)
        rc = remind_rect_one(r, &v[i]);
    for (size_t i = 0; i < n; i++) {
        free(v[i].unit);
        free(v[i].text);
        free(v[i].deadline);
    }
    free(v);
    return rc;
}

static kh_status remind_year(remind *r)
{
    if (r->state >= KH_YEAR_PUBLISHED) {
        kh_status rc = remind_published(r);
        return rc == KH_OK ? remind_rect(r) : rc;
    }
    return remind_dates(r);
}

kh_status kh_store_remind(kh_store *s, size_t *made, kh_err *e)
{
    names years = {0};
    kh_status rc = names_load(s,
                              "SELECT year FROM year WHERE ? > 0 AND"
                              " state <> 'closed' ORDER BY year",
                              1, NULL, &years, e);
    remind r = {.s = s, .today = kh_store_today_days(s), .e = e};
    if (rc == KH_OK && years.n)
        rc = kh_store_begin(s, e);
    bool in_tx = rc == KH_OK && years.n;
    for (size_t i = 0; rc == KH_OK && i < years.n; i++) {
        r.year = atoi(years.v[i]);
        if ((rc = kh_store_year_state(s, r.year, &r.state, e)) == KH_OK)
            rc = remind_year(&r);
    }
    if (in_tx && rc == KH_OK)
        rc = kh_store_commit(s, e);
    else if (in_tx)
        kh_store_rollback(s);
    names_free(&years);
    if (made)
        *made = r.made;
    return rc;
}
