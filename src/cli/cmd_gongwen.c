/*
 * cmd_gongwen.c - `kaohe export docx` and `kaohe export pdf`: a year's
 * official documents as 公文 (lib/docs/gongwen.c), Word or PDF.
 */
#include "store_cli.h"

#include <stdio.h>
#include <string.h>

#include "kaohe/assess.h"
#include "kaohe/gongwen.h"

static void gongwen_help(const char *fmt)
{
    printf(_("Usage: kaohe export %1$s --year YEAR --what WHAT [--unit ID] "
           "-o FILE\n"
           "       kaohe export %1$s --year YEAR --what sheet --all -o DIR\n"
           "\n"
           "Writes an official document (公文, laid out after GB/T "
           "9704-2012):\n"
           "  notice       考核结果通报 as a Party committee document "
           "(红头, 文号,\n"
           "               主送, both ranking lists, reminder talks, "
           "deadlines,\n"
           "               落款, 版记)\n"
           "  sheet        意识形态工作责任制考核评分表 of one unit "
           "(--unit ID)\n"
           "  followup     整改跟踪 (published years)\n"
           "  compilation  有效做法和特色经验汇编\n"
           "The issuer, 文号, 主送, 抄送, 印发 and date come from 'kaohe "
           "year set'.\n"
           "A year not published is a draft: （草稿） and a watermark.\n"
           "\n"
           "Options:\n"
           "  -y, --year YEAR     the year (required)\n"
           "  -w, --what WHAT     notice, sheet, followup or compilation "
           "(required)\n"
           "  -u, --unit ID       the unit (sheet)\n"
           "      --all           every unit's sheet, as DIR/ID.docx or "
           "DIR/ID.pdf\n"
           "                      (DIR must exist)\n"
           "  -o, --output FILE   write to FILE (atomically; required); "
           "'-' is\n"
           "                      standard output\n%2$s"
           "  -h, --help          show this help\n"
           "\nExit status: 0 success, 1 invalid input (each error located), "
           "2 usage\nerror, 3 other failure.\n"), fmt, kh_cli_db_help());
}

static const char *const gw_whats[] = {"notice", "sheet", "followup",
                                       "compilation"};

/* Checks the option combination; returns a usage message or NULL. */
static const char *gongwen_usage(int year, const char *what,
                                 const char *unit, bool all,
                                 const char *output, int *kind)
{
    *kind = -1;
    for (int i = 0; what && i < 4; i++)
        if (!strcmp(what, gw_whats[i]))
            *kind = i;
    if (!year)
        return "--year YEAR is required";
    if (!what)
        return "--what notice|sheet|followup|compilation is required";
    if (*kind < 0)
        return "--what must be notice, sheet, followup or compilation";
    if (all && (*kind != KH_GONGWEN_SHEET || unit))
        return "--all goes with --what sheet, without --unit";
    if (*kind == KH_GONGWEN_SHEET && !unit && !all)
        return "--what sheet needs --unit ID or --all";
    if (*kind != KH_GONGWEN_SHEET && unit)
        return "--unit goes with --what sheet only";
    if (!output)
        return "-o FILE is required ('-' for standard output)";
    if (all && !strcmp(output, "-"))
        return "--all writes files: -o DIR";
    return NULL;
}

static kh_status gongwen_run(kh_cli_ctx *c, int year, int kind,
                             const char *unit, kh_gongwen_format fmt,
                             kh_buf *b)
{
    kh_export *x = NULL;
    kh_status st = kh_export_open(c->store, year, c->e, &x);
    size_t u = 0;
    if (st == KH_OK && kind == KH_GONGWEN_SHEET)
        st = kh_export_unit(x, unit, c->e, &u);
    if (st == KH_OK)
        st = kh_gongwen_write(x, (kh_gongwen_kind)kind, u, fmt, b, c->e);
    kh_export_free(x);
    return st;
}

/* Every unit's sheet into dir/ID.ext, one file each (atomically). */
static int gongwen_all(kh_cli_ctx *c, int year, kh_gongwen_format fmt,
                       const char *dir, kh_status *st)
{
    kh_export *x = NULL;
    *st = kh_export_open(c->store, year, c->e, &x);
    const kh_result *res = *st == KH_OK ? kh_export_result(x) : NULL;
    size_t n = res ? kh_result_unit_count(res) : 0;
    int rc = KH_EXIT_OK;
    kh_buf b, path;
    kh_buf_init(&b, 0);
    kh_buf_init(&path, 0);
    for (size_t k = 0; *st == KH_OK && rc == KH_EXIT_OK && k < n; k++) {
        const char *id = kh_assess_unit_id(kh_result_assess(res), k);
        if (strchr(id, '/') || id[0] == '.') {
            *st = kh_err_fail(c->e, KH_EINVAL, "unit \"%s\": its id cannot "
                              "name a file", id);
            break;
        }
        kh_buf_reset(&b);
        kh_buf_reset(&path);
        kh_buf_printf(&path, "%s/%s.%s", dir, id,
                      fmt == KH_GONGWEN_PDF ? "pdf" : "docx");
        *st = kh_gongwen_write(x, KH_GONGWEN_SHEET, k, fmt, &b, c->e);
        if (*st == KH_OK)
            rc = kh_cli_write(kh_buf_str(&path), &b);
    }
    kh_buf_free(&b);
    kh_buf_free(&path);
    kh_export_free(x);
    return rc;
}

/* The options of one export docx/pdf run (gw_one). */
typedef struct gw_opts {
    const char *cmd;
    const char *output, *what, *unit;
    bool all;
} gw_opts;

/* -o, -w, -u, --all and -h (kh_cli_option_fn); any other is refused. */
static int gw_one(void *args, int o, char *arg, char **argv)
{
    gw_opts *g = args;
    if (o == 'a')
        g->all = true;
    else if (o == 'o' || o == 'w' || o == 'u')
        *(o == 'o' ? &g->output : o == 'w' ? &g->what : &g->unit) = arg;
    else if (o == 'h') {
        gongwen_help(argv[0]);
        return KH_EXIT_OK;
    } else
        return kh_cli_bad_option(g->cmd, o, argv);
    return -1;
}

int kh_cmd_export_gongwen(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, KH_OPT_DB},
        {"year", required_argument, NULL, 'y'},
        {"output", required_argument, NULL, 'o'},
        {"what", required_argument, NULL, 'w'},
        {"unit", required_argument, NULL, 'u'},
        {"all", no_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    bool pdf = !strcmp(argv[0], "pdf");
    const char *cmd = pdf ? "export pdf" : "export docx";
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, cmd))
        return KH_EXIT_FAILURE;
    int year = 0;
    gw_opts g = {cmd, NULL, NULL, NULL, false};
    const kh_cli_parse_spec sp = {.shortopts = ":y:o:w:u:h", .opts = opts,
                                  .year = &year, .fn = gw_one, .args = &g};
    int rc = kh_cli_parse(&c, cmd, argc, argv, &sp);
    int kind = 0;
    const char *usage =
        rc < 0 ? gongwen_usage(year, g.what, g.unit, g.all, g.output, &kind)
               : NULL;
    if (rc >= 0 || usage) {
        kh_cli_finish(&c, KH_OK);
        return rc >= 0 ? rc : kh_cli_usage_error(cmd, "%s", usage);
    }
    const char *output = g.output, *unit = g.unit;
    bool all = g.all;
    rc = kh_cli_open(&c, 0);
    if (rc != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    kh_gongwen_format fmt = pdf ? KH_GONGWEN_PDF : KH_GONGWEN_DOCX;
    kh_status st;
    kh_buf b;
    kh_buf_init(&b, 0);
    if (all) {
        rc = gongwen_all(&c, year, fmt, output, &st);
    } else {
        st = gongwen_run(&c, year, kind, unit, fmt, &b);
        if (st == KH_OK)
            rc = kh_cli_write(output, &b);
    }
    kh_buf_free(&b);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}
