/*
 * cmd_questionnaire.c - `kaohe questionnaire`: check and show a
 * questionnaire file (问卷); the store's versions, rounds, codes, paper
 * responses and tallies are in cmd_questionnaire_store.c.
 */
#include "store_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kaohe/store_survey.h"

static void help(void)
{
    printf(
        _("Usage: kaohe questionnaire check FILE\n"
        "       kaohe questionnaire show FILE|ID [--format table|json]\n"
        "\n"
        "A questionnaire (问卷, YAML or JSON; docs/SURVEY.md) has an id, a\n"
        "title, an audience and questions of type single, multiple, likert,\n"
        "number or text.\n"
        "\n"
        "Commands:\n"
        "  check   report every error of FILE, each with its place; prints\n"
        "          \"FILE: ok (N questions)\" when it has none\n"
        "  show    print a questionnaire file, or a stored one by its id\n"
        "          (ID or ID@HASH), as a table (default) or as JSON\n"
        "\n"
        "Options:\n"
        "  -f, --format FORMAT   table (default) or json (show)\n"
        "%s"
        "  -h, --help            show this help\n"
        "\n"
        "Exit status: 0 success, 1 invalid questionnaire or unknown id,\n"
        "2 usage error, 3 other failure.\n"), kh_cli_db_help());
}

static bool is_file(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* Loads FILE, or the stored version ID when no such file exists. */
static kh_status load(kh_cli_ctx *c, const char *arg, kh_questionnaire **q,
                      int *code)
{
    if (is_file(arg) || strchr(arg, '/') || strstr(arg, ".yaml") ||
        strstr(arg, ".json"))
        return kh_questionnaire_load(arg, c->e, q);
    *code = kh_cli_open(c, 0);
    if (*code != KH_EXIT_OK)
        return KH_EDB;
    return kh_store_questionnaire_load(c->store, arg, c->e, q, NULL);
}

static int check_show(int argc, char **argv, bool show)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, KH_OPT_DB},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *cmd = show ? "questionnaire show" : "questionnaire check";
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, cmd))
        return KH_EXIT_FAILURE;
    bool json = false;
    int o, rc = -1;
    optind = 1;
    opterr = 0;
    while (rc < 0 && (o = getopt_long(argc, argv, ":f:h", opts, NULL)) != -1) {
        if (show && kh_cli_common_opt(&c, o, optarg))
            continue;
        if (o == 'f' && show && !strcmp(optarg, "json"))
            json = true;
        else if (o == 'f' && show && !strcmp(optarg, "table"))
            json = false;
        else if (o == 'f' && show)
            rc = kh_cli_usage_error(cmd, "unknown format '%s' (expected "
                                    "table or json)", optarg);
        else if (o == 'h') {
            help();
            rc = KH_EXIT_OK;
        } else
            rc = kh_cli_bad_option(cmd, o, argv);
    }
    if (rc < 0 && argc - optind != 1)
        rc = argc - optind > 1
                 ? kh_cli_usage_error(cmd, "unexpected argument '%s'",
                                      argv[optind + 1])
                 : kh_cli_usage_error(cmd, show ? "missing FILE or ID"
                                                : "missing FILE");
    if (rc >= 0) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    const char *arg = argv[optind];
    kh_questionnaire *q = NULL;
    int code = KH_EXIT_OK;
    kh_status st = show ? load(&c, arg, &q, &code)
                        : kh_questionnaire_load(arg, c.e, &q);
    if (code != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return code;
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    if (st == KH_OK) {
        if (!show)
            kh_buf_printf(&b, _("%s: ok (%zu questions)\n"), arg,
                          kh_questionnaire_count(q));
        else if (json)
            st = kh_questionnaire_show_json(q, &b);
        else
            st = kh_questionnaire_show_table(q, &b);
    }
    rc = st == KH_OK ? kh_cli_write(NULL, &b) : KH_EXIT_OK;
    kh_buf_free(&b);
    kh_questionnaire_free(q);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}

int kh_cmd_questionnaire(int argc, char **argv)
{
    if (argc < 2)
        return kh_cli_usage_error("questionnaire", "missing command (check, "
                                  "show, import, round, codes, "
                                  "import-responses or tally)");
    const char *sub = argv[1];
    if (!strcmp(sub, "--help") || !strcmp(sub, "-h")) {
        help();
        kh_questionnaire_store_help();
        kh_questionnaire_decide_help();
        return KH_EXIT_OK;
    }
    if (!strcmp(sub, "check"))
        return check_show(argc - 1, argv + 1, false);
    if (!strcmp(sub, "show"))
        return check_show(argc - 1, argv + 1, true);
    if (!strcmp(sub, "import") || !strcmp(sub, "round") ||
        !strcmp(sub, "codes") || !strcmp(sub, "import-responses") ||
        !strcmp(sub, "tally") || !strcmp(sub, "suggest"))
        return kh_cmd_questionnaire_store(argc - 1, argv + 1);
    if (!strcmp(sub, "keep") || !strcmp(sub, "override") ||
        !strcmp(sub, "decisions"))
        return kh_cmd_questionnaire_decide(argc - 1, argv + 1);
    return kh_cli_usage_error("questionnaire", "unknown command '%s' "
                              "(expected check, show, import, round, codes, "
                              "import-responses, tally, suggest, keep, "
                              "override or decisions)", sub);
}
