/*
 * test_web_session.c - the web server's sessions, CSRF tokens and login
 * throttling (src/web/web_session.c over lib/store/store_session.c): two
 * connections to one store stand for two `kaohe serve` instances.  Runs
 * on SQLite and, as unit.test_web_session.pg, on PostgreSQL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kaohe/store_session.h"
#include "store_impl.h"
#include "store_test_util.h"
#include "web.h"

typedef struct wfx {
    fx f;
    kh_store *s2;          /* the second instance's connection */
    web_req r1, r2;
} wfx;

static int setup(void **state)
{
    wfx *w = calloc(1, sizeof *w);
    fx *f = &w->f;
    snprintf(f->dir, sizeof f->dir, "/tmp/kh_wsess_XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    char file[128];
    snprintf(file, sizeof file, "%s/kaohe.db", f->dir);
    const char *target = test_target(file, f->db, sizeof f->db);
    if (target != f->db)
        snprintf(f->db, sizeof f->db, "%s", target);
    f->e = kh_err_new();
    if (kh_store_open(f->db, KH_STORE_CREATE, f->e, &f->s) != KH_OK ||
        kh_store_open(f->db, 0, f->e, &w->s2) != KH_OK)
        return -1;
    w->r1.store = f->s;
    w->r2.store = w->s2;
    snprintf(w->r1.ip, sizeof w->r1.ip, "127.0.0.1");
    snprintf(w->r2.ip, sizeof w->r2.ip, "127.0.0.1");
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    wfx *w = *state;
    assert_int_equal(w->r1.fail_st, KH_OK);   /* no store failure hidden */
    assert_int_equal(w->r2.fail_st, KH_OK);
    kh_err_free(w->r1.fail_err);
    kh_err_free(w->r2.fail_err);
    kh_store_close(w->s2);
    kh_store_close(w->f.s);
    kh_err_free(w->f.e);
    nftw(w->f.dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
    free(w);
    return 0;
}

/* The request r at time now (and address ip, when given). */
static web_req *at(web_req *r, int64_t now, const char *ip)
{
    r->now = now;
    if (ip)
        snprintf(r->ip, sizeof r->ip, "%s", ip);
    return r;
}

static void test_sessions(void **state)
{
    wfx *w = *state;
    web_req *r = &w->r1;
    web_session a, b, f;
    assert_true(web_session_create(at(r, 1000, NULL), "alice", KH_ROLE_UNIT,
                                   "jd", &a));
    assert_true(web_session_create(r, "alice", KH_ROLE_UNIT, "jd", &b));
    assert_int_equal(strlen(a.id), 32);
    assert_string_not_equal(a.id, b.id);      /* new id at every login */
    assert_string_not_equal(a.id, a.csrf);
    assert_true(web_session_find(at(r, 1001, NULL), a.id, &f));
    assert_string_equal(f.user, "alice");
    assert_string_equal(f.unit, "jd");
    assert_string_equal(f.csrf, a.csrf);
    assert_int_equal(f.role, KH_ROLE_UNIT);
    /* unknown, truncated and empty ids */
    assert_false(web_session_find(r, "00000000000000000000000000000000", &f));
    char shorter[32];
    memcpy(shorter, a.id, 31);
    shorter[31] = '\0';
    assert_false(web_session_find(r, shorter, &f));
    assert_false(web_session_find(r, "", &f));
    assert_false(web_session_find(r, NULL, &f));
    /* idle timeout: seen at 1000 (the mark is written at most once a
     * WEB_SESSION_SEEN_EVERY), gone after 30 minutes without requests */
    assert_true(web_session_find(at(r, 1000 + WEB_SESSION_IDLE - 1, NULL),
                                 a.id, &f));
    assert_false(web_session_find(at(r, 1000 + WEB_SESSION_IDLE, NULL), b.id,
                                  &f));
    /* absolute timeout: kept alive every 10 minutes, still ends at 8 h */
    int64_t now = 1000 + WEB_SESSION_IDLE - 1;
    while (now + 600 < 1000 + WEB_SESSION_ABSOLUTE) {
        now += 600;
        assert_true(web_session_find(at(r, now, NULL), a.id, &f));
    }
    assert_false(web_session_find(at(r, 1000 + WEB_SESSION_ABSOLUTE, NULL),
                                  a.id, &f));
    /* server-side logout */
    assert_true(web_session_create(at(r, 5000, NULL), "bob", KH_ROLE_ADMIN,
                                   NULL, &a));
    web_session_destroy(r, a.id);
    assert_false(web_session_find(at(r, 5001, NULL), a.id, &f));
    /* the user's limit drops their oldest */
    web_session s[WEB_SESSIONS_PER_USER + 1];
    for (int i = 0; i <= WEB_SESSIONS_PER_USER; i++)
        assert_true(web_session_create(at(r, 6000 + i, NULL), "c",
                                       KH_ROLE_AUDITOR, NULL, &s[i]));
    assert_false(web_session_find(at(r, 6010, NULL), s[0].id, &f));
    assert_true(web_session_find(r, s[1].id, &f));
    /* password change ends the user's other sessions */
    web_session_destroy_user(at(r, 6011, NULL), "c", s[4].id);
    assert_false(web_session_find(r, s[3].id, &f));
    assert_true(web_session_find(r, s[4].id, &f));
}

/* Two instances: a login through one is served by the other; logout and
 * a password change through one end the sessions on both. */
static void test_two_instances(void **state)
{
    wfx *w = *state;
    web_session a, b, f;
    assert_true(web_session_create(at(&w->r1, 100, NULL), "alice",
                                   KH_ROLE_ADMIN, NULL, &a));
    assert_true(web_session_find(at(&w->r2, 101, NULL), a.id, &f));
    assert_string_equal(f.user, "alice");
    assert_true(web_csrf_ok(&f, a.csrf));
    web_session_destroy(&w->r2, a.id);
    assert_false(web_session_find(at(&w->r1, 102, NULL), a.id, &f));
    assert_true(web_session_create(&w->r1, "alice", KH_ROLE_ADMIN, NULL, &a));
    assert_true(web_session_create(&w->r2, "alice", KH_ROLE_ADMIN, NULL, &b));
    web_session_destroy_user(at(&w->r2, 103, NULL), "alice", b.id);
    assert_false(web_session_find(at(&w->r1, 104, NULL), a.id, &f));
    assert_true(web_session_find(&w->r1, b.id, &f));
}

/* The store keeps the id's SHA-256, never the id; `seen` is written at
 * most once a WEB_SESSION_SEEN_EVERY. */
static void test_stored_form(void **state)
{
    wfx *w = *state;
    web_session a, f;
    assert_true(web_session_create(at(&w->r1, 100, NULL), "alice",
                                   KH_ROLE_ADMIN, NULL, &a));
    kh_db_stmt *st;
    kh_err_clear(w->f.e);
    expect_ok(kh_store_stmt(w->f.s, "SELECT id_hash, seen FROM web_session",
                            &st, w->f.e), w->f.e);
    assert_int_equal(kh_db_step(st), KH_DB_ROW);
    char want[KH_STORE_HEX_SZ];
    kh_store_sha256_hex(a.id, strlen(a.id), want);
    assert_string_equal(kh_store_col_str(st, 0), want);
    assert_int_equal(kh_db_step(st), KH_DB_DONE);
    kh_db_reset(st);
    kh_store_session row;
    kh_session_limits lim = {WEB_SESSION_IDLE, WEB_SESSION_ABSOLUTE, 8};
    assert_true(web_session_find(at(&w->r2, 100 + WEB_SESSION_SEEN_EVERY - 1,
                                     NULL), a.id, &f));
    expect_ok(kh_store_session_get(w->f.s, a.id, &lim, 200, &row, w->f.e),
              w->f.e);
    assert_int_equal(row.seen, 100);     /* not yet */
    assert_true(web_session_find(at(&w->r2, 100 + WEB_SESSION_SEEN_EVERY,
                                     NULL), a.id, &f));
    expect_ok(kh_store_session_get(w->f.s, a.id, &lim, 200, &row, w->f.e),
              w->f.e);
    assert_int_equal(row.seen, 100 + WEB_SESSION_SEEN_EVERY);
}

static void test_csrf(void **state)
{
    wfx *w = *state;
    web_session a, b;
    assert_true(web_session_create(at(&w->r1, 1, NULL), "alice",
                                   KH_ROLE_ADMIN, NULL, &a));
    assert_true(web_session_create(&w->r1, "bob", KH_ROLE_ADMIN, NULL, &b));
    assert_true(web_csrf_ok(&a, a.csrf));
    assert_false(web_csrf_ok(&a, b.csrf));     /* another session's token */
    assert_false(web_csrf_ok(&a, NULL));
    assert_false(web_csrf_ok(&a, ""));
    assert_false(web_csrf_ok(&a, a.id));
    char longer[40];
    snprintf(longer, sizeof longer, "%sx", a.csrf);
    assert_false(web_csrf_ok(&a, longer));
}

/* A stranger at one address cannot lock another user out; the check
 * and the count are one transaction, so parallel tries (through either
 * instance) cannot pass the limit. */
static void test_login_throttle(void **state)
{
    wfx *w = *state;
    bool na;
    int64_t seq;
    int passed = 0;
    /* 10 parallel tries from one address: begin without done, through
     * both instances in turn */
    for (int i = 0; i < 10; i++)
        passed += web_login_begin(at(i % 2 ? &w->r2 : &w->r1, 100,
                                     "10.0.0.1"), "admin", false, &na,
                                  &seq) == WEB_LOGIN_OK;
    assert_int_equal(passed, WEB_THROTTLE_FAILS);
    for (int i = 0; i < WEB_THROTTLE_FAILS; i++)
        web_login_done(&w->r1, "admin", false, i == 0, 7);
    assert_int_equal(web_login_begin(at(&w->r2, 101, NULL), "admin", false,
                                     &na, &seq), WEB_LOGIN_ADDRESS);
    /* the admin at another address is not locked out */
    assert_int_equal(web_login_begin(at(&w->r2, 101, "10.0.0.2"), "admin",
                                     false, &na, &seq), WEB_LOGIN_OK);
    web_login_done(&w->r2, "admin", true, na, 0);
    /* the window passes: the address may try again */
    assert_int_equal(web_login_begin(at(&w->r1, 100 + WEB_THROTTLE_WINDOW,
                                        "10.0.0.1"), "admin", false, &na,
                                     &seq), WEB_LOGIN_OK);
    /* failures from many addresses, on both instances, lock the account */
    char ip[32];
    for (int k = 0; k < WEB_THROTTLE_ACCOUNT_ADDRS; k++) {
        snprintf(ip, sizeof ip, "10.0.1.%d", k);
        web_req *r = at(k % 2 ? &w->r2 : &w->r1, 200, ip);
        assert_int_equal(web_login_begin(r, "bob", false, &na, &seq),
                         WEB_LOGIN_OK);
        web_login_done(r, "bob", false, na, 42);
    }
    assert_int_equal(web_login_begin(at(&w->r1, 201, "10.0.2.1"), "bob",
                                     false, &na, &seq), WEB_LOGIN_ACCOUNT);
    assert_int_equal(seq, 42);   /* where the lock started */
    /* ... except for a live session of the user, and until unlocked */
    assert_int_equal(web_login_begin(&w->r1, "bob", true, &na, &seq),
                     WEB_LOGIN_OK);
    web_login_done(&w->r1, "bob", true, na, 0);
    web_login_unlock(&w->r2, "bob", 50);
    assert_int_equal(web_login_begin(at(&w->r1, 202, "10.0.2.2"), "bob",
                                     false, &na, &seq), WEB_LOGIN_OK);
    /* one address, many accounts: the address limit */
    int ok = 0;
    for (int k = 0; k < 2 * WEB_THROTTLE_ADDR_FAILS; k++) {
        char user[16];
        snprintf(user, sizeof user, "u%d", k);
        web_req *r = at(k % 2 ? &w->r2 : &w->r1, 300, "10.9.9.9");
        if (web_login_begin(r, user, false, &na, &seq) == WEB_LOGIN_OK) {
            ok++;
            web_login_done(r, user, false, na, 1);
        }
    }
    assert_int_equal(ok, WEB_THROTTLE_ADDR_FAILS);
}

/* A user's login storm evicts only that user's own oldest sessions. */
static void test_session_limits(void **state)
{
    wfx *w = *state;
    web_session admin, f, s[40];
    assert_true(web_session_create(at(&w->r1, 10, NULL), "admin",
                                   KH_ROLE_ADMIN, NULL, &admin));
    for (int i = 0; i < 40; i++)
        assert_true(web_session_create(at(i % 2 ? &w->r2 : &w->r1, 11 + i,
                                          NULL), "u", KH_ROLE_UNIT, "jd",
                                       &s[i]));
    at(&w->r1, 60, NULL);
    assert_true(web_session_find(&w->r1, admin.id, &f));
    int live = 0;
    for (int i = 0; i < 40; i++)
        live += web_session_find(&w->r1, s[i].id, &f);
    assert_int_equal(live, WEB_SESSIONS_PER_USER);
    assert_true(web_session_find(&w->r1, s[39].id, &f));
    assert_false(web_session_find(&w->r1, s[0].id, &f));
}

/* A lower per-user limit (a server restarted with a smaller one) is met
 * at the user's next login, however many sessions they had: make_room
 * once dropped at most 16 per login. */
static void test_limit_lowered(void **state)
{
    wfx *w = *state;
    kh_store_session in = {.role = KH_ROLE_UNIT, .created = 100,
                           .seen = 100};
    snprintf(in.user, sizeof in.user, "bob");
    snprintf(in.unit, sizeof in.unit, "jd");
    kh_session_limits wide = {3600, 8 * 3600, 41}, narrow = wide;
    narrow.per_user = 4;
    char id[41][16];
    for (int i = 0; i < 41; i++) {
        snprintf(id[i], sizeof id[i], "sess%02d", i);
        snprintf(in.csrf, sizeof in.csrf, "csrf%02d", i);
        in.created = in.seen = 100 + i;
        expect_ok(kh_store_session_add(w->f.s, id[i], &in,
                                       i < 40 ? &wide : &narrow, 100 + i,
                                       w->f.e),
                  w->f.e);
    }
    int live = 0;
    for (int i = 0; i < 41; i++) {
        kh_store_session row;
        kh_status st = kh_store_session_get(w->f.s, id[i], &narrow, 141,
                                            &row, w->f.e);
        assert_true(st == KH_OK || st == KH_ENOTFOUND);
        live += st == KH_OK;
    }
    assert_int_equal(live, narrow.per_user);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sessions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_instances, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stored_form, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csrf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_login_throttle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limit_lowered, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
