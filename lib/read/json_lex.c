/*
 * json_lex.c - kaohe's streaming JSON tokenizer over an in-memory buffer.
 *
 * It checks the whole RFC 8259 grammar and turns the text into the events
 * of doc_impl.h, tracking 1-based line and column (columns count UTF-8
 * characters).  Strings without escapes point straight into the input;
 * strings with escapes are decoded into a scratch buffer.  Every error is
 * fatal and located.  Speed matters (assessment files run to tens of
 * megabytes), so the string scan looks at 16 bytes at a time with SSE2
 * when available.
 */
#include "doc_impl.h"
#include "kaohe/doc.h"
#include "kaohe/num.h"
#include "kaohe/vec.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

enum {
    ST_TOP,        /* before the top-level value */
    ST_OBJ_FIRST,  /* after '{': a key or '}' */
    ST_OBJ_KEY,    /* after ',' in an object: a key */
    ST_OBJ_VALUE,  /* after a key: ':' then a value */
    ST_VALUE,      /* after a key and its ':': a value */
    ST_ARR_FIRST,  /* after '[': a value or ']' */
    ST_ARR_VALUE,  /* after ',' in an array: a value */
    ST_AFTER,      /* after a value inside a container: ',' or the close */
    ST_END,        /* after the top-level value: only blanks may follow */
    ST_DONE,       /* KH_EV_END was returned */
    ST_FAILED
};

void kh_jlex_init(kh_jlex *l, const char *data, size_t len, kh_err *e)
{
    memset(l, 0, sizeof *l);
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    l->p = data;
    l->end = data + len;
    l->line_start = data;
    l->line = 1;
    l->state = ST_TOP;
    l->e = e;
}

void kh_jlex_free(kh_jlex *l)
{
    free(l->scratch);
    l->scratch = NULL;
    l->scap = 0;
}

static unsigned col_of(const kh_jlex *l, const char *p)
{
    return (unsigned)((size_t)(p - l->line_start) - l->extra + 1);
}

static kh_status KH_PRINTF(4, 5)
jerr_lc(kh_jlex *l, unsigned line, unsigned col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kh_err_vat(l->e, KH_SEV_ERROR, line, col, NULL, fmt, ap);
    va_end(ap);
    l->state = ST_FAILED;
    return KH_EINVAL;
}

/* p must lie on the current line, after every multi-byte character that
 * l->extra already counts. */
#define jerr_at(l, p, ...) jerr_lc((l), (l)->line, col_of((l), (p)), __VA_ARGS__)

static const char *skip_ws(kh_jlex *l, const char *p)
{
    const char *end = l->end;
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (c > ' ')
            break;
        if (c == '\n') {
            l->line++;
            l->line_start = p + 1;
            l->extra = 0;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            break;
        }
        p++;
    }
    return p;
}

size_t kh_utf8_seq(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0], c1;
    if (c < 0xC2)
        return 0;
    if (c < 0xE0)
        return (end - p >= 2 && (p[1] & 0xC0) == 0x80) ? 2 : 0;
    if (c < 0xF0) {
        if (end - p < 3)
            return 0;
        c1 = p[1];
        if ((c1 & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0))
            return 0;
        return 3;
    }
    if (c < 0xF5) {
        if (end - p < 4)
            return 0;
        c1 = p[1];
        if ((c1 & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
            (p[3] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90))
            return 0;
        return 4;
    }
    return 0;
}

/* Advances p to the first byte that ends a plain run of string bytes:
 * '"', '\\', a control character or a non-ASCII byte (or end). */
static const char *scan_plain(const char *p, const char *end)
{
#ifdef __SSE2__
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i bslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(' ');
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        /* signed compare: bytes >= 0x80 are negative, so "< ' '" also
         * catches every non-ASCII byte */
        __m128i m = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
            _mm_cmplt_epi8(v, space));
        int mask = _mm_movemask_epi8(m);
        if (mask)
            return p + __builtin_ctz((unsigned)mask);
        p += 16;
    }
#endif
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
            break;
        p++;
    }
    return p;
}

static bool scratch_room(kh_jlex *l, size_t used, size_t more)
{
    return more <= SIZE_MAX - used &&
           KH_VEC_GROW(l->scratch, l->scap, used + more, 256) == KH_OK;
}

static int hex4(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int d = kh_hex_digit((unsigned char)p[i]);
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static size_t utf8_put(char *w, unsigned cp)
{
    if (cp < 0x80) {
        w[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        w[0] = (char)(0xC0 | (cp >> 6));
        w[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        w[0] = (char)(0xE0 | (cp >> 12));
        w[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        w[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    w[0] = (char)(0xF0 | (cp >> 18));
    w[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    w[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    w[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Handles a byte that is neither '"' nor '\\' inside a string: a control
 * character (error) or the start of a UTF-8 character.  Returns the
 * sequence length or 0 after reporting an error. */
static size_t string_odd_byte(kh_jlex *l, const char *p)
{
    unsigned char c = (unsigned char)*p;
    if (c < 0x20)
        return (jerr_at(l, p, "control character in string (write it as an escape)"), 0);
    size_t n = kh_utf8_seq((const unsigned char *)p, (const unsigned char *)l->end);
    if (!n)
        return (jerr_at(l, p, "invalid UTF-8 in string"), 0);
    return n;
}

/* Decodes a string that contains escapes; p is at the first backslash,
 * s just after the opening quote. */
static kh_status string_escaped(kh_jlex *l, const char *s, const char *p,
                                unsigned qline, unsigned qcol, kh_ev *ev)
{
    const char *end = l->end;
    size_t w = 0;
    /* The decoded text is never longer than its source, so reserving the
     * source length of each piece is enough. */
    if (!scratch_room(l, 0, (size_t)(p - s) + 1))
        goto nomem;
    memcpy(l->scratch, s, (size_t)(p - s));
    w = (size_t)(p - s);
    for (;;) {
        if (p >= end)
            return jerr_lc(l, qline, qcol, "unterminated string");
        unsigned char c = (unsigned char)*p;
        if (c == '"')
            break;
        if (c == '\\') {
            if (end - p < 2)
                return jerr_lc(l, qline, qcol, "unterminated string");
            char out;
            switch (p[1]) {
            case '"': out = '"'; break;
            case '\\': out = '\\'; break;
            case '/': out = '/'; break;
            case 'b': out = '\b'; break;
            case 'f': out = '\f'; break;
            case 'n': out = '\n'; break;
            case 'r': out = '\r'; break;
            case 't': out = '\t'; break;
            case 'u': {
                int cp = end - p >= 6 ? hex4(p + 2) : -1;
                if (cp < 0)
                    return jerr_at(l, p, "invalid \\u escape (needs four hex digits)");
                size_t srclen = 6;
                if (cp >= 0xDC00 && cp <= 0xDFFF)
                    return jerr_at(l, p, "invalid \\u escape: unpaired low surrogate");
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    int lo = (end - p >= 12 && p[6] == '\\' && p[7] == 'u')
                                 ? hex4(p + 8) : -1;
                    if (lo < 0xDC00 || lo > 0xDFFF)
                        return jerr_at(l, p, "invalid \\u escape: unpaired high surrogate");
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    srclen = 12;
                }
                if (cp == 0)
                    return jerr_at(l, p, "\\u0000 is not allowed in strings");
                if (!scratch_room(l, w, 4))
                    goto nomem;
                w += utf8_put(l->scratch + w, (unsigned)cp);
                p += srclen;
                continue;
            }
            default:
                if ((unsigned char)p[1] >= 0x21 && (unsigned char)p[1] < 0x7F)
                    return jerr_at(l, p, "invalid escape \"\\%c\" in string", p[1]);
                return jerr_at(l, p, "invalid escape in string");
            }
            if (!scratch_room(l, w, 1))
                goto nomem;
            l->scratch[w++] = out;
            p += 2;
            continue;
        }
        const char *run = p;
        if (c < 0x80) {
            if (c < 0x20)
                return (string_odd_byte(l, p), KH_EINVAL);
            p = scan_plain(p, end);
        } else {
            while (p < end && (unsigned char)*p >= 0x80) {
                size_t n = string_odd_byte(l, p);
                if (!n)
                    return KH_EINVAL;
                l->extra += n - 1;
                p += n;
            }
        }
        if (!scratch_room(l, w, (size_t)(p - run)))
            goto nomem;
        memcpy(l->scratch + w, run, (size_t)(p - run));
        w += (size_t)(p - run);
    }
    ev->text = l->scratch;
    ev->len = w;
    l->p = p + 1;
    return KH_OK;
nomem:
    l->state = ST_FAILED;
    return kh_err_fail(l->e, KH_ENOMEM, "out of memory reading a JSON string");
}

/* l->p is at the opening quote. */
static kh_status lex_string(kh_jlex *l, kh_ev *ev)
{
    unsigned qline = l->line, qcol = col_of(l, l->p);
    const char *s = l->p + 1, *p = s, *end = l->end;
    ev->type = KH_EV_SCALAR;
    ev->style = KH_SCALAR_QUOTED;
    for (;;) {
        p = scan_plain(p, end);
        if (p >= end)
            return jerr_lc(l, qline, qcol, "unterminated string");
        unsigned char c = (unsigned char)*p;
        if (c == '"') {
            ev->text = s;
            ev->len = (size_t)(p - s);
            l->p = p + 1;
            return KH_OK;
        }
        if (c == '\\')
            return string_escaped(l, s, p, qline, qcol, ev);
        if (c < 0x20)
            return (string_odd_byte(l, p), KH_EINVAL);
        /* Non-ASCII: stay here while the text is multi-byte (CJK). */
        while (p < end && (unsigned char)*p >= 0x80) {
            size_t n = string_odd_byte(l, p);
            if (!n)
                return KH_EINVAL;
            l->extra += n - 1;
            p += n;
        }
    }
}

static bool is_digit(char c)
{
    return (unsigned char)(c - '0') < 10;
}

static bool is_word(char c)
{
    unsigned char u = (unsigned char)c;
    return is_digit(c) || ((u | 0x20) >= 'a' && (u | 0x20) <= 'z') || c == '_';
}

/* The word-ish text at p, for messages (capped). */
static int word_len(const char *p, const char *end)
{
    const char *q = p;
    while (q < end && q - p < 32 && (is_word(*q) || *q == '.' || *q == '+' || *q == '-'))
        q++;
    return (int)(q - p);
}

static kh_status lex_number(kh_jlex *l, kh_ev *ev)
{
    const char *s = l->p, *p = s, *end = l->end;
    if (*p == '-')
        p++;
    if (p < end && *p == '0') {
        p++;
        if (p < end && is_digit(*p))
            return jerr_at(l, s, "leading zeros are not allowed in numbers");
    } else if (p < end && is_digit(*p)) {
        while (p < end && is_digit(*p))
            p++;
    } else {
        goto bad;
    }
    if (p < end && *p == '.') {
        p++;
        if (p >= end || !is_digit(*p))
            goto bad;
        while (p < end && is_digit(*p))
            p++;
    }
    if (p < end && (*p | 0x20) == 'e') {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p >= end || !is_digit(*p))
            goto bad;
        while (p < end && is_digit(*p))
            p++;
    }
    if (p < end && (is_word(*p) || *p == '.'))
        goto bad;
    ev->type = KH_EV_SCALAR;
    ev->style = KH_SCALAR_PLAIN;
    ev->text = s;
    ev->len = (size_t)(p - s);
    l->p = p;
    return KH_OK;
bad:
    return jerr_at(l, s, "invalid number \"%.*s\"", word_len(s, end), s);
}

static kh_status push(kh_jlex *l, kh_ev *ev, char open)
{
    if (l->depth >= KH_DOC_MAX_DEPTH)
        return jerr_at(l, l->p, "nesting deeper than %d levels", KH_DOC_MAX_DEPTH);
    l->stack[l->depth++] = (uint8_t)open;
    ev->type = open == '{' ? KH_EV_MAP : KH_EV_SEQ;
    l->state = open == '{' ? ST_OBJ_FIRST : ST_ARR_FIRST;
    l->p++;
    return KH_OK;
}

/* Sets the state after a complete value.  A ',' right after it is taken
 * now: one dispatch less per value in the common compact layout. */
static void after_value(kh_jlex *l)
{
    if (!l->depth) {
        l->state = ST_END;
    } else if (l->p < l->end && *l->p == ',') {
        l->p++;
        l->state = l->stack[l->depth - 1] == '{' ? ST_OBJ_KEY : ST_ARR_VALUE;
    } else {
        l->state = ST_AFTER;
    }
}

static kh_status close_container(kh_jlex *l, kh_ev *ev)
{
    l->depth--;
    ev->type = *l->p == '}' ? KH_EV_MAP_END : KH_EV_SEQ_END;
    l->p++;
    after_value(l);
    return KH_OK;
}

static kh_status eof_error(kh_jlex *l)
{
    return jerr_at(l, l->p, "unexpected end of input");
}

/* A value at l->p (blanks already skipped). */
static kh_status lex_value(kh_jlex *l, kh_ev *ev)
{
    const char *p = l->p, *end = l->end;
    if (p >= end)
        return eof_error(l);
    char c = *p;
    kh_status st;
    switch (c) {
    case '"':
        st = lex_string(l, ev);
        break;
    case '{':
    case '[':
        return push(l, ev, c);
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
        st = lex_number(l, ev);
        break;
    case '/':
    case '#':
        return jerr_at(l, p, "comments are not allowed in JSON");
    case '\'':
        return jerr_at(l, p, "strings must be in double quotes");
    default:
        if (is_word(c)) {
            const char *q = p;
            while (q < end && is_word(*q))
                q++;
            size_t n = (size_t)(q - p);
            if ((n == 4 && (memcmp(p, "true", 4) == 0 || memcmp(p, "null", 4) == 0)) ||
                (n == 5 && memcmp(p, "false", 5) == 0)) {
                ev->type = KH_EV_SCALAR;
                ev->style = KH_SCALAR_PLAIN;
                ev->text = p;
                ev->len = n;
                l->p = q;
                st = KH_OK;
                break;
            }
            return jerr_at(l, p, "expected a value, got \"%.*s\"",
                           word_len(p, end), p);
        }
        if ((unsigned char)c >= 0x21 && (unsigned char)c < 0x7F)
            return jerr_at(l, p, "expected a value, got '%c'", c);
        return jerr_at(l, p, "expected a value");
    }
    if (st == KH_OK)
        after_value(l);
    return st;
}

kh_status kh_jlex_next(kh_jlex *l, kh_ev *ev)
{
    const char *p;
again:
    p = l->p = skip_ws(l, l->p);
    ev->bad = false;
    ev->line = l->line;
    ev->col = col_of(l, p);
    ev->text = NULL;
    ev->len = 0;
    switch (l->state) {
    case ST_TOP:
    case ST_VALUE:
        return lex_value(l, ev);
    case ST_ARR_FIRST:
        if (p < l->end && *p == ']')
            return close_container(l, ev);
        return lex_value(l, ev);
    case ST_ARR_VALUE:
        if (p < l->end && *p == ']')
            return jerr_at(l, p, "trailing comma before ']'");
        return lex_value(l, ev);
    case ST_OBJ_FIRST:
    case ST_OBJ_KEY:
        if (p >= l->end)
            return eof_error(l);
        if (*p == '"') {
            kh_status st = lex_string(l, ev);
            if (st == KH_OK) {
                /* take a ':' right after the key now */
                if (l->p < l->end && *l->p == ':') {
                    l->p++;
                    l->state = ST_VALUE;
                } else {
                    l->state = ST_OBJ_VALUE;
                }
            }
            return st;
        }
        if (*p == '}') {
            if (l->state == ST_OBJ_FIRST)
                return close_container(l, ev);
            return jerr_at(l, p, "trailing comma before '}'");
        }
        if (*p == '\'')
            return jerr_at(l, p, "strings must be in double quotes");
        if (*p == '/' || *p == '#')
            return jerr_at(l, p, "comments are not allowed in JSON");
        return jerr_at(l, p, l->state == ST_OBJ_FIRST
                                 ? "expected a string key or '}'"
                                 : "expected a string key");
    case ST_OBJ_VALUE:
        if (p >= l->end)
            return eof_error(l);
        if (*p != ':')
            return jerr_at(l, p, "expected ':' after object key");
        p = l->p = skip_ws(l, p + 1);
        ev->line = l->line;
        ev->col = col_of(l, p);
        return lex_value(l, ev);
    case ST_AFTER: {
        if (p >= l->end)
            return eof_error(l);
        bool obj = l->stack[l->depth - 1] == '{';
        if (*p == ',') {
            l->p = p + 1;
            l->state = obj ? ST_OBJ_KEY : ST_ARR_VALUE;
            goto again;
        }
        if (*p == (obj ? '}' : ']'))
            return close_container(l, ev);
        if (*p == '/' || *p == '#')
            return jerr_at(l, p, "comments are not allowed in JSON");
        return jerr_at(l, p, obj ? "expected ',' or '}' after object member"
                                 : "expected ',' or ']' after array element");
    }
    case ST_END:
        if (p < l->end) {
            if (*p == '/' || *p == '#')
                return jerr_at(l, p, "comments are not allowed in JSON");
            return jerr_at(l, p, "unexpected text after the top-level value");
        }
        l->state = ST_DONE;
        ev->type = KH_EV_END;
        return KH_OK;
    case ST_DONE:
        ev->type = KH_EV_END;
        return KH_OK;
    default:
        return KH_EINVAL;
    }
}
