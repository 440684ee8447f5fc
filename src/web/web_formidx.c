/*
 * web_formidx.c - the index of a form body (web_form): an urlencoded body
 * (or the plain fields of a multipart one) read once per request, so that
 * the grids' thousands of lookups each cost a hash probe instead of a
 * scan of a body of up to 1 MiB.
 *
 * The body is copied once; each value is percent-decoded in place in
 * that copy ('+' as space) and NUL-terminated, names stay as sent (the
 * form reader never decoded names: "in_x.1", "v*jd*3.3*reports").  A
 * segment without '=' is no field.  A value with a bad escape or one
 * that decodes to NUL ("%00") is kept as malformed: its lookup answers
 * NULL, as the scanning reader did.  Names are hashed with SipHash
 * (libsodium's crypto_shorthash) under a key drawn once per process, so
 * that a client cannot choose names that collide; the table is open
 * addressing at most half full, each slot the first field of a name,
 * the later ones chained in body order.  The number of fields is counted
 * before anything is allocated and capped by the caller (the server
 * passes WEB_FORM_FIELDS_MAX): a body of 100,000 tiny fields costs one
 * pass over its bytes and no memory.
 */
#include "web.h"

#include "kaohe/num.h"

#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FORM_NONE UINT32_MAX   /* no next field; a malformed value */

typedef struct form_field {
    uint32_t name, name_len;   /* in text, as sent */
    uint32_t value;            /* in text, decoded, NUL-ended; or FORM_NONE */
    uint32_t next;             /* the next field of this name, or FORM_NONE */
    uint64_t hash;
} form_field;

struct web_form {
    char *text;                /* the names and decoded values (owned) */
    size_t text_len;
    form_field *f;             /* n fields in body order (owned) */
    size_t n;
    uint32_t *slot;            /* nslot (a power of two): field + 1, or 0 */
    size_t nslot;
};

static unsigned char hash_key[crypto_shorthash_KEYBYTES];
static kh_status hash_st = KH_EIO;   /* KH_OK once the key is drawn */
static pthread_once_t hash_once = PTHREAD_ONCE_INIT;

static void hash_key_init(void)
{
    if (sodium_init() < 0)
        return;   /* no random source: every parse fails (KH_EIO) */
    randombytes_buf(hash_key, sizeof hash_key);
    hash_st = KH_OK;
}

/* The key, drawn on the first form of the process. */
static kh_status hash_ready(void)
{
    return pthread_once(&hash_once, hash_key_init) == 0 ? hash_st : KH_EIO;
}

static uint64_t name_hash(const char *name, size_t len)
{
    unsigned char h[crypto_shorthash_BYTES];
    crypto_shorthash(h, (const unsigned char *)name, len, hash_key);
    uint64_t v;
    memcpy(&v, h, sizeof v);
    return v;
}

bool web_pct_decode(const char *s, size_t n, bool plus, char *out)
{
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            int h = i + 2 < n ? kh_hex_digit((unsigned char)s[i + 1]) : -1;
            int l = i + 2 < n ? kh_hex_digit((unsigned char)s[i + 2]) : -1;
            if (h < 0 || l < 0 || (h == 0 && l == 0))
                return false;
            out[j++] = (char)(h * 16 + l);   /* j <= i: s[i..] is read */
            i += 2;
        } else {
            out[j++] = c == '+' && plus ? ' ' : c;
        }
    }
    out[j] = '\0';
    return true;
}

/* The fields (segments holding '=') of the n bytes at s, counting no
 * further than max + 1. */
static size_t count_fields(const char *s, size_t n, size_t max)
{
    size_t count = 0;
    const char *end = s + n;
    while (s < end && count <= max) {
        const char *amp = memchr(s, '&', (size_t)(end - s));
        const char *seg_end = amp ? amp : end;
        if (memchr(s, '=', (size_t)(seg_end - s)))
            count++;
        s = seg_end + (amp ? 1 : 0);
    }
    return count;
}

static kh_status form_alloc(size_t nfields, size_t text_len, web_form **out)
{
    *out = NULL;
    if (text_len >= FORM_NONE || nfields >= FORM_NONE / 4)
        return KH_ELIMIT;
    web_form *w = calloc(1, sizeof *w);
    if (!w)
        return KH_ENOMEM;
    w->nslot = 4;
    while (w->nslot < 2 * nfields)
        w->nslot *= 2;
    w->text = malloc(text_len + 1);
    w->f = malloc((nfields ? nfields : 1) * sizeof *w->f);
    w->slot = calloc(w->nslot, sizeof *w->slot);
    if (!w->text || !w->f || !w->slot) {
        web_form_free(w);
        return KH_ENOMEM;
    }
    *out = w;
    return KH_OK;
}

static bool same_name(const web_form *w, const form_field *a,
                      const char *name, size_t len, uint64_t h)
{
    return a->hash == h && a->name_len == len &&
           memcmp(w->text + a->name, name, len) == 0;
}

/* The slot of name: its first field's, or the empty one it would take. */
static size_t probe(const web_form *w, const char *name, size_t len,
                    uint64_t h)
{
    size_t mask = w->nslot - 1, s = (size_t)h & mask;
    while (w->slot[s] && !same_name(w, &w->f[w->slot[s] - 1], name, len, h))
        s = (s + 1) & mask;
    return s;
}

/* Chains the fields: going backwards, each field takes its name's slot
 * and links to the one that held it, so a slot ends on the first field
 * and each chain runs in body order. */
static void form_link(web_form *w)
{
    for (size_t i = w->n; i-- > 0;) {
        form_field *a = &w->f[i];
        size_t s = probe(w, w->text + a->name, a->name_len, a->hash);
        a->next = w->slot[s] ? w->slot[s] - 1 : FORM_NONE;
        w->slot[s] = (uint32_t)(i + 1);
    }
}

static void add_field(web_form *w, size_t name, size_t name_len,
                      size_t value, bool ok)
{
    form_field *a = &w->f[w->n++];
    a->name = (uint32_t)name;
    a->name_len = (uint32_t)name_len;
    a->value = ok ? (uint32_t)value : FORM_NONE;
    a->hash = name_hash(w->text + name, name_len);
}

kh_status web_form_parse(const char *s, size_t n, size_t max,
                         web_form **out)
{
    *out = NULL;
    const char *nul = memchr(s, '\0', n);
    if (nul)
        n = (size_t)(nul - s);   /* the scanning reader stopped there */
    size_t count = count_fields(s, n, max);
    if (count > max)
        return KH_ELIMIT;
    kh_status st = hash_ready();
    web_form *w = NULL;
    if (st == KH_OK)
        st = form_alloc(count, n, &w);
    if (st != KH_OK)
        return st;
    memcpy(w->text, s, n);
    w->text[n] = '\0';
    w->text_len = n;
    size_t p = 0;
    while (p < n) {
        char *seg = w->text + p;
        char *amp = memchr(seg, '&', n - p);
        size_t len = amp ? (size_t)(amp - seg) : n - p;
        char *eq = memchr(seg, '=', len);
        if (eq) {
            size_t nl = (size_t)(eq - seg), v = p + nl + 1;
            add_field(w, p, nl, v,
                      web_pct_decode(eq + 1, len - nl - 1, true, eq + 1));
        }
        p += len + 1;
    }
    form_link(w);
    *out = w;
    return KH_OK;
}

kh_status web_form_from_fields(const web_field *fields, size_t max,
                               web_form **out)
{
    *out = NULL;
    size_t count = 0, bytes = 0;
    for (const web_field *f = fields; f; f = f->next)
        if (!f->filename) {
            count++;
            bytes += strlen(f->name) + f->data.len + 2;
        }
    if (count > max)
        return KH_ELIMIT;
    kh_status st = hash_ready();
    web_form *w = NULL;
    if (st == KH_OK)
        st = form_alloc(count, bytes, &w);
    if (st != KH_OK)
        return st;
    size_t p = 0;
    for (const web_field *f = fields; f; f = f->next) {
        if (f->filename)
            continue;
        size_t nl = strlen(f->name), vl = f->data.len;
        memcpy(w->text + p, f->name, nl + 1);
        if (vl)
            memcpy(w->text + p + nl + 1, f->data.data, vl);
        w->text[p + nl + 1 + vl] = '\0';
        bool ok = !vl || !memchr(f->data.data, '\0', vl);
        add_field(w, p, nl, p + nl + 1, ok);
        p += nl + vl + 2;
    }
    w->text_len = bytes;
    form_link(w);
    *out = w;
    return KH_OK;
}

void web_form_free(web_form *w)
{
    if (!w)
        return;
    free(w->text);
    free(w->f);
    free(w->slot);
    free(w);
}

size_t web_form_count(const web_form *w)
{
    return w ? w->n : 0;
}

size_t web_form_bytes(const web_form *w)
{
    return w ? sizeof *w + w->text_len + 1 + w->n * sizeof *w->f +
                   w->nslot * sizeof *w->slot
             : 0;
}

size_t web_form_first(const web_form *w, const char *name)
{
    if (!w || !w->n)
        return 0;
    size_t len = strlen(name);
    return w->slot[probe(w, name, len, name_hash(name, len))];
}

size_t web_form_next(const web_form *w, size_t at)
{
    uint32_t next = w->f[at - 1].next;
    return next == FORM_NONE ? 0 : (size_t)next + 1;
}

const char *web_form_value(const web_form *w, size_t at)
{
    const form_field *a = &w->f[at - 1];
    return a->value == FORM_NONE ? NULL : w->text + a->value;
}
