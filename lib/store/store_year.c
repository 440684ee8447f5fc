/*
 * store_year.c - years (考核年度): opening one bound to a rubric version,
 * the state machine draft -> self_check -> inspection -> review ->
 * published -> closed, reopening one step back with a reason (from
 * inspection, review or published: KH_YEAR_REOPENABLE), and the
 * results snapshot frozen on publishing.
 */
#include "store_impl.h"
#include "kaohe/i18n.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_names[] = {
    "draft", "self_check", "inspection", "review", "published", "closed",
};
static const char *const state_labels[] = {
    "草稿", "自查", "实地检查", "复核", "已公布", "已关闭",
};
#define NSTATES (sizeof state_names / sizeof state_names[0])

const char *kh_year_state_name(kh_year_state st)
{
    return (size_t)st < NSTATES ? state_names[st] : "?";
}

const char *kh_year_state_label(kh_year_state st)
{
    return (size_t)st < NSTATES ? state_labels[st] : "?";
}

bool kh_year_state_parse(const char *s, kh_year_state *out)
{
    for (size_t i = 0; i < NSTATES; i++) {
        if (strcmp(s, state_names[i]) == 0) {
            *out = (kh_year_state)i;
            return true;
        }
    }
    return false;
}

/* "draft", "inspection or review", "self_check, inspection or review";
 * with the Chinese labels: "复核或已公布", "自查、实地检查或复核". */
static void states_text(unsigned mask, const char *const *names,
                        const char *comma, const char *or, char *buf,
                        size_t sz)
{
    size_t n = 0, total = 0, k = 0;
    for (size_t i = 0; i < NSTATES; i++)
        if (mask & KH_YEAR_BIT(i))
            total++;
    buf[0] = '\0';
    for (size_t i = 0; i < NSTATES; i++) {
        if (!(mask & KH_YEAR_BIT(i)))
            continue;
        k++;
        const char *sep = k == 1 ? "" : k == total ? or : comma;
        n += (size_t)snprintf(buf + n, n < sz ? sz - n : 0, "%s%s", sep,
                              names[i]);
        if (n >= sz)
            return;
    }
}

/* The Chinese of the refusal just added (message i): the states by their
 * labels and `doing` from the catalogue (N_ at the caller). */
static void require_zh(kh_err *e, size_t i, int year, kh_year_state cur,
                       unsigned allowed, const char *doing)
{
    char want[128];
    char *zh = NULL;
    int r;
    states_text(allowed, state_labels, "、", "或", want, sizeof want);
    if (!allowed)
        r = asprintf(&zh, kh_i18n_zh("year %d is %s: %s is not allowed"),
                     year, state_labels[cur], kh_i18n_zh(doing));
    else
        r = asprintf(&zh, kh_i18n_zh("year %d is in state %s: %s needs state %s"),
                     year, state_labels[cur], kh_i18n_zh(doing), want);
    if (r >= 0)
        (void)kh_err_set_zh(e, i, zh); /* English stays on failure */
    free(r >= 0 ? zh : NULL);
}

kh_status kh_store_year_require(kh_store *s, int year, unsigned allowed,
                                const char *doing, kh_year_state *state,
                                kh_err *e)
{
    kh_year_state cur;
    kh_status rc = kh_store_year_state(s, year, &cur, e);
    if (rc != KH_OK)
        return rc;
    if (state)
        *state = cur;
    if (allowed & KH_YEAR_BIT(cur)) {
        /* A late-locked write checks it again under the writers' lock. */
        kh_store_recheck r = {.kind = KH_RECHECK_YEAR, .year = year,
                              .allowed = allowed};
        snprintf(r.doing, sizeof r.doing, "%s", doing);
        return kh_store_recheck_add(s, &r, e);
    }
    char want[128];
    states_text(allowed, state_names, ", ", " or ", want, sizeof want);
    size_t i = kh_err_count(e);
    if (!allowed)
        rc = kh_err_fail(e, KH_ESTATE, "year %d is %s: %s is not allowed",
                         year, state_names[cur], doing);
    else
        rc = kh_err_fail(e, KH_ESTATE,
                         "year %d is in state %s: %s needs state %s", year,
                         state_names[cur], doing, want);
    require_zh(e, i, year, cur, allowed, doing);
    return rc;
}

kh_status kh_store_year_state(kh_store *s, int year, kh_year_state *out,
                              kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "SELECT state FROM year WHERE year = ?",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    int step = kh_db_step(st);
    if (step == KH_DB_ROW) {
        bool ok = kh_year_state_parse(kh_store_col_str(st, 0), out);
        kh_db_reset(st);
        if (!ok)
            return kh_err_fail(e, KH_EDB, "year %d has an unknown state", year);
        return KH_OK;
    }
    kh_db_reset(st);
    if (step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading a year");
    return kh_err_fail(e, KH_ENOTFOUND,
                       "year %d does not exist (open it with 'kaohe year "
                       "open %d --rubric ID')",
                       year, year);
}

/* The rubric row a year is bound to. */
static kh_status year_rubric_row(kh_store *s, int year, int64_t *row,
                                 kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "SELECT rubric FROM year WHERE year = ?",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    int step = kh_db_step(st);
    *row = step == KH_DB_ROW ? kh_db_column_int64(st, 0) : 0;
    kh_db_reset(st);
    if (step == KH_DB_DONE)
        return kh_err_fail(e, KH_ENOTFOUND,
                           "year %d does not exist (open it with 'kaohe year "
                           "open %d --rubric ID')",
                           year, year);
    if (step != KH_DB_ROW)
        return kh_store_db_fail(s, e, "reading a year");
    return KH_OK;
}

kh_status kh_store_year_rubric_shared(kh_store *s, int year, kh_err *e,
                                      const kh_rubric **out)
{
    *out = NULL;
    int64_t row;
    kh_status rc = year_rubric_row(s, year, &row, e);
    if (rc != KH_OK)
        return rc;
    for (size_t i = 0; i < s->nrcache; i++) {
        if (s->rcache[i].row == row) {
            *out = s->rcache[i].r;
            return KH_OK;
        }
    }
    struct kh_store_rcache *nc =
        realloc(s->rcache, (s->nrcache + 1) * sizeof *nc);
    if (!nc)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    s->rcache = nc;
    kh_rubric *r = NULL;
    if ((rc = kh_store_rubric_by_row(s, row, e, &r, NULL)) != KH_OK)
        return rc;
    s->rcache[s->nrcache].row = row;
    s->rcache[s->nrcache].r = r;
    s->nrcache++;
    *out = r;
    return KH_OK;
}

kh_status kh_store_year_rubric(kh_store *s, int year, kh_err *e,
                               kh_rubric **out, char **version)
{
    *out = NULL;
    int64_t row;
    kh_status rc = year_rubric_row(s, year, &row, e);
    if (rc != KH_OK)
        return rc;
    return kh_store_rubric_by_row(s, row, e, out, version);
}

static kh_status check_year_number(int year, kh_err *e)
{
    if (year < KH_YEAR_MIN || year > KH_YEAR_MAX)
        return kh_err_fail(e, KH_EINVAL,
                           "year %d is out of range (%d to %d)", year,
                           KH_YEAR_MIN, KH_YEAR_MAX);
    return KH_OK;
}

kh_status kh_store_year_open(kh_store *s, const char *actor, int year,
                             const char *rubric_ref, kh_err *e)
{
    kh_status rc = check_year_number(year, e);
    if (rc != KH_OK)
        return rc;
    if ((rc = kh_store_begin(s, e)) != KH_OK)
        return rc;
    kh_year_state cur;
    kh_err *tmp = kh_err_new();
    rc = kh_store_year_state(s, year, &cur, tmp);
    kh_err_free(tmp);
    if (rc == KH_OK) {
        rc = kh_err_fail(e, KH_ESTATE, "year %d exists already (state %s)",
                         year, state_names[cur]);
        goto fail;
    }
    if (rc != KH_ENOTFOUND)
        goto fail;
    int64_t row = 0;
    char hash[KH_STORE_HEX_SZ];
    kh_rubric *r = NULL;
    char *ver = NULL;
    kh_db_stmt *st;
    /* Load it once, so a year is never bound to a rubric that does not
     * load. */
    if ((rc = kh_store_rubric_resolve(s, rubric_ref, &row, hash, NULL, NULL,
                                      e)) != KH_OK ||
        (rc = kh_store_rubric_by_row(s, row, e, &r, &ver)) != KH_OK)
        goto fail;
    kh_rubric_free(r);
    char now[KH_STORE_TIME_SZ];
    kh_store_now(s, now);
    rc = kh_store_stmt(s,
                       "INSERT INTO year (year, rubric, state, opened_at,"
                       " opened_by) VALUES (?, ?, 'draft', ?, ?)",
                       &st, e);
    if (rc == KH_OK) {
        kh_db_bind_int(st, 1, year);
        kh_db_bind_int64(st, 2, row);
        kh_store_bind_str(st, 3, now);
        kh_store_bind_str(st, 4, actor);
        rc = kh_store_exec(s, st, e, "opening a year");
    }
    char obj[16];
    snprintf(obj, sizeof obj, "%d", year);
    kh_audit_rec a = {.actor = actor, .action = "year.open", .year = year,
                      .object = obj, .new_value = ver};
    if (rc == KH_OK)
        rc = kh_store_audit(s, &a, e);
    free(ver);
    if (rc != KH_OK)
        goto fail;
    return kh_store_commit(s, e);
fail:
    kh_store_rollback(s);
    return rc;
}

static kh_status set_state(kh_store *s, int year, kh_year_state st_new,
                           kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "UPDATE year SET state = ? WHERE year = ?",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, state_names[st_new]);
    kh_db_bind_int(st, 2, year);
    return kh_store_exec(s, st, e, "changing a year's state");
}

static kh_status count_rows(kh_store *s, const char *sql, int year,
                            int64_t *n, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, sql, &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    return kh_store_int64(s, st, n, e, "counting");
}

/* Computes and stores the three snapshots; *json_hash gets the JSON's. */
static kh_status freeze(kh_store *s, int year, unsigned flags,
                        char json_hash[KH_STORE_HEX_SZ], kh_err *e)
{
    static const struct {
        kh_result_format fmt;
        const char *name;
    } fmts[] = {
        {KH_RESULT_JSON, "json"},
        {KH_RESULT_TABLE, "table"},
        {KH_RESULT_CSV, "csv"},
    };
    unsigned sflags = (flags & KH_ADVANCE_ALLOW_MISSING)
                          ? KH_SCORE_ALLOW_MISSING
                          : 0;
    char now[KH_STORE_TIME_SZ], head[KH_AUDIT_HEAD_SZ];
    kh_store_now(s, now);
    /* The log as of the data frozen: the snapshot's anchor. */
    kh_status rc = kh_store_audit_head(s, head, e);
    for (size_t i = 0; i < sizeof fmts / sizeof fmts[0] && rc == KH_OK; i++) {
        kh_buf b;
        kh_buf_init(&b, 0);
        rc = kh_store_compute_results(s, year, fmts[i].fmt, sflags, &b, e);
        if (rc == KH_EINVAL)
            kh_err_fail(e, rc,
                        "year %d cannot be published with these errors%s",
                        year,
                        sflags ? ""
                               : " (missing items: publish anyway with "
                                 "--allow-missing, scoring them 0)");
        if (rc == KH_OK && kh_buf_status(&b) != KH_OK)
            rc = kh_err_fail(e, kh_buf_status(&b), "cannot freeze results");
        if (rc == KH_OK) {
            char hash[KH_STORE_HEX_SZ];
            kh_store_sha256_hex(b.data ? b.data : "", b.len, hash);
            if (i == 0)
                memcpy(json_hash, hash, KH_STORE_HEX_SZ);
            kh_db_stmt *st;
            rc = kh_store_stmt(s,
                               "INSERT INTO snapshot (year, format, body,"
                               " sha256, made_at, audit_head)"
                               " VALUES (?, ?, ?, ?, ?, ?)",
                               &st, e);
            if (rc == KH_OK) {
                kh_db_bind_int(st, 1, year);
                kh_store_bind_str(st, 2, fmts[i].name);
                kh_db_bind_blob(st, 3, b.data ? b.data : "", b.len);
                kh_store_bind_str(st, 4, hash);
                kh_store_bind_str(st, 5, now);
                kh_store_bind_str(st, 6, head);
                rc = kh_store_exec(s, st, e, "freezing results");
            }
        }
        kh_buf_free(&b);
    }
    return rc;
}

kh_status kh_store_year_advance(kh_store *s, const char *actor, int year,
                                unsigned flags, const char *reason,
                                kh_year_state *now, kh_err *e)
{
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    kh_year_state cur;
    if ((rc = kh_store_year_state(s, year, &cur, e)) != KH_OK)
        goto fail;
    if (cur == KH_YEAR_CLOSED) {
        rc = kh_err_fail(e, KH_ESTATE, "year %d is closed: it cannot advance",
                         year);
        goto fail;
    }
    kh_year_state next = (kh_year_state)(cur + 1);
    char newval[128];
    snprintf(newval, sizeof newval, "%s", state_names[next]);
    if (cur == KH_YEAR_DRAFT) {
        int64_t n;
        if ((rc = count_rows(s, "SELECT count(*) FROM unit WHERE year = ?",
                             year, &n, e)) != KH_OK)
            goto fail;
        if (n == 0) {
            rc = kh_err_fail(e, KH_ESTATE,
                             "year %d has no units: import them first "
                             "('kaohe units import FILE --year %d')",
                             year, year);
            goto fail;
        }
    }
    if (next == KH_YEAR_PUBLISHED) {
        char hash[KH_STORE_HEX_SZ];
        if ((rc = freeze(s, year, flags, hash, e)) != KH_OK)
            goto fail;
        snprintf(newval, sizeof newval, "published sha256:%s", hash);
    }
    if ((rc = set_state(s, year, next, e)) != KH_OK)
        goto fail;
    char obj[16];
    snprintf(obj, sizeof obj, "%d", year);
    kh_audit_rec a = {.actor = actor, .action = "year.advance", .year = year,
                      .object = obj, .old_value = state_names[cur],
                      .new_value = newval, .reason = reason};
    if ((rc = kh_store_audit(s, &a, e)) != KH_OK)
        goto fail;
    if ((rc = kh_store_commit(s, e)) != KH_OK)
        return rc;
    if (now)
        *now = next;
    return KH_OK;
fail:
    kh_store_rollback(s);
    return rc;
}

kh_status kh_store_year_reopen(kh_store *s, const char *actor, int year,
                               const char *reason, kh_year_state *now,
                               kh_err *e)
{
    if (!reason || !*reason)
        return kh_err_fail(e, KH_EINVAL,
                           "reopening year %d needs a reason (--reason)",
                           year);
    if (kh_text_check(e, 0, 0, "reason", reason, KH_TEXT_LINES, SIZE_MAX) !=
        KH_OK)
        return KH_EINVAL;
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    kh_year_state cur;
    rc = kh_store_year_require(s, year, KH_YEAR_REOPENABLE, N_("reopening"),
                               &cur, e);
    if (rc != KH_OK)
        goto fail;
    kh_year_state prev = (kh_year_state)(cur - 1);
    char oldval[128];
    snprintf(oldval, sizeof oldval, "%s", state_names[cur]);
    if (cur == KH_YEAR_PUBLISHED) {
        kh_db_stmt *st;
        rc = kh_store_stmt(s,
                           "SELECT sha256 FROM snapshot WHERE year = ? AND"
                           " format = 'json'",
                           &st, e);
        if (rc != KH_OK)
            goto fail;
        kh_db_bind_int(st, 1, year);
        if (kh_db_step(st) == KH_DB_ROW)
            snprintf(oldval, sizeof oldval, "published sha256:%s",
                     kh_store_col_str(st, 0));
        kh_db_reset(st);
        rc = kh_store_stmt(s, "DELETE FROM snapshot WHERE year = ?", &st, e);
        if (rc != KH_OK)
            goto fail;
        kh_db_bind_int(st, 1, year);
        if ((rc = kh_store_exec(s, st, e, "dropping a snapshot")) != KH_OK)
            goto fail;
    }
    if ((rc = set_state(s, year, prev, e)) != KH_OK)
        goto fail;
    char obj[16];
    snprintf(obj, sizeof obj, "%d", year);
    kh_audit_rec a = {.actor = actor, .action = "year.reopen", .year = year,
                      .object = obj, .old_value = oldval,
                      .new_value = state_names[prev], .reason = reason};
    if ((rc = kh_store_audit(s, &a, e)) != KH_OK)
        goto fail;
    if ((rc = kh_store_commit(s, e)) != KH_OK)
        return rc;
    if (now)
        *now = prev;
    return KH_OK;
fail:
    kh_store_rollback(s);
    return rc;
}

kh_status kh_store_year_each(kh_store *s, int year, kh_year_fn fn, void *ctx,
                             kh_err *e)
{
    kh_db_stmt *st = NULL;
    if (kh_db_prepare(
            s->db,
            "SELECT y.year, y.state, r.rubric_id, r.sha256,"
            " (SELECT sha256 FROM snapshot p WHERE p.year = y.year"
            "   AND p.format = 'json'),"
            " (SELECT count(*) FROM unit u WHERE u.year = y.year),"
            " (SELECT count(*) FROM entry n WHERE n.year = y.year)"
            " FROM year y JOIN rubric r ON r.id = y.rubric"
            " WHERE ? = 0 OR y.year = ? ORDER BY y.year", &st) != KH_DB_OK)
        return kh_store_db_fail(s, e, "listing years");
    kh_db_bind_int(st, 1, year);
    kh_db_bind_int(st, 2, year);
    int step, seen = 0;
    kh_status rc = KH_OK;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        kh_year_info y = {0};
        char *ver = NULL;
        y.year = kh_db_column_int(st, 0);
        if (!kh_year_state_parse(kh_store_col_str(st, 1), &y.state)) {
            rc = kh_err_fail(e, KH_EDB, "year %d has an unknown state", y.year);
            break;
        }
        if (asprintf(&ver, "%s@%s", kh_store_col_str(st, 2),
                     kh_store_col_str(st, 3)) < 0) {
            rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
            break;
        }
        y.rubric = ver;
        y.snapshot_hash = kh_store_col_str(st, 4);
        y.units = (size_t)kh_db_column_int64(st, 5);
        y.entries = (size_t)kh_db_column_int64(st, 6);
        seen++;
        rc = fn(ctx, &y);
        free(ver);
        if (rc != KH_OK)
            break;
    }
    if (rc == KH_OK && step != KH_DB_DONE)
        rc = kh_store_db_fail(s, e, "listing years");
    kh_db_finalize(st);
    if (rc == KH_OK && year != 0 && seen == 0)
        rc = kh_err_fail(e, KH_ENOTFOUND, "year %d does not exist", year);
    return rc;
}
