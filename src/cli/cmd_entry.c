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
#include "kaohe/store_evidence.h"

enum {
    OPT_UNIT = KH_OPT_FIRST_FREE,
    OPT_ITEM,
    OPT_PHASE,
    OPT_INPUT,
    OPT_NOTE,
    OPT_VERSION,
    OPT_TYPE,
    OPT_POINTS,
    OPT_REASON,
    OPT_ID,
    OPT_EVIDENCE
};

static void entry_help(void)
{
    printf(
        "Usage: kaohe entry set --year Y --unit U --item I --phase P\n"
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
        KH_STORE_OPTS_HELP
        "  -h, --help             show this help\n"
        "\n"
        "Exit status: 0 success, 1 invalid input, not allowed in the year's\n"
        "state or a stale version, 2 usage error, 3 other failure.\n");
}

static kh_status list_entry(void *ctx, const kh_entry_row *r)
{
    kh_buf *b = ctx;
    kh_buf_printf(b, "%s  %s  %s  v%" PRId64 "  %s", r->unit, r->item,
                  kh_phase_name(r->phase), r->version, r->inputs);
    if (r->note) {
        kh_buf_puts(b, "  备注 note: ");
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

int kh_cmd_entry(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, KH_OPT_DB},
        {"data-dir", required_argument, NULL, KH_OPT_DATA_DIR},
        {"as", required_argument, NULL, KH_OPT_AS},
        {"year", required_argument, NULL, 'y'},
        {"unit", required_argument, NULL, OPT_UNIT},
        {"item", required_argument, NULL, OPT_ITEM},
        {"phase", required_argument, NULL, OPT_PHASE},
        {"input", required_argument, NULL, OPT_INPUT},
        {"note", required_argument, NULL, OPT_NOTE},
        {"version", required_argument, NULL, OPT_VERSION},
        {"evidence", required_argument, NULL, OPT_EVIDENCE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    if (argc < 2)
        return kh_cli_usage_error("entry", "missing command (set or list)");
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        entry_help();
        return KH_EXIT_OK;
    }
    bool set = !strcmp(argv[1], "set");
    if (!set && strcmp(argv[1], "list") != 0)
        return kh_cli_usage_error("entry", "unknown command '%s' (expected "
                                  "set or list)", argv[1]);
    const char *cmd = set ? "entry set" : "entry list";
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, cmd))
        return KH_EXIT_FAILURE;
    int year = 0, o, rc = -1;
    const char *unit = NULL, *item = NULL, *note = NULL;
    bool have_phase = false;
    kh_phase phase = KH_PHASE_INSPECTION;
    int64_t version = KH_VERSION_ANY;
    kh_input_kv *kv = calloc((size_t)argc, sizeof *kv);
    const char **ev = calloc((size_t)argc, sizeof *ev);
    size_t nkv = 0, nev = 0;
    if (!kv || !ev) {
        free(kv);
        free(ev);
        kh_cli_finish(&c, KH_OK);
        fprintf(stderr, "kaohe: out of memory\n");
        return KH_EXIT_FAILURE;
    }
    argc--;
    argv++;
    optind = 1;
    opterr = 0;
    while (rc < 0 && (o = getopt_long(argc, argv, ":y:h", opts, NULL)) != -1) {
        if (kh_cli_common_opt(&c, o, optarg))
            continue;
        switch (o) {
        case 'y':
            if (!kh_cli_year(cmd, optarg, &year))
                rc = KH_EXIT_USAGE;
            break;
        case OPT_UNIT:
            unit = optarg;
            break;
        case OPT_ITEM:
            item = optarg;
            break;
        case OPT_PHASE:
            if (!set || !kh_phase_parse(optarg, &phase))
                rc = set ? kh_cli_usage_error(cmd, "unknown phase '%s' "
                                              "(expected self or inspection)",
                                              optarg)
                         : kh_cli_bad_option(cmd, '?', argv);
            have_phase = true;
            break;
        case OPT_INPUT: {
            char *eq = strchr(optarg, '=');
            if (!set || !eq || eq == optarg) {
                rc = set ? kh_cli_usage_error(cmd, "--input needs NAME=VALUE, "
                                              "not '%s'", optarg)
                         : kh_cli_bad_option(cmd, '?', argv);
                break;
            }
            *eq = '\0';
            kv[nkv].name = optarg;
            kv[nkv].value = eq[1] ? eq + 1 : NULL;
            nkv++;
            break;
        }
        case OPT_NOTE:
            note = optarg;
            if (!set)
                rc = kh_cli_bad_option(cmd, '?', argv);
            break;
        case OPT_VERSION:
            if (!set || !parse_i64(optarg, &version))
                rc = set ? kh_cli_usage_error(cmd, "--version needs a number "
                                              ">= 0, not '%s'", optarg)
                         : kh_cli_bad_option(cmd, '?', argv);
            break;
        case OPT_EVIDENCE:
            ev[nev++] = optarg;
            if (!set)
                rc = kh_cli_bad_option(cmd, '?', argv);
            break;
        case 'h':
            entry_help();
            rc = KH_EXIT_OK;
            break;
        default:
            rc = kh_cli_bad_option(cmd, o, argv);
            break;
        }
    }
    if (rc < 0 && optind < argc)
        rc = kh_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (rc < 0 && !year)
        rc = kh_cli_usage_error(cmd, "--year YEAR is required");
    if (rc < 0 && set && (!unit || !item || !have_phase))
        rc = kh_cli_usage_error(cmd, "--unit, --item and --phase are "
                                "required");
    if (rc < 0 && set && nkv == 0 && !note && nev == 0)
        rc = kh_cli_usage_error(cmd, "nothing to set: give --input "
                                "NAME=VALUE, --note or --evidence");
    /* rc >= 0: --help was shown or the command line was bad. */
    if (rc >= 0 || (rc = kh_cli_open(&c, 0)) != KH_EXIT_OK) {
        free(kv);
        free(ev);
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st;
    if (set) {
        /* The entry and its evidence files land together or not at all. */
        int64_t v = 0;
        st = kh_store_begin(c.store, c.e);
        if (st == KH_OK && (nkv > 0 || note))
            st = kh_store_entry_set(c.store, kh_cli_actor(&c), year, unit,
                                    item, phase, nkv, kv, note, version, &v,
                                    c.e);
        for (size_t i = 0; st == KH_OK && i < nev; i++)
            st = kh_store_evidence_add(c.store, kh_cli_actor(&c), year, unit,
                                       item, phase, ev[i], 0, NULL, c.e);
        if (st == KH_OK)
            st = kh_store_commit(c.store, c.e);
        else if (kh_store_in_tx(c.store))
            kh_store_rollback(c.store);
        if (st == KH_OK && (nkv > 0 || note))
            kh_buf_printf(&b, "%s/%s/%s：版本 %" PRId64 "\n", unit, item,
                          kh_phase_name(phase), v);
        if (st == KH_OK && nev > 0)
            kh_buf_printf(&b, "%s/%s/%s：已附证据 %zu 个\n", unit, item,
                          kh_phase_name(phase), nev);
    } else {
        st = kh_store_entry_each(c.store, year, unit, item, list_entry, &b,
                                 c.e);
    }
    free(kv);
    free(ev);
    rc = st == KH_OK ? kh_cli_write(NULL, &b) : KH_EXIT_OK;
    kh_buf_free(&b);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}

/* ---- kaohe record -------------------------------------------------- */

static void record_help(void)
{
    printf(
        "Usage: kaohe record add --year Y --unit U --type bonus|negative\n"
        "                        --points P --reason TEXT\n"
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
        KH_STORE_OPTS_HELP
        "  -h, --help          show this help\n"
        "\n"
        "Exit status: 0 success, 1 invalid input or not allowed in the\n"
        "year's state, 2 usage error, 3 other failure.\n");
}

static kh_status list_record(void *ctx, const kh_record_row *r)
{
    kh_buf *b = ctx;
    char num[KH_NUM_BUFSZ];
    kh_num_format(r->points, num);
    kh_buf_printf(b, "%s #%" PRId64 "  %s  %s%s  %s\n",
                  r->negative ? "扣分 negative" : "加分 bonus", r->id,
                  r->unit, r->negative ? "-" : "+", num,
                  r->reason ? r->reason : "");
    return kh_buf_status(b);
}

int kh_cmd_record(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, KH_OPT_DB},
        {"data-dir", required_argument, NULL, KH_OPT_DATA_DIR},
        {"as", required_argument, NULL, KH_OPT_AS},
        {"year", required_argument, NULL, 'y'},
        {"unit", required_argument, NULL, OPT_UNIT},
        {"type", required_argument, NULL, OPT_TYPE},
        {"points", required_argument, NULL, OPT_POINTS},
        {"id", required_argument, NULL, OPT_ID},
        {"reason", required_argument, NULL, OPT_REASON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    if (argc < 2)
        return kh_cli_usage_error("record", "missing command (add, remove "
                                  "or list)");
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        record_help();
        return KH_EXIT_OK;
    }
    int which = !strcmp(argv[1], "add")      ? 0
                : !strcmp(argv[1], "remove") ? 1
                : !strcmp(argv[1], "list")   ? 2
                                             : -1;
    if (which < 0)
        return kh_cli_usage_error("record", "unknown command '%s' (expected "
                                  "add, remove or list)", argv[1]);
    char cmd[32];
    snprintf(cmd, sizeof cmd, "record %s", argv[1]);
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, cmd))
        return KH_EXIT_FAILURE;
    int year = 0, o, rc = -1, type = -1;
    const char *unit = NULL, *reason = NULL;
    kh_cp points = 0;
    bool have_points = false;
    int64_t id = -1;
    argc--;
    argv++;
    optind = 1;
    opterr = 0;
    while (rc < 0 && (o = getopt_long(argc, argv, ":y:h", opts, NULL)) != -1) {
        if (kh_cli_common_opt(&c, o, optarg))
            continue;
        switch (o) {
        case 'y':
            if (!kh_cli_year(cmd, optarg, &year))
                rc = KH_EXIT_USAGE;
            break;
        case OPT_UNIT:
            unit = optarg;
            break;
        case OPT_TYPE:
            type = !strcmp(optarg, "bonus") ? 0 : !strcmp(optarg, "negative")
                                                      ? 1
                                                      : -2;
            if (type < 0)
                rc = kh_cli_usage_error(cmd, "unknown type '%s' (expected "
                                        "bonus or negative)", optarg);
            break;
        case OPT_POINTS: {
            kh_num_err ne = kh_num_parse(optarg, strlen(optarg), &points);
            have_points = true;
            if (ne != KH_NUM_OK)
                rc = kh_cli_usage_error(cmd, "--points '%s' %s", optarg,
                                        kh_num_err_str(ne));
            break;
        }
        case OPT_ID:
            if (!parse_i64(optarg, &id))
                rc = kh_cli_usage_error(cmd, "--id needs a record number, "
                                        "not '%s'", optarg);
            break;
        case OPT_REASON:
            reason = optarg;
            break;
        case 'h':
            record_help();
            rc = KH_EXIT_OK;
            break;
        default:
            rc = kh_cli_bad_option(cmd, o, argv);
            break;
        }
    }
    if (rc < 0 && optind < argc)
        rc = kh_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (rc < 0 && !year)
        rc = kh_cli_usage_error(cmd, "--year YEAR is required");
    if (rc < 0 && which == 0 && (!unit || type < 0 || !have_points || !reason))
        rc = kh_cli_usage_error(cmd, "--unit, --type, --points and --reason "
                                "are required");
    if (rc < 0 && which == 1 && (type < 0 || id < 0 || !reason))
        rc = kh_cli_usage_error(cmd, "--type, --id and --reason are "
                                "required");
    /* rc >= 0: --help was shown or the command line was bad. */
    if (rc >= 0 || (rc = kh_cli_open(&c, 0)) != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st;
    if (which == 0) {
        int64_t nid = 0;
        st = kh_store_record_add(c.store, kh_cli_actor(&c), year, unit, type,
                                 points, reason, &nid, c.e);
        if (st == KH_OK)
            kh_buf_printf(&b, "已添加%s记录 #%" PRId64 "\n",
                          type ? "扣分" : "加分", nid);
    } else if (which == 1) {
        st = kh_store_record_remove(c.store, kh_cli_actor(&c), year, type, id,
                                    reason, c.e);
        if (st == KH_OK)
            kh_buf_printf(&b, "已删除%s记录 #%" PRId64 "\n",
                          type ? "扣分" : "加分", id);
    } else {
        st = kh_store_record_each(c.store, year, unit, list_record, &b, c.e);
    }
    rc = st == KH_OK ? kh_cli_write(NULL, &b) : KH_EXIT_OK;
    kh_buf_free(&b);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}
