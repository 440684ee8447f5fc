#!/bin/sh
# Installs the Debian packages kaohe needs to build and test, when missing.
# Called by the Makefile; safe to run again (does nothing when all present).
set -eu
PKGS="gcc make cmake pkg-config clang libclang-rt-14-dev
      libfyaml-dev libutf8proc-dev libcmocka-dev libzip-dev libexpat1-dev
      libsqlite3-dev libsodium-dev sqlite3
      libxlsxwriter-dev chromium poppler-utils fonts-wqy-microhei python3"
missing=""
for p in $PKGS; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
if [ "$(id -u)" != 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
