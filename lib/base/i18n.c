/*
 * i18n.c - the catalogue's binding and the Chinese lookup behind kh_err
 * (kaohe/i18n.h).  Owns the one zh_CN locale object.
 */
#include "kaohe/i18n.h"

#include <locale.h>
#include <string.h>

static locale_t zh_locale = (locale_t)0;

kh_status kh_i18n_init(const char *localedir)
{
    if (localedir && !bindtextdomain(KH_I18N_DOMAIN, localedir))
        return KH_ENOMEM;
    if (!bind_textdomain_codeset(KH_I18N_DOMAIN, "UTF-8"))
        return KH_ENOMEM;
    if (!zh_locale)
        zh_locale = newlocale(LC_MESSAGES_MASK, KH_I18N_ZH_LOCALE,
                              (locale_t)0);
    return KH_OK;
}

void kh_i18n_done(void)
{
    if (zh_locale)
        freelocale(zh_locale);
    zh_locale = (locale_t)0;
}

const char *kh_i18n_zh(const char *msgid)
{
    if (!zh_locale || !msgid || !*msgid)
        return msgid;
    locale_t old = uselocale(zh_locale);
    const char *s = dgettext(KH_I18N_DOMAIN, msgid);
    if (old != (locale_t)0)
        uselocale(old);
    return s;
}

bool kh_i18n_locale_is_zh(void)
{
    const char *l = setlocale(LC_MESSAGES, NULL);
    return l && strncmp(l, "zh", 2) == 0;
}
