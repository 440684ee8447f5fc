/*
 * cli.h - what the kaohe command's subcommands share: exit codes, the
 * subcommand table, printing an error object, writing output files.
 */
#ifndef KAOHE_CLI_H
#define KAOHE_CLI_H

#include <stdio.h>
#include "kaohe/error.h"
#include "kaohe/buf.h"

/* Exit status of every kaohe command (documented in `kaohe --help`). */
enum {
    KH_EXIT_OK = 0,       /* success */
    KH_EXIT_INVALID = 1,  /* invalid input: every error printed, located */
    KH_EXIT_USAGE = 2,    /* bad command line */
    KH_EXIT_FAILURE = 3   /* anything else: out of memory, cannot write */
};

/* A subcommand: argv[0] is its own name ("score", "rubric"). */
typedef int (*kh_cmd_fn)(int argc, char **argv);

int kh_cmd_score(int argc, char **argv);
int kh_cmd_explain(int argc, char **argv);
int kh_cmd_rubric(int argc, char **argv);
/* The store (src/cli/cmd_store.c, cmd_year.c, cmd_entry.c, cmd_units.c). */
int kh_cmd_init(int argc, char **argv);
int kh_cmd_check(int argc, char **argv);
int kh_cmd_audit(int argc, char **argv);
int kh_cmd_results(int argc, char **argv);
int kh_cmd_import(int argc, char **argv);
int kh_cmd_export(int argc, char **argv);
int kh_cmd_year(int argc, char **argv);
int kh_cmd_units(int argc, char **argv);
int kh_cmd_roster(int argc, char **argv);
int kh_cmd_entry(int argc, char **argv);
int kh_cmd_record(int argc, char **argv);
/* `kaohe rubric import|export|diff|list` (src/cli/cmd_rubric_store.c):
 * argv[0] is the subcommand. */
int kh_cmd_rubric_store(int argc, char **argv);
/* Users, evidence, follow-up (src/cli/cmd_user.c, cmd_evidence.c,
 * cmd_followup.c). */
int kh_cmd_user(int argc, char **argv);
int kh_cmd_evidence(int argc, char **argv);
int kh_cmd_followup(int argc, char **argv);
int kh_cmd_practice(int argc, char **argv);
/* Official documents (src/cli/cmd_export.c): `kaohe export xlsx|html`
 * (argv[0] is "xlsx" or "html", called by kh_cmd_export) and
 * `kaohe compare`. */
int kh_cmd_export_doc(int argc, char **argv);
int kh_cmd_compare(int argc, char **argv);

/* `kaohe questionnaire` (src/cli/cmd_questionnaire.c); its store
 * subcommands (argv[0] is the subcommand) and their help text
 * (src/cli/cmd_questionnaire_store.c). */
int kh_cmd_questionnaire(int argc, char **argv);
int kh_cmd_questionnaire_store(int argc, char **argv);
void kh_questionnaire_store_help(void);

/* `kaohe serve` (src/cli/cmd_serve.c, src/web/web_*.c). */
int kh_cmd_serve(int argc, char **argv);

/* Prints every message of e to stderr, one per line ("FILE:L:C: ...").
 * Returns the number of errors (not warnings). */
size_t kh_cli_print_errors(const kh_err *e);
/* Maps an engine status to an exit code. */
int kh_cli_exit(kh_status st);
/* Prints "kaohe CMD: message" and a hint to stderr; returns KH_EXIT_USAGE. */
int kh_cli_usage_error(const char *cmd, const char *fmt, ...)
    KH_PRINTF(2, 3);
/* Writes b to path, or to stdout when path is NULL or "-".  Writes to a
 * temporary file and renames it, so a failed run leaves no half file.
 * Returns an exit code. */
int kh_cli_write(const char *path, const kh_buf *b);

#endif
