/*
 * test_web_html.c - the web server's escapers, sessions, CSRF tokens and
 * login throttling (src/web/web_html.c, src/web/web_session.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "web.h"

static char *esc(void (*fn)(kh_buf *, const char *), const char *s)
{
    static char out[4096];
    kh_buf b;
    kh_buf_init(&b, 0);
    fn(&b, s);
    snprintf(out, sizeof out, "%s", kh_buf_str(&b));
    kh_buf_free(&b);
    return out;
}

static void test_text_xss(void **state)
{
    (void)state;
    const char *note = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>";
    char *t = esc(kh_html_text, note);
    assert_null(strchr(t, '<'));
    assert_null(strchr(t, '>'));
    assert_null(strchr(t, '"'));
    assert_string_equal(t, "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;"
                           "&lt;img src=x onerror=alert(2)&gt;");
    assert_string_equal(esc(kh_html_text, "a & b 'c'"), "a &amp; b &#39;c&#39;");
    assert_string_equal(esc(kh_html_text, NULL), "");
    assert_string_equal(esc(kh_html_text, "中文\n备注"), "中文\n备注");
}

static void test_attr(void **state)
{
    (void)state;
    char *t = esc(kh_html_attr, "\" onmouseover=`x` '");
    assert_string_equal(t, "&quot; onmouseover&#61;&#96;x&#96; &#39;");
}

static void test_controls_and_bad_utf8(void **state)
{
    (void)state;
    assert_string_equal(esc(kh_html_text, "a\x01\x1b" "b\x7f"), "ab");
    /* a lone continuation byte and an overlong '<' become U+FFFD */
    assert_string_equal(esc(kh_html_text, "x\x80y"), "x\xEF\xBF\xBDy");
    char *t = esc(kh_html_text, "\xC0\xBC");
    assert_null(strchr(t, '<'));
    assert_string_equal(t, "\xEF\xBF\xBD\xEF\xBF\xBD");
}

static void test_url(void **state)
{
    (void)state;
    assert_string_equal(esc(kh_html_url, "jd/../x y?\"<"),
                        "jd%2F..%2Fx%20y%3F%22%3C");
    assert_string_equal(esc(kh_html_url, "1.3"), "1.3");
    assert_string_equal(esc(kh_html_url, "机"), "%E6%9C%BA");
}

static void test_json_str(void **state)
{
    (void)state;
    assert_string_equal(esc(web_json_str, "</script>\"\\\n"),
                        "\"\\u003c/script\\u003e\\\"\\\\\\u000a\"");
}

static void test_split_path(void **state)
{
    (void)state;
    char buf[256];
    const char *seg[8];
    assert_int_equal(web_split_path("/api/v1/years/2025/entries/jd/1.3/self",
                                    buf, sizeof buf, seg, 8), 8);
    assert_string_equal(seg[6], "1.3");
    assert_int_equal(web_split_path("/a/%2e%2e/b", buf, sizeof buf, seg, 8), -2);
    assert_int_equal(web_split_path("/a/../b", buf, sizeof buf, seg, 8), -2);
    assert_int_equal(web_split_path("/a//b", buf, sizeof buf, seg, 8), -2);
    assert_int_equal(web_split_path("/a/%00b", buf, sizeof buf, seg, 8), -2);
    assert_int_equal(web_split_path("/a/%4", buf, sizeof buf, seg, 8), -2);
    /* encoded slashes and double encodings never reach a handler */
    assert_int_equal(web_split_path("/a/b%2Fc", buf, sizeof buf, seg, 8), -2);
    assert_int_equal(web_split_path("/a/b%2fc", buf, sizeof buf, seg, 8), -2);
    assert_int_equal(web_split_path("/a/b%5Cc", buf, sizeof buf, seg, 8), -2);
    assert_int_equal(web_split_path("/a/b%252Fc", buf, sizeof buf, seg, 8), -2);
    assert_int_equal(web_split_path("/a/b%2541", buf, sizeof buf, seg, 8), -2);
    assert_int_equal(web_split_path("/x%20y/", buf, sizeof buf, seg, 8), 1);
    assert_string_equal(seg[0], "x y");
    assert_int_equal(web_split_path("/1/2/3", buf, sizeof buf, seg, 2), -1);
}

static void test_sessions(void **state)
{
    (void)state;
    web_sessions *t = web_sessions_new(4);
    assert_non_null(t);
    web_session a, b, f;
    web_session_create(t, "alice", KH_ROLE_UNIT, "jd", 1000, &a);
    web_session_create(t, "alice", KH_ROLE_UNIT, "jd", 1000, &b);
    assert_int_equal(strlen(a.id), 32);
    assert_string_not_equal(a.id, b.id);      /* new id at every login */
    assert_string_not_equal(a.id, a.csrf);
    assert_true(web_session_find(t, a.id, 1001, &f));
    assert_string_equal(f.user, "alice");
    assert_string_equal(f.unit, "jd");
    assert_int_equal(f.role, KH_ROLE_UNIT);
    /* unknown, truncated and empty ids */
    assert_false(web_session_find(t, "00000000000000000000000000000000", 1001, &f));
    char shorter[32];
    memcpy(shorter, a.id, 31);
    shorter[31] = '\0';
    assert_false(web_session_find(t, shorter, 1001, &f));
    assert_false(web_session_find(t, "", 1001, &f));
    assert_false(web_session_find(t, NULL, 1001, &f));
    /* idle timeout: seen at 1001, gone after 30 minutes without requests */
    assert_true(web_session_find(t, a.id, 1001 + WEB_SESSION_IDLE - 1, &f));
    assert_false(web_session_find(t, b.id, 1001 + WEB_SESSION_IDLE, &f));
    /* absolute timeout: kept alive every 10 minutes, still ends at 8 h */
    int64_t now = 1001 + WEB_SESSION_IDLE - 1;
    while (now + 600 < 1000 + WEB_SESSION_ABSOLUTE) {
        now += 600;
        assert_true(web_session_find(t, a.id, now, &f));
    }
    assert_false(web_session_find(t, a.id, 1000 + WEB_SESSION_ABSOLUTE, &f));
    /* server-side logout */
    web_session_create(t, "bob", KH_ROLE_ADMIN, NULL, 5000, &a);
    web_session_destroy(t, a.id);
    assert_false(web_session_find(t, a.id, 5001, &f));
    /* a full table drops the oldest */
    web_session s[5];
    for (int i = 0; i < 5; i++)
        web_session_create(t, "c", KH_ROLE_AUDITOR, NULL, 6000 + i, &s[i]);
    assert_false(web_session_find(t, s[0].id, 6010, &f));
    assert_true(web_session_find(t, s[4].id, 6010, &f));
    /* password change ends the user's other sessions */
    web_session_destroy_user(t, "c", s[4].id);
    assert_false(web_session_find(t, s[3].id, 6011, &f));
    assert_true(web_session_find(t, s[4].id, 6011, &f));
    web_sessions_free(t);
}

static void test_csrf(void **state)
{
    (void)state;
    web_sessions *t = web_sessions_new(8);
    web_session a, b;
    web_session_create(t, "alice", KH_ROLE_ADMIN, NULL, 1, &a);
    web_session_create(t, "bob", KH_ROLE_ADMIN, NULL, 1, &b);
    assert_true(web_csrf_ok(&a, a.csrf));
    assert_false(web_csrf_ok(&a, b.csrf));     /* another session's token */
    assert_false(web_csrf_ok(&a, NULL));
    assert_false(web_csrf_ok(&a, ""));
    assert_false(web_csrf_ok(&a, a.id));
    char longer[40];
    snprintf(longer, sizeof longer, "%sx", a.csrf);
    assert_false(web_csrf_ok(&a, longer));
    web_sessions_free(t);
}

static void test_cookie(void **state)
{
    (void)state;
    kh_buf b;
    kh_buf_init(&b, 0);
    web_session_cookie(&b, "abc", false);
    assert_string_equal(kh_buf_str(&b),
                        "kh_session=abc; Path=/; HttpOnly; SameSite=Strict");
    kh_buf_reset(&b);
    web_session_cookie(&b, "abc", true);
    assert_string_equal(kh_buf_str(&b), "__Host-kh_session=abc; Path=/; "
                                        "HttpOnly; SameSite=Strict; Secure");
    kh_buf_reset(&b);
    web_session_cookie(&b, NULL, false);
    assert_non_null(strstr(kh_buf_str(&b), "Max-Age=0"));
    kh_buf_free(&b);
}

/* A stranger at one address cannot lock another user out; the check
 * and the count are one step (parallel tries cannot pass the limit). */
static void test_login_throttle(void **state)
{
    (void)state;
    web_sessions *t = web_sessions_new(64);
    bool na;
    int64_t seq;
    int passed = 0;
    /* 10 parallel tries from one address: begin without done */
    for (int i = 0; i < 10; i++)
        passed += web_login_begin(t, "admin", "10.0.0.1", false, 100, &na,
                                  &seq) == WEB_LOGIN_OK;
    assert_int_equal(passed, WEB_THROTTLE_FAILS);
    for (int i = 0; i < WEB_THROTTLE_FAILS; i++)
        web_login_done(t, "admin", "10.0.0.1", false, i == 0, 7, 100);
    assert_int_equal(web_login_begin(t, "admin", "10.0.0.1", false, 101, &na,
                                     &seq), WEB_LOGIN_ADDRESS);
    /* the admin at another address is not locked out */
    assert_int_equal(web_login_begin(t, "admin", "10.0.0.2", false, 101, &na,
                                     &seq), WEB_LOGIN_OK);
    web_login_done(t, "admin", "10.0.0.2", true, na, 0, 101);
    /* failures from many addresses lock the account ... */
    char ip[32];
    for (int k = 0; k < WEB_THROTTLE_ACCOUNT_ADDRS; k++) {
        snprintf(ip, sizeof ip, "10.0.1.%d", k);
        assert_int_equal(web_login_begin(t, "bob", ip, false, 200, &na, &seq),
                         WEB_LOGIN_OK);
        web_login_done(t, "bob", ip, false, na, 42, 200);
    }
    assert_int_equal(web_login_begin(t, "bob", "10.0.2.1", false, 201, &na,
                                     &seq), WEB_LOGIN_ACCOUNT);
    assert_int_equal(seq, 42);   /* where the lock started */
    /* ... except for a live session of the user, and until unlocked */
    assert_int_equal(web_login_begin(t, "bob", "10.0.2.1", true, 201, &na,
                                     &seq), WEB_LOGIN_OK);
    web_login_done(t, "bob", "10.0.2.1", true, na, 0, 201);
    web_login_unlock(t, "bob", 50);
    assert_int_equal(web_login_begin(t, "bob", "10.0.2.2", false, 202, &na,
                                     &seq), WEB_LOGIN_OK);
    /* one address, many accounts: the address limit */
    web_sessions_free(t);
    t = web_sessions_new(256);
    int ok = 0;
    for (int k = 0; k < 2 * WEB_THROTTLE_ADDR_FAILS; k++) {
        char user[16];
        snprintf(user, sizeof user, "u%d", k);
        if (web_login_begin(t, user, "10.9.9.9", false, 300, &na, &seq) ==
            WEB_LOGIN_OK) {
            ok++;
            web_login_done(t, user, "10.9.9.9", false, na, 1, 300);
        }
    }
    assert_int_equal(ok, WEB_THROTTLE_ADDR_FAILS);
    web_sessions_free(t);
}

/* A user's login storm evicts only that user's own oldest sessions. */
static void test_session_limits(void **state)
{
    (void)state;
    web_sessions *t = web_sessions_new(16);
    web_session admin, f, s[40];
    assert_true(web_session_create(t, "admin", KH_ROLE_ADMIN, NULL, 10,
                                   &admin));
    for (int i = 0; i < 40; i++)
        assert_true(web_session_create(t, "u", KH_ROLE_UNIT, "jd", 11 + i,
                                       &s[i]));
    assert_true(web_session_find(t, admin.id, 60, &f));
    int live = 0;
    for (int i = 0; i < 40; i++)
        live += web_session_find(t, s[i].id, 60, &f);
    assert_int_equal(live, WEB_SESSIONS_PER_USER);
    assert_true(web_session_find(t, s[39].id, 60, &f));
    assert_false(web_session_find(t, s[0].id, 60, &f));
    web_sessions_free(t);
    /* a table full of other users' sessions refuses a new one */
    t = web_sessions_new(2);
    web_session a, b, c;
    assert_true(web_session_create(t, "a", KH_ROLE_ADMIN, NULL, 1, &a));
    assert_true(web_session_create(t, "b", KH_ROLE_ADMIN, NULL, 2, &b));
    assert_false(web_session_create(t, "c", KH_ROLE_ADMIN, NULL, 3, &c));
    assert_true(web_session_find(t, a.id, 4, &f));
    assert_true(web_session_find(t, b.id, 4, &f));
    web_sessions_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_xss),
        cmocka_unit_test(test_attr),
        cmocka_unit_test(test_controls_and_bad_utf8),
        cmocka_unit_test(test_url),
        cmocka_unit_test(test_json_str),
        cmocka_unit_test(test_split_path),
        cmocka_unit_test(test_sessions),
        cmocka_unit_test(test_csrf),
        cmocka_unit_test(test_cookie),
        cmocka_unit_test(test_login_throttle),
        cmocka_unit_test(test_session_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
