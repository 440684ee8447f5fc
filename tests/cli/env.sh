#!/bin/sh
# KAOHE_NOW is parsed once, the same way, for every store command and for
# serve: a value that is not a time in range is refused (exit 2) with a
# message naming the variable, and nothing is written; the last second
# accepted stamps 9999-12-31 (not 1970-01-01).
set -u
kaohe=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export KAOHE_DB="$tmp/k.db" KAOHE_USER=tester
data=$(dirname "$0")/../store/data
fail=0
die() { echo "FAIL: $*"; fail=1; }
KAOHE_NOW=1767225600 "$kaohe" init >/dev/null &&
  KAOHE_NOW=1767225600 "$kaohe" rubric import "$data/mini-rubric.yaml" >/dev/null ||
  { echo "setup failed"; exit 1; }
before=$(sqlite3 "$KAOHE_DB" "SELECT count(*) FROM audit")
for v in abc -5 +5 " 5" 12x 253402272000 99999999999999999999; do
  for cmd in "year open 2025 --rubric mini-2025" "serve --listen 127.0.0.1:0"; do
    # shellcheck disable=SC2086
    KAOHE_NOW=$v timeout 10 "$kaohe" $cmd >"$tmp/out" 2>"$tmp/err"
    rc=$?
    want="kaohe: KAOHE_NOW: \"$v\" is not a time: seconds since 1970-01-01 UTC, 0 to 253402271999 (9999-12-31)"
    [ "$rc" = 2 ] || die "KAOHE_NOW='$v' $cmd: exit $rc"
    [ "$(cat "$tmp/err")" = "$want" ] || die "KAOHE_NOW='$v' $cmd: $(cat "$tmp/err")"
    [ -s "$tmp/out" ] && die "KAOHE_NOW='$v' $cmd: output $(cat "$tmp/out")"
  done
done
after=$(sqlite3 "$KAOHE_DB" "SELECT count(*) FROM audit")
[ "$before" = "$after" ] || die "a refused command wrote ($before -> $after records)"
[ "$(sqlite3 "$KAOHE_DB" "SELECT count(*) FROM year")" = 0 ] || die "a year was opened"
KAOHE_NOW=253402271999 "$kaohe" year open 2025 --rubric mini-2025 >/dev/null ||
  die "the last second accepted was refused"
at=$(sqlite3 "$KAOHE_DB" "SELECT at FROM audit ORDER BY seq DESC LIMIT 1")
[ "$at" = 9999-12-31T15:59:59Z ] || die "stamped $at"
exit $fail
