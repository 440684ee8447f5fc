/*
 * test_score_incr.c - incremental rescoring (kh_result_update_unit and
 * the kh_assess_set_* edits): after every step of a long random sequence
 * of writes (entries set and cleared in both phases, rosters replaced
 * and removed, bonus and negative records replaced, refused edits), the
 * incrementally updated result must equal a full kh_score() of the same
 * assessment: every item, unit figure, missing list, branch mean,
 * ranking row, rank and bottom flag; a clone (kh_result_clone) keeps the
 * figures of when it was taken.  The server's cached bodies follow the
 * same walk (src/web/web_body.c): built by parts after the previous
 * version, the results JSON and the results page must equal, byte for
 * byte, the bodies rendered whole from the full rescore, and their
 * compressed blocks must inflate to them; with few units (the page's
 * charts) and with more than 300 (the compact page, whose gap rows come
 * and go).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "kaohe/assess.h"
#include "kaohe/doc.h"
#include "kaohe/error.h"
#include "kaohe/report.h"
#include "kaohe/rubric.h"
#include "kaohe/score.h"

#include "small_rubric.h"
#include "web.h"

/* A fixed-seed generator: the sequence is the same on every run. */
static uint64_t rng_state;

static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((rng_state >> 33) % n);
}

static void dump(const kh_err *e)
{
    for (size_t i = 0; i < kh_err_count(e); i++) {
        char *m = kh_err_format(e, i);
        fprintf(stderr, "  got: %s\n", m);
        free(m);
    }
}

/* 16 faculties in 6 branches (one to four each) and 12 offices, eight of
 * them in two multi-office branches, copies times over (copy c > 0 adds
 * "cC" to ids and names); entries for about half the items; two units
 * with a roster; a few records. */
static kh_assess *initial(const kh_rubric *r, int copies)
{
    kh_buf y;
    kh_buf_init(&y, 0);
    kh_buf_puts(&y, "year: 2025\nunits:\n");
    static const int fac_branch[16] = {0, 0, 0, 0, 1, 1, 1, 2, 2, 3,
                                       3, 3, 4, 5, 5, 5};
    for (int c = 0; c < copies; c++) {
        char x[16] = "";
        if (c)
            snprintf(x, sizeof x, "c%d", c);
        for (int i = 0; i < 16; i++)
            kh_buf_printf(&y, "  - {id: f%02d%s, name: 系%d%s, kind: faculty,"
                              " branch: fb%d%s}\n", i, x, i, x, fac_branch[i],
                          x);
        for (int i = 0; i < 12; i++) {
            if (i < 8)
                kh_buf_printf(&y, "  - {id: o%02d%s, name: 处%d%s, kind: "
                                  "office, branch: ob%d%s}\n", i, x, i, x,
                              i % 2, x);
            else
                kh_buf_printf(&y, "  - {id: o%02d%s, name: 处%d%s, kind: "
                                  "office}\n", i, x, i, x);
        }
    }
    kh_buf_puts(&y, "entries:\n");
    /* From the second copy on, two units per copy have a whole
     * self-check (a self base: rows of the gap table). */
    static const char *const self[] = {
        "\"1.1\", inputs: {doc: true}",
        "\"1.2\", inputs: {report: on_time}",
        "\"1.3\", inputs: {meetings: 3, proofs: 2}",
        "\"1.4\", inputs: {lectures: true}",
        "\"2.1\", inputs: {rating: 4}",
        "\"2.2\", inputs: {activities: 3}",
        "\"2.3\", inputs: {no_advisor: false, violations: 0}"};
    for (int c = 1; c < copies; c++)
        for (size_t i = 0; i < sizeof self / sizeof *self; i++) {
            kh_buf_printf(&y, "  - {unit: f03c%d, phase: self, item: %s}\n",
                          c, self[i]);
            if (i != 3)   /* 1.4 is for faculties only */
                kh_buf_printf(&y, "  - {unit: o04c%d, phase: self, item: "
                                  "%s}\n", c, self[i]);
        }
    kh_buf_puts(&y,
                    "  - {unit: f00, item: \"1.1\", phase: inspection,"
                    " inputs: {doc: true}}\n"
                    "  - {unit: o00, item: \"1.3\", phase: self,"
                    " inputs: {meetings: 2}}\n"
                    "rosters:\n"
                    "  - {unit: f01, roster: xuexi, people: [{name: a,"
                    " value: 10}, {name: b, value: 6000}]}\n"
                    "  - {unit: o01, roster: xuexi, people: [{name: c,"
                    " value: 1}]}\n"
                    "bonus:\n"
                    "  - {unit: f02, points: 2, reason: x}\n"
                    "negative:\n"
                    "  - {unit: o03, points: 1, reason: y}\n");
    kh_err *e = kh_err_new();
    kh_assess *a = NULL;
    kh_status st = kh_assess_load_mem(r, "a.yaml", kh_buf_str(&y), y.len, e,
                                      &a);
    if (st != KH_OK)
        dump(e);
    assert_int_equal(st, KH_OK);
    kh_err_free(e);
    kh_buf_free(&y);
    return a;
}

static kh_result *full(const kh_assess *a, unsigned flags)
{
    kh_err *e = kh_err_new();
    kh_result *res = NULL;
    kh_status st = kh_score(a, flags, e, &res);
    if (st != KH_OK)
        dump(e);
    assert_int_equal(st, KH_OK);
    kh_err_free(e);
    return res;
}

/* Every figure of got equals want's. */
static void same(const kh_result *got, const kh_result *want, size_t nitems)
{
    size_t nu = kh_result_unit_count(want);
    assert_int_equal(kh_result_unit_count(got), nu);
    for (size_t u = 0; u < nu; u++) {
        for (size_t i = 0; i < nitems; i++)
            assert_int_equal(kh_result_item(got, u, i),
                             kh_result_item(want, u, i));
        assert_int_equal(kh_result_raw_base(got, u),
                         kh_result_raw_base(want, u));
        assert_int_equal(kh_result_applicable_max(got, u),
                         kh_result_applicable_max(want, u));
        assert_int_equal(kh_result_base(got, u), kh_result_base(want, u));
        assert_int_equal(kh_result_bonus(got, u), kh_result_bonus(want, u));
        assert_int_equal(kh_result_negative(got, u),
                         kh_result_negative(want, u));
        assert_int_equal(kh_result_total(got, u), kh_result_total(want, u));
        kh_cp sg, sw;
        assert_int_equal(kh_result_self_base(got, u, &sg),
                         kh_result_self_base(want, u, &sw));
        assert_int_equal(sg, sw);
        size_t nm = kh_result_missing_count(want, u);
        assert_int_equal(kh_result_missing_count(got, u), nm);
        for (size_t k = 0; k < nm; k++)
            assert_int_equal(kh_result_missing_item(got, u, k),
                             kh_result_missing_item(want, u, k));
    }
    size_t nb = kh_result_branch_count(want);
    assert_int_equal(kh_result_branch_count(got), nb);
    for (size_t k = 0; k < nb; k++) {
        assert_int_equal(kh_result_branch(got, k), kh_result_branch(want, k));
        assert_int_equal(kh_result_branch_score(got, k),
                         kh_result_branch_score(want, k));
    }
    for (size_t ri = 0; ri < 2; ri++) {
        size_t n = kh_result_ranking_rows(want, ri);
        assert_int_equal(kh_result_ranking_rows(got, ri), n);
        for (size_t j = 0; j < n; j++) {
            const kh_rank_row *g = kh_result_ranking_row(got, ri, j);
            const kh_rank_row *w = kh_result_ranking_row(want, ri, j);
            assert_int_equal(g->ref, w->ref);
            assert_string_equal(g->id, w->id);
            assert_int_equal(g->score, w->score);
            assert_int_equal(g->rank, w->rank);
            assert_int_equal(g->bottom, w->bottom);
        }
    }
}

/* Random inputs (JSON) for item; bad: one value out of range. */
static void inputs_for(const char *item, bool roster, bool bad, kh_buf *js)
{
    static const char *choice[] = {"on_time", "late", "none"};
    static const char *judge[] = {"4", "3.5", "2", "0"};
    kh_buf_reset(js);
    if (strcmp(item, "1.1") == 0)
        kh_buf_printf(js, "{\"doc\": %s}", rnd(2) ? "true" : "false");
    else if (strcmp(item, "1.2") == 0)
        kh_buf_printf(js, "{\"report\": \"%s\"}",
                      bad ? "never" : choice[rnd(3)]);
    else if (strcmp(item, "1.3") == 0)
        kh_buf_printf(js, "{\"meetings\": %d, \"proofs\": %u}",
                      bad ? -1 : (int)rnd(5), rnd(4));
    else if (strcmp(item, "1.4") == 0)
        kh_buf_printf(js, "{\"lectures\": %s}", rnd(2) ? "true" : "false");
    else if (strcmp(item, "2.1") == 0)
        kh_buf_printf(js, "{\"rating\": %s}", bad ? "9" : judge[rnd(4)]);
    else if (strcmp(item, "2.2") == 0 && (roster || bad))
        /* A roster supplies xuexi_below: giving it is refused. */
        kh_buf_printf(js, "{\"xuexi_below\": %u, \"activities\": %u}", rnd(6),
                      rnd(6));
    else if (strcmp(item, "2.2") == 0)
        kh_buf_printf(js, rnd(3) ? "{\"xuexi_below\": %u, \"activities\": %u}"
                                 : "{\"activities\": %u}",
                      rnd(6), rnd(6));
    else
        kh_buf_printf(js, "{\"no_advisor\": %s, \"violations\": %u}",
                      rnd(2) ? "true" : "false", rnd(4));
}

static bool has_roster(const kh_assess *a, size_t u)
{
    return kh_assess_roster_people(a, u, "xuexi", NULL, NULL) > 0;
}

typedef struct walk {
    const kh_rubric *r;
    kh_assess *a;
    kh_result *inc;
    kh_arena *ar;
    kh_err *e;
    kh_buf js;
    size_t refused, bottom_ties;
} walk;

/* One random edit of unit u; false when it was (rightly) refused. */
static bool edit(walk *w, size_t u)
{
    kh_assess *a = w->a;
    unsigned op = rnd(20);
    size_t kind = kh_assess_unit_kind(a, u);
    size_t item;
    do
        item = rnd((unsigned)kh_rubric_item_count(w->r));
    while (!kh_rubric_item_applies(w->r, item, kind));
    kh_phase p = rnd(4) ? KH_PHASE_INSPECTION : KH_PHASE_SELF;
    if (op < 12) {   /* set an entry; one in ten is a bad value */
        bool bad = rnd(10) == 0;
        const char *id = kh_rubric_item_id(w->r, item);
        inputs_for(id, has_roster(a, u), bad, &w->js);
        kh_doc *d = NULL;
        const kh_node *in = NULL;
        assert_int_equal(kh_doc_open_mem("inputs", kh_buf_str(&w->js),
                                         w->js.len, 'j', w->e, &d),
                         KH_OK);
        assert_int_equal(kh_doc_read(d, w->ar, &in), KH_OK);
        assert_int_equal(kh_doc_finish(d), KH_OK);
        kh_doc_free(d);
        kh_loc loc = {1, 1, "entry"};
        kh_status st = kh_assess_set_entry(a, u, item, p, in,
                                           rnd(2) ? "说明" : NULL, &loc,
                                           w->e);
        return st == KH_OK;
    }
    if (op < 15) {
        kh_assess_clear_entry(a, u, item, p);
        return true;
    }
    if (op < 17) {   /* replace or remove the roster */
        static const char *const names[] = {"a", "b", "c", "d"};
        kh_cp vals[4];
        size_t n = rnd(5);
        for (size_t k = 0; k < n; k++)
            vals[k] = (kh_cp)rnd(3) * 300000;   /* 0, 3000, 6000 points */
        return kh_assess_set_roster(a, u, "xuexi", n, names, vals, w->e) ==
               KH_OK;
    }
    kh_cp pts[3];
    size_t n = rnd(4);
    for (size_t k = 0; k < n; k++)
        pts[k] = (kh_cp)(rnd(5) * 50 + (rnd(15) ? 50 : -50));   /* few bad */
    return kh_assess_set_points(a, u, op == 19, n, pts, NULL, w->e) == KH_OK;
}

/* Counts steps where a tie straddles the bottom edge of a list. */
static void count_edge_ties(walk *w)
{
    for (size_t ri = 0; ri < 2; ri++) {
        size_t nb = 0, n = kh_result_ranking_rows(w->inc, ri);
        for (size_t j = 0; j < n; j++)
            nb += kh_result_ranking_row(w->inc, ri, j)->bottom;
        if (nb > kh_rubric_bottom_n(w->r))
            w->bottom_ties++;
    }
}

/* ---- the cached bodies by parts (web_body.c) --------------------- */

typedef struct bodies {
    web_year *cur;               /* the last version */
    uint32_t *uver;              /* edits per unit, as the server keeps */
    size_t last_gaps, gap_moves; /* the gap table (hash), its changes */
    kh_buf want;
} bodies;

/* Do b's compressed blocks, in order, inflate to want (len), and is b's
 * CRC want's? */
static void inflates_to(const web_body *b, const char *want, size_t len)
{
    z_stream s;
    memset(&s, 0, sizeof s);
    assert_int_equal(inflateInit2(&s, -15), Z_OK);
    unsigned char *out = malloc(len + 1);
    assert_non_null(out);
    s.next_out = out;
    s.avail_out = (uInt)len + 1;
    for (size_t c = 0; c < b->nchunks; c++) {
        s.next_in = b->chunk[c]->z;
        s.avail_in = (uInt)b->chunk[c]->zlen;
        int rc = inflate(&s, Z_SYNC_FLUSH);
        assert_true(rc == Z_OK || rc == Z_BUF_ERROR);
        assert_int_equal(s.avail_in, 0);
    }
    assert_int_equal(s.total_out, len);
    assert_memory_equal(out, want, len);
    assert_int_equal(b->crc, (uint32_t)crc32_z(0L, (const Bytef *)want, len));
    inflateEnd(&s);
    free(out);
}

static void body_equals(web_body *b, const kh_buf *want)
{
    size_t len = 0;
    const char *t = web_body_text(b, &len);
    assert_non_null(t);
    assert_int_equal(len, want->len);
    assert_int_equal(b->len, want->len);
    assert_memory_equal(t, want->data, len);
    inflates_to(b, want->data, want->len);
    /* As a response without gzip gets it (web_http.c). */
    char *plain = web_body_inflate(b);
    assert_non_null(plain);
    assert_memory_equal(plain, want->data, want->len);
    free(plain);
    /* Only volatile blocks keep their identity bytes. */
    for (size_t c = 0; c < b->nchunks; c++)
        assert_true(!b->chunk[c]->text ||
                    (b->parts[b->first[c]].kind & WEB_PART_VOLATILE));
}

/* A hash of the page's gap table (its rows). */
static size_t gap_table_hash(const kh_buf *b)
{
    const char *p = strstr(kh_buf_str(b), "id=\"gaps\"");
    const char *end = p ? strstr(p, "</table>") : NULL;
    size_t h = 5381;
    for (; p && p < end; p++)
        h = h * 33 + (unsigned char)*p;
    return h;
}

/* A version of the walk's current state after the last one (rendered
 * counts the blocks made again); it must equal the bodies rendered
 * whole from want, the full rescore. */
static void bodies_step(walk *w, bodies *b, const kh_result *want,
                        size_t *rendered)
{
    web_version_in in = {2025,          KH_YEAR_INSPECTION, (kh_rubric *)w->r,
                         w->a,          w->inc,             b->uver};
    web_year *next = NULL;
    assert_int_equal(web_version_render(NULL, &in, b->cur, &next, rendered),
                     KH_OK);
    kh_buf_reset(&b->want);
    assert_int_equal(kh_report_json(want, &b->want), KH_OK);
    body_equals(&next->json, &b->want);
    web_year whole;
    memset(&whole, 0, sizeof whole);
    whole.year = 2025;
    whole.state = KH_YEAR_INSPECTION;
    whole.rubric = (kh_rubric *)w->r;
    whole.assess = w->a;
    whole.result = (kh_result *)want;
    kh_buf_reset(&b->want);
    web_pages_results_body(&whole, &b->want);
    body_equals(&next->html, &b->want);
    size_t gaps = gap_table_hash(&b->want);
    b->gap_moves += gaps != b->last_gaps;
    b->last_gaps = gaps;
    if (b->cur)
        web_version_free(b->cur);
    b->cur = next;
}

/* copies: of the initial units (more than 300 units: the compact
 * page); body_every: check the cached bodies every that many steps. */
static void random_walk(unsigned steps, uint64_t seed, int copies,
                        unsigned body_every)
{
    walk w = {0};
    rng_state = seed;
    kh_rubric *r = small_rubric("prorate");
    w.r = r;
    w.a = initial(r, copies);
    w.inc = full(w.a, KH_SCORE_ALLOW_MISSING);
    w.ar = kh_arena_new();
    w.e = kh_err_new();
    kh_buf_init(&w.js, 0);
    size_t nu = kh_assess_unit_count(w.a);
    bodies b = {0};
    b.uver = calloc(nu, sizeof *b.uver);
    assert_non_null(b.uver);
    kh_buf_init(&b.want, 0);
    size_t rendered = 0;
    bodies_step(&w, &b, w.inc, &rendered);   /* the first version */
    size_t all_blocks = rendered, all_rendered = 0, body_steps = 0;
    /* Nothing changed: every block is shared. */
    rendered = 0;
    bodies_step(&w, &b, w.inc, &rendered);
    assert_int_equal(rendered, 0);
    /* A version whose parts were forgotten (superseded, in the server)
     * shares nothing as a prev and the next one is still right. */
    web_body_forget_parts(&b.cur->json);
    web_body_forget_parts(&b.cur->html);
    rendered = 0;
    bodies_step(&w, &b, w.inc, &rendered);
    assert_int_equal(rendered, all_blocks);
    /* A clone taken now is not changed by later updates (the server
     * renders from one while writes go on). */
    kh_result *clone = NULL, *at_clone = NULL;
    for (unsigned s = 0; s < steps; s++) {
        if (s % 500 == 250) {
            if (clone) {
                same(clone, at_clone, kh_rubric_item_count(r));
                kh_result_free(clone);
                kh_result_free(at_clone);
            }
            clone = kh_result_clone(w.inc);
            assert_non_null(clone);
            at_clone = full(w.a, KH_SCORE_ALLOW_MISSING);
        }
        size_t u = rnd((unsigned)nu);
        kh_err_clear(w.e);
        if (!edit(&w, u)) {
            w.refused++;
            assert_true(kh_err_errors(w.e) > 0);
        }
        assert_int_equal(kh_result_update_unit(w.inc, u, w.e), KH_OK);
        b.uver[u]++;
        kh_result *want = full(w.a, KH_SCORE_ALLOW_MISSING);
        same(w.inc, want, kh_rubric_item_count(r));
        if (s % body_every == 0) {
            rendered = 0;
            bodies_step(&w, &b, want, &rendered);
            /* Fewer blocks than a whole render (one write at a time):
             * a changed block and the one after it (its dictionary is
             * the changed one's text), so the few blocks of a tiny year
             * may all be redone by one write, but not on average. */
            assert_true(body_every > 1 || all_blocks < 16 ||
                        rendered < all_blocks);
            all_rendered += rendered;
            body_steps++;
        }
        kh_result_free(want);
        count_edge_ties(&w);
    }
    if (clone) {
        same(clone, at_clone, kh_rubric_item_count(r));
        kh_result_free(clone);
        kh_result_free(at_clone);
    }
    assert_true(body_every > 1 || all_rendered < body_steps * all_blocks);
    /* The walk did cover refusals and ties at the bottom edge (the few
     * units' walk: many units rarely tie there), and on the compact page
     * gap rows that came and went. */
    assert_true(w.refused > steps / 50);
    assert_true(copies > 1 || w.bottom_ties > steps / 50);
    assert_true(copies == 1 || b.gap_moves > steps / body_every / 100);
    web_version_free(b.cur);
    free(b.uver);
    kh_buf_free(&b.want);
    kh_buf_free(&w.js);
    kh_err_free(w.e);
    kh_arena_free(w.ar);
    kh_result_free(w.inc);
    kh_assess_free(w.a);
    kh_rubric_free(r);
}

static void test_random_writes(void **state)
{
    (void)state;
    random_walk(4000, 20251206, 1, 1);
    random_walk(2000, 7, 1, 3);
}

/* More than 300 units: the compact results page (ranking, branch and
 * gap rows only), its gap rows appearing and leaving as writes go. */
static void test_random_writes_compact(void **state)
{
    (void)state;
    random_walk(1000, 99, 12, 1);
}

/* A refused edit leaves the entry as it was. */
static void test_refused_edit_changes_nothing(void **state)
{
    (void)state;
    kh_rubric *r = small_rubric("prorate");
    kh_assess *a = initial(r, 1);
    kh_err *e = kh_err_new();
    kh_arena *ar = kh_arena_new();
    kh_doc *d = NULL;
    const kh_node *in = NULL;
    const char *js = "{\"doc\": 7}";
    assert_int_equal(kh_doc_open_mem("in", js, strlen(js), 'j', e, &d), KH_OK);
    assert_int_equal(kh_doc_read(d, ar, &in), KH_OK);
    kh_doc_free(d);
    int item = kh_rubric_item_find(r, "1.1");
    const kh_entry *before = kh_assess_entry(a, 0, (size_t)item,
                                             KH_PHASE_INSPECTION);
    assert_non_null(before);
    kh_loc loc = {3, 4, "entry"};
    assert_int_equal(kh_assess_set_entry(a, 0, (size_t)item,
                                         KH_PHASE_INSPECTION, in, NULL, &loc,
                                         e),
                     KH_EINVAL);
    assert_int_equal(kh_err_errors(e), 1);
    char *m = kh_err_format(e, 0);
    assert_non_null(strstr(m, "entry.inputs.doc"));
    free(m);
    assert_ptr_equal(kh_assess_entry(a, 0, (size_t)item, KH_PHASE_INSPECTION),
                     before);
    /* The assessment is still valid: a full score works. */
    kh_result *res = full(a, KH_SCORE_ALLOW_MISSING);
    kh_result_free(res);
    /* A roster for a unit whose entry gives the roster's input. */
    kh_err_clear(e);
    js = "{\"xuexi_below\": 2, \"activities\": 1}";
    assert_int_equal(kh_doc_open_mem("in", js, strlen(js), 'j', e, &d), KH_OK);
    assert_int_equal(kh_doc_read(d, ar, &in), KH_OK);
    kh_doc_free(d);
    int it22 = kh_rubric_item_find(r, "2.2");
    assert_int_equal(kh_assess_set_entry(a, 3, (size_t)it22,
                                         KH_PHASE_INSPECTION, in, NULL, &loc,
                                         e),
                     KH_OK);
    static const char *const nm[] = {"x"};
    kh_cp v[] = {100};
    assert_int_equal(kh_assess_set_roster(a, 3, "xuexi", 1, nm, v, e),
                     KH_EINVAL);
    assert_int_equal(kh_assess_roster_people(a, 3, "xuexi", NULL, NULL), 0);
    kh_arena_free(ar);
    kh_err_free(e);
    kh_assess_free(a);
    kh_rubric_free(r);
}

/* Without KH_SCORE_ALLOW_MISSING, removing an inspection entry is
 * refused by the update and the result stays as it was. */
static void test_complete_result_refuses_missing(void **state)
{
    (void)state;
    kh_rubric *r = small_rubric("prorate");
    const char *yaml =
        "year: 2025\n"
        "units: [{id: u, name: U, kind: office}]\n"
        "entries:\n"
        "  - {unit: u, item: \"1.1\", phase: inspection, inputs: {doc: true}}\n"
        "  - {unit: u, item: \"1.2\", phase: inspection,"
        " inputs: {report: late}}\n"
        "  - {unit: u, item: \"1.3\", phase: inspection, inputs: {}}\n"
        "  - {unit: u, item: \"2.1\", phase: inspection, inputs: {rating: 4}}\n"
        "  - {unit: u, item: \"2.2\", phase: inspection, inputs: {}}\n"
        "  - {unit: u, item: \"2.3\", phase: inspection, inputs: {}}\n";
    kh_err *e = kh_err_new();
    kh_assess *a = NULL;
    assert_int_equal(kh_assess_load_mem(r, "a.yaml", yaml, strlen(yaml), e,
                                        &a),
                     KH_OK);
    kh_result *res = full(a, 0);
    kh_cp total = kh_result_total(res, 0);
    kh_assess_clear_entry(a, 0, (size_t)kh_rubric_item_find(r, "1.1"),
                          KH_PHASE_INSPECTION);
    assert_int_equal(kh_result_update_unit(res, 0, e), KH_EINVAL);
    assert_true(kh_err_errors(e) > 0);
    assert_int_equal(kh_result_total(res, 0), total);
    kh_result_free(res);
    kh_err_free(e);
    kh_assess_free(a);
    kh_rubric_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_writes),
        cmocka_unit_test(test_random_writes_compact),
        cmocka_unit_test(test_refused_edit_changes_nothing),
        cmocka_unit_test(test_complete_result_refuses_missing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
