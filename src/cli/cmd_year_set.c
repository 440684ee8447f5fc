/*
 * cmd_year_set.c - `kaohe year set YEAR KEY=VALUE...`: a year's document
 * settings (发文机关, 文号, 主送, 抄送, 印发机关, 成文日期, 等次, 折算;
 * lib/store/store_docset.c), all or none, audited.  Help is `kaohe year
 * --help` (cmd_year.c).
 */
#include "store_cli.h"

#include <stdio.h>
#include <string.h>

#include "kaohe/store_docset.h"

/* The settings after the change, one per line, for the person who set
 * them. */
static kh_status show_docset(kh_cli_ctx *c, int year, kh_buf *b)
{
    kh_docset d;
    kh_status st = kh_store_docset_get(c->store, year, &d, c->e);
    if (st != KH_OK)
        return st;
    kh_buf_printf(b, _("document settings of year %d:\nissuer: %s\nnumber: %s\n"
                     "to: %s\ncc: %s\nprinter: %s\ndate: %s\n"
                     "grades: %s\nscale: %s\n"),
                  year, d.issuer, d.number ? d.number : _("(to be assigned)"), d.to,
                  d.cc, d.printer, d.date ? d.date : _("(the day of the export)"), d.grades,
                  d.scale ? d.scale : _("(not converted)"));
    kh_docset_clear(&d);
    return kh_buf_status(b);
}

static void set_help(void)
{
    printf(_("Usage: kaohe year set YEAR KEY=VALUE... (see 'kaohe "
           "year --help')\n"));
}

/* Options (--db, --as, --help); an exit code when the run ends here,
 * else -1. */
static int set_options(kh_cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, KH_OPT_DB},
        {"as", required_argument, NULL, KH_OPT_AS},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const kh_cli_parse_spec sp = {
        .shortopts = ":h", .opts = opts, .help = set_help, .positional = true};
    return kh_cli_parse(c, c->cmd, argc, argv, &sp);
}

/* YEAR and at least one KEY=VALUE; an exit code, or -1. */
static int set_args(const char *cmd, int argc, char **argv, int *year)
{
    int npos = argc - optind;
    if (npos < 2)
        return kh_cli_usage_error(cmd, npos ? "missing KEY=VALUE"
                                            : "missing YEAR");
    return kh_cli_year(cmd, argv[optind], year) ? -1 : KH_EXIT_USAGE;
}

/* The change and the settings it leaves, on an open store. */
static int set_run(kh_cli_ctx *c, int year, int argc, char **argv)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st = kh_store_docset_set(c->store, kh_cli_actor(c), year,
                                       (const char *const *)argv + optind + 1,
                                       (size_t)(argc - optind - 1), c->e);
    if (st == KH_OK)
        st = show_docset(c, year, &b);
    int rc = st == KH_OK ? kh_cli_write(NULL, &b) : KH_EXIT_OK;
    kh_buf_free(&b);
    int rc2 = kh_cli_finish(c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}

int kh_cmd_year_set(int argc, char **argv)
{
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, "year set"))
        return KH_EXIT_FAILURE;
    int year = 0;
    int rc = set_options(&c, argc, argv);
    if (rc < 0)
        rc = set_args(c.cmd, argc, argv, &year);
    if (rc < 0 && (rc = kh_cli_open(&c, 0)) == KH_EXIT_OK)
        return set_run(&c, year, argc, argv);
    kh_cli_finish(&c, KH_OK);
    return rc;
}
