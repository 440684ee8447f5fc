/*
 * cmd_visit.c - `kaohe visit add|set|list|remove|show` (实地检查安排)
 * and the records of a visit: `kaohe visit symposium|interview|finding`
 * (座谈会记录, 个别访谈记录, findings linked to rubric items).
 */
#include "store_cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaohe/i18n.h"
#include "kaohe/store_onsite.h"

enum {
    OPT_AT = KH_OPT_FIRST_FREE, OPT_PLACE, OPT_LEAD, OPT_MEMBER, OPT_NO_MEMBERS, OPT_PLANNED,
    OPT_USED, OPT_INSPECTOR, OPT_DATE, OPT_HOST, OPT_RECORDER, OPT_GROUP,
    OPT_OUTLINE, OPT_MINUTES, OPT_CATEGORY, OPT_NAME, OPT_INTERVIEWER,
    OPT_START, OPT_END, OPT_SUMMARY, OPT_SYMPOSIUM, OPT_INTERVIEW, OPT_ITEM,
    OPT_DIRECTION, OPT_TEXT, OPT_NAMES
};

static void visit_help(void)
{
    printf(
        _("Usage: kaohe visit add --year Y --unit U --at TIME --place PLACE\n"
        "                       --lead NAME [--member NAME]... [--planned M]\n"
        "       kaohe visit set ID [--at TIME] [--place PLACE] [--lead NAME]\n"
        "                       [--member NAME]... [--no-members]\n"
        "                       [--planned M] [--used M]\n"
        "       kaohe visit list --year Y [--inspector NAME] [--unit U]\n"
        "       kaohe visit remove ID\n"
        "       kaohe visit symposium ID --date D --place P --host NAME\n"
        "                       --recorder NAME --group LABEL=N...\n"
        "                       --outline TEXT --minutes TEXT\n"
        "       kaohe visit interview ID --category C [--name NAME]\n"
        "                       --interviewer NAME --recorder NAME\n"
        "                       --start TIME --end TIME --place P\n"
        "                       --summary TEXT\n"
        "       kaohe visit finding (--symposium ID | --interview ID)\n"
        "                       --item ITEM [--direction good|problem]\n"
        "                       --text TEXT\n"
        "       kaohe visit show ID [--names]\n"
        "       kaohe visit symposium-set RECORD (the options of symposium)\n"
        "       kaohe visit interview-set RECORD (the options of interview)\n"
        "       kaohe visit finding-set FINDING --item ITEM\n"
        "                       [--direction good|problem] --text TEXT\n"
        "       kaohe visit finding-remove FINDING\n"
        "\n"
        "The on-site inspection (实地检查, docs/ONSITE.md): one visit per\n"
        "unit and year, planned while the year is draft, self_check or\n"
        "inspection, with a team of the year's inspectors (a lead and\n"
        "members); its symposium (座谈会) and interview (个别访谈) records\n"
        "and their findings, each linked to one rubric item of the unit,\n"
        "are written while the year is inspection or review.  An\n"
        "interview's interviewer and recorder are two different members of\n"
        "the team.  TIME is China time written \"YYYY-MM-DD HH:MM\"; D is\n"
        "YYYY-MM-DD; M lists methods separated by commas: symposium,\n"
        "documents, questionnaire, interview (or 座谈会, 查阅资料, 问卷,\n"
        "个别访谈).  show prints a visit's records; interviewees' names\n"
        "only with --names, and that read is written to the audit log.\n"
        "The -set commands correct a record (every field again) or a\n"
        "finding, finding-remove removes a finding; the command line acts\n"
        "as an admin (the web lets only the author or an admin do it).\n"
        "\n"
        "Options:\n"
        "  -y, --year YEAR       the year\n"
        "      --unit ID         the unit\n"
        "      --inspector NAME  list: only the visits of this inspector\n"
        "%s"
        "  -h, --help            show this help\n"
        "\n"
        "Exit status: 0 success, 1 invalid input or refused (every error\n"
        "printed), 2 usage error, 3 other failure.\n"), kh_cli_opts_help());
}

/* Everything the options can carry. */
typedef struct vopts {
    int year;
    const char *unit, *at, *place, *lead, *planned, *used, *inspector, *date,
        *host, *recorder, *outline, *minutes, *category, *name,
        *interviewer, *start, *end, *summary, *item, *direction, *text;
    const char *members[KH_ONSITE_MEMBERS_MAX + 1];
    size_t nmembers;
    bool no_members, names, too_many;
    const char *groups[KH_ONSITE_GROUPS_MAX + 1];
    size_t ngroups;
    const char *source;
    int64_t record;
    const char *cmd;           /* for messages */
} vopts;

static const struct option long_opts[] = {
    KH_CLI_STORE_OPTS,
    KH_CLI_SCOPE_OPTS,
    {"at", required_argument, NULL, OPT_AT},
    {"place", required_argument, NULL, OPT_PLACE},
    {"lead", required_argument, NULL, OPT_LEAD},
    {"member", required_argument, NULL, OPT_MEMBER},
    {"no-members", no_argument, NULL, OPT_NO_MEMBERS},
    {"planned", required_argument, NULL, OPT_PLANNED},
    {"used", required_argument, NULL, OPT_USED},
    {"inspector", required_argument, NULL, OPT_INSPECTOR},
    {"date", required_argument, NULL, OPT_DATE},
    {"host", required_argument, NULL, OPT_HOST},
    {"recorder", required_argument, NULL, OPT_RECORDER},
    {"group", required_argument, NULL, OPT_GROUP},
    {"outline", required_argument, NULL, OPT_OUTLINE},
    {"minutes", required_argument, NULL, OPT_MINUTES},
    {"category", required_argument, NULL, OPT_CATEGORY},
    {"name", required_argument, NULL, OPT_NAME},
    {"interviewer", required_argument, NULL, OPT_INTERVIEWER},
    {"start", required_argument, NULL, OPT_START},
    {"end", required_argument, NULL, OPT_END},
    {"summary", required_argument, NULL, OPT_SUMMARY},
    {"symposium", required_argument, NULL, OPT_SYMPOSIUM},
    {"interview", required_argument, NULL, OPT_INTERVIEW},
    {"item", required_argument, NULL, OPT_ITEM},
    {"direction", required_argument, NULL, OPT_DIRECTION},
    {"text", required_argument, NULL, OPT_TEXT},
    {"names", no_argument, NULL, OPT_NAMES},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

/* Stores one option's value (kh_cli_parse takes --year and --unit);
 * returns -1 to go on, else an exit code. */
static int take(void *args, int o, char *arg, char **argv)
{
    vopts *f = args;
    const char *cmd = f->cmd, **slot = NULL;
    (void)argv;
    switch (o) {
    case OPT_AT: slot = &f->at; break;
    case OPT_PLACE: slot = &f->place; break;
    case OPT_LEAD: slot = &f->lead; break;
    case OPT_PLANNED: slot = &f->planned; break;
    case OPT_USED: slot = &f->used; break;
    case OPT_INSPECTOR: slot = &f->inspector; break;
    case OPT_DATE: slot = &f->date; break;
    case OPT_HOST: slot = &f->host; break;
    case OPT_RECORDER: slot = &f->recorder; break;
    case OPT_OUTLINE: slot = &f->outline; break;
    case OPT_MINUTES: slot = &f->minutes; break;
    case OPT_CATEGORY: slot = &f->category; break;
    case OPT_NAME: slot = &f->name; break;
    case OPT_INTERVIEWER: slot = &f->interviewer; break;
    case OPT_START: slot = &f->start; break;
    case OPT_END: slot = &f->end; break;
    case OPT_SUMMARY: slot = &f->summary; break;
    case OPT_ITEM: slot = &f->item; break;
    case OPT_DIRECTION: slot = &f->direction; break;
    case OPT_TEXT: slot = &f->text; break;
    case OPT_NO_MEMBERS: f->no_members = true; return -1;
    case OPT_NAMES: f->names = true; return -1;
    case OPT_MEMBER:
        if (f->nmembers > KH_ONSITE_MEMBERS_MAX)
            f->too_many = true;
        else
            f->members[f->nmembers++] = arg;
        return -1;
    case OPT_GROUP:
        if (f->ngroups > KH_ONSITE_GROUPS_MAX)
            f->too_many = true;
        else
            f->groups[f->ngroups++] = arg;
        return -1;
    case OPT_SYMPOSIUM:
    case OPT_INTERVIEW:
        if (f->source)
            return kh_cli_usage_error(cmd, "give --symposium or --interview, "
                                      "not both");
        f->source = o == OPT_SYMPOSIUM ? "symposium" : "interview";
        if (!kh_cli_id(arg, &f->record))
            return kh_cli_usage_error(cmd, "'%s' is not a record ID", arg);
        return -1;
    default: return -1;
    }
    *slot = arg;
    return -1;
}

/* Parses options; `allowed` lists the option codes this subcommand takes
 * (0-terminated).  Returns -1 to go on, else an exit code. */
static int parse_opts(kh_cli_ctx *c, const char *cmd, int argc, char **argv,
                      const int *allowed, vopts *f)
{
    f->cmd = cmd;
    const kh_cli_parse_spec sp = {
        .shortopts = ":y:h", .opts = long_opts, .allowed = allowed,
        .help = visit_help, .year = &f->year, .unit = &f->unit,
        .positional = true, .fn = take, .args = f};
    return kh_cli_parse(c, cmd, argc, argv, &sp);
}

/* The visit spec of add/set from the options (methods parsed). */
static kh_status spec_of(const vopts *f, kh_visit_spec *v, kh_err *e)
{
    v->year = f->year;
    v->unit = f->unit;
    v->at = f->at;
    v->place = f->place;
    v->lead = f->lead;
    v->members = f->members;
    v->nmembers = f->nmembers;
    v->set_members = f->nmembers > 0 || f->no_members;
    v->set_planned = f->planned != NULL;
    v->set_used = f->used != NULL;
    kh_status a = KH_OK, b = KH_OK;
    if (f->planned)
        a = kh_methods_parse(f->planned, "planned", &v->planned, e);
    if (f->used)
        b = kh_methods_parse(f->used, "used", &v->used, e);
    if (f->too_many)
        kh_err_at(e, 0, 0, "members", "at most %d team members and %d groups "
                                      "of attendees",
                  KH_ONSITE_MEMBERS_MAX, KH_ONSITE_GROUPS_MAX);
    return a != KH_OK || b != KH_OK || f->too_many ? KH_EINVAL : KH_OK;
}

typedef struct list_ctx {
    kh_buf *b;
    size_t n;
} list_ctx;

static kh_status list_row(void *ctx, const kh_visit_row *r)
{
    list_ctx *l = ctx;
    char planned[128], used[128];
    kh_methods_label(r->planned, planned, sizeof planned);
    kh_methods_label(r->used, used, sizeof used);
    kh_buf_printf(l->b, _("#%lld %s %s (%s)\n  place: %s\n  team: lead %s"),
                  (long long)r->id, r->at, r->unit_name, r->unit, r->place,
                  r->lead);
    if (*r->members)
        kh_buf_printf(l->b, _(", members %s"), r->members);
    kh_buf_printf(l->b, _("\n  methods planned: %s; used: %s\n"), planned,
                  used);
    l->n++;
    return KH_OK;
}

/* Splits "LABEL=N" groups into labels and counts (errors on e). */
static kh_status groups_of(const vopts *f, char **labels, int *counts,
                           kh_err *e)
{
    kh_status rc = KH_OK;
    for (size_t i = 0; i < f->ngroups; i++) {
        const char *eq = strrchr(f->groups[i], '=');
        char *end = NULL;
        long n = eq ? strtol(eq + 1, &end, 10) : 0;
        labels[i] = strndup(f->groups[i],
                            eq ? (size_t)(eq - f->groups[i])
                               : strlen(f->groups[i]));
        counts[i] = eq && *end == '\0' && end != eq + 1 && n > 0 &&
                            n <= KH_ONSITE_COUNT_MAX
                        ? (int)n
                        : 0;
        if (!labels[i])
            return kh_err_fail(e, KH_ENOMEM, "out of memory");
        if (!eq) {
            char path[32];
            snprintf(path, sizeof path, "groups[%zu]", i);
            rc = kh_err_at(e, 0, 0, path, "write label=count (e.g. 教师=12)");
        }
    }
    return rc;
}

/* visit symposium (id: the visit) or symposium-set (id: the record; the
 * command line is the operator's, so an admin's). */
static kh_status do_symposium(kh_cli_ctx *c, const vopts *f, int64_t id,
                              bool set, kh_buf *b)
{
    char *labels[KH_ONSITE_GROUPS_MAX + 1] = {0};
    int counts[KH_ONSITE_GROUPS_MAX + 1] = {0};
    kh_status st = groups_of(f, labels, counts, c->e);
    int64_t nid = 0;
    if (st == KH_OK || st == KH_EINVAL) {
        /* A malformed group is reported with every other bad value. */
        kh_symposium_spec sp = {.refused = st != KH_OK,
            .visit = id, .date = f->date, .place = f->place,
            .host = f->host, .recorder = f->recorder,
            .group_labels = (const char *const *)labels,
            .group_counts = counts, .ngroups = f->ngroups,
            .outline = f->outline, .minutes = f->minutes};
        st = set ? kh_store_symposium_set(c->store, kh_cli_actor(c), true,
                                          0, id, &sp, c->e)
                 : kh_store_symposium_add(c->store, kh_cli_actor(c), &sp,
                                          &nid, c->e);
    }
    for (size_t i = 0; i < f->ngroups; i++)
        free(labels[i]);
    if (st == KH_OK && set)
        kh_buf_printf(b, _("symposium record %lld corrected\n"),
                      (long long)id);
    else if (st == KH_OK)
        kh_buf_printf(b, _("symposium record %lld (visit %lld, %s)\n"),
                      (long long)nid, (long long)id, f->date);
    return st;
}

static kh_status do_interview(kh_cli_ctx *c, const vopts *f, int64_t id,
                              bool set, kh_buf *b)
{
    kh_interview_spec sp = {
        .visit = id, .category = f->category, .name = f->name,
        .interviewer = f->interviewer, .recorder = f->recorder,
        .starts = f->start, .ends = f->end, .place = f->place,
        .summary = f->summary};
    int64_t nid = 0;
    kh_status st = set ? kh_store_interview_set(c->store, kh_cli_actor(c),
                                                true, 0, id, &sp, c->e)
                       : kh_store_interview_add(c->store, kh_cli_actor(c),
                                                &sp, &nid, c->e);
    if (st == KH_OK && set)
        kh_buf_printf(b, _("interview record %lld corrected\n"),
                      (long long)id);
    else if (st == KH_OK)
        kh_buf_printf(b, _("interview record %lld (visit %lld, %s)\n"),
                      (long long)nid, (long long)id, f->start);
    return st;
}

static kh_status do_finding(kh_cli_ctx *c, const vopts *f, kh_buf *b)
{
    kh_finding_dir d;
    int64_t nid = 0;
    kh_status st = kh_finding_dir_parse(f->direction, "direction", &d, c->e);
    if (st == KH_OK)
        st = kh_store_finding_add(c->store, kh_cli_actor(c), 0, f->source,
                                  f->record, f->item, d, f->text, &nid, c->e);
    if (st == KH_OK)
        kh_buf_printf(b, !strcmp(f->source, "symposium")
                             ? _("finding %lld (symposium %lld, item %s)\n")
                             : _("finding %lld (interview %lld, item %s)\n"),
                      (long long)nid, (long long)f->record, f->item);
    return st;
}

/* visit finding-set ID / finding-remove ID. */
static kh_status do_finding_edit(kh_cli_ctx *c, const vopts *f, int64_t id,
                                 bool remove, kh_buf *b)
{
    kh_finding_dir d = KH_FINDING_PLAIN;
    kh_status st = remove ? KH_OK : kh_finding_dir_parse(f->direction,
                                                         "direction", &d,
                                                         c->e);
    if (st == KH_OK)
        st = remove ? kh_store_finding_remove(c->store, kh_cli_actor(c),
                                              true, 0, id, c->e)
                    : kh_store_finding_set(c->store, kh_cli_actor(c), true,
                                           0, id, f->item, d, f->text, c->e);
    if (st == KH_OK)
        kh_buf_printf(b, remove ? _("finding %lld removed\n")
                                : _("finding %lld corrected\n"),
                      (long long)id);
    return st;
}

enum { ADD, SET, LIST, REMOVE, SYMPOSIUM, INTERVIEW, FINDING, SHOW,
       SYMPOSIUM_SET, INTERVIEW_SET, FINDING_SET, FINDING_REMOVE, NCMD };

static kh_status dispatch(kh_cli_ctx *c, int which, const vopts *f,
                          int64_t id, kh_buf *b)
{
    kh_visit_spec v = {0};
    kh_status st = KH_OK;
    const char *actor = kh_cli_actor(c);
    switch (which) {
    case ADD:
    case SET:
        /* Bad methods are reported with every other bad value. */
        v.refused = spec_of(f, &v, c->e) != KH_OK;
        if (which == SET) {
            st = kh_store_visit_set(c->store, actor, id, &v, c->e);
            if (st == KH_OK)
                kh_buf_printf(b, _("visit %lld changed\n"), (long long)id);
            return st;
        }
        st = kh_store_visit_add(c->store, actor, &v, &id, c->e);
        if (st == KH_OK)
            kh_buf_printf(b, _("visit %lld planned (%s, %s)\n"),
                          (long long)id, f->unit, f->at);
        return st;
    case LIST: {
        list_ctx l = {b, 0};
        st = kh_store_visit_each(c->store, f->year, f->inspector, f->unit, 0,
                                 list_row, &l, c->e);
        if (st == KH_OK && l.n == 0)
            kh_buf_printf(b, _("no visit planned in %d\n"), f->year);
        return st;
    }
    case REMOVE:
        st = kh_store_visit_remove(c->store, actor, id, c->e);
        if (st == KH_OK)
            kh_buf_printf(b, _("visit %lld removed\n"), (long long)id);
        return st;
    case SYMPOSIUM: return do_symposium(c, f, id, false, b);
    case INTERVIEW: return do_interview(c, f, id, false, b);
    case FINDING: return do_finding(c, f, b);
    case SYMPOSIUM_SET: return do_symposium(c, f, id, true, b);
    case INTERVIEW_SET: return do_interview(c, f, id, true, b);
    case FINDING_SET: return do_finding_edit(c, f, id, false, b);
    case FINDING_REMOVE: return do_finding_edit(c, f, id, true, b);
    default:
        return kh_store_onsite_report(c->store, actor, id,
                                      f->names ? KH_ONSITE_NAMES
                                               : KH_ONSITE_NO_NAMES,
                                      b, c->e);
    }
}

static int run(kh_cli_ctx *c, int which, const vopts *f, int64_t id)
{
    int rc = kh_cli_open(c, 0);
    if (rc != KH_EXIT_OK) {
        kh_cli_finish(c, KH_OK);
        return rc;
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st = dispatch(c, which, f, id, &b);
    /* A refused value is named by the option that gave it. */
    static const char *const opts[] = {
        "place", "--place", "host", "--host", "recorder", "--recorder",
        "outline", "--outline", "minutes", "--minutes", "category",
        "--category", "name", "--name", "summary", "--summary", "text",
        "--text", NULL};
    if (st != KH_OK)
        kh_cli_opt_paths(c->e, 0, opts);
    rc = st == KH_OK ? kh_cli_write(NULL, &b) : KH_EXIT_OK;
    kh_buf_free(&b);
    int rc2 = kh_cli_finish(c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}

/* The required options of each subcommand; -1 when all are there. */
static int required(const char *cmd, int which, const vopts *f)
{
    if ((which == ADD || which == LIST) && !f->year)
        return kh_cli_usage_error(cmd, "--year YEAR is required");
    if (which == ADD) {
        const char *n[] = {"--unit ID", "--at TIME", "--place PLACE",
                           "--lead NAME"};
        const char *v[] = {f->unit, f->at, f->place, f->lead};
        return kh_cli_need(cmd, n, v, 4);
    }
    if (which == FINDING_SET) {
        const char *n[] = {"--item ITEM", "--text TEXT"};
        const char *v[] = {f->item, f->text};
        return kh_cli_need(cmd, n, v, 2);
    }
    if (which == SYMPOSIUM || which == SYMPOSIUM_SET) {
        const char *n[] = {"--date D", "--place PLACE", "--host NAME",
                           "--recorder NAME", "--outline TEXT",
                           "--minutes TEXT"};
        const char *v[] = {f->date, f->place, f->host, f->recorder,
                           f->outline, f->minutes};
        return kh_cli_need(cmd, n, v, 6);
    }
    if (which == INTERVIEW || which == INTERVIEW_SET) {
        const char *n[] = {"--category C", "--interviewer NAME",
                           "--recorder NAME", "--start TIME", "--end TIME",
                           "--place PLACE", "--summary TEXT"};
        const char *v[] = {f->category, f->interviewer, f->recorder,
                           f->start, f->end, f->place, f->summary};
        return kh_cli_need(cmd, n, v, 7);
    }
    if (which == FINDING) {
        const char *n[] = {"--symposium ID or --interview ID", "--item ITEM",
                           "--text TEXT"};
        const char *v[] = {f->source, f->item, f->text};
        return kh_cli_need(cmd, n, v, 3);
    }
    if (which == SET && f->nmembers && f->no_members)
        return kh_cli_usage_error(cmd, "--member and --no-members exclude "
                                  "each other");
    return -1;
}

int kh_cmd_visit(int argc, char **argv)
{
    static const char *const subs[NCMD] = {"add", "set", "list", "remove",
                                           "symposium", "interview",
                                           "finding", "show",
                                           "symposium-set", "interview-set",
                                           "finding-set", "finding-remove"};
    static const char *const names[NCMD] = {
        "visit add", "visit set", "visit list", "visit remove",
        "visit symposium", "visit interview", "visit finding", "visit show",
        "visit symposium-set", "visit interview-set", "visit finding-set",
        "visit finding-remove"};
    static const int allowed[NCMD][16] = {
        {'y', KH_OPT_UNIT, OPT_AT, OPT_PLACE, OPT_LEAD, OPT_MEMBER, OPT_PLANNED,
         OPT_USED, 0},
        {OPT_AT, OPT_PLACE, OPT_LEAD, OPT_MEMBER, OPT_NO_MEMBERS, OPT_PLANNED,
         OPT_USED, 0},
        {'y', OPT_INSPECTOR, KH_OPT_UNIT, 0},
        {0},
        {OPT_DATE, OPT_PLACE, OPT_HOST, OPT_RECORDER, OPT_GROUP, OPT_OUTLINE,
         OPT_MINUTES, 0},
        {OPT_CATEGORY, OPT_NAME, OPT_INTERVIEWER, OPT_RECORDER, OPT_START,
         OPT_END, OPT_PLACE, OPT_SUMMARY, 0},
        {OPT_SYMPOSIUM, OPT_INTERVIEW, OPT_ITEM, OPT_DIRECTION, OPT_TEXT, 0},
        {OPT_NAMES, 0},
        {OPT_DATE, OPT_PLACE, OPT_HOST, OPT_RECORDER, OPT_GROUP, OPT_OUTLINE,
         OPT_MINUTES, 0},
        {OPT_CATEGORY, OPT_NAME, OPT_INTERVIEWER, OPT_RECORDER, OPT_START,
         OPT_END, OPT_PLACE, OPT_SUMMARY, 0},
        {OPT_ITEM, OPT_DIRECTION, OPT_TEXT, 0},
        {0}};
    if (argc < 2)
        return kh_cli_usage_error("visit", "missing command (add, set, list, "
                                  "remove, symposium, interview, finding or "
                                  "show)");
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        visit_help();
        return KH_EXIT_OK;
    }
    int which = -1;
    for (int i = 0; i < NCMD; i++)
        if (!strcmp(argv[1], subs[i]))
            which = i;
    if (which < 0)
        return kh_cli_usage_error("visit", "unknown command '%s'", argv[1]);
    const char *cmd = names[which];
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, cmd))
        return KH_EXIT_FAILURE;
    vopts f;
    memset(&f, 0, sizeof f);
    argc--;
    argv++;
    int rc = parse_opts(&c, cmd, argc, argv, allowed[which], &f);
    int64_t id = 0;
    bool takes_id = which != ADD && which != LIST && which != FINDING;
    if (rc < 0 && takes_id) {
        if (optind >= argc)
            rc = kh_cli_usage_error(cmd, which >= SYMPOSIUM_SET
                                             ? "missing the record's ID"
                                             : "missing visit ID");
        else if (!kh_cli_id(argv[optind], &id))
            rc = kh_cli_usage_error(cmd, "'%s' is not a visit ID (a number "
                                    "as 'visit list' shows it)",
                                    argv[optind]);
        else
            optind++;
    }
    if (rc < 0 && optind < argc)
        rc = kh_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (rc < 0)
        rc = required(cmd, which, &f);
    if (rc >= 0) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    return run(&c, which, &f, id);
}
