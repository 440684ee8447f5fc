#!/bin/sh
# The message catalogue (docs/DESIGN.md, "Message catalogue").  Run from
# the repository root.
#   sh scripts/po.sh pot FILE   extract the msgids of po/POTFILES into FILE
#   sh scripts/po.sh update     merge a fresh extraction into po/zh_CN.po
#                               (new msgids come in untranslated)
#   sh scripts/po.sh check      fail on an untranslated or fuzzy message, a
#                               bad format, or a msgid of the code missing
#                               from po/zh_CN.po (the test i18n.catalogue)
set -eu
# Keywords: _ and N_, the engine's kh_err_* message arguments and the
# loaders' wrappers around them (their format argument's position), the
# CLI's usage errors (kh_cli_usage_error translates its format).
KEYWORDS="-k_ -kN_ -kW_ -kkh_i18n_zh -kkh_err_at:5 -kkh_err_warn:5
  -kkh_err_fail:3 -kkh_err_vat:6 -kerr:4 -kwarn:5 -kas_err:7 -kas_eerr:8
  -ksoft_err:4 -kkh_model_err:4 -kjerr_lc:4 -kcsv_error:6
  -kxr_fatal:4 -kxr_error:4
  -kkh_cli_usage_error:2"
pot() {
  # shellcheck disable=SC2086
  xgettext --language=C --from-code=UTF-8 --no-location --sort-output \
    --package-name=kaohe --msgid-bugs-address=kaohe \
    --flag=kh_err_at:5:c-format --flag=kh_err_warn:5:c-format \
    --flag=kh_err_fail:3:c-format --flag=kh_err_vat:6:c-format \
    --flag=err:4:c-format --flag=warn:5:c-format \
    --flag=as_err:7:c-format --flag=as_eerr:8:c-format \
    --flag=soft_err:4:c-format --flag=kh_model_err:4:c-format \
    --flag=jerr_lc:4:c-format \
    --flag=csv_error:6:c-format --flag=xr_fatal:4:c-format \
    --flag=xr_error:4:c-format --flag=kh_cli_usage_error:2:c-format \
    $KEYWORDS -o "$1" $(grep -v '^#' po/POTFILES)
}
case ${1-} in
  pot) pot "$2" ;;
  update)
    tmp=$(mktemp); trap 'rm -f "$tmp"' EXIT
    pot "$tmp"
    msgmerge --quiet --update --backup=none --no-fuzzy-matching \
      po/zh_CN.po "$tmp" ;;
  check)
    tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
    pot "$tmp/kaohe.pot"
    msgfmt --check --statistics -o /dev/null po/zh_CN.po \
      2>"$tmp/stats" || { cat "$tmp/stats"; exit 1; }
    cat "$tmp/stats"
    if grep -q 'untranslated\|fuzzy' "$tmp/stats"; then
      echo "po/zh_CN.po: every message must be translated, none fuzzy"
      exit 1
    fi
    msgcmp po/zh_CN.po "$tmp/kaohe.pot" ||
      { echo "po/zh_CN.po lacks msgids of the code (sh scripts/po.sh update)"; exit 1; }
    ;;
  *) echo "usage: sh scripts/po.sh pot FILE | update | check" >&2; exit 2 ;;
esac
