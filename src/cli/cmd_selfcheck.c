/*
 * cmd_selfcheck.c - `kaohe selfcheck submit|return|list`: a unit's
 * self-check submission (提交自查, with its 自查报告 and an optional
 * signed scan kept as evidence), the admin's return (退回) with a reason,
 * and the progress of every unit (lib/store/store_schedule.c).
 */
#include "store_cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kaohe/i18n.h"
#include "kaohe/store_evidence.h"
#include "kaohe/store_schedule.h"

enum {
    OPT_YEAR = KH_OPT_FIRST_FREE,
    OPT_UNIT,
    OPT_REPORT,
    OPT_REPORT_FILE,
    OPT_SCAN,
    OPT_REASON
};

static void selfcheck_help(void)
{
    printf(
        "Usage: kaohe selfcheck submit --year Y --unit U (--report TEXT |\n"
        "                              --report-file FILE) [--scan FILE]\n"
        "       kaohe selfcheck return --year Y --unit U --reason TEXT\n"
        "       kaohe selfcheck list --year Y\n"
        "\n"
        "A unit submits (提交) its self-check once every item that applies\n"
        "to it is filled, with its self-check report (自查报告) and, if\n"
        "wanted, the signed scan (PDF or image, kept as evidence).  From\n"
        "then on its self entries are locked until an administrator\n"
        "returns (退回) it with a reason.  Both need the self_check state.\n"
        "list shows every unit's progress: items filled of those that\n"
        "apply, evidence files, submitted, times returned, days late.\n"
        "\n"
        "Options:\n"
        "  -y, --year Y          the year\n"
        "  -u, --unit U          the unit's id\n"
        "      --report TEXT     the self-check report\n"
        "      --report-file F   the report from a file (- : stdin)\n"
        "      --scan FILE       the signed report, scanned\n"
        "      --reason TEXT     why it is returned\n"
        KH_STORE_OPTS_HELP
        "  -h, --help            show this help\n"
        "\n"
        "Exit status: 0 success, 1 invalid input or not allowed, 2 usage\n"
        "error, 3 other failure.\n");
}

typedef struct sc_args {
    const char *sub, *unit, *report, *report_file, *scan, *reason;
    int year;
    const char *cmd;           /* for messages */
} sc_args;

/* One option of sc_args (kh_cli_parse takes --year); an exit code, or
 * -1. */
static int sc_option(void *args, int o, char *arg, char **argv)
{
    sc_args *a = args;
    switch (o) {
    case 'u': a->unit = arg; break;
    case OPT_REPORT: a->report = arg; break;
    case OPT_REPORT_FILE: a->report_file = arg; break;
    case OPT_SCAN: a->scan = arg; break;
    case OPT_REASON: a->reason = arg; break;
    default: return kh_cli_bad_option(a->cmd, o, argv);
    }
    return -1;
}

static int sc_options(kh_cli_ctx *c, int argc, char **argv, sc_args *a)
{
    static const struct option opts[] = {
        KH_CLI_STORE_OPTS,
        {"year", required_argument, NULL, 'y'},
        {"unit", required_argument, NULL, 'u'},
        {"report", required_argument, NULL, OPT_REPORT},
        {"report-file", required_argument, NULL, OPT_REPORT_FILE},
        {"scan", required_argument, NULL, OPT_SCAN},
        {"reason", required_argument, NULL, OPT_REASON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    a->cmd = c->cmd;
    const kh_cli_parse_spec sp = {
        .shortopts = ":y:u:h", .opts = opts, .help = selfcheck_help,
        .year = &a->year, .fn = sc_option, .args = a};
    int rc = kh_cli_parse(c, c->cmd, argc, argv, &sp);
    if (rc >= 0)
        return rc;
    if (!a->year)
        return kh_cli_usage_error(c->cmd, "missing --year");
    bool list = !strcmp(a->sub, "list");
    if (!list && !a->unit)
        return kh_cli_usage_error(c->cmd, "missing --unit");
    if (!strcmp(a->sub, "submit") && !a->report == !a->report_file)
        return kh_cli_usage_error(c->cmd, "give --report or --report-file");
    if (!strcmp(a->sub, "return") && !a->reason)
        return kh_cli_usage_error(c->cmd, "missing --reason");
    return -1;
}

static kh_status do_submit(kh_cli_ctx *c, const sc_args *a, kh_buf *out)
{
    kh_buf text;
    kh_buf_init(&text, KH_SCHED_REPORT_MAX + 1);
    kh_status st = KH_OK;
    if (a->report_file && (st = kh_cli_read(a->report_file, &text, c->e)) ==
                              KH_ELIMIT)
        st = kh_err_fail(c->e, KH_EINVAL, "%s: is longer than %d bytes",
                         a->report_file, KH_SCHED_REPORT_MAX);
    char hash[KH_EVIDENCE_HASH_SZ];
    if (st == KH_OK && a->scan)
        st = kh_store_evidence_put_file(c->store, kh_cli_actor(c), a->scan, 0,
                                        hash, c->e);
    if (st == KH_OK)
        st = kh_store_selfcheck_submit(
            c->store, kh_cli_actor(c), a->year, a->unit,
            a->report ? a->report : kh_buf_str(&text),
            a->scan ? hash : NULL, c->e);
    if (st == KH_OK)
        kh_buf_printf(out, _("%d %s: self-check submitted\n"), a->year,
                      a->unit);
    kh_buf_free(&text);
    return st;
}

static kh_status list_row(void *ctx, const kh_unit_progress *p)
{
    kh_buf *b = ctx;
    kh_buf_printf(b, "%-10s %s  %" PRId64 "/%" PRId64 "  %" PRId64 "  %s  %"
                     PRId64 "  %" PRId64 "\n",
                  p->unit, p->name, p->filled, p->applicable, p->evidence,
                  p->submitted ? _("submitted") : _("not submitted"),
                  p->returns, p->days_late);
    return kh_buf_status(b);
}

static kh_status sc_run(kh_cli_ctx *c, const sc_args *a, kh_buf *out)
{
    if (!strcmp(a->sub, "submit"))
        return do_submit(c, a, out);
    if (!strcmp(a->sub, "list")) {
        kh_buf_puts(out, _("unit name filled/applicable evidence submitted "
                           "returns days-late\n"));
        return kh_store_progress_each(c->store, a->year, NULL, 0, list_row,
                                      out, c->e);
    }
    kh_status st = kh_store_selfcheck_return(c->store, kh_cli_actor(c),
                                             a->year, a->unit, a->reason,
                                             c->e);
    if (st == KH_OK)
        kh_buf_printf(out, _("%d %s: self-check returned\n"), a->year,
                      a->unit);
    return st;
}

int kh_cmd_selfcheck(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        if (argc < 2)
            return kh_cli_usage_error("selfcheck", "missing command (submit, "
                                      "return or list)");
        selfcheck_help();
        return KH_EXIT_OK;
    }
    sc_args a = {.sub = argv[1]};
    if (strcmp(a.sub, "submit") && strcmp(a.sub, "return") &&
        strcmp(a.sub, "list"))
        return kh_cli_usage_error("selfcheck", "unknown command '%s' "
                                  "(expected submit, return or list)",
                                  a.sub);
    char cmd[32];
    snprintf(cmd, sizeof cmd, "selfcheck %s", a.sub);
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, cmd))
        return KH_EXIT_FAILURE;
    int rc = sc_options(&c, argc - 1, argv + 1, &a);
    if (rc >= 0 || (rc = kh_cli_open(&c, 0)) != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    kh_buf out;
    kh_buf_init(&out, 0);
    kh_status st = sc_run(&c, &a, &out);
    rc = st == KH_OK ? kh_cli_write(NULL, &out) : KH_EXIT_OK;
    kh_buf_free(&out);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}
