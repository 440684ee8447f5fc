/*
 * cmd_units.c - `kaohe units import|list|add|rename` (a year's units and
 * branches: a whole list, or one unit at a time in draft) and `kaohe
 * roster import` (per-person data such as 学习强国 points).
 */
#include "store_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kaohe/i18n.h"
#include "kaohe/report.h"

enum { OPT_NAME = KH_OPT_FIRST_FREE, OPT_KIND, OPT_BRANCH };

static void units_help(void)
{
    printf(
        _("Usage: kaohe units import FILE --year YEAR\n"
        "       kaohe units list --year YEAR\n"
        "       kaohe units add ID --year YEAR --name NAME --kind KIND\n"
        "                       [--branch BRANCH]\n"
        "       kaohe units rename ID --year YEAR --name NAME\n"
        "\n"
        "The units (处室系) and branches (支部) of a year.  Units are\n"
        "imported while the year is in draft; the file replaces the year's\n"
        "list (entries of units no longer listed are removed, and the\n"
        "audit log says so).\n"
        "\n"
        "FILE is CSV or XLSX with a header row\n"
        "  编号,名称,类别,支部编号,支部名称\n"
        "(or id,name,kind,branch,branch_name; 支部编号 and 支部名称 may be\n"
        "left out or empty: a unit without a branch is its own branch).\n"
        "类别 takes the rubric's kind names (系, 处室) or ids.  CSV may be\n"
        "UTF-8 with or without BOM, or GB18030 as Excel saves it.  FILE may\n"
        "also be YAML or JSON: a list of units {id, name, kind, branch,\n"
        "branch_name}, or a mapping with `units` and `branches` as in an\n"
        "assessment file.\n"
        "\n"
        "add appends one unit (draft only): ID as in the file, NAME unique\n"
        "in the year, KIND a kind name or id of the year's rubric, BRANCH\n"
        "the id of a branch a unit of the year belongs to (default: the\n"
        "unit is its own branch).  rename gives a unit a new name (draft\n"
        "only).  Both are recorded in the audit log.\n"
        "\n"
        "Options:\n"
        "  -y, --year YEAR   the year (required)\n"
        "      --name NAME   the unit's name (add, rename)\n"
        "      --kind KIND   the unit's kind (add)\n"
        "      --branch ID   the unit's branch (add)\n"
        "%s"
        "  -h, --help        show this help\n"
        "\n"
        "Exit status: 0 success, 1 invalid input (every bad row printed\n"
        "with its row and column; nothing is stored), 2 usage error,\n"
        "3 other failure.\n"), kh_cli_opts_help());
}

static void roster_help(void)
{
    printf(
        _("Usage: kaohe roster import FILE --year YEAR --roster NAME\n"
        "\n"
        "Imports a roster (per-person data, e.g. 学习强国 annual points) for\n"
        "the year's units from CSV or XLSX with a header row\n"
        "  单位编号,姓名,积分   (or unit,name,value)\n"
        "The file replaces the year's roster of that NAME (e.g. xuexi, the\n"
        "name the rubric's terms use).  Allowed from draft to review.\n"
        "\n"
        "Options:\n"
        "  -y, --year YEAR     the year (required)\n"
        "  -r, --roster NAME   the roster (required)\n"
        "%s"
        "  -h, --help          show this help\n"
        "\n"
        "Exit status: 0 success, 1 invalid input (every bad row printed;\n"
        "nothing is stored), 2 usage error, 3 other failure.\n"), kh_cli_opts_help());
}

static kh_status list_unit(void *ctx, const kh_unit_row *u)
{
    kh_buf *b = ctx;
    kh_text_pad(b, u->id, 12, false);
    kh_text_pad(b, u->name, 24, false);
    kh_text_pad(b, u->kind, 10, false);
    kh_buf_puts(b, u->branch);
    if (u->branch_name)
        kh_buf_printf(b, " %s", u->branch_name);
    kh_buf_putc(b, '\n');
    return kh_buf_status(b);
}

/* `units import|list` and `roster import` share their parsing. */
/* A CSV or XLSX file by its name (the tables whose header names the
 * columns of messages; YAML and JSON places are data paths). */
static bool is_table_name(const char *f)
{
    const char *dot = strrchr(f, '.');
    return dot && (!strcasecmp(dot, ".csv") || !strcasecmp(dot, ".xlsx"));
}

/* Where units_one puts --roster, and which help it shows. */
typedef struct units_opts {
    const char *cmd;
    int which;             /* 2: roster import */
    const char *roster;
} units_opts;

/* --roster (roster import only) and -h (kh_cli_option_fn). */
static int units_one(void *args, int o, char *arg, char **argv)
{
    units_opts *u = args;
    if (o == 'r' && u->which == 2) {
        u->roster = arg;
        return -1;
    }
    if (o != 'h')
        return kh_cli_bad_option(u->cmd, o, argv);
    if (u->which == 2)
        roster_help();
    else
        units_help();
    return KH_EXIT_OK;
}

static int run(int argc, char **argv, const char *cmd, int which)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, KH_OPT_DB},
        {"data-dir", required_argument, NULL, KH_OPT_DATA_DIR},
        {"as", required_argument, NULL, KH_OPT_AS},
        {"year", required_argument, NULL, 'y'},
        {"roster", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, cmd))
        return KH_EXIT_FAILURE;
    int year = 0;
    units_opts u = {cmd, which, NULL};
    const kh_cli_parse_spec sp = {
        .shortopts = ":y:r:h", .opts = opts, .year = &year,
        .positional = true, .fn = units_one, .args = &u};
    int rc = kh_cli_parse(&c, cmd, argc, argv, &sp);
    const char *roster = u.roster;
    const char *file = NULL;
    if (rc < 0 && which != 1) {
        if (optind >= argc)
            rc = kh_cli_usage_error(cmd, "missing FILE");
        else
            file = argv[optind++];
    }
    if (rc < 0 && optind < argc)
        rc = kh_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (rc < 0 && !year)
        rc = kh_cli_usage_error(cmd, "--year YEAR is required");
    if (rc < 0 && which == 2 && !roster)
        rc = kh_cli_usage_error(cmd, "--roster NAME is required");
    /* rc >= 0: --help was shown or the command line was bad. */
    if (rc >= 0 || (rc = kh_cli_open(&c, 0)) != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st = KH_OK;
    if (which == 1) {
        st = kh_store_unit_each(c.store, year, list_unit, &b, c.e);
    } else {
        kh_buf in;
        kh_buf_init(&in, 0);
        kh_import_stats s;
        st = kh_cli_read(file, &in, c.e);
        if (st == KH_OK && which == 0) {
            st = kh_store_units_import(c.store, kh_cli_actor(&c), year, file,
                                       kh_buf_str(&in), in.len, c.e, &s);
            if (st == KH_OK)
                kh_buf_printf(&b, _("year %d units: %zu, branch names %zu; "
                                "%zu changes\n"),
                              year, s.units, s.branches, s.changed);
        } else if (st == KH_OK) {
            st = kh_store_roster_import(c.store, kh_cli_actor(&c), year,
                                        roster, file, kh_buf_str(&in), in.len,
                                        c.e, &s);
            if (st == KH_OK)
                kh_buf_printf(&b, _("year %d roster %s: %zu units, %zu people\n"), year,
                              roster, s.rosters, s.people);
        }
        kh_buf_free(&in);
    }
    rc = st == KH_OK ? kh_cli_write(NULL, &b) : KH_EXIT_OK;
    kh_buf_free(&b);
    c.year = year;
    c.table = file && is_table_name(file) ? file : NULL;
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}

/* The command line of `units add|rename`. */
typedef struct edit_args {
    const char *cmd;
    bool add;
    int year;
    kh_unit_add u;        /* id and name for rename */
} edit_args;

/* --name, --kind, --branch (kh_cli_option_fn; kh_cli_parse has read
 * --year and refused what the subcommand does not take). */
static int edit_one(void *args, int o, char *arg, char **argv)
{
    (void)argv;
    edit_args *a = args;
    if (o == OPT_NAME)
        a->u.name = arg;
    else if (o == OPT_KIND)
        a->u.kind = arg;
    else
        a->u.branch = arg;
    return -1;
}

/* Reads `units add|rename` (argv[0] is the subcommand); an exit code
 * when the run ends here, else -1. */
static int edit_parse(kh_cli_ctx *c, int argc, char **argv, edit_args *a)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, KH_OPT_DB},
        {"data-dir", required_argument, NULL, KH_OPT_DATA_DIR},
        {"as", required_argument, NULL, KH_OPT_AS},
        {"year", required_argument, NULL, 'y'},
        {"name", required_argument, NULL, OPT_NAME},
        {"kind", required_argument, NULL, OPT_KIND},
        {"branch", required_argument, NULL, OPT_BRANCH},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    /* rename takes --name only; add its kind and branch too */
    static const int rename_opts[] = {'y', OPT_NAME, 0};
    static const int add_opts[] = {'y', OPT_NAME, OPT_KIND, OPT_BRANCH, 0};
    const kh_cli_parse_spec sp = {
        .shortopts = ":y:h", .opts = opts,
        .allowed = a->add ? add_opts : rename_opts, .help = units_help,
        .year = &a->year, .positional = true, .fn = edit_one, .args = a};
    int rc = kh_cli_parse(c, a->cmd, argc, argv, &sp);
    if (rc >= 0)
        return rc;
    if (optind >= argc)
        return kh_cli_usage_error(a->cmd, "missing unit ID");
    a->u.id = argv[optind++];
    if (optind < argc)
        return kh_cli_usage_error(a->cmd, "unexpected argument '%s'",
                                  argv[optind]);
    if (!a->year)
        return kh_cli_usage_error(a->cmd, "--year YEAR is required");
    if (!a->u.name)
        return kh_cli_usage_error(a->cmd, "--name NAME is required");
    if (a->add && !a->u.kind)
        return kh_cli_usage_error(a->cmd, "--kind KIND is required");
    return -1;
}

/* `units add|rename`: one unit at a time, in draft. */
static int edit(int argc, char **argv, const char *cmd, bool add)
{
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, cmd))
        return KH_EXIT_FAILURE;
    edit_args a = {.cmd = cmd, .add = add};
    int rc = edit_parse(&c, argc, argv, &a);
    /* rc >= 0: --help was shown or the command line was bad. */
    if (rc >= 0 || (rc = kh_cli_open(&c, 0)) != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    const char *actor = kh_cli_actor(&c);
    kh_status st = add ? kh_store_unit_add(c.store, actor, a.year, &a.u, c.e)
                       : kh_store_unit_rename(c.store, actor, a.year, a.u.id,
                                              a.u.name, c.e);
    static const char *const opts[] = {"name", "--name", "kind", "--kind",
                                       "branch", "--branch", NULL};
    if (st != KH_OK)
        kh_cli_opt_paths(c.e, 0, opts);
    kh_buf b;
    kh_buf_init(&b, 0);
    if (st == KH_OK)
        kh_buf_printf(&b, add ? _("Year %d: unit %s (%s) added\n")
                              : _("Year %d: unit %s renamed to %s\n"),
                      a.year, a.u.id, a.u.name);
    rc = st == KH_OK ? kh_cli_write(NULL, &b) : KH_EXIT_OK;
    kh_buf_free(&b);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}

int kh_cmd_units(int argc, char **argv)
{
    if (argc < 2)
        return kh_cli_usage_error("units", "missing command (import, list, "
                                  "add or rename)");
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        units_help();
        return KH_EXIT_OK;
    }
    if (!strcmp(argv[1], "import"))
        return run(argc - 1, argv + 1, "units import", 0);
    if (!strcmp(argv[1], "list"))
        return run(argc - 1, argv + 1, "units list", 1);
    if (!strcmp(argv[1], "add"))
        return edit(argc - 1, argv + 1, "units add", true);
    if (!strcmp(argv[1], "rename"))
        return edit(argc - 1, argv + 1, "units rename", false);
    return kh_cli_usage_error("units", "unknown command '%s' (expected "
                              "import, list, add or rename)", argv[1]);
}

int kh_cmd_roster(int argc, char **argv)
{
    if (argc < 2)
        return kh_cli_usage_error("roster", "missing command (import)");
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        roster_help();
        return KH_EXIT_OK;
    }
    if (!strcmp(argv[1], "import"))
        return run(argc - 1, argv + 1, "roster import", 2);
    return kh_cli_usage_error("roster", "unknown command '%s' (expected "
                              "import)", argv[1]);
}
