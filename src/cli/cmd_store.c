/*
 * cmd_store.c - helpers shared by the store's subcommands, and the
 * commands `kaohe init`, `kaohe check`,
 * `kaohe results`, `kaohe import assessment`, `kaohe export assessment`.
 */
#include "store_cli.h"
#include "kaohe/i18n.h"
#include "kaohe/place.h"
#include "kaohe/table.h"

#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kaohe/report.h"

/* ---- shared helpers ------------------------------------------------ */

const char *kh_cli_opts_help(void)
{
    return _("      --db FILE     the store (default: $KAOHE_DB, else ./kaohe.db); a\n"
             "                    postgresql://... URI names a PostgreSQL database\n"
             "      --data-dir DIR  evidence files (default: $KAOHE_DATA_DIR, else\n"
             "                    FILE.data; needed with PostgreSQL)\n"
             "      --as NAME     who makes the change, for the audit log (default:\n"
             "                    $KAOHE_USER, else the login name)\n");
}

const char *kh_cli_db_help(void)
{
    return _("      --db FILE     the store (default: $KAOHE_DB, else ./kaohe.db); a\n"
             "                    postgresql://... URI names a PostgreSQL database\n"
             "      --data-dir DIR  evidence files (default: $KAOHE_DATA_DIR, else\n"
             "                    FILE.data; needed with PostgreSQL)\n");
}

bool kh_cli_ctx_init(kh_cli_ctx *c, const char *cmd)
{
    memset(c, 0, sizeof *c);
    c->cmd = cmd;
    c->e = kh_err_new();
    if (!c->e) {
        fprintf(stderr, _("kaohe: out of memory\n"));
        return false;
    }
    return true;
}

bool kh_cli_common_opt(kh_cli_ctx *c, int opt, const char *arg)
{
    if (opt == KH_OPT_DB) {
        c->db = arg;
        return true;
    }
    if (opt == KH_OPT_AS) {
        c->actor = arg;
        return true;
    }
    if (opt == KH_OPT_DATA_DIR) {
        c->data_dir = arg;
        return true;
    }
    return false;
}

static bool listed(const int *codes, int o)
{
    for (; *codes; codes++)
        if (*codes == o)
            return true;
    return false;
}

/* One option that is not --db, --data-dir or --as; an exit code or -1. */
static int parse_one(const char *cmd, const kh_cli_parse_spec *sp, int o,
                     char *arg, char **argv)
{
    if (o == 'h' && sp->help) {
        sp->help();
        return KH_EXIT_OK;
    }
    if (sp->allowed && (o == ':' || o == '?'))
        return kh_cli_bad_option(cmd, o, argv);
    if (sp->allowed && !listed(sp->allowed, o)) {
        /* "--year 2025": getopt has consumed the value too; name the
         * option, not its value. */
        const char *name = argv[optind - 1];
        if (arg && arg == name && optind >= 2)
            name = argv[optind - 2];
        return kh_cli_usage_error(cmd, "option '%s' does not apply here",
                                  name);
    }
    if (o == 'y' && sp->year)
        return kh_cli_year(cmd, arg, sp->year) ? -1 : KH_EXIT_USAGE;
    if (o == KH_OPT_UNIT && sp->unit) {
        *sp->unit = arg;
        return -1;
    }
    return sp->fn ? sp->fn(sp->args, o, arg, argv)
                  : kh_cli_bad_option(cmd, o, argv);
}

int kh_cli_parse(kh_cli_ctx *c, const char *cmd, int argc, char **argv,
                 const kh_cli_parse_spec *sp)
{
    int o, rc = -1;
    optind = 1;
    opterr = 0;
    while (rc < 0 &&
           (o = getopt_long(argc, argv, sp->shortopts, sp->opts, NULL)) != -1)
        if (!kh_cli_common_opt(c, o, optarg))
            rc = parse_one(cmd, sp, o, optarg, argv);
    if (rc >= 0)
        return rc;
    if (!sp->positional && optind < argc)
        return kh_cli_usage_error(cmd, "unexpected argument '%s'",
                                  argv[optind]);
    if (sp->need_year && !*sp->year)
        return kh_cli_usage_error(cmd, "--year YEAR is required");
    return -1;
}

int kh_cli_need(const char *cmd, const char *const *names,
                const char *const *values, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!values[i])
            return kh_cli_usage_error(cmd, "%s is required", names[i]);
    return -1;
}

bool kh_cli_id(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || end == s || v <= 0)
        return false;
    *out = v;
    return true;
}

int kh_cli_bad_option(const char *cmd, int c, char **argv)
{
    const char *arg = argv[optind - 1];
    if (c == ':')
        return kh_cli_usage_error(cmd, "option '%s' needs a value", arg);
    if (optopt && optopt != '?' && optopt < 256)
        return kh_cli_usage_error(cmd, "unknown option '-%c'", optopt);
    return kh_cli_usage_error(cmd, "unknown option '%s'", arg);
}

int kh_cli_open(kh_cli_ctx *c, unsigned flags)
{
    kh_cli_env env;
    int x = kh_cli_env_get(&env);
    if (x != KH_EXIT_OK)
        return x;
    if (!c->db)
        c->db = env.db;
    kh_status st = kh_store_open(c->db, flags, c->e, &c->store);
    if (!c->data_dir)
        c->data_dir = env.data_dir;
    if (st == KH_OK && c->data_dir)
        st = kh_store_set_data_dir(c->store, c->data_dir, c->e);
    if (st != KH_OK) {
        kh_cli_print_errors(c->e);
        int x2 = kh_cli_exit_err(st, c->e);
        kh_err_clear(c->e);
        return x2;
    }
    kh_store_set_time(c->store, env.now);
    return KH_EXIT_OK;
}

const char *kh_cli_actor(kh_cli_ctx *c)
{
    if (c->actor && *c->actor)
        return c->actor;
    const char *env = getenv("KAOHE_USER");
    if (env && *env)
        return c->actor = env;
    struct passwd *pw = getpwuid(getuid());
    if (pw && pw->pw_name && *pw->pw_name)
        return c->actor = pw->pw_name;
    return c->actor = "unknown";
}

/* Prints c's messages; in Chinese with the places named from the
 * year's rubric and units when the year loads (else as written). */
static void print_named(kh_cli_ctx *c)
{
    kh_rubric *r = NULL;
    kh_assess *a = NULL;
    kh_err *scratch = NULL;
    if (c->year && c->store && kh_err_count(c->e) &&
        kh_i18n_locale_is_zh() && (scratch = kh_err_new()) &&
        kh_store_load_assess(c->store, c->year, scratch, &r, &a) != KH_OK) {
        kh_assess_free(a);
        a = NULL;
    }
    kh_place_ctx pc = {r, a, NULL, NULL, NULL, NULL, 0};
    kh_table *t = NULL;
    if (scratch && c->table &&
        kh_table_read(c->table, KH_CLI_TABLE_ROWS_MAX, scratch, &t) == KH_OK &&
        kh_table_rows(t) > 0 &&
        (pc.columns = calloc(kh_table_cols(t, 0) + 1, sizeof(char *)))) {
        pc.ncolumns = kh_table_cols(t, 0);
        for (size_t i = 0; i < pc.ncolumns; i++)
            ((const char **)pc.columns)[i] = kh_table_cell(t, 0, i);
    }
    kh_cli_print_errors_in(c->e, &pc);
    free((void *)pc.columns);
    kh_table_free(t);
    kh_assess_free(a);
    kh_rubric_free(r);
    kh_err_free(scratch);
}

int kh_cli_finish(kh_cli_ctx *c, kh_status st)
{
    print_named(c);
    int x = kh_cli_exit_err(st, c->e);
    kh_err_free(c->e);
    kh_store_close(c->store);
    c->e = NULL;
    c->store = NULL;
    return x;
}

bool kh_cli_year(const char *cmd, const char *s, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < KH_YEAR_MIN || v > KH_YEAR_MAX) {
        kh_cli_usage_error(cmd, "'%s' is not a year (%d to %d)", s,
                           KH_YEAR_MIN, KH_YEAR_MAX);
        return false;
    }
    *out = (int)v;
    return true;
}

kh_status kh_cli_read(const char *path, kh_buf *b, kh_err *e)
{
    if (strcmp(path, "-") != 0)
        return kh_buf_read_file(b, path, e);
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, stdin)) > 0)
        kh_buf_add(b, tmp, n);
    if (ferror(stdin))
        return kh_err_fail(e, KH_EIO, "cannot read standard input");
    if (kh_buf_status(b) != KH_OK)
        return kh_err_fail(e, kh_buf_status(b), "standard input: %s",
                           kh_status_str(kh_buf_status(b)));
    return KH_OK;
}

static const char exit_help[] =
    "\n"
    "Exit status: 0 success, 1 invalid input or refused (every error\n"
    "printed), 2 usage error, 3 other failure (database, memory, output).\n";

/* ---- kaohe init ---------------------------------------------------- */

static void init_help(void)
{
    printf(_("Usage: kaohe init [--db FILE]\n"
           "\n"
           "Creates the store (an SQLite file) or brings an existing "
           "one up to\n"
           "the newest schema.  Running it again changes nothing.\n"
           "\n"
           "Options:\n" "%s"
           "  -h, --help        show this help\n%s"), kh_cli_db_help(),
           exit_help);
}

/* The options of a command that takes only --db and --data-dir. */
static const struct option db_opts[] = {
    {"db", required_argument, NULL, KH_OPT_DB},
    {"data-dir", required_argument, NULL, KH_OPT_DATA_DIR},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

int kh_cmd_init(int argc, char **argv)
{
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, "init"))
        return KH_EXIT_FAILURE;
    const kh_cli_parse_spec sp = {
        .shortopts = ":h", .opts = db_opts, .help = init_help};
    int rc = kh_cli_parse(&c, "init", argc, argv, &sp);
    if (rc >= 0) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    rc = kh_cli_open(&c, KH_STORE_CREATE);
    if (rc != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    /* The path as the store shows it: a URI without its password. */
    printf(_("store %s ready (schema version %d)\n"), kh_store_path(c.store),
           kh_store_version(c.store));
    return kh_cli_finish(&c, KH_OK);
}

/* ---- kaohe check --------------------------------------------------- */

static void check_help(void)
{
    printf(_("Usage: kaohe check [--db FILE]\n"
           "\n"
           "Checks the store: SQLite's integrity and foreign key "
           "checks, the\n"
           "audit log's hash chain (naming the first altered, "
           "removed or\n"
           "reordered record) and the SHA-256 of published "
           "results.\n"
           "\n"
           "Options:\n" "%s"
           "  -h, --help        show this help\n%s"), kh_cli_db_help(),
           exit_help);
}

int kh_cmd_check(int argc, char **argv)
{
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, "check"))
        return KH_EXIT_FAILURE;
    const kh_cli_parse_spec sp = {
        .shortopts = ":h", .opts = db_opts, .help = check_help};
    int rc = kh_cli_parse(&c, "check", argc, argv, &sp);
    if (rc >= 0) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    rc = kh_cli_open(&c, 0);
    if (rc != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st = kh_store_check(c.store, &b, c.e);
    if (st == KH_OK)
        kh_buf_puts(&b, _("check passed\n"));
    rc = kh_cli_write(NULL, &b);
    kh_buf_free(&b);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}

/* ---- kaohe results ------------------------------------------------- */

enum { OPT_ALLOW_MISSING = KH_OPT_FIRST_FREE };

static void results_help(void)
{
    printf(_("Usage: kaohe results --year YEAR [--format table|json|csv]\n"
           "                     [--allow-missing] [-o FILE] [--db FILE]\n"
           "\n"
           "The results of a year, exactly as 'kaohe score' writes them: "
           "computed\n"
           "from the store, or once the year is published the frozen "
           "snapshot\n"
           "(then --allow-missing has no effect).\n"
           "\n"
           "Options:\n"
           "  -y, --year YEAR       the year (required)\n"
           "  -f, --format FORMAT   table (default), json or csv\n"
           "      --allow-missing   score an applicable item with no "
           "inspection\n"
           "                        entry as 0 and list it, instead of "
           "failing\n"
           "  -o, --output FILE     write to FILE (atomically); '-' is "
           "standard output\n" "%s"
           "  -h, --help            show this help\n%s"), kh_cli_db_help(),
           exit_help);
}

/* The options of one `kaohe results` run (results_one). */
typedef struct results_opts {
    const char *output;
    kh_result_format fmt;
    unsigned flags;
} results_opts;

/* -f, -o, --allow-missing (kh_cli_option_fn); any other is refused. */
static int results_one(void *args, int o, char *arg, char **argv)
{
    results_opts *r = args;
    if (o == 'f' && !strcmp(arg, "table"))
        r->fmt = KH_RESULT_TABLE;
    else if (o == 'f' && !strcmp(arg, "json"))
        r->fmt = KH_RESULT_JSON;
    else if (o == 'f' && !strcmp(arg, "csv"))
        r->fmt = KH_RESULT_CSV;
    else if (o == 'f')
        return kh_cli_usage_error("results", "unknown format '%s' "
                                  "(expected table, json or csv)", arg);
    else if (o == 'o')
        r->output = arg;
    else if (o == OPT_ALLOW_MISSING)
        r->flags |= KH_SCORE_ALLOW_MISSING;
    else
        return kh_cli_bad_option("results", o, argv);
    return -1;
}

int kh_cmd_results(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, KH_OPT_DB},
        {"data-dir", required_argument, NULL, KH_OPT_DATA_DIR},
        {"year", required_argument, NULL, 'y'},
        {"format", required_argument, NULL, 'f'},
        {"allow-missing", no_argument, NULL, OPT_ALLOW_MISSING},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, "results"))
        return KH_EXIT_FAILURE;
    int year = 0;
    results_opts r = {NULL, KH_RESULT_TABLE, 0};
    const kh_cli_parse_spec sp = {
        .shortopts = ":y:f:o:h", .opts = opts, .help = results_help,
        .year = &year, .need_year = true, .fn = results_one, .args = &r};
    int rc = kh_cli_parse(&c, "results", argc, argv, &sp);
    if (rc >= 0) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    const char *output = r.output;
    kh_result_format fmt = r.fmt;
    unsigned flags = r.flags;
    rc = kh_cli_open(&c, 0);
    if (rc != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st = kh_store_results(c.store, year, fmt, flags, &b, c.e);
    rc = st == KH_OK ? kh_cli_write(output, &b) : KH_EXIT_OK;
    kh_buf_free(&b);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}

/* ---- kaohe import assessment / export assessment ------------------- */

enum { OPT_PROGRESS = KH_OPT_FIRST_FREE + 1 };

static void progress(void *ctx, const char *stage, size_t done, size_t total)
{
    (void)ctx;
    fprintf(stderr, _("kaohe import: %s %zu/%zu\n"), stage, done, total);
}

static void import_help(void)
{
    printf(_("Usage: kaohe import assessment FILE [--year YEAR] [--progress]\n"
           "                                  [--db FILE] [--as NAME]\n"
           "\n"
           "Loads a whole assessment file (YAML or JSON: units, branches, "
           "entries,\n"
           "rosters, bonus, negative) into its year, checked exactly as "
           "'kaohe\n"
           "score' checks it, in one transaction: all of it lands or none.\n"
           "In draft the file replaces the year's data.  Later only what the\n"
           "state allows is accepted: self entries in self_check; inspection\n"
           "entries and bonus/negative records in inspection and review; "
           "rosters\n"
           "until review.  The units must then be the registered ones.\n"
           "\n"
           "Options:\n"
           "  -y, --year YEAR   the year (default: the file's `year`)\n"
           "      --progress    report progress on standard error\n"
           "%s"
           "  -h, --help        show this help\n%s"), kh_cli_opts_help(),
           exit_help);
}

/* --progress into *(bool *)args (kh_cli_option_fn); any other option
 * is refused. */
static int import_one(void *args, int o, char *arg, char **argv)
{
    (void)arg;
    if (o != OPT_PROGRESS)
        return kh_cli_bad_option("import assessment", o, argv);
    *(bool *)args = true;
    return -1;
}

int kh_cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, KH_OPT_DB},
        {"data-dir", required_argument, NULL, KH_OPT_DATA_DIR},
        {"as", required_argument, NULL, KH_OPT_AS},
        {"year", required_argument, NULL, 'y'},
        {"progress", no_argument, NULL, OPT_PROGRESS},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    if (argc < 2)
        return kh_cli_usage_error("import", "missing what to import "
                                  "(assessment)");
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        import_help();
        return KH_EXIT_OK;
    }
    if (strcmp(argv[1], "assessment") != 0)
        return kh_cli_usage_error("import", "unknown kind '%s' (expected "
                                  "assessment; units and rosters: 'kaohe "
                                  "units import', 'kaohe roster import')",
                                  argv[1]);
    const char *cmd = "import assessment";
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, cmd))
        return KH_EXIT_FAILURE;
    int year = 0;
    bool prog = false;
    argc--;
    argv++;
    const kh_cli_parse_spec sp = {
        .shortopts = ":y:h", .opts = opts, .help = import_help,
        .year = &year, .positional = true, .fn = import_one, .args = &prog};
    int rc = kh_cli_parse(&c, cmd, argc, argv, &sp);
    if (rc < 0 && optind + 1 != argc)
        rc = optind >= argc ? kh_cli_usage_error(cmd, "missing FILE")
                            : kh_cli_usage_error(cmd,
                                                 "unexpected argument '%s'",
                                                 argv[optind + 1]);
    if (rc >= 0) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    const char *file = argv[optind];
    rc = kh_cli_open(&c, 0);
    if (rc != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    if (prog)
        kh_store_set_progress(c.store, progress, NULL);
    kh_buf in;
    kh_buf_init(&in, 0);
    kh_import_stats s;
    kh_status st = kh_cli_read(file, &in, c.e);
    if (st == KH_OK)
        st = kh_store_import_assessment(c.store, kh_cli_actor(&c), year, file,
                                        kh_buf_str(&in), in.len, c.e, &s);
    kh_buf_free(&in);
    if (st == KH_OK)
        printf(_("imported %s: %zu units, %zu entries, %zu rosters (%zu people), "
                 "%zu bonus, %zu negative; %zu changes\n"),
               file, s.units, s.entries, s.rosters, s.people, s.bonus,
               s.negative, s.changed);
    c.year = year;
    return kh_cli_finish(&c, st);
}

static void export_help(void)
{
    printf(_("Usage: kaohe export assessment --year YEAR [-o FILE] [--db "
           "FILE]\n"
           "       kaohe export xlsx|html ... (see 'kaohe export xlsx "
           "--help')\n"
           "       kaohe export docx|pdf ... (公文; see 'kaohe export docx "
           "--help')\n"
           "       kaohe export handover|term ... (考核结果运用; see 'kaohe "
           "export handover --help')\n"
           "\n"
           "Writes the year as an assessment file (YAML) that 'kaohe score' "
           "scores\n"
           "exactly as the store does.\n"
           "\n"
           "Options:\n"
           "  -y, --year YEAR     the year (required)\n"
           "  -o, --output FILE   write to FILE (atomically); '-' is "
           "standard output\n" "%s"
           "  -h, --help          show this help\n%s"), kh_cli_db_help(),
           exit_help);
}

/* -o FILE into *(const char **)args (kh_cli_option_fn); any other
 * option is refused. */
static int export_one(void *args, int o, char *arg, char **argv)
{
    if (o != 'o')
        return kh_cli_bad_option("export assessment", o, argv);
    *(const char **)args = arg;
    return -1;
}

int kh_cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, KH_OPT_DB},
        {"data-dir", required_argument, NULL, KH_OPT_DATA_DIR},
        {"year", required_argument, NULL, 'y'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    if (argc < 2)
        return kh_cli_usage_error("export", "missing what to export "
                                  "(assessment)");
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        export_help();
        return KH_EXIT_OK;
    }
    /* The official documents (src/cli/cmd_export.c). */
    if (!strcmp(argv[1], "xlsx") || !strcmp(argv[1], "html"))
        return kh_cmd_export_doc(argc - 1, argv + 1);
    if (!strcmp(argv[1], "docx") || !strcmp(argv[1], "pdf"))
        return kh_cmd_export_gongwen(argc - 1, argv + 1);
    if (!strcmp(argv[1], "handover") || !strcmp(argv[1], "term"))
        return kh_cmd_export_handover(argc - 1, argv + 1);
    if (strcmp(argv[1], "assessment") != 0)
        return kh_cli_usage_error("export", "unknown kind '%s' (expected "
                                  "assessment, xlsx, html, docx, pdf, "
                                  "handover or term)",
                                  argv[1]);
    const char *cmd = "export assessment";
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, cmd))
        return KH_EXIT_FAILURE;
    int year = 0;
    const char *output = NULL;
    argc--;
    argv++;
    const kh_cli_parse_spec sp = {
        .shortopts = ":y:o:h", .opts = opts, .help = export_help,
        .year = &year, .need_year = true, .fn = export_one,
        .args = &output};
    int rc = kh_cli_parse(&c, cmd, argc, argv, &sp);
    if (rc >= 0) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    rc = kh_cli_open(&c, 0);
    if (rc != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st = kh_store_export_assessment(c.store, year, &b, c.e);
    rc = st == KH_OK ? kh_cli_write(output, &b) : KH_EXIT_OK;
    kh_buf_free(&b);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}
