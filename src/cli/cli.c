/*
 * cli.c - helpers shared by the subcommands: error printing, exit codes,
 * atomic output files.
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

size_t kh_cli_print_errors(const kh_err *e)
{
    for (size_t i = 0; i < kh_err_count(e); i++) {
        char *s = kh_err_format(e, i);
        if (s) {
            fprintf(stderr, "%s\n", s);
            free(s);
        }
    }
    return kh_err_errors(e);
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

int kh_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "kaohe %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'kaohe %s --help'.\n", cmd);
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
        fprintf(stderr, "kaohe: cannot produce output: %s\n",
                kh_status_str(kh_buf_status(b)));
        return KH_EXIT_FAILURE;
    }
    if (!path || strcmp(path, "-") == 0) {
        if (b->len && fwrite(b->data, 1, b->len, stdout) != b->len) {
            fprintf(stderr, "kaohe: cannot write to standard output\n");
            return KH_EXIT_FAILURE;
        }
        if (fflush(stdout) != 0) {
            fprintf(stderr, "kaohe: cannot write to standard output\n");
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
        fprintf(stderr, "kaohe: %s: cannot create: %s\n", path,
                strerror(errno));
        free(tmp);
        return KH_EXIT_FAILURE;
    }
    FILE *f = fdopen(fd, "wb");
    int ok = f && (b->len == 0 || fwrite(b->data, 1, b->len, f) == b->len);
    if (f && fclose(f) != 0)
        ok = 0;
    if (!ok || rename(tmp, path) != 0) {
        fprintf(stderr, "kaohe: %s: cannot write: %s\n", path,
                strerror(errno));
        unlink(tmp);
        free(tmp);
        return KH_EXIT_FAILURE;
    }
    free(tmp);
    return KH_EXIT_OK;
}
