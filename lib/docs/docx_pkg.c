/*
 * docx_pkg.c - the package parts of a .docx (OPC/WordprocessingML):
 * [Content_Types].xml, the relationships, styles (the 公文 type faces
 * and sizes), settings (odd and even footers), the footers with the page
 * number (— 1 —, odd pages right, even pages left), the draft watermark
 * header, and the zip itself (libzip, in memory, fixed time stamps so
 * the same document gives the same bytes).  The body is docx_body.c's.
 */
#include "gw_impl.h"

#include <stdio.h>
#include <string.h>
#include <zip.h>

#include "kaohe/html.h"

#define DP_W "xmlns:w=\"http://schemas.openxmlformats.org/" \
             "wordprocessingml/2006/main\""
#define DP_R "xmlns:r=\"http://schemas.openxmlformats.org/" \
             "officeDocument/2006/relationships\""
#define DP_XML "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define DP_CT "application/vnd.openxmlformats-officedocument." \
              "wordprocessingml."

static void dp_types(const kh_gw *g, kh_buf *o)
{
    kh_buf_puts(o, DP_XML "<Types xmlns=\"http://schemas.openxmlformats.org/"
        "package/2006/content-types\"><Default Extension=\"rels\" "
        "ContentType=\"application/vnd.openxmlformats-package.relationships"
        "+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        "<Override PartName=\"/word/document.xml\" ContentType=\"" DP_CT
        "document.main+xml\"/><Override PartName=\"/word/styles.xml\" "
        "ContentType=\"" DP_CT "styles+xml\"/><Override PartName=\"/word/"
        "settings.xml\" ContentType=\"" DP_CT "settings+xml\"/><Override "
        "PartName=\"/word/footer1.xml\" ContentType=\"" DP_CT "footer+xml\""
        "/><Override PartName=\"/word/footer2.xml\" ContentType=\"" DP_CT
        "footer+xml\"/>");
    if (g->draft)
        kh_buf_puts(o, "<Override PartName=\"/word/header1.xml\" "
                       "ContentType=\"" DP_CT "header+xml\"/>");
    kh_buf_puts(o, "<Override PartName=\"/docProps/core.xml\" ContentType="
        "\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
        "</Types>\n");
}

static void dp_rels(kh_buf *o)
{
    kh_buf_puts(o, DP_XML "<Relationships xmlns=\"http://schemas."
        "openxmlformats.org/package/2006/relationships\"><Relationship "
        "Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument"
        "/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>"
        "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/"
        "package/2006/relationships/metadata/core-properties\" "
        "Target=\"docProps/core.xml\"/></Relationships>\n");
}

static void dp_doc_rels(const kh_gw *g, kh_buf *o)
{
    static const char t[] = "http://schemas.openxmlformats.org/"
                            "officeDocument/2006/relationships/";
    kh_buf_puts(o, DP_XML "<Relationships xmlns=\"http://schemas."
                          "openxmlformats.org/package/2006/relationships\">");
    kh_buf_printf(o, "<Relationship Id=\"rId1\" Type=\"%sstyles\" "
                     "Target=\"styles.xml\"/><Relationship Id=\"rId2\" "
                     "Type=\"%ssettings\" Target=\"settings.xml\"/>"
                     "<Relationship Id=\"rId10\" Type=\"%sfooter\" "
                     "Target=\"footer1.xml\"/><Relationship Id=\"rId11\" "
                     "Type=\"%sfooter\" Target=\"footer2.xml\"/>",
                  t, t, t, t);
    if (g->draft)
        kh_buf_printf(o, "<Relationship Id=\"rId12\" Type=\"%sheader\" "
                         "Target=\"header1.xml\"/>", t);
    kh_buf_puts(o, "</Relationships>\n");
}

static void dp_core(const kh_gw *g, kh_buf *o)
{
    kh_buf_puts(o, DP_XML "<cp:coreProperties xmlns:cp=\"http://schemas."
        "openxmlformats.org/package/2006/metadata/core-properties\" "
        "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>");
    kh_html_text(o, g->title);
    kh_buf_puts(o, "</dc:title><dc:creator>");
    kh_buf_puts(o, "kaohe</dc:creator></cp:coreProperties>\n");
}

/* One paragraph style: id, East Asian face (NULL: the default 仿宋),
 * size in half points (0: default), extra pPr and rPr. */
static void dp_style(kh_buf *o, const char *id, const char *face, int sz,
                     const char *ppr, const char *rpr)
{
    kh_buf_printf(o, "<w:style w:type=\"paragraph\" w:customStyle=\"1\" "
                     "w:styleId=\"%s\"><w:name w:val=\"%s\"/><w:basedOn "
                     "w:val=\"Normal\"/><w:qFormat/><w:pPr>%s</w:pPr><w:rPr>",
                  id, id, ppr);
    if (face)
        kh_buf_printf(o, "<w:rFonts w:eastAsia=\"%s\"/>", face);
    kh_buf_puts(o, rpr);
    if (sz)
        kh_buf_printf(o, "<w:sz w:val=\"%d\"/><w:szCs w:val=\"%d\"/>", sz,
                      sz);
    kh_buf_puts(o, "</w:rPr></w:style>\n");
}

static void dp_styles(kh_buf *o)
{
    static const char grid_off[] = "<w:snapToGrid w:val=\"0\"/>"
        "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"240\" "
        "w:lineRule=\"auto\"/>";
    kh_buf_printf(o, DP_XML "<w:styles " DP_W "><w:docDefaults><w:rPrDefault>"
        "<w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New "
        "Roman\" w:eastAsia=\"仿宋_GB2312\" w:cs=\"Times New Roman\"/>"
        "<w:spacing w:val=\"%d\"/>"
        "<w:sz w:val=\"%d\"/><w:szCs w:val=\"%d\"/><w:lang w:val=\"en-US\" "
        "w:eastAsia=\"zh-CN\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
        "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"%d\" "
        "w:lineRule=\"exact\"/><w:jc w:val=\"both\"/></w:pPr></w:pPrDefault>"
        "</w:docDefaults>\n<w:style w:type=\"paragraph\" w:default=\"1\" "
        "w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/>"
        "</w:style>\n", KH_GW_CHAR_SPACING_CPT / 5, KH_GW_SZ_BODY,
        KH_GW_SZ_BODY, KH_GW_LINE_CPT / 5);
    static const char indent2[] = "<w:ind w:firstLineChars=\"200\" "
                                  "w:firstLine=\"640\"/>";
    dp_style(o, "Body", NULL, 0, indent2, "");
    char keep[128];
    snprintf(keep, sizeof keep, "<w:keepNext/>%s", indent2);
    dp_style(o, "H1", "黑体", 0, keep, "");
    dp_style(o, "H2", "楷体_GB2312", 0, keep, "");
    dp_style(o, "Plain", NULL, 0, "", "");
    dp_style(o, "GwTitle", "方正小标宋简体", KH_GW_SZ_TITLE,
             "<w:jc w:val=\"center\"/>", "");
    dp_style(o, "Center", NULL, 0, "<w:jc w:val=\"center\"/>", "");
    dp_style(o, "Sign", NULL, 0, "<w:ind w:rightChars=\"400\" "
             "w:right=\"1280\"/><w:jc w:val=\"right\"/>", "");
    dp_style(o, "Note", NULL, KH_GW_SZ_NOTE, grid_off, "");
    char mark[256];
    snprintf(mark, sizeof mark, "%s<w:jc w:val=\"center\"/>", grid_off);
    dp_style(o, "Mark", "方正小标宋简体", KH_GW_SZ_MARK, mark,
             "<w:color w:val=\"FF0000\"/>");
    dp_style(o, "Number", NULL, 0, "<w:pBdr><w:bottom w:val=\"single\" "
             "w:sz=\"12\" w:space=\"11\" w:color=\"FF0000\"/></w:pBdr>"
             "<w:jc w:val=\"center\"/>", "");
    char cell[256];
    snprintf(cell, sizeof cell, "%s<w:ind w:firstLine=\"0\"/>", grid_off);
    dp_style(o, "Cell", NULL, KH_GW_SZ_CELL, cell, "");
    long right = (KH_GW_PAGE_W_MM10 - KH_GW_LEFT_MM10 - KH_GW_RIGHT_MM10) *
                     1440L / 254 - 280;
    char banji[256];
    snprintf(banji, sizeof banji, "<w:tabs><w:tab w:val=\"right\" "
             "w:pos=\"%ld\"/></w:tabs><w:ind w:left=\"280\" "
             "w:right=\"280\"/>", right);
    dp_style(o, "Banji", NULL, KH_GW_SZ_NOTE, banji, "");
    dp_style(o, "GwFooter", "宋体", KH_GW_SZ_NOTE, grid_off,
             "<w:rFonts w:ascii=\"宋体\" w:hAnsi=\"宋体\"/>");
    kh_buf_puts(o, "</w:styles>\n");
}

static void dp_settings(kh_buf *o)
{
    kh_buf_puts(o, DP_XML "<w:settings " DP_W "><w:evenAndOddHeaders/>"
                "<w:defaultTabStop w:val=\"420\"/><w:characterSpacingControl"
                " w:val=\"compressPunctuation\"/></w:settings>\n");
}

/* — N — : odd pages at the right, even pages at the left, one
 * character in from the edge of the type area. */
static void dp_footer(kh_buf *o, bool odd)
{
    kh_buf_printf(o, DP_XML "<w:ftr " DP_W "><w:p><w:pPr><w:pStyle "
        "w:val=\"GwFooter\"/><w:ind w:%s=\"280\"/><w:jc w:val=\"%s\"/>"
        "</w:pPr><w:r><w:t xml:space=\"preserve\">— </w:t></w:r>"
        "<w:fldSimple w:instr=\" PAGE \"><w:r><w:t>1</w:t></w:r>"
        "</w:fldSimple><w:r><w:t xml:space=\"preserve\"> —</w:t></w:r>"
        "</w:p></w:ftr>\n", odd ? "right" : "left", odd ? "right" : "left");
}

/* The draft watermark: Word's text-path shape behind the page. */
static void dp_watermark(kh_buf *o)
{
    kh_buf_puts(o, DP_XML "<w:hdr " DP_W " " DP_R " xmlns:v=\"urn:schemas-"
        "microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:"
        "office\" xmlns:w10=\"urn:schemas-microsoft-com:office:word\"><w:p>"
        "<w:pPr><w:pStyle w:val=\"Plain\"/></w:pPr><w:r><w:pict>"
        "<v:shapetype id=\"_x0000_t136\" coordsize=\"21600,21600\" "
        "o:spt=\"136\" adj=\"10800\" path=\"m@7,l@8,m@5,21600l@6,21600e\">"
        "<v:path textpathok=\"t\" o:connecttype=\"custom\"/><v:textpath "
        "on=\"t\" fitshape=\"t\"/></v:shapetype><v:shape "
        "id=\"PowerPlusWaterMarkObject1\" o:spid=\"_x0000_s2049\" "
        "type=\"#_x0000_t136\" style=\"position:absolute;margin-left:0;"
        "margin-top:0;width:380pt;height:190pt;rotation:315;z-index:-251657216;"
        "mso-position-horizontal:center;mso-position-horizontal-relative:"
        "margin;mso-position-vertical:center;mso-position-vertical-relative:"
        "margin\" fillcolor=\"#C00000\" stroked=\"f\"><v:fill opacity=\".2\"/>"
        "<v:textpath style=\"font-family:&quot;黑体&quot;;font-size:1pt\" "
        "string=\"草稿\"/><w10:wrap anchorx=\"margin\" anchory=\"margin\"/>"
        "</v:shape></w:pict></w:r></w:p></w:hdr>\n");
}

enum { DP_TYPES, DP_RELS, DP_CORE, DP_DOC_RELS, DP_DOC, DP_STYLES,
       DP_SETTINGS, DP_FOOT1, DP_FOOT2, DP_HEAD1, DP_NPARTS };

static const char *const dp_names[DP_NPARTS] = {
    "[Content_Types].xml", "_rels/.rels", "docProps/core.xml",
    "word/_rels/document.xml.rels", "word/document.xml", "word/styles.xml",
    "word/settings.xml", "word/footer1.xml", "word/footer2.xml",
    "word/header1.xml"};

static void dp_parts(const kh_gw *g, kh_buf *p)
{
    dp_types(g, &p[DP_TYPES]);
    dp_rels(&p[DP_RELS]);
    dp_core(g, &p[DP_CORE]);
    dp_doc_rels(g, &p[DP_DOC_RELS]);
    kh_docx_document_xml(g, &p[DP_DOC]);
    dp_styles(&p[DP_STYLES]);
    dp_settings(&p[DP_SETTINGS]);
    dp_footer(&p[DP_FOOT1], true);
    dp_footer(&p[DP_FOOT2], false);
    if (g->draft)
        dp_watermark(&p[DP_HEAD1]);
}

/* Copies the finished in-memory archive src into out. */
static kh_status dp_collect(zip_source_t *src, kh_buf *out, kh_err *e)
{
    if (zip_source_open(src) < 0)
        return kh_err_fail(e, KH_EIO, "docx: cannot read the archive back");
    kh_status rc = KH_OK;
    for (;;) {
        char *w = kh_buf_reserve(out, 65536);
        if (!w) {
            rc = kh_err_fail(e, kh_buf_status(out), "docx: out of memory");
            break;
        }
        zip_int64_t n = zip_source_read(src, w, 65536);
        if (n < 0) {
            rc = kh_err_fail(e, KH_EIO, "docx: cannot read the archive "
                             "back");
            break;
        }
        if (n == 0)
            break;
        kh_buf_commit(out, (size_t)n);
    }
    zip_source_close(src);
    return rc;
}

static kh_status dp_zip(kh_buf *parts, size_t nparts, kh_buf *out,
                        kh_err *e)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_t *z = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
    zip_error_fini(&ze);
    if (!z) {
        zip_source_free(src);
        return kh_err_fail(e, KH_ENOMEM, "docx: cannot create the archive");
    }
    zip_source_keep(src);
    kh_status rc = KH_OK;
    for (size_t i = 0; rc == KH_OK && i < nparts; i++) {
        if (!parts[i].len)
            continue;
        zip_source_t *ps = zip_source_buffer(z, parts[i].data, parts[i].len,
                                             0);
        zip_int64_t idx = ps ? zip_file_add(z, dp_names[i], ps,
                                            ZIP_FL_ENC_UTF_8)
                             : -1;
        if (idx < 0) {
            zip_source_free(ps);
            rc = kh_err_fail(e, KH_ENOMEM, "docx: cannot add %s",
                             dp_names[i]);
        } else if (zip_file_set_dostime(z, (zip_uint64_t)idx, 0,
                                        (1 << 5) | 1, 0) < 0) {
            rc = kh_err_fail(e, KH_ENOMEM, "docx: cannot date %s",
                             dp_names[i]);
        }
    }
    if (rc != KH_OK) {
        zip_discard(z);
    } else if (zip_close(z) < 0) {
        rc = kh_err_fail(e, KH_EIO, "docx: cannot write the archive: %s",
                         zip_strerror(z));
        zip_discard(z);
    } else {
        rc = dp_collect(src, out, e);
    }
    zip_source_free(src);
    return rc;
}

kh_status kh_docx_write(const kh_gw *g, kh_buf *out, kh_err *e)
{
    kh_status rc = kh_gw_status(g, e);
    if (rc != KH_OK)
        return rc;
    kh_buf parts[DP_NPARTS];
    for (size_t i = 0; i < DP_NPARTS; i++)
        kh_buf_init(&parts[i], 0);
    dp_parts(g, parts);
    for (size_t i = 0; rc == KH_OK && i < DP_NPARTS; i++)
        if (kh_buf_status(&parts[i]) != KH_OK)
            rc = kh_err_fail(e, kh_buf_status(&parts[i]),
                             "docx: %s: out of memory", dp_names[i]);
    if (rc == KH_OK)
        rc = dp_zip(parts, DP_NPARTS, out, e);
    for (size_t i = 0; i < DP_NPARTS; i++)
        kh_buf_free(&parts[i]);
    return rc;
}
