/*
 * kaohe/i18n.h - the message catalogue (GNU gettext, glibc's libintl).
 *
 * Messages are written in English in the code (the msgids); po/zh_CN.po
 * holds their Simplified Chinese.  The engine never picks a language: a
 * kh_err keeps every message in English and, once kh_i18n_init() found
 * the catalogue, in Chinese beside it (kh_msg.text_zh), so each front end
 * shows the one its reader wants (docs/DESIGN.md, "Message catalogue").
 *   _("text")    front-end text in the process's locale (LC_MESSAGES)
 *   N_("text")   marks a msgid for extraction without translating it
 */
#ifndef KAOHE_I18N_H
#define KAOHE_I18N_H

#include <libintl.h>
#include <stdbool.h>

#include "kaohe/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The gettext text domain: LOCALEDIR/zh_CN/LC_MESSAGES/kaohe.mo. */
#define KH_I18N_DOMAIN "kaohe"
/* The locale the Chinese catalogue is read in (Debian `locales`). */
#define KH_I18N_ZH_LOCALE "zh_CN.UTF-8"

#define _(s) dgettext(KH_I18N_DOMAIN, s)
#define N_(s) (s)

/* Binds the domain to localedir (NULL: gettext's default) in UTF-8 and
 * opens the Chinese locale used by kh_i18n_zh().  Call once, before any
 * thread starts.  Without the zh_CN.UTF-8 locale or the catalogue
 * messages stay English: that is not an error. */
kh_status kh_i18n_init(const char *localedir);
/* Releases what kh_i18n_init() opened. */
void kh_i18n_done(void);
/* The Chinese of msgid whatever the process's locale, or msgid itself
 * (untranslated, or no catalogue).  Borrowed: the catalogue owns it.
 * Thread-safe (a per-thread uselocale). */
const char *kh_i18n_zh(const char *msgid);
/* Does the process's LC_MESSAGES ask for Chinese (zh, zh_CN.UTF-8...)? */
bool kh_i18n_locale_is_zh(void);

#ifdef __cplusplus
}
#endif
#endif
