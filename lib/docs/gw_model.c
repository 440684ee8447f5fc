/*
 * gw_model.c - the laid-out official document shared by the .docx and
 * PDF writers (gw_impl.h): blocks, tables, the frame strings, the
 * Chinese date.  Failures are sticky on g->st, so builders check once.
 */
#include "gw_impl.h"

#include "kaohe/utf8.h"
#include "kaohe/vec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

kh_gw *kh_gw_new(void)
{
    return calloc(1, sizeof(kh_gw));
}

static void gw_table_free(gw_table *t)
{
    for (size_t i = 0; i < t->nrows * t->ncols && t->cells; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t->widths);
    free(t->align);
    free(t->flags);
    free(t->span);
}

void kh_gw_free(kh_gw *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->n; i++) {
        free(g->b[i].text);
        if (g->b[i].kind == GW_TABLE)
            gw_table_free(&g->b[i].t);
    }
    free(g->b);
    char **f[] = {&g->issuer, &g->number, &g->to,    &g->cc,
                  &g->printer, &g->date,  &g->title};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        free(*f[i]);
    free(g);
}

/* A copy of s that both writers can take as it is: invalid UTF-8 as
 * U+FFFD, control characters other than '\n' and '\t' dropped. */
static char *gw_dup(kh_gw *g, const char *s)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    for (const unsigned char *p = (const unsigned char *)(s ? s : "");
         *p;) {
        size_t n = kh_utf8_len(p);
        if (!n) {
            kh_buf_puts(&b, "\xEF\xBF\xBD");
            p++;
        } else if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f) {
            p++;
        } else {
            kh_buf_add(&b, p, n);
            p += n;
        }
    }
    kh_buf_putc(&b, '\0');
    char *d = kh_buf_take(&b, NULL);
    kh_buf_free(&b);
    if (!d && g->st == KH_OK)
        g->st = KH_ENOMEM;
    return d;
}

void kh_gw_set(kh_gw *g, char **field, const char *s)
{
    free(*field);
    *field = gw_dup(g, s);
}

static gw_block *gw_add(kh_gw *g, gw_kind kind)
{
    if (g->st != KH_OK)
        return NULL;
    if (g->n == KH_GW_MAX_BLOCKS) {
        g->st = KH_ELIMIT;
        return NULL;
    }
    kh_status st = KH_VEC_GROW(g->b, g->cap, g->n + 1, 64);
    if (st != KH_OK) {
        g->st = st;
        return NULL;
    }
    gw_block *b = &g->b[g->n++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    return b;
}

void kh_gw_para(kh_gw *g, gw_style style, const char *text)
{
    gw_block *b = gw_add(g, GW_PARA);
    if (!b)
        return;
    b->style = style;
    b->text = gw_dup(g, text);
}

void kh_gw_paraf(kh_gw *g, gw_style style, const char *fmt, ...)
{
    kh_buf t;
    kh_buf_init(&t, 0);
    va_list ap;
    va_start(ap, fmt);
    kh_buf_vprintf(&t, fmt, ap);
    va_end(ap);
    if (kh_buf_status(&t) != KH_OK && g->st == KH_OK)
        g->st = kh_buf_status(&t);
    kh_gw_para(g, style, kh_buf_str(&t));
    kh_buf_free(&t);
}

void kh_gw_break(kh_gw *g)
{
    gw_add(g, GW_BREAK);
}

void kh_gw_table(kh_gw *g, size_t ncols, const unsigned *widths,
                 const char *align)
{
    if (g->st == KH_OK && (!ncols || ncols > KH_GW_MAX_COLS))
        g->st = KH_ELIMIT;
    gw_block *b = gw_add(g, GW_TABLE);
    if (!b)
        return;
    b->t.ncols = ncols;
    b->t.widths = malloc(ncols * sizeof *b->t.widths);
    b->t.align = gw_dup(g, align);
    if (!b->t.widths) {
        g->st = KH_ENOMEM;
        return;
    }
    memcpy(b->t.widths, widths, ncols * sizeof *widths);
}

static gw_table *gw_last_table(kh_gw *g)
{
    if (g->st != KH_OK || !g->n || g->b[g->n - 1].kind != GW_TABLE)
        return NULL;
    return &g->b[g->n - 1].t;
}

void kh_gw_row(kh_gw *g, unsigned flags)
{
    gw_table *t = gw_last_table(g);
    if (!t)
        return;
    size_t need = (t->nrows + 1) * t->ncols;
    if (need > t->acells) {
        size_t a = t->acells ? t->acells * 2 : t->ncols * 16;
        while (a < need)
            a *= 2;
        char **nc = realloc(t->cells, a * sizeof *nc);
        if (nc)
            t->cells = nc;
        unsigned *nf = nc ? realloc(t->flags, a / t->ncols * sizeof *nf)
                          : NULL;
        if (nf)
            t->flags = nf;
        unsigned char *ns = nf ? realloc(t->span, a) : NULL;
        if (!ns) {
            g->st = KH_ENOMEM;
            return;
        }
        t->span = ns;
        t->acells = a;
    }
    for (size_t i = t->nrows * t->ncols; i < need; i++) {
        t->cells[i] = NULL;
        t->span[i] = 1;
    }
    t->flags[t->nrows++] = flags;
}

void kh_gw_cell_span(kh_gw *g, const char *text, size_t n)
{
    gw_table *t = gw_last_table(g);
    if (!t || !t->nrows)
        return;
    size_t base = (t->nrows - 1) * t->ncols;
    size_t c = 0;
    while (c < t->ncols && (t->cells[base + c] || !t->span[base + c]))
        c++;
    if (c == t->ncols)
        return;
    if (n < 1 || n > t->ncols - c)
        n = t->ncols - c;
    t->cells[base + c] = gw_dup(g, text);
    t->span[base + c] = (unsigned char)n;
    for (size_t k = 1; k < n; k++)
        t->span[base + c + k] = 0;
}

void kh_gw_cell(kh_gw *g, const char *text)
{
    kh_gw_cell_span(g, text, 1);
}

kh_status kh_gw_status(const kh_gw *g, kh_err *e)
{
    if (g->st == KH_ENOMEM)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    if (g->st != KH_OK)
        return kh_err_fail(e, g->st, "the document has more than %d "
                           "blocks or a table more than %d columns",
                           KH_GW_MAX_BLOCKS, KH_GW_MAX_COLS);
    return KH_OK;
}

void kh_gw_date_cn(const char *iso, char *out, size_t sz)
{
    int y = 0, m = 0, d = 0;
    if (sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) == 3)
        snprintf(out, sz, "%d年%d月%d日", y, m, d);
    else
        snprintf(out, sz, "%s", iso);
}
