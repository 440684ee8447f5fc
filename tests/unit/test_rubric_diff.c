/*
 * test_rubric_diff.c - the rubric diff as a walk (kh_rubric_diff_each) and
 * in words for the web pages (kh_rubric_diff_html): the 2020 rubric
 * against a copy with a title, a max, a term's points, the bottom count,
 * the proration and a kind's name changed and item 2.2 renumbered 2.9.
 * The words come from the build tree's catalogue.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kaohe/error.h"
#include "kaohe/i18n.h"
#include "kaohe/rubric.h"
#include "kaohe/rubric_diff.h"

static char *text;
static size_t text_len;

/* text with each edits[i][0] replaced by edits[i][1] (each must occur). */
static char *edited(const char *const (*edits)[2], size_t n)
{
    char *t = strdup(text);
    for (size_t i = 0; i < n; i++) {
        char *p = strstr(t, edits[i][0]);
        assert_non_null(p);
        char *nt = NULL;
        assert_true(asprintf(&nt, "%.*s%s%s", (int)(p - t), t, edits[i][1],
                             p + strlen(edits[i][0])) > 0);
        free(t);
        t = nt;
    }
    return t;
}

static kh_rubric *load(const char *t)
{
    kh_err *e = kh_err_new();
    kh_rubric *r = NULL;
    kh_status st = kh_rubric_load_mem("r.yaml", t, strlen(t), e, &r);
    if (st != KH_OK) {
        char *m = kh_err_format(e, 0);
        fail_msg("%s", m ? m : "cannot load");
    }
    kh_err_free(e);
    return r;
}

static const char *const edits[][2] = {
    {"title: 意识形态工作责任制考核评分体系（试行）",
     "title: 评分体系<b>修订</b>"},
    {"bottom_n: 3 ", "bottom_n: 2 "},
    {"not_applicable: prorate", "not_applicable: raw"},
    {"{id: office, name: 处室}", "{id: office, name: 职能部门}"},
    {"label: 印证文件, points: 3}", "label: 印证文件, points: 2.5}"},
    {"        max: 3\n", "        max: 2.5\n"},          /* 1.1, the first */
    {"      - id: \"1.2\"", "      - id: \"1.2\""},
    {"      - id: \"2.2\"", "      - id: \"2.9\""},
};

static int setup(void **state)
{
    (void)state;
    FILE *f = fopen("rubrics/ideology-2020.yaml", "rb");
    if (!f)
        return -1;
    static char buf[1 << 20];
    text_len = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[text_len] = '\0';
    text = buf;
    return kh_i18n_init(KH_TEST_LOCALEDIR) == KH_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    kh_i18n_done();
    return 0;
}

/* The words of every kind of change, escaped, with no file key. */
static void test_html_words(void **state)
{
    (void)state;
    char *t2 = edited(edits, sizeof edits / sizeof edits[0]);
    /* 1.2's max 2 -> 2.5 keeps category 1 at 25 */
    char *p = strstr(t2, "      - id: \"1.2\"");
    assert_non_null(p);
    p = strstr(p, "        max: 2\n");
    assert_non_null(p);
    char *t3 = NULL;
    assert_true(asprintf(&t3, "%.*s        max: 2.5\n%s", (int)(p - t2), t2,
                         p + strlen("        max: 2\n")) > 0);
    kh_rubric *a = load(text), *b = load(t3);
    kh_buf o;
    kh_buf_init(&o, 0);
    size_t n = 0;
    assert_int_equal(kh_rubric_diff_html(a, b, "d", &o, &n), KH_OK);
    const char *h = kh_buf_str(&o);
    if (getenv("KH_TEST_SHOW"))
        fputs(h, stderr);
    assert_non_null(strstr(h, "<ul id=\"d\" class=\"rdiff\">"));
    assert_non_null(strstr(h, "考核要点 1.1「把意识形态工作纳入支部党建工作，纳入部门…」"
                              "的满分：3.00 分 → 2.50 分"));
    assert_non_null(strstr(h, "的评分项：<ul><li class=\"del\">原为：印证文件："
                              "是则得 3 分</li><li class=\"ins\">现为：印证文件："
                              "是则得 2.5 分</li></ul>"));
    assert_non_null(strstr(h, "评分体系的标题：“意识形态工作责任制考核评分体系（试行）”"
                              " → “评分体系&lt;b&gt;修订&lt;/b&gt;”"));
    assert_non_null(strstr(h, "排名后 3 位 → 排名后 2 位"));
    assert_non_null(strstr(h, "按适用项折算为满分制 → 按适用项原始分计，不折算"));
    assert_non_null(strstr(h, "单位类别「处室」的名称：“处室” → “职能部门”"));
    assert_non_null(strstr(h, "删除：考核要点 2.2「"));
    assert_non_null(strstr(h, "新增：考核要点 2.9「"));
    assert_non_null(strstr(h, "（满分 4.00 分）"));
    assert_null(strstr(h, "<b>"));
    const char *keys[] = {"max", "terms", "title", "prorate", "raw", "kind",
                          "points", "→ 250", "bottom_n"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strstr(h, keys[i]))
            fail_msg("file key \"%s\" in the words:\n%s", keys[i], h);
    /* the same walk as the CLI's lines */
    kh_buf l;
    kh_buf_init(&l, 0);
    size_t nl = 0;
    assert_int_equal(kh_rubric_diff(a, "a", b, "b", &l, &nl), KH_OK);
    assert_int_equal(n, nl);
    assert_int_equal(n, 9);
    kh_buf_free(&l);
    kh_buf_free(&o);
    kh_rubric_free(a);
    kh_rubric_free(b);
    free(t2);
    free(t3);
}

typedef struct stop_ctx {
    size_t calls;
} stop_ctx;

static kh_status stop_second(void *ctx, const kh_rdiff *d)
{
    stop_ctx *c = ctx;
    assert_true(d->op == KH_RDIFF_CHANGED || d->id);
    return ++c->calls == 2 ? KH_ENOMEM : KH_OK;
}

/* The walk stops at the callback's first failure and returns it. */
static void test_each_stops(void **state)
{
    (void)state;
    char *t2 = edited(edits, 4);
    kh_rubric *a = load(text), *b = load(t2);
    stop_ctx c = {0};
    assert_int_equal(kh_rubric_diff_each(a, b, stop_second, &c), KH_ENOMEM);
    assert_int_equal(c.calls, 2);
    /* equal rubrics: no call */
    c.calls = 0;
    assert_int_equal(kh_rubric_diff_each(a, a, stop_second, &c), KH_OK);
    assert_int_equal(c.calls, 0);
    kh_rubric_free(a);
    kh_rubric_free(b);
    free(t2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_html_words),
        cmocka_unit_test(test_each_stops),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
