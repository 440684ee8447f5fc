/*
 * cmd_questionnaire_decide.c - `kaohe questionnaire keep|override|
 * decisions`: what the inspectors did with a judgement a questionnaire
 * suggests (the rubric's `source:`, docs/SURVEY.md).  `kaohe
 * questionnaire` (cmd_questionnaire.c) hands these here.
 */
#include "store_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/i18n.h"
#include "kaohe/store_source.h"

void kh_questionnaire_decide_help(void)
{
    printf(
        "\n"
        "       kaohe questionnaire keep --year Y --unit ID --item ITEM\n"
        "             [--input NAME] [--note TEXT]\n"
        "       kaohe questionnaire override --year Y --unit ID --item ITEM\n"
        "             --value V --reason TEXT [--input NAME] [--note TEXT]\n"
        "       kaohe questionnaire decisions --year Y [--unit ID]\n"
        "\n"
        "  keep              set the unit's inspection judgement to what the\n"
        "                    questionnaires suggest now, and record that\n"
        "  override          set it to V instead, with the reason why\n"
        "                    (--input: the judgement, when the item has\n"
        "                    several with a source; --note: the entry's\n"
        "                    note, needed below full marks)\n"
        "  decisions         list what was kept or overridden\n");
}

enum {
    OPT_YEAR = KH_OPT_FIRST_FREE, OPT_UNIT, OPT_ITEM, OPT_INPUT, OPT_VALUE,
    OPT_REASON, OPT_NOTE
};

static const struct option opts[] = {
    {"db", required_argument, NULL, KH_OPT_DB},
    {"data-dir", required_argument, NULL, KH_OPT_DATA_DIR},
    {"as", required_argument, NULL, KH_OPT_AS},
    {"year", required_argument, NULL, OPT_YEAR},
    {"unit", required_argument, NULL, OPT_UNIT},
    {"item", required_argument, NULL, OPT_ITEM},
    {"input", required_argument, NULL, OPT_INPUT},
    {"value", required_argument, NULL, OPT_VALUE},
    {"reason", required_argument, NULL, OPT_REASON},
    {"note", required_argument, NULL, OPT_NOTE},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

/* What the options gave; -1 to go on, else an exit code. */
static int parse(kh_cli_ctx *c, const char *cmd, int argc, char **argv,
                 kh_source_write *w)
{
    int o;
    optind = 1;
    opterr = 0;
    while ((o = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (kh_cli_common_opt(c, o, optarg))
            continue;
        switch (o) {
        case OPT_YEAR:
            if (!kh_cli_year(cmd, optarg, &w->year))
                return KH_EXIT_USAGE;
            break;
        case OPT_UNIT: w->unit = optarg; break;
        case OPT_ITEM: w->item = optarg; break;
        case OPT_INPUT: w->input = optarg; break;
        case OPT_VALUE: w->value = optarg; break;
        case OPT_REASON: w->reason = optarg; break;
        case OPT_NOTE: w->note = optarg; break;
        case 'h':
            printf("Usage:");
            kh_questionnaire_decide_help();
            return KH_EXIT_OK;
        default: return kh_cli_bad_option(cmd, o, argv);
        }
    }
    if (optind < argc)
        return kh_cli_usage_error(cmd, "unexpected argument '%s'",
                                  argv[optind]);
    return -1;
}

/* What each subcommand needs; -1 or an exit code. */
static int need(const char *cmd, bool list, const kh_source_write *w)
{
    if (!w->year)
        return kh_cli_usage_error(cmd, "missing --year");
    if (list)
        return -1;
    if (!w->unit || !w->item)
        return kh_cli_usage_error(cmd, "needs --unit and --item");
    if (w->keep && (w->value || w->reason))
        return kh_cli_usage_error(cmd, "keep takes no --value or --reason");
    if (!w->keep && (!w->value || !w->reason))
        return kh_cli_usage_error(cmd, "needs --value and --reason");
    return -1;
}

typedef struct list_ctx {
    kh_buf *b;
    size_t n;
} list_ctx;

static kh_status list_row(void *ctx, const kh_source_row *row)
{
    list_ctx *l = ctx;
    kh_buf_printf(l->b, "%s  %s  %s  ", row->unit, row->item, row->input);
    kh_source_describe(row, l->b);
    kh_buf_printf(l->b, "  (%s, %s)\n", row->decided_by, row->decided_cn);
    l->n++;
    return kh_buf_status(l->b);
}

static kh_status run(kh_cli_ctx *c, bool list, kh_source_write *w,
                     kh_buf *b)
{
    if (list) {
        list_ctx l = {b, 0};
        kh_status st = kh_store_source_each(c->store, w->year, w->unit, NULL,
                                            list_row, &l, c->e);
        if (st == KH_OK && l.n == 0)
            kh_buf_puts(b, _("no decisions\n"));
        return st;
    }
    w->actor = kh_cli_actor(c);
    kh_status st = kh_store_source_decide(c->store, w, c->e);
    if (st == KH_OK)
        kh_buf_printf(b, w->keep ? _("%s %s: suggestion kept\n")
                                 : _("%s %s: suggestion overridden\n"),
                      w->unit, w->item);
    return st;
}

int kh_cmd_questionnaire_decide(int argc, char **argv)
{
    const char *sub = argv[0];
    char cmd[64];
    snprintf(cmd, sizeof cmd, "questionnaire %s", sub);
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, cmd))
        return KH_EXIT_FAILURE;
    bool list = !strcmp(sub, "decisions");
    kh_source_write w = {.keep = !strcmp(sub, "keep"),
                         .expect_version = KH_VERSION_ANY};
    int rc = parse(&c, cmd, argc, argv, &w);
    if (rc < 0)
        rc = need(cmd, list, &w);
    if (rc >= 0 || (rc = kh_cli_open(&c, 0)) != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st = run(&c, list, &w, &b);
    rc = st == KH_OK ? kh_cli_write(NULL, &b) : KH_EXIT_OK;
    kh_buf_free(&b);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}
