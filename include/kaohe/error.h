/*
 * kaohe/error.h - status codes and the error object.
 *
 * Every engine function returns a kh_status.  What went wrong, and where,
 * is collected on a kh_err: a list of located messages (errors and
 * warnings), like sqlite3ErrorMsg or curl's failf, but it keeps all of them
 * so a loader can report every bad value in one run.  The engine never
 * prints; front ends format the list with kh_err_format(), or
 * kh_err_format_zh() for a reader of Chinese (kaohe/i18n.h: the text of
 * every message is a msgid, its Chinese is looked up when it is added).
 */
#ifndef KAOHE_ERROR_H
#define KAOHE_ERROR_H

#include <stddef.h>
#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define KH_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define KH_PRINTF(fmt, args)
#endif

typedef enum kh_status {
    KH_OK = 0,
    KH_EINVAL,   /* invalid input: the messages on the kh_err say where */
    KH_ENOMEM,   /* out of memory */
    KH_EIO,      /* a file could not be read or written */
    KH_ELIMIT,   /* a size cap was reached */
    KH_ENOTFOUND,/* a named object does not exist */
    KH_ESTATE,   /* not allowed in the current state */
    KH_ECONFLICT,/* stale version / concurrent change */
    KH_EDB,      /* storage failure */
    KH_EPERM,    /* not permitted */
    KH_DONE      /* iteration finished (not an error) */
} kh_status;

/* Why a storage failure happened, as the store's driver saw it (set with
 * the message by lib/store; KH_CAUSE_NONE for anything else).  Front ends
 * answer by it, never by a message's text: the web server's status
 * (busy 503 + Retry-After, full 507, damaged 503, io 500) and the
 * command's exit status (busy 4, the others 3). */
typedef enum kh_cause {
    KH_CAUSE_NONE = 0,
    KH_CAUSE_BUSY,     /* another writer holds the lock: a retry may pass */
    KH_CAUSE_FULL,     /* the disk or the server's space is full */
    KH_CAUSE_DAMAGED,  /* damaged or truncated pages */
    KH_CAUSE_IO,       /* the operating system could not read or write */
    KH_CAUSE_NOTSTORE, /* not a kaohe store (empty, foreign, newer) */
    KH_CAUSE_DOWN      /* the database server cannot be reached */
} kh_cause;

typedef enum kh_severity {
    KH_SEV_ERROR = 0,
    KH_SEV_WARNING = 1
} kh_severity;

/* One message.  Strings are owned by the kh_err. line/col are 1-based;
 * 0 means unknown.  path is a data path such as "entries[5].item", or
 * NULL. */
typedef struct kh_msg {
    kh_severity severity;
    const char *file;
    unsigned line, col;
    const char *path;
    const char *text;     /* English, as the code wrote it */
    const char *text_zh;  /* Chinese from the catalogue, or NULL */
} kh_msg;

typedef struct kh_err kh_err;

/* Creates an empty error object; NULL on out of memory.  Caller owns it
 * and frees it with kh_err_free(). */
kh_err *kh_err_new(void);
void kh_err_free(kh_err *e);
/* Drops every message. */
void kh_err_clear(kh_err *e);

/* Sets the file name used by subsequent kh_err_at() calls (copied). */
void kh_err_set_file(kh_err *e, const char *file);
const char *kh_err_file(const kh_err *e);

/* Adds an error located at line:col of the current file and/or a data
 * path (either may be 0/NULL).  Always returns KH_EINVAL so a caller can
 * `return kh_err_at(...)`. */
kh_status kh_err_at(kh_err *e, unsigned line, unsigned col, const char *path,
                    const char *fmt, ...) KH_PRINTF(5, 6);
kh_status kh_err_vat(kh_err *e, kh_severity sev, unsigned line, unsigned col,
                     const char *path, const char *fmt, va_list ap)
    KH_PRINTF(6, 0);
/* Adds a warning; does not change the outcome of an operation. */
void kh_err_warn(kh_err *e, unsigned line, unsigned col, const char *path,
                 const char *fmt, ...) KH_PRINTF(5, 6);
/* Adds an unlocated error with the given status and returns that status
 * (for I/O, memory, state errors). */
kh_status kh_err_fail(kh_err *e, kh_status st, const char *fmt, ...)
    KH_PRINTF(3, 4);

size_t kh_err_count(const kh_err *e);          /* all messages */
size_t kh_err_errors(const kh_err *e);         /* errors only */
const kh_msg *kh_err_get(const kh_err *e, size_t i); /* borrowed */

/* Formats message i as "FILE:LINE:COL: PATH: text", leaving out the
 * parts that are unknown, with "warning: " before a warning's text.
 * Returns a malloc'd string the caller frees, or NULL. */
char *kh_err_format(const kh_err *e, size_t i);

/* kh_err_format() in Chinese: the message's text_zh (its English when
 * there is none) and "警告：" before a warning's.  The place stays as
 * it is.  Caller frees. */
char *kh_err_format_zh(const kh_err *e, size_t i);
/* Sets message i's Chinese (copied) for a message built from pieces,
 * each translated by the caller; KH_ENOMEM or KH_ENOTFOUND. */
kh_status kh_err_set_zh(kh_err *e, size_t i, const char *text_zh);
/* Sets message i's path (copied; NULL for none), e.g. a front end naming
 * the option or field that gave the value; KH_ENOMEM or KH_ENOTFOUND. */
kh_status kh_err_set_path(kh_err *e, size_t i, const char *path);
/* In message i's Chinese, the last occurrence of word (an English
 * argument spliced into the translated format: "a mapping", "too
 * large", a role id) becomes word's translation, so the sentence reads
 * as Chinese.  Nothing when the message has no Chinese, word none or
 * no translation, or on OOM (the reader then sees the word in English,
 * as before). */
void kh_err_zh_word(kh_err *e, size_t i, const char *word);
/* The same with the Chinese given: word becomes zh (an argument the
 * caller rendered in both languages, "a string \"x\"" / "字符串 \"x\""). */
void kh_err_zh_sub(kh_err *e, size_t i, const char *word, const char *zh);
/* Appends a copy of m (its file, place, texts) to e, e.g. to keep a
 * message beyond the kh_err it came from. */
kh_status kh_err_copy_msg(kh_err *e, const kh_msg *m);

/* Records why a storage failure happened; the first cause set stays
 * (a later failure while cleaning up does not hide it).  kh_err_clear
 * resets it. */
void kh_err_set_cause(kh_err *e, kh_cause c);
kh_cause kh_err_cause(const kh_err *e);
/* Short English name of a cause ("busy", "disk_full", ...), for logs and
 * JSON error codes; static string. */
const char *kh_cause_name(kh_cause c);

/* Human name of a status ("invalid input", ...); static string. */
const char *kh_status_str(kh_status st);

#ifdef __cplusplus
}
#endif
#endif
