#!/bin/sh
# Installs the Debian packages kaohe needs to build and test, when missing.
# Called by the Makefile; safe to run again (does nothing when all present).
#   sh scripts/deps.sh         build and `make check` (incl. the browser test)
#   sh scripts/deps.sh bench   also wrk and nginx for bench/web
set -eu
PKGS="gcc make cmake pkg-config clang libclang-rt-14-dev llvm
      libfyaml-dev libutf8proc-dev libcmocka-dev libzip-dev libexpat1-dev
      libsqlite3-dev libpq-dev postgresql-15 nginx-light libsodium-dev sqlite3 libmicrohttpd-dev zlib1g-dev curl
      libcurl4-openssl-dev
      chromium chromium-l10n fonts-wqy-microhei
      libxlsxwriter-dev poppler-utils python3 python3-yaml libqrencode-dev
      libcairo2-dev libpango1.0-dev fonts-arphic-uming
      python3-docx libreoffice-writer-nogui libreoffice-calc-nogui
      gettext locales unzip openssl ca-certificates"
# llvm: llvm-symbolizer, so that an ASan/UBSan report in `make check`
# names functions and lines rather than addresses.
# unzip: the tests look inside xlsx, docx and archive zips; openssl makes
# the cluster test's self-signed certificate for nginx; ca-certificates
# lets npm fetch playwright-core over https (a minimal Debian has none of
# the three).
# chromium-l10n: the browser tests run chromium in Chinese (--lang=zh-CN),
# so the file and date pickers read as a Chinese user's do (选择文件,
# 年/月/日), not in English.
# libcurl: `kaohe remind --send-mail` sends the inbox's reminders by SMTP
# (docs/SCHEDULE.md); its test talks to a sink it starts on loopback.
# nginx-light: the cluster test (tests/pg/test_cluster.sh) puts it in front
# of two `kaohe serve` instances, started by the test (no system service).
# Documents (issue 14): cairo + pango draw the PDFs with AR PL UMing (a
# Ming/Song face, the nearest Debian has to 仿宋/宋体); python3-docx and
# headless LibreOffice are the real readers the document tests use.
# Node for the end-to-end test (playwright-core): Debian's nodejs and npm,
# unless a node is already there (e.g. another distribution's package,
# which brings its own npm and would conflict with Debian's).
if ! command -v node >/dev/null 2>&1; then
  PKGS="$PKGS nodejs npm"
fi
# The message catalogue (po/): msgfmt, xgettext, msgcmp; the Chinese CLI
# and its tests need the zh_CN.UTF-8 locale (generated below if missing).
if [ "${1-}" = bench ]; then
  PKGS="$PKGS wrk nginx"
fi
missing=""
for p in $PKGS; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
# Not root: sudo, when there is one (a fresh Debian has none: say so
# rather than "sudo: not found").
if [ "$(id -u)" != 0 ]; then
  SUDO=sudo
  command -v sudo >/dev/null 2>&1 || SUDO=no_sudo
else
  SUDO=
fi
no_sudo() {
  echo "deps: needs root to run '$*' (missing:${missing:- the zh_CN.UTF-8 locale}); run 'sh scripts/deps.sh' as root once" >&2
  exit 1
}
zh_locale() {
  locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$' && return 0
  echo "deps: generating the zh_CN.UTF-8 locale"
  grep -q '^zh_CN.UTF-8 UTF-8' /etc/locale.gen 2>/dev/null ||
    echo 'zh_CN.UTF-8 UTF-8' | $SUDO tee -a /etc/locale.gen >/dev/null
  $SUDO locale-gen zh_CN.UTF-8 >/dev/null
}
if [ -z "$missing" ]; then zh_locale; exit 0; fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
zh_locale
