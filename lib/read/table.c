/*
 * table.c - the kh_table object (rows of trimmed UTF-8 cells, each with its
 * place in the file), its builder, and the CSV reader with encoding
 * detection (UTF-8 with or without BOM, else GB18030 through iconv).
 * XLSX files are handed to xlsx_read.c.
 */
#include "table_impl.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/buf.h"
#include "kaohe/vec.h"

/* ---- the table ------------------------------------------------------ */

/* A stored cell; empty cells are not stored. */
typedef struct tbl_cell {
    unsigned col;          /* 0-based */
    unsigned len;
    const char *s;         /* NUL-terminated, in the string pool */
} tbl_cell;

typedef struct tbl_row {
    unsigned line;         /* 1-based row in the file */
    unsigned ncols;        /* 1 + last column seen, empty or not */
    size_t first, n;       /* cells[first .. first+n) */
} tbl_row;

/* Cell text lives in a chain of blocks so cell pointers stay valid. */
typedef struct tbl_blk {
    struct tbl_blk *next;
    size_t used, size;
    char data[];
} tbl_blk;

struct kh_table {
    kh_table_format fmt;
    const char *enc;       /* static string */
    size_t max_rows;
    tbl_row *rows;
    size_t nrows, arows;
    tbl_cell *cells;
    size_t ncells, acells;
    tbl_blk *blk;
    size_t keep_rows;      /* rows up to the last non-empty one */
    /* the row being built */
    bool open, nonempty;
    unsigned line, ncols;
    size_t first;
};

#define TBL_BLK_SIZE ((size_t)64 * 1024)

static char *tbl_strdup(kh_table *t, const char *s, size_t n)
{
    tbl_blk *b = t->blk;
    if (!b || b->size - b->used < n + 1) {
        size_t size = n + 1 > TBL_BLK_SIZE ? n + 1 : TBL_BLK_SIZE;
        b = malloc(sizeof *b + size);
        if (!b)
            return NULL;
        b->size = size;
        b->used = 0;
        b->next = t->blk;
        t->blk = b;
    }
    char *d = b->data + b->used;
    memcpy(d, s, n);
    d[n] = '\0';
    b->used += n + 1;
    return d;
}

/* Length of a whitespace character at s (ASCII space and controls
 * \t\n\v\f\r, U+00A0, U+3000 ideographic space, U+FEFF), else 0. */
static size_t tbl_space_at(const unsigned char *s, size_t n)
{
    if (n >= 1 && (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r')))
        return 1;
    if (n >= 2 && s[0] == 0xC2 && s[1] == 0xA0)
        return 2;
    if (n >= 3 && s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80)
        return 3;
    if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        return 3;
    return 0;
}

/* Length of a whitespace character ending at s[n-1], else 0. */
static size_t tbl_space_before(const unsigned char *s, size_t n)
{
    if (n >= 1 && s[n - 1] < 0x80)
        return tbl_space_at(s + n - 1, 1);
    if (n >= 2 && tbl_space_at(s + n - 2, 2) == 2)
        return 2;
    if (n >= 3 && tbl_space_at(s + n - 3, 3) == 3)
        return 3;
    return 0;
}

static void tbl_trim(const char **s, size_t *n)
{
    const unsigned char *p = (const unsigned char *)*s;
    size_t len = *n, k;
    while ((k = tbl_space_at(p, len)) != 0) {
        p += k;
        len -= k;
    }
    while ((k = tbl_space_before(p, len)) != 0)
        len -= k;
    *s = (const char *)p;
    *n = len;
}

kh_table *kh_table_build_new(kh_table_format fmt, const char *encoding,
                             size_t max_rows)
{
    kh_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->fmt = fmt;
    t->enc = encoding;
    t->max_rows = max_rows ? max_rows : KH_TABLE_MAX_CELLS;
    return t;
}

void kh_table_build_row(kh_table *t, unsigned line)
{
    t->open = true;
    t->nonempty = false;
    t->line = line;
    t->ncols = 0;
    t->first = t->ncells;
}

kh_status kh_table_build_cell(kh_table *t, unsigned col, const char *s,
                              size_t n)
{
    if (col >= t->ncols)
        t->ncols = col + 1;
    tbl_trim(&s, &n);
    if (n == 0)
        return KH_OK;
    if (t->ncells >= KH_TABLE_MAX_CELLS)
        return KH_ELIMIT;
    if (KH_VEC_GROW(t->cells, t->acells, t->ncells + 1, 256) != KH_OK)
        return KH_ENOMEM;
    char *d = tbl_strdup(t, s, n);
    if (!d)
        return KH_ENOMEM;
    t->cells[t->ncells++] = (tbl_cell){ col, (unsigned)n, d };
    t->nonempty = true;
    return KH_OK;
}

kh_status kh_table_build_row_end(kh_table *t)
{
    if (!t->open)
        return KH_OK;
    t->open = false;
    if (t->nrows >= t->max_rows) {
        /* Past the cap only empty rows may follow: they may be trailing. */
        t->ncells = t->first;
        return t->nonempty ? KH_ELIMIT : KH_OK;
    }
    if (KH_VEC_GROW(t->rows, t->arows, t->nrows + 1, 64) != KH_OK) {
        t->ncells = t->first;
        return KH_ENOMEM;
    }
    t->rows[t->nrows++] = (tbl_row){ t->line, t->ncols, t->first,
                                     t->ncells - t->first };
    if (t->nonempty)
        t->keep_rows = t->nrows;
    return KH_OK;
}

void kh_table_build_finish(kh_table *t)
{
    t->open = false;
    t->nrows = t->keep_rows;
}

void kh_table_free(kh_table *t)
{
    if (!t)
        return;
    while (t->blk) {
        tbl_blk *next = t->blk->next;
        free(t->blk);
        t->blk = next;
    }
    free(t->rows);
    free(t->cells);
    free(t);
}

kh_table_format kh_table_get_format(const kh_table *t)
{
    return t->fmt;
}

const char *kh_table_encoding(const kh_table *t)
{
    return t->enc;
}

size_t kh_table_rows(const kh_table *t)
{
    return t->nrows;
}

size_t kh_table_cols(const kh_table *t, size_t row)
{
    return row < t->nrows ? t->rows[row].ncols : 0;
}

const char *kh_table_cell(const kh_table *t, size_t row, size_t col)
{
    if (row >= t->nrows)
        return "";
    const tbl_row *r = &t->rows[row];
    const tbl_cell *c = t->cells + r->first;
    /* Dense rows (most CSV) hit directly; otherwise binary search. */
    if (col < r->n && c[col].col == col)
        return c[col].s;
    size_t lo = 0, hi = r->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c[mid].col == col)
            return c[mid].s;
        if (c[mid].col < col)
            lo = mid + 1;
        else
            hi = mid;
    }
    return "";
}

unsigned kh_table_line(const kh_table *t, size_t row)
{
    return row < t->nrows ? t->rows[row].line : 0;
}

int kh_table_find_col(const kh_table *t, const char *const *names)
{
    if (t->nrows == 0 || !names)
        return -1;
    const tbl_row *r = &t->rows[0];
    for (size_t i = 0; i < r->n; i++) {
        const tbl_cell *c = &t->cells[r->first + i];
        for (const char *const *nm = names; *nm; nm++) {
            const char *s = *nm;
            size_t n = strlen(s);
            tbl_trim(&s, &n);
            if (n == c->len && memcmp(s, c->s, n) == 0)
                return c->col > INT32_MAX ? -1 : (int)c->col;
        }
    }
    return -1;
}

void kh_table_col_name(unsigned col, char *buf)
{
    char tmp[8];
    size_t n = 0;
    unsigned long v = (unsigned long)col + 1;   /* bijective base 26 */
    while (v > 0 && n < sizeof tmp) {
        v--;
        tmp[n++] = (char)('A' + v % 26);
        v /= 26;
    }
    for (size_t i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
}

const char *kh_table_ref(const kh_table *t, size_t row, size_t col,
                         char *buf)
{
    unsigned line = kh_table_line(t, row);
    unsigned c = col > UINT32_MAX - 1 ? UINT32_MAX - 1 : (unsigned)col;
    if (t->fmt == KH_TABLE_XLSX) {
        kh_table_col_name(c, buf);
        snprintf(buf + strlen(buf), 24, "%u", line);
    } else {
        snprintf(buf, 32, "%u:%u", line, c + 1);
    }
    return buf;
}

/* ---- encodings ------------------------------------------------------ */

/* Offset of the first byte that does not start a valid UTF-8 sequence
 * (no overlongs, surrogates or values past U+10FFFF), or n.  *incomplete
 * tells a sequence cut short by the end of the data. */
static size_t csv_utf8_check(const unsigned char *s, size_t n,
                             bool *incomplete)
{
    *incomplete = false;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF)
            need = 1;
        else if (c == 0xE0)
            need = 2, lo = 0xA0;
        else if (c == 0xED)
            need = 2, hi = 0x9F;
        else if (c >= 0xE1 && c <= 0xEF)
            need = 2;
        else if (c == 0xF0)
            need = 3, lo = 0x90;
        else if (c == 0xF4)
            need = 3, hi = 0x8F;
        else if (c >= 0xF1 && c <= 0xF3)
            need = 3;
        else
            return i;
        for (size_t k = 1; k <= need; k++) {
            if (i + k >= n) {
                *incomplete = true;
                return i;
            }
            unsigned b = s[i + k];
            if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF))
                return i;
        }
        i += need + 1;
    }
    return n;
}

/* Converts GB18030 to UTF-8 into a malloc'd buffer (*out, owned by the
 * caller).  KH_EINVAL with *bad (offset of the first undecodable byte) and
 * *incomplete set when the input is not GB18030; KH_EIO when iconv has no
 * GB18030; KH_ENOMEM. */
static kh_status csv_from_gb18030(const char *in, size_t n, char **out,
                                  size_t *outn, size_t *bad,
                                  bool *incomplete)
{
    *out = NULL;
    *incomplete = false;
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1)
        return KH_EIO;
    /* A GB18030 character never grows by more than half in UTF-8. */
    size_t cap = n / 2 * 3 + 16;
    if (cap < n) {
        iconv_close(cd);
        return KH_ENOMEM;
    }
    char *buf = malloc(cap + 1);
    if (!buf) {
        iconv_close(cd);
        return KH_ENOMEM;
    }
    char *ip = (char *)in, *op = buf;
    size_t il = n, ol = cap;
    kh_status st = KH_OK;
    while (il > 0) {
        if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1)
            continue;
        if (errno == E2BIG) {
            size_t used = (size_t)(op - buf);
            size_t ncap = cap * 2;
            char *nb = ncap > cap ? realloc(buf, ncap + 1) : NULL;
            if (!nb) {
                st = KH_ENOMEM;
                break;
            }
            buf = nb;
            cap = ncap;
            op = buf + used;
            ol = cap - used;
            continue;
        }
        *incomplete = errno == EINVAL;
        *bad = (size_t)(ip - in);
        st = KH_EINVAL;
        break;
    }
    iconv_close(cd);
    if (st != KH_OK) {
        free(buf);
        return st;
    }
    *op = '\0';
    *out = buf;
    *outn = (size_t)(op - buf);
    return KH_OK;
}

/* Length of the GB18030 character starting at s (input known valid). */
static size_t csv_gb_len(const unsigned char *s, size_t n)
{
    if (s[0] < 0x80)
        return 1;
    if (n >= 4 && s[1] >= 0x30 && s[1] <= 0x39)
        return 4;
    return n >= 2 ? 2 : 1;
}

/* Line (1-based; a line ends at LF, CRLF or a lone CR) of offset off in
 * s, and the offset of that line's start. */
static unsigned csv_line_of(const char *s, size_t n, size_t off,
                            size_t *lstart)
{
    unsigned line = 1;
    size_t ls = 0;
    for (size_t j = 0; j < off && j < n; j++) {
        if (s[j] == '\n' || (s[j] == '\r' && (j + 1 >= n || s[j + 1] != '\n'))) {
            line++;
            ls = j + 1;
        }
    }
    *lstart = ls;
    return line;
}

/* 1-based column, in characters, of UTF-8 offset off on a line starting
 * at ls. */
static unsigned csv_col_utf8(const char *s, size_t ls, size_t off)
{
    unsigned col = 1;
    for (size_t j = ls; j < off; j++)
        if (((unsigned char)s[j] & 0xC0) != 0x80)
            col++;
    return col;
}

/* ---- the CSV parser ------------------------------------------------- */

typedef struct csv_rd {
    kh_table *t;
    kh_err *e;
    const char *s;          /* UTF-8 text, no BOM */
    size_t n;
    size_t i;               /* read position */
    unsigned line;          /* line of s[i] */
    size_t lstart;          /* offset where that line starts */
    unsigned nerr;
    bool stop;
    kh_status st;           /* first failure */
    kh_buf cell;            /* unescaped text of a quoted field */
} csv_rd;

static void csv_error(csv_rd *r, kh_status st, unsigned line, size_t ls,
                      size_t off, const char *fmt, ...) KH_PRINTF(6, 7);

/* Records an error at line, at the column of offset off (line starting
 * at ls); stops after KH_TABLE_MAX_ERRORS. */
static void csv_error(csv_rd *r, kh_status st, unsigned line, size_t ls,
                      size_t off, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kh_err_vat(r->e, KH_SEV_ERROR, line, csv_col_utf8(r->s, ls, off), NULL,
               fmt, ap);
    va_end(ap);
    if (r->st == KH_OK)
        r->st = st;
    if (++r->nerr >= KH_TABLE_MAX_ERRORS) {
        kh_err_at(r->e, line, 0, NULL, "too many errors; giving up");
        r->stop = true;
    }
}

static bool csv_is_end(char c)
{
    return c == ',' || c == '\n' || c == '\r';
}

/* Reads a quoted field starting at the quote; leaves the unescaped text
 * in r->cell (up to one byte more than the cell cap). */
static void csv_quoted(csv_rd *r)
{
    const char *s = r->s;
    size_t n = r->n;
    unsigned oline = r->line;
    size_t ols = r->lstart, oi = r->i;
    kh_buf_reset(&r->cell);
    r->i++;
    for (;;) {
        size_t run = r->i;
        while (r->i < n && s[r->i] != '"' && s[r->i] != '\r' &&
               s[r->i] != '\n')
            r->i++;
        /* Past the cap the text is not kept, only its length matters. */
        size_t room = r->cell.len <= KH_TABLE_MAX_CELL
                          ? KH_TABLE_MAX_CELL + 1 - r->cell.len : 0;
        size_t take = r->i - run < room ? r->i - run : room;
        kh_buf_add(&r->cell, s + run, take);
        if (r->i >= n) {
            csv_error(r, KH_EINVAL, oline, ols, oi,
                      "unterminated quoted field (the quote opens here)");
            r->stop = true;
            return;
        }
        if (s[r->i] == '"') {
            if (r->i + 1 < n && s[r->i + 1] == '"') {
                if (r->cell.len <= KH_TABLE_MAX_CELL)
                    kh_buf_putc(&r->cell, '"');
                r->i += 2;
                continue;
            }
            r->i++;
            break;
        }
        /* A line break inside quotes is part of the cell, kept as LF. */
        if (s[r->i] == '\r' && r->i + 1 < n && s[r->i + 1] == '\n')
            r->i++;
        r->i++;
        r->line++;
        r->lstart = r->i;
        if (r->cell.len <= KH_TABLE_MAX_CELL)
            kh_buf_putc(&r->cell, '\n');
    }
    /* Blanks may follow the closing quote; anything else is an error. */
    while (r->i < n && (s[r->i] == ' ' || s[r->i] == '\t'))
        r->i++;
    if (r->i < n && !csv_is_end(s[r->i])) {
        csv_error(r, KH_EINVAL, r->line, r->lstart, r->i,
                  "unexpected text after a closing quote (a quote inside a "
                  "quoted field must be doubled)");
        while (r->i < n && !csv_is_end(s[r->i]))
            r->i++;
    }
}

static void csv_record(csv_rd *r)
{
    const char *s = r->s;
    size_t n = r->n;
    unsigned rec_line = r->line;
    size_t rec_ls = r->lstart, rec_i = r->i;
    kh_table_build_row(r->t, rec_line);
    for (unsigned col = 0; !r->stop; col++) {
        unsigned fline = r->line;
        size_t fls = r->lstart, fi = r->i;
        const char *text;
        size_t len;
        if (r->i < n && s[r->i] == '"') {
            csv_quoted(r);
            if (r->stop)
                return;
            if (kh_buf_status(&r->cell) != KH_OK) {
                r->st = KH_ENOMEM;
                r->stop = true;
                return;
            }
            text = kh_buf_str(&r->cell);
            len = r->cell.len;
        } else {
            bool stray = false;
            while (r->i < n && !csv_is_end(s[r->i])) {
                if (s[r->i] == '"' && !stray) {
                    stray = true;
                    csv_error(r, KH_EINVAL, r->line, r->lstart, r->i,
                              "quote inside an unquoted field (quote the "
                              "whole field and double the quote)");
                }
                r->i++;
            }
            text = s + fi;
            len = r->i - fi;
        }
        if (len > KH_TABLE_MAX_CELL) {
            csv_error(r, KH_ELIMIT, fline, fls, fi,
                      "cell is longer than %zu bytes", KH_TABLE_MAX_CELL);
            len = 0;
        }
        if (r->stop)
            return;
        kh_status st = kh_table_build_cell(r->t, col, text, len);
        if (st != KH_OK) {
            if (st == KH_ELIMIT)
                csv_error(r, st, fline, fls, fi, "more than %zu cells",
                          KH_TABLE_MAX_CELLS);
            else if (r->st == KH_OK)
                r->st = st;
            r->stop = true;
            return;
        }
        if (r->i < n && s[r->i] == ',') {
            r->i++;
            continue;
        }
        break;
    }
    if (r->i < n) {   /* the line break ending the record */
        if (s[r->i] == '\r' && r->i + 1 < n && s[r->i + 1] == '\n')
            r->i++;
        r->i++;
        r->line++;
        r->lstart = r->i;
    }
    kh_status st = kh_table_build_row_end(r->t);
    if (st == KH_ELIMIT) {
        csv_error(r, st, rec_line, rec_ls, rec_i, "more than %zu rows",
                  r->t->max_rows);
        r->stop = true;
    } else if (st != KH_OK) {
        if (r->st == KH_OK)
            r->st = st;
        r->stop = true;
    }
}

static kh_status csv_parse(kh_table *t, const char *s, size_t n, kh_err *e)
{
    csv_rd r = { .t = t, .e = e, .s = s, .n = n, .line = 1 };
    kh_buf_init(&r.cell, 0);
    const char *nul = memchr(s, '\0', n);
    if (nul) {
        size_t ls;
        unsigned line = csv_line_of(s, n, (size_t)(nul - s), &ls);
        kh_err_at(e, line, csv_col_utf8(s, ls, (size_t)(nul - s)), NULL,
                  "NUL byte: this is not a text (CSV) file");
        return KH_EINVAL;
    }
    while (r.i < n && !r.stop)
        csv_record(&r);
    kh_buf_free(&r.cell);
    if (r.st == KH_ENOMEM)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    if (r.st != KH_OK)
        return r.st;
    kh_table_build_finish(t);
    return KH_OK;
}

/* Decodes data into UTF-8 and parses it. */
static kh_status csv_read(const char *data, size_t len, size_t max_rows,
                          kh_err *e, kh_table **out)
{
    const unsigned char *u = (const unsigned char *)data;
    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) ||
                     (u[0] == 0xFE && u[1] == 0xFF)))
        return kh_err_at(e, 1, 1, NULL,
                         "UTF-16 text (Excel \"Unicode Text\") is not "
                         "supported; save the sheet as \"CSV UTF-8\" or .xlsx");
    bool bom = len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF;
    size_t skip = bom ? 3 : 0;
    bool u_inc, g_inc = false;
    size_t ubad = skip + csv_utf8_check(u + skip, len - skip, &u_inc);
    const char *text = data + skip;
    size_t tn = len - skip;
    const char *enc = bom ? "UTF-8 (BOM)" : "UTF-8";
    char *conv = NULL;
    if (ubad < len) {
        size_t gbad = 0;
        kh_status st = KH_EINVAL;
        if (!bom) {   /* a BOM says UTF-8: no second guess */
            st = csv_from_gb18030(data, len, &conv, &tn, &gbad, &g_inc);
            if (st == KH_EIO)
                return kh_err_fail(e, KH_EIO, "the file is not UTF-8 and "
                                   "GB18030 conversion (iconv) is not "
                                   "available");
            if (st == KH_ENOMEM)
                return kh_err_fail(e, KH_ENOMEM, "out of memory");
        }
        if (st != KH_OK) {
            /* Name the place where the likelier encoding broke down. */
            bool gb = !bom && gbad > ubad;
            size_t off = gb ? gbad : ubad;
            bool inc = gb ? g_inc : u_inc;
            size_t ls;
            unsigned line = csv_line_of(data, len, off, &ls);
            unsigned col = 1;
            if (gb) {
                for (size_t j = ls; j < off; j += csv_gb_len(u + j, off - j))
                    col++;
            } else {
                col = csv_col_utf8(data, ls, off);
            }
            if (inc)
                return kh_err_at(e, line, col, NULL,
                                 "not valid %s (incomplete character at the "
                                 "end of the file)",
                                 bom ? "UTF-8" : "UTF-8 or GB18030");
            return kh_err_at(e, line, col, NULL, "not valid %s (byte 0x%02X)",
                             bom ? "UTF-8" : "UTF-8 or GB18030", u[off]);
        }
        text = conv;
        enc = "GB18030";
    }
    kh_table *t = kh_table_build_new(KH_TABLE_CSV, enc, max_rows);
    if (!t) {
        free(conv);
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    kh_status st = csv_parse(t, text, tn, e);
    free(conv);
    if (st != KH_OK) {
        kh_table_free(t);
        return st;
    }
    *out = t;
    return KH_OK;
}

/* ---- entry points --------------------------------------------------- */

kh_status kh_table_read_mem(const char *name, const void *data, size_t len,
                            size_t max_rows, kh_err *e, kh_table **out)
{
    *out = NULL;
    const char *old = kh_err_file(e);
    if (name)
        kh_err_set_file(e, name);
    const unsigned char *u = data ? data : (const void *)"";
    static const unsigned char ole2[8] = { 0xD0, 0xCF, 0x11, 0xE0,
                                           0xA1, 0xB1, 0x1A, 0xE1 };
    kh_status st;
    if (len >= 4 && u[0] == 'P' && u[1] == 'K' &&
        ((u[2] == 3 && u[3] == 4) || (u[2] == 5 && u[3] == 6)))
        st = kh_table_xlsx_read(u, len, max_rows, e, out);
    else if (len >= 8 && memcmp(u, ole2, 8) == 0)
        st = kh_err_at(e, 0, 0, NULL,
                       "an Excel 97-2003 (.xls) or password-protected "
                       "workbook cannot be read; save it as .xlsx (without "
                       "a password) or as \"CSV UTF-8\"");
    else
        st = csv_read((const char *)u, len, max_rows, e, out);
    if (name)
        kh_err_set_file(e, old);
    return st;
}

kh_status kh_table_read(const char *path, size_t max_rows, kh_err *e,
                        kh_table **out)
{
    *out = NULL;
    kh_buf b;
    kh_buf_init(&b, KH_TABLE_MAX_FILE);
    kh_status st = kh_buf_read_file(&b, path, e);
    if (st == KH_OK)
        st = kh_table_read_mem(path, b.data, b.len, max_rows, e, out);
    kh_buf_free(&b);
    return st;
}
