/* Unit tests: reading CSV (UTF-8, UTF-8 with BOM, GB18030) and XLSX files
 * into a kh_table, and the located errors for broken ones.  Every input
 * file is made here: CSV bytes directly (GB18030 through iconv), XLSX
 * archives with libzip. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "kaohe/table.h"
#include "kaohe/error.h"
#include "table_impl.h"

static char tmpdir[] = "/tmp/kh_test_table_XXXXXX";

/* ---- helpers -------------------------------------------------------- */

/* Reads data as file "t.csv" (or the given name); asserts success. */
static kh_table *read_ok_n(const char *name, const void *data, size_t len,
                           size_t max_rows)
{
    kh_err *e = kh_err_new();
    kh_table *t = NULL;
    kh_status st = kh_table_read_mem(name, data, len, max_rows, e, &t);
    if (st != KH_OK) {
        for (size_t i = 0; i < kh_err_count(e); i++) {
            char *m = kh_err_format(e, i);
            print_error("unexpected: %s\n", m);
            free(m);
        }
    }
    assert_int_equal(st, KH_OK);
    assert_int_equal(kh_err_count(e), 0);
    assert_non_null(t);
    kh_err_free(e);
    return t;
}

static kh_table *read_ok(const char *s)
{
    return read_ok_n("t.csv", s, strlen(s), 1000);
}

/* Reads data expecting failure with status st; returns the error list
 * (caller frees). */
static kh_err *read_fail_n(const char *name, const void *data, size_t len,
                           size_t max_rows, kh_status want)
{
    kh_err *e = kh_err_new();
    kh_table *t = (kh_table *)&t;   /* must be reset to NULL */
    kh_status st = kh_table_read_mem(name, data, len, max_rows, e, &t);
    assert_int_equal(st, want);
    assert_null(t);
    assert_true(kh_err_errors(e) >= 1);
    return e;
}

static kh_err *read_fail(const char *s, kh_status want)
{
    return read_fail_n("t.csv", s, strlen(s), 1000, want);
}

/* Asserts message i of e formats exactly as want. */
static void assert_msg(const kh_err *e, size_t i, const char *want)
{
    char *m = kh_err_format(e, i);
    assert_non_null(m);
    assert_string_equal(m, want);
    free(m);
}

/* Asserts message i of e starts with want. */
static void assert_msg_prefix(const kh_err *e, size_t i, const char *want)
{
    char *m = kh_err_format(e, i);
    assert_non_null(m);
    if (strncmp(m, want, strlen(want)) != 0)
        fail_msg("message \"%s\" does not start with \"%s\"", m, want);
    free(m);
}

/* UTF-8 -> GB18030 through iconv; malloc'd, length in *n. */
static char *to_gb18030(const char *s, size_t *n)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t il = strlen(s), ol = il * 2 + 8;
    char *out = malloc(ol), *ip = (char *)s, *op = out;
    assert_non_null(out);
    assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
    iconv_close(cd);
    *n = (size_t)(op - out);
    return out;
}

static char *path_in_tmp(const char *name)
{
    char *p = NULL;
    assert_true(asprintf(&p, "%s/%s", tmpdir, name) > 0);
    return p;
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *d = malloc((size_t)sz + 1);
    assert_non_null(d);
    assert_int_equal(fread(d, 1, (size_t)sz, f), (size_t)sz);
    fclose(f);
    *n = (size_t)sz;
    return d;
}

/* ---- XLSX builder ---------------------------------------------------- */

typedef struct part {
    const char *name;
    const char *text;      /* NULL: leave the part out */
} part;

static const char *CT =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
    "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
    "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>"
    "</Types>";

static const char *RELS =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
    "</Relationships>";

static const char *WB =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"单位\" sheetId=\"1\" r:id=\"rId1\"/>"
    "<sheet name=\"Sheet2\" sheetId=\"2\" r:id=\"rId9\"/></sheets></workbook>";

static const char *WB_RELS =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "</Relationships>";

#define SST_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n" \
    "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
#define SHEET_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n" \
    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">" \
    "<dimension ref=\"A1:C8\"/><sheetData>"
#define SHEET_TAIL "</sheetData><mergeCells count=\"0\"/></worksheet>"

static const char *SST =
    SST_HEAD
    "<si><t>编号</t></si>"
    "<si><t xml:space=\"preserve\"> 名称 </t></si>"
    /* rich text with a phonetic run that must not show */
    "<si><r><rPr><b/></rPr><t>机电</t></r><r><t>工程系</t></r>"
    "<rPh sb=\"0\" eb=\"1\"><t>ji dian</t></rPh></si>"
    "<si><t>a_x000D_b_x005F_x0041_</t></si>"
    "</sst>";

/* Writes the parts as an XLSX in the temp dir and returns its bytes. */
static char *make_xlsx(const part *parts, size_t nparts, size_t *n)
{
    char *path = path_in_tmp("built.xlsx");
    int zerr = 0;
    zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    assert_non_null(za);
    for (size_t i = 0; i < nparts; i++) {
        if (!parts[i].text)
            continue;
        zip_source_t *s = zip_source_buffer(za, parts[i].text,
                                            strlen(parts[i].text), 0);
        assert_non_null(s);
        assert_true(zip_file_add(za, parts[i].name, s, ZIP_FL_ENC_UTF_8) >= 0);
    }
    assert_int_equal(zip_close(za), 0);
    char *d = slurp(path, n);
    free(path);
    return d;
}

/* A standard workbook with the given sheet XML (and shared strings, or
 * the default SST when NULL). */
static char *std_xlsx(const char *sheet, const char *sst, size_t *n)
{
    part parts[] = {
        { "[Content_Types].xml", CT },
        { "_rels/.rels", RELS },
        { "xl/workbook.xml", WB },
        { "xl/_rels/workbook.xml.rels", WB_RELS },
        { "xl/sharedStrings.xml", sst ? sst : SST },
        { "xl/worksheets/sheet1.xml", sheet },
    };
    return make_xlsx(parts, sizeof parts / sizeof parts[0], n);
}

/* ---- CSV ------------------------------------------------------------ */

static void test_utf8_bom(void **state)
{
    (void)state;
    kh_table *t = read_ok("\xEF\xBB\xBF编号,名称,类别,支部编号,支部名称\r\n"
                          "jd,机电工程系,faculty,jd,\r\n"
                          "dbgs,党委办公室,office,admin-1,机关第一党支部\r\n");
    assert_int_equal(kh_table_get_format(t), KH_TABLE_CSV);
    assert_string_equal(kh_table_encoding(t), "UTF-8 (BOM)");
    assert_int_equal(kh_table_rows(t), 3);
    assert_int_equal(kh_table_cols(t, 0), 5);
    assert_string_equal(kh_table_cell(t, 0, 0), "编号");   /* BOM gone */
    assert_string_equal(kh_table_cell(t, 1, 1), "机电工程系");
    assert_string_equal(kh_table_cell(t, 1, 4), "");
    assert_int_equal(kh_table_cols(t, 1), 5);
    assert_string_equal(kh_table_cell(t, 2, 4), "机关第一党支部");
    assert_int_equal(kh_table_line(t, 2), 3);
    kh_table_free(t);
}

static void test_utf8_plain(void **state)
{
    (void)state;
    /* LF line ends, no final newline */
    kh_table *t = read_ok("unit,name,value\njd,张三,5230\njd,李四,4100");
    assert_string_equal(kh_table_encoding(t), "UTF-8");
    assert_int_equal(kh_table_rows(t), 3);
    assert_string_equal(kh_table_cell(t, 2, 1), "李四");
    assert_string_equal(kh_table_cell(t, 2, 2), "4100");
    /* out of range is "" and 0, never a crash */
    assert_string_equal(kh_table_cell(t, 2, 3), "");
    assert_string_equal(kh_table_cell(t, 9, 0), "");
    assert_int_equal(kh_table_cols(t, 9), 0);
    assert_int_equal(kh_table_line(t, 9), 0);
    kh_table_free(t);
    /* old Mac CR line ends */
    t = read_ok("a,b\rc,d\r");
    assert_int_equal(kh_table_rows(t), 2);
    assert_string_equal(kh_table_cell(t, 1, 1), "d");
    assert_int_equal(kh_table_line(t, 1), 2);
    kh_table_free(t);
}

static void test_gb18030(void **state)
{
    (void)state;
    const char *u = "编号,名称,类别\r\njd,机电工程系,faculty\r\n"
                    "zzb,组织部（党校）,office\r\n";
    size_t n;
    char *gb = to_gb18030(u, &n);
    assert_true(n < strlen(u));   /* really re-encoded: 2 bytes a hanzi */
    kh_table *t = read_ok_n("gb.csv", gb, n, 100);
    assert_string_equal(kh_table_encoding(t), "GB18030");
    assert_int_equal(kh_table_rows(t), 3);
    assert_string_equal(kh_table_cell(t, 0, 0), "编号");
    assert_string_equal(kh_table_cell(t, 1, 1), "机电工程系");
    assert_string_equal(kh_table_cell(t, 2, 1), "组织部（党校）");
    assert_string_equal(kh_table_cell(t, 2, 2), "office");
    kh_table_free(t);
    free(gb);
    /* a 4-byte GB18030 character (U+20AC euro sign is 2 bytes; U+00E9 é
     * is 4 bytes) */
    gb = to_gb18030("名称\nCafé\n", &n);
    t = read_ok_n("gb.csv", gb, n, 100);
    assert_string_equal(kh_table_cell(t, 1, 0), "Café");
    kh_table_free(t);
    free(gb);
}

static void test_bad_encoding(void **state)
{
    (void)state;
    /* GB18030 text with a byte that is neither UTF-8 nor GB18030: the
     * place is where GB18030 (the likelier reading) broke down */
    size_t n1, n2;
    char *a = to_gb18030("编号,名称\r\njd,机", &n1);
    char *b = to_gb18030("电\r\n", &n2);
    char *bad = malloc(n1 + 1 + n2);
    memcpy(bad, a, n1);
    bad[n1] = (char)0xFF;
    memcpy(bad + n1 + 1, b, n2);
    kh_err *e = read_fail_n("gb.csv", bad, n1 + 1 + n2, 100, KH_EINVAL);
    assert_int_equal(kh_err_count(e), 1);
    assert_msg(e, 0, "gb.csv:2:5: not valid UTF-8 or GB18030 (byte 0xFF)");
    kh_err_free(e);
    free(a);
    free(b);
    free(bad);

    /* UTF-8 text with one Latin-1 byte */
    e = read_fail("id,name\nab,\xE9,x\n", KH_EINVAL);
    assert_msg(e, 0, "t.csv:2:4: not valid UTF-8 or GB18030 (byte 0xE9)");
    kh_err_free(e);
    /* a BOM promises UTF-8: no GB18030 guess */
    e = read_fail("\xEF\xBB\xBFid\nx\xB1\xE0", KH_EINVAL);
    assert_msg(e, 0, "t.csv:2:2: not valid UTF-8 (byte 0xB1)");
    kh_err_free(e);
    /* cut short at the end */
    e = read_fail("abc,\xE7", KH_EINVAL);
    assert_msg(e, 0, "t.csv:1:5: not valid UTF-8 or GB18030 (incomplete "
               "character at the end of the file)");
    kh_err_free(e);
    /* UTF-16 and legacy .xls get a hint instead */
    e = read_fail_n("u16.csv", "\xFF\xFEi\0d\0", 6, 10, KH_EINVAL);
    assert_msg_prefix(e, 0, "u16.csv:1:1: UTF-16 text");
    kh_err_free(e);
    e = read_fail_n("old.xls", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0", 10, 10,
                    KH_EINVAL);
    assert_msg_prefix(e, 0, "old.xls: an Excel 97-2003 (.xls)");
    kh_err_free(e);
    /* an overlong form, a surrogate and a value past U+10FFFF are not
     * UTF-8, so these bytes are read as the GB18030 they also are */
    static const char *const not_utf8[] = {
        "a\n\xC0\xAF\n", "a\n\xED\xBF\xBF\xA1\n", "a\n\xF4\x90\xA1\xA1\n",
    };
    for (size_t i = 0; i < 3; i++) {
        kh_table *t = read_ok(not_utf8[i]);
        assert_string_equal(kh_table_encoding(t), "GB18030");
        kh_table_free(t);
    }
    /* and the largest code point is */
    kh_table *t = read_ok("a\n\xF4\x8F\xBF\xBF\n");
    assert_string_equal(kh_table_encoding(t), "UTF-8");
    kh_table_free(t);
}

static void test_nul(void **state)
{
    (void)state;
    kh_err *e = read_fail_n("n.csv", "a,b\nc,\0d\n", 9, 10, KH_EINVAL);
    assert_msg(e, 0, "n.csv:2:3: NUL byte: this is not a text (CSV) file");
    kh_err_free(e);
}

static void test_quoted(void **state)
{
    (void)state;
    kh_table *t = read_ok("name,note,n\r\n"
                          "\"张三, 李四\",\"say \"\"hi\"\"\",\"line1\r\nline2\"\r\n"
                          "\"\",\"\"\"\",3\r\n");
    assert_int_equal(kh_table_rows(t), 3);
    assert_string_equal(kh_table_cell(t, 1, 0), "张三, 李四");
    assert_string_equal(kh_table_cell(t, 1, 1), "say \"hi\"");
    assert_string_equal(kh_table_cell(t, 1, 2), "line1\nline2");
    assert_int_equal(kh_table_line(t, 1), 2);
    assert_int_equal(kh_table_line(t, 2), 4);   /* record 2 took 2 lines */
    assert_string_equal(kh_table_cell(t, 2, 0), "");
    assert_string_equal(kh_table_cell(t, 2, 1), "\"");
    assert_int_equal(kh_table_cols(t, 2), 3);
    kh_table_free(t);
    /* blanks after a closing quote are allowed */
    t = read_ok("\"a\"  ,b\n");
    assert_string_equal(kh_table_cell(t, 0, 0), "a");
    assert_string_equal(kh_table_cell(t, 0, 1), "b");
    kh_table_free(t);
}

static void test_unterminated(void **state)
{
    (void)state;
    kh_err *e = read_fail("a,b\nc,\"d\ne\nf,g\n", KH_EINVAL);
    assert_int_equal(kh_err_count(e), 1);
    assert_msg(e, 0, "t.csv:2:3: unterminated quoted field (the quote opens "
               "here)");
    kh_err_free(e);
}

static void test_stray_quote(void **state)
{
    (void)state;
    /* every bad field is reported, each at its quote */
    kh_err *e = read_fail("a,b\"c\n编号,名\"称\n\"x\"y,z\n", KH_EINVAL);
    assert_int_equal(kh_err_count(e), 3);
    assert_msg_prefix(e, 0, "t.csv:1:4: quote inside an unquoted field");
    assert_msg_prefix(e, 1, "t.csv:2:5: quote inside an unquoted field");
    assert_msg_prefix(e, 2, "t.csv:3:4: unexpected text after a closing "
                      "quote");
    kh_err_free(e);
    /* a quote after leading blanks is not an opening quote */
    e = read_fail("a, \"b\"\n", KH_EINVAL);
    assert_msg_prefix(e, 0, "t.csv:1:4: quote inside");
    kh_err_free(e);
}

static void test_too_many_errors(void **state)
{
    (void)state;
    char buf[4096] = "";
    for (int i = 0; i < 200; i++)
        strcat(buf, "a\"b\n");
    kh_err *e = read_fail(buf, KH_EINVAL);
    assert_int_equal(kh_err_count(e), KH_TABLE_MAX_ERRORS + 1);
    assert_msg(e, KH_TABLE_MAX_ERRORS, "t.csv:50: too many errors; giving up");
    kh_err_free(e);
}

static void test_empty_rows(void **state)
{
    (void)state;
    /* trailing empty rows (as Excel leaves them) are dropped; blank rows
     * in the middle are kept with their line */
    kh_table *t = read_ok("a,b\r\n\r\nc,d\r\n,\r\n\r\n , \t\r\n");
    assert_int_equal(kh_table_rows(t), 3);
    assert_int_equal(kh_table_line(t, 1), 2);
    assert_string_equal(kh_table_cell(t, 1, 0), "");
    assert_string_equal(kh_table_cell(t, 2, 1), "d");
    assert_int_equal(kh_table_line(t, 2), 3);
    kh_table_free(t);
    t = read_ok("");
    assert_int_equal(kh_table_rows(t), 0);
    const char *names[] = { "id", NULL };
    assert_int_equal(kh_table_find_col(t, names), -1);
    kh_table_free(t);
    t = read_ok("\xEF\xBB\xBF\r\n,,\r\n");
    assert_int_equal(kh_table_rows(t), 0);
    kh_table_free(t);
}

static void test_trim(void **state)
{
    (void)state;
    kh_table *t = read_ok(" a ,\t b\t,\xE3\x80\x80" "c\xC2\xA0,\"  d  \","
                          "\xE3\x80\x80\n");
    assert_string_equal(kh_table_cell(t, 0, 0), "a");
    assert_string_equal(kh_table_cell(t, 0, 1), "b");
    assert_string_equal(kh_table_cell(t, 0, 2), "c");
    assert_string_equal(kh_table_cell(t, 0, 3), "d");
    assert_string_equal(kh_table_cell(t, 0, 4), "");
    assert_int_equal(kh_table_cols(t, 0), 5);
    kh_table_free(t);
}

static void test_find_col(void **state)
{
    (void)state;
    static const char *const id[] = { "编号", "id", NULL };
    static const char *const name[] = { "名称", "name", NULL };
    static const char *const branch[] = { " 支部编号 ", "branch", NULL };
    static const char *const nope[] = { "积分", "value", NULL };
    kh_table *t = read_ok("\xEF\xBB\xBF名称, 编号 ,支部编号\r\nx,y,z\r\n");
    assert_int_equal(kh_table_find_col(t, id), 1);
    assert_int_equal(kh_table_find_col(t, name), 0);
    assert_int_equal(kh_table_find_col(t, branch), 2);
    assert_int_equal(kh_table_find_col(t, nope), -1);
    kh_table_free(t);
    t = read_ok("id,name,kind,branch,branch_name\n");
    assert_int_equal(kh_table_find_col(t, id), 0);
    assert_int_equal(kh_table_find_col(t, name), 1);
    assert_int_equal(kh_table_find_col(t, branch), 3);
    /* exact match only */
    static const char *const bn[] = { "Branch", NULL };
    assert_int_equal(kh_table_find_col(t, bn), -1);
    kh_table_free(t);
}

static void test_row_cap(void **state)
{
    (void)state;
    kh_table *t = read_ok_n("c.csv", "h\n1\n2\n", 6, 3);
    assert_int_equal(kh_table_rows(t), 3);
    kh_table_free(t);
    /* empty rows past the cap are trailing, so fine */
    t = read_ok_n("c.csv", "h\n1\n2\n,\n\n", 9, 3);
    assert_int_equal(kh_table_rows(t), 3);
    kh_table_free(t);
    kh_err *e = read_fail_n("c.csv", "h\n1\n2\n\n3\n", 9, 3, KH_ELIMIT);
    assert_msg(e, 0, "c.csv:5:1: more than 3 rows");
    kh_err_free(e);
}

static void test_cell_cap(void **state)
{
    (void)state;
    size_t n = KH_TABLE_MAX_CELL + 10;
    char *big = malloc(n + 8);
    memcpy(big, "a\nb,\"", 5);
    memset(big + 5, 'x', KH_TABLE_MAX_CELL);
    memcpy(big + 5 + KH_TABLE_MAX_CELL, "\"\n", 2);
    /* exactly at the cap: fine */
    kh_table *t = read_ok_n("big.csv", big, 7 + KH_TABLE_MAX_CELL, 10);
    assert_int_equal(strlen(kh_table_cell(t, 1, 1)), KH_TABLE_MAX_CELL);
    kh_table_free(t);
    /* one more byte, quoted or not: a located error */
    memcpy(big + 5 + KH_TABLE_MAX_CELL, "y\"\n", 3);
    kh_err *e = read_fail_n("big.csv", big, 8 + KH_TABLE_MAX_CELL, 10,
                            KH_ELIMIT);
    assert_msg(e, 0, "big.csv:2:3: cell is longer than 65536 bytes");
    kh_err_free(e);
    big[4] = 'x';
    big[6 + KH_TABLE_MAX_CELL] = ',';
    e = read_fail_n("big.csv", big, 8 + KH_TABLE_MAX_CELL, 10, KH_ELIMIT);
    assert_msg(e, 0, "big.csv:2:3: cell is longer than 65536 bytes");
    kh_err_free(e);
    free(big);
}

static void test_ref(void **state)
{
    (void)state;
    char buf[32];
    kh_table *t = read_ok("a\nb\n\n\n\n\nx,y,z\n");
    assert_string_equal(kh_table_ref(t, 6, 2, buf), "7:3");
    kh_table_free(t);
    static const struct { unsigned col; const char *name; } cn[] = {
        { 0, "A" }, { 25, "Z" }, { 26, "AA" }, { 51, "AZ" }, { 52, "BA" },
        { 701, "ZZ" }, { 702, "AAA" }, { 16383, "XFD" },
    };
    for (size_t i = 0; i < sizeof cn / sizeof cn[0]; i++) {
        kh_table_col_name(cn[i].col, buf);
        assert_string_equal(buf, cn[i].name);
    }
}

static void test_read_file(void **state)
{
    (void)state;
    char *p = path_in_tmp("units.csv");
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fputs("编号,名称\r\njd,机电工程系\r\nx,\"y\r\n", f);
    fclose(f);
    kh_err *e = kh_err_new();
    kh_table *t = NULL;
    kh_err_set_file(e, "outer.yaml");
    assert_int_equal(kh_table_read(p, 100, e, &t), KH_EINVAL);
    assert_null(t);
    char *want = NULL;
    assert_true(asprintf(&want, "%s:3:3: unterminated quoted field (the "
                         "quote opens here)", p) > 0);
    assert_msg(e, 0, want);
    /* the caller's current file is restored */
    assert_string_equal(kh_err_file(e), "outer.yaml");
    free(want);
    kh_err_clear(e);
    f = fopen(p, "wb");
    fputs("编号,名称\r\njd,机电工程系\r\n", f);
    fclose(f);
    assert_int_equal(kh_table_read(p, 100, e, &t), KH_OK);
    assert_string_equal(kh_table_cell(t, 1, 1), "机电工程系");
    kh_table_free(t);
    free(p);
    p = path_in_tmp("nope.csv");
    assert_int_equal(kh_table_read(p, 100, e, &t), KH_EIO);
    assert_null(t);
    assert_int_equal(kh_err_errors(e), 1);
    kh_err_free(e);
    free(p);
}

/* ---- XLSX ----------------------------------------------------------- */

static void test_xlsx_cells(void **state)
{
    (void)state;
    size_t n;
    char *x = std_xlsx(
        SHEET_HEAD
        "<row r=\"1\" spans=\"1:3\">"
        "<c r=\"A1\" t=\"s\"><v>0</v></c>"
        "<c r=\"B1\" t=\"s\" s=\"2\"><v>1</v></c>"
        "<c r=\"C1\" t=\"inlineStr\"><is><t>积分</t></is></c></row>"
        "<row r=\"2\" ht=\"20\" customHeight=\"1\"/>"   /* styled, empty */
        "<row r=\"7\">"
        "<c r=\"A7\" t=\"s\"><v>2</v></c>"
        "<c r=\"C7\"><v>4100.5</v></c></row>"
        "<row r=\"8\">"
        "<c r=\"A8\" t=\"str\"><f>A7&amp;\"\"</f><v>机电</v></c>"
        "<c r=\"B8\" t=\"b\"><v>1</v></c>"
        "<c r=\"C8\"><v>4.0999999999999996</v></c>"
        "<c r=\"D8\" t=\"s\"><v>3</v></c>"
        "<c r=\"E8\" t=\"inlineStr\"><is><r><t>富</t></r><r><rPr/><t>文本</t></r>"
        "<rPh><t>fu</t></rPh></is></c>"
        "<c r=\"F8\" t=\"e\"><v>#N/A</v></c>"
        "<c r=\"G8\" s=\"3\"/></row>"                  /* formatting only */
        "<row r=\"9\"><c r=\"A9\" s=\"1\"/></row>"      /* trailing, empty */
        SHEET_TAIL, NULL, &n);
    kh_table *t = read_ok_n("units.xlsx", x, n, 100);
    assert_int_equal(kh_table_get_format(t), KH_TABLE_XLSX);
    assert_string_equal(kh_table_encoding(t), "XLSX");
    assert_int_equal(kh_table_rows(t), 4);
    assert_string_equal(kh_table_cell(t, 0, 0), "编号");
    assert_string_equal(kh_table_cell(t, 0, 1), "名称");   /* trimmed */
    assert_string_equal(kh_table_cell(t, 0, 2), "积分");
    assert_int_equal(kh_table_line(t, 1), 2);
    assert_int_equal(kh_table_cols(t, 1), 0);
    /* sparse: C7 after A7 */
    assert_int_equal(kh_table_line(t, 2), 7);
    assert_int_equal(kh_table_cols(t, 2), 3);
    assert_string_equal(kh_table_cell(t, 2, 0), "机电工程系");
    assert_string_equal(kh_table_cell(t, 2, 1), "");
    assert_string_equal(kh_table_cell(t, 2, 2), "4100.5");
    assert_string_equal(kh_table_cell(t, 3, 0), "机电");
    assert_string_equal(kh_table_cell(t, 3, 1), "TRUE");
    assert_string_equal(kh_table_cell(t, 3, 2), "4.0999999999999996");
    assert_string_equal(kh_table_cell(t, 3, 3), "a\rb_x0041_");
    assert_string_equal(kh_table_cell(t, 3, 4), "富文本");
    assert_string_equal(kh_table_cell(t, 3, 5), "#N/A");
    assert_int_equal(kh_table_cols(t, 3), 6);
    char buf[32];
    assert_string_equal(kh_table_ref(t, 2, 2, buf), "C7");
    assert_string_equal(kh_table_ref(t, 3, 27, buf), "AB8");
    static const char *const score[] = { "积分", "value", NULL };
    assert_int_equal(kh_table_find_col(t, score), 2);
    kh_table_free(t);
    free(x);
}

static void test_xlsx_no_refs(void **state)
{
    (void)state;
    /* no r attributes (some generators): positions count; no package
     * rels (workbook at its usual place) and no shared strings */
    part parts[] = {
        { "xl/workbook.xml", WB },
        { "xl/_rels/workbook.xml.rels",
          "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
          "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"/xl/worksheets/../worksheets/s.xml\"/>"
          "</Relationships>" },
        { "xl/worksheets/s.xml",
          SHEET_HEAD
          "<row><c t=\"inlineStr\"><is><t>unit</t></is></c>"
          "<c t=\"inlineStr\"><is><t>value</t></is></c></row>"
          "<row><c t=\"inlineStr\"><is><t>jd</t></is></c><c><v>5230</v></c></row>"
          SHEET_TAIL },
    };
    size_t n;
    char *x = make_xlsx(parts, 3, &n);
    kh_table *t = read_ok_n("r.xlsx", x, n, 100);
    assert_int_equal(kh_table_rows(t), 2);
    assert_int_equal(kh_table_line(t, 1), 2);
    assert_string_equal(kh_table_cell(t, 1, 1), "5230");
    kh_table_free(t);
    free(x);
}

static void test_xlsx_cell_errors(void **state)
{
    (void)state;
    size_t n;
    char *x = std_xlsx(
        SHEET_HEAD
        "<row r=\"2\"><c r=\"B2\" t=\"s\"><v>99</v></c>"
        "<c r=\"C2\" t=\"b\"><v>yes</v></c>"
        "<c r=\"D2\" t=\"q\"><v>1</v></c>"
        "<c r=\"E2\" t=\"s\"><v>-1</v></c></row>"
        SHEET_TAIL, NULL, &n);
    kh_err *e = read_fail_n("e.xlsx", x, n, 100, KH_EINVAL);
    assert_int_equal(kh_err_count(e), 4);
    assert_msg(e, 0, "e.xlsx: B2: shared string \"99\" does not exist (the "
               "file has 4)");
    assert_msg(e, 1, "e.xlsx: C2: bad boolean \"yes\"");
    assert_msg(e, 2, "e.xlsx: D2: unknown cell type \"q\"");
    assert_msg(e, 3, "e.xlsx: E2: shared string \"-1\" does not exist (the "
               "file has 4)");
    const kh_msg *m = kh_err_get(e, 0);
    assert_int_equal(m->line, 0);
    assert_string_equal(m->path, "B2");
    kh_err_free(e);
    free(x);

    /* out of order cells and rows */
    x = std_xlsx(SHEET_HEAD "<row r=\"7\"><c r=\"C7\"><v>1</v></c>"
                 "<c r=\"A7\"><v>2</v></c></row>" SHEET_TAIL, NULL, &n);
    e = read_fail_n("e.xlsx", x, n, 100, KH_EINVAL);
    assert_msg(e, 0, "e.xlsx: A7: cell repeated or out of order");
    kh_err_free(e);
    free(x);
    x = std_xlsx(SHEET_HEAD "<row r=\"7\"><c r=\"C8\"><v>1</v></c></row>"
                 SHEET_TAIL, NULL, &n);
    e = read_fail_n("e.xlsx", x, n, 100, KH_EINVAL);
    assert_msg(e, 0, "e.xlsx: C8: cell is inside row 7");
    kh_err_free(e);
    free(x);
    x = std_xlsx(SHEET_HEAD "<row r=\"7\"/><row r=\"3\"/>" SHEET_TAIL, NULL,
                 &n);
    e = read_fail_n("e.xlsx", x, n, 100, KH_EINVAL);
    assert_msg(e, 0, "e.xlsx: xl/worksheets/sheet1.xml: row 3 comes after "
               "row 7");
    kh_err_free(e);
    free(x);
    x = std_xlsx(SHEET_HEAD "<row r=\"1\"><c r=\"7C\"><v>1</v></c></row>"
                 SHEET_TAIL, NULL, &n);
    e = read_fail_n("e.xlsx", x, n, 100, KH_EINVAL);
    assert_msg(e, 0, "e.xlsx: xl/worksheets/sheet1.xml: bad cell reference "
               "\"7C\"");
    kh_err_free(e);
    free(x);
    /* over-long cell */
    char *sheet = NULL;
    char *big = malloc(KH_TABLE_MAX_CELL + 2);
    memset(big, 'x', KH_TABLE_MAX_CELL + 1);
    big[KH_TABLE_MAX_CELL + 1] = '\0';
    assert_true(asprintf(&sheet, SHEET_HEAD "<row r=\"1\"><c r=\"A1\" "
                         "t=\"inlineStr\"><is><t>%s</t></is></c></row>"
                         SHEET_TAIL, big) > 0);
    x = std_xlsx(sheet, NULL, &n);
    e = read_fail_n("e.xlsx", x, n, 100, KH_ELIMIT);
    assert_msg(e, 0, "e.xlsx: A1: cell is longer than 65536 bytes");
    kh_err_free(e);
    free(x);
    free(sheet);
    /* the same as a shared string, used twice: each use is reported */
    char *sst = NULL;
    assert_true(asprintf(&sst, SST_HEAD "<si><t>ok</t></si><si><t>%s</t>"
                         "</si></sst>", big) > 0);
    x = std_xlsx(SHEET_HEAD "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>"
                 "<c r=\"B1\" t=\"s\"><v>1</v></c></row>"
                 "<row r=\"2\"><c r=\"D2\" t=\"s\"><v>1</v></c></row>"
                 SHEET_TAIL, sst, &n);
    e = read_fail_n("e.xlsx", x, n, 100, KH_ELIMIT);
    assert_int_equal(kh_err_count(e), 2);
    assert_msg(e, 0, "e.xlsx: B1: cell is longer than 65536 bytes");
    assert_msg(e, 1, "e.xlsx: D2: cell is longer than 65536 bytes");
    kh_err_free(e);
    free(x);
    free(sst);
    free(big);
}

static void test_xlsx_row_cap(void **state)
{
    (void)state;
    size_t n;
    char *x = std_xlsx(SHEET_HEAD
                       "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"
                       "<row r=\"2\"><c r=\"A2\"><v>2</v></c></row>"
                       "<row r=\"3\"><c r=\"B3\"><v>3</v></c></row>"
                       SHEET_TAIL, NULL, &n);
    kh_err *e = read_fail_n("cap.xlsx", x, n, 2, KH_ELIMIT);
    assert_msg(e, 0, "cap.xlsx: A3: more than 2 rows");
    kh_err_free(e);
    kh_table *t = read_ok_n("cap.xlsx", x, n, 3);
    assert_int_equal(kh_table_rows(t), 3);
    kh_table_free(t);
    free(x);
}

static void test_xlsx_structure(void **state)
{
    (void)state;
    size_t n;
    const char *sheet = SHEET_HEAD "<row r=\"1\"><c><v>1</v></c></row>"
                        SHEET_TAIL;
    /* the first sheet's part is missing */
    part p1[] = {
        { "_rels/.rels", RELS }, { "xl/workbook.xml", WB },
        { "xl/_rels/workbook.xml.rels", WB_RELS },
        { "xl/sharedStrings.xml", SST },
    };
    char *x = make_xlsx(p1, 4, &n);
    kh_err *e = read_fail_n("m.xlsx", x, n, 10, KH_EINVAL);
    assert_msg(e, 0, "m.xlsx: xl/worksheets/sheet1.xml: missing from the "
               "XLSX file");
    kh_err_free(e);
    free(x);
    /* no workbook at all (some other zip) */
    part p2[] = { { "readme.txt", "hello" } };
    x = make_xlsx(p2, 1, &n);
    e = read_fail_n("m.xlsx", x, n, 10, KH_EINVAL);
    assert_msg(e, 0, "m.xlsx: xl/workbook.xml: missing from the XLSX file");
    kh_err_free(e);
    free(x);
    /* a workbook without sheets */
    part p3[] = { { "xl/workbook.xml", "<workbook><sheets/></workbook>" } };
    x = make_xlsx(p3, 1, &n);
    e = read_fail_n("m.xlsx", x, n, 10, KH_EINVAL);
    assert_msg(e, 0, "m.xlsx: xl/workbook.xml: the workbook has no sheets");
    kh_err_free(e);
    free(x);
    /* the first sheet is a chart sheet */
    part p4[] = {
        { "xl/workbook.xml", WB },
        { "xl/_rels/workbook.xml.rels",
          "<Relationships><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet\" Target=\"chartsheets/c.xml\"/></Relationships>" },
    };
    x = make_xlsx(p4, 2, &n);
    e = read_fail_n("m.xlsx", x, n, 10, KH_EINVAL);
    assert_msg(e, 0, "m.xlsx: xl/workbook.xml: the first sheet \"单位\" is "
               "not a worksheet (a chart sheet?)");
    kh_err_free(e);
    free(x);
    /* a relationship pointing above the root */
    part p5[] = {
        { "xl/workbook.xml", WB },
        { "xl/_rels/workbook.xml.rels",
          "<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" Target=\"../../s.xml\"/></Relationships>" },
    };
    x = make_xlsx(p5, 2, &n);
    e = read_fail_n("m.xlsx", x, n, 10, KH_EINVAL);
    assert_msg(e, 0, "m.xlsx: xl/_rels/workbook.xml.rels: bad location "
               "\"../../s.xml\" of sheet \"单位\"");
    kh_err_free(e);
    free(x);
    /* malformed XML, located inside the part */
    x = std_xlsx(SHEET_HEAD "<row r=\"1\"><c><v>1</c></row>" SHEET_TAIL,
                 NULL, &n);
    e = read_fail_n("m.xlsx", x, n, 10, KH_EINVAL);
    assert_msg(e, 0, "m.xlsx: xl/worksheets/sheet1.xml: malformed XML at "
               "line 2, column 133: mismatched tag");
    kh_err_free(e);
    free(x);
    /* an entity bomb is refused at its DOCTYPE */
    x = std_xlsx(sheet, "<?xml version=\"1.0\"?><!DOCTYPE sst [<!ENTITY a "
                 "\"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;\">]>"
                 "<sst><si><t>&b;</t></si></sst>", &n);
    e = read_fail_n("m.xlsx", x, n, 10, KH_EINVAL);
    assert_msg(e, 0, "m.xlsx: xl/sharedStrings.xml: a DOCTYPE is not allowed "
               "in an XLSX part");
    kh_err_free(e);
    free(x);
    /* a shared-strings relationship to a missing part */
    part p6[] = {
        { "xl/workbook.xml", WB }, { "xl/_rels/workbook.xml.rels", WB_RELS },
        { "xl/worksheets/sheet1.xml", sheet },
    };
    x = make_xlsx(p6, 3, &n);
    e = read_fail_n("m.xlsx", x, n, 10, KH_EINVAL);
    assert_msg(e, 0, "m.xlsx: xl/sharedStrings.xml: missing from the XLSX "
               "file");
    kh_err_free(e);
    free(x);
}

static void test_xlsx_broken_zip(void **state)
{
    (void)state;
    size_t n;
    char *x = std_xlsx(SHEET_HEAD SHEET_TAIL, NULL, &n);
    /* the central directory is at the end: cut it off */
    kh_err *e = read_fail_n("b.xlsx", x, n - 30, 10, KH_EINVAL);
    assert_msg_prefix(e, 0, "b.xlsx: not a readable XLSX file (broken ZIP "
                      "archive: ");
    kh_err_free(e);
    /* damage the compressed data of a part: CRC or inflate error */
    char *y = malloc(n);
    memcpy(y, x, n);
    size_t hit = 0;
    for (size_t i = 0; i + 9 < n; i++)
        if (memcmp(y + i, "xl/workbook.xml", 15) == 0) {
            hit = i + 15 + 20;   /* into its data */
            break;
        }
    assert_true(hit > 0 && hit < n);
    for (size_t i = hit; i < hit + 8; i++)
        y[i] ^= 0x5A;
    e = read_fail_n("b.xlsx", y, n, 10, KH_EINVAL);
    assert_msg_prefix(e, 0, "b.xlsx: xl/workbook.xml: ");
    kh_err_free(e);
    free(y);
    free(x);
    /* a ZIP signature followed by garbage */
    e = read_fail_n("g.xlsx", "PK\3\4garbage garbage garbage", 27, 10,
                    KH_EINVAL);
    assert_msg_prefix(e, 0, "g.xlsx: not a readable XLSX file (broken ZIP "
                      "archive: ");
    kh_err_free(e);
    /* an empty archive */
    static const char empty[22] = "PK\5\6";
    e = read_fail_n("z.xlsx", empty, sizeof empty, 10, KH_EINVAL);
    assert_msg(e, 0, "z.xlsx: xl/workbook.xml: missing from the XLSX file");
    kh_err_free(e);
}

/* One encrypted workbook part, written with method em, is refused. */
static void encrypted_refused(zip_uint16_t em)
{
    char *path = path_in_tmp("enc.xlsx");
    int zerr = 0;
    zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    assert_non_null(za);
    zip_source_t *s = zip_source_buffer(za, WB, strlen(WB), 0);
    zip_int64_t i = zip_file_add(za, "xl/workbook.xml", s, 0);
    assert_true(i >= 0);
    assert_int_equal(zip_file_set_encryption(za, (zip_uint64_t)i, em, "secret"), 0);
    assert_int_equal(zip_close(za), 0);
    size_t n;
    char *x = slurp(path, &n);
    kh_err *e = read_fail_n("enc.xlsx", x, n, 10, KH_EINVAL);
    assert_msg(e, 0, "enc.xlsx: xl/workbook.xml: the XLSX file is encrypted; "
               "save it without a password");
    kh_err_free(e);
    free(x);
    free(path);
}

/* Every method this libzip can write is tried; a libzip that can write
 * none fails the test instead of passing it untested. */
static void test_xlsx_encrypted(void **state)
{
    (void)state;
    static const zip_uint16_t methods[] = {ZIP_EM_AES_256, ZIP_EM_TRAD_PKWARE};
    int tried = 0;
    for (size_t k = 0; k < sizeof methods / sizeof *methods; k++) {
        if (!zip_encryption_method_supported(methods[k], 1))
            continue;
        encrypted_refused(methods[k]);
        tried++;
    }
    if (!tried)
        fail_msg("libzip can write no encryption method: the encrypted "
                 "XLSX check was not run");
}

static void test_xlsx_bomb(void **state)
{
    (void)state;
    /* a sheet that inflates past the per-part cap (64 MiB) from a few
     * dozen kilobytes */
    size_t big = (size_t)64 * 1024 * 1024 + 1024;
    char *sheet = malloc(big + 1);
    memset(sheet, ' ', big);
    memcpy(sheet, "<worksheet>", 11);
    sheet[big] = '\0';
    size_t n;
    char *x = std_xlsx(sheet, NULL, &n);
    free(sheet);
    assert_true(n < 1024 * 1024);
    kh_err *e = read_fail_n("bomb.xlsx", x, n, 10, KH_ELIMIT);
    assert_msg(e, 0, "bomb.xlsx: xl/worksheets/sheet1.xml: part is larger "
               "than 67108864 bytes uncompressed");
    kh_err_free(e);
    free(x);
}

static void test_xlsx_detected_by_content(void **state)
{
    (void)state;
    size_t n;
    char *x = std_xlsx(SHEET_HEAD "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v>"
                       "</c></row>" SHEET_TAIL, NULL, &n);
    char *p = path_in_tmp("looks-like.csv");
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(x, 1, n, f), n);
    fclose(f);
    kh_err *e = kh_err_new();
    kh_table *t = NULL;
    assert_int_equal(kh_table_read(p, 10, e, &t), KH_OK);
    assert_int_equal(kh_table_get_format(t), KH_TABLE_XLSX);
    assert_string_equal(kh_table_cell(t, 0, 0), "编号");
    kh_table_free(t);
    kh_err_free(e);
    free(p);
    free(x);
}

/* The committed samples read as the importers expect. */
static void test_examples(void **state)
{
    (void)state;
    kh_err *e = kh_err_new();
    kh_table *t = NULL;
    assert_int_equal(kh_table_read("examples/units-2025.csv", 1000, e, &t),
                     KH_OK);
    assert_string_equal(kh_table_encoding(t), "UTF-8 (BOM)");
    static const char *const id[] = { "编号", "id", NULL };
    static const char *const bn[] = { "支部名称", "branch_name", NULL };
    assert_int_equal(kh_table_find_col(t, id), 0);
    assert_int_equal(kh_table_find_col(t, bn), 4);
    assert_true(kh_table_rows(t) >= 5);
    /* the XLSX made from it by scripts/csv2xlsx.c holds the same cells */
    kh_table *x = NULL;
    assert_int_equal(kh_table_read("examples/units-2025.xlsx", 1000, e, &x),
                     KH_OK);
    assert_int_equal(kh_table_get_format(x), KH_TABLE_XLSX);
    assert_int_equal(kh_table_rows(x), kh_table_rows(t));
    for (size_t r = 0; r < kh_table_rows(t); r++) {
        assert_int_equal(kh_table_line(x, r), kh_table_line(t, r));
        assert_int_equal(kh_table_cols(x, r), kh_table_cols(t, r));
        for (size_t c = 0; c < kh_table_cols(t, r); c++)
            assert_string_equal(kh_table_cell(x, r, c),
                                kh_table_cell(t, r, c));
    }
    kh_table_free(x);
    kh_table_free(t);
    assert_int_equal(kh_table_read("examples/xuexi-2025.csv", 1000, e, &t),
                     KH_OK);
    static const char *const v[] = { "积分", "value", NULL };
    assert_int_equal(kh_table_find_col(t, v), 2);
    kh_table_free(t);
    kh_err_free(e);
}

static int rm_entry(const char *p, const struct stat *sb, int flag,
                    struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(p);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return nftw(tmpdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_bom),
        cmocka_unit_test(test_utf8_plain),
        cmocka_unit_test(test_gb18030),
        cmocka_unit_test(test_bad_encoding),
        cmocka_unit_test(test_nul),
        cmocka_unit_test(test_quoted),
        cmocka_unit_test(test_unterminated),
        cmocka_unit_test(test_stray_quote),
        cmocka_unit_test(test_too_many_errors),
        cmocka_unit_test(test_empty_rows),
        cmocka_unit_test(test_trim),
        cmocka_unit_test(test_find_col),
        cmocka_unit_test(test_row_cap),
        cmocka_unit_test(test_cell_cap),
        cmocka_unit_test(test_ref),
        cmocka_unit_test(test_read_file),
        cmocka_unit_test(test_xlsx_cells),
        cmocka_unit_test(test_xlsx_no_refs),
        cmocka_unit_test(test_xlsx_cell_errors),
        cmocka_unit_test(test_xlsx_row_cap),
        cmocka_unit_test(test_xlsx_structure),
        cmocka_unit_test(test_xlsx_broken_zip),
        cmocka_unit_test(test_xlsx_encrypted),
        cmocka_unit_test(test_xlsx_bomb),
        cmocka_unit_test(test_xlsx_detected_by_content),
        cmocka_unit_test(test_examples),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
