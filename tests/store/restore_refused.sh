#!/bin/sh
# A row the target refuses, in the middle of a bulk load: `kaohe store
# copy` of a SQLite store holding a row no store would hold (planted with
# SQLite's checks off: a user whose `disabled` is 2, after thousands of
# entries were loaded) exits 1 with one line naming the table and the row,
# and leaves the target as `kaohe init` made it: the same copy succeeds
# once the row is mended, and `kaohe check` and `kaohe audit verify` pass
# on it.  On PostgreSQL (store.restore_refused.pg) also `kaohe restore` of
# a backup carrying that row (its manifest made to match, as a backup
# written by a faulty tool would be): refused the same way, nothing in the
# database but init's schema; restored once mended.
set -u
export LC_ALL=C
kaohe=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export KAOHE_USER=tester KAOHE_NOW=1767225600
DB=$tmp/to.db
. tests/pg/store.inc
fail=0
die() { echo "FAIL: $*"; fail=1; }
SRC=$tmp/src.db
{
  "$kaohe" init --db "$SRC" &&
  "$kaohe" rubric import rubrics/ideology-2020.yaml --db "$SRC" &&
  "$kaohe" year open 2025 --rubric ideology-2020 --db "$SRC" &&
  "$kaohe" import assessment examples/college-2025.yaml --db "$SRC" &&
  "$kaohe" year advance 2025 --db "$SRC" &&
  echo a-long-password | "$kaohe" user add li --role admin --display-name 李明 --db "$SRC" &&
  echo a-long-password | "$kaohe" user add zhao --role inspector --db "$SRC"
} >"$tmp/setup.log" 2>&1 || { cat "$tmp/setup.log"; echo "FAIL: setup"; exit 1; }
plant() {   # plant FILE SQL: SQLite's checks off, as a faulty tool would
  sqlite3 "$1" "PRAGMA ignore_check_constraints = ON; $2" || die "plant: $2"
}
# as_made TARGET: nothing in it but what init made.
as_made() {
  n=$(sql_q "$1" "SELECT (SELECT count(*) FROM rubric) + (SELECT count(*)
    FROM audit) + (SELECT count(*) FROM app_user) + (SELECT count(*) FROM entry)
    + (SELECT count(*) FROM unit)")
  [ "$n" = 0 ] || die "$2: $n rows left in the target"
}
data=${KAOHE_DATA_DIR:-$DB.data}

plant "$SRC" "UPDATE app_user SET disabled = 2 WHERE name = 'zhao'"
"$kaohe" store copy --from "$SRC" --to "$DB" --data-dir "$data" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 1 ] || die "store copy of a bad row: exit status $rc ($(cat "$tmp/err"))"
[ "$(wc -l <"$tmp/err")" = 1 ] &&
  grep -q ": table app_user, row 2 of the source: refused by the target: .*disabled" "$tmp/err" ||
  die "store copy of a bad row: $(cat "$tmp/err")"
as_made "$DB" "store copy of a bad row"
# A second try into the same target, once mended, goes through.
plant "$SRC" "UPDATE app_user SET disabled = 0 WHERE name = 'zhao'"
"$kaohe" store copy --from "$SRC" --to "$DB" --data-dir "$data" >"$tmp/out" 2>"$tmp/err" ||
  die "store copy after mending: $(cat "$tmp/err")"
KAOHE_DATA_DIR=$data "$kaohe" check --db "$DB" >"$tmp/out" 2>&1 ||
  die "check of the copy: $(cat "$tmp/out")"
"$kaohe" audit verify --db "$DB" >"$tmp/out" 2>&1 || die "audit verify of the copy: $(cat "$tmp/out")"

if [ -n "${KH_TEST_PG-}" ]; then
  "$kaohe" backup --db "$SRC" --to "$tmp/bk" >/dev/null 2>"$tmp/err" ||
    die "backup: $(cat "$tmp/err")"
  # remanifest: the manifest's line for kaohe.db made to match the file.
  remanifest() {
    set -- $(wc -c <"$tmp/bk/kaohe.db") $(sha256sum "$tmp/bk/kaohe.db" | cut -c1-64)
    sed -i "s|^file kaohe.db .*|file kaohe.db $1 $2|" "$tmp/bk/MANIFEST"
  }
  plant "$tmp/bk/kaohe.db" "UPDATE app_user SET disabled = 2 WHERE name = 'zhao'"
  remanifest
  R=$(sh tests/pg/newdb.sh) || exit 1
  "$kaohe" restore --from "$tmp/bk" --db "$R" --data-dir "$tmp/r.data" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  [ "$rc" = 1 ] || die "restore of a bad row: exit status $rc ($(cat "$tmp/err"))"
  [ "$(wc -l <"$tmp/err")" = 1 ] &&
    grep -q ": table app_user, row 2 of the source: refused by the target: .*disabled" "$tmp/err" ||
    die "restore of a bad row: $(cat "$tmp/err")"
  as_made "$R" "restore of a bad row"
  plant "$tmp/bk/kaohe.db" "UPDATE app_user SET disabled = 0 WHERE name = 'zhao'"
  remanifest
  "$kaohe" restore --from "$tmp/bk" --db "$R" --data-dir "$tmp/r.data" >"$tmp/out" 2>"$tmp/err" ||
    die "restore after mending: $(cat "$tmp/err")"
  tail -n 1 "$tmp/out" | grep -q "^check passed$" || die "check after restore: $(cat "$tmp/out")"
  "$kaohe" audit verify --db "$R" >"$tmp/out" 2>&1 || die "audit verify of the restore: $(cat "$tmp/out")"
fi
exit $fail
