/*
 * cmd_explain_store.c - `kaohe explain --year Y --unit ID`: the
 * explanation of a unit's score from the store instead of files, with,
 * under each item, what became of a questionnaire's suggested judgement
 * (kept, or overridden and why: kaohe/store_source.h).  `kaohe explain`
 * (cmd_score.c) hands a command line with --year here.
 */
#include "store_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/assess.h"
#include "kaohe/score.h"
#include "kaohe/store_source.h"

enum { OPT_PHASE = KH_OPT_FIRST_FREE };

bool kh_explain_wants_store(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--year") || !strncmp(argv[i], "--year=", 7))
            return true;
    return false;
}

/* --phase (kh_cli_parse takes the others). */
static int phase_option(void *args, int o, char *arg, char **argv)
{
    if (o != OPT_PHASE)
        return kh_cli_bad_option("explain", o, argv);
    if (!kh_phase_parse(arg, args))
        return kh_cli_usage_error("explain", "unknown phase '%s' (self "
                                  "or inspection)", arg);
    return -1;
}

static int parse(kh_cli_ctx *c, int argc, char **argv, int *year,
                 const char **unit, kh_phase *phase)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, KH_OPT_DB},
        {"data-dir", required_argument, NULL, KH_OPT_DATA_DIR},
        KH_CLI_SCOPE_OPTS,   /* --year only: no -y in the short options */
        {"phase", required_argument, NULL, OPT_PHASE},
        {NULL, 0, NULL, 0}};
    const kh_cli_parse_spec sp = {.shortopts = ":", .opts = opts,
                                  .year = year, .unit = unit,
                                  .fn = phase_option, .args = phase};
    int rc = kh_cli_parse(c, "explain", argc, argv, &sp);
    if (rc < 0 && !*unit)
        rc = kh_cli_usage_error("explain", "--unit ID is required");
    return rc;
}

static kh_status explain(kh_cli_ctx *c, int year, const char *unit,
                         kh_phase phase, kh_buf *out)
{
    kh_rubric *r = NULL;
    kh_assess *a = NULL;
    kh_status st = kh_store_load_assess(c->store, year, c->e, &r, &a);
    long u = st == KH_OK ? kh_assess_unit_find(a, unit) : -1;
    if (st == KH_OK && u < 0)
        st = kh_err_at(c->e, 0, 0, "unit", "unknown unit \"%s\" in year %d",
                       unit, year);
    kh_source_explain x = {c->store, year, unit, KH_OK, c->e};
    if (st == KH_OK)
        st = kh_explain_with(a, (size_t)u, phase,
                             phase == KH_PHASE_INSPECTION
                                 ? kh_source_explain_item : NULL,
                             &x, out);
    if (st == KH_OK)
        st = x.st;
    kh_assess_free(a);
    kh_rubric_free(r);
    return st;
}

int kh_cmd_explain_store(int argc, char **argv)
{
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, "explain"))
        return KH_EXIT_FAILURE;
    int year = 0;
    const char *unit = NULL;
    kh_phase phase = KH_PHASE_INSPECTION;
    int rc = parse(&c, argc, argv, &year, &unit, &phase);
    if (rc >= 0 || (rc = kh_cli_open(&c, 0)) != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    kh_buf out;
    kh_buf_init(&out, 0);
    kh_status st = explain(&c, year, unit, phase, &out);
    rc = st == KH_OK ? kh_cli_write(NULL, &out) : KH_EXIT_OK;
    kh_buf_free(&out);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}
