/*
 * cmd_audit.c - `kaohe audit log|verify|sign|keygen`: the audit log, its
 * chain and head, and signing the head with a key kept outside the store.
 */
#include "store_cli.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { OPT_HEAD = KH_OPT_FIRST_FREE, OPT_KEY, OPT_OUT };

static kh_status print_audit(void *ctx, const kh_audit_row *r)
{
    kh_buf *b = ctx;
    kh_buf_printf(b, "#%" PRId64 " %s %s %s", r->seq, r->at, r->rec.actor,
                  r->rec.action);
    if (r->rec.year)
        kh_buf_printf(b, " %d", r->rec.year);
    if (r->rec.unit)
        kh_buf_printf(b, _(" unit %s"), r->rec.unit);
    if (r->rec.object)
        kh_buf_printf(b, " %s", r->rec.object);
    kh_buf_putc(b, '\n');
    const char *labels[] = {N_("old"), N_("new"), N_("reason")};
    const char *vals[] = {r->rec.old_value, r->rec.new_value, r->rec.reason};
    for (int i = 0; i < 3; i++) {
        if (!vals[i])
            continue;
        kh_buf_printf(b, "    %s: ", _(labels[i]));
        /* Multi-line values stay indented. */
        for (const char *p = vals[i]; *p; p++) {
            kh_buf_putc(b, *p);
            if (*p == '\n' && p[1])
                kh_buf_puts(b, "      ");
        }
        if (vals[i][0] == '\0' || vals[i][strlen(vals[i]) - 1] != '\n')
            kh_buf_putc(b, '\n');
    }
    return kh_buf_status(b);
}

static void audit_help(void)
{
    printf(_("Usage: kaohe audit log [--year YEAR] [--unit ID] [--db FILE]\n"
           "       kaohe audit verify [--head SEQ:HASH] [--key PUBFILE] "
           "[--db FILE]\n"
           "       kaohe audit sign --key FILE [--db FILE]\n"
           "       kaohe audit keygen --out NAME\n"
           "\n"
           "The audit log records every change: who, when (UTC), what, the "
           "old\n"
           "and new value and the reason, each record chained to the "
           "previous\n"
           "one by SHA-256.  Its head SEQ:HASH (the last record) is printed "
           "by\n"
           "verify and in every published document.\n"
           "\n"
           "Commands:\n"
           "  log      print the records, oldest first, optionally only "
           "those of\n"
           "           one year and/or one unit\n"
           "  verify   recompute the chain (names the first record that "
           "was\n"
           "           altered, removed or reordered) and print its head;\n"
           "           --head: the head of a published copy must still be "
           "in\n"
           "           the log; --key: the signed head must be signed by "
           "this\n"
           "           public key and still be in the log\n"
           "  sign     sign the current head with the secret key FILE "
           "(kept\n"
           "           outside the store) and keep the signature in the "
           "store\n"
           "  keygen   make a key pair: NAME.key (secret, mode 0600) and\n"
           "           NAME.pub (public)\n"
           "\n"
           "Options:\n"
           "  -y, --year YEAR     only records of this year\n"
           "  -u, --unit ID       only records of this unit\n"
           "      --head SEQ:HASH a head printed in a published document\n"
           "      --key FILE      the secret (sign) or public (verify) key\n"
           "      --out NAME      where keygen writes the key pair\n"
           "%s"
           "  -h, --help          show this help\n"
           "\n"
           "Exit status: 0 success, 1 invalid input or refused (every "
           "error\n"
           "printed), 2 usage error, 3 other failure (database, memory, "
           "output).\n"), kh_cli_db_help());
}

/* Writes text to path, which must not exist yet, with mode. */
static int write_new(const char *path, const kh_buf *b, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
    if (fd < 0) {
        fprintf(stderr, _("kaohe audit keygen: %s: cannot create: %s\n"), path,
                strerror(errno));
        return KH_EXIT_FAILURE;
    }
    ssize_t n = write(fd, b->data, b->len);
    if (close(fd) != 0 || n < 0 || (size_t)n != b->len) {
        fprintf(stderr, _("kaohe audit keygen: %s: cannot write\n"), path);
        unlink(path);
        return KH_EXIT_FAILURE;
    }
    return KH_EXIT_OK;
}

static int keygen(const char *out)
{
    if (!out)
        return kh_cli_usage_error("audit keygen", "--out NAME is required");
    kh_err *e = kh_err_new();
    kh_buf sk, pk;
    kh_buf_init(&sk, 0);
    kh_buf_init(&pk, 0);
    size_t n = strlen(out) + 8;
    char *ks = malloc(n), *ps = malloc(n);
    int rc = KH_EXIT_FAILURE;
    if (e && ks && ps) {
        snprintf(ks, n, "%s.key", out);
        snprintf(ps, n, "%s.pub", out);
        kh_status st = kh_audit_keygen(&sk, &pk, e);
        rc = st != KH_OK ? kh_cli_exit(st) : write_new(ks, &sk, 0600);
        if (rc == KH_EXIT_OK && (rc = write_new(ps, &pk, 0644)) != KH_EXIT_OK)
            unlink(ks);
        if (rc == KH_EXIT_OK)
            printf(_("key pair written: %s (the private key, keep it offline) and %s (the public key)\n"), ks,
                   ps);
        kh_cli_print_errors(e);
    }
    if (sk.data)
        memset(sk.data, 0, sk.len);
    kh_buf_free(&sk);
    kh_buf_free(&pk);
    free(ks);
    free(ps);
    kh_err_free(e);
    return rc;
}

typedef struct audit_args {
    const char *sub, *head, *key, *out, *unit;
    int year;
} audit_args;

/* verify, sign: messages on c->e, report into b. */
static kh_status run(kh_cli_ctx *c, const audit_args *a, kh_buf *b)
{
    char head[KH_AUDIT_HEAD_SZ];
    kh_buf key;
    kh_buf_init(&key, 0);
    kh_status st = KH_OK;
    if (a->key && (st = kh_cli_read(a->key, &key, c->e)) != KH_OK)
        goto done;
    if (strcmp(a->sub, "sign") == 0) {
        st = kh_store_audit_sign(c->store, kh_buf_str(&key), a->key, head,
                                 c->e);
        if (st == KH_OK)
            kh_buf_printf(b, _("audit log head signed: %s\n"), head);
        goto done;
    }
    int64_t n = 0;
    if ((st = kh_store_audit_verify(c->store, &n, c->e)) != KH_OK ||
        (st = kh_store_audit_head(c->store, head, c->e)) != KH_OK)
        goto done;
    kh_buf_printf(b, _("audit log: %" PRId64 " records, the hash chain is whole\n"), n);
    kh_buf_printf(b, _("audit log head: %s\n"), head);
    if (a->head &&
        (st = kh_store_audit_check_head(c->store, a->head, "--head",
                                        c->e)) == KH_OK)
        kh_buf_printf(b, _("the published head %s is still in the log\n"), a->head);
    if (st == KH_OK && a->key &&
        (st = kh_store_audit_check_signature(c->store, kh_buf_str(&key),
                                             a->key, head, c->e)) == KH_OK)
        kh_buf_printf(b, _("signature valid: head %s was signed with this key and is still in the log\n"),
                      head);
done:
    if (key.data)
        memset(key.data, 0, key.len);
    kh_buf_free(&key);
    return st;
}

/* The subcommand's options and the name its messages carry. */
typedef struct audit_opt {
    const char *cmd;
    audit_args *a;
} audit_opt;

/* One option (kh_cli_option_fn): each subcommand takes its own, any
 * other is an unknown option. */
static int audit_one(void *args, int o, char *arg, char **argv)
{
    audit_opt *p = args;
    audit_args *a = p->a;
    bool log = strcmp(a->sub, "log") == 0;
    bool verify = strcmp(a->sub, "verify") == 0;
    bool sign = strcmp(a->sub, "sign") == 0;
    if (o == 'y' && log)
        return kh_cli_year(p->cmd, arg, &a->year) ? -1 : KH_EXIT_USAGE;
    if (o == 'u' && log)
        a->unit = arg;
    else if (o == OPT_HEAD && verify)
        a->head = arg;
    else if (o == OPT_KEY && (verify || sign))
        a->key = arg;
    else if (o == OPT_OUT && !log && !verify && !sign)
        a->out = arg;
    else
        return kh_cli_bad_option(p->cmd, o, argv);
    return -1;
}

/* Reads the options (argv[0] is the subcommand); an exit code when the
 * run ends here (help shown, bad command line), else -1. */
static int parse(int argc, char **argv, kh_cli_ctx *c, audit_args *a)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, KH_OPT_DB},
        {"year", required_argument, NULL, 'y'},
        {"unit", required_argument, NULL, 'u'},
        {"head", required_argument, NULL, OPT_HEAD},
        {"key", required_argument, NULL, OPT_KEY},
        {"out", required_argument, NULL, OPT_OUT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    audit_opt p = {c->cmd, a};
    const kh_cli_parse_spec sp = {.shortopts = ":y:u:h", .opts = opts,
                                  .help = audit_help, .fn = audit_one,
                                  .args = &p};
    int rc = kh_cli_parse(c, c->cmd, argc, argv, &sp);
    if (rc < 0 && !strcmp(a->sub, "sign") && !a->key)
        return kh_cli_usage_error(c->cmd, "--key FILE is required");
    return rc;
}

int kh_cmd_audit(int argc, char **argv)
{
    static const char *const subs[] = {"log", "verify", "sign", "keygen"};
    if (argc < 2)
        return kh_cli_usage_error("audit", "missing command (log, verify, "
                                  "sign or keygen)");
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        audit_help();
        return KH_EXIT_OK;
    }
    audit_args a = {.sub = NULL};
    static const char *const names[] = {"audit log", "audit verify",
                                        "audit sign", "audit keygen"};
    const char *cmd = NULL;
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        if (strcmp(argv[1], subs[i]) == 0) {
            a.sub = subs[i];
            cmd = names[i];
        }
    if (!a.sub)
        return kh_cli_usage_error("audit", "unknown command '%s' (expected "
                                  "log, verify, sign or keygen)", argv[1]);
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, cmd))
        return KH_EXIT_FAILURE;
    int rc = parse(argc - 1, argv + 1, &c, &a);
    if (rc >= 0 || strcmp(a.sub, "keygen") == 0) {
        kh_cli_finish(&c, KH_OK);
        return rc >= 0 ? rc : keygen(a.out);
    }
    if ((rc = kh_cli_open(&c, 0)) != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status st = strcmp(a.sub, "log") == 0
                       ? kh_store_audit_each(c.store, a.year, a.unit,
                                             print_audit, &b, c.e)
                       : run(&c, &a, &b);
    rc = kh_cli_write(NULL, &b);
    kh_buf_free(&b);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}
