/*
 * cmd_rubric_store.c - `kaohe rubric import|export|diff|list`: rubric
 * versions in the store (id + SHA-256 of the file text) and the
 * item-by-item comparison of two rubrics.  `kaohe rubric` (cmd_rubric.c)
 * hands these subcommands to kh_cmd_rubric_store().
 */
#include "store_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kaohe/rubric_diff.h"

static void help(void)
{
    printf(
        _("Usage: kaohe rubric import FILE\n"
        "       kaohe rubric export ID[@HASH] [-o FILE]\n"
        "       kaohe rubric diff A B\n"
        "       kaohe rubric list\n"
        "\n"
        "Rubric versions in the store: a version is the rubric's id plus\n"
        "the SHA-256 of its file text (ID@HASH; a prefix of 4 or more hex\n"
        "digits of HASH is enough; ID alone is its latest import).\n"
        "\n"
        "Commands:\n"
        "  import   check FILE and store it; the same text again changes\n"
        "           nothing\n"
        "  export   write a stored version back, byte for byte\n"
        "  diff     list what changed from A to B: items added, removed and\n"
        "           changed (max, terms, kinds, texts), kinds, rankings,\n"
        "           categories.  A and B are files, or stored versions when\n"
        "           no such file exists\n"
        "  list     show the stored versions\n"
        "\n"
        "Options:\n"
        "  -o, --output FILE   export to FILE (atomically)\n"
        "%s"
        "  -h, --help          show this help\n"
        "\n"
        "Exit status: 0 success, 1 invalid rubric or unknown version,\n"
        "2 usage error, 3 other failure.\n"), kh_cli_opts_help());
}

static kh_status list_row(void *ctx, const kh_rubric_row *r)
{
    kh_buf *b = ctx;
    kh_buf_printf(b, "%s@%.*s  %s  %s %s\n", r->id, KH_STORE_HASH_SHOW,
                  r->hash, r->title, r->imported_at, r->imported_by);
    return kh_buf_status(b);
}

static bool is_file(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* Loads one side of a diff: a file, else a stored version (opening the
 * store on first need).  *name gets what to call it (caller frees). */
static kh_status diff_side(kh_cli_ctx *c, const char *arg, kh_rubric **r,
                           char **name, int *exit_code)
{
    *r = NULL;
    *name = NULL;
    if (is_file(arg)) {
        *name = strdup(arg);
        return kh_rubric_load(arg, c->e, r);
    }
    if (!c->store) {
        int rc = kh_cli_open(c, 0);
        if (rc != KH_EXIT_OK) {
            *exit_code = rc;
            return KH_EDB;
        }
    }
    char *ver = NULL;
    kh_status st = kh_store_rubric_load(c->store, arg, c->e, r, &ver);
    if (st == KH_OK) {
        /* Show the short form, ID@ plus 12 hex digits. */
        char *at = strchr(ver, '@');
        at[1 + KH_STORE_HASH_SHOW] = '\0';
        *name = ver;
    }
    return st;
}

enum { IMPORT, EXPORT, DIFF, LIST };

/* Where rs_one puts -o (NULL: the subcommand takes no -o). */
typedef struct rs_opts {
    const char *cmd;
    const char **output;
} rs_opts;

/* -o FILE of export (kh_cli_option_fn); any other is refused. */
static int rs_one(void *args, int o, char *arg, char **argv)
{
    rs_opts *r = args;
    if (o != 'o' || !r->output)
        return kh_cli_bad_option(r->cmd, o, argv);
    *r->output = arg;
    return -1;
}

/* Reads the options and counts the arguments (argv[0] is the
 * subcommand); an exit code when the run ends here, else -1. */
static int rs_parse(kh_cli_ctx *c, int argc, char **argv, int which,
                    const char **output)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, KH_OPT_DB},
        {"data-dir", required_argument, NULL, KH_OPT_DATA_DIR},
        {"as", required_argument, NULL, KH_OPT_AS},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    static const int npos[] = {1, 1, 2, 0};
    rs_opts r = {c->cmd, which == EXPORT ? output : NULL};
    const kh_cli_parse_spec sp = {.shortopts = ":o:h", .opts = opts,
                                  .help = help, .positional = true,
                                  .fn = rs_one, .args = &r};
    int rc = kh_cli_parse(c, c->cmd, argc, argv, &sp);
    if (rc >= 0 || argc - optind == npos[which])
        return rc;
    if (argc - optind > npos[which])
        return kh_cli_usage_error(c->cmd, "unexpected argument '%s'",
                                  argv[optind + npos[which]]);
    return kh_cli_usage_error(c->cmd, which == IMPORT   ? "missing FILE"
                                      : which == EXPORT ? "missing ID"
                                                        : "needs two rubrics, "
                                                          "A and B");
}

/* import FILE: a new version, or the note that it is stored already. */
static kh_status rs_import(kh_cli_ctx *c, const char *file, kh_buf *b)
{
    kh_buf in;
    kh_buf_init(&in, 0);
    char *ver = NULL;
    bool created = false;
    kh_status st = kh_cli_read(file, &in, c->e);
    if (st == KH_OK)
        st = kh_store_rubric_import(c->store, kh_cli_actor(c), file,
                                    kh_buf_str(&in), in.len, c->e, &ver,
                                    &created);
    if (st == KH_OK) {
        char *at = strchr(ver, '@');
        kh_buf_printf(b, created ? _("imported %.*s\n")
                                 : _("unchanged: %.*s is already stored\n"),
                      (int)(at - ver) + 1 + KH_STORE_HASH_SHOW, ver);
    }
    free(ver);
    kh_buf_free(&in);
    return st;
}

/* export ID: the stored text, byte for byte. */
static kh_status rs_export(kh_cli_ctx *c, const char *id, kh_buf *b)
{
    char *text = NULL;
    size_t len = 0;
    kh_status st = kh_store_rubric_get(c->store, id, c->e, &text, &len, NULL);
    if (st == KH_OK)
        kh_buf_add(b, text, len);
    free(text);
    return st;
}

/* diff A B: each a file or a stored version; *code is set when a side
 * cannot be read. */
static kh_status rs_diff(kh_cli_ctx *c, char **args, kh_buf *b, int *code)
{
    kh_rubric *ra = NULL, *rb = NULL;
    char *na = NULL, *nb = NULL;
    kh_status st = diff_side(c, args[0], &ra, &na, code);
    if (st == KH_OK)
        st = diff_side(c, args[1], &rb, &nb, code);
    if (st == KH_OK)
        st = kh_rubric_diff(ra, na, rb, nb, b, NULL);
    kh_rubric_free(ra);
    kh_rubric_free(rb);
    free(na);
    free(nb);
    return st;
}

int kh_cmd_rubric_store(int argc, char **argv)
{
    int which = !strcmp(argv[0], "import")   ? IMPORT
                : !strcmp(argv[0], "export") ? EXPORT
                : !strcmp(argv[0], "diff")   ? DIFF
                : !strcmp(argv[0], "list")   ? LIST
                                             : -1;
    if (which < 0)
        return kh_cli_usage_error("rubric", "unknown command '%s'", argv[0]);
    char cmd[32];
    snprintf(cmd, sizeof cmd, "rubric %s", argv[0]);
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, cmd))
        return KH_EXIT_FAILURE;
    const char *output = NULL;
    int rc = rs_parse(&c, argc, argv, which, &output);
    /* rc >= 0: --help was shown or the command line was bad.  diff needs
     * no store when both rubrics are files. */
    if (rc >= 0 || (which != DIFF && (rc = kh_cli_open(&c, 0)) != KH_EXIT_OK)) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    int code = KH_EXIT_OK;
    kh_status st = which == IMPORT   ? rs_import(&c, argv[optind], &b)
                   : which == EXPORT ? rs_export(&c, argv[optind], &b)
                   : which == DIFF   ? rs_diff(&c, argv + optind, &b, &code)
                                     : kh_store_rubric_each(c.store, list_row, &b, c.e);
    if (code != KH_EXIT_OK) {
        kh_buf_free(&b);
        kh_cli_finish(&c, KH_OK);
        return code;
    }
    rc = st == KH_OK ? kh_cli_write(output, &b) : KH_EXIT_OK;
    kh_buf_free(&b);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}
