/*
 * cmd_questionnaire_decide.c - `kaohe questionnaire keep|override|
 * decisions`: what the inspectors did with a judgement a questionnaire
 * suggests (the rubric's `source:`, docs/SURVEY.md).  `kaohe
 * questionnaire` (cmd_questionnaire.c) hands these here.
 */
#include "store_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/i18n.h"
#include "kaohe/place.h"
#include "kaohe/store_source.h"
#include "kaohe/store_users.h"

void kh_questionnaire_decide_help(void)
{
    printf(_(
        "\n"
        "       kaohe questionnaire keep --year Y --unit ID --item ITEM\n"
        "             [--input NAME] [--note TEXT]\n"
        "       kaohe questionnaire override --year Y --unit ID --item ITEM\n"
        "             --value V --reason TEXT [--input NAME] [--note TEXT]\n"
        "       kaohe questionnaire decisions --year Y [--unit ID]\n"
        "\n"
        "  keep              set the unit's inspection judgement to what the\n"
        "                    questionnaires suggest now, and record that\n"
        "  override          set it to V instead, with the reason why\n"
        "                    (--input: the judgement, when the item has\n"
        "                    several with a source; --note: the entry's\n"
        "                    note, needed below full marks)\n"
        "  decisions         list what was kept or overridden\n"));
}

enum {
    OPT_YEAR = KH_OPT_FIRST_FREE, OPT_UNIT, OPT_ITEM, OPT_INPUT, OPT_VALUE,
    OPT_REASON, OPT_NOTE
};

static const struct option opts[] = {
    {"db", required_argument, NULL, KH_OPT_DB},
    {"data-dir", required_argument, NULL, KH_OPT_DATA_DIR},
    {"as", required_argument, NULL, KH_OPT_AS},
    {"year", required_argument, NULL, OPT_YEAR},
    {"unit", required_argument, NULL, OPT_UNIT},
    {"item", required_argument, NULL, OPT_ITEM},
    {"input", required_argument, NULL, OPT_INPUT},
    {"value", required_argument, NULL, OPT_VALUE},
    {"reason", required_argument, NULL, OPT_REASON},
    {"note", required_argument, NULL, OPT_NOTE},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

static void decide_help(void)
{
    printf(_("Usage:"));
    kh_questionnaire_decide_help();
}

/* Where decide_one puts the options. */
typedef struct decide_opts {
    const char *cmd;
    kh_source_write *w;
} decide_opts;

/* One option of keep/override/decisions (kh_cli_option_fn). */
static int decide_one(void *args, int o, char *arg, char **argv)
{
    decide_opts *d = args;
    kh_source_write *w = d->w;
    switch (o) {
    case OPT_YEAR:
        return kh_cli_year(d->cmd, arg, &w->year) ? -1 : KH_EXIT_USAGE;
    case OPT_UNIT: w->unit = arg; break;
    case OPT_ITEM: w->item = arg; break;
    case OPT_INPUT: w->input = arg; break;
    case OPT_VALUE: w->value = arg; break;
    case OPT_REASON: w->reason = arg; break;
    case OPT_NOTE: w->note = arg; break;
    default: return kh_cli_bad_option(d->cmd, o, argv);
    }
    return -1;
}

/* What the options gave; -1 to go on, else an exit code. */
static int parse(kh_cli_ctx *c, const char *cmd, int argc, char **argv,
                 kh_source_write *w)
{
    decide_opts d = {cmd, w};
    const kh_cli_parse_spec sp = {.shortopts = ":h", .opts = opts,
                                  .help = decide_help, .fn = decide_one,
                                  .args = &d};
    return kh_cli_parse(c, cmd, argc, argv, &sp);
}

/* What each subcommand needs; -1 or an exit code. */
static int need(const char *cmd, bool list, const kh_source_write *w)
{
    if (!w->year)
        return kh_cli_usage_error(cmd, "missing --year");
    if (list)
        return -1;
    if (!w->unit || !w->item)
        return kh_cli_usage_error(cmd, "needs --unit and --item");
    if (w->keep && (w->value || w->reason))
        return kh_cli_usage_error(cmd, "keep takes no --value or --reason");
    if (!w->keep && (!w->value || !w->reason))
        return kh_cli_usage_error(cmd, "needs --value and --reason");
    return -1;
}

/* The year's rubric, units and users, loaded for a reader of Chinese
 * only: the output then names units and items (机电工程系 考核要点 4.1
 * （检查）「评分」) and deciders by their display names; in English it
 * keeps the ids and logins scripts read. */
typedef struct names {
    kh_rubric *rb;
    kh_assess *a;
    char **login, **display;   /* users with a display name (owned) */
    size_t nusers;
} names;

static kh_status user_cb(void *ctx, const kh_user_row *u)
{
    names *n = ctx;
    if (!u->display_name)
        return KH_OK;
    char **l = realloc(n->login, (n->nusers + 1) * sizeof *l);
    if (l)
        n->login = l;
    char **d = l ? realloc(n->display, (n->nusers + 1) * sizeof *d) : NULL;
    if (!d)
        return KH_ENOMEM;
    n->display = d;
    l[n->nusers] = strdup(u->name);
    d[n->nusers] = strdup(u->display_name);
    if (!l[n->nusers] || !d[n->nusers]) {
        free(l[n->nusers]);
        free(d[n->nusers]);
        return KH_ENOMEM;
    }
    n->nusers++;
    return KH_OK;
}

/* A decider as people know them: the display name, with the login only
 * when another user has the same name; an actor who is no user (a CLI
 * --as name) or has no display name, as written. */
static void person_out(const names *n, const char *login, kh_buf *b)
{
    size_t k = n->nusers, same = 0;
    for (size_t i = 0; i < n->nusers; i++)
        if (!strcmp(n->login[i], login))
            k = i;
    if (k == n->nusers) {
        kh_buf_puts(b, login);
        return;
    }
    for (size_t i = 0; i < n->nusers; i++)
        same += !strcmp(n->display[i], n->display[k]);
    if (same > 1)
        kh_buf_printf(b, _("%s (%s)"), n->display[k], login);
    else
        kh_buf_puts(b, n->display[k]);
}

static void names_load(kh_cli_ctx *c, int year, names *n)
{
    if (!kh_i18n_locale_is_zh())
        return;
    kh_err *scratch = kh_err_new();
    /* Names only make the output clearer: without them, ids. */
    if (!scratch ||
        kh_store_load_assess(c->store, year, scratch, &n->rb, &n->a) !=
            KH_OK) {
        kh_assess_free(n->a);
        kh_rubric_free(n->rb);
        n->a = NULL;
        n->rb = NULL;
    }
    /* Without the users' names, logins (as in English). */
    if (scratch && kh_store_user_each(c->store, NULL, user_cb, n, scratch) !=
                       KH_OK) {
        for (size_t i = 0; i < n->nusers; i++) {
            free(n->login[i]);
            free(n->display[i]);
        }
        n->nusers = 0;
    }
    kh_err_free(scratch);
}

static void names_free(names *n)
{
    kh_assess_free(n->a);
    kh_rubric_free(n->rb);
    for (size_t i = 0; i < n->nusers; i++) {
        free(n->login[i]);
        free(n->display[i]);
    }
    free(n->login);
    free(n->display);
}

/* An inspection input (input NULL: the item) as its reader names it. */
static void place_out(const names *n, const char *unit, const char *item,
                      const char *input, const char *sep, kh_buf *b)
{
    if (!n->rb) {
        kh_buf_printf(b, "%s%s%s%s%s", unit, sep, item, input ? sep : "",
                      input ? input : "");
        return;
    }
    kh_buf path;
    kh_buf_init(&path, 0);
    kh_buf_printf(&path, "%s/%s/inspection%s%s", unit, item,
                  input ? ".inputs." : "", input ? input : "");
    kh_msg m = {.path = kh_buf_str(&path)};
    kh_place_ctx pc = {.rubric = n->rb, .assess = n->a};
    kh_place_name(&m, &pc, b);
    kh_buf_free(&path);
}

typedef struct list_ctx {
    kh_buf *b;
    size_t n;
    const names *names;
} list_ctx;

static kh_status list_row(void *ctx, const kh_source_row *row)
{
    list_ctx *l = ctx;
    place_out(l->names, row->unit, row->item, row->input, "  ", l->b);
    kh_buf_puts(l->b, "  ");
    kh_source_describe(row, l->b);
    kh_buf_puts(l->b, "  (");
    person_out(l->names, row->decided_by, l->b);
    kh_buf_printf(l->b, ", %s)\n", row->decided_cn);
    l->n++;
    return kh_buf_status(l->b);
}

static kh_status run(kh_cli_ctx *c, bool list, kh_source_write *w,
                     kh_buf *b)
{
    names n = {0};
    names_load(c, w->year, &n);
    if (list) {
        list_ctx l = {b, 0, &n};
        kh_status st = kh_store_source_each(c->store, w->year, w->unit, NULL,
                                            list_row, &l, c->e);
        if (st == KH_OK && l.n == 0)
            kh_buf_puts(b, _("no decisions\n"));
        names_free(&n);
        return st;
    }
    w->actor = kh_cli_actor(c);
    kh_status st = kh_store_source_decide(c->store, w, c->e);
    if (st == KH_OK) {
        kh_buf at;
        kh_buf_init(&at, 0);
        place_out(&n, w->unit, w->item, NULL, " ", &at);
        kh_buf_printf(b, w->keep ? _("%s: suggestion kept\n")
                                 : _("%s: suggestion overridden\n"),
                      kh_buf_str(&at));
        kh_buf_free(&at);
    }
    names_free(&n);
    return st;
}

int kh_cmd_questionnaire_decide(int argc, char **argv)
{
    const char *sub = argv[0];
    char cmd[64];
    snprintf(cmd, sizeof cmd, "questionnaire %s", sub);
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, cmd))
        return KH_EXIT_FAILURE;
    bool list = !strcmp(sub, "decisions");
    kh_source_write w = {.keep = !strcmp(sub, "keep"),
                         .expect_version = KH_VERSION_ANY};
    int rc = parse(&c, cmd, argc, argv, &w);
    if (rc < 0)
        rc = need(cmd, list, &w);
    c.year = w.year;   /* its rubric and units name the messages' places */
    if (rc >= 0 || (rc = kh_cli_open(&c, 0)) != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st = run(&c, list, &w, &b);
    rc = st == KH_OK ? kh_cli_write(NULL, &b) : KH_EXIT_OK;
    kh_buf_free(&b);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}
