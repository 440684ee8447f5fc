/*
 * cmd_followup.c - `kaohe followup talk add|item add|item close|list`
 * (考核结果运用: reminder talks and rectification items of a published
 * year's bottom units), `kaohe followup report add|accept|return` (the
 * units' rectification reports, 整改报告, and the admin's decisions) and
 * `kaohe practice add|list` (有效做法和特色经验).
 */
#include "store_cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/export.h"
#include "kaohe/i18n.h"
#include "kaohe/store_evidence.h"
#include "kaohe/store_followup.h"

enum {
    OPT_DATE = KH_OPT_FIRST_FREE,
    OPT_BY,
    OPT_SUMMARY,
    OPT_TEXT,
    OPT_DEADLINE,
    OPT_EVIDENCE,
    OPT_TITLE,
    OPT_TO,
    OPT_REASON
};

/* The subcommands, in the order of run()'s switch. */
enum {
    FU_TALK_ADD, FU_ITEM_ADD, FU_ITEM_CLOSE, FU_LIST, FU_PRACTICE_ADD,
    FU_PRACTICE_LIST, FU_REPORT_ADD, FU_REPORT_ACCEPT, FU_REPORT_RETURN
};

static void followup_help(void)
{
    printf(
        "Usage: kaohe followup talk add --year Y --unit U --date D --by NAME\n"
        "                               [--to NAMES] --summary TEXT\n"
        "       kaohe followup item add --year Y --unit U --text TEXT\n"
        "                               --deadline D\n"
        "       kaohe followup item close ID --date D [--evidence FILE]\n"
        "       kaohe followup list --year Y [--format table|json|csv|html]\n"
        "       kaohe followup report add ITEM --year Y --unit U --text TEXT\n"
        "                               [--evidence FILE]\n"
        "       kaohe followup report accept ID [--year Y]\n"
        "       kaohe followup report return ID --reason TEXT [--year Y]\n"
        "\n"
        "Using the results (考核结果运用): the units ranked in the bottom\n"
        "places of a published year (from its frozen results) get a\n"
        "reminder talk (提醒谈话) and rectification items (整改意见) with a\n"
        "deadline, closed when done.  Records are written only while the\n"
        "year is published; a unit outside the bottom list is refused.\n"
        "Dates are written YYYY-MM-DD.\n"
        "\n"
        "Commands:\n"
        "  talk add     record a reminder talk: when, who talked, summary\n"
        "  item add     add a rectification item with its deadline\n"
        "  item close   mark item ID done on a date, with optional evidence\n"
        "  list         every bottom unit with its talks and items; items\n"
        "               past their deadline and not done are overdue\n"
        "  report add   the unit's rectification report (整改报告) on its\n"
        "               item ITEM: text and optional evidence\n"
        "  report accept  accept report ID: the item is closed (销号) today\n"
        "  report return  return report ID with a reason; the unit reports\n"
        "               again\n"
        "\n"
        "Options:\n"
        "  -y, --year YEAR       the year\n"
        "      --unit ID         the unit\n"
        "      --date D          the day of the talk / of completion\n"
        "      --by NAME         who talked (e.g. 党委副书记 张三)\n"
        "      --to NAMES        whom with: the unit's 分管领导 and 负责人\n"
        "      --reason TEXT     why a report is returned\n"
        "      --summary TEXT    what was said\n"
        "      --text TEXT       the rectification item\n"
        "      --deadline D      its deadline\n"
        "      --evidence FILE   proof of completion (PDF, JPEG, PNG, Word,\n"
        "                        Excel; at most 20 MiB)\n"
        "  -f, --format FORMAT   list: table (default), json, csv or html (a\n"
        "                        printable page)\n"
        KH_STORE_OPTS_HELP
        "  -h, --help            show this help\n"
        "\n"
        "Exit status: 0 success, 1 invalid input or refused (every error\n"
        "printed), 2 usage error, 3 other failure.\n");
}

static void practice_help(void)
{
    printf(
        "Usage: kaohe practice add --year Y --unit U --title TITLE --text TEXT\n"
        "       kaohe practice list --year Y [--format table|json]\n"
        "\n"
        "Good practices and distinctive experience (有效做法和特色经验) of\n"
        "a year's units, to be shared across the college.  They are\n"
        "recorded from inspection until the year is published.\n"
        "\n"
        "Options:\n"
        "  -y, --year YEAR       the year\n"
        "      --unit ID         the unit\n"
        "      --title TITLE     a short title\n"
        "      --text TEXT       the practice\n"
        "  -f, --format FORMAT   list: table (default) or json\n"
        KH_STORE_OPTS_HELP
        "  -h, --help            show this help\n"
        "\n"
        "Exit status: 0 success, 1 invalid input or refused (every error\n"
        "printed), 2 usage error, 3 other failure.\n");
}

/* Everything the two commands' options can carry. */
typedef struct fopts {
    int year;
    const char *unit, *date, *by, *summary, *text, *deadline, *evidence,
        *title, *to, *reason;
    bool json;
    const char *doc;    /* "csv" or "html" (followup list), else NULL */
    const char *cmd;    /* for messages */
    void (*help)(void); /* the command's help: followup takes csv, html */
} fopts;

static const struct option long_opts[] = {
    KH_CLI_STORE_OPTS,
    KH_CLI_SCOPE_OPTS,
    {"date", required_argument, NULL, OPT_DATE},
    {"by", required_argument, NULL, OPT_BY},
    {"summary", required_argument, NULL, OPT_SUMMARY},
    {"text", required_argument, NULL, OPT_TEXT},
    {"deadline", required_argument, NULL, OPT_DEADLINE},
    {"evidence", required_argument, NULL, OPT_EVIDENCE},
    {"title", required_argument, NULL, OPT_TITLE},
    {"to", required_argument, NULL, OPT_TO},
    {"reason", required_argument, NULL, OPT_REASON},
    {"format", required_argument, NULL, 'f'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

/* Applies one option of fopts (kh_cli_parse takes --year and --unit);
 * an exit code when the run ends here, else -1. */
static int fu_option(void *args, int o, char *arg, char **argv)
{
    fopts *f = args;
    (void)argv;
    switch (o) {
    case 'f':
        if (strcmp(arg, "json") == 0)
            f->json = true;
        else if (f->help == followup_help &&
                 (!strcmp(arg, "csv") || !strcmp(arg, "html")))
            f->doc = arg;
        else if (strcmp(arg, "table") != 0)
            return kh_cli_usage_error(f->cmd, "unknown format '%s' "
                                      "(expected table or json)", arg);
        break;
    case OPT_DATE: f->date = arg; break;
    case OPT_BY: f->by = arg; break;
    case OPT_SUMMARY: f->summary = arg; break;
    case OPT_TEXT: f->text = arg; break;
    case OPT_DEADLINE: f->deadline = arg; break;
    case OPT_EVIDENCE: f->evidence = arg; break;
    case OPT_TITLE: f->title = arg; break;
    case OPT_TO: f->to = arg; break;
    case OPT_REASON: f->reason = arg; break;
    default: break;
    }
    return -1;
}

/* Parses options; `allowed` lists the option codes this subcommand takes
 * (0-terminated).  Returns -1 to go on, else an exit code. */
static int parse_opts(kh_cli_ctx *c, const char *cmd, int argc, char **argv,
                      const int *allowed, void (*help)(void), fopts *f)
{
    f->cmd = cmd;
    f->help = help;
    const kh_cli_parse_spec sp = {
        .shortopts = ":y:f:h", .opts = long_opts, .allowed = allowed,
        .help = help, .year = &f->year, .unit = &f->unit,
        .positional = true, .fn = fu_option, .args = f};
    return kh_cli_parse(c, cmd, argc, argv, &sp);
}

/* The evidence file (if any) and the report land together or not at
 * all. */
static kh_status report_add(kh_cli_ctx *c, const fopts *f, int64_t item,
                            kh_buf *b)
{
    const char *actor = kh_cli_actor(c);
    char hash[KH_EVIDENCE_HASH_SZ];
    int64_t nid = 0;
    kh_status st = kh_store_begin(c->store, c->e);
    if (st != KH_OK)
        return st;
    if (f->evidence)
        st = kh_store_evidence_put_file(c->store, actor, f->evidence, 0, hash,
                                        c->e);
    if (st == KH_OK)
        st = kh_store_followup_report_add(c->store, actor, f->year, f->unit,
                                          item, f->text,
                                          f->evidence ? hash : NULL, &nid,
                                          c->e);
    if (st == KH_OK)
        st = kh_store_commit(c->store, c->e);
    else
        kh_store_rollback(c->store);
    if (st == KH_OK)
        kh_buf_printf(b, _("Rectification report #%lld submitted on item #%lld\n"),
                      (long long)nid, (long long)item);
    return st;
}

/* report add, accept, return. */
static kh_status run_report(kh_cli_ctx *c, int which, const fopts *f,
                            int64_t id, kh_buf *b)
{
    if (which == FU_REPORT_ADD)
        return report_add(c, f, id, b);
    bool accept = which == FU_REPORT_ACCEPT;
    kh_status st = kh_store_followup_report_decide(
        c->store, kh_cli_actor(c), f->year, id, accept, f->reason, c->e);
    if (st == KH_OK)
        kh_buf_printf(b, accept ? _("Rectification report #%lld accepted: its "
                                    "item is closed\n")
                                : _("Rectification report #%lld returned "
                                    "to the unit\n"),
                      (long long)id);
    return st;
}

/* Opens the store and runs one subcommand (which: 0 talk add, 1 item
 * add, 2 item close, 3 list, 4 practice add, 5 practice list). */
static int run(kh_cli_ctx *c, int which, const fopts *f, int64_t id)
{
    int rc = kh_cli_open(c, 0);
    if (rc != KH_EXIT_OK) {
        kh_cli_finish(c, KH_OK);
        return rc;
    }
    const char *actor = kh_cli_actor(c);
    kh_followup_format fmt = f->json ? KH_FOLLOWUP_JSON : KH_FOLLOWUP_TABLE;
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st = KH_OK;
    int64_t nid = 0;
    switch (which) {
    case 0:
        st = kh_store_followup_talk_add(c->store, actor, f->year, f->unit,
                                        f->date, f->by, f->to, f->summary,
                                        &nid, c->e);
        if (st == KH_OK)
            kh_buf_printf(&b, _("Reminder talk #%lld recorded (%s, %s)\n"),
                          (long long)nid, f->unit, f->date);
        break;
    case 1:
        st = kh_store_followup_item_add(c->store, actor, f->year, f->unit,
                                        f->text, f->deadline, &nid, c->e);
        if (st == KH_OK)
            kh_buf_printf(&b, _("Rectification item #%lld added (%s, "
                                "deadline %s)\n"),
                          (long long)nid, f->unit, f->deadline);
        break;
    case 2: {
        /* The evidence and the closing land together or not at all. */
        char hash[KH_EVIDENCE_HASH_SZ];
        st = kh_date_check(f->date, "date", c->e);
        if (st == KH_OK)
            st = kh_store_begin(c->store, c->e);
        if (st != KH_OK)
            break;
        if (f->evidence)
            st = kh_store_evidence_put_file(c->store, actor, f->evidence, 0,
                                            hash, c->e);
        if (st == KH_OK)
            st = kh_store_followup_item_close(c->store, actor, id, f->date,
                                              f->evidence ? hash : NULL,
                                              c->e);
        if (st == KH_OK)
            st = kh_store_commit(c->store, c->e);
        else
            kh_store_rollback(c->store);
        if (st == KH_OK) {
            kh_buf_printf(&b, _("Rectification item #%lld done (%s)"),
                          (long long)id, f->date);
            if (f->evidence)
                kh_buf_printf(&b, _(", evidence %.*s"), KH_STORE_HASH_SHOW,
                              hash);
            kh_buf_putc(&b, '\n');
        }
        break;
    }
    case 3:
        if (f->doc) {
            /* The report documents (lib/docs/export_followup.c). */
            kh_export *x = NULL;
            st = kh_export_open(c->store, f->year, c->e, &x);
            if (st == KH_OK)
                st = !strcmp(f->doc, "csv")
                         ? kh_export_followup_csv(x, &b, c->e)
                         : kh_export_followup_html(x, &b, c->e);
            kh_export_free(x);
            break;
        }
        st = kh_store_followup_report(c->store, f->year, fmt, &b, c->e);
        break;
    case 4:
        st = kh_store_practice_add(c->store, actor, f->year, f->unit,
                                   f->title, f->text, &nid, c->e);
        if (st == KH_OK)
            kh_buf_printf(&b, _("Good practice #%lld recorded (%s)\n"),
                          (long long)nid, f->unit);
        break;
    case FU_PRACTICE_LIST:
        st = kh_store_practice_report(c->store, f->year, fmt, &b, c->e);
        break;
    default:
        st = run_report(c, which, f, id, &b);
        break;
    }
    rc = st == KH_OK ? kh_cli_write(NULL, &b) : KH_EXIT_OK;
    kh_buf_free(&b);
    int rc2 = kh_cli_finish(c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}

int kh_cmd_followup(int argc, char **argv)
{
    if (argc < 2)
        return kh_cli_usage_error("followup", "missing command (talk add, "
                                  "item add, item close or list)");
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        followup_help();
        return KH_EXIT_OK;
    }
    int which = -1, skip = 2;
    if (argc >= 3 && !strcmp(argv[1], "report")) {
        static const char *const rsub[] = {"add", "accept", "return"};
        for (int k = 0; k < 3; k++)
            if (!strcmp(argv[2], rsub[k]))
                which = FU_REPORT_ADD + k;
    }
    if (!strcmp(argv[1], "list")) {
        which = 3;
        skip = 1;
    } else if (argc >= 3 && !strcmp(argv[1], "talk") &&
               !strcmp(argv[2], "add")) {
        which = 0;
    } else if (argc >= 3 && !strcmp(argv[1], "item") &&
               !strcmp(argv[2], "add")) {
        which = 1;
    } else if (argc >= 3 && !strcmp(argv[1], "item") &&
               !strcmp(argv[2], "close")) {
        which = 2;
    }
    if (which < 0)
        return kh_cli_usage_error("followup", "unknown command '%s%s%s' "
                                  "(expected talk add, item add, item close, "
                                  "list or report add|accept|return)",
                                  argv[1], argc >= 3 ? " " : "",
                                  argc >= 3 ? argv[2] : "");
    static const char *const names[] = {"followup talk add",
                                        "followup item add",
                                        "followup item close",
                                        "followup list", "", "",
                                        "followup report add",
                                        "followup report accept",
                                        "followup report return"};
    static const int allowed[][8] = {
        {'y', KH_OPT_UNIT, OPT_DATE, OPT_BY, OPT_TO, OPT_SUMMARY, 0},
        {'y', KH_OPT_UNIT, OPT_TEXT, OPT_DEADLINE, 0},
        {OPT_DATE, OPT_EVIDENCE, 0},
        {'y', 'f', 0},
        {0},
        {0},
        {'y', KH_OPT_UNIT, OPT_TEXT, OPT_EVIDENCE, 0},
        {'y', 0},
        {'y', OPT_REASON, 0}};
    const char *cmd = names[which];
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, cmd))
        return KH_EXIT_FAILURE;
    fopts f = {0};
    argc -= skip;
    argv += skip;
    int rc = parse_opts(&c, cmd, argc, argv, allowed[which], followup_help,
                        &f);
    int64_t id = 0;
    int npos = argc - optind;
    bool takes_id = which == FU_ITEM_CLOSE || which >= FU_REPORT_ADD;
    const char *idname = which >= FU_REPORT_ACCEPT ? "report" : "item";
    if (rc < 0 && takes_id) {
        if (npos == 0)
            rc = kh_cli_usage_error(cmd, "missing %s ID", idname);
        else if (!kh_cli_id(argv[optind], &id))
            rc = kh_cli_usage_error(cmd, "'%s' is not %s %s ID (a number "
                                    "as 'followup list' shows it)",
                                    argv[optind],
                                    *idname == 'i' ? "an" : "a", idname);
        else
            optind++, npos--;
    }
    if (rc < 0 && npos > 0)
        rc = kh_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (rc < 0 && !takes_id && !f.year)
        rc = kh_cli_usage_error(cmd, "--year YEAR is required");
    if (rc < 0 && which == FU_REPORT_ADD) {
        const char *n[] = {"--year YEAR", "--unit ID", "--text TEXT"};
        const char *v[] = {f.year ? "" : NULL, f.unit, f.text};
        rc = kh_cli_need(cmd, n, v, 3);
    }
    if (rc < 0 && which == FU_REPORT_RETURN && !f.reason)
        rc = kh_cli_usage_error(cmd, "--reason TEXT is required");
    if (rc < 0 && which == 0) {
        const char *n[] = {"--unit ID", "--date D", "--by NAME",
                           "--summary TEXT"};
        const char *v[] = {f.unit, f.date, f.by, f.summary};
        rc = kh_cli_need(cmd, n, v, 4);
    }
    if (rc < 0 && which == 1) {
        const char *n[] = {"--unit ID", "--text TEXT", "--deadline D"};
        const char *v[] = {f.unit, f.text, f.deadline};
        rc = kh_cli_need(cmd, n, v, 3);
    }
    if (rc < 0 && which == 2 && !f.date)
        rc = kh_cli_usage_error(cmd, "--date D is required");
    if (rc >= 0) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    return run(&c, which, &f, id);
}

int kh_cmd_practice(int argc, char **argv)
{
    if (argc < 2)
        return kh_cli_usage_error("practice", "missing command (add or "
                                  "list)");
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        practice_help();
        return KH_EXIT_OK;
    }
    bool add = !strcmp(argv[1], "add");
    if (!add && strcmp(argv[1], "list") != 0)
        return kh_cli_usage_error("practice", "unknown command '%s' "
                                  "(expected add or list)", argv[1]);
    static const int allowed_add[] = {'y', KH_OPT_UNIT, OPT_TITLE, OPT_TEXT, 0};
    static const int allowed_list[] = {'y', 'f', 0};
    const char *cmd = add ? "practice add" : "practice list";
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, cmd))
        return KH_EXIT_FAILURE;
    fopts f = {0};
    argc--;
    argv++;
    int rc = parse_opts(&c, cmd, argc, argv, add ? allowed_add : allowed_list,
                        practice_help, &f);
    if (rc < 0 && optind < argc)
        rc = kh_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (rc < 0 && !f.year)
        rc = kh_cli_usage_error(cmd, "--year YEAR is required");
    if (rc < 0 && add) {
        const char *n[] = {"--unit ID", "--title TITLE", "--text TEXT"};
        const char *v[] = {f.unit, f.title, f.text};
        rc = kh_cli_need(cmd, n, v, 3);
    }
    if (rc >= 0) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    return run(&c, add ? 4 : 5, &f, 0);
}
