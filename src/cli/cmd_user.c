/*
 * cmd_user.c - `kaohe user add|passwd|disable|enable|assign|list`: the
 * users of the web server, their roles and the units assigned to
 * inspectors.  Passwords are read from standard input (first line),
 * without echo when it is a terminal, and never shown.
 */
#include "store_cli.h"

#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "kaohe/i18n.h"
#include "kaohe/report.h"
#include "kaohe/store_session.h"
#include "kaohe/store_users.h"

enum {
    OPT_ROLE = KH_OPT_FIRST_FREE,
    OPT_UNIT,
    OPT_REPLACE,
    OPT_PROVIDER,
    OPT_DISPLAY
};

static void user_help(void)
{
    printf(_(
        "Usage: kaohe user add NAME --role ROLE [--unit ID | --provider NAME]\n"
        "                      [--display-name TEXT]\n"
        "       kaohe user passwd NAME\n"
        "       kaohe user disable NAME\n"
        "       kaohe user enable NAME\n"
        "       kaohe user assign NAME --year YEAR --unit ID... [--replace]\n"
        "       kaohe user list [--year YEAR]\n"
        "       kaohe user name NAME DISPLAY\n"
        "\n"
        "Users of the web server and their roles:\n"
        "  admin      administrator: runs the assessment\n"
        "  inspector  inspection team member: scores the units assigned to\n"
        "             them\n"
        "  unit       assessed unit: one unit's self-check (--unit ID)\n"
        "  auditor    auditor: reads everything, the audit log included\n"
        "  department department scorer: scores its provider's inputs for\n"
        "             every unit (--provider NAME, a rubric `provider`)\n"
        "\n"
        "add and passwd read the password from standard input (its first\n"
        "line); on a terminal they ask for it twice without echo.  It must\n"
        "have at least 8 characters.  It is stored only as an argon2id hash\n"
        "and is never shown or written to the audit log.\n"
        "\n"
        "Commands:\n"
        "  add       add a user; a unit user names its unit\n"
        "  passwd    set a new password\n"
        "  disable   refuse the user's logins (enable: allow them again)\n"
        "  assign    assign an inspector to units of a year (they must\n"
        "            exist in that year); assigned units stay unless\n"
        "            --replace, which makes the list exactly these\n"
        "  list      show users and inspectors' assignments\n"
        "  name      the name people see for NAME (a full name, e.g. Li\n"
        "            Ming): the pages show it instead of the login\n"
        "\n"
        "Options:\n"
        "      --role ROLE     admin, inspector, unit, auditor or department\n"
        "      --provider NAME the provider of a department user (a name\n"
        "                      the stored rubrics' provider fields use)\n"
        "      --unit ID       the unit (add: of a unit user; assign:\n"
        "                      repeatable, or several IDs after it)\n"
        "      --display-name TEXT  add: the name people see (as 'name')\n"
        "  -y, --year YEAR     the year of the assignment\n"
        "      --replace       assign: drop the year's other units\n"
        "%s"
        "  -h, --help          show this help\n"
        "\n"
        "Exit status: 0 success, 1 invalid input or refused (every error\n"
        "printed), 2 usage error, 3 other failure.\n"), kh_cli_opts_help());
}

/* A role as the reader's language names it (管理员, or admin). */
static const char *role_text(kh_role r)
{
    return kh_i18n_locale_is_zh() ? kh_role_label(r) : kh_role_name(r);
}

/* ---- reading a password -------------------------------------------- */

static struct termios saved_tio;
static volatile sig_atomic_t tio_saved;

/* Puts the echo back when interrupted at the prompt, then dies of the
 * signal as usual. */
static void restore_and_raise(int sig)
{
    if (tio_saved)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Reads one line from stdin into a malloc'd string without its line end;
 * NULL at end of input.  On a terminal, prompt goes to stderr and the
 * echo is off while typing. */
static char *read_line(const char *prompt, bool tty)
{
    struct sigaction sa, old_int, old_term;
    if (tty) {
        if (tcgetattr(STDIN_FILENO, &saved_tio) != 0)
            return NULL;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = restore_and_raise;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &old_int);
        sigaction(SIGTERM, &sa, &old_term);
        struct termios quiet = saved_tio;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        quiet.c_lflag |= ECHONL;
        tio_saved = 1;
        fputs(prompt, stderr);
        fflush(stderr);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
        tio_saved = 0;
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGTERM, &old_term, NULL);
    }
    if (n < 0) {
        free(line);
        return NULL;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    return line;
}

static void wipe(char *s)
{
    if (s) {
        sodium_memzero(s, strlen(s));
        free(s);
    }
}

/* The new password: the first line of stdin, or typed twice on a
 * terminal.  NULL (after a message) when none was given. */
static char *read_password(const char *cmd)
{
    bool tty = isatty(STDIN_FILENO);
    char *pw = read_line(_("New password: "), tty);
    if (!pw) {
        fprintf(stderr, _("kaohe %s: no password on standard input\n"), cmd);
        return NULL;
    }
    if (tty) {
        char *again = read_line(_("Again: "), tty);
        bool same = again && strcmp(pw, again) == 0;
        wipe(again);
        if (!same) {
            fprintf(stderr, _("kaohe %s: the two passwords differ\n"), cmd);
            wipe(pw);
            return NULL;
        }
    }
    return pw;
}

/* ---- listing ------------------------------------------------------- */

static kh_status list_user(void *ctx, const kh_user_row *r)
{
    kh_buf *b = ctx;
    kh_text_pad(b, r->name, 16, false);
    kh_text_pad(b, r->display_name ? r->display_name : "-", 12, false);
    kh_text_pad(b, role_text(r->role), 12, false);
    kh_text_pad(b, r->unit ? r->unit : r->provider ? r->provider : "-", 12,
                false);
    kh_text_pad(b, r->disabled ? _("disabled") : _("active"), 10, false);
    kh_buf_printf(b, "%s  %s\n", r->created_at, r->created_by);
    return kh_buf_status(b);
}

typedef struct assign_ctx {
    kh_buf *b;
    char user[KH_USER_NAME_MAX + 1];
    int year;
} assign_ctx;

/* One line per inspector and year: "li  2025: jd, xx". */
static kh_status list_assign(void *ctx, const kh_assign_row *r)
{
    assign_ctx *a = ctx;
    if (strcmp(a->user, r->user) != 0 || a->year != r->year) {
        if (a->user[0])
            kh_buf_putc(a->b, '\n');
        kh_text_pad(a->b, r->user, 16, false);
        kh_buf_printf(a->b, _("%d: %s"), r->year, r->unit);
        snprintf(a->user, sizeof a->user, "%s", r->user);
        a->year = r->year;
    } else {
        kh_buf_printf(a->b, ", %s", r->unit);
    }
    return kh_buf_status(a->b);
}

/* ---- the command --------------------------------------------------- */

enum { ADD, PASSWD, DISABLE, ENABLE, ASSIGN, LIST, NAME };

/* The command line of one run. */
typedef struct user_args {
    int which;                 /* ADD ... LIST */
    const char *cmd;           /* "user add", for messages */
    const char **units;        /* owned: --unit values and assign's extras */
    size_t nunits;
    const char *role_s, *name;
    const char *provider;      /* --provider */
    const char *display;       /* name, add: the display name */
    kh_role role;
    bool replace;
    int year;
    char *pw;                  /* owned, wiped: add and passwd */
} user_args;

/* The subcommand argv[1] names, or -1 after help or a usage error (*rc). */
static int user_which(int argc, char **argv, int *rc)
{
    static const char *const subs[] = {"add",    "passwd", "disable",
                                       "enable", "assign", "list",
                                       "name"};
    *rc = -1;
    if (argc < 2) {
        *rc = kh_cli_usage_error("user", "missing command (add, passwd, "
                                 "disable, enable, assign, list or name)");
        return -1;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        user_help();
        *rc = KH_EXIT_OK;
        return -1;
    }
    for (int i = 0; i < 7; i++)
        if (!strcmp(argv[1], subs[i]))
            return i;
    *rc = kh_cli_usage_error("user", "unknown command '%s' (expected "
                             "add, passwd, disable, enable, assign, list "
                             "or name)", argv[1]);
    return -1;
}

/* One option the subcommand takes (kh_cli_option_fn; kh_cli_parse has
 * read --year and refused the others). */
static int user_one(void *args, int o, char *arg, char **argv)
{
    (void)argv;
    user_args *a = args;
    if (o == OPT_ROLE)
        a->role_s = arg;
    else if (o == OPT_UNIT)
        a->units[a->nunits++] = arg;
    else if (o == OPT_REPLACE)
        a->replace = true;
    else if (o == OPT_PROVIDER)
        a->provider = arg;
    else
        a->display = arg;
    return -1;
}

/* Reads the options (argv[0] is the subcommand); an exit code when the
 * run ends here, else -1. */
static int user_parse(kh_cli_ctx *c, int argc, char **argv, user_args *a)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, KH_OPT_DB},
        {"data-dir", required_argument, NULL, KH_OPT_DATA_DIR},
        {"as", required_argument, NULL, KH_OPT_AS},
        {"role", required_argument, NULL, OPT_ROLE},
        {"unit", required_argument, NULL, OPT_UNIT},
        {"year", required_argument, NULL, 'y'},
        {"replace", no_argument, NULL, OPT_REPLACE},
        {"provider", required_argument, NULL, OPT_PROVIDER},
        {"display-name", required_argument, NULL, OPT_DISPLAY},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    /* what each of add, passwd, disable, enable, assign, list and name
     * takes */
    static const int allowed[][5] = {
        {OPT_ROLE, OPT_UNIT, OPT_PROVIDER, OPT_DISPLAY, 0}, {0}, {0}, {0},
        {OPT_UNIT, 'y', OPT_REPLACE, 0}, {'y', 0}, {0}};
    const kh_cli_parse_spec sp = {
        .shortopts = ":y:h", .opts = opts, .allowed = allowed[a->which],
        .help = user_help, .year = &a->year, .positional = true,
        .fn = user_one, .args = a};
    return kh_cli_parse(c, a->cmd, argc, argv, &sp);
}

/* The NAME argument, assign's extra units and nothing more; an exit code,
 * or -1. */
static int user_positional(int argc, char **argv, user_args *a)
{
    if (a->which != LIST) {
        if (optind >= argc)
            return kh_cli_usage_error(a->cmd, "missing user NAME");
        a->name = argv[optind++];
    }
    if (a->which == NAME) {
        if (optind >= argc)
            return kh_cli_usage_error(a->cmd, "missing the DISPLAY name");
        a->display = argv[optind++];
    }
    /* assign: "--unit jd xx dbgs" leaves xx and dbgs as arguments. */
    while (a->which == ASSIGN && a->nunits > 0 && optind < argc)
        a->units[a->nunits++] = argv[optind++];
    if (optind < argc)
        return kh_cli_usage_error(a->cmd, "unexpected argument '%s'", argv[optind]);
    return -1;
}

/* The options each subcommand requires; an exit code, or -1. */
static int user_check(user_args *a)
{
    if (a->which == ADD) {
        if (!a->role_s)
            return kh_cli_usage_error(a->cmd, "--role ROLE is required (admin, "
                                      "inspector, unit, auditor or "
                                      "department)");
        if (!kh_role_parse(a->role_s, &a->role))
            return kh_cli_usage_error(a->cmd, "unknown role '%s' (expected admin, "
                                      "inspector, unit, auditor or "
                                      "department)", a->role_s);
        if (a->nunits > 1)
            return kh_cli_usage_error(a->cmd, "a unit user belongs to one unit");
    }
    if (a->which == ASSIGN && !a->year)
        return kh_cli_usage_error(a->cmd, "--year YEAR is required");
    if (a->which == ASSIGN && a->nunits == 0 && !a->replace)
        return kh_cli_usage_error(a->cmd, "--unit ID is required");
    if ((a->which == ADD || a->which == PASSWD) && !(a->pw = read_password(a->cmd)))
        return KH_EXIT_INVALID;
    return -1;
}

/* assign: the change, then the user's assignments that year. */
static kh_status user_assign(kh_cli_ctx *c, const user_args *a, kh_buf *b)
{
    const char *actor = kh_cli_actor(c);
    kh_status st = kh_store_user_assign(c->store, actor, a->name, a->year,
                                        a->nunits, a->units, a->replace, c->e);
    if (st != KH_OK)
        return st;
    assign_ctx ac = {.b = b};
    st = kh_store_assign_each(c->store, a->name, a->year, list_assign, &ac, c->e);
    if (!ac.user[0])
        kh_buf_printf(b, _("%s  %d: (none)"), a->name, a->year);
    kh_buf_putc(b, '\n');
    return st;
}

/* list: every user, then the inspectors' assignments (of --year). */
static kh_status user_list(kh_cli_ctx *c, int year, kh_buf *b)
{
    kh_text_pad(b, _("User"), 16, false);
    kh_text_pad(b, _("Full name"), 12, false);
    kh_text_pad(b, _("Role"), 12, false);
    kh_text_pad(b, _("Unit"), 12, false);
    kh_text_pad(b, _("Status"), 10, false);
    kh_text_pad(b, _("Created at"), 22, false);
    kh_buf_printf(b, "%s\n", _("Created by"));
    kh_status st = kh_store_user_each(c->store, NULL, list_user, b, c->e);
    assign_ctx ac = {.b = b};
    if (st == KH_OK) {
        kh_buf_printf(b, "\n%s\n", _("Inspectors' units:"));
        st = kh_store_assign_each(c->store, NULL, year, list_assign, &ac, c->e);
        kh_buf_printf(b, "%s\n", ac.user[0] ? "" : _("(none)"));
    }
    return st;
}

/* Ends the user's web sessions on every `kaohe serve` instance (a new
 * password or a disabled account) in the transaction that st's change
 * opened, then commits it; rolls it back when st is a failure. */
static kh_status end_sessions(kh_cli_ctx *c, const char *name, kh_status st)
{
    if (st == KH_OK)
        st = kh_store_session_drop_user(c->store, name, NULL, c->e);
    if (st == KH_OK)
        return kh_store_commit(c->store, c->e);
    kh_store_rollback(c->store);
    return st;
}

/* Runs the subcommand; its report goes to b. */
static kh_status user_run(kh_cli_ctx *c, const user_args *a, kh_buf *b)
{
    const char *actor = kh_cli_actor(c);
    const char *unit = a->nunits ? a->units[0] : NULL;
    kh_status st;
    switch (a->which) {
    case ADD:
        st = kh_store_user_add_named(c->store, actor,
            &(kh_user_new){.name = a->name, .role = a->role, .unit = unit,
                           .provider = a->provider, .display = a->display,
                           .password = a->pw}, c->e);
        static const char *const opts[] = {"display_name", "--display-name",
                                           NULL};
        if (st != KH_OK)
            kh_cli_opt_paths(c->e, 0, opts);
        if (st == KH_OK && unit)
            kh_buf_printf(b, _("added user %s (%s, unit %s)\n"), a->name,
                          role_text(a->role), unit);
        else if (st == KH_OK && a->provider)
            kh_buf_printf(b, _("added user %s (%s, %s)\n"), a->name,
                          role_text(a->role), a->provider);
        else if (st == KH_OK)
            kh_buf_printf(b, _("added user %s (%s)\n"), a->name,
                          role_text(a->role));
        return st;
    case PASSWD:
        st = kh_store_begin(c->store, c->e);
        if (st == KH_OK)
            st = kh_store_user_passwd(c->store, actor, a->name, a->pw, c->e);
        st = end_sessions(c, a->name, st);
        if (st == KH_OK)
            kh_buf_printf(b, _("the password of user %s is changed\n"),
                          a->name);
        return st;
    case DISABLE:
    case ENABLE:
        st = kh_store_begin(c->store, c->e);
        if (st == KH_OK)
            st = kh_store_user_set_disabled(c->store, actor, a->name,
                                            a->which == DISABLE, c->e);
        if (a->which == ENABLE && st == KH_OK)
            st = kh_store_commit(c->store, c->e);
        else
            st = end_sessions(c, a->name, st);
        if (st == KH_OK)
            kh_buf_printf(b, a->which == DISABLE ? _("user %s is disabled\n")
                                                 : _("user %s is enabled\n"),
                          a->name);
        return st;
    case ASSIGN:
        return user_assign(c, a, b);
    case NAME:
        st = kh_store_user_set_display(c->store, actor, a->name, a->display,
                                       c->e);
        static const char *const arg[] = {"display_name", "DISPLAY", NULL};
        if (st != KH_OK)
            kh_cli_opt_paths(c->e, 0, arg);
        if (st == KH_OK)
            kh_buf_printf(b, _("user %s is shown as %s\n"), a->name,
                          a->display);
        return st;
    default:
        return user_list(c, a->year, b);
    }
}

int kh_cmd_user(int argc, char **argv)
{
    int rc;
    user_args a = {.role = KH_ROLE_ADMIN};
    if ((a.which = user_which(argc, argv, &rc)) < 0)
        return rc;
    char cmd[32];
    snprintf(cmd, sizeof cmd, "user %s", argv[1]);
    a.cmd = cmd;
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, cmd))
        return KH_EXIT_FAILURE;
    a.units = calloc((size_t)argc, sizeof *a.units);
    if (!a.units) {
        kh_cli_finish(&c, KH_OK);
        fprintf(stderr, "%s", _("kaohe: out of memory\n"));
        return KH_EXIT_FAILURE;
    }
    rc = user_parse(&c, argc - 1, argv + 1, &a);
    if (rc < 0)
        rc = user_positional(argc - 1, argv + 1, &a);
    if (rc < 0)
        rc = user_check(&a);
    /* rc >= 0: --help was shown or the command line was bad. */
    if (rc >= 0 || (rc = kh_cli_open(&c, 0)) != KH_EXIT_OK) {
        wipe(a.pw);
        free(a.units);
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st = user_run(&c, &a, &b);
    wipe(a.pw);
    free(a.units);
    rc = st == KH_OK ? kh_cli_write(NULL, &b) : KH_EXIT_OK;
    kh_buf_free(&b);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}
