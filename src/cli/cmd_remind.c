/*
 * cmd_remind.c - `kaohe remind`: makes the derived inbox reminders
 * (deadlines in 3 days / 1 day / passed, publication, rectification due
 * or overdue; lib/store/store_inbox.c) for every open year, once each:
 * run it daily (cron or a systemd timer); the web server also makes them
 * when a home page or inbox is shown.
 */
#include "store_cli.h"

#include <stdio.h>
#include <string.h>

#include "kaohe/i18n.h"
#include "kaohe/store_inbox.h"

static int remind_options(kh_cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, KH_OPT_DB},
        {"data-dir", required_argument, NULL, KH_OPT_DATA_DIR},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int o;
    optind = 1;
    opterr = 0;
    while ((o = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (kh_cli_common_opt(c, o, optarg))
            continue;
        if (o == 'h') {
            printf("Usage: kaohe remind [--db FILE]\n"
                   "\n"
                   "Adds the reminders that are due to the users' inboxes\n"
                   "(self-check due in 3 days, 1 day or passed; inspection\n"
                   "end, review and publication dates to admins; results\n"
                   "published; rectification items due within 3 days or\n"
                   "overdue), each once.  Dates are China calendar days.\n"
                   KH_STORE_DB_HELP);
            return KH_EXIT_OK;
        }
        return kh_cli_bad_option(c->cmd, o, argv);
    }
    if (optind != argc)
        return kh_cli_usage_error(c->cmd, "unexpected argument '%s'",
                                  argv[optind]);
    return -1;
}

int kh_cmd_remind(int argc, char **argv)
{
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, "remind"))
        return KH_EXIT_FAILURE;
    int rc = remind_options(&c, argc, argv);
    if (rc >= 0 || (rc = kh_cli_open(&c, 0)) != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    size_t made = 0;
    kh_status st = kh_store_remind(c.store, &made, c.e);
    kh_buf out;
    kh_buf_init(&out, 0);
    if (st == KH_OK)
        kh_buf_printf(&out, _("%zu reminders added\n"), made);
    rc = st == KH_OK ? kh_cli_write(NULL, &out) : KH_EXIT_OK;
    kh_buf_free(&out);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}
