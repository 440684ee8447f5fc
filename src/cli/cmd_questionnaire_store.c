/*
 * cmd_questionnaire_store.c - `kaohe questionnaire import|round|codes|
 * import-responses|tally`: questionnaires in the store (issue 13 section
 * 4).  `kaohe questionnaire` (cmd_questionnaire.c) hands these here.
 */
#include "store_cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kaohe/store_survey.h"
#include "kaohe/survey_doc.h"
#include "kaohe/tally.h"

/* The link printed on slips when neither --base-url nor $KAOHE_BASE_URL
 * says where the web server is. */
#define BASE_URL_DEFAULT "http://127.0.0.1:8080"

void kh_questionnaire_store_help(void)
{
    printf(_(
        "\n"
        "       kaohe questionnaire import FILE\n"
        "       kaohe questionnaire round open --year Y --questionnaire ID\n"
        "             --audience LABEL --unit ID... [--min N]\n"
        "             [--opens TIME] [--closes TIME]\n"
        "       kaohe questionnaire round close ROUND\n"
        "       kaohe questionnaire round list [--year Y]\n"
        "       kaohe questionnaire codes --round ROUND --unit ID --count N\n"
        "             [--format csv|html] [--base-url URL] [-o FILE]\n"
        "       kaohe questionnaire import-responses FILE --round ROUND\n"
        "       kaohe questionnaire tally --round ROUND\n"
        "             [--format table|json|csv|xlsx] [-o FILE]\n"
        "       kaohe questionnaire suggest --round ROUND\n"
        "\n"
        "  import            store FILE as a version (id + SHA-256); the\n"
        "                    same text again changes nothing\n"
        "  round open        open a round of a questionnaire for units of a\n"
        "                    year; prints the round's number.  --unit may\n"
        "                    repeat or list ids separated by commas; --min\n"
        "                    is the fewest responses a unit's figures are\n"
        "                    shown with (default 5); TIME is UTC, e.g.\n"
        "                    2025-11-03T00:00:00Z\n"
        "  round close       stop taking answers\n"
        "  codes             make N one-time codes for a unit, shown once:\n"
        "                    CSV (code,link) or printable A4 slips with QR\n"
        "                    codes; the link starts with --base-url\n"
        "                    (default $KAOHE_BASE_URL, else %s)\n"
        "  import-responses  paper questionnaires: CSV or XLSX with a column\n"
        "                    单位 and one column per question id; all rows or\n"
        "                    none\n"
        "  tally             counts, percentages and means per unit and\n"
        "                    question; free text listed; units with fewer\n"
        "                    responses than the minimum are not shown\n"
        "  suggest           per unit, the judgements the year's rubric\n"
        "                    takes from this questionnaire (`source:`):\n"
        "                    the figure and the value its bands give\n"),
        BASE_URL_DEFAULT);
}

enum {
    OPT_YEAR = KH_OPT_FIRST_FREE, OPT_QUESTIONNAIRE, OPT_AUDIENCE, OPT_UNIT,
    OPT_MIN, OPT_OPENS, OPT_CLOSES, OPT_ROUND, OPT_COUNT, OPT_BASE_URL
};

/* Everything any of the subcommands takes. */
typedef struct args {
    int year;
    const char *questionnaire, *audience, *opens, *closes, *format;
    const char *base_url, *output;
    const char *units[1024];
    size_t nunits;
    long min, count;
    int64_t round;
    bool bad_units;
} args;

static bool parse_num(const char *cmd, const char *opt, const char *s,
                      long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) {
        kh_cli_usage_error(cmd, "%s needs a number from %lld to %lld, not "
                           "'%s'", opt, lo, hi, s);
        return false;
    }
    *out = v;
    return true;
}

/* --unit a,b --unit c: the ids point into argv (split in place). */
static void add_units(args *a, char *s)
{
    char *save = NULL;
    for (char *tok = strtok_r(s, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        if (a->nunits == sizeof a->units / sizeof a->units[0]) {
            a->bad_units = true;
            return;
        }
        a->units[a->nunits++] = tok;
    }
}

static int parse_opt(const char *cmd, args *a, int o, char *arg, char **argv)
{
    long long v;
    switch (o) {
    case OPT_YEAR:
        return kh_cli_year(cmd, arg, &a->year) ? -1 : KH_EXIT_USAGE;
    case OPT_QUESTIONNAIRE: a->questionnaire = arg; return -1;
    case OPT_AUDIENCE: a->audience = arg; return -1;
    case OPT_UNIT: add_units(a, arg); return -1;
    case OPT_OPENS: a->opens = arg; return -1;
    case OPT_CLOSES: a->closes = arg; return -1;
    case OPT_BASE_URL: a->base_url = arg; return -1;
    case 'f': a->format = arg; return -1;
    case 'o': a->output = arg; return -1;
    case OPT_MIN:
        if (!parse_num(cmd, "--min", arg, 1, KH_SURVEY_MIN_MAX, &v))
            return KH_EXIT_USAGE;
        a->min = (long)v;
        return -1;
    case OPT_COUNT:
        if (!parse_num(cmd, "--count", arg, 1, KH_SURVEY_CODES_MAX, &v))
            return KH_EXIT_USAGE;
        a->count = (long)v;
        return -1;
    case OPT_ROUND:
        if (!parse_num(cmd, "--round", arg, 1, INT64_MAX, &v))
            return KH_EXIT_USAGE;
        a->round = v;
        return -1;
    default:
        return kh_cli_bad_option(cmd, o, argv);
    }
}

/* ---- the subcommands: each returns a status, output into b ---------- */

static kh_status do_import(kh_cli_ctx *c, const char *file, kh_buf *b)
{
    kh_buf in;
    kh_buf_init(&in, 0);
    char *ver = NULL;
    bool created = false;
    kh_status st = kh_cli_read(file, &in, c->e);
    if (st == KH_OK)
        st = kh_store_questionnaire_import(c->store, kh_cli_actor(c), file,
                                           kh_buf_str(&in), in.len, c->e,
                                           &ver, &created);
    if (st == KH_OK) {
        char *at = strchr(ver, '@');
        kh_buf_printf(b, created ? _("imported %.*s\n")
                                 : _("unchanged: %.*s is already stored\n"),
                      (int)(at - ver) + 1 + KH_STORE_HASH_SHOW, ver);
    }
    free(ver);
    kh_buf_free(&in);
    return st;
}

static kh_status round_row(void *ctx, const kh_round_info *r)
{
    kh_buf *b = ctx;
    const char *at = strchr(r->questionnaire, '@');
    kh_buf_printf(b, _("%" PRId64 "  %d  %.*s  %s  %s  units %zu  codes %zu"
                       " (used %zu)  responses %zu  at least %u%s%s%s%s\n"),
                  r->id,
                  r->year, (int)(at - r->questionnaire) + 1 +
                  KH_STORE_HASH_SHOW, r->questionnaire, r->audience,
                  r->closed ? _("closed") : _("open"), r->units, r->invited,
                  r->used, r->responses, r->min_responses,
                  r->opens ? _("  from ") : "", r->opens ? r->opens : "",
                  r->closes ? (r->opens ? _(" to ") : _("  until ")) : "", r->closes ? r->closes : "");
    return kh_buf_status(b);
}

static kh_status do_round(kh_cli_ctx *c, const char *sub, const args *a,
                          kh_buf *b)
{
    if (!strcmp(sub, "list"))
        return kh_store_round_each(c->store, a->year, round_row, b, c->e);
    if (!strcmp(sub, "close")) {
        kh_status st = kh_store_round_close(c->store, kh_cli_actor(c),
                                            a->round, c->e);
        if (st == KH_OK)
            kh_buf_printf(b, _("questionnaire round %" PRId64 " closed\n"), a->round);
        return st;
    }
    kh_round_spec sp = {.year = a->year, .questionnaire = a->questionnaire,
                        .audience = a->audience, .units = a->units,
                        .nunits = a->nunits,
                        .min_responses = (unsigned)a->min,
                        .opens = a->opens, .closes = a->closes};
    int64_t id = 0;
    c->year = a->year;   /* its units name the messages' places */
    kh_status st = kh_store_round_open(c->store, kh_cli_actor(c), &sp, c->e,
                                       &id);
    if (st == KH_OK)
        kh_buf_printf(b, "%" PRId64 "\n", id);
    return st;
}

typedef struct slip_ctx {
    const char *unit;
    char *name;
} slip_ctx;

static kh_status unit_name(void *ctx, const kh_code_count *c)
{
    slip_ctx *x = ctx;
    if (!strcmp(c->unit, x->unit) && !x->name && !(x->name = strdup(c->name)))
        return KH_ENOMEM;
    return KH_OK;
}

static kh_status round_title(void *ctx, const kh_round_info *r)
{
    kh_buf *b = ctx;
    kh_buf_printf(b, "%s%c%s", r->title, '\0', r->audience);
    return kh_buf_status(b);
}

static kh_status do_codes(kh_cli_ctx *c, const args *a, kh_buf *b)
{
    bool html = a->format && !strcmp(a->format, "html");
    const char *base = a->base_url ? a->base_url : getenv("KAOHE_BASE_URL");
    if (!base || !base[0])
        base = BASE_URL_DEFAULT;
    char **codes = NULL;
    kh_status st = kh_store_codes_create(c->store, kh_cli_actor(c), a->round,
                                         a->units[0], (size_t)a->count, c->e,
                                         &codes);
    if (st != KH_OK)
        return st;
    const char *const *cc = (const char *const *)codes;
    if (html) {
        slip_ctx x = {.unit = a->units[0]};
        kh_buf t;
        kh_buf_init(&t, 0);
        st = kh_store_round_get(c->store, a->round, round_title, &t, c->e);
        if (st == KH_OK)
            st = kh_store_code_counts(c->store, a->round, unit_name, &x,
                                      c->e);
        if (st == KH_OK) {
            const char *title = kh_buf_str(&t);
            st = kh_survey_slips_html(title, x.name ? x.name : a->units[0],
                                      title + strlen(title) + 1, base, NULL, cc,
                                      (size_t)a->count, b);
        }
        free(x.name);
        kh_buf_free(&t);
    } else {
        st = kh_survey_codes_csv(base, cc, (size_t)a->count, b);
    }
    for (long i = 0; i < a->count; i++)
        free(codes[i]);
    free(codes);
    return st;
}

static kh_status do_paper(kh_cli_ctx *c, const char *file, const args *a,
                          kh_buf *b)
{
    kh_buf in;
    kh_buf_init(&in, 0);
    size_t n = 0;
    kh_status st = kh_cli_read(file, &in, c->e);
    if (st == KH_OK)
        st = kh_store_responses_import(c->store, kh_cli_actor(c), a->round,
                                       file, in.data ? in.data : "", in.len,
                                       c->e, &n);
    if (st == KH_OK)
        kh_buf_printf(b, _("%zu paper questionnaires imported (round %" PRId64 ")\n"), n,
                      a->round);
    kh_buf_free(&in);
    return st;
}

static kh_status do_tally(kh_cli_ctx *c, const args *a, kh_buf *b)
{
    kh_questionnaire *q = NULL;
    kh_tally *t = NULL;
    kh_status st = kh_store_round_tally(c->store, a->round, c->e, &q, &t);
    const char *f = a->format ? a->format : "table";
    /* The command line is the administrator's: free text is shown. */
    if (st == KH_OK && !strcmp(f, "json"))
        st = kh_tally_json(t, true, b);
    else if (st == KH_OK && !strcmp(f, "csv"))
        st = kh_tally_csv(t, true, b);
    else if (st == KH_OK && !strcmp(f, "xlsx"))
        st = kh_tally_xlsx(t, true, b, c->e);
    else if (st == KH_OK)
        st = kh_tally_table(t, true, b);
    kh_tally_free(t);
    kh_questionnaire_free(q);
    return st;
}

/* ---- suggested judgements from a rubric's `source:` ----------------- */

typedef struct round_year {
    int year;
    char qid[128];
} round_year;

static kh_status keep_year(void *ctx, const kh_round_info *ri)
{
    round_year *x = ctx;
    const char *at = strchr(ri->questionnaire, '@');
    x->year = ri->year;
    snprintf(x->qid, sizeof x->qid, "%.*s", (int)(at - ri->questionnaire),
             ri->questionnaire);
    return KH_OK;
}

static kh_status keep_rubric(void *ctx, const kh_year_info *y)
{
    char **ref = ctx;
    return (*ref = strdup(y->rubric)) ? KH_OK : KH_ENOMEM;
}

/* One unit's suggestions: every judgement whose source is this
 * questionnaire. */
static void suggest_unit(const kh_rubric *rb, const kh_tally *t, size_t u,
                         const char *qid, kh_buf *b)
{
    const kh_questionnaire *q = kh_tally_questionnaire(t);
    for (size_t i = 0; i < kh_rubric_item_count(rb); i++)
        for (size_t sl = 0; sl < kh_rubric_item_slots(rb, i); sl++) {
            const kh_term *term = kh_rubric_item_slot(rb, i, sl);
            const kh_source *src = kh_term_source(term);
            if (!src || strcmp(src->questionnaire, qid) != 0)
                continue;
            kh_buf_printf(b, "%s %s  %s %s  ", kh_tally_unit_id(t, u),
                          kh_tally_unit_name(t, u), kh_rubric_item_id(rb, i),
                          kh_term_input(term));
            int qi = kh_questionnaire_find(q, src->question);
            kh_cp fig = 0, val = 0;
            char a[KH_NUM_BUFSZ], v[KH_NUM_BUFSZ];
            if (qi < 0)
                kh_buf_printf(b, _("the questionnaire has no question %s\n"), src->question);
            else if (!kh_tally_figure(t, u, (size_t)qi, src->figure, &fig))
                kh_buf_puts(b, _("no suggestion (too few responses, or nobody answered)\n"));
            else if (!kh_source_value(src, fig, &val))
                kh_buf_printf(b, _("no suggestion (%s %s = %s, below every band)\n"),
                              src->question, src->figure,
                              (kh_num_format2(fig, a), a));
            else
                kh_buf_printf(b, _("suggested %s (%s %s = %s)\n"),
                              (kh_num_format(val, v), v), src->question,
                              src->figure, (kh_num_format2(fig, a), a));
        }
}

static kh_status do_suggest(kh_cli_ctx *c, const args *a, kh_buf *b)
{
    round_year ry = {0};
    char *ref = NULL;
    kh_rubric *rb = NULL;
    kh_questionnaire *q = NULL;
    kh_tally *t = NULL;
    kh_status st = kh_store_round_get(c->store, a->round, keep_year, &ry,
                                      c->e);
    if (st == KH_OK)
        st = kh_store_year_each(c->store, ry.year, keep_rubric, &ref, c->e);
    if (st == KH_OK)
        st = kh_store_rubric_load(c->store, ref, c->e, &rb, NULL);
    if (st == KH_OK)
        st = kh_store_round_tally(c->store, a->round, c->e, &q, &t);
    for (size_t u = 0; st == KH_OK && u < kh_tally_units(t); u++)
        suggest_unit(rb, t, u, ry.qid, b);
    kh_tally_free(t);
    kh_questionnaire_free(q);
    kh_rubric_free(rb);
    free(ref);
    return st == KH_OK ? kh_buf_status(b) : st;
}

/* ---- the command line ------------------------------------------------ */

static const struct option opts[] = {
    {"db", required_argument, NULL, KH_OPT_DB},
    {"as", required_argument, NULL, KH_OPT_AS},
    {"year", required_argument, NULL, OPT_YEAR},
    {"questionnaire", required_argument, NULL, OPT_QUESTIONNAIRE},
    {"audience", required_argument, NULL, OPT_AUDIENCE},
    {"unit", required_argument, NULL, OPT_UNIT},
    {"min", required_argument, NULL, OPT_MIN},
    {"opens", required_argument, NULL, OPT_OPENS},
    {"closes", required_argument, NULL, OPT_CLOSES},
    {"round", required_argument, NULL, OPT_ROUND},
    {"count", required_argument, NULL, OPT_COUNT},
    {"base-url", required_argument, NULL, OPT_BASE_URL},
    {"format", required_argument, NULL, 'f'},
    {"output", required_argument, NULL, 'o'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

/* What each subcommand needs, checked after parsing; returns -1 or an
 * exit code. */
static int need(const char *cmd, const char *sub, const char *sub2,
                const args *a, int npos)
{
    bool open = !strcmp(sub, "round") && sub2 && !strcmp(sub2, "open");
    int want = !strcmp(sub, "import") || !strcmp(sub, "import-responses") ||
               (!strcmp(sub, "round") && sub2 && !strcmp(sub2, "close"));
    if (!strcmp(sub, "round") && (!sub2 || (!open && strcmp(sub2, "close") &&
                                            strcmp(sub2, "list"))))
        return kh_cli_usage_error(cmd, "expected open, close or list");
    if (npos < want)
        return kh_cli_usage_error(cmd, !strcmp(sub, "round") ? "missing ROUND"
                                                             : "missing FILE");
    if (npos > want)
        return kh_cli_usage_error(cmd, "unexpected argument");
    if (a->bad_units)
        return kh_cli_usage_error(cmd, "too many --unit");
    if (open && (!a->year || !a->questionnaire || !a->audience ||
                 !a->nunits))
        return kh_cli_usage_error(cmd, "needs --year, --questionnaire, "
                                  "--audience and --unit");
    bool round_opt = !strcmp(sub, "codes") || !strcmp(sub, "tally") ||
                     !strcmp(sub, "import-responses") ||
                     !strcmp(sub, "suggest");
    if (round_opt && !a->round)
        return kh_cli_usage_error(cmd, "missing --round");
    if (!strcmp(sub, "codes") && (a->nunits != 1 || !a->count))
        return kh_cli_usage_error(cmd, "needs one --unit and --count");
    const char *f = a->format;
    if (f && !strcmp(sub, "codes") && strcmp(f, "csv") && strcmp(f, "html"))
        return kh_cli_usage_error(cmd, "unknown format '%s' (expected csv "
                                  "or html)", f);
    if (f && !strcmp(sub, "tally") && strcmp(f, "table") &&
        strcmp(f, "json") && strcmp(f, "csv") && strcmp(f, "xlsx"))
        return kh_cli_usage_error(cmd, "unknown format '%s' (expected "
                                  "table, json, csv or xlsx)", f);
    return -1;
}

static kh_status dispatch(kh_cli_ctx *c, const char *sub, const char *sub2,
                          char **pos, args *a, kh_buf *b)
{
    if (!strcmp(sub, "import"))
        return do_import(c, pos[0], b);
    if (!strcmp(sub, "round")) {
        if (!strcmp(sub2, "close")) {
            long long v;
            if (!parse_num("questionnaire round close", "ROUND", pos[0], 1,
                           INT64_MAX, &v))
                return KH_EINVAL;
            a->round = v;
        }
        return do_round(c, sub2, a, b);
    }
    if (!strcmp(sub, "codes"))
        return do_codes(c, a, b);
    if (!strcmp(sub, "import-responses"))
        return do_paper(c, pos[0], a, b);
    if (!strcmp(sub, "suggest"))
        return do_suggest(c, a, b);
    return do_tally(c, a, b);
}

int kh_cmd_questionnaire_store(int argc, char **argv)
{
    const char *sub = argv[0];
    const char *sub2 = !strcmp(sub, "round") && argc > 1 ? argv[1] : NULL;
    char cmd[64];
    snprintf(cmd, sizeof cmd, "questionnaire %s%s%s", sub, sub2 ? " " : "",
             sub2 ? sub2 : "");
    int skip = sub2 ? 1 : 0;
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, cmd))
        return KH_EXIT_FAILURE;
    args a = {0};
    int o, rc = -1;
    optind = 1;
    opterr = 0;
    while (rc < 0 && (o = getopt_long(argc - skip, argv + skip, ":f:o:h",
                                      opts, NULL)) != -1) {
        if (kh_cli_common_opt(&c, o, optarg))
            continue;
        if (o == 'h') {
            printf(_("Usage:"));
            kh_questionnaire_store_help();
            rc = KH_EXIT_OK;
        } else {
            rc = parse_opt(cmd, &a, o, optarg, argv + skip);
        }
    }
    if (rc < 0)
        rc = need(cmd, sub, sub2, &a, argc - skip - optind);
    if (rc >= 0 || (rc = kh_cli_open(&c, 0)) != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st = dispatch(&c, sub, sub2, argv + skip + optind, &a, &b);
    rc = st == KH_OK ? kh_cli_write(a.output, &b) : KH_EXIT_OK;
    kh_buf_free(&b);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}
