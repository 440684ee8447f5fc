/*
 * cmd_handover.c - `kaohe export handover` (考核结果运用: grades and
 * converted points of a published year) and `kaohe export term` (任期:
 * totals over several years), lib/docs/handover.c.
 */
#include "store_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/handover.h"

static void handover_help(void)
{
    printf(_("Usage: kaohe export handover --year YEAR [--format csv|json|xlsx] "
           "[-o FILE]\n"
           "       kaohe export term --years FROM-TO [--mode mean|sum] "
           "[--format csv|json]\n"
           "                         [-o FILE]\n"
           "\n"
           "handover: one row per unit, then per branch, of a published "
           "year: score,\n"
           "  grade (等次) and converted points (折算分) from the year's "
           "settings\n"
           "  'grades' and 'scale' (kaohe year set), ranking list, place, "
           "flagged.\n"
           "term: each unit's totals over the published years FROM..TO, "
           "missing years\n"
           "  marked 缺, and the mean (rounded) or the sum of the years it "
           "was assessed.\n"
           "\n"
           "Options:\n"
           "  -y, --year YEAR       the year (handover)\n"
           "      --years FROM-TO   the years (term), e.g. 2023-2025\n"
           "      --mode MODE       mean (default) or sum (term)\n"
           "  -f, --format FORMAT   csv (default; UTF-8 with BOM), json or "
           "xlsx (handover,\n"
           "                        with -o)\n"
           "  -o, --output FILE     write to FILE (atomically); '-' or none "
           "is standard\n"
           "                        output\n" "%s"
           "  -h, --help            show this help\n"
           "\nExit status: 0 success, 1 invalid input (each error located), "
           "2 usage\nerror, 3 other failure.\n"), kh_cli_db_help());
}

enum { OPT_YEARS = KH_OPT_FIRST_FREE, OPT_MODE };
/* --format xlsx, beside kh_handover_format's CSV and JSON. */
enum { FMT_XLSX = KH_HANDOVER_JSON + 1 };

/* "2023-2025" into from and to. */
static bool parse_years(const char *cmd, const char *s, int *from, int *to)
{
    const char *dash = strchr(s, '-');
    char first[16];
    size_t l = dash ? (size_t)(dash - s) : 0;
    if (!dash || l >= sizeof first) {
        kh_cli_usage_error(cmd, "--years takes FROM-TO, not '%s'", s);
        return false;
    }
    memcpy(first, s, l);
    first[l] = '\0';
    return kh_cli_year(cmd, first, from) && kh_cli_year(cmd, dash + 1, to);
}

static kh_status xlsx_to(void *ctx, const char *tmp, kh_err *e)
{
    return kh_export_handover_xlsx(ctx, tmp, e);
}

/* xlsx: the workbook written to output (required). */
static kh_status run(kh_cli_ctx *c, bool term, int year, int from, int to,
                     bool sum, int fmt, const char *output, kh_buf *b)
{
    if (term)
        return kh_export_term(c->store, from, to, sum,
                              (kh_handover_format)fmt, b, c->e);
    kh_export *x = NULL;
    kh_status st = kh_export_open(c->store, year, c->e, &x);
    if (st == KH_OK && fmt == FMT_XLSX)
        st = kh_cli_write_via(output, xlsx_to, x, c->e);
    else if (st == KH_OK)
        st = kh_export_handover(x, (kh_handover_format)fmt, b, c->e);
    kh_export_free(x);
    return st;
}

int kh_cmd_export_handover(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, KH_OPT_DB},
        {"year", required_argument, NULL, 'y'},
        {"years", required_argument, NULL, OPT_YEARS},
        {"mode", required_argument, NULL, OPT_MODE},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    bool term = !strcmp(argv[0], "term");
    const char *cmd = term ? "export term" : "export handover";
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, cmd))
        return KH_EXIT_FAILURE;
    int year = 0, from = 0, to = 0, o;
    bool sum = false;
    const char *output = NULL, *usage = NULL;
    int fmt = KH_HANDOVER_CSV;
    optind = 1;
    opterr = 0;
    while ((o = getopt_long(argc, argv, ":y:f:o:h", opts, NULL)) != -1) {
        if (kh_cli_common_opt(&c, o, optarg))
            continue;
        bool ok = true;
        if (o == 'y' && !term)
            ok = kh_cli_year(cmd, optarg, &year);
        else if (o == OPT_YEARS && term)
            ok = parse_years(cmd, optarg, &from, &to);
        else if (o == OPT_MODE && term && !strcmp(optarg, "sum"))
            sum = true;
        else if (o == OPT_MODE && term && !strcmp(optarg, "mean"))
            sum = false;
        else if (o == OPT_MODE && term)
            usage = "--mode must be mean or sum";
        else if (o == 'f' && !strcmp(optarg, "csv"))
            fmt = KH_HANDOVER_CSV;
        else if (o == 'f' && !strcmp(optarg, "json"))
            fmt = KH_HANDOVER_JSON;
        else if (o == 'f' && !strcmp(optarg, "xlsx") && !term)
            fmt = FMT_XLSX;
        else if (o == 'f')
            usage = term ? "--format must be csv or json"
                         : "--format must be csv, json or xlsx";
        else if (o == 'o')
            output = optarg;
        else {
            kh_cli_finish(&c, KH_OK);
            if (o == 'h') {
                handover_help();
                return KH_EXIT_OK;
            }
            if (o == 'y' || o == OPT_YEARS || o == OPT_MODE)
                return kh_cli_usage_error(cmd, "option '%s' does not apply "
                                          "here", argv[optind - 1]);
            return kh_cli_bad_option(cmd, o, argv);
        }
        if (!ok) {
            kh_cli_finish(&c, KH_OK);
            return KH_EXIT_USAGE;
        }
    }
    if (!usage && optind < argc)
        usage = "unexpected argument";
    if (!usage && !term && !year)
        usage = "--year YEAR is required";
    if (!usage && term && !from)
        usage = "--years FROM-TO is required";
    if (!usage && fmt == FMT_XLSX && (!output || !strcmp(output, "-")))
        usage = "--format xlsx needs -o FILE";
    if (usage) {
        kh_cli_finish(&c, KH_OK);
        return kh_cli_usage_error(cmd, "%s", usage);
    }
    int rc = kh_cli_open(&c, 0);
    if (rc != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st = run(&c, term, year, from, to, sum, fmt, output, &b);
    if (st == KH_OK && fmt != FMT_XLSX)
        rc = kh_cli_write(output, &b);
    kh_buf_free(&b);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}
