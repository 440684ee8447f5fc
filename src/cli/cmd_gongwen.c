/*
 * cmd_gongwen.c - `kaohe export docx` and `kaohe export pdf`: a year's
 * official documents as 公文 (lib/docs/gongwen.c), Word or PDF.
 */
#include "store_cli.h"

#include <stdio.h>
#include <string.h>

#include "kaohe/gongwen.h"

static void gongwen_help(const char *fmt)
{
    printf("Usage: kaohe export %s --year YEAR --what WHAT [--unit ID] "
           "-o FILE\n"
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
           "  -o, --output FILE   write to FILE (atomically; required); "
           "'-' is\n"
           "                      standard output\n" KH_STORE_DB_HELP
           "  -h, --help          show this help\n"
           "\nExit status: 0 success, 1 invalid input (each error located), "
           "2 usage\nerror, 3 other failure.\n", fmt);
}

static const char *const gw_whats[] = {"notice", "sheet", "followup",
                                       "compilation"};

/* Checks the option combination; returns a usage message or NULL. */
static const char *gongwen_usage(int year, const char *what,
                                 const char *unit, const char *output,
                                 int *kind)
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
    if (*kind == KH_GONGWEN_SHEET && !unit)
        return "--what sheet needs --unit ID";
    if (*kind != KH_GONGWEN_SHEET && unit)
        return "--unit goes with --what sheet only";
    if (!output)
        return "-o FILE is required ('-' for standard output)";
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

int kh_cmd_export_gongwen(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, KH_OPT_DB},
        {"year", required_argument, NULL, 'y'},
        {"output", required_argument, NULL, 'o'},
        {"what", required_argument, NULL, 'w'},
        {"unit", required_argument, NULL, 'u'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    bool pdf = !strcmp(argv[0], "pdf");
    const char *cmd = pdf ? "export pdf" : "export docx";
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, cmd))
        return KH_EXIT_FAILURE;
    int year = 0, o;
    const char *output = NULL, *what = NULL, *unit = NULL;
    optind = 1;
    opterr = 0;
    while ((o = getopt_long(argc, argv, ":y:o:w:u:h", opts, NULL)) != -1) {
        if (kh_cli_common_opt(&c, o, optarg))
            continue;
        if (o == 'y' && !kh_cli_year(cmd, optarg, &year)) {
            kh_cli_finish(&c, KH_OK);
            return KH_EXIT_USAGE;
        }
        if (o == 'y')
            continue;
        if (o == 'o' || o == 'w' || o == 'u') {
            *(o == 'o' ? &output : o == 'w' ? &what : &unit) = optarg;
            continue;
        }
        kh_cli_finish(&c, KH_OK);
        if (o == 'h') {
            gongwen_help(argv[0]);
            return KH_EXIT_OK;
        }
        return kh_cli_bad_option(cmd, o, argv);
    }
    int kind;
    const char *usage = gongwen_usage(year, what, unit, output, &kind);
    if (optind < argc || usage) {
        kh_cli_finish(&c, KH_OK);
        if (optind < argc)
            return kh_cli_usage_error(cmd, "unexpected argument '%s'",
                                      argv[optind]);
        return kh_cli_usage_error(cmd, "%s", usage);
    }
    int rc = kh_cli_open(&c, 0);
    if (rc != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st = gongwen_run(&c, year, kind, unit,
                               pdf ? KH_GONGWEN_PDF : KH_GONGWEN_DOCX, &b);
    if (st == KH_OK)
        rc = kh_cli_write(output, &b);
    kh_buf_free(&b);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}
