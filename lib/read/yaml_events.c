/*
 * yaml_events.c - YAML 1.2 through libfyaml's event parser, turned into
 * the events of doc_impl.h.
 *
 * libfyaml's diagnostics are collected (never printed) and become located
 * messages on the kh_err.  Explicit tags are reported here.  A file
 * holding more than one document is an error.
 *
 * Anchors and aliases are resolved here: the events of an anchored node
 * are recorded (texts copied into an arena) and an alias replays them,
 * placed at the alias.  An alias to an undefined anchor or to a node
 * that contains it is a located error; an alias that would make the
 * document grow past KH_DOC_ALIAS_RATIO times what is written (an alias
 * bomb) stops the reader.  Merge keys (<<) need whole mappings and are
 * applied by doc.c.
 *
 * The text is checked for valid UTF-8 and stray control characters before
 * libfyaml sees it: the messages are clearer, and libfyaml 0.7.12 loops
 * forever on some invalid UTF-8 (in a directive name, found by fuzzing).
 */
#include "doc_impl.h"
#include "kaohe/doc.h"
#include "kaohe/vec.h"

#include <libfyaml.h>
#include <stdlib.h>
#include <string.h>

/* An anchor: the events of its node are log[start, end). */
typedef struct yev_anchor {
    const char *name;          /* in the arena */
    size_t len;
    size_t start, end;
    size_t nodes, bytes;       /* what one alias to it adds */
    bool open;                 /* its node is still being read */
} yev_anchor;

/* An anchored container being recorded, closed at its depth. */
typedef struct yev_open {
    size_t anchor;
    unsigned depth;
} yev_open;

/* The anchor and alias names of one event (borrowed from libfyaml). */
typedef struct yev_props {
    const char *anchor, *alias;
    size_t anchor_len, alias_len;
} yev_props;

struct kh_yev {
    const unsigned char *data, *end;
    bool checked;              /* the text passed check_text() */
    char *sq;                  /* owned: decoded single-quoted scalars */
    size_t sqcap;
    struct fy_parser *fyp;
    struct fy_diag *diag;
    struct fy_event *cur;      /* the event whose text was handed out */
    kh_err *e;
    int docs;                  /* document starts seen */
    bool ended;                /* stream end seen */
    bool failed;
    unsigned last_line, last_col; /* end of the last event with a mark */
    /* anchors and aliases */
    kh_arena *ar;              /* owned: anchor names, recorded texts */
    kh_ev *log;                /* owned: recorded events */
    size_t nlog, alog;
    yev_anchor *anc;           /* owned */
    size_t nanc, aanc;
    size_t *tab;               /* owned: hash of names, anchor index + 1 */
    size_t tabcap;
    yev_open open[KH_DOC_MAX_DEPTH + 2];
    unsigned nopen;
    unsigned depth;            /* containers open in the events handed out */
    size_t rp, rend;           /* replaying log[rp, rend) */
    unsigned rline, rcol;      /* the alias being replayed */
    size_t text_nodes;         /* nodes written in the text */
    size_t alias_nodes, alias_bytes; /* nodes and text added by aliases */
};

/* Diagnostics are collected, so this is never meant to run; it keeps
 * anything libfyaml might still print away from stderr. */
static void yev_diag_sink(struct fy_diag *diag, void *user, const char *buf,
                          size_t len)
{
    (void)diag;
    (void)user;
    (void)buf;
    (void)len;
}

kh_status kh_yev_open(const char *data, size_t len, kh_err *e, kh_yev **out)
{
    *out = NULL;
    kh_yev *y = calloc(1, sizeof *y);
    if (!y)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    y->e = e;
    y->last_line = y->last_col = 1;
    y->data = (const unsigned char *)(len ? data : "");
    y->end = y->data + len;

    struct fy_diag_cfg dc;
    fy_diag_cfg_default(&dc);
    dc.fp = NULL;
    dc.output_fn = yev_diag_sink;
    dc.colorize = false;
    y->diag = fy_diag_create(&dc);
    y->ar = kh_arena_new();
    if (!y->diag || !y->ar)
        goto nomem;
    fy_diag_set_collect_errors(y->diag, true);

    struct fy_parse_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2 | FYPCF_JSON_NONE;
    cfg.diag = y->diag;
    y->fyp = fy_parser_create(&cfg);
    if (!y->fyp)
        goto nomem;
    /* libfyaml wants a non-NULL pointer even for empty input. */
    if (fy_parser_set_string(y->fyp, len ? data : "", len) != 0)
        goto nomem;
    *out = y;
    return KH_OK;
nomem:
    kh_yev_free(y);
    return kh_err_fail(e, KH_ENOMEM, "out of memory creating the YAML parser");
}

void kh_yev_free(kh_yev *y)
{
    if (!y)
        return;
    if (y->fyp) {
        if (y->cur)
            fy_parser_event_free(y->fyp, y->cur);
        fy_parser_destroy(y->fyp);
    }
    if (y->diag)
        fy_diag_destroy(y->diag);
    free(y->sq);
    kh_arena_free(y->ar);
    free(y->log);
    free(y->anc);
    free(y->tab);
    free(y);
}

/* Valid UTF-8 without control characters other than tab, CR and LF
 * (YAML 1.2 section 5.1: the printable set).  Reports the first bad
 * byte, located (columns count characters). */
static kh_status check_text(kh_yev *y)
{
    const unsigned char *p = y->data, *end = y->end;
    const unsigned char *ls = p;      /* line start */
    size_t extra = 0;                 /* continuation bytes on the line */
    unsigned line = 1;
    while (p < end) {
        unsigned c = *p;
        if (c >= 0x20 && c < 0x7F) {
            p++;
            continue;
        }
        if (c == '\n') {
            line++;
            ls = ++p;
            extra = 0;
            continue;
        }
        if (c == '\t' || c == '\r') {
            p++;
            continue;
        }
        unsigned col = (unsigned)((size_t)(p - ls) - extra + 1);
        if (c < 0x80) {
            kh_err_at(y->e, line, col, NULL,
                      "control character 0x%02X is not allowed in YAML", c);
            y->failed = true;
            return KH_EINVAL;
        }
        size_t n = kh_utf8_seq(p, end);
        if (!n) {
            kh_err_at(y->e, line, col, NULL, "invalid UTF-8");
            y->failed = true;
            return KH_EINVAL;
        }
        extra += n - 1;
        p += n;
    }
    return KH_OK;
}

/* Decodes the body of a single-quoted scalar (between the quotes):
 * '' is a quote, and line breaks fold (YAML 1.2 7.3.2: white space around
 * a break goes, one break becomes a space, n > 1 breaks become n - 1
 * newlines).  Used instead of fy_token_get_text() when the body holds
 * '': libfyaml 0.7.12 leaks memory on runs of five or more of them.
 * out must hold n bytes; returns the decoded length. */
static size_t sq_decode(const char *raw, size_t n, char *out)
{
    size_t i = 0, w = 0;
    while (i < n) {
        char c = raw[i];
        if (c == '\'') {
            out[w++] = '\'';
            i += 2;            /* the scanner only lets '' through */
        } else if (c == ' ' || c == '\t') {
            size_t j = i;
            while (j < n && (raw[j] == ' ' || raw[j] == '\t'))
                j++;
            if (j < n && (raw[j] == '\n' || raw[j] == '\r')) {
                i = j;         /* white space before a break goes */
                continue;
            }
            memcpy(out + w, raw + i, j - i);
            w += j - i;
            i = j;
        } else if (c == '\n' || c == '\r') {
            size_t breaks = 0;
            for (;;) {
                i += (raw[i] == '\r' && i + 1 < n && raw[i + 1] == '\n') ? 2 : 1;
                while (i < n && (raw[i] == ' ' || raw[i] == '\t'))
                    i++;
                if (i < n && (raw[i] == '\n' || raw[i] == '\r'))
                    breaks++;
                else
                    break;
            }
            if (breaks == 0)
                out[w++] = ' ';
            for (; breaks > 0; breaks--)
                out[w++] = '\n';
        } else {
            out[w++] = c;
            i++;
        }
    }
    return w;
}

/* The text of a scalar token (borrowed until the next event). */
static const char *scalar_text(kh_yev *y, struct fy_token *t, size_t *len)
{
    if (!t) {
        *len = 0;
        return "";
    }
    if (fy_token_scalar_style(t) == FYSS_SINGLE_QUOTED) {
        const struct fy_mark *a = fy_token_start_mark(t);
        const struct fy_mark *b = fy_token_end_mark(t);
        if (a && b && a->input_pos <= b->input_pos &&
            b->input_pos <= (size_t)(y->end - y->data)) {
            const char *raw = (const char *)y->data + a->input_pos;
            size_t n = b->input_pos - a->input_pos;
            if (memmem(raw, n, "''", 2)) {
                if (n > y->sqcap) {
                    char *ns = realloc(y->sq, n);
                    if (!ns)
                        return NULL;
                    y->sq = ns;
                    y->sqcap = n;
                }
                *len = sq_decode(raw, n, y->sq);
                return y->sq;
            }
        }
    }
    const char *text = fy_token_get_text(t, len);
    if (!text) {
        *len = 0;
        text = "";
    }
    return text;
}

/* Turns the collected libfyaml errors into located messages. */
static kh_status yev_parse_error(kh_yev *y)
{
    void *it = NULL;
    struct fy_diag_error *de;
    size_t n = 0;
    const char *prev = NULL;
    int pline = -1, pcol = -1;
    while ((de = fy_diag_errors_iterate(y->diag, &it)) != NULL) {
        if (de->type < FYET_ERROR)
            continue;
        /* libfyaml sometimes repeats itself */
        if (prev && de->msg && strcmp(prev, de->msg) == 0 &&
            pline == de->line && pcol == de->column)
            continue;
        prev = de->msg;
        pline = de->line;
        pcol = de->column;
        kh_err_at(y->e, de->line > 0 ? (unsigned)de->line : 0,
                  de->column > 0 ? (unsigned)de->column : 0, NULL, "%s",
                  de->msg ? de->msg : "invalid YAML");
        n++;
    }
    if (!n)
        kh_err_at(y->e, y->last_line, y->last_col, NULL, "invalid YAML");
    y->failed = true;
    return KH_EINVAL;
}

/* An empty scalar has no mark: it is placed where the previous event
 * ended (just after "key:"). */
static void mark_pos(kh_yev *y, struct fy_event *fe, kh_ev *ev)
{
    const struct fy_mark *m = fe ? fy_event_start_mark(fe) : NULL;
    if (m) {
        ev->line = (unsigned)m->line + 1;
        ev->col = (unsigned)m->column + 1;
    } else {
        ev->line = y->last_line;
        ev->col = y->last_col;
    }
    m = fe ? fy_event_end_mark(fe) : NULL;
    if (m) {
        y->last_line = (unsigned)m->line + 1;
        y->last_col = (unsigned)m->column + 1;
    }
}

static void token_pos(const struct fy_token *t, unsigned *line, unsigned *col)
{
    const struct fy_mark *m = fy_token_start_mark((struct fy_token *)t);
    if (m) {
        *line = (unsigned)m->line + 1;
        *col = (unsigned)m->column + 1;
    }
}

/* The anchor of a node is noted for the resolver; a tag is reported
 * and the node itself is kept. */
static void check_props(kh_yev *y, struct fy_event *fe, kh_ev *ev,
                        yev_props *p)
{
    struct fy_token *t = fy_event_get_anchor_token(fe);
    if (t) {
        p->anchor = fy_token_get_text(t, &p->anchor_len);
        if (!p->anchor)
            p->anchor_len = 0;
    }
    t = fy_event_get_tag_token(fe);
    if (t) {
        unsigned line = ev->line, col = ev->col;
        token_pos(t, &line, &col);
        kh_err_at(y->e, line, col, NULL, "tags are not supported");
        ev->bad = true;
    }
}

/* The next event from libfyaml, with the anchor or alias it names. */
static kh_status raw_next(kh_yev *y, kh_ev *ev, yev_props *p)
{
    if (y->cur) {
        fy_parser_event_free(y->fyp, y->cur);
        y->cur = NULL;
    }
    ev->bad = false;
    ev->text = NULL;
    ev->len = 0;
    ev->style = KH_SCALAR_PLAIN;
    if (y->failed)
        return KH_EINVAL;
    if (!y->checked) {
        if (check_text(y) != KH_OK)
            return KH_EINVAL;
        y->checked = true;
    }
    for (;;) {
        if (y->ended) {
            ev->type = KH_EV_END;
            mark_pos(y, NULL, ev);
            return KH_OK;
        }
        struct fy_event *fe = fy_parser_parse(y->fyp);
        if (!fe) {
            if (fy_parser_get_stream_error(y->fyp) || fy_diag_got_error(y->diag))
                return yev_parse_error(y);
            y->ended = true;
            continue;
        }
        y->cur = fe;
        mark_pos(y, fe, ev);
        switch (fe->type) {
        case FYET_STREAM_START:
        case FYET_DOCUMENT_END:
            break;
        case FYET_DOCUMENT_START:
            if (y->docs++ > 0) {
                kh_err_at(y->e, ev->line, ev->col, NULL,
                          "more than one document in a file is not supported");
                y->failed = true;
                return KH_EINVAL;
            }
            break;
        case FYET_STREAM_END:
            y->ended = true;
            if (y->docs == 0) {
                /* An empty stream is one null document. */
                y->docs = 1;
                ev->type = KH_EV_SCALAR;
                ev->text = "";
                ev->line = ev->col = 1;
                return KH_OK;
            }
            break;
        case FYET_MAPPING_START:
            ev->type = KH_EV_MAP;
            check_props(y, fe, ev, p);
            return KH_OK;
        case FYET_MAPPING_END:
            ev->type = KH_EV_MAP_END;
            return KH_OK;
        case FYET_SEQUENCE_START:
            ev->type = KH_EV_SEQ;
            check_props(y, fe, ev, p);
            return KH_OK;
        case FYET_SEQUENCE_END:
            ev->type = KH_EV_SEQ_END;
            return KH_OK;
        case FYET_SCALAR: {
            struct fy_token *t = fe->scalar.value;
            size_t len = 0;
            const char *text = scalar_text(y, t, &len);
            if (!text) {
                y->failed = true;
                return kh_err_fail(y->e, KH_ENOMEM, "out of memory");
            }
            ev->type = KH_EV_SCALAR;
            ev->text = text;
            ev->len = len;
            switch (fy_token_scalar_style(t)) {
            case FYSS_PLAIN:
            case FYSS_ANY:
            case FYSS_MAX:
                ev->style = KH_SCALAR_PLAIN;
                break;
            case FYSS_SINGLE_QUOTED:
            case FYSS_DOUBLE_QUOTED:
                /* libfyaml marks the first character inside the quotes;
                 * the value starts at the quote, as in JSON */
                if (ev->col > 1)
                    ev->col--;
                ev->style = KH_SCALAR_QUOTED;
                break;
            default:
                ev->style = KH_SCALAR_QUOTED;
                break;
            }
            check_props(y, fe, ev, p);
            if (text && memchr(text, '\0', len)) {
                kh_err_at(y->e, ev->line, ev->col, NULL,
                          "NUL characters are not allowed in strings");
                ev->bad = true;
            }
            return KH_OK;
        }
        case FYET_ALIAS:
            if (ev->col > 1)
                ev->col--;     /* marked at the name, after the '*' */
            ev->type = KH_EV_SCALAR;
            ev->text = "";
            p->alias = fe->alias.anchor
                           ? fy_token_get_text(fe->alias.anchor, &p->alias_len)
                           : NULL;
            if (!p->alias) {
                p->alias = "";
                p->alias_len = 0;
            }
            return KH_OK;
        default:
            break;
        }
        fy_parser_event_free(y->fyp, fe);
        y->cur = NULL;
    }
}

/* ---- anchors and aliases ------------------------------------------- */

static uint64_t name_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static kh_status nomem(kh_yev *y)
{
    y->failed = true;
    return kh_err_fail(y->e, KH_ENOMEM, "out of memory");
}

/* The slot of name in the hash table: its anchor's, or an empty one. */
static size_t *anchor_slot(kh_yev *y, const char *name, size_t len)
{
    size_t mask = y->tabcap - 1;
    size_t j = name_hash(name, len) & mask;
    while (y->tab[j]) {
        const yev_anchor *a = &y->anc[y->tab[j] - 1];
        if (a->len == len && memcmp(a->name, name, len) == 0)
            break;
        j = (j + 1) & mask;
    }
    return &y->tab[j];
}

static const yev_anchor *anchor_find(const kh_yev *y, const char *name,
                                     size_t len)
{
    if (!y->tabcap)
        return NULL;
    size_t i = *anchor_slot((kh_yev *)y, name, len);
    return i ? &y->anc[i - 1] : NULL;
}

static kh_status tab_grow(kh_yev *y)
{
    size_t nc = y->tabcap ? y->tabcap * 2 : 64;
    size_t *old = y->tab, oldcap = y->tabcap;
    y->tab = calloc(nc, sizeof *y->tab);
    if (!y->tab) {
        y->tab = old;
        return nomem(y);
    }
    y->tabcap = nc;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i]) {
            const yev_anchor *a = &y->anc[old[i] - 1];
            *anchor_slot(y, a->name, a->len) = old[i];
        }
    free(old);
    return KH_OK;
}

/* Defines (or redefines: the later one wins) an anchor whose node starts
 * with the next recorded event. */
static kh_status anchor_add(kh_yev *y, const char *name, size_t len,
                            size_t *idx)
{
    if (KH_VEC_GROW(y->anc, y->aanc, y->nanc + 1, 16) != KH_OK)
        return nomem(y);
    if ((y->nanc + 1) * 2 > y->tabcap && tab_grow(y) != KH_OK)
        return KH_ENOMEM;
    yev_anchor *a = &y->anc[y->nanc];
    memset(a, 0, sizeof *a);
    a->name = kh_arena_strndup(y->ar, name, len);
    if (!a->name)
        return nomem(y);
    a->len = len;
    a->start = y->nlog;
    a->open = true;
    *idx = y->nanc++;
    *anchor_slot(y, name, len) = y->nanc;
    return KH_OK;
}

/* Appends an event to the log; its text is copied unless it already
 * lives in the arena (a replayed event). */
static kh_status log_add(kh_yev *y, const kh_ev *ev, bool replayed)
{
    if (KH_VEC_GROW(y->log, y->alog, y->nlog + 1, 256) != KH_OK)
        return nomem(y);
    kh_ev *r = &y->log[y->nlog];
    *r = *ev;
    if (!replayed && ev->type == KH_EV_SCALAR) {
        r->text = kh_arena_strndup(y->ar, ev->text ? ev->text : "", ev->len);
        if (!r->text)
            return nomem(y);
    }
    y->nlog++;
    return KH_OK;
}

static void anchor_close(kh_yev *y, size_t idx)
{
    yev_anchor *a = &y->anc[idx];
    a->end = y->nlog;
    a->open = false;
    for (size_t i = a->start; i < a->end; i++) {
        const kh_ev *r = &y->log[i];
        if (r->type == KH_EV_SCALAR || r->type == KH_EV_MAP || r->type == KH_EV_SEQ)
            a->nodes++;
        a->bytes += r->len;
    }
}

/* Starts replaying the anchor an alias names, or reports why it cannot:
 * undefined or recursive (soft: the alias reads as a null), or an alias
 * bomb (fatal). */
static kh_status alias_start(kh_yev *y, kh_ev *ev, const yev_props *p)
{
    const yev_anchor *a = anchor_find(y, p->alias, p->alias_len);
    const char *why = !a ? "undefined alias \"*%.*s\""
                      : a->open ? "alias \"*%.*s\" refers to a node that contains it"
                                : NULL;
    if (why) {
        kh_err_at(y->e, ev->line, ev->col, NULL, why, (int)p->alias_len, p->alias);
        ev->bad = true;
        return KH_OK;
    }
    size_t in_bytes = (size_t)(y->end - y->data);
    if (y->alias_nodes + a->nodes >
            KH_DOC_ALIAS_RATIO * y->text_nodes + KH_DOC_ALIAS_SLACK ||
        y->alias_nodes + a->nodes > KH_DOC_MAX_ALIAS_NODES ||
        y->alias_bytes + a->bytes > KH_DOC_ALIAS_RATIO * in_bytes + KH_DOC_ALIAS_SLACK) {
        kh_err_at(y->e, ev->line, ev->col, NULL,
                  "alias \"*%.*s\" makes the document more than %d times as "
                  "large as written", (int)p->alias_len, p->alias,
                  KH_DOC_ALIAS_RATIO);
        y->failed = true;
        return KH_EINVAL;
    }
    y->alias_nodes += a->nodes;
    y->alias_bytes += a->bytes;
    y->rp = a->start;
    y->rend = a->end;
    y->rline = ev->line;
    y->rcol = ev->col;
    return KH_OK;
}

/* The next recorded event of the alias being replayed, at the alias. */
static void replay_next(kh_yev *y, kh_ev *ev)
{
    *ev = y->log[y->rp++];
    ev->line = y->rline;
    ev->col = y->rcol;
}

/* Hands out ev: depth, anchors opened and closed, recording. */
static kh_status deliver(kh_yev *y, const kh_ev *ev, const yev_props *p,
                         bool replayed)
{
    size_t idx = 0;
    bool container = ev->type == KH_EV_MAP || ev->type == KH_EV_SEQ;
    if (container)
        y->depth++;
    if (p->anchor) {
        if (anchor_add(y, p->anchor, p->anchor_len, &idx) != KH_OK)
            return KH_ENOMEM;
        if (container && y->nopen < sizeof y->open / sizeof y->open[0])
            y->open[y->nopen++] = (yev_open){idx, y->depth};
    }
    if ((y->nopen > 0 || p->anchor) && log_add(y, ev, replayed) != KH_OK)
        return KH_ENOMEM;
    if (p->anchor && !container)
        anchor_close(y, idx);
    if (ev->type == KH_EV_MAP_END || ev->type == KH_EV_SEQ_END) {
        if (y->nopen > 0 && y->open[y->nopen - 1].depth == y->depth)
            anchor_close(y, y->open[--y->nopen].anchor);
        y->depth--;
    }
    return KH_OK;
}

kh_status kh_yev_next(kh_yev *y, kh_ev *ev)
{
    yev_props p = {0};
    bool replayed = y->rp < y->rend;
    if (replayed) {
        if (y->failed)
            return KH_EINVAL;
        replay_next(y, ev);
    } else {
        kh_status st = raw_next(y, ev, &p);
        if (st != KH_OK)
            return st;
        if (ev->type != KH_EV_END && ev->type != KH_EV_MAP_END &&
            ev->type != KH_EV_SEQ_END)
            y->text_nodes++;
        if (p.alias) {
            if (alias_start(y, ev, &p) != KH_OK)
                return KH_EINVAL;
            if (y->rp < y->rend) {
                replay_next(y, ev);
                replayed = true;
            }
        }
    }
    return deliver(y, ev, &p, replayed);
}
