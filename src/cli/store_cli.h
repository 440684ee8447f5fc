/*
 * store_cli.h - what the store's subcommands share: the --db and --as
 * options, opening the store, reading input files, printing errors.
 */
#ifndef KAOHE_STORE_CLI_H
#define KAOHE_STORE_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "cli.h"
#include "kaohe/store.h"

/* getopt_long codes of the options every store command takes. */
enum {
    KH_OPT_DB = 1000,
    KH_OPT_AS,
    KH_OPT_DATA_DIR,
    KH_OPT_UNIT,        /* --unit, read by kh_cli_parse */
    KH_OPT_FIRST_FREE   /* commands number their own long options from here */
};

/* The getopt_long rows of --db, --data-dir and --as (kh_cli_common_opt),
 * and of -y/--year and --unit (kh_cli_parse): a command's table starts
 * with them. */
#define KH_CLI_STORE_OPTS                                                 \
    {"db", required_argument, NULL, KH_OPT_DB},                           \
        {"data-dir", required_argument, NULL, KH_OPT_DATA_DIR},           \
        {"as", required_argument, NULL, KH_OPT_AS}
#define KH_CLI_SCOPE_OPTS                                                 \
    {"year", required_argument, NULL, 'y'},                               \
        {"unit", required_argument, NULL, KH_OPT_UNIT}

/* The help text of --db and --as, in the reader's language (catalogue
 * msgids; cmd_store.c).  Borrowed. */
const char *kh_cli_opts_help(void);
const char *kh_cli_db_help(void);
/* The same as literals, for the files not yet in the catalogue
 * (cmd_user.c, cmd_year.c, cmd_followup.c): their owners move to the
 * functions above, then these go. */
#define KH_STORE_OPTS_HELP                                                   \
    "      --db FILE     the store (default: $KAOHE_DB, else ./kaohe.db); a\n" \
    "                    postgresql://... URI names a PostgreSQL database\n"  \
    "      --data-dir DIR  evidence files (default: $KAOHE_DATA_DIR, else\n"  \
    "                    FILE.data; needed with PostgreSQL)\n"               \
    "      --as NAME     who makes the change, for the audit log (default:\n" \
    "                    $KAOHE_USER, else the login name)\n"

/* Rows read back from an imported table to name its columns in
 * messages: a file the import refused for more rows names none. */
#define KH_CLI_TABLE_ROWS_MAX 1000000

/* One run of a store command. */
typedef struct kh_cli_ctx {
    const char *cmd;     /* "year open", for messages */
    const char *db;      /* --db, NULL until resolved */
    const char *data_dir;/* --data-dir, else $KAOHE_DATA_DIR; may be NULL */
    const char *actor;   /* --as, NULL until resolved */
    kh_store *store;     /* open store (kh_cli_open) */
    kh_err *e;
    int year;            /* the year the command is about, 0: none; its
                          * rubric and units name the places of messages
                          * in Chinese (kh_cli_finish) */
    const char *table;   /* a CSV/XLSX file the command imported: its
                          * header row names the columns (「类别」列) */
} kh_cli_ctx;

/* Sets up ctx; returns false (after printing) when out of memory. */
bool kh_cli_ctx_init(kh_cli_ctx *c, const char *cmd);
/* Handles KH_OPT_DB / KH_OPT_DATA_DIR / KH_OPT_AS; returns true when c was one of them. */
bool kh_cli_common_opt(kh_cli_ctx *c, int opt, const char *arg);

/* A command's own options for kh_cli_parse: applies option o (its value
 * arg, NULL for a flag) to args; returns an exit code to end the run
 * (help shown, bad value), else -1. */
typedef int (*kh_cli_option_fn)(void *args, int o, char *arg, char **argv);
/* How kh_cli_parse reads one store command's options. */
typedef struct kh_cli_parse_spec {
    const char *shortopts;     /* getopt_long's, e.g. ":y:h" */
    const struct option *opts; /* the table */
    const int *allowed;        /* 0-ended codes this subcommand takes, the
                                * others "do not apply here"; NULL: all */
    void (*help)(void);        /* -h/--help; NULL: fn takes 'h' */
    int *year;                 /* -y/--year, checked; NULL: fn takes it */
    const char **unit;         /* --unit (KH_OPT_UNIT); NULL: fn takes it */
    bool need_year;            /* refuse a run without --year */
    bool positional;           /* arguments after the options are the
                                * caller's (else refused) */
    kh_cli_option_fn fn;       /* every other option; NULL: none (an
                                * unknown option) */
    void *args;                /* fn's */
} kh_cli_parse_spec;
/* Reads argv (argv[0] is the subcommand) by sp: --db, --data-dir and
 * --as go to c (kh_cli_common_opt), --year and --unit where sp says, the
 * rest to sp->fn.  Returns an exit code when the run ends here (usage
 * error printed, help shown), else -1; optind is then the first
 * positional argument. */
int kh_cli_parse(kh_cli_ctx *c, const char *cmd, int argc, char **argv,
                 const kh_cli_parse_spec *sp);
/* Names the first of names[0..n) whose values[i] is NULL ("--unit ID is
 * required", a usage error), or returns -1. */
int kh_cli_need(const char *cmd, const char *const *names,
                const char *const *values, size_t n);
/* A record number (a decimal > 0) into *out; false when s is not one. */
bool kh_cli_id(const char *s, int64_t *out);
/* getopt failure message (opterr off); returns KH_EXIT_USAGE. */
int kh_cli_bad_option(const char *cmd, int c, char **argv);
/* Opens the store (flags: KH_STORE_CREATE); on failure prints and returns
 * an exit code, else KH_EXIT_OK.  The data directory is --data-dir,
 * else $KAOHE_DATA_DIR, else the store's own (FILE.data).  $KAOHE_NOW (seconds since the epoch)
 * fixes the time stamps, for reproducible tests. */
int kh_cli_open(kh_cli_ctx *c, unsigned flags);
/* The actor: --as, else $KAOHE_USER, else the OS user name. */
const char *kh_cli_actor(kh_cli_ctx *c);
/* Prints every message on c->e, closes the store, frees ctx; returns the
 * exit code for st. */
int kh_cli_finish(kh_cli_ctx *c, kh_status st);
/* Parses a year argument; prints a usage error and returns false when it
 * is not one. */
bool kh_cli_year(const char *cmd, const char *s, int *out);
/* Reads a whole file ("-" is standard input) into b; messages on e. */
kh_status kh_cli_read(const char *path, kh_buf *b, kh_err *e);

#endif
