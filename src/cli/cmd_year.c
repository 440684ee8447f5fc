/*
 * cmd_year.c - `kaohe year open|advance|reopen|list`: years (考核年度)
 * and their state machine draft -> self_check -> inspection -> review ->
 * published -> closed.  `kaohe year set` (document settings) is in
 * cmd_year_set.c.
 */
#include "store_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/i18n.h"
#include "kaohe/report.h"

static void year_help(void)
{
    printf(_(
        "Usage: kaohe year open YEAR --rubric ID[@HASH]\n"
        "       kaohe year advance YEAR [--allow-missing] [--reason TEXT]\n"
        "       kaohe year reopen YEAR --reason TEXT\n"
        "       kaohe year list [YEAR]\n"
        "       kaohe year set YEAR KEY=VALUE...\n"
        "       kaohe year dates YEAR [--selfcheck-due D --inspect-from D\n"
        "                  --inspect-to D --review-due D --publish D]\n"
        "\n"
        "A year (an assessment year) is bound to one rubric version and\n"
        "moves through\n"
        "  draft → self_check → inspection → review → published → closed\n"
        "Units are imported in draft; self entries are written only in\n"
        "self_check; inspection entries and bonus/negative records only in\n"
        "inspection and review; nothing once published.  Publishing freezes\n"
        "the results (JSON, table, CSV) with their SHA-256.\n"
        "\n"
        "Commands:\n"
        "  open      create the year in draft, bound to a stored rubric\n"
        "            (ID: its most recently imported version)\n"
        "  advance   move one state on; leaving review publishes (the\n"
        "            results must be complete unless --allow-missing)\n"
        "  reopen    move back one step from inspection (to self_check, so\n"
        "            units can correct their self-check), review or published\n"
        "            (dropping the frozen results); a reason is required\n"
        "  list      show the years, or one year\n"
        "  set       the year's document settings (the official document),\n"
        "            all or none:\n"
        "            issuer  issuing authority (default: the college's\n"
        "                    Party committee)\n"
        "            number  document number (default none: to be assigned)\n"
        "            to      main recipients (default: every Party branch,\n"
        "                    office and faculty)\n"
        "            cc      copied to (default: the discipline committee)\n"
        "            printer printed by (default: the college office)\n"
        "            date    date of the document YYYY-MM-DD (default the\n"
        "                    day of export)\n"
        "            grades  grades and their lowest totals (default:\n"
        "                    excellent 90, good 80, fair 70, poor)\n"
        "            scale   conversion TARGET[/BASE], e.g. 10/100 (default\n"
        "                    none)\n"
        "            an empty VALUE restores the default; closed years no\n"
        "            longer change\n"
        "  dates     the year's schedule (China calendar days, YYYY-MM-DD):\n"
        "            self-check due, inspection from/to, review due and\n"
        "            publication, all five at once, in that order; without\n"
        "            options, shows them with the days left\n"
        "\n"
        "Options:\n"
        "  -r, --rubric ID       rubric version for open\n"
        "      --allow-missing   publish with missing items scored 0\n"
        "      --reason TEXT     why (recorded in the audit log)\n"
        "%s"
        "  -h, --help            show this help\n"
        "\n"
        "Exit status: 0 success, 1 invalid input or not allowed in the\n"
        "year's state, 2 usage error, 3 other failure.\n"), kh_cli_opts_help());
}

/* A year's state as the reader's language names it (自查, or self_check). */
static const char *state_text(kh_year_state st)
{
    return kh_i18n_locale_is_zh() ? kh_year_state_label(st)
                                  : kh_year_state_name(st);
}

enum { OPT_ALLOW_MISSING = KH_OPT_FIRST_FREE, OPT_REASON };

static kh_status list_row(void *ctx, const kh_year_info *y)
{
    kh_buf *b = ctx;
    char year[16], units[32], entries[32], state[64], rub[128];
    snprintf(year, sizeof year, "%d", y->year);
    snprintf(units, sizeof units, "%zu", y->units);
    snprintf(entries, sizeof entries, "%zu", y->entries);
    snprintf(state, sizeof state, "%s", state_text(y->state));
    const char *at = strchr(y->rubric, '@');
    snprintf(rub, sizeof rub, "%.*s", (int)(at - y->rubric) + 1 +
                                          KH_STORE_HASH_SHOW, y->rubric);
    kh_text_pad(b, year, 6, false);
    kh_text_pad(b, state, 22, false);
    kh_text_pad(b, rub, 34, false);
    kh_text_pad(b, units, 6, true);
    kh_text_pad(b, entries, 8, true);
    kh_buf_puts(b, "  ");
    if (y->snapshot_hash)
        kh_buf_printf(b, "%.*s", KH_STORE_HASH_SHOW, y->snapshot_hash);
    else
        kh_buf_puts(b, "-");
    kh_buf_putc(b, '\n');
    return kh_buf_status(b);
}

static kh_status snapshot_hash(void *ctx, const kh_year_info *y)
{
    snprintf(ctx, 80, "%s", y->snapshot_hash ? y->snapshot_hash : "");
    return KH_OK;
}

enum { OPEN, ADVANCE, REOPEN, LIST };

/* The command line of one `year open|advance|reopen|list`. */
typedef struct year_args {
    int which;                 /* OPEN ... LIST */
    const char *cmd;
    const char *rubric, *reason;
    unsigned flags;            /* KH_ADVANCE_* */
    int year;                  /* 0: list every year */
} year_args;

/* The subcommand argv[1] names, or -1 after help or a usage error (*rc). */
static int year_which(int argc, char **argv, int *rc)
{
    static const char *const subs[] = {"open", "advance", "reopen", "list"};
    *rc = -1;
    if (argc < 2) {
        *rc = kh_cli_usage_error("year", "missing command (open, advance, "
                                 "reopen, list, set or dates)");
        return -1;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        year_help();
        *rc = KH_EXIT_OK;
        return -1;
    }
    if (!strcmp(argv[1], "set")) {   /* its own file: cmd_year_set.c */
        *rc = kh_cmd_year_set(argc - 1, argv + 1);
        return -1;
    }
    if (!strcmp(argv[1], "dates")) { /* cmd_year_dates.c */
        *rc = kh_cmd_year_dates(argc - 1, argv + 1);
        return -1;
    }
    for (int i = 0; i < 4; i++)
        if (!strcmp(argv[1], subs[i]))
            return i;
    *rc = kh_cli_usage_error("year", "unknown command '%s' (expected "
                             "open, advance, reopen, list, set or dates)", argv[1]);
    return -1;
}

/* One option the subcommand takes (kh_cli_option_fn; kh_cli_parse has
 * refused the others). */
static int year_one(void *args, int o, char *arg, char **argv)
{
    (void)argv;
    year_args *a = args;
    if (o == 'r')
        a->rubric = arg;
    else if (o == OPT_ALLOW_MISSING)
        a->flags |= KH_ADVANCE_ALLOW_MISSING;
    else
        a->reason = arg;
    return -1;
}

/* Reads the options (argv[0] is the subcommand); an exit code when the
 * run ends here, else -1. */
static int year_options(kh_cli_ctx *c, int argc, char **argv, year_args *a)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, KH_OPT_DB},
        {"data-dir", required_argument, NULL, KH_OPT_DATA_DIR},
        {"as", required_argument, NULL, KH_OPT_AS},
        {"rubric", required_argument, NULL, 'r'},
        {"allow-missing", no_argument, NULL, OPT_ALLOW_MISSING},
        {"reason", required_argument, NULL, OPT_REASON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    /* what each of open, advance, reopen and list takes */
    static const int allowed[][3] = {
        {'r', 0}, {OPT_ALLOW_MISSING, OPT_REASON, 0}, {OPT_REASON, 0}, {0}};
    const kh_cli_parse_spec sp = {
        .shortopts = ":r:h", .opts = opts, .allowed = allowed[a->which],
        .help = year_help, .positional = true, .fn = year_one, .args = a};
    return kh_cli_parse(c, a->cmd, argc, argv, &sp);
}

/* YEAR (optional for list) and the options each subcommand requires; an
 * exit code, or -1. */
static int year_check(int argc, char **argv, year_args *a)
{
    int npos = argc - optind;
    if (npos > 1 || (npos == 0 && a->which != LIST))
        return npos ? kh_cli_usage_error(a->cmd, "unexpected argument '%s'",
                                         argv[optind + 1])
                    : kh_cli_usage_error(a->cmd, "missing YEAR");
    if (npos == 1 && !kh_cli_year(a->cmd, argv[optind], &a->year))
        return KH_EXIT_USAGE;
    if (a->which == OPEN && !a->rubric)
        return kh_cli_usage_error(a->cmd, "--rubric ID is required");
    if (a->which == REOPEN && !a->reason)
        return kh_cli_usage_error(a->cmd, "--reason TEXT is required");
    return -1;
}

/* advance / reopen: the new state, and the snapshot's hash once
 * published. */
static kh_status year_move(kh_cli_ctx *c, const year_args *a, kh_buf *b)
{
    kh_year_state now;
    const char *actor = kh_cli_actor(c);
    kh_status st = a->which == ADVANCE
                       ? kh_store_year_advance(c->store, actor, a->year, a->flags,
                                               a->reason, &now, c->e)
                       : kh_store_year_reopen(c->store, actor, a->year, a->reason,
                                              &now, c->e);
    if (st != KH_OK)
        return st;
    kh_buf_printf(b, _("year %d is now in state %s\n"), a->year,
                  state_text(now));
    char hash[80] = "";
    if (now == KH_YEAR_PUBLISHED &&
        kh_store_year_each(c->store, a->year, snapshot_hash, hash, c->e) == KH_OK)
        kh_buf_printf(b, _("results frozen, SHA-256: %s\n"), hash);
    return KH_OK;
}

/* Runs the subcommand; its report goes to b. */
static kh_status year_run(kh_cli_ctx *c, const year_args *a, kh_buf *b)
{
    kh_status st;
    switch (a->which) {
    case OPEN:
        st = kh_store_year_open(c->store, kh_cli_actor(c), a->year, a->rubric, c->e);
        if (st == KH_OK)
            kh_buf_printf(b, _("year %d is open, in state %s\n"), a->year,
                          state_text(KH_YEAR_DRAFT));
        return st;
    case ADVANCE:
    case REOPEN:
        return year_move(c, a, b);
    default:
        kh_text_pad(b, _("Year"), 6, false);
        kh_text_pad(b, _("State"), 22, false);
        kh_text_pad(b, _("Rubric"), 34, false);
        kh_text_pad(b, _("Units"), 6, true);
        kh_text_pad(b, _("Entries"), 8, true);
        kh_buf_printf(b, "  %s\n", _("Results snapshot"));
        return kh_store_year_each(c->store, a->year, list_row, b, c->e);
    }
}

int kh_cmd_year(int argc, char **argv)
{
    int rc;
    year_args a = {0};
    if ((a.which = year_which(argc, argv, &rc)) < 0)
        return rc;
    char cmd[32];
    snprintf(cmd, sizeof cmd, "year %s", argv[1]);
    a.cmd = cmd;
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, cmd))
        return KH_EXIT_FAILURE;
    rc = year_options(&c, argc - 1, argv + 1, &a);
    if (rc < 0)
        rc = year_check(argc - 1, argv + 1, &a);
    /* rc >= 0: --help was shown or the command line was bad. */
    if (rc >= 0 || (rc = kh_cli_open(&c, 0)) != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st = year_run(&c, &a, &b);
    rc = st == KH_OK ? kh_cli_write(NULL, &b) : KH_EXIT_OK;
    kh_buf_free(&b);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}
