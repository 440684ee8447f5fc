/*
 * cli.h - what the kaohe command's subcommands share: exit codes, the
 * subcommand table, printing an error object, writing output files.
 */
#ifndef KAOHE_CLI_H
#define KAOHE_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "kaohe/error.h"
#include "kaohe/buf.h"
#include "kaohe/i18n.h"

/* Exit status of every kaohe command (documented in `kaohe --help`). */
enum {
    KH_EXIT_OK = 0,       /* success */
    KH_EXIT_INVALID = 1,  /* invalid input: every error printed, located */
    KH_EXIT_USAGE = 2,    /* bad command line */
    KH_EXIT_FAILURE = 3,  /* anything else: out of memory, cannot write */
    KH_EXIT_BUSY = 4      /* the store is busy (another writer): try again */
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
/* `kaohe year set` (src/cli/cmd_year_set.c; argv[0] is "set"). */
int kh_cmd_year_set(int argc, char **argv);
/* `kaohe year dates` (src/cli/cmd_year_dates.c; argv[0] is "dates"). */
int kh_cmd_year_dates(int argc, char **argv);
/* `kaohe selfcheck submit|return` and `kaohe remind`
 * (src/cli/cmd_selfcheck.c, cmd_remind.c). */
int kh_cmd_selfcheck(int argc, char **argv);
int kh_cmd_remind(int argc, char **argv);
int kh_cmd_units(int argc, char **argv);
int kh_cmd_roster(int argc, char **argv);
int kh_cmd_entry(int argc, char **argv);
int kh_cmd_record(int argc, char **argv);
/* `kaohe claim add|decide|list` (src/cli/cmd_claim.c). */
int kh_cmd_claim(int argc, char **argv);
/* Backup and restore (src/cli/cmd_backup.c, cmd_restore.c). */
int kh_cmd_backup(int argc, char **argv);
int kh_cmd_restore(int argc, char **argv);
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
/* 公文 (src/cli/cmd_gongwen.c): `kaohe export docx|pdf` (argv[0] is
 * "docx" or "pdf"). */
int kh_cmd_export_gongwen(int argc, char **argv);
/* `kaohe export handover|term` (src/cli/cmd_handover.c; argv[0] is
 * "handover" or "term"). */
int kh_cmd_export_handover(int argc, char **argv);
/* `kaohe archive` and `kaohe archive verify` (src/cli/cmd_archive.c). */
int kh_cmd_archive(int argc, char **argv);

/* `kaohe questionnaire` (src/cli/cmd_questionnaire.c); its store
 * subcommands (argv[0] is the subcommand) and their help text
 * (src/cli/cmd_questionnaire_store.c). */
int kh_cmd_questionnaire(int argc, char **argv);
int kh_cmd_questionnaire_store(int argc, char **argv);
void kh_questionnaire_store_help(void);
/* `kaohe explain --year` from the store (src/cli/cmd_explain_store.c). */
bool kh_explain_wants_store(int argc, char **argv);
int kh_cmd_explain_store(int argc, char **argv);
/* keep, override and decisions (src/cli/cmd_questionnaire_decide.c). */
int kh_cmd_questionnaire_decide(int argc, char **argv);
void kh_questionnaire_decide_help(void);

/* `kaohe visit` - the on-site inspection (src/cli/cmd_visit.c). */
int kh_cmd_visit(int argc, char **argv);

/* `kaohe serve` (src/cli/cmd_serve.c, src/web/web_*.c). */
int kh_cmd_serve(int argc, char **argv);
/* kaohe store copy (cmd_store_copy.c). */
int kh_cmd_store(int argc, char **argv);

/* The environment every command reads, parsed in one place. */
typedef struct kh_cli_env {
    const char *db;   /* $KAOHE_DB, else "kaohe.db" (borrowed) */
    int64_t now;      /* $KAOHE_NOW in seconds since the epoch; 0 = clock */
    const char *data_dir; /* $KAOHE_DATA_DIR, else NULL (borrowed) */
} kh_cli_env;
/* Fills *out from the environment.  An unusable value is refused with a
 * message naming the variable; returns an exit code (KH_EXIT_OK). */
int kh_cli_env_get(kh_cli_env *out);

/* Prints every message of e to stderr, one per line: "FILE:L:C: PATH:
 * text" in English; in a Chinese locale the Chinese text after its place
 * named (kaohe/place.h: 第 3 行「类别」列).  Returns the number of errors
 * (not warnings). */
size_t kh_cli_print_errors(const kh_err *e);
/* Names the option that gave a value: the path of every message from
 * index `from` on that equals a data name of map (pairs: the store's
 * path, then the option, NULL-ended: {"display_name",
 * "--display-name", NULL}) becomes that option.  Out of memory leaves
 * the store's path. */
void kh_cli_opt_paths(kh_err *e, size_t from, const char *const *map);
struct kh_place_ctx;
/* The same with what the command knows to name places (the rubric, the
 * year's units); ctx may be NULL. */
size_t kh_cli_print_errors_in(const kh_err *e, const struct kh_place_ctx *ctx);
/* Maps an engine status to an exit code. */
int kh_cli_exit(kh_status st);
/* The same, by the store's cause on e when it gave one: busy is
 * KH_EXIT_BUSY (worth retrying), full, damaged, I/O, not a store and an
 * unreachable server KH_EXIT_FAILURE. */
int kh_cli_exit_err(kh_status st, const kh_err *e);
/* Prints "kaohe CMD: message" and a hint to stderr; returns KH_EXIT_USAGE. */
int kh_cli_usage_error(const char *cmd, const char *fmt, ...)
    KH_PRINTF(2, 3);
/* Writes b to path, or to stdout when path is NULL or "-".  Writes to a
 * temporary file and renames it, so a failed run leaves no half file.
 * Returns an exit code. */
int kh_cli_write(const char *path, const kh_buf *b);
/* For engine functions that write a file themselves (libxlsxwriter,
 * libzip): calls fn(ctx, TMP, e) with a temporary name beside path, then
 * renames TMP to path; on failure nothing is left.  Returns fn's status
 * (KH_EIO with a message on e when the rename fails). */
typedef kh_status (*kh_cli_file_fn)(void *ctx, const char *tmp, kh_err *e);
kh_status kh_cli_write_via(const char *path, kh_cli_file_fn fn, void *ctx,
                           kh_err *e);

#endif
