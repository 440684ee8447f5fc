/*
 * main.c - the kaohe command: global options and the subcommand table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <locale.h>

#include "kaohe/i18n.h"

#include "cli.h"

static const struct {
    const char *name;
    kh_cmd_fn fn;
    const char *summary;
} commands[] = {
    {"score", kh_cmd_score, N_("score an assessment file against a rubric")},
    {"explain", kh_cmd_explain, N_("show how one unit's score was reached")},
    {"rubric", kh_cmd_rubric, N_("check, show, import, export or diff rubrics")},
    {"init", kh_cmd_init, N_("create the store (kaohe.db)")},
    {"year", kh_cmd_year, N_("open a year, move it through its states")},
    {"units", kh_cmd_units, N_("import or list a year's units and branches")},
    {"import", kh_cmd_import, N_("import an assessment file into the store")},
    {"export", kh_cmd_export, N_("export a year: assessment file, xlsx, printable html, docx, pdf")},
    {"entry", kh_cmd_entry, N_("set or list single entries")},
    {"roster", kh_cmd_roster, N_("import a roster (e.g. Xuexi Qiangguo points)")},
    {"record", kh_cmd_record, N_("add, remove or list bonus/negative records")},
    {"claim", kh_cmd_claim, N_("file, decide or list bonus claims")},
    {"results", kh_cmd_results, N_("a year's results from the store")},
    {"compare", kh_cmd_compare, N_("compare two years; a unit's totals as SVG")},
    {"audit", kh_cmd_audit, N_("show or verify the audit log")},
    {"check", kh_cmd_check, N_("check the store's integrity")},
    {"backup", kh_cmd_backup, N_("copy the store and its evidence while in use")},
    {"restore", kh_cmd_restore, N_("restore a backup (checked) to a store file")},
    {"store", kh_cmd_store, N_("copy a whole store (e.g. SQLite to PostgreSQL)")},
    {"evidence", kh_cmd_evidence, N_("attach, list or get evidence files")},
    {"selfcheck", kh_cmd_selfcheck, N_("submit a unit's self-check, return it, list progress")},
    {"remind", kh_cmd_remind, N_("add the due reminders to the users' inboxes")},
    {"followup", kh_cmd_followup, N_("reminder talks and rectification items")},
    {"practice", kh_cmd_practice, N_("record or list good practices")},
    {"archive", kh_cmd_archive, N_("archive a published year; verify an archive")},
    {"visit", kh_cmd_visit, N_("on-site visits, symposiums, interviews, findings")},
    {"questionnaire", kh_cmd_questionnaire, N_("questionnaires: rounds, codes, tallies")},
    {"user", kh_cmd_user, N_("users, roles, passwords, inspector assignments")},
    {"serve", kh_cmd_serve, N_("serve the web pages and the JSON API")},
};

static void usage(FILE *f)
{
    fprintf(f,
            _("Usage: kaohe COMMAND [OPTIONS]\n"
            "\n"
            "kaohe runs a Party committee's annual assessment of the\n"
            "ideological-work responsibility system (意识形态工作责任制考核).\n"
            "\n"
            "Commands:\n"));
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-13s %s\n", commands[i].name, _(commands[i].summary));
    fprintf(f,
            _("\n"
            "Run 'kaohe COMMAND --help' for a command's options.\n"
            "\n"
            "The store commands (init, year, units, import, export, entry,\n"
            "roster, record, results, audit, check, backup, rubric import/\n"
            "export/list) take --db FILE (default: $KAOHE_DB, else ./kaohe.db), or\n"
            "a postgresql:// URI, and --data-dir DIR for evidence files;\n"
            "those that change it take --as NAME, the person recorded in\n"
            "the audit log (default: $KAOHE_USER, else the login name).\n"
            "\n"
            "Exit status:\n"
            "  0  success\n"
            "  1  invalid input (every error is printed, each with its place)\n"
            "  2  usage error (bad command line)\n"
            "  3  other failure (out of memory, output cannot be written,\n"
            "     the store's disk full, damaged or failing)\n"
            "  4  the store is busy (another program is writing): try again\n"));
}

/* Messages in the reader's language (LANG / LC_MESSAGES): the catalogue
 * from $KAOHE_LOCALEDIR, else the build tree's (KH_LOCALEDIR).  Numbers
 * and text order stay "C": kaohe's files do not change with the locale. */
static void init_locale(void)
{
    setlocale(LC_ALL, "");
    setlocale(LC_NUMERIC, "C");
    setlocale(LC_COLLATE, "C");
    const char *dir = getenv("KAOHE_LOCALEDIR");
    if (kh_i18n_init(dir && *dir ? dir : KH_LOCALEDIR) != KH_OK)
        fprintf(stderr, _("kaohe: out of memory\n"));
}

int main(int argc, char **argv)
{
    init_locale();
    if (argc < 2) {
        usage(stderr);
        return KH_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return KH_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf(_("kaohe 0.1.0\n"));
        return KH_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, _("kaohe: unknown command '%s'\nTry 'kaohe --help'.\n"),
            argv[1]);
    return KH_EXIT_USAGE;
}
