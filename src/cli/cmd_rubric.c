/*
 * cmd_rubric.c - `kaohe rubric check|show`: validate a rubric file, or
 * print it as a table or JSON.  `import|export|diff|list` (versions in
 * the store) are handed to src/cli/cmd_rubric_store.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "kaohe/rubric.h"

static void usage_main(FILE *f)
{
    fprintf(f,
            _("Usage: kaohe rubric check FILE\n"
            "       kaohe rubric show FILE [--format table|json]\n"
            "       kaohe rubric import FILE\n"
            "       kaohe rubric export ID[@HASH] [-o FILE]\n"
            "       kaohe rubric diff A B\n"
            "       kaohe rubric list\n"
            "\n"
            "Checks a rubric file (评分体系, YAML or JSON) or shows it; keeps\n"
            "rubric versions in the store.\n"
            "\n"
            "Commands:\n"
            "  check   report every error and warning of FILE, each with its\n"
            "          place; prints \"FILE: ok (N categories, M items)\" when\n"
            "          it has no errors\n"
            "  show    print the rubric as a table (default) or as JSON\n"
            "  import  store FILE as a version (its id + SHA-256 of its text)\n"
            "  export  write a stored version back, byte for byte\n"
            "  diff    items added, removed and changed between two rubrics\n"
            "          (files, or stored versions)\n"
            "  list    the stored versions\n"
            "\n"
            "Run 'kaohe rubric COMMAND --help' for a command's options.\n"));
}

static void usage_check(FILE *f)
{
    fprintf(f,
            _("Usage: kaohe rubric check FILE\n"
            "\n"
            "Loads and validates the rubric FILE.  Every error and warning is\n"
            "printed to standard error as FILE:LINE:COL: PATH: message.  On\n"
            "success one line \"FILE: ok (N categories, M items)\" goes to\n"
            "standard output.\n"
            "\n"
            "Options:\n"
            "  -h, --help   show this help\n"
            "\n"
            "Exit status: 0 valid (warnings allowed), 1 errors found,\n"
            "2 usage error, 3 other failure.\n"));
}

static void usage_show(FILE *f)
{
    fprintf(f,
            _("Usage: kaohe rubric show FILE [--format table|json]\n"
            "\n"
            "Prints the rubric FILE: as a table for people (categories,\n"
            "items, 考核要点, 考核标准 and how each item is scored), or as\n"
            "JSON with the keys of the rubric file format.\n"
            "\n"
            "Options:\n"
            "  -f, --format FORMAT   table (default) or json\n"
            "  -h, --help            show this help\n"
            "\n"
            "Exit status: 0 success, 1 invalid rubric (errors printed),\n"
            "2 usage error, 3 other failure.\n"));
}

/* Parses the options of `rubric check` / `rubric show`; returns -1 to go
 * on, else an exit code.  *json set for --format json. */
static int parse(int argc, char **argv, const char *cmd, bool show,
                 const char **file, bool *json)
{
    static const struct option show_opts[] = {
        {"help", no_argument, NULL, 'h'},
        {"format", required_argument, NULL, 'f'},
        {NULL, 0, NULL, 0},
    };
    static const struct option check_opts[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    optind = 0;    /* GNU: full re-initialisation */
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, show ? ":hf:" : ":h",
                            show ? show_opts : check_opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            if (show)
                usage_show(stdout);
            else
                usage_check(stdout);
            return KH_EXIT_OK;
        case 'f':
            if (strcmp(optarg, "json") == 0)
                *json = true;
            else if (strcmp(optarg, "table") == 0)
                *json = false;
            else
                return kh_cli_usage_error(cmd, "unknown format '%s' "
                                          "(expected table or json)", optarg);
            break;
        case ':':
            return kh_cli_usage_error(cmd, "option '%s' needs a value",
                                      argv[optind - 1]);
        default:
            if (optopt)
                return kh_cli_usage_error(cmd, "unknown option '-%c'",
                                          optopt);
            return kh_cli_usage_error(cmd, "unknown option '%s'",
                                      argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return kh_cli_usage_error(cmd, "missing FILE");
    if (optind + 1 < argc)
        return kh_cli_usage_error(cmd, "unexpected argument '%s'",
                                  argv[optind + 1]);
    *file = argv[optind];
    return -1;
}

static int run(int argc, char **argv, bool show)
{
    const char *cmd = show ? "rubric show" : "rubric check";
    const char *file = NULL;
    bool json = false;
    int rc = parse(argc, argv, cmd, show, &file, &json);
    if (rc >= 0)
        return rc;

    kh_err *e = kh_err_new();
    if (!e) {
        fprintf(stderr, _("kaohe: out of memory\n"));
        return KH_EXIT_FAILURE;
    }
    kh_rubric *r = NULL;
    kh_status st = kh_rubric_load(file, e, &r);
    kh_cli_print_errors(e);
    kh_err_free(e);
    if (st != KH_OK)
        return kh_cli_exit(st);

    kh_buf b;
    kh_buf_init(&b, 0);
    if (show) {
        if (json)
            kh_rubric_show_json(r, &b);
        else
            kh_rubric_show_table(r, &b);
    } else {
        size_t nc = kh_rubric_category_count(r);
        size_t ni = kh_rubric_item_count(r);
        kh_buf_printf(&b, _("%s: ok (%zu %s, %zu %s)\n"), file, nc,
                      nc == 1 ? "category" : "categories", ni,
                      ni == 1 ? "item" : "items");
    }
    rc = kh_cli_write(NULL, &b);
    kh_buf_free(&b);
    kh_rubric_free(r);
    return rc;
}

int kh_cmd_rubric(int argc, char **argv)
{
    if (argc < 2)
        return kh_cli_usage_error("rubric", "missing command (check, show, "
                                  "import, export, diff or list)");
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
        usage_main(stdout);
        return KH_EXIT_OK;
    }
    /* Versions in the store: src/cli/cmd_rubric_store.c. */
    if (!strcmp(sub, "import") || !strcmp(sub, "export") ||
        !strcmp(sub, "diff") || !strcmp(sub, "list"))
        return kh_cmd_rubric_store(argc - 1, argv + 1);
    if (strcmp(sub, "check") == 0)
        return run(argc - 1, argv + 1, false);
    if (strcmp(sub, "show") == 0)
        return run(argc - 1, argv + 1, true);
    /* The store's rubric versions (src/cli/cmd_rubric_store.c). */
    if (strcmp(sub, "import") == 0 || strcmp(sub, "export") == 0 ||
        strcmp(sub, "diff") == 0 || strcmp(sub, "list") == 0)
        return kh_cmd_rubric_store(argc - 1, argv + 1);
    return kh_cli_usage_error("rubric", "unknown command '%s' (expected "
                              "check, show, import, export, diff or list)",
                              sub);
}
