/*
 * fuzz_web_request.c - libFuzzer target for what `kaohe serve` parses
 * from any client, anonymous or logged in, before a handler acts:
 *
 *   - the request path: web_route_find (web_split_path, the matcher)
 *     for GET, POST and PUT;
 *   - an urlencoded form body: web_form_get and web_form_values, read
 *     through the request's form index (web_formidx.c), each checked
 *     against a plain scan of the body (the reader before the index) for
 *     fixed names and the body's own first names;
 *   - a questionnaire's answer body: every question of the students'
 *     questionnaire read with web_form_values and checked by
 *     kh_question_answer, as web_survey.c's answer_parse does;
 *   - a JSON body (an entry's PUT, a login): web_api_body.
 *
 * The input's first line is the path, the rest the body.  Any input
 * must be answered cleanly: no crash, leak or undefined behaviour, a
 * route's values within its buffer, decoded values without a NUL.
 * Multipart bodies and cookies are parsed by libmicrohttpd (its post
 * processor and cookie parser need a connection) and are covered by
 * tests/web/hostile.sh instead.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/questionnaire.h"
#include "web.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The students' questionnaire, loaded once (never freed: the process
 * ends with the run). */
static const kh_questionnaire *questionnaire(void)
{
    static kh_questionnaire *q;
    static bool tried;
    if (!tried) {
        tried = true;
        kh_err *e = kh_err_new();
        const char *dir = getenv("KH_FUZZ_QDIR");
        char path[1024];
        snprintf(path, sizeof path, "%s/ideology-2020-students.yaml",
                 dir ? dir : KH_FUZZ_QDIR_DEFAULT);
        if (!e || kh_questionnaire_load(path, e, &q) != KH_OK)
            abort();   /* the committed file must load */
        kh_err_free(e);
    }
    return q;
}

static void route(const char *path)
{
    static const char *const methods[] = {"GET", "POST", "PUT", "DELETE"};
    for (size_t k = 0; k < 4; k++) {
        web_match m;
        unsigned status = 0;
        char allow[32];
        const web_route *rt = web_route_find(methods[k], path, &m, &status,
                                             allow, sizeof allow);
        if (!rt && status != 400 && status != 404 && status != 405)
            abort();
        if (rt && m.unit &&
            (m.unit < m.buf || m.unit >= m.buf + sizeof m.buf))
            abort();
    }
}

static void free_vals(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
}

static void form(web_req *r)
{
    static const char *const names[] = {"csrf", "user", "password", "note",
                                        "q1", "unit", ""};
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        char *v = web_form_get(r, names[k]);
        free(v);
        char *vals[4];
        size_t n = web_form_values(r, names[k], vals, 4);
        if (n > 5)
            abort();
        free_vals(vals, n > 4 ? 4 : n);
    }
}

/* The reference: the first (or k-th) value of name by a scan of the
 * body, as the form reader did before the index; *found says whether
 * the field exists (its value NULL when malformed, else malloc'd). */
static char *scan(const char *p, const char *name, size_t k, bool *found)
{
    size_t nl = strlen(name);
    *found = false;
    while (*p) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        if (eq && (size_t)(eq - p) == nl && memcmp(p, name, nl) == 0 &&
            k-- == 0) {
            *found = true;
            size_t vl = len - nl - 1;
            char *v = malloc(vl + 1);
            if (!v || !web_pct_decode(eq + 1, vl, true, v)) {
                free(v);
                return NULL;
            }
            return v;
        }
        p += len;
        if (*p == '&')
            p++;
    }
    return NULL;
}

static bool same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* The index answers as the scan for name: the first value, then every
 * value in order (up to 8). */
static void against_scan(web_req *r, const char *name)
{
    const char *body = kh_buf_str(&r->body);
    bool found;
    char *want = scan(body, name, 0, &found);
    char *got = web_form_get(r, name);
    if (!r->form || !same(want, got) ||
        (web_form_first(r->form, name) != 0) != found)
        abort();
    free(want);
    free(got);
    char *vals[8];
    size_t n = web_form_values(r, name, vals, 8);
    for (size_t k = 0; k < (n > 8 ? 8 : n); k++) {
        want = scan(body, name, k, &found);
        if (!found || !same(want, vals[k]))
            abort();
        free(want);
        free(vals[k]);
    }
    want = scan(body, name, n > 8 ? 8 : n, &found);
    free(want);
    if (found != (n > 8))
        abort();
}

/* The checks against the scan, for the names above and the first
 * names of the body (a field's name is its bytes before '='). */
static void index_checks(web_req *r)
{
    static const char *const names[] = {"csrf", "unit", "a", "", "a+b"};
    for (size_t k = 0; k < sizeof names / sizeof *names; k++)
        against_scan(r, names[k]);
    const char *p = kh_buf_str(&r->body);
    for (int k = 0; k < 8 && *p; k++) {
        size_t len = strcspn(p, "&");
        const char *eq = memchr(p, '=', len);
        if (eq) {
            char *name = strndup(p, (size_t)(eq - p));
            if (!name)
                return;
            against_scan(r, name);
            free(name);
        }
        p += len + (p[len] == '&');
    }
}

static void answers(web_req *r)
{
    const kh_questionnaire *q = questionnaire();
    kh_err *e = kh_err_new();
    kh_buf json;
    kh_buf_init(&json, 0);
    for (size_t i = 0; e && i < kh_questionnaire_count(q); i++) {
        char *v[KH_Q_MAX_CHOICES];
        const char *id = kh_question_id(q, i);
        size_t n = web_form_values(r, id, v, KH_Q_MAX_CHOICES);
        size_t got = n > KH_Q_MAX_CHOICES ? KH_Q_MAX_CHOICES : n;
        bool ok = n <= KH_Q_MAX_CHOICES;
        for (size_t k = 0; k < got; k++)
            ok = ok && v[k];
        bool given = false;
        if (ok)
            (void)kh_question_answer(q, i, (const char *const *)v, got, id,
                                     e, &json, &given);
        free_vals(v, got);
    }
    kh_buf_free(&json);
    kh_err_free(e);
}

static void json_body(web_req *r)
{
    kh_err *e = kh_err_new();
    kh_arena *a = NULL;
    const kh_node *root = NULL;
    if (e && web_api_body(r, &a, &root, e) == KH_OK) {
        if (!root || root->type != KH_NODE_MAP)
            abort();
        const kh_node *in = kh_node_get(root, "inputs");
        int64_t v = 0;
        if (in)
            (void)kh_node_int(in, e, "inputs", &v);
    }
    kh_arena_free(a);
    kh_err_free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t plen = nl ? (size_t)(nl - data) : size;
    char *path = malloc(plen + 1);
    if (!path)
        return 0;
    memcpy(path, data, plen);
    path[plen] = '\0';
    route(path);
    free(path);

    web_req r;
    memset(&r, 0, sizeof r);
    kh_buf_init(&r.body, WEB_BODY_CAP);
    if (nl)
        kh_buf_add(&r.body, (const char *)nl + 1, size - plen - 1);
    form(&r);
    if (size - plen <= 64 * 1024)   /* the scans are quadratic */
        index_checks(&r);
    answers(&r);
    json_body(&r);
    web_form_free(r.form);
    kh_buf_free(&r.body);
    return 0;
}
