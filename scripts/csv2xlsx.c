/*
 * csv2xlsx.c - makes a minimal XLSX workbook from a CSV file, for sample
 * and seed files (examples/units-2025.xlsx, the fuzz corpus).  Not part of
 * the kaohe build; the output is byte-for-byte reproducible (fixed times).
 *
 *   cc -Iinclude scripts/csv2xlsx.c BUILD/libkaohe.a \
 *      $(pkg-config --libs libzip expat libfyaml libutf8proc) -o csv2xlsx
 *   ./csv2xlsx examples/units-2025.csv examples/units-2025.xlsx
 *
 * Cells that are plain decimal numbers become numbers; all other text
 * goes into the shared-strings table, as Excel writes it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "kaohe/buf.h"
#include "kaohe/table.h"

static void xml_escape(kh_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': kh_buf_puts(b, "&amp;"); break;
        case '<': kh_buf_puts(b, "&lt;"); break;
        case '>': kh_buf_puts(b, "&gt;"); break;
        case '"': kh_buf_puts(b, "&quot;"); break;
        default: kh_buf_putc(b, *s);
        }
    }
}

static int is_number(const char *s)
{
    if (*s == '-')
        s++;
    if (*s < '0' || *s > '9')
        return 0;
    while (*s >= '0' && *s <= '9')
        s++;
    if (*s == '.') {
        s++;
        if (*s < '0' || *s > '9')
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

static void col_name(size_t col, char *buf)
{
    char tmp[8];
    size_t n = 0;
    for (size_t v = col + 1; v > 0; v = (v - 1) / 26)
        tmp[n++] = (char)('A' + (v - 1) % 26);
    for (size_t i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
}

static void add(zip_t *za, const char *name, kh_buf *b)
{
    zip_source_t *s = zip_source_buffer(za, b->data, b->len, 0);
    zip_int64_t i = s ? zip_file_add(za, name, s, ZIP_FL_ENC_UTF_8) : -1;
    if (i < 0) {
        fprintf(stderr, "csv2xlsx: %s: %s\n", name, zip_strerror(za));
        exit(1);
    }
    zip_file_set_mtime(za, (zip_uint64_t)i, 1735689600, 0);  /* 2025-01-01 */
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: csv2xlsx IN.csv OUT.xlsx\n");
        return 2;
    }
    kh_err *e = kh_err_new();
    kh_table *t = NULL;
    if (kh_table_read(argv[1], 100000, e, &t) != KH_OK) {
        for (size_t i = 0; i < kh_err_count(e); i++) {
            char *m = kh_err_format(e, i);
            fprintf(stderr, "%s\n", m);
            free(m);
        }
        return 1;
    }
    kh_buf parts[6];
    for (int i = 0; i < 6; i++)
        kh_buf_init(&parts[i], 0);
    kh_buf *ct = &parts[0], *rels = &parts[1], *wb = &parts[2],
           *wbrels = &parts[3], *sst = &parts[4], *sheet = &parts[5];
    const char *hdr = "<?xml version=\"1.0\" encoding=\"UTF-8\" "
                      "standalone=\"yes\"?>\n";
    kh_buf_printf(ct, "%s<Types xmlns=\"http://schemas.openxmlformats.org/"
        "package/2006/content-types\"><Default Extension=\"rels\" "
        "ContentType=\"application/vnd.openxmlformats-package.relationships"
        "+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/"
        "vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
        "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\""
        "application/vnd.openxmlformats-officedocument.spreadsheetml."
        "worksheet+xml\"/><Override PartName=\"/xl/sharedStrings.xml\" "
        "ContentType=\"application/vnd.openxmlformats-officedocument."
        "spreadsheetml.sharedStrings+xml\"/></Types>", hdr);
    kh_buf_printf(rels, "%s<Relationships xmlns=\"http://schemas."
        "openxmlformats.org/package/2006/relationships\"><Relationship "
        "Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/"
        "2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
        "</Relationships>", hdr);
    kh_buf_printf(wb, "%s<workbook xmlns=\"http://schemas.openxmlformats.org/"
        "spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats."
        "org/officeDocument/2006/relationships\"><sheets><sheet name=\""
        "Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>", hdr);
    kh_buf_printf(wbrels, "%s<Relationships xmlns=\"http://schemas."
        "openxmlformats.org/package/2006/relationships\"><Relationship "
        "Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/"
        "2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
        "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/"
        "officeDocument/2006/relationships/sharedStrings\" Target=\""
        "sharedStrings.xml\"/></Relationships>", hdr);
    kh_buf_printf(sheet, "%s<worksheet xmlns=\"http://schemas."
        "openxmlformats.org/spreadsheetml/2006/main\"><sheetData>", hdr);
    kh_buf strings;   /* <si> elements; no dedup: the samples are small */
    kh_buf_init(&strings, 0);
    size_t nstr = 0;
    for (size_t r = 0; r < kh_table_rows(t); r++) {
        unsigned line = kh_table_line(t, r);
        kh_buf_printf(sheet, "<row r=\"%u\">", line);
        for (size_t c = 0; c < kh_table_cols(t, r); c++) {
            const char *s = kh_table_cell(t, r, c);
            if (!*s)
                continue;
            char ref[16];
            col_name(c, ref);
            if (is_number(s)) {
                kh_buf_printf(sheet, "<c r=\"%s%u\"><v>%s</v></c>", ref,
                              line, s);
            } else {
                kh_buf_printf(sheet, "<c r=\"%s%u\" t=\"s\"><v>%zu</v></c>",
                              ref, line, nstr++);
                kh_buf_puts(&strings, "<si><t>");
                xml_escape(&strings, s);
                kh_buf_puts(&strings, "</t></si>");
            }
        }
        kh_buf_puts(sheet, "</row>");
    }
    kh_buf_puts(sheet, "</sheetData></worksheet>");
    kh_buf_printf(sst, "%s<sst xmlns=\"http://schemas.openxmlformats.org/"
        "spreadsheetml/2006/main\" count=\"%zu\" uniqueCount=\"%zu\">%s</sst>",
        hdr, nstr, nstr, kh_buf_str(&strings));
    for (int i = 0; i < 6; i++)
        if (kh_buf_status(&parts[i]) != KH_OK) {
            fprintf(stderr, "csv2xlsx: out of memory\n");
            return 1;
        }
    remove(argv[2]);
    int zerr = 0;
    zip_t *za = zip_open(argv[2], ZIP_CREATE | ZIP_EXCL, &zerr);
    if (!za) {
        fprintf(stderr, "csv2xlsx: cannot create %s\n", argv[2]);
        return 1;
    }
    add(za, "[Content_Types].xml", ct);
    add(za, "_rels/.rels", rels);
    add(za, "xl/workbook.xml", wb);
    add(za, "xl/_rels/workbook.xml.rels", wbrels);
    add(za, "xl/sharedStrings.xml", sst);
    add(za, "xl/worksheets/sheet1.xml", sheet);
    if (zip_close(za) != 0) {
        fprintf(stderr, "csv2xlsx: %s: %s\n", argv[2], zip_strerror(za));
        return 1;
    }
    for (int i = 0; i < 6; i++)
        kh_buf_free(&parts[i]);
    kh_buf_free(&strings);
    kh_table_free(t);
    kh_err_free(e);
    return 0;
}
