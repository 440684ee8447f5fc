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
    OPT_UNIT = KH_OPT_FIRST_FREE,
    OPT_ITEM,
    OPT_PHASE,
    OPT_MAX_MIB
};

static void evidence_help(void)
{
    printf(
        "Usage: kaohe evidence add --year Y --unit U --item I --phase P\n"
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
        KH_STORE_OPTS_HELP
        "  -h, --help            show this help\n"
        "\n"
        "Exit status: 0 success, 1 invalid input, refused or damaged\n"
        "(every error printed), 2 usage error, 3 other failure.\n");
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
        snprintf(item, sizeof item, "整改#%" PRId64, r->followup);
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

int kh_cmd_evidence(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, KH_OPT_DB},
        {"data-dir", required_argument, NULL, KH_OPT_DATA_DIR},
        {"as", required_argument, NULL, KH_OPT_AS},
        {"year", required_argument, NULL, 'y'},
        {"unit", required_argument, NULL, OPT_UNIT},
        {"item", required_argument, NULL, OPT_ITEM},
        {"phase", required_argument, NULL, OPT_PHASE},
        {"max-mib", required_argument, NULL, OPT_MAX_MIB},
        {"output", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    enum { ADD, GET, LIST };
    static const char *const subs[] = {"add", "get", "list"};
    if (argc < 2)
        return kh_cli_usage_error("evidence", "missing command (add, get or "
                                  "list)");
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        evidence_help();
        return KH_EXIT_OK;
    }
    int which = -1;
    for (int i = 0; i < 3; i++)
        if (!strcmp(argv[1], subs[i]))
            which = i;
    if (which < 0)
        return kh_cli_usage_error("evidence", "unknown command '%s' "
                                  "(expected add, get or list)", argv[1]);
    char cmd[32];
    snprintf(cmd, sizeof cmd, "evidence %s", argv[1]);
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, cmd))
        return KH_EXIT_FAILURE;
    int year = 0, o, rc = -1;
    const char *unit = NULL, *item = NULL, *output = NULL;
    bool have_phase = false, json = false;
    kh_phase phase = KH_PHASE_INSPECTION;
    size_t max = 0;
    argc--;
    argv++;
    optind = 1;
    opterr = 0;
    while (rc < 0 &&
           (o = getopt_long(argc, argv, ":y:o:f:h", opts, NULL)) != -1) {
        if (kh_cli_common_opt(&c, o, optarg))
            continue;
        bool ok = true;
        switch (o) {
        case 'h':
            evidence_help();
            rc = KH_EXIT_OK;
            break;
        case 'y':
            ok = which != GET;
            if (ok && !kh_cli_year(cmd, optarg, &year))
                rc = KH_EXIT_USAGE;
            break;
        case OPT_UNIT:
            ok = which != GET;
            unit = optarg;
            break;
        case OPT_ITEM:
            ok = which == ADD;
            item = optarg;
            break;
        case OPT_PHASE:
            ok = which == ADD;
            if (ok && !kh_phase_parse(optarg, &phase))
                rc = kh_cli_usage_error(cmd, "unknown phase '%s' (expected "
                                        "self or inspection)", optarg);
            have_phase = true;
            break;
        case OPT_MAX_MIB:
            ok = which == ADD;
            if (ok && !parse_mib(optarg, &max))
                rc = kh_cli_usage_error(cmd, "--max-mib needs a number of "
                                        "MiB from 1 to 4096, not '%s'",
                                        optarg);
            break;
        case 'o':
            ok = which == GET;
            output = optarg;
            break;
        case 'f':
            ok = which == LIST;
            if (ok && strcmp(optarg, "json") == 0)
                json = true;
            else if (ok && strcmp(optarg, "table") != 0)
                rc = kh_cli_usage_error(cmd, "unknown format '%s' (expected "
                                        "table or json)", optarg);
            break;
        default:
            rc = kh_cli_bad_option(cmd, o, argv);
            break;
        }
        if (!ok && rc < 0)
            rc = kh_cli_usage_error(cmd, "option '%s' does not apply here",
                                    argv[optind - 1]);
    }
    int npos = argc - optind;
    if (rc < 0 && which == GET && npos != 1)
        rc = npos ? kh_cli_usage_error(cmd, "unexpected argument '%s'",
                                       argv[optind + 1])
                  : kh_cli_usage_error(cmd, "missing HASH");
    if (rc < 0 && which == LIST && npos > 0)
        rc = kh_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (rc < 0 && which == ADD && npos == 0)
        rc = kh_cli_usage_error(cmd, "missing FILE");
    if (rc < 0 && which != GET && !year)
        rc = kh_cli_usage_error(cmd, "--year YEAR is required");
    if (rc < 0 && which == ADD && (!unit || !item || !have_phase))
        rc = kh_cli_usage_error(cmd, "--unit, --item and --phase are "
                                "required");
    /* rc >= 0: --help was shown or the command line was bad. */
    if (rc >= 0 || (rc = kh_cli_open(&c, 0)) != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st = KH_OK;
    if (which == ADD) {
        /* All the files or none. */
        const char *actor = kh_cli_actor(&c);
        char (*hashes)[KH_EVIDENCE_HASH_SZ] =
            calloc((size_t)npos, sizeof *hashes);
        if (!hashes)
            st = kh_err_fail(c.e, KH_ENOMEM, "out of memory");
        else
            st = kh_store_begin(c.store, c.e);
        bool began = st == KH_OK;
        /* Keep going after a refused file, to report every one. */
        kh_status first = KH_OK;
        for (int i = 0; st == KH_OK && i < npos; i++) {
            kh_status r = kh_store_evidence_add(
                c.store, actor, year, unit, item, phase, argv[optind + i],
                max, hashes[i], c.e);
            if (r == KH_EINVAL || r == KH_ELIMIT || r == KH_EIO) {
                if (first == KH_OK)
                    first = r;
            } else if (r != KH_OK) {
                st = r;
            }
        }
        if (st == KH_OK)
            st = first;
        if (began && st == KH_OK)
            st = kh_store_commit(c.store, c.e);
        else if (began)
            kh_store_rollback(c.store);
        for (int i = 0; st == KH_OK && i < npos; i++)
            kh_buf_printf(&b, "%.*s  %s\n", KH_STORE_HASH_SHOW, hashes[i],
                          argv[optind + i]);
        free(hashes);
    } else if (which == GET) {
        char *name = NULL;
        st = kh_store_evidence_get(c.store, argv[optind], &b, &name, c.e);
        if (st == KH_OK) {
            rc = kh_cli_write(output, &b);
            if (rc == KH_EXIT_OK && output && strcmp(output, "-") != 0)
                printf("已写出 %s（%s，%zu 字节）\n", output, name, b.len);
        }
        free(name);
        kh_buf_reset(&b);
    } else {
        list_ctx l = {.b = &b, .json = json};
        if (json) {
            kh_buf_printf(&b, "{\"year\": %d, \"evidence\": [", year);
        } else {
            kh_text_pad(&b, "单位", 10, false);
            kh_text_pad(&b, "指标", 10, false);
            kh_text_pad(&b, "阶段", 12, false);
            kh_text_pad(&b, "SHA-256", 14, false);
            kh_text_pad(&b, "类型", 6, false);
            kh_text_pad(&b, "字节", 10, true);
            kh_buf_puts(&b, "  ");
            kh_text_pad(&b, "添加时间", 22, false);
            kh_text_pad(&b, "添加人", 12, false);
            kh_buf_puts(&b, "文件名\n");
        }
        kh_year_state ys;
        st = kh_store_year_state(c.store, year, &ys, c.e);
        if (st == KH_OK)
            st = kh_store_evidence_each(c.store, year, unit, list_row, &l,
                                        c.e);
        if (json)
            kh_buf_puts(&b, l.n ? "\n]}\n" : "]}\n");
        else if (l.n == 0)
            kh_buf_puts(&b, "（无）\n");
    }
    if (which != GET)
        rc = st == KH_OK ? kh_cli_write(NULL, &b) : KH_EXIT_OK;
    kh_buf_free(&b);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}
