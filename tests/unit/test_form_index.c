/*
 * test_form_index.c - the index of a form body (web_formidx.c) and the
 * request's lookups through it (web_form_get, web_form_values in
 * web_http.c): empty bodies, fields without '=', bad escapes, '+' as
 * space, repeated names (the first one is the value; all of them in
 * body order), names that differ only by case, the field cap, "%00",
 * the plain fields of a multipart body, and many distinct names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "web.h"

/* The index of the string s (max fields); fails the test unless it
 * parses. */
static web_form *parse(const char *s, size_t max)
{
    web_form *w = NULL;
    assert_int_equal(web_form_parse(s, strlen(s), max, &w), KH_OK);
    assert_non_null(w);
    return w;
}

/* The first value of name: "<absent>", "<malformed>" or the value. */
static const char *first(const web_form *w, const char *name)
{
    size_t at = web_form_first(w, name);
    if (!at)
        return "<absent>";
    const char *v = web_form_value(w, at);
    return v ? v : "<malformed>";
}

/* Every value of name joined by '|' ("~" for a malformed one). */
static const char *all(const web_form *w, const char *name)
{
    static char out[256];
    out[0] = '\0';
    for (size_t at = web_form_first(w, name); at; at = web_form_next(w, at)) {
        const char *v = web_form_value(w, at);
        if (out[0])
            strcat(out, "|");
        strcat(out, v ? v : "~");
    }
    return out;
}

static void test_empty(void **state)
{
    (void)state;
    web_form *w = parse("", 10);
    assert_int_equal(web_form_count(w), 0);
    assert_string_equal(first(w, "a"), "<absent>");
    assert_string_equal(first(w, ""), "<absent>");
    web_form_free(w);
    w = parse("&&&", 10);
    assert_int_equal(web_form_count(w), 0);
    web_form_free(w);
    assert_int_equal(web_form_first(NULL, "a"), 0);
}

static void test_no_equals(void **state)
{
    (void)state;
    web_form *w = parse("a=&b&c=3&&d", 10);
    assert_int_equal(web_form_count(w), 2);
    assert_string_equal(first(w, "a"), "");
    assert_string_equal(first(w, "b"), "<absent>");   /* no '=': no field */
    assert_string_equal(first(w, "c"), "3");
    assert_string_equal(first(w, "d"), "<absent>");
    web_form_free(w);
    w = parse("=v&x==y", 10);
    assert_string_equal(first(w, ""), "v");
    assert_string_equal(first(w, "x"), "=y");
    web_form_free(w);
}

static void test_escapes(void **state)
{
    (void)state;
    web_form *w = parse("a=%zz&b=%4&c=%41%e4%b8%ad&d=%&e=x%g1&f=%2", 10);
    assert_string_equal(first(w, "a"), "<malformed>");
    assert_string_equal(first(w, "b"), "<malformed>");
    assert_string_equal(first(w, "c"), "A\xe4\xb8\xad");
    assert_string_equal(first(w, "d"), "<malformed>");
    assert_string_equal(first(w, "e"), "<malformed>");
    assert_string_equal(first(w, "f"), "<malformed>");
    web_form_free(w);
}

static void test_plus(void **state)
{
    (void)state;
    web_form *w = parse("q=a+b%2Bc+&a+b=1&a%20b=2", 10);
    assert_string_equal(first(w, "q"), "a b+c ");
    /* names are compared as sent, never decoded */
    assert_string_equal(first(w, "a+b"), "1");
    assert_string_equal(first(w, "a b"), "<absent>");
    assert_string_equal(first(w, "a%20b"), "2");
    web_form_free(w);
}

static void test_nul(void **state)
{
    (void)state;
    web_form *w = parse("a=%00&b=x%00y&c=ok", 10);
    assert_string_equal(first(w, "a"), "<malformed>");
    assert_string_equal(first(w, "b"), "<malformed>");
    assert_string_equal(first(w, "c"), "ok");
    web_form_free(w);
    /* a NUL byte in the body ends it, as the scanning reader's did */
    static const char body[] = "a=1\0b=2";
    assert_int_equal(web_form_parse(body, sizeof body - 1, 10, &w), KH_OK);
    assert_string_equal(first(w, "a"), "1");
    assert_string_equal(first(w, "b"), "<absent>");
    web_form_free(w);
}

static void test_repeated(void **state)
{
    (void)state;
    web_form *w = parse("c=1&d=x&c=2&C=9&c=3", 10);
    assert_string_equal(first(w, "c"), "1");   /* the first one wins */
    assert_string_equal(all(w, "c"), "1|2|3");
    assert_string_equal(all(w, "C"), "9");
    assert_string_equal(all(w, "d"), "x");
    assert_string_equal(all(w, "e"), "");
    web_form_free(w);
    /* a malformed first value is the value (NULL), later ones are kept */
    w = parse("a=%zz&a=ok", 10);
    assert_string_equal(first(w, "a"), "<malformed>");
    assert_string_equal(all(w, "a"), "~|ok");
    web_form_free(w);
}

static void test_case(void **state)
{
    (void)state;
    web_form *w = parse("Name=1&name=2&NAME=3", 10);
    assert_string_equal(first(w, "Name"), "1");
    assert_string_equal(first(w, "name"), "2");
    assert_string_equal(first(w, "NAME"), "3");
    assert_string_equal(first(w, "nAme"), "<absent>");
    web_form_free(w);
}

/* n fields "a=" (plus extra segments without '='). */
static char *fields(size_t n, size_t extra)
{
    char *s = malloc(3 * n + 2 * extra + 1), *p = s;
    assert_non_null(s);
    for (size_t i = 0; i < n; i++, p += 3)
        memcpy(p, "a=&", 3);
    for (size_t i = 0; i < extra; i++, p += 2)
        memcpy(p, "x&", 2);
    *p = '\0';
    return s;
}

static void test_cap(void **state)
{
    (void)state;
    web_form *w = parse("a=1&b=2&c=3", 3);
    assert_int_equal(web_form_count(w), 3);
    web_form_free(w);
    w = (web_form *)1;
    assert_int_equal(web_form_parse("a=1&b=2&c=3&d", 13, 3, &w), KH_OK);
    web_form_free(w);
    assert_int_equal(web_form_parse("a=1&b=2&c=3&d=", 14, 3, &w), KH_ELIMIT);
    assert_null(w);
    /* the server's cap: at it, and one over */
    char *s = fields(WEB_FORM_FIELDS_MAX, 100);
    w = parse(s, WEB_FORM_FIELDS_MAX);
    assert_int_equal(web_form_count(w), WEB_FORM_FIELDS_MAX);
    size_t n = 0;
    for (size_t at = web_form_first(w, "a"); at; at = web_form_next(w, at))
        n++;
    assert_int_equal(n, WEB_FORM_FIELDS_MAX);
    web_form_free(w);
    free(s);
    s = fields(WEB_FORM_FIELDS_MAX + 1, 0);
    assert_int_equal(web_form_parse(s, strlen(s), WEB_FORM_FIELDS_MAX, &w),
                     KH_ELIMIT);
    assert_null(w);
    free(s);
}

/* 40,000 distinct names, like a grid's cells: each finds its own. */
static void test_many(void **state)
{
    (void)state;
    enum { N = 40000 };
    char *s = malloc((size_t)N * 32), *p = s;
    assert_non_null(s);
    for (int i = 0; i < N; i++)
        p += sprintf(p, "%sv*u%06d*4.2*rating=%d", i ? "&" : "", i, i % 7);
    web_form *w = parse(s, WEB_FORM_FIELDS_MAX);
    assert_int_equal(web_form_count(w), N);
    for (int i = 0; i < N; i++) {
        char name[40], want[8];
        snprintf(name, sizeof name, "v*u%06d*4.2*rating", i);
        snprintf(want, sizeof want, "%d", i % 7);
        assert_string_equal(first(w, name), want);
    }
    assert_string_equal(first(w, "v*u040000*4.2*rating"), "<absent>");
    web_form_free(w);
    free(s);
}

static web_field *field(const char *name, const char *filename,
                        const char *data, size_t len, web_field *next)
{
    web_field *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->name = strdup(name);
    f->filename = filename ? strdup(filename) : NULL;
    kh_buf_init(&f->data, 0);
    if (len)
        kh_buf_add(&f->data, data, len);
    f->next = next;
    return f;
}

static void free_fields(web_field *f)
{
    while (f) {
        web_field *next = f->next;
        free(f->name);
        free(f->filename);
        kh_buf_free(&f->data);
        free(f);
        f = next;
    }
}

static void test_multipart(void **state)
{
    (void)state;
    web_field *fs = field("x", NULL, "1", 1,
                    field("file", "a.pdf", "%PDF", 4,
                    field("x", NULL, "a+b%41", 6,
                    field("n", NULL, "a\0b", 3,
                    field("e", NULL, "", 0, NULL)))));
    web_form *w = NULL;
    assert_int_equal(web_form_from_fields(fs, 10, &w), KH_OK);
    assert_int_equal(web_form_count(w), 4);   /* the file is no field */
    assert_string_equal(all(w, "x"), "1|a+b%41");   /* as sent */
    assert_string_equal(first(w, "file"), "<absent>");
    assert_string_equal(first(w, "n"), "<malformed>");
    assert_string_equal(first(w, "e"), "");
    web_form_free(w);
    assert_int_equal(web_form_from_fields(fs, 3, &w), KH_ELIMIT);
    assert_null(w);
    free_fields(fs);
}

/* The request's lookups: indexed on the first, freed with the request. */
static void test_request(void **state)
{
    (void)state;
    web_req r;
    memset(&r, 0, sizeof r);
    kh_buf_init(&r.body, WEB_BODY_CAP);
    const char *b = "csrf=t0k&unit=jd&unit=zz&unit=%zz&note=a+b";
    kh_buf_add(&r.body, b, strlen(b));
    char *v = web_form_get(&r, "csrf");
    assert_string_equal(v, "t0k");
    free(v);
    assert_true(r.form_done);
    v = web_form_get(&r, "unit");
    assert_string_equal(v, "jd");
    free(v);
    assert_null(web_form_get(&r, "missing"));
    char *vals[3];
    assert_int_equal(web_form_values(&r, "unit", vals, 3), 3);
    assert_string_equal(vals[0], "jd");
    assert_string_equal(vals[1], "zz");
    assert_null(vals[2]);
    free(vals[0]);
    free(vals[1]);
    assert_int_equal(web_form_values(&r, "unit", vals, 2), 3);   /* max + 1 */
    free(vals[0]);
    free(vals[1]);
    assert_int_equal(web_form_values(&r, "none", vals, 2), 0);
    web_form_free(r.form);
    kh_buf_free(&r.body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),     cmocka_unit_test(test_no_equals),
        cmocka_unit_test(test_escapes),   cmocka_unit_test(test_plus),
        cmocka_unit_test(test_nul),       cmocka_unit_test(test_repeated),
        cmocka_unit_test(test_case),      cmocka_unit_test(test_cap),
        cmocka_unit_test(test_many),      cmocka_unit_test(test_multipart),
        cmocka_unit_test(test_request),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
