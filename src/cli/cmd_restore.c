/*
 * cmd_restore.c - `kaohe restore --from DIR --db FILE|URI [--force]`: a
 * backup checked against its manifest, copied into place (a file, or an
 * empty PostgreSQL database), then checked as `kaohe check` does
 * (kh_store_restore_from, kh_store_check).
 */
#include "store_cli.h"

#include <stdio.h>
#include <string.h>

enum { OPT_FROM = KH_OPT_FIRST_FREE, OPT_FORCE };

static void restore_help(void)
{
    printf(_("Usage: kaohe restore --from DIR --db FILE|URI [--data-dir DIR]\n"
           "                     [--force]\n"
           "\n"
           "Restores a backup made by 'kaohe backup' (of a SQLite or a\n"
           "PostgreSQL store): every file is checked against DIR/MANIFEST\n"
           "(size and SHA-256) before anything is written; the database goes\n"
           "to FILE, or into the empty PostgreSQL database URI in one\n"
           "transaction, and the evidence files to the data directory\n"
           "(FILE.data/ unless --data-dir or $KAOHE_DATA_DIR; required for a\n"
           "URI).  Then the restored store is checked as by 'kaohe check'.\n"
           "An existing FILE is not overwritten unless --force (stop 'kaohe\n"
           "serve' on it first); a database holding data is refused.\n"
           "\n"
           "Options:\n"
           "      --from DIR      the backup directory\n"
           "      --db FILE|URI   where the store goes (required)\n"
           "      --data-dir DIR  where its evidence files go\n"
           "      --force         replace an existing store file\n"
           "  -h, --help          show this help\n"
           "\n"
           "Exit status: 0 success, 1 refused (FILE exists, database not\n"
           "empty, damaged backup, check failed), 2 usage error, 3 other\n"
           "failure.\n"));
}

/* --from and --force of one run (restore_one). */
typedef struct restore_opts {
    const char *from;
    bool force;
} restore_opts;

/* --from DIR, --force (kh_cli_option_fn); any other is refused. */
static int restore_one(void *args, int o, char *arg, char **argv)
{
    restore_opts *r = args;
    if (o == OPT_FROM)
        r->from = arg;
    else if (o == OPT_FORCE)
        r->force = true;
    else
        return kh_cli_bad_option("restore", o, argv);
    return -1;
}

int kh_cmd_restore(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, KH_OPT_DB},
        {"data-dir", required_argument, NULL, KH_OPT_DATA_DIR},
        {"from", required_argument, NULL, OPT_FROM},
        {"force", no_argument, NULL, OPT_FORCE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, "restore"))
        return KH_EXIT_FAILURE;
    restore_opts r = {NULL, false};
    const kh_cli_parse_spec sp = {.shortopts = ":h", .opts = opts,
                                  .help = restore_help, .fn = restore_one,
                                  .args = &r};
    int x = kh_cli_parse(&c, "restore", argc, argv, &sp);
    const char *missing = x >= 0 ? NULL
                          : !r.from ? "--from DIR"
                          : !c.db   ? "--db FILE|URI"
                                    : NULL;
    if (x >= 0 || missing) {
        kh_cli_finish(&c, KH_OK);
        return x >= 0 ? x
                      : kh_cli_usage_error("restore", "%s is required",
                                           missing);
    }
    const char *from = r.from;
    bool force = r.force;
    kh_cli_env env;
    if ((x = kh_cli_env_get(&env)) != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return x;
    }
    if (!c.data_dir)
        c.data_dir = env.data_dir;
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st = kh_store_restore_from(from, c.db, c.data_dir, force, &b,
                                         c.e);
    int rc = KH_EXIT_OK;
    if (st == KH_OK && (rc = kh_cli_open(&c, 0)) == KH_EXIT_OK) {
        st = kh_store_check(c.store, &b, c.e);
        if (st == KH_OK)
            kh_buf_puts(&b, _("check passed\n"));
    }
    int rc1 = kh_cli_write(NULL, &b);
    kh_buf_free(&b);
    int rc2 = kh_cli_finish(&c, st);
    return rc != KH_EXIT_OK ? rc : rc2 != KH_EXIT_OK ? rc2 : rc1;
}
