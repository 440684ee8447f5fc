/*
 * cmd_entry.c - `kaohe entry set|list` (single entries with a version
 * check) and `kaohe record add|remove|list` (bonus 特色加分 and negative
 * 负面清单 records).
 */
#include "store_cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/report.h"
#include "kaohe/store_claims.h"
#include "kaohe/store_evidence.h"

enum {
    OPT_ITEM = KH_OPT_FIRST_FREE,
    OPT_PHASE,
    OPT_INPUT,
    OPT_NOTE,
    OPT_VERSION,
    OPT_TYPE,
    OPT_POINTS,
    OPT_REASON,
    OPT_ID,
    OPT_EVIDENCE,
    OPT_CASE
};

static void entry_help(void)
{
    printf(
        _("Usage: kaohe entry set --year Y --unit U --item I --phase P\n"
        "                       --input NAME=VALUE... [--note TEXT]\n"
        "                       [--version N] [--evidence FILE...]\n"
        "       kaohe entry list --year Y [--unit U] [--item I]\n"
        "\n"
        "An entry holds one unit's inputs for one item in one phase (self\n"
        "自查 or inspection 实地检查).  Each change raises its version.\n"
        "\n"
        "Commands:\n"
        "  set    set inputs of an entry (creating it); inputs not named\n"
        "         keep their value, NAME= (empty) removes one.  The value\n"
        "         is checked exactly as in an assessment file.  Self\n"
        "         entries only in state self_check; inspection entries\n"
        "         only in inspection and review.\n"
        "  list   show entries with their versions\n"
        "\n"
        "Options:\n"
        "  -y, --year YEAR        the year\n"
        "      --unit ID          the unit\n"
        "      --item ID          the rubric item (e.g. 1.3)\n"
        "      --phase PHASE      self or inspection\n"
        "      --input NAME=VALUE an input, e.g. meetings=2 (repeatable)\n"
        "      --note TEXT        the entry's note ('' clears it)\n"
        "      --version N        the version you edited: refused when the\n"
        "                         stored entry has changed since (0: the\n"
        "                         entry must not exist yet)\n"
        "      --evidence FILE    attach an evidence file (PDF, JPEG, PNG,\n"
        "                         Word, Excel; repeatable; see 'kaohe\n"
        "                         evidence --help')\n"
        "%s"
        "  -h, --help             show this help\n"
        "\n"
        "Exit status: 0 success, 1 invalid input, not allowed in the year's\n"
        "state or a stale version, 2 usage error, 3 other failure.\n"), kh_cli_opts_help());
}

static kh_status list_entry(void *ctx, const kh_entry_row *r)
{
    kh_buf *b = ctx;
    kh_buf_printf(b, "%s  %s  %s  v%" PRId64 "  %s", r->unit, r->item,
                  kh_phase_name(r->phase), r->version, r->inputs);
    if (r->note) {
        kh_buf_puts(b, _("  note: "));
        kh_buf_puts(b, r->note);
    }
    kh_buf_printf(b, "  (%s %s)\n", r->updated_at, r->updated_by);
    return kh_buf_status(b);
}

static bool parse_i64(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || end == s || v < 0)
        return false;
    *out = v;
    return true;
}

/* The command line of one `entry set|list`. */
typedef struct entry_args {
    bool set;                  /* set, else list */
    const char *cmd;
    int year;
    const char *unit, *item, *note;
    bool have_phase;
    kh_phase phase;
    int64_t version;
    kh_input_kv *kv;           /* owned: the --input pairs */
    size_t nkv;
    const char **ev;           /* owned: the --evidence files */
    size_t nev;
} entry_args;

/* --input NAME=VALUE (the value may be empty: NULL clears it). */
static int entry_input(entry_args *a, char *arg, char **argv)
{
    char *eq = strchr(arg, '=');
    if (!a->set || !eq || eq == arg)
        return a->set ? kh_cli_usage_error(a->cmd, "--input needs NAME=VALUE, "
                                           "not '%s'", arg)
                      : kh_cli_bad_option(a->cmd, '?', argv);
    *eq = '\0';
    a->kv[a->nkv].name = arg;
    a->kv[a->nkv].value = eq[1] ? eq + 1 : NULL;
    a->nkv++;
    return -1;
}

/* Applies one option; an exit code when the run ends here, else -1.
 * Options of `set` only are unknown options to `list`. */
static int entry_option(void *args, int o, char *arg, char **argv)
{
    entry_args *a = args;
    switch (o) {
    case OPT_ITEM:
        a->item = arg;
        return -1;
    case OPT_PHASE:
        a->have_phase = true;
        if (!a->set || !kh_phase_parse(arg, &a->phase))
            return a->set ? kh_cli_usage_error(a->cmd, "unknown phase '%s' "
                                               "(expected self or inspection)", arg)
                          : kh_cli_bad_option(a->cmd, '?', argv);
        return -1;
    case OPT_INPUT:
        return entry_input(a, arg, argv);
    case OPT_NOTE:
        a->note = arg;
        return a->set ? -1 : kh_cli_bad_option(a->cmd, '?', argv);
    case OPT_VERSION:
        if (!a->set || !parse_i64(arg, &a->version))
            return a->set ? kh_cli_usage_error(a->cmd, "--version needs a number "
                                               ">= 0, not '%s'", arg)
                          : kh_cli_bad_option(a->cmd, '?', argv);
        return -1;
    case OPT_EVIDENCE:
        a->ev[a->nev++] = arg;
        return a->set ? -1 : kh_cli_bad_option(a->cmd, '?', argv);
    default:
        return kh_cli_bad_option(a->cmd, o, argv);
    }
}

/* Reads the command line (argv[0] is the subcommand) and checks what is
 * required; an exit code when the run ends here, else -1. */
static int entry_parse(kh_cli_ctx *c, int argc, char **argv, entry_args *a)
{
    static const struct option opts[] = {
        KH_CLI_STORE_OPTS,
        KH_CLI_SCOPE_OPTS,
        {"item", required_argument, NULL, OPT_ITEM},
        {"phase", required_argument, NULL, OPT_PHASE},
        {"input", required_argument, NULL, OPT_INPUT},
        {"note", required_argument, NULL, OPT_NOTE},
        {"version", required_argument, NULL, OPT_VERSION},
        {"evidence", required_argument, NULL, OPT_EVIDENCE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const kh_cli_parse_spec sp = {
        .shortopts = ":y:h", .opts = opts, .help = entry_help,
        .year = &a->year, .unit = &a->unit, .need_year = true,
        .fn = entry_option, .args = a};
    int rc = kh_cli_parse(c, a->cmd, argc, argv, &sp);
    if (rc >= 0)
        return rc;
    if (a->set && (!a->unit || !a->item || !a->have_phase))
        return kh_cli_usage_error(a->cmd, "--unit, --item and --phase are "
                                  "required");
    if (a->set && a->nkv == 0 && !a->note && a->nev == 0)
        return kh_cli_usage_error(a->cmd, "nothing to set: give --input "
                                  "NAME=VALUE, --note or --evidence");
    return -1;
}

/* entry set: the entry and its evidence files land together or not at
 * all; the new version and the files attached are reported in b. */
static kh_status entry_set(kh_cli_ctx *c, const entry_args *a, kh_buf *b)
{
    int64_t v = 0;
    bool values = a->nkv > 0 || a->note;
    kh_entry_write w = {kh_cli_actor(c), a->year,  a->unit, a->item,
                        a->phase,        a->nkv,   a->kv,   a->note,
                        a->version};
    /* Values alone: kh_store_entry_set's own transaction, whose writers'
     * lock comes late (docs/STORE.md); with files, one around both. */
    kh_status st = a->nev > 0 ? kh_store_begin(c->store, c->e) : KH_OK;
    if (st == KH_OK && values)
        st = kh_store_entry_set(c->store, &w, &v, c->e);
    for (size_t i = 0; st == KH_OK && i < a->nev; i++)
        st = kh_store_evidence_add(c->store, kh_cli_actor(c), a->year, a->unit,
                                   a->item, a->phase, a->ev[i], 0, NULL, c->e);
    if (st == KH_OK && kh_store_in_tx(c->store))
        st = kh_store_commit(c->store, c->e);
    else if (kh_store_in_tx(c->store))
        kh_store_rollback(c->store);
    const char *ph = kh_phase_name(a->phase);
    if (st == KH_OK && values)
        kh_buf_printf(b, _("%s/%s/%s: version %" PRId64 "\n"), a->unit, a->item, ph,
                      v);
    if (st == KH_OK && a->nev > 0)
        kh_buf_printf(b, _("%s/%s/%s: %zu evidence files attached\n"), a->unit, a->item, ph,
                      a->nev);
    return st;
}

int kh_cmd_entry(int argc, char **argv)
{
    if (argc < 2)
        return kh_cli_usage_error("entry", "missing command (set or list)");
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        entry_help();
        return KH_EXIT_OK;
    }
    entry_args a = {.set = !strcmp(argv[1], "set"),
                    .phase = KH_PHASE_INSPECTION,
                    .version = KH_VERSION_ANY};
    if (!a.set && strcmp(argv[1], "list") != 0)
        return kh_cli_usage_error("entry", "unknown command '%s' (expected "
                                  "set or list)", argv[1]);
    a.cmd = a.set ? "entry set" : "entry list";
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, a.cmd))
        return KH_EXIT_FAILURE;
    a.kv = calloc((size_t)argc, sizeof *a.kv);
    a.ev = calloc((size_t)argc, sizeof *a.ev);
    int rc = a.kv && a.ev ? entry_parse(&c, argc - 1, argv + 1, &a) : KH_EXIT_FAILURE;
    if (rc == KH_EXIT_FAILURE)
        fprintf(stderr, _("kaohe: out of memory\n"));
    /* rc >= 0: --help was shown or the command line was bad. */
    if (rc >= 0 || (rc = kh_cli_open(&c, 0)) != KH_EXIT_OK) {
        free(a.kv);
        free(a.ev);
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st = a.set ? entry_set(&c, &a, &b)
                         : kh_store_entry_each(c.store, a.year, a.unit, a.item,
                                               list_entry, &b, c.e);
    free(a.kv);
    free(a.ev);
    rc = st == KH_OK ? kh_cli_write(NULL, &b) : KH_EXIT_OK;
    kh_buf_free(&b);
    c.year = a.year;
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}

static void record_help(void)
{
    printf(
        _("Usage: kaohe record add --year Y --unit U --type bonus|negative\n"
        "                        --points P --reason TEXT\n"
        "       kaohe record add --year Y --unit U --type negative --case ID\n"
        "                        --points P [--reason TEXT] [--evidence HASH]\n"
        "       kaohe record remove --year Y --type bonus|negative --id N\n"
        "                        --reason TEXT\n"
        "       kaohe record list --year Y [--unit U]\n"
        "\n"
        "Bonus (特色加分) and negative-list (负面清单) records of a year.\n"
        "They are written only while the year is in inspection or review.\n"
        "\n"
        "Options:\n"
        "  -y, --year YEAR     the year\n"
        "      --unit ID       the unit\n"
        "      --type TYPE     bonus or negative\n"
        "      --points P      points (> 0, at most two decimals)\n"
        "      --id N          the record (as 'record list' shows it)\n"
        "      --reason TEXT   what it is for (add) or why it goes (remove)\n"
        "      --case ID       negative: a case of the rubric's negative-list\n"
        "                      catalogue (points within its range), or other\n"
        "      --evidence HASH negative with --case: a stored evidence file\n"
        "%s"
        "  -h, --help          show this help\n"
        "\n"
        "Exit status: 0 success, 1 invalid input or not allowed in the\n"
        "year's state, 2 usage error, 3 other failure.\n"), kh_cli_opts_help());
}

static kh_status list_record(void *ctx, const kh_record_row *r)
{
    kh_buf *b = ctx;
    char num[KH_NUM_BUFSZ];
    kh_num_format(r->points, num);
    kh_buf_printf(b, "%s #%" PRId64 "  %s  %s%s  %s\n",
                  r->negative ? _("negative") : _("bonus"), r->id,
                  r->unit, r->negative ? "-" : "+", num,
                  r->reason ? r->reason : "");
    return kh_buf_status(b);
}

enum { REC_ADD, REC_REMOVE, REC_LIST };

/* The command line of one `record add|remove|list`. */
typedef struct record_args {
    int which;                 /* REC_ADD, REC_REMOVE or REC_LIST */
    const char *cmd;
    int year, type;            /* type: 0 bonus, 1 negative, -1 not given */
    const char *unit, *reason;
    const char *case_id, *evidence;   /* --case, --evidence */
    kh_cp points;
    bool have_points;
    int64_t id;
} record_args;

/* Applies one option; an exit code when the run ends here, else -1. */
static int record_option(void *args, int o, char *arg, char **argv)
{
    record_args *a = args;
    switch (o) {
    case OPT_TYPE:
        a->type = !strcmp(arg, "bonus") ? 0 : !strcmp(arg, "negative") ? 1 : -2;
        return a->type >= 0 ? -1
                            : kh_cli_usage_error(a->cmd, "unknown type '%s' "
                                                 "(expected bonus or negative)", arg);
    case OPT_POINTS: {
        kh_num_err ne = kh_num_parse(arg, strlen(arg), &a->points);
        a->have_points = true;
        return ne == KH_NUM_OK ? -1
                               : kh_cli_usage_error(a->cmd, "--points '%s' %s", arg,
                                                    kh_num_err_str(ne));
    }
    case OPT_ID:
        return parse_i64(arg, &a->id) ? -1
                                      : kh_cli_usage_error(a->cmd, "--id needs a "
                                                           "record number, not '%s'", arg);
    case OPT_REASON:
        a->reason = arg;
        return -1;
    case OPT_CASE:
        a->case_id = arg;
        return -1;
    case OPT_EVIDENCE:
        a->evidence = arg;
        return -1;
    default:
        return kh_cli_bad_option(a->cmd, o, argv);
    }
}

/* Reads the command line (argv[0] is the subcommand) and checks what is
 * required; an exit code when the run ends here, else -1. */
static int record_parse(kh_cli_ctx *c, int argc, char **argv, record_args *a)
{
    static const struct option opts[] = {
        KH_CLI_STORE_OPTS,
        KH_CLI_SCOPE_OPTS,
        {"type", required_argument, NULL, OPT_TYPE},
        {"points", required_argument, NULL, OPT_POINTS},
        {"id", required_argument, NULL, OPT_ID},
        {"reason", required_argument, NULL, OPT_REASON},
        {"case", required_argument, NULL, OPT_CASE},
        {"evidence", required_argument, NULL, OPT_EVIDENCE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const kh_cli_parse_spec sp = {
        .shortopts = ":y:h", .opts = opts, .help = record_help,
        .year = &a->year, .unit = &a->unit, .need_year = true,
        .fn = record_option, .args = a};
    int rc = kh_cli_parse(c, a->cmd, argc, argv, &sp);
    if (rc >= 0)
        return rc;
    if (a->which == REC_ADD && (a->case_id || a->evidence) &&
        (a->type != 1 || !a->case_id))
        return kh_cli_usage_error(a->cmd, "--case and --evidence are for a "
                                  "negative record, --evidence with --case");
    if (a->which == REC_ADD &&
        (!a->unit || a->type < 0 || !a->have_points ||
         (!a->reason && !a->case_id)))
        return kh_cli_usage_error(a->cmd, "--unit, --type, --points and --reason "
                                  "are required");
    if (a->which == REC_REMOVE && (a->type < 0 || a->id < 0 || !a->reason))
        return kh_cli_usage_error(a->cmd, "--type, --id and --reason are "
                                  "required");
    return -1;
}

/* Runs the subcommand; its report goes to b. */
static kh_status record_run(kh_cli_ctx *c, const record_args *a, kh_buf *b)
{
    bool neg = a->type;
    kh_status st;
    if (a->which == REC_ADD) {
        int64_t nid = 0;
        if (a->case_id)
            st = kh_store_negative_add(c->store, kh_cli_actor(c), a->year,
                                       a->unit, a->case_id, a->points,
                                       a->reason, a->evidence, &nid, c->e);
        else
            st = kh_store_record_add(c->store, kh_cli_actor(c), a->year,
                                     a->unit, a->type, a->points, a->reason,
                                     &nid, c->e);
        if (st == KH_OK)
            kh_buf_printf(b, neg ? _("negative record #%" PRId64 " added\n")
                             : _("bonus record #%" PRId64 " added\n"), nid);
    } else if (a->which == REC_REMOVE) {
        st = kh_store_record_remove(c->store, kh_cli_actor(c), a->year, a->type,
                                    a->id, a->reason, c->e);
        if (st == KH_OK)
            kh_buf_printf(b, neg ? _("negative record #%" PRId64 " removed\n")
                             : _("bonus record #%" PRId64 " removed\n"),
                          a->id);
    } else {
        st = kh_store_record_each(c->store, a->year, a->unit, list_record, b, c->e);
    }
    return st;
}

int kh_cmd_record(int argc, char **argv)
{
    if (argc < 2)
        return kh_cli_usage_error("record", "missing command (add, remove "
                                  "or list)");
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        record_help();
        return KH_EXIT_OK;
    }
    record_args a = {.type = -1, .id = -1};
    a.which = !strcmp(argv[1], "add")      ? REC_ADD
              : !strcmp(argv[1], "remove") ? REC_REMOVE
              : !strcmp(argv[1], "list")   ? REC_LIST
                                           : -1;
    if (a.which < 0)
        return kh_cli_usage_error("record", "unknown command '%s' (expected "
                                  "add, remove or list)", argv[1]);
    char cmd[32];
    snprintf(cmd, sizeof cmd, "record %s", argv[1]);
    a.cmd = cmd;
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, cmd))
        return KH_EXIT_FAILURE;
    int rc = record_parse(&c, argc - 1, argv + 1, &a);
    /* rc >= 0: --help was shown or the command line was bad. */
    if (rc >= 0 || (rc = kh_cli_open(&c, 0)) != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st = record_run(&c, &a, &b);
    rc = st == KH_OK ? kh_cli_write(NULL, &b) : KH_EXIT_OK;
    kh_buf_free(&b);
    c.year = a.year;
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}
