/*
 * kaohe/store_inbox.h - each user's in-app inbox (站内消息): reminders
 * of the year's deadlines, a self-check returned, a year published,
 * rectification due or overdue, a finding added.  A user only ever reads
 * and marks their own messages.  Messages carry a key: adding one whose
 * key the user has already is a no-op, so derived reminders can be made
 * again and again (kh_store_remind).  The texts are stored in Chinese
 * (made from catalogue msgids when they are added).  Messages are not
 * audited: they change no assessment data and are derived from audited
 * changes (docs/SCHEDULE.md).
 *
 * Memory: strings passed in are borrowed for the call; strings in
 * callback rows are borrowed for the duration of the callback only.
 */
#ifndef KAOHE_STORE_INBOX_H
#define KAOHE_STORE_INBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kaohe/error.h"
#include "kaohe/store.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KH_INBOX_KEY_MAX 200        /* bytes of a message key */
#define KH_INBOX_BODY_MAX 4000      /* bytes of a message text */
#define KH_INBOX_LIST_MAX 200       /* messages a listing shows */

/* Adds a message for user (inside or outside a transaction); *added
 * (may be NULL) is false when the user had that key already. */
kh_status kh_store_inbox_add(kh_store *s, const char *user, int year,
                             const char *kind, const char *key,
                             const char *body, const char *link,
                             bool *added, kh_err *e);
/* The same for every enabled user of role unit of that unit. */
kh_status kh_store_inbox_add_unit(kh_store *s, int year, const char *unit,
                                  const char *kind, const char *key,
                                  const char *body, const char *link,
                                  kh_err *e);
/* The same for every enabled admin. */
kh_status kh_store_inbox_add_admins(kh_store *s, int year, const char *kind,
                                    const char *key, const char *body,
                                    const char *link, kh_err *e);

/* Tells the admins that finding id was recorded on item of unit (the
 * hook of kh_store_finding_add, inside its transaction). */
kh_status kh_store_inbox_finding(kh_store *s, int year, const char *unit,
                                 const char *item, int64_t id, kh_err *e);

typedef struct kh_inbox_row {
    int64_t id;
    int year;
    const char *kind, *body, *link;   /* link may be NULL */
    const char *made_at;              /* UTC stamp */
    bool read;
    bool mailed;
} kh_inbox_row;
typedef kh_status (*kh_inbox_fn)(void *ctx, const kh_inbox_row *row);
/* The user's newest KH_INBOX_LIST_MAX messages, newest first. */
kh_status kh_store_inbox_each(kh_store *s, const char *user, kh_inbox_fn fn,
                              void *ctx, kh_err *e);
kh_status kh_store_inbox_unread(kh_store *s, const char *user, int64_t *n,
                                kh_err *e);
/* Marks message id of user read; KH_ENOTFOUND when user has no such
 * message (another user's id is not found either). */
kh_status kh_store_inbox_mark_read(kh_store *s, const char *user, int64_t id,
                                   kh_err *e);

/* Makes the derived reminders of every year not closed, idempotently:
 * the self-check due date in 3 days, 1 day and passed (units not
 * submitted), the inspection end and review due dates (admins), a year
 * published (every user of it), rectification items due within 3 days
 * or overdue (the unit).  *made (may be NULL) gets the count added. */
kh_status kh_store_remind(kh_store *s, size_t *made, kh_err *e);

/* Mail (kaohe remind --send-mail): calls fn for each message not mailed
 * yet (at most KH_INBOX_MAIL_MAX, oldest first) with its user; a message
 * is marked mailed when fn returns KH_OK, skipped when it returns
 * KH_ENOTFOUND (the user has no address), and any other status stops
 * the run and is returned.  *sent (may be NULL) counts those marked. */
#define KH_INBOX_MAIL_MAX 1000
typedef kh_status (*kh_inbox_mail_fn)(void *ctx, const char *user,
                                      const kh_inbox_row *row);
kh_status kh_store_inbox_mail(kh_store *s, kh_inbox_mail_fn fn, void *ctx,
                              size_t *sent, kh_err *e);

#ifdef __cplusplus
}
#endif
#endif
