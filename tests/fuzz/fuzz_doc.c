/* libFuzzer target: the document reader (kaohe/doc.h) on arbitrary bytes,
 * format detected.  Each input is read twice: whole with kh_doc_read (the
 * tree walked through every getter), and streamed with kh_doc_enter /
 * kh_doc_more the way loaders read big files. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/doc.h"
#include "kaohe/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const kh_node *n, kh_err *e, int depth)
{
    const char *s;
    bool b;
    kh_cp cp;
    int64_t i;
    kh_node_str(n, e, "p", &s);
    kh_node_bool(n, e, "p", &b);
    kh_node_cp(n, e, "p", &cp);
    kh_node_int(n, e, "p", &i);
    (void)kh_node_kind(n);
    (void)kh_node_is_null(n);
    if (n->type == KH_NODE_SCALAR) {
        if (strlen(n->u.text) > n->n)
            abort();
        return;
    }
    if (depth > 64)
        abort();   /* the reader caps nesting at 64 */
    size_t kids = n->type == KH_NODE_MAP ? 2 * (size_t)n->n : n->n;
    for (size_t k = 0; k < kids; k++)
        walk(&n->u.kids[k], e, depth + 1);
    if (n->type == KH_NODE_MAP && n->n > 0) {
        const kh_node *k0 = &n->u.kids[0];
        if (k0->type == KH_NODE_SCALAR && kh_node_get(n, k0->u.text) == NULL &&
            strlen(k0->u.text) == k0->n)
            abort();
    }
}

static void drain_messages(kh_err *e)
{
    for (size_t i = 0; i < kh_err_count(e); i++)
        free(kh_err_format(e, i));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kh_err *e = kh_err_new();
    kh_arena *a = kh_arena_new();
    kh_doc *d = NULL;
    const char *text = (const char *)data;

    if (kh_doc_open_mem("fuzz", text, size, 0, e, &d) == KH_OK) {
        const kh_node *n = NULL;
        if (kh_doc_read(d, a, &n) == KH_OK)
            walk(n, e, 1);
        kh_doc_finish(d);
        kh_doc_free(d);
    }
    drain_messages(e);
    kh_err_clear(e);
    kh_arena_reset(a);

    if (kh_doc_open_mem("fuzz", text, size, 0, e, &d) == KH_OK) {
        kh_status st;
        if (kh_doc_enter(d, KH_NODE_MAP, NULL, NULL) == KH_OK) {
            while (kh_doc_more(d, &st)) {
                const kh_node *k;
                if (kh_doc_read(d, a, &k) != KH_OK)
                    continue;   /* kh_doc_more skips the value */
                if (kh_doc_enter(d, KH_NODE_SEQ, NULL, NULL) != KH_OK)
                    continue;
                while (kh_doc_more(d, &st)) {
                    const kh_node *v;
                    if (kh_doc_read(d, a, &v) == KH_OK)
                        walk(v, e, 3);
                    kh_arena_reset(a);
                }
            }
        }
        kh_doc_finish(d);
        kh_doc_free(d);
    }
    drain_messages(e);
    kh_arena_free(a);
    kh_err_free(e);
    return 0;
}
