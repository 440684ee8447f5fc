/*
 * test_docx.c - the .docx writer (lib/docs/docx_pkg.c, docx_body.c) on
 * a document built by hand: the package parts present and well formed
 * (expat), text escaped and never markup, line breaks, control
 * characters and bad UTF-8, the GB/T 9704 page setup, the draft
 * watermark, merged cells, the Chinese date.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <expat.h>
#include <zip.h>

#include "gw_impl.h"

static kh_gw *sample(bool draft)
{
    kh_gw *g = kh_gw_new();
    assert_non_null(g);
    g->redhead = true;
    g->draft = draft;
    kh_gw_set(g, &g->issuer, "中共晋城职业技术学院委员会");
    kh_gw_set(g, &g->number, "晋市职院党〔2026〕3号");
    kh_gw_set(g, &g->to, "各党支部、各处室系");
    kh_gw_set(g, &g->cc, "学院纪委");
    kh_gw_set(g, &g->printer, "晋城职业技术学院办公室");
    kh_gw_set(g, &g->date, "2026年12月7日");
    kh_gw_set(g, &g->title, "关于<b>结果</b>的通报");
    kh_gw_para(g, GW_BODY, "第一行\n第二行\t=1+2 & \"x\" 'y'\x01\x7f");
    kh_gw_para(g, GW_H1, "一、\xff坏");
    static const unsigned w[] = {1, 2, 1};
    kh_gw_table(g, 3, w, "lcr");
    kh_gw_row(g, GW_ROW_HEAD);
    kh_gw_cell(g, "名次");
    kh_gw_cell(g, "名称");
    kh_gw_cell(g, "总分");
    kh_gw_row(g, GW_ROW_BOLD);
    kh_gw_cell_span(g, "<script>合计</script>", 2);
    kh_gw_cell(g, "98.00");
    kh_gw_break(g);
    return g;
}

/* The archive's part name -> its text (malloc'd), or NULL. */
static char *part(const kh_buf *b, const char *name)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(b->data, b->len, 0, &ze);
    assert_non_null(src);
    zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
    assert_non_null(z);
    char *text = NULL;
    zip_stat_t st;
    if (zip_stat(z, name, 0, &st) == 0) {
        zip_file_t *f = zip_fopen(z, name, 0);
        assert_non_null(f);
        text = calloc(1, st.size + 1);
        assert_int_equal(zip_fread(f, text, st.size), (zip_int64_t)st.size);
        zip_fclose(f);
    }
    zip_close(z);
    zip_error_fini(&ze);
    return text;
}

static void well_formed(const char *name, const char *xml)
{
    XML_Parser p = XML_ParserCreate("UTF-8");
    int ok = XML_Parse(p, xml, (int)strlen(xml), 1);
    if (!ok)
        print_error("%s: %s at line %lu\n", name,
                    XML_ErrorString(XML_GetErrorCode(p)),
                    (unsigned long)XML_GetCurrentLineNumber(p));
    XML_ParserFree(p);
    assert_true(ok);
}

static kh_buf docx_of(kh_gw *g)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_err *e = kh_err_new();
    assert_int_equal(kh_docx_write(g, &b, e), KH_OK);
    assert_int_equal(kh_err_count(e), 0);
    kh_err_free(e);
    kh_gw_free(g);
    return b;
}

static void test_parts(void **state)
{
    (void)state;
    kh_buf b = docx_of(sample(false));
    static const char *const parts[] = {
        "[Content_Types].xml", "_rels/.rels", "docProps/core.xml",
        "word/_rels/document.xml.rels", "word/document.xml",
        "word/styles.xml", "word/settings.xml", "word/footer1.xml",
        "word/footer2.xml"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        char *t = part(&b, parts[i]);
        assert_non_null(t);
        well_formed(parts[i], t);
        free(t);
    }
    char *t = part(&b, "word/header1.xml");
    assert_null(t);   /* no watermark when not a draft */
    char *ft = part(&b, "word/footer1.xml");
    assert_non_null(strstr(ft, "— </w:t>"));
    assert_non_null(strstr(ft, "PAGE"));
    free(ft);
    char *set = part(&b, "word/settings.xml");
    assert_non_null(strstr(set, "<w:evenAndOddHeaders/>"));
    free(set);
    kh_buf_free(&b);
}

static void test_text_stays_text(void **state)
{
    (void)state;
    kh_buf b = docx_of(sample(false));
    char *d = part(&b, "word/document.xml");
    assert_non_null(d);
    well_formed("document.xml", d);
    assert_null(strstr(d, "<b>"));
    assert_null(strstr(d, "<script>"));
    assert_non_null(strstr(d, "关于&lt;b&gt;结果&lt;/b&gt;的通报"));
    assert_non_null(strstr(d, "&lt;script&gt;合计&lt;/script&gt;"));
    assert_non_null(strstr(d, "第一行</w:t><w:br/><w:t xml:space=\"preserve\">"
                              "第二行</w:t><w:tab/>"));
    assert_non_null(strstr(d, "=1+2 &amp; &quot;x&quot; &#39;y&#39;</w:t>"));
    assert_null(strstr(d, "\x01"));
    assert_non_null(strstr(d, "一、\xef\xbf\xbd坏"));   /* U+FFFD */
    /* The frame. */
    assert_non_null(strstr(d, "中共晋城职业技术学院委员会文件"));
    assert_non_null(strstr(d, "晋市职院党〔2026〕3号"));
    assert_non_null(strstr(d, "各党支部、各处室系："));
    assert_non_null(strstr(d, "抄送：学院纪委。"));
    assert_non_null(strstr(d, "晋城职业技术学院办公室</w:t><w:tab/>"
                              "<w:t xml:space=\"preserve\">2026年12月7日印发"));
    assert_non_null(strstr(d, "<w:gridSpan w:val=\"2\"/>"));
    assert_non_null(strstr(d, "<w:tblHeader/>"));
    assert_non_null(strstr(d, "<w:br w:type=\"page\"/>"));
    free(d);
    kh_buf_free(&b);
}

static void test_page_setup(void **state)
{
    (void)state;
    kh_buf b = docx_of(sample(false));
    char *d = part(&b, "word/document.xml");
    /* A4; 37 / 26 / 35 / 28 mm; 28.95 pt lines. */
    assert_non_null(strstr(d, "<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"));
    assert_non_null(strstr(d, "w:top=\"2098\" w:right=\"1474\" "
                              "w:bottom=\"1984\" w:left=\"1587\""));
    assert_non_null(strstr(d, "w:linePitch=\"579\""));
    free(d);
    char *s = part(&b, "word/styles.xml");
    assert_non_null(strstr(s, "w:line=\"579\" w:lineRule=\"exact\""));
    assert_non_null(strstr(s, "w:eastAsia=\"仿宋_GB2312\""));
    assert_non_null(strstr(s, "<w:sz w:val=\"32\"/>"));
    assert_non_null(strstr(s, "<w:color w:val=\"FF0000\"/>"));
    assert_non_null(strstr(s, "<w:sz w:val=\"44\"/>"));
    free(s);
    kh_buf_free(&b);
}

static void test_draft_watermark(void **state)
{
    (void)state;
    kh_buf b = docx_of(sample(true));
    char *h = part(&b, "word/header1.xml");
    assert_non_null(h);
    well_formed("header1.xml", h);
    assert_non_null(strstr(h, "string=\"草稿\""));
    free(h);
    char *r = part(&b, "word/_rels/document.xml.rels");
    assert_non_null(strstr(r, "header1.xml"));
    free(r);
    char *c = part(&b, "[Content_Types].xml");
    assert_non_null(strstr(c, "/word/header1.xml"));
    free(c);
    kh_buf_free(&b);
}

static void test_same_bytes(void **state)
{
    (void)state;
    kh_buf a = docx_of(sample(false)), b = docx_of(sample(false));
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    kh_buf_free(&a);
    kh_buf_free(&b);
}

static void test_date(void **state)
{
    (void)state;
    char d[32];
    kh_gw_date_cn("2026-12-07", d, sizeof d);
    assert_string_equal(d, "2026年12月7日");
    kh_gw_date_cn("2026-01-31", d, sizeof d);
    assert_string_equal(d, "2026年1月31日");
}

static void test_pdf(void **state)
{
    (void)state;
    kh_gw *g = sample(true);
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_err *e = kh_err_new();
    assert_int_equal(kh_pdf_write(g, &b, e), KH_OK);
    assert_true(b.len > 1000);
    assert_memory_equal(b.data, "%PDF-", 5);
    assert_non_null(strstr(b.data + b.len - 64, "%%EOF"));
    kh_buf_free(&b);
    kh_err_free(e);
    kh_gw_free(g);
}

static void test_limits(void **state)
{
    (void)state;
    kh_gw *g = sample(false);
    static const unsigned w[KH_GW_MAX_COLS + 1] = {1};
    kh_gw_table(g, KH_GW_MAX_COLS + 1, w, "l");
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_err *e = kh_err_new();
    assert_int_equal(kh_docx_write(g, &b, e), KH_ELIMIT);
    assert_int_equal(kh_err_errors(e), 1);
    assert_int_equal(b.len, 0);
    kh_buf_free(&b);
    kh_err_free(e);
    kh_gw_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parts),
        cmocka_unit_test(test_text_stays_text),
        cmocka_unit_test(test_page_setup),
        cmocka_unit_test(test_draft_watermark),
        cmocka_unit_test(test_same_bytes),
        cmocka_unit_test(test_date),
        cmocka_unit_test(test_pdf),
        cmocka_unit_test(test_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
