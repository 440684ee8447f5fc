/*
 * cmd_export.c - `kaohe export xlsx` and `kaohe export html`: the
 * official documents of a year (lib/docs/export*.c).
 */
#include "store_cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kaohe/export.h"

static const char exit_help[] =
    "\nExit status: 0 success, 1 invalid input (each error located), 2 usage "
    "error,\n3 other failure.\n";

static void xlsx_help(void)
{
    printf("Usage: kaohe export xlsx --year YEAR -o FILE [--db FILE]\n"
           "\n"
           "Writes the year's results as an Excel workbook: 汇总 (each "
           "ranking list),\n"
           "支部, 自查对比, 图表 (a bar chart per ranking list), 整改跟踪 "
           "(published\n"
           "years) and one score sheet per unit.  A year not published is "
           "a draft:\n"
           "its titles say （草稿） and a warning is printed.\n"
           "\n"
           "Options:\n"
           "  -y, --year YEAR        the year (required)\n"
           "  -o, --output FILE      the workbook to write (required)\n"
           "      --constant-memory  stream rows to temporary files (one "
           "open file per\n"
           "                         sheet; it saves memory only for few "
           "long sheets)\n"
           "      --in-memory        keep the sheets in memory (default)\n"
           KH_STORE_DB_HELP
           "  -h, --help             show this help\n%s",
           exit_help);
}

static void html_help(void)
{
    printf("Usage: kaohe export html --year YEAR --what WHAT [--unit ID] "
           "[-o FILE]\n"
           "\n"
           "Writes a printable page (HTML for A4):\n"
           "  notice    考核结果通报: both ranking lists, the units called "
           "for a\n"
           "            reminder talk and the follow-up deadlines\n"
           "  sheet     意识形态工作责任制考核评分表 of one unit (--unit ID)\n"
           "  followup  整改跟踪: talks and rectification items (published "
           "years)\n"
           "\n"
           "Options:\n"
           "  -y, --year YEAR     the year (required)\n"
           "  -w, --what WHAT     notice, sheet or followup (required)\n"
           "  -u, --unit ID       the unit (sheet)\n"
           "  -o, --output FILE   write to FILE (atomically); '-' or none "
           "is standard\n"
           "                      output\n" KH_STORE_DB_HELP
           "  -h, --help          show this help\n%s",
           exit_help);
}

enum { OPT_CONSTANT = KH_OPT_FIRST_FREE, OPT_IN_MEMORY };

/* Writes the workbook to a temporary file beside path, then renames it,
 * so a failed run leaves no half file. */
static int export_xlsx_file(kh_cli_ctx *c, const kh_export *x,
                            const char *path, unsigned flags, kh_status *st)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return KH_EXIT_FAILURE;
    snprintf(tmp, n, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "kaohe: %s: cannot create: %s\n", path,
                strerror(errno));
        free(tmp);
        return KH_EXIT_FAILURE;
    }
    close(fd);
    *st = kh_export_xlsx(x, tmp, flags, c->e);
    if (*st == KH_OK && rename(tmp, path) != 0) {
        fprintf(stderr, "kaohe: %s: cannot write: %s\n", path,
                strerror(errno));
        unlink(tmp);
        free(tmp);
        return KH_EXIT_FAILURE;
    }
    if (*st != KH_OK)
        unlink(tmp);
    free(tmp);
    return KH_EXIT_OK;
}

int kh_cmd_export_doc(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, KH_OPT_DB},
        {"data-dir", required_argument, NULL, KH_OPT_DATA_DIR},
        {"year", required_argument, NULL, 'y'},
        {"output", required_argument, NULL, 'o'},
        {"what", required_argument, NULL, 'w'},
        {"unit", required_argument, NULL, 'u'},
        {"constant-memory", no_argument, NULL, OPT_CONSTANT},
        {"in-memory", no_argument, NULL, OPT_IN_MEMORY},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    bool xlsx = !strcmp(argv[0], "xlsx");
    const char *cmd = xlsx ? "export xlsx" : "export html";
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, cmd))
        return KH_EXIT_FAILURE;
    int year = 0, o;
    const char *output = NULL, *what = NULL, *unit = NULL;
    unsigned flags = 0;
    optind = 1;
    opterr = 0;
    while ((o = getopt_long(argc, argv, ":y:o:w:u:h", opts, NULL)) != -1) {
        if (kh_cli_common_opt(&c, o, optarg))
            continue;
        switch (o) {
        case 'y':
            if (kh_cli_year(cmd, optarg, &year))
                continue;
            kh_cli_finish(&c, KH_OK);
            return KH_EXIT_USAGE;
        case 'o':
            output = optarg;
            continue;
        case 'w':
            if (!xlsx) {
                what = optarg;
                continue;
            }
            break;
        case 'u':
            if (!xlsx) {
                unit = optarg;
                continue;
            }
            break;
        case OPT_CONSTANT:
        case OPT_IN_MEMORY:
            if (xlsx) {
                flags = o == OPT_CONSTANT ? KH_XLSX_CONSTANT_MEMORY : 0;
                continue;
            }
            break;
        case 'h':
            kh_cli_finish(&c, KH_OK);
            if (xlsx)
                xlsx_help();
            else
                html_help();
            return KH_EXIT_OK;
        default:
            break;
        }
        kh_cli_finish(&c, KH_OK);
        if (o == 'w' || o == 'u' || o == OPT_CONSTANT || o == OPT_IN_MEMORY)
            return kh_cli_usage_error(cmd, "unknown option '%s'",
                                      argv[optind - 1]);
        return kh_cli_bad_option(cmd, o, argv);
    }
    const char *usage = NULL;
    if (optind < argc)
        usage = "unexpected argument";
    else if (!year)
        usage = "--year YEAR is required";
    else if (xlsx && (!output || !strcmp(output, "-")))
        usage = "-o FILE is required (a workbook is not written to standard "
                "output)";
    else if (!xlsx && !what)
        usage = "--what notice|sheet|followup is required";
    else if (!xlsx && strcmp(what, "notice") && strcmp(what, "sheet") &&
             strcmp(what, "followup"))
        usage = "--what must be notice, sheet or followup";
    else if (!xlsx && !strcmp(what, "sheet") && !unit)
        usage = "--what sheet needs --unit ID";
    else if (!xlsx && strcmp(what, "sheet") && unit)
        usage = "--unit goes with --what sheet only";
    if (usage) {
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
    kh_export *x = NULL;
    kh_status st = kh_export_open(c.store, year, c.e, &x);
    if (st == KH_OK && xlsx) {
        rc = export_xlsx_file(&c, x, output, flags, &st);
    } else if (st == KH_OK) {
        kh_buf b;
        kh_buf_init(&b, 0);
        size_t u = 0;
        if (!strcmp(what, "notice"))
            st = kh_export_html_notice(x, &b);
        else if (!strcmp(what, "followup"))
            st = kh_export_followup_html(x, &b, c.e);
        else if ((st = kh_export_unit(x, unit, c.e, &u)) == KH_OK)
            st = kh_export_html_sheet(x, u, &b);
        if (st == KH_OK)
            rc = kh_cli_write(output, &b);
        kh_buf_free(&b);
    }
    kh_export_free(x);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}

/* ---- kaohe compare ------------------------------------------------- */

#include "kaohe/compare.h"

static void compare_help(void)
{
    printf("Usage: kaohe compare --years FROM,TO [--format table|json|csv] "
           "[-o FILE]\n"
           "       kaohe compare --chart UNIT [-o FILE]\n"
           "\n"
           "Compares two years: each unit's total and rank in each year "
           "with the\n"
           "change, category changes, units new (新增) or gone (撤销); when "
           "the years\n"
           "used different rubric versions, the rubric diff too.  --chart "
           "writes an\n"
           "SVG line chart of one unit's totals over every year in the "
           "store.\n"
           "\n"
           "Options:\n"
           "      --years FROM,TO     the two years (e.g. 2024,2025)\n"
           "  -f, --format FORMAT     table (default), json or csv\n"
           "      --chart UNIT        the SVG chart of UNIT instead\n"
           "  -o, --output FILE       write to FILE (atomically); '-' is "
           "standard output\n" KH_STORE_DB_HELP
           "  -h, --help              show this help\n%s",
           exit_help);
}

enum { OPT_YEARS = KH_OPT_FIRST_FREE + 10, OPT_CHART };

int kh_cmd_compare(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, KH_OPT_DB},
        {"data-dir", required_argument, NULL, KH_OPT_DATA_DIR},
        {"years", required_argument, NULL, OPT_YEARS},
        {"format", required_argument, NULL, 'f'},
        {"chart", required_argument, NULL, OPT_CHART},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *cmd = "compare";
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, cmd))
        return KH_EXIT_FAILURE;
    int years[2] = {0, 0}, o;
    const char *output = NULL, *chart = NULL, *years_arg = NULL;
    kh_compare_format fmt = KH_COMPARE_TABLE;
    optind = 1;
    opterr = 0;
    while ((o = getopt_long(argc, argv, ":f:o:h", opts, NULL)) != -1) {
        if (kh_cli_common_opt(&c, o, optarg))
            continue;
        if (o == OPT_YEARS) {
            years_arg = optarg;
            continue;
        }
        if (o == OPT_CHART) {
            chart = optarg;
            continue;
        }
        if (o == 'o') {
            output = optarg;
            continue;
        }
        if (o == 'f') {
            if (!strcmp(optarg, "table"))
                fmt = KH_COMPARE_TABLE;
            else if (!strcmp(optarg, "json"))
                fmt = KH_COMPARE_JSON;
            else if (!strcmp(optarg, "csv"))
                fmt = KH_COMPARE_CSV;
            else {
                kh_cli_finish(&c, KH_OK);
                return kh_cli_usage_error(cmd, "unknown format '%s' "
                                          "(expected table, json or csv)",
                                          optarg);
            }
            continue;
        }
        kh_cli_finish(&c, KH_OK);
        if (o == 'h') {
            compare_help();
            return KH_EXIT_OK;
        }
        return kh_cli_bad_option(cmd, o, argv);
    }
    if (optind < argc) {
        kh_cli_finish(&c, KH_OK);
        return kh_cli_usage_error(cmd, "unexpected argument '%s'",
                                  argv[optind]);
    }
    if (!chart == !years_arg) {
        kh_cli_finish(&c, KH_OK);
        return kh_cli_usage_error(cmd, "give either --years FROM,TO or "
                                  "--chart UNIT");
    }
    if (years_arg) {
        const char *comma = strchr(years_arg, ',');
        char first[16];
        size_t l = comma ? (size_t)(comma - years_arg) : 0;
        if (!comma || l >= sizeof first || strchr(comma + 1, ',')) {
            kh_cli_finish(&c, KH_OK);
            return kh_cli_usage_error(cmd, "--years takes two years "
                                      "FROM,TO, not '%s'", years_arg);
        }
        memcpy(first, years_arg, l);
        first[l] = '\0';
        if (!kh_cli_year(cmd, first, &years[0]) ||
            !kh_cli_year(cmd, comma + 1, &years[1])) {
            kh_cli_finish(&c, KH_OK);
            return KH_EXIT_USAGE;
        }
        if (years[0] == years[1]) {
            kh_cli_finish(&c, KH_OK);
            return kh_cli_usage_error(cmd, "--years names %d twice",
                                      years[0]);
        }
    }
    int rc = kh_cli_open(&c, 0);
    if (rc != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st = chart ? kh_compare_unit_svg(c.store, chart, &b, c.e)
                         : kh_compare(c.store, years[0], years[1], fmt, &b,
                                      c.e);
    if (st == KH_OK)
        rc = kh_cli_write(output, &b);
    kh_buf_free(&b);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}
