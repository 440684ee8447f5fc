/*
 * cli.c - helpers shared by the subcommands: error printing, exit codes,
 * atomic output files.
 */
#include "cli.h"
#include "kaohe/i18n.h"
#include "kaohe/num.h"
#include "kaohe/place.h"
#include "kaohe/store.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* KAOHE_NOW: decimal seconds, 1 to KH_STORE_TIME_MAX (0 and the empty
 * string mean the clock, as if unset). */
static int parse_now(const char *s, int64_t *out)
{
    *out = 0;
    if (!s || !*s)
        return KH_EXIT_OK;
    char *end;
    errno = 0;
    long long t = strtoll(s, &end, 10);
    if (errno || *end || end == s || s[0] == '-' || s[0] == '+' ||
        s[0] == ' ' || t < 0 || t > KH_STORE_TIME_MAX) {
        fprintf(stderr,
                "kaohe: KAOHE_NOW: \"%s\" is not a time: seconds since "
                "1970-01-01 UTC, 0 to %" PRId64 " (%d-12-31)\n",
                s, (int64_t)KH_STORE_TIME_MAX, KH_YEAR_MAX);
        return KH_EXIT_USAGE;
    }
    *out = (int64_t)t;
    return KH_EXIT_OK;
}

int kh_cli_env_get(kh_cli_env *out)
{
    static kh_cli_env env;
    static int parsed, status;
    if (!parsed) {
        const char *db = getenv("KAOHE_DB");
        env.db = db && *db ? db : "kaohe.db";
        const char *dd = getenv("KAOHE_DATA_DIR");
        env.data_dir = dd && *dd ? dd : NULL;
        status = parse_now(getenv("KAOHE_NOW"), &env.now);
        parsed = 1;
    }
    *out = env;
    return status;
}

size_t kh_cli_print_errors_in(const kh_err *e, const kh_place_ctx *ctx)
{
    bool zh = kh_i18n_locale_is_zh();
    for (size_t i = 0; i < kh_err_count(e); i++) {
        char *s = zh ? kh_place_line(kh_err_get(e, i), ctx)
                     : kh_err_format(e, i);
        if (s) {
            fprintf(stderr, "%s\n", s);
            free(s);
        }
    }
    return kh_err_errors(e);
}

void kh_cli_opt_paths(kh_err *e, size_t from, const char *const *map)
{
    for (size_t i = from; i < kh_err_count(e); i++) {
        const char *p = kh_err_get(e, i)->path;
        for (size_t k = 0; p && map[k] && map[k + 1]; k += 2)
            if (strcmp(p, map[k]) == 0) {
                /* A failed copy keeps the store's path: still a place. */
                (void)kh_err_set_path(e, i, map[k + 1]);
                break;
            }
    }
}

size_t kh_cli_print_errors(const kh_err *e)
{
    return kh_cli_print_errors_in(e, NULL);
}

int kh_cli_exit(kh_status st)
{
    switch (st) {
    case KH_OK:
        return KH_EXIT_OK;
    case KH_EINVAL:
    case KH_EIO:
    case KH_ENOTFOUND:
    case KH_ESTATE:
    case KH_ECONFLICT:
    case KH_EPERM:
        return KH_EXIT_INVALID;
    default:
        return KH_EXIT_FAILURE;
    }
}

int kh_cli_exit_err(kh_status st, const kh_err *e)
{
    if (st == KH_OK)
        return KH_EXIT_OK;
    switch (kh_err_cause(e)) {
    case KH_CAUSE_NONE:
        return kh_cli_exit(st);
    case KH_CAUSE_BUSY:
        return KH_EXIT_BUSY;
    default:
        return KH_EXIT_FAILURE;
    }
}

int kh_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, _("kaohe %s: "), cmd);
    va_start(ap, fmt);
    vfprintf(stderr, _(fmt), ap);   /* fmt is a msgid (scripts/po.sh) */
    va_end(ap);
    fprintf(stderr, _("\nTry 'kaohe %s --help'.\n"), cmd);
    return KH_EXIT_USAGE;
}

kh_status kh_cli_write_via(const char *path, kh_cli_file_fn fn, void *ctx,
                           kh_err *e)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    snprintf(tmp, n, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        kh_status st = kh_err_fail(e, KH_EIO, "%s: cannot create: %s", path,
                                   strerror(errno));
        free(tmp);
        return st;
    }
    close(fd);
    kh_status st = fn(ctx, tmp, e);
    if (st == KH_OK && rename(tmp, path) != 0)
        st = kh_err_fail(e, KH_EIO, "%s: cannot write: %s", path,
                         strerror(errno));
    if (st != KH_OK)
        unlink(tmp);
    free(tmp);
    return st;
}

int kh_cli_write(const char *path, const kh_buf *b)
{
    if (kh_buf_status(b) != KH_OK) {
        fprintf(stderr, _("kaohe: cannot produce output: %s\n"),
                kh_status_str(kh_buf_status(b)));
        return KH_EXIT_FAILURE;
    }
    if (!path || strcmp(path, "-") == 0) {
        if (b->len && fwrite(b->data, 1, b->len, stdout) != b->len) {
            fprintf(stderr, _("kaohe: cannot write to standard output\n"));
            return KH_EXIT_FAILURE;
        }
        if (fflush(stdout) != 0) {
            fprintf(stderr, _("kaohe: cannot write to standard output\n"));
            return KH_EXIT_FAILURE;
        }
        return KH_EXIT_OK;
    }
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return KH_EXIT_FAILURE;
    snprintf(tmp, n, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, _("kaohe: %s: cannot create: %s\n"), path,
                strerror(errno));
        free(tmp);
        return KH_EXIT_FAILURE;
    }
    FILE *f = fdopen(fd, "wb");
    int ok = f && (b->len == 0 || fwrite(b->data, 1, b->len, f) == b->len);
    if (f && fclose(f) != 0)
        ok = 0;
    if (!ok || rename(tmp, path) != 0) {
        fprintf(stderr, _("kaohe: %s: cannot write: %s\n"), path,
                strerror(errno));
        unlink(tmp);
        free(tmp);
        return KH_EXIT_FAILURE;
    }
    free(tmp);
    return KH_EXIT_OK;
}
