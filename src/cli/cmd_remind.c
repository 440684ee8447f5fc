/*
 * cmd_remind.c - `kaohe remind [--send-mail --mail-config FILE]`: makes
 * the derived inbox reminders (deadlines in 3 days / 1 day / passed,
 * publication, rectification due or overdue; lib/store/store_inbox.c) for
 * every open year, once each - run it daily (cron or a systemd timer);
 * the web server also makes them when a home page or inbox is shown.
 * With --send-mail, every message not mailed yet goes by SMTP (libcurl)
 * to its user's address from the mail config file (docs/SCHEDULE.md,
 * "Mail"); mail is off unless asked for.
 */
#include "store_cli.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "kaohe/i18n.h"
#include "kaohe/store_inbox.h"

#define MAIL_LINE_MAX 1024       /* bytes of a config line */
#define MAIL_USERS_MAX 4096      /* address lines of a config */
#define MAIL_TIMEOUT 30          /* seconds for one mail */

enum { OPT_SEND_MAIL = KH_OPT_FIRST_FREE, OPT_MAIL_CONFIG };

/* The mail config: "key = value" lines, # comments. */
typedef struct mail_cfg {
    char url[MAIL_LINE_MAX], from[MAIL_LINE_MAX];
    char user[MAIL_LINE_MAX], password[MAIL_LINE_MAX];
    bool starttls;
    char **names, **addrs;   /* address.NAME = EMAIL, owned */
    size_t n;
    int64_t now;             /* $KAOHE_NOW or the clock, for Date: */
} mail_cfg;

static void cfg_free(mail_cfg *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->names[i]);
        free(c->addrs[i]);
    }
    free(c->names);
    free(c->addrs);
    sodium_memzero(c->password, sizeof c->password);
}

/* Trims spaces at both ends in place. */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
                 s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

/* An address: no spaces, angle brackets or line breaks, one @. */
static bool addr_ok(const char *a)
{
    const char *at = strchr(a, '@');
    return at && at != a && at[1] && !strchr(at + 1, '@') &&
           !strpbrk(a, " \t<>\r\n,;");
}

static kh_status cfg_address(mail_cfg *c, const char *name, const char *v,
                             unsigned line, kh_err *e)
{
    if (!addr_ok(v))
        return kh_err_at(e, line, 1, name, "\"%s\" is not a mail address", v);
    if (c->n == MAIL_USERS_MAX)
        return kh_err_at(e, line, 1, name, "more than %d addresses",
                         MAIL_USERS_MAX);
    char **nn = realloc(c->names, (c->n + 1) * sizeof *nn);
    if (nn)
        c->names = nn;
    char **na = realloc(c->addrs, (c->n + 1) * sizeof *na);
    if (na)
        c->addrs = na;
    if (!nn || !na)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    c->names[c->n] = strdup(name);
    c->addrs[c->n] = strdup(v);
    c->n++;
    if (!c->names[c->n - 1] || !c->addrs[c->n - 1])
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    return KH_OK;
}

static kh_status cfg_pair(mail_cfg *c, char *k, char *v, unsigned line,
                          kh_err *e)
{
    char *dst = !strcmp(k, "smtp_url")   ? c->url
                : !strcmp(k, "from")     ? c->from
                : !strcmp(k, "username") ? c->user
                : !strcmp(k, "password") ? c->password
                                         : NULL;
    if (dst) {
        snprintf(dst, MAIL_LINE_MAX, "%s", v);
        return KH_OK;
    }
    if (!strcmp(k, "starttls")) {
        if (strcmp(v, "yes") && strcmp(v, "no"))
            return kh_err_at(e, line, 1, k, "write yes or no");
        c->starttls = !strcmp(v, "yes");
        return KH_OK;
    }
    if (!strncmp(k, "address.", 8) && k[8])
        return cfg_address(c, k + 8, v, line, e);
    return kh_err_at(e, line, 1, k, "unknown key \"%s\"", k);
}

static kh_status cfg_read(const char *path, mail_cfg *c, kh_err *e)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return kh_err_fail(e, KH_EIO, "%s: cannot open the mail config",
                           path);
    kh_err_set_file(e, path);
    char buf[MAIL_LINE_MAX];
    unsigned line = 0;
    size_t before = kh_err_errors(e);
    while (fgets(buf, sizeof buf, f)) {
        line++;
        char *s = trim(buf), *eq = strchr(s, '=');
        if (!*s || *s == '#')
            continue;
        if (!eq) {
            kh_err_at(e, line, 1, NULL, "expected KEY = VALUE");
            continue;
        }
        *eq = '\0';
        if (cfg_pair(c, trim(s), trim(eq + 1), line, e) == KH_ENOMEM)
            break;
    }
    fclose(f);
    if (!c->url[0])
        kh_err_at(e, 0, 0, "smtp_url", "is required (smtp://HOST:PORT)");
    if (!addr_ok(c->from))
        kh_err_at(e, 0, 0, "from", "is required: the sender's address");
    kh_err_set_file(e, NULL);
    return kh_err_errors(e) > before ? KH_EINVAL : KH_OK;
}

/* ---- one mail -------------------------------------------------------- */

typedef struct upload {
    const char *p;
    size_t left;
} upload;

static size_t read_cb(char *dst, size_t size, size_t n, void *ctx)
{
    upload *u = ctx;
    size_t k = size * n < u->left ? size * n : u->left;
    memcpy(dst, u->p, k);
    u->p += k;
    u->left -= k;
    return k;
}

static void b64(kh_buf *b, const char *s)
{
    size_t n = strlen(s);
    size_t cap = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
    char *out = kh_buf_reserve(b, cap);
    if (!out)
        return;
    sodium_bin2base64(out, cap, (const unsigned char *)s, n,
                      sodium_base64_VARIANT_ORIGINAL);
    kh_buf_commit(b, strlen(out));
}

/* The message: UTF-8 subject as an RFC 2047 encoded word, base64 body. */
static void compose(const mail_cfg *c, const char *to,
                    const kh_inbox_row *m, kh_buf *b)
{
    char subject[256], date[64];
    time_t t = (time_t)c->now;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    snprintf(subject, sizeof subject, "%s %d", kh_i18n_zh("assessment reminder"),
             m->year);
    kh_buf_printf(b, "Date: %s\r\nFrom: <%s>\r\nTo: <%s>\r\nSubject: =?UTF-8?B?",
                  date, c->from, to);
    b64(b, subject);
    kh_buf_printf(b, "?=\r\nMessage-ID: <kaohe-%lld-%lld@%s>\r\n"
                     "MIME-Version: 1.0\r\nContent-Type: text/plain; "
                     "charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n"
                     "\r\n",
                  (long long)m->id, (long long)c->now, strchr(c->from, '@') + 1);
    kh_buf text;
    kh_buf_init(&text, 0);
    kh_buf_printf(&text, "%s\n\n%s\n", m->body, kh_i18n_zh("sign in to kaohe "
                                                          "to read it"));
    b64(b, kh_buf_str(&text));
    kh_buf_free(&text);
    kh_buf_puts(b, "\r\n");
}

static kh_status send_one(const mail_cfg *c, const char *to,
                          const kh_inbox_row *m, kh_err *e)
{
    kh_buf msg;
    kh_buf_init(&msg, 0);
    compose(c, to, m, &msg);
    char from[MAIL_LINE_MAX + 2], rcpt[MAIL_LINE_MAX + 2];
    snprintf(from, sizeof from, "<%s>", c->from);
    snprintf(rcpt, sizeof rcpt, "<%s>", to);
    CURL *h = curl_easy_init();
    struct curl_slist *list = curl_slist_append(NULL, rcpt);
    upload u = {kh_buf_str(&msg), msg.len};
    CURLcode cc = CURLE_OUT_OF_MEMORY;
    if (h && list && kh_buf_status(&msg) == KH_OK) {
        curl_easy_setopt(h, CURLOPT_URL, c->url);
        curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
        curl_easy_setopt(h, CURLOPT_MAIL_RCPT, list);
        curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
        curl_easy_setopt(h, CURLOPT_READDATA, &u);
        curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)MAIL_TIMEOUT);
        curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
        if (c->starttls)
            curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
        if (c->user[0]) {
            curl_easy_setopt(h, CURLOPT_USERNAME, c->user);
            curl_easy_setopt(h, CURLOPT_PASSWORD, c->password);
        }
        cc = curl_easy_perform(h);
    }
    curl_slist_free_all(list);
    curl_easy_cleanup(h);
    kh_buf_free(&msg);
    if (cc != CURLE_OK)
        return kh_err_fail(e, KH_EIO, "mail to %s: %s", to,
                           curl_easy_strerror(cc));
    return KH_OK;
}

typedef struct mail_ctx {
    const mail_cfg *cfg;
    kh_err *e;
} mail_ctx;

static kh_status mail_cb(void *ctx, const char *user, const kh_inbox_row *m)
{
    mail_ctx *c = ctx;
    for (size_t i = 0; i < c->cfg->n; i++)
        if (!strcmp(c->cfg->names[i], user))
            return send_one(c->cfg, c->cfg->addrs[i], m, c->e);
    return KH_ENOTFOUND;   /* no address: stays in the inbox only */
}

static kh_status send_mail(kh_cli_ctx *c, const char *config, int64_t now,
                           kh_buf *out)
{
    mail_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.now = now ? now : (int64_t)time(NULL);
    kh_status st = cfg_read(config, &cfg, c->e);
    size_t sent = 0;
    if (st == KH_OK && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        st = kh_err_fail(c->e, KH_EIO, "libcurl did not start");
    else if (st == KH_OK) {
        mail_ctx m = {&cfg, c->e};
        st = kh_store_inbox_mail(c->store, mail_cb, &m, &sent, c->e);
        curl_global_cleanup();
    }
    kh_buf_printf(out, _("%zu messages mailed\n"), sent);
    cfg_free(&cfg);
    return st;
}

/* ---- the command ----------------------------------------------------- */

static void remind_help(void)
{
    printf(_("Usage: kaohe remind [--send-mail --mail-config FILE] "
           "[--db FILE]\n"
           "\n"
           "Adds the reminders that are due to the users' inboxes\n"
           "(self-check due in 3 days, 1 day or passed; inspection\n"
           "end, review and publication dates to admins; results\n"
           "published; rectification items due within 3 days or\n"
           "overdue), each once.  Dates are China calendar days.\n"
           "With --send-mail, every message not mailed yet is sent\n"
           "by SMTP to its user's address from FILE (lines\n"
           "smtp_url = smtp://HOST:PORT, from = ADDRESS,\n"
           "address.USER = ADDRESS; optional username, password,\n"
           "starttls = yes; docs/SCHEDULE.md).\n%s"), kh_cli_db_help());
}

/* Where remind_one puts --send-mail and --mail-config. */
typedef struct remind_opt {
    const char *cmd;
    bool *mail;
    const char **config;
} remind_opt;

/* --send-mail, --mail-config (kh_cli_option_fn); any other is refused. */
static int remind_one(void *args, int o, char *arg, char **argv)
{
    remind_opt *a = args;
    if (o == OPT_SEND_MAIL)
        *a->mail = true;
    else if (o == OPT_MAIL_CONFIG)
        *a->config = arg;
    else
        return kh_cli_bad_option(a->cmd, o, argv);
    return -1;
}

/* Options; an exit code when the run ends here, else -1. */
static int remind_options(kh_cli_ctx *c, int argc, char **argv, bool *mail,
                          const char **config)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, KH_OPT_DB},
        {"data-dir", required_argument, NULL, KH_OPT_DATA_DIR},
        {"send-mail", no_argument, NULL, OPT_SEND_MAIL},
        {"mail-config", required_argument, NULL, OPT_MAIL_CONFIG},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    remind_opt a = {c->cmd, mail, config};
    const kh_cli_parse_spec sp = {.shortopts = ":h", .opts = opts,
                                  .help = remind_help, .fn = remind_one,
                                  .args = &a};
    int rc = kh_cli_parse(c, c->cmd, argc, argv, &sp);
    if (rc >= 0)
        return rc;
    if (*mail != (*config != NULL))
        return kh_cli_usage_error(c->cmd, "--send-mail and --mail-config "
                                          "go together");
    return -1;
}

int kh_cmd_remind(int argc, char **argv)
{
    kh_cli_ctx c;
    if (!kh_cli_ctx_init(&c, "remind"))
        return KH_EXIT_FAILURE;
    bool mail = false;
    const char *config = NULL;
    kh_cli_env env;
    int rc = remind_options(&c, argc, argv, &mail, &config);
    if (rc < 0 && (rc = kh_cli_env_get(&env)) == KH_EXIT_OK)
        rc = -1;
    if (rc >= 0 || (rc = kh_cli_open(&c, 0)) != KH_EXIT_OK) {
        kh_cli_finish(&c, KH_OK);
        return rc;
    }
    size_t made = 0;
    kh_status st = kh_store_remind(c.store, &made, c.e);
    kh_buf out;
    kh_buf_init(&out, 0);
    if (st == KH_OK)
        kh_buf_printf(&out, _("%zu reminders added\n"), made);
    if (st == KH_OK && mail)
        st = send_mail(&c, config, env.now, &out);
    rc = kh_cli_write(NULL, &out);
    kh_buf_free(&out);
    int rc2 = kh_cli_finish(&c, st);
    return rc2 != KH_EXIT_OK ? rc2 : rc;
}
