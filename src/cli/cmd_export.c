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
    printf(_("Usage: kaohe export xlsx --year YEAR -o FILE [--db FILE]\n"
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
           "%s"
           "  -h, --help             show this help\n%s"), kh_cli_db_help(),
           exit_help);
}

static void html_help(void)
{
    printf(_("Usage: kaohe export html --year YEAR --what WHAT [--unit ID] "
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
           "                      output\n" "%s"
           "  -h, --help          show this help\n%s"), kh_cli_db_help(),
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
        fprintf(stderr, _("kaohe: %s: cannot create: %s\n"), path,
                strerror(errno));
        free(tmp);
        return KH_EXIT_FAILURE;
    }
    close(fd);
    *st = kh_export_xlsx(x, tmp, flags, c->e);
    if (*st == KH_OK && rename(tmp, path) != 0) {
        fprintf(stderr, _("kaohe: %s: cannot write: %s\n"), path,
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

/* The command line of one `export xlsx|html`. */
typedef struct doc_args {
    bool xlsx;                 /* xlsx, else html */
    const char *cmd;
    int year;
    const char *output, *what, *unit;
    unsigned flags;            /* KH_XLSX_* */
} doc_args;

/* Applies one option; false when it does not belong to this kind of
 * export. */
static bool doc_option(doc_args *a, int o, const char *arg)
{
    switch (o) {
    case 'o':
        a->output = arg;
        return true;
    case 'w':
        a->what = arg;
        return !a->xlsx;
    case 'u':
        a->unit = arg;
        return !a->xlsx;
    case OPT_CONSTANT:
    case OPT_IN_MEMORY:
        a->flags = o == OPT_CONSTANT ? KH_XLSX_CONSTANT_MEMORY : 0;
        return a->xlsx;
    default:
        return false;
    }
}

/* -h and the options doc_option takes (kh_cli_option_fn); one of the
 * other kind of export is an unknown option here. */
static int doc_one(void *args, int o, char *arg, char **argv)
{
    doc_args *a = args;
    if (o == 'h') {
        if (a->xlsx)
            xlsx_help();
        else
            html_help();
        return KH_EXIT_OK;
    }
    if (doc_option(a, o, arg))
        return -1;
    if (o == 'w' || o == 'u' || o == OPT_CONSTANT || o == OPT_IN_MEMORY)
        return kh_cli_usage_error(a->cmd, "unknown option '%s'",
                                  argv[optind - 1]);
    return kh_cli_bad_option(a->cmd, o, argv);
}

/* Reads the options; an exit code when the run ends here, else -1. */
static int doc_options(kh_cli_ctx *c, int argc, char **argv, doc_args *a)
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
    const kh_cli_parse_spec sp = {
        .shortopts = ":y:o:w:u:h", .opts = opts, .year = &a->year,
        .positional = true, .fn = doc_one, .args = a};
    return kh_cli_parse(c, a->cmd, argc, argv, &sp);
}

/* What is missing or does not fit on the command line, or NULL. */
static const char *doc_usage(const doc_args *a)
{
    if (!a->year)
        return "--year YEAR is required";
    if (a->xlsx)
        return !a->output || !strcmp(a->output, "-")
                   ? "-o FILE is required (a workbook is not written to "
                     "standard output)"
                   : NULL;
    if (!a->what)
        return "--what notice|sheet|followup is required";
    bool sheet = !strcmp(a->what, "sheet");
    if (!sheet && strcmp(a->what, "notice") && strcmp(a->what, "followup"))
        return "--what must be notice, sheet or followup";
    if (sheet && !a->unit)
        return "--what sheet needs --unit ID";
    if (!sheet && a->unit)
        return "--unit goes with --what sheet only";
    return NULL;
}

/* The printable HTML document --what names; *st gets the engine status. */
static int doc_html(kh_cli_ctx *c, kh_export *x, const doc_args *a,
                    kh_status *st)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    size_t u = 0;
    int rc = KH_EXIT_OK;
    if (!strcmp(a->what, "notice"))
        *st = kh_export_html_notice(x, &b);
    else if (!strcmp(a->what, "followup"))
        *st = kh_export_followup_html(x, &b, c->e);
    else if ((*st = kh_export_unit(x, a->unit, c->e, &u)) == KH_OK)
        *st = kh_export_html_sheet(x, u, &b);
    if (*st == KH_OK)
        rc = kh_cli_write(a->output, &b);
    kh_buf_free(&b);
    return rc;
}

int kh_cmd_export_doc(int argc, char **argv)
{
    doc_args a = {.xlsx = !strcmp(argv[0], "xlsx")};
    a.cmd = a.xlsx ? "export xlsx" : "export html";
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, a.cmd))
        return KH_EXIT_FAILURE;
    int rc = doc_options(&c, argc, argv, &a);
    if (rc < 0 && optind < argc)
        rc = kh_cli_usage_error(a.cmd, "unexpected argument '%s'", argv[optind]);
    const char *usage = rc < 0 ? doc_usage(&a) : NULL;
    if (usage)
        rc = kh_cli_usage_error(a.cmd, "%s", usage);
    /* rc >= 0: --help was shown or the command line was bad. */
    if (rc >= 0 || (rc = kh_cli_open(&c, 0)) != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    kh_export *x = NULL;
    kh_status st = kh_export_open(c.store, a.year, c.e, &x);
    if (st == KH_OK && a.xlsx)
        rc = export_xlsx_file(&c, x, a.output, a.flags, &st);
    else if (st == KH_OK)
        rc = doc_html(&c, x, &a, &st);
    kh_export_free(x);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}

/* ---- kaohe compare ------------------------------------------------- */

#include "kaohe/compare.h"

static void compare_help(void)
{
    printf(_("Usage: kaohe compare --years FROM,TO [--format table|json|csv] "
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
           "standard output\n" "%s"
           "  -h, --help              show this help\n%s"), kh_cli_db_help(),
           exit_help);
}

enum { OPT_YEARS = KH_OPT_FIRST_FREE + 10, OPT_CHART };

/* The command line of `kaohe compare`. */
typedef struct cmp_args {
    int years[2];
    const char *output, *chart, *years_arg;
    kh_compare_format fmt;
} cmp_args;

/* --years, --chart, -o, -f (kh_cli_option_fn); any other is refused. */
static int cmp_one(void *args, int o, char *arg, char **argv)
{
    cmp_args *a = args;
    if (o == OPT_YEARS)
        a->years_arg = arg;
    else if (o == OPT_CHART)
        a->chart = arg;
    else if (o == 'o')
        a->output = arg;
    else if (o == 'f' && !strcmp(arg, "table"))
        a->fmt = KH_COMPARE_TABLE;
    else if (o == 'f' && !strcmp(arg, "json"))
        a->fmt = KH_COMPARE_JSON;
    else if (o == 'f' && !strcmp(arg, "csv"))
        a->fmt = KH_COMPARE_CSV;
    else if (o == 'f')
        return kh_cli_usage_error("compare", "unknown format '%s' "
                                  "(expected table, json or csv)", arg);
    else
        return kh_cli_bad_option("compare", o, argv);
    return -1;
}

/* Reads the options; an exit code when the run ends here, else -1. */
static int cmp_options(kh_cli_ctx *c, int argc, char **argv, cmp_args *a)
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
    const kh_cli_parse_spec sp = {
        .shortopts = ":f:o:h", .opts = opts, .help = compare_help,
        .positional = true, .fn = cmp_one, .args = a};
    return kh_cli_parse(c, "compare", argc, argv, &sp);
}

/* --years FROM,TO: two different years; an exit code, or -1. */
static int cmp_years(cmp_args *a)
{
    const char *arg = a->years_arg, *comma = strchr(arg, ',');
    char first[16];
    size_t l = comma ? (size_t)(comma - arg) : 0;
    if (!comma || l >= sizeof first || strchr(comma + 1, ','))
        return kh_cli_usage_error("compare", "--years takes two years "
                                  "FROM,TO, not '%s'", arg);
    memcpy(first, arg, l);
    first[l] = '\0';
    if (!kh_cli_year("compare", first, &a->years[0]) ||
        !kh_cli_year("compare", comma + 1, &a->years[1]))
        return KH_EXIT_USAGE;
    if (a->years[0] == a->years[1])
        return kh_cli_usage_error("compare", "--years names %d twice", a->years[0]);
    return -1;
}

int kh_cmd_compare(int argc, char **argv)
{
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, "compare"))
        return KH_EXIT_FAILURE;
    cmp_args a = {.fmt = KH_COMPARE_TABLE};
    int rc = cmp_options(&c, argc, argv, &a);
    if (rc < 0 && optind < argc)
        rc = kh_cli_usage_error("compare", "unexpected argument '%s'", argv[optind]);
    if (rc < 0 && !a.chart == !a.years_arg)
        rc = kh_cli_usage_error("compare", "give either --years FROM,TO or "
                                "--chart UNIT");
    if (rc < 0 && a.years_arg)
        rc = cmp_years(&a);
    /* rc >= 0: --help was shown or the command line was bad. */
    if (rc >= 0 || (rc = kh_cli_open(&c, 0)) != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st = a.chart ? kh_compare_unit_svg(c.store, a.chart, &b, c.e)
                           : kh_compare(c.store, a.years[0], a.years[1], a.fmt,
                                        &b, c.e);
    if (st == KH_OK)
        rc = kh_cli_write(a.output, &b);
    kh_buf_free(&b);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}
