/*
 * error.c - the error object: a growable list of located messages.
 */
#include "kaohe/error.h"
#include "kaohe/i18n.h"
#include "kaohe/vec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kh_err {
    kh_msg *msgs;
    size_t n, alloc;
    size_t nerrors;
    char *file;          /* current file name, copied */
    char **files;        /* every file name ever set, freed at the end */
    size_t nfiles;
    kh_cause cause;      /* of a storage failure, the first one set */
};

kh_err *kh_err_new(void)
{
    return calloc(1, sizeof(kh_err));
}

static void free_msgs(kh_err *e)
{
    for (size_t i = 0; i < e->n; i++) {
        free((char *)e->msgs[i].path);
        free((char *)e->msgs[i].text);
        free((char *)e->msgs[i].text_zh);
    }
    e->n = 0;
    e->nerrors = 0;
}

void kh_err_free(kh_err *e)
{
    if (!e)
        return;
    free_msgs(e);
    free(e->msgs);
    for (size_t i = 0; i < e->nfiles; i++)
        free(e->files[i]);
    free(e->files);
    free(e);
}

void kh_err_clear(kh_err *e)
{
    if (e) {
        free_msgs(e);
        e->cause = KH_CAUSE_NONE;
    }
}

void kh_err_set_cause(kh_err *e, kh_cause c)
{
    if (e && e->cause == KH_CAUSE_NONE)
        e->cause = c;
}

kh_cause kh_err_cause(const kh_err *e)
{
    return e ? e->cause : KH_CAUSE_NONE;
}

const char *kh_cause_name(kh_cause c)
{
    switch (c) {
    case KH_CAUSE_BUSY: return "busy";
    case KH_CAUSE_FULL: return "disk_full";
    case KH_CAUSE_DAMAGED: return "damaged";
    case KH_CAUSE_IO: return "io_error";
    case KH_CAUSE_NOTSTORE: return "not_a_store";
    case KH_CAUSE_DOWN: return "unavailable";
    default: return "none";
    }
}

void kh_err_set_file(kh_err *e, const char *file)
{
    if (!e)
        return;
    if (!file) {
        e->file = NULL;
        return;
    }
    /* Messages keep pointing at old names, so names are never freed early. */
    char **nf = realloc(e->files, (e->nfiles + 1) * sizeof(*nf));
    if (!nf)
        return;
    e->files = nf;
    char *copy = strdup(file);
    if (!copy)
        return;
    e->files[e->nfiles++] = copy;
    e->file = copy;
}

const char *kh_err_file(const kh_err *e)
{
    return e ? e->file : NULL;
}

/* Room for one more message; NULL on out of memory. */
static kh_msg *grow(kh_err *e)
{
    if (KH_VEC_GROW(e->msgs, e->alloc, e->n + 1, 16) != KH_OK)
        return NULL;
    return &e->msgs[e->n];
}

/* fmt's Chinese rendered with the same arguments; NULL when the
 * catalogue has none (the reader then sees the English). */
static char *render_zh(const char *fmt, va_list ap)
{
    const char *zh = kh_i18n_zh(fmt);
    char *text = NULL;
    if (zh == fmt || vasprintf(&text, zh, ap) < 0)
        return NULL;
    return text;
}

static void add(kh_err *e, kh_severity sev, unsigned line, unsigned col,
                const char *path, const char *fmt, va_list ap)
{
    if (!e)
        return;
    kh_msg *m = grow(e);
    if (!m)
        return;
    va_list ap2;
    va_copy(ap2, ap);
    char *text = NULL;
    if (vasprintf(&text, fmt, ap) < 0) {
        va_end(ap2);
        return;
    }
    m->text_zh = render_zh(fmt, ap2);
    va_end(ap2);
    e->n++;
    m->severity = sev;
    m->file = e->file;
    m->line = line;
    m->col = col;
    m->path = path ? strdup(path) : NULL;
    m->text = text;
    if (sev == KH_SEV_ERROR)
        e->nerrors++;
}

kh_status kh_err_set_zh(kh_err *e, size_t i, const char *text_zh)
{
    if (!e || i >= e->n)
        return KH_ENOTFOUND;
    char *copy = text_zh ? strdup(text_zh) : NULL;
    if (text_zh && !copy)
        return KH_ENOMEM;
    free((char *)e->msgs[i].text_zh);
    e->msgs[i].text_zh = copy;
    return KH_OK;
}

kh_status kh_err_set_path(kh_err *e, size_t i, const char *path)
{
    if (!e || i >= e->n)
        return KH_ENOTFOUND;
    char *copy = path ? strdup(path) : NULL;
    if (path && !copy)
        return KH_ENOMEM;
    free((char *)e->msgs[i].path);
    e->msgs[i].path = copy;
    return KH_OK;
}

void kh_err_zh_word(kh_err *e, size_t i, const char *word)
{
    const char *zh = word ? kh_i18n_zh(word) : NULL;
    if (zh != word)
        kh_err_zh_sub(e, i, word, zh);
}

void kh_err_zh_sub(kh_err *e, size_t i, const char *word, const char *zh)
{
    if (!e || i >= e->n || !e->msgs[i].text_zh || !word || !*word || !zh)
        return;
    const char *t = e->msgs[i].text_zh, *hit = NULL;
    for (const char *p = strstr(t, word); p; p = strstr(p + 1, word))
        hit = p;                  /* the last: arguments end a message */
    char *out = NULL;
    if (!hit || asprintf(&out, "%.*s%s%s", (int)(hit - t), t, zh,
                         hit + strlen(word)) < 0)
        return;
    free((char *)e->msgs[i].text_zh);
    e->msgs[i].text_zh = out;
}

kh_status kh_err_copy_msg(kh_err *e, const kh_msg *m)
{
    if (!e || !m)
        return KH_ENOMEM;
    kh_msg *c = grow(e);
    if (!c)
        return KH_ENOMEM;
    *c = (kh_msg){m->severity, NULL, m->line, m->col, NULL, NULL, NULL};
    if (m->file) {
        const char *keep = e->file;
        kh_err_set_file(e, m->file);
        c->file = e->file;
        e->file = (char *)keep;
    }
    c->path = m->path ? strdup(m->path) : NULL;
    c->text = strdup(m->text ? m->text : "");
    c->text_zh = m->text_zh ? strdup(m->text_zh) : NULL;
    if (!c->text || (m->path && !c->path) || (m->text_zh && !c->text_zh)) {
        free((char *)c->path);
        free((char *)c->text);
        free((char *)c->text_zh);
        return KH_ENOMEM;
    }
    e->n++;
    if (m->severity == KH_SEV_ERROR)
        e->nerrors++;
    return KH_OK;
}

kh_status kh_err_vat(kh_err *e, kh_severity sev, unsigned line, unsigned col,
                     const char *path, const char *fmt, va_list ap)
{
    add(e, sev, line, col, path, fmt, ap);
    return KH_EINVAL;
}

kh_status kh_err_at(kh_err *e, unsigned line, unsigned col, const char *path,
                    const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(e, KH_SEV_ERROR, line, col, path, fmt, ap);
    va_end(ap);
    return KH_EINVAL;
}

void kh_err_warn(kh_err *e, unsigned line, unsigned col, const char *path,
                 const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(e, KH_SEV_WARNING, line, col, path, fmt, ap);
    va_end(ap);
}

kh_status kh_err_fail(kh_err *e, kh_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(e, KH_SEV_ERROR, 0, 0, NULL, fmt, ap);
    va_end(ap);
    return st;
}

size_t kh_err_count(const kh_err *e)
{
    return e ? e->n : 0;
}

size_t kh_err_errors(const kh_err *e)
{
    return e ? e->nerrors : 0;
}

const kh_msg *kh_err_get(const kh_err *e, size_t i)
{
    return (e && i < e->n) ? &e->msgs[i] : NULL;
}

static char *format(const kh_msg *m, const char *warning, const char *text)
{
    char loc[64] = "";
    if (m->line && m->col)
        snprintf(loc, sizeof loc, ":%u:%u", m->line, m->col);
    else if (m->line)
        snprintf(loc, sizeof loc, ":%u", m->line);
    char *s = NULL;
    int r = asprintf(&s, "%s%s%s%s%s%s%s",
                     m->file ? m->file : "", loc, m->file ? ": " : "",
                     m->path ? m->path : "", m->path ? ": " : "",
                     m->severity == KH_SEV_WARNING ? warning : "", text);
    return r < 0 ? NULL : s;
}

char *kh_err_format(const kh_err *e, size_t i)
{
    const kh_msg *m = kh_err_get(e, i);
    return m ? format(m, "warning: ", m->text) : NULL;
}

char *kh_err_format_zh(const kh_err *e, size_t i)
{
    const kh_msg *m = kh_err_get(e, i);
    if (!m)
        return NULL;
    return format(m, kh_i18n_zh("warning: "),
                  m->text_zh ? m->text_zh : m->text);
}

const char *kh_status_str(kh_status st)
{
    switch (st) {
    case KH_OK: return "ok";
    case KH_EINVAL: return "invalid input";
    case KH_ENOMEM: return "out of memory";
    case KH_EIO: return "input/output error";
    case KH_ELIMIT: return "size limit reached";
    case KH_ENOTFOUND: return "not found";
    case KH_ESTATE: return "not allowed in the current state";
    case KH_ECONFLICT: return "conflicting change";
    case KH_EDB: return "database error";
    case KH_EPERM: return "not permitted";
    case KH_DONE: return "done";
    }
    return "unknown status";
}
