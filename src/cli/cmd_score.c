/*
 * cmd_score.c - `kaohe score` (an assessment file scored against a rubric,
 * written as a table, JSON or CSV) and `kaohe explain` (how one unit's
 * score was reached, item by item).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kaohe/assess.h"
#include "kaohe/place.h"
#include "kaohe/report.h"
#include "kaohe/rubric.h"
#include "kaohe/score.h"

static const char exit_help[] =
    "\n"
    "Exit status:\n"
    "  0  success\n"
    "  1  invalid input (every error is printed, each with its place)\n"
    "  2  usage error (bad command line)\n"
    "  3  other failure (out of memory, output cannot be written)\n";

/* Reports a getopt failure (opterr is off so the wording is ours). */
static int bad_option(const char *cmd, int c, char **argv)
{
    const char *arg = argv[optind - 1];
    if (c == ':')
        return kh_cli_usage_error(cmd, "option '%s' needs a value", arg);
    if (optopt && optopt != '?')
        return kh_cli_usage_error(cmd, "unknown option '-%c'", optopt);
    return kh_cli_usage_error(cmd, "unknown option '%s'", arg);
}

/* The rubric and assessment both commands start from.  Prints every
 * message (warnings too) and returns an exit code; on success the caller
 * owns *r and *a. */
static int load(const char *rubric, const char *input, kh_err *e,
                kh_rubric **r, kh_assess **a)
{
    *r = NULL;
    *a = NULL;
    kh_status st = kh_rubric_load(rubric, e, r);
    if (st == KH_OK)
        st = kh_assess_load(*r, input, e, a);
    if (st != KH_OK) {
        kh_place_ctx pc = {*r, NULL, NULL, NULL, NULL, NULL, 0};
        kh_cli_print_errors_in(e, &pc);   /* input labels by the rubric */
        kh_rubric_free(*r);
        *r = NULL;
        return kh_cli_exit(st);
    }
    return KH_EXIT_OK;
}

/* ---- kaohe score --------------------------------------------------- */

static void score_help(void)
{
    printf(_("Usage: kaohe score --rubric FILE --input FILE [OPTIONS]\n"
           "\n"
           "Scores every unit of an assessment file (YAML or JSON) against a\n"
           "rubric: item scores, category sums, base (prorated when items do\n"
           "not apply), bonus, negative list, total; branch means; the\n"
           "ranking lists with the bottom places flagged.\n"
           "\n"
           "Options:\n"
           "  -r, --rubric FILE     the rubric (评分体系), e.g. "
           "rubrics/ideology-2020.yaml\n"
           "  -i, --input FILE      the year's assessment data\n"
           "  -f, --format FORMAT   table (default), json or csv\n"
           "      --allow-missing   score an applicable item with no "
           "inspection\n"
           "                        entry as 0 and list it, instead of "
           "failing\n"
           "  -o, --output FILE     write to FILE (atomically) instead of "
           "standard\n"
           "                        output; '-' is standard output\n"
           "  -h, --help            show this help\n"
           "%s"),
           exit_help);
}

enum { OPT_ALLOW_MISSING = 256 };

int kh_cmd_score(int argc, char **argv)
{
    static const struct option opts[] = {
        {"rubric", required_argument, NULL, 'r'},
        {"input", required_argument, NULL, 'i'},
        {"format", required_argument, NULL, 'f'},
        {"allow-missing", no_argument, NULL, OPT_ALLOW_MISSING},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *rubric = NULL, *input = NULL, *format = "table",
               *output = NULL;
    unsigned flags = 0;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":r:i:f:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'r': rubric = optarg; break;
        case 'i': input = optarg; break;
        case 'f': format = optarg; break;
        case 'o': output = optarg; break;
        case OPT_ALLOW_MISSING: flags |= KH_SCORE_ALLOW_MISSING; break;
        case 'h': score_help(); return KH_EXIT_OK;
        default: return bad_option("score", c, argv);
        }
    }
    if (optind < argc)
        return kh_cli_usage_error("score", "unexpected argument '%s'",
                                  argv[optind]);
    if (!rubric)
        return kh_cli_usage_error("score", "--rubric FILE is required");
    if (!input)
        return kh_cli_usage_error("score", "--input FILE is required");
    kh_status (*writer)(const kh_result *, kh_buf *);
    if (strcmp(format, "table") == 0)
        writer = kh_report_table;
    else if (strcmp(format, "json") == 0)
        writer = kh_report_json;
    else if (strcmp(format, "csv") == 0)
        writer = kh_report_csv;
    else
        return kh_cli_usage_error("score",
                                  "unknown format '%s' (table, json or csv)",
                                  format);

    kh_err *e = kh_err_new();
    if (!e) {
        fprintf(stderr, _("kaohe score: out of memory\n"));
        return KH_EXIT_FAILURE;
    }
    kh_rubric *r;
    kh_assess *a;
    int rc = load(rubric, input, e, &r, &a);
    if (rc != KH_EXIT_OK) {
        kh_err_free(e);
        return rc;
    }
    kh_result *res = NULL;
    kh_status st = kh_score(a, flags, e, &res);
    kh_cli_print_errors(e);
    if (st != KH_OK) {
        rc = kh_cli_exit(st);
    } else {
        kh_buf out;
        kh_buf_init(&out, 0);
        st = writer(res, &out);
        if (st != KH_OK) {
            fprintf(stderr, _("kaohe score: cannot produce output: %s\n"),
                    kh_status_str(st));
            rc = KH_EXIT_FAILURE;
        } else {
            rc = kh_cli_write(output, &out);
        }
        kh_buf_free(&out);
    }
    kh_result_free(res);
    kh_assess_free(a);
    kh_rubric_free(r);
    kh_err_free(e);
    return rc;
}

/* ---- kaohe explain ------------------------------------------------- */

static void explain_help(void)
{
    printf(_("Usage: kaohe explain --rubric FILE --input FILE --unit ID "
           "[OPTIONS]\n"
           "       kaohe explain --year Y --unit ID [--phase PHASE] "
           "[--db FILE]\n"
           "\n"
           "Shows, item by item, how one unit's score was reached: each "
           "input,\n"
           "each term's points, the clamps, prorating, bonus, negative list "
           "and\n"
           "total.\n"
           "\n"
           "Options:\n"
           "  -r, --rubric FILE     the rubric (评分体系)\n"
           "  -i, --input FILE      the year's assessment data\n"
           "  -u, --unit ID         the unit to explain (its id, e.g. jd)\n"
           "  -p, --phase PHASE     inspection (default: the official score) "
           "or\n"
           "                        self (the unit's self-assessment)\n"
           "      --year Y          explain from the store (--db, default\n"
           "                        $KAOHE_DB): each questionnaire-suggested\n"
           "                        judgement says whether it was kept or\n"
           "                        overridden, and why\n"
           "  -h, --help            show this help\n"
           "%s"),
           exit_help);
}

int kh_cmd_explain(int argc, char **argv)
{
    if (kh_explain_wants_store(argc, argv))
        return kh_cmd_explain_store(argc, argv);
    static const struct option opts[] = {
        {"rubric", required_argument, NULL, 'r'},
        {"input", required_argument, NULL, 'i'},
        {"unit", required_argument, NULL, 'u'},
        {"phase", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *rubric = NULL, *input = NULL, *unit = NULL;
    kh_phase phase = KH_PHASE_INSPECTION;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":r:i:u:p:h", opts, NULL)) != -1) {
        switch (c) {
        case 'r': rubric = optarg; break;
        case 'i': input = optarg; break;
        case 'u': unit = optarg; break;
        case 'p':
            if (!kh_phase_parse(optarg, &phase))
                return kh_cli_usage_error(
                    "explain", "unknown phase '%s' (self or inspection)",
                    optarg);
            break;
        case 'h': explain_help(); return KH_EXIT_OK;
        default: return bad_option("explain", c, argv);
        }
    }
    if (optind < argc)
        return kh_cli_usage_error("explain", "unexpected argument '%s'",
                                  argv[optind]);
    if (!rubric)
        return kh_cli_usage_error("explain", "--rubric FILE is required");
    if (!input)
        return kh_cli_usage_error("explain", "--input FILE is required");
    if (!unit)
        return kh_cli_usage_error("explain", "--unit ID is required");

    kh_err *e = kh_err_new();
    if (!e) {
        fprintf(stderr, _("kaohe explain: out of memory\n"));
        return KH_EXIT_FAILURE;
    }
    kh_rubric *r;
    kh_assess *a;
    int rc = load(rubric, input, e, &r, &a);
    if (rc != KH_EXIT_OK) {
        kh_err_free(e);
        return rc;
    }
    kh_cli_print_errors(e);   /* warnings, if any */
    long u = kh_assess_unit_find(a, unit);
    if (u < 0) {
        fprintf(stderr, _("kaohe explain: %s: unknown unit \"%s\"\n"), input,
                unit);
        rc = KH_EXIT_INVALID;
    } else {
        kh_buf out;
        kh_buf_init(&out, 0);
        kh_status st = kh_explain(a, (size_t)u, phase, &out);
        if (st != KH_OK) {
            fprintf(stderr, _("kaohe explain: cannot produce output: %s\n"),
                    kh_status_str(st));
            rc = st == KH_ENOMEM || st == KH_ELIMIT ? KH_EXIT_FAILURE
                                                     : kh_cli_exit(st);
        } else {
            rc = kh_cli_write(NULL, &out);
        }
        kh_buf_free(&out);
    }
    kh_assess_free(a);
    kh_rubric_free(r);
    kh_err_free(e);
    return rc;
}
