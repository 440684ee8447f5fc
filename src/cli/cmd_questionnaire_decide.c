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
    OPT_ITEM = KH_OPT_FIRST_FREE, OPT_INPUT, OPT_VALUE, OPT_REASON, OPT_NOTE
};

static const struct option opts[] = {
    KH_CLI_STORE_OPTS,
    KH_CLI_SCOPE_OPTS,   /* --year only: no -y in the short options */
    {"item", required_argument, NULL, OPT_ITEM},
    {"input", required_argument, NULL, OPT_INPUT},
    {"value", required_argument, NULL, OPT_VALUE},
    {"reason", required_argument, NULL, OPT_REASON},
    {"note", required_argument, NULL, OPT_NOTE},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

static void decide_help(void)
{
    printf("Usage:");
    kh_questionnaire_decide_help();
}

/* What decide_option fills, and the command for its messages. */
typedef struct decide_args {
    kh_source_write *w;
    const char *cmd;
} decide_args;

/* One option of w (kh_cli_parse takes --year and --unit); -1 to go on,
 * else an exit code. */
static int decide_option(void *args, int o, char *arg, char **argv)
{
    const decide_args *d = args;
    kh_source_write *w = d->w;
    switch (o) {
    case OPT_ITEM: w->item = arg; break;
    case OPT_INPUT: w->input = arg; break;
    case OPT_VALUE: w->value = arg; break;
    case OPT_REASON: w->reason = arg; break;
    case OPT_NOTE: w->note = arg; break;
    default: return kh_cli_bad_option(d->cmd, o, argv);
    }
    return -1;
}

/* What the options gave; -1 to go on, else an exit code. */
static int parse(kh_cli_ctx *c, const char *cmd, int argc, char **argv,
                 kh_source_write *w)
{
    decide_args d = {w, cmd};
    const kh_cli_parse_spec sp = {
        .shortopts = ":h", .opts = opts, .help = decide_help,
        .year = &w->year, .unit = &w->unit, .fn = decide_option, .args = &d};
    return kh_cli_parse(c, cmd, argc, argv, &sp);
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
