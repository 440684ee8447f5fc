/*
 * cmd_claim.c - `kaohe claim add|decide|list`: bonus claims (特色加分申报,
 * docs/CLAIMS.md).  A unit's claim is filed during the self-check; the
 * admin approves it with points (at most its kind's ceiling) or rejects
 * it with a reason during inspection and review.
 */
#include "store_cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/i18n.h"
#include "kaohe/store_claims.h"

enum {
    OPT_KIND = KH_OPT_FIRST_FREE,
    OPT_DESCRIPTION,
    OPT_EVIDENCE,
    OPT_FILE,
    OPT_ID,
    OPT_APPROVE,
    OPT_REJECT,
    OPT_POINTS,
    OPT_REASON
};

static void claim_help(void)
{
    fputs(_("Usage: kaohe claim add --year Y --unit U --kind KIND\n"
            "                       --description TEXT [--file PATH]...\n"
            "                       [--evidence HASH]\n"
            "       kaohe claim decide --year Y --id N --approve --points P\n"
            "                       [--reason TEXT]\n"
            "       kaohe claim decide --year Y --id N --reject --reason TEXT\n"
            "       kaohe claim list --year Y [--unit U]\n"
            "\n"
            "Bonus claims: a unit claims bonus points under one of the\n"
            "rubric's kinds (bonus.kinds) during the self-check; in\n"
            "inspection and review the admin approves a claim with points\n"
            "(at most the kind's ceiling), which become a bonus record, or\n"
            "rejects it with a reason.\n"
            "\n"
            "Options:\n"
            "  -y, --year YEAR          the year\n"
            "      --unit ID            the unit\n"
            "      --kind KIND          the kind of bonus (an id of bonus.kinds)\n"
            "      --description TEXT   what the unit did\n"
            "      --file PATH          a file filed with the claim (repeat for\n"
            "                           more, at most 10: PDF, JPG, PNG, Word or\n"
            "                           Excel, at most 20 MiB each)\n"
            "      --evidence HASH      a stored evidence file (hash or prefix)\n"
            "      --id N               the claim (as 'claim list' shows it)\n"
            "      --approve, --reject  the decision\n"
            "      --points P           approved points (> 0, two decimals)\n"
            "      --reason TEXT        why (required to reject)\n"),
          stdout);
    fputs(KH_STORE_OPTS_HELP
          "  -h, --help               show this help\n", stdout);
}

enum { C_ADD, C_DECIDE, C_LIST };

/* The command line of one run. */
typedef struct claim_args {
    int which;
    const char *cmd;
    int year;
    const char *unit, *kind, *description, *evidence, *reason;
    kh_claim_file *files;      /* --file, in order (argc entries) */
    size_t nfiles;
    int64_t id;
    int decision;              /* 1 approve, 0 reject, -1 not given */
    kh_cp points;
    bool have_points;
} claim_args;

static bool parse_id(const char *s, int64_t *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || v <= 0)
        return false;
    *out = v;
    return true;
}

/* Applies one option; an exit code when the run ends here, else -1. */
static int claim_option(void *args, int o, char *arg, char **argv)
{
    claim_args *a = args;
    switch (o) {
    case OPT_KIND: a->kind = arg; return -1;
    case OPT_DESCRIPTION: a->description = arg; return -1;
    case OPT_EVIDENCE: a->evidence = arg; return -1;
    case OPT_FILE:
        a->files[a->nfiles++] = (kh_claim_file){.path = arg};
        return -1;
    case OPT_REASON: a->reason = arg; return -1;
    case OPT_APPROVE: a->decision = 1; return -1;
    case OPT_REJECT: a->decision = 0; return -1;
    case OPT_ID:
        return parse_id(arg, &a->id)
                   ? -1
                   : kh_cli_usage_error(a->cmd, _("--id needs a claim number, "
                                                  "not '%s'"), arg);
    case OPT_POINTS: {
        kh_num_err ne = kh_num_parse(arg, strlen(arg), &a->points);
        a->have_points = true;
        return ne == KH_NUM_OK ? -1
                               : kh_cli_usage_error(a->cmd, "--points '%s' %s",
                                                    arg, kh_num_err_str(ne));
    }
    default:
        return kh_cli_bad_option(a->cmd, o, argv);
    }
}

/* What each subcommand requires; an exit code, or -1. */
static int claim_required(const claim_args *a)
{
    if (!a->year)
        return kh_cli_usage_error(a->cmd, _("--year YEAR is required"));
    if (a->which != C_ADD && (a->nfiles || a->evidence))
        return kh_cli_usage_error(a->cmd, _("--file and --evidence belong to "
                                            "'claim add'"));
    if (a->which == C_ADD && (!a->unit || !a->kind || !a->description))
        return kh_cli_usage_error(a->cmd, _("--unit, --kind and --description "
                                            "are required"));
    if (a->which == C_DECIDE && (a->id <= 0 || a->decision < 0))
        return kh_cli_usage_error(a->cmd, _("--id and --approve or --reject "
                                            "are required"));
    if (a->which == C_DECIDE && a->decision == 1 && !a->have_points)
        return kh_cli_usage_error(a->cmd, _("--approve needs --points"));
    if (a->which == C_DECIDE && a->decision == 0 && !a->reason)
        return kh_cli_usage_error(a->cmd, _("--reject needs --reason"));
    return -1;
}

static int claim_parse(kh_cli_ctx *c, int argc, char **argv, claim_args *a)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, KH_OPT_DB},
        {"data-dir", required_argument, NULL, KH_OPT_DATA_DIR},
        {"as", required_argument, NULL, KH_OPT_AS},
        {"year", required_argument, NULL, 'y'},
        {"unit", required_argument, NULL, KH_OPT_UNIT},
        {"kind", required_argument, NULL, OPT_KIND},
        {"description", required_argument, NULL, OPT_DESCRIPTION},
        {"evidence", required_argument, NULL, OPT_EVIDENCE},
        {"file", required_argument, NULL, OPT_FILE},
        {"id", required_argument, NULL, OPT_ID},
        {"approve", no_argument, NULL, OPT_APPROVE},
        {"reject", no_argument, NULL, OPT_REJECT},
        {"points", required_argument, NULL, OPT_POINTS},
        {"reason", required_argument, NULL, OPT_REASON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const kh_cli_parse_spec sp = {
        .shortopts = ":y:h", .opts = opts, .help = claim_help,
        .year = &a->year, .unit = &a->unit, .fn = claim_option, .args = a};
    int rc = kh_cli_parse(c, a->cmd, argc, argv, &sp);
    return rc >= 0 ? rc : claim_required(a);
}

static const char *state_text(kh_claim_state st)
{
    return st == KH_CLAIM_APPROVED   ? _("approved")
           : st == KH_CLAIM_REJECTED ? _("rejected")
                                     : _("pending");
}

/* The listing: its output and every listed claim's file lines, read
 * before the claims (one statement at a time). */
typedef struct list_ctx {
    kh_buf *out;
    kh_buf files;              /* "N\tline\n" per file */
} list_ctx;

static kh_status keep_file(void *ctx, const kh_claim_file_row *r)
{
    list_ctx *l = ctx;
    kh_buf_printf(&l->files, "%" PRId64 "\t    %s  %.12s  %" PRId64 "\n",
                  r->claim, r->name, r->sha256, r->size);
    return kh_buf_status(&l->files);
}

/* The file lines of claim id, each "    NAME  HASH12  SIZE". */
static void claim_files(list_ctx *l, int64_t id)
{
    char key[32];
    int k = snprintf(key, sizeof key, "%" PRId64 "\t", id);
    const char *p = kh_buf_str(&l->files);
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
        if (strncmp(p, key, (size_t)k) == 0)
            kh_buf_add(l->out, p + k, len - (size_t)k);
        p += len;
    }
}

/* One claim: "#N  UNIT  KIND  STATE[ POINTS]  DESCRIPTION[  (REASON)]",
 * then its files. */
static kh_status list_claim(void *ctx, const kh_claim_row *r)
{
    list_ctx *l = ctx;
    kh_buf *b = l->out;
    kh_buf_printf(b, "#%" PRId64 "  %s  %s  %s", r->id, r->unit, r->kind,
                  state_text(r->state));
    if (r->state == KH_CLAIM_APPROVED) {
        char num[KH_NUM_BUFSZ];
        kh_num_format(r->points, num);
        kh_buf_printf(b, " +%s", num);
    }
    kh_buf_printf(b, "  %s", r->description);
    if (r->reason)
        kh_buf_printf(b, "  (%s)", r->reason);
    kh_buf_putc(b, '\n');
    claim_files(l, r->id);
    return kh_buf_status(b);
}

static kh_status claim_run(kh_cli_ctx *c, const claim_args *a, kh_buf *b)
{
    kh_status st;
    if (a->which == C_ADD) {
        int64_t id = 0;
        st = kh_store_claim_add(c->store, kh_cli_actor(c), a->year, a->unit,
                                a->kind, a->description, a->evidence,
                                a->files, a->nfiles, &id, c->e);
        if (st == KH_OK)
            kh_buf_printf(b, _("filed bonus claim #%" PRId64 "\n"), id);
    } else if (a->which == C_DECIDE) {
        st = kh_store_claim_decide(c->store, kh_cli_actor(c), a->year, a->id,
                                   a->decision == 1, a->points, a->reason,
                                   c->e);
        if (st == KH_OK)
            kh_buf_printf(b, a->decision == 1 ? _("approved bonus claim #%"
                                                  PRId64 "\n")
                                              : _("rejected bonus claim #%"
                                                  PRId64 "\n"),
                          a->id);
    } else {
        list_ctx l = {.out = b};
        kh_buf_init(&l.files, 0);
        st = kh_store_claim_files_each(c->store, a->year, a->unit, keep_file,
                                       &l, c->e);
        if (st == KH_OK)
            st = kh_store_claim_each(c->store, a->year, a->unit, list_claim,
                                     &l, c->e);
        kh_buf_free(&l.files);
    }
    return st;
}

int kh_cmd_claim(int argc, char **argv)
{
    if (argc < 2)
        return kh_cli_usage_error("claim", _("missing command (add, decide "
                                             "or list)"));
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        claim_help();
        return KH_EXIT_OK;
    }
    claim_args a = {.decision = -1,
                    .files = calloc((size_t)argc, sizeof(kh_claim_file))};
    if (!a.files) {
        fputs(_("kaohe: out of memory\n"), stderr);
        return KH_EXIT_FAILURE;
    }
    a.which = !strcmp(argv[1], "add")      ? C_ADD
              : !strcmp(argv[1], "decide") ? C_DECIDE
              : !strcmp(argv[1], "list")   ? C_LIST
                                           : -1;
    if (a.which < 0) {
        free(a.files);
        return kh_cli_usage_error("claim", _("unknown command '%s' (expected "
                                             "add, decide or list)"), argv[1]);
    }
    char cmd[32];
    snprintf(cmd, sizeof cmd, "claim %s", argv[1]);
    a.cmd = cmd;
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, cmd)) {
        free(a.files);
        return KH_EXIT_FAILURE;
    }
    int rc = claim_parse(&c, argc - 1, argv + 1, &a);
    if (rc >= 0 || (rc = kh_cli_open(&c, 0)) != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        free(a.files);
        return rc;
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st = claim_run(&c, &a, &b);
    static const char *const opts[] = {"description", "--description",
                                       NULL};
    if (st != KH_OK)   /* a refused value named by its option */
        kh_cli_opt_paths(c.e, 0, opts);
    rc = st == KH_OK ? kh_cli_write(NULL, &b) : KH_EXIT_OK;
    kh_buf_free(&b);
    free(a.files);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}
