/*
 * cmd_backup.c - `kaohe backup --to DIR`: an online, consistent copy of
 * the store (SQLite or PostgreSQL) and its evidence files with a
 * manifest (kh_store_backup_to).
 */
#include "store_cli.h"

#include <stdio.h>
#include <string.h>

enum { OPT_TO = KH_OPT_FIRST_FREE };

static void backup_help(void)
{
    printf(_("Usage: kaohe backup --to DIR [--db FILE|URI]\n"
           "\n"
           "Copies the store into the new directory DIR while it is in use\n"
           "(kaohe serve may keep writing): the database as of one commit\n"
           "(SQLite's online backup; a PostgreSQL store is read in one\n"
           "snapshot into a SQLite file of the same schema), every evidence\n"
           "file it refers to, checked against its SHA-256, and DIR/MANIFEST\n"
           "listing each file's size and SHA-256 and the audit head.  DIR\n"
           "must not exist (or be an empty directory); it is written under\n"
           "a temporary name and renamed when complete.  Restore with\n"
           "'kaohe restore --from DIR --db FILE|URI'.\n"
           "\n"
           "Options:\n"
           "      --to DIR      the new backup directory\n" "%s"
           "  -h, --help        show this help\n"
           "\n"
           "Exit status: 0 success, 1 refused (DIR exists and is not empty),\n"
           "2 usage error, 3 other failure (database, DIR cannot be written,\n"
           "disk full, damaged evidence).\n"), kh_cli_db_help());
}

/* --to DIR (kh_cli_parse takes the others). */
static int backup_option(void *args, int o, char *arg, char **argv)
{
    if (o != OPT_TO)
        return kh_cli_bad_option("backup", o, argv);
    *(const char **)args = arg;
    return -1;
}

int kh_cmd_backup(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, KH_OPT_DB},
        {"data-dir", required_argument, NULL, KH_OPT_DATA_DIR},
        {"to", required_argument, NULL, OPT_TO},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, "backup"))
        return KH_EXIT_FAILURE;
    const char *to = NULL;
    const kh_cli_parse_spec sp = {.shortopts = ":h", .opts = opts,
                                  .help = backup_help, .fn = backup_option,
                                  .args = &to};
    int rc = kh_cli_parse(&c, "backup", argc, argv, &sp);
    if (rc < 0 && (!to || !*to))
        rc = kh_cli_usage_error("backup", "--to DIR is required");
    if (rc >= 0) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    rc = kh_cli_open(&c, 0);
    if (rc != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st = kh_store_backup_to(c.store, to, &b, c.e);
    rc = st == KH_OK ? kh_cli_write(NULL, &b) : KH_EXIT_OK;
    kh_buf_free(&b);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}
