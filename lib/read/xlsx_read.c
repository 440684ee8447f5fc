/*
 * xlsx_read.c - reads the first worksheet of an XLSX workbook into a
 * kh_table: libzip opens the archive from memory, expat streams each XML
 * part (package relationships, workbook, its relationships, shared
 * strings, the sheet).  Every part is capped in uncompressed size and the
 * table in cells, so a zip bomb or an XML entity bomb fails cleanly;
 * DOCTYPEs are refused outright.
 */
#include "table_impl.h"

#include <expat.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "kaohe/buf.h"
#include "kaohe/num.h"
#include "kaohe/vec.h"

/* Most bytes one XML part may decompress to. */
#define XR_MAX_PART ((zip_uint64_t)64 * 1024 * 1024)
#define XR_TOO_LONG SIZE_MAX
/* Excel's sheet limits. */
#define XR_MAX_ROW 1048576u
#define XR_MAX_COL 16384u

typedef struct xr_rel {
    char *id, *type, *target;
    bool external;
} xr_rel;

typedef struct xr {
    zip_t *za;
    kh_err *e;
    kh_table *t;
    size_t max_rows;       /* the row cap in force, for messages */
    XML_Parser p;          /* parser of the current part */
    const char *part;      /* name of the current part */
    unsigned nerr;
    bool fatal;            /* stop reading */
    kh_status st;          /* first failure */
    kh_buf text;           /* character data being collected */
    bool too_long;         /* ... and more was cut off */

    /* relationships of the part last read */
    xr_rel *rels;
    size_t nrels;

    /* workbook.xml: the first sheet */
    bool in_sheets;
    char *sheet_rid, *sheet_name;

    /* shared strings: NUL-separated in pool, starting at ss_off[i]
     * (XR_TOO_LONG for one past the cell cap) */
    kh_buf ss_pool;
    size_t *ss_off;
    size_t nss, ass;

    /* xml state shared by sharedStrings.xml and the sheet */
    bool in_si, in_t, in_v, in_is;
    unsigned rph;          /* depth inside <rPh> (phonetic runs: skipped) */

    /* sheet */
    bool in_data, in_row, in_c, has_v, has_is;
    unsigned row;          /* current row number, 1-based */
    unsigned last_row;     /* previous row number (0: none) */
    unsigned col;          /* current cell column, 1-based */
    unsigned last_col;     /* previous cell column in the row (0: none) */
    char type[24];         /* t attribute of the current cell (cut) */
    size_t ncells;         /* <c> elements seen */
} xr;

/* ---- errors --------------------------------------------------------- */

static void xr_verror(xr *x, kh_status st, bool fatal, const char *path,
                      const char *fmt, va_list ap) KH_PRINTF(5, 0);

static void xr_verror(xr *x, kh_status st, bool fatal, const char *path,
                      const char *fmt, va_list ap)
{
    if (x->fatal)
        return;
    kh_err_vat(x->e, KH_SEV_ERROR, 0, 0, path, fmt, ap);
    if (x->st == KH_OK)
        x->st = st;
    if (++x->nerr >= KH_TABLE_MAX_ERRORS) {
        kh_err_at(x->e, 0, 0, path, "too many errors; giving up");
        fatal = true;
    }
    if (fatal) {
        x->fatal = true;
        if (x->p)
            XML_StopParser(x->p, XML_FALSE);
    }
}

/* An error that ends the reading of the file. */
static void xr_fatal(xr *x, kh_status st, const char *path, const char *fmt,
                     ...) KH_PRINTF(4, 5);
static void xr_fatal(xr *x, kh_status st, const char *path, const char *fmt,
                     ...)
{
    va_list ap;
    va_start(ap, fmt);
    xr_verror(x, st, true, path, fmt, ap);
    va_end(ap);
}

/* An error in one cell; reading goes on to find more. */
static void xr_error(xr *x, kh_status st, const char *path, const char *fmt,
                     ...) KH_PRINTF(4, 5);
static void xr_error(xr *x, kh_status st, const char *path, const char *fmt,
                     ...)
{
    va_list ap;
    va_start(ap, fmt);
    xr_verror(x, st, false, path, fmt, ap);
    va_end(ap);
}

static void xr_nomem(xr *x)
{
    if (x->fatal)
        return;
    kh_err_fail(x->e, KH_ENOMEM, "out of memory");
    if (x->st == KH_OK)
        x->st = KH_ENOMEM;
    x->fatal = true;
    if (x->p)
        XML_StopParser(x->p, XML_FALSE);
}

/* ---- XML helpers ---------------------------------------------------- */

/* Names come as "namespace|local" (or "local" without a namespace);
 * elements are matched by local name. */
static const char *xr_local(const char *name)
{
    const char *bar = strrchr(name, '|');
    return bar ? bar + 1 : name;
}

/* Value of the attribute with the given local name: without a namespace
 * when ns is false, with any namespace when true; NULL when absent. */
static const char *xr_attr(const char **atts, const char *local, bool ns)
{
    for (size_t i = 0; atts[i]; i += 2) {
        const char *bar = strrchr(atts[i], '|');
        if (ns ? (bar && strcmp(bar + 1, local) == 0)
               : (!bar && strcmp(atts[i], local) == 0))
            return atts[i + 1];
    }
    return NULL;
}

static bool xr_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static void xr_text_reset(xr *x)
{
    kh_buf_reset(&x->text);
    x->too_long = false;
}

/* Collects character data up to one byte past the cell cap (so an
 * over-long text is seen as such without holding all of it). */
static void XMLCALL xr_chars(void *ud, const XML_Char *s, int len)
{
    xr *x = ud;
    if (!(x->in_t || x->in_v) || x->rph || len <= 0)
        return;
    size_t room = x->text.len < KH_TABLE_MAX_CELL + 1
                      ? KH_TABLE_MAX_CELL + 1 - x->text.len : 0;
    size_t n = (size_t)len;
    if (n > room) {
        n = room;
        x->too_long = true;
    }
    kh_buf_add(&x->text, s, n);
    if (kh_buf_status(&x->text) != KH_OK)
        xr_nomem(x);
}

static void XMLCALL xr_doctype(void *ud, const XML_Char *name,
                               const XML_Char *sysid, const XML_Char *pubid,
                               int has_internal_subset)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
    xr *x = ud;
    xr_fatal(x, KH_EINVAL, x->part, "a DOCTYPE is not allowed in an XLSX part");
}

/* Decodes Excel's _xHHHH_ escapes (e.g. "_x000D_" for a carriage return,
 * "_x005F_" for "_") in place; the UTF-8 form is never longer. */
static void xr_unescape(kh_buf *b)
{
    if (!b->data || !memchr(b->data, '_', b->len))
        return;
    char *s = b->data;
    size_t r = 0, w = 0, n = b->len;
    while (r < n) {
        if (s[r] == '_' && r + 6 < n && s[r + 1] == 'x' && s[r + 6] == '_') {
            int h[4];
            for (int k = 0; k < 4; k++)
                h[k] = kh_hex_digit((unsigned char)s[r + 2 + k]);
            if (h[0] >= 0 && h[1] >= 0 && h[2] >= 0 && h[3] >= 0) {
                unsigned cp = (unsigned)(h[0] << 12 | h[1] << 8 | h[2] << 4 |
                                         h[3]);
                if (cp != 0 && (cp < 0xD800 || cp > 0xDFFF)) {
                    if (cp < 0x80) {
                        s[w++] = (char)cp;
                    } else if (cp < 0x800) {
                        s[w++] = (char)(0xC0 | cp >> 6);
                        s[w++] = (char)(0x80 | (cp & 0x3F));
                    } else {
                        s[w++] = (char)(0xE0 | cp >> 12);
                        s[w++] = (char)(0x80 | (cp >> 6 & 0x3F));
                        s[w++] = (char)(0x80 | (cp & 0x3F));
                    }
                    r += 7;
                    continue;
                }
            }
        }
        s[w++] = s[r++];
    }
    b->len = w;
    s[w] = '\0';
}

/* ---- reading a part ------------------------------------------------- */

/* Streams the part named name through expat with the given handlers.
 * KH_ENOTFOUND (no message) when it is absent and not required. */
static kh_status xr_parse(xr *x, const char *name, bool required,
                          XML_StartElementHandler start,
                          XML_EndElementHandler end)
{
    zip_int64_t idx = zip_name_locate(x->za, name, 0);
    if (idx < 0)   /* part names are case-insensitive in OPC */
        idx = zip_name_locate(x->za, name, ZIP_FL_NOCASE);
    if (idx < 0) {
        if (!required)
            return KH_ENOTFOUND;
        xr_fatal(x, KH_EINVAL, name, "missing from the XLSX file");
        return x->st;
    }
    zip_stat_t sb;
    zip_stat_init(&sb);
    if (zip_stat_index(x->za, (zip_uint64_t)idx, 0, &sb) < 0) {
        xr_fatal(x, KH_EINVAL, name, "broken XLSX file: %s",
                 zip_strerror(x->za));
        return x->st;
    }
    if ((sb.valid & ZIP_STAT_ENCRYPTION_METHOD) &&
        sb.encryption_method != ZIP_EM_NONE) {
        xr_fatal(x, KH_EINVAL, name, "the XLSX file is encrypted; save it "
                 "without a password");
        return x->st;
    }
    if ((sb.valid & ZIP_STAT_COMP_METHOD) &&
        !zip_compression_method_supported(sb.comp_method, 0)) {
        xr_fatal(x, KH_EINVAL, name, "unsupported ZIP compression method %u",
                 (unsigned)sb.comp_method);
        return x->st;
    }
    if ((sb.valid & ZIP_STAT_SIZE) && sb.size > XR_MAX_PART) {
        xr_fatal(x, KH_ELIMIT, name, "part is larger than %llu bytes "
                 "uncompressed", (unsigned long long)XR_MAX_PART);
        return x->st;
    }
    zip_file_t *zf = zip_fopen_index(x->za, (zip_uint64_t)idx, 0);
    if (!zf) {
        xr_fatal(x, KH_EINVAL, name, "cannot open part: %s",
                 zip_strerror(x->za));
        return x->st;
    }
    enum { CHUNK = 65536 };
    char *chunk = malloc(CHUNK);
    XML_Parser p = chunk ? XML_ParserCreateNS(NULL, '|') : NULL;
    if (!p) {
        free(chunk);
        zip_fclose(zf);
        xr_nomem(x);
        return x->st;
    }
    XML_SetUserData(p, x);
    XML_SetElementHandler(p, start, end);
    XML_SetCharacterDataHandler(p, xr_chars);
    XML_SetStartDoctypeDeclHandler(p, xr_doctype);
    x->p = p;
    x->part = name;
    zip_uint64_t total = 0;
    while (!x->fatal) {
        zip_int64_t got = zip_fread(zf, chunk, CHUNK);
        if (got < 0) {
            xr_fatal(x, KH_EINVAL, name, "broken XLSX file: %s",
                     zip_file_strerror(zf));
            break;
        }
        total += (zip_uint64_t)got;
        if (total > XR_MAX_PART) {
            xr_fatal(x, KH_ELIMIT, name, "part is larger than %llu bytes "
                     "uncompressed", (unsigned long long)XR_MAX_PART);
            break;
        }
        if (XML_Parse(p, chunk, (int)got, got == 0) == XML_STATUS_ERROR) {
            if (!x->fatal)
                xr_fatal(x, KH_EINVAL, name,
                         "malformed XML at line %lu, column %lu: %s",
                         (unsigned long)XML_GetCurrentLineNumber(p),
                         (unsigned long)XML_GetCurrentColumnNumber(p) + 1,
                         XML_ErrorString(XML_GetErrorCode(p)));
            break;
        }
        if (got == 0)
            break;
    }
    x->p = NULL;
    XML_ParserFree(p);
    free(chunk);
    zip_fclose(zf);
    return x->fatal ? x->st : KH_OK;
}

/* ---- relationships -------------------------------------------------- */

static void xr_rels_free(xr *x)
{
    for (size_t i = 0; i < x->nrels; i++) {
        free(x->rels[i].id);
        free(x->rels[i].type);
        free(x->rels[i].target);
    }
    free(x->rels);
    x->rels = NULL;
    x->nrels = 0;
}

static void XMLCALL xr_rels_start(void *ud, const XML_Char *name,
                                  const XML_Char **atts)
{
    xr *x = ud;
    if (x->fatal)   /* expat may still call after a stop */
        return;
    if (strcmp(xr_local(name), "Relationship") != 0)
        return;
    const char *id = xr_attr(atts, "Id", false);
    const char *type = xr_attr(atts, "Type", false);
    const char *target = xr_attr(atts, "Target", false);
    const char *mode = xr_attr(atts, "TargetMode", false);
    if (!id || !type || !target)
        return;
    if (x->nrels >= 4096) {
        xr_fatal(x, KH_ELIMIT, x->part, "too many relationships");
        return;
    }
    xr_rel *nr = realloc(x->rels, (x->nrels + 1) * sizeof *nr);
    if (!nr) {
        xr_nomem(x);
        return;
    }
    x->rels = nr;
    xr_rel *r = &x->rels[x->nrels];
    r->id = strdup(id);
    r->type = strdup(type);
    r->target = strdup(target);
    r->external = mode && strcmp(mode, "External") == 0;
    x->nrels++;
    if (!r->id || !r->type || !r->target)
        xr_nomem(x);
}

static void XMLCALL xr_nop_end(void *ud, const XML_Char *name)
{
    (void)ud, (void)name;
}

/* First relationship whose type ends with suffix (or whose id is id). */
static const xr_rel *xr_rel_find(const xr *x, const char *suffix,
                                 const char *id)
{
    for (size_t i = 0; i < x->nrels; i++) {
        const xr_rel *r = &x->rels[i];
        if (id ? strcmp(r->id, id) == 0
               : (suffix && xr_ends_with(r->type, suffix)))
            return r;
    }
    return NULL;
}

/* Resolves a relationship target against the directory dir ("" or ending
 * in '/'): "/x" is from the root; "." and ".." segments are folded.
 * Returns a malloc'd part name, or NULL (bad path or out of memory). */
static char *xr_resolve(const char *dir, const char *target)
{
    char *joined = NULL;
    if (target[0] == '/')
        dir = "";
    if (asprintf(&joined, "%s%s", dir, target) < 0)
        return NULL;
    char *out = malloc(strlen(joined) + 1);
    if (!out) {
        free(joined);
        return NULL;
    }
    size_t w = 0;
    char *save = NULL;
    for (char *seg = strtok_r(joined, "/", &save); seg;
         seg = strtok_r(NULL, "/", &save)) {
        if (strcmp(seg, ".") == 0)
            continue;
        if (strcmp(seg, "..") == 0) {
            if (w == 0) {   /* above the root */
                free(joined);
                free(out);
                return NULL;
            }
            while (w > 0 && out[w - 1] != '/')
                w--;
            if (w > 0)
                w--;
            continue;
        }
        if (w > 0)
            out[w++] = '/';
        size_t k = strlen(seg);
        memcpy(out + w, seg, k);
        w += k;
    }
    out[w] = '\0';
    free(joined);
    if (w == 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* ---- workbook ------------------------------------------------------- */

static void XMLCALL xr_wb_start(void *ud, const XML_Char *name,
                                const XML_Char **atts)
{
    xr *x = ud;
    if (x->fatal)   /* expat may still call after a stop */
        return;
    const char *local = xr_local(name);
    if (strcmp(local, "sheets") == 0) {
        x->in_sheets = true;
    } else if (x->in_sheets && !x->sheet_rid && strcmp(local, "sheet") == 0) {
        const char *rid = xr_attr(atts, "id", true);
        const char *nm = xr_attr(atts, "name", false);
        if (!rid) {
            xr_fatal(x, KH_EINVAL, x->part, "the first sheet has no r:id");
            return;
        }
        x->sheet_rid = strdup(rid);
        x->sheet_name = strdup(nm ? nm : "");
        if (!x->sheet_rid || !x->sheet_name)
            xr_nomem(x);
    }
}

static void XMLCALL xr_wb_end(void *ud, const XML_Char *name)
{
    xr *x = ud;
    if (strcmp(xr_local(name), "sheets") == 0)
        x->in_sheets = false;
}

/* ---- shared strings ------------------------------------------------- */

static void XMLCALL xr_ss_start(void *ud, const XML_Char *name,
                                const XML_Char **atts)
{
    (void)atts;
    xr *x = ud;
    if (x->fatal)   /* expat may still call after a stop */
        return;
    const char *local = xr_local(name);
    if (strcmp(local, "si") == 0) {
        x->in_si = true;
        x->rph = 0;
        xr_text_reset(x);
    } else if (x->in_si && strcmp(local, "rPh") == 0) {
        x->rph++;
    } else if (x->in_si && strcmp(local, "t") == 0) {
        x->in_t = true;
    }
}

static void XMLCALL xr_ss_end(void *ud, const XML_Char *name)
{
    xr *x = ud;
    if (x->fatal)   /* expat may still call after a stop */
        return;
    const char *local = xr_local(name);
    if (strcmp(local, "t") == 0) {
        x->in_t = false;
    } else if (x->in_si && strcmp(local, "rPh") == 0) {
        if (x->rph)
            x->rph--;
    } else if (x->in_si && strcmp(local, "si") == 0) {
        x->in_si = false;
        if (x->nss >= KH_TABLE_MAX_CELLS) {
            xr_fatal(x, KH_ELIMIT, x->part, "more than %zu shared strings",
                     KH_TABLE_MAX_CELLS);
            return;
        }
        if (KH_VEC_GROW(x->ss_off, x->ass, x->nss + 1, 256) != KH_OK) {
            xr_nomem(x);
            return;
        }
        if (x->too_long || x->text.len > KH_TABLE_MAX_CELL) {
            x->ss_off[x->nss++] = XR_TOO_LONG;
            return;
        }
        xr_unescape(&x->text);
        x->ss_off[x->nss++] = x->ss_pool.len;
        kh_buf_add(&x->ss_pool, x->text.data ? x->text.data : "",
                   x->text.len);
        kh_buf_putc(&x->ss_pool, '\0');
        if (kh_buf_status(&x->ss_pool) != KH_OK)
            xr_nomem(x);
    }
}

/* ---- the sheet ------------------------------------------------------ */

/* Parses a decimal row number in 1..XR_MAX_ROW; 0 when invalid. */
static unsigned xr_rownum(const char *s)
{
    unsigned v = 0;
    if (!*s)
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        v = v * 10 + (unsigned)(*s - '0');
        if (v > XR_MAX_ROW)
            return 0;
    }
    return v;
}

/* Parses a cell reference "C7" into 1-based col and row; false when
 * invalid. */
static bool xr_cellref(const char *s, unsigned *col, unsigned *row)
{
    unsigned c = 0;
    size_t k = 0;
    for (; s[k] >= 'A' && s[k] <= 'Z'; k++) {
        c = c * 26 + (unsigned)(s[k] - 'A' + 1);
        if (c > XR_MAX_COL)
            return false;
    }
    if (k == 0)
        return false;
    *col = c;
    *row = xr_rownum(s + k);
    return *row != 0;
}

static void xr_ref(unsigned col, unsigned row, char *buf)
{
    kh_table_col_name(col - 1, buf);
    snprintf(buf + strlen(buf), 16, "%u", row);
}

/* Copies the start of s for a message: at most 20 bytes, cut at a UTF-8
 * character boundary; buf has room for 24. */
static const char *xr_show(const char *s, char *buf)
{
    size_t n = strnlen(s, 21);
    if (n > 20) {
        n = 20;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    return buf;
}

static void XMLCALL xr_sheet_start(void *ud, const XML_Char *name,
                                   const XML_Char **atts)
{
    xr *x = ud;
    if (x->fatal)   /* expat may still call after a stop */
        return;
    const char *local = xr_local(name);
    char ref[32];
    if (!x->in_data) {
        if (strcmp(local, "sheetData") == 0)
            x->in_data = true;
        return;
    }
    if (strcmp(local, "row") == 0) {
        if (x->in_row) {
            xr_fatal(x, KH_EINVAL, x->part, "a row inside a row");
            return;
        }
        const char *r = xr_attr(atts, "r", false);
        unsigned n = r ? xr_rownum(r) : x->last_row + 1;
        if (n == 0 || n > XR_MAX_ROW) {
            xr_fatal(x, KH_EINVAL, x->part, "bad row number \"%s\"",
                     r ? r : "");
            return;
        }
        if (n <= x->last_row) {
            xr_fatal(x, KH_EINVAL, x->part,
                     "row %u comes after row %u", n, x->last_row);
            return;
        }
        x->in_row = true;
        x->row = n;
        x->last_col = 0;
        kh_table_build_row(x->t, n);
        return;
    }
    if (strcmp(local, "c") == 0) {
        if (!x->in_row || x->in_c) {
            xr_fatal(x, KH_EINVAL, x->part, "a cell %s",
                     x->in_c ? "inside a cell" : "outside a row");
            return;
        }
        if (++x->ncells > KH_TABLE_MAX_CELLS) {
            xr_fatal(x, KH_ELIMIT, x->part, "more than %zu cells",
                     KH_TABLE_MAX_CELLS);
            return;
        }
        const char *r = xr_attr(atts, "r", false);
        unsigned col = x->last_col + 1, row = x->row;
        if (r && !xr_cellref(r, &col, &row)) {
            xr_fatal(x, KH_EINVAL, x->part, "bad cell reference \"%s\"", r);
            return;
        }
        if (col > XR_MAX_COL) {
            xr_fatal(x, KH_EINVAL, x->part, "too many cells in row %u",
                     x->row);
            return;
        }
        xr_ref(col, row, ref);
        if (row != x->row) {
            xr_fatal(x, KH_EINVAL, ref, "cell is inside row %u", x->row);
            return;
        }
        if (col <= x->last_col) {
            xr_fatal(x, KH_EINVAL, ref, "cell repeated or out of order");
            return;
        }
        const char *t = xr_attr(atts, "t", false);
        xr_show(t ? t : "n", x->type);
        x->in_c = true;
        x->col = col;
        x->last_col = col;
        x->has_v = x->has_is = false;
        x->in_v = x->in_is = x->in_t = false;
        x->rph = 0;
        xr_text_reset(x);
        return;
    }
    if (!x->in_c)
        return;
    if (strcmp(local, "v") == 0 && !x->in_is) {
        x->in_v = true;
        x->has_v = true;
        xr_text_reset(x);
    } else if (strcmp(local, "is") == 0) {
        x->in_is = true;
        x->has_is = true;
        xr_text_reset(x);
    } else if (x->in_is && strcmp(local, "rPh") == 0) {
        x->rph++;
    } else if (x->in_is && strcmp(local, "t") == 0) {
        x->in_t = true;
    }
}

/* Turns the collected value of the current cell into a table cell. */
static void xr_cell_end(xr *x)
{
    char ref[32], show[24];
    xr_ref(x->col, x->row, ref);
    const char *type = x->type;
    const char *s = x->text.data ? x->text.data : "";
    size_t n = x->text.len;
    bool inl = strcmp(type, "inlineStr") == 0;
    if (inl ? !x->has_is && !x->has_v : !x->has_v)
        return;   /* formatting only: an empty cell */
    if (strcmp(type, "s") == 0) {
        size_t i = 0, k = 0;
        while (k < n && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' ||
                         s[k] == '\r'))
            k++;
        size_t d0 = k;
        for (; k < n && s[k] >= '0' && s[k] <= '9' && i <= x->nss; k++)
            i = i * 10 + (size_t)(s[k] - '0');
        while (k < n && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' ||
                         s[k] == '\r'))
            k++;
        if (k == d0 || k < n || i >= x->nss) {
            xr_error(x, KH_EINVAL, ref, "shared string \"%s\" does not "
                     "exist (the file has %zu)", xr_show(s, show), x->nss);
            return;
        }
        if (x->ss_off[i] == XR_TOO_LONG) {
            n = KH_TABLE_MAX_CELL + 1;
        } else {
            s = x->ss_pool.data + x->ss_off[i];
            n = strlen(s);
        }
    } else if (strcmp(type, "b") == 0) {
        if (n == 1 && (s[0] == '0' || s[0] == '1')) {
            s = s[0] == '1' ? "TRUE" : "FALSE";
            n = strlen(s);
        } else {
            xr_error(x, KH_EINVAL, ref, "bad boolean \"%s\"",
                     xr_show(s, show));
            return;
        }
    } else if (x->too_long) {
        n = KH_TABLE_MAX_CELL + 1;
    } else if (inl || strcmp(type, "str") == 0) {
        xr_unescape(&x->text);
        s = x->text.data ? x->text.data : "";
        n = x->text.len;
    } else if (strcmp(type, "n") != 0 && strcmp(type, "e") != 0 &&
               strcmp(type, "d") != 0) {
        xr_error(x, KH_EINVAL, ref, "unknown cell type \"%s\"",
                 xr_show(type, show));
        return;
    }
    if (n > KH_TABLE_MAX_CELL) {
        xr_error(x, KH_ELIMIT, ref, "cell is longer than %zu bytes",
                 KH_TABLE_MAX_CELL);
        return;
    }
    kh_status st = kh_table_build_cell(x->t, x->col - 1, s, n);
    if (st == KH_ELIMIT)
        xr_fatal(x, st, ref, "more than %zu cells", KH_TABLE_MAX_CELLS);
    else if (st != KH_OK)
        xr_nomem(x);
}

static void XMLCALL xr_sheet_end(void *ud, const XML_Char *name)
{
    xr *x = ud;
    if (x->fatal)   /* expat may still call after a stop */
        return;
    const char *local = xr_local(name);
    if (!x->in_data)
        return;
    if (strcmp(local, "sheetData") == 0) {
        x->in_data = false;
    } else if (strcmp(local, "row") == 0) {
        x->in_row = false;
        x->last_row = x->row;
        kh_status st = kh_table_build_row_end(x->t);
        if (st == KH_ELIMIT) {
            char ref[32];
            xr_ref(1, x->row, ref);
            xr_fatal(x, st, ref, "more than %zu rows", x->max_rows);
        } else if (st != KH_OK) {
            xr_nomem(x);
        }
    } else if (strcmp(local, "c") == 0) {
        x->in_c = false;
        xr_cell_end(x);
    } else if (strcmp(local, "v") == 0) {
        x->in_v = false;
    } else if (strcmp(local, "is") == 0) {
        x->in_is = false;
    } else if (strcmp(local, "rPh") == 0) {
        if (x->rph)
            x->rph--;
    } else if (strcmp(local, "t") == 0) {
        x->in_t = false;
    }
}

/* ---- the whole file ------------------------------------------------- */

/* Directory part of a part name, with its trailing '/' ("" for none);
 * malloc'd. */
static char *xr_dirname(const char *part)
{
    const char *slash = strrchr(part, '/');
    size_t n = slash ? (size_t)(slash - part) + 1 : 0;
    return strndup(part, n);
}

/* Finds and reads the parts, in order: package rels, workbook, workbook
 * rels, shared strings, sheet. */
static void xr_read(xr *x)
{
    char *wb = NULL, *wbdir = NULL, *wbrels = NULL, *ss = NULL,
         *sheet = NULL;

    kh_status st = xr_parse(x, "_rels/.rels", false, xr_rels_start,
                            xr_nop_end);
    if (x->fatal)
        goto out;
    const xr_rel *r = st == KH_OK ? xr_rel_find(x, "/officeDocument", NULL)
                                  : NULL;
    wb = r ? xr_resolve("", r->target) : strdup("xl/workbook.xml");
    if (!wb) {
        xr_fatal(x, KH_EINVAL, "_rels/.rels", "bad workbook location");
        goto out;
    }
    xr_rels_free(x);

    if (xr_parse(x, wb, true, xr_wb_start, xr_wb_end) != KH_OK)
        goto out;
    if (!x->sheet_rid) {
        xr_fatal(x, KH_EINVAL, wb, "the workbook has no sheets");
        goto out;
    }

    wbdir = xr_dirname(wb);
    if (!wbdir || asprintf(&wbrels, "%s_rels/%s.rels", wbdir,
                           wb + strlen(wbdir)) < 0) {
        wbrels = NULL;
        xr_nomem(x);
        goto out;
    }
    if (xr_parse(x, wbrels, true, xr_rels_start, xr_nop_end) != KH_OK)
        goto out;
    r = xr_rel_find(x, NULL, x->sheet_rid);
    if (!r) {
        xr_fatal(x, KH_EINVAL, wbrels, "no relationship \"%s\" for sheet "
                 "\"%s\"", x->sheet_rid, x->sheet_name);
        goto out;
    }
    if (!xr_ends_with(r->type, "/worksheet")) {
        xr_fatal(x, KH_EINVAL, wb, "the first sheet \"%s\" is not a "
                 "worksheet (a chart sheet?)", x->sheet_name);
        goto out;
    }
    if (r->external || !(sheet = xr_resolve(wbdir, r->target))) {
        xr_fatal(x, KH_EINVAL, wbrels, "bad location \"%s\" of sheet \"%s\"",
                 r->target, x->sheet_name);
        goto out;
    }
    r = xr_rel_find(x, "/sharedStrings", NULL);
    if (r && !r->external)
        ss = xr_resolve(wbdir, r->target);
    bool ss_required = ss != NULL;
    if (!ss && asprintf(&ss, "%ssharedStrings.xml", wbdir) < 0) {
        ss = NULL;
        xr_nomem(x);
        goto out;
    }
    xr_rels_free(x);

    st = xr_parse(x, ss, ss_required, xr_ss_start, xr_ss_end);
    if (x->fatal)
        goto out;
    xr_parse(x, sheet, true, xr_sheet_start, xr_sheet_end);
out:
    xr_rels_free(x);
    free(wb);
    free(wbdir);
    free(wbrels);
    free(ss);
    free(sheet);
}

kh_status kh_table_xlsx_read(const void *data, size_t len, size_t max_rows,
                             kh_err *e, kh_table **out)
{
    *out = NULL;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    if (!src) {
        zip_error_fini(&ze);
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    /* No ZIP_CHECKCONS: it rejects workbooks Excel opens (PhpSpreadsheet
     * dropped it for that); CRCs and sizes are still checked as each part
     * is read to its end. */
    zip_t *za = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (!za) {
        zip_source_free(src);
        kh_status st = kh_err_at(e, 0, 0, NULL, "not a readable XLSX file "
                                 "(broken ZIP archive: %s)",
                                 zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return st;
    }
    zip_error_fini(&ze);

    xr x = { .za = za, .e = e,
             .max_rows = max_rows ? max_rows : KH_TABLE_MAX_CELLS };
    kh_buf_init(&x.text, 0);
    kh_buf_init(&x.ss_pool, 0);
    x.t = kh_table_build_new(KH_TABLE_XLSX, "XLSX", max_rows);
    if (!x.t)
        xr_nomem(&x);
    else
        xr_read(&x);
    if (x.st == KH_OK && x.t) {
        kh_table_build_finish(x.t);
        *out = x.t;
    } else {
        kh_table_free(x.t);
    }
    kh_status st = x.st;
    free(x.sheet_rid);
    free(x.sheet_name);
    free(x.ss_off);
    kh_buf_free(&x.text);
    kh_buf_free(&x.ss_pool);
    zip_discard(za);   /* read-only: nothing to write back */
    return st;
}
