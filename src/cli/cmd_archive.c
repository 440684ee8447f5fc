/*
 * cmd_archive.c - `kaohe archive --year Y -o FILE.zip` (归档: the year's
 * documents, snapshot, audit records, rubric and evidence with a
 * MANIFEST) and `kaohe archive verify FILE.zip` (lib/docs/archive*.c).
 */
#include "store_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/archive.h"

static void archive_help(void)
{
    printf(_("Usage: kaohe archive --year YEAR -o FILE.zip [--db FILE]\n"
           "       kaohe archive verify FILE.zip\n"
           "\n"
           "Packs a published or closed year: the notice (docx, PDF), "
           "every unit's\n"
           "score sheet (PDF), the workbook, the follow-up report, the "
           "frozen results,\n"
           "the year's audit records, the rubric file, every evidence file "
           "(under\n"
           "evidence/UNIT/ITEM/NAME) and a MANIFEST with each file's "
           "SHA-256, the\n"
           "snapshot's hash and the audit chain head.  'verify' checks "
           "every hash\n"
           "and names each file changed, missing or not listed.\n"
           "\n"
           "Options:\n"
           "  -y, --year YEAR     the year\n"
           "  -o, --output FILE   the zip to write (atomically)\n"
           "%s"
           "  -h, --help          show this help\n"
           "\nExit status: 0 success (verify: every file matches), 1 "
           "invalid input or\na problem found, 2 usage error, 3 other "
           "failure.\n"), kh_cli_db_help());
}

static int archive_verify(int argc, char **argv)
{
    if (argc < 2)
        return kh_cli_usage_error("archive verify", "missing FILE.zip");
    if (argc > 2)
        return kh_cli_usage_error("archive verify", "unexpected argument "
                                  "'%s'", argv[2]);
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, "archive verify"))
        return KH_EXIT_FAILURE;
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st = kh_archive_verify(argv[1], &b, c.e);
    int rc = kh_cli_write(NULL, &b);
    kh_buf_free(&b);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}

typedef struct archive_ctx {
    kh_store *s;
    int year;
} archive_ctx;

static kh_status archive_to(void *ctx, const char *tmp, kh_err *e)
{
    archive_ctx *a = ctx;
    return kh_archive_write(a->s, a->year, tmp, e);
}

/* -o FILE into *(const char **)args (kh_cli_option_fn); any other
 * option is refused. */
static int archive_one(void *args, int o, char *arg, char **argv)
{
    if (o != 'o')
        return kh_cli_bad_option("archive", o, argv);
    *(const char **)args = arg;
    return -1;
}

int kh_cmd_archive(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "verify"))
        return archive_verify(argc - 1, argv + 1);
    static const struct option opts[] = {
        {"db", required_argument, NULL, KH_OPT_DB},
        {"year", required_argument, NULL, 'y'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *cmd = "archive";
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, cmd))
        return KH_EXIT_FAILURE;
    int year = 0;
    const char *output = NULL;
    const kh_cli_parse_spec sp = {
        .shortopts = ":y:o:h", .opts = opts, .help = archive_help,
        .year = &year, .positional = true, .fn = archive_one,
        .args = &output};
    int rc = kh_cli_parse(&c, cmd, argc, argv, &sp);
    if (rc >= 0) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    const char *usage = optind < argc ? "unexpected argument"
                        : !year       ? "--year YEAR is required"
                        : !output || !strcmp(output, "-")
                            ? "-o FILE.zip is required"
                            : NULL;
    if (usage) {
        kh_cli_finish(&c, KH_OK);
        return kh_cli_usage_error(cmd, "%s", usage);
    }
    rc = kh_cli_open(&c, 0);
    if (rc != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    archive_ctx a = {c.store, year};
    kh_status st = kh_cli_write_via(output, archive_to, &a, c.e);
    if (st == KH_OK)
        printf(_("year %d archived: %s\n"), year, output);
    return kh_cli_finish(&c, st);
}
