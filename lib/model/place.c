/*
 * place.c - a message's place named for a person (kaohe/place.h): table
 * cells as 第 3 行「类别」列, store entries as the unit's name and the
 * item, data paths field by field.  Owns the labels of the data paths'
 * field and list names (msgids of the catalogue).
 */
#include "kaohe/place.h"
#include "kaohe/i18n.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A data path's longest segment name we look up; longer ones are shown
 * as written. */
#define PLACE_NAME_MAX 64

/* ---- labels -------------------------------------------------------- */

typedef struct place_label {
    const char *name;   /* the path's segment, as the loaders write it */
    const char *msgid;  /* a field: its name; a list: "... %zu" */
} place_label;

/* Fields of the assessment, unit, record, rubric and questionnaire
 * files and of the store's forms. */
static const place_label fields[] = {
    {"id", N_("the id")}, {"name", N_("the name")},
    {"kind", N_("the category")}, {"branch", N_("the Party branch")},
    {"unit", N_("the unit")}, {"item", N_("the assessment item")},
    {"phase", N_("the phase")}, {"inputs", N_("the filled-in values")},
    {"note", N_("the note")}, {"points", N_("the points")},
    {"reason", N_("the reason")}, {"year", N_("the year")},
    {"people", N_("the number of people")}, {"roster", N_("the roster")},
    {"title", N_("the title")}, {"type", N_("the question type")},
    {"required", N_("the required mark")}, {"max", N_("the maximum")},
    {"min", N_("the minimum")}, {"max_length", N_("the maximum length")},
    {"labels", N_("the labels")}, {"value", N_("the value")},
    {"label", N_("the label")}, {"text", N_("the text")},
    {"date", N_("the date")}, {"deadline", N_("the deadline")},
    {"password", N_("the password")}, {"user", N_("the user name")},
    {"role", N_("the role")}, {"evidence", N_("the evidence")},
    {"base_max", N_("the base's full marks")},
    {"bonus_max", N_("the bonus cap")}, {"bottom_n", N_("the bottom places")},
    {"not_applicable", N_("the not-applicable rule")},
    {"input", N_("the input")}, {"per", N_("the points per unit")},
    {"step", N_("the step")}, {"start", N_("the starting points")},
    {"cap", N_("the cap")}, {"level", N_("the ranking level")},
    {"source", N_("the data source")}, {"figure", N_("the figure")},
    {"scale", N_("the scale")}, {"grades", N_("the grades")},
    {"interviewer", N_("the interviewer")}, {"recorder", N_("the recorder")},
    {"units", N_("the units")}, {"branches", N_("the Party branches")},
    {"entries", N_("the entries")}, {"bonus", N_("the bonus records")},
    {"negative", N_("the negative-list records")},
    {"members", N_("the team members")}, {"groups", N_("the groups")},
    {"version", N_("the version edited")}, {"file", N_("the file")},
    {"state", N_("the state")}, {"phase_state", N_("the state")},
    {"items", N_("the self-check form")},
    {"followup_item", N_("the rectification item")},
    {"report", N_("the report")},
};

/* Lists: name[i] is "the (i+1)-th ...". */
static const place_label lists[] = {
    {"entries", N_("entry %zu")}, {"units", N_("unit %zu")},
    {"unit", N_("unit %zu")}, {"branches", N_("Party branch %zu")},
    {"bonus", N_("bonus record %zu")},
    {"negative", N_("negative-list record %zu")},
    {"rosters", N_("roster %zu")}, {"categories", N_("category %zu")},
    {"items", N_("assessment item %zu")}, {"terms", N_("scoring rule %zu")},
    {"options", N_("option %zu")}, {"kinds", N_("unit category %zu")},
    {"rankings", N_("ranking list %zu")}, {"questions", N_("question %zu")},
    {"choices", N_("choice %zu")}, {"bands", N_("band %zu")},
    {"members", N_("team member %zu")}, {"groups", N_("group %zu")},
};

static const char *label_of(const place_label *t, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].name, name) == 0)
            return t[i].msgid;
    return NULL;
}

/* Appends the Chinese of msgid rendered with the arguments. */
static void put_zh(kh_buf *out, const char *msgid, ...) KH_PRINTF(2, 3);
static void put_zh(kh_buf *out, const char *msgid, ...)
{
    va_list ap;
    va_start(ap, msgid);
    kh_buf_vprintf(out, kh_i18n_zh(msgid), ap);
    va_end(ap);
}

/* 「text」: a name the data gave (a label, a header, an unknown key). */
static void put_quoted(kh_buf *out, const char *s, size_t n)
{
    kh_buf_puts(out, "「");
    kh_buf_add(out, s, n);
    kh_buf_puts(out, "」");
}

/* ---- names from the context ---------------------------------------- */

static const char *unit_name(const kh_place_ctx *c, const char *id)
{
    const char *n = c && c->unit_name ? c->unit_name(c->arg, id) : NULL;
    if (!n && c && c->assess) {
        long u = kh_assess_unit_find(c->assess, id);
        if (u >= 0)
            n = kh_assess_unit_name(c->assess, (size_t)u);
    }
    return n && *n ? n : id;
}

/* The label of input `name` of item (an id), from the rubric; without
 * the item, the label every item gives that input, if they agree. */
static const char *input_label(const kh_place_ctx *c, const char *item,
                               const char *name)
{
    const kh_rubric *r = c ? c->rubric : NULL;
    if (!r)
        return NULL;
    const char *found = NULL;
    int only = item ? kh_rubric_item_find(r, item) : -1;
    for (size_t i = 0; i < kh_rubric_item_count(r); i++) {
        if (only >= 0 && i != (size_t)only)
            continue;
        int s = kh_rubric_item_slot_find(r, i, name);
        const char *l = s < 0 ? NULL
                              : kh_term_label(kh_rubric_item_slot(r, i, (size_t)s));
        if (!l)
            continue;
        if (found && strcmp(found, l) != 0)
            return NULL;
        found = l;
    }
    return found;
}

/* ---- data paths ---------------------------------------------------- */

/* One segment: a name and up to two indices (bands[0][1]). */
typedef struct seg {
    char name[PLACE_NAME_MAX];
    size_t idx[2];
    int nidx;
    bool ok;   /* false: not a plain segment, shown as written */
} seg;

/* Reads the segment at *p (up to '.' or the end) and moves past it. */
static seg seg_next(const char **p)
{
    seg s = {"", {0, 0}, 0, true};
    const char *q = *p;
    size_t n = strcspn(q, ".[");
    if (n == 0 || n >= sizeof s.name)
        s.ok = false;
    else
        memcpy(s.name, q, n);
    q += n;
    while (*q == '[') {
        char *end;
        unsigned long long v = strtoull(q + 1, &end, 10);
        if (end == q + 1 || *end != ']' || s.nidx == 2) {
            s.ok = false;
            break;
        }
        s.idx[s.nidx++] = (size_t)v;
        q = end + 1;
    }
    q += strcspn(q, ".");
    if (!s.ok)
        s.name[0] = '\0';
    *p = *q == '.' ? q + 1 : q;
    return s;
}

static void put_field(kh_buf *out, const char *name)
{
    const char *l = label_of(fields, sizeof fields / sizeof fields[0], name);
    if (l) {
        const char *zh = kh_i18n_zh(l);
        put_quoted(out, zh, strlen(zh));
    } else {
        put_quoted(out, name, strlen(name));
    }
}

/* An entry's unit, item and phase by name: 机电工程系 考核要点 2.2（自查）. */
static void put_entry(kh_buf *out, const kh_place_ctx *c, const char *unit,
                      const char *item, const char *phase)
{
    if (unit) {
        kh_buf_puts(out, unit_name(c, unit));
        kh_buf_putc(out, ' ');
    }
    put_zh(out, N_("item %s"), item);
    if (phase && strcmp(phase, "self") == 0)
        put_zh(out, N_(" (self-assessment)"));
    else if (phase && strcmp(phase, "inspection") == 0)
        put_zh(out, N_(" (inspection)"));
}

/* A list element: its label with the 1-based number (entry 6), a
 * second index as "value N". */
static void put_list(kh_buf *out, const seg *s)
{
    const char *fmt = label_of(lists, sizeof lists / sizeof lists[0], s->name);
    if (fmt)
        put_zh(out, fmt, s->idx[0] + 1);
    else {
        put_field(out, s->name);
        put_zh(out, N_(" value %zu"), s->idx[0] + 1);
    }
    if (s->nidx == 2)
        put_zh(out, N_(" value %zu"), s->idx[1] + 1);
}

/* A data path, segment by segment; item is the item id once known (an
 * entry's), for its inputs' labels. */
static void put_path(kh_buf *out, const kh_place_ctx *c, const char *item,
                     const char *p)
{
    while (*p) {
        const char *at = p;
        seg s = seg_next(&p);
        if (!s.ok) {
            put_quoted(out, at, strlen(at));
            return;
        }
        const char *u = NULL, *it = NULL;
        if (strcmp(s.name, "inputs") == 0 && *p) {
            at = p;
            seg in = seg_next(&p);
            const char *l = in.ok ? input_label(c, item, in.name) : NULL;
            put_quoted(out, l ? l : at, l ? strlen(l) : strcspn(at, "."));
        } else if (s.nidx == 1 && strcmp(s.name, "entries") == 0 && c &&
                   c->entry && c->entry(c->arg, s.idx[0], &u, &it) && it) {
            put_entry(out, c, u, it, NULL);
            item = it;
        } else if (s.nidx) {
            put_list(out, &s);
        } else {
            put_field(out, s.name);
        }
    }
}

/* jd/2.2/self.inputs.rating (the store's name of an entry). */
static bool put_store_entry(kh_buf *out, const kh_place_ctx *c,
                            const char *path)
{
    const char *s1 = strchr(path, '/');
    const char *s2 = s1 ? strchr(s1 + 1, '/') : NULL;
    if (!s1 || !s2 || s1 == path || s2 == s1 + 1 || strchr(s2 + 1, '/') ||
        memchr(path, ' ', (size_t)(s1 - path)))   /* ids have no spaces */
        return false;
    size_t pl = strcspn(s2 + 1, ".");
    char unit[PLACE_NAME_MAX + 1], item[PLACE_NAME_MAX], phase[16];
    if ((size_t)(s1 - path) > PLACE_NAME_MAX ||
        (size_t)(s2 - s1 - 1) >= sizeof item || pl >= sizeof phase)
        return false;
    snprintf(unit, sizeof unit, "%.*s", (int)(s1 - path), path);
    snprintf(item, sizeof item, "%.*s", (int)(s2 - s1 - 1), s1 + 1);
    snprintf(phase, sizeof phase, "%.*s", (int)pl, s2 + 1);
    if (strcmp(phase, "self") != 0 && strcmp(phase, "inspection") != 0)
        return false;
    put_entry(out, c, unit, item, phase);
    const char *rest = s2 + 1 + pl;
    put_path(out, c, item, *rest == '.' ? rest + 1 : rest);
    return true;
}

/* "unit jd", "branch b1", "roster jd/xxqg": the store's names of rows. */
static bool put_store_row(kh_buf *out, const kh_place_ctx *c, const char *p)
{
    if (strncmp(p, "entry ", 6) == 0 && put_store_entry(out, c, p + 6))
        return true;
    if (strncmp(p, "unit ", 5) == 0) {
        kh_buf_puts(out, unit_name(c, p + 5));
        return true;
    }
    if (strncmp(p, "branch ", 7) == 0) {
        put_zh(out, N_("Party branch %s"), p + 7);
        return true;
    }
    const char *slash = strchr(p, '/');
    if (strncmp(p, "roster ", 7) == 0 && slash) {
        char unit[PLACE_NAME_MAX + 1];
        snprintf(unit, sizeof unit, "%.*s", (int)(slash - p - 7), p + 7);
        kh_buf_puts(out, unit_name(c, unit));
        put_zh(out, N_(" roster %s"), slash + 1);
        return true;
    }
    return false;
}

static bool ascii_only(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

/* Any data path: already a name (non-ASCII, a command-line option), an
 * entry or row of the store, else field by field. */
static void put_any_path(kh_buf *out, const kh_place_ctx *c, const char *p)
{
    if (!ascii_only(p) || strncmp(p, "--", 2) == 0)
        kh_buf_puts(out, p);
    else if (!put_store_entry(out, c, p) && !put_store_row(out, c, p))
        put_path(out, c, NULL, p);
}

/* ---- tables -------------------------------------------------------- */

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

static bool is_table(const kh_msg *m, const kh_place_ctx *c)
{
    if (c && c->columns)
        return true;
    return m->file && (ends_with(m->file, ".csv") || ends_with(m->file, ".xlsx") ||
                       ends_with(m->file, ".tsv") || ends_with(m->file, ".txt"));
}

/* Column col (1-based): 「header」列, else 第 N 列. */
static void put_column(kh_buf *out, const kh_place_ctx *c, size_t col)
{
    if (c && c->columns && col >= 1 && col <= c->ncolumns &&
        c->columns[col - 1] && *c->columns[col - 1]) {
        put_quoted(out, c->columns[col - 1], strlen(c->columns[col - 1]));
        put_zh(out, N_(" column"));
    } else {
        put_zh(out, N_(" column %zu"), col);
    }
}

/* An XLSX cell "C7" (maybe "C7.branch"): row and column; false when p
 * is not one. */
static bool put_cell(kh_buf *out, const kh_place_ctx *c, const char *p)
{
    size_t col = 0, k = 0;
    while (p[k] >= 'A' && p[k] <= 'Z' && k < 3)
        col = col * 26 + (size_t)(p[k++] - 'A' + 1);
    if (!k || !isdigit((unsigned char)p[k]))
        return false;
    char *end;
    unsigned long row = strtoul(p + k, &end, 10);
    if (*end && *end != '.')
        return false;
    put_zh(out, N_("row %lu"), row);
    put_column(out, c, col);
    return true;
}

/* A table's place: 第 3 行「类别」列. */
static void put_table(kh_buf *out, const kh_msg *m, const kh_place_ctx *c)
{
    if (m->path && put_cell(out, c, m->path))
        return;
    if (m->path && strncmp(m->path, "row ", 4) == 0) {
        put_zh(out, N_("row %lu"), strtoul(m->path + 4, NULL, 10));
        return;
    }
    if (m->line) {
        put_zh(out, N_("row %lu"), (unsigned long)m->line);
        if (m->col)
            put_column(out, c, m->col);
    }
    if (m->path) {
        if (m->line)
            kh_buf_puts(out, kh_i18n_zh(N_(", ")));
        put_any_path(out, c, m->path);
    }
}

/* ---- the place and the line ---------------------------------------- */

void kh_place_name(const kh_msg *m, const kh_place_ctx *ctx, kh_buf *out)
{
    if (!m)
        return;
    if (m->file) {
        kh_buf_puts(out, m->file);   /* as the user named it */
        if (m->line || m->path)
            kh_buf_putc(out, ' ');
    }
    if (is_table(m, ctx)) {
        put_table(out, m, ctx);
        return;
    }
    if (m->line)
        put_zh(out, N_("line %u"), m->line);
    if (m->path) {
        if (m->line)
            kh_buf_puts(out, kh_i18n_zh(N_(", ")));
        put_any_path(out, ctx, m->path);
    }
}

/* An entry's message starts with the engine's own 单位 "jd" 考核要点
 * "2.2"： (assess.c's "unit %s item %s: %s"); once the place names the
 * unit and item (a store entry's path, U/I/P) that start only repeats
 * them as codes: it is cut. */
static const char *without_entry_start(const kh_msg *m, const char *text)
{
    if (!m->path || (strncmp(m->path, "entry ", 6) != 0 &&
                     !strchr(m->path, '/')))
        return text;
    const char *f = kh_i18n_zh("unit %s item %s: %s");
    const char *s1 = strstr(f, "%s");
    const char *s2 = s1 ? strstr(s1 + 2, "%s") : NULL;
    const char *s3 = s2 ? strstr(s2 + 2, "%s") : NULL;
    if (!s3 || strncmp(text, f, (size_t)(s1 - f)) != 0)
        return text;
    const char *p = text + (s1 - f);
    /* the unit and item are quoted codes: no spaces inside */
    const char *mid = s1 + 2, *end = s2 + 2;
    size_t nmid = (size_t)(s2 - mid), nend = (size_t)(s3 - end);
    p = *p == '"' ? strchr(p + 1, '"') : NULL;
    if (!p || strncmp(p + 1, mid, nmid) != 0)
        return text;
    p += 1 + nmid;
    p = *p == '"' ? strchr(p + 1, '"') : NULL;
    if (!p || strncmp(p + 1, end, nend) != 0)
        return text;
    return p + 1 + nend;
}

char *kh_place_line(const kh_msg *m, const kh_place_ctx *ctx)
{
    if (!m)
        return NULL;
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_place_name(m, ctx, &b);
    if (b.len)
        kh_buf_puts(&b, kh_i18n_zh(N_(": ")));
    if (m->severity == KH_SEV_WARNING)
        kh_buf_puts(&b, kh_i18n_zh("warning: "));
    const char *text = m->text_zh ? m->text_zh : m->text;
    kh_buf_puts(&b, b.len ? without_entry_start(m, text) : text);
    if (kh_buf_status(&b) != KH_OK) {
        kh_buf_free(&b);
        return NULL;
    }
    return kh_buf_take(&b, NULL);
}
