/*
 * cmd_restore.c - `kaohe restore --from DIR --db FILE [--force]`: a
 * backup checked against its manifest, copied into place, then checked
 * as `kaohe check` does (kh_store_restore_from, kh_store_check).
 */
#include "store_cli.h"

#include <stdio.h>
#include <string.h>

enum { OPT_FROM = KH_OPT_FIRST_FREE, OPT_FORCE };

static void restore_help(void)
{
    printf(_("Usage: kaohe restore --from DIR --db FILE [--force]\n"
           "\n"
           "Restores a backup made by 'kaohe backup': every file is "
           "checked\n"
           "against DIR/MANIFEST (size and SHA-256) before anything is\n"
           "written; the database goes to FILE and the evidence files to\n"
           "FILE.data/.  Then the restored store is checked as by 'kaohe\n"
           "check'.  An existing FILE is not overwritten unless --force "
           "(stop\n"
           "'kaohe serve' on it first).\n"
           "\n"
           "Options:\n"
           "      --from DIR    the backup directory\n"
           "      --db FILE     where the store goes (required)\n"
           "      --force       replace an existing store\n"
           "  -h, --help        show this help\n"
           "\n"
           "Exit status: 0 success, 1 refused (FILE exists, damaged "
           "backup,\n"
           "check failed), 2 usage error, 3 other failure.\n"));
}

int kh_cmd_restore(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, KH_OPT_DB},
        {"from", required_argument, NULL, OPT_FROM},
        {"force", no_argument, NULL, OPT_FORCE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, "restore"))
        return KH_EXIT_FAILURE;
    const char *from = NULL;
    bool force = false;
    int o;
    optind = 1;
    opterr = 0;
    while ((o = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (o == KH_OPT_DB) {
            c.db = optarg;
        } else if (o == OPT_FROM) {
            from = optarg;
        } else if (o == OPT_FORCE) {
            force = true;
        } else {
            kh_cli_finish(&c, KH_OK);
            if (o != 'h')
                return kh_cli_bad_option("restore", o, argv);
            restore_help();
            return KH_EXIT_OK;
        }
    }
    const char *missing = optind < argc ? NULL
                          : !from       ? "--from DIR"
                          : !c.db       ? "--db FILE"
                                        : NULL;
    if (optind < argc || missing) {
        kh_cli_finish(&c, KH_OK);
        return missing ? kh_cli_usage_error("restore", "%s is required",
                                            missing)
                       : kh_cli_usage_error("restore", "unexpected argument "
                                            "'%s'", argv[optind]);
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st = kh_store_restore_from(from, c.db, force, &b, c.e);
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
