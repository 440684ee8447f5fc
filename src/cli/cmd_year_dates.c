/*
 * cmd_year_dates.c - `kaohe year dates YEAR [--selfcheck-due D
 * --inspect-from D --inspect-to D --review-due D --publish D]`: the
 * year's schedule (lib/store/store_schedule.c), set all at once (checked,
 * audited) or shown, with the days left in the China calendar day.
 * Help is `kaohe year --help` (cmd_year.c).
 */
#include "store_cli.h"

#include <stdio.h>
#include <string.h>

#include "kaohe/i18n.h"
#include "kaohe/store_schedule.h"

enum { OPT_FIRST_DATE = KH_OPT_FIRST_FREE };

/* The dates with how each stands today, one a line. */
static kh_status show_dates(kh_cli_ctx *c, int year, kh_buf *b)
{
    kh_year_dates d;
    kh_status st = kh_store_dates_get(c->store, year, &d, c->e);
    if (st == KH_ENOTFOUND) {
        kh_buf_printf(b, _("%d: no dates set\n"), year);
        return kh_buf_status(b);
    }
    if (st != KH_OK)
        return st;
    int64_t today = kh_store_today_days(c->store);
    kh_buf_printf(b, _("%d schedule (China time):\n"), year);
    for (int i = 0; i < KH_SCHED_DATES; i++) {
        int64_t due = 0;
        long long n = 0;
        kh_cnday_parse(d.d[i], &due);
        const char *left = kh_cnday_left_msgid(today, due, &n);
        kh_buf_printf(b, "%s: %s (", _(kh_sched_date_label(i)), d.d[i]);
        kh_buf_printf(b, _(left), n);
        kh_buf_puts(b, ")\n");
    }
    return kh_buf_status(b);
}

static void dates_help(void)
{
    printf(_("Usage: kaohe year dates YEAR [--selfcheck-due D "
             "--inspect-from D --inspect-to D --review-due D "
             "--publish D] (see 'kaohe year --help')\n"));
}

/* Where dates_one puts the dates, and how many were given. */
typedef struct dates_opt {
    const char *cmd;
    kh_year_dates *d;
    int *given;
} dates_opt;

/* One date option (kh_cli_option_fn); any other is refused. */
static int dates_one(void *args, int o, char *arg, char **argv)
{
    dates_opt *a = args;
    if (o < OPT_FIRST_DATE || o >= OPT_FIRST_DATE + KH_SCHED_DATES)
        return kh_cli_bad_option(a->cmd, o, argv);
    /* longer than a date: kept cut, refused by the check */
    char *slot = a->d->d[o - OPT_FIRST_DATE];
    snprintf(slot, KH_CNDAY_SZ, "%s", arg);
    if (strlen(arg) >= KH_CNDAY_SZ)
        snprintf(slot, KH_CNDAY_SZ, "?");
    (*a->given)++;
    return -1;
}

/* Options; the dates land in d (unset ones stay "").  An exit code when
 * the run ends here, else -1; *given: how many dates were given. */
static int dates_options(kh_cli_ctx *c, int argc, char **argv,
                         kh_year_dates *d, int *given)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, KH_OPT_DB},
        {"data-dir", required_argument, NULL, KH_OPT_DATA_DIR},
        {"as", required_argument, NULL, KH_OPT_AS},
        {"selfcheck-due", required_argument, NULL, OPT_FIRST_DATE},
        {"inspect-from", required_argument, NULL, OPT_FIRST_DATE + 1},
        {"inspect-to", required_argument, NULL, OPT_FIRST_DATE + 2},
        {"review-due", required_argument, NULL, OPT_FIRST_DATE + 3},
        {"publish", required_argument, NULL, OPT_FIRST_DATE + 4},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    dates_opt a = {c->cmd, d, given};
    const kh_cli_parse_spec sp = {
        .shortopts = ":h", .opts = opts, .help = dates_help,
        .positional = true, .fn = dates_one, .args = &a};
    int rc = kh_cli_parse(c, c->cmd, argc, argv, &sp);
    if (rc >= 0)
        return rc;
    if (argc - optind != 1)
        return kh_cli_usage_error(c->cmd, argc - optind ? "one YEAR only"
                                                        : "missing YEAR");
    return -1;
}

int kh_cmd_year_dates(int argc, char **argv)
{
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, "year dates"))
        return KH_EXIT_FAILURE;
    kh_year_dates d;
    memset(&d, 0, sizeof d);
    int year = 0, given = 0;
    int rc = dates_options(&c, argc, argv, &d, &given);
    if (rc < 0 && !kh_cli_year(c.cmd, argv[optind], &year))
        rc = KH_EXIT_USAGE;
    if (rc >= 0 || (rc = kh_cli_open(&c, 0)) != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    kh_status st = KH_OK;
    if (given)
        st = kh_store_dates_set(c.store, kh_cli_actor(&c), year, &d, c.e);
    kh_buf b;
    kh_buf_init(&b, 0);
    if (st == KH_OK)
        st = show_dates(&c, year, &b);
    rc = st == KH_OK ? kh_cli_write(NULL, &b) : KH_EXIT_OK;
    kh_buf_free(&b);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}
