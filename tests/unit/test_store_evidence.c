/* Unit tests: evidence files (issue 3 item 8) - types recognised by
 * content (disguised files refused), the size limit, content-addressed
 * durable storage, links to entries under the year's state rules,
 * reading back with the hash checked, and re-verification. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "db.h"
#include <zip.h>
#include "kaohe/store.h"
#include "kaohe/store_evidence.h"
#include "store_impl.h"
#include "store_fixture.h"

/* ---- helpers ------------------------------------------------------- */


static void sql(kh_store *s, const char *q)
{
    if (kh_db_exec(s->db, q) != KH_DB_OK)
        fail_msg("%s: %s", q, kh_db_errmsg(s->db));
}

/* Year 2025 in inspection with units and three entries, written
 * directly: these tests are about evidence, not about importing. */
static int setup(void **state)
{
    fx *f = fx_open("kh_evid", 1767225600);   /* 2026-01-01T00:00:00Z */
    if (!f)
        return -1;
    sql(f->s,
        "INSERT INTO rubric (id, rubric_id, sha256, title, source,"
        " imported_at, imported_by) VALUES (1, 'mini', 'ab', 't', 'x',"
        " '2026-01-01T00:00:00Z', 'tester');"
        "INSERT INTO year (year, rubric, state, opened_at, opened_by)"
        " VALUES (2025, 1, 'inspection', '2026-01-01T00:00:00Z', 't');"
        "INSERT INTO unit (year, id, pos, name, kind, branch) VALUES"
        " (2025, 'jd', 1, '机电工程系', 'faculty', 'jd'),"
        " (2025, 'xx', 2, '信息工程系', 'faculty', 'xx');"
        "INSERT INTO entry (year, unit, item, phase, inputs, version,"
        " updated_at, updated_by) VALUES"
        " (2025, 'jd', '1.3', 'inspection', '{}', 1, 'x', 't'),"
        " (2025, 'jd', '1.3', 'self', '{}', 1, 'x', 't'),"
        " (2025, 'xx', '1.1', 'inspection', '{}', 1, 'x', 't');");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx_close(*state);
    return 0;
}

/* Sample contents. */
static const char pdf[] = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
                          "trailer << /Root 1 0 R >>\n%%EOF\n";
static const unsigned char jpg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10,
                                    'J',  'F',  'I',  'F',  0x00, 0x01};
static const unsigned char png[] = {0x89, 'P', 'N',  'G',  0x0D, 0x0A,
                                    0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D};
static const char exe[] = "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00"
                          "This program cannot be run in DOS mode.";

/* A ZIP archive in memory holding the named (empty-ish) entries;
 * malloc'd. */
static char *make_zip(const char *const *names, size_t n, size_t *len)
{
    char path[] = "/tmp/kh_zip_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    int err = 0;
    zip_t *z = zip_open(path, ZIP_TRUNCATE, &err);
    assert_non_null(z);
    for (size_t i = 0; i < n; i++) {
        static const char body[] = "<?xml version=\"1.0\"?><x/>";
        zip_source_t *src = zip_source_buffer(z, body, sizeof body - 1, 0);
        assert_non_null(src);
        assert_true(zip_file_add(z, names[i], src, ZIP_FL_OVERWRITE) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long sz = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *d = malloc((size_t)sz);
    assert_int_equal(fread(d, 1, (size_t)sz, fp), (size_t)sz);
    fclose(fp);
    unlink(path);
    *len = (size_t)sz;
    return d;
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

/* A directory entry named name (ASCII) of type t. */
static void cfb_entry(unsigned char *ent, const char *name, unsigned t)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < n; i++)
        put16(ent + 2 * i, (unsigned char)name[i]);
    put16(ent + 0x40, (unsigned)(2 * (n + 1)));
    ent[0x42] = (unsigned char)t;
    put32(ent + 0x44, 0xFFFFFFFFu);   /* no siblings, no child */
    put32(ent + 0x48, 0xFFFFFFFFu);
    put32(ent + 0x4C, 0xFFFFFFFFu);
}

/* A minimal OLE2 compound file (512-byte sectors: 0 the FAT, 1 the
 * directory) whose directory holds a root and a stream named `stream`.
 * dir_next is the FAT entry of the directory sector (0xFFFFFFFE ends
 * the chain; 1 makes it loop).  Returns 3 sectors + header = 1536
 * bytes in buf. */
static size_t make_cfb(unsigned char buf[1536], const char *stream,
                       uint32_t dir_next)
{
    memset(buf, 0, 1536);
    memcpy(buf, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
    put16(buf + 0x18, 0x3E);
    put16(buf + 0x1A, 3);
    put16(buf + 0x1C, 0xFFFE);
    put16(buf + 0x1E, 9);               /* 512-byte sectors */
    put16(buf + 0x20, 6);
    put32(buf + 0x2C, 1);               /* one FAT sector */
    put32(buf + 0x30, 1);               /* directory at sector 1 */
    put32(buf + 0x38, 4096);
    put32(buf + 0x3C, 0xFFFFFFFEu);
    put32(buf + 0x44, 0xFFFFFFFEu);     /* no DIFAT sectors */
    for (int i = 0; i < 109; i++)
        put32(buf + 0x4C + 4 * i, 0xFFFFFFFFu);
    put32(buf + 0x4C, 0);               /* the FAT is sector 0 */
    unsigned char *fat = buf + 512;
    for (int i = 0; i < 128; i++)
        put32(fat + 4 * i, 0xFFFFFFFFu);
    put32(fat, 0xFFFFFFFDu);            /* sector 0: FAT */
    put32(fat + 4, dir_next);           /* sector 1: directory */
    unsigned char *dir = buf + 1024;
    cfb_entry(dir, "Root Entry", 5);
    cfb_entry(dir + 128, stream, 2);
    return 1536;
}

/* Writes data to dir/name; returns the path (static buffer). */
static const char *write_file(fx *f, const char *name, const void *data,
                              size_t len)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    fclose(fp);
    return path;
}

/* ---- recognising types ---------------------------------------------- */

static kh_status sniff(const char *name, const void *d, size_t len,
                       kh_evidence_type *t, kh_err *e)
{
    kh_err_clear(e);
    return kh_evidence_sniff(name, d, len, t, e);
}

static void test_sniff_allowed(void **state)
{
    (void)state;
    kh_err *e = kh_err_new();
    kh_evidence_type t;
    expect_ok(sniff("a.pdf", pdf, sizeof pdf - 1, &t, e), e);
    assert_int_equal(t, KH_EVIDENCE_PDF);
    expect_ok(sniff("a.jpg", jpg, sizeof jpg, &t, e), e);
    assert_int_equal(t, KH_EVIDENCE_JPG);
    expect_ok(sniff("a.png", png, sizeof png, &t, e), e);
    assert_int_equal(t, KH_EVIDENCE_PNG);
    /* The name does not matter, only the content. */
    expect_ok(sniff("photo.pdf", png, sizeof png, &t, e), e);
    assert_int_equal(t, KH_EVIDENCE_PNG);

    const char *docx[] = {"[Content_Types].xml", "word/document.xml"};
    const char *xlsx[] = {"[Content_Types].xml", "xl/workbook.xml",
                          "xl/worksheets/sheet1.xml"};
    size_t len;
    char *z = make_zip(docx, 2, &len);
    expect_ok(sniff("a.docx", z, len, &t, e), e);
    assert_int_equal(t, KH_EVIDENCE_DOCX);
    free(z);
    z = make_zip(xlsx, 3, &len);
    expect_ok(sniff("a.xlsx", z, len, &t, e), e);
    assert_int_equal(t, KH_EVIDENCE_XLSX);
    free(z);

    unsigned char cfb[1536];
    size_t n = make_cfb(cfb, "WordDocument", 0xFFFFFFFEu);
    expect_ok(sniff("a.doc", cfb, n, &t, e), e);
    assert_int_equal(t, KH_EVIDENCE_DOC);
    n = make_cfb(cfb, "Workbook", 0xFFFFFFFEu);
    expect_ok(sniff("a.xls", cfb, n, &t, e), e);
    assert_int_equal(t, KH_EVIDENCE_XLS);
    /* Excel 5 called its stream "Book"; names compare without case. */
    n = make_cfb(cfb, "BOOK", 0xFFFFFFFEu);
    expect_ok(sniff("a.xls", cfb, n, &t, e), e);
    assert_int_equal(t, KH_EVIDENCE_XLS);
    assert_string_equal(kh_evidence_type_name(KH_EVIDENCE_XLS), "xls");
    kh_err_free(e);
}

static void test_sniff_refused(void **state)
{
    (void)state;
    kh_err *e = kh_err_new();
    kh_evidence_type t;

    /* An .exe renamed .pdf: the message names the file, what the name
     * claims and what the content really is. */
    assert_int_equal(sniff("总结报告.pdf", exe, sizeof exe - 1, &t, e),
                     KH_EINVAL);
    expect_msg(e, "总结报告.pdf: not accepted as evidence",
               "the name says .pdf but the content is a Windows program");
    expect_msg(e, "allowed are PDF, JPEG, PNG", NULL);

    struct {
        const char *name;
        const char *data;
        size_t len;
        const char *what;
    } cases[] = {
        {"a.jpg", "\x7f" "ELF\x02\x01\x01", 7, "a Linux program"},
        {"run.doc", "#!/bin/sh\nrm -rf /\n", 19, "a script"},
        {"a.png", "GIF89a\x01\x00", 8, "a GIF image"},
        {"notes.txt", "会议记录\n第一次\n", 23, "plain text"},
        {"page.pdf", "  <html><body>x</body></html>", 29, "HTML or XML"},
        {"a.xlsx", "Rar!\x1a\x07\x00", 7, "a RAR archive"},
        {"a.pdf", "\x1f\x8b\x08\x00", 4, "a gzip archive"},
        {"x.bin", "\x00\x01\x02\x03", 4, "binary data of an unknown kind"},
        {"short.pdf", "%PD", 3, "plain text"},
        {"a.docx", "PK\x03\x04garbage", 11, "a damaged ZIP archive"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (sniff(cases[i].name, cases[i].data, cases[i].len, &t, e) !=
            KH_EINVAL)
            fail_msg("case %zu accepted", i);
        expect_msg(e, cases[i].name, cases[i].what);
    }
    assert_int_equal(sniff("empty.pdf", "", 0, &t, e), KH_EINVAL);
    expect_msg(e, "empty.pdf: ", "the file is empty");

    /* A ZIP that is no Office document, and one that is PowerPoint. */
    const char *other[] = {"readme.txt", "src/cli/main.c"};
    const char *pptx[] = {"[Content_Types].xml", "ppt/presentation.xml"};
    size_t len;
    char *z = make_zip(other, 2, &len);
    assert_int_equal(sniff("report.docx", z, len, &t, e), KH_EINVAL);
    expect_msg(e, "report.docx: ",
               "a ZIP archive that is neither a Word (.docx) nor an Excel");
    free(z);
    z = make_zip(pptx, 2, &len);
    assert_int_equal(sniff("slides.xlsx", z, len, &t, e), KH_EINVAL);
    expect_msg(e, "slides.xlsx: ", "a PowerPoint presentation (.pptx)");
    free(z);

    /* Compound files that are neither Word nor Excel, a damaged one and
     * one whose directory chain loops (the walk must end). */
    unsigned char cfb[1536];
    size_t n = make_cfb(cfb, "__properties_version1.0", 0xFFFFFFFEu);
    assert_int_equal(sniff("mail.doc", cfb, n, &t, e), KH_EINVAL);
    expect_msg(e, "mail.doc: ", "neither a Word (.doc) nor an Excel (.xls)");
    n = make_cfb(cfb, "PowerPoint Document", 0xFFFFFFFEu);
    assert_int_equal(sniff("a.doc", cfb, n, &t, e), KH_EINVAL);
    expect_msg(e, "a.doc: ", "a PowerPoint presentation (.ppt)");
    n = make_cfb(cfb, "Other", 1);
    assert_int_equal(sniff("loop.xls", cfb, n, &t, e), KH_EINVAL);
    expect_msg(e, "loop.xls: ", "neither a Word");
    n = make_cfb(cfb, "WordDocument", 0xFFFFFFFEu);
    assert_int_equal(sniff("cut.doc", cfb, 700, &t, e), KH_EINVAL);
    expect_msg(e, "cut.doc: ", "a damaged OLE2 compound file");
    put16(cfb + 0x1E, 30);   /* absurd sector size */
    assert_int_equal(sniff("odd.doc", cfb, n, &t, e), KH_EINVAL);
    expect_msg(e, "odd.doc: ", "a damaged OLE2 compound file");
    make_cfb(cfb, "WordDocument", 0xFFFFFFFEu);
    put32(cfb + 0x30, 7);    /* directory past the end of the file */
    assert_int_equal(sniff("far.doc", cfb, n, &t, e), KH_EINVAL);
    expect_msg(e, "far.doc: ", "a damaged OLE2 compound file");
    kh_err_free(e);
}

/* ---- storing and reading back ---------------------------------------- */

typedef struct ev_seen {
    char rows[8][160];
    size_t n;
} ev_seen;

static kh_status collect(void *ctx, const kh_evidence_row *r)
{
    ev_seen *s = ctx;
    if (s->n < 8)
        snprintf(s->rows[s->n], sizeof s->rows[0], "%s %s/%s/%s %s %s %lld %.12s",
                 r->unit, r->item ? r->item : "-",
                 r->phase ? r->phase : "-", r->followup ? "fu" : "entry",
                 r->name, r->type, (long long)r->size, r->sha256);
    s->n++;
    return KH_OK;
}

static size_t audit_count(fx *f, const char *action)
{
    kh_db_stmt *st;
    assert_int_equal(kh_db_prepare(f->s->db,
                                        "SELECT count(*) FROM audit WHERE"
                                        " action = ?", &st),
                     KH_DB_OK);
    kh_db_bind_text(st, 1, action, -1);
    assert_int_equal(kh_db_step(st), KH_DB_ROW);
    size_t n = (size_t)kh_db_column_int64(st, 0);
    kh_db_finalize(st);
    return n;
}

static void test_put_get(void **state)
{
    fx *f = *state;
    char hash[KH_EVIDENCE_HASH_SZ];
    expect_ok(kh_store_evidence_put(f->s, "li", "/some/where/会议记录.pdf",
                                    pdf, sizeof pdf - 1, 0, hash, f->e),
              f->e);
    assert_int_equal(strlen(hash), 64);
    /* Where it lives: <db>.data/evidence/ab/<hash>. */
    char path[512];
    snprintf(path, sizeof path, "%s/evidence/%.2s/%s",
             kh_store_data_dir(f->s), hash, hash);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal((size_t)sb.st_size, sizeof pdf - 1);
    /* The same content again: no second row, no second record. */
    char again[KH_EVIDENCE_HASH_SZ];
    expect_ok(kh_store_evidence_put(f->s, "li", "copy.pdf", pdf,
                                    sizeof pdf - 1, 0, again, f->e),
              f->e);
    assert_string_equal(hash, again);
    assert_int_equal(audit_count(f, "evidence.add"), 1);

    /* Read back by full hash and by a prefix. */
    kh_buf b;
    kh_buf_init(&b, 0);
    char *name = NULL;
    expect_ok(kh_store_evidence_get(f->s, hash, &b, &name, f->e), f->e);
    assert_int_equal(b.len, sizeof pdf - 1);
    assert_memory_equal(b.data, pdf, b.len);
    assert_string_equal(name, "会议记录.pdf");   /* last component only */
    free(name);
    kh_buf_reset(&b);
    char prefix[9];
    snprintf(prefix, sizeof prefix, "%.8s", hash);
    for (char *p = prefix; *p; p++)   /* upper case is accepted */
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 32);
    expect_ok(kh_store_evidence_get(f->s, prefix, &b, NULL, f->e), f->e);
    assert_int_equal(b.len, sizeof pdf - 1);

    /* Unknown, malformed, too short. */
    kh_err_clear(f->e);
    kh_buf_reset(&b);
    assert_int_equal(kh_store_evidence_get(f->s, "0000000000000000", &b,
                                           NULL, f->e),
                     KH_ENOTFOUND);
    expect_msg(f->e, "no evidence with hash \"0000000000000000\"", NULL);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_evidence_get(f->s, "xyz123", &b, NULL, f->e),
                     KH_EINVAL);
    expect_msg(f->e, "\"xyz123\" is not hexadecimal", NULL);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_evidence_get(f->s, "ab", &b, NULL, f->e),
                     KH_EINVAL);
    expect_msg(f->e, "give 4 to 64 hex digits", NULL);
    assert_int_equal(b.len, 0);

    /* A second file; a one-digit-longer prefix tells them apart. */
    char h2[KH_EVIDENCE_HASH_SZ];
    expect_ok(kh_store_evidence_put(f->s, "li", "p.png", png, sizeof png, 0,
                                    h2, f->e),
              f->e);
    char h3[KH_EVIDENCE_HASH_SZ];
    expect_ok(kh_store_evidence_resolve(f->s, h2, h3, f->e), f->e);
    assert_string_equal(h2, h3);
    kh_buf_free(&b);

    /* The audit chain holds. */
    int64_t count;
    expect_ok(kh_store_audit_verify(f->s, &count, f->e), f->e);
    assert_int_equal(count, 2);
}

static void test_limits(void **state)
{
    fx *f = *state;
    /* Over a given limit, in memory and as a file (refused before it
     * is read). */
    kh_err_clear(f->e);
    assert_int_equal(kh_store_evidence_put(f->s, "li", "big.pdf", pdf,
                                           sizeof pdf - 1, 16, NULL, f->e),
                     KH_EINVAL);
    expect_msg(f->e, "big.pdf: too large for evidence", "(16 bytes)");
    size_t big = ((size_t)20 << 20) + 1;
    char *data = calloc(1, big);
    memcpy(data, "%PDF-1.4\n", 9);
    const char *path = write_file(f, "huge.pdf", data, big);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_evidence_put_file(f->s, "li", path, 0, NULL,
                                                f->e),
                     KH_EINVAL);
    expect_msg(f->e, "huge.pdf: too large for evidence",
               "the limit is 20 MiB");
    /* Exactly at the limit is fine; the limit is the caller's. */
    path = write_file(f, "edge.pdf", data, big - 1);
    expect_ok(kh_store_evidence_put_file(f->s, "li", path, 0, NULL, f->e),
              f->e);
    path = write_file(f, "edge2.pdf", data, big);
    expect_ok(kh_store_evidence_put_file(f->s, "li", path, big, NULL, f->e),
              f->e);
    free(data);
    /* A disguised file on disk; a missing one; a directory. */
    path = write_file(f, "setup.pdf", exe, sizeof exe - 1);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_evidence_put_file(f->s, "li", path, 0, NULL,
                                                f->e),
                     KH_EINVAL);
    expect_msg(f->e, "setup.pdf: not accepted as evidence",
               "a Windows program");
    kh_err_clear(f->e);
    assert_int_equal(kh_store_evidence_put_file(f->s, "li", "/nonexistent.pdf",
                                                0, NULL, f->e),
                     KH_EIO);
    expect_msg(f->e, "/nonexistent.pdf: cannot open", NULL);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_evidence_put_file(f->s, "li", f->dir, 0, NULL,
                                                f->e),
                     KH_EIO);
    expect_msg(f->e, "not a regular file", NULL);
    /* A name with a control character. */
    kh_err_clear(f->e);
    assert_int_equal(kh_store_evidence_put(f->s, "li", "a\nb.pdf", pdf,
                                           sizeof pdf - 1, 0, NULL, f->e),
                     KH_EINVAL);
    expect_msg(f->e, "control character", NULL);
    /* Nothing refused was stored. */
    assert_int_equal(audit_count(f, "evidence.add"), 2);
}

static void test_memory_store(void **state)
{
    (void)state;
    kh_err *e = kh_err_new();
    kh_store *s = NULL;
    expect_ok(kh_store_open(":memory:", 0, e, &s), e);
    assert_int_equal(kh_store_evidence_put(s, "li", "a.pdf", pdf,
                                           sizeof pdf - 1, 0, NULL, e),
                     KH_ESTATE);
    expect_msg(e, "need a store in a file", NULL);
    kh_store_close(s);
    kh_err_free(e);
}

static void test_attach(void **state)
{
    fx *f = *state;
    char h1[KH_EVIDENCE_HASH_SZ], h2[KH_EVIDENCE_HASH_SZ];
    const char *p1 = write_file(f, "记录.pdf", pdf, sizeof pdf - 1);
    expect_ok(kh_store_evidence_add(f->s, "li", 2025, "jd", "1.3",
                                    KH_PHASE_INSPECTION, p1, 0, h1, f->e),
              f->e);
    const char *p2 = write_file(f, "photo.png", png, sizeof png);
    expect_ok(kh_store_evidence_add(f->s, "li", 2025, "xx", "1.1",
                                    KH_PHASE_INSPECTION, p2, 0, h2, f->e),
              f->e);
    /* The same file on the same entry again: one link. */
    expect_ok(kh_store_evidence_attach(f->s, "li", 2025, "jd", "1.3",
                                       KH_PHASE_INSPECTION, h1, NULL, f->e),
              f->e);
    /* The png also on jd's entry, under another name, a minute later. */
    kh_store_set_time(f->s, 1767225660);
    expect_ok(kh_store_evidence_attach(f->s, "li", 2025, "jd", "1.3",
                                       KH_PHASE_INSPECTION, h2, "现场照片.png",
                                       f->e),
              f->e);
    ev_seen s = {0};
    expect_ok(kh_store_evidence_each(f->s, 2025, NULL, collect, &s, f->e),
              f->e);
    assert_int_equal(s.n, 3);
    char want[160];
    snprintf(want, sizeof want, "jd 1.3/inspection/entry 记录.pdf pdf %zu %.12s",
             sizeof pdf - 1, h1);
    assert_string_equal(s.rows[0], want);
    snprintf(want, sizeof want, "jd 1.3/inspection/entry 现场照片.png png %zu %.12s",
             sizeof png, h2);
    assert_string_equal(s.rows[1], want);
    snprintf(want, sizeof want, "xx 1.1/inspection/entry photo.png png %zu %.12s",
             sizeof png, h2);
    assert_string_equal(s.rows[2], want);
    memset(&s, 0, sizeof s);
    expect_ok(kh_store_evidence_each(f->s, 2025, "xx", collect, &s, f->e),
              f->e);
    assert_int_equal(s.n, 1);
    assert_int_equal(audit_count(f, "evidence.attach"), 3);

    /* No such entry / year; evidence unknown. */
    kh_err_clear(f->e);
    assert_int_equal(kh_store_evidence_attach(f->s, "li", 2025, "xx", "1.3",
                                              KH_PHASE_INSPECTION, h1, NULL,
                                              f->e),
                     KH_ENOTFOUND);
    expect_msg(f->e, "no inspection entry for unit \"xx\", item \"1.3\"",
               NULL);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_evidence_attach(f->s, "li", 2030, "xx", "1.1",
                                              KH_PHASE_INSPECTION, h1, NULL,
                                              f->e),
                     KH_ENOTFOUND);
    expect_msg(f->e, "year 2030 does not exist", NULL);
    kh_err_clear(f->e);
    char zero[KH_EVIDENCE_HASH_SZ];
    memset(zero, '0', 64);
    zero[64] = '\0';
    assert_int_equal(kh_store_evidence_attach(f->s, "li", 2025, "xx", "1.1",
                                              KH_PHASE_INSPECTION, zero, NULL,
                                              f->e),
                     KH_ENOTFOUND);
    expect_msg(f->e, "no evidence with hash", NULL);

    /* A self entry cannot take evidence during inspection; the file
     * stored on the way is rolled back with the link. */
    const char *p3 = write_file(f, "self.jpg", jpg, sizeof jpg);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_evidence_add(f->s, "jd", 2025, "jd", "1.3",
                                           KH_PHASE_SELF, p3, 0, NULL, f->e),
                     KH_ESTATE);
    expect_msg(f->e, "year 2025 is in state inspection",
               "adding evidence to a self entry needs state self_check");
    assert_int_equal(audit_count(f, "evidence.add"), 2);
    /* Published: nothing is attached any more. */
    sql(f->s, "UPDATE year SET state = 'published' WHERE year = 2025");
    kh_err_clear(f->e);
    assert_int_equal(kh_store_evidence_attach(f->s, "li", 2025, "xx", "1.1",
                                              KH_PHASE_INSPECTION, h1, NULL,
                                              f->e),
                     KH_ESTATE);
    expect_msg(f->e, "year 2025 is in state published", NULL);
    int64_t count;
    expect_ok(kh_store_audit_verify(f->s, &count, f->e), f->e);
}

/* Detaching: the link goes, audited with the old value; the bytes stay
 * readable; another entry's link and unknown links; the states. */
static void test_detach(void **state)
{
    fx *f = *state;
    char h1[KH_EVIDENCE_HASH_SZ];
    const char *p1 = write_file(f, "记录.pdf", pdf, sizeof pdf - 1);
    expect_ok(kh_store_evidence_add(f->s, "li", 2025, "jd", "1.3",
                                    KH_PHASE_INSPECTION, p1, 0, h1, f->e),
              f->e);
    expect_ok(kh_store_evidence_attach(f->s, "li", 2025, "xx", "1.1",
                                       KH_PHASE_INSPECTION, h1, NULL, f->e),
              f->e);
    /* Not linked to this entry (jd's self entry): nothing changes. */
    kh_err_clear(f->e);
    assert_int_equal(kh_store_evidence_detach(f->s, "li", 2025, "jd", "1.3",
                                              KH_PHASE_SELF, h1, f->e),
                     KH_ESTATE);   /* self entries: self_check only */
    kh_err_clear(f->e);
    char zero[KH_EVIDENCE_HASH_SZ];
    memset(zero, '0', 64);
    zero[64] = '\0';
    assert_int_equal(kh_store_evidence_detach(f->s, "li", 2025, "jd", "1.3",
                                              KH_PHASE_INSPECTION, zero, f->e),
                     KH_ENOTFOUND);
    expect_msg(f->e, "this item has no such evidence file", NULL);
    assert_int_equal(audit_count(f, "evidence.detach"), 0);
    kh_err_clear(f->e);
    expect_ok(kh_store_evidence_detach(f->s, "li", 2025, "jd", "1.3",
                                       KH_PHASE_INSPECTION, h1, f->e),
              f->e);
    assert_int_equal(audit_count(f, "evidence.detach"), 1);
    ev_seen s = {0};
    expect_ok(kh_store_evidence_each(f->s, 2025, NULL, collect, &s, f->e),
              f->e);
    assert_int_equal(s.n, 1);   /* xx's link stays */
    /* Twice: the link is gone. */
    kh_err_clear(f->e);
    assert_int_equal(kh_store_evidence_detach(f->s, "li", 2025, "jd", "1.3",
                                              KH_PHASE_INSPECTION, h1, f->e),
                     KH_ENOTFOUND);
    /* The bytes stay in the store for the audit trail. */
    kh_buf b;
    kh_buf_init(&b, 0);
    expect_ok(kh_store_evidence_get(f->s, h1, &b, NULL, f->e), f->e);
    assert_int_equal(b.len, sizeof pdf - 1);
    kh_buf_free(&b);
    /* Published: refused. */
    sql(f->s, "UPDATE year SET state = 'published' WHERE year = 2025");
    kh_err_clear(f->e);
    assert_int_equal(kh_store_evidence_detach(f->s, "li", 2025, "xx", "1.1",
                                              KH_PHASE_INSPECTION, h1, f->e),
                     KH_ESTATE);
    assert_int_equal(audit_count(f, "evidence.detach"), 1);
    int64_t count;
    expect_ok(kh_store_audit_verify(f->s, &count, f->e), f->e);
}

static void test_verify_and_repair(void **state)
{
    fx *f = *state;
    char h1[KH_EVIDENCE_HASH_SZ], h2[KH_EVIDENCE_HASH_SZ];
    expect_ok(kh_store_evidence_put(f->s, "li", "a.pdf", pdf, sizeof pdf - 1,
                                    0, h1, f->e),
              f->e);
    expect_ok(kh_store_evidence_put(f->s, "li", "b.jpg", jpg, sizeof jpg, 0,
                                    h2, f->e),
              f->e);
    kh_buf rep;
    kh_buf_init(&rep, 0);
    size_t n = 0;
    expect_ok(kh_store_evidence_verify(f->s, &rep, &n, f->e), f->e);
    assert_int_equal(n, 2);
    assert_string_equal(kh_buf_str(&rep), "证据文件：2 个，哈希校验全部通过\n");

    /* Damage one (same size, one byte changed), remove the other. */
    char p1[512], p2[512];
    snprintf(p1, sizeof p1, "%s/evidence/%.2s/%s", kh_store_data_dir(f->s),
             h1, h1);
    snprintf(p2, sizeof p2, "%s/evidence/%.2s/%s", kh_store_data_dir(f->s),
             h2, h2);
    FILE *fp = fopen(p1, "r+b");
    assert_non_null(fp);
    fseek(fp, 10, SEEK_SET);
    fputc('X', fp);
    fclose(fp);
    assert_int_equal(unlink(p2), 0);
    kh_buf_reset(&rep);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_evidence_verify(f->s, &rep, &n, f->e), KH_EIO);
    assert_int_equal(kh_err_errors(f->e), 2);
    char m1[64], m2[64];
    snprintf(m1, sizeof m1, "evidence %.12s (a.pdf)", h1);
    snprintf(m2, sizeof m2, "evidence %.12s (b.jpg)", h2);
    expect_msg(f->e, m1, "the file is damaged");
    expect_msg(f->e, m2, "file is missing");
    assert_string_equal(kh_buf_str(&rep), "证据文件：2 个，其中 2 个缺失或损坏\n");

    /* Reading a damaged file back is refused and hands out nothing. */
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_evidence_get(f->s, h1, &b, NULL, f->e), KH_EIO);
    expect_msg(f->e, "the file is damaged", NULL);
    assert_int_equal(b.len, 0);
    kh_err_clear(f->e);
    assert_int_equal(kh_store_evidence_get(f->s, h2, &b, NULL, f->e), KH_EIO);
    expect_msg(f->e, "file is missing", NULL);

    /* Storing the same content again repairs both. */
    expect_ok(kh_store_evidence_put(f->s, "li", "a.pdf", pdf, sizeof pdf - 1,
                                    0, NULL, f->e),
              f->e);
    expect_ok(kh_store_evidence_put(f->s, "li", "b.jpg", jpg, sizeof jpg, 0,
                                    NULL, f->e),
              f->e);
    kh_buf_reset(&rep);
    kh_err_clear(f->e);
    expect_ok(kh_store_evidence_verify(f->s, &rep, &n, f->e), f->e);
    expect_ok(kh_store_evidence_get(f->s, h1, &b, NULL, f->e), f->e);
    assert_memory_equal(b.data, pdf, sizeof pdf - 1);
    /* No temporary files are left behind. */
    char dir[512];
    snprintf(dir, sizeof dir, "%s/evidence/%.2s", kh_store_data_dir(f->s), h1);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | grep -q '^\\.tmp'", dir);
    assert_int_not_equal(system(cmd), 0);
    kh_buf_free(&b);
    kh_buf_free(&rep);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff_allowed),
        cmocka_unit_test(test_sniff_refused),
        cmocka_unit_test(test_memory_store),
        cmocka_unit_test_setup_teardown(test_put_get, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attach, setup, teardown),
        cmocka_unit_test_setup_teardown(test_detach, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_and_repair, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
