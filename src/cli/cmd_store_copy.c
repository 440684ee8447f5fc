/*
 * cmd_store_copy.c - `kaohe store copy --from FILE --to URI`: moves a
 * college's store (e.g. from SQLite to PostgreSQL) with everything in it.
 */
#include "store_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_FROM = KH_OPT_FIRST_FREE, OPT_TO };

static void copy_help(void)
{
    printf(_("Usage: kaohe store copy --from FILE --to FILE|URI "
           "[--data-dir DIR]\n"
           "\n"
           "Copies a whole store into a new one, e.g. a college's SQLite file\n"
           "into a PostgreSQL database: every year, entry, roster, record,\n"
           "user, published snapshot and follow-up record, the audit chain as\n"
           "it is (kaohe audit verify passes on the copy), and the evidence\n"
           "files, each checked against its SHA-256.  The target is made as\n"
           "by 'kaohe init' and must hold nothing yet.  All or nothing.\n"
           "\n"
           "Options:\n"
           "      --from FILE     the store to copy (SQLite; its evidence in\n"
           "                      FILE.data)\n"
           "      --to FILE|URI   the new store (a postgresql:// URI or a file)\n"
           "      --data-dir DIR  the new store's evidence files (default:\n"
           "                      $KAOHE_DATA_DIR, else FILE.data)\n"
           "  -h, --help          show this help\n"));
}

/* Opens `to` as init would, with the data directory of c. */
static kh_status open_target(kh_cli_ctx *c, const kh_cli_env *env,
                             const char *to, kh_store **out)
{
    kh_status st = kh_store_open(to, KH_STORE_CREATE, c->e, out);
    const char *dd = c->data_dir ? c->data_dir : env->data_dir;
    if (st == KH_OK && dd)
        st = kh_store_set_data_dir(*out, dd, c->e);
    if (st == KH_OK && !kh_store_data_dir(*out))
        st = kh_err_fail(c->e, KH_EINVAL, "%s: evidence files need a "
                         "directory: --data-dir DIR", kh_store_path(*out));
    return st;
}

/* Where copy_one puts --from (the source: c->db) and --to. */
typedef struct copy_opts {
    kh_cli_ctx *c;
    const char *to;
} copy_opts;

/* --from FILE, --to FILE|URI (kh_cli_option_fn); any other is refused. */
static int copy_one(void *args, int o, char *arg, char **argv)
{
    copy_opts *a = args;
    if (o == OPT_FROM)
        a->c->db = arg;
    else if (o == OPT_TO)
        a->to = arg;
    else
        return kh_cli_bad_option("store copy", o, argv);
    return -1;
}

static int store_copy(int argc, char **argv)
{
    static const struct option opts[] = {
        {"from", required_argument, NULL, OPT_FROM},
        {"to", required_argument, NULL, OPT_TO},
        {"data-dir", required_argument, NULL, KH_OPT_DATA_DIR},
        {"as", required_argument, NULL, KH_OPT_AS},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, "store copy"))
        return KH_EXIT_FAILURE;
    copy_opts o = {&c, NULL};
    const kh_cli_parse_spec sp = {.shortopts = ":h", .opts = opts,
                                  .help = copy_help, .fn = copy_one,
                                  .args = &o};
    int rc = kh_cli_parse(&c, "store copy", argc, argv, &sp);
    const char *to = o.to;
    if (rc >= 0 || !c.db || !to) {
        kh_cli_finish(&c, KH_OK);
        if (rc >= 0)
            return rc;
        return kh_cli_usage_error("store copy", "needs --from FILE and "
                                  "--to FILE|URI");
    }
    /* Not kh_cli_open: the source keeps its own data directory
     * (FILE.data) whatever $KAOHE_DATA_DIR says; that is the target's. */
    kh_cli_env env;
    int x = kh_cli_env_get(&env);
    if (x != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return x;
    }
    kh_store *target = NULL;
    kh_status st = kh_store_open(c.db, 0, c.e, &c.store);
    if (st == KH_OK)
        st = open_target(&c, &env, to, &target);
    if (st != KH_OK) {
        kh_store_close(target);
        return kh_cli_finish(&c, st);
    }
    kh_store_copy_counts n;
    st = kh_store_copy(c.store, target, kh_cli_actor(&c), &n, c.e);
    if (st == KH_OK)
        printf(_("copied to %s: %lld tables, %lld rows, %lld evidence files\n"),
               kh_store_path(target), (long long)n.tables, (long long)n.rows,
               (long long)n.files);
    kh_store_close(target);
    return kh_cli_finish(&c, st);
}

int kh_cmd_store(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "copy") == 0)
        return store_copy(argc - 1, argv + 1);
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 ||
                      strcmp(argv[1], "--help") == 0)) {
        copy_help();
        return KH_EXIT_OK;
    }
    return kh_cli_usage_error("store", "expected 'copy'");
}
