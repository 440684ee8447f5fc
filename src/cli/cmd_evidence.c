/*
 * cmd_evidence.c - `kaohe evidence add|get|list`: evidence files (印证
 * 材料) of a year's entries, stored by content hash beside the database.
 */
#include "store_cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/report.h"
#include "kaohe/store_evidence.h"

enum {
    OPT_ITEM = KH_OPT_FIRST_FREE,
    OPT_PHASE,
    OPT_MAX_MIB
};

static void evidence_help(void)
{
    printf(
        _("Usage: kaohe evidence add --year Y --unit U --item I --phase P\n"
        "                          FILE... [--max-mib N]\n"
        "       kaohe evidence get HASH [-o FILE]\n"
        "       kaohe evidence list --year Y [--unit U] [--format table|json]\n"
        "\n"
        "Evidence files (印证材料) are kept beside the database, in\n"
        "DB.data/evidence/, named by their SHA-256.  Accepted are PDF,\n"
        "JPEG, PNG, Word (.docx, .doc) and Excel (.xlsx, .xls), recognised\n"
        "by their content, not their name: a program renamed .pdf is\n"
        "refused.  'kaohe entry set ... --evidence FILE' attaches files\n"
        "while setting an entry.\n"
        "\n"
        "Commands:\n"
        "  add    attach files to an existing entry (self entries in\n"
        "         self_check, inspection entries in inspection and review)\n"
        "  get    write a file back (its hash is checked first); HASH may\n"
        "         be a unique prefix of at least 4 hex digits\n"
        "  list   the evidence of a year's entries and rectification items\n"
        "\n"
        "Options:\n"
        "  -y, --year YEAR       the year\n"
        "      --unit ID         the unit\n"
        "      --item ID         the rubric item (e.g. 1.3)\n"
        "      --phase PHASE     self or inspection\n"
        "      --max-mib N       size limit of one file in MiB (default 20)\n"
        "  -o, --output FILE     get: write here (default: standard output)\n"
        "  -f, --format FORMAT   list: table (default) or json\n"
        "%s"
        "  -h, --help            show this help\n"
        "\n"
        "Exit status: 0 success, 1 invalid input, refused or damaged\n"
        "(every error printed), 2 usage error, 3 other failure.\n"), kh_cli_opts_help());
}

typedef struct list_ctx {
    kh_buf *b;
    bool json;
    size_t n;
} list_ctx;

static kh_status list_row(void *ctx, const kh_evidence_row *r)
{
    list_ctx *l = ctx;
    kh_buf *b = l->b;
    char item[48], size[32];
    if (r->followup)
        snprintf(item, sizeof item, _("rectification #%" PRId64), r->followup);
    else
        snprintf(item, sizeof item, "%s", r->item ? r->item : "-");
    snprintf(size, sizeof size, "%" PRId64, r->size);
    if (l->json) {
        kh_buf_puts(b, l->n ? ",\n  {\"unit\": " : "\n  {\"unit\": ");
        kh_json_str(b, r->unit);
        if (r->followup) {
            kh_buf_printf(b, ", \"followup_item\": %" PRId64, r->followup);
        } else {
            kh_buf_puts(b, ", \"item\": ");
            kh_json_str(b, r->item);
            kh_buf_puts(b, ", \"phase\": ");
            kh_json_str(b, r->phase);
        }
        kh_buf_puts(b, ", \"name\": ");
        kh_json_str(b, r->name);
        kh_buf_printf(b, ", \"type\": \"%s\", \"size\": %s, \"sha256\": ",
                      r->type, size);
        kh_json_str(b, r->sha256);
        kh_buf_puts(b, ", \"added_at\": ");
        kh_json_str(b, r->added_at ? r->added_at : "");
        kh_buf_puts(b, ", \"added_by\": ");
        kh_json_str(b, r->added_by ? r->added_by : "");
        kh_buf_putc(b, '}');
    } else {
        char hash[KH_STORE_HASH_SHOW + 1];
        snprintf(hash, sizeof hash, "%s", r->sha256);
        kh_text_pad(b, r->unit, 10, false);
        kh_text_pad(b, item, 10, false);
        kh_text_pad(b, r->phase ? r->phase : "-", 12, false);
        kh_text_pad(b, hash, 14, false);
        kh_text_pad(b, r->type, 6, false);
        kh_text_pad(b, size, 10, true);
        kh_buf_puts(b, "  ");
        kh_text_pad(b, r->added_at ? r->added_at : "", 22, false);
        kh_text_pad(b, r->added_by ? r->added_by : "", 12, false);
        kh_buf_printf(b, "%s\n", r->name);
    }
    l->n++;
    return kh_buf_status(b);
}

static bool parse_mib(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || end == s || v == 0 || v > 4096)
        return false;
    *out = (size_t)v << 20;
    return true;
}

enum { ADD, GET, LIST };

/* The command line of one run. */
typedef struct ev_args {
    int which;                 /* ADD, GET or LIST */
    const char *cmd;           /* "evidence add", for messages */
    int year;
    const char *unit, *item, *output;
    bool have_phase, json;
    kh_phase phase;
    size_t max;                /* --max-mib in bytes, 0 for the default */
    char **files;              /* the positional arguments */
    int nfiles;
} ev_args;

/* Applies one option (kh_cli_parse takes --year and --unit, and refuses
 * an option the subcommand does not take); returns an exit code when it
 * ends the run (bad value), else -1. */
static int ev_option(void *args, int o, char *arg, char **argv)
{
    ev_args *a = args;
    (void)argv;
    switch (o) {
    case OPT_ITEM:
        a->item = arg;
        return -1;
    case OPT_PHASE:
        a->have_phase = true;
        if (!kh_phase_parse(arg, &a->phase))
            return kh_cli_usage_error(a->cmd, "unknown phase '%s' (expected "
                                      "self or inspection)", arg);
        return -1;
    case OPT_MAX_MIB:
        if (!parse_mib(arg, &a->max))
            return kh_cli_usage_error(a->cmd, "--max-mib needs a number of "
                                      "MiB from 1 to 4096, not '%s'", arg);
        return -1;
    case 'o':
        a->output = arg;
        return -1;
    default:   /* 'f' */
        if (strcmp(arg, "json") == 0)
            a->json = true;
        else if (strcmp(arg, "table") != 0)
            return kh_cli_usage_error(a->cmd, "unknown format '%s' (expected "
                                      "table or json)", arg);
        return -1;
    }
}

/* Reads the options; returns an exit code when the run ends here, else
 * -1 (argv[0] is the subcommand). */
static int ev_parse(kh_cli_ctx *c, int argc, char **argv, ev_args *a)
{
    static const struct option opts[] = {
        KH_CLI_STORE_OPTS,
        KH_CLI_SCOPE_OPTS,
        {"item", required_argument, NULL, OPT_ITEM},
        {"phase", required_argument, NULL, OPT_PHASE},
        {"max-mib", required_argument, NULL, OPT_MAX_MIB},
        {"output", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    static const int allowed[][6] = {
        [ADD] = {'y', KH_OPT_UNIT, OPT_ITEM, OPT_PHASE, OPT_MAX_MIB, 0},
        [GET] = {'o', 0},
        [LIST] = {'y', KH_OPT_UNIT, 'f', 0}};
    const kh_cli_parse_spec sp = {
        .shortopts = ":y:o:f:h", .opts = opts, .allowed = allowed[a->which],
        .help = evidence_help, .year = &a->year, .unit = &a->unit,
        .positional = true, .fn = ev_option, .args = a};
    int rc = kh_cli_parse(c, a->cmd, argc, argv, &sp);
    a->files = argv + optind;
    a->nfiles = argc - optind;
    return rc;
}

/* The positional arguments and required options; an exit code, or -1. */
static int ev_check(const ev_args *a)
{
    int w = a->which, n = a->nfiles;
    if (w == GET && n != 1)
        return n ? kh_cli_usage_error(a->cmd, "unexpected argument '%s'", a->files[1])
                 : kh_cli_usage_error(a->cmd, "missing HASH");
    if (w == LIST && n > 0)
        return kh_cli_usage_error(a->cmd, "unexpected argument '%s'", a->files[0]);
    if (w == ADD && n == 0)
        return kh_cli_usage_error(a->cmd, "missing FILE");
    if (w != GET && !a->year)
        return kh_cli_usage_error(a->cmd, "--year YEAR is required");
    if (w == ADD && (!a->unit || !a->item || !a->have_phase))
        return kh_cli_usage_error(a->cmd, "--unit, --item and --phase are "
                                  "required");
    return -1;
}

/* Adds every file in one transaction, all or none; keeps going after a
 * refused file to report every one.  The hashes go to b. */
static kh_status ev_add(kh_cli_ctx *c, const ev_args *a, kh_buf *b)
{
    const char *actor = kh_cli_actor(c);
    char (*hashes)[KH_EVIDENCE_HASH_SZ] = calloc((size_t)a->nfiles, sizeof *hashes);
    if (!hashes)
        return kh_err_fail(c->e, KH_ENOMEM, "out of memory");
    kh_status st = kh_store_begin(c->store, c->e);
    if (st != KH_OK) {
        free(hashes);
        return st;
    }
    kh_status first = KH_OK;
    for (int i = 0; st == KH_OK && i < a->nfiles; i++) {
        kh_status r = kh_store_evidence_add(c->store, actor, a->year, a->unit,
                                            a->item, a->phase, a->files[i],
                                            a->max, hashes[i], c->e);
        if (r == KH_EINVAL || r == KH_ELIMIT || r == KH_EIO) {
            if (first == KH_OK)
                first = r;
        } else if (r != KH_OK) {
            st = r;
        }
    }
    if (st == KH_OK)
        st = first;
    if (st == KH_OK)
        st = kh_store_commit(c->store, c->e);
    else
        kh_store_rollback(c->store);
    for (int i = 0; st == KH_OK && i < a->nfiles; i++)
        kh_buf_printf(b, "%.*s  %s\n", KH_STORE_HASH_SHOW, hashes[i], a->files[i]);
    free(hashes);
    return st;
}

/* Writes one file back; *rc gets the exit code of the write. */
static kh_status ev_get(kh_cli_ctx *c, const ev_args *a, int *rc)
{
    kh_buf b;
    kh_buf_init(&b, 0);
    char *name = NULL;
    kh_status st = kh_store_evidence_get(c->store, a->files[0], &b, &name, c->e);
    if (st == KH_OK) {
        *rc = kh_cli_write(a->output, &b);
        if (*rc == KH_EXIT_OK && a->output && strcmp(a->output, "-") != 0)
            printf(_("written %s (%s, %zu bytes)\n"), a->output, name, b.len);
    }
    free(name);
    kh_buf_free(&b);
    return st;
}

static void list_head(kh_buf *b, bool json, int year)
{
    if (json) {
        kh_buf_printf(b, "{\"year\": %d, \"evidence\": [", year);
        return;
    }
    kh_text_pad(b, _("unit"), 10, false);
    kh_text_pad(b, _("item"), 10, false);
    kh_text_pad(b, _("phase"), 12, false);
    kh_text_pad(b, "SHA-256", 14, false);
    kh_text_pad(b, _("type"), 6, false);
    kh_text_pad(b, _("bytes"), 10, true);
    kh_buf_puts(b, "  ");
    kh_text_pad(b, _("added at"), 22, false);
    kh_text_pad(b, _("added by"), 12, false);
    kh_buf_puts(b, _("file name\n"));
}

/* The evidence of a year (of one unit with --unit), into b. */
static kh_status ev_list(kh_cli_ctx *c, const ev_args *a, kh_buf *b)
{
    list_ctx l = {.b = b, .json = a->json};
    list_head(b, a->json, a->year);
    kh_year_state ys;
    kh_status st = kh_store_year_state(c->store, a->year, &ys, c->e);
    if (st == KH_OK)
        st = kh_store_evidence_each(c->store, a->year, a->unit, list_row, &l, c->e);
    if (a->json)
        kh_buf_puts(b, l.n ? "\n]}\n" : "]}\n");
    else if (l.n == 0)
        kh_buf_puts(b, _("(none)\n"));
    return st;
}

/* The subcommand argv[1] names, or a usage error / help (*rc >= 0). */
static int ev_which(int argc, char **argv, int *rc)
{
    static const char *const subs[] = {"add", "get", "list"};
    *rc = -1;
    if (argc < 2) {
        *rc = kh_cli_usage_error("evidence", "missing command (add, get or list)");
        return -1;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        evidence_help();
        *rc = KH_EXIT_OK;
        return -1;
    }
    for (int i = 0; i < 3; i++)
        if (!strcmp(argv[1], subs[i]))
            return i;
    *rc = kh_cli_usage_error("evidence", "unknown command '%s' (expected add, "
                             "get or list)", argv[1]);
    return -1;
}

int kh_cmd_evidence(int argc, char **argv)
{
    int rc;
    ev_args a = {.phase = KH_PHASE_INSPECTION};
    if ((a.which = ev_which(argc, argv, &rc)) < 0)
        return rc;
    char cmd[32];
    snprintf(cmd, sizeof cmd, "evidence %s", argv[1]);
    a.cmd = cmd;
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, cmd))
        return KH_EXIT_FAILURE;
    rc = ev_parse(&c, argc - 1, argv + 1, &a);
    if (rc < 0)
        rc = ev_check(&a);
    /* rc >= 0: --help was shown or the command line was bad. */
    if (rc >= 0 || (rc = kh_cli_open(&c, 0)) != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st;
    rc = -1;
    if (a.which == GET)
        st = ev_get(&c, &a, &rc);
    else
        st = a.which == ADD ? ev_add(&c, &a, &b) : ev_list(&c, &a, &b);
    if (a.which != GET)
        rc = st == KH_OK ? kh_cli_write(NULL, &b) : KH_EXIT_OK;
    kh_buf_free(&b);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}
