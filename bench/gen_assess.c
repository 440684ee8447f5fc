/*
 * gen_assess.c - writes a synthetic, valid assessment file (SCORING.md
 * section 4) for the scoring benchmark.
 *
 * For N units it writes every applicable item in both phases, with inputs
 * derived from the rubric's own terms (so it follows any rubric, not just
 * the 2020 one), some rosters, bonus and negative records.  The output is
 * JSON written straight to a FILE (no tree), one record per line, and is
 * the same for the same rubric, N and seed.
 *
 * Units: every fifth unit is of the rubric's first kind (faculty) and is
 * its own branch; the rest are of the second kind (office), grouped 1-4 to
 * a branch named in the `branches` list.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/assess.h"
#include "kaohe/buf.h"
#include "kaohe/error.h"
#include "kaohe/num.h"
#include "kaohe/rubric.h"

/* At most this many distinct roster names get generated rosters (a bit
 * per name in a unit's mask); inputs of further ones come from entries. */
#define GEN_MAX_ROSTERS 64

/* ---- deterministic PRNG (splitmix64) ---- */

static uint64_t gen_state;

static uint64_t gen_next(void)
{
    uint64_t z = (gen_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, n); n > 0.  Modulo bias is irrelevant here. */
static uint64_t gen_below(uint64_t n)
{
    return gen_next() % n;
}

/* True with probability pct/100. */
static bool gen_chance(unsigned pct)
{
    return gen_below(100) < pct;
}

/* ---- texts ---- */

static const char *const gen_notes_lost[] = {
    "会议记录不完整，缺少考勤材料",
    "工作计划未按时报送，酌情扣分",
    "部分印证材料缺失",
    "总结报告内容较简略，未体现工作成效",
    "宣传阵地审批手续不全",
    "专题学习次数不足，记录不规范",
};
static const char *const gen_notes_plain[] = {
    "材料齐全，符合要求",
    "按时完成，记录规范",
    "上半年专题会议记录2份",
};
static const char *const gen_bonus_reasons[] = {
    "思政工作经验入选市级精品项目",
    "意识形态工作做法受到上级批示肯定",
    "特色经验在全省交流推广",
};
static const char *const gen_negative_reasons[] = {
    "实施细则第十七条第(二)项情形",
    "网络舆情处置不及时",
    "宣传阵地管理出现疏漏",
};
static const char *const gen_surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
    "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗",
};
static const char *const gen_given[] = {
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋",
    "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "华", "建国",
};

#define GEN_PICK(arr) (arr[gen_below(sizeof arr / sizeof arr[0])])

/* ---- JSON output helpers ---- */

/* Appends s as a JSON string (quotes included). */
static void gen_json_str(kh_buf *b, const char *s)
{
    kh_buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            kh_buf_putc(b, '\\');
            kh_buf_putc(b, (char)*p);
        } else if (*p < 0x20) {
            kh_buf_printf(b, "\\u%04x", *p);
        } else {
            kh_buf_putc(b, (char)*p);
        }
    }
    kh_buf_putc(b, '"');
}

static void gen_num(kh_buf *b, kh_cp v)
{
    char tmp[KH_NUM_BUFSZ];
    kh_buf_add(b, tmp, kh_num_format(v, tmp));
}

/* ---- the generator ---- */

typedef struct gen_ctx {
    const kh_rubric *r;
    size_t units;
    size_t kind_solo, kind_group; /* faculty-like and office-like kinds */
    /* per unit */
    uint8_t *is_solo;          /* 1: first kind, own branch */
    uint32_t *branch;          /* branch number (group kinds) */
    uint64_t *roster_mask;     /* rosters this unit has (bit per name) */
    /* distinct roster names in the rubric and their thresholds */
    const char *roster_names[GEN_MAX_ROSTERS];
    kh_cp roster_below[GEN_MAX_ROSTERS];
    size_t nrosters;
    uint64_t kind_rosters[2];  /* rosters used by items of solo / group kind */
    size_t branches;           /* office branches written */
    size_t entries, roster_records, bonus_records, negative_records;
    kh_buf line;               /* the record being written */
    kh_buf inputs;             /* an entry's inputs, before they join line */
    bool failed;               /* a buffer ran out of memory */
    FILE *out;
} gen_ctx;

static int gen_roster_index(const gen_ctx *g, const char *name)
{
    for (size_t i = 0; i < g->nrosters; i++)
        if (strcmp(g->roster_names[i], name) == 0)
            return (int)i;
    return -1;
}

/* Collects the rubric's roster names and which kinds use them. */
static void gen_scan_rosters(gen_ctx *g)
{
    const kh_rubric *r = g->r;
    for (size_t i = 0; i < kh_rubric_item_count(r); i++) {
        for (size_t s = 0; s < kh_rubric_item_slots(r, i); s++) {
            const kh_term *t = kh_rubric_item_slot(r, i, s);
            const char *name = kh_term_roster(t);
            if (!name)
                continue;
            int k = gen_roster_index(g, name);
            if (k < 0) {
                if (g->nrosters == GEN_MAX_ROSTERS)
                    continue;
                k = (int)g->nrosters++;
                g->roster_names[k] = name;
                g->roster_below[k] = kh_term_roster_below(t);
            }
            if (kh_rubric_item_applies(r, i, g->kind_solo))
                g->kind_rosters[0] |= 1ULL << k;
            if (kh_rubric_item_applies(r, i, g->kind_group))
                g->kind_rosters[1] |= 1ULL << k;
        }
    }
}

/* Writes the record and empties the buffer.  kh_buf_reset clears a
 * sticky error, so it is noted first. */
static void gen_flush(gen_ctx *g)
{
    if (kh_buf_status(&g->line) != KH_OK)
        g->failed = true;
    if (g->line.len)
        fwrite(g->line.data, 1, g->line.len, g->out);
    kh_buf_reset(&g->line);
}

static void gen_unit_id(kh_buf *b, size_t u)
{
    kh_buf_printf(b, "\"u%06zu\"", u + 1);
}

/* Writes the inputs of term t (recursing into groups) as "name":value
 * pairs.  *n counts pairs written (for commas); *lost is set when a
 * judgement is below its points, which needs a note. */
static void gen_term(gen_ctx *g, size_t u, const kh_term *t, kh_phase p,
                     size_t *n, bool *lost)
{
    kh_term_kind kind = kh_term_get_kind(t);
    if (kind == KH_TERM_GROUP) {
        for (size_t i = 0; i < kh_term_child_count(t); i++)
            gen_term(g, u, kh_term_child(t, i), p, n, lost);
        return;
    }
    const char *roster = kh_term_roster(t);
    if (roster) {
        int k = gen_roster_index(g, roster);
        if (k >= 0 && (g->roster_mask[u] & (1ULL << k)))
            return;   /* the roster supplies this input */
    }
    kh_buf *b = &g->inputs;
    kh_buf_puts(b, *n ? "," : "");
    gen_json_str(b, kh_term_input(t));
    kh_buf_putc(b, ':');
    (*n)++;
    switch (kind) {
    case KH_TERM_CHECK:
        /* A negative check (无指导教师) is the exception, not the rule. */
        kh_buf_puts(b, gen_chance(kh_term_points(t) < 0 ? 15 : 80)
                           ? "true" : "false");
        break;
    case KH_TERM_COUNT:
        kh_buf_printf(b, "%u", (unsigned)gen_below(6));
        break;
    case KH_TERM_DEDUCT:
        kh_buf_printf(b, "%u", gen_chance(70) ? 0u
                                              : (unsigned)(1 + gen_below(2)));
        break;
    case KH_TERM_CHOICE: {
        size_t no = kh_term_option_count(t);
        gen_json_str(b, no ? kh_term_option_id(t, gen_below(no)) : "");
        break;
    }
    case KH_TERM_JUDGEMENT: {
        kh_cp pts = kh_term_points(t), step = kh_term_step(t);
        kh_cp v = pts;
        /* Self-assessments are a little more generous than inspections. */
        if (step > 0 && !gen_chance(p == KH_PHASE_SELF ? 70 : 50))
            v = (kh_cp)gen_below((uint64_t)(pts / step) + 1) * step;
        if (v < pts)
            *lost = true;
        gen_num(b, v);
        break;
    }
    case KH_TERM_GROUP:
        break;
    }
}

static void gen_entry(gen_ctx *g, size_t u, size_t item, kh_phase p)
{
    kh_buf *b = &g->line;
    kh_buf_puts(b, g->entries ? ",\n{\"unit\":" : "\n{\"unit\":");
    gen_unit_id(b, u);
    kh_buf_puts(b, ",\"item\":");
    gen_json_str(b, kh_rubric_item_id(g->r, item));
    kh_buf_puts(b, p == KH_PHASE_SELF ? ",\"phase\":\"self\""
                                      : ",\"phase\":\"inspection\"");
    size_t n = 0;
    bool lost = false;
    gen_term(g, u, kh_rubric_item_root(g->r, item), p, &n, &lost);
    if (n) {   /* no inputs (all from rosters): leave the key out */
        kh_buf_puts(b, ",\"inputs\":{");
        kh_buf_add(b, g->inputs.data, g->inputs.len);
        kh_buf_putc(b, '}');
    }
    if (kh_buf_status(&g->inputs) != KH_OK)
        g->failed = true;
    kh_buf_reset(&g->inputs);
    if (lost || gen_chance(10)) {
        kh_buf_puts(b, ",\"note\":");
        gen_json_str(b, lost ? GEN_PICK(gen_notes_lost)
                             : GEN_PICK(gen_notes_plain));
    }
    kh_buf_putc(b, '}');
    g->entries++;
    gen_flush(g);
}

static void gen_people(gen_ctx *g, kh_cp below)
{
    kh_buf *b = &g->line;
    size_t n = 16 + gen_below(9);   /* about 20 people */
    kh_cp spread = below > KH_CP(100) ? below * 6 / 10 : KH_CP(60);
    for (size_t i = 0; i < n; i++) {
        /* Most people reach the threshold; whole points only. */
        kh_cp v = gen_chance(80)
                      ? below + (kh_cp)gen_below((uint64_t)spread / 100) * 100
                      : below - (kh_cp)(1 + gen_below((uint64_t)spread / 100)) * 100;
        if (v < 0)
            v = 0;
        kh_buf_puts(b, i ? ",{\"name\":\"" : "{\"name\":\"");
        kh_buf_puts(b, GEN_PICK(gen_surnames));
        kh_buf_puts(b, GEN_PICK(gen_given));
        kh_buf_puts(b, "\",\"value\":");
        gen_num(b, v);
        kh_buf_putc(b, '}');
    }
}

static void gen_write(gen_ctx *g)
{
    const kh_rubric *r = g->r;
    kh_buf *b = &g->line;
    size_t nbranches = 0;

    /* Decide kinds, branches and rosters first: entries depend on them.
     * Offices are grouped in file order, skipping the faculties between. */
    size_t left = 0;   /* places left in the current office branch */
    for (size_t u = 0; u < g->units; u++) {
        if (u % 5 == 0) {
            g->is_solo[u] = 1;
            continue;
        }
        if (left == 0) {
            left = 1 + gen_below(4);
            nbranches++;
        }
        g->branch[u] = (uint32_t)nbranches;
        left--;
    }
    for (size_t u = 0; u < g->units; u++) {
        uint64_t usable = g->kind_rosters[g->is_solo[u] ? 0 : 1];
        for (size_t k = 0; k < g->nrosters; k++)
            if ((usable & (1ULL << k)) && gen_chance(25))
                g->roster_mask[u] |= 1ULL << k;
    }

    g->branches = nbranches;
    kh_buf_puts(b, "{\"year\":2025,\n\"branches\":[");
    for (size_t k = 1; k <= nbranches; k++) {
        kh_buf_printf(b, "%s\n{\"id\":\"b%05zu\",\"name\":\"机关第%zu党支部\"}",
                      k > 1 ? "," : "", k, k);
        gen_flush(g);
    }
    kh_buf_puts(b, "],\n\"units\":[");
    for (size_t u = 0; u < g->units; u++) {
        size_t kind = g->is_solo[u] ? g->kind_solo : g->kind_group;
        kh_buf_puts(b, u ? ",\n{\"id\":" : "\n{\"id\":");
        gen_unit_id(b, u);
        kh_buf_printf(b, ",\"name\":\"第%zu", u + 1);
        kh_buf_puts(b, kh_rubric_kind_name(r, kind));
        kh_buf_puts(b, "\",\"kind\":");
        gen_json_str(b, kh_rubric_kind_id(r, kind));
        kh_buf_puts(b, ",\"branch\":");
        if (g->is_solo[u])
            gen_unit_id(b, u);
        else
            kh_buf_printf(b, "\"b%05" PRIu32 "\"", g->branch[u]);
        kh_buf_putc(b, '}');
        gen_flush(g);
    }
    kh_buf_puts(b, "],\n\"entries\":[");
    for (size_t u = 0; u < g->units; u++) {
        size_t kind = g->is_solo[u] ? g->kind_solo : g->kind_group;
        for (size_t i = 0; i < kh_rubric_item_count(r); i++) {
            if (!kh_rubric_item_applies(r, i, kind))
                continue;
            gen_entry(g, u, i, KH_PHASE_SELF);
            gen_entry(g, u, i, KH_PHASE_INSPECTION);
        }
    }
    kh_buf_puts(b, "],\n\"rosters\":[");
    for (size_t u = 0; u < g->units; u++) {
        for (size_t k = 0; k < g->nrosters; k++) {
            if (!(g->roster_mask[u] & (1ULL << k)))
                continue;
            kh_buf_puts(b, g->roster_records ? ",\n{\"unit\":" : "\n{\"unit\":");
            gen_unit_id(b, u);
            kh_buf_puts(b, ",\"roster\":");
            gen_json_str(b, g->roster_names[k]);
            kh_buf_puts(b, ",\"people\":[");
            gen_people(g, g->roster_below[k]);
            kh_buf_puts(b, "]}");
            g->roster_records++;
            gen_flush(g);
        }
    }
    static const kh_cp bonus_pts[] = {50, 100, 150, 200, 300};
    kh_buf_puts(b, "],\n\"bonus\":[");
    for (size_t u = 0; u < g->units; u++) {
        if (!gen_chance(10))
            continue;
        for (size_t k = 1 + gen_below(2); k > 0; k--) {
            kh_buf_puts(b, g->bonus_records ? ",\n{\"unit\":" : "\n{\"unit\":");
            gen_unit_id(b, u);
            kh_buf_puts(b, ",\"points\":");
            gen_num(b, GEN_PICK(bonus_pts));
            kh_buf_puts(b, ",\"reason\":");
            gen_json_str(b, GEN_PICK(gen_bonus_reasons));
            kh_buf_putc(b, '}');
            g->bonus_records++;
            gen_flush(g);
        }
    }
    static const kh_cp negative_pts[] = {50, 100, 200, 300};
    kh_buf_puts(b, "],\n\"negative\":[");
    for (size_t u = 0; u < g->units; u++) {
        if (!gen_chance(4))
            continue;
        kh_buf_puts(b, g->negative_records ? ",\n{\"unit\":" : "\n{\"unit\":");
        gen_unit_id(b, u);
        kh_buf_puts(b, ",\"points\":");
        gen_num(b, GEN_PICK(negative_pts));
        kh_buf_puts(b, ",\"reason\":");
        gen_json_str(b, GEN_PICK(gen_negative_reasons));
        kh_buf_putc(b, '}');
        g->negative_records++;
        gen_flush(g);
    }
    kh_buf_puts(b, "]}\n");
    gen_flush(g);
}

static void gen_usage(FILE *f)
{
    fprintf(f,
            "Usage: gen_assess --rubric FILE --units N [--seed S] -o OUT\n"
            "Writes a synthetic assessment (JSON) for N units: every\n"
            "applicable item in both phases, rosters, bonus and negative\n"
            "records.  The same rubric, N and seed give the same file.\n"
            "OUT '-' is standard output.  Counts go to standard error.\n");
}

static bool gen_parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-')
        return false;
    *out = v;
    return true;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"rubric", required_argument, NULL, 'r'},
        {"units", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *rubric = NULL, *outpath = NULL;
    uint64_t units = 0, seed = 20250101;
    bool have_units = false;
    int c;
    while ((c = getopt_long(argc, argv, "r:n:s:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'r': rubric = optarg; break;
        case 'o': outpath = optarg; break;
        case 'n':
            if (!gen_parse_u64(optarg, &units) || units == 0 ||
                units > 999999) {
                fprintf(stderr, "gen_assess: --units must be 1..999999\n");
                return 2;
            }
            have_units = true;
            break;
        case 's':
            if (!gen_parse_u64(optarg, &seed)) {
                fprintf(stderr, "gen_assess: bad --seed '%s'\n", optarg);
                return 2;
            }
            break;
        case 'h': gen_usage(stdout); return 0;
        default: gen_usage(stderr); return 2;
        }
    }
    if (!rubric || !have_units || !outpath || optind != argc) {
        gen_usage(stderr);
        return 2;
    }

    kh_err *e = kh_err_new();
    kh_rubric *r = NULL;
    if (!e)
        return 3;
    kh_status st = kh_rubric_load(rubric, e, &r);
    if (st != KH_OK) {
        for (size_t i = 0; i < kh_err_count(e); i++) {
            char *m = kh_err_format(e, i);
            fprintf(stderr, "%s\n", m ? m : "?");
            free(m);
        }
        kh_err_free(e);
        return 1;
    }
    kh_err_free(e);

    gen_ctx g = {.r = r, .units = (size_t)units};
    g.kind_solo = 0;
    g.kind_group = kh_rubric_kind_count(r) > 1 ? 1 : 0;
    g.is_solo = calloc(units, 1);
    g.branch = calloc(units, sizeof *g.branch);
    g.roster_mask = calloc(units, sizeof *g.roster_mask);
    kh_buf_init(&g.line, 0);
    kh_buf_init(&g.inputs, 0);
    if (!g.is_solo || !g.branch || !g.roster_mask) {
        fprintf(stderr, "gen_assess: out of memory\n");
        return 3;
    }
    gen_state = seed;
    gen_scan_rosters(&g);

    bool to_stdout = strcmp(outpath, "-") == 0;
    g.out = to_stdout ? stdout : fopen(outpath, "wb");
    if (!g.out) {
        fprintf(stderr, "gen_assess: %s: %s\n", outpath, strerror(errno));
        return 3;
    }
    static char iobuf[1 << 20];
    setvbuf(g.out, iobuf, _IOFBF, sizeof iobuf);
    gen_write(&g);
    int rc = 0;
    if (g.failed) {
        fprintf(stderr, "gen_assess: out of memory\n");
        rc = 3;
    }
    if (ferror(g.out) || (to_stdout ? fflush(g.out) : fclose(g.out)) != 0) {
        fprintf(stderr, "gen_assess: %s: write failed\n", outpath);
        rc = 3;
    }
    fprintf(stderr,
            "gen_assess: units=%zu office_branches=%zu entries=%zu "
            "rosters=%zu bonus=%zu negative=%zu\n",
            g.units, g.branches, g.entries,
            g.roster_records, g.bonus_records, g.negative_records);
    kh_buf_free(&g.line);
    kh_buf_free(&g.inputs);
    free(g.is_solo);
    free(g.branch);
    free(g.roster_mask);
    kh_rubric_free(r);
    return rc;
}
