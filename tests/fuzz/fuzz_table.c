/* libFuzzer target: kh_table_read_mem on arbitrary bytes (CSV in any
 * encoding, XLSX archives).  Mutated archives mostly die at the ZIP CRC
 * check, so an input starting "KHX" and a part letter has the rest packed
 * into a fresh XLSX as that part (s: sheet, t: shared strings, w:
 * workbook, r: workbook relationships), which fuzzes the XML readers.
 * Walks every cell of a table it accepts and formats every message. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "kaohe/table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char WB[] =
    "<workbook xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/"
    "2006/relationships\"><sheets><sheet name=\"S\" r:id=\"rId1\"/></sheets>"
    "</workbook>";
static const char WB_RELS[] =
    "<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" "
    "Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" "
    "Type=\"x/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>";
static const char SST[] = "<sst><si><t>编号</t></si><si><t>id</t></si></sst>";
static const char SHEET[] =
    "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"
    "</sheetData></worksheet>";

static void add(zip_t *za, const char *name, const void *p, size_t n)
{
    zip_source_t *s = zip_source_buffer(za, p, n, 0);
    if (!s)
        return;
    zip_int64_t i = zip_file_add(za, name, s, 0);
    if (i < 0)
        zip_source_free(s);
    else
        zip_set_file_compression(za, (zip_uint64_t)i, ZIP_CM_STORE, 0);
}

/* An XLSX with part `which` replaced by p[0..n); malloc'd, or NULL. */
static void *pack(char which, const void *p, size_t n, size_t *len)
{
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, NULL);
    if (!src)
        return NULL;
    zip_source_keep(src);
    zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, NULL);
    if (!za) {
        zip_source_free(src);
        zip_source_free(src);
        return NULL;
    }
    add(za, "xl/workbook.xml", which == 'w' ? p : WB,
        which == 'w' ? n : strlen(WB));
    add(za, "xl/_rels/workbook.xml.rels", which == 'r' ? p : WB_RELS,
        which == 'r' ? n : strlen(WB_RELS));
    add(za, "xl/sharedStrings.xml", which == 't' ? p : SST,
        which == 't' ? n : strlen(SST));
    add(za, "xl/worksheets/sheet1.xml", which == 's' ? p : SHEET,
        which == 's' ? n : strlen(SHEET));
    void *out = NULL;
    zip_stat_t st;
    if (zip_close(za) != 0) {
        zip_discard(za);
        zip_source_free(src);
        return NULL;
    }
    if (zip_source_open(src) == 0) {
        if (zip_source_stat(src, &st) == 0 && (st.valid & ZIP_STAT_SIZE) &&
            (out = malloc(st.size ? st.size : 1)) != NULL &&
            zip_source_read(src, out, st.size) != (zip_int64_t)st.size) {
            free(out);
            out = NULL;
        }
        *len = out ? st.size : 0;
        zip_source_close(src);
    }
    zip_source_free(src);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = { "编号", "id", NULL };
    void *packed = NULL;
    if (size >= 4 && memcmp(data, "KHX", 3) == 0 &&
        strchr("stwr", data[3]) && data[3]) {
        size_t len = 0;
        packed = pack((char)data[3], data + 4, size - 4, &len);
        if (!packed)
            return 0;
        data = packed;
        size = len;
    }
    kh_err *e = kh_err_new();
    kh_table *t = NULL;
    if (e && kh_table_read_mem("fuzz.csv", data, size, 1000, e, &t) ==
                 KH_OK) {
        char ref[32];
        size_t total = 0;
        for (size_t r = 0; r < kh_table_rows(t); r++) {
            size_t cols = kh_table_cols(t, r);
            for (size_t c = 0; c <= cols; c++)
                total += strlen(kh_table_cell(t, r, c));
            kh_table_ref(t, r, cols, ref);
            (void)kh_table_line(t, r);
        }
        (void)total;
        (void)kh_table_find_col(t, names);
        (void)kh_table_encoding(t);
        kh_table_free(t);
    }
    for (size_t i = 0; i < kh_err_count(e); i++)
        free(kh_err_format(e, i));
    kh_err_free(e);
    free(packed);
    return 0;
}
