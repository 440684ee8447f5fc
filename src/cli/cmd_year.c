/*
 * cmd_year.c - `kaohe year open|advance|reopen|list`: years (考核年度)
 * and their state machine draft -> self_check -> inspection -> review ->
 * published -> closed.  `kaohe year set` (document settings) is in
 * cmd_year_set.c.
 */
#include "store_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/report.h"

static void year_help(void)
{
    printf(
        "Usage: kaohe year open YEAR --rubric ID[@HASH]\n"
        "       kaohe year advance YEAR [--allow-missing] [--reason TEXT]\n"
        "       kaohe year reopen YEAR --reason TEXT\n"
        "       kaohe year list [YEAR]\n"
        "       kaohe year set YEAR KEY=VALUE...\n"
        "\n"
        "A year (考核年度) is bound to one rubric version and moves through\n"
        "  draft 草稿 → self_check 自查 → inspection 实地检查 → review 复核\n"
        "  → published 已公布 → closed 已关闭\n"
        "Units are imported in draft; self entries are written only in\n"
        "self_check; inspection entries and bonus/negative records only in\n"
        "inspection and review; nothing once published.  Publishing freezes\n"
        "the results (JSON, table, CSV) with their SHA-256.\n"
        "\n"
        "Commands:\n"
        "  open      create the year in draft, bound to a stored rubric\n"
        "            (ID: its most recently imported version)\n"
        "  advance   move one state on; leaving review publishes (the\n"
        "            results must be complete unless --allow-missing)\n"
        "  reopen    move back one step from review or published (dropping\n"
        "            the frozen results); a reason is required\n"
        "  list      show the years, or one year\n"
        "  set       the year's document settings (公文), all or none:\n"
        "            issuer  发文机关 (default 中共晋城职业技术学院委员会)\n"
        "            number  发文字号 (default none: （文号待定）)\n"
        "            to      主送机关 (default 各党支部、各处室系)\n"
        "            cc      抄送机关 (default 学院纪委)\n"
        "            printer 印发机关 (default 晋城职业技术学院办公室)\n"
        "            date    成文日期 YYYY-MM-DD (default the day of export)\n"
        "            grades  等次 (default 优秀:90,良好:80,一般:70,较差)\n"
        "            scale   折算 TARGET[/BASE], e.g. 10/100 (default none)\n"
        "            an empty VALUE restores the default; closed years no\n"
        "            longer change\n"
        "\n"
        "Options:\n"
        "  -r, --rubric ID       rubric version for open\n"
        "      --allow-missing   publish with missing items scored 0\n"
        "      --reason TEXT     why (recorded in the audit log)\n"
        KH_STORE_OPTS_HELP
        "  -h, --help            show this help\n"
        "\n"
        "Exit status: 0 success, 1 invalid input or not allowed in the\n"
        "year's state, 2 usage error, 3 other failure.\n");
}

enum { OPT_ALLOW_MISSING = KH_OPT_FIRST_FREE, OPT_REASON };

static kh_status list_row(void *ctx, const kh_year_info *y)
{
    kh_buf *b = ctx;
    char year[16], units[32], entries[32], state[64], rub[128];
    snprintf(year, sizeof year, "%d", y->year);
    snprintf(units, sizeof units, "%zu", y->units);
    snprintf(entries, sizeof entries, "%zu", y->entries);
    snprintf(state, sizeof state, "%s %s", kh_year_state_label(y->state),
             kh_year_state_name(y->state));
    const char *at = strchr(y->rubric, '@');
    snprintf(rub, sizeof rub, "%.*s", (int)(at - y->rubric) + 1 +
                                          KH_STORE_HASH_SHOW, y->rubric);
    kh_text_pad(b, year, 6, false);
    kh_text_pad(b, state, 22, false);
    kh_text_pad(b, rub, 34, false);
    kh_text_pad(b, units, 6, true);
    kh_text_pad(b, entries, 8, true);
    kh_buf_puts(b, "  ");
    if (y->snapshot_hash)
        kh_buf_printf(b, "%.*s", KH_STORE_HASH_SHOW, y->snapshot_hash);
    else
        kh_buf_puts(b, "-");
    kh_buf_putc(b, '\n');
    return kh_buf_status(b);
}

static kh_status snapshot_hash(void *ctx, const kh_year_info *y)
{
    snprintf(ctx, 80, "%s", y->snapshot_hash ? y->snapshot_hash : "");
    return KH_OK;
}

int kh_cmd_year(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, KH_OPT_DB},
        {"as", required_argument, NULL, KH_OPT_AS},
        {"rubric", required_argument, NULL, 'r'},
        {"allow-missing", no_argument, NULL, OPT_ALLOW_MISSING},
        {"reason", required_argument, NULL, OPT_REASON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    if (argc < 2)
        return kh_cli_usage_error("year", "missing command (open, advance, "
                                  "reopen, list or set)");
    if (!strcmp(argv[1], "set"))
        return kh_cmd_year_set(argc - 1, argv + 1);
    const char *sub = argv[1];
    if (!strcmp(sub, "--help") || !strcmp(sub, "-h")) {
        year_help();
        return KH_EXIT_OK;
    }
    static const char *const subs[] = {"open", "advance", "reopen", "list"};
    int which = -1;
    for (int i = 0; i < 4; i++)
        if (!strcmp(sub, subs[i]))
            which = i;
    if (which < 0)
        return kh_cli_usage_error("year", "unknown command '%s' (expected "
                                  "open, advance, reopen, list or set)",
                                  sub);
    char cmd[32];
    snprintf(cmd, sizeof cmd, "year %s", sub);
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, cmd))
        return KH_EXIT_FAILURE;
    const char *rubric = NULL, *reason = NULL;
    unsigned flags = 0;
    int o;
    argc--;
    argv++;
    optind = 1;
    opterr = 0;
    while ((o = getopt_long(argc, argv, ":r:h", opts, NULL)) != -1) {
        if (kh_cli_common_opt(&c, o, optarg))
            continue;
        if (o == 'r' && which == 0) {
            rubric = optarg;
            continue;
        }
        if (o == OPT_ALLOW_MISSING && which == 1) {
            flags |= KH_ADVANCE_ALLOW_MISSING;
            continue;
        }
        if (o == OPT_REASON && (which == 1 || which == 2)) {
            reason = optarg;
            continue;
        }
        kh_cli_finish(&c, KH_OK);
        if (o == 'h') {
            year_help();
            return KH_EXIT_OK;
        }
        if (o == 'r' || o == OPT_ALLOW_MISSING || o == OPT_REASON)
            return kh_cli_usage_error(cmd, "option '%s' does not apply here",
                                      argv[optind - 1]);
        return kh_cli_bad_option(cmd, o, argv);
    }
    int year = 0;
    int npos = argc - optind;
    if (npos > 1 || (npos == 0 && which != 3)) {
        kh_cli_finish(&c, KH_OK);
        return npos ? kh_cli_usage_error(cmd, "unexpected argument '%s'",
                                         argv[optind + 1])
                    : kh_cli_usage_error(cmd, "missing YEAR");
    }
    if (npos == 1 && !kh_cli_year(cmd, argv[optind], &year)) {
        kh_cli_finish(&c, KH_OK);
        return KH_EXIT_USAGE;
    }
    if (which == 0 && !rubric) {
        kh_cli_finish(&c, KH_OK);
        return kh_cli_usage_error(cmd, "--rubric ID is required");
    }
    if (which == 2 && !reason) {
        kh_cli_finish(&c, KH_OK);
        return kh_cli_usage_error(cmd, "--reason TEXT is required");
    }
    int rc = kh_cli_open(&c, 0);
    if (rc != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    kh_status st = KH_OK;
    kh_year_state now;
    kh_buf b;
    kh_buf_init(&b, 0);
    switch (which) {
    case 0:
        st = kh_store_year_open(c.store, kh_cli_actor(&c), year, rubric, c.e);
        if (st == KH_OK)
            kh_buf_printf(&b, "%d 年度已开启，状态：%s %s\n", year,
                          kh_year_state_label(KH_YEAR_DRAFT),
                          kh_year_state_name(KH_YEAR_DRAFT));
        break;
    case 1:
    case 2:
        st = which == 1 ? kh_store_year_advance(c.store, kh_cli_actor(&c), year,
                                                flags, reason, &now, c.e)
                        : kh_store_year_reopen(c.store, kh_cli_actor(&c), year,
                                               reason, &now, c.e);
        if (st == KH_OK) {
            kh_buf_printf(&b, "%d 年度状态：%s %s\n", year,
                          kh_year_state_label(now), kh_year_state_name(now));
            char hash[80] = "";
            if (now == KH_YEAR_PUBLISHED &&
                kh_store_year_each(c.store, year, snapshot_hash, hash, c.e) ==
                    KH_OK)
                kh_buf_printf(&b, "结果已冻结，SHA-256：%s\n", hash);
        }
        break;
    default:
        kh_text_pad(&b, "年度", 6, false);
        kh_text_pad(&b, "状态", 22, false);
        kh_text_pad(&b, "评分体系", 34, false);
        kh_text_pad(&b, "单位", 6, true);
        kh_text_pad(&b, "条目", 8, true);
        kh_buf_puts(&b, "  结果快照\n");
        st = kh_store_year_each(c.store, year, list_row, &b, c.e);
        break;
    }
    rc = st == KH_OK ? kh_cli_write(NULL, &b) : KH_EXIT_OK;
    kh_buf_free(&b);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}
