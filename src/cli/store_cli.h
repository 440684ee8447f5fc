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
    KH_OPT_FIRST_FREE   /* commands number their own long options from here */
};

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
#define KH_STORE_DB_HELP                                                     \
    "      --db FILE     the store (default: $KAOHE_DB, else ./kaohe.db); a\n" \
    "                    postgresql://... URI names a PostgreSQL database\n"  \
    "      --data-dir DIR  evidence files (default: $KAOHE_DATA_DIR, else\n"  \
    "                    FILE.data; needed with PostgreSQL)\n"

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
